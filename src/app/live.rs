//! Live purchasing sessions: one per gallery, started by the photographer, joined by the
//! client with a short code. The state lives here on the server, in memory and written to
//! the database once a second when it changed (so a restart of the server takes the
//! session up again), and every change is published to both screens as a whole snapshot,
//! so a screen that reconnects simply draws the latest.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
};

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

use super::{App, AppError, Result, blocking, visit::Visit};
use crate::domain::{
    GalleryId, Hash, PhotoId, VisitorId,
    live::{Action, Live, SavedLive, Side, WallPhoto},
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
    /// Photos of the client's wall uploaded in this session.
    pub walls: Vec<WallOut>,
    /// The client's cart, as both screens show it while they build it together.
    pub cart: Option<LiveCart>,
}

/// A photo of the client's wall, for the room view.
#[derive(Clone, Debug, Serialize)]
pub struct WallOut {
    pub hash: Hash,
    pub url: String,
    pub w: u32,
    pub h: u32,
}

/// The client's cart as the session shows it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LiveCart {
    pub lines: Vec<LiveLine>,
    /// "Collection: 3 of 5 images", when a package is chosen.
    pub package: Option<String>,
    pub total: String,
    /// Why the cart cannot be priced as it is.
    pub problem: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LiveLine {
    pub label: String,
    pub quantity: u32,
    pub amount: String,
    /// A room view is saved with the line.
    pub room: bool,
}

struct Entry {
    live: Live,
    client: Option<VisitorId>,
    /// The joined client's visit: the photographer changes the cart through it, under the
    /// same rules as the client's own screen.
    visit: Option<Visit>,
    walls: Vec<WallPhoto>,
    /// The client's cart as last read; read again only when it may have changed (a cart
    /// change, a join, anything `touched`), not on every step through the photos.
    cart: Option<LiveCart>,
    cart_stale: bool,
    publish: watch::Sender<Arc<Snapshot>>,
}

impl Entry {
    fn saved(&self) -> SavedLive {
        SavedLive { live: self.live.clone(), client: self.client, walls: self.walls.clone() }
    }
}

/// Photos of a wall one session may upload: a few tries, not a photo store.
pub const WALLS_PER_SESSION: usize = 8;

/// The running sessions, by gallery.
#[derive(Default)]
pub struct Sessions {
    by_gallery: Mutex<HashMap<GalleryId, Entry>>,
    /// Sessions changed since they were last written (`save_changed`).
    changed: Mutex<HashSet<GalleryId>>,
}

/// How often changed sessions are written to the database.
const SAVE_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// The bundled rooms of the room view (`assets/room-<id>.png`): (id, name).
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

/// The client's cart as both screens show it.
async fn live_cart(app: &App, v: &Visit) -> Result<LiveCart> {
    let view = super::cart::view(app, v).await?;
    let c = &view.catalog;
    let lines = view
        .cart
        .lines
        .iter()
        .map(|l| {
            let product = c.prices.product(l.product);
            let photo = l.photo.and_then(|p| view.photos.get(&p)).map(|p| p.filename.as_str());
            let name = product.map_or("(no longer offered)", |p| p.name.as_str());
            LiveLine {
                label: match photo {
                    Some(f) => format!("{name} · {f}"),
                    None => name.to_string(),
                },
                quantity: l.quantity,
                amount: product.map(|p| c.currency.format(p.price.times(l.quantity))).unwrap_or_default(),
                room: l.room.is_some(),
            }
        })
        .collect();
    let package = view.cart.package.as_ref().and_then(|pick| {
        let k = c.prices.package(pick.package)?;
        Some(format!("{}: {} of {} images", k.name, pick.photos.len(), k.images))
    });
    let (total, problem) = match &view.quote {
        Ok(q) => (c.currency.format(q.total), view.coupon_problem.clone()),
        Err(e) => (String::new(), Some(e.to_string())),
    };
    Ok(LiveCart { lines, package, total, problem })
}

