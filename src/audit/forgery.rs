//! Forgeries: a wrong signature or secret (2), a missing signature or credential (3), a tampered body (4), and
//! a secret rotation where the scheme carries several signatures (10).

use bytes::Bytes;

use super::{Builder, Expect, Probe};
use crate::error::Error;
use crate::request::{Headers, Request};
use crate::scheme::{KeyEncoding, Keys};
use crate::secret::Secret;

pub fn probes(builder: &mut Builder<'_>) -> Result<Vec<Probe>, Error> {
    let provider = builder.provider();
    let mut wrong = Probe::new(
        2,
        "forged-signature",
        "a wrong signature, and a wrong secret",
        "CRITICAL: the endpoint accepts forgeries: anyone who knows the URL can send it events",
        "verify the signature with the provider's secret on every request, and answer 400 or 401 when it does not match",
    );
    let mut missing = Probe::new(
        3,
        "missing-signature",
        "the signature, timestamp or credential header missing",
        "CRITICAL: a request without a signature is accepted: verification is optional",
        "treat a missing signature header as a failed verification (400/401), never as 'nothing to check'",
    );
    let mut tampered = Probe::new(
        4,
        "tampered-body",
        "the body changed by one byte after signing",
        "CRITICAL: the signature is not checked against the body that is processed",
        "compute the HMAC over the exact raw request body and compare it in constant time before using the payload",
    );
    if !provider.scheme.is_signed() && provider.scheme.credentials.is_empty() {
        let why = format!("{} signs nothing and sends no credential: nothing to forge", provider.name);
        return Ok(vec![wrong.skip(why.clone()), missing.skip(why.clone()), tampered.skip(why)]);
    }
    let signature_headers: Vec<String> = provider.scheme.signature_headers().map(str::to_owned).collect();
    if provider.scheme.is_signed() {
        let delivery = builder.render()?;
        let valid = builder.valid(&delivery)?;
        let mut other = builder.body(&delivery).to_vec();
        other.push(b' ');
        let keys = builder.setup.keys.clone();
        let resigned = builder.sign(&delivery, Bytes::from(other), &keys)?;
        let mut forged = valid.clone();
        if let Some(value) = resigned.headers.get(&provider.scheme.header) {
            forged.headers.set(&provider.scheme.header, value.to_vec());
        }
        wrong.steps.push(builder.step("a wrong signature (of another body)", &delivery, forged, Expect::Reject));

        let delivery = builder.render()?;
        let body = builder.body(&delivery);
        let keys = Keys { secret: Some(wrong_secret(builder)), rotation: Vec::new(), ..builder.setup.keys.clone() };
        let request = builder.sign(&delivery, body, &keys)?;
        wrong.steps.push(builder.step("signed with a wrong secret", &delivery, request, Expect::Reject));

        let delivery = builder.render()?;
        let request = without(builder.valid(&delivery)?, &signature_headers);
        missing.steps.push(builder.step("no signature header", &delivery, request, Expect::Reject));

        let delivery = builder.render()?;
        let mut request = builder.valid(&delivery)?;
        request.body = change_one_byte(&request.body);
        tampered.steps.push(builder.step("one byte of the body changed", &delivery, request, Expect::Reject));
    } else {
        let why = format!("{} signs nothing", provider.name);
        wrong = wrong.skip(why.clone());
        tampered = tampered.skip(why);
    }
    if let Some(crate::scheme::TimestampSpec { header: Some(header), aliases, .. }) = &provider.scheme.timestamp {
        let delivery = builder.render()?;
        let names: Vec<String> = std::iter::once(header).chain(aliases).cloned().collect();
        let request = without(builder.valid(&delivery)?, &names);
        missing.steps.push(builder.step(format!("no {header} header"), &delivery, request, Expect::Reject));
    }
    for credential in &provider.scheme.credentials {
        let delivery = builder.render()?;
        let request = without(builder.valid(&delivery)?, std::slice::from_ref(&credential.header));
        let label = format!("no {} header", credential.header);
        missing.steps.push(builder.step(label, &delivery, request, Expect::Reject));
    }
    Ok(vec![wrong, missing, tampered])
}

pub fn rotation(builder: &mut Builder<'_>) -> Result<Probe, Error> {
    let provider = builder.provider();
    let probe = Probe::new(
        10,
        "rotation",
        "a secret rotation: old and new signatures, then the new alone",
        "during a rotation the provider signs with both secrets; an endpoint that checks only the first signature \
         rejects every delivery",
        "accept the request when any of the signatures in the header matches one of your secrets",
    );
    if !provider.scheme.is_signed() || !provider.scheme.layout.carries_several() {
        return Ok(probe.skip(format!("{}'s signature header carries one signature", provider.name)));
    }
    let mut probe = probe;
    let delivery = builder.render()?;
    let body = builder.body(&delivery);
    let keys = builder.setup.keys.clone();
    let both = Keys { secret: Some(wrong_secret(builder)), rotation: keys.secret.iter().cloned().collect(), ..keys };
    let request = builder.sign(&delivery, body, &both)?;
    probe.steps.push(builder.step("signed with an old secret and yours", &delivery, request, Expect::Accept));
    let delivery = builder.render()?;
    let request = builder.valid(&delivery)?;
    probe.steps.push(builder.step("signed with yours alone", &delivery, request, Expect::Accept));
    Ok(probe)
}

/// A secret of the right shape that is not the endpoint's (for a key pair, another private key).
fn wrong_secret(builder: &mut Builder<'_>) -> Secret {
    use base64::Engine as _;
    let scheme = &builder.provider().scheme;
    // A key-pair scheme: another private key, which the endpoint's public key does not verify.
    if let Some(algorithm) = scheme.algorithm.asymmetric()
        && let Ok(key) = algorithm.generate()
    {
        return key.serialise(&scheme.key_forms);
    }
    let prefix = scheme.key_prefix.clone().unwrap_or_default();
    let random: Vec<u8> = (0..24).map(|_| builder.rng.u8(..)).collect();
    match scheme.key {
        KeyEncoding::Base64 => {
            Secret::new(format!("{prefix}{}", base64::engine::general_purpose::STANDARD.encode(random)))
        }
        KeyEncoding::Raw => Secret::new(format!("{prefix}hookctl-audit-{}", hex::encode(random))),
    }
}

/// The request without the named headers.
fn without(request: Request, names: &[String]) -> Request {
    let headers: Headers = request
        .headers
        .iter()
        .filter(|(name, _)| !names.iter().any(|n| n.eq_ignore_ascii_case(name)))
        .map(|(name, value)| (name.to_owned(), value.to_vec()))
        .collect();
    Request { headers, ..request }
}

/// The body with one byte changed: the last digit (the JSON stays valid), else the last letter.
pub fn change_one_byte(body: &[u8]) -> Bytes {
    let mut body = body.to_vec();
    let at = body.iter().rposition(u8::is_ascii_digit).or_else(|| body.iter().rposition(u8::is_ascii_alphabetic));
    match at {
        Some(at) => {
            body[at] = match body[at] {
                b'9' => b'8',
                b'z' => b'y',
                b'Z' => b'Y',
                other => other + 1,
            }
        }
        None => body.push(b' '),
    }
    body.into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_byte_changes() {
        let changed = super::change_one_byte(br#"{"amount":19,"a":"x"}"#);
        assert_eq!(&changed[..], br#"{"amount":18,"a":"x"}"#);
        assert_eq!(&super::change_one_byte(b"abc")[..], b"abd");
    }
}
