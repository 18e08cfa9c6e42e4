//! `hookctl send PROVIDER EVENT --to URL`: render, sign and POST fixtures, with retries, load and faults.

use std::collections::HashMap;
use std::sync::Arc;

use bytes::Bytes;

use serde_json::{Value, json};

use super::App;
use crate::cli::SendArgs;
use crate::deliver::Target;
use crate::dispatch::{Dispatch, Job, Report, shown};
use crate::error::{Error, ExitCode};
use crate::keys::{self, KeySources};
use crate::outgoing;
use crate::output::{self, Role, Style, sanitize};
use crate::provider::{Catalog, EventDef, Provider};
use crate::request::{Headers, Request};
use crate::scenario::{self, Scenario};
use crate::summary::Order;

pub fn run(app: &App, args: &SendArgs) -> Result<ExitCode, Error> {
    let catalog = app.catalog()?;
    let provider = Arc::new(catalog.get(&choose_provider(&catalog, args)?)?);
    app.scheme_override(&catalog, &provider);
    let profile = app.profile()?;
    // `send PROVIDER handshake`: the provider's handshake, its answer checked (unless a catalog event has that name).
    if args.event.as_deref() == Some("handshake") && !provider.events.iter().any(|e| e.name == "handshake") {
        let example = "http://localhost:3000/webhooks";
        let target = Target::from_args(args.to.as_deref(), profile.and_then(|p| p.url.as_deref()), example)?;
        let resolved = KeySources { args: &args.keys, profile, style: app.style, quiet: false }.resolve(&provider)?;
        keys::announce(&app.style, &resolved.origins);
        return super::handshake::run(app, &provider, args, &target, &resolved.keys);
    }
    let pinned_time = args.render.timestamp.as_ref().map(|_| super::sign::render_time(&args.render)).transpose()?;
    let planner = Planner::new(&provider, args, pinned_time, app.style)?;
    let target = Target::from_args(
        args.to.as_deref(),
        profile.and_then(|p| p.url.as_deref()),
        "http://localhost:3000/webhooks",
    )?;
    let extra_headers = args.headers.iter().map(|h| super::parse_header(h)).collect::<Result<Vec<_>, _>>()?;
    let resolved = KeySources { args: &args.keys, profile, style: app.style, quiet: false }.resolve(&provider)?;
    keys::announce(&app.style, &resolved.origins);
    keys::note_single_signature(&app.style, &provider, &resolved.keys);
    let keys = HashMap::from([(provider.name.clone(), resolved.keys)]);
    if args.retry && provider.delivery.retry.is_empty() {
        let note = app.style.err(Role::Warn, "note");
        eprintln!("hookctl: {note}: {} documents no retries; each delivery is tried once", provider.name);
    }
    let dispatch = Dispatch {
        keys,
        target,
        extra_headers,
        pinned_time,
        timeout: args.timeout.map(Into::into),
        retry: args.retry,
        time_scale: args.time_scale,
        concurrency: args.concurrency as usize,
        rate: None,
        keep_order: false,
        style: app.style,
        json: app.json,
        report: Report::EveryAttempt,
        progress: None,
        report_file: None,
    };
    let scenario = planner.scenario.is_some();
    let jobs = planner.jobs();
    if args.dry_run {
        for job in jobs {
            dry_run(&dispatch, &job?)?;
        }
        return Ok(ExitCode::Success);
    }
    let runtime = super::runtime()?;
    let mut summary = runtime.block_on(dispatch.run(futures_util::stream::iter(jobs)))?;
    summary.keys = resolved.origins;
    summary.order = match (args.shuffle, args.concurrency) {
        // A scenario's steps are delivered in order within each run, whatever the concurrency across runs.
        _ if scenario => Order::Kept,
        (true, _) => Order::Shuffled,
        (false, 1) => Order::Kept,
        (false, _) => Order::NotKept,
    };
    if app.json {
        output::print_json(&summary.to_json())?;
    } else {
        let line = summary.line();
        let role = if summary.all_ok() { Role::Ok } else { Role::Fail };
        output::print(&format!("{}\n", app.style.out(role, &line)))?;
    }
    Ok(match () {
        () if summary.interrupted => ExitCode::Interrupted,
        () if summary.all_ok() => ExitCode::Success,
        () => ExitCode::DeliveryFailed,
    })
}

