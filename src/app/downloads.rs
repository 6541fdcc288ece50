//! Downloads: which files a visitor may take (by the link's permissions and each photo's
//! state), under unique, safe names, and a zip written as it streams (stored, not
//! compressed: JPEGs do not shrink), so memory stays flat and the first bytes leave at once.

use std::collections::HashSet;

use async_zip::{Compression, ZipEntryBuilder, tokio::write::ZipFileWriter};
use tokio::io::AsyncWrite;
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::{App, AppError, Result};
use crate::{
    blobs::Blobs,
    domain::{self, Access, Hash, PhotoId, PhotoView},
};

/// Which size goes into a download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// The uploaded file.
    Original,
    /// The 2048 px preview, for sharing online.
    Web,
}

impl Size {
    pub fn parse(s: Option<&str>) -> Self {
        match s {
            Some("web") => Size::Web,
            _ => Size::Original,
        }
    }
}

/// One file of a zip.
struct ZipItem {
    name: String,
    blob: Hash,
    /// Its size when known from the record (originals), so a length needs no disk.
    size: Option<u64>,
}

/// A planned zip: the files and their names, ready to be written as it streams.
pub struct Zip {
    items: Vec<ZipItem>,
    blobs: Blobs,
    /// The archive's title (the gallery's).
    pub title: String,
}

/// The files of `photos` a visitor with `access` may download (all of them for the
/// photographer, `access: None`), limited to `only` when given, with unique names.
pub fn plan(
    state: &App,
    title: &str,
    photos: &[PhotoView],
    access: Option<Access>,
    only: Option<&[PhotoId]>,
    size: Size,
) -> Result<Zip> {
    let mut used = HashSet::new();
    let mut items = Vec::new();
    for p in photos {
        if only.is_some_and(|ids| !ids.contains(&p.photo.id)) {
            continue;
        }
        let wanted = match (size, access) {
            (Size::Original, _) => domain::Size::Original,
            (Size::Web, Some(a)) => a.preview(),
            (Size::Web, None) => domain::Size::Preview,
        };
        if access.is_some_and(|a| !a.may_download(p.photo.state, wanted)) {
            continue;
        }
        let blob = match size {
            Size::Original => p.original,
            Size::Web => p.preview.as_ref().map(|r| r.blob),
        };
        let Some(blob) = blob else { continue };
        let name = match size {
            Size::Original => p.photo.filename.clone(),
            Size::Web => format!(
                "{}.jpg",
                std::path::Path::new(&p.photo.filename)
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("photo")
            ),
        };
        // Names stored by older builds may still carry bidi controls: not in a zip.
        let name = super::strip_invisible(&name);
        let size = match size {
            Size::Original => p.photo.current().map(|v| v.size),
            Size::Web => None,
        };
        items.push(ZipItem { name: unique(&mut used, &name), blob, size });
    }
    if items.is_empty() {
        return Err(AppError::Forbidden("Nothing here is available to download yet.".into()));
    }
    Ok(Zip { items, blobs: state.blobs.clone(), title: title.to_string() })
}

/// A zip of files chosen elsewhere (a delivery), under the names given, made unique.
pub fn named(state: &App, title: &str, files: Vec<(String, Hash, Option<u64>)>) -> Result<Zip> {
    let mut used = HashSet::new();
    let items: Vec<ZipItem> = files
        .into_iter()
        .map(|(name, blob, size)| ZipItem {
            name: unique(&mut used, &super::strip_invisible(&name)),
            blob,
            size,
        })
        .collect();
    if items.is_empty() {
        return Err(AppError::Forbidden("Nothing here is ready to download yet.".into()));
    }
    Ok(Zip { items, blobs: state.blobs.clone(), title: title.to_string() })
}

/// Every photo of a gallery, for the photographer.
pub async fn everything(state: &App, gallery: crate::domain::GalleryId, size: Size) -> Result<Zip> {
    let g = state.gallery(gallery).await?;
    let photos = state.photos(gallery).await?;
    let name = if size == Size::Web { format!("{} web", g.title) } else { g.title };
    plan(state, &name, &photos, None, None, size)
}

/// A zip entry for a file called `name`: stored (JPEGs do not shrink), readable by all.
fn entry(name: &str) -> async_zip::ZipEntry {
    ZipEntryBuilder::new(name.to_string().into(), Compression::Stored).unix_permissions(0o644).build()
}

/// `name`, or `name (2)`, `name (3)`… before the extension, whichever is still free
/// (compared without case, as Windows and macOS would).
fn unique(used: &mut HashSet<String>, name: &str) -> String {
    let path = std::path::Path::new(name);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("photo");
    let ext = path.extension().and_then(|s| s.to_str()).map(|e| format!(".{e}")).unwrap_or_default();
    let mut candidate = name.to_string();
    let mut n = 1;
    while !used.insert(candidate.to_lowercase()) {
        n += 1;
        candidate = format!("{stem} ({n}){ext}");
    }
    candidate
}

impl Zip {
    /// How many files it holds.
    pub fn files(&self) -> usize {
        self.items.len()
    }

    /// The zip's exact length, known before a byte is written, so the browser can show
    /// progress: the files' sizes plus the archive's own records. Entries are stored and
    /// streamed, so those records depend only on the names (their sizes sit in fixed-width
    /// fields), and are measured by writing the same archive with empty files.
    pub async fn content_length(&self) -> Result<u64> {
        let mut files = 0u64;
        for item in &self.items {
            files += match item.size {
                Some(s) => s,
                None => self.blobs.len(&item.blob).await?,
            };
        }
        let zip_err = |e: async_zip::error::ZipError| AppError::Internal(format!("zip: {e}"));
        let mut frame = ZipFileWriter::with_tokio(Vec::new());
        for item in &self.items {
            let w = frame.write_entry_stream(entry(&item.name)).await.map_err(zip_err)?;
            w.close().await.map_err(zip_err)?;
        }
        Ok(files + frame.close().await.map_err(zip_err)?.into_inner().len() as u64)
    }

    /// Writes the zip into `out`, reading each file as it goes.
    pub async fn write<W: AsyncWrite + Unpin>(self, out: W) -> Result<()> {
        let zip_err = |e: async_zip::error::ZipError| AppError::Internal(format!("zip: {e}"));
        let mut zip = ZipFileWriter::with_tokio(out);
        for item in self.items {
            let file = self.blobs.range(&item.blob, 0, u64::MAX).await?;
            let mut w = zip.write_entry_stream(entry(&item.name)).await.map_err(zip_err)?;
            // Large reads: the default 8 KiB copy costs more in calls than the bytes do.
            let reader = futures_util::io::BufReader::with_capacity(1 << 20, file.compat());
            futures_util::io::copy_buf(reader, &mut w).await?;
            w.close().await.map_err(zip_err)?;
        }
        zip.close().await.map_err(zip_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_made_unique_ignoring_case() {
        let mut used = HashSet::new();
        assert_eq!(unique(&mut used, "IMG_1.jpg"), "IMG_1.jpg");
        assert_eq!(unique(&mut used, "img_1.JPG"), "img_1 (2).JPG");
        assert_eq!(unique(&mut used, "IMG_1.jpg"), "IMG_1 (3).jpg");
    }
}
