//! `hookctl providers [NAME]`: the catalog, or everything about one provider.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::App;
use crate::cli::{ImportArgs, ProvidersArgs, ProvidersCommand};
use crate::error::{Error, ExitCode};
use crate::output::{self, Role, sanitize};
use crate::provider::{CATEGORIES, Provider, RetryFrom, SourceKind};
use crate::scheme::{Layout, Scheme};

pub fn run(app: &App, args: &ProvidersArgs) -> Result<ExitCode, Error> {
    if let Some(ProvidersCommand::Import(import)) = &args.command {
        return run_import(app, import);
    }
    let catalog = app.catalog()?;
    match &args.name {
        Some(name) => show(app, &catalog.get(name)?),
        None => {
            let providers = catalog.all()?;
            match args.search.as_deref() {
                None => list(app, &providers.iter().collect::<Vec<_>>()),
                Some(text) if text.trim().is_empty() => {
                    return Err(Error::usage(
                        "--search needs a word to look for",
                        Some("`hookctl providers --search kyc`".to_owned()),
                    ));
                }
                Some(text) => {
                    let found = search(&providers, text);
                    if found.is_empty() {
                        return Err(Error::usage(
                            format!("no provider matches {:?}", sanitize(text, false)),
                            Some("`hookctl providers` lists them all, grouped by category".to_owned()),
                        ));
                    }
                    list(app, &found)
                }
            }
        }
    }?;
    Ok(ExitCode::Success)
}

/// The providers every word of `text` is found in (name, title, description, category, event names), without
/// regard to case.
fn search<'a>(providers: &'a [Provider], text: &str) -> Vec<&'a Provider> {
    let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
    providers
        .iter()
        .filter(|p| {
            let fields = [&p.name, &p.title, &p.description, &p.category];
            let haystack: Vec<String> = fields
                .into_iter()
                .map(|f| f.to_lowercase())
                .chain(p.events.iter().map(|e| e.name.to_lowercase()))
                .collect();
            words.iter().all(|word| haystack.iter().any(|field| field.contains(word.as_str())))
        })
        .collect()
}

fn list(app: &App, providers: &[&Provider]) -> Result<(), Error> {
    if app.json {
        for provider in providers {
            output::print_json(&json!({
                "name": provider.name,
                "title": provider.title,
                "category": provider.category,
                "description": provider.description,
                "scheme": provider.scheme.summary(),
                "routes": provider.routes,
                "events": provider.events.len(),
            }))?;
        }
        return Ok(());
    }
    let width = providers.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let scheme_width = providers.iter().map(|p| p.scheme.summary().len()).max().unwrap_or(0);
    // Grouped by category, the categories in the order of `CATEGORIES`, the providers by name within each.
    let mut out = String::new();
    for category in CATEGORIES {
        let group: Vec<&&Provider> = providers.iter().filter(|p| p.category == category).collect();
        if group.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "{}", app.style.out(Role::Heading, &format!("{category} ({})", group.len())));
        for p in group {
            let name = app.style.out(Role::Name, &format!("{:width$}", sanitize(&p.name, false)));
            let events = format!("{:>2} {}", p.events.len(), if p.events.len() == 1 { "event " } else { "events" });
            let _ = writeln!(
                out,
                "  {name}  {:scheme_width$}  {events}  {}",
                p.scheme.summary(),
                sanitize(&p.description, false)
            );
        }
    }
    output::print(&out)
}

