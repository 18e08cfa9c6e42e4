//! Signature schemes: how a provider signs a request, and the check of a signature.
//!
//! Pure and synchronous: no clock, no randomness, no I/O. The time and the message id come in as arguments so
//! that a signature is exact and testable against public vectors.

mod asym;
mod causes;
mod diagnose;
mod layout;
mod mac;
mod verify;

use std::fmt;
use std::time::Duration;

pub use asym::{Asymmetric, Key, KeyForms, PrivateKey, PrivateKeyForm, PublicKey, PublicKeyForm, Rejection};
pub use diagnose::{Candidate, Diagnosis, Finding, diagnose};
pub use layout::{Layout, ParsedHeader};
pub use mac::{Algorithm, Encoding, KeyEncoding};
pub use verify::{Check, CheckStatus, Outcome, Verdict, ordinal, verify};

use crate::request::{Headers, Request};
use crate::secret::Secret;

/// A part of the signed content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Body,
    Timestamp,
    Id,
    /// The full URL the provider delivered to, as it saw it: `https://example.com/hook?a=1` (Square, Twilio,
    /// HubSpot v3).
    Url,
    /// The request method: `POST`.
    Method,
    /// The request target: path and query, `/hook?a=1`.
    Path,
    /// The form fields sorted by name, each name then its value with no separator (Twilio's form POSTs); empty
    /// for a body that is not a form.
    Form,
    /// A field of the JSON body, by JSON pointer: text as it is, a number as its JSON text (Mailgun signs
    /// `{field:/signature/timestamp}{field:/signature/token}`).
    Field(String),
    Literal(String),
}

impl Part {
    fn name(&self) -> Option<&'static str> {
        Some(match self {
            Self::Body => "body",
            Self::Timestamp => "timestamp",
            Self::Id => "id",
            Self::Url => "url",
            Self::Method => "method",
            Self::Path => "path",
            Self::Form => "form",
            Self::Field(_) | Self::Literal(_) => return None,
        })
    }
}

/// What is signed, as a template over the raw body, the timestamp and the message id: `{timestamp}.{body}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template(pub Vec<Part>);

impl Template {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            literal.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| format!("unclosed `{{` in signed content `{text}`"))?;
            let part = match &after[..close] {
                "body" => Part::Body,
                "timestamp" => Part::Timestamp,
                "id" => Part::Id,
                "url" => Part::Url,
                "method" => Part::Method,
                "path" => Part::Path,
                "form" => Part::Form,
                other if other.starts_with("field:/") => Part::Field(other["field:".len()..].to_owned()),
                other => {
                    return Err(format!(
                        "unknown field `{{{other}}}` in signed content `{text}` (use {{body}}, {{timestamp}}, {{id}}, \
                         {{url}}, {{method}}, {{path}}, {{form}} or {{field:/json/pointer}})"
                    ));
                }
            };
            if !literal.is_empty() {
                parts.push(Part::Literal(std::mem::take(&mut literal)));
            }
            parts.push(part);
            rest = &after[close + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        let covers = |p: &Part| matches!(p, Part::Body | Part::Form | Part::Field(_));
        if !parts.iter().any(covers) {
            return Err(format!("signed content `{text}` includes none of {{body}}, {{form}} or a {{field:…}}"));
        }
        Ok(Self(parts))
    }

    pub fn uses(&self, part: &Part) -> bool {
        self.0.contains(part)
    }

    /// Whether the template signs fields of the JSON body.
    pub fn uses_fields(&self) -> bool {
        self.0.iter().any(|p| matches!(p, Part::Field(_)))
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.0 {
            match (part, part.name()) {
                (Part::Literal(text), _) => f.write_str(text)?,
                (Part::Field(pointer), _) => write!(f, "{{field:{pointer}}}")?,
                (_, Some(name)) => write!(f, "{{{name}}}")?,
                (_, None) => {}
            }
        }
        Ok(())
    }
}

