//! Getting into a gallery: a link's password, an e-mail grant's sign-in form and its
//! one-time links, and the studio-wide `/access` page for clients coming back years later.

use maud::Markup;
use poem::{
    IntoResponse, Response, handler,
    web::{Data, Form, Path, Redirect, cookie::CookieJar},
};
use serde::Deserialize;

use super::views;
use crate::{
    app::{self, App, AppError},
    web::{client_ip::ClientIp, error, extract::give_session},
};

fn base(token: &str) -> String {
    format!("/g/{token}")
}

/// A password page, or an e-mail grant's sign-in form, answering with `e`'s status.
fn refused(page: Markup, e: &AppError) -> Response {
    page.with_status(error::status_of(e)).into_response()
}

#[derive(Deserialize)]
pub struct UnlockForm {
    password: String,
}

#[handler]
pub async fn unlock(
    Data(state): Data<&App>,
    jar: &CookieJar,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(f): Form<UnlockForm>,
) -> poem::Result<Response> {
    let (share, gallery) = app::sharing::resolve(state, &token).await?;
    match app::sharing::unlock(state, ip, &share, &f.password).await {
        Ok((_, session)) => {
            give_session(state, jar, &token, &session);
            Ok(Redirect::see_other(base(&token)).into_response())
        }
        Err(e @ (AppError::Unauthorized(_) | AppError::RateLimited(_))) => {
            let action = format!("{}/unlock", base(&token));
            let studio = &state.config().studio_name;
            Ok(refused(views::password(studio, &gallery.title, &action, Some(&e.to_string())), &e))
        }
        Err(e) => Err(e.into()),
    }
}

/// An e-mail grant's door: the sign-in form.
pub(super) fn door(
    state: &App,
    title: &str,
    token: &str,
    sent_to: Option<&str>,
    error: Option<&str>,
) -> Markup {
    views::sign_in(&views::SignIn {
        studio: &state.config().studio_name,
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
    Data(state): Data<&App>,
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
            refused(door(state, &gallery.title, &token, None, Some(&e.to_string())), &e)
        }
        Err(e) => return Err(e.into()),
    })
}

/// A sign-in link from the mail: a page with one button (see `views::enter`), so mail
/// scanners that fetch links do not use it up.
#[handler]
pub async fn enter_page(
    Data(state): Data<&App>,
    Path((token, code)): Path<(String, String)>,
) -> poem::Result<Response> {
    let (share, gallery) = app::sharing::resolve(state, &token).await?;
    if !app::sharing::magic_link_usable(state, &share, &code).await? {
        return Ok(used_link(state, &gallery.title, &token));
    }
    let action = format!("{}/enter/{code}", base(&token));
    Ok(views::enter(&state.config().studio_name, &gallery.title, &action).into_response())
}

fn used_link(state: &App, title: &str, token: &str) -> Response {
    let e = app::sharing::used_link();
    refused(door(state, title, token, None, Some(&e.to_string())), &e)
}

/// Uses the sign-in link (once) and opens the gallery in this browser.
#[handler]
pub async fn enter(
    Data(state): Data<&App>,
    jar: &CookieJar,
    Path((token, code)): Path<(String, String)>,
) -> poem::Result<Response> {
    let (share, gallery) = app::sharing::resolve(state, &token).await?;
    match app::sharing::enter(state, &share, &code).await {
        Ok((_, session)) => {
            give_session(state, jar, &token, &session);
            Ok(Redirect::see_other(base(&token)).into_response())
        }
        Err(AppError::Gone(_)) => Ok(used_link(state, &gallery.title, &token)),
        Err(e) => Err(e.into()),
    }
}

fn access(state: &App, sent_to: Option<&str>, error: Option<&str>) -> Markup {
    views::sign_in(&views::SignIn {
        studio: &state.config().studio_name,
        gallery: None,
        action: "/access".into(),
        sent_to,
        error,
    })
}

/// The studio-wide sign-in page: every gallery granted to an address, by one e-mail.
#[handler]
pub async fn access_page(Data(state): Data<&App>) -> Markup {
    access(state, None, None)
}

#[handler]
pub async fn access_request(
    Data(state): Data<&App>,
    ClientIp(ip): ClientIp,
    Form(f): Form<EmailForm>,
) -> poem::Result<Response> {
    let email = f.email.trim();
    match app::sharing::request_sign_in(state, ip, email, None).await {
        Ok(()) => Ok(access(state, Some(email), None).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::RateLimited(_))) => {
            Ok(refused(access(state, None, Some(&e.to_string())), &e))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    note: String,
}

/// An ended link's client asks the photographer to reopen it (the form is on the link's
/// "this link has ended" page).
#[handler]
pub async fn ask_to_reopen(
    Data(state): Data<&App>,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    Form(f): Form<ReopenForm>,
) -> poem::Result<Markup> {
    app::sharing::ask_to_reopen(state, ip, &token, &f.email, &f.note).await?;
    let logo = error::logo_url(state).await;
    Ok(crate::web::views::reopen_asked(&state.config().studio_name, logo.as_deref(), f.email.trim()))
}
