//! Content-addressed blob files, named by their blake3 hash and sharded two levels deep
//! (`blobs/ab/cd/<hash>`). A blob is written once: streamed to `tmp/` while hashing, fsynced,
//! renamed into place (or dropped when an identical blob is already there), and the
//! directory fsynced, before the caller records it. A crash therefore leaves at worst an
//! orphan file for `gc`, never a record that points at nothing.
//!
//! A write is checked to its last byte: the async writer's buffer is flushed before the
//! fsync (a write error otherwise surfaces only on the *next* write, which never comes), and
//! the synced file's length must equal what was hashed. A blob already on disk is trusted
//! for dedup only after its size and hash are checked; a wrong one (say, truncated by an
//! older build on a full disk) is replaced by the new, good copy.
//!
//! Uploads keep a free-space reserve: once less than `reserve` bytes are free on the data
//! disk, they stop with `BlobError::Full`, so the database and renditions still have room.
//!
//! This is the one place that knows where bytes live. With a bucket configured (`s3_*`
//! settings, `bucket.rs`), the bucket holds every blob and `blobs/` becomes a cache of the
//! most recently used ones (`cache.rs`): a write is still staged, hashed and fsynced here,
//! then put in the bucket, and only acknowledged once the bucket has confirmed it; a read
//! of a blob not on disk fetches it (hash-checked) into the cache, except a big original's
//! download, which streams from the bucket. `migrate.rs` moves a store between the two.

mod bucket;
mod cache;
pub mod migrate;

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

pub use bucket::Bucket;
pub use cache::CacheUsage;

use crate::{config::S3Config, domain::Hash};

/// A blob not on disk up to this size is fetched whole into the cache when a range of it is
/// asked for (renditions: served again soon); a bigger one streams from the bucket (an
/// original being downloaded should not push the thumbnails out of the cache).
const FETCH_WHOLE: u64 = 8 << 20;

/// How much of a stream is read per write: big enough that syscalls don't dominate, small
/// enough that memory per upload stays flat.
const CHUNK: usize = 1 << 20;

#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    #[error("blob storage: {0}")]
    Io(#[from] io::Error),
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    /// The source stream failed (a client that went away mid-upload); nothing was stored.
    #[error("the upload stopped before the end: {0}")]
    Source(io::Error),
    /// The disk is full, or would fall under the free-space reserve; nothing was stored.
    #[error("the data disk is full ({free} bytes free, {reserve} kept in reserve)")]
    Full { free: u64, reserve: u64 },
    /// The bucket did not confirm the object; nothing was acknowledged.
    #[error("the bucket did not take the file: {0}")]
    Bucket(io::Error),
}

/// Whether an I/O error means the disk has no room left.
pub fn is_disk_full(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded)
}

/// What a write stored.
#[derive(Debug, Clone, Copy)]
pub struct Stored {
    pub hash: Hash,
    pub size: u64,
}

#[derive(Clone, Debug)]
pub struct Blobs {
    root: PathBuf,
    tmp: PathBuf,
    /// Bytes uploads leave free on the disk.
    reserve: u64,
    /// With a bucket, the blobs live there and `root` is a cache of them.
    remote: Option<Arc<Remote>>,
}

#[derive(Debug)]
struct Remote {
    bucket: Bucket,
    cache: cache::Cache,
}

impl Blobs {
    /// Uses `data_dir/blobs` and `data_dir/tmp` (same filesystem, so rename is atomic).
    /// Leftover temp files from a crash are removed: nothing was acknowledged for them.
    pub fn at(data_dir: &Path, reserve: u64) -> io::Result<Self> {
        let root = data_dir.join("blobs");
        let tmp = data_dir.join("tmp");
        fs::create_dir_all(&root)?;
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        Ok(Self { root, tmp, reserve, remote: None })
    }

    /// Blobs kept in an S3-compatible bucket, with `data_dir/blobs` as a cache of at most
    /// `s3.cache_bytes` (trimmed in the background, least recently used first). Must be
    /// called inside the tokio runtime.
    pub fn with_bucket(data_dir: &Path, reserve: u64, s3: &S3Config) -> io::Result<Self> {
        let mut blobs = Self::at(data_dir, reserve)?;
        let bucket = Bucket::new(s3)?;
        blobs.remote = Some(Arc::new(Remote { bucket, cache: cache::Cache::new(s3.cache_bytes) }));
        // Measures the cache, and trims it if a smaller size was configured (or the files
        // of a disk store just migrated to the bucket are still here).
        blobs.start_trim();
        Ok(blobs)
    }

