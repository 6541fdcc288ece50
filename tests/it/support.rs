//! Shared test support: start the real proofroom binary on a temp data dir, talk HTTP to it,
//! make fixtures, fetch the corpus.

use std::{
    io::{BufRead, BufReader, Write},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::OnceLock,
    time::{Duration, Instant},
};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_proofroom");

/// The free space every test server keeps back (its default is 1024 MiB). A CI machine can
/// have less than a gigabyte free (one run had 369 MiB): with the default every upload of
/// every test was refused as "disk full". The disk-full tests set their own.
const TEST_MIN_FREE_MB: &str = "64";
pub const PASSWORD: &str = "correct horse battery";

/// A running server on a temp data dir, with an API token and an admin password set.
pub struct Server {
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub token: String,
    pub extra_env: Vec<(String, String)>,
    child: Option<Child>,
    /// What the server printed on standard output.
    pub stdout: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// Runs a sub-command against `data` and returns (exit ok, stdout, stderr).
pub fn cli(data: &Path, args: &[&str], stdin: Option<&str>) -> (bool, String, String) {
    cli_env(data, args, stdin, &[])
}

/// `cli` with settings in the environment (e.g. a bucket's).
pub fn cli_env(
    data: &Path,
    args: &[&str],
    stdin: Option<&str>,
    env: &[(String, String)],
) -> (bool, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data").arg(data).args(args).env("PROOFROOM_LOG", "warn");
    cmd.env("PROOFROOM_MIN_FREE_MB", TEST_MIN_FREE_MB);
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn proofroom");
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait proofroom");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

impl Server {
    /// A fresh server with a password and an API token.
    pub async fn start() -> Server {
        Self::start_with(&[]).await
    }

    pub async fn start_with(env: &[(&str, &str)]) -> Server {
        Self::start_in(tempfile::tempdir().expect("temp dir"), env).await
    }

    /// Like `start_with`, with the data in `dir` (e.g. a small filesystem mounted there).
    pub async fn start_in(dir: tempfile::TempDir, env: &[(&str, &str)]) -> Server {
        let (ok, token, err) = cli(dir.path(), &["token", "create", "--name", "tests"], None);
        assert!(ok, "token create failed: {err}");
        let (ok, _, err) = cli(dir.path(), &["admin", "set-password"], Some(&format!("{PASSWORD}\n")));
        assert!(ok, "set-password failed: {err}");
        let mut s = Server {
            dir,
            port: free_port(),
            token: token.trim().to_string(),
            extra_env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            child: None,
            stdout: Default::default(),
        };
        s.spawn().await;
        s
    }

    /// A fresh server with no password: it prints its setup link.
    pub async fn start_unconfigured() -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut s = Server {
            dir,
            port: free_port(),
            token: String::new(),
            extra_env: vec![],
            child: None,
            stdout: Default::default(),
        };
        s.spawn().await;
        s
    }

    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    async fn spawn(&mut self) {
        // A port picked by `free_port` can be taken by another test's server before ours
        // binds it; then `/healthz` would answer from the wrong server. So wait for our own
        // server to say it listens, and pick another port if it could not bind.
        for _ in 0..10 {
            let mut cmd = Command::new(BIN);
            cmd.arg("--data").arg(self.dir.path()).arg("--listen").arg(format!("127.0.0.1:{}", self.port));
            cmd.env("PROOFROOM_LOG", "warn").env("PROOFROOM_MIN_FREE_MB", TEST_MIN_FREE_MB);
            for (k, v) in &self.extra_env {
                cmd.env(k, v);
            }
            cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
            let mut child = cmd.spawn().expect("spawn server");
            let out = child.stdout.take().unwrap();
            let lines = self.stdout.clone();
            lines.lock().unwrap().clear();
            std::thread::spawn(move || {
                for line in BufReader::new(out).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
            let listening = format!("proofroom listening on http://127.0.0.1:{}", self.port);
            let start = std::time::Instant::now();
            let bound = loop {
                if self.stdout.lock().unwrap().iter().any(|l| l.contains(&listening)) {
                    break true;
                }
                if child.try_wait().ok().flatten().is_some() || start.elapsed() > Duration::from_secs(30) {
                    break false;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            };
            if !bound {
                let _ = child.kill();
                let _ = child.wait();
                self.port = free_port();
                continue;
            }
            self.child = Some(child);
            let url = self.url("/healthz");
            wait_for("server to answer /healthz", Duration::from_secs(30), || async {
                reqwest::get(&url).await.is_ok_and(|r| r.status() == 200)
            })
            .await;
            return;
        }
        panic!("the server did not start on any of ten ports");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().map(|c| c.id()).unwrap_or(0)
    }

    /// SIGKILL: no chance to flush or clean up.
    pub fn kill9(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGTERM and wait: a graceful stop.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = Command::new("kill").arg("-TERM").arg(c.id().to_string()).status();
            let _ = c.wait();
        }
    }

    pub async fn restart(&mut self) {
        self.kill9();
        self.spawn().await;
    }

    /// SIGTERM, wait, and start again on the same data: an update of the server.
    pub async fn restart_gracefully(&mut self) {
        self.stop();
        self.spawn().await;
    }

    /// Resident memory of the server process in MiB.
    pub fn rss_mib(&self) -> u64 {
        self.proc_status_mib("VmRSS:")
    }

    /// The most resident memory the server process has had, in MiB.
    pub fn peak_rss_mib(&self) -> u64 {
        self.proc_status_mib("VmHWM:")
    }

    fn proc_status_mib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find(|l| l.starts_with(field))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    }

    /// Waits until the job queue is empty (as `/metrics` counts it): a job still running
    /// for a duplicate upload may rewrite a rendition the test is about to look at.
    pub async fn wait_idle(&self) {
        let http = reqwest::Client::new();
        wait_for("the job queue to empty", Duration::from_secs(240), || async {
            let r = http.get(self.url("/metrics")).bearer_auth(&self.token).send().await;
            let text = match r {
                Ok(r) => r.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            text.lines().any(|l| l == "proofroom_jobs_queued 0")
        })
        .await;
    }

    pub fn api(&self) -> Api {
        Api { base: self.url("/api/v1"), token: self.token.clone(), http: reqwest::Client::new() }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// Polls `cond` until it holds, or panics naming `what` after `limit`.
pub async fn wait_for<F, Fut>(what: &str, limit: Duration, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    let mut delay = Duration::from_millis(20);
    while !cond().await {
        assert!(start.elapsed() < limit, "timed out after {limit:?} waiting for {what}");
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_millis(250));
    }
}

/// A client of the JSON API with the server's token.
pub struct Api {
    pub base: String,
    pub token: String,
    pub http: reqwest::Client,
}

impl Api {
    /// Marks a photo FINAL through the API (as a retouched upload would).
    pub async fn mark_final(&self, photo: &str) {
        let r = self
            .http
            .put(format!("{}/photos/{photo}/state", self.base))
            .bearer_auth(&self.token)
            .json(&serde_json::json!({ "state": "final" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let r = self.http.get(format!("{}{path}", self.base)).bearer_auth(&self.token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_json(&self, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn create_gallery(&self, title: &str) -> String {
        let (status, g) = self.post_json("/galleries", serde_json::json!({ "title": title })).await;
        assert_eq!(status, 200, "{g}");
        g["id"].as_str().unwrap().to_string()
    }

    /// Uploads files (name, bytes) in one multipart request.
    pub async fn upload(
        &self,
        gallery: &str,
        files: Vec<(String, Vec<u8>)>,
        mark_final: bool,
    ) -> (u16, Value) {
        let mut form = reqwest::multipart::Form::new();
        for (name, bytes) in files {
            form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        }
        let r = self
            .http
            .post(format!("{}/galleries/{gallery}/photos?final={mark_final}", self.base))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    pub async fn photos(&self, gallery: &str) -> Vec<Value> {
        let (status, v) = self.get(&format!("/galleries/{gallery}/photos")).await;
        assert_eq!(status, 200, "{v}");
        v.as_array().cloned().unwrap_or_default()
    }

    /// Waits until no photo of the gallery is pending, and returns them.
    pub async fn wait_processed(&self, gallery: &str, expected: usize) -> Vec<Value> {
        wait_for("photos to be processed", Duration::from_secs(240), || async {
            let p = self.photos(gallery).await;
            p.len() == expected && p.iter().all(|p| p["status"] != "pending")
        })
        .await;
        self.photos(gallery).await
    }
}

/// The corpus of real large JPEGs (`bench/corpus.sh`, Debian's wallpaper packages), fetched
/// once into `target/corpus`. Where the packages cannot be fetched, four synthetic 12–24 MP
/// JPEGs (made here, with fine detail) stand in, so the tests still run.
pub fn corpus() -> Vec<PathBuf> {
    static CORPUS: OnceLock<Vec<PathBuf>> = OnceLock::new();
    CORPUS
        .get_or_init(|| {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"));
            let dest = root.join("target/corpus");
            let fetched = Command::new("bash")
                .arg(root.join("bench/corpus.sh"))
                .arg(&dest)
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            let jpegs = |dir: &Path| -> Vec<PathBuf> {
                std::fs::read_dir(dir)
                    .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|p: &PathBuf| p.extension().is_some_and(|e| e == "jpg"))
                    .collect()
            };
            let mut files = jpegs(&dest);
            if !fetched || files.is_empty() {
                eprintln!("bench/corpus.sh could not fetch the wallpapers: using synthetic JPEGs");
                let synthetic = root.join("target/corpus-synthetic");
                std::fs::create_dir_all(&synthetic).unwrap();
                for (i, (w, h)) in [(6000, 4000), (5472, 3648), (4240, 2832), (6000, 4000)].iter().enumerate()
                {
                    let p = synthetic.join(format!("synthetic_{i}_{w}x{h}.jpg"));
                    if !p.exists() {
                        std::fs::write(&p, synthetic_jpeg(*w, *h, i as u32)).unwrap();
                    }
                }
                files = jpegs(&synthetic);
            }
            // Largest first: the camera-like ones.
            files.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
            files
        })
        .clone()
}

/// A `w`×`h` JPEG with photo-like detail (smooth gradients plus fine texture), seeded.
pub fn synthetic_jpeg(w: u16, h: u16, seed: u32) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h as u32 {
        for x in 0..w as u32 {
            let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ seed.wrapping_mul(97)) >> 27;
            rgb.extend_from_slice(&[
                ((x * 255 / w as u32) as u8).wrapping_add(n as u8),
                ((y * 255 / h as u32) as u8).wrapping_add(n as u8),
                (((x + y + seed * 50) % 256) as u8) ^ (n as u8),
            ]);
        }
    }
    let mut out = Vec::new();
    jpeg_encoder::Encoder::new(&mut out, 88).encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

pub fn corpus_file(i: usize) -> (String, Vec<u8>) {
    let files = corpus();
    let p = &files[i % files.len()];
    (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(p).unwrap())
}

/// A landscape `w`×`h` JPEG with a gradient, carrying EXIF orientation `orientation`.
pub fn jpeg_with_orientation(w: u16, h: u16, orientation: u16) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(w as usize * h as usize * 3);
    for y in 0..h {
        for x in 0..w {
            rgb.extend_from_slice(&[(x % 256) as u8, (y % 256) as u8, 128]);
        }
    }
    // A minimal little-endian TIFF: one IFD with one entry, Orientation (0x0112), SHORT.
    let mut exif = b"Exif\0\0II*\0\x08\0\0\0\x01\0\x12\x01\x03\0\x01\0\0\0".to_vec();
    exif.extend_from_slice(&orientation.to_le_bytes());
    exif.extend_from_slice(&[0, 0, 0, 0, 0, 0]);
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.add_app_segment(1, &exif).unwrap();
    enc.encode(&rgb, w, h, jpeg_encoder::ColorType::Rgb).unwrap();
    out
}

/// A tiny valid PNG whose header claims `w`×`h` pixels.
pub fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32fast::hash(&body).to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &[0x78, 0x9c, 0x03, 0, 0, 0, 0, 1]);
    chunk(b"IEND", &[]);
    out
}

/// Fetches a URL path from the server: (status, headers, body).
pub async fn fetch(server: &Server, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let r = reqwest::get(server.url(path)).await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, headers, r.bytes().await.unwrap().to_vec())
}

/// Width and height of an encoded image.
pub fn dims(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("decodable image");
    (img.width(), img.height())
}

/// A browser-like client with its own cookie jar, signed in as the photographer.
pub async fn admin_client(server: &Server) -> reqwest::Client {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(server.url("/admin/login")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_field(&page, "csrf");
    let r = http
        .post(server.url("/admin/login"))
        .form(&[("csrf", csrf.as_str()), ("password", PASSWORD), ("next", "/admin")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "login should redirect");
    http
}

/// The value of a hidden input in a page.
pub fn hidden_field(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = page.find(&marker).unwrap_or_else(|| panic!("no {name} field in page")) + marker.len();
    page[start..].split('"').next().unwrap().to_string()
}

/// Creates a share link through the API and returns its path (`/g/<token>`).
pub async fn share_link(api: &Api, gallery: &str, body: Value) -> String {
    let (status, v) = api.post_json(&format!("/galleries/{gallery}/shares"), body).await;
    assert_eq!(status, 200, "{v}");
    let url = v["url"].as_str().unwrap();
    format!("/g/{}", url.rsplit('/').next().unwrap())
}

/// A browser-like client with its own cookies that does not follow redirects.
pub fn browser_client() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The CSRF token a page carries in its `csrf-token` meta tag.
pub fn meta_csrf(page: &str) -> String {
    page.split("name=\"csrf-token\" content=\"")
        .nth(1)
        .expect("csrf meta tag")
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

/// A gallery with `n` small photos, processed.
pub async fn gallery_with_photos(api: &Api, title: &str, n: usize) -> (String, Vec<Value>) {
    gallery_with_sized_photos(api, title, n, (160, 120)).await
}

/// Like `gallery_with_photos`, with photos of `w`×`h` (over 512 px wide, they have a
/// medium size apart from their thumb).
pub async fn gallery_with_sized_photos(
    api: &Api,
    title: &str,
    n: usize,
    (w, h): (u16, u16),
) -> (String, Vec<Value>) {
    let g = api.create_gallery(title).await;
    let files = (0..n).map(|i| (format!("IMG_{i:04}.jpg"), jpeg_with_orientation(w, h, 1))).collect();
    let (status, body) = api.upload(&g, files, false).await;
    assert_eq!(status, 200, "{body}");
    let photos = api.wait_processed(&g, n).await;
    (g, photos)
}

/// A real SMTP server for tests: aiosmtpd writing every message into a maildir.
pub struct SmtpSink {
    pub port: u16,
    pub dir: tempfile::TempDir,
    child: Child,
}

impl SmtpSink {
    pub fn free_port() -> u16 {
        free_port()
    }

    pub async fn start(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        // `tests/smtp_hold.py`: a Mailbox that can hold its answer (`hold`).
        let child = Command::new("python3")
            .env("PYTHONPATH", concat!(env!("CARGO_MANIFEST_DIR"), "/tests"))
            .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "smtp_hold.Holding"])
            .arg(dir.path().join("maildir"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m aiosmtpd (pip install aiosmtpd)");
        wait_for("the SMTP server to listen", Duration::from_secs(15), || async {
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        })
        .await;
        SmtpSink { port, dir, child }
    }

    /// Every message received so far, decoded: headers and every text part.
    pub fn messages(&self) -> Vec<String> {
        let new = self.dir.path().join("maildir/new");
        let mut out: Vec<String> = std::fs::read_dir(new)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .filter_map(|e| std::fs::read(e.path()).ok())
                    .map(|raw| decode_mail(&raw))
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// While held, each message is stored but its sender waits for the answer.
    pub fn hold(&self, on: bool) {
        let flag = self.dir.path().join("hold");
        match on {
            true => std::fs::write(flag, b"").unwrap(),
            false => {
                let _ = std::fs::remove_file(flag);
            }
        }
    }

    /// Every message received so far, raw, oldest first.
    pub fn raw_messages(&self) -> Vec<Vec<u8>> {
        let new = self.dir.path().join("maildir/new");
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(new)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| {
                        (e.metadata().and_then(|m| m.modified()).unwrap_or(std::time::UNIX_EPOCH), e.path())
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files.iter().filter_map(|(_, p)| std::fs::read(p).ok()).collect()
    }

    pub async fn wait_for_messages(&self, n: usize) -> Vec<String> {
        wait_for(&format!("{n} message(s) at the SMTP server"), Duration::from_secs(60), || async {
            self.messages().len() >= n
        })
        .await;
        self.messages()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message's decoded headers and text parts (quoted-printable and encoded words undone).
pub fn decode_mail(raw: &[u8]) -> String {
    fn walk(part: &mailparse::ParsedMail, out: &mut String) {
        if part.subparts.is_empty() {
            out.push_str(&format!("--- {}\n{}\n", part.ctype.mimetype, part.get_body().unwrap_or_default()));
        }
        for p in &part.subparts {
            walk(p, out);
        }
    }
    let parsed = mailparse::parse_mail(raw).expect("a parsable message");
    let mut out = String::new();
    for h in &parsed.headers {
        out.push_str(&format!("{}: {}\n", h.get_key(), h.get_value()));
    }
    walk(&parsed, &mut out);
    out
}

/// GETs a URL with `client` and returns the body as text.
pub async fn get_text(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// Every message in the server's outbox folder (no SMTP configured), decoded, oldest first.
pub fn outbox(server: &Server) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(server.data().join("outbox"))
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "eml"));
    // Mail ids are ULIDs: names sort in the order the messages were queued.
    files.sort();
    files.iter().filter_map(|p| std::fs::read(p).ok()).map(|raw| decode_mail(&raw)).collect()
}

/// Waits until the outbox holds `n` messages and returns them.
pub async fn wait_for_outbox(server: &Server, n: usize) -> Vec<String> {
    wait_for(&format!("{n} message(s) in the outbox"), Duration::from_secs(30), || async {
        outbox(server).len() >= n
    })
    .await;
    outbox(server)
}

/// The paths of the one-time sign-in links in a message (`/g/<id>/enter/<code>`).
pub fn sign_in_links(message: &str) -> Vec<String> {
    let mut out: Vec<String> = message
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .filter(|w| w.contains("/enter/"))
        .filter_map(|w| w.find("/g/").map(|i| w[i..].to_string()))
        .collect();
    out.dedup();
    out
}

/// Hearts `photo` through `link` as the visitor behind `client`; returns the status.
pub async fn heart(server: &Server, client: &reqwest::Client, link: &str, csrf: &str, photo: &str) -> u16 {
    let r = client
        .post(server.url(&format!("{link}/favourite")))
        .header("x-csrf-token", csrf)
        .json(&serde_json::json!({ "photo": photo, "on": true }))
        .send()
        .await
        .unwrap();
    r.status().as_u16()
}

/// Posts a url-encoded form (a browser's form submit) and returns the answer.
pub async fn post_form(c: &reqwest::Client, url: String, fields: &[(&str, &str)]) -> reqwest::Response {
    c.post(url).form(fields).send().await.unwrap()
}

// E-mail: a server sending through the local SMTP sink, per-email grants and sign-in.

/// The settings that send mail through an SMTP server on `port` of this machine.
pub fn smtp_env(port: u16) -> Vec<(String, String)> {
    vec![
        ("PROOFROOM_SMTP_HOST".into(), "127.0.0.1".into()),
        ("PROOFROOM_SMTP_PORT".into(), port.to_string()),
        ("PROOFROOM_SMTP_TLS".into(), "none".into()),
        ("PROOFROOM_MAIL_FROM".into(), "Lumen Studio <studio@example.com>".into()),
        ("PROOFROOM_NOTIFY_EMAIL".into(), "photographer@example.com".into()),
        ("PROOFROOM_DIGEST_DELAY_S".into(), "1".into()),
    ]
}

/// A server started with owned settings (`smtp_env`).
pub async fn start_with(env: Vec<(String, String)>) -> Server {
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Server::start_with(&pairs).await
}

/// Grants `email` access to `gallery` and returns the door's path (`/g/<share id>`).
pub async fn grant(api: &Api, gallery: &str, email: &str) -> String {
    share_link(
        api,
        gallery,
        serde_json::json!({ "label": "Anna", "favourite": true, "comment": true, "email": email, "email_only": true }),
    )
    .await
}

/// Asks for a sign-in link at `door` and returns the page.
pub async fn ask(server: &Server, c: &reqwest::Client, door: &str, email: &str) -> (u16, String) {
    let r = c.post(server.url(&format!("{door}/sign-in"))).form(&[("email", email)]).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Uses a sign-in link in `c` (the confirmation page, then its button).
pub async fn enter(server: &Server, c: &reqwest::Client, link: &str) -> u16 {
    c.post(server.url(link)).send().await.unwrap().status().as_u16()
}

/// The `value` of the `<option>` labelled `label` in a page.
pub fn option_value(page: &str, label: &str) -> String {
    let at = page.find(&format!(">{label}</option>")).unwrap_or_else(|| panic!("no option {label}"));
    let start = page[..at].rfind("value=\"").unwrap() + 7;
    page[start..at].split('"').next().unwrap().to_string()
}

/// Moves the server's clock `ms` forward (it runs with `PROOFROOM_TEST_CLOCK=1`) through its
/// control socket, and returns how many journey messages that queued.
pub fn move_clock(server: &Server, ms: u64) -> u64 {
    let mut s = std::os::unix::net::UnixStream::connect(server.data().join("control.sock")).unwrap();
    s.write_all(format!("{{\"command\":\"move_clock\",\"ms\":{ms}}}\n").as_bytes()).unwrap();
    let mut line = String::new();
    BufReader::new(&s).read_line(&mut line).unwrap();
    let v: Value = serde_json::from_str(&line).unwrap();
    v["Done"]["queued"].as_u64().unwrap_or_else(|| panic!("moving the clock: {line}"))
}

/// A message's part of type `mimetype` ("text/plain", "text/html"), decoded, with the line
/// ends the template had.
pub fn part_of(raw: &[u8], mimetype: &str) -> String {
    fn find(part: &mailparse::ParsedMail, mimetype: &str) -> Option<String> {
        if part.subparts.is_empty() {
            return (part.ctype.mimetype == mimetype).then(|| part.get_body().unwrap_or_default());
        }
        part.subparts.iter().find_map(|p| find(p, mimetype))
    }
    let parsed = mailparse::parse_mail(raw).expect("a parsable message");
    find(&parsed, mimetype).unwrap_or_else(|| panic!("no {mimetype} part")).replace("\r\n", "\n")
}

/// A real S3-compatible server for tests: moto's, from PyPI (`pip install "moto[server]"`),
/// with one empty bucket. Anything may sign requests to it; plain requests read and write.
pub struct Moto {
    pub port: u16,
    pub bucket: String,
    child: Child,
}

impl Moto {
    pub async fn start() -> Moto {
        let port = free_port();
        let child = Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m moto.server (pip install \"moto[server]\")");
        let moto = Moto { port, bucket: "proofroom-test".into(), child };
        let http = reqwest::Client::new();
        wait_for("the S3 server to make a bucket", Duration::from_secs(60), || async {
            let r = http.put(moto.url("")).send().await;
            r.is_ok_and(|r| r.status().is_success())
        })
        .await;
        moto
    }

    /// The address of `key` in the bucket ("" for the bucket).
    pub fn url(&self, key: &str) -> String {
        format!("http://127.0.0.1:{}/{}/{key}", self.port, self.bucket)
    }

    /// The settings that put a server's blobs in this bucket.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("PROOFROOM_S3_BUCKET", self.bucket.clone()),
            ("PROOFROOM_S3_ENDPOINT", format!("http://127.0.0.1:{}", self.port)),
            ("PROOFROOM_S3_REGION", "us-east-1".into()),
            ("PROOFROOM_S3_ACCESS_KEY_ID", "testing".into()),
            ("PROOFROOM_S3_SECRET_ACCESS_KEY", "testing".into()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// Every object's key.
    pub async fn keys(&self) -> Vec<String> {
        let (mut keys, mut after) = (Vec::new(), String::new());
        loop {
            let url = format!("{}?list-type=2&start-after={after}", self.url(""));
            let xml = reqwest::get(url).await.unwrap().text().await.unwrap();
            let page: Vec<String> = xml
                .split("<Key>")
                .skip(1)
                .filter_map(|s| s.split("</Key>").next())
                .map(str::to_string)
                .collect();
            let Some(last) = page.last().cloned() else { return keys };
            keys.extend(page);
            if !xml.contains("<IsTruncated>true</IsTruncated>") {
                return keys;
            }
            after = last;
        }
    }

    /// The blob hashes the bucket holds, sorted.
    pub async fn hashes(&self) -> Vec<String> {
        let mut h: Vec<String> =
            self.keys().await.iter().filter_map(|k| k.rsplit('/').next()).map(str::to_string).collect();
        h.sort();
        h
    }

    /// Runs `op` ("get" or "put") on an object with boto3 (moto's own client: an independent
    /// reader, and moto refuses unsigned requests to objects). `put` sends `body`.
    fn boto(&self, op: &str, key: &str, body: &[u8]) -> Vec<u8> {
        let script = "import boto3, sys\n\
            s3 = boto3.client('s3', endpoint_url=sys.argv[1], region_name='us-east-1', \
            aws_access_key_id='testing', aws_secret_access_key='testing')\n\
            if sys.argv[4] == 'get':\n    \
                sys.stdout.buffer.write(s3.get_object(Bucket=sys.argv[2], Key=sys.argv[3])['Body'].read())\n\
            else:\n    \
                s3.put_object(Bucket=sys.argv[2], Key=sys.argv[3], Body=sys.stdin.buffer.read())";
        let mut child = Command::new("python3")
            .args(["-c", script, &format!("http://127.0.0.1:{}", self.port), &self.bucket, key, op])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python3 with boto3");
        child.stdin.take().unwrap().write_all(body).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "boto3 {op}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    pub fn get(&self, key: &str) -> Vec<u8> {
        self.boto("get", key, b"")
    }

    /// Replaces an object's bytes behind proofroom's back (bit rot in the bucket).
    pub fn put(&self, key: &str, bytes: &[u8]) {
        self.boto("put", key, bytes);
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blob's object key: named like its file on disk.
pub fn blob_key(hash: &str) -> String {
    format!("{}/{}/{hash}", &hash[0..2], &hash[2..4])
}

/// The hashes of the blob files on a data disk, sorted.
pub fn disk_hashes(data: &Path) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out)
            } else {
                out.push(e.file_name().to_string_lossy().into_owned())
            }
        }
    }
    let mut out = Vec::new();
    walk(&data.join("blobs"), &mut out);
    out.sort();
    out
}
