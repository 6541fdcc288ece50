//! The photographer's pages: sign-in, first-run setup, galleries, a gallery, a photo.

use maud::{Markup, html};

pub mod catalog;
pub mod journey;
pub mod orders;
pub mod proofing;
pub mod studio;

use crate::web::views::{Chrome, count, human_size, human_time, layout};
use crate::{
    domain::PhotoState,
    web::models::{GalleryOut, PhotoOut},
};

pub fn login(studio: &str, csrf: &str, next: &str, error: Option<&str>) -> Markup {
    let chrome = Chrome { studio, csrf: None };
    layout(
        &chrome,
        "Sign in",
        html! {
            section.card.narrow.auth {
                p.eyebrow { "Studio" }
                h1 { "Welcome back" }
                p.muted { "Sign in to manage your galleries." }
                @if let Some(e) = error { p.alert role="alert" { (e) } }
                form method="post" action="/admin/login" {
                    input type="hidden" name="csrf" value=(csrf);
                    input type="hidden" name="next" value=(next);
                    label for="password" { "Password" }
                    input #password type="password" name="password" autocomplete="current-password" required autofocus;
                    button.button.primary.wide type="submit" { "Sign in" }
                }
                p.hint { "Forgot it? Run " code { "proofroom admin set-password" } " on the server." }
            }
        },
    )
}

pub fn setup(studio: &str, csrf: &str, token: &str, error: Option<&str>) -> Markup {
    let chrome = Chrome { studio, csrf: None };
    layout(
        &chrome,
        "Set up",
        html! {
            section.card.narrow.auth {
                p.eyebrow { "First start" }
                h1 { "Choose your password" }
                p.muted { "This link works once. After this, sign in with the password you choose here." }
                @if let Some(e) = error { p.alert role="alert" { (e) } }
                form method="post" action={ "/admin/setup/" (token) } {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="password" { "New password (at least 8 characters)" }
                    input #password type="password" name="password" autocomplete="new-password" minlength="8" required autofocus;
                    button.button.primary.wide type="submit" { "Save and continue" }
                }
            }
        },
    )
}

/// A gallery in the galleries list.
pub struct GalleryRow {
    pub gallery: GalleryOut,
    pub photos: u64,
    pub finals: u64,
    pub bytes: u64,
    /// The title of the gallery it is inside, and how many are inside it.
    pub inside: Option<String>,
    pub children: usize,
    pub cover_url: Option<String>,
    /// Draft, scheduled, live, expired or archived.
    pub state: &'static str,
    pub last_seen: Option<u64>,
}

/// A byte count for people: "3.2 GB", "870 MB".
fn gib(bytes: u64) -> String {
    match bytes {
        b if b >= 10 << 30 => format!("{} GB", b >> 30),
        b if b >= 1 << 30 => format!("{:.1} GB", b as f64 / (1u64 << 30) as f64),
        b => format!("{} MB", b >> 20),
    }
}

/// The galleries page.
pub struct Dashboard<'a> {
    pub rows: &'a [GalleryRow],
    /// Only galleries in this state.
    pub only: Option<&'a str>,
    /// The words searched for.
    pub search: &'a str,
    /// The next page's address, when there are more galleries.
    pub next: Option<String>,
    /// Whether this is a later page (not the newest galleries).
    pub later: bool,
    /// Galleries and photos in the whole studio.
    pub totals: (u64, u64),
    /// What needs the photographer, newest first.
    pub attention: &'a [crate::app::activity::Attention],
    pub recent: Markup,
    pub storage: &'a crate::app::maintenance::Storage,
}

