//! The S3-compatible bucket that holds the blobs when one is configured (`s3_*` settings),
//! through `object_store`. Objects are named like the disk's files (`<prefix>ab/cd/<hash>`),
//! so a listing gives the same hashes and a bucket can be read by hand.
//!
//! Every read that lands on disk is hashed on the way and refused if its bytes do not match
//! the name: a damaged object never becomes a cached file.

use std::{future::Future, io, path::Path, sync::Arc, time::Duration};

use futures_util::{StreamExt, TryStreamExt};
use object_store::{
    BackoffConfig, ClientOptions, GetOptions, GetRange, ObjectStore, PutPayload, RetryConfig, WriteMultipart,
    aws::AmazonS3Builder, path::Path as Key,
};
use rusty_s3::S3Action;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::{config::S3Config, domain::Hash};

/// Files up to this size are put in one request; bigger ones in parts of this size (S3
/// wants parts of at least 5 MiB).
const PART: usize = 8 << 20;
/// Parts of one upload sent at once.
const PARTS_IN_FLIGHT: usize = 4;

pub struct Bucket {
    store: Arc<dyn ObjectStore>,
    /// Signs links for direct downloads, when they are on.
    direct: Option<Presigner>,
    prefix: String,
    /// What `object_store` says where the bucket is, for messages.
    pub name: String,
    /// The runtime that drives requests made from worker threads (`wait`).
    handle: tokio::runtime::Handle,
}

impl std::fmt::Debug for Bucket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bucket").field("name", &self.name).finish_non_exhaustive()
    }
}

/// `object_store`'s errors as I/O errors, keeping "not found" recognisable.
/// `object_store` cannot ask the bucket for a `Content-Disposition` in a signed link (the
/// photo's name, where the object is named by its hash), so those links are signed with
/// rusty-s3, which only signs (no I/O).
struct Presigner {
    bucket: rusty_s3::Bucket,
    credentials: rusty_s3::Credentials,
    valid: Duration,
}

impl Presigner {
    fn new(s3: &S3Config, valid: Duration) -> io::Result<Presigner> {
        let endpoint = match (&s3.public_endpoint, &s3.endpoint) {
            (Some(e), _) | (None, Some(e)) => e.clone(),
            (None, None) => format!("https://s3.{}.amazonaws.com", s3.region),
        };
        let bad =
            |e: String| io::Error::new(io::ErrorKind::InvalidInput, format!("s3 endpoint {endpoint}: {e}"));
        let url = endpoint.parse::<url::Url>().map_err(|e| bad(e.to_string()))?;
        // Path-style addresses, as object_store sends its own requests: they work with
        // Garage and MinIO, whose buckets are rarely DNS names.
        let bucket =
            rusty_s3::Bucket::new(url, rusty_s3::UrlStyle::Path, s3.bucket.clone(), s3.region.clone())
                .map_err(|e| bad(e.to_string()))?;
        let credentials = rusty_s3::Credentials::new(s3.access_key_id.clone(), s3.secret_access_key.clone());
        Ok(Presigner { bucket, credentials, valid })
    }
}

fn io_err(e: object_store::Error) -> io::Error {
    match e {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, e.to_string()),
        e => io::Error::other(e.to_string()),
    }
}

