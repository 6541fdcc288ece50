//! Running live sessions, kept so a restart of the server does not end them. The app
//! writes the sessions that changed once a second, together (one fsync), and on shutdown;
//! a crash may lose a session's last second, never an order or a cart (written at once).

use redb::ReadableTable;

use super::{Db, Result, codec, tables::*};
use crate::domain::{GalleryId, live::SavedLive};

impl Db {
    pub fn save_lives(&self, sessions: &[SavedLive]) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(LIVE)?;
            for s in sessions {
                t.insert(s.live.gallery.key(), codec::encode(s)?.as_slice())?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Forgets a gallery's session (ended, or run past its time).
    pub fn remove_live(&self, gallery: GalleryId) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(LIVE)?.remove(gallery.key())?;
        txn.commit()?;
        Ok(())
    }

    /// Every session kept, for the start of the server.
    pub fn live_sessions(&self) -> Result<Vec<SavedLive>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(LIVE)?.iter()? {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }
}
