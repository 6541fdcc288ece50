//! The one door for client requests. Every request under a gallery link opens a `Visit`
//! from what it carries (the link's key, the visitor cookie, the set asked for), in one trip
//! to the database, and the `Visit` answers every access question after that: which sets it
//! reaches, whether it may see, favourite, comment on or download a photo in a given size
//! and state, which comments it sees, which list a name means, whether its selection is
//! locked, where the client stands in the journey. Client use cases (`app::client`) take a
//! `Visit`, never a raw link, so a rule is written once; orders, invoices and deliveries
//! plug in here next ("a client sees only their own order").

use super::{
    App, AppError, Result,
    auth::{csrf_token, token_hash},
};
use crate::{
    db::Db,
    domain::{
        Access, ActivityKind, Comment, Gallery, GalleryId, PhotoId, PhotoState, PhotoView, Selection,
        ShareId, ShareLink, ShareRefusal, Size, Step, Visitor, VisitorId, journey::Lifecycle, now_ms,
    },
};

/// What a request brings to the door.
pub struct Door<'a> {
    /// The link's secret token, or the id of an e-mail grant.
    pub key: &'a str,
    /// The visitor cookie, if the browser has one.
    pub session: Option<&'a str>,
    /// The set (a gallery inside the shared one) asked for; the shared gallery when `None`.
    pub set: Option<&'a str>,
}

/// A door opened, or one that wants a password or an e-mail sign-in first.
pub enum Opened {
    Open(Box<Visit>),
    Closed(Box<Closed>),
}

/// A link that does not open by itself, with its gallery (for the password or sign-in page).
pub struct Closed {
    pub share: ShareLink,
    pub gallery: Gallery,
}

impl Closed {
    /// An e-mail grant: its door is the sign-in form, not a password.
    pub fn by_email(&self) -> bool {
        self.share.email.is_some()
    }
}

/// An open visit: the link, the gallery it shares, the set being looked at, the browser's
/// session and the visitor once there is one (made on the first action, not on a look).
#[derive(Clone)]
pub struct Visit {
    share: ShareLink,
    gallery: Gallery,
    set: Gallery,
    visitor: Option<Visitor>,
    session: String,
    /// The session is new: the browser must be given its cookie.
    new_session: bool,
    csrf: String,
    access: Access,
}

/// A list of photos a client keeps: the favourites, or one of the gallery's extra lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum List {
    Favourites,
    /// As the gallery spells it.
    Named(String),
}

fn no_set() -> AppError {
    AppError::NotFound("no such set".into())
}

fn photo_not_found() -> AppError {
    AppError::NotFound("photo not found".into())
}

/// Why a request without an open visit is refused.
pub fn closed() -> AppError {
    AppError::Unauthorized("Open the gallery link and enter its password (or sign in) first.".into())
}

/// The share behind a URL key and its gallery, refusing revoked and expired links with a
/// message the visitor can act on. The key is a link's secret token, or the id of an e-mail
/// grant (which opens nothing by itself: its visitors sign in by e-mail).
pub(super) fn resolve_in(db: &Db, key: &str) -> Result<(ShareLink, Gallery)> {
    let not_found = || {
        AppError::NotFound("This link does not lead to a gallery. Check that it was copied whole, or ask your photographer for a new one. Invited by e-mail? Get your sign-in link at /access.".into())
    };
    let grant: Option<ShareId> = key.parse().ok();
    let share = match grant {
        Some(id) => db.share(id)?.filter(|s| s.email.is_some()),
        None => db.share_by_token(&token_hash(key))?,
    }
    .ok_or_else(not_found)?;
    match share.refusal(now_ms()) {
        Some(ShareRefusal::Revoked) => {
            return Err(AppError::Gone(
                "This gallery link has been turned off by the photographer. Ask them for a new one.".into(),
            ));
        }
        Some(ShareRefusal::Expired) => {
            return Err(AppError::Gone(
                "This gallery link has expired. Ask your photographer to extend it.".into(),
            ));
        }
        None => {}
    }
    let gallery = db.gallery(share.gallery)?.ok_or_else(not_found)?;
    match gallery.journey.lifecycle(now_ms()) {
        Lifecycle::Draft => Err(AppError::Forbidden(
            "This gallery is not open yet. Your photographer will let you know when it is ready.".into(),
        )),
        Lifecycle::Scheduled(at) => Err(AppError::Forbidden(format!(
            "This gallery opens on {}. Come back then: your photographer will send you a message.",
            crate::domain::day_in_words(at)
        ))),
        Lifecycle::Expired(at) => Err(AppError::Gone(format!(
            "This gallery closed on {}. Ask your photographer to reopen it.",
            crate::domain::day_in_words(at)
        ))),
        Lifecycle::Archived { finals: false } => Err(AppError::Gone(
            "This gallery has been archived. Ask your photographer if you need it again.".into(),
        )),
        Lifecycle::Live | Lifecycle::Archived { finals: true } => Ok((share, gallery)),
    }
}

