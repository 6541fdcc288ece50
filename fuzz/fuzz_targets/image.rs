//! Image files: arbitrary bytes through the upload sniff and, when it says "image", the
//! whole rendition pipeline (limits, decode budget, decode, resize, orientation, encode),
//! with small limits so a hostile header cannot make the fuzzer itself run out of memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proofroom::media;

fuzz_target!(|data: &[u8]| {
    if media::sniff(&data[..data.len().min(64)]).is_none() {
        return;
    }
    let Ok(mut file) = tempfile::NamedTempFile::new() else { return };
    if std::io::Write::write_all(&mut file, data).is_err() {
        return;
    }
    let limits = media::Limits::new(4_000_000, 96 << 20);
    let edges = media::Edges { preview: 256, medium: 128, thumb: 64 };
    let _ = media::render(file.as_file(), edges, &limits);
});
