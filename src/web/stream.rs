//! Response bodies read from files and pipes. poem's `Body::from_async_read` reads in 4 KiB
//! chunks: a 100 MB zip became 25,000 frames, each a trip through hyper and a `writev`,
//! and streamed at less than half of what the socket takes. Large chunks cost a little
//! memory per download and keep the socket busy.

use poem::Body;
use tokio::io::AsyncRead;

/// Bytes read per chunk.
const CHUNK: usize = 256 << 10;

pub fn body(reader: impl AsyncRead + Send + 'static) -> Body {
    Body::from_bytes_stream(tokio_util::io::ReaderStream::with_capacity(reader, CHUNK))
}
