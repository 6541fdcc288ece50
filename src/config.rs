//! Settings: embedded defaults, then `proofroom.toml` (or `--config FILE`), then environment
//! variables, then flags; each later source wins. `config.example.toml` documents every key.

use crate::mail::{Smtp, Tls};
use std::{net::SocketAddr, path::PathBuf};

use serde::Deserialize;

/// Every setting, as it may appear in the TOML file; all optional.
#[derive(Debug, Default, Deserialize, Clone, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Where the database, blobs and temp files live [default: ./data]
    #[arg(long = "data", env = "PROOFROOM_DATA", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "PROOFROOM_LISTEN", global = true)]
    pub listen: Option<SocketAddr>,
    /// Public URL of this server, used in links printed and mailed [default: http://LISTEN]
    #[arg(long, env = "PROOFROOM_BASE_URL", global = true)]
    pub base_url: Option<String>,
    /// Largest accepted upload per file, in MiB [default: 4096]
    #[arg(long, env = "PROOFROOM_MAX_UPLOAD_MB", global = true)]
    pub max_upload_mb: Option<u64>,
    /// Largest accepted image, in megapixels (width × height) [default: 200]
    #[arg(long, env = "PROOFROOM_MAX_MEGAPIXELS", global = true)]
    pub max_megapixels: Option<u64>,
    /// Background workers making renditions [default: number of CPU cores]
    #[arg(long, env = "PROOFROOM_WORKERS", global = true)]
    pub workers: Option<usize>,
    /// The studio name shown in the header and page titles [default: proofroom]
    #[arg(long, env = "PROOFROOM_STUDIO_NAME", global = true)]
    pub studio_name: Option<String>,
    /// SMTP server for outgoing mail; without it mail is written to DATA/outbox as .eml
    #[arg(long, env = "PROOFROOM_SMTP_HOST", global = true)]
    pub smtp_host: Option<String>,
    /// SMTP port [default: 587 for starttls, 465 for tls, 25 for none]
    #[arg(long, env = "PROOFROOM_SMTP_PORT", global = true)]
    pub smtp_port: Option<u16>,
    /// SMTP encryption: starttls, tls or none [default: starttls]
    #[arg(long, env = "PROOFROOM_SMTP_TLS", global = true)]
    pub smtp_tls: Option<String>,
    /// SMTP user name, if the server wants one
    #[arg(long, env = "PROOFROOM_SMTP_USER", global = true)]
    pub smtp_user: Option<String>,
    /// SMTP password (prefer the environment variable to the flag)
    #[arg(long, env = "PROOFROOM_SMTP_PASSWORD", global = true, hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// Sender of proofroom's mail [default: "STUDIO <proofroom@localhost>"]
    #[arg(long, env = "PROOFROOM_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Where notifications for the photographer go [default: the sender address]
    #[arg(long, env = "PROOFROOM_NOTIFY_EMAIL", global = true)]
    pub notify_email: Option<String>,
    /// Seconds between a client's first new note and the digest mail about it [default: 600]
    #[arg(long, env = "PROOFROOM_DIGEST_DELAY_S", global = true)]
    pub digest_delay_s: Option<u64>,
    /// The studio's welcome words on every gallery's cover that has none of its own
    /// [default: a text made from the gallery's selection rules]
    #[arg(long, env = "PROOFROOM_WELCOME", global = true)]
    pub welcome: Option<String>,
    /// Free space (MiB) uploads leave on the data disk; below it they are refused with 507
    /// [default: 1024]
    #[arg(long, env = "PROOFROOM_MIN_FREE_MB", global = true)]
    pub min_free_mb: Option<u64>,
    /// Reverse proxies (CIDRs, comma-separated) whose X-Forwarded-For / Forwarded headers
    /// name the client [default: none: the peer address is the client]
    #[arg(long, env = "PROOFROOM_TRUSTED_PROXIES", global = true, value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// Most open connections; more are closed at once [default: 2048]
    #[arg(long, env = "PROOFROOM_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<usize>,
    /// Memory (MiB) all image decodes together may use; a larger image waits its turn, one
    /// that alone needs more is refused with the reason [default: 512]
    #[arg(long, env = "PROOFROOM_DECODE_MEMORY_MB", global = true)]
    pub decode_memory_mb: Option<u64>,
    /// Memory (MiB) for hot renditions served from RAM [default: 64]
    #[arg(long, env = "PROOFROOM_RENDITION_CACHE_MB", global = true)]
    pub rendition_cache_mb: Option<u64>,
    /// Memory (MiB) the database keeps of its file; the rest is read from the disk (the OS
    /// page cache) when needed. Bounds memory whatever the size of the archive [default: 64]
    #[arg(long, env = "PROOFROOM_DB_CACHE_MB", global = true)]
    pub db_cache_mb: Option<u64>,
    /// Stripe secret key (sk_…): with it and the webhook secret, clients may pay by card
    #[arg(long, env = "PROOFROOM_STRIPE_SECRET_KEY", global = true, hide_env_values = true)]
    pub stripe_secret_key: Option<String>,
    /// Stripe webhook signing secret (whsec_…) of the endpoint <base_url>/webhooks/stripe
    #[arg(long, env = "PROOFROOM_STRIPE_WEBHOOK_SECRET", global = true, hide_env_values = true)]
    pub stripe_webhook_secret: Option<String>,
    /// Stripe's API address (a stand-in for tests)
    #[arg(long, env = "PROOFROOM_STRIPE_API", global = true)]
    pub stripe_api: Option<String>,
    /// Keep originals and renditions in this S3-compatible bucket (Garage, MinIO, B2, Wasabi,
    /// AWS); the data disk then holds the database and a cache. Unset: blobs stay on disk
    #[arg(long, env = "PROOFROOM_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    /// The bucket's service address, e.g. http://garage.lan:3900 [default: AWS by region]
    #[arg(long, env = "PROOFROOM_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,
    /// The bucket's region [default: us-east-1]
    #[arg(long, env = "PROOFROOM_S3_REGION", global = true)]
    pub s3_region: Option<String>,
    /// Access key id for the bucket
    #[arg(long, env = "PROOFROOM_S3_ACCESS_KEY_ID", global = true)]
    pub s3_access_key_id: Option<String>,
    /// Secret access key for the bucket (prefer the environment variable to the flag)
    #[arg(long, env = "PROOFROOM_S3_SECRET_ACCESS_KEY", global = true, hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// A folder inside the bucket for proofroom's objects, e.g. "studio/" [default: none]
    #[arg(long, env = "PROOFROOM_S3_PREFIX", global = true)]
    pub s3_prefix: Option<String>,
    /// Disk (MiB) kept as a cache of the bucket's most recently used blobs [default: 4096]
    #[arg(long, env = "PROOFROOM_S3_CACHE_MB", global = true)]
    pub s3_cache_mb: Option<u64>,
    /// Send clients' downloads of single originals straight from the bucket, by signed links
    /// valid this many minutes: the files then leave through the bucket's connection, not
    /// the server's (a home uplink). 0: through the server [default: 0]
    #[arg(long, env = "PROOFROOM_S3_DIRECT_DOWNLOAD_MINUTES", global = true)]
    pub s3_direct_download_minutes: Option<u64>,
    /// The bucket's address as clients' browsers reach it, when it differs from s3_endpoint
    /// (a NAS's Garage behind a public proxy) [default: s3_endpoint]
    #[arg(long, env = "PROOFROOM_S3_PUBLIC_ENDPOINT", global = true)]
    pub s3_public_endpoint: Option<String>,
}

