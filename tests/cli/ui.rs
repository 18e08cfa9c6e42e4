//! The inspector: its JSON API on a real `listen --ui 0` and `hookctl ui`, its guards (Host, Origin, CSRF,
//! the token off loopback), full-text search over an upgraded store, replay, and a listener that does not wait
//! for a page.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{SECRET, hookctl, indexed_matches, listen};

/// A running `hookctl listen --ui 0` or `hookctl ui`: the receiving port (for listen) and the inspector's address.
struct Inspector {
    child: Child,
    port: Option<u16>,
    /// `127.0.0.1:PORT`
    address: String,
    /// Everything printed on stderr up to the inspector's line.
    said: String,
    _dir: Option<tempfile::TempDir>,
}

impl Drop for Inspector {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str], store: &Path, dir: Option<tempfile::TempDir>) -> Inspector {
    spawned(Command::new(env!("CARGO_BIN_EXE_hookctl")), args, store, dir)
}

/// `start`, with hookctl run by `command` (hookctl itself, or something that runs it).
fn spawned(mut command: Command, args: &[&str], store: &Path, dir: Option<tempfile::TempDir>) -> Inspector {
    let mut child = command
        .args(args)
        .arg("--store")
        .arg(store)
        .env_clear()
        .env("HOME", dir.as_ref().map_or_else(|| store.parent().expect("dir"), |dir| dir.path()))
        .env("HOOKCTL_SECRET", SECRET)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hookctl starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut said = String::new();
    let mut port = None;
    let address = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).expect("stderr") > 0, "exited before it was ready:\n{said}");
        said.push_str(&line);
        if let Some(rest) = line.split("listening on http://127.0.0.1:").nth(1) {
            port = rest.split_whitespace().next().and_then(|p| p.parse().ok());
        }
        if let Some(rest) = line.split("inspector").nth(1).and_then(|rest| rest.split("http://").nth(1)) {
            break rest.split(['/', ' ', '?']).next().expect("an address").to_owned();
        }
    };
    // The warning that follows an inspector's line with a token is kept as well.
    if said.contains("?token=") {
        let mut line = String::new();
        let _ = stderr.read_line(&mut line);
        said.push_str(&line);
    }
    std::thread::spawn(move || for _ in stderr.lines() {});
    Inspector { child, port, address, said, _dir: dir }
}

fn listen_with_ui() -> Inspector {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    start(&["listen", "--port", "0", "--ui", "0"], &store, Some(dir))
}

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// One HTTP/1.1 request with exactly these headers (`Host` included: the tests send foreign ones).
fn http(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(address).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let mut request = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: {address}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("writes");
    stream.write_all(body).expect("writes");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("reads");
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let mut body = raw[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Answer { status, head, body }
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = rest.windows(2).position(|w| w == b"\r\n") else { return out };
        let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&rest[end + 2..end + 2 + size]);
        rest = &rest[end + 2 + size + 2..];
    }
}

fn get(address: &str, path: &str) -> Answer {
    http(address, "GET", path, &[], b"")
}

fn csrf(address: &str) -> String {
    get(address, "/api/session").json()["csrf"].as_str().expect("a csrf token").to_owned()
}

/// The list, newest first, once it holds `count` events.
fn wait_for(address: &str, path: &str, count: usize) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let page = get(address, path).json();
        let events = page["events"].as_array().expect("events").clone();
        if events.len() >= count {
            return events;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "only {} events: {page}", events.len());
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn send(port: u16, args: &[&str]) {
    let port = port.to_string();
    let mut all = vec!["send", "payvost", "payment.succeeded", "--to", &port];
    all.extend_from_slice(args);
    hookctl(&all).env("PAYVOST_WEBHOOK_SECRET", SECRET).ok();
}

