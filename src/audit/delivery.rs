//! Valid deliveries: each chosen event answered 2xx in time (1), and a burst of them (14).

use super::{Builder, Expect, Kind, Probe, ProbeResult, Setup, Verdict};
use crate::error::Error;

pub fn valid(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        1,
        "valid-delivery",
        "a valid delivery of each chosen event",
        "real deliveries fail: the provider retries them and may disable the endpoint",
        "answer 2xx as soon as the signature is verified; do slow work after answering (a queue or a background job)",
    );
    for spec in builder.setup.events.clone() {
        let delivery = builder.render_spec(&spec)?;
        let request = builder.valid(&delivery)?;
        probe.steps.push(builder.step(format!("{spec}, signed"), &delivery, request, Expect::AcceptInTime));
    }
    Ok(probe)
}

pub fn burst(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let mut probe = Probe::new(
        14,
        "burst",
        "a burst of valid deliveries at once",
        "under load the endpoint errs or answers after the provider's deadline: deliveries fail and are retried",
        "answer before processing (enqueue the event), and size the server for the provider's concurrency",
    );
    probe.kind = Kind::Burst;
    let count = builder.setup.concurrency;
    if count < 2 {
        return Ok(probe.skip("--concurrency 1 makes no burst"));
    }
    for n in 1..=count {
        let delivery = builder.render()?;
        let request = builder.valid(&delivery)?;
        probe.steps.push(builder.step(format!("delivery {n} of {count}"), &delivery, request, Expect::Accept));
    }
    Ok(probe)
}

/// No request may fail, and the 99th percentile must be within the deadline.
pub fn judge_burst(setup: &Setup, result: &mut ProbeResult) {
    super::judge_steps(result);
    let mut latencies: Vec<u64> = result.requests.iter().map(|r| r.latency_ms).collect();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1];
    let (p50, p99) = (at(0.5), at(0.99));
    let deadline = setup.deadline.as_millis() as u64;
    let timing = format!("p50 {p50} ms, p99 {p99} ms, deadline {deadline} ms");
    result.detail = Some(match result.detail.take() {
        Some(detail) => format!("{timing}; {detail}"),
        None if p99 > deadline => {
            result.verdict = Verdict::Fail;
            format!("{timing}: the slowest answers come after the provider gives up")
        }
        None => timing,
    });
}
