//! Blobs in an S3-compatible bucket (moto's server, started per test): uploads acknowledged
//! only once the bucket holds them, dedup, range reads and zips with the local cache
//! emptied, a kill -9, `check` finding a damaged object, and `blobs migrate` from the disk
//! to the bucket and back, killed half-way each time, leaving every photo byte-identical.

use std::{process::Stdio, time::Duration};

use crate::support::*;

fn hash_of(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// `size` bytes that start like a JPEG (no decoder will make renditions of them: stored and
/// downloadable all the same), different for every seed.
fn jpeg_like(seed: u64, size: usize) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut rest = vec![0u8; size - out.len()];
    blake3::Hasher::new().update(&seed.to_le_bytes()).finalize_xof().fill(&mut rest);
    out.extend_from_slice(&rest);
    out
}

async fn get_bytes(server: &Server, path: &str, range: Option<&str>) -> (u16, Vec<u8>) {
    let mut req = reqwest::Client::new().get(server.url(path));
    if let Some(r) = range {
        req = req.header("range", r);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_studio_on_a_bucket_stores_serves_zips_survives_a_kill_and_is_checked() {
    let moto = Moto::start().await;
    let mut env = moto.env();
    env.push(("PROOFROOM_S3_CACHE_MB".into(), "16".into()));
    let mut server = start_with(env).await;
    let api = server.api();
    let g = api.create_gallery("On the bucket").await;

    // Three small photos and one of 20 MB (sent to the bucket in parts, and streamed from
    // it when downloaded). Each upload is acknowledged only once its object is there.
    let mut files: Vec<(String, Vec<u8>)> =
        (0..3).map(|i| (format!("IMG_{i}.jpg"), synthetic_jpeg(900, 600, i + 1))).collect();
    files.push(("BIG.jpg".into(), jpeg_like(7, 20 << 20)));
    for (name, bytes) in &files {
        let (status, body) = api.upload(&g, vec![(name.clone(), bytes.clone())], false).await;
        assert_eq!(status, 200, "{body}");
        assert!(
            moto.hashes().await.contains(&hash_of(bytes)),
            "{name} acknowledged before the bucket had it"
        );
    }
    let photos = api.wait_processed(&g, 4).await;
    server.wait_idle().await;
    // Renditions are in the bucket too: the disk holds nothing the bucket does not.
    let in_bucket = moto.hashes().await;
    let on_disk = disk_hashes(server.data());
    assert!(on_disk.iter().all(|h| in_bucket.contains(h)), "{on_disk:?} not all in {in_bucket:?}");
    assert!(in_bucket.len() > 3 * 3, "originals and their renditions: {in_bucket:?}");
    // 16 MiB of cache: the 20 MB original pushed it over, so it was trimmed to 80 %.
    let cache_bytes = || -> u64 {
        disk_hashes(server.data())
            .iter()
            .filter_map(|h| std::fs::metadata(server.data().join("blobs").join(blob_key(h))).ok())
            .map(|m| m.len())
            .sum()
    };
    wait_for("the cache to be trimmed", Duration::from_secs(30), || async { cache_bytes() <= 16 << 20 })
        .await;

    // Dedup: the same file again, in another gallery, adds no object.
    let other = api.create_gallery("Same file").await;
    api.upload(&other, vec![("again.jpg".into(), files[0].1.clone())], false).await;
    api.wait_processed(&other, 1).await;
    server.wait_idle().await;
    assert_eq!(moto.hashes().await, in_bucket, "an identical file is stored once");

    // The disk's cache emptied (a new disk, an eviction): everything comes from the bucket.
    std::fs::remove_dir_all(server.data().join("blobs")).unwrap();
    std::fs::create_dir_all(server.data().join("blobs")).unwrap();
    let find = |name: &str| photos.iter().find(|p| p["filename"] == name).unwrap().clone();
    for (name, bytes) in &files {
        let p = find(name);
        let original = p["original_url"].as_str().unwrap();
        let (status, part) = get_bytes(&server, original, Some("bytes=100-199")).await;
        assert_eq!((status, part.as_slice()), (206, &bytes[100..200]), "{name}: a range read");
        let (status, whole) = get_bytes(&server, original, None).await;
        assert_eq!(status, 200);
        assert!(whole == *bytes, "{name}: byte-identical from the bucket");
        if name.starts_with("IMG") {
            let (status, thumb) = get_bytes(&server, p["thumb_url"].as_str().unwrap(), None).await;
            assert_eq!(status, 200);
            assert!(dims(&thumb).0 > 0);
        }
    }
    assert!(
        !disk_hashes(server.data()).contains(&hash_of(&files[3].1)),
        "a big original is streamed from the bucket, not pulled into the cache"
    );
    assert!(disk_hashes(server.data()).contains(&hash_of(&files[0].1)), "a small one is cached");
    let metrics = reqwest::Client::new()
        .get(server.url("/metrics"))
        .bearer_auth(&server.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fetched = metrics
        .lines()
        .find_map(|l| l.strip_prefix("proofroom_blob_cache_fetches_total "))
        .and_then(|v| v.trim().parse::<u64>().ok());
    assert!(fetched >= Some(6), "three originals and three thumbnails came from the bucket: {fetched:?}");

    // A zip of the gallery: every file byte-identical.
    let admin = admin_client(&server).await;
    let r = admin.get(server.url(&format!("/admin/galleries/{g}/zip"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let (dir, names) = crate::zip::unzip(&r.bytes().await.unwrap());
    assert_eq!(names.len(), 4, "{names:?}");
    for (name, bytes) in &files {
        let unzipped = std::fs::read(dir.path().join("x").join(name)).unwrap();
        assert!(unzipped == *bytes, "{name} in the zip");
    }

    // kill -9 right after an upload is acknowledged: the photo is there after a restart.
    let late = synthetic_jpeg(900, 600, 99);
    let (status, body) = api.upload(&g, vec![("LATE.jpg".into(), late.clone())], false).await;
    assert_eq!(status, 200, "{body}");
    server.kill9();
    std::fs::remove_dir_all(server.data().join("blobs")).unwrap();
    server.restart().await;
    let api = server.api();
    let photos = api.wait_processed(&g, 5).await;
    let p = photos.iter().find(|p| p["filename"] == "LATE.jpg").expect("the acknowledged photo");
    assert_eq!(p["status"], "ready", "{p}");
    let (_, whole) = get_bytes(&server, p["original_url"].as_str().unwrap(), None).await;
    assert!(whole == late);
    server.wait_idle().await;

    // check re-hashes the bucket's objects: all good, then one damaged behind our back.
    let (ok, out, err) = cli(server.data(), &["check"], None);
    assert!(ok && out.contains("0 problem(s)"), "{out}{err}");
    let victim = hash_of(&files[1].1);
    moto.put(&blob_key(&victim), b"bit rot");
    let (ok, out, _) = cli(server.data(), &["check"], None);
    assert!(!ok && out.contains(&victim) && out.contains("no longer match"), "{out}");

    // The bucket gone: an upload is refused with a clear answer, and nothing is recorded.
    drop(moto);
    let (status, body) =
        api.upload(&g, vec![("NOWHERE.jpg".into(), synthetic_jpeg(300, 200, 5))], false).await;
    assert_eq!(status, 503, "{body}");
    assert!(body["error"].as_str().unwrap_or_default().contains("bucket"), "{body}");
    assert_eq!(api.photos(&g).await.len(), 5, "nothing recorded");
}

/// Starts `blobs migrate --to <to>` and kills it with SIGKILL once `started` says it has
/// copied a few blobs, then checks it had not finished.
async fn migrate_killed_midway<F, Fut>(data: &std::path::Path, to: &str, env: &[(String, String)], copied: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let mut child = std::process::Command::new(BIN)
        .arg("--data")
        .arg(data)
        .args(["blobs", "migrate", "--to", to])
        .env("PROOFROOM_MIN_FREE_MB", "64")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut n = 0;
    let started = std::time::Instant::now();
    while n < 5 {
        assert!(child.try_wait().unwrap().is_none(), "the migration ended before it was killed ({n} copied)");
        assert!(started.elapsed() < Duration::from_secs(120), "no progress");
        tokio::time::sleep(Duration::from_millis(5)).await;
        n = copied().await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn blobs_migrate_to_the_bucket_and_back_leaves_every_photo_byte_identical_despite_kills() {
    let mut server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Moving house").await;
    let files: Vec<(String, Vec<u8>)> =
        (0..30).map(|i| (format!("IMG_{i:02}.jpg"), synthetic_jpeg(700, 500, i + 10))).collect();
    api.upload(&g, files.clone(), false).await;
    api.wait_processed(&g, files.len()).await;
    server.wait_idle().await;
    server.stop();
    let all = disk_hashes(server.data());
    assert!(all.len() >= 90, "originals and renditions: {}", all.len());

    // Disk → bucket, killed after a few blobs, then run again to the end.
    let moto = Moto::start().await;
    let env = moto.env();
    let (ok, _, err) = cli(server.data(), &["blobs", "migrate", "--to", "s3"], None);
    assert!(!ok && err.contains("s3_bucket"), "no bucket configured: {err}");
    migrate_killed_midway(server.data(), "s3", &env, || async { moto.keys().await.len() }).await;
    let partway = moto.keys().await.len();
    assert!(partway < all.len(), "killed mid-way ({partway} of {})", all.len());
    let (ok, out, err) = cli_env(server.data(), &["blobs", "migrate", "--to", "s3"], None, &env);
    assert!(ok, "{out}{err}");
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["blobs"], all.len());
    assert!(report["present"].as_u64().unwrap() >= partway as u64 - 1, "{report}");
    assert_eq!(moto.hashes().await, all, "every blob in the bucket");
    for h in all.iter().take(5) {
        assert_eq!(hash_of(&moto.get(&blob_key(h))), *h);
    }

    // The server on the bucket, with nothing on the disk: every photo byte-identical.
    std::fs::remove_dir_all(server.data().join("blobs")).unwrap();
    server.extra_env = env.clone();
    server.restart().await;
    for p in server.api().photos(&g).await {
        let (_, bytes) = get_bytes(&server, p["original_url"].as_str().unwrap(), None).await;
        let want = &files.iter().find(|f| f.0 == p["filename"].as_str().unwrap()).unwrap().1;
        assert!(bytes == *want, "{} from the bucket", p["filename"]);
    }
    server.stop();

    // Bucket → disk, killed after a few blobs, run again; then the server without a bucket.
    std::fs::remove_dir_all(server.data().join("blobs")).unwrap();
    let data = server.data().to_path_buf();
    migrate_killed_midway(&data, "disk", &env, || async { disk_hashes(&data).len() }).await;
    assert!(disk_hashes(&data).len() < all.len(), "killed mid-way");
    let (ok, out, err) = cli_env(&data, &["blobs", "migrate", "--to", "disk"], None, &env);
    assert!(ok, "{out}{err}");
    assert_eq!(disk_hashes(&data), all, "every blob back on the disk");
    for h in &all {
        let bytes = std::fs::read(data.join("blobs").join(blob_key(h))).unwrap();
        assert_eq!(hash_of(&bytes), *h, "a blob on disk matches its name");
    }
    let (ok, out, _) = cli(&data, &["check"], None);
    assert!(ok && out.contains("0 problem(s)"), "{out}");
    server.extra_env = vec![];
    server.restart().await;
    for p in server.api().photos(&g).await {
        let (_, bytes) = get_bytes(&server, p["original_url"].as_str().unwrap(), None).await;
        let want = &files.iter().find(|f| f.0 == p["filename"].as_str().unwrap()).unwrap().1;
        assert!(bytes == *want, "{} from the disk again", p["filename"]);
    }
}

/// The SigV4 signature botocore (an implementation apart from ours) gives the link `url`
/// stripped of its signature, signed at the link's own date with the same key: equal to
/// the link's `X-Amz-Signature` only if every signed part (path, the filename asked for,
/// expiry) is what S3 itself will check.
fn botocore_signature(url: &str) -> String {
    const SCRIPT: &str = r#"
import datetime, sys, urllib.parse
import botocore.auth
from botocore.auth import S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, key, secret, region = sys.argv[1:5]
parts = urllib.parse.urlsplit(url)
query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
amz = dict(query)
when = datetime.datetime.strptime(amz["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
botocore.auth.get_current_datetime = lambda *a, **k: when
rest = urllib.parse.urlencode([(k, v) for k, v in query if not k.startswith("X-Amz-")], quote_via=urllib.parse.quote)
request = AWSRequest(method="GET", url=urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, rest, "")))
S3SigV4QueryAuth(Credentials(key, secret), "s3", region, expires=int(amz["X-Amz-Expires"])).add_auth(request)
print(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request.url).query))["X-Amz-Signature"])
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT, url, "testing", "testing", "us-east-1"])
        .output()
        .expect("python3 with botocore (pip install \"moto[server]\")");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A query parameter of `url`, decoded.
fn query_param(url: &str, name: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).unwrap();
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn direct_downloads_send_clients_to_the_bucket_by_signed_links_that_name_the_file() {
    let moto = Moto::start().await;
    let mut env = moto.env();
    env.push(("PROOFROOM_S3_DIRECT_DOWNLOAD_MINUTES".into(), "10".into()));
    let shop = crate::orders::Shop::on(start_with(env).await).await;
    let server = &shop.server;
    let api = server.api();
    let g = api.create_gallery("Anna & Tom").await;
    let name = "Anna & Tom 01.jpg";
    let original = synthetic_jpeg(900, 600, 21);
    let (status, body) = api.upload(&g, vec![(name.into(), original.clone())], false).await;
    assert_eq!(status, 200, "{body}");
    let pid = api.wait_processed(&g, 1).await[0]["id"].as_str().unwrap().to_string();

    // A proof's download: a 303 straight to the bucket, signed for ten minutes, asking the
    // bucket to name the file; botocore's signer agrees with the signature.
    let link = share_link(
        &api,
        &g,
        serde_json::json!({ "label": "Anna", "favourite": true, "download_proofs": true }),
    )
    .await;
    let anna = crate::orders::Client::new(server, &link).await;
    let r = anna.http.get(server.url(&format!("{link}/download/{pid}"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&moto.url("")), "to the bucket: {to}");
    assert!(to.contains(&blob_key(&hash_of(&original))), "the object: {to}");
    assert_eq!(query_param(&to, "X-Amz-Expires").as_deref(), Some("600"));
    assert_eq!(
        query_param(&to, "response-content-disposition").as_deref(),
        Some("attachment; filename=\"Anna _ Tom 01.jpg\"; filename*=UTF-8''Anna%20%26%20Tom%2001.jpg")
    );
    assert_eq!(query_param(&to, "X-Amz-Signature").unwrap(), botocore_signature(&to));
    let fetched = reqwest::get(&to).await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert!(fetched.bytes().await.unwrap() == original, "the original's bytes, from the bucket");
    // Refusals stay with the server: a link without downloads gets no signed link.
    let viewer = share_link(&api, &g, serde_json::json!({ "label": "guest" })).await;
    let guest = browser_client();
    get_text(&guest, server.url(&format!("{viewer}/photos"))).await;
    let r = guest.get(server.url(&format!("{viewer}/download/{pid}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);

    // A paid final: the delivered file (with the studio's credit) goes the same way, under
    // its delivery name.
    assert_eq!(heart(server, &anna.http, &link, &anna.csrf, &pid).await, 200);
    let page = anna.page(server, "/order").await;
    anna.ok(server, "/order/package", &[("package", &crate::orders::package_id(&page))]).await;
    anna.ok(server, "/order/package/fill", &[]).await;
    let key = crate::orders::value_of(&anna.page(server, "/checkout").await, "key");
    let r = anna
        .post(server, "/checkout", &[("key", &key), ("name", "Anna"), ("email", "anna@example.com")])
        .await;
    assert_eq!(r.status(), 303);
    let order_url = r.headers()["location"].to_str().unwrap().to_string();
    let order_id = order_url.rsplit('/').next().unwrap().to_string();
    let final_ = synthetic_jpeg(900, 600, 22);
    assert_eq!(api.upload(&g, vec![(name.into(), final_.clone())], true).await.0, 200);
    shop.ok(&format!("/admin/orders/{order_id}/payments"), &[("amount", "30"), ("method", "cash")]).await;
    let r = anna.http.get(server.url(&format!("{order_url}/files/{pid}"))).send().await.unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(&moto.url("")), "to the bucket: {to}");
    assert!(query_param(&to, "response-content-disposition").unwrap().contains("Anna%20%26%20Tom%2001.jpg"));
    assert_eq!(query_param(&to, "X-Amz-Signature").unwrap(), botocore_signature(&to));
    let delivered = reqwest::get(&to).await.unwrap().bytes().await.unwrap();
    crate::orders::assert_delivered(&delivered, &final_, "proofroom", "from the bucket");
}
