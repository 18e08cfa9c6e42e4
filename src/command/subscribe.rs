//! `hookctl listen --from URL --forward-to APP`: a laptop subscribed to a shared inbox. It reads the inbox's
//! feed (`GET /api/feed?after=ID`, the events in the order they were stored, each with its exact request),
//! forwards each one to the app with its bytes and headers as received, and records the last id forwarded in
//! the user data dir only once the app has answered: stopped (Ctrl-C, SIGTERM) or offline, it goes on from there
//! next time, so nothing stored meanwhile is missed. An app that does not answer is tried again, not skipped.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

use super::App;
use crate::cli::ListenArgs;
use crate::deliver::{Client, Failure, Target};
use crate::error::{Error, ExitCode};
use crate::output::{Role, sanitize};
use crate::request::{Request, RequestJson};

/// Events asked for at once.
const PAGE: usize = 200;
/// How often an idle subscriber asks the inbox for new events.
const POLL: Duration = Duration::from_millis(250);
/// How long to wait before trying an unreachable inbox or app again.
const AGAIN: Duration = Duration::from_secs(1);

pub fn run(app: &App, args: &ListenArgs, from: &str) -> Result<ExitCode, Error> {
    if args.tls.tls_cert.is_some() {
        return Err(Error::usage(
            "--tls-cert serves HTTPS, and a subscriber (--from) serves nothing",
            Some("to trust an inbox's certificate, pass it with --cacert".into()),
        ));
    }
    let base = inbox_url(from)?;
    let forward_to = args.forward_to.as_deref().unwrap_or_default();
    let target = Target::parse(forward_to, None)?;
    let client = Client::with_max_answer(&target, 4, args.max_body)?;
    let events = args.events.as_deref().map(|glob| super::glob("--events", glob)).transpose()?;
    if let Some(name) = &args.provider {
        app.catalog()?.get(name)?;
    }
    // --resign: this machine's keys for every provider, said once (source and fingerprint, never the value).
    let signing = if args.resign {
        let catalog = app.catalog()?;
        let providers = catalog.all()?;
        let (keys, origins) = super::listen::keys(app, args, &providers)?;
        crate::keys::announce(&app.style, &origins);
        Some((providers, keys))
    } else {
        None
    };
    let state = state_path(&base);
    let mut cursor = match args.since {
        Some(id) => id,
        None => read_state(&state)?,
    };
    let mut builder = reqwest::Client::builder();
    if let Some(path) = &args.cacert {
        builder = builder.tls_certs_merge(cacert(path)?);
    }
    let http = builder.build().map_err(|e| Error::usage(format!("cannot start the HTTP client: {e}"), None))?;
    let runtime = super::runtime()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    runtime.spawn(async move {
        shutdown().await;
        stopping.store(true, Ordering::SeqCst);
    });
    let style = app.style;
    eprintln!(
        "hookctl: subscribed to {} after event #{cursor}; forwarding to {}",
        style.err(Role::Heading, base.as_str()),
        style.err(Role::Heading, target.url("/").as_str())
    );
    let who = std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "a subscriber".into());
    let forwarded = runtime.block_on(async {
        let mut forwarded = 0usize;
        let mut reporter = Reporter { csrf: None, said: false };
        let mut said_unreachable = false;
        'feed: while !stop.load(Ordering::SeqCst) {
            let page = match fetch(&http, &base, args.token.as_deref(), cursor).await {
                Ok(page) => {
                    said_unreachable = false;
                    page
                }
                Err(Fetch::Refused(message)) => return Err(Error::usage(message, None)),
                Err(Fetch::Unreachable(message)) => {
                    if !said_unreachable {
                        let warning = style.err(Role::Warn, "warning");
                        eprintln!("hookctl: {warning}: {message}; trying again every second");
                        said_unreachable = true;
                    }
                    pause(&stop, AGAIN).await;
                    continue;
                }
            };
            if page.is_empty() {
                pause(&stop, POLL).await;
                continue;
            }
            for event in page {
                if stop.load(Ordering::SeqCst) {
                    break 'feed;
                }
                let id = event["id"].as_i64().unwrap_or(cursor);
                let wanted = args.provider.as_deref().is_none_or(|p| event["provider"].as_str() == Some(p))
                    && events.as_ref().is_none_or(|glob| event["event"].as_str().is_some_and(|t| glob.is_match(t)));
                if wanted {
                    let mut request = request_of(&event)?;
                    if let Some((providers, keys)) = &signing {
                        request = resign(&event, request, providers, keys)?;
                    }
                    // Tried until the app answers (any status): an app that is down gets the event when it is up.
                    let mut said_down = false;
                    let (status, ms) = loop {
                        let outgoing = Request { headers: request.headers.end_to_end(), ..request.clone() };
                        let url = target.url(&request.target);
                        let attempt = client.send(&url, &outgoing, Duration::from_secs(30)).await;
                        match attempt.result {
                            Ok(answer) => break (answer.status, attempt.latency.as_secs_f64() * 1000.0),
                            Err(failure) => {
                                if !said_down {
                                    let warning = style.err(Role::Warn, "warning");
                                    eprintln!(
                                        "hookctl: {warning}: event #{id} not forwarded: {}; trying again every second",
                                        failure.describe()
                                    );
                                    said_down = true;
                                }
                                if stop.load(Ordering::SeqCst) {
                                    break 'feed;
                                }
                                tokio::time::sleep(AGAIN).await;
                            }
                        }
                    };
                    print(app, &event, status, ms);
                    forwarded += 1;
                    let report = json!({"status": status, "ms": ms, "by": who});
                    reporter.report(&http, &base, args.token.as_deref(), id, &report, style).await;
                }
                cursor = id;
                write_state(&state, &base, cursor)?;
            }
        }
        Ok::<usize, Error>(forwarded)
    })?;
    let events = if forwarded == 1 { "event" } else { "events" };
    eprintln!("hookctl: forwarded {forwarded} {events}; the next run goes on after event #{cursor}");
    Ok(ExitCode::Success)
}

