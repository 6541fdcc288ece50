//! The records proofroom stores, and the small rules that belong to them.

use serde::{Deserialize, Serialize};

use super::{GalleryId, Hash, PhotoId};

/// A set of photos shown to clients. Galleries nest: `parent` is `None` at the top level.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gallery {
    pub id: GalleryId,
    pub parent: Option<GalleryId>,
    pub title: String,
    pub created_ms: u64,
    /// How clients select in this gallery.
    #[serde(default)]
    pub proofing: Proofing,
    /// Not part of the gallery it is nested in: not listed as a set there, and not opened by
    /// that gallery's links. Only a link or grant made for it (or inside it) opens it.
    #[serde(default)]
    pub hidden: bool,
    /// Clients see previews with the studio's watermark.
    #[serde(default)]
    pub watermark: bool,
    /// The photo on the cover, chosen by the photographer (else the first one).
    #[serde(default)]
    pub cover: Cover,
    /// The day of the shoot ("2026-06-14"), shown on the cover instead of the day the
    /// gallery was made.
    #[serde(default)]
    pub event_date: Option<String>,
    /// The price list its clients order from; `None` follows the gallery it is inside, and
    /// at the top the studio's default.
    #[serde(default)]
    pub price_list: Option<super::PriceListId>,
    /// Its go-live and deadline dates, and its own message timings.
    #[serde(default)]
    pub journey: super::journey::Journey,
    /// What its new client links start with.
    #[serde(default)]
    pub link: super::preset::LinkDefaults,
}

impl Gallery {
    /// A new gallery with every setting at its default (what "Create gallery" makes).
    pub fn new(parent: Option<GalleryId>, title: String, created_ms: u64) -> Gallery {
        Gallery {
            id: GalleryId::new(),
            parent,
            title,
            created_ms,
            proofing: Proofing::default(),
            hidden: false,
            watermark: false,
            cover: Cover::default(),
            event_date: None,
            price_list: None,
            journey: Default::default(),
            link: Default::default(),
        }
    }
}

/// A gallery's numbers as lists show them, kept up to date by the write that changes them
/// (an upload, a photo marked final, a client's visit), so listing 1,000 galleries never
/// counts 100,000 photos.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GalleryStats {
    pub photos: u64,
    pub finals: u64,
    /// Bytes of every version of every photo (what the gallery holds on the disk, before
    /// renditions and before blobs shared with other galleries are counted once).
    pub bytes: u64,
    /// The current blobs of the first photos uploaded (id, blob), for a cover when the
    /// photographer chose none: the first whose renditions are ready.
    pub firsts: Vec<(PhotoId, Hash)>,
    /// The newest of: created, a photo uploaded, a client's activity. Lists sort by it.
    pub active_ms: u64,
    /// A client's last activity in it (a visit, a heart, a download), if any.
    #[serde(default)]
    pub client_ms: Option<u64>,
}

impl GalleryStats {
    /// How many first photos are kept as cover candidates.
    pub const FIRSTS: usize = 4;

    /// Counts `photo`'s new version `v` (its newest), `was` being the photo before it.
    pub fn add_version(&mut self, was: Option<&Photo>, photo: &Photo, v: &Version) {
        self.bytes += v.size;
        if was.is_none() {
            self.photos += 1;
        }
        if let Some(slot) = self.firsts.iter_mut().find(|(id, _)| *id == photo.id) {
            slot.1 = v.blob;
        } else if was.is_none() && self.firsts.len() < Self::FIRSTS {
            self.firsts.push((photo.id, v.blob));
        }
        self.state_changed(was.map(|p| p.state), photo.state);
        self.active_ms = self.active_ms.max(v.uploaded_ms);
    }

    /// Follows a photo's state from `was` (`None`: a new photo) to `now`.
    pub fn state_changed(&mut self, was: Option<PhotoState>, now: PhotoState) {
        let final_before = was == Some(PhotoState::Final);
        match (final_before, now == PhotoState::Final) {
            (false, true) => self.finals += 1,
            (true, false) => self.finals = self.finals.saturating_sub(1),
            _ => {}
        }
    }
}

/// The cover photo and the point of it that must stay in view when the cover is cropped
/// to the screen (percent from the left and from the top).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cover {
    pub photo: Option<super::PhotoId>,
    pub focus_x: u8,
    pub focus_y: u8,
}

impl Default for Cover {
    fn default() -> Self {
        Cover { photo: None, focus_x: 50, focus_y: 50 }
    }
}

