//! The JSON API under `/api/v1`, described by poem-openapi (`/api/openapi.json`, browsable
//! at `/api/docs`). Scripts authenticate with `Authorization: Bearer <token>` from
//! `proofroom token create`. Every error is `{"error": "..."}` with a fitting status.

use poem::{Request, web::Multipart};
use poem_openapi::{
    ApiResponse, Object, OpenApi, SecurityScheme,
    auth::Bearer,
    impl_apirequest_for_payload,
    param::{Path, Query},
    payload::{Json, ParsePayload, Payload},
    registry::{MetaSchema, MetaSchemaRef},
};

use crate::web::{
    error::{public_message, status_of},
    extract,
    models::{DeliveryFileOut, GalleryList, GalleryOut, InvoiceOut, OrderList, OrderOut, PhotoOut},
    upload,
};
use crate::{
    app::{self, App, AppError},
    domain::{GalleryId, PhotoId, PhotoState},
};

/// An API token from `proofroom token create`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_token")]
pub struct Token(#[allow(dead_code)] String);

async fn check_token(req: &Request, bearer: Bearer) -> poem::Result<String> {
    let state = crate::web::app_of(req)?;
    match app::auth::check_api_token(state, &bearer.token).await {
        Ok(t) => Ok(t.name),
        Err(e) => Err(ApiError::from(e).into()),
    }
}

#[derive(Object)]
pub struct ErrorBody {
    /// What went wrong and what to do about it.
    error: String,
}

#[derive(ApiResponse)]
pub enum ApiError {
    /// The request is malformed or a value is invalid.
    #[oai(status = 400)]
    BadRequest(Json<ErrorBody>),
    /// No token, or not a valid one.
    #[oai(status = 401)]
    Unauthorized(Json<ErrorBody>),
    #[oai(status = 403)]
    Forbidden(Json<ErrorBody>),
    #[oai(status = 404)]
    NotFound(Json<ErrorBody>),
    /// A file is larger than the server's upload limit.
    #[oai(status = 413)]
    TooLarge(Json<ErrorBody>),
    /// A file is not a JPEG, PNG, WebP or TIFF image.
    #[oai(status = 415)]
    UnsupportedType(Json<ErrorBody>),
    /// A revoked or expired link.
    #[oai(status = 410)]
    Gone(Json<ErrorBody>),
    #[oai(status = 429)]
    RateLimited(Json<ErrorBody>),
    /// The server's disk is down to its free-space reserve.
    #[oai(status = 507)]
    DiskFull(Json<ErrorBody>),
    /// Busy, or storage is failing: try again shortly.
    #[oai(status = 503)]
    Unavailable(Json<ErrorBody>),
    #[oai(status = 500)]
    Internal(Json<ErrorBody>),
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let status = status_of(&e);
        let body = Json(ErrorBody { error: public_message(&e) });
        match e {
            AppError::NotFound(_) => ApiError::NotFound(body),
            AppError::Invalid(_) => ApiError::BadRequest(body),
            AppError::UnsupportedType(_) => ApiError::UnsupportedType(body),
            AppError::TooLarge(_) => ApiError::TooLarge(body),
            AppError::Unauthorized(_) => ApiError::Unauthorized(body),
            AppError::Forbidden(_) => ApiError::Forbidden(body),
            AppError::RateLimited(_) => ApiError::RateLimited(body),
            AppError::Gone(_) => ApiError::Gone(body),
            AppError::DiskFull(_) => ApiError::DiskFull(body),
            AppError::Unavailable(_) => ApiError::Unavailable(body),
            AppError::Internal(_) => {
                debug_assert_eq!(status.as_u16(), 500);
                ApiError::Internal(body)
            }
        }
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Money received for an order.
#[derive(Object)]
pub struct PaymentIn {
    /// As typed: "25", "25.50" or "25,50".
    amount: String,
    /// "bank transfer" unless said.
    method: Option<String>,
}

fn gallery_id(s: &str) -> Result<GalleryId, ApiError> {
    Ok(extract::gallery_id(s)?)
}

fn photo_id(s: &str) -> Result<PhotoId, ApiError> {
    Ok(extract::photo_id(s)?)
}

#[derive(Object)]
pub struct NewGallery {
    /// 1–200 characters.
    title: String,
    /// Nest the new gallery inside this one.
    parent: Option<String>,
}

#[derive(Object)]
pub struct NewShareLink {
    /// Who the link is for, e.g. "Anna & Tom".
    label: String,
    #[oai(default)]
    favourite: bool,
    #[oai(default)]
    comment: bool,
    #[oai(default)]
    download_proofs: bool,
    #[oai(default)]
    download_finals: bool,
    password: Option<String>,
    /// The link stops working this many seconds from now.
    expires_in_seconds: Option<u64>,
    /// Send the client an invitation with the link.
    email: Option<String>,
    /// Ask visitors for their name and e-mail before they see the photos.
    #[oai(default)]
    ask_identity: bool,
    /// Per-email access: only `email` opens the gallery, by one-time sign-in links sent to it.
    /// The URL returned is the gallery's door, which shows nothing without signing in.
    #[oai(default)]
    email_only: bool,
}

#[derive(Object)]
pub struct ShareLinkOut {
    id: String,
    /// The link to send. Only shown now: the server keeps a hash of its token.
    url: String,
    expires_ms: Option<u64>,
}

#[derive(Object)]
pub struct SelectionOut {
    visitor: String,
    name: Option<String>,
    /// Given on entry, or the address of an e-mail grant.
    email: Option<String>,
    /// The label of the link the visitor came through.
    link: String,
    submitted_ms: Option<u64>,
    /// What the client wrote to the photographer when submitting.
    message: Option<String>,
    filenames: Vec<String>,
    /// The filenames for Lightroom's Library filter (Text → Filename → Contains).
    lightroom: String,
    /// The gallery's extra lists ("Album", "Prints") as this visitor filled them.
    lists: Vec<ListOut>,
}

impl From<app::proofing::VisitorSelection> for SelectionOut {
    fn from(v: app::proofing::VisitorSelection) -> Self {
        let mut lists = v.exported().into_iter();
        let favourites = lists.next();
        SelectionOut {
            visitor: v.visitor.id.to_string(),
            name: v.visitor.name,
            email: v.visitor.email,
            link: v.link,
            submitted_ms: v.selection.submitted_ms,
            message: v.selection.message.clone(),
            lightroom: favourites.map(|f| f.lightroom).unwrap_or_default(),
            filenames: v.filenames,
            lists: lists
                .map(|l| ListOut { name: l.name, filenames: l.filenames, lightroom: l.lightroom })
                .collect(),
        }
    }
}

#[derive(Object)]
pub struct ListOut {
    name: String,
    filenames: Vec<String>,
    lightroom: String,
}

#[derive(Object)]
pub struct StateChange {
    /// `proof`, `final` or `undefined`.
    state: String,
}

#[derive(Object)]
pub struct UploadedPhoto {
    photo: PhotoOut,
    /// True when the filename matched a photo and this upload became its new version.
    replaced: bool,
}

#[derive(Object)]
pub struct UploadResult {
    uploaded: Vec<UploadedPhoto>,
}

/// `multipart/form-data` with one or more file fields, streamed straight to storage
/// (poem-openapi's own `Upload` would spool each file to a temp file first).
pub struct UploadForm(Multipart);

impl Payload for UploadForm {
    const CONTENT_TYPE: &'static str = "multipart/form-data";

    fn check_content_type(content_type: &str) -> bool {
        content_type.starts_with("multipart/form-data")
    }

    fn schema_ref() -> MetaSchemaRef {
        let binary = MetaSchemaRef::Inline(Box::new(MetaSchema {
            format: Some("binary"),
            ..MetaSchema::new("string")
        }));
        MetaSchemaRef::Inline(Box::new(MetaSchema {
            description: Some(
                "Any number of file fields (JPEG, PNG, WebP, TIFF). A `final` field (`true`) sent before the files marks them final.",
            ),
            properties: vec![
                ("final", MetaSchemaRef::Inline(Box::new(MetaSchema::new("boolean")))),
                (
                    "file",
                    MetaSchemaRef::Inline(Box::new(MetaSchema {
                        items: Some(Box::new(binary)),
                        ..MetaSchema::new("array")
                    })),
                ),
            ],
            ..MetaSchema::new("object")
        }))
    }
}

impl ParsePayload for UploadForm {
    const IS_REQUIRED: bool = true;

    async fn from_request(request: &Request, body: &mut poem::RequestBody) -> poem::Result<Self> {
        use poem::FromRequest;
        Ok(UploadForm(Multipart::from_request(request, body).await?))
    }
}

impl_apirequest_for_payload!(UploadForm);

pub struct Api;

#[OpenApi(prefix_path = "/v1")]
impl Api {
    /// List galleries, a page at a time, oldest first (every level of nesting; each says
    /// its `parent`). Pass the answer's `next` as `cursor` for the following page; `next`
    /// is null on the last page. `limit` is 1 to 500 (default 50).
    #[oai(path = "/galleries", method = "get")]
    async fn list_galleries(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<GalleryList> {
        let limit = limit.0.unwrap_or(50).clamp(1, 500) as usize;
        let after = match cursor.0.as_deref() {
            None | Some("") => None,
            Some(c) => Some(c.parse().map_err(|_| {
                ApiError::from(AppError::Invalid("the cursor is not one this list gave".into()))
            })?),
        };
        let mut page = app::galleries::page_by_id(&state, after, limit + 1).await?;
        let next = (page.len() > limit).then(|| {
            page.truncate(limit);
            page.last().map(|g| g.id.to_string())
        });
        Ok(Json(GalleryList { galleries: page.iter().map(GalleryOut::from).collect(), next: next.flatten() }))
    }

    /// Create a gallery, optionally inside another.
    #[oai(path = "/galleries", method = "post")]
    async fn create_gallery(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        body: Json<NewGallery>,
    ) -> ApiResult<GalleryOut> {
        let parent = match body.parent.as_deref() {
            Some(p) => Some(p.parse().map_err(|_| {
                ApiError::from(AppError::Invalid("the parent gallery does not exist".into()))
            })?),
            None => None,
        };
        let g = app::galleries::create(&state, &body.title, parent).await?;
        Ok(Json(GalleryOut::from(&g)))
    }

    /// Get one gallery.
    #[oai(path = "/galleries/:id", method = "get")]
    async fn get_gallery(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<GalleryOut> {
        let g = state.gallery(gallery_id(&id)?).await?;
        Ok(Json(GalleryOut::from(&g)))
    }

    /// List a gallery's photos in display order, with status and signed media URLs.
    #[oai(path = "/galleries/:id/photos", method = "get")]
    async fn list_photos(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<Vec<PhotoOut>> {
        let id = gallery_id(&id)?;
        state.gallery(id).await?;
        let photos = state.photos(id).await?;
        Ok(Json(photos.iter().map(|p| PhotoOut::new(&state, p)).collect()))
    }

    /// Upload photos (multipart, several files per request). A file whose name matches a
    /// photo in the gallery becomes that photo's new version; `final=true` (query or a form
    /// field before the files) marks uploads final.
    #[oai(path = "/galleries/:id/photos", method = "post")]
    async fn upload_photos(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
        #[oai(name = "final")] mark_final: Query<Option<bool>>,
        form: UploadForm,
    ) -> ApiResult<UploadResult> {
        let id = gallery_id(&id)?;
        let received = upload::receive(&state, id, form.0, mark_final.0.unwrap_or(false)).await?;
        Ok(Json(UploadResult {
            uploaded: received
                .into_iter()
                .map(|r| UploadedPhoto { photo: r.photo, replaced: r.replaced })
                .collect(),
        }))
    }

    /// Create a share link to a gallery; the response has the URL to send (shown once).
    #[oai(path = "/galleries/:id/shares", method = "post")]
    async fn create_share(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
        body: Json<NewShareLink>,
    ) -> ApiResult<ShareLinkOut> {
        let b = body.0;
        let new = app::sharing::NewShare {
            label: b.label,
            permissions: crate::domain::Permissions {
                favourite: b.favourite,
                comment: b.comment,
                download_proofs: b.download_proofs,
                download_finals: b.download_finals,
            },
            password: b.password,
            expires_in_s: b.expires_in_seconds,
            ask_identity: b.ask_identity,
            invite: b.email,
            email_only: b.email_only,
        };
        let c = app::sharing::create(&state, gallery_id(&id)?, new).await?;
        Ok(Json(ShareLinkOut { id: c.share.id.to_string(), url: c.url, expires_ms: c.share.expires_ms }))
    }

    /// Every visitor's favourites in a gallery, with Lightroom filter strings.
    #[oai(path = "/galleries/:id/selections", method = "get")]
    async fn selections(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<Vec<SelectionOut>> {
        let id = gallery_id(&id)?;
        state.gallery(id).await?;
        let out = app::proofing::overview(&state, id).await?.into_iter().map(SelectionOut::from).collect();
        Ok(Json(out))
    }

    /// Get one photo.
    #[oai(path = "/photos/:id", method = "get")]
    async fn get_photo(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<PhotoOut> {
        let view = state.photo(photo_id(&id)?).await?;
        Ok(Json(PhotoOut::new(&state, &view)))
    }

    /// Set a photo's state: `proof`, `final` or `undefined`.
    #[oai(path = "/photos/:id/state", method = "put")]
    async fn set_state(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
        body: Json<StateChange>,
    ) -> ApiResult<PhotoOut> {
        let new_state = PhotoState::parse(&body.state).ok_or_else(|| {
            ApiError::from(AppError::Invalid("state must be proof, final or undefined".into()))
        })?;
        let p = app::photos::set_state(&state, photo_id(&id)?, new_state).await?;
        let view = state.photo(p.id).await?;
        Ok(Json(PhotoOut::new(&state, &view)))
    }

    /// List orders, a page at a time, newest first. Pass the answer's `next` as `cursor`
    /// for the following (older) page; `next` is null on the last page. `limit` is 1 to
    /// 500 (default 50).
    #[oai(path = "/orders", method = "get")]
    async fn list_orders(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        limit: Query<Option<u32>>,
        cursor: Query<Option<String>>,
    ) -> ApiResult<OrderList> {
        let limit = limit.0.unwrap_or(50).clamp(1, 500) as usize;
        let (page, next) = app::orders::page(&state, cursor.0.as_deref(), limit).await?;
        Ok(Json(OrderList {
            orders: page.iter().map(OrderOut::from).collect(),
            next: next.map(|n| n.to_string()),
        }))
    }

    /// One order, with its lines, payments and timeline.
    #[oai(path = "/orders/:id", method = "get")]
    async fn get_order(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<OrderOut> {
        Ok(Json(OrderOut::from(&app::orders::get(&state, &id).await?)))
    }

    /// An order's current invoice.
    #[oai(path = "/orders/:id/invoice", method = "get")]
    async fn get_invoice(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<InvoiceOut> {
        Ok(Json(InvoiceOut::from(&app::orders::invoice(&state, &id, None).await?)))
    }

    /// The files an order delivers, and which are ready.
    #[oai(path = "/orders/:id/files", method = "get")]
    async fn order_files(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<Vec<DeliveryFileOut>> {
        let o = app::orders::get(&state, &id).await?;
        let files = app::delivery::files(&state, &o).await?;
        Ok(Json(
            files
                .into_iter()
                .map(|f| DeliveryFileOut {
                    photo: f.photo.to_string(),
                    name: f.name,
                    ready: f.ready,
                    size: f.size,
                })
                .collect(),
        ))
    }

    /// Records money received (`amount` as typed, e.g. "25.50"; `method` e.g. "cash").
    #[oai(path = "/orders/:id/payments", method = "post")]
    async fn record_payment(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
        body: Json<PaymentIn>,
    ) -> ApiResult<OrderOut> {
        let method = body.method.clone().unwrap_or_default();
        Ok(Json(OrderOut::from(&app::checkout::pay(&state, &id, &body.amount, &method).await?)))
    }

    /// Moves an order along: `in_production`, `shipped`, `delivered`, `completed`,
    /// `cancelled` or `refunded`, as its state allows.
    #[oai(path = "/orders/:id/state", method = "put")]
    async fn move_order(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
        body: Json<StateChange>,
    ) -> ApiResult<OrderOut> {
        Ok(Json(OrderOut::from(&app::checkout::move_to(&state, &id, &body.state).await?)))
    }

    /// Delivers what is there now, final or not ("deliver pending items now").
    #[oai(path = "/orders/:id/deliver", method = "post")]
    async fn deliver_order(
        &self,
        state: poem::web::Data<&App>,
        _auth: Token,
        id: Path<String>,
    ) -> ApiResult<OrderOut> {
        Ok(Json(OrderOut::from(&app::delivery::deliver_now(&state, &id).await?)))
    }
}
