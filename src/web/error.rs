//! The one place where `AppError` becomes HTTP: a status per error, a readable page for
//! browsers, a JSON body for scripts. Internal errors are logged with their detail and
//! shown only as a generic message.

use poem::{Endpoint, IntoResponse, Request, Response, http::StatusCode, web::Json};

use super::views;
use crate::app::{self, App, AppError, media_urls::MediaKind};

pub fn status_of(e: &AppError) -> StatusCode {
    match e {
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Invalid(_) => StatusCode::BAD_REQUEST,
        AppError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        AppError::Gone(_) => StatusCode::GONE,
        AppError::DiskFull(_) => StatusCode::INSUFFICIENT_STORAGE,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What a user may read about the error.
pub fn public_message(e: &AppError) -> String {
    match e {
        AppError::Internal(detail) => {
            tracing::error!("internal error: {detail}");
            "Something went wrong on the server. It has been logged; please try again.".into()
        }
        other => other.to_string(),
    }
}

/// The error as a JSON response: `{"error": "..."}`.
pub fn json(e: AppError) -> poem::Error {
    let status = status_of(&e);
    let body = serde_json::json!({ "error": public_message(&e) });
    poem::Error::from_response(Json(body).with_status(status).into_response())
}

/// Errors from pages keep their `AppError`, so `branded` can draw the studio's page.
impl From<AppError> for poem::Error {
    fn from(e: AppError) -> Self {
        let status = status_of(&e);
        poem::Error::new(e, status)
    }
}

/// Draws page errors (an `AppError`, or a route that does not exist) as the studio's
/// page: its name and logo, what happened, what to do (ask for a new link, request a
/// reopening), and a way back. JSON errors pass as they are.
pub async fn branded<E: Endpoint>(next: E, req: Request) -> poem::Result<Response> {
    let path = req.uri().path();
    // Media and assets are fetched by pages, not read: their errors stay plain.
    if path.starts_with("/media/") || path.starts_with("/assets/") {
        return next.call(req).await.map(IntoResponse::into_response);
    }
    let path = path.to_string();
    let app = req.data::<App>().cloned();
    let err = match next.call(req).await {
        Ok(r) => return Ok(r.into_response()),
        Err(err) => err,
    };
    let (status, message) = match err.downcast_ref::<AppError>() {
        Some(e) => (status_of(e), public_message(e)),
        None if err.is::<poem::error::NotFoundError>() => (
            StatusCode::NOT_FOUND,
            "There is no page at this address. Check that the link was copied whole.".into(),
        ),
        None => return Err(err),
    };
    let Some(app) = app else { return Err(err) };
    Ok(page(&app, &path, status, &message).await)
}

/// The studio's logo for pages outside a gallery (errors, notices), if it has one.
pub async fn logo_url(app: &App) -> Option<String> {
    app::studio::logo(app).await.map(|h| app::media_urls::url(app, MediaKind::Original, &h))
}

async fn page(app: &App, path: &str, status: StatusCode, message: &str) -> Response {
    let gallery = path.strip_prefix("/g/").and_then(|rest| rest.split('/').next()).filter(|k| !k.is_empty());
    let back = match gallery {
        // A dead link has no gallery to go back to.
        Some(_)
            if matches!(status, StatusCode::GONE | StatusCode::NOT_FOUND)
                && path.matches('/').count() == 2 =>
        {
            None
        }
        Some(key) => Some((format!("/g/{key}/photos"), "Back to the photos")),
        None if path.starts_with("/admin") => Some(("/admin".to_string(), "Back to your galleries")),
        None => None,
    };
    let link_ended = gallery.is_some() && matches!(status, StatusCode::GONE | StatusCode::NOT_FOUND);
    // A link that expired or was turned off can ask the photographer to open it again.
    let reopen = gallery.filter(|_| status == StatusCode::GONE).map(|key| format!("/g/{key}/reopen"));
    let logo = logo_url(app).await;
    let m = views::ErrorPage {
        studio: &app.config().studio_name,
        logo_url: logo,
        status,
        message,
        back,
        contact: app::studio::contact(app),
        link_ended,
        reopen,
    };
    views::error_page(&m).with_status(status).into_response()
}

/// Turns any error poem itself raises under `/api` (bad JSON, missing auth, unknown route)
/// into the same JSON shape the API's own errors use.
pub async fn api_catch_all(err: poem::Error) -> Response {
    let resp = err.into_response();
    let is_json = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return resp;
    }
    let status = resp.status();
    let text = resp.into_body().into_string().await.unwrap_or_default();
    let message =
        if text.is_empty() { status.canonical_reason().unwrap_or("error").to_string() } else { text };
    Json(serde_json::json!({ "error": message })).with_status(status).into_response()
}
