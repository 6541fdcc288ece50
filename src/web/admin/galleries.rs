//! Galleries and photos: the dashboard, a gallery's page (photos, nesting, sharing),
//! creating, editing, deleting, uploading, ordering, a photo's page and its state.

use maud::Markup;
use poem::{
    Response, handler,
    http::StatusCode,
    web::{Data, Json, Multipart, Path, Query},
};
use serde::Deserialize;

use super::{login::Nothing, see_other, views};
use crate::{
    app::{
        self, App, AppError,
        galleries::{GallerySummary, RecentCursor},
        media_urls::{self, MediaKind},
    },
    domain::{GalleryId, PhotoState, journey::Lifecycle},
    web::{
        error,
        extract::{AdminForm, AdminScript, GalleryPath, JsonAnswer, gallery_id, photo_id},
        models::{GalleryOut, PhotoOut},
        session::Admin,
        upload,
    },
};

/// A gallery as a list row, with its cover's URL.
fn row(state: &App, s: &GallerySummary) -> views::GalleryRow {
    views::GalleryRow {
        gallery: GalleryOut::from(&s.gallery),
        photos: s.stats.photos,
        finals: s.stats.finals,
        bytes: s.stats.bytes,
        inside: s.inside.clone(),
        children: s.children,
        cover_url: s.cover.map(|h| media_urls::url(state, MediaKind::Rendition, &h)),
        state: s.state,
        last_seen: s.stats.client_ms,
    }
}

#[derive(Deserialize)]
pub struct DashboardQuery {
    state: Option<String>,
    #[serde(default)]
    q: String,
    /// Where the page starts: `<last activity ms>.<gallery id>` of the previous page's last row.
    after: Option<String>,
}

/// A place in the dashboard's order as the address carries it.
fn cursor_text((at, id): RecentCursor) -> String {
    format!("{at}.{}", GalleryId(ulid::Ulid(id)))
}

fn parse_cursor(s: &str) -> Option<RecentCursor> {
    let (at, id) = s.split_once('.')?;
    Some((at.parse().ok()?, gallery_id(id).ok()?.key()))
}

#[handler]
pub async fn dashboard(
    Data(state): Data<&App>,
    admin: Admin,
    Query(q): Query<DashboardQuery>,
) -> poem::Result<Markup> {
    let only = Lifecycle::NAMES.iter().copied().find(|n| q.state.as_deref() == Some(*n));
    let text: String = q.q.trim().chars().take(100).collect();
    let after = q.after.as_deref().and_then(parse_cursor);
    let search = app::galleries::Search { text: text.clone(), state: only, after };
    let d = app::maintenance::dashboard(state, search).await?;
    let rows: Vec<_> = d.galleries.rows.iter().map(|s| row(state, s)).collect();
    let recent = views::proofing::activity_list(&d.recent, true);
    let attention = app::activity::attention(state).await?;
    let next = d.galleries.next.map(|c| {
        let base = views::dashboard_href(&text, only);
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}after={}", cursor_text(c))
    });
    let page = views::Dashboard {
        rows: &rows,
        only,
        search: &text,
        next,
        later: after.is_some(),
        totals: d.totals,
        attention: &attention,
        recent,
        storage: &d.storage,
    };
    Ok(views::dashboard(&state.config().studio_name, &admin.csrf, &page))
}

#[derive(Deserialize)]
pub struct PickQuery {
    #[serde(default)]
    q: String,
    /// `parent`, `settings` or `gallery` (see `views::Picker`).
    #[serde(default, rename = "for")]
    purpose: String,
    #[serde(default)]
    not: String,
}

/// One suggestion of a picker.
#[derive(serde::Serialize)]
pub struct Pick {
    value: String,
    label: String,
    hint: String,
}

/// What a picker suggests for the words typed: twenty galleries at most (and, for
/// settings, the presets whose names match), found without reading the whole archive.
#[handler]
pub async fn pick(
    Data(state): Data<&App>,
    _admin: Admin,
    Query(q): Query<PickQuery>,
) -> poem::Result<Json<Vec<Pick>>> {
    let not = match q.not.as_str() {
        "" => None,
        id => Some(gallery_id(id)?),
    };
    let text: String = q.q.trim().chars().take(100).collect();
    let mut out = Vec::new();
    if q.purpose == "settings" {
        let needle = text.to_lowercase();
        for p in preset_names(state).await?.into_iter().filter(|p| p.to_lowercase().contains(&needle)) {
            out.push(Pick { value: format!("preset:{p}"), label: p, hint: "preset".into() });
        }
    }
    let prefix = if q.purpose == "settings" { "gallery:" } else { "" };
    for s in app::galleries::pick(state, &text, not, q.purpose == "parent").await? {
        let mut hint = format!("{} photo{}", s.stats.photos, if s.stats.photos == 1 { "" } else { "s" });
        if let Some(p) = &s.inside {
            hint = format!("in {p} · {hint}");
        }
        out.push(Pick { value: format!("{prefix}{}", s.gallery.id), label: s.gallery.title, hint });
    }
    Ok(Json(out))
}

