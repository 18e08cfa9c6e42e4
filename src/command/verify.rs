//! `hookctl verify [CAPTURE|-]`: a verdict on a captured request, every check, and why it fails.

use std::fmt::Write as _;

use serde_json::json;

use super::App;
use crate::capture::{self, Captured};
use crate::cli::VerifyArgs;
use crate::error::{Error, ExitCode};
use crate::inspect::{self, Inspection, PayloadCheck};
use crate::keys::{self, KeySources, Resolved};
use crate::output::{self, Role, Style, sanitize};
use crate::provider::Provider;
use crate::request::{Headers, Request};
use crate::scheme::{CheckStatus, Outcome};

pub fn run(app: &App, args: &VerifyArgs) -> Result<ExitCode, Error> {
    let catalog = app.catalog()?;
    let forced = args.provider.as_deref().map(|name| catalog.get(name)).transpose()?;
    let profile = app.profile()?;
    let now = match &args.at {
        Some(at) => crate::time::parse_user_time(at).map_err(|e| Error::usage(format!("--at: {e}"), None))?.timestamp(),
        None => crate::time::now().timestamp(),
    };
    let providers = catalog.all()?;
    let mut captures = select(read_captures(app, args)?, args.entry)?;
    if args.entry.is_none() && captures.len() > 1 {
        captures = webhooks_only(app, captures, forced.as_ref(), &providers)?;
    }
    let schemas = crate::schema::SchemaCache::default();

    // Keys are resolved once per provider, however many requests a HAR holds (and --secret warns once).
    let mut keys_by_provider: std::collections::HashMap<String, Resolved> = std::collections::HashMap::new();
    let mut overrides = std::collections::HashMap::new();
    let mut worst = ExitCode::Success;
    for captured in &captures {
        let provider = match &forced {
            Some(provider) => provider,
            None => detect(&providers, &captured.request, captured.label.as_deref())?,
        };
        if !keys_by_provider.contains_key(&provider.name) {
            let quiet = !keys_by_provider.is_empty();
            let mut resolved =
                KeySources { args: &args.keys, profile, style: app.style, quiet }.resolve_for_verify(provider)?;
            resolved.keys.url = args.url.clone();
            keys::announce(&app.style, &resolved.origins);
            if provider.scheme.is_signed() && resolved.keys.secret.is_none() {
                let note = app.style.err(Role::Warn, "note");
                let what = if provider.scheme.is_asymmetric() { "public key" } else { "secret" };
                eprintln!("hookctl: {note}: {} {what}: none found, so the signature is not checked", provider.name);
            }
            overrides.insert(provider.name.clone(), app.scheme_override(&catalog, provider));
            keys_by_provider.insert(provider.name.clone(), resolved);
        }
        let resolved = &keys_by_provider[&provider.name];
        let keys = &resolved.keys;
        let ctx = inspect::Context {
            keys,
            now,
            others: &providers,
            diagnose_limit: usize::MAX,
            schemas: &schemas,
            max_decoded: inspect::MAX_DECODED_BODY,
        };
        let inspection = inspect::inspect(&captured.request, provider, &ctx);
        let code = exit_code(&inspection);
        if code != ExitCode::Success && (worst == ExitCode::Success || code == ExitCode::SignatureInvalid) {
            worst = code;
        }
        if app.json {
            let mut json = to_json(provider, captured, &inspection, now, forced.is_none());
            json["keys"] = json!(resolved.origins);
            json["secret_matched"] =
                json!(inspection.verdict.secret_matched.map(|(index, of)| json!({"index": index, "of": of})));
            json["provider_file"] = json!(provider.files.display("provider.toml"));
            json["scheme_override"] = json!(overrides.get(&provider.name));
            output::print_json(&json)?;
        } else {
            output::print(&report(&app.style, provider, captured, &inspection, now))?;
        }
    }
    Ok(worst)
}

