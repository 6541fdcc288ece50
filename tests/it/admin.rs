//! The photographer's side: setup link, login, CSRF, rate limit, galleries via forms.

use crate::support::*;

#[tokio::test]
async fn setup_link_works_once_and_sets_the_password() {
    let server = Server::start_unconfigured().await;
    let link = {
        let mut found = None;
        wait_for("setup link on stdout", std::time::Duration::from_secs(10), || {
            found = server.stdout.lock().unwrap().iter().find(|l| l.contains("/admin/setup/")).cloned();
            let ok = found.is_some();
            async move { ok }
        })
        .await;
        found.unwrap().trim().to_string()
    };
    let path = link.trim_start_matches(&format!("http://127.0.0.1:{}", server.port)).to_string();
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = get_text(&http, server.url(&path)).await;
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(&http, server.url(&path), &[("csrf", csrf.as_str()), ("password", "short")]).await;
    assert_eq!(r.status(), 400, "too-short password refused");
    let r = post_form(&http, server.url(&path), &[("csrf", csrf.as_str()), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 303);
    let r = http.get(server.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), 200, "signed in by the setup");
    let r = http.get(server.url(&path)).send().await.unwrap();
    assert_eq!(r.status(), 403, "the link works once");
    admin_client(&server).await; // and the password now works
}

