//! The live session's page, the same for both screens (`live.js` draws it from the
//! session's snapshots), and the server-sent event stream that carries them.

use std::sync::Arc;

use maud::{DOCTYPE, Markup, html};
use poem::web::sse::{Event, SSE};
use serde::Serialize;
use tokio::sync::watch;

use super::assets;
use crate::{app::live::Snapshot, domain::live::Side};

/// A photo as the live page needs it.
#[derive(Serialize)]
pub struct LivePhoto {
    pub id: String,
    pub name: String,
    pub thumb: Option<String>,
    pub preview: Option<String>,
    /// Displayed size (after orientation), for the print's orientation on the wall.
    pub w: u32,
    pub h: u32,
}

/// A print size for the room view.
#[derive(Serialize)]
pub struct LiveSize {
    pub id: String,
    pub name: String,
    pub w: u32,
    pub h: u32,
}

/// A package of the gallery's list, for the running count of kept photos against it.
#[derive(Serialize)]
pub struct LivePackage {
    pub id: String,
    pub name: String,
    pub images: u32,
    /// Each image beyond `images`, written in the studio's currency.
    pub extra: String,
}

/// A bundled room.
#[derive(Serialize)]
struct LiveRoom {
    id: &'static str,
    name: &'static str,
    url: String,
}

/// What the page's script is told.
#[derive(Serialize)]
struct Data<'a> {
    side: Side,
    photos: &'a [LivePhoto],
    sizes: &'a [LiveSize],
    packages: &'a [LivePackage],
    rooms: Vec<LiveRoom>,
    events: &'a str,
    act: &'a str,
    cart: &'a str,
    wall: &'a str,
    /// Where the client's hearts go (`None` on the photographer's screen).
    heart: Option<&'a str>,
}

pub struct LivePage<'a> {
    pub studio: &'a str,
    pub title: &'a str,
    pub side: Side,
    pub csrf: &'a str,
    pub code: &'a str,
    pub photos: Vec<LivePhoto>,
    /// The gallery's print sizes, for the room view.
    pub sizes: Vec<LiveSize>,
    /// The gallery's packages, for the count of kept photos against the first.
    pub packages: Vec<LivePackage>,
    pub events_url: String,
    pub act_url: String,
    /// Where the cart's changes go.
    pub cart_url: String,
    /// Where a photo of the client's wall is sent.
    pub wall_url: String,
    pub heart_url: Option<String>,
    /// Back to the gallery (its page for the photographer, the grid for the client).
    pub back_href: String,
    /// The photographer's form that ends the session.
    pub end_action: Option<String>,
    /// The client's form that puts the kept photos into their package.
    pub order_action: Option<String>,
}

