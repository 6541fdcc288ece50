//! The only module that imports redb. `Db` is cheap to clone; every method is synchronous and
//! short, and callers run it on a blocking thread (`app::blocking`). No method waits on the
//! network or on big file I/O while a write transaction is open.

mod activity;
mod auth;
mod backup;
pub mod codec;
mod galleries;
mod jobs;
mod journey;
mod listing;
mod live;
mod mail;
mod media;
mod orders;
mod photos;
mod sharing;
mod studio;
mod tables;

use std::{
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use redb::{ReadableDatabase, ReadableTable};

pub use jobs::ClaimedJob;
pub use journey::Sent;
pub use listing::{RecentCursor, RowDetails};
pub use orders::{Effects, Placed};

/// The schema this build writes. Older stores are migrated on open; newer ones are refused.
const SCHEMA_VERSION: u64 = 3;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Storage(#[from] redb::Error),
    #[error("database record is corrupt: {0}")]
    Corrupt(String),
    #[error("the data directory was written by a newer proofroom (schema {0}); upgrade proofroom")]
    TooNew(u64),
    #[error("the database is in use by another proofroom process; stop it first")]
    InUse,
    /// A write failed on the disk (full, or failing) and the store could not be reopened yet.
    #[error("the database cannot be opened again after a disk error: {0}")]
    Unavailable(String),
}

impl DbError {
    /// Whether the disk ran out of space under this error.
    pub fn is_disk_full(&self) -> bool {
        match self {
            DbError::Storage(redb::Error::Io(e)) => {
                matches!(e.kind(), std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded)
            }
            _ => false,
        }
    }

    /// Whether storage is failing (rather than a record or a rule being wrong).
    pub fn is_storage_failure(&self) -> bool {
        matches!(
            self,
            DbError::Unavailable(_) | DbError::Storage(redb::Error::Io(_) | redb::Error::PreviousIo)
        )
    }
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for DbError {
            fn from(e: $t) -> Self {
                DbError::Storage(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::DatabaseError
);

pub type Result<T> = std::result::Result<T, DbError>;

/// The store, reopened in place after a disk error. redb refuses every transaction after a
/// failed write (`PreviousIo`) until the file is opened again; on a NAS whose disk filled
/// up that would mean an outage until someone restarts the server, although freeing space
/// is all it takes. So the next transaction after such an error drops the handle, reopens
/// the file (redb repairs it from its last good commit) and goes on.
#[derive(Clone)]
pub struct Db {
    shared: Arc<Shared>,
}

struct Shared {
    path: PathBuf,
    cache: usize,
    /// `None` while a reopen has not succeeded.
    current: RwLock<Option<Arc<redb::Database>>>,
}

/// How long a reopen waits for transactions still holding the old file to end.
const REOPEN_WAIT: Duration = Duration::from_secs(3);

fn open_file(path: &Path, cache: usize) -> Result<redb::Database> {
    redb::Database::builder().set_cache_size(cache).create(path).map_err(|e| match e {
        redb::DatabaseError::DatabaseAlreadyOpen => DbError::InUse,
        e => e.into(),
    })
}

fn previous_io(e: &redb::TransactionError) -> bool {
    matches!(e, redb::TransactionError::Storage(redb::StorageError::PreviousIo | redb::StorageError::Io(_)))
}

impl Db {
    /// Opens (or creates) the store, creates every table and runs migrations. `cache` is
    /// the memory (bytes) redb may keep of the file: its default, 1 GiB, would let the
    /// server's memory grow with the archive.
    pub fn open(path: &Path, cache: u64) -> Result<Self> {
        let cache = usize::try_from(cache).unwrap_or(usize::MAX);
        let inner = open_file(path, cache)?;
        let db = Db {
            shared: Arc::new(Shared {
                path: path.to_path_buf(),
                cache,
                current: RwLock::new(Some(Arc::new(inner))),
            }),
        };
        db.migrate()?;
        Ok(db)
    }

    fn handle(&self) -> Result<Arc<redb::Database>> {
        let current = self.shared.current.read().map_err(|_| DbError::Unavailable("lock".into()))?;
        match current.as_ref() {
            Some(db) => Ok(db.clone()),
            None => {
                drop(current);
                self.reopen(None)
            }
        }
    }

    /// Drops the failed handle and opens the file again (unless another thread already did).
    /// Transactions that still hold the old handle end within milliseconds (none is held
    /// across network or big file I/O), so this waits for them.
    fn reopen(&self, failed: Option<Arc<redb::Database>>) -> Result<Arc<redb::Database>> {
        let mut current = self.shared.current.write().map_err(|_| DbError::Unavailable("lock".into()))?;
        if let (Some(now), Some(failed)) = (current.as_ref(), failed.as_ref()) {
            if !Arc::ptr_eq(now, failed) {
                return Ok(now.clone());
            }
        }
        drop(failed);
        *current = None;
        let deadline = Instant::now() + REOPEN_WAIT;
        loop {
            match open_file(&self.shared.path, self.shared.cache) {
                Ok(db) => {
                    tracing::warn!("the database was reopened after a disk error");
                    let db = Arc::new(db);
                    *current = Some(db.clone());
                    return Ok(db);
                }
                Err(DbError::InUse) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20))
                }
                Err(e) => {
                    tracing::error!("the database cannot be reopened yet: {e}");
                    return Err(DbError::Unavailable(e.to_string()));
                }
            }
        }
    }

    /// Whether a write transaction can be started now (reopening the store if a disk error
    /// broke it). What `/healthz` asks.
    pub fn writable(&self) -> bool {
        match self.write() {
            Ok(txn) => txn.abort().is_ok(),
            Err(_) => false,
        }
    }

    fn migrate(&self) -> Result<()> {
        let txn = self.write()?;
        tables::create_all(&txn)?;
        {
            let mut meta = txn.open_table(tables::META)?;
            let found = match meta.get("schema_version")? {
                Some(v) => u64::from_le_bytes(
                    v.value().try_into().map_err(|_| DbError::Corrupt("schema_version".into()))?,
                ),
                None => 0,
            };
            if found > SCHEMA_VERSION {
                return Err(DbError::TooNew(found));
            }
            // Version 0 is a fresh store: the tables above are all it needs. Migrations go
            // here, one `if found < N` step each, inside this same transaction.
            if found == 1 {
                // Schema 2 keeps each gallery's numbers instead of counting them per page.
                listing::recount_all(&txn)?;
            }
            if (1..3).contains(&found) {
                // Schema 3 indexes orders by gallery and keeps the open ones apart.
                orders::index_all(&txn)?;
            }
            meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    fn write(&self) -> Result<redb::WriteTransaction> {
        let db = self.handle()?;
        match db.begin_write() {
            Err(e) if previous_io(&e) => Ok(self.reopen(Some(db))?.begin_write()?),
            r => Ok(r?),
        }
    }

    fn read(&self) -> Result<redb::ReadTransaction> {
        let db = self.handle()?;
        match db.begin_read() {
            Err(e) if previous_io(&e) => Ok(self.reopen(Some(db))?.begin_read()?),
            r => Ok(r?),
        }
    }

    /// A value from the `meta` table.
    pub fn meta_get(&self, name: &str) -> Result<Option<Vec<u8>>> {
        let txn = self.read()?;
        let t = txn.open_table(tables::META)?;
        Ok(t.get(name)?.map(|v| v.value().to_vec()))
    }

    pub fn meta_set(&self, name: &str, value: &[u8]) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(tables::META)?.insert(name, value)?;
        txn.commit()?;
        Ok(())
    }

    pub fn meta_remove(&self, name: &str) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(tables::META)?.remove(name)?;
        txn.commit()?;
        Ok(())
    }

    /// The value under `name`, created with `make` in the same transaction if absent (used
    /// for the signing key: two racing starts must not end up with two keys).
    pub fn meta_get_or_init(&self, name: &str, make: impl FnOnce() -> Vec<u8>) -> Result<Vec<u8>> {
        let txn = self.write()?;
        let value = {
            let mut t = txn.open_table(tables::META)?;
            let existing = t.get(name)?.map(|v| v.value().to_vec());
            match existing {
                Some(v) => v,
                None => {
                    let v = make();
                    t.insert(name, v.as_slice())?;
                    v
                }
            }
        };
        txn.commit()?;
        Ok(value)
    }
}

/// Decodes every value of a table range into records.
fn decode_all<T: serde::de::DeserializeOwned>(
    table: &impl ReadableTable<u128, &'static [u8]>,
    keys: impl IntoIterator<Item = u128>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    for k in keys {
        if let Some(v) = table.get(k)? {
            out.push(codec::decode(v.value())?);
        }
    }
    Ok(out)
}

#[cfg(test)]
pub(crate) fn open_temp() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("t.redb"), 8 << 20).unwrap();
    (dir, db)
}
