//! Ordering over HTTP: a client fills a package from their favourites, adds a print with a
//! crop, applies a coupon and checks out; the invoice and the mails follow; the
//! photographer records payments and moves the order along. Then everything a hostile or
//! careless client might send, refused or handled once.

use serde_json::json;

use crate::support::*;

const NO_ID: &str = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

/// A server with a studio that sells: EUR, 19 % included; a digital file (25.00), a print
/// 10 × 15 (5.00), the package "Single" (one image, 30.00, each extra 20.00), shipping by
/// post (4.90), the coupon TEN (10 %, once), a bank account.
pub struct Shop {
    pub server: Server,
    pub admin: reqwest::Client,
    csrf: String,
    pub print: String,
}

impl Shop {
    async fn open() -> Shop {
        Shop::on(Server::start_with(&[("PROOFROOM_NOTIFY_EMAIL", "photographer@example.com")]).await).await
    }

    /// Sets up the shop on a server started elsewhere (with SMTP, for the browser test).
    pub async fn on(server: Server) -> Shop {
        let admin = admin_client(&server).await;
        let csrf = meta_csrf(&get_text(&admin, server.url("/admin/prices")).await);
        let mut shop = Shop { server, admin, csrf, print: String::new() };
        shop.ok("/admin/prices/terms", &[("currency", "EUR"), ("tax", "19"), ("inclusive", "on")]).await;
        shop.ok("/admin/prices/products", &[("name", "Digital"), ("kind", "digital"), ("price", "25")]).await;
        shop.ok(
            "/admin/prices/products",
            &[("name", "Print 10 x 15"), ("kind", "print"), ("size", "10 x 15"), ("price", "5")],
        )
        .await;
        let page = get_text(&shop.admin, shop.server.url("/admin/prices")).await;
        let digital = option_value(&page, "Digital");
        shop.print = option_value(&page, "Print 10 x 15");
        // The print's photo for the guide: a phone's sideways JPEG (EXIF orientation 6).
        let at = format!("/admin/prices/products/{}/photo", shop.print);
        let photo = Some(jpeg_with_orientation(1500, 1000, 6));
        assert_eq!(
            crate::watermark::post_multipart(&shop.admin, &shop.server, &at, &shop.csrf, &[], photo).await,
            303
        );
        shop.ok(
            "/admin/prices/packages",
            &[
                ("name", "Single"),
                ("price", "30"),
                ("images", "1"),
                ("digital", digital.as_str()),
                ("includes", ""),
                ("extra_image", "20"),
            ],
        )
        .await;
        shop.ok("/admin/prices/shipping", &[("name", "Post"), ("base", "4,90")]).await;
        shop.ok("/admin/prices/coupons", &[("code", "ten"), ("discount", "10%"), ("max_uses", "1")]).await;
        shop.ok(
            "/admin/prices/billing",
            &[
                ("address", "Studio Licht\nHauptstr. 1\n10115 Berlin"),
                ("tax_id", "DE123456789"),
                ("account_holder", "Studio Licht"),
                ("iban", "DE89 3704 0044 0532 0130 00"),
                ("bic", "COBADEFFXXX"),
                ("invoice_note", "Thank you for your business."),
                ("due_days", "14"),
            ],
        )
        .await;
        shop
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        post_form(&self.admin, self.server.url(path), &all).await
    }

    pub async fn ok(&self, path: &str, fields: &[(&str, &str)]) {
        let r = self.post(path, fields).await;
        assert_eq!(r.status(), 303, "{path}: {}", r.text().await.unwrap());
    }
}

/// A client of `link` in their own browser, with the CSRF token of their session.
pub struct Client {
    pub http: reqwest::Client,
    link: String,
    pub csrf: String,
}

impl Client {
    pub async fn new(server: &Server, link: &str) -> Client {
        let http = browser_client();
        let csrf = meta_csrf(&get_text(&http, server.url(&format!("{link}/photos"))).await);
        Client { http, link: link.to_string(), csrf }
    }

    pub async fn post(&self, server: &Server, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        post_form(&self.http, server.url(&format!("{}{path}", self.link)), &all).await
    }

    pub async fn page(&self, server: &Server, path: &str) -> String {
        get_text(&self.http, server.url(&format!("{}{path}", self.link))).await
    }

    /// Posts and expects the redirect back (a change that was kept).
    pub async fn ok(&self, server: &Server, path: &str, fields: &[(&str, &str)]) {
        let r = self.post(server, path, fields).await;
        assert_eq!(r.status(), 303, "{path}: {}", r.text().await.unwrap());
    }

    /// Posts and expects `status` with `words` in the message.
    async fn refused(&self, server: &Server, path: &str, fields: &[(&str, &str)], status: u16, words: &str) {
        let r = self.post(server, path, fields).await;
        assert_eq!(r.status(), status, "{path} {fields:?}");
        let text = r.text().await.unwrap();
        assert!(text.contains(words), "{path} {fields:?}: expected “{words}” in {text}");
    }
}

pub fn value_of(page: &str, name: &str) -> String {
    hidden_field(page, name)
}

