//! What a decoder hands the resizer, and the checks every decoder shares: the pixel limit,
//! the memory a rendition needs, and how corrupt data is reported.

use std::{
    fs::File,
    io::{BufReader, Seek},
};

use image::metadata::Orientation;

use super::{Limits, MediaError, budget::Grant};

/// A buffered reader of `source` from its first byte (each decoder attempt starts over).
pub(super) fn read_from_start(source: &File) -> std::io::Result<BufReader<File>> {
    let mut f = source.try_clone()?;
    f.rewind()?;
    Ok(BufReader::new(f))
}

/// Working memory of making the renditions from decoded pixels: the preview, its copy for
/// the thumb, and an oriented copy (a 2048 px preview is 12 MB each).
pub(super) fn rendition_work(target_edge: u32) -> u64 {
    3 * 3 * target_edge as u64 * target_edge as u64
}

pub struct Decoded {
    pub rgb: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The stored (unrotated) size of the source.
    pub source_width: u32,
    pub source_height: u32,
    pub orientation: Orientation,
    /// True when orientation turns the image by 90° (width and height trade places).
    pub orientation_swaps: bool,
    pub content_type: &'static str,
    /// The decode's share of the memory budget, held until the pixels are dropped.
    pub _grant: Grant,
}

pub(super) fn check_pixels(w: u32, h: u32, limits: &Limits) -> Result<(), MediaError> {
    let px = w as u64 * h as u64;
    if w == 0 || h == 0 {
        return Err(MediaError::Invalid("the image has no pixels".into()));
    }
    if px > limits.max_pixels {
        return Err(MediaError::Invalid(format!(
            "the image is {w}×{h} ({} MP); the limit is {} MP",
            px / 1_000_000,
            limits.max_pixels / 1_000_000
        )));
    }
    Ok(())
}

pub(super) fn corrupt(e: impl std::fmt::Display) -> MediaError {
    MediaError::Invalid(format!("the image data is corrupt or truncated ({e})"))
}

pub(super) fn swaps(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}