fn choose_provider(catalog: &Catalog, args: &SendArgs) -> Result<String, Error> {
    if let Some(name) = &args.provider {
        return Ok(name.clone());
    }
    if !keys::interactive() {
        return Err(Error::usage(
            "missing PROVIDER",
            Some("hookctl send PROVIDER EVENT --to URL (`hookctl providers` lists them)".into()),
        ));
    }
    let providers = catalog.all()?;
    let items: Vec<String> = providers.iter().map(|p| format!("{:18} {}", p.name, p.description)).collect();
    let chosen = dialoguer::FuzzySelect::new()
        .with_prompt("Provider")
        .items(&items)
        .default(0)
        .interact()
        .map_err(|e| Error::usage(format!("no provider chosen: {e}"), None))?;
    Ok(providers[chosen].name.clone())
}

fn choose_event(provider: &Provider, args: &SendArgs) -> Result<String, Error> {
    if let Some(event) = &args.event {
        return Ok(event.clone());
    }
    if !keys::interactive() {
        return Err(Error::usage(
            "missing EVENT",
            Some(format!(
                "hookctl send {} EVENT --to URL (`hookctl fixtures {}` lists them)",
                provider.name, provider.name
            )),
        ));
    }
    let mut specs = Vec::new();
    for event in &provider.events {
        match event.variants.as_slice() {
            [] => specs.push((event.name.clone(), event.description.clone())),
            variants => {
                specs.extend(variants.iter().map(|v| (format!("{}:{v}", event.name), event.description.clone())))
            }
        }
    }
    let items: Vec<String> = specs.iter().map(|(spec, description)| format!("{spec:40} {description}")).collect();
    let chosen = dialoguer::FuzzySelect::new()
        .with_prompt("Event")
        .items(&items)
        .default(0)
        .interact()
        .map_err(|e| Error::usage(format!("no event chosen: {e}"), None))?;
    Ok(specs[chosen].0.clone())
}

