//! A full verdict on one request: signature, timestamp, credentials, payload schema, and a diagnosis of a
//! failure. Shared by `verify` and, per event, `listen`.

use serde::Serialize;

use crate::body::{BodyFormat, Parsed, Unreadable};
use crate::content_encoding::{self, DecodeError};
use crate::form;
use crate::provider::Provider;
use crate::request::Request;
use crate::schema::{SchemaCache, Violation};
use crate::scheme::{self, Candidate, Check, CheckStatus, Diagnosis, Finding, Keys, Outcome, Verdict};

/// Bodies over this size are checked for their signature only.
const MAX_VALIDATED_BODY: usize = 16 * 1024 * 1024;

/// The most a compressed body read from a file or import may decode to; the listener uses its --max-body.
pub const MAX_DECODED_BODY: usize = 64 * 1024 * 1024;

/// What the payload looks like against the provider's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum PayloadCheck {
    Valid {
        event: String,
        /// Constraints hookctl infers that the payload breaks: said, never the verdict.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<Violation>,
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
    /// A form body whose JSON field (Slack's `payload`) does not parse.
    BadForm {
        reason: String,
    },
    /// Not validated: the body is too large to parse.
    Unchecked {
        reason: String,
    },
    /// A handshake without a body (Dropbox's GET `?challenge=`, Asana's `X-Hook-Secret`): nothing to validate.
    Handshake {
        event: String,
    },
}

impl PayloadCheck {
    pub fn is_invalid(&self) -> bool {
        matches!(self, Self::Invalid { .. } | Self::NotJson { .. } | Self::BadForm { .. })
    }

    /// A stable name for JSON and the store.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Valid { .. } => "valid",
            Self::Invalid { .. } => "invalid",
            Self::UnknownEvent { .. } => "unknown-event",
            Self::Untyped => "untyped",
            Self::NotJson { .. } => "not-json",
            Self::BadForm { .. } => "bad-form",
            Self::Unchecked { .. } => "unchecked",
            Self::Handshake { .. } => "handshake",
        }
    }

    /// The event type, when the payload names one.
    pub fn event(&self) -> Option<&str> {
        match self {
            Self::Valid { event, .. }
            | Self::Invalid { event, .. }
            | Self::UnknownEvent { event }
            | Self::Handshake { event } => Some(event),
            Self::Untyped | Self::NotJson { .. } | Self::BadForm { .. } | Self::Unchecked { .. } => None,
        }
    }

    /// One line: what matched, or the first violation.
    pub fn detail(&self) -> String {
        match self {
            Self::Valid { event, warnings } if warnings.is_empty() => format!("matches the {event} schema"),
            Self::Valid { event, warnings } => format!("matches the {event} schema; {}", warning_line(warnings)),
            Self::Invalid { violations, .. } => {
                violations.first().map(|v| format!("{} {}", v.path_or_root(), v.message)).unwrap_or_default()
            }
            Self::UnknownEvent { event } => format!("`{event}` is not in the catalog"),
            Self::Untyped => "no event type found".into(),
            Self::NotJson { reason } => format!("not JSON: {reason}"),
            Self::BadForm { reason } => format!("bad form body: {reason}"),
            Self::Unchecked { reason } => format!("not validated: {reason}"),
            Self::Handshake { event } => format!("the {event} handshake (no body)"),
        }
    }
}

/// `/data/pay_address does not look like an XRP address (+1 more)`.
pub fn warning_line(warnings: &[crate::schema::Violation]) -> String {
    let first = warnings.first().map(|w| format!("{} {}", w.path_or_root(), w.message));
    let more = warnings.len().saturating_sub(1);
    let more = if more > 0 { format!(" (+{more} more)") } else { String::new() };
    format!("{}{more}", first.unwrap_or_default())
}

/// A stable name for an outcome, shared by `verify --json`, the listener and the store.
pub fn verdict_code(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Valid => "valid",
        Outcome::Unsigned => "unsigned",
        Outcome::TimestampOutside { age, .. } if *age < 0 => "future",
        Outcome::TimestampOutside { .. } => "stale",
        Outcome::NoSecret => "unchecked",
        Outcome::UrlUnknown => "url-unknown",
        Outcome::Undecodable { .. } => "undecodable",
        Outcome::MissingSignature { .. } => "missing-signature",
        Outcome::Malformed { .. } => "malformed",
        Outcome::Mismatch => "mismatch",
        Outcome::CredentialMissing { .. } => "credential-missing",
        Outcome::CredentialMismatch { .. } => "credential-mismatch",
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
    /// The `Content-Encoding` the body was decoded from before it was checked (`gzip`), when it was.
    pub decoded: Option<String>,
}

