//! The extractors handlers are built from, so a handler says what it needs in its signature
//! and gets it checked: a signed-in photographer with a CSRF-checked form or script call, a
//! client's open visit (with its CSRF token checked on changes), a gallery id from the path,
//! and the one wrapper that turns an app result into a JSON answer. Every CSRF check of the
//! site goes through `csrf`.

use poem::{
    FromRequest, IntoResponse, Request, RequestBody, Response,
    web::{Json, cookie::CookieJar},
};
use serde::{Serialize, de::DeserializeOwned};

use super::{
    error,
    session::{self, Admin, PRE_COOKIE},
};
use crate::{
    app::{
        self, App, AppError,
        visit::{Door, Opened, Visit},
    },
    domain::{GalleryId, PhotoId},
};

/// The visitor cookie of a gallery link (scoped to the link's path).
pub const VISITOR_COOKIE: &str = "pr_v";

pub use super::app_of as app;

/// The one CSRF check: the token from a form field, else from the `X-CSRF-Token` header,
/// must be the one `expected` accepts.
fn csrf(req: &Request, field: Option<&str>, expected: impl FnOnce(&str) -> bool) -> Result<(), AppError> {
    let given = field.or_else(|| req.header("x-csrf-token")).unwrap_or_default();
    match expected(given) {
        true => Ok(()),
        false => Err(AppError::Forbidden(
            "This page has expired or did not come from this site. Reload it and try again.".into(),
        )),
    }
}

/// A url-encoded form body: its `csrf` field, and the form read as `T`. The token is
/// looked at before the fields, so a forged post learns nothing from field errors.
async fn form_with_csrf<T: DeserializeOwned>(
    body: &mut RequestBody,
) -> Result<(String, Result<T, AppError>), AppError> {
    let bytes = body
        .take()
        .map_err(|e| AppError::Invalid(e.to_string()))?
        .into_vec()
        .await
        .map_err(|e| AppError::Invalid(format!("the form could not be read ({e})")))?;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let token = pairs.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v).unwrap_or_default();
    Ok((token, form(&bytes)))
}

/// `T` from form bytes; a form that does not parse is checked after the CSRF token.
fn form<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    serde_urlencoded::from_bytes(bytes)
        .map_err(|e| AppError::Invalid(format!("the form is not complete ({e})")))
}

/// A signed-in photographer's form post, CSRF-checked: `AdminForm(admin, fields)`.
pub struct AdminForm<T>(pub Admin, pub T);

impl<'a, T: DeserializeOwned> FromRequest<'a> for AdminForm<T> {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let admin = Admin::from_request(req, body).await?;
        let (token, fields) = form_with_csrf::<T>(body).await?;
        let app = app(req)?;
        csrf(req, Some(&token), |given| app::auth::csrf_ok(app, &admin.token, given))?;
        Ok(AdminForm(admin, fields?))
    }
}

/// A signed-in photographer's script call (`X-CSRF-Token` header), with JSON errors.
pub struct AdminScript;

impl<'a> FromRequest<'a> for AdminScript {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let admin = Admin::from_request(req, body).await?;
        let app = app(req).map_err(error::json)?;
        csrf(req, None, |given| app::auth::csrf_ok(app, &admin.token, given)).map_err(error::json)?;
        Ok(AdminScript)
    }
}

/// Checks a CSRF token the handler read itself (a multipart form) for a signed-in
/// photographer.
pub fn admin_csrf(req: &Request, admin: &Admin, token: &str) -> Result<(), AppError> {
    let app = app(req)?;
    csrf(req, Some(token), |given| app::auth::csrf_ok(app, &admin.token, given))
}

/// A form posted before signing in (login, first setup), checked against the pre-login
/// cookie's CSRF token.
pub struct PreForm<T>(pub T);

