//! Uploading (new photos and replace-by-filename), listing with processing status, states
//! and order.

use std::path::Path;

use tokio::io::{AsyncRead, AsyncReadExt};

use super::{App, AppError, Result};
use crate::{
    domain::{GalleryId, Photo, PhotoId, PhotoState, PhotoView, Version, now_ms},
    media,
};

/// The extensions accepted on upload; the content is checked too.
const EXTENSIONS: [&str; 6] = ["jpg", "jpeg", "png", "webp", "tif", "tiff"];

/// What an upload did, for the uploader.
#[derive(Clone, Debug)]
pub struct Uploaded {
    pub photo: Photo,
    pub replaced: bool,
}

/// Makes an uploaded filename safe to store and show: the last path component only, no
/// control characters, no leading dots, at most 255 bytes, with an accepted extension.
pub fn clean_filename(raw: &str) -> Result<String> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base.chars().filter(|c| !c.is_control() && !super::is_invisible_format(*c)).collect();
    let name = name.trim().trim_start_matches('.').trim().to_string();
    if name.is_empty() {
        return Err(AppError::Invalid("every file needs a name".into()));
    }
    if name.len() > 255 {
        return Err(AppError::Invalid("file names must be at most 255 bytes long".into()));
    }
    let ext = Path::new(&name).extension().and_then(|e| e.to_str()).unwrap_or_default().to_lowercase();
    if !EXTENSIONS.contains(&ext.as_str()) {
        return Err(AppError::UnsupportedType(format!(
            "{name}: only JPEG, PNG, WebP and TIFF files can be uploaded"
        )));
    }
    Ok(name)
}

/// Stores one uploaded file in `gallery`. The bytes are hashed while they stream and
/// fsynced before the photo is recorded; the record and its processing job are committed
/// together, so once this returns the upload survives any crash.
pub async fn upload(
    state: &App,
    gallery: GalleryId,
    raw_filename: &str,
    mut reader: impl AsyncRead + Unpin + Send,
    mark_final: bool,
) -> Result<Uploaded> {
    let filename = clean_filename(raw_filename)?;
    state.gallery(gallery).await?;
    // Look at the first bytes before storing anything: a text file named .jpg is refused
    // here, and nothing is written.
    let mut head = vec![0u8; 64];
    let mut n = 0;
    while n < head.len() {
        let r = reader
            .read(&mut head[n..])
            .await
            .map_err(|e| AppError::Invalid(format!("the upload stopped before the end ({e})")))?;
        if r == 0 {
            break;
        }
        n += r;
    }
    head.truncate(n);
    if n == 0 {
        return Err(AppError::Invalid(format!("{filename} is empty (0 bytes)")));
    }
    if media::sniff(&head).is_none() {
        return Err(AppError::UnsupportedType(format!("{filename} is not a JPEG, PNG, WebP or TIFF image")));
    }
    let stream = std::io::Cursor::new(head).chain(reader);
    let stored = state.blobs.put_stream(stream, state.config.max_upload_bytes).await?;
    let version = Version { blob: stored.hash, size: stored.size, uploaded_ms: now_ms() };
    let name = filename.clone();
    let outcome = state
        .with_db(move |db| {
            db.add_upload(gallery, &name, version, mark_final)?
                .ok_or_else(|| AppError::NotFound("gallery not found".into()))
        })
        .await?;
    state.jobs.wake();
    if outcome.replaced || mark_final {
        // A final may complete an order's delivery.
        super::delivery::check_quietly(state).await;
    }
    Ok(Uploaded { photo: outcome.photo, replaced: outcome.replaced })
}

/// A photo's page for the photographer: the photo, its gallery, its neighbours in order.
pub struct PhotoPage {
    pub photo: PhotoView,
    pub gallery: crate::domain::Gallery,
    pub prev: Option<PhotoId>,
    pub next: Option<PhotoId>,
}

pub async fn page(state: &App, id: PhotoId) -> Result<PhotoPage> {
    let photo = state.photo(id).await?;
    let gallery = state.gallery(photo.photo.gallery).await?;
    let siblings = state.photos(gallery.id).await?;
    let pos = siblings.iter().position(|p| p.photo.id == id);
    let at = |i: Option<usize>| i.and_then(|i| siblings.get(i)).map(|p| p.photo.id);
    Ok(PhotoPage {
        prev: at(pos.and_then(|p| p.checked_sub(1))),
        next: at(pos.map(|p| p + 1)),
        photo,
        gallery,
    })
}

/// Makes `id` its gallery's cover, with the point (percent from left, from top) that must
/// stay in view when the cover is cropped to a screen.
pub async fn use_as_cover(state: &App, id: PhotoId, focus_x: u8, focus_y: u8) -> Result<Photo> {
    if focus_x > 100 || focus_y > 100 {
        return Err(AppError::Invalid("the focus point is a percentage from 0 to 100".into()));
    }
    state
        .with_db(move |db| {
            let p = db.photo(id)?.ok_or_else(|| AppError::NotFound("photo not found".into()))?;
            let mut g =
                db.gallery(p.gallery)?.ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
            g.cover = crate::domain::Cover { photo: Some(id), focus_x, focus_y };
            db.put_gallery(&g)?;
            Ok(p)
        })
        .await
}

pub async fn set_state(state: &App, id: PhotoId, new_state: PhotoState) -> Result<Photo> {
    let p = state
        .with_db(move |db| {
            let mut p = db.photo(id)?.ok_or_else(|| AppError::NotFound("photo not found".into()))?;
            p.state = new_state;
            db.put_photo(&p)?;
            Ok(p)
        })
        .await
        .map(|p| (p, new_state == PhotoState::Final))?;
    if p.1 {
        super::delivery::check_quietly(state).await;
    }
    Ok(p.0)
}

pub async fn reorder(state: &App, gallery: GalleryId, order: Vec<PhotoId>) -> Result<()> {
    state.gallery(gallery).await?;
    state.with_db(move |db| Ok(db.reorder(gallery, &order)?)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_are_made_safe() {
        assert_eq!(clean_filename("../../etc/pass\u{7}wd.jpg").unwrap(), "passwd.jpg");
        assert_eq!(clean_filename("C:\\shots\\IMG_1.JPG").unwrap(), "IMG_1.JPG");
        assert_eq!(clean_filename("photo\u{202E}gpj.exe.jpg").unwrap(), "photogpj.exe.jpg");
        assert!(matches!(clean_filename("..jpg"), Err(AppError::UnsupportedType(_))));
        assert!(matches!(clean_filename("notes.txt"), Err(AppError::UnsupportedType(_))));
        assert!(matches!(clean_filename("../"), Err(AppError::Invalid(_))));
        assert!(matches!(clean_filename(&format!("{}.jpg", "a".repeat(300))), Err(AppError::Invalid(_))));
    }
}
