//! The listener: an axum router that captures every request, detects its provider, verifies and validates
//! it, stores it (committed before the answer leaves), prints it and answers as the provider expects — or
//! forwards it to the developer's app and relays the app's answer.

mod budget;
mod connections;
mod limits;
mod printer;
mod read;
mod serve;
mod tls;
mod writer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub use budget::Budget;
pub use connections::Connections;
pub use limits::{connections as connection_limit, open_files};
pub use printer::Printer;
pub use serve::{bind, serve};
pub use tls::Tls;
pub use writer::{Writer, WriterThread};

use crate::deliver::{Client, Target};
use crate::inspect::{self, Inspection, PayloadCheck};
use crate::output::{Role, Style, sanitize};
use crate::provider::Provider;
use crate::request::{Headers, Request};
use crate::schema::SchemaCache;
use crate::scheme::{Keys, Outcome};
use crate::store::StoredEvent;

/// How the listener answers, prints and forwards.
pub struct Settings {
    pub providers: Vec<Provider>,
    /// Keys by provider name; a provider without any is shown "not checked".
    pub keys: HashMap<String, Keys>,
    pub respond: Option<u16>,
    pub fail_rate: f64,
    pub reject_invalid: bool,
    pub keep_credentials: bool,
    pub forward: Option<(Client, Target)>,
    pub verbose: bool,
    pub json: bool,
    pub events: Option<globset::GlobMatcher>,
    pub style: Style,
    pub max_body: usize,
    /// How long a sender may take to send its body (slow senders hold a connection otherwise).
    pub read_timeout: Duration,
    /// The bytes all bodies in flight may hold together (`--max-memory`).
    pub max_memory: usize,
    /// Where each stored event's record goes once committed, for pages open on the inspector's live stream
    /// (a bounded broadcast: sending never waits, a page that lags behind is told to reload).
    pub live: Option<tokio::sync::broadcast::Sender<Arc<str>>>,
}

pub struct Listener {
    settings: Settings,
    writer: Writer,
    printer: Printer,
    schemas: SchemaCache,
    routes: HashMap<String, usize>,
    rng: Mutex<fastrand::Rng>,
    received: std::sync::atomic::AtomicU64,
    columns: Columns,
    budget: budget::Budget,
    /// Inspections running off the async workers at once (see `OFF_WORKERS`).
    heavy: Arc<tokio::sync::Semaphore>,
    /// Large bodies being stored at once (one).
    large_writes: tokio::sync::Semaphore,
}

/// The widths of the printed line's columns, from the catalog (lines are printed as events come, so the
/// widths cannot come from the events themselves). A value wider than its column pushes the rest along.
struct Columns {
    provider: usize,
    event_type: usize,
}

impl Columns {
    /// Provider, event type and event id, sanitised and padded to their columns (padded before any colouring:
    /// escape codes would count as width).
    fn pad(&self, provider: &str, kind: &str, id: &str) -> [String; 3] {
        [
            format!("{:<width$}", sanitize(provider, false), width = self.provider),
            format!("{:<width$}", sanitize(kind, false), width = self.event_type),
            format!("{:<ID_COLUMN$}", sanitize(id, false)),
        ]
    }
}

/// Provider event ids are mostly `prefix_` and 24 characters (Stripe, Payvost); UUIDs (GitHub) are longer.
const ID_COLUMN: usize = 28;
/// "– not checked (no secret)", the longest fixed signature mark.
const SIGNATURE_COLUMN: usize = 25;

/// Diagnosis re-hashes the body a few dozen times; past this size a listener only reports the mismatch.
const DIAGNOSE_LIMIT: usize = 1024 * 1024;

/// Bodies past this size are inspected on the blocking pool: hashing, parsing and validating them, and
/// diagnosing a mismatch (a few dozen hashes), takes milliseconds that would stall every other request
/// waiting on the same async worker. A webhook of a few KiB stays on the worker, where it costs less than
/// the hand-over. The store writer commits such bodies in transactions of their own, after the small events
/// queued beside them.
const OFF_WORKERS: usize = 32 * 1024;

