//! The studio's look: its logo, and the watermark drawn on previews of galleries that ask
//! for it (the `preview-wm` rendition, made in the background and keyed by the mark, so a
//! changed mark re-renders and an old one is never shown again).

use super::{App, AppError, Result, blocking, clean_text};
use crate::{
    db::{Db, DbError},
    domain::{Gallery, GalleryId, Hash, MarkPosition, PhotoView, Studio, Watermark},
    media::{self, MediaError},
};

pub async fn get(state: &App) -> Result<Studio> {
    if let Some(s) = state.studio.read().ok().and_then(|s| s.clone()) {
        return Ok(s);
    }
    let s = state.with_db(move |db| Ok(db.studio()?)).await?;
    remember(state, &s);
    Ok(s)
}

/// The studio's logo, if it has one. A failed read counts as none: an error page that
/// shows it must not fail itself.
pub async fn logo(state: &App) -> Option<Hash> {
    get(state).await.ok().and_then(|s| s.logo)
}

/// The photographer's address for clients to write to, when a real one is configured.
pub fn contact(state: &App) -> Option<String> {
    let n = &state.config.mail.notify;
    let addr = n.rsplit_once('<').map_or(n.as_str(), |(_, a)| a.trim_end_matches('>')).trim();
    (addr.contains('@') && !addr.ends_with("@localhost")).then(|| addr.to_string())
}

/// The frame of messages to clients, in the studio's branding (`s`: its settings).
pub(super) fn mail_brand<'a>(state: &'a App, s: &Studio) -> crate::mail::templates::Brand<'a> {
    crate::mail::templates::Brand {
        studio: &state.config.studio_name,
        logo: s.logo.is_some(),
        accent: s.brand.accent().to_string(),
        footer: s.brand.contact_line(&state.config.studio_name),
    }
}

/// The settings as last read, for code that cannot wait for the database (defaults if
/// they were never read).
pub(super) fn cached(state: &App) -> Studio {
    state.studio.read().ok().and_then(|s| s.clone()).unwrap_or_default()
}

/// Sets the studio's accent colour, type pairing, contact details and website. A colour too
/// light to read is refused with the reason and a shade that works.
pub async fn set_brand(state: &App, f: BrandForm) -> Result<Studio> {
    use crate::domain::brand;
    let accent = match f.accent.trim() {
        "" => None,
        a => Some(brand::check_accent(a).map_err(AppError::Invalid)?),
    };
    let pairing = brand::Pairing::parse(&f.pairing)
        .ok_or_else(|| AppError::Invalid("choose one of the type pairings".into()))?;
    let opt = |what: &str, v: &str, max: usize| -> Result<Option<String>> {
        match v.trim() {
            "" => Ok(None),
            v => clean_text(what, v, max).map(Some),
        }
    };
    let email = opt("the e-mail address", &f.email, 254)?;
    if let Some(e) = &email {
        if !crate::mail::valid_address(e) || e.contains('<') {
            return Err(AppError::Invalid(format!("“{e}” is not an e-mail address")));
        }
    }
    let phone = opt("the phone number", &f.phone, 40)?;
    let website = opt("the website", &f.website, 300)?;
    if let Some(w) = &website {
        if !(w.starts_with("https://") || w.starts_with("http://")) || w.contains(char::is_whitespace) {
            return Err(AppError::Invalid(format!("“{w}” is not a web address (https://…)")));
        }
    }
    let b = brand::Brand { accent, pairing, email, phone, website };
    let s = state
        .with_db(move |db| {
            db.update_studio(|s| {
                s.brand = b;
                Ok::<(), AppError>(())
            })?
        })
        .await?;
    remember(state, &s);
    Ok(s)
}

/// The branding form as typed.
pub struct BrandForm {
    pub accent: String,
    pub pairing: String,
    pub email: String,
    pub phone: String,
    pub website: String,
}

fn remember(state: &App, s: &Studio) {
    if let Ok(mut cached) = state.studio.write() {
        *cached = Some(s.clone());
    }
}

/// Drops the cached settings after a write elsewhere (an order counting a coupon's use).
pub(super) fn forget(state: &App) {
    if let Ok(mut cached) = state.studio.write() {
        *cached = None;
    }
}

/// Checks an uploaded image (logo or watermark) and stores it as PNG.
async fn store_image(state: &App, bytes: Vec<u8>) -> Result<Hash> {
    let blobs = state.blobs.clone();
    blocking(move || {
        let png = media::watermark::studio_image(&bytes).map_err(|e| match e {
            MediaError::Invalid(r) => AppError::UnsupportedType(format!("This image cannot be used: {r}")),
            MediaError::Io(e) => AppError::Internal(e.to_string()),
        })?;
        Ok(blobs.put_bytes(&png.bytes)?.hash)
    })
    .await
}

/// Sets (`Some`) or removes the studio's logo.
pub async fn set_logo(state: &App, image: Option<Vec<u8>>) -> Result<Studio> {
    let logo = match image {
        Some(bytes) => Some(store_image(state, bytes).await?),
        None => None,
    };
    edit(state, move |s| {
        s.logo = logo;
        Ok(())
    })
    .await
}

/// Changes the studio's settings with `change` and stores them in one transaction, or
/// stores nothing when `change` refuses.
pub(super) async fn edit(
    state: &App,
    change: impl FnOnce(&mut Studio) -> Result<()> + Send + 'static,
) -> Result<Studio> {
    state.with_db(move |db| db.update_studio(change)?).await.inspect(|s| remember(state, s))
}

/// What the photographer sends from the watermark form.
pub struct WatermarkForm {
    pub text: String,
    pub position: String,
    pub opacity: u8,
    pub scale: u8,
    /// A new image to use.
    pub image: Option<Vec<u8>>,
    pub remove_image: bool,
}

