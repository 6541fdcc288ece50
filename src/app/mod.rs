//! Use cases: the rules of proofroom, callable without HTTP. Functions take plain inputs
//! and return domain results or an `AppError`; the web layer maps that to HTTP in one place.

pub mod activity;
pub mod auth;
pub mod downloads;
pub mod galleries;
pub mod maintenance;
pub mod media_urls;
pub mod notify;
pub mod photos;
pub mod proofing;
pub mod sharing;
pub mod studio;

use crate::{blobs::BlobError, db::DbError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or the asker may not know it does).
    #[error("{0}")]
    NotFound(String),
    /// The input is wrong; the message says how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    UnsupportedType(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    RateLimited(String),
    /// The thing existed but is no more (a revoked or expired link).
    #[error("{0}")]
    Gone(String),
    /// Our fault: logged with its detail, shown to users as a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<BlobError> for AppError {
    fn from(e: BlobError) -> Self {
        match e {
            BlobError::TooLarge { limit } => {
                AppError::TooLarge(format!("the file is larger than the limit of {} MiB", limit >> 20))
            }
            BlobError::Source(e) => {
                AppError::Invalid(format!("the upload stopped before the end ({e}); please try again"))
            }
            BlobError::Io(e) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<std::io::Error> for AppError {
    fn from(e: std::io::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, AppError>;

/// Runs database or file work on a blocking thread, off the async executor.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
}

/// Checks a short user-given text (a title, a name): trimmed, not empty, no control
/// characters, at most `max` characters. Returns the trimmed text.
pub fn clean_text(field: &str, value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(AppError::Invalid(format!("{field} must not be empty")));
    }
    if v.chars().count() > max {
        return Err(AppError::Invalid(format!("{field} must be at most {max} characters")));
    }
    if v.chars().any(char::is_control) {
        return Err(AppError::Invalid(format!("{field} must not contain control characters")));
    }
    Ok(v.to_string())
}
