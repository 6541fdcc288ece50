//! The activity log: views, hearts, notes, submissions and downloads per visitor.

use super::{App, Result};
use crate::domain::{
    Activity, ActivityKind, GalleryId, MailStatus, VisitorId,
    journey::{DAY_MS, Lifecycle},
    now_ms,
};

/// Records what a visitor did. Never fails the visitor's request: a lost log line is
/// logged itself and forgotten.
pub async fn log(state: &App, gallery: GalleryId, visitor: VisitorId, what: ActivityKind) {
    let a = Activity { at_ms: now_ms(), gallery, visitor, what };
    if let Err(e) = state.with_db(move |db| Ok(db.log_activity(&a)?)).await {
        tracing::warn!("activity not recorded: {e}");
    }
}

/// The newest events, of one gallery or of every gallery.
pub async fn recent(state: &App, gallery: Option<GalleryId>, limit: usize) -> Result<Vec<Activity>> {
    state.with_db(move |db| Ok(db.activity(gallery, limit)?)).await
}

/// A gallery and its newest events in words, for its activity page.
pub async fn of_gallery(state: &App, gallery: GalleryId) -> Result<(crate::domain::Gallery, Vec<Line>)> {
    let g = state.gallery(gallery).await?;
    let events = recent(state, Some(gallery), 500).await?;
    Ok((g, describe(state, events).await?))
}

/// One event, in words, for the photographer.
pub struct Line {
    pub at_ms: u64,
    pub gallery: GalleryId,
    pub gallery_title: String,
    /// "Visitor (link label)".
    pub who: String,
    pub what: String,
}

/// Puts events into words: who (by the link they came through) did what to which photo.
pub async fn describe(state: &App, events: Vec<Activity>) -> Result<Vec<Line>> {
    state
        .with_db(move |db| {
            let mut galleries = std::collections::HashMap::new();
            let mut out = Vec::new();
            for e in events {
                if let std::collections::hash_map::Entry::Vacant(slot) = galleries.entry(e.gallery) {
                    let g = db.gallery(e.gallery)?;
                    let visitors = db.visitors(e.gallery)?;
                    let shares = db.shares(e.gallery)?;
                    slot.insert((g, visitors, shares));
                }
                let (g, visitors, shares) = &galleries[&e.gallery];
                // Visitors are recorded against the shared gallery; a set inside it finds them there.
                let v = match visitors.iter().find(|v| v.id == e.visitor) {
                    Some(v) => Some(v.clone()),
                    None => db.visitor_by_id(e.visitor)?,
                };
                let link = match &v {
                    Some(v) => match shares.iter().find(|s| s.id == v.share) {
                        Some(s) => s.label.clone(),
                        None => db.share(v.share)?.map(|s| s.label).unwrap_or_default(),
                    },
                    None => String::new(),
                };
                let name = v.and_then(|v| v.name).unwrap_or_else(|| "A visitor".into());
                let who = if link.is_empty() { name } else { format!("{name} ({link})") };
                // One photo read per event named, not the gallery's thousands.
                let file = |id: &crate::domain::PhotoId| {
                    db.photo(*id).ok().flatten().map(|p| p.filename).unwrap_or_else(|| "a photo".into())
                };
                let what = match &e.what {
                    ActivityKind::View => "opened the gallery".to_string(),
                    ActivityKind::Heart { photo, on: true } => format!("hearted {}", file(photo)),
                    ActivityKind::Heart { photo, on: false } => format!("un-hearted {}", file(photo)),
                    ActivityKind::Comment { photo } => format!("left a note on {}", file(photo)),
                    ActivityKind::Submit { count } => format!("submitted {count} favourites"),
                    ActivityKind::Download { photo: Some(p), .. } => format!("downloaded {}", file(p)),
                    ActivityKind::Download { photo: None, count } => {
                        format!("downloaded a zip of {count} photos")
                    }
                    ActivityKind::Ordered { number } => format!("placed order {number}"),
                    ActivityKind::ReopenAsked { from } => format!("asked to reopen it (from {from})"),
                };
                let gallery_title = g.as_ref().map(|g| g.title.clone()).unwrap_or_default();
                out.push(Line { at_ms: e.at_ms, gallery: e.gallery, gallery_title, who, what });
            }
            Ok(out)
        })
        .await
}

/// How many days the gallery's chart shows.
pub const CHART_DAYS: usize = 30;

/// A gallery's numbers for its activity page.
pub struct Stats {
    pub visitors: usize,
    pub hearts: usize,
    pub downloads: usize,
    pub orders: usize,
    /// Paid orders' totals, formatted, per currency.
    pub sales: Vec<String>,
    /// Views per day, the last `CHART_DAYS` days, oldest first (index `CHART_DAYS - 1` is
    /// today, UTC).
    pub views_per_day: Vec<usize>,
}

