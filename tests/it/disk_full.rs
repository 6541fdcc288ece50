//! A full disk, for real: the data directory on a 64 MB tmpfs. Needs root to mount it;
//! elsewhere the test says why it skips (CI runs as root).

use std::{path::PathBuf, process::Command, time::Duration};

use serde_json::Value;

use crate::support::*;

/// Unmounts on drop, after the server (declared later, dropped earlier) has stopped.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `size` bytes that start like a JPEG and differ for every `seed` (no dedup between files).
fn jpeg_like(seed: u64, size: usize) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut reader = blake3::Hasher::new().update(&seed.to_le_bytes()).finalize_xof();
    let mut rest = vec![0u8; size - out.len()];
    reader.fill(&mut rest);
    out.extend_from_slice(&rest);
    out
}

fn blob_path(data: &std::path::Path, bytes: &[u8]) -> PathBuf {
    let h = blake3::hash(bytes).to_hex().to_string();
    data.join("blobs").join(&h[0..2]).join(&h[2..4]).join(&h)
}

#[tokio::test]
async fn a_full_disk_loses_no_acknowledged_upload_and_recovers_without_a_restart() {
    if !is_root() {
        println!("skipped: mounting a small tmpfs needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mountpoint = dir.path().to_path_buf();
    let mounted =
        Command::new("mount").args(["-t", "tmpfs", "-o", "size=64m", "tmpfs"]).arg(&mountpoint).status();
    if !mounted.is_ok_and(|s| s.success()) {
        println!("skipped: cannot mount a tmpfs here");
        return;
    }
    let _unmount = Mounted(mountpoint.clone());
    let server = Server::start_in(dir, &[("PROOFROOM_MIN_FREE_MB", "8"), ("PROOFROOM_WORKERS", "1")]).await;
    let data = server.data().to_path_buf();
    let api = server.api();
    let g = api.create_gallery("Full").await;
    // Room the photographer will free later (say, an old export they delete).
    let ballast = data.join("ballast");
    std::fs::write(&ballast, vec![0u8; 16 << 20]).unwrap();

    // Fill the disk with uploads until they are refused at the reserve.
    let mut acknowledged: Vec<(String, Vec<u8>)> = Vec::new();
    let mut refused = 0;
    for i in 0..60u64 {
        let name = format!("IMG_{i:04}.jpg");
        let bytes = jpeg_like(i, 3 << 20);
        let (status, body) = api.upload(&g, vec![(name.clone(), bytes.clone())], false).await;
        match status {
            200 => acknowledged.push((name, bytes)),
            507 => {
                assert!(body["error"].as_str().unwrap_or_default().contains("disk is full"), "{body}");
                refused += 1;
                if refused == 3 {
                    break;
                }
            }
            other => panic!("upload {i}: {other} {body}"),
        }
    }
    assert!(refused == 3 && acknowledged.len() >= 10, "{} stored, {refused} refused", acknowledged.len());

    // Something else takes the last bytes: now the database cannot write either.
    let filler = data.join("filler");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&filler).unwrap();
        let block = vec![1u8; 1 << 20];
        while f.write_all(&block).is_ok() {}
        let _ = f.sync_all();
    }
    let (status, _) = api.upload(&g, vec![("IMG_X.jpg".into(), jpeg_like(999, 1 << 20))], false).await;
    assert_eq!(status, 507, "an upload on a full disk");
    // The database has some room inside its file; writes soon hit the disk too.
    let mut db_refused = None;
    for i in 0..200 {
        let (status, body) =
            api.post_json("/galleries", serde_json::json!({ "title": format!("Later {i}") })).await;
        match status {
            200 => continue,
            503 | 507 => {
                db_refused = Some((i, status));
                break;
            }
            other => panic!("{other} {body}"),
        }
    }
    let (after_writes, status) = db_refused.expect("the database refused a write on a full disk");
    println!("the database refused write {after_writes} on the full disk with {status}");
    // /healthz reuses its answer for a second, so a supervisor sees it on its next poll.
    wait_for("healthz to tell the supervisor (503)", Duration::from_secs(5), || async {
        fetch(&server, "/healthz").await.0 == 503
    })
    .await;

    // Space comes back: the same process writes again.
    std::fs::remove_file(&filler).unwrap();
    std::fs::remove_file(&ballast).unwrap();
    wait_for("healthz to recover", Duration::from_secs(10), || async {
        fetch(&server, "/healthz").await.0 == 200
    })
    .await;
    let (status, body) = api.post_json("/galleries", serde_json::json!({ "title": "After" })).await;
    assert_eq!(status, 200, "{body}");
    let after = body["id"].as_str().unwrap().to_string();
    let (name, bytes) = acknowledged[0].clone();
    let (status, body) = api.upload(&after, vec![(name, bytes)], false).await;
    assert_eq!(status, 200, "the same bytes again dedup onto a good blob: {body}");
    let (status, body) = api.upload(&after, vec![("NEW.jpg".into(), jpeg_like(1000, 1 << 20))], false).await;
    assert_eq!(status, 200, "{body}");

    // Every acknowledged upload is there, byte for byte, and recorded.
    for (name, bytes) in &acknowledged {
        let stored = std::fs::read(blob_path(&data, bytes)).unwrap_or_default();
        assert!(stored == *bytes, "{name}: {} bytes stored of {}", stored.len(), bytes.len());
    }
    let photos: Vec<Value> = api.photos(&g).await;
    assert_eq!(photos.len(), acknowledged.len(), "one photo per acknowledged upload");

    let mut server = server;
    server.stop();
    let (ok, out, err) = cli(&data, &["check"], None);
    assert!(ok, "check found problems:\n{out}{err}");
}