pub fn dashboard(studio: &str, csrf: &str, d: &Dashboard) -> Markup {
    let (rows, only, storage) = (d.rows, d.only, d.storage);
    let chrome = Chrome { studio, csrf: Some(csrf) };
    let filtered = only.is_some() || !d.search.is_empty();
    layout(
        &chrome,
        "Galleries",
        html! {
            div.pagehead {
                div {
                    p.eyebrow { "Your studio" }
                    h1 { "Galleries" }
                    p.muted {
                        (count(d.totals.0 as usize, "gallery", "galleries")) " · " (count(d.totals.1 as usize, "photo", "photos"))
                        " · " span #disk-free { (gib(storage.free)) " free on the disk" }
                    }
                }
                form.inline-create method="post" action="/admin/galleries" {
                    input type="hidden" name="csrf" value=(csrf);
                    label.sr-only for="new-title" { "New gallery title" }
                    input #new-title type="text" name="title" placeholder="New gallery, e.g. “Anna & Tom — Wedding”" maxlength="200" required;
                    (picker(&Picker { id: "new-parent", name: "parent", purpose: "parent", label: "Inside", blank: Some("At the top level"), ..Default::default() }))
                    (picker(&Picker { id: "new-settings", name: "settings", purpose: "settings", label: "Settings", blank: Some("Default settings"), ..Default::default() }))
                    button.button.primary type="submit" { "Create gallery" }
                }
            }
            @if storage.low() {
                p.alert #disk-warning role="alert" {
                    @if storage.free < storage.reserve {
                        "The disk is full: uploads are refused until there is more than " (gib(storage.reserve)) " free. "
                    } @else {
                        "The disk is nearly full: " (gib(storage.free)) " free, and uploads stop at " (gib(storage.reserve)) ". "
                    }
                    "Free space on the disk, or delete old galleries and run " code { "proofroom gc" } "."
                }
            }
            @if !d.attention.is_empty() {
                section.card #attention {
                    h2 { "Needs your attention" }
                    ul.attention {
                        @for a in d.attention.iter().take(20) {
                            li { a href=(a.href) { strong { (a.title) } } " · " (a.what) " " span.muted { (human_time(a.at_ms)) } }
                        }
                    }
                    @if d.attention.len() > 20 { p.muted { "And " (d.attention.len() - 20) " more." } }
                }
            }
            @if d.totals.0 > 0 && !filtered && !d.later {
                section.card.recent { h2 { "Recent client activity" } (d.recent) }
            }
            @if d.totals.0 == 0 {
                section.card.empty {
                    h2 { "Start with your first gallery" }
                    p.muted { "Create a gallery for a client or a shoot above, then drop your photos into it. Galleries can nest: a client area, a client, then each shoot." }
                }
            } @else {
                form.gallery-search #gallery-search method="get" action="/admin" role="search" {
                    label.sr-only for="q" { "Search galleries" }
                    input #q type="search" name="q" value=(d.search) placeholder="Title, client, e-mail or day (2026-06)";
                    @if let Some(s) = only { input type="hidden" name="state" value=(s); }
                    button.button type="submit" { "Search" }
                }
                nav.state-filter aria-label="Galleries by state" {
                    a href=(dashboard_href(d.search, None)) aria-current=[only.is_none().then_some("page")] { "All" }
                    @for name in crate::domain::journey::Lifecycle::NAMES {
                        a href=(dashboard_href(d.search, Some(name))) aria-current=[(only == Some(name)).then_some("page")] { (name) }
                    }
                }
                @if rows.is_empty() {
                    p.muted #no-match { "No gallery matches. " a href="/admin" { "Show every gallery" } }
                }
                ul.gallery-list #gallery-list {
                    @for r in rows {
                        li.gallery-row data-state=(r.state) {
                            a href={ "/admin/galleries/" (r.gallery.id) } {
                                span.cover {
                                    @if let Some(u) = &r.cover_url { img src=(u) alt="" loading="lazy" width="56" height="56"; }
                                }
                                span.meta {
                                    strong { (r.gallery.title) @if r.gallery.hidden { " " span.tag.plain { "hidden" } } @if r.state != "live" { " " span.tag.plain { (r.state) } } }
                                    span.muted {
                                        @if let Some(p) = &r.inside { "in " (p) " · " }
                                        (count(r.photos as usize, "photo", "photos"))
                                        @if r.finals > 0 { " (" (r.finals) " final)" }
                                        @if r.children > 0 { " · " (count(r.children, "gallery", "galleries")) " inside" }
                                        " · " (gib(r.bytes))
                                        " · created " (human_time(r.gallery.created_ms))
                                        @if let Some(at) = r.last_seen { " · client last here " (human_time(at)) }
                                    }
                                }
                            }
                        }
                    }
                }
                nav.pager aria-label="More galleries" {
                    @if d.later { a.button href=(dashboard_href(d.search, only)) { "← The most recent" } }
                    @if let Some(next) = &d.next { a.button #next-page href=(next) rel="next" { "Older galleries →" } }
                }
            }
        },
    )
}

