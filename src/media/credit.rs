//! Credit in delivered files: the creator (EXIF Artist) and the copyright notice (EXIF
//! Copyright) written into a JPEG's EXIF, keeping its other EXIF fields and leaving the
//! compressed image untouched (no re-encoding: the pixels are the photographer's export).

use exif::{Field, In, Tag, Value};
use img_parts::{ImageEXIF, jpeg::Jpeg};

use super::MediaError;

/// Tags the writer makes itself (pointers to sub-directories and the thumbnail).
const MADE_BY_WRITER: [Tag; 5] = [
    Tag::ExifIFDPointer,
    Tag::GPSInfoIFDPointer,
    Tag::InteropIFDPointer,
    Tag::JPEGInterchangeFormat,
    Tag::JPEGInterchangeFormatLength,
];

fn ascii(tag: Tag, text: &str) -> Field {
    // EXIF text is ASCII by the letter; UTF-8 is what every reader meets in practice.
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    Field { tag, ifd_num: In::PRIMARY, value: Value::Ascii(vec![clean.into_bytes()]) }
}

/// The EXIF of `old` (if any) with Artist and Copyright set. Fields the writer cannot
/// carry over are dropped before the credit is.
fn exif_with_credit(old: Option<&[u8]>, artist: &str, copyright: &str) -> Result<Vec<u8>, MediaError> {
    let kept: Vec<Field> = old
        .and_then(|b| exif::Reader::new().read_raw(b.to_vec()).ok())
        .map(|e| {
            e.fields()
                .filter(|f| f.ifd_num == In::PRIMARY)
                .filter(|f| {
                    f.tag != Tag::Artist && f.tag != Tag::Copyright && !MADE_BY_WRITER.contains(&f.tag)
                })
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let credit = [ascii(Tag::Artist, artist), ascii(Tag::Copyright, copyright)];
    let write = |fields: &[&Field]| -> Result<Vec<u8>, MediaError> {
        let mut w = exif::experimental::Writer::new();
        for f in fields {
            w.push_field(f);
        }
        let mut out = std::io::Cursor::new(Vec::new());
        w.write(&mut out, false).map_err(|e| MediaError::Invalid(format!("EXIF: {e}")))?;
        Ok(out.into_inner())
    };
    let all: Vec<&Field> = kept.iter().chain(credit.iter()).collect();
    match write(&all) {
        Ok(b) => Ok(b),
        // An odd field (a maker's private format) must not cost the credit: keep the
        // orientation, which changes how the photo shows, and the credit.
        Err(_) => {
            let orientation: Vec<&Field> = kept.iter().filter(|f| f.tag == Tag::Orientation).collect();
            write(&orientation.into_iter().chain(credit.iter()).collect::<Vec<_>>())
        }
    }
}

/// `jpeg` with the credit in its EXIF, its image data byte for byte the same.
pub fn credit_jpeg(jpeg: Vec<u8>, artist: &str, copyright: &str) -> Result<Vec<u8>, MediaError> {
    let mut j = Jpeg::from_bytes(jpeg.into()).map_err(|e| MediaError::Invalid(format!("not a JPEG: {e}")))?;
    let exif = exif_with_credit(j.exif().as_deref(), artist, copyright)?;
    j.set_exif(Some(exif.into()));
    let mut out = Vec::new();
    j.encoder().write_to(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes from the first start-of-scan marker on: the compressed image.
    fn scan(b: &[u8]) -> &[u8] {
        let at = b.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        &b[at..]
    }

    fn read(b: &[u8]) -> exif::Exif {
        exif::Reader::new().read_from_container(&mut std::io::Cursor::new(b)).unwrap()
    }

    #[test]
    fn the_credit_is_written_and_the_image_is_not_re_encoded() {
        let plain = crate::media::watermark::blank(64, 48);
        let credited = credit_jpeg(plain.clone(), "Studio Licht", "© 2026 Studio Licht").unwrap();
        assert_eq!(scan(&credited), scan(&plain), "the compressed image is the same bytes");
        let e = read(&credited);
        let text = |t| match e.get_field(t, In::PRIMARY).map(|f| &f.value) {
            Some(Value::Ascii(v)) => String::from_utf8(v[0].clone()).ok(),
            _ => None,
        };
        assert_eq!(text(Tag::Artist).as_deref(), Some("Studio Licht"));
        assert_eq!(text(Tag::Copyright).as_deref(), Some("© 2026 Studio Licht"), "UTF-8 kept as written");

        // Credited again (a new name), other fields kept: one Artist, the new one.
        let again = credit_jpeg(credited, "Someone Else", "© 2027").unwrap();
        let e = read(&again);
        assert_eq!(e.fields().filter(|f| f.tag == Tag::Artist).count(), 1);
        assert_eq!(
            e.get_field(Tag::Artist, In::PRIMARY).unwrap().display_value().to_string(),
            "\"Someone Else\""
        );
        assert_eq!(scan(&again), scan(&plain));
    }

    #[test]
    fn not_a_jpeg_is_refused() {
        assert!(credit_jpeg(b"not an image".to_vec(), "a", "b").is_err());
    }
}