fn show(app: &App, provider: &Provider) -> Result<(), Error> {
    if app.json {
        return output::print_json(&details(provider));
    }
    let style = &app.style;
    let scheme = &provider.scheme;
    let mut out = String::new();
    // A fact hookctl assumed (nothing the provider published says it) is marked where it is shown.
    let assumed = |facts: &[&str]| {
        let any = facts.iter().any(|f| provider.source(f).is_some_and(|s| s.kind == SourceKind::Assumed));
        if any { format!(" {}", style.out(Role::Warn, "[assumed]")) } else { String::new() }
    };
    let mut row = |label: &str, value: String, mark: String| {
        let label = style.out(Role::Heading, &format!("{label:12}"));
        let _ = writeln!(out, "{label}{}{mark}", sanitize(&value, false));
    };
    row("Provider", format!("{} ({})", provider.name, provider.title), String::new());
    if !provider.description.is_empty() {
        row("", provider.description.clone(), String::new());
    }
    row("Category", provider.category.clone(), String::new());
    row("Signature", signature_line(scheme), assumed(&["signature", "signature.encoding", "signature.key"]));
    if scheme.is_signed() {
        row("Checked", checked_line(provider), String::new());
    }
    if let Some(named) = &scheme.algorithm_header {
        let values: Vec<String> = named.values.iter().map(|(n, a)| format!("{n} ({a})")).collect();
        let value = format!("named per request by {}: {}", named.header, values.join(", "));
        row("Algorithm", value, assumed(&["signature"]));
    }
    if let Some(field) = &scheme.signature_field {
        row("Field", format!("{field} of the JSON body (no signature header)"), assumed(&["signature.header"]));
    } else if scheme.is_signed() {
        row("Header", format!("{}: {}", scheme.header, example_header(scheme)), assumed(&["signature.header"]));
        if !scheme.aliases.is_empty() {
            row("Also read", scheme.aliases.join(", "), assumed(&["signature.aliases"]));
        }
    }
    if let Some(ts) = &scheme.timestamp {
        let place = match (&ts.header, &ts.field) {
            (Some(header), _) => header.clone(),
            (None, Some(field)) => format!("body field {field}"),
            (None, None) => format!("inside {}", scheme.header),
        };
        let signed = if scheme.timestamp_signed() { "signed" } else { "NOT covered by the signature" };
        row(
            "Timestamp",
            format!(
                "{place}, {}, tolerance {}, {signed}",
                match (ts.millis, ts.rfc3339) {
                    (_, true) => "RFC 3339",
                    (true, false) => "unix ms",
                    (false, false) => "unix s",
                },
                humantime::format_duration(ts.tolerance)
            ),
            assumed(&["timestamp"]),
        );
    }
    if let Some(id) = &scheme.message_id {
        row("Message id", id.header.clone(), assumed(&["message_id"]));
    }
    row(
        "Dedupe key",
        provider.dedupe_key().map_or("none documented (the body is the same across retries)".into(), |key| {
            format!("{key}, the same across retries and duplicates")
        }),
        assumed(&["envelope.id"]),
    );
    for credential in &scheme.credentials {
        let env =
            if credential.env.is_empty() { String::new() } else { format!(" (env {})", credential.env.join(", ")) };
        row(
            "Credential",
            format!("{}: {}{env}", credential.header, credential.value.replace("{credential}", "<api key>")),
            assumed(&["credentials"]),
        );
    }
    let secret = if !scheme.is_signed() {
        "not needed".into()
    } else if provider.secret_env.is_empty() {
        "HOOKCTL_SECRET".into()
    } else {
        format!("{}, then HOOKCTL_SECRET", provider.secret_env.join(", "))
    };
    let label = if scheme.is_asymmetric() { "Key env" } else { "Secret env" };
    row(label, secret, String::new());
    row("Routes", provider.routes.join(", "), assumed(&["routes"]));
    for (name, value) in &provider.headers {
        row("Sends", format!("{name}: {value}"), assumed(&["headers"]));
    }
    row("Retries", retry_line(provider), assumed(&["delivery.retry"]));
    if let Some(timeout) = provider.delivery.timeout {
        row("Timeout", humantime::format_duration(timeout).to_string(), assumed(&["delivery.timeout"]));
    }
    let answer = &provider.delivery.answer;
    let body = if answer.body.is_empty() { "(empty body)".into() } else { answer.body.clone() };
    let content_type = answer.content_type.as_deref().map(|c| format!(" {c}")).unwrap_or_default();
    row("Answer", format!("{}{content_type} {body}", answer.status), assumed(&["delivery.answer"]));
    if let Some(handshake) = &provider.handshake {
        row("Handshake", handshake.describe(), assumed(&["delivery.answer"]));
    }

    let _ = writeln!(out, "\n{}", style.out(Role::Heading, &format!("Events ({})", provider.events.len())));
    let width = provider.events.iter().map(|e| e.name.len()).max().unwrap_or(0);
    for event in &provider.events {
        let name = style.out(Role::Name, &format!("{:width$}", sanitize(&event.name, false)));
        let mut line = format!("  {name}  {}", sanitize(&event.description, false));
        if !event.variants.is_empty() {
            let _ = write!(line, " {}", style.out(Role::Dim, &format!("[variants: {}]", event.variants.join(", "))));
        }
        if let Some(content_type) = event.body_format.content_type() {
            let _ = write!(line, " {}", style.out(Role::Dim, &format!("[sent as {content_type}]")));
        }
        if !event.headers.is_empty() {
            let sends: Vec<String> = event.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
            let sends = format!("[sends {}]", sanitize(&sends.join(", "), false));
            let _ = write!(line, " {}", style.out(Role::Dim, &sends));
        }
        if provider.source(&format!("events.{}", event.name)).is_some_and(|s| s.kind == SourceKind::Assumed) {
            let _ = write!(line, " {}", style.out(Role::Warn, "[assumed]"));
        }
        let _ = writeln!(out, "{line}");
    }
    if !provider.sources.is_empty() {
        let _ = writeln!(out, "\n{}", style.out(Role::Heading, "Sources"));
        let width = provider.sources.iter().map(|s| s.fact.len()).max().unwrap_or(0);
        for source in &provider.sources {
            let kind = match source.kind {
                SourceKind::Document => style.out(Role::Ok, "document"),
                SourceKind::Sdk => style.out(Role::Name, "sdk     "),
                SourceKind::Assumed => style.out(Role::Warn, "assumed "),
            };
            let fact = format!("{:width$}", source.fact);
            let _ = writeln!(out, "  {fact}  {kind}  {}", sanitize(&source.detail, false));
        }
    }
    output::print(&out)
}

