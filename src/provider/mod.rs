//! The provider model: schemes, envelopes, delivery behaviour and event catalogs, read from `fixtures/`
//! (embedded in the binary) and from user folders that add or override providers by name.

mod catalog;
mod file;

use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

pub use catalog::{Catalog, Files, SchemeOverride};
pub use file::BodyStyle;

use crate::body::{self, BodyFormat, Parsed, Unreadable};
use crate::error::Error;
use crate::scheme::Scheme;
use crate::suggest;
use crate::time::TimeFormat;

/// One provider, parsed and checked.
#[derive(Debug, Clone)]
pub struct Provider {
    pub name: String,
    pub title: String,
    pub description: String,
    /// What the provider does (`payments`, `kyc`, …; one of `CATEGORIES`): `hookctl providers` groups by it.
    pub category: String,
    /// Where deliveries go; the first is the default, `/webhooks/<name>` is always among them.
    pub routes: Vec<String>,
    pub secret_env: Vec<String>,
    pub body_style: BodyStyle,
    /// Form fields whose value is JSON (Slack's `payload`): read as the value they hold.
    pub form_json_fields: Vec<String>,
    pub scheme: Scheme,
    /// Headers sent with every delivery; values are fixture templates (`{{event}}`).
    pub headers: Vec<(String, String)>,
    pub envelope: Envelope,
    pub delivery: Delivery,
    pub handshake: Option<Handshake>,
    pub events: Vec<EventDef>,
    /// Where the fixtures and schemas are read from.
    pub files: Files,
    /// Where each recorded fact came from (`[sources]`), in the file's order.
    pub sources: Vec<Source>,
}

/// Where one fact of the model came from: `delivery.retry` is "assumed: the document is silent on retries".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Source {
    /// The fact: `signature`, `delivery.retry`, `events.check.completed`, … (see `FACTS`).
    pub fact: String,
    pub kind: SourceKind,
    /// The document and section, the SDK, or why it is assumed.
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// The provider's integration document says so.
    Document,
    /// The provider's own SDK or library does it (the document being silent or different).
    Sdk,
    /// Nothing the provider published says so: hookctl's assumption.
    Assumed,
}

/// The facts a `[sources]` table may name; `events.<name>` names one event besides these.
pub const FACTS: [&str; 18] = [
    "routes",
    "signature",
    "signature.checked",
    "signature.header",
    "signature.aliases",
    "signature.encoding",
    "signature.key",
    "timestamp",
    "message_id",
    "credentials",
    "headers",
    "envelope.type",
    "envelope.id",
    "envelope.time",
    "delivery.timeout",
    "delivery.retry",
    "delivery.answer",
    "events",
];

/// The categories a provider may name; one without a `category` is `other`.
pub const CATEGORIES: [&str; 19] = [
    "payments",
    "commerce",
    "billing",
    "crypto",
    "kyc",
    "identity",
    "devtools",
    "messaging",
    "email",
    "forms",
    "scheduling",
    "support",
    "crm",
    "video",
    "productivity",
    "logistics",
    "infrastructure",
    "standard",
    "other",
];

impl Provider {
    /// Where `fact` came from, when the file records it.
    pub fn source(&self, fact: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.fact == fact)
    }
}

/// Where the event type, id and time live in a payload.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub type_pointers: Vec<String>,
    /// Headers naming the event, tried in order: the first whose value is a catalog event names it, else the
    /// last present is taken as it is (Twitch: `Twitch-Eventsub-Message-Type` is `revocation` or
    /// `webhook_callback_verification`, else `notification` and `Twitch-Eventsub-Subscription-Type` names it).
    pub type_headers: Vec<String>,
    /// A payload field that, with the type, names the event: `pull_request` + `/action` `opened` is the event
    /// `pull_request.opened`. An event `T.S` of such a provider is sent with the type `T`.
    pub subtype_pointers: Vec<String>,
    pub id_pointers: Vec<String>,
    pub id_header: Option<String>,
    pub time_pointers: Vec<String>,
    pub time_format: TimeFormat,
    pub recognize: Vec<Recognize>,
    /// The catalog name of each value the type field may hold, for types that are codes (Discord's `"type": 1`
    /// is `ping`); empty when the value is the name.
    pub type_names: Vec<(String, String)>,
}

