//! Runs a QA engineer can trust with a day of events: Ctrl-C keeps the record, the report is every delivery,
//! replay keeps the stored order, and one rule says which fixtures an EVENT names.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

fn replay(store: &std::path::Path, args: &[&str]) -> Run {
    hookctl(&[&["replay", "--store", store.to_str().expect("UTF-8")], args].concat()).env("HOOKCTL_SECRET", SECRET)
}

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1")
}

/// `count` Payvost events with ids `evt_0…`, imported into a fresh store.
fn stored(count: usize) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let text: String = (0..count)
        .map(|seq| {
            let body = json!({"id": format!("evt_{seq}"), "type": "payment.created", "createdAt": "2025-01-01T00:00:00Z",
                "data": {"id": format!("pay_{seq}"), "amount": "1.00", "currency": "USD", "status": "pending", "seq": seq}});
            let line = json!({"method": "POST", "target": "/webhooks/payvost",
                "headers": [["content-type", "application/json"]], "body": body.to_string()});
            format!("{line}\n")
        })
        .collect();
    hookctl(&["events", "import", "-", "--store", store.to_str().expect("UTF-8")]).stdin(text).ok();
    (dir, store)
}

/// The `seq` of each request the server received, in arrival order.
fn seqs(server: &TestServer) -> Vec<u64> {
    server.requests().iter().map(|r| r.json()["data"]["seq"].as_u64().expect("seq")).collect()
}

/// Sends SIGINT (Ctrl-C) to a running hookctl once `ready` holds, `times` times, and waits for it.
fn interrupt(mut child: std::process::Child, ready: impl Fn() -> bool, times: usize) -> Output {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < Duration::from_secs(30), "the run never got under way");
        std::thread::sleep(Duration::from_millis(10));
    }
    for _ in 0..times {
        let status = Command::new("kill").args(["-INT", &child.id().to_string()]).status().expect("kill runs");
        assert!(status.success());
        std::thread::sleep(Duration::from_millis(100));
    }
    let stdout = child.stdout.take().expect("piped");
    let waiter = std::thread::spawn(move || {
        let mut text = Vec::new();
        std::io::Read::read_to_end(&mut std::io::BufReader::new(stdout), &mut text).expect("stdout");
        text
    });
    let status = child.wait().expect("exits");
    Output { status, stdout: waiter.join().expect("read"), stderr: Vec::new() }
}

fn report_lines(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).expect("a report");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

#[test]
fn ctrl_c_keeps_the_record_and_failed_from_replays_exactly_the_rest() {
    let (dir, store) = stored(300);
    // Every fourth answer fails; each takes 30 ms, so the run would take seconds and Ctrl-C lands mid-run.
    let script: Vec<u16> = (0..300).map(|i| if i % 4 == 1 { 500 } else { 200 }).collect();
    let server = TestServer::answering_after(&script, Duration::from_millis(30));
    let report = dir.path().join("report.jsonl");
    let mut run = replay(
        &store,
        &["--last", "20000", "--to", &server.to(), "--concurrency", "4", "--report", report.to_str().expect("UTF-8")],
    );
    let output = interrupt(run.spawn_piped(), || server.requests().len() >= 40, 1);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(output.status.code(), Some(130), "{stdout}");

    // What was under way finished: every request the server saw is a delivery of the report, none more.
    let received = seqs(&server);
    assert!(received.len() < 300, "the run stopped early: {}", received.len());
    let lines = report_lines(&report);
    let (summary, deliveries) = lines.split_last().expect("lines");
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["interrupted"], true);
    assert_eq!(summary["sent"].as_u64(), Some(received.len() as u64));
    assert_eq!(deliveries.len(), received.len());
    assert!(
        stdout.contains(&format!("replayed {} of 300 events", received.len())) && stdout.contains("interrupted"),
        "{stdout}"
    );
    let failed: std::collections::BTreeSet<String> = deliveries
        .iter()
        .filter(|d| d["outcome"] != "2xx")
        .map(|d| d["event_id"].as_str().expect("event id").to_owned())
        .collect();
    assert_eq!(failed.len() as u64, summary["non_2xx"].as_u64().expect("count"));
    assert!(!failed.is_empty());
    assert!(deliveries.iter().all(|d| d["provider"] == "payvost" && d["event"] == "payment.created"));
    assert!(deliveries.iter().all(|d| d["source"].as_str().is_some_and(|s| s.starts_with('#'))));

    // Replaying the failures sends exactly those.
    let again = TestServer::start();
    replay(&store, &["--failed-from", report.to_str().expect("UTF-8"), "--to", &again.to()]).ok();
    let resent: std::collections::BTreeSet<String> =
        again.requests().iter().map(|r| r.json()["id"].as_str().expect("id").to_owned()).collect();
    assert_eq!(resent, failed);
    assert_eq!(again.requests().len(), failed.len());
}

