//! The live session over HTTP: the photographer starts it, the client joins with the code,
//! both event streams carry the same state, a reconnecting stream starts from the current
//! state, and only the gallery's own visitors with the code get in.

use std::time::Duration;

use serde_json::{Value, json};

use crate::support::*;

/// A server-sent event stream, read event by event.
pub struct Events {
    resp: reqwest::Response,
    buf: String,
}

impl Events {
    pub async fn open(http: &reqwest::Client, url: String) -> Events {
        let resp = http.get(url).send().await.unwrap();
        assert_eq!(resp.status(), 200, "the event stream opens");
        assert!(resp.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        Events { resp, buf: String::new() }
    }

    /// The next state the stream carries.
    pub async fn next(&mut self) -> Value {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let event: String = self.buf.drain(..end + 2).collect();
                if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return serde_json::from_str(data).unwrap();
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.resp.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("the stream still open");
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Reads states until one satisfies `want` (earlier ones may be older changes).
    pub async fn until(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        loop {
            let s = self.next().await;
            if want(&s) {
                return s;
            }
        }
    }
}

/// The photographer's session: the admin client, its CSRF token and the join code.
pub async fn start_session(server: &Server, g: &str) -> (reqwest::Client, String, String) {
    let admin = admin_client(server).await;
    let csrf = meta_csrf(&get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await);
    let r = post_form(&admin, server.url(&format!("/admin/galleries/{g}/live")), &[("csrf", csrf.as_str())])
        .await;
    assert_eq!(r.status(), 303);
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}/live"))).await;
    let code = page.split("id=\"live-code\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(code.len(), 6, "{code}");
    (admin, csrf, code)
}

async fn act(http: &reqwest::Client, url: String, csrf: &str, body: Value) -> (u16, Value) {
    let r = http.post(url).header("x-csrf-token", csrf).json(&body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn two_screens_share_one_state_and_a_reconnect_starts_from_it() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Live", 5).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "Anna", "favourite": true })).await;
    let (admin, acsrf, code) = start_session(&server, &g).await;
    let admin_act =
        |body: Value| act(&admin, server.url(&format!("/admin/galleries/{g}/live/act")), &acsrf, body);

    // A wrong code is refused with the form again; the right one (any case) joins.
    let client = browser_client();
    let r = client.get(server.url(&format!("{link}/live?code=WRONG1"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Session code"));
    let page = get_text(&client, server.url(&format!("{link}/live?code={}", code.to_lowercase()))).await;
    let ccsrf = meta_csrf(&page);
    let mut theirs = Events::open(&client, server.url(&format!("{link}/live/events?code={code}"))).await;
    let mut mine = Events::open(&admin, server.url(&format!("/admin/galleries/{g}/live/events"))).await;
    let first = mine.next().await;
    assert_eq!((first["shown"].as_str(), first["joined"].as_bool()), (Some(ids[0].as_str()), Some(true)));
    assert_eq!(theirs.next().await["seq"], first["seq"], "both screens start from the same state");

    // The photographer leads; the client follows and cannot lead until they take the lead.
    assert_eq!(admin_act(json!({ "op": "show", "photo": ids[3] })).await.0, 200);
    let s = theirs.until(|s| s["shown"] == ids[3].as_str()).await;
    assert_eq!(s["leader"], "photographer");
    let client_act =
        |body: Value| act(&client, server.url(&format!("{link}/live/act?code={code}")), &ccsrf, body);
    let (status, body) = client_act(json!({ "op": "show", "photo": ids[1] })).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("take the lead"), "{body}");
    assert_eq!(client_act(json!({ "op": "set_aside", "photo": ids[3] })).await.0, 200);
    let s = mine.until(|s| s["aside"] == json!([ids[3]])).await;
    assert_eq!(s["kept"], json!([]));

    // The client hearts a photo in the gallery: the photographer's screen shows it.
    let r = client
        .post(server.url(&format!("{link}/favourite")))
        .header("x-csrf-token", &ccsrf)
        .json(&json!({ "photo": ids[2], "on": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    mine.until(|s| s["hearts"] == json!([ids[2]])).await;

    // A dropped connection: the stream is gone; the photographer moves on; a new stream
    // starts from where the session is now.
    drop(theirs);
    assert_eq!(admin_act(json!({ "op": "compare", "photos": [ids[0], ids[1], ids[4]] })).await.0, 200);
    let mut again = Events::open(&client, server.url(&format!("{link}/live/events?code={code}"))).await;
    let s = again.next().await;
    assert_eq!(s["compare"], json!([ids[0], ids[1], ids[4]]), "the current state first: {s}");
    assert_eq!((s["aside"].clone(), s["hearts"].clone()), (json!([ids[3]]), json!([ids[2]])));

    // Another gallery's client cannot use the code, even knowing it.
    let (other, _) = gallery_with_photos(&api, "Other", 1).await;
    let other_link = share_link(&api, &other, json!({ "label": "O", "favourite": true })).await;
    let stranger = browser_client();
    let r = stranger.get(server.url(&format!("{other_link}/live?code={code}"))).send().await.unwrap();
    assert_eq!(r.status(), 403);
    get_text(&stranger, server.url(&format!("{other_link}/photos"))).await;
    let r = stranger.get(server.url(&format!("{other_link}/live/events?code={code}"))).send().await.unwrap();
    assert_eq!(r.status(), 404, "no session in that gallery");

    // The photographer ends it: both streams say so and close; the code no longer works.
    let r =
        post_form(&admin, server.url(&format!("/admin/galleries/{g}/live/end")), &[("csrf", acsrf.as_str())])
            .await;
    assert_eq!(r.status(), 303);
    assert_eq!(again.until(|s| s["ended"] == true).await["ended"], true);
    let r = client.get(server.url(&format!("{link}/live/events?code={code}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);

    // Guessing codes runs out: after twenty wrong ones (the wrong code at the start, the
    // events asked for after the end) the link is refused for a while.
    let guess = |n: usize| server.url(&format!("{link}/live?code=GUESS{n}"));
    let mut statuses = Vec::new();
    for n in 0..20 {
        statuses.push(client.get(guess(n)).send().await.unwrap().status().as_u16());
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert!(statuses.iter().filter(|s| **s == 403).count() >= 15, "{statuses:?}");
}

/// The session ends in an order: the client orders the kept photos (they fill the package),
/// checks out, and the order's timeline carries what the session came to.
#[tokio::test]
async fn the_kept_photos_fill_the_package_and_the_order_remembers_the_session() {
    let shop = crate::orders::Shop::on(Server::start().await).await;
    let server = &shop.server;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Session", 3).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "Anna", "favourite": true })).await;
    let (admin, acsrf, code) = start_session(server, &g).await;
    let client = browser_client();
    let ccsrf = meta_csrf(&get_text(&client, server.url(&format!("{link}/live?code={code}"))).await);
    // Nothing kept yet: a clear refusal.
    let order_url = server.url(&format!("{link}/live/order?code={code}"));
    let r = post_form(&client, order_url.clone(), &[("csrf", ccsrf.as_str())]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Keep some photos first"));
    for id in &ids[..2] {
        let (status, _) = act(
            &admin,
            server.url(&format!("/admin/galleries/{g}/live/act")),
            &acsrf,
            json!({ "op": "keep", "photo": id }),
        )
        .await;
        assert_eq!(status, 200);
    }
    let r = post_form(&client, order_url, &[("csrf", ccsrf.as_str())]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"].to_str().unwrap(), format!("{link}/order"));
    let cart = get_text(&client, server.url(&format!("{link}/order"))).await;
    assert!(cart.contains("<strong>1 of 1</strong> included images chosen"), "{cart}");
    assert!(cart.contains("<strong>1 extra</strong>"), "the second kept photo is an extra");
    let checkout = get_text(&client, server.url(&format!("{link}/checkout"))).await;
    let key = hidden_field(&checkout, "key");
    let fields =
        [("csrf", ccsrf.as_str()), ("key", key.as_str()), ("name", "Anna"), ("email", "anna@example.com")];
    let r = post_form(&client, server.url(&format!("{link}/checkout")), &fields).await;
    assert_eq!(r.status(), 303);
    let order = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let page = get_text(&shop.admin, server.url(&format!("/admin/orders/{order}"))).await;
    assert!(
        page.contains(&format!("Live session {code}: kept 2 (IMG_0000.jpg, IMG_0001.jpg), set aside 0")),
        "{page}"
    );
}

/// The room view on the client's own wall: the client sends a photo of it (only with the
/// code and the visit's token; junk is refused), prints hang on it, the photographer and
/// the client add them to the client's cart with the view saved, a gallery wall adds its
/// prints at once, and the placed order's mail carries the room views as pictures.
#[tokio::test]
async fn a_wall_photo_and_prints_from_the_wall_reach_the_order_and_its_mail() {
    let shop = crate::orders::Shop::on(Server::start().await).await;
    let server = &shop.server;
    let api = server.api();
    let csrf = meta_csrf(&get_text(&shop.admin, server.url("/admin/prices")).await);
    for (name, size) in [("16 × 20 in", "16x20in"), ("24 × 36 in", "24x36in")] {
        let f =
            [("csrf", csrf.as_str()), ("name", name), ("kind", "wall-art"), ("size", size), ("price", "200")];
        assert_eq!(post_form(&shop.admin, server.url("/admin/prices/products"), &f).await.status(), 303);
    }
    let prices = get_text(&shop.admin, server.url("/admin/prices")).await;
    let (small, large) = (option_value(&prices, "16 × 20 in"), option_value(&prices, "24 × 36 in"));
    let (g, photos) = gallery_with_sized_photos(&api, "Walls", 3, (1200, 800)).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "Anna", "favourite": true })).await;
    let (admin, acsrf, code) = start_session(server, &g).await;
    let admin_url = |what: &str| server.url(&format!("/admin/galleries/{g}/live/{what}"));
    let admin_cart = |body: Value| act(&admin, admin_url("cart"), &acsrf, body);

    // Before the client joins, the cart is not the photographer's to fill.
    let (status, body) = admin_cart(json!({ "op": "fill_package" })).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("Wait for the client"), "{body}");

    let client = browser_client();
    let ccsrf = meta_csrf(&get_text(&client, server.url(&format!("{link}/live?code={code}"))).await);
    let wall_url = |c: &str| server.url(&format!("{link}/live/wall?code={c}"));
    // A phone's photo of the wall, stored sideways with an EXIF note: kept upright.
    let phone = jpeg_with_orientation(1500, 1000, 6);
    let send = |url: String, token: &str, body: Vec<u8>| {
        client.post(url).header("x-csrf-token", token).header("content-type", "image/jpeg").body(body).send()
    };
    // (Refused senders are answered before their body is read: small bodies here.)
    assert_eq!(send(wall_url(&code), "wrong", b"x".to_vec()).await.unwrap().status(), 403);
    assert_eq!(send(wall_url("WRONG1"), &ccsrf, b"x".to_vec()).await.unwrap().status(), 403);
    let r = send(wall_url(&code), &ccsrf, b"not a photo at all".to_vec()).await.unwrap();
    assert_eq!(r.status(), 415);
    assert!(r.text().await.unwrap().contains("cannot be used"));
    let r = send(wall_url(&code), &ccsrf, phone).await.unwrap();
    assert_eq!(r.status(), 200);
    let wall = r.json::<Value>().await.unwrap()["wall"].as_str().unwrap().to_string();

    // The wall is in the session: both screens get its upright size and a URL to draw it.
    let mut mine = Events::open(&admin, admin_url("events")).await;
    let s = mine.until(|s| s["walls"].as_array().is_some_and(|w| w.len() == 1)).await;
    assert_eq!((s["walls"][0]["w"].as_u64(), s["walls"][0]["h"].as_u64()), (Some(1000), Some(1500)));
    let r = client.get(server.url(s["walls"][0]["url"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "image/jpeg");

    // Only a wall sent in this session can be hung on.
    let room = |wall: &str, sizes: Value, photos: Value| {
        json!({ "op": "room", "room": { "room": "wall", "wall": wall, "wall_mm": 3000, "sizes": sizes,
            "photos": photos, "frame": "black", "x": 5000, "y": 4000 } })
    };
    let admin_act = |body: Value| act(&admin, admin_url("act"), &acsrf, body);
    let (status, body) = admin_act(room(&"ab".repeat(32), json!([small]), json!([]))).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("Upload the photo of the wall"), "{body}");
    assert_eq!(admin_act(room(&wall, json!([small, large]), json!([]))).await.0, 200);

    // The client adds the 24 × 36, the photographer the 16 × 20: both lines keep the view.
    let client_cart =
        |body: Value| act(&client, server.url(&format!("{link}/live/cart?code={code}")), &ccsrf, body);
    assert_eq!(client_cart(json!({ "op": "from_wall", "print": 1 })).await.0, 200);
    assert_eq!(admin_cart(json!({ "op": "from_wall", "print": 0 })).await.0, 200);
    let (status, _) = admin_cart(json!({ "op": "from_wall", "print": 5 })).await;
    assert_eq!(status, 404, "no sixth print on the wall");
    let s = mine.until(|s| s["cart"]["lines"].as_array().is_some_and(|l| l.len() == 2)).await;
    assert_eq!(s["cart"]["lines"][0]["label"], "24 × 36 in · IMG_0000.jpg");
    assert_eq!(s["cart"]["lines"][0]["room"], true);
    assert_eq!(s["cart"]["total"], "EUR 400.00");

    // A gallery wall of the other two photos in the bedroom: one tap adds both prints.
    let bedroom = json!({ "op": "room", "room": { "room": "bedroom", "wall_mm": 2500, "sizes": [large, small],
        "photos": [ids[1], ids[2]], "frame": "white", "x": 5000, "y": 3500 } });
    assert_eq!(admin_act(bedroom).await.0, 200);
    assert_eq!(client_cart(json!({ "op": "from_wall" })).await.0, 200);
    let s = mine.until(|s| s["cart"]["lines"].as_array().is_some_and(|l| l.len() == 4)).await;
    assert_eq!(s["cart"]["lines"][3]["label"], "16 × 20 in · IMG_0002.jpg");
    // One taken out again.
    assert_eq!(admin_cart(json!({ "op": "remove", "line": 3 })).await.0, 200);
    mine.until(|s| s["cart"]["lines"].as_array().is_some_and(|l| l.len() == 3)).await;

    // The order: its mail shows the three room views as pictures, the own wall's upright.
    let order_url = server.url(&format!("{link}/live/order?code={code}"));
    let r = post_form(&client, order_url, &[("csrf", ccsrf.as_str())]).await;
    if r.status() != 303 {
        panic!("prints from the wall are enough to order: {}", r.text().await.unwrap());
    }
    let checkout = get_text(&client, server.url(&format!("{link}/checkout"))).await;
    let (key, post) = (hidden_field(&checkout, "key"), option_value(&checkout, "Post · EUR 4.90"));
    let fields = [
        ("csrf", ccsrf.as_str()),
        ("key", key.as_str()),
        ("name", "Anna"),
        ("email", "anna@example.com"),
        ("address", "Anna\nRoad 1"),
        ("shipping", post.as_str()),
    ];
    let r = post_form(&client, server.url(&format!("{link}/checkout")), &fields).await;
    assert_eq!(r.status(), 303);
    let placed = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    let page = get_text(&shop.admin, server.url(&format!("/admin/orders/{placed}"))).await;
    assert!(
        page.contains(&format!("Live session {code}: kept 0, set aside 0, 3 prints chosen on the wall")),
        "{page}"
    );
    assert!(page.contains("on the client's own wall, the wall 300 cm wide, black frame"), "{page}");
    assert!(
        page.contains("in the bedroom, the wall 250 cm wide, white frame (a gallery wall of 2)"),
        "{page}"
    );
    // The photographer's notice may be written first: wait for the client's own.
    wait_for("the client's mail", std::time::Duration::from_secs(30), || async {
        outbox(server).iter().any(|m| m.contains("To: anna@example.com"))
    })
    .await;
    let mail = outbox(server);
    let mail = mail.iter().find(|m| m.contains("To: anna@example.com")).expect("the client's mail");
    for i in 0..3 {
        assert!(mail.contains(&format!("cid:view-{i}")), "{mail}");
    }
    assert_eq!(mail.matches("--- image/jpeg").count(), 3);
    assert!(mail.contains("24 × 36 in of IMG_0000.jpg, seen on your wall (the wall 300 cm wide)"), "{mail}");
    assert!(
        mail.contains("24 × 36 in of IMG_0001.jpg, seen in the bedroom (the wall 250 cm wide)"),
        "{mail}"
    );
    // Only finished messages: a `.eml.part` beside them is one still being written (CI once
    // read a later mail to the client half-written and failed on its truncated base64).
    let raw = std::fs::read_dir(server.data().join("outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .filter_map(|p| std::fs::read(p).ok())
        .find(|b| {
            let text = String::from_utf8_lossy(b);
            text.contains("anna@example.com") && text.contains("view-0")
        })
        .unwrap();
    let parsed = mailparse::parse_mail(&raw).unwrap();
    let mut pictures = Vec::new();
    fn jpegs(p: &mailparse::ParsedMail, out: &mut Vec<Vec<u8>>) {
        if p.ctype.mimetype == "image/jpeg" {
            out.push(p.get_body_raw().unwrap());
        }
        p.subparts.iter().for_each(|s| jpegs(s, out));
    }
    jpegs(&parsed, &mut pictures);
    let own = image::load_from_memory(&pictures[0]).unwrap();
    assert_eq!((own.width(), own.height()), (1000, 1500), "the wall photo, upright");
    // Kept for a look, beside the browser tests' screenshots.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    for (i, p) in pictures.iter().enumerate() {
        std::fs::write(dir.join(format!("live-mail-room-view-{i}.jpg")), p).unwrap();
    }
    let room = image::load_from_memory(&pictures[2]).unwrap();
    assert_eq!((room.width(), room.height()), (1200, 750), "the bundled bedroom");
}

/// An update of the server in the middle of a session: it goes on with the same code, where
/// it was (the photo shown, what was kept, the wall), both screens reconnect to it, and once
/// the client acts again the photographer can change their cart again.
#[tokio::test]
async fn a_session_goes_on_after_the_server_restarts() {
    let mut server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Restart", 3).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "Anna", "favourite": true })).await;
    let (admin, acsrf, code) = start_session(&server, &g).await;
    let client = browser_client();
    let ccsrf = meta_csrf(&get_text(&client, server.url(&format!("{link}/live?code={code}"))).await);
    let admin_act = |server: &Server, body: Value| {
        act(&admin, server.url(&format!("/admin/galleries/{g}/live/act")), &acsrf, body)
    };
    assert_eq!(admin_act(&server, json!({ "op": "show", "photo": ids[2] })).await.0, 200);
    assert_eq!(admin_act(&server, json!({ "op": "keep", "photo": ids[1] })).await.0, 200);
    let before = Events::open(&admin, server.url(&format!("/admin/galleries/{g}/live/events")))
        .await
        .until(|s| s["kept"] == json!([ids[1]]))
        .await;

    server.restart_gracefully().await;
    let mut mine = Events::open(&admin, server.url(&format!("/admin/galleries/{g}/live/events"))).await;
    let s = mine.next().await;
    assert_eq!((s["code"].clone(), s["shown"].clone()), (json!(code), json!(ids[2])), "{s}");
    assert_eq!((s["kept"].clone(), s["seq"].clone()), (json!([ids[1]]), before["seq"].clone()));
    let mut theirs = Events::open(&client, server.url(&format!("{link}/live/events?code={code}"))).await;
    assert_eq!(theirs.next().await["shown"], json!(ids[2]), "the client's screen reconnects");

    // The client acts (their visit is known again); the photographer fills their package.
    let (status, _) = act(
        &client,
        server.url(&format!("{link}/live/act?code={code}")),
        &ccsrf,
        json!({ "op": "keep", "photo": ids[0] }),
    )
    .await;
    assert_eq!(status, 200);
    mine.until(|s| s["kept"].as_array().is_some_and(|k| k.len() == 2)).await;
    // Nothing is for sale in this gallery: the cart refuses as it would on the client's
    // screen (the visit is the client's), not "wait for the client".
    let (status, body) = act(
        &admin,
        server.url(&format!("/admin/galleries/{g}/live/cart")),
        &acsrf,
        json!({ "op": "fill_package" }),
    )
    .await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"].as_str().unwrap().contains("Nothing can be ordered"), "{body}");

    // Ended, it stays ended across a restart.
    let r =
        post_form(&admin, server.url(&format!("/admin/galleries/{g}/live/end")), &[("csrf", acsrf.as_str())])
            .await;
    assert_eq!(r.status(), 303);
    server.restart_gracefully().await;
    let r = admin.get(server.url(&format!("/admin/galleries/{g}/live/events"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
}
