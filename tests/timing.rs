//! Timing assertions, in their own test binary: cargo runs test binaries one after another, so these do not
//! share the machine with the main suite's load tests. Throughput targets belong in `bench/`, not here; this
//! checks a behaviour — `--rate` — whose contract is a rate.

#![allow(dead_code)]

#[path = "cli/common.rs"]
mod common;

use common::*;
use serde_json::json;

#[test]
fn replay_keeps_to_its_rate() {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let lines: String = (0..300)
        .map(|i| {
            let body = json!({"id": format!("evt_{i}"), "type": "payment.created", "createdAt": "2025-01-01T00:00:00Z",
                "data": {"id": "pay_1", "amount": "1.00", "currency": "USD", "status": "pending"}});
            let request = json!({"method": "POST", "target": "/webhooks/payvost",
                "headers": [["content-type", "application/json"]], "body": body.to_string()});
            format!("{request}\n")
        })
        .collect();
    let store_arg = store.to_str().expect("UTF-8");
    hookctl(&["events", "import", "-", "--store", store_arg]).stdin(lines).ok();
    let server = TestServer::start();
    // Overlap allowed, so the rate is what paces the run (one at a time, a slow delivery would).
    hookctl(&["replay", "--store", store_arg, "--to", &server.to(), "--rate", "200", "--concurrency", "8"])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let requests = server.requests();
    assert_eq!(requests.len(), 300);
    // 300 starts at 200/s: 299 intervals of 5 ms between the first arrival and the last.
    let span = requests[299].at.duration_since(requests[0].at).as_secs_f64();
    let rate = 299.0 / span;
    assert!((190.0..=210.0).contains(&rate), "--rate 200 delivered at {rate:.1}/s");
}