/// Saves the studio's watermark and re-renders the previews of every watermarked gallery
/// in the background.
pub async fn set_watermark(state: &App, f: WatermarkForm) -> Result<Studio> {
    let text = f.text.trim();
    let text = (!text.is_empty()).then(|| clean_text("the watermark text", text, 80)).transpose()?;
    let position = MarkPosition::parse(&f.position)
        .ok_or_else(|| AppError::Invalid(format!("“{}” is not a watermark position", f.position)))?;
    if !(1..=100).contains(&f.opacity) {
        return Err(AppError::Invalid("opacity goes from 1 to 100 %".into()));
    }
    if !(5..=100).contains(&f.scale) {
        return Err(AppError::Invalid("size goes from 5 to 100 % of the photo's width".into()));
    }
    let new_image = match f.image {
        Some(bytes) => Some(store_image(state, bytes).await?),
        None => None,
    };
    let studio = edit(state, move |s| {
        let image = if f.remove_image { None } else { new_image.or(s.watermark.image) };
        s.watermark = Watermark { text, image, position, opacity: f.opacity, scale: f.scale };
        Ok(())
    })
    .await?;
    rerender(state, None).await?;
    Ok(studio)
}

/// Whether clients of `gallery` see watermarked previews: it, or a gallery it is inside,
/// asks for them.
pub(super) fn watermarked(db: &Db, gallery: &Gallery) -> std::result::Result<bool, DbError> {
    let mut cur = Some(gallery.clone());
    // Bounded: a damaged parent chain cannot loop for ever.
    for _ in 0..100 {
        match cur {
            Some(g) if g.watermark => return Ok(true),
            Some(g) => cur = g.parent.map(|p| db.gallery(p)).transpose()?.flatten(),
            None => return Ok(false),
        }
    }
    Ok(false)
}

async fn applies(state: &App, gallery: &Gallery) -> Result<bool> {
    if gallery.watermark {
        return Ok(true);
    }
    let g = gallery.clone();
    state.with_db(move |db| Ok(watermarked(db, &g)?)).await
}

/// Queues the watermarked previews of every photo under `root` (or in every gallery) that
/// needs one and lacks it.
pub(super) async fn rerender(state: &App, root: Option<GalleryId>) -> Result<()> {
    let mark = get(state).await?.watermark.effective(&state.config.studio_name).fingerprint();
    let queued = state
        .with_db(move |db| {
            // Walk the tree from the top (or `root`), carrying whether an ancestor asks.
            let mut stack: Vec<(Gallery, bool)> = match root {
                Some(id) => db.gallery(id)?.map(|g| vec![(g, true)]).unwrap_or_default(),
                None => db.children(None)?.into_iter().map(|g| (g, false)).collect(),
            };
            let mut pairs = Vec::new();
            while let Some((g, inherited)) = stack.pop() {
                let on = inherited || g.watermark;
                if on {
                    pairs.extend(db.photos(g.id)?.iter().filter_map(|p| p.current()).map(|v| (v.blob, mark)));
                }
                stack.extend(db.children(Some(g.id))?.into_iter().map(|c| (c, on)));
            }
            Ok(db.enqueue_watermarks(&pairs)?)
        })
        .await?;
    if queued > 0 {
        state.jobs.wake();
    }
    Ok(())
}

/// The photos of `set` as its clients see them: in a watermarked gallery, each preview is
/// the watermarked one; until that is made, the small thumb stands in (never the bare
/// preview), and the missing ones are queued. There is no medium size there.
pub async fn for_clients(state: &App, set: &Gallery, mut photos: Vec<PhotoView>) -> Result<Vec<PhotoView>> {
    if !applies(state, set).await? {
        return Ok(photos);
    }
    let mark = get(state).await?.watermark.effective(&state.config.studio_name).fingerprint();
    let sources: Vec<Hash> = photos.iter().filter_map(|p| p.original).collect();
    let found = state.with_db(move |db| Ok(db.watermarked_many(&sources, mark)?)).await?;
    let mut found = found.into_iter();
    let mut missing = Vec::new();
    for p in photos.iter_mut() {
        // The medium size has no mark; in a watermarked set it is never handed out.
        p.medium = None;
        let Some(source) = p.original else { continue };
        match found.next().flatten() {
            Some(r) => p.preview = Some(r),
            None => {
                if p.preview.is_some() {
                    missing.push((source, mark));
                }
                p.preview = p.thumb.clone();
            }
        }
    }
    if !missing.is_empty() && state.with_db(move |db| Ok(db.enqueue_watermarks(&missing)?)).await? > 0 {
        state.jobs.wake();
    }
    Ok(photos)
}

/// The current mark drawn on a ready preview (or a plain grey one), as JPEG.
pub async fn sample(state: &App) -> Result<Vec<u8>> {
    let studio = get(state).await?;
    let wm = studio.watermark.effective(&state.config.studio_name);
    let blobs = state.blobs.clone();
    state
        .with_db(move |db| {
            let preview = db.find_media(|_, m| match m {
                crate::domain::MediaInfo::Ready { preview, .. } => Some(preview.blob),
                _ => None,
            })?;
            let base = match preview.map(|h| blobs.read(&h)).transpose()? {
                Some(b) => b,
                None => media::watermark::blank(1200, 800),
            };
            let image = wm.image.map(|h| blobs.read(&h)).transpose()?;
            let mark = media::watermark::Mark {
                text: wm.text.as_deref(),
                image: image.as_deref(),
                place: wm.position,
                opacity: wm.opacity,
                scale: wm.scale,
            };
            media::watermark::apply(&base, &mark)
                .map(|e| e.bytes)
                .map_err(|e| AppError::Internal(e.to_string()))
        })
        .await
}
