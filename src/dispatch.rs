//! Running deliveries: the engine behind `send` and `replay`. Each job is signed (or sent verbatim), delivered
//! with the provider's retry schedule, reported, and counted; jobs run `concurrency` at a time, optionally at a
//! fixed rate and in order per provider event id.

use std::collections::HashMap;
use std::io::IsTerminal as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{FutureExt as _, Stream, StreamExt as _};

use crate::deliver::{Attempt, Client, RetryPlan, Target};
use crate::error::Error;
use crate::interrupt::{Interrupt, Level};
use crate::outgoing::{self, Outgoing};
use crate::output::{self, Role, Style, sanitize};
use crate::provider::{EventDef, Provider};
use crate::report_file::{AttemptRecord, DeliveryRecord, ReportFile};
use crate::request::{Headers, Request};
use crate::scheme::Keys;
use crate::summary::Summary;

/// One delivery: a body and the ids that stay the same across its retries and duplicates. It owns what it
/// needs (the provider is shared), so each delivery runs as a task of its own on any worker thread.
#[derive(Clone)]
pub struct Job {
    provider: Arc<Provider>,
    /// The event type, as its position in `provider.events` (so the two are set together, in `new`).
    event: Option<usize>,
    pub body: Bytes,
    /// Replaces the provider's Content-Type (a form body's); `None` for JSON, so a JSON job allocates nothing.
    pub content_type: Option<String>,
    pub message_id: String,
    /// The provider's event id, for display and for ordering.
    pub event_id: Option<String>,
    /// Sent as captured (headers, target and body) instead of re-signed.
    pub verbatim: Option<Request>,
    /// The fixture's variant (`face_mismatch`), named with the event on every line.
    pub variant: Option<String>,
    /// Where the job came from (`#42` for a stored event), for output.
    pub label: Option<String>,
    /// The store's id of a stored event, for the report (which `replay --failed-from` reads back).
    pub stored_id: Option<i64>,
    /// Jobs with the same sequence are delivered one after another, in order (a scenario run's steps).
    pub sequence: Option<String>,
    /// How long to wait, once the job before it in its sequence is delivered (divided by `--time-scale`).
    pub delay: Duration,
}

impl Job {
    /// A job of `provider`, for `event` (one of the provider's own) when the event type is known.
    pub fn new(provider: Arc<Provider>, event: Option<&EventDef>, body: Bytes, message_id: String) -> Self {
        let index = event.and_then(|event| provider.events.iter().position(|e| e.name == event.name));
        debug_assert_eq!(index.is_some(), event.is_some(), "the event is not one of {}'s", provider.name);
        Self {
            provider,
            event: index,
            body,
            content_type: None,
            message_id,
            event_id: None,
            verbatim: None,
            variant: None,
            label: None,
            stored_id: None,
            sequence: None,
            delay: Duration::ZERO,
        }
    }

    /// A job for a rendered fixture: its body as the provider serialises it (with the Content-Type of the
    /// event's format), its event id read from the payload.
    pub fn rendered(provider: Arc<Provider>, rendered: &outgoing::Rendered<'_>, message_id: String) -> Self {
        let body = provider.serialize_body(rendered.event, &rendered.payload).into();
        let event_id = provider.event_id(Some(&rendered.payload), &Headers::new());
        let content_type = rendered.event.body_format.content_type().map(str::to_owned);
        let mut job = Self::new(provider, Some(rendered.event), body, message_id);
        job.event_id = event_id;
        job.content_type = content_type;
        job.variant = rendered.variant.map(str::to_owned);
        job
    }

    /// Renders the event id once for a provider that carries it in a header of its own, when the job has none
    /// yet: every attempt and duplicate of the job then sends the same one.
    pub fn with_header_event_id(
        mut self,
        now: chrono::DateTime<chrono::Utc>,
        rng: &mut fastrand::Rng,
    ) -> Result<Self, Error> {
        if self.event_id.is_none() {
            self.event_id = outgoing::header_event_id(&self.provider, now, rng)?;
        }
        Ok(self)
    }

