//! The HTTP client side: where a delivery goes, one attempt of it, and the provider's retry schedule.

use std::time::{Duration, Instant};

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::error::Error;
use crate::provider::RetryFrom;
use crate::request::Request;

/// The answer body kept for display and JSON output; a receiver's answer is small, a larger one is cut here.
const MAX_ANSWER: usize = 64 * 1024;

/// Where `--to` (or the profile) points: a base the provider's route is appended to, or an exact URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Base(Url),
    Exact(Url),
}

impl Target {
    /// Reads `--to`: a URL (`http://localhost:3000` gets the route appended, `http://host/hooks` is used as is),
    /// `host:port[/path]`, a bare port (`3000` → `http://127.0.0.1:3000` + route), or a path (`/hooks`) on the
    /// profile's URL.
    pub fn parse(to: &str, base: Option<&str>) -> Result<Self, Error> {
        let to = to.trim();
        let bad = |why: String| {
            Error::usage(
                format!("--to {to:?}: {why}"),
                Some(
                    "give a URL (http://localhost:3000/webhooks), host:port, a port (3000) or a path (/webhooks)"
                        .into(),
                ),
            )
        };
        if !to.is_empty() && to.bytes().all(|b| b.is_ascii_digit()) {
            let port =
                to.parse::<u16>().ok().filter(|p| *p > 0).ok_or_else(|| bad("is not a port (1-65535)".into()))?;
            return Ok(Self::Base(url(&format!("http://127.0.0.1:{port}")).map_err(bad)?));
        }
        if to.starts_with('/') {
            let Some(base) = base else {
                return Err(Error::usage(
                    format!("--to {to:?} is a path, and no --profile gives the URL it belongs to"),
                    Some(format!("give the host too: --to localhost:3000{to}")),
                ));
            };
            let base = url(base).map_err(|e| bad(format!("the profile URL {base:?}: {e}")))?;
            return base.join(to).map(Self::Exact).map_err(|e| bad(e.to_string()));
        }
        let full = if to.contains("://") { to.to_owned() } else { format!("http://{to}") };
        let parsed = url(&full).map_err(bad)?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad(format!("`{}` is not http or https", parsed.scheme())));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(bad("there is no host".into()));
        }
        Ok(if parsed.path() == "/" && parsed.query().is_none() { Self::Base(parsed) } else { Self::Exact(parsed) })
    }

    /// `--to` on the profile's URL, or the profile's URL alone; neither is a usage error whose hint shows
    /// `example`, a URL typical of the command.
    pub fn from_args(to: Option<&str>, profile_url: Option<&str>, example: &str) -> Result<Self, Error> {
        match (to, profile_url) {
            (Some(to), base) => Self::parse(to, base),
            (None, Some(base)) => Self::parse(base, None),
            (None, None) => Err(Error::usage(
                "missing --to URL",
                Some(format!("give --to 3000, --to {example}, or a --profile with a url")),
            )),
        }
    }

    /// Whether requests to this target use TLS (every request of a run goes where the target says: redirects are
    /// not followed).
    pub fn is_https(&self) -> bool {
        let (Self::Base(url) | Self::Exact(url)) = self;
        url.scheme() == "https"
    }

    /// The URL for a request to `target` (a route, or a captured path and query) on this base.
    pub fn url(&self, target: &str) -> Url {
        match self {
            Self::Exact(url) => url.clone(),
            Self::Base(base) => {
                let mut url = base.clone();
                let (path, query) = match target.split_once('?') {
                    Some((path, query)) => (path, Some(query)),
                    None => (target, None),
                };
                url.set_path(path);
                url.set_query(query);
                url
            }
        }
    }
}

fn url(text: &str) -> Result<Url, String> {
    Url::parse(text).map_err(|e| e.to_string())
}

/// What a receiver answered.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    pub truncated: bool,
    /// Every header of the answer (a handshake's answer may be a header: Asana's X-Hook-Secret).
    pub headers: crate::request::Headers,
}

/// Why an attempt got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Refused,
    Timeout(Duration),
    Dns,
    Tls(String),
    InvalidHeader(String),
    Other(String),
}

impl Failure {
    pub fn describe(&self) -> String {
        match self {
            Self::Refused => "connection refused".into(),
            Self::Timeout(t) => format!("no answer within {}", humantime::format_duration(*t)),
            Self::Dns => "the host name does not resolve".into(),
            Self::Tls(e) => format!("TLS failed: {}", tls_cause(e).0),
            Self::InvalidHeader(name) => format!("header `{name}` is not a valid HTTP header"),
            Self::Other(e) => e.clone(),
        }
    }

    /// What to do about it.
    pub fn hint(&self, url: &Url) -> Option<String> {
        let host = url.host_str().unwrap_or_default();
        let at = match url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        match self {
            Self::Refused => Some(format!("is your app listening on {at}?")),
            Self::Timeout(_) => {
                Some("the provider gives up after this long too; raise --timeout to wait longer".into())
            }
            Self::Dns => Some(format!("check the host `{host}` in --to")),
            Self::Tls(e) => tls_cause(e).1,
            Self::InvalidHeader(_) => Some("check the -H values".into()),
            Self::Other(_) => None,
        }
    }
}

