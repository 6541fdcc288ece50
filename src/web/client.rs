//! The client side of a share link: cover, password, gallery, hearts, submit, comments,
//! downloads. A visitor is identified by a session cookie scoped to the link's path.

use std::sync::Arc;

use bytes::Bytes;
use maud::Markup;
use poem::{
    IntoResponse, Request, Response, handler,
    web::{Data, Form, Json, Path, Query, Redirect, cookie::CookieJar},
};
use serde::Deserialize;

use super::{
    client_ip::ClientIp,
    error,
    models::PhotoOut,
    params::{CsrfForm, photo_id},
    session,
    views::client as views,
};
use crate::{
    app::{
        self, AppError,
        media_urls::{self, MediaKind},
    },
    domain::{ActivityKind, Gallery, GalleryId, ShareId, ShareLink, Visitor},
    state::AppState,
};

const VISITOR_COOKIE: &str = "pr_v";

/// An open visit: the link, its gallery, the browser's session and its CSRF token, and
/// the visitor once there is one (made on the first action, not on a look).
struct Visit {
    share: ShareLink,
    gallery: Gallery,
    visitor: Option<Visitor>,
    session: String,
    csrf: String,
}

fn base(token: &str) -> String {
    format!("/g/{token}")
}

fn visitor_cookie(state: &AppState, jar: &CookieJar, token: &str, session: &str) {
    let mut c = session::cookie(state, VISITOR_COOKIE, session, Some(180 * 24 * 3600));
    // Scoped to the link, so two galleries opened in one browser keep two visitors.
    c.set_path(base(token));
    jar.add(c);
}

/// The visit behind this request. A browser new to a link without a password gets a
/// session cookie and nothing stored. `None` when the link needs its password (or an
/// e-mail sign-in) first.
async fn visit(state: &AppState, jar: &CookieJar, token: &str) -> Result<Option<Visit>, AppError> {
    let (share, gallery) = app::sharing::resolve(state, token).await?;
    let cookie = jar.get(VISITOR_COOKIE).map(|c| c.value_str().to_string());
    let visitor = app::sharing::visitor(state, &share, cookie.as_deref()).await?;
    let session = match cookie {
        Some(c) if visitor.is_some() => c,
        _ if !app::sharing::opens_freely(&share) => return Ok(None),
        Some(c) if app::sharing::well_formed_session(&c) => c,
        _ => {
            let s = app::sharing::new_session();
            visitor_cookie(state, jar, token, &s);
            s
        }
    };
    let csrf = app::auth::csrf_token(state, &session);
    Ok(Some(Visit { share, gallery, visitor, session, csrf }))
}

/// Like `visit`, for requests that need an open visit (JSON and form posts).
async fn require_visit(state: &AppState, jar: &CookieJar, token: &str) -> Result<Visit, AppError> {
    visit(state, jar, token).await?.ok_or_else(|| {
        AppError::Unauthorized("Open the gallery link and enter its password (or sign in) first.".into())
    })
}

/// The visitor about to act, made now if this browser has only looked so far.
async fn actor(state: &AppState, v: &Visit) -> Result<Visitor, AppError> {
    match &v.visitor {
        Some(visitor) => Ok(visitor.clone()),
        None => app::sharing::visitor_for_action(state, &v.share, &v.session).await,
    }
}

/// The visitor's selection in `set`, empty before they have acted.
async fn selection_of(
    state: &AppState,
    v: &Visit,
    set: GalleryId,
) -> Result<crate::domain::Selection, AppError> {
    match &v.visitor {
        Some(visitor) => app::proofing::selection(state, visitor.id, set).await,
        None => Ok(Default::default()),
    }
}

fn check_csrf(state: &AppState, jar: &CookieJar, req: &Request, field: Option<&str>) -> Result<(), AppError> {
    let session = jar.get(VISITOR_COOKIE).map(|c| c.value_str().to_string()).unwrap_or_default();
    let given = field.or_else(|| req.header("x-csrf-token")).unwrap_or_default();
    if app::auth::csrf_ok(state, &session, given) {
        Ok(())
    } else {
        Err(AppError::Forbidden("This page has expired. Reload it and try again.".into()))
    }
}

