//! The activity log: views, hearts, notes, submissions and downloads per visitor.

use super::{App, Result};
use crate::domain::{Activity, ActivityKind, GalleryId, VisitorId, now_ms};

/// Records what a visitor did. Never fails the visitor's request: a lost log line is
/// logged itself and forgotten.
pub async fn log(state: &App, gallery: GalleryId, visitor: VisitorId, what: ActivityKind) {
    let a = Activity { at_ms: now_ms(), gallery, visitor, what };
    if let Err(e) = state.with_db(move |db| Ok(db.log_activity(&a)?)).await {
        tracing::warn!("activity not recorded: {e}");
    }
}

/// The newest events, of one gallery or of every gallery.
pub async fn recent(state: &App, gallery: Option<GalleryId>, limit: usize) -> Result<Vec<Activity>> {
    state.with_db(move |db| Ok(db.activity(gallery, limit)?)).await
}

/// A gallery and its newest events in words, for its activity page.
pub async fn of_gallery(state: &App, gallery: GalleryId) -> Result<(crate::domain::Gallery, Vec<Line>)> {
    let g = state.gallery(gallery).await?;
    let events = recent(state, Some(gallery), 500).await?;
    Ok((g, describe(state, events).await?))
}

/// One event, in words, for the photographer.
pub struct Line {
    pub at_ms: u64,
    pub gallery: GalleryId,
    pub gallery_title: String,
    /// "Visitor (link label)".
    pub who: String,
    pub what: String,
}

/// Puts events into words: who (by the link they came through) did what to which photo.
pub async fn describe(state: &App, events: Vec<Activity>) -> Result<Vec<Line>> {
    state
        .with_db(move |db| {
            let mut galleries = std::collections::HashMap::new();
            let mut out = Vec::new();
            for e in events {
                if let std::collections::hash_map::Entry::Vacant(slot) = galleries.entry(e.gallery) {
                    let g = db.gallery(e.gallery)?;
                    let visitors = db.visitors(e.gallery)?;
                    let shares = db.shares(e.gallery)?;
                    slot.insert((g, visitors, shares, db.photos(e.gallery)?));
                }
                let (g, visitors, shares, photos) = &galleries[&e.gallery];
                // Visitors are recorded against the shared gallery; a set inside it finds them there.
                let v = match visitors.iter().find(|v| v.id == e.visitor) {
                    Some(v) => Some(v.clone()),
                    None => db.visitor_by_id(e.visitor)?,
                };
                let link = match &v {
                    Some(v) => match shares.iter().find(|s| s.id == v.share) {
                        Some(s) => s.label.clone(),
                        None => db.share(v.share)?.map(|s| s.label).unwrap_or_default(),
                    },
                    None => String::new(),
                };
                let name = v.and_then(|v| v.name).unwrap_or_else(|| "A visitor".into());
                let who = if link.is_empty() { name } else { format!("{name} ({link})") };
                let file = |id: &crate::domain::PhotoId| {
                    photos
                        .iter()
                        .find(|p| p.id == *id)
                        .map(|p| p.filename.clone())
                        .unwrap_or_else(|| "a photo".into())
                };
                let what = match &e.what {
                    ActivityKind::View => "opened the gallery".to_string(),
                    ActivityKind::Heart { photo, on: true } => format!("hearted {}", file(photo)),
                    ActivityKind::Heart { photo, on: false } => format!("un-hearted {}", file(photo)),
                    ActivityKind::Comment { photo } => format!("left a note on {}", file(photo)),
                    ActivityKind::Submit { count } => format!("submitted {count} favourites"),
                    ActivityKind::Download { photo: Some(p), .. } => format!("downloaded {}", file(p)),
                    ActivityKind::Download { photo: None, count } => {
                        format!("downloaded a zip of {count} photos")
                    }
                    ActivityKind::Ordered { number } => format!("placed order {number}"),
                };
                let gallery_title = g.as_ref().map(|g| g.title.clone()).unwrap_or_default();
                out.push(Line { at_ms: e.at_ms, gallery: e.gallery, gallery_title, who, what });
            }
            Ok(out)
        })
        .await
}
