//! `hookctl audit`: probes a webhook receiver the user owns with real signed — and deliberately mis-signed —
//! deliveries, and scores what it answered.
//!
//! The probes are planned first, as data (each a list of requests and what each answer must be), so
//! `--dry-run` lists exactly what a run sends and the request count is bounded before anything goes out. The
//! requests are built by the core (`outgoing`, the provider's scheme and fixtures) and sent by
//! `deliver::Client`; nothing in the core knows about the audit. One file per probe family; `scorecard` prints.

mod dedupe;
mod delivery;
mod forgery;
mod leaks;
mod raw_body;
mod resilience;
pub mod scorecard;
mod timestamps;

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::Url;
use serde_json::Value;

use crate::deliver::{Attempt, Client, Failure, Target};
use crate::error::Error;
use crate::outgoing::{self, Outgoing};
use crate::provider::{EventDef, Provider};
use crate::request::Request;
use crate::scheme::Keys;

/// No run sends more requests than this.
pub const MAX_REQUESTS: usize = 200;

/// What a run needs: the provider, its keys, where the endpoint is, and the knobs of the probes.
pub struct Setup {
    pub provider: Arc<Provider>,
    pub keys: Keys,
    pub target: Target,
    /// `EVENT[:VARIANT]` specs delivered by the probes (the first one by those that need a single event).
    pub events: Vec<String>,
    /// The provider's answer deadline (or `--timeout`).
    pub deadline: Duration,
    pub side_effect: Option<Url>,
    pub concurrency: usize,
}

impl Setup {
    /// How long a probe that does not judge the deadline waits before calling the endpoint hung.
    pub fn patience(&self) -> Duration {
        self.deadline.max(Duration::from_secs(10))
    }
}

/// A probe's or a request's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Skip,
    Pass,
    Warn,
    Fail,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Warn => "warn",
            Self::Fail => "fail",
            Self::Skip => "skip",
        }
    }
}

/// What one answer must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// 2xx within the provider's deadline.
    AcceptInTime,
    /// 2xx (the deadline probe judges time).
    Accept,
    /// 4xx: a 2xx means a forgery was accepted.
    Reject,
    /// 4xx; a 2xx is a weakness worth a warning, not a hole (a future timestamp: replays carry past ones).
    RejectPreferably,
    /// 2xx or 4xx, never 5xx or no answer.
    NoServerError,
    /// Anything but 2xx.
    NotAccepted,
}

impl Expect {
    pub fn describe(self) -> &'static str {
        match self {
            Self::AcceptInTime => "2xx within the deadline",
            Self::Accept => "2xx",
            Self::Reject | Self::RejectPreferably => "4xx",
            Self::NoServerError => "2xx or 4xx, never 5xx",
            Self::NotAccepted => "not 2xx",
        }
    }
}

/// One request of a probe.
pub struct Step {
    /// What was sent, in words: `wrong secret`.
    pub label: String,
    pub url: Url,
    pub request: Request,
    pub expect: Expect,
}

/// How a probe's requests are sent and judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One after another, each judged by its `Expect`.
    Sequential,
    /// One after another; with `--side-effect-url`, the app must have processed them once in all.
    Once,
    /// All at once (the burst): no 5xx, p99 within the deadline.
    Burst,
    /// No requests: judges the answers of every other probe (leaks).
    Answers,
}

/// One probe of the battery.
pub struct Probe {
    pub number: u8,
    pub id: &'static str,
    pub title: &'static str,
    pub kind: Kind,
    pub steps: Vec<Step>,
    /// Why the probe does not apply to this provider.
    pub skipped: Option<String>,
    /// A weakness of the provider's scheme the probe cannot fix, shown as a warning when nothing failed.
    pub caveat: Option<String>,
    /// What a failure means, and how to fix it.
    pub meaning: &'static str,
    pub fix: &'static str,
}

impl Probe {
    fn new(number: u8, id: &'static str, title: &'static str, meaning: &'static str, fix: &'static str) -> Self {
        Self { number, id, title, kind: Kind::Sequential, steps: Vec::new(), skipped: None, caveat: None, meaning, fix }
    }