/// The set (sub-gallery) asked for, which must be the shared gallery or inside it.
async fn set_of(state: &AppState, v: &Visit, set: Option<&str>) -> Result<Gallery, AppError> {
    let Some(set) = set.filter(|s| !s.is_empty()) else { return Ok(v.gallery.clone()) };
    let id: GalleryId = set.parse().map_err(|_| AppError::NotFound("no such set".into()))?;
    if !app::sharing::covers(state, &v.share, id).await? {
        return Err(AppError::NotFound("no such set".into()));
    }
    app::galleries::get(state, id).await
}

#[handler]
pub async fn cover(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Path(token): Path<String>,
) -> poem::Result<Markup> {
    let studio = &state.config.studio_name;
    let Some(v) = visit(state, jar, &token).await? else {
        let (share, gallery) = app::sharing::resolve(state, &token).await?;
        if share.email.is_some() {
            return Ok(door(state, &gallery.title, &token, None, None));
        }
        return Ok(views::password(studio, &gallery.title, &format!("{}/unlock", base(&token)), None));
    };
    if let Some(visitor) = &v.visitor {
        app::activity::log(state, v.gallery.id, visitor.id, ActivityKind::View).await;
    }
    let photos = app::photos::list(state, v.gallery.id).await?;
    let photos = app::studio::for_clients(state, &v.gallery, photos).await?;
    let logo_url = logo_url(state).await?;
    let cover_url = photos
        .iter()
        .find_map(|p| p.preview.as_ref())
        .map(|r| media_urls::url(state, MediaKind::Rendition, &r.blob));
    let sel = selection_of(state, &v, v.gallery.id).await?;
    let guide = app::proofing::welcome(&v.gallery, state.config.welcome.as_deref());
    Ok(views::cover(&views::Cover {
        studio,
        logo_url,
        title: &v.gallery.title,
        date_ms: v.gallery.created_ms,
        cover_url,
        guide,
        step: views::step_of(sel.photos.len(), sel.submitted_ms.is_some()),
        photos: photos.len(),
        photos_href: format!("{}/photos", base(&token)),
        identify: needs_identity(&v).then(|| (format!("{}/identify", base(&token)), v.csrf.clone())),
    }))
}

/// The studio logo's URL, if the photographer set one.
async fn logo_url(state: &AppState) -> Result<Option<String>, AppError> {
    Ok(app::studio::get(state).await?.logo.map(|h| media_urls::url(state, MediaKind::Original, &h)))
}

/// Whether the link wants the visitor's name before the photos.
fn needs_identity(v: &Visit) -> bool {
    v.share.ask_identity && v.visitor.as_ref().is_none_or(|visitor| visitor.name.is_none())
}