fn read_captures(app: &App, args: &VerifyArgs) -> Result<Vec<Captured>, Error> {
    if let Some(id) = args.event {
        let store = app.store()?;
        let event = store.get(id)?.ok_or_else(|| {
            Error::usage(
                format!("no event #{id} in {}", store.location()),
                Some("`hookctl events list` shows the ids".into()),
            )
        })?;
        return Ok(vec![Captured::new(Some(format!("event #{id}")), event.request)]);
    }
    if let Some(body) = &args.body {
        let body = super::sign::read_body(body)?;
        let mut headers = Headers::new();
        for header in &args.headers {
            let (name, value) = super::parse_header(header)?;
            headers.push(name, value);
        }
        let target = args.path.clone().unwrap_or_else(|| "/".into());
        return Ok(vec![Captured::new(None, Request { method: "POST".into(), target, headers, body })]);
    }
    let Some(path) = &args.capture else {
        return Err(Error::usage(
            "nothing to verify",
            Some(
                "give a CAPTURE file (raw HTTP, HAR or request JSON), - for stdin, --event ID, or --body FILE -H 'Name: value'"
                    .into(),
            ),
        ));
    };
    let bytes = super::sign::read_body(path)?;
    let shown = if path.as_os_str() == "-" { "stdin".into() } else { path.display().to_string() };
    capture::parse_owned(bytes).map_err(|reason| {
        Error::usage(
            format!("{shown}: {reason}"),
            Some(
                "a capture is raw HTTP/1.1 text, a HAR file, hookctl's request JSON or tcpdump -X/-A output (see `hookctl verify --help`)"
                    .into(),
            ),
        )
    })
}

/// The entries of a many-request capture (a browser HAR: pages, scripts, XHRs) that look like a webhook — a
/// provider's signature header or route — and a count of the rest on stderr (and a line each with --json).
fn webhooks_only(
    app: &App,
    captures: Vec<Captured>,
    forced: Option<&Provider>,
    providers: &[Provider],
) -> Result<Vec<Captured>, Error> {
    let total = captures.len();
    let (webhooks, others): (Vec<Captured>, Vec<Captured>) = captures.into_iter().partition(|captured| match forced {
        Some(provider) => provider.affinity(&captured.request) > 0,
        None => crate::provider::detect(providers, &captured.request).is_some(),
    });
    if others.is_empty() {
        return Ok(webhooks);
    }
    let whose = forced.map_or_else(|| "any provider's".to_owned(), |p| format!("{}'s", p.name));
    let reason = format!("no signature header or route of {whose} webhook");
    if webhooks.is_empty() {
        return Err(Error::usage(
            format!("none of the {total} requests in the capture looks like a webhook ({reason})"),
            Some("verify one anyway with --entry N --provider NAME".into()),
        ));
    }
    if app.json {
        for captured in &others {
            output::print_json(&json!({
                "verdict": "skipped",
                "entry": captured.label,
                "method": captured.request.method,
                "target": captured.request.target,
                "reason": reason,
            }))?;
        }
    }
    eprintln!(
        "hookctl: {} of {total} requests look like webhooks; skipped {} with {reason} (--entry N verifies one anyway)",
        webhooks.len(),
        others.len()
    );
    Ok(webhooks)
}

fn select(captures: Vec<Captured>, entry: Option<u32>) -> Result<Vec<Captured>, Error> {
    let Some(entry) = entry else { return Ok(captures) };
    let count = captures.len();
    captures
        .into_iter()
        .nth(entry as usize - 1)
        .map(|c| vec![c])
        .ok_or_else(|| Error::usage(format!("--entry {entry}: the capture has {count} request(s)"), None))
}

/// The provider a request belongs to, by its headers and route.
fn detect<'a>(providers: &'a [Provider], request: &Request, label: Option<&str>) -> Result<&'a Provider, Error> {
    if let Some(owner) = crate::provider::route_owner(providers, request) {
        return Ok(owner);
    }
    let mut scored: Vec<(u32, &Provider)> = providers.iter().map(|p| (p.affinity(request), p)).collect();
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    let where_ = label.map(|l| format!("{l}: ")).unwrap_or_default();
    match scored.as_slice() {
        [(best, provider), rest @ ..] if *best > 0 && rest.first().is_none_or(|(next, _)| next < best) => Ok(provider),
        [(best, _), ..] if *best > 0 => {
            let tied: Vec<&str> = scored.iter().filter(|(s, _)| s == best).map(|(_, p)| p.name.as_str()).collect();
            Err(Error::usage(
                format!("{where_}the request could be from {}", tied.join(" or ")),
                Some("pass --provider NAME".into()),
            ))
        }
        _ => Err(Error::usage(
            format!("{where_}no provider's signature header or route is in this request"),
            Some("pass --provider NAME (`hookctl providers` lists them)".into()),
        )),
    }
}

