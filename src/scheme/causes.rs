//! Causes of a failed verdict that no alteration of the body or key reproduces, and that must be named before
//! anyone is told the secret is wrong: a signature header not in the scheme's form, a body cut short, and the
//! right signature in another form or under another provider's header name.

use super::diagnose::{Candidate, Finding};
use super::{Keys, Scheme, verify};
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

/// The right signature in the wrong form: GitHub's without its `sha256=`, Payvost's with one. Any piece of the
/// header that matches as the whole signature shows the signer computed it as this provider does, so this is
/// named before another provider whose form it happens to have.
pub(super) fn layout_mix_up(
    request: &Request,
    provider: &str,
    scheme: &Scheme,
    keys: &Keys,
    now: i64,
) -> Option<Finding> {
    // A timestamp inside the signature header (`t=…,v1=…`) cannot be told from the signature by its pieces.
    if scheme.timestamp.as_ref().is_some_and(|spec| spec.header.is_none()) {
        return None;
    }
    let (header, raw) = request.headers.find(scheme.signature_headers())?;
    let value = std::str::from_utf8(raw).ok()?.trim();
    let bare = Scheme { layout: super::Layout::Bare, ..scheme.clone() };
    // Each try is a MAC over the body: only pieces shaped like a signature are tried, and only the first few of
    // them, however many commas a sender puts in a header.
    let shaped =
        |piece: &&str| scheme.encoding.decode(piece).is_some_and(|bytes| bytes.len() == scheme.algorithm.output_len());
    let pieces = value.split([',', ' ', '=']).map(str::trim).filter(|p| *p != value).filter(shaped).take(4);
    for piece in std::iter::once(value).filter(shaped).chain(pieces) {
        let mut laid_out = request.clone();
        laid_out.headers.set(header, piece);
        let outcome = verify(&laid_out, &bare, keys, now).outcome;
        if outcome.signature_matched() && (piece != value || scheme.layout != super::Layout::Bare) {
            return Some(Finding {
                code: "signature-layout",
                message: format!(
                    "the signature matches the body and the secret as {provider} computes it, but is not written as \
                     {provider} writes it: {provider} sends `{header}` as {}; this header holds `{}`",
                    scheme.expected_header(),
                    shape(value, piece)
                ),
            });
        }
    }
    None
}

/// The header's value with the signature in it shown as `<signature>`: `sha256=<signature>`. It came from the
/// sender: at most 80 characters of it are repeated.
fn shape(value: &str, signature: &str) -> String {
    let shape = value.replacen(signature, "<signature>", 1);
    match shape.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &shape[..end]),
        None => shape,
    }
}

/// This provider's signature sent under another provider's signature header (a Payvost HMAC in
/// `X-PayQI-Signature`): the secret and the body are right, the header name is not.
pub(super) fn header_mix_up(
    request: &Request,
    provider: &str,
    scheme: &Scheme,
    keys: &Keys,
    now: i64,
    others: &[Candidate<'_>],
) -> Option<Finding> {
    if request.headers.find(scheme.signature_headers()).is_some() {
        return None;
    }
    for other in others.iter().filter(|o| o.name != provider && o.scheme.is_signed()) {
        for name in other.scheme.signature_headers() {
            let Some(value) = request.headers.get(name) else { continue };
            let mut moved = request.clone();
            moved.headers.set(&scheme.header, value.to_vec());
            if verify(&moved, scheme, keys, now).outcome.signature_matched() {
                return Some(Finding {
                    code: "signature-in-other-header",
                    message: format!(
                        "a {provider} signature in {}'s header `{name}`: read from there it matches {provider}'s \
                         scheme and the secret, but {provider} sends it as `{}`; the sender used the wrong header \
                         name",
                        other.name, scheme.header
                    ),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::{Algorithm, Encoding, KeyEncoding, Layout, Template};
    use crate::secret::Secret;

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
            algorithm_header: None,
            signature_field: None,
            body_digest: None,
        }
    }

    fn keys() -> Keys {
        Keys { secret: Some(Secret::new("s")), credentials: Vec::new(), ..Default::default() }
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
    fn the_right_signature_in_the_wrong_form_is_a_layout_mix_up() {
        let github = Scheme { layout: Layout::Prefixed("sha256=".into()), ..bare("X-Hub-Signature-256") };
        let mut request = Request::post("/", "{}");
        request.headers.push("X-Hub-Signature-256", hmac("{}"));
        let finding = layout_mix_up(&request, "github", &github, &keys(), 0).expect("named");
        assert_eq!(finding.code, "signature-layout");
        assert!(finding.message.contains("as `sha256=` then 64 hex"), "{}", finding.message);
        assert!(finding.message.ends_with("this header holds `<signature>`"), "{}", finding.message);

        let payvost = bare("Payvost-Signature");
        let mut request = Request::post("/", "{}");
        request.headers.push("Payvost-Signature", format!("sha256={}", hmac("{}")));
        let finding = layout_mix_up(&request, "payvost", &payvost, &keys(), 0).expect("named");
        assert!(finding.message.ends_with("this header holds `sha256=<signature>`"), "{}", finding.message);

        request.headers.set("Payvost-Signature", format!("sha256={}", hmac("other")));
        assert_eq!(layout_mix_up(&request, "payvost", &payvost, &keys(), 0), None, "not the body's signature");
        request.headers.set("Payvost-Signature", hmac("{}"));
        assert_eq!(layout_mix_up(&request, "payvost", &payvost, &keys(), 0), None, "already in its form");
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

    #[test]
    fn a_signature_under_another_providers_header_is_named() {
        let payvost = bare("Payvost-Signature");
        let payqi = bare("X-PayQI-Signature");
        let others = [Candidate { name: "payqi", scheme: &payqi }, Candidate { name: "payvost", scheme: &payvost }];
        let mut request = Request::post("/webhooks/payvost", "{}");
        request.headers.push("X-PayQI-Signature", hmac("{}"));
        let finding = header_mix_up(&request, "payvost", &payvost, &keys(), 0, &others).expect("named");
        assert_eq!(finding.code, "signature-in-other-header");
        assert!(
            finding.message.starts_with("a payvost signature in payqi's header `X-PayQI-Signature`"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("sends it as `Payvost-Signature`"), "{}", finding.message);

        let wrong = Keys { secret: Some(Secret::new("other")), ..keys() };
        assert_eq!(header_mix_up(&request, "payvost", &payvost, &wrong, 0, &others), None, "another secret");
        request.headers.push("Payvost-Signature", hmac("x"));
        assert_eq!(header_mix_up(&request, "payvost", &payvost, &keys(), 0, &others), None, "ours is there");
    }
}
