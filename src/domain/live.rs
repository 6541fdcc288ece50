//! The live purchasing session: the photographer and the client look at one gallery
//! together, on two screens that stay in step. Its state is a plain value changed only by
//! `Live::apply`, so either screen (or a reconnecting one) is drawn from the same state.

use serde::{Deserialize, Serialize};

use super::{GalleryId, Hash, PhotoId, ProductId, VisitorId};

/// How long a join code works after the session starts: a long evening's session.
pub const LIVE_TTL_MS: u64 = 12 * 60 * 60 * 1000;
/// Photos compared side by side at most.
pub const COMPARE_MAX: usize = 4;
/// Steps of "keep" and "set aside" that can be undone.
const UNDO_DEPTH: usize = 50;

/// Print sizes shown on the wall at once ("16×20 vs 24×36 above the sofa").
pub const ROOM_SIZES_MAX: usize = 3;

/// How a print hangs in the room view.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frame {
    None,
    Black,
    White,
    Canvas,
}

/// The room view: the shown photo at the true scale of print sizes on a wall of known
/// width, or a gallery wall of two or three photos, each at its size.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    /// Which bundled room (`room-<name>.png`); ignored when `wall` is given.
    pub room: String,
    /// A photo of the client's own wall, uploaded in the session (a JPEG blob).
    #[serde(default)]
    pub wall: Option<Hash>,
    /// The wall's width in millimetres: the scale of everything on it.
    pub wall_mm: u32,
    /// The print products drawn, side by side.
    pub sizes: Vec<ProductId>,
    /// A gallery wall: `photos[i]` hangs at `sizes[i]`. Empty: the shown photo hangs at
    /// every size ("16×20 vs 24×36 above the sofa").
    #[serde(default)]
    pub photos: Vec<PhotoId>,
    pub frame: Frame,
    /// Where the prints' centre hangs, in ten-thousandths of the wall's width and height.
    pub x: u16,
    pub y: u16,
}

/// Space between prints hung side by side.
pub const ROOM_GAP_MM: f64 = 150.0;
/// A frame's width around the print (the screen and the saved picture draw the same).
pub const FRAME_MM: f64 = 25.0;

/// Where one print hangs: its top-left corner and size, in millimetres of the wall.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hung {
    pub x_mm: f64,
    pub y_mm: f64,
    pub w_mm: f64,
    pub h_mm: f64,
}

impl Room {
    /// The prints it hangs: the shown photo at each size, or a gallery wall's photos each
    /// at its own.
    pub fn hung(&self, shown: PhotoId) -> Vec<(PhotoId, ProductId)> {
        match self.photos.is_empty() {
            true => self.sizes.iter().map(|s| (shown, *s)).collect(),
            false => self.photos.iter().copied().zip(self.sizes.iter().copied()).collect(),
        }
    }

    /// Lays `prints` (width and height in millimetres, already turned to their photo's
    /// orientation) in a row centred on (`x`, `y`), on a wall `wall_mm` wide and
    /// `wall_mm / aspect` high. `live.js` draws the same layout.
    pub fn layout(&self, prints: &[(f64, f64)], aspect: f64) -> Vec<Hung> {
        let wall_w = f64::from(self.wall_mm);
        let wall_h = wall_w / aspect.max(0.1);
        let total: f64 =
            prints.iter().map(|p| p.0).sum::<f64>() + ROOM_GAP_MM * prints.len().saturating_sub(1) as f64;
        let mut x = f64::from(self.x) / 10_000.0 * wall_w - total / 2.0;
        let cy = f64::from(self.y) / 10_000.0 * wall_h;
        prints
            .iter()
            .map(|&(w, h)| {
                let hung = Hung { x_mm: x, y_mm: cy - h / 2.0, w_mm: w, h_mm: h };
                x += w + ROOM_GAP_MM;
                hung
            })
            .collect()
    }
}

/// A print's size turned to the photo's orientation: a landscape photo hangs landscape.
pub fn oriented(size_mm: (u32, u32), photo: (u32, u32)) -> (f64, f64) {
    let (a, b) = (f64::from(size_mm.0), f64::from(size_mm.1));
    let landscape = photo.0 >= photo.1;
    if landscape == (a >= b) { (a, b) } else { (b, a) }
}

/// A photo of the client's wall sent in a session: a JPEG blob and its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WallPhoto {
    pub hash: Hash,
    pub w: u32,
    pub h: u32,
}