/// 0 valid, 3 invalid or outside the tolerance, 5 a payload that fails its schema. An unchecked signature (no
/// secret) fails nothing by itself: the exit code is that of what was checked.
fn exit_code(inspection: &Inspection) -> ExitCode {
    let verdict = &inspection.verdict;
    let unchecked_but_sound = matches!(verdict.outcome, Outcome::NoSecret | Outcome::UrlUnknown)
        && !verdict.checks.iter().any(|c| c.status == CheckStatus::Fail);
    if !verdict.outcome.is_valid() && !unchecked_but_sound {
        ExitCode::SignatureInvalid
    } else if inspection.payload.is_invalid() {
        ExitCode::PayloadInvalid
    } else {
        ExitCode::Success
    }
}

pub(super) fn to_json(
    provider: &Provider,
    captured: &Captured,
    inspection: &Inspection,
    now: i64,
    detected: bool,
) -> serde_json::Value {
    let verdict = &inspection.verdict;
    json!({
        "verdict": inspect::verdict_code(&verdict.outcome),
        "valid": verdict.outcome.is_valid(),
        "summary": verdict.outcome.describe(),
        "provider": provider.name,
        "detected": detected,
        "entry": captured.label,
        "event": inspection.payload.event(),
        "event_id": inspection.event_id,
        "timestamp": verdict.timestamp.map(|t| json!({"unix": t, "age_secs": now.saturating_sub(t)})),
        "checks": verdict.checks,
        "payload": inspection.payload,
        "diagnosis": inspection.diagnosis.findings,
        "ruled_out": inspection.diagnosis.ruled_out,
        "notes": inspection.notes,
        "capture_caveat": captured.caveat,
    })
}

