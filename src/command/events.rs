//! `hookctl events list|show|export|import|delete`: the stored events.

use std::fmt::Write as _;
use std::io::{IsTerminal as _, Write as _};

use base64::Engine as _;
use serde_json::{Value, json};

use super::App;
use crate::cli::{EventsCommand, EventsSelection, ExportFormat};
use crate::error::{Error, ExitCode};
use crate::inspect;
use crate::keys::KeySources;
use crate::output::Style;
use crate::output::{self, Role, sanitize};
use crate::store::{Filter, Store, StoredEvent};

pub fn run(app: &App, command: &EventsCommand) -> Result<ExitCode, Error> {
    match command {
        EventsCommand::List(selection) => list(app, selection),
        EventsCommand::Show { id, raw } => show(app, id, *raw),
        EventsCommand::Export { selection, format, output } => export(app, selection, *format, output.as_deref()),
        EventsCommand::Import { file, all_entries, keep_credentials } => {
            import(app, file, *all_entries, *keep_credentials)
        }
        EventsCommand::Delete { ids, all, yes } => delete(app, ids, *all, *yes),
    }?;
    Ok(ExitCode::Success)
}

/// Deleting every event cannot be undone: on a terminal it is asked; off one it takes --yes, as `gh repo
/// delete` does, so a script says what it means instead of a stray `--all` emptying the store.
fn confirm_delete_all(store: &crate::store::Store) -> Result<bool, Error> {
    let count = store.count()?;
    let what = format!("all {count} event{} in {}", if count == 1 { "" } else { "s" }, store.location());
    if !crate::keys::interactive() {
        return Err(Error::usage(
            format!("events delete --all would delete {what}"),
            Some("pass --yes to delete them without asking".into()),
        ));
    }
    dialoguer::Confirm::new()
        .with_prompt(format!("Delete {what}?"))
        .default(false)
        .interact()
        .map_err(|e| Error::usage(format!("no answer: {e}"), None))
}

/// The store filter for a selection; shared with `replay`.
pub fn filter(app: &App, selection: &EventsSelection) -> Result<Filter, Error> {
    // A mistyped provider would match nothing; say so, with a did-you-mean, instead.
    if let Some(name) = &selection.provider {
        app.catalog()?.get(name)?;
    }
    let event_type = selection.event_type.as_deref().map(|glob| super::glob("--type", glob)).transpose()?;
    let since = selection.since.as_deref().map(since_millis).transpose()?;
    Ok(Filter { last: selection.last, provider: selection.provider.clone(), event_type, since, ..Filter::default() })
}

/// `--since`: a time (RFC 3339 or unix seconds) or a duration ago (`1h`, `30m`).
fn since_millis(text: &str) -> Result<i64, Error> {
    if let Ok(ago) = humantime::parse_duration(text) {
        let ago = i64::try_from(ago.as_millis()).unwrap_or(i64::MAX);
        return Ok(chrono::Utc::now().timestamp_millis().saturating_sub(ago));
    }
    crate::time::parse_user_time(text)
        .map(|t| t.timestamp_millis())
        .map_err(|e| Error::usage(format!("--since: {e}, nor a duration such as 1h"), None))
}

