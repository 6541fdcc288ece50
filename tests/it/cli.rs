//! The sub-commands: import, check (finds corruption), gc (removes orphans), --help.

use crate::support::*;

#[tokio::test]
async fn import_check_and_gc_work_on_a_data_dir() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    for i in 0..3 {
        let (name, bytes) = corpus_file(i);
        std::fs::write(folder.path().join(name), bytes).unwrap();
    }
    std::fs::write(folder.path().join("README.txt"), "not a photo").unwrap();
    let folder_arg = folder.path().to_str().unwrap();
    let (ok, out, err) = cli(data.path(), &["import", folder_arg, "--gallery", "Lightroom export"], None);
    assert!(ok, "{out}{err}");
    assert!(out.contains("Imported 3 photo(s)"), "{out}");
    assert!(err.contains("README.txt"), "skipped files are named: {err}");

    let (ok, out, _) = cli(data.path(), &["check"], None);
    assert!(ok, "{out}");
    assert!(out.contains("checked 3 photos and 12 blobs (12 re-hashed): 0 problem(s)"), "{out}");

    // An orphan blob is removed by gc; referenced ones stay.
    let orphan_dir = data.path().join("blobs/00/00");
    std::fs::create_dir_all(&orphan_dir).unwrap();
    let bytes = b"orphan";
    let name = blake3::hash(bytes).to_hex().to_string();
    let orphan = data.path().join(format!("blobs/{}/{}/{name}", &name[..2], &name[2..4]));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, bytes).unwrap();
    let (ok, out, _) = cli(data.path(), &["gc"], None);
    assert!(ok);
    assert!(out.contains("removed 1 unreferenced blob(s)"), "{out}");
    assert!(!orphan.exists());

    // Flip bytes of a blob: check reports it and exits non-zero.
    let victim = walk_files(&data.path().join("blobs"))[0].clone();
    let mut b = std::fs::read(&victim).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 0xff;
    std::fs::write(&victim, b).unwrap();
    let (ok, out, _) = cli(data.path(), &["check"], None);
    assert!(!ok, "check must fail on a corrupt blob");
    assert!(out.contains("no longer match"), "{out}");

    // Importing again into the same gallery replaces by filename instead of duplicating.
    let (ok, out, err) =
        cli(data.path(), &["import", folder_arg, "--gallery", "Lightroom export", "--final"], None);
    assert!(ok, "{out}{err}");
}

/// `check --sample 25%` beside the running server (through its control socket): each run
/// re-hashes a quarter of the blobs, going on where the last stopped, so four runs cover
/// every blob and a corrupt one is found by the run whose share holds it.
#[tokio::test]
async fn a_sampled_check_runs_beside_the_server_and_covers_every_blob_in_turn() {
    let server = Server::start().await;
    gallery_with_photos(&server.api(), "Nightly", 3).await;
    // The three photos are one file: a second renditions job that started before the
    // first finished would put the thumbnail again and mend the damage made below.
    server.wait_idle().await;
    let files = walk_files(&server.data().join("blobs"));
    let victim = files[files.len() / 2].clone();
    let mut b = std::fs::read(&victim).unwrap();
    b[0] ^= 0xff;
    std::fs::write(&victim, b).unwrap();
    let name = victim.file_name().unwrap().to_string_lossy().to_string();
    let share = files.len().div_ceil(4);
    let mut found = 0;
    for _ in 0..4 {
        let (ok, out, err) = cli(server.data(), &["check", "--sample", "25%"], None);
        assert!(out.contains(&format!("({share} re-hashed)")), "{out}{err}");
        if !ok {
            assert!(out.contains(&name) && out.contains("no longer match"), "{out}");
            found += 1;
        }
    }
    assert!((1..=2).contains(&found), "the corrupt blob is found by its run ({found})");
    let (ok, _, err) = cli(server.data(), &["check", "--sample", "0%"], None);
    assert!(!ok && err.contains("not a share"), "{err}");
}

#[test]
fn every_subcommand_has_help() {
    for sub in [
        &["--help"][..],
        &["serve", "--help"],
        &["admin", "set-password", "--help"],
        &["token", "create", "--help"],
        &["import", "--help"],
        &["backup", "--help"],
        &["restore", "--help"],
        &["check", "--help"],
        &["gc", "--help"],
        &["blobs", "migrate", "--help"],
        &["healthcheck", "--help"],
    ] {
        let out = std::process::Command::new(BIN).args(sub).output().unwrap();
        assert!(out.status.success(), "{sub:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"), "{sub:?}");
    }
}

#[tokio::test]
async fn healthcheck_subcommand_reflects_the_server() {
    let mut server = Server::start().await;
    let listen = format!("127.0.0.1:{}", server.port);
    let (ok, _, _) = cli(server.data(), &["--listen", &listen, "healthcheck"], None);
    assert!(ok);
    server.stop();
    let (ok, _, _) = cli(server.data(), &["--listen", &listen, "healthcheck"], None);
    assert!(!ok);
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().filter_map(|e| e.ok()) {
        if e.path().is_dir() { out.extend(walk_files(&e.path())) } else { out.push(e.path()) }
    }
    out.sort();
    out
}