#[test]
fn a_second_ctrl_c_abandons_what_is_under_way() {
    let (_dir, store) = stored(10);
    let server = TestServer::answering_after(&[], Duration::from_secs(20));
    let mut run = replay(&store, &["--to", &server.to(), "--concurrency", "2"]);
    let started = Instant::now();
    let output = interrupt(run.spawn_piped(), || server.requests().len() >= 2, 2);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(output.status.code(), Some(130), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(15), "it did not wait for the slow answers");
    assert!(stdout.contains("interrupted: 2 abandoned under way") && stdout.contains("replayed 0 of 10"), "{stdout}");
}

#[test]
fn ctrl_c_during_a_send_retry_wait_prints_what_was_sent() {
    let server = TestServer::answering(&[500; 10]);
    let mut run = send(&["payvost", "payment.succeeded", "--to", &server.to(), "--retry"]);
    let started = Instant::now();
    // Payvost's first retry is 5 s away: Ctrl-C lands in the wait.
    let output = interrupt(run.spawn_piped(), || !server.requests().is_empty(), 1);
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert_eq!(output.status.code(), Some(130), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(4), "the wait was cut short");
    assert_eq!(server.requests().len(), 1);
    assert!(stdout.contains("sent 1 · 2xx 0 · non-2xx 1") && stdout.contains("retries cut for 1"), "{stdout}");
}

#[test]
fn the_report_is_every_delivery_with_every_attempt() {
    let (dir, store) = stored(5);
    let server = TestServer::answering(&[500, 503]);
    let report = dir.path().join("report.jsonl");
    let path = report.to_str().expect("UTF-8");
    replay(&store, &["--to", &server.to(), "--retry", "--time-scale", "1000", "--report", path]).ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&report).expect("written").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the report is its owner's only");
    }
    let lines = report_lines(&report);
    assert_eq!(lines.len(), 6, "five deliveries and the summary: {lines:#?}");
    let first = &lines[0];
    assert_eq!(
        (&first["kind"], &first["source"], &first["stored_id"], &first["event_id"], &first["outcome"]),
        (&json!("delivery"), &json!("#1"), &json!(1), &json!("evt_0"), &json!("2xx"))
    );
    let statuses: Vec<&Value> = first["attempts"].as_array().expect("attempts").iter().map(|a| &a["status"]).collect();
    assert_eq!(statuses, [&json!(500), &json!(503), &json!(200)]);
    assert!(first["attempts"][0]["latency_ms"].as_f64().is_some());
    assert_eq!(lines[5]["kind"], "summary");
    assert_eq!((lines[5]["sent"].as_u64(), lines[5]["attempts"].as_u64()), (Some(5), Some(7)));

    // Nothing failed: nothing to replay, which is success (and nothing is sent).
    let before = server.requests().len();
    let (_, stderr) = replay(&store, &["--failed-from", path, "--to", &server.to()]).code(0);
    assert!(stderr.contains("every delivery in") && stderr.contains("got a 2xx"), "{stderr}");
    assert_eq!(server.requests().len(), before);
    // A run killed mid-line leaves a prefix that still reads.
    let cut = std::fs::read_to_string(&report).expect("report");
    std::fs::write(&report, &cut[..cut.len() - 20]).expect("write");
    let (_, stderr) = replay(&store, &["--failed-from", path, "--to", &server.to()]).code(0);
    assert!(stderr.contains("got a 2xx"), "{stderr}");
}

#[test]
fn replay_keeps_the_stored_order_unless_asked_to_overlap() {
    let (_dir, store) = stored(60);
    let server = TestServer::start();
    let stdout = replay(&store, &["--to", &server.to()]).ok();
    assert_eq!(seqs(&server), (0..60).collect::<Vec<u64>>(), "the stored order, across event ids");
    assert!(!stdout.contains("order"), "{stdout}");

    let overlapping = TestServer::start();
    let stdout = replay(&store, &["--to", &overlapping.to(), "--concurrency", "4"]).ok();
    assert!(stdout.contains("order not kept (--concurrency"), "{stdout}");
    let stdout = replay(&store, &["--to", &overlapping.to(), "--concurrency", "4", "--keep-order"]).ok();
    assert!(stdout.contains("order kept per event id only"), "{stdout}");
    let stdout = replay(&store, &["--to", &overlapping.to(), "--concurrency", "4", "--json"]).ok();
    let summary: Value = serde_json::from_str(stdout.lines().last().expect("summary")).expect("JSON");
    assert_eq!(summary["order"], "not-kept");
}

