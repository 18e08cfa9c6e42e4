//! replay: stored, exported and fixture events to a real listener or test server.

use serde_json::{Value, json};

use crate::common::*;

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1")
}

fn replay(store: &std::path::Path, args: &[&str]) -> Run {
    hookctl(&[&["replay", "--store", store.to_str().expect("UTF-8")], args].concat())
        .env("HOOKCTL_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-1")
}

/// Stored events without a listener: `events import` of generated request JSON lines.
fn import(store: &std::path::Path, lines: &[Value]) {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    hookctl(&["events", "import", "-", "--store", store.to_str().expect("UTF-8")]).stdin(text).ok();
}

fn payvost_event(id: &str, seq: usize) -> Value {
    let body = json!({"id": id, "type": "payment.created", "createdAt": "2025-01-01T00:00:00Z",
        "data": {"id": "pay_1", "amount": "1.00", "currency": "USD", "status": "pending", "seq": seq}});
    json!({"method": "POST", "target": "/webhooks/payvost", "headers": [["content-type", "application/json"]],
        "body": body.to_string()})
}

#[test]
fn recorded_events_replay_re_signed_or_verbatim_to_a_second_listener() {
    let first = listen(&[]);
    send(&["payvost", "payment.*", "--to", &first.to()]).ok();
    send(&["verifynow", "verification.completed", "--to", &first.to()]).ok();
    send(&["github", "push", "--to", &first.to()]).ok();
    first.wait_lines(6);

    // The second listener has other secrets: re-signed events verify with them.
    let second = listen_with_env(
        &[],
        &[
            ("PAYVOST_WEBHOOK_SECRET", "staging-p"),
            ("GITHUB_WEBHOOK_SECRET", "staging-g"),
            ("VERIFYNOW_WEBHOOK_SECRET", "staging-v"),
        ],
    );
    let stdout = replay(&first.store, &["--to", &second.to()])
        .env("PAYVOST_WEBHOOK_SECRET", "staging-p")
        .env("GITHUB_WEBHOOK_SECRET", "staging-g")
        .env("VERIFYNOW_WEBHOOK_SECRET", "staging-v")
        .ok();
    assert!(stdout.contains("replayed 6 events") && stdout.contains("2xx 6 · non-2xx 0"), "{stdout}");
    let received = second.events();
    assert_eq!(received.len(), 6);
    assert!(received.iter().all(|e| e["signature"]["verdict"] == "valid"), "{received:#?}");
    let ids = |events: &[Value]| {
        let mut ids: Vec<String> = events.iter().map(|e| format!("{} {}", e["event"], e["event_id"])).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&first.events()), ids(&received), "the same events arrived");

    // Verbatim: the captured bytes and headers exactly.
    let third = listen(&["--keep-credentials"]);
    replay(&first.store, &["--to", &third.to(), "--verbatim", "--concurrency", "1"]).ok();
    third.wait_lines(6);
    for id in 1..=6 {
        let show = |store: &std::path::Path| {
            let raw =
                hookctl(&["events", "show", &id.to_string(), "--raw", "--store", store.to_str().expect("UTF-8")]).ok();
            raw.lines()
                .filter(|l| !l.starts_with("host:") && !l.starts_with("content-length:"))
                .map(|l| if l.starts_with("authorization: ") { "authorization: …" } else { l })
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(show(&first.store), show(&third.store), "event #{id} is byte-identical");
    }
    // The credential was stored redacted: the verbatim replay sent the run's own in its place.
    let store = third.store.to_str().expect("UTF-8");
    let credentials: Vec<String> = (1..=6)
        .flat_map(|id| {
            let raw = hookctl(&["events", "show", &id.to_string(), "--raw", "--store", store]).ok();
            raw.lines().filter_map(|l| l.strip_prefix("authorization: ").map(str::to_owned)).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(credentials, ["api-key key-1"], "{credentials:?}");
}

#[test]
fn ten_thousand_stored_events_with_an_exact_report() {
    let _heavy = heavy();
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let lines: Vec<Value> = (0..10_000).map(|i| payvost_event(&format!("evt_{i}"), i)).collect();
    import(&store, &lines);
    let server = TestServer::start();
    let report = dir.path().join("report.json");
    let stdout =
        replay(&store, &["--to", &server.to(), "--concurrency", "64", "--report", report.to_str().expect("UTF-8")])
            .ok();
    assert!(
        stdout.contains("replayed 10000 events")
            && stdout.contains("2xx 10000 · non-2xx 0 · errors 0 · attempts 10000"),
        "{stdout}"
    );
    assert_eq!(server.requests().len(), 10_000);
    let report = std::fs::read_to_string(report).expect("written");
    assert_eq!(report.lines().count(), 10_001, "a line per delivery, then the summary");
    let report: Value = serde_json::from_str(report.lines().last().expect("summary")).expect("JSON");
    assert_eq!((report["sent"].as_u64(), report["2xx"].as_u64()), (Some(10_000), Some(10_000)));
    assert!(
        report["p50_ms"].as_f64().is_some()
            && report["p90_ms"].as_f64().is_some()
            && report["per_second"].as_f64().is_some()
    );
}

#[test]
fn only_failed_deliveries_are_retried_and_attempts_are_counted() {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let lines: Vec<Value> = (0..5).map(|i| payvost_event(&format!("evt_{i}"), i)).collect();
    import(&store, &lines);
    let server = TestServer::answering(&[500, 503]);
    let stdout =
        replay(&store, &["--to", &server.to(), "--retry", "--time-scale", "1000", "--concurrency", "1", "--json"]).ok();
    let objects: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    let summary = objects.last().expect("summary");
    assert_eq!(
        (summary["sent"].as_u64(), summary["2xx"].as_u64(), summary["attempts"].as_u64()),
        (Some(5), Some(5), Some(7))
    );
    assert_eq!(server.requests().len(), 7);
    let retried: Vec<&Value> = objects.iter().filter(|o| o["attempt"].as_u64() > Some(1)).collect();
    assert!(retried.iter().all(|o| o["source"] == "#1"), "only the failing event is retried: {retried:?}");

    let failing = TestServer::answering(&[500; 100]);
    let (stdout, _) = replay(&store, &["--to", &failing.to()]).code(4);
    assert!(stdout.contains("non-2xx 5 (500 ×5)"), "{stdout}");
}

#[test]
fn order_is_kept_per_event_id() {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    // Ten versions each of five events, interleaved.
    let lines: Vec<Value> = (0..50).map(|i| payvost_event(&format!("evt_{}", i % 5), i)).collect();
    import(&store, &lines);
    let server = TestServer::start();
    replay(&store, &["--to", &server.to(), "--concurrency", "16", "--keep-order"]).ok();
    let mut last_seq = std::collections::HashMap::new();
    for request in server.requests() {
        let body = request.json();
        let (id, seq) = (body["id"].as_str().expect("id").to_owned(), body["data"]["seq"].as_u64().expect("seq"));
        let previous = last_seq.insert(id.clone(), seq);
        assert!(previous.is_none_or(|p| p < seq), "{id}: {seq} after {previous:?}");
    }
}

#[test]
fn fixtures_and_files_replay_too() {
    let server = TestServer::start();
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let stdout = replay(&store, &["--fixtures", "verifynow/verification.failed:*", "--to", &server.to()]).ok();
    assert!(stdout.contains("replayed 9 events"), "{stdout}");
    let export = dir.path().join("day.jsonl");
    let lines: Vec<Value> = (0..3).map(|i| payvost_event(&format!("evt_{i}"), i)).collect();
    std::fs::write(&export, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).expect("write");
    let stdout = replay(&store, &["--from", export.to_str().expect("UTF-8"), "--to", &server.to()]).ok();
    assert!(stdout.contains("replayed 3 events"), "{stdout}");
    assert_eq!(server.requests().len(), 12);
}

#[test]
fn bad_selections_are_clear_and_send_nothing() {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let lines: Vec<Value> = (0..25).map(|i| payvost_event(&format!("evt_{i}"), i)).collect();
    import(&store, &lines);
    let server = TestServer::start();
    let (_, stderr) = replay(&store, &["7", "99", "--to", &server.to()]).code(2);
    assert!(stderr.contains("no stored event #99"), "{stderr}");
    let (_, stderr) = replay(&store, &["--provider", "payvst", "--to", &server.to()]).code(2);
    assert!(stderr.contains("did you mean `payvost`"), "{stderr}");
    let (_, stderr) = replay(&store, &["--type", "nothing.*", "--to", &server.to()]).code(2);
    assert!(stderr.contains("nothing to replay"), "{stderr}");
    let (_, stderr) = replay(&store, &["--from", "missing.jsonl", "--to", &server.to()]).code(1);
    assert!(stderr.contains("missing.jsonl"), "{stderr}");
    let (_, stderr) = replay(&store, &["--to", "https://staging.example.test"]).code(2);
    assert!(stderr.contains("needs confirmation") && stderr.contains("--yes"), "{stderr}");
    assert!(server.requests().is_empty(), "nothing was sent");
}
