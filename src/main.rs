//! proofroom: client proofing, ordering, delivery and archive hosting for a solo
//! photographer, in one binary. This file is the command line; `web::serve` is the server;
//! everything else is the library (`lib.rs`).

use std::{io::Read, path::PathBuf, process::ExitCode};

use clap::{Parser, Subcommand};
use proofroom::{
    app::{self, App},
    config::{Config, Settings},
    web,
};

#[derive(Parser)]
#[command(
    name = "proofroom",
    version,
    about = "Client proofing, delivery and archive for photographers, in one binary."
)]
struct Cli {
    /// A TOML config file [default: ./proofroom.toml if present]
    #[arg(long, short, env = "PROOFROOM_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (what runs with no sub-command)
    Serve,
    /// Manage the photographer's account
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Manage API tokens
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Import every image in a folder (e.g. a Lightroom export) into a gallery, and make its
    /// renditions; stop the server first
    Import {
        /// The folder to import (files directly in it, sorted by name)
        dir: PathBuf,
        /// The gallery's title; created at the top level unless one has this title
        #[arg(long)]
        gallery: String,
        /// Mark the imported photos (and replaced ones) as final
        #[arg(long = "final")]
        mark_final: bool,
    },
    /// Re-hash every blob (or a rotating share) and check every record's references, also
    /// while the server runs; exits non-zero on problems
    Check {
        /// Re-hash only this share of the blobs, going on where the last sampled check
        /// stopped (e.g. `5%` nightly covers every blob in 20 nights)
        #[arg(long, value_parser = parse_percent)]
        sample: Option<u32>,
    },
    /// Remove blobs that nothing refers to any more; stop the server first
    Gc,
    /// Back everything up into a folder (a database snapshot, the photos, a manifest), also
    /// while the server runs; files already in the folder are not copied again
    Backup {
        /// The backup folder (created if missing; keep using the same one)
        dest: PathBuf,
    },
    /// Restore a backup folder into the (empty) data directory
    Restore {
        /// The backup folder made by `proofroom backup`
        from: PathBuf,
    },
    /// Manage where the photos are stored
    Blobs {
        #[command(subcommand)]
        command: BlobsCommand,
    },
    /// Exit 0 if the server at the configured address answers /healthz (for Docker)
    Healthcheck,
    /// Make the renditions of one image file into a folder, as the server would (to check
    /// how proofroom sees a file, and for benchmarks); needs no data directory
    Render {
        /// The image (JPEG, PNG, WebP, TIFF)
        file: PathBuf,
        /// Where to write thumb.jpg and preview.jpg
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Also write preview-wm.jpg with this text as watermark (centre, 40 %, 40 % wide)
        #[arg(long)]
        watermark: Option<String>,
    },
}

