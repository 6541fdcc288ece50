//! Serving signed media URLs: renditions (immutable, cacheable) and originals (with Range
//! requests for resumable downloads).

use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path, StaticFileRequest},
};

use crate::{
    app::{
        AppError,
        media_urls::{self, MediaKind},
    },
    domain::Hash,
    state::AppState,
};

#[handler]
pub async fn serve(
    Path((kind, hash, exp, sig)): Path<(String, String, u64, String)>,
    Data(state): Data<&AppState>,
    req: &Request,
    files: StaticFileRequest,
) -> poem::Result<Response> {
    let not_found = || AppError::NotFound("no such media".into());
    let kind = MediaKind::parse(&kind).ok_or_else(not_found)?;
    let hash: Hash = hash.parse().map_err(|_| not_found())?;
    let file = media_urls::open(state, kind, hash, exp, &sig).await?;
    let etag = format!("\"{hash}\"");
    let cache = match kind {
        MediaKind::Rendition => format!("public, max-age={}, immutable", file.max_age),
        MediaKind::Original => format!("private, max-age={}", file.max_age),
    };
    if req.header(header::IF_NONE_MATCH).is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
        return Ok(Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, etag)
            .header(header::CACHE_CONTROL, cache)
            .finish());
    }
    if kind == MediaKind::Original {
        if let Some(len) = unsatisfiable_range(req, &file.path).await {
            return Ok(Response::builder()
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{len}"))
                .finish());
        }
    }
    // Renditions come whole from memory (no ranges: browsers do not ask for them on
    // images); originals stream from disk with Range support for resumable downloads.
    let mut resp = match kind {
        MediaKind::Rendition => Response::builder().body(media_urls::read_rendition(state, hash).await?),
        MediaKind::Original => match files.create_response(&file.path, false, false) {
            Ok(r) => r.into_response(),
            Err(poem::error::StaticFileError::NotFound) => return Err(not_found().into()),
            Err(e) => return Err(e.into()),
        },
    };
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(file.content_type));
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_str(&cache).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert(
        header::ETAG,
        header::HeaderValue::from_str(&etag).map_err(|e| AppError::Internal(e.to_string()))?,
    );
    headers.insert("x-content-type-options", header::HeaderValue::from_static("nosniff"));
    Ok(resp)
}

/// The file's length when the request's Range asks only for bytes the file does not have
/// (`bytes=-0`, or a start past the end), which must be answered 416, not a 206 with an
/// impossible Content-Range.
async fn unsatisfiable_range(req: &Request, path: &std::path::Path) -> Option<u64> {
    let range = req.header(header::RANGE)?;
    let len = tokio::fs::metadata(path).await.ok()?.len();
    unsatisfiable(range, len).then_some(len)
}

fn unsatisfiable(range: &str, len: u64) -> bool {
    let Some(specs) = range.trim().strip_prefix("bytes=") else { return false };
    specs.split(',').all(|spec| match spec.trim().split_once('-') {
        Some(("", suffix)) => suffix.trim().parse::<u64>().is_ok_and(|n| n == 0) || len == 0,
        Some((start, _)) => start.trim().parse::<u64>().is_ok_and(|s| s >= len),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn empty_and_past_the_end_ranges_are_unsatisfiable() {
        use super::unsatisfiable;
        assert!(unsatisfiable("bytes=-0", 100));
        assert!(unsatisfiable("bytes=100-", 100));
        assert!(unsatisfiable("bytes=200-300, -0", 100));
        assert!(!unsatisfiable("bytes=0-0", 100));
        assert!(!unsatisfiable("bytes=-5", 100));
        assert!(!unsatisfiable("bytes=99-", 100));
        assert!(!unsatisfiable("items=0-1", 100), "other units are ignored, not refused");
    }
}
