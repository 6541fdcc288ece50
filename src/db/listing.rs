//! The gallery list at any size: each gallery's numbers (`GALLERY_STATS`) are changed by
//! the same write transaction that changes what they count, and `GALLERY_RECENT` orders
//! galleries by their last activity. A page of the dashboard or of the API reads the rows
//! it shows and nothing else; only a search reads every gallery record (not its photos).

use std::collections::HashSet;

use redb::{ReadableTable, ReadableTableMetadata, WriteTransaction};

use super::{Db, Result, codec, tables::*};
use crate::domain::{Gallery, GalleryId, GalleryStats, Hash, MediaInfo, Photo, ShareLink};

/// A gallery's numbers inside a write transaction (a default for one not counted yet).
pub(super) fn stats(txn: &WriteTransaction, gallery: u128) -> Result<GalleryStats> {
    let t = txn.open_table(GALLERY_STATS)?;
    let v = t.get(gallery)?.map(|v| codec::decode(v.value())).transpose()?;
    Ok(v.unwrap_or_default())
}

/// Stores a gallery's numbers and moves it in the recent-activity index.
pub(super) fn put_stats(txn: &WriteTransaction, gallery: u128, s: &GalleryStats) -> Result<()> {
    let mut t = txn.open_table(GALLERY_STATS)?;
    let mut recent = txn.open_table(GALLERY_RECENT)?;
    let mut clients = txn.open_table(GALLERY_CLIENTS)?;
    let old: Option<GalleryStats> = t.get(gallery)?.map(|v| codec::decode(v.value())).transpose()?;
    if let Some(old) = old {
        recent.remove((old.active_ms, gallery))?;
        if let Some(at) = old.client_ms {
            clients.remove((at, gallery))?;
        }
    }
    recent.insert((s.active_ms, gallery), ())?;
    if let Some(at) = s.client_ms {
        clients.insert((at, gallery), ())?;
    }
    t.insert(gallery, codec::encode(s)?.as_slice())?;
    Ok(())
}

/// Changes a gallery's numbers in place (nothing when the gallery is gone).
pub(super) fn update(txn: &WriteTransaction, gallery: u128, f: impl FnOnce(&mut GalleryStats)) -> Result<()> {
    if txn.open_table(GALLERIES)?.get(gallery)?.is_none() {
        return Ok(());
    }
    let mut s = stats(txn, gallery)?;
    f(&mut s);
    put_stats(txn, gallery, &s)
}

/// Forgets a deleted gallery's numbers.
pub(super) fn forget(txn: &WriteTransaction, gallery: u128) -> Result<()> {
    let old =
        txn.open_table(GALLERY_STATS)?.remove(gallery)?.map(|v| codec::decode::<GalleryStats>(v.value()));
    if let Some(old) = old.transpose()? {
        txn.open_table(GALLERY_RECENT)?.remove((old.active_ms, gallery))?;
        if let Some(at) = old.client_ms {
            txn.open_table(GALLERY_CLIENTS)?.remove((at, gallery))?;
        }
    }
    Ok(())
}

/// Moves a gallery in the closing-date index from `old` to `new` (either absent).
pub(super) fn index_closing(
    txn: &WriteTransaction,
    old: Option<&Gallery>,
    new: Option<&Gallery>,
) -> Result<()> {
    let mut t = txn.open_table(GALLERY_CLOSING)?;
    if let Some(g) = old {
        if let Some(at) = g.journey.expires_ms {
            t.remove((at, g.id.key()))?;
        }
    }
    if let Some(g) = new {
        if let Some(at) = g.journey.expires_ms {
            t.insert((at, g.id.key()), ())?;
        }
    }
    Ok(())
}

/// Counts a gallery from its photos and activity (the migration to schema 2, and `check`).
pub(super) fn recount(
    idx: &impl ReadableTable<(u128, u128), ()>,
    photos: &impl ReadableTable<u128, &'static [u8]>,
    activity: &impl ReadableTable<(u128, u128), ()>,
    g: &Gallery,
) -> Result<GalleryStats> {
    let mut s = GalleryStats { active_ms: g.created_ms, ..Default::default() };
    let key = g.id.key();
    for row in idx.range((key, 0)..=(key, u128::MAX))? {
        let Some(v) = photos.get(row?.0.value().1)? else { continue };
        let p: Photo = codec::decode(v.value())?;
        let mut was: Option<Photo> = None;
        for (i, version) in p.versions.iter().enumerate() {
            let now = Photo { versions: p.versions[..=i].to_vec(), ..p.clone() };
            s.add_version(was.as_ref(), &now, version);
            was = Some(now);
        }
    }
    if let Some(row) = activity.range((key, 0)..=(key, u128::MAX))?.next_back() {
        // Activity ids are ULIDs: their top 48 bits are the time in milliseconds.
        let at = (row?.0.value().1 >> 80) as u64;
        s.active_ms = s.active_ms.max(at);
        s.client_ms = Some(at);
    }
    Ok(s)
}

