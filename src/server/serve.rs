//! Serving the router. `axum::serve` with two things it leaves out: a deadline on request headers (a sender
//! that trickles its headers, slowloris-style, would otherwise hold its connection forever) and no Nagle delay
//! on accepted sockets.
//!
//! HTTP/1 only: webhooks are sent over HTTP/1.1, and sniffing for HTTP/2 would read the first bytes with no
//! deadline at all (a client that connects and says nothing would never be cut off).

use std::future::Future;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;

/// Serves `router` on `listener` until `shutdown` resolves, then waits for requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    // The deadline runs from the connection's start (or the previous answer) to the end of the headers.
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            // Out of file descriptors (or another transient failure): wait a little instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = builder.serve_connection(TokioIo::new(tcp), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A connection that breaks off (a reset, a header deadline) is the sender's business.
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
