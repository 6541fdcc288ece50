//! The gallery as a client works in it: the cover, the grid with hearts and lists, notes,
//! submitting, downloads. Each handler: extract the visit, one app call, render.

use std::sync::Arc;

use maud::Markup;
use poem::{
    IntoResponse, Response, handler,
    web::{Data, Query, Redirect, cookie::CookieJar},
};
use serde::Deserialize;

use super::{entry::door, tiles::TileCache, views};
use crate::{
    app::{
        self, App,
        downloads::Size,
        media_urls::{self, MediaKind},
        visit::{Closed, Opened, Visit},
    },
    web::{
        extract::{ClientDoor, ClientForm, ClientJson, ClientVisit, JsonAnswer, photo_id},
        session::urlencode,
    },
};

fn url(state: &App, kind: MediaKind, blob: Option<crate::domain::Hash>) -> Option<String> {
    blob.map(|h| media_urls::url(state, kind, &h))
}

#[handler]
pub async fn cover(Data(state): Data<&App>, jar: &CookieJar, door_: ClientDoor) -> poem::Result<Markup> {
    let studio = &state.config().studio_name;
    let v = match door_.open(state, jar).await? {
        Opened::Open(v) => v,
        Opened::Closed(c) => return Ok(closed_door(state, &door_, &c)),
    };
    let cover = app::client::cover(state, &v).await?;
    Ok(views::cover(&views::Cover {
        studio,
        logo_url: url(state, MediaKind::Original, cover.logo),
        title: &v.gallery().title,
        date_ms: v.gallery().created_ms,
        cover_url: url(state, MediaKind::Rendition, cover.cover.as_ref().map(|r| r.blob)),
        cover_srcset: hero_srcset(state, &cover),
        cover_thumb_url: url(state, MediaKind::Rendition, cover.cover_thumb),
        focus: cover.focus,
        event_date: v.gallery().event_date.clone(),
        guide: cover.guide,
        step: cover.step.index(),
        photos: cover.photos,
        photos_href: format!("{}/photos", door_.base()),
        identify: v.needs_identity().then(|| (format!("{}/identify", door_.base()), v.csrf().to_string())),
        chooses: v.access().may_favourite(),
        prices_href: cover.offers_prices.then(|| format!("{}/prices", door_.base())),
        brand: &cover.brand,
    }))
}

/// The visit of a page inside the gallery, or the way to its cover when the door is closed
/// or the link first asks who the visitor is (the cover does both).
pub(super) async fn inside(
    state: &App,
    jar: &CookieJar,
    door: &ClientDoor,
) -> poem::Result<Result<Box<Visit>, Response>> {
    Ok(match door.open(state, jar).await? {
        Opened::Open(v) if !v.needs_identity() => Ok(v),
        _ => Err(Redirect::see_other(door.base()).into_response()),
    })
}

/// The gallery's pricing guide: what can be ordered, before choosing.
#[handler]
pub async fn prices_page(
    Data(state): Data<&App>,
    jar: &CookieJar,
    door: ClientDoor,
) -> poem::Result<Response> {
    let v = match inside(state, jar, &door).await? {
        Ok(v) => v,
        Err(to_cover) => return Ok(to_cover),
    };
    let catalog = app::catalog::for_visit(state, &v).await?;
    Ok(views::prices(&views::Prices {
        studio: &state.config().studio_name,
        title: &v.gallery().title,
        photos_href: format!("{}/photos", door.base()),
        order_href: format!("{}/order", door.base()),
        catalog: &catalog,
        photo_url: &|h| media_urls::url(state, MediaKind::Rendition, &h),
    })
    .into_response())
}

/// The cover's medium and full sizes, when it has both.
fn hero_srcset(state: &App, c: &app::client::Cover) -> Option<views::Srcset> {
    let (full, medium) = (c.cover.as_ref()?, c.cover_medium.as_ref()?);
    let at = |r: &crate::domain::Rendition| media_urls::url(state, MediaKind::Rendition, &r.blob);
    Some(views::Srcset {
        set: format!("{} {}w, {} {}w", at(medium), medium.width, at(full), full.width),
        aspect: full.width as f64 / full.height.max(1) as f64,
    })
}

/// The door of a link that does not open by itself: its password page, or an e-mail
/// grant's sign-in form.
fn closed_door(state: &App, d: &ClientDoor, c: &Closed) -> Markup {
    match c.by_email() {
        true => door(state, &c.gallery.title, &d.key, None, None),
        false => views::password(
            &state.config().studio_name,
            &c.gallery.title,
            &format!("{}/unlock", d.base()),
            None,
        ),
    }
}

#[derive(Deserialize)]
pub struct IdentifyForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

#[handler]
pub async fn identify(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<IdentifyForm>,
) -> poem::Result<Response> {
    app::client::identify(state, &v, &f.name, &f.email).await?;
    Ok(Redirect::see_other(format!("{}/photos", door.base())).into_response())
}

#[handler]
pub async fn photos_page(
    Data(state): Data<&App>,
    Data(cache): Data<&Arc<TileCache>>,
    jar: &CookieJar,
    door: ClientDoor,
) -> poem::Result<Response> {
    let v = match inside(state, jar, &door).await? {
        Ok(v) => v,
        Err(to_cover) => return Ok(to_cover),
    };
    // A view is logged on the cover (where every visit starts), not on every grid load: a
    // write per grid load would serialise a crowd of visitors on the database writer.
    let grid = cache.get(state, &v, &door.base()).await?;
    let page = app::client::page(state, &v).await?;
    Ok(views::gallery(&gallery_model(state, &v, &door.base(), &grid, &page)).into_response())
}

