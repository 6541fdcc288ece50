//! The client's journey by e-mail. Every minute (and when a test moves the clock) the
//! journey looks at each gallery's clients with per-email access and queues the messages
//! that are due (`domain::journey::due`). Each is recorded with the mail and its sending job
//! in one transaction under (gallery, message, address), so a restart, a crash or a second
//! sweep never queues it twice, and a server that was off sends it late rather than never.
//! The words come from the studio's templates; the preview renders through `compose`, the
//! same function the sweep uses, so what the photographer sees is what is sent.

use super::{App, AppError, Result};
use crate::{
    db::Db,
    domain::{
        Gallery, GalleryId, JourneyMail, Mail, MailId, MailStatus, PhotoState, ShareLink, Studio,
        day_in_words, day_start_ms,
        journey::{self, Automation, DAY_MS, Facts, Template, Timing, Timings},
        now_ms,
        order::Owner,
    },
    mail::templates,
};

/// How often the journey looks for due messages.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs the sweep every minute for as long as the server runs.
pub async fn keep_sending(app: App) {
    let mut tick = tokio::time::interval(SWEEP_EVERY);
    loop {
        tick.tick().await;
        if let Err(e) = sweep(&app).await {
            tracing::warn!("journey: {e}");
        }
    }
}

/// Queues every journey message due now. Returns how many were queued.
pub async fn sweep(app: &App) -> Result<usize> {
    // One sweep at a time: two would only find each other's messages recorded, but one is
    // enough work.
    let _one = app.journey_gate.lock().await;
    let studio = super::studio::get(app).await?;
    let (base, name) = (app.config.base_url.clone(), app.config.studio_name.clone());
    let key = app.key;
    let queued = app
        .with_db(move |db| {
            let now = now_ms();
            let mut queued = 0;
            for g in db.galleries()? {
                if g.journey.stage == journey::Stage::Draft {
                    continue;
                }
                for share in db.shares(g.id)?.into_iter().filter(|s| s.email.is_some() && !s.revoked) {
                    queued += sweep_client(
                        db,
                        &Ctx { studio: &studio, base: &base, name: &name, key: &key },
                        &g,
                        &share,
                        now,
                    )?;
                }
            }
            Ok(queued)
        })
        .await?;
    if queued > 0 {
        app.jobs.wake();
    }
    Ok(queued)
}

/// What composing needs besides the records.
struct Ctx<'a> {
    studio: &'a Studio,
    base: &'a str,
    name: &'a str,
    key: &'a [u8; 32],
}

fn sweep_client(db: &Db, c: &Ctx, g: &Gallery, share: &ShareLink, now: u64) -> Result<usize> {
    let Some(email) = share.email.as_deref() else { return Ok(0) };
    if db.is_unsubscribed(email)? {
        return Ok(0);
    }
    let timings = timings(c.studio, g);
    let sent = db.journey_sent(g.id)?;
    let mine: Vec<_> = sent.iter().filter(|s| s.to == email).collect();
    let facts = facts(db, g, share, now, &mine)?;
    let mut queued = 0;
    let archived = g.journey.stage == journey::Stage::Archived;
    for a in Automation::ALL {
        let Timing { on, days } = timings.get(a);
        // An archive hears only its anniversary.
        if !on || mine.iter().any(|s| s.automation == a) || (archived && a != Automation::Anniversary) {
            continue;
        }
        let Some(at) = journey::due(a, days, &facts) else { continue };
        if !journey::sendable(a, at, now) {
            continue;
        }
        let mail = compose(c, g, share, a, &facts);
        if db.queue_journey_mail(g.id, a, &mail)? {
            tracing::info!(gallery = %g.id, message = a.as_str(), "journey message queued");
            queued += 1;
        }
    }
    Ok(queued)
}

/// The gallery's own timings, else the studio's.
fn timings(studio: &Studio, g: &Gallery) -> Timings {
    g.journey.timings.clone().unwrap_or_else(|| studio.journey.timings.clone())
}