#[derive(Subcommand)]
enum BlobsCommand {
    /// Copy every blob to the bucket (`--to s3`) or back to the data disk (`--to disk`),
    /// verifying each by its hash; stop the server first. Resumable: run it again after an
    /// interruption. Then set (or remove) the s3_* settings and start the server
    Migrate {
        /// Where the blobs go
        #[arg(long, value_enum)]
        to: app::storage::Target,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Set the admin password, read from standard input (signs every session out)
    SetPassword,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token and print it (it is shown only once)
    Create {
        /// What the token is for, e.g. "lightroom-plugin"
        #[arg(long)]
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PROOFROOM_LOG").unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match Config::resolve(cli.settings, cli.config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command.unwrap_or(Command::Serve), config)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<ExitCode> {
    match &command {
        Command::Healthcheck => return Ok(healthcheck(&config)),
        Command::Render { file, out, watermark } => {
            let r = app::maintenance::render_file(&config, file, out, watermark.as_deref())?;
            println!("{r}");
            return Ok(ExitCode::SUCCESS);
        }
        Command::Restore { from } => {
            let r = app::backup::restore(from, &config.data_dir)?;
            println!(
                "restored {} file(s), {} bytes, and the database into {}",
                r.blobs,
                r.bytes,
                config.data_dir.display()
            );
            return Ok(ExitCode::SUCCESS);
        }
        Command::Blobs { command: BlobsCommand::Migrate { to } } => {
            let r = app::storage::migrate(&config, *to).await?;
            println!("{}", serde_json::to_string(&r)?);
            for h in &r.damaged {
                eprintln!("NOT COPIED: blob {h} no longer matches its hash at the source");
            }
            eprintln!("{}", app::storage::next_step(*to, &r));
            return Ok(if r.damaged.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE });
        }
        Command::Check { sample } => {
            let req = proofroom::control::Request::Check { sample: *sample };
            if let Some(answer) = proofroom::control::ask(&config.data_dir, &req) {
                return Ok(match answer? {
                    proofroom::control::Answer::Done(r) => check_done(&r),
                    proofroom::control::Answer::Failed(e) => {
                        eprintln!("error: {e}");
                        ExitCode::FAILURE
                    }
                });
            }
        }
        Command::Backup { dest } => {
            // A running server holds the database: it makes the backup itself.
            let dest = std::path::absolute(dest)?;
            let req = proofroom::control::Request::Backup { dest: dest.clone() };
            if let Some(answer) = proofroom::control::ask(&config.data_dir, &req) {
                return Ok(match answer? {
                    proofroom::control::Answer::Done(r) => backup_done(&r, &dest),
                    proofroom::control::Answer::Failed(e) => {
                        eprintln!("error: {e}");
                        ExitCode::FAILURE
                    }
                });
            }
        }
        _ => {}
    }
    let workers = config.workers;
    let state = App::open(config)?;
    match command {
        Command::Serve => web::serve(state).await?,
        Command::Admin { command: AdminCommand::SetPassword } => {
            eprintln!("New admin password (then Enter):");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line)?;
            app::auth::set_password(&state, line.trim_end_matches(['\r', '\n'])).await?;
            println!("Password set. Every existing session was signed out.");
        }
        Command::Token { command: TokenCommand::Create { name } } => {
            let token = app::auth::create_api_token(&state, &name).await?;
            println!("{token}");
            eprintln!(
                "Keep this token safe: it is shown only once. Use it as `Authorization: Bearer <token>`."
            );
        }
        Command::Import { dir, gallery, mark_final } => {
            let (n, skipped) = app::maintenance::import_dir(&state, &dir, &gallery, mark_final).await?;
            for s in &skipped {
                eprintln!("skipped {s}");
            }
            println!("Imported {n} photo(s) into \"{gallery}\"; making renditions…");
            state.finish_work(workers).await?;
            println!("Done.");
        }
        Command::Check { sample } => {
            let r = app::maintenance::check(&state, sample).await?;
            return Ok(check_done(&serde_json::to_value(&r)?));
        }
        Command::Gc => {
            let r = app::maintenance::gc(&state).await?;
            println!("removed {} unreferenced blob(s), {} bytes", r.removed, r.bytes);
        }
        Command::Backup { dest } => {
            let r = app::backup::backup(&state, &dest).await?;
            return Ok(backup_done(&serde_json::to_value(&r)?, &dest));
        }
        Command::Healthcheck | Command::Render { .. } | Command::Restore { .. } | Command::Blobs { .. } => {
            unreachable!("handled above")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A bare HTTP/1.0 request to /healthz, so the Docker image needs no curl.
/// `5%` or `5`: a share from 1 to 100 per cent.
fn parse_percent(s: &str) -> Result<u32, String> {
    s.trim()
        .trim_end_matches('%')
        .parse::<u32>()
        .ok()
        .filter(|p| (1..=100).contains(p))
        .ok_or_else(|| format!("{s:?} is not a share from 1% to 100%"))
}

/// Prints what `check` found; exit 1 on any problem.
fn check_done(r: &serde_json::Value) -> ExitCode {
    let problems: Vec<&str> =
        r["problems"].as_array().map(|p| p.iter().filter_map(|x| x.as_str()).collect()).unwrap_or_default();
    for p in &problems {
        println!("PROBLEM: {p}");
    }
    println!(
        "checked {} photos and {} blobs ({} re-hashed): {} problem(s)",
        r["photos"],
        r["blobs"],
        r["rehashed"],
        problems.len()
    );
    if problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Prints a backup's report (as JSON, one line, for scripts) and whether it is whole.
fn backup_done(report: &serde_json::Value, dest: &std::path::Path) -> ExitCode {
    println!("{report}");
    let problems = report["problems"].as_array().map_or(0, |p| p.len());
    if problems > 0 {
        eprintln!("backup into {}: {problems} file(s) could not be copied (see above)", dest.display());
        return ExitCode::FAILURE;
    }
    eprintln!(
        "backed up into {}: {} new file(s), {} bytes",
        dest.display(),
        report["copied"],
        report["bytes"]
    );
    ExitCode::SUCCESS
}

fn healthcheck(config: &Config) -> ExitCode {
    use std::{io::Write, net::TcpStream, time::Duration};
    let mut addr = config.listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let probe = || -> std::io::Result<bool> {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(3))?;
        s.set_read_timeout(Some(Duration::from_secs(3)))?;
        s.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut buf = String::new();
        s.read_to_string(&mut buf)?;
        Ok(buf.starts_with("HTTP/1.0 200") || buf.starts_with("HTTP/1.1 200"))
    };
    match probe() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("healthcheck: {e}");
            ExitCode::FAILURE
        }
    }
}