impl Listener {
    pub fn new(settings: Settings, writer: Writer, printer: Printer) -> Arc<Self> {
        let mut routes = HashMap::new();
        for (index, provider) in settings.providers.iter().enumerate() {
            for route in &provider.routes {
                routes.entry(route.clone()).or_insert(index);
            }
        }
        let columns = Columns {
            provider: settings.providers.iter().map(|p| p.name.chars().count()).max().unwrap_or(0),
            event_type: settings
                .providers
                .iter()
                .flat_map(|p| &p.events)
                .map(|e| e.name.chars().count())
                .max()
                .unwrap_or(0),
        };
        // One core is left to the async workers, so a flood of large forged bodies slows only its own answers.
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Arc::new(Self {
            budget: budget::Budget::new(settings.max_memory),
            writer,
            printer,
            schemas: SchemaCache::default(),
            routes,
            rng: Mutex::new(fastrand::Rng::new()),
            received: std::sync::atomic::AtomicU64::new(0),
            columns,
            heavy: Arc::new(tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))),
            large_writes: tokio::sync::Semaphore::new(1),
            settings,
        })
    }

    /// Every route served, with its provider: `/` detects the provider from the headers.
    pub fn routes(&self) -> Vec<(String, String)> {
        let mut routes: Vec<(String, String)> = self
            .routes
            .iter()
            .map(|(route, index)| (route.clone(), self.settings.providers[*index].name.clone()))
            .collect();
        routes.sort();
        routes.insert(0, ("/".into(), "detected from the headers".into()));
        routes
    }

    pub fn received(&self) -> u64 {
        self.received.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The provider's index in `settings.providers`.
    fn provider_for(&self, request: &Request) -> Option<usize> {
        if let Some(index) = self.routes.get(request.path()) {
            return Some(*index);
        }
        if request.path() != "/" {
            return None;
        }
        let detected = crate::provider::detect(&self.settings.providers, request)?;
        self.settings.providers.iter().position(|p| std::ptr::eq(p, detected))
    }

    fn inspect(&self, request: &Request, provider: &Provider) -> Inspection {
        let settings = &self.settings;
        let no_keys = Keys::default();
        let ctx = inspect::Context {
            keys: settings.keys.get(&provider.name).unwrap_or(&no_keys),
            now: crate::time::now().timestamp(),
            others: &settings.providers,
            diagnose_limit: DIAGNOSE_LIMIT,
            schemas: &self.schemas,
            max_decoded: settings.max_body,
        };
        inspect::inspect(request, provider, &ctx)
    }
}

/// Inspects a large body on the blocking pool, a few at a time (see `OFF_WORKERS`); the request comes back
/// with its inspection.
async fn inspect_off_workers(listener: &Arc<Listener>, request: Request, provider: usize) -> (Request, Inspection) {
    // The semaphore is never closed.
    let permit = listener.heavy.clone().acquire_owned().await.ok();
    let worker = listener.clone();
    let inspecting = tokio::task::spawn_blocking(move || {
        let inspection = worker.inspect(&request, &worker.settings.providers[provider]);
        drop(permit);
        (request, inspection)
    });
    match inspecting.await {
        Ok(inspected) => inspected,
        Err(error) => std::panic::resume_unwind(error.into_panic()),
    }
}

/// The router, testable in-process.
pub fn router(listener: Arc<Listener>) -> Router {
    let limit = listener.settings.max_body;
    // The handler reads the body itself (with a deadline); the layer keeps axum's own limit in step.
    Router::new().fallback(handle).layer(DefaultBodyLimit::max(limit)).with_state(listener)
}