/// A TLS failure as rustls words it, in plain words, and what to do about it. rustls's own text is kept for
/// what is not recognised here.
fn tls_cause(error: &str) -> (String, Option<String>) {
    if error.contains("InvalidContentType") {
        // rustls reads a plain-HTTP answer as a record of an invalid content type.
        return ("the target answers plain HTTP".to_owned(), Some("use an http:// URL".to_owned()));
    }
    let Some(certificate) = CertificateDoubt::of(error) else { return (error.to_owned(), None) };
    let hint = match certificate {
        CertificateDoubt::UnknownIssuer => match std::env::var("SSL_CERT_FILE").ok().filter(|f| !f.is_empty()) {
            Some(file) => format!("SSL_CERT_FILE ({file}) holds no certificate that issued it"),
            None => "for a private CA or a self-signed certificate, name it with SSL_CERT_FILE=ca.pem".to_owned(),
        },
        other => other.hint().to_owned(),
    };
    (format!("the target's certificate {}", certificate.cause()), Some(hint))
}

/// Why a TLS client refused a server's certificate, read from rustls's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateDoubt {
    CaAsServer,
    Expired,
    NotValidYet,
    WrongName,
    UnknownIssuer,
}

impl CertificateDoubt {
    pub fn of(error: &str) -> Option<Self> {
        Some(if error.contains("CaUsedAsEndEntity") {
            Self::CaAsServer
        } else if error.contains("Expired") {
            Self::Expired
        } else if error.contains("NotValidYet") {
            Self::NotValidYet
        } else if error.contains("NotValidForName") {
            Self::WrongName
        } else if error.contains("UnknownIssuer")
            || error.contains("UnsupportedSignatureAlgorithm")
            || error.contains("BadSignature")
        {
            Self::UnknownIssuer
        } else {
            return None;
        })
    }

    /// What is wrong with it, after "the server's certificate".
    pub fn cause(self) -> &'static str {
        match self {
            Self::CaAsServer => "is a CA certificate (basicConstraints CA:TRUE), which clients refuse as a server's",
            Self::Expired => "has expired",
            Self::NotValidYet => "is not valid yet",
            Self::WrongName => "does not name this host",
            Self::UnknownIssuer => "is not issued by a CA this machine trusts",
        }
    }

    /// What to do (for an unknown issuer, the caller says where trust is added).
    pub fn hint(self) -> &'static str {
        match self {
            Self::CaAsServer => "issue it with basicConstraints=CA:FALSE (the README's openssl command does)",
            Self::Expired => "renew it",
            Self::NotValidYet => "check its dates and this machine's clock",
            Self::WrongName => "use a host name the certificate names",
            Self::UnknownIssuer => "trust the CA that issued it",
        }
    }
}

/// One attempt's outcome.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub result: Result<Answer, Failure>,
    pub latency: Duration,
}

impl Attempt {
    pub fn ok(&self) -> bool {
        matches!(&self.result, Ok(answer) if (200..300).contains(&answer.status))
    }
}

/// One HTTP client for a whole run: a connection pool sized for the concurrency, no redirects (providers do
/// not follow them), rustls.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    max_answer: usize,
}

impl Client {
    /// A client for `target`, whose answers are read up to 64 KiB (enough to show; `with_max_answer` to relay
    /// more).
    pub fn new(target: &Target, pool: usize) -> Result<Self, Error> {
        Self::with_max_answer(target, pool, MAX_ANSWER)
    }

    pub fn with_max_answer(target: &Target, pool: usize, max_answer: usize) -> Result<Self, Error> {
        // Several clients may be built in one process (tests); only the first install counts.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(pool)
            .tcp_nodelay(true);
        if !target.is_https() {
            // Loading the system's root certificates takes ~5 ms; a plain-HTTP target (an app on localhost) never
            // uses them.
            builder = builder.tls_certs_only([]);
        }
        let http = builder.build().map_err(|e| Error::usage(format!("cannot start the HTTP client: {e}"), None))?;
        Ok(Self { http, max_answer })
    }

    /// Sends `request` (its method, headers and exact body) to `url`, waiting at most `timeout`.
    pub async fn send(&self, url: &Url, request: &Request, timeout: Duration) -> Attempt {
        let start = Instant::now();
        let result = self.try_send(url, request, timeout).await;
        Attempt { result, latency: start.elapsed() }
    }