fn time(millis: i64) -> String {
    chrono::DateTime::from_timestamp_millis(millis)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn list(app: &App, selection: &EventsSelection) -> Result<(), Error> {
    let store = app.store()?;
    let style = &app.style;
    let mut rows: Vec<[String; 7]> = Vec::new();
    let mut valid = Vec::new();
    let mut count = 0;
    let unreadable = store.for_each(&filter(app, selection)?, |event| {
        count += 1;
        if app.json {
            return output::print_json(&event.to_json());
        }
        let payload =
            if event.payload_status == "valid" { String::new() } else { format!(" payload:{}", event.payload_status) };
        let duplicate = if event.duplicate { " duplicate" } else { "" };
        valid.push(matches!(event.verdict.as_str(), "valid" | "unsigned"));
        rows.push([
            format!("#{}", event.id),
            time(event.received_at),
            sanitize(event.provider.as_deref().unwrap_or("?"), false).into_owned(),
            sanitize(event.event_type.as_deref().unwrap_or("-"), false).into_owned(),
            sanitize(event.event_id.as_deref().unwrap_or("-"), false).into_owned(),
            format!("{}{payload}{duplicate}", event.verdict),
            format!("→ {}", event.answer_status),
        ]);
        Ok(())
    })?;
    if count == 0 && !app.json && unreadable.is_empty() {
        eprintln!("hookctl: no stored events match (store: {})", store.location());
    }
    // Aligned columns need every row's widths, so text is printed once all are read (the JSON streams).
    let mut widths = [0; 7];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for (row, valid) in rows.iter().zip(valid) {
        // Padded before colouring: escape codes would count as width.
        let cell = |i: usize| format!("{:<width$}", row[i], width = widths[i]);
        let role = if valid { Role::Ok } else { Role::Fail };
        let line = format!(
            "{}  {}  {}  {}  {}  {}  {}",
            style.out(Role::Dim, &cell(0)),
            cell(1),
            style.out(Role::Name, &cell(2)),
            cell(3),
            cell(4),
            style.out(role, &cell(5)),
            row[6],
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    output::print(&out)?;
    store.unreadable(&unreadable)
}

fn get(app: &App, id: &str) -> Result<StoredEvent, Error> {
    let store = app.store()?;
    let id = resolve(&store, &[id.to_owned()], app.style)?[0];
    store.get(id)?.ok_or_else(|| {
        Error::usage(
            format!("no event #{id} in {}", store.location()),
            Some("`hookctl events list` shows the ids".into()),
        )
    })
}

/// The store ids that command-line ids name: `42` is the store's `#42`; anything else (`evt_1Q…`, a GitHub
/// delivery id) is the provider's event id, as `stripe events resend` takes it. An event id stored several
/// times (the provider redelivered it) names its latest copy, said on stderr. Ids that name nothing are one
/// error listing them all.
pub fn resolve(store: &Store, ids: &[String], style: Style) -> Result<Vec<i64>, Error> {
    let mut resolved = Vec::new();
    let mut missing = Vec::new();
    for text in ids {
        // A number is the store's own id first; one that is not stored may still be a provider's numeric id.
        if let Ok(number) = text.parse::<i64>()
            && store.get(number)?.is_some()
        {
            resolved.push(number);
            continue;
        }
        let copies = store.ids_with_event_id(text)?;
        match copies.as_slice() {
            [] if text.parse::<i64>().is_ok() => missing.push(format!("#{text}")),
            [] => missing.push(format!("with event id {}", sanitize(text, false))),
            [only] => resolved.push(*only),
            [.., latest] => {
                let all: Vec<String> = copies.iter().map(|id| format!("#{id}")).collect();
                eprintln!(
                    "hookctl: {}: {} stored events have event id {} ({}); using #{latest}, the latest received (pass another's number to pick it)",
                    style.err(Role::Warn, "note"),
                    copies.len(),
                    sanitize(text, false),
                    all.join(", ")
                );
                resolved.push(*latest);
            }
        }
    }
    if !missing.is_empty() {
        return Err(Error::usage(
            format!("no stored event {} in {}", missing.join(", "), store.location()),
            Some("`hookctl events list` shows the ids and event ids".into()),
        ));
    }
    Ok(resolved)
}

/// The stored request as raw HTTP/1.1: request line, headers, blank line, body.
pub fn raw_http(event: &StoredEvent) -> Vec<u8> {
    let request = &event.request;
    let mut raw = format!("{} {} HTTP/1.1\r\n", request.method, request.target).into_bytes();
    for (name, value) in request.headers.iter() {
        raw.extend_from_slice(name.as_bytes());
        raw.extend_from_slice(b": ");
        raw.extend_from_slice(value);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(&request.body);
    raw
}

/// The verdict and its detail without saying the same thing twice ("valid", not "valid: valid"; "stale:
/// timestamp 400s old"). The detail begins with the outcome in words, which often already names the verdict.
fn verdict_text(verdict: &str, detail: &str) -> String {
    if detail.is_empty() || detail == verdict {
        verdict.to_owned()
    } else if detail.contains(verdict) {
        detail.to_owned()
    } else {
        format!("{verdict}: {detail}")
    }
}

fn show(app: &App, id: &str, raw: bool) -> Result<(), Error> {
    let event = get(app, id)?;
    if raw {
        let bytes = raw_http(&event);
        // Exact bytes for a pipe (`| hookctl verify -`); escaped for a terminal.
        if std::io::stdout().is_terminal() {
            return output::print(&sanitize(&String::from_utf8_lossy(&bytes), true));
        }
        let mut stdout = std::io::stdout().lock();
        return stdout.write_all(&bytes).and_then(|()| stdout.flush()).or_else(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Ok(()),
            _ => Err(Error::Io(e)),
        });
    }
    if app.json {
        let mut value = event.to_json();
        value["request"] = serde_json::to_value(&event.request).unwrap_or(Value::Null);
        return output::print_json(&value);
    }
    let style = &app.style;
    let mut out = String::new();
    let row = |out: &mut String, label: &str, value: &str| {
        let _ = writeln!(out, "{}{}", style.out(Role::Heading, &format!("{label:12}")), sanitize(value, false));
    };
    row(&mut out, "Event", &format!("#{} received {}", event.id, time(event.received_at)));
    row(&mut out, "Provider", event.provider.as_deref().unwrap_or("(none detected)"));
    row(
        &mut out,
        "Type",
        &format!("{} {}", event.event_type.as_deref().unwrap_or("-"), event.event_id.as_deref().unwrap_or("")),
    );
    row(&mut out, "Signature", &verdict_text(&event.verdict, &event.verdict_detail));
    row(&mut out, "Payload", &format!("{}: {}", event.payload_status, event.payload_detail));
    if event.duplicate {
        row(&mut out, "Duplicate", "yes: this provider event id was received before");
    }
    let forward = event.forward_status.map(|s| format!(" (app answered {s})")).unwrap_or_default();
    row(&mut out, "Answered", &format!("{}{forward}", event.answer_status));
    let _ = writeln!(out, "\n{} {}", sanitize(&event.request.method, false), sanitize(&event.request.target, false));
    for (name, value) in event.request.headers.iter() {
        let _ = writeln!(
            out,
            "{}: {}",
            style.out(Role::Name, &sanitize(name, false)),
            sanitize(&String::from_utf8_lossy(value), false)
        );
    }
    let body = match serde_json::from_slice::<Value>(&event.request.body) {
        Ok(value) => serde_json::to_string_pretty(&value).unwrap_or_default(),
        Err(_) => String::from_utf8_lossy(&event.request.body).into_owned(),
    };
    let _ = writeln!(out, "\n{}", sanitize(&body, true));
    output::print(&out)
}

fn export(
    app: &App,
    selection: &EventsSelection,
    format: ExportFormat,
    path: Option<&std::path::Path>,
) -> Result<(), Error> {
    let store = app.store()?;
    let filter = filter(app, selection)?;
    let mut sink: Box<dyn std::io::Write> = match path {
        Some(path) => Box::new(std::io::BufWriter::new(crate::output::create_private(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut count = 0usize;
    // Events stored with --keep-credentials carry them into the export: said once it is written.
    let mut with_credentials = 0usize;
    let mut write = |bytes: &[u8]| sink.write_all(bytes).map_err(Error::Io);
    if format == ExportFormat::Har {
        let creator = json!({"name": "hookctl", "version": env!("CARGO_PKG_VERSION")});
        write(format!("{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":[").as_bytes())?;
    }
    let unreadable = store.for_each(&filter, |event| {
        let credential = |(name, value): (&str, &[u8])| {
            value != crate::request::REDACTED && crate::provider::is_credential(name, None)
        };
        with_credentials += usize::from(event.request.headers.iter().any(credential));
        let line = match format {
            ExportFormat::Jsonl => jsonl_line(&event),
            ExportFormat::Har => format!("{}{}", if count > 0 { "," } else { "" }, har_entry(&event)),
        };
        count += 1;
        write(line.as_bytes())
    })?;
    if format == ExportFormat::Har {
        write(b"]}}\n")?;
    }
    sink.flush().map_err(Error::Io)?;
    if path.is_some() || !app.json {
        eprintln!("hookctl: exported {}", crate::output::count(count as u64, "event", "events"));
    }
    if with_credentials > 0 {
        let warning = app.style.err(crate::output::Role::Warn, "warning");
        let place = path.map_or("the output".into(), |p| format!("{} (created owner-only)", p.display()));
        eprintln!(
            "hookctl: {warning}: {with_credentials} exported events carry credentials (stored with --keep-credentials); keep {place} private"
        );
    }
    store.unreadable(&unreadable)
}

/// One line of `export --format jsonl`: the request JSON with the event's record.
pub fn jsonl_line(event: &StoredEvent) -> String {
    let mut value = serde_json::to_value(&event.request).unwrap_or(Value::Null);
    value["id"] = json!(event.id);
    value["received_at"] = json!(event.received_at);
    value["answer_status"] = json!(event.answer_status);
    value["provider"] = json!(event.provider);
    value["event"] = json!(event.event_type);
    value["event_id"] = json!(event.event_id);
    value["verdict"] = json!(event.verdict);
    format!("{value}\n")
}

/// A HAR file of one event, as `export --format har` writes them.
pub fn har_document(event: &StoredEvent) -> String {
    let creator = json!({"name": "hookctl", "version": env!("CARGO_PKG_VERSION")});
    format!("{{\"log\":{{\"version\":\"1.2\",\"creator\":{creator},\"entries\":[{}]}}}}\n", har_entry(event))
}

fn har_entry(event: &StoredEvent) -> Value {
    let request = &event.request;
    let headers: Vec<Value> =
        request.headers.iter().map(|(n, v)| json!({"name": n, "value": String::from_utf8_lossy(v)})).collect();
    let mime = request.headers.get_str("content-type").unwrap_or("application/octet-stream");
    let post_data = match std::str::from_utf8(&request.body) {
        Ok(text) => json!({"mimeType": mime, "text": text}),
        Err(_) => {
            json!({"mimeType": mime, "text": base64::engine::general_purpose::STANDARD.encode(&request.body), "encoding": "base64"})
        }
    };
    let started = chrono::DateTime::from_timestamp_millis(event.received_at).unwrap_or_default().to_rfc3339();
    json!({
        "startedDateTime": started,
        "time": event.forward_ms.unwrap_or(0.0),
        "request": {
            "method": request.method,
            "url": format!("http://localhost{}", request.target),
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": headers,
            "queryString": [],
            "postData": post_data,
            "headersSize": -1,
            "bodySize": request.body.len(),
        },
        "response": {
            "status": event.answer_status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "cookies": [],
            "headers": [],
            "content": {"size": 0, "mimeType": "x-unknown"},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": event.forward_ms.unwrap_or(0.0), "receive": 0},
        "comment": format!("hookctl event #{}", event.id),
    })
}

fn import(app: &App, file: &std::path::Path, all_entries: bool, keep_credentials: bool) -> Result<(), Error> {
    let bytes = super::sign::read_body(file)?;
    let captures = crate::capture::parse_owned(bytes)
        .map_err(|reason| Error::usage(format!("{}: {reason}", file.display()), None))?;
    let providers = app.catalog()?.all()?;
    let profile = app.profile()?;
    let schemas = crate::schema::SchemaCache::default();
    let no_flags = crate::cli::KeyArgs::default();
    let mut keys_by_provider = std::collections::HashMap::new();
    let now = crate::time::now().timestamp();
    let mut store = app.store_or_create()?;
    let (mut not_webhooks, mut already) = (0usize, 0usize);
    let mut in_file = std::collections::HashSet::new();
    let mut events = Vec::new();
    for captured in captures {
        let request = captured.request;
        let provider = crate::provider::detect(&providers, &request);
        if provider.is_none() && !all_entries {
            not_webhooks += 1;
            continue;
        }
        let inspection = match provider {
            Some(provider) => {
                // Each provider's keys are found (and their source said) once per import, not per event.
                if !keys_by_provider.contains_key(&provider.name) {
                    let resolved = KeySources { args: &no_flags, profile, style: app.style, quiet: true }
                        .resolve_quietly(provider)?;
                    crate::keys::announce(&app.style, &resolved.origins);
                    keys_by_provider.insert(provider.name.clone(), resolved.keys);
                }
                let ctx = inspect::Context {
                    keys: &keys_by_provider[&provider.name],
                    now,
                    others: &providers,
                    diagnose_limit: 1024 * 1024,
                    schemas: &schemas,
                    max_decoded: inspect::MAX_DECODED_BODY,
                };
                Some(inspect::inspect(&request, provider, &ctx))
            }
            None => None,
        };
        // Inspected as recorded (credentials and all), stored redacted: a HAR from a browser carries the
        // session's bearer tokens and cookies, which have no place in an event store.
        let mut request = request;
        if !keep_credentials {
            request.headers = crate::provider::redact_credentials(&request.headers, provider);
        }
        // What the file recorded wins; an exchange it has no answer for was answered by nobody (status 0).
        let recorded = captured.recorded;
        let mut event = StoredEvent::new(request, provider, inspection.as_ref(), recorded.answer_status.unwrap_or(0));
        if let Some(at) = recorded.received_at {
            event.received_at = at;
        }
        let key = (
            event.provider.clone(),
            event.event_id.clone().map_or_else(|| Err(event.request.target.clone()), Ok),
            event.request.body.clone(),
            recorded.received_at,
        );
        let comparable = event.event_id.is_some() || recorded.received_at.is_some();
        if comparable && (store.holds(&event, recorded.received_at)? || !in_file.insert(key)) {
            already += 1;
            continue;
        }
        events.push(event);
    }
    let stored = store.insert(&events)?;
    store.close()?;
    let mut skipped = Vec::new();
    if not_webhooks > 0 {
        skipped.push(format!("{not_webhooks} that look like no provider's webhook (--all-entries keeps them)"));
    }
    if already > 0 {
        skipped.push(format!("{already} already stored"));
    }
    let skipped = if skipped.is_empty() { String::new() } else { format!("; skipped {}", skipped.join(", ")) };
    match (stored.first(), stored.last()) {
        (Some((first, _)), Some((last, _))) => {
            eprintln!("hookctl: imported {} events (#{first}–#{last}){skipped}", stored.len())
        }
        _ => eprintln!("hookctl: nothing to import{skipped}"),
    }
    Ok(())
}

fn delete(app: &App, ids: &[i64], all: bool, yes: bool) -> Result<(), Error> {
    let mut store = app.store_to_change()?;
    if all && !yes && !confirm_delete_all(&store)? {
        eprintln!("hookctl: nothing deleted");
        return Ok(());
    }
    let deleted = if all { store.delete_all()? } else { store.delete(ids)? };
    eprintln!("hookctl: deleted {deleted} event{}", if deleted == 1 { "" } else { "s" });
    if !all && deleted < ids.len() {
        return Err(Error::usage(format!("{} of the ids were not stored", ids.len() - deleted), None));
    }
    Ok(())
}