async fn handle(
    State(listener): State<Arc<Listener>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let started = Instant::now();
    listener.received.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let target = uri.path_and_query().map_or_else(|| uri.path().to_owned(), ToString::to_string);
    let settings = &listener.settings;
    let declared = axum::body::HttpBody::size_hint(&body).exact();
    // Held until the answer is built: the body's bytes stay in use through the store's commit.
    let (body, _held) =
        match read::read(body, declared, settings.max_body, &listener.budget, settings.read_timeout).await {
            Ok(read) => read,
            Err(refused) => return not_stored(&listener, &target, refused.status, refused.text),
        };
    let headers: Headers = headers.iter().map(|(n, v)| (n.as_str().to_owned(), v.as_bytes().to_vec())).collect();
    let mut request = Request { method: method.to_string(), target, headers, body };
    let index = listener.provider_for(&request);
    let provider = index.map(|index| &settings.providers[index]);

    let inspection = match index {
        Some(index) if request.body.len() > OFF_WORKERS => {
            let (returned, inspection) = inspect_off_workers(&listener, request, index).await;
            request = returned;
            Some(inspection)
        }
        Some(index) => Some(listener.inspect(&request, &settings.providers[index])),
        None => None,
    };

    // `--events` decides what is forwarded and printed, as `stripe listen --events` does: the others are still
    // stored and answered, as their provider expects, so the sender sees a receiver that works.
    let wanted = settings.events.as_ref().is_none_or(|glob| {
        inspection.as_ref().and_then(|i| i.payload.event()).is_some_and(|event| glob.is_match(event))
    });

    // The app's answer when forwarding, else the provider's documented one (or a simulated failure).
    let mut forwarded = None;
    // --reject-invalid answers a failed signature with 401 itself: the app never sees it.
    let rejected = settings.reject_invalid && inspection.as_ref().is_some_and(|i| !i.verdict.outcome.is_valid());
    let mut answer = match (&settings.forward, provider) {
        (Some((client, target)), _) if wanted && !rejected => {
            let result = forward(client, target, &request, provider).await;
            let answer = match &result {
                Ok((status, content_type, body, _)) => Answer::new(*status, content_type.clone(), body.clone()),
                Err(reason) => Answer::text(502, &format!("hookctl could not reach the app: {reason}")),
            };
            forwarded = Some(result.map(|(status, _, _, latency)| (status, latency)));
            answer
        }
        (_, Some(provider)) => own_answer(&listener, provider, inspection.as_ref(), &request),
        (_, None) => Answer::json(404, json!({"error": format!("no provider is served at {}", request.path())})),
    };

    // The request is not needed past here: it moves into the record, redacted unless asked otherwise.
    let mut stored_request = request;
    if !settings.keep_credentials {
        stored_request.headers = crate::provider::redact_credentials(&stored_request.headers, provider);
    }
    let mut event = StoredEvent::new(stored_request, provider, inspection.as_ref(), answer.status);
    if let Some(Ok((status, latency))) = &forwarded {
        event.forward_status = Some(*status);
        event.forward_ms = Some(latency.as_secs_f64() * 1000.0);
    }
    let target = event.request.target.clone();
    // One large body at a time goes to the store: its insert takes the one writer thread for milliseconds,
    // and a small delivery's commit should wait behind one of them, not behind the whole budget's worth.
    let large = event.request.body.len() > OFF_WORKERS;
    let _turn = if large { listener.large_writes.acquire().await.ok() } else { None };
    let Ok((event, stored)) = listener.writer.write(event).await else {
        let text = "hookctl could not store this event (its store writer stopped); retry later".to_owned();
        return not_stored(&listener, &target, StatusCode::SERVICE_UNAVAILABLE, text);
    };
    let (id, duplicate) = match &stored {
        Ok((id, duplicate)) => (Some(*id), *duplicate),
        Err(_) => {
            // Never acknowledge what was not stored: the sender will retry.
            answer = Answer::text(503, "hookctl could not store this event; retry later");
            (None, false)
        }
    };
    if let (Some(live), Some(id)) = (&settings.live, id)
        && live.receiver_count() > 0
    {
        let mut record = event.record();
        record.id = Some(id);
        record.duplicate = duplicate;
        record.answer_status = answer.status;
        if let Ok(text) = serde_json::to_string(&record) {
            // No page open is no error.
            let _ = live.send(text.into());
        }
    }
    if !wanted {
        if settings.verbose && !settings.json {
            listener.printer.print(filtered_line(&listener, &event, id, answer.status));
        }
    } else {
        let line = if settings.json {
            json_line(&event, id, duplicate, answer.status, &forwarded, stored.as_ref().err(), started.elapsed())
        } else {
            human_line(
                &listener,
                &event,
                inspection.as_ref(),
                id,
                duplicate,
                answer.status,
                &forwarded,
                stored.as_ref().err(),
            )
        };
        listener.printer.print(line);
    }
    let mut response = answer.into_response();
    if stored.is_err() {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(read::RETRY_AFTER_SECONDS));
    }
    response
}

