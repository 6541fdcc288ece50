//! The admin UI in real headless Chromium (Debian's chromium + chromedriver): sign in,
//! create a gallery, upload files through the page, watch the thumbnails appear.
//! Screenshots go to `tests/artifacts/`.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator};

use crate::support::*;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Starts chromedriver and a headless Chromium session with a `w`×`h` window.
async fn browser(w: u32, h: u32) -> (Driver, Client) {
    browser_scaled(w, h, 1.0).await
}

/// Like `browser`, on a screen of `scale` device pixels per CSS pixel (3 for most phones).
async fn browser_scaled(w: u32, h: u32, scale: f32) -> (Driver, Client) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver must be installed (apt-get install chromium chromium-driver)");
    let driver = Driver(child);
    let profile = tempfile::tempdir().unwrap().keep();
    let caps: serde_json::Map<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-dev-shm-usage", "--no-first-run", "--disable-sync", "--disable-component-update",
                     format!("--window-size={w},{h}"), format!("--force-device-scale-factor={scale}"),
                     format!("--user-data-dir={}", profile.display())]
        }
    }))
    .unwrap();
    let url = format!("http://127.0.0.1:{port}");
    // chromedriver takes a moment to listen; retry the session until it does.
    let start = std::time::Instant::now();
    let client = loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
            Ok(c) => break c,
            Err(e) if start.elapsed() > Duration::from_secs(30) => {
                panic!("no browser session: {e}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    };
    // Headless Chromium starts no narrower than 500 px whatever --window-size says; a
    // resize afterwards gives the phone's real width.
    client.set_window_size(w, h).await.unwrap();
    (driver, client)
}

async fn screenshot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join(name), png).unwrap();
}

