//! Use cases: the rules of proofroom, callable without HTTP. Functions take plain inputs
//! and return domain results or an `AppError`; the web layer maps that to HTTP in one place.

pub mod activity;
pub mod auth;
pub mod backup;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod client;
pub mod delivery;
mod digests;
pub mod downloads;
pub mod galleries;
pub mod journey;
pub mod lab;
pub mod limits;
pub mod live;
pub mod maintenance;
pub mod media_urls;
pub mod metrics;
pub mod notify;
pub mod orders;
pub mod payments;
pub mod photos;
pub mod presets;
pub mod proofing;
mod records;
mod room_views;
pub mod sharing;
mod state;
pub mod storage;
pub mod studio;
pub mod visit;

pub use state::App;

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
    /// The data disk is too full to take more; the photographer must free space.
    #[error("{0}")]
    DiskFull(String),
    /// The server is busy or its storage is failing; try again shortly.
    #[error("{0}")]
    Unavailable(String),
    /// Our fault: logged with its detail, shown to users as a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        if e.is_disk_full() {
            tracing::error!("database: {e}");
            return AppError::DiskFull(
                "The server's disk is full, so this could not be saved. Free some space on the disk \
                 (or remove old galleries and run `proofroom gc`), then try again."
                    .into(),
            );
        }
        if e.is_storage_failure() {
            tracing::error!("database: {e}");
            return AppError::Unavailable(
                "The server cannot write to its disk right now. Please try again in a few minutes.".into(),
            );
        }
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
            BlobError::Full { free, reserve } => AppError::DiskFull(format!(
                "The server's disk is full ({} MiB free; uploads stop at {} MiB so that galleries keep \
                 working). Nothing of this file was stored. Free some space on the disk, or remove \
                 old galleries and run `proofroom gc`, then upload again.",
                free >> 20,
                reserve >> 20
            )),
            BlobError::Bucket(e) => {
                tracing::error!("bucket: {e}");
                AppError::Unavailable(
                    "The photo storage (the bucket) did not answer, so nothing of this file was stored. \
                     Please try again in a few minutes."
                        .into(),
                )
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

/// Whether `c` is an invisible formatting character: bidi controls (U+202E turns
/// "gpj.exe" into what reads as "exe.jpg"), zero-width characters, the BOM. They have no
/// place in a title or a filename and are removed.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// `s` without invisible formatting characters.
pub fn strip_invisible(s: &str) -> String {
    s.chars().filter(|c| !is_invisible_format(*c)).collect()
}

/// Checks a short user-given text (a title, a name): trimmed, not empty, no control
/// characters, at most `max` characters, invisible formatting characters removed. Returns
/// the cleaned text.
pub fn clean_text(field: &str, value: &str, max: usize) -> Result<String> {
    let stripped = strip_invisible(value);
    let v = stripped.trim();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_removed_from_texts() {
        assert_eq!(clean_text("title", "Anna\u{202E}gpj.exe\u{200B}", 100).unwrap(), "Annagpj.exe");
        assert!(clean_text("title", "\u{202E}\u{2066}", 100).is_err(), "nothing visible left");
        assert_eq!(clean_text("title", "Zoë & Jörg — 2026", 100).unwrap(), "Zoë & Jörg — 2026");
    }
}
