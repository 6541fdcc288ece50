//! What a client does in a gallery, each use case on an open `Visit` (see `visit.rs`), which
//! has already answered who they are and what their link allows: the cover, the grid, hearts
//! and lists, submitting, notes, downloads.

use super::{
    App, AppError, Result,
    downloads::{self, Zip},
    visit::{List, Visit},
};
use crate::domain::{
    ActivityKind, Comment, Hash, PhotoId, PhotoView, Rendition, Selection, Size, Step, Visitor,
};

/// What the cover page shows.
pub struct Cover {
    pub photos: usize,
    /// The photographer's chosen cover, shown clean (they chose it for the cover), else the
    /// preview of the first photo that has one (watermarked where the set is).
    pub cover: Option<Rendition>,
    /// Its 1,024 px size, for phones (absent where the set is watermarked).
    pub cover_medium: Option<Rendition>,
    /// The same photo's small thumb, painted first while the cover loads.
    pub cover_thumb: Option<Hash>,
    /// The point of the cover that stays in view when it is cropped (percent x, y).
    pub focus: (u8, u8),
    pub logo: Option<Hash>,
    /// Whether the studio sells anything (the cover links its pricing guide).
    pub offers_prices: bool,
    /// The welcome words.
    pub guide: String,
    pub step: Step,
    /// The studio's contact details and website, for the cover's foot.
    pub brand: crate::domain::brand::Brand,
}

/// The cover of the shared gallery; opening it counts as a view.
pub async fn cover(app: &App, v: &Visit) -> Result<Cover> {
    v.log(app, v.gallery().id, ActivityKind::View).await;
    let photos = photos(app, v).await?;
    let g = v.gallery();
    let chosen = match g.cover.photo {
        Some(id) => app.photo(id).await.ok().filter(|p| p.photo.gallery == g.id && p.preview.is_some()),
        None => None,
    };
    let studio = super::studio::get(app).await?;
    let focus = if chosen.is_some() { (g.cover.focus_x, g.cover.focus_y) } else { (50, 50) };
    // In a watermarked set the automatic cover is the marked preview with no clean thumb
    // before it (a small photo's thumb is its whole preview).
    let placeholder = chosen.is_some() || !v.access().watermarked;
    let shown = chosen.as_ref().or_else(|| photos.iter().find(|p| p.preview.is_some()));
    Ok(Cover {
        photos: photos.len(),
        focus,
        cover: shown.and_then(|p| p.preview.clone()),
        cover_medium: shown.and_then(|p| p.medium.clone()),
        cover_thumb: shown.filter(|_| placeholder).and_then(|p| p.thumb.as_ref()).map(|r| r.blob),
        logo: studio.logo,
        offers_prices: studio.catalog.offers_anything(),
        guide: super::proofing::welcome_for(
            v.gallery(),
            app.config.welcome.as_deref(),
            &app.config.studio_name,
            &v.share().label,
        ),
        step: Step::of(&v.selection(app).await?),
        brand: studio.brand,
    })
}

/// The set's photos as this visitor sees them: in a watermarked set, every preview is the
/// watermarked one (or the thumb until it is made).
async fn photos(app: &App, v: &Visit) -> Result<Vec<PhotoView>> {
    let mut all = app.photos(v.set().id).await?;
    // An archive of finals lists the finals only.
    all.retain(|p| v.may_see(p.photo.state, Size::Thumb));
    super::studio::for_clients(app, v.set(), all).await
}

/// One photo of the grid, with whether this link may download it.
pub struct Tile {
    pub photo: PhotoView,
    pub downloadable: bool,
}

/// The set's grid: the same for every visitor of one link (no one's hearts in it), so the
/// web layer may render it once for many.
pub async fn grid(app: &App, v: &Visit) -> Result<Vec<Tile>> {
    Ok(photos(app, v)
        .await?
        .into_iter()
        .filter(|p| p.thumb.is_some())
        .map(|p| Tile { downloadable: v.may_download(p.photo.state, Size::Original), photo: p })
        .collect())
}

/// The rest of the gallery page: the tabs, this visitor's selection, the studio's logo.
pub struct Page {
    pub sets: Vec<crate::domain::Gallery>,
    pub selection: Selection,
    pub logo: Option<Hash>,
    pub downloads: Vec<DownloadChoice>,
    /// Whether the studio sells anything (the bar and the viewer link the order page).
    pub ordering: bool,
    /// How many things are in the visitor's cart.
    pub in_cart: usize,
}

pub async fn page(app: &App, v: &Visit) -> Result<Page> {
    let selection = v.selection(app).await?;
    let studio = super::studio::get(app).await?;
    Ok(Page {
        sets: v.sets(app).await?,
        downloads: download_choices(app, v, &selection).await?,
        selection,
        logo: studio.logo,
        ordering: studio.catalog.offers_anything(),
        in_cart: super::cart::count(app, v).await?,
    })
}

/// The visitor tells who they are, on links that ask.
pub async fn identify(app: &App, v: &Visit, name: &str, email: &str) -> Result<Visitor> {
    v.asks_identity()?;
    let visitor = v.actor(app).await?;
    super::sharing::identify(app, v.share(), &visitor, name, email).await
}

