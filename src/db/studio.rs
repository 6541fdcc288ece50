//! The studio's settings (in the meta table) and watermarked previews, keyed by
//! (source blob, watermark fingerprint).

use redb::ReadableTable;

use super::{Db, Result, codec, jobs, tables::*};
use crate::domain::{Hash, JobKind, Rendition, Studio, Watermarked, now_ms};

const STUDIO_KEY: &str = "studio";

fn key(source: Hash, mark: Hash) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    h.update(&source.0);
    h.update(&mark.0);
    *h.finalize().as_bytes()
}

impl Db {
    pub fn studio(&self) -> Result<Studio> {
        Ok(self.meta_get(STUDIO_KEY)?.map(|b| codec::decode(&b)).transpose()?.unwrap_or_default())
    }

    /// Changes the studio's settings with `change` inside one write transaction, so two
    /// saves at once (the logo in one tab, prices in another) cannot undo each other.
    /// `change` returns `Err(reason)` to refuse; nothing is written then.
    pub fn update_studio<E>(
        &self,
        change: impl FnOnce(&mut Studio) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<Studio, E>> {
        let txn = self.write()?;
        let result = {
            let mut t = txn.open_table(META)?;
            let mut s: Studio =
                t.get(STUDIO_KEY)?.map(|v| codec::decode(v.value())).transpose()?.unwrap_or_default();
            match change(&mut s) {
                Ok(()) => {
                    t.insert(STUDIO_KEY, codec::encode(&s)?.as_slice())?;
                    Ok(s)
                }
                Err(e) => Err(e),
            }
        };
        if result.is_ok() {
            txn.commit()?;
        }
        Ok(result)
    }

    /// The watermarked previews of many sources with one mark (a gallery page).
    pub fn watermarked_many(&self, sources: &[Hash], mark: Hash) -> Result<Vec<Option<Rendition>>> {
        let txn = self.read()?;
        let t = txn.open_table(WATERMARKED)?;
        sources
            .iter()
            .map(|s| {
                let rec: Option<Watermarked> =
                    t.get(&key(*s, mark))?.map(|v| codec::decode(v.value())).transpose()?;
                Ok(rec.map(|r| r.rendition))
            })
            .collect()
    }

    /// Records a watermarked preview and ends its job, in one transaction.
    pub fn complete_job_with_watermark(&self, claimed: &jobs::ClaimedJob, w: &Watermarked) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(WATERMARKED)?.insert(&key(w.source, w.mark), codec::encode(w)?.as_slice())?;
        jobs::remove(&txn, claimed)?;
        txn.commit()?;
        Ok(())
    }

    pub fn all_watermarked(&self) -> Result<Vec<Watermarked>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(WATERMARKED)?.iter()? {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// Forgets watermarked previews (`gc`: of a source no photo uses, or an old mark).
    pub fn remove_watermarked(&self, gone: &[Watermarked]) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(WATERMARKED)?;
            for w in gone {
                t.remove(&key(w.source, w.mark))?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Queues watermark jobs for (source, mark) pairs that have neither a preview nor a
    /// queued job yet, in one transaction. Returns how many were queued.
    pub fn enqueue_watermarks(&self, pairs: &[(Hash, Hash)]) -> Result<usize> {
        let txn = self.write()?;
        let mut n = 0;
        let done = txn.open_table(WATERMARKED)?;
        for &(blob, mark) in pairs {
            if done.get(&key(blob, mark))?.is_some() {
                continue;
            }
            let unique = format!("watermark:{blob}:{mark}");
            if jobs::push(&txn, JobKind::Watermark { blob, mark }, now_ms(), Some(&unique))? {
                n += 1;
            }
        }
        drop(done);
        txn.commit()?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Hash;

    #[test]
    fn a_refused_change_writes_nothing_and_changes_build_on_each_other() {
        let (_dir, db) = super::super::open_temp();
        let logo = Some(Hash([7; 32]));
        db.update_studio(|s| {
            s.logo = logo;
            Ok::<_, ()>(())
        })
        .unwrap()
        .unwrap();
        let refused = db.update_studio(|s| {
            s.logo = None;
            Err("no")
        });
        assert_eq!(refused.unwrap(), Err("no"));
        db.update_studio(|s| {
            s.watermark.opacity = 42;
            Ok::<_, ()>(())
        })
        .unwrap()
        .unwrap();
        let s = db.studio().unwrap();
        assert_eq!((s.logo, s.watermark.opacity), (logo, 42), "the refused change left no trace");
    }
}