/// What deliveries are made from: a fixture (rendered afresh for each) or the `--body` bytes.
enum Source<'p> {
    Fixture(outgoing::Template<'p>),
    Body { event: Option<&'p EventDef>, body: Bytes, event_id: Option<String>, content_type: Option<String> },
}

/// Makes the run's jobs one at a time, so `--repeat 1000000` streams instead of filling memory.
struct Planner<'p, 'a> {
    provider: &'p Arc<Provider>,
    args: &'a SendArgs,
    sources: Vec<Source<'p>>,
    pinned_time: Option<chrono::DateTime<chrono::Utc>>,
    rng: fastrand::Rng,
    /// A scenario's steps are the sources, in order; each run renders its named values afresh.
    scenario: Option<Scenario>,
    /// The run under way (from 1) and its named values.
    run: (usize, crate::fixture::Refs),
}

impl<'p, 'a> Planner<'p, 'a> {
    /// Resolves the sources and renders each fixture once, so a bad `--set` fails before anything is sent and
    /// a payload that breaks its schema is pointed out.
    fn new(
        provider: &'p Arc<Provider>,
        args: &'a SendArgs,
        pinned_time: Option<chrono::DateTime<chrono::Utc>>,
        style: Style,
    ) -> Result<Self, Error> {
        let mut planner = Self {
            provider,
            args,
            sources: Vec::new(),
            pinned_time,
            rng: fastrand::Rng::new(),
            scenario: None,
            run: (0, crate::fixture::Refs::default()),
        };
        if let Some(file) = &args.body {
            if !args.render.set.is_empty() {
                return Err(Error::usage("--set changes a fixture, not a --body", None));
            }
            let body = super::sign::read_body(file)?;
            // Read as the provider's receiver would: JSON, or a form for a provider that sends forms.
            let explicit = args.content_type.as_deref();
            let parsed = provider.parse_body(&body, explicit.map(str::as_bytes)).ok();
            let payload = parsed.as_ref().map(|p| &p.value);
            let event = match &args.event {
                Some(spec) => Some(provider.event_variant(spec)?.0),
                None => provider
                    .event_type(payload, &Headers::new())
                    .and_then(|name| provider.events.iter().find(|e| e.name == name)),
            };
            match (payload, event) {
                (None, _) if provider.takes_forms() => {
                    warn(style, "the --body is neither JSON nor form-encoded; sending it as it is")
                }
                (None, _) => warn(style, "the --body is not JSON; sending it as it is"),
                (Some(payload), Some(event)) => check_schema(provider, event, payload, style)?,
                (Some(_), None) => {}
            }
            if let (Some(parsed), Some(event)) = (&parsed, event)
                && parsed.format != event.body_format
            {
                let (sent, given) = (event.body_format.describe(), parsed.format.describe());
                warn(style, &format!("{} sends {} {sent}; this --body is {given}", provider.name, event.name));
            }
            let event_id = provider.event_id(payload, &Headers::new());
            let content_type = explicit.or_else(|| parsed.and_then(|p| p.format.content_type())).map(str::to_owned);
            planner.sources.push(Source::Body { event, body, event_id, content_type });
        } else {
            let spec = choose_event(provider, args)?;
            if scenario::is_scenario(provider, &spec) {
                if args.shuffle {
                    return Err(Error::usage("--shuffle would break a scenario's order", None));
                }
                let scenario = scenario::load(provider, &spec)?;
                let now = planner.now();
                let refs = scenario.new_run(provider, now, &mut planner.rng)?;
                for (i, step) in scenario.steps.iter().enumerate() {
                    let template = outgoing::Template::load(provider, &step.spec)?;
                    let mut sets = scenario.sets(provider, i, &refs, now, &mut planner.rng)?;
                    sets.extend(args.render.set.iter().cloned());
                    let rendered = template.render_with(&sets, now, &mut planner.rng, refs.clone())?;
                    check_schema(provider, rendered.event, &rendered.payload, style)?;
                    planner.sources.push(Source::Fixture(template));
                }
                planner.scenario = Some(scenario);
                return Ok(planner);
            }
            for spec in crate::specs::matching(provider, &spec)? {
                let now = planner.now();
                let template = outgoing::Template::load(provider, &spec)?;
                let rendered = template.render(&args.render.set, now, &mut planner.rng)?;
                check_schema(provider, rendered.event, &rendered.payload, style)?;
                planner.sources.push(Source::Fixture(template));
            }
        }
        Ok(planner)
    }

    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.pinned_time.unwrap_or_else(crate::time::now)
    }

    fn job(&mut self, index: usize) -> Result<Job, Error> {
        let now = self.now();
        let message_id = match &self.args.id {
            Some(id) => id.clone(),
            None => outgoing::message_id(self.provider, now, &mut self.rng)?,
        };
        let job = match &self.sources[index] {
            Source::Body { event, body, event_id, content_type } => {
                let mut job = Job::new(self.provider.clone(), *event, body.clone(), message_id);
                job.event_id = event_id.clone();
                job.content_type = content_type.clone();
                job
            }
            Source::Fixture(template) if self.scenario.is_some() => {
                let scenario = self.scenario.as_ref().expect("checked");
                if index == 0 {
                    self.run = (self.run.0 + 1, scenario.new_run(self.provider, now, &mut self.rng)?);
                }
                let (run, refs) = &self.run;
                let mut sets = scenario.sets(self.provider, index, refs, now, &mut self.rng)?;
                sets.extend(self.args.render.set.iter().cloned());
                let rendered = template.render_with(&sets, now, &mut self.rng, refs.clone())?;
                let mut job = Job::rendered(self.provider.clone(), &rendered, message_id);
                job.sequence = Some(run.to_string());
                job.delay = scenario.steps[index].delay;
                job.label = Some(format!("{} #{run} {}/{}", scenario.name, index + 1, scenario.steps.len()));
                job
            }
            Source::Fixture(template) => {
                let rendered = template.render(&self.args.render.set, now, &mut self.rng)?;
                let mut job = Job::rendered(self.provider.clone(), &rendered, message_id);
                if let Some(explicit) = &self.args.content_type {
                    job.content_type = Some(explicit.clone());
                }
                job
            }
        };
        job.with_header_event_id(now, &mut self.rng)
    }

    /// Every source `--repeat` times, each job `--duplicate` times (same body and ids), in order — or all of
    /// them made first and shuffled, with `--shuffle`.
    fn jobs(mut self) -> Box<dyn Iterator<Item = Result<Job, Error>> + 'p>
    where
        'a: 'p,
    {
        let duplicate = self.args.duplicate;
        let shuffle = self.args.shuffle;
        let total = self.sources.len() * self.args.repeat as usize;
        let mut made = 0;
        let mut pending: Option<(Job, u32)> = None;
        let lazy = std::iter::from_fn(move || {
            if let Some((job, left)) = &mut pending
                && *left > 0
            {
                *left -= 1;
                return Some(Ok(job.clone()));
            }
            if made == total {
                return None;
            }
            let index = made % self.sources.len();
            made += 1;
            match self.job(index) {
                Ok(job) => {
                    pending = Some((job.clone(), duplicate - 1));
                    Some(Ok(job))
                }
                Err(error) => {
                    made = total;
                    Some(Err(error))
                }
            }
        });
        if !shuffle {
            return Box::new(lazy);
        }
        let mut all: Vec<Result<Job, Error>> = lazy.collect();
        fastrand::shuffle(&mut all);
        Box::new(all.into_iter())
    }
}

