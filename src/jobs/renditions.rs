//! The renditions job: `thumb`, `medium` and `preview` of one source blob, stored as blobs, recorded in
//! the media table under the source's hash (so an identical file is processed once).

use super::{Ctx, Outcome, done};
use crate::{
    db::ClaimedJob,
    domain::{Hash, MediaInfo, Rendition},
    media::{self, MediaError},
};

pub(super) fn run(ctx: &Ctx, claimed: &ClaimedJob, blob: Hash) -> Outcome {
    match ctx.db.media(blob) {
        Ok(Some(_)) => return done(ctx.db.complete_job(claimed)),
        Ok(None) => {}
        Err(e) => return done(Err(e)),
    }
    let source = match ctx.blobs.open(&blob) {
        Ok(f) => f,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let info = match media::render(&source, media::Edges::served(), &ctx.limits) {
        Ok(r) => {
            let store = |e: &media::Encoded| -> std::io::Result<Rendition> {
                let s = ctx.blobs.put_bytes(&e.bytes)?;
                Ok(Rendition { blob: s.hash, width: e.width, height: e.height })
            };
            let (thumb, medium, preview) = match (store(&r.thumb), store(&r.medium), store(&r.preview)) {
                (Ok(t), Ok(m), Ok(p)) => (t, m, p),
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return super::retry_io(&e),
            };
            MediaInfo::Ready {
                width: r.width,
                height: r.height,
                content_type: r.content_type.to_string(),
                thumb,
                medium: Some(medium),
                preview,
            }
        }
        Err(MediaError::Invalid(reason)) => MediaInfo::Failed { reason },
        Err(MediaError::Io(e)) => return Outcome::Retry(e.to_string()),
    };
    done(ctx.db.complete_job_with_media(claimed, blob, &info))
}

pub(super) fn fail(
    ctx: &Ctx,
    claimed: &ClaimedJob,
    blob: Hash,
    reason: &str,
) -> Result<(), crate::db::DbError> {
    ctx.db.complete_job_with_media(claimed, blob, &MediaInfo::Failed { reason: reason.into() })
}
