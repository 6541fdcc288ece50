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
                            a href="/admin/studio" { "Studio" }
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

pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let chrome = Chrome { studio: "proofroom", csrf: None };
    let title = status.canonical_reason().unwrap_or("Error");
    layout(
        &chrome,
        title,
        html! {
            section.card.narrow.center {
                p.eyebrow { (status.as_u16()) }
                h1 { (title) }
                p.lead { (message) }
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
