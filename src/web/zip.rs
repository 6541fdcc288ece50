//! Streaming a zip as the response body: the archive is written into one end of an
//! in-memory pipe while the client reads the other, so memory stays flat.

use poem::Response;

use crate::app::downloads::Zip;

/// A file name for `Content-Disposition`: letters, digits, dashes.
fn attachment_name(title: &str) -> String {
    let s: String = title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.is_empty() { "photos".into() } else { s }
}

/// The zip as a download, written while the client reads it, with its length told first
/// (`Zip::content_length`) so the browser shows progress and time left.
pub async fn response(zip: Zip) -> poem::Result<Response> {
    let name = attachment_name(&zip.title);
    let length = zip.content_length().await?;
    // A few chunks in flight: the writer reads ahead while the socket drains, and memory
    // stays at a few megabytes however large the zip.
    let (tx, rx) = tokio::sync::mpsc::channel::<bytes::Bytes>(4);
    tokio::spawn(async move {
        // A failure mid-way can only end the stream early; the client sees a short download.
        if let Err(e) = zip.write(ChunkWriter(tokio_util::sync::PollSender::new(tx))).await {
            tracing::warn!("zip download stopped: {e}");
        }
    });
    let chunks = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (Ok::<_, std::io::Error>(chunk), rx))
    });
    Ok(Response::builder()
        .content_type("application/zip")
        .header("content-disposition", format!("attachment; filename=\"{}.zip\"", name))
        .header("content-length", length)
        .header("cache-control", "private, no-store")
        .body(poem::Body::from_bytes_stream(chunks)))
}

/// The zip writer's output as chunks sent to the response: each write (a file's 1 MiB
/// read, or a header) is one chunk, copied once; a pipe in between would copy it twice
/// more and wake a task per side.
struct ChunkWriter(tokio_util::sync::PollSender<bytes::Bytes>);

impl tokio::io::AsyncWrite for ChunkWriter {
    fn poll_write(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let gone = |_| std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let this = self.get_mut();
        std::task::ready!(this.0.poll_reserve(cx)).map_err(gone)?;
        this.0.send_item(bytes::Bytes::copy_from_slice(buf)).map_err(gone)?;
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.get_mut().0.close();
        std::task::Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn attachment_names_are_plain() {
        assert_eq!(super::attachment_name("Anna & Tom — Wedding"), "Anna-Tom-Wedding");
        assert_eq!(super::attachment_name("«»"), "photos");
    }
}
