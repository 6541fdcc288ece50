//! Serving signed media URLs: renditions (immutable, cacheable) and originals (with Range
//! requests for resumable downloads).

use poem::{
    Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path},
};

use crate::{
    app::{
        App, AppError,
        media_urls::{self, MediaFile, MediaKind},
    },
    domain::Hash,
};

#[handler]
pub async fn serve(
    Path((kind, hash, exp, sig)): Path<(String, String, u64, String)>,
    Data(state): Data<&App>,
    req: &Request,
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
    let builder = Response::builder()
        .header(header::ETAG, etag.as_str())
        .header(header::CACHE_CONTROL, cache)
        .header("x-content-type-options", "nosniff");
    if req.header(header::IF_NONE_MATCH).is_some_and(|v| v.split(',').any(|t| t.trim() == etag)) {
        return Ok(builder.status(StatusCode::NOT_MODIFIED).finish());
    }
    let builder = builder.content_type(file.content_type);
    // Renditions come whole from memory (browsers do not ask for ranges of images);
    // originals stream from storage, with Range for resumable downloads.
    Ok(match kind {
        MediaKind::Rendition => builder.body(media_urls::read_rendition(state, hash).await?),
        MediaKind::Original => original(state, req, builder, &file).await?,
    })
}

/// The original, whole or the one range asked for.
async fn original(
    state: &App,
    req: &Request,
    builder: poem::ResponseBuilder,
    file: &MediaFile,
) -> poem::Result<Response> {
    let builder = builder.header(header::ACCEPT_RANGES, "bytes");
    let (status, start, len) = match req.header(header::RANGE).map(|r| range(r, file.len)) {
        Some(Range::Unsatisfiable) => {
            return Ok(builder
                .status(StatusCode::RANGE_NOT_SATISFIABLE)
                .header(header::CONTENT_RANGE, format!("bytes */{}", file.len))
                .finish());
        }
        Some(Range::Part(start, end)) => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        Some(Range::Whole) | None => (StatusCode::OK, 0, file.len),
    };
    let mut builder = builder.status(status).header(header::CONTENT_LENGTH, len);
    if status == StatusCode::PARTIAL_CONTENT {
        let last = start + len - 1;
        builder = builder.header(header::CONTENT_RANGE, format!("bytes {start}-{last}/{}", file.len));
    }
    Ok(builder.body(super::stream::body(media_urls::stream(state, file, start, len).await?)))
}

/// What a `Range` header asks of a file of `len` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// No usable single range (another unit, several ranges, nonsense): the whole file, as
    /// the standard allows.
    Whole,
    /// First and last byte, inclusive.
    Part(u64, u64),
    /// Only bytes the file does not have (`bytes=-0`, a start past the end): 416, not a
    /// 206 with an impossible `Content-Range`.
    Unsatisfiable,
}

fn range(header: &str, len: u64) -> Range {
    let Some(specs) = header.trim().strip_prefix("bytes=") else { return Range::Whole };
    if unsatisfiable(specs, len) {
        return Range::Unsatisfiable;
    }
    let mut all = specs.split(',');
    let (Some(spec), None) = (all.next(), all.next()) else { return Range::Whole };
    let num = |s: &str| s.trim().parse::<u64>().ok();
    match spec.trim().split_once('-') {
        Some(("", suffix)) => match num(suffix) {
            Some(n) => Range::Part(len - n.min(len), len - 1),
            None => Range::Whole,
        },
        Some((first, "")) => num(first).map_or(Range::Whole, |s| Range::Part(s, len - 1)),
        Some((first, last)) => match (num(first), num(last)) {
            (Some(s), Some(e)) if s <= e => Range::Part(s, e.min(len - 1)),
            _ => Range::Whole,
        },
        None => Range::Whole,
    }
}

fn unsatisfiable(specs: &str, len: u64) -> bool {
    specs.split(',').all(|spec| match spec.trim().split_once('-') {
        Some(("", suffix)) => suffix.trim().parse::<u64>().is_ok_and(|n| n == 0) || len == 0,
        Some((start, _)) => start.trim().parse::<u64>().is_ok_and(|s| s >= len),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::{Range, range};

    #[test]
    fn ranges_are_read_as_the_standard_says() {
        assert_eq!(range("bytes=-0", 100), Range::Unsatisfiable);
        assert_eq!(range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(range("bytes=200-300, -0", 100), Range::Unsatisfiable);
        assert_eq!(range("bytes=0-0", 100), Range::Part(0, 0));
        assert_eq!(range("bytes=-5", 100), Range::Part(95, 99));
        assert_eq!(range("bytes=-500", 100), Range::Part(0, 99));
        assert_eq!(range("bytes=99-", 100), Range::Part(99, 99));
        assert_eq!(range("bytes=10-1000", 100), Range::Part(10, 99));
        assert_eq!(range("bytes=0-1, 5-6", 100), Range::Whole, "several ranges: the whole file");
        assert_eq!(range("bytes=5-1", 100), Range::Whole);
        assert_eq!(range("items=0-1", 100), Range::Whole, "other units are ignored, not refused");
    }
}
