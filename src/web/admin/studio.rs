//! The photographer's studio page: logo and watermark (multipart forms, small files read
//! with a size limit), and a sample of the watermark.

use maud::Markup;
use poem::{
    FromRequest, IntoResponse, Request, RequestBody, Response, handler,
    web::{Data, Multipart, Redirect},
};

use super::views::studio as views;
use crate::{
    app::{self, App, AppError, studio::WatermarkForm},
    web::{extract::admin_csrf, session::Admin},
};

/// A logo or watermark image is small; anything bigger is a mistake.
const IMAGE_MAX: u64 = 20 << 20;

/// The fields of a small multipart form: text fields, and at most one file's bytes.
#[derive(Default)]
pub(super) struct SmallForm {
    fields: std::collections::HashMap<String, String>,
    pub(super) file: Option<Vec<u8>>,
}

/// A signed-in photographer's small multipart form, read whole and CSRF-checked (its token
/// is a field of the form, so it can only be checked once the form is read).
pub(super) struct StudioForm(pub(super) SmallForm);

impl<'a> FromRequest<'a> for StudioForm {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let admin = Admin::from_request(req, body).await?;
        let f = SmallForm::read(Multipart::from_request(req, body).await?).await?;
        admin_csrf(req, &admin, f.get("csrf"))?;
        Ok(StudioForm(f))
    }
}

impl SmallForm {
    async fn read(mut mp: Multipart) -> Result<SmallForm, AppError> {
        use tokio::io::AsyncReadExt;
        let bad = |e: poem::error::ParseMultipartError| {
            AppError::Invalid(format!("the form could not be read ({e})"))
        };
        let mut out = SmallForm::default();
        while let Some(field) = mp.next_field().await.map_err(bad)? {
            let name = field.name().unwrap_or_default().to_string();
            if field.file_name().is_some_and(|f| !f.is_empty()) {
                let mut bytes = Vec::new();
                field
                    .into_async_read()
                    .take(IMAGE_MAX + 1)
                    .read_to_end(&mut bytes)
                    .await
                    .map_err(|e| AppError::Invalid(format!("the file could not be read ({e})")))?;
                if bytes.len() as u64 > IMAGE_MAX {
                    return Err(AppError::TooLarge("an image for the studio can be at most 20 MB".into()));
                }
                out.file = Some(bytes);
            } else if field.file_name().is_none() {
                let v = field
                    .text()
                    .await
                    .map_err(|e| AppError::Invalid(format!("the form could not be read ({e})")))?;
                out.fields.insert(name, v);
            }
        }
        Ok(out)
    }

    pub(super) fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

#[handler]
pub async fn page(Data(state): Data<&App>, admin: Admin) -> poem::Result<Markup> {
    let studio = app::studio::get(state).await?;
    Ok(views::page(&state.config().studio_name, &admin.csrf, &studio))
}

#[handler]
pub async fn set_logo(Data(state): Data<&App>, StudioForm(f): StudioForm) -> poem::Result<Response> {
    let image = match (f.get("remove") == "on", f.file) {
        (true, _) => None,
        (false, Some(bytes)) => Some(bytes),
        (false, None) => return Err(AppError::Invalid("choose an image file for the logo".into()).into()),
    };
    app::studio::set_logo(state, image).await?;
    Ok(Redirect::see_other("/admin/studio").into_response())
}

#[handler]
pub async fn set_watermark(Data(state): Data<&App>, StudioForm(f): StudioForm) -> poem::Result<Response> {
    let percent = |name: &str| {
        f.get(name)
            .trim()
            .parse::<u8>()
            .map_err(|_| AppError::Invalid(format!("{name} must be a whole number")))
    };
    let form = WatermarkForm {
        text: f.get("text").to_string(),
        position: f.get("position").to_string(),
        opacity: percent("opacity")?,
        scale: percent("scale")?,
        remove_image: f.get("remove_image") == "on",
        image: f.file,
    };
    app::studio::set_watermark(state, form).await?;
    Ok(Redirect::see_other("/admin/studio#watermark").into_response())
}

/// The current watermark on a sample photo, so the photographer sees it before clients do.
#[handler]
pub async fn sample(Data(state): Data<&App>, _admin: Admin) -> poem::Result<Response> {
    let jpeg = app::studio::sample(state).await?;
    Ok(Response::builder().content_type("image/jpeg").header("cache-control", "no-store").body(jpeg))
}

/// The logo for the studio page (clients get it through a signed media URL).
#[handler]
pub async fn logo(Data(state): Data<&App>, _admin: Admin) -> poem::Result<Response> {
    let studio = app::studio::get(state).await?;
    let hash = studio.logo.ok_or_else(|| AppError::NotFound("no logo yet".into()))?;
    Ok(Redirect::see_other(app::media_urls::url(state, app::media_urls::MediaKind::Original, &hash))
        .into_response())
}

#[derive(serde::Deserialize)]
pub struct BrandFields {
    #[serde(default)]
    accent: String,
    #[serde(default)]
    pairing: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    website: String,
}

#[handler]
pub async fn set_brand(
    Data(state): Data<&App>,
    crate::web::extract::AdminForm(_, f): crate::web::extract::AdminForm<BrandFields>,
) -> poem::Result<Response> {
    let form = app::studio::BrandForm {
        accent: f.accent,
        pairing: f.pairing,
        email: f.email,
        phone: f.phone,
        website: f.website,
    };
    app::studio::set_brand(state, form).await?;
    Ok(Redirect::see_other("/admin/studio#brand").into_response())
}
