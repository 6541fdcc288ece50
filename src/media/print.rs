//! Files for a print lab: the client's crop of a photo, at the print's size in pixels
//! (e.g. 300 ppi), as a high-quality JPEG.

use std::fs::File;

use super::{Encoded, Limits, MediaError, decode, encode, resize};

/// JPEG quality for the lab: prints show what screens forgive.
const LAB_QUALITY: u8 = 95;

/// The part `crop` (x, y, w, h in ten-thousandths of the photo as displayed, after its
/// EXIF orientation) of the image in `source`, scaled to fit `target` pixels (never
/// enlarged: a small source prints at the pixels it has).
pub fn print_file(
    source: &File,
    crop: (u32, u32, u32, u32),
    target: (u32, u32),
    limits: &Limits,
) -> Result<Encoded, MediaError> {
    // Full resolution: the decode's memory is reserved for the source's own long edge.
    let (sw, sh) = image::ImageReader::new(super::decoded::read_from_start(source)?)
        .with_guessed_format()?
        .into_dimensions()
        .map_err(|e| MediaError::Invalid(format!("cannot read the image's size: {e}")))?;
    let decoded = decode::decode(source, sw.max(sh), limits)?;
    let full = resize::orient(
        resize::Pixels { rgb: decoded.rgb, width: decoded.width, height: decoded.height },
        decoded.orientation,
    )?;
    let (w, h) = (full.width as u64, full.height as u64);
    let (x0, y0) = ((crop.0 as u64 * w / 10_000) as u32, (crop.1 as u64 * h / 10_000) as u32);
    let cw = ((crop.2 as u64 * w / 10_000) as u32).clamp(1, full.width - x0.min(full.width - 1));
    let ch = ((crop.3 as u64 * h / 10_000) as u32).clamp(1, full.height - y0.min(full.height - 1));
    let mut rgb = Vec::with_capacity(cw as usize * ch as usize * 3);
    for row in y0..y0 + ch {
        let start = (row as usize * full.width as usize + x0 as usize) * 3;
        rgb.extend_from_slice(&full.rgb[start..start + cw as usize * 3]);
    }
    // The target has the crop's shape either way round; fit within it, never enlarging.
    let (tw, th) = if (cw >= ch) == (target.0 >= target.1) { target } else { (target.1, target.0) };
    let scale = (tw as f64 / cw as f64).min(th as f64 / ch as f64).min(1.0);
    let size = (((cw as f64 * scale).round() as u32).max(1), ((ch as f64 * scale).round() as u32).max(1));
    encode::jpeg(resize::fit(rgb, cw, ch, size)?, LAB_QUALITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crop_is_cut_and_scaled_to_the_print() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.jpg");
        // 400×200, the right half white, the left half dark.
        let mut img = image::RgbImage::new(400, 200);
        for (x, _, p) in img.enumerate_pixels_mut() {
            *p = if x >= 200 { image::Rgb([255, 255, 255]) } else { image::Rgb([20, 20, 20]) };
        }
        img.save(&path).unwrap();
        let limits = Limits::new(100_000_000, 1 << 30);
        // The right half (a square), for a 100×100 px print.
        let out =
            print_file(&File::open(&path).unwrap(), (5000, 0, 5000, 10_000), (100, 100), &limits).unwrap();
        assert_eq!((out.width, out.height), (100, 100));
        let back = image::load_from_memory(&out.bytes).unwrap().to_rgb8();
        assert!(back.get_pixel(50, 50)[0] > 240, "the white half");
        // Never enlarged: a 1000 px print of a 200 px crop stays 200 px.
        let out =
            print_file(&File::open(&path).unwrap(), (0, 0, 5000, 10_000), (1000, 1000), &limits).unwrap();
        assert_eq!((out.width, out.height), (200, 200));
    }
}