    fn skip(mut self, why: impl Into<String>) -> Self {
        self.skipped = Some(why.into());
        self
    }
}

/// What came back for one request.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StepOutcome {
    pub label: String,
    pub method: String,
    pub bytes: usize,
    pub expected: &'static str,
    /// The status, or `None` when nothing came back.
    pub status: Option<u16>,
    pub latency_ms: u64,
    /// What went wrong, when the answer was not the expected one.
    pub problem: Option<String>,
    pub verdict: Verdict,
    /// The start of the answer body of a failed request (what came back), escaped for a terminal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered: Option<String>,
    #[serde(skip)]
    pub answer: Vec<u8>,
}

/// A probe's result: its verdict, each request's outcome, and for a failure what it means.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProbeResult {
    pub number: u8,
    pub id: &'static str,
    pub title: &'static str,
    pub verdict: Verdict,
    /// Why it failed, warned or was skipped, in one line.
    pub detail: Option<String>,
    pub meaning: Option<&'static str>,
    pub fix: Option<&'static str>,
    pub requests: Vec<StepOutcome>,
}

/// Builds the requests of the probes: fixtures rendered afresh (fresh ids) and signed at `now`.
pub struct Builder<'a> {
    pub setup: &'a Setup,
    pub rng: fastrand::Rng,
    pub now: DateTime<Utc>,
}

/// A valid delivery's parts, for probes that alter one.
pub struct Delivery<'a> {
    pub event: &'a EventDef,
    pub payload: Value,
    pub at: DateTime<Utc>,
    pub id: String,
}

impl<'a> Builder<'a> {
    pub fn provider(&self) -> &'a Provider {
        &self.setup.provider
    }

    /// The first chosen event rendered with fresh ids.
    pub fn render(&mut self) -> Result<Delivery<'a>, Error> {
        let spec = self.setup.events[0].clone();
        self.render_spec(&spec)
    }

    pub fn render_spec(&mut self, spec: &str) -> Result<Delivery<'a>, Error> {
        let provider = self.provider();
        let rendered = outgoing::Template::load(provider, spec)?.render(&[], self.now, &mut self.rng)?;
        let id = outgoing::message_id(provider, self.now, &mut self.rng)?;
        Ok(Delivery { event: rendered.event, payload: rendered.payload, at: self.now, id })
    }

    /// The body the provider sends for a delivery.
    pub fn body(&self, delivery: &Delivery<'_>) -> Bytes {
        self.provider().serialize_body(delivery.event, &delivery.payload).into()
    }

    /// `body` signed as the provider signs it, with `keys`, at the delivery's time and message id.
    pub fn sign(&mut self, delivery: &Delivery<'_>, body: Bytes, keys: &Keys) -> Result<Request, Error> {
        let provider = self.provider();
        // A scheme that signs the URL signs the one the probe goes to.
        let keys = &Keys { url: Some(self.url(delivery).to_string()), ..keys.clone() };
        let outgoing = Outgoing {
            provider,
            event: Some(delivery.event),
            body,
            content_type: delivery.event.body_format.content_type(),
            keys,
            at: delivery.at,
            id: Some(delivery.id.clone()),
        };
        let (mut request, _) = outgoing::build(outgoing, &mut self.rng)?;
        // A provider whose event id travels in a header of its own sends one per delivery.
        if let Some((name, _)) = provider.event_id_header()
            && let Some(id) = outgoing::header_event_id(provider, self.now, &mut self.rng)?
        {
            request.headers.set(name, id);
        }
        Ok(request)
    }

    /// The delivery as the provider sends it.
    pub fn valid(&mut self, delivery: &Delivery<'_>) -> Result<Request, Error> {
        let body = self.body(delivery);
        let keys = self.setup.keys.clone();
        self.sign(delivery, body, &keys)
    }

    pub fn url(&self, delivery: &Delivery<'_>) -> Url {
        self.setup.target.url(self.provider().route_for(Some(delivery.event)))
    }

    pub fn step(&self, label: impl Into<String>, delivery: &Delivery<'_>, request: Request, expect: Expect) -> Step {
        Step { label: label.into(), url: self.url(delivery), request, expect }
    }
}

