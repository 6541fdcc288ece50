//! What a visitor of a share link may do with one photo, as plain rules over plain values:
//! the link's permissions, whether the set shows watermarked previews, the photo's state and
//! the size asked for. `app::visit::Visit` answers every access question through these, so
//! the rules live here once and a table test can hold them all.

use super::{Permissions, PhotoState, Selection};

/// The files a photo is offered in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// About 512 px, for the grid.
    Thumb,
    /// About 2048 px, without a watermark.
    Preview,
    /// The preview with the studio's watermark drawn on it.
    WatermarkedPreview,
    /// The uploaded file.
    Original,
}

impl Size {
    pub const ALL: [Size; 4] = [Size::Thumb, Size::Preview, Size::WatermarkedPreview, Size::Original];
}

/// A link's rights over one set (a gallery it opens).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Access {
    pub permissions: Permissions,
    /// The set (or a gallery it is inside) shows its clients watermarked previews.
    pub watermarked: bool,
    /// The gallery is archived with its finals kept for its clients: they see and download
    /// the finals, and nothing else (no proofs, no hearts, no notes).
    pub finals_only: bool,
}

impl Access {
    /// May the visitor look at `size` of a photo in `state`? Thumbs and watermarked
    /// previews, always; the bare preview unless the set is watermarked (it is what the
    /// watermark protects); the original only where it may be downloaded.
    pub fn may_see(self, state: PhotoState, size: Size) -> bool {
        if self.finals_only {
            return state == PhotoState::Final;
        }
        match size {
            Size::Thumb | Size::WatermarkedPreview => true,
            Size::Preview => !self.watermarked,
            Size::Original => self.permissions.may_download(state),
        }
    }

    /// May the visitor take `size` of a photo in `state` home (a download, a zip)? Only
    /// where the link allows downloads of photos in that state (proofs, or finals), and
    /// never a bare preview of a watermarked set, nor a thumb (not offered).
    pub fn may_download(self, state: PhotoState, size: Size) -> bool {
        if self.finals_only {
            return state == PhotoState::Final && size != Size::Thumb;
        }
        match size {
            Size::Thumb => false,
            Size::Preview => !self.watermarked && self.permissions.may_download(state),
            Size::WatermarkedPreview | Size::Original => self.permissions.may_download(state),
        }
    }

    /// The preview a client is shown (and downloads as "web size").
    pub fn preview(self) -> Size {
        if self.watermarked { Size::WatermarkedPreview } else { Size::Preview }
    }

    pub fn may_favourite(self) -> bool {
        self.permissions.favourite && !self.finals_only
    }

    pub fn may_comment(self) -> bool {
        self.permissions.comment && !self.finals_only
    }

    /// May anything here be downloaded at all (to offer "Download all")?
    pub fn may_download_any(self) -> bool {
        self.finals_only || self.permissions.may_download_any()
    }
}

/// Where a client stands in the journey (heart → submit → finals). A step for packages
/// and prints joins when ordering exists: a step nothing backs is not shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    Heart = 0,
    Submit = 1,
    Finals = 2,
}

