//! `hookctl ui` (and the inspector `listen` serves): the commands' side of the inspector — which address, which
//! keys, and the `Actions` it calls, made of the code `verify`, `replay` and `events export` use.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::App;
use crate::capture::Captured;
use crate::cli::UiArgs;
use crate::deliver::{Client, Target};
use crate::dispatch::{Dispatch, Report};
use crate::error::{Error, ExitCode};
use crate::inspect;
use crate::keys::KeySources;
use crate::output::{Role, Style};
use crate::provider::Provider;
use crate::scheme::Keys;
use crate::store::StoredEvent;
use crate::ui::{self, Actions, Download, ReplayAsk, Replayed};

/// The most of a replay's answer shown on the page.
const MAX_ANSWER: usize = 64 * 1024;

pub fn run(app: &App, args: &UiArgs) -> Result<ExitCode, Error> {
    // The inspector deletes and replays: it opens the store to change it (and upgrades an older one). A store
    // this user cannot write (a read-only file or mount, a colleague's copy) is shown all the same, read-only.
    let store = match app.store_to_change() {
        Ok(store) => store,
        Err(error) => {
            let Ok(store) = app.store() else { return Err(error) };
            let note = app.style.err(Role::Warn, "note");
            eprintln!(
                "hookctl: {note}: {} cannot be written, so the inspector shows it read-only (deleting events fails)",
                store.location()
            );
            store
        }
    };
    let path = store.location().clone();
    drop(store);
    let catalog = app.catalog()?;
    let providers = catalog.all()?;
    let keys = keys(app, &providers)?;
    let address = address(args.ui.as_deref())?;
    let tls = super::tls(&args.tls)?;
    let runtime = super::runtime()?;
    let live = ui::live_channel();
    let actions = Arc::new(CommandActions::new(providers, keys, app.style));
    let bound = runtime
        .block_on(ui::Inspector::bind(address, path.clone(), live.clone(), actions, false, tls))
        .map_err(|e| bind_error(address, &e))?;
    announce(app.style, &bound, Some(&path));
    // Events another process (a listener on the same store) adds show up live here too.
    runtime.spawn(follow(path, live));
    runtime.block_on(ui::serve(bound, stop())).map_err(Error::Io)?;
    Ok(ExitCode::Success)
}

/// `--ui` for `listen`: where to serve, or nothing (`--no-ui`); the default port, when taken, is skipped with a
/// note rather than stopping the listener.
pub fn start_for_listen(
    app: &App,
    runtime: &tokio::runtime::Runtime,
    ui_address: Option<&str>,
    store: crate::store::Location,
    (providers, keys): (Vec<Provider>, HashMap<String, Keys>),
    live: ui::Live,
    tls: Option<crate::server::Tls>,
) -> Result<Option<ui::Bound>, Error> {
    let address = address(ui_address)?;
    let actions = Arc::new(CommandActions::new(providers, keys, app.style));
    match runtime.block_on(ui::Inspector::bind(address, store, live, actions, true, tls)) {
        Ok(bound) => Ok(Some(bound)),
        Err(e) if ui_address.is_none() && e.kind() == std::io::ErrorKind::AddrInUse => {
            let note = app.style.err(Role::Warn, "note");
            eprintln!(
                "hookctl: {note}: the inspector's port {address} is in use (another hookctl listen?), so this listener \
                 serves no inspector; pass --ui 0 for a free port, or --no-ui"
            );
            Ok(None)
        }
        Err(e) => Err(bind_error(address, &e)),
    }
}

fn address(text: Option<&str>) -> Result<SocketAddr, Error> {
    let text = text.unwrap_or("");
    if text.is_empty() {
        return Ok(SocketAddr::from(([127, 0, 0, 1], ui::DEFAULT_PORT)));
    }
    ui::parse_address(text)
        .map_err(|e| Error::usage(format!("--ui {e}"), Some("for example --ui 127.0.0.1:4747".into())))
}

fn bind_error(address: SocketAddr, error: &std::io::Error) -> Error {
    match error.kind() {
        std::io::ErrorKind::AddrInUse => Error::usage(
            format!("the inspector's address {address} is in use"),
            Some("pick another --ui address, or --ui 0 for a free port".into()),
        ),
        _ => Error::usage(format!("cannot serve the inspector on {address}: {error}"), None),
    }
}

