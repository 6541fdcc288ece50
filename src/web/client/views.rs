//! What clients see: the cover page with the welcome guide, the password page, and the
//! gallery with hearts, a counter, the viewer and submit. Every page says where the client
//! is in the journey and what comes next.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::domain::{
    Hash,
    catalog::{Catalog, ProductKind},
};
use crate::web::models::PhotoOut;
use crate::web::{
    assets,
    views::{count, human_date, human_day, human_size, kind_words},
};

/// The journey's steps, in order (`domain::Step`); the client is at one of them. Only what
/// the gallery really offers is a step: with prices set, choosing a package or prints
/// comes before the finals.
const STEPS: [(&str, &str); 3] = [
    ("Heart your favourites", "Tap the heart on the photos you love."),
    ("Submit your selection", "When you are happy with your choice, send it to us."),
    ("We retouch and deliver", "Your retouched finals appear here to download."),
];
const STEPS_ORDERING: [(&str, &str); 4] = [
    ("Heart your favourites", "Tap the heart on the photos you love."),
    ("Submit your selection", "When you are happy with your choice, send it to us."),
    ("Choose a package or prints", "Pick a package, prints or files from your favourites, and check out."),
    ("Your finals", "Your retouched finals appear here to download."),
];

/// The steps of this gallery's journey.
pub fn journey(ordering: bool) -> &'static [(&'static str, &'static str)] {
    match ordering {
        true => &STEPS_ORDERING,
        false => &STEPS,
    }
}

pub(super) fn page(studio: &str, title: &str, csrf: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="robots" content="noindex";
                @if let Some(c) = csrf { meta name="csrf-token" content=(c); }
                title { (title) " · " (studio) }
                link rel="icon" href=(assets::url("icon.svg")) type="image/svg+xml";
                link rel="stylesheet" href=(assets::url("app.css"));
                link rel="stylesheet" href=(assets::url("client.css"));
                // The studio's accent and type pairing, over the defaults above.
                link rel="stylesheet" href="/brand.css";
                script src=(assets::url("client.js")) defer {}
            }
            body.client { (body) }
        }
    }
}

fn steps(current: usize, ordering: bool) -> Markup {
    html! {
        ol.steps aria-label="Your steps" {
            @for (i, (name, what)) in journey(ordering).iter().enumerate() {
                li.step.done[i < current] .current[i == current] aria-current=[(i == current).then_some("step")] {
                    span.num { (i + 1) }
                    span.text { strong { (name) } span.muted { (what) } }
                }
            }
        }
    }
}

/// The cover page.
pub struct Cover<'a> {
    pub studio: &'a str,
    pub logo_url: Option<String>,
    pub title: &'a str,
    pub date_ms: u64,
    pub cover_url: Option<String>,
    /// The cover's small thumb: painted at once, then replaced by `cover_url` (or the size
    /// of `cover_srcset` that fits the screen) once loaded.
    pub cover_thumb_url: Option<String>,
    pub cover_srcset: Option<Srcset>,
    /// What must stay in view when the cover is cropped (percent x, y).
    pub focus: (u8, u8),
    /// The day of the shoot (YYYY-MM-DD), else the gallery's day is shown.
    pub event_date: Option<String>,
    pub guide: String,
    pub step: usize,
    pub photos: usize,
    pub photos_href: String,
    /// (form action, CSRF token) when the link asks who the visitor is first.
    pub identify: Option<(String, String)>,
    /// The link lets the client choose (otherwise the gallery is for looking and
    /// downloading, with no selection steps).
    pub chooses: bool,
    /// The pricing guide, when the studio sells anything.
    pub prices_href: Option<String>,
    /// How to reach the studio (e-mail, phone, website).
    pub brand: &'a crate::domain::brand::Brand,
}

/// The sizes of one image as a `srcset`, and its aspect ratio (width / height).
pub struct Srcset {
    pub set: String,
    pub aspect: f64,
}

impl Srcset {
    /// `sizes` for an image that covers the hero: as wide as the screen, or wider where the
    /// hero's height (at most 90 % of the screen's) crops a landscape photo's sides.
    fn hero_sizes(&self) -> String {
        format!("max(100vw, {:.0}vh)", 90.0 * self.aspect)
    }
}

