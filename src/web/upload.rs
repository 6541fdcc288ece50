//! Receiving multipart uploads, streamed field by field into the blob store (never held
//! whole in memory), for both the admin page and the API.

use poem::web::Multipart;

use super::models::PhotoOut;
use crate::app::App;
use crate::{
    app::{self, AppError},
    domain::GalleryId,
};

/// One stored file.
pub struct Received {
    pub photo: PhotoOut,
    pub replaced: bool,
}

/// How much of the rest of a refused upload is read, so that the browser sees the error
/// rather than a reset connection (the connection is closed after the answer either way).
const DRAIN_MAX: u64 = 64 << 20;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(2);

/// Reads and drops what is left of the form, within `DRAIN_MAX` and `DRAIN_TIME`. A file
/// over the size limit skips this: its remainder may be endless.
async fn drain(mut mp: Multipart) {
    use tokio::io::AsyncReadExt;
    let _ = tokio::time::timeout(DRAIN_TIME, async {
        let mut left = DRAIN_MAX;
        while let Ok(Some(f)) = mp.next_field().await {
            let mut sink = tokio::io::sink();
            match tokio::io::copy(&mut f.into_async_read().take(left), &mut sink).await {
                Ok(n) if n < left => left -= n,
                _ => return,
            }
        }
    })
    .await;
}

/// Stores every file field of `mp` in `gallery`, in order. A text field named `final`
/// (`true`/`1`/`on`), sent before the files, marks them final, as does `mark_final`.
/// On the first bad file a bounded part of the rest is read and dropped (see `drain`);
/// files before it stay stored.
pub async fn receive(
    state: &App,
    gallery: GalleryId,
    mut mp: Multipart,
    mut mark_final: bool,
) -> Result<Vec<Received>, AppError> {
    let mut out = Vec::new();
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(AppError::Invalid(format!("the upload is not valid multipart form data ({e})")));
            }
        };
        let Some(filename) = field.file_name().map(str::to_string) else {
            if field.name() == Some("final") {
                let v = field.text().await.unwrap_or_default();
                mark_final = mark_final || matches!(v.trim(), "true" | "1" | "on" | "yes");
            }
            continue;
        };
        match app::photos::upload(state, gallery, &filename, Box::pin(field.into_async_read()), mark_final)
            .await
        {
            Ok(u) => {
                let view = state.photo(u.photo.id).await?;
                out.push(Received { photo: PhotoOut::new(state, &view), replaced: u.replaced });
            }
            Err(e) => {
                if !matches!(e, AppError::TooLarge(_)) {
                    drain(mp).await;
                }
                return Err(e);
            }
        }
    }
    if out.is_empty() {
        return Err(AppError::Invalid(
            "the request has no files: send them as multipart form fields with a filename".into(),
        ));
    }
    Ok(out)
}
