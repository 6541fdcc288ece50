//! Under pressure: hostile bodies, slow connections, password guessing behind a proxy, mail
//! aimed at strangers, huge images, crawlers. Each test is one finding of the outside test
//! of the hardening issue, reproduced against the real server.

use std::time::{Duration, Instant};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::*;

/// Sends a POST whose body is `size` bytes of `x` (declared with Content-Length, or chunked
/// when `chunked`), writing until the server answers or stops reading. Returns the status
/// and how many body bytes were written.
async fn post_huge(server: &Server, path: &str, headers: &str, size: u64, chunked: bool) -> (u16, u64) {
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let length =
        if chunked { "Transfer-Encoding: chunked".to_string() } else { format!("Content-Length: {size}") };
    let head = format!("POST {path} HTTP/1.1\r\nHost: localhost\r\n{headers}{length}\r\n\r\n");
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await.ok()?;
        let block = vec![b'x'; 64 << 10];
        let mut sent = 0u64;
        while sent < size {
            let r = if chunked {
                let mut chunk = format!("{:x}\r\n", block.len()).into_bytes();
                chunk.extend_from_slice(&block);
                chunk.extend_from_slice(b"\r\n");
                wr.write_all(&chunk).await
            } else {
                wr.write_all(&block).await
            };
            if r.is_err() {
                break;
            }
            sent += block.len() as u64;
        }
        Some(sent)
    });
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(20), rd.read(&mut buf))
        .await
        .expect("an answer")
        .unwrap_or(0);
    let answer = String::from_utf8_lossy(&buf[..n]).to_string();
    // The writer stops once the server closes; give it a moment, then count.
    let sent = tokio::time::timeout(Duration::from_secs(5), writer).await.ok().and_then(|r| r.ok()).flatten();
    let status = answer.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, sent.unwrap_or(u64::MAX))
}