impl<'a, T: DeserializeOwned> FromRequest<'a> for PreForm<T> {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let (token, fields) = form_with_csrf::<T>(body).await?;
        let app = app(req)?;
        let pre = req.cookie().get(PRE_COOKIE).map(|c| c.value_str().to_string());
        csrf(req, Some(&token), |given| pre.is_some_and(|p| app::auth::csrf_ok(app, &p, given))).map_err(
            |_| {
                AppError::Forbidden(
                    "This form has expired. Reload the page and try again (cookies must be enabled).".into(),
                )
            },
        )?;
        Ok(PreForm(fields?))
    }
}

/// The pre-login cookie's value, made and set when missing (the login and setup forms
/// bind their CSRF token to it).
pub fn pre_token(app: &App, jar: &CookieJar) -> String {
    if let Some(c) = jar.get(PRE_COOKIE) {
        return c.value_str().to_string();
    }
    let v = app::auth::new_browser_token();
    jar.add(session::cookie(app, PRE_COOKIE, &v, None));
    v
}

/// A gallery id from the path's `:id`; anything else is "not found".
pub struct GalleryPath(pub GalleryId);

impl<'a> FromRequest<'a> for GalleryPath {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        Ok(GalleryPath(gallery_id(req.raw_path_param("id").unwrap_or_default())?))
    }
}

/// A gallery id from a path or a form; anything else is "not found", never a parse error.
pub fn gallery_id(s: &str) -> Result<GalleryId, AppError> {
    s.parse().map_err(|_| AppError::NotFound("gallery not found".into()))
}

/// A photo id from a path or a body.
pub fn photo_id(s: &str) -> Result<PhotoId, AppError> {
    s.parse().map_err(|_| AppError::NotFound("photo not found".into()))
}

/// What a request under `/g/:token` brings to the client's door: the link's key, the
/// visitor cookie, and the set asked for in `?set=`.
pub struct ClientDoor {
    pub key: String,
    session: Option<String>,
    set: Option<String>,
}

impl<'a> FromRequest<'a> for ClientDoor {
    async fn from_request(req: &'a Request, _body: &mut RequestBody) -> poem::Result<Self> {
        #[derive(serde::Deserialize)]
        struct SetQuery {
            set: Option<String>,
        }
        let set = serde_urlencoded::from_str::<SetQuery>(req.uri().query().unwrap_or_default())
            .ok()
            .and_then(|q| q.set);
        Ok(ClientDoor {
            key: req.raw_path_param("token").unwrap_or_default().to_string(),
            session: req.cookie().get(VISITOR_COOKIE).map(|c| c.value_str().to_string()),
            set,
        })
    }
}

impl ClientDoor {
    /// The link's own path, where its cookie lives and its pages hang.
    pub fn base(&self) -> String {
        format!("/g/{}", self.key)
    }

    /// Opens the visit (see `app::visit`); a browser new to the link gets its cookie.
    pub async fn open(&self, app: &App, jar: &CookieJar) -> Result<Opened, AppError> {
        let door = Door { key: &self.key, session: self.session.as_deref(), set: self.set.as_deref() };
        let opened = app::visit::open(app, door).await?;
        if let Opened::Open(v) = &opened {
            if let Some(s) = v.new_session() {
                give_session(app, jar, &self.key, s);
            }
        }
        Ok(opened)
    }

    async fn require(&self, req: &Request) -> Result<Visit, AppError> {
        match self.open(app(req)?, req.cookie()).await? {
            Opened::Open(v) => Ok(*v),
            Opened::Closed(_) => Err(app::visit::closed()),
        }
    }
}

/// Gives the browser its visitor cookie for a link, scoped to the link's path so two
/// galleries opened in one browser keep two visitors.
pub fn give_session(app: &App, jar: &CookieJar, key: &str, session: &str) {
    let mut c = session::cookie(app, VISITOR_COOKIE, session, Some(180 * 24 * 3600));
    c.set_path(format!("/g/{key}"));
    jar.add(c);
}

/// An open client visit, for pages and downloads.
pub struct ClientVisit(pub Visit);

impl<'a> FromRequest<'a> for ClientVisit {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let door = ClientDoor::from_request(req, body).await?;
        let visit = door.require(req).await?;
        Ok(ClientVisit(visit))
    }
}

