//! `check` (every blob re-hashed, every reference resolved) and `gc` (blobs nothing refers
//! to). Both run with the server stopped: the database is opened exclusively.

use std::{collections::HashSet, path::Path};

use super::{App, AppError, Result, blocking};
use crate::{
    config::Config,
    domain::{Hash, JobKind, quote::Cart},
    media::{self, MediaError},
};

/// The data disk as the photographer should see it.
pub struct Storage {
    pub free: u64,
    /// Uploads stop below this.
    pub reserve: u64,
}

impl Storage {
    /// Warn early: uploads will stop within the next few gigabytes (or a fifth of the
    /// reserve above it, for small reserves).
    pub fn low(&self) -> bool {
        self.free < self.reserve.saturating_add((5u64 << 30).max(self.reserve / 5))
    }
}

/// The photographer's dashboard: a page of galleries, what clients did lately, the disk.
pub struct Dashboard {
    pub galleries: super::galleries::ListPage,
    /// How many galleries and photos the studio has in all.
    pub totals: (u64, u64),
    pub recent: Vec<super::activity::Line>,
    pub storage: Storage,
}

pub async fn dashboard(state: &App, search: super::galleries::Search) -> Result<Dashboard> {
    let events = super::activity::recent(state, None, 8).await?;
    Ok(Dashboard {
        galleries: super::galleries::list(state, search, super::galleries::PAGE).await?,
        totals: super::galleries::totals(state).await?,
        recent: super::activity::describe(state, events).await?,
        storage: storage(state).await?,
    })
}

pub async fn storage(state: &App) -> Result<Storage> {
    let blobs = state.blobs.clone();
    blocking(move || Ok(Storage { free: blobs.free_space()?, reserve: blobs.reserve() })).await
}

const HEALTH_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// Whether the server can store what it is given right now: the database takes a write
/// transaction (reopening itself after a disk error) and a small file can be written and
/// synced next to the blobs. What `/healthz` reports, so a supervisor can act.
pub async fn healthy(state: &App) -> bool {
    let cached = state.health.0.lock().ok().and_then(|c| *c);
    if let Some((_, ok)) = cached.filter(|(at, _)| at.elapsed() < HEALTH_TTL) {
        return ok;
    }
    let blobs = state.blobs.clone();
    let ok = state.with_db(move |db| Ok(db.writable() && blobs.writable())).await.unwrap_or(false);
    if let Ok(mut c) = state.health.0.lock() {
        *c = Some((std::time::Instant::now(), ok));
    }
    ok
}

/// What `check` found.
#[derive(Debug, Default, serde::Serialize)]
pub struct CheckReport {
    pub photos: usize,
    pub blobs: usize,
    /// Blobs re-hashed this time (all of them, or the sample's share).
    pub rehashed: usize,
    pub problems: Vec<String>,
}

/// Where a sampled check goes on next time: the last blob it re-hashed.
const SAMPLE_CURSOR: &str = "check-cursor";

/// The blobs a check re-hashes: all of them, or `percent` of them in hash order, going on
/// after the last one the previous sampled check did (so nightly 5 % checks cover every
/// blob in 20 nights), wrapping round.
fn to_rehash(sorted: &[Hash], percent: Option<u32>, cursor: Option<Hash>) -> Vec<Hash> {
    let Some(p) = percent else { return sorted.to_vec() };
    let n = (sorted.len() * p.clamp(1, 100) as usize).div_ceil(100).min(sorted.len());
    let start = cursor.map_or(0, |c| sorted.partition_point(|h| *h <= c));
    sorted.iter().cycle().skip(start).take(n).copied().collect()
}

