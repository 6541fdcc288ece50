//! The lookups every use case shares (a gallery, a photo with what processing made of it, a
//! gallery's photos in order), as methods of `App`, so that use-case modules need not
//! import one another for them.

use super::{App, AppError, Result};
use crate::domain::{Gallery, GalleryId, Hash, PhotoId, PhotoView};

impl App {
    pub async fn gallery(&self, id: GalleryId) -> Result<Gallery> {
        self.with_db(move |db| db.gallery(id)?.ok_or_else(|| AppError::NotFound("gallery not found".into())))
            .await
    }

    /// A photo with its processing status and renditions.
    pub async fn photo(&self, id: PhotoId) -> Result<PhotoView> {
        self.with_db(move |db| {
            let p = db.photo(id)?.ok_or_else(|| AppError::NotFound("photo not found".into()))?;
            let info = match p.current() {
                Some(v) => db.media(v.blob)?,
                None => None,
            };
            Ok(PhotoView::new(p, info))
        })
        .await
    }

    /// A gallery's photos in order, with their processing status.
    pub async fn photos(&self, gallery: GalleryId) -> Result<Vec<PhotoView>> {
        self.with_db(move |db| {
            let photos = db.photos(gallery)?;
            let blobs: Vec<Hash> =
                photos.iter().map(|p| p.current().map_or(Hash([0; 32]), |v| v.blob)).collect();
            let infos = db.media_many(&blobs)?;
            Ok(photos.into_iter().zip(infos).map(|(p, i)| PhotoView::new(p, i)).collect())
        })
        .await
    }
}
