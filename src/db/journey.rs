//! The journey's bookkeeping: which message went to whom (so each goes once, across
//! restarts and crashes) and which addresses unsubscribed.

use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::{Db, Result, codec, jobs, tables::*};
use crate::domain::{GalleryId, JobKind, Mail, MailId, journey::Automation, now_ms};

/// One journey message to one address of one gallery: when it was queued, and which mail.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Sent {
    pub automation: Automation,
    pub to: String,
    pub at_ms: u64,
    pub mail: MailId,
}

fn key(gallery: GalleryId, a: Automation, to: &str) -> String {
    format!("{gallery}/{}/{}", a.as_str(), to.to_lowercase())
}

/// Every key of a gallery starts with this; '0' follows '/' in ASCII, so the range ends there.
fn prefix_range(gallery: GalleryId) -> (String, String) {
    (format!("{gallery}/"), format!("{gallery}0"))
}

/// Forgets a deleted gallery's journey, inside the deleting transaction.
pub(super) fn forget_gallery(txn: &redb::WriteTransaction, gallery: u128) -> Result<()> {
    let (from, to) = prefix_range(GalleryId(ulid::Ulid(gallery)));
    let mut t = txn.open_table(JOURNEY_SENT)?;
    let keys: Vec<String> = t
        .range(from.as_str()..to.as_str())?
        .map(|r| r.map(|(k, _)| k.value().to_string()))
        .collect::<std::result::Result<_, _>>()?;
    for k in keys {
        t.remove(k.as_str())?;
    }
    Ok(())
}

impl Db {
    /// Records `mail` as `a` to its address in `gallery` and queues it, in one transaction;
    /// nothing when that message was already recorded. Returns whether it was queued.
    pub fn queue_journey_mail(&self, gallery: GalleryId, a: Automation, mail: &Mail) -> Result<bool> {
        let txn = self.write()?;
        {
            let k = key(gallery, a, &mail.to);
            let mut sent = txn.open_table(JOURNEY_SENT)?;
            if sent.get(k.as_str())?.is_some() {
                return Ok(false);
            }
            let rec = Sent { automation: a, to: mail.to.to_lowercase(), at_ms: now_ms(), mail: mail.id };
            sent.insert(k.as_str(), codec::encode(&rec)?.as_slice())?;
            txn.open_table(MAILS)?.insert(mail.id.key(), codec::encode(mail)?.as_slice())?;
            jobs::push(&txn, JobKind::SendMail { mail: mail.id }, now_ms(), None)?;
        }
        txn.commit()?;
        Ok(true)
    }

    /// Notes `a` as sent to `to` without a message of its own (the photographer's own
    /// invitation went out when the access was made). Returns whether it was new.
    pub fn note_journey_sent(
        &self,
        gallery: GalleryId,
        a: Automation,
        to: &str,
        mail: MailId,
    ) -> Result<bool> {
        let txn = self.write()?;
        let new = {
            let k = key(gallery, a, to);
            let mut sent = txn.open_table(JOURNEY_SENT)?;
            let new = sent.get(k.as_str())?.is_none();
            if new {
                let rec = Sent { automation: a, to: to.to_lowercase(), at_ms: now_ms(), mail };
                sent.insert(k.as_str(), codec::encode(&rec)?.as_slice())?;
            }
            new
        };
        txn.commit()?;
        Ok(new)
    }

    /// What the journey of `gallery` has sent so far.
    pub fn journey_sent(&self, gallery: GalleryId) -> Result<Vec<Sent>> {
        let (from, to) = prefix_range(gallery);
        let txn = self.read()?;
        let t = txn.open_table(JOURNEY_SENT)?;
        let mut out = Vec::new();
        for row in t.range(from.as_str()..to.as_str())? {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// `email` gets no more journey messages (`false`: it gets them again).
    pub fn set_unsubscribed(&self, email: &str, unsubscribed: bool) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(UNSUBSCRIBED)?;
            let e = email.trim().to_lowercase();
            if unsubscribed {
                t.insert(e.as_str(), now_ms())?;
            } else {
                t.remove(e.as_str())?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    pub fn is_unsubscribed(&self, email: &str) -> Result<bool> {
        let txn = self.read()?;
        Ok(txn.open_table(UNSUBSCRIBED)?.get(email.trim().to_lowercase().as_str())?.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MailStatus;

    fn mail(to: &str) -> Mail {
        Mail {
            id: MailId::new(),
            to: to.into(),
            subject: "s".into(),
            text: "t".into(),
            html: "h".into(),
            logo: None,
            pictures: vec![],
            created_ms: 0,
            status: MailStatus::Queued { attempts: 0, last_error: None },
            journey: None,
        }
    }

    #[test]
    fn a_message_is_queued_once_per_gallery_automation_and_address() {
        let (_dir, db) = super::super::open_temp();
        let (g, other) = (GalleryId::new(), GalleryId::new());
        assert!(db.queue_journey_mail(g, Automation::NotOpened, &mail("Ann@x.org")).unwrap());
        assert!(
            !db.queue_journey_mail(g, Automation::NotOpened, &mail("ann@x.org")).unwrap(),
            "same, any case"
        );
        assert!(db.queue_journey_mail(g, Automation::Deadline, &mail("ann@x.org")).unwrap());
        assert!(db.queue_journey_mail(other, Automation::NotOpened, &mail("ann@x.org")).unwrap());
        assert_eq!(db.journey_sent(g).unwrap().len(), 2);
        assert_eq!(db.mails(10).unwrap().len(), 3);
        db.set_unsubscribed("ANN@x.org", true).unwrap();
        assert!(db.is_unsubscribed("ann@x.org").unwrap());
        db.set_unsubscribed("ann@x.org", false).unwrap();
        assert!(!db.is_unsubscribed("ann@x.org").unwrap());
    }
}
