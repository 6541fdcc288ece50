//! What `/metrics` tells a Prometheus server: request latencies by area and status, the job
//! queue, renditions and mails done, the mail queue, the disk, the rendition cache, memory.
//! Everything is read when scraped (a few O(1) reads and the newest mails), so a scrape
//! every 15 s costs nothing whatever the archive.

use std::time::Duration;

use prometheus_client::{
    encoding::EncodeLabelSet,
    metrics::{counter::ConstCounter, family::Family, gauge::ConstGauge, histogram::Histogram},
    registry::Registry,
};

use super::{App, AppError, Result};
use crate::domain::MailStatus;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// admin, client, api, media, assets or other (see `area_of`).
    area: &'static str,
    /// 2xx, 3xx, 4xx or 5xx.
    status: &'static str,
}

type Latencies = Family<RequestLabels, Histogram, fn() -> Histogram>;

/// The request latencies, recorded by the web layer as each response leaves.
pub struct Metrics {
    requests: Latencies,
}

impl Default for Metrics {
    fn default() -> Self {
        fn buckets() -> Histogram {
            // 1 ms to 10 s: pages answer in milliseconds, zips and uploads take seconds.
            Histogram::new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
        }
        Metrics { requests: Family::new_with_constructor(buckets) }
    }
}

/// Which part of the server a path belongs to (a label with a handful of values, never
/// the path itself: tokens and ids would make every request a new series).
pub fn area_of(path: &str) -> &'static str {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    match first {
        "admin" => "admin",
        "g" | "access" | "unsubscribe" => "client",
        "api" => "api",
        "media" => "media",
        "assets" | "brand.css" => "assets",
        _ => "other",
    }
}

impl App {
    /// Records one answered request.
    pub fn observe(&self, path: &str, status: u16, took: Duration) {
        let status = match status {
            200..=299 => "2xx",
            300..=399 => "3xx",
            400..=499 => "4xx",
            _ => "5xx",
        };
        let labels = RequestLabels { area: area_of(path), status };
        self.metrics.requests.get_or_create(&labels).observe(took.as_secs_f64());
    }
}

/// What the store says at scrape time.
struct Stored {
    jobs: u64,
    galleries: u64,
    photos: u64,
    mails_waiting: u64,
    mails_failed: u64,
}

/// How many of the newest mails `render` looks at for the mail queue: waiting mails are
/// the newest ones, and reading all of a studio's years of mail every 15 s would not be.
const MAILS_READ: usize = 1000;

/// The metrics in Prometheus' text format.
pub async fn render(state: &App) -> Result<String> {
    let stored = state
        .with_db(|db| {
            let (galleries, photos) = db.totals()?;
            let (mut mails_waiting, mut mails_failed) = (0, 0);
            for m in db.mails(MAILS_READ)? {
                match m.status {
                    MailStatus::Queued { .. } | MailStatus::Sending { .. } => mails_waiting += 1,
                    MailStatus::Failed { .. } => mails_failed += 1,
                    _ => {}
                }
            }
            Ok(Stored { jobs: db.job_count()?, galleries, photos, mails_waiting, mails_failed })
        })
        .await?;
    let storage = super::maintenance::storage(state).await?;
    let done = state.jobs.finished();
    let cache = &state.rendition_cache;

    let mut r = Registry::default();
    r.register(
        "proofroom_http_request_duration_seconds",
        "Time to answer a request (until the response starts), by area and status class",
        state.metrics.requests.clone(),
    );
    let gauge = |r: &mut Registry, name: &str, help: &str, v: u64| {
        r.register(name, help, ConstGauge::new(i64::try_from(v).unwrap_or(i64::MAX)));
    };
    let counter = |r: &mut Registry, name: &str, help: &str, v: u64| {
        r.register(name, help, ConstCounter::new(v));
    };
    gauge(
        &mut r,
        "proofroom_jobs_queued",
        "Jobs waiting or running (renditions, mails, watermarks)",
        stored.jobs,
    );
    counter(
        &mut r,
        "proofroom_renditions",
        "Photos whose renditions were made since the start",
        done.renditions,
    );
    counter(&mut r, "proofroom_mails_sent", "Mails handed to the SMTP server since the start", done.mails);
    counter(&mut r, "proofroom_jobs_aborted", "Jobs given up on since the start", done.aborted);
    gauge(
        &mut r,
        "proofroom_mails_waiting",
        "Mails queued or being sent (among the newest 1000)",
        stored.mails_waiting,
    );
    gauge(&mut r, "proofroom_mails_failed", "Mails that failed (among the newest 1000)", stored.mails_failed);
    gauge(&mut r, "proofroom_disk_free_bytes", "Free space on the data disk", storage.free);
    gauge(
        &mut r,
        "proofroom_disk_reserve_bytes",
        "Free space below which uploads are refused",
        storage.reserve,
    );
    counter(&mut r, "proofroom_rendition_cache_hits", "Renditions served from memory", cache.hits());
    counter(&mut r, "proofroom_rendition_cache_misses", "Renditions read from the disk", cache.misses());
    gauge(&mut r, "proofroom_rendition_cache_bytes", "Memory held by the rendition cache", cache.weight());
    if let Some(bucket) = state.blobs.cache_usage() {
        gauge(
            &mut r,
            "proofroom_blob_cache_bytes",
            "Blobs kept on the data disk as the bucket's cache",
            bucket.used,
        );
        gauge(
            &mut r,
            "proofroom_blob_cache_limit_bytes",
            "The size the bucket's cache is trimmed to",
            bucket.cap,
        );
        counter(
            &mut r,
            "proofroom_blob_cache_fetches",
            "Blobs fetched from the bucket since the start",
            bucket.fetched,
        );
    }
    gauge(&mut r, "proofroom_galleries", "Galleries in the studio", stored.galleries);
    gauge(&mut r, "proofroom_photos", "Photos in the studio", stored.photos);
    gauge(
        &mut r,
        "proofroom_resident_memory_bytes",
        "Resident memory of the server process",
        resident_bytes(),
    );

    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &r).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(out)
}

/// The process's resident memory, from `/proc/self/statm` (0 where there is none).
fn resident_bytes() -> u64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()))
        .unwrap_or(0);
    pages * rustix::param::page_size() as u64
}

#[cfg(test)]
mod tests {
    #[test]
    fn areas_are_a_few_fixed_words() {
        assert_eq!(super::area_of("/admin/galleries/01J"), "admin");
        assert_eq!(super::area_of("/g/secret-token/photos"), "client");
        assert_eq!(super::area_of("/api/v1/galleries"), "api");
        assert_eq!(super::area_of("/media/thumb/ab/1/2"), "media");
        assert_eq!(super::area_of("/nonsense/../x"), "other");
    }
}