#[derive(Deserialize)]
pub struct IdentifyForm {
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

#[handler]
pub async fn identify(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    req: &Request,
    Path(token): Path<String>,
    Form(f): Form<IdentifyForm>,
) -> poem::Result<Response> {
    let v = require_visit(state, jar, &token).await?;
    check_csrf(state, jar, req, Some(&f.csrf))?;
    app::sharing::asks_identity(&v.share)?;
    let visitor = actor(state, &v).await?;
    app::sharing::identify(state, &v.share, &visitor, &f.name, &f.email).await?;
    Ok(Redirect::see_other(format!("{}/photos", base(&token))).into_response())
}

#[derive(Deserialize)]
pub struct UnlockForm {
    password: String,
}

#[handler]
pub async fn unlock(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(f): Form<UnlockForm>,
) -> poem::Result<Response> {
    let (share, gallery) = app::sharing::resolve(state, &token).await?;
    match app::sharing::unlock(state, ip, &share, &f.password).await {
        Ok((_, session)) => {
            visitor_cookie(state, jar, &token, &session);
            Ok(Redirect::see_other(base(&token)).into_response())
        }
        Err(e @ (AppError::Unauthorized(_) | AppError::RateLimited(_))) => {
            let page = views::password(
                &state.config.studio_name,
                &gallery.title,
                &format!("{}/unlock", base(&token)),
                Some(&e.to_string()),
            );
            Ok(page.with_status(error::status_of(&e)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// An e-mail grant's door: the sign-in form.
fn door(state: &AppState, title: &str, token: &str, sent_to: Option<&str>, error: Option<&str>) -> Markup {
    views::sign_in(&views::SignIn {
        studio: &state.config.studio_name,
        gallery: Some(title),
        action: format!("{}/sign-in", base(token)),
        sent_to,
        error,
    })
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    email: String,
}

/// Sends a sign-in link for this gallery to the address, if the address was granted it.
#[handler]
pub async fn sign_in(
    Data(state): Data<&AppState>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(f): Form<EmailForm>,
) -> poem::Result<Response> {
    let (share, gallery) = app::sharing::resolve(state, &token).await?;
    if share.email.is_none() {
        return Err(AppError::NotFound("This gallery opens with its link, not by e-mail.".into()).into());
    }
    let email = f.email.trim();
    Ok(match app::sharing::request_sign_in(state, ip, email, Some(share.id)).await {
        Ok(()) => door(state, &gallery.title, &token, Some(email), None).into_response(),
        Err(e @ (AppError::Invalid(_) | AppError::RateLimited(_))) => {
            door(state, &gallery.title, &token, None, Some(&e.to_string()))
                .with_status(error::status_of(&e))
                .into_response()
        }
        Err(e) => return Err(e.into()),
    })
}

/// A sign-in link from the mail: a page with one button (see `views::enter`).
#[handler]
pub async fn enter_page(
    Data(state): Data<&AppState>,
    Path((token, code)): Path<(String, String)>,
) -> poem::Result<Response> {
    let (share, gallery) = app::sharing::resolve(state, &token).await?;
    if !app::sharing::magic_link_usable(state, &share, &code).await? {
        return Ok(used_link(state, &gallery.title, &token));
    }
    let action = format!("{}/enter/{code}", base(&token));
    Ok(views::enter(&state.config.studio_name, &gallery.title, &action).into_response())
}

fn used_link(state: &AppState, title: &str, token: &str) -> Response {
    let e = app::sharing::used_link();
    door(state, title, token, None, Some(&e.to_string())).with_status(error::status_of(&e)).into_response()
}

/// Uses the sign-in link (once) and opens the gallery in this browser.
#[handler]
pub async fn enter(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Path((token, code)): Path<(String, String)>,
) -> poem::Result<Response> {
    let (share, gallery) = app::sharing::resolve(state, &token).await?;
    match app::sharing::enter(state, &share, &code).await {
        Ok((_, session)) => {
            visitor_cookie(state, jar, &token, &session);
            Ok(Redirect::see_other(base(&token)).into_response())
        }
        Err(AppError::Gone(_)) => Ok(used_link(state, &gallery.title, &token)),
        Err(e) => Err(e.into()),
    }
}

/// The studio-wide sign-in page: every gallery granted to an address, by one e-mail.
#[handler]
pub async fn access_page(Data(state): Data<&AppState>) -> Markup {
    views::sign_in(&views::SignIn {
        studio: &state.config.studio_name,
        gallery: None,
        action: "/access".into(),
        sent_to: None,
        error: None,
    })
}

#[handler]
pub async fn access_request(
    Data(state): Data<&AppState>,
    ClientIp(ip): ClientIp,
    Form(f): Form<EmailForm>,
) -> poem::Result<Response> {
    let email = f.email.trim();
    let (sent_to, err) = match app::sharing::request_sign_in(state, ip, email, None).await {
        Ok(()) => (Some(email), None),
        Err(e @ (AppError::Invalid(_) | AppError::RateLimited(_))) => (None, Some(e)),
        Err(e) => return Err(e.into()),
    };
    let page = views::sign_in(&views::SignIn {
        studio: &state.config.studio_name,
        gallery: None,
        action: "/access".into(),
        sent_to,
        error: err.as_ref().map(|e| e.to_string()).as_deref(),
    });
    Ok(page.with_status(err.as_ref().map_or(poem::http::StatusCode::OK, error::status_of)).into_response())
}

#[derive(Deserialize)]
pub struct SetQuery {
    set: Option<String>,
}

/// (link, set, media-URL window, two-second slot).
type TileKey = (ShareId, GalleryId, u64, u64);

/// Rendered grids, shared by every visitor of one link and set (the HTML carries the link's
/// own download URLs, so two links never share an entry). An entry serves one two-second
/// slot: long enough that a crowd opening one gallery costs one render, short enough that
/// new photos show up at once. When a slot begins, one request renders and the others wait
/// for it instead of all rendering at once. Keys carry the media-URL window, so cached URLs
/// never outlive their signatures.
pub struct TileCache(quick_cache::sync::Cache<TileKey, Arc<String>>);

const TILE_SLOT_MS: u64 = 2000;

impl TileCache {
    pub fn new() -> Self {
        TileCache(quick_cache::sync::Cache::new(256))
    }
}

async fn tiles(
    state: &AppState,
    cache: &TileCache,
    v: &Visit,
    set: &Gallery,
    base: &str,
) -> Result<Arc<String>, AppError> {
    let key = (v.share.id, set.id, media_urls::window(), crate::domain::now_ms() / TILE_SLOT_MS);
    cache.0.get_or_insert_async(&key, render_tiles(state, v.share.permissions, set, base)).await
}

async fn render_tiles(
    state: &AppState,
    perms: crate::domain::Permissions,
    set: &Gallery,
    base: &str,
) -> Result<Arc<String>, AppError> {
    let photos = app::studio::for_clients(state, set, app::photos::list(state, set.id).await?).await?;
    let shown: Vec<_> = photos.into_iter().filter(|p| p.thumb.is_some()).collect();
    let states: std::collections::HashMap<String, crate::domain::PhotoState> =
        shown.iter().map(|p| (p.photo.id.to_string(), p.photo.state)).collect();
    let outs: Vec<PhotoOut> = shown.iter().map(|p| PhotoOut::new(state, p)).collect();
    let download_url = |p: &PhotoOut| {
        states.get(&p.id).filter(|s| perms.may_download(**s)).map(|_| format!("{base}/download/{}", p.id))
    };
    Ok(Arc::new(views::tiles(&outs, download_url, perms.favourite).into_string()))
}

#[handler]
pub async fn photos_page(
    Data(state): Data<&AppState>,
    Data(cache): Data<&Arc<TileCache>>,
    jar: &CookieJar,
    Path(token): Path<String>,
    Query(q): Query<SetQuery>,
) -> poem::Result<Response> {
    let Some(v) = visit(state, jar, &token).await?.filter(|v| !needs_identity(v)) else {
        return Ok(Redirect::see_other(base(&token)).into_response());
    };
    let set = set_of(state, &v, q.set.as_deref()).await?;
    // A view is logged on the cover (where every visit starts), not on every grid load: a
    // write per grid load would serialise a crowd of visitors on the database writer.
    let sets = app::sharing::sets(state, &v.gallery).await?;
    let b = base(&token);
    let grid = tiles(state, cache, &v, &set, &b).await?;
    let sel = selection_of(state, &v, set.id).await?;
    let page = views::Gallery {
        studio: &state.config.studio_name,
        logo_url: logo_url(state).await?,
        csrf: &v.csrf,
        base: b.clone(),
        title: &set.title,
        sets: sets
            .iter()
            .map(|g| (format!("{b}/photos?set={}", g.id), g.title.clone(), g.id == set.id))
            .collect(),
        tiles: maud::PreEscaped(grid.as_str()),
        hearted: sel.photos.iter().map(|p| p.to_string()).collect(),
        lists: set
            .proofing
            .lists
            .iter()
            .map(|name| {
                let ids = sel.lists.get(name).map(|l| l.iter().map(|p| p.to_string()).collect());
                (name.clone(), ids.unwrap_or_default())
            })
            .collect(),
        submitted: sel.submitted_ms.is_some(),
        min: set.proofing.min,
        max: set.proofing.max,
        can_favourite: v.share.permissions.favourite,
        can_comment: v.share.permissions.comment,
        set_id: set.id.to_string(),
        zip_href: v.share.permissions.may_download_any().then(|| format!("{b}/zip?set={}", set.id)),
    };
    Ok(views::gallery(&page).into_response())
}

/// A JSON body, with a parse error answered as JSON like every other error of these routes.
fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(body)
        .map_err(|e| AppError::Invalid(format!("the request is not the JSON expected ({e})")))
}

#[derive(Deserialize)]
pub struct HeartBody {
    photo: String,
    on: bool,
    set: Option<String>,
    /// An extra list ("Album") instead of the favourites.
    list: Option<String>,
}

#[handler]
pub async fn favourite(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    req: &Request,
    Path(token): Path<String>,
    body: Bytes,
) -> poem::Result<Json<serde_json::Value>> {
    let run = async {
        let b: HeartBody = json_body(&body)?;
        let v = require_visit(state, jar, &token).await?;
        check_csrf(state, jar, req, None)?;
        let set = set_of(state, &v, b.set.as_deref()).await?;
        let photo = photo_id(&b.photo)?;
        let visitor = actor(state, &v).await?;
        let sel = app::proofing::favourite(state, &v.share, visitor.id, &set, photo, b.on, b.list.as_deref())
            .await?;
        Ok::<_, AppError>(
            serde_json::json!({ "count": sel.photos.len(), "photos": sel.photos, "lists": sel.lists }),
        )
    };
    run.await.map(Json).map_err(error::json)
}

#[handler]
pub async fn submit(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    req: &Request,
    Path(token): Path<String>,
    Query(q): Query<SetQuery>,
    Form(f): Form<CsrfForm>,
) -> poem::Result<Response> {
    let v = require_visit(state, jar, &token).await?;
    check_csrf(state, jar, req, Some(&f.csrf))?;
    let set = set_of(state, &v, q.set.as_deref()).await?;
    let visitor = actor(state, &v).await?;
    app::proofing::submit(state, visitor.id, &set).await?;
    Ok(Redirect::see_other(format!("{}/photos?set={}", base(&token), set.id)).into_response())
}

#[derive(Deserialize)]
pub struct CommentBody {
    photo: String,
    set: Option<String>,
    text: String,
    #[serde(default)]
    retouch: bool,
}

#[handler]
pub async fn add_comment(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    req: &Request,
    Path(token): Path<String>,
    body: Bytes,
) -> poem::Result<Json<serde_json::Value>> {
    let run = async {
        let b: CommentBody = json_body(&body)?;
        let v = require_visit(state, jar, &token).await?;
        check_csrf(state, jar, req, None)?;
        let set = set_of(state, &v, b.set.as_deref()).await?;
        let visitor = actor(state, &v).await?;
        let c = app::proofing::comment(
            state,
            Some((&v.share, visitor.id)),
            set.id,
            photo_id(&b.photo)?,
            &b.text,
            b.retouch,
        )
        .await?;
        Ok::<_, AppError>(serde_json::json!({ "id": c.id.to_string(), "text": c.text, "retouch": c.retouch }))
    };
    run.await.map(Json).map_err(error::json)
}

#[derive(Deserialize)]
pub struct CommentsQuery {
    photo: String,
    set: Option<String>,
}

/// The visitor's own notes and the photographer's replies on one photo.
#[handler]
pub async fn comments_json(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Path(token): Path<String>,
    Query(q): Query<CommentsQuery>,
) -> poem::Result<Json<serde_json::Value>> {
    let run = async {
        let v = require_visit(state, jar, &token).await?;
        let set = set_of(state, &v, q.set.as_deref()).await?;
        let photo = photo_id(&q.photo)?;
        if app::photos::get(state, photo).await?.photo.gallery != set.id {
            return Err(AppError::NotFound("photo not found".into()));
        }
        let me = v.visitor.as_ref().map(|visitor| visitor.id);
        let list: Vec<_> = app::proofing::comments(state, set.id)
            .await?
            .into_iter()
            .filter(|c| c.photo == photo && (c.visitor.is_none() || (me.is_some() && c.visitor == me)))
            .map(|c| serde_json::json!({ "text": c.text, "retouch": c.retouch, "by": if c.visitor.is_some() { "You" } else { "Your photographer" } }))
            .collect();
        Ok::<_, AppError>(serde_json::json!({ "comments": list }))
    };
    run.await.map(Json).map_err(error::json)
}

/// Sends the visitor to the signed original when the link and the photo's state allow it.
#[handler]
pub async fn download(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Path((token, photo)): Path<(String, String)>,
) -> poem::Result<Response> {
    let v = require_visit(state, jar, &token).await?;
    let p = app::photos::get(state, photo_id(&photo)?).await?;
    if !app::sharing::covers(state, &v.share, p.photo.gallery).await? {
        return Err(AppError::NotFound("photo not found".into()).into());
    }
    if !v.share.permissions.may_download(p.photo.state) {
        return Err(AppError::Forbidden("This photo is not available to download yet.".into()).into());
    }
    let blob = p.original.ok_or_else(|| AppError::NotFound("photo not found".into()))?;
    if let Some(visitor) = &v.visitor {
        let what = ActivityKind::Download { photo: Some(p.photo.id), count: 1 };
        app::activity::log(state, p.photo.gallery, visitor.id, what).await;
    }
    Ok(Redirect::see_other(media_urls::url(state, MediaKind::Original, &blob)).into_response())
}

#[derive(Deserialize)]
pub struct ZipQuery {
    set: Option<String>,
    /// `favourites` for the visitor's hearts only, or the name of an extra list.
    list: Option<String>,
    /// `web` for the 2048 px previews.
    size: Option<String>,
}

/// "Download all" / "download my favourites" as one zip, within the link's permissions.
#[handler]
pub async fn zip(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Path(token): Path<String>,
    Query(q): Query<ZipQuery>,
) -> poem::Result<Response> {
    let v = require_visit(state, jar, &token).await?;
    let set = set_of(state, &v, q.set.as_deref()).await?;
    // Web-size downloads of a watermarked gallery carry the watermark too.
    let photos = app::studio::for_clients(state, &set, app::photos::list(state, set.id).await?).await?;
    let only = match q.list.as_deref().filter(|l| !l.is_empty()) {
        None => None,
        Some(list) => {
            let mut sel = selection_of(state, &v, set.id).await?;
            match set.proofing.list(list) {
                _ if list == "favourites" => Some(sel.photos),
                Some(name) => Some(sel.lists.remove(name).unwrap_or_default()),
                None => {
                    return Err(
                        AppError::NotFound(format!("This gallery has no list called “{list}”.")).into()
                    );
                }
            }
        }
    };
    let size = app::downloads::Size::parse(q.size.as_deref());
    let items = app::downloads::plan(state, &photos, Some(v.share.permissions), only.as_deref(), size)?;
    if let Some(visitor) = &v.visitor {
        let what = ActivityKind::Download { photo: None, count: items.len() };
        app::activity::log(state, set.id, visitor.id, what).await;
    }
    Ok(super::zip::response(items, &set.title))
}
