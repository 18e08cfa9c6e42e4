//! The check of a request's signature, timestamp and credentials against a scheme.

use std::time::Duration;

use subtle::ConstantTimeEq;

use super::{Part, Scheme, Signed, TimestampSpec};
use crate::request::Request;
use crate::scheme::Keys;

/// The overall result, most serious first when several checks fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Signature matches, timestamp (if any) within tolerance, credentials match.
    Valid,
    /// Signature matches but the timestamp is outside the tolerance; `age` is negative for a future timestamp.
    TimestampOutside {
        age: i64,
        tolerance: Duration,
    },
    /// The provider does not sign its deliveries.
    Unsigned,
    /// A signature could not be checked because no secret was given.
    NoSecret,
    /// The signature covers the URL the provider delivered to, and neither the request nor `--url` says
    /// what it was: nothing can be said of the secret.
    UrlUnknown,
    /// The body claims a `Content-Encoding` it does not decode from (or decodes past the size limit): the
    /// signed bytes cannot be recovered, so nothing can be said of the secret.
    Undecodable {
        coding: String,
        reason: String,
    },
    /// None of the header names the scheme accepts is present.
    MissingSignature {
        header: String,
    },
    /// A header is present but not in the scheme's layout.
    Malformed {
        header: String,
        reason: String,
    },
    /// The signature is well-formed but no candidate matches.
    Mismatch,
    /// A credential header (VerifyNow's `Authorization`) is absent or wrong.
    CredentialMissing {
        name: String,
        header: String,
    },
    CredentialMismatch {
        name: String,
        header: String,
    },
}

impl Outcome {
    /// Whether the request is authentic: a valid signature in time, or a provider that signs nothing.
    pub fn is_valid(&self) -> bool {
        matches!(self, Self::Valid | Self::Unsigned)
    }

    /// Whether the signature matched, whatever the timestamp's age: the request was signed with this secret.
    pub fn signature_matched(&self) -> bool {
        matches!(self, Self::Valid | Self::TimestampOutside { .. })
    }