    pub fn provider(&self) -> &Provider {
        &self.provider
    }

    pub fn event(&self) -> Option<&EventDef> {
        self.event.map(|index| &self.provider.events[index])
    }

    /// `verification.failed:face_mismatch`: the event type with the fixture's variant, when there is one.
    fn event_name(&self) -> Option<String> {
        let event = self.event()?;
        Some(match &self.variant {
            Some(variant) => format!("{}:{variant}", event.name),
            None => event.name.clone(),
        })
    }
}

/// A delivery that ended: its job and every attempt made, the last one deciding the outcome.
struct Delivered {
    job: Job,
    url: reqwest::Url,
    attempts: Vec<Attempt>,
    /// Retries were still due when Ctrl-C stopped the run.
    retries_cut: bool,
}

/// What is printed while a run goes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// A line per attempt (send).
    EveryAttempt,
    /// A line per failed delivery only, under a progress bar (replay).
    Failures,
}

/// Everything a run needs besides its jobs.
#[derive(Clone)]
pub struct Dispatch {
    pub keys: HashMap<String, Keys>,
    pub target: Target,
    pub extra_headers: Vec<(String, String)>,
    pub pinned_time: Option<chrono::DateTime<chrono::Utc>>,
    /// Overrides each provider's documented answer deadline.
    pub timeout: Option<Duration>,
    pub retry: bool,
    pub time_scale: f64,
    pub concurrency: usize,
    /// Deliveries started per second, at most.
    pub rate: Option<f64>,
    /// Deliver events with the same provider event id one after another, in order.
    pub keep_order: bool,
    pub style: Style,
    pub json: bool,
    pub report: Report,
    pub progress: Option<indicatif::ProgressBar>,
    /// `--report FILE`: a line per delivery as it ends.
    pub report_file: Option<Arc<ReportFile>>,
}

impl Dispatch {
    fn retry_plan(&self, provider: &Provider) -> RetryPlan {
        let delivery = &provider.delivery;
        RetryPlan {
            delays: if self.retry { delivery.retry.clone() } else { Vec::new() },
            from: delivery.retry_from,
            scale: self.time_scale,
        }
    }

    /// A credential header that was redacted when stored gets the run's value for it (`--api-key`, the
    /// profile, the env), since `(redacted)` is no credential; without one it stays as it is.
    fn restore_credentials(&self, job: &Job, request: &mut Request) {
        let Some(keys) = self.keys.get(&job.provider.name) else { return };
        let scheme = &job.provider.scheme;
        if scheme.algorithm == crate::scheme::Algorithm::Token
            && request.headers.get(&scheme.header) == Some(crate::request::REDACTED)
            && let Some(secret) = &keys.secret
        {
            request.headers.set(&scheme.header, secret.expose());
        }
        for spec in &job.provider.scheme.credentials {
            if request.headers.get(&spec.header) == Some(crate::request::REDACTED)
                && let Some(value) = keys.credential(&spec.name)
            {
                request.headers.set(&spec.header, spec.render(value));
            }
        }
    }

    /// Where a job goes: the target with the provider's route, or the captured path for a verbatim job.
    pub fn url(&self, job: &Job) -> reqwest::Url {
        match &job.verbatim {
            Some(captured) => self.target.url(&captured.target),
            None => self.target.url(job.provider.route_for(job.event())),
        }
    }