fn signature_line(scheme: &Scheme) -> String {
    if !scheme.is_signed() {
        return "none: deliveries are unsigned".into();
    }
    if scheme.is_asymmetric() {
        let forms = &scheme.key_forms;
        let public = match forms.public {
            crate::scheme::PublicKeyForm::Hex => "in hex",
            crate::scheme::PublicKeyForm::Base64 => "in base64",
            crate::scheme::PublicKeyForm::SpkiBase64 => "as base64 DER (SubjectPublicKeyInfo)",
        };
        let prefix = forms.public_prefix.as_deref().map(|p| format!(" after `{p}`")).unwrap_or_default();
        return format!(
            "{} of {}, {}, verified with the provider's public key {public}{prefix}; a private key signs (hookctl keys \
             generate)",
            scheme.algorithm, scheme.content, scheme.encoding
        );
    }
    let key = match (&scheme.key, &scheme.key_prefix) {
        (crate::scheme::KeyEncoding::Raw, None) => "the secret as text".to_owned(),
        (crate::scheme::KeyEncoding::Raw, Some(p)) => format!("the secret as text after `{p}`"),
        (crate::scheme::KeyEncoding::Base64, None) => "the base64-decoded secret".to_owned(),
        (crate::scheme::KeyEncoding::Base64, Some(p)) => format!("the base64-decoded secret after `{p}`"),
    };
    format!("{} of {}, {}, keyed by {key}", scheme.algorithm, scheme.content, scheme.encoding)
}

/// What the scheme was checked against: the provider's SDK, a published test vector, or nothing.
fn checked_line(provider: &Provider) -> String {
    match provider.source("signature.checked") {
        Some(source) if source.kind != SourceKind::Assumed => source.detail.clone(),
        _ => NOT_CHECKED.to_owned(),
    }
}

/// What `providers NAME` says of a scheme no SDK or published vector confirmed.
const NOT_CHECKED: &str = "scheme from the provider's docs; not checked against an SDK";

fn example_header(scheme: &Scheme) -> String {
    scheme.layout.format(&["<signature>".into()], "<timestamp>")
}

fn retry_line(provider: &Provider) -> String {
    let delivery = &provider.delivery;
    if delivery.retry.is_empty() {
        return "none".into();
    }
    // A run of equal delays is written once with its count: Paystack's hourly retries are `1h ×72`.
    let mut delays: Vec<String> = Vec::new();
    for run in delivery.retry.chunk_by(|a, b| a == b) {
        let delay = humantime::format_duration(run[0]).to_string();
        delays.push(if run.len() > 2 {
            format!("{delay} ×{}", run.len())
        } else {
            run.iter().map(|_| delay.clone()).collect::<Vec<_>>().join(", ")
        });
    }
    let from = match delivery.retry_from {
        RetryFrom::Previous => "each after the attempt before",
        RetryFrom::First => "each counted from the first attempt",
    };
    format!("{} ({from})", delays.join(", "))
}