    /// A short phrase for one-line output.
    pub fn describe(&self) -> String {
        match self {
            Self::Valid => "valid".into(),
            Self::TimestampOutside { age, tolerance } if *age < 0 => {
                format!("timestamp {}s in the future (tolerance {}s)", -age, tolerance.as_secs())
            }
            Self::TimestampOutside { age, tolerance } => {
                format!("timestamp {age}s old (tolerance {}s)", tolerance.as_secs())
            }
            Self::Unsigned => "unsigned: the provider sends this request without a signature".into(),
            Self::NoSecret => "not checked: no secret given".into(),
            Self::UrlUnknown => {
                "not checked: the signature covers the URL the provider delivered to, and the request does not \
                 say which (no absolute target or Host header; pass --url URL)"
                    .into()
            }
            Self::Undecodable { reason, .. } => format!("not checked: {reason}"),
            Self::MissingSignature { header } => format!("no `{header}` header"),
            Self::Malformed { header, reason } => format!("malformed `{header}`: {reason}"),
            Self::Mismatch => "signature mismatch".into(),
            Self::CredentialMissing { header, .. } => format!("no `{header}` credential header"),
            Self::CredentialMismatch { name, header } => format!("`{header}` carries the wrong {name}"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Fail,
    Skip,
    Warn,
}

/// One line of a verdict: what was checked and how it went.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    pub name: String,
    pub status: CheckStatus,
    pub detail: String,
}

impl Check {
    pub(crate) fn new(name: &str, status: CheckStatus, detail: impl Into<String>) -> Self {
        Self { name: name.into(), status, detail: detail.into() }
    }
}

/// The outcome and every check that led to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub checks: Vec<Check>,
    /// The timestamp the request carries (unix seconds), when the scheme has one and it parsed.
    pub timestamp: Option<i64>,
    /// Which of the secrets given matched (1-based) and of how many, when more than one was given.
    pub secret_matched: Option<(usize, usize)>,
}

/// Checks `request` against `scheme` with `keys`, judging the timestamp as of `now` (unix seconds).
///
/// Signatures are compared in constant time (`subtle::ConstantTimeEq`) against every candidate in the header;
/// only the candidate count and lengths, which are public, affect timing.
pub fn verify(request: &Request, scheme: &Scheme, keys: &Keys, now: i64) -> Verdict {
    let mut checks = Vec::new();
    let mut secret_matched = None;
    let mut outcome = signature_outcome(request, scheme, keys, now, &mut checks, &mut secret_matched);
    let credential = credential_outcome(request, scheme, keys, &mut checks);
    if let Some(failure) = credential
        && (outcome.is_valid() || matches!(outcome, Outcome::TimestampOutside { .. } | Outcome::NoSecret))
    {
        outcome = failure;
    }
    let timestamp = read_timestamp(request, scheme).ok().flatten();
    Verdict { outcome, checks, timestamp, secret_matched }
}

/// The signature's outcome; `matched` is set to which secret matched (1-based) of how many, when several were
/// given.
fn signature_outcome(
    request: &Request,
    scheme: &Scheme,
    keys: &Keys,
    now: i64,
    checks: &mut Vec<Check>,
    matched: &mut Option<(usize, usize)>,
) -> Outcome {
    if !scheme.is_signed() {
        checks.push(Check::new("signature", CheckStatus::Warn, "the provider does not sign its deliveries"));
        return Outcome::Unsigned;
    }
    // Sumsub names each request's algorithm in a header: the check uses the one named.
    let named;
    let scheme = match &scheme.algorithm_header {
        None => scheme,
        Some(spec) => match spec.read(request) {
            Ok(algorithm) => {
                named = Scheme { algorithm, ..scheme.clone() };
                &named
            }
            Err(reason) => {
                checks.push(Check::new(
                    "signature",
                    CheckStatus::Fail,
                    format!("malformed `{}`: {reason}", spec.header),
                ));
                return Outcome::Malformed { header: spec.header.clone(), reason };
            }
        },
    };
    let Materials { header, signatures, timestamp: timestamp_text, id, urls } = match materials(request, scheme, keys) {
        Ok(found) => found,
        Err((outcome, check)) => {
            checks.push(check);
            return outcome;
        }
    };
    if scheme.algorithm == super::Algorithm::Token {
        return token_outcome(&header, &signatures, keys, checks, matched);
    }
    // A signature of another length is not this algorithm's: malformed, not a mismatch to blame on the secret.
    let candidates: Vec<Vec<u8>> = signatures
        .iter()
        .filter_map(|s| scheme.encoding.decode(s))
        .filter(|c| scheme.algorithm.well_formed(c))
        .collect();
    if candidates.is_empty() {
        let first = signatures.first().map_or("", String::as_str);
        let reason = format!("expected {}, found {}", scheme.expected_signature(), scheme.describe_signature(first));
        checks.push(Check::new("signature", CheckStatus::Fail, format!("malformed `{header}`: {reason}")));
        return Outcome::Malformed { header, reason };
    }

    if keys.secret.is_none() {
        // Without a secret the rest still tells something: the header's format (checked above) and the
        // timestamp's age, which a receiver would reject whatever the signature.
        let detail =
            if scheme.is_asymmetric() { "not checked: no public key given" } else { "not checked: no secret given" };
        checks.push(Check::new("signature", CheckStatus::Skip, detail));
        if let Some(spec) = &scheme.timestamp {
            judge_timestamp(&timestamp_text, spec, scheme.timestamp_signed(), now, checks);
        }
        return Outcome::NoSecret;
    }
    if urls.is_empty() {
        let detail = Outcome::UrlUnknown.describe();
        checks.push(Check::new("signature", CheckStatus::Skip, detail));
        return Outcome::UrlUnknown;
    }
    // Every secret is tried (a rotation holds several), over every URL the request may have been sent to; the
    // first that matches is named.
    let mut key_error = None;
    let mut found = None;
    let given = keys.secrets().count();
    'secrets: for (index, secret) in keys.secrets().enumerate() {
        match Checker::new(scheme, secret) {
            Ok(checker) => {
                for url in &urls {
                    let signed =
                        Signed { request, body: &request.body, timestamp: &timestamp_text, id: &id, url: &url.url };
                    if checker.matches(scheme, &candidates, &signed) {
                        found = Some((index + 1, url));
                        break 'secrets;
                    }
                }
            }
            Err(error) => key_error = key_error.or(Some(error)),
        }
    }
    let Some((index, url)) = found else {
        let detail = match key_error {
            Some(error) if given == 1 => error.to_string(),
            _ if scheme.is_asymmetric() => {
                let by =
                    if given == 1 { "the public key".to_owned() } else { format!("any of the {given} public keys") };
                let which = match candidates.len() {
                    1 => format!("the {} signature in `{header}` does not verify", scheme.algorithm),
                    count => format!("none of the {count} {} signatures in `{header}` verifies", scheme.algorithm),
                };
                format!("{which} with {by}: another key made it, or it covers other bytes than these")
            }
            _ => {
                let by = if given == 1 { "the secret".to_owned() } else { format!("any of the {given} secrets") };
                let over = match urls.as_slice() {
                    _ if !scheme.needs_url() => String::new(),
                    [] => String::new(),
                    [url] => format!(" over {url}"),
                    [first, ..] => format!(" over {first} or {} other URLs", urls.len() - 1),
                };
                match candidates.len() {
                    1 => format!("{} in `{header}` does not match {by}{over}", scheme.algorithm),
                    count => format!("none of the {count} signatures in `{header}` matches {by}{over}"),
                }
            }
        };
        checks.push(Check::new("signature", CheckStatus::Fail, detail));
        return Outcome::Mismatch;
    };
    if given > 1 {
        *matched = Some((index, given));
    }
    let noun = if scheme.is_asymmetric() { "public keys" } else { "secrets" };
    let which = if given > 1 { format!(", the {} of {given} {noun}", ordinal(index)) } else { String::new() };
    let over = if scheme.needs_url() { format!(" over {url}") } else { String::new() };
    let matches = if scheme.is_asymmetric() { "verifies with the public key" } else { "matches" };
    checks.push(Check::new(
        "signature",
        CheckStatus::Pass,
        format!("{} {matches} ({header}){which}{over}", scheme.algorithm),
    ));
    // Twilio signs a JSON body through its digest in the signed URL: the digest must be the body's.
    if let Some(param) = &scheme.body_digest
        && let Some(claimed) = query_param(&url.url, param)
    {
        use sha2::Digest as _;
        let actual = hex::encode(sha2::Sha256::digest(&request.body));
        if !claimed.eq_ignore_ascii_case(&actual) {
            let detail = format!(
                "the body's SHA-256 is not the `{param}` the signed URL carries: the body changed after signing"
            );
            checks.push(Check::new("body digest", CheckStatus::Fail, detail));
            return Outcome::Mismatch;
        }
        checks.push(Check::new("body digest", CheckStatus::Pass, format!("the body's SHA-256 is the URL's `{param}`")));
    }

