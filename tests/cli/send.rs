//! send: real deliveries to a real axum server on port 0, checked with the signing engine.

use hookctl::provider::Catalog;
use hookctl::scheme::{Keys, Outcome, verify};
use hookctl::secret::Secret;
use serde_json::Value;

use crate::common::*;

fn keys() -> Keys {
    Keys {
        secret: Some(Secret::new(SECRET)),
        credentials: vec![("api-key".into(), Secret::new("key-1"))],
        rotation: vec![],
        url: None,
    }
}

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[test]
fn every_provider_delivers_exact_bytes_that_verify() {
    let server = TestServer::start();
    let catalog = Catalog::builtin();
    let providers = catalog.all().expect("built in");
    for provider in &providers {
        let event = &provider.events[0].name;
        let stdout = send(&[&provider.name, event, "--to", &server.to()]).ok();
        assert!(stdout.contains("→ 200 OK"), "{}: {stdout}", provider.name);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), providers.len());
    for (provider, captured) in providers.iter().zip(&requests) {
        assert_eq!(captured.target, provider.route_for(Some(&provider.events[0])), "{}", provider.name);
        let verdict = verify(&captured.request(), &provider.scheme, &keys(), now());
        let expected = if provider.scheme.is_signed() { Outcome::Valid } else { Outcome::Unsigned };
        assert_eq!(verdict.outcome, expected, "{}: {:?}", provider.name, verdict.checks);
        // The exact bytes: the body parses as the event the provider would send (Twilio's as a form).
        let content_type = captured.header("content-type");
        let payload =
            provider.parse_body(&captured.body, content_type.as_deref().map(str::as_bytes)).expect("parses").value;
        let headers = captured.request().headers;
        assert_eq!(provider.event_type(Some(&payload), &headers).as_deref(), Some(provider.events[0].name.as_str()));
    }
    let verifynow = &requests[providers.iter().position(|p| p.name == "verifynow").expect("verifynow")];
    assert_eq!(verifynow.header("authorization").as_deref(), Some("api-key key-1"));
    assert!(verifynow.header("x-webhook-signature").is_some());
    let payqi = &requests[providers.iter().position(|p| p.name == "payqi").expect("payqi")];
    let timestamp: i64 = payqi.header("x-payqi-timestamp").expect("timestamp").parse().expect("unix");
    assert!((now() - timestamp).abs() < 60, "a fresh timestamp");
}

#[test]
fn set_changes_the_field_and_the_signature_still_verifies() {
    let server = TestServer::start();
    send(&["payvost", "payment.succeeded", "--to", &server.to(), "--set", "data.amount=10.00"]).ok();
    let captured = &server.requests()[0];
    assert_eq!(captured.json()["data"]["amount"], "10.00");
    let payvost = Catalog::builtin().get("payvost").expect("built in");
    assert_eq!(verify(&captured.request(), &payvost.scheme, &keys(), now()).outcome, Outcome::Valid);

    let (_, stderr) = send(&["payvost", "payment.succeeded", "--to", &server.to(), "--set", "data.amout=1"]).code(2);
    assert!(stderr.contains("`data.amout`") && stderr.contains("did you mean `data.amount`"), "{stderr}");
    assert_eq!(server.requests().len(), 1, "nothing sent after a bad --set");
}

#[test]
fn retries_follow_the_schedule_then_succeed() {
    let server = TestServer::answering(&[500, 500]);
    let (stdout, stderr) =
        send(&["payvost", "payment.failed", "--to", &server.to(), "--retry", "--time-scale", "1000"]).code(0);
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "{stdout}");
    // Payvost's 5 s and 1 min, divided by 1000: the retries wait at least that long.
    assert!(requests[1].at.duration_since(requests[0].at) >= std::time::Duration::from_millis(5));
    assert!(requests[2].at.duration_since(requests[1].at) >= std::time::Duration::from_millis(60));
    assert!(stdout.contains("[1/6]") && stdout.contains("[3/6]") && stdout.contains("→ 200 OK"), "{stdout}");
    assert!(stderr.contains("in 5ms (attempt 2/6)") && stderr.contains("in 60ms (attempt 3/6)"), "{stderr}");
    // Every attempt is the same event, re-signed.
    let ids: Vec<Value> = requests.iter().map(|r| r.json()["id"].clone()).collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
    let payvost = Catalog::builtin().get("payvost").expect("built in");
    for request in &requests {
        assert_eq!(verify(&request.request(), &payvost.scheme, &keys(), now()).outcome, Outcome::Valid);
    }

    let failing = TestServer::answering(&[500]);
    let (stdout, _) = send(&["payvost", "payment.failed", "--to", &failing.to()]).code(4);
    assert!(stdout.contains("500 Internal Server Error") && stdout.contains("non-2xx 1"), "{stdout}");
    assert_eq!(failing.requests().len(), 1, "no retry without --retry");
}

