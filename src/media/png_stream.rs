//! Shrink-on-load for PNG, as DCT scaling is for JPEG. A PNG much larger than the preview is
//! decoded row by row (8-bit, palette expanded: the png crate's own transformations) and
//! box-averaged by a whole factor as the rows come, so a 14000² 16-bit RGBA scan needs one
//! row and the small result (about 40 MB), not the 2.9 GB of a whole-image decode. The
//! resizer then makes the exact preview from that, as it does from a scaled JPEG.
//! Interlaced PNGs (Adam7 delivers rows out of order) take the whole-image path.

use std::fs::File;

use image::metadata::Orientation;

use super::{
    Limits, MediaError,
    decoded::{Decoded, check_pixels, corrupt, read_from_start, rendition_work, swaps},
};

/// Decodes `source` shrunk by the largest whole factor that keeps it at least `target_edge`
/// on its long side; `Ok(None)` when that factor is 1 or the file is interlaced (the
/// whole-image decoder is then as good).
pub fn decode_shrunk(
    source: &File,
    target_edge: u32,
    limits: &Limits,
) -> Result<Option<Decoded>, MediaError> {
    let mut decoder = png::Decoder::new(read_from_start(source)?);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(corrupt)?;
    let info = reader.info();
    let (sw, sh) = (info.width, info.height);
    check_pixels(sw, sh, limits)?;
    let factor = sw.max(sh) / target_edge.max(1);
    if factor < 2 || info.interlaced {
        return Ok(None);
    }
    let orientation = info
        .exif_metadata
        .as_deref()
        .and_then(Orientation::from_exif_chunk)
        .unwrap_or(Orientation::NoTransforms);
    let channels = match reader.output_color_type().0 {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => return Ok(None),
    };
    let (ow, oh) = (sw.div_ceil(factor), sh.div_ceil(factor));
    let out_bytes = ow as u64 * oh as u64 * 3;
    let row_bytes = sw as u64 * channels as u64 + ow as u64 * 4 * 3;
    let grant = limits.budget.take(out_bytes + row_bytes + rendition_work(target_edge))?;

    let mut rgb = Vec::with_capacity(out_bytes as usize);
    // Sums of one band of `factor` source rows, per output pixel and channel.
    let mut sums = vec![0u32; ow as usize * 3];
    let mut rows_in_band = 0u32;
    let flush = |sums: &mut [u32], rows: u32, rgb: &mut Vec<u8>| {
        for (ox, px) in sums.chunks_exact_mut(3).enumerate() {
            let cols = factor.min(sw - ox as u32 * factor);
            let n = cols * rows;
            rgb.extend(px.iter().map(|s| ((s + n / 2) / n) as u8));
            px.fill(0);
        }
    };
    while let Some(row) = reader.next_row().map_err(corrupt)? {
        for (x, p) in row.data().chunks_exact(channels).enumerate() {
            let [r, g, b] = flatten(p);
            let at = (x as u32 / factor) as usize * 3;
            sums[at] += r as u32;
            sums[at + 1] += g as u32;
            sums[at + 2] += b as u32;
        }
        rows_in_band += 1;
        if rows_in_band == factor {
            flush(&mut sums, rows_in_band, &mut rgb);
            rows_in_band = 0;
        }
    }
    if rows_in_band > 0 {
        flush(&mut sums, rows_in_band, &mut rgb);
    }
    if rgb.len() != out_bytes as usize {
        return Err(corrupt("the image has fewer rows than its header says"));
    }
    Ok(Some(Decoded {
        rgb,
        width: ow,
        height: oh,
        source_width: sw,
        source_height: sh,
        orientation_swaps: swaps(orientation),
        orientation,
        content_type: "image/png",
        _grant: grant,
    }))
}

/// One 8-bit pixel of 1–4 channels as RGB, transparency flattened onto white.
fn flatten(p: &[u8]) -> [u8; 3] {
    let over_white = |c: u8, a: u8| ((c as u32 * a as u32 + 255 * (255 - a as u32)) / 255) as u8;
    match *p {
        [l] => [l, l, l],
        [l, a] => {
            let v = over_white(l, a);
            [v, v, v]
        }
        [r, g, b] => [r, g, b],
        [r, g, b, a] => [over_white(r, a), over_white(g, a), over_white(b, a)],
        _ => [0, 0, 0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_deep_png_is_shrunk_as_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deep.png");
        // 4100×3000, 16-bit RGBA: left half opaque red, right half fully transparent.
        let img = image::ImageBuffer::from_fn(4100, 3000, |x, _| {
            if x < 2050 { image::Rgba([65535u16, 0, 0, 65535]) } else { image::Rgba([0u16, 0, 65535, 0]) }
        });
        image::DynamicImage::ImageRgba16(img).save(&path).unwrap();
        // 64 MiB would not hold a whole-image decode (98 MB native + 49 MB converted).
        let limits = Limits::new(50_000_000, 64 << 20);
        let d = decode_shrunk(&File::open(&path).unwrap(), 2048, &limits).unwrap().expect("shrunk");
        assert_eq!((d.width, d.height, d.source_width, d.source_height), (2050, 1500, 4100, 3000));
        assert_eq!(&d.rgb[..3], &[255, 0, 0], "red stays red");
        let last = d.rgb.len() - 3;
        assert_eq!(&d.rgb[last..], &[255, 255, 255], "transparent becomes white");
        // Small enough PNGs are left to the whole-image decoder.
        let small = dir.path().join("small.png");
        image::RgbImage::new(3000, 2000).save(&small).unwrap();
        assert!(decode_shrunk(&File::open(&small).unwrap(), 2048, &limits).unwrap().is_none());
    }
}