/// What a list row shows beyond a gallery's own record and numbers.
pub struct RowDetails {
    /// The thumb of its cover: the chosen photo's, else the first photo's that is ready.
    pub cover: Option<Hash>,
    /// The title of the gallery it is inside.
    pub inside: Option<String>,
    /// How many galleries are directly inside it.
    pub children: usize,
}

/// A place in the recent-activity order: (last activity, gallery id) of the last row shown.
pub type RecentCursor = (u64, u128);

/// Counts every gallery again and stores the numbers (the migration to schema 2).
pub(super) fn recount_all(txn: &WriteTransaction) -> Result<()> {
    let galleries: Vec<Gallery> = {
        let t = txn.open_table(GALLERIES)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            out.push(codec::decode(row?.1.value())?);
        }
        out
    };
    for g in &galleries {
        index_closing(txn, None, Some(g))?;
        let s = {
            let idx = txn.open_table(GALLERY_PHOTOS)?;
            let photos = txn.open_table(PHOTOS)?;
            let activity = txn.open_table(GALLERY_ACTIVITY)?;
            recount(&idx, &photos, &activity, g)?
        };
        put_stats(txn, g.id.key(), &s)?;
    }
    Ok(())
}

impl Db {
    /// What the rows of a list show of `rows`, read in one transaction (a dashboard page is
    /// 30 of them).
    pub fn row_details(&self, rows: &[(Gallery, GalleryStats)]) -> Result<Vec<RowDetails>> {
        let txn = self.read()?;
        let (galleries, photos) = (txn.open_table(GALLERIES)?, txn.open_table(PHOTOS)?);
        let (media, children) = (txn.open_table(MEDIA)?, txn.open_table(GALLERY_CHILDREN)?);
        let mut out = Vec::with_capacity(rows.len());
        for (g, s) in rows {
            let mut blobs: Vec<Hash> = Vec::new();
            if let Some(p) = g.cover.photo {
                if let Some(v) = photos.get(p.key())? {
                    let p: Photo = codec::decode(v.value())?;
                    blobs.extend(p.current().map(|v| v.blob));
                }
            }
            blobs.extend(s.firsts.iter().map(|(_, b)| *b));
            let mut cover = None;
            for b in &blobs {
                let info: Option<MediaInfo> =
                    media.get(&b.0)?.map(|v| codec::decode(v.value())).transpose()?;
                if let Some(MediaInfo::Ready { thumb, .. }) = info {
                    cover = Some(thumb.blob);
                    break;
                }
            }
            let inside = match g.parent {
                Some(p) => {
                    galleries.get(p.key())?.map(|v| codec::decode::<Gallery>(v.value())).transpose()?
                }
                None => None,
            };
            let k = g.id.key();
            let children = children.range((k, 0)..=(k, u128::MAX))?.count();
            out.push(RowDetails { cover, inside: inside.map(|p| p.title), children });
        }
        Ok(out)
    }

    /// Galleries whose kept numbers differ from a recount (for `check`), in words.
    pub fn check_listing(&self) -> Result<Vec<String>> {
        let txn = self.read()?;
        let (galleries, stats) = (txn.open_table(GALLERIES)?, txn.open_table(GALLERY_STATS)?);
        let idx = txn.open_table(GALLERY_PHOTOS)?;
        let photos = txn.open_table(PHOTOS)?;
        let activity = txn.open_table(GALLERY_ACTIVITY)?;
        let mut out = Vec::new();
        for row in galleries.iter()? {
            let g: Gallery = codec::decode(row?.1.value())?;
            let kept: Option<GalleryStats> =
                stats.get(g.id.key())?.map(|v| codec::decode(v.value())).transpose()?;
            let counted = recount(&idx, &photos, &activity, &g)?;
            // (Times are not compared: a ULID's clock and the event's may differ by a tick.)
            let same = kept.as_ref().is_some_and(|k| {
                (k.photos, k.finals, k.bytes, &k.firsts)
                    == (counted.photos, counted.finals, counted.bytes, &counted.firsts)
            });
            if !same {
                out.push(format!(
                    "gallery {} ({}): its kept counts {:?} differ from a recount {:?}",
                    g.id, g.title, kept, counted
                ));
            }
        }
        Ok(out)
    }