    /// The request for one attempt to `url` (the job's): the captured one, or re-signed now, as providers do,
    /// with the job's ids.
    pub fn request(&self, job: &Job, url: &reqwest::Url) -> Result<Request, Error> {
        let mut request = match &job.verbatim {
            Some(captured) => {
                let mut request = Request { headers: captured.headers.end_to_end(), ..captured.clone() };
                self.restore_credentials(job, &mut request);
                request
            }
            None => {
                let no_keys = Keys::default();
                let keys = self.keys.get(&job.provider.name).unwrap_or(&no_keys);
                // A scheme that signs the URL signs the one this attempt goes to.
                let with_url;
                let keys = if job.provider.scheme.needs_url() {
                    with_url = Keys { url: Some(url.to_string()), ..keys.clone() };
                    &with_url
                } else {
                    keys
                };
                let outgoing = Outgoing {
                    provider: &job.provider,
                    event: job.event(),
                    body: job.body.clone(),
                    content_type: job.content_type.as_deref(),
                    keys,
                    at: self.pinned_time.unwrap_or_else(crate::time::now),
                    id: Some(job.message_id.clone()),
                };
                let mut request = outgoing::build(outgoing, &mut fastrand::Rng::new())?.0;
                // The event id the receiver dedupes on stays the job's across its attempts and duplicates.
                if let (Some((name, _)), Some(id)) = (job.provider.event_id_header(), &job.event_id) {
                    request.headers.set(name, id.as_str());
                }
                request
            }
        };
        for (name, value) in &self.extra_headers {
            request.headers.set(name, value.as_str());
        }
        request.target = match url.query() {
            Some(query) => format!("{}?{query}", url.path()),
            None => url.path().to_owned(),
        };
        Ok(request)
    }

    /// Runs every job; returns the counts. The first error (a job that cannot be built) stops the run, and the
    /// deliveries under way with it.
    ///
    /// Jobs are made here, in order (and paced by `rate`); each delivery — signing, the request, its retries and
    /// its output — is a task of its own, so every worker thread takes part. At most `concurrency` run at once.
    ///
    /// Ctrl-C stops making jobs and starting retries; what is under way finishes and is counted (a second
    /// Ctrl-C gives up on it), and the summary says the run was interrupted.
    pub async fn run(&self, jobs: impl Stream<Item = Result<Job, Error>>) -> Result<Summary, Error> {
        let client = Client::new(&self.target, self.concurrency)?;
        let interrupt = Interrupt::catch().map_err(|e| Error::usage(format!("cannot catch Ctrl-C: {e}"), None))?;
        let this = Arc::new(self.clone());
        let lines = Arc::new(Lines::new(std::io::stdout().is_terminal()));
        let started = tokio::time::Instant::now();
        // Each job waits for the one before it with the same event id: order per id, parallel across ids.
        let mut chains: HashMap<(String, String), tokio::sync::watch::Receiver<bool>> = HashMap::new();
        // Each URL a run delivers to is said once, before its first delivery: the route appended to a bare
        // base is otherwise a guess.
        let mut urls = std::collections::HashSet::new();
        let under_way = std::cell::Cell::new(0usize);
        let mut index = 0u64;
        let stopping = interrupt.clone();
        let paced = jobs.take_until(Box::pin(async move { stopping.reached(Level::Stopping).await })).then(|job| {
            let due = self.rate.map(|rate| started + Duration::from_secs_f64(index as f64 / rate));
            index += 1;
            async move {
                if let Some(due) = due {
                    tokio::time::sleep_until(due).await;
                }
                job
            }
        });
        let results = paced
            .map(|job| {
                let job = match job {
                    Ok(job) => job,
                    Err(error) => return futures_util::future::Either::Left(std::future::ready(Err(error))),
                };
                let url = self.url(&job);
                if urls.insert(url.clone()) {
                    self.note(&format!("delivering to {}", sanitize(&shown(&url), false)));
                }
                // A scenario run's steps wait for each other, as do the events of one id with keep_order.
                let chain = match (&job.sequence, self.keep_order, &job.event_id) {
                    (Some(sequence), _, _) => Some((String::new(), sequence.clone())),
                    (None, true, Some(id)) => Some((job.provider().name.clone(), id.clone())),
                    _ => None,
                };
                let ordering = chain.map(|key| {
                    let (done, waiter) = tokio::sync::watch::channel(false);
                    (chains.insert(key, waiter), done)
                });
                let delay = job.delay.div_f64(self.time_scale);
                under_way.set(under_way.get() + 1);
                let (this, client, lines, interrupt) = (this.clone(), client.clone(), lines.clone(), interrupt.clone());
                futures_util::future::Either::Right(Delivery(tokio::spawn(async move {
                    let done = match ordering {
                        Some((previous, done)) => {
                            if let Some(mut previous) = previous {
                                let _ = previous.wait_for(|finished| *finished).await;
                            }
                            if !delay.is_zero() {
                                tokio::select! {
                                    () = tokio::time::sleep(delay) => {}
                                    () = interrupt.reached(Level::Stopping) => {}
                                }
                            }
                            Some(done)
                        }
                        None => None,
                    };
                    // Waiting for its turn is not being under way: after Ctrl-C it does not start.
                    let result = if interrupt.level() == Level::Running {
                        this.deliver(&client, job, url, &lines, &interrupt).await.map(Some)
                    } else {
                        Ok(None)
                    };
                    if let Some(done) = done {
                        let _ = done.send(true);
                    }
                    result
                })))
            })
            .buffer_unordered(self.concurrency);
        let mut results = std::pin::pin!(results);
        let mut summary = Summary::default();
        let mut told = false;
        loop {
            let next = match results.next().now_or_never() {
                Some(next) => next,
                // Nothing else is ready: a good moment to write what has gathered.
                None => {
                    lines.flush()?;
                    tokio::select! {
                        biased;
                        () = interrupt.reached(Level::Abandoning) => {
                            summary.abandoned = under_way.get();
                            break;
                        }
                        () = interrupt.reached(Level::Stopping), if !told => {
                            told = true;
                            let n = under_way.get();
                            self.note(&format!(
                                "interrupted: finishing the {n} {} under way (Ctrl-C again to abandon {})",
                                if n == 1 { "delivery" } else { "deliveries" },
                                if n == 1 { "it" } else { "them" },
                            ));
                            continue;
                        }
                        next = results.next() => next,
                    }
                }
            };
            let Some(result) = next else { break };
            under_way.set(under_way.get().saturating_sub(1));
            let delivered = match result {
                Ok(Some(delivered)) => delivered,
                Ok(None) => continue,
                Err(error) => {
                    // The error is what to report, whether or not the lines before it can be written.
                    let _ = lines.flush();
                    return Err(error);
                }
            };
            let last = delivered.attempts.last().expect("a delivery makes at least one attempt");
            summary.add(last, delivered.attempts.len());
            summary.retries_cut += usize::from(delivered.retries_cut);
            if let Some(file) = &self.report_file {
                file.delivery(&delivered.record())?;
            }
            if let Some(progress) = &self.progress {
                progress.inc(1);
            }
        }
        lines.flush()?;
        summary.interrupted = interrupt.level() > Level::Running;
        summary.elapsed = started.elapsed();
        Ok(summary)
    }

