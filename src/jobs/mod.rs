//! Background work: workers claim jobs from the durable queue in redb, run them on blocking
//! threads, and delete or reschedule them. A handler answers done, retry or abort; a panic
//! inside one is caught and ends that job only. Leases left by a killed process are taken
//! back at start-up (`Db::reclaim_leases`), so acknowledged work is never lost.

mod lane;
mod mail;
mod renditions;
mod watermark;

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use tokio::sync::Notify;

use crate::{
    blobs::Blobs,
    db::{ClaimedJob, Db, DbError},
    domain::{JobKind, Mail, now_ms},
    mail::Mailer,
    media::Limits,
};

/// Writes the messages of gathering jobs when they come due (a digest of a gallery's new
/// comments, a notice of its new selections): the rules of what they say belong to the app,
/// which passes one of these to `Jobs::new`. `None` when there is nothing new to tell.
pub trait Compose: Send + Sync {
    fn compose(&self, db: &Db, kind: &JobKind) -> Result<Option<Mail>, DbError>;
}

/// How long a worker may hold a job before another may take it.
const LEASE_MS: u64 = 10 * 60 * 1000;
/// Attempts before a job that keeps failing for transient reasons is given up.
const MAX_ATTEMPTS: u32 = 5;
/// Upper bound on how long an idle worker sleeps before looking at the queue again.
const IDLE_POLL: Duration = Duration::from_secs(5);

/// What a job handler decided.
pub enum Outcome {
    /// Finished (its result, if any, was stored by the handler).
    Done,
    /// A passing failure: try again later.
    Retry(String),
    /// The disk is full (or the database cannot write): try again once there may be space,
    /// without counting an attempt, so a full disk never turns photos into failures.
    Stalled(String),
}

/// How long a job stalled by a full disk waits before it looks again.
const STALL_WAIT_MS: u64 = 60_000;

/// `Retry`, or `Stalled` when the error is a full disk.
fn retry_io(e: &std::io::Error) -> Outcome {
    if crate::blobs::is_disk_full(e) {
        Outcome::Stalled(e.to_string())
    } else {
        Outcome::Retry(e.to_string())
    }
}

/// The handle the rest of the program holds: wake the workers after enqueuing.
#[derive(Clone)]
pub struct Jobs {
    ctx: Arc<Ctx>,
}

/// What the workers use.
pub struct Workers {
    pub db: Db,
    pub blobs: Blobs,
    /// Decoding limits for renditions.
    pub limits: Limits,
    pub mailer: Mailer,
    /// The studio's name: the watermark's text when the photographer has not set one.
    pub studio: String,
    pub compose: Box<dyn Compose>,
}

/// What job handlers may use.
struct Ctx {
    db: Db,
    blobs: Blobs,
    limits: Limits,
    mailer: Mailer,
    studio: String,
    compose: Box<dyn Compose>,
    wake: Notify,
    counts: Counts,
}

/// Jobs finished since the start, by kind (what `/metrics` reports as rates).
#[derive(Default)]
struct Counts {
    renditions: AtomicU64,
    mails: AtomicU64,
    other: AtomicU64,
    aborted: AtomicU64,
}

/// A reading of the counts.
#[derive(Clone, Copy, Debug, Default)]
pub struct Finished {
    /// Photos whose renditions were made.
    pub renditions: u64,
    /// Mails handed to the SMTP server (or the outbox).
    pub mails: u64,
    pub other: u64,
    /// Jobs given up on (a bad file, a mail refused for good).
    pub aborted: u64,
}

impl Jobs {
    pub fn new(w: Workers) -> Self {
        let Workers { db, blobs, limits, mailer, studio, compose } = w;
        let wake = Notify::new();
        Jobs {
            ctx: Arc::new(Ctx {
                db,
                blobs,
                limits,
                mailer,
                studio,
                compose,
                wake,
                counts: Counts::default(),
            }),
        }
    }

    /// How many jobs of each kind finished since the start.
    pub fn finished(&self) -> Finished {
        let c = &self.ctx.counts;
        Finished {
            renditions: c.renditions.load(Ordering::Relaxed),
            mails: c.mails.load(Ordering::Relaxed),
            other: c.other.load(Ordering::Relaxed),
            aborted: c.aborted.load(Ordering::Relaxed),
        }
    }

    /// Tells idle workers there is new work.
    pub fn wake(&self) {
        self.ctx.wake.notify_waiters();
    }

    /// Takes back leases of a previous process and starts `n` workers.
    pub fn start(&self, n: usize) -> anyhow::Result<()> {
        let reclaimed = self.ctx.db.reclaim_leases(now_ms())?;
        if reclaimed > 0 {
            tracing::info!(reclaimed, "resuming jobs interrupted by the last shutdown");
        }
        for _ in 0..n {
            let ctx = self.ctx.clone();
            tokio::spawn(async move { worker(ctx, false).await });
        }
        Ok(())
    }

    /// Runs every due job until the queue is empty (used by `import`).
    pub async fn drain(&self, n: usize) -> anyhow::Result<()> {
        self.ctx.db.reclaim_leases(now_ms())?;
        let handles: Vec<_> = (0..n).map(|_| tokio::spawn(worker(self.ctx.clone(), true))).collect();
        for h in handles {
            h.await?;
        }
        Ok(())
    }
}

