//! Scenarios: a provider's flow as ordered steps sharing named values, and named values inside one fixture.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::common::*;

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1")
}

#[test]
fn runs_arrive_in_order_each_sharing_one_object_id_and_concurrent_runs_do_not_mix() {
    let server = TestServer::start();
    let started = std::time::Instant::now();
    let (stdout, _) =
        send(&["payvost", "refund", "--to", &server.to(), "--repeat", "3", "--concurrency", "3", "--time-scale", "20"])
            .code(0);
    // Each run waits 1 s, then 5 s, scaled by 20: 300 ms at least.
    assert!(started.elapsed() >= std::time::Duration::from_millis(300), "the delays are kept");
    assert!(stdout.contains("refund #3 3/3"), "{stdout}");
    let mut runs: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for request in server.requests() {
        let body = request.json();
        let payment = body["data"]["id"].as_str().expect("a payment id").to_owned();
        runs.entry(payment).or_default().push(body["type"].as_str().expect("a type").to_owned());
    }
    assert_eq!(runs.len(), 3, "a fresh payment per run: {runs:?}");
    for (payment, types) in &runs {
        assert!(payment.starts_with("pay_"), "{payment}");
        assert_eq!(types, &["payment.created", "payment.succeeded", "payment.refunded"], "{payment}");
    }
}

#[test]
fn the_github_and_stripe_flows_share_their_objects_and_arrive_in_order() {
    let server = TestServer::start();
    send(&["github", "pull-request", "--to", &server.to(), "--time-scale", "100000"]).ok();
    let requests = server.requests();
    let flow: Vec<(String, Value)> = requests
        .iter()
        .map(|r| {
            (
                format!(
                    "{}.{}",
                    r.header("X-GitHub-Event").expect("event"),
                    r.json()["action"].as_str().expect("action")
                ),
                r.json(),
            )
        })
        .collect();
    let kinds: Vec<&str> = flow.iter().map(|(kind, _)| kind.as_str()).collect();
    assert_eq!(kinds, ["pull_request.opened", "pull_request.synchronize", "pull_request.closed"]);
    let (opened, synchronize, closed) = (&flow[0].1, &flow[1].1, &flow[2].1);
    for event in [synchronize, closed] {
        assert_eq!(event["pull_request"]["id"], opened["pull_request"]["id"], "one pull request");
        assert_eq!(event["number"], opened["number"]);
    }
    assert_ne!(opened["pull_request"]["id"], 279_147_437, "a fresh pull request, not the example's");
    // The new commit: synchronize moves the head from the opened one, and the closed pull request has it.
    assert_eq!(synchronize["before"], opened["pull_request"]["head"]["sha"]);
    assert_eq!(synchronize["after"], synchronize["pull_request"]["head"]["sha"]);
    assert_eq!(closed["pull_request"]["head"]["sha"], synchronize["after"]);
    assert_eq!(closed["pull_request"]["merged"], true);

    let server = TestServer::start();
    send(&["stripe", "payment-refund", "--to", &server.to(), "--time-scale", "100000"]).ok();
    let events: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().expect("type")).collect();
    assert_eq!(types, ["payment_intent.created", "payment_intent.succeeded", "charge.refunded"]);
    let (created, succeeded, refunded) =
        (&events[0]["data"]["object"], &events[1]["data"]["object"], &events[2]["data"]["object"]);
    let intent = created["id"].as_str().expect("id");
    assert!(
        intent.starts_with("pi_") && succeeded["id"] == intent && refunded["payment_intent"] == intent,
        "{events:?}"
    );
    assert_eq!(succeeded["latest_charge"], refunded["id"], "the refunded charge is the payment's");
    for amount in [&succeeded["amount"], &succeeded["amount_received"], &refunded["amount_refunded"]] {
        assert_eq!(amount, &created["amount"]);
    }
    assert_ne!(events[0]["id"], events[1]["id"], "each event has its own id");
}