/// `--cacert FILE`: the certificates (PEM) an https inbox's chain may end at, besides the system's.
fn cacert(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, Error> {
    let hint = || Some("--cacert takes a PEM file of one or more certificates (the inbox's own or its CA's)".into());
    let bytes = std::fs::read(path)
        .map_err(|e| Error::usage(format!("cannot read --cacert {}: {e}", path.display()), hint()))?;
    match reqwest::Certificate::from_pem_bundle(&bytes) {
        Ok(certs) if !certs.is_empty() => Ok(certs),
        Ok(_) => Err(Error::usage(format!("--cacert {} holds no CERTIFICATE block", path.display()), hint())),
        Err(e) => Err(Error::usage(format!("--cacert {} is not a PEM certificate: {e}", path.display()), hint())),
    }
}

/// The inspector's address, ending with `/` so the API's paths join under it.
fn inbox_url(from: &str) -> Result<reqwest::Url, Error> {
    let text = if from.contains("://") { from.to_owned() } else { format!("http://{from}") };
    let mut url = reqwest::Url::parse(&text).map_err(|e| {
        Error::usage(
            format!("--from {:?} is not a URL: {e}", sanitize(from, false)),
            Some("give the inbox's inspector address, such as https://inbox.example.com/".into()),
        )
    })?;
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    Ok(url)
}

enum Fetch {
    /// The inbox answered no: a wrong token, not an inspector.
    Refused(String),
    /// Offline, or the inbox is down: try again.
    Unreachable(String),
}

async fn fetch(
    http: &reqwest::Client,
    base: &reqwest::Url,
    token: Option<&str>,
    after: i64,
) -> Result<Vec<Value>, Fetch> {
    let url = base.join(&format!("api/feed?after={after}&limit={PAGE}")).map_err(|e| Fetch::Refused(e.to_string()))?;
    let mut request = http.get(url).timeout(Duration::from_secs(30));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer = request.send().await.map_err(|e| match crate::deliver::classify(e) {
        // A certificate does not get trusted by trying again.
        failure @ Failure::Tls(_) => {
            let hint = if failure.describe().contains("not issued by a CA this machine trusts") {
                Some("pass the inbox's certificate or its CA with --cacert FILE".to_owned())
            } else {
                failure.hint(base)
            };
            let hint = hint.map(|h| format!("; {h}")).unwrap_or_default();
            Fetch::Refused(format!("cannot reach the inbox at {base}: {}{hint}", failure.describe()))
        }
        failure => Fetch::Unreachable(format!("the inbox is unreachable ({})", failure.describe())),
    })?;
    let status = answer.status();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return Err(Fetch::Refused(match token {
            Some(_) => format!(
                "the inbox at {base} refused the token (revoked, or made for another inbox); `hookctl tokens list` \
                 there shows the names it knows"
            ),
            None => format!(
                "the inbox at {base} needs a token: pass --token or HOOKCTL_TOKEN (`hookctl tokens create NAME` there \
                 makes one)"
            ),
        }));
    }
    if status.is_server_error() {
        return Err(Fetch::Unreachable(format!("the inbox answered {status}")));
    }
    let bytes = answer.bytes().await.map_err(|e| Fetch::Unreachable(format!("the inbox's answer broke off ({e})")))?;
    let body: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Fetch::Refused(format!(
            "{base} did not answer as a hookctl inspector ({status}: {e}); give the inspector's address"
        ))
    })?;
    if !status.is_success() {
        let message = body["error"].as_str().unwrap_or_default();
        return Err(Fetch::Refused(format!("the inbox answered {status}: {}", sanitize(message, false))));
    }
    Ok(body["events"].as_array().cloned().unwrap_or_default())
}

