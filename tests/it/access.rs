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

#[tokio::test]
async fn every_route_answers_every_visitor_as_it_should() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Matrix").await;
    api.upload(&g, vec![("a.jpg".into(), jpeg_with_orientation(64, 48, 1))], false).await;
    let p = api.wait_processed(&g, 1).await[0].clone();
    let pid = p["id"].as_str().unwrap().to_string();
    let thumb = p["thumb_url"].as_str().unwrap().to_string();
    let bad_media = format!("{}0", &thumb[..thumb.len() - 1]);
    let admin = admin_client(&server).await;
    let page = admin.get(server.url("/admin")).send().await.unwrap().text().await.unwrap();
    let csrf = hidden_field(&page, "csrf");

    // 303 = sent to the login page; 401 = refused (JSON); 403 = CSRF or signature refused.
    let rows: Vec<Row> = vec![
        ("GET", "/", "/".into(), [303; 5]),
        ("GET", "/healthz", "/healthz".into(), [200; 5]),
        ("GET", "/assets/:name", "/assets/app.css".into(), [200; 5]),
        ("GET", "/media/:kind/:hash/:exp/:sig", thumb.clone(), [200; 5]),
        ("GET", "/media/:kind/:hash/:exp/:sig", bad_media, [403; 5]),
        ("GET", "/admin", "/admin".into(), [303, 303, 303, 200, 200]),
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
                ("POST", "/api/v1/galleries") | ("PUT", _) => {
                    req.json(&serde_json::json!({ "title": "", "state": "gold" }))
                }
                ("POST", _) => {
                    let token = if matches!(visitor, Admin) { csrf.as_str() } else { "" };
                    req.form(&[
                        ("csrf", token),
                        ("title", ""),
                        ("state", "gold"),
                        ("parent", ""),
                        ("name", ""),
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