/// How the timestamp travels and how old it may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampSpec {
    /// `None` when the timestamp is a field of the signature header (`t=…` in a key-value layout) or of the body.
    pub header: Option<String>,
    pub aliases: Vec<String>,
    /// A JSON pointer when the timestamp is a field of the body (Mailgun's `/signature/timestamp`).
    pub field: Option<String>,
    pub millis: bool,
    /// RFC 3339 text (`2026-12-01T10:11:12Z`, Zendesk) rather than a unix number; `millis` is then false.
    pub rfc3339: bool,
    pub tolerance: Duration,
}

/// A per-delivery message id sent in a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageIdSpec {
    pub header: String,
    pub aliases: Vec<String>,
    /// A fixture template (`{{id:msg_}}`) for fresh ids; rendering it is the caller's job.
    pub format: String,
}

/// A credential sent beside the signature, such as VerifyNow's `Authorization: api-key …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialSpec {
    pub name: String,
    pub header: String,
    /// The header value with `{credential}` where the user's value goes.
    pub value: String,
    pub env: Vec<String>,
}

impl CredentialSpec {
    pub fn render(&self, credential: &Secret) -> String {
        self.value.replace("{credential}", credential.expose())
    }
}

/// A provider's complete signing scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheme {
    pub algorithm: Algorithm,
    pub header: String,
    pub aliases: Vec<String>,
    pub content: Template,
    pub key: KeyEncoding,
    pub key_prefix: Option<String>,
    pub encoding: Encoding,
    pub layout: Layout,
    pub timestamp: Option<TimestampSpec>,
    pub message_id: Option<MessageIdSpec>,
    pub credentials: Vec<CredentialSpec>,
    /// A header naming each request's algorithm (Sumsub's `X-Payload-Digest-Alg`); `algorithm` is the one
    /// signing uses.
    pub algorithm_header: Option<AlgorithmHeader>,
    /// A JSON pointer: the signature is this field of the body, not a header (Mailgun's `/signature/signature`).
    pub signature_field: Option<String>,
    /// A query parameter of the signed URL carrying the hex SHA-256 of the body (Twilio's `bodySHA256`, for
    /// bodies that are not forms): verify checks it when the URL has it.
    pub body_digest: Option<String>,
    /// For an asymmetric algorithm: the forms its keys are written in (Discord's hex public key, Standard
    /// Webhooks' `whpk_`/`whsk_`).
    pub key_forms: KeyForms,
}

/// A header whose value picks the algorithm of each request: `HMAC_SHA256_HEX` → HMAC-SHA256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmHeader {
    pub header: String,
    /// Each value the header may carry and the algorithm it names.
    pub values: Vec<(String, Algorithm)>,
}

impl AlgorithmHeader {
    /// The header's value for `algorithm`, when one names it.
    pub fn name_of(&self, algorithm: Algorithm) -> Option<&str> {
        self.values.iter().find(|(_, a)| *a == algorithm).map(|(name, _)| name.as_str())
    }

    /// The algorithm a request names, or why it names none.
    pub fn read(&self, request: &Request) -> Result<Algorithm, String> {
        let Some(value) = request.headers.get(&self.header) else {
            return Err(format!("no `{}` header, which names the algorithm", self.header));
        };
        let value = String::from_utf8_lossy(value);
        let value = value.trim();
        self.values.iter().find(|(name, _)| name.eq_ignore_ascii_case(value)).map(|(_, a)| *a).ok_or_else(|| {
            let known: Vec<&str> = self.values.iter().map(|(n, _)| n.as_str()).collect();
            let shown: String = value.chars().take(40).collect();
            format!("`{}` names `{shown}`, not one of {}", self.header, known.join(", "))
        })
    }
}

