//! The words of DESIGN.md as types: ids, records and their states. No I/O happens here, so
//! every other layer can share these without depending on each other.

mod access;
pub mod attachment;
pub mod brand;
pub mod catalog;
mod ids;
pub mod journey;
pub mod live;
mod mail;
mod money;
pub mod order;
pub mod preset;
pub mod quote;
mod records;
mod sharing;
mod studio;

#[cfg(test)]
pub(crate) use access::table;
pub use access::{Access, Size, Step};
pub use ids::{
    CommentId, GalleryId, Hash, MailId, OrderId, PackageId, PhotoId, PriceListId, ProductId, ShareId,
    ShippingId, VisitorId, next_ulid,
};
pub use mail::{JourneyMail, Mail, MailStatus};
pub use money::{Currency, Money};
pub use records::{
    ApiToken, Cover, Gallery, GalleryStats, Job, JobKind, LIST_NAME_MAX, MAX_LISTS, MediaInfo, Photo,
    PhotoState, PhotoStatus, PhotoView, Proofing, Rendition, Session, Spec, Version,
};
pub use sharing::{
    Activity, ActivityKind, Comment, MAGIC_LINK_TTL_MS, MagicLink, Permissions, Selection, ShareLink,
    ShareRefusal, Visitor, lightroom_filter,
};
pub use studio::{MarkPosition, Studio, Watermark, Watermarked};

/// Milliseconds since the Unix epoch; all stored times use it. It is the system clock plus
/// `clock_moved` (zero except in tests that move time forward: see `move_clock`).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
        + CLOCK_MOVED.load(std::sync::atomic::Ordering::Relaxed)
}

static CLOCK_MOVED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Moves the process's clock `ms` forward (never back: stored times stay in order). Only a
/// server started for tests allows it (`PROOFROOM_TEST_CLOCK=1`), so tests can reach a
/// reminder's day without waiting for it.
pub fn move_clock(ms: u64) -> u64 {
    CLOCK_MOVED.fetch_add(ms, std::sync::atomic::Ordering::Relaxed) + ms
}

/// The format of a day in words, for pages and messages alike.
pub const DAY_IN_WORDS: &[time::format_description::BorrowedFormatItem] =
    time::macros::format_description!("[day padding:none] [month repr:long] [year]");

/// The start (00:00 UTC) of a day written `YYYY-MM-DD`, if it is one.
pub fn day_start_ms(ymd: &str) -> Option<u64> {
    let parse = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(ymd.trim(), parse).ok()?;
    u64::try_from(day.midnight().assume_utc().unix_timestamp()).ok().map(|s| s * 1000)
}

/// A stored time's day as `YYYY-MM-DD` (UTC), for date fields.
pub fn day_of(ms: u64) -> String {
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
        .ok()
        .and_then(|t| t.format(f).ok())
        .unwrap_or_default()
}

/// A stored time's day in words ("21 November 2026", UTC).
pub fn day_in_words(ms: u64) -> String {
    time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
        .ok()
        .and_then(|t| t.format(DAY_IN_WORDS).ok())
        .unwrap_or_default()
}