    /// A gallery's numbers (zero for one never counted).
    pub fn gallery_stats(&self, id: GalleryId) -> Result<GalleryStats> {
        let txn = self.read()?;
        let t = txn.open_table(GALLERY_STATS)?;
        Ok(t.get(id.key())?.map(|v| codec::decode(v.value())).transpose()?.unwrap_or_default())
    }

    /// Up to `limit` galleries, most recently active first, after `after`.
    pub fn recent_galleries(
        &self,
        after: Option<RecentCursor>,
        limit: usize,
    ) -> Result<Vec<(Gallery, GalleryStats)>> {
        let txn = self.read()?;
        let recent = txn.open_table(GALLERY_RECENT)?;
        let galleries = txn.open_table(GALLERIES)?;
        let stats = txn.open_table(GALLERY_STATS)?;
        let mut out = Vec::new();
        let rows = match after {
            Some(c) => recent.range(..c)?,
            None => recent.range::<(u64, u128)>(..)?,
        };
        for row in rows.rev() {
            if out.len() == limit {
                break;
            }
            let (_, id) = row?.0.value();
            let (Some(g), Some(s)) = (galleries.get(id)?, stats.get(id)?) else { continue };
            out.push((codec::decode(g.value())?, codec::decode(s.value())?));
        }
        Ok(out)
    }

    /// The galleries a client was active in at or after `since`, most recent first.
    pub fn galleries_clients_were_in(&self, since: u64) -> Result<Vec<Gallery>> {
        let txn = self.read()?;
        let recent = txn.open_table(GALLERY_CLIENTS)?;
        let galleries = txn.open_table(GALLERIES)?;
        let mut out = Vec::new();
        for row in recent.range((since, 0)..)?.rev() {
            if let Some(g) = galleries.get(row?.0.value().1)? {
                out.push(codec::decode(g.value())?);
            }
        }
        Ok(out)
    }

    /// The galleries whose access ends within `from..to`.
    pub fn galleries_closing(&self, from: u64, to: u64) -> Result<Vec<Gallery>> {
        let txn = self.read()?;
        let closing = txn.open_table(GALLERY_CLOSING)?;
        let galleries = txn.open_table(GALLERIES)?;
        let mut out = Vec::new();
        for row in closing.range((from, 0)..(to, 0))? {
            if let Some(g) = galleries.get(row?.0.value().1)? {
                out.push(codec::decode(g.value())?);
            }
        }
        Ok(out)
    }

    /// Every gallery `keep` accepts, with its numbers, most recently active first: the
    /// dashboard's search and state filters. Reads every gallery record, never a photo.
    pub fn find_galleries(&self, keep: impl Fn(&Gallery) -> bool) -> Result<Vec<(Gallery, GalleryStats)>> {
        let txn = self.read()?;
        let galleries = txn.open_table(GALLERIES)?;
        let stats = txn.open_table(GALLERY_STATS)?;
        let mut out = Vec::new();
        for row in galleries.iter()? {
            let (k, v) = row?;
            let g: Gallery = codec::decode(v.value())?;
            if keep(&g) {
                let s: Option<GalleryStats> =
                    stats.get(k.value())?.map(|v| codec::decode(v.value())).transpose()?;
                out.push((g, s.unwrap_or_default()));
            }
        }
        out.sort_by_key(|(g, s)| std::cmp::Reverse((s.active_ms, g.id.key())));
        Ok(out)
    }

    /// The galleries with a link or e-mail grant whose label or address contains `needle`
    /// (lower-cased): a search for a client finds their galleries.
    pub fn galleries_shared_with(&self, needle: &str) -> Result<HashSet<GalleryId>> {
        let txn = self.read()?;
        let shares = txn.open_table(SHARES)?;
        let mut out = HashSet::new();
        for row in shares.iter()? {
            let s: ShareLink = codec::decode(row?.1.value())?;
            let hit = s.label.to_lowercase().contains(needle)
                || s.email.as_deref().is_some_and(|e| e.contains(needle));
            if hit {
                out.insert(s.gallery);
            }
        }
        Ok(out)
    }