impl Settings {
    /// Fills every setting still unset from `other` (a lower-priority source).
    fn or(self, other: Settings) -> Settings {
        Settings {
            data_dir: self.data_dir.or(other.data_dir),
            listen: self.listen.or(other.listen),
            base_url: self.base_url.or(other.base_url),
            max_upload_mb: self.max_upload_mb.or(other.max_upload_mb),
            max_megapixels: self.max_megapixels.or(other.max_megapixels),
            workers: self.workers.or(other.workers),
            studio_name: self.studio_name.or(other.studio_name),
            smtp_host: self.smtp_host.or(other.smtp_host),
            smtp_port: self.smtp_port.or(other.smtp_port),
            smtp_tls: self.smtp_tls.or(other.smtp_tls),
            smtp_user: self.smtp_user.or(other.smtp_user),
            smtp_password: self.smtp_password.or(other.smtp_password),
            mail_from: self.mail_from.or(other.mail_from),
            notify_email: self.notify_email.or(other.notify_email),
            digest_delay_s: self.digest_delay_s.or(other.digest_delay_s),
            welcome: self.welcome.or(other.welcome),
            min_free_mb: self.min_free_mb.or(other.min_free_mb),
            trusted_proxies: self.trusted_proxies.or(other.trusted_proxies),
            max_connections: self.max_connections.or(other.max_connections),
            decode_memory_mb: self.decode_memory_mb.or(other.decode_memory_mb),
            rendition_cache_mb: self.rendition_cache_mb.or(other.rendition_cache_mb),
            db_cache_mb: self.db_cache_mb.or(other.db_cache_mb),
            stripe_secret_key: self.stripe_secret_key.or(other.stripe_secret_key),
            stripe_webhook_secret: self.stripe_webhook_secret.or(other.stripe_webhook_secret),
            stripe_api: self.stripe_api.or(other.stripe_api),
            s3_bucket: self.s3_bucket.or(other.s3_bucket),
            s3_endpoint: self.s3_endpoint.or(other.s3_endpoint),
            s3_region: self.s3_region.or(other.s3_region),
            s3_access_key_id: self.s3_access_key_id.or(other.s3_access_key_id),
            s3_secret_access_key: self.s3_secret_access_key.or(other.s3_secret_access_key),
            s3_prefix: self.s3_prefix.or(other.s3_prefix),
            s3_cache_mb: self.s3_cache_mb.or(other.s3_cache_mb),
            s3_direct_download_minutes: self.s3_direct_download_minutes.or(other.s3_direct_download_minutes),
            s3_public_endpoint: self.s3_public_endpoint.or(other.s3_public_endpoint),
        }
    }
}

