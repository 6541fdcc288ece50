//! Galleries and their nesting.

use redb::ReadableTable;

use super::{Db, DbError, Result, codec, decode_all, listing, tables::*};
use crate::domain::{Gallery, GalleryId};

/// The parent key of top-level galleries in `GALLERY_CHILDREN` (no ULID is zero).
const ROOT: u128 = 0;

impl Db {
    pub fn gallery(&self, id: GalleryId) -> Result<Option<Gallery>> {
        let txn = self.read()?;
        let t = txn.open_table(GALLERIES)?;
        t.get(id.key())?.map(|v| codec::decode(v.value())).transpose()
    }

    /// Every gallery, oldest first (for a backup's manifest).
    pub fn galleries(&self) -> Result<Vec<Gallery>> {
        let txn = self.read()?;
        let t = txn.open_table(GALLERIES)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (_, v) = row?;
            out.push(codec::decode(v.value())?);
        }
        Ok(out)
    }

    /// The direct children of `parent` (`None`: the top level), oldest first.
    pub fn children(&self, parent: Option<GalleryId>) -> Result<Vec<Gallery>> {
        let txn = self.read()?;
        let idx = txn.open_table(GALLERY_CHILDREN)?;
        let p = parent.map_or(ROOT, GalleryId::key);
        let mut keys = Vec::new();
        for row in idx.range((p, 0)..=(p, u128::MAX))? {
            keys.push(row?.0.value().1);
        }
        decode_all(&txn.open_table(GALLERIES)?, keys)
    }

    /// Inserts a new gallery or updates one (title, parent), keeping the index in step.
    pub fn put_gallery(&self, g: &Gallery) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(GALLERIES)?;
            let mut idx = txn.open_table(GALLERY_CHILDREN)?;
            let old: Option<Gallery> = t.get(g.id.key())?.map(|v| codec::decode(v.value())).transpose()?;
            let new = old.is_none();
            if let Some(old) = &old {
                idx.remove((old.parent.map_or(ROOT, GalleryId::key), g.id.key()))?;
            }
            listing::index_closing(&txn, old.as_ref(), Some(g))?;
            idx.insert((g.parent.map_or(ROOT, GalleryId::key), g.id.key()), ())?;
            t.insert(g.id.key(), codec::encode(g)?.as_slice())?;
            if new {
                let stats = crate::domain::GalleryStats { active_ms: g.created_ms, ..Default::default() };
                listing::put_stats(&txn, g.id.key(), &stats)?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Deletes a gallery, every gallery nested in it, and their photos, in one transaction.
    /// Blobs stay on disk until `gc`: another gallery may share them.
    pub fn delete_gallery(&self, id: GalleryId) -> Result<usize> {
        let txn = self.write()?;
        let mut deleted = 0;
        {
            let mut galleries = txn.open_table(GALLERIES)?;
            let mut children = txn.open_table(GALLERY_CHILDREN)?;
            let mut photos = txn.open_table(PHOTOS)?;
            let mut gallery_photos = txn.open_table(GALLERY_PHOTOS)?;
            let mut names = txn.open_table(PHOTO_NAMES)?;
            let mut todo = vec![id.key()];
            while let Some(gid) = todo.pop() {
                let Some(g) =
                    galleries.remove(gid)?.map(|v| codec::decode::<Gallery>(v.value())).transpose()?
                else {
                    continue;
                };
                deleted += 1;
                children.remove((g.parent.map_or(ROOT, GalleryId::key), gid))?;
                for row in children.range((gid, 0)..=(gid, u128::MAX))? {
                    todo.push(row?.0.value().1);
                }
                let mut photo_ids = Vec::new();
                for row in gallery_photos.range((gid, 0)..=(gid, u128::MAX))? {
                    photo_ids.push(row?.0.value().1);
                }
                for pid in photo_ids {
                    gallery_photos.remove((gid, pid))?;
                    if let Some(v) = photos.remove(pid)? {
                        let p: crate::domain::Photo = codec::decode(v.value())?;
                        names.remove((gid, crate::domain::Photo::name_key(&p.filename).as_str()))?;
                    }
                }
                super::sharing::forget_gallery(&txn, gid)?;
                listing::forget(&txn, gid)?;
                listing::index_closing(&txn, Some(&g), None)?;
                super::journey::forget_gallery(&txn, gid)?;
            }
            if deleted == 0 {
                return Ok(0);
            }
        }
        txn.commit()?;
        Ok(deleted)
    }

    /// Whether a link to `root` opens `id`: `id` is `root` or nested in it, with no hidden
    /// gallery on the way down (a hidden gallery is opened only by its own links).
    pub fn link_reaches(&self, root: GalleryId, id: GalleryId) -> Result<bool> {
        self.reaches_up(root, id, true)
    }

    /// True when `ancestor` is `id` or one of its parents (to refuse nesting loops).
    pub fn is_ancestor(&self, ancestor: GalleryId, id: GalleryId) -> Result<bool> {
        self.reaches_up(ancestor, id, false)
    }

    /// Walks from `id` up through its parents looking for `root`; with `stop_at_hidden`,
    /// a hidden gallery other than `root` ends the walk.
    fn reaches_up(&self, root: GalleryId, id: GalleryId, stop_at_hidden: bool) -> Result<bool> {
        let mut cur = Some(id);
        let mut hops = 0;
        while let Some(c) = cur {
            if c == root {
                return Ok(true);
            }
            hops += 1;
            if hops > 1000 {
                return Err(DbError::Corrupt("gallery nesting loop".into()));
            }
            match self.gallery(c)? {
                Some(g) if !(stop_at_hidden && g.hidden) => cur = g.parent,
                _ => return Ok(false),
            }
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gallery(title: &str, parent: Option<GalleryId>) -> Gallery {
        Gallery::new(parent, title.into(), 0)
    }

    #[test]
    fn nesting_moves_and_deletes_subtrees() {
        let (_dir, db) = super::super::open_temp();
        let a = gallery("a", None);
        let mut b = gallery("b", Some(a.id));
        db.put_gallery(&a).unwrap();
        db.put_gallery(&b).unwrap();
        assert_eq!(db.children(None).unwrap().len(), 1);
        assert_eq!(db.children(Some(a.id)).unwrap()[0].title, "b");
        assert!(db.is_ancestor(a.id, b.id).unwrap());
        b.parent = None;
        db.put_gallery(&b).unwrap();
        assert_eq!(db.children(None).unwrap().len(), 2);
        assert!(db.children(Some(a.id)).unwrap().is_empty());
        b.parent = Some(a.id);
        db.put_gallery(&b).unwrap();
        assert_eq!(db.delete_gallery(a.id).unwrap(), 2);
        assert!(db.galleries().unwrap().is_empty());
    }
}
