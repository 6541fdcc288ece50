//! Sharing and proofing records: share links, visitors, their selections and comments.

use serde::{Deserialize, Serialize};

use super::{CommentId, GalleryId, PhotoId, PhotoState, ShareId, VisitorId};

/// What a share link lets its visitors do. Viewing is always allowed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    pub favourite: bool,
    pub comment: bool,
    pub download_proofs: bool,
    pub download_finals: bool,
}

impl Permissions {
    /// May a visitor download anything at all?
    pub fn may_download_any(self) -> bool {
        self.download_proofs || self.download_finals
    }

    /// May a visitor with these permissions download a photo in `state`?
    pub fn may_download(self, state: PhotoState) -> bool {
        match state {
            PhotoState::Final => self.download_finals,
            PhotoState::Proof | PhotoState::Undefined => self.download_proofs,
        }
    }
}

/// A link that opens a gallery. Its token is only ever stored as a hash.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ShareLink {
    pub id: ShareId,
    pub gallery: GalleryId,
    /// The photographer's name for it ("Anna & Tom", "Wedding guests").
    pub label: String,
    pub token_hash: [u8; 32],
    pub permissions: Permissions,
    /// argon2 hash of the optional password.
    pub password_hash: Option<String>,
    pub expires_ms: Option<u64>,
    pub revoked: bool,
    pub created_ms: u64,
    /// Ask visitors for their name and e-mail before they see the photos.
    #[serde(default)]
    pub ask_identity: bool,
    /// Set for per-email access: only this address (lower-cased) opens the gallery, by a
    /// one-time sign-in link sent to it. Such a grant has no URL token to leak; its door is
    /// `/g/<share id>`, which shows nothing without a session.
    #[serde(default)]
    pub email: Option<String>,
}

/// A one-time sign-in link for an e-mail grant, stored under the hash of its code. It is
/// removed when used, so a replayed link finds nothing.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MagicLink {
    pub share: ShareId,
    pub expires_ms: u64,
}

/// How long a sign-in link works: long enough to switch to the mail app and back.
pub const MAGIC_LINK_TTL_MS: u64 = 30 * 60 * 1000;

/// Why a share link does not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShareRefusal {
    Revoked,
    Expired,
}

impl ShareLink {
    pub fn refusal(&self, now_ms: u64) -> Option<ShareRefusal> {
        if self.revoked {
            Some(ShareRefusal::Revoked)
        } else if self.expires_ms.is_some_and(|e| e <= now_ms) {
            Some(ShareRefusal::Expired)
        } else {
            None
        }
    }
}

/// Someone who opened a share link. Each browser that opens a link is one visitor.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Visitor {
    pub id: VisitorId,
    pub share: ShareId,
    pub gallery: GalleryId,
    pub name: Option<String>,
    /// Given on entry when the link asks; confirmations go here.
    #[serde(default)]
    pub email: Option<String>,
    pub created_ms: u64,
    pub last_seen_ms: u64,
}

/// A visitor's favourites in one gallery, and the photos they put in its extra lists.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Selection {
    pub photos: Vec<PhotoId>,
    /// List name (as the gallery spells it) → photos, in the order they were added.
    #[serde(default)]
    pub lists: std::collections::BTreeMap<String, Vec<PhotoId>>,
    /// Set when submitted: the selection is then locked until the photographer reopens it.
    pub submitted_ms: Option<u64>,
    /// What the client wrote to the photographer when submitting, if anything.
    #[serde(default)]
    pub message: Option<String>,
}

/// Something a visitor did, for the photographer's activity pages.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Activity {
    pub at_ms: u64,
    pub gallery: GalleryId,
    pub visitor: VisitorId,
    pub what: ActivityKind,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ActivityKind {
    /// Opened the cover or the photos.
    View,
    Heart {
        photo: PhotoId,
        on: bool,
    },
    Comment {
        photo: PhotoId,
    },
    Submit {
        count: usize,
    },
    /// One photo (`Some`) or a zip of several (`count`).
    Download {
        photo: Option<PhotoId>,
        count: usize,
    },
    /// Placed an order (its number).
    Ordered {
        number: u32,
    },
    /// Asked (from this address) to reopen the gallery or their ended link.
    ReopenAsked {
        from: String,
    },
}

/// A comment on a photo, by a visitor or (with `visitor: None`) the photographer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub gallery: GalleryId,
    pub photo: PhotoId,
    pub visitor: Option<VisitorId>,
    pub text: String,
    /// The client asks for retouching of this photo.
    pub retouch: bool,
    pub created_ms: u64,
}

/// Filenames for Lightroom Classic's Library filter (Text → Filename → Contains): names
/// without extensions, so the raw files match too, separated by commas, which Lightroom
/// reads as "any of these".
pub fn lightroom_filter(filenames: &[String]) -> String {
    let mut stems: Vec<&str> = filenames
        .iter()
        .map(|f| std::path::Path::new(f).file_stem().and_then(|s| s.to_str()).unwrap_or(f))
        .collect();
    stems.dedup();
    stems.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lightroom_string_drops_extensions() {
        let f = vec!["IMG_0001.jpg".to_string(), "IMG_0002.JPG".into(), "DSC 3.tiff".into()];
        assert_eq!(lightroom_filter(&f), "IMG_0001, IMG_0002, DSC 3");
    }
    use crate::domain::Proofing;

    #[test]
    fn downloads_follow_state_and_permissions() {
        let p = Permissions { download_finals: true, ..Default::default() };
        assert!(p.may_download(PhotoState::Final));
        assert!(!p.may_download(PhotoState::Proof));
    }

    #[test]
    fn selection_limits() {
        let p = Proofing { min: Some(2), max: Some(3), guide: None, lists: vec![] };
        assert!(p.submit_refusal(0).is_some());
        assert!(p.submit_refusal(1).unwrap().contains("at least 2"));
        assert!(p.submit_refusal(2).is_none());
        assert!(p.submit_refusal(4).unwrap().contains("at most 3"));
    }
}
