//! Captures as people have them: a browser HAR of a whole session, with a few webhooks among pages, scripts
//! and XHRs.

use serde_json::{Value, json};

use crate::common::*;

/// A request JSON signed by `hookctl sign --json`.
fn signed(provider: &str, event: &str) -> Value {
    let stdout = hookctl(&["sign", provider, "--event", event, "--json"]).env("HOOKCTL_SECRET", SECRET).ok();
    serde_json::from_str(&stdout).expect("sign --json")
}

fn har_entry(started: &str, method: &str, target: &str, headers: &[(&str, &str)], body: &str, status: i64) -> Value {
    let headers: Vec<Value> = headers.iter().map(|(n, v)| json!({"name": n, "value": v})).collect();
    let mut request = json!({"method": method, "url": format!("https://shop.example.test{target}"),
        "httpVersion": "HTTP/1.1", "headers": headers, "cookies": [], "queryString": [], "headersSize": -1,
        "bodySize": body.len()});
    if !body.is_empty() {
        request["postData"] = json!({"mimeType": "application/json", "text": body});
    }
    json!({"startedDateTime": started, "time": 12.5, "request": request,
        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
            "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "", "headersSize": -1, "bodySize": -1},
        "cache": {}, "timings": {"send": 0, "wait": 12.5, "receive": 0}})
}

/// The HAR a browser saves from a session: 30 requests of the shop's own (scripts, XHRs with the session's
/// bearer token and cookie) and two webhooks, at entries 6 (Payvost, answered 200) and 21 (GitHub, answered
/// 500), which also carry the browser's credentials.
pub fn browser_har() -> String {
    let session = [("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.session"), ("Cookie", "sid=s3cr3t; theme=dark")];
    let mut entries = Vec::new();
    let webhooks = [(6, signed("payvost", "payment.succeeded"), 200), (21, signed("github", "push"), 500)];
    let mut others = 0;
    for n in 1..=32 {
        let started = format!("2026-03-04T10:00:{:02}.250Z", n);
        if let Some((_, capture, status)) = webhooks.iter().find(|(at, _, _)| *at == n) {
            let mut headers: Vec<(String, String)> = capture["headers"]
                .as_array()
                .expect("pairs")
                .iter()
                .map(|pair| (pair[0].as_str().expect("name").to_owned(), pair[1].as_str().expect("value").to_owned()))
                .collect();
            headers.extend(session.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
            let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
            let target = capture["target"].as_str().expect("target");
            let body = capture["body"].as_str().expect("body");
            entries.push(har_entry(&started, "POST", target, &headers, body, *status));
            continue;
        }
        others += 1;
        let entry = if others % 3 == 0 {
            let body = json!({"item": others, "qty": 1}).to_string();
            har_entry(&started, "POST", "/api/cart", &session, &body, 200)
        } else {
            har_entry(&started, "GET", &format!("/static/chunk-{others}.js"), &[("Accept", "*/*")], "", 200)
        };
        entries.push(entry);
    }
    json!({"log": {"version": "1.2", "creator": {"name": "Firefox", "version": "133.0"}, "entries": entries}})
        .to_string()
}

#[test]
fn verify_of_a_browser_har_verifies_its_webhooks_and_counts_the_rest() {
    let har = browser_har();
    let (stdout, stderr) =
        hookctl(&["verify", "session.har"]).file("session.har", &har).env("HOOKCTL_SECRET", SECRET).code(0);
    assert_eq!(stdout.matches("✓ VALID").count(), 2, "{stdout}");
    assert!(stdout.contains("entry 6") && stdout.contains("entry 21"), "{stdout}");
    assert!(stderr.contains("2 of 32 requests look like webhooks; skipped 30"), "{stderr}");

    // --json: a verdict per webhook, and a `skipped` line per other request.
    let (stdout, _) =
        hookctl(&["verify", "session.har", "--json"]).file("session.har", &har).env("HOOKCTL_SECRET", SECRET).code(0);
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(lines.len(), 32);
    let verdicts: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["verdict"] != "skipped")
        .map(|l| (l["entry"].as_str().expect("entry"), l["provider"].as_str().expect("provider")))
        .collect();
    assert_eq!(verdicts, [("entry 6", "payvost"), ("entry 21", "github")]);
    assert!(
        lines.iter().filter(|l| l["verdict"] == "skipped").all(|l| l["reason"].is_string() && l["target"].is_string())
    );

    // --entry still picks one, webhook or not.
    let (stdout, stderr) = hookctl(&["verify", "session.har", "--entry", "21"])
        .file("session.har", &har)
        .env("HOOKCTL_SECRET", SECRET)
        .code(0);
    assert!(stdout.contains("✓ VALID github") && !stdout.contains("payvost"), "{stdout}");
    assert!(!stderr.contains("skipped"), "{stderr}");
    let (_, stderr) = hookctl(&["verify", "session.har", "--entry", "1"]).file("session.har", &har).code(2);
    assert!(stderr.contains("entry 1: no provider's signature header or route"), "{stderr}");
}

