//! The client journey by e-mail: messages go out once each at their time (the clock is
//! moved through the control socket, never slept on), carry RFC 8058 one-click unsubscribe
//! headers, stop after unsubscribing, survive a kill -9 in the middle of a send without
//! going twice, and never go for a deleted gallery. Templates refuse unknown placeholders,
//! escape what clients typed, and preview exactly what is sent.

use serde_json::json;

use crate::support::*;

const DAY: u64 = 86_400_000;

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

/// A day `days` from now as a date field wants it.
fn day_in(days: u64) -> String {
    proofroom::domain::day_of(now_ms() + days * DAY)
}

fn journey_env(port: Option<u16>) -> Vec<(String, String)> {
    let mut env = smtp_env(port.unwrap_or_else(SmtpSink::free_port));
    env.push(("PROOFROOM_TEST_CLOCK".into(), "1".into()));
    env
}

/// An e-mail grant named `label` for `email`, access ending in `days`; returns its door.
async fn grant_for(api: &Api, g: &str, label: &str, email: &str, days: u64) -> String {
    share_link(
        api,
        g,
        json!({ "label": label, "favourite": true, "email": email, "email_only": true,
                "expires_in_seconds": days * 86_400 }),
    )
    .await
}

/// Saves a gallery's journey dates (the studio's timings).
async fn set_dates(server: &Server, admin: &reqwest::Client, g: &str, go_live: &str, deadline: &str) {
    let page = get_text(admin, server.url(&format!("/admin/galleries/{g}/journey"))).await;
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(
        admin,
        server.url(&format!("/admin/galleries/{g}/journey")),
        &[("csrf", &csrf), ("go_live", go_live), ("deadline", deadline), ("follow", "studio")],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
}

fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    message.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

fn to(message: &str) -> &str {
    header(message, "To").unwrap_or_default()
}

#[tokio::test]
async fn each_message_goes_once_at_its_time_and_none_after_unsubscribing() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let server = start_with(journey_env(Some(sink.port))).await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let (g, _) = gallery_with_photos(&api, "Lake wedding", 1).await;
    // Live in three days; choose by day ten.
    set_dates(&server, &admin, &g, &day_in(3), &day_in(10)).await;
    grant_for(&api, &g, "Ann", "ann@example.com", 20).await;
    grant_for(&api, &g, "Bob", "bob@example.com", 20).await;
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/journey"))).await;
    assert!(page.contains("ann@example.com") && page.contains("bob@example.com"), "{page}");

    // The gallery is not live: no invitation yet, nothing due.
    assert_eq!(move_clock(&server, 0), 0);
    assert!(sink.messages().is_empty(), "invitations wait for the go-live day");

    // "What happens next" two days before going live, once.
    assert_eq!(move_clock(&server, 36 * 3_600_000), 2);
    let mails = sink.wait_for_messages(2).await;
    for m in &mails {
        assert!(m.contains(": what happens next"), "{m}");
        let unsubscribe = header(m, "List-Unsubscribe").expect("a List-Unsubscribe header");
        assert!(unsubscribe.starts_with('<') && unsubscribe.contains("/unsubscribe/"), "{unsubscribe}");
        assert_eq!(header(m, "List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    }
    assert_eq!(move_clock(&server, 0), 0, "a message goes once");

    // The invitation on the go-live day, "not opened" three days later.
    assert_eq!(move_clock(&server, 2 * DAY), 2);
    let mails = sink.wait_for_messages(4).await;
    assert_eq!(mails.iter().filter(|m| m.contains("Subject: Your photos are ready to choose")).count(), 2);
    assert_eq!(move_clock(&server, 3 * DAY), 2);
    let mails = sink.wait_for_messages(6).await;
    assert_eq!(mails.iter().filter(|m| m.contains("Subject: Your gallery is waiting")).count(), 2);

    // Ann unsubscribes with the one click her mail app makes: a POST, no cookie, no page.
    let ann = mails.iter().find(|m| to(m).contains("ann@")).unwrap();
    let url = header(ann, "List-Unsubscribe").unwrap().trim_matches(['<', '>']).to_string();
    let r = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A forged token unsubscribes nobody.
    let forged = format!("{}0", &url[..url.len() - 1]);
    let forged = if forged == url { format!("{}1", &url[..url.len() - 1]) } else { forged };
    assert_eq!(reqwest::Client::new().post(&forged).send().await.unwrap().status(), 404);

    // The deadline reminder comes due: Bob gets it, Ann does not.
    assert_eq!(move_clock(&server, 3 * DAY), 1);
    let mails = sink.wait_for_messages(7).await;
    let reminder = mails.iter().find(|m| m.contains("choose your favourites by")).unwrap();
    assert!(to(reminder).contains("bob@"), "{reminder}");
    assert_eq!(mails.iter().filter(|m| to(m).contains("ann@")).count(), 3);
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/journey"))).await;
    assert!(page.contains("unsubscribed"), "the journey page shows who unsubscribed");

    // Opening the page (a person, or a scanner) changes nothing; its button subscribes again.
    let page = get_text(&reqwest::Client::new(), url.clone()).await;
    assert!(page.contains("Subscribe again"), "{page}");
    assert_eq!(reqwest::Client::new().post(format!("{url}/again")).send().await.unwrap().status(), 200);
    // The week-before-expiry warning then reaches both.
    assert_eq!(move_clock(&server, 4 * DAY), 2);
    sink.wait_for_messages(9).await;
    assert_eq!(move_clock(&server, 0), 0);
}

#[tokio::test]
async fn a_kill_in_the_middle_of_a_send_does_not_send_it_twice() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let mut server = start_with(journey_env(Some(sink.port))).await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Studio portraits", 1).await;
    grant_for(&api, &g, "Cleo", "cleo@example.com", 60).await;
    // The photographer's invitation goes at once, and counts as the journey's.
    sink.wait_for_messages(1).await;
    assert_eq!(move_clock(&server, 0), 0);

    // "Not opened" comes due; the SMTP server takes it but holds its answer, and the
    // proofroom server is killed while it waits.
    sink.hold(true);
    assert_eq!(move_clock(&server, 3 * DAY + 3_600_000), 1);
    sink.wait_for_messages(2).await;
    server.kill9();
    sink.hold(false);
    server.restart().await;

    // The interrupted send is not repeated: it is marked, and the journey knows it went.
    let admin = admin_client(&server).await;
    wait_for("the interrupted message to be marked", std::time::Duration::from_secs(30), || async {
        get_text(&admin, server.url("/admin/outbox")).await.contains("interrupted while it was being sent")
    })
    .await;
    // The restarted server's clock starts from the real time again: move it past the due time.
    assert_eq!(move_clock(&server, 3 * DAY + 3_600_000), 0);
    assert_eq!(sink.messages().len(), 2, "nothing was sent twice");
    assert_eq!(sink.messages().iter().filter(|m| m.contains("Your gallery is waiting")).count(), 1);
}

#[tokio::test]
async fn no_message_goes_for_a_deleted_gallery() {
    // No SMTP server at first: the queued message waits, retrying.
    let port = SmtpSink::free_port();
    let server = start_with(journey_env(Some(port))).await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let (g, _) = gallery_with_photos(&api, "Gone soon", 1).await;
    let (kept, _) = gallery_with_photos(&api, "Kept", 1).await;
    grant_for(&api, &g, "Dan", "dan@example.com", 60).await;
    grant_for(&api, &kept, "Eve", "eve@example.com", 60).await;
    assert_eq!(move_clock(&server, 3 * DAY + 3_600_000), 2, "two 'not opened' messages queued");

    // The gallery is deleted while its message waits; then the mail server comes up.
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/delete"))).await;
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(&admin, server.url(&format!("/admin/galleries/{g}/delete")), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let sink = SmtpSink::start(port).await;
    sink.wait_for_messages(3).await;
    wait_for("the deleted gallery's message to be dropped", std::time::Duration::from_secs(60), || async {
        get_text(&admin, server.url("/admin/outbox")).await.contains("its gallery was deleted")
    })
    .await;
    let mails: Vec<_> =
        sink.messages().into_iter().filter(|m| m.contains("Your gallery is waiting")).collect();
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(to(&mails[0]).contains("eve@"));
    // And nothing more comes for it later.
    assert_eq!(move_clock(&server, 30 * DAY), 0);
}

#[tokio::test]
async fn templates_refuse_unknown_placeholders_escape_names_and_preview_what_is_sent() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let server = start_with(journey_env(Some(sink.port))).await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let (g, _) = gallery_with_photos(&api, "Garden party", 1).await;
    let hostile = "<script>alert(1)</script> & Co";
    grant_for(&api, &g, hostile, "fay@example.com", 60).await;
    sink.wait_for_messages(1).await;

    let page = get_text(&admin, server.url("/admin/messages/not-opened")).await;
    let csrf = hidden_field(&page, "csrf");
    // An unknown placeholder is refused with its name, and nothing is saved.
    let r = post_form(
        &admin,
        server.url("/admin/messages/not-opened"),
        &[("csrf", &csrf), ("subject", "Hello {client}"), ("body", "Look: {gallary}")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let page = r.text().await.unwrap();
    assert!(page.contains("{gallary}") && page.contains("template-error"), "{page}");
    let page = get_text(&admin, server.url("/admin/messages/not-opened")).await;
    assert!(page.contains("Your gallery is waiting"), "the built-in words stay");

    // The studio's own words.
    let r = post_form(
        &admin,
        server.url("/admin/messages/not-opened"),
        &[
            ("csrf", &csrf),
            ("subject", "{client}, your photos wait"),
            ("body", "Dear {client},\n\n“{gallery}” is waiting for you at {link}.\n\n{studio}"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);

    // The preview, rendered with the real gallery and client, before it is sent.
    let page = get_text(&admin, server.url(&format!("/admin/messages/not-opened?gallery={g}"))).await;
    assert!(!page.contains("<script>alert"), "the name is escaped on the page too");
    let preview_text = unescape(between(&page, "<pre id=\"preview-text\">", "</pre>"));
    let preview_subject = unescape(between(&page, "<p id=\"preview-subject\"><strong>", "</strong>"));
    assert_eq!(preview_subject, format!("{hostile}, your photos wait"));

    assert_eq!(move_clock(&server, 3 * DAY + 3_600_000), 1);
    sink.wait_for_messages(2).await;
    let raw = sink.raw_messages().pop().unwrap();
    let sent = decode_mail(&raw);
    assert!(sent.contains(&format!("Subject: {hostile}, your photos wait")), "{sent}");
    assert_eq!(
        part_of(&raw, "text/plain").trim_end(),
        preview_text.trim_end(),
        "the preview is what was sent"
    );
    // In the HTML part the name is text, not markup.
    let html = part_of(&raw, "text/html");
    assert!(html.contains("Dear &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"), "{html}");
    assert!(!html.contains("<script"), "{html}");
}

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    let from = page.find(start).unwrap_or_else(|| panic!("no {start} in the page")) + start.len();
    &page[from..from + page[from..].find(end).unwrap()]
}

/// The text of HTML as maud escapes it.
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Sets a gallery's lifecycle through its form.
async fn set_lifecycle(server: &Server, admin: &reqwest::Client, g: &str, fields: &[(&str, &str)]) {
    let page = get_text(admin, server.url(&format!("/admin/galleries/{g}/journey"))).await;
    let csrf = hidden_field(&page, "csrf");
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend_from_slice(fields);
    let r = post_form(admin, server.url(&format!("/admin/galleries/{g}/lifecycle")), &form).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
}

#[tokio::test]
async fn a_gallery_expires_is_reopened_in_one_click_and_its_archive_keeps_the_finals() {
    let server = Server::start_with(&[("PROOFROOM_NOTIFY_EMAIL", "hello@lumen.example")]).await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let (g, photos) = gallery_with_photos(&api, "Harbour", 2).await;
    let (proof, fin) = (photos[0]["id"].as_str().unwrap(), photos[1]["id"].as_str().unwrap());
    api.mark_final(fin).await;
    // A link that may download proofs only, and heart.
    let link =
        share_link(&api, &g, json!({ "label": "Gus", "favourite": true, "download_proofs": true })).await;
    let c = browser_client();
    assert_eq!(c.get(server.url(&link)).send().await.unwrap().status(), 200);

    // A draft opens to nobody; a gallery scheduled for later says when it opens.
    set_lifecycle(&server, &admin, &g, &[("stage", "draft")]).await;
    let r = c.get(server.url(&format!("{link}/photos"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("not open yet"));
    set_lifecycle(&server, &admin, &g, &[("stage", "live")]).await;
    set_dates(&server, &admin, &g, &day_in(5), "").await;
    let page = get_text(&c, server.url(&link)).await;
    assert!(page.contains("This gallery opens on"), "{page}");
    set_dates(&server, &admin, &g, "", "").await;

    // Closed since yesterday: the client meets the reopen page, and asks.
    let yesterday = proofroom::domain::day_of(now_ms() - 2 * DAY);
    set_lifecycle(&server, &admin, &g, &[("stage", "live"), ("expires", &yesterday)]).await;
    let r = c.get(server.url(&format!("{link}/photos"))).send().await.unwrap();
    assert_eq!(r.status(), 410);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("This gallery closed on") && page.contains(&format!("action=\"{link}/reopen\"")),
        "{page}"
    );
    let r = post_form(
        &c,
        server.url(&format!("{link}/reopen")),
        &[("email", "gus@example.com"), ("note", "Prints!")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let mail = wait_for_outbox(&server, 1).await.pop().unwrap();
    assert!(
        mail.contains("gus@example.com asks you to reopen Harbour") && mail.contains("expired on"),
        "{mail}"
    );
    assert!(mail.contains(&format!("/admin/galleries/{g}/journey")), "{mail}");
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/journey"))).await;
    assert!(page.contains("data-state=\"expired\""), "{page}");
    let dashboard = get_text(&admin, server.url("/admin")).await;
    assert!(dashboard.contains("gus@example.com asks you to reopen it"), "on the dashboard");

    // One click reopens it; the client is back in.
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(&admin, server.url(&format!("/admin/galleries/{g}/reopen")), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    assert!(page.contains("IMG_0000") && page.contains("IMG_0001"), "reopened");
    let dashboard = get_text(&admin, server.url("/admin")).await;
    assert!(!dashboard.contains("asks you to reopen it"), "answered by reopening");
    // A download answers with the file's signed address (303), or refuses (403).
    assert_eq!(c.get(server.url(&format!("{link}/download/{proof}"))).send().await.unwrap().status(), 303);
    assert_eq!(c.get(server.url(&format!("{link}/download/{fin}"))).send().await.unwrap().status(), 403);

    // Archived without its finals: closed.
    set_lifecycle(&server, &admin, &g, &[("stage", "archived")]).await;
    assert_eq!(c.get(server.url(&format!("{link}/photos"))).send().await.unwrap().status(), 410);
    // Archived with its finals: the finals show and download, the proofs do not.
    set_lifecycle(&server, &admin, &g, &[("stage", "archived"), ("archive_finals", "on")]).await;
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    assert!(page.contains("IMG_0001") && !page.contains("IMG_0000"), "{page}");
    assert_eq!(c.get(server.url(&format!("{link}/download/{fin}"))).send().await.unwrap().status(), 303);
    assert_eq!(c.get(server.url(&format!("{link}/download/{proof}"))).send().await.unwrap().status(), 403);
    let csrf = meta_csrf(&page);
    let r = c
        .post(server.url(&format!("{link}/favourite")))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "photo": fin, "on": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "an archive takes no hearts");

    // The studio-wide view shows each gallery's state.
    let page = get_text(&admin, server.url("/admin")).await;
    assert!(page.contains("archived"), "{page}");
}

#[tokio::test]
async fn the_dashboard_lists_what_needs_attention_and_each_gallery_has_its_numbers() {
    let server = Server::start().await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let (g, photos) = gallery_with_photos(&api, "Meadow", 2).await;
    let ids: Vec<&str> = photos.iter().map(|p| p["id"].as_str().unwrap()).collect();
    let link = share_link(
        &api,
        &g,
        json!({ "label": "Hal", "favourite": true, "comment": true, "download_proofs": true }),
    )
    .await;
    let page = get_text(&admin, server.url("/admin")).await;
    assert!(!page.contains("Needs your attention"), "nothing yet");

    // A client looks, hearts, leaves a note, submits and downloads.
    let c = browser_client();
    let page = get_text(&c, server.url(&format!("{link}/photos"))).await;
    let csrf = meta_csrf(&page);
    assert_eq!(heart(&server, &c, &link, &csrf, ids[0]).await, 200);
    let r = c
        .post(server.url(&format!("{link}/comments")))
        .header("x-csrf-token", &csrf)
        .json(&json!({ "photo": ids[1], "text": "Brighter please", "retouch": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = post_form(&c, server.url(&format!("{link}/submit")), &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(c.get(server.url(&format!("{link}/download/{}", ids[0]))).send().await.unwrap().status(), 303);

    let page = get_text(&admin, server.url("/admin")).await;
    let attention = between(&page, "id=\"attention\"", "</section>");
    assert!(attention.contains("submitted a selection: 1 photos wait for their finals"), "{attention}");
    assert!(attention.contains("1 client note not answered"), "{attention}");
    // The photographer answers the note; the final arrives: both leave the list.
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(
        &admin,
        server.url(&format!("/admin/galleries/{g}/comments")),
        &[("csrf", &csrf), ("photo", ids[1]), ("text", "Will do!")],
    )
    .await;
    assert_eq!(r.status(), 303);
    api.mark_final(ids[0]).await;
    // Closing in three days: listed.
    set_lifecycle(&server, &admin, &g, &[("stage", "live"), ("expires", &day_in(3))]).await;
    let page = get_text(&admin, server.url("/admin")).await;
    let attention = between(&page, "id=\"attention\"", "</section>");
    assert!(
        !attention.contains("submitted a selection") && !attention.contains("not answered"),
        "{attention}"
    );
    assert!(attention.contains("closes on"), "{attention}");

    // The gallery's numbers and its chart of views.
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/activity"))).await;
    let stat = |id: &str| between(&page, &format!("id=\"stat-{id}\">"), "<").to_string();
    assert_eq!(
        (stat("visitors"), stat("hearts"), stat("downloads"), stat("orders")),
        ("1".into(), "1".into(), "1".into(), "0".into())
    );
    let chart = between(&page, "<svg id=\"views-chart\"", "</svg>");
    assert_eq!(chart.matches("<rect").count(), 30);
    let today = chart.rsplit("<rect").next().unwrap();
    assert!(!today.contains("<title>0 views"), "today's bar counts the visit: {today}");
}

#[tokio::test]
async fn the_studios_branding_reaches_client_pages_and_mails_and_a_light_accent_is_refused() {
    let server = Server::start().await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let page = get_text(&admin, server.url("/admin/studio")).await;
    let csrf = hidden_field(&page, "csrf");
    let brand = |accent: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("accent", accent.to_string()),
            ("pairing", "editorial".to_string()),
            ("email", "hello@lumen.example".to_string()),
            ("phone", "+49 30 1234567".to_string()),
            ("website", "https://lumen.example".to_string()),
        ]
    };
    let r = admin.post(server.url("/admin/studio/brand")).form(&brand("#f4c430")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let why = r.text().await.unwrap();
    assert!(why.contains("too light") && why.contains("4.5:1") && why.contains("such as #"), "{why}");
    let css = get_text(&reqwest::Client::new(), server.url("/brand.css")).await;
    assert!(css.contains("--accent:#a8562e"), "nothing saved: {css}");

    let r = admin.post(server.url("/admin/studio/brand")).form(&brand("#1F5F8B")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let css = get_text(&reqwest::Client::new(), server.url("/brand.css")).await;
    assert!(css.contains("--accent:#1f5f8b") && css.contains("Playfair Display"), "{css}");
    // The pairing's fonts are in the binary.
    let font = css.split("url(").nth(1).unwrap().split(')').next().unwrap();
    let r = reqwest::get(server.url(font)).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "font/woff2");
    assert!(r.bytes().await.unwrap().starts_with(b"wOF2"));

    // Client pages load it and show how to reach the studio; mails carry both.
    let (g, _) = gallery_with_photos(&api, "Dunes", 1).await;
    let link = share_link(&api, &g, json!({ "label": "Ida", "email": "ida@example.com" })).await;
    let page = get_text(&browser_client(), server.url(&link)).await;
    assert!(page.contains("href=\"/brand.css\""), "{page}");
    let contact = between(&page, "id=\"studio-contact\"", "</footer>");
    assert!(
        contact.contains("mailto:hello@lumen.example") && contact.contains("tel:+49301234567"),
        "{contact}"
    );
    let mail = wait_for_outbox(&server, 1).await.pop().unwrap();
    assert!(mail.contains("#1f5f8b") && mail.contains("hello@lumen.example · +49 30 1234567"), "{mail}");
}

#[tokio::test]
async fn the_covers_welcome_words_take_placeholders_checked_on_save() {
    let server = Server::start().await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let (g, _) = gallery_with_photos(&api, "Forest", 1).await;
    let link = share_link(&api, &g, json!({ "label": "Jo <b>& Kim</b>", "favourite": true })).await;
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await;
    let csrf = hidden_field(&page, "csrf");
    let rules = |guide: &'static str| vec![("csrf", csrf.clone()), ("guide", guide.to_string())];
    let url = server.url(&format!("/admin/galleries/{g}/proofing"));
    let r = admin.post(&url).form(&rules("Hello {name}!")).send().await.unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("{name}"));
    let r = admin.post(&url).form(&rules("Hello {client}, welcome to {gallery}.")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    let page = get_text(&browser_client(), server.url(&link)).await;
    assert!(page.contains("Hello Jo &lt;b&gt;&amp; Kim&lt;/b&gt;, welcome to Forest."), "{page}");
}
