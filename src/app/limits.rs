//! Limits on attempts worth limiting: wrong passwords, sign-in mails, confirmation mails.
//!
//! An attempt is recorded under several keys at once (the client's address, and the
//! account, link or e-mail address it aims at), each with its own maximum, and it is
//! recorded *before* the work it guards (a password hash): a burst of concurrent guesses
//! cannot all pass a check made before any of them failed. A successful attempt is then
//! forgiven, so a right password never counts against anyone.
//!
//! Keys by address let a stranger slow only themselves; keys by account or link bound what
//! many addresses together can do. Behind a reverse proxy the address is the real client's
//! only when `trusted_proxies` names the proxy (see `web::client_ip`).

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

use super::{AppError, Result};

/// One key an attempt counts against, and how many attempts it allows per window.
pub struct Key {
    name: String,
    max: usize,
}

impl Key {
    pub fn new(name: impl Into<String>, max: usize) -> Self {
        Key { name: name.into(), max }
    }

    /// The key for a client address. IPv6 clients are keyed by their /64, which is what one
    /// household or server gets: otherwise one machine would have 2^64 fresh keys.
    pub fn addr(ip: IpAddr, max: usize) -> Self {
        let ip = match ip {
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
            v4 => v4,
        };
        Key::new(format!("addr {ip}"), max)
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// What `record` noted, to be forgiven if the attempt succeeds.
pub struct Recorded {
    keys: Vec<String>,
    at: Instant,
}

pub struct Limiter {
    hits: Mutex<HashMap<String, Vec<Instant>>>,
    window: Duration,
    /// What is refused, for the message: "failed attempts", "sign-in requests".
    what: &'static str,
}

/// Past this many keys the map is swept of expired ones, so strangers cannot grow it.
const SWEEP_AT: usize = 10_000;

impl Limiter {
    pub fn new(what: &'static str, window: Duration) -> Self {
        Limiter { hits: Mutex::default(), window, what }
    }

    /// Records an attempt under every key, or none and refuses when any key has had its
    /// maximum within the window.
    pub fn record(&self, keys: &[Key]) -> Result<Recorded> {
        let mut map = self.hits.lock().map_err(|_| AppError::Internal("limiter lock".into()))?;
        let window = self.window;
        if map.len() > SWEEP_AT {
            map.retain(|_, hits| {
                hits.retain(|t| t.elapsed() < window);
                !hits.is_empty()
            });
        }
        let mut wait: Option<Duration> = None;
        for k in keys {
            let hits = map.entry(k.name.clone()).or_default();
            hits.retain(|t| t.elapsed() < window);
            if hits.len() >= k.max {
                let free_in = hits.first().map_or(window, |t| window.saturating_sub(t.elapsed()));
                wait = Some(wait.map_or(free_in, |w| w.max(free_in)));
            }
        }
        if let Some(wait) = wait {
            let minutes = wait.as_secs() / 60 + 1;
            return Err(AppError::RateLimited(format!(
                "Too many {}. Try again in {minutes} minute{}.",
                self.what,
                if minutes == 1 { "" } else { "s" }
            )));
        }
        let at = Instant::now();
        for k in keys {
            map.entry(k.name.clone()).or_default().push(at);
        }
        Ok(Recorded { keys: keys.iter().map(|k| k.name.clone()).collect(), at })
    }

    /// Takes a recorded attempt back (it succeeded).
    pub fn forgive(&self, rec: Recorded) {
        if let Ok(mut map) = self.hits.lock() {
            for k in rec.keys {
                if let Some(hits) = map.get_mut(&k) {
                    if let Some(i) = hits.iter().position(|t| *t == rec.at) {
                        hits.remove(i);
                    }
                }
            }
        }
    }
}

/// A bound on password hashes computed at once. argon2 takes ~19 MiB and a core for a
/// fraction of a second per hash: hundreds of concurrent logins must queue, not allocate
/// gigabytes. A request that waits too long is told to try again.
pub struct HashingGate {
    permits: tokio::sync::Semaphore,
}

const HASH_WAIT: Duration = Duration::from_secs(10);

impl HashingGate {
    pub fn new(at_once: usize) -> Self {
        HashingGate { permits: tokio::sync::Semaphore::new(at_once.max(1)) }
    }

    /// Runs `f` (a password hash or check) on a blocking thread once a permit is free.
    pub async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
        let permit = tokio::time::timeout(HASH_WAIT, self.permits.acquire())
            .await
            .map_err(|_| AppError::Unavailable("The server is busy. Please try again in a minute.".into()))?
            .map_err(|_| AppError::Internal("hashing gate closed".into()))?;
        let out = super::blocking(f).await;
        drop(permit);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_keys_or_none_and_success_is_forgiven() {
        let l = Limiter::new("failed attempts", Duration::from_secs(60));
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        for _ in 0..5 {
            l.record(&[Key::addr(ip, 5), Key::new("account", 8)]).unwrap();
        }
        assert!(matches!(
            l.record(&[Key::addr(ip, 5), Key::new("account", 8)]),
            Err(AppError::RateLimited(_))
        ));
        // The refused attempt recorded nothing: three more from elsewhere fill the account.
        let other: IpAddr = "198.51.100.7".parse().unwrap();
        for _ in 0..3 {
            l.record(&[Key::addr(other, 5), Key::new("account", 8)]).unwrap();
        }
        assert!(l.record(&[Key::addr(other, 5), Key::new("account", 8)]).is_err());
        // A success is taken back.
        let l = Limiter::new("failed attempts", Duration::from_secs(60));
        for _ in 0..10 {
            let r = l.record(&[Key::addr(ip, 1)]).unwrap();
            l.forgive(r);
        }
    }

    #[test]
    fn ipv6_clients_share_their_64() {
        let a = Key::addr("2001:db8:1:2::1".parse().unwrap(), 1).name;
        let b = Key::addr("2001:db8:1:2:ffff::9".parse().unwrap(), 1).name;
        let c = Key::addr("2001:db8:1:3::1".parse().unwrap(), 1).name;
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(Key::addr("::ffff:192.0.2.1".parse().unwrap(), 1).name, "addr 192.0.2.1");
    }
}