fn facts(db: &Db, g: &Gallery, share: &ShareLink, now: u64, sent: &[&crate::db::Sent]) -> Result<Facts> {
    let visitor = db.visitor_of_share(share)?;
    let selection = match &visitor {
        Some(v) => Some(db.selection(v.id, g.id)?),
        None => None,
    };
    let cart = db.cart(Owner::Grant(share.id), g.id)?;
    let newest_final = db
        .photos(g.id)?
        .iter()
        .filter(|p| p.state == PhotoState::Final)
        .filter_map(|p| p.current().map(|v| v.uploaded_ms))
        .max();
    Ok(Facts {
        now,
        gallery_ms: g.created_ms,
        event_ms: g.event_date.as_deref().and_then(day_start_ms),
        go_live: g.journey.go_live_ms,
        deadline: g.journey.deadline_ms,
        granted_ms: share.created_ms,
        // The client's access ends with their link or with the gallery, whichever is first.
        expires_ms: match (share.expires_ms, g.journey.expires_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        },
        last_seen: visitor.as_ref().map(|v| v.last_seen_ms),
        hearts: selection.as_ref().map_or(0, |s| s.photos.len()),
        submitted: selection.as_ref().is_some_and(|s| s.submitted_ms.is_some()),
        cart_filled: cart.package.is_some() || !cart.lines.is_empty(),
        newest_final,
        finals_sent: sent.iter().find(|s| s.automation == Automation::FinalsReady).map(|s| s.at_ms),
    })
}

/// The message `a` to the client of `share`, in the studio's words and branding.
fn compose(c: &Ctx, g: &Gallery, share: &ShareLink, a: Automation, f: &Facts) -> Mail {
    let to = share.email.clone().unwrap_or_default();
    let link = format!("{}/g/{}", c.base, share.id);
    let unsubscribe = format!("{}/unsubscribe/{}", c.base, unsubscribe_token(c.key, &to));
    let day = |ms: Option<u64>| ms.map(day_in_words).unwrap_or_else(|| "(no date set)".into());
    let client = if share.label.trim().is_empty() { to.clone() } else { share.label.clone() };
    let value = |name: &str| -> Option<String> {
        Some(match name {
            "client" => client.clone(),
            "gallery" => g.title.clone(),
            "link" => link.clone(),
            "studio" => c.name.to_string(),
            "deadline" => day(f.deadline),
            "count" => f.hearts.to_string(),
            "expires" => day(f.expires_ms),
            "live" => day(f.go_live),
            "review" => c.studio.journey.review_url.clone().unwrap_or_else(|| c.base.to_string()),
            _ => return None,
        })
    };
    let t = c.studio.journey.template(a);
    let button = match a {
        Automation::FinalsReady => "See your finals",
        Automation::AbandonedCart => "Finish your order",
        Automation::Deadline | Automation::SelectionOpen => "Choose your favourites",
        Automation::Anniversary => "Order prints",
        _ => "Open your gallery",
    };
    let brand = templates::Brand {
        studio: c.name,
        logo: c.studio.logo.is_some(),
        accent: c.studio.brand.accent().to_string(),
        footer: c.studio.brand.contact_line(c.name),
    };
    let content = templates::journey(
        &brand,
        &templates::Written {
            subject: journey::fill(&t.subject, &value),
            body: journey::fill(&t.body, &value),
            link: &link,
            button,
            unsubscribe: &unsubscribe,
        },
    );
    Mail {
        id: MailId::new(),
        to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        logo: c.studio.logo,
        pictures: Vec::new(),
        created_ms: f.now,
        status: MailStatus::Queued { attempts: 0, last_error: None },
        journey: Some(JourneyMail { gallery: g.id, unsubscribe }),
    }
}

/// The secret part of an unsubscribe address: the address itself (hex) and a keyed hash of
/// it, so nobody can unsubscribe an address they did not get a message for.
fn unsubscribe_token(key: &[u8; 32], email: &str) -> String {
    let email = email.trim().to_lowercase();
    let hex: String = email.bytes().map(|b| format!("{b:02x}")).collect();
    let mac = blake3::keyed_hash(key, format!("unsubscribe\0{email}").as_bytes()).to_hex();
    format!("{hex}.{}", &mac[..32])
}