/// An event known by its shape rather than a type field.
#[derive(Debug, Clone)]
pub struct Recognize {
    pub event: String,
    pub fields: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RetryFrom {
    /// Each delay counts from the attempt before.
    #[default]
    Previous,
    /// Each delay counts from the first attempt.
    First,
}

/// A handshake the provider sends to prove the endpoint is the user's (Slack's `url_verification`, Zoom's
/// `endpoint.url_validation`, Twitch's `webhook_callback_verification`, Dropbox's GET `?challenge=`, Asana's
/// `X-Hook-Secret`), and the answer a correct app gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handshake {
    /// The catalog event that is the handshake; for a challenge in the query or a header, the name the request is
    /// shown by (it has no body, so no fixture).
    pub event: String,
    /// Where the challenge is.
    pub challenge: Challenge,
    pub answer: HandshakeAnswer,
    /// Headers the answer carries besides its Content-Type (Dropbox's `X-Content-Type-Options: nosniff`).
    pub headers: Vec<(String, String)>,
}

/// Where a handshake's challenge is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    /// A JSON pointer into the body of a POST (Slack, Twitch, Zoom); empty for a handshake without one (Discord).
    Body(String),
    /// A query parameter of a GET with no body (Dropbox's `?challenge=`; Meta's `hub.challenge`).
    Query(String),
    /// A header of a POST with no body (Asana's `X-Hook-Secret`).
    Header(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandshakeAnswer {
    /// The challenge as it came, `text/plain` (Slack, Twitch, Dropbox).
    Echo,
    /// The challenge in the header it came in, the body empty (Asana's `X-Hook-Secret`).
    Header,
    /// JSON `{plain_key: challenge, mac_key: hex HMAC-SHA256 of the challenge keyed by the secret}` (Zoom).
    HmacSha256Hex { plain_key: String, mac_key: String },
    /// A fixed JSON body (Discord answers its PING with `{"type":1}`, the PONG).
    Json(String),
}

/// What a correct app answers to a handshake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandshakeReply {
    pub content_type: Option<String>,
    /// Headers besides the Content-Type: the echoed challenge header, the provider's `[handshake].headers`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Handshake {
    /// Whether the handshake is a request without a body (a challenge in the query or a header): it is known by
    /// its challenge, not by an event of the catalog.
    pub fn bodiless(&self) -> bool {
        !matches!(self.challenge, Challenge::Body(_))
    }

    /// The challenge a request carries, when it is this handshake's kind of request: a GET with the query
    /// parameter, a request with the header, or a body with the field.
    pub fn challenge_of(&self, request: &crate::request::Request) -> Option<String> {
        match &self.challenge {
            Challenge::Query(name) => {
                if !request.method.eq_ignore_ascii_case("GET") {
                    return None;
                }
                let query = request.target.split_once('?')?.1;
                form_urlencoded::parse(query.as_bytes()).find(|(n, _)| n == name.as_str()).map(|(_, v)| v.into())
            }
            // Only a request without a body: a delivery that also carries the header is a delivery.
            Challenge::Header(name) if request.body.is_empty() => request.headers.get_str(name).map(str::to_owned),
            Challenge::Header(_) => None,
            Challenge::Body(pointer) => {
                let json: Value = serde_json::from_slice(&request.body).ok()?;
                Some(json.pointer(pointer)?.as_str()?.to_owned())
            }
        }
    }

    /// One line: what the handshake is and how it is answered, for `hookctl providers NAME`.
    pub fn describe(&self) -> String {
        let request = match &self.challenge {
            Challenge::Body(pointer) if pointer.is_empty() => format!("{} (no challenge)", self.event),
            Challenge::Body(pointer) => format!("{}, its challenge at {pointer}", self.event),
            Challenge::Query(name) => format!("{}: GET ?{name}=<challenge>, no body", self.event),
            Challenge::Header(name) => format!("{}: a POST with {name}: <challenge>, no body", self.event),
        };
        let answer = match &self.answer {
            HandshakeAnswer::Echo => "answered 200 with the challenge as text/plain".to_owned(),
            HandshakeAnswer::Header => match &self.challenge {
                Challenge::Header(name) => format!("answered 200 with the same {name} header"),
                _ => "answered with the challenge in a header".to_owned(),
            },
            HandshakeAnswer::HmacSha256Hex { plain_key, mac_key } => {
                format!("answered JSON {{{plain_key}: challenge, {mac_key}: hex HMAC-SHA256 of it}}")
            }
            HandshakeAnswer::Json(body) => format!("answered {body}"),
        };
        let headers: Vec<String> = self.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        if headers.is_empty() {
            format!("{request}; {answer}")
        } else {
            format!("{request}; {answer}, with {}", headers.join(", "))
        }
    }

    /// Whether `request`, named `event` by the envelope, is this handshake.
    pub fn recognises(&self, request: &crate::request::Request, event: Option<&str>) -> bool {
        if self.bodiless() { self.challenge_of(request).is_some() } else { event == Some(self.event.as_str()) }
    }

    /// The answer to a handshake request, or `None` when it has no challenge. The HMAC answer needs the secret;
    /// without one there is no right answer to give.
    pub fn answer(
        &self,
        request: &crate::request::Request,
        secret: Option<&crate::secret::Secret>,
    ) -> Option<HandshakeReply> {
        let reply = |content_type: &str, headers: Vec<(String, String)>, body: Vec<u8>| {
            let mut headers = headers;
            headers.extend(self.headers.iter().cloned());
            Some(HandshakeReply { content_type: Some(content_type.to_owned()), headers, body })
        };
        if let HandshakeAnswer::Json(answer) = &self.answer {
            return reply("application/json", Vec::new(), answer.clone().into_bytes());
        }
        let challenge = self.challenge_of(request)?;
        match &self.answer {
            HandshakeAnswer::Json(_) => None,
            HandshakeAnswer::Echo => reply("text/plain", Vec::new(), challenge.into_bytes()),
            HandshakeAnswer::Header => {
                let Challenge::Header(name) = &self.challenge else { return None };
                let mut headers = vec![(name.clone(), challenge)];
                headers.extend(self.headers.iter().cloned());
                Some(HandshakeReply { content_type: None, headers, body: Vec::new() })
            }
            HandshakeAnswer::HmacSha256Hex { plain_key, mac_key } => {
                let mac = crate::scheme::Algorithm::HmacSha256.mac(secret?.expose().as_bytes(), [challenge.as_bytes()]);
                let answer = serde_json::json!({ plain_key.as_str(): challenge, mac_key.as_str(): hex::encode(mac) });
                reply("application/json", Vec::new(), answer.to_string().into_bytes())
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub timeout: Option<Duration>,
    pub retry: Vec<Duration>,
    pub retry_from: RetryFrom,
    pub answer: Answer,
}

/// The answer the provider expects from a receiver.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: String,
}

impl Default for Answer {
    fn default() -> Self {
        Self { status: 200, content_type: None, body: String::new() }
    }
}

/// An event type in a provider's catalog.
#[derive(Debug, Clone)]
pub struct EventDef {
    pub name: String,
    pub description: String,
    /// Named variant fixtures; the first is the default. Empty: one fixture, `events/<event>.json`.
    pub variants: Vec<String>,
    pub route: Option<String>,
    pub file: Option<String>,
    /// How the provider sends this event's body: its own `body_format`, else the provider's.
    pub body_format: BodyFormat,
    /// The type as sent (`{{event}}` in headers, the envelope's type), when the name adds a subtype to it:
    /// `pull_request` for `pull_request.opened`.
    pub sent_type: Option<String>,
    /// Headers this event is sent with in place of (or besides) the provider's `[headers]`: Twitch's handshake
    /// is sent with `Twitch-Eventsub-Message-Type: webhook_callback_verification` and the subscription's type.
    pub headers: Vec<(String, String)>,
}

impl EventDef {
    /// The type as the provider sends it: `pull_request` for GitHub's `pull_request.opened`.
    pub fn sent_type(&self) -> &str {
        self.sent_type.as_deref().unwrap_or(&self.name)
    }

    fn stem(&self) -> &str {
        self.file.as_deref().unwrap_or(&self.name)
    }

    /// The fixture file of a variant (`None`: the default).
    pub fn fixture_path(&self, variant: Option<&str>) -> String {
        match variant.or(self.variants.first().map(String::as_str)) {
            Some(variant) => format!("events/{}@{variant}.json", self.stem()),
            None => format!("events/{}.json", self.stem()),
        }
    }

    pub fn schema_path(&self) -> String {
        format!("schemas/{}.json", self.stem())
    }
}

/// The provider a request most looks like (by `route_owner`, then `Provider::affinity`), if any of them at all.
pub fn detect<'a>(providers: &'a [Provider], request: &crate::request::Request) -> Option<&'a Provider> {
    if let Some(owner) = route_owner(providers, request) {
        return Some(owner);
    }
    providers
        .iter()
        .map(|p| (p.affinity(request), p))
        .filter(|(score, _)| *score > 0)
        .max_by_key(|(score, _)| *score)
        .map(|(_, p)| p)
}