/// A photo with what processing made of its current version.
#[derive(Clone, Debug)]
pub struct PhotoView {
    pub photo: Photo,
    pub status: PhotoStatus,
    pub error: Option<String>,
    /// Displayed size after orientation, once ready.
    pub size: Option<(u32, u32)>,
    pub thumb: Option<Rendition>,
    /// Absent for media made before there was a medium size, and in watermarked sets.
    pub medium: Option<Rendition>,
    pub preview: Option<Rendition>,
    pub original: Option<Hash>,
}

impl PhotoView {
    pub fn new(photo: Photo, info: Option<MediaInfo>) -> Self {
        let status = PhotoStatus::of(info.as_ref());
        let original = photo.current().map(|v| v.blob);
        let mut view = PhotoView {
            photo,
            status,
            error: None,
            size: None,
            thumb: None,
            medium: None,
            preview: None,
            original,
        };
        match info {
            Some(MediaInfo::Ready { width, height, thumb, medium, preview, .. }) => {
                view.size = Some((width, height));
                view.thumb = Some(thumb);
                view.medium = medium;
                view.preview = Some(preview);
            }
            Some(MediaInfo::Failed { reason }) => view.error = Some(reason),
            None => {}
        }
        view
    }
}

/// A gallery's selection rules and the welcome text clients read first.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Proofing {
    /// At least this many favourites before the selection can be submitted.
    pub min: Option<u32>,
    /// At most this many favourites.
    pub max: Option<u32>,
    /// The photographer's welcome words on the cover page; a studio default when empty.
    pub guide: Option<String>,
    /// Lists clients may put photos in besides their favourites ("Album", "Prints"). They
    /// have no limits and are submitted (and locked) with the favourites.
    #[serde(default)]
    pub lists: Vec<String>,
}

/// Most extra lists a gallery offers, and the longest name of one.
pub const MAX_LISTS: usize = 5;
pub const LIST_NAME_MAX: usize = 30;

impl Proofing {
    /// The list called `name` (any case), as the photographer spelled it.
    pub fn list(&self, name: &str) -> Option<&str> {
        self.lists.iter().find(|l| l.eq_ignore_ascii_case(name)).map(String::as_str)
    }
}

impl Proofing {
    /// The selection goal in a few words for the client's counter ("Choose 3–5").
    pub fn goal(&self) -> String {
        match (self.min, self.max) {
            (Some(a), Some(b)) if a == b => format!("Choose {a}"),
            (Some(a), Some(b)) => format!("Choose {a}–{b}"),
            (Some(a), None) => format!("Choose at least {a}"),
            (None, Some(b)) => format!("Choose up to {b}"),
            (None, None) => "Heart your favourites".into(),
        }
    }

    /// The welcome words when neither the gallery nor the studio has any, from the rules.
    pub fn default_guide(&self) -> String {
        let count = match (self.min, self.max) {
            (Some(a), Some(b)) if a == b => format!("choose {a} favourites"),
            (Some(a), Some(b)) => format!("choose between {a} and {b} favourites"),
            (Some(a), None) => format!("choose at least {a} favourites"),
            (None, Some(b)) => format!("choose up to {b} favourites"),
            (None, None) => "heart your favourites".into(),
        };
        format!(
            "Welcome! Take your time with these photos: {count}, leave a note on any photo you would like retouched, then submit your selection. We will retouch and deliver your finals here."
        )
    }

    /// Why a selection of `n` photos cannot be submitted, if it cannot.
    pub fn submit_refusal(&self, n: usize) -> Option<String> {
        match (self.min, self.max) {
            (_, _) if n == 0 => Some("Heart at least one photo before you submit.".into()),
            (Some(min), _) if n < min as usize => {
                Some(format!("Choose at least {min} photos; you have {n}."))
            }
            (_, Some(max)) if n > max as usize => Some(format!("Choose at most {max} photos; you have {n}.")),
            _ => None,
        }
    }
}

/// Where a photo stands in the proof → final journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum PhotoState {
    #[default]
    Proof,
    Final,
    Undefined,
}

impl PhotoState {
    pub const ALL: [PhotoState; 3] = [PhotoState::Proof, PhotoState::Final, PhotoState::Undefined];

    pub fn as_str(self) -> &'static str {
        match self {
            PhotoState::Proof => "proof",
            PhotoState::Final => "final",
            PhotoState::Undefined => "undefined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// One upload of a photo's bytes. A photo keeps every version; the last one is shown.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Version {
    pub blob: Hash,
    pub size: u64,
    pub uploaded_ms: u64,
}

/// One image in one gallery.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Photo {
    pub id: PhotoId,
    pub gallery: GalleryId,
    pub filename: String,
    pub state: PhotoState,
    /// Order in the gallery grid; ties are broken by id (upload order).
    pub position: u64,
    pub versions: Vec<Version>,
    pub created_ms: u64,
}

