//! Prints the studio fulfils: an order's print and wall-art lines as a lab-ready zip. Each
//! file is the client's crop (or the largest centred one of the print's shape) at the
//! print's size in pixels at 300 ppi, named by order and line, with a CSV order sheet.

use super::{App, AppError, Result, blocking, downloads};
use crate::domain::{Hash, quote::Crop};

/// Pixels per inch the lab files are made at.
pub const PPI: u32 = 300;

fn px(mm: u32) -> u32 {
    ((mm as f64 / 25.4) * PPI as f64).round() as u32
}

/// The largest crop of the print's shape (either way round, as the photo lies), centred.
fn centred(photo: (u32, u32), print: (u32, u32)) -> Crop {
    let (pw, ph) = (photo.0.max(1) as f64, photo.1.max(1) as f64);
    let (a, b) = (print.0.max(1) as f64, print.1.max(1) as f64);
    let ratio = if (pw >= ph) == (a >= b) { a / b } else { b / a };
    let (mut w, mut h) = (1.0, (pw / ratio) / ph);
    if h > 1.0 {
        h = 1.0;
        w = (ph * ratio) / pw;
    }
    let u = |v: f64| (v * 10_000.0).floor() as u32;
    Crop { x: u((1.0 - w) / 2.0), y: u((1.0 - h) / 2.0), w: u(w), h: u(h) }
}

/// The lab zip of an order's prints, for the photographer.
pub async fn zip(app: &App, id: &str) -> Result<downloads::Zip> {
    let o = super::orders::get(app, id).await?;
    let catalog = super::catalog::get(app).await?;
    let mut sheet = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| AppError::Internal(format!("order sheet: {e}"));
    sheet
        .write_record([
            "file",
            "photo",
            "product",
            "width_mm",
            "height_mm",
            "quantity",
            "crop",
            "client",
            "ship_to",
        ])
        .map_err(csv_err)?;
    let mut files: Vec<(String, Hash, Option<u64>)> = Vec::new();
    for (i, line) in o.cart.lines.iter().enumerate() {
        let (Some(photo), Some(product)) = (line.photo, catalog.any_product(line.product)) else {
            continue;
        };
        let Some(print) = product.kind.print_size() else { continue };
        let Ok(p) = app.photo(photo).await else { continue };
        let (Some(source), Some(size)) = (p.original, p.size) else { continue };
        let crop = line.crop.unwrap_or_else(|| centred(size, print));
        let stem =
            std::path::Path::new(&p.photo.filename).file_stem().and_then(|s| s.to_str()).unwrap_or("photo");
        let name = format!(
            "order{}-line{:02}-{}x{}mm-x{}-{stem}.jpg",
            o.number,
            i + 1,
            print.0,
            print.1,
            line.quantity
        );
        // Its own decode budget: the photographer exports one order at a time.
        let limits = crate::media::Limits::new(app.config.max_pixels, app.config.decode_budget);
        let blobs = app.blobs.clone();
        let target = (px(print.0), px(print.1));
        let stored = blocking(move || {
            let file = blobs.open(&source)?;
            let out =
                crate::media::print::print_file(&file, (crop.x, crop.y, crop.w, crop.h), target, &limits)
                    .map_err(|e| AppError::Invalid(format!("photo {photo}: {e}")))?;
            Ok(blobs.put_bytes(&out.bytes)?)
        })
        .await?;
        sheet
            .write_record([
                name.as_str(),
                p.photo.filename.as_str(),
                product.name.as_str(),
                &print.0.to_string(),
                &print.1.to_string(),
                &line.quantity.to_string(),
                &format!("{},{},{},{}", crop.x, crop.y, crop.w, crop.h),
                o.customer.name.as_str(),
                o.customer.address.as_deref().unwrap_or(""),
            ])
            .map_err(csv_err)?;
        files.push((name, stored.hash, Some(stored.size)));
    }
    if files.is_empty() {
        return Err(AppError::NotFound("This order has no prints to make.".into()));
    }
    let bytes = sheet.into_inner().map_err(|e| AppError::Internal(format!("order sheet: {e}")))?;
    let blobs = app.blobs.clone();
    let sheet_blob = blocking(move || Ok(blobs.put_bytes(&bytes)?)).await?;
    files.insert(0, (format!("order{}-sheet.csv", o.number), sheet_blob.hash, Some(sheet_blob.size)));
    downloads::named(app, &format!("order {} prints", o.number), files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_centred_crop_has_the_prints_shape() {
        // A 3:2 landscape photo, a 10 × 15 print: the whole photo.
        assert_eq!(centred((6000, 4000), (100, 150)), Crop { x: 0, y: 0, w: 10_000, h: 10_000 });
        // A 2:1 photo, the same print: 75 % of the width, centred.
        assert_eq!(centred((1200, 600), (100, 150)), Crop { x: 1250, y: 0, w: 7500, h: 10_000 });
        assert_eq!(px(254), 3000, "10 inches at 300 ppi");
    }
}
