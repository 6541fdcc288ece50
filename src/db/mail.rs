//! Outgoing mail records. A message is recorded and its sending job queued in one
//! transaction, so a message the app decided to send is never lost to a crash.

use redb::ReadableTable;

use super::{Db, Result, codec, jobs, tables::*};
use crate::domain::{JobKind, Mail, MailId, now_ms};

impl Db {
    pub fn queue_mail(&self, mail: &Mail) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(MAILS)?.insert(mail.id.key(), codec::encode(mail)?.as_slice())?;
        jobs::push(&txn, JobKind::SendMail { mail: mail.id }, now_ms(), None)?;
        txn.commit()?;
        Ok(())
    }

    pub fn mail(&self, id: MailId) -> Result<Option<Mail>> {
        let txn = self.read()?;
        let t = txn.open_table(MAILS)?;
        t.get(id.key())?.map(|v| codec::decode(v.value())).transpose()
    }

    pub fn put_mail(&self, mail: &Mail) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(MAILS)?.insert(mail.id.key(), codec::encode(mail)?.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// The newest `limit` messages, newest first.
    pub fn mails(&self, limit: usize) -> Result<Vec<Mail>> {
        let txn = self.read()?;
        let t = txn.open_table(MAILS)?;
        let mut out = Vec::new();
        for row in t.iter()?.rev().take(limit) {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// Calls `each` with every message, one at a time: years of mail (each with its HTML)
    /// need not fit in memory for a sweep.
    pub fn each_mail(&self, mut each: impl FnMut(Mail)) -> Result<()> {
        let txn = self.read()?;
        for row in txn.open_table(MAILS)?.iter()? {
            each(codec::decode(row?.1.value())?);
        }
        Ok(())
    }
}