async fn preset_names(state: &App) -> Result<Vec<String>, AppError> {
    Ok(app::presets::all(state).await?.into_iter().map(|p| p.name).collect())
}

#[derive(Deserialize)]
pub struct GalleryForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    parent: String,
    /// Only on the settings form; creating a gallery leaves it listed and unmarked.
    hidden: Option<String>,
    /// Creating: `preset:<name>` or `gallery:<id>` to start from.
    settings: Option<String>,
    watermark: Option<String>,
    /// The day of the shoot, from the settings form (empty clears it).
    event_date: Option<String>,
    /// The price list (empty: as the gallery it is inside); absent when the studio has none.
    price_list: Option<String>,
}

fn parse_parent(p: &str) -> Result<Option<GalleryId>, AppError> {
    match p {
        "" => Ok(None),
        p => {
            gallery_id(p).map(Some).map_err(|_| AppError::Invalid("the parent gallery does not exist".into()))
        }
    }
}

#[handler]
pub async fn create_gallery(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<GalleryForm>,
) -> poem::Result<Response> {
    // Checked before the gallery exists, so a bad choice leaves nothing behind.
    let source = app::presets::Source::parse(f.settings.as_deref().unwrap_or_default())?;
    let g = app::galleries::create(state, &f.title, parse_parent(&f.parent)?).await?;
    if let Some(source) = source {
        if let Err(e) = app::presets::apply(state, g.id, &source).await {
            app::galleries::delete(state, g.id).await?;
            return Err(e.into());
        }
    }
    Ok(see_other(&format!("/admin/galleries/{}", g.id)))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    settings: String,
}

/// Gives the gallery a preset's (or another gallery's) settings.
#[handler]
pub async fn apply_settings(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, f): AdminForm<SettingsForm>,
) -> poem::Result<Response> {
    let source = app::presets::Source::parse(&f.settings)?
        .ok_or_else(|| AppError::Invalid("choose a preset or a gallery".into()))?;
    app::presets::apply(state, id, &source).await?;
    Ok(see_other(&format!("/admin/galleries/{id}")))
}

#[derive(Deserialize)]
pub struct PresetForm {
    #[serde(default)]
    name: String,
}

/// Saves the gallery's settings as one of the studio's presets.
#[handler]
pub async fn save_preset(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, f): AdminForm<PresetForm>,
) -> poem::Result<Response> {
    app::presets::save(state, id, &f.name).await?;
    Ok(see_other(&format!("/admin/galleries/{id}")))
}

#[handler]
pub async fn remove_preset(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<PresetForm>,
) -> poem::Result<Response> {
    app::presets::remove(state, &f.name).await?;
    Ok(see_other("/admin/studio#presets"))
}

/// A gallery's settings as JSON (the preset it would make).
#[handler]
pub async fn settings_json(
    Data(state): Data<&App>,
    _admin: Admin,
    GalleryPath(id): GalleryPath,
) -> poem::Result<Json<crate::domain::preset::Preset>> {
    Ok(Json(app::presets::settings(state, id).await?))
}

#[handler]
pub async fn gallery_page(
    Data(state): Data<&App>,
    admin: Admin,
    GalleryPath(id): GalleryPath,
) -> poem::Result<Markup> {
    let p = app::galleries::page(state, id).await?;
    Ok(views::gallery(&gallery_model(state, &admin, &p)))
}

/// The gallery page's view model.
fn gallery_model<'a>(
    state: &'a App,
    admin: &'a Admin,
    p: &app::galleries::GalleryPage,
) -> views::GalleryPage<'a> {
    let gallery = GalleryOut::from(p.gallery());
    views::GalleryPage {
        studio: &state.config().studio_name,
        csrf: &admin.csrf,
        crumbs: p.crumbs.iter().map(GalleryOut::from).collect(),
        children: p.children.iter().map(|s| row(state, s)).collect(),
        photos: p.photos.iter().map(|v| PhotoOut::new(state, v)).collect(),
        price_lists: p.price_lists.iter().map(|(id, name)| (id.to_string(), name.clone())).collect(),
        price_list: p.gallery().price_list.map(|l| l.to_string()),
        sharing: views::proofing::section(
            &gallery,
            &admin.csrf,
            &p.shares,
            &p.gallery().proofing,
            p.gallery().link,
        ),
        gallery,
    }
}

