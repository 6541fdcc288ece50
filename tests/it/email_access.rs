//! Per-email access: the photographer grants an address; its owner asks for a one-time
//! sign-in link at the gallery's door (or the studio-wide /access page) and opens a session
//! with it. Links work once, and nobody learns which addresses are clients.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_granted_address_signs_in_by_a_one_time_link_over_real_smtp() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let server = start_with(smtp_env(sink.port)).await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Private wedding", 2).await;
    let door = grant(&api, &g, "Anna@Example.com").await;
    assert!(!door.contains(&g), "the door is the grant's id, not the gallery's");

    // The invitation leads to the door and says how to get in.
    let invitation = &sink.wait_for_messages(1).await[0];
    assert!(invitation.contains(&door) && invitation.contains("sign-in link"), "{invitation}");

    // The door shows no photos to a browser without a session, only the e-mail form.
    let phone = browser_client();
    let page = get_text(&phone, server.url(&door)).await;
    assert!(page.contains("Send me a sign-in link") && !page.contains("IMG_0000"), "{page}");
    let r = phone.get(server.url(&format!("{door}/photos"))).send().await.unwrap();
    assert_eq!(r.status(), 303, "the photos wait for signing in");

    // A stranger's address gets the same answer and no mail.
    let (status, page) = ask(&server, &phone, &door, "mallory@example.com").await;
    assert_eq!(status, 200);
    assert!(page.contains("Check your inbox"), "{page}");
    // The right address, in another case, gets a link.
    let (status, _) = ask(&server, &phone, &door, "anna@example.COM").await;
    assert_eq!(status, 200);
    let mails = sink.wait_for_messages(2).await;
    let mail = mails.iter().find(|m| m.contains("/enter/")).expect("a sign-in mail");
    assert!(mail.contains("anna@example.com") && mail.contains("Private wedding"), "{mail}");
    assert!(!mails.iter().any(|m| m.contains("mallory")), "nothing goes to an address without access");
    let link = sign_in_links(mail).pop().expect("a sign-in link in the mail");

    // Opening the link (as a mail scanner would) changes nothing; the button signs in.
    assert_eq!(phone.get(server.url(&link)).send().await.unwrap().status(), 200);
    assert_eq!(enter(&server, &phone, &link).await, 303);
    let page = get_text(&phone, server.url(&format!("{door}/photos"))).await;
    assert!(page.contains("IMG_0000"), "signed in, the photos show");
    let csrf = meta_csrf(&page);
    let pid = photos[0]["id"].as_str().unwrap();
    assert_eq!(heart(&server, &phone, &door, &csrf, pid).await, 200);

    // Replaying the used link fails, in the same browser and in another.
    let laptop = browser_client();
    assert_eq!(enter(&server, &laptop, &link).await, 410);
    assert_eq!(laptop.get(server.url(&link)).send().await.unwrap().status(), 410);
    assert_eq!(laptop.get(server.url(&format!("{door}/photos"))).send().await.unwrap().status(), 303);

    // The studio-wide page sends a fresh link; the laptop joins the same visitor, so the
    // heart given on the phone is there.
    let r = post_form(&laptop, server.url("/access"), &[("email", "anna@example.com")]).await;
    assert_eq!(r.status(), 200);
    let mails = sink.wait_for_messages(3).await;
    let fresh: Vec<String> = mails.iter().flat_map(|m| sign_in_links(m)).filter(|l| *l != link).collect();
    assert_eq!(fresh.len(), 1, "{mails:?}");
    assert_eq!(enter(&server, &laptop, &fresh[0]).await, 303);
    let page = get_text(&laptop, server.url(&format!("{door}/photos"))).await;
    assert!(page.contains(&format!("\"{pid}\"")), "the phone's heart shows on the laptop");
    let sel = api.get(&format!("/galleries/{g}/selections")).await.1;
    assert_eq!(sel.as_array().unwrap().len(), 1, "one person, one visitor: {sel}");
    assert_eq!(sel[0]["email"], "anna@example.com", "{sel}");
}

#[tokio::test]
async fn sign_in_refuses_bad_addresses_made_up_codes_and_floods() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "G", 1).await;
    let (status, body) =
        api.post_json(&format!("/galleries/{g}/shares"), json!({ "label": "x", "email_only": true })).await;
    assert_eq!(status, 400, "an e-mail grant needs its address: {body}");
    let (status, body) = api
        .post_json(
            &format!("/galleries/{g}/shares"),
            json!({ "label": "x", "email": "a@example.com", "email_only": true, "password": "pass-word" }),
        )
        .await;
    assert_eq!(status, 400, "and no password: {body}");
    let door = grant(&api, &g, "anna@example.com").await;
    let c = browser_client();
    let (status, page) = ask(&server, &c, &door, "not an address").await;
    assert_eq!(status, 400);
    assert!(page.contains("does not look like an e-mail address"), "{page}");
    // A made-up code opens nothing.
    assert_eq!(enter(&server, &c, &format!("{door}/enter/{}", "ab".repeat(16))).await, 410);
    // A normal link's token does not work as a door, nor a grant's id with a password.
    let plain = share_link(&api, &g, json!({ "label": "plain" })).await;
    assert_eq!(ask(&server, &c, &plain, "anna@example.com").await.0, 404);
    let r = post_form(&c, server.url(&format!("{door}/unlock")), &[("password", "x")]).await;
    assert_eq!(r.status(), 401);
    // Five requests from one address, then it has to wait.
    for _ in 0..5 {
        assert_eq!(ask(&server, &c, &door, "anna@example.com").await.0, 200);
    }
    let (status, page) = ask(&server, &c, &door, "anna@example.com").await;
    assert_eq!(status, 429, "{page}");
    let mails = wait_for_outbox(&server, 6).await;
    assert_eq!(mails.iter().filter(|m| m.contains("/enter/")).count(), 5, "one mail per allowed request");
}

#[tokio::test]
async fn the_photographer_grants_an_address_from_the_gallery_page() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Grant", 1).await;
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await);
    let form = [
        ("csrf", csrf.as_str()),
        ("label", "Anna"),
        ("favourite", "on"),
        ("email", "Anna@Example.com"),
        ("email_only", "on"),
    ];
    let r = admin.post(server.url(&format!("/admin/galleries/{g}/shares"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("Only the invited address opens this gallery"), "{page}");
    let door = page.split("id=\"share-url\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    let gallery_page = get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await;
    assert!(gallery_page.contains("only anna@example.com"), "the link list names the address");
    // Without the address's sign-in link the door opens nothing.
    let c = browser_client();
    let page = get_text(&c, door.clone()).await;
    assert!(page.contains("This gallery is private") && !page.contains("IMG_0000"), "{page}");
    let invitation = wait_for_outbox(&server, 1).await.remove(0);
    assert!(invitation.contains(&door), "the invitation leads to the door: {invitation}");
}
