//! Live purchasing sessions: one per gallery, started by the photographer, joined by the
//! client with a short code. The state lives here on the server (in memory: a session is
//! an evening's conversation, and ends with a restart), and every change is published to
//! both screens as a whole snapshot, so a screen that reconnects simply draws the latest.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use serde::Serialize;
use tokio::sync::watch;

use super::{App, AppError, Result, visit::Visit};
use crate::domain::{
    GalleryId, PhotoId, VisitorId,
    live::{Action, Live, Side},
    now_ms,
};

/// What both screens draw: the session, and the client's hearts in the gallery.
#[derive(Clone, Debug, Serialize)]
pub struct Snapshot {
    #[serde(flatten)]
    pub live: Live,
    /// The joined client's favourites, in the order they were hearted.
    pub hearts: Vec<PhotoId>,
    /// A client has joined.
    pub joined: bool,
    /// The session was ended by the photographer (screens say so and stop).
    pub ended: bool,
}

struct Entry {
    live: Live,
    client: Option<VisitorId>,
    publish: watch::Sender<Arc<Snapshot>>,
}

/// The running sessions, by gallery.
#[derive(Default)]
pub struct Sessions {
    by_gallery: Mutex<HashMap<GalleryId, Entry>>,
}

/// The bundled rooms of the room view (`assets/room-<id>.svg`): (id, name).
pub const ROOMS: &[(&str, &str)] = &[("living", "Living room"), ("bedroom", "Bedroom")];

/// A print size the room view can draw: (product, name, width and height in millimetres).
pub struct PrintSize {
    pub product: crate::domain::ProductId,
    pub name: String,
    pub width_mm: u32,
    pub height_mm: u32,
}

/// The prints and wall art of a gallery's catalog (`catalog::for_gallery`), for the room
/// view.
pub fn print_sizes(catalog: &crate::domain::catalog::Catalog) -> Vec<PrintSize> {
    catalog
        .prices
        .products
        .iter()
        .filter_map(|p| {
            let (width_mm, height_mm) = p.kind.print_size()?;
            Some(PrintSize { product: p.id, name: p.name.clone(), width_mm, height_mm })
        })
        .collect()
}

/// Letters and digits that cannot be mistaken for each other when read aloud or typed.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn new_code() -> String {
    super::auth::random_bytes()
        .iter()
        .take(6)
        .map(|b| CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char)
        .collect()
}

fn no_session() -> AppError {
    AppError::NotFound("There is no live session in this gallery now.".into())
}

impl Sessions {
    fn with<T>(&self, gallery: GalleryId, f: impl FnOnce(&mut Entry) -> Result<T>) -> Result<T> {
        let mut all =
            self.by_gallery.lock().map_err(|_| AppError::Internal("live sessions poisoned".into()))?;
        match all.get_mut(&gallery) {
            Some(e) if !e.live.expired(now_ms()) => f(e),
            Some(_) => {
                all.remove(&gallery);
                Err(no_session())
            }
            None => Err(no_session()),
        }
    }
}

async fn photo_ids(app: &App, gallery: GalleryId) -> Result<Vec<PhotoId>> {
    Ok(app.photos(gallery).await?.into_iter().map(|p| p.photo.id).collect())
}

async fn hearts(app: &App, gallery: GalleryId, client: Option<VisitorId>) -> Result<Vec<PhotoId>> {
    let Some(visitor) = client else { return Ok(Vec::new()) };
    Ok(app.with_db(move |db| Ok(db.selection(visitor, gallery)?)).await?.photos)
}

/// Publishes the entry's state (with the client's hearts read now) to both screens.
async fn publish(app: &App, gallery: GalleryId) -> Result<()> {
    let client = app.live.with(gallery, |e| Ok(e.client))?;
    let hearts = hearts(app, gallery, client).await?;
    app.live.with(gallery, |e| {
        let snap = Snapshot { live: e.live.clone(), hearts, joined: e.client.is_some(), ended: false };
        e.publish.send_replace(Arc::new(snap));
        Ok(())
    })
}

/// Starts a session for `gallery` (a new code; one that ran is ended), showing its first
/// photo.
pub async fn start(app: &App, gallery: GalleryId) -> Result<Live> {
    app.gallery(gallery).await?;
    let photos = photo_ids(app, gallery).await?;
    let first =
        *photos.first().ok_or_else(|| AppError::Invalid("Upload photos before presenting them.".into()))?;
    let mut live = Live::new(gallery, new_code(), now_ms());
    live.apply(Side::Photographer, Action::Show { photo: first }, &photos)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    end(app, gallery);
    let snap = Snapshot { live: live.clone(), hearts: Vec::new(), joined: false, ended: false };
    let (publish, _) = watch::channel(Arc::new(snap));
    let mut all =
        app.live.by_gallery.lock().map_err(|_| AppError::Internal("live sessions poisoned".into()))?;
    // Sessions left running past their time go now, so abandoned ones do not pile up.
    let now = now_ms();
    all.retain(|_, e| !e.live.expired(now));
    all.insert(gallery, Entry { live: live.clone(), client: None, publish });
    Ok(live)
}

/// Ends the gallery's session, if one runs; screens still watching are told.
pub fn end(app: &App, gallery: GalleryId) {
    if let Ok(mut all) = app.live.by_gallery.lock()
        && let Some(e) = all.remove(&gallery)
    {
        let mut last = (**e.publish.borrow()).clone();
        last.ended = true;
        e.publish.send_replace(Arc::new(last));
    }
}

