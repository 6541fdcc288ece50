//! With a bucket, `blobs/` is a cache: at most `s3_cache_mb` of the most recently used
//! blobs. A read marks its file as used (its modification time, at most every ten minutes,
//! so reads stay reads); once the cache grows past its size, a background thread removes
//! the least recently used files until it is down to 80 %. A file is only removed once the
//! bucket is seen to hold it whole; one that is not there (written before the bucket was
//! configured) is put there first, so trimming never loses the only copy.

use std::{
    fs, io,
    path::PathBuf,
    sync::atomic::{AtomicBool, AtomicU64, Ordering},
    time::{Duration, SystemTime},
};

use super::Blobs;
use crate::domain::Hash;

/// A file read again within this time is not marked again.
const TOUCH_AFTER: Duration = Duration::from_secs(600);

#[derive(Debug)]
pub(super) struct Cache {
    cap: u64,
    used: AtomicU64,
    trimming: AtomicBool,
    /// Blobs brought from the bucket since the start (cache misses).
    pub(super) fetched: AtomicU64,
}

impl Cache {
    pub(super) fn new(cap: u64) -> Cache {
        Cache { cap, used: AtomicU64::new(0), trimming: AtomicBool::new(false), fetched: AtomicU64::new(0) }
    }
}

/// How the bucket's cache on the data disk is doing (for `/metrics`).
#[derive(Debug, Clone, Copy)]
pub struct CacheUsage {
    pub used: u64,
    pub cap: u64,
    /// Blobs fetched from the bucket since the start.
    pub fetched: u64,
}

/// Marks a cached file as just used.
pub(super) fn touch(file: &fs::File) {
    let stale = file
        .metadata()
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > TOUCH_AFTER));
    if stale {
        let _ = file.set_modified(SystemTime::now());
    }
}

impl Blobs {
    /// Counts a file that entered the cache, and starts a trim when it is over its size.
    pub(super) fn cached(&self, size: u64) {
        let Some(r) = &self.remote else { return };
        let used = r.cache.used.fetch_add(size, Ordering::Relaxed) + size;
        if used > r.cache.cap {
            self.start_trim();
        }
    }

    /// Measures (and trims) the cache on a thread of its own, unless one is at it already.
    pub(super) fn start_trim(&self) {
        let Some(r) = &self.remote else { return };
        if r.cache.trimming.swap(true, Ordering::AcqRel) {
            return;
        }
        let this = self.clone();
        let spawned = std::thread::Builder::new().name("blob-cache".into()).spawn(move || {
            if let Err(e) = this.trim() {
                tracing::warn!("trimming the blob cache stopped: {e}");
            }
            if let Some(r) = &this.remote {
                r.cache.trimming.store(false, Ordering::Release);
            }
        });
        if let Err(e) = spawned {
            tracing::warn!("could not start trimming the blob cache: {e}");
            r.cache.trimming.store(false, Ordering::Release);
        }
    }

    /// Every cached file with when it was last used and its size.
    fn cached_files(&self) -> io::Result<Vec<(SystemTime, u64, PathBuf, Hash)>> {
        let mut out = Vec::new();
        for a in fs::read_dir(&self.root)? {
            for b in fs::read_dir(a?.path())? {
                for f in fs::read_dir(b?.path())? {
                    let f = f?;
                    let Some(hash) = f.file_name().to_str().and_then(|n| n.parse().ok()) else {
                        continue;
                    };
                    // A file removed meanwhile (by gc) is simply not counted.
                    let Ok(meta) = f.metadata() else { continue };
                    out.push((meta.modified()?, meta.len(), f.path(), hash));
                }
            }
        }
        Ok(out)
    }

    fn trim(&self) -> io::Result<()> {
        let Some(r) = &self.remote else { return Ok(()) };
        let mut files = self.cached_files()?;
        let mut used: u64 = files.iter().map(|f| f.1).sum();
        r.cache.used.store(used, Ordering::Relaxed);
        let target = r.cache.cap / 10 * 8;
        if used <= r.cache.cap {
            return Ok(());
        }
        files.sort_unstable_by_key(|f| f.0);
        let mut removed = 0usize;
        for (_, size, path, hash) in files {
            if used <= target {
                break;
            }
            if r.bucket.wait(r.bucket.size(&hash))? != Some(size) {
                match r.bucket.wait(r.bucket.put_file(&hash, &path)) {
                    Ok(_) => tracing::info!(blob = %hash, "put a blob only this disk had into the bucket"),
                    Err(e) => {
                        // Damaged here (check reports it) or the bucket refused: keep it.
                        tracing::warn!(blob = %hash, "kept in the cache, not in the bucket: {e}");
                        continue;
                    }
                }
            }
            match fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            used -= size;
            let _ = r
                .cache
                .used
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |u| Some(u.saturating_sub(size)));
        }
        tracing::info!(removed, used, cap = r.cache.cap, "trimmed the blob cache");
        Ok(())
    }

    /// The cache's use, with a bucket.
    pub fn cache_usage(&self) -> Option<CacheUsage> {
        self.remote.as_ref().map(|r| CacheUsage {
            used: r.cache.used.load(Ordering::Relaxed),
            cap: r.cache.cap,
            fetched: r.cache.fetched.load(Ordering::Relaxed),
        })
    }
}