fn report(style: &Style, provider: &Provider, captured: &Captured, inspection: &Inspection, now: i64) -> String {
    let verdict = &inspection.verdict;
    let mut out = String::new();
    if let Some(label) = &captured.label {
        let _ = writeln!(out, "{}", style.out(Role::Dim, label));
    }
    let (mark, role, word) = match (&verdict.outcome, inspection.payload.is_invalid()) {
        (Outcome::Valid, false) => ("✓", Role::Ok, "VALID"),
        (Outcome::Valid, true) => ("!", Role::Warn, "VALID SIGNATURE, INVALID PAYLOAD"),
        (Outcome::Unsigned, _) => ("!", Role::Warn, "UNSIGNED"),
        (Outcome::TimestampOutside { .. }, _) => ("✗", Role::Fail, "OUTSIDE TOLERANCE"),
        (Outcome::NoSecret | Outcome::UrlUnknown, _) if exit_code(inspection) == ExitCode::Success => {
            ("–", Role::Warn, "SIGNATURE NOT CHECKED")
        }
        _ => ("✗", Role::Fail, "INVALID"),
    };
    let event = inspection.payload.event().unwrap_or("(unknown event)");
    let id = inspection.event_id.as_deref().map(|i| format!(" {i}")).unwrap_or_default();
    let _ = writeln!(
        out,
        "{} {}  {}",
        style.out(role, &format!("{mark} {word}")),
        style.out(Role::Name, &sanitize(&provider.name, false)),
        sanitize(&format!("{event}{id}"), false)
    );
    // A provider from a user folder is named by its file: it decides what this verdict accepts.
    if let crate::provider::Files::Dir(_) = &provider.files {
        let file = provider.files.display("provider.toml");
        let _ = writeln!(out, "  {} {:14} {}", style.out(Role::Dim, "–"), "provider", sanitize(&file, false));
    }
    // An unchecked signature has its own line among the checks, and so has a cause a check says in as many words
    // (a malformed header).
    let cause = verdict.outcome.describe();
    if !matches!(verdict.outcome, Outcome::Valid | Outcome::NoSecret | Outcome::UrlUnknown)
        && !verdict.checks.iter().any(|check| check.detail == cause)
    {
        let _ = writeln!(out, "  {}", sanitize(&cause, false));
    }

    for check in &verdict.checks {
        let (mark, role) = status_mark(check.status);
        let _ = writeln!(out, "  {} {:14} {}", style.out(role, mark), check.name, sanitize(&check.detail, false));
    }
    if provider.scheme.timestamp.is_some() && !verdict.checks.iter().any(|c| c.name == "timestamp") {
        let detail = match verdict.timestamp {
            Some(at) => format!("{at} ({}s old; not judged: the signature failed first)", now.saturating_sub(at)),
            None => "none found".into(),
        };
        let _ = writeln!(out, "  {} {:14} {}", style.out(Role::Dim, "–"), "timestamp", detail);
    }

    let (mark, role, detail) = match &inspection.payload {
        PayloadCheck::Valid { event, warnings } if warnings.is_empty() => {
            ("✓", Role::Ok, format!("matches the {event} schema"))
        }
        PayloadCheck::Valid { event, warnings } => {
            ("!", Role::Warn, format!("matches the {event} schema; warning: {}", inspect::warning_line(warnings)))
        }
        PayloadCheck::Invalid { violations, .. } => {
            let first: Vec<String> =
                violations.iter().take(3).map(|v| format!("{} {}", v.path_or_root(), v.message)).collect();
            let more = violations.len().saturating_sub(3);
            let more = if more > 0 { format!(" (+{more} more)") } else { String::new() };
            ("✗", Role::Fail, format!("{}{more}", first.join("; ")))
        }
        PayloadCheck::UnknownEvent { event } => {
            ("!", Role::Warn, format!("`{event}` is not in {}'s catalog", provider.name))
        }
        PayloadCheck::Untyped => ("!", Role::Warn, "no event type found in the payload".into()),
        PayloadCheck::NotJson { reason } => ("✗", Role::Fail, format!("the body is not JSON: {reason}")),
        PayloadCheck::BadForm { reason } => ("✗", Role::Fail, format!("the form body cannot be read: {reason}")),
        PayloadCheck::Unchecked { reason } => ("–", Role::Dim, format!("not validated: {reason}")),
        PayloadCheck::Handshake { event } => ("✓", Role::Ok, format!("the {event} handshake: no body to validate")),
    };
    let _ = writeln!(out, "  {} {:14} {}", style.out(role, mark), "payload", sanitize(&detail, false));

    for finding in &inspection.diagnosis.findings {
        let _ = writeln!(out, "  {} {}", style.out(Role::Heading, "why:"), sanitize(&finding.message, false));
    }
    if !inspection.diagnosis.ruled_out.is_empty() {
        let _ =
            writeln!(out, "  {} {}", style.out(Role::Heading, "ruled out:"), inspection.diagnosis.ruled_out.join(", "));
    }
    // Only a well-formed signature over the body as sent, with nothing else to explain it, points at the secret;
    // a missing or malformed header says nothing about it. A capture format that may have changed the bytes
    // (tcpdump -A) is a likelier cause than the secret.
    if verdict.outcome == Outcome::Mismatch && inspection.diagnosis.findings.is_empty() {
        let wrong_key = if provider.scheme.is_asymmetric() {
            "the public key given is most likely not the signer's: another private key signed this request"
        } else {
            "the secret is most likely not the one that signed this request"
        };
        let so = captured.caveat.unwrap_or(wrong_key);
        let _ = writeln!(out, "  {} {so}", style.out(Role::Heading, "so:"));
    } else if let Some(caveat) = captured.caveat.filter(|_| !verdict.outcome.is_valid()) {
        let _ = writeln!(out, "  {} {caveat}", style.out(Role::Warn, "note:"));
    }
    let no_secret = verdict
        .checks
        .iter()
        .any(|c| c.detail == "not checked: no secret given" || c.detail == "not checked: no public key given");
    if matches!(verdict.outcome, Outcome::NoSecret) && no_secret {
        let env: Vec<&str> = provider.secret_env.iter().map(String::as_str).chain(["HOOKCTL_SECRET"]).collect();
        let _ = writeln!(
            out,
            "  {} pass --secret-file FILE or set {} to check the signature",
            style.out(Role::Heading, "hint:"),
            env.join(" or ")
        );
    }
    for note in &inspection.notes {
        let _ = writeln!(out, "  {} {}", style.out(Role::Warn, "note:"), note);
    }
    out
}

fn status_mark(status: CheckStatus) -> (&'static str, Role) {
    match status {
        CheckStatus::Pass => ("✓", Role::Ok),
        CheckStatus::Fail => ("✗", Role::Fail),
        CheckStatus::Warn => ("!", Role::Warn),
        CheckStatus::Skip => ("–", Role::Dim),
    }
}
