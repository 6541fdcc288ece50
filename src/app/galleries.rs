//! Creating, nesting, renaming and deleting galleries.

use super::{App, AppError, Result, clean_text};
pub use crate::db::RecentCursor;
use crate::{
    db::Db,
    domain::{Gallery, GalleryId, GalleryStats, Hash, LIST_NAME_MAX, MAX_LISTS, PhotoView, now_ms},
};

/// A gallery as the galleries list shows it.
#[derive(Clone)]
pub struct GallerySummary {
    pub gallery: Gallery,
    pub stats: GalleryStats,
    /// The thumb rendition of its cover: the photo chosen, else the first one ready.
    pub cover: Option<Hash>,
    /// Where it stands for clients now (`Lifecycle::name`).
    pub state: &'static str,
    /// The title of the gallery it is inside.
    pub inside: Option<String>,
    /// How many galleries are directly inside it.
    pub children: usize,
}

const TITLE_MAX: usize = 200;

/// Galleries per page of the dashboard.
pub const PAGE: usize = 30;

fn not_found() -> AppError {
    AppError::NotFound("gallery not found".into())
}

/// Turns galleries and their numbers into list rows, reading the rest in one transaction.
fn summarise(db: &Db, rows: Vec<(Gallery, GalleryStats)>, now: u64) -> Result<Vec<GallerySummary>> {
    let details = db.row_details(&rows)?;
    Ok(rows
        .into_iter()
        .zip(details)
        .map(|((gallery, stats), d)| {
            let cover = d.cover;
            let state = gallery.journey.lifecycle(now).name();
            GallerySummary { gallery, stats, cover, state, inside: d.inside, children: d.children }
        })
        .collect())
}

/// What the dashboard asks for: words to find (in titles, shoot days, creation days, and
/// the labels and addresses of links and grants), a state, and where the page starts.
#[derive(Clone, Debug, Default)]
pub struct Search {
    pub text: String,
    /// One of `Lifecycle::NAMES`.
    pub state: Option<&'static str>,
    pub after: Option<RecentCursor>,
}

/// One page of the gallery list, and where the next one starts.
pub struct ListPage {
    pub rows: Vec<GallerySummary>,
    pub next: Option<RecentCursor>,
}

/// A page of galleries, most recently active first. Without words or a state it reads
/// only the rows it shows (through the recent-activity index); a search reads every
/// gallery record, but never their photos.
pub async fn list(state: &App, search: Search, limit: usize) -> Result<ListPage> {
    state
        .with_db(move |db| {
            let now = now_ms();
            let text = search.text.trim().to_lowercase();
            let mut found = if text.is_empty() && search.state.is_none() {
                db.recent_galleries(search.after, limit + 1)?
            } else {
                let shared =
                    if text.is_empty() { Default::default() } else { db.galleries_shared_with(&text)? };
                let keep = |g: &Gallery| {
                    let words = text.is_empty()
                        || g.title.to_lowercase().contains(&text)
                        || g.event_date.as_deref().is_some_and(|d| d.starts_with(&text))
                        || crate::domain::day_of(g.created_ms).starts_with(&text)
                        || shared.contains(&g.id);
                    words && search.state.is_none_or(|s| g.journey.lifecycle(now).name() == s)
                };
                let mut all = db.find_galleries(keep)?;
                if let Some(c) = search.after {
                    all.retain(|(g, s)| (s.active_ms, g.id.key()) < c);
                }
                all.truncate(limit + 1);
                all
            };
            let next = (found.len() > limit).then(|| {
                found.truncate(limit);
                found.last().map(|(g, s)| (s.active_ms, g.id.key()))
            });
            Ok(ListPage { rows: summarise(db, found, now)?, next: next.flatten() })
        })
        .await
}

/// The galleries a picker offers for `text` (the most recent when it is empty), without
/// `not` and, when `not_inside` is set, without anything nested in `not` either.
pub async fn pick(
    state: &App,
    text: &str,
    not: Option<GalleryId>,
    not_inside: bool,
) -> Result<Vec<GallerySummary>> {
    const PICKS: usize = 20;
    let search = Search { text: text.to_string(), ..Default::default() };
    let rows = list(state, search, PICKS * 2).await?.rows;
    state
        .with_db(move |db| {
            let mut out = Vec::new();
            for s in rows {
                let id = s.gallery.id;
                let excluded = match not {
                    Some(n) if n == id => true,
                    Some(n) if not_inside => db.is_ancestor(n, id)?,
                    _ => false,
                };
                if !excluded && out.len() < PICKS {
                    out.push(s);
                }
            }
            Ok(out)
        })
        .await
}

/// The titles of `ids` (those that still exist), by id as text.
pub async fn titles(state: &App, ids: Vec<GalleryId>) -> Result<std::collections::HashMap<String, String>> {
    state
        .with_db(move |db| {
            let mut out = std::collections::HashMap::new();
            for id in ids {
                if let Some(g) = db.gallery(id)? {
                    out.insert(id.to_string(), g.title);
                }
            }
            Ok(out)
        })
        .await
}

/// How many galleries and photos the studio has.
pub async fn totals(state: &App) -> Result<(u64, u64)> {
    state.with_db(|db| Ok(db.totals()?)).await
}

/// The galleries directly inside `id`, with their numbers and covers.
pub async fn children_of(state: &App, id: GalleryId) -> Result<Vec<GallerySummary>> {
    state
        .with_db(move |db| {
            let mut rows = Vec::new();
            for g in db.children(Some(id))? {
                let s = db.gallery_stats(g.id)?;
                rows.push((g, s));
            }
            summarise(db, rows, now_ms())
        })
        .await
}

/// A page of every gallery in creation order, after `after` (the API's list).
pub async fn page_by_id(state: &App, after: Option<GalleryId>, limit: usize) -> Result<Vec<Gallery>> {
    state.with_db(move |db| Ok(db.galleries_page(after, limit)?)).await
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
    let children = children_of(state, id).await?;
    let shares = super::sharing::list(state, id).await?;
    let price_lists =
        super::catalog::get(state).await?.lists.into_iter().filter_map(|l| Some((l.id?, l.name))).collect();
    Ok(GalleryPage { crumbs, photos, children, shares, price_lists })
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