/// The values a signature needs besides the request.
#[derive(Debug, Clone, Default)]
pub struct Keys {
    /// The signing secret (absent for unsigned providers).
    pub secret: Option<Secret>,
    /// The other secrets of a rotation, in the order given: verification accepts a signature by any of them, and
    /// a scheme whose header carries several signatures (Stripe, Standard Webhooks) signs with each.
    pub rotation: Vec<Secret>,
    /// Credential values by credential name (`api-key`).
    pub credentials: Vec<(String, Secret)>,
    /// The URL the provider delivered to, for schemes that sign it (`{url}`): where `send` posts, or `--url`.
    /// Verification without it reads the URL from the request (an absolute target, or its `Host` header).
    pub url: Option<String>,
}

impl Keys {
    /// The secret, then the rotation's others.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.secret.iter().chain(&self.rotation)
    }

    pub fn credential(&self, name: &str) -> Option<&Secret> {
        self.credentials.iter().find(|(n, _)| n == name).map(|(_, s)| s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SchemeError {
    #[error("no signing secret was given")]
    MissingSecret,
    #[error("no value was given for the `{0}` credential")]
    MissingCredential(String),
    #[error("the secret is not valid base64 after removing {prefix}, as this scheme requires")]
    SecretNotBase64 { prefix: String },
    #[error("the signature covers the URL the request is delivered to, and none was given (pass --url URL)")]
    NeedsUrl,
    #[error("the body is not a JSON object with a place for `{0}`, where this scheme's signature goes")]
    NoSignatureField(String),
    #[error(
        "signing with {0} needs a private key, and the key given is the public key (only the provider holds its \
         private key; `hookctl keys generate` makes a test key pair)"
    )]
    NeedsPrivateKey(Algorithm),
    #[error("the key given is not a usable {algorithm} key: {reason}")]
    BadKey { algorithm: Algorithm, reason: String },
}

/// What one signature covers: the body and the values the template names besides it.
#[derive(Debug, Clone, Copy)]
pub struct Signed<'a> {
    /// The request, for its method, target and Content-Type.
    pub request: &'a Request,
    /// The body signed: the request's, or an alteration of it being tried.
    pub body: &'a [u8],
    pub timestamp: &'a str,
    pub id: &'a str,
    /// The full URL, empty when the template does not sign it.
    pub url: &'a str,
}

