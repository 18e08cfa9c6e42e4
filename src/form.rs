//! `application/x-www-form-urlencoded` bodies (Slack's slash commands and interactivity payloads, Twilio):
//! a form fixture's fields encoded for sending, a received body's fields read back as the JSON object the
//! schemas and the envelope work on, and a strict test of whether some text is a form at all.
//!
//! The percent-encoding itself is the `form_urlencoded` crate's (the WHATWG rules browsers and SDKs follow).

use serde_json::{Map, Value};

/// The Content-Type of a form body.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Whether a Content-Type header value names a form body (parameters such as `; charset=utf-8` aside).
pub fn is_form_content_type(value: &[u8]) -> bool {
    let essence = value.split(|b| *b == b';').next().unwrap_or_default();
    essence.trim_ascii().eq_ignore_ascii_case(CONTENT_TYPE.as_bytes())
}

/// A form fixture's fields, in order. Text is sent as it is, a number or boolean as its JSON text, an object or
/// array as compact JSON (Slack's `payload=` field holds the interaction as JSON), null as an empty value.
pub fn encode(fields: &Map<String, Value>) -> Vec<u8> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        match value {
            Value::String(text) => out.append_pair(name, text),
            Value::Null => out.append_pair(name, ""),
            other => out.append_pair(name, &other.to_string()),
        };
    }
    out.finish().into_bytes()
}

/// A form body's fields as a JSON object of text. A field given more than once becomes an array of its values,
/// in order; the fields named in `json_fields` hold JSON and become the value it parses to.
pub fn decode(body: &[u8], json_fields: &[String]) -> Result<Value, String> {
    let mut fields: Map<String, Value> = Map::new();
    let mut repeated: Vec<String> = Vec::new();
    for (name, value) in form_urlencoded::parse(body) {
        let value = if json_fields.iter().any(|f| *f == name) {
            serde_json::from_str(&value).map_err(|e| format!("the `{name}` field is not JSON: {e}"))?
        } else {
            Value::String(value.into_owned())
        };
        match fields.get_mut(name.as_ref()) {
            None => {
                fields.insert(name.into_owned(), value);
            }
            Some(Value::Array(values)) if repeated.iter().any(|r| *r == name) => values.push(value),
            Some(first) => {
                *first = Value::Array(vec![first.take(), value]);
                repeated.push(name.into_owned());
            }
        }
    }
    Ok(Value::Object(fields))
}

/// Whether `body` is a form as encoders write one: `name=value` pairs joined by `&`, every name non-empty, only
/// printable ASCII other than space, quotes, braces and backslashes, and every `%` starting a two-digit hex
/// escape. JSON, prose and binary are not forms; `a=1` is. Used where no Content-Type says what a body is.
pub fn looks_like(body: &[u8]) -> bool {
    let allowed = |b: u8| b.is_ascii_graphic() && !matches!(b, b'"' | b'{' | b'}' | b'\\');
    if body.is_empty() || !body.iter().all(|b| allowed(*b)) {
        return false;
    }
    let escapes_valid = body
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(i, _)| body.get(i + 1..i + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)));
    escapes_valid
        && body.split(|b| *b == b'&').all(|pair| pair.iter().position(|b| *b == b'=').is_some_and(|eq| eq > 0))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Slack's public slash-command test vector (slack_sdk's signature tests).
    const SLACK_VECTOR: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

    #[test]
    fn a_real_form_decodes_and_encodes_back_to_the_same_bytes() {
        let fields = decode(SLACK_VECTOR.as_bytes(), &[]).expect("decodes");
        assert_eq!(fields["command"], "/webhook-collect");
        assert_eq!(fields["text"], "");
        assert_eq!(
            fields["response_url"],
            "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"
        );
        assert_eq!(encode(fields.as_object().expect("object")), SLACK_VECTOR.as_bytes());
        assert!(looks_like(SLACK_VECTOR.as_bytes()));
    }

    #[test]
    fn json_fields_round_trip_as_values_and_other_values_as_text() {
        let fields = json!({"payload": {"type": "block_actions", "text": "a&b=c é"}, "n": 3, "ok": true, "none": null});
        let body = encode(fields.as_object().expect("object"));
        let text = String::from_utf8(body.clone()).expect("ASCII");
        assert!(text.starts_with("payload=%7B%22type%22%3A%22block_actions%22"), "{text}");
        assert!(text.ends_with("&n=3&ok=true&none="), "{text}");
        assert!(looks_like(&body));
        let back = decode(&body, &["payload".into()]).expect("decodes");
        assert_eq!(back, json!({"payload": fields["payload"], "n": "3", "ok": "true", "none": ""}));
        let bad = decode(b"payload=%7Bnot", &["payload".into()]).expect_err("not JSON");
        assert!(bad.starts_with("the `payload` field is not JSON"), "{bad}");
    }

    #[test]
    fn repeated_fields_keep_every_value_in_order() {
        let fields = decode(b"Sid=CA123&Digits=5678&Digits=1234&Digits=9", &[]).expect("decodes");
        assert_eq!(fields, json!({"Sid": "CA123", "Digits": ["5678", "1234", "9"]}));
    }

    #[test]
    fn only_forms_look_like_forms() {
        for form in ["a=1", "a=", "a=1&b=2", "text=hello+world%21", "url=https://x.test/a?b"] {
            assert!(looks_like(form.as_bytes()), "{form}");
        }
        for other in [
            "",
            "{\"a\":1}",
            "[1]",
            "hello",
            "a=1&",
            "&a=1",
            "=1",
            "a=1 b=2",
            "a=%zz",
            "a=%4",
            "a=é",
            "a=\"x\"",
            "a=1\n",
        ] {
            assert!(!looks_like(other.as_bytes()), "{other:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// Any fields (distinct names, any text) a fixture could hold encode to a form that looks like one and
        /// reads back as the same fields, in the same order.
        #[test]
        fn any_fields_encode_to_a_form_that_reads_back(
            fields in proptest::collection::btree_map("[^&=]{1,8}|\\PC{1,8}", "\\PC{0,24}", 1..8)
        ) {
            let map: Map<String, Value> = fields.into_iter().map(|(k, v)| (k, Value::String(v))).collect();
            let body = encode(&map);
            proptest::prop_assert!(looks_like(&body), "{}", String::from_utf8_lossy(&body));
            proptest::prop_assert_eq!(decode(&body, &[]).expect("decodes"), Value::Object(map));
        }

        /// Whatever a stranger sends reads as fields without failing (only a JSON field may refuse it).
        #[test]
        fn any_bytes_read_as_fields(data in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256)) {
            proptest::prop_assert!(decode(&data, &[]).is_ok_and(|v| v.is_object()));
            let _ = decode(&data, &["payload".to_owned()]);
        }
    }

    #[test]
    fn content_types_are_compared_without_parameters_or_case() {
        assert!(is_form_content_type(b"application/x-www-form-urlencoded"));
        assert!(is_form_content_type(b"Application/X-WWW-Form-Urlencoded; charset=utf-8"));
        assert!(!is_form_content_type(b"application/json"));
        assert!(!is_form_content_type(b"multipart/form-data; boundary=x"));
    }
}
