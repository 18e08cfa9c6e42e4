//! What a body is: the formats providers send events in (JSON, form-encoded), the Content-Type each goes with,
//! and a received body read back into the JSON value that schemas and envelopes work on.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::form;

/// How a provider sends an event's body (`body_format` in `provider.toml`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BodyFormat {
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` fields (Slack's slash commands and interactivity payloads).
    Form,
}

impl BodyFormat {
    /// How messages name it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Json => "JSON",
            Self::Form => "form-encoded",
        }
    }

    /// The Content-Type that replaces the provider's own header for a body of this format. `None` for JSON: a
    /// provider's `[headers]` already name the JSON type it sends (with or without a charset).
    pub fn content_type(self) -> Option<&'static str> {
        match self {
            Self::Json => None,
            Self::Form => Some(form::CONTENT_TYPE),
        }
    }
}

/// A body read as a value, and the format it was read as.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    pub format: BodyFormat,
}

/// Why a body could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    NotJson(String),
    /// A form whose JSON field (Slack's `payload`) does not parse.
    BadForm(String),
}

/// Reads `body`. With `forms` `None` (a provider that sends only JSON) it is JSON or nothing: the path every
/// JSON provider's request takes, unchanged. With the provider's JSON-holding form fields, a body is read as a
/// form when its Content-Type says so, or when it is not JSON and looks like a form (a capture or `--body`
/// file without a Content-Type).
pub fn parse(body: &[u8], content_type: Option<&[u8]>, forms: Option<&[String]>) -> Result<Parsed, Unreadable> {
    let json = || {
        serde_json::from_slice(body).map(|value| Parsed { value, format: BodyFormat::Json }).map_err(|e| e.to_string())
    };
    let Some(json_fields) = forms else { return json().map_err(Unreadable::NotJson) };
    let as_form = || {
        form::decode(body, json_fields)
            .map(|value| Parsed { value, format: BodyFormat::Form })
            .map_err(Unreadable::BadForm)
    };
    if content_type.is_some_and(form::is_form_content_type) {
        return as_form();
    }
    match json() {
        Ok(parsed) => Ok(parsed),
        Err(_) if form::looks_like(body) => as_form(),
        Err(reason) => Err(Unreadable::NotJson(format!("{reason} (nor is it form-encoded name=value pairs)"))),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const FIELDS: &[String] = &[];

    #[test]
    fn a_json_only_provider_reads_json_only() {
        let parsed = parse(br#"{"a":1}"#, None, None).expect("JSON");
        assert_eq!((parsed.value, parsed.format), (json!({"a": 1}), BodyFormat::Json));
        let form_type = Some(form::CONTENT_TYPE.as_bytes());
        assert!(matches!(parse(b"a=1", form_type, None), Err(Unreadable::NotJson(_))));
    }

    #[test]
    fn a_form_provider_reads_forms_by_content_type_or_by_their_look() {
        let form_type = Some(form::CONTENT_TYPE.as_bytes());
        for content_type in [form_type, None, Some(&b"application/json"[..])] {
            let parsed = parse(b"command=%2Fdeploy&text=now", content_type, Some(FIELDS)).expect("a form");
            assert_eq!(parsed.format, BodyFormat::Form);
            assert_eq!(parsed.value, json!({"command": "/deploy", "text": "now"}));
        }
        let parsed = parse(br#"{"type":"url_verification"}"#, None, Some(FIELDS)).expect("JSON");
        assert_eq!(parsed.format, BodyFormat::Json);
        match parse(b"hello world", None, Some(FIELDS)) {
            Err(Unreadable::NotJson(reason)) => assert!(reason.ends_with("(nor is it form-encoded name=value pairs)")),
            other => panic!("{other:?}"),
        }
        let fields = ["payload".to_owned()];
        assert!(matches!(parse(b"payload=nope", form_type, Some(&fields)), Err(Unreadable::BadForm(_))));
    }
}
