//! Share links, visitors and their sessions, selections and comments.

use redb::ReadableTable;

use super::{Db, Result, codec, decode_all, tables::*};
use crate::domain::{
    Comment, GalleryId, MagicLink, Selection, ShareId, ShareLink, Visitor, VisitorId, now_ms,
};

impl Db {
    /// Inserts or updates a share link with its token and gallery indexes.
    pub fn put_share(&self, s: &ShareLink) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(SHARES)?.insert(s.id.key(), codec::encode(s)?.as_slice())?;
        txn.open_table(SHARE_TOKENS)?.insert(&s.token_hash, s.id.key())?;
        txn.open_table(GALLERY_SHARES)?.insert((s.gallery.key(), s.id.key()), ())?;
        txn.commit()?;
        Ok(())
    }

    pub fn share(&self, id: ShareId) -> Result<Option<ShareLink>> {
        let txn = self.read()?;
        let t = txn.open_table(SHARES)?;
        t.get(id.key())?.map(|v| codec::decode(v.value())).transpose()
    }

    pub fn share_by_token(&self, token_hash: &[u8; 32]) -> Result<Option<ShareLink>> {
        let txn = self.read()?;
        let Some(id) = txn.open_table(SHARE_TOKENS)?.get(token_hash)?.map(|v| v.value()) else {
            return Ok(None);
        };
        let t = txn.open_table(SHARES)?;
        t.get(id)?.map(|v| codec::decode(v.value())).transpose()
    }

    /// A gallery's share links, oldest first.
    pub fn shares(&self, gallery: GalleryId) -> Result<Vec<ShareLink>> {
        let txn = self.read()?;
        let idx = txn.open_table(GALLERY_SHARES)?;
        let g = gallery.key();
        let mut keys = Vec::new();
        for row in idx.range((g, 0)..=(g, u128::MAX))? {
            keys.push(row?.0.value().1);
        }
        decode_all(&txn.open_table(SHARES)?, keys)
    }

    /// Records a visitor and the session that identifies their browser.
    pub fn put_visitor(&self, v: &Visitor, session_hash: Option<&[u8; 32]>) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(VISITORS)?.insert(v.id.key(), codec::encode(v)?.as_slice())?;
        txn.open_table(GALLERY_VISITORS)?.insert((v.gallery.key(), v.id.key()), ())?;
        if let Some(h) = session_hash {
            txn.open_table(VISITOR_SESSIONS)?.insert(h, v.id.key())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// The visitor behind a session, made from `new` in the same transaction when the
    /// session has none yet: two first clicks of one browser at once make one visitor.
    pub fn visitor_for_session(&self, session_hash: &[u8; 32], new: &Visitor) -> Result<Visitor> {
        let txn = self.write()?;
        let existing = {
            let sessions = txn.open_table(VISITOR_SESSIONS)?;
            let id = sessions.get(session_hash)?.map(|v| v.value());
            match id {
                Some(id) => {
                    txn.open_table(VISITORS)?.get(id)?.map(|v| codec::decode(v.value())).transpose()?
                }
                None => None,
            }
        };
        let v = match existing {
            Some(v) => v,
            None => {
                txn.open_table(VISITORS)?.insert(new.id.key(), codec::encode(new)?.as_slice())?;
                txn.open_table(GALLERY_VISITORS)?.insert((new.gallery.key(), new.id.key()), ())?;
                txn.open_table(VISITOR_SESSIONS)?.insert(session_hash, new.id.key())?;
                new.clone()
            }
        };
        txn.commit()?;
        Ok(v)
    }

    /// Active and inactive e-mail grants for `email` (lower-cased), in every gallery. Shares
    /// are few (a handful per gallery), so a scan is cheaper than an index to keep.
    pub fn grants_for(&self, email: &str) -> Result<Vec<ShareLink>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(SHARES)?.iter()? {
            let s: ShareLink = codec::decode(row?.1.value())?;
            if s.email.as_deref() == Some(email) {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// Stores a sign-in link under the hash of its code.
    pub fn put_magic_link(&self, code_hash: &[u8; 32], m: &MagicLink) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(MAGIC_LINKS)?.insert(code_hash, codec::encode(m)?.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// A sign-in link that is still unused, without using it (for the confirmation page).
    pub fn magic_link(&self, code_hash: &[u8; 32]) -> Result<Option<MagicLink>> {
        let txn = self.read()?;
        let t = txn.open_table(MAGIC_LINKS)?;
        t.get(code_hash)?.map(|v| codec::decode(v.value())).transpose()
    }

    /// Uses a sign-in link for `share`: removes it and returns it, in one transaction, so
    /// two requests with the same code cannot both succeed. A code presented at another
    /// grant's door is left as it is (and `None` returned). Expired links met on the way
    /// are swept too.
    pub fn take_magic_link(&self, code_hash: &[u8; 32], share: ShareId) -> Result<Option<MagicLink>> {
        let txn = self.write()?;
        let taken = {
            let mut t = txn.open_table(MAGIC_LINKS)?;
            let found = match t.get(code_hash)? {
                Some(v) => Some(codec::decode::<MagicLink>(v.value())?),
                None => None,
            };
            let taken = found.filter(|m| m.share == share);
            if taken.is_some() {
                t.remove(code_hash)?;
            }
            let now = now_ms();
            t.retain(|_, v| codec::decode::<MagicLink>(v).is_ok_and(|m| m.expires_ms > now))?;
            taken
        };
        txn.commit()?;
        Ok(taken)
    }

    /// The visitor an e-mail grant already has, if any: one person on two devices is one
    /// visitor with one selection.
    pub fn visitor_of_share(&self, share: &ShareLink) -> Result<Option<Visitor>> {
        Ok(self.visitors(share.gallery)?.into_iter().find(|v| v.share == share.id))
    }

    pub fn visitor_by_id(&self, id: VisitorId) -> Result<Option<Visitor>> {
        let txn = self.read()?;
        let t = txn.open_table(VISITORS)?;
        t.get(id.key())?.map(|v| codec::decode(v.value())).transpose()
    }

    pub fn visitor_by_session(&self, session_hash: &[u8; 32]) -> Result<Option<Visitor>> {
        let txn = self.read()?;
        let Some(id) = txn.open_table(VISITOR_SESSIONS)?.get(session_hash)?.map(|v| v.value()) else {
            return Ok(None);
        };
        let t = txn.open_table(VISITORS)?;
        t.get(id)?.map(|v| codec::decode(v.value())).transpose()
    }

    pub fn visitors(&self, gallery: GalleryId) -> Result<Vec<Visitor>> {
        let txn = self.read()?;
        let idx = txn.open_table(GALLERY_VISITORS)?;
        let g = gallery.key();
        let mut keys = Vec::new();
        for row in idx.range((g, 0)..=(g, u128::MAX))? {
            keys.push(row?.0.value().1);
        }
        decode_all(&txn.open_table(VISITORS)?, keys)
    }

    pub fn selection(&self, visitor: VisitorId, gallery: GalleryId) -> Result<Selection> {
        let txn = self.read()?;
        let t = txn.open_table(SELECTIONS)?;
        Ok(t.get((visitor.key(), gallery.key()))?
            .map(|v| codec::decode(v.value()))
            .transpose()?
            .unwrap_or_default())
    }

    /// Changes a selection with `change` inside one write transaction, so two clicks at once
    /// cannot both pass a limit. `change` returns `Err(reason)` to refuse; nothing is written.
    pub fn update_selection<E>(
        &self,
        visitor: VisitorId,
        gallery: GalleryId,
        change: impl FnOnce(&mut Selection) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<Selection, E>> {
        let txn = self.write()?;
        let result = {
            let mut t = txn.open_table(SELECTIONS)?;
            let key = (visitor.key(), gallery.key());
            let mut sel: Selection =
                t.get(key)?.map(|v| codec::decode(v.value())).transpose()?.unwrap_or_default();
            match change(&mut sel) {
                Ok(()) => {
                    t.insert(key, codec::encode(&sel)?.as_slice())?;
                    Ok(sel)
                }
                Err(e) => Err(e),
            }
        };
        if result.is_ok() {
            txn.commit()?;
        }
        Ok(result)
    }

    pub fn add_comment(&self, c: &Comment) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(COMMENTS)?
            .insert((c.gallery.key(), c.photo.key(), c.id.key()), codec::encode(c)?.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// Every comment in a gallery, grouped by photo, oldest first within a photo.
    pub fn comments(&self, gallery: GalleryId) -> Result<Vec<Comment>> {
        let txn = self.read()?;
        let t = txn.open_table(COMMENTS)?;
        let g = gallery.key();
        let mut out = Vec::new();
        for row in t.range((g, 0, 0)..=(g, u128::MAX, u128::MAX))? {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }
}

/// Removes everything clients left on a gallery that is being deleted: its links (and their
/// tokens, so old URLs answer "not found"), visitors and their sessions, selections,
/// comments and activity. Runs inside the deleting transaction.
pub(super) fn forget_gallery(txn: &redb::WriteTransaction, gid: u128) -> Result<()> {
    fn keys(t: &impl ReadableTable<(u128, u128), ()>, gid: u128) -> Result<Vec<u128>> {
        let mut out = Vec::new();
        for row in t.range((gid, 0)..=(gid, u128::MAX))? {
            out.push(row?.0.value().1);
        }
        Ok(out)
    }
    let mut gallery_shares = txn.open_table(GALLERY_SHARES)?;
    let mut shares = txn.open_table(SHARES)?;
    let mut tokens = txn.open_table(SHARE_TOKENS)?;
    for sid in keys(&gallery_shares, gid)? {
        gallery_shares.remove((gid, sid))?;
        if let Some(v) = shares.remove(sid)? {
            let s: ShareLink = codec::decode(v.value())?;
            tokens.remove(&s.token_hash)?;
        }
    }
    let mut gallery_visitors = txn.open_table(GALLERY_VISITORS)?;
    let mut visitors = txn.open_table(VISITORS)?;
    let mut selections = txn.open_table(SELECTIONS)?;
    let gone = keys(&gallery_visitors, gid)?;
    for vid in &gone {
        gallery_visitors.remove((gid, *vid))?;
        visitors.remove(*vid)?;
        selections.remove((*vid, gid))?;
    }
    txn.open_table(VISITOR_SESSIONS)?.retain(|_, vid| !gone.contains(&vid))?;
    let mut comments = txn.open_table(COMMENTS)?;
    let mut doomed = Vec::new();
    for row in comments.range((gid, 0, 0)..=(gid, u128::MAX, u128::MAX))? {
        doomed.push(row?.0.value());
    }
    for k in doomed {
        comments.remove(k)?;
    }
    let mut gallery_activity = txn.open_table(GALLERY_ACTIVITY)?;
    let mut activity = txn.open_table(ACTIVITY)?;
    for aid in keys(&gallery_activity, gid)? {
        gallery_activity.remove((gid, aid))?;
        activity.remove(aid)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::domain::{Gallery, Permissions, ShareId, ShareLink, Visitor, VisitorId};

    #[test]
    fn deleting_a_gallery_forgets_its_links_and_visitors() {
        let (_dir, db) = super::super::open_temp();
        let g = Gallery::new(None, "g".into(), 0);
        db.put_gallery(&g).unwrap();
        let share = ShareLink {
            id: ShareId::new(),
            gallery: g.id,
            label: "l".into(),
            token_hash: [3; 32],
            permissions: Permissions::default(),
            password_hash: None,
            expires_ms: None,
            revoked: false,
            created_ms: 0,
            ask_identity: false,
            email: None,
        };
        db.put_share(&share).unwrap();
        let v = Visitor {
            id: VisitorId::new(),
            share: share.id,
            gallery: g.id,
            name: None,
            email: None,
            created_ms: 0,
            last_seen_ms: 0,
        };
        db.put_visitor(&v, Some(&[4; 32])).unwrap();
        assert!(db.share_by_token(&[3; 32]).unwrap().is_some());
        db.delete_gallery(g.id).unwrap();
        assert!(db.share_by_token(&[3; 32]).unwrap().is_none(), "old links lead nowhere");
        assert!(db.visitor_by_session(&[4; 32]).unwrap().is_none());
        assert!(db.visitors(g.id).unwrap().is_empty());
    }
}
