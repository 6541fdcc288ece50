//! Content-addressed blob files, named by their blake3 hash and sharded two levels deep
//! (`blobs/ab/cd/<hash>`). A blob is written once: streamed to `tmp/` while hashing, fsynced,
//! renamed into place (or dropped when an identical blob is already there), and the
//! directory fsynced, before the caller records it. A crash therefore leaves at worst an
//! orphan file for `gc`, never a record that points at nothing.
//!
//! This is the one place that knows where bytes live; an object-store backend can later sit
//! behind the same few methods.

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::domain::Hash;

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
}

impl Blobs {
    /// Uses `data_dir/blobs` and `data_dir/tmp` (same filesystem, so rename is atomic).
    /// Leftover temp files from a crash are removed: nothing was acknowledged for them.
    pub fn open(data_dir: &Path) -> io::Result<Self> {
        let root = data_dir.join("blobs");
        let tmp = data_dir.join("tmp");
        fs::create_dir_all(&root)?;
        if tmp.exists() {
            fs::remove_dir_all(&tmp)?;
        }
        fs::create_dir_all(&tmp)?;
        Ok(Self { root, tmp })
    }

    pub fn path(&self, hash: &Hash) -> PathBuf {
        let h = hash.to_hex();
        self.root.join(&h[0..2]).join(&h[2..4]).join(h)
    }

    pub fn exists(&self, hash: &Hash) -> bool {
        self.path(hash).is_file()
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
        let tmp = self.temp_path();
        let result = async {
            let mut file = tokio::fs::File::create(&tmp).await?;
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
                hasher.update(&buf[..filled]);
                file.write_all(&buf[..filled]).await?;
            }
            file.sync_all().await?;
            Ok(Stored { hash: hasher.finalize().into(), size })
        }
        .await;
        match result {
            Ok(stored) => {
                let this = self.clone();
                let tmp2 = tmp.clone();
                tokio::task::spawn_blocking(move || this.commit_temp(&tmp2, &stored.hash))
                    .await
                    .map_err(|e| io::Error::other(e.to_string()))??;
                Ok(stored)
            }
            Err(e) => {
                let _ = tokio::fs::remove_file(&tmp).await;
                Err(e)
            }
        }
    }

    /// Writes a small blob held in memory (a rendition). Synchronous: called from workers.
    pub fn put_bytes(&self, bytes: &[u8]) -> io::Result<Stored> {
        let hash: Hash = blake3::hash(bytes).into();
        if !self.exists(&hash) {
            let tmp = self.temp_path();
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            self.commit_temp(&tmp, &hash)?;
        }
        Ok(Stored { hash, size: bytes.len() as u64 })
    }

    /// Moves a synced temp file into place, or drops it when the blob already exists.
    fn commit_temp(&self, tmp: &Path, hash: &Hash) -> io::Result<()> {
        let dest = self.path(hash);
        if dest.is_file() {
            return fs::remove_file(tmp);
        }
        let dir = dest.parent().ok_or_else(|| io::Error::other("blob path has no parent"))?;
        fs::create_dir_all(dir)?;
        fs::rename(tmp, &dest)?;
        // The rename is only durable once the directory entry is on disk.
        fs::File::open(dir)?.sync_all()
    }

    /// Re-hashes a blob and says whether its bytes still match its name.
    pub fn verify(&self, hash: &Hash) -> io::Result<bool> {
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

    /// Every blob on disk. Files whose names are not hashes are skipped.
    pub fn list(&self) -> io::Result<Vec<Hash>> {
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

    pub fn remove(&self, hash: &Hash) -> io::Result<u64> {
        let path = self.path(hash);
        let size = fs::metadata(&path)?.len();
        fs::remove_file(path)?;
        Ok(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn streams_dedups_and_refuses_oversized() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::open(dir.path()).unwrap();
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
}
