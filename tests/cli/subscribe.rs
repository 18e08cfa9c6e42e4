//! `listen --from`: a laptop subscribed to a shared inbox (here on PostgreSQL) forwards every event the inbox
//! stored to its app, byte for byte and in the inbox's order, catching up on what arrived while it was stopped
//! or never started; stopped (SIGTERM) mid-stream and started again it forwards each event exactly once; killed
//! (-9) it forwards at most the one event it was on again.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::*;

/// `hookctl ui` on the inbox's store: the API a subscriber reads. Returns it and its address.
fn inbox_api(store: &str, home: &std::path::Path, address: &str, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(["ui", "--ui", address, "--store", store])
        .args(extra)
        .env_clear()
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ui starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut line = String::new();
    let url = loop {
        line.clear();
        assert!(stderr.read_line(&mut line).expect("stderr") > 0, "ui exited");
        if let Some(url) = line.split("inspector on ").nth(1) {
            break url.split_whitespace().next().expect("a URL").to_owned();
        }
    };
    std::thread::spawn(move || for _ in stderr.lines() {});
    (child, url)
}

/// GET with a bearer token; the JSON answer.
fn get_json(address: &str, path: &str, token: &str) -> Value {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(address).expect("connects");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("writes");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reads");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    assert!(!head.contains("transfer-encoding: chunked"), "{head}");
    serde_json::from_slice(&raw[split + 4..]).expect("JSON")
}

fn subscriber(from: &str, app: u16, home: &std::path::Path, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(["listen", "--from", from, "--forward-to", &format!("http://127.0.0.1:{app}"), "--json"])
        .args(extra)
        .env_clear()
        .env("HOME", home)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the subscriber starts")
}

fn signal(child: &mut Child, signal: &str) {
    let status = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill runs");
    assert!(status.success());
    child.wait().expect("exits");
}