pub fn cover(m: &Cover) -> Markup {
    page(
        m.studio,
        m.title,
        None,
        html! {
            header.hero {
                @if let Some(u) = &m.cover_url {
                    // The thumb paints at once (a phone on a slow line sees the gallery in
                    // a second); the script swaps in the sharp preview when it has loaded.
                    img.hero-img src=(m.cover_thumb_url.as_deref().unwrap_or(u)) data-full=(u) data-srcset=[m.cover_srcset.as_ref().map(|s| s.set.as_str())] data-sizes=[m.cover_srcset.as_ref().map(Srcset::hero_sizes)] alt="" fetchpriority="high" style={ "object-position:" (m.focus.0) "% " (m.focus.1) "%" };
                }
                div.hero-text {
                    @if let Some(u) = &m.logo_url { img.studio-logo src=(u) alt=(m.studio); } @else { p.eyebrow.light { (m.studio) } }
                    h1 { (m.title) }
                    p { (m.event_date.as_deref().map_or_else(|| human_date(m.date_ms), human_day)) " · " (count(m.photos, "photo", "photos")) }
                    // The call to action on the first screen, also on a phone.
                    @if m.identify.is_some() {
                        a.button.primary.big #start href="#identify" { "Start choosing ↓" }
                    } @else {
                        a.button.primary.big #start href=(m.photos_href) { (cta(m)) " →" }
                    }
                }
            }
            main.page.cover-body {
                section.guide.card {
                    h2 { "What happens next" }
                    p.lead { (m.guide) }
                    @if m.chooses { (steps(m.step, m.prices_href.is_some())) }
                    @if let Some((action, csrf)) = &m.identify {
                        form.identify #identify method="post" action=(action) {
                            h3 { "Before you start: who are you?" }
                            p.muted { "So your photographer knows whose choice this is, and can send you a confirmation." }
                            input type="hidden" name="csrf" value=(csrf);
                            label for="id-name" { "Your name" }
                            input #id-name type="text" name="name" maxlength="100" required autocomplete="name";
                            label for="id-email" { "Your e-mail" }
                            input #id-email type="email" name="email" maxlength="254" autocomplete="email";
                            button.button.primary.big type="submit" { "Start choosing →" }
                        }
                    } @else {
                        a.button.big href=(m.photos_href) { (cta(m)) " →" }
                    }
                    @if let Some(p) = &m.prices_href {
                        p.prices-link { a href=(p) { "Prices and packages" } " · what you can order, before you choose" }
                    }
                }
                @let b = m.brand;
                @if b.email.is_some() || b.phone.is_some() || b.website.is_some() {
                    footer.studio-contact #studio-contact {
                        strong { (m.studio) }
                        @if let Some(e) = &b.email { " · " a href={ "mailto:" (e) } { (e) } }
                        @if let Some(p) = &b.phone { " · " a href={ "tel:" (p.replace(' ', "")) } { (p) } }
                        @if let Some(w) = &b.website { " · " a href=(w) rel="noopener" { (w.trim_start_matches("https://").trim_start_matches("http://").trim_end_matches('/')) } }
                    }
                }
            }
        },
    )
}

/// The pricing guide's sections, in order.
const GROUPS: [&str; 4] = ["Digital files", "Prints", "Wall art", "Albums and more"];

/// The section of `GROUPS` a kind of product is listed in.
fn group_of(kind: &ProductKind) -> usize {
    match kind {
        ProductKind::Digital { .. } | ProductKind::WholeGallery => 0,
        ProductKind::Print { .. } => 1,
        ProductKind::WallArt { .. } => 2,
        ProductKind::Album | ProductKind::Custom { .. } => 3,
    }
}

/// The pricing guide of a gallery.
pub struct Prices<'a> {
    pub studio: &'a str,
    pub title: &'a str,
    pub photos_href: String,
    /// The order page, where the choosing starts.
    pub order_href: String,
    pub catalog: &'a Catalog,
    /// Where the studio's product photos are served.
    pub photo_url: &'a dyn Fn(Hash) -> String,
}

