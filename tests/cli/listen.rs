//! listen and events: the real binary on port 0, fed by the real `send`, a real SQLite file.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1")
}

#[test]
fn every_provider_is_stored_and_shown_valid() {
    let listening = listen(&[]);
    for provider in PROVIDERS {
        let fixtures = hookctl(&["fixtures", provider, "--json"]).ok();
        let first: Value = serde_json::from_str(fixtures.lines().next().expect("a fixture")).expect("JSON");
        send(&[provider, first["event"].as_str().expect("event"), "--to", &listening.to()]).ok();
    }
    let lines = listening.wait_lines(PROVIDERS.len());
    for (provider, line) in PROVIDERS.iter().zip(&lines) {
        assert!(line.contains(provider), "{line}");
        let expected = if *provider == "agio" { "! unsigned" } else { "✓ signed" };
        assert!(line.contains(expected) && line.contains("✓ schema") && line.contains("→ 200"), "{line}");
    }
    let events = listening.events();
    assert_eq!(events.len(), PROVIDERS.len());
    for event in &events {
        assert!(matches!(event["signature"]["verdict"].as_str(), Some("valid" | "unsigned")), "{event}");
        assert_eq!(event["payload"]["status"], "valid", "{event}");
    }
    // The documented answers: VerifyNow's JSON, PayQI's OK.
    let verifynow = send(&["verifynow", "verification.completed", "--to", &listening.to(), "--json"]).ok();
    assert!(verifynow.contains(r#"{\"success\": true, \"message\": \"Webhook processed\"}"#), "{verifynow}");
}

#[test]
fn failures_are_shown_with_their_reason_and_stored() {
    let listening = listen(&[]);
    hookctl(&["send", "payvost", "payment.created", "--to", &listening.to()])
        .env("PAYVOST_WEBHOOK_SECRET", "wrong")
        .ok();
    send(&["payvost", "payment.failed", "--to", &listening.to(), "--set", "data.status=bogus"]).ok();
    send(&["payqi", "payment.expired", "--to", &listening.to(), "--duplicate", "2"]).ok();
    let lines = listening.wait_lines(4);
    assert!(lines[0].contains("✗ signature mismatch"), "{}", lines[0]);
    assert!(lines[1].contains("✓ signed") && lines[1].contains("✗ /data/status"), "{}", lines[1]);
    assert!(!lines[2].contains("duplicate") && lines[3].contains("duplicate"), "{lines:#?}");
    let events = listening.events();
    assert_eq!(events[0]["signature"]["verdict"], "mismatch");
    assert_eq!(events[1]["payload"]["status"], "invalid");
    assert_eq!((events[2]["duplicate"].as_bool(), events[3]["duplicate"].as_bool()), (Some(false), Some(true)));
}

#[test]
fn answers_can_fail_on_purpose_and_reject_invalid_signatures() {
    let failing = listen(&["--respond", "503"]);
    let (stdout, _) = send(&["payvost", "payment.created", "--to", &failing.to()]).code(4);
    assert!(stdout.contains("503"), "{stdout}");
    assert_eq!(failing.events()[0]["answer_status"], 503, "stored with the answer it got");

    let strict = listen(&["--reject-invalid"]);
    let (stdout, _) = hookctl(&["send", "payvost", "payment.created", "--to", &strict.to()])
        .env("PAYVOST_WEBHOOK_SECRET", "wrong")
        .code(4);
    assert!(stdout.contains("401"), "{stdout}");
    send(&["payvost", "payment.created", "--to", &strict.to()]).ok();

    // Forwarding too, a failed signature is answered 401 by the listener and never reaches the app.
    let app = TestServer::start();
    let forwarding = listen(&["--reject-invalid", "--forward-to", &app.to()]);
    let (stdout, _) = hookctl(&["send", "payvost", "payment.created", "--to", &forwarding.to()])
        .env("PAYVOST_WEBHOOK_SECRET", "wrong")
        .code(4);
    assert!(stdout.contains("401"), "{stdout}");
    send(&["payvost", "payment.created", "--to", &forwarding.to()]).ok();
    assert_eq!(app.requests().len(), 1, "only the valid one is forwarded");
}

#[test]
fn json_output_is_ndjson_and_events_filters_printing() {
    let listening = listen(&["--json", "--events", "transfer.*"]);
    send(&["payvost", "payment.created", "--to", &listening.to()]).ok();
    send(&["payvost", "transfer.created", "--to", &listening.to()]).ok();
    let lines = listening.wait_lines(1);
    std::thread::sleep(Duration::from_millis(200));
    let lines_now = listening.lines.lock().expect("not poisoned").clone();
    assert_eq!(lines_now.len(), 1, "only the transfer is printed: {lines:#?}");
    let event: Value = serde_json::from_str(&lines[0]).expect("NDJSON");
    assert_eq!(
        (event["event"].as_str(), event["signature"]["verdict"].as_str()),
        (Some("transfer.created"), Some("valid"))
    );
    assert_eq!(listening.events().len(), 2, "both are stored");
}

#[test]
fn forward_to_relays_exact_bytes_and_the_apps_answer() {
    let app = TestServer::answering(&[202]);
    let listening = listen(&["--forward-to", &format!("127.0.0.1:{}", app.port)]);
    let (stdout, _) = send(&["verifynow", "verification.failed:duplicate", "--to", &listening.to(), "--json"]).code(0);
    let delivery: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(delivery["status"], 202, "the app's status is relayed");
    assert_eq!(delivery["response_body"], "{\"received\":true}", "and its body");
    let received = &app.requests()[0];
    assert_eq!(received.target, "/api/webhooks/verifynow");
    assert_eq!(received.header("authorization").as_deref(), Some("api-key key-1"), "credentials pass through");
    let stored = hookctl(&["events", "show", "1", "--raw", "--store", listening.store.to_str().expect("UTF-8")]).ok();
    assert!(stored.ends_with(&String::from_utf8_lossy(&received.body).into_owned()), "byte-identical body");
    assert!(stored.contains("authorization: (redacted)"), "stored redacted: {stored}");
    let line = &listening.wait_lines(1)[0];
    assert!(line.contains("(app 202 in"), "{line}");

    let down = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let orphan = listen(&["--forward-to", &format!("127.0.0.1:{down}")]);
    let (stdout, _) = send(&["payvost", "payment.created", "--to", &orphan.to()]).code(4);
    assert!(stdout.contains("502"), "{stdout}");
    assert!(orphan.wait_lines(1)[0].contains("app unreachable: connection refused"));
}

#[test]
fn acknowledged_events_survive_kill_9() {
    let _heavy = heavy();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    for round in 1..=3 {
        let mut listening = listen_on(&store, &[]);
        let stdout =
            send(&["payvost", "payment.succeeded", "--to", &listening.to(), "--repeat", "150", "--concurrency", "16"])
                .ok();
        assert!(stdout.contains("2xx 150"), "{stdout}");
        listening.kill(); // SIGKILL as soon as the last 2xx arrived
        let connection = rusqlite::Connection::open(&store).expect("opens");
        let integrity: String = connection.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("checks");
        assert_eq!(integrity, "ok");
        let count: i64 = connection.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).expect("counts");
        assert_eq!(count, 150 * round, "every acknowledged event is stored");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&store).expect("exists").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the store is private");
    }
}

