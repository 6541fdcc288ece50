//! Decoding with limits. JPEGs in RGB or grey take jpeg-decoder's DCT scaling (1/2, 1/4,
//! 1/8), which saves most of the decode time and three quarters of the memory for a
//! preview; PNGs much larger than the preview are shrunk as their rows are read
//! (`png_stream.rs`); everything else goes through `image` with its allocation limits. Either way the
//! memory a decode will need is weighed from the header and taken from the decode budget
//! before a pixel is allocated.

use std::{fs::File, io::BufReader};

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, metadata::Orientation};

use super::{
    Limits, MediaError,
    decoded::{Decoded, check_pixels, corrupt, read_from_start, rendition_work, swaps},
    scaled_fit,
};

/// The formats proofroom accepts, recognised by their first bytes; `None` for anything else.
pub fn sniff(head: &[u8]) -> Option<&'static str> {
    match image::guess_format(head).ok()? {
        f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP | ImageFormat::Tiff) => {
            Some(f.to_mime_type())
        }
        _ => None,
    }
}

pub fn decode(source: &File, target_edge: u32, limits: &Limits) -> Result<Decoded, MediaError> {
    // Each attempt reads from the start through its own reader; the handles share one file
    // position, so no reader is kept across another's use.
    let reader =
        || -> Result<_, MediaError> { Ok(ImageReader::new(read_from_start(source)?).with_guessed_format()?) };
    match reader()?.format() {
        Some(ImageFormat::Jpeg) => {
            if let Some(d) = decode_jpeg_scaled(source, target_edge, limits)? {
                return Ok(d);
            }
            decode_with_image(reader()?, ImageFormat::Jpeg, target_edge, limits)
        }
        Some(ImageFormat::Png) => {
            if let Some(d) = super::png_stream::decode_shrunk(source, target_edge, limits)? {
                return Ok(d);
            }
            decode_with_image(reader()?, ImageFormat::Png, target_edge, limits)
        }
        Some(f @ (ImageFormat::WebP | ImageFormat::Tiff)) => {
            decode_with_image(reader()?, f, target_edge, limits)
        }
        _ => Err(MediaError::Invalid("not a JPEG, PNG, WebP or TIFF image".into())),
    }
}

/// The scaled JPEG path. `Ok(None)` for colour types it does not handle (CMYK, 16-bit grey),
/// which the general path then decodes.
fn decode_jpeg_scaled(
    source: &File,
    target_edge: u32,
    limits: &Limits,
) -> Result<Option<Decoded>, MediaError> {
    let mut dec = jpeg_decoder::Decoder::new(read_from_start(source)?);
    dec.read_info().map_err(corrupt)?;
    let info = dec.info().ok_or_else(|| corrupt("no header"))?;
    let (sw, sh) = (info.width as u32, info.height as u32);
    check_pixels(sw, sh, limits)?;
    let channels = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => 3,
        jpeg_decoder::PixelFormat::L8 => 1,
        _ => return Ok(None),
    };
    let orientation =
        dec.exif_data().and_then(Orientation::from_exif_chunk).unwrap_or(Orientation::NoTransforms);
    let (tw, th) = scaled_fit(sw, sh, target_edge);
    let (w, h) = dec.scale(tw as u16, th as u16).map_err(corrupt)?;
    let (w, h) = (w as u32, h as u32);
    // Scaled output (and its grey-to-RGB copy); a progressive file also keeps every DCT
    // coefficient of the full-size image (2 bytes per sample) until the last scan.
    let progressive = matches!(info.coding_process, jpeg_decoder::CodingProcess::DctProgressive);
    let out = w as u64 * h as u64 * 3;
    let coefficients = if progressive { sw as u64 * sh as u64 * channels as u64 * 2 } else { 0 };
    let grant = limits.budget.take(out * 2 + coefficients + rendition_work(target_edge))?;
    dec.set_max_decoding_buffer_size(limits.budget.total() as usize);
    let pixels = dec.decode().map_err(corrupt)?;
    let rgb = if channels == 1 { pixels.iter().flat_map(|&l| [l, l, l]).collect() } else { pixels };
    if rgb.len() < (w * h * 3) as usize {
        return Err(corrupt("short pixel data"));
    }
    Ok(Some(Decoded {
        rgb,
        width: w,
        height: h,
        source_width: sw,
        source_height: sh,
        orientation_swaps: swaps(orientation),
        orientation,
        content_type: "image/jpeg",
        _grant: grant,
    }))
}

fn decode_with_image(
    reader: ImageReader<BufReader<File>>,
    format: ImageFormat,
    target_edge: u32,
    limits: &Limits,
) -> Result<Decoded, MediaError> {
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (sw, sh) = decoder.dimensions();
    check_pixels(sw, sh, limits)?;
    // The decoder's buffer in its own pixel format, then (unless that is already 8-bit RGB)
    // the 8-bit RGB(A) conversion, which the flattening below reuses in place.
    let color = decoder.color_type();
    let px = sw as u64 * sh as u64;
    let native = px * color.bytes_per_pixel() as u64;
    let converted = if color == image::ColorType::Rgb8 { 0 } else { px * 4 };
    let grant = limits.budget.take(native + converted + rendition_work(target_edge))?;
    let mut lim = image::Limits::default();
    lim.max_alloc = Some(limits.budget.total());
    decoder.set_limits(lim).map_err(|e| MediaError::Invalid(e.to_string()))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let img = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    let rgb = if img.color().has_alpha() {
        over_white(img.into_rgba8().into_raw())
    } else {
        img.into_rgb8().into_raw()
    };
    Ok(Decoded {
        rgb,
        width: sw,
        height: sh,
        source_width: sw,
        source_height: sh,
        orientation_swaps: swaps(orientation),
        orientation,
        content_type: format.to_mime_type(),
        _grant: grant,
    })
}

/// Flattens transparency onto white, as a print or a web page behind it would show it.
/// Works in place (RGBA in, the same buffer shortened to RGB out): no second full-size copy.
fn over_white(mut rgba: Vec<u8>) -> Vec<u8> {
    let n = rgba.len() / 4;
    for i in 0..n {
        let a = rgba[4 * i + 3] as u32;
        let mix = |c: u8| ((c as u32 * a + 255 * (255 - a)) / 255) as u8;
        let (r, g, b) = (mix(rgba[4 * i]), mix(rgba[4 * i + 1]), mix(rgba[4 * i + 2]));
        rgba[3 * i] = r;
        rgba[3 * i + 1] = g;
        rgba[3 * i + 2] = b;
    }
    rgba.truncate(3 * n);
    rgba
}