    /// The bucket, if blobs live in one.
    pub fn bucket(&self) -> Option<&Bucket> {
        self.remote.as_ref().map(|r| &r.bucket)
    }

    /// Bytes free for an unprivileged writer on the disk that holds the blobs.
    pub fn free_space(&self) -> io::Result<u64> {
        let st = rustix::fs::statvfs(&self.tmp).map_err(io::Error::from)?;
        Ok(st.f_bavail.saturating_mul(st.f_frsize))
    }

    /// The free-space reserve uploads keep.
    pub fn reserve(&self) -> u64 {
        self.reserve
    }

    /// Refuses an upload once the disk is down to its reserve.
    fn check_room(&self) -> Result<(), BlobError> {
        let free = self.free_space()?;
        if free < self.reserve {
            return Err(BlobError::Full { free, reserve: self.reserve });
        }
        Ok(())
    }

    /// Whether a small file can be written and synced in the staging folder right now
    /// (`/healthz` asks: a full or read-only disk answers false).
    pub fn writable(&self) -> bool {
        let probe = self.tmp.join(".probe");
        let ok = fs::File::create(&probe).and_then(|mut f| f.write_all(b"ok").and_then(|_| f.sync_all()));
        let _ = fs::remove_file(&probe);
        ok.is_ok()
    }

    /// Where a blob's file lives. Private: callers read bytes through `open`, `read`,
    /// `len` and `range`, so that another store (an object store) can stand behind them.
    fn path(&self, hash: &Hash) -> PathBuf {
        let h = hash.to_hex();
        self.root.join(&h[0..2]).join(&h[2..4]).join(h)
    }

    /// A blob's bytes as a file to read (and seek) on a blocking thread (decoders). With a
    /// bucket, a blob not in the cache is fetched into it first.
    pub fn open(&self, hash: &Hash) -> io::Result<fs::File> {
        match (self.open_local(hash), &self.remote) {
            (Err(e), Some(r)) if e.kind() == io::ErrorKind::NotFound => {
                r.bucket.wait(self.fetch(hash))?;
                self.open_local(hash)
            }
            (opened, _) => opened,
        }
    }

    /// The file on this disk, marked as used (for the cache's least-recently-used order).
    fn open_local(&self, hash: &Hash) -> io::Result<fs::File> {
        let f = fs::File::open(self.path(hash))?;
        if self.remote.is_some() {
            cache::touch(&f);
        }
        Ok(f)
    }