/// What is kept of a running session, so a restart of the server does not end it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedLive {
    pub live: Live,
    /// The joined client's visitor.
    pub client: Option<VisitorId>,
    pub walls: Vec<WallPhoto>,
}

/// Who did something in a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Photographer,
    Client,
}

impl Side {
    /// As scripts and pages name it (the same as its JSON form).
    pub fn slug(self) -> &'static str {
        match self {
            Side::Photographer => "photographer",
            Side::Client => "client",
        }
    }
}

/// What either screen may do.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Action {
    /// Shows one photo large (the leader only).
    Show {
        photo: PhotoId,
    },
    /// Shows two to four photos side by side; an empty list ends the comparison.
    Compare {
        photos: Vec<PhotoId>,
    },
    Keep {
        photo: PhotoId,
    },
    SetAside {
        photo: PhotoId,
    },
    /// Takes back the last keep or set-aside.
    Undo,
    /// Takes the lead (the photographer may also hand it to the client).
    Lead {
        side: Side,
    },
    /// Opens or changes the room view (the leader only); `None` closes it.
    Room {
        room: Option<Room>,
    },
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LiveError {
    #[error("the other screen leads: take the lead first")]
    NotLeader,
    #[error("that photo is not in this gallery")]
    UnknownPhoto,
    #[error("compare two to four photos")]
    CompareSize,
    #[error("only the photographer hands the lead over")]
    LeadNotYours,
    #[error("nothing to undo")]
    NothingToUndo,
    #[error("the wall must be 0.5 to 20 m wide, with one to three print sizes on it")]
    RoomSize,
    #[error("a gallery wall hangs two or three different photos, each at its own size")]
    GalleryWall,
}

/// A session's state: what is on the screens, who leads, what was kept and set aside.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Live {
    pub gallery: GalleryId,
    /// What the client types or follows to join (six letters and digits).
    pub code: String,
    pub started_ms: u64,
    pub expires_ms: u64,
    pub leader: Side,
    pub shown: Option<PhotoId>,
    pub compare: Vec<PhotoId>,
    pub kept: Vec<PhotoId>,
    pub aside: Vec<PhotoId>,
    /// The room view, when open.
    pub room: Option<Room>,
    /// Counts every change, so a screen knows it has the latest.
    pub seq: u64,
    #[serde(skip)]
    undo: Vec<(Vec<PhotoId>, Vec<PhotoId>)>,
}

impl Live {
    pub fn new(gallery: GalleryId, code: String, now_ms: u64) -> Live {
        Live {
            gallery,
            code,
            started_ms: now_ms,
            expires_ms: now_ms + LIVE_TTL_MS,
            leader: Side::Photographer,
            shown: None,
            compare: Vec::new(),
            kept: Vec::new(),
            aside: Vec::new(),
            room: None,
            seq: 0,
            undo: Vec::new(),
        }
    }

    pub fn expired(&self, now_ms: u64) -> bool {
        now_ms >= self.expires_ms
    }

