//! The inspector: a web page of the stored events and the JSON API it uses, served on its own (loopback by
//! default) address by the same axum/tokio stack as the listener.
//!
//! It reads the store with a connection of its own per request (the listener's writer is never waited on), hears
//! of new events through a bounded broadcast channel the listener feeds after each commit, and asks the commands
//! (`Actions`) for what they already know how to do: the verdict as `verify` gives it, replay, export. Nothing
//! in the core calls it.

mod api;
mod guard;

pub use guard::{Person, random_token, token_hash};
mod live;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use tokio::sync::broadcast;

use crate::store::StoredEvent;

/// The inspector's port when `--ui` is not given (documented in the README and `--help`).
pub const DEFAULT_PORT: u16 = 4747;

/// How many new-event notices wait for a slow page before it is told to reload instead.
pub const LIVE_BACKLOG: usize = 1024;

/// New events, as their JSON record, for the pages open on the live stream.
pub type Live = broadcast::Sender<Arc<str>>;

/// A live channel: the listener sends into it without ever waiting (a page that lags is told to reload).
pub fn live_channel() -> Live {
    broadcast::channel(LIVE_BACKLOG).0
}

/// The address `--ui` names: `PORT`, `HOST:PORT` or `[V6]:PORT`; `0` picks a free port on 127.0.0.1.
pub fn parse_address(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    if let Ok(port) = text.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    if let Some(port) = text.strip_prefix("localhost:") {
        let port = port.parse().map_err(|_| format!("`{text}`: the port is not a number from 0 to 65535"))?;
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    text.parse().map_err(|_| format!("`{text}` is not an address like 127.0.0.1:{DEFAULT_PORT}, a port, or 0"))
}

/// The download formats of one event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    /// The exact HTTP/1.1 request.
    Raw,
    Har,
    Jsonl,
}

/// A replay asked for from the page.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct ReplayAsk {
    /// Where to: a URL, `host:port` or a port.
    pub to: String,
    /// The bytes and headers as captured, not re-signed.
    #[serde(default)]
    pub verbatim: bool,
    /// An edited body, re-signed.
    #[serde(default)]
    pub body: Option<String>,
}

pub type Replayed = Pin<Box<dyn Future<Output = Result<serde_json::Value, String>> + Send>>;

/// What the commands do for the inspector, with the code they use themselves.
pub trait Actions: Send + Sync + 'static {
    /// Every check and the diagnosis, as `verify --json` gives them (`None` for an event of no known provider).
    fn explain(&self, event: &StoredEvent) -> Option<serde_json::Value>;
    /// The event with credential headers redacted (they are, unless stored with --keep-credentials).
    fn redact(&self, event: &mut StoredEvent);
    /// Sends the event again and gives the answer: status, latency, headers sent, body received.
    fn replay(&self, event: StoredEvent, ask: ReplayAsk) -> Replayed;
    /// The event in a download format.
    fn download(&self, event: &StoredEvent, format: Download) -> Vec<u8>;
}

/// Everything the inspector's routes share.
pub struct Inspector {
    pub store: crate::store::Location,
    pub live: Live,
    pub actions: Arc<dyn Actions>,
    /// Whether events arrive while the page is open (a listener), for the page to say so.
    pub receiving: bool,
    guard: guard::Guard,
}

/// A bound inspector, ready to serve.
pub struct Bound {
    pub socket: tokio::net::TcpListener,
    pub url: String,
    /// Required on every request when the address is not loopback; printed once.
    pub token: Option<String>,
    pub inspector: Arc<Inspector>,
    /// Served over HTTPS when set.
    pub tls: Option<crate::server::Tls>,
}

impl Inspector {
    /// Binds the address and prepares the inspector for it: the Host names it answers to, its origin, a
    /// session's CSRF token, and a token for every request when it is not a loopback address.
    pub async fn bind(
        address: SocketAddr,
        store: crate::store::Location,
        live: Live,
        actions: Arc<dyn Actions>,
        receiving: bool,
        tls: Option<crate::server::Tls>,
    ) -> std::io::Result<Bound> {
        let socket = tokio::net::TcpListener::bind(address).await?;
        let bound = socket.local_addr()?;
        let token = (!bound.ip().is_loopback()).then(guard::random_token);
        let scheme = if tls.is_some() { "https" } else { "http" };
        let guard = guard::Guard::new(bound, scheme, token.clone());
        let url = guard.origin().to_owned() + "/";
        let inspector = Arc::new(Self { store, live, actions, receiving, guard });
        Ok(Bound { socket, url, token, inspector, tls })
    }
}

/// The routes: the page, its assets, the API; every request passes the guard.
pub fn router(inspector: Arc<Inspector>) -> Router {
    Router::new()
        .route("/", get(api::page))
        .route("/assets/{name}", get(api::asset))
        .route("/api/session", get(api::session))
        .route("/api/events", get(api::list))
        .route("/api/events/{id}", get(api::show).delete(api::delete))
        .route("/api/events/{id}/download/{format}", get(api::download))
        .route("/api/events/{id}/replay", post(api::replay))
        .route("/api/events/{id}/handled", post(api::handled))
        .route("/api/live", get(live::stream))
        .route("/api/feed", get(api::feed))
        .fallback(api::not_found)
        .layer(axum::middleware::from_fn_with_state(inspector.clone(), guard::check))
        .with_state(inspector)
}

/// Serves until `stop` resolves. Not a graceful stop: a page's live stream never ends by itself, and a page
/// reconnects on its own.
pub async fn serve(bound: Bound, stop: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let Bound { socket, inspector, tls, .. } = bound;
    match tls {
        None => tokio::select! {
            served = axum::serve(socket, router(inspector)) => served,
            () = stop => Ok(()),
        },
        Some(tls) => tokio::select! {
            served = axum::serve(tls.listener(socket)?, router(inspector)) => served,
            () = stop => Ok(()),
        },
    }
}
