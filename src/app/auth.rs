//! The photographer's login: first-run setup link, argon2 password, sessions, CSRF tokens,
//! a limit on failed logins, and API tokens for scripts.

use std::net::IpAddr;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};

use super::{App, AppError, Result, limits::Key};
use crate::domain::{ApiToken, Session, now_ms};

const SESSION_TTL_MS: u64 = 30 * 24 * 3600 * 1000;
const PASSWORD_KEY: &str = "admin_password";
const SETUP_KEY: &str = "setup_token";
/// Failed logins allowed per client address within the limiter's window (15 minutes).
const MAX_FAILURES: usize = 5;
/// Failed logins allowed from all addresses together, except from devices that signed in
/// before (see `device_token`): enough that a few strangers do not lock the photographer
/// out, few enough that a crowd of addresses cannot guess for long.
const MAX_ACCOUNT_FAILURES: usize = 30;

/// 32 bytes from the OS RNG. The OS RNG failing is not something to carry on from.
pub fn random_bytes() -> Vec<u8> {
    let mut b = vec![0u8; 32];
    if let Err(e) = getrandom::fill(&mut b) {
        panic!("the operating system's random number generator failed: {e}");
    }
    b
}

/// A fresh secret token (256 bits, hex).
pub fn new_token() -> String {
    hex::encode(random_bytes())
}

/// A fresh random value for a browser cookie (the pre-login CSRF binding).
pub fn new_browser_token() -> String {
    new_token()
}

/// A fresh 128-bit token for URLs (32 hex characters).
pub(super) fn new_short_token() -> String {
    hex::encode(&random_bytes()[..16])
}