    // Mailgun signs two fields of its body, not the rest of it.
    if scheme.content.uses_fields() && !scheme.content.uses(&Part::Body) {
        let detail = format!(
            "the signature covers only {} of the body: the rest of it can be changed without the signature failing",
            scheme.content
        );
        checks.push(Check::new("coverage", CheckStatus::Warn, detail));
    }
    let Some(spec) = &scheme.timestamp else { return Outcome::Valid };
    judge_timestamp(&timestamp_text, spec, scheme.timestamp_signed(), now, checks).unwrap_or(Outcome::Valid)
}

/// What a shared token in the header says: whether it equals one of the secrets (compared in constant time),
/// with a warning that it is no signature. A token redacted when stored cannot be compared.
fn token_outcome(
    header: &str,
    tokens: &[String],
    keys: &Keys,
    checks: &mut Vec<Check>,
    matched: &mut Option<(usize, usize)>,
) -> Outcome {
    const WEAK: &str = "a shared token compared for equality, not a signature: it covers neither the body nor a \
                        timestamp, so anyone who sees one delivery can send any other";
    if tokens.iter().any(|t| t.as_bytes() == crate::request::REDACTED) {
        checks.push(Check::new(
            "signature",
            CheckStatus::Skip,
            format!("`{header}` not checkable (redacted when stored)"),
        ));
        return Outcome::NoSecret;
    }
    if keys.secret.is_none() {
        checks.push(Check::new("signature", CheckStatus::Skip, "not checked: no secret given"));
        checks.push(Check::new("scheme", CheckStatus::Warn, WEAK));
        return Outcome::NoSecret;
    }
    let given = keys.secrets().count();
    // Every secret against every token, OR-ed: the timing does not tell which (or how much of one) matched.
    let mut found = None;
    for (index, secret) in keys.secrets().enumerate() {
        let candidates: Vec<Vec<u8>> = tokens.iter().map(|t| t.as_bytes().to_vec()).collect();
        if any_matches(&candidates, secret.expose().as_bytes()) && found.is_none() {
            found = Some(index + 1);
        }
    }
    let outcome = match found {
        Some(index) => {
            if given > 1 {
                *matched = Some((index, given));
            }
            checks.push(Check::new("signature", CheckStatus::Pass, format!("`{header}` equals the shared token")));
            Outcome::Valid
        }
        None => {
            let by = if given == 1 { "the secret".to_owned() } else { format!("any of the {given} secrets") };
            checks.push(Check::new("signature", CheckStatus::Fail, format!("`{header}` does not equal {by}")));
            Outcome::Mismatch
        }
    };
    checks.push(Check::new("scheme", CheckStatus::Warn, WEAK));
    outcome
}

