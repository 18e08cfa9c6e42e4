//! Counting deliveries and their latencies for the line at the end of a run.

use std::time::Duration;

use serde::Serialize;

use crate::deliver::Attempt;

/// The outcome of a run of deliveries (the last attempt of each counts).
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub sent: usize,
    pub ok: usize,
    pub non_2xx: usize,
    pub errors: usize,
    pub attempts: usize,
    /// Final statuses other than 2xx, by status.
    pub statuses: std::collections::BTreeMap<u16, usize>,
    /// How long the run took, for throughput.
    pub elapsed: Duration,
    /// Where the run's secrets and credentials came from (set by the command, for `--json`).
    pub keys: Vec<crate::keys::Origin>,
    /// The run was stopped by Ctrl-C before it had sent everything.
    pub interrupted: bool,
    /// Deliveries under way when a second Ctrl-C gave up on them: their outcome is unknown, so uncounted.
    pub abandoned: usize,
    /// Deliveries whose due retries an interruption cut short (counted with their last attempt).
    pub retries_cut: usize,
    /// Whether deliveries arrived in the order they were made (set by the command).
    pub order: Order,
    latencies: Vec<Duration>,
}

/// The order deliveries reach the receiver in.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Order {
    /// One at a time, in the order given (the store's, the file's, the catalog's).
    #[default]
    Kept,
    /// Overlapping, but events with the same provider event id one after another (`--keep-order`).
    PerEventId,
    /// Overlapping: a later event may arrive first.
    NotKept,
    Shuffled,
}

impl Order {
    /// What the summary says, when the order was not the one given.
    pub fn note(self) -> Option<&'static str> {
        match self {
            Self::Kept => None,
            Self::PerEventId => Some("order kept per event id only"),
            Self::NotKept => Some("order not kept"),
            Self::Shuffled => Some("shuffled"),
        }
    }
}

/// A duration in milliseconds, to the hundredth.
pub fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1000.0 * 100.0).round() / 100.0
}

#[derive(Debug, Serialize)]
pub struct SummaryJson {
    pub kind: &'static str,
    pub sent: usize,
    #[serde(rename = "2xx")]
    pub ok: usize,
    pub non_2xx: usize,
    pub errors: usize,
    pub attempts: usize,
    pub non_2xx_by_status: std::collections::BTreeMap<u16, usize>,
    pub p50_ms: Option<f64>,
    pub p90_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub elapsed_ms: f64,
    pub per_second: Option<f64>,
    pub order: Order,
    pub interrupted: bool,
    #[serde(skip_serializing_if = "is_zero")]
    pub abandoned: usize,
    #[serde(skip_serializing_if = "is_zero")]
    pub retries_cut: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<crate::keys::Origin>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Counts one delivery: its final attempt, after `attempts` tries.
    pub fn add(&mut self, last: &Attempt, attempts: usize) {
        self.sent += 1;
        self.attempts += attempts;
        match &last.result {
            Ok(_) if last.ok() => self.ok += 1,
            Ok(answer) => {
                self.non_2xx += 1;
                *self.statuses.entry(answer.status).or_default() += 1;
            }
            Err(_) => self.errors += 1,
        }
        if last.result.is_ok() {
            self.latencies.push(last.latency);
        }
    }

    pub fn all_ok(&self) -> bool {
        self.ok == self.sent
    }

    /// The latency at quantile `q` (0..=1), nearest rank; `None` with no answers.
    pub fn percentile(&mut self, q: f64) -> Option<Duration> {
        if self.latencies.is_empty() {
            return None;
        }
        self.latencies.sort_unstable();
        let rank = (q * self.latencies.len() as f64).ceil() as usize;
        Some(self.latencies[rank.clamp(1, self.latencies.len()) - 1])
    }

    pub fn to_json(&mut self) -> SummaryJson {
        let ms = millis;
        SummaryJson {
            kind: "summary",
            sent: self.sent,
            ok: self.ok,
            non_2xx: self.non_2xx,
            errors: self.errors,
            attempts: self.attempts,
            non_2xx_by_status: self.statuses.clone(),
            p50_ms: self.percentile(0.5).map(ms),
            p90_ms: self.percentile(0.9).map(ms),
            p99_ms: self.percentile(0.99).map(ms),
            elapsed_ms: ms(self.elapsed),
            per_second: (!self.elapsed.is_zero())
                .then(|| (self.sent as f64 / self.elapsed.as_secs_f64() * 10.0).round() / 10.0),
            order: self.order,
            interrupted: self.interrupted,
            abandoned: self.abandoned,
            retries_cut: self.retries_cut,
            keys: self.keys.clone(),
        }
    }

    /// `sent 3 · 2xx 2 · non-2xx 1 · errors 0 · p50 1.2ms · p99 3.4ms`
    pub fn line(&mut self) -> String {
        let json = self.to_json();
        let latency = |label: &str, v: Option<f64>| v.map(|v| format!(" · {label} {v}ms")).unwrap_or_default();
        let retries = if json.attempts > json.sent { format!(" · attempts {}", json.attempts) } else { String::new() };
        let order = self.order.note().map(|note| format!(" · {note}")).unwrap_or_default();
        format!(
            "sent {} · 2xx {} · non-2xx {} · errors {}{retries}{}{}{order}{}",
            json.sent,
            json.ok,
            json.non_2xx,
            json.errors,
            latency("p50", json.p50_ms),
            latency("p99", json.p99_ms),
            self.interruption().map(|text| format!(" · {text}")).unwrap_or_default()
        )
    }

    /// `interrupted: 2 abandoned under way, retries cut for 1`, for a run stopped by Ctrl-C.
    pub fn interruption(&self) -> Option<String> {
        if !self.interrupted {
            return None;
        }
        let mut text = "interrupted".to_owned();
        let mut parts = Vec::new();
        if self.abandoned > 0 {
            parts.push(format!("{} abandoned under way", self.abandoned));
        }
        if self.retries_cut > 0 {
            parts.push(format!("retries cut for {}", self.retries_cut));
        }
        if !parts.is_empty() {
            text = format!("{text}: {}", parts.join(", "));
        }
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deliver::{Answer, Failure};

    fn attempt(status: Option<u16>, ms: u64) -> Attempt {
        Attempt {
            result: status
                .map(|status| Answer {
                    status,
                    content_type: None,
                    body: Vec::new(),
                    truncated: false,
                    headers: Default::default(),
                })
                .ok_or(Failure::Refused),
            latency: Duration::from_millis(ms),
        }
    }

    #[test]
    fn counts_and_percentiles() {
        let mut summary = Summary::default();
        for ms in 1..=100 {
            summary.add(&attempt(Some(200), ms), 1);
        }
        summary.add(&attempt(Some(500), 1000), 3);
        summary.add(&attempt(None, 0), 1);
        assert_eq!(
            (summary.sent, summary.ok, summary.non_2xx, summary.errors, summary.attempts),
            (102, 100, 1, 1, 104)
        );
        assert_eq!(summary.percentile(0.5), Some(Duration::from_millis(51)));
        assert_eq!(summary.percentile(0.99), Some(Duration::from_millis(100)));
        assert!(!summary.all_ok());
        assert_eq!(summary.line(), "sent 102 · 2xx 100 · non-2xx 1 · errors 1 · attempts 104 · p50 51ms · p99 100ms");
    }
}
