//! Share links: creating, listing and revoking them, and opening one as a visitor (with the
//! optional password), which gives the browser a visitor session.

use std::net::IpAddr;

use super::{
    AppError, Result,
    auth::{hash_password, new_short_token, password_matches, token_hash},
    blocking, clean_text,
};
use crate::{
    domain::{Gallery, GalleryId, Permissions, ShareId, ShareLink, ShareRefusal, Visitor, VisitorId, now_ms},
    state::AppState,
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
}

/// A new link with its URL, which exists only now: the token is stored hashed.
pub struct CreatedShare {
    pub share: ShareLink,
    pub url: String,
    /// Where the invitation went, if one was asked for.
    pub invited: Option<String>,
}

pub async fn create(state: &AppState, gallery: GalleryId, new: NewShare) -> Result<CreatedShare> {
    let label = clean_text("the link's name", &new.label, 100)?;
    let password = new.password.filter(|p| !p.is_empty());
    let invite = new.invite.map(|e| e.trim().to_string()).filter(|e| !e.is_empty());
    if let Some(e) = &invite {
        // Checked before the link exists, so a typo leaves nothing behind.
        if !crate::mail::valid_address(e) {
            return Err(AppError::Invalid(format!("“{e}” is not an e-mail address")));
        }
    }
    let gallery_record = super::galleries::get(state, gallery).await?;
    if let Some(s) = new.expires_in_s {
        if s == 0 || s > 3650 * 86_400 {
            return Err(AppError::Invalid("a link can expire from 1 second to 10 years from now".into()));
        }
    }
    let token = new_short_token();
    let db = state.db.clone();
    let (share, token) = blocking(move || {
        let now = now_ms();
        let share = ShareLink {
            id: ShareId::new(),
            gallery,
            label,
            token_hash: token_hash(&token),
            permissions: new.permissions,
            password_hash: password.as_deref().map(hash_password).transpose()?,
            expires_ms: new.expires_in_s.map(|s| now + s * 1000),
            revoked: false,
            created_ms: now,
            ask_identity: new.ask_identity,
        };
        db.put_share(&share)?;
        Ok((share, token))
    })
    .await?;
    let url = format!("{}/g/{}", state.config.base_url, token);
    let invited = match invite {
        Some(to) => {
            let has_password = share.password_hash.is_some();
            Some(super::notify::invite(state, &to, &gallery_record, &url, has_password).await?.to)
        }
        None => None,
    };
    Ok(CreatedShare { share, url, invited })
}

pub async fn list(state: &AppState, gallery: GalleryId) -> Result<Vec<ShareLink>> {
    let db = state.db.clone();
    blocking(move || Ok(db.shares(gallery)?)).await
}

/// Revokes a link at once: its visitors' next request is refused.
pub async fn revoke(state: &AppState, id: ShareId) -> Result<ShareLink> {
    let db = state.db.clone();
    blocking(move || {
        let mut s = db.share(id)?.ok_or_else(|| AppError::NotFound("no such link".into()))?;
        s.revoked = true;
        db.put_share(&s)?;
        Ok(s)
    })
    .await
}

/// Finds the link behind a URL token and its gallery, refusing revoked and expired links
/// with a message the visitor can act on.
pub async fn resolve(state: &AppState, token: &str) -> Result<(ShareLink, Gallery)> {
    let db = state.db.clone();
    let h = token_hash(token);
    blocking(move || {
        let not_found = || AppError::NotFound("This link does not lead to a gallery. Check that it was copied whole, or ask your photographer for a new one.".into());
        let share = db.share_by_token(&h)?.ok_or_else(not_found)?;
        match share.refusal(now_ms()) {
            Some(ShareRefusal::Revoked) => {
                return Err(AppError::Gone("This gallery link has been turned off by the photographer. Ask them for a new one.".into()));
            }
            Some(ShareRefusal::Expired) => {
                return Err(AppError::Gone("This gallery link has expired. Ask your photographer to extend it.".into()));
            }
            None => {}
        }
        let gallery = db.gallery(share.gallery)?.ok_or_else(not_found)?;
        Ok((share, gallery))
    })
    .await
}

/// The visitor behind a session cookie, if it belongs to this link.
pub async fn visitor(state: &AppState, share: &ShareLink, session: Option<&str>) -> Result<Option<Visitor>> {
    let Some(session) = session else { return Ok(None) };
    let db = state.db.clone();
    let h = token_hash(session);
    let share_id = share.id;
    blocking(move || Ok(db.visitor_by_session(&h)?.filter(|v| v.share == share_id))).await
}

/// Starts a visit on a link without a password: a new visitor and its session token.
pub async fn start_visit(state: &AppState, share: &ShareLink) -> Result<(Visitor, String)> {
    if share.password_hash.is_some() {
        return Err(AppError::Unauthorized("This gallery needs its password.".into()));
    }
    new_visitor(state, share).await
}

/// Checks a link's password (attempts limited per address) and starts a visit.
pub async fn unlock(
    state: &AppState,
    ip: IpAddr,
    share: &ShareLink,
    password: &str,
) -> Result<(Visitor, String)> {
    let Some(stored) = share.password_hash.clone() else { return new_visitor(state, share).await };
    state.unlock_limiter.check(ip)?;
    let password = password.to_string();
    if !blocking(move || password_matches(&stored, &password)).await? {
        state.unlock_limiter.fail(ip);
        return Err(AppError::Unauthorized(
            "That password is not right. Check it with your photographer.".into(),
        ));
    }
    new_visitor(state, share).await
}

async fn new_visitor(state: &AppState, share: &ShareLink) -> Result<(Visitor, String)> {
    let token = super::auth::new_token();
    let h = token_hash(&token);
    let now = now_ms();
    let v = Visitor {
        id: VisitorId::new(),
        share: share.id,
        gallery: share.gallery,
        name: None,
        email: None,
        created_ms: now,
        last_seen_ms: now,
    };
    let db = state.db.clone();
    let rec = v.clone();
    blocking(move || Ok(db.put_visitor(&rec, Some(&h))?)).await?;
    Ok((v, token))
}

/// Whether `set` is the shared gallery or nested inside it (nested galleries inherit access).
pub async fn covers(state: &AppState, share: &ShareLink, set: GalleryId) -> Result<bool> {
    let db = state.db.clone();
    let root = share.gallery;
    blocking(move || Ok(db.is_ancestor(root, set)?)).await
}

/// The visitor tells who they are (asked on entry by some links).
pub async fn identify(state: &AppState, visitor: &Visitor, name: &str, email: &str) -> Result<Visitor> {
    let name = clean_text("your name", name, 100)?;
    let email = email.trim();
    if !email.is_empty() && (email.len() > 254 || !crate::mail::valid_address(email) || email.contains('<')) {
        return Err(AppError::Invalid(format!("“{email}” does not look like an e-mail address")));
    }
    let mut v = visitor.clone();
    v.name = Some(name);
    v.email = (!email.is_empty()).then(|| email.to_string());
    let db = state.db.clone();
    let rec = v.clone();
    blocking(move || Ok(db.put_visitor(&rec, None)?)).await?;
    Ok(v)
}