fn wait_for(app: &TestServer, count: usize) {
    let started = Instant::now();
    while app.requests().len() < count {
        assert!(started.elapsed() < Duration::from_secs(120), "the app got {} of {count}", app.requests().len());
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn send(port: u16, count: usize) {
    let args = ["send", "payvost", "payment.succeeded", "--to", &port.to_string(), "--repeat", &count.to_string()];
    hookctl(&[&args[..], &["--concurrency", "8"]].concat()).env("HOOKCTL_SECRET", SECRET).ok();
}

fn event_id(body: &[u8]) -> String {
    let payload: Value = serde_json::from_slice(body).expect("JSON");
    payload["id"].as_str().expect("an id").to_owned()
}

#[test]
fn a_subscriber_stopped_and_killed_mid_stream_forwards_every_event_in_order() {
    let Some(url) = crate::pg::database("a_subscriber_stopped_and_killed_mid_stream_forwards_every_event_in_order")
    else {
        return;
    };
    let _heavy = heavy();
    // HOOKCTL_TEST_SUBSCRIBE_EVENTS=10000 for the figure; a fifth of that by default.
    let total: usize = std::env::var("HOOKCTL_TEST_SUBSCRIBE_EVENTS").ok().and_then(|n| n.parse().ok()).unwrap_or(2000);
    let quarter = total / 4;
    let inbox = listen_postgres(&url, &["--no-ui"]);
    let home = tempfile::tempdir().expect("temp home");
    let (mut api, from) = inbox_api(&url, home.path(), "0", &[]);
    let app = TestServer::start();
    let laptop = tempfile::tempdir().expect("the laptop's home");
    let started = Instant::now();

    // Stored before the laptop ever subscribed: it catches up on them.
    send(inbox.port, quarter);
    let mut first = subscriber(&from, app.port, laptop.path(), &[]);
    // The rest arrives while it forwards; it is stopped cleanly, killed, and offline in between.
    let rest = std::thread::spawn({
        let port = inbox.port;
        move || send(port, total - quarter)
    });
    wait_for(&app, quarter / 2);
    signal(&mut first, "-TERM");
    let after_stop = app.requests().len();
    let mut second = subscriber(&from, app.port, laptop.path(), &[]);
    wait_for(&app, after_stop + quarter);
    signal(&mut second, "-KILL");
    let after_kill = app.requests().len();
    std::thread::sleep(Duration::from_millis(300));
    let mut third = subscriber(&from, app.port, laptop.path(), &[]);
    rest.join().expect("sent");
    let stored: Vec<Value> = hookctl(&["events", "list", "--json", "--store", &url])
        .ok()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(stored.len(), total);
    let order: Vec<String> = stored.iter().map(|e| e["event_id"].as_str().expect("an id").to_owned()).collect();
    // Every event reaches the app; the kill -9 may repeat the one event it was on.
    let started_waiting = Instant::now();
    loop {
        let forwarded: Vec<String> = app.requests().iter().map(|r| event_id(&r.body)).collect();
        let mut distinct = forwarded.clone();
        distinct.dedup();
        if distinct.len() >= total {
            break;
        }
        assert!(started_waiting.elapsed() < Duration::from_secs(180), "{} of {total} forwarded", distinct.len());
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500));
    signal(&mut third, "-TERM");
    let _ = api.kill();
    let _ = api.wait();
    let requests = app.requests();
    let forwarded: Vec<String> = requests.iter().map(|r| event_id(&r.body)).collect();
    let mut in_order = forwarded.clone();
    in_order.dedup();
    assert_eq!(in_order, order, "every stored event, in the inbox's order");
    let repeats = forwarded.len() - in_order.len();
    assert!(repeats <= 1, "{repeats} events forwarded twice");
    // Exactly once across the clean stop: the events around it were forwarded once.
    let around_stop = &forwarded[after_stop.saturating_sub(3)..after_stop + 3];
    let mut unique = around_stop.to_vec();
    unique.dedup();
    assert_eq!(unique.len(), around_stop.len(), "an event was forwarded twice across SIGTERM");
    // The bytes and the signature as the provider sent them.
    let exported: Vec<Value> = hookctl(&["events", "export", "--store", &url])
        .ok()
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    for (request, event) in requests.iter().zip(&exported).take(50) {
        assert_eq!(request.body, event["body"].as_str().expect("a text body").as_bytes());
        assert_eq!(request.header("payvost-signature"), Some(hmac_sha256_hex(SECRET.as_bytes(), &request.body)));
    }
    eprintln!(
        "subscriber: {total} events, {} forwarded to the app ({repeats} again after kill -9 at {after_kill}), \
         stopped with SIGTERM at {after_stop}; in order, each stored event present; {:.1} s",
        forwarded.len(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn a_subscriber_to_an_inbox_off_loopback_needs_a_token() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let at = store.to_str().expect("UTF-8");
    let inbox = listen_on(&store, &["--no-ui"]);
    send(inbox.port, 3);
    let token = hookctl(&["tokens", "create", "alice", "--store", at]).ok().trim().to_owned();
    let (mut api, from) = inbox_api(at, dir.path(), "0.0.0.0:0", &[]);
    let from = from.replace("0.0.0.0", "127.0.0.1");
    let app = TestServer::start();
    let (_, said) = hookctl(&["listen", "--from", &from, "--forward-to", &app.to()]).code(2);
    assert!(said.contains("needs a token: pass --token or HOOKCTL_TOKEN"), "{said}");
    let (_, said) = hookctl(&["listen", "--from", &from, "--forward-to", &app.to(), "--token", "hkt_wrong"]).code(2);
    assert!(said.contains("refused the token (revoked, or made for another inbox)"), "{said}");
    assert!(app.requests().is_empty());
    let laptop = tempfile::tempdir().expect("the laptop's home");
    let mut subscribed = subscriber(&from, app.port, laptop.path(), &["--token", &token]);
    wait_for(&app, 3);
    signal(&mut subscribed, "-TERM");
    assert_eq!(app.requests().len(), 3);
    // The app's answers are reported back: the inbox shows who handled each event.
    let address = from.trim_start_matches("http://").split(['/', '?']).next().expect("an address");
    let shown = get_json(address, "/api/events/3", &token);
    assert_eq!(shown["handled"][0]["by"], "alice", "{shown}");
    assert_eq!(shown["handled"][0]["status"], 200, "{shown}");
    // --resign: signed again with this laptop's secret, the body as the provider sent it; --since 0 from the start.
    let local = TestServer::start();
    let mut resigning = Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(["listen", "--from", &from, "--forward-to", &local.to(), "--resign", "--since", "0", "--token", &token])
        .env_clear()
        .env("HOME", laptop.path())
        .env("PAYVOST_WEBHOOK_SECRET", "laptop-secret")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the subscriber starts");
    wait_for(&local, 3);
    signal(&mut resigning, "-TERM");
    for (resigned, verbatim) in local.requests().iter().zip(app.requests()) {
        assert_eq!(resigned.body, verbatim.body);
        assert_eq!(resigned.header("payvost-signature"), Some(hmac_sha256_hex(b"laptop-secret", &resigned.body)));
        assert_ne!(resigned.header("payvost-signature"), verbatim.header("payvost-signature"));
    }
    let _ = api.kill();
    let _ = api.wait();

    let (_, said) = hookctl(&["listen", "--from", "http://[::1", "--forward-to", "3000"]).code(2);
    assert!(said.contains("is not a URL"), "{said}");
    let (_, said) = hookctl(&["listen", "--since", "3"]).code(2);
    assert!(said.contains("--from"), "{said}");
}

/// A file of the test certificates: a CA, and a certificate it issued for localhost and 127.0.0.1 with its key.
fn tls(name: &str) -> String {
    format!("{}/tests/data/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn an_inbox_served_over_https_receives_and_a_subscriber_forwards_from_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let at = store.to_str().expect("UTF-8");
    let (cert, key, ca) = (tls("localhost.pem"), tls("localhost.key"), tls("ca.pem"));
    let serve_tls = ["--tls-cert", cert.as_str(), "--tls-key", key.as_str()];
    let inbox = listen_on(&store, &[&["--no-ui"][..], &serve_tls].concat());
    let https = format!("https://127.0.0.1:{}", inbox.port);
    let send = ["send", "payvost", "payment.succeeded", "--to", &https];
    // A sender that trusts the CA delivers; one that does not is told it is the certificate, not plain HTTP.
    hookctl(&[&send[..], &["--repeat", "3"]].concat()).env("HOOKCTL_SECRET", SECRET).env("SSL_CERT_FILE", &ca).ok();
    let (stdout, stderr) = hookctl(&send).env("HOOKCTL_SECRET", SECRET).code(4);
    let said = stdout + &stderr;
    assert!(said.contains("TLS failed: the target's certificate is not issued by a CA this machine trusts"), "{said}");
    assert!(said.contains("name it with SSL_CERT_FILE=ca.pem") && !said.contains("plain HTTP"), "{said}");
    // Plain HTTP on the HTTPS port gets no HTTP answer and stores nothing.
    let plain = hookctl(&["send", "payvost", "payment.succeeded", "--to", &inbox.to()]).env("HOOKCTL_SECRET", SECRET);
    let (stdout, stderr) = plain.code(4);
    let said = stdout + &stderr;
    assert!(said.contains("it may serve HTTPS (use an https:// URL)"), "{said}");
    assert_eq!(inbox.events().len(), 3);

    // The inspector over HTTPS too; a subscriber reaches it with --cacert and forwards the exact bytes.
    let (mut api, from) = inbox_api(at, dir.path(), "0", &serve_tls);
    assert!(from.starts_with("https://127.0.0.1:"), "{from}");
    let app = TestServer::start();
    // Without --cacert the certificate is untrusted: said at once, with what to do, not retried for ever.
    let (_, stderr) = hookctl(&["listen", "--from", &from, "--forward-to", &app.to()]).code(2);
    assert!(
        stderr.contains("not issued by a CA this machine trusts; pass the inbox's certificate or its CA with --cacert"),
        "{stderr}"
    );
    let laptop = tempfile::tempdir().expect("the laptop's home");
    let mut subscribed = subscriber(&from, app.port, laptop.path(), &["--cacert", &ca]);
    wait_for(&app, 3);
    signal(&mut subscribed, "-TERM");
    let _ = api.kill();
    let _ = api.wait();
    for request in app.requests() {
        assert_eq!(request.header("payvost-signature"), Some(hmac_sha256_hex(SECRET.as_bytes(), &request.body)));
    }
}

#[test]
fn tls_files_that_do_not_fit_are_one_line_errors() {
    let (cert, key) = (tls("localhost.pem"), tls("localhost.key"));
    let cases: [(&[&str], &str); 4] = [
        (&["--tls-cert", &cert, "--tls-key", &tls("other.key")], "does not go with the certificate"),
        (&["--tls-cert", &key, "--tls-key", &key], "no CERTIFICATE block in it"),
        (&["--tls-cert", &cert, "--tls-key", &cert], "no PRIVATE KEY block in it"),
        (&["--tls-cert", "/nonexistent/cert.pem", "--tls-key", &key], "cannot read the TLS certificate"),
    ];
    for (args, expected) in cases {
        let (_, stderr) = hookctl(&[&["listen", "--port", "0", "--no-ui"][..], args].concat()).code(2);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    }
    // A certificate clients will refuse is served, with a warning that says why.
    for (name, why) in [
        ("expired", "it has expired"),
        ("ca-as-server", "it is a CA certificate (basicConstraints CA:TRUE), not a server's"),
    ] {
        let home = tempfile::tempdir().expect("home");
        let mut ui = Command::new(env!("CARGO_BIN_EXE_hookctl"))
            .args(["listen", "--port", "0", "--no-ui", "--tls-cert", &tls(&format!("{name}.pem")), "--tls-key"])
            .arg(tls(&format!("{name}.key")))
            .env_clear()
            .env("HOME", home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ui starts");
        let stderr = BufReader::new(ui.stderr.take().expect("piped"));
        let said: Vec<String> =
            stderr.lines().map_while(Result::ok).take_while(|l| !l.contains("listening on")).collect();
        let _ = ui.kill();
        let _ = ui.wait();
        let warning =
            format!("hookctl: warning: clients will refuse the TLS certificate {}: {why}", tls(&format!("{name}.pem")));
        assert!(said.iter().any(|l| l.starts_with(&warning)), "{said:#?}");
    }
    let subscribe = ["listen", "--from", "https://127.0.0.1:1", "--forward-to", "3000"];
    let (_, stderr) = hookctl(&[&subscribe[..], &["--tls-cert", &cert, "--tls-key", &key]].concat()).code(2);
    assert!(stderr.contains("a subscriber (--from) serves nothing"), "{stderr}");
    let (_, stderr) = hookctl(&["ui", "--ui", "0", "--tls-cert", &cert]).code(2);
    assert!(stderr.contains("--tls-key"), "{stderr}");
    let (_, stderr) = hookctl(&[&subscribe[..], &["--cacert", &cert.replace(".pem", ".key")]].concat()).code(2);
    assert!(stderr.contains("holds no CERTIFICATE block"), "{stderr}");
}