/// The resolved configuration every layer reads.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    pub base_url: String,
    pub max_upload_bytes: u64,
    pub max_pixels: u64,
    pub workers: usize,
    pub studio_name: String,
    /// Cookies get `Secure` when the public URL is https.
    pub secure_cookies: bool,
    pub mail: MailConfig,
    /// The studio-wide welcome text for covers, if set.
    pub welcome: Option<String>,
    /// Bytes uploads leave free on the data disk.
    pub min_free_bytes: u64,
    /// Peers whose forwarding headers are believed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub max_connections: usize,
    /// Bytes all concurrent image decodes may hold together.
    pub decode_budget: u64,
    pub rendition_cache_bytes: u64,
    /// The database's own cache (`db_cache_mb`).
    pub db_cache_bytes: u64,
    /// Card payments, when both Stripe secrets are set.
    pub stripe: Option<StripeConfig>,
    /// Where blobs live when not on the data disk: an S3-compatible bucket.
    pub s3: Option<S3Config>,
    /// Whether the control socket may move the clock forward (`PROOFROOM_TEST_CLOCK=1`):
    /// for tests of what happens days later, never for a studio's server.
    pub test_clock: bool,
}

/// How mail leaves: through SMTP, or (with no host) into the outbox folder.
#[derive(Clone)]
pub struct StripeConfig {
    pub secret_key: String,
    pub webhook_secret: String,
    pub api: String,
}

/// Secrets stay out of logs.
impl std::fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeConfig").field("api", &self.api).finish_non_exhaustive()
    }
}

/// An S3-compatible bucket that holds the blobs (`s3_*` settings).
#[derive(Clone)]
pub struct S3Config {
    pub bucket: String,
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Object names start with this (empty, or ending in `/`).
    pub prefix: String,
    /// Disk kept as a cache of the bucket's blobs.
    pub cache_bytes: u64,
    /// Clients download single originals straight from the bucket by links signed for this
    /// long; `None`: through the server.
    pub direct_downloads: Option<std::time::Duration>,
    /// Where browsers reach the bucket, for those links.
    pub public_endpoint: Option<String>,
}