/// The inspector's URL (with the token when it needs one: printed this once), and a warning off loopback.
pub fn announce(style: Style, bound: &ui::Bound, store: Option<&crate::store::Location>) {
    let url = match &bound.token {
        Some(token) => format!("{}?token={token}", bound.url),
        None => bound.url.clone(),
    };
    match store {
        Some(store) => {
            eprintln!("hookctl: inspector on {}  (store: {})", style.err(Role::Heading, &url), store)
        }
        None => eprintln!("  inspector: {}", style.err(Role::Heading, &url)),
    }
    if bound.token.is_some() && bound.tls.is_none() {
        let warning = style.err(Role::Warn, "warning");
        eprintln!(
            "hookctl: {warning}: the inspector is reachable from the network over plain HTTP; every request needs \
             the token above (printed only now) or a person's (`hookctl tokens create NAME`); it can replay and \
             delete events: put TLS in front of it, or serve HTTPS with --tls-cert and --tls-key"
        );
    } else if bound.token.is_some() {
        eprintln!(
            "  every request to the inspector needs the token above (printed only now) or a person's \
             (`hookctl tokens create NAME`)"
        );
    }
}

async fn stop() {
    let _ = tokio::signal::ctrl_c().await;
}

/// Tells the pages of events that another process stored since (checked twice a second).
async fn follow(store: crate::store::Location, live: ui::Live) {
    let mut last = None;
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let path = store.clone();
        let since = last;
        let read = tokio::task::spawn_blocking(move || -> Result<Vec<StoredEvent>, Error> {
            let store = crate::store::Store::open_read_only(&path)?;
            // The first look only learns where the store ends.
            let limit = if since.is_some() { 200 } else { 1 };
            let query = crate::store::PageQuery { after: since, limit, ..Default::default() };
            store.page(&query)
        })
        .await;
        let Ok(Ok(events)) = read else { continue };
        let newest = events.first().map(|e| e.id);
        if last.is_some() && live.receiver_count() > 0 {
            for event in events.iter().rev() {
                let _ = live.send(event.to_json().to_string().into());
            }
        }
        last = newest.or(last).or(Some(0));
    }
}

/// Each provider's keys from the profile, its env vars and `HOOKCTL_SECRET`, for re-signing and for the
/// checks; a provider without one is shown "not checked".
fn keys(app: &App, providers: &[Provider]) -> Result<HashMap<String, Keys>, Error> {
    let profile = app.profile()?;
    let mut keys = HashMap::new();
    let args = crate::cli::KeyArgs::default();
    for provider in providers {
        let sources = KeySources { args: &args, profile, style: app.style, quiet: true };
        keys.insert(provider.name.clone(), sources.resolve_quietly(provider)?.keys);
    }
    Ok(keys)
}

pub struct CommandActions {
    providers: Vec<Provider>,
    shared: Vec<Arc<Provider>>,
    keys: HashMap<String, Keys>,
    schemas: crate::schema::SchemaCache,
    style: Style,
}

impl CommandActions {
    pub fn new(providers: Vec<Provider>, keys: HashMap<String, Keys>, style: Style) -> Self {
        let shared = providers.iter().cloned().map(Arc::new).collect();
        Self { providers, shared, keys, schemas: crate::schema::SchemaCache::default(), style }
    }

    fn provider(&self, event: &StoredEvent) -> Option<usize> {
        let name = event.provider.as_deref()?;
        self.providers.iter().position(|p| p.name == name)
    }
}

impl Actions for CommandActions {
    fn explain(&self, event: &StoredEvent) -> Option<Value> {
        let provider = &self.providers[self.provider(event)?];
        let no_keys = Keys::default();
        let now = crate::time::now().timestamp();
        let ctx = inspect::Context {
            keys: self.keys.get(&provider.name).unwrap_or(&no_keys),
            now,
            others: &self.providers,
            diagnose_limit: usize::MAX,
            schemas: &self.schemas,
            max_decoded: inspect::MAX_DECODED_BODY,
        };
        let inspection = inspect::inspect(&event.request, provider, &ctx);
        let captured = Captured::new(Some(format!("event #{}", event.id)), event.request.clone());
        Some(super::verify::to_json(provider, &captured, &inspection, now, false))
    }

