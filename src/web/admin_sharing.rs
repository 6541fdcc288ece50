//! The photographer's sharing and proofing handlers: links, rules, selections, exports.

use maud::Markup;
use poem::{
    IntoResponse, Request, Response, handler,
    web::{Data, Form, Path, Redirect},
};
use serde::Deserialize;

use super::{
    models::GalleryOut,
    params::{CsrfForm, gallery_id, photo_id},
    session::Admin,
    views::proofing as views,
};
use crate::{
    app::{self, AppError, sharing::NewShare},
    domain::{Permissions, PhotoId, Proofing, ShareId, VisitorId},
    state::AppState,
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
    csrf: String,
    // Defaults let the CSRF check run before field checks, so a forged post learns nothing.
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
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<ShareForm>,
) -> poem::Result<Markup> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let gid = gallery_id(&id)?;
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
    let created = app::sharing::create(state, gid, new).await?;
    let g = app::galleries::get(state, gid).await?;
    let invited = created.invited.clone();
    let (label, url) = (&created.share.label, &created.url);
    Ok(views::link_created(
        &state.config.studio_name,
        &admin.csrf,
        &GalleryOut::from(&g),
        label,
        url,
        invited.as_deref(),
        created.share.email.is_some(),
    ))
}

#[handler]
pub async fn revoke_share(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let id: ShareId = id.parse().map_err(|_| AppError::NotFound("no such link".into()))?;
    let s = app::sharing::revoke(state, id).await?;
    Ok(Redirect::see_other(format!("/admin/galleries/{}#sharing", s.gallery)).into_response())
}

#[derive(Deserialize)]
pub struct RulesForm {
    csrf: String,
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
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<RulesForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let gid = gallery_id(&id)?;
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
pub async fn outbox(Data(state): Data<&AppState>, admin: Admin) -> poem::Result<Markup> {
    let mails = app::notify::outbox(state).await?;
    Ok(views::outbox(&state.config.studio_name, &admin.csrf, &mails, state.config.mail.smtp.is_some()))
}

#[handler]
pub async fn selections(
    Data(state): Data<&AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Markup> {
    let gid = gallery_id(&id)?;
    let g = app::galleries::get(state, gid).await?;
    let visitors = app::proofing::overview(state, gid).await?;
    let photos = app::photos::list(state, gid).await?;
    let name_of = |p: PhotoId| {
        photos.iter().find(|v| v.photo.id == p).map(|v| v.photo.filename.clone()).unwrap_or_default()
    };
    let who = |c: &crate::domain::Comment| match c.visitor {
        None => "you".to_string(),
        Some(vid) => visitors.iter().find(|v| v.visitor.id == vid).map_or("a visitor".into(), |v| {
            format!("{} ({})", v.visitor.name.as_deref().unwrap_or("visitor"), v.link)
        }),
    };
    let comments = app::proofing::comments(state, gid)
        .await?
        .into_iter()
        .map(|c| (name_of(c.photo), who(&c), c))
        .map(|(f, w, c)| (f, c, w))
        .collect();
    let page = views::SelectionsPage {
        studio: &state.config.studio_name,
        csrf: &admin.csrf,
        gallery: GalleryOut::from(&g),
        visitors: visitors
            .into_iter()
            .map(|v| {
                let lists = std::iter::once(("Favourites".to_string(), v.filenames.clone()))
                    .chain(v.lists.iter().cloned())
                    .map(|(name, files)| {
                        let lr = crate::domain::lightroom_filter(&files);
                        (name, files, lr)
                    })
                    .collect();
                (v, lists)
            })
            .collect(),
        comments,
    };
    Ok(views::selections(&page))
}

#[handler]
pub async fn selections_csv(
    Data(state): Data<&AppState>,
    _admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    let gid = gallery_id(&id)?;
    let mut rows: Vec<[String; 4]> = Vec::new();
    for v in app::proofing::overview(state, gid).await? {
        let who = format!("{} {}", v.visitor.name.as_deref().unwrap_or("visitor"), v.visitor.id);
        let lists = std::iter::once(("Favourites".to_string(), v.filenames)).chain(v.lists);
        for (list, files) in lists {
            rows.extend(files.into_iter().map(|f| [who.clone(), v.link.clone(), list.clone(), f]));
        }
    }
    let body = app::proofing::csv(&rows)?;
    Ok(Response::builder()
        .content_type("text/csv; charset=utf-8")
        .header("content-disposition", "attachment; filename=\"selections.csv\"")
        .body(body))
}

#[handler]
pub async fn reopen(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path((id, visitor)): Path<(String, String)>,
    Form(f): Form<CsrfForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let gid = gallery_id(&id)?;
    let vid: VisitorId = visitor.parse().map_err(|_| AppError::NotFound("no such visitor".into()))?;
    app::proofing::reopen(state, vid, gid).await?;
    Ok(Redirect::see_other(format!("/admin/galleries/{gid}/selections")).into_response())
}

#[derive(Deserialize)]
pub struct ReplyForm {
    csrf: String,
    #[serde(default)]
    photo: String,
    #[serde(default)]
    text: String,
}

#[handler]
pub async fn reply(
    Data(state): Data<&AppState>,
    admin: Admin,
    req: &Request,
    Path(id): Path<String>,
    Form(f): Form<ReplyForm>,
) -> poem::Result<Response> {
    admin.check_csrf(state, req, Some(&f.csrf))?;
    let gid = gallery_id(&id)?;
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
    Data(state): Data<&AppState>,
    _admin: Admin,
    Path(id): Path<String>,
    poem::web::Query(q): poem::web::Query<ZipQuery>,
) -> poem::Result<Response> {
    let gid = gallery_id(&id)?;
    let g = app::galleries::get(state, gid).await?;
    let photos = app::photos::list(state, gid).await?;
    let items =
        app::downloads::plan(state, &photos, None, None, app::downloads::Size::parse(q.size.as_deref()))?;
    Ok(super::zip::response(items, &g.title))
}

#[handler]
pub async fn activity(
    Data(state): Data<&AppState>,
    admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Markup> {
    let gid = gallery_id(&id)?;
    let g = app::galleries::get(state, gid).await?;
    let events = app::activity::recent(state, Some(gid), 500).await?;
    let lines = app::activity::describe(state, events).await?;
    Ok(views::activity(&state.config.studio_name, &admin.csrf, &GalleryOut::from(&g), &lines))
}