pub async fn stats(state: &App, gallery: GalleryId) -> Result<Stats> {
    state
        .with_db(move |db| {
            let visitors = db.visitors(gallery)?;
            let mut hearts = 0;
            for v in &visitors {
                hearts += db.selection(v.id, gallery)?.photos.len();
            }
            let today = now_ms() / DAY_MS;
            let mut views_per_day = vec![0; CHART_DAYS];
            let mut downloads = 0;
            for e in db.activity(Some(gallery), usize::MAX)? {
                match e.what {
                    ActivityKind::View => {
                        let ago = today.saturating_sub(e.at_ms / DAY_MS) as usize;
                        if ago < CHART_DAYS {
                            views_per_day[CHART_DAYS - 1 - ago] += 1;
                        }
                    }
                    ActivityKind::Download { count, .. } => downloads += count.max(1),
                    _ => {}
                }
            }
            let orders = db.gallery_orders(gallery)?;
            let mut sums: std::collections::BTreeMap<String, (crate::domain::Currency, i64)> =
                Default::default();
            for o in orders.iter().filter(|o| o.state.paid()) {
                let e = sums.entry(o.currency.code.clone()).or_insert((o.currency.clone(), 0));
                e.1 += o.quote.total.0;
            }
            let sales = sums.values().map(|(c, m)| c.format(crate::domain::Money(*m))).collect();
            Ok(Stats {
                visitors: visitors.len(),
                hearts,
                downloads,
                orders: orders.len(),
                sales,
                views_per_day,
            })
        })
        .await
}

/// Something the photographer should look at, with where to do it.
pub struct Attention {
    pub gallery: GalleryId,
    pub title: String,
    pub what: String,
    pub at_ms: u64,
    pub href: String,
}

/// Days before a gallery closes that it is listed as about to.
const CLOSING_SOON_DAYS: u64 = 7;
/// How far back failed messages and reopen requests are listed.
const ATTENTION_DAYS: u64 = 30;

/// What needs the photographer now: selections waiting for their finals, notes not
/// answered, galleries closing soon, requests to reopen, messages that failed. It reads
/// the galleries clients were in during the last `ATTENTION_DAYS` and those closing this
/// week, never the whole archive: a selection nobody touched for a month has dropped out.
pub async fn attention(state: &App) -> Result<Vec<Attention>> {
    let mut out = state
        .with_db(move |db| {
            let now = now_ms();
            let since = now.saturating_sub(ATTENTION_DAYS * DAY_MS);
            let mut out = Vec::new();
            for g in db.galleries_closing(now, now + CLOSING_SOON_DAYS * DAY_MS)? {
                if g.journey.lifecycle(now) == Lifecycle::Live {
                    if let Some(at) = g.journey.expires_ms {
                        out.push(Attention {
                            gallery: g.id,
                            title: g.title.clone(),
                            what: format!("closes on {}", crate::domain::day_in_words(at)),
                            at_ms: at,
                            href: format!("/admin/galleries/{}/journey", g.id),
                        });
                    }
                }
            }
            for g in db.galleries_clients_were_in(since)? {
                let item = |what: String, at_ms: u64, page: &str| Attention {
                    gallery: g.id,
                    title: g.title.clone(),
                    what,
                    at_ms,
                    href: format!("/admin/galleries/{}{page}", g.id),
                };
                for v in db.visitors(g.id)? {
                    let sel = db.selection(v.id, g.id)?;
                    let Some(at) = sel.submitted_ms else { continue };
                    let mut waiting = 0;
                    for p in &sel.photos {
                        let proof =
                            db.photo(*p)?.is_some_and(|ph| ph.state != crate::domain::PhotoState::Final);
                        waiting += usize::from(proof);
                    }
                    if waiting > 0 {
                        let who = v.name.clone().or(v.email.clone()).unwrap_or_else(|| "A client".into());
                        out.push(item(
                            format!("{who} submitted a selection: {waiting} photos wait for their finals"),
                            at,
                            "/selections",
                        ));
                    }
                }
                // A note is answered by the photographer's later note on the same photo.
                let comments = db.comments(g.id)?;
                let unanswered: Vec<_> = comments
                    .iter()
                    .filter(|c| c.visitor.is_some())
                    .filter(|c| {
                        !comments.iter().any(|r| {
                            r.visitor.is_none() && r.photo == c.photo && r.created_ms >= c.created_ms
                        })
                    })
                    .collect();
                if let Some(last) = unanswered.iter().map(|c| c.created_ms).max() {
                    let n = unanswered.len();
                    out.push(item(
                        format!("{n} client note{} not answered", if n == 1 { "" } else { "s" }),
                        last,
                        "/selections",
                    ));
                }
                let reopened = g.journey.reopened_ms.unwrap_or(0);
                for e in db.activity(Some(g.id), 200)? {
                    if let ActivityKind::ReopenAsked { from } = e.what {
                        if e.at_ms > reopened.max(since) {
                            out.push(item(format!("{from} asks you to reopen it"), e.at_ms, "/journey"));
                        }
                    }
                }
            }
            for m in db.mails(500)? {
                if let MailStatus::Failed { error } = &m.status {
                    if m.created_ms > since {
                        out.push(Attention {
                            gallery: m.journey.as_ref().map(|j| j.gallery).unwrap_or_default(),
                            title: format!("Message to {}", m.to),
                            what: format!("“{}” failed: {error}", m.subject),
                            at_ms: m.created_ms,
                            href: "/admin/outbox".into(),
                        });
                    }
                }
            }
            Ok(out)
        })
        .await?;
    out.sort_by_key(|a| std::cmp::Reverse(a.at_ms));
    Ok(out)
}
