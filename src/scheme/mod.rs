//! Signature schemes: how a provider signs a request, and the check of a signature.
//!
//! Pure and synchronous: no clock, no randomness, no I/O. The time and the message id come in as arguments so
//! that a signature is exact and testable against public vectors.

mod causes;
mod diagnose;
mod layout;
mod mac;
mod verify;

use std::fmt;
use std::time::Duration;

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
    Literal(String),
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
                other => {
                    return Err(format!(
                        "unknown field `{{{other}}}` in signed content `{text}` (use {{body}}, {{timestamp}} or {{id}})"
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
        if !parts.contains(&Part::Body) {
            return Err(format!("signed content `{text}` does not include {{body}}"));
        }
        Ok(Self(parts))
    }

    pub fn uses(&self, part: &Part) -> bool {
        self.0.contains(part)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.0 {
            match part {
                Part::Body => f.write_str("{body}")?,
                Part::Timestamp => f.write_str("{timestamp}")?,
                Part::Id => f.write_str("{id}")?,
                Part::Literal(text) => f.write_str(text)?,
            }
        }
        Ok(())
    }
}

/// How the timestamp travels and how old it may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampSpec {
    /// `None` when the timestamp is a field of the signature header (`t=…` in a key-value layout).
    pub header: Option<String>,
    pub aliases: Vec<String>,
    pub millis: bool,
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
}

impl Scheme {
    pub fn is_signed(&self) -> bool {
        self.algorithm != Algorithm::None
    }

    /// Every header name a signature may arrive under, the documented one first.
    pub fn signature_headers(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.header.as_str()).chain(self.aliases.iter().map(String::as_str))
    }

    /// Whether the timestamp is covered by the signature (PayQI's is not).
    pub fn timestamp_signed(&self) -> bool {
        self.content.uses(&Part::Timestamp)
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

    /// The raw MAC of a body under this scheme.
    pub fn mac(&self, key: &[u8], body: &[u8], timestamp: &str, id: &str) -> Vec<u8> {
        let parts = self.content.0.iter().map(|part| match part {
            Part::Body => body,
            Part::Timestamp => timestamp.as_bytes(),
            Part::Id => id.as_bytes(),
            Part::Literal(text) => text.as_bytes(),
        });
        self.algorithm.mac(key, parts)
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
        if self.is_signed() {
            let secrets: Vec<&Secret> =
                keys.secrets().take(if self.layout.carries_several() { usize::MAX } else { 1 }).collect();
            if secrets.is_empty() {
                return Err(SchemeError::MissingSecret);
            }
            let mut signatures = Vec::with_capacity(secrets.len());
            for secret in secrets {
                let key = self.key_bytes(secret)?;
                signatures.push(self.encoding.encode(&self.mac(&key, &request.body, &timestamp, id)));
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

    /// The timestamp as it appears in headers and signed content.
    pub fn format_timestamp(&self, at: i64) -> String {
        match &self.timestamp {
            Some(TimestampSpec { millis: true, .. }) => (at * 1000).to_string(),
            _ => at.to_string(),
        }
    }

    /// What one signature looks like: `64 hex characters (HMAC-SHA256)`.
    pub fn expected_signature(&self) -> String {
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
        match self.encoding.decode(text) {
            Some(_) => format!("{len} {} characters (`{start}`)", self.encoding),
            None if text.is_empty() => "an empty signature".into(),
            None => format!("{len} characters that are not {} (`{start}`)", self.encoding),
        }
    }

    /// A one-line description: `HMAC-SHA256, hex, in Payvost-Signature`.
    pub fn summary(&self) -> String {
        if !self.is_signed() {
            return "unsigned".into();
        }
        format!("{}, {}, in {}", self.algorithm, self.encoding, self.header)
    }
}

#[cfg(test)]
mod tests;