#[test]
fn listen_serves_the_inspector_with_each_event_and_its_verdict_as_verify_gives_it() {
    let inspector = listen_with_ui();
    let port = inspector.port.expect("a receiving port");
    assert!(inspector.said.contains(&format!("inspector: http://{}/", inspector.address)), "{}", inspector.said);
    send(port, &["--set", "data.amount=12.34"]);
    // Tampered: signed with another secret.
    hookctl(&["send", "payvost", "payment.failed", "--to", &port.to_string(), "--secret", "not-the-secret"]).ok();
    let events = wait_for(&inspector.address, "/api/events", 2);
    assert_eq!(events[0]["event"], "payment.failed", "newest first: {events:#?}");
    assert_eq!(events[0]["signature"]["verdict"], "mismatch");
    assert_eq!(events[1]["signature"]["verdict"], "valid");

    let id = events[0]["id"].as_i64().expect("an id");
    let shown = get(&inspector.address, &format!("/api/events/{id}"));
    assert_eq!(shown.status, 200);
    let shown = shown.json();
    // What `verify --event ID --json` says about it, check for check.
    assert_eq!(shown["check"]["verdict"], "mismatch");
    assert_eq!(shown["check"]["checks"][0]["status"], "fail");
    assert!(!shown["check"]["ruled_out"].as_array().expect("ruled out").is_empty(), "{shown:#}");
    assert!(shown["raw"].as_str().expect("raw").starts_with("POST /webhooks/payvost HTTP/1.1\r\n"));
    assert_eq!(get(&inspector.address, "/api/events/999").status, 404);
}

#[test]
fn the_check_is_the_one_verify_gives() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let listening = crate::common::listen_on(&store, &["--no-ui"]);
    hookctl(&["send", "payvost", "payment.failed", "--to", &listening.to(), "--secret", "other"]).ok();
    listening.wait_lines(1);
    let store_arg = store.to_str().expect("UTF-8");
    let verified =
        hookctl(&["verify", "--event", "1", "--json", "--store", store_arg]).env("HOOKCTL_SECRET", SECRET).code(3).0;
    let verified: Value = serde_json::from_str(&verified).expect("JSON");
    drop(listening);
    let inspector = start(&["ui", "--ui", "0"], &store, None);
    let shown = get(&inspector.address, "/api/events/1").json();
    for field in ["verdict", "summary", "checks", "diagnosis", "ruled_out", "payload", "notes"] {
        assert_eq!(shown["check"][field], verified[field], "{field}");
    }
}

#[test]
fn pages_filters_and_full_text_search() {
    pages_filters_and_search_on(listen_with_ui());
}

/// The same pages, filters and search over a PostgreSQL store.
#[test]
fn pages_filters_and_search_on_postgres() {
    let Some(url) = crate::pg::database("pages_filters_and_search_on_postgres") else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    pages_filters_and_search_on(start(&["listen", "--port", "0", "--ui", "0"], Path::new(&url), Some(dir)));
}