#[test]
fn every_shipped_scenario_is_listed_and_its_events_verify_and_match_their_schemas() {
    let shipped = [
        ("payvost", "payment-lifecycle", 2),
        ("payvost", "refund", 3),
        ("payvost", "kyc-verified", 2),
        ("payvost", "kyc-rejected", 2),
        ("payvost", "fraud-block", 2),
        ("verifynow", "resubmission", 3),
        ("agio", "review-retry-approved", 2),
        ("agio", "kyt-approved", 2),
        ("payqi", "payment-completed", 3),
        ("payqi", "payment-expired", 2),
        ("complycube", "check-expired", 2),
        ("github", "pull-request", 3),
        ("stripe", "payment-refund", 3),
    ];
    let listening = listen(&[]);
    let mut expected = 0;
    for (provider, scenario, steps) in shipped {
        let listed = hookctl(&["fixtures", provider]).ok();
        assert!(
            listed.lines().any(|l| l.split_whitespace().nth(1) == Some(scenario) && l.contains("scenario:")),
            "{scenario} in {listed}"
        );
        send(&[provider, scenario, "--to", &listening.to(), "--time-scale", "1000000"]).ok();
        expected += steps;
    }
    let lines = listening.wait_lines(expected);
    for line in &lines {
        // Agio signs nothing; every other provider's deliveries verify.
        let signed = line.contains("✓ signed") || (line.contains(" agio ") && line.contains("unsigned"));
        assert!(signed && line.contains("✓ schema"), "{line}");
    }
}

#[test]
fn the_same_value_repeats_inside_one_fixture() {
    // GitHub's hand-written push, beside the imported example: fresh ids on every render, one head commit.
    let push: Value = serde_json::from_str(&hookctl(&["fixtures", "github", "push:fresh"]).ok()).expect("JSON");
    let after = push["after"].as_str().expect("after");
    assert_eq!(after.len(), 40);
    assert_eq!(push["head_commit"]["id"], after);
    assert_eq!(push["commits"][0]["id"], after);
    assert!(push["compare"].as_str().expect("compare").ends_with(&format!("...{after}")));
    let again: Value = serde_json::from_str(&hookctl(&["fixtures", "github", "push:fresh"]).ok()).expect("JSON");
    assert_ne!(again["after"], push["after"], "fresh on every render");
}

#[test]
fn a_broken_scenario_is_a_one_line_error() {
    let dir = tempfile::tempdir().expect("temp");
    let provider = dir.path().join("payvost");
    std::fs::create_dir_all(provider.join("scenarios")).expect("mkdir");
    let builtin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/payvost");
    std::fs::copy(builtin.join("provider.toml"), provider.join("provider.toml")).expect("copy");
    for folder in ["events", "schemas"] {
        std::fs::create_dir_all(provider.join(folder)).expect("mkdir");
        for file in std::fs::read_dir(builtin.join(folder)).expect("read") {
            let file = file.expect("entry").path();
            std::fs::copy(&file, provider.join(folder).join(file.file_name().expect("name"))).expect("copy");
        }
    }
    let dir_arg = dir.path().to_str().expect("UTF-8");
    let cases = [
        ("[[step]]\nevent = \"payment.create\"\n", "did you mean"),
        ("[[step]]\nevent = \"payment.created\"\nset = [\"data.id={{ref:nope}}\"]\n", "`nope` is not defined"),
        ("[[step]]\nevent = \"payment.created\"\ndelay = \"soon\"\n", "is not a duration"),
        ("description = \"none\"\n", "at least one [[step]]"),
    ];
    for (text, says) in cases {
        std::fs::write(provider.join("scenarios/bad.toml"), text).expect("write");
        let (_, stderr) = send(&["payvost", "bad", "--to", "9", "--providers", dir_arg, "--dry-run"]).code(1);
        assert!(stderr.contains(says), "{text}: {stderr}");
        assert_eq!(stderr.trim().lines().filter(|l| l.contains("error")).count(), 1, "{stderr}");
    }
}