    /// Applies `action` by `by`; `photos` are the gallery's, in order. A refused action
    /// changes nothing.
    pub fn apply(&mut self, by: Side, action: Action, photos: &[PhotoId]) -> Result<(), LiveError> {
        let known = |p: &PhotoId| photos.contains(p);
        match action {
            Action::Show { photo } => {
                self.lead_check(by)?;
                if !known(&photo) {
                    return Err(LiveError::UnknownPhoto);
                }
                self.shown = Some(photo);
                self.compare.clear();
            }
            Action::Compare { photos: chosen } => {
                self.lead_check(by)?;
                if !chosen.is_empty() && !(2..=COMPARE_MAX).contains(&chosen.len()) {
                    return Err(LiveError::CompareSize);
                }
                if !chosen.iter().all(known) {
                    return Err(LiveError::UnknownPhoto);
                }
                let mut unique = Vec::new();
                for p in chosen {
                    if !unique.contains(&p) {
                        unique.push(p);
                    }
                }
                if unique.len() == 1 {
                    return Err(LiveError::CompareSize);
                }
                self.compare = unique;
            }
            Action::Keep { photo } | Action::SetAside { photo } if !known(&photo) => {
                return Err(LiveError::UnknownPhoto);
            }
            Action::Keep { photo } => {
                self.remember();
                self.aside.retain(|p| *p != photo);
                if !self.kept.contains(&photo) {
                    self.kept.push(photo);
                }
            }
            Action::SetAside { photo } => {
                self.remember();
                self.kept.retain(|p| *p != photo);
                if !self.aside.contains(&photo) {
                    self.aside.push(photo);
                }
            }
            Action::Undo => {
                let (kept, aside) = self.undo.pop().ok_or(LiveError::NothingToUndo)?;
                (self.kept, self.aside) = (kept, aside);
            }
            Action::Room { room } => {
                self.lead_check(by)?;
                if let Some(r) = &room {
                    let sizes_ok = !r.sizes.is_empty() && r.sizes.len() <= ROOM_SIZES_MAX;
                    let place_ok = r.x <= 10_000 && r.y <= 10_000;
                    if !(500..=20_000).contains(&r.wall_mm) || !sizes_ok || !place_ok || r.room.len() > 40 {
                        return Err(LiveError::RoomSize);
                    }
                    let wall_ok = r.photos.is_empty()
                        || (r.photos.len() >= 2 && r.photos.len() == r.sizes.len() && {
                            let mut seen = r.photos.clone();
                            seen.sort();
                            seen.dedup();
                            seen.len() == r.photos.len()
                        });
                    if !wall_ok {
                        return Err(LiveError::GalleryWall);
                    }
                    if !r.photos.iter().all(known) {
                        return Err(LiveError::UnknownPhoto);
                    }
                }
                self.room = room;
            }
            Action::Lead { side } => {
                // The client may take the lead; only the photographer gives it away or takes
                // it back.
                if by == Side::Client && side != Side::Client {
                    return Err(LiveError::LeadNotYours);
                }
                self.leader = side;
            }
        }
        self.seq += 1;
        Ok(())
    }

    /// Something the session shows changed elsewhere (a heart, the cart): screens redraw.
    pub fn touch(&mut self) {
        self.seq += 1;
    }

    fn lead_check(&self, by: Side) -> Result<(), LiveError> {
        if by == self.leader { Ok(()) } else { Err(LiveError::NotLeader) }
    }

