//! Delivery of finals. The digital photos of a paid (or free) order are pending until
//! each is FINAL (re-uploaded under the same filename, or marked); when all are, or when
//! the photographer says "deliver now", the client gets one mail with the way to their
//! delivery page, written in the same transaction that marks the order delivered. A crash
//! in between loses nothing: `check` runs again at start and after every payment and final.

use super::{App, AppError, Result, downloads, visit::Visit};
use crate::{
    db::Effects,
    domain::{
        Hash, Mail, PhotoId, PhotoState, now_ms,
        order::{Actor, Order, delivery_name},
    },
    mail::templates,
};

/// One file of a delivery.
#[derive(Clone, Debug)]
pub struct File {
    pub photo: PhotoId,
    /// The name it downloads under (the studio's pattern).
    pub name: String,
    /// Retouched and ready (FINAL, or delivered as it is by the photographer).
    pub ready: bool,
    pub blob: Option<Hash>,
    pub size: u64,
    pub thumb: Option<Hash>,
    /// The long edge it was bought at; `None` for full resolution.
    pub edge: Option<u32>,
}

/// The files of an order, in order, named by the studio's pattern.
pub async fn files(app: &App, o: &Order) -> Result<Vec<File>> {
    let catalog = super::catalog::get(app).await?;
    let title = app.gallery(o.gallery).await.map(|g| g.title).unwrap_or_default();
    let mut out = Vec::new();
    for (i, id) in o.digital.iter().enumerate() {
        let Ok(p) = app.photo(*id).await else { continue };
        let ready = p.photo.state == PhotoState::Final || o.delivered_all;
        let edge = o.digital_edges.get(id).copied();
        let mut name = delivery_name(&catalog.delivery_names, &p.photo.filename, &title, o.number, i + 1);
        // A smaller size is always a JPEG, whatever the source was.
        if edge.is_some() {
            name = jpeg_name(&name);
        }
        out.push(File {
            photo: *id,
            edge,
            name,
            ready,
            blob: p.original,
            size: p.photo.current().map_or(0, |v| v.size),
            thumb: p.thumb.as_ref().map(|r| r.blob),
        });
    }
    Ok(out)
}

/// `name` with a JPEG's extension.
fn jpeg_name(name: &str) -> String {
    let path = std::path::Path::new(name);
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg") => name.to_string(),
        Some(e) => format!("{}.jpg", &name[..name.len() - e.len() - 1]),
        None => format!("{name}.jpg"),
    }
}

fn delivery_mail(app: &App, o: &Order, logo: Option<Hash>, files: usize) -> Option<Mail> {
    let mut brand = super::studio::mail_brand(app, &super::studio::cached(app));
    brand.logo = logo.is_some();
    let url = format!("{}/orders/{}/files", o.client_base, o.id);
    let content = templates::order_update(
        &brand,
        &templates::OrderMail {
            subject: format!("Your photos are ready: order {}", o.number),
            heading: "Your photos are ready",
            lead: format!(
                "Your {files} retouched photo{} from order {} are ready to download. They stay on your delivery page, so you can come back for them later.",
                if files == 1 { "" } else { "s" },
                o.number
            ),
            lines: &[],
            total: o.currency.format(o.quote.total),
            url: &url,
            button: "Download your photos",
            pictures: &[],
        },
    );
    super::orders::mail_to(&o.customer.email, content, logo)
}

/// Marks an order delivered and queues its mail, in one transaction; `force` delivers what
/// is there even if not every file is final. Does nothing to an order delivered already.
async fn deliver(app: &App, o: &Order, force: bool) -> Result<Order> {
    let logo = super::studio::get(app).await?.logo;
    let mut done = o.clone();
    done.delivered_ms = Some(now_ms());
    done.delivered_all = force;
    let ready = files(app, &done).await?.iter().filter(|f| f.ready).count();
    let what = match force {
        true => format!("Delivered {ready} files now"),
        false => format!("All {ready} finals ready: delivered"),
    };
    done.log(now_ms(), if force { Actor::Photographer } else { Actor::System }, what);
    let mail = delivery_mail(app, &done, logo, ready);
    let (id, before, want) = (o.id, o.clone(), done);
    let changed = app
        .with_db(move |db| {
            Ok(db.update_order(id, move |o, _| {
                if *o != before {
                    return Err(AppError::Unavailable(
                        "The order changed meanwhile: look again and retry.".into(),
                    ));
                }
                *o = want;
                Ok(Effects { invoice: None, mails: mail.into_iter().collect() })
            })?)
        })
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such order.".into()))??;
    app.jobs.wake();
    Ok(changed)
}

