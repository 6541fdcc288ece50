//! Creating, nesting, renaming and deleting galleries.

use super::{App, AppError, Result, clean_text};
use crate::domain::{Gallery, GalleryId, Hash, LIST_NAME_MAX, MAX_LISTS, MediaInfo, PhotoView, now_ms};

/// A gallery as the galleries list shows it.
#[derive(Clone)]
pub struct GallerySummary {
    pub gallery: Gallery,
    /// Nesting depth, 0 at the top level.
    pub depth: usize,
    pub photo_count: usize,
    /// The thumb rendition of one of the first photos uploaded, for a cover.
    pub cover: Option<Hash>,
    /// Where it stands for clients now (`Lifecycle::name`).
    pub state: &'static str,
    /// When a client was last in it.
    pub last_seen: Option<u64>,
}

const TITLE_MAX: usize = 200;

fn not_found() -> AppError {
    AppError::NotFound("gallery not found".into())
}

/// Every gallery, depth-first in creation order, with counts and covers.
pub async fn tree(state: &App) -> Result<Vec<GallerySummary>> {
    state
        .with_db(move |db| {
            let (mut out, now) = (Vec::new(), now_ms());
            let mut stack: Vec<(Gallery, usize)> =
                db.children(None)?.into_iter().rev().map(|g| (g, 0)).collect();
            while let Some((g, depth)) = stack.pop() {
                let (photo_count, blobs) = db.gallery_overview(g.id, 8)?;
                let cover = db.media_many(&blobs)?.into_iter().find_map(|m| match m {
                    Some(MediaInfo::Ready { thumb, .. }) => Some(thumb.blob),
                    _ => None,
                });
                for c in db.children(Some(g.id))?.into_iter().rev() {
                    stack.push((c, depth + 1));
                }
                let last_seen = db.visitors(g.id)?.iter().map(|v| v.last_seen_ms).max();
                let state = g.journey.lifecycle(now).name();
                out.push(GallerySummary { photo_count, cover, depth, state, last_seen, gallery: g });
            }
            Ok(out)
        })
        .await
}

