//! Backups while the server runs: a consistent snapshot and the photos, taken while two
//! uploaders and a browsing client work, restored onto a new data directory with every
//! acknowledged photo and heart; later backups copy only what is new; the manifest alone
//! finds every file of a gallery.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use serde_json::{Value, json};

use crate::{orders::Shop, support::*};

/// Every file under `dir/blobs`, with its size.
fn blob_files(dir: &Path) -> BTreeMap<String, u64> {
    fn walk(p: &Path, out: &mut BTreeMap<String, u64>) {
        for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if let Ok(m) = e.metadata() {
                out.insert(path.file_name().unwrap().to_string_lossy().into(), m.len());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&dir.join("blobs"), &mut out);
    out
}

/// Runs `proofroom backup DEST` against the running server's data directory.
async fn backup(server: &Server, dest: &Path) -> Value {
    let (data, dest) = (server.data().to_path_buf(), dest.to_path_buf());
    let (ok, out, err) =
        tokio::task::spawn_blocking(move || cli(&data, &["backup", dest.to_str().unwrap()], None))
            .await
            .unwrap();
    assert!(ok, "backup failed: {out}\n{err}");
    serde_json::from_str(out.lines().next().unwrap_or_default()).unwrap()
}

#[tokio::test]
async fn a_backup_taken_while_clients_work_restores_everything_acknowledged() {
    // A studio that sells prints, so an order (and its mails) goes into the backup too.
    let shop = Shop::on(Server::start().await).await;
    let print = shop.print.clone();
    let Shop { mut server, .. } = shop;
    let api = server.api();
    let g = api.create_gallery("Archive").await;
    let first: Vec<(String, Vec<u8>)> =
        (0..4).map(|i| (format!("IMG_{i:04}.jpg"), jpeg_with_orientation(640, 480, 1))).collect();
    assert_eq!(api.upload(&g, first, false).await.0, 200);
    let photos = api.wait_processed(&g, 4).await;
    let link = share_link(&api, &g, json!({ "label": "Anna", "favourite": true })).await;
    let client = browser_client();
    let csrf = meta_csrf(&get_text(&client, server.url(&format!("{link}/photos"))).await);
    for p in &photos[..2] {
        assert_eq!(heart(&server, &client, &link, &csrf, p["id"].as_str().unwrap()).await, 200);
    }
    // A client orders a print; the order and its mails are acknowledged.
    let buyer = crate::orders::Client::new(&server, &link).await;
    let photo = photos[1]["id"].as_str().unwrap();
    buyer.ok(&server, "/order/lines", &[("photo", photo), ("product", &print), ("quantity", "1")]).await;
    let checkout = buyer.page(&server, "/checkout").await;
    let (key, post) = (hidden_field(&checkout, "key"), option_value(&checkout, "Post · EUR 4.90"));
    let fields = [
        ("key", key.as_str()),
        ("name", "Ann"),
        ("email", "ann@example.com"),
        ("address", "Ann\nLane 2"),
        ("shipping", post.as_str()),
    ];
    let r = buyer.post(&server, "/checkout", &fields).await;
    assert_eq!(r.status(), 303);
    let order = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    wait_for_outbox(&server, 2).await;

    // Two uploaders send one photo at a time; a client browses the gallery.
    let acked: Arc<Mutex<Vec<String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    for u in 0..2 {
        let (api, g, acked, stop) = (server.api(), g.clone(), acked.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let name = format!("UP{u}_{i:03}.jpg");
                let bytes = jpeg_with_orientation(800 + u * 16 + i as u16, 600, 1);
                let (status, body) = api.upload(&g, vec![(name.clone(), bytes)], false).await;
                assert_eq!(status, 200, "{body}");
                acked.lock().unwrap().push(name);
                i += 1;
            }
        }));
    }
    {
        let (url, stop) = (server.url(&format!("{link}/photos")), stop.clone());
        let client = client.clone();
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                assert_eq!(client.get(&url).send().await.unwrap().status(), 200);
            }
        }));
    }
    wait_for("both uploaders to be under way", Duration::from_secs(60), || async {
        acked.lock().unwrap().len() >= 4
    })
    .await;
    let before: BTreeSet<String> = acked.lock().unwrap().iter().cloned().collect();
    let dest = tempfile::tempdir().unwrap();
    let first_report = backup(&server, dest.path()).await;
    assert!(first_report["bytes"].as_u64().unwrap() > 0, "{first_report}");
    // Restored at once (the folder changes with the next backup), while the work goes on.
    let restored = tempfile::tempdir().unwrap();
    let (ok, out, err) = cli(restored.path(), &["restore", dest.path().to_str().unwrap()], None);
    assert!(ok, "restore: {out}\n{err}");
    let (ok, _, err) = cli(restored.path(), &["restore", dest.path().to_str().unwrap()], None);
    assert!(!ok && err.contains("empty data directory"), "a store is never restored over: {err}");
    stop.store(true, Ordering::SeqCst);
    for w in workers {
        w.await.unwrap();
    }
    let total = 4 + acked.lock().unwrap().len();
    let originals = api.wait_processed(&g, total).await;

    // A second backup copies only the files the first did not have, and says so.
    let had = blob_files(dest.path());
    let second = backup(&server, dest.path()).await;
    let now = blob_files(dest.path());
    let new_bytes: u64 = now.iter().filter(|(h, _)| !had.contains_key(*h)).map(|(_, n)| n).sum();
    assert!(new_bytes > 0, "uploads after the first backup are new");
    assert_eq!(second["bytes"].as_u64(), Some(new_bytes), "{second}");
    assert_eq!(second["copied"].as_u64(), Some((now.len() - had.len()) as u64), "{second}");
    let third = backup(&server, dest.path()).await;
    assert_eq!((third["copied"].as_u64(), third["bytes"].as_u64()), (Some(0), Some(0)), "{third}");

    // The manifest alone finds every file of the gallery, with the bytes its hash names.
    let manifest = std::fs::read_to_string(dest.path().join("manifest.jsonl")).unwrap();
    let lines: Vec<Value> = manifest.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let mine: Vec<&Value> = lines.iter().filter(|l| l["gallery"] == "Archive").collect();
    let names: BTreeSet<&str> = mine.iter().map(|l| l["filename"].as_str().unwrap()).collect();
    let uploaded: BTreeSet<&str> = originals.iter().map(|p| p["filename"].as_str().unwrap()).collect();
    assert_eq!(names, uploaded, "one line per photo");
    for l in &mine {
        let bytes = std::fs::read(dest.path().join(l["file"].as_str().unwrap())).unwrap();
        assert_eq!(blake3::hash(&bytes).to_hex().as_str(), l["hash"].as_str().unwrap());
    }

    // The backup taken while they worked: `check` finds nothing wrong, every photo
    // acknowledged before it is there with the same bytes, and the hearts too.
    let (ok, out, err) = cli(restored.path(), &["check"], None);
    assert!(ok && out.contains("0 problem(s)"), "check after restore: {out}\n{err}");
    let again = Server::start_in(restored, &[]).await;
    let n = again.api().photos(&g).await.len();
    assert!(n >= 4 + before.len(), "{n} photos restored, {} acknowledged before", before.len());
    let copies = again.api().wait_processed(&g, n).await;
    let blobs = |ps: &[Value]| -> BTreeMap<String, String> {
        ps.iter()
            .map(|p| {
                (
                    p["filename"].as_str().unwrap().to_string(),
                    p["versions"][0]["blob"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let (copied, original) = (blobs(&copies), blobs(&originals));
    for name in before.iter().map(String::as_str).chain(["IMG_0000.jpg", "IMG_0003.jpg"]) {
        assert_eq!(copied.get(name), original.get(name), "{name} was acknowledged before the backup");
    }
    for (name, hash) in &copied {
        assert_eq!(Some(hash), original.get(name), "{name}: the same bytes");
    }
    let (status, selections) = again.api().get(&format!("/galleries/{g}/selections")).await;
    assert_eq!(status, 200);
    assert!(selections.to_string().matches("IMG_000").count() >= 2, "the hearts: {selections}");
    // The order, its invoice and its messages.
    let (status, o) = again.api().get(&format!("/orders/{order}")).await;
    assert_eq!((status, o["state"].as_str()), (200, Some("invoiced")), "{o}");
    assert_eq!(again.api().get(&format!("/orders/{order}/invoice")).await.1["number"], 1);
    let outbox = get_text(&admin_client(&again).await, again.url("/admin/outbox")).await;
    assert!(outbox.contains("Your order 1 from") && outbox.contains("Order 1 from Ann"), "{outbox}");
    // The restored server serves a photo's original with the same bytes.
    let url = copies[0]["original_url"].as_str().unwrap();
    let served = again.api().http.get(again.url(url)).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(blake3::hash(&served).to_hex().as_str(), copies[0]["versions"][0]["blob"].as_str().unwrap());

    // With the server stopped, the command opens the store itself.
    server.stop();
    let offline = tempfile::tempdir().unwrap();
    let report = backup(&server, offline.path()).await;
    assert_eq!(report["manifest"].as_u64(), Some(originals.len() as u64), "{report}");
}
