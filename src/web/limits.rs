//! Every request body is capped before anything parses it. Forms and JSON are small, so
//! they are read here, up to their cap and within a time limit, and handed on as bytes: a
//! stranger's 512 MiB "login" gets a 413 after 64 KiB, not a gigabyte of buffers. Uploads
//! stream (each file is limited by `max_upload_mb` while it is stored); here they only get a
//! read timeout per chunk, so a stalled client cannot hold a connection for ever.
//!
//! Any refusal, and any error answer on an upload route, closes the connection: the rest of
//! a body nobody will read is not worth receiving.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use poem::{
    Body, Endpoint, IntoResponse, Request, Response,
    error::ReadBodyError,
    http::{HeaderValue, Method, header},
};

use crate::app::AppError;

/// Cap for form posts and the client pages' JSON (hearts, comments).
pub const FORM_MAX: usize = 64 << 10;
/// Cap for the JSON API's bodies.
pub const JSON_MAX: usize = 1 << 20;
/// Cap for a photo of a client's wall in a live session: a phone camera's JPEG, with room.
pub const WALL_MAX: usize = 25 << 20;
/// A small body must arrive whole within this.
const SMALL_BODY_TIMEOUT: Duration = Duration::from_secs(20);
/// An upload may pause this long between chunks.
const STREAM_STALL: Duration = Duration::from_secs(30);

/// What a route may receive.
#[derive(Debug, PartialEq, Eq)]
enum Cap {
    /// Read whole, up to this many bytes.
    Bytes(usize),
    /// Streamed by the handler (uploads, studio images, a live session's wall photo), read
    /// only once the sender is known.
    Stream,
}

fn cap_of(method: &Method, path: &str) -> Cap {
    if method != Method::POST && method != Method::PUT {
        return Cap::Bytes(FORM_MAX);
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match segments.as_slice() {
        ["admin", "galleries", _, "photos"]
        | ["api", "v1", "galleries", _, "photos"]
        | ["admin", "studio", "logo" | "watermark"]
        | ["admin", "prices", "products", _, "photo"] => Cap::Stream,
        ["api", ..] => Cap::Bytes(JSON_MAX),
        // A live session's photo of a wall: the one large body a client may send. It is
        // read (up to `WALL_MAX`) only after the visit and its token are checked.
        ["g", _, "live", "wall"] | ["admin", "galleries", _, "live", "wall"] => Cap::Stream,
        _ => Cap::Bytes(FORM_MAX),
    }
}

/// The middleware (`.around(limits::cap_bodies)` in `routes()`).
pub async fn cap_bodies<E: Endpoint>(next: E, mut req: Request) -> poem::Result<Response> {
    match cap_of(req.method(), req.uri().path()) {
        Cap::Stream => {
            let body = req.take_body();
            req.set_body(stall_guard(body));
            let resp = next.call(req).await?.into_response();
            Ok(if resp.status().is_client_error() || resp.status().is_server_error() {
                closing(resp)
            } else {
                resp
            })
        }
        Cap::Bytes(cap) => {
            let declared = req.header(header::CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok());
            if declared.is_some_and(|n| n > cap as u64) {
                return Ok(refuse(&req, too_large(cap)));
            }
            let body = req.take_body();
            match tokio::time::timeout(SMALL_BODY_TIMEOUT, body.into_bytes_limit(cap)).await {
                Ok(Ok(bytes)) => req.set_body(bytes),
                Ok(Err(ReadBodyError::PayloadTooLarge)) => return Ok(refuse(&req, too_large(cap))),
                Ok(Err(e)) => {
                    return Ok(refuse(
                        &req,
                        AppError::Invalid(format!("the request body could not be read ({e})")),
                    ));
                }
                Err(_) => {
                    let e = AppError::Invalid("the request body came too slowly; please try again".into());
                    return Ok(refuse(&req, e));
                }
            }
            Ok(next.call(req).await?.into_response())
        }
    }
}

fn too_large(cap: usize) -> AppError {
    AppError::TooLarge(format!("The request is larger than this page accepts ({} KiB at most).", cap >> 10))
}

/// The error in the shape the caller reads (JSON for scripts and the API, a page for
/// browsers), on a connection that closes after it.
fn refuse(req: &Request, e: AppError) -> Response {
    let wants_json = req.uri().path().starts_with("/api/")
        || req.header(header::ACCEPT).is_some_and(|a| a.contains("json"))
        || req.content_type().is_some_and(|c| c.contains("json"));
    let err = if wants_json { super::error::json(e) } else { poem::Error::from(e) };
    closing(err.into_response())
}

fn closing(mut resp: Response) -> Response {
    resp.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// The body, failing with a timeout error when no data comes for `STREAM_STALL`.
fn stall_guard(body: Body) -> Body {
    let stream = body.into_bytes_stream();
    let guarded = futures_util::stream::unfold(Box::pin(stream), |mut s| async move {
        match tokio::time::timeout(STREAM_STALL, s.next()).await {
            Ok(Some(item)) => Some((item, s)),
            Ok(None) => None,
            Err(_) => Some((
                Err::<Bytes, _>(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no data for {} s", STREAM_STALL.as_secs()),
                )),
                s,
            )),
        }
    });
    Body::from_bytes_stream(guarded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_stream_and_everything_else_is_capped() {
        assert_eq!(cap_of(&Method::POST, "/admin/galleries/01J/photos"), Cap::Stream);
        assert_eq!(cap_of(&Method::POST, "/api/v1/galleries/01J/photos"), Cap::Stream);
        assert_eq!(cap_of(&Method::POST, "/admin/studio/logo"), Cap::Stream);
        assert_eq!(cap_of(&Method::POST, "/admin/prices/products/01J/photo"), Cap::Stream);
        assert_eq!(cap_of(&Method::POST, "/api/v1/galleries"), Cap::Bytes(JSON_MAX));
        assert_eq!(cap_of(&Method::POST, "/access"), Cap::Bytes(FORM_MAX));
        assert_eq!(cap_of(&Method::POST, "/admin/login"), Cap::Bytes(FORM_MAX));
        assert_eq!(cap_of(&Method::POST, "/g/abc/photos"), Cap::Bytes(FORM_MAX));
        assert_eq!(cap_of(&Method::POST, "/g/abc/live/wall"), Cap::Stream);
        assert_eq!(cap_of(&Method::POST, "/g/abc/live/act"), Cap::Bytes(FORM_MAX));
        assert_eq!(cap_of(&Method::GET, "/admin/galleries/01J/photos"), Cap::Bytes(FORM_MAX));
    }
}