#[test]
fn replay_skips_events_of_no_known_provider_and_goes_on() {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let store = store.to_str().expect("UTF-8");
    hookctl(&["events", "import", "session.har", "--all-entries", "--store", store])
        .file("session.har", browser_har())
        .ok();
    let server = TestServer::start();
    let (stdout, stderr) =
        hookctl(&["replay", "--to", &server.to(), "--store", store]).env("HOOKCTL_SECRET", SECRET).code(0);
    assert!(stdout.contains("replayed 2 events") && stdout.contains("2xx 2"), "{stdout}");
    assert_eq!(stderr.matches("hookctl: skipping #").count(), 30, "{stderr}");
    assert!(stderr.contains("skipping #1: it came from no known provider"), "{stderr}");
    let mut targets: Vec<String> = server.requests().iter().map(|r| r.target.clone()).collect();
    targets.sort();
    assert_eq!(targets, ["/webhooks/github", "/webhooks/payvost"]);

    // The same from the file.
    let (stdout, stderr) = hookctl(&["replay", "--from", "session.har", "--to", &server.to()])
        .file("session.har", browser_har())
        .env("HOOKCTL_SECRET", SECRET)
        .code(0);
    assert!(stdout.contains("replayed 2 events"), "{stdout}");
    assert!(stderr.contains("skipping entry 1:"), "{stderr}");
}

/// A real capture from `tests/captures/` (how each was made is in its README).
fn tcpdump(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures").join(name);
    std::fs::read(path).expect("a committed capture")
}

fn verify_capture(name: &str, expected: i32) -> (String, String) {
    hookctl(&["verify", name]).file(name, tcpdump(name)).env("HOOKCTL_SECRET", SECRET).code(expected)
}

#[test]
fn real_tcpdump_captures_verify() {
    // -A, the request in one packet among the handshake, the answer and the close.
    let (stdout, _) = verify_capture("tcpdump-A-send.txt", 0);
    assert!(stdout.starts_with("✓ VALID payvost  payment.succeeded evt_7bcul3kWMBTEk1pvkL2kNcUj"), "{stdout}");
    // -A and -X, the head and two halves of the body in three packets, header lines and answers between them.
    // Also -v (two-line packet headers) and -i any (an interface column).
    for name in ["tcpdump-A-split.txt", "tcpdump-X-split.txt", "tcpdump-A-verbose.txt", "tcpdump-X-any.txt"] {
        let (stdout, _) = verify_capture(name, 0);
        assert!(stdout.starts_with("✓ VALID payvost  payment.failed evt_bsatedYMmsAYVYdvY2eyche9"), "{name}: {stdout}");
    }
    // A body with CRLF line endings: -X keeps every byte, -A cannot, and says so.
    let (stdout, _) = verify_capture("tcpdump-X-crlf-body.txt", 0);
    assert!(stdout.starts_with("✓ VALID payvost"), "{stdout}");
    let (_, stderr) = verify_capture("tcpdump-A-crlf-body.txt", 2);
    assert!(
        stderr
            .contains("Content-Length is 491 bytes but only 471 follow the headers; tcpdump -A drops carriage returns")
            && stderr.contains("capture with -X"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Non-ASCII text in the body: -A shows it as dots; the report blames that, not the secret.
    let (stdout, _) = verify_capture("tcpdump-A-utf8-body.txt", 3);
    assert!(
        stdout.contains("so: read from tcpdump -A text") && !stdout.contains("the secret is most likely"),
        "{stdout}"
    );
    let (stdout, _) = hookctl(&["verify", "-", "--json"])
        .stdin(tcpdump("tcpdump-A-utf8-body.txt"))
        .env("HOOKCTL_SECRET", SECRET)
        .code(3);
    let verdict: Value = serde_json::from_str(&stdout).expect("JSON");
    assert!(verdict["capture_caveat"].as_str().is_some_and(|c| c.contains("-X")), "{verdict}");
}

#[test]
fn tcpdump_output_without_a_request_is_one_clear_line() {
    // Only the answer's packets: the request was sent before tcpdump started.
    let text = String::from_utf8(tcpdump("tcpdump-A-send.txt")).expect("text");
    let answer: String =
        text.split_inclusive('\n').skip_while(|l| !l.contains("> 127.0.0.1.48298: Flags [P.]")).collect();
    let (_, stderr) = hookctl(&["verify", "-"]).stdin(answer).code(2);
    assert!(stderr.contains("no HTTP request in this tcpdump output"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn events_import_reads_tcpdump_captures() {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let store = store.to_str().expect("UTF-8");
    hookctl(&["events", "import", "-", "--store", store])
        .stdin(tcpdump("tcpdump-X-split.txt"))
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let listed = hookctl(&["events", "list", "--json", "--store", store]).ok();
    let event: Value = serde_json::from_str(listed.trim()).expect("one event");
    assert_eq!((event["provider"].as_str(), event["signature"]["verdict"].as_str()), (Some("payvost"), Some("valid")));
}