/// Secrets stay out of logs.
impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    fn from_settings(s: &Settings) -> anyhow::Result<Option<S3Config>> {
        let Some(bucket) = s.s3_bucket.as_deref().map(str::trim).filter(|b| !b.is_empty()) else {
            return Ok(None);
        };
        let (Some(key), Some(secret)) = (&s.s3_access_key_id, &s.s3_secret_access_key) else {
            anyhow::bail!("s3_bucket needs s3_access_key_id and s3_secret_access_key");
        };
        let prefix = s.s3_prefix.as_deref().unwrap_or("").trim().trim_matches('/');
        Ok(Some(S3Config {
            bucket: bucket.to_string(),
            endpoint: s.s3_endpoint.as_deref().map(|e| e.trim().trim_end_matches('/').to_string()),
            region: s.s3_region.clone().unwrap_or_else(|| "us-east-1".into()),
            access_key_id: key.trim().to_string(),
            secret_access_key: secret.trim().to_string(),
            prefix: if prefix.is_empty() { String::new() } else { format!("{prefix}/") },
            cache_bytes: s.s3_cache_mb.unwrap_or(4096).max(16).saturating_mul(1 << 20),
            // S3 refuses signatures meant to last over seven days.
            direct_downloads: s
                .s3_direct_download_minutes
                .filter(|m| *m > 0)
                .map(|m| std::time::Duration::from_secs(m.min(7 * 24 * 60) * 60)),
            public_endpoint: s
                .s3_public_endpoint
                .as_deref()
                .map(|e| e.trim().trim_end_matches('/').to_string())
                .filter(|e| !e.is_empty()),
        }))
    }
}

#[derive(Debug, Clone)]
pub struct MailConfig {
    pub smtp: Option<Smtp>,
    pub from: String,
    pub notify: String,
    /// Delay before a comment digest is sent, so several notes make one message.
    pub digest_delay_ms: u64,
}