/// `1st`, `2nd`, `3rd`, `4th`, … for "the 2nd of 2 secrets".
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The timestamp's check: its age against the tolerance. Returns the outcome when it is outside.
fn judge_timestamp(
    text: &str,
    spec: &TimestampSpec,
    signed: bool,
    now: i64,
    checks: &mut Vec<Check>,
) -> Option<Outcome> {
    let at = parse_timestamp(text, spec).unwrap_or_default();
    let age = now.saturating_sub(at);
    let tolerance = spec.tolerance;
    let signed = if signed { "" } else { "; not covered by the signature" };
    if age.unsigned_abs() > tolerance.as_secs() {
        let outcome = Outcome::TimestampOutside { age, tolerance };
        checks.push(Check::new("timestamp", CheckStatus::Fail, format!("{}{signed}", outcome.describe())));
        return Some(outcome);
    }
    let status = if signed.is_empty() { CheckStatus::Pass } else { CheckStatus::Warn };
    checks.push(Check::new("timestamp", status, format!("{age}s old, within {}s{signed}", tolerance.as_secs())));
    None
}

/// What a signature check reads from a request: the header it found, the signatures in it (still encoded),
/// and the timestamp and message id text the signature covers.
pub(super) struct Materials {
    pub header: String,
    pub signatures: Vec<String>,
    pub timestamp: String,
    pub id: String,
    /// The URLs the provider may have delivered to, for a scheme that signs the URL (one empty one for a
    /// scheme that does not); none when the URL is unknown.
    pub urls: Vec<SignedUrl>,
}

/// The first value of a query parameter of `url`, decoded.
fn query_param(url: &str, name: &str) -> Option<String> {
    let (_, query) = url.split_once('?')?;
    let query = query.split('#').next().unwrap_or_default();
    form_urlencoded::parse(query.as_bytes()).find(|(n, _)| n == name).map(|(_, v)| v.into_owned())
}

/// A URL a signature may cover, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SignedUrl {
    pub url: String,
    pub from: &'static str,
}

impl std::fmt::Display for SignedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", crate::output::sanitize(&self.url, false), self.from)
    }
}

/// The URLs a request may have been delivered to: `--url`; else its target when absolute (a proxy's request
/// line); else its `Host` header and target, over https and then http (the scheme is not in the request).
pub(super) fn signed_urls(request: &Request, scheme: &Scheme, keys: &Keys) -> Vec<SignedUrl> {
    if !scheme.needs_url() {
        return vec![SignedUrl { url: String::new(), from: "" }];
    }
    if let Some(url) = &keys.url {
        return vec![SignedUrl { url: url.clone(), from: "--url" }];
    }
    let target = &request.target;
    if target.starts_with("https://") || target.starts_with("http://") {
        return vec![SignedUrl { url: target.clone(), from: "the request line" }];
    }
    match request.headers.get_str("host").map(str::trim).filter(|h| !h.is_empty() && !h.contains(['/', ' '])) {
        Some(host) => ["https", "http"]
            .into_iter()
            .map(|proto| SignedUrl { url: format!("{proto}://{host}{target}"), from: "the Host header" })
            .collect(),
        None => Vec::new(),
    }
}