    fn redact(&self, event: &mut StoredEvent) {
        let provider = self.provider(event).map(|index| &self.providers[index]);
        event.request.headers = crate::provider::redact_credentials(&event.request.headers, provider);
    }

    fn replay(&self, event: StoredEvent, ask: ReplayAsk) -> Replayed {
        let prepared = self.prepare(event, &ask);
        Box::pin(async move {
            let (client, url, request, timeout, provider) = prepared?;
            let attempt = client.send(&url, &request, timeout).await;
            let sent_headers = crate::provider::redact_credentials(&request.headers, provider.as_deref());
            let mut answer = json!({
                "url": url.to_string(),
                "sent": {"method": request.method, "headers": sent_headers, "body_bytes": request.body.len()},
                "latency_ms": (attempt.latency.as_micros() as f64) / 1000.0,
            });
            match attempt.result {
                Ok(received) => {
                    answer["status"] = json!(received.status);
                    answer["content_type"] = json!(received.content_type);
                    answer["body"] = json!(String::from_utf8_lossy(&received.body));
                    answer["truncated"] = json!(received.truncated);
                }
                Err(failure) => {
                    let hint = failure.hint(&url).map(|h| format!(" ({h})")).unwrap_or_default();
                    answer["error"] = json!(format!("{}{hint}", failure.describe()));
                }
            }
            Ok(answer)
        })
    }

    fn download(&self, event: &StoredEvent, format: Download) -> Vec<u8> {
        match format {
            Download::Raw => super::events::raw_http(event),
            Download::Har => super::events::har_document(event).into_bytes(),
            Download::Jsonl => super::events::jsonl_line(event).into_bytes(),
        }
    }
}

type Prepared = (Client, reqwest::Url, crate::request::Request, Duration, Option<Arc<Provider>>);

impl CommandActions {
    /// The request a replay sends, built by `replay`'s own job and `Dispatch`: re-signed with the keys at hand
    /// (an edited body too), or verbatim.
    fn prepare(&self, event: StoredEvent, ask: &ReplayAsk) -> Result<Prepared, String> {
        let target = Target::parse(ask.to.trim(), None).map_err(|e| e.to_string())?;
        let provider = self.provider(&event).map(|index| self.shared[index].clone());
        let edited = ask.body.is_some();
        let verbatim = ask.verbatim && !edited;
        let stand_in = match (&provider, verbatim) {
            (Some(provider), _) => provider.clone(),
            (None, true) => self.shared.first().cloned().ok_or("no providers")?,
            (None, false) => {
                return Err(
                    "this event came from no known provider, so it cannot be re-signed; replay it verbatim".into()
                );
            }
        };
        if !verbatim && stand_in.scheme.is_signed() && self.keys.get(&stand_in.name).is_none_or(|k| k.secret.is_none())
        {
            return Err(format!(
                "no {} secret is at hand to re-sign with (set {} where hookctl runs); or replay it verbatim",
                stand_in.name,
                stand_in.secret_env.join(" or ")
            ));
        }
        let mut item = super::replay::Item::from(event);
        if let Some(body) = &ask.body {
            item.request.body = body.clone().into_bytes().into();
        }
        let job = super::replay::job(&stand_in, item, verbatim).map_err(|e| e.to_string())?;
        let dispatch = Dispatch {
            keys: self.keys.clone(),
            target: target.clone(),
            extra_headers: Vec::new(),
            pinned_time: None,
            timeout: None,
            retry: false,
            time_scale: 1.0,
            concurrency: 1,
            rate: None,
            keep_order: false,
            style: self.style,
            json: true,
            report: Report::Failures,
            progress: None,
            report_file: None,
        };
        let url = dispatch.url(&job);
        let request = dispatch.request(&job, &url).map_err(|e| e.to_string())?;
        let timeout = stand_in.delivery.timeout.unwrap_or(Duration::from_secs(30));
        let client = Client::with_max_answer(&target, 1, MAX_ANSWER).map_err(|e| e.to_string())?;
        Ok((client, url, request, timeout, provider))
    }
}