fn pages_filters_and_search_on(inspector: Inspector) {
    let port = inspector.port.expect("a port");
    for n in 0..5 {
        send(port, &["--set", &format!("data.amount={n}.00")]);
    }
    // A word no random id holds (PostgreSQL's search finds text inside words too).
    send(port, &["--set", "data.metadata.orderId=order_quincexqz"]);
    hookctl(&["send", "payvost", "transfer.created", "--to", &port.to_string(), "--secret", "nope"]).ok();
    let all = wait_for(&inspector.address, "/api/events", 7);
    assert_eq!(all.len(), 7);

    // Keyset pages: each page starts below the last id of the one before; together they are the whole list.
    let first = get(&inspector.address, "/api/events?limit=3").json();
    let ids = |page: &Value| -> Vec<i64> {
        page["events"].as_array().expect("events").iter().map(|e| e["id"].as_i64().expect("id")).collect()
    };
    assert_eq!(ids(&first), vec![7, 6, 5]);
    assert_eq!(first["next"], 5);
    let second = get(&inspector.address, "/api/events?limit=3&before=5").json();
    assert_eq!(ids(&second), vec![4, 3, 2]);
    let last = get(&inspector.address, "/api/events?limit=3&before=2").json();
    assert_eq!(ids(&last), vec![1]);
    assert_eq!(last["next"], Value::Null);

    // A value deep in one body, found by the full-text index; a header value too.
    let found = get(&inspector.address, "/api/events?q=quinceXQZ").json();
    assert_eq!(ids(&found), vec![6], "{found}");
    let by_header = get(&inspector.address, "/api/events?q=%22application%2Fjson%22&limit=500").json();
    assert_eq!(ids(&by_header).len(), 7);
    // FTS5 syntax typed by a user is searched for, not obeyed.
    let odd = get(&inspector.address, "/api/events?q=%22NEAR(%20*%20OR");
    assert_eq!(odd.status, 200, "{}", String::from_utf8_lossy(&odd.body));

    let failed = get(&inspector.address, "/api/events?verdict=failed").json();
    assert_eq!(ids(&failed), vec![7]);
    let typed = get(&inspector.address, "/api/events?type=transfer.*").json();
    assert_eq!(ids(&typed), vec![7]);
    let none = get(&inspector.address, "/api/events?provider=stripe").json();
    assert_eq!(ids(&none), Vec::<i64>::new());
    let future = get(&inspector.address, "/api/events?since=4102444800000").json();
    assert_eq!(ids(&future), Vec::<i64>::new());
    let bad = get(&inspector.address, "/api/events?since=whenever");
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().expect("error").contains("since"));
}

#[test]
fn a_store_from_before_the_search_index_is_upgraded_and_searchable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("old.db");
    {
        let connection = rusqlite::Connection::open(&store).expect("opens");
        connection
            .execute_batch(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, received_at INTEGER NOT NULL, provider TEXT,
                    event_type TEXT, event_id TEXT, method TEXT NOT NULL, target TEXT NOT NULL, headers TEXT NOT NULL,
                    body BLOB NOT NULL, verdict TEXT NOT NULL, verdict_detail TEXT NOT NULL,
                    payload_status TEXT NOT NULL, payload_detail TEXT NOT NULL, duplicate INTEGER NOT NULL,
                    answer_status INTEGER NOT NULL, forward_status INTEGER, forward_ms REAL);
                 CREATE INDEX events_provider_event_id ON events (provider, event_id);
                 CREATE INDEX events_received_at ON events (received_at);
                 INSERT INTO events VALUES (1, 1700000000000, 'payvost', 'payment.created', 'evt_old', 'POST',
                    '/webhooks/payvost', '[[\"content-type\",\"application/json\"]]',
                    CAST('{\"type\":\"payment.created\",\"data\":{\"memo\":\"kumquat\"}}' AS BLOB), 'unchecked', '',
                    'valid', '', 0, 200, NULL, NULL);
                 PRAGMA user_version = 1;",
            )
            .expect("an old store");
    }
    let inspector = start(&["ui", "--ui", "0"], &store, None);
    let found = get(&inspector.address, "/api/events?q=kumquat").json();
    assert_eq!(found["events"][0]["event_id"], "evt_old", "{found}");
    // Deleting an event takes it out of the index too.
    let token = csrf(&inspector.address);
    let deleted = http(&inspector.address, "DELETE", "/api/events/1", &[("X-Hookctl-Csrf", &token)], b"");
    assert_eq!(deleted.status, 200);
    drop(inspector);
    assert_eq!(indexed_matches(&store, "kumquat"), 0);
}