/// Answers a request that was not stored, and says so on the output.
fn not_stored(listener: &Listener, target: &str, status: StatusCode, text: String) -> Response {
    let line = if listener.settings.json {
        let error = json!({"target": target, "answer_status": status.as_u16(), "stored": false, "error": text});
        format!("{error}\n")
    } else {
        sanitize(&format!("{} {} {target}: {text} (not stored)\n", clock(), status.as_u16()), true).into_owned()
    };
    listener.printer.print(line);
    let mut response = (status, text).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(read::RETRY_AFTER_SECONDS));
    }
    response
}

struct Answer {
    status: u16,
    content_type: Option<String>,
    body: Vec<u8>,
    /// Headers besides the Content-Type (a handshake's: Asana's echoed X-Hook-Secret, Dropbox's nosniff).
    headers: Vec<(String, String)>,
}

impl Answer {
    fn new(status: u16, content_type: Option<String>, body: Vec<u8>) -> Self {
        Self { status, content_type, body, headers: Vec::new() }
    }

    fn text(status: u16, text: &str) -> Self {
        Self::new(status, Some("text/plain; charset=utf-8".into()), text.as_bytes().to_vec())
    }

    fn json(status: u16, value: serde_json::Value) -> Self {
        Self::new(status, Some("application/json".into()), value.to_string().into_bytes())
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body).into_response();
        if let Some(content_type) = self.content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
            response.headers_mut().insert(header::CONTENT_TYPE, content_type);
        }
        for (name, value) in self.headers {
            // A challenge header echoed as it came is a valid value; one that is not is left out.
            if let (Ok(name), Ok(value)) =
                (header::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value))
            {
                response.headers_mut().insert(name, value);
            }
        }
        response
    }
}

fn own_answer(listener: &Listener, provider: &Provider, inspection: Option<&Inspection>, request: &Request) -> Answer {
    let settings = &listener.settings;
    if settings.reject_invalid
        && let Some(inspection) = inspection
        && !inspection.verdict.outcome.is_valid()
    {
        return Answer::json(
            401,
            json!({"error": "invalid signature", "reason": inspection.verdict.outcome.describe()}),
        );
    }
    if let Some(status) = settings.respond {
        return Answer::text(status, &format!("hookctl: answering {status} as asked (--respond)"));
    }
    if settings.fail_rate > 0.0
        && listener.rng.lock().unwrap_or_else(std::sync::PoisonError::into_inner).f64() < settings.fail_rate
    {
        return Answer::text(500, "hookctl: simulated failure (--fail-rate)");
    }
    // A handshake is answered as a correct app answers it: the challenge echoed (in the body, or in its header
    // for Asana), or its MAC (Zoom).
    if let Some(handshake) = &provider.handshake
        && handshake.recognises(request, inspection.and_then(|i| i.payload.event()))
    {
        let secret = settings.keys.get(&provider.name).and_then(|k| k.secret.as_ref());
        if let Some(reply) = handshake.answer(request, secret) {
            let mut answer = Answer::new(200, reply.content_type, reply.body);
            answer.headers = reply.headers;
            return answer;
        }
    }
    let documented = &provider.delivery.answer;
    Answer::new(documented.status, documented.content_type.clone(), documented.body.clone().into_bytes())
}

/// Forwards the exact body and end-to-end headers; returns the app's status, content type, body and latency.
async fn forward(
    client: &Client,
    target: &Target,
    request: &Request,
    provider: Option<&Provider>,
) -> Result<(u16, Option<String>, Vec<u8>, Duration), String> {
    let outgoing = Request { headers: request.headers.end_to_end(), ..request.clone() };
    let url = target.url(&request.target);
    let timeout = provider.and_then(|p| p.delivery.timeout).unwrap_or(Duration::from_secs(30));
    let attempt = client.send(&url, &outgoing, timeout).await;
    match attempt.result {
        Ok(answer) => Ok((answer.status, answer.content_type, answer.body, attempt.latency)),
        Err(failure) => {
            let hint = failure.hint(&url).map(|h| format!(" ({h})")).unwrap_or_default();
            Err(format!("{}{hint}", failure.describe()))
        }
    }
}