/// A client's form post (`csrf` field checked): `ClientForm(door, visit, fields)`.
pub struct ClientForm<T>(pub ClientDoor, pub Visit, pub T);

impl<'a, T: DeserializeOwned> FromRequest<'a> for ClientForm<T> {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let door = ClientDoor::from_request(req, body).await?;
        let visit = door.require(req).await?;
        let (token, fields) = form_with_csrf::<T>(body).await?;
        csrf(req, Some(&token), |given| visit.csrf_ok(given))?;
        Ok(ClientForm(door, visit, fields?))
    }
}

/// A client script's call: the visit, and for anything but a GET its `X-CSRF-Token`
/// checked and its JSON body read as `T`. Errors are JSON.
pub struct ClientJson<T>(pub Visit, pub T);

impl<'a, T: DeserializeOwned> FromRequest<'a> for ClientJson<T> {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let run = async {
            let door = ClientDoor::from_request(req, body).await.map_err(|_| app::visit::closed())?;
            let visit = door.require(req).await?;
            let bytes = match req.method() == poem::http::Method::GET {
                true => b"null".to_vec(),
                false => {
                    csrf(req, None, |given| visit.csrf_ok(given))?;
                    body.take()
                        .map_err(|e| AppError::Invalid(e.to_string()))?
                        .into_vec()
                        .await
                        .map_err(|e| AppError::Invalid(format!("the request could not be read ({e})")))?
                }
            };
            let fields = serde_json::from_slice(&bytes)
                .map_err(|e| AppError::Invalid(format!("the request is not the JSON expected ({e})")))?;
            Ok::<_, AppError>(ClientJson(visit, fields))
        };
        run.await.map_err(error::json)
    }
}

/// The body, whole, refused as too large past `cap` bytes (for routes the size cap
/// leaves to their handler).
pub async fn read_limited(body: &mut RequestBody, cap: usize) -> Result<Vec<u8>, AppError> {
    let body = body.take().map_err(|e| AppError::Invalid(e.to_string()))?;
    match body.into_bytes_limit(cap).await {
        Ok(b) => Ok(b.to_vec()),
        Err(poem::error::ReadBodyError::PayloadTooLarge) => {
            Err(AppError::TooLarge(format!("The photo is over {} MB.", cap >> 20)))
        }
        Err(e) => Err(AppError::Invalid(format!("the request could not be read ({e})"))),
    }
}

/// A photo of a wall sent as the body, up to `WALL_MAX`. Put it after the extractor that
/// checks the sender: parameters are extracted in order, so nothing is read before that.
pub struct WallPhoto(pub Vec<u8>);

impl<'a> FromRequest<'a> for WallPhoto {
    async fn from_request(_req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        Ok(WallPhoto(read_limited(body, super::limits::WALL_MAX).await.map_err(error::json)?))
    }
}

/// A client's script posting something other than JSON (a photo of their wall, read
/// next by `WallPhoto`): the visit, with its CSRF token checked like `ClientJson`'s.
pub struct ClientScript(pub Visit);

impl<'a> FromRequest<'a> for ClientScript {
    async fn from_request(req: &'a Request, body: &mut RequestBody) -> poem::Result<Self> {
        let run = async {
            let door = ClientDoor::from_request(req, body).await.map_err(|_| app::visit::closed())?;
            let visit = door.require(req).await?;
            csrf(req, None, |given| visit.csrf_ok(given))?;
            Ok::<_, AppError>(ClientScript(visit))
        };
        run.await.map_err(error::json)
    }
}

/// An app result as a JSON answer: the value, or `{"error": …}` with the error's status.
pub struct JsonAnswer<T>(pub Result<T, AppError>);

impl<T: Serialize + Send> IntoResponse for JsonAnswer<T> {
    fn into_response(self) -> Response {
        match self.0 {
            Ok(v) => Json(v).into_response(),
            Err(e) => error::json(e).into_response(),
        }
    }
}