pub fn page(m: &LivePage) -> Markup {
    let data = Data {
        side: m.side,
        photos: &m.photos,
        sizes: &m.sizes,
        packages: &m.packages,
        rooms: crate::app::live::ROOMS
            .iter()
            .map(|(id, name)| LiveRoom { id, name, url: assets::url(&format!("room-{id}.png")) })
            .collect(),
        events: &m.events_url,
        act: &m.act_url,
        cart: &m.cart_url,
        wall: &m.wall_url,
        heart: m.heart_url.as_deref(),
    };
    // `</` cannot end the JSON's script element early: filenames are escaped.
    let json = serde_json::to_string(&data).unwrap_or_default().replace("</", "<\\/");
    let me = m.side.slug();
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover";
                meta name="robots" content="noindex";
                meta name="csrf-token" content=(m.csrf);
                title { "Live · " (m.title) " · " (m.studio) }
                link rel="icon" href=(assets::url("icon.svg")) type="image/svg+xml";
                link rel="stylesheet" href=(assets::url("app.css"));
                script src=(assets::url("live.js")) defer {}
            }
            body.live data-side=(me) {
                script #live-data type="application/json" { (maud::PreEscaped(json)) }
                header.live-bar {
                    a.live-back href=(m.back_href) { "‹ " (m.title) }
                    span.live-code { "Session " strong #live-code { (m.code) } }
                    span #live-lead aria-live="polite" {}
                    button.button #live-take type="button" { "Take the lead" }
                    @if m.side == Side::Photographer {
                        button.button #live-give type="button" { "Let the client lead" }
                    }
                    @if let Some(action) = &m.end_action {
                        form method="post" action=(action) {
                            input type="hidden" name="csrf" value=(m.csrf);
                            button.button.danger type="submit" { "End session" }
                        }
                    }
                }
                main.live-stage #live-stage {
                    img #live-photo alt="";
                    div #live-compare hidden {}
                    div.live-room #live-room hidden {}
                    p #live-ended hidden { "The session has ended. Your hearts and your order stay in the gallery." }
                }
                div.live-controls {
                    button.button #live-prev type="button" aria-label="Previous photo" { "‹" }
                    span #live-name {}
                    button.button #live-next type="button" aria-label="Next photo" { "›" }
                    @if m.side == Side::Client {
                        button.button #live-heart type="button" aria-pressed="false" { "♥ Favourite" }
                    }
                    button.button #live-keep type="button" { "Keep" }
                    button.button #live-aside type="button" { "Set aside" }
                    button.button #live-undo type="button" { "Undo" }
                    button.button #live-compare-go type="button" { "Compare marked" }
                    @if !m.sizes.is_empty() {
                        button.button #live-room-go type="button" { "See it on the wall" }
                        // Either screen may send a photo of the client's wall; the leader
                        // hangs the prints on it.
                        label.button.room-upload #room-upload-label hidden { "Photo of your wall…" input #room-upload type="file" accept="image/*"; }
                    }
                    span.live-counts #live-counts aria-live="polite" {
                        "♥ " span #live-hearts { "0" } " · kept " span #live-kept { "0" } " · set aside " span #live-aside-n { "0" }
                    }
                    span.live-package #live-package aria-live="polite" {}
                    span #live-status aria-live="polite" {}
                }
                @if !m.sizes.is_empty() {
                    form.live-room-form #live-room-form hidden {
                        label { "Room " select #room-choice {} }
                        label { "Wall width, cm " input #room-wall type="number" min="50" max="2000" step="10" value="300"; }
                        fieldset #room-sizes { legend #room-sizes-legend { "Sizes (up to three)" } }
                        label { "Edge " select #room-frame {
                            option value="black" { "Black frame" }
                            option value="white" { "White frame" }
                            option value="canvas" { "Canvas" }
                            option value="none" { "Print only" }
                        } }
                    }
                }
                section.live-cart #live-cart aria-label="The order" {
                    div.live-cart-head {
                        strong { "The order" }
                        span #live-cart-package {}
                        span #live-cart-total {}
                        @if m.packages.len() > 1 {
                            select #live-cart-choose aria-label="Package" {
                                option value="" { "Choose a package…" }
                                @for k in &m.packages { option value=(k.id) { (k.name) } }
                            }
                        }
                        button.button #live-fill type="button" { "Kept photos into the package" }
                        span #live-wall-add {}
                        @if let Some(action) = &m.order_action {
                            form.live-order method="post" action=(action) {
                                input type="hidden" name="csrf" value=(m.csrf);
                                button.button.primary #live-order type="submit" { "Review and place the order →" }
                            }
                        } @else {
                            span.live-cart-note { "The client places the order on their screen." }
                        }
                    }
                    ul #live-cart-lines {}
                    p #live-cart-problem role="status" {}
                }
                nav.live-strip #live-strip aria-label="Photos" {}
            }
        }
    }
}

/// The session's snapshots as server-sent events: the current one at once (so a screen that
/// reconnects draws where the session is), then each change; the stream ends with the
/// session.
pub fn events(rx: watch::Receiver<Arc<Snapshot>>) -> SSE {
    let stream = futures_util::stream::unfold((rx, true), |(mut rx, first)| async move {
        if !first && rx.changed().await.is_err() {
            return None;
        }
        let snap = rx.borrow_and_update().clone();
        let json = serde_json::to_string(&*snap).unwrap_or_default();
        Some((Event::message(json).event_type("state"), (rx, false)))
    });
    SSE::new(stream).keep_alive(std::time::Duration::from_secs(15))
}

/// The gallery's print sizes as the room view takes them.
pub fn sizes_of(sizes: Vec<crate::app::live::PrintSize>) -> Vec<LiveSize> {
    sizes
        .into_iter()
        .map(|s| LiveSize { id: s.product.to_string(), name: s.name, w: s.width_mm, h: s.height_mm })
        .collect()
}

/// The packages of a catalog as the live page counts against them.
pub fn packages_of(c: &crate::domain::catalog::Catalog) -> Vec<LivePackage> {
    c.prices
        .packages
        .iter()
        .map(|k| LivePackage {
            id: k.id.to_string(),
            name: k.name.clone(),
            images: k.images,
            extra: c.currency.format(k.extra_image),
        })
        .collect()
}
