//! Watermarks: text (in an embedded font) and/or a PNG drawn onto a finished preview, and the
//! checking of uploaded studio images (logo, watermark PNG).

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};
use image::{Rgba, RgbaImage, imageops};

use super::{Encoded, MediaError, QUALITY, encode, resize::Pixels};
use crate::domain::MarkPosition as Place;

/// DejaVu Sans Bold (free licence, see assets/fonts): legible small and large.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// What to draw: text and/or an image (PNG bytes), at `opacity` % of full strength, as
/// wide as `scale` % of the preview.
pub struct Mark<'a> {
    pub text: Option<&'a str>,
    pub image: Option<&'a [u8]>,
    pub place: Place,
    pub opacity: u8,
    pub scale: u8,
}

/// Largest studio image accepted (logo, watermark PNG), and the width it is kept at.
const STUDIO_IMAGE_MAX_PIXELS: u64 = 40_000_000;
const STUDIO_IMAGE_KEEP_WIDTH: u32 = 1600;

/// Checks an uploaded logo or watermark image and returns it as PNG (transparency kept, at
/// most 1600 px wide, no metadata).
pub fn studio_image(bytes: &[u8]) -> Result<Encoded, MediaError> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| MediaError::Invalid(format!("not an image: {e}")))?;
    let (w, h) = reader.into_dimensions().map_err(|e| MediaError::Invalid(format!("not an image: {e}")))?;
    if u64::from(w) * u64::from(h) > STUDIO_IMAGE_MAX_PIXELS {
        return Err(MediaError::Invalid(format!("{w}×{h} is over the limit for a logo")));
    }
    let img =
        image::load_from_memory(bytes).map_err(|e| MediaError::Invalid(format!("not an image: {e}")))?;
    let mut rgba = img.to_rgba8();
    if rgba.width() > STUDIO_IMAGE_KEEP_WIDTH {
        let h =
            (u64::from(rgba.height()) * u64::from(STUDIO_IMAGE_KEEP_WIDTH) / u64::from(rgba.width())).max(1);
        rgba = imageops::resize(&rgba, STUDIO_IMAGE_KEEP_WIDTH, h as u32, imageops::FilterType::Lanczos3);
    }
    let (width, height) = rgba.dimensions();
    let mut out = Vec::new();
    rgba.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .map_err(|e| MediaError::Io(std::io::Error::other(format!("png: {e}"))))?;
    Ok(Encoded { bytes: out, width, height })
}

/// A plain grey JPEG, to show a watermark on when there is no photo yet.
pub fn blank(width: u32, height: u32) -> Vec<u8> {
    let rgb = vec![128u8; (width * height * 3) as usize];
    encode::jpeg(Pixels { rgb, width, height }, QUALITY).map(|e| e.bytes).unwrap_or_default()
}

/// Draws `mark` on a preview (JPEG bytes) and encodes the result.
pub fn apply(preview: &[u8], mark: &Mark) -> Result<Encoded, MediaError> {
    let img = image::load_from_memory_with_format(preview, image::ImageFormat::Jpeg)
        .map_err(|e| MediaError::Invalid(format!("preview: {e}")))?;
    let mut rgb = img.into_rgb8();
    let (w, h) = rgb.dimensions();
    let target_w = (w * u32::from(mark.scale.clamp(5, 100)) / 100).max(8);
    let stamp = stamp(mark, target_w)?;
    let margin = (w.min(h) / 30) as i64;
    let (sw, sh) = (i64::from(stamp.width()), i64::from(stamp.height()));
    let (w, h) = (i64::from(w), i64::from(h));
    let (x, y) = match mark.place {
        Place::Center => ((w - sw) / 2, (h - sh) / 2),
        Place::BottomRight => (w - sw - margin, h - sh - margin),
        Place::BottomLeft => (margin, h - sh - margin),
        Place::TopRight => (w - sw - margin, margin),
        Place::TopLeft => (margin, margin),
    };
    let strength = f32::from(mark.opacity.clamp(1, 100)) / 100.0;
    for (sx, sy, px) in stamp.enumerate_pixels() {
        let (tx, ty) = (x + i64::from(sx), y + i64::from(sy));
        if tx < 0 || ty < 0 || tx >= w || ty >= h || px[3] == 0 {
            continue;
        }
        let a = f32::from(px[3]) / 255.0 * strength;
        let dst = rgb.get_pixel_mut(tx as u32, ty as u32);
        for c in 0..3 {
            dst[c] = (f32::from(dst[c]) * (1.0 - a) + f32::from(px[c]) * a).round() as u8;
        }
    }
    let (width, height) = rgb.dimensions();
    encode::jpeg(Pixels { rgb: rgb.into_raw(), width, height }, QUALITY)
}

/// The mark as an RGBA image `width` wide: the image above the text.
fn stamp(mark: &Mark, width: u32) -> Result<RgbaImage, MediaError> {
    let mut parts = Vec::new();
    if let Some(bytes) = mark.image {
        let logo = image::load_from_memory(bytes)
            .map_err(|e| MediaError::Invalid(format!("watermark image: {e}")))?
            .to_rgba8();
        let h = (u64::from(logo.height()) * u64::from(width) / u64::from(logo.width().max(1))).max(1);
        parts.push(imageops::resize(&logo, width, h as u32, imageops::FilterType::Triangle));
    }
    if let Some(text) = mark.text.filter(|t| !t.trim().is_empty()) {
        parts.push(text_image(text.trim(), width)?);
    }
    let gap = width / 20;
    let height = parts.iter().map(|p| p.height()).sum::<u32>() + gap * parts.len().saturating_sub(1) as u32;
    let mut out = RgbaImage::new(width, height.max(1));
    let mut y = 0;
    for p in parts {
        imageops::overlay(&mut out, &p, i64::from((width - p.width().min(width)) / 2), i64::from(y));
        y += p.height() + gap;
    }
    Ok(out)
}

