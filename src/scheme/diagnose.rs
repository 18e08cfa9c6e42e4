//! Why a signature fails: try the alterations that commonly happen between a signer and a verifier (SPEC §4)
//! and name the one that makes the signature match. When none does, say what was ruled out, so a wrong secret
//! is reported as a mismatch and nothing else.

use serde::Serialize;

use super::causes;
use super::verify::{Materials, any_matches, materials};
use super::{Algorithm, Encoding, KeyEncoding, Keys, Scheme, Signed, verify};
use crate::request::Request;
use crate::secret::Secret;

/// The alteration that explains a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// A stable name for scripts and tests: `trailing-newline-added`, `key-not-base64-decoded`, …
    pub code: &'static str,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    /// What was tried without a match, when nothing explains the failure.
    pub ruled_out: Vec<String>,
}

/// Another provider's scheme to try when this one fails.
pub struct Candidate<'a> {
    pub name: &'a str,
    pub scheme: &'a Scheme,
}

/// Explains a failed verdict of `request` under `scheme` (named `provider`).
pub fn diagnose(
    request: &Request,
    provider: &str,
    scheme: &Scheme,
    keys: &Keys,
    now: i64,
    others: &[Candidate<'_>],
) -> Diagnosis {
    let mut diagnosis = Diagnosis::default();
    // A shared token is equal or not: no alteration of the request explains a wrong one.
    if scheme.algorithm == Algorithm::Token {
        return diagnosis;
    }
    // The algorithm a request names (Sumsub) is the one its alterations are tried under.
    let named;
    let scheme = match scheme.algorithm_header.as_ref().map(|spec| spec.read(request)) {
        Some(Ok(algorithm)) => {
            named = Scheme { algorithm, ..scheme.clone() };
            &named
        }
        _ => scheme,
    };
    let found = materials(request, scheme, keys).ok();
    // Body and key alterations cannot make a signature of the wrong length or encoding match; its encoding or
    // algorithm can.
    let well_formed = found.as_ref().is_some_and(|found| {
        found
            .signatures
            .iter()
            .filter_map(|s| scheme.encoding.decode(s))
            .any(|s| s.len() == scheme.algorithm.output_len())
    });
    if let Some(secret) = &keys.secret {
        if let Some(found) = &found {
            let tried = Tried { scheme, materials: found, request };
            let ruled_out = [
                if well_formed {
                    body_alterations(&tried, scheme, secret, &mut diagnosis.findings)
                } else {
                    Vec::new()
                },
                if well_formed {
                    key_alterations(&tried, provider, scheme, secret, &mut diagnosis.findings)
                } else {
                    Vec::new()
                },
                encoding_alterations(&tried, provider, scheme, secret, &mut diagnosis.findings),
            ];
            if diagnosis.findings.is_empty() {
                diagnosis.ruled_out.extend(ruled_out.into_iter().flatten());
            }
        }
        // Our own signature in another form, or under another provider's header name, is a mix-up of ours, not
        // another provider's signature.
        if diagnosis.findings.is_empty()
            && let Some(finding) = causes::layout_mix_up(request, provider, scheme, keys, now)
                .or_else(|| causes::header_mix_up(request, provider, scheme, keys, now, others))
        {
            diagnosis.ruled_out.clear();
            diagnosis.findings.push(finding);
        }
        if diagnosis.findings.is_empty() {
            other_providers(request, provider, scheme, keys, now, others, &mut diagnosis);
        }
    }
    // What is seen without a secret: a header not in the scheme's form, a well-formed signature over a body
    // that was cut short.
    if diagnosis.findings.is_empty() {
        let cause = match well_formed {
            false => causes::malformed(request, provider, scheme),
            true => causes::truncated(request),
        };
        if let Some(finding) = cause {
            diagnosis.ruled_out.clear();
            diagnosis.findings.push(finding);
        }
    }
    diagnosis
}

struct Tried<'a> {
    scheme: &'a Scheme,
    materials: &'a Materials,
    request: &'a Request,
}

