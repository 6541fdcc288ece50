//! The durable job queue. A job is claimed by moving it to `now + lease` and marking it
//! leased, so a job whose worker died becomes due again by itself; at start-up every lease is
//! taken back at once, because no worker survives a restart.

use redb::{ReadableTable, ReadableTableMetadata};

use super::{Db, Result, codec, tables::*};
use crate::domain::{Hash, Job, JobKind, MediaInfo};

/// A job a worker holds, with the key it is stored under while leased.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    key: (u64, u128),
    pub job: Job,
}

/// Queues `kind` at `run_at` inside a caller's transaction. With a unique `key`, nothing
/// is queued while a job with that key waits or runs (one digest per gallery, one
/// watermark per preview and mark): a lookup in `JOB_KEYS`, not a scan of the queue.
/// Returns whether a job was queued.
pub(super) fn push(
    txn: &redb::WriteTransaction,
    kind: JobKind,
    run_at: u64,
    key: Option<&str>,
) -> Result<bool> {
    if let Some(k) = key {
        let mut keys = txn.open_table(JOB_KEYS)?;
        if keys.get(k)?.is_some() {
            return Ok(false);
        }
        keys.insert(k, ())?;
    }
    let id = crate::domain::next_ulid().0;
    let job = Job { id, kind, attempts: 0, leased: false, key: key.map(str::to_string) };
    txn.open_table(JOBS)?.insert((run_at, id), codec::encode(&job)?.as_slice())?;
    Ok(true)
}

/// Removes a finished job (and frees its unique key) inside a caller's transaction.
pub(super) fn remove(txn: &redb::WriteTransaction, claimed: &ClaimedJob) -> Result<()> {
    txn.open_table(JOBS)?.remove(claimed.key)?;
    if let Some(k) = &claimed.job.key {
        txn.open_table(JOB_KEYS)?.remove(k.as_str())?;
    }
    Ok(())
}

impl Db {
    /// Queues `kind` at `run_at`; with a unique `key`, only if no job with that key is queued
    /// (see `push`). Returns whether a job was queued.
    pub fn enqueue(&self, kind: JobKind, run_at: u64, key: Option<&str>) -> Result<bool> {
        let txn = self.write()?;
        let queued = push(&txn, kind, run_at, key)?;
        txn.commit()?;
        Ok(queued)
    }

    /// Takes the first job due at `now`, leasing it until `now + lease_ms`.
    pub fn claim_job(&self, now: u64, lease_ms: u64) -> Result<Option<ClaimedJob>> {
        let txn = self.write()?;
        let claimed = {
            let mut t = txn.open_table(JOBS)?;
            let first = match t.range((0, 0)..=(now, u128::MAX))?.next() {
                Some(row) => {
                    let (k, v) = row?;
                    Some((k.value(), v.value().to_vec()))
                }
                None => None,
            };
            let Some((key, bytes)) = first else {
                return Ok(None);
            };
            let mut job: Job = codec::decode(&bytes)?;
            job.attempts += 1;
            job.leased = true;
            t.remove(key)?;
            let new_key = (now + lease_ms, job.id);
            t.insert(new_key, codec::encode(&job)?.as_slice())?;
            ClaimedJob { key: new_key, job }
        };
        txn.commit()?;
        Ok(Some(claimed))
    }

    /// Removes a finished job.
    pub fn complete_job(&self, claimed: &ClaimedJob) -> Result<()> {
        let txn = self.write()?;
        remove(&txn, claimed)?;
        txn.commit()?;
        Ok(())
    }

