//! Renditions: EXIF orientation, replace-by-filename, and processing each file once.

use crate::support::*;

#[tokio::test]
async fn exif_orientation_6_makes_a_portrait_preview() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Orientation").await;
    let jpeg = jpeg_with_orientation(1200, 800, 6);
    let (status, _) = api.upload(&g, vec![("rotated.jpg".into(), jpeg)], false).await;
    assert_eq!(status, 200);
    let p = &api.wait_processed(&g, 1).await[0];
    assert_eq!(p["status"], "ready", "{p}");
    assert_eq!((p["width"].as_u64(), p["height"].as_u64()), (Some(800), Some(1200)));
    let (_, _, preview) = fetch(&server, p["preview_url"].as_str().unwrap()).await;
    assert_eq!(dims(&preview), (800, 1200), "the stored landscape is shown portrait");
    let (_, _, thumb) = fetch(&server, p["thumb_url"].as_str().unwrap()).await;
    assert_eq!(dims(&thumb), (341, 512));
    // The medium size, for dense screens, sits between them.
    let (_, _, medium) = fetch(&server, p["medium_url"].as_str().unwrap()).await;
    assert_eq!(dims(&medium), (683, 1024));
    assert_eq!(p["medium_width"], 683);
    // Renditions carry no EXIF (no GPS, no orientation to apply twice).
    assert!(!preview.windows(6).any(|w| w == b"Exif\0\0"), "no EXIF in renditions");
}

#[tokio::test]
async fn same_filename_replaces_the_proof_keeping_the_old_version() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Retouch").await;
    let (_, proof) = corpus_file(1);
    let (_, retouched) = corpus_file(2);
    api.upload(&g, vec![("IMG_0042.jpg".into(), proof.clone())], false).await;
    let first = api.wait_processed(&g, 1).await[0].clone();
    let (status, up) = api.upload(&g, vec![("IMG_0042.JPG".into(), retouched.clone())], true).await;
    assert_eq!(status, 200, "{up}");
    assert_eq!(up["uploaded"][0]["replaced"], true);
    let photos = api.wait_processed(&g, 1).await;
    let p = &photos[0];
    assert_eq!(p["id"], first["id"], "still the same photo");
    assert_eq!(p["state"], "final");
    assert_eq!(p["versions"].as_array().unwrap().len(), 2, "the proof version is kept");
    assert_eq!(p["versions"][0]["blob"], first["versions"][0]["blob"]);
    let (_, _, original) = fetch(&server, p["original_url"].as_str().unwrap()).await;
    assert_eq!(original, retouched, "the final is what is shown and served now");
    assert_ne!(p["thumb_url"], first["thumb_url"]);
}

#[tokio::test]
async fn identical_files_in_two_galleries_are_processed_once() {
    let server = Server::start().await;
    let api = server.api();
    let a = api.create_gallery("A").await;
    let b = api.create_gallery("B").await;
    let file = corpus_file(3);
    api.upload(&a, vec![file.clone()], false).await;
    let pa = api.wait_processed(&a, 1).await[0].clone();
    api.upload(&b, vec![file], false).await;
    let pb = api.wait_processed(&b, 1).await[0].clone();
    assert_ne!(pa["id"], pb["id"]);
    assert_eq!(pa["thumb_url"], pb["thumb_url"], "same rendition blob, same URL");
    let blobs = walk(&server.data().join("blobs"));
    assert_eq!(blobs, 4, "one original and three renditions on disk");
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()).map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum()
        })
        .unwrap_or(0)
}
