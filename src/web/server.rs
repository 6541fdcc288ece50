//! The accept loop. poem's own `Server` has no header-read timeout and no connection cap, so
//! a few thousand connections that trickle their headers would hold every file descriptor
//! and starve `/healthz`. This loop drives hyper's HTTP/1 directly with:
//!
//! - a deadline for each request head (`HEADER_TIMEOUT`), which also ends idle keep-alive
//!   connections;
//! - a cap on open connections: past it a new connection is closed at once, so the listener
//!   keeps draining its backlog instead of the kernel queueing strangers for ever;
//! - the open-file limit raised to its hard maximum at start, with the cap kept below it.
//!
//! Request bodies get their own caps and read timeouts in `limits.rs`.

use std::{convert::Infallible, future::Future, net::SocketAddr, sync::Arc, time::Duration};

use hyper_util::rt::{TokioIo, TokioTimer};
use poem::{Addr, Endpoint, EndpointExt, web::LocalAddr, web::RemoteAddr};
use tokio::{net::TcpListener, sync::Semaphore};
use tokio_util::sync::CancellationToken;

/// Time a client has to send a complete request head, and that an idle keep-alive
/// connection stays open.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a shutdown waits for requests in flight.
const GRACE: Duration = Duration::from_secs(10);
/// File descriptors kept for everything that is not a client connection (the database,
/// blobs being written, mail, the listener).
const SPARE_FILES: usize = 256;

/// Raises the soft open-file limit to the hard one and returns how many connections fit
/// under it next to `SPARE_FILES`.
pub fn connection_cap(wanted: usize) -> usize {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut lim = getrlimit(Resource::Nofile);
    if lim.current != lim.maximum {
        let raised = rustix::process::Rlimit { current: lim.maximum, maximum: lim.maximum };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            lim = raised;
        }
    }
    let files = lim.current.map_or(usize::MAX, |c| c as usize);
    wanted.min(files.saturating_sub(SPARE_FILES)).max(16)
}

/// Serves `ep` on `listener` until `signal` fires, then lets requests in flight finish
/// (for at most `GRACE`).
pub async fn run(
    listener: TcpListener,
    ep: impl Endpoint + 'static,
    max_connections: usize,
    signal: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let ep = Arc::new(ep.map_to_response());
    let local = listener.local_addr()?;
    let slots = Arc::new(Semaphore::new(max_connections));
    let stop = CancellationToken::new();
    let mut refused_at: Option<std::time::Instant> = None;
    tokio::pin!(signal);
    loop {
        tokio::select! {
            _ = &mut signal => break,
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    let Ok(slot) = slots.clone().try_acquire_owned() else {
                        // Closing at once keeps the backlog moving; one log line a minute.
                        if refused_at.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                            tracing::warn!("{max_connections} connections are open; refusing more");
                            refused_at = Some(std::time::Instant::now());
                        }
                        drop(socket);
                        continue;
                    };
                    let (ep, stop) = (ep.clone(), stop.clone());
                    tokio::spawn(async move {
                        serve_connection(socket, local, peer, ep, stop).await;
                        drop(slot);
                    });
                }
                Err(e) => {
                    // Out of file descriptors or memory: wait for connections to close rather
                    // than spin on the error.
                    tracing::error!("accepting a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
    drop(listener);
    stop.cancel();
    let all = u32::try_from(max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(GRACE, slots.acquire_many(all)).await;
    Ok(())
}

async fn serve_connection<E: Endpoint<Output = poem::Response> + 'static>(
    socket: tokio::net::TcpStream,
    local: SocketAddr,
    peer: SocketAddr,
    ep: Arc<E>,
    stop: CancellationToken,
) {
    let _ = socket.set_nodelay(true);
    let service = hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
        let ep = ep.clone();
        async move {
            let req = poem::Request::from((
                req,
                LocalAddr(Addr::SocketAddr(local)),
                RemoteAddr(Addr::SocketAddr(peer)),
                poem::http::uri::Scheme::HTTP,
            ));
            Ok::<hyper::Response<_>, Infallible>(ep.get_response(req).await.into())
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .keep_alive(true)
        .max_buf_size(64 * 1024)
        .serve_connection(TokioIo::new(socket), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stop.cancelled() => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}
