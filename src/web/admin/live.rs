//! The photographer's side of a live session: start it from the gallery page, present,
//! end it.

use maud::Markup;
use poem::{
    Response, handler,
    web::{Data, Json},
};

use super::see_other;
use crate::{
    app::{self, App, AppError, media_urls},
    domain::live::{Action, Side},
    web::{
        extract::{AdminForm, AdminScript, GalleryPath, JsonAnswer, WallPhoto},
        live::{self, LivePage, LivePhoto},
        session::Admin,
    },
};

/// Starts a session (a new join code) and opens the presenter's screen.
#[handler]
pub async fn start(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, _): AdminForm<super::login::Nothing>,
) -> poem::Result<Response> {
    app::live::start(state, id).await?;
    Ok(see_other(&format!("/admin/galleries/{id}/live")))
}

#[handler]
pub async fn page(
    Data(state): Data<&App>,
    admin: Admin,
    GalleryPath(id): GalleryPath,
) -> poem::Result<Markup> {
    let live = app::live::current(state, id).ok_or_else(|| {
        AppError::NotFound(
            "There is no live session in this gallery now: start one from the gallery's page.".into(),
        )
    })?;
    let gallery = state.gallery(id).await?;
    let catalog = app::catalog::for_gallery(state, id).await?;
    let url = |h: &crate::domain::Hash| media_urls::url(state, media_urls::MediaKind::Rendition, h);
    let photos = state
        .photos(id)
        .await?
        .iter()
        .map(|p| LivePhoto {
            id: p.photo.id.to_string(),
            name: p.photo.filename.clone(),
            thumb: p.thumb.as_ref().map(|r| url(&r.blob)),
            preview: p.preview.as_ref().map(|r| url(&r.blob)),
            w: p.size.map_or(3, |s| s.0),
            h: p.size.map_or(2, |s| s.1),
        })
        .collect();
    Ok(live::page(&LivePage {
        studio: &state.config().studio_name,
        title: &gallery.title,
        side: Side::Photographer,
        csrf: &admin.csrf,
        code: &live.code,
        photos,
        sizes: live::sizes_of(app::live::print_sizes(&catalog)),
        packages: live::packages_of(&catalog),
        events_url: format!("/admin/galleries/{id}/live/events"),
        act_url: format!("/admin/galleries/{id}/live/act"),
        cart_url: format!("/admin/galleries/{id}/live/cart"),
        wall_url: format!("/admin/galleries/{id}/live/wall"),
        heart_url: None,
        back_href: format!("/admin/galleries/{id}"),
        end_action: Some(format!("/admin/galleries/{id}/live/end")),
        order_action: None,
    }))
}

#[handler]
pub async fn events(
    Data(state): Data<&App>,
    _admin: Admin,
    GalleryPath(id): GalleryPath,
) -> poem::Result<poem::web::sse::SSE> {
    Ok(live::events(app::live::watch_admin(state, id)?))
}

#[handler]
pub async fn act(
    Data(state): Data<&App>,
    _: AdminScript,
    GalleryPath(id): GalleryPath,
    Json(action): Json<Action>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async { Ok(serde_json::json!({ "seq": app::live::act_admin(state, id, action).await?.seq })) }.await,
    )
}

#[handler]
pub async fn cart(
    Data(state): Data<&App>,
    _: AdminScript,
    GalleryPath(id): GalleryPath,
    Json(op): Json<app::live::CartOp>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            app::live::cart_admin(state, id, op).await?;
            Ok(serde_json::json!({ "ok": true }))
        }
        .await,
    )
}

/// A photo of the client's wall (sent to the photographer, or taken in the studio).
#[handler]
pub async fn wall(
    Data(state): Data<&App>,
    _: AdminScript,
    GalleryPath(id): GalleryPath,
    WallPhoto(bytes): WallPhoto,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async { Ok(serde_json::json!({ "wall": app::live::add_wall(state, id, bytes).await? })) }.await,
    )
}

#[handler]
pub async fn end(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, _): AdminForm<super::login::Nothing>,
) -> poem::Result<Response> {
    app::live::end(state, id).await;
    Ok(see_other(&format!("/admin/galleries/{id}")))
}