/// The provider whose route the request came to, when nothing points elsewhere or its payload names one of
/// that provider's events. The route and the payload agreeing outweigh a signature header, which a sender can
/// put under another provider's name (a Payvost HMAC in `X-PayQI-Signature` at `/webhooks/payvost` is
/// Payvost's). The payload is read only when another provider's headers are as strong as the route's owner.
pub fn route_owner<'a>(providers: &'a [Provider], request: &crate::request::Request) -> Option<&'a Provider> {
    let owner = providers.iter().find(|p| p.routes.iter().any(|r| r == request.path()))?;
    let own = owner.affinity(request);
    let contested = providers.iter().any(|p| !std::ptr::eq(p, owner) && p.affinity(request) >= own);
    if !contested {
        return Some(owner);
    }
    let payload: Value = serde_json::from_slice(&request.body).ok()?;
    owner.names_own_event(Some(&payload), &request.headers).then_some(owner)
}

/// Headers that carry a credential whoever sent them: a browser HAR or a proxy log holds these beside the
/// webhook's own headers.
const CREDENTIAL_HEADERS: [&str; 5] = ["authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"];

/// Whether a header carries a credential: one of `CREDENTIAL_HEADERS`, one of the provider's own credential
/// headers (VerifyNow's api-key), a shared token, or a secret its handshake hands over in a header.
pub fn is_credential(name: &str, provider: Option<&Provider>) -> bool {
    let own = provider.map(|p| p.scheme.credentials.as_slice()).unwrap_or_default();
    // A shared token (GitLab's X-Gitlab-Token) is the secret itself.
    let token = provider.is_some_and(|p| {
        p.scheme.algorithm == crate::scheme::Algorithm::Token
            && p.scheme.signature_headers().any(|h| h.eq_ignore_ascii_case(name))
    });
    // A handshake's secret in a header (Asana's X-Hook-Secret) is the key every later delivery is signed with.
    let handshake_secret = provider.and_then(|p| p.handshake.as_ref()).is_some_and(|h| {
        matches!(&h.challenge, Challenge::Header(header) if header.eq_ignore_ascii_case(name))
            && matches!(h.answer, HandshakeAnswer::Header)
    });
    token
        || handshake_secret
        || CREDENTIAL_HEADERS.iter().any(|c| c.eq_ignore_ascii_case(name))
        || own.iter().any(|c| c.header.eq_ignore_ascii_case(name))
}

