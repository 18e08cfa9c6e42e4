//! A full verdict on one request: signature, timestamp, credentials, payload schema, and a diagnosis of a
//! failure. Shared by `verify` and, per event, `listen`.

use serde::Serialize;
use serde_json::Value;

use crate::provider::Provider;
use crate::request::Request;
use crate::schema::{EventSchema, Violation};
use crate::scheme::{self, Candidate, Diagnosis, Keys, Outcome, Verdict};

/// What the payload looks like against the provider's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum PayloadCheck {
    Valid {
        event: String,
    },
    Invalid {
        event: String,
        violations: Vec<Violation>,
    },
    /// The payload names an event the catalog does not have.
    UnknownEvent {
        event: String,
    },
    /// No event type could be found in the payload or headers.
    Untyped,
    NotJson {
        reason: String,
    },
}

impl PayloadCheck {
    pub fn is_invalid(&self) -> bool {
        matches!(self, Self::Invalid { .. } | Self::NotJson { .. })
    }
}

#[derive(Debug, Clone)]
pub struct Inspection {
    pub verdict: Verdict,
    pub payload: PayloadCheck,
    pub event_id: Option<String>,
    pub diagnosis: Diagnosis,
    /// Weaknesses of the scheme itself, worth saying even when the request is valid.
    pub notes: Vec<String>,
}

/// Checks `request` as `provider`'s, at `now`; on a failure, tries `others` and the usual alterations.
pub fn inspect(request: &Request, provider: &Provider, keys: &Keys, now: i64, others: &[Candidate<'_>]) -> Inspection {
    let verdict = scheme::verify(request, &provider.scheme, keys, now);
    let needs_diagnosis =
        matches!(verdict.outcome, Outcome::Mismatch | Outcome::MissingSignature { .. } | Outcome::Malformed { .. });
    let diagnosis = if needs_diagnosis {
        scheme::diagnose(request, &provider.name, &provider.scheme, keys, now, others)
    } else {
        Diagnosis::default()
    };
    let parsed: Result<Value, String> = serde_json::from_slice(&request.body).map_err(|e| e.to_string());
    let payload = payload_check(provider, request, parsed.as_ref());
    let event_id = provider.event_id(parsed.as_ref().ok(), &request.headers);
    Inspection { verdict, payload, event_id, diagnosis, notes: notes(provider) }
}

fn payload_check(provider: &Provider, request: &Request, parsed: Result<&Value, &String>) -> PayloadCheck {
    let payload = match parsed {
        Ok(value) => value,
        Err(reason) => return PayloadCheck::NotJson { reason: reason.clone() },
    };
    let Some(event) = provider.event_type(Some(payload), &request.headers) else { return PayloadCheck::Untyped };
    let Some(def) = provider.events.iter().find(|e| e.name == event) else {
        return PayloadCheck::UnknownEvent { event };
    };
    match EventSchema::load(provider, def) {
        Ok(schema) => match schema.validate(payload) {
            violations if violations.is_empty() => PayloadCheck::Valid { event },
            violations => PayloadCheck::Invalid { event, violations },
        },
        Err(error) => PayloadCheck::Invalid {
            event,
            violations: vec![Violation { path: String::new(), message: format!("the schema cannot be used: {error}") }],
        },
    }
}

fn notes(provider: &Provider) -> Vec<String> {
    let scheme = &provider.scheme;
    let mut notes = Vec::new();
    if !scheme.is_signed() {
        notes.push(format!(
            "{} signs nothing: anyone who knows the URL can send this; only HTTPS and a hard-to-guess URL protect it",
            provider.name
        ));
    } else if scheme.timestamp.is_some() && !scheme.timestamp_signed() {
        notes.push(format!(
            "{}'s timestamp is not covered by the signature: a captured request can be replayed with a fresh timestamp",
            provider.name
        ));
    }
    notes
}