#[tokio::test]
async fn photographer_signs_in_creates_a_gallery_and_uploads_through_the_page() {
    let server = Server::start().await;
    let (_driver, c) = browser(1360, 900).await;

    c.goto(&server.url("/admin")).await.unwrap();
    assert!(c.current_url().await.unwrap().path().starts_with("/admin/login"));
    screenshot(&c, "admin-login.png").await;
    c.find(Locator::Css("#password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#new-title")).await.unwrap();

    let title = "Anna & Tom <script>alert('x')</script>";
    c.find(Locator::Css("#new-title")).await.unwrap().send_keys(title).await.unwrap();
    c.find(Locator::Css(".inline-create button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#dropzone")).await.unwrap();
    let h1 = c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap();
    assert_eq!(h1, title, "the title is shown as text");
    assert!(c.get_alert_text().await.is_err(), "no script from a title ran");

    let files: Vec<PathBuf> = corpus().into_iter().take(4).collect();
    let list = files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n");
    c.find(Locator::Css("#files")).await.unwrap().send_keys(&list).await.unwrap();

    // Each upload shows in the queue, then its card turns ready with a thumbnail.
    c.wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("#upload-queue li.done"))
        .await
        .unwrap();
    let ready = Locator::Css(".card.photo[data-status=ready] img");
    wait_for("4 thumbnails on the page", Duration::from_secs(180), || async {
        c.find_all(ready).await.map(|v| v.len() == 4).unwrap_or(false)
    })
    .await;
    // Thumbnails are lazy-loaded: bring the grid into view, then wait for every image.
    c.execute("document.getElementById('grid').scrollIntoView()", vec![]).await.unwrap();
    let all_loaded = "return [...document.querySelectorAll('.card.photo img')].every(i => i.complete && i.naturalWidth > 0)";
    wait_for("every thumbnail image to load", Duration::from_secs(30), || async {
        c.execute(all_loaded, vec![]).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
    })
    .await;
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    let label = c.find(Locator::Css("#upload-total-label")).await.unwrap().text().await.unwrap();
    assert_eq!(label, "4 uploaded");
    screenshot(&c, "admin-gallery.png").await;

    // Open one photo large.
    c.find(Locator::Css(".card.photo a.thumb")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".stage img")).await.unwrap();
    screenshot(&c, "admin-photo.png").await;
    // The arrow keys step to the next photo.
    let first = c.current_url().await.unwrap();
    c.find(Locator::Css("body")).await.unwrap().send_keys("\u{E014}").await.unwrap();
    wait_for("ArrowRight to open the next photo", Duration::from_secs(10), || async {
        c.current_url().await.is_ok_and(|u| u != first && u.path().starts_with("/admin/photos/"))
    })
    .await;
    c.back().await.unwrap();

    // The same gallery on a phone-sized window.
    c.set_window_size(412, 900).await.unwrap();
    c.back().await.unwrap();
    c.wait().for_element(Locator::Css("#grid")).await.unwrap();
    screenshot(&c, "admin-gallery-phone.png").await;
    c.goto(&server.url("/admin")).await.unwrap();
    screenshot(&c, "admin-galleries-phone.png").await;
    // The navigation fits a 390 px phone: nothing sticks out sideways.
    c.set_window_size(390, 844).await.unwrap();
    let wide = c.execute("return document.documentElement.scrollWidth", vec![]).await.unwrap();
    assert!(wide.as_u64().unwrap() <= 390, "the admin page is {wide} px wide on a 390 px screen");
    let signout = "const b = document.querySelector('.topnav button').getBoundingClientRect(); return b.right <= window.innerWidth + 1 || document.querySelector('.topnav').scrollWidth > document.querySelector('.topnav').clientWidth";
    assert_eq!(c.execute(signout, vec![]).await.unwrap(), serde_json::json!(true), "Sign out is reachable");
    screenshot(&c, "admin-nav-phone.png").await;

    // The studio page shows the watermark on one of the photos just uploaded.
    c.set_window_size(1360, 900).await.unwrap();
    c.goto(&server.url("/admin/studio")).await.unwrap();
    wait_for("the watermark sample to load", Duration::from_secs(10), || async {
        let js = "const i = document.getElementById('wm-sample'); return i.complete && i.naturalWidth > 0;";
        c.execute(js, vec![]).await.is_ok_and(|v| v == serde_json::json!(true))
    })
    .await;
    screenshot(&c, "admin-studio.png").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_client_on_a_phone_chooses_comments_submits_and_the_photographer_sees_it() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Anna & Tom — Wedding").await;
    let files: Vec<_> = (0..5).map(|i| corpus_file(i + 2)).collect();
    api.upload(&g, files, false).await;
    let photos = api.wait_processed(&g, 5).await;
    let admin = admin_client(&server).await;
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await;
    let csrf = meta_csrf(&page);
    post_form(
        &admin,
        server.url(&format!("/admin/galleries/{g}/proofing")),
        &[("csrf", csrf.as_str()), ("min", ""), ("max", "3"), ("guide", ""), ("lists", "Album, Prints")],
    )
    .await;
    let link =
        share_link(&api, &g, serde_json::json!({ "label": "Anna", "favourite": true, "comment": true }))
            .await;

    let (_driver, c) = browser(412, 915).await;
    c.goto(&server.url(&link)).await.unwrap();
    let current = c.find(Locator::Css(".step.current")).await.unwrap().text().await.unwrap();
    assert!(current.contains("Heart your favourites"), "{current}");
    let guide = c.find(Locator::Css(".guide .lead")).await.unwrap().text().await.unwrap();
    assert!(guide.contains("choose up to 3 favourites"), "{guide}");
    screenshot(&c, "client-cover.png").await;

    c.find(Locator::Css("#start")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#photos .tile")).await.unwrap();
    let hearts = c.find_all(Locator::Css("#photos .tile .heart")).await.unwrap();
    assert_eq!(hearts.len(), 5);
    for (i, h) in hearts.iter().take(3).enumerate() {
        h.click().await.unwrap();
        let want = (i + 1).to_string();
        wait_for("the counter to follow", Duration::from_secs(10), || async {
            c.find(Locator::Css("#count")).await.unwrap().text().await.unwrap() == want
        })
        .await;
    }
    // The fourth is refused, with the reason shown.
    hearts[3].click().await.unwrap();
    wait_for("the refusal to show", Duration::from_secs(10), || async {
        c.find(Locator::Css("#toast")).await.unwrap().text().await.unwrap_or_default().contains("up to 3")
    })
    .await;
    assert_eq!(c.find(Locator::Css("#count")).await.unwrap().text().await.unwrap(), "3");
    assert_eq!(hearts[3].attr("aria-pressed").await.unwrap().as_deref(), Some("false"));
    screenshot(&c, "client-grid.png").await;

    // The viewer has a URL of its own: the phone's Back closes it and stays in the gallery.
    let grid_url = c.current_url().await.unwrap();
    c.find(Locator::Css("#photos .tile .open")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#viewer:not([hidden]) #viewer-img")).await.unwrap();
    assert!(c.current_url().await.unwrap().fragment().unwrap_or_default().starts_with("photo="));
    c.back().await.unwrap();
    wait_for("Back to close the viewer", Duration::from_secs(10), || async {
        c.execute("return document.getElementById('viewer').hidden", vec![])
            .await
            .is_ok_and(|v| v == serde_json::json!(true))
    })
    .await;
    assert_eq!(c.current_url().await.unwrap().path(), grid_url.path(), "still in the gallery");

    // Open the viewer again; the photo comes first, the notes open from their button.
    c.find(Locator::Css("#photos .tile .open")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#viewer:not([hidden]) #viewer-img")).await.unwrap();
    assert_eq!(
        c.execute("return document.getElementById('viewer-comments').hidden", vec![]).await.unwrap(),
        serde_json::json!(true),
        "notes start closed"
    );
    c.find(Locator::Css("#viewer-notes")).await.unwrap().click().await.unwrap();
    let note = "Please remove the stray hair <img src=x onerror=alert(1)>";
    c.find(Locator::Css("#comment-text")).await.unwrap().send_keys(note).await.unwrap();
    c.find(Locator::Css("#comment-retouch")).await.unwrap().click().await.unwrap();
    c.find(Locator::Css("#comment-form button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for("the note to appear", Duration::from_secs(10), || async {
        c.find(Locator::Css("#comment-list li")).await.is_ok()
    })
    .await;
    let shown = c.find(Locator::Css("#comment-list li")).await.unwrap().text().await.unwrap();
    assert!(shown.contains("<img src=x onerror=alert(1)>"), "shown as text: {shown}");
    assert!(c.get_alert_text().await.is_err(), "no script ran");
    // Put the photo in the "Album" list too (lists have no limit).
    c.find(Locator::Css(".list-toggle[data-list=Album]")).await.unwrap().click().await.unwrap();
    wait_for("the album counter to follow", Duration::from_secs(10), || async {
        // Read as content: the count sits behind the open viewer, where WebDriver's visible
        // text is empty on a narrow screen.
        let n = "return document.querySelector('.list-count[data-list=Album] .n').textContent";
        c.execute(n, vec![]).await.unwrap() == "1"
    })
    .await;
    let toggle = c.find(Locator::Css(".list-toggle[data-list=Album]")).await.unwrap();
    assert_eq!(toggle.attr("aria-pressed").await.unwrap().as_deref(), Some("true"));
    screenshot(&c, "client-viewer.png").await;
    // Every control of the viewer is on the phone's screen.
    let off = "return [...document.querySelectorAll('#viewer .viewer-top button, #viewer .viewer-top a:not([hidden])')].filter(b => b.getBoundingClientRect().right > window.innerWidth).map(b => b.textContent)";
    assert_eq!(c.execute(off, vec![]).await.unwrap(), serde_json::json!([]), "viewer controls off-screen");
    close_viewer(&c).await;

    // "Album" shows just the one photo put in it, and the viewer steps through that one.
    // (From the top: WebDriver would click the filters where the sticky bar covers them.)
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    c.find(Locator::Css(".filter[data-filter=Album]")).await.unwrap().click().await.unwrap();
    let visible = "return [...document.querySelectorAll('#photos .tile')].filter(t => !t.hidden).length";
    assert_eq!(c.execute(visible, vec![]).await.unwrap(), serde_json::json!(1));
    c.find(Locator::Css("#photos .tile:not([hidden]) .open")).await.unwrap().click().await.unwrap();
    let name = c.find(Locator::Css("#viewer-name")).await.unwrap().text().await.unwrap();
    assert!(name.ends_with("1 of 1"), "{name}");
    close_viewer(&c).await;
    c.find(Locator::Css(".filter[data-filter='♥']")).await.unwrap().click().await.unwrap();
    assert_eq!(c.execute(visible, vec![]).await.unwrap(), serde_json::json!(3), "the three hearts");
    c.find(Locator::Css(".filter[data-filter='']")).await.unwrap().click().await.unwrap();
    assert_eq!(c.execute(visible, vec![]).await.unwrap(), serde_json::json!(5));

    // Submit opens the review sheet: the three photos, and a message for the photographer.
    c.find(Locator::Css("#submit")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#review[open]")).await.unwrap();
    let listed = c.find_all(Locator::Css("#review-photos li")).await.unwrap().len();
    assert_eq!(listed, 3, "the sheet shows what will be sent");
    let count = c.find(Locator::Css("#review-count")).await.unwrap().text().await.unwrap();
    assert!(count.starts_with("3 photos"), "{count}");
    c.find(Locator::Css("#review-message"))
        .await
        .unwrap()
        .send_keys("The one by the lake is our favourite!")
        .await
        .unwrap();
    screenshot(&c, "client-review.png").await;
    c.find(Locator::Css("#review-send")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".submitted")).await.unwrap();
    // Sent: the chosen photos stay fully visible, marked with their hearts.
    let faded = "return [...document.querySelectorAll('#photos .tile .heart[aria-pressed=true]')].map(h => getComputedStyle(h).opacity)";
    assert_eq!(c.execute(faded, vec![]).await.unwrap(), serde_json::json!(["1", "1", "1"]));
    screenshot(&c, "client-submitted.png").await;

    // The same gallery on a laptop: cover, grid, viewer.
    c.set_window_size(1360, 900).await.unwrap();
    c.goto(&server.url(&link)).await.unwrap();
    screenshot(&c, "client-cover-desktop.png").await;
    c.goto(&server.url(&format!("{link}/photos"))).await.unwrap();
    c.wait().for_element(Locator::Css("#photos .tile")).await.unwrap();
    screenshot(&c, "client-grid-desktop.png").await;
    c.find(Locator::Css("#photos .tile .open")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#viewer:not([hidden]) #viewer-img")).await.unwrap();
    wait_for("the preview to load", Duration::from_secs(10), || async {
        let js = "const i = document.getElementById('viewer-img'); return i.complete && i.naturalWidth > 0;";
        c.execute(js, vec![]).await.is_ok_and(|v| v == serde_json::json!(true))
    })
    .await;
    screenshot(&c, "client-viewer-desktop.png").await;

    // The photographer sees the selection and the Lightroom string.
    c.goto(&server.url("/admin/login")).await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#new-title")).await.unwrap();
    c.goto(&server.url(&format!("/admin/galleries/{g}/selections"))).await.unwrap();
    let lr = c.find(Locator::Css("textarea.lightroom")).await.unwrap().prop("value").await.unwrap().unwrap();
    let expected: Vec<String> = photos[..3]
        .iter()
        .map(|p| p["filename"].as_str().unwrap().trim_end_matches(".jpg").to_string())
        .collect();
    assert_eq!(lr, expected.join(", "));
    let album = c.find(Locator::Css("textarea.lightroom[data-list=Album]")).await.unwrap();
    assert_eq!(
        album.prop("value").await.unwrap().unwrap(),
        expected[0],
        "the album list has the viewed photo"
    );
    let text = c.find(Locator::Css("body")).await.unwrap().text().await.unwrap();
    assert!(text.contains("retouch request") && text.contains("onerror=alert(1)"));
    assert!(
        text.contains("The one by the lake is our favourite!"),
        "the client's message reached the photographer"
    );
    screenshot(&c, "admin-selections.png").await;
    c.close().await.unwrap();
}

#[tokio::test]
async fn below_the_minimum_submit_waits_and_says_how_many_more() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Minimum", 4).await;
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await);
    let rules = [("csrf", csrf.as_str()), ("min", "3"), ("max", "4"), ("guide", ""), ("lists", "")];
    post_form(&admin, server.url(&format!("/admin/galleries/{g}/proofing")), &rules).await;
    let link = share_link(&api, &g, serde_json::json!({ "label": "Min", "favourite": true })).await;

    let (_driver, c) = browser(390, 844).await;
    c.goto(&server.url(&format!("{link}/photos"))).await.unwrap();
    c.wait().for_element(Locator::Css("#photos .tile")).await.unwrap();
    let submit = c.find(Locator::Css("#submit")).await.unwrap();
    assert_eq!(submit.attr("disabled").await.unwrap().as_deref(), Some("true"));
    c.find(Locator::Css("#photos .tile .heart")).await.unwrap().click().await.unwrap();
    // The heart shows at once; the counter says how many more, and submit still waits.
    let goal = c.find(Locator::Css("#goal")).await.unwrap().text().await.unwrap();
    assert!(goal.contains("2 more to reach 3"), "{goal}");
    assert_eq!(c.find(Locator::Css("#count")).await.unwrap().text().await.unwrap(), "1");
    assert!(submit.attr("disabled").await.unwrap().is_some(), "one of three cannot be sent");
    // The one-row bar on a phone.
    let bar = "return document.querySelector('.client-bar').getBoundingClientRect().height";
    let h = c.execute(bar, vec![]).await.unwrap().as_f64().unwrap();
    assert!(h < 80.0, "the bar is {h} px high on a phone");
    screenshot(&c, "client-minimum-phone.png").await;
    // The heart reached the server.
    wait_for("the heart to be stored", Duration::from_secs(10), || async {
        let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/selections"))).await;
        page.contains("1 favourite")
    })
    .await;
    c.close().await.unwrap();
}

/// Runs `body` (a script's body that may `await`) in the page and returns its result.
async fn run_async(c: &Client, body: &str) -> serde_json::Value {
    c.execute(&format!("return (async () => {{ {body} }})()"), vec![]).await.unwrap()
}

/// The text of the page's first `h1`.
async fn h1(c: &Client) -> String {
    c.find(Locator::Css("h1")).await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn an_ended_link_is_the_studios_page_and_asks_the_photographer_to_reopen() {
    let server = Server::start_with(&[
        ("PROOFROOM_STUDIO_NAME", "Lumen Studio"),
        ("PROOFROOM_NOTIFY_EMAIL", "hello@lumen.example"),
    ])
    .await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Anna & Tom", 2).await;
    let link = share_link(&api, &g, serde_json::json!({ "label": "Anna", "expires_in_seconds": 1 })).await;
    wait_for("the link to expire", Duration::from_secs(5), || async {
        browser_client().get(server.url(&link)).send().await.unwrap().status() == 410
    })
    .await;

    let (_driver, c) = browser(390, 844).await;
    c.goto(&server.url(&link)).await.unwrap();
    assert_eq!(h1(&c).await, "This link has ended");
    let body = c.find(Locator::Css("body")).await.unwrap().text().await.unwrap();
    assert!(body.contains("Lumen Studio") && body.contains("expired"), "{body}");
    screenshot(&c, "client-link-ended-phone.png").await;
    let widest = "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 390).map(e => e.tagName + '.' + e.className + ' ' + e.getBoundingClientRect().right).slice(0, 5)";
    let wide = c.execute("return document.documentElement.scrollWidth", vec![]).await.unwrap();
    let culprits = c.execute(widest, vec![]).await.unwrap();
    assert!(wide.as_u64().unwrap() <= 390, "the page fits the phone ({wide} px): {culprits}");

    c.find(Locator::Css("#reopen-email")).await.unwrap().send_keys("anna@example.com").await.unwrap();
    c.find(Locator::Css("#reopen-note"))
        .await
        .unwrap()
        .send_keys("We would love to order prints.")
        .await
        .unwrap();
    c.find(Locator::Css(".reopen button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for("the answer page", Duration::from_secs(10), || async {
        c.find(Locator::Css("h1")).await.ok().is_some_and(|_| true)
            && h1(&c).await == "Your request is on its way"
    })
    .await;
    let body = c.find(Locator::Css("body")).await.unwrap().text().await.unwrap();
    assert!(body.contains("anna@example.com"), "says where the answer goes: {body}");
    screenshot(&c, "client-reopen-asked-phone.png").await;
    let mails = wait_for_outbox(&server, 1).await;
    assert!(mails[0].contains("We would love to order prints.") && mails[0].contains("anna@example.com"));
    c.close().await.unwrap();
}

/// "14.2 MB", as the sheet writes sizes.
fn shown_size(bytes: u64) -> String {
    let units = ["B", "KB", "MB", "GB"];
    let (mut v, mut i) = (bytes as f64, 0);
    while v >= 1000.0 && i < units.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    if i == 0 { format!("{bytes} B") } else { format!("{v:.1} {}", units[i]) }
}

#[tokio::test]
async fn a_dense_phone_gets_sharp_tiles_and_the_download_sheet_weighs_each_zip() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_sized_photos(&api, "Anna & Tom", 3, (1200, 800)).await;
    let link = share_link(
        &api,
        &g,
        serde_json::json!({ "label": "Anna", "favourite": true, "download_proofs": true }),
    )
    .await;
    let (_driver, c) = browser_scaled(390, 844, 3.0).await;
    c.goto(&server.url(&format!("{link}/photos"))).await.unwrap();
    c.wait().for_element(Locator::Css("#photos .tile img")).await.unwrap();
    // A 3× screen takes the 1,024 px size for its tiles.
    let loaded =
        "return [...document.querySelectorAll('#photos .tile img')].every(i => i.complete && i.currentSrc)";
    wait_for("the tiles to load", Duration::from_secs(20), || async {
        c.execute(loaded, vec![]).await.ok().and_then(|v| v.as_bool()).unwrap_or(false)
    })
    .await;
    let src =
        c.execute("return document.querySelector('#photos .tile img').currentSrc", vec![]).await.unwrap();
    let medium = photos[0]["medium_url"].as_str().unwrap();
    assert!(src.as_str().unwrap().ends_with(medium), "{src} is not the medium size {medium}");

    // A favourite, so the sheet offers it too.
    c.find(Locator::Css("#photos .tile .heart")).await.unwrap().click().await.unwrap();
    wait_for("the heart to be stored", Duration::from_secs(10), || async {
        c.find(Locator::Css("#photos .tile .heart"))
            .await
            .unwrap()
            .attr("aria-pressed")
            .await
            .unwrap()
            .as_deref()
            == Some("true")
            && browser_client().get(server.url("/healthz")).send().await.is_ok()
    })
    .await;
    c.refresh().await.unwrap();
    c.find(Locator::Css(".download-sheet summary")).await.unwrap().click().await.unwrap();
    screenshot(&c, "client-download-sheet-phone.png").await;
    let weighed = run_async(
        &c,
        "const out = [];
         for (const a of document.querySelectorAll('.download-sheet a[data-bytes]')) {
           const r = await fetch(a.href);
           const got = (await r.arrayBuffer()).byteLength;
           out.push([a.textContent, Number(a.dataset.bytes), Number(r.headers.get('content-length')), got]);
         }
         return out;",
    )
    .await;
    let rows = weighed.as_array().unwrap();
    // All photos and the favourites, each as originals and web size.
    assert_eq!(rows.len(), 4, "{weighed}");
    for row in rows {
        let (text, shown, header, body) = (
            row[0].as_str().unwrap(),
            row[1].as_u64().unwrap(),
            row[2].as_u64().unwrap(),
            row[3].as_u64().unwrap(),
        );
        assert_eq!(shown, header, "{text}: the sheet's size is the zip's Content-Length");
        assert_eq!(header, body, "{text}: and the bytes that came");
        assert!(text.ends_with(&shown_size(shown)), "{text} says {}", shown_size(shown));
    }
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_long_gallery_comes_in_chapters_to_jump_between() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Long day", 160).await;
    let link = share_link(&api, &g, serde_json::json!({ "label": "Anna", "favourite": true })).await;
    let (_driver, c) = browser(1280, 900).await;
    c.goto(&server.url(&format!("{link}/photos"))).await.unwrap();
    let jumps = c.find_all(Locator::Css(".jump a")).await.unwrap();
    assert_eq!(jumps.len(), 2);
    assert_eq!(jumps[1].text().await.unwrap(), "101–160");
    jumps[1].click().await.unwrap();
    let top = "return [window.scrollY, document.getElementById('part-2').getBoundingClientRect().top]";
    wait_for("the second chapter in view", Duration::from_secs(5), || async {
        let v = c.execute(top, vec![]).await.unwrap();
        let (y, t) = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
        // Below the sticky bar, at the top of the screen.
        y > 500.0 && (40.0..200.0).contains(&t)
    })
    .await;
    screenshot(&c, "client-chapters.png").await;
    // Filtered to the favourites, the grid is one run: no chapter heads.
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    c.find(Locator::Css(".filter[data-filter='♥']")).await.unwrap().click().await.unwrap();
    let heads = "return getComputedStyle(document.querySelector('.chapter')).display";
    assert_eq!(c.execute(heads, vec![]).await.unwrap(), "none");
    c.close().await.unwrap();
}

#[tokio::test]
async fn the_pricing_guide_and_the_prices_page_fit_a_phone() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Anna & Tom", 2).await;
    let link = share_link(&api, &g, serde_json::json!({ "label": "Anna", "favourite": true })).await;
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url("/admin/prices")).await);
    let post = |path: &'static str, fields: Vec<(&'static str, &'static str)>| {
        let (admin, url, csrf) = (admin.clone(), server.url(path), csrf.clone());
        async move {
            let mut all = vec![("csrf", csrf.as_str())];
            all.extend(fields);
            assert_eq!(post_form(&admin, url, &all).await.status(), 303);
        }
    };
    post("/admin/prices/terms", vec![("currency", "EUR"), ("tax", "19"), ("inclusive", "on")]).await;
    post(
        "/admin/prices/products",
        vec![("name", "Digital, full size"), ("kind", "digital"), ("price", "25")],
    )
    .await;
    post(
        "/admin/prices/products",
        vec![("name", "Fine art print 20 × 25"), ("kind", "print"), ("size", "20 x 25"), ("price", "39")],
    )
    .await;
    post(
        "/admin/prices/products",
        vec![("name", "Canvas 40 × 50"), ("kind", "wall-art"), ("size", "40 x 50"), ("price", "180")],
    )
    .await;
    let page = get_text(&admin, server.url("/admin/prices")).await;
    let (digital, canvas) =
        (option_value(&page, "Digital, full size"), option_value(&page, "Canvas 40 × 50"));
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", "Collection"),
        ("price", "450"),
        ("images", "10"),
        ("digital", digital.as_str()),
        ("includes", canvas.as_str()),
        ("extra_image", "35"),
    ];
    assert_eq!(post_form(&admin, server.url("/admin/prices/packages"), &fields).await.status(), 303);
    // Photos of the canvas and the print, as the studio uploads them on the prices page.
    for (product, size) in
        [(&canvas, (1600, 1200)), (&option_value(&page, "Fine art print 20 × 25"), (900, 1200))]
    {
        let at = format!("/admin/prices/products/{product}/photo");
        let photo = Some(jpeg_with_orientation(size.0, size.1, 1));
        assert_eq!(crate::watermark::post_multipart(&admin, &server, &at, &csrf, &[], photo).await, 303);
    }
    // A second list, so the page shows its tabs.
    let list = [("csrf", csrf.as_str()), ("name", "Weddings"), ("copy", "on")];
    assert_eq!(post_form(&admin, server.url("/admin/prices/lists"), &list).await.status(), 303);

    let (_driver, c) = browser(390, 844).await;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    c.goto(&server.url(&link)).await.unwrap();
    c.find(Locator::Css(".prices-link a")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".package-cards")).await.unwrap();
    assert_eq!(h1(&c).await, "Prices and packages");
    assert_eq!(c.execute(fits, vec![]).await.unwrap(), serde_json::json!(true), "the guide fits the phone");
    let card = c.find(Locator::Css(".package-cards li")).await.unwrap().text().await.unwrap();
    assert!(card.contains("EUR 450.00") && card.contains("10 digital images + 1 × Canvas 40 × 50"), "{card}");
    // The package's card shows the canvas's photo, and the products their own; all load.
    wait_for("the product photos to load", Duration::from_secs(10), || async {
        // The lower one loads lazily: scroll it into view.
        let loaded = "document.querySelector('.price-list img.product-photo').scrollIntoView(); return [...document.querySelectorAll('img.product-photo')].map(i => i.complete && i.naturalWidth > 0)";
        // The package's card, the print and the canvas in the lists.
        c.execute(loaded, vec![]).await.unwrap() == serde_json::json!([true, true, true])
    })
    .await;
    c.execute("window.scrollTo(0, 0)", vec![]).await.unwrap();
    screenshot(&c, "client-prices-phone.png").await;

    // The photographer's page, on the same phone.
    c.goto(&server.url("/admin/login?next=/admin/prices")).await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#new-product")).await.unwrap();
    assert_eq!(h1(&c).await, "Prices and packages");
    screenshot(&c, "admin-prices-phone.png").await;
    assert_eq!(
        c.execute(fits, vec![]).await.unwrap(),
        serde_json::json!(true),
        "the prices page fits the phone"
    );
    c.execute("document.getElementById('products').scrollIntoView()", vec![]).await.unwrap();
    screenshot(&c, "admin-prices-products-phone.png").await;
    c.close().await.unwrap();
}

