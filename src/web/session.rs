//! The photographer's session cookie and CSRF checks, as poem extractors.

use poem::{
    FromRequest, Request, RequestBody, Response,
    http::StatusCode,
    web::cookie::{Cookie, SameSite},
};

use super::error;
use crate::{
    app::{self, AppError},
    state::AppState,
};

pub const SESSION_COOKIE: &str = "pr_session";
/// A random value set before login, so the login form has a CSRF token to bind to.
pub const PRE_COOKIE: &str = "pr_pre";
/// Marks a browser that has signed in before (`app::auth::device_token`).
pub const DEVICE_COOKIE: &str = "pr_dev";

/// A signed-in photographer. Extracting it from a request without a valid session sends a
/// browser to the login page and answers a script with 401.
pub struct Admin {
    pub token: String,
    pub csrf: String,
}

pub fn state(req: &Request) -> poem::Result<&AppState> {
    req.data::<AppState>().ok_or_else(|| AppError::Internal("app state missing from request".into()).into())
}

impl<'a> FromRequest<'a> for Admin {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = state(req)?;
        let token = req.cookie().get(SESSION_COOKIE).map(|c| c.value_str().to_string());
        if let Some(token) = token {
            if app::auth::session_valid(state, &token).await? {
                let csrf = app::auth::csrf_token(state, &token);
                return Ok(Admin { token, csrf });
            }
        }
        Err(not_signed_in(req))
    }
}

impl Admin {
    /// Refuses a state-changing request whose CSRF token (form field or `X-CSRF-Token`
    /// header) does not belong to this session.
    pub fn check_csrf(&self, state: &AppState, req: &Request, field: Option<&str>) -> poem::Result<()> {
        let given = field.or_else(|| req.header("x-csrf-token")).unwrap_or_default();
        if app::auth::csrf_ok(state, &self.token, given) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "This form has expired or did not come from this site. Reload the page and try again.".into(),
            )
            .into())
        }
    }
}

fn wants_json(req: &Request) -> bool {
    req.uri().path().ends_with(".json")
        || req.header("x-csrf-token").is_some()
        || req.header("accept").is_some_and(|a| a.starts_with("application/json"))
}

fn not_signed_in(req: &Request) -> poem::Error {
    if wants_json(req) {
        return error::json(AppError::Unauthorized("sign in first".into()));
    }
    let next = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/admin");
    let location = format!("/admin/login?next={}", urlencode(next));
    poem::Error::from_response(
        Response::builder().status(StatusCode::SEE_OTHER).header("location", location).finish(),
    )
}

/// Percent-encodes everything but unreserved characters and `/` (for query values).
pub(super) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only same-site paths may be redirected to after login (no `//evil.example`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with("/admin") && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/admin".into(),
    }
}

/// A cookie with the flags every proofroom cookie carries.
pub fn cookie(state: &AppState, name: &str, value: &str, max_age_s: Option<i64>) -> Cookie {
    let mut c = Cookie::new_with_str(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(state.config.secure_cookies);
    if let Some(age) = max_age_s {
        c.set_max_age(std::time::Duration::from_secs(age.max(0) as u64));
    }
    c
}
