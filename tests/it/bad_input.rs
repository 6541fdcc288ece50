//! Bad input gets a clear error or a failed photo with a reason, changes nothing else, and
//! leaves the server serving with bounded memory.

use crate::support::*;

#[tokio::test]
async fn bad_files_are_refused_or_fail_with_a_reason() {
    let server = Server::start_with(&[("PROOFROOM_MAX_UPLOAD_MB", "20")]).await;
    let api = server.api();
    let g = api.create_gallery("Bad input").await;

    let (status, body) = api.upload(&g, vec![("empty.jpg".into(), vec![])], false).await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("empty"), "{body}");

    let (status, body) =
        api.upload(&g, vec![("notes.jpg".into(), b"hello, I am text".to_vec())], false).await;
    assert_eq!(status, 415, "{body}");
    assert!(body["error"].as_str().unwrap().contains("not a JPEG"), "{body}");

    let (status, body) = api.upload(&g, vec![("notes.txt".into(), b"hello".to_vec())], false).await;
    assert_eq!(status, 415, "{body}");

    let (status, body) = api.upload(&g, vec![("huge.png".into(), png_claiming(50_000, 50_000))], false).await;
    assert_eq!(status, 200, "{body}");
    let (_, whole) = corpus_file(0);
    let truncated = whole[..whole.len() / 3].to_vec();
    api.upload(&g, vec![("truncated.jpg".into(), truncated)], false).await;
    // Escape and bell characters cannot even be sent in a multipart header: a clear 400.
    // (A small file: the server answers before reading the rest of a malformed body.)
    let (status, body) = api
        .upload(
            &g,
            vec![("../../etc/pa\u{1b}[31mss\u{7}wd.jpg".into(), jpeg_with_orientation(16, 16, 1))],
            false,
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("multipart"), "{body}");
    // Path tricks and the control characters a header can carry (tab) are cleaned off.
    let (status, body) =
        api.upload(&g, vec![("../../etc/pa\tss\twd.jpg".into(), corpus_file(4).1)], false).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["uploaded"][0]["photo"]["filename"], "passwd.jpg",
        "only the last path component, without control characters"
    );
    let photos = api.wait_processed(&g, 3).await;
    let by_name = |n: &str| {
        photos.iter().find(|p| p["filename"] == n).cloned().unwrap_or_else(|| panic!("{n} missing"))
    };
    let huge = by_name("huge.png");
    assert_eq!(huge["status"], "failed");
    assert!(huge["error"].as_str().unwrap().contains("limit"), "{huge}");
    let trunc = by_name("truncated.jpg");
    assert_eq!(trunc["status"], "failed", "{trunc}");
    assert!(trunc["error"].as_str().unwrap().contains("corrupt or truncated"), "{trunc}");
    assert_eq!(by_name("passwd.jpg")["status"], "ready");

    // Nothing escaped the data directory and no temp file was left behind.
    assert!(std::fs::read_dir(server.data().join("tmp")).unwrap().next().is_none());
    let (status, _, _) = fetch(&server, "/healthz").await;
    assert_eq!(status, 200);
    assert!(server.rss_mib() < 400, "server memory stays bounded: {} MiB", server.rss_mib());
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused_and_stores_nothing() {
    let server = Server::start_with(&[("PROOFROOM_MAX_UPLOAD_MB", "1")]).await;
    let api = server.api();
    let g = api.create_gallery("Limits").await;
    let mut big = jpeg_with_orientation(64, 64, 1);
    big.resize(3 << 20, 0);
    let (status, body) = api.upload(&g, vec![("big.jpg".into(), big)], false).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("1 MiB"), "{body}");
    assert!(api.photos(&g).await.is_empty());
    assert!(std::fs::read_dir(server.data().join("tmp")).unwrap().next().is_none(), "temp file removed");
    let blobs = std::fs::read_dir(server.data().join("blobs")).unwrap().count();
    assert_eq!(blobs, 0, "no blob stored");
    // A missing or wrong gallery id is a clear 404, not a crash.
    let (status, _) = api
        .upload("01ARZ3NDEKTSV4RRFFQ69G5FAV", vec![("a.jpg".into(), jpeg_with_orientation(8, 8, 1))], false)
        .await;
    assert_eq!(status, 404);
    let (status, _) =
        api.upload("not-an-id", vec![("a.jpg".into(), jpeg_with_orientation(8, 8, 1))], false).await;
    assert_eq!(status, 404);
    // A request with no file field says so.
    let r = api
        .http
        .post(format!("{}/galleries/{g}/photos", api.base))
        .bearer_auth(&api.token)
        .multipart(reqwest::multipart::Form::new().text("final", "true"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}
