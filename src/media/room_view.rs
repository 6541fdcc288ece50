//! A live session's room view as a picture, for the order's mail: the room (a bundled one,
//! or the photo of the client's own wall) with each print at its place and true scale, in
//! its frame. The browser draws the same from the same layout (`domain::live::Room`).

use image::{DynamicImage, Rgb, RgbImage, imageops};

use super::{Encoded, Limits, MediaError, QUALITY, encode, product_photo::upright_jpeg_within, resize};

/// The long edge a photo of the client's wall is kept at: enough for a large screen.
pub const WALL_EDGE: u32 = 1600;
/// The largest width of the picture in the mail.
const PICTURE_WIDTH: u32 = 1200;

/// The bundled rooms, the same files the browser shows (`assets/room-<id>.png`).
pub fn bundled(id: &str) -> Option<&'static [u8]> {
    match id {
        "living" => Some(include_bytes!("../../assets/room-living.png")),
        "bedroom" => Some(include_bytes!("../../assets/room-bedroom.png")),
        _ => None,
    }
}

/// A photo of the client's wall as the session keeps it: upright, a JPEG of at most
/// `WALL_EDGE` pixels. Its decode is held to the server's limits, like an upload's.
pub fn wall_photo(bytes: &[u8], limits: &Limits) -> Result<Encoded, MediaError> {
    upright_jpeg_within(bytes, WALL_EDGE, limits.max_pixels, Some(&limits.budget))
}

/// Width over height of a room picture.
pub fn aspect(bytes: &[u8]) -> Result<f64, MediaError> {
    let (w, h) = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()?
        .into_dimensions()
        .map_err(|e| MediaError::Invalid(format!("the room could not be read: {e}")))?;
    Ok(f64::from(w) / f64::from(h.max(1)))
}

/// How a print's edge is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    None,
    Black,
    White,
    Canvas,
}

/// One print: its photo (a JPEG rendition) and where it hangs, as fractions of the
/// room picture's width (`x`, `w`, `frame`) and height (`y`, `h`).
pub struct Print<'a> {
    pub photo: &'a [u8],
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

fn decode(bytes: &[u8], what: &str) -> Result<RgbImage, MediaError> {
    image::load_from_memory(bytes)
        .map(DynamicImage::into_rgb8)
        .map_err(|e| MediaError::Invalid(format!("the {what} could not be read: {e}")))
}

/// Draws the prints on the room and encodes the picture as a JPEG at most `PICTURE_WIDTH`
/// wide.
/// `frame` is the frame's width as a fraction of the room's width.
pub fn compose(room: &[u8], prints: &[Print], edge: Edge, frame: f64) -> Result<Encoded, MediaError> {
    let room = decode(room, "room")?;
    let (rw, rh) = room.dimensions();
    let height = (u64::from(PICTURE_WIDTH) * u64::from(rh) / u64::from(rw.max(1))).clamp(1, 4000) as u32;
    let px = resize::fit(room.into_raw(), rw, rh, (PICTURE_WIDTH, height))?;
    let (w, h) = (px.width, px.height);
    let mut canvas = RgbImage::from_raw(w, h, px.rgb)
        .ok_or_else(|| MediaError::Invalid("the room picture has the wrong size".into()))?;
    let (fw, fh) = (f64::from(w), f64::from(h));
    let frame_px = (frame * fw).round() as i64;
    for p in prints {
        let (x, y) = ((p.x * fw).round() as i64, (p.y * fh).round() as i64);
        let (pw, ph) = ((p.w * fw).round().max(1.0) as u32, (p.h * fh).round().max(1.0) as u32);
        if pw > 2 * w || ph > 2 * h {
            continue;
        }
        // A soft shadow below and right of the print, as on the screen.
        let reach = match edge {
            Edge::Black | Edge::White => frame_px,
            Edge::None | Edge::Canvas => 0,
        };
        let shadow = (f64::from(pw) * 0.02).round().max(2.0) as i64;
        shade(
            &mut canvas,
            x - reach + shadow,
            y - reach + shadow,
            pw as i64 + 2 * reach,
            ph as i64 + 2 * reach,
            0.7,
        );
        let frame_colour = match edge {
            Edge::Black => Some([29, 27, 25]),
            Edge::White => Some([246, 244, 239]),
            Edge::None | Edge::Canvas => None,
        };
        if let Some(colour) = frame_colour {
            paint(&mut canvas, x - reach, y - reach, pw as i64 + 2 * reach, ph as i64 + 2 * reach, |px| {
                *px = Rgb(colour)
            });
        }
        let photo = cover(decode(p.photo, "photo")?, pw, ph);
        imageops::replace(&mut canvas, &photo, x, y);
        if edge == Edge::Canvas {
            // The canvas wraps round its stretcher: its side shows as a darker band.
            let side = (f64::from(pw) * 0.015).round().max(2.0) as i64;
            shade(&mut canvas, x + pw as i64, y + side, side, ph as i64, 0.55);
            shade(&mut canvas, x + side, y + ph as i64, pw as i64, side, 0.55);
        }
    }
    encode::jpeg(resize::Pixels { rgb: canvas.into_raw(), width: w, height: h }, QUALITY)
}

