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
    if matches!(mail.status, MailStatus::Sent { .. } | MailStatus::Failed { .. }) {
        return done(ctx.db.complete_job(claimed));
    }
    if let Some(j) = &mail.journey {
        // A journey message is news, not a receipt: better lost in a rare crash than sent
        // twice, and never for a gallery that is gone or to someone who unsubscribed.
        let why_not = match (&mail.status, ctx.db.gallery(j.gallery), ctx.db.is_unsubscribed(&mail.to)) {
            (_, Err(e), _) | (_, _, Err(e)) => return Outcome::Retry(e.to_string()),
            (MailStatus::Sending { .. }, ..) => Some(
                "interrupted while it was being sent (the server stopped): it may have arrived, so it is not sent again",
            ),
            (_, Ok(None), _) => Some("not sent: its gallery was deleted"),
            (_, _, Ok(true)) => Some("not sent: the address unsubscribed"),
            _ => None,
        };
        if let Some(why) = why_not {
            mail.status = MailStatus::Failed { error: why.into() };
            return done(ctx.db.put_mail(&mail).and_then(|()| ctx.db.complete_job(claimed)));
        }
        let sending =
            crate::domain::Mail { status: MailStatus::Sending { since_ms: now_ms() }, ..mail.clone() };
        if let Err(e) = ctx.db.put_mail(&sending) {
            return Outcome::Retry(e.to_string());
        }
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
