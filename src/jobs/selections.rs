//! The selection notice: one message to the photographer with the selections submitted in a
//! gallery since the last notice. Queued once per gallery (`app::notify`), at the earliest
//! `NOTICE_GAP` after the previous one, so a crowd of visitors submitting (or a script doing
//! it for them) makes one mail, not one each.

use super::{Ctx, Outcome};
use crate::{
    db::ClaimedJob,
    domain::{GalleryId, Mail, now_ms},
    mail::templates,
};

/// The `meta` key holding when the last notice for `gallery` was built.
pub fn last_notice_key(gallery: GalleryId) -> String {
    format!("selection-notice:{gallery}")
}

pub(super) fn run(ctx: &Ctx, claimed: &ClaimedJob, gallery: GalleryId) -> Outcome {
    super::finish_with_mail(ctx, claimed, build(ctx, gallery))
}

fn build(ctx: &Ctx, gallery: GalleryId) -> Result<Option<Mail>, crate::db::DbError> {
    let Some(g) = ctx.db.gallery(gallery)? else { return Ok(None) };
    let key = last_notice_key(gallery);
    let since = ctx.db.meta_get(&key)?.and_then(|v| v.try_into().ok()).map_or(0, u64::from_le_bytes);
    let photos = ctx.db.photos(gallery)?;
    let links = ctx.db.shares(gallery)?;
    let mut entries = Vec::new();
    for v in ctx.db.visitors(gallery)? {
        let sel = ctx.db.selection(v.id, gallery)?;
        if sel.submitted_ms.is_none_or(|t| t <= since) {
            continue;
        }
        let filenames: Vec<String> =
            photos.iter().filter(|p| sel.photos.contains(&p.id)).map(|p| p.filename.clone()).collect();
        let who = v.name.clone().unwrap_or_else(|| {
            let link = links.iter().find(|l| l.id == v.share).map(|l| l.label.as_str()).unwrap_or_default();
            format!("A visitor of the link \"{link}\"")
        });
        entries.push(templates::Submitted {
            who,
            count: filenames.len(),
            lightroom: crate::domain::lightroom_filter(&filenames),
        });
    }
    ctx.db.meta_set(&key, &now_ms().to_le_bytes())?;
    if entries.is_empty() {
        return Ok(None);
    }
    let admin_url = format!("{}/admin/galleries/{gallery}/selections", ctx.base_url);
    let c = templates::selections_submitted(&ctx.studio, &g.title, &entries, &admin_url);
    Ok(Some(super::to_photographer(ctx, c)))
}