/// The dashboard's address for a search and a state (the first page).
pub fn dashboard_href(search: &str, state: Option<&str>) -> String {
    let mut q: Vec<(&str, &str)> = Vec::new();
    if !search.is_empty() {
        q.push(("q", search));
    }
    if let Some(s) = state {
        q.push(("state", s));
    }
    match serde_urlencoded::to_string(&q) {
        Ok(s) if !s.is_empty() => format!("/admin?{s}"),
        _ => "/admin".into(),
    }
}

/// A searchable choice of one gallery (or a preset, for settings): the form sends the
/// hidden field; the search box asks `/admin/pick` as one types (`assets/admin.js`), so a
/// studio with 1,000 galleries gets twenty suggestions, not a 1,000-line drop-down.
#[derive(Default)]
pub struct Picker<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// `parent` (where a gallery may go), `settings` (presets and galleries to copy) or
    /// `gallery`.
    pub purpose: &'a str,
    /// The visible label (kept for screen readers only on one-line forms).
    pub label: &'a str,
    /// The gallery the choice is about: never offered (nor, for `parent`, its subtree).
    pub not: Option<&'a str>,
    /// What choosing nothing means ("At the top level"), offered first.
    pub blank: Option<&'a str>,
    /// The value chosen now, and its words.
    pub value: &'a str,
    pub words: &'a str,
    /// Show the label (else it is for screen readers only).
    pub shown: bool,
}

pub fn picker(p: &Picker) -> Markup {
    let list = format!("{}-list", p.id);
    // Choosing nothing shows as the placeholder, so typing starts on an empty field.
    let hint = match (p.blank, p.shown) {
        (Some(b), true) => b.to_string(),
        (Some(b), false) => format!("{}: {}", p.label, b.to_lowercase()),
        (None, _) => "Type to search galleries".into(),
    };
    let words = if p.value.is_empty() { "" } else { p.words };
    html! {
        span.picker data-for=(p.purpose) data-not=[p.not] data-blank=[p.blank] {
            label.sr-only[!p.shown] for=(p.id) { (p.label) }
            input type="hidden" name=(p.name) value=(p.value);
            input id=(p.id) type="search" value=(words) placeholder=(hint) autocomplete="off"
                role="combobox" aria-autocomplete="list" aria-expanded="false" aria-controls=(list);
            ul.picker-list id=(list) role="listbox" aria-label=(p.label) hidden {}
        }
    }
}

/// Everything the gallery page shows.
pub struct GalleryPage<'a> {
    pub studio: &'a str,
    pub csrf: &'a str,
    pub gallery: GalleryOut,
    pub crumbs: Vec<GalleryOut>,
    pub children: Vec<GalleryRow>,
    pub photos: Vec<PhotoOut>,
    /// The studio's price lists (id, name) and the one this gallery chose.
    pub price_lists: Vec<(String, String)>,
    pub price_list: Option<String>,
    /// The "Share & proofing" section.
    pub sharing: Markup,
}