/// Whether `password` matches an argon2 hash made by `hash_password`.
pub(super) fn password_matches(stored: &str, password: &str) -> Result<bool> {
    let parsed = PasswordHash::new(stored).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

pub(super) fn token_hash(token: &str) -> [u8; 32] {
    *blake3::hash(token.as_bytes()).as_bytes()
}

/// The CSRF token that goes with a session (or a pre-login cookie): a MAC of it, so it needs
/// no storage and cannot be guessed without the server's key.
pub fn csrf_token(state: &App, bound_to: &str) -> String {
    let mut input = b"csrf\0".to_vec();
    input.extend_from_slice(bound_to.as_bytes());
    blake3::keyed_hash(&state.key, &input).to_hex()[..32].to_string()
}

pub fn csrf_ok(state: &App, bound_to: &str, given: &str) -> bool {
    // Compare MACs of both sides so the comparison time says nothing about the token.
    let expected = csrf_token(state, bound_to);
    blake3::hash(expected.as_bytes()) == blake3::hash(given.as_bytes())
}

pub(super) fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < 8 {
        return Err(AppError::Invalid("the password must be at least 8 characters long".into()));
    }
    if password.len() > 1024 {
        return Err(AppError::Invalid("the password must be at most 1024 bytes long".into()));
    }
    let salt =
        SaltString::encode_b64(&random_bytes()[..16]).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Sets the admin password and signs every session out.
pub async fn set_password(state: &App, password: &str) -> Result<()> {
    let password = password.to_string();
    let hash = state.hashing.run(move || hash_password(&password)).await?;
    state
        .with_db(move |db| {
            db.meta_set(PASSWORD_KEY, hash.as_bytes())?;
            db.meta_remove(SETUP_KEY)?;
            db.prune_sessions(now_ms(), true)?;
            Ok(())
        })
        .await
}

/// While no password is set, makes a new one-time setup link (replacing any older one).
pub async fn setup_link(state: &App) -> Result<Option<String>> {
    let base = state.config.base_url.clone();
    state
        .with_db(move |db| {
            if db.meta_get(PASSWORD_KEY)?.is_some() {
                return Ok(None);
            }
            let token = new_token();
            db.meta_set(SETUP_KEY, &token_hash(&token))?;
            Ok(Some(format!("{base}/admin/setup/{token}")))
        })
        .await
}

pub async fn setup_token_valid(state: &App, token: &str) -> Result<bool> {
    let h = token_hash(token);
    state.with_db(move |db| Ok(db.meta_get(SETUP_KEY)?.is_some_and(|v| v == h))).await
}

/// Uses the setup link: sets the first password and opens a session.
pub async fn complete_setup(state: &App, token: &str, password: &str) -> Result<String> {
    if !setup_token_valid(state, token).await? {
        return Err(AppError::Forbidden("this setup link was already used or replaced; restart proofroom for a new one, or run `proofroom admin set-password`".into()));
    }
    set_password(state, password).await?;
    new_session(state).await
}

/// Checks the password and opens a session. Attempts are limited per client address and,
/// for devices that never signed in, for the account as a whole; each is recorded before
/// the hash is checked, and forgiven when the password is right.
pub async fn login(state: &App, ip: IpAddr, known_device: bool, password: &str) -> Result<String> {
    let mut keys = vec![Key::addr(ip, MAX_FAILURES)];
    if !known_device {
        keys.push(Key::new("account", MAX_ACCOUNT_FAILURES));
    }
    let attempt = state.login_limiter.record(&keys)?;
    let db = state.db.clone();
    let password = password.to_string();
    let ok = state
        .hashing
        .run(move || {
            let Some(stored) = db.meta_get(PASSWORD_KEY)? else {
                return Ok(false);
            };
            let stored =
                String::from_utf8(stored).map_err(|_| AppError::Internal("stored password hash".into()))?;
            password_matches(&stored, &password)
        })
        .await?;
    if !ok {
        return Err(AppError::Unauthorized("That password is not right.".into()));
    }
    state.login_limiter.forgive(attempt);
    new_session(state).await
}

/// A token for the "this device has signed in before" cookie: random, with a MAC so it
/// cannot be made up. Such a device is not held back by the account-wide login limit.
pub fn device_token(state: &App) -> String {
    let id = hex::encode(&random_bytes()[..16]);
    format!("{id}.{}", device_mac(state, &id))
}

pub fn known_device(state: &App, token: Option<&str>) -> bool {
    token.and_then(|t| t.split_once('.')).is_some_and(|(id, mac)| {
        blake3::hash(device_mac(state, id).as_bytes()) == blake3::hash(mac.as_bytes())
    })
}

fn device_mac(state: &App, id: &str) -> String {
    blake3::keyed_hash(&state.key, format!("device\0{id}").as_bytes()).to_hex()[..32].to_string()
}

async fn new_session(state: &App) -> Result<String> {
    let token = new_token();
    let h = token_hash(&token);
    state
        .with_db(move |db| {
            let now = now_ms();
            db.prune_sessions(now, false)?;
            db.put_session(&h, &Session { created_ms: now, expires_ms: now + SESSION_TTL_MS })?;
            Ok(())
        })
        .await?;
    Ok(token)
}

pub async fn session_valid(state: &App, token: &str) -> Result<bool> {
    let h = token_hash(token);
    state.with_db(move |db| Ok(db.session(&h)?.is_some_and(|s| s.expires_ms > now_ms()))).await
}

pub async fn logout(state: &App, token: &str) -> Result<()> {
    let h = token_hash(token);
    state.with_db(move |db| Ok(db.remove_session(&h)?)).await
}

/// Makes an API token; only its hash is kept, so this is the one time it is seen.
pub async fn create_api_token(state: &App, name: &str) -> Result<String> {
    let name = super::clean_text("token name", name, 100)?;
    let token = format!("pr_{}", new_token());
    let h = token_hash(&token);
    state.with_db(move |db| Ok(db.put_api_token(&h, &ApiToken { name, created_ms: now_ms() })?)).await?;
    Ok(token)
}

pub async fn check_api_token(state: &App, token: &str) -> Result<ApiToken> {
    let h = token_hash(token);
    state
        .with_db(move |db| {
            db.api_token(&h)?.ok_or_else(|| AppError::Unauthorized("the API token is not valid".into()))
        })
        .await
}

/// An API token as the photographer sees it: never the secret, only its name and a handle.
pub struct TokenInfo {
    /// The hex blake3 hash of the token: safe to show, names it for revocation.
    pub id: String,
    pub name: String,
    pub created_ms: u64,
}

pub async fn list_api_tokens(state: &App) -> Result<Vec<TokenInfo>> {
    state
        .with_db(move |db| {
            Ok(db
                .api_tokens()?
                .into_iter()
                .map(|(h, t)| TokenInfo { id: hex::encode(h), name: t.name, created_ms: t.created_ms })
                .collect())
        })
        .await
}

pub async fn revoke_api_token(state: &App, id: &str) -> Result<()> {
    let mut h = [0u8; 32];
    hex::decode_to_slice(id, &mut h).map_err(|_| AppError::NotFound("no such token".into()))?;
    state
        .with_db(move |db| match db.remove_api_token(&h)? {
            true => Ok(()),
            false => Err(AppError::NotFound("no such token".into())),
        })
        .await
}
