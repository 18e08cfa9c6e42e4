//! Verdicts name their real cause: a compressed body is checked decoded, and a body cut short, a malformed
//! signature header or a signature under another provider's header is named, never blamed on the secret.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

const BLAME: &str = "the secret is most likely not the one";

/// A Payvost delivery as `sign` makes it: its headers and the exact body they sign.
fn payvost(event: &str) -> (Vec<(String, String)>, Vec<u8>) {
    let stdout = hookctl(&["sign", "payvost", "--event", event, "--json"]).env("HOOKCTL_SECRET", SECRET).ok();
    let capture: Value = serde_json::from_str(&stdout).expect("sign --json");
    let headers = capture["headers"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|pair| (pair[0].as_str().expect("name").to_owned(), pair[1].as_str().expect("value").to_owned()))
        .collect();
    (headers, capture["body"].as_str().expect("body").as_bytes().to_vec())
}

/// Raw HTTP/1.1 to `target`; a Content-Length only when asked for.
fn raw_http(target: &str, headers: &[(String, String)], body: &[u8], content_length: bool) -> Vec<u8> {
    let mut raw = format!("POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n").into_bytes();
    for (name, value) in headers {
        raw.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    if content_length {
        raw.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    raw.extend_from_slice(b"\r\n");
    raw.extend_from_slice(body);
    raw
}

fn with(headers: &[(String, String)], name: &str, value: &str) -> Vec<(String, String)> {
    let mut headers = headers.to_vec();
    headers.push((name.into(), value.into()));
    headers
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("in memory");
    encoder.finish().expect("in memory")
}

fn verify_raw(raw: &[u8], expected: i32) -> (Value, String) {
    let (json, _) =
        hookctl(&["verify", "c.http", "--json"]).file("c.http", raw).env("HOOKCTL_SECRET", SECRET).code(expected);
    let (human, _) = hookctl(&["verify", "c.http"]).file("c.http", raw).env("HOOKCTL_SECRET", SECRET).code(expected);
    (serde_json::from_str(&json).expect("verify --json"), human)
}

fn codes(verdict: &Value) -> Vec<&str> {
    verdict["diagnosis"].as_array().expect("diagnosis").iter().filter_map(|f| f["code"].as_str()).collect()
}

fn first_message(verdict: &Value) -> &str {
    verdict["diagnosis"][0]["message"].as_str().unwrap_or_default()
}

/// POSTs raw bytes to the listener and returns the status line of its answer.
fn post(port: u16, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(raw).expect("sends");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

fn raw_close(target: &str, headers: &[(String, String)], body: &[u8]) -> Vec<u8> {
    raw_http(target, &with(headers, "Connection", "close"), body, true)
}

#[test]
fn a_gzip_compressed_payvost_delivery_verifies_in_verify_and_listen() {
    let (headers, body) = payvost("payment.succeeded");
    let compressed = gzip(&body);
    let headers = with(&headers, "Content-Encoding", "gzip");

    let (verdict, human) = verify_raw(&raw_http("/webhooks/payvost", &headers, &compressed, true), 0);
    assert_eq!((verdict["verdict"].as_str(), verdict["payload"]["status"].as_str()), (Some("valid"), Some("valid")));
    assert_eq!(verdict["checks"][0]["name"], "body", "{verdict}");
    let detail = verdict["checks"][0]["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("Content-Encoding: gzip") && detail.contains("stored as received"), "{detail}");
    assert!(human.contains("✓ VALID payvost") && human.contains("decoded from Content-Encoding: gzip"), "{human}");

    // The real listener, a real POST: verified decoded, stored as received.
    let listening = listen(&["--json"]);
    assert!(post(listening.port, &raw_close("/webhooks/payvost", &headers, &compressed)).contains("200"));
    let line: Value = serde_json::from_str(&listening.wait_lines(1)[0]).expect("NDJSON");
    assert_eq!(line["signature"]["verdict"], "valid", "{line}");
    assert_eq!(line["payload"]["status"], "valid", "{line}");
    assert!(line["signature"]["detail"].as_str().unwrap_or_default().contains("decoded from gzip"), "{line}");
    let id = line["id"].as_i64().expect("stored");
    let store = hookctl::store::Store::open(&listening.store.as_path().into()).expect("opens");
    let stored = store.get(id).expect("reads").expect("stored");
    assert_eq!(&stored.request.body[..], &compressed[..], "the bytes as received");

    // The stored event verifies again from the store.
    let (stdout, _) =
        hookctl(&["verify", "--event", &id.to_string(), "--json", "--store", listening.store.to_str().expect("UTF-8")])
            .env("HOOKCTL_SECRET", SECRET)
            .code(0);
    assert_eq!(serde_json::from_str::<Value>(&stdout).expect("JSON")["verdict"], "valid", "{stdout}");

    // Replayed re-signed, it goes out decoded (the provider signs before compressing): the JSON itself.
    let server = TestServer::start();
    hookctl(&["replay", &id.to_string(), "--to", &server.to(), "--store", listening.store.to_str().expect("UTF-8")])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let replayed = &server.requests()[0];
    assert_eq!(replayed.body, body, "the decoded body");
    assert!(replayed.header("content-encoding").is_none());
    assert_eq!(
        replayed.header("Payvost-Signature").as_deref(),
        Some(hmac_sha256_hex(SECRET.as_bytes(), &body).as_str())
    );
}

#[test]
fn deflate_and_brotli_bodies_are_decoded_too() {
    let (headers, body) = payvost("wallet.frozen");
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(&body).expect("in memory");
    let mut br = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
        writer.write_all(&body).expect("in memory");
    }
    for (coding, encoded) in [("deflate", zlib.finish().expect("in memory")), ("br", br)] {
        let raw = raw_http("/webhooks/payvost", &with(&headers, "Content-Encoding", coding), &encoded, true);
        let (verdict, _) = verify_raw(&raw, 0);
        assert_eq!(verdict["verdict"], "valid", "{coding}: {verdict}");
    }
}

#[test]
fn a_body_that_claims_an_encoding_it_does_not_have_is_its_own_verdict() {
    let (headers, body) = payvost("payment.created");
    let mut cut = gzip(&body);
    cut.truncate(cut.len() - 20);
    for broken in [body.clone(), cut] {
        let raw = raw_http("/webhooks/payvost", &with(&headers, "Content-Encoding", "gzip"), &broken, true);
        let (verdict, human) = verify_raw(&raw, 3);
        assert_eq!(verdict["verdict"], "undecodable", "{verdict}");
        assert_eq!(codes(&verdict), ["undecodable-body"], "{verdict}");
        assert!(first_message(&verdict).contains("is not valid gzip"), "{verdict}");
        assert!(human.contains("says nothing about the secret") && !human.contains(BLAME), "{human}");
    }
    // An uncompressed body labelled gzip: its signature matches the bytes as sent, and that is said too.
    let raw = raw_http("/webhooks/payvost", &with(&headers, "Content-Encoding", "gzip"), &body, true);
    let (verdict, _) = verify_raw(&raw, 3);
    assert!(first_message(&verdict).contains("does match the bytes as sent"), "{verdict}");

    // Compressed after signing is said so, not blamed on the secret.
    let compressed = gzip(&body);
    let signature = hmac_sha256_hex(SECRET.as_bytes(), &compressed);
    let mut signed_after = headers.clone();
    signed_after.retain(|(name, _)| name != "Payvost-Signature");
    let signed_after = with(&with(&signed_after, "Payvost-Signature", &signature), "Content-Encoding", "gzip");
    let (verdict, _) = verify_raw(&raw_http("/webhooks/payvost", &signed_after, &compressed, true), 3);
    assert_eq!(codes(&verdict), ["signed-compressed-body"], "{verdict}");
}

#[test]
fn a_decompression_bomb_stops_at_the_listeners_max_body_and_the_listener_keeps_serving() {
    let (headers, body) = payvost("payment.succeeded");
    let bomb = gzip(&vec![b' '; 8 * 1024 * 1024]);
    assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
    let listening = listen(&["--json", "--max-body", "1MiB"]);
    let gzipped = with(&headers, "Content-Encoding", "gzip");
    assert!(post(listening.port, &raw_close("/webhooks/payvost", &gzipped, &bomb)).contains("200"));
    assert!(post(listening.port, &raw_close("/webhooks/payvost", &gzipped, &gzip(&body))).contains("200"));
    let lines = listening.wait_lines(2);
    let bombed: Value = serde_json::from_str(&lines[0]).expect("NDJSON");
    assert_eq!(bombed["signature"]["verdict"], "undecodable", "{bombed}");
    let detail = bombed["signature"]["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("decodes to more than the 1048576 byte limit"), "{detail}");
    let next: Value = serde_json::from_str(&lines[1]).expect("NDJSON");
    assert_eq!(next["signature"]["verdict"], "valid", "{next}");
}

#[test]
fn a_body_truncated_without_content_length_is_named_not_the_secret() {
    let (headers, body) = payvost("payment.succeeded");
    let raw = raw_http("/webhooks/payvost", &headers, &body[..body.len() / 2], false);
    let (verdict, human) = verify_raw(&raw, 3);
    assert_eq!(verdict["verdict"], "mismatch", "{verdict}");
    assert_eq!(codes(&verdict), ["body-truncated"], "{verdict}");
    assert!(first_message(&verdict).contains("no Content-Length"), "{verdict}");
    assert!(human.contains("the body looks truncated") && !human.contains(BLAME), "{human}");

    // A complete body signed with another secret still points at the secret.
    let (stdout, _) = hookctl(&["verify", "c.http"])
        .file("c.http", raw_http("/webhooks/payvost", &headers, &body, false))
        .env("HOOKCTL_SECRET", "another")
        .code(3);
    assert!(stdout.contains(BLAME) && !stdout.contains("truncated"), "{stdout}");
}

#[test]
fn a_malformed_signature_header_says_what_was_expected() {
    let (headers, body) = payvost("payment.succeeded");
    let signature = &headers.iter().find(|(n, _)| n == "Payvost-Signature").expect("signed").1;
    let others: Vec<(String, String)> = headers.iter().filter(|(n, _)| n != "Payvost-Signature").cloned().collect();
    for (value, found) in [
        (format!("zz{signature}"), "66 characters that are not hex"),
        (signature[..40].to_owned(), "found 40 hex characters"),
        ("t=1700000000,v1=".to_owned() + &"ab".repeat(32), "12 characters that are not hex (`t=1700000000`)"),
    ] {
        let raw = raw_http("/webhooks/payvost", &with(&others, "Payvost-Signature", &value), &body, true);
        let (verdict, human) = verify_raw(&raw, 3);
        assert_eq!(verdict["verdict"], "malformed", "{value}: {verdict}");
        assert_eq!(codes(&verdict), ["malformed-signature-header"], "{value}: {verdict}");
        let message = first_message(&verdict);
        assert!(message.starts_with("malformed signature header"), "{message}");
        assert!(message.contains("`Payvost-Signature` as 64 hex characters (HMAC-SHA256)"), "{message}");
        assert!(message.contains(found), "{found}: {message}");
        assert!(!human.contains(BLAME), "{human}");
        // Said once among the checks and once explained, not a third time above them.
        assert_eq!(human.matches(found).count(), 2, "{human}");
    }

    // A layout error: GitHub's header without its `sha256=`.
    let github = hookctl(&["sign", "github", "--event", "ping", "--json"]).env("HOOKCTL_SECRET", SECRET).ok();
    let mut github: Value = serde_json::from_str(&github).expect("JSON");
    for pair in github["headers"].as_array_mut().expect("pairs") {
        if pair[0] == "X-Hub-Signature-256" {
            pair[1] = Value::from(pair[1].as_str().expect("value").trim_start_matches("sha256="));
        }
    }
    let (stdout, _) = hookctl(&["verify", "c.json", "--json"])
        .file("c.json", github.to_string())
        .env("HOOKCTL_SECRET", SECRET)
        .code(3);
    let verdict: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!((verdict["verdict"].as_str(), codes(&verdict)), (Some("malformed"), vec!["signature-layout"]));
    let message = first_message(&verdict);
    assert!(message.contains("`X-Hub-Signature-256` as `sha256=` then 64 hex characters"), "{message}");
    assert!(!message.contains("complycube") && !message.contains("payvost"), "not another provider: {message}");
}

#[test]
fn a_payvost_signature_in_payqis_header_is_a_header_mix_up_not_complycube() {
    let (headers, body) = payvost("payment.succeeded");
    let mixed: Vec<(String, String)> = headers
        .iter()
        .map(|(name, value)| {
            (if name == "Payvost-Signature" { "X-PayQI-Signature".into() } else { name.clone() }, value.clone())
        })
        .collect();
    let raw = raw_http("/webhooks/payvost", &mixed, &body, true);
    let (verdict, human) = verify_raw(&raw, 3);
    assert_eq!(verdict["provider"], "payvost", "the route and the payload are Payvost's: {verdict}");
    assert_eq!(codes(&verdict), ["signature-in-other-header"], "{verdict}");
    let message = first_message(&verdict);
    assert!(message.starts_with("a payvost signature in payqi's header `X-PayQI-Signature`"), "{message}");
    assert!(message.contains("`Payvost-Signature`") && !message.contains("complycube"), "{message}");
    assert!(!human.contains(BLAME) && !human.contains("complycube"), "{human}");

    // The listener at Payvost's route says the same.
    let listening = listen(&["--json"]);
    assert!(post(listening.port, &raw_close("/webhooks/payvost", &mixed, &body)).contains("200"));
    let line: Value = serde_json::from_str(&listening.wait_lines(1)[0]).expect("NDJSON");
    assert_eq!(line["provider"], "payvost", "{line}");
    let detail = line["signature"]["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("a payvost signature in payqi's header `X-PayQI-Signature`"), "{detail}");
}

#[test]
fn listen_verbose_shows_a_compressed_body_decoded() {
    let (headers, body) = payvost("payment.succeeded");
    let headers = with(&headers, "Content-Encoding", "gzip");
    let listening = listen(&["--verbose"]);
    assert!(post(listening.port, &raw_close("/webhooks/payvost", &headers, &gzip(&body))).contains("200"));
    let started = std::time::Instant::now();
    loop {
        let lines = listening.lines.lock().expect("not poisoned").clone();
        if lines.iter().any(|l| l.contains(r#""type": "payment.succeeded""#)) {
            assert!(lines[0].contains("✓ signed (gzip-decoded)"), "{lines:#?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no decoded body in {lines:#?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