pub fn prices(m: &Prices) -> Markup {
    let c = m.catalog;
    let money = |v| c.currency.format(v);
    page(
        m.studio,
        &format!("Prices · {}", m.title),
        None,
        html! {
            main.page.prices-page {
                p { a href=(m.photos_href) { "← " (m.title) } }
                p.eyebrow { (m.studio) }
                h1 { "Prices and packages" }
                p.lead { "What you can order from " (m.title) ". Heart your favourites first; you choose a package or prints from them." }
                @if c.tax.rate_bp > 0 {
                    p.muted {
                        @if c.tax.inclusive { "Prices include " } @else { "Prices are before " }
                        (format!("{}", c.tax.rate_bp as f64 / 100.0)) " % tax."
                    }
                }
                @if !c.prices.packages.is_empty() {
                    section {
                        h2 { "Packages" }
                        ul.package-cards {
                            @for k in &c.prices.packages {
                                li.card {
                                    // A package shows the photo of the first thing it includes that has one.
                                    @let pic = k.includes.iter().find_map(|(id, _)| c.prices.product(*id).and_then(|p| p.photo));
                                    @if let Some(h) = pic { img.product-photo src=((m.photo_url)(h)) alt="" loading="lazy"; }
                                    h3 { (k.name) }
                                    p.price { (money(k.price)) }
                                    p { (k.contents(&c.prices)) }
                                    @if k.extra_image.0 > 0 { p.muted { "Each image beyond " (k.images) ": " (money(k.extra_image)) } }
                                }
                            }
                        }
                    }
                }
                @for (n, heading) in GROUPS.iter().enumerate() {
                    @let items: Vec<_> = c.prices.products.iter().filter(|p| group_of(&p.kind) == n).collect();
                    @if !items.is_empty() {
                        section {
                            h2 { (heading) }
                            ul.price-list {
                                @for p in items {
                                    li.with-photo[p.photo.is_some()] {
                                        @if let Some(h) = p.photo { img.product-photo src=((m.photo_url)(h)) alt={ "Photo of " (p.name) } loading="lazy"; }
                                        span { strong { (p.name) } br; span.muted { (kind_words(&p.kind)) @if !p.states.is_empty() { " · for proofs; your finals are yours to download" } } }
                                        span.price { (money(p.price)) }
                                    }
                                }
                            }
                        }
                    }
                }
                p.actions {
                    @if c.offers_anything() { a.button.primary href=(m.order_href) { "Start your order →" } " " }
                    a.button href=(m.photos_href) { "To the photos" }
                }
            }
        },
    )
}

/// The cover's call to action: where this client goes next.
fn cta(m: &Cover) -> &'static str {
    match (m.chooses, m.step) {
        (false, _) => "See the photos",
        (true, 0) => "Start choosing",
        (true, _) => "Continue to the photos",
    }
}

/// A small card page before the gallery (password, sign-in): the studio, the title, then
/// `body`.
pub(super) fn entry_card(studio: &str, title: &str, body: Markup) -> Markup {
    page(
        studio,
        title,
        None,
        html! {
            main.page {
                section.card.narrow.auth {
                    p.eyebrow { (studio) }
                    h1 { (title) }
                    (body)
                }
            }
        },
    )
}

pub fn password(studio: &str, title: &str, action: &str, error: Option<&str>) -> Markup {
    entry_card(
        studio,
        title,
        html! {
            p.muted { "This gallery is protected. Enter the password your photographer sent you." }
            @if let Some(e) = error { p.alert role="alert" { (e) } }
            form method="post" action=(action) {
                label for="password" { "Gallery password" }
                input #password type="password" name="password" autocomplete="current-password" required autofocus;
                button.button.primary.wide type="submit" { "Open the gallery" }
            }
        },
    )
}

/// What the e-mail sign-in page says.
pub struct SignIn<'a> {
    pub studio: &'a str,
    /// The gallery's title at its door; `None` on the studio-wide "find my galleries" page.
    pub gallery: Option<&'a str>,
    pub action: String,
    /// After a request: where the link went.
    pub sent_to: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// Asks for the e-mail address a gallery was shared with, and sends a sign-in link to it.
