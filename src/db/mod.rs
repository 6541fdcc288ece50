//! The only module that imports redb. `Db` is cheap to clone; every method is synchronous and
//! short, and callers run it on a blocking thread (`app::blocking`). No method waits on the
//! network or on big file I/O while a write transaction is open.

mod activity;
mod auth;
mod codec;
mod galleries;
mod jobs;
mod mail;
mod media;
mod photos;
mod sharing;
mod studio;
mod tables;

use std::{path::Path, sync::Arc};

use redb::{ReadableDatabase, ReadableTable};

pub use auth::{ApiToken, Session};
pub use jobs::ClaimedJob;
pub use studio::Watermarked;

/// The schema this build writes. Older stores are migrated on open; newer ones are refused.
const SCHEMA_VERSION: u64 = 1;

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

#[derive(Clone)]
pub struct Db {
    inner: Arc<redb::Database>,
}

impl Db {
    /// Opens (or creates) the store, creates every table and runs migrations.
    pub fn open(path: &Path) -> Result<Self> {
        let inner = redb::Database::builder().create(path).map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => DbError::InUse,
            e => e.into(),
        })?;
        let db = Db { inner: Arc::new(inner) };
        db.migrate()?;
        Ok(db)
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
            // Version 0 is a fresh store: the tables above are all it needs. Future migrations
            // go here, one `if found < N` step each, inside this same transaction.
            meta.insert("schema_version", SCHEMA_VERSION.to_le_bytes().as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    fn write(&self) -> Result<redb::WriteTransaction> {
        Ok(self.inner.begin_write()?)
    }

    fn read(&self) -> Result<redb::ReadTransaction> {
        Ok(self.inner.begin_read()?)
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
    let db = Db::open(&dir.path().join("t.redb")).unwrap();
    (dir, db)
}