/// The photo cut to the print's shape from its centre (as `background-size: cover`) and
/// scaled to `w` × `h`.
fn cover(photo: RgbImage, w: u32, h: u32) -> RgbImage {
    let (sw, sh) = photo.dimensions();
    let (sw64, sh64) = (u64::from(sw), u64::from(sh));
    let (cw, ch) = if sw64 * u64::from(h) > sh64 * u64::from(w) {
        ((sh64 * u64::from(w) / u64::from(h)).max(1) as u32, sh)
    } else {
        (sw, (sw64 * u64::from(h) / u64::from(w)).max(1) as u32)
    };
    let cut = imageops::crop_imm(&photo, (sw - cw) / 2, (sh - ch) / 2, cw, ch).to_image();
    imageops::resize(&cut, w, h, imageops::FilterType::Triangle)
}

/// The part of the rectangle inside the canvas, as pixel ranges.
fn clip(c: &RgbImage, x: i64, y: i64, w: i64, h: i64) -> (std::ops::Range<u32>, std::ops::Range<u32>) {
    let (cw, ch) = (i64::from(c.width()), i64::from(c.height()));
    let xs = x.clamp(0, cw) as u32..(x + w).clamp(0, cw) as u32;
    let ys = y.clamp(0, ch) as u32..(y + h).clamp(0, ch) as u32;
    (xs, ys)
}

/// Applies `f` to every pixel of the rectangle that lies inside the canvas.
fn paint(c: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, f: impl Fn(&mut Rgb<u8>)) {
    let (xs, ys) = clip(c, x, y, w, h);
    for yy in ys {
        for xx in xs.clone() {
            f(c.get_pixel_mut(xx, yy));
        }
    }
}

/// Darkens the rectangle to `keep` of its brightness.
fn shade(c: &mut RgbImage, x: i64, y: i64, w: i64, h: i64, keep: f64) {
    paint(c, x, y, w, h, |p| {
        for ch in p.0.iter_mut() {
            *ch = (f64::from(*ch) * keep) as u8;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32, colour: [u8; 3]) -> Vec<u8> {
        let img = RgbImage::from_pixel(w, h, Rgb(colour));
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg)
            .unwrap_or_default();
        out
    }

    #[test]
    fn a_print_lands_where_and_as_large_as_the_layout_says() {
        let red = jpeg(300, 200, [220, 30, 30]);
        let room = bundled("living").unwrap_or_default();
        // A print a quarter of the wall wide, its left edge at the middle.
        let print = Print { photo: &red, x: 0.5, y: 0.2, w: 0.25, h: 0.25 * 1.6 / 1.5 };
        let out = compose(room, &[print], Edge::Black, 25.0 / 3000.0).unwrap();
        assert_eq!((out.width, out.height), (1200, 750));
        let pic = image::load_from_memory(&out.bytes).unwrap().into_rgb8();
        let red_at = |x: u32, y: u32| {
            let p = pic.get_pixel(x, y).0;
            p[0] > 150 && p[1] < 90 && p[2] < 90
        };
        // Inside the print it is red; just outside it is the black frame, then the wall.
        assert!(red_at(610, 200) && red_at(890, 200));
        assert!(!red_at(595, 200) && pic.get_pixel(596, 200).0[0] < 60, "the frame");
        assert!(!red_at(910, 200) && !red_at(610, 140));
        assert!(matches!(compose(b"junk", &[], Edge::None, 0.0), Err(MediaError::Invalid(_))));
    }
}