#[test]
fn foreign_hosts_origins_and_requests_without_the_csrf_token_are_refused() {
    let inspector = listen_with_ui();
    let address = &inspector.address;
    send(inspector.port.expect("port"), &[]);
    wait_for(address, "/api/events", 1);

    // DNS rebinding: a page of evil.example whose name now points at 127.0.0.1.
    let rebound = http(address, "GET", "/api/events", &[("Host", "evil.example")], b"");
    assert_eq!(rebound.status, 421);
    let port = address.rsplit(':').next().expect("port");
    assert_eq!(http(address, "GET", "/", &[("Host", &format!("localhost:{port}"))], b"").status, 200);

    let token = csrf(address);
    let without = http(address, "DELETE", "/api/events/1", &[], b"");
    assert_eq!(without.status, 403);
    assert!(without.json()["error"].as_str().expect("error").contains("CSRF"));
    let wrong = http(address, "DELETE", "/api/events/1", &[("X-Hookctl-Csrf", "0000")], b"");
    assert_eq!(wrong.status, 403);
    let foreign =
        http(address, "DELETE", "/api/events/1", &[("X-Hookctl-Csrf", &token), ("Origin", "http://evil.example")], b"");
    assert_eq!(foreign.status, 403);
    let replay =
        http(address, "POST", "/api/events/1/replay", &[("Content-Type", "application/json")], b"{\"to\":\"1\"}");
    assert_eq!(replay.status, 403);
    assert_eq!(get(address, "/api/events").json()["events"].as_array().expect("events").len(), 1);

    let own = format!("http://{address}");
    let allowed = http(address, "DELETE", "/api/events/1", &[("X-Hookctl-Csrf", &token), ("Origin", &own)], b"");
    assert_eq!(allowed.status, 200);
    assert_eq!(get(address, "/api/events").json()["events"].as_array().expect("events").len(), 0);

    // Every answer forbids inline script, framing and sniffing.
    let page = get(address, "/");
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
}

#[test]
fn off_loopback_the_inspector_needs_the_token_printed_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let listening = crate::common::listen_on(&store, &["--no-ui"]);
    drop(listening);
    let inspector = start(&["ui", "--ui", "0.0.0.0:0"], &store, None);
    assert!(inspector.said.contains("reachable from the network"), "{}", inspector.said);
    let token = inspector.said.split("?token=").nth(1).expect("the token").split_whitespace().next().expect("token");
    let port = inspector.address.rsplit(':').next().expect("port");
    let address = format!("127.0.0.1:{port}");
    assert_eq!(get(&address, "/api/events").status, 401);
    assert_eq!(get(&address, "/").status, 401);
    let bearer = format!("Bearer {token}");
    assert_eq!(http(&address, "GET", "/api/events", &[("Authorization", &bearer)], b"").status, 200);
    // The printed URL: the token goes into a cookie the page's scripts cannot read, and out of the address bar.
    let opened = get(&address, &format!("/?token={token}"));
    assert_eq!(opened.status, 303);
    let cookie = opened.header("set-cookie").expect("a cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().expect("name=value");
    assert_eq!(http(&address, "GET", "/api/events", &[("Cookie", pair)], b"").status, 200);
    // The session answer carries no token but the CSRF one.
    let session = http(&address, "GET", "/api/session", &[("Authorization", &bearer)], b"");
    assert!(!String::from_utf8_lossy(&session.body).contains(token));
}

#[test]
fn no_secret_is_in_any_answer() {
    let inspector = listen_with_ui();
    let port = inspector.port.expect("port");
    let to = port.to_string();
    // VerifyNow sends an api key beside its signature: a credential, stored redacted.
    hookctl(&["send", "verifynow", "verification.completed", "--to", &to])
        .env("VERIFYNOW_WEBHOOK_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-sekrit-9")
        .ok();
    send(port, &[]);
    let events = wait_for(&inspector.address, "/api/events", 2);
    let mut answers = vec![get(&inspector.address, "/api/events"), get(&inspector.address, "/api/session")];
    for event in &events {
        let id = event["id"].as_i64().expect("id");
        answers.push(get(&inspector.address, &format!("/api/events/{id}")));
        for format in ["raw", "har", "jsonl"] {
            answers.push(get(&inspector.address, &format!("/api/events/{id}/download/{format}")));
        }
    }
    for answer in &answers {
        let text = String::from_utf8_lossy(&answer.body);
        assert_eq!(answer.status, 200, "{text}");
        assert!(!text.contains(SECRET) && !text.contains("key-sekrit-9"), "{text}");
    }
}