pub fn gallery(m: &GalleryPage) -> Markup {
    let chrome = Chrome { studio: m.studio, csrf: Some(m.csrf) };
    let g = &m.gallery;
    let ready = m.photos.iter().filter(|p| p.status == "ready").count();
    layout(
        &chrome,
        &g.title,
        html! {
            nav.crumbs aria-label="Breadcrumb" {
                a href="/admin" { "Galleries" }
                @for c in &m.crumbs[..m.crumbs.len().saturating_sub(1)] {
                    span aria-hidden="true" { "/" }
                    a href={ "/admin/galleries/" (c.id) } { (c.title) }
                }
            }
            div.pagehead {
                div {
                    h1 { (g.title) }
                    p.muted #summary { (count(m.photos.len(), "photo", "photos")) " · " (ready) " ready" }
                }
                details.actions {
                    summary.button { "Gallery settings" }
                    div.popover {
                        form method="post" action={ "/admin/galleries/" (g.id) "/edit" } {
                            input type="hidden" name="csrf" value=(m.csrf);
                            label for="title" { "Title" }
                            input #title type="text" name="title" value=(g.title) maxlength="200" required;
                            label for="event-date" { "Day of the shoot (shown on the cover)" }
                            input #event-date type="date" name="event_date" value=[g.event_date.as_deref()];
                            @let parent_title = m.crumbs.len().checked_sub(2).map(|i| m.crumbs[i].title.as_str());
                            (picker(&Picker { id: "parent", name: "parent", purpose: "parent", label: "Inside", not: Some(&g.id), blank: Some("At the top level"), value: g.parent.as_deref().unwrap_or_default(), words: parent_title.unwrap_or_default(), shown: true }))
                            @if !m.price_lists.is_empty() {
                                label for="price-list" { "Price list" }
                                select #price-list name="price_list" {
                                    option value="" selected[m.price_list.is_none()] { @if g.parent.is_some() { "As the gallery it is inside" } @else { "The studio's default" } }
                                    @for (id, name) in &m.price_lists {
                                        option value=(id) selected[m.price_list.as_deref() == Some(id.as_str())] { (name) }
                                    }
                                }
                            }
                            label.check { input #hidden type="checkbox" name="hidden" value="on" checked[g.hidden]; span { "Hidden: not listed in the gallery it is inside, and only its own links open it" } }
                            label.check { input #watermark type="checkbox" name="watermark" value="on" checked[g.watermark]; span { "Watermark: clients see previews with your " a href="/admin/studio#watermark" { "studio watermark" } " (galleries inside follow)" } }
                            button.button.primary type="submit" { "Save" }
                        }
                        form method="post" action={ "/admin/galleries/" (g.id) "/live" } {
                            input type="hidden" name="csrf" value=(m.csrf);
                            button.button #start-live type="submit" { "Present live to the client" }
                        }
                        form method="post" action={ "/admin/galleries/" (g.id) "/settings" } {
                            input type="hidden" name="csrf" value=(m.csrf);
                            (picker(&Picker { id: "apply-settings", name: "settings", purpose: "settings", label: "Take the settings of", not: Some(&g.id), shown: true, ..Default::default() }))
                            button.button type="submit" { "Apply" }
                        }
                        form method="post" action={ "/admin/galleries/" (g.id) "/preset" } {
                            input type="hidden" name="csrf" value=(m.csrf);
                            label for="preset-name" { "Save these settings as a preset" }
                            input #preset-name type="text" name="name" maxlength="60" placeholder="e.g. Weddings" required;
                            button.button type="submit" { "Save preset" }
                        }
                        a.button #journey-link href={ "/admin/galleries/" (g.id) "/journey" } { "Lifecycle and client journey" }
                        a.button href={ "/admin/galleries/" (g.id) "/zip" } download { "Download all (zip)" }
                        a.button.danger href={ "/admin/galleries/" (g.id) "/delete" } { "Delete gallery…" }
                    }
                }
            }
            @if !m.children.is_empty() {
                h2.section-title { "Inside this gallery" }
                ul.gallery-list.compact {
                    @for r in &m.children {
                        li.gallery-row { a href={ "/admin/galleries/" (r.gallery.id) } {
                            span.cover { @if let Some(u) = &r.cover_url { img src=(u) alt="" loading="lazy"; } }
                            span.meta { strong { (r.gallery.title) @if r.gallery.hidden { " " span.tag.plain { "hidden" } } } span.muted { (count(r.photos as usize, "photo", "photos")) } }
                        } }
                    }
                }
            }
            form.inline-create.sub method="post" action="/admin/galleries" {
                input type="hidden" name="csrf" value=(m.csrf);
                input type="hidden" name="parent" value=(g.id);
                label.sr-only for="sub-title" { "New gallery inside this one" }
                input #sub-title type="text" name="title" placeholder="Add a gallery inside, e.g. “Ceremony”" maxlength="200" required;
                button.button type="submit" { "Add" }
            }
            section.uploader data-gallery=(g.id) {
                label.dropzone #dropzone for="files" {
                    strong { "Drop photos here" }
                    span.muted { " or click to choose files — JPEG, PNG, WebP, TIFF" }
                    input #files type="file" name="file" multiple accept=".jpg,.jpeg,.png,.webp,.tif,.tiff,image/jpeg,image/png,image/webp,image/tiff";
                }
                label.check {
                    input #mark-final type="checkbox";
                    span { "Files that replace a photo of the same name are retouched " strong { "finals" } }
                }
                div.upload-status #upload-status hidden {
                    div.total { span #upload-total-label { "Uploading…" } progress #upload-total max="100" value="0" {} }
                    ul.queue #upload-queue {}
                }
            }
            @if m.photos.is_empty() {
                p.muted.empty-grid #empty-grid { "No photos yet. Drop a shoot above; thumbnails appear as each file is processed." }
            }
            ul.grid #grid aria-label="Photos" {
                @for p in &m.photos { (photo_card(p)) }
            }
            template #card-template { (photo_card_shell()) }
            // Sharing comes after the photos: the grid is what the photographer works on.
            (m.sharing)
        },
    )
}

