//! A consistent copy of the whole store while the server runs: one read transaction sees
//! every table at one commit, and each table is copied row by row into a new file. (Copying
//! the file itself is not safe: the writer keeps changing its header and free pages.)

use std::path::Path;

use redb::{ReadableDatabase, ReadableTable, TableDefinition};

use super::{Db, DbError, Result, tables::*};

/// Copies every row of `def` from `from` into `to`; returns the rows copied.
fn copy<K: redb::Key + 'static, V: redb::Value + 'static>(
    from: &redb::ReadTransaction,
    to: &redb::WriteTransaction,
    def: TableDefinition<K, V>,
) -> Result<u64> {
    let src = from.open_table(def)?;
    let mut dst = to.open_table(def)?;
    let mut n = 0;
    for row in src.iter()? {
        let (k, v) = row?;
        dst.insert(k.value(), v.value())?;
        n += 1;
    }
    Ok(n)
}

impl Db {
    /// Writes the store as it is now to a new database file at `path` (which must not
    /// exist), committed durably. Returns the number of rows copied.
    pub fn snapshot_to(&self, path: &Path) -> Result<u64> {
        let target = redb::Database::builder().create(path)?;
        let from = self.handle()?.begin_read()?;
        let to = target.begin_write()?;
        let (mut rows, mut tables) = (0, 0);
        // Every table of `tables.rs`; one added there and not here is caught below.
        macro_rules! all {
            ($($t:ident),* $(,)?) => { $( rows += copy(&from, &to, $t)?; tables += 1; )* };
        }
        all!(
            META,
            GALLERIES,
            GALLERY_CHILDREN,
            GALLERY_STATS,
            GALLERY_RECENT,
            GALLERY_CLOSING,
            GALLERY_CLIENTS,
            PHOTOS,
            GALLERY_PHOTOS,
            PHOTO_NAMES,
            MEDIA,
            WATERMARKED,
            JOBS,
            JOB_KEYS,
            SESSIONS,
            API_TOKENS,
            SHARES,
            SHARE_TOKENS,
            GALLERY_SHARES,
            VISITORS,
            GALLERY_VISITORS,
            VISITOR_SESSIONS,
            MAGIC_LINKS,
            SELECTIONS,
            COMMENTS,
            MAILS,
            ACTIVITY,
            GALLERY_ACTIVITY,
            CARTS,
            ORDERS,
            GALLERY_ORDERS,
            OPEN_ORDERS,
            OWNER_ORDERS,
            ORDER_KEYS,
            INVOICES,
            PREPARED,
            LIVE,
            JOURNEY_SENT,
            UNSUBSCRIBED,
        );
        let present = from.list_tables()?.count();
        if present != tables {
            return Err(DbError::Corrupt(format!(
                "the store has {present} tables and the backup copies {tables}: add the new one to `snapshot_to`"
            )));
        }
        to.commit()?;
        Ok(rows)
    }
}
