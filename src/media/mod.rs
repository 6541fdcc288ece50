//! The only module that imports `image`: turns a source file into renditions. Decoding is
//! limited before any pixel is allocated, JPEGs are decoded at the smallest DCT scale that
//! still covers the preview, resizing is SIMD Lanczos3, EXIF orientation is applied to the
//! small result (rotating 24 MP costs ten times more), and renditions carry no metadata.

mod budget;
pub mod credit;
mod decode;
mod decoded;
mod encode;
mod png_stream;
pub mod print;
pub mod product_photo;
mod resize;
pub mod room_view;
pub mod watermark;

use std::{fs::File, sync::Arc};

pub use budget::DecodeBudget;
pub use decode::sniff;

/// Why a file could not be made into renditions. `Invalid` is the file's fault and final;
/// `Io` may pass and is retried.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("{0}")]
    Invalid(String),
    #[error("reading the file: {0}")]
    Io(#[from] std::io::Error),
}

/// Bounds checked before decoding.
#[derive(Clone)]
pub struct Limits {
    /// Largest accepted width × height of a source image.
    pub max_pixels: u64,
    /// Memory all decodes together may hold (see `budget.rs`).
    pub budget: Arc<DecodeBudget>,
}

impl Limits {
    pub fn new(max_pixels: u64, decode_budget: u64) -> Self {
        Limits { max_pixels, budget: DecodeBudget::new(decode_budget) }
    }
}

/// One encoded rendition.
pub struct Encoded {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What `render` made of a source file.
pub struct Rendered {
    /// Displayed size of the source, after orientation.
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
    pub thumb: Encoded,
    /// The middle size: sharp grid tiles on dense (2×, 3×) screens and covers on phones.
    pub medium: Encoded,
    pub preview: Encoded,
}

/// The long edges of the three renditions, largest first.
#[derive(Clone, Copy, Debug)]
pub struct Edges {
    pub preview: u32,
    pub medium: u32,
    pub thumb: u32,
}

impl Edges {
    /// The sizes the server keeps (`domain::Spec`).
    pub fn served() -> Self {
        use crate::domain::Spec;
        Edges {
            preview: Spec::Preview.long_edge(),
            medium: Spec::Medium.long_edge(),
            thumb: Spec::Thumb.long_edge(),
        }
    }
}

/// JPEG quality of renditions: visually clean at a third of the size of q95.
const QUALITY: u8 = 85;

/// Makes a preview, a medium and a thumb of the image in `source` (long edges from
/// `edges`), never upscaling. Each is resized from the one above it: cheaper than from the
/// source, and it looks the same.
pub fn render(source: &File, edges: Edges, limits: &Limits) -> Result<Rendered, MediaError> {
    // The decoded pixels hold their share of the budget until the renditions are made.
    let decoded = decode::decode(source, edges.preview, limits)?;
    let (src_w, src_h) = (decoded.source_width, decoded.source_height);
    let preview_px =
        resize::fit(decoded.rgb, decoded.width, decoded.height, scaled_fit(src_w, src_h, edges.preview))?;
    let smaller = |from: &resize::Pixels, edge: u32| {
        resize::fit(from.rgb.clone(), from.width, from.height, scaled_fit(src_w, src_h, edge))
    };
    let medium_px = smaller(&preview_px, edges.medium)?;
    let thumb_px = smaller(&medium_px, edges.thumb)?;
    let encode = |px| -> Result<Encoded, MediaError> {
        encode::jpeg(resize::orient(px, decoded.orientation)?, QUALITY)
    };
    let (preview, medium, thumb) = (encode(preview_px)?, encode(medium_px)?, encode(thumb_px)?);
    let (width, height) = if decoded.orientation_swaps { (src_h, src_w) } else { (src_w, src_h) };
    Ok(Rendered { width, height, content_type: decoded.content_type, thumb, medium, preview })
}

/// JPEG quality of files delivered at a smaller size: the client's own copy, so near the
/// source's quality rather than a preview's.
const DELIVERY_QUALITY: u8 = 92;

/// The image in `source` at `long_edge` (never upscaled), upright, as a JPEG: a digital
/// file bought in a smaller size ("web 2048 px"). `None` when the source is a JPEG no
/// larger, so the caller delivers it as it is.
pub fn sized(source: &File, long_edge: u32, limits: &Limits) -> Result<Option<Encoded>, MediaError> {
    let decoded = decode::decode(source, long_edge, limits)?;
    let (src_w, src_h) = (decoded.source_width, decoded.source_height);
    if src_w.max(src_h) <= long_edge && decoded.content_type == "image/jpeg" {
        return Ok(None);
    }
    let px = resize::fit(decoded.rgb, decoded.width, decoded.height, scaled_fit(src_w, src_h, long_edge))?;
    Ok(Some(encode::jpeg(resize::orient(px, decoded.orientation)?, DELIVERY_QUALITY)?))
}

/// The size of a `long_edge` rendition of a `w`×`h` source, never larger than the source.
pub fn scaled_fit(w: u32, h: u32, long_edge: u32) -> (u32, u32) {
    let long = w.max(h);
    if long <= long_edge {
        return (w.max(1), h.max(1));
    }
    let scale = long_edge as f64 / long as f64;
    let sw = ((w as f64 * scale).round() as u32).clamp(1, long_edge);
    let sh = ((h as f64 * scale).round() as u32).clamp(1, long_edge);
    (sw, sh)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits::new(50_000_000, 1 << 30)
    }

