//! `hookctl audit` against the receivers of tests/audit/receiver.py: a correct one passes every probe, and each
//! receiver with a planted defect fails exactly the probes that find that defect.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::common::*;

const AUDIT_SECRET: &str = "s3cret-value-for-the-audit";

/// A receiver of tests/audit/receiver.py on port 0, stopped when dropped.
struct Receiver {
    child: Child,
    port: u16,
}

impl Receiver {
    fn start(scheme: &str, defect: Option<&str>) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/audit/receiver.py");
        let mut command = Command::new("python3");
        command.args([script, "--scheme", scheme, "--secret", AUDIT_SECRET, "--delay", "0.3"]);
        if let Some(defect) = defect {
            command.args(["--defect", defect]);
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("python3 runs");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut line).expect("the port line");
        let port = line.trim().strip_prefix("listening on ").and_then(|p| p.parse().ok()).expect("a port");
        Self { child, port }
    }

    fn port(&self) -> String {
        self.port.to_string()
    }

    fn count_url(&self) -> String {
        format!("http://127.0.0.1:{}/count", self.port)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The audit's JSON lines: the probes, then the summary.
fn json_lines(stdout: &str) -> (Vec<Value>, Value) {
    let mut lines: Vec<Value> =
        stdout.lines().map(|line| serde_json::from_str(line).expect("each line is a JSON object")).collect();
    let summary = lines.pop().expect("a summary");
    assert_eq!(summary["kind"], "summary", "{stdout}");
    assert!(lines.iter().all(|p| p["kind"] == "probe"), "{stdout}");
    (lines, summary)
}

fn numbers(probes: &[Value], verdict: &str) -> BTreeSet<u64> {
    probes.iter().filter(|p| p["verdict"] == verdict).filter_map(|p| p["number"].as_u64()).collect()
}

/// Audits a receiver; returns the failed and warned probe numbers, and the probes.
fn audit(provider: &str, receiver: &Receiver, extra: &[&str]) -> (BTreeSet<u64>, BTreeSet<u64>, Vec<Value>) {
    let port = receiver.port();
    let count = receiver.count_url();
    let mut args = vec!["audit", provider, "--to", &port, "--secret", AUDIT_SECRET, "--json"];
    args.extend(["--side-effect-url", &count]);
    args.extend(extra);
    let output = hookctl(&args).output();
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let (probes, summary) = json_lines(&stdout);
    let failed = numbers(&probes, "fail");
    let expected_code = if failed.is_empty() { 0 } else { 4 };
    assert_eq!(output.status.code(), Some(expected_code), "{stdout}");
    assert_eq!(summary["failed"].as_u64(), Some(failed.len() as u64));
    (failed, numbers(&probes, "warn"), probes)
}

#[test]
fn audit_finds_exactly_each_planted_defect_and_passes_the_correct_receiver() {
    // (scheme, defect, extra flags, the probes that must fail)
    type Case = (&'static str, Option<&'static str>, &'static [&'static str], &'static [u64]);
    let cases: &[Case] = &[
        ("payvost", None, &[], &[]),
        ("payvost", Some("accepts-anything"), &[], &[2, 3, 4]),
        ("payvost", Some("reserialised-body"), &[], &[5]),
        ("payvost", Some("crashes-on-unknown-event"), &[], &[8]),
        ("payvost", Some("processes-redeliveries"), &[], &[7]),
        // The deadline is cut to 150 ms so the 300 ms receiver is slow without slowing the test.
        ("payvost", Some("slow"), &["--timeout", "150ms", "--concurrency", "4"], &[1, 14]),
        ("payvost", Some("leaks-stack-trace"), &[], &[13]),
        ("payvost", Some("crashes-out-of-order"), &[], &[9]),
        ("stripe", None, &[], &[]),
        ("payqi", None, &[], &[]),
        // PayQI's documented handler reads int() of the timestamp header before checking it is there.
        ("payqi", Some("crashes-without-timestamp"), &[], &[3]),
        ("stripe", Some("ignores-timestamps"), &[], &[6]),
        // Stripe's own libraries refuse stale timestamps only: a future one accepted warns, and fails nothing.
        ("stripe", Some("one-sided-timestamps"), &[], &[]),
    ];
    std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .map(|(scheme, defect, extra, expected)| {
                scope.spawn(move || {
                    let receiver = Receiver::start(scheme, *defect);
                    let (failed, warned, probes) = audit(scheme, &receiver, extra);
                    let expected: BTreeSet<u64> = expected.iter().copied().collect();
                    let name = format!("{scheme} receiver, defect {defect:?}");
                    assert_eq!(failed, expected, "{name}: {probes:#?}");
                    // PayQI does not sign its timestamp: the timestamp probe warns about the scheme, and passes.
                    let warns = *scheme == "payqi" || *defect == Some("one-sided-timestamps");
                    let expected_warnings = if warns { BTreeSet::from([6]) } else { BTreeSet::new() };
                    assert_eq!(warned, expected_warnings, "{name}: {probes:#?}");
                    // Every failure says what it means and how to fix it.
                    for probe in probes.iter().filter(|p| p["verdict"] == "fail") {
                        assert!(probe["meaning"].is_string() && probe["fix"].is_string(), "{probe}");
                        assert!(probe["detail"].is_string(), "{probe}");
                    }
                    probes
                })
            })
            .collect();
        for run in runs {
            run.join().expect("the case passes");
        }
    });
}