/// The session running in `gallery`, for the photographer.
pub fn current(app: &App, gallery: GalleryId) -> Option<Live> {
    app.live.with(gallery, |e| Ok(e.live.clone())).ok()
}

/// The photographer's view of the session: its snapshots, the latest first.
pub fn watch_admin(app: &App, gallery: GalleryId) -> Result<watch::Receiver<Arc<Snapshot>>> {
    app.live.with(gallery, |e| Ok(e.publish.subscribe()))
}

/// Wrong session codes one link may send in the limiter's window: plenty for typing
/// mistakes, far too few to guess one of 31^6.
const WRONG_CODES_PER_LINK: usize = 20;

/// Checks a client's code against the session of their gallery. Every check counts
/// against the link, and a right code is forgiven, so only guessing runs out.
fn client_session(app: &App, v: &Visit, code: &str) -> Result<GalleryId> {
    let key = super::limits::Key::new(format!("live code on {}", v.share().id), WRONG_CODES_PER_LINK);
    let attempt = app.unlock_limiter.record(&[key])?;
    let gallery = v.gallery().id;
    let found = app.live.with(gallery, |e| {
        if e.live.code.eq_ignore_ascii_case(code.trim()) {
            Ok(gallery)
        } else {
            Err(AppError::Forbidden("That session code is not this gallery's (or it has ended).".into()))
        }
    });
    if found.is_ok() {
        app.unlock_limiter.forgive(attempt);
    }
    found
}

/// The client joins with the code: their hearts show on both screens from now on.
pub async fn join(app: &App, v: &Visit, code: &str) -> Result<Live> {
    let gallery = client_session(app, v, code)?;
    let visitor = v.actor(app).await?.id;
    let live = app.live.with(gallery, |e| {
        e.client = Some(visitor);
        e.live.touch();
        Ok(e.live.clone())
    })?;
    publish(app, gallery).await?;
    Ok(live)
}

/// The client's view of the session.
pub fn watch_client(app: &App, v: &Visit, code: &str) -> Result<watch::Receiver<Arc<Snapshot>>> {
    let gallery = client_session(app, v, code)?;
    watch_admin(app, gallery)
}

/// An action of the photographer.
pub async fn act_admin(app: &App, gallery: GalleryId, action: Action) -> Result<Live> {
    act(app, gallery, Side::Photographer, action).await
}

/// An action of the client.
pub async fn act_client(app: &App, v: &Visit, code: &str, action: Action) -> Result<Live> {
    let gallery = client_session(app, v, code)?;
    act(app, gallery, Side::Client, action).await
}

async fn act(app: &App, gallery: GalleryId, by: Side, action: Action) -> Result<Live> {
    let photos = photo_ids(app, gallery).await?;
    if let Action::Room { room: Some(r) } = &action {
        let sizes = print_sizes(&super::catalog::for_gallery(app, gallery).await?);
        if !r.sizes.iter().all(|s| sizes.iter().any(|p| p.product == *s)) {
            return Err(AppError::Invalid("Choose print sizes of this gallery's price list.".into()));
        }
        if !ROOMS.iter().any(|(id, _)| *id == r.room) {
            return Err(AppError::Invalid("Choose one of the rooms.".into()));
        }
    }
    let live = app.live.with(gallery, |e| {
        e.live.apply(by, action, &photos).map_err(|err| AppError::Invalid(err.to_string()))?;
        Ok(e.live.clone())
    })?;
    publish(app, gallery).await?;
    Ok(live)
}

/// The client orders what was kept: the kept photos go into their package (the gallery's
/// first, when none is chosen), and the session's summary waits for the order.
pub async fn order_kept(app: &App, v: &Visit, code: &str) -> Result<()> {
    let gallery = client_session(app, v, code)?;
    let kept = app.live.with(gallery, |e| Ok(e.live.kept.clone()))?;
    super::cart::fill_package_with(app, v, kept).await?;
    touched(app, gallery).await;
    Ok(())
}

/// What the session came to, for the timeline of an order placed while it runs:
/// "Live session: kept 3 (IMG_1.jpg, …), set aside 2".
pub async fn summary(app: &App, gallery: GalleryId) -> Option<String> {
    let live = current(app, gallery)?;
    let photos = app.photos(gallery).await.ok()?;
    let names = |ids: &[PhotoId]| -> Vec<String> {
        ids.iter()
            .filter_map(|id| photos.iter().find(|p| p.photo.id == *id))
            .map(|p| p.photo.filename.clone())
            .collect()
    };
    let kept = names(&live.kept);
    let mut out = format!("Live session {}: kept {}", live.code, kept.len());
    if !kept.is_empty() {
        out.push_str(&format!(" ({})", kept.join(", ")));
    }
    out.push_str(&format!(", set aside {}", live.aside.len()));
    Some(out)
}

/// Something both screens show changed elsewhere (the client hearted a photo): redraw.
/// Nothing happens when no session runs.
pub async fn touched(app: &App, gallery: GalleryId) {
    let running = app.live.with(gallery, |e| {
        e.live.touch();
        Ok(())
    });
    if running.is_ok()
        && let Err(e) = publish(app, gallery).await
    {
        tracing::warn!("live session of {gallery}: {e}");
    }
}