    /// Records what processing `blob` produced and removes the job, in one transaction, so a
    /// crash between the two cannot leave a finished job queued or a queued job's result lost.
    pub fn complete_job_with_media(&self, claimed: &ClaimedJob, blob: Hash, info: &MediaInfo) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(MEDIA)?.insert(&blob.0, codec::encode(info)?.as_slice())?;
        remove(&txn, claimed)?;
        txn.commit()?;
        Ok(())
    }

    /// Puts a job back to run again at `run_at` (retry with backoff). Without `counted`,
    /// the attempt its claim counted is given back (it waited for disk space).
    pub fn reschedule_job(&self, claimed: &ClaimedJob, run_at: u64, counted: bool) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(JOBS)?;
            t.remove(claimed.key)?;
            let attempts =
                if counted { claimed.job.attempts } else { claimed.job.attempts.saturating_sub(1) };
            let job = Job { leased: false, attempts, ..claimed.job.clone() };
            t.insert((run_at, job.id), codec::encode(&job)?.as_slice())?;
        }
        txn.commit()?;
        Ok(())
    }

    /// Makes every leased job due now. Called once at start-up, before workers run.
    pub fn reclaim_leases(&self, now: u64) -> Result<usize> {
        let txn = self.write()?;
        let mut n = 0;
        {
            let mut t = txn.open_table(JOBS)?;
            let mut leased = Vec::new();
            for row in t.iter()? {
                let (k, v) = row?;
                let job: Job = codec::decode(v.value())?;
                if job.leased {
                    leased.push((k.value(), job));
                }
            }
            for (key, job) in leased {
                t.remove(key)?;
                let job = Job { leased: false, ..job };
                t.insert((now, job.id), codec::encode(&job)?.as_slice())?;
                n += 1;
            }
        }
        txn.commit()?;
        Ok(n)
    }

    /// When the next job is due, if any job is queued.
    pub fn next_job_at(&self) -> Result<Option<u64>> {
        let txn = self.read()?;
        let t = txn.open_table(JOBS)?;
        Ok(t.first()?.map(|(k, _)| k.value().0))
    }

    /// Jobs waiting or running (redb keeps the table's length: O(1)).
    pub fn job_count(&self) -> Result<u64> {
        let txn = self.read()?;
        Ok(txn.open_table(JOBS)?.len()?)
    }
}

impl Db {
    /// The kinds of every queued job (for `gc`, which must keep what they will read).
    pub fn queued_jobs(&self) -> Result<Vec<JobKind>> {
        let txn = self.read()?;
        let t = txn.open_table(JOBS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            out.push(codec::decode::<Job>(row?.1.value())?.kind);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::{Hash, JobKind};

    #[test]
    fn claimed_jobs_come_back_after_a_crash() {
        let (_dir, db) = super::super::open_temp();
        let blob = Hash([7; 32]);
        db.enqueue(JobKind::Renditions { blob }, 10, None).unwrap();
        assert!(db.claim_job(5, 1000).unwrap().is_none(), "not due yet");
        let c = db.claim_job(10, 1000).unwrap().unwrap();
        assert_eq!(c.job.attempts, 1);
        assert!(db.claim_job(20, 1000).unwrap().is_none(), "leased");
        // The process dies here; on restart the lease is taken back.
        assert_eq!(db.reclaim_leases(30).unwrap(), 1);
        let again = db.claim_job(30, 1000).unwrap().unwrap();
        assert_eq!(again.job.attempts, 2);
        db.complete_job(&again).unwrap();
        assert_eq!(db.job_count().unwrap(), 0);
    }

    #[test]
    fn waiting_for_disk_space_costs_no_attempt() {
        let (_dir, db) = super::super::open_temp();
        db.enqueue(JobKind::Renditions { blob: Hash([8; 32]) }, 10, None).unwrap();
        let c = db.claim_job(10, 1000).unwrap().unwrap();
        db.reschedule_job(&c, 20, false).unwrap();
        assert_eq!(
            db.claim_job(20, 1000).unwrap().unwrap().job.attempts,
            1,
            "given back, then counted again"
        );
        let (_dir, db) = super::super::open_temp();
        db.enqueue(JobKind::Renditions { blob: Hash([9; 32]) }, 10, None).unwrap();
        let c = db.claim_job(10, 1000).unwrap().unwrap();
        db.reschedule_job(&c, 20, true).unwrap();
        assert_eq!(db.claim_job(20, 1000).unwrap().unwrap().job.attempts, 2);
    }

    #[test]
    fn a_unique_key_queues_once_until_the_job_is_done() {
        let (_dir, db) = super::super::open_temp();
        let kind = || JobKind::Renditions { blob: Hash([3; 32]) };
        assert!(db.enqueue(kind(), 10, Some("k")).unwrap());
        assert!(!db.enqueue(kind(), 10, Some("k")).unwrap(), "already queued");
        // Due later, so the claim below takes "k" (two jobs due at once come in id order,
        // and ids made in one millisecond are in random order).
        assert!(db.enqueue(kind(), 20, Some("other")).unwrap());
        let c = db.claim_job(10, 1000).unwrap().unwrap();
        assert!(!db.enqueue(kind(), 10, Some("k")).unwrap(), "still running");
        db.complete_job(&c).unwrap();
        assert!(db.enqueue(kind(), 10, Some("k")).unwrap(), "free again once done");
    }
}