/// Hearts (`on`) or un-hearts a photo of the set, or puts it in or takes it out of a list.
pub async fn favourite(
    app: &App,
    v: &Visit,
    photo: PhotoId,
    on: bool,
    list: Option<&str>,
) -> Result<Selection> {
    v.may_favourite()?;
    let list = v.list(list)?;
    let visitor = v.actor(app).await?;
    let sel = super::proofing::favourite(app, visitor.id, v.set(), photo, on, &list).await?;
    // A live session shows the client's hearts on the photographer's screen too.
    super::live::touched(app, v.gallery().id).await;
    Ok(sel)
}

/// Submits the visitor's selection in the set, with an optional message to the
/// photographer; it is locked from then on.
pub async fn submit(app: &App, v: &Visit, message: Option<&str>) -> Result<Selection> {
    let visitor = v.actor(app).await?;
    super::proofing::submit(app, visitor.id, v.set(), message).await
}

/// A note (or a retouch request) on a photo of the set.
pub async fn comment(app: &App, v: &Visit, photo: PhotoId, text: &str, retouch: bool) -> Result<Comment> {
    v.may_comment()?;
    let visitor = v.actor(app).await?;
    super::proofing::comment(app, Some(visitor.id), v.set().id, photo, text, retouch).await
}

/// The notes on one photo of the set this visitor sees (their own and the photographer's
/// replies), each with whether it is theirs.
pub async fn comments(app: &App, v: &Visit, photo: PhotoId) -> Result<Vec<(Comment, bool)>> {
    v.photo(app, photo).await?;
    Ok(super::proofing::comments(app, v.set().id)
        .await?
        .into_iter()
        .filter(|c| c.photo == photo && v.sees(c))
        .map(|c| {
            let mine = c.visitor.is_some();
            (c, mine)
        })
        .collect())
}

/// Where the visitor's browser gets a photo's original, when the link and the photo's
/// state allow it: a signed link to this server, or straight to the bucket.
pub async fn download(app: &App, v: &Visit, photo: PhotoId) -> Result<String> {
    let p = v.reachable_photo(app, photo).await?;
    if !v.may_download(p.photo.state, Size::Original) {
        return Err(AppError::Forbidden("This photo is not available to download yet.".into()));
    }
    let blob = p.original.ok_or_else(|| AppError::NotFound("photo not found".into()))?;
    v.log(app, p.photo.gallery, ActivityKind::Download { photo: Some(p.photo.id), count: 1 }).await;
    Ok(super::media_urls::download(app, &blob, &p.photo.filename))
}

/// "Download all", or one list, as a zip of originals or web-size previews, within what
/// the link allows.
pub async fn zip(app: &App, v: &Visit, list: Option<&str>, size: downloads::Size) -> Result<Zip> {
    let photos = photos(app, v).await?;
    let sel = v.selection(app).await?;
    let zip = plan(app, v, &photos, sel, list, size)?;
    v.log(app, v.set().id, ActivityKind::Download { photo: None, count: zip.files() }).await;
    Ok(zip)
}

/// One choice of the download sheet: what it holds, how many files, how large.
pub struct DownloadChoice {
    /// `None` for everything, else `favourites` or a list's name (the zip's `list`).
    pub list: Option<String>,
    pub label: String,
    pub files: usize,
    /// The zip of the originals, in bytes (its exact Content-Length).
    pub bytes: u64,
    /// The zip of the web-size previews, in bytes, when this link may have them.
    pub web_bytes: Option<u64>,
}

/// What this visitor may download here, as the sheet offers it: everything, their
/// favourites, each list, with file counts and the zips' sizes (originals and web size).
/// Empty when the link allows no downloads.
pub async fn download_choices(app: &App, v: &Visit, sel: &Selection) -> Result<Vec<DownloadChoice>> {
    if !v.access().may_download_any() {
        return Ok(Vec::new());
    }
    let photos = photos(app, v).await?;
    let mut wanted =
        vec![(None, "All photos".to_string()), (Some("favourites".to_string()), "Your favourites".into())];
    wanted.extend(v.set().proofing.lists.iter().map(|l| (Some(l.clone()), format!("“{l}”"))));
    let mut out = Vec::new();
    for (list, label) in wanted {
        // Nothing allowed in a list (or an empty one) is simply not offered.
        let Ok(zip) = plan(app, v, &photos, sel.clone(), list.as_deref(), downloads::Size::Original) else {
            continue;
        };
        let web = plan(app, v, &photos, sel.clone(), list.as_deref(), downloads::Size::Web).ok();
        let web_bytes = match web {
            Some(w) => Some(w.content_length().await?),
            None => None,
        };
        out.push(DownloadChoice {
            files: zip.files(),
            bytes: zip.content_length().await?,
            web_bytes,
            list,
            label,
        });
    }
    Ok(out)
}

/// The zip of `list` (everything when `None`) in `size`, named for what it holds.
fn plan(
    app: &App,
    v: &Visit,
    photos: &[PhotoView],
    mut sel: Selection,
    list: Option<&str>,
    size: downloads::Size,
) -> Result<Zip> {
    // The archive's name says what it holds: "Anna & Tom favourites web".
    let mut name = v.set().title.clone();
    let only = match list.filter(|l| !l.is_empty()) {
        None => None,
        Some(l) => Some(match v.list(Some(l))? {
            List::Favourites => {
                name.push_str(" favourites");
                sel.photos
            }
            List::Named(list) => {
                name = format!("{name} {list}");
                sel.lists.remove(&list).unwrap_or_default()
            }
        }),
    };
    if size == downloads::Size::Web {
        name.push_str(" web");
    }
    downloads::plan(app, &name, photos, Some(v.access()), only.as_deref(), size)
}
