//! The catalog: every redb table proofroom uses, one `const` each, with a versioned name so a
//! change of layout is a new table plus a migration, never a silent reinterpretation.

use redb::TableDefinition;

/// Schema version, signing key, admin password hash, setup-link hash: `name → bytes`.
pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta-0");

/// `gallery id → Gallery` (codec-encoded).
pub const GALLERIES: TableDefinition<u128, &[u8]> = TableDefinition::new("galleries-0");

/// Index: `(parent id or 0 for the top level, child id) → ()`, to list a level in order.
pub const GALLERY_CHILDREN: TableDefinition<(u128, u128), ()> = TableDefinition::new("gallery_children-0");

/// `gallery id → GalleryStats`: counts, bytes, cover candidates and last activity, kept
/// in step by the transactions that change them (see `listing.rs`).
pub const GALLERY_STATS: TableDefinition<u128, &[u8]> = TableDefinition::new("gallery_stats-0");

/// Index: `(last activity ms, gallery id) → ()`, every gallery, so the dashboard lists the
/// most recently active first without reading the others.
pub const GALLERY_RECENT: TableDefinition<(u64, u128), ()> = TableDefinition::new("gallery_recent-0");

/// Index: `(a client's last activity ms, gallery id) → ()`, so "needs your attention" reads
/// the galleries clients were in lately, not those that only had uploads.
pub const GALLERY_CLIENTS: TableDefinition<(u64, u128), ()> = TableDefinition::new("gallery_clients-0");

/// Index: `(access ends ms, gallery id) → ()` of galleries with an end date, so "closing
/// this week" reads only those.
pub const GALLERY_CLOSING: TableDefinition<(u64, u128), ()> = TableDefinition::new("gallery_closing-0");

/// `photo id → Photo` (codec-encoded).
pub const PHOTOS: TableDefinition<u128, &[u8]> = TableDefinition::new("photos-0");

/// Index: `(gallery id, photo id) → ()`, to list a gallery's photos.
pub const GALLERY_PHOTOS: TableDefinition<(u128, u128), ()> = TableDefinition::new("gallery_photos-0");

/// Index: `(gallery id, lower-cased filename) → photo id`, for replace-by-filename.
pub const PHOTO_NAMES: TableDefinition<(u128, &str), u128> = TableDefinition::new("photo_names-0");

/// `source blob hash → MediaInfo`: what processing produced (renditions or a failure reason).
pub const MEDIA: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("media-0");

/// Watermarked previews: `blake3(source hash ‖ watermark fingerprint) → Watermarked`.
pub const WATERMARKED: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("watermarked-0");

/// The durable job queue: `(run at ms, job id) → Job`, so the first row is the next due job.
pub const JOBS: TableDefinition<(u64, u128), &[u8]> = TableDefinition::new("jobs-0");

/// Unique keys of queued jobs (`push` with a key): `key → ()`, so "queue once" is a lookup.
pub const JOB_KEYS: TableDefinition<&str, ()> = TableDefinition::new("job_keys-0");

/// Admin sessions: `blake3(session token) → Session`. Tokens are never stored in clear.
pub const SESSIONS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("sessions-0");

/// API tokens: `blake3(token) → ApiToken`.
pub const API_TOKENS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("api_tokens-0");

/// `share id → ShareLink`.
pub const SHARES: TableDefinition<u128, &[u8]> = TableDefinition::new("shares-0");

/// Index: `blake3(share token) → share id`. Tokens are never stored in clear.
pub const SHARE_TOKENS: TableDefinition<&[u8; 32], u128> = TableDefinition::new("share_tokens-0");

/// Index: `(gallery id, share id) → ()`.
pub const GALLERY_SHARES: TableDefinition<(u128, u128), ()> = TableDefinition::new("gallery_shares-0");

/// `visitor id → Visitor`.
pub const VISITORS: TableDefinition<u128, &[u8]> = TableDefinition::new("visitors-0");

/// Index: `(gallery id, visitor id) → ()`.
pub const GALLERY_VISITORS: TableDefinition<(u128, u128), ()> = TableDefinition::new("gallery_visitors-0");

/// Visitor sessions: `blake3(session token) → visitor id`.
pub const VISITOR_SESSIONS: TableDefinition<&[u8; 32], u128> = TableDefinition::new("visitor_sessions-0");

/// One-time sign-in links of e-mail grants: `blake3(code) → MagicLink`, removed when used.
pub const MAGIC_LINKS: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("magic_links-0");

/// `(visitor id, gallery id) → Selection` (the visitor's favourites).
pub const SELECTIONS: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("selections-0");

/// `(gallery id, photo id, comment id) → Comment`.
pub const COMMENTS: TableDefinition<(u128, u128, u128), &[u8]> = TableDefinition::new("comments-0");

