//! The activity log: what visitors did, newest first per gallery or across all.

use redb::ReadableTable;

use super::{Db, DbError, Result, codec, tables::*};
use crate::domain::{Activity, GalleryId};

impl Db {
    /// Records an event without waiting for fsync: page views must stay cheap, and the
    /// log reaches the disk with the next durable commit (an upload, a heart). A crash may
    /// lose the last few events, never anything a client or photographer made.
    pub fn log_activity(&self, a: &Activity) -> Result<()> {
        let id = crate::domain::next_ulid().0;
        let mut txn = self.write()?;
        txn.set_durability(redb::Durability::None).map_err(|e| DbError::Storage(e.into()))?;
        txn.open_table(ACTIVITY)?.insert(id, codec::encode(a)?.as_slice())?;
        txn.open_table(GALLERY_ACTIVITY)?.insert((a.gallery.key(), id), ())?;
        super::listing::update(&txn, a.gallery.key(), |s| {
            s.active_ms = s.active_ms.max(a.at_ms);
            s.client_ms = s.client_ms.max(Some(a.at_ms));
        })?;
        txn.commit()?;
        Ok(())
    }

    /// The newest `limit` events, of one gallery or of all.
    pub fn activity(&self, gallery: Option<GalleryId>, limit: usize) -> Result<Vec<Activity>> {
        let txn = self.read()?;
        let t = txn.open_table(ACTIVITY)?;
        let mut out = Vec::new();
        match gallery {
            None => {
                for row in t.iter()?.rev().take(limit) {
                    out.push(codec::decode(row?.1.value())?);
                }
            }
            Some(g) => {
                let idx = txn.open_table(GALLERY_ACTIVITY)?;
                let g = g.key();
                for row in idx.range((g, 0)..=(g, u128::MAX))?.rev().take(limit) {
                    if let Some(v) = t.get(row?.0.value().1)? {
                        out.push(codec::decode(v.value())?);
                    }
                }
            }
        }
        Ok(out)
    }
}
