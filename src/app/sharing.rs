//! Share links: creating, listing and revoking them, and opening one as a visitor (with the
//! optional password), which gives the browser a visitor session.

use std::net::IpAddr;

use super::{
    App, AppError, Result,
    auth::{hash_password, new_short_token, password_matches, token_hash},
    clean_text,
    limits::Key,
};
use crate::{
    domain::{
        ActivityKind, Gallery, GalleryId, MAGIC_LINK_TTL_MS, MagicLink, Permissions, ShareId, ShareLink,
        Visitor, VisitorId, now_ms,
    },
    mail::templates,
};

/// What the photographer asks for when making a link.
pub struct NewShare {
    pub label: String,
    pub permissions: Permissions,
    pub password: Option<String>,
    /// How long the link works, in seconds from now.
    pub expires_in_s: Option<u64>,
    pub ask_identity: bool,
    /// E-mail the link to this address.
    pub invite: Option<String>,
    /// Per-email access: only the `invite` address opens the gallery, by one-time sign-in
    /// links sent to it.
    pub email_only: bool,
}

/// A new link with its URL, which exists only now: the token is stored hashed.
pub struct CreatedShare {
    pub share: ShareLink,
    /// The gallery it opens.
    pub gallery: Gallery,
    pub url: String,
    /// Where the invitation went, if one was asked for.
    pub invited: Option<String>,
    /// When the journey sends the invitation instead (the gallery goes live later).
    pub invite_on: Option<u64>,
}

pub async fn create(state: &App, gallery: GalleryId, new: NewShare) -> Result<CreatedShare> {
    let label = clean_text("the link's name", &new.label, 100)?;
    let password = new.password.filter(|p| !p.is_empty());
    let invite = new.invite.map(|e| e.trim().to_string()).filter(|e| !e.is_empty());
    if let Some(e) = &invite {
        // Checked before the link exists, so a typo leaves nothing behind.
        if !crate::mail::valid_address(e) {
            return Err(AppError::Invalid(format!("“{e}” is not an e-mail address")));
        }
    }
    if new.email_only && invite.is_none() {
        return Err(AppError::Invalid("give the e-mail address that may open this gallery".into()));
    }
    if new.email_only && password.is_some() {
        return Err(AppError::Invalid(
            "a link for one e-mail address needs no password: its sign-in links go to that address only"
                .into(),
        ));
    }
    let gallery_record = state.gallery(gallery).await?;
    if let Some(s) = new.expires_in_s {
        if s == 0 || s > 3650 * 86_400 {
            return Err(AppError::Invalid("a link can expire from 1 second to 10 years from now".into()));
        }
    }
    // An e-mail grant's token is never shown to anyone: its door is its id, and only a
    // sign-in link opens it. Drawing one anyway keeps every share in the token index alike.
    let token = new_short_token();
    let email = invite.as_ref().filter(|_| new.email_only).map(|e| e.to_lowercase());
    // Through the hashing gate like every other argon2 hash.
    let password_hash = match password {
        Some(p) => Some(state.hashing.run(move || hash_password(&p)).await?),
        None => None,
    };
    let (share, token) = state
        .with_db(move |db| {
            let now = now_ms();
            let share = ShareLink {
                id: ShareId::new(),
                gallery,
                label,
                token_hash: token_hash(&token),
                permissions: new.permissions,
                password_hash,
                expires_ms: new.expires_in_s.map(|s| now + s * 1000),
                revoked: false,
                created_ms: now,
                ask_identity: new.ask_identity && email.is_none(),
                email,
            };
            db.put_share(&share)?;
            Ok((share, token))
        })
        .await?;
    let url = match share.email {
        Some(_) => format!("{}/g/{}", state.config.base_url, share.id),
        None => format!("{}/g/{}", state.config.base_url, token),
    };
    // A gallery that goes live later invites its e-mail clients on that day (the journey).
    let invite_on = share.email.as_ref().and_then(|_| super::journey::scheduled(&gallery_record));
    let invited = match invite.filter(|_| invite_on.is_none()) {
        Some(to) => {
            let how = match (&share.email, &share.password_hash) {
                (Some(_), _) => templates::Entry::SignIn,
                (None, Some(_)) => templates::Entry::Password,
                (None, None) => templates::Entry::Link,
            };
            let mail = super::notify::invite(state, &to, &gallery_record, &url, how).await?;
            super::journey::invited(state, &share, mail.id).await?;
            Some(mail.to)
        }
        None => None,
    };
    Ok(CreatedShare { share, url, invited, invite_on, gallery: gallery_record })
}

