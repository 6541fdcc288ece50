//! Backups while the server runs, and restoring one onto an empty data directory.
//!
//! A backup folder holds `proofroom.redb` (a consistent snapshot of every table at one
//! commit), `blobs/` (laid out as in the data directory, so a restore copies them back) and
//! `manifest.jsonl`: a line per photo version (gallery path, filename, version, state,
//! hash, file), so the photographs can be found with a file browser even if the database
//! is ever lost. Blobs already in the folder are not copied again: a nightly backup copies
//! what is new.

use std::{
    collections::HashMap,
    fs,
    io::Write,
    path::{Path, PathBuf},
};

use serde::Serialize;

use super::{App, AppError, Result, blocking};
use crate::{blobs::Blobs, db::Db, domain::GalleryId};

const DB_FILE: &str = "proofroom.redb";
const MANIFEST: &str = "manifest.jsonl";

/// What a backup did.
#[derive(Debug, Default, Serialize)]
pub struct BackupReport {
    /// Rows in the database snapshot.
    pub rows: u64,
    /// Blobs in the data directory, and how many of them (and bytes) were new to the backup.
    pub blobs: usize,
    pub copied: usize,
    pub bytes: u64,
    /// Photo versions listed in the manifest.
    pub manifest: usize,
    /// Blobs that could not be copied (their bytes no longer match their hash).
    pub problems: Vec<String>,
}

/// One line of the manifest.
#[derive(Serialize)]
struct Line<'a> {
    gallery: String,
    gallery_id: GalleryId,
    filename: &'a str,
    /// 1 for the first upload; the last is the one clients see.
    version: usize,
    state: &'a str,
    hash: String,
    bytes: u64,
    /// Where the file is, relative to the backup folder.
    file: String,
}

/// Writes `bytes` to `path` through a synced temp file and a rename.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let part = path.with_extension("part");
    let mut f = fs::File::create(&part)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    fs::rename(&part, path)?;
    sync_dir(path)
}

fn sync_dir(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(dir) => fs::File::open(dir)?.sync_all(),
        None => Ok(()),
    }
}

/// Backs the running store up into `dest` (created if missing).
pub async fn backup(app: &App, dest: &Path) -> Result<BackupReport> {
    let (db, blobs, dest) = (app.db.clone(), app.blobs.clone(), dest.to_path_buf());
    blocking(move || backup_blocking(&db, &blobs, &dest)).await
}

fn backup_blocking(db: &Db, blobs: &Blobs, dest: &Path) -> Result<BackupReport> {
    fs::create_dir_all(dest)?;
    let mut report = BackupReport::default();
    // The snapshot first: every blob it names is on disk already (a blob is written before
    // its record), so the blobs listed after it cover it.
    let part = dest.join(format!("{DB_FILE}.part"));
    if part.exists() {
        fs::remove_file(&part)?;
    }
    report.rows = db.snapshot_to(&part)?;
    fs::rename(&part, dest.join(DB_FILE))?;
    sync_dir(&dest.join(DB_FILE))?;
    let into = Blobs::at(dest, 0)?;
    let all = blobs.list()?;
    report.blobs = all.len();
    // One copier: each file is fsynced as it lands, and two copiers fsyncing on one disk
    // were not faster here (bench/backup.py).
    let results = all.iter().map(|h| into.copy_from(blobs, h));
    for r in results {
        match r {
            Ok(0) => {}
            Ok(n) => {
                report.copied += 1;
                report.bytes += n;
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => report.problems.push(e.to_string()),
            Err(e) => return Err(e.into()),
        }
    }
    report.manifest = write_manifest(&dest.join(DB_FILE), &dest.join(MANIFEST))?;
    Ok(report)
}

/// The manifest of the snapshot at `snapshot`, written to `path`.
fn write_manifest(snapshot: &Path, path: &Path) -> Result<usize> {
    let db = Db::open(snapshot, 16 << 20)?;
    let galleries: HashMap<GalleryId, _> = db.galleries()?.into_iter().map(|g| (g.id, g)).collect();
    let path_of = |mut id: GalleryId| {
        let mut names = Vec::new();
        while let Some(g) = galleries.get(&id) {
            names.push(g.title.clone());
            match g.parent {
                Some(p) if names.len() < 64 => id = p,
                _ => break,
            }
        }
        names.reverse();
        names.join(" / ")
    };
    let mut out = Vec::new();
    let (mut n, mut failed) = (0, None);
    db.for_each_photo(|p| {
        let gallery = path_of(p.gallery);
        for (i, v) in p.versions.iter().enumerate() {
            let hex = v.blob.to_hex();
            let line = Line {
                gallery: gallery.clone(),
                gallery_id: p.gallery,
                filename: &p.filename,
                version: i + 1,
                state: p.state.as_str(),
                hash: hex.clone(),
                bytes: v.size,
                file: format!("blobs/{}/{}/{hex}", &hex[0..2], &hex[2..4]),
            };
            if let Err(e) = serde_json::to_writer(&mut out, &line) {
                failed = Some(AppError::Internal(e.to_string()));
            }
            out.push(b'\n');
            n += 1;
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    write_atomically(path, &out)?;
    Ok(n)
}

/// What a restore did.
#[derive(Debug, Default)]
pub struct RestoreReport {
    pub blobs: usize,
    pub bytes: u64,
}

/// Restores the backup at `from` into the data directory `data_dir`, which must hold no
/// store yet. Every blob is hashed as it is copied back.
pub fn restore(from: &Path, data_dir: &Path) -> Result<RestoreReport> {
    let snapshot = from.join(DB_FILE);
    if !snapshot.is_file() {
        return Err(AppError::Invalid(format!(
            "{} is not a proofroom backup (no {DB_FILE})",
            from.display()
        )));
    }
    let target = data_dir.join(DB_FILE);
    if target.exists() {
        return Err(AppError::Invalid(format!(
            "{} already holds a store: restore into an empty data directory",
            data_dir.display()
        )));
    }
    fs::create_dir_all(data_dir)?;
    let (source, into) = (Blobs::at(from, 0)?, Blobs::at(data_dir, 0)?);
    let mut report = RestoreReport::default();
    for h in source.list()? {
        report.bytes += into.copy_from(&source, &h)?;
        report.blobs += 1;
    }
    // The store last: a restore cut short leaves no store, so it can simply run again.
    let part: PathBuf = data_dir.join(format!("{DB_FILE}.part"));
    fs::copy(&snapshot, &part)?;
    fs::File::open(&part)?.sync_all()?;
    fs::rename(&part, &target)?;
    sync_dir(&target)?;
    Ok(report)
}
