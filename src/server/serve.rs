//! Serving the router. `axum::serve` with what it leaves out: a deadline on request headers (a sender that
//! trickles its headers, slowloris-style, would otherwise hold its connection forever), no Nagle delay on
//! accepted sockets, and a bound on connections that closes idle ones to make room (see `connections`).
//!
//! HTTP/1 only: webhooks are sent over HTTP/1.1, and sniffing for HTTP/2 would read the first bytes with no
//! deadline at all (a client that connects and says nothing would never be cut off).

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::connections::{Connections, Tracked};

/// How long the accept loop waits after `accept` fails (out of file descriptors, mostly) before trying again:
/// long enough not to spin, short enough that a closed connection's descriptor is soon used.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
/// How long a connection asked to close may take before another idle one is asked too (one in the middle of
/// its headers closes only at the header deadline).
const SHED_WAIT: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `shutdown` resolves, then waits for requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    connections: Arc<Connections>,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    // The deadline runs from the connection's start (or the previous answer) to the end of the headers.
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A slot first: at the limit, the connection idle the longest is closed to make one.
        let slot = match connections.try_slot() {
            Some(slot) => slot,
            None => {
                connections.shed_idlest();
                let waited = tokio::select! {
                    slot = connections.slot_or_idle() => slot,
                    () = tokio::time::sleep(SHED_WAIT) => None,
                    () = &mut shutdown => break,
                };
                match waited {
                    Some(slot) => slot,
                    None => continue,
                }
            }
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let tcp = match accepted {
            Ok((tcp, _)) => tcp,
            Err(error) => {
                // Out of file descriptors: an idle connection gives one back. Either way, wait a little
                // instead of spinning on an error that is still there.
                if out_of_descriptors(&error) {
                    connections.shed_idlest();
                }
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let _ = tcp.set_nodelay(true);
        let registration = connections.register(slot);
        let service = Tracked {
            inner: TowerToHyperService::new(router.clone()),
            connections: connections.clone(),
            connection: registration.connection.clone(),
        };
        let connection = builder.serve_connection(TokioIo::new(tcp), service).into_owned();
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            // A connection that breaks off (a reset, a header deadline) is the sender's business.
            tokio::select! {
                _ = connection.as_mut() => return,
                () = registration.connection.shed.notified() => {}
                _ = stopping.wait_for(|stop| *stop) => {}
            }
            // Closed now if idle, else once the answer in progress is written.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
            drop(registration);
        });
    }
    drop(listener);
    let _ = stop.send(true);
    connections.all_closed().await;
}

fn out_of_descriptors(error: &std::io::Error) -> bool {
    // EMFILE (the process's limit) and ENFILE (the system's).
    matches!(error.raw_os_error(), Some(24 | 23))
}
