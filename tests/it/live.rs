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