/// The address an unsubscribe token stands for, if the token is genuine.
fn unsubscribe_address(key: &[u8; 32], token: &str) -> Option<String> {
    let (hex, _) = token.split_once('.')?;
    if hex.len() % 2 != 0 || hex.len() > 640 {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()).collect();
    let email = String::from_utf8(bytes?).ok()?;
    // Compared as hashes (as CSRF tokens are), so the time taken says nothing of the token.
    let expected = unsubscribe_token(key, &email);
    (blake3::hash(expected.as_bytes()) == blake3::hash(token.as_bytes())).then_some(email)
}

/// One click: `token`'s address gets no more journey messages (or, `again`, gets them
/// again). Returns the address, for the page.
pub async fn unsubscribe(app: &App, token: &str, again: bool) -> Result<String> {
    let email = unsubscribe_address(&app.key, token)
        .ok_or_else(|| AppError::NotFound("This unsubscribe link is not valid.".into()))?;
    let e = email.clone();
    app.with_db(move |db| Ok(db.set_unsubscribed(&e, !again)?)).await?;
    tracing::info!(resubscribed = again, "journey: an address changed its subscription");
    Ok(email)
}

/// Whether `token`'s address is unsubscribed now (the page's wording).
pub async fn unsubscribed(app: &App, token: &str) -> Result<(String, bool)> {
    let email = unsubscribe_address(&app.key, token)
        .ok_or_else(|| AppError::NotFound("This unsubscribe link is not valid.".into()))?;
    let e = email.clone();
    let off = app.with_db(move |db| Ok(db.is_unsubscribed(&e)?)).await?;
    Ok((email, off))
}

/// One message of a gallery's journey, for its page.
pub struct Line {
    pub automation: Automation,
    pub timing: Timing,
    /// (address, when) for each client it went to.
    pub sent: Vec<(String, u64)>,
    /// (address, when) for each client it is due for later.
    pub next: Vec<(String, u64)>,
}

/// A gallery's journey: its dates, whether it follows the studio, and each message.
pub struct Overview {
    pub gallery: Gallery,
    pub own_timings: bool,
    pub lines: Vec<Line>,
    /// The addresses with per-email access (the journey's recipients), and whether each
    /// unsubscribed.
    pub clients: Vec<(String, bool)>,
}

pub async fn overview(app: &App, id: GalleryId) -> Result<Overview> {
    let studio = super::studio::get(app).await?;
    app.with_db(move |db| {
        let g = db.gallery(id)?.ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
        let now = now_ms();
        let timings = timings(&studio, &g);
        let sent = db.journey_sent(id)?;
        let shares: Vec<ShareLink> =
            db.shares(id)?.into_iter().filter(|s| s.email.is_some() && !s.revoked).collect();
        let mut lines: Vec<Line> = Automation::ALL
            .into_iter()
            .map(|a| Line { automation: a, timing: timings.get(a), sent: vec![], next: vec![] })
            .collect();
        let mut clients = Vec::new();
        for share in &shares {
            let email = share.email.clone().unwrap_or_default();
            clients.push((email.clone(), db.is_unsubscribed(&email)?));
            let mine: Vec<_> = sent.iter().filter(|s| s.to == email).collect();
            let f = facts(db, &g, share, now, &mine)?;
            for line in &mut lines {
                if let Some(s) = mine.iter().find(|s| s.automation == line.automation) {
                    line.sent.push((email.clone(), s.at_ms));
                } else if let Some(at) = journey::due(line.automation, line.timing.days, &f) {
                    if at > now || journey::sendable(line.automation, at, now) {
                        line.next.push((email.clone(), at.max(now)));
                    }
                }
            }
        }
        Ok(Overview { own_timings: g.journey.timings.is_some(), gallery: g, lines, clients })
    })
    .await
}

