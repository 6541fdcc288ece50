//! Receiving multipart uploads, streamed field by field into the blob store (never held
//! whole in memory), for both the admin page and the API.

use poem::web::Multipart;

use super::models::PhotoOut;
use crate::{
    app::{self, AppError},
    domain::GalleryId,
    state::AppState,
};

/// One stored file.
pub struct Received {
    pub photo: PhotoOut,
    pub replaced: bool,
}

/// Stores every file field of `mp` in `gallery`, in order. A text field named `final`
/// (`true`/`1`/`on`), sent before the files, marks them final, as does `mark_final`.
/// On the first bad file the rest of the body is read and dropped, so the client sees the
/// error instead of a reset connection; files before it stay stored.
pub async fn receive(
    state: &AppState,
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
                let view = app::photos::get(state, u.photo.id).await?;
                out.push(Received { photo: PhotoOut::new(state, &view), replaced: u.replaced });
            }
            Err(e) => {
                while let Ok(Some(f)) = mp.next_field().await {
                    drop(f);
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
