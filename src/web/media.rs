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