impl Tried<'_> {
    /// Whether the header's signatures match `body` under `key`, `algorithm` and `encoding`.
    fn matches(&self, body: &[u8], key: &[u8], algorithm: Algorithm, encoding: Encoding) -> bool {
        let candidates: Vec<Vec<u8>> = self.materials.signatures.iter().filter_map(|s| encoding.decode(s)).collect();
        let scheme = Scheme { algorithm, ..self.scheme.clone() };
        let url = self.materials.urls.first().map_or("", |u| u.url.as_str());
        let signed =
            Signed { request: self.request, body, timestamp: &self.materials.timestamp, id: &self.materials.id, url };
        let expected = scheme.mac(key, &signed);
        !candidates.is_empty() && any_matches(&candidates, &expected)
    }

    fn matches_body(&self, body: &[u8], key: &[u8]) -> bool {
        self.matches(body, key, self.scheme.algorithm, self.scheme.encoding)
    }
}

/// Bodies larger than this are not re-hashed once per alteration.
const MAX_ALTERED_BODY: usize = 16 * 1024 * 1024;

fn body_alterations(tried: &Tried<'_>, scheme: &Scheme, secret: &Secret, findings: &mut Vec<Finding>) -> Vec<String> {
    let Ok(key) = scheme.key_bytes(secret) else { return Vec::new() };
    let body = &tried.request.body;
    if body.len() > MAX_ALTERED_BODY {
        return vec!["body alterations (the body is too large to try them)".into()];
    }
    for (code, message, original) in altered_bodies(body) {
        if tried.matches_body(&original, &key) {
            findings.push(Finding { code, message });
            return Vec::new();
        }
    }
    vec![
        "a trailing newline added or removed".into(),
        "CRLF/LF line endings".into(),
        "JSON re-serialised (compact, pretty, sorted keys, Python-style spacing)".into(),
        "a change of charset (UTF-8/Latin-1) or a byte-order mark".into(),
    ]
}

/// Candidate originals of a received body: what it may have been when it was signed.
fn altered_bodies(body: &[u8]) -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    if let Some(stripped) = body.strip_suffix(b"\r\n") {
        out.push(("trailing-newline-added", "the body gained a trailing CRLF after signing".into(), stripped.to_vec()));
    } else if let Some(stripped) = body.strip_suffix(b"\n") {
        out.push((
            "trailing-newline-added",
            "the body gained a trailing newline after signing".into(),
            stripped.to_vec(),
        ));
    }
    out.push((
        "trailing-newline-removed",
        "the body lost its trailing newline after signing".into(),
        [body, b"\n"].concat(),
    ));
    if contains(body, b"\r\n") {
        let lf = replace(body, b"\r\n", b"\n");
        out.push(("crlf", "the body's line endings were changed from LF to CRLF after signing".into(), lf));
    } else if body.contains(&b'\n') {
        let crlf = replace(body, b"\n", b"\r\n");
        out.push(("crlf", "the body's line endings were changed from CRLF to LF after signing".into(), crlf));
    }
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        let sorted = sort_keys(&value);
        let forms = [
            ("compact JSON", compact(&value)),
            ("pretty-printed JSON", pretty(&value, b"  ")),
            ("pretty-printed JSON (4 spaces)", pretty(&value, b"    ")),
            ("JSON with Python's `, ` and `: ` spacing", python_style(&value)),
            ("compact JSON with sorted keys", compact(&sorted)),
            ("pretty-printed JSON with sorted keys", pretty(&sorted, b"  ")),
        ];
        for (form, bytes) in forms {
            if bytes != body {
                let message = format!(
                    "the JSON was re-serialised after signing: the signature matches the same data as {form}, so \
                     something parsed and re-wrote the body; verify the raw bytes as received"
                );
                out.push(("json-reserialised", message, bytes));
            }
        }
    }
    match std::str::from_utf8(body) {
        Ok(text) if !text.is_ascii() => {
            if let Some(latin1) = text.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect::<Option<Vec<u8>>>() {
                let message = "the body was re-encoded: it was signed as Latin-1 bytes and arrived as UTF-8".into();
                out.push(("charset", message, latin1));
            }
        }
        Err(_) => {
            let utf8: String = body.iter().map(|&b| char::from(b)).collect();
            let message = "the body was re-encoded: it was signed as UTF-8 and arrived as Latin-1 bytes".into();
            out.push(("charset", message, utf8.into_bytes()));
        }
        Ok(_) => {}
    }
    if let Some(stripped) = body.strip_prefix(b"\xEF\xBB\xBF") {
        out.push(("byte-order-mark", "a UTF-8 byte-order mark was added before the body".into(), stripped.to_vec()));
    }
    out
}

