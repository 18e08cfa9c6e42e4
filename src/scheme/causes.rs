//! Causes of a failed verdict that no alteration of the body or key reproduces, and that must be named before
//! anyone is told the secret is wrong: a signature header not in the scheme's form, and a body cut short.

use super::Scheme;
use super::diagnose::Finding;
use crate::request::Request;

/// The signature header is there but not in the scheme's form: what was expected, and how it differs.
pub(super) fn malformed(request: &Request, provider: &str, scheme: &Scheme) -> Option<Finding> {
    let (header, raw) = request.headers.find(scheme.signature_headers())?;
    let reason = match std::str::from_utf8(raw) {
        Err(_) => "the value is not UTF-8".to_owned(),
        Ok(value) => match scheme.layout.parse(value) {
            Err(reason) => reason,
            Ok(parsed) => {
                let well_formed = parsed
                    .signatures
                    .iter()
                    .filter_map(|s| scheme.encoding.decode(s))
                    .any(|s| s.len() == scheme.algorithm.output_len());
                if well_formed {
                    return None;
                }
                let first = parsed.signatures.first().map_or("", String::as_str);
                format!("found {}", scheme.describe_signature(first))
            }
        },
    };
    Some(Finding {
        code: "malformed-signature-header",
        message: format!(
            "malformed signature header: {provider} sends `{header}` as {}; {reason}. The signature cannot be \
             checked, so this says nothing about the secret",
            scheme.expected_header()
        ),
    })
}

/// A JSON body that ends mid-value: a signature over the whole body cannot match part of it. Without a
/// Content-Length nothing else says how long the body was, so a capture cut short looks like a wrong secret.
pub(super) fn truncated(request: &Request) -> Option<Finding> {
    let body = &request.body;
    let start = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if !matches!(start, b'{' | b'[') {
        return None;
    }
    let error = serde_json::from_slice::<serde::de::IgnoredAny>(body).err()?;
    if !error.is_eof() {
        return None;
    }
    let length = match request.headers.get_str("content-length") {
        None => "no Content-Length says how long it was, so the capture or a proxy most likely cut it short",
        Some(_) => "it was most likely cut short between signing and sending",
    };
    Some(Finding {
        code: "body-truncated",
        message: format!(
            "the body looks truncated: its JSON ends mid-value ({error}) after {} bytes, and {length}; the \
             signature covers the whole body, so capture the request again in full",
            body.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{Algorithm, Encoding, KeyEncoding, Layout, Template};

    fn bare(header: &str) -> Scheme {
        Scheme {
            algorithm: Algorithm::HmacSha256,
            header: header.into(),
            aliases: Vec::new(),
            content: Template::parse("{body}").expect("template"),
            key: KeyEncoding::Raw,
            key_prefix: None,
            encoding: Encoding::Hex,
            layout: Layout::Bare,
            timestamp: None,
            message_id: None,
            credentials: Vec::new(),
        }
    }

    fn hmac(body: &str) -> String {
        hex::encode(Algorithm::HmacSha256.mac(b"s", [body.as_bytes()]))
    }

    #[test]
    fn a_signature_of_the_wrong_form_is_malformed_with_what_was_expected() {
        let scheme = bare("Payvost-Signature");
        let mut request = Request::post("/", "{}");
        assert_eq!(malformed(&request, "payvost", &scheme), None, "no header: not malformed");
        request.headers.push("Payvost-Signature", format!("zz{}", hmac("{}")));
        let finding = malformed(&request, "payvost", &scheme).expect("malformed");
        assert_eq!(finding.code, "malformed-signature-header");
        assert!(finding.message.contains("64 hex characters (HMAC-SHA256)"), "{}", finding.message);
        assert!(finding.message.contains("66 characters that are not hex"), "{}", finding.message);

        request.headers.set("Payvost-Signature", &hmac("{}")[..40]);
        let finding = malformed(&request, "payvost", &scheme).expect("too short");
        assert!(finding.message.contains("found 40 hex characters"), "{}", finding.message);

        request.headers.set("Payvost-Signature", hmac("other"));
        assert_eq!(malformed(&request, "payvost", &scheme), None, "well-formed, only wrong");

        let github = Scheme { layout: Layout::Prefixed("sha256=".into()), ..bare("X-Hub-Signature-256") };
        let mut request = Request::post("/", "{}");
        request.headers.push("X-Hub-Signature-256", hmac("{}"));
        let finding = malformed(&request, "github", &github).expect("no prefix");
        assert!(finding.message.contains("`sha256=` then 64 hex characters"), "{}", finding.message);
    }

    #[test]
    fn json_that_ends_mid_value_is_truncated() {
        let body = r#"{"id":"evt_1","type":"payment.succeeded","data":{"amount":"9.9"#;
        let finding = truncated(&Request::post("/", body)).expect("truncated");
        assert_eq!(finding.code, "body-truncated");
        assert!(finding.message.contains("no Content-Length"), "{}", finding.message);
        assert_eq!(truncated(&Request::post("/", r#"{"id":"evt_1"}"#)), None, "complete");
        assert_eq!(truncated(&Request::post("/", r#"{"id":"evt_1"}}"#)), None, "invalid, not cut short");
        assert_eq!(truncated(&Request::post("/", "payload=%7B%22a")), None, "not JSON at all");
        assert_eq!(truncated(&Request::post("/", "")), None, "empty");
    }
}