#[test]
fn one_rule_for_events_variants_and_globs() {
    let server = TestServer::start();
    let (stdout, stderr) = send(&["verifynow", "*", "--to", &server.to()]).code(0);
    assert!(stdout.contains("sent 13 · 2xx 13"), "{stdout}");
    assert!(stdout.contains("verification.failed:face_mismatch "), "each line names its variant: {stdout}");
    let url = format!("delivering to http://127.0.0.1:{}/api/webhooks/verifynow", server.port);
    assert_eq!(stderr.matches(&url).count(), 1, "{stderr}");
    let count = |spec: &str| {
        let stdout = send(&["verifynow", spec, "--to", &server.to(), "--json"]).ok();
        stdout.lines().filter(|l| l.contains("\"kind\":\"delivery\"")).count()
    };
    assert_eq!(count("*:*"), 13);
    assert_eq!(count("verification.failed:*"), 9);
    assert_eq!(count("verification.failed"), 1);
    assert_eq!(count("verification.f*"), 9);
    assert_eq!(count("verification.failed:underage"), 1);
    let (_, stderr) = send(&["verifynow", "verification.faild:*", "--to", &server.to()]).code(2);
    assert!(stderr.contains("did you mean `verification.failed`"), "{stderr}");

    // replay --fixtures follows the same rule.
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let stdout = replay(&store, &["--fixtures", "verifynow/verification.failed", "--to", &server.to()])
        .env("VERIFYNOW_API_KEY", "key-1")
        .ok();
    assert!(stdout.contains("replayed 1 event to"), "{stdout}");
    let stdout =
        replay(&store, &["--fixtures", "verifynow", "--to", &server.to()]).env("VERIFYNOW_API_KEY", "key-1").ok();
    assert!(stdout.contains("replayed 13 events"), "{stdout}");
}

#[test]
fn events_are_selected_by_the_providers_event_id() {
    let (_dir, store) = stored(3);
    let path = store.to_str().expect("UTF-8");
    // A redelivered Payvost event (stored twice, the second copy changed) and a GitHub delivery.
    let redelivered = |seq: u64| {
        let body = json!({"id": "evt_T1EBredelivered", "type": "payment.succeeded", "createdAt": "2025-01-01T00:00:00Z",
            "data": {"id": "pay_9", "amount": "1.00", "currency": "USD", "status": "succeeded", "seq": seq}});
        json!({"method": "POST", "target": "/webhooks/payvost", "headers": [["content-type", "application/json"]],
            "body": body.to_string()})
    };
    let github = json!({"method": "POST", "target": "/webhooks/github", "headers": [
        ["content-type", "application/json"], ["x-github-event", "ping"],
        ["x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"]], "body": "{\"zen\":\"Keep it logically awesome.\"}"});
    let text = format!("{}\n{}\n{github}\n", redelivered(100), redelivered(101));
    hookctl(&["events", "import", "-", "--store", path]).stdin(text).ok();

    let server = TestServer::start();
    replay(&store, &["evt_1", "--to", &server.to()]).ok();
    assert_eq!(seqs(&server), [1], "evt_1 is the provider's id, not a store number");

    let (_, stderr) = replay(&store, &["evt_T1EBredelivered", "2", "--to", &server.to()]).code(0);
    assert_eq!(seqs(&server), [1, 1, 101], "one delivery of the event, its latest copy, then #2");
    assert!(
        stderr.contains("2 stored events have event id evt_T1EBredelivered (#4, #5); using #5, the latest"),
        "{stderr}"
    );

    let shown: Value = serde_json::from_str(
        &hookctl(&["events", "show", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "--json", "--store", path]).ok(),
    )
    .expect("JSON");
    assert_eq!((shown["id"].as_i64(), shown["provider"].as_str()), (Some(6), Some("github")));
    let shown = hookctl(&["events", "show", "evt_2", "--store", path]).ok();
    assert!(shown.contains("#3 received"), "{shown}");

    let (_, stderr) = replay(&store, &["evt_nope", "99", "--to", &server.to()]).code(2);
    assert!(stderr.contains("no stored event with event id evt_nope, #99"), "{stderr}");
    let (_, stderr) = hookctl(&["events", "show", "evt_nope", "--store", path]).code(2);
    assert!(stderr.contains("no stored event with event id evt_nope"), "{stderr}");
}

#[test]
fn listen_events_decides_what_is_forwarded() {
    let app = TestServer::answering(&[202]);
    let listening = listen(&["--events", "payment.*", "--forward-to", &format!("127.0.0.1:{}", app.port), "--verbose"]);
    let (stdout, _) = send(&["payvost", "transfer.created", "--to", &listening.to(), "--json"]).code(0);
    let delivery: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(delivery["status"], 200, "answered as Payvost expects, not by the app");
    let (stdout, _) = send(&["payvost", "payment.created", "--to", &listening.to(), "--json"]).code(0);
    let delivery: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(delivery["status"], 202, "the app's answer");

    let forwarded: Vec<String> =
        app.requests().iter().map(|r| r.json()["type"].as_str().expect("type").into()).collect();
    assert_eq!(forwarded, ["payment.created"], "only what matches --events reaches the app");
    let stored: Vec<String> = listening.events().iter().map(|e| e["event"].as_str().unwrap_or("").into()).collect();
    assert_eq!(stored, ["transfer.created", "payment.created"], "both are stored");
    let lines = listening.wait_lines(2).join("\n");
    assert!(lines.contains("transfer.created") && lines.contains("outside --events, not forwarded"), "{lines}");
}