    /// A line on stderr, beside the progress bar if there is one.
    fn note(&self, text: &str) {
        match &self.progress {
            Some(progress) => progress.suspend(|| eprintln!("hookctl: {text}")),
            None => eprintln!("hookctl: {text}"),
        }
    }

    /// Delivers one job, retrying on its provider's schedule until an attempt succeeds, the schedule ends or
    /// Ctrl-C stops the run.
    async fn deliver(
        &self,
        client: &Client,
        job: Job,
        url: reqwest::Url,
        lines: &Lines,
        interrupt: &Interrupt,
    ) -> Result<Delivered, Error> {
        let retry = self.retry_plan(&job.provider);
        let timeout = self.timeout.or(job.provider.delivery.timeout).unwrap_or(Duration::from_secs(10));
        let first_start = Instant::now();
        let total = retry.attempts();
        let mut attempts = Vec::new();
        loop {
            let number = attempts.len() + 1;
            let request = self.request(&job, &url)?;
            let attempt = client.send(&url, &request, timeout).await;
            self.print(&job, &url, &request, &attempt, (number, total), lines)?;
            let last = is_last(&attempt, number, total);
            attempts.push(attempt);
            if last {
                return Ok(Delivered { job, url, attempts, retries_cut: false });
            }
            // The run writes gathered lines when it next waits for a delivery to end; this one is about to wait
            // (hours, on some schedules), so its attempt goes out now.
            lines.flush()?;
            let wait = retry.wait(number - 1, first_start);
            if !self.json && self.report == Report::EveryAttempt && interrupt.level() == Level::Running {
                let what = job.event_id.as_deref().unwrap_or("the delivery");
                let wait_text = humantime::format_duration(Duration::from_millis(wait.as_millis() as u64));
                eprintln!(
                    "hookctl: retrying {} in {wait_text} (attempt {}/{total})",
                    sanitize(what, false),
                    number + 1
                );
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = interrupt.reached(Level::Stopping) => {
                    return Ok(Delivered { job, url, attempts, retries_cut: true });
                }
            }
        }
    }

