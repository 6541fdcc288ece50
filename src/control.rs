//! A local door for commands to a running server: a Unix socket in the data directory
//! (`control.sock`, for its owner only), so `proofroom backup` and `check` work while the
//! server holds the database. Whoever may open the socket may read the data directory anyway. One
//! request per connection: a JSON line in, a JSON line out.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::app::{self, App};

pub const SOCKET: &str = "control.sock";

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Request {
    /// Back the store up into `dest` (an absolute path).
    Backup { dest: PathBuf },
    /// Check the store: every reference, and all blobs or a rotating percentage re-hashed.
    Check { sample: Option<u32> },
    /// Move the clock `ms` forward, then send what the journey has due (servers started
    /// with `PROOFROOM_TEST_CLOCK=1` only; `ms` 0 just sends what is due).
    MoveClock { ms: u64 },
}

/// The answer: the report as JSON, or why it failed.
#[derive(Debug, Serialize, Deserialize)]
pub enum Answer {
    Done(serde_json::Value),
    Failed(String),
}

async fn answer(app: &App, req: Request) -> Answer {
    match req {
        Request::Backup { dest } => match app::backup::backup(app, &dest).await {
            Ok(r) => Answer::Done(serde_json::to_value(&r).unwrap_or_default()),
            Err(e) => Answer::Failed(e.to_string()),
        },
        Request::Check { sample } => match app::maintenance::check(app, sample).await {
            Ok(r) => Answer::Done(serde_json::to_value(&r).unwrap_or_default()),
            Err(e) => Answer::Failed(e.to_string()),
        },
        Request::MoveClock { ms } => {
            if ms > 0 && !app.config().test_clock {
                return Answer::Failed("this server's clock is not movable (PROOFROOM_TEST_CLOCK=1)".into());
            }
            let now = crate::domain::move_clock(ms);
            match app::journey::sweep(app).await {
                Ok(queued) => Answer::Done(serde_json::json!({ "moved_ms": now, "queued": queued })),
                Err(e) => Answer::Failed(e.to_string()),
            }
        }
    }
}

/// Serves the socket for as long as the server runs.
#[cfg(unix)]
pub async fn listen(app: App, data_dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;

    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

    let path = data_dir.join(SOCKET);
    // A socket left by a server that was killed: nobody answers on it.
    if path.exists() {
        std::fs::remove_file(&path)?;
    }
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { continue };
            let app = app.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut line = String::new();
                // One short line: a request longer than this is not one of ours.
                let mut reader = BufReader::new(tokio::io::AsyncReadExt::take(read, 64 << 10));
                if reader.read_line(&mut line).await.is_err() {
                    return;
                }
                let answer = match serde_json::from_str::<Request>(&line) {
                    Ok(req) => answer(&app, req).await,
                    Err(e) => Answer::Failed(format!("not a request: {e}")),
                };
                let mut out = serde_json::to_vec(&answer).unwrap_or_default();
                out.push(b'\n');
                let _ = write.write_all(&out).await;
            });
        }
    });
    Ok(())
}

#[cfg(not(unix))]
pub async fn listen(_app: App, _data_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// Asks the server running on `data_dir`; `None` when none listens there (the command
/// then opens the store itself).
#[cfg(unix)]
pub fn ask(data_dir: &Path, req: &Request) -> Option<std::io::Result<Answer>> {
    use std::io::{BufRead, BufReader, Write};

    let mut stream = std::os::unix::net::UnixStream::connect(data_dir.join(SOCKET)).ok()?;
    let mut run = || -> std::io::Result<Answer> {
        let mut line = serde_json::to_vec(req)?;
        line.push(b'\n');
        stream.write_all(&line)?;
        let mut answer = String::new();
        BufReader::new(&stream).read_line(&mut answer)?;
        serde_json::from_str(&answer).map_err(std::io::Error::other)
    };
    Some(run())
}

#[cfg(not(unix))]
pub fn ask(_data_dir: &Path, _req: &Request) -> Option<std::io::Result<Answer>> {
    None
}
