//! `AppState`: everything a request or a job needs, built once in `main` and cloned cheaply.

use std::{sync::Arc, time::Duration};

use crate::{
    app::limits::{HashingGate, Limiter},
    blobs::Blobs,
    config::Config,
    db::Db,
    jobs::Jobs,
};

/// The window every attempt limit counts in.
const LIMIT_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub db: Db,
    pub blobs: Blobs,
    pub jobs: Jobs,
    /// The server's secret: signs media URLs and CSRF tokens. Made once, kept in the database.
    pub key: [u8; 32],
    pub login_limiter: Arc<Limiter>,
    /// Wrong share-link passwords, counted apart from admin logins.
    pub unlock_limiter: Arc<Limiter>,
    /// Requests for e-mail sign-in links, so the form cannot flood someone's inbox.
    pub sign_in_limiter: Arc<Limiter>,
    /// Mails to addresses a visitor typed (selection confirmations), per hour.
    pub mail_limiter: Arc<Limiter>,
    /// At most one password hash per core at a time.
    pub hashing: Arc<HashingGate>,
    /// The studio's settings (logo, watermark), read once and replaced whenever they are
    /// saved, because every client page needs them.
    pub studio: Arc<std::sync::RwLock<Option<crate::domain::Studio>>>,
    /// The last storage health check, reused for a second (`/healthz`).
    pub health: Arc<crate::app::maintenance::HealthCache>,
    /// Hot renditions in memory. They never change (named by hash), so nothing goes stale.
    pub rendition_cache: Arc<crate::app::media_urls::RenditionCache>,
}

impl AppState {
    /// Opens the data directory (creating it on first start) and the store inside it.
    pub fn open(config: Config) -> anyhow::Result<AppState> {
        std::fs::create_dir_all(&config.data_dir)?;
        let db_path = config.data_dir.join("proofroom.redb");
        let db = Db::open(&db_path).map_err(|e| anyhow::anyhow!("{}: {e}", db_path.display()))?;
        let blobs = Blobs::open(&config.data_dir, config.min_free_bytes)?;
        let key_bytes = db.meta_get_or_init("signing_key", crate::app::auth::random_bytes)?;
        let key: [u8; 32] =
            key_bytes.try_into().map_err(|_| anyhow::anyhow!("the stored signing key is corrupt"))?;
        let jobs = Jobs::new(db.clone(), blobs.clone(), &config)?;
        let rendition_cache = crate::app::media_urls::rendition_cache(config.rendition_cache_bytes);
        Ok(AppState {
            config: Arc::new(config),
            db,
            blobs,
            jobs,
            key,
            login_limiter: Arc::new(Limiter::new("failed attempts", LIMIT_WINDOW)),
            unlock_limiter: Arc::new(Limiter::new("failed attempts", LIMIT_WINDOW)),
            sign_in_limiter: Arc::new(Limiter::new("sign-in requests", LIMIT_WINDOW)),
            mail_limiter: Arc::new(Limiter::new("messages", Duration::from_secs(3600))),
            hashing: Arc::new(HashingGate::new(std::thread::available_parallelism().map_or(2, |n| n.get()))),
            studio: Arc::default(),
            health: Arc::default(),
            rendition_cache: Arc::new(rendition_cache),
        })
    }
}