pub fn sign_in(m: &SignIn) -> Markup {
    entry_card(
        m.studio,
        m.gallery.unwrap_or("Your galleries"),
        html! {
            @if let Some(to) = m.sent_to {
                p.notice #sent role="status" {
                    "Check your inbox. If " strong { (to) } " has access, a sign-in link is on its way to it. It works once, for " (crate::domain::MAGIC_LINK_TTL_MS / 60_000) " minutes."
                }
                p.muted { "Nothing arrived after a few minutes? Look in your spam folder, or ask again below." }
            } @else if m.gallery.is_some() {
                p.muted { "This gallery is private. Enter the e-mail address your photographer invited, and we send you a link that opens it — no password to remember." }
            } @else {
                p.muted { "Enter the e-mail address your photographer invited, and we send you a link to each of your galleries — no password to remember." }
            }
            @if let Some(e) = m.error { p.alert role="alert" { (e) } }
            form method="post" action=(m.action) {
                label for="email" { "Your e-mail address" }
                input #email type="email" name="email" maxlength="254" autocomplete="email" required autofocus[m.sent_to.is_none()];
                button.button.primary.wide type="submit" { "Send me a sign-in link" }
            }
        },
    )
}

/// The page a sign-in link opens: one button, so a mail scanner that fetches links does not
/// use up the one-time link before its owner clicks.
pub fn enter(studio: &str, title: &str, action: &str) -> Markup {
    entry_card(
        studio,
        title,
        html! {
            p.muted { "You are signing in with the link we e-mailed you. It works once." }
            form method="post" action=(action) {
                button.button.primary.wide #enter type="submit" autofocus { "Open my gallery →" }
            }
        },
    )
}

/// The gallery as a client works in it.
pub struct Gallery<'a> {
    pub studio: &'a str,
    pub logo_url: Option<String>,
    pub csrf: &'a str,
    pub base: String,
    pub title: &'a str,
    /// (href, title, current) per set (the shared gallery and the galleries inside it).
    pub sets: Vec<(String, String, bool)>,
    /// The grid, rendered once for every visitor of the same set and permissions.
    pub tiles: PreEscaped<&'a str>,
    pub hearted: Vec<String>,
    /// The gallery's extra lists with the photos this visitor put in each.
    pub lists: Vec<(String, Vec<String>)>,
    pub submitted: bool,
    /// Where the client stands in the journey (`domain::Step`).
    pub step: usize,
    /// The selection goal in words ("Choose 3–5").
    pub goal: String,
    pub min: Option<u32>,
    pub max: Option<u32>,
    pub can_favourite: bool,
    pub can_comment: bool,
    pub set_id: String,
    /// The zip of everything this visitor may download here, if anything.
    pub zip_href: Option<String>,
    /// The download sheet's choices.
    pub downloads: Vec<DownloadRow>,
    /// The order page, when the studio sells anything.
    pub order_href: Option<String>,
    pub in_cart: usize,
}

/// One choice of the download sheet.
pub struct DownloadRow {
    /// Appended to the zip's URL (`&list=…`).
    pub query: String,
    pub label: String,
    pub files: usize,
    /// The originals' zip, in bytes.
    pub bytes: u64,
    /// The web-size zip, in bytes, when there is one.
    pub web_bytes: Option<u64>,
}

