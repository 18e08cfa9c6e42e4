//! `provider.toml` as written, and its conversion into the checked model. The format is documented in
//! `fixtures/README.md`; every field here appears there.

use std::time::Duration;

use serde::Deserialize;

use super::{
    Answer, CATEGORIES, Delivery, Envelope, EventDef, FACTS, Files, Provider, Recognize, RetryFrom, Source, SourceKind,
    TimeFormat,
};
use crate::body::BodyFormat;
use crate::scheme::{
    Algorithm, CredentialSpec, Encoding, KeyEncoding, KeyForms, Layout, MessageIdSpec, PrivateKeyForm, PublicKeyForm,
    Scheme, Template, TimestampSpec,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ProviderFile {
    name: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    routes: Vec<String>,
    #[serde(default)]
    secret_env: Vec<String>,
    #[serde(default)]
    body: BodyStyle,
    #[serde(default)]
    body_format: BodyFormat,
    #[serde(default)]
    form_json_fields: Vec<String>,
    signature: SignatureFile,
    #[serde(default)]
    timestamp: Option<TimestampFile>,
    #[serde(default)]
    message_id: Option<MessageIdFile>,
    #[serde(default)]
    credential: Vec<CredentialFile>,
    #[serde(default)]
    headers: toml::Table,
    #[serde(default)]
    envelope: EnvelopeFile,
    #[serde(default)]
    delivery: DeliveryFile,
    #[serde(default)]
    handshake: Option<HandshakeFile>,
    #[serde(default)]
    events: toml::Table,
    /// Where each fact came from: `fact = "document: …" | "sdk: …" | "assumed: …"`.
    #[serde(default)]
    sources: toml::Table,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyStyle {
    #[default]
    Compact,
    Pretty,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SignatureFile {
    algorithm: Algorithm,
    #[serde(default)]
    header: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    key: KeyEncoding,
    #[serde(default)]
    key_prefix: Option<String>,
    #[serde(default)]
    encoding: Encoding,
    #[serde(default)]
    layout: LayoutName,
    #[serde(default)]
    prefix: Option<String>,
    #[serde(default)]
    timestamp_key: Option<String>,
    #[serde(default)]
    signature_key: Option<String>,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    separator: Option<String>,
    #[serde(default)]
    group_separator: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    body_digest: Option<String>,
    #[serde(default)]
    algorithm_header: Option<String>,
    #[serde(default)]
    algorithms: std::collections::BTreeMap<String, Algorithm>,
    #[serde(default)]
    public_key: Option<PublicKeyForm>,
    #[serde(default)]
    public_key_prefix: Option<String>,
    #[serde(default)]
    private_key: Option<PrivateKeyForm>,
    #[serde(default)]
    private_key_prefix: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum LayoutName {
    #[default]
    Bare,
    Prefixed,
    KeyValue,
    VersionedList,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TimestampFile {
    #[serde(default)]
    header: Option<String>,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    format: Option<String>,
    tolerance: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MessageIdFile {
    header: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    format: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialFile {
    name: String,
    header: String,
    value: String,
    #[serde(default)]
    env: Vec<String>,
}

/// One JSON pointer or several tried in order.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
enum Pointers {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Pointers {
    fn into_vec(self) -> Vec<String> {
        match self {
            Self::None => Vec::new(),
            Self::One(p) => vec![p],
            Self::Many(ps) => ps,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvelopeFile {
    #[serde(default, rename = "type")]
    type_: Pointers,
    /// A header, or several: the first whose value is a catalog event names it, else the last present.
    #[serde(default)]
    type_header: Pointers,
    #[serde(default)]
    subtype: Pointers,
    #[serde(default)]
    id: Pointers,
    #[serde(default)]
    id_header: Option<String>,
    #[serde(default)]
    time: Pointers,
    #[serde(default)]
    time_format: Option<String>,
    #[serde(default)]
    recognize: Vec<RecognizeFile>,
    #[serde(default)]
    type_names: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecognizeFile {
    event: String,
    fields: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeliveryFile {
    #[serde(default)]
    timeout: Option<String>,
    #[serde(default)]
    retry: Vec<String>,
    #[serde(default)]
    retry_from: RetryFrom,
    #[serde(default)]
    answer: Option<AnswerFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HandshakeFile {
    event: String,
    /// `POST` (default) | `GET`: a GET handshake has no body; its challenge is `challenge_query`.
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    challenge: String,
    /// A query parameter holding the challenge (with `method = "GET"`).
    #[serde(default)]
    challenge_query: Option<String>,
    /// A header holding the challenge (Asana's `X-Hook-Secret`), the request having no body.
    #[serde(default)]
    challenge_header: Option<String>,
    /// `echo` | `header` | `hmac-sha256-hex` | `json`
    answer: String,
    /// Headers of the answer besides its Content-Type.
    #[serde(default)]
    headers: toml::Table,
    /// `answer = "json"`: the JSON body answered (Discord's `{"type":1}`)
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    plain_key: Option<String>,
    #[serde(default)]
    mac_key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerFile {
    #[serde(default = "ok")]
    status: u16,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    body: String,
}

fn ok() -> u16 {
    200
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventFile {
    #[serde(default)]
    description: String,
    #[serde(default)]
    variants: Vec<String>,
    #[serde(default)]
    route: Option<String>,
    #[serde(default)]
    file: Option<String>,
    #[serde(default)]
    body_format: Option<BodyFormat>,
    /// Headers this event is sent with in place of the provider's of the same name (or besides them).
    #[serde(default)]
    headers: toml::Table,
}

/// A `[headers]` table (the provider's, or an event's): names and values a request can carry.
fn header_table(table: toml::Table, what: &str) -> Result<Vec<(String, String)>, String> {
    table
        .into_iter()
        .map(|(k, v)| match v {
            toml::Value::String(_) if reqwest::header::HeaderName::from_bytes(k.as_bytes()).is_err() => {
                Err(format!("{what}: `{k}` is not a valid header name"))
            }
            toml::Value::String(s) if reqwest::header::HeaderValue::from_str(&s).is_err() => {
                Err(format!("{what}: the value of `{k}` has a line break or another control character"))
            }
            toml::Value::String(s) => Ok((k, s)),
            other => Err(format!("{what}: header `{k}` must be a string, not {}", other.type_str())),
        })
        .collect()
}

/// `[handshake]`, checked: one place for the challenge, an answer that can be given from it.
fn handshake(h: HandshakeFile, events: &[EventDef]) -> Result<crate::provider::Handshake, String> {
    use crate::provider::{Challenge, HandshakeAnswer};
    let get = match h.method.as_deref() {
        None => false,
        Some(method) if method.eq_ignore_ascii_case("POST") => false,
        Some(method) if method.eq_ignore_ascii_case("GET") => true,
        Some(other) => return Err(format!("handshake.method {other:?} must be \"POST\" or \"GET\"")),
    };
    let places = [!h.challenge.is_empty(), h.challenge_query.is_some(), h.challenge_header.is_some()];
    if places.iter().filter(|given| **given).count() > 1 {
        return Err("handshake: give one of challenge, challenge_query and challenge_header".into());
    }
    let challenge = match (h.challenge_query, h.challenge_header) {
        (Some(query), _) if !get => {
            return Err(format!("handshake.challenge_query {query:?} is read from a GET: add method = \"GET\""));
        }
        (Some(query), _) if query.is_empty() => return Err("handshake.challenge_query must name a parameter".into()),
        (Some(query), _) => Challenge::Query(query),
        (None, _) if get => {
            return Err("a GET handshake has no body: its challenge is handshake.challenge_query".into());
        }
        (None, Some(header)) if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() => {
            return Err(format!("handshake.challenge_header {header:?} is not a valid header name"));
        }
        (None, Some(header)) => Challenge::Header(header),
        (None, None) => {
            if h.answer != "json" && !h.challenge.starts_with('/') {
                return Err("handshake.challenge must be a JSON pointer starting with `/`".into());
            }
            Challenge::Body(h.challenge)
        }
    };
    let bodiless = !matches!(challenge, Challenge::Body(_));
    // A handshake with a body is an event of the catalog (its fixture is what `send … handshake` sends); one
    // without is known by its challenge, and `event` is only its name.
    if !bodiless && !events.iter().any(|e| e.name == h.event) {
        return Err(format!("handshake.event `{}` is not in the catalog", h.event));
    }
    if h.event.is_empty() {
        return Err("handshake.event must name the handshake".into());
    }
    let answer = match h.answer.as_str() {
        "json" if bodiless => return Err("handshake.answer \"json\" answers a handshake with a body".into()),
        "json" => {
            let body = required("handshake.body", h.body, "for answer = \"json\"")?;
            if serde_json::from_str::<serde_json::Value>(&body).is_err() {
                return Err("handshake.body must be JSON text".into());
            }
            HandshakeAnswer::Json(body)
        }
        "echo" => HandshakeAnswer::Echo,
        "header" if !matches!(challenge, Challenge::Header(_)) => {
            return Err(
                "handshake.answer \"header\" echoes the challenge header: set handshake.challenge_header".into()
            );
        }
        "header" => HandshakeAnswer::Header,
        "hmac-sha256-hex" => HandshakeAnswer::HmacSha256Hex {
            plain_key: required("handshake.plain_key", h.plain_key, "for answer = \"hmac-sha256-hex\"")?,
            mac_key: required("handshake.mac_key", h.mac_key, "for answer = \"hmac-sha256-hex\"")?,
        },
        other => {
            return Err(format!(
                "handshake.answer {other:?} must be \"echo\", \"header\", \"hmac-sha256-hex\" or \"json\""
            ));
        }
    };
    let headers = header_table(h.headers, "handshake.headers")?;
    Ok(crate::provider::Handshake { event: h.event, challenge, answer, headers })
}

/// `[sources]`: each fact known (see `FACTS`, or `events.<name>` of an event in the catalog) and each value
/// `document: …`, `sdk: …` or `assumed: …`.
fn sources(table: toml::Table, events: &[EventDef]) -> Result<Vec<Source>, String> {
    let mut sources = Vec::new();
    for (fact, value) in table {
        let known = FACTS.contains(&fact.as_str())
            || fact.strip_prefix("events.").is_some_and(|name| events.iter().any(|e| e.name == name));
        if !known {
            return Err(format!(
                "[sources]: `{fact}` is not a fact of the model (one of {}, or events.<name> of a listed event)",
                FACTS.join(", ")
            ));
        }
        let toml::Value::String(text) = value else { return Err(format!("[sources]: `{fact}` must be a string")) };
        let (kind, detail) = match text.split_once(':') {
            Some(("document", detail)) => (SourceKind::Document, detail),
            Some(("sdk", detail)) => (SourceKind::Sdk, detail),
            Some(("assumed", detail)) => (SourceKind::Assumed, detail),
            _ => return Err(format!("[sources]: `{fact}` must start with `document:`, `sdk:` or `assumed:`")),
        };
        let detail = detail.trim();
        if detail.is_empty() {
            return Err(format!("[sources]: `{fact}` says where, or why it is assumed, after the colon"));
        }
        sources.push(Source { fact, kind, detail: detail.to_owned() });
    }
    Ok(sources)
}

/// Whether a fixture's file stem stays inside the provider folder: relative, made of plain names. A provider
/// folder can come from a cloned repository; `file = "../../../etc/x"` must not read outside it.
fn inside_folder(stem: &str) -> Result<(), &'static str> {
    if stem.is_empty() || stem.contains(['\\', '\0']) {
        return Err("must be a plain relative name");
    }
    if stem.starts_with('/') || stem.split('/').any(|part| part.is_empty() || part == "." || part == "..") {
        return Err("leaves the provider folder (no absolute paths, `.` or `..`)");
    }
    Ok(())
}

fn duration(field: &str, text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text)
        .map_err(|e| format!("`{field}` = {text:?} is not a duration like \"5s\" or \"1h\": {e}"))
}

fn required(field: &str, value: Option<String>, why: &str) -> Result<String, String> {
    value.filter(|v| !v.is_empty()).ok_or_else(|| format!("`{field}` is required {why}"))
}

impl ProviderFile {
    pub(super) fn parse(text: &str) -> Result<Self, String> {
        toml::from_str(text).map_err(|e| crate::error::toml_message(text, &e))
    }

    pub(super) fn into_provider(self, files: Files) -> Result<Provider, String> {
        let scheme = self.scheme_parts()?;
        let name = self.name;
        let category = match self.category {
            Some(category) if CATEGORIES.contains(&category.as_str()) => category,
            Some(category) => {
                return Err(format!("category {category:?} is not one of {}", CATEGORIES.join(", ")));
            }
            None => "other".to_owned(),
        };
        let mut routes = self.routes;
        for route in &routes {
            if !route.starts_with('/') {
                return Err(format!("route {route:?} must start with `/`"));
            }
        }
        let generic = format!("/webhooks/{name}");
        if !routes.contains(&generic) {
            routes.push(generic);
        }

        let headers = header_table(self.headers, "[headers]")?;

        let envelope = self.envelope;
        let time_format = match envelope.time_format {
            Some(text) => TimeFormat::parse(&text)?,
            None => TimeFormat::Rfc3339,
        };
        let envelope = Envelope {
            type_pointers: envelope.type_.into_vec(),
            type_headers: envelope.type_header.into_vec(),
            subtype_pointers: envelope.subtype.into_vec(),
            id_pointers: envelope.id.into_vec(),
            id_header: envelope.id_header,
            time_pointers: envelope.time.into_vec(),
            time_format,
            recognize: envelope.recognize.into_iter().map(|r| Recognize { event: r.event, fields: r.fields }).collect(),
            type_names: envelope.type_names.into_iter().collect(),
        };
        let pointers =
            [&envelope.type_pointers, &envelope.subtype_pointers, &envelope.id_pointers, &envelope.time_pointers];
        for pointer in pointers.into_iter().flatten() {
            if !pointer.starts_with('/') {
                return Err(format!("envelope pointer {pointer:?} must be a JSON pointer starting with `/`"));
            }
        }

        let delivery = self.delivery;
        let timeout = delivery.timeout.as_deref().map(|t| duration("delivery.timeout", t)).transpose()?;
        if timeout.is_some_and(|t| t.is_zero()) {
            return Err("`delivery.timeout` must be longer than 0s".into());
        }
        let delivery = Delivery {
            timeout,
            retry: delivery.retry.iter().map(|d| duration("delivery.retry", d)).collect::<Result<_, _>>()?,
            retry_from: delivery.retry_from,
            answer: delivery.answer.map_or_else(Answer::default, |a| Answer {
                status: a.status,
                content_type: a.content_type,
                body: a.body,
            }),
        };

        let mut events = Vec::new();
        for (event_name, value) in self.events {
            let event: EventFile =
                value.try_into().map_err(|e: toml::de::Error| format!("event `{event_name}`: {}", e.message()))?;
            if let Some(route) = &event.route
                && !routes.contains(route)
            {
                return Err(format!("event `{event_name}` uses route {route:?}, which is not in `routes`"));
            }
            let stem = event.file.as_deref().unwrap_or(&event_name);
            inside_folder(stem).map_err(|why| format!("event `{event_name}`: the fixture name {stem:?} {why}"))?;
            for variant in &event.variants {
                if variant.is_empty() || variant.contains(['/', '\\', '\0']) || variant.starts_with('.') {
                    return Err(format!(
                        "event `{event_name}`: variant {variant:?} must be a plain name (no `/`, `\\`, or leading `.`)"
                    ));
                }
            }
            let sent_type = match event_name.split_once('.') {
                Some((sent, _)) if !envelope.subtype_pointers.is_empty() => Some(sent.to_owned()),
                _ => None,
            };
            let event_headers = header_table(event.headers, &format!("event `{event_name}`: headers"))?;
            let event = EventDef {
                headers: event_headers,
                sent_type,
                name: event_name,
                description: event.description,
                variants: event.variants,
                route: event.route,
                file: event.file,
                body_format: event.body_format.unwrap_or(self.body_format),
            };
            // Every fixture and the schema must be there: a missing one should fail here, not mid-run.
            let variants: Vec<Option<&str>> = match event.variants.as_slice() {
                [] => vec![None],
                variants => variants.iter().map(|v| Some(v.as_str())).collect(),
            };
            let needed = variants.into_iter().map(|v| event.fixture_path(v)).chain([event.schema_path()]);
            if let Some(missing) = needed.into_iter().find(|path| !files.exists(path)) {
                return Err(format!("event `{}`: {} is missing", event.name, files.display(&missing)));
            }
            events.push(event);
        }
        for (code, name) in &envelope.type_names {
            if !events.iter().any(|e| e.name == *name) {
                return Err(format!("envelope.type_names maps `{code}` to `{name}`, which is not in the catalog"));
            }
        }
        for rule in &envelope.recognize {
            if !events.iter().any(|e| e.name == rule.event) {
                return Err(format!("envelope.recognize names event `{}`, which is not in the catalog", rule.event));
            }
        }

        let handshake = match self.handshake {
            None => None,
            Some(h) => Some(handshake(h, &events)?),
        };
        let sources = sources(self.sources, &events)?;
        Ok(Provider {
            title: self.title.unwrap_or_else(|| name.clone()),
            name,
            description: self.description,
            category,
            routes,
            secret_env: self.secret_env,
            body_style: self.body,
            form_json_fields: self.form_json_fields,
            scheme,
            headers,
            envelope,
            delivery,
            handshake,
            events,
            files,
            sources,
        })
    }

    fn scheme_parts(&self) -> Result<Scheme, String> {
        let sig = &self.signature;
        let signed = sig.algorithm != Algorithm::None;
        if let Some(field) = &sig.field
            && (!field.starts_with('/') || sig.header.is_some())
        {
            return Err("signature.field is a JSON pointer starting with `/`, in place of signature.header".into());
        }
        let header = if signed && sig.field.is_none() {
            required("signature.header", sig.header.clone(), "for a signed scheme (or signature.field)")?
        } else {
            sig.header.clone().unwrap_or_default()
        };
        let layout = match sig.layout {
            LayoutName::Bare => Layout::Bare,
            LayoutName::Prefixed => {
                Layout::Prefixed(required("signature.prefix", sig.prefix.clone(), "for layout = \"prefixed\"")?)
            }
            LayoutName::KeyValue => Layout::KeyValue {
                timestamp_key: required(
                    "signature.timestamp_key",
                    sig.timestamp_key.clone(),
                    "for layout = \"key-value\"",
                )?,
                signature_key: required(
                    "signature.signature_key",
                    sig.signature_key.clone(),
                    "for layout = \"key-value\"",
                )?,
                separator: sig.separator.clone().unwrap_or_else(|| ",".into()),
                group_separator: sig.group_separator.clone(),
            },
            LayoutName::VersionedList => Layout::VersionedList {
                version: required("signature.version", sig.version.clone(), "for layout = \"versioned-list\"")?,
            },
        };
        if let Layout::KeyValue { separator, group_separator, .. } = &layout {
            if separator.is_empty() || separator.contains('=') {
                return Err("signature.separator must be non-empty text without `=`".into());
            }
            if group_separator.as_ref().is_some_and(|g| g.is_empty() || g == separator || g.contains('=')) {
                return Err("signature.group_separator must be non-empty, without `=`, and not the separator".into());
            }
        }
        let content = Template::parse(sig.content.as_deref().unwrap_or("{body}"))?;
        if sig.body_digest.is_some() && !content.uses(&crate::scheme::Part::Url) {
            return Err("signature.body_digest is a parameter of the signed URL: signature.content needs {url}".into());
        }

        let timestamp = match &self.timestamp {
            None => None,
            Some(ts) => {
                let (millis, rfc3339) = match ts.format.as_deref() {
                    None | Some("unix") => (false, false),
                    Some("unix-ms") => (true, false),
                    Some("rfc3339") => (false, true),
                    Some(other) => {
                        return Err(format!("timestamp.format {other:?} must be \"unix\", \"unix-ms\" or \"rfc3339\""));
                    }
                };
                if let Some(field) = &ts.field
                    && (!field.starts_with('/') || ts.header.is_some())
                {
                    return Err(
                        "timestamp.field is a JSON pointer starting with `/`, in place of timestamp.header".into()
                    );
                }
                if ts.header.is_none() && ts.field.is_none() && !matches!(layout, Layout::KeyValue { .. }) {
                    return Err(
                        "timestamp.header (or timestamp.field) is required unless the signature layout is \"key-value\""
                            .into(),
                    );
                }
                Some(TimestampSpec {
                    field: ts.field.clone(),
                    header: ts.header.clone(),
                    aliases: ts.aliases.clone(),
                    millis,
                    rfc3339,
                    tolerance: duration("timestamp.tolerance", &ts.tolerance)?,
                })
            }
        };
        if content.uses(&crate::scheme::Part::Timestamp) && timestamp.is_none() {
            return Err("signature.content uses {timestamp} but there is no [timestamp] table".into());
        }
        let message_id = self.message_id.as_ref().map(|m| MessageIdSpec {
            header: m.header.clone(),
            aliases: m.aliases.clone(),
            format: m.format.clone().unwrap_or_else(|| "{{uuid}}".into()),
        });
        if content.uses(&crate::scheme::Part::Id) && message_id.is_none() {
            return Err("signature.content uses {id} but there is no [message_id] table".into());
        }
        let credentials = self
            .credential
            .iter()
            .map(|c| {
                if !c.value.contains("{credential}") {
                    return Err(format!("credential `{}`: value must contain {{credential}}", c.name));
                }
                Ok(CredentialSpec {
                    name: c.name.clone(),
                    header: c.header.clone(),
                    value: c.value.clone(),
                    env: c.env.clone(),
                })
            })
            .collect::<Result<_, String>>()?;

        let algorithm_header = match (&sig.algorithm_header, sig.algorithms.is_empty()) {
            (None, true) => None,
            (None, false) => return Err("signature.algorithms needs signature.algorithm_header".into()),
            (Some(_), true) => return Err("signature.algorithm_header needs signature.algorithms".into()),
            (Some(header), false) => {
                let values: Vec<(String, Algorithm)> = sig.algorithms.iter().map(|(n, a)| (n.clone(), *a)).collect();
                if let Some((name, _)) = values
                    .iter()
                    .find(|(_, a)| matches!(a, Algorithm::None | Algorithm::Token) || a.asymmetric().is_some())
                {
                    return Err(format!("signature.algorithms: `{name}` must name an HMAC"));
                }
                if !values.iter().any(|(_, a)| *a == sig.algorithm) {
                    return Err("signature.algorithms must name signature.algorithm, which signing uses".into());
                }
                Some(crate::scheme::AlgorithmHeader { header: header.clone(), values })
            }
        };
        let asymmetric = sig.algorithm.asymmetric().is_some();
        let key_forms = KeyForms {
            public: sig.public_key.unwrap_or_default(),
            public_prefix: sig.public_key_prefix.clone().filter(|p| !p.is_empty()),
            private: sig.private_key.unwrap_or_default(),
            private_prefix: sig.private_key_prefix.clone().filter(|p| !p.is_empty()),
        };
        let forms_given = sig.public_key.is_some()
            || sig.public_key_prefix.is_some()
            || sig.private_key.is_some()
            || sig.private_key_prefix.is_some();
        if forms_given && !asymmetric {
            return Err("signature.public_key, private_key and their prefixes are for ed25519 and ecdsa-p256-sha256 \
                        schemes"
                .into());
        }
        if asymmetric && (sig.key_prefix.is_some() || sig.key != KeyEncoding::Raw) {
            return Err(format!(
                "signature.key and key_prefix describe a shared secret; a {} scheme's keys are described by \
                 public_key, public_key_prefix, private_key and private_key_prefix",
                sig.algorithm
            ));
        }
        if asymmetric && (sig.algorithm_header.is_some() || sig.algorithms.values().any(|a| a.asymmetric().is_some())) {
            return Err("signature.algorithm_header names HMACs; an asymmetric scheme has one algorithm".into());
        }
        Ok(Scheme {
            key_forms,
            signature_field: sig.field.clone(),
            body_digest: sig.body_digest.clone().filter(|p| !p.is_empty()),
            algorithm_header,
            algorithm: sig.algorithm,
            header,
            aliases: sig.aliases.clone(),
            content,
            key: sig.key,
            key_prefix: sig.key_prefix.clone().filter(|p| !p.is_empty()),
            encoding: sig.encoding,
            layout,
            timestamp,
            message_id,
            credentials,
        })
    }

    pub(super) fn name(&self) -> &str {
        &self.name
    }
}