impl Step {
    /// The step of a client with this selection: hearting until the first heart, then ready
    /// to submit; once submitted, the photographer retouches and delivers.
    pub fn of(selection: &Selection) -> Step {
        match (selection.photos.len(), selection.submitted_ms.is_some()) {
            (_, true) => Step::Finals,
            (0, false) => Step::Heart,
            _ => Step::Submit,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// The access rules written out by hand, row by row: the judge of `Access` here and of
/// `app::visit::Visit`, which must answer the same through a real link.
#[cfg(test)]
pub(crate) mod table {
    use super::*;

    /// Every permission set × photo state × size, with what a visitor may see and download,
    /// written out by hand: one row per (link, set, size), one letter per state in the
    /// order proof, final, undefined (`y` allowed, `.` refused), first for seeing, then
    /// for downloading.
    pub const TABLE: &[(&str, bool, Size, &str, &str)] = &[
        // link: view only
        ("view", false, Size::Thumb, "yyy", "..."),
        ("view", false, Size::Preview, "yyy", "..."),
        ("view", false, Size::WatermarkedPreview, "yyy", "..."),
        ("view", false, Size::Original, "...", "..."),
        ("view", true, Size::Thumb, "yyy", "..."),
        ("view", true, Size::Preview, "...", "..."),
        ("view", true, Size::WatermarkedPreview, "yyy", "..."),
        ("view", true, Size::Original, "...", "..."),
        // link: favourites and comments, no downloads
        ("proof", false, Size::Thumb, "yyy", "..."),
        ("proof", false, Size::Preview, "yyy", "..."),
        ("proof", false, Size::WatermarkedPreview, "yyy", "..."),
        ("proof", false, Size::Original, "...", "..."),
        ("proof", true, Size::Thumb, "yyy", "..."),
        ("proof", true, Size::Preview, "...", "..."),
        ("proof", true, Size::WatermarkedPreview, "yyy", "..."),
        ("proof", true, Size::Original, "...", "..."),
        // link: proofs may be downloaded (undefined photos count as proofs)
        ("proofs", false, Size::Thumb, "yyy", "..."),
        ("proofs", false, Size::Preview, "yyy", "y.y"),
        ("proofs", false, Size::WatermarkedPreview, "yyy", "y.y"),
        ("proofs", false, Size::Original, "y.y", "y.y"),
        ("proofs", true, Size::Thumb, "yyy", "..."),
        ("proofs", true, Size::Preview, "...", "..."),
        ("proofs", true, Size::WatermarkedPreview, "yyy", "y.y"),
        ("proofs", true, Size::Original, "y.y", "y.y"),
        // link: finals may be downloaded
        ("finals", false, Size::Thumb, "yyy", "..."),
        ("finals", false, Size::Preview, "yyy", ".y."),
        ("finals", false, Size::WatermarkedPreview, "yyy", ".y."),
        ("finals", false, Size::Original, ".y.", ".y."),
        ("finals", true, Size::Thumb, "yyy", "..."),
        ("finals", true, Size::Preview, "...", "..."),
        ("finals", true, Size::WatermarkedPreview, "yyy", ".y."),
        ("finals", true, Size::Original, ".y.", ".y."),
        // link: everything
        ("all", false, Size::Thumb, "yyy", "..."),
        ("all", false, Size::Preview, "yyy", "yyy"),
        ("all", false, Size::WatermarkedPreview, "yyy", "yyy"),
        ("all", false, Size::Original, "yyy", "yyy"),
        ("all", true, Size::Thumb, "yyy", "..."),
        ("all", true, Size::Preview, "...", "..."),
        ("all", true, Size::WatermarkedPreview, "yyy", "yyy"),
        ("all", true, Size::Original, "yyy", "yyy"),
    ];

    pub fn permissions(name: &str) -> Permissions {
        let p = |favourite, comment, download_proofs, download_finals| Permissions {
            favourite,
            comment,
            download_proofs,
            download_finals,
        };
        match name {
            "view" => p(false, false, false, false),
            "proof" => p(true, true, false, false),
            "proofs" => p(true, true, true, false),
            "finals" => p(true, false, false, true),
            "all" => p(true, true, true, true),
            other => panic!("no permission set {other}"),
        }
    }

    pub const STATES: [PhotoState; 3] = [PhotoState::Proof, PhotoState::Final, PhotoState::Undefined];
}

#[cfg(test)]
mod tests {
    use super::{table::*, *};

    #[test]
    fn every_permission_state_and_size_answers_as_the_table_says() {
        for &(set, watermarked, size, see, download) in TABLE {
            let access = Access { permissions: permissions(set), watermarked, finals_only: false };
            for (i, state) in STATES.into_iter().enumerate() {
                let row = format!("{set}, watermarked {watermarked}, {size:?}, {state:?}");
                assert_eq!(access.may_see(state, size), see.as_bytes()[i] == b'y', "see: {row}");
                assert_eq!(
                    access.may_download(state, size),
                    download.as_bytes()[i] == b'y',
                    "download: {row}"
                );
            }
        }
        // The table is whole: every set × watermark × size once.
        let mut rows: Vec<_> = TABLE.iter().map(|r| (r.0, r.1, r.2 as u8)).collect();
        rows.sort();
        rows.dedup();
        assert_eq!(rows.len(), TABLE.len(), "a row is written twice");
        assert_eq!(TABLE.len(), 5 * 2 * Size::ALL.len(), "a row is missing");
    }

    #[test]
    fn an_archive_of_finals_shows_and_gives_the_finals_only() {
        for set in ["view", "proof", "proofs", "finals", "all"] {
            for watermarked in [false, true] {
                let a = Access { permissions: permissions(set), watermarked, finals_only: true };
                for size in [Size::Preview, Size::Original] {
                    assert!(a.may_download(PhotoState::Final, size), "{set} {size:?}");
                    assert!(!a.may_download(PhotoState::Proof, size) && !a.may_see(PhotoState::Proof, size));
                    assert!(!a.may_see(PhotoState::Undefined, size));
                }
                assert!(
                    a.may_see(PhotoState::Final, Size::Thumb) && !a.may_see(PhotoState::Proof, Size::Thumb)
                );
                assert!(!a.may_favourite() && !a.may_comment() && a.may_download_any());
            }
        }
    }

    #[test]
    fn the_journey_follows_the_selection() {
        let mut sel = Selection::default();
        assert_eq!(Step::of(&sel), Step::Heart);
        sel.photos.push(crate::domain::PhotoId::new());
        assert_eq!(Step::of(&sel), Step::Submit);
        sel.submitted_ms = Some(1);
        assert_eq!(Step::of(&sel), Step::Finals);
    }
}
