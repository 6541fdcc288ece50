//! `App`: the one value that owns what the use cases need (the database, the blobs, the job
//! handle, the limiters and caches, the configuration), built once in `main` and cloned
//! cheaply. Its fields are private to `app/`: the web layer reaches the data only through
//! use cases, never by opening the database itself.

use std::{sync::Arc, time::Duration};

use super::{
    AppError, Result,
    digests::Composer,
    limits::{HashingGate, Limiter},
};
use crate::{
    blobs::Blobs,
    config::Config,
    db::Db,
    jobs::{Jobs, Workers},
    mail::Mailer,
    media::Limits,
};

/// The window every attempt limit counts in.
const LIMIT_WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Clone)]
pub struct App {
    pub(super) config: Arc<Config>,
    pub(super) db: Db,
    pub(super) blobs: Blobs,
    pub(super) jobs: Jobs,
    /// The server's secret: signs media URLs and CSRF tokens. Made once, kept in the database.
    pub(super) key: [u8; 32],
    pub(super) login_limiter: Arc<Limiter>,
    /// Wrong share-link passwords, counted apart from admin logins.
    pub(super) unlock_limiter: Arc<Limiter>,
    /// Requests for e-mail sign-in links, so the form cannot flood someone's inbox.
    pub(super) sign_in_limiter: Arc<Limiter>,
    /// Mails to addresses a visitor typed (selection confirmations), per hour.
    pub(super) mail_limiter: Arc<Limiter>,
    /// At most one password hash per core at a time.
    pub(super) hashing: Arc<HashingGate>,
    /// The studio's settings (logo, watermark), read once and replaced whenever they are
    /// saved, because every client page needs them.
    pub(super) studio: Arc<std::sync::RwLock<Option<crate::domain::Studio>>>,
    /// The last storage health check, reused for a second (`/healthz`).
    pub(super) health: Arc<HealthCache>,
    /// Hot renditions in memory. They never change (named by hash), so nothing goes stale.
    pub(super) rendition_cache: Arc<RenditionCache>,
    /// The card payment provider, when one is configured.
    pub(super) payments: Option<Arc<dyn crate::payments::Provider>>,
    /// Decoding limits, shared with the rendition workers (one memory budget for both).
    pub(super) limits: Limits,
    /// The live purchasing sessions running now.
    pub(super) live: Arc<super::live::Sessions>,
    /// One journey sweep at a time.
    pub(super) journey_gate: Arc<tokio::sync::Mutex<()>>,
    /// Request latencies for `/metrics`.
    pub(super) metrics: Arc<super::metrics::Metrics>,
}

impl App {
    /// Opens the data directory (creating it on first start) and the store inside it.
    pub fn open(config: Config) -> anyhow::Result<App> {
        std::fs::create_dir_all(&config.data_dir)?;
        let db_path = config.data_dir.join("proofroom.redb");
        let db = Db::open(&db_path, config.db_cache_bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", db_path.display()))?;
        let blobs = match &config.s3 {
            Some(s3) => Blobs::with_bucket(&config.data_dir, config.min_free_bytes, s3)?,
            None => Blobs::at(&config.data_dir, config.min_free_bytes)?,
        };
        let key_bytes = db.meta_get_or_init("signing_key", super::auth::random_bytes)?;
        let key: [u8; 32] =
            key_bytes.try_into().map_err(|_| anyhow::anyhow!("the stored signing key is corrupt"))?;
        let limits = Limits::new(config.max_pixels, config.decode_budget);
        let jobs = Jobs::new(Workers {
            db: db.clone(),
            blobs: blobs.clone(),
            limits: limits.clone(),
            mailer: Mailer::new(
                &config.mail.from,
                config.mail.smtp.as_ref(),
                &config.data_dir.join("outbox"),
            )?,
            studio: config.studio_name.clone(),
            compose: Box::new(Composer {
                studio: config.studio_name.clone(),
                base_url: config.base_url.clone(),
                notify: config.mail.notify.clone(),
            }),
        });
        let rendition_cache = rendition_cache(config.rendition_cache_bytes);
        let payments: Option<Arc<dyn crate::payments::Provider>> = config.stripe.as_ref().map(|s| {
            Arc::new(crate::payments::Stripe::new(&s.secret_key, &s.webhook_secret, &s.api))
                as Arc<dyn crate::payments::Provider>
        });
        Ok(App {
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
            payments,
            limits,
            live: Default::default(),
            journey_gate: Default::default(),
            metrics: Default::default(),
        })
    }

    /// The settings the server was started with (read-only).
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Takes back the leases a killed process left and starts the background workers.
    pub fn start_workers(&self) -> anyhow::Result<()> {
        self.jobs.start(self.config.workers)
    }

    /// Runs queued work until none is due (the `import` command waits for its renditions).
    pub async fn finish_work(&self, workers: usize) -> anyhow::Result<()> {
        self.jobs.drain(workers).await
    }

    /// Runs `f` with the database on a blocking thread: the async front of `Db`, whose
    /// methods are synchronous and must stay off the executor.
    pub(super) async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Db) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || f(&db))
            .await
            .map_err(|e| AppError::Internal(format!("blocking task: {e}")))?
    }
}

/// The last answer of `healthy`, kept for `HEALTH_TTL` so that a stranger calling
/// `/healthz` in a loop costs no write and no fsync per request.
#[derive(Default)]
pub struct HealthCache(pub(super) std::sync::Mutex<Option<(std::time::Instant, bool)>>);

/// Renditions kept in memory, weighed by their size.
pub(super) type RenditionCache = quick_cache::sync::Cache<crate::domain::Hash, bytes::Bytes, ByteWeight>;

#[derive(Clone)]
pub(super) struct ByteWeight;

impl quick_cache::Weighter<crate::domain::Hash, bytes::Bytes> for ByteWeight {
    fn weight(&self, _: &crate::domain::Hash, v: &bytes::Bytes) -> u64 {
        v.len() as u64
    }
}

/// A cache of at most `bytes` of renditions (64 MiB, the default, holds a thousand grid
/// thumbs and some previews). Its estimated item count sizes the table for ~50 KiB thumbs.
fn rendition_cache(bytes: u64) -> RenditionCache {
    let items = (bytes / (32 << 10)).clamp(16, 100_000) as usize;
    quick_cache::sync::Cache::with_weighter(items, bytes, ByteWeight)
}