/// What the photographer sets on a gallery's journey page.
pub struct JourneyForm {
    /// `YYYY-MM-DD` or empty.
    pub go_live: String,
    pub deadline: String,
    /// `None`: follow the studio's timings.
    pub timings: Option<Timings>,
}

/// A day field: empty for none, else a day (`YYYY-MM-DD`), at `hour` UTC.
fn day_field(what: &str, s: &str, hour: u64) -> Result<Option<u64>> {
    match s.trim() {
        "" => Ok(None),
        d => day_start_ms(d)
            .map(|ms| Some(ms + hour * journey::HOUR_MS))
            .ok_or_else(|| AppError::Invalid(format!("the {what} “{d}” is not a day (YYYY-MM-DD)"))),
    }
}

fn check_timings(t: &Timings) -> Result<()> {
    match t.0.iter().find(|(_, t)| t.days > journey::MAX_DAYS) {
        Some((a, _)) => {
            Err(AppError::Invalid(format!("“{}” can be at most {} days away", a.label(), journey::MAX_DAYS)))
        }
        None => Ok(()),
    }
}

pub async fn set_gallery(app: &App, id: GalleryId, f: JourneyForm) -> Result<Gallery> {
    // The invitation goes out in the morning of the go-live day; the deadline is the end of
    // its day (both UTC).
    let go_live = day_field("go-live day", &f.go_live, 8)?;
    let deadline = day_field("deadline", &f.deadline, 24)?.map(|ms| ms - 1);
    if let Some(t) = &f.timings {
        check_timings(t)?;
    }
    app.with_db(move |db| {
        let mut g = db.gallery(id)?.ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
        (g.journey.go_live_ms, g.journey.deadline_ms, g.journey.timings) = (go_live, deadline, f.timings);
        db.put_gallery(&g)?;
        Ok(g)
    })
    .await
}

/// The studio's default timings and review link.
pub async fn set_defaults(app: &App, timings: Timings, review_url: Option<String>) -> Result<Studio> {
    check_timings(&timings)?;
    let review_url = review_url.map(|u| u.trim().to_string()).filter(|u| !u.is_empty());
    if let Some(u) = &review_url {
        if !(u.starts_with("https://") || u.starts_with("http://"))
            || u.len() > 500
            || u.contains(char::is_whitespace)
        {
            return Err(AppError::Invalid(format!("“{u}” is not a web address (https://…)")));
        }
    }
    edit_studio(app, move |s| {
        s.journey.timings = timings;
        s.journey.review_url = review_url;
        Ok(())
    })
    .await
}

/// Saves the words of one message after checking its placeholders (`None`: back to the
/// built-in words).
pub async fn set_template(app: &App, a: Automation, t: Option<Template>) -> Result<Studio> {
    if let Some(t) = &t {
        journey::check(a, t).map_err(AppError::Invalid)?;
        if t.subject.len() > 200 || t.body.len() > 10_000 {
            return Err(AppError::Invalid("a subject has at most 200 characters, a message 10,000".into()));
        }
    }
    edit_studio(app, move |s| {
        match t {
            Some(t) => s.journey.templates.insert(a, t),
            None => s.journey.templates.remove(&a),
        };
        Ok(())
    })
    .await
}

async fn edit_studio(
    app: &App,
    change: impl FnOnce(&mut Studio) -> std::result::Result<(), AppError> + Send + 'static,
) -> Result<Studio> {
    let s = app.with_db(move |db| db.update_studio(change)?).await?;
    super::studio::forget(app);
    Ok(s)
}

