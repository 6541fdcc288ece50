//! Mail: the outbox default, a real SMTP server, and an SMTP server that is down at first.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn without_smtp_mail_lands_in_the_outbox_folder_and_page() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Outbox", 1).await;
    let (status, body) = api
        .post_json(&format!("/galleries/{g}/shares"), json!({ "label": "x", "email": "not an address" }))
        .await;
    assert_eq!(status, 400, "{body}");
    let link = share_link(&api, &g, json!({ "label": "Anna", "email": "anna@example.com" })).await;
    let outbox = server.data().join("outbox");
    wait_for("an .eml in the outbox", std::time::Duration::from_secs(20), || async {
        std::fs::read_dir(&outbox)
            .map(|d| d.filter_map(|e| e.ok()).any(|e| e.path().extension().is_some_and(|x| x == "eml")))
            .unwrap_or(false)
    })
    .await;
    let eml = std::fs::read_dir(&outbox)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().extension().is_some_and(|x| x == "eml"))
        .unwrap();
    let text = decode_mail(&std::fs::read(eml.path()).unwrap());
    assert!(text.contains("To: anna@example.com"), "{text}");
    assert!(
        text.contains("multipart/alternative") && text.contains("text/html") && text.contains("text/plain")
    );
    assert!(text.contains(&link), "the link is in the message");
    let admin = admin_client(&server).await;
    let page = get_text(&admin, server.url("/admin/outbox")).await;
    assert!(page.contains("anna@example.com") && page.contains("written to outbox"), "{page}");
}

#[tokio::test]
async fn invitation_selection_and_comment_digest_go_through_a_real_smtp_server() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let server = start_with(smtp_env(sink.port)).await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Wedding", 2).await;
    let link = share_link(
        &api,
        &g,
        json!({ "label": "Anna", "favourite": true, "comment": true, "email": "anna@example.com" }),
    )
    .await;
    let mails = sink.wait_for_messages(1).await;
    assert!(
        mails[0].contains("anna@example.com") && mails[0].contains("Your photos are ready"),
        "{}",
        mails[0]
    );

    let c = browser_client();
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    let csrf = meta_csrf(&page);
    let pid = photos[0]["id"].as_str().unwrap();
    assert_eq!(heart(&server, &c, &link, &csrf, pid).await, 200);
    for text in ["Lovely!", "Please retouch the sky"] {
        let r = c
            .post(server.url(&format!("{link}/comments")))
            .header("x-csrf-token", &csrf)
            .json(&json!({ "photo": pid, "text": text, "retouch": true }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let r = post_form(&c, server.url(&format!("{link}/submit")), &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    let mails = sink.wait_for_messages(3).await;
    let all = mails.join("\n");
    assert!(all.contains("submitted 1 favourites in Wedding"), "{all}");
    assert!(all.contains("IMG_0000"), "the Lightroom string is in the notice");
    let digests: Vec<&String> = mails.iter().filter(|m| m.contains("new notes in Wedding")).collect();
    assert_eq!(digests.len(), 1, "two notes make one digest: {all}");
    assert!(digests[0].contains("Please retouch the sky") && digests[0].contains("photographer@example.com"));
}

#[tokio::test]
async fn a_message_waits_while_smtp_is_down_and_goes_out_when_it_is_back() {
    let port = SmtpSink::free_port();
    let server = start_with(smtp_env(port)).await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Retry", 1).await;
    share_link(&api, &g, json!({ "label": "Anna", "email": "anna@example.com" })).await;
    let admin = admin_client(&server).await;
    wait_for("the failed try to show in the outbox", std::time::Duration::from_secs(20), || async {
        let page = get_text(&admin, server.url("/admin/outbox")).await;
        page.contains("retrying")
    })
    .await;
    let sink = SmtpSink::start(port).await;
    let mails = sink.wait_for_messages(1).await;
    assert!(mails[0].contains("anna@example.com"));
    wait_for("the outbox to say sent", std::time::Duration::from_secs(10), || async {
        let page = get_text(&admin, server.url("/admin/outbox")).await;
        page.contains("data-state=\"sent\"")
    })
    .await;
}

#[tokio::test]
async fn a_link_that_asks_who_you_are_confirms_the_selection_to_the_client() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let server = start_with(smtp_env(sink.port)).await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Portraits", 1).await;
    let link =
        share_link(&api, &g, json!({ "label": "family", "favourite": true, "ask_identity": true })).await;
    let c = browser_client();
    let cover = get_text(&c, server.url(&link)).await;
    assert!(cover.contains("who are you?"));
    let csrf = hidden_field(&cover, "csrf");
    let r = c.get(server.url(&format!("{link}/photos"))).send().await.unwrap();
    assert_eq!(r.status(), 303, "names first");
    let r = post_form(
        &c,
        server.url(&format!("{link}/identify")),
        &[("csrf", csrf.as_str()), ("name", "Ann <b>"), ("email", "not-mail")],
    )
    .await;
    assert_eq!(r.status(), 400, "a bad address is refused");
    let r = post_form(
        &c,
        server.url(&format!("{link}/identify")),
        &[("csrf", csrf.as_str()), ("name", ""), ("email", "")],
    )
    .await;
    assert_eq!(r.status(), 400, "a name is needed");
    let r = post_form(
        &c,
        server.url(&format!("{link}/identify")),
        &[("csrf", csrf.as_str()), ("name", "Ann <b>"), ("email", "ann@example.com")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    let vcsrf = meta_csrf(&page);
    let pid = photos[0]["id"].as_str().unwrap();
    heart(&server, &c, &link, &vcsrf, pid).await;
    let r = post_form(&c, server.url(&format!("{link}/submit")), &[("csrf", vcsrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    let mails = sink.wait_for_messages(2).await;
    let to_client =
        mails.iter().find(|m| m.contains("To: ann@example.com")).expect("a confirmation to the client");
    assert!(to_client.contains("We received your selection") && to_client.contains("IMG_0000.jpg"));
    assert!(
        mails.iter().any(|m| m.contains("Ann <b> submitted 1 favourites")),
        "the photographer sees the name"
    );
    let (_, sel) = api.get(&format!("/galleries/{g}/selections")).await;
    assert_eq!(sel[0]["name"], "Ann <b>");
}