pub async fn list(state: &App, gallery: GalleryId) -> Result<Vec<ShareLink>> {
    state.with_db(move |db| Ok(db.shares(gallery)?)).await
}

/// Revokes a link at once: its visitors' next request is refused.
pub async fn revoke(state: &App, id: ShareId) -> Result<ShareLink> {
    state
        .with_db(move |db| {
            let mut s = db.share(id)?.ok_or_else(|| AppError::NotFound("no such link".into()))?;
            s.revoked = true;
            db.put_share(&s)?;
            Ok(s)
        })
        .await
}

/// Finds the share behind a URL key and its gallery, refusing revoked and expired links
/// with a message the visitor can act on. The key is a link's secret token, or the id of
/// an e-mail grant (which opens nothing by itself: its visitors sign in by e-mail).
pub async fn resolve(state: &App, key: &str) -> Result<(ShareLink, Gallery)> {
    let key = key.to_string();
    state.with_db(move |db| super::visit::resolve_in(db, &key)).await
}

/// Wrong passwords one address may try on one link, on all links, and all addresses
/// together on one link, per 15 minutes.
const UNLOCK_MAX_PER_LINK: usize = 5;
const UNLOCK_MAX_PER_ADDR: usize = 20;
const UNLOCK_MAX_LINK: usize = 100;
/// Sign-in mails per 15 minutes: per requesting address, and per e-mail address.
const SIGN_IN_MAX_PER_ADDR: usize = 5;
const SIGN_IN_MAX_PER_EMAIL: usize = 5;

/// Checks a link's password (attempts limited, see the constants) and starts a visit.
pub async fn unlock(state: &App, ip: IpAddr, share: &ShareLink, password: &str) -> Result<(Visitor, String)> {
    if share.email.is_some() {
        return Err(AppError::Unauthorized("This gallery opens with a sign-in link sent by e-mail.".into()));
    }
    let Some(stored) = share.password_hash.clone() else { return new_visitor(state, share).await };
    // Per address on this link, per address on all links, and per link from everywhere:
    // a stranger guessing one link slows themselves, not the link's other clients.
    let keys = [
        Key::new(format!("{} on {}", Key::addr(ip, 0).name(), share.id), UNLOCK_MAX_PER_LINK),
        Key::addr(ip, UNLOCK_MAX_PER_ADDR),
        Key::new(format!("link {}", share.id), UNLOCK_MAX_LINK),
    ];
    let attempt = state.unlock_limiter.record(&keys)?;
    let password = password.to_string();
    if !state.hashing.run(move || password_matches(&stored, &password)).await? {
        return Err(AppError::Unauthorized(
            "That password is not right. Check it with your photographer.".into(),
        ));
    }
    state.unlock_limiter.forgive(attempt);
    new_visitor(state, share).await
}

async fn new_visitor(state: &App, share: &ShareLink) -> Result<(Visitor, String)> {
    let token = super::auth::new_token();
    let h = token_hash(&token);
    let now = now_ms();
    let share = share.clone();
    let v = state
        .with_db(move |db| {
            // An e-mail grant is one person: a second device joins the same visitor.
            let existing = match share.email {
                Some(_) => db.visitor_of_share(&share)?,
                None => None,
            };
            let v = existing.unwrap_or_else(|| Visitor {
                id: VisitorId::new(),
                share: share.id,
                gallery: share.gallery,
                name: share.email.as_ref().map(|_| share.label.clone()),
                email: share.email.clone(),
                created_ms: now,
                last_seen_ms: now,
            });
            db.put_visitor(&v, Some(&h))?;
            Ok(v)
        })
        .await?;
    Ok((v, token))
}

