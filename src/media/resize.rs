//! Resizing with fast_image_resize (SIMD Lanczos3) and orienting the small result.

use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images::Image};
use image::{DynamicImage, RgbImage, metadata::Orientation};

use super::MediaError;

/// RGB8 pixels and their size.
pub struct Pixels {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Resizes `rgb` (`w`×`h`) to exactly `target`, or returns it untouched when already there.
pub fn fit(rgb: Vec<u8>, w: u32, h: u32, target: (u32, u32)) -> Result<Pixels, MediaError> {
    if (w, h) == target || w <= target.0 && h <= target.1 {
        return Ok(Pixels { rgb, width: w, height: h });
    }
    let src = Image::from_vec_u8(w, h, rgb, PixelType::U8x3).map_err(internal)?;
    let mut dst = Image::new(target.0, target.1, PixelType::U8x3);
    let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new().resize(&src, &mut dst, &opts).map_err(internal)?;
    Ok(Pixels { rgb: dst.into_vec(), width: target.0, height: target.1 })
}

/// Applies an EXIF orientation to small pixels.
pub fn orient(px: Pixels, o: Orientation) -> Result<Pixels, MediaError> {
    if o == Orientation::NoTransforms {
        return Ok(px);
    }
    let img = RgbImage::from_raw(px.width, px.height, px.rgb).ok_or_else(|| internal("pixel buffer size"))?;
    let mut dynimg = DynamicImage::ImageRgb8(img);
    dynimg.apply_orientation(o);
    let (width, height) = (dynimg.width(), dynimg.height());
    Ok(Pixels { rgb: dynimg.into_rgb8().into_raw(), width, height })
}

fn internal(e: impl std::fmt::Display) -> MediaError {
    MediaError::Io(std::io::Error::other(format!("resize: {e}")))
}
