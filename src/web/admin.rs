//! The photographer's pages: sign-in and setup, galleries, a gallery's photos.

use maud::Markup;
use poem::{
    IntoResponse, Request, Response, handler,
    http::StatusCode,
    web::{Data, Form, Json, Multipart, Path, Query, Redirect, cookie::CookieJar},
};
use serde::Deserialize;

use super::{
    client_ip::ClientIp,
    error,
    models::{GalleryOut, PhotoOut},
    params::{CsrfForm, gallery_id, photo_id},
    session::{self, Admin, DEVICE_COOKIE, PRE_COOKIE, SESSION_COOKIE},
    upload,
    views::admin as views,
};
use crate::{
    app::{
        self, AppError,
        media_urls::{self, MediaKind},
    },
    domain::{GalleryId, PhotoState},
    state::AppState,
};

fn see_other(to: &str) -> Response {
    Redirect::see_other(to).into_response()
}

/// The pre-login cookie's value, made and set when missing.
fn pre_token(state: &AppState, jar: &CookieJar) -> String {
    if let Some(c) = jar.get(PRE_COOKIE) {
        return c.value_str().to_string();
    }
    let v = hex::encode(app::auth::random_bytes());
    jar.add(session::cookie(state, PRE_COOKIE, &v, None));
    v
}

fn check_pre_csrf(state: &AppState, jar: &CookieJar, given: &str) -> Result<(), AppError> {
    match jar.get(PRE_COOKIE) {
        Some(c) if app::auth::csrf_ok(state, c.value_str(), given) => Ok(()),
        _ => Err(AppError::Forbidden(
            "This form has expired. Reload the page and try again (cookies must be enabled).".into(),
        )),
    }
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[handler]
pub async fn login_form(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Query(q): Query<NextQuery>,
) -> poem::Result<Response> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        if app::auth::session_valid(state, c.value_str()).await? {
            return Ok(see_other(&session::safe_next(q.next.as_deref())));
        }
    }
    let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
    Ok(views::login(&state.config.studio_name, &csrf, &session::safe_next(q.next.as_deref()), None)
        .into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    csrf: String,
    password: String,
    next: Option<String>,
}