/// The event signed again as its provider signs, with this machine's key and the time now: the body as
/// received, the provider's headers, the captured path. An event of no known provider goes on as it came.
fn resign(
    event: &Value,
    request: Request,
    providers: &[crate::provider::Provider],
    keys: &std::collections::HashMap<String, crate::scheme::Keys>,
) -> Result<Request, Error> {
    let Some(provider) = event["provider"].as_str().and_then(|name| providers.iter().find(|p| p.name == name)) else {
        return Ok(request);
    };
    let kind = event["event"].as_str().and_then(|t| provider.events.iter().find(|e| e.name == t));
    let no_keys = crate::scheme::Keys::default();
    let outgoing = crate::outgoing::Outgoing {
        provider,
        event: kind,
        body: request.body.clone(),
        content_type: request.headers.get("content-type").and_then(|v| std::str::from_utf8(v).ok()),
        keys: keys.get(&provider.name).unwrap_or(&no_keys),
        at: crate::time::now(),
        id: None,
    };
    let mut signed = crate::outgoing::build(outgoing, &mut fastrand::Rng::new())?.0;
    // The event id the app dedupes on stays the event's.
    if let (Some((name, _)), Some(id)) = (provider.event_id_header(), event["event_id"].as_str()) {
        signed.headers.set(name, id);
    }
    signed.target = request.target;
    Ok(signed)
}

/// Tells the inbox what the app answered (`POST /api/events/ID/handled`), so the team sees who handled what. A
/// report that fails is said once and does not hold up forwarding.
struct Reporter {
    /// The inspector session's CSRF token, which a request that changes something carries.
    csrf: Option<String>,
    said: bool,
}

impl Reporter {
    async fn report(
        &mut self,
        http: &reqwest::Client,
        base: &reqwest::Url,
        token: Option<&str>,
        id: i64,
        report: &Value,
        style: crate::output::Style,
    ) {
        let result = self.try_report(http, base, token, id, report).await;
        if let Err(message) = result {
            self.csrf = None;
            if !self.said {
                let warning = style.err(Role::Warn, "warning");
                eprintln!("hookctl: {warning}: the app's answers are not reported to the inbox: {message}");
                self.said = true;
            }
        }
    }

