//! Settings: embedded defaults, then `proofroom.toml` (or `--config FILE`), then environment
//! variables, then flags; each later source wins. `config.example.toml` documents every key.

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
            studio_name: s.studio_name.unwrap_or_else(|| "proofroom".into()),
        })
    }
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
    }

    #[test]
    fn unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.toml");
        std::fs::write(&file, "lisen = \"x\"\n").unwrap();
        assert!(Config::resolve(Settings::default(), Some(file)).is_err());
    }
}