#[tokio::test]
async fn login_csrf_and_rate_limit() {
    let server = Server::start().await;
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = http.get(server.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/admin/login"));
    let page = get_text(&http, server.url("/admin/login")).await;
    let csrf = hidden_field(&page, "csrf");
    // Without the CSRF token the login form is refused.
    let r = post_form(&http, server.url("/admin/login"), &[("csrf", "forged"), ("password", PASSWORD)]).await;
    assert_eq!(r.status(), 403);
    for _ in 0..5 {
        let r = post_form(
            &http,
            server.url("/admin/login"),
            &[("csrf", csrf.as_str()), ("password", "wrong password")],
        )
        .await;
        assert_eq!(r.status(), 401);
        assert!(r.text().await.unwrap().contains("not right"));
    }
    let r = post_form(&http, server.url("/admin/login"), &[("csrf", csrf.as_str()), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), 429, "even the right password waits after 5 failures");
    assert!(r.text().await.unwrap().contains("Too many failed attempts"));
}

#[tokio::test]
async fn galleries_are_managed_through_forms_with_csrf() {
    let server = Server::start().await;
    let http = admin_client(&server).await;
    let page = get_text(&http, server.url("/admin")).await;
    assert!(page.contains("Start with your first gallery"));
    let csrf = hidden_field(&page, "csrf");

    // A form post without the token changes nothing.
    let r = post_form(
        &http,
        server.url("/admin/galleries"),
        &[("csrf", "nope"), ("title", "Forged"), ("parent", "")],
    )
    .await;
    assert_eq!(r.status(), 403);
    let r = post_form(
        &http,
        server.url("/admin/galleries"),
        &[("csrf", csrf.as_str()), ("title", "<script>alert(1)</script> Wedding"), ("parent", "")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let gallery_path = r.headers()["location"].to_str().unwrap().to_string();
    let gid = gallery_path.rsplit('/').next().unwrap().to_string();
    let page = get_text(&http, server.url(&gallery_path)).await;
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; Wedding"), "titles are escaped");
    assert!(!page.contains("<script>alert(1)"));
    let (_, list) = server.api().get("/galleries").await;
    assert_eq!(list["galleries"].as_array().unwrap().len(), 1, "the forged post created nothing");

    // Nest a child, then try to move the parent inside its child: refused.
    let r = post_form(
        &http,
        server.url("/admin/galleries"),
        &[("csrf", csrf.as_str()), ("title", "Ceremony"), ("parent", gid.as_str())],
    )
    .await;
    let child = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let r = post_form(
        &http,
        server.url(&format!("/admin/galleries/{gid}/edit")),
        &[("csrf", csrf.as_str()), ("title", "Wedding"), ("parent", child.as_str())],
    )
    .await;
    assert_eq!(r.status(), 400);
    let r = post_form(
        &http,
        server.url(&format!("/admin/galleries/{gid}/edit")),
        &[("csrf", csrf.as_str()), ("title", "Anna & Tom"), ("parent", "")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, g) = server.api().get(&format!("/galleries/{gid}")).await;
    assert_eq!(g["title"], "Anna & Tom");

    // Delete asks first, then removes the subtree.
    let confirm = get_text(&http, server.url(&format!("/admin/galleries/{gid}/delete"))).await;
    assert!(confirm.contains("cannot be undone") && confirm.contains("1 gallery inside it"));
    let r =
        post_form(&http, server.url(&format!("/admin/galleries/{gid}/delete")), &[("csrf", csrf.as_str())])
            .await;
    assert_eq!(r.status(), 303);
    let (_, list) = server.api().get("/galleries").await;
    assert_eq!(list["galleries"].as_array().unwrap().len(), 0);

    // Sign out ends the session.
    let r = post_form(&http, server.url("/admin/logout"), &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    let r = http.get(server.url("/admin")).send().await.unwrap();
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn admin_reorders_photos_and_sets_states() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Order").await;
    for i in 0..3 {
        api.upload(&g, vec![(format!("{i}.jpg"), jpeg_with_orientation(64, 48, 1))], false).await;
    }
    let photos = api.wait_processed(&g, 3).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let http = admin_client(&server).await;
    let page = get_text(&http, server.url(&format!("/admin/galleries/{g}"))).await;
    let csrf =
        page.split("name=\"csrf-token\" content=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let order = serde_json::json!({ "order": [ids[2], ids[0], ids[1]] });
    let r = http.post(server.url(&format!("/admin/galleries/{g}/order"))).json(&order).send().await.unwrap();
    assert_eq!(r.status(), 403, "no CSRF header");
    let r = http
        .post(server.url(&format!("/admin/galleries/{g}/order")))
        .header("x-csrf-token", &csrf)
        .json(&order)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let names: Vec<String> =
        api.photos(&g).await.iter().map(|p| p["filename"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, ["2.jpg", "0.jpg", "1.jpg"]);

    let r = post_form(
        &http,
        server.url(&format!("/admin/photos/{}/state", ids[1])),
        &[("csrf", csrf.as_str()), ("state", "undefined")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let (_, p) = api.get(&format!("/photos/{}", ids[1])).await;
    assert_eq!(p["state"], "undefined");
    let page = get_text(&http, server.url(&format!("/admin/photos/{}", ids[1]))).await;
    assert!(page.contains("Download original") && page.contains("1.jpg"));
}

#[tokio::test]
async fn api_tokens_are_made_and_revoked_from_the_admin_page_while_serving() {
    let server = Server::start().await;
    let http = admin_client(&server).await;
    let page = get_text(&http, server.url("/admin/tokens")).await;
    let csrf = hidden_field(&page, "csrf");
    assert!(page.contains("tests"), "the CLI-made token is listed by name");
    let page = post_form(
        &http,
        server.url("/admin/tokens"),
        &[("csrf", csrf.as_str()), ("name", "Lightroom export")],
    )
    .await
    .text()
    .await
    .unwrap();
    let token = page.split("id=\"new-token\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert!(token.starts_with("pr_"), "{token}");
    let api = Api { token: token.clone(), ..server.api() };
    assert_eq!(api.get("/galleries").await.0, 200);
    let listed = get_text(&http, server.url("/admin/tokens")).await;
    assert!(!listed.contains(&token), "the secret is shown only once");
    // Revoke the new one (the last revoke form on the page).
    let action = listed.rsplit("action=\"/admin/tokens/").next().unwrap().split('"').next().unwrap();
    let r =
        post_form(&http, server.url(&format!("/admin/tokens/{action}")), &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(api.get("/galleries").await.0, 401, "a revoked token stops working at once");
    assert_eq!(server.api().get("/galleries").await.0, 200, "other tokens keep working");
}