/// A message as it would go to a client of `gallery` now: to its first client with
/// per-email access, or to an example client when it has none.
pub struct Preview {
    pub automation: Automation,
    pub gallery: Gallery,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub async fn preview(app: &App, a: Automation, gallery: GalleryId) -> Result<Preview> {
    let studio = super::studio::get(app).await?;
    let (base, name, key) = (app.config.base_url.clone(), app.config.studio_name.clone(), app.key);
    app.with_db(move |db| {
        let g = db.gallery(gallery)?.ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
        let now = now_ms();
        let share =
            db.shares(gallery)?.into_iter().find(|s| s.email.is_some() && !s.revoked).unwrap_or_else(|| {
                ShareLink {
                    id: crate::domain::ShareId::new(),
                    gallery,
                    label: "Anna & Tom".into(),
                    token_hash: [0; 32],
                    permissions: Default::default(),
                    password_hash: None,
                    expires_ms: Some(now + 30 * DAY_MS),
                    revoked: false,
                    created_ms: now,
                    ask_identity: false,
                    email: Some("anna@example.com".into()),
                }
            });
        let sent = db.journey_sent(gallery)?;
        let mine: Vec<_> = sent.iter().filter(|s| Some(&s.to) == share.email.as_ref()).collect();
        let f = facts(db, &g, &share, now, &mine)?;
        let m = compose(&Ctx { studio: &studio, base: &base, name: &name, key: &key }, &g, &share, a, &f);
        Ok(Preview { automation: a, gallery: g, to: m.to, subject: m.subject, text: m.text, html: m.html })
    })
    .await
}

/// Notes that the photographer's own invitation went to an e-mail grant, so the journey
/// does not send a second one.
pub(super) async fn invited(app: &App, share: &ShareLink, mail: MailId) -> Result<()> {
    let (g, to) = (share.gallery, share.email.clone());
    if let Some(to) = to {
        app.with_db(move |db| Ok(db.note_journey_sent(g, Automation::Invitation, &to, mail)?)).await?;
    }
    Ok(())
}

/// Whether a gallery's invitations wait for its go-live day.
pub fn scheduled(g: &Gallery) -> Option<u64> {
    g.journey.go_live_ms.filter(|at| *at > now_ms())
}

/// What the photographer sets on a gallery's lifecycle.
pub struct LifecycleForm {
    pub stage: journey::Stage,
    /// `YYYY-MM-DD` or empty: the gallery closes at the end of that day.
    pub expires: String,
    pub archive_finals: bool,
}

pub async fn set_lifecycle(app: &App, id: GalleryId, f: LifecycleForm) -> Result<Gallery> {
    let expires = day_field("closing day", &f.expires, 24)?.map(|ms| ms - 1);
    app.with_db(move |db| {
        let mut g = db.gallery(id)?.ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
        (g.journey.stage, g.journey.expires_ms, g.journey.archive_finals) =
            (f.stage, expires, f.archive_finals);
        db.put_gallery(&g)?;
        Ok(g)
    })
    .await
}

/// How long a gallery reopened in one click stays open.
pub const REOPEN_DAYS: u64 = 30;

/// One click: an expired or archived gallery is live again for `REOPEN_DAYS`, and its
/// clients' expired links with it (a client asked; the photographer said yes).
pub async fn reopen(app: &App, id: GalleryId) -> Result<Gallery> {
    app.with_db(move |db| {
        let mut g = db.gallery(id)?.ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
        let until = now_ms() + REOPEN_DAYS * DAY_MS;
        g.journey.stage = journey::Stage::Live;
        g.journey.expires_ms = Some(until);
        g.journey.reopened_ms = Some(now_ms());
        db.put_gallery(&g)?;
        for mut share in db.shares(id)? {
            if !share.revoked && share.expires_ms.is_some_and(|e| e <= now_ms()) {
                share.expires_ms = Some(until);
                db.put_share(&share)?;
            }
        }
        Ok(g)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsubscribe_tokens_name_their_address_and_cannot_be_forged() {
        let key = [7; 32];
        let t = unsubscribe_token(&key, "Ann@Example.org");
        assert_eq!(unsubscribe_address(&key, &t).as_deref(), Some("ann@example.org"));
        assert_eq!(unsubscribe_address(&[8; 32], &t), None, "another server's key");
        let other = unsubscribe_token(&key, "bob@example.org");
        let forged = format!("{}.{}", t.split_once('.').unwrap().0, other.split_once('.').unwrap().1);
        assert_eq!(unsubscribe_address(&key, &forged), None);
        assert_eq!(unsubscribe_address(&key, "zz.00"), None);
    }
}