/// What `inspect` needs besides the request.
pub struct Context<'a> {
    pub keys: &'a Keys,
    /// Unix seconds to judge timestamps at.
    pub now: i64,
    /// Other schemes to try when this one fails; diagnosis is skipped for bodies over `diagnose_limit` bytes.
    pub others: &'a [Provider],
    pub diagnose_limit: usize,
    pub schemas: &'a SchemaCache,
    /// The most a compressed body may decode to (the listener's --max-body): a decompression bomb stops here.
    pub max_decoded: usize,
}

impl Inspection {
    /// The verdict and, for a failure, the first reason the diagnosis found.
    pub fn signature_detail(&self) -> String {
        let mut outcome = self.verdict.outcome.describe();
        // During a rotation, which secret signed is what the person rotating wants to see.
        if let Some((index, of)) = self.verdict.secret_matched {
            outcome.push_str(&format!(" with the {} of {of} secrets", scheme::ordinal(index)));
        }
        let decoded = self.decoded.as_ref().map(|coding| format!(" (body decoded from {coding})")).unwrap_or_default();
        match self.diagnosis.findings.first() {
            Some(finding) => format!("{outcome}{decoded}: {}", finding.message),
            None => format!("{outcome}{decoded}"),
        }
    }
}

/// Checks `request` as `provider`'s; on a failure, tries the other schemes and the usual alterations. A body
/// with a `Content-Encoding` is checked decoded (providers sign before they compress).
pub fn inspect(request: &Request, provider: &Provider, ctx: &Context<'_>) -> Inspection {
    if let Some(inspection) = bodiless_handshake(request, provider) {
        return inspection;
    }
    let (keys, now) = (ctx.keys, ctx.now);
    // Only a request that names a coding pays for this.
    let (decoded, undecodable) = match content_encoding::decode(&request.headers, &request.body, ctx.max_decoded) {
        Ok(decoded) => (decoded, None),
        Err(error) => (None, Some(error)),
    };
    let owned;
    let checked = match &decoded {
        Some(found) => {
            owned = Request { body: found.body.clone(), ..request.clone() };
            &owned
        }
        None => request,
    };
    let mut verdict = scheme::verify(checked, &provider.scheme, keys, now);
    if let Some(found) = &decoded {
        verdict.checks.insert(0, Check::new("body", CheckStatus::Pass, found.describe()));
    }
    if let Some(error) = &undecodable {
        return undecodable_inspection(request, provider, verdict, error);
    }
    let mut diagnosis = Diagnosis::default();

    // Parsed once, before any diagnosis: the payload says which other providers are worth naming. Only a
    // provider that sends forms reads the Content-Type: a JSON provider's path stays a JSON parse.
    let content_type = provider.takes_forms().then(|| checked.headers.get("content-type")).flatten();
    let parsed: Option<Result<Parsed, Unreadable>> =
        (checked.body.len() <= MAX_VALIDATED_BODY).then(|| provider.parse_body(&checked.body, content_type));
    let payload_value = parsed.as_ref().and_then(|p| p.as_ref().ok()).map(|p| &p.value);

    let needs_diagnosis = checked.body.len() <= ctx.diagnose_limit
        && matches!(verdict.outcome, Outcome::Mismatch | Outcome::MissingSignature { .. } | Outcome::Malformed { .. });
    if needs_diagnosis {
        // Only a failure pays for the list of other schemes to try; those the route or the payload point to
        // come first.
        let mut others: Vec<&Provider> = ctx.others.iter().collect();
        others.sort_by_key(|p| {
            !(p.routes.iter().any(|r| r == checked.path()) || p.names_own_event(payload_value, &checked.headers))
        });
        let others: Vec<Candidate<'_>> =
            others.iter().map(|p| Candidate { name: &p.name, scheme: &p.scheme }).collect();
        diagnosis = scheme::diagnose(checked, &provider.name, &provider.scheme, keys, now, &others);
        if let Some(found) = &decoded
            && matches!(verdict.outcome, Outcome::Mismatch)
            && scheme::verify(request, &provider.scheme, keys, now).outcome.signature_matched()
        {
            let message = format!(
                "the signature matches the body as sent ({}-compressed), not the decoded body: the sender signed \
                 after compressing, where {} signs before",
                found.label(),
                provider.name
            );
            diagnosis = Diagnosis {
                findings: vec![Finding { code: "signed-compressed-body", message }],
                ruled_out: Vec::new(),
            };
        }
    }
    let decoded = decoded.map(|found| found.label());
    // A payload this large is no provider's; parsing it would cost a copy of the body and more in memory.
    let Some(parsed) = parsed else {
        let reason = format!("{} MiB is more than the 16 MiB hookctl validates", checked.body.len() / (1024 * 1024));
        let event_id = provider.event_id(None, &request.headers);
        return Inspection {
            verdict,
            payload: PayloadCheck::Unchecked { reason },
            event_id,
            diagnosis,
            notes: notes(provider),
            decoded,
        };
    };
    let payload = payload_check(provider, checked, parsed.as_ref(), ctx.schemas);
    let event_id = provider.event_id(parsed.as_ref().ok().map(|p| &p.value), &request.headers);
    let mut notes = notes(provider);
    if let Ok(Parsed { format: BodyFormat::Form, .. }) = &parsed
        && let Some(declared) = content_type.filter(|c| !form::is_form_content_type(c))
    {
        notes.push(format!(
            "the body is form-encoded but Content-Type says {}: a receiver that reads the body by its Content-Type \
             (Slack's Bolt, Express, Flask) will not find its fields",
            crate::output::sanitize(&String::from_utf8_lossy(declared), false)
        ));
    }
    Inspection { verdict, payload, event_id, diagnosis, notes, decoded }
}

