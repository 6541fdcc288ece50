//! `proofroom blobs migrate --to s3|disk`: copies every blob between the data disk and the
//! bucket, verifying each by its hash. Each blob is copied whole or not at all (a temp file
//! renamed into place on disk; a single put or a completed multipart upload in the bucket),
//! and one already there is skipped, so a migration killed at any moment simply runs again.

use std::io;

use super::{Blobs, Bucket};
use crate::domain::Hash;

/// What a migration did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Migrated {
    /// Blobs at the source.
    pub blobs: usize,
    /// Blobs copied this time.
    pub copied: usize,
    /// Blobs the destination already had whole (from an earlier, interrupted run).
    pub present: usize,
    pub bytes: u64,
    /// Blobs whose bytes no longer match their hash at the source: not copied.
    pub damaged: Vec<Hash>,
}

/// Copies every blob file of `disk` into `bucket`. A blob the bucket holds with the same size
/// is skipped; a copied one is read back from the bucket and re-hashed.
pub async fn to_bucket(disk: &Blobs, bucket: &Bucket, progress: impl Fn(&Migrated)) -> io::Result<Migrated> {
    let all = disk.list_local()?;
    let mut m = Migrated { blobs: all.len(), ..Default::default() };
    for hash in all {
        let path = disk.path(&hash);
        let size = std::fs::metadata(&path)?.len();
        if bucket.size(&hash).await? == Some(size) {
            m.present += 1;
        } else {
            match bucket.put_file(&hash, &path).await {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                    m.damaged.push(hash);
                    continue;
                }
                Err(e) => return Err(e),
            }
            if !bucket.verify(&hash).await? {
                return Err(io::Error::other(format!(
                    "the bucket's copy of blob {hash} does not match its hash"
                )));
            }
            m.copied += 1;
            m.bytes += size;
        }
        progress(&m);
    }
    Ok(m)
}

/// Copies every object of `bucket` onto `disk`, hash-checked on the way; a blob already on
/// disk is re-hashed and kept if intact.
pub async fn to_disk(disk: &Blobs, bucket: &Bucket, progress: impl Fn(&Migrated)) -> io::Result<Migrated> {
    let all = bucket.list().await?;
    let mut m = Migrated { blobs: all.len(), ..Default::default() };
    for hash in all {
        match disk.fetch_from(bucket, &hash).await {
            Ok(0) => m.present += 1,
            Ok(n) => {
                m.copied += 1;
                m.bytes += n;
            }
            Err(e) if e.kind() == io::ErrorKind::InvalidData => m.damaged.push(hash),
            Err(e) => return Err(e),
        }
        progress(&m);
    }
    Ok(m)
}
