//! The PostgreSQL store, through the real binary on a real cluster (see `pg.rs`): the same bytes, ids and
//! verdicts as SQLite; `events`, `replay` and the profile's `store`; a redelivery reaching two replicas at once
//! flagged exactly once; a newer schema refused; `--retain`; every acknowledged event kept when a replica is
//! killed mid-load.

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;
use crate::pg;

/// Posts one request; the answer's status.
fn post(port: u16, target: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut head = format!(
        "POST {target} HTTP/1.1\r\nHost: hooks.example\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("writes");
    stream.write_all(body).expect("writes");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("reads");
    let text = String::from_utf8_lossy(&answer);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status")
}

/// A signed Payvost delivery of this body.
fn post_payvost(port: u16, body: &[u8]) -> u16 {
    let signature = hmac_sha256_hex(SECRET.as_bytes(), body);
    let headers =
        [("Content-Type", "application/json"), ("Payvost-Signature", &signature), ("X-Trace", "a"), ("x-trace", "B")];
    post(port, "/webhooks/payvost", &headers, body)
}

fn events(store: &str) -> Vec<Value> {
    let stdout = hookctl(&["events", "list", "--json", "--store", store]).ok();
    stdout.lines().map(|line| serde_json::from_str(line).expect("JSON")).collect()
}

/// Waits until the store holds `count` events.
fn wait_stored(store: &str, count: usize) -> Vec<Value> {
    let started = std::time::Instant::now();
    loop {
        let stored = events(store);
        if stored.len() >= count {
            return stored;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{} of {count} stored", stored.len());
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn raw(store: &str, id: &str) -> Vec<u8> {
    let output = hookctl(&["events", "show", id, "--raw", "--store", store]).output();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    output.stdout
}

const BODIES: [&[u8]; 3] = [
    b"{\"id\": \"evt_pg_1\",  \"type\":\"payment.succeeded\", \"data\": {\"amount\": \"1.00\", \"note\": \"caf\xc3\xa9\"}}\r\n",
    b"{\"id\":\"evt_pg_2\",\"type\":\"payment.failed\",\"data\":{}}",
    b"\x00\xff\xfe not JSON \x1b[31m at all\r\n\r\n",
];

#[test]
fn listen_on_postgres_keeps_each_request_byte_exact_as_sqlite_does() {
    let Some(url) = pg::database("listen_on_postgres_keeps_each_request_byte_exact_as_sqlite_does") else { return };
    let on_postgres = listen_postgres(&url, &["--no-ui", "--json"]);
    let on_sqlite = listen(&["--no-ui", "--json"]);
    for body in BODIES {
        assert_eq!(post_payvost(on_postgres.port, body), post_payvost(on_sqlite.port, body));
    }
    let sqlite = on_sqlite.store.to_str().expect("UTF-8").to_owned();
    let stored = wait_stored(&url, 3);
    wait_stored(&sqlite, 3);
    // The same records (ids, verdicts, payload checks, duplicate flags), but for the time of arrival.
    let without_time = |mut events: Vec<Value>| {
        for event in &mut events {
            event.as_object_mut().expect("an object").remove("received_at");
        }
        events
    };
    assert_eq!(without_time(stored.clone()), without_time(events(&sqlite)));
    assert_eq!(stored[0]["id"], 1);
    assert_eq!(stored[0]["event_id"], "evt_pg_1");
    assert_eq!(stored[0]["signature"]["verdict"], "valid");
    // The exact request: `show --raw` gives the same bytes from both stores, ending with the body as sent.
    for (n, body) in BODIES.iter().enumerate() {
        let id = (n + 1).to_string();
        let from_postgres = raw(&url, &id);
        assert!(from_postgres.ends_with(body), "{}", String::from_utf8_lossy(&from_postgres));
        assert_eq!(from_postgres, raw(&sqlite, &id));
    }
    let shown: Value =
        serde_json::from_str(&hookctl(&["events", "show", "1", "--json", "--store", &url]).ok()).expect("JSON");
    assert_eq!(shown["event_id"], "evt_pg_1");
    // Export, then import into a SQLite file: the same events again.
    let export = hookctl(&["events", "export", "--store", &url]).ok();
    assert_eq!(export.lines().count(), 3);
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("copy.db");
    let copy = copy.to_str().expect("UTF-8");
    hookctl(&["events", "import", "-", "--store", copy]).stdin(export).ok();
    assert_eq!(raw(copy, "3"), raw(&url, "3"));
    // Filters are the store's: by type, by provider, --last.
    let failed = hookctl(&["events", "list", "--json", "--type", "payment.f*", "--store", &url]).ok();
    assert_eq!(failed.lines().count(), 1, "{failed}");
    let last = hookctl(&["events", "list", "--json", "--last", "2", "--store", &url]).ok();
    let ids: Vec<i64> =
        last.lines().map(|l| serde_json::from_str::<Value>(l).expect("JSON")["id"].as_i64().expect("id")).collect();
    assert_eq!(ids, [2, 3]);
    // Verify reads a stored event from PostgreSQL too (a valid signature; the short payload fails its schema).
    let (verdict, _) =
        hookctl(&["verify", "--event", "1", "--store", &url]).env("PAYVOST_WEBHOOK_SECRET", SECRET).code(5);
    assert!(verdict.contains("HMAC-SHA256 matches (Payvost-Signature)"), "{verdict}");
}

#[test]
fn replay_and_a_profile_store_read_from_postgres() {
    let Some(url) = pg::database("replay_and_a_profile_store_read_from_postgres") else { return };
    let listening = listen_postgres(&url, &["--no-ui"]);
    for body in &BODIES[..2] {
        assert_eq!(post_payvost(listening.port, body), 200);
    }
    wait_stored(&url, 2);
    let server = TestServer::start();
    hookctl(&["replay", "1", "2", "--verbatim", "--to", &server.to(), "--store", &url]).ok();
    let bodies: Vec<Vec<u8>> = server.requests().into_iter().map(|r| r.body).collect();
    assert_eq!(bodies, [BODIES[0].to_vec(), BODIES[1].to_vec()]);
    // Re-signed with the target's secret (the default), from the same stored bytes.
    let resigned = TestServer::start();
    hookctl(&["replay", "--last", "1", "--to", &resigned.to(), "--store", &url])
        .env("PAYVOST_WEBHOOK_SECRET", "another-secret")
        .ok();
    let request = &resigned.requests()[0];
    assert_eq!(request.body, BODIES[1]);
    assert_eq!(request.header("payvost-signature"), Some(hmac_sha256_hex(b"another-secret", BODIES[1])));
    // A profile's `store` names the same database.
    let config = format!("[profiles.team]\nstore = \"{url}\"\n");
    let listed = hookctl(&["events", "list", "--json", "--profile", "team"]).file("hookctl.toml", config).ok();
    assert_eq!(listed.lines().count(), 2, "{listed}");
}

#[test]
fn a_redelivery_reaching_two_replicas_at_once_is_flagged_exactly_once() {
    let Some(url) = pg::database("a_redelivery_reaching_two_replicas_at_once_is_flagged_exactly_once") else { return };
    let _heavy = heavy();
    let replicas = [listen_postgres(&url, &["--no-ui"]), listen_postgres(&url, &["--no-ui"])];
    let ports = [replicas[0].port, replicas[1].port];
    const IDS: usize = 150;
    // Each event id is delivered to both replicas at the same moment (and a third time to one of them).
    std::thread::scope(|scope| {
        for chunk in (0..IDS).collect::<Vec<_>>().chunks(25) {
            let mut handles = Vec::new();
            for &n in chunk {
                let body = format!(r#"{{"id":"evt_twice_{n}","type":"payment.succeeded","data":{{}}}}"#);
                let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
                for (copy, port) in ports.iter().enumerate() {
                    let body = body.clone();
                    let barrier = barrier.clone();
                    handles.push(scope.spawn(move || {
                        barrier.wait();
                        let mut statuses = vec![post_payvost(*port, body.as_bytes())];
                        if n % 10 == 0 && copy == 0 {
                            statuses.push(post_payvost(*port, body.as_bytes()));
                        }
                        statuses
                    }));
                }
            }
            for handle in handles {
                assert!(handle.join().expect("posts").iter().all(|s| *s == 200));
            }
        }
    });
    let cluster = pg::cluster();
    let database = url.rsplit('/').next().expect("a database");
    let counts = cluster
        .psql(database, "SELECT count(*), count(*) FILTER (WHERE NOT duplicate), count(DISTINCT event_id) FROM events");
    let extra = IDS / 10;
    assert_eq!(counts, format!("{}|{IDS}|{IDS}", 2 * IDS + extra));
    // Exactly one first delivery per id, and each duplicate after it (what `events list` shows too).
    let firsts = cluster.psql(
        database,
        "SELECT count(*) FROM (SELECT event_id FROM events GROUP BY event_id
             HAVING count(*) FILTER (WHERE NOT duplicate) = 1
                AND min(id) FILTER (WHERE NOT duplicate) < COALESCE(min(id) FILTER (WHERE duplicate), 9e18)) ok",
    );
    assert_eq!(firsts, IDS.to_string());
    let listed = events(&url);
    assert_eq!(listed.iter().filter(|e| e["duplicate"] == true).count(), IDS + extra);
}

#[test]
fn a_newer_schema_is_refused_and_an_empty_database_is_named() {
    let Some(url) = pg::database("a_newer_schema_is_refused_and_an_empty_database_is_named") else { return };
    let (_, said) = hookctl(&["events", "list", "--store", &url]).code(1);
    assert!(said.contains("holds no hookctl events yet"), "{said}");
    drop(listen_postgres(&url, &["--no-ui"]));
    assert_eq!(events(&url).len(), 0);
    let database = url.rsplit('/').next().expect("a database");
    pg::cluster().psql(database, "UPDATE hookctl_schema SET version = 99");
    let (_, said) = hookctl(&["events", "list", "--store", &url]).code(1);
    assert!(said.contains("written by a newer hookctl (schema version 99; this one knows 3)"), "{said}");
    let (_, said) = hookctl(&["listen", "--port", "0", "--no-ui", "--store", &url]).code(1);
    assert!(said.contains("written by a newer hookctl (schema version 99; this one knows 3)"), "{said}");
}

#[test]
fn an_unreachable_database_is_one_line_without_its_password() {
    let url = "postgres://inbox:pw-s3cret-77@127.0.0.1:1/hooks";
    let (out, said) = hookctl(&["events", "list", "--store", url]).code(1);
    assert!(!said.contains("pw-s3cret-77") && !out.contains("pw-s3cret-77"), "{said}");
    assert!(said.contains("store postgres://inbox:***@127.0.0.1:1/hooks: "), "{said}");
    assert!(said.contains("is PostgreSQL running"), "{said}");
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    let (_, said) = hookctl(&["events", "list", "--store", "postgres://bad url:x"]).code(1);
    assert!(said.contains("not a PostgreSQL URL"), "{said}");
}

/// `sslmode=require`: TLS, the server's certificate checked against the system's trust and PGSSLROOTCERT.
#[test]
fn sslmode_require_connects_over_tls_to_a_server_it_trusts_only() {
    let Some(url) = pg::database("sslmode_require_connects_over_tls_to_a_server_it_trusts_only") else { return };
    let Some(certificate) = pg::cluster().certificate.clone() else {
        panic!("the suite's PostgreSQL has no certificate: is openssl installed? (.ci/run installs it)");
    };
    let tls = format!("{url}?sslmode=require");
    let root = certificate.to_str().expect("UTF-8");
    // Trusted: events go in and come out over TLS, and the server saw TLS connections.
    let listening = listen_postgres_with(&tls, &["--no-ui"], &[("PGSSLROOTCERT", root)]);
    hookctl(&["send", "payvost", "payment.succeeded", "--to", &listening.to()]).env("HOOKCTL_SECRET", SECRET).ok();
    listening.wait_lines(1);
    let database = url.rsplit('/').next().expect("a database");
    let connections = |ssl: bool| -> i64 {
        let sql = format!(
            "SELECT count(*) FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
             WHERE a.application_name = 'hookctl' AND a.datname = '{database}' AND s.ssl = {ssl}"
        );
        pg::cluster().psql("postgres", &sql).parse().expect("a count")
    };
    assert!(connections(true) >= 1, "the listener's connections use TLS");
    assert_eq!(connections(false), 0, "and none does not");
    drop(listening);
    let listed = hookctl(&["events", "list", "--json", "--store", &tls]).env("PGSSLROOTCERT", root).ok();
    assert_eq!(listed.lines().count(), 1, "{listed}");

    // Not trusted: one line that says why and what to do.
    let (_, said) = hookctl(&["events", "list", "--store", &tls]).code(1);
    assert!(
        said.contains(
            "the server's certificate is not issued by a CA this machine trusts; for a private CA or a self-signed \
             certificate, name it with PGSSLROOTCERT=ca.pem"
        ),
        "{said}"
    );
    assert_eq!(said.trim().lines().count(), 1, "{said}");
    // A file that is no certificate.
    let (_, said) = hookctl(&["events", "list", "--store", &tls]).env("PGSSLROOTCERT", "/etc/hostname").code(1);
    assert!(said.contains("PGSSLROOTCERT /etc/hostname holds no certificate"), "{said}");
    // Without sslmode, no TLS (as before).
    let plain = hookctl(&["events", "list", "--json", "--store", &url]).ok();
    assert_eq!(plain.lines().count(), 1);
}

/// Old events imported with their time, new ones received: `--retain 1h` keeps only the new.
fn retention_on(store: &str, listen_on: impl Fn(&[&str]) -> Listening) {
    let old = chrono_ms() - 3 * 3600 * 1000;
    let captures: String = (0..3)
        .map(|n| {
            let body = format!(r#"{{"id":"evt_old_{n}","type":"payment.created","data":{{}}}}"#);
            let capture = serde_json::json!({"method": "POST", "target": "/webhooks/payvost", "headers": [], "body": body, "received_at": old});
            format!("{capture}\n")
        })
        .collect();
    hookctl(&["events", "import", "-", "--store", store]).stdin(captures).ok();
    assert_eq!(events(store).len(), 3);
    let listening = listen_on(&["--no-ui", "--retain", "1h"]);
    assert_eq!(post_payvost(listening.port, BODIES[1]), 200);
    let started = std::time::Instant::now();
    loop {
        let ids: Vec<Value> = events(store).iter().map(|e| e["event_id"].clone()).collect();
        if ids == [Value::from("evt_pg_2")] {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "{ids:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn chrono_ms() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970");
    i64::try_from(now.as_millis()).expect("fits")
}

#[test]
fn retain_deletes_what_has_grown_old_on_postgres_and_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("events.db");
    retention_on(file.to_str().expect("UTF-8"), |args| listen_on(&file, args));
    let Some(url) = pg::database("retain_deletes_what_has_grown_old_on_postgres_and_sqlite") else { return };
    retention_on(&url, |args| listen_postgres(&url, args));
}

/// `send --repeat N --concurrency 16 --json` in the background; the event ids answered 2xx.
fn load(port: u16, deliveries: usize) -> std::thread::JoinHandle<BTreeSet<String>> {
    let to = port.to_string();
    let repeat = deliveries.to_string();
    std::thread::spawn(move || {
        let args =
            ["send", "payvost", "payment.succeeded", "--json", "--concurrency", "16", "--to", &to, "--repeat", &repeat];
        let output = hookctl(&args).env("HOOKCTL_SECRET", SECRET).output();
        String::from_utf8(output.stdout)
            .expect("UTF-8")
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|value| value["kind"] == "delivery" && value["ok"] == true)
            .map(|value| value["event_id"].as_str().expect("an event id").to_owned())
            .collect()
    })
}

#[test]
fn a_replica_killed_mid_load_loses_no_acknowledged_event() {
    let Some(url) = pg::database("a_replica_killed_mid_load_loses_no_acknowledged_event") else { return };
    let _heavy = heavy();
    let mut killed = listen_postgres(&url, &["--no-ui", "--json"]);
    let survivor = listen_postgres(&url, &["--no-ui", "--json"]);
    let to_killed = load(killed.port, 4000);
    let to_survivor = load(survivor.port, 2000);
    killed.wait_lines(800);
    let status = std::process::Command::new("kill").args(["-KILL", &killed.pid().to_string()]).status();
    assert!(status.expect("kill runs").success());
    killed.kill();
    let acknowledged_killed = to_killed.join().expect("load ends");
    let acknowledged_survivor = to_survivor.join().expect("load ends");
    let database = url.rsplit('/').next().expect("a database");
    let stored: BTreeSet<String> =
        pg::cluster().psql(database, "SELECT event_id FROM events").lines().map(str::to_owned).collect();
    eprintln!(
        "kill -9 of one replica of two: {} + {} acknowledged, {} stored",
        acknowledged_killed.len(),
        acknowledged_survivor.len(),
        stored.len()
    );
    assert!(acknowledged_killed.len() >= 800 && acknowledged_killed.len() < 4000, "{}", acknowledged_killed.len());
    assert_eq!(acknowledged_survivor.len(), 2000);
    assert!(acknowledged_killed.is_subset(&stored), "an acknowledged event is missing");
    assert!(acknowledged_survivor.is_subset(&stored), "an acknowledged event is missing");
    // Each delivery was a fresh event: none is a duplicate.
    assert_eq!(pg::cluster().psql(database, "SELECT count(*) FROM events WHERE duplicate"), "0");
}

#[test]
fn connections_cut_by_the_server_cost_no_acknowledged_event_and_the_listener_reconnects() {
    let Some(url) = pg::database("connections_cut_by_the_server_cost_no_acknowledged_event") else { return };
    let listening = listen_postgres(&url, &["--no-ui"]);
    let database = url.rsplit('/').next().expect("a database");
    let body = |n: usize| format!(r#"{{"id":"evt_cut_{n}","type":"payment.succeeded","data":{{}}}}"#);
    let mut acknowledged = Vec::new();
    for n in 0..40 {
        if n % 10 == 5 {
            // Every connection of the listener is closed by the server, as a restart or a failover does.
            pg::cluster().psql(
                database,
                &format!(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{database}' \
                     AND pid <> pg_backend_pid()"
                ),
            );
        }
        let status = post_payvost(listening.port, body(n).as_bytes());
        assert!(status == 200 || status == 503, "{status}");
        if status == 200 {
            acknowledged.push(format!("evt_cut_{n}"));
        }
    }
    eprintln!("connections cut 4 times: {} of 40 deliveries acknowledged", acknowledged.len());
    // The pool replaces the closed connections: deliveries after a cut are stored again.
    assert!(acknowledged.len() >= 36, "only {} of 40 stored", acknowledged.len());
    assert!(acknowledged.contains(&"evt_cut_39".to_owned()));
    let stored: BTreeSet<String> =
        pg::cluster().psql(database, "SELECT event_id FROM events").lines().map(str::to_owned).collect();
    assert!(acknowledged.iter().all(|id| stored.contains(id)), "an acknowledged event is missing");
}