#[test]
fn an_attempt_is_written_out_before_its_retry_waits() {
    use std::io::BufRead as _;

    // Two failures: the delivery then waits Payvost's 1 min before its third attempt.
    let server = TestServer::answering(&[500, 500]);
    let mut child = send(&["payvost", "payment.failed", "--to", &server.to(), "--retry", "--json"]).spawn_piped();
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("piped"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("reads");
    let attempts_made = server.requests().len();
    let _ = child.kill();
    let _ = child.wait();
    let line: Value = serde_json::from_str(&first).expect("a JSON line");
    assert_eq!((line["attempt"].as_u64(), line["status"].as_u64()), (Some(1), Some(500)), "{first}");
    // Piped output gathers lines, but never holds one back while a delivery waits to retry: the line is out
    // before the third attempt (a minute later), not when the run ends.
    assert!(attempts_made < 3, "the first attempt's line arrived only after {attempts_made} attempts");
}

#[test]
fn verifynow_retries_count_from_the_first_attempt() {
    let server = TestServer::answering(&[503, 503, 503]);
    let (_, stderr) =
        send(&["verifynow", "verification.completed", "--to", &server.to(), "--retry", "--time-scale", "6000"]).code(0);
    // 1m, 5m, 15m after the first attempt, divided by 6000: 10ms, 50ms, 150ms — minus the time already spent.
    assert_eq!(server.requests().len(), 4, "{stderr}");
    assert_eq!(stderr.matches("retrying").count(), 3, "{stderr}");
}

#[test]
fn repeat_with_concurrency_delivers_every_one_with_fresh_ids() {
    let _heavy = heavy();
    let server = TestServer::start();
    let stdout =
        send(&["payqi", "payment.completed", "--to", &server.to(), "--repeat", "1000", "--concurrency", "32"]).ok();
    assert!(stdout.contains("sent 1000 · 2xx 1000 · non-2xx 0 · errors 0"), "{}", stdout.lines().last().unwrap_or(""));
    let requests = server.requests();
    assert_eq!(requests.len(), 1000);
    let ids: std::collections::HashSet<String> = requests.iter().map(|r| r.json()["id"].to_string()).collect();
    assert_eq!(ids.len(), 1000, "fresh ids each");
}

#[test]
fn duplicate_delivers_the_same_event_and_body() {
    let server = TestServer::start();
    send(&["payvost", "transfer.completed", "--to", &server.to(), "--duplicate", "3"]).ok();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.body == requests[0].body));
    let standard = TestServer::start();
    send(&["standard-webhooks", "user.created", "--to", &standard.to(), "--duplicate", "2"]).ok();
    let requests = standard.requests();
    assert_eq!(requests[0].header("webhook-id"), requests[1].header("webhook-id"), "same message id");
}

#[test]
fn globs_and_shuffle_send_every_matching_event() {
    let server = TestServer::start();
    let stdout = send(&["payvost", "payment.*", "--to", &server.to(), "--shuffle"]).ok();
    assert!(stdout.contains("sent 4 · 2xx 4"), "{stdout}");
    let mut types: Vec<String> =
        server.requests().iter().map(|r| r.json()["type"].as_str().unwrap_or("").to_owned()).collect();
    types.sort();
    assert_eq!(types, ["payment.created", "payment.failed", "payment.refunded", "payment.succeeded"]);
    let (_, stderr) = send(&["payvost", "nothing.*", "--to", &server.to()]).code(2);
    assert!(stderr.contains("no payvost event matches `nothing.*`"), "{stderr}");
}

#[test]
fn dry_run_sends_nothing_and_its_curl_command_verifies() {
    let server = TestServer::start();
    let stdout = send(&["verifynow", "verification.failed:underage", "--to", &server.to(), "--dry-run"]).ok();
    assert!(server.requests().is_empty(), "a dry run sends nothing");
    assert!(stdout.starts_with("POST /api/webhooks/verifynow HTTP/1.1\n"), "{stdout}");
    let curl = stdout.lines().find(|l| l.starts_with("curl ")).expect("a curl command");
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{curl} -o /dev/null"))
        .env("VERIFYNOW_API_KEY", "key-1")
        .status()
        .expect("sh runs");
    assert!(!stdout.contains("key-1"), "the api key is not printed: curl reads it from the env");
    assert!(status.success());
    let captured = &server.requests()[0];
    assert_eq!(captured.json()["data"]["failure_code"], "UNDERAGE");
    let verifynow = Catalog::builtin().get("verifynow").expect("built in");
    assert_eq!(verify(&captured.request(), &verifynow.scheme, &keys(), now()).outcome, Outcome::Valid);
}

#[test]
fn custom_bodies_and_headers_are_signed_as_given() {
    let server = TestServer::start();
    let body = "{\"type\":\"payment.created\",\"id\":\"evt_custom\"}\n";
    let stdout = send(&["payvost", "--body", "body.json", "--to", &server.to(), "-H", "X-Trace: abc"])
        .file("body.json", body)
        .ok();
    assert!(stdout.contains("payment.created evt_custom → 200"), "{stdout}");
    let captured = &server.requests()[0];
    assert_eq!(captured.body, body.as_bytes(), "byte for byte, trailing newline included");
    assert_eq!(captured.header("x-trace").as_deref(), Some("abc"));
    assert_eq!(captured.header("payvost-signature"), Some(hmac_sha256_hex(SECRET.as_bytes(), body.as_bytes())));
}