/// Delivers every paid order whose files are all final and that has not been delivered.
/// Cheap when nothing waits; run after payments, finals and at start.
pub async fn check(app: &App) -> Result<usize> {
    let waiting: Vec<Order> =
        app.with_db(|db| Ok(db.open_orders()?)).await?.into_iter().filter(Order::awaits_delivery).collect();
    let mut n = 0;
    for o in waiting {
        let files = files(app, &o).await?;
        if !files.is_empty() && files.iter().all(|f| f.ready) {
            match deliver(app, &o, false).await {
                Ok(_) => n += 1,
                // Changed meanwhile: the next check sees it as it is now.
                Err(AppError::Unavailable(_)) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(n)
}

/// `check`, for the places that must not fail because of it (an upload, a payment).
pub async fn check_quietly(app: &App) {
    if let Err(e) = check(app).await {
        tracing::warn!("delivery check: {e}");
    }
}

/// The photographer's "deliver pending items now".
pub async fn deliver_now(app: &App, id: &str) -> Result<Order> {
    let o = super::orders::get(app, id).await?;
    if !o.deliverable() {
        return Err(AppError::Invalid("Only a paid (or free) order is delivered.".into()));
    }
    if o.digital.is_empty() {
        return Err(AppError::Invalid("This order has no files to deliver.".into()));
    }
    if o.delivered_ms.is_some() && o.delivered_all {
        return Err(AppError::Invalid("This order has been delivered already.".into()));
    }
    deliver(app, &o, true).await
}

/// A client's delivery: their order and its files, once it may be delivered.
pub async fn for_visit(app: &App, v: &Visit, id: &str) -> Result<(Order, Vec<File>)> {
    let o = super::orders::for_visit(app, v, id).await?;
    if !o.deliverable() {
        return Err(AppError::Forbidden("Your files are delivered here once the order is paid.".into()));
    }
    let files = files(app, &o).await?;
    Ok((o, files))
}

/// What delivered JPEGs carry: the creator and the copyright notice.
struct Credit {
    creator: String,
    copyright: String,
}

fn credit(app: &App, c: &crate::domain::catalog::Catalog) -> Credit {
    let creator = match c.delivery_creator.trim() {
        "" => app.config.studio_name.clone(),
        t => t.to_string(),
    };
    let copyright = match c.delivery_copyright.trim() {
        "" => format!("© {} {creator}", time::OffsetDateTime::now_utc().year()),
        t => t.to_string(),
    };
    Credit { creator, copyright }
}

/// `source` as clients get it: at the size bought (`edge`), and a JPEG with the studio's
/// credit in its EXIF (the image data untouched when only the credit changes), made once
/// and kept under (source, size, credit); any other file (or one the credit cannot go
/// into) as it is.
async fn prepared(app: &App, source: Hash, credit: &Credit, edge: Option<u32>) -> Result<(Hash, u64)> {
    let mut h = blake3::Hasher::new();
    h.update(&source.0);
    // Full-resolution keys stay as they were before sizes existed.
    if let Some(e) = edge {
        h.update(b"edge");
        h.update(&e.to_le_bytes());
    }
    for part in [&credit.creator, &credit.copyright] {
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    let key = *h.finalize().as_bytes();
    if let Some(p) = app.with_db(move |db| Ok(db.prepared(&key)?)).await?
        && app.blobs.len(&p.blob).await.is_ok_and(|n| n == p.size)
    {
        return Ok((p.blob, p.size));
    }
    let (blobs, creator, copyright) = (app.blobs.clone(), credit.creator.clone(), credit.copyright.clone());
    let limits = app.limits.clone();
    let made = super::blocking(move || {
        let sized = match edge {
            Some(e) => crate::media::sized(&blobs.open(&source)?, e, &limits).map_err(|e| match e {
                crate::media::MediaError::Invalid(r) => AppError::Internal(format!("resizing {source}: {r}")),
                crate::media::MediaError::Io(e) => AppError::Internal(format!("resizing {source}: {e}")),
            })?,
            None => None,
        };
        let resized = sized.is_some();
        let bytes = match sized {
            Some(jpeg) => jpeg.bytes,
            None => blobs.read(&source)?,
        };
        if crate::media::sniff(&bytes[..bytes.len().min(64)]) != Some("image/jpeg") {
            return Ok(None);
        }
        // Keep the smaller size's bytes in case the credit cannot go in (it is still the
        // size bought); a full-size file then goes out as it is, without a copy.
        let fallback = resized.then(|| bytes.clone());
        match (crate::media::credit::credit_jpeg(bytes, &creator, &copyright), fallback) {
            (Ok(out), _) => Ok(Some(blobs.put_bytes(&out)?)),
            (Err(e), Some(smaller)) => {
                tracing::warn!("credit for {source}: {e}; delivered without it");
                Ok(Some(blobs.put_bytes(&smaller)?))
            }
            (Err(e), None) => {
                tracing::warn!("credit for {source}: {e}; delivered as it is");
                Ok(None)
            }
        }
    })
    .await?;
    match made {
        Some(stored) => {
            let p = crate::domain::order::PreparedFile { source, blob: stored.hash, size: stored.size };
            app.with_db(move |db| Ok(db.put_prepared(&key, &p)?)).await?;
            Ok((stored.hash, stored.size))
        }
        None => Ok((source, app.blobs.len(&source).await?)),
    }
}

/// Notes a client's download on the order's timeline, so the photographer sees each one.
/// A download that cannot be noted still goes ahead.
async fn note_download(app: &App, o: &Order, what: String) {
    let id = o.id;
    let noted = app
        .with_db(move |db| {
            Ok(db.update_order(id, move |o, _| {
                // The same download again within minutes (a retried or resumed zip) is one.
                let now = now_ms();
                if !o.timeline.last().is_some_and(|e| e.what == what && now.saturating_sub(e.at_ms) < 600_000)
                {
                    o.log(now, Actor::Client, what);
                }
                Ok::<_, AppError>(Effects { invoice: None, mails: Vec::new() })
            })?)
        })
        .await;
    if let Err(e) = noted {
        tracing::warn!("noting a download of order {}: {e}", o.number);
    }
}

/// One delivered file, for download: its name and blob.
pub async fn file(app: &App, v: &Visit, id: &str, photo: &str) -> Result<(String, Hash)> {
    let (o, files) = for_visit(app, v, id).await?;
    let photo: PhotoId = photo.parse().map_err(|_| AppError::NotFound("There is no such file.".into()))?;
    let f = files
        .into_iter()
        .find(|f| f.photo == photo)
        .ok_or_else(|| AppError::NotFound("There is no such file.".into()))?;
    match (f.ready, f.blob) {
        (true, Some(blob)) => {
            let credit = credit(app, &super::catalog::get(app).await?);
            let (blob, _) = prepared(app, blob, &credit, f.edge).await?;
            v.log(app, o.gallery, crate::domain::ActivityKind::Download { photo: Some(photo), count: 1 })
                .await;
            note_download(app, &o, format!("Downloaded {}", f.name)).await;
            Ok((f.name, blob))
        }
        _ => Err(AppError::Forbidden(
            "This photo is still being retouched; it is delivered here when it is ready.".into(),
        )),
    }
}

/// Every ready file of a delivery as one zip, under the pattern's names.
pub async fn zip(app: &App, v: &Visit, id: &str) -> Result<downloads::Zip> {
    let (o, files) = for_visit(app, v, id).await?;
    let credit = credit(app, &super::catalog::get(app).await?);
    let mut ready = Vec::new();
    for f in files.into_iter().filter(|f| f.ready) {
        if let Some(source) = f.blob {
            let (blob, size) = prepared(app, source, &credit, f.edge).await?;
            ready.push((f.name, blob, Some(size)));
        }
    }
    v.log(app, o.gallery, crate::domain::ActivityKind::Download { photo: None, count: ready.len() }).await;
    let files = ready.len();
    note_download(app, &o, format!("Downloaded the zip ({files} file{})", if files == 1 { "" } else { "s" }))
        .await;
    let title =
        format!("{} order {}", app.gallery(o.gallery).await.map(|g| g.title).unwrap_or_default(), o.number);
    downloads::named(app, &title, ready)
}
