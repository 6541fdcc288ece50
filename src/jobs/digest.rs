//! The comment digest: one message to the photographer with a gallery's notes since the
//! last digest, a few minutes after the first one came in (not one mail per note).

use super::{Ctx, Outcome};
use crate::{
    db::ClaimedJob,
    domain::{GalleryId, Mail, now_ms},
    mail::templates,
};

pub(super) fn run(ctx: &Ctx, claimed: &ClaimedJob, gallery: GalleryId) -> Outcome {
    super::finish_with_mail(ctx, claimed, build(ctx, gallery))
}

fn build(ctx: &Ctx, gallery: GalleryId) -> Result<Option<Mail>, crate::db::DbError> {
    let Some(g) = ctx.db.gallery(gallery)? else { return Ok(None) };
    let key = format!("digest:{gallery}");
    let since = ctx.db.meta_get(&key)?.and_then(|v| v.try_into().ok()).map_or(0, u64::from_le_bytes);
    let photos = ctx.db.photos(gallery)?;
    let comments: Vec<(String, String, bool)> = ctx
        .db
        .comments(gallery)?
        .into_iter()
        .filter(|c| c.visitor.is_some() && c.created_ms > since)
        .map(|c| {
            let file =
                photos.iter().find(|p| p.id == c.photo).map(|p| p.filename.clone()).unwrap_or_default();
            (file, c.text, c.retouch)
        })
        .collect();
    ctx.db.meta_set(&key, &now_ms().to_le_bytes())?;
    if comments.is_empty() {
        return Ok(None);
    }
    let admin_url = format!("{}/admin/galleries/{gallery}/selections", ctx.base_url);
    let c = templates::comment_digest(&ctx.studio, &g.title, &comments, &admin_url);
    Ok(Some(super::to_photographer(ctx, c)))
}
