//! The client's gallery polished: no dead ends (the studio's own error pages with a way on),
//! compressed pages, downloads named for what they hold, a message with the selection.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn errors_are_the_studios_pages_with_a_way_on() {
    let server = Server::start_with(&[
        ("PROOFROOM_STUDIO_NAME", "Lumen Studio"),
        ("PROOFROOM_NOTIFY_EMAIL", "Lumen <hello@lumen.example>"),
    ])
    .await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Wedding", 2).await;
    let c = browser_client();

    // A link that has ended: the studio's page, asking for a new link by mail.
    let link =
        share_link(&api, &g, json!({ "label": "Anna", "favourite": true, "expires_in_seconds": 1 })).await;
    wait_for("the link to expire", std::time::Duration::from_secs(5), || async {
        c.get(server.url(&link)).send().await.unwrap().status() == 410
    })
    .await;
    let page = get_text(&c, server.url(&link)).await;
    assert!(page.contains("Lumen Studio"), "the studio's name");
    assert!(page.contains("This link has ended") && page.contains("expired"), "what happened");
    assert!(page.contains(&format!("action=\"{link}/reopen\"")), "ask to reopen it");
    assert!(page.contains("mailto:hello@lumen.example"), "or write to the studio");
    assert!(page.contains("href=\"/access\""), "or sign in by e-mail");
    assert!(!page.contains("proofroom</span>"), "not the software's name");

    // The request reaches the photographer with the client's address and words; a bad
    // address is refused and sends nothing; a flood is limited per link.
    let reopen = server.url(&format!("{link}/reopen"));
    let r = post_form(&c, reopen.clone(), &[("email", "not an address"), ("note", "x")]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("e-mail address"), "why");
    let r =
        post_form(&c, reopen.clone(), &[("email", "anna@example.com"), ("note", "For the album,\nplease")])
            .await;
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Lumen Studio") && page.contains("anna@example.com"), "who answers whom");
    let mails = wait_for_outbox(&server, 1).await;
    assert_eq!(mails.len(), 1, "a refused request sends nothing");
    let m = &mails[0];
    assert!(m.contains("To: Lumen <hello@lumen.example>") || m.contains("hello@lumen.example"), "{m}");
    assert!(m.contains("anna@example.com asks you to reopen Wedding"), "{m}");
    assert!(m.contains("For the album,") && m.contains("expired on"), "{m}");
    assert!(m.contains(&format!("/admin/galleries/{g}/journey")), "where to extend it: {m}");
    for _ in 0..2 {
        assert_eq!(post_form(&c, reopen.clone(), &[("email", "anna@example.com")]).await.status(), 200);
    }
    assert_eq!(post_form(&c, reopen.clone(), &[("email", "anna@example.com")]).await.status(), 429);

    // An unknown address, too.
    let r = c.get(server.url("/no/such/page")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let page = r.text().await.unwrap();
    assert!(page.contains("Lumen Studio") && page.contains("This page is not here"));

    // A submit below the minimum is refused with the reason and a way back to the photos.
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await);
    let rules = [("csrf", csrf.as_str()), ("min", "2"), ("max", ""), ("guide", ""), ("lists", "")];
    post_form(&admin, server.url(&format!("/admin/galleries/{g}/proofing")), &rules).await;
    let open = share_link(&api, &g, json!({ "label": "Tom", "favourite": true })).await;
    let vcsrf = meta_csrf(&get_text(&c, server.url(&format!("{open}/photos"))).await);
    let photo = api.photos(&g).await[0]["id"].as_str().unwrap().to_string();
    assert_eq!(heart(&server, &c, &open, &vcsrf, &photo).await, 200);
    let r = post_form(&c, server.url(&format!("{open}/submit")), &[("csrf", vcsrf.as_str())]).await;
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("at least 2"), "why");
    assert!(page.contains(&format!("href=\"{open}/photos\"")), "a way back to the photos");
}

