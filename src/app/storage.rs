//! Where the blobs live: moving a studio's store between the data disk and an S3-compatible
//! bucket (`proofroom blobs migrate --to s3|disk`).

use crate::{
    blobs::{Blobs, Bucket, migrate},
    config::Config,
    db::Db,
};

/// Where a migration copies the blobs.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Target {
    /// Into the bucket of the s3_* settings.
    S3,
    /// Back onto the data disk, from that bucket.
    Disk,
}

/// Copies every blob to `to`, verified by hash, and reports. The database is opened (and
/// held) only to make sure no server is running: a server writing blobs meanwhile could
/// leave one behind.
pub async fn migrate(config: &Config, to: Target) -> anyhow::Result<migrate::Migrated> {
    let Some(s3) = &config.s3 else {
        anyhow::bail!("set s3_bucket, s3_access_key_id and s3_secret_access_key (and s3_endpoint) first");
    };
    let db_path = config.data_dir.join("proofroom.redb");
    let _held = Db::open(&db_path, 1 << 20)
        .map_err(|e| anyhow::anyhow!("{}: {e} (stop the server before migrating)", db_path.display()))?;
    let disk = Blobs::at(&config.data_dir, 0)?;
    let bucket = Bucket::new(s3)?;
    let progress = |m: &migrate::Migrated| {
        let done = m.copied + m.present + m.damaged.len();
        if done % 500 == 0 {
            eprintln!("{done} of {} blobs ({} copied, {} bytes)", m.blobs, m.copied, m.bytes);
        }
    };
    let report = match to {
        Target::S3 => migrate::to_bucket(&disk, &bucket, progress).await,
        Target::Disk => migrate::to_disk(&disk, &bucket, progress).await,
    };
    report.map_err(|e| anyhow::anyhow!("migrating to {}: {e} (run it again to go on)", bucket.name))
}

/// What the photographer does once a migration has finished.
pub fn next_step(to: Target, m: &migrate::Migrated) -> String {
    let done =
        format!("{} blob(s): {} copied ({} bytes), {} already there", m.blobs, m.copied, m.bytes, m.present);
    match to {
        Target::S3 => format!(
            "{done}. Start the server with the s3_* settings: it serves from the bucket and keeps \
             s3_cache_mb of the blobs on this disk (it trims the rest, checking each is in the bucket)."
        ),
        Target::Disk => format!(
            "{done}. Remove the s3_* settings and start the server: it serves from this disk. The \
             bucket is left as it was."
        ),
    }
}