    fn print(
        &self,
        job: &Job,
        url: &reqwest::Url,
        request: &Request,
        attempt: &Attempt,
        (number, total): (usize, usize),
        lines: &Lines,
    ) -> Result<(), Error> {
        let last = is_last(attempt, number, total);
        let event = job.event().map(|e| e.name.as_str());
        let named = job.event_name();
        // Providers such as GitHub carry the event id in a header, known once the request is built.
        let header_id = job.provider.event_id(None, &request.headers);
        let event_id = job.event_id.as_ref().or(header_id.as_ref());
        let latency_ms = (attempt.latency.as_secs_f64() * 100_000.0).round() / 100.0;
        if self.json {
            let (status, response_body, error, hint) = match &attempt.result {
                Ok(answer) => (Some(answer.status), Some(String::from_utf8_lossy(&answer.body)), None, None),
                Err(failure) => (None, None, Some(failure.describe()), failure.hint(url)),
            };
            let mut line = serde_json::to_string(&DeliveryJson {
                kind: "delivery",
                source: job.label.as_deref(),
                provider: &job.provider.name,
                event,
                variant: job.variant.as_deref(),
                event_id,
                url: shown(url),
                attempt: number,
                last,
                ok: attempt.ok(),
                status,
                latency_ms,
                response_body,
                error,
                hint,
                request_headers: crate::provider::redact_credentials(&request.headers, Some(&job.provider)),
            })
            .map_err(|e| Error::Io(e.into()))?;
            line.push('\n');
            return lines.push(&line);
        }
        if self.report == Report::Failures && (attempt.ok() || !last) {
            return Ok(());
        }
        let style = &self.style;
        let label = job.label.as_deref().map(|l| format!("{} ", style.out(Role::Dim, l))).unwrap_or_default();
        let name = style.out(Role::Name, &sanitize(named.as_deref().unwrap_or("(custom body)"), false));
        let id = sanitize(event_id.map_or("-", String::as_str), false).into_owned();
        let tries = if total > 1 { format!("[{number}/{total}] ") } else { String::new() };
        let outcome = match &attempt.result {
            Ok(answer) => {
                let role = match answer.status {
                    200..=299 => Role::Ok,
                    300..=499 => Role::Warn,
                    _ => Role::Fail,
                };
                let reason =
                    reqwest::StatusCode::from_u16(answer.status).ok().and_then(|s| s.canonical_reason()).unwrap_or("");
                let status = style.out(role, &format!("{} {reason}", answer.status));
                // One line: an HTML error page's whitespace collapses to single spaces.
                let body = String::from_utf8_lossy(&answer.body).split_whitespace().collect::<Vec<_>>().join(" ");
                let mut body = sanitize(&body, false).into_owned();
                if body.chars().count() > 120 || answer.truncated {
                    body = body.chars().take(119).chain(['…']).collect();
                }
                format!("{status} {}  {body}", style.out(Role::Dim, &format!("{latency_ms}ms")))
            }
            Err(failure) => {
                let hint = failure.hint(url).map(|h| format!("  ({h})")).unwrap_or_default();
                style.out(Role::Fail, &format!("{}{hint}", failure.describe()))
            }
        };
        let line = format!("{tries}{label}{name} {id} → {outcome}");
        match &self.progress {
            Some(progress) => progress.suspend(|| output::print(&format!("{line}\n"))),
            None => lines.push(&format!("{line}\n")),
        }
    }
}

