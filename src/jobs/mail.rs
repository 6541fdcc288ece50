//! The mail job: deliver one recorded message, keeping its status current so the Outbox
//! page shows queued, retrying (with the last error), sent, or failed.

use super::{Ctx, Outcome, done};
use crate::{
    db::{ClaimedJob, DbError},
    domain::{MailId, MailStatus, now_ms},
    mail::MailError,
};

pub(super) fn run(ctx: &Ctx, claimed: &ClaimedJob, id: MailId) -> Outcome {
    let mut mail = match ctx.db.mail(id) {
        Ok(Some(m)) => m,
        Ok(None) => return done(ctx.db.complete_job(claimed)),
        Err(e) => return Outcome::Retry(e.to_string()),
    };
    if matches!(mail.status, MailStatus::Sent { .. }) {
        return done(ctx.db.complete_job(claimed));
    }
    // A logo removed by `gc` since the message was queued: send it without one.
    let logo = mail.logo.and_then(|h| ctx.blobs.read(&h).ok());
    // Pictures too: a missing one is left out (empty), and the HTML shows its caption.
    let pictures: Vec<Vec<u8>> =
        mail.pictures.iter().map(|h| ctx.blobs.read(h).unwrap_or_default()).collect();
    let (status, outcome) = match ctx.mailer.deliver(&mail, logo.as_deref(), &pictures) {
        Ok(via) => (MailStatus::Sent { at_ms: now_ms(), via: via.into() }, None),
        Err(MailError::Invalid(e)) => (MailStatus::Failed { error: e }, None),
        Err(MailError::Transient(e)) => (
            MailStatus::Queued { attempts: claimed.job.attempts, last_error: Some(e.clone()) },
            Some(Outcome::Retry(e)),
        ),
    };
    mail.status = status;
    if let Err(e) = ctx.db.put_mail(&mail) {
        return Outcome::Retry(e.to_string());
    }
    match outcome {
        Some(retry) => retry,
        None => done(ctx.db.complete_job(claimed)),
    }
}

pub(super) fn fail(ctx: &Ctx, claimed: &ClaimedJob, id: MailId, reason: &str) -> Result<(), DbError> {
    if let Some(mut m) = ctx.db.mail(id)? {
        let last = match &m.status {
            MailStatus::Queued { last_error: Some(e), .. } => format!("{reason} (last error: {e})"),
            _ => reason.to_string(),
        };
        m.status = MailStatus::Failed { error: last };
        ctx.db.put_mail(&m)?;
    }
    ctx.db.complete_job(claimed)
}
