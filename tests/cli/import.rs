//! events import keeps what the file knows (time, answer), skips what is no webhook and what is stored
//! already; every path into the store redacts credentials.

use serde_json::Value;

use crate::captures::browser_har;
use crate::common::*;

fn list(store: &str) -> Vec<Value> {
    let stdout = hookctl(&["events", "list", "--json", "--store", store]).ok();
    stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect()
}

fn headers_of(store: &str, id: u64) -> Vec<(String, String)> {
    let stdout = hookctl(&["events", "show", &id.to_string(), "--json", "--store", store]).ok();
    let event: Value = serde_json::from_str(&stdout).expect("JSON");
    event["request"]["headers"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|p| (p[0].as_str().expect("name").to_ascii_lowercase(), p[1].as_str().expect("value").to_owned()))
        .collect()
}

fn header(headers: &[(String, String)], name: &str) -> String {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone()).unwrap_or_else(|| panic!("{name}: {headers:?}"))
}

fn millis(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339).expect("time").timestamp_millis()
}

#[test]
fn a_browser_har_imports_its_webhooks_with_their_times_and_answers_once_and_redacted() {
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("events.db");
    let store = store.to_str().expect("UTF-8");
    let har = browser_har();
    let import = |args: &[&str]| {
        hookctl(&[&["events", "import", "session.har", "--store", store], args].concat())
            .file("session.har", &har)
            .env("HOOKCTL_SECRET", SECRET)
            .code(0)
            .1
    };
    let stderr = import(&[]);
    assert!(
        stderr.contains("imported 2 events (#1–#2); skipped 30 that look like no provider's webhook (--all-entries"),
        "{stderr}"
    );
    let events = list(store);
    let seen: Vec<(&str, i64, u64, &str)> = events
        .iter()
        .map(|e| {
            let provider = e["provider"].as_str().expect("provider");
            let at = e["received_at"].as_i64().expect("time");
            (provider, at, e["answer_status"].as_u64().expect("status"), e["signature"]["verdict"].as_str().expect("v"))
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("payvost", millis("2026-03-04T10:00:06.250Z"), 200, "valid"),
            ("github", millis("2026-03-04T10:00:21.250Z"), 500, "valid")
        ],
        "the HAR's time and answer, verified before redaction"
    );
    for id in [1, 2] {
        let headers = headers_of(store, id);
        assert_eq!(header(&headers, "authorization"), "(redacted)");
        assert_eq!(header(&headers, "cookie"), "(redacted)");
    }

    // The same file again: nothing new.
    let stderr = import(&[]);
    assert!(stderr.contains("nothing to import; skipped 30 that look like no provider's webhook"), "{stderr}");
    assert!(stderr.contains("2 already stored"), "{stderr}");
    assert_eq!(list(store).len(), 2);

    // --all-entries keeps the rest (the two webhooks are still not stored twice); --keep-credentials keeps them.
    let stderr = import(&["--all-entries", "--keep-credentials"]);
    assert!(stderr.contains("imported 30 events (#3–#32); skipped 2 already stored"), "{stderr}");
    let cart = list(store).into_iter().find(|e| e["target"] == "/api/cart").expect("an XHR");
    let headers = headers_of(store, cart["id"].as_u64().expect("id"));
    assert_eq!(header(&headers, "authorization"), "Bearer eyJhbGciOiJIUzI1NiJ9.session");
    let stderr = import(&["--all-entries"]);
    assert!(stderr.contains("nothing to import; skipped 32 already stored"), "{stderr}");
}

#[test]
fn an_export_imports_with_its_times_and_answers_and_only_once() {
    let listening = listen(&["--respond", "202"]);
    hookctl(&["send", "payvost", "payment.created", "--to", &listening.to()]).env("HOOKCTL_SECRET", SECRET).ok();
    listening.wait_lines(1);
    let exported = hookctl(&["events", "export", "--store", listening.store.to_str().expect("UTF-8")]).ok();
    // The provider's redelivery of the same event 1.5 s later: the same id and body, a record of its own.
    let mut again: Value = serde_json::from_str(exported.trim()).expect("one line");
    again["received_at"] = (again["received_at"].as_i64().expect("time") + 1500).into();
    again["answer_status"] = 500.into();
    let file = format!("{exported}{again}\n");

    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("e.db");
    let store = store.to_str().expect("UTF-8");
    for (round, expected) in [(1, "imported 2 events"), (2, "nothing to import; skipped 2 already stored")] {
        let (_, stderr) = hookctl(&["events", "import", "-", "--store", store])
            .stdin(file.clone())
            .env("HOOKCTL_SECRET", SECRET)
            .code(0);
        assert!(stderr.contains(expected), "round {round}: {stderr}");
    }
    let original = &listening.events()[0];
    let at = original["received_at"].as_i64().expect("time");
    let imported: Vec<(Option<i64>, Option<u64>, Value)> = list(store)
        .iter()
        .map(|e| (e["received_at"].as_i64(), e["answer_status"].as_u64(), e["event_id"].clone()))
        .collect();
    let id = original["event_id"].clone();
    assert_eq!(imported, [(Some(at), Some(202), id.clone()), (Some(at + 1500), Some(500), id)]);
}

#[test]
fn every_credential_header_is_redacted_on_the_way_into_the_store() {
    let credentials = [
        ("Authorization", "Bearer live-token"),
        ("Proxy-Authorization", "Basic cHJveHk6cGFzcw=="),
        ("Cookie", "sid=s3cr3t"),
        ("Set-Cookie", "sid=s3cr3t; HttpOnly"),
        ("X-Api-Key", "key-live-1"),
    ];
    let flags: Vec<String> = credentials.iter().map(|(n, v)| format!("{n}: {v}")).collect();
    for keep in [false, true] {
        let listening = if keep { listen(&["--keep-credentials"]) } else { listen(&[]) };
        let to = listening.to();
        let mut args = vec!["send", "payvost", "payment.created", "--to", &to];
        for flag in &flags {
            args.extend(["-H", flag]);
        }
        hookctl(&args).env("HOOKCTL_SECRET", SECRET).ok();
        listening.wait_lines(1);
        let headers = headers_of(listening.store.to_str().expect("UTF-8"), 1);
        for (name, value) in credentials {
            let expected = if keep { value } else { "(redacted)" };
            assert_eq!(header(&headers, &name.to_ascii_lowercase()), expected, "keep {keep}: {name}");
        }
        assert_ne!(header(&headers, "payvost-signature"), "(redacted)");
    }

    // On import too: VerifyNow's api-key credential.
    let signed = hookctl(&["sign", "verifynow", "--event", "verification.completed", "--json"])
        .env("HOOKCTL_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-1")
        .ok();
    let dir = tempfile::tempdir().expect("temp");
    let store = dir.path().join("e.db");
    let store = store.to_str().expect("UTF-8");
    assert!(signed.contains("api-key key-1"), "{signed}");
    hookctl(&["events", "import", "-", "--store", store]).stdin(signed).ok();
    assert_eq!(header(&headers_of(store, 1), "authorization"), "(redacted)");
}