async fn worker(ctx: Arc<Ctx>, stop_when_idle: bool) {
    let lane = match lane::Lane::spawn("proofroom-job".into()) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("cannot start a job thread: {e}");
            return;
        }
    };
    loop {
        // Register for wake-ups before looking, so an enqueue in between is not missed.
        let notified = ctx.wake.notified();
        let c = ctx.clone();
        // Claim, or learn how long until something is due, in one trip off the executor.
        let claimed = tokio::task::spawn_blocking(move || -> Result<_, DbError> {
            let now = now_ms();
            Ok(match c.db.claim_job(now, LEASE_MS)? {
                Some(job) => Ok(job),
                None => Err(c.db.next_job_at()?.map(|at| at.saturating_sub(now))),
            })
        })
        .await;
        match claimed {
            Ok(Ok(Ok(job))) => run(&ctx, &lane, job).await,
            Ok(Ok(Err(due_in))) => {
                if stop_when_idle {
                    return;
                }
                let wait = due_in.map_or(IDLE_POLL, |ms| Duration::from_millis(ms).min(IDLE_POLL));
                let _ = tokio::time::timeout(wait, notified).await;
            }
            Ok(Err(e)) => {
                tracing::error!("job queue: {e}");
                tokio::time::sleep(IDLE_POLL).await;
            }
            Err(e) => tracing::error!("job queue task: {e}"),
        }
    }
}

async fn run(ctx: &Arc<Ctx>, lane: &lane::Lane, claimed: ClaimedJob) {
    let c = ctx.clone();
    let job = claimed.clone();
    let result =
        lane.run(move || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(&c, &job)))).await;
    let outcome = match result {
        Some(Ok(o)) => o,
        Some(Err(_)) | None => {
            // A panic is a bug, not the file's fault: abort the job with a reason.
            abort(ctx, &claimed, "an internal error stopped processing (see the server log)");
            return;
        }
    };
    let db = &ctx.db;
    let res = match outcome {
        Outcome::Done => {
            let counter = match claimed.job.kind {
                JobKind::Renditions { .. } => &ctx.counts.renditions,
                JobKind::SendMail { .. } => &ctx.counts.mails,
                _ => &ctx.counts.other,
            };
            counter.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
        Outcome::Retry(why) if claimed.job.attempts >= MAX_ATTEMPTS => {
            abort(ctx, &claimed, &format!("gave up after {MAX_ATTEMPTS} attempts: {why}"));
            Ok(())
        }
        Outcome::Retry(why) => {
            let backoff = 1000 * 4u64.pow(claimed.job.attempts.min(8));
            tracing::warn!(job = claimed.job.id, "retrying in {backoff} ms: {why}");
            db.reschedule_job(&claimed, now_ms() + backoff, true)
        }
        Outcome::Stalled(why) => {
            tracing::warn!(job = claimed.job.id, "waiting for disk space: {why}");
            db.reschedule_job(&claimed, now_ms() + STALL_WAIT_MS, false)
        }
    };
    if let Err(e) = res {
        tracing::error!(job = claimed.job.id, "job queue: {e}");
    }
}

/// Ends a job that gathers news into one message: queues the message it `built` (if there
/// was news), then completes the job; a failure on the way retries the whole job.
fn finish_with_mail(ctx: &Ctx, claimed: &ClaimedJob, built: Result<Option<Mail>, DbError>) -> Outcome {
    let queued = built.and_then(|mail| match mail {
        Some(m) => ctx.db.queue_mail(&m),
        None => Ok(()),
    });
    match queued.and_then(|()| ctx.db.complete_job(claimed)) {
        Ok(()) => {
            ctx.wake.notify_waiters();
            Outcome::Done
        }
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

/// `Done` when the bookkeeping after a job succeeded, else `Retry` with why.
fn done(r: Result<(), DbError>) -> Outcome {
    match r {
        Ok(()) => Outcome::Done,
        Err(e) if e.is_disk_full() || e.is_storage_failure() => Outcome::Stalled(e.to_string()),
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

fn handle(ctx: &Ctx, claimed: &ClaimedJob) -> Outcome {
    match &claimed.job.kind {
        JobKind::Renditions { blob } => renditions::run(ctx, claimed, *blob),
        JobKind::SendMail { mail } => mail::run(ctx, claimed, *mail),
        kind @ (JobKind::CommentDigest { .. } | JobKind::SelectionNotice { .. }) => {
            finish_with_mail(ctx, claimed, ctx.compose.compose(&ctx.db, kind))
        }
        JobKind::Watermark { blob, mark } => watermark::run(ctx, claimed, *blob, *mark),
    }
}

/// Ends a job for good, recording why where its kind has a place for it.
fn abort(ctx: &Ctx, claimed: &ClaimedJob, reason: &str) {
    ctx.counts.aborted.fetch_add(1, Ordering::Relaxed);
    tracing::error!(job = claimed.job.id, "job aborted: {reason}");
    let res = match &claimed.job.kind {
        JobKind::Renditions { blob } => renditions::fail(ctx, claimed, *blob, reason),
        JobKind::SendMail { mail } => mail::fail(ctx, claimed, *mail, reason),
        JobKind::CommentDigest { .. } | JobKind::SelectionNotice { .. } | JobKind::Watermark { .. } => {
            ctx.db.complete_job(claimed)
        }
    };
    if let Err(e) = res {
        tracing::error!(job = claimed.job.id, "job queue: {e}");
    }
}
