//! verify: captures made by sign and send verify; each documented alteration gets its named diagnosis.

use hmac::{KeyInit, Mac};
use serde_json::Value;

use crate::common::*;

/// `hookctl sign PROVIDER --event EVENT --json`: a capture in the request JSON form.
fn signed_capture(provider: &str, event: &str) -> Value {
    // Square, Twilio and HubSpot sign the URL they deliver to.
    let url = format!("https://example.com/webhooks/{provider}");
    let stdout = hookctl(&["sign", provider, "--event", event, "--json", "--url", &url])
        .env("HOOKCTL_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-1")
        .ok();
    serde_json::from_str(&stdout).expect("sign --json")
}

fn verify_json(capture: &Value, args: &[&str], secret: &str, expected: i32) -> Value {
    let stdout = hookctl(&[&["verify", "capture.json", "--json"], args].concat())
        .file("capture.json", capture.to_string())
        .env("HOOKCTL_SECRET", secret)
        .env("VERIFYNOW_API_KEY", "key-1")
        .code(expected)
        .0;
    serde_json::from_str(&stdout).expect("verify --json")
}

fn set_header(capture: &mut Value, name: &str, value: &str) {
    let headers = capture["headers"].as_array_mut().expect("pairs");
    match headers.iter_mut().find(|pair| pair[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name))) {
        Some(pair) => pair[1] = Value::from(value),
        None => headers.push(serde_json::json!([name, value])),
    }
}

fn get_header(capture: &Value, name: &str) -> String {
    capture["headers"]
        .as_array()
        .and_then(|h| h.iter().find(|pair| pair[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name))))
        .and_then(|pair| pair[1].as_str())
        .unwrap_or_else(|| panic!("no {name} in {capture}"))
        .to_owned()
}

fn mac<M: Mac + KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = <M as KeyInit>::new_from_slice(key).expect("any key");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

