//! The watermark job: the studio's mark drawn on one source's preview (the `preview-wm`
//! rendition). A job for a mark that is no longer the studio's is dropped: a newer job
//! renders the new mark.

use super::{Ctx, Outcome, done};
use crate::{
    db::ClaimedJob,
    domain::{Hash, MediaInfo, Rendition, Watermarked},
    media::{
        MediaError,
        watermark::{self, Mark},
    },
};

pub(super) fn run(ctx: &Ctx, claimed: &ClaimedJob, source: Hash, mark: Hash) -> Outcome {
    let studio = match ctx.db.studio() {
        Ok(s) => s,
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let wm = studio.watermark.effective(&ctx.studio);
    if wm.fingerprint() != mark {
        return done(ctx.db.complete_job(claimed));
    }
    let preview = match ctx.db.media(source) {
        Ok(Some(MediaInfo::Ready { preview, .. })) => preview,
        // Failed sources have no preview to mark.
        Ok(Some(MediaInfo::Failed { .. })) => return done(ctx.db.complete_job(claimed)),
        Ok(None) => return Outcome::Retry("the preview is not made yet".into()),
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    let read = |h: &Hash| ctx.blobs.read(h);
    let (bytes, image) = match (read(&preview.blob), wm.image.as_ref().map(read).transpose()) {
        (Ok(b), Ok(i)) => (b, i),
        (Err(e), _) | (_, Err(e)) => return Outcome::Retry(e.to_string()),
    };
    let m = Mark {
        text: wm.text.as_deref(),
        image: image.as_deref(),
        place: wm.position,
        opacity: wm.opacity,
        scale: wm.scale,
    };
    let encoded = match watermark::apply(&bytes, &m) {
        Ok(e) => e,
        // A preview we made ourselves that does not decode is a bug or a damaged disk: say
        // so and stop, rather than show it without its mark.
        Err(MediaError::Invalid(reason)) => {
            tracing::error!("watermark for {source}: {reason}");
            return done(ctx.db.complete_job(claimed));
        }
        Err(MediaError::Io(e)) => return Outcome::Retry(e.to_string()),
    };
    let stored = match ctx.blobs.put_bytes(&encoded.bytes) {
        Ok(s) => s,
        Err(e) => return super::retry_io(&e),
    };
    let rendition = Rendition { blob: stored.hash, width: encoded.width, height: encoded.height };
    done(ctx.db.complete_job_with_watermark(claimed, &Watermarked { source, mark, rendition }))
}