/// A field of a JSON body as it is signed: text as is, another value as its JSON text; `None` when absent.
pub fn body_field(body: &serde_json::Value, pointer: &str) -> Option<String> {
    match body.pointer(pointer)? {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Sets the field at `pointer` (its parent must be an object); `None` when there is no such parent.
fn set_field(json: &mut serde_json::Value, pointer: &str, value: serde_json::Value) -> Option<()> {
    let (parent, name) = pointer.rsplit_once('/')?;
    let parent = if parent.is_empty() { Some(json) } else { json.pointer_mut(parent) }?;
    parent.as_object_mut()?.insert(name.replace("~1", "/").replace("~0", "~"), value);
    Some(())
}

impl Signed<'_> {
    /// Twilio's form text: the fields sorted by name (then value), each name then value with no separator.
    /// A body that is not a form (by its Content-Type, or by its look when it has none) has no fields.
    fn form(&self) -> Vec<u8> {
        let is_form = match self.request.headers.get("content-type") {
            Some(value) => crate::form::is_form_content_type(value),
            None => crate::form::looks_like(self.body),
        };
        if !is_form {
            return Vec::new();
        }
        let mut fields: Vec<(String, String)> =
            form_urlencoded::parse(self.body).map(|(n, v)| (n.into_owned(), v.into_owned())).collect();
        fields.sort();
        fields.dedup();
        fields.into_iter().flat_map(|(name, value)| [name, value]).collect::<String>().into_bytes()
    }
}

impl Scheme {
    pub fn is_signed(&self) -> bool {
        self.algorithm != Algorithm::None
    }

    /// Every header name a signature may arrive under, the documented one first.
    pub fn signature_headers(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.header.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether a signature covers the body's bytes: not a shared token, nor a scheme that signs the decoded form
    /// fields.
    pub fn covers_body(&self) -> bool {
        self.is_signed() && self.algorithm != Algorithm::Token && self.content.uses(&Part::Body)
    }

    /// Whether the signature travels in a header (not a field of the body, as Mailgun's).
    pub fn in_header(&self) -> bool {
        self.signature_field.is_none()
    }

    /// Whether the signature covers the URL the request was delivered to (Square, Twilio, HubSpot v3).
    pub fn needs_url(&self) -> bool {
        self.content.uses(&Part::Url)
    }

    /// Whether the timestamp is covered by the signature (PayQI's is not).
    pub fn timestamp_signed(&self) -> bool {
        let field = self.timestamp.as_ref().and_then(|t| t.field.as_ref());
        self.content.uses(&Part::Timestamp)
            || field.is_some_and(|pointer| self.content.uses(&Part::Field(pointer.clone())))
    }

    /// The key bytes for a secret: the prefix removed, then base64-decoded when the scheme says so.
    pub fn key_bytes(&self, secret: &Secret) -> Result<Vec<u8>, SchemeError> {
        let text = secret.expose();
        let text = match &self.key_prefix {
            Some(prefix) => text.strip_prefix(prefix.as_str()).unwrap_or(text),
            None => text,
        };
        match self.key {
            KeyEncoding::Raw => Ok(text.as_bytes().to_vec()),
            KeyEncoding::Base64 => mac::decode_base64(text).ok_or_else(|| SchemeError::SecretNotBase64 {
                prefix: self.key_prefix.as_deref().map_or("nothing".into(), |p| format!("`{p}`")),
            }),
        }
    }

    /// The signed content of `signed`, piece by piece, handed to `use_parts` (so a large body is never copied for
    /// a MAC).
    fn with_parts<R>(&self, signed: &Signed<'_>, use_parts: impl FnOnce(&mut dyn Iterator<Item = &[u8]>) -> R) -> R {
        let form = if self.content.uses(&Part::Form) { signed.form() } else { Vec::new() };
        let json: Option<serde_json::Value> =
            if self.content.uses_fields() { serde_json::from_slice(signed.body).ok() } else { None };
        let fields: Vec<String> = self
            .content
            .0
            .iter()
            .map(|part| match (part, &json) {
                (Part::Field(pointer), Some(json)) => body_field(json, pointer).unwrap_or_default(),
                _ => String::new(),
            })
            .collect();
        let mut parts = self.content.0.iter().zip(&fields).map(|(part, field)| match part {
            Part::Body => signed.body,
            Part::Timestamp => signed.timestamp.as_bytes(),
            Part::Id => signed.id.as_bytes(),
            Part::Url => signed.url.as_bytes(),
            Part::Method => signed.request.method.as_bytes(),
            Part::Path => signed.request.target.as_bytes(),
            Part::Form => form.as_slice(),
            Part::Field(_) => field.as_bytes(),
            Part::Literal(text) => text.as_bytes(),
        });
        use_parts(&mut parts)
    }

    /// The raw MAC of what `signed` holds under this scheme.
    pub fn mac(&self, key: &[u8], signed: &Signed<'_>) -> Vec<u8> {
        self.with_parts(signed, |parts| self.algorithm.mac(key, parts))
    }

    /// The exact bytes an asymmetric signature covers.
    pub fn message(&self, signed: &Signed<'_>) -> Vec<u8> {
        self.with_parts(signed, |parts| parts.flat_map(|part| part.iter().copied()).collect())
    }

    /// Whether the algorithm signs with a private key and verifies with a public one (Ed25519, ECDSA).
    pub fn is_asymmetric(&self) -> bool {
        self.algorithm.asymmetric().is_some()
    }

    /// A key for an asymmetric scheme, read in any form hookctl knows (see [`Asymmetric::read_key`]).
    pub fn read_key(&self, secret: &Secret) -> Result<Key, SchemeError> {
        let Some(asymmetric) = self.algorithm.asymmetric() else {
            return Err(SchemeError::BadKey {
                algorithm: self.algorithm,
                reason: "this scheme uses a shared secret".into(),
            });
        };
        asymmetric
            .read_key(secret.expose(), &self.key_forms)
            .map_err(|reason| SchemeError::BadKey { algorithm: self.algorithm, reason })
    }

    /// The signature of `signed` with `secret`: the MAC under its key bytes, or an asymmetric signature with the
    /// private key it holds.
    fn signature(&self, secret: &Secret, signed: &Signed<'_>) -> Result<Vec<u8>, SchemeError> {
        if self.is_asymmetric() {
            return match self.read_key(secret)? {
                Key::Private(private) => Ok(private.sign(&self.message(signed))),
                Key::Public(_) => Err(SchemeError::NeedsPrivateKey(self.algorithm)),
            };
        }
        Ok(self.mac(&self.key_bytes(secret)?, signed))
    }

    /// The headers the provider sends for `request` at time `at` (unix seconds) with message id `id`:
    /// message id, timestamp, signature and credentials, in that order.
    pub fn sign(&self, request: &Request, keys: &Keys, at: i64, id: &str) -> Result<Headers, SchemeError> {
        let mut headers = Headers::new();
        let timestamp = self.format_timestamp(at);
        if let Some(spec) = &self.message_id {
            headers.push(spec.header.clone(), id);
        }
        if let Some(TimestampSpec { header: Some(header), .. }) = &self.timestamp {
            headers.push(header.clone(), timestamp.as_str());
        }
        if let Some(spec) = &self.algorithm_header
            && let Some(name) = spec.name_of(self.algorithm)
        {
            headers.push(spec.header.clone(), name);
        }
        if self.is_signed() && self.signature_field.is_none() {
            let url = match (&keys.url, self.needs_url()) {
                (Some(url), true) => url.as_str(),
                (None, true) => return Err(SchemeError::NeedsUrl),
                (_, false) => "",
            };
            let signed = Signed { request, body: &request.body, timestamp: &timestamp, id, url };
            let secrets: Vec<&Secret> =
                keys.secrets().take(if self.layout.carries_several() { usize::MAX } else { 1 }).collect();
            if secrets.is_empty() {
                return Err(SchemeError::MissingSecret);
            }
            let mut signatures = Vec::with_capacity(secrets.len());
            for secret in secrets {
                if self.algorithm == Algorithm::Token {
                    signatures.push(secret.expose().to_owned());
                    continue;
                }
                signatures.push(self.encoding.encode(&self.signature(secret, &signed)?));
            }
            headers.push(self.header.clone(), self.layout.format(&signatures, &timestamp));
        }
        for credential in &self.credentials {
            let value = keys
                .credential(&credential.name)
                .ok_or_else(|| SchemeError::MissingCredential(credential.name.clone()))?;
            headers.push(credential.header.clone(), credential.render(value));
        }
        Ok(headers)
    }

    /// For a scheme whose signature is a field of the body (Mailgun): the body with its timestamp field set to
    /// `at` and its signature field to the signature of the result. `None` for a header scheme; an error for a
    /// body that is not a JSON object with the signature's parent object in it.
    pub fn sign_body(&self, request: &Request, keys: &Keys, at: i64) -> Result<Option<Vec<u8>>, SchemeError> {
        let Some(pointer) = &self.signature_field else { return Ok(None) };
        let secret = keys.secret.as_ref().ok_or(SchemeError::MissingSecret)?;
        let mut json: serde_json::Value =
            serde_json::from_slice(&request.body).map_err(|_| SchemeError::NoSignatureField(pointer.clone()))?;
        if let Some(field) = self.timestamp.as_ref().and_then(|t| t.field.as_ref()) {
            set_field(&mut json, field, serde_json::Value::String(self.format_timestamp(at)))
                .ok_or_else(|| SchemeError::NoSignatureField(field.clone()))?;
        }
        let body = serde_json::to_vec(&json).expect("a serde_json::Value always serialises");
        let url = keys.url.as_deref().unwrap_or_default();
        let timestamp = self.format_timestamp(at);
        let signed = Signed { request, body: &body, timestamp: &timestamp, id: "", url };
        let signature = self.encoding.encode(&self.signature(secret, &signed)?);
        set_field(&mut json, pointer, serde_json::Value::String(signature))
            .ok_or_else(|| SchemeError::NoSignatureField(pointer.clone()))?;
        Ok(Some(serde_json::to_vec(&json).expect("a serde_json::Value always serialises")))
    }

    /// The timestamp as it appears in headers and signed content.
    pub fn format_timestamp(&self, at: i64) -> String {
        match &self.timestamp {
            Some(TimestampSpec { millis: true, .. }) => (at * 1000).to_string(),
            Some(TimestampSpec { rfc3339: true, .. }) => chrono::DateTime::from_timestamp(at, 0)
                .map_or_else(|| at.to_string(), |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            _ => at.to_string(),
        }
    }

    /// What one signature looks like: `64 hex characters (HMAC-SHA256)`.
    pub fn expected_signature(&self) -> String {
        if self.algorithm == Algorithm::Token {
            return "the shared token".into();
        }
        if self.algorithm == Algorithm::EcdsaP256Sha256 {
            return format!("{} of a DER-encoded signature, usually 96 characters ({})", self.encoding, self.algorithm);
        }
        let len = self.encoding.encoded_len(self.algorithm.output_len());
        format!("{len} {} characters ({})", self.encoding, self.algorithm)
    }

    /// What the signature header looks like, for "malformed" verdicts: `` `sha256=` then 64 hex characters
    /// (HMAC-SHA256) ``.
    pub fn expected_header(&self) -> String {
        self.layout.expected(&self.expected_signature())
    }

    /// How a signature that is not in this scheme's form differs from it: its length, and whether it is in
    /// the scheme's encoding at all, with its start (it is a MAC, not a secret).
    pub fn describe_signature(&self, text: &str) -> String {
        let len = text.chars().count();
        let start: String = text.chars().take(12).collect();
        let start = if len > 12 { format!("{start}…") } else { start };
        let problem = |bytes: &[u8]| self.algorithm.asymmetric().and_then(|a| a.signature_problem(bytes));
        match self.encoding.decode(text) {
            Some(bytes) => match problem(&bytes) {
                Some(problem) => format!("{len} {} characters (`{start}`): {problem}", self.encoding),
                None => format!("{len} {} characters (`{start}`)", self.encoding),
            },
            None if text.is_empty() => "an empty signature".into(),
            // Hex digits all, but an odd number of them: not whole bytes (cut short, or a character lost).
            None if self.encoding == mac::Encoding::Hex && text.chars().all(|c| c.is_ascii_hexdigit()) => {
                format!("{len} hex characters (`{start}`), an odd number: not whole bytes")
            }
            None => format!("{len} characters that are not {} (`{start}`)", self.encoding),
        }
    }

    /// A one-line description: `HMAC-SHA256, hex, in Payvost-Signature`.
    pub fn summary(&self) -> String {
        if !self.is_signed() {
            return "unsigned".into();
        }
        if self.algorithm == Algorithm::Token {
            return format!("a shared token in {}, compared for equality (not a signature)", self.header);
        }
        if let Some(field) = &self.signature_field {
            return format!("{}, {}, in the body field {field}", self.algorithm, self.encoding);
        }
        format!("{}, {}, in {}", self.algorithm, self.encoding, self.header)
    }
}

#[cfg(test)]
mod tests;