fn codes(verdict: &Value) -> Vec<String> {
    verdict["diagnosis"]
        .as_array()
        .expect("diagnosis")
        .iter()
        .map(|f| f["code"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[test]
fn captures_made_by_sign_verify_for_every_provider() {
    for provider in PROVIDERS {
        let fixtures = hookctl(&["fixtures", provider, "--json"]).ok();
        let first: Value = serde_json::from_str(fixtures.lines().next().expect("a fixture")).expect("JSON");
        let capture = signed_capture(provider, first["event"].as_str().expect("event"));
        let verdict = verify_json(&capture, &[], SECRET, 0);
        assert_eq!(verdict["provider"], provider, "detected from headers and route");
        let expected = if provider == "agio" { "unsigned" } else { "valid" };
        assert_eq!(verdict["verdict"], expected, "{provider}: {verdict}");
        assert_eq!(verdict["payload"]["status"], "valid", "{provider}: {verdict}");
    }
}

#[test]
fn raw_http_captures_of_send_verify() {
    let server = TestServer::start();
    // Each capture is verified as soon as it is sent: Paddle's tolerance is 5 seconds, less than sending every
    // provider's takes.
    for provider in PROVIDERS {
        let fixtures = hookctl(&["fixtures", provider, "--json"]).ok();
        let first: Value = serde_json::from_str(fixtures.lines().next().expect("a fixture")).expect("JSON");
        hookctl(&["send", provider, first["event"].as_str().expect("event"), "--to", &server.to()])
            .env("HOOKCTL_SECRET", SECRET)
            .env("VERIFYNOW_API_KEY", "key-1")
            .ok();
        let captured = server.requests().pop().expect("delivered");
        let mut raw = format!("{} {} HTTP/1.1\r\n", captured.method, captured.target).into_bytes();
        for (name, value) in &captured.headers {
            raw.extend_from_slice(format!("{name}: ").as_bytes());
            raw.extend_from_slice(value);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(&captured.body);
        let (stdout, _) = hookctl(&["verify", "capture.http"])
            .file("capture.http", &raw)
            .env("HOOKCTL_SECRET", SECRET)
            .env("VERIFYNOW_API_KEY", "key-1")
            .code(0);
        assert!(stdout.contains(provider), "{provider}: {stdout}");
        assert!(stdout.contains("✓ VALID") || stdout.contains("UNSIGNED"), "{provider}: {stdout}");
    }
}

#[test]
fn body_alterations_are_named() {
    let capture = signed_capture("payvost", "payment.succeeded");
    let body = capture["body"].as_str().expect("body").to_owned();

    let mut newline = capture.clone();
    newline["body"] = Value::from(format!("{body}\n"));
    let verdict = verify_json(&newline, &[], SECRET, 3);
    assert_eq!(verdict["verdict"], "mismatch");
    assert_eq!(codes(&verdict), ["trailing-newline-added"]);
    assert!(verdict["diagnosis"][0]["message"].as_str().unwrap_or("").contains("trailing newline after signing"));

    let pretty: Value = serde_json::from_str(&body).expect("JSON body");
    let mut reserialised = capture.clone();
    reserialised["body"] = Value::from(serde_json::to_string_pretty(&pretty).expect("pretty"));
    assert_eq!(codes(&verify_json(&reserialised, &[], SECRET, 3)), ["json-reserialised"]);

    // Stripe sends pretty JSON: a proxy that rewrote its line endings is named.
    let stripe = signed_capture("stripe", "payment_intent.succeeded");
    let mut crlf = stripe.clone();
    crlf["body"] = Value::from(stripe["body"].as_str().expect("body").replace('\n', "\r\n"));
    assert_eq!(codes(&verify_json(&crlf, &[], SECRET, 3)), ["crlf"]);
}

#[test]
fn key_alterations_are_named() {
    let capture = signed_capture("standard-webhooks", "user.created");
    let (id, timestamp) = (get_header(&capture, "webhook-id"), get_header(&capture, "webhook-timestamp"));
    let body = capture["body"].as_str().expect("body");
    let content = format!("{id}.{timestamp}.{body}");
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;

    // Signed with the secret as text instead of base64-decoding it.
    let mut as_text = capture.clone();
    let signature =
        b64.encode(mac::<hmac::Hmac<sha2::Sha256>>(b"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", content.as_bytes()));
    set_header(&mut as_text, "webhook-signature", &format!("v1,{signature}"));
    assert_eq!(codes(&verify_json(&as_text, &[], SECRET, 3)), ["key-not-base64-decoded"]);

    // Stripe keys with the whole whsec_ string; a signer that dropped the prefix is named.
    let stripe = signed_capture("stripe", "charge.refunded");
    let header = get_header(&stripe, "Stripe-Signature");
    let t = header.split(',').next().and_then(|p| p.strip_prefix("t=")).expect("t=");
    let message = format!("{t}.{}", stripe["body"].as_str().expect("body"));
    let mut dropped = stripe.clone();
    let signature =
        hex::encode(mac::<hmac::Hmac<sha2::Sha256>>(b"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", message.as_bytes()));
    set_header(&mut dropped, "Stripe-Signature", &format!("t={t},v1={signature}"));
    assert_eq!(codes(&verify_json(&dropped, &[], SECRET, 3)), ["key-prefix-stripped"]);

    // Payvost signed with the base64-decoded secret.
    let payvost = signed_capture("payvost", "wallet.frozen");
    let key = b64.decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").expect("base64");
    let mut decoded = payvost.clone();
    let signature =
        hex::encode(mac::<hmac::Hmac<sha2::Sha256>>(&key, payvost["body"].as_str().expect("body").as_bytes()));
    set_header(&mut decoded, "Payvost-Signature", &signature);
    assert_eq!(codes(&verify_json(&decoded, &[], SECRET, 3)), ["key-base64-decoded"]);

    // Whitespace around the secret the user pasted.
    let verdict = verify_json(&payvost, &[], &format!(" {SECRET}\n"), 3);
    assert_eq!(codes(&verdict), ["secret-whitespace"]);
}

#[test]
fn encoding_algorithm_and_provider_mistakes_are_named() {
    let capture = signed_capture("payvost", "user.created");
    let body = capture["body"].as_str().expect("body").as_bytes().to_vec();
    use base64::Engine as _;

    let mut base64 = capture.clone();
    let signature =
        base64::engine::general_purpose::STANDARD.encode(mac::<hmac::Hmac<sha2::Sha256>>(SECRET.as_bytes(), &body));
    set_header(&mut base64, "Payvost-Signature", &signature);
    let verdict = verify_json(&base64, &[], SECRET, 3);
    assert_eq!(codes(&verdict), ["encoding"], "{verdict}");
    assert!(verdict["diagnosis"][0]["message"].as_str().unwrap_or("").contains("base64"));

    let mut sha1 = capture.clone();
    set_header(&mut sha1, "Payvost-Signature", &hex::encode(mac::<hmac::Hmac<sha1::Sha1>>(SECRET.as_bytes(), &body)));
    let verdict = verify_json(&sha1, &[], SECRET, 3);
    assert_eq!(codes(&verdict), ["algorithm"]);
    assert!(verdict["diagnosis"][0]["message"].as_str().unwrap_or("").contains("HMAC-SHA1"));

    let github = signed_capture("github", "push");
    let verdict = verify_json(&github, &["--provider", "payvost"], SECRET, 3);
    assert_eq!(codes(&verdict), ["wrong-provider"]);
    assert!(verdict["diagnosis"][0]["message"].as_str().unwrap_or("").contains("`github` scheme, not `payvost`"));
}

#[test]
fn a_wrong_secret_is_a_mismatch_with_no_false_cause() {
    let capture = signed_capture("payvost", "payment.created");
    let verdict = verify_json(&capture, &[], "not-the-secret", 3);
    assert_eq!(verdict["verdict"], "mismatch");
    assert!(codes(&verdict).is_empty(), "{verdict}");
    assert!(verdict["ruled_out"].as_array().is_some_and(|r| r.len() > 5));
    let (stdout, _) =
        hookctl(&["verify", "c.json"]).file("c.json", capture.to_string()).env("HOOKCTL_SECRET", "nope").code(3);
    assert!(stdout.contains("ruled out:") && !stdout.contains("why:"), "{stdout}");
}

#[test]
fn timestamps_are_judged_with_their_age() {
    let stale = hookctl(&["sign", "payqi", "--event", "payment.failed", "--json", "--timestamp", "1700000000"])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let stale: Value = serde_json::from_str(&stale).expect("JSON");
    let verdict = verify_json(&stale, &[], SECRET, 3);
    assert_eq!(verdict["verdict"], "stale");
    assert!(verdict["timestamp"]["age_secs"].as_i64().is_some_and(|age| age > 3600));
    assert!(verdict["notes"][0].as_str().unwrap_or("").contains("not covered by the signature"), "PayQI's weakness");

    let verdict = verify_json(&stale, &["--at", "1700000100"], SECRET, 0);
    assert_eq!((verdict["verdict"].as_str(), verdict["timestamp"]["age_secs"].as_i64()), (Some("valid"), Some(100)));
    let verdict = verify_json(&stale, &["--at", "2023-11-14T22:00:00Z"], SECRET, 3);
    assert_eq!(verdict["verdict"], "future");

    let (stdout, _) =
        hookctl(&["verify", "c.json"]).file("c.json", stale.to_string()).env("HOOKCTL_SECRET", SECRET).code(3);
    assert!(stdout.contains("OUTSIDE TOLERANCE") && stdout.contains("s old (tolerance 300s)"), "{stdout}");
}

#[test]
fn payload_schema_failures_exit_5_and_credentials_are_checked() {
    let body = r#"{"type":"payment.succeeded","id":"evt_1","createdAt":"2024-01-01T00:00:00Z","data":{"id":"pay_1"}}"#;
    let stdout =
        hookctl(&["sign", "payvost", "body.json", "--json"]).file("body.json", body).env("HOOKCTL_SECRET", "s").ok();
    let capture: Value = serde_json::from_str(&stdout).expect("JSON");
    let verdict = verify_json(&capture, &[], "s", 5);
    assert_eq!((verdict["verdict"].as_str(), verdict["payload"]["status"].as_str()), (Some("valid"), Some("invalid")));
    let (stdout, _) =
        hookctl(&["verify", "c.json"]).file("c.json", capture.to_string()).env("HOOKCTL_SECRET", "s").code(5);
    assert!(stdout.contains("VALID SIGNATURE, INVALID PAYLOAD") && stdout.contains("/data"), "{stdout}");

    let mut verifynow = signed_capture("verifynow", "verification.completed");
    assert_eq!(verify_json(&verifynow, &[], SECRET, 0)["checks"][1]["status"], "pass");
    set_header(&mut verifynow, "Authorization", "api-key stolen");
    assert_eq!(verify_json(&verifynow, &[], SECRET, 3)["verdict"], "credential-mismatch");
}

#[test]
fn agio_is_reported_unsigned_not_failed() {
    let capture = signed_capture("agio", "applicantReviewed:final");
    let (stdout, _) = hookctl(&["verify", "c.json"]).file("c.json", capture.to_string()).code(0);
    assert!(stdout.contains("UNSIGNED") && stdout.contains("signs nothing"), "{stdout}");
}

#[test]
fn parts_and_har_entries() {
    let capture = signed_capture("github", "ping");
    let body = capture["body"].as_str().expect("body");
    let signature = get_header(&capture, "X-Hub-Signature-256");
    let (stdout, _) = hookctl(&["verify", "--body", "b.json", "-H", &format!("X-Hub-Signature-256: {signature}")])
        .file("b.json", body)
        .env("HOOKCTL_SECRET", SECRET)
        .code(0);
    assert!(stdout.contains("✓ VALID github"), "{stdout}");

    let entry = |headers: &Value, text: &str| {
        serde_json::json!({"request": {"method": "POST", "url": "https://example.test/webhooks/github",
            "headers": headers, "postData": {"mimeType": "application/json", "text": text}}})
    };
    let headers: Vec<Value> = capture["headers"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| serde_json::json!({"name": p[0], "value": p[1]}))
        .collect();
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [
        entry(&Value::from(headers.clone()), body),
        entry(&Value::from(headers), &format!("{body}\n")),
    ]}});
    let (stdout, _) =
        hookctl(&["verify", "x.har"]).file("x.har", har.to_string()).env("HOOKCTL_SECRET", SECRET).code(3);
    assert!(
        stdout.contains("entry 1") && stdout.contains("entry 2") && stdout.contains("trailing newline"),
        "{stdout}"
    );
    hookctl(&["verify", "x.har", "--entry", "1"]).file("x.har", har.to_string()).env("HOOKCTL_SECRET", SECRET).code(0);
    let (_, stderr) = hookctl(&["verify", "x.har", "--entry", "3"])
        .file("x.har", har.to_string())
        .env("HOOKCTL_SECRET", SECRET)
        .code(2);
    assert!(stderr.contains("has 2 request"), "{stderr}");
}

#[test]
fn bad_captures_are_one_clear_line() {
    let cases: [(&[u8], &str); 5] = [
        (b"", "empty"),
        (b"POST /webhooks/payvost HTTP/1.1\r\nContent-Length: 99\r\n\r\n{}", "truncated"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not an HTTP request"),
        (br#"{"log": {"version": "1.2", "entries": []}}"#, "no entries"),
        (b"{\"method\": \"POST\", ", "not valid JSON"),
    ];
    for (bytes, expected) in cases {
        let (stdout, stderr) = hookctl(&["verify", "c"]).file("c", bytes).env("HOOKCTL_SECRET", "s").code(2);
        assert!(stdout.is_empty());
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(expected), "{expected}: {stderr}");
    }
    let (_, stderr) =
        hookctl(&["verify", "c"]).file("c", "POST /nowhere HTTP/1.1\r\n\r\n{}").env("HOOKCTL_SECRET", "s").code(2);
    assert!(stderr.contains("--provider"), "{stderr}");
    let (_, stderr) = hookctl(&["verify"]).code(2);
    assert!(stderr.contains("nothing to verify"), "{stderr}");
}

#[test]
fn a_huge_body_is_verified_without_being_validated() {
    let body =
        format!("{{\"id\":\"evt_big\",\"type\":\"payment.succeeded\",\"blob\":\"{}\"}}", "a".repeat(17 * 1024 * 1024));
    let signature = hmac_sha256_hex(b"s", body.as_bytes());
    let mut raw = format!(
        "POST /webhooks/payvost HTTP/1.1\r\nPayvost-Signature: {signature}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(body.as_bytes());
    let (stdout, _) =
        hookctl(&["verify", "big.http", "--json"]).file("big.http", &raw).env("HOOKCTL_SECRET", "s").code(0);
    let verdict: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(
        (verdict["verdict"].as_str(), verdict["payload"]["status"].as_str()),
        (Some("valid"), Some("unchecked"))
    );
}

/// Square signs the notification URL: a capture without a Host header cannot be checked until --url says
/// which URL it was, and is not reported as a wrong secret; the URL given decides.
#[test]
fn a_scheme_that_signs_the_url_needs_one_and_says_so() {
    let mut capture = signed_capture("square", "payment.created");
    let headers = capture["headers"].as_array_mut().expect("pairs");
    headers.retain(|pair| !pair[0].as_str().is_some_and(|n| n.eq_ignore_ascii_case("host")));
    let verdict = verify_json(&capture, &[], SECRET, 0);
    assert_eq!(verdict["verdict"], "url-unknown", "{verdict}");
    assert!(verdict["summary"].as_str().expect("summary").contains("--url"), "{verdict}");

    let url = "https://example.com/webhooks/square";
    let verdict = verify_json(&capture, &["--url", url], SECRET, 0);
    assert_eq!(verdict["verdict"], "valid", "{verdict}");
    let other = verify_json(&capture, &["--url", "https://example.com/other"], SECRET, 3);
    assert_eq!(other["verdict"], "mismatch", "{other}");
    let checks = other["checks"].to_string();
    assert!(checks.contains("over https://example.com/other (--url)"), "{checks}");

    let (_, stderr) = hookctl(&["verify", "c.json", "--url", "example.com/x"]).file("c.json", "{}").code(2);
    assert!(stderr.contains("not an absolute http(s) URL"), "{stderr}");
    let (_, stderr) = hookctl(&["sign", "square", "--event", "payment.created", "--secret", "s"]).code(2);
    assert!(stderr.contains("pass --url URL"), "{stderr}");
}

/// GitLab sends its secret token as is: verify accepts the right one, says it is no signature, and a capture
/// that `send --dry-run` prints or a listener stores shows it redacted.
#[test]
fn a_shared_token_verifies_with_a_warning_and_is_never_printed_by_send() {
    let capture = signed_capture("gitlab", "push");
    let (stdout, _) =
        hookctl(&["verify", "c.json"]).file("c.json", capture.to_string()).env("GITLAB_WEBHOOK_TOKEN", SECRET).code(0);
    assert!(stdout.contains("✓ VALID") && stdout.contains("equals the shared token"), "{stdout}");
    assert!(stdout.contains("not a signature"), "{stdout}");
    let (stdout, _) =
        hookctl(&["verify", "c.json"]).file("c.json", capture.to_string()).env("GITLAB_WEBHOOK_TOKEN", "other").code(3);
    assert!(stdout.contains("does not equal the secret"), "{stdout}");

    let (stdout, _) = hookctl(&["send", "gitlab", "push", "--to", "3000", "--dry-run"])
        .env("GITLAB_WEBHOOK_TOKEN", "tok-secret-1")
        .code(0);
    assert!(!stdout.contains("tok-secret-1"), "{stdout}");
    assert!(stdout.contains("X-Gitlab-Token: (redacted)"), "{stdout}");
    assert!(stdout.contains("\"X-Gitlab-Token: ${GITLAB_WEBHOOK_TOKEN}\""), "curl reads it from the env: {stdout}");
}

/// What `sign` writes to a file (headers, a blank line, the exact body) is a capture `verify` reads: valid with
/// the secret it was signed with, a mismatch with another.
#[test]
fn what_sign_writes_to_a_file_verifies() {
    for (provider, event) in
        [("payvost", "payment.succeeded"), ("twitch", "channel.follow"), ("slack", "slash_command")]
    {
        let signed = hookctl(&["sign", provider, "--event", event]).env("HOOKCTL_SECRET", SECRET).output();
        assert!(signed.status.success());
        assert!(!signed.stdout.ends_with(b"\n"), "{provider}: nothing added after the body");
        let run = hookctl(&["verify", "signed.txt"]).file("signed.txt", &signed.stdout);
        let (stdout, _) = run.env("HOOKCTL_SECRET", SECRET).code(0);
        assert!(stdout.starts_with(&format!("✓ VALID {provider}")), "{stdout}");
        let run = hookctl(&["verify", "signed.txt"]).file("signed.txt", &signed.stdout);
        let (stdout, _) = run.env("HOOKCTL_SECRET", "another").code(3);
        assert!(stdout.starts_with(&format!("✗ INVALID {provider}")), "{stdout}");
    }
}