#[test]
fn json_output_redacts_credentials() {
    let server = TestServer::start();
    let stdout = send(&["verifynow", "verification.expired", "--to", &server.to(), "--json"]).ok();
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON per line")).collect();
    assert_eq!(lines.len(), 2);
    let delivery = &lines[0];
    assert_eq!(
        (delivery["kind"].as_str(), delivery["status"].as_u64(), delivery["attempt"].as_u64()),
        (Some("delivery"), Some(200), Some(1))
    );
    assert_eq!(delivery["response_body"], "{\"received\":true}");
    assert!(delivery["latency_ms"].as_f64().is_some());
    let headers = delivery["request_headers"].as_array().expect("pairs");
    assert!(headers.iter().any(|h| h[0] == "Authorization" && h[1] == "(redacted)"), "{headers:?}");
    assert!(!stdout.contains("key-1"), "the api key never reaches output");
    assert_eq!(lines[1]["kind"], "summary");
    assert_eq!(lines[1]["2xx"], 1);
}

#[test]
fn failures_are_one_clear_line_with_the_right_exit_code() {
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let (stdout, stderr) = send(&["payvost", "payment.created", "--to", &port.to_string()]).code(4);
    assert!(
        stdout.contains("connection refused")
            && stdout.contains(&format!("is your app listening on 127.0.0.1:{port}?")),
        "{stdout}"
    );
    // Only where the secret came from and where the run delivers to: the failure itself is on stdout.
    assert!(
        stderr.lines().all(|l| l.starts_with("hookctl: payvost secret: ") || l.starts_with("hookctl: delivering to ")),
        "{stderr}"
    );

    let (_, stderr) = send(&["payvost", "payment.created", "--to", "ftp://example.com"]).code(2);
    assert!(stderr.contains("--to") && stderr.lines().count() == 1, "{stderr}");
    let (_, stderr) = send(&["payvost", "payment.sucess", "--to", "3000"]).code(2);
    assert!(stderr.contains("did you mean `payment.succeeded`"), "{stderr}");
    let (_, stderr) = send(&["payvost"]).code(2);
    assert!(stderr.contains("missing EVENT"), "{stderr}");
    let (_, stderr) = send(&[]).code(2);
    assert!(stderr.contains("missing PROVIDER"), "{stderr}");
    let (_, stderr) = send(&["payvost", "payment.created"]).code(2);
    assert!(stderr.contains("missing --to"), "{stderr}");
}

#[test]
fn a_profile_gives_the_base_url() {
    let server = TestServer::start();
    let config = format!(
        "[profiles.local]\nurl = \"http://127.0.0.1:{}\"\n[profiles.local.secrets]\npayqi = \"env:LOCAL_PAYQI\"\n",
        server.port
    );
    hookctl(&["send", "payqi", "payment.pending", "--profile", "local"])
        .file("hookctl.toml", &config)
        .env("LOCAL_PAYQI", "local-secret")
        .ok();
    let captured = &server.requests()[0];
    assert_eq!(captured.target, "/webhooks/payqi");
    assert_eq!(captured.header("x-payqi-signature"), Some(hmac_sha256_hex(b"local-secret", &captured.body)));
}

#[test]
fn payloads_that_break_their_schema_are_sent_with_a_warning() {
    let server = TestServer::start();
    let (_, stderr) =
        send(&["payvost", "payment.succeeded", "--to", &server.to(), "--set", "data.status=bogus"]).code(0);
    assert!(stderr.contains("payment.succeeded does not match its schema: /data/status"), "{stderr}");
    let (_, stderr) = send(&["payvost", "--body", "b", "--to", &server.to()]).file("b", "not json").code(0);
    assert!(stderr.contains("not JSON"), "{stderr}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn huge_runs_stream_and_stop_when_the_reader_goes() {
    use std::io::BufRead as _;
    let mut run = send(&["payvost", "payment.succeeded", "--to", "3000", "--repeat", "4294967295", "--dry-run"]);
    let mut child = run.spawn_piped();
    let stdout = child.stdout.take().expect("piped");
    let first = std::io::BufReader::new(stdout).lines().next().expect("a line").expect("text");
    assert!(first.starts_with("POST /webhooks/payvost"), "{first}");
    // The reader is gone: hookctl must notice and stop, not render four billion events.
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        assert!(started.elapsed() < std::time::Duration::from_secs(20), "still running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn bad_headers_and_paths_are_usage_errors_before_sending() {
    let server = TestServer::start();
    let (_, stderr) =
        send(&["payvost", "payment.created", "--to", &server.to(), "-H", "X-A: b\r\nX-Injected: 1"]).code(2);
    assert!(stderr.contains("control character") && !stderr.contains('\r'), "{stderr}");
    let (_, stderr) = send(&["payvost", "payment.created", "--to", "/webhooks/x"]).code(2);
    assert!(stderr.contains("no --profile") && stderr.contains("localhost:3000/webhooks/x"), "{stderr}");
    assert!(server.requests().is_empty());
}