fn details(provider: &Provider) -> Value {
    let scheme = &provider.scheme;
    let layout = match &scheme.layout {
        Layout::Bare => json!({"kind": "bare"}),
        Layout::Prefixed(prefix) => json!({"kind": "prefixed", "prefix": prefix}),
        Layout::KeyValue { timestamp_key, signature_key, separator, group_separator } => json!({
            "kind": "key-value",
            "timestamp_key": timestamp_key,
            "signature_key": signature_key,
            "separator": separator,
            "group_separator": group_separator,
        }),
        Layout::VersionedList { version } => json!({"kind": "versioned-list", "version": version}),
    };
    let delivery = &provider.delivery;
    json!({
        "name": provider.name,
        "title": provider.title,
        "category": provider.category,
        "description": provider.description,
        "checked": scheme.is_signed().then(|| checked_line(provider)),
        "routes": provider.routes,
        "secret_env": provider.secret_env,
        "signature": {
            "algorithm": scheme.algorithm.to_string(),
            "header": (scheme.is_signed() && scheme.in_header()).then_some(&scheme.header),
            "field": scheme.signature_field,
            "algorithm_header": scheme.algorithm_header.as_ref().map(|a| json!({
                "header": a.header,
                "values": a.values.iter().map(|(n, alg)| json!([n, alg.to_string()])).collect::<Vec<_>>(),
            })),
            "aliases": scheme.aliases,
            "content": scheme.content.to_string(),
            "key": match scheme.key { crate::scheme::KeyEncoding::Raw => "raw", crate::scheme::KeyEncoding::Base64 => "base64" },
            "key_prefix": scheme.key_prefix,
            "encoding": scheme.encoding.to_string(),
            "layout": layout,
            "example": (scheme.is_signed() && scheme.in_header()).then(|| example_header(scheme)),
        },
        "timestamp": scheme.timestamp.as_ref().map(|t| json!({
            "header": t.header,
            "field": t.field,
            "aliases": t.aliases,
            "unit": match (t.millis, t.rfc3339) {
                (_, true) => "rfc3339",
                (true, false) => "ms",
                (false, false) => "s",
            },
            "tolerance_secs": t.tolerance.as_secs(),
            "signed": scheme.timestamp_signed(),
        })),
        "message_id": scheme.message_id.as_ref().map(|m| json!({"header": m.header, "aliases": m.aliases})),
        "dedupe": {"header": provider.envelope.id_header, "pointers": provider.envelope.id_pointers},
        "sources": provider.sources,
        "credentials": scheme.credentials.iter().map(|c| json!({"name": c.name, "header": c.header, "value": c.value, "env": c.env})).collect::<Vec<_>>(),
        "headers": provider.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
        "delivery": {
            "timeout_secs": delivery.timeout.map(|t| t.as_secs_f64()),
            "retry_secs": delivery.retry.iter().map(|d| d.as_secs()).collect::<Vec<_>>(),
            "retry_from": match delivery.retry_from { RetryFrom::Previous => "previous", RetryFrom::First => "first" },
            "answer": {"status": delivery.answer.status, "content_type": delivery.answer.content_type, "body": delivery.answer.body},
        },
        "handshake": provider.handshake.as_ref().map(|h| json!({"event": h.event, "describe": h.describe()})),
        "events": provider.events.iter().map(|e| json!({
            "name": e.name,
            "description": e.description,
            "variants": e.variants,
            "route": provider.route_for(Some(e)),
            "body_format": e.body_format,
            "headers": e.headers.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}

/// `hookctl providers import SPEC`: writes the folder, then says what it holds.
fn run_import(app: &App, args: &ImportArgs) -> Result<ExitCode, Error> {
    let base = match (&args.scheme, &args.from_provider) {
        (Some(name), _) => crate::import::Base::Builtin(name.clone()),
        (None, Some(dir)) => crate::import::Base::Dir(dir.clone()),
        (None, None) => return Err(Error::usage("give --scheme BUILTIN or --from-provider DIR", None)),
    };
    let options = crate::import::Options {
        spec: args.spec.clone(),
        name: args.name.clone(),
        base,
        examples: args.examples.clone(),
        out: args.out.clone(),
    };
    let imported = crate::import::run(&options)?;
    for warning in &imported.warnings {
        eprintln!("hookctl: {}: {}", app.style.err(Role::Warn, "warning"), sanitize(warning, false));
    }
    let dir = imported.dir.display().to_string();
    if app.json {
        output::print_json(&json!({
            "provider": imported.name,
            "dir": dir,
            "events": imported.events,
            "from_examples": imported.from_examples,
            "completed": imported.completed,
            "generated": imported.generated,
            "warnings": imported.warnings,
        }))?;
    } else {
        output::print(&format!(
            "{}: {} written to {} ({} from examples, {} from examples completed to fit their schema, {} generated from the schemas)\n",
            sanitize(&imported.name, false),
            output::count(imported.events as u64, "event", "events"),
            sanitize(&dir, false),
            output::count(imported.from_examples as u64, "fixture", "fixtures"),
            imported.completed,
            imported.generated
        ))?;
    }
    Ok(ExitCode::Success)
}
