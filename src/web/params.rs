//! Parsing what handlers receive in paths and forms, shared by every handler module.

use serde::Deserialize;

use crate::{
    app::AppError,
    domain::{GalleryId, PhotoId},
};

/// A gallery id from a path; anything else is "not found", never a parse error.
pub fn gallery_id(s: &str) -> Result<GalleryId, AppError> {
    s.parse().map_err(|_| AppError::NotFound("gallery not found".into()))
}

/// A photo id from a path or a body.
pub fn photo_id(s: &str) -> Result<PhotoId, AppError> {
    s.parse().map_err(|_| AppError::NotFound("photo not found".into()))
}

/// A form that carries nothing but its CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}