/// White text with a soft dark edge, so it reads on light and dark photos alike, sized so
/// the line is `width` wide.
fn text_image(text: &str, width: u32) -> Result<RgbaImage, MediaError> {
    let font =
        FontRef::try_from_slice(FONT).map_err(|e| MediaError::Io(std::io::Error::other(e.to_string())))?;
    // Lay the line out once at 100 px to learn its width, then at the size that fits.
    let layout = |px: f32| {
        let f = font.as_scaled(PxScale::from(px));
        let mut x = 0.0;
        let mut last = None;
        let mut glyphs = Vec::new();
        for c in text.chars() {
            let id = f.glyph_id(c);
            if let Some(prev) = last {
                x += f.kern(prev, id);
            }
            glyphs.push((id, x));
            x += f.h_advance(id);
            last = Some(id);
        }
        (glyphs, x)
    };
    let px = (100.0 * width as f32 / layout(100.0).1.max(1.0)).clamp(4.0, 2000.0);
    let f = font.as_scaled(PxScale::from(px));
    let pad = (px / 12.0).ceil().max(1.0);
    let height = (f.ascent() - f.descent() + 2.0 * pad).ceil() as u32;
    let mut cover = vec![0f32; (width as usize) * (height as usize)];
    for (id, x) in layout(px).0 {
        let glyph = id.with_scale_and_position(px, point(x, pad + f.ascent()));
        let Some(outlined) = font.outline_glyph(glyph) else { continue };
        let b = outlined.px_bounds();
        outlined.draw(|gx, gy, c| {
            let (tx, ty) = (b.min.x as i64 + i64::from(gx), b.min.y as i64 + i64::from(gy));
            if tx >= 0 && ty >= 0 && (tx as u32) < width && (ty as u32) < height {
                let i = ty as usize * width as usize + tx as usize;
                cover[i] = (cover[i] + c).min(1.0);
            }
        });
    }
    // The edge: coverage spread by `r` pixels, drawn dark under the white letters.
    let r = (px / 24.0).ceil().max(1.0) as i64;
    let (wi, hi) = (i64::from(width), i64::from(height));
    let mut out = RgbaImage::new(width, height);
    for y in 0..hi {
        for x in 0..wi {
            let c = cover[(y * wi + x) as usize];
            let mut edge = 0f32;
            for dy in -r..=r {
                for dx in -r..=r {
                    let (nx, ny) = (x + dx, y + dy);
                    if nx >= 0 && ny >= 0 && nx < wi && ny < hi {
                        edge = edge.max(cover[(ny * wi + nx) as usize]);
                    }
                }
            }
            let edge_a = edge * 0.45;
            // White over the dark edge, composited.
            let a = c + edge_a * (1.0 - c);
            if a <= 0.0 {
                continue;
            }
            let v = (255.0 * c / a).round() as u8;
            out.put_pixel(x as u32, y as u32, Rgba([v, v, v, (a * 255.0).round() as u8]));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn preview(w: u32, h: u32, shade: u8) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([shade, shade, shade]));
        encode::jpeg(Pixels { rgb: img.into_raw(), width: w, height: h }, 90).unwrap().bytes
    }

    fn diff_box(a: &[u8], b: &[u8]) -> Option<(u32, u32, u32, u32)> {
        let (a, b) =
            (image::load_from_memory(a).unwrap().to_rgb8(), image::load_from_memory(b).unwrap().to_rgb8());
        let mut bbox: Option<(u32, u32, u32, u32)> = None;
        for (x, y, p) in a.enumerate_pixels() {
            let q = b.get_pixel(x, y);
            if (0..3).any(|c| p[c].abs_diff(q[c]) > 24) {
                bbox = Some(match bbox {
                    None => (x, y, x, y),
                    Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                });
            }
        }
        bbox
    }

    #[test]
    fn text_lands_where_asked_at_the_asked_width() {
        let src = preview(1200, 800, 90);
        let mark = Mark {
            text: Some("© Lumen Studio"),
            image: None,
            place: Place::BottomRight,
            opacity: 100,
            scale: 30,
        };
        let out = apply(&src, &mark).unwrap();
        assert_eq!((out.width, out.height), (1200, 800), "the size does not change");
        let (x0, y0, x1, y1) = diff_box(&src, &out.bytes).expect("something was drawn");
        assert!(x0 > 600 && y0 > 600, "bottom right: {x0},{y0}");
        let w = x1 - x0;
        assert!((300..=400).contains(&w), "about 30% of 1200 px wide: {w}");
        assert!(x1 < 1200 - 20 && y1 < 800 - 10, "inside a margin: {x1},{y1}");
    }

    #[test]
    fn an_image_mark_is_blended_with_its_opacity() {
        let src = preview(1000, 1000, 0);
        let logo = RgbaImage::from_pixel(100, 50, Rgba([255, 255, 255, 255]));
        let mut png = Vec::new();
        logo.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let png = studio_image(&png).unwrap().bytes;
        let mark = Mark { text: None, image: Some(&png), place: Place::Center, opacity: 50, scale: 20 };
        let out = image::load_from_memory(&apply(&src, &mark).unwrap().bytes).unwrap().to_rgb8();
        let centre = out.get_pixel(500, 500)[0];
        assert!((110..=145).contains(&centre), "half-strength white on black: {centre}");
        assert!(out.get_pixel(20, 20)[0] < 10, "outside the mark nothing changes");
    }

    #[test]
    fn studio_images_must_be_images() {
        assert!(matches!(studio_image(b"<svg onload=alert(1)>"), Err(MediaError::Invalid(_))));
    }
}