    fn remember(&mut self) {
        if self.undo.len() == UNDO_DEPTH {
            self.undo.remove(0);
        }
        self.undo.push((self.kept.clone(), self.aside.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> (Live, Vec<PhotoId>) {
        let photos: Vec<PhotoId> = (0..5).map(|_| PhotoId::new()).collect();
        (Live::new(GalleryId::new(), "ABC234".into(), 1_000), photos)
    }

    #[test]
    fn the_leader_shows_and_the_other_screen_cannot_until_it_takes_the_lead() {
        let (mut s, p) = session();
        assert_eq!(s.apply(Side::Photographer, Action::Show { photo: p[1] }, &p), Ok(()));
        assert_eq!((s.shown, s.seq), (Some(p[1]), 1));
        assert_eq!(s.apply(Side::Client, Action::Show { photo: p[2] }, &p), Err(LiveError::NotLeader));
        assert_eq!(s.seq, 1, "refused: nothing changed");
        s.apply(Side::Client, Action::Lead { side: Side::Client }, &p).unwrap();
        s.apply(Side::Client, Action::Show { photo: p[2] }, &p).unwrap();
        assert_eq!(s.shown, Some(p[2]));
        // The client cannot hand the lead to the photographer; the photographer takes it.
        let give = Action::Lead { side: Side::Photographer };
        assert_eq!(s.apply(Side::Client, give.clone(), &p), Err(LiveError::LeadNotYours));
        s.apply(Side::Photographer, give, &p).unwrap();
        assert_eq!(s.leader, Side::Photographer);
        let stranger = PhotoId::new();
        assert_eq!(
            s.apply(Side::Photographer, Action::Show { photo: stranger }, &p),
            Err(LiveError::UnknownPhoto)
        );
    }

    #[test]
    fn comparing_takes_two_to_four_distinct_photos() {
        let (mut s, p) = session();
        let cmp = |v: Vec<PhotoId>| Action::Compare { photos: v };
        assert_eq!(s.apply(Side::Photographer, cmp(vec![p[0]]), &p), Err(LiveError::CompareSize));
        assert_eq!(s.apply(Side::Photographer, cmp(vec![p[0], p[0]]), &p), Err(LiveError::CompareSize));
        assert_eq!(s.apply(Side::Photographer, cmp(p.clone()), &p), Err(LiveError::CompareSize));
        s.apply(Side::Photographer, cmp(vec![p[0], p[2], p[3]]), &p).unwrap();
        assert_eq!(s.compare, vec![p[0], p[2], p[3]]);
        s.apply(Side::Photographer, cmp(vec![]), &p).unwrap();
        assert!(s.compare.is_empty());
    }

    #[test]
    fn the_room_view_takes_a_sane_wall_and_one_to_three_sizes() {
        let (mut s, p) = session();
        let room = |wall_mm, n: usize| Room {
            room: "living".into(),
            wall_mm,
            sizes: (0..n).map(|_| ProductId::new()).collect(),
            photos: Vec::new(),
            wall: None,
            frame: Frame::Black,
            x: 5000,
            y: 4000,
        };
        let open = |r| Action::Room { room: Some(r) };
        assert_eq!(s.apply(Side::Photographer, open(room(100, 1)), &p), Err(LiveError::RoomSize));
        assert_eq!(s.apply(Side::Photographer, open(room(3000, 0)), &p), Err(LiveError::RoomSize));
        assert_eq!(s.apply(Side::Photographer, open(room(3000, 4)), &p), Err(LiveError::RoomSize));
        assert_eq!(s.apply(Side::Client, open(room(3000, 2)), &p), Err(LiveError::NotLeader));
        s.apply(Side::Photographer, open(room(3000, 2)), &p).unwrap();
        assert_eq!(s.room.as_ref().map(|r| r.wall_mm), Some(3000));
        s.apply(Side::Photographer, Action::Room { room: None }, &p).unwrap();
        assert!(s.room.is_none());
        // A gallery wall: as many different photos as sizes, two or three.
        let wall = |photos: Vec<PhotoId>, n| Room { photos, ..room(3000, n) };
        assert_eq!(s.apply(Side::Photographer, open(wall(vec![p[0]], 1)), &p), Err(LiveError::GalleryWall));
        assert_eq!(
            s.apply(Side::Photographer, open(wall(vec![p[0], p[0]], 2)), &p),
            Err(LiveError::GalleryWall)
        );
        assert_eq!(
            s.apply(Side::Photographer, open(wall(vec![p[0], p[1]], 3)), &p),
            Err(LiveError::GalleryWall)
        );
        assert_eq!(
            s.apply(Side::Photographer, open(wall(vec![p[0], PhotoId::new()], 2)), &p),
            Err(LiveError::UnknownPhoto)
        );
        s.apply(Side::Photographer, open(wall(vec![p[0], p[1], p[2]], 3)), &p).unwrap();
    }

    #[test]
    fn prints_hang_in_a_row_centred_where_the_leader_put_them() {
        let r = Room {
            room: "living".into(),
            wall: None,
            wall_mm: 3000,
            sizes: Vec::new(),
            photos: Vec::new(),
            frame: Frame::None,
            x: 5000,
            y: 4000,
        };
        // 508 + 150 + 914 = 1572 mm wide, centred on 1500 mm; the wall is 1875 mm high.
        let hung = r.layout(&[(508.0, 406.0), (914.0, 610.0)], 1.6);
        assert_eq!(hung[0], Hung { x_mm: 714.0, y_mm: 750.0 - 203.0, w_mm: 508.0, h_mm: 406.0 });
        assert_eq!(hung[1].x_mm, 714.0 + 508.0 + 150.0);
        assert_eq!(oriented((406, 508), (1200, 800)), (508.0, 406.0));
        assert_eq!(oriented((406, 508), (800, 1200)), (406.0, 508.0));
    }

    #[test]
    fn keep_and_set_aside_move_a_photo_and_undo_goes_back_a_step() {
        let (mut s, p) = session();
        s.apply(Side::Client, Action::Keep { photo: p[0] }, &p).unwrap();
        s.apply(Side::Photographer, Action::Keep { photo: p[1] }, &p).unwrap();
        s.apply(Side::Client, Action::SetAside { photo: p[0] }, &p).unwrap();
        assert_eq!((s.kept.clone(), s.aside.clone()), (vec![p[1]], vec![p[0]]));
        s.apply(Side::Client, Action::Undo, &p).unwrap();
        assert_eq!((s.kept.clone(), s.aside.clone()), (vec![p[0], p[1]], vec![]));
        s.apply(Side::Client, Action::Undo, &p).unwrap();
        s.apply(Side::Client, Action::Undo, &p).unwrap();
        assert_eq!(s.apply(Side::Client, Action::Undo, &p), Err(LiveError::NothingToUndo));
        assert!(s.kept.is_empty() && s.aside.is_empty());
    }
}
