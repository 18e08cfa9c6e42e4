//! The `--report` file of a run: one JSON line per delivery, written as each one ends, then the summary.
//!
//! Streamed, so a run that is killed (or whose machine dies) leaves a valid prefix: every complete line is a
//! delivery that was made. `replay --failed-from` reads it back.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::deliver::Attempt;
use crate::error::Error;
use crate::summary::SummaryJson;

/// An open report. Each line goes out in one write, unbuffered: a run's slowest part is the network, and a
/// buffer would hold back exactly the lines a killed run needs.
pub struct ReportFile {
    file: std::fs::File,
    path: PathBuf,
}

/// One delivery: where it came from, what it was, every attempt, and how it ended.
#[derive(Debug, Serialize, Deserialize)]
pub struct DeliveryRecord {
    pub kind: String,
    /// `#12` for a stored event, the record of a file, or the fixture.
    pub source: Option<String>,
    /// The store's id, when the delivery was of a stored event (`replay --failed-from` selects by it).
    pub stored_id: Option<i64>,
    pub provider: String,
    pub event: Option<String>,
    pub variant: Option<String>,
    pub event_id: Option<String>,
    pub url: String,
    pub attempts: Vec<AttemptRecord>,
    /// `2xx`, `non-2xx` or `error`: how the last attempt ended.
    pub outcome: String,
    /// Retries were due but the run was interrupted first.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retries_cut: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AttemptRecord {
    pub status: Option<u16>,
    pub latency_ms: f64,
    pub error: Option<String>,
}

impl AttemptRecord {
    pub fn new(attempt: &Attempt) -> Self {
        let (status, error) = match &attempt.result {
            Ok(answer) => (Some(answer.status), None),
            Err(failure) => (None, Some(failure.describe())),
        };
        Self { status, latency_ms: crate::summary::millis(attempt.latency), error }
    }
}

/// The outcome word of a delivery's last attempt.
pub fn outcome(last: &Attempt) -> &'static str {
    match &last.result {
        Ok(_) if last.ok() => "2xx",
        Ok(_) => "non-2xx",
        Err(_) => "error",
    }
}

impl ReportFile {
    /// Creates the file (owner-only: it names events and their ids) before anything is sent, so a path that
    /// cannot be written fails the run at once rather than at its end.
    pub fn create(path: &Path) -> Result<Self, Error> {
        Ok(Self { file: crate::output::create_private(path)?, path: path.to_owned() })
    }

    pub fn delivery(&self, record: &DeliveryRecord) -> Result<(), Error> {
        self.line(record)
    }

    pub fn summary(&self, summary: &SummaryJson) -> Result<(), Error> {
        self.line(summary)
    }

    fn line(&self, value: &impl Serialize) -> Result<(), Error> {
        let mut line = serde_json::to_vec(value).map_err(|e| Error::Io(e.into()))?;
        line.push(b'\n');
        (&self.file).write_all(&line).map_err(|source| Error::Read { path: self.path.clone(), source })
    }
}

/// The deliveries of a report that did not get a 2xx, in the order they were made. A last line cut short (a
/// killed run) is left out; any other line that is not a report line is an error naming it.
pub fn failed(path: &Path) -> Result<Vec<DeliveryRecord>, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    let not_a_report = |number: usize, reason: String| {
        Error::usage(
            format!("{}: line {number} is not a replay report line: {reason}", path.display()),
            Some("--failed-from reads the file `hookctl replay --report FILE` wrote".into()),
        )
    };
    let lines: Vec<&str> = text.lines().collect();
    let mut failed = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let value: serde_json::Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(_) if index + 1 == lines.len() && !text.ends_with('\n') => break,
            Err(e) => return Err(not_a_report(index + 1, e.to_string())),
        };
        match value.get("kind").and_then(serde_json::Value::as_str) {
            Some("delivery") => {
                let record: DeliveryRecord =
                    serde_json::from_value(value).map_err(|e| not_a_report(index + 1, e.to_string()))?;
                if record.outcome != "2xx" {
                    failed.push(record);
                }
            }
            Some("summary") => {}
            _ => return Err(not_a_report(index + 1, "it has no \"kind\" of delivery or summary".into())),
        }
    }
    Ok(failed)
}
