//! The studio's product photos (a canvas on a wall, an album open on a table) for the
//! pricing guide, and the client's wall in a live session: any uploaded photo, turned
//! upright and made a JPEG small enough for a phone.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader};

use super::{Encoded, MediaError, QUALITY, encode, resize, scaled_fit};

/// Largest photo accepted: a camera's full resolution, with room.
const MAX_PIXELS: u64 = 60_000_000;
/// The long edge it is kept at: sharp on a phone's card, a few hundred kilobytes.
pub const LONG_EDGE: u32 = 1200;

pub fn product_photo(bytes: &[u8]) -> Result<Encoded, MediaError> {
    upright_jpeg(bytes, LONG_EDGE)
}

/// Any uploaded photo (a product, a client's wall), upright, at most `long_edge` pixels on
/// its long side, as a JPEG without metadata.
pub fn upright_jpeg(bytes: &[u8], long_edge: u32) -> Result<Encoded, MediaError> {
    upright_jpeg_within(bytes, long_edge, MAX_PIXELS, None)
}

/// `upright_jpeg` within `max_pixels`, its decode weighed against `budget` when given (a
/// client's photo: many may come at once).
pub(super) fn upright_jpeg_within(
    bytes: &[u8],
    long_edge: u32,
    max_pixels: u64,
    budget: Option<&std::sync::Arc<super::DecodeBudget>>,
) -> Result<Encoded, MediaError> {
    let not_image = |e: image::ImageError| MediaError::Invalid(format!("not an image: {e}"));
    let mut decoder = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| MediaError::Invalid(format!("not an image: {e}")))?
        .into_decoder()
        .map_err(not_image)?;
    let (w, h) = decoder.dimensions();
    let pixels = u64::from(w) * u64::from(h);
    if pixels > max_pixels {
        return Err(MediaError::Invalid(format!("{w}×{h} pixels is over the limit for this photo")));
    }
    // The decoded image (up to four bytes a pixel) and its RGB copy.
    let _grant = budget.map(|b| b.take(pixels * 7)).transpose()?;
    // Phones store photos sideways with an EXIF note; the guide shows them upright.
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(not_image)?;
    img.apply_orientation(orientation);
    let rgb = img.into_rgb8();
    let (w, h) = rgb.dimensions();
    let px = resize::fit(rgb.into_raw(), w, h, scaled_fit(w, h, long_edge))?;
    encode::jpeg(px, QUALITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_photo_becomes_a_small_upright_jpeg_and_junk_is_refused() {
        let big = image::RgbImage::from_pixel(3000, 2000, image::Rgb([200, 120, 40]));
        let mut png = Vec::new();
        DynamicImage::ImageRgb8(big).write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
        let out = product_photo(&png).unwrap();
        assert_eq!((out.width, out.height), (1200, 800));
        assert_eq!(&out.bytes[..2], &[0xFF, 0xD8], "a JPEG");
        assert!(matches!(product_photo(b"not an image"), Err(MediaError::Invalid(_))));
    }
}