#[tokio::test]
async fn pages_scripts_and_json_are_compressed_photos_are_not() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Big", 3).await;
    let link = share_link(&api, &g, json!({ "label": "A", "favourite": true })).await;
    let c = browser_client();
    let plain = c.get(server.url(&format!("{link}/photos"))).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none(), "no coding unless asked");
    let plain = plain.bytes().await.unwrap().len();
    for coding in ["br", "gzip"] {
        let r = c
            .get(server.url(&format!("{link}/photos")))
            .header("accept-encoding", format!("{coding}, deflate"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-encoding"], coding);
        assert!(r.headers()["vary"].to_str().unwrap().contains("accept-encoding"));
        let packed = r.bytes().await.unwrap().len();
        assert!(packed * 2 < plain, "{coding}: {packed} bytes of {plain}");
    }
    let css = c.get(server.url("/assets/client.css")).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(css.headers()["content-encoding"], "gzip");
    let thumb = photos[0]["thumb_url"].as_str().unwrap();
    let r = c.get(server.url(thumb)).header("accept-encoding", "br, gzip").send().await.unwrap();
    assert!(r.headers().get("content-encoding").is_none(), "JPEGs pass as they are");
}

#[tokio::test]
async fn zips_are_named_for_what_they_hold() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Anna & Tom — Wedding", 2).await;
    // A name with accents, so the archive carries a unicode entry too.
    api.upload(&g, vec![("Zoë à la plage.jpg".to_string(), corpus_file(5).1)], false).await;
    api.wait_processed(&g, 3).await;
    let link =
        share_link(&api, &g, json!({ "label": "A", "favourite": true, "download_proofs": true })).await;
    let c = browser_client();
    let csrf = meta_csrf(&get_text(&c, server.url(&format!("{link}/photos"))).await);
    heart(&server, &c, &link, &csrf, photos[0]["id"].as_str().unwrap()).await;
    let name = |r: &reqwest::Response| r.headers()["content-disposition"].to_str().unwrap().to_string();
    let all = c.get(server.url(&format!("{link}/zip"))).send().await.unwrap();
    assert!(name(&all).contains("\"Anna-Tom-Wedding.zip\""), "{}", name(&all));
    let favs = c.get(server.url(&format!("{link}/zip?list=favourites&size=web"))).send().await.unwrap();
    assert!(name(&favs).contains("\"Anna-Tom-Wedding-favourites-web.zip\""), "{}", name(&favs));
    // Each zip says its length ahead, and it is the length sent.
    for r in [all, favs] {
        let said: u64 = r.headers()["content-length"].to_str().unwrap().parse().unwrap();
        assert_eq!(r.bytes().await.unwrap().len() as u64, said);
    }
    // The download sheet offers everything and the favourites, with the sizes the zips have.
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    let choices: Vec<(String, u64)> = page
        .split("<a class=\"button primary\" href=\"")
        .skip(1)
        .filter_map(|rest| {
            let href = rest.split('"').next()?.replace("&amp;", "&");
            let bytes = rest.split("data-bytes=\"").nth(1)?.split('"').next()?.parse().ok()?;
            Some((href, bytes))
        })
        .collect();
    assert_eq!(choices.len(), 2, "all and favourites: {choices:?}");
    for (href, bytes) in choices {
        let r = c.get(server.url(&href)).send().await.unwrap();
        assert_eq!(r.headers()["content-length"].to_str().unwrap(), bytes.to_string(), "{href}");
    }
    assert!(
        page.contains("All photos</strong> · 3 photos")
            && page.contains("Your favourites</strong> · 1 photo")
    );
}

#[tokio::test]
async fn the_photographer_chooses_the_cover_its_focus_and_the_day() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Lake wedding", 3).await;
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await);
    // The gallery is watermarked, and its day is the shoot's.
    let settings = [
        ("csrf", csrf.as_str()),
        ("title", "Lake wedding"),
        ("parent", ""),
        ("watermark", "on"),
        ("event_date", "2026-06-14"),
    ];
    assert_eq!(
        post_form(&admin, server.url(&format!("/admin/galleries/{g}/edit")), &settings).await.status(),
        303
    );
    let bad =
        [("csrf", csrf.as_str()), ("title", "Lake wedding"), ("parent", ""), ("event_date", "14/06/2026")];
    assert_eq!(
        post_form(&admin, server.url(&format!("/admin/galleries/{g}/edit")), &bad).await.status(),
        400
    );
    let third = photos[2]["id"].as_str().unwrap();
    let cover = [("csrf", csrf.as_str()), ("x", "30"), ("y", "70")];
    assert_eq!(
        post_form(&admin, server.url(&format!("/admin/photos/{third}/cover")), &cover).await.status(),
        303
    );
    let off = [("csrf", csrf.as_str()), ("x", "130"), ("y", "70")];
    assert_eq!(
        post_form(&admin, server.url(&format!("/admin/photos/{third}/cover")), &off).await.status(),
        400
    );

    let link = share_link(&api, &g, json!({ "label": "A", "favourite": true })).await;
    let page = get_text(&browser_client(), server.url(&link)).await;
    // The chosen photo, clean (the photographer chose it for the cover), kept in view at
    // its focus point, with the day of the shoot.
    let clean = api.photos(&g).await[2]["preview_url"].as_str().unwrap().to_string();
    assert!(page.contains(&format!("data-full=\"{clean}\"")), "the chosen photo's clean preview");
    let thumb = api.photos(&g).await[2]["thumb_url"].as_str().unwrap().to_string();
    assert!(page.contains(&format!("src=\"{thumb}\"")), "its thumb painted first");
    assert!(page.contains("object-position:30% 70%"));
    assert!(page.contains("14 June 2026"));
}