/// Every probe, planned: requests built, inapplicable ones skipped with the reason.
pub fn plan(setup: &Setup) -> Result<Vec<Probe>, Error> {
    let mut builder = Builder { setup, rng: fastrand::Rng::new(), now: crate::time::now() };
    let mut probes = vec![delivery::valid(&mut builder)?];
    probes.extend(forgery::probes(&mut builder)?);
    probes.push(raw_body::probe(&mut builder)?);
    probes.push(timestamps::probe(&mut builder)?);
    probes.push(dedupe::probe(&mut builder)?);
    probes.push(resilience::unknown_event(&mut builder)?);
    probes.push(resilience::out_of_order(&mut builder)?);
    probes.push(forgery::rotation(&mut builder)?);
    probes.push(resilience::hostile_bodies(&mut builder)?);
    probes.push(resilience::methods(&mut builder)?);
    probes.push(leaks::probe());
    probes.push(delivery::burst(&mut builder)?);
    let count: usize = probes.iter().map(|p| p.steps.len()).sum();
    if count > MAX_REQUESTS {
        return Err(Error::usage(
            format!("this audit would send {count} requests; an audit sends at most {MAX_REQUESTS}"),
            Some("choose fewer --event or a lower --concurrency".into()),
        ));
    }
    Ok(probes)
}

/// Runs the planned probes in order, then the probes that judge the others' answers.
pub async fn run(setup: &Setup, probes: Vec<Probe>) -> Result<Vec<ProbeResult>, Error> {
    let client = Client::new(&setup.target, setup.concurrency)?;
    let mut results = Vec::with_capacity(probes.len());
    let mut deferred = Vec::new();
    for probe in probes {
        if probe.kind == Kind::Answers && probe.skipped.is_none() {
            deferred.push(probe);
            continue;
        }
        results.push(run_probe(setup, &client, probe).await);
    }
    for probe in deferred {
        let result = leaks::judge(setup, probe, &results);
        let at = results.iter().position(|r| r.number > result.number).unwrap_or(results.len());
        results.insert(at, result);
    }
    Ok(results)
}

async fn run_probe(setup: &Setup, client: &Client, probe: Probe) -> ProbeResult {
    let mut result = ProbeResult {
        number: probe.number,
        id: probe.id,
        title: probe.title,
        verdict: Verdict::Pass,
        detail: None,
        meaning: None,
        fix: None,
        requests: Vec::new(),
    };
    if let Some(why) = probe.skipped {
        result.verdict = Verdict::Skip;
        result.detail = Some(why);
        return result;
    }
    match probe.kind {
        Kind::Burst => {
            let sends = probe.steps.iter().map(|step| send(setup, client, step));
            result.requests = futures_util::future::join_all(sends).await;
            delivery::judge_burst(setup, &mut result);
        }
        Kind::Once if setup.side_effect.is_some() => {
            let before = dedupe::processed(setup, client).await;
            for step in &probe.steps {
                result.requests.push(send(setup, client, step).await);
            }
            let after = dedupe::processed_after(setup, client).await;
            judge_steps(&mut result);
            dedupe::judge(&mut result, before, after, probe.steps.len());
        }
        _ => {
            for step in &probe.steps {
                result.requests.push(send(setup, client, step).await);
            }
            judge_steps(&mut result);
        }
    }
    if result.verdict == Verdict::Pass
        && let Some(caveat) = probe.caveat
    {
        result.verdict = Verdict::Warn;
        result.detail = Some(caveat);
    }
    if result.verdict == Verdict::Fail {
        result.meaning = Some(probe.meaning);
        result.fix = Some(probe.fix);
    }
    result
}

/// The worst request decides; the first failing request's problem is the probe's detail.
fn judge_steps(result: &mut ProbeResult) {
    let worst = result.requests.iter().map(|r| r.verdict).max().unwrap_or(Verdict::Pass);
    result.verdict = worst;
    result.detail = result
        .requests
        .iter()
        .find(|r| r.verdict == worst && r.problem.is_some())
        .map(|r| format!("{}: {}", r.label, r.problem.as_deref().unwrap_or_default()));
}

