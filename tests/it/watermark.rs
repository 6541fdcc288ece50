//! Protecting proofs: the studio watermark on client previews of galleries that ask for it,
//! re-drawn in the background when it changes, and the studio logo on covers.

use std::time::Duration;

use serde_json::json;

use crate::support::*;

/// The `data-preview` URLs of a client grid page, in order.
fn previews(page: &str) -> Vec<String> {
    page.split("data-preview=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().replace("&amp;", "&"))
        .collect()
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(w, h, image::Rgba([200, 30, 30, 255]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
    out
}

/// Posts a multipart form (the studio's forms carry files).
pub async fn post_multipart(
    admin: &reqwest::Client,
    server: &Server,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
    file: Option<Vec<u8>>,
) -> u16 {
    let mut form = reqwest::multipart::Form::new().text("csrf", csrf.to_string());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some(bytes) = file {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes).file_name("mark.png"));
    }
    admin.post(server.url(path)).multipart(form).send().await.unwrap().status().as_u16()
}

async fn grid(server: &Server, link: &str) -> Vec<String> {
    previews(&get_text(&browser_client(), server.url(&format!("{link}/photos"))).await)
}

#[tokio::test]
async fn a_watermarked_gallery_shows_clients_marked_previews_and_redraws_on_change() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_sized_photos(&api, "Proofs", 2, (1200, 800)).await;
    let plain: Vec<String> = photos.iter().map(|p| p["preview_url"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "c", "download_proofs": true })).await;
    assert_eq!(grid(&server, &link).await, plain, "without a watermark clients see the previews");
    let page = get_text(&browser_client(), server.url(&format!("{link}/photos"))).await;
    let medium = photos[0]["medium_url"].as_str().unwrap();
    assert!(page.contains(&format!("{medium} 1024w")), "an unmarked grid offers the medium size");

    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url("/admin/studio")).await);
    let wm = [("text", "PROOF"), ("position", "center"), ("opacity", "80"), ("scale", "60")];
    assert_eq!(post_multipart(&admin, &server, "/admin/studio/watermark", &csrf, &wm, None).await, 303);
    // Bad values change nothing.
    let bad = [("text", "x"), ("position", "middle"), ("opacity", "80"), ("scale", "60")];
    assert_eq!(post_multipart(&admin, &server, "/admin/studio/watermark", &csrf, &bad, None).await, 400);
    let bad = [("text", "x"), ("position", "center"), ("opacity", "0"), ("scale", "60")];
    assert_eq!(post_multipart(&admin, &server, "/admin/studio/watermark", &csrf, &bad, None).await, 400);
    let sample = admin.get(server.url("/admin/studio/sample.jpg")).send().await.unwrap();
    assert_eq!(sample.headers()["content-type"], "image/jpeg");

    // The photographer turns the watermark on in the gallery's settings.
    let r = post_form(
        &admin,
        server.url(&format!("/admin/galleries/{g}/edit")),
        &[("csrf", csrf.as_str()), ("title", "Proofs"), ("parent", ""), ("watermark", "on")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let all_marked = |urls: &[String]| {
        urls.len() == 2
            && urls.iter().zip(&plain).all(|(m, p)| m != p && !m.is_empty())
            && !urls.iter().any(|m| photos.iter().any(|p| p["thumb_url"] == m.as_str()))
    };
    wait_for("watermarked previews", Duration::from_secs(30), || async {
        let marked = grid(&server, &link).await;
        marked.len() == 2
            && marked.iter().zip(&plain).all(|(m, p)| m != p && !m.is_empty())
            && !marked.iter().any(|m| photos.iter().any(|p| p["thumb_url"] == m.as_str()))
    })
    .await;
    let marked = grid(&server, &link).await;
    assert!(all_marked(&marked));
    // The medium size has no mark: a watermarked grid never offers it.
    let page = get_text(&browser_client(), server.url(&format!("{link}/photos"))).await;
    assert!(
        !page.contains("srcset") && !page.contains(medium),
        "no unmarked medium size in a watermarked grid"
    );
    for (m, p) in marked.iter().zip(&plain) {
        let (status, _, marked_bytes) = fetch(&server, m).await;
        assert_eq!(status, 200);
        let (_, _, plain_bytes) = fetch(&server, p).await;
        assert_eq!(dims(&marked_bytes), dims(&plain_bytes), "same size as the preview");
        let (a, b) = (
            image::load_from_memory(&marked_bytes).unwrap().to_rgb8(),
            image::load_from_memory(&plain_bytes).unwrap().to_rgb8(),
        );
        let (w, h) = a.dimensions();
        let centre_diff = (w / 3..2 * w / 3)
            .flat_map(|x| (h / 3..2 * h / 3).map(move |y| (x, y)))
            .filter(|&(x, y)| (0..3).any(|c| a.get_pixel(x, y)[c].abs_diff(b.get_pixel(x, y)[c]) > 40))
            .count();
        assert!(centre_diff > 50, "the mark is drawn in the centre ({centre_diff} pixels differ)");
    }
    // The photographer's own views stay clean.
    let api_previews: Vec<String> =
        api.photos(&g).await.iter().map(|p| p["preview_url"].as_str().unwrap().to_string()).collect();
    assert_eq!(api_previews, plain);
    // The cover's big photo is marked too, and web-size zips carry the mark.
    let cover = get_text(&browser_client(), server.url(&link)).await;
    assert!(!plain.iter().any(|p| cover.contains(p.as_str())), "the cover shows no bare preview: {cover}");
    let zip = browser_client().get(server.url(&format!("{link}/zip?size=web"))).send().await.unwrap();
    let bytes = zip.bytes().await.unwrap();
    let (dir, names) = crate::zip::unzip(&bytes);
    let first = std::fs::read(dir.path().join("x").join(&names[0])).unwrap();
    let (_, _, marked0) = fetch(&server, &marked[0]).await;
    let (_, _, marked1) = fetch(&server, &marked[1]).await;
    assert!(first == marked0 || first == marked1, "the web-size file is the marked preview");

    // A new mark (an image this time) is drawn again in the background.
    let wm = [("text", ""), ("position", "bottom-right"), ("opacity", "90"), ("scale", "30")];
    assert_eq!(
        post_multipart(&admin, &server, "/admin/studio/watermark", &csrf, &wm, Some(png(200, 100))).await,
        303
    );
    wait_for("re-drawn previews", Duration::from_secs(30), || async {
        let now = grid(&server, &link).await;
        now.len() == 2
            && now.iter().all(|u| !marked.contains(u) && !plain.contains(u))
            && !now.iter().any(|m| photos.iter().any(|p| p["thumb_url"] == m.as_str()))
    })
    .await;
}

#[tokio::test]
async fn the_studio_logo_shows_on_covers_and_bad_images_are_refused() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Logo", 1).await;
    let link = share_link(&api, &g, json!({ "label": "c" })).await;
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url("/admin/studio")).await);
    assert_eq!(
        post_multipart(
            &admin,
            &server,
            "/admin/studio/logo",
            &csrf,
            &[],
            Some(b"<svg onload=alert(1)>".to_vec())
        )
        .await,
        415
    );
    assert_eq!(post_multipart(&admin, &server, "/admin/studio/logo", &csrf, &[], None).await, 400);
    assert_eq!(
        post_multipart(&admin, &server, "/admin/studio/logo", "forged", &[], Some(png(10, 10))).await,
        403
    );
    assert!(!get_text(&browser_client(), server.url(&link)).await.contains("studio-logo"), "nothing changed");

    assert_eq!(
        post_multipart(&admin, &server, "/admin/studio/logo", &csrf, &[], Some(png(3000, 500))).await,
        303
    );
    let cover = get_text(&browser_client(), server.url(&link)).await;
    let src = cover
        .split("class=\"studio-logo\" src=\"")
        .nth(1)
        .expect("a logo on the cover")
        .split('"')
        .next()
        .unwrap();
    let (status, headers, bytes) = fetch(&server, src).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(dims(&bytes).0, 1600, "kept at most 1600 px wide");
    let page = get_text(&browser_client(), server.url(&format!("{link}/photos"))).await;
    assert!(page.contains("bar-logo"), "and at the top of the gallery");
    // Client mail carries it inline: the HTML shows cid:logo, a PNG part goes with it.
    share_link(&api, &g, json!({ "label": "mail", "email": "anna@example.com" })).await;
    let mail = wait_for_outbox(&server, 1).await.remove(0);
    assert!(mail.contains("cid:logo") && mail.contains("--- image/png"), "{mail}");
    assert!(mail.contains("--- text/plain"), "the text part stays");
    // Removing it takes it off.
    assert_eq!(
        post_multipart(&admin, &server, "/admin/studio/logo", &csrf, &[("remove", "on")], None).await,
        303
    );
    assert!(!get_text(&browser_client(), server.url(&link)).await.contains("studio-logo"));
}