/// The package radio's value (the first package offered).
pub fn package_id(page: &str) -> String {
    let at = page.find("name=\"package\" value=\"").expect("a package to choose") + 22;
    page[at..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn a_client_orders_a_package_with_an_extra_and_a_cropped_print_and_the_photographer_is_paid() {
    let shop = Shop::open().await;
    let server = &shop.server;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Anna & Tom", 3).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "Anna", "favourite": true })).await;
    let ann = Client::new(server, &link).await;
    assert_eq!(heart(server, &ann.http, &link, &ann.csrf, &ids[0]).await, 200);
    assert_eq!(heart(server, &ann.http, &link, &ann.csrf, &ids[1]).await, 200);

    // The gallery leads to the order page, whose journey includes choosing.
    let grid = ann.page(server, "/photos").await;
    assert!(grid.contains(&format!("href=\"{link}/order\"")), "the bar links the order page");
    assert!(grid.contains("Step 2 of 4"), "ordering is a step of the journey");

    let order_page = ann.page(server, "/order").await;
    ann.ok(server, "/order/package", &[("package", &package_id(&order_page))]).await;
    ann.ok(server, "/order/package/fill", &[]).await;
    let page = ann.page(server, "/order").await;
    assert!(page.contains("<strong>1 of 1</strong> included images chosen"), "{page}");
    assert!(page.contains("<strong>1 extra</strong>"), "the second favourite is an extra image");

    // A print of the third photo, its crop moved off-centre (a 3:2 frame on a 4:3 photo).
    let add = ann.page(server, &format!("/order/add?photo={}", ids[2])).await;
    assert!(add.contains("data-aspect="), "the print offers a crop frame");
    ann.ok(
        server,
        "/order/lines",
        &[("photo", &ids[2]), ("product", &shop.print), ("quantity", "2"), ("crop", "1000,2000,9000,8000")],
    )
    .await;
    ann.ok(server, "/order/coupon", &[("code", "Ten")]).await;
    let page = ann.page(server, "/order").await;
    // Worked by hand: 30.00 + 20.00 + 2 × 5.00 = 60.00; 10 % off = 54.00; the post's 4.90
    // is added at checkout; 19 % included.
    assert!(page.contains("−EUR 6.00"), "the coupon's tenth: {page}");
    assert!(page.contains("EUR 54.00"), "the total before shipping: {page}");
    assert!(page.contains("chosen at checkout"), "shipping waits for checkout");

    // Checkout asks for an address because a print ships; without it, a clear refusal.
    let checkout = ann.page(server, "/checkout").await;
    let key = value_of(&checkout, "key");
    let post = option_value(&checkout, "Post · EUR 4.90");
    let fields = |address: &'static str| {
        vec![
            ("key", key.clone()),
            ("name", "Ann Example".into()),
            ("email", "ann@example.com".into()),
            ("address", address.into()),
            ("shipping", post.clone()),
        ]
    };
    let as_refs =
        |f: &Vec<(&'static str, String)>| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let no_address = as_refs(&fields(""));
    let refs: Vec<(&str, &str)> = no_address.iter().map(|(k, v)| (*k, v.as_str())).collect();
    ann.refused(server, "/checkout", &refs, 400, "address").await;
    let full = as_refs(&fields("Ann Example\nLindenstr. 5\n10969 Berlin"));
    let refs: Vec<(&str, &str)> = full.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let placed = ann.post(server, "/checkout", &refs).await;
    assert_eq!(placed.status(), 303);
    let order_url = placed.headers()["location"].to_str().unwrap().to_string();
    // The same form sent again (a double tap) is the same order.
    let again = ann.post(server, "/checkout", &refs).await;
    assert_eq!(again.headers()["location"].to_str().unwrap(), order_url, "one order per checkout");

    let order = get_text(&ann.http, server.url(&order_url)).await;
    assert!(order.contains("Invoiced"), "{order}");
    assert!(order.contains("To pay: EUR 58.90"), "54.00 + 4.90 shipping: {order}");
    assert!(order.contains("<svg"), "a GiroCode to scan");
    assert!(!ann.page(server, "/order").await.contains("package/photo"), "the cart was emptied");
    let invoice = get_text(&ann.http, server.url(&format!("{order_url}/invoice"))).await;
    for words in [
        "Invoice 00001",
        "EUR 58.90",
        "EUR 9.40",
        "DE123456789",
        "Lindenstr. 5",
        "Thank you for your business.",
    ] {
        assert!(invoice.contains(words), "the invoice shows {words}: {invoice}");
    }

    // The mails: the client's order with its invoice, the photographer's notice.
    let mails = wait_for_outbox(server, 2).await;
    let to_ann = mails.iter().find(|m| m.contains("To: ann@example.com")).expect("a mail to the client");
    assert!(to_ann.contains("Invoice 00001") && to_ann.contains("EUR 58.90") && to_ann.contains(&order_url));
    assert!(to_ann.contains("DE89370400440532013000"), "how to pay, in the mail");
    let notice = mails.iter().find(|m| m.contains("To: photographer@example.com")).expect("a notice");
    assert!(notice.contains("Order 1 from Ann Example"), "{notice}");

    // The coupon was for one order: used up now.
    let ben = Client::new(server, &link).await;
    ben.ok(server, "/order/lines", &[("photo", &ids[0]), ("product", &shop.print), ("quantity", "1")]).await;
    ben.refused(server, "/order/coupon", &[("code", "TEN")], 400, "used up").await;
    // Ben sees none of Ann's order.
    for path in [order_url.clone(), format!("{order_url}/invoice")] {
        let r = ben.http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path} is Ann's");
    }

    // The photographer: a part payment, too much refused, the rest; then shipped.
    let order_id = order_url.rsplit('/').next().unwrap().to_string();
    let admin_order = format!("/admin/orders/{order_id}");
    let orders = get_text(&shop.admin, server.url("/admin/orders")).await;
    assert!(
        orders.contains("Order 1") && orders.contains("<strong>1</strong> waiting for payment"),
        "{orders}"
    );
    // The API reads the same order, in cents.
    let (status, o) = api.get(&format!("/orders/{order_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(
        (o["total"].as_i64(), o["tax"].as_i64(), o["state"].as_str()),
        (Some(5890), Some(940), Some("invoiced"))
    );
    assert_eq!(api.get(&format!("/orders/{order_id}/invoice")).await.1["number"], 1);
    shop.ok(&format!("{admin_order}/payments"), &[("amount", "20"), ("method", "cash")]).await;
    let r = shop.post(&format!("{admin_order}/payments"), &[("amount", "50"), ("method", "cash")]).await;
    assert_eq!(r.status(), 400, "more than is owed");
    assert!(get_text(&shop.admin, server.url(&admin_order)).await.contains("EUR 38.90"));
    shop.ok(&format!("{admin_order}/payments"), &[("amount", "38,90"), ("method", "bank transfer")]).await;
    let order = get_text(&ann.http, server.url(&order_url)).await;
    assert!(order.contains(">Paid<"), "{order}");
    assert!(!order.contains("To pay:"));
    // The print for the lab: the client's crop, named by order and line, with the sheet.
    let lab = shop.admin.get(server.url(&format!("{admin_order}/lab.zip"))).send().await.unwrap();
    assert_eq!(lab.status(), 200);
    let (dir, mut names) = crate::zip::unzip(&lab.bytes().await.unwrap());
    names.sort();
    assert_eq!(names, vec!["order1-line01-100x150mm-x2-IMG_0002.jpg", "order1-sheet.csv"]);
    let sheet = std::fs::read_to_string(dir.path().join("x/order1-sheet.csv")).unwrap();
    assert!(sheet.contains("1000,2000,9000,8000") && sheet.contains("Lindenstr. 5"), "{sheet}");
    let print = std::fs::read(dir.path().join("x").join(&names[0])).unwrap();
    // 90 % × 80 % of a 160 × 120 photo; a 10 × 15 cm print at 300 ppi would be larger,
    // and a print is never enlarged.
    assert_eq!(dims(&print), (144, 96));
    shop.ok(&format!("{admin_order}/state"), &[("state", "shipped")]).await;
    let r = shop.post(&format!("{admin_order}/state"), &[("state", "cancelled")]).await;
    assert_eq!(r.status(), 400, "a shipped order is refunded, not cancelled");
    let mails = wait_for_outbox(server, 5).await;
    let to_ann: Vec<_> = mails.iter().filter(|m| m.contains("To: ann@example.com")).collect();
    assert!(
        to_ann
            .iter()
            .any(|m| m.contains("Payment received for order 1") && m.contains("Still to pay: EUR 38.90"))
    );
    assert!(to_ann.iter().any(|m| m.contains("paid in full")));
    assert!(to_ann.iter().any(|m| m.contains("on its way")));

    // A second order takes the next invoice number.
    let checkout = ben.page(server, "/checkout").await;
    let (key, post) = (value_of(&checkout, "key"), option_value(&checkout, "Post · EUR 4.90"));
    let r = ben
        .post(
            server,
            "/checkout",
            &[
                ("key", &key),
                ("name", "Ben"),
                ("email", "ben@example.com"),
                ("address", "Ben\nRoad 1"),
                ("shipping", &post),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let ben_order = r.headers()["location"].to_str().unwrap().to_string();
    let invoice = get_text(&ben.http, server.url(&format!("{ben_order}/invoice"))).await;
    assert!(invoice.contains("Invoice 00002"), "numbers run without gaps");
}

#[tokio::test]
async fn tampered_carts_are_refused_with_a_reason_and_change_nothing() {
    let shop = Shop::open().await;
    let server = &shop.server;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Tamper", 1).await;
    let (_, others) = gallery_with_photos(&api, "Elsewhere", 1).await;
    let pid = photos[0]["id"].as_str().unwrap().to_string();
    let foreign = others[0]["id"].as_str().unwrap().to_string();
    let link = share_link(&api, &g, json!({ "label": "T", "favourite": true })).await;
    let c = Client::new(server, &link).await;
    let line = |q: &'static str| {
        vec![("photo", pid.clone()), ("product", shop.print.clone()), ("quantity", q.to_string())]
    };
    let send = |f: Vec<(&'static str, String)>| f;
    for (fields, status, words) in [
        (send(line("-1")), 400, "quantity"),
        (send(line("1000")), 400, "quantity"),
        (send(line("two")), 400, "quantity"),
        (
            vec![("photo", pid.clone()), ("product", NO_ID.into()), ("quantity", "1".into())],
            404,
            "not offered",
        ),
        (
            vec![("photo", foreign.clone()), ("product", shop.print.clone()), ("quantity", "1".into())],
            404,
            "not in this gallery",
        ),
        (
            vec![
                ("photo", pid.clone()),
                ("product", shop.print.clone()),
                ("quantity", "1".into()),
                ("crop", "2000,0,9000,8000".into()),
            ],
            400,
            "crop",
        ),
        (
            vec![
                ("photo", pid.clone()),
                ("product", shop.print.clone()),
                ("quantity", "1".into()),
                ("crop", "0,0,5000,5000".into()),
            ],
            400,
            "shape",
        ),
    ] {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        c.refused(server, "/order/lines", &refs, status, words).await;
    }
    c.refused(server, "/order/coupon", &[("code", "NOPE")], 400, "no coupon").await;
    c.refused(server, "/order/package", &[("package", NO_ID)], 404, "not offered").await;
    c.refused(server, "/order/package/fill", &[], 400, "package first").await;
    c.refused(server, "/order/lines/0", &[("quantity", "2")], 404, "no longer").await;
    c.refused(server, "/checkout", &[("key", "short")], 400, "out of date").await;
    c.refused(server, "/checkout", &[("key", "abcdefghijklmnopqrstuvwxyz012345")], 400, "empty").await;
    assert!(c.page(server, "/order").await.contains("Open a photo and tap"), "nothing was added");

    // A price sent with the form is not a price: the server's is.
    c.ok(
        server,
        "/order/lines",
        &[("photo", &pid), ("product", &shop.print), ("quantity", "3"), ("price", "0"), ("amount", "0")],
    )
    .await;
    let page = c.page(server, "/order").await;
    assert!(page.contains("EUR 15.00"), "3 × 5.00: {page}");
    // The same photo and print again add up on one line; 0 removes it.
    c.ok(server, "/order/lines", &[("photo", &pid), ("product", &shop.print), ("quantity", "1")]).await;
    assert!(c.page(server, "/order").await.contains("value=\"4\""));
    c.ok(server, "/order/lines/0", &[("quantity", "0")]).await;
    assert!(c.page(server, "/order").await.contains("Open a photo and tap"));
    // Checkout of an empty cart goes back to the order page.
    let r = c.http.get(server.url(&format!("{link}/checkout"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(get_text(&shop.admin, server.url("/admin/orders")).await.contains("No orders yet"));
}

#[tokio::test]
async fn paid_finals_are_delivered_by_themselves_renamed_and_unpaid_ones_never() {
    let shop = Shop::open().await;
    let server = &shop.server;
    shop.ok(
        "/admin/prices/billing",
        &[("account_holder", "Studio Licht"), ("delivery_names", "{gallery}-{filename}")],
    )
    .await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Ann", 3).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "Ann", "favourite": true })).await;
    let ann = Client::new(server, &link).await;
    for id in &ids[..2] {
        assert_eq!(heart(server, &ann.http, &link, &ann.csrf, id).await, 200);
    }
    let page = ann.page(server, "/order").await;
    ann.ok(server, "/order/package", &[("package", &package_id(&page))]).await;
    ann.ok(server, "/order/package/fill", &[]).await;
    let checkout = ann.page(server, "/checkout").await;
    assert!(!checkout.contains("name=\"address\""), "files only: no address asked");
    let key = value_of(&checkout, "key");
    let r =
        ann.post(server, "/checkout", &[("key", &key), ("name", "Ann"), ("email", "ann@example.com")]).await;
    assert_eq!(r.status(), 303);
    let order_url = r.headers()["location"].to_str().unwrap().to_string();
    let order_id = order_url.rsplit('/').next().unwrap().to_string();

    // Unpaid: no files, not even finals.
    let finals: Vec<(String, Vec<u8>)> =
        (0..2).map(|i| (format!("IMG_{i:04}.jpg"), jpeg_with_orientation(200 + i as u16, 150, 1))).collect();
    let (status, _) = api.upload(&g, vec![finals[0].clone()], true).await;
    assert_eq!(status, 200);
    for path in ["/files", "/zip", &format!("/files/{}", ids[0])] {
        let r = ann.http.get(server.url(&format!("{order_url}{path}"))).send().await.unwrap();
        assert_eq!(r.status(), 403, "{path} before payment");
    }

    // Paid with one final of two: a file ready, the other waiting, no delivery mail yet.
    shop.ok(&format!("/admin/orders/{order_id}/payments"), &[("amount", "50"), ("method", "bank transfer")])
        .await;
    let files = get_text(&ann.http, server.url(&format!("{order_url}/files"))).await;
    assert!(files.contains("1 of 2 ready"), "{files}");
    let r = ann.http.get(server.url(&format!("{order_url}/files/{}", ids[1]))).send().await.unwrap();
    assert_eq!(r.status(), 403, "a proof is not delivered");
    assert!(!outbox(server).iter().any(|m| m.contains("Your photos are ready")));

    // The second final arrives under the same name: the delivery mail goes out by itself.
    let (status, _) = api.upload(&g, vec![finals[1].clone()], true).await;
    assert_eq!(status, 200);
    wait_for("the delivery mail", std::time::Duration::from_secs(30), || async {
        outbox(server)
            .iter()
            .any(|m| m.contains("Your photos are ready") && m.contains("To: ann@example.com"))
    })
    .await;
    let mail = outbox(server).into_iter().find(|m| m.contains("Your photos are ready")).unwrap();
    assert!(mail.contains(&format!("{order_url}/files")), "the mail leads to the delivery page");

    // The zip holds exactly the finals, renamed by the pattern, with the studio's credit.
    let zip = ann.http.get(server.url(&format!("{order_url}/zip"))).send().await.unwrap();
    assert_eq!(zip.status(), 200);
    let (dir, mut names) = crate::zip::unzip(&zip.bytes().await.unwrap());
    names.sort();
    assert_eq!(names, vec!["Ann-IMG_0000.jpg", "Ann-IMG_0001.jpg"]);
    for (i, name) in names.iter().enumerate() {
        let got = std::fs::read(dir.path().join("x").join(name)).unwrap();
        assert_delivered(&got, &finals[i].1, "proofroom", name);
    }
    let one = ann.http.get(server.url(&format!("{order_url}/files/{}", ids[1]))).send().await.unwrap();
    assert!(one.headers()["content-disposition"].to_str().unwrap().contains("Ann-IMG_0001.jpg"));
    assert_delivered(&one.bytes().await.unwrap(), &finals[1].1, "proofroom", "one file");
    // The photographer sees each download on the order.
    let admin_page = get_text(&shop.admin, server.url(&format!("/admin/orders/{order_id}"))).await;
    assert!(
        admin_page.contains("Downloaded the zip (2 files)")
            && admin_page.contains("Downloaded Ann-IMG_0001.jpg"),
        "{admin_page}"
    );
    // Another visitor of the same link gets none of it.
    let other = Client::new(server, &link).await;
    for path in ["/files", "/zip"] {
        let r = other.http.get(server.url(&format!("{order_url}{path}"))).send().await.unwrap();
        assert_eq!(r.status(), 404, "{path} is Ann's");
    }
    // The photographer sees the downloads in the gallery's activity.
    let activity = get_text(&shop.admin, server.url(&format!("/admin/galleries/{g}/activity"))).await;
    assert!(activity.contains("downloaded a zip of 2 photos"), "{activity}");

    // "Deliver now": a paid order of a proof goes out as it is when the photographer says.
    other
        .ok(
            server,
            "/order/lines",
            &[("photo", &ids[2]), ("product", &digital_of(&shop).await), ("quantity", "1")],
        )
        .await;
    let checkout = other.page(server, "/checkout").await;
    let key = value_of(&checkout, "key");
    let r =
        other.post(server, "/checkout", &[("key", &key), ("name", "Bo"), ("email", "bo@example.com")]).await;
    let bo_order = r.headers()["location"].to_str().unwrap().to_string();
    let bo_id = bo_order.rsplit('/').next().unwrap().to_string();
    shop.ok(&format!("/admin/orders/{bo_id}/payments"), &[("amount", "25"), ("method", "cash")]).await;
    assert_eq!(
        other.http.get(server.url(&format!("{bo_order}/files/{}", ids[2]))).send().await.unwrap().status(),
        403
    );
    shop.ok(&format!("/admin/orders/{bo_id}/deliver"), &[]).await;
    let r = other.http.get(server.url(&format!("{bo_order}/files/{}", ids[2]))).send().await.unwrap();
    assert_eq!(r.status(), 200, "delivered as it is");
    wait_for("Bo's delivery mail", std::time::Duration::from_secs(30), || async {
        outbox(server).iter().any(|m| m.contains("Your photos are ready") && m.contains("To: bo@example.com"))
    })
    .await;
}

/// The id of the studio's "Digital" product.
async fn digital_of(shop: &Shop) -> String {
    option_value(&get_text(&shop.admin, shop.server.url("/admin/prices")).await, "Digital")
}

/// kill -9 right after the payment that completes a delivery: on restart the order is
/// paid and delivered, and its delivery mail goes out exactly once.
#[tokio::test]
async fn kill_9_after_payment_loses_neither_the_payment_nor_the_delivery_mail() {
    let mut shop = Shop::open().await;
    let api = shop.server.api();
    let (g, photos) = gallery_with_photos(&api, "Crash", 1).await;
    let id = photos[0]["id"].as_str().unwrap().to_string();
    let link = share_link(&api, &g, json!({ "label": "C", "favourite": true })).await;
    let c = Client::new(&shop.server, &link).await;
    c.ok(
        &shop.server,
        "/order/lines",
        &[("photo", &id), ("product", &digital_of(&shop).await), ("quantity", "1")],
    )
    .await;
    let key = value_of(&c.page(&shop.server, "/checkout").await, "key");
    let r =
        c.post(&shop.server, "/checkout", &[("key", &key), ("name", "C"), ("email", "c@example.com")]).await;
    let order = r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string();
    // The final is there before the payment; the payment completes the delivery.
    let (status, _) =
        api.upload(&g, vec![("IMG_0000.jpg".into(), jpeg_with_orientation(99, 66, 1))], true).await;
    assert_eq!(status, 200);
    shop.ok(&format!("/admin/orders/{order}/payments"), &[("amount", "25")]).await;
    shop.server.kill9();

    shop.server.restart().await;
    let api = shop.server.api();
    let (_, o) = api.get(&format!("/orders/{order}")).await;
    assert_eq!(o["state"], "paid", "{o}");
    assert!(o["delivered_ms"].is_u64(), "{o}");
    wait_for("the delivery mail", std::time::Duration::from_secs(30), || async {
        outbox(&shop.server).iter().any(|m| m.contains("Your photos are ready"))
    })
    .await;
    // A second start delivers nothing again.
    shop.server.stop();
    shop.server.restart().await;
    // Marking the photo final again runs a delivery check before it answers.
    let api = shop.server.api();
    api.mark_final(&id).await;
    let sent = outbox(&shop.server).iter().filter(|m| m.contains("Your photos are ready")).count();
    assert_eq!(sent, 1, "one delivery mail");
}

/// What the stand-in for Stripe's API was asked.
#[derive(Default)]
struct Asked {
    forms: Vec<Vec<(String, String)>>,
    auth: Vec<String>,
    idempotency: Vec<String>,
    /// Refunds asked for: the form and its idempotency key.
    refunds: Vec<(Vec<(String, String)>, String)>,
}

/// A local stand-in for the Stripe endpoints proofroom calls (create and read a Checkout
/// Session, create a refund), recording each request. Returns its base URL.
async fn fake_stripe() -> (String, std::sync::Arc<std::sync::Mutex<Asked>>) {
    use poem::{EndpointExt, Route, handler, post, web::Data};
    type Log = std::sync::Arc<std::sync::Mutex<Asked>>;
    #[handler]
    fn sessions(
        req: &poem::Request,
        body: String,
        Data(log): Data<&Log>,
    ) -> poem::web::Json<serde_json::Value> {
        let form: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
        let mut l = log.lock().unwrap();
        l.forms.push(form);
        l.auth.push(req.header("authorization").unwrap_or_default().to_string());
        l.idempotency.push(req.header("idempotency-key").unwrap_or_default().to_string());
        poem::web::Json(json!({ "id": "cs_test_1", "url": "https://checkout.stripe.com/c/pay/cs_test_1" }))
    }
    #[handler]
    fn session(poem::web::Path(id): poem::web::Path<String>) -> poem::web::Json<serde_json::Value> {
        poem::web::Json(json!({ "id": id, "payment_intent": "pi_test_1" }))
    }
    #[handler]
    fn refunds(
        req: &poem::Request,
        body: String,
        Data(log): Data<&Log>,
    ) -> poem::web::Json<serde_json::Value> {
        let form: Vec<(String, String)> = serde_urlencoded::from_str(&body).unwrap();
        let key = req.header("idempotency-key").unwrap_or_default().to_string();
        log.lock().unwrap().refunds.push((form, key));
        poem::web::Json(json!({ "id": "re_test_1", "status": "succeeded" }))
    }
    let log: Log = Default::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let app = Route::new()
        .at("/v1/checkout/sessions", post(sessions))
        .at("/v1/checkout/sessions/:id", poem::get(session))
        .at("/v1/refunds", post(refunds))
        .data(log.clone());
    tokio::spawn(poem::Server::new(poem::listener::TcpListener::bind(addr)).run(app));
    wait_for("the stand-in Stripe", std::time::Duration::from_secs(10), || async {
        tokio::net::TcpStream::connect(addr).await.is_ok()
    })
    .await;
    (format!("http://{addr}"), log)
}

/// A `Stripe-Signature` header for `body` at `t` with `secret`, as Stripe computes it.
fn stripe_header(body: &str, secret: &str, t: i64) -> String {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{body}").as_bytes());
    format!("t={t},v1={}", hex::encode(mac.finalize().into_bytes()))
}

#[tokio::test]
async fn card_payments_go_through_stripe_checkout_and_its_signed_notices_count_once() {
    let (api_url, asked) = fake_stripe().await;
    let secret = "whsec_test_proofroom";
    let env = [
        ("PROOFROOM_STRIPE_SECRET_KEY", "sk_test_proofroom"),
        ("PROOFROOM_STRIPE_WEBHOOK_SECRET", secret),
        ("PROOFROOM_STRIPE_API", api_url.as_str()),
    ];
    let shop = Shop::on(Server::start_with(&env).await).await;
    let server = &shop.server;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Card", 1).await;
    let pid = photos[0]["id"].as_str().unwrap().to_string();
    let link = share_link(&api, &g, json!({ "label": "C", "favourite": true })).await;
    let c = Client::new(server, &link).await;
    c.ok(
        server,
        "/order/lines",
        &[("photo", &pid), ("product", &digital_of(&shop).await), ("quantity", "1")],
    )
    .await;
    let key = value_of(&c.page(server, "/checkout").await, "key");
    let r = c.post(server, "/checkout", &[("key", &key), ("name", "Cy"), ("email", "cy@example.com")]).await;
    let order_path = r.headers()["location"].to_str().unwrap().to_string();
    let order = order_path.rsplit('/').next().unwrap().to_string();
    assert!(c.page(server, &order_path[link.len()..]).await.contains("id=\"pay-card\""), "a card button");

    // Paying by card: off to Stripe's page, for the server's amount whatever the form says.
    let r = c.post(server, &format!("/orders/{order}/pay"), &[("amount", "1")]).await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "https://checkout.stripe.com/c/pay/cs_test_1");
    {
        let a = asked.lock().unwrap();
        let form = &a.forms[0];
        let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!(field("line_items[0][price_data][unit_amount]"), Some("2500"));
        assert_eq!(field("line_items[0][price_data][currency]"), Some("eur"));
        assert_eq!(field("client_reference_id"), Some(order.as_str()));
        assert_eq!(a.auth[0], "Bearer sk_test_proofroom");
        assert!(a.idempotency[0].contains(&order), "one session per order and amount");
    }

    let event = |kind: &str, status: &str| {
        json!({ "id": "evt_1", "type": kind, "data": { "object": {
            "id": "cs_test_1", "payment_status": status, "client_reference_id": order,
            "amount_total": 2500, "currency": "eur" } } })
        .to_string()
    };
    let paid = event("checkout.session.completed", "paid");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let send = |body: String, header: String| {
        let url = server.url("/webhooks/stripe");
        async move {
            reqwest::Client::new()
                .post(url)
                .header("stripe-signature", header)
                .body(body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // Refused, and nothing recorded: the wrong secret, a stale time, a changed body.
    assert_eq!(send(paid.clone(), stripe_header(&paid, "whsec_wrong", now)).await, 400);
    assert_eq!(send(paid.clone(), stripe_header(&paid, secret, now - 3600)).await, 400);
    let tampered = paid.replace("2500", "250000");
    assert_eq!(send(tampered, stripe_header(&paid, secret, now)).await, 400);
    assert_eq!(api.get(&format!("/orders/{order}")).await.1["state"], "invoiced");

    // The real notice, then the same again, then a late "expired": one payment, paid.
    assert_eq!(send(paid.clone(), stripe_header(&paid, secret, now)).await, 200);
    assert_eq!(send(paid.clone(), stripe_header(&paid, secret, now + 5)).await, 200);
    let expired = event("checkout.session.expired", "unpaid");
    assert_eq!(send(expired.clone(), stripe_header(&expired, secret, now)).await, 200);
    let (_, o) = api.get(&format!("/orders/{order}")).await;
    assert_eq!(o["state"], "paid", "{o}");
    assert_eq!(o["payments"].as_array().unwrap().len(), 1, "counted once: {o}");
    assert_eq!(o["payments"][0]["method"], "card");
    // Paid now: no second checkout.
    c.refused(server, &format!("/orders/{order}/pay"), &[], 400, "nothing left to pay").await;

    // The photographer refunds it: the card payment goes back through Stripe, once.
    let page = get_text(&shop.admin, server.url(&format!("/admin/orders/{order}"))).await;
    assert!(page.contains("Refund gives card payments back through Stripe"), "{page}");
    shop.ok(&format!("/admin/orders/{order}/state"), &[("state", "refunded")]).await;
    {
        let a = asked.lock().unwrap();
        assert_eq!(a.refunds.len(), 1);
        let (form, key) = &a.refunds[0];
        let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        assert_eq!((field("payment_intent"), field("amount")), (Some("pi_test_1"), Some("2500")));
        assert!(key.contains(&order) && key.contains("cs_test_1"), "one refund per payment: {key}");
    }
    let (_, o) = api.get(&format!("/orders/{order}")).await;
    assert_eq!(o["state"], "refunded", "{o}");
    let page = get_text(&shop.admin, server.url(&format!("/admin/orders/{order}"))).await;
    assert!(page.contains("Refunded EUR 25.00 by card (re_test_1)"), "on the timeline");
    wait_for("the refund mail", std::time::Duration::from_secs(30), || async {
        outbox(server)
            .iter()
            .any(|m| m.contains("Your order was refunded") && m.contains("To: cy@example.com"))
    })
    .await;
    // Refunded once: again is refused, and Stripe is not asked again.
    let r = shop.post(&format!("/admin/orders/{order}/state"), &[("state", "refunded")]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(asked.lock().unwrap().refunds.len(), 1);
}

/// The compressed image of a JPEG: the bytes from its first start-of-scan marker on.
pub fn scan(jpeg: &[u8]) -> &[u8] {
    let at = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).expect("a JPEG scan");
    &jpeg[at..]
}

/// An EXIF text field of a JPEG, as written.
pub fn exif_text(jpeg: &[u8], tag: exif::Tag) -> Option<String> {
    let e = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(jpeg)).ok()?;
    match &e.get_field(tag, exif::In::PRIMARY)?.value {
        exif::Value::Ascii(v) => String::from_utf8(v.first()?.clone()).ok(),
        _ => None,
    }
}

/// A delivered file is the final (its image data byte for byte, not re-encoded) with the
/// studio's credit in its EXIF.
pub fn assert_delivered(got: &[u8], fin: &[u8], creator: &str, what: &str) {
    assert_eq!(scan(got), scan(fin), "{what}: the final's image data, not re-encoded");
    assert_eq!(exif_text(got, exif::Tag::Artist).as_deref(), Some(creator), "{what}: the creator");
    let year = time::OffsetDateTime::now_utc().year();
    assert_eq!(
        exif_text(got, exif::Tag::Copyright),
        Some(format!("© {year} {creator}")),
        "{what}: the copyright"
    );
}

#[tokio::test]
async fn the_photographer_changes_an_order_before_payment_and_a_new_invoice_replaces_the_old() {
    let shop = Shop::open().await;
    let server = &shop.server;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Edit", 2).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "E", "favourite": true })).await;
    let c = Client::new(server, &link).await;
    let digital = digital_of(&shop).await;
    c.ok(server, "/order/lines", &[("photo", &ids[0]), ("product", &shop.print), ("quantity", "2")]).await;
    c.ok(server, "/order/lines", &[("photo", &ids[1]), ("product", &digital), ("quantity", "1")]).await;
    c.ok(server, "/order/coupon", &[("code", "TEN")]).await;
    let checkout = c.page(server, "/checkout").await;
    let (key, post) = (value_of(&checkout, "key"), option_value(&checkout, "Post · EUR 4.90"));
    let fields = [
        ("key", key.as_str()),
        ("name", "Eve"),
        ("email", "eve@example.com"),
        ("address", "Eve\nRoad 2"),
        ("shipping", post.as_str()),
    ];
    let r = c.post(server, "/checkout", &fields).await;
    let order_path = r.headers()["location"].to_str().unwrap().to_string();
    let id = order_path.rsplit('/').next().unwrap().to_string();
    // 2 × 5.00 + 25.00 = 35.00, 10 % off = 31.50, post 4.90: 36.40.
    assert_eq!(api.get(&format!("/orders/{id}")).await.1["total"], 3640);

    // The print taken out: 25.00 less 10 %, nothing ships: 22.50, on invoice 00002.
    shop.ok(&format!("/admin/orders/{id}/lines/0/delete"), &[]).await;
    let (_, o) = api.get(&format!("/orders/{id}")).await;
    assert_eq!((o["total"].as_i64(), o["invoices"].clone()), (Some(2250), json!([1, 2])), "{o}");
    let invoice = get_text(&c.http, server.url(&format!("{order_path}/invoice"))).await;
    assert!(invoice.contains("Invoice 00002") && invoice.contains("Replaces invoice 00001"), "{invoice}");
    assert!(!invoice.contains("Print 10 x 15"));
    let old = get_text(&c.http, server.url(&format!("{order_path}/invoice?n=1"))).await;
    assert!(old.contains("Print 10 x 15") && old.contains("EUR 36.40"), "the old invoice is kept as issued");
    wait_for("the change mail", std::time::Duration::from_secs(30), || async {
        outbox(server).iter().any(|m| {
            m.contains("Your order 1 was changed") && m.contains("Invoice 00002 replaces invoice 00001")
        })
    })
    .await;

    // A discount in place of the coupon: 25.00 less 5.00.
    shop.ok(&format!("/admin/orders/{id}/discount"), &[("discount", "5")]).await;
    let (_, o) = api.get(&format!("/orders/{id}")).await;
    assert_eq!((o["total"].as_i64(), o["invoices"].as_array().unwrap().len()), (Some(2000), 3), "{o}");
    // The last line cannot go (cancel instead); a bad amount is refused; nothing changed.
    let r = shop.post(&format!("/admin/orders/{id}/lines/0/delete"), &[]).await;
    assert_eq!(r.status(), 400);
    let r = shop.post(&format!("/admin/orders/{id}/discount"), &[("discount", "-3")]).await;
    assert_eq!(r.status(), 400);
    assert_eq!(api.get(&format!("/orders/{id}")).await.1["total"], 2000);

    // A line added by the photographer: the first photo's file too, 25.00 + 25.00 less 5.00.
    let page = get_text(&shop.admin, server.url(&format!("/admin/orders/{id}"))).await;
    assert!(page.contains("id=\"add-line\""), "the order page offers to add a line");
    let line = |product: &str, photo: &str, n: &str| {
        [("product", product.to_string()), ("photo", photo.to_string()), ("quantity", n.to_string())]
    };
    let (_, elsewhere) = gallery_with_photos(&api, "Elsewhere", 1).await;
    let foreign = elsewhere[0]["id"].as_str().unwrap();
    for (fields, words) in [
        (line(&digital, "", "1"), "choose one"),
        (line(&digital, foreign, "1"), "photo of this gallery"),
        (line(&digital, &ids[0], "0"), "quantity"),
        (line(NO_ID, &ids[0], "1"), "price list"),
    ] {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = shop.post(&format!("/admin/orders/{id}/lines"), &refs).await;
        assert_eq!(r.status(), 400, "{fields:?}");
        assert!(r.text().await.unwrap().contains(words), "{fields:?}: {words}");
    }
    assert_eq!(api.get(&format!("/orders/{id}")).await.1["total"], 2000, "nothing changed");
    shop.ok(
        &format!("/admin/orders/{id}/lines"),
        &[("product", &digital), ("photo", &ids[0]), ("quantity", "1")],
    )
    .await;
    let (_, o) = api.get(&format!("/orders/{id}")).await;
    assert_eq!((o["total"].as_i64(), o["invoices"].as_array().unwrap().len()), (Some(4500), 4), "{o}");

    // Paid: both files are the client's, and no more changes.
    shop.ok(&format!("/admin/orders/{id}/payments"), &[("amount", "45")]).await;
    let files = get_text(&c.http, server.url(&format!("{order_path}/files"))).await;
    assert!(files.contains("IMG_0000.jpg") && files.contains("IMG_0001.jpg"), "{files}");
    let r = shop.post(&format!("/admin/orders/{id}/discount"), &[("discount", "1")]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("only before it is paid"));
}

/// A gallery chooses a price list of its own: the sets inside it follow, other galleries
/// keep the studio's default, and a product of another list is refused in its cart. A
/// coupon made for the gallery works in its sets and nowhere else.
#[tokio::test]
async fn a_gallery_orders_from_its_own_price_list_and_its_sets_follow() {
    let shop = Shop::open().await;
    let server = &shop.server;
    let api = server.api();
    let r = shop.post("/admin/prices/lists", &[("name", "Weddings")]).await;
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let list =
        at.split("list=").nth(1).and_then(|l| l.split('#').next()).expect("the new list's page").to_string();
    shop.ok(
        "/admin/prices/products",
        &[("name", "Wedding file"), ("kind", "digital"), ("price", "40"), ("list", &list)],
    )
    .await;
    let page = get_text(&shop.admin, server.url(&format!("/admin/prices?list={list}"))).await;
    assert!(page.contains("Products in “Weddings”") && page.contains("Wedding file"), "{page}");
    let default_page = get_text(&shop.admin, server.url("/admin/prices")).await;
    assert!(!default_page.contains("Wedding file"), "the default list is unchanged");
    let wedding_file = option_value(&page, "Wedding file");
    // A package of the list may only deliver the list's own digital product.
    let digital = option_value(&default_page, "Digital");
    let r = shop
        .post(
            "/admin/prices/packages",
            &[("name", "X"), ("price", "1"), ("images", "1"), ("digital", &digital), ("list", &list)],
        )
        .await;
    assert_eq!(r.status(), 400, "another list's product");

    // The wedding chooses the list; its set "Ceremony" is moved inside it and follows.
    let wedding = api.create_gallery("Wedding").await;
    let (set, photos) = gallery_with_photos(&api, "Ceremony", 1).await;
    let (other, other_photos) = gallery_with_photos(&api, "Portraits", 1).await;
    shop.ok(&format!("/admin/galleries/{wedding}/edit"), &[("title", "Wedding"), ("price_list", &list)])
        .await;
    shop.ok(&format!("/admin/galleries/{set}/edit"), &[("title", "Ceremony"), ("parent", &wedding)]).await;
    let settings = get_text(&shop.admin, server.url(&format!("/admin/galleries/{set}"))).await;
    assert!(settings.contains("As the gallery it is inside"), "the set follows: {settings}");

    let link = share_link(&api, &set, json!({ "label": "Set", "favourite": true })).await;
    let c = Client::new(server, &link).await;
    let guide = c.page(server, "/prices").await;
    assert!(guide.contains("Wedding file") && guide.contains("EUR 40.00"), "{guide}");
    assert!(!guide.contains("Single"), "the default's package is not in this list: {guide}");
    let pid = photos[0]["id"].as_str().unwrap();
    let default_print = shop.print.as_str();
    c.refused(
        server,
        "/order/lines",
        &[("photo", pid), ("product", default_print), ("quantity", "1")],
        404,
        "not offered",
    )
    .await;
    c.ok(server, "/order/lines", &[("photo", pid), ("product", &wedding_file), ("quantity", "1")]).await;
    assert!(c.page(server, "/order").await.contains("EUR 40.00"));

    // A coupon for the wedding: it works in the set inside, not in another gallery.
    shop.ok("/admin/prices/coupons", &[("code", "family"), ("discount", "5"), ("gallery", &wedding)]).await;
    let prices = get_text(&shop.admin, server.url("/admin/prices")).await;
    assert!(prices.contains("only in Wedding"), "{prices}");
    c.ok(server, "/order/coupon", &[("code", "FAMILY")]).await;
    assert!(c.page(server, "/order").await.contains("EUR 35.00"), "40.00 less 5.00");

    // Portraits keeps the default list, and the wedding's coupon does not work there.
    let link = share_link(&api, &other, json!({ "label": "Other", "favourite": true })).await;
    let o = Client::new(server, &link).await;
    let guide = o.page(server, "/prices").await;
    assert!(guide.contains("Single") && !guide.contains("Wedding file"), "{guide}");
    // The print's photo, upright and at most 1200 px: a sideways 1500 × 1000 becomes 800 × 1200.
    let src = guide.split("class=\"product-photo\" src=\"").nth(1).and_then(|s| s.split('"').next());
    let photo = o.http.get(server.url(src.expect("the print's photo in the guide"))).send().await.unwrap();
    assert_eq!(photo.headers()["content-type"], "image/jpeg");
    assert_eq!(dims(&photo.bytes().await.unwrap()), (800, 1200));
    // Not a photo: refused, and the photo stays.
    let at = format!("/admin/prices/products/{}/photo", shop.print);
    let junk = Some(b"GIF89a not really".to_vec());
    assert_eq!(crate::watermark::post_multipart(&shop.admin, server, &at, &shop.csrf, &[], junk).await, 415);
    assert!(o.page(server, "/prices").await.contains("product-photo"));
    let opid = other_photos[0]["id"].as_str().unwrap();
    o.refused(
        server,
        "/order/lines",
        &[("photo", opid), ("product", &wedding_file), ("quantity", "1")],
        404,
        "not offered",
    )
    .await;
    o.ok(server, "/order/lines", &[("photo", opid), ("product", default_print), ("quantity", "1")]).await;
    o.refused(server, "/order/coupon", &[("code", "family")], 400, "another gallery").await;

    // Removing the list sends the wedding back to the default.
    shop.ok(&format!("/admin/prices/lists/{list}/delete"), &[]).await;
    let guide = c.page(server, "/prices").await;
    assert!(guide.contains("Single") && !guide.contains("Wedding file"), "{guide}");
}

/// A digital file bought in a smaller size is delivered at that size (upright, a JPEG, with
/// the credit); one bought at full size is the final itself; a photo bought in both sizes
/// gets the larger.
#[tokio::test]
async fn digitals_are_delivered_in_the_size_bought() {
    let shop = Shop::open().await;
    let server = &shop.server;
    shop.ok(
        "/admin/prices/products",
        &[("name", "Web"), ("kind", "digital"), ("long_edge", "100"), ("price", "5")],
    )
    .await;
    let prices = get_text(&shop.admin, server.url("/admin/prices")).await;
    let (web, full) = (option_value(&prices, "Web"), option_value(&prices, "Digital"));
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Sizes", 3).await;
    let ids: Vec<String> = photos.iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
    let link = share_link(&api, &g, json!({ "label": "S", "favourite": true })).await;
    let c = Client::new(server, &link).await;
    for (photo, product) in [(&ids[0], &web), (&ids[1], &full), (&ids[2], &web), (&ids[2], &full)] {
        c.ok(server, "/order/lines", &[("photo", photo), ("product", product), ("quantity", "1")]).await;
    }
    let key = value_of(&c.page(server, "/checkout").await, "key");
    let r = c.post(server, "/checkout", &[("key", &key), ("name", "S"), ("email", "s@example.com")]).await;
    assert_eq!(r.status(), 303);
    let order_url = r.headers()["location"].to_str().unwrap().to_string();
    let order_id = order_url.rsplit('/').next().unwrap().to_string();
    shop.ok(&format!("/admin/orders/{order_id}/payments"), &[("amount", "60"), ("method", "cash")]).await;
    // Finals of 400 × 300, the first one stored sideways (EXIF orientation 6).
    let finals: Vec<(String, Vec<u8>)> = (0..3)
        .map(|i| (format!("IMG_{i:04}.jpg"), jpeg_with_orientation(400, 300, if i == 0 { 6 } else { 1 })))
        .collect();
    assert_eq!(api.upload(&g, finals.clone(), true).await.0, 200);
    wait_for("the delivery", std::time::Duration::from_secs(30), || async {
        get_text(&c.http, server.url(&format!("{order_url}/files"))).await.contains("All 3 photos are ready")
    })
    .await;
    let page = get_text(&c.http, server.url(&format!("{order_url}/files"))).await;
    assert!(page.contains("100 px on the long side") && page.contains("full size"), "{page}");

    let zip = c.http.get(server.url(&format!("{order_url}/zip"))).send().await.unwrap();
    let (dir, mut names) = crate::zip::unzip(&zip.bytes().await.unwrap());
    names.sort();
    assert_eq!(names, vec!["IMG_0000.jpg", "IMG_0001.jpg", "IMG_0002.jpg"]);
    let read = |n: &str| std::fs::read(dir.path().join("x").join(n)).unwrap();
    let small = read("IMG_0000.jpg");
    assert_eq!(dims(&small), (75, 100), "100 px on the long side, turned upright");
    assert_eq!(exif_text(&small, exif::Tag::Artist).as_deref(), Some("proofroom"), "with the credit");
    assert_delivered(&read("IMG_0001.jpg"), &finals[1].1, "proofroom", "full size");
    assert_delivered(&read("IMG_0002.jpg"), &finals[2].1, "proofroom", "bought in both sizes");
    // The single download is the same smaller file.
    let one = c.http.get(server.url(&format!("{order_url}/files/{}", ids[0]))).send().await.unwrap();
    assert_eq!(one.bytes().await.unwrap().to_vec(), small);
}

/// Ten years of orders do not make the orders page longer: what needs doing first, then
/// every order a page at a time; the API lists them by cursor; a gallery counts its own.
#[tokio::test]
async fn orders_are_listed_a_page_at_a_time_with_what_needs_doing_first() {
    let env = [("PROOFROOM_NOTIFY_EMAIL", "photographer@example.com"), ("PROOFROOM_TEST_CLOCK", "1")];
    let mut shop = Shop::on(Server::start_with(&env).await).await;
    let server = &shop.server;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Ann", 1).await;
    let (other, _) = gallery_with_photos(&api, "Bea", 1).await;
    let id = photos[0]["id"].as_str().unwrap().to_string();
    let link = share_link(&api, &g, json!({ "label": "Ann", "favourite": true })).await;
    let ann = Client::new(server, &link).await;
    async fn place(ann: &Client, server: &Server, photo: &str, print: &str) -> String {
        ann.ok(server, "/order/lines", &[("photo", photo), ("product", print), ("quantity", "1")]).await;
        let checkout = ann.page(server, "/checkout").await;
        let fields = [
            ("key", value_of(&checkout, "key")),
            ("name", "Ann".into()),
            ("email", "ann@example.com".into()),
            ("address", "Hauptstr. 2\n10115 Berlin".into()),
            ("shipping", option_value(&checkout, "Post · EUR 4.90")),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let r = ann.post(server, "/checkout", &fields).await;
        assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
        r.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().to_string()
    }
    let mut orders = Vec::new();
    for _ in 0..3 {
        orders.push(place(&ann, server, &id, &shop.print).await);
    }
    // The first is called off: it leaves "to do" but stays among every order.
    shop.ok(&format!("/admin/orders/{}/state", orders[0]), &[("state", "cancelled")]).await;

    let page = get_text(&shop.admin, server.url("/admin/orders")).await;
    let table = |page: &str, id: &str| -> String {
        let Some(at) = page.find(&format!("id=\"{id}\"")) else { return String::new() };
        page[at..].split("</table>").next().unwrap().to_string()
    };
    let (todo, every) = (table(&page, "open"), table(&page, "orders"));
    assert!(todo.contains(&orders[2]) && todo.contains(&orders[1]) && !todo.contains(&orders[0]), "{todo}");
    assert!(orders.iter().all(|o| every.contains(o.as_str())), "{every}");
    assert!(
        page.contains("<strong>2</strong> waiting for payment") && page.contains("2 open · 3 in all"),
        "{page}"
    );
    assert!(page.contains("id=\"months\"") && !page.contains("Older orders"), "{page}");
    // Oldest first while both wait on the client; once the newer one is paid, the photographer
    // has to ship it, and it comes first.
    let at = |todo: &str, o: &str| todo.find(o).unwrap();
    assert!(at(&todo, &orders[1]) < at(&todo, &orders[2]), "{todo}");
    let order_page = get_text(&shop.admin, server.url(&format!("/admin/orders/{}", orders[2]))).await;
    let balance = order_page.split("name=\"amount\"").nth(1).unwrap().split("value=\"").nth(1).unwrap();
    let balance = balance.split('"').next().unwrap();
    shop.ok(&format!("/admin/orders/{}/payments", orders[2]), &[("amount", balance), ("method", "cash")])
        .await;
    let page = get_text(&shop.admin, server.url("/admin/orders")).await;
    let todo = table(&page, "open");
    assert!(at(&todo, &orders[2]) < at(&todo, &orders[1]), "{todo}");
    assert!(todo.contains("produce and ship") && !page.contains("id=\"more-open\""), "{todo}");
    // A later page: the orders before the one named, and the way back.
    let older = get_text(&shop.admin, server.url(&format!("/admin/orders?before={}", orders[1]))).await;
    let every = table(&older, "orders");
    assert!(
        every.contains(&orders[0]) && !every.contains(&orders[1]) && !every.contains(&orders[2]),
        "{older}"
    );
    assert!(!older.contains("id=\"needs\"") && older.contains("← Newest"), "{older}");
    let r = shop.admin.get(server.url("/admin/orders?before=nonsense")).send().await.unwrap();
    assert_eq!(r.status(), 400);

    // The API, two at a time, newest first.
    let (status, first) = api.get("/orders?limit=2").await;
    assert_eq!(status, 200, "{first}");
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["orders"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(ids(&first), [orders[2].clone(), orders[1].clone()]);
    let next = first["next"].as_str().expect("a next page").to_string();
    let (_, second) = api.get(&format!("/orders?limit=2&cursor={next}")).await;
    assert_eq!(ids(&second), [orders[0].clone()]);
    assert!(second["next"].is_null(), "{second}");
    assert_eq!(api.get("/orders?cursor=nonsense").await.0, 400);

    // Each gallery's page counts its own orders.
    let count = |page: String| {
        page.split("id=\"stat-orders\">").nth(1).unwrap().split('<').next().unwrap().to_string()
    };
    assert_eq!(
        count(get_text(&shop.admin, server.url(&format!("/admin/galleries/{g}/activity"))).await),
        "3"
    );
    assert_eq!(
        count(get_text(&shop.admin, server.url(&format!("/admin/galleries/{other}/activity"))).await),
        "0"
    );

    // Thirteen months on, the year's money holds only that month's order: the window is
    // read by id, so ids must carry the same clock as the times shown.
    let months = |page: &str| table(page, "months").matches("<tr>").count().saturating_sub(1);
    assert_eq!(months(&get_text(&shop.admin, server.url("/admin/orders")).await), 1);
    move_clock(server, 400 * 86_400_000);
    let later = place(&Client::new(server, &link).await, server, &id, &shop.print).await;
    shop.admin = admin_client(server).await;
    let page = get_text(&shop.admin, server.url("/admin/orders")).await;
    let month = &proofroom::domain::day_of(proofroom::domain::now_ms() + 400 * 86_400_000)[..7];
    assert_eq!(months(&page), 1, "{page}");
    assert!(table(&page, "months").contains(month) && table(&page, "open").contains(&later), "{page}");
}