    async fn try_send(&self, url: &Url, request: &Request, timeout: Duration) -> Result<Answer, Failure> {
        let mut headers = HeaderMap::with_capacity(request.headers.len());
        for (name, value) in request.headers.iter() {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Failure::InvalidHeader(name.into()))?;
            let value = HeaderValue::from_bytes(value).map_err(|_| Failure::InvalidHeader(name.into()))?;
            headers.append(header, value);
        }
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| Failure::Other(format!("`{}` is not an HTTP method", request.method)))?;
        let send = self.http.request(method, url.clone()).headers(headers).body(request.body.clone()).send();
        let read = async {
            let mut response = send.await.map_err(classify)?;
            let status = response.status().as_u16();
            let content_type =
                response.headers().get(reqwest::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let headers: crate::request::Headers =
                response.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
            let mut body = Vec::new();
            let mut truncated = false;
            while let Some(chunk) = response.chunk().await.map_err(classify)? {
                let room = self.max_answer - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() > room {
                    truncated = true;
                    break;
                }
            }
            Ok(Answer { status, content_type, body, truncated, headers })
        };
        tokio::time::timeout(timeout, read).await.map_err(|_| Failure::Timeout(timeout))?
    }
}

/// Why a request got no answer, from reqwest's error.
pub fn classify(error: reqwest::Error) -> Failure {
    // reqwest keeps the cause in its source chain; the io::ErrorKind is the reliable signal.
    let mut source: Option<&dyn std::error::Error> = Some(&error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return Failure::Refused;
        }
        let text = cause.to_string();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return Failure::Dns;
        }
        if text.contains("InvalidContentType") || text.contains("tls") || text.contains("certificate") {
            return Failure::Tls(text);
        }
        // A TLS server's alert read as an HTTP answer.
        if text.contains("invalid HTTP version parsed") {
            return Failure::Other(
                "the target did not answer in HTTP: it may serve HTTPS (use an https:// URL)".into(),
            );
        }
        source = cause.source();
    }
    if error.is_timeout() {
        return Failure::Other("timed out".into());
    }
    // reqwest's own message names only the URL; the causes say what went wrong.
    let mut chain = Vec::new();
    let mut cause = std::error::Error::source(&error);
    while let Some(inner) = cause {
        chain.push(inner.to_string());
        cause = inner.source();
    }
    chain.dedup();
    Failure::Other(if chain.is_empty() { error.to_string() } else { chain.join(": ") })
}

/// The provider's retry schedule, compressed by `--time-scale`.
#[derive(Debug, Clone)]
pub struct RetryPlan {
    pub delays: Vec<Duration>,
    pub from: RetryFrom,
    pub scale: f64,
}

impl RetryPlan {
    /// Attempts in all: the first and one per delay.
    pub fn attempts(&self) -> usize {
        self.delays.len() + 1
    }

    /// How long to wait before retry `retry` (0-based), given when the first attempt started.
    pub fn wait(&self, retry: usize, first_start: Instant) -> Duration {
        let Some(delay) = self.delays.get(retry) else { return Duration::ZERO };
        let delay = delay.div_f64(self.scale);
        match self.from {
            RetryFrom::Previous => delay,
            RetryFrom::First => delay.saturating_sub(first_start.elapsed()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let base = |s: &str| Target::Base(Url::parse(s).expect("valid"));
        let exact = |s: &str| Target::Exact(Url::parse(s).expect("valid"));
        assert_eq!(Target::parse("3000", None).expect("port"), base("http://127.0.0.1:3000"));
        assert_eq!(Target::parse("http://localhost:3000", None).expect("url"), base("http://localhost:3000/"));
        assert_eq!(
            Target::parse("localhost:3000/hooks?x=1", None).expect("url"),
            exact("http://localhost:3000/hooks?x=1")
        );
        assert!(Target::parse("/hooks", None).is_err(), "a path needs a base URL");
        assert_eq!(
            Target::parse("/hooks", Some("https://staging.example.com")).expect("path"),
            exact("https://staging.example.com/hooks")
        );
        assert_eq!(
            base("http://127.0.0.1:3000").url("/webhooks/payvost").as_str(),
            "http://127.0.0.1:3000/webhooks/payvost"
        );
        for bad in ["ftp://x", "http://", "http://exa mple.com", "99999"] {
            assert!(Target::parse(bad, None).is_err(), "{bad}");
        }
        // Only an https target gets the system's root certificates.
        assert!(!base("http://127.0.0.1:3000").is_https());
        assert!(exact("https://staging.example.com/hooks").is_https());
    }

    #[test]
    fn retry_waits_follow_the_schedule() {
        let plan = RetryPlan {
            delays: vec![Duration::from_secs(5), Duration::from_secs(60)],
            from: RetryFrom::Previous,
            scale: 1000.0,
        };
        assert_eq!(plan.attempts(), 3);
        assert_eq!(plan.wait(0, Instant::now()), Duration::from_millis(5));
        assert_eq!(plan.wait(1, Instant::now()), Duration::from_millis(60));
        let from_first = RetryPlan { from: RetryFrom::First, ..plan };
        let long_ago = Instant::now().checked_sub(Duration::from_millis(30)).expect("clock");
        assert!(from_first.wait(1, long_ago) <= Duration::from_millis(30));
    }
}