impl Config {
    /// Resolves flags/environment (`cli`, already merged by clap) over the file over defaults.
    /// The file is `config_path` if given (it must exist), else `./proofroom.toml` if present.
    pub fn resolve(cli: Settings, config_path: Option<PathBuf>) -> anyhow::Result<Config> {
        let file = match config_path {
            Some(p) => Some(read_file(&p)?),
            None => {
                let p = PathBuf::from("proofroom.toml");
                if p.exists() { Some(read_file(&p)?) } else { None }
            }
        };
        let s = cli.or(file.unwrap_or_default());
        let s3 = S3Config::from_settings(&s)?;
        let studio_name = s.studio_name.clone().unwrap_or_else(|| "proofroom".into());
        let tls = match s.smtp_tls.as_deref().unwrap_or("starttls") {
            "starttls" => Tls::StartTls,
            "tls" => Tls::Tls,
            "none" => Tls::None,
            other => anyhow::bail!("smtp_tls must be starttls, tls or none, not {other:?}"),
        };
        let from = s
            .mail_from
            .clone()
            .unwrap_or_else(|| format!("{} <proofroom@localhost>", studio_name.replace(['<', '>', '"'], "")));
        let notify = s.notify_email.clone().unwrap_or_else(|| from.clone());
        let smtp = s.smtp_host.clone().map(|host| Smtp {
            host,
            port: s.smtp_port.unwrap_or(match tls {
                Tls::StartTls => 587,
                Tls::Tls => 465,
                Tls::None => 25,
            }),
            tls,
            user: s.smtp_user.clone(),
            password: s.smtp_password.clone(),
        });
        let listen = s.listen.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
        let base_url = s
            .base_url
            .unwrap_or_else(|| match listen.ip().is_unspecified() {
                // 0.0.0.0 is not an address to browse to; localhost is, from the same host.
                true => format!("http://localhost:{}", listen.port()),
                false => format!("http://{listen}"),
            })
            .trim_end_matches('/')
            .to_string();
        Ok(Config {
            data_dir: s.data_dir.unwrap_or_else(|| PathBuf::from("data")),
            listen,
            secure_cookies: base_url.starts_with("https://"),
            base_url,
            max_upload_bytes: s.max_upload_mb.unwrap_or(4096).saturating_mul(1 << 20),
            max_pixels: s.max_megapixels.unwrap_or(200).saturating_mul(1_000_000),
            workers: s
                .workers
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
                .max(1),
            studio_name,
            welcome: s.welcome.clone().map(|w| w.trim().to_string()).filter(|w| !w.is_empty()),
            min_free_bytes: s.min_free_mb.unwrap_or(1024).saturating_mul(1 << 20),
            trusted_proxies: parse_proxies(s.trusted_proxies.as_deref().unwrap_or_default())?,
            max_connections: s.max_connections.unwrap_or(2048).max(16),
            decode_budget: s.decode_memory_mb.unwrap_or(512).max(16).saturating_mul(1 << 20),
            rendition_cache_bytes: s.rendition_cache_mb.unwrap_or(64).saturating_mul(1 << 20),
            db_cache_bytes: s.db_cache_mb.unwrap_or(64).saturating_mul(1 << 20),
            stripe: match (s.stripe_secret_key.clone(), s.stripe_webhook_secret.clone()) {
                (Some(k), Some(w)) if !k.trim().is_empty() && !w.trim().is_empty() => Some(StripeConfig {
                    secret_key: k.trim().to_string(),
                    webhook_secret: w.trim().to_string(),
                    api: s.stripe_api.clone().unwrap_or_else(|| "https://api.stripe.com".into()),
                }),
                (Some(_), None) | (None, Some(_)) => {
                    anyhow::bail!("card payments need both stripe_secret_key and stripe_webhook_secret")
                }
                _ => None,
            },
            s3,
            test_clock: std::env::var("PROOFROOM_TEST_CLOCK").is_ok_and(|v| v == "1"),
            mail: MailConfig {
                smtp,
                from,
                notify,
                digest_delay_ms: s.digest_delay_s.unwrap_or(600).saturating_mul(1000),
            },
        })
    }
}

/// Parses proxy addresses: CIDRs (`10.0.0.0/8`) or single addresses (`127.0.0.1`).
fn parse_proxies(items: &[String]) -> anyhow::Result<Vec<ipnet::IpNet>> {
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| anyhow::anyhow!("trusted_proxies: {s:?} is not an address or CIDR"))
        })
        .collect()
}

fn read_file(path: &std::path::Path) -> anyhow::Result<Settings> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("config file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_beat_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(&file, "listen = \"0.0.0.0:9000\"\nstudio_name = \"Lumen\"\nmax_upload_mb = 5\n")
            .unwrap();
        let cli = Settings { studio_name: Some("Flag".into()), ..Default::default() };
        let c = Config::resolve(cli, Some(file)).unwrap();
        assert_eq!(c.studio_name, "Flag");
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.max_upload_bytes, 5 << 20);
        assert_eq!(c.data_dir, PathBuf::from("data"));
        assert_eq!(c.base_url, "http://localhost:9000", "0.0.0.0 is not browsable");
        assert!(c.trusted_proxies.is_empty());
        assert_eq!(c.min_free_bytes, 1 << 30);
    }

    #[test]
    fn trusted_proxies_take_cidrs_and_addresses() {
        let cli = Settings {
            trusted_proxies: Some(vec!["10.0.0.0/8".into(), " ::1 ".into()]),
            ..Default::default()
        };
        let c = Config::resolve(cli, None).unwrap();
        assert!(c.trusted_proxies[0].contains(&"10.2.3.4".parse::<std::net::IpAddr>().unwrap()));
        assert!(c.trusted_proxies[1].contains(&"::1".parse::<std::net::IpAddr>().unwrap()));
        let bad = Settings { trusted_proxies: Some(vec!["proxy".into()]), ..Default::default() };
        assert!(Config::resolve(bad, None).is_err());
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        assert!(Config::resolve(Settings::default(), Some(file)).is_err());
    }
}
