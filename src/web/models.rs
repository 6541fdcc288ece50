//! The JSON shapes the API and the admin page's live updates share, built from app results
//! with signed media URLs filled in.

use poem_openapi::Object;
use serde::Serialize;

use crate::app::App;
use crate::{
    app::media_urls::{self, MediaKind},
    domain::{Gallery, PhotoView},
};

/// A gallery.
#[derive(Object, Serialize, Clone)]
pub struct GalleryOut {
    pub id: String,
    pub title: String,
    /// The enclosing gallery, if nested.
    pub parent: Option<String>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// Not listed in its parent, and not opened by the parent's links.
    pub hidden: bool,
    /// Clients see previews with the studio's watermark.
    pub watermark: bool,
    /// The day of the shoot (YYYY-MM-DD), if given.
    pub event_date: Option<String>,
    /// The photo chosen for the cover, if one was.
    pub cover: Option<String>,
}

impl From<&Gallery> for GalleryOut {
    fn from(g: &Gallery) -> Self {
        GalleryOut {
            id: g.id.to_string(),
            title: g.title.clone(),
            parent: g.parent.map(|p| p.to_string()),
            created_ms: g.created_ms,
            hidden: g.hidden,
            watermark: g.watermark,
            event_date: g.event_date.clone(),
            cover: g.cover.photo.map(|p| p.to_string()),
        }
    }
}

/// One version (upload) of a photo; the last one is shown.
#[derive(Object, Serialize, Clone)]
pub struct VersionOut {
    /// blake3 hash of the file.
    pub blob: String,
    pub size: u64,
    pub uploaded_ms: u64,
}

/// A photo with its processing status and signed, expiring media URLs.
#[derive(Object, Serialize, Clone, Default)]
pub struct PhotoOut {
    pub id: String,
    pub gallery: String,
    pub filename: String,
    /// `proof`, `final` or `undefined`.
    pub state: String,
    /// `pending`, `ready` or `failed`.
    pub status: String,
    /// Why processing failed, when it did.
    pub error: Option<String>,
    /// Displayed width after EXIF orientation, once ready.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// About 512 px on the long edge.
    pub thumb_url: Option<String>,
    pub thumb_width: Option<u32>,
    pub thumb_height: Option<u32>,
    /// About 1024 px on the long edge: for dense screens. Absent in watermarked sets and
    /// for photos processed before this size existed.
    pub medium_url: Option<String>,
    pub medium_width: Option<u32>,
    /// About 2048 px on the long edge.
    pub preview_url: Option<String>,
    pub preview_width: Option<u32>,
    /// The uploaded file of the current version.
    pub original_url: Option<String>,
    pub versions: Vec<VersionOut>,
}

impl PhotoOut {
    pub fn new(state: &App, v: &PhotoView) -> Self {
        let p = &v.photo;
        PhotoOut {
            id: p.id.to_string(),
            gallery: p.gallery.to_string(),
            filename: p.filename.clone(),
            state: p.state.as_str().into(),
            status: v.status.as_str().into(),
            error: v.error.clone(),
            width: v.size.map(|s| s.0),
            height: v.size.map(|s| s.1),
            thumb_url: v.thumb.as_ref().map(|r| media_urls::url(state, MediaKind::Rendition, &r.blob)),
            thumb_width: v.thumb.as_ref().map(|r| r.width),
            thumb_height: v.thumb.as_ref().map(|r| r.height),
            medium_url: v.medium.as_ref().map(|r| media_urls::url(state, MediaKind::Rendition, &r.blob)),
            medium_width: v.medium.as_ref().map(|r| r.width),
            preview_url: v.preview.as_ref().map(|r| media_urls::url(state, MediaKind::Rendition, &r.blob)),
            preview_width: v.preview.as_ref().map(|r| r.width),
            original_url: v.original.map(|h| media_urls::url(state, MediaKind::Original, &h)),
            versions: p
                .versions
                .iter()
                .map(|v| VersionOut { blob: v.blob.to_hex(), size: v.size, uploaded_ms: v.uploaded_ms })
                .collect(),
        }
    }
}