#[test]
fn replay_and_edited_resend_reach_another_listener_re_signed() {
    let inspector = listen_with_ui();
    send(inspector.port.expect("port"), &[]);
    wait_for(&inspector.address, "/api/events", 1);
    let second = listen(&["--no-ui"]);
    let token = csrf(&inspector.address);
    let headers = [("X-Hookctl-Csrf", token.as_str()), ("Content-Type", "application/json")];

    let ask = json!({"to": second.to()}).to_string();
    let replayed = http(&inspector.address, "POST", "/api/events/1/replay", &headers, ask.as_bytes());
    assert_eq!(replayed.status, 200, "{}", String::from_utf8_lossy(&replayed.body));
    let replayed = replayed.json();
    assert_eq!(replayed["status"], 200);
    assert_eq!(replayed["body"], "{\"received\":true}");
    assert!(replayed["url"].as_str().expect("url").ends_with("/webhooks/payvost"));

    let edited = r#"{"id":"evt_edited_1","type":"payment.succeeded","createdAt":"2026-01-01T00:00:00Z","data":{}}"#;
    let ask = json!({"to": second.to(), "body": edited}).to_string();
    let resent = http(&inspector.address, "POST", "/api/events/1/replay", &headers, ask.as_bytes()).json();
    assert_eq!(resent["status"], 200, "{resent}");

    let received = second.wait_lines(2);
    assert!(received.iter().all(|line| line.contains("✓ signed")), "{received:#?}");
    assert!(received[1].contains("evt_edited_1"), "{received:#?}");

    let nowhere = json!({"to": "not a url at all"}).to_string();
    let refused = http(&inspector.address, "POST", "/api/events/1/replay", &headers, nowhere.as_bytes());
    assert_eq!(refused.status, 400);
}

#[test]
fn a_page_that_does_not_read_the_live_stream_does_not_slow_the_listener() {
    let _heavy = crate::common::heavy();
    let inspector = listen_with_ui();
    let port = inspector.port.expect("port");
    // A page that opened the stream and stopped reading it.
    let mut stalled = TcpStream::connect(&inspector.address).expect("connects");
    let request = format!("GET /api/live HTTP/1.1\r\nHost: {}\r\n\r\n", inspector.address);
    stalled.write_all(request.as_bytes()).expect("writes");
    // A page that reads it.
    let mut reader = TcpStream::connect(&inspector.address).expect("connects");
    reader.write_all(request.as_bytes()).expect("writes");
    reader.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    std::thread::sleep(Duration::from_millis(200));

    let started = Instant::now();
    let port = port.to_string();
    let (stdout, _) =
        hookctl(&["send", "payvost", "payment.succeeded", "--to", &port, "--repeat", "1500", "--concurrency", "8"])
            .env("PAYVOST_WEBHOOK_SECRET", SECRET)
            .code(0);
    assert!(stdout.contains("2xx 1500"), "{stdout}");
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
    // The reading page saw events arrive, each as a record of the list.
    let mut seen = Vec::new();
    let mut buffer = [0u8; 8192];
    while !String::from_utf8_lossy(&seen).contains("event: event\ndata: {\"id\":") {
        let n = reader.read(&mut buffer).expect("reads");
        assert!(n > 0, "the stream ended");
        seen.extend_from_slice(&buffer[..n]);
    }
    drop(stalled);
}

#[test]
fn the_default_inspector_port_taken_is_said_and_the_listener_goes_on() {
    // Holds the default port, as another listener would.
    let Ok(_taken) = std::net::TcpListener::bind("127.0.0.1:4747") else {
        // Another test's listener holds it already: the situation under test all the same.
        return the_default_port_is_taken();
    };
    the_default_port_is_taken();
}

fn the_default_port_is_taken() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(["listen", "--port", "0", "--store"])
        .arg(&store)
        .env_clear()
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut said = String::new();
    while !said.contains("listening on") || !said.contains("inspector") {
        let mut line = String::new();
        if stderr.read_line(&mut line).expect("reads") == 0 {
            break;
        }
        said.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(said.contains("the inspector's port 127.0.0.1:4747 is in use"), "{said}");
    assert!(said.contains("--ui 0"), "{said}");
}