#[handler]
pub async fn login_submit(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    ClientIp(ip): ClientIp,
    Form(f): Form<LoginForm>,
) -> poem::Result<Response> {
    check_pre_csrf(state, jar, &f.csrf)?;
    let next = session::safe_next(f.next.as_deref());
    let device = jar.get(DEVICE_COOKIE).map(|c| c.value_str().to_string());
    let known = app::auth::known_device(state, device.as_deref());
    match app::auth::login(state, ip, known, &f.password).await {
        Ok(token) => {
            jar.add(session::cookie(state, SESSION_COOKIE, &token, Some(30 * 24 * 3600)));
            if !known {
                let device = app::auth::device_token(state);
                jar.add(session::cookie(state, DEVICE_COOKIE, &device, Some(400 * 24 * 3600)));
            }
            Ok(see_other(&next))
        }
        Err(e @ (AppError::Unauthorized(_) | AppError::RateLimited(_))) => {
            let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
            let page = views::login(&state.config.studio_name, &csrf, &next, Some(&e.to_string()));
            Ok(page.with_status(error::status_of(&e)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[handler]
pub async fn setup_form(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Path(token): Path<String>,
) -> poem::Result<Markup> {
    if !app::auth::setup_token_valid(state, &token).await? {
        return Err(AppError::Forbidden("This setup link was already used. Sign in with your password, or run `proofroom admin set-password` on the server.".into()).into());
    }
    let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
    Ok(views::setup(&state.config.studio_name, &csrf, &token, None))
}

#[derive(Deserialize)]
pub struct SetupForm {
    csrf: String,
    password: String,
}

#[handler]
pub async fn setup_submit(
    Data(state): Data<&AppState>,
    jar: &CookieJar,
    Path(token): Path<String>,
    Form(f): Form<SetupForm>,
) -> poem::Result<Response> {
    check_pre_csrf(state, jar, &f.csrf)?;
    match app::auth::complete_setup(state, &token, &f.password).await {
        Ok(session_token) => {
            jar.add(session::cookie(state, SESSION_COOKIE, &session_token, Some(30 * 24 * 3600)));
            Ok(see_other("/admin"))
        }
        Err(e @ AppError::Invalid(_)) => {
            let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
            let page = views::setup(&state.config.studio_name, &csrf, &token, Some(&e.to_string()));
            Ok(page.with_status(StatusCode::BAD_REQUEST).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[handler]
pub async fn logout(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    jar: &CookieJar,
    Form(f): Form<CsrfForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    app::auth::logout(state, &admin.token).await?;
    jar.add(session::cookie(state, SESSION_COOKIE, "", Some(0)));
    Ok(see_other("/admin/login"))
}

/// Galleries with their covers, as list rows.
async fn gallery_rows(state: &AppState) -> Result<Vec<views::GalleryRow>, AppError> {
    Ok(app::galleries::tree(state)
        .await?
        .into_iter()
        .map(|s| views::GalleryRow {
            gallery: GalleryOut::from(&s.gallery),
            depth: s.depth,
            photos: s.photo_count,
            cover_url: s.cover.map(|h| media_urls::url(state, MediaKind::Rendition, &h)),
        })
        .collect())
}

#[handler]
pub async fn dashboard(Data(state): Data<&AppState>, admin: Admin) -> poem::Result<Markup> {
    let rows = gallery_rows(state).await?;
    let events = app::activity::recent(state, None, 8).await?;
    let recent = super::views::proofing::activity_list(&app::activity::describe(state, events).await?, true);
    let storage = app::maintenance::storage(state).await?;
    Ok(views::dashboard(&state.config.studio_name, &admin.csrf, &rows, recent, &storage))
}

#[derive(Deserialize)]
pub struct GalleryForm {
    csrf: String,
    title: String,
    #[serde(default)]
    parent: String,
    /// Only on the settings form; creating a gallery leaves it listed and unmarked.
    hidden: Option<String>,
    watermark: Option<String>,
}

fn parse_parent(p: &str) -> Result<Option<GalleryId>, AppError> {
    if p.is_empty() {
        Ok(None)
    } else {
        gallery_id(p).map(Some).map_err(|_| AppError::Invalid("the parent gallery does not exist".into()))
    }
}

#[handler]
pub async fn create_gallery(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Form(f): Form<GalleryForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let g = app::galleries::create(state, &f.title, parse_parent(&f.parent)?).await?;
    Ok(see_other(&format!("/admin/galleries/{}", g.id)))
}

#[handler]
pub async fn gallery_page(
    Data(state): Data<&AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Markup> {
    let id = gallery_id(&id)?;
    let crumbs = app::galleries::breadcrumbs(state, id).await?;
    let photos = app::photos::list(state, id).await?;
    let rows = gallery_rows(state).await?;
    // Everything outside this gallery's own subtree is a place it may move to.
    let mut move_targets = Vec::new();
    let mut skip_below: Option<usize> = None;
    for r in &rows {
        if let Some(d) = skip_below {
            if r.depth > d {
                continue;
            }
            skip_below = None;
        }
        if r.gallery.id == id.to_string() {
            skip_below = Some(r.depth);
            continue;
        }
        move_targets.push((r.gallery.id.clone(), r.gallery.title.clone(), r.depth));
    }
    let children_ids: Vec<String> =
        app::galleries::children(state, id).await?.iter().map(|g| g.id.to_string()).collect();
    let gallery = crumbs.last().cloned().ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
    let page = views::GalleryPage {
        studio: &state.config.studio_name,
        csrf: &admin.csrf,
        gallery: crumbs
            .last()
            .map(GalleryOut::from)
            .ok_or_else(|| AppError::NotFound("gallery not found".into()))?,
        crumbs: crumbs.iter().map(GalleryOut::from).collect(),
        children: rows.into_iter().filter(|r| children_ids.contains(&r.gallery.id)).collect(),
        photos: photos.iter().map(|p| PhotoOut::new(state, p)).collect(),
        move_targets,
        sharing: super::views::proofing::section(
            &GalleryOut::from(&gallery),
            &admin.csrf,
            &app::sharing::list(state, id).await?,
            &gallery.proofing,
            crate::domain::now_ms(),
        ),
    };
    Ok(views::gallery(&page))
}

#[handler]
pub async fn edit_gallery(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<GalleryForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let id = gallery_id(&id)?;
    let (hidden, watermark) = (Some(f.hidden.is_some()), Some(f.watermark.is_some()));
    app::galleries::update(state, id, Some(&f.title), Some(parse_parent(&f.parent)?), hidden, watermark)
        .await?;
    Ok(see_other(&format!("/admin/galleries/{id}")))
}

#[handler]
pub async fn delete_form(
    Data(state): Data<&AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Markup> {
    let id = gallery_id(&id)?;
    let g = app::galleries::get(state, id).await?;
    let photos = app::photos::list(state, id).await?.len();
    let children = app::galleries::children(state, id).await?.len();
    Ok(views::confirm_delete(&state.config.studio_name, &admin.csrf, &GalleryOut::from(&g), photos, children))
}

#[handler]
pub async fn delete_gallery(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let id = gallery_id(&id)?;
    let parent = app::galleries::get(state, id).await?.parent;
    app::galleries::delete(state, id).await?;
    Ok(see_other(&parent.map_or("/admin".into(), |p| format!("/admin/galleries/{p}"))))
}

#[derive(Deserialize)]
pub struct UploadQuery {
    #[serde(default, rename = "final")]
    mark_final: bool,
}

/// Upload from the gallery page's script: one or more files, JSON answer.
#[handler]
pub async fn upload_photos(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    mp: Multipart,
) -> poem::Result<Response> {
    admin
        .check_csrf(state, req, None)
        .map_err(|_| error::json(AppError::Forbidden("reload the page: the form has expired".into())))?;
    let id = gallery_id(&id).map_err(error::json)?;
    let received = upload::receive(state, id, mp, q.mark_final).await.map_err(error::json)?;
    let body: Vec<_> = received
        .into_iter()
        .map(|r| serde_json::json!({ "photo": r.photo, "replaced": r.replaced }))
        .collect();
    Ok(Json(serde_json::json!({ "uploaded": body })).into_response())
}

/// The gallery's photos for the page's live status updates.
#[handler]
pub async fn photos_json(
    Data(state): Data<&AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Json<serde_json::Value>> {
    let id = gallery_id(&id).map_err(error::json)?;
    let photos = app::photos::list(state, id).await.map_err(error::json)?;
    let out: Vec<PhotoOut> = photos.iter().map(|p| PhotoOut::new(state, p)).collect();
    Ok(Json(serde_json::json!({ "photos": out })))
}

#[derive(Deserialize)]
pub struct OrderBody {
    order: Vec<String>,
}

#[handler]
pub async fn reorder(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Json(body): Json<OrderBody>,
) -> poem::Result<StatusCode> {
    admin
        .check_csrf(state, req, None)
        .map_err(|_| error::json(AppError::Forbidden("reload the page: the form has expired".into())))?;
    let id = gallery_id(&id).map_err(error::json)?;
    let order = body.order.iter().map(|s| photo_id(s)).collect::<Result<Vec<_>, _>>().map_err(error::json)?;
    app::photos::reorder(state, id, order).await.map_err(error::json)?;
    Ok(StatusCode::NO_CONTENT)
}

#[handler]
pub async fn photo_page(
    Data(state): Data<&AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Markup> {
    let view = app::photos::get(state, photo_id(&id)?).await?;
    let gallery = app::galleries::get(state, view.photo.gallery).await?;
    let siblings = app::photos::list(state, gallery.id).await?;
    let pos = siblings.iter().position(|p| p.photo.id == view.photo.id);
    let at = |i: Option<usize>| i.and_then(|i| siblings.get(i)).map(|p| p.photo.id.to_string());
    let page = views::PhotoPage {
        studio: &state.config.studio_name,
        csrf: &admin.csrf,
        gallery: GalleryOut::from(&gallery),
        photo: PhotoOut::new(state, &view),
        prev: at(pos.and_then(|p| p.checked_sub(1))),
        next: at(pos.map(|p| p + 1)),
    };
    Ok(views::photo(&page))
}

#[derive(Deserialize)]
pub struct StateForm {
    csrf: String,
    state: String,
}

#[handler]
pub async fn set_state(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<StateForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let new_state = PhotoState::parse(&f.state)
        .ok_or_else(|| AppError::Invalid("state must be proof, final or undefined".into()))?;
    let p = app::photos::set_state(state, photo_id(&id)?, new_state).await?;
    Ok(see_other(&format!("/admin/photos/{}", p.id)))
}

#[handler]
pub async fn tokens_page(Data(state): Data<&AppState>, admin: Admin) -> poem::Result<Markup> {
    let tokens = app::auth::list_api_tokens(state).await?;
    Ok(views::tokens(&state.config.studio_name, &admin.csrf, &tokens, None))
}

#[derive(Deserialize)]
pub struct TokenForm {
    csrf: String,
    name: String,
}

#[handler]
pub async fn create_token(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Form(f): Form<TokenForm>,
) -> poem::Result<Markup> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let token = app::auth::create_api_token(state, &f.name).await?;
    let tokens = app::auth::list_api_tokens(state).await?;
    Ok(views::tokens(&state.config.studio_name, &admin.csrf, &tokens, Some(&token)))
}

#[handler]
pub async fn revoke_token(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    app::auth::revoke_api_token(state, &id).await?;
    Ok(see_other("/admin/tokens"))
}