/// Clicks the first element matching `css`.
async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css)).await.unwrap_or_else(|e| panic!("{css}: {e}")).click().await.unwrap();
}

/// Clicks something that loads a new page (a form's button, a link) and waits until the new
/// page has loaded: the old page may hold the same elements, so waiting for an element alone
/// could read the old page while the new one is on its way.
async fn click_to_load(c: &Client, css: &str) {
    c.execute("window.__leaving = true", vec![]).await.unwrap();
    click(c, css).await;
    wait_for(&format!("the page after {css}"), Duration::from_secs(20), || async {
        let now = "return window.__leaving !== true && document.readyState === 'complete'";
        c.execute(now, vec![]).await.map(|v| v == serde_json::json!(true)).unwrap_or(false)
    })
    .await;
}

/// Closes the photo viewer and waits until it is closed: it closes through the browser's
/// history, and its last step puts the focus back on the tile (which scrolls to it).
async fn close_viewer(c: &Client) {
    click(c, "#viewer-close").await;
    wait_for("the viewer to close", Duration::from_secs(10), || async {
        c.find(Locator::Css("#viewer[hidden]")).await.is_ok()
    })
    .await;
}

/// The whole purchase on a phone: favourites, the pricing guide, a package filled from the
/// favourites with one extra image, a print whose crop is moved, a coupon, checkout; the
/// invoice from the real SMTP server; the photographer marks it paid and uploads finals
/// with the same names; the delivery mail arrives by itself and the zip holds the finals,
/// renamed by the studio's pattern.
#[tokio::test]
async fn a_client_on_a_phone_orders_pays_and_receives_the_finals() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let shop = crate::orders::Shop::on(start_with(smtp_env(sink.port)).await).await;
    shop.ok(
        "/admin/prices/billing",
        &[
            ("account_holder", "Studio Licht"),
            ("iban", "DE89 3704 0044 0532 0130 00"),
            ("address", "Studio Licht\nHauptstr. 1, Berlin"),
            ("delivery_names", "{gallery}-{filename}"),
            ("delivery_creator", "Studio Licht"),
        ],
    )
    .await;
    let server = &shop.server;
    let api = server.api();
    let (g, photos) = gallery_with_sized_photos(&api, "Anna", 3, (1200, 600)).await;
    let names: Vec<String> = photos.iter().map(|p| p["filename"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, serde_json::json!({ "label": "Anna", "favourite": true })).await;

    let (_driver, c) = browser(390, 844).await;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth";
    c.goto(&server.url(&link)).await.unwrap();
    let steps = c.find(Locator::Css(".steps")).await.unwrap().text().await.unwrap();
    assert!(steps.contains("Choose a package or prints"), "{steps}");
    click(&c, "#start").await;
    c.wait().for_element(Locator::Css("#photos .tile")).await.unwrap();
    let hearts = c.find_all(Locator::Css("#photos .tile .heart")).await.unwrap();
    for (i, h) in hearts.iter().take(2).enumerate() {
        h.click().await.unwrap();
        let want = (i + 1).to_string();
        wait_for("the heart to count", Duration::from_secs(10), || async {
            c.find(Locator::Css("#count")).await.unwrap().text().await.unwrap() == want
        })
        .await;
    }

    c.goto(&server.url(&format!("{link}/prices"))).await.unwrap();
    assert_eq!(c.execute(fits, vec![]).await.unwrap(), serde_json::json!(true));
    screenshot(&c, "order-guide-phone.png").await;

    // The package, filled from the favourites in one tap: one included, one extra.
    c.goto(&server.url(&format!("{link}/photos"))).await.unwrap();
    click_to_load(&c, "#bar-order").await;
    c.wait().for_element(Locator::Css("#package")).await.unwrap();
    click(&c, ".package-choice input[type=radio]").await;
    click_to_load(&c, ".package-choice button").await;
    c.wait().for_element(Locator::Css("#fill")).await.unwrap();
    click_to_load(&c, "#fill").await;
    c.wait().for_element(Locator::Css("#package-counter")).await.unwrap();
    let counter = c.find(Locator::Css("#package-counter")).await.unwrap().text().await.unwrap();
    assert!(counter.contains("1 of 1") && counter.contains("1 extra"), "{counter}");
    assert_eq!(c.execute(fits, vec![]).await.unwrap(), serde_json::json!(true), "the order page fits");
    screenshot(&c, "order-cart-phone.png").await;

    // A print of the third photo, from the viewer; its crop frame dragged to the right.
    c.goto(&server.url(&format!("{link}/photos"))).await.unwrap();
    let opens = c.find_all(Locator::Css("#photos .tile .open")).await.unwrap();
    opens[2].click().await.unwrap();
    c.wait().for_element(Locator::Css("#viewer:not([hidden]) #viewer-order")).await.unwrap();
    click(&c, "#viewer-order").await;
    c.wait().for_element(Locator::Css("#crop-stage")).await.unwrap();
    let print = c.find(Locator::Css("input[name=product][data-aspect]")).await.unwrap();
    print.click().await.unwrap();
    wait_for("the crop frame", Duration::from_secs(10), || async {
        c.execute("return !document.getElementById('crop-frame').hidden", vec![]).await.unwrap()
            == serde_json::json!(true)
    })
    .await;
    let centred = c.execute("return document.getElementById('crop').value", vec![]).await.unwrap();
    let drag = r#"
        const f = document.getElementById('crop-frame'), r = f.getBoundingClientRect();
        const at = (type, x) => f.dispatchEvent(new PointerEvent(type, { bubbles: true, pointerId: 7, clientX: x, clientY: r.top + 10 }));
        at('pointerdown', r.left + 10); at('pointermove', r.left + 400); at('pointerup', r.left + 400);
        return document.getElementById('crop').value;"#;
    let moved = c.execute(drag, vec![]).await.unwrap();
    let moved = moved.as_str().unwrap().to_string();
    assert_ne!(serde_json::json!(moved), centred, "the frame moved");
    // A 3:2 frame on a 2:1 photo is 75 % of its width, centred at 12.5 %; dragged past the
    // right edge it stops there, at 25 %.
    assert_eq!(centred, serde_json::json!("1250,0,7500,10000"));
    assert_eq!(moved, "2500,0,7500,10000", "the frame stops at the photo's edge");
    screenshot(&c, "order-crop-phone.png").await;
    click_to_load(&c, "#add").await;
    c.wait().for_element(Locator::Css("#lines .order-lines")).await.unwrap();

    // The coupon, then checkout.
    c.find(Locator::Css("#coupon")).await.unwrap().send_keys("ten").await.unwrap();
    click_to_load(&c, "form.inline button").await;
    c.wait().for_element(Locator::Css("#to-checkout")).await.unwrap();
    let total = c.find(Locator::Css("#total")).await.unwrap().text().await.unwrap();
    assert!(total.contains("−EUR 5.50"), "10 % of 55.00: {total}");
    click_to_load(&c, "#to-checkout").await;
    c.wait().for_element(Locator::Css("#place")).await.unwrap();
    c.find(Locator::Css("#name")).await.unwrap().send_keys("Anna Example").await.unwrap();
    c.find(Locator::Css("#email")).await.unwrap().send_keys("anna@example.com").await.unwrap();
    c.find(Locator::Css("#address"))
        .await
        .unwrap()
        .send_keys("Anna Example\nLindenstr. 5\n10969 Berlin")
        .await
        .unwrap();
    assert_eq!(c.execute(fits, vec![]).await.unwrap(), serde_json::json!(true), "checkout fits");
    screenshot(&c, "order-checkout-phone.png").await;
    click_to_load(&c, "#place").await;
    c.wait().for_element(Locator::Css("#pay")).await.unwrap();
    let pay = c.find(Locator::Css("#pay")).await.unwrap().text().await.unwrap();
    // 30 + 20 + 5 = 55.00, less 5.50, plus 4.90 post = 54.40.
    assert!(pay.contains("To pay: EUR 54.40"), "{pay}");
    assert!(c.find(Locator::Css("#pay svg")).await.is_ok(), "a GiroCode to scan");
    screenshot(&c, "order-placed-phone.png").await;
    let order_path = c.current_url().await.unwrap().path().to_string();
    click_to_load(&c, "#invoice-link").await;
    c.wait().for_element(Locator::Css(".invoice")).await.unwrap();
    assert!(h1(&c).await.contains("Invoice 00001"));
    screenshot(&c, "order-invoice-phone.png").await;

    // The invoice mail, read from the SMTP server.
    let mails = sink.wait_for_messages(2).await;
    let invoice_mail = mails.iter().find(|m| m.contains("anna@example.com") && m.contains("Invoice 00001"));
    let invoice_mail = invoice_mail.expect("the invoice mail to the client");
    assert!(invoice_mail.contains("EUR 54.40") && invoice_mail.contains(&order_path));

    // The photographer marks it paid and uploads the finals under the same names.
    let id = order_path.rsplit('/').next().unwrap();
    shop.ok(&format!("/admin/orders/{id}/payments"), &[("amount", "54.40"), ("method", "bank transfer")])
        .await;
    let finals: Vec<(String, Vec<u8>)> =
        names.iter().take(2).map(|n| (n.clone(), jpeg_with_orientation(900, 600, 1))).collect();
    assert_eq!(api.upload(&g, finals.clone(), true).await.0, 200);
    let delivery = wait_for_mail(&sink, "Your photos are ready").await;
    let files_path = delivery
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .find(|w| w.contains("/files"))
        .and_then(|w| w.find("/g/").map(|i| w[i..].to_string()))
        .expect("the delivery page's link");
    c.goto(&server.url(&files_path)).await.unwrap();
    c.wait().for_element(Locator::Css("#delivery-zip")).await.unwrap();
    assert_eq!(c.execute(fits, vec![]).await.unwrap(), serde_json::json!(true), "the delivery page fits");
    screenshot(&c, "order-delivery-phone.png").await;

    // The zip, fetched by the phone's own session: the finals, renamed.
    let fetch = r#"const done = arguments[0];
        fetch(document.getElementById('delivery-zip').href).then(r => r.arrayBuffer()).then(b => {
          let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); done(btoa(s)); });"#;
    let b64 = c.execute_async(fetch, vec![]).await.unwrap();
    let bytes = base64_decode(b64.as_str().unwrap());
    let (dir, mut got) = crate::zip::unzip(&bytes);
    got.sort();
    let want: Vec<String> = names.iter().take(2).map(|n| format!("Anna-{n}")).collect();
    assert_eq!(got, want);
    for (i, n) in want.iter().enumerate() {
        let got = std::fs::read(dir.path().join("x").join(n)).unwrap();
        crate::orders::assert_delivered(&got, &finals[i].1, "Studio Licht", n);
    }
    c.close().await.unwrap();
}

