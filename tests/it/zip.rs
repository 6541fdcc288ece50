//! Zip downloads: unzipped by Python's zipfile (an independent reader), every file matches
//! its blob; permissions and states decide what is inside; a large zip streams with the
//! server's memory flat.

use serde_json::json;

use crate::support::*;

/// Unzips `bytes` with Python's zipfile (checking every CRC) into a temp dir.
pub fn unzip(bytes: &[u8]) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("d.zip");
    std::fs::write(&zip, bytes).unwrap();
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg("import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None, 'bad CRC'\nz.extractall(sys.argv[2])\nprint('\\n'.join(z.namelist()))")
        .arg(&zip)
        .arg(dir.path().join("x"))
        .output()
        .unwrap();
    assert!(out.status.success(), "unzip failed: {}", String::from_utf8_lossy(&out.stderr));
    let names = String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect();
    (dir, names)
}

#[tokio::test]
async fn a_client_zip_holds_exactly_the_allowed_files_byte_for_byte() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Zip").await;
    let files: Vec<_> = (0..3).map(|i| corpus_file(i + 4)).collect();
    api.upload(&g, files, false).await;
    let photos = api.wait_processed(&g, 3).await;
    for p in &photos[..2] {
        api.mark_final(p["id"].as_str().unwrap()).await;
    }
    let link =
        share_link(&api, &g, json!({ "label": "finals", "favourite": true, "download_finals": true })).await;
    let c = browser_client();
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    assert!(
        page.contains("All photos</strong> · 2 photos"),
        "the download sheet counts what may be downloaded"
    );
    let r = c.get(server.url(&format!("{link}/zip"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("Zip.zip"));
    let (dir, names) = unzip(&r.bytes().await.unwrap());
    let want: Vec<String> = photos[..2].iter().map(|p| p["filename"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, want, "finals only: proofs stay out");
    for p in &photos[..2] {
        let bytes = std::fs::read(dir.path().join("x").join(p["filename"].as_str().unwrap())).unwrap();
        assert_eq!(blake3::hash(&bytes).to_hex().as_str(), p["versions"][0]["blob"].as_str().unwrap());
    }
    // Web size: the previews, named .jpg.
    let r = c.get(server.url(&format!("{link}/zip?size=web"))).send().await.unwrap();
    let (dir, names) = unzip(&r.bytes().await.unwrap());
    assert_eq!(names.len(), 2);
    for n in &names {
        let (w, h) = dims(&std::fs::read(dir.path().join("x").join(n)).unwrap());
        assert!(w.max(h) <= 2048);
    }
    // A link without downloads gets a clear refusal.
    let none = share_link(&api, &g, json!({ "label": "view only" })).await;
    let r = browser_client().get(server.url(&format!("{none}/zip"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_large_zip_streams_with_the_server_memory_flat() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Big").await;
    // Three 200 MB files (a JPEG signature, then noise): 600 MB of zip.
    let mut expected = Vec::new();
    for i in 0..3u8 {
        let mut bytes = vec![0xff, 0xd8, 0xff, 0xe0];
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15 ^ u64::from(i);
        bytes.extend((0..200_000_000 / 8).flat_map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x.to_le_bytes()
        }));
        expected.push(blake3::hash(&bytes));
        let (status, body) = api.upload(&g, vec![(format!("big_{i}.jpg"), bytes)], false).await;
        assert_eq!(status, 200, "{body}");
    }
    api.wait_processed(&g, 3).await;
    let before = server.rss_mib();
    let admin = admin_client(&server).await;
    let mut r = admin.get(server.url(&format!("/admin/galleries/{g}/zip"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let started = std::time::Instant::now();
    let first = r.chunk().await.unwrap().expect("first bytes");
    let first_after = started.elapsed();
    let mut total = first.len() as u64;
    let mut peak = before;
    while let Some(chunk) = r.chunk().await.unwrap() {
        total += chunk.len() as u64;
        if total % (64 << 20) < chunk.len() as u64 {
            peak = peak.max(server.rss_mib());
        }
    }
    peak = peak.max(server.rss_mib());
    assert!(total > 600_000_000, "the whole archive came: {total}");
    assert!(
        peak < before + 64,
        "server memory grew from {before} to {peak} MiB while streaming {total} bytes"
    );
    assert!(
        first_after < std::time::Duration::from_secs(2),
        "first bytes at once, not after building the zip"
    );
}