#[test]
fn audit_json_is_one_object_per_probe_then_the_summary_and_skips_say_why() {
    let receiver = Receiver::start("payvost", None);
    let port = receiver.port();
    let stdout =
        hookctl(&["audit", "payvost", "--to", &port, "--json"]).env("PAYVOST_WEBHOOK_SECRET", AUDIT_SECRET).ok();
    let (probes, summary) = json_lines(&stdout);
    let all: Vec<u64> = probes.iter().filter_map(|p| p["number"].as_u64()).collect();
    assert_eq!(all, (1..=14).collect::<Vec<u64>>());
    // Payvost signs no timestamp and carries one signature: those probes are skipped, with the reason.
    assert_eq!(numbers(&probes, "skip"), BTreeSet::from([6, 10]));
    let timestamps = &probes[5];
    assert!(timestamps["detail"].as_str().is_some_and(|d| d.contains("sends no timestamp")), "{timestamps}");
    // Without --side-effect-url the replay probe still checks both answers are 2xx.
    assert_eq!(probes[6]["verdict"], "pass");
    assert_eq!(probes[6]["requests"].as_array().map(Vec::len), Some(3));
    assert_eq!(summary["ok"], true);
    assert_eq!(summary["failed"], 0);
    assert!(summary["requests"].as_u64().is_some_and(|n| (20..=200).contains(&n)), "{summary}");

    let defective = Receiver::start("payvost", Some("accepts-anything"));
    let port = defective.port();
    let (stdout, _) = hookctl(&["audit", "payvost", "--to", &port, "--json", "--secret", AUDIT_SECRET]).code(4);
    let (_, summary) = json_lines(&stdout);
    assert_eq!(summary["ok"], false);
}

#[test]
fn audit_scorecard_explains_a_failure_and_writes_junit() {
    let receiver = Receiver::start("payvost", Some("reserialised-body"));
    let port = receiver.port();
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("audit.xml");
    let junit_path = report.to_str().expect("UTF-8 path");
    let (stdout, _) =
        hookctl(&["audit", "payvost", "--to", &port, "--secret", AUDIT_SECRET, "--junit", junit_path]).code(4);
    assert!(stdout.contains("FAIL   5  legal but unusual JSON, validly signed"), "{stdout}");
    assert!(stdout.contains("verify the raw request body, before any JSON parsing"), "{stdout}");
    assert!(stdout.contains("answered: {\"error\": \"invalid signature\"}"), "{stdout}");
    assert!(stdout.contains("PASS   1"), "{stdout}");
    assert!(stdout.starts_with(&format!("audit of http://127.0.0.1:{port}/webhooks/payvost as payvost (deadline 5s)")));
    assert!(stdout.contains("1 failed, 2 skipped"), "{stdout}");
    let junit = std::fs::read_to_string(report).expect("the JUnit report");
    assert!(junit.contains("tests=\"14\" failures=\"1\" skipped=\"2\""), "{junit}");
    assert!(junit.contains("name=\"5 raw-body\"") && junit.contains("<failure message="), "{junit}");
    assert_eq!(junit.matches("<failure ").count(), 1, "{junit}");
    assert_eq!(junit.matches("<skipped ").count(), 2, "{junit}");
}