impl Delivered {
    /// The delivery's line in the `--report` file.
    fn record(&self) -> DeliveryRecord {
        let job = &self.job;
        let last = self.attempts.last().expect("a delivery makes at least one attempt");
        DeliveryRecord {
            kind: "delivery".into(),
            source: job.label.clone(),
            stored_id: job.stored_id,
            provider: job.provider.name.clone(),
            event: job.event().map(|e| e.name.clone()),
            variant: job.variant.clone(),
            event_id: job.event_id.clone(),
            url: shown(&self.url),
            attempts: self.attempts.iter().map(AttemptRecord::new).collect(),
            outcome: crate::report_file::outcome(last).into(),
            retries_cut: self.retries_cut,
        }
    }
}

/// Whether an attempt is a delivery's last: it succeeded, or the schedule has no more.
fn is_last(attempt: &Attempt, number: usize, total: usize) -> bool {
    attempt.ok() || number == total
}

/// A spawned delivery, aborted if dropped before it ends: a run that stops on an error sends nothing more.
struct Delivery(tokio::task::JoinHandle<Result<Option<Delivered>, Error>>);

impl Drop for Delivery {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::future::Future for Delivery {
    type Output = Result<Option<Delivered>, Error>;

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|joined| match joined {
            Ok(result) => result,
            Err(failed) => match failed.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                // Only a runtime shutting down cancels a delivery, and then nothing waits for this.
                Err(_) => Err(Error::usage("a delivery was cancelled", None)),
            },
        })
    }
}

/// Where attempt lines go. On a terminal each is written as it comes; otherwise they gather, and are written
/// whenever the run waits for a delivery to end and before a delivery waits to retry (or at 64 KiB), so that ten
/// thousand deliveries piped into a file are not ten thousand writes. Lines beside a progress bar bypass this.
struct Lines {
    gathered: std::sync::Mutex<String>,
    immediate: bool,
}

impl Lines {
    /// Flushed at this size even while deliveries keep finishing.
    const LIMIT: usize = 64 * 1024;

    fn new(immediate: bool) -> Self {
        Self { gathered: std::sync::Mutex::new(String::new()), immediate }
    }

    fn push(&self, line: &str) -> Result<(), Error> {
        if self.immediate {
            return output::print(line);
        }
        // Written under the lock, so lines keep the order they were pushed in (a slow reader of stdout holds up
        // the pushers meanwhile, as it would hold up direct writes).
        let mut gathered = self.gathered.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        gathered.push_str(line);
        if gathered.len() >= Self::LIMIT {
            output::print(&std::mem::take(&mut *gathered))?;
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), Error> {
        let mut gathered = self.gathered.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if gathered.is_empty() {
            return Ok(());
        }
        output::print(&std::mem::take(&mut *gathered))
    }
}

/// One attempt in `--json` output (a line per attempt, then a summary object).
#[derive(serde::Serialize)]
struct DeliveryJson<'a> {
    kind: &'static str,
    source: Option<&'a str>,
    provider: &'a str,
    event: Option<&'a str>,
    variant: Option<&'a str>,
    event_id: Option<&'a String>,
    url: String,
    attempt: usize,
    #[serde(rename = "final")]
    last: bool,
    ok: bool,
    status: Option<u16>,
    latency_ms: f64,
    response_body: Option<std::borrow::Cow<'a, str>>,
    error: Option<String>,
    hint: Option<String>,
    /// Credential headers (VerifyNow's `Authorization`) redacted.
    request_headers: crate::request::Headers,
}

/// A URL for output: a password in it is masked.
pub fn shown(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    if url.password().is_some() {
        let _ = url.set_password(Some("****"));
    }
    url.to_string()
}