/// Writes raw bytes to the listener and reads the status line of its answer.
fn raw_exchange(port: u16, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).lines().next().unwrap_or_default().to_owned()
}

#[test]
fn hostile_input_gets_clear_answers_and_the_listener_keeps_serving() {
    let _heavy = heavy();
    let listening = listen(&["--verbose"]);
    let port = listening.port;
    assert!(raw_exchange(port, b"GARBAGE\r\n\r\n").contains("400"), "malformed HTTP");
    let invalid_utf8 =
        b"POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 4\r\n\r\n\xff\xfe\x00\x01";
    assert!(raw_exchange(port, invalid_utf8).contains("200"), "stored and answered");
    let mut huge =
        b"POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 52428800\r\n\r\n".to_vec();
    huge.extend(std::iter::repeat_n(b'a', 52_428_800));
    assert!(raw_exchange(port, &huge).contains("413"), "over --max-body");
    // Raw control bytes are not valid in a header value: a clear 400. C1 controls (valid obs-text) and JSON
    // escapes reach the listener, which must not print them raw.
    let control = b"POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Evil: \x1b]0;pwned\x07\r\nContent-Length: 2\r\n\r\n{}";
    assert!(raw_exchange(port, control).contains("400"));
    let body = br#"{"type":"payment.created\u001b]0;pwned\u0007","id":"evt_\u001b[2J"}"#;
    let mut escapes = format!(
        "POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\nX-Evil: ",
        body.len()
    )
    .into_bytes();
    escapes.extend_from_slice(b"\xc2\x9b31m\r\n\r\n");
    escapes.extend_from_slice(body);
    assert!(raw_exchange(port, &escapes).contains("200"));

    // 1000 connections at once, each with a request; every one is answered.
    let connections: Vec<TcpStream> =
        (0..1000).map(|_| TcpStream::connect(("127.0.0.1", port)).expect("connects")).collect();
    let request = b"POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
    let handles: Vec<_> = connections
        .into_iter()
        .map(|mut stream| {
            std::thread::spawn(move || {
                stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
                stream.write_all(request).expect("writes");
                let mut answer = String::new();
                let _ = stream.read_to_string(&mut answer);
                answer.starts_with("HTTP/1.1 200")
            })
        })
        .collect();
    let answered = handles.into_iter().map(|h| h.join().unwrap_or(false)).filter(|ok| *ok).count();
    assert_eq!(answered, 1000);

    send(&["payvost", "payment.created", "--to", &listening.to()]).ok();
    let lines = listening.wait_lines(1004);
    let raw = |l: &String| l.contains('\u{1b}') || l.contains('\u{7}') || l.contains('\u{9b}');
    assert!(!lines.iter().any(raw), "nothing raw reaches the terminal");
    assert!(lines.iter().any(|l| l.contains("payment.created\\u{1b}]0;pwned")), "escaped, still readable");
    assert!(lines.iter().any(|l| l.contains("413")), "the oversized body is reported");
    let connection = rusqlite::Connection::open(&listening.store).expect("opens");
    let integrity: String = connection.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("checks");
    assert_eq!(integrity, "ok");
}

