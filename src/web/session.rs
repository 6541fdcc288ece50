//! The photographer's session cookie and CSRF checks, as poem extractors.

use poem::{
    FromRequest, Request, RequestBody, Response,
    http::StatusCode,
    web::cookie::{Cookie, CookieJar, SameSite},
};

use super::error;
use crate::app::App;
use crate::app::{self, AppError};

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

impl<'a> FromRequest<'a> for Admin {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        let state = super::app_of(req)?;
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

/// Gives a browser that just signed in its session cookie, and, if it is new, the cookie
/// that marks it as a device that has signed in before (`app::auth::device_token`).
pub fn signed_in(state: &App, jar: &CookieJar, token: &str, known_device: bool) {
    jar.add(cookie(state, SESSION_COOKIE, token, Some(30 * 24 * 3600)));
    if !known_device {
        let device = app::auth::device_token(state);
        jar.add(cookie(state, DEVICE_COOKIE, &device, Some(400 * 24 * 3600)));
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
pub(crate) fn urlencode(s: &str) -> String {
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
pub fn cookie(state: &App, name: &str, value: &str, max_age_s: Option<i64>) -> Cookie {
    let mut c = Cookie::new_with_str(name, value);
    c.set_http_only(true);
    c.set_same_site(SameSite::Lax);
    c.set_path("/");
    c.set_secure(state.config().secure_cookies);
    if let Some(age) = max_age_s {
        c.set_max_age(std::time::Duration::from_secs(age.max(0) as u64));
    }
    c
}