/// The chain of parents from the top level down to `id` itself.
pub async fn breadcrumbs(state: &App, id: GalleryId) -> Result<Vec<Gallery>> {
    state
        .with_db(move |db| {
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

pub async fn children(state: &App, id: GalleryId) -> Result<Vec<Gallery>> {
    state.with_db(move |db| Ok(db.children(Some(id))?)).await
}

pub async fn create(state: &App, title: &str, parent: Option<GalleryId>) -> Result<Gallery> {
    let title = clean_text("title", title, TITLE_MAX)?;
    state
        .with_db(move |db| {
            if let Some(p) = parent {
                db.gallery(p)?
                    .ok_or_else(|| AppError::Invalid("the parent gallery does not exist".into()))?;
            }
            let g = Gallery::new(parent, title, now_ms());
            db.put_gallery(&g)?;
            Ok(g)
        })
        .await
}

/// Renames and/or moves a gallery. Moving under itself or a descendant is refused.
pub async fn update(
    state: &App,
    id: GalleryId,
    title: Option<&str>,
    parent: Option<Option<GalleryId>>,
    hidden: Option<bool>,
    watermark: Option<bool>,
) -> Result<Gallery> {
    let title = title.map(|t| clean_text("title", t, TITLE_MAX)).transpose()?;
    let (g, watermark_on) = state
        .with_db(move |db| {
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

/// Sets (or, with an empty text, clears) the day of the shoot: `YYYY-MM-DD`.
pub async fn set_event_date(state: &App, id: GalleryId, day: &str) -> Result<Gallery> {
    let day = day.trim();
    let valid = |d: &str| {
        let p: Vec<&str> = d.split('-').collect();
        let num = |s: &str, len: usize, range: std::ops::RangeInclusive<u32>| {
            s.len() == len
                && s.bytes().all(|b| b.is_ascii_digit())
                && s.parse().is_ok_and(|n| range.contains(&n))
        };
        p.len() == 3 && num(p[0], 4, 1900..=2999) && num(p[1], 2, 1..=12) && num(p[2], 2, 1..=31)
    };
    let day = match day {
        "" => None,
        d if valid(d) => Some(d.to_string()),
        d => return Err(AppError::Invalid(format!("“{d}” is not a day (YYYY-MM-DD)"))),
    };
    state
        .with_db(move |db| {
            let mut g = db.gallery(id)?.ok_or_else(not_found)?;
            g.event_date = day;
            db.put_gallery(&g)?;
            Ok(g)
        })
        .await
}

/// Deletes a gallery with everything nested in it. Returns the gallery it was inside.
pub async fn delete(state: &App, id: GalleryId) -> Result<Option<GalleryId>> {
    state
        .with_db(move |db| {
            let parent = db.gallery(id)?.ok_or_else(not_found)?.parent;
            match db.delete_gallery(id)? {
                0 => Err(not_found()),
                _ => Ok(parent),
            }
        })
        .await
}

/// Sets a gallery's selection rules and welcome words.
pub async fn set_proofing(state: &App, id: GalleryId, mut rules: crate::domain::Proofing) -> Result<Gallery> {
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
    rules.lists = clean_lists(&rules.lists)?;
    if let Some(g) = &rules.guide {
        crate::domain::journey::check_guide(g).map_err(AppError::Invalid)?;
    }
    if rules.guide.as_ref().is_some_and(|g| g.chars().count() > 2000) {
        return Err(AppError::Invalid("the welcome words must be at most 2000 characters".into()));
    }
    state
        .with_db(move |db| {
            let mut g = db.gallery(id)?.ok_or_else(not_found)?;
            g.proofing = rules;
            db.put_gallery(&g)?;
            Ok(g)
        })
        .await
}

/// What the photographer's page of one gallery shows.
pub struct GalleryPage {
    /// From the top level down to the gallery itself.
    pub crumbs: Vec<Gallery>,
    pub photos: Vec<PhotoView>,
    /// The galleries inside it, with counts and covers.
    pub children: Vec<GallerySummary>,
    /// Every gallery it may move under: all but itself and its own subtree.
    pub move_targets: Vec<GallerySummary>,
    pub shares: Vec<crate::domain::ShareLink>,
    /// The studio's own price lists (id, name), for the gallery to choose from.
    pub price_lists: Vec<(crate::domain::PriceListId, String)>,
}

impl GalleryPage {
    pub fn gallery(&self) -> &Gallery {
        // `breadcrumbs` always ends with the gallery itself.
        &self.crumbs[self.crumbs.len() - 1]
    }
}

pub async fn page(state: &App, id: GalleryId) -> Result<GalleryPage> {
    let crumbs = breadcrumbs(state, id).await?;
    if crumbs.is_empty() {
        return Err(not_found());
    }
    let photos = state.photos(id).await?;
    let mut children = Vec::new();
    let mut move_targets = Vec::new();
    let mut skip_below: Option<usize> = None;
    for s in tree(state).await? {
        if s.gallery.parent == Some(id) {
            children.push(s.clone());
        }
        if let Some(d) = skip_below {
            if s.depth > d {
                continue;
            }
            skip_below = None;
        }
        if s.gallery.id == id {
            skip_below = Some(s.depth);
            continue;
        }
        move_targets.push(s);
    }
    let shares = super::sharing::list(state, id).await?;
    let price_lists =
        super::catalog::get(state).await?.lists.into_iter().filter_map(|l| Some((l.id?, l.name))).collect();
    Ok(GalleryPage { crumbs, photos, children, move_targets, shares, price_lists })
}

/// The price list a gallery's clients order from (`None`: as the gallery it is inside).
pub async fn set_price_list(
    state: &App,
    id: GalleryId,
    list: Option<crate::domain::PriceListId>,
) -> Result<Gallery> {
    if let Some(l) = list {
        let known = super::catalog::get(state).await?.lists.iter().any(|x| x.id == Some(l));
        if !known {
            return Err(AppError::Invalid("choose a price list from the list".into()));
        }
    }
    state
        .with_db(move |db| {
            let mut g = db.gallery(id)?.ok_or_else(not_found)?;
            g.price_list = list;
            db.put_gallery(&g)?;
            Ok(g)
        })
        .await
}

/// What deleting a gallery would take with it: (gallery, photos, galleries inside).
pub async fn deletion(state: &App, id: GalleryId) -> Result<(Gallery, usize, usize)> {
    state
        .with_db(move |db| {
            let g = db.gallery(id)?.ok_or_else(not_found)?;
            Ok((g, db.photos(id)?.len(), db.children(Some(id))?.len()))
        })
        .await
}

/// Checks and tidies the names of a gallery's extra lists.
fn clean_lists(names: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
        let n = clean_text("a list's name", n, LIST_NAME_MAX)?;
        if n.eq_ignore_ascii_case("favourites") || out.iter().any(|o| o.eq_ignore_ascii_case(&n)) {
            return Err(AppError::Invalid(format!("the list “{n}” is named twice")));
        }
        out.push(n);
    }
    if out.len() > MAX_LISTS {
        return Err(AppError::Invalid(format!("a gallery can have at most {MAX_LISTS} extra lists")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_names_are_tidied_and_checked() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(clean_lists(&names(&[" Album ", "", "Prints"])).unwrap(), names(&["Album", "Prints"]));
        assert!(clean_lists(&names(&["Album", "album"])).is_err());
        assert!(clean_lists(&names(&["Favourites"])).is_err());
        assert!(clean_lists(&names(&["a", "b", "c", "d", "e", "f"])).is_err());
        assert!(clean_lists(&names(&[&"x".repeat(31)])).is_err());
    }
}