/// Dropbox's GET `?challenge=` and Asana's `X-Hook-Secret` POST come before any secret is in use and carry no
/// signature: the request is the handshake, unsigned by design, and has no payload to check.
fn bodiless_handshake(request: &Request, provider: &Provider) -> Option<Inspection> {
    let handshake = provider.handshake.as_ref().filter(|h| h.bodiless())?;
    handshake.challenge_of(request)?;
    let name = match handshake.event.as_str() {
        "handshake" => "handshake".to_owned(),
        event => format!("{event} handshake"),
    };
    let detail = format!("{}'s {name} is not signed; a correct app answers its challenge", provider.title);
    Some(Inspection {
        verdict: Verdict {
            outcome: Outcome::Unsigned,
            checks: vec![Check::new("signature", CheckStatus::Skip, detail)],
            timestamp: None,
            secret_matched: None,
        },
        payload: PayloadCheck::Handshake { event: handshake.event.clone() },
        event_id: None,
        diagnosis: Diagnosis::default(),
        notes: Vec::new(),
        decoded: None,
    })
}

/// A body that claims a coding it does not decode from: its own verdict, never a word about the secret.
fn undecodable_inspection(request: &Request, provider: &Provider, verdict: Verdict, error: &DecodeError) -> Inspection {
    let reason = error.to_string();
    // `verdict` is the check of the bytes as sent: when it passes, the label is what is wrong, not the body.
    let cause = if verdict.outcome.signature_matched() {
        "the signature does match the bytes as sent, so they were labelled with a coding they never had"
    } else {
        "the body was damaged or mislabelled on its way"
    };
    let message = format!(
        "{reason}: the signature covers the decoded body, so it cannot be checked and says nothing about the \
         secret; {cause}"
    );
    Inspection {
        verdict: Verdict {
            outcome: Outcome::Undecodable { coding: error.coding(), reason: reason.clone() },
            checks: vec![Check::new("body", CheckStatus::Fail, reason)],
            timestamp: verdict.timestamp,
            secret_matched: None,
        },
        payload: PayloadCheck::Unchecked { reason: "the body could not be decoded".into() },
        event_id: provider.event_id(None, &request.headers),
        diagnosis: Diagnosis { findings: vec![Finding { code: "undecodable-body", message }], ruled_out: Vec::new() },
        notes: notes(provider),
        decoded: None,
    }
}

fn payload_check(
    provider: &Provider,
    request: &Request,
    parsed: Result<&Parsed, &Unreadable>,
    schemas: &SchemaCache,
) -> PayloadCheck {
    let (payload, format) = match parsed {
        Ok(Parsed { value, format }) => (value, *format),
        Err(Unreadable::NotJson(reason)) => return PayloadCheck::NotJson { reason: reason.clone() },
        Err(Unreadable::BadForm(reason)) => return PayloadCheck::BadForm { reason: reason.clone() },
    };
    let Some(event) = provider.event_type(Some(payload), &request.headers) else { return PayloadCheck::Untyped };
    let Some(def) = provider.events.iter().find(|e| e.name == event) else {
        return PayloadCheck::UnknownEvent { event };
    };
    if def.body_format != format {
        let message = format!(
            "{} sends {event} {}; this body is {}",
            provider.name,
            def.body_format.describe(),
            format.describe()
        );
        return PayloadCheck::Invalid { event, violations: vec![Violation { path: String::new(), message }] };
    }
    match schemas.get(provider, def) {
        Ok(schema) => match schema.check(payload) {
            checked if checked.violations.is_empty() => PayloadCheck::Valid { event, warnings: checked.warnings },
            checked => PayloadCheck::Invalid { event, violations: checked.violations },
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
