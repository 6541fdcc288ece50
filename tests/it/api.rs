//! The JSON API: auth, galleries, uploads, listing, states, media URLs, the OpenAPI document.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn api_refuses_missing_and_bad_tokens_with_json() {
    let server = Server::start().await;
    let http = reqwest::Client::new();
    let r = http.get(server.url("/api/v1/galleries")).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].is_string(), "{body}");
    let r = http.get(server.url("/api/v1/galleries")).bearer_auth("pr_nope").send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("not valid"), "{body}");
    let (status, list) = server.api().get("/galleries").await;
    assert_eq!(status, 200);
    assert_eq!(list, json!({ "galleries": [], "next": null }));
    // An unknown API route is JSON too.
    let r = http.get(server.url("/api/v1/nothing")).bearer_auth(&server.token).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"].is_string());
}

#[tokio::test]
async fn galleries_nest_and_photos_upload_process_and_change_state() {
    let server = Server::start().await;
    let api = server.api();
    let parent = api.create_gallery("Client: Anna & Tom").await;
    let (status, child) = api.post_json("/galleries", json!({ "title": "Wedding", "parent": parent })).await;
    assert_eq!(status, 200);
    assert_eq!(child["parent"], parent.as_str());
    let (status, err) = api.post_json("/galleries", json!({ "title": "   " })).await;
    assert_eq!(status, 400);
    assert!(err["error"].as_str().unwrap().contains("title"));
    let gid = child["id"].as_str().unwrap();

    let files: Vec<_> = (0..3).map(corpus_file).collect();
    let (status, up) = api.upload(gid, files.clone(), false).await;
    assert_eq!(status, 200, "{up}");
    assert_eq!(up["uploaded"].as_array().unwrap().len(), 3);
    let photos = api.wait_processed(gid, 3).await;
    for (p, (name, bytes)) in photos.iter().zip(&files) {
        assert_eq!(p["filename"], name.as_str());
        assert_eq!(p["status"], "ready", "{p}");
        assert_eq!(p["state"], "proof");
        let (w, h) = (p["width"].as_u64().unwrap() as u32, p["height"].as_u64().unwrap() as u32);
        assert_eq!((w, h), dims(bytes), "displayed size is the source's");
        let (status, headers, thumb) = fetch(&server, p["thumb_url"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(headers["content-type"], "image/jpeg");
        assert!(headers["cache-control"].to_str().unwrap().contains("immutable"));
        let (tw, th) = dims(&thumb);
        assert_eq!(tw.max(th), 512.min(w.max(h)), "thumb long edge");
        let (_, _, preview) = fetch(&server, p["preview_url"].as_str().unwrap()).await;
        let (pw, ph) = dims(&preview);
        assert_eq!(pw.max(ph), 2048.min(w.max(h)), "preview long edge");
        assert!((pw as f64 / ph as f64 - w as f64 / h as f64).abs() < 0.01, "aspect kept");
        let (_, _, original) = fetch(&server, p["original_url"].as_str().unwrap()).await;
        assert_eq!(&original, bytes, "original served byte for byte");
    }

    let pid = photos[0]["id"].as_str().unwrap();
    let r = api
        .http
        .put(format!("{}/photos/{pid}/state", api.base))
        .bearer_auth(&api.token)
        .json(&json!({"state": "final"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (_, p) = api.get(&format!("/photos/{pid}")).await;
    assert_eq!(p["state"], "final");
    let r = api
        .http
        .put(format!("{}/photos/{pid}/state", api.base))
        .bearer_auth(&api.token)
        .json(&json!({"state": "gold"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);

    let (_, list) = api.get("/galleries").await;
    assert_eq!(list["galleries"].as_array().unwrap().len(), 2);
    let (status, _) = api.get("/galleries/01ARZ3NDEKTSV4RRFFQ69G5FAV").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn media_urls_are_signed_cacheable_and_support_ranges() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Media").await;
    let (name, bytes) = corpus_file(5);
    api.upload(&g, vec![(name, bytes.clone())], false).await;
    let p = &api.wait_processed(&g, 1).await[0];
    let thumb = p["thumb_url"].as_str().unwrap();
    let (_, headers, _) = fetch(&server, thumb).await;
    let etag = headers["etag"].to_str().unwrap().to_string();
    let http = reqwest::Client::new();
    let r = http.get(server.url(thumb)).header("if-none-match", &etag).send().await.unwrap();
    assert_eq!(r.status(), 304);

    // A tampered signature or hash is refused.
    let mut parts: Vec<&str> = thumb.split('/').collect();
    let sig = parts[5].to_string();
    let bad_sig = format!("{}{}", &sig[..sig.len() - 1], if sig.ends_with('0') { '1' } else { '0' });
    parts[5] = &bad_sig;
    let (status, _, _) = fetch(&server, &parts.join("/")).await;
    assert_eq!(status, 403);
    // An expired link is refused even with a valid-looking shape.
    let expired = thumb.replace(thumb.split('/').nth(4).unwrap(), "1000");
    let (status, _, _) = fetch(&server, &expired).await;
    assert_eq!(status, 403);

    let original = p["original_url"].as_str().unwrap();
    let r = http.get(server.url(original)).header("range", "bytes=100-199").send().await.unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(r.bytes().await.unwrap().as_ref(), &bytes[100..200]);
}

#[tokio::test]
async fn openapi_document_and_health_are_served() {
    let server = Server::start().await;
    let (status, _, body) = fetch(&server, "/api/openapi.json").await;
    assert_eq!(status, 200);
    let doc: serde_json::Value = serde_json::from_slice(&body).unwrap();
    for path in ["/v1/galleries", "/v1/galleries/{id}/photos", "/v1/photos/{id}/state"] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
    let upload = &doc["paths"]["/v1/galleries/{id}/photos"]["post"];
    assert!(upload["requestBody"]["content"].get("multipart/form-data").is_some());
    let (status, _, body) = fetch(&server, "/healthz").await;
    assert_eq!((status, body.as_slice()), (200, b"ok".as_slice()));
}