pub fn gallery(m: &Gallery) -> Markup {
    let n = m.hearted.len();
    let (step, goal) = (m.step, &m.goal);
    page(
        m.studio,
        m.title,
        Some(m.csrf),
        html! {
            header.client-bar {
                a.back href=(m.base) aria-label={ "Back to the cover · " (m.studio) } {
                    "‹ " @if let Some(u) = &m.logo_url { img.bar-logo src=(u) alt=(m.studio); } @else { (m.studio) }
                }
                div.where {
                    strong { (m.title) }
                    @if m.can_favourite { span.muted #where-step { @let j = journey(m.order_href.is_some()); "Step " (step + 1) " of " (j.len()) ": " (j[step].0) } }
                }
                @if let Some(o) = &m.order_href {
                    a.bar-order #bar-order href=(o) { "Order" @if m.in_cart > 0 { " (" (m.in_cart) ")" } }
                }
                @if m.can_favourite {
                    div.counter #counter data-min=[m.min] data-max=[m.max] aria-live="polite" {
                        span.heart-icon aria-hidden="true" { "♥" }
                        span #count { (n) } @if let Some(max) = m.max { " / " (max) }
                        span.goal.muted #goal data-goal=(goal) { (progress(n, m.min, m.max, goal)) }
                    }
                    @if m.submitted {
                        span.submitted { "Selection sent ✓" }
                    } @else {
                        form #submit-form method="post" action={ (m.base) "/submit?set=" (m.set_id) } {
                            input type="hidden" name="csrf" value=(m.csrf);
                            button.button.primary #submit type="submit" disabled[!ready(n, m.min, m.max)] aria-describedby="goal" { "Submit" }
                            // The review sheet: what will be sent, and a word to the photographer.
                            dialog #review aria-labelledby="review-title" {
                                h2 #review-title { "Send your selection?" }
                                p.muted #review-count {}
                                ul.review-photos #review-photos {}
                                label for="review-message" { "A message to your photographer (optional)" }
                                textarea #review-message name="message" maxlength="2000" rows="3" placeholder="e.g. the one by the lake is our favourite" {}
                                p.muted { "Once sent, your selection is locked; your photographer can reopen it if you change your mind." }
                                div.review-actions {
                                    button.button #review-back type="button" { "Keep choosing" }
                                    button.button.primary #review-send type="submit" { "Send my selection" }
                                }
                            }
                        }
                    }
                }
            }
            @if let (Some(z), false) = (&m.zip_href, m.downloads.is_empty()) {
                // One sheet: what (everything, favourites, a list) and which size, each with
                // its file count and size. A `details`, so it opens without the script.
                details.download-sheet {
                    summary.button { "Download" }
                    div.sheet {
                        p.muted { "Originals are the full files. Web size is 2048 px, for sharing online." }
                        ul {
                            @for d in &m.downloads {
                                li {
                                    span.what { strong { (d.label) } " · " (count(d.files, "photo", "photos")) }
                                    span.sizes {
                                        a.button.primary href={ (z) (d.query) } download data-bytes=(d.bytes) { "Originals · " (human_size(d.bytes)) }
                                        @if let Some(w) = d.web_bytes {
                                            a.button href={ (z) (d.query) "&size=web" } download data-bytes=(w) { "Web size · " (human_size(w)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            main.page.client-page data-base=(m.base) data-set=(m.set_id) data-locked=(m.submitted) data-can-comment=(m.can_comment) data-hearted=(m.hearted.join(" ")) data-lists=(lists_json(&m.lists)) {
                @if m.sets.len() > 1 {
                    nav.tabs aria-label="Sets" {
                        @for (href, title, current) in &m.sets {
                            a href=(href) aria-current=[current.then_some("page")] { (title) }
                        }
                    }
                }
                @if m.submitted {
                    p.notice {
                        "Thank you! Your selection of " (count(n, "photo", "photos")) " is with us. "
                        @if let Some(o) = &m.order_href { "Next: " a href=(o) { "choose a package or prints" } "; we retouch your favourites and deliver them here." } @else { "Next: we retouch your favourites and deliver them here." }
                    }
                }
                @if m.can_favourite {
                    nav.filters #filters aria-label="Show" {
                        button.filter type="button" data-filter="" aria-pressed="true" { "All" }
                        button.filter type="button" data-filter="♥" aria-pressed="false" { "♥ Favourites" }
                        // Each list with its count, kept current by the script.
                        @for (name, ids) in &m.lists {
                            button.filter type="button" data-filter=(name) aria-pressed="false" {
                                (name) " " span.list-count data-list=(name) { span.n { (ids.len()) } }
                            }
                        }
                    }
                }
                p.toast #toast role="status" hidden {}
                (m.tiles)
            }
            div.viewer-overlay #viewer role="dialog" aria-modal="true" aria-label="Photo viewer" hidden {
                div.viewer-top {
                    span #viewer-name {}
                    span.viewer-actions {
                        @if m.can_favourite {
                            @for (name, _) in &m.lists {
                                button.button.ghost.list-toggle type="button" data-list=(name) aria-pressed="false" { "+ " (name) }
                            }
                            button.heart.big #viewer-heart type="button" aria-pressed="false" aria-label="Favourite" { "♥" }
                        }
                        @if m.can_comment {
                            button.button.ghost #viewer-notes type="button" aria-expanded="false" aria-controls="viewer-comments" { "Notes" span.n {} }
                        }
                        a.button.ghost #viewer-download hidden download aria-label="Download" { "↓" }
                        @if m.order_href.is_some() {
                            a.button.ghost #viewer-order href="#" { "Order" }
                        }
                        button.button.ghost #viewer-play type="button" aria-pressed="false" aria-label="Slideshow" { "▶" }
                    }
                    button.button.ghost #viewer-close type="button" aria-label="Close viewer" { "✕" }
                }
                button.nav.prev #viewer-prev type="button" aria-label="Previous photo" { "‹" }
                img #viewer-img alt="";
                button.nav.next #viewer-next type="button" aria-label="Next photo" { "›" }
                @if m.can_comment {
                    aside.comments #viewer-comments hidden {
                        ul #comment-list {}
                        form #comment-form {
                            label for="comment-text" { "A note on this photo" }
                            textarea #comment-text maxlength="2000" rows="2" placeholder="e.g. please remove the stray hair" required {}
                            label.check { input #comment-retouch type="checkbox"; span { "Please retouch this photo" } }
                            button.button.primary type="submit" { "Send note" }
                        }
                    }
                }
            }
        },
    )
}

/// Tiles loaded at once (the first screen on most devices); the rest load as they near the
/// screen. The first is the page's largest paint, fetched first.
const EAGER_TILES: usize = 12;

/// Whether a selection of `n` may be sent: at least one, within the gallery's limits.
fn ready(n: usize, min: Option<u32>, max: Option<u32>) -> bool {
    n > 0 && min.is_none_or(|m| n >= m as usize) && max.is_none_or(|m| n <= m as usize)
}

/// The counter's words: how far to the minimum, how close to the maximum, else the goal.
/// `client.js` says the same as hearts change.
fn progress(n: usize, min: Option<u32>, max: Option<u32>, goal: &str) -> String {
    let (min, max) = (min.map(|m| m as usize), max.map(|m| m as usize));
    match (min, max) {
        (Some(m), _) if n < m => format!("{} more to reach {m}", m - n),
        (_, Some(m)) if n >= m => "Maximum reached".into(),
        (_, Some(m)) if n > 0 && m - n <= 2 => format!("{} left", m - n),
        _ => goal.to_string(),
    }
}

/// `{"Album": ["photo id", …]}` for the script.
fn lists_json(lists: &[(String, Vec<String>)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        lists.iter().map(|(n, ids)| (n.clone(), serde_json::json!(ids))).collect();
    serde_json::Value::Object(map).to_string()
}

/// The photo grid, without anything of one visitor (their hearts are set by the script from
/// `data-hearted`), so it can be rendered once and served to many. `download` gives a
/// photo's download URL for the photos (marked `true`) this link may download. A long set
/// comes in chapters of `CHAPTER` photos with a jump list above them, so a client can reach
/// photo 800 without scrolling 90,000 pixels.
pub fn tiles(
    photos: &[(PhotoOut, bool)],
    download: impl Fn(&PhotoOut) -> String,
    can_favourite: bool,
) -> Markup {
    let chapters: Vec<&[(PhotoOut, bool)]> =
        if photos.len() > CHAPTERS_FROM { photos.chunks(CHAPTER).collect() } else { vec![photos] };
    let range = |n: usize| format!("{}–{}", n * CHAPTER + 1, (n * CHAPTER + chapters[n].len()));
    html! {
        div #photos {
            @if chapters.len() > 1 {
                nav.jump aria-label="Jump to photos" {
                    span { "Jump to" }
                    @for n in 0..chapters.len() { a href={ "#part-" (n + 1) } { (range(n)) } }
                }
            }
            @for (n, chapter) in chapters.iter().enumerate() {
                @if chapters.len() > 1 {
                    h2.chapter #{ "part-" (n + 1) } {
                        "Photos " (range(n))
                        @if let (Some((first, _)), Some((last, _))) = (chapter.first(), chapter.last()) {
                            span.files { (first.filename) " – " (last.filename) }
                        }
                    }
                }
                ul.justified {
                    @for (i, (p, downloadable)) in chapter.iter().enumerate() {
                        (tile(p, n * CHAPTER + i, downloadable.then(|| download(p)), can_favourite))
                    }
                }
            }
        }
    }
}

/// Sets longer than this come in chapters of `CHAPTER` photos.
const CHAPTERS_FROM: usize = 150;
const CHAPTER: usize = 100;

/// One photo of the grid: its thumb (with the medium size for dense screens), the photo
/// number `i` deciding whether it loads at once.
fn tile(p: &PhotoOut, i: usize, download: Option<String>, can_favourite: bool) -> Markup {
    let w = p.thumb_width.unwrap_or(4);
    let h = p.thumb_height.unwrap_or(3);
    // The tile's width before it grows to fill its row: its aspect ratio times the row
    // height (120 px on phones, 210 px elsewhere). A 3× phone or a 2× laptop asks for more
    // than the 512 px thumb and gets the 1,024 px size; a plain screen, and a phone below
    // about 2.4×, keep the thumb, a quarter of the bytes on a slow line (the first screen
    // of a 40-photo gallery went from 4.9 s to LCP below 2 s in Lighthouse's phone).
    let aspect = w as f64 / h.max(1) as f64;
    let sizes = format!("(max-width: 640px) {:.0}px, {:.0}px", aspect * 120.0, aspect * 210.0);
    let srcset = match (&p.thumb_url, &p.medium_url, p.medium_width) {
        // A small photo's medium is its thumb: one size, no choice to offer.
        (Some(t), Some(m), Some(mw)) if t != m => Some(format!("{t} {w}w, {m} {mw}w")),
        _ => None,
    };
    html! {
        li.tile style={ "--w:" (w) ";--h:" (h) } data-id=(p.id) data-preview=[p.preview_url.as_deref()] data-download=[download] {
            button.open {
                @if let Some(u) = &p.thumb_url {
                    img src=(u) srcset=[srcset.as_deref()] sizes=[srcset.is_some().then_some(sizes.as_str())] alt=(p.filename) loading=[(i >= EAGER_TILES).then_some("lazy")] fetchpriority=[(i == 0).then_some("high")] width=(w) height=(h);
                }
            }
            // Type, pressed state and label are set by the script (this visitor's hearts).
            @if can_favourite { button.heart { "♥" } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn photo(i: usize) -> (PhotoOut, bool) {
        let p = PhotoOut {
            id: format!("p{i}"),
            filename: format!("IMG_{i:04}.jpg"),
            thumb_url: Some(format!("/t{i}")),
            thumb_width: Some(512),
            thumb_height: Some(341),
            medium_url: Some(format!("/m{i}")),
            medium_width: Some(1024),
            ..Default::default()
        };
        (p, false)
    }

    fn grid(n: usize) -> String {
        let photos: Vec<_> = (0..n).map(photo).collect();
        tiles(&photos, |_| String::new(), true).into_string()
    }

    #[test]
    fn a_long_set_comes_in_chapters_with_a_jump_list() {
        let short = grid(CHAPTERS_FROM);
        assert!(!short.contains("class=\"jump\"") && !short.contains("part-1"), "{short:.300}");
        let long = grid(250);
        assert_eq!(long.matches("<ul class=\"justified\">").count(), 3);
        assert_eq!(long.matches("class=\"tile\"").count(), 250, "every photo once");
        for (n, range) in [(1, "1–100"), (2, "101–200"), (3, "201–250")] {
            assert!(long.contains(&format!("href=\"#part-{n}\">{range}</a>")), "{range}");
            assert!(long.contains(&format!("id=\"part-{n}\">Photos {range}")), "{range}");
        }
        assert!(long.contains("IMG_0200.jpg – IMG_0249.jpg"), "the last chapter names its files");
        // Photo numbers run on across chapters: only the first twelve load eagerly.
        assert_eq!(long.matches("loading=\"lazy\"").count(), 250 - EAGER_TILES);
    }

    #[test]
    fn tiles_offer_the_medium_size_to_dense_screens() {
        let html = grid(1);
        assert!(html.contains("srcset=\"/t0 512w, /m0 1024w\""), "{html}");
        assert!(html.contains("sizes=\"(max-width: 640px) 180px, 315px\""), "{html}");
        let (mut small, _) = photo(0);
        small.medium_url = small.thumb_url.clone();
        let html = tiles(&[(small, false)], |_| String::new(), true).into_string();
        assert!(!html.contains("srcset"), "a small photo has one size: {html}");
    }
}