    #[test]
    fn every_accepted_format_renders_and_never_upscales() {
        let dir = tempfile::tempdir().unwrap();
        let img = image::RgbaImage::from_fn(900, 600, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255])
        });
        for (name, fmt) in [
            ("a.png", image::ImageFormat::Png),
            ("a.webp", image::ImageFormat::WebP),
            ("a.tiff", image::ImageFormat::Tiff),
            ("a.jpg", image::ImageFormat::Jpeg),
        ] {
            let path = dir.path().join(name);
            let rgba = image::DynamicImage::ImageRgba8(img.clone());
            // JPEG has no alpha channel to write.
            let out = if fmt == image::ImageFormat::Jpeg {
                image::DynamicImage::ImageRgb8(rgba.to_rgb8())
            } else {
                rgba
            };
            out.save_with_format(&path, fmt).unwrap();
            let r = render(&File::open(&path).unwrap(), Edges::served(), &limits())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!((r.width, r.height), (900, 600), "{name}");
            assert_eq!((r.preview.width, r.preview.height), (900, 600), "{name}: not upscaled");
            assert_eq!((r.thumb.width, r.thumb.height), (512, 341), "{name}");
            assert_eq!((r.medium.width, r.medium.height), (900, 600), "{name}: medium not upscaled");
            let thumb = image::load_from_memory(&r.thumb.bytes).unwrap();
            assert_eq!((thumb.width(), thumb.height()), (512, 341));
        }
    }

    #[test]
    fn limits_and_garbage_are_reasons_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("t.jpg");
        std::fs::write(&text, b"just text").unwrap();
        assert!(matches!(
            render(&File::open(&text).unwrap(), Edges::served(), &limits()),
            Err(MediaError::Invalid(_))
        ));
        let big = dir.path().join("b.png");
        image::RgbImage::new(100, 100).save(&big).unwrap();
        let tiny = Limits::new(5_000, 1 << 30);
        match render(&File::open(&big).unwrap(), Edges::served(), &tiny) {
            Err(MediaError::Invalid(r)) => assert!(r.contains("limit"), "{r}"),
            _ => panic!("pixel limit not applied"),
        }
    }

    #[test]
    fn a_decode_larger_than_the_budget_is_refused_before_allocating() {
        let dir = tempfile::tempdir().unwrap();
        // 3000×3000 16-bit RGBA: 72 MB to decode natively, 36 MB more as 8-bit.
        let path = dir.path().join("deep.png");
        let img = image::ImageBuffer::<image::Rgba<u16>, Vec<u16>>::from_pixel(
            3000,
            3000,
            image::Rgba([9000, 20000, 40000, 65535]),
        );
        image::DynamicImage::ImageRgba16(img).save(&path).unwrap();
        match render(&File::open(&path).unwrap(), Edges::served(), &Limits::new(50_000_000, 64 << 20)) {
            Err(MediaError::Invalid(r)) => assert!(r.contains("decode_memory_mb"), "{r}"),
            Err(e) => panic!("{e}"),
            Ok(_) => panic!("decoded over the budget"),
        }
        let r = render(&File::open(&path).unwrap(), Edges::served(), &Limits::new(50_000_000, 256 << 20))
            .unwrap();
        assert_eq!((r.preview.width, r.preview.height), (2048, 2048));
        assert_eq!((r.medium.width, r.medium.height), (1024, 1024));
        assert_eq!((r.thumb.width, r.thumb.height), (512, 512));
    }

    #[test]
    fn fit_keeps_aspect_and_never_upscales() {
        assert_eq!(scaled_fit(6000, 4000, 2048), (2048, 1365));
        assert_eq!(scaled_fit(4000, 6000, 512), (341, 512));
        assert_eq!(scaled_fit(300, 200, 2048), (300, 200));
        assert_eq!(scaled_fit(100_000, 1, 512), (512, 1));
    }
}
