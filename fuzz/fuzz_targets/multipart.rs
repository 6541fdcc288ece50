//! Upload bodies: arbitrary bytes as a multipart form, read the way `web/upload.rs` reads it
//! (poem's `Multipart`: every field's name, filename, and bytes to the end). Any input must
//! end in fields or an error, never a panic or a hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use poem::{FromRequest, Request, web::Multipart};
use tokio::io::AsyncReadExt;

fuzz_target!(|data: &[u8]| {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    rt.block_on(async {
        let req = Request::builder()
            .method(poem::http::Method::POST)
            .content_type("multipart/form-data; boundary=X")
            .body(data.to_vec());
        let (req, mut body) = req.split();
        let Ok(mut mp) = Multipart::from_request(&req, &mut body).await else { return };
        while let Ok(Some(field)) = mp.next_field().await {
            let _ = (field.name().map(str::len), field.file_name().map(str::len));
            let mut sink = Vec::new();
            if field.into_async_read().take(1 << 20).read_to_end(&mut sink).await.is_err() {
                break;
            }
        }
    });
});