#[test]
fn the_page_and_its_scripts_never_write_markup() {
    let inspector = listen_with_ui();
    let page = get(&inspector.address, "/");
    assert_eq!(page.header("content-type"), Some("text/html; charset=utf-8"));
    let html = String::from_utf8_lossy(&page.body).into_owned();
    // No inline script: the CSP would block it, and none is needed.
    assert!(html.contains("<script type=\"module\" src=\"/assets/app.js\"></script>"));
    assert_eq!(html.matches("<script").count(), 1);
    for asset in ["app.js", "view.js"] {
        let script = get(&inspector.address, &format!("/assets/{asset}"));
        assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
        let text = String::from_utf8_lossy(&script.body);
        for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
            assert!(!text.contains(sink), "{asset} uses {sink}");
        }
    }
    assert_eq!(get(&inspector.address, "/assets/missing.js").status, 404);
}

#[test]
fn hookctl_ui_shows_live_what_a_listener_in_another_process_stores() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let listening = crate::common::listen_on(&store, &["--no-ui"]);
    send(listening.port, &[]);
    listening.wait_lines(1);
    let inspector = start(&["ui", "--ui", "0"], &store, None);
    let mut stream = TcpStream::connect(&inspector.address).expect("connects");
    let request = format!("GET /api/live HTTP/1.1\r\nHost: {}\r\n\r\n", inspector.address);
    stream.write_all(request.as_bytes()).expect("writes");
    stream.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    // The stream is open before the second event is sent.
    let mut seen = Vec::new();
    let mut buffer = [0u8; 8192];
    while !String::from_utf8_lossy(&seen).contains("text/event-stream") {
        let n = stream.read(&mut buffer).expect("reads");
        assert!(n > 0, "the stream ended");
        seen.extend_from_slice(&buffer[..n]);
    }
    std::thread::sleep(Duration::from_millis(700));
    send(listening.port, &["--set", "id=evt_from_elsewhere"]);
    while !String::from_utf8_lossy(&seen).contains("\"event_id\":\"evt_from_elsewhere\"") {
        let n = stream.read(&mut buffer).expect("reads");
        assert!(n > 0, "the stream ended");
        seen.extend_from_slice(&buffer[..n]);
    }
    let text = String::from_utf8_lossy(&seen);
    assert_eq!(text.matches("event: event").count(), 1, "only the new event: {text}");
    let since = get(&inspector.address, "/api/events?after=1").json();
    assert_eq!(since["events"].as_array().expect("events").len(), 1, "{since}");
}

/// Off loopback, a person's token (`hookctl tokens create`) opens the inspector and its API like the printed
/// one, until it is revoked; the store keeps only its SHA-256.
fn person_tokens_on(store: &Path, dir: Option<tempfile::TempDir>) -> (String, String) {
    let at = store.to_str().expect("UTF-8");
    let create = |name: &str| hookctl(&["tokens", "create", name, "--store", at]).ok().trim().to_owned();
    let alice = create("alice");
    let bob = create("bob@example.com");
    assert!(alice.starts_with("hkt_") && alice.len() == 68 && alice != bob, "{alice}");
    let (_, said) = hookctl(&["tokens", "create", "alice", "--store", at]).code(2);
    assert!(said.contains("alice has a token already"), "{said}");
    let (_, said) = hookctl(&["tokens", "create", "al ice\u{1b}[31m", "--store", at]).code(2);
    assert!(said.contains("is not a token name") && !said.contains('\u{1b}'), "{said}");
    let listed = hookctl(&["tokens", "list", "--json", "--store", at]).ok();
    let names: Vec<Value> =
        listed.lines().map(|l| serde_json::from_str::<Value>(l).expect("JSON")["name"].clone()).collect();
    assert_eq!(names, [json!("alice"), json!("bob@example.com")]);
    assert!(!listed.contains(&alice));

    let inspector = start(&["ui", "--ui", "0.0.0.0:0"], store, dir);
    let port = inspector.address.rsplit(':').next().expect("port");
    let address = format!("127.0.0.1:{port}");
    let with = |token: &str| {
        http(&address, "GET", "/api/events", &[("Authorization", &format!("Bearer {token}"))], b"").status
    };
    assert_eq!(with(&alice), 200);
    assert_eq!(with(&bob), 200);
    assert_eq!(with("hkt_0000"), 401);
    assert_eq!(get(&address, "/api/events").status, 401);
    // In a browser: `?token=` once, then the HttpOnly cookie carries the person's token.
    let opened = get(&address, &format!("/?token={bob}"));
    assert_eq!(opened.status, 303);
    let pair = opened.header("set-cookie").expect("a cookie").split(';').next().expect("name=value").to_owned();
    assert_eq!(http(&address, "GET", "/api/events", &[("Cookie", &pair)], b"").status, 200);
    // Revoked: refused from the next request on; the others' tokens still work.
    hookctl(&["tokens", "revoke", "alice", "--store", at]).ok();
    assert_eq!(with(&alice), 401);
    assert_eq!(with(&bob), 200);
    let (_, said) = hookctl(&["tokens", "revoke", "alice", "--store", at]).code(2);
    assert!(said.contains("alice has no token"), "{said}");
    (alice, bob)
}

