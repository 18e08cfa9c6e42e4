//! Serving the router. `axum::serve` with what it leaves out: a deadline on request headers (a sender that
//! trickles its headers, slowloris-style, would otherwise hold its connection forever), no Nagle delay on
//! accepted sockets, and a bound on connections that closes idle ones to make room (see `connections`).
//!
//! HTTP/1 only: webhooks are sent over HTTP/1.1, and sniffing for HTTP/2 would read the first bytes with no
//! deadline at all (a client that connects and says nothing would never be cut off).

use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};

use super::connections::{Connections, Registration, Tracked};
use super::tls::Tls;

/// How long the accept loop waits after `accept` fails (out of file descriptors, mostly) before trying again:
/// long enough not to spin, short enough that a closed connection's descriptor is soon used.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);
/// Connections accepted at the limit that may wait for room at once (each holds a descriptor from the
/// listener's own reserve, see `limits`).
const WAITING: usize = 16;
/// Of those, how many may be in their `FIRST_BYTES` at once. When one more comes, the one that has waited
/// longest is closed: under a flood of silent connections each gets as long as the flood leaves (24 of them
/// over its rate), and a sender, whose request follows its connection within a millisecond, is not cut off.
const IN_GRACE: usize = 24;
/// How long a connection accepted at the limit has to send its first bytes.
const FIRST_BYTES: Duration = Duration::from_millis(10);
/// Connections the kernel may queue for `accept` (the `listen(2)` backlog; Linux caps it at somaxconn).
/// Deeper than tokio's 1024: while every slot is taken and silent connections keep coming back, a delivery is
/// queued, not refused — a dropped SYN is sent again only after a second, then three.
const BACKLOG: u32 = 4096;

/// The receiving socket on `address`, with SO_REUSEADDR (as `TcpListener::bind`) and a deep accept queue; a
/// connection that sends nothing is queued for `accept` only after `silent` (see `defer_accept`).
/// Must be called inside the runtime.
pub fn bind(address: SocketAddr, silent: Duration) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    defer_accept(&socket, silent);
    socket.listen(BACKLOG)
}

/// On Linux, a connection is queued for `accept` once its first bytes arrive (TCP_DEFER_ACCEPT, as nginx's
/// `deferred`), not at the end of its handshake: thousands of connections that say nothing (an attack on the
/// descriptors) then wait in the kernel, holding no descriptor and not standing in front of a delivery in the
/// accept queue. One still silent after `silent` (the header deadline) is queued after all, and the accept loop
/// and the deadline deal with it as before. Senders are unaffected: an HTTP client (or a TLS one, with its
/// ClientHello) speaks first. Where the option cannot be set, the accept loop alone keeps silent connections
/// moving.
#[cfg(target_os = "linux")]
fn defer_accept(socket: &TcpSocket, silent: Duration) {
    use nix::libc;
    use nix::sys::socket::setsockopt;
    use nix::{getsockopt_impl, setsockopt_impl, sockopt_impl};
    // nix's own declaration of a socket option it does not name (its setsockopt does the rest).
    sockopt_impl!(TcpDeferAccept, Both, libc::IPPROTO_TCP, libc::TCP_DEFER_ACCEPT, u32);
    let seconds = u32::try_from(silent.as_secs().max(1)).unwrap_or(u32::MAX);
    let _ = setsockopt(socket, TcpDeferAccept, &seconds);
}

#[cfg(not(target_os = "linux"))]
fn defer_accept(_: &TcpSocket, _: Duration) {}
/// How long a connection asked to close may take before another idle one is asked too (one in the middle of
/// its headers closes only at the header deadline).
const SHED_WAIT: Duration = Duration::from_millis(100);

/// Serves `router` on `listener` until `shutdown` resolves, then waits for requests in flight.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_timeout: Duration,
    connections: Arc<Connections>,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()>,
) {
    let mut builder = Builder::new(TokioExecutor::new()).http1_only();
    // The deadline runs from the connection's start (or the previous answer) to the end of the headers.
    builder.http1().timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let (stop, stopping) = watch::channel(false);
    let server = Arc::new(Server { builder, router, connections, stopping, tls, header_timeout });
    let waiting = Arc::new(Semaphore::new(WAITING));
    let mut in_grace = InGrace::default();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let connections = &server.connections;
        // A slot that frees goes first to a connection accepted at the limit that has spoken (`at_the_limit`),
        // not to the next one in the kernel's queue.
        let none_waiting = waiting.available_permits() == WAITING;
        if let Some(slot) = none_waiting.then(|| connections.try_slot()).flatten() {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = &mut shutdown => break,
            };
            match accepted {
                Ok((tcp, _)) => server.spawn(tcp, slot),
                Err(error) => accept_failed(connections, &error).await,
            }
            continue;
        }
        // Every slot is taken: the connection idle the longest is closed to make one. Meanwhile the kernel's
        // queue is still read while a few may wait (see `at_the_limit`), so a delivery queued behind
        // connections that say nothing is not left waiting for all of them.
        connections.shed_idlest();
        let place = waiting.clone().try_acquire_owned().ok();
        let accepted = tokio::select! {
            _ = connections.slot_or_idle() => continue,
            accepted = listener.accept(), if place.is_some() => accepted,
            () = tokio::time::sleep(SHED_WAIT) => continue,
            () = &mut shutdown => break,
        };
        match accepted {
            // Accepted only with a place to wait.
            Ok((tcp, _)) => at_the_limit(&server, tcp, place, &waiting, &mut in_grace),
            Err(error) => accept_failed(connections, &error).await,
        }
    }
    drop(listener);
    let _ = stop.send(true);
    server.connections.all_closed().await;
}

