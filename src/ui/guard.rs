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
}

/// 32 random bytes from the OS, as hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    // The OS random source failing is no state to serve a page that can send requests in.
    getrandom::fill(&mut bytes).expect("the OS gives random bytes");
    hex::encode(bytes)
}

impl Guard {
    pub fn new(bound: SocketAddr, token: Option<String>) -> Self {
        let port = bound.port();
        let origin = format!("http://{bound}");
        let mut hosts = vec![bound.to_string()];
        if bound.ip().is_loopback() {
            hosts.push(format!("localhost:{port}"));
        }
        // Bound to every interface, the inspector is reached by whatever name or address the machine has: the
        // token (which a rebinding page does not know) stands in for the Host check there.
        if bound.ip().is_unspecified() {
            hosts.clear();
        }
        Self { origin, hosts, token, csrf: random_token() }
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

    /// The token from `Authorization: Bearer`, the cookie, or `?token=` (how the printed URL carries it).
    fn token_given(&self, headers: &HeaderMap, query: Option<&str>) -> Option<bool> {
        let expected = self.token.as_deref()?;
        let same = |given: &str| bool::from(given.as_bytes().ct_eq(expected.as_bytes()));
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(same);
        let cookie = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).any(|cookies| {
            cookies.split(';').filter_map(|c| c.trim().split_once('=')).any(|(n, v)| n == TOKEN_COOKIE && same(v))
        });
        let query = query_token(query).is_some_and(same);
        Some(bearer || cookie || query)
    }

    /// A request that changes something must come from the inspector's own page.
    fn same_origin_write(&self, method: &Method, headers: &HeaderMap) -> Result<(), &'static str> {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return Ok(());
        }
        let own = match headers.get(header::HOST).and_then(|h| h.to_str().ok()) {
            Some(host) if self.hosts.is_empty() => format!("http://{host}"),
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
    match guard.token_given(headers, query.as_deref()) {
        Some(false) => {
            return refuse(
                StatusCode::UNAUTHORIZED,
                "the inspector's token is missing or wrong (printed when it started)",
            );
        }
        Some(true) if request.uri().path() == "/" && query_token(query.as_deref()).is_some() => {
            // Kept in a cookie the page's scripts cannot read, and dropped from the address bar.
            let token = guard.token.as_deref().unwrap_or_default();
            let cookie = format!("{TOKEN_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
            if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                response.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            return harden(response);
        }
        _ => {}
    }
    if let Err(reason) = guard.same_origin_write(request.method(), headers) {
        return refuse(StatusCode::FORBIDDEN, reason);
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