/// `mail id → Mail`: every outgoing message and its status.
pub const MAILS: TableDefinition<u128, &[u8]> = TableDefinition::new("mails-0");

/// `ulid → Activity`: what visitors did, in time order (ULIDs sort by time).
pub const ACTIVITY: TableDefinition<u128, &[u8]> = TableDefinition::new("activity-0");

/// Index: `(gallery id, activity ulid) → ()`.
pub const GALLERY_ACTIVITY: TableDefinition<(u128, u128), ()> = TableDefinition::new("gallery_activity-0");

/// Carts: `(owner key, shared gallery id) → Cart` (`domain::order::Owner::key`).
pub const CARTS: TableDefinition<(u128, u128), &[u8]> = TableDefinition::new("carts-0");

/// `order id → Order`.
pub const ORDERS: TableDefinition<u128, &[u8]> = TableDefinition::new("orders-0");

/// Index: `(gallery id, order id) → ()`, a gallery's orders (for the numbers on its page).
pub const GALLERY_ORDERS: TableDefinition<(u128, u128), ()> = TableDefinition::new("gallery_orders-0");

/// Index: `order id → ()` of the orders that still need someone (`Order::open`), so the
/// orders page and the delivery check read those, not ten years of closed ones.
pub const OPEN_ORDERS: TableDefinition<u128, ()> = TableDefinition::new("open_orders-0");

/// Index: `(owner key, order id) → ()`, a client's orders.
pub const OWNER_ORDERS: TableDefinition<(u128, u128), ()> = TableDefinition::new("owner_orders-0");

/// Checkout keys: `key → order id`, so a checkout sent twice places one order.
pub const ORDER_KEYS: TableDefinition<&str, u128> = TableDefinition::new("order_keys-0");

/// `invoice number → Invoice`; numbers run from 1 without gaps.
pub const INVOICES: TableDefinition<u32, &[u8]> = TableDefinition::new("invoices-0");

/// Delivered files with the studio's credit: `blake3(source ‖ credit) → PreparedFile`.
pub const PREPARED: TableDefinition<&[u8; 32], &[u8]> = TableDefinition::new("prepared-0");

/// Running live sessions: `gallery id → SavedLive`.
pub const LIVE: TableDefinition<u128, &[u8]> = TableDefinition::new("live-0");

/// The journey's messages already sent (or queued): "<gallery>/<automation>/<address>" →
/// `Sent`. Written in the transaction that queues the message, so each goes once.
pub const JOURNEY_SENT: TableDefinition<&str, &[u8]> = TableDefinition::new("journey_sent-0");

/// Addresses that asked for no more journey messages (lower-cased) → when.
pub const UNSUBSCRIBED: TableDefinition<&str, u64> = TableDefinition::new("unsubscribed-0");

/// Opens every table once inside `txn` so readers never meet a missing table.
pub fn create_all(txn: &redb::WriteTransaction) -> Result<(), redb::Error> {
    txn.open_table(META)?;
    txn.open_table(GALLERIES)?;
    txn.open_table(GALLERY_CHILDREN)?;
    txn.open_table(GALLERY_STATS)?;
    txn.open_table(GALLERY_RECENT)?;
    txn.open_table(GALLERY_CLOSING)?;
    txn.open_table(GALLERY_CLIENTS)?;
    txn.open_table(PHOTOS)?;
    txn.open_table(GALLERY_PHOTOS)?;
    txn.open_table(PHOTO_NAMES)?;
    txn.open_table(MEDIA)?;
    txn.open_table(WATERMARKED)?;
    txn.open_table(JOBS)?;
    txn.open_table(JOB_KEYS)?;
    txn.open_table(SESSIONS)?;
    txn.open_table(API_TOKENS)?;
    txn.open_table(SHARES)?;
    txn.open_table(SHARE_TOKENS)?;
    txn.open_table(GALLERY_SHARES)?;
    txn.open_table(VISITORS)?;
    txn.open_table(GALLERY_VISITORS)?;
    txn.open_table(VISITOR_SESSIONS)?;
    txn.open_table(MAGIC_LINKS)?;
    txn.open_table(SELECTIONS)?;
    txn.open_table(COMMENTS)?;
    txn.open_table(MAILS)?;
    txn.open_table(ACTIVITY)?;
    txn.open_table(GALLERY_ACTIVITY)?;
    txn.open_table(CARTS)?;
    txn.open_table(ORDERS)?;
    txn.open_table(GALLERY_ORDERS)?;
    txn.open_table(OPEN_ORDERS)?;
    txn.open_table(OWNER_ORDERS)?;
    txn.open_table(ORDER_KEYS)?;
    txn.open_table(INVOICES)?;
    txn.open_table(PREPARED)?;
    txn.open_table(LIVE)?;
    txn.open_table(JOURNEY_SENT)?;
    txn.open_table(UNSUBSCRIBED)?;
    Ok(())
}