#[tokio::test]
async fn unauthenticated_huge_bodies_are_refused_before_they_are_read() {
    let server = Server::start().await;
    let api = server.api();
    let g = api.create_gallery("Bodies").await;
    let link = share_link(&api, &g, json!({ "label": "pw", "password": "pass-word" })).await;
    let form = "Content-Type: application/x-www-form-urlencoded\r\n";
    let json = "Content-Type: application/json\r\nX-CSRF-Token: nope\r\n";
    let multipart = "Content-Type: multipart/form-data; boundary=XYZ\r\n";
    let before = server.rss_mib();
    let size = 256 << 20;
    for (path, headers, expected) in [
        ("/access".to_string(), form, 413),
        ("/admin/login".into(), form, 413),
        (format!("{link}/unlock"), form, 413),
        ("/g/0123456789abcdef0123456789abcdef/favourite".into(), json, 413),
        ("/g/0123456789abcdef0123456789abcdef/comments".into(), json, 413),
        // A live session's wall photo may be large, so it is read only for a known visit.
        ("/g/0123456789abcdef0123456789abcdef/live/wall?code=ABC234".into(), json, 404),
        (format!("{link}/live/wall?code=ABC234"), json, 401),
        // A browser without a session is sent to the login page.
        (format!("/admin/galleries/{g}/photos"), multipart, 303),
        (format!("/api/v1/galleries/{g}/photos"), multipart, 401),
    ] {
        for chunked in [false, true] {
            let started = Instant::now();
            let (status, sent) = post_huge(&server, &path, headers, size, chunked).await;
            assert_eq!(status, expected, "POST {path} (chunked: {chunked})");
            assert!(sent < 64 << 20, "POST {path} (chunked: {chunked}): {sent} bytes went in");
            assert!(started.elapsed() < Duration::from_secs(10), "POST {path} took {:?}", started.elapsed());
        }
    }
    let grown = server.rss_mib().saturating_sub(before);
    assert!(grown < 32, "RSS grew by {grown} MiB");
    // The server still answers, and small bodies still work.
    assert_eq!(fetch(&server, "/healthz").await.0, 200);
    let r = browser_client()
        .post(server.url("/access"))
        .form(&[("email", "a@example.com")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_as_it_streams() {
    let server = Server::start_with(&[("PROOFROOM_MAX_UPLOAD_MB", "2")]).await;
    let api = server.api();
    let g = api.create_gallery("Big").await;
    // An endless chunked upload of one JPEG-looking file: refused at 2 MiB, not read on.
    let body_head = "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
    let stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let (mut rd, mut wr) = stream.into_split();
    let head = format!(
        "POST /api/v1/galleries/{g}/photos HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\nContent-Type: multipart/form-data; boundary=XYZ\r\nTransfer-Encoding: chunked\r\n\r\n",
        server.token
    );
    let writer = tokio::spawn(async move {
        wr.write_all(head.as_bytes()).await.ok()?;
        let first = [body_head.as_bytes(), &[0xFF, 0xD8, 0xFF, 0xE0]].concat();
        wr.write_all(format!("{:x}\r\n", first.len()).as_bytes()).await.ok()?;
        wr.write_all(&first).await.ok()?;
        wr.write_all(b"\r\n").await.ok()?;
        let block = vec![7u8; 64 << 10];
        let mut sent = 0u64;
        for _ in 0..16_384 {
            let mut chunk = format!("{:x}\r\n", block.len()).into_bytes();
            chunk.extend_from_slice(&block);
            chunk.extend_from_slice(b"\r\n");
            if wr.write_all(&chunk).await.is_err() {
                break;
            }
            sent += block.len() as u64;
        }
        Some(sent)
    });
    let mut buf = vec![0u8; 4096];
    let n =
        tokio::time::timeout(Duration::from_secs(20), rd.read(&mut buf)).await.expect("an answer").unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let sent = tokio::time::timeout(Duration::from_secs(10), writer).await.unwrap().unwrap().unwrap();
    assert!(sent < 64 << 20, "{sent} bytes went in after the limit");
    assert_eq!(api.photos(&g).await.len(), 0, "nothing stored");
}

#[tokio::test]
async fn slow_connections_do_not_stop_healthz() {
    let server = Server::start().await;
    // The test needs 2,000 sockets of its own.
    use rustix::process::{Resource, getrlimit, setrlimit};
    let lim = getrlimit(Resource::Nofile);
    let _ =
        setrlimit(Resource::Nofile, rustix::process::Rlimit { current: lim.maximum, maximum: lim.maximum });
    let mut slow = Vec::new();
    for _ in 0..2000 {
        let mut s = tokio::net::TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
        // Half a request head, never finished.
        s.write_all(b"GET /admin HTTP/1.1\r\nHost: localhost\r\nX-Slow: ").await.unwrap();
        slow.push(s);
    }
    for _ in 0..5 {
        let started = Instant::now();
        let r = tokio::time::timeout(Duration::from_secs(1), reqwest::get(server.url("/healthz"))).await;
        let status = r.expect("/healthz within 1 s").unwrap().status();
        assert_eq!(status, 200);
        assert!(started.elapsed() < Duration::from_secs(1));
    }
    drop(slow);
}

/// A login attempt from `addr` as a trusted proxy forwards it; returns the status.
async fn login_via_proxy(server: &Server, forwarded_for: &str, password: &str) -> u16 {
    let c = browser_client();
    let page = get_text(&c, server.url("/admin/login")).await;
    let csrf = hidden_field(&page, "csrf");
    c.post(server.url("/admin/login"))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("csrf", csrf.as_str()), ("password", password), ("next", "/admin")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn behind_a_proxy_a_stranger_locks_out_only_themselves() {
    let server = Server::start_with(&[("PROOFROOM_TRUSTED_PROXIES", "127.0.0.1")]).await;
    for _ in 0..5 {
        assert_eq!(login_via_proxy(&server, "203.0.113.5", "guess-guess").await, 401);
    }
    assert_eq!(login_via_proxy(&server, "203.0.113.5", "guess-guess").await, 429);
    // Prepending the photographer's address changes nothing: only the proxy's entry counts.
    assert_eq!(login_via_proxy(&server, "198.51.100.7, 203.0.113.5", PASSWORD).await, 429);
    // The photographer, elsewhere, gets in.
    assert_eq!(login_via_proxy(&server, "198.51.100.7", PASSWORD).await, 303);

    // Same for a link's password: the stranger's guesses do not lock its client out.
    let api = server.api();
    let g = api.create_gallery("Proxy").await;
    let link = share_link(&api, &g, json!({ "label": "pw", "password": "pass-word" })).await;
    let unlock = |from: &'static str, pw: &'static str| {
        let url = server.url(&format!("{link}/unlock"));
        async move {
            let r = browser_client()
                .post(url)
                .header("x-forwarded-for", from)
                .form(&[("password", pw)])
                .send()
                .await
                .unwrap();
            r.status().as_u16()
        }
    };
    for _ in 0..5 {
        assert_eq!(unlock("203.0.113.5", "guess").await, 401);
    }
    assert_eq!(unlock("203.0.113.5", "guess").await, 429);
    assert_eq!(unlock("198.51.100.7", "pass-word").await, 303);
}

#[tokio::test]
async fn concurrent_wrong_logins_get_no_more_than_the_limit() {
    let server = Server::start().await;
    let c = browser_client();
    let page = get_text(&c, server.url("/admin/login")).await;
    let csrf = hidden_field(&page, "csrf");
    let tries = (0..100).map(|_| {
        let (c, url, csrf) = (c.clone(), server.url("/admin/login"), csrf.clone());
        async move {
            let form = [("csrf", csrf.as_str()), ("password", "wrong-password"), ("next", "/admin")];
            c.post(url).form(&form).send().await.unwrap().status().as_u16()
        }
    });
    let statuses = futures_util::future::join_all(tries).await;
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(checked + limited, 100, "{statuses:?}");
    assert!(checked <= 5, "{checked} passwords were checked");
    // The peak memory of the guessing: one argon2 buffer per core, not a hundred.
    assert!(server.peak_rss_mib() < 200, "peak RSS {} MiB", server.peak_rss_mib());
}

#[tokio::test]
async fn strangers_address_gets_one_mail_and_the_photographer_one_notice() {
    let server = Server::start().await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Crowd", 1).await;
    let link = share_link(&api, &g, json!({ "label": "all", "favourite": true, "ask_identity": true })).await;
    let pid = photos[0]["id"].as_str().unwrap().to_string();
    // A plain link takes no address at all.
    let plain = share_link(&api, &g, json!({ "label": "plain", "favourite": true })).await;
    let c = browser_client();
    let csrf = meta_csrf(&get_text(&c, server.url(&format!("{plain}/photos"))).await);
    let r = post_form(
        &c,
        server.url(&format!("{plain}/identify")),
        &[("csrf", csrf.as_str()), ("name", "X"), ("email", "stranger@example.com")],
    )
    .await;
    assert_eq!(r.status(), 404);
    let (_, sel) = api.get(&format!("/galleries/{g}/selections")).await;
    assert_eq!(sel.as_array().map(Vec::len), Some(0), "a refused identify makes no visitor: {sel}");
    for i in 0..50 {
        let c = browser_client();
        let cover = get_text(&c, server.url(&link)).await;
        let csrf = hidden_field(&cover, "csrf");
        let r = post_form(
            &c,
            server.url(&format!("{link}/identify")),
            &[("csrf", csrf.as_str()), ("name", &format!("Visitor {i}")), ("email", "Stranger@Example.com")],
        )
        .await;
        assert_eq!(r.status(), 303);
        assert_eq!(heart(&server, &c, &link, &csrf, &pid).await, 200);
        let r = post_form(&c, server.url(&format!("{link}/submit")), &[("csrf", csrf.as_str())]).await;
        assert_eq!(r.status(), 303);
    }
    // Every confirmation that will ever be queued was queued by the submits themselves.
    let admin = admin_client(&server).await;
    let outbox_page = get_text(&admin, server.url("/admin/outbox")).await;
    let to_stranger = outbox_page.matches("Stranger@Example.com").count();
    assert_eq!(to_stranger, 1, "one confirmation to the typed address");
    let mails = wait_for_outbox(&server, 2).await;
    let notices: Vec<_> = mails.iter().filter(|m| m.contains("selections came in")).collect();
    assert_eq!(notices.len(), 1, "one notice for the crowd");
    assert!(notices[0].contains("50 selections came in for Crowd"), "{}", notices[0]);
}

#[tokio::test]
async fn crawlers_create_no_visitors() {
    let server = Server::start().await;
    let api = server.api();
    let (g, _) = gallery_with_photos(&api, "Crawled", 1).await;
    let link = share_link(&api, &g, json!({ "label": "open", "favourite": true })).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let db = server.data().join("proofroom.redb");
    let size_before = std::fs::metadata(&db).unwrap().len();
    for i in 0..1000 {
        let path = if i % 2 == 0 { link.clone() } else { format!("{link}/photos") };
        let r = http.get(server.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers().contains_key("set-cookie"), "a session cookie is offered");
    }
    let (status, sel) = api.get(&format!("/galleries/{g}/selections")).await;
    assert_eq!(status, 200);
    assert_eq!(sel.as_array().map(Vec::len), Some(0), "no visitor: {sel}");
    let activity =
        get_text(&admin_client(&server).await, server.url(&format!("/admin/galleries/{g}/activity"))).await;
    assert!(!activity.contains("opened the gallery"), "no event per crawl");
    assert_eq!(std::fs::metadata(&db).unwrap().len(), size_before, "the database did not grow");
}

/// Writes a `side`×`side` 16-bit RGBA PNG row by row (the test never holds the pixels).
fn deep_png(side: u32) -> Vec<u8> {
    let file = tempfile::NamedTempFile::new().unwrap();
    let mut enc = png::Encoder::new(file.reopen().unwrap(), side, side);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Sixteen);
    enc.set_compression(png::Compression::Fast);
    let mut w = enc.write_header().unwrap().into_stream_writer().unwrap();
    let row: Vec<u8> = (0..side).flat_map(|x| [(x % 251) as u8, 0, 40, 0, 200, 0, 255, 255]).collect();
    for _ in 0..side {
        std::io::Write::write_all(&mut w, &row).unwrap();
    }
    w.finish().unwrap();
    std::fs::read(file.path()).unwrap()
}

#[tokio::test]
async fn a_huge_deep_png_stays_within_the_decode_budget() {
    let server = Server::start_with(&[("PROOFROOM_DECODE_MEMORY_MB", "256")]).await;
    let api = server.api();
    let g = api.create_gallery("Deep").await;
    let png = tokio::task::spawn_blocking(|| deep_png(14_000)).await.unwrap();
    let (status, body) = api.upload(&g, vec![("deep.png".into(), png)], false).await;
    assert_eq!(status, 200, "{body}");
    let photos = api.wait_processed(&g, 1).await;
    let peak = server.peak_rss_mib();
    assert!(peak < 256 + 128, "peak RSS {peak} MiB with a 256 MiB decode budget");
    // Shrunk as its rows are read: processed, not refused.
    assert_eq!(photos[0]["status"], "ready", "{}", photos[0]);
    assert_eq!((photos[0]["width"].as_u64(), photos[0]["height"].as_u64()), (Some(14_000), Some(14_000)));
    let (_, _, preview) = fetch(&server, photos[0]["preview_url"].as_str().unwrap()).await;
    assert_eq!(dims(&preview), (2048, 2048));
}

#[tokio::test]
async fn the_small_findings_stay_fixed() {
    let server = Server::start_with(&[("PROOFROOM_BASE_URL", "https://photos.example.com")]).await;
    let api = server.api();
    let (g, photos) = gallery_with_photos(&api, "Small \u{202E}gpj.exe", 1).await;
    let (_, gallery) = api.get(&format!("/galleries/{g}")).await;
    assert_eq!(gallery["title"], "Small gpj.exe", "bidi controls are stripped from titles");

    // Security headers: no inline script, no framing, HSTS behind https.
    let (_, headers, _) = fetch(&server, "/admin/login").await;
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self';") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.split(';').any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")));
    assert!(headers.contains_key("strict-transport-security"));

    // A Range that asks for nothing is unsatisfiable.
    let original = photos[0]["original_url"].as_str().unwrap();
    let r =
        reqwest::Client::new().get(server.url(original)).header("range", "bytes=-0").send().await.unwrap();
    assert_eq!(r.status(), 416);
    assert!(r.headers()["content-range"].to_str().unwrap().starts_with("bytes */"));

    // Client JSON routes answer bad JSON in JSON; comments of a photo elsewhere are 404.
    let other = api.create_gallery("Other").await;
    let (status, body) =
        api.upload(&other, vec![("B.jpg".into(), jpeg_with_orientation(64, 48, 1))], false).await;
    assert_eq!(status, 200, "{body}");
    let elsewhere = body["uploaded"][0]["photo"]["id"].as_str().unwrap().to_string();
    let link = share_link(&api, &g, json!({ "label": "c", "favourite": true, "comment": true })).await;
    let c = browser_client();
    let csrf = meta_csrf(&get_text(&c, server.url(&format!("{link}/photos"))).await);
    let r = c
        .post(server.url(&format!("{link}/favourite")))
        .header("x-csrf-token", &csrf)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let r = c.get(server.url(&format!("{link}/comments?photo={elsewhere}"))).send().await.unwrap();
    assert_eq!(r.status(), 404);
}