#[test]
fn stored_events_round_trip_through_verify_export_and_import() {
    let listening = listen(&[]);
    send(&["stripe", "charge.refunded", "--to", &listening.to()]).ok();
    send(&["github", "ping", "--to", &listening.to()]).ok();
    listening.wait_lines(2);
    let store = listening.store.to_str().expect("UTF-8");
    let raw = hookctl(&["events", "show", "1", "--raw", "--store", store]).ok();
    let (stdout, _) = hookctl(&["verify", "-"]).stdin(raw).env("HOOKCTL_SECRET", SECRET).code(0);
    assert!(stdout.contains("✓ VALID stripe"), "{stdout}");
    let (stdout, _) = hookctl(&["verify", "--event", "2", "--store", store]).env("HOOKCTL_SECRET", SECRET).code(0);
    assert!(stdout.contains("✓ VALID github"), "{stdout}");

    for format in ["jsonl", "har"] {
        let exported = hookctl(&["events", "export", "--format", format, "--store", store]).ok();
        let (stdout, _) = hookctl(&["verify", "-"]).stdin(exported.clone()).env("HOOKCTL_SECRET", SECRET).code(0);
        assert_eq!(stdout.matches("✓ VALID").count(), 2, "{format}: {stdout}");
        let other = tempfile::tempdir().expect("temp");
        let other_store = other.path().join("e.db");
        let other_store = other_store.to_str().expect("UTF-8");
        hookctl(&["events", "import", "-", "--store", other_store]).stdin(exported).env("HOOKCTL_SECRET", SECRET).ok();
        let listed = hookctl(&["events", "list", "--json", "--store", other_store]).ok();
        assert_eq!(listed.lines().count(), 2, "{format}");
        assert!(listed.lines().all(|l| l.contains("\"verdict\":\"valid\"")), "{listed}");
    }
    let listed = hookctl(&["events", "list", "--store", store, "--provider", "github"]).ok();
    assert_eq!(listed.lines().count(), 1);
    let listed = hookctl(&["events", "list", "--store", store, "--type", "charge.*", "--last", "5"]).ok();
    assert!(listed.contains("charge.refunded") && listed.lines().count() == 1, "{listed}");
    hookctl(&["events", "delete", "1", "--store", store]).ok();
    let (_, stderr) = hookctl(&["events", "show", "1", "--store", store]).code(2);
    assert!(stderr.contains("no stored event #1"), "{stderr}");
    hookctl(&["events", "delete", "--all", "--yes", "--store", store]).ok();
    assert!(hookctl(&["events", "list", "--store", store, "--json"]).ok().is_empty());
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("e.db");
    let (_, stderr) = hookctl(&["listen", "--port", &port, "--store", store.to_str().expect("UTF-8")]).code(2);
    assert!(stderr.contains("is in use") && stderr.contains("--port 0"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn a_slow_sender_gets_408_and_others_are_still_served() {
    let listening = listen(&["--read-timeout", "1s"]);
    let mut slow = TcpStream::connect(("127.0.0.1", listening.port)).expect("connects");
    slow.write_all(b"POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"id").expect("writes");
    send(&["payvost", "payment.created", "--to", &listening.to()]).ok();
    slow.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut answer = [0u8; 64];
    let read = slow.read(&mut answer).expect("an answer");
    assert!(
        String::from_utf8_lossy(&answer[..read]).starts_with("HTTP/1.1 408"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
}

/// `send --repeat N` running in the background against a listener, for faults injected mid-load.
struct Load {
    child: std::process::Child,
    /// Reads `send`'s output as it comes (a full pipe would stall the load).
    output: Option<std::thread::JoinHandle<String>>,
}

impl Load {
    fn start(port: u16, deliveries: usize) -> Self {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookctl"))
            .args(["send", "payvost", "payment.succeeded", "--json", "--concurrency", "16", "--to"])
            .arg(port.to_string())
            .args(["--repeat", &deliveries.to_string()])
            .env_clear()
            .env("HOOKCTL_SECRET", SECRET)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("send starts");
        let mut stdout = child.stdout.take().expect("piped");
        let output = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stdout.read_to_string(&mut text);
            text
        });
        Self { child, output: Some(output) }
    }

    /// The event ids the listener acknowledged with a 2xx, and how many deliveries failed.
    fn acknowledged(mut self) -> (std::collections::BTreeSet<String>, usize) {
        let stdout = self.output.take().expect("read once").join().expect("the reader ends");
        self.child.wait().expect("send ends");
        let mut acknowledged = std::collections::BTreeSet::new();
        let mut failed = 0;
        for line in stdout.lines() {
            let value: Value = serde_json::from_str(line).expect("JSON lines");
            if value["kind"] != "delivery" {
                continue;
            }
            if value["ok"] == true {
                acknowledged.insert(value["event_id"].as_str().expect("an event id").to_owned());
            } else {
                failed += 1;
            }
        }
        (acknowledged, failed)
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stored_ids(store: &std::path::Path) -> std::collections::BTreeSet<String> {
    event_ids(store)
}

#[test]
fn kill_9_at_random_moments_mid_load_loses_no_acknowledged_event() {
    let _heavy = heavy();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let mut rng = fastrand::Rng::with_seed(9);
    for _ in 0..4 {
        let mut listening = listen_on(&store, &[]);
        let load = Load::start(listening.port, 5000);
        listening.wait_lines(rng.usize(1..3000)); // a random moment, counted in events received
        listening.kill(); // SIGKILL, deliveries in flight
        let (acknowledged, failed) = load.acknowledged();
        assert!(failed > 0, "the kill landed mid-load");
        let stored = stored_ids(&store);
        let lost: Vec<_> = acknowledged.difference(&stored).collect();
        assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    }
    listen_on(&store, &[]); // and it restarts on the store
}

#[test]
fn sigterm_mid_load_answers_what_is_in_flight_and_exits_cleanly() {
    let _heavy = heavy();
    let mut listening = listen(&[]);
    let load = Load::start(listening.port, 5000);
    listening.wait_lines(200);
    let status = listening.terminate();
    assert!(status.success(), "{status:?}");
    let (acknowledged, _) = load.acknowledged();
    assert!(!acknowledged.is_empty());
    let stored = stored_ids(&listening.store);
    assert!(acknowledged.is_subset(&stored), "every acknowledged event is stored");
}

#[test]
fn a_full_disk_answers_503_with_a_clear_reason_and_loses_nothing() {
    let _heavy = heavy();
    // No file may grow past 512 KiB: the store's writes fail as on a full disk (EFBIG rather than ENOSPC). The
    // listener starts with SIGXFSZ at its default action, which would end it: it must catch the signal itself.
    let listening = listen_after("ulimit -f 512", &["--json"]);
    let load = Load::start(listening.port, 1500);
    let (acknowledged, failed) = load.acknowledged();
    assert!(failed > 0 && !acknowledged.is_empty(), "{} stored, {failed} refused", acknowledged.len());
    let lines = listening.wait_lines(acknowledged.len() + failed);
    let refused: Vec<Value> = lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).expect("NDJSON"))
        .filter(|v| v["stored"] == false)
        .collect();
    assert_eq!(refused.len(), failed, "each refused delivery is reported");
    assert!(refused.iter().all(|v| v["answer_status"] == 503), "{:?}", refused[0]);
    let reason = refused[0]["store_error"].as_str().expect("a reason");
    assert!(reason.contains("could not be written") && reason.contains("--store"), "{reason}");
    let stored = stored_ids(&listening.store);
    assert!(acknowledged.is_subset(&stored), "every acknowledged event is stored");
}

#[test]
fn a_delivery_refused_for_a_full_disk_says_when_to_retry() {
    let _heavy = heavy();
    let listening = listen_after("ulimit -f 512", &[]);
    // 128 KiB bodies: the store passes its 512 KiB limit within a few deliveries.
    let body = format!("{{\"type\":\"payment.created\",\"pad\":\"{}\"}}", "x".repeat(128 * 1024));
    let request = format!(
        "POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let refused = (0..20).find_map(|_| {
        let mut stream = TcpStream::connect(("127.0.0.1", listening.port)).expect("connects");
        stream.write_all(request.as_bytes()).expect("writes");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("an answer");
        answer.starts_with("HTTP/1.1 503").then_some(answer)
    });
    let refused = refused.expect("a full store refuses a delivery");
    let head = refused.split("\r\n\r\n").next().unwrap_or_default().to_ascii_lowercase();
    assert!(head.contains("retry-after: 2"), "{head}");
}

#[test]
fn slow_headers_are_cut_off_and_others_are_still_served() {
    let _heavy = heavy();
    let listening = listen(&["--read-timeout", "1s"]);
    let started = std::time::Instant::now();
    // A client that connects and says nothing is cut off too.
    let mut silent = TcpStream::connect(("127.0.0.1", listening.port)).expect("connects");
    let trickles: Vec<_> = (0..20)
        .map(|_| {
            let mut stream = TcpStream::connect(("127.0.0.1", listening.port)).expect("connects");
            std::thread::spawn(move || {
                let _ = stream.write_all(b"POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\n");
                // One header line every 200 ms, forever, as slowloris does; the listener must hang up.
                for n in 0..100 {
                    std::thread::sleep(Duration::from_millis(200));
                    if stream.write_all(format!("X-{n}: a\r\n").as_bytes()).is_err() {
                        return true;
                    }
                    stream.set_read_timeout(Some(Duration::from_millis(1))).expect("timeout");
                    let mut byte = [0u8; 256];
                    if stream.read(&mut byte).is_ok() {
                        return true; // closed (0) or answered before closing
                    }
                }
                false
            })
        })
        .collect();
    send(&["payvost", "payment.created", "--to", &listening.to()]).ok();
    silent.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    assert!(silent.read(&mut [0u8; 64]).is_ok(), "the silent connection is closed, not left open");
    let cut: usize = trickles.into_iter().map(|t| usize::from(t.join().unwrap_or(false))).sum();
    assert_eq!(cut, 20, "every slow sender was cut off");
    assert!(started.elapsed() < Duration::from_secs(10), "within the deadline, not after 20 s of trickling");
    send(&["payvost", "payment.created", "--to", &listening.to()]).ok();
}

#[test]
fn broken_requests_are_refused_and_never_stored() {
    let listening = listen(&["--json"]);
    let port = listening.port;
    let head = "POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
    let bad_chunks = format!("{head}Transfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n");
    assert!(raw_exchange(port, bad_chunks.as_bytes()).contains("400"), "invalid chunked encoding");
    let huge_header = format!("{head}X-Big: {}\r\nContent-Length: 2\r\n\r\n{{}}", "a".repeat(1024 * 1024));
    assert!(raw_exchange(port, huge_header.as_bytes()).contains("431"), "a 1 MiB header");
    let repeated: String = (0..500).map(|n| format!("X-Repeat: {n}\r\n")).collect();
    let repeated = format!("{head}{repeated}Content-Length: 2\r\n\r\n{{}}");
    assert!(raw_exchange(port, repeated.as_bytes()).contains("431"), "500 headers");
    // A body cut short: the sender stops writing and hangs up.
    let mut truncated = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    truncated.write_all(format!("{head}Content-Length: 100\r\n\r\n{{\"id\":").as_bytes()).expect("writes");
    truncated.shutdown(std::net::Shutdown::Write).expect("half-closes");
    let mut answer = Vec::new();
    truncated.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let _ = truncated.read_to_end(&mut answer);
    assert!(!String::from_utf8_lossy(&answer).contains(" 200 "), "a cut body is not acknowledged");

    send(&["payvost", "payment.created", "--to", &listening.to()]).ok();
    let lines = listening.wait_lines(1);
    let events = listening.events();
    assert_eq!(events.len(), 1, "only the healthy delivery is stored: {events:?} {lines:?}");
}

#[test]
fn a_read_only_store_is_one_clear_line_before_anything_is_received() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().to_str().expect("UTF-8");
    let store = format!("{folder}/events.db");
    let root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let (code, stderr) = if root {
        // Root may write anywhere: a read-only tmpfs, mounted in a mount namespace of the listener's own
        // (nothing is left mounted, whatever happens to the test).
        let script = r#"mount -t tmpfs -o ro,size=1m tmpfs "$1" && exec "$0" listen --port 0 --store "$1/events.db""#;
        let output = std::process::Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c", script, env!("CARGO_BIN_EXE_hookctl"), folder])
            .env_clear()
            .env("HOME", folder)
            .output()
            .expect("unshare runs");
        (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
    } else {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o500)).expect("chmod");
        let output = hookctl(&["listen", "--port", "0", "--store", &store]).code(1);
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).expect("chmod");
        (Some(1), output.1)
    };
    assert!(stderr.contains("cannot be written") && stderr.contains("use --store"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(code, Some(1), "{stderr}");
}

#[test]
fn forward_to_passes_no_hop_by_hop_headers_and_no_smuggled_request() {
    let app = TestServer::answering(&[200, 200, 200]);
    let listening = listen(&["--forward-to", &format!("127.0.0.1:{}", app.port)]);
    let port = listening.port;
    // Chunked, with hop-by-hop headers (one named by Connection), a foreign Host, and a body that carries what
    // would be a second request to a proxy that forwarded the chunked framing as is.
    let smuggled = "POST /admin HTTP/1.1\r\nHost: app\r\nContent-Length: 0\r\n\r\n";
    let body = format!("{{\"id\":\"evt_1\",\"note\":{smuggled:?}}}");
    let request = format!(
        "POST /webhooks/payvost HTTP/1.1\r\nHost: evil.example\r\nConnection: close, X-Hop\r\nX-Hop: secret\r\n\
         Keep-Alive: timeout=5\r\nProxy-Authorization: Basic eDp5\r\nTE: trailers\r\nUpgrade: h2c\r\n\
         X-Kept: yes\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    assert!(raw_exchange(port, request.as_bytes()).contains("200"));
    // Content-Length and Transfer-Encoding together (the classic desync) is refused, not forwarded.
    let both = "POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 4\r\n\
                Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nPOST /admin HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
    let answer = raw_exchange(port, both.as_bytes());
    // A server may either refuse the message or read it as chunked (the standard's rule); either way only
    // one request reaches the app.
    assert!(answer.contains("400") || answer.contains("200"), "{answer}");
    std::thread::sleep(Duration::from_millis(300));

    let received = app.requests();
    assert!(received.iter().all(|r| r.target == "/webhooks/payvost"), "nothing reaches /admin: {received:?}");
    let first = &received[0];
    assert_eq!(first.body, body.as_bytes(), "the body, de-chunked, byte for byte");
    for hop in ["connection", "x-hop", "keep-alive", "proxy-authorization", "te", "upgrade", "transfer-encoding"] {
        assert_eq!(first.header(hop), None, "{hop} is not forwarded");
    }
    assert_eq!(first.header("x-kept").as_deref(), Some("yes"), "end-to-end headers are");
    assert_eq!(first.header("host"), Some(format!("127.0.0.1:{}", app.port)), "Host names the app");
    assert_eq!(first.header("content-length"), Some(body.len().to_string()), "the length is the body's");
}

/// Slack's url_verification handshake is answered as a Slack app answers it: with its challenge, as text.
#[test]
fn the_slack_handshake_is_answered_with_its_challenge() {
    let listening = listen(&[]);
    let args = ["slack", "url_verification", "--to", &listening.to(), "--json", "--set", "challenge=chal-4821"];
    let stdout = send(&args).ok();
    let delivery: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(delivery["status"], 200, "{stdout}");
    assert_eq!(delivery["response_body"], "chal-4821", "the challenge is the answer: {stdout}");
    // Other events get the documented empty acknowledgement.
    let stdout = send(&["slack", "app_mention", "--to", &listening.to(), "--json"]).ok();
    let delivery: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(delivery["response_body"], "", "{stdout}");
}

/// `send PROVIDER handshake` sends the provider's handshake and checks the app's answer: listen answers each as
/// the provider requires (Slack's challenge, Zoom's HMAC, Discord's PONG); an app that answers otherwise, or a
/// provider without a handshake, is told so.
#[test]
fn send_handshake_checks_the_apps_answer() {
    let listening = listen(&[]);
    for provider in ["slack", "zoom", "discord"] {
        let (stdout, _) = send(&[provider, "handshake", "--to", &listening.to()]).code(0);
        assert!(stdout.starts_with("✓ handshake: ") && stdout.contains("answered as"), "{provider}: {stdout}");
    }
    let stdout = send(&["zoom", "handshake", "--to", &listening.to(), "--json"]).ok();
    let checked: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(checked["ok"], true, "{checked}");
    let answer: Value = serde_json::from_str(checked["answer"].as_str().expect("answered")).expect("JSON answer");
    assert_eq!(answer, serde_json::from_str::<Value>(checked["expected"].as_str().expect("expected")).expect("JSON"));
    assert_eq!(answer["encryptedToken"].as_str().map(str::len), Some(64), "hex HMAC-SHA256: {answer}");

    // An app that acknowledges without answering the challenge.
    let app = TestServer::start();
    let (stdout, _) = send(&["zoom", "handshake", "--to", &app.to()]).code(4);
    assert!(stdout.contains("not answered as required: Zoom expects `{\"plainToken\""), "{stdout}");
    assert!(stdout.contains("the app answered `{\"received\":true}`"), "{stdout}");
    let (_, stderr) = send(&["github", "handshake", "--to", &app.to()]).code(2);
    assert!(stderr.contains("github sends no handshake"), "{stderr}");
}

/// Output whose reader has gone ends the process quietly with 141, as SIGPIPE ends other tools: no panic.
#[test]
fn a_closed_output_pipe_ends_listen_quietly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (reader, writer) = std::io::pipe().expect("a pipe");
    // Nobody reads: the listener's first line fails.
    drop(reader);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(["listen", "--port", "0", "--no-ui", "--store"])
        .arg(dir.path().join("events.db"))
        .env_clear()
        .env("HOME", dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(writer.try_clone().expect("a second end"))
        .stderr(writer)
        .spawn()
        .expect("listen starts");
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("listen kept running with nowhere to print");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(141));
}
