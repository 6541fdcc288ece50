//! The photographer's gathered news: one message with a gallery's notes since the last digest
//! (a few minutes after the first note), and one with the selections submitted since the last
//! notice (at most every ten minutes), instead of a mail per event. Queued as jobs under a
//! unique key per gallery (`notify`); written here when the job comes due.

use crate::{
    db::{Db, DbError},
    domain::{GalleryId, JobKind, Mail, MailId, MailStatus, lightroom_filter, now_ms},
    jobs::Compose,
    mail::templates,
};

/// The `meta` key holding when the last selection notice for `gallery` was written.
pub(super) fn last_notice_key(gallery: GalleryId) -> String {
    format!("selection-notice:{gallery}")
}

fn last_digest_key(gallery: GalleryId) -> String {
    format!("digest:{gallery}")
}

/// Writes the digests, with what it needs from the configuration.
pub(super) struct Composer {
    pub studio: String,
    pub base_url: String,
    /// The photographer's address.
    pub notify: String,
}

impl Compose for Composer {
    fn compose(&self, db: &Db, kind: &JobKind) -> Result<Option<Mail>, DbError> {
        match kind {
            JobKind::CommentDigest { gallery } => self.comments(db, *gallery),
            JobKind::SelectionNotice { gallery } => self.selections(db, *gallery),
            _ => Ok(None),
        }
    }
}

/// When the news was last told, and from now on: now.
fn since(db: &Db, key: &str) -> Result<u64, DbError> {
    let last = db.meta_get(key)?.and_then(|v| v.try_into().ok()).map_or(0, u64::from_le_bytes);
    db.meta_set(key, &now_ms().to_le_bytes())?;
    Ok(last)
}

impl Composer {
    fn comments(&self, db: &Db, gallery: GalleryId) -> Result<Option<Mail>, DbError> {
        let Some(g) = db.gallery(gallery)? else { return Ok(None) };
        let since = since(db, &last_digest_key(gallery))?;
        let photos = db.photos(gallery)?;
        let comments: Vec<(String, String, bool)> = db
            .comments(gallery)?
            .into_iter()
            .filter(|c| c.visitor.is_some() && c.created_ms > since)
            .map(|c| {
                let file =
                    photos.iter().find(|p| p.id == c.photo).map(|p| p.filename.clone()).unwrap_or_default();
                (file, c.text, c.retouch)
            })
            .collect();
        if comments.is_empty() {
            return Ok(None);
        }
        let c = templates::comment_digest(&self.studio, &g.title, &comments, &self.admin_url(gallery));
        Ok(Some(self.to_photographer(c)))
    }

    fn selections(&self, db: &Db, gallery: GalleryId) -> Result<Option<Mail>, DbError> {
        let Some(g) = db.gallery(gallery)? else { return Ok(None) };
        let since = since(db, &last_notice_key(gallery))?;
        let photos = db.photos(gallery)?;
        let links = db.shares(gallery)?;
        let mut entries = Vec::new();
        for v in db.visitors(gallery)? {
            let sel = db.selection(v.id, gallery)?;
            if sel.submitted_ms.is_none_or(|t| t <= since) {
                continue;
            }
            let filenames: Vec<String> =
                photos.iter().filter(|p| sel.photos.contains(&p.id)).map(|p| p.filename.clone()).collect();
            let who = v.name.clone().unwrap_or_else(|| {
                let link =
                    links.iter().find(|l| l.id == v.share).map(|l| l.label.as_str()).unwrap_or_default();
                format!("A visitor of the link \"{link}\"")
            });
            entries.push(templates::Submitted {
                who,
                count: filenames.len(),
                lightroom: lightroom_filter(&filenames),
                message: sel.message.clone(),
            });
        }
        if entries.is_empty() {
            return Ok(None);
        }
        let c = templates::selections_submitted(&self.studio, &g.title, &entries, &self.admin_url(gallery));
        Ok(Some(self.to_photographer(c)))
    }

    fn admin_url(&self, gallery: GalleryId) -> String {
        format!("{}/admin/galleries/{gallery}/selections", self.base_url)
    }

    fn to_photographer(&self, c: templates::Content) -> Mail {
        Mail {
            id: MailId::new(),
            to: self.notify.clone(),
            subject: c.subject,
            text: c.text,
            html: c.html,
            logo: None,
            pictures: Vec::new(),
            created_ms: now_ms(),
            status: MailStatus::Queued { attempts: 0, last_error: None },
            journey: None,
        }
    }
}
