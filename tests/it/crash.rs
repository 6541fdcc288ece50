//! kill -9 in the middle of ingest loses nothing that was acknowledged.

use crate::support::*;

#[tokio::test]
async fn kill_9_mid_ingest_loses_no_acknowledged_photo() {
    // One worker, so processing is still under way when the server dies.
    let mut server = Server::start_with(&[("PROOFROOM_WORKERS", "1")]).await;
    let api = server.api();
    let g = api.create_gallery("Crash").await;
    let mut acknowledged = Vec::new();
    for i in 0..24 {
        let (name, bytes) = corpus_file(i);
        let name = format!("{i:02}_{name}");
        let (status, body) = api.upload(&g, vec![(name.clone(), bytes)], false).await;
        assert_eq!(status, 200, "{body}");
        acknowledged.push(name);
    }
    let before = api.photos(&g).await;
    assert!(before.iter().any(|p| p["status"] == "pending"), "the kill should land mid-ingest");
    server.kill9();

    server.restart().await;
    let api = server.api();
    let photos = api.wait_processed(&g, acknowledged.len()).await;
    for name in &acknowledged {
        let p =
            photos.iter().find(|p| p["filename"] == name.as_str()).unwrap_or_else(|| panic!("{name} lost"));
        assert_eq!(p["status"], "ready", "{p}");
    }
    server.stop();
    let (ok, out, err) = cli(server.data(), &["check"], None);
    assert!(ok, "check failed after the crash:\n{out}\n{err}");
    assert!(out.contains("0 problem(s)"), "{out}");
}