/// The headers with every credential (see `is_credential`) replaced by `(redacted)`, for output and the store.
pub fn redact_credentials(headers: &crate::request::Headers, provider: Option<&Provider>) -> crate::request::Headers {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if is_credential(name, provider) { crate::request::REDACTED.to_vec() } else { value.to_vec() };
            (name.to_owned(), value)
        })
        .collect()
}

/// Parses the text of a `provider.toml`; `files` is where its fixtures and schemas live.
pub fn parse_provider(text: &str, files: Files) -> Result<Provider, String> {
    file::ProviderFile::parse(text)?.into_provider(files)
}

impl Provider {
    /// Looks up an event, with a "did you mean" on a miss.
    pub fn event(&self, name: &str) -> Result<&EventDef, Error> {
        self.events.iter().find(|e| e.name == name).ok_or_else(|| Error::UnknownEvent {
            provider: self.name.clone(),
            name: name.to_owned(),
            suggestion: suggest::closest(name, self.events.iter().map(|e| e.name.as_str())),
        })
    }

    /// Resolves `EVENT[:VARIANT]`.
    pub fn event_variant<'a>(&'a self, spec: &str) -> Result<(&'a EventDef, Option<&'a str>), Error> {
        // Coinbase Commerce's event names contain `:` (`charge:created`): a whole event name is that event.
        if let Some(event) = self.events.iter().find(|e| e.name == spec) {
            return Ok((event, None));
        }
        // Otherwise the last `:` starts the variant (Shopify-style topics contain `/`, which is no separator).
        let (name, variant) = match spec.rsplit_once(':') {
            Some((name, variant)) => (name, Some(variant)),
            None => (spec, None),
        };
        if !self.envelope.subtype_pointers.is_empty() && !self.events.iter().any(|e| e.name == name) {
            // The spelling of a provider whose subtypes were variants: `pull_request:opened` is now the event
            // `pull_request.opened`, and `pull_request` its first subtype.
            let found = match variant {
                Some(variant) => {
                    let joined = format!("{name}.{variant}");
                    self.events.iter().find(|e| e.name == joined)
                }
                None => self.events.iter().find(|e| e.sent_type() == name),
            };
            if let Some(event) = found {
                return Ok((event, None));
            }
        }
        let event = self.event(name)?;
        let Some(variant) = variant else { return Ok((event, None)) };
        match event.variants.iter().find(|v| *v == variant) {
            Some(found) => Ok((event, Some(found.as_str()))),
            None => Err(Error::UnknownVariant {
                event: format!("{}/{}", self.name, event.name),
                name: variant.to_owned(),
                suggestion: suggest::closest(variant, event.variants.iter().map(String::as_str)),
                variants: event.variants.clone(),
            }),
        }
    }

    /// The header templates an event is sent with: the provider's `[headers]`, each one the event names in its
    /// own `headers` replaced (names compared without case), then the event's other headers.
    pub fn header_templates<'a>(&'a self, event: Option<&'a EventDef>) -> Vec<(&'a str, &'a str)> {
        let own = event.map(|e| e.headers.as_slice()).unwrap_or_default();
        let mut templates: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, template)| match own.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                Some((_, replaced)) => (name.as_str(), replaced.as_str()),
                None => (name.as_str(), template.as_str()),
            })
            .collect();
        for (name, template) in own {
            if !self.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                templates.push((name.as_str(), template.as_str()));
            }
        }
        templates
    }

    /// The route an event is delivered to.
    pub fn route_for<'a>(&'a self, event: Option<&'a EventDef>) -> &'a str {
        event.and_then(|e| e.route.as_deref()).unwrap_or(&self.routes[0])
    }

    /// The event type of a payload (and its headers), by the envelope's rules: the type, joined with the
    /// subtype field when the envelope names one (`pull_request.opened`) unless only the bare type is an event.
    pub fn event_type(&self, payload: Option<&Value>, headers: &crate::request::Headers) -> Option<String> {
        let base = self.base_type(payload, headers)?;
        let subtype = self.envelope.subtype_pointers.iter().find_map(|p| payload?.pointer(p)?.as_str());
        match subtype {
            Some(subtype) => {
                let joined = format!("{base}.{subtype}");
                let known = |name: &str| self.events.iter().any(|e| e.name == name);
                Some(if !known(&joined) && known(&base) { base } else { joined })
            }
            None => Some(base),
        }
    }

    /// The type alone, as the header or the type field carries it, or the shape a `recognize` rule knows.
    fn base_type(&self, payload: Option<&Value>, headers: &crate::request::Headers) -> Option<String> {
        let mut present = None;
        for name in &self.envelope.type_headers {
            let Some(value) = headers.get_str(name) else { continue };
            if self.events.iter().any(|e| e.name == value || e.sent_type() == value) {
                return Some(value.to_owned());
            }
            present = Some(value);
        }
        if let Some(value) = present {
            return Some(value.to_owned());
        }
        let payload = payload?;
        let typed = self.envelope.type_pointers.iter().find_map(|p| match payload.pointer(p)? {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) if !self.envelope.type_names.is_empty() => Some(number.to_string()),
            _ => None,
        });
        let typed = typed.map(|value| match self.envelope.type_names.iter().find(|(code, _)| *code == value) {
            Some((_, name)) => name.clone(),
            None => value,
        });
        typed.or_else(|| {
            let object = payload.as_object()?;
            let rule = self.envelope.recognize.iter().find(|r| r.fields.iter().all(|f| object.contains_key(f)))?;
            Some(rule.event.clone())
        })
    }

    /// Whether a payload (and its headers) names one of this provider's events.
    pub fn names_own_event(&self, payload: Option<&Value>, headers: &crate::request::Headers) -> bool {
        self.event_type(payload, headers).is_some_and(|event| self.events.iter().any(|e| e.name == event))
    }

    /// The provider's event id in a payload (and its headers), by the envelope's rules.
    pub fn event_id(&self, payload: Option<&Value>, headers: &crate::request::Headers) -> Option<String> {
        if let Some(name) = &self.envelope.id_header
            && let Some(value) = headers.get_str(name)
        {
            return Some(value.to_owned());
        }
        let payload = payload?;
        self.envelope.id_pointers.iter().find_map(|p| match payload.pointer(p)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    /// The fixture of an event (`variant` `None`: the default), as written, placeholders and all.
    pub fn fixture(&self, event: &EventDef, variant: Option<&str>) -> Result<Value, Error> {
        let path = event.fixture_path(variant);
        let bytes = self.files.read(&path)?;
        let fixture: Value = serde_json::from_slice(&bytes).map_err(|e| Error::ProviderFile {
            path: self.files.display(&path),
            message: format!("invalid JSON: {e}"),
        })?;
        if event.body_format == BodyFormat::Form && !fixture.is_object() {
            let message = "a form event's fixture is a JSON object of its fields".to_owned();
            return Err(Error::ProviderFile { path: self.files.display(&path), message });
        }
        Ok(fixture)
    }

    /// Whether any of this provider's events is sent form-encoded, so a body may be read as a form.
    pub fn takes_forms(&self) -> bool {
        self.events.iter().any(|e| e.body_format == BodyFormat::Form)
    }

    /// A received body as the value schemas and the envelope read: JSON, or a form's fields for a provider that
    /// sends forms (see `body::parse`). `content_type` is the request's header, when it has one.
    pub fn parse_body(&self, body: &[u8], content_type: Option<&[u8]>) -> Result<Parsed, Unreadable> {
        body::parse(body, content_type, self.takes_forms().then_some(self.form_json_fields.as_slice()))
    }

    /// A rendered payload of `event` serialised the way this provider sends it: a form's fields form-encoded
    /// (`Provider::fixture` made sure they are an object), JSON in the provider's style.
    pub fn serialize_body(&self, event: &EventDef, payload: &Value) -> Vec<u8> {
        if let (BodyFormat::Form, Value::Object(fields)) = (event.body_format, payload) {
            return crate::form::encode(fields);
        }
        let serialized = match self.body_style {
            BodyStyle::Compact => serde_json::to_vec(payload),
            BodyStyle::Pretty => serde_json::to_vec_pretty(payload),
        };
        serialized.expect("a serde_json::Value always serialises")
    }

    /// How strongly a request looks like this provider's: its signature header counts most, then its route,
    /// then its other headers. Zero: nothing of this provider's is there.
    pub fn affinity(&self, request: &crate::request::Request) -> u32 {
        let headers = &request.headers;
        let scheme = &self.scheme;
        let mut score = 0;
        if scheme.is_signed() && headers.find(scheme.signature_headers()).is_some() {
            score += 4;
        }
        if self.routes.iter().any(|r| r == request.path()) {
            score += 3;
        }
        if let Some(spec) = &scheme.timestamp
            && spec.header.as_ref().is_some_and(|h| headers.get(h).is_some())
        {
            score += 1;
        }
        let named = self.envelope.type_headers.iter().chain(self.envelope.id_header.as_ref());
        score += named.filter(|h| headers.get(h).is_some()).count() as u32;
        score
    }

    /// The header of the provider's own (`[headers]`) that carries its event id, when the id is rendered from a
    /// template there (Shopify's `X-Shopify-Event-Id`) rather than read from the payload or the message id. A
    /// delivery renders it once, so its retries and duplicates carry the same value, as the provider's do.
    pub fn event_id_header(&self) -> Option<(&str, &str)> {
        let name = self.envelope.id_header.as_deref()?;
        if self.scheme.message_id.as_ref().is_some_and(|m| m.header.eq_ignore_ascii_case(name)) {
            return None;
        }
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(n, t)| (n.as_str(), t.as_str()))
    }

    /// What a receiver dedupes this provider's deliveries on, in words: `X-Shopify-Event-Id header`,
    /// `/id in the payload`; `None` when the provider documents no event id.
    pub fn dedupe_key(&self) -> Option<String> {
        if let Some(header) = &self.envelope.id_header {
            return Some(format!("{header} header"));
        }
        let pointers = &self.envelope.id_pointers;
        (!pointers.is_empty()).then(|| format!("{} in the payload", pointers.join(" or ")))
    }

    /// `KEY1 (or KEY2)` for messages about where a secret may come from.
    pub fn secret_env_list(&self) -> String {
        self.secret_env.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(" or ")
    }
}

#[cfg(test)]
mod tests;