fn key_alterations(
    tried: &Tried<'_>,
    provider: &str,
    scheme: &Scheme,
    secret: &Secret,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let text = secret.expose();
    let prefix = scheme.key_prefix.as_deref().unwrap_or("whsec_");
    let unprefixed = text.strip_prefix(prefix).unwrap_or(text);
    let mut keys: Vec<(&'static str, String, Vec<u8>)> = Vec::new();
    match scheme.key {
        KeyEncoding::Base64 => {
            keys.push((
                "key-not-base64-decoded",
                format!("the secret was used as text when signing, but {provider} base64-decodes it"),
                unprefixed.as_bytes().to_vec(),
            ));
            if scheme.key_prefix.is_some() && unprefixed.len() != text.len() {
                keys.push((
                    "key-prefix-kept",
                    format!("the signer used the whole secret, `{prefix}` prefix included, as text"),
                    text.as_bytes().to_vec(),
                ));
            }
        }
        KeyEncoding::Raw => {
            if let Some(decoded) = super::mac::decode_base64(unprefixed) {
                keys.push((
                    "key-base64-decoded",
                    format!("the secret was base64-decoded when signing, but {provider} uses it as text"),
                    decoded,
                ));
            }
            if unprefixed.len() != text.len() {
                keys.push((
                    "key-prefix-stripped",
                    format!("the signer dropped the `{prefix}` prefix from the secret; {provider} keeps it"),
                    unprefixed.as_bytes().to_vec(),
                ));
            } else {
                keys.push((
                    "key-prefix-added",
                    format!("the signer's secret starts with `{prefix}`, which the secret you gave lacks"),
                    format!("{prefix}{text}").into_bytes(),
                ));
            }
        }
    }
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        if let Ok(key) = scheme.key_bytes(&Secret::new(trimmed)) {
            let message = "the secret you gave has whitespace around it; without it the signature matches".into();
            keys.push(("secret-whitespace", message, key));
        }
    } else if let Ok(key) = scheme.key_bytes(&Secret::new(format!("{text}\n"))) {
        let message = "the signer's secret ended with a newline (read from a file without trimming?)".into();
        keys.push(("secret-whitespace", message, key));
    }
    for (code, message, key) in keys {
        if tried.matches_body(&tried.request.body, &key) {
            findings.push(Finding { code, message });
            return Vec::new();
        }
    }
    vec![
        "the secret used as text or base64-decoded".into(),
        format!("the `{prefix}` prefix kept or dropped"),
        "whitespace around the secret".into(),
    ]
}

fn encoding_alterations(
    tried: &Tried<'_>,
    provider: &str,
    scheme: &Scheme,
    secret: &Secret,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let Ok(key) = scheme.key_bytes(secret) else { return Vec::new() };
    let body = &tried.request.body;
    for algorithm in [Algorithm::HmacSha256, Algorithm::HmacSha1, Algorithm::HmacSha512] {
        for encoding in [Encoding::Hex, Encoding::Base64] {
            if (algorithm, encoding) == (scheme.algorithm, scheme.encoding)
                || !tried.matches(body, &key, algorithm, encoding)
            {
                continue;
            }
            let (code, message) = if algorithm == scheme.algorithm {
                (
                    "encoding",
                    format!("the signature is written in {encoding}, but {provider} writes {}", scheme.encoding),
                )
            } else if encoding == scheme.encoding {
                ("algorithm", format!("the signature is {algorithm}, but {provider} uses {}", scheme.algorithm))
            } else {
                (
                    "algorithm",
                    format!(
                        "the signature is {algorithm} in {encoding}, but {provider} uses {} in {}",
                        scheme.algorithm, scheme.encoding
                    ),
                )
            };
            findings.push(Finding { code, message });
            return Vec::new();
        }
    }
    vec!["hex/base64 encoding".into(), "HMAC-SHA1/SHA256/SHA512".into()]
}

