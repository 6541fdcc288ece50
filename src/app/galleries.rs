//! Creating, nesting, renaming and deleting galleries.

use super::{AppError, Result, blocking, clean_text};
use crate::{
    domain::{Gallery, GalleryId, Hash, MediaInfo, now_ms},
    state::AppState,
};

/// A gallery as the galleries list shows it.
pub struct GallerySummary {
    pub gallery: Gallery,
    /// Nesting depth, 0 at the top level.
    pub depth: usize,
    pub photo_count: usize,
    /// The thumb rendition of one of the first photos uploaded, for a cover.
    pub cover: Option<Hash>,
}

const TITLE_MAX: usize = 200;

pub async fn get(state: &AppState, id: GalleryId) -> Result<Gallery> {
    let db = state.db.clone();
    blocking(move || db.gallery(id)?.ok_or_else(not_found)).await
}

fn not_found() -> AppError {
    AppError::NotFound("gallery not found".into())
}

/// Every gallery, depth-first in creation order, with counts and covers.
pub async fn tree(state: &AppState) -> Result<Vec<GallerySummary>> {
    let db = state.db.clone();
    blocking(move || {
        let mut out = Vec::new();
        let mut stack: Vec<(Gallery, usize)> = db.children(None)?.into_iter().rev().map(|g| (g, 0)).collect();
        while let Some((g, depth)) = stack.pop() {
            let (photo_count, blobs) = db.gallery_overview(g.id, 8)?;
            let cover = db.media_many(&blobs)?.into_iter().find_map(|m| match m {
                Some(MediaInfo::Ready { thumb, .. }) => Some(thumb.blob),
                _ => None,
            });
            for c in db.children(Some(g.id))?.into_iter().rev() {
                stack.push((c, depth + 1));
            }
            out.push(GallerySummary { photo_count, cover, depth, gallery: g });
        }
        Ok(out)
    })
    .await
}

/// The chain of parents from the top level down to `id` itself.
pub async fn breadcrumbs(state: &AppState, id: GalleryId) -> Result<Vec<Gallery>> {
    let db = state.db.clone();
    blocking(move || {
        let mut chain = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let g = db.gallery(c)?.ok_or_else(not_found)?;
            cur = g.parent;
            chain.push(g);
            if chain.len() > 100 {
                break;
            }
        }
        chain.reverse();
        Ok(chain)
    })
    .await
}

pub async fn children(state: &AppState, id: GalleryId) -> Result<Vec<Gallery>> {
    let db = state.db.clone();
    blocking(move || Ok(db.children(Some(id))?)).await
}

pub async fn create(state: &AppState, title: &str, parent: Option<GalleryId>) -> Result<Gallery> {
    let title = clean_text("title", title, TITLE_MAX)?;
    let db = state.db.clone();
    blocking(move || {
        if let Some(p) = parent {
            db.gallery(p)?.ok_or_else(|| AppError::Invalid("the parent gallery does not exist".into()))?;
        }
        let g = Gallery {
            id: GalleryId::new(),
            parent,
            title,
            created_ms: now_ms(),
            proofing: Default::default(),
            hidden: false,
            watermark: false,
        };
        db.put_gallery(&g)?;
        Ok(g)
    })
    .await
}

/// Renames and/or moves a gallery. Moving under itself or a descendant is refused.
pub async fn update(
    state: &AppState,
    id: GalleryId,
    title: Option<&str>,
    parent: Option<Option<GalleryId>>,
    hidden: Option<bool>,
    watermark: Option<bool>,
) -> Result<Gallery> {
    let title = title.map(|t| clean_text("title", t, TITLE_MAX)).transpose()?;
    let db = state.db.clone();
    let (g, watermark_on) = blocking(move || {
        let mut g = db.gallery(id)?.ok_or_else(not_found)?;
        if let Some(t) = title {
            g.title = t;
        }
        if let Some(p) = parent {
            if let Some(p) = p {
                db.gallery(p)?
                    .ok_or_else(|| AppError::Invalid("the parent gallery does not exist".into()))?;
                if db.is_ancestor(id, p)? {
                    return Err(AppError::Invalid("a gallery cannot be nested inside itself".into()));
                }
            }
            g.parent = p;
        }
        if let Some(h) = hidden {
            g.hidden = h;
        }
        let watermark_on = watermark == Some(true) && !g.watermark;
        if let Some(w) = watermark {
            g.watermark = w;
        }
        db.put_gallery(&g)?;
        Ok((g, watermark_on))
    })
    .await?;
    // Draw the watermark on what is already here, before clients come.
    if watermark_on {
        super::studio::rerender(state, Some(id)).await?;
    }
    Ok(g)
}

/// Deletes a gallery with everything nested in it. Returns how many galleries went.
pub async fn delete(state: &AppState, id: GalleryId) -> Result<usize> {
    let db = state.db.clone();
    blocking(move || match db.delete_gallery(id)? {
        0 => Err(not_found()),
        n => Ok(n),
    })
    .await
}

/// Sets a gallery's selection rules and welcome words.
pub async fn set_proofing(
    state: &AppState,
    id: GalleryId,
    mut rules: crate::domain::Proofing,
) -> Result<Gallery> {
    if let (Some(min), Some(max)) = (rules.min, rules.max) {
        if min > max {
            return Err(AppError::Invalid("“at least” cannot be more than “at most”".into()));
        }
    }
    if rules.min == Some(0) || rules.max == Some(0) {
        return Err(AppError::Invalid(
            "selection limits start at 1; leave the field empty for no limit".into(),
        ));
    }
    rules.guide = rules.guide.map(|g| g.trim().to_string()).filter(|g| !g.is_empty());
    rules.lists = super::proofing::clean_lists(&rules.lists)?;
    if rules.guide.as_ref().is_some_and(|g| g.chars().count() > 2000) {
        return Err(AppError::Invalid("the welcome words must be at most 2000 characters".into()));
    }
    let db = state.db.clone();
    blocking(move || {
        let mut g = db.gallery(id)?.ok_or_else(not_found)?;
        g.proofing = rules;
        db.put_gallery(&g)?;
        Ok(g)
    })
    .await
}