async fn send(setup: &Setup, client: &Client, step: &Step) -> StepOutcome {
    let timeout = if step.expect == Expect::AcceptInTime { setup.deadline } else { setup.patience() };
    let started = Instant::now();
    let attempt = client.send(&step.url, &step.request, timeout).await;
    let latency = started.elapsed();
    judge(setup, step, &attempt, latency)
}

fn judge(setup: &Setup, step: &Step, attempt: &Attempt, latency: Duration) -> StepOutcome {
    let mut outcome = StepOutcome {
        label: step.label.clone(),
        method: step.request.method.clone(),
        bytes: step.request.body.len(),
        expected: step.expect.describe(),
        status: None,
        latency_ms: latency.as_millis() as u64,
        problem: None,
        verdict: Verdict::Pass,
        answered: None,
        answer: Vec::new(),
    };
    let answer = match &attempt.result {
        Ok(answer) => answer,
        Err(failure) => {
            outcome.verdict = Verdict::Fail;
            outcome.problem = Some(match (failure, step.expect) {
                (Failure::Timeout(t), Expect::AcceptInTime) => format!(
                    "no answer within {}, the provider's deadline: the provider counts it as failed and retries",
                    humantime::format_duration(*t)
                ),
                (Failure::Timeout(t), _) => {
                    format!("no answer within {}: the endpoint hangs", humantime::format_duration(*t))
                }
                (failure, _) => failure.describe(),
            });
            return outcome;
        }
    };
    let status = answer.status;
    outcome.status = Some(status);
    outcome.answer = answer.body.clone();
    let class = status / 100;
    let problem = match step.expect {
        Expect::AcceptInTime | Expect::Accept if class != 2 => Some(format!("answered {status}, expected 2xx")),
        Expect::AcceptInTime if latency > setup.deadline => Some(format!(
            "answered after {} ms, beyond the provider's deadline of {}",
            latency.as_millis(),
            humantime::format_duration(setup.deadline)
        )),
        Expect::Reject if class == 2 => Some(format!("answered {status}: the endpoint accepted it")),
        Expect::RejectPreferably if class == 2 => {
            outcome.verdict = Verdict::Warn;
            outcome.problem = Some(format!(
                "answered {status}: a timestamp from the future is accepted; a captured delivery's is in the past, \
                 so this is no replay hole, but the check is one-sided"
            ));
            return outcome;
        }
        Expect::Reject | Expect::RejectPreferably if class == 5 => {
            Some(format!("answered {status}: it crashed instead of rejecting"))
        }
        Expect::Reject | Expect::RejectPreferably if class != 4 => Some(format!("answered {status}, expected 4xx")),
        Expect::NoServerError if class != 2 && class != 4 => Some(format!("answered {status}, expected 2xx or 4xx")),
        Expect::NotAccepted if class == 2 => Some(format!("answered {status}: the method is accepted")),
        _ => None,
    };
    if let Some(problem) = problem {
        outcome.verdict = Verdict::Fail;
        outcome.problem = Some(problem);
        outcome.answered = excerpt(&answer.body);
    }
    outcome
}

/// The first line of an answer body, at most 120 characters, escaped.
fn excerpt(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let line = text.lines().find(|l| !l.trim().is_empty())?.trim();
    let mut shown: String = line.chars().take(120).collect();
    if shown.len() < line.len() {
        shown.push('…');
    }
    Some(crate::output::sanitize(&shown, false).into_owned())
}

/// The summary of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    pub requests: usize,
}

pub fn totals(results: &[ProbeResult]) -> Totals {
    let mut totals = Totals::default();
    for result in results {
        match result.verdict {
            Verdict::Pass => totals.pass += 1,
            Verdict::Warn => totals.warn += 1,
            Verdict::Fail => totals.fail += 1,
            Verdict::Skip => totals.skip += 1,
        }
        totals.requests += result.requests.len();
    }
    totals
}
