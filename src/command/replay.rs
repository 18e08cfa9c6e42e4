//! `hookctl replay`: send stored, exported or fixture events to a URL, re-signed (or verbatim), with a report.

use std::collections::{BTreeSet, HashMap};
use std::io::IsTerminal as _;
use std::sync::Arc;

use futures_util::StreamExt as _;

use super::App;
use crate::capture;
use crate::cli::ReplayArgs;
use crate::deliver::Target;
use crate::dispatch::{Dispatch, Job, Report};
use crate::error::{Error, ExitCode};
use crate::inspect;
use crate::keys::{self, KeySources};
use crate::outgoing;
use crate::output::{self, Role};
use crate::provider::Provider;
use crate::report_file::{DeliveryRecord, ReportFile};
use crate::request::Request;
use crate::store::{Filter, StoredEvent};
use crate::summary::{Order, Summary};

/// Past this many events to another host, replay asks first.
const CONFIRM_ABOVE: usize = 20;

/// A request to replay, wherever it came from.
pub(super) struct Item {
    pub label: String,
    pub stored_id: Option<i64>,
    pub provider: Option<String>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    pub request: Request,
}

impl From<StoredEvent> for Item {
    fn from(event: StoredEvent) -> Self {
        Self {
            stored_id: Some(event.id),
            label: format!("#{}", event.id),
            provider: event.provider,
            event_type: event.event_type,
            event_id: event.event_id,
            request: event.request,
        }
    }
}