#[test]
fn audit_probes_only_loopback_or_the_profile_host_unless_told() {
    let (_, stderr) =
        hookctl(&["audit", "payvost", "--to", "https://example.com/hooks", "--secret", AUDIT_SECRET]).code(2);
    assert!(stderr.contains("neither this machine nor the selected profile's host"), "{stderr}");
    assert!(stderr.contains("--yes"), "{stderr}");
    let (_, stderr) = hookctl(&[
        "audit",
        "payvost",
        "--to",
        "3000",
        "--side-effect-url",
        "http://10.1.2.3/count",
        "--secret",
        AUDIT_SECRET,
    ])
    .code(2);
    assert!(stderr.contains("--side-effect-url 10.1.2.3"), "{stderr}");
    // The profile's host is the user's; --yes allows any (a dry run sends nothing either way).
    let config = "[profiles.staging]\nurl = \"https://staging.example.com\"\n";
    let stdout = hookctl(&["--profile", "staging", "audit", "payvost", "--to", "/hooks", "--dry-run", "--secret", "x"])
        .file("hookctl.toml", config)
        .ok();
    assert!(stdout.contains("https://staging.example.com/hooks"), "{stdout}");
    hookctl(&["audit", "payvost", "--to", "https://example.com/hooks", "--yes", "--dry-run", "--secret", "x"]).ok();
}

#[test]
fn audit_dry_run_lists_every_request_and_sends_nothing() {
    let server = TestServer::start();
    let to = server.to();
    let stdout = hookctl(&["audit", "stripe", "--to", &to, "--dry-run", "--secret", AUDIT_SECRET]).ok();
    assert!(server.requests().is_empty(), "a dry run sends nothing");
    for expected in [
        " 1  a valid delivery of each chosen event",
        "POST http://127.0.0.1",
        "signed with a wrong secret",
        "signed 10 minutes ago",
        "signed with an old secret and yours",
        "expects 4xx",
        "reads the answers of the other probes",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
    let stdout = hookctl(&["audit", "stripe", "--to", &to, "--dry-run", "--json", "--secret", AUDIT_SECRET]).ok();
    let probes: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert_eq!(probes.len(), 14);
    // A glob delivers each matching event in the first probe.
    let stdout = hookctl(&["audit", "payvost", "--to", &to, "--dry-run", "--event", "payment.*", "--secret", "x"]).ok();
    for event in ["payment.created", "payment.succeeded", "payment.failed", "payment.refunded"] {
        assert!(stdout.contains(&format!("{event}, signed; expects 2xx within the deadline")), "{stdout}");
    }
    let requests: usize = probes.iter().map(|p| p["requests"].as_array().map_or(0, Vec::len)).sum();
    assert!(requests <= 200, "{requests}");
}

#[test]
fn audit_sends_a_bounded_number_of_requests() {
    let mut args = vec!["audit", "payvost", "--to", "3000", "--dry-run", "--secret", AUDIT_SECRET];
    args.extend(std::iter::repeat_n(["--event", "payment.created"], 180).flatten());
    let (_, stderr) = hookctl(&args).code(2);
    assert!(stderr.contains("an audit sends at most 200"), "{stderr}");
    let (_, stderr) = hookctl(&["audit", "payvost", "--to", "3000", "--concurrency", "33", "--secret", "x"]).code(2);
    assert!(stderr.contains("--concurrency"), "{stderr}");
}

#[test]
fn audit_probes_follow_the_scheme_credentials_and_unsigned_providers() {
    let server = TestServer::start();
    let to = server.to();
    // VerifyNow sends an api-key beside its signature: a request without it must be rejected too.
    let stdout =
        hookctl(&["audit", "verifynow", "--to", &to, "--dry-run", "--api-key", "k", "--secret", AUDIT_SECRET]).ok();
    assert!(stdout.contains("no Authorization header; expects 4xx"), "{stdout}");
    // Agio signs nothing: the forgery probes are skipped, and say why.
    let stdout = hookctl(&["audit", "agio", "--to", &to, "--dry-run", "--json"]).ok();
    let probes: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    for number in [2, 4, 5] {
        let probe = &probes[number - 1];
        assert!(probe["skipped"].as_str().is_some_and(|s| s.contains("signs nothing")), "{probe}");
    }
    assert!(server.requests().is_empty());
}

#[test]
fn audit_warns_when_the_side_effect_url_cannot_be_read_and_still_exits_0() {
    let receiver = Receiver::start("payvost", None);
    let port = receiver.port();
    let wrong = format!("http://127.0.0.1:{}/not-a-count", receiver.port);
    let stdout =
        hookctl(&["audit", "payvost", "--to", &port, "--side-effect-url", &wrong, "--json", "--secret", AUDIT_SECRET])
            .ok();
    let (probes, summary) = json_lines(&stdout);
    assert_eq!(numbers(&probes, "warn"), BTreeSet::from([7]), "{stdout}");
    let detail = probes[6]["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("processing not checked: --side-effect-url answered 405"), "{detail}");
    assert_eq!((summary["warned"].as_u64(), summary["ok"].as_bool()), (Some(1), Some(true)));
}
