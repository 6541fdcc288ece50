//! The photographer's sharing and proofing handlers: links, rules, selections, exports.

use maud::Markup;
use poem::{
    IntoResponse, Response, handler,
    web::{Data, Path, Redirect},
};
use serde::Deserialize;

use super::{login::Nothing, views::proofing as views};
use crate::{
    app::{self, App, AppError, downloads::Size, sharing::NewShare},
    domain::{Permissions, Proofing, ShareId, VisitorId},
    web::{
        extract::{AdminForm, GalleryPath, photo_id},
        models::GalleryOut,
        session::Admin,
    },
};

/// An empty number field means "no value".
fn opt_number<T: std::str::FromStr>(field: &str, v: &str) -> Result<Option<T>, AppError> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| AppError::Invalid(format!("{field} must be a whole number")))
}

#[derive(Deserialize)]
pub struct ShareForm {
    #[serde(default)]
    label: String,
    favourite: Option<String>,
    comment: Option<String>,
    download_proofs: Option<String>,
    download_finals: Option<String>,
    #[serde(default)]
    password: String,
    #[serde(default)]
    expires_days: String,
    #[serde(default)]
    email: String,
    ask_identity: Option<String>,
    email_only: Option<String>,
}

#[handler]
pub async fn create_share(
    Data(state): Data<&App>,
    GalleryPath(gid): GalleryPath,
    AdminForm(admin, f): AdminForm<ShareForm>,
) -> poem::Result<Markup> {
    let new = NewShare {
        label: f.label.clone(),
        permissions: Permissions {
            favourite: f.favourite.is_some(),
            comment: f.comment.is_some(),
            download_proofs: f.download_proofs.is_some(),
            download_finals: f.download_finals.is_some(),
        },
        password: Some(f.password.clone()),
        expires_in_s: opt_number::<u64>("expiry", &f.expires_days)?.map(|d| d.saturating_mul(86_400)),
        ask_identity: f.ask_identity.is_some(),
        invite: Some(f.email),
        email_only: f.email_only.is_some(),
    };
    let c = app::sharing::create(state, gid, new).await?;
    Ok(views::link_created(&state.config().studio_name, &admin.csrf, &c))
}

#[handler]
pub async fn revoke_share(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    let id: ShareId = id.parse().map_err(|_| AppError::NotFound("no such link".into()))?;
    let s = app::sharing::revoke(state, id).await?;
    Ok(Redirect::see_other(format!("/admin/galleries/{}#sharing", s.gallery)).into_response())
}

#[derive(Deserialize)]
pub struct RulesForm {
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    guide: String,
    /// Extra lists, comma-separated ("Album, Prints").
    #[serde(default)]
    lists: String,
}

#[handler]
pub async fn set_rules(
    Data(state): Data<&App>,
    GalleryPath(gid): GalleryPath,
    AdminForm(_, f): AdminForm<RulesForm>,
) -> poem::Result<Response> {
    let rules = Proofing {
        min: opt_number("“at least”", &f.min)?,
        max: opt_number("“at most”", &f.max)?,
        guide: Some(f.guide),
        lists: f.lists.split(',').map(str::to_string).collect(),
    };
    app::galleries::set_proofing(state, gid, rules).await?;
    Ok(Redirect::see_other(format!("/admin/galleries/{gid}#sharing")).into_response())
}

#[handler]
pub async fn outbox(Data(state): Data<&App>, admin: Admin) -> poem::Result<Markup> {
    let mails = app::notify::outbox(state).await?;
    Ok(views::outbox(&state.config().studio_name, &admin.csrf, &mails, state.config().mail.smtp.is_some()))
}

#[handler]
pub async fn selections(
    Data(state): Data<&App>,
    admin: Admin,
    GalleryPath(gid): GalleryPath,
) -> poem::Result<Markup> {
    let s = app::proofing::selections(state, gid).await?;
    Ok(views::selections(&views::SelectionsPage {
        studio: &state.config().studio_name,
        csrf: &admin.csrf,
        gallery: GalleryOut::from(&s.gallery),
        visitors: s.visitors,
        comments: s.comments,
        thumbs: s
            .thumbs
            .iter()
            .map(|(f, h)| (f.clone(), app::media_urls::url(state, app::media_urls::MediaKind::Rendition, h)))
            .collect(),
    }))
}

#[handler]
pub async fn selections_csv(
    Data(state): Data<&App>,
    _admin: Admin,
    GalleryPath(gid): GalleryPath,
) -> poem::Result<Response> {
    let body = app::proofing::selections_csv(state, gid).await?;
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header("content-disposition", "attachment; filename=\"selections.csv\"")
        .body(body))
}

#[handler]
pub async fn reopen(
    Data(state): Data<&App>,
    GalleryPath(gid): GalleryPath,
    Path((_, visitor)): Path<(String, String)>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    let vid: VisitorId = visitor.parse().map_err(|_| AppError::NotFound("no such visitor".into()))?;
    app::proofing::reopen(state, vid, gid).await?;
    Ok(Redirect::see_other(format!("/admin/galleries/{gid}/selections")).into_response())
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    photo: String,
    #[serde(default)]
    text: String,
}

#[handler]
pub async fn reply(
    Data(state): Data<&App>,
    GalleryPath(gid): GalleryPath,
    AdminForm(_, f): AdminForm<ReplyForm>,
) -> poem::Result<Response> {
    let photo = photo_id(&f.photo)?;
    app::proofing::comment(state, None, gid, photo, &f.text, false).await?;
    Ok(Redirect::see_other(format!("/admin/galleries/{gid}/selections")).into_response())
}

#[derive(Deserialize)]
pub struct ZipQuery {
    size: Option<String>,
}

/// Every photo of a gallery as one zip, for the photographer.
#[handler]
pub async fn zip(
    Data(state): Data<&App>,
    _admin: Admin,
    GalleryPath(gid): GalleryPath,
    poem::web::Query(q): poem::web::Query<ZipQuery>,
) -> poem::Result<Response> {
    let zip = app::downloads::everything(state, gid, Size::parse(q.size.as_deref())).await?;
    crate::web::zip::response(zip).await
}

#[handler]
pub async fn activity(
    Data(state): Data<&App>,
    admin: Admin,
    GalleryPath(gid): GalleryPath,
) -> poem::Result<Markup> {
    let (g, lines) = app::activity::of_gallery(state, gid).await?;
    let stats = app::activity::stats(state, gid).await?;
    Ok(views::activity(&state.config().studio_name, &admin.csrf, &GalleryOut::from(&g), &stats, &lines))
}