/// Reads the signature materials, or the outcome (and failed check) that stops the check before any MAC.
pub(super) fn materials(request: &Request, scheme: &Scheme, keys: &Keys) -> Result<Materials, (Outcome, Check)> {
    if let Some(pointer) = &scheme.signature_field {
        return field_materials(request, scheme, keys, pointer);
    }
    let Some((header, raw)) = request.headers.find(scheme.signature_headers()) else {
        let check = Check::new("signature", CheckStatus::Fail, format!("no `{}` header", scheme.header));
        return Err((Outcome::MissingSignature { header: scheme.header.clone() }, check));
    };
    let header = header.to_owned();
    let malformed = |reason: String| {
        let check = Check::new("signature", CheckStatus::Fail, format!("malformed `{header}`: {reason}"));
        (Outcome::Malformed { header: header.clone(), reason }, check)
    };
    let value = std::str::from_utf8(raw).map_err(|_| malformed("the value is not UTF-8".into()))?;
    let parsed = scheme.layout.parse(value).map_err(malformed)?;

    // The timestamp travels in its own header or inside the signature header.
    let timestamp = match &scheme.timestamp {
        None => String::new(),
        Some(spec) => timestamp_text(request, spec, parsed.timestamp.as_deref()).map_err(|reason| {
            let check = Check::new("timestamp", CheckStatus::Fail, reason.clone());
            (Outcome::Malformed { header: spec.header.clone().unwrap_or_else(|| header.clone()), reason }, check)
        })?,
    };
    let id = match &scheme.message_id {
        Some(spec) if scheme.content.uses(&Part::Id) => {
            let names = std::iter::once(spec.header.as_str()).chain(spec.aliases.iter().map(String::as_str));
            match request.headers.find(names).and_then(|(_, v)| std::str::from_utf8(v).ok()) {
                Some(id) => id.to_owned(),
                None => {
                    let reason = format!("no `{}` header, which the signature covers", spec.header);
                    let check = Check::new("message id", CheckStatus::Fail, reason.clone());
                    return Err((Outcome::Malformed { header: spec.header.clone(), reason }, check));
                }
            }
        }
        _ => String::new(),
    };
    Ok(Materials { header, signatures: parsed.signatures, timestamp, id, urls: signed_urls(request, scheme, keys) })
}

/// The materials of a scheme whose signature and timestamp are fields of the JSON body (Mailgun).
fn field_materials(
    request: &Request,
    scheme: &Scheme,
    keys: &Keys,
    pointer: &str,
) -> Result<Materials, (Outcome, Check)> {
    let place = format!("body field {pointer}");
    let missing = || {
        let check = Check::new("signature", CheckStatus::Fail, format!("no signature in the {place}"));
        (Outcome::MissingSignature { header: place.clone() }, check)
    };
    let json: serde_json::Value = serde_json::from_slice(&request.body).map_err(|_| missing())?;
    let signature = super::body_field(&json, pointer).ok_or_else(missing)?;
    let timestamp = match &scheme.timestamp {
        None => String::new(),
        Some(spec) => timestamp_text(request, spec, None).map_err(|reason| {
            let check = Check::new("timestamp", CheckStatus::Fail, reason.clone());
            (Outcome::Malformed { header: place.clone(), reason }, check)
        })?,
    };
    Ok(Materials {
        header: place,
        signatures: vec![signature],
        timestamp,
        id: String::new(),
        urls: signed_urls(request, scheme, keys),
    })
}

/// What checks a signature for one secret: the MAC its key bytes give, or the public key it is or holds.
pub(super) enum Checker {
    Mac(Vec<u8>),
    Public(super::PublicKey),
}

impl Checker {
    pub(super) fn new(scheme: &Scheme, secret: &crate::secret::Secret) -> Result<Self, super::SchemeError> {
        if scheme.is_asymmetric() {
            return Ok(Self::Public(scheme.read_key(secret)?.public()));
        }
        scheme.key_bytes(secret).map(Self::Mac)
    }

    /// Whether any of `candidates` (decoded signatures) is the signature of `signed`.
    pub(super) fn matches(&self, scheme: &Scheme, candidates: &[Vec<u8>], signed: &Signed<'_>) -> bool {
        match self {
            Self::Mac(key) => any_matches(candidates, &scheme.mac(key, signed)),
            Self::Public(public) => {
                let message = scheme.message(signed);
                candidates.iter().any(|candidate| public.verify(&message, candidate).is_ok())
            }
        }
    }
}