fn state_label(s: &str) -> &'static str {
    match PhotoState::parse(s) {
        Some(PhotoState::Final) => "Final",
        Some(PhotoState::Undefined) => "Unset",
        _ => "Proof",
    }
}

/// One photo in the grid. `admin.js` fills the same markup (from the template) for new
/// uploads and keeps the status up to date.
fn photo_card(p: &PhotoOut) -> Markup {
    html! {
        li.card.photo data-id=(p.id) data-status=(p.status) draggable="true" {
            a.thumb href={ "/admin/photos/" (p.id) } {
                @if let Some(u) = &p.thumb_url {
                    img src=(u) alt=(p.filename) loading="lazy" width=[p.thumb_width] height=[p.thumb_height];
                } @else {
                    span.placeholder {}
                }
            }
            span.badge data-state=(p.state) { (state_label(&p.state)) }
            div.caption {
                span.name title=(p.filename) { (p.filename) }
                span.status { (status_text(p)) }
            }
        }
    }
}

fn photo_card_shell() -> Markup {
    html! {
        li.card.photo data-status="pending" draggable="true" {
            a.thumb { span.placeholder {} }
            span.badge {}
            div.caption { span.name {} span.status {} }
        }
    }
}

fn status_text(p: &PhotoOut) -> String {
    match p.status.as_str() {
        "ready" => match (p.width, p.height) {
            (Some(w), Some(h)) => format!("{w} × {h}"),
            _ => "Ready".into(),
        },
        "failed" => format!("Failed: {}", p.error.as_deref().unwrap_or("unknown reason")),
        _ => "Processing…".into(),
    }
}

/// The large view of one photo.
pub struct PhotoPage<'a> {
    pub studio: &'a str,
    pub csrf: &'a str,
    pub gallery: GalleryOut,
    pub photo: PhotoOut,
    pub prev: Option<String>,
    pub next: Option<String>,
}

pub fn photo(m: &PhotoPage) -> Markup {
    let chrome = Chrome { studio: m.studio, csrf: Some(m.csrf) };
    let p = &m.photo;
    layout(
        &chrome,
        &p.filename,
        html! {
            nav.crumbs aria-label="Breadcrumb" {
                a href="/admin" { "Galleries" }
                span aria-hidden="true" { "/" }
                a href={ "/admin/galleries/" (m.gallery.id) } { (m.gallery.title) }
            }
            div.viewer {
                figure.stage {
                    @if let Some(u) = &p.preview_url {
                        // The medium size where it is enough (a phone, a small window).
                        @let srcset = match (&p.medium_url, p.medium_width, p.preview_width) {
                            (Some(m), Some(mw), Some(pw)) if m != u => Some(format!("{m} {mw}w, {u} {pw}w")),
                            _ => None,
                        };
                        img #stage-img src=(u) srcset=[srcset.as_deref()] sizes=[srcset.as_ref().map(|_| "(max-width: 900px) 100vw, 75vw")] alt=(p.filename) fetchpriority="high";
                        span.focus-mark #focus-mark hidden {}
                    } @else {
                        div.placeholder.big { span { (status_text(p)) } }
                    }
                    @if let Some(prev) = &m.prev { a.nav.prev href={ "/admin/photos/" (prev) } rel="prev" aria-label="Previous photo" { "‹" } }
                    @if let Some(next) = &m.next { a.nav.next href={ "/admin/photos/" (next) } rel="next" aria-label="Next photo" { "›" } }
                }
                aside.card.details {
                    h1.filename { (p.filename) }
                    p.muted { (status_text(p)) }
                    form method="post" action={ "/admin/photos/" (p.id) "/state" } {
                        input type="hidden" name="csrf" value=(m.csrf);
                        label for="state" { "State" }
                        div.row {
                            select #state name="state" {
                                @for s in PhotoState::ALL {
                                    option value=(s.as_str()) selected[p.state == s.as_str()] { (state_label(s.as_str())) }
                                }
                            }
                            button.button type="submit" { "Save" }
                        }
                    }
                    @if p.preview_url.is_some() {
                        form #cover-form method="post" action={ "/admin/photos/" (p.id) "/cover" } {
                            input type="hidden" name="csrf" value=(m.csrf);
                            input #focus-x type="hidden" name="x" value="50";
                            input #focus-y type="hidden" name="y" value="50";
                            @if m.gallery.cover.as_deref() == Some(p.id.as_str()) { p.muted { "This photo is the gallery's cover." } }
                            p.muted { "Click the photo to mark what must stay in view when the cover is cropped to a screen." @if m.gallery.watermark { " The cover shows it without the watermark." } }
                            button.button.wide type="submit" { "Use as the cover" }
                        }
                    }
                    @if let Some(u) = &p.original_url { p { a.button.wide href=(u) download=(p.filename) { "Download original" } } }
                    h2.section-title { "Versions" }
                    ol.versions reversed {
                        @for v in p.versions.iter().rev() {
                            li { span { (human_time(v.uploaded_ms)) } span.muted { (human_size(v.size)) " · " code { (&v.blob[..12]) } } }
                        }
                    }
                }
            }
        },
    )
}

