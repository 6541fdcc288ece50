//! What processing produced for each source blob.

use redb::ReadableTable;

use super::{Db, Result, codec, tables::*};
use crate::domain::{Hash, MediaInfo};

impl Db {
    pub fn media(&self, blob: Hash) -> Result<Option<MediaInfo>> {
        let txn = self.read()?;
        let t = txn.open_table(MEDIA)?;
        t.get(&blob.0)?.map(|v| codec::decode(v.value())).transpose()
    }

    /// Media info for many blobs in one read transaction (a gallery page).
    pub fn media_many(&self, blobs: &[Hash]) -> Result<Vec<Option<MediaInfo>>> {
        let txn = self.read()?;
        let t = txn.open_table(MEDIA)?;
        blobs.iter().map(|b| t.get(&b.0)?.map(|v| codec::decode(v.value())).transpose()).collect()
    }

    /// Calls `f` with each blob's media info in turn, one record in memory at a time
    /// (`check` and `gc` over 100,000 photos), until it answers `Some`.
    pub fn find_media<T>(&self, mut f: impl FnMut(Hash, MediaInfo) -> Option<T>) -> Result<Option<T>> {
        let txn = self.read()?;
        let t = txn.open_table(MEDIA)?;
        for row in t.iter()? {
            let (k, v) = row?;
            if let Some(found) = f(Hash(*k.value()), codec::decode(v.value())?) {
                return Ok(Some(found));
            }
        }
        Ok(None)
    }

    /// Forgets the media info of blobs no photo uses any more (`gc`).
    pub fn remove_media(&self, blobs: &[Hash]) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(MEDIA)?;
            for b in blobs {
                t.remove(&b.0)?;
            }
        }
        txn.commit()?;
        Ok(())
    }
}