fn clock() -> String {
    chrono::Local::now().format("%H:%M:%S").to_string()
}

#[allow(clippy::too_many_arguments)]
fn human_line(
    listener: &Listener,
    event: &StoredEvent,
    inspection: Option<&Inspection>,
    id: Option<i64>,
    duplicate: bool,
    status: u16,
    forwarded: &Option<Result<(u16, Duration), String>>,
    store_error: Option<&String>,
) -> String {
    let settings = &listener.settings;
    let style = &settings.style;
    let out = |role, text: &str| style.out(role, text);
    let provider = event.provider.as_deref().unwrap_or("?");
    let kind = event.event_type.as_deref().unwrap_or(if event.provider.is_some() { "(unknown event)" } else { "" });
    let [provider, kind, event_id] = listener.columns.pad(provider, kind, event.event_id.as_deref().unwrap_or("-"));
    let mut line = format!("{} {} {kind} {event_id}", out(Role::Dim, &clock()), out(Role::Name, &provider));
    match inspection {
        None => line.push_str(&format!(
            "  {} {} {}",
            out(Role::Warn, "!"),
            sanitize(&event.request.method, false),
            sanitize(&event.request.target, false)
        )),
        Some(inspection) => {
            let key_pair = settings
                .providers
                .iter()
                .any(|p| Some(p.name.as_str()) == event.provider.as_deref() && p.scheme.is_asymmetric());
            let (mark, role) = match &inspection.verdict.outcome {
                Outcome::Valid => ("✓ signed", Role::Ok),
                Outcome::Unsigned => ("! unsigned", Role::Warn),
                // A key-pair provider (Discord, SendGrid) needs its public key, not a secret.
                Outcome::NoSecret if key_pair => ("– not checked (no key)", Role::Dim),
                Outcome::NoSecret => ("– not checked (no secret)", Role::Dim),
                Outcome::UrlUnknown => ("– not checked (URL unknown)", Role::Dim),
                _ => ("✗", Role::Fail),
            };
            let reason = match (&inspection.decoded, matches!(role, Role::Fail)) {
                (_, true) => format!(" {}", event.verdict_detail),
                (Some(coding), false) => format!(" ({coding}-decoded)"),
                (None, false) => String::new(),
            };
            let signature = format!("{:<SIGNATURE_COLUMN$}", sanitize(&format!("{mark}{reason}"), false));
            line.push_str(&format!("  {}", out(role, &signature)));
            let (mark, role) = match &inspection.payload {
                PayloadCheck::Valid { .. } => ("✓ schema".to_owned(), Role::Ok),
                PayloadCheck::Handshake { .. } => ("✓ handshake".to_owned(), Role::Ok),
                PayloadCheck::Invalid { .. } | PayloadCheck::NotJson { .. } | PayloadCheck::BadForm { .. } => {
                    (format!("✗ {}", event.payload_detail), Role::Fail)
                }
                _ => (format!("! {}", event.payload_detail), Role::Warn),
            };
            line.push_str(&format!("  {}", out(role, &format!("{:<8}", sanitize(&mark, false)))));
        }
    }
    // The column is there (blank) for the events that are not duplicates, so the answers line up.
    line.push_str(&format!("  {}", out(Role::Warn, if duplicate { "duplicate" } else { "         " })));
    let status_role = if (200..300).contains(&status) { Role::Ok } else { Role::Fail };
    line.push_str(&format!("  → {}", out(status_role, &status.to_string())));
    match forwarded {
        Some(Ok((app, latency))) => line.push_str(&format!(" (app {app} in {:.1}ms)", latency.as_secs_f64() * 1000.0)),
        Some(Err(reason)) => {
            line.push_str(&format!(" {}", out(Role::Fail, &sanitize(&format!("(app unreachable: {reason})"), false))))
        }
        None => {}
    }
    if let Some(id) = id {
        line.push_str(&format!("  {}", out(Role::Dim, &format!("#{id}"))));
    }
    if let Some(error) = store_error {
        line.push_str(&format!("  {}", out(Role::Fail, &sanitize(&format!("NOT STORED: {error}"), false))));
    }
    line.push('\n');
    if settings.verbose {
        for (name, value) in event.request.headers.iter() {
            line.push_str(&format!(
                "    {}: {}\n",
                sanitize(name, false),
                sanitize(&String::from_utf8_lossy(value), false)
            ));
        }
        // A compressed body is shown as it was checked, decoded (decoded again here: only --verbose pays for it).
        let decoded = inspection
            .and_then(|i| i.decoded.as_ref())
            .and_then(|_| {
                crate::content_encoding::decode(&event.request.headers, &event.request.body, settings.max_body).ok()
            })
            .flatten();
        let shown = decoded.as_ref().map_or(&event.request.body, |d| &d.body);
        let body = match serde_json::from_slice::<serde_json::Value>(shown) {
            Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
            Err(_) => String::from_utf8_lossy(shown).into_owned(),
        };
        for text in sanitize(&body, true).lines() {
            line.push_str(&format!("    {text}\n"));
        }
    }
    line
}