fn other_providers(
    request: &Request,
    provider: &str,
    scheme: &Scheme,
    keys: &Keys,
    now: i64,
    others: &[Candidate<'_>],
    diagnosis: &mut Diagnosis,
) {
    let ours = request.headers.find(scheme.signature_headers()).map(|(name, v)| (name, v.to_vec()));
    // A scheme that signs exactly as ours does (ComplyCube's and Payvost's are one HMAC of the body under two
    // header names) matching says nothing about who signed: naming it would be a guess.
    let distinct = |other: &&Candidate<'_>| {
        other.name != provider && other.scheme.is_signed() && !signs_alike(other.scheme, scheme)
    };
    for other in others.iter().filter(distinct) {
        // Their header as sent, or their scheme's layout found in our header.
        let mut found = verify(request, other.scheme, keys, now).outcome.signature_matched().then_some(None);
        if found.is_none()
            && let Some((name, value)) = &ours
        {
            let mut renamed = request.clone();
            renamed.headers.set(&other.scheme.header, value.clone());
            found = verify(&renamed, other.scheme, keys, now).outcome.signature_matched().then_some(Some(*name));
        }
        if let Some(header) = found {
            let mixed = header
                .map(|name| format!(": a {} signature in {provider}'s header `{name}`", other.name))
                .unwrap_or_default();
            diagnosis.findings.push(Finding {
                code: "wrong-provider",
                message: format!("this matches the `{}` scheme, not `{provider}`{mixed}", other.name),
            });
            diagnosis.ruled_out.clear();
            return;
        }
    }
    if !others.is_empty() {
        diagnosis.ruled_out.push("the other built-in providers' schemes".into());
    }
}

/// Whether two schemes compute and write a signature the same way, whatever headers they use (an unsigned
/// timestamp header beside it changes nothing in the signature).
fn signs_alike(a: &Scheme, b: &Scheme) -> bool {
    a.algorithm == b.algorithm
        && a.content == b.content
        && a.key == b.key
        && a.key_prefix == b.key_prefix
        && a.encoding == b.encoding
        && a.layout == b.layout
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len() + haystack.len() / 16);
    let mut i = 0;
    while i < haystack.len() {
        if haystack[i..].starts_with(from) {
            out.extend_from_slice(to);
            i += from.len();
        } else {
            out.push(haystack[i]);
            i += 1;
        }
    }
    out
}

fn compact(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

fn pretty(value: &serde_json::Value, indent: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    let _ = serde::Serialize::serialize(value, &mut serializer);
    out
}

/// `json.dumps(obj)`: compact structure with `, ` and `: ` separators.
fn python_style(value: &serde_json::Value) -> Vec<u8> {
    struct Python;
    impl serde_json::ser::Formatter for Python {
        fn begin_array_value<W: ?Sized + std::io::Write>(
            &mut self,
            writer: &mut W,
            first: bool,
        ) -> std::io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }
        fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, writer: &mut W, first: bool) -> std::io::Result<()> {
            if first { Ok(()) } else { writer.write_all(b", ") }
        }
        fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
            writer.write_all(b": ")
        }
    }
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, Python);
    let _ = serde::Serialize::serialize(value, &mut serializer);
    out
}

fn sort_keys(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k.clone(), sort_keys(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(sort_keys).collect()),
        other => other.clone(),
    }
}
