//! The messages proofroom sends on the photographer's behalf, queued as durable mail jobs.

use super::{App, AppError, Result};
use crate::{
    domain::{Gallery, GalleryId, JobKind, Mail, MailId, MailStatus, now_ms},
    mail::{self, templates},
};

/// A message ready to queue (written by the caller's transaction, or by `queue`).
pub(super) fn message(to: &str, content: templates::Content, logo: Option<crate::domain::Hash>) -> Mail {
    Mail {
        id: MailId::new(),
        to: to.trim().to_string(),
        subject: content.subject,
        text: content.text,
        html: content.html,
        logo,
        pictures: Vec::new(),
        created_ms: now_ms(),
        status: MailStatus::Queued { attempts: 0, last_error: None },
        journey: None,
    }
}

/// Records a message and queues its sending, in one transaction. `logo` is the image the
/// HTML shows as `cid:logo`, if any.
pub async fn queue(
    state: &App,
    to: &str,
    content: templates::Content,
    logo: Option<crate::domain::Hash>,
) -> Result<Mail> {
    let to = to.trim();
    if !mail::valid_address(to) {
        return Err(AppError::Invalid(format!("“{to}” is not an e-mail address")));
    }
    let m = message(to, content, logo);
    let rec = m.clone();
    state.with_db(move |db| Ok(db.queue_mail(&rec)?)).await?;
    state.jobs.wake();
    Ok(m)
}

/// Queues a message to a client, in the studio's branding (with its logo when it has one).
async fn to_client(
    state: &App,
    to: &str,
    content: impl FnOnce(&templates::Brand) -> templates::Content,
) -> Result<Mail> {
    let studio = super::studio::get(state).await?;
    let brand = super::studio::mail_brand(state, &studio);
    queue(state, to, content(&brand), studio.logo).await
}

/// Sends a client the link to their gallery.
pub async fn invite(
    state: &App,
    email: &str,
    gallery: &Gallery,
    url: &str,
    entry: templates::Entry,
) -> Result<Mail> {
    to_client(state, email, |b| templates::invitation(b, &gallery.title, url, entry)).await
}

/// Sends one-time sign-in links: (gallery title, URL) for each gallery the address opens.
pub async fn sign_in(state: &App, email: &str, links: &[(String, String)]) -> Result<Mail> {
    let minutes = crate::domain::MAGIC_LINK_TTL_MS / 60_000;
    to_client(state, email, |b| templates::sign_in(b, links, minutes)).await
}

/// Tells the photographer a selection came in: a `SelectionNotice` job, queued once per
/// gallery, sends one message for every selection since the last one. The first goes out
/// within seconds; later ones at most every `NOTICE_GAP_MS`, so a crowd submitting (or a
/// script) makes one mail, not hundreds.
pub async fn selection_submitted(state: &App, gallery: GalleryId) -> Result<()> {
    state
        .with_db(move |db| {
            let last = db
                .meta_get(&super::digests::last_notice_key(gallery))?
                .and_then(|v| v.try_into().ok())
                .map_or(0, u64::from_le_bytes);
            let at = (now_ms() + NOTICE_DELAY_MS).max(last + NOTICE_GAP_MS);
            Ok(db.enqueue(
                JobKind::SelectionNotice { gallery },
                at,
                Some(&format!("selection-notice:{gallery}")),
            )?)
        })
        .await?;
    state.jobs.wake();
    Ok(())
}

/// A moment for a client who submits in two sets at once to make one notice.
const NOTICE_DELAY_MS: u64 = 5_000;
const NOTICE_GAP_MS: u64 = 10 * 60_000;

/// Confirms to the client what they submitted.
pub async fn selection_confirmation(
    state: &App,
    gallery: &Gallery,
    to: &str,
    filenames: &[String],
) -> Result<Mail> {
    to_client(state, to, |b| templates::selection_confirmation(b, &gallery.title, filenames)).await
}

/// A client left a note: a digest follows after a delay, gathering the notes that come.
pub async fn comment_added(state: &App, gallery: GalleryId) -> Result<()> {
    let at = now_ms() + state.config.mail.digest_delay_ms;
    let key = format!("comment-digest:{gallery}");
    state.with_db(move |db| Ok(db.enqueue(JobKind::CommentDigest { gallery }, at, Some(&key))?)).await?;
    state.jobs.wake();
    Ok(())
}

/// The newest messages for the Outbox page.
pub async fn outbox(state: &App) -> Result<Vec<Mail>> {
    state.with_db(move |db| Ok(db.mails(500)?)).await
}
