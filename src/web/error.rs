//! The one place where `AppError` becomes HTTP: a status per error, a readable page for
//! browsers, a JSON body for scripts. Internal errors are logged with their detail and
//! shown only as a generic message.

use poem::{IntoResponse, Response, http::StatusCode, web::Json};

use super::views;
use crate::app::AppError;

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

/// Errors from pages become a styled page with the status and what to do.
impl From<AppError> for poem::Error {
    fn from(e: AppError) -> Self {
        let status = status_of(&e);
        let page = views::error_page(status, &public_message(&e));
        poem::Error::from_response(page.with_status(status).into_response())
    }
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

/// A response for a route the router does not know, for browsers.
pub fn not_found_page() -> Response {
    views::error_page(StatusCode::NOT_FOUND, "There is no page at this address.")
        .with_status(StatusCode::NOT_FOUND)
        .into_response()
}
