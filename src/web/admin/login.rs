//! Signing in and out, and the first-run setup link that chooses the password.

use maud::Markup;
use poem::{
    IntoResponse, Response, handler,
    http::StatusCode,
    web::{Data, Path, Query, cookie::CookieJar},
};
use serde::Deserialize;

use super::{see_other, views};
use crate::{
    app::{self, App, AppError},
    web::{
        client_ip::ClientIp,
        error,
        extract::{AdminForm, PreForm, pre_token},
        session::{self, DEVICE_COOKIE, SESSION_COOKIE},
    },
};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[handler]
pub async fn login_form(
    Data(state): Data<&App>,
    jar: &CookieJar,
    Query(q): Query<NextQuery>,
) -> poem::Result<Response> {
    let next = session::safe_next(q.next.as_deref());
    if let Some(c) = jar.get(SESSION_COOKIE) {
        if app::auth::session_valid(state, c.value_str()).await? {
            return Ok(see_other(&next));
        }
    }
    let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
    Ok(views::login(&state.config().studio_name, &csrf, &next, None).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    password: String,
    next: Option<String>,
}

#[handler]
pub async fn login_submit(
    Data(state): Data<&App>,
    jar: &CookieJar,
    ClientIp(ip): ClientIp,
    PreForm(f): PreForm<LoginForm>,
) -> poem::Result<Response> {
    let next = session::safe_next(f.next.as_deref());
    let device = jar.get(DEVICE_COOKIE).map(|c| c.value_str().to_string());
    let known = app::auth::known_device(state, device.as_deref());
    match app::auth::login(state, ip, known, &f.password).await {
        Ok(token) => {
            session::signed_in(state, jar, &token, known);
            Ok(see_other(&next))
        }
        Err(e @ (AppError::Unauthorized(_) | AppError::RateLimited(_))) => {
            let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
            let page = views::login(&state.config().studio_name, &csrf, &next, Some(&e.to_string()));
            Ok(page.with_status(error::status_of(&e)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[handler]
pub async fn setup_form(
    Data(state): Data<&App>,
    jar: &CookieJar,
    Path(token): Path<String>,
) -> poem::Result<Markup> {
    if !app::auth::setup_token_valid(state, &token).await? {
        return Err(AppError::Forbidden("This setup link was already used. Sign in with your password, or run `proofroom admin set-password` on the server.".into()).into());
    }
    let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
    Ok(views::setup(&state.config().studio_name, &csrf, &token, None))
}

#[derive(Deserialize)]
pub struct SetupForm {
    password: String,
}

#[handler]
pub async fn setup_submit(
    Data(state): Data<&App>,
    jar: &CookieJar,
    Path(token): Path<String>,
    PreForm(f): PreForm<SetupForm>,
) -> poem::Result<Response> {
    match app::auth::complete_setup(state, &token, &f.password).await {
        Ok(session_token) => {
            session::signed_in(state, jar, &session_token, true);
            Ok(see_other("/admin"))
        }
        Err(e @ AppError::Invalid(_)) => {
            let csrf = app::auth::csrf_token(state, &pre_token(state, jar));
            let page = views::setup(&state.config().studio_name, &csrf, &token, Some(&e.to_string()));
            Ok(page.with_status(StatusCode::BAD_REQUEST).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct Nothing {}

#[handler]
pub async fn logout(
    Data(state): Data<&App>,
    jar: &CookieJar,
    AdminForm(admin, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    app::auth::logout(state, &admin.token).await?;
    jar.add(session::cookie(state, SESSION_COOKIE, "", Some(0)));
    Ok(see_other("/admin/login"))
}