/// Publishes the entry's state (with the client's hearts and cart read now) to both
/// screens.
async fn publish(app: &App, gallery: GalleryId) -> Result<()> {
    let (client, visit) =
        app.live.with(gallery, |e| Ok((e.client, e.visit.clone().filter(|_| e.cart_stale))))?;
    let hearts = hearts(app, gallery, client).await?;
    let fresh = match &visit {
        Some(v) => Some(live_cart(app, v).await?),
        None => None,
    };
    app.live.with(gallery, |e| {
        if let Some(c) = fresh {
            (e.cart, e.cart_stale) = (Some(c), false);
        }
        let cart = e.cart.clone();
        let walls = e
            .walls
            .iter()
            .map(|w| WallOut {
                hash: w.hash,
                url: super::media_urls::url(app, super::media_urls::MediaKind::Rendition, &w.hash),
                w: w.w,
                h: w.h,
            })
            .collect();
        let snap =
            Snapshot { live: e.live.clone(), hearts, joined: e.client.is_some(), ended: false, walls, cart };
        e.publish.send_replace(Arc::new(snap));
        Ok(())
    })?;
    if let Ok(mut changed) = app.live.changed.lock() {
        changed.insert(gallery);
    }
    Ok(())
}

/// Writes the sessions changed since the last call, in one transaction.
pub async fn save_changed(app: &App) {
    let saved: Vec<SavedLive> = {
        let (Ok(mut changed), Ok(all)) = (app.live.changed.lock(), app.live.by_gallery.lock()) else {
            return;
        };
        changed.drain().filter_map(|g| all.get(&g).map(Entry::saved)).collect()
    };
    if saved.is_empty() {
        return;
    }
    if let Err(e) = app.with_db(move |db| Ok(db.save_lives(&saved)?)).await {
        tracing::warn!("saving live sessions: {e}");
    }
}

/// Writes changed sessions every `SAVE_EVERY`, for as long as the server runs.
pub async fn keep_saving(app: App) {
    let mut tick = tokio::time::interval(SAVE_EVERY);
    loop {
        tick.tick().await;
        save_changed(&app).await;
    }
}

/// Takes up the sessions that ran when the server stopped (those still within their
/// time): the screens reconnect to them with the same code. The client's visit comes back
/// with their next action.
pub async fn restore(app: &App) {
    let saved = match app.with_db(|db| Ok(db.live_sessions()?)).await {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("reading live sessions: {e}");
            return;
        }
    };
    let now = now_ms();
    let mut running = Vec::new();
    for s in saved {
        let gallery = s.live.gallery;
        if s.live.expired(now) {
            forget(app, gallery).await;
            continue;
        }
        let snap = Snapshot {
            live: s.live.clone(),
            hearts: Vec::new(),
            joined: s.client.is_some(),
            ended: false,
            walls: Vec::new(),
            cart: None,
        };
        let (publish, _) = watch::channel(Arc::new(snap));
        let entry = Entry {
            live: s.live,
            client: s.client,
            visit: None,
            walls: s.walls,
            cart: None,
            cart_stale: false,
            publish,
        };
        if let Ok(mut all) = app.live.by_gallery.lock() {
            all.insert(gallery, entry);
            running.push(gallery);
        }
    }
    for g in running {
        if let Err(e) = publish(app, g).await {
            tracing::warn!("live session of {g}: {e}");
        }
    }
}

/// Removes a session's record.
async fn forget(app: &App, gallery: GalleryId) {
    if let Err(e) = app.with_db(move |db| Ok(db.remove_live(gallery)?)).await {
        tracing::warn!("forgetting the live session of {gallery}: {e}");
    }
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
    end(app, gallery).await;
    let snap = Snapshot {
        live: live.clone(),
        hearts: Vec::new(),
        joined: false,
        ended: false,
        walls: Vec::new(),
        cart: None,
    };
    let (sender, _) = watch::channel(Arc::new(snap));
    let entry = Entry {
        live: live.clone(),
        client: None,
        visit: None,
        walls: Vec::new(),
        cart: None,
        cart_stale: false,
        publish: sender,
    };
    let expired: Vec<GalleryId> = {
        let mut all =
            app.live.by_gallery.lock().map_err(|_| AppError::Internal("live sessions poisoned".into()))?;
        // Sessions left running past their time go now, so abandoned ones do not pile up.
        let now = now_ms();
        let expired = all.iter().filter(|(_, e)| e.live.expired(now)).map(|(g, _)| *g).collect();
        all.retain(|_, e| !e.live.expired(now));
        all.insert(gallery, entry);
        expired
    };
    for g in expired {
        forget(app, g).await;
    }
    publish(app, gallery).await?;
    Ok(live)
}