    /// Brings a blob from the bucket into the cache, hash-checked and synced.
    async fn fetch(&self, hash: &Hash) -> io::Result<()> {
        let Some(r) = &self.remote else {
            return Err(io::Error::new(io::ErrorKind::NotFound, format!("blob {hash} is not stored")));
        };
        let tmp = self.temp_path();
        let fetched = async {
            let size = r.bucket.fetch_into(hash, &tmp).await?;
            let this = self.clone();
            let (tmp2, stored) = (tmp.clone(), Stored { hash: *hash, size });
            tokio::task::spawn_blocking(move || this.commit_temp(&tmp2, &stored))
                .await
                .map_err(|e| io::Error::other(e.to_string()))??;
            Ok(size)
        }
        .await;
        match fetched {
            Ok(size) => {
                r.cache.fetched.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                self.cached(size);
                Ok(())
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
    }

    /// A signed link that downloads the blob straight from the bucket as `filename`, when
    /// a bucket is configured with direct downloads on.
    pub fn direct_url(&self, hash: &Hash, filename: &str) -> Option<String> {
        self.remote.as_ref()?.bucket.direct_url(hash, filename)
    }

    /// A blob's bytes, whole (renditions, logos: small files).
    pub fn read(&self, hash: &Hash) -> io::Result<Vec<u8>> {
        let mut bytes = Vec::new();
        self.open(hash)?.read_to_end(&mut bytes)?;
        Ok(bytes)
    }

    /// A blob's size in bytes.
    pub async fn len(&self, hash: &Hash) -> io::Result<u64> {
        match (tokio::fs::metadata(self.path(hash)).await, &self.remote) {
            (Err(e), Some(r)) if e.kind() == io::ErrorKind::NotFound => {
                r.bucket.size(hash).await?.ok_or_else(|| {
                    io::Error::new(io::ErrorKind::NotFound, format!("blob {hash} is not in the bucket"))
                })
            }
            (meta, _) => Ok(meta?.len()),
        }
    }

    /// `len` bytes of a blob from `start`, to stream (downloads, Range requests, zips).
    pub async fn range(
        &self,
        hash: &Hash,
        start: u64,
        len: u64,
    ) -> io::Result<Box<dyn AsyncRead + Send + Unpin>> {
        use tokio::io::AsyncSeekExt;
        let this = self.clone();
        let h = *hash;
        let local = tokio::task::spawn_blocking(move || this.open_local(&h))
            .await
            .map_err(|e| io::Error::other(e.to_string()))?;
        let file = match (local, &self.remote) {
            (Ok(f), _) => f,
            (Err(e), Some(r)) if e.kind() == io::ErrorKind::NotFound => {
                if self.len(hash).await? > FETCH_WHOLE {
                    return Ok(Box::new(r.bucket.range(hash, start, len).await?));
                }
                self.fetch(hash).await?;
                let this = self.clone();
                tokio::task::spawn_blocking(move || this.open_local(&h))
                    .await
                    .map_err(|e| io::Error::other(e.to_string()))??
            }
            (Err(e), _) => return Err(e),
        };
        let mut f = tokio::fs::File::from_std(file);
        if start > 0 {
            f.seek(io::SeekFrom::Start(start)).await?;
        }
        Ok(Box::new(tokio::io::BufReader::with_capacity(1 << 16, f).take(len)))
    }

    fn temp_path(&self) -> PathBuf {
        self.tmp.join(format!("{}.part", ulid::Ulid::new()))
    }

    /// Streams `reader` into a new blob, hashing as bytes arrive. Refuses (and leaves
    /// nothing behind) once more than `limit` bytes have come.
    pub async fn put_stream(
        &self,
        mut reader: impl AsyncRead + Unpin,
        limit: u64,
    ) -> Result<Stored, BlobError> {
        self.check_room()?;
        let tmp = self.temp_path();
        let result = async {
            let mut file = tokio::fs::File::create(&tmp).await.map_err(full_or_io)?;
            let mut hasher = blake3::Hasher::new();
            let mut buf = vec![0u8; CHUNK];
            let mut size = 0u64;
            loop {
                // Fill most of the buffer before writing: a network read returns a few KiB.
                let mut filled = 0;
                while filled < CHUNK {
                    let n = reader.read(&mut buf[filled..]).await.map_err(BlobError::Source)?;
                    if n == 0 {
                        break;
                    }
                    filled += n;
                }
                if filled == 0 {
                    break;
                }
                size += filled as u64;
                if size > limit {
                    return Err(BlobError::TooLarge { limit });
                }
                self.check_room()?;
                hasher.update(&buf[..filled]);
                file.write_all(&buf[..filled]).await.map_err(full_or_io)?;
            }
            // tokio's File writes in the background: without this flush, the last chunk's
            // error (ENOSPC) would be kept for a next write and `sync_all` would succeed.
            file.flush().await.map_err(full_or_io)?;
            file.sync_all().await.map_err(full_or_io)?;
            let on_disk = file.metadata().await?.len();
            if on_disk != size {
                return Err(BlobError::Io(io::Error::other(format!(
                    "the staged file has {on_disk} bytes, {size} were written"
                ))));
            }
            let stored = Stored { hash: hasher.finalize().into(), size };
            // The bucket confirms before anyone is told the file is safe.
            self.upload(&stored, &tmp).await.map_err(BlobError::Bucket)?;
            let this = self.clone();
            let tmp2 = tmp.clone();
            tokio::task::spawn_blocking(move || this.commit_temp(&tmp2, &stored))
                .await
                .map_err(|e| io::Error::other(e.to_string()))?
                .map_err(full_or_io)?;
            self.cached(size);
            Ok(stored)
        }
        .await;
        if result.is_err() {
            let _ = tokio::fs::remove_file(&tmp).await;
        }
        result
    }

    /// Puts a staged file in the bucket, unless the bucket already has it (same name and
    /// size: objects are written whole or not at all). Nothing to do without a bucket.
    async fn upload(&self, stored: &Stored, staged: &Path) -> io::Result<()> {
        let Some(r) = &self.remote else { return Ok(()) };
        if r.bucket.size(&stored.hash).await? != Some(stored.size) {
            r.bucket.put_file(&stored.hash, staged).await?;
        }
        Ok(())
    }

    /// Writes a small blob held in memory (a rendition). Synchronous: called from workers.
    pub fn put_bytes(&self, bytes: &[u8]) -> io::Result<Stored> {
        let stored = Stored { hash: blake3::hash(bytes).into(), size: bytes.len() as u64 };
        if self.remote.is_none() && self.intact(&stored)? {
            return Ok(stored);
        }
        let tmp = self.temp_path();
        let written = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            if let Some(r) = &self.remote {
                r.bucket.wait(self.upload(&stored, &tmp))?;
            }
            self.commit_temp(&tmp, &stored)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        } else {
            self.cached(stored.size);
        }
        written.map(|_| stored)
    }

    /// Copies blob `hash` from `from` into this store (a backup's, or a data dir restored
    /// from one), hashing as it reads: a source whose bytes no longer match its name is
    /// refused, never copied. A blob already here with the same length is left alone (a
    /// second backup copies only what is new). Returns the bytes copied.
    pub fn copy_from(&self, from: &Blobs, hash: &Hash) -> io::Result<u64> {
        let size = match (fs::metadata(from.path(hash)), &from.remote) {
            // Not in the source's cache: straight from its bucket into this store.
            (Err(e), Some(r)) if e.kind() == io::ErrorKind::NotFound => {
                return r.bucket.wait(self.fetch_from(&r.bucket, hash));
            }
            (meta, _) => meta?.len(),
        };
        if fs::metadata(self.path(hash)).is_ok_and(|m| m.is_file() && m.len() == size) {
            return Ok(0);
        }
        let tmp = self.temp_path();
        let written = (|| {
            let mut src = fs::File::open(from.path(hash))?;
            let mut dst = fs::File::create(&tmp)?;
            let mut hasher = blake3::Hasher::new();
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = src.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                dst.write_all(&buf[..n])?;
            }
            if Hash::from(hasher.finalize()) != *hash {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("blob {hash}: its bytes no longer match its hash (disk corruption?)"),
                ));
            }
            dst.sync_all()?;
            self.commit_temp(&tmp, &Stored { hash: *hash, size })
        })();
        if written.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        written.map(|_| size)
    }

    /// Copies an object of `bucket` into this store's disk (hash-checked, synced, renamed
    /// into place), unless an intact copy is already here. Returns the bytes copied.
    pub(crate) async fn fetch_from(&self, bucket: &Bucket, hash: &Hash) -> io::Result<u64> {
        if let Some(size) = bucket.size(hash).await?
            && self.intact(&Stored { hash: *hash, size })?
        {
            return Ok(0);
        }
        let tmp = self.temp_path();
        let fetched = async {
            let size = bucket.fetch_into(hash, &tmp).await?;
            self.commit_temp(&tmp, &Stored { hash: *hash, size })?;
            Ok(size)
        }
        .await;
        if fetched.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        fetched
    }

    /// Whether the blob is on disk with exactly the expected bytes. Dedup trusts nothing
    /// less: a file of the right name but the wrong size or hash is to be replaced.
    fn intact(&self, expected: &Stored) -> io::Result<bool> {
        match fs::metadata(self.path(&expected.hash)) {
            Ok(m) if m.is_file() && m.len() == expected.size => self.verify_local(&expected.hash),
            Ok(_) => Ok(false),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Moves a synced temp file into place, or drops it when an intact copy is already
    /// there. A damaged copy is replaced: the rename swaps it atomically.
    fn commit_temp(&self, tmp: &Path, stored: &Stored) -> io::Result<()> {
        let dest = self.path(&stored.hash);
        if self.intact(stored)? {
            return fs::remove_file(tmp);
        }
        if dest.exists() {
            tracing::warn!(blob = %stored.hash, "replacing a damaged blob with a good copy");
        }
        let dir = dest.parent().ok_or_else(|| io::Error::other("blob path has no parent"))?;
        fs::create_dir_all(dir)?;
        fs::rename(tmp, &dest)?;
        // The rename is only durable once the directory entry is on disk.
        fs::File::open(dir)?.sync_all()
    }

    /// Re-hashes a blob and says whether its bytes still match its name: the bucket's
    /// object when there is a bucket (a damaged cached copy is dropped on the way).
    pub fn verify(&self, hash: &Hash) -> io::Result<bool> {
        if let Some(r) = &self.remote {
            if self.path(hash).exists() && !self.verify_local(hash)? {
                tracing::warn!(blob = %hash, "dropping a damaged cached copy");
                let _ = fs::remove_file(self.path(hash));
            }
            return r.bucket.wait(r.bucket.verify(hash));
        }
        self.verify_local(hash)
    }

    fn verify_local(&self, hash: &Hash) -> io::Result<bool> {
        let mut f = fs::File::open(self.path(hash))?;
        let mut hasher = blake3::Hasher::new();
        let mut buf = vec![0u8; CHUNK];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        Ok(Hash::from(hasher.finalize()) == *hash)
    }

    /// Every blob (in the bucket, when there is one). Names that are not hashes are skipped.
    pub fn list(&self) -> io::Result<Vec<Hash>> {
        match &self.remote {
            Some(r) => r.bucket.wait(r.bucket.list()),
            None => self.list_local(),
        }
    }

    /// Every blob file on this disk.
    fn list_local(&self) -> io::Result<Vec<Hash>> {
        let mut out = Vec::new();
        for a in fs::read_dir(&self.root)? {
            for b in fs::read_dir(a?.path())? {
                for f in fs::read_dir(b?.path())? {
                    if let Some(h) = f?.file_name().to_str().and_then(|n| n.parse().ok()) {
                        out.push(h);
                    }
                }
            }
        }
        Ok(out)
    }

    /// Deletes a blob (from the bucket and the cache, with a bucket). Returns its size.
    pub fn remove(&self, hash: &Hash) -> io::Result<u64> {
        let path = self.path(hash);
        let Some(r) = &self.remote else {
            let size = fs::metadata(&path)?.len();
            fs::remove_file(path)?;
            return Ok(size);
        };
        let size = r.bucket.wait(async {
            let size = r.bucket.size(hash).await?.unwrap_or(0);
            r.bucket.delete(hash).await?;
            Ok::<_, io::Error>(size)
        })?;
        match fs::remove_file(path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(size),
        }
    }
}

/// An I/O error from writing a blob, with a full disk told apart from other failures.
fn full_or_io(e: io::Error) -> BlobError {
    if is_disk_full(&e) { BlobError::Full { free: 0, reserve: 0 } } else { BlobError::Io(e) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn streams_dedups_and_refuses_oversized() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::at(dir.path(), 0).unwrap();
        let data = vec![42u8; 3 * CHUNK + 17];
        let a = blobs.put_stream(&data[..], u64::MAX).await.unwrap();
        assert_eq!(a.hash, Hash::from(blake3::hash(&data)));
        assert_eq!(a.size, data.len() as u64);
        let b = blobs.put_stream(&data[..], u64::MAX).await.unwrap();
        assert_eq!(a.hash, b.hash);
        assert_eq!(blobs.list().unwrap(), vec![a.hash]);
        assert!(blobs.verify(&a.hash).unwrap());
        let err = blobs.put_stream(&data[..], 100).await.unwrap_err();
        assert!(matches!(err, BlobError::TooLarge { limit: 100 }));
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0, "no temp file left");
        fs::write(blobs.path(&a.hash), b"bit rot").unwrap();
        assert!(!blobs.verify(&a.hash).unwrap());
    }

    #[tokio::test]
    async fn a_damaged_blob_is_replaced_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::at(dir.path(), 0).unwrap();
        let data = vec![7u8; CHUNK + 5];
        let a = blobs.put_stream(&data[..], u64::MAX).await.unwrap();
        // Truncated (as a full disk left it), then the same bytes come again.
        fs::write(blobs.path(&a.hash), &data[..100]).unwrap();
        blobs.put_stream(&data[..], u64::MAX).await.unwrap();
        assert_eq!(fs::read(blobs.path(&a.hash)).unwrap(), data);
        // Same size, other bytes: the hash check catches it too (renditions' path).
        let small = b"rendition bytes".to_vec();
        let s = blobs.put_bytes(&small).unwrap();
        fs::write(blobs.path(&s.hash), b"renditiXn bytes").unwrap();
        blobs.put_bytes(&small).unwrap();
        assert_eq!(fs::read(blobs.path(&s.hash)).unwrap(), small);
    }

    #[tokio::test]
    async fn uploads_stop_at_the_reserve() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::at(dir.path(), u64::MAX).unwrap();
        let err = blobs.put_stream(&b"abc"[..], u64::MAX).await.unwrap_err();
        assert!(matches!(err, BlobError::Full { .. }), "{err}");
        assert_eq!(fs::read_dir(dir.path().join("tmp")).unwrap().count(), 0, "no temp file left");
    }
}