impl Bucket {
    /// Connects lazily: nothing is sent until the first request. Must be called inside the
    /// tokio runtime (its handle drives requests from worker threads).
    pub fn new(s3: &S3Config) -> io::Result<Bucket> {
        let mut b = AmazonS3Builder::new()
            .with_bucket_name(&s3.bucket)
            .with_region(&s3.region)
            .with_access_key_id(&s3.access_key_id)
            .with_secret_access_key(&s3.secret_access_key)
            // A part of 8 MiB over a home uplink of a few Mbit/s takes tens of seconds: the
            // default 30 s per request would fail it. Connecting is quick or not at all.
            .with_client_options(
                ClientOptions::new()
                    .with_timeout(Duration::from_secs(300))
                    .with_connect_timeout(Duration::from_secs(10)),
            )
            // A few quick retries (a flaky network), then a clear failure: an upload is not
            // left hanging for minutes while the bucket is down.
            .with_retry(RetryConfig {
                backoff: BackoffConfig {
                    init_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_secs(5),
                    base: 2.0,
                },
                max_retries: 4,
                retry_timeout: Duration::from_secs(60),
            });
        if let Some(endpoint) = &s3.endpoint {
            // A NAS's Garage or MinIO is often plain HTTP on the local network.
            b = b.with_endpoint(endpoint).with_allow_http(endpoint.starts_with("http://"));
        }
        let store = b.build().map_err(io_err)?;
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| io::Error::other("the bucket must be opened inside the runtime"))?;
        let name = match &s3.endpoint {
            Some(e) => format!("{e}/{}/{}", s3.bucket, s3.prefix),
            None => format!("s3://{}/{}", s3.bucket, s3.prefix),
        };
        let direct = match s3.direct_downloads {
            Some(valid) => Some(Presigner::new(s3, valid)?),
            None => None,
        };
        Ok(Bucket { store: Arc::new(store), direct, prefix: s3.prefix.clone(), name, handle })
    }

    /// A link that fetches the object straight from the bucket, saved as `filename`, valid
    /// for the configured time; `None` when direct downloads are off. Signed here, with no
    /// request to the bucket.
    pub fn direct_url(&self, hash: &Hash, filename: &str) -> Option<String> {
        let p = self.direct.as_ref()?;
        let key = self.key(hash);
        let mut get = p.bucket.get_object(Some(&p.credentials), key.as_ref());
        // The object is named by its hash; the bucket answers with the photo's own name
        // (and as an attachment: a browser would otherwise show the image, because the
        // `download` attribute is ignored once a redirect leaves this origin).
        get.query_mut()
            .insert("response-content-disposition", crate::domain::attachment::disposition(filename));
        Some(get.sign(p.valid).to_string())
    }

    fn key(&self, hash: &Hash) -> Key {
        let h = hash.to_hex();
        Key::from(format!("{}{}/{}/{h}", self.prefix, &h[0..2], &h[2..4]))
    }

    /// Runs a request to the end from a synchronous caller (a worker thread, a blocking
    /// task, or even a runtime thread, which `block_in_place` hands its other work away from).
    pub fn wait<F: Future>(&self, f: F) -> F::Output {
        tokio::task::block_in_place(|| self.handle.block_on(f))
    }

    /// The object's size, or `None` if the bucket has no such object.
    pub async fn size(&self, hash: &Hash) -> io::Result<Option<u64>> {
        match self.store.head(&self.key(hash)).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(io_err(e)),
        }
    }

    /// Puts a file as the object `hash`, hashing what it sends: a file whose bytes do not
    /// match (damaged on the disk) is refused before the upload completes. Returns only when
    /// the store has confirmed the whole object.
    pub async fn put_file(&self, hash: &Hash, path: &Path) -> io::Result<u64> {
        let mut file = tokio::fs::File::open(path).await?;
        let size = file.metadata().await?.len();
        let key = self.key(hash);
        let mut hasher = blake3::Hasher::new();
        if size <= PART as u64 {
            let mut bytes = Vec::with_capacity(size as usize);
            file.read_to_end(&mut bytes).await?;
            hasher.update(&bytes);
            check(hash, hasher)?;
            self.store.put(&key, PutPayload::from(bytes)).await.map_err(io_err)?;
            return Ok(size);
        }
        let upload = self.store.put_multipart(&key).await.map_err(io_err)?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART);
        let mut buf = vec![0u8; 1 << 20];
        let sent = async {
            loop {
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                writer.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(io_err)?;
                writer.write(&buf[..n]);
            }
            check(hash, hasher)
        }
        .await;
        match sent {
            Ok(()) => writer.finish().await.map(|_| size).map_err(io_err),
            Err(e) => {
                let _ = writer.abort().await;
                Err(e)
            }
        }
    }

    /// Writes the object into `dest` (a new file), hashing it: a mismatch is an
    /// `InvalidData` error and the caller drops the file. Synced before it returns.
    pub async fn fetch_into(&self, hash: &Hash, dest: &Path) -> io::Result<u64> {
        let got = self.store.get(&self.key(hash)).await.map_err(io_err)?;
        let mut stream = got.into_stream();
        let mut file = tokio::fs::File::create(dest).await?;
        let mut hasher = blake3::Hasher::new();
        let mut size = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(io_err)?;
            hasher.update(&chunk);
            size += chunk.len() as u64;
            file.write_all(&chunk).await?;
        }
        check(hash, hasher)?;
        file.flush().await?;
        file.sync_all().await?;
        Ok(size)
    }

    /// Whether the object's bytes still match its name (read through, nothing kept).
    pub async fn verify(&self, hash: &Hash) -> io::Result<bool> {
        let got = self.store.get(&self.key(hash)).await.map_err(io_err)?;
        let mut stream = got.into_stream();
        let mut hasher = blake3::Hasher::new();
        while let Some(chunk) = stream.next().await {
            hasher.update(&chunk.map_err(io_err)?);
        }
        Ok(Hash::from(hasher.finalize()) == *hash)
    }

    /// `len` bytes from `start`, streamed from the bucket (a big original's download).
    pub async fn range(
        &self,
        hash: &Hash,
        start: u64,
        len: u64,
    ) -> io::Result<impl AsyncRead + Send + Unpin + use<>> {
        let opts = GetOptions { range: (start > 0).then_some(GetRange::Offset(start)), ..Default::default() };
        let got = self.store.get_opts(&self.key(hash), opts).await.map_err(io_err)?;
        let stream = got.into_stream().map_err(io_err);
        Ok(tokio_util::io::StreamReader::new(stream).take(len))
    }

    /// Every object's hash (names that are not hashes are skipped).
    pub async fn list(&self) -> io::Result<Vec<Hash>> {
        let prefix = (!self.prefix.is_empty()).then(|| Key::from(self.prefix.trim_end_matches('/')));
        let mut out = Vec::new();
        let mut listing = self.store.list(prefix.as_ref());
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(io_err)?;
            if let Some(h) = meta.location.filename().and_then(|n| n.parse().ok()) {
                out.push(h);
            }
        }
        Ok(out)
    }

    pub async fn delete(&self, hash: &Hash) -> io::Result<()> {
        match self.store.delete(&self.key(hash)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(io_err(e)),
        }
    }
}

/// Refuses bytes whose hash is not their name.
fn check(hash: &Hash, hasher: blake3::Hasher) -> io::Result<()> {
    if Hash::from(hasher.finalize()) == *hash {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        format!("blob {hash}: its bytes no longer match its hash (damaged?)"),
    ))
}