    async fn try_report(
        &mut self,
        http: &reqwest::Client,
        base: &reqwest::Url,
        token: Option<&str>,
        id: i64,
        report: &Value,
    ) -> Result<(), String> {
        let with_token = |request: reqwest::RequestBuilder| match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        if self.csrf.is_none() {
            let url = base.join("api/session").map_err(|e| e.to_string())?;
            let answer = with_token(http.get(url)).send().await.map_err(|e| e.to_string())?;
            let session: Value =
                serde_json::from_slice(&answer.bytes().await.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
            self.csrf = session["csrf"].as_str().map(str::to_owned);
        }
        let csrf = self.csrf.clone().ok_or("the inbox gave no session")?;
        let url = base.join(&format!("api/events/{id}/handled")).map_err(|e| e.to_string())?;
        let answer = with_token(http.post(url))
            .header("x-hookctl-csrf", csrf)
            .header("content-type", "application/json")
            .body(report.to_string())
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if answer.status().is_success() { Ok(()) } else { Err(format!("the inbox answered {}", answer.status())) }
    }
}

fn request_of(event: &Value) -> Result<Request, Error> {
    let id = &event["id"];
    let json: RequestJson = serde_json::from_value(event["request"].clone())
        .map_err(|e| Error::usage(format!("the inbox sent event #{id} without a readable request: {e}"), None))?;
    Request::try_from(json).map_err(|e| Error::usage(format!("the inbox sent event #{id}: {e}"), None))
}

fn print(app: &App, event: &Value, status: u16, ms: f64) {
    let text = |key: &str| event[key].as_str().unwrap_or("-").to_owned();
    if app.json {
        let line = json!({
            "id": event["id"], "provider": event["provider"], "event": event["event"], "event_id": event["event_id"],
            "forward_status": status, "forward_ms": ms,
        });
        println!("{line}");
        return;
    }
    let style = app.style;
    let role = if (200..300).contains(&status) { Role::Ok } else { Role::Fail };
    println!(
        "#{} {} {} {} → {} ({ms:.0} ms)",
        event["id"],
        sanitize(&text("provider"), false),
        sanitize(&text("event"), false),
        sanitize(&text("event_id"), false),
        style.out(role, &status.to_string())
    );
}

/// Where this machine keeps the last event it forwarded from an inbox: one small file per inbox URL.
fn state_path(base: &reqwest::Url) -> PathBuf {
    use sha2::Digest as _;
    let key = hex::encode(&sha2::Sha256::digest(base.as_str().as_bytes())[..8]);
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("hookctl")
        .join("subscriptions")
        .join(format!("{key}.json"))
}

fn read_state(path: &std::path::Path) -> Result<i64, Error> {
    match std::fs::read(path) {
        Ok(bytes) => {
            serde_json::from_slice::<Value>(&bytes).ok().and_then(|state| state["last"].as_i64()).ok_or_else(|| {
                Error::usage(
                    format!("{} is damaged", path.display()),
                    Some("pass --since ID to say where to go on from (it is rewritten then)".into()),
                )
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(Error::Read { path: path.to_owned(), source: e }),
    }
}

/// Written to a temporary file, synced and renamed over the old one: a crash leaves the old id or the new one.
fn write_state(path: &std::path::Path, base: &reqwest::Url, last: i64) -> Result<(), Error> {
    use std::io::Write as _;
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let temporary = path.with_extension("json.tmp");
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(json!({"from": base.as_str(), "last": last}).to_string().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    };
    write().map_err(|e| Error::Write { path: path.to_owned(), source: e })
}

async fn pause(stop: &AtomicBool, wait: Duration) {
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < wait && !stop.load(Ordering::SeqCst) {
        tokio::time::sleep(step).await;
        waited += step;
    }
}

async fn shutdown() {
    #[cfg(unix)]
    {
        let Ok(mut terminate) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
