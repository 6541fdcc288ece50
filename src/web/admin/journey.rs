//! The client journey's pages: a gallery's dates and messages (who got what, what comes
//! next), and the studio's messages (default timings, the words of each, a live preview).

use std::collections::HashMap;

use maud::Markup;
use poem::{
    Request, Response, handler,
    web::{Data, Query},
};
use serde::Deserialize;

use super::{see_other, views::journey as views};
use crate::{
    app::{
        self, App, AppError,
        journey::{JourneyForm, LifecycleForm},
    },
    domain::{
        GalleryId,
        journey::{Automation, Stage, Template, Timing, Timings},
    },
    web::{
        extract::{AdminForm, GalleryPath, gallery_id},
        session::Admin,
    },
};

/// The timings in a form: `on-<name>` (a checkbox) and `days-<name>` per message.
fn timings_from(f: &HashMap<String, String>) -> Result<Timings, AppError> {
    let mut t = Timings::default();
    for a in Automation::ALL {
        let days = match f.get(&format!("days-{}", a.as_str())).map(|s| s.trim()) {
            None | Some("") => a.default_timing().days,
            Some(d) => d.parse().map_err(|_| {
                AppError::Invalid(format!("the days of “{}” must be a whole number, not “{d}”", a.label()))
            })?,
        };
        t.0.insert(a, Timing { on: f.contains_key(&format!("on-{}", a.as_str())), days });
    }
    Ok(t)
}

fn automation(name: &str) -> Result<Automation, AppError> {
    Automation::parse(name).ok_or_else(|| AppError::NotFound("there is no such message".into()))
}

#[handler]
pub async fn gallery_page(
    Data(state): Data<&App>,
    admin: Admin,
    GalleryPath(id): GalleryPath,
) -> poem::Result<Markup> {
    let o = app::journey::overview(state, id).await?;
    Ok(views::gallery(&state.config().studio_name, &admin.csrf, &o))
}

#[handler]
pub async fn set_gallery(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, f): AdminForm<HashMap<String, String>>,
) -> poem::Result<Response> {
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    let timings = match get("follow").as_str() {
        "studio" => None,
        _ => Some(timings_from(&f)?),
    };
    let form = JourneyForm { go_live: get("go_live"), deadline: get("deadline"), timings };
    app::journey::set_gallery(state, id, form).await?;
    // Whatever is due under the new dates goes now, not in a minute.
    app::journey::sweep(state).await?;
    Ok(see_other(&format!("/admin/galleries/{id}/journey")))
}

#[derive(Deserialize)]
pub struct LifecycleFields {
    stage: String,
    #[serde(default)]
    expires: String,
    #[serde(default)]
    archive_finals: Option<String>,
}

#[handler]
pub async fn set_lifecycle(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, f): AdminForm<LifecycleFields>,
) -> poem::Result<Response> {
    let stage =
        Stage::parse(&f.stage).ok_or_else(|| AppError::Invalid("choose draft, live or archived".into()))?;
    let form = LifecycleForm { stage, expires: f.expires, archive_finals: f.archive_finals.is_some() };
    app::journey::set_lifecycle(state, id, form).await?;
    Ok(see_other(&format!("/admin/galleries/{id}/journey")))
}

/// One click: the gallery (and its clients' ended links) open again.
#[handler]
pub async fn reopen(
    Data(state): Data<&App>,
    GalleryPath(id): GalleryPath,
    AdminForm(_, _): AdminForm<HashMap<String, String>>,
) -> poem::Result<Response> {
    app::journey::reopen(state, id).await?;
    Ok(see_other(&format!("/admin/galleries/{id}/journey")))
}

#[handler]
pub async fn messages_page(Data(state): Data<&App>, admin: Admin) -> poem::Result<Markup> {
    let studio = app::studio::get(state).await?;
    Ok(views::messages(&state.config().studio_name, &admin.csrf, &studio.journey))
}

#[handler]
pub async fn set_defaults(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<HashMap<String, String>>,
) -> poem::Result<Response> {
    let timings = timings_from(&f)?;
    app::journey::set_defaults(state, timings, f.get("review_url").cloned()).await?;
    Ok(see_other("/admin/messages"))
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    gallery: Option<String>,
}

#[handler]
pub async fn message_page(
    Data(state): Data<&App>,
    admin: Admin,
    req: &Request,
    Query(q): Query<PreviewQuery>,
) -> poem::Result<Markup> {
    let a = automation(req.raw_path_param("name").unwrap_or_default())?;
    let studio = app::studio::get(state).await?;
    let chosen = match q.gallery.as_deref().filter(|g| !g.is_empty()) {
        Some(g) => Some(gallery_id(g)?),
        None => None,
    };
    let own = studio.journey.templates.contains_key(&a);
    message_view(state, &admin, a, studio.journey.template(a), own, Preview::Of(chosen), None).await
}

/// Which preview the message page shows.
enum Preview {
    /// As sent for this gallery (the first one when `None`).
    Of(Option<GalleryId>),
    /// None: the words shown were refused.
    Nothing,
}

/// The message page: its words (as saved, or as typed and refused) and its preview.
async fn message_view(
    state: &App,
    admin: &Admin,
    a: Automation,
    template: Template,
    own: bool,
    preview: Preview,
    error: Option<&str>,
) -> poem::Result<Markup> {
    let newest = app::galleries::list(state, Default::default(), 1).await?.rows;
    let preview = match preview {
        Preview::Of(g) => match g.or_else(|| newest.first().map(|g| g.gallery.id)) {
            Some(g) => Some(app::journey::preview(state, a, g).await?),
            None => None,
        },
        Preview::Nothing => None,
    };
    Ok(views::message(&views::Message {
        studio: &state.config().studio_name,
        csrf: &admin.csrf,
        automation: a,
        template,
        own,
        has_galleries: !newest.is_empty(),
        preview: preview.as_ref(),
        error,
    }))
}

#[derive(Deserialize)]
pub struct TemplateForm {
    subject: String,
    body: String,
    #[serde(default)]
    reset: Option<String>,
}

#[handler]
pub async fn set_message(
    Data(state): Data<&App>,
    req: &Request,
    AdminForm(admin, f): AdminForm<TemplateForm>,
) -> poem::Result<Response> {
    use poem::IntoResponse;
    let a = automation(req.raw_path_param("name").unwrap_or_default())?;
    let t = match f.reset {
        Some(_) => None,
        None => {
            Some(Template { subject: f.subject.replace("\r\n", "\n"), body: f.body.replace("\r\n", "\n") })
        }
    };
    match app::journey::set_template(state, a, t.clone()).await {
        Ok(_) => Ok(see_other(&format!("/admin/messages/{}", a.as_str()))),
        // The refusal is shown with the words as typed, so nothing is lost.
        Err(AppError::Invalid(why)) => {
            let typed = t.unwrap_or_else(|| crate::domain::journey::default_template(a));
            let page = message_view(state, &admin, a, typed, true, Preview::Nothing, Some(&why)).await?;
            Ok(page.with_status(poem::http::StatusCode::BAD_REQUEST).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
