//! Room views saved with an order's lines (in a live session), made into pictures for the
//! order's mails: the room with the prints at the true scale of their sizes.

use std::collections::BTreeMap;

use super::{App, blocking, cart::CartPhoto, live::ROOMS};
use crate::{
    domain::{
        Hash, PhotoId,
        catalog::Catalog,
        live::{FRAME_MM, Frame, Room, oriented},
        order::Order,
    },
    media::room_view::{self, Edge, Print},
};

/// One picture per line with a room view: (caption, JPEG blob). A picture that cannot be
/// made (a wall photo removed meanwhile) is left out: the order matters more than it.
pub async fn pictures(
    app: &App,
    order: &Order,
    photos: &BTreeMap<PhotoId, CartPhoto>,
    catalog: &Catalog,
) -> Vec<(String, Hash)> {
    let mut out = Vec::new();
    for line in &order.cart.lines {
        let (Some(room), Some(photo)) = (&line.room, line.photo) else { continue };
        let Some(product) = catalog.prices.product(line.product) else { continue };
        let filename = photos.get(&photo).map_or("the photo", |p| p.filename.as_str());
        let place = match room.wall {
            Some(_) => "on your wall".to_string(),
            None => ROOMS
                .iter()
                .find(|(id, _)| *id == room.room)
                .map_or("in the room".to_string(), |(_, name)| format!("in the {}", name.to_lowercase())),
        };
        let caption = format!(
            "{} of {filename}, seen {place} (the wall {} cm wide)",
            product.name,
            room.wall_mm.div_ceil(10)
        );
        match picture(app, room, photo, photos, catalog).await {
            Ok(hash) => out.push((caption, hash)),
            Err(e) => tracing::warn!("room view of order {}: {e}", order.number),
        }
    }
    out
}

async fn picture(
    app: &App,
    room: &Room,
    shown: PhotoId,
    photos: &BTreeMap<PhotoId, CartPhoto>,
    catalog: &Catalog,
) -> super::Result<Hash> {
    let missing = |what: &str| super::AppError::NotFound(format!("the room view's {what} is gone"));
    // Each print: its preview (as the client sees it) and its size turned to the photo.
    let mut prints = Vec::new();
    for (photo, product) in room.hung(shown) {
        let p = photos.get(&photo).ok_or_else(|| missing("photo"))?;
        let size = catalog.prices.product(product).and_then(|x| x.kind.print_size());
        let (Some(preview), Some(size)) = (p.preview, size) else { continue };
        prints.push((preview.0, oriented(size, p.size)));
    }
    let room = room.clone();
    let blobs = app.blobs.clone();
    blocking(move || {
        let background = match room.wall {
            Some(h) => blobs.read(&h)?,
            None => room_view::bundled(&room.room).ok_or_else(|| missing("room"))?.to_vec(),
        };
        let aspect = room_view::aspect(&background).map_err(media_error)?;
        let sizes: Vec<(f64, f64)> = prints.iter().map(|p| p.1).collect();
        let wall_w = f64::from(room.wall_mm);
        let wall_h = wall_w / aspect;
        let previews = prints.iter().map(|p| blobs.read(&p.0)).collect::<std::io::Result<Vec<_>>>()?;
        let placed: Vec<Print> = room
            .layout(&sizes, aspect)
            .iter()
            .zip(&previews)
            .map(|(h, photo)| Print {
                photo,
                x: h.x_mm / wall_w,
                y: h.y_mm / wall_h,
                w: h.w_mm / wall_w,
                h: h.h_mm / wall_h,
            })
            .collect();
        let edge = match room.frame {
            Frame::None => Edge::None,
            Frame::Black => Edge::Black,
            Frame::White => Edge::White,
            Frame::Canvas => Edge::Canvas,
        };
        let jpeg = room_view::compose(&background, &placed, edge, FRAME_MM / wall_w).map_err(media_error)?;
        Ok(blobs.put_bytes(&jpeg.bytes)?.hash)
    })
    .await
}

fn media_error(e: crate::media::MediaError) -> super::AppError {
    super::AppError::Internal(format!("drawing the room view: {e}"))
}
