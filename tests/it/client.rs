//! The client side of share links over HTTP: cover, hearts within limits, submit and lock,
//! comments, downloads by permission, passwords, revocation and expiry, and what the
//! photographer sees of it.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_client_hearts_within_the_limit_submits_and_the_photographer_sees_it() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Anna & Tom", 4).await;
    let admin = admin_client(&server).await;
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await;
    let csrf = meta_csrf(&page);
    let r = post_form(
        &admin,
        server.url(&format!("/admin/galleries/{g}/proofing")),
        &[("csrf", csrf.as_str()), ("min", "2"), ("max", "2"), ("guide", "Hello <b>you</b>")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let link = share_link(
        &api,
        &g,
        json!({ "label": "Anna", "favourite": true, "comment": true, "download_finals": true }),
    )
    .await;

    let client = browser_client();
    let cover = get_text(&client, server.url(&link)).await;
    assert!(
        cover.contains("Anna &amp; Tom") && cover.contains("Hello &lt;b&gt;you&lt;/b&gt;"),
        "guide shown escaped"
    );
    assert!(cover.contains("aria-current=\"step\"") && cover.contains("Heart your favourites"));
    let page = get_text(&client, server.url(&format!("{link}/photos"))).await;
    let vcsrf = meta_csrf(&page);
    assert!(page.contains("Choose 2"));
    let heart = |photo: &str, on: bool| {
        client
            .post(server.url(&format!("{link}/favourite")))
            .header("x-csrf-token", &vcsrf)
            .json(&json!({ "photo": photo, "on": on }))
            .send()
    };
    let id = |i: usize| photos[i]["id"].as_str().unwrap().to_string();
    // Submitting nothing is refused with a reason.
    let r = post_form(&client, server.url(&format!("{link}/submit")), &[("csrf", vcsrf.as_str())]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(heart(&id(0), true).await.unwrap().status(), 200);
    let r = client
        .post(server.url(&format!("{link}/favourite")))
        .json(&json!({ "photo": id(1), "on": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "no CSRF token");
    assert_eq!(heart(&id(1), true).await.unwrap().json::<serde_json::Value>().await.unwrap()["count"], 2);
    let r = heart(&id(2), true).await.unwrap();
    assert_eq!(r.status(), 400, "over the maximum");
    assert!(r.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap().contains("up to 2"));

    let r = client
        .post(server.url(&format!("{link}/comments")))
        .header("x-csrf-token", &vcsrf)
        .json(&json!({ "photo": id(1), "text": "please remove the <script>stray</script> hair", "retouch": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = post_form(&client, server.url(&format!("{link}/submit")), &[("csrf", vcsrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(heart(&id(0), false).await.unwrap().status(), 403, "locked after submit");
    let page = get_text(&client, server.url(&format!("{link}/photos"))).await;
    assert!(page.contains("Selection sent"));

    // Downloads follow permissions: proofs are not downloadable on this link.
    let r = client.get(server.url(&format!("{link}/download/{}", id(0)))).send().await.unwrap();
    assert_eq!(r.status(), 403);

    // The photographer's view.
    let (_, sel) = api.get(&format!("/galleries/{g}/selections")).await;
    let s = &sel[0];
    assert_eq!(s["filenames"], json!(["IMG_0000.jpg", "IMG_0001.jpg"]));
    assert_eq!(s["lightroom"], "IMG_0000, IMG_0001");
    assert!(s["submitted_ms"].is_u64());
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/selections"))).await;
    assert!(page.contains("IMG_0000, IMG_0001") && page.contains("retouch request"));
    assert!(page.contains("&lt;script&gt;stray&lt;/script&gt;"), "comments are escaped");
    let csv = get_text(&admin, server.url(&format!("/admin/galleries/{g}/selections.csv"))).await;
    assert!(csv.starts_with("visitor,link,list,filename\n") && csv.contains("IMG_0001.jpg"));
    let visitor = s["visitor"].as_str().unwrap();
    let r = post_form(
        &admin,
        server.url(&format!("/admin/galleries/{g}/selections/{visitor}/reopen")),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(heart(&id(0), false).await.unwrap().status(), 200, "reopened");

    // Everything the client did is on the activity page and the dashboard.
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/activity"))).await;
    for line in [
        "opened the gallery",
        "hearted IMG_0000.jpg",
        "left a note on IMG_0001.jpg",
        "submitted 2 favourites",
        "un-hearted IMG_0000.jpg",
        "A visitor (Anna)",
    ] {
        assert!(page.contains(line), "activity lacks {line:?}");
    }
    let dash = get_text(&admin, server.url("/admin")).await;
    assert!(dash.contains("Recent client activity") && dash.contains("un-hearted IMG_0000.jpg"));
}

#[tokio::test]
async fn passwords_revocation_and_expiry_keep_visitors_out() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Private", 1).await;
    let thumb = photos[0]["thumb_url"].as_str().unwrap().to_string();

    let locked =
        share_link(&api, &g, json!({ "label": "pw", "favourite": true, "password": "s3cret-pass" })).await;
    let c = browser_client();
    let page = get_text(&c, server.url(&locked)).await;
    assert!(page.contains("Gallery password") && !page.contains(&thumb), "no photo before the password");
    let r = c.get(server.url(&format!("{locked}/photos"))).send().await.unwrap();
    assert_eq!(r.status(), 303, "back to the password page");
    let r = post_form(&c, server.url(&format!("{locked}/unlock")), &[("password", "wrong")]).await;
    assert_eq!(r.status(), 401);
    let r = post_form(&c, server.url(&format!("{locked}/unlock")), &[("password", "s3cret-pass")]).await;
    assert_eq!(r.status(), 303);
    let page = get_text(&c, server.url(&format!("{locked}/photos"))).await;
    assert!(page.contains("IMG_0000.jpg"));

    // Revoked: the same visitor is refused at once.
    let admin = admin_client(&server).await;
    let gpage = get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await;
    let csrf = meta_csrf(&gpage);
    let share_id =
        gpage.split("action=\"/admin/shares/").nth(1).unwrap().split('/').next().unwrap().to_string();
    let r = post_form(
        &admin,
        server.url(&format!("/admin/shares/{share_id}/revoke")),
        &[("csrf", csrf.as_str())],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = c.get(server.url(&format!("{locked}/photos"))).send().await.unwrap();
    assert_eq!(r.status(), 410);
    assert!(r.text().await.unwrap().contains("turned off"));

    // Expired.
    let short = share_link(&api, &g, json!({ "label": "short", "expires_in_seconds": 1 })).await;
    let c2 = browser_client();
    assert_eq!(c2.get(server.url(&short)).send().await.unwrap().status(), 200);
    wait_for("the link to expire", std::time::Duration::from_secs(5), || async {
        c2.get(server.url(&short)).send().await.unwrap().status() == 410
    })
    .await;
    assert!(get_text(&c2, server.url(&short)).await.contains("expired"));

    // Wrong tokens tell nothing.
    assert_eq!(c2.get(server.url("/g/00000000000000000000000000000000")).send().await.unwrap().status(), 404);

    // Repeated wrong passwords are limited.
    let again = share_link(&api, &g, json!({ "label": "pw2", "password": "another-pass" })).await;
    let c3 = browser_client();
    let mut last = 0;
    for _ in 0..6 {
        last = post_form(&c3, server.url(&format!("{again}/unlock")), &[("password", "nope")])
            .await
            .status()
            .as_u16();
    }
    assert_eq!(last, 429);
}

#[tokio::test]
async fn a_client_of_one_gallery_cannot_reach_another() {
    let server = Server::start().await;
    let api = server.api();
    let (a, _) = gallery_with_photos(&api, "A", 1).await;
    let (b, b_photos) = gallery_with_photos(&api, "B", 1).await;
    let link_a = share_link(
        &api,
        &a,
        json!({ "label": "a", "favourite": true, "comment": true, "download_proofs": true }),
    )
    .await;
    let c = browser_client();
    let page = get_text(&c, server.url(&format!("{link_a}/photos"))).await;
    let csrf = meta_csrf(&page);
    let b_photo = b_photos[0]["id"].as_str().unwrap();
    // B's photo, B's gallery as a set, B's download: all unknown through A's link.
    assert_eq!(heart(&server, &c, &link_a, &csrf, b_photo).await, 404);
    let r = c.get(server.url(&format!("{link_a}/photos?set={b}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = c.get(server.url(&format!("{link_a}/download/{b_photo}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = c
        .post(server.url(&format!("{link_a}/comments")))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "photo": b_photo, "text": "hi" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = c.get(server.url(&format!("{link_a}/comments?photo={b_photo}&set={b}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
    // A's own proof is downloadable on this link: a redirect to the signed original.
    let a_photo = api.photos(&a).await[0]["id"].as_str().unwrap().to_string();
    let r = c.get(server.url(&format!("{link_a}/download/{a_photo}"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/media/o/"));
}

#[tokio::test]
async fn over_long_fields_and_bad_addresses_are_refused_clearly() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Limits", 1).await;
    let (status, body) = api.post_json("/galleries", json!({ "title": "t".repeat(201) })).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("at most 200"), "{body}");
    let (status, body) =
        api.post_json(&format!("/galleries/{g}/shares"), json!({ "label": "l".repeat(101) })).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) =
        api.post_json(&format!("/galleries/{g}/shares"), json!({ "label": "x", "email": "anna@" })).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("not an e-mail address"), "{body}");
    let (status, body) = api
        .post_json(&format!("/galleries/{g}/shares"), json!({ "label": "x", "expires_in_seconds": 0 }))
        .await;
    assert_eq!(status, 400, "{body}");

    let link = share_link(&api, &g, json!({ "label": "c", "comment": true })).await;
    let c = browser_client();
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    let csrf = meta_csrf(&page);
    let pid = photos[0]["id"].as_str().unwrap();
    let long = c
        .post(server.url(&format!("{link}/comments")))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "photo": pid, "text": "x".repeat(2001) }))
        .send()
        .await
        .unwrap();
    assert_eq!(long.status(), 400);
    assert!(
        long.json::<serde_json::Value>().await.unwrap()["error"].as_str().unwrap().contains("at most 2000")
    );
    let empty = c
        .post(server.url(&format!("{link}/comments")))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "photo": pid, "text": "   " }))
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400);
    // Nothing was stored by the refused requests.
    let (_, sel) = api.get(&format!("/galleries/{g}/selections")).await;
    assert_eq!(sel.as_array().unwrap().len(), 1, "one visitor");
    let (_, list) = api.get("/galleries").await;
    assert_eq!(list["galleries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_hidden_set_is_neither_listed_nor_opened_by_the_parents_link() {
    let server = Server::start().await;
    let api = server.api();
    let parent = api.create_gallery("Wedding").await;
    let mut kids = Vec::new();
    for title in ["Ceremony", "Family only"] {
        let (status, g) = api.post_json("/galleries", json!({ "title": title, "parent": parent })).await;
        assert_eq!(status, 200, "{g}");
        let id = g["id"].as_str().unwrap().to_string();
        api.upload(&id, vec![(format!("{title}.jpg"), jpeg_with_orientation(64, 48, 1))], false).await;
        api.wait_processed(&id, 1).await;
        kids.push(id);
    }
    let (visible, hidden) = (&kids[0], &kids[1]);
    // The photographer hides "Family only" in its settings.
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url(&format!("/admin/galleries/{hidden}"))).await);
    let r = post_form(
        &admin,
        server.url(&format!("/admin/galleries/{hidden}/edit")),
        &[("csrf", csrf.as_str()), ("title", "Family only"), ("parent", parent.as_str()), ("hidden", "on")],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(api.get(&format!("/galleries/{hidden}")).await.1["hidden"], true);
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{parent}"))).await;
    assert!(page.contains("hidden"), "the photographer sees which set is hidden");

    let link = share_link(&api, &parent, json!({ "label": "guests", "download_proofs": true })).await;
    let c = browser_client();
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    assert!(page.contains("Ceremony") && !page.contains("Family only"), "only the listed set is a tab");
    assert_eq!(
        c.get(server.url(&format!("{link}/photos?set={visible}"))).send().await.unwrap().status(),
        200
    );
    assert_eq!(c.get(server.url(&format!("{link}/photos?set={hidden}"))).send().await.unwrap().status(), 404);
    let hidden_photo = api.photos(hidden).await[0]["id"].as_str().unwrap().to_string();
    let r = c.get(server.url(&format!("{link}/download/{hidden_photo}"))).send().await.unwrap();
    assert_eq!(r.status(), 404, "nor can its photos be fetched through the parent's link");
    assert_eq!(c.get(server.url(&format!("{link}/zip?set={hidden}"))).send().await.unwrap().status(), 404);

    // A link made for the hidden set opens it.
    let family = share_link(&api, hidden, json!({ "label": "family" })).await;
    let page = get_text(&browser_client(), server.url(&format!("{family}/photos"))).await;
    assert!(page.contains("Family only.jpg") || page.contains("Family only"), "{page}");
}

#[tokio::test]
async fn extra_lists_hold_photos_apart_from_favourites_and_export_by_name() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Lists", 3).await;
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await);
    let rules = |lists: &'static str| {
        let admin = admin.clone();
        let url = server.url(&format!("/admin/galleries/{g}/proofing"));
        let csrf = csrf.clone();
        async move {
            let form = [("csrf", csrf.as_str()), ("min", ""), ("max", "1"), ("guide", ""), ("lists", lists)];
            admin.post(url).form(&form).send().await.unwrap().status().as_u16()
        }
    };
    assert_eq!(rules("Album, album").await, 400, "a list named twice is refused");
    assert_eq!(rules("Album, Prints").await, 303);
    let link =
        share_link(&api, &g, json!({ "label": "Anna", "favourite": true, "download_proofs": true })).await;
    let c = browser_client();
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    assert!(page.contains("+ Album") && page.contains("+ Prints"), "the viewer offers the lists");
    let csrf = meta_csrf(&page);
    let id = |i: usize| photos[i]["id"].as_str().unwrap().to_string();
    let put = |photo: String, list: Option<&'static str>| {
        let c = c.clone();
        let url = server.url(&format!("{link}/favourite"));
        let csrf = csrf.clone();
        async move {
            let r = c
                .post(url)
                .header("x-csrf-token", csrf)
                .json(&json!({ "photo": photo, "on": true, "list": list }))
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
        }
    };
    // The favourites' maximum of 1 does not bind the album.
    assert_eq!(put(id(0), None).await.0, 200);
    assert_eq!(put(id(1), None).await.0, 400, "favourites stop at the maximum");
    assert_eq!(put(id(1), Some("album")).await.0, 200, "list names match in any case");
    let (status, body) = put(id(2), Some("Album")).await;
    assert_eq!(status, 200);
    assert_eq!(body["count"], 1, "the favourites did not change: {body}");
    assert_eq!(body["lists"]["Album"].as_array().unwrap().len(), 2, "{body}");
    assert_eq!(put(id(2), Some("Wall art")).await.0, 404, "only the gallery's lists exist");

    // The photographer's exports name each list.
    let sel = api.get(&format!("/galleries/{g}/selections")).await.1;
    let lists = sel[0]["lists"].as_array().unwrap();
    assert_eq!(lists[0]["name"], "Album");
    assert_eq!(lists[0]["lightroom"], "IMG_0001, IMG_0002");
    assert_eq!(lists[1]["filenames"].as_array().unwrap().len(), 0, "Prints is empty");
    let csv = get_text(&admin, server.url(&format!("/admin/galleries/{g}/selections.csv"))).await;
    assert!(csv.starts_with("visitor,link,list,filename\n"), "{csv}");
    assert!(
        csv.contains(",Anna,Favourites,IMG_0000.jpg") && csv.contains(",Anna,Album,IMG_0002.jpg"),
        "{csv}"
    );
    // "Download this list" zips exactly the album.
    let r = c.get(server.url(&format!("{link}/zip?list=Album"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    let (_dir, mut names) = crate::zip::unzip(&bytes);
    names.sort();
    assert_eq!(names, vec!["IMG_0001.jpg", "IMG_0002.jpg"], "{names:?}");
    assert_eq!(c.get(server.url(&format!("{link}/zip?list=Nope"))).send().await.unwrap().status(), 404);

    // Submitting locks the lists with the favourites.
    let r = post_form(&c, server.url(&format!("{link}/submit")), &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(put(id(0), Some("Prints")).await.0, 403);
}

#[tokio::test]
async fn two_links_to_one_gallery_never_show_each_others_urls() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Shared twice", 1).await;
    let body = json!({ "label": "x", "download_proofs": true });
    let a = share_link(&api, &g, body.clone()).await;
    let b = share_link(&api, &g, body).await;
    // Within one grid-cache slot: B's page is rendered for B.
    let page_a = get_text(&browser_client(), server.url(&format!("{a}/photos"))).await;
    let page_b = get_text(&browser_client(), server.url(&format!("{b}/photos"))).await;
    assert!(page_a.contains(&format!("{a}/download/")), "A's grid downloads through A");
    assert!(page_b.contains(&format!("{b}/download/")), "B's grid downloads through B");
    assert!(!page_b.contains(&a), "B's visitors never see A's token");
}