/// Whether opening the link starts a visit by itself (no password, not an e-mail grant).
pub(super) fn opens_freely(share: &ShareLink) -> bool {
    share.password_hash.is_none() && share.email.is_none()
}

/// Whether a cookie value is a session this server could have issued (64 hex digits).
pub(super) fn well_formed_session(session: &str) -> bool {
    session.len() == 64 && session.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Opens the door: the link (refused when revoked or expired), the visitor behind the
/// cookie, and the set asked for, which must be the shared gallery or one it reaches. A
/// browser new to a link without a password gets a fresh session and nothing is stored.
pub async fn open(app: &App, door: Door<'_>) -> Result<Opened> {
    let key = door.key.to_string();
    let session_hash = door.session.map(token_hash);
    let set: Option<GalleryId> = match door.set.filter(|s| !s.is_empty()) {
        Some(s) => Some(s.parse().map_err(|_| no_set())?),
        None => None,
    };
    let found = app
        .with_db(move |db| {
            let (share, gallery) = resolve_in(db, &key)?;
            let visitor = match session_hash {
                Some(h) => db.visitor_by_session(&h)?.filter(|v| v.share == share.id),
                None => None,
            };
            if visitor.is_none() && !opens_freely(&share) {
                return Ok(Err(Box::new(Closed { share, gallery })));
            }
            let set = match set {
                None => gallery.clone(),
                Some(id) if db.link_reaches(share.gallery, id)? => db.gallery(id)?.ok_or_else(no_set)?,
                Some(_) => return Err(no_set()),
            };
            let watermarked = super::studio::watermarked(db, &set)?;
            Ok(Ok((share, gallery, set, visitor, watermarked)))
        })
        .await?;
    let (share, gallery, set, visitor, watermarked) = match found {
        Ok(f) => f,
        Err(closed) => return Ok(Opened::Closed(closed)),
    };
    let (session, new_session) = match door.session {
        Some(s) if visitor.is_some() || well_formed_session(s) => (s.to_string(), false),
        _ => (super::auth::new_token(), true),
    };
    let csrf = csrf_token(app, &session);
    let finals_only = matches!(gallery.journey.lifecycle(now_ms()), Lifecycle::Archived { .. });
    let access = Access { permissions: share.permissions, watermarked, finals_only };
    Ok(Opened::Open(Box::new(Visit { share, gallery, set, visitor, session, new_session, csrf, access })))
}

/// Like `open`, for requests that need an open visit (posts, downloads, JSON).
pub async fn require(app: &App, door: Door<'_>) -> Result<Visit> {
    match open(app, door).await? {
        Opened::Open(v) => Ok(*v),
        Opened::Closed(_) => Err(closed()),
    }
}

impl Visit {
    pub fn share(&self) -> &ShareLink {
        &self.share
    }

    /// The gallery the link shares.
    pub fn gallery(&self) -> &Gallery {
        &self.gallery
    }

    /// The set being looked at: the shared gallery or one inside it.
    pub fn set(&self) -> &Gallery {
        &self.set
    }

    pub fn visitor(&self) -> Option<&Visitor> {
        self.visitor.as_ref()
    }

    /// The session to give the browser, when it is new.
    pub fn new_session(&self) -> Option<&str> {
        self.new_session.then_some(self.session.as_str())
    }

    /// The CSRF token of this session, for the pages' forms and scripts.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    /// Whether `given` is this session's CSRF token.
    pub fn csrf_ok(&self, given: &str) -> bool {
        // Compare hashes so the comparison's time says nothing about the token.
        blake3::hash(self.csrf.as_bytes()) == blake3::hash(given.as_bytes())
    }

    /// The link's rights over the set being looked at.
    pub fn access(&self) -> Access {
        self.access
    }

    pub fn may_see(&self, state: PhotoState, size: Size) -> bool {
        self.access.may_see(state, size)
    }

    pub fn may_download(&self, state: PhotoState, size: Size) -> bool {
        self.access.may_download(state, size)
    }

    pub fn may_favourite(&self) -> Result<()> {
        match self.access.may_favourite() {
            true => Ok(()),
            false => Err(not_allowed("favourites")),
        }
    }

    pub fn may_comment(&self) -> Result<()> {
        match self.access.may_comment() {
            true => Ok(()),
            false => Err(not_allowed("comments")),
        }
    }

    /// Whether this visitor sees a comment: their own, and the photographer's replies.
    pub fn sees(&self, c: &Comment) -> bool {
        match c.visitor {
            None => true,
            Some(by) => self.visitor.as_ref().is_some_and(|v| v.id == by),
        }
    }

    /// The list a name means in this set: `favourites` (or nothing) for the hearts, else one
    /// of the gallery's extra lists, in any case.
    pub fn list(&self, name: Option<&str>) -> Result<List> {
        match name.filter(|l| !l.is_empty()) {
            None => Ok(List::Favourites),
            Some(l) if l.eq_ignore_ascii_case("favourites") => Ok(List::Favourites),
            Some(l) => match self.set.proofing.list(l) {
                Some(name) => Ok(List::Named(name.to_string())),
                None => Err(AppError::NotFound(format!("This gallery has no list called “{l}”."))),
            },
        }
    }

    /// Whether the link wants the visitor's name before the photos.
    pub fn needs_identity(&self) -> bool {
        self.share.ask_identity && self.visitor.as_ref().is_none_or(|v| v.name.is_none())
    }

    /// Refuses links that do not ask who the visitor is.
    pub fn asks_identity(&self) -> Result<()> {
        match self.share.ask_identity {
            true => Ok(()),
            false => Err(AppError::NotFound("This gallery link does not ask who you are.".into())),
        }
    }

    /// Whether a selection is locked: submitted, until the photographer reopens it.
    pub fn locked(selection: &Selection) -> bool {
        selection.submitted_ms.is_some()
    }

    /// Where the client stands in the journey with this selection.
    pub fn step(selection: &Selection) -> Step {
        Step::of(selection)
    }

    /// The visitor's selection in the set, empty before they have acted.
    pub async fn selection(&self, app: &App) -> Result<Selection> {
        let Some(visitor) = self.visitor.as_ref().map(|v| v.id) else { return Ok(Selection::default()) };
        let set = self.set.id;
        app.with_db(move |db| Ok(db.selection(visitor, set)?)).await
    }

    /// The sets the visitor sees as tabs: the shared gallery and the galleries inside it
    /// that are not hidden.
    pub async fn sets(&self, app: &App) -> Result<Vec<Gallery>> {
        let root = self.gallery.id;
        let mut out = vec![self.gallery.clone()];
        out.extend(
            app.with_db(move |db| Ok(db.children(Some(root))?)).await?.into_iter().filter(|g| !g.hidden),
        );
        Ok(out)
    }

    /// A photo of the set being looked at; any other is "not found".
    pub async fn photo(&self, app: &App, id: PhotoId) -> Result<PhotoView> {
        let p = app.photo(id).await.map_err(|_| photo_not_found())?;
        match p.photo.gallery == self.set.id {
            true => Ok(p),
            false => Err(photo_not_found()),
        }
    }

    /// A photo of any set the link reaches (a download link names no set).
    pub async fn reachable_photo(&self, app: &App, id: PhotoId) -> Result<PhotoView> {
        let p = app.photo(id).await.map_err(|_| photo_not_found())?;
        let (root, gallery) = (self.gallery.id, p.photo.gallery);
        match app.with_db(move |db| Ok(db.link_reaches(root, gallery)?)).await? {
            true => Ok(p),
            false => Err(photo_not_found()),
        }
    }

    /// This visit once `visitor` acts in it (kept by a live session, which acts later).
    pub fn acting_as(mut self, visitor: Visitor) -> Visit {
        self.visitor = Some(visitor);
        self
    }

    /// The visitor about to act (heart, comment, submit, identify): the one this session
    /// has, or, on a link that opens freely, a new one bound to the session now.
    pub async fn actor(&self, app: &App) -> Result<Visitor> {
        if let Some(v) = &self.visitor {
            return Ok(v.clone());
        }
        let reload = || AppError::Unauthorized("Open the gallery link again (or sign in) first.".into());
        if !opens_freely(&self.share) || !well_formed_session(&self.session) {
            return Err(reload());
        }
        let now = now_ms();
        let new = Visitor {
            id: VisitorId::new(),
            share: self.share.id,
            gallery: self.share.gallery,
            name: None,
            email: None,
            created_ms: now,
            last_seen_ms: now,
        };
        let h = token_hash(&self.session);
        let new_id = new.id;
        // The transaction returns a visitor made meanwhile (a second first click) rather
        // than making another.
        let v = app.with_db(move |db| Ok(db.visitor_for_session(&h, &new)?)).await?;
        // A session already bound to another link's visitor is not taken over.
        if v.share != self.share.id {
            return Err(reload());
        }
        if v.id == new_id {
            // Their look at the cover wrote nothing; the gallery was opened all the same.
            super::activity::log(app, v.gallery, v.id, ActivityKind::View).await;
        }
        Ok(v)
    }

    /// Records what the visitor did, when there is a visitor (a look writes nothing).
    pub async fn log(&self, app: &App, gallery: GalleryId, what: ActivityKind) {
        if let Some(v) = &self.visitor {
            super::activity::log(app, gallery, v.id, what).await;
        }
    }
}

fn not_allowed(what: &str) -> AppError {
    AppError::Forbidden(format!("This gallery link does not allow {what}."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        app::{client, downloads, galleries, photos, sharing},
        config::{Config, Settings},
        domain::{
            Permissions,
            table::{STATES, TABLE, permissions},
        },
    };

    /// An app on a temp data dir, with one gallery (`watermarked` or not) holding a photo
    /// in each state, processed so it has its renditions.
    async fn gallery(watermarked: bool) -> (tempfile::TempDir, App, Gallery, Vec<PhotoId>) {
        let dir = tempfile::tempdir().unwrap();
        let settings =
            Settings { data_dir: Some(dir.path().to_path_buf()), min_free_mb: Some(0), ..Default::default() };
        let app = App::open(Config::resolve(settings, None).unwrap()).unwrap();
        let g = galleries::create(&app, "Access", None).await.unwrap();
        let g = galleries::update(&app, g.id, None, None, None, Some(watermarked)).await.unwrap();
        let mut ids = Vec::new();
        for (i, state) in STATES.into_iter().enumerate() {
            let jpeg = crate::media::watermark::blank(64 + i as u32, 48);
            let up = photos::upload(&app, g.id, &format!("p{i}.jpg"), &jpeg[..], false).await.unwrap();
            photos::set_state(&app, up.photo.id, state).await.unwrap();
            ids.push(up.photo.id);
        }
        app.finish_work(1).await.unwrap();
        (dir, app, g, ids)
    }

    /// The visit a fresh browser opens through a new link with `perms`.
    async fn visit(app: &App, g: &Gallery, perms: Permissions) -> Visit {
        let new = sharing::NewShare {
            label: "table".into(),
            permissions: perms,
            password: None,
            expires_in_s: None,
            ask_identity: false,
            invite: None,
            email_only: false,
        };
        let url = sharing::create(app, g.id, new).await.unwrap().url;
        let key = url.rsplit('/').next().unwrap();
        require(app, Door { key, session: None, set: None }).await.unwrap()
    }

    /// Every row of the access table, asked of a `Visit` opened through a real link on a
    /// real gallery: its answers, and what the client use cases then hand out.
    #[tokio::test]
    async fn a_visit_answers_every_permission_state_and_size_as_the_table_says() {
        for watermarked in [false, true] {
            let (_dir, app, g, ids) = gallery(watermarked).await;
            for set in ["view", "proof", "proofs", "finals", "all"] {
                let v = visit(&app, &g, permissions(set)).await;
                assert_eq!(v.access().watermarked, watermarked, "the door read the gallery's watermark");
                for &(_, _, size, see, download) in TABLE.iter().filter(|r| r.0 == set && r.1 == watermarked)
                {
                    for (i, state) in STATES.into_iter().enumerate() {
                        let row = format!("{set}, watermarked {watermarked}, {size:?}, {state:?}");
                        assert_eq!(v.may_see(state, size), see.as_bytes()[i] == b'y', "see: {row}");
                        assert_eq!(
                            v.may_download(state, size),
                            download.as_bytes()[i] == b'y',
                            "download: {row}"
                        );
                    }
                }
                // The use cases follow the same answers: one original per allowed state, and
                // a zip of exactly those.
                let original =
                    TABLE.iter().find(|r| r.0 == set && r.1 == watermarked && r.2 == Size::Original);
                let allowed = original.map(|r| r.4).unwrap_or("...");
                for (i, id) in ids.iter().enumerate() {
                    let got = client::download(&app, &v, *id).await;
                    assert_eq!(got.is_ok(), allowed.as_bytes()[i] == b'y', "{set}: download of photo {i}");
                }
                let n = allowed.matches('y').count();
                match client::zip(&app, &v, None, downloads::Size::Original).await {
                    Ok(zip) => assert_eq!(zip.files(), n, "{set}: the zip holds what may be downloaded"),
                    Err(e) => assert_eq!(n, 0, "{set}: {e}"),
                }
            }
        }
    }

    #[tokio::test]
    async fn a_set_outside_the_link_and_a_photo_outside_the_set_are_not_found() {
        let (_dir, app, g, ids) = gallery(false).await;
        let other = galleries::create(&app, "Other", None).await.unwrap();
        let v = visit(&app, &g, permissions("all")).await;
        let key = v.share().id.to_string();
        let token = sharing::create(
            &app,
            other.id,
            sharing::NewShare {
                label: "other".into(),
                permissions: permissions("all"),
                password: None,
                expires_in_s: None,
                ask_identity: false,
                invite: None,
                email_only: false,
            },
        )
        .await
        .unwrap()
        .url;
        let other_key = token.rsplit('/').next().unwrap();
        let set = g.id.to_string();
        let door = Door { key: other_key, session: None, set: Some(&set) };
        assert!(matches!(open(&app, door).await, Err(AppError::NotFound(_))), "another gallery as a set");
        let o = require(&app, Door { key: other_key, session: None, set: None }).await.unwrap();
        assert!(matches!(client::download(&app, &o, ids[0]).await, Err(AppError::NotFound(_))));
        assert!(matches!(o.photo(&app, ids[0]).await, Err(AppError::NotFound(_))));
        // A grant's id is no key to a token link.
        assert!(matches!(
            open(&app, Door { key: &key, session: None, set: None }).await,
            Err(AppError::NotFound(_))
        ));
    }
}
