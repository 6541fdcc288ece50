//! HTML views: plain functions of small view models. One layout, a few components, one
//! function per page. maud escapes every interpolated string, so titles and filenames
//! typed by anyone are shown as text, never run.

use maud::{DOCTYPE, Markup, html};
use poem::http::StatusCode;

use super::assets;

/// Who the page is for: the signed-in photographer's CSRF token, when there is one.
pub struct Chrome<'a> {
    pub studio: &'a str,
    pub csrf: Option<&'a str>,
}

pub fn layout(chrome: &Chrome, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                @if let Some(csrf) = chrome.csrf { meta name="csrf-token" content=(csrf); }
                title { (title) " · " (chrome.studio) }
                link rel="icon" href=(assets::url("icon.svg")) type="image/svg+xml";
                link rel="stylesheet" href=(assets::url("app.css"));
                script src=(assets::url("admin.js")) defer {}
            }
            body {
                header.topbar {
                    a.brand href="/admin" {
                        img src=(assets::url("icon.svg")) alt="" width="28" height="28";
                        span { (chrome.studio) }
                    }
                    @if let Some(csrf) = chrome.csrf {
                        nav.topnav {
                            a href="/admin" { "Galleries" }
                            a href="/admin/orders" { "Orders" }
                            a href="/admin/studio" { "Studio" }
                            a href="/admin/messages" { "Messages" }
                            a href="/admin/outbox" { "Outbox" }
                            a href="/admin/tokens" { "API" }
                            form method="post" action="/admin/logout" {
                                input type="hidden" name="csrf" value=(csrf);
                                button.link type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main.page { (body) }
            }
        }
    }
}

/// An error, as the studio's page: what happened, what to do, and a way on.
pub struct ErrorPage<'a> {
    pub studio: &'a str,
    pub logo_url: Option<String>,
    pub status: StatusCode,
    pub message: &'a str,
    /// (href, label) of the way back.
    pub back: Option<(String, &'a str)>,
    /// The photographer's address, to ask for a new link or a reopening.
    pub contact: Option<String>,
    /// A gallery link that no longer opens: offer to ask for a new one.
    pub link_ended: bool,
    /// Where an ended link's client asks the photographer to reopen it.
    pub reopen: Option<String>,
}

/// The subject of a client's request for a new link, percent-encoded for a `mailto:`.
const NEW_LINK_SUBJECT: &str = "A%20new%20link%20to%20my%20gallery%2C%20please";

/// A headline a client understands, per status.
fn error_title(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "That did not work",
        401 => "Please sign in first",
        403 => "This is not open to you",
        404 => "This page is not here",
        410 => "This link has ended",
        413 => "That file is too large",
        429 => "Too many tries",
        507 => "The server is full",
        s if s >= 500 => "Something went wrong",
        _ => "That did not work",
    }
}

pub fn error_page(m: &ErrorPage) -> Markup {
    let chrome = Chrome { studio: m.studio, csrf: None };
    let title = error_title(m.status);
    layout(
        &chrome,
        title,
        html! {
            section.card.narrow.center.error-card {
                @if let Some(u) = &m.logo_url { img.error-logo src=(u) alt=(m.studio); } @else { p.eyebrow { (m.studio) } }
                h1 { (title) }
                p.lead { (m.message) }
                @if let Some(action) = &m.reopen {
                    form.reopen method="post" action=(action) {
                        h2 { "Ask " (m.studio) " to reopen it" }
                        label for="reopen-email" { "Your e-mail address, for the answer" }
                        input #reopen-email type="email" name="email" required autocomplete="email";
                        label for="reopen-note" { "A message (optional)" }
                        textarea #reopen-note name="note" rows="3" maxlength="2000" {}
                        button.button.primary type="submit" { "Ask to reopen" }
                    }
                }
                div.actions {
                    @if m.link_ended {
                        @if let (Some(c), None) = (&m.contact, &m.reopen) {
                            a.button.primary href={ "mailto:" (c) "?subject=" (NEW_LINK_SUBJECT) } { "Ask for a new link" }
                        }
                        a.button href="/access" { "Invited by e-mail? Get a sign-in link" }
                    }
                    @if let Some((href, label)) = &m.back { a.button href=(href) { "← " (label) } }
                }
                @if let Some(c) = &m.contact {
                    p.muted { "Questions? Write to " a href={ "mailto:" (c) } { (c) } "." }
                }
                p.muted.small { "Error " (m.status.as_u16()) }
            }
        },
    )
}

/// The answer to a client who asked to reopen their link.
pub fn reopen_asked(studio: &str, logo_url: Option<&str>, email: &str) -> Markup {
    let chrome = Chrome { studio, csrf: None };
    layout(
        &chrome,
        "Your request is on its way",
        html! {
            section.card.narrow.center.error-card {
                @if let Some(u) = logo_url { img.error-logo src=(u) alt=(studio); } @else { p.eyebrow { (studio) } }
                h1 { "Your request is on its way" }
                p.lead { (studio) " now knows you would like this gallery reopened, and will answer you at " strong { (email) } "." }
                p.muted { "You can close this page." }
            }
        },
    )
}

/// "1 photo", "3 photos".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A short human size: "14.2 MB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", UNITS[i]) }
}

/// A date like "2026-11-21 14:05 UTC".
pub fn human_time(ms: u64) -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp((ms / 1000) as i64)
        .ok()
        .and_then(|t| t.format(&fmt).ok())
        .unwrap_or_default()
}

pub use crate::domain::day_in_words as human_date;
use crate::domain::{DAY_IN_WORDS, catalog::ProductKind};

/// A stored day ("2026-06-14") in words ("14 June 2026"); as it is if it does not parse.
pub fn human_day(ymd: &str) -> String {
    let parse = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(ymd, parse)
        .ok()
        .and_then(|d| d.format(DAY_IN_WORDS).ok())
        .unwrap_or_else(|| ymd.to_string())
}

/// "20 × 25 cm" from millimetres.
fn size_words(width_mm: u32, height_mm: u32) -> String {
    let cm = |mm: u32| if mm % 10 == 0 { (mm / 10).to_string() } else { format!("{:.1}", mm as f64 / 10.0) };
    format!("{} × {} cm", cm(width_mm), cm(height_mm))
}

/// What a product is, in a few words.
pub fn kind_words(kind: &ProductKind) -> String {
    match kind {
        ProductKind::Digital { long_edge: Some(e) } => format!("Digital file, {e} px"),
        ProductKind::Digital { long_edge: None } => "Digital file, full resolution".into(),
        ProductKind::Print { width_mm, height_mm } => format!("Print, {}", size_words(*width_mm, *height_mm)),
        ProductKind::WallArt { width_mm, height_mm } => {
            format!("Wall art, {}", size_words(*width_mm, *height_mm))
        }
        ProductKind::Album => "Album".into(),
        ProductKind::Custom { ships: true } => "Item, sent".into(),
        ProductKind::Custom { ships: false } => "Item".into(),
        ProductKind::WholeGallery => "The whole gallery, digital".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(human_size(999), "999 B");
        assert_eq!(human_size(14_200_000), "14.2 MB");
        assert_eq!(human_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(human_time(1_795_000_000_000), "2026-11-18 11:06 UTC");
    }
}