pub fn run(app: &App, args: &ReplayArgs) -> Result<ExitCode, Error> {
    // "Replay the failures" of a run that had none has nothing left to do, and that is success (a CI step that
    // retries failures passes once everything is delivered).
    let failed = args.failed_from.as_deref().map(crate::report_file::failed).transpose()?;
    if let (Some(report), Some([])) = (&args.failed_from, failed.as_deref()) {
        eprintln!("hookctl: nothing to replay: every delivery in {} got a 2xx", report.display());
        return Ok(ExitCode::Success);
    }
    let catalog = app.catalog()?;
    let providers = catalog.all()?;
    let profile = app.profile()?;
    let target =
        Target::from_args(args.to.as_deref(), profile.and_then(|p| p.url.as_deref()), "https://staging.example.com")?;

    // What to replay: counted (and checked) before anything is sent.
    let source = Source::new(app, args, &providers, failed.as_deref())?;
    let (count, involved) = source.survey(app, args, &providers)?;
    if count == 0 {
        return Err(Error::usage(
            "nothing to replay: the selection matched no events",
            Some("`hookctl events list` shows what is stored".into()),
        ));
    }
    confirm(&target, count, args.yes)?;

    let mut keys = HashMap::new();
    let mut origins = Vec::new();
    for provider in providers.iter().filter(|p| involved.contains(&p.name)) {
        app.scheme_override(&catalog, provider);
        let sources = KeySources { args: &args.keys, profile, style: app.style, quiet: !keys.is_empty() };
        let resolved = if !args.verbatim {
            sources.resolve(provider)?
        } else if provider.scheme.credentials.is_empty() {
            continue;
        } else {
            // A verbatim request keeps its signature; only a credential redacted when stored needs a value.
            let mut resolved = sources.resolve_quietly(provider)?;
            resolved.keys.secret = None;
            resolved.origins.retain(|o| o.key != "secret");
            for spec in provider.scheme.credentials.iter().filter(|c| resolved.keys.credential(&c.name).is_none()) {
                let note = app.style.err(Role::Warn, "note");
                eprintln!(
                    "hookctl: {note}: {}'s `{}` is stored redacted and goes out as such; pass --api-key or set {} to send one",
                    provider.name,
                    spec.header,
                    spec.env.join(" or ")
                );
            }
            resolved
        };
        keys::announce(&app.style, &resolved.origins);
        keys::note_single_signature(&app.style, provider, &resolved.keys);
        origins.extend(resolved.origins);
        keys.insert(provider.name.clone(), resolved.keys);
    }
    let progress = (!app.json && std::io::stderr().is_terminal()).then(|| {
        let bar = indicatif::ProgressBar::new(count as u64);
        bar.set_style(
            // indicatif's {per_sec} shows four decimals (`269.7833/s`); a whole number reads at a glance.
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {rate} eta {eta}")
                .map(|style| {
                    style.with_key("rate", |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}/s", state.per_sec());
                    })
                })
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let dispatch = Dispatch {
        keys,
        target,
        extra_headers: Vec::new(),
        pinned_time: None,
        timeout: args.timeout.map(Into::into),
        retry: args.retry,
        time_scale: args.time_scale,
        concurrency: args.concurrency as usize,
        rate: args.rate,
        keep_order: args.keep_order && !args.shuffle,
        style: app.style,
        json: app.json,
        report: Report::Failures,
        progress: progress.clone(),
        report_file: args.report.as_deref().map(ReportFile::create).transpose()?.map(Arc::new),
    };
    let runtime = super::runtime()?;
    let mut summary = runtime.block_on(source.replay(app, args, providers, &dispatch))?;
    summary.keys = origins;
    summary.order = match (args.shuffle, args.concurrency, args.keep_order) {
        (true, ..) => Order::Shuffled,
        (false, 1, _) => Order::Kept,
        (false, _, true) => Order::PerEventId,
        (false, _, false) => Order::NotKept,
    };
    if let Some(progress) = &progress {
        // Interrupted, the bar stays where it stopped, above the summary.
        if summary.interrupted { progress.abandon() } else { progress.finish_and_clear() }
    }
    report(app, &dispatch, count, &mut summary)?;
    Ok(match () {
        () if summary.interrupted => ExitCode::Interrupted,
        () if summary.all_ok() => ExitCode::Success,
        () => ExitCode::DeliveryFailed,
    })
}

enum Source {
    Store(Filter),
    File(Vec<Item>),
    Fixtures { provider: String, specs: Vec<String> },
}

impl Source {
    /// `failed`: the failed deliveries of the `--failed-from` report, read once by the caller.
    fn new(
        app: &App,
        args: &ReplayArgs,
        providers: &[Provider],
        failed: Option<&[DeliveryRecord]>,
    ) -> Result<Self, Error> {
        let selection = &args.selection;
        if let Some(spec) = &args.fixtures {
            // PROVIDER alone is every fixture; PROVIDER/EVENT follows send's rule for EVENT.
            let (name, events) = spec.split_once('/').unwrap_or((spec.as_str(), "*"));
            let provider = app.catalog()?.get(name)?;
            let specs = crate::specs::matching(&provider, events)?;
            return Ok(Self::Fixtures { provider: name.to_owned(), specs });
        }
        let mut filter = super::events::filter(app, selection)?;
        filter.valid = match (args.valid, args.invalid) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        if let (Some(report), Some(failed)) = (&args.failed_from, failed) {
            filter.ids = failed_stored_ids(report, failed)?;
            return Ok(Self::Store(filter));
        }
        let Some(path) = &args.from else {
            if !args.ids.is_empty() {
                filter.ids = super::events::resolve(&app.store()?, &args.ids, app.style)?;
            }
            return Ok(Self::Store(filter));
        };
        let bytes = super::sign::read_body(path)?;
        let captures = capture::parse_owned(bytes)
            .map_err(|reason| Error::usage(format!("{}: {reason}", path.display()), None))?;
        let mut items = Vec::new();
        for (index, captured) in captures.into_iter().enumerate() {
            let request = captured.request;
            let provider = crate::provider::detect(providers, &request);
            let parsed = provider.and_then(|p| p.parse_body(&request.body, request.headers.get("content-type")).ok());
            let payload = parsed.as_ref().map(|p| &p.value);
            let item = Item {
                stored_id: None,
                label: captured.label.unwrap_or_else(|| format!("record {}", index + 1)),
                provider: provider.map(|p| p.name.clone()),
                event_type: provider.and_then(|p| p.event_type(payload, &request.headers)),
                event_id: provider.and_then(|p| p.event_id(payload, &request.headers)),
                request,
            };
            let wanted = filter.provider.as_ref().is_none_or(|p| item.provider.as_ref() == Some(p))
                && filter.event_type.as_ref().is_none_or(|g| item.event_type.as_deref().is_some_and(|t| g.is_match(t)));
            if wanted {
                items.push(item);
            }
        }
        if let Some(last) = filter.last {
            items.drain(..items.len().saturating_sub(last));
        }
        Ok(Self::File(items))
    }

    /// How many events will be sent, and which providers they need keys for. Unknown ids are an error; an
    /// event of no known provider cannot be re-signed, so (unless --verbatim) it is skipped with a line.
    fn survey(&self, app: &App, args: &ReplayArgs, providers: &[Provider]) -> Result<(usize, BTreeSet<String>), Error> {
        let mut involved = BTreeSet::new();
        let count = match self {
            Self::Store(filter) => {
                let store = app.store()?;
                let mut count = 0;
                let mut seen = BTreeSet::new();
                let unreadable = store.for_each(filter, |event| {
                    seen.insert(event.id);
                    match event.provider.filter(|name| providers.iter().any(|p| &p.name == name)) {
                        Some(provider) => {
                            involved.insert(provider);
                        }
                        None if !args.verbatim => {
                            skip(&format!("#{}", event.id));
                            return Ok(());
                        }
                        None => {}
                    }
                    count += 1;
                    Ok(())
                })?;
                // Said once here; the replay goes on with the events that can be read.
                if let Err(error) = store.unreadable(&unreadable) {
                    eprintln!("hookctl: {}", error.render());
                }
                seen.extend(unreadable.iter().map(|row| row.id));
                let missing: Vec<String> =
                    filter.ids.iter().filter(|id| !seen.contains(id)).map(|id| format!("#{id}")).collect();
                if !missing.is_empty() {
                    return Err(Error::usage(
                        format!("no stored event {} in {}", missing.join(", "), store.location()),
                        Some("`hookctl events list` shows the ids".into()),
                    ));
                }
                count
            }
            Self::File(items) => {
                let mut count = 0;
                for item in items {
                    match &item.provider {
                        Some(provider) => {
                            involved.insert(provider.clone());
                        }
                        None if !args.verbatim => {
                            skip(&item.label);
                            continue;
                        }
                        None => {}
                    }
                    count += 1;
                }
                count
            }
            Self::Fixtures { provider, specs } => {
                involved.insert(provider.clone());
                specs.len()
            }
        };
        Ok((count, involved))
    }

    async fn replay(
        self,
        app: &App,
        args: &ReplayArgs,
        providers: Vec<Provider>,
        dispatch: &Dispatch,
    ) -> Result<Summary, Error> {
        let providers: Vec<Arc<Provider>> = providers.into_iter().map(Arc::new).collect();
        let by_name: HashMap<&str, &Arc<Provider>> = providers.iter().map(|p| (p.name.as_str(), p)).collect();
        let mut rng = fastrand::Rng::new();
        let by_name = &by_name;
        // Leaves out what `survey` skipped: the events no known provider can re-sign.
        let wanted = |item: &Item| args.verbatim || item.provider.as_deref().is_some_and(|n| by_name.contains_key(n));
        let to_job = |item: Item| -> Result<Job, Error> {
            let provider = item.provider.as_deref().and_then(|name| by_name.get(name).copied());
            let provider = match provider {
                Some(provider) => provider,
                // Verbatim jobs still need a provider for output; any stands in, nothing is signed.
                None => providers.first().ok_or_else(|| Error::usage("no providers", None))?,
            };
            job(provider, item, args.verbatim)
        };
        match self {
            Self::Store(filter) => {
                let store = app.store()?;
                if args.shuffle {
                    let mut items = Vec::new();
                    // The rows that cannot be read were reported by `survey`.
                    let _unreadable = store.for_each(&filter, |event| {
                        items.push(Item::from(event));
                        Ok(())
                    })?;
                    items.retain(wanted);
                    rng.shuffle(&mut items);
                    return dispatch.run(futures_util::stream::iter(items).map(&to_job)).await;
                }
                // Streamed: a reader thread feeds a bounded queue, so memory stays flat however many are stored.
                let (queue, events) = tokio::sync::mpsc::channel::<Result<Item, Error>>(1024);
                let reader = std::thread::spawn(move || {
                    // The rows that cannot be read were reported by `survey`.
                    let result = store.for_each(&filter, |event| {
                        queue.blocking_send(Ok(Item::from(event))).map_err(|_| Error::usage("the replay stopped", None))
                    });
                    if let Err(error) = result {
                        let _ = queue.blocking_send(Err(error));
                    }
                });
                let stream = futures_util::stream::unfold(events, |mut events| async move {
                    events.recv().await.map(|item| (item, events))
                });
                let stream = stream.filter(|item| futures_util::future::ready(item.as_ref().map_or(true, &wanted)));
                let summary = dispatch.run(stream.map(|item| item.and_then(&to_job))).await;
                let _ = reader.join();
                summary
            }
            Self::File(mut items) => {
                items.retain(wanted);
                if args.shuffle {
                    rng.shuffle(&mut items);
                }
                dispatch.run(futures_util::stream::iter(items).map(&to_job)).await
            }
            Self::Fixtures { provider, mut specs } => {
                let provider =
                    by_name.get(provider.as_str()).copied().ok_or_else(|| Error::usage("unknown provider", None))?;
                if args.shuffle {
                    rng.shuffle(&mut specs);
                }
                let jobs = specs.into_iter().map(move |spec| {
                    let now = crate::time::now();
                    let rendered = outgoing::render(provider, &spec, &[], now, &mut rng)?;
                    let message_id = outgoing::message_id(provider, now, &mut rng)?;
                    Job::rendered(provider.clone(), &rendered, message_id).with_header_event_id(now, &mut rng)
                });
                dispatch.run(futures_util::stream::iter(jobs)).await
            }
        }
    }
}

/// The job that replays one item: re-signed now with a fresh message id (the provider's event id kept), or,
/// `verbatim`, the captured bytes and headers.
pub(super) fn job(provider: &Arc<Provider>, item: Item, verbatim: bool) -> Result<Job, Error> {
    let event = item.event_type.as_deref().and_then(|t| provider.events.iter().find(|e| e.name == t));
    // A fresh message id, unless the provider's event id *is* the message id (GitHub's X-GitHub-Delivery,
    // Standard Webhooks' webhook-id): then the event keeps its identity, as on the provider's redelivery.
    let id_is_message_id = match (&provider.envelope.id_header, &provider.scheme.message_id) {
        (Some(id_header), Some(spec)) => id_header.eq_ignore_ascii_case(&spec.header),
        _ => false,
    };
    let message_id = match (&item.event_id, id_is_message_id) {
        (Some(id), true) => id.clone(),
        _ => outgoing::message_id(provider, crate::time::now(), &mut fastrand::Rng::new())?,
    };
    // A provider signs the body before compressing it: re-signed, a stored compressed body goes out
    // decoded (its Content-Encoding is not among the headers a re-signed delivery carries).
    let body = if verbatim {
        item.request.body.clone()
    } else {
        match crate::content_encoding::decode(&item.request.headers, &item.request.body, inspect::MAX_DECODED_BODY) {
            Ok(Some(decoded)) => decoded.body,
            Ok(None) => item.request.body.clone(),
            Err(error) => {
                return Err(Error::usage(
                    format!("{}: the stored body cannot be re-signed: {error}", item.label),
                    Some("replay it with --verbatim to send the bytes as they were received".into()),
                ));
            }
        }
    };
    let mut job = Job::new(provider.clone(), event, body, message_id);
    job.event_id = item.event_id;
    // Re-signed, a form body still goes as a form (the provider's own header names JSON).
    if provider.takes_forms() {
        let content_type = item.request.headers.get("content-type");
        let parsed = provider.parse_body(&item.request.body, content_type).ok();
        job.content_type = parsed.and_then(|p| p.format.content_type()).map(str::to_owned);
    }
    job.verbatim = verbatim.then_some(item.request);
    job.label = Some(item.label);
    job.stored_id = item.stored_id;
    Ok(job)
}

/// The stored events a report's failed deliveries were made from, each once.
fn failed_stored_ids(report: &std::path::Path, failed: &[DeliveryRecord]) -> Result<Vec<i64>, Error> {
    let unstored = failed.iter().filter(|record| record.stored_id.is_none()).count();
    if unstored > 0 {
        return Err(Error::usage(
            format!("{unstored} failed deliveries in {} were not of stored events", report.display()),
            Some(
                "--failed-from replays stored events; replay a file or fixtures again with --from or --fixtures".into(),
            ),
        ));
    }
    let mut ids: Vec<i64> = failed.iter().filter_map(|record| record.stored_id).collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The line for an event `replay` leaves out because no known provider can re-sign it.
fn skip(label: &str) {
    eprintln!(
        "hookctl: skipping {}: it came from no known provider, so it cannot be re-signed (--verbatim sends it as captured)",
        output::sanitize(label, false)
    );
}

/// More than a few events to another machine is worth a second thought.
fn confirm(target: &Target, count: usize, yes: bool) -> Result<(), Error> {
    let url = match target {
        Target::Base(url) | Target::Exact(url) => url,
    };
    let name = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    let local = name.eq_ignore_ascii_case("localhost")
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if local || yes || count <= CONFIRM_ABOVE {
        return Ok(());
    }
    let host = url.host_str().unwrap_or_default();
    if !keys::interactive() {
        return Err(Error::usage(
            format!("replaying {count} events to {host} needs confirmation"),
            Some("pass --yes to send them without asking".into()),
        ));
    }
    let go = dialoguer::Confirm::new()
        .with_prompt(format!("Send {count} events to {host}?"))
        .default(false)
        .interact()
        .map_err(|e| Error::usage(format!("no answer: {e}"), None))?;
    if go { Ok(()) } else { Err(Error::usage("replay cancelled", None)) }
}

/// The summary: on stdout and as the report file's last line.
fn report(app: &App, dispatch: &Dispatch, count: usize, summary: &mut Summary) -> Result<(), Error> {
    let json = summary.to_json();
    if let Some(file) = &dispatch.report_file {
        file.summary(&json)?;
    }
    if app.json {
        return output::print_json(&json);
    }
    let style = &app.style;
    let target = match &dispatch.target {
        Target::Base(url) | Target::Exact(url) => crate::dispatch::shown(url),
    };
    let seconds = json.elapsed_ms / 1000.0;
    let rate = json.per_second.map(|r| format!(", {r}/s")).unwrap_or_default();
    let mut out = match summary.interruption() {
        Some(interruption) => format!(
            "{}: replayed {} of {count} events to {target} in {seconds:.2}s{rate}\n",
            style.out(Role::Warn, &interruption),
            json.sent
        ),
        None => {
            let events = if json.sent == 1 { "event" } else { "events" };
            format!("replayed {} {events} to {target} in {seconds:.2}s{rate}\n", json.sent)
        }
    };
    let statuses: Vec<String> = json.non_2xx_by_status.iter().map(|(status, n)| format!("{status} ×{n}")).collect();
    let statuses = if statuses.is_empty() { String::new() } else { format!(" ({})", statuses.join(", ")) };
    let role = if summary.all_ok() { Role::Ok } else { Role::Fail };
    out.push_str(&format!(
        "  {}\n",
        style.out(
            role,
            &format!(
                "2xx {} · non-2xx {}{statuses} · errors {} · attempts {}",
                json.ok, json.non_2xx, json.errors, json.attempts
            )
        )
    ));
    let ms = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v}ms"));
    out.push_str(&format!("  latency p50 {} · p90 {} · p99 {}\n", ms(json.p50_ms), ms(json.p90_ms), ms(json.p99_ms)));
    if let Some(note) = summary.order.note() {
        let why = match summary.order {
            Order::Shuffled => "--shuffle",
            Order::PerEventId => "--concurrency with --keep-order: events of different ids overlapped",
            _ => "--concurrency overlapped deliveries; --keep-order keeps it per event id",
        };
        out.push_str(&format!("  {} ({why})\n", style.out(Role::Warn, note)));
    }
    output::print(&out)
}
