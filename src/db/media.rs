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

    /// Every (source blob, media info) pair (for `check` and `gc`).
    pub fn all_media(&self) -> Result<Vec<(Hash, MediaInfo)>> {
        let txn = self.read()?;
        let t = txn.open_table(MEDIA)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            out.push((Hash(*k.value()), codec::decode(v.value())?));
        }
        Ok(out)
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