/// Someone asks to sign in with `email`: every open e-mail grant for that address (or just
/// `only`, from a gallery's own door) gets a one-time link, all in one message. Whether or
/// not the address has access, the answer is the same, so nobody learns who is a client.
/// Requests are limited per network address and per e-mail address, so the form cannot be
/// used to flood someone's inbox.
pub async fn request_sign_in(state: &App, ip: IpAddr, email: &str, only: Option<ShareId>) -> Result<()> {
    let email = email.trim().to_lowercase();
    if email.len() > 254 || !crate::mail::valid_address(&email) {
        return Err(AppError::Invalid(format!("“{email}” does not look like an e-mail address")));
    }
    state.sign_in_limiter.record(&[
        Key::addr(ip, SIGN_IN_MAX_PER_ADDR),
        Key::new(format!("email {email}"), SIGN_IN_MAX_PER_EMAIL),
    ])?;
    let base = state.config.base_url.clone();
    let key = email.clone();
    let links = state
        .with_db(move |db| {
            let now = now_ms();
            let mut links = Vec::new();
            for share in db.grants_for(&key)? {
                if share.refusal(now).is_some() || only.is_some_and(|o| o != share.id) {
                    continue;
                }
                let Some(gallery) = db.gallery(share.gallery)? else { continue };
                let code = new_short_token();
                db.put_magic_link(
                    &token_hash(&code),
                    &MagicLink { share: share.id, expires_ms: now + MAGIC_LINK_TTL_MS },
                )?;
                links.push((gallery.title, format!("{base}/g/{}/enter/{code}", share.id)));
            }
            Ok(links)
        })
        .await?;
    if !links.is_empty() {
        super::notify::sign_in(state, &email, &links).await?;
    }
    Ok(())
}

/// Whether a sign-in link is unused and unexpired, without using it.
pub async fn magic_link_usable(state: &App, share: &ShareLink, code: &str) -> Result<bool> {
    let h = token_hash(code);
    let id = share.id;
    state
        .with_db(move |db| Ok(db.magic_link(&h)?.is_some_and(|m| m.share == id && m.expires_ms > now_ms())))
        .await
}

/// Uses a sign-in link (once) and opens a session for the grant's visitor.
pub async fn enter(state: &App, share: &ShareLink, code: &str) -> Result<(Visitor, String)> {
    let h = token_hash(code);
    let id = share.id;
    let taken = state.with_db(move |db| Ok(db.take_magic_link(&h, id)?)).await?;
    match taken {
        Some(m) if m.share == share.id && m.expires_ms > now_ms() => new_visitor(state, share).await,
        _ => Err(used_link()),
    }
}

/// Why a sign-in link opens nothing, with what to do.
pub fn used_link() -> AppError {
    AppError::Gone(
        "This sign-in link has been used already or is too old. Ask for a new one: it arrives in a minute."
            .into(),
    )
}

/// The visitor tells who they are, on links that ask. Other links take no name or address:
/// an address typed there would be one nobody asked for, and mail could be aimed at it.
pub(super) async fn identify(
    state: &App,
    share: &ShareLink,
    visitor: &Visitor,
    name: &str,
    email: &str,
) -> Result<Visitor> {
    if !share.ask_identity {
        return Err(AppError::NotFound("This gallery link does not ask who you are.".into()));
    }
    let name = clean_text("your name", name, 100)?;
    let email = email.trim();
    if !email.is_empty() && (email.len() > 254 || !crate::mail::valid_address(email) || email.contains('<')) {
        return Err(AppError::Invalid(format!("“{email}” does not look like an e-mail address")));
    }
    let mut v = visitor.clone();
    v.name = Some(name);
    v.email = (!email.is_empty()).then(|| email.to_string());
    let rec = v.clone();
    state.with_db(move |db| Ok(db.put_visitor(&rec, None)?)).await?;
    Ok(v)
}

