//! What every request to the inspector must pass: a Host that names the inspector (a page of another site
//! pointed at 127.0.0.1 by DNS rebinding names its own), the token on a non-loopback address, and, for what
//! changes something, the session's CSRF token and no foreign Origin. Every answer carries a strict CSP.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq as _;

use super::Inspector;

/// The header a state-changing request carries the session's CSRF token in (a custom header cannot be sent by a
/// form or an image of another site, and a script of another site cannot read the token).
pub const CSRF_HEADER: &str = "x-hookctl-csrf";
/// The cookie the token is kept in once the page has been opened with `?token=`.
const TOKEN_COOKIE: &str = "hookctl_ui_token";

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub struct Guard {
    hosts: Vec<String>,
    origin: String,
    token: Option<String>,
    csrf: String,
    scheme: &'static str,
}

/// 32 random bytes from the OS, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is no state to serve a page that can send requests in.
    getrandom::fill(&mut bytes).expect("the OS gives random bytes");
    hex::encode(bytes)
}

impl Guard {
    /// For the inspector on `bound`, served over `scheme` (http, or https with --tls-cert).
    pub fn new(bound: SocketAddr, scheme: &'static str, token: Option<String>) -> Self {
        let port = bound.port();
        let origin = format!("{scheme}://{bound}");
        let mut hosts = vec![bound.to_string()];
        if bound.ip().is_loopback() {
            hosts.push(format!("localhost:{port}"));
        }
        // Bound to every interface, the inspector is reached by whatever name or address the machine has: the
        // token (which a rebinding page does not know) stands in for the Host check there.
        if bound.ip().is_unspecified() {
            hosts.clear();
        }
        Self { origin, hosts, token, csrf: random_token(), scheme }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    fn host_allowed(&self, headers: &HeaderMap) -> bool {
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
        if self.hosts.is_empty() {
            return self.token.is_some();
        }
        self.hosts.iter().any(|allowed| allowed.eq_ignore_ascii_case(host))
    }

    /// Whether a token is the one printed at start.
    fn is_run_token(&self, given: &str) -> bool {
        self.token.as_deref().is_some_and(|expected| bool::from(given.as_bytes().ct_eq(expected.as_bytes())))
    }

    /// A request that changes something must come from the inspector's own page.
    fn same_origin_write(&self, method: &Method, headers: &HeaderMap) -> Result<(), &'static str> {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return Ok(());
        }
        let own = match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
            Some(host) if self.hosts.is_empty() => format!("{}://{host}", self.scheme),
            _ => self.origin.clone(),
        };
        if headers.get(header::ORIGIN).is_some_and(|origin| origin.as_bytes() != own.as_bytes()) {
            return Err("a request from another origin may not change anything here");
        }
        if headers.get("sec-fetch-site").is_some_and(|site| site == "cross-site") {
            return Err("a request from another site may not change anything here");
        }
        let csrf = headers.get(CSRF_HEADER).map(HeaderValue::as_bytes).unwrap_or_default();
        if !bool::from(csrf.ct_eq(self.csrf.as_bytes())) {
            return Err("this request lacks the session's CSRF token (X-Hookctl-Csrf, from GET /api/session)");
        }
        Ok(())
    }
}

fn query_token(query: Option<&str>) -> Option<&str> {
    query?.split('&').find_map(|pair| pair.strip_prefix("token="))
}

/// The tokens a request carries: `Authorization: Bearer`, the cookie, `?token=` (how the printed URL has it).
fn tokens_given(headers: &HeaderMap, query: Option<&str>) -> Vec<String> {
    let mut given = Vec::new();
    if let Some(bearer) =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        given.push(bearer.trim().to_owned());
    }
    for cookies in headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()) {
        let ours = cookies.split(';').filter_map(|c| c.trim().split_once('=')).filter(|(n, _)| *n == TOKEN_COOKIE);
        given.extend(ours.map(|(_, v)| v.to_owned()));
    }
    given.extend(query_token(query).map(str::to_owned));
    given.retain(|token| !token.is_empty() && token.len() <= 256);
    given
}

/// The SHA-256 (hex) a person's token is stored and looked up by.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Whether a token is a person's (`hookctl tokens create`), asked of the store at every request, so a revoked
/// token stops working at once.
async fn person_of(inspector: &Arc<Inspector>, token: &str) -> Option<String> {
    let location = inspector.store.clone();
    let hash = token_hash(token);
    let owner = tokio::task::spawn_blocking(move || {
        crate::store::Store::open_read_only(&location).and_then(|store| store.token_owner(&hash))
    })
    .await;
    owner.ok()?.ok()?
}

/// Whose token a request came with (a person's, `hookctl tokens create`), for what it records.
#[derive(Debug, Clone)]
pub struct Person(pub String);

pub async fn check(State(inspector): State<Arc<Inspector>>, request: Request, next: Next) -> Response {
    let guard = &inspector.guard;
    let headers = request.headers();
    if !guard.host_allowed(headers) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "this is the hookctl inspector; the Host header names another site",
        );
    }
    let query = request.uri().query().map(str::to_owned);
    let mut person = None;
    if guard.token.is_some() {
        let mut accepted = None;
        for given in tokens_given(headers, query.as_deref()) {
            if guard.is_run_token(&given) {
                accepted = Some(given);
                break;
            }
            if let Some(name) = person_of(&inspector, &given).await {
                accepted = Some(given);
                person = Some(Person(name));
                break;
            }
        }
        let Some(token) = accepted else {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "a token is needed here: the one printed when the inspector started, or a person's \
                 (`hookctl tokens create NAME`), as `Authorization: Bearer TOKEN`",
            );
        };
        if request.uri().path() == "/" && query_token(query.as_deref()).is_some() {
            // Kept in a cookie the page's scripts cannot read, and dropped from the address bar.
            let cookie = format!("{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            return harden(response);
        }
    }
    if let Err(reason) = guard.same_origin_write(request.method(), headers) {
        return refuse(StatusCode::FORBIDDEN, reason);
    }
    let mut request = request;
    if let Some(person) = person {
        request.extensions_mut().insert(person);
    }
    harden(next.run(request).await)
}

fn refuse(status: StatusCode, reason: &str) -> Response {
    harden((status, axum::Json(serde_json::json!({"error": reason}))).into_response())
}

fn harden(mut response: Response<Body>) -> Response<Body> {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    response
}
