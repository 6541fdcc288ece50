//! The access matrix: every route, as every kind of visitor this issue knows (anonymous, a
//! wrong API token, the API token, the signed-in photographer without and with CSRF). The
//! route list is read from `web::routes()` itself, so a new route without a row here fails.

use reqwest::Method;

use crate::support::*;

/// Who is asking.
#[derive(Clone, Copy, Debug)]
enum Visitor {
    Anonymous,
    WrongToken,
    ApiToken,
    /// Signed in, but the request carries no CSRF token.
    AdminNoCsrf,
    Admin,
}

use Visitor::*;

/// (method, route as written in routes(), concrete path, expected status per visitor in the
/// order Anonymous, WrongToken, ApiToken, AdminNoCsrf, Admin).
type Row = (&'static str, &'static str, String, [u16; 5]);

/// A well-formed id that names nothing.
const NO_ID: &str = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

#[tokio::test]
async fn every_route_answers_every_visitor_as_it_should() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Matrix").await;
    api.upload(&g, vec![("a.jpg".into(), jpeg_with_orientation(64, 48, 1))], false).await;
    let p = api.wait_processed(&g, 1).await[0].clone();
    let pid = p["id"].as_str().unwrap().to_string();
    let thumb = p["thumb_url"].as_str().unwrap().to_string();
    // The same URL with the signature's last digit changed.
    let last = if thumb.ends_with('0') { '1' } else { '0' };
    let bad_media = format!("{}{last}", &thumb[..thumb.len() - 1]);
    let link =
        share_link(&api, &g, serde_json::json!({ "label": "matrix", "favourite": true, "comment": true }))
            .await;
    let admin = admin_client(&server).await;
    let page = get_text(&admin, server.url("/admin")).await;
    let csrf = hidden_field(&page, "csrf");

    // 303 = sent to the login page; 401 = refused (JSON); 403 = CSRF or signature refused.
    let rows: Vec<Row> = vec![
        ("GET", "/", "/".into(), [303; 5]),
        ("GET", "/healthz", "/healthz".into(), [200; 5]),
        ("GET", "/metrics", "/metrics".into(), [401, 401, 200, 401, 401]),
        ("GET", "/assets/:name", "/assets/app.css".into(), [200; 5]),
        ("GET", "/media/:kind/:hash/:exp/:sig", thumb.clone(), [200; 5]),
        ("GET", "/media/:kind/:hash/:exp/:sig", bad_media, [403; 5]),
        ("GET", "/admin", "/admin".into(), [303, 303, 303, 200, 200]),
        ("GET", "/admin/pick", "/admin/pick?q=a&for=parent".into(), [303, 303, 303, 200, 200]),
        ("GET", "/admin/login", "/admin/login".into(), [200, 200, 200, 303, 303]),
        ("GET", "/admin/setup/:token", "/admin/setup/0000".into(), [403; 5]),
        ("POST", "/admin/galleries", "/admin/galleries".into(), [303, 303, 303, 403, 400]),
        ("GET", "/admin/galleries/:id", format!("/admin/galleries/{g}"), [303, 303, 303, 200, 200]),
        (
            "POST",
            "/admin/galleries/:id/edit",
            format!("/admin/galleries/{g}/edit"),
            [303, 303, 303, 403, 400],
        ),
        (
            "GET",
            "/admin/galleries/:id/delete",
            format!("/admin/galleries/{g}/delete"),
            [303, 303, 303, 200, 200],
        ),
        (
            "POST",
            "/admin/galleries/:id/delete",
            format!("/admin/galleries/{}/delete", "01ARZ3NDEKTSV4RRFFQ69G5FAV"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/galleries/:id/photos",
            format!("/admin/galleries/{g}/photos"),
            [303, 303, 303, 403, 400],
        ),
        (
            "GET",
            "/admin/galleries/:id/photos.json",
            format!("/admin/galleries/{g}/photos.json"),
            [401, 401, 401, 200, 200],
        ),
        (
            "POST",
            "/admin/galleries/:id/order",
            format!("/admin/galleries/{g}/order"),
            [303, 303, 303, 403, 204],
        ),
        ("GET", "/admin/photos/:id", format!("/admin/photos/{pid}"), [303, 303, 303, 200, 200]),
        ("POST", "/admin/photos/:id/state", format!("/admin/photos/{pid}/state"), [303, 303, 303, 403, 400]),
        ("POST", "/admin/photos/:id/cover", format!("/admin/photos/{pid}/cover"), [303, 303, 303, 403, 400]),
        (
            "POST",
            "/admin/galleries/:id/shares",
            format!("/admin/galleries/{g}/shares"),
            [303, 303, 303, 403, 400],
        ),
        (
            "POST",
            "/admin/shares/:id/revoke",
            format!("/admin/shares/{NO_ID}/revoke"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/galleries/:id/proofing",
            format!("/admin/galleries/{g}/proofing"),
            [303, 303, 303, 403, 303],
        ),
        (
            "GET",
            "/admin/galleries/:id/selections",
            format!("/admin/galleries/{g}/selections"),
            [303, 303, 303, 200, 200],
        ),
        (
            "GET",
            "/admin/galleries/:id/selections.csv",
            format!("/admin/galleries/{g}/selections.csv"),
            [303, 303, 303, 200, 200],
        ),
        (
            "POST",
            "/admin/galleries/:id/selections/:visitor/reopen",
            format!("/admin/galleries/{g}/selections/{NO_ID}/reopen"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/galleries/:id/comments",
            format!("/admin/galleries/{g}/comments"),
            [303, 303, 303, 403, 404],
        ),
        // Client routes on a link without password or downloads: anyone holding the link is
        // a visitor; without the visitor's CSRF token nothing changes.
        ("GET", "/g/:token", link.clone(), [200; 5]),
        ("POST", "/g/:token/unlock", format!("{link}/unlock"), [303; 5]),
        // Only an ended link asks to be reopened; this one is open (and the body is empty).
        ("POST", "/g/:token/reopen", format!("{link}/reopen"), [400; 5]),
        ("POST", "/g/:token/identify", format!("{link}/identify"), [403; 5]),
        // A link (not an e-mail grant) cannot be signed into by e-mail.
        ("POST", "/g/:token/sign-in", format!("{link}/sign-in"), [404; 5]),
        ("GET", "/g/:token/enter/:code", format!("{link}/enter/{}", "ab".repeat(16)), [410; 5]),
        ("POST", "/g/:token/enter/:code", format!("{link}/enter/{}", "ab".repeat(16)), [410; 5]),
        // The studio-wide sign-in page is public; an empty address is refused.
        ("GET", "/access", "/access".into(), [200; 5]),
        ("POST", "/access", "/access".into(), [400; 5]),
        ("GET", "/g/:token/photos", format!("{link}/photos"), [200; 5]),
        ("GET", "/g/:token/prices", format!("{link}/prices"), [200; 5]),
        ("GET", "/g/:token/live", format!("{link}/live"), [200; 5]),
        ("GET", "/g/:token/live/events", format!("{link}/live/events?code=ABC234"), [404; 5]),
        ("POST", "/g/:token/live/act", format!("{link}/live/act?code=ABC234"), [403; 5]),
        ("POST", "/g/:token/live/order", format!("{link}/live/order?code=ABC234"), [403; 5]),
        ("POST", "/g/:token/live/cart", format!("{link}/live/cart?code=ABC234"), [403; 5]),
        ("POST", "/g/:token/live/wall", format!("{link}/live/wall?code=ABC234"), [403; 5]),
        // Ordering: pages open like the gallery; every change wants the visit's CSRF token,
        // which none of these holds; orders are only ever their owner's.
        ("GET", "/g/:token/order", format!("{link}/order"), [200; 5]),
        ("GET", "/g/:token/order/add", format!("{link}/order/add?photo={pid}"), [200; 5]),
        ("POST", "/g/:token/order/lines", format!("{link}/order/lines"), [403; 5]),
        ("POST", "/g/:token/order/lines/:n", format!("{link}/order/lines/0"), [403; 5]),
        ("POST", "/g/:token/order/package", format!("{link}/order/package"), [403; 5]),
        ("POST", "/g/:token/order/package/fill", format!("{link}/order/package/fill"), [403; 5]),
        ("POST", "/g/:token/order/package/photo", format!("{link}/order/package/photo"), [403; 5]),
        ("POST", "/g/:token/order/coupon", format!("{link}/order/coupon"), [403; 5]),
        ("POST", "/g/:token/order/shipping", format!("{link}/order/shipping"), [403; 5]),
        ("GET", "/g/:token/checkout", format!("{link}/checkout"), [303; 5]),
        ("POST", "/g/:token/checkout", format!("{link}/checkout"), [403; 5]),
        ("GET", "/g/:token/orders/:id", format!("{link}/orders/{NO_ID}"), [404; 5]),
        ("GET", "/g/:token/orders/:id/invoice", format!("{link}/orders/{NO_ID}/invoice"), [404; 5]),
        ("GET", "/g/:token/orders/:id/files", format!("{link}/orders/{NO_ID}/files"), [404; 5]),
        ("GET", "/g/:token/orders/:id/files/:photo", format!("{link}/orders/{NO_ID}/files/{pid}"), [404; 5]),
        ("GET", "/g/:token/orders/:id/zip", format!("{link}/orders/{NO_ID}/zip"), [404; 5]),
        ("POST", "/g/:token/orders/:id/pay", format!("{link}/orders/{NO_ID}/pay"), [403; 5]),
        // Without Stripe configured there is no card payment to notify.
        ("POST", "/webhooks/stripe", "/webhooks/stripe".into(), [404; 5]),
        ("POST", "/g/:token/favourite", format!("{link}/favourite"), [403; 5]),
        ("POST", "/g/:token/submit", format!("{link}/submit"), [403; 5]),
        ("GET", "/g/:token/comments", format!("{link}/comments?photo={pid}"), [200; 5]),
        ("POST", "/g/:token/comments", format!("{link}/comments"), [403; 5]),
        ("GET", "/g/:token/download/:photo", format!("{link}/download/{pid}"), [403; 5]),
        ("GET", "/g/:token/zip", format!("{link}/zip"), [403; 5]),
        ("GET", "/admin/galleries/:id/zip", format!("/admin/galleries/{g}/zip"), [303, 303, 303, 200, 200]),
        ("POST", "/api", format!("/api/v1/galleries/{g}/shares"), [401, 401, 400, 401, 401]),
        ("GET", "/api", format!("/api/v1/galleries/{g}/selections"), [401, 401, 200, 401, 401]),
        ("GET", "/admin/outbox", "/admin/outbox".into(), [303, 303, 303, 200, 200]),
        ("GET", "/admin/studio", "/admin/studio".into(), [303, 303, 303, 200, 200]),
        // Multipart forms: a form-encoded body is refused as the wrong type before anything.
        ("POST", "/admin/studio/logo", "/admin/studio/logo".into(), [303, 303, 303, 415, 415]),
        ("POST", "/admin/studio/watermark", "/admin/studio/watermark".into(), [303, 303, 303, 415, 415]),
        ("GET", "/admin/studio/logo.png", "/admin/studio/logo.png".into(), [303, 303, 303, 404, 404]),
        ("GET", "/admin/studio/sample.jpg", "/admin/studio/sample.jpg".into(), [303, 303, 303, 200, 200]),
        (
            "GET",
            "/admin/galleries/:id/activity",
            format!("/admin/galleries/{g}/activity"),
            [303, 303, 303, 200, 200],
        ),
        // No session runs yet: the screens and actions find none; ending none is fine.
        ("GET", "/admin/galleries/:id/live", format!("/admin/galleries/{g}/live"), [303, 303, 303, 404, 404]),
        (
            "GET",
            "/admin/galleries/:id/live/events",
            format!("/admin/galleries/{g}/live/events"),
            [303, 303, 303, 404, 404],
        ),
        (
            "POST",
            "/admin/galleries/:id/live/act",
            format!("/admin/galleries/{g}/live/act"),
            [303, 303, 303, 403, 415],
        ),
        (
            "POST",
            "/admin/galleries/:id/live/end",
            format!("/admin/galleries/{g}/live/end"),
            [303, 303, 303, 403, 303],
        ),
        (
            "POST",
            "/admin/galleries/:id/live/cart",
            format!("/admin/galleries/{g}/live/cart"),
            [303, 303, 303, 403, 415],
        ),
        // The wall's photo is the body itself: with no session running there is none to
        // add it to.
        (
            "POST",
            "/admin/galleries/:id/live/wall",
            format!("/admin/galleries/{g}/live/wall"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/galleries/:id/live",
            format!("/admin/galleries/{NO_ID}/live"),
            [303, 303, 303, 403, 404],
        ),
        ("GET", "/admin/prices", "/admin/prices".into(), [303, 303, 303, 200, 200]),
        ("POST", "/admin/prices/terms", "/admin/prices/terms".into(), [303, 303, 303, 403, 400]),
        ("POST", "/admin/prices/lists", "/admin/prices/lists".into(), [303, 303, 303, 403, 400]),
        (
            "POST",
            "/admin/prices/products/:id/photo",
            format!("/admin/prices/products/{NO_ID}/photo"),
            [303, 303, 303, 415, 415],
        ),
        (
            "POST",
            "/admin/prices/lists/:id/delete",
            format!("/admin/prices/lists/{NO_ID}/delete"),
            [303, 303, 303, 403, 404],
        ),
        ("POST", "/admin/prices/products", "/admin/prices/products".into(), [303, 303, 303, 403, 400]),
        (
            "POST",
            "/admin/prices/products/:id/delete",
            format!("/admin/prices/products/{NO_ID}/delete"),
            [303, 303, 303, 403, 404],
        ),
        ("POST", "/admin/prices/packages", "/admin/prices/packages".into(), [303, 303, 303, 403, 400]),
        (
            "POST",
            "/admin/prices/packages/:id/delete",
            format!("/admin/prices/packages/{NO_ID}/delete"),
            [303, 303, 303, 403, 404],
        ),
        ("POST", "/admin/prices/shipping", "/admin/prices/shipping".into(), [303, 303, 303, 403, 400]),
        (
            "POST",
            "/admin/prices/shipping/:id/delete",
            format!("/admin/prices/shipping/{NO_ID}/delete"),
            [303, 303, 303, 403, 404],
        ),
        ("POST", "/admin/prices/coupons", "/admin/prices/coupons".into(), [303, 303, 303, 403, 400]),
        (
            "POST",
            "/admin/prices/coupons/:code/delete",
            "/admin/prices/coupons/NOPE/delete".into(),
            [303, 303, 303, 403, 404],
        ),
        // Empty details are valid (a studio without invoices yet).
        ("POST", "/admin/prices/billing", "/admin/prices/billing".into(), [303, 303, 303, 403, 303]),
        ("GET", "/admin/orders", "/admin/orders".into(), [303, 303, 303, 200, 200]),
        ("GET", "/admin/orders/:id", format!("/admin/orders/{NO_ID}"), [303, 303, 303, 404, 404]),
        (
            "GET",
            "/admin/orders/:id/lab.zip",
            format!("/admin/orders/{NO_ID}/lab.zip"),
            [303, 303, 303, 404, 404],
        ),
        (
            "POST",
            "/admin/orders/:id/payments",
            format!("/admin/orders/{NO_ID}/payments"),
            [303, 303, 303, 403, 400],
        ),
        (
            "POST",
            "/admin/orders/:id/state",
            format!("/admin/orders/{NO_ID}/state"),
            [303, 303, 303, 403, 400],
        ),
        (
            "POST",
            "/admin/orders/:id/deliver",
            format!("/admin/orders/{NO_ID}/deliver"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/orders/:id/lines",
            format!("/admin/orders/{NO_ID}/lines"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/orders/:id/lines/:n/delete",
            format!("/admin/orders/{NO_ID}/lines/0/delete"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/orders/:id/discount",
            format!("/admin/orders/{NO_ID}/discount"),
            [303, 303, 303, 403, 404],
        ),
        (
            "GET",
            "/admin/orders/:id/invoice",
            format!("/admin/orders/{NO_ID}/invoice"),
            [303, 303, 303, 404, 404],
        ),
        (
            "GET",
            "/admin/galleries/:id/journey",
            format!("/admin/galleries/{g}/journey"),
            [303, 303, 303, 200, 200],
        ),
        (
            "POST",
            "/admin/galleries/:id/journey",
            format!("/admin/galleries/{NO_ID}/journey"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/galleries/:id/lifecycle",
            format!("/admin/galleries/{NO_ID}/lifecycle"),
            [303, 303, 303, 403, 400],
        ),
        (
            "POST",
            "/admin/galleries/:id/reopen",
            format!("/admin/galleries/{NO_ID}/reopen"),
            [303, 303, 303, 403, 404],
        ),
        (
            "POST",
            "/admin/galleries/:id/settings",
            format!("/admin/galleries/{NO_ID}/settings"),
            [303, 303, 303, 403, 400],
        ),
        (
            "GET",
            "/admin/galleries/:id/settings.json",
            format!("/admin/galleries/{g}/settings.json"),
            [401, 401, 401, 200, 200],
        ),
        (
            "POST",
            "/admin/galleries/:id/preset",
            format!("/admin/galleries/{NO_ID}/preset"),
            [303, 303, 303, 403, 400],
        ),
        ("POST", "/admin/presets/delete", "/admin/presets/delete".into(), [303, 303, 303, 403, 404]),
        ("GET", "/admin/messages", "/admin/messages".into(), [303, 303, 303, 200, 200]),
        // No type pairing chosen: refused, nothing saved.
        ("POST", "/admin/studio/brand", "/admin/studio/brand".into(), [303, 303, 303, 403, 400]),
        ("GET", "/brand.css", "/brand.css".into(), [200; 5]),
        // The body's review link is not a web address: refused, nothing saved.
        ("POST", "/admin/messages/defaults", "/admin/messages/defaults".into(), [303, 303, 303, 403, 400]),
        ("GET", "/admin/messages/:name", "/admin/messages/not-opened".into(), [303, 303, 303, 200, 200]),
        ("GET", "/admin/messages/:name", "/admin/messages/nothing".into(), [303, 303, 303, 404, 404]),
        // The body has no subject: refused, nothing saved.
        ("POST", "/admin/messages/:name", "/admin/messages/not-opened".into(), [303, 303, 303, 403, 400]),
        // Unsubscribing needs the token from a message, whoever asks.
        ("GET", "/unsubscribe/:token", "/unsubscribe/616e6e406578616d706c652e636f6d.00".into(), [404; 5]),
        ("POST", "/unsubscribe/:token", "/unsubscribe/616e6e406578616d706c652e636f6d.00".into(), [404; 5]),
        ("POST", "/unsubscribe/:token/again", "/unsubscribe/00.00/again".into(), [404; 5]),
        ("GET", "/admin/tokens", "/admin/tokens".into(), [303, 303, 303, 200, 200]),
        ("POST", "/admin/tokens", "/admin/tokens".into(), [303, 303, 303, 403, 400]),
        (
            "POST",
            "/admin/tokens/:id/revoke",
            format!("/admin/tokens/{}/revoke", "00".repeat(32)),
            [303, 303, 303, 403, 404],
        ),
        ("GET", "/api/openapi.json", "/api/openapi.json".into(), [200; 5]),
        ("GET", "/api/docs", "/api/docs".into(), [200; 5]),
        ("GET", "/api", "/api/v1/galleries".into(), [401, 401, 200, 401, 401]),
        ("POST", "/api", "/api/v1/galleries".into(), [401, 401, 400, 401, 401]),
        ("GET", "/api", format!("/api/v1/galleries/{g}"), [401, 401, 200, 401, 401]),
        ("GET", "/api", format!("/api/v1/galleries/{g}/photos"), [401, 401, 200, 401, 401]),
        ("POST", "/api", format!("/api/v1/galleries/{g}/photos"), [401, 401, 400, 401, 401]),
        ("GET", "/api", format!("/api/v1/photos/{pid}"), [401, 401, 200, 401, 401]),
        ("PUT", "/api", format!("/api/v1/photos/{pid}/state"), [401, 401, 400, 401, 401]),
        ("GET", "/api", "/api/v1/orders".into(), [401, 401, 200, 401, 401]),
        ("GET", "/api", format!("/api/v1/orders/{NO_ID}"), [401, 401, 404, 401, 401]),
        ("GET", "/api", format!("/api/v1/orders/{NO_ID}/invoice"), [401, 401, 404, 401, 401]),
        ("GET", "/api", format!("/api/v1/orders/{NO_ID}/files"), [401, 401, 404, 401, 401]),
        ("POST", "/api", format!("/api/v1/orders/{NO_ID}/payments"), [401, 401, 400, 401, 401]),
        ("PUT", "/api", format!("/api/v1/orders/{NO_ID}/state"), [401, 401, 400, 401, 401]),
        ("POST", "/api", format!("/api/v1/orders/{NO_ID}/deliver"), [401, 401, 404, 401, 401]),
        // Last: the photographer's row signs the session out.
        ("POST", "/admin/logout", "/admin/logout".into(), [303, 303, 303, 403, 303]),
    ];

    let plain = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut failures = Vec::new();
    for (method, _, path, expected) in &rows {
        for (i, visitor) in [Anonymous, WrongToken, ApiToken, AdminNoCsrf, Admin].into_iter().enumerate() {
            let client = if matches!(visitor, AdminNoCsrf | Admin) { &admin } else { &plain };
            let mut req = client.request(Method::from_bytes(method.as_bytes()).unwrap(), server.url(path));
            match visitor {
                WrongToken => req = req.bearer_auth("pr_wrong"),
                ApiToken => req = req.bearer_auth(&server.token),
                Admin => req = req.header("x-csrf-token", &csrf),
                _ => {}
            }
            req = match (*method, path.as_str()) {
                // Bodies that are well-formed but invalid, so no request changes anything.
                ("POST", p) if p.ends_with("/photos") => {
                    req.multipart(reqwest::multipart::Form::new().text("note", "no files"))
                }
                ("POST", p) if p.ends_with("/order") => req.json(&serde_json::json!({ "order": [] })),
                ("POST", p)
                    if p.starts_with("/g/") && (p.ends_with("/favourite") || p.ends_with("/comments")) =>
                {
                    req.json(&serde_json::json!({ "photo": pid, "on": true, "text": "hi" }))
                }
                ("POST" | "PUT", p) if p.starts_with("/api/") => {
                    req.json(&serde_json::json!({ "title": "", "state": "gold" }))
                }
                ("POST", _) => {
                    let token = if matches!(visitor, Admin) { csrf.as_str() } else { "" };
                    req.form(&[
                        ("csrf", token),
                        ("review_url", "not a web address"),
                        ("title", ""),
                        ("state", "gold"),
                        ("parent", ""),
                        ("name", ""),
                        ("password", ""),
                    ])
                }
                _ => req,
            };
            let status = req.send().await.unwrap().status().as_u16();
            if status != expected[i] {
                failures
                    .push(format!("{method} {path} as {visitor:?}: got {status}, expected {}", expected[i]));
            }
        }
    }
    assert!(failures.is_empty(), "access matrix mismatches:\n{}", failures.join("\n"));

    // Every route in web::routes() has at least one row.
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs")).unwrap();
    let declared: Vec<&str> = source
        .lines()
        .filter_map(|l| l.trim().strip_prefix(".at(\"").or_else(|| l.trim().strip_prefix(".nest(\"")))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert!(declared.len() >= 20, "route list not found in src/web/mod.rs");
    for route in declared {
        assert!(rows.iter().any(|r| r.1 == route), "route {route} has no row in the access matrix");
    }
}

/// Every client route as each kind of visitor a share link meets. The link has a password
/// and every permission; the right client has unlocked it.
#[tokio::test]
async fn every_client_route_answers_every_kind_of_visitor() {
    let server = Server::start().await;
    let api = server.api();
    let (a, photos) = gallery_with_photos(&api, "A", 1).await;
    let (b, _) = gallery_with_photos(&api, "B", 1).await;
    let pid = photos[0]["id"].as_str().unwrap().to_string();
    let all = |label: &str| serde_json::json!({ "label": label, "favourite": true, "comment": true, "download_proofs": true, "password": "pass-word" });
    let link = share_link(&api, &a, all("right")).await;
    let other_link = share_link(&api, &b, all("other")).await;
    let revoked = share_link(&api, &a, all("revoked")).await;
    let expiring = share_link(
        &api,
        &a,
        serde_json::json!({ "label": "exp", "password": "pass-word", "expires_in_seconds": 1 }),
    )
    .await;
    let admin_http = admin_client(&server).await;
    let gpage = get_text(&admin_http, server.url(&format!("/admin/galleries/{a}"))).await;
    let acsrf = meta_csrf(&gpage);
    // The revoke buttons are listed oldest first: right, revoked, exp.
    let share_ids: Vec<&str> =
        gpage.split("action=\"/admin/shares/").skip(1).map(|s| s.split('/').next().unwrap()).collect();
    post_form(
        &admin_http,
        server.url(&format!("/admin/shares/{}/revoke", share_ids[1])),
        &[("csrf", acsrf.as_str())],
    )
    .await;

    let unlock = |c: reqwest::Client, l: String, pw: &'static str| {
        let url = server.url(&format!("{l}/unlock"));
        async move {
            post_form(&c, url, &[("password", pw)]).await;
            c
        }
    };
    let right = unlock(browser_client(), link.clone(), "pass-word").await;
    let right_csrf = meta_csrf(&get_text(&right, server.url(&format!("{link}/photos"))).await);
    let wrong_pw = unlock(browser_client(), link.clone(), "guess").await;
    let other = unlock(browser_client(), other_link.clone(), "pass-word").await;
    let other_csrf = meta_csrf(&get_text(&other, server.url(&format!("{other_link}/photos"))).await);
    wait_for("the short link to expire", std::time::Duration::from_secs(5), || async {
        browser_client().get(server.url(&expiring)).send().await.unwrap().status() == 410
    })
    .await;

    // (name, client, link path used, CSRF token sent)
    let visitors: Vec<(&str, reqwest::Client, String, String)> = vec![
        ("anonymous", browser_client(), link.clone(), String::new()),
        ("wrong token", browser_client(), "/g/0123456789abcdef0123456789abcdef".into(), String::new()),
        ("revoked link", browser_client(), revoked.clone(), String::new()),
        ("expired link", browser_client(), expiring.clone(), String::new()),
        ("wrong password", wrong_pw, link.clone(), String::new()),
        ("client of another gallery", other, link.clone(), other_csrf),
        ("admin", admin_http, link.clone(), acsrf.clone()),
        ("right client", right, link.clone(), right_csrf),
    ];
    // Expected status per visitor, in the order above.
    let rows: Vec<(&str, &str, [u16; 8])> = vec![
        ("GET", "", [200, 404, 410, 410, 200, 200, 200, 200]),
        ("GET", "/photos", [303, 404, 410, 410, 303, 303, 303, 200]),
        ("GET", "/prices", [303, 404, 410, 410, 303, 303, 303, 200]),
        // No live session runs in this gallery: the right client is asked for a code.
        ("GET", "/live", [303, 404, 410, 410, 303, 303, 303, 200]),
        ("GET", "/live?code=ABC234", [303, 404, 410, 410, 303, 303, 303, 403]),
        ("GET", "/live/events?code=ABC234", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/live/act?code=ABC234", [401, 404, 410, 410, 401, 401, 401, 400]),
        ("POST", "/live/order?code=ABC234", [401, 404, 410, 410, 401, 401, 401, 404]),
        // The JSON is not a cart change; a wall photo finds no session to join.
        ("POST", "/live/cart?code=ABC234", [401, 404, 410, 410, 401, 401, 401, 400]),
        ("POST", "/live/wall?code=ABC234", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("GET", "/order", [303, 404, 410, 410, 303, 303, 303, 200]),
        ("GET", "/order/add?photo=PID", [303, 404, 410, 410, 303, 303, 303, 200]),
        // With nothing for sale, changes to the cart are refused as "nothing to order".
        ("POST", "/order/lines", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/order/lines/0", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/order/package", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/order/package/fill", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/order/package/photo", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/order/coupon", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/order/shipping", [401, 404, 410, 410, 401, 401, 401, 404]),
        // An empty cart has no checkout: back to the order page.
        ("GET", "/checkout", [303, 404, 410, 410, 303, 303, 303, 303]),
        ("POST", "/checkout", [401, 404, 410, 410, 401, 401, 401, 400]),
        ("GET", "/orders/NOID", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("GET", "/orders/NOID/invoice", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("GET", "/orders/NOID/files", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("GET", "/orders/NOID/files/PID", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("GET", "/orders/NOID/zip", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("POST", "/orders/NOID/pay", [401, 404, 410, 410, 401, 401, 401, 404]),
        ("GET", "/comments?photo=PID", [401, 404, 410, 410, 401, 401, 401, 200]),
        ("POST", "/comments", [401, 404, 410, 410, 401, 401, 401, 200]),
        ("POST", "/favourite", [401, 404, 410, 410, 401, 401, 401, 200]),
        ("GET", "/download/PID", [401, 404, 410, 410, 401, 401, 401, 303]),
        ("GET", "/zip", [401, 404, 410, 410, 401, 401, 401, 200]),
        ("POST", "/submit", [401, 404, 410, 410, 401, 401, 401, 303]),
        // This link does not ask who the visitor is, so it takes no name or address.
        ("POST", "/identify", [401, 404, 410, 410, 401, 401, 401, 404]),
        // Wrong passwords from one address: by the right client's turn it has failed five
        // times, so even a right password would wait.
        ("POST", "/unlock", [401, 404, 410, 410, 401, 401, 401, 429]),
        // This link opens with a password, not by e-mail.
        ("POST", "/sign-in", [404, 404, 410, 410, 404, 404, 404, 404]),
        ("GET", "/enter/CODE", [410, 404, 410, 410, 410, 410, 410, 410]),
        ("POST", "/enter/CODE", [410, 404, 410, 410, 410, 410, 410, 410]),
        // Anyone may ask to reopen an ended link (the photographer decides); an open link
        // has nothing to reopen.
        ("POST", "/reopen", [400, 404, 200, 200, 400, 400, 400, 400]),
    ];
    let declared = [
        "/g/:token",
        "/g/:token/photos",
        "/g/:token/comments",
        "/g/:token/favourite",
        "/g/:token/download/:photo",
        "/g/:token/zip",
        "/g/:token/submit",
        "/g/:token/unlock",
        "/g/:token/identify",
        "/g/:token/sign-in",
        "/g/:token/enter/:code",
        "/g/:token/reopen",
        "/g/:token/prices",
        "/g/:token/live",
        "/g/:token/live/events",
        "/g/:token/live/act",
        "/g/:token/live/order",
        "/g/:token/live/cart",
        "/g/:token/live/wall",
        "/g/:token/order",
        "/g/:token/order/add",
        "/g/:token/order/lines",
        "/g/:token/order/lines/:n",
        "/g/:token/order/package",
        "/g/:token/order/package/fill",
        "/g/:token/order/package/photo",
        "/g/:token/order/coupon",
        "/g/:token/order/shipping",
        "/g/:token/checkout",
        "/g/:token/orders/:id",
        "/g/:token/orders/:id/invoice",
        "/g/:token/orders/:id/files",
        "/g/:token/orders/:id/files/:photo",
        "/g/:token/orders/:id/zip",
        "/g/:token/orders/:id/pay",
    ];
    let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/web/mod.rs")).unwrap();
    for route in source.lines().filter_map(|l| l.trim().strip_prefix(".at(\"/g/")) {
        let route = format!("/g/{}", route.split('"').next().unwrap());
        assert!(declared.contains(&route.as_str()), "client route {route} is missing from the client matrix");
    }
    let failures = client_rows(
        &server,
        &visitors,
        &rows,
        &[("PID", pid.clone()), ("CODE", "ab".repeat(16)), ("NOID", NO_ID.into())],
    )
    .await;
    assert!(failures.is_empty(), "client access mismatches:\n{}", failures.join("\n"));
}

/// Every client route on an e-mail grant, as each kind of visitor it meets. Nobody opens it
/// without a sign-in link; a used link and a revoked grant open nothing.
#[tokio::test]
async fn every_client_route_answers_every_visitor_of_an_email_grant() {
    let server = Server::start().await;
    let api = server.api();
    let (a, photos) = gallery_with_photos(&api, "A", 1).await;
    let (b, _) = gallery_with_photos(&api, "B", 1).await;
    let pid = photos[0]["id"].as_str().unwrap().to_string();
    let door = grant(&api, &a, "right@example.com").await;
    let other_door = grant(&api, &b, "other@example.com").await;
    let revoked = grant(&api, &a, "gone@example.com").await;
    let admin_http = admin_client(&server).await;
    let gpage = get_text(&admin_http, server.url(&format!("/admin/galleries/{a}"))).await;
    let acsrf = meta_csrf(&gpage);
    let revoked_id = revoked.rsplit('/').next().unwrap();

    // Sign in: the right client, a client of gallery B, and someone who signed in on the
    // revoked grant before it was revoked. Each asks from its own door.
    let sign_in = |door: String, email: &'static str| {
        let server = &server;
        async move {
            let c = browser_client();
            let before = outbox(server).len();
            assert_eq!(ask(server, &c, &door, email).await.0, 200);
            let mails = wait_for_outbox(server, before + 1).await;
            let link = mails.iter().rev().find(|m| m.contains(email)).and_then(|m| sign_in_links(m).pop());
            let link = link.expect("a sign-in link");
            assert_eq!(enter(server, &c, &link).await, 303);
            (c, link)
        }
    };
    let (right, used_link) = sign_in(door.clone(), "right@example.com").await;
    let right_csrf = meta_csrf(&get_text(&right, server.url(&format!("{door}/photos"))).await);
    let (other, _) = sign_in(other_door.clone(), "other@example.com").await;
    let other_csrf = meta_csrf(&get_text(&other, server.url(&format!("{other_door}/photos"))).await);
    let (was_in, _) = sign_in(revoked.clone(), "gone@example.com").await;
    post_form(
        &admin_http,
        server.url(&format!("/admin/shares/{revoked_id}/revoke")),
        &[("csrf", acsrf.as_str())],
    )
    .await;
    // Someone who replays the right client's used link.
    let replayer = browser_client();
    assert_eq!(enter(&server, &replayer, &used_link).await, 410);

    let visitors: Vec<(&str, reqwest::Client, String, String)> = vec![
        ("anonymous", browser_client(), door.clone(), String::new()),
        ("wrong id", browser_client(), "/g/01ARZ3NDEKTSV4RRFFQ69G5FAV".into(), String::new()),
        ("revoked grant", was_in, revoked.clone(), String::new()),
        ("replayed link", replayer, door.clone(), String::new()),
        ("client of another gallery", other, door.clone(), other_csrf),
        ("admin", admin_http, door.clone(), acsrf),
        ("right client", right, door.clone(), right_csrf),
    ];
    let rows: Vec<(&str, &str, [u16; 7])> = vec![
        ("GET", "", [200, 404, 410, 200, 200, 200, 200]),
        ("GET", "/photos", [303, 404, 410, 303, 303, 303, 200]),
        ("GET", "/prices", [303, 404, 410, 303, 303, 303, 200]),
        ("GET", "/order", [303, 404, 410, 303, 303, 303, 200]),
        ("GET", "/order/add?photo=PID", [303, 404, 410, 303, 303, 303, 200]),
        ("POST", "/order/lines", [401, 404, 410, 401, 401, 401, 404]),
        ("POST", "/order/coupon", [401, 404, 410, 401, 401, 401, 404]),
        ("GET", "/checkout", [303, 404, 410, 303, 303, 303, 303]),
        ("POST", "/checkout", [401, 404, 410, 401, 401, 401, 400]),
        ("GET", "/orders/NOID", [401, 404, 410, 401, 401, 401, 404]),
        ("GET", "/orders/NOID/invoice", [401, 404, 410, 401, 401, 401, 404]),
        ("GET", "/orders/NOID/files", [401, 404, 410, 401, 401, 401, 404]),
        ("GET", "/orders/NOID/zip", [401, 404, 410, 401, 401, 401, 404]),
        ("GET", "/comments?photo=PID", [401, 404, 410, 401, 401, 401, 200]),
        ("POST", "/comments", [401, 404, 410, 401, 401, 401, 200]),
        ("POST", "/favourite", [401, 404, 410, 401, 401, 401, 200]),
        ("GET", "/download/PID", [401, 404, 410, 401, 401, 401, 403]),
        ("GET", "/zip", [401, 404, 410, 401, 401, 401, 403]),
        ("POST", "/submit", [401, 404, 410, 401, 401, 401, 303]),
        // A grant knows its address already: it asks no one who they are.
        ("POST", "/identify", [401, 404, 410, 401, 401, 401, 404]),
        ("POST", "/unlock", [401, 404, 410, 401, 401, 401, 401]),
        ("GET", "/enter/USED", [410, 404, 410, 410, 410, 410, 410]),
        ("POST", "/enter/USED", [410, 404, 410, 410, 410, 410, 410]),
        ("POST", "/reopen", [400, 404, 200, 400, 400, 400, 400]),
        // Last: asking for a link answers alike whoever asks (the limit is per address, and
        // these are the first requests of this kind here after the three sign-ins).
        ("POST", "/sign-in", [200, 404, 410, 200, 429, 429, 429]),
    ];
    let code = used_link.rsplit('/').next().unwrap().to_string();
    let failures = client_rows(
        &server,
        &visitors,
        &rows,
        &[("PID", pid.clone()), ("USED", code), ("NOID", NO_ID.into())],
    )
    .await;
    assert!(failures.is_empty(), "e-mail grant access mismatches:\n{}", failures.join("\n"));
}

/// Sends every (method, suffix) row to every visitor's link (after replacing each
/// placeholder in the suffix) and lists the answers that differ from the row's expectation.
/// Bodies are well-formed, carrying the visitor's CSRF token where one goes.
async fn client_rows<const N: usize>(
    server: &Server,
    visitors: &[(&str, reqwest::Client, String, String)],
    rows: &[(&str, &str, [u16; N])],
    placeholders: &[(&str, String)],
) -> Vec<String> {
    let pid = &placeholders[0].1;
    let mut failures = Vec::new();
    for (method, suffix, expected) in rows {
        let path = placeholders.iter().fold(suffix.to_string(), |p, (k, v)| p.replace(k, v));
        for (i, (name, client, l, csrf)) in visitors.iter().enumerate() {
            let url = server.url(&format!("{l}{path}"));
            let req = match (*method, *suffix) {
                ("GET", _) => client.get(url),
                ("POST", "/unlock") => client.post(url).form(&[("password", "not it")]),
                ("POST", "/sign-in") => client.post(url).form(&[("email", "right@example.com")]),
                ("POST", "/reopen") => {
                    client.post(url).form(&[("email", "ann@example.com"), ("note", "Please")])
                }
                ("POST", s) if s.starts_with("/enter/") => client.post(url),
                ("POST", "/submit") => client.post(url).form(&[("csrf", csrf.as_str())]),
                ("POST", s) if s.starts_with("/live/order") => {
                    client.post(url).form(&[("csrf", csrf.as_str())])
                }
                ("POST", s) if s.starts_with("/order") || s == "/checkout" || s.ends_with("/pay") => {
                    client.post(url).form(&[
                        ("csrf", csrf.as_str()),
                        ("photo", pid.as_str()),
                        ("product", NO_ID),
                        ("quantity", "1"),
                        ("package", ""),
                        ("code", "X"),
                        ("shipping", NO_ID),
                    ])
                }
                ("POST", "/identify") => {
                    client.post(url).form(&[("csrf", csrf.as_str()), ("name", "Ann"), ("email", "")])
                }
                _ => client
                    .post(url)
                    .header("x-csrf-token", csrf.as_str())
                    .json(&serde_json::json!({ "photo": pid, "on": true, "text": "a note" })),
            };
            let status = req.send().await.unwrap().status().as_u16();
            if status != expected[i] {
                failures.push(format!(
                    "{method} {{link}}{suffix} as {name}: got {status}, expected {}",
                    expected[i]
                ));
            }
        }
    }
    failures
}