/// Whether any candidate equals `expected`, in constant time for equal lengths: every candidate is compared
/// and the results are OR-ed, so timing does not reveal which one (or how much of one) matched.
pub(super) fn any_matches(candidates: &[Vec<u8>], expected: &[u8]) -> bool {
    candidates.iter().fold(0u8, |acc, candidate| acc | u8::from(bool::from(candidate.ct_eq(expected)))) == 1
}

fn timestamp_text(request: &Request, spec: &TimestampSpec, in_signature: Option<&str>) -> Result<String, String> {
    let text = match (&spec.header, &spec.field) {
        (None, Some(pointer)) => serde_json::from_slice::<serde_json::Value>(&request.body)
            .ok()
            .and_then(|json| super::body_field(&json, pointer))
            .ok_or_else(|| format!("no timestamp in the body field {pointer}"))?,
        (None, None) => in_signature.ok_or("no timestamp in the signature header")?.to_owned(),
        (Some(header), _) => {
            let names = std::iter::once(header.as_str()).chain(spec.aliases.iter().map(String::as_str));
            let (_, value) = request.headers.find(names).ok_or_else(|| format!("no `{header}` header"))?;
            std::str::from_utf8(value).map_err(|_| format!("`{header}` is not UTF-8"))?.trim().to_owned()
        }
    };
    let kind = if spec.rfc3339 { "an RFC 3339 time" } else { "a unix time" };
    parse_timestamp(&text, spec).ok_or_else(|| {
        let shown: String = text.chars().take(40).collect();
        format!("timestamp `{}` is not {kind}", crate::output::sanitize(&shown, false))
    })?;
    Ok(text)
}

/// A timestamp as unix seconds: a unix number (seconds or milliseconds), or RFC 3339 text.
fn parse_timestamp(text: &str, spec: &TimestampSpec) -> Option<i64> {
    if spec.rfc3339 {
        return chrono::DateTime::parse_from_rfc3339(text).ok().map(|t| t.timestamp());
    }
    let value: i64 = text.parse().ok()?;
    Some(if spec.millis { value.div_euclid(1000) } else { value })
}

/// The request's timestamp in unix seconds, if the scheme has one and the request carries it.
pub(crate) fn read_timestamp(request: &Request, scheme: &Scheme) -> Result<Option<i64>, String> {
    let Some(spec) = &scheme.timestamp else { return Ok(None) };
    let in_signature = match spec.header {
        Some(_) => None,
        None if spec.field.is_some() => None,
        None => request
            .headers
            .find(scheme.signature_headers())
            .and_then(|(_, v)| std::str::from_utf8(v).ok())
            .and_then(|v| scheme.layout.parse(v).ok())
            .and_then(|p| p.timestamp),
    };
    let text = timestamp_text(request, spec, in_signature.as_deref())?;
    Ok(parse_timestamp(&text, spec))
}

fn credential_outcome(request: &Request, scheme: &Scheme, keys: &Keys, checks: &mut Vec<Check>) -> Option<Outcome> {
    let mut failure = None;
    for spec in &scheme.credentials {
        let name = format!("credential {}", spec.name);
        let Some(found) = request.headers.get(&spec.header) else {
            checks.push(Check::new(&name, CheckStatus::Fail, format!("no `{}` header", spec.header)));
            failure.get_or_insert(Outcome::CredentialMissing { name: spec.name.clone(), header: spec.header.clone() });
            continue;
        };
        // A stored or exported request had its credential replaced: nothing is left to compare.
        if found == crate::request::REDACTED {
            let detail = format!("`{}` not checkable (redacted when stored)", spec.header);
            checks.push(Check::new(&name, CheckStatus::Skip, detail));
            continue;
        }
        let Some(expected) = keys.credential(&spec.name) else {
            checks.push(Check::new(&name, CheckStatus::Skip, format!("present; no {} given to compare", spec.name)));
            continue;
        };
        if bool::from(found.ct_eq(spec.render(expected).as_bytes())) {
            checks.push(Check::new(&name, CheckStatus::Pass, format!("`{}` matches", spec.header)));
        } else {
            checks.push(Check::new(&name, CheckStatus::Fail, format!("`{}` does not match", spec.header)));
            failure.get_or_insert(Outcome::CredentialMismatch { name: spec.name.clone(), header: spec.header.clone() });
        }
    }
    failure
}