fn warn(style: Style, message: &str) {
    eprintln!("hookctl: {}: {}", style.err(Role::Warn, "warning"), sanitize(message, false));
}

/// Sending a payload that breaks its schema is allowed (receivers must cope), but never by accident.
fn check_schema(provider: &Provider, event: &EventDef, payload: &Value, style: Style) -> Result<(), Error> {
    let violations = crate::schema::EventSchema::load(provider, event)?.validate(payload);
    if let Some(first) = violations.first() {
        let path = first.path_or_root();
        let more = if violations.len() > 1 { format!(" (+{} more)", violations.len() - 1) } else { String::new() };
        warn(
            style,
            &format!("{} does not match its schema: {path} {}{more}; sending it anyway", event.name, first.message),
        );
    }
    Ok(())
}

fn dry_run(dispatch: &Dispatch, job: &Job) -> Result<(), Error> {
    let url = dispatch.url(job);
    let request = dispatch.request(job, &url)?;
    let curl = curl_command(job.provider(), &url, &request);
    // Credentials stay out of the output: the request shows them redacted, curl reads them from the env.
    let headers = crate::provider::redact_credentials(&request.headers, Some(job.provider()));
    let shown_request = Request { headers, ..request };
    if dispatch.json {
        return output::print_json(&json!({
            "kind": "dry-run",
            "provider": job.provider().name,
            "url": shown(&url),
            "request": &shown_request,
            "curl": curl,
        }));
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut text = format!("{} {} HTTP/1.1\nHost: {host}\n", shown_request.method, shown_request.target);
    for (name, value) in shown_request.headers.iter() {
        text.push_str(&format!("{name}: {}\n", String::from_utf8_lossy(value)));
    }
    text.push('\n');
    text.push_str(&String::from_utf8_lossy(&shown_request.body));
    let style = &dispatch.style;
    output::print(&format!(
        "{}\n\n{}\n{curl}\n\n",
        sanitize(&text, true),
        style.out(Role::Dim, "# the same request with curl:")
    ))
}

/// A curl command that sends exactly this request: the body byte for byte, control characters escaped (so
/// printing the command cannot drive the terminal), credential headers read from the provider's env var.
pub fn curl_command(provider: &Provider, url: &reqwest::Url, request: &Request) -> String {
    let mut parts = vec!["curl".to_owned(), "-sS".into(), "-X".into(), request.method.clone(), quote(url.as_str())];
    for (name, value) in request.headers.iter() {
        parts.push("-H".into());
        let credential = provider.scheme.credentials.iter().find(|c| c.header.eq_ignore_ascii_case(name));
        match credential {
            Some(spec) => {
                let env = spec.env.first().map_or("API_KEY", String::as_str);
                let (before, after) = spec.value.split_once("{credential}").unwrap_or((&spec.value, ""));
                parts.push(format!("\"{name}: {}${{{env}}}{}\"", double_quoted(before), double_quoted(after)));
            }
            // A shared token (GitLab's X-Gitlab-Token) is the secret: read from the env var too.
            None if provider.scheme.algorithm == crate::scheme::Algorithm::Token
                && provider.scheme.signature_headers().any(|h| h.eq_ignore_ascii_case(name)) =>
            {
                let env = provider.secret_env.first().map_or("HOOKCTL_SECRET", String::as_str);
                parts.push(format!("\"{name}: ${{{env}}}\""));
            }
            None => parts.push(quote(&format!("{name}: {}", String::from_utf8_lossy(value)))),
        }
    }
    parts.push("--data-binary".into());
    match std::str::from_utf8(&request.body) {
        Ok(text) => parts.push(quote(text)),
        Err(_) => {
            // Not text: feed it through printf's octal escapes on stdin.
            let escaped: String = request.body.iter().map(|b| format!("\\{b:03o}")).collect();
            return format!("printf '{escaped}' | {} @-", parts.join(" "));
        }
    }
    parts.join(" ")
}

fn double_quoted(text: &str) -> String {
    text.chars().flat_map(|c| if matches!(c, '"' | '\\' | '$' | '`') { vec!['\\', c] } else { vec![c] }).collect()
}

/// POSIX shell single quoting; text with control characters (other than line breaks and tabs) uses ANSI-C
/// `$'…'` quoting with `\xHH` escapes instead, so no raw escape sequence is ever printed.
fn quote(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t')) {
        return format!("'{}'", text.replace('\'', r"'\''"));
    }
    let mut out = String::from("$'");
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_quotes_everything() {
        let mut request = Request::post("/x", "{\"it's\": 1}\n");
        request.headers.push("X-A", "b'c");
        let url = reqwest::Url::parse("http://127.0.0.1:3000/x").expect("url");
        let provider = crate::provider::Catalog::builtin().get("verifynow").expect("built in");
        assert_eq!(
            curl_command(&provider, &url, &request),
            "curl -sS -X POST 'http://127.0.0.1:3000/x' -H 'X-A: b'\\''c' --data-binary '{\"it'\\''s\": 1}\n'"
        );
        let binary = Request::post("/x", vec![0xff, b'a']);
        assert!(curl_command(&provider, &url, &binary).starts_with("printf '\\377\\141' | curl"));
        let mut hostile = Request::post("/x", "a\u{1b}]0;title\u{7}b");
        hostile.headers.push("Authorization", "api-key secret-value");
        let curl = curl_command(&provider, &url, &hostile);
        assert!(curl.ends_with("--data-binary $'a\\x1b]0;title\\x07b'"), "{curl}");
        assert!(curl.contains("-H \"Authorization: api-key ${VERIFYNOW_API_KEY}\""), "{curl}");
        assert!(!curl.contains("secret-value") && !curl.contains('\u{1b}'));
    }

    #[test]
    fn headers_parse() {
        assert_eq!(super::super::parse_header("X-A:  b ").expect("valid"), ("X-A".into(), "b".into()));
        assert!(super::super::parse_header("nocolon").is_err());
        assert!(super::super::parse_header("bad name: x").is_err());
    }
}