/// The gallery page's view model: the visit's set, its grid, this visitor's selection.
fn gallery_model<'a>(
    state: &'a App,
    v: &'a Visit,
    b: &str,
    grid: &'a str,
    page: &app::client::Page,
) -> views::Gallery<'a> {
    let (set, sel) = (v.set(), &page.selection);
    let ids = |l: &[crate::domain::PhotoId]| l.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    views::Gallery {
        studio: &state.config().studio_name,
        logo_url: url(state, MediaKind::Original, page.logo),
        csrf: v.csrf(),
        title: &set.title,
        sets: page
            .sets
            .iter()
            .map(|g| (format!("{b}/photos?set={}", g.id), g.title.clone(), g.id == set.id))
            .collect(),
        tiles: maud::PreEscaped(grid),
        hearted: ids(&sel.photos),
        lists: set
            .proofing
            .lists
            .iter()
            .map(|n| (n.clone(), sel.lists.get(n).map_or_else(Vec::new, |l| ids(l))))
            .collect(),
        submitted: Visit::locked(sel),
        step: Visit::step(sel).index(),
        goal: set.proofing.goal(),
        max: set.proofing.max,
        min: set.proofing.min,
        can_favourite: v.access().may_favourite(),
        can_comment: v.access().may_comment(),
        set_id: set.id.to_string(),
        zip_href: v.access().may_download_any().then(|| format!("{b}/zip?set={}", set.id)),
        downloads: page
            .downloads
            .iter()
            .map(|d| views::DownloadRow {
                query: d.list.as_ref().map_or_else(String::new, |l| format!("&list={}", urlencode(l))),
                label: d.label.clone(),
                files: d.files,
                bytes: d.bytes,
                web_bytes: d.web_bytes,
            })
            .collect(),
        order_href: page.ordering.then(|| format!("{b}/order")),
        in_cart: page.in_cart,
        base: b.to_string(),
    }
}

#[derive(Deserialize)]
pub struct HeartBody {
    photo: String,
    on: bool,
    /// An extra list ("Album") instead of the favourites.
    list: Option<String>,
}

#[handler]
pub async fn favourite(
    Data(state): Data<&App>,
    ClientJson(v, b): ClientJson<HeartBody>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            let sel = app::client::favourite(state, &v, photo_id(&b.photo)?, b.on, b.list.as_deref()).await?;
            Ok(serde_json::json!({ "count": sel.photos.len(), "photos": sel.photos, "lists": sel.lists }))
        }
        .await,
    )
}

#[derive(Deserialize)]
pub struct SubmitForm {
    /// A message to the photographer, from the review sheet.
    message: Option<String>,
}

#[handler]
pub async fn submit(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<SubmitForm>,
) -> poem::Result<Response> {
    app::client::submit(state, &v, f.message.as_deref()).await?;
    Ok(Redirect::see_other(format!("{}/photos?set={}", door.base(), v.set().id)).into_response())
}

#[derive(Deserialize)]
pub struct CommentBody {
    photo: String,
    text: String,
    #[serde(default)]
    retouch: bool,
}

#[handler]
pub async fn add_comment(
    Data(state): Data<&App>,
    ClientJson(v, b): ClientJson<CommentBody>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            let c = app::client::comment(state, &v, photo_id(&b.photo)?, &b.text, b.retouch).await?;
            Ok(serde_json::json!({ "id": c.id.to_string(), "text": c.text, "retouch": c.retouch }))
        }
        .await,
    )
}

#[derive(Deserialize)]
pub struct CommentsQuery {
    photo: String,
}

/// The visitor's own notes and the photographer's replies on one photo.
#[handler]
pub async fn comments_json(
    Data(state): Data<&App>,
    ClientJson(v, ()): ClientJson<()>,
    Query(q): Query<CommentsQuery>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            let list: Vec<_> = app::client::comments(state, &v, photo_id(&q.photo)?)
                .await?
                .into_iter()
                .map(|(c, mine)| serde_json::json!({ "text": c.text, "retouch": c.retouch, "by": if mine { "You" } else { "Your photographer" } }))
                .collect();
            Ok(serde_json::json!({ "comments": list }))
        }
        .await,
    )
}

/// Sends the visitor to the original (here, or straight from the bucket) when the link and
/// the photo's state allow it.
#[handler]
pub async fn download(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    poem::web::Path((_, photo)): poem::web::Path<(String, String)>,
) -> poem::Result<Redirect> {
    Ok(Redirect::see_other(app::client::download(state, &v, photo_id(&photo)?).await?))
}

#[derive(Deserialize)]
pub struct ZipQuery {
    /// `favourites` for the visitor's hearts only, or the name of an extra list.
    list: Option<String>,
    /// `web` for the 2048 px previews.
    size: Option<String>,
}

/// "Download all" / "download my favourites" as one zip, within the link's permissions.
#[handler]
pub async fn zip(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    Query(q): Query<ZipQuery>,
) -> poem::Result<Response> {
    let zip = app::client::zip(state, &v, q.list.as_deref(), Size::parse(q.size.as_deref())).await?;
    crate::web::zip::response(zip).await
}