/// Ends the gallery's session, if one runs; screens still watching are told.
pub async fn end(app: &App, gallery: GalleryId) {
    if let Ok(mut all) = app.live.by_gallery.lock()
        && let Some(e) = all.remove(&gallery)
    {
        let mut last = (**e.publish.borrow()).clone();
        last.ended = true;
        e.publish.send_replace(Arc::new(last));
    }
    if let Ok(mut changed) = app.live.changed.lock() {
        changed.remove(&gallery);
    }
    forget(app, gallery).await;
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
    let actor = v.actor(app).await?;
    let visitor = actor.id;
    let visit = v.clone().acting_as(actor);
    let live = app.live.with(gallery, |e| {
        e.client = Some(visitor);
        e.visit = Some(visit);
        e.cart_stale = true;
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
    remember(app, gallery, v).await?;
    act(app, gallery, Side::Client, action).await
}

/// Keeps the client's visit when the session has none (it was taken up after a restart),
/// so the photographer can change the cart again.
async fn remember(app: &App, gallery: GalleryId, v: &Visit) -> Result<()> {
    if app.live.with(gallery, |e| Ok(e.visit.is_some()))? {
        return Ok(());
    }
    let actor = v.actor(app).await?;
    let visit = v.clone().acting_as(actor);
    app.live.with(gallery, |e| {
        e.client = visit.visitor().map(|x| x.id);
        e.visit = Some(visit);
        e.cart_stale = true;
        Ok(())
    })
}

async fn act(app: &App, gallery: GalleryId, by: Side, action: Action) -> Result<Live> {
    let photos = photo_ids(app, gallery).await?;
    if let Action::Room { room: Some(r) } = &action {
        let sizes = print_sizes(&super::catalog::for_gallery(app, gallery).await?);
        if !r.sizes.iter().all(|s| sizes.iter().any(|p| p.product == *s)) {
            return Err(AppError::Invalid("Choose print sizes of this gallery's price list.".into()));
        }
        if r.wall.is_none() && !ROOMS.iter().any(|(id, _)| *id == r.room) {
            return Err(AppError::Invalid("Choose one of the rooms.".into()));
        }
    }
    let live = app.live.with(gallery, |e| {
        // Only a wall uploaded in this session can be hung on.
        if let Action::Room { room: Some(r) } = &action
            && let Some(w) = r.wall
            && !e.walls.iter().any(|x| x.hash == w)
        {
            return Err(AppError::Invalid("Upload the photo of the wall in this session first.".into()));
        }
        e.live.apply(by, action, &photos).map_err(|err| AppError::Invalid(err.to_string()))?;
        Ok(e.live.clone())
    })?;
    publish(app, gallery).await?;
    Ok(live)
}

/// The client goes to place the order: the kept photos go into their package (the
/// gallery's first, when none is chosen), and the session's summary waits for the order.
pub async fn order_kept(app: &App, v: &Visit, code: &str) -> Result<()> {
    let gallery = client_session(app, v, code)?;
    let kept = app.live.with(gallery, |e| Ok(e.live.kept.clone()))?;
    // Nothing kept, but prints added from the wall: straight to the order.
    if !kept.is_empty() || super::cart::count(app, v).await? == 0 {
        super::cart::fill_package_with(app, v, kept).await?;
    }
    touched(app, gallery).await;
    Ok(())
}

/// What either screen does to the client's cart during the session.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum CartOp {
    /// The kept photos into the package (the gallery's first, when none is chosen).
    FillPackage,
    /// Chooses a package (its id; empty for none).
    Package { package: String },
    /// The prints on the wall now as lines, each with the room view saved: one of them
    /// (`print`, counted along the wall) or all.
    FromWall {
        #[serde(default)]
        print: Option<usize>,
    },
    /// Takes a line out.
    Remove { line: usize },
}

/// The photographer changes the cart through the joined client's visit.
pub async fn cart_admin(app: &App, gallery: GalleryId, op: CartOp) -> Result<()> {
    let v = app.live.with(gallery, |e| {
        e.visit
            .clone()
            .ok_or_else(|| AppError::Invalid("Wait for the client to join: the cart is theirs.".into()))
    })?;
    cart_op(app, gallery, &v, op).await
}

/// The client changes their own cart from the session.
pub async fn cart_client(app: &App, v: &Visit, code: &str, op: CartOp) -> Result<()> {
    let gallery = client_session(app, v, code)?;
    remember(app, gallery, v).await?;
    cart_op(app, gallery, v, op).await
}

async fn cart_op(app: &App, gallery: GalleryId, v: &Visit, op: CartOp) -> Result<()> {
    use super::cart;
    match op {
        CartOp::FillPackage => {
            let kept = app.live.with(gallery, |e| Ok(e.live.kept.clone()))?;
            cart::fill_package_with(app, v, kept).await?;
        }
        CartOp::Package { package } => {
            cart::choose_package(app, v, &package).await?;
        }
        CartOp::Remove { line } => {
            cart::set_quantity(app, v, line, "0").await?;
        }
        CartOp::FromWall { print } => {
            let live = app.live.with(gallery, |e| Ok(e.live.clone()))?;
            let room = live.room.clone().ok_or_else(|| {
                AppError::Invalid("Open the wall first: its prints are what is added.".into())
            })?;
            let shown = live.shown.ok_or_else(|| AppError::Invalid("Show a photo first.".into()))?;
            let hung = room.hung(shown);
            let chosen: Vec<_> = match print {
                Some(i) => hung.get(i).copied().into_iter().collect(),
                None => hung,
            };
            if chosen.is_empty() {
                return Err(AppError::NotFound("That print is not on the wall.".into()));
            }
            for (photo, product) in chosen {
                let new = cart::NewLine {
                    photo: Some(photo.to_string()),
                    product: product.to_string(),
                    quantity: "1".into(),
                    crop: None,
                    room: Some(room.clone()),
                };
                cart::add_line(app, v, new).await?;
            }
        }
    }
    touched(app, gallery).await;
    Ok(())
}

/// Keeps a photo of the client's wall (any image; made an upright JPEG) for the session's
/// room view, from either screen. The screens then hang prints on it by its hash.
pub async fn add_wall(app: &App, gallery: GalleryId, bytes: Vec<u8>) -> Result<Hash> {
    let count = app.live.with(gallery, |e| Ok(e.walls.len()))?;
    if count >= WALLS_PER_SESSION {
        return Err(AppError::Invalid(format!(
            "This session already has {WALLS_PER_SESSION} photos of walls: use one of them."
        )));
    }
    let (blobs, limits) = (app.blobs.clone(), app.limits.clone());
    let wall = blocking(move || {
        let jpeg = crate::media::room_view::wall_photo(&bytes, &limits).map_err(|e| match e {
            crate::media::MediaError::Invalid(r) => {
                AppError::UnsupportedType(format!("This photo of the wall cannot be used: {r}"))
            }
            crate::media::MediaError::Io(e) => AppError::Internal(e.to_string()),
        })?;
        Ok(WallPhoto { hash: blobs.put_bytes(&jpeg.bytes)?.hash, w: jpeg.width, h: jpeg.height })
    })
    .await?;
    app.live.with(gallery, |e| {
        if !e.walls.iter().any(|w| w.hash == wall.hash) {
            e.walls.push(wall);
        }
        e.live.touch();
        Ok(())
    })?;
    publish(app, gallery).await?;
    Ok(wall.hash)
}

/// The client's upload of their wall.
pub async fn add_wall_client(app: &App, v: &Visit, code: &str, bytes: Vec<u8>) -> Result<Hash> {
    let gallery = client_session(app, v, code)?;
    add_wall(app, gallery, bytes).await
}

/// What the session came to, for the timeline of an order placed while it runs:
/// "Live session: kept 3 (IMG_1.jpg, …), set aside 2, 2 prints chosen on the wall".
pub async fn summary(app: &App, order: &crate::domain::order::Order) -> Option<String> {
    let gallery = order.gallery;
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
    let on_wall: u32 = order.cart.lines.iter().filter(|l| l.room.is_some()).map(|l| l.quantity).sum();
    if on_wall > 0 {
        out.push_str(&format!(", {on_wall} print{} chosen on the wall", if on_wall == 1 { "" } else { "s" }));
    }
    Some(out)
}

/// Something both screens show changed elsewhere (the client hearted a photo, the cart
/// changed): redraw, with the cart read again.
/// Nothing happens when no session runs.
pub async fn touched(app: &App, gallery: GalleryId) {
    let running = app.live.with(gallery, |e| {
        e.live.touch();
        e.cart_stale = true;
        Ok(())
    });
    if running.is_ok()
        && let Err(e) = publish(app, gallery).await
    {
        tracing::warn!("live session of {gallery}: {e}");
    }
}
