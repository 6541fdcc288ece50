//! The studio's prices: currency and tax, products and packages set on the prices page, and
//! the pricing guide clients read from the cover.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn the_photographer_prices_products_and_packages_and_clients_read_the_guide() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Anna & Tom", 2).await;
    let link = share_link(&api, &g, json!({ "label": "Anna", "favourite": true })).await;
    let c = browser_client();
    assert!(!get_text(&c, server.url(&link)).await.contains("/prices\""), "nothing sold, no guide");

    let admin = admin_client(&server).await;
    let page = get_text(&admin, server.url("/admin/prices")).await;
    let csrf = meta_csrf(&page);
    let post = |path: &str, fields: Vec<(&str, &str)>| {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let (admin, url) = (admin.clone(), server.url(path));
        let owned: Vec<(String, String)> = all.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        async move {
            let fields: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            post_form(&admin, url, &fields).await
        }
    };
    let ok = |r: reqwest::Response| {
        assert_eq!(r.status(), 303, "{}", r.url());
    };
    ok(post("/admin/prices/terms", vec![("currency", "eur"), ("tax", "19"), ("inclusive", "on")]).await);
    let digital =
        [("name", "Digital, full size"), ("kind", "digital"), ("price", "25"), ("proofs_only", "on")];
    ok(post("/admin/prices/products", digital.to_vec()).await);
    ok(post(
        "/admin/prices/products",
        vec![("name", "Print 16×20"), ("kind", "print"), ("size", "16x20in"), ("price", "40,00")],
    )
    .await);
    ok(post(
        "/admin/prices/products",
        vec![("name", "Canvas"), ("kind", "wall-art"), ("size", "40 x 50"), ("price", "1.234,50")],
    )
    .await);

    // Bad input is refused with the reason and changes nothing.
    let before = get_text(&admin, server.url("/admin/prices")).await;
    for (fields, why) in [
        (vec![("name", "X"), ("kind", "digital"), ("price", "-5")], "amount"),
        (vec![("name", "X"), ("kind", "print"), ("size", "big"), ("price", "5")], "size"),
        (vec![("name", "X"), ("kind", "rocket"), ("price", "5")], "kind of product"),
        (vec![("name", ""), ("kind", "album"), ("price", "5")], "name"),
        (vec![("name", "X"), ("kind", "album"), ("price", "99999999999")], "too large"),
    ] {
        let r = post("/admin/prices/products", fields).await;
        assert_eq!(r.status(), 400);
        let text = r.text().await.unwrap();
        assert!(text.contains(why), "{why}: {text}");
    }
    let r = post("/admin/prices/terms", vec![("currency", "euro"), ("tax", "19")]).await;
    assert_eq!(r.status(), 400);
    let r = post("/admin/prices/terms", vec![("currency", "EUR"), ("tax", "120")]).await;
    assert_eq!(r.status(), 400);
    let after = get_text(&admin, server.url("/admin/prices")).await;
    assert_eq!(after.matches("<tr>").count(), before.matches("<tr>").count(), "nothing was added");
    assert!(after.contains("value=\"19\""), "the tax is still 19 %");

    // A package: ten digitals delivered as the full-size file, with the canvas.
    let (d_id, canvas_id) = (option_value(&after, "Digital, full size"), option_value(&after, "Canvas"));
    let pkg = vec![
        ("name", "Collection"),
        ("price", "450"),
        ("images", "10"),
        ("digital", d_id.as_str()),
        ("includes", canvas_id.as_str()),
        ("extra_image", "35"),
    ];
    ok(post("/admin/prices/packages", pkg.clone()).await);
    // A package's images must be a digital product.
    let mut wrong = pkg.clone();
    wrong[3] = ("digital", canvas_id.as_str());
    assert_eq!(post("/admin/prices/packages", wrong).await.status(), 400);
    // A product a package uses stays until the package goes.
    let r = post(&format!("/admin/prices/products/{canvas_id}/delete"), vec![]).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Collection"));

    // The client's cover links the guide; the guide shows it all in the studio's currency.
    let cover = get_text(&c, server.url(&link)).await;
    assert!(cover.contains(&format!("href=\"{link}/prices\"")), "the cover links the guide");
    let guide = get_text(&c, server.url(&format!("{link}/prices"))).await;
    for want in [
        "Prices and packages",
        "Collection",
        "EUR 450.00",
        "10 digital images + 1 × Canvas",
        "Each image beyond 10: EUR 35.00",
        "Digital, full size",
        "EUR 25.00",
        "Print, 40.6 × 50.8 cm",
        "EUR 40.00",
        "EUR 1,234.50",
        "Prices include 19 % tax.",
        "for proofs; your finals are yours to download",
    ] {
        assert!(guide.contains(want), "{want} missing from the guide");
    }
    assert!(!guide.contains("csrf"), "a page for looking");

    // Removing the package, then the canvas.
    let page = get_text(&admin, server.url("/admin/prices")).await;
    let pkg_id = page.split("/admin/prices/packages/").nth(1).unwrap().split('/').next().unwrap().to_string();
    ok(post(&format!("/admin/prices/packages/{pkg_id}/delete"), vec![]).await);
    ok(post(&format!("/admin/prices/products/{canvas_id}/delete"), vec![]).await);
    let guide = get_text(&c, server.url(&format!("{link}/prices"))).await;
    assert!(!guide.contains("Collection") && !guide.contains("Canvas"));
    assert_eq!(post("/admin/prices/packages/01ARZ3NDEKTSV4RRFFQ69G5FAV/delete", vec![]).await.status(), 404);
}
