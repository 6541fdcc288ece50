//! Signed, expiring media URLs. The signature is a keyed blake3 MAC over (kind, blob,
//! expiry); the expiry is rounded to a day window so a URL stays the same across page loads
//! and caches can keep it, while a revoked page stops handing out new URLs at once and old
//! ones die within two days.

use super::{App, AppError, Result, blocking};
use crate::{domain::Hash, media};

const WINDOW_S: u64 = 24 * 3600;

/// What a URL serves: a rendition (always JPEG) or an original upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Rendition,
    Original,
}

impl MediaKind {
    pub fn code(self) -> &'static str {
        match self {
            MediaKind::Rendition => "r",
            MediaKind::Original => "o",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "r" => Some(MediaKind::Rendition),
            "o" => Some(MediaKind::Original),
            _ => None,
        }
    }
}

fn now_s() -> u64 {
    crate::domain::now_ms() / 1000
}

fn mac(state: &App, kind: MediaKind, blob: &Hash, exp: u64) -> String {
    let msg = format!("media\0{}\0{}\0{exp}", kind.code(), blob.to_hex());
    blake3::keyed_hash(&state.key, msg.as_bytes()).to_hex()[..32].to_string()
}

/// The current signing window: URLs made within one window are identical.
pub fn window() -> u64 {
    now_s() / WINDOW_S
}

/// A path like `/media/r/<hash>/<expiry>/<sig>`, valid for one to two days.
pub fn url(state: &App, kind: MediaKind, blob: &Hash) -> String {
    let exp = (now_s() / WINDOW_S + 2) * WINDOW_S;
    format!("/media/{}/{}/{exp}/{}", kind.code(), blob.to_hex(), mac(state, kind, blob, exp))
}

/// A link straight to the bucket that downloads `blob` as `filename`, when blobs are in a
/// bucket with direct downloads on (`s3_direct_download_minutes`): the bytes then leave
/// through the bucket's connection, not this server's. The caller has checked the asker
/// may have it.
pub fn direct(state: &App, blob: &Hash, filename: &str) -> Option<String> {
    state.blobs.direct_url(blob, filename)
}

/// Where a browser downloads an original it may have: straight from the bucket when
/// direct downloads are on, else a signed link to this server.
pub fn download(state: &App, blob: &Hash, filename: &str) -> String {
    direct(state, blob, filename).unwrap_or_else(|| url(state, MediaKind::Original, blob))
}

/// A served media file.
pub struct MediaFile {
    pub blob: Hash,
    /// Its size in bytes: known for originals (served in ranges); renditions come whole
    /// from memory (`read_rendition`) without a look at the disk.
    pub len: u64,
    pub content_type: &'static str,
    /// Seconds until the URL expires: how long caches may keep the answer.
    pub max_age: u64,
}

/// A rendition's bytes, from memory when hot, else read whole on a blocking thread (they
/// are small, and one read beats streaming in many hops between threads).
pub async fn read_rendition(state: &App, blob: Hash) -> Result<bytes::Bytes> {
    if let Some(b) = state.rendition_cache.get(&blob) {
        return Ok(b);
    }
    let blobs = state.blobs.clone();
    let data =
        blocking(move || blobs.read(&blob).map_err(|_| AppError::NotFound("no such media".into()))).await?;
    let data = bytes::Bytes::from(data);
    state.rendition_cache.insert(blob, data.clone());
    Ok(data)
}

/// Checks a URL's signature and expiry and finds the file.
pub async fn open(state: &App, kind: MediaKind, blob: Hash, exp: u64, sig: &str) -> Result<MediaFile> {
    let expected = mac(state, kind, &blob, exp);
    if blake3::hash(expected.as_bytes()) != blake3::hash(sig.as_bytes()) {
        return Err(AppError::Forbidden("this media link is not valid".into()));
    }
    let now = now_s();
    if exp < now {
        return Err(AppError::Forbidden("this media link has expired; reload the page".into()));
    }
    let gone = |_| AppError::NotFound("no such media".into());
    let (content_type, len) = match kind {
        MediaKind::Rendition => ("image/jpeg", 0),
        MediaKind::Original => {
            use tokio::io::AsyncReadExt;
            let mut head = Vec::with_capacity(64);
            state.blobs.range(&blob, 0, 64).await.map_err(gone)?.read_to_end(&mut head).await?;
            let len = state.blobs.len(&blob).await.map_err(gone)?;
            (media::sniff(&head).unwrap_or("application/octet-stream"), len)
        }
    };
    Ok(MediaFile { blob, len, content_type, max_age: exp - now })
}

/// An original the caller has already checked the asker may have (a delivery), without a
/// signed URL.
pub async fn open_blob(state: &App, blob: Hash) -> Result<MediaFile> {
    use tokio::io::AsyncReadExt;
    let gone = |_| AppError::NotFound("no such media".into());
    let mut head = Vec::with_capacity(64);
    state.blobs.range(&blob, 0, 64).await.map_err(gone)?.read_to_end(&mut head).await?;
    let len = state.blobs.len(&blob).await.map_err(gone)?;
    Ok(MediaFile {
        blob,
        len,
        content_type: media::sniff(&head).unwrap_or("application/octet-stream"),
        max_age: 0,
    })
}

/// `len` bytes of an opened media file from `start`, to stream.
pub async fn stream(
    state: &App,
    file: &MediaFile,
    start: u64,
    len: u64,
) -> Result<impl tokio::io::AsyncRead + Send + Unpin + use<>> {
    state.blobs.range(&file.blob, start, len).await.map_err(|_| AppError::NotFound("no such media".into()))
}