/// Requests to reopen an ended link per 15 minutes: per requesting address, and per link.
const REOPEN_MAX_PER_ADDR: usize = 5;
const REOPEN_MAX_PER_LINK: usize = 3;

/// A client whose link has ended (expired, or turned off) asks the photographer to open it
/// again: the photographer gets a message with the client's address to answer and a link to
/// the gallery's sharing page. Only an ended link can ask, and the asking is limited per
/// address and per link, so the form cannot be used to flood the photographer's inbox.
pub async fn ask_to_reopen(state: &App, ip: IpAddr, key: &str, email: &str, note: &str) -> Result<()> {
    let email = email.trim().to_lowercase();
    if email.len() > 254 || !crate::mail::valid_address(&email) {
        return Err(AppError::Invalid(format!(
            "“{email}” does not look like an e-mail address; your photographer needs it to answer you"
        )));
    }
    let note = match note.trim() {
        "" => None,
        n => Some(super::proofing::clean_multiline("your message", n, 2000)?),
    };
    let k = key.to_string();
    let (share, gallery) = state
        .with_db(move |db| match super::visit::resolve_in(db, &k) {
            // An open link has nothing to reopen.
            Ok(_) => Err(AppError::Invalid("This link is open: there is nothing to reopen.".into())),
            Err(AppError::Gone(_)) => {
                let share = match k.parse::<ShareId>() {
                    Ok(id) => db.share(id)?,
                    Err(_) => db.share_by_token(&token_hash(&k))?,
                };
                let share = share.ok_or_else(|| AppError::NotFound("no such link".into()))?;
                let gallery =
                    db.gallery(share.gallery)?.ok_or_else(|| AppError::NotFound("no such gallery".into()))?;
                Ok((share, gallery))
            }
            Err(e) => Err(e),
        })
        .await?;
    state.sign_in_limiter.record(&[
        Key::new(format!("reopen {}", Key::addr(ip, 0).name()), REOPEN_MAX_PER_ADDR),
        Key::new(format!("reopen {}", share.id), REOPEN_MAX_PER_LINK),
    ])?;
    let ended = match (share.refusal(now_ms()), gallery.journey.lifecycle(now_ms())) {
        (Some(crate::domain::ShareRefusal::Revoked), _) => templates::Ended::TurnedOff,
        (Some(_), _) => templates::Ended::Expired { at_ms: share.expires_ms.unwrap_or_default() },
        // The link is fine; the gallery itself closed.
        (None, crate::domain::journey::Lifecycle::Expired(at)) => templates::Ended::Expired { at_ms: at },
        (None, _) => templates::Ended::TurnedOff,
    };
    let admin_url = format!("{}/admin/galleries/{}/journey", state.config.base_url, gallery.id);
    let who = share.email.clone().unwrap_or_else(|| share.label.clone());
    let asked = templates::ReopenAsked {
        gallery: &gallery.title,
        link: &who,
        ended,
        from: &email,
        note: note.as_deref(),
    };
    let content = templates::reopen_asked(&state.config.studio_name, &asked, &admin_url);
    super::notify::queue(state, &state.config.mail.notify, content, None).await?;
    // For the dashboard's "needs attention" until the gallery is reopened.
    let asker = state
        .with_db(move |db| Ok(db.visitor_of_share(&share)?))
        .await?
        .map_or_else(VisitorId::new, |v| v.id);
    super::activity::log(state, gallery.id, asker, ActivityKind::ReopenAsked { from: email.clone() }).await;
    tracing::info!("a client asked to reopen an ended link");
    Ok(())
}
