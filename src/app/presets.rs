//! Presets: a new gallery set up in one click from a built-in or studio preset, or from
//! another gallery's settings; a gallery's settings saved as the studio's own preset.

use super::{App, AppError, Result, clean_text};
use crate::domain::{
    Gallery, GalleryId,
    preset::{self, Preset},
};

/// Where a gallery's settings come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A built-in or studio preset, by name.
    Preset(String),
    /// Another gallery's settings.
    Gallery(GalleryId),
}

impl Source {
    /// `preset:<name>` or `gallery:<id>`; empty for none.
    pub fn parse(s: &str) -> Result<Option<Source>> {
        let bad = || AppError::Invalid("choose the settings from the list".into());
        match s.split_once(':') {
            None if s.is_empty() => Ok(None),
            Some(("preset", name)) => Ok(Some(Source::Preset(name.to_string()))),
            Some(("gallery", id)) => Ok(Some(Source::Gallery(id.parse().map_err(|_| bad())?))),
            _ => Err(bad()),
        }
    }
}

/// Every preset on offer: the built-in ones, then the studio's.
pub async fn all(app: &App) -> Result<Vec<Preset>> {
    let studio = super::studio::get(app).await?;
    Ok(preset::BUILT_IN.iter().filter_map(|n| preset::built_in(n)).chain(studio.presets).collect())
}

async fn resolve(app: &App, source: &Source) -> Result<Preset> {
    match source {
        Source::Preset(name) => all(app)
            .await?
            .into_iter()
            .find(|p| p.name == *name)
            .ok_or_else(|| AppError::Invalid(format!("there is no preset called “{name}”"))),
        Source::Gallery(id) => Ok(Preset::of(&app.gallery(*id).await?, "")),
    }
}

/// Gives gallery `id` the settings of `source`.
pub async fn apply(app: &App, id: GalleryId, source: &Source) -> Result<Gallery> {
    let p = resolve(app, source).await?;
    check_price_list(app, &p).await?;
    let g = app
        .with_db(move |db| {
            let mut g = db.gallery(id)?.ok_or_else(|| AppError::NotFound("gallery not found".into()))?;
            p.apply(&mut g);
            db.put_gallery(&g)?;
            Ok(g)
        })
        .await?;
    // The watermark may have changed: its previews are drawn in the background.
    super::studio::rerender(app, Some(id)).await?;
    Ok(g)
}

/// A preset naming a price list the studio has since removed follows the studio's default.
async fn check_price_list(app: &App, p: &Preset) -> Result<()> {
    if let Some(list) = p.price_list {
        let studio = super::studio::get(app).await?;
        if !studio.catalog.lists.iter().any(|l| l.id == Some(list)) {
            return Err(AppError::Invalid(format!(
                "the preset “{}” orders from a price list that no longer exists; save it again",
                p.name
            )));
        }
    }
    Ok(())
}

/// Saves gallery `id`'s settings as the studio preset `name` (replacing one of that name).
pub async fn save(app: &App, id: GalleryId, name: &str) -> Result<Preset> {
    let name = clean_text("the preset's name", name, 60)?;
    if preset::BUILT_IN.iter().any(|b| b.eq_ignore_ascii_case(&name)) {
        return Err(AppError::Invalid(format!("“{name}” is a built-in preset; give yours another name")));
    }
    let p = Preset::of(&app.gallery(id).await?, &name);
    let saved = p.clone();
    app.with_db(move |db| {
        db.update_studio(|s| {
            s.presets.retain(|q| !q.name.eq_ignore_ascii_case(&p.name));
            s.presets.push(p);
            Ok::<(), AppError>(())
        })?
    })
    .await?;
    super::studio::forget(app);
    Ok(saved)
}

/// Removes the studio preset `name`.
pub async fn remove(app: &App, name: &str) -> Result<()> {
    let name = name.to_string();
    app.with_db(move |db| {
        db.update_studio(|s| {
            let before = s.presets.len();
            s.presets.retain(|p| p.name != name);
            match s.presets.len() < before {
                true => Ok(()),
                false => Err(AppError::NotFound("there is no such preset".into())),
            }
        })?
    })
    .await?;
    super::studio::forget(app);
    Ok(())
}

/// A gallery's settings as a preset (for scripts and the tests).
pub async fn settings(app: &App, id: GalleryId) -> Result<Preset> {
    Ok(Preset::of(&app.gallery(id).await?, ""))
}
