//! A studio's whole archive: lists come a page at a time, in the order of recent activity,
//! with counts kept by the writes (not recounted), searches find galleries by title, client
//! and day, and the "move to" picker suggests a few galleries instead of listing them all.

use std::collections::HashSet;

use serde_json::json;

use crate::support::*;

/// The ids of the gallery rows of a dashboard page, in order.
fn rows(page: &str) -> Vec<String> {
    page.split("class=\"gallery-row\"")
        .skip(1)
        .filter_map(|r| r.split("href=\"/admin/galleries/").nth(1))
        .map(|r| r.split('"').next().unwrap_or_default().to_string())
        .collect()
}

/// The "Older galleries" link of a dashboard page, if any.
fn next_link(page: &str) -> Option<String> {
    let at = page.find("id=\"next-page\"")?;
    let href = page[at..].split("href=\"").nth(1)?.split('"').next()?;
    Some(href.replace("&amp;", "&"))
}

#[tokio::test]
async fn a_large_studio_is_listed_a_page_at_a_time_and_searched() {
    let server = Server::start().await;
    let api = server.api();
    let admin = admin_client(&server).await;
    let mut ids = Vec::new();
    for i in 0..120 {
        ids.push(api.create_gallery(&format!("Session {i:03}")).await);
    }
    // A nested gallery, a client's link, and photos in the oldest gallery (which makes it
    // the most recently active).
    let (status, child) = api.post_json("/galleries", json!({ "title": "Ceremony", "parent": ids[5] })).await;
    assert_eq!(status, 200);
    let child = child["id"].as_str().unwrap().to_string();
    share_link(&api, &ids[7], json!({ "label": "Anna Smithson" })).await;
    let (status, uploaded) = api
        .upload(
            &ids[0],
            vec![
                ("a.jpg".into(), jpeg_with_orientation(64, 48, 1)),
                ("b.jpg".into(), jpeg_with_orientation(48, 64, 1)),
            ],
            false,
        )
        .await;
    assert_eq!(status, 200, "{uploaded}");
    let photos = api.wait_processed(&ids[0], 2).await;
    api.mark_final(photos[0]["id"].as_str().unwrap()).await;

    // The API walks every gallery once, in creation order, through its cursor.
    let (mut seen, mut cursor, mut pages) = (Vec::new(), String::new(), 0);
    loop {
        let (status, page) = api.get(&format!("/galleries?limit=50&cursor={cursor}")).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        seen.extend(
            page["galleries"].as_array().unwrap().iter().map(|g| g["id"].as_str().unwrap().to_string()),
        );
        match page["next"].as_str() {
            Some(n) => cursor = n.to_string(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut all = ids.clone();
    all.push(child.clone());
    all.sort();
    // Ids are ULIDs: in id order is in creation order (to the millisecond).
    assert_eq!(seen, all, "every gallery once, in id order");
    assert_eq!(api.get("/galleries?cursor=nonsense").await.0, 400);
    assert_eq!(api.get("/galleries?limit=0").await.1["galleries"].as_array().unwrap().len(), 1);

    // The dashboard: 30 rows a page, the most recently active first, every gallery once.
    let first = get_text(&admin, server.url("/admin")).await;
    assert!(first.contains("121 galleries · 2 photos"), "totals for the whole studio");
    let first_rows = rows(&first);
    assert_eq!(first_rows.len(), 30);
    assert_eq!(first_rows[0], ids[0], "the gallery with new photos comes first");
    assert!(first.contains("2 photos (1 final)"), "counts kept by the uploads and the state change");
    let mut listed: Vec<String> = first_rows;
    let mut link = next_link(&first);
    while let Some(l) = link {
        let page = get_text(&admin, server.url(&l)).await;
        listed.extend(rows(&page));
        link = next_link(&page);
    }
    assert_eq!(listed.len(), 121);
    assert_eq!(listed.iter().collect::<HashSet<_>>().len(), 121, "no gallery twice across pages");
    assert!(first.contains("in Session 005"), "a nested gallery says where it is");
    // No page carries a drop-down of every gallery any more.
    assert!(first.matches("<option").count() < 10, "no 121-line select on the dashboard");
    let gallery_page = get_text(&admin, server.url(&format!("/admin/galleries/{}", ids[3]))).await;
    assert!(gallery_page.matches("<option").count() < 10, "no 121-line select on a gallery page");

    // Search: by title, by the client's name on a link, by the day it was made.
    let found = rows(&get_text(&admin, server.url("/admin?q=session%20011")).await);
    assert_eq!(found, [ids[11].clone()]);
    let found = rows(&get_text(&admin, server.url("/admin?q=smithson")).await);
    assert_eq!(found, [ids[7].clone()]);
    let csrf = hidden_field(&first, "csrf");
    let edit = server.url(&format!("/admin/galleries/{}/edit", ids[9]));
    let fields =
        [("csrf", csrf.as_str()), ("title", "Session 009"), ("parent", ""), ("event_date", "2025-06-14")];
    assert_eq!(post_form(&admin, edit, &fields).await.status(), 303);
    let found = rows(&get_text(&admin, server.url("/admin?q=2025-06")).await);
    assert_eq!(found, [ids[9].clone()], "the day of the shoot");
    let none = get_text(&admin, server.url("/admin?q=no%20such%20thing")).await;
    assert!(rows(&none).is_empty() && none.contains("No gallery matches"));
    let drafts = get_text(&admin, server.url("/admin?state=live")).await;
    assert_eq!(rows(&drafts).len(), 30, "a state filter pages too");
    assert!(next_link(&drafts).unwrap().contains("state=live"));

    // The picker: a few suggestions, never the gallery itself nor what is inside it.
    let pick = |q: &str| {
        let (admin, url) =
            (admin.clone(), server.url(&format!("/admin/pick?for=parent&not={}&q={q}", ids[5])));
        async move {
            let r = admin.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200);
            let v: serde_json::Value = r.json().await.unwrap();
            v.as_array().unwrap().iter().map(|p| p["value"].as_str().unwrap().to_string()).collect::<Vec<_>>()
        }
    };
    let recent = pick("").await;
    assert_eq!(recent.len(), 20, "twenty suggestions, not 121");
    assert_eq!(recent[0], ids[0]);
    assert!(pick("Session 005").await.is_empty(), "not the gallery itself");
    assert!(pick("Ceremony").await.is_empty(), "nor a gallery inside it");
    assert_eq!(pick("Session 006").await, [ids[6].clone()]);
    let r = admin.get(server.url("/admin/pick?for=settings&q=deliv")).send().await.unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v[0]["value"], "preset:Proof → retouch → deliver", "presets are offered for settings: {v}");
}

/// The samples of a scrape, parsed by a Prometheus text-format parser (not by hand).
async fn scrape(server: &Server, token: &str) -> Vec<prometheus_parse::Sample> {
    let r = reqwest::Client::new().get(server.url("/metrics")).bearer_auth(token).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = r.text().await.unwrap();
    let lines = text.lines().map(|l| Ok(l.to_string()));
    prometheus_parse::Scrape::parse(lines).unwrap().samples
}

fn value(samples: &[prometheus_parse::Sample], name: &str) -> f64 {
    let s = samples.iter().find(|s| s.metric == name).unwrap_or_else(|| panic!("no {name}"));
    match s.value {
        prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Gauge(v) => v,
        prometheus_parse::Value::Untyped(v) => v,
        _ => panic!("{name} is not a number"),
    }
}

#[tokio::test]
async fn metrics_are_scraped_with_an_api_token() {
    let server = Server::start().await;
    let api = server.api();
    let r = reqwest::Client::new().get(server.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 401, "no token, no metrics");
    let r = reqwest::Client::new().get(server.url("/metrics")).bearer_auth("pr_nope").send().await.unwrap();
    assert_eq!(r.status(), 401);

    let before = scrape(&server, &api.token).await;
    assert_eq!(value(&before, "proofroom_photos"), 0.0);
    let g = api.create_gallery("Metrics").await;
    let files = [(160, 120), (120, 160), (100, 80)]
        .iter()
        .enumerate()
        .map(|(i, (w, h))| (format!("{i}.jpg"), jpeg_with_orientation(*w, *h, 1)))
        .collect();
    assert_eq!(api.upload(&g, files, false).await.0, 200);
    let photos = api.wait_processed(&g, 3).await;
    // A photo is ready when its renditions are stored; the worker counts the job a moment later.
    wait_for("three renditions counted", std::time::Duration::from_secs(10), || async {
        value(&scrape(&server, &api.token).await, "proofroom_renditions_total") == 3.0
    })
    .await;
    // One thumbnail twice: once from the disk, once from memory.
    let thumb = photos[0]["thumb_url"].as_str().unwrap();
    for _ in 0..2 {
        assert_eq!(fetch(&server, thumb).await.0, 200);
    }
    assert_eq!(api.get(&format!("/galleries/{g}")).await.0, 200);

    let after = scrape(&server, &api.token).await;
    assert_eq!(value(&after, "proofroom_photos"), 3.0);
    assert_eq!(value(&after, "proofroom_galleries"), 1.0);
    assert_eq!(value(&after, "proofroom_renditions_total"), 3.0, "three photos processed");
    assert_eq!(value(&after, "proofroom_jobs_queued"), 0.0);
    assert_eq!(value(&after, "proofroom_mails_waiting"), 0.0);
    assert!(value(&after, "proofroom_rendition_cache_hits_total") >= 1.0);
    assert!(value(&after, "proofroom_disk_free_bytes") > 0.0);
    assert!(value(&after, "proofroom_resident_memory_bytes") > 1e6);
    // The API's answers were timed, under their area and status class.
    let api_ok = after
        .iter()
        .find(|s| {
            s.metric == "proofroom_http_request_duration_seconds"
                && s.labels.get("area") == Some("api")
                && s.labels.get("status") == Some("2xx")
        })
        .expect("a latency histogram of the API's answers");
    let prometheus_parse::Value::Histogram(buckets) = &api_ok.value else { panic!("not a histogram") };
    let all = buckets.iter().find(|b| b.less_than.is_infinite()).unwrap().count;
    assert!(all >= 3.0, "uploads, photo lists and the gallery were timed: {all}");
    assert!(after.iter().any(|s| s.labels.get("area") == Some("media")), "thumbnails are timed as media");
}
