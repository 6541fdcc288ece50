//! Presets: a gallery made from each built-in preset has exactly that preset's settings (a
//! table written out by hand), "copy the settings of gallery X" copies them all, and a
//! studio preset saved from a gallery makes the same gallery again.

use serde_json::{Value, json};

use crate::support::*;

/// Creates a gallery through the dashboard's form, starting from `settings`; returns its id.
async fn create(server: &Server, admin: &reqwest::Client, title: &str, settings: &str) -> String {
    let page = get_text(admin, server.url("/admin")).await;
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(
        admin,
        server.url("/admin/galleries"),
        &[("csrf", &csrf), ("title", title), ("parent", ""), ("settings", settings)],
    )
    .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    to.rsplit('/').next().unwrap().to_string()
}

async fn settings(server: &Server, admin: &reqwest::Client, g: &str) -> Value {
    let r = admin.get(server.url(&format!("/admin/galleries/{g}/settings.json"))).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let mut v: Value = r.json().await.unwrap();
    v["name"] = Value::Null;
    v
}

/// The messages a timing table turns on (`None`: the studio's timings).
fn on(v: &Value) -> Option<Vec<String>> {
    let t = v["timings"].as_object()?;
    let mut on: Vec<String> = t.iter().filter(|(_, t)| t["on"] == true).map(|(k, _)| k.clone()).collect();
    on.sort();
    Some(on)
}

#[tokio::test]
async fn a_gallery_from_each_preset_has_exactly_its_settings() {
    let server = Server::start().await;
    let admin = admin_client(&server).await;
    // name, hidden, watermark, [favourite, comment, download proofs, download finals],
    // e-mail only, closes after days, archive keeps finals, messages on (None: the studio's).
    type Row =
        (&'static str, bool, bool, [bool; 4], bool, Option<u64>, bool, Option<&'static [&'static str]>);
    let table: [Row; 4] = [
        (
            "Proofing",
            false,
            true,
            [true, true, false, false],
            true,
            Some(60),
            false,
            Some(&[
                "deadline",
                "expiry-1",
                "expiry-7",
                "invitation",
                "not-opened",
                "selection-open",
                "what-next",
            ]),
        ),
        ("Proof → retouch → deliver", false, true, [true, true, false, true], true, Some(120), true, None),
        (
            "Delivery only",
            false,
            false,
            [false, false, true, true],
            false,
            Some(30),
            true,
            Some(&["expiry-1", "expiry-7", "invitation", "not-opened", "thank-you"]),
        ),
        ("Archive", true, false, [false, false, false, true], true, None, true, Some(&["anniversary"])),
    ];
    for (name, hidden, watermark, perms, email_only, days, finals, messages) in table {
        let g = create(&server, &admin, &format!("From {name}"), &format!("preset:{name}")).await;
        let s = settings(&server, &admin, &g).await;
        let p = &s["link"]["permissions"];
        let got = (
            s["hidden"] == hidden,
            s["watermark"] == watermark,
            [
                p["favourite"] == perms[0],
                p["comment"] == perms[1],
                p["download_proofs"] == perms[2],
                p["download_finals"] == perms[3],
            ],
            s["link"]["email_only"] == email_only,
            s["expires_days"].as_u64() == days,
            s["archive_finals"] == finals,
            on(&s) == messages.map(|m| m.iter().map(|x| x.to_string()).collect()),
        );
        assert_eq!(got, (true, true, [true; 4], true, true, true, true), "{name}: {s}");
        assert_eq!(s["proofing"], json!({ "min": null, "max": null, "guide": null, "lists": [] }), "{name}");
        // The share form starts from the preset's link settings.
        let page = get_text(&admin, server.url(&format!("/admin/galleries/{g}"))).await;
        let email_box = page.split("id=\"share-email-only\"").nth(1).unwrap().split('>').next().unwrap();
        assert_eq!(email_box.contains("checked"), email_only, "{name}: {email_box}");
    }

    // A bad choice is refused and makes no gallery.
    let before = get_text(&admin, server.url("/admin")).await.matches("class=\"gallery-row\"").count();
    let page = get_text(&admin, server.url("/admin")).await;
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(
        &admin,
        server.url("/admin/galleries"),
        &[("csrf", &csrf), ("title", "Nope"), ("parent", ""), ("settings", "preset:Nope")],
    )
    .await;
    assert_eq!(r.status(), 400);
    let after = get_text(&admin, server.url("/admin")).await.matches("class=\"gallery-row\"").count();
    assert_eq!(before, after);
}

#[tokio::test]
async fn settings_copy_from_a_gallery_and_save_as_the_studios_preset() {
    let server = Server::start().await;
    let admin = admin_client(&server).await;
    let api = server.api();
    let source = create(&server, &admin, "Source", "preset:Delivery only").await;
    // Its own rules on top of the preset.
    let page = get_text(&admin, server.url(&format!("/admin/galleries/{source}"))).await;
    let csrf = hidden_field(&page, "csrf");
    let r = post_form(
        &admin,
        server.url(&format!("/admin/galleries/{source}/proofing")),
        &[("csrf", &csrf), ("min", "5"), ("max", "20"), ("guide", "Choose your five"), ("lists", "Album")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let want = settings(&server, &admin, &source).await;
    assert_eq!(want["proofing"]["min"], 5, "{want}");

    // A new gallery copying it.
    let copy = create(&server, &admin, "Copy", &format!("gallery:{source}")).await;
    assert_eq!(settings(&server, &admin, &copy).await, want);
    // An existing gallery taking them.
    let (other, _) = gallery_with_photos(&api, "Other", 1).await;
    assert_ne!(settings(&server, &admin, &other).await, want);
    let r = post_form(
        &admin,
        server.url(&format!("/admin/galleries/{other}/settings")),
        &[("csrf", &csrf), ("settings", &format!("gallery:{source}"))],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(settings(&server, &admin, &other).await, want);

    // Saved as the studio's preset, it makes the same gallery again; a built-in name is refused.
    let url = server.url(&format!("/admin/galleries/{source}/preset"));
    let r = post_form(&admin, url.clone(), &[("csrf", &csrf), ("name", "Archive")]).await;
    assert_eq!(r.status(), 400);
    let r = post_form(&admin, url, &[("csrf", &csrf), ("name", "Weddings")]).await;
    assert_eq!(r.status(), 303);
    let offered = get_text(&admin, server.url("/admin/pick?for=settings")).await;
    assert!(offered.contains("\"preset:Weddings\""), "offered when creating: {offered}");
    let made = create(&server, &admin, "Made", "preset:Weddings").await;
    assert_eq!(settings(&server, &admin, &made).await, want);
    // Removed, it is no longer offered.
    let r = post_form(&admin, server.url("/admin/presets/delete"), &[("csrf", &csrf), ("name", "Weddings")])
        .await;
    assert_eq!(r.status(), 303);
    assert!(!get_text(&admin, server.url("/admin/pick?for=settings")).await.contains("preset:Weddings"));
}