/// The dimmed line `--verbose` prints for an event outside `--events`: stored and answered, not forwarded.
fn filtered_line(listener: &Listener, event: &StoredEvent, id: Option<i64>, status: u16) -> String {
    let settings = &listener.settings;
    let what = if settings.forward.is_some() { "outside --events, not forwarded" } else { "outside --events" };
    let stored = id.map(|id| format!("  #{id}")).unwrap_or_default();
    // The same columns as the other lines, dimmed whole.
    let [provider, kind, id] = listener.columns.pad(
        event.provider.as_deref().unwrap_or("?"),
        event.event_type.as_deref().unwrap_or("(unknown event)"),
        event.event_id.as_deref().unwrap_or("-"),
    );
    let text = format!("{} {provider} {kind} {id}  {what}  → {status}{stored}", clock());
    format!("{}\n", settings.style.out(Role::Dim, &text))
}

/// One NDJSON line: the event's record, what the listener did with it, and the request itself (so a line can
/// be piped to `hookctl verify -`). Written straight from borrowed fields: this runs once per event.
fn json_line(
    event: &StoredEvent,
    id: Option<i64>,
    duplicate: bool,
    status: u16,
    forwarded: &Option<Result<(u16, Duration), String>>,
    store_error: Option<&String>,
    elapsed: Duration,
) -> String {
    #[derive(serde::Serialize)]
    #[serde(untagged)]
    enum Forward<'a> {
        Answered { status: u16, latency_ms: f64 },
        Failed { error: &'a str },
    }
    #[derive(serde::Serialize)]
    struct Line<'a> {
        #[serde(flatten)]
        record: crate::store::EventRecord<'a>,
        forward: Option<Forward<'a>>,
        stored: bool,
        store_error: Option<&'a str>,
        handled_ms: f64,
        request: &'a Request,
    }
    let mut record = event.record();
    record.id = id;
    record.duplicate = duplicate;
    record.answer_status = status;
    let line = Line {
        record,
        forward: forwarded.as_ref().map(|result| match result {
            Ok((status, latency)) => Forward::Answered { status: *status, latency_ms: micros_as_ms(*latency) },
            Err(reason) => Forward::Failed { error: reason },
        }),
        stored: store_error.is_none(),
        store_error: store_error.map(String::as_str),
        handled_ms: micros_as_ms(elapsed),
        request: &event.request,
    };
    let mut out = serde_json::to_string(&line).unwrap_or_default();
    out.push('\n');
    out
}

/// Milliseconds to the microsecond (`67.48`, not `67.48024099999999`): finer is noise, and a float's binary
/// tail in JSON reads as a bug.
fn micros_as_ms(elapsed: Duration) -> f64 {
    elapsed.as_micros() as f64 / 1000.0
}

#[cfg(test)]
mod tests;