#[handler]
pub async fn edit_gallery(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, f): AdminForm<GalleryForm>,
) -> poem::Result<Response> {
    let (hidden, watermark) = (Some(f.hidden.is_some()), Some(f.watermark.is_some()));
    app::galleries::update(state, id, Some(&f.title), Some(parse_parent(&f.parent)?), hidden, watermark)
        .await?;
    if let Some(day) = &f.event_date {
        app::galleries::set_event_date(state, id, day).await?;
    }
    if let Some(list) = &f.price_list {
        let list = app::catalog::list_id(list)
            .map_err(|_| AppError::Invalid("choose a price list from the list".into()))?;
        app::galleries::set_price_list(state, id, list).await?;
    }
    Ok(see_other(&format!("/admin/galleries/{id}")))
}

#[handler]
pub async fn delete_form(
    Data(state): Data<&App>,
    admin: Admin,
    GalleryPath(id): GalleryPath,
) -> poem::Result<Markup> {
    let (g, photos, children) = app::galleries::deletion(state, id).await?;
    Ok(views::confirm_delete(
        &state.config().studio_name,
        &admin.csrf,
        &GalleryOut::from(&g),
        photos,
        children,
    ))
}

#[handler]
pub async fn delete_gallery(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    let parent = app::galleries::delete(state, id).await?;
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
    Data(state): Data<&App>,
    _: AdminScript,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    mp: Multipart,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            let received = upload::receive(state, gallery_id(&id)?, mp, q.mark_final).await?;
            let body: Vec<_> = received
                .into_iter()
                .map(|r| serde_json::json!({ "photo": r.photo, "replaced": r.replaced }))
                .collect();
            Ok(serde_json::json!({ "uploaded": body }))
        }
        .await,
    )
}

/// The gallery's photos for the page's live status updates.
#[handler]
pub async fn photos_json(
    Data(state): Data<&App>,
    _admin: Admin,
    Path(id): Path<String>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            let photos = state.photos(gallery_id(&id)?).await?;
            let out: Vec<PhotoOut> = photos.iter().map(|p| PhotoOut::new(state, p)).collect();
            Ok(serde_json::json!({ "photos": out }))
        }
        .await,
    )
}

#[derive(Deserialize)]
pub struct OrderBody {
    order: Vec<String>,
}

#[handler]
pub async fn reorder(
    Data(state): Data<&App>,
    _: AdminScript,
    Path(id): Path<String>,
    Json(body): Json<OrderBody>,
) -> poem::Result<StatusCode> {
    let run = async {
        let order = body.order.iter().map(|s| photo_id(s)).collect::<Result<Vec<_>, _>>()?;
        app::photos::reorder(state, gallery_id(&id)?, order).await
    };
    run.await.map_err(error::json)?;
    Ok(StatusCode::NO_CONTENT)
}

#[handler]
pub async fn photo_page(
    Data(state): Data<&App>,
    admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Markup> {
    let p = app::photos::page(state, photo_id(&id)?).await?;
    Ok(views::photo(&views::PhotoPage {
        studio: &state.config().studio_name,
        csrf: &admin.csrf,
        gallery: GalleryOut::from(&p.gallery),
        photo: PhotoOut::new(state, &p.photo),
        prev: p.prev.map(|id| id.to_string()),
        next: p.next.map(|id| id.to_string()),
    }))
}

#[derive(Deserialize)]
pub struct CoverForm {
    #[serde(default)]
    x: String,
    #[serde(default)]
    y: String,
}

/// Makes this photo its gallery's cover, with the point that must stay in view.
#[handler]
pub async fn set_cover(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<CoverForm>,
) -> poem::Result<Response> {
    let percent = |v: &str| {
        v.trim().parse::<u8>().map_err(|_| AppError::Invalid("the focus point is a percentage".into()))
    };
    let p = app::photos::use_as_cover(state, photo_id(&id)?, percent(&f.x)?, percent(&f.y)?).await?;
    Ok(see_other(&format!("/admin/photos/{}", p.id)))
}

#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    state: String,
}

#[handler]
pub async fn set_state(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<StateForm>,
) -> poem::Result<Response> {
    let new_state = PhotoState::parse(&f.state)
        .ok_or_else(|| AppError::Invalid("state must be proof, final or undefined".into()))?;
    let p = app::photos::set_state(state, photo_id(&id)?, new_state).await?;
    Ok(see_other(&format!("/admin/photos/{}", p.id)))
}