/// Checks every record's references and re-hashes the blobs: all, or a rotating `sample`
/// percent of them (`check --sample 5%`, for a nightly timer).
pub async fn check(state: &App, sample: Option<u32>) -> Result<CheckReport> {
    let blobs = state.blobs.clone();
    let cursor_file = state.config.data_dir.join(SAMPLE_CURSOR);
    state
        .with_db(move |db| {
            let mut r = CheckReport::default();
            // Sorted hashes (32 bytes each), searched by bisection: 400,000 blobs are 13 MB,
            // and photos and media records stream past them one at a time.
            let mut on_disk = blobs.list()?;
            on_disk.sort_unstable();
            let present = |h: &Hash| on_disk.binary_search(h).is_ok();
            r.blobs = on_disk.len();
            let cursor = std::fs::read_to_string(&cursor_file).ok().and_then(|s| s.trim().parse().ok());
            let chosen = to_rehash(&on_disk, sample, cursor);
            r.rehashed = chosen.len();
            if let (Some(_), Some(last)) = (sample, chosen.last()) {
                std::fs::write(&cursor_file, last.to_hex())?;
            }
            for h in &chosen {
                if !blobs.verify(h)? {
                    r.problems
                        .push(format!("blob {h}: its bytes no longer match its hash (disk corruption?)"));
                }
            }
            let galleries: HashSet<_> = db.galleries()?.into_iter().map(|g| g.id).collect();
            db.for_each_photo(|p| {
                r.photos += 1;
                if !galleries.contains(&p.gallery) {
                    r.problems.push(format!(
                        "photo {} ({}): its gallery {} is missing",
                        p.id, p.filename, p.gallery
                    ));
                }
                if p.versions.is_empty() {
                    r.problems.push(format!("photo {} ({}): has no version", p.id, p.filename));
                }
                for v in &p.versions {
                    if !present(&v.blob) {
                        r.problems
                            .push(format!("photo {} ({}): blob {} is missing", p.id, p.filename, v.blob));
                    }
                }
            })?;
            db.find_media(|src, info| {
                for (spec, rend) in info.renditions() {
                    if !present(&rend.blob) {
                        r.problems
                            .push(format!("{spec:?} of blob {src}: rendition blob {} is missing", rend.blob));
                    }
                }
                None::<()>
            })?;
            r.problems.extend(db.check_listing()?);
            r.problems.extend(db.check_orders()?);
            Ok(r)
        })
        .await
}

/// What `gc` removed.
#[derive(Debug, Default)]
pub struct GcReport {
    pub removed: usize,
    pub bytes: u64,
}

pub async fn gc(state: &App) -> Result<GcReport> {
    let blobs = state.blobs.clone();
    state
        .with_db(move |db| {
            // Sorted hashes searched by bisection, and records streamed one at a time: memory
            // is 32 bytes a blob, not a decoded record a photo.
            let sources = db.version_blobs()?;
            let source = |h: &Hash| sources.binary_search(h).is_ok();
            // A queued job names its blob too: keep it until the job has run.
            let mut keep = sources.clone();
            let mut stale_media = Vec::new();
            db.find_media(|src, info| {
                if source(&src) {
                    keep.extend(info.renditions().into_iter().map(|(_, r)| r.blob));
                } else {
                    stale_media.push(src);
                }
                None::<()>
            })?;
            keep.extend(db.queued_jobs()?.into_iter().filter_map(|k| match k {
                JobKind::Renditions { blob } => Some(blob),
                JobKind::SendMail { .. }
                | JobKind::CommentDigest { .. }
                | JobKind::SelectionNotice { .. }
                | JobKind::Watermark { .. } => None,
            }));
            db.remove_media(&stale_media)?;
            // The studio's images, and watermarked previews of the current mark.
            let studio = db.studio()?;
            keep.extend(studio.logo);
            keep.extend(studio.watermark.image);
            keep.extend(studio.catalog.photos());
            // Photos of clients' walls in room views saved with carts and orders, and the
            // room-view pictures of mails.
            let walls = |c: Cart| c.lines.into_iter().filter_map(|l| l.room.and_then(|r| r.wall));
            keep.extend(db.carts()?.into_iter().flat_map(walls));
            db.each_order(|o| keep.extend(walls(o.cart)))?;
            db.each_mail(|m| keep.extend(m.pictures))?;
            let mark = studio.watermark.fingerprint();
            let (current, stale): (Vec<_>, Vec<_>) =
                db.all_watermarked()?.into_iter().partition(|w| w.mark == mark && source(&w.source));
            keep.extend(current.iter().map(|w| w.rendition.blob));
            db.remove_watermarked(&stale)?;
            // Delivered files with the credit, while their photo version exists.
            let (live, gone): (Vec<_>, Vec<_>) =
                db.all_prepared()?.into_iter().partition(|(_, p)| source(&p.source));
            keep.extend(live.iter().map(|(_, p)| p.blob));
            db.remove_prepared(&gone.iter().map(|(k, _)| *k).collect::<Vec<_>>())?;
            keep.sort_unstable();
            keep.dedup();
            let mut report = GcReport::default();
            for h in blobs.list()? {
                if keep.binary_search(&h).is_err() {
                    report.bytes += blobs.remove(&h)?;
                    report.removed += 1;
                }
            }
            Ok(report)
        })
        .await
}