    /// Up to `limit` galleries in creation order (their ids are ULIDs) after `after`: the
    /// API's list, a page at a time.
    pub fn galleries_page(&self, after: Option<GalleryId>, limit: usize) -> Result<Vec<Gallery>> {
        let txn = self.read()?;
        let t = txn.open_table(GALLERIES)?;
        let mut out = Vec::new();
        let rows = match after {
            Some(a) => t.range(a.key().saturating_add(1)..)?,
            None => t.range::<u128>(..)?,
        };
        for row in rows.take(limit) {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// How many galleries and photos the studio has (redb keeps each table's length).
    pub fn totals(&self) -> Result<(u64, u64)> {
        let txn = self.read()?;
        Ok((txn.open_table(GALLERIES)?.len()?, txn.open_table(PHOTOS)?.len()?))
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{Gallery, PhotoState, Version};

    #[test]
    fn numbers_follow_uploads_finals_activity_and_deletion() {
        let (_dir, db) = super::super::open_temp();
        let a = Gallery::new(None, "a".into(), 10);
        let b = Gallery::new(None, "b".into(), 20);
        db.put_gallery(&a).unwrap();
        db.put_gallery(&b).unwrap();
        let order = |db: &super::Db| -> Vec<String> {
            db.recent_galleries(None, 10).unwrap().into_iter().map(|(g, _)| g.title).collect()
        };
        assert_eq!(order(&db), ["b", "a"]);
        let v = |b: &[u8], at| Version { blob: blake3::hash(b).into(), size: 100, uploaded_ms: at };
        let first = db.add_upload(a.id, "1.jpg", v(b"1", 30), false).unwrap().unwrap().photo;
        db.add_upload(a.id, "2.jpg", v(b"2", 31), false).unwrap();
        db.add_upload(a.id, "1.jpg", v(b"1b", 32), true).unwrap();
        let s = db.gallery_stats(a.id).unwrap();
        assert_eq!((s.photos, s.finals, s.bytes, s.active_ms), (2, 1, 300, 32));
        assert_eq!(s.firsts[0], (first.id, blake3::hash(b"1b").into()));
        assert_eq!(order(&db), ["a", "b"]);
        let mut p = db.photo(first.id).unwrap().unwrap();
        p.state = PhotoState::Proof;
        db.put_photo(&p).unwrap();
        assert_eq!(db.gallery_stats(a.id).unwrap().finals, 0);
        // What the migration and `check` count agrees with what the writes kept.
        assert!(db.check_listing().unwrap().is_empty());
        let page = db.recent_galleries(None, 1).unwrap();
        let (g, s) = &page[0];
        let next = db.recent_galleries(Some((s.active_ms, g.id.key())), 1).unwrap();
        assert_eq!(next[0].0.title, "b");
        db.delete_gallery(a.id).unwrap();
        assert_eq!(order(&db), ["b"]);
        assert_eq!(db.totals().unwrap(), (1, 0));
    }

    #[test]
    fn a_schema_1_store_is_counted_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.redb");
        let g = Gallery::new(None, "old".into(), 10);
        {
            let db = super::Db::open(&path, 8 << 20).unwrap();
            db.put_gallery(&g).unwrap();
            let v = Version { blob: blake3::hash(b"x").into(), size: 7, uploaded_ms: 50 };
            db.add_upload(g.id, "x.jpg", v, true).unwrap();
            // What a schema-1 store looks like: no kept numbers, no indexes.
            let txn = db.write().unwrap();
            for t in [super::GALLERY_RECENT, super::GALLERY_CLOSING, super::GALLERY_CLIENTS] {
                txn.delete_table(t).unwrap();
            }
            txn.delete_table(super::GALLERY_STATS).unwrap();
            txn.open_table(super::META)
                .unwrap()
                .insert("schema_version", 1u64.to_le_bytes().as_slice())
                .unwrap();
            txn.commit().unwrap();
        }
        let db = super::Db::open(&path, 8 << 20).unwrap();
        let s = db.gallery_stats(g.id).unwrap();
        assert_eq!((s.photos, s.finals, s.bytes, s.active_ms), (1, 1, 7, 50));
        assert_eq!(db.recent_galleries(None, 5).unwrap()[0].0.id, g.id);
        assert!(db.check_listing().unwrap().is_empty());
    }
}