#[test]
fn person_tokens_open_the_inspector_off_loopback_until_revoked() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let (alice, bob) = person_tokens_on(&store, None);
    let bytes = std::fs::read(&store).expect("the store");
    let contains = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!contains(&alice) && !contains(&bob), "a token is in the store as it is");
}

#[test]
fn person_tokens_on_postgres() {
    let Some(url) = crate::pg::database("person_tokens_on_postgres") else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let (_, bob) = person_tokens_on(Path::new(&url), Some(dir));
    let database = url.rsplit('/').next().expect("a database");
    let stored = crate::pg::cluster().psql(database, "SELECT name || ' ' || hash FROM tokens");
    let hash = hookctl::ui::token_hash(&bob);
    assert_eq!(stored, format!("bob@example.com {hash}"));
}

/// A store this user cannot write (a read-only mount; as root, whom permission bits do not stop, a read-only
/// bind mount in a mount namespace of its own) is shown all the same, read-only, with a note.
#[cfg(unix)]
#[test]
fn a_store_that_cannot_be_written_is_shown_read_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let capture = r#"{"method":"POST","target":"/webhooks/payvost","headers":[],"body":"{\"id\":\"evt_ro\"}"}"#;
    hookctl(&["events", "import", "-", "--store", store.to_str().expect("UTF-8")]).stdin(capture).ok();
    let folder = dir.path().to_str().expect("UTF-8").to_owned();
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let set = |mode: u32| {
        std::fs::set_permissions(&store, std::fs::Permissions::from_mode(mode & 0o666)).expect("chmod");
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    let command = if root {
        let script = r#"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$0" "$@""#;
        let mut command = Command::new("unshare");
        command.args([
            "--mount",
            "--propagation",
            "private",
            "sh",
            "-c",
            script,
            env!("CARGO_BIN_EXE_hookctl"),
            &folder,
        ]);
        command
    } else {
        set(0o555);
        Command::new(env!("CARGO_BIN_EXE_hookctl"))
    };
    let inspector = spawned(command, &["ui", "--ui", "0"], &store, None);
    assert!(inspector.said.contains("cannot be written, so the inspector shows it read-only"), "{}", inspector.said);
    let listed = get(&inspector.address, "/api/events").json();
    assert_eq!(listed["events"][0]["event_id"], "evt_ro", "{listed}");
    let token = csrf(&inspector.address);
    let deleted = http(&inspector.address, "DELETE", "/api/events/1", &[("X-Hookctl-Csrf", &token)], b"");
    assert_eq!(deleted.status, 500, "{}", String::from_utf8_lossy(&deleted.body));
    assert!(String::from_utf8_lossy(&deleted.body).contains("cannot be written"));
    drop(inspector);
    set(0o700);
}