/// Renders one file's `thumb`, `medium` and `preview` into `out` with the server's pipeline and
/// limits, hashing each like the blob store does, and with `watermark` text also the
/// watermarked preview as the watermark job makes it. Returns a one-line summary.
pub fn render_file(config: &Config, file: &Path, out: &Path, watermark: Option<&str>) -> Result<String> {
    let limits = media::Limits::new(config.max_pixels, config.decode_budget);
    let r =
        media::render(&std::fs::File::open(file)?, media::Edges::served(), &limits).map_err(|e| match e {
            MediaError::Invalid(reason) => AppError::Invalid(format!("{}: {reason}", file.display())),
            MediaError::Io(e) => AppError::Internal(format!("{}: {e}", file.display())),
        })?;
    std::fs::create_dir_all(out)?;
    let mut parts = vec![format!("{} {}x{}", r.content_type, r.width, r.height)];
    for (name, e) in [("thumb", &r.thumb), ("medium", &r.medium), ("preview", &r.preview)] {
        std::fs::write(out.join(format!("{name}.jpg")), &e.bytes)?;
        parts.push(format!("{name} {}x{} {}", e.width, e.height, &blake3::hash(&e.bytes).to_hex()[..16]));
    }
    if let Some(text) = watermark {
        let wm = crate::domain::Watermark { text: Some(text.to_string()), ..Default::default() };
        let mark = media::watermark::Mark {
            text: wm.text.as_deref(),
            image: None,
            place: wm.position,
            opacity: wm.opacity,
            scale: wm.scale,
        };
        let e = media::watermark::apply(&r.preview.bytes, &mark)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        std::fs::write(out.join("preview-wm.jpg"), &e.bytes)?;
        parts.push(format!("preview-wm {}x{}", e.width, e.height));
    }
    Ok(parts.join(" | "))
}

/// Imports every image file directly in `dir` (sorted by name) into the gallery titled
/// `title` (created at the top level if none has that title). Returns (imported, skipped
/// with reasons).
pub async fn import_dir(
    state: &App,
    dir: &Path,
    title: &str,
    mark_final: bool,
) -> Result<(usize, Vec<String>)> {
    let wanted = title.trim().to_string();
    let existing =
        state.with_db(move |db| Ok(db.children(None)?.into_iter().find(|g| g.title == wanted))).await?;
    let gallery = match existing {
        Some(g) => g,
        None => super::galleries::create(state, title, None).await?,
    };
    let mut entries: Vec<_> =
        std::fs::read_dir(dir)?.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
    entries.sort();
    let (mut imported, mut skipped) = (0, Vec::new());
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let file = tokio::fs::File::open(&path).await?;
        match super::photos::upload(state, gallery.id, &name, file, mark_final).await {
            Ok(_) => imported += 1,
            Err(AppError::Internal(e)) => return Err(AppError::Internal(e)),
            Err(e) => skipped.push(format!("{name}: {e}")),
        }
    }
    Ok((imported, skipped))
}