impl Photo {
    /// The version clients see: always the newest upload.
    pub fn current(&self) -> Option<&Version> {
        self.versions.last()
    }

    /// The key under which filenames are matched for replace-by-filename: Lightroom may
    /// change the case of an extension, so `IMG_1.JPG` and `img_1.jpg` are the same photo.
    pub fn name_key(filename: &str) -> String {
        filename.to_lowercase()
    }
}

/// A derived image of a blob. Renditions are keyed by (source hash, spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Spec {
    /// For grids: about 512 px on the long edge.
    Thumb,
    /// For grids on dense screens and covers on phones: about 1024 px.
    Medium,
    /// For the viewer: about 2048 px on the long edge.
    Preview,
}

impl Spec {
    /// The long edge in pixels; renditions are never upscaled past the source.
    pub fn long_edge(self) -> u32 {
        match self {
            Spec::Thumb => 512,
            Spec::Medium => 1024,
            Spec::Preview => 2048,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendition {
    pub blob: Hash,
    pub width: u32,
    pub height: u32,
}

/// What processing a source blob produced, keyed by the blob's hash so the same file in two
/// galleries is processed once.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum MediaInfo {
    Ready {
        /// Displayed size, after EXIF orientation.
        width: u32,
        height: u32,
        content_type: String,
        thumb: Rendition,
        /// Media made before the medium size existed have none; pages then do without.
        #[serde(default)]
        medium: Option<Rendition>,
        preview: Rendition,
    },
    Failed {
        reason: String,
    },
}

impl MediaInfo {
    /// Every rendition blob this record names, with its spec: what `check` expects on disk
    /// and `gc` keeps.
    pub fn renditions(&self) -> Vec<(Spec, &Rendition)> {
        match self {
            MediaInfo::Ready { thumb, medium, preview, .. } => {
                let mut all = vec![(Spec::Thumb, thumb), (Spec::Preview, preview)];
                all.extend(medium.as_ref().map(|m| (Spec::Medium, m)));
                all
            }
            MediaInfo::Failed { .. } => Vec::new(),
        }
    }
}

/// A photo's processing status as clients of the API see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PhotoStatus {
    Pending,
    Ready,
    Failed,
}

impl PhotoStatus {
    pub fn of(info: Option<&MediaInfo>) -> Self {
        match info {
            None => PhotoStatus::Pending,
            Some(MediaInfo::Ready { .. }) => PhotoStatus::Ready,
            Some(MediaInfo::Failed { .. }) => PhotoStatus::Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PhotoStatus::Pending => "pending",
            PhotoStatus::Ready => "ready",
            PhotoStatus::Failed => "failed",
        }
    }
}

/// A durable unit of background work.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub id: u128,
    pub kind: JobKind,
    pub attempts: u32,
    /// Set while a worker holds the job. A lease left over from a killed process is taken
    /// back at start-up, so no job is lost to a crash.
    #[serde(default)]
    pub leased: bool,
    /// The unique key it was queued under, if any (freed when the job ends).
    #[serde(default)]
    pub key: Option<String>,
}

/// A photographer's signed-in browser, stored under the hash of its cookie's token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub created_ms: u64,
    pub expires_ms: u64,
}

/// A script's key to the JSON API, stored under the hash of the token.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApiToken {
    pub name: String,
    pub created_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobKind {
    /// Make the `thumb` and `preview` renditions of a source blob.
    Renditions { blob: Hash },
    /// Send (or write to the outbox) one queued e-mail.
    SendMail { mail: super::MailId },
    /// Tell the photographer about a gallery's new comments, in one message.
    CommentDigest { gallery: GalleryId },
    /// Tell the photographer about a gallery's newly submitted selections, in one message.
    SelectionNotice { gallery: GalleryId },
    /// Draw the watermark `mark` (a `Watermark::fingerprint`) on the preview of `blob`.
    Watermark { blob: Hash, mark: Hash },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_state_parses_its_own_names_only() {
        for st in PhotoState::ALL {
            assert_eq!(PhotoState::parse(st.as_str()), Some(st));
        }
        assert_eq!(PhotoState::parse("FINAL"), None);
    }

    #[test]
    fn name_key_ignores_case() {
        assert_eq!(Photo::name_key("IMG_1.JPG"), Photo::name_key("img_1.jpg"));
    }
}