pub fn confirm_delete(studio: &str, csrf: &str, g: &GalleryOut, photos: usize, children: usize) -> Markup {
    let chrome = Chrome { studio, csrf: Some(csrf) };
    layout(
        &chrome,
        "Delete gallery",
        html! {
            section.card.narrow {
                p.eyebrow { "Delete gallery" }
                h1 { "Delete “" (g.title) "”?" }
                p.lead {
                    "This removes the gallery, its " (count(photos, "photo", "photos"))
                    @if children > 0 { " and the " (count(children, "gallery", "galleries")) " inside it" }
                    ". Clients lose access at once. This cannot be undone."
                }
                form.row method="post" action={ "/admin/galleries/" (g.id) "/delete" } {
                    input type="hidden" name="csrf" value=(csrf);
                    a.button href={ "/admin/galleries/" (g.id) } { "Keep it" }
                    button.button.danger type="submit" { "Delete for good" }
                }
            }
        },
    )
}

/// The API tokens page; `new_token` is shown once, right after it was made.
pub fn tokens(
    studio: &str,
    csrf: &str,
    tokens: &[crate::app::auth::TokenInfo],
    new_token: Option<&str>,
) -> Markup {
    let chrome = Chrome { studio, csrf: Some(csrf) };
    layout(
        &chrome,
        "API tokens",
        html! {
            div.pagehead {
                div {
                    p.eyebrow { "Automation" }
                    h1 { "API tokens" }
                    p.muted { "Scripts and plug-ins use a token as " code { "Authorization: Bearer <token>" } ". See the " a href="/api/docs" { "API documentation" } "." }
                }
                form.inline-create method="post" action="/admin/tokens" {
                    input type="hidden" name="csrf" value=(csrf);
                    label.sr-only for="token-name" { "Token name" }
                    input #token-name type="text" name="name" placeholder="What is it for? e.g. “Lightroom export”" maxlength="100" required;
                    button.button.primary type="submit" { "Create token" }
                }
            }
            @if let Some(t) = new_token {
                section.card.new-token {
                    h2 { "Your new token" }
                    p.muted { "Copy it now: it is shown only once." }
                    code #new-token { (t) }
                }
            }
            @if tokens.is_empty() {
                section.card.empty { p.muted { "No tokens yet." } }
            } @else {
                ul.gallery-list {
                    @for t in tokens {
                        li.card.token-row {
                            span.meta { strong { (t.name) } span.muted { "created " (human_time(t.created_ms)) } }
                            form method="post" action={ "/admin/tokens/" (t.id) "/revoke" } {
                                input type="hidden" name="csrf" value=(csrf);
                                button.button.danger type="submit" { "Revoke" }
                            }
                        }
                    }
                }
            }
        },
    )
}
