//! Photos, their versions, and the indexes that list them by gallery and find them by name.

use redb::ReadableTable;

use super::{Db, Result, codec, decode_all, jobs, listing, tables::*};
use crate::domain::{GalleryId, Hash, JobKind, Photo, PhotoId, PhotoState, Version, now_ms};

/// What an upload did.
#[derive(Debug)]
pub struct UploadOutcome {
    pub photo: Photo,
    /// True when the filename matched a photo and the upload became its new version.
    pub replaced: bool,
}

impl Db {
    pub fn photo(&self, id: PhotoId) -> Result<Option<Photo>> {
        let txn = self.read()?;
        let t = txn.open_table(PHOTOS)?;
        t.get(id.key())?.map(|v| codec::decode(v.value())).transpose()
    }

    /// A gallery's photos in display order.
    pub fn photos(&self, gallery: GalleryId) -> Result<Vec<Photo>> {
        let txn = self.read()?;
        let idx = txn.open_table(GALLERY_PHOTOS)?;
        let g = gallery.key();
        let mut keys = Vec::new();
        for row in idx.range((g, 0)..=(g, u128::MAX))? {
            keys.push(row?.0.value().1);
        }
        let mut photos: Vec<Photo> = decode_all(&txn.open_table(PHOTOS)?, keys)?;
        photos.sort_by_key(|p| (p.position, p.id));
        Ok(photos)
    }

    /// Calls `f` with every photo in turn, one record in memory at a time (`check`, `gc`
    /// and a backup's manifest read 100,000 photos this way).
    pub fn for_each_photo(&self, mut f: impl FnMut(Photo)) -> Result<()> {
        let txn = self.read()?;
        let t = txn.open_table(PHOTOS)?;
        for row in t.iter()? {
            f(codec::decode(row?.1.value())?);
        }
        Ok(())
    }

    /// Records an uploaded blob in `gallery` under `filename`: a new version of the photo with
    /// that name if there is one, else a new photo. The renditions job for the blob is queued
    /// in the same transaction, so an acknowledged upload is always processed, even after a
    /// crash. `None` when the gallery does not exist.
    pub fn add_upload(
        &self,
        gallery: GalleryId,
        filename: &str,
        version: Version,
        mark_final: bool,
    ) -> Result<Option<UploadOutcome>> {
        let txn = self.write()?;
        let outcome = {
            if txn.open_table(GALLERIES)?.get(gallery.key())?.is_none() {
                return Ok(None);
            }
            let mut photos = txn.open_table(PHOTOS)?;
            let mut names = txn.open_table(PHOTO_NAMES)?;
            let name_key = Photo::name_key(filename);
            let existing = names.get((gallery.key(), name_key.as_str()))?.map(|v| v.value());
            let blob = version.blob;
            let outcome = match existing {
                Some(pid) => {
                    let mut photo: Photo = match photos.get(pid)? {
                        Some(v) => codec::decode(v.value())?,
                        None => {
                            return Err(super::DbError::Corrupt(format!(
                                "photo_names points at missing photo {pid}"
                            )));
                        }
                    };
                    let was = photo.clone();
                    photo.versions.push(version.clone());
                    if mark_final {
                        photo.state = PhotoState::Final;
                    }
                    listing::update(&txn, gallery.key(), |s| s.add_version(Some(&was), &photo, &version))?;
                    UploadOutcome { photo, replaced: true }
                }
                None => {
                    let id = PhotoId::new();
                    let photo = Photo {
                        id,
                        gallery,
                        filename: filename.to_string(),
                        state: if mark_final { PhotoState::Final } else { PhotoState::Proof },
                        // New photos go last: explicit orders use 0..n, far below any clock.
                        position: now_ms(),
                        versions: vec![version.clone()],
                        created_ms: now_ms(),
                    };
                    names.insert((gallery.key(), name_key.as_str()), id.key())?;
                    txn.open_table(GALLERY_PHOTOS)?.insert((gallery.key(), id.key()), ())?;
                    listing::update(&txn, gallery.key(), |s| s.add_version(None, &photo, &version))?;
                    UploadOutcome { photo, replaced: false }
                }
            };
            photos.insert(outcome.photo.id.key(), codec::encode(&outcome.photo)?.as_slice())?;
            if txn.open_table(MEDIA)?.get(&blob.0)?.is_none() {
                jobs::push(&txn, JobKind::Renditions { blob }, now_ms(), None)?;
            }
            outcome
        };
        txn.commit()?;
        Ok(Some(outcome))
    }

    /// Saves a changed photo (its state). The filename and gallery never change here.
    pub fn put_photo(&self, photo: &Photo) -> Result<()> {
        let txn = self.write()?;
        let was: Option<Photo> = {
            let mut t = txn.open_table(PHOTOS)?;
            let old = t.insert(photo.id.key(), codec::encode(photo)?.as_slice())?;
            old.map(|v| codec::decode(v.value())).transpose()?
        };
        if let Some(was) = was.filter(|w| w.state != photo.state) {
            listing::update(&txn, photo.gallery.key(), |s| s.state_changed(Some(was.state), photo.state))?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Puts the listed photos first, in the given order; photos not listed keep their
    /// relative order after them. Ids from other galleries are ignored.
    pub fn reorder(&self, gallery: GalleryId, order: &[PhotoId]) -> Result<()> {
        let mut photos = self.photos(gallery)?;
        let rank = |p: &Photo| order.iter().position(|id| *id == p.id).unwrap_or(usize::MAX);
        photos.sort_by_key(|p| rank(p));
        let txn = self.write()?;
        {
            let mut t = txn.open_table(PHOTOS)?;
            for (i, mut p) in photos.into_iter().enumerate() {
                // Re-read inside the transaction so a concurrent upload's new version is kept.
                let current = t.get(p.id.key())?.map(|v| v.value().to_vec());
                if let Some(v) = current {
                    p = codec::decode(&v)?;
                    p.position = i as u64;
                    t.insert(p.id.key(), codec::encode(&p)?.as_slice())?;
                }
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Every blob a photo version refers to (for `gc`), sorted, each once.
    pub fn version_blobs(&self) -> Result<Vec<Hash>> {
        let mut out = Vec::new();
        self.for_each_photo(|p| out.extend(p.versions.iter().map(|v| v.blob)))?;
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Gallery;

    #[test]
    fn same_filename_adds_a_version_and_queues_one_job_per_new_blob() {
        let (_dir, db) = super::super::open_temp();
        let g = Gallery::new(None, "t".into(), 0);
        db.put_gallery(&g).unwrap();
        let v = |b: &[u8]| Version { blob: blake3::hash(b).into(), size: 1, uploaded_ms: 0 };
        let first = db.add_upload(g.id, "IMG_1.jpg", v(b"a"), false).unwrap().unwrap();
        assert!(!first.replaced);
        let second = db.add_upload(g.id, "img_1.JPG", v(b"b"), true).unwrap().unwrap();
        assert!(second.replaced);
        assert_eq!(second.photo.id, first.photo.id);
        assert_eq!(second.photo.versions.len(), 2);
        assert_eq!(second.photo.state, PhotoState::Final);
        assert_eq!(db.photos(g.id).unwrap().len(), 1);
        assert_eq!(db.job_count().unwrap(), 2);
        assert!(db.add_upload(GalleryId::new(), "x.jpg", v(b"c"), false).unwrap().is_none());
    }
}