/// Waits for a message at the SMTP server with `words` in it.
async fn wait_for_mail(sink: &SmtpSink, words: &str) -> String {
    wait_for(&format!("a mail with “{words}”"), Duration::from_secs(60), || async {
        sink.messages().iter().any(|m| m.contains(words))
    })
    .await;
    sink.messages().into_iter().find(|m| m.contains(words)).unwrap()
}

/// Standard base64, as the browser's `btoa` writes it.
fn base64_decode(s: &str) -> Vec<u8> {
    let table = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = s.bytes().filter(|c| *c != b'=').collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let v: Vec<u32> = chunk.iter().map(|c| table(*c) as u32).collect();
        let n = v.iter().enumerate().fold(0u32, |acc, (i, x)| acc | (x << (18 - 6 * i)));
        out.push((n >> 16) as u8);
        if v.len() > 2 {
            out.push((n >> 8) as u8);
        }
        if v.len() > 3 {
            out.push(n as u8);
        }
    }
    out
}

/// Reads a value from the page by script (`return …`).
async fn read(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// The live session on two screens: the photographer (a laptop) starts it from the gallery
/// page and leads through the five photos while the client's phone follows; the client's
/// heart shows on the photographer's counter; three photos compared; one set aside; the
/// client's page reloaded mid-session comes back where the session is.
#[tokio::test]
async fn a_live_session_keeps_the_photographer_and_the_client_in_step() {
    let sink = SmtpSink::start(SmtpSink::free_port()).await;
    let server = start_with(smtp_env(sink.port)).await;
    let api = server.api();
    let (g, photos) = gallery_with_sized_photos(&api, "Anna & Tom", 5, (1200, 800)).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, serde_json::json!({ "label": "Anna", "favourite": true })).await;
    // Two wall sizes in the price list, for the room view.
    let admin = admin_client(&server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url("/admin/prices")).await);
    for (name, size) in [("16 × 20 in", "16x20in"), ("24 × 36 in", "24x36in")] {
        let f =
            [("csrf", csrf.as_str()), ("name", name), ("kind", "wall-art"), ("size", size), ("price", "200")];
        assert_eq!(post_form(&admin, server.url("/admin/prices/products"), &f).await.status(), 303);
    }
    // And a package of one image, each extra 35, for the count of kept photos.
    let f = [("csrf", csrf.as_str()), ("name", "File"), ("kind", "digital"), ("price", "30")];
    assert_eq!(post_form(&admin, server.url("/admin/prices/products"), &f).await.status(), 303);
    let digital = option_value(&get_text(&admin, server.url("/admin/prices")).await, "File");
    let f = [
        ("csrf", csrf.as_str()),
        ("name", "Collection"),
        ("price", "100"),
        ("images", "1"),
        ("digital", digital.as_str()),
        ("includes", ""),
        ("extra_image", "35"),
    ];
    assert_eq!(post_form(&admin, server.url("/admin/prices/packages"), &f).await.status(), 303);

    let (_pd, p) = browser(1280, 800).await;
    p.goto(&server.url(&format!("/admin/login?next=/admin/galleries/{g}"))).await.unwrap();
    p.find(Locator::Css("#password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    click_to_load(&p, "form button[type=submit]").await;
    click(&p, "details.actions summary").await;
    click_to_load(&p, "#start-live").await;
    let code = p.find(Locator::Css("#live-code")).await.unwrap().text().await.unwrap();
    assert_eq!(code.len(), 6, "{code}");

    let (_cd, c) = browser(390, 844).await;
    c.goto(&server.url(&format!("{link}/live?code={code}"))).await.unwrap();
    let shown = "return document.getElementById('live-photo').dataset.id || ''";
    for (screen, who) in [(&p, "photographer"), (&c, "client")] {
        wait_for(&format!("the {who}'s screen to draw"), Duration::from_secs(10), || async {
            read(screen, shown).await == serde_json::json!(ids[0])
        })
        .await;
    }
    let lead = read(&p, "return document.getElementById('live-lead').textContent").await;
    assert_eq!(lead, "You lead", "the client has joined");
    assert_eq!(
        read(&c, "return document.getElementById('live-lead').textContent").await,
        "The photographer leads"
    );
    assert_eq!(
        read(&c, "return document.getElementById('live-next').disabled").await,
        serde_json::json!(true)
    );
    screenshot(&p, "live-start-photographer.png").await;
    screenshot(&c, "live-start-client-phone.png").await;

    // The photographer leads through the five photos; the phone follows each.
    for id in &ids[1..] {
        click(&p, "#live-next").await;
        wait_for("the client's screen to follow", Duration::from_secs(10), || async {
            read(&c, shown).await == serde_json::json!(id)
        })
        .await;
    }
    let name = c.find(Locator::Css("#live-name")).await.unwrap().text().await.unwrap();
    assert!(name.ends_with("5 of 5"), "{name}");

    // The client hearts the photo on screen: the photographer's counter follows.
    click(&c, "#live-heart").await;
    wait_for("the photographer's heart counter", Duration::from_secs(10), || async {
        read(&p, "return document.getElementById('live-hearts').textContent").await == "1"
    })
    .await;
    let pressed = "return document.getElementById('live-heart').getAttribute('aria-pressed')";
    wait_for("the client's heart to show", Duration::from_secs(10), || async {
        read(&c, pressed).await == "true"
    })
    .await;
    screenshot(&p, "live-heart-photographer.png").await;
    screenshot(&c, "live-heart-client-phone.png").await;

    // Three photos marked and compared side by side, on both screens.
    for id in &ids[..3] {
        click(&p, &format!(".live-thumb[data-id='{id}'] .live-mark")).await;
    }
    click(&p, "#live-compare-go").await;
    let compared = "return [...document.querySelectorAll('#live-compare figure')].map(f => f.dataset.id)";
    for screen in [&p, &c] {
        wait_for("the comparison", Duration::from_secs(10), || async {
            read(screen, compared).await == serde_json::json!(ids[..3])
        })
        .await;
    }
    screenshot(&p, "live-compare-photographer.png").await;
    screenshot(&c, "live-compare-client-phone.png").await;

    // Back to one photo. Two kept: the client's count against the package shows one extra
    // at its price; both undone again.
    click(&p, "#live-compare-go").await;
    click(&p, "#live-keep").await;
    click(&p, &format!(".live-thumb[data-id='{}']", ids[0])).await;
    // Keep acts on the photo on screen: wait until the screen has it.
    wait_for("the first photo", Duration::from_secs(10), || async {
        read(&p, shown).await == serde_json::json!(ids[0])
    })
    .await;
    click(&p, "#live-keep").await;
    let package = "return document.getElementById('live-package').textContent";
    wait_for("the package count", Duration::from_secs(10), || async {
        read(&c, package).await == "Collection: 1 of 1 included · 1 extra at EUR 35.00 each"
    })
    .await;
    screenshot(&c, "live-kept-client-phone.png").await;
    click(&p, "#live-undo").await;
    click(&p, "#live-undo").await;
    click(&p, &format!(".live-thumb[data-id='{}']", ids[4])).await;
    wait_for("the last photo", Duration::from_secs(10), || async {
        read(&p, shown).await == serde_json::json!(ids[4])
    })
    .await;
    click(&p, "#live-aside").await;
    let aside = "return document.getElementById('live-aside-n').textContent";
    wait_for("the set-aside count", Duration::from_secs(10), || async { read(&c, aside).await == "1" }).await;

    // On the wall: a 3 m wall with the 16 × 20 and the 24 × 36 beside each other, drawn at
    // scale on both screens (a landscape photo hangs landscape: 508 and 914 mm wide).
    click(&p, "#live-room-go").await;
    let ratios = "const r = document.getElementById('live-room').getBoundingClientRect().width; return [...document.querySelectorAll('.live-print')].map(p => [Number(p.dataset.mm), p.getBoundingClientRect().width / r])";
    for screen in [&p, &c] {
        wait_for("the prints on the wall", Duration::from_secs(10), || async {
            read(screen, ratios).await.as_array().is_some_and(|a| a.len() == 2)
        })
        .await;
        let got = read(screen, ratios).await;
        for (pair, mm) in got.as_array().unwrap().iter().zip([508.0, 914.0]) {
            assert_eq!(pair[0].as_f64(), Some(mm), "{got}");
            let want = mm / 3000.0;
            assert!((pair[1].as_f64().unwrap() - want).abs() < want * 0.02, "{mm} mm on a 3 m wall: {got}");
        }
    }
    screenshot(&p, "live-wall-photographer.png").await;
    screenshot(&c, "live-wall-client-phone.png").await;
    // A wider wall (4 m): the prints shrink on the client's screen too.
    p.execute("const w = document.getElementById('room-wall'); w.value = 400; w.dispatchEvent(new Event('change', { bubbles: true }))", vec![]).await.unwrap();
    wait_for("the prints at the new scale", Duration::from_secs(10), || async {
        read(&c, ratios)
            .await
            .as_array()
            .and_then(|a| a.first().cloned())
            .and_then(|p| p[1].as_f64())
            .is_some_and(|r| (r - 508.0 / 4000.0).abs() < 0.003)
    })
    .await;
    // The photographer puts the 24 × 36 into the client's order, the wall view with it:
    // both screens list the line.
    click(&p, "#live-wall-add .wall-add:nth-child(2)").await;
    let lines = "return [...document.querySelectorAll('#live-cart-lines li')].map(l => l.textContent)";
    for screen in [&p, &c] {
        wait_for("the line from the wall on both screens", Duration::from_secs(10), || async {
            read(screen, lines).await.as_array().is_some_and(|l| {
                l.len() == 1
                    && l[0]
                        .as_str()
                        .is_some_and(|t| t.contains("24 × 36 in · IMG_0004.jpg · with its wall view"))
            })
        })
        .await;
    }
    screenshot(&p, "live-cart-photographer.png").await;
    screenshot(&c, "live-cart-client-phone.png").await;
    click(&p, "#live-room-go").await;

    // A gallery wall: three photos compared, then hung together, the chosen sizes in turn
    // (16 × 20, 24 × 36, 16 × 20), each its own photo, at scale on the 4 m wall.
    for id in &ids[1..4] {
        click(&p, &format!(".live-thumb[data-id='{id}'] .live-mark")).await;
    }
    click(&p, "#live-compare-go").await;
    for screen in [&p, &c] {
        wait_for("the comparison of three", Duration::from_secs(10), || async {
            read(screen, compared).await == serde_json::json!(ids[1..4])
        })
        .await;
    }
    click(&p, "#live-room-go").await;
    let wall = "const r = document.getElementById('live-room').getBoundingClientRect().width; return [...document.querySelectorAll('.live-print')].map(p => [p.dataset.photo, Number(p.dataset.mm), p.getBoundingClientRect().width / r])";
    for screen in [&p, &c] {
        wait_for("the gallery wall", Duration::from_secs(10), || async {
            read(screen, wall).await.as_array().is_some_and(|a| a.len() == 3)
        })
        .await;
        let got = read(screen, wall).await;
        for ((hung, id), mm) in got.as_array().unwrap().iter().zip(&ids[1..4]).zip([508.0, 914.0, 508.0]) {
            assert_eq!((hung[0].as_str(), hung[1].as_f64()), (Some(id.as_str()), Some(mm)), "{got}");
            let want = mm / 4000.0;
            assert!((hung[2].as_f64().unwrap() - want).abs() < want * 0.02, "{mm} mm on a 4 m wall: {got}");
        }
    }
    screenshot(&p, "live-gallery-wall-photographer.png").await;
    screenshot(&c, "live-gallery-wall-client-phone.png").await;
    // The client adds the whole wall: three more lines, each with the view.
    click(&c, "#live-wall-add .wall-add").await;
    for screen in [&p, &c] {
        wait_for("the wall's prints in the order", Duration::from_secs(10), || async {
            read(screen, lines).await.as_array().is_some_and(|l| l.len() == 4)
        })
        .await;
    }
    // The client sends a photo of their own wall from the phone; the photographer hangs
    // the prints on it, and both screens show it.
    let photo = tempfile::Builder::new().suffix(".jpg").tempfile().unwrap();
    std::fs::write(photo.path(), jpeg_with_orientation(1600, 1200, 1)).unwrap();
    c.find(Locator::Css("#room-upload"))
        .await
        .unwrap()
        .send_keys(&photo.path().to_string_lossy())
        .await
        .unwrap();
    let own = "return [...document.querySelectorAll('#room-choice option')].map(o => o.value).find(v => v.startsWith('wall:')) || ''";
    wait_for("the wall photo among the rooms", Duration::from_secs(20), || async {
        read(&p, own).await.as_str().is_some_and(|v| !v.is_empty())
    })
    .await;
    p.execute(
        "const s = document.getElementById('room-choice'); s.value = arguments[0]; s.dispatchEvent(new Event('change', { bubbles: true }))",
        vec![read(&p, own).await],
    )
    .await
    .unwrap();
    let background = "return document.getElementById('live-room').style.backgroundImage";
    for screen in [&p, &c] {
        wait_for("the client's wall behind the prints", Duration::from_secs(10), || async {
            read(screen, background).await.as_str().is_some_and(|b| b.contains("/media/r/"))
        })
        .await;
    }
    screenshot(&p, "live-own-wall-photographer.png").await;
    screenshot(&c, "live-own-wall-client-phone.png").await;
    click(&p, "#live-room-go").await;
    click(&p, "#live-compare-go").await;

    // The phone reloads (a dropped connection): it comes back where the session is.
    c.refresh().await.unwrap();
    wait_for("the reloaded screen to draw", Duration::from_secs(10), || async {
        read(&c, shown).await == serde_json::json!(ids[4]) && read(&c, aside).await == "1"
    })
    .await;
    assert_eq!(
        c.execute("return document.documentElement.scrollWidth <= window.innerWidth", vec![]).await.unwrap(),
        serde_json::json!(true),
        "the live page fits the phone"
    );
    screenshot(&c, "live-reloaded-client-phone.png").await;

    // The client places the order from the session; the invoice mail, read from the SMTP
    // server, shows the four prints on their walls.
    click_to_load(&c, "#live-order").await;
    c.wait().for_element(Locator::Css("#to-checkout")).await.unwrap();
    click_to_load(&c, "#to-checkout").await;
    c.wait().for_element(Locator::Css("#place")).await.unwrap();
    c.find(Locator::Css("#name")).await.unwrap().send_keys("Anna Example").await.unwrap();
    c.find(Locator::Css("#email")).await.unwrap().send_keys("anna@example.com").await.unwrap();
    c.find(Locator::Css("#address")).await.unwrap().send_keys("Anna Example\nLindenstr. 5").await.unwrap();
    click_to_load(&c, "#place").await;
    c.wait().for_element(Locator::Css("#pay")).await.unwrap();
    screenshot(&c, "live-order-placed-client-phone.png").await;
    let mails = sink.wait_for_messages(1).await;
    let invoice = mails.iter().find(|m| m.contains("To: anna@example.com") && m.contains("invoice 00001"));
    let invoice = invoice.unwrap_or_else(|| panic!("the invoice mail to the client: {mails:?}"));
    assert!(invoice.contains("EUR 800.00"), "four wall prints at 200: {invoice}");
    assert_eq!(invoice.matches("--- image/jpeg").count(), 4, "{invoice}");
    assert!(
        invoice.contains("24 × 36 in of IMG_0004.jpg, seen in the living room (the wall 400 cm wide)"),
        "{invoice}"
    );
    p.close().await.unwrap();
    c.close().await.unwrap();
}

#[tokio::test]
async fn a_studio_with_many_galleries_pages_searches_and_moves_with_the_picker() {
    let server = Server::start().await;
    let api = server.api();
    let wedding = api.create_gallery("Lake wedding").await;
    for i in 0..54 {
        api.create_gallery(&format!("Portrait {i:02}")).await;
    }
    let ceremony = api.create_gallery("Ceremony").await;
    let (_driver, c) = browser(390, 844).await;
    c.goto(&server.url("/admin/login")).await.unwrap();
    c.find(Locator::Css("#password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("#gallery-list")).await.unwrap();

    // 30 galleries, the newest first, and a way on to the older ones.
    assert_eq!(c.find_all(Locator::Css(".gallery-row")).await.unwrap().len(), 30);
    let first = c.find(Locator::Css(".gallery-row strong")).await.unwrap().text().await.unwrap();
    assert_eq!(first, "Ceremony");
    screenshot(&c, "admin-dashboard-many-phone.png").await;
    c.find(Locator::Css("#next-page")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css(".pager a")).await.unwrap();
    assert_eq!(c.find_all(Locator::Css(".gallery-row")).await.unwrap().len(), 26);
    let wide = c.execute("return document.documentElement.scrollWidth", vec![]).await.unwrap();
    assert!(wide.as_u64().unwrap() <= 390, "the dashboard is {wide} px wide on a 390 px screen");

    // Search.
    c.goto(&server.url("/admin")).await.unwrap();
    c.find(Locator::Css("#q")).await.unwrap().send_keys("lake\n").await.unwrap();
    wait_for("the search to answer", Duration::from_secs(10), || async {
        c.find_all(Locator::Css(".gallery-row")).await.is_ok_and(|r| r.len() == 1)
    })
    .await;

    // Move "Ceremony" into "Lake wedding": type, choose the suggestion, save.
    c.goto(&server.url(&format!("/admin/galleries/{ceremony}"))).await.unwrap();
    c.find(Locator::Css("details.actions summary")).await.unwrap().click().await.unwrap();
    let field = c.find(Locator::Css("#parent")).await.unwrap();
    assert_eq!(field.prop("value").await.unwrap().as_deref(), Some(""), "at the top level: the placeholder");
    field.send_keys("lake").await.unwrap();
    let suggestion = Locator::Css("#parent-list [role=option]");
    wait_for("the picker to suggest the wedding", Duration::from_secs(10), || async {
        match c.find(suggestion).await {
            Ok(o) => o.text().await.is_ok_and(|t| t.starts_with("Lake wedding")),
            Err(_) => false,
        }
    })
    .await;
    screenshot(&c, "admin-picker-phone.png").await;
    c.find(suggestion).await.unwrap().click().await.unwrap();
    let chosen = c.execute("return document.querySelector('.picker input[name=parent]').value", vec![]).await;
    assert_eq!(chosen.unwrap(), serde_json::json!(wedding));
    c.find(Locator::Css("form[action$='/edit'] button[type=submit]")).await.unwrap().click().await.unwrap();
    wait_for("the breadcrumbs to show the new place", Duration::from_secs(10), || async {
        match c.find(Locator::Css("nav.crumbs")).await {
            Ok(n) => n.text().await.is_ok_and(|t| t.contains("Lake wedding")),
            Err(_) => false,
        }
    })
    .await;
    let (_, g) = api.get(&format!("/galleries/{ceremony}")).await;
    assert_eq!(g["parent"], wedding.as_str());
    c.close().await.unwrap();
}
