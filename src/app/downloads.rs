//! Downloads: which files a visitor may take (by the link's permissions and each photo's
//! state), under unique, safe names, and a zip written as it streams (stored, not
//! compressed: JPEGs do not shrink), so memory stays flat and the first bytes leave at once.

use std::{collections::HashSet, path::PathBuf};

use async_zip::{Compression, ZipEntryBuilder, tokio::write::ZipFileWriter};
use tokio::io::AsyncWrite;
use tokio_util::compat::TokioAsyncReadCompatExt;

use super::{AppError, Result, photos::PhotoView};
use crate::{
    domain::{Permissions, PhotoId},
    state::AppState,
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
pub struct ZipItem {
    pub name: String,
    pub path: PathBuf,
}

/// The files of `photos` this visitor may download (all of them for the photographer,
/// `perms: None`), limited to `only` when given, with unique names.
pub fn plan(
    state: &AppState,
    photos: &[PhotoView],
    perms: Option<Permissions>,
    only: Option<&[PhotoId]>,
    size: Size,
) -> Result<Vec<ZipItem>> {
    let mut used = HashSet::new();
    let mut items = Vec::new();
    for p in photos {
        if only.is_some_and(|ids| !ids.contains(&p.photo.id)) {
            continue;
        }
        if perms.is_some_and(|perms| !perms.may_download(p.photo.state)) {
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
        items.push(ZipItem { name: unique(&mut used, &name), path: state.blobs.path(&blob) });
    }
    if items.is_empty() {
        return Err(AppError::Forbidden("Nothing here is available to download yet.".into()));
    }
    Ok(items)
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

/// Writes the zip of `items` into `out` as it reads each file.
pub async fn write_zip<W: AsyncWrite + Unpin>(items: Vec<ZipItem>, out: W) -> Result<()> {
    let zip_err = |e: async_zip::error::ZipError| AppError::Internal(format!("zip: {e}"));
    let mut zip = ZipFileWriter::with_tokio(out);
    for item in items {
        let file = tokio::fs::File::open(&item.path).await?;
        let entry = ZipEntryBuilder::new(item.name.into(), Compression::Stored).unix_permissions(0o644);
        let mut w = zip.write_entry_stream(entry).await.map_err(zip_err)?;
        futures_util::io::copy(&mut tokio::io::BufReader::with_capacity(1 << 16, file).compat(), &mut w)
            .await?;
        w.close().await.map_err(zip_err)?;
    }
    zip.close().await.map_err(zip_err)?;
    Ok(())
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
