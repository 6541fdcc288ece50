//! The photo grid, rendered once and shared by every visitor of one link and set.

use std::sync::Arc;

use super::views;
use crate::{
    app::{self, App, AppError, media_urls, visit::Visit},
    domain::{GalleryId, ShareId},
    web::models::PhotoOut,
};

/// (link, set, media-URL window, two-second slot).
type TileKey = (ShareId, GalleryId, bool, u64, u64);

/// Rendered grids, shared by every visitor of one link and set (the HTML carries the link's
/// own download URLs, so two links never share an entry). An entry serves one two-second
/// slot: long enough that a crowd opening one gallery costs one render, short enough that
/// new photos show up at once. When a slot begins, one request renders and the others wait
/// for it instead of all rendering at once. Keys carry the media-URL window, so cached URLs
/// never outlive their signatures.
pub struct TileCache(quick_cache::sync::Cache<TileKey, Arc<String>>);

const TILE_SLOT_MS: u64 = 2000;

impl TileCache {
    pub fn new() -> Self {
        TileCache(quick_cache::sync::Cache::new(256))
    }

    /// The grid of the visit's set, with download links under `base`.
    pub async fn get(&self, state: &App, v: &Visit, base: &str) -> Result<Arc<String>, AppError> {
        // An archive of finals shows another grid than the same link did while live.
        let key = (
            v.share().id,
            v.set().id,
            v.access().finals_only,
            media_urls::window(),
            crate::domain::now_ms() / TILE_SLOT_MS,
        );
        self.0.get_or_insert_async(&key, render(state, v, base)).await
    }
}

async fn render(state: &App, v: &Visit, base: &str) -> Result<Arc<String>, AppError> {
    let tiles = app::client::grid(state, v).await?;
    let outs: Vec<(PhotoOut, bool)> =
        tiles.iter().map(|t| (PhotoOut::new(state, &t.photo), t.downloadable)).collect();
    let html = views::tiles(&outs, |p| format!("{base}/download/{}", p.id), v.access().may_favourite());
    Ok(Arc::new(html.into_string()))
}