/// What every connection is served with.
struct Server {
    builder: Builder<TokioExecutor>,
    router: Router,
    connections: Arc<Connections>,
    stopping: watch::Receiver<bool>,
    /// With `--tls-cert`: each connection's handshake first, within the header deadline.
    tls: Option<Tls>,
    header_timeout: Duration,
}

impl Server {
    /// Serves one connection in `slot`, until it ends, is shed, or the listener stops.
    fn spawn(self: &Arc<Self>, tcp: TcpStream, slot: OwnedSemaphorePermit) {
        let _ = tcp.set_nodelay(true);
        let registration = self.connections.register(slot);
        let server = self.clone();
        tokio::spawn(async move {
            match &server.tls {
                None => server.run(tcp, registration).await,
                // A handshake that fails or runs out of time is the sender's business.
                Some(tls) => {
                    if let Some(stream) = tls.accept(tcp, server.header_timeout).await {
                        server.run(stream, registration).await;
                    }
                }
            }
        });
    }

    async fn run<Io>(&self, io: Io, registration: Registration)
    where
        Io: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let service = Tracked {
            inner: TowerToHyperService::new(self.router.clone()),
            connections: self.connections.clone(),
            connection: registration.connection.clone(),
        };
        let connection = self.builder.serve_connection(TokioIo::new(io), service);
        let mut stopping = self.stopping.clone();
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
    }
}

/// A connection accepted while every slot is taken waits (in `waiting`, one of a few) for an idle connection
/// to make room, if it has something to say: a sender writes its request as soon as it connects, so its first
/// bytes are there when it is accepted (it queued behind others) or within `FIRST_BYTES` (a few may wait that
/// long at once). One that says nothing is closed without a slot: connections that say nothing (an attack on
/// the descriptors, idle keep-alive pools reconnecting) so keep the kernel's queue moving, and a delivery behind
/// thousands of them is reached in a fraction of a second.
fn at_the_limit(
    server: &Arc<Server>,
    tcp: TcpStream,
    place: Option<OwnedSemaphorePermit>,
    waiting: &Arc<Semaphore>,
    in_grace: &mut InGrace,
) {
    let server = server.clone();
    if has_spoken(&tcp) {
        tokio::spawn(async move {
            let slot = make_room(&server.connections).await;
            server.spawn(tcp, slot);
            drop(place);
        });
        return;
    }
    // Its place is taken again only if it speaks.
    drop(place);
    let waiting = waiting.clone();
    let closed = in_grace.admit();
    tokio::spawn(async move {
        let spoken = tokio::time::timeout(FIRST_BYTES, async {
            let mut byte = [0u8; 1];
            // A close reads 0 bytes.
            matches!(tcp.peek(&mut byte).await, Ok(n) if n > 0)
        });
        let spoken = tokio::select! {
            spoken = spoken => matches!(spoken, Ok(true)),
            // Closed to make way for a newer one.
            _ = closed => false,
        };
        if !spoken {
            return;
        }
        let Ok(place) = waiting.acquire_owned().await else {
            return;
        };
        let slot = make_room(&server.connections).await;
        server.spawn(tcp, slot);
        drop(place);
    });
}

/// The connections in their `FIRST_BYTES`, oldest first: each holds the receiving end of its handle, and is
/// closed when the handle is dropped.
#[derive(Default)]
struct InGrace(VecDeque<oneshot::Sender<()>>);

impl InGrace {
    /// Room for one more (the longest waiting closed if all `IN_GRACE` are taken); its close signal.
    fn admit(&mut self) -> oneshot::Receiver<()> {
        // Those that spoke or gave up are gone already.
        self.0.retain(|handle| !handle.is_closed());
        if self.0.len() >= IN_GRACE {
            self.0.pop_front();
        }
        let (handle, closed) = oneshot::channel();
        self.0.push_back(handle);
        closed
    }
}

/// Whether `tcp` has bytes to read already, without waiting.
fn has_spoken(tcp: &TcpStream) -> bool {
    use rustix::net::{RecvFlags, recv};
    let mut byte = [0u8; 1];
    matches!(recv(tcp, &mut byte, RecvFlags::PEEK | RecvFlags::DONTWAIT), Ok((n, _)) if n > 0)
}

/// Out of file descriptors, an idle connection gives one back. Either way, the loop waits a little instead of
/// spinning on an error that is still there.
async fn accept_failed(connections: &Connections, error: &std::io::Error) {
    if out_of_descriptors(error) {
        connections.shed_idlest();
    }
    tokio::time::sleep(ACCEPT_BACKOFF).await;
}

/// A slot for a connection already accepted: idle connections are closed until one frees up.
async fn make_room(connections: &Connections) -> OwnedSemaphorePermit {
    loop {
        if let Some(slot) = connections.try_slot() {
            return slot;
        }
        connections.shed_idlest();
        tokio::select! {
            slot = connections.slot_or_idle() => if let Some(slot) = slot { return slot },
            () = tokio::time::sleep(SHED_WAIT) => {}
        }
    }
}

fn out_of_descriptors(error: &std::io::Error) -> bool {
    // EMFILE (the process's limit) and ENFILE (the system's).
    matches!(error.raw_os_error(), Some(24 | 23))
}
