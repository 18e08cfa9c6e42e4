//! Handshakes and schemes beyond a signed POST: Twitch EventSub's webhook_callback_verification (an event named by
//! one of two headers, sent with headers of its own), Dropbox's GET `?challenge=` and Asana's X-Hook-Secret, each
//! answered by listen as a correct app answers it and checked by `send PROVIDER handshake`.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::common::*;

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET)
}

/// The whole answer to a raw HTTP/1.1 request: status line, headers and body.
fn exchange(port: u16, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    stream.write_all(request).expect("writes");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

/// The signed request `sign --json` prints: its body and headers (names lowercased).
fn signed(provider: &str, event: &str) -> (String, Vec<(String, String)>) {
    let stdout = hookctl(&["sign", provider, "--event", event, "--json"]).env("HOOKCTL_SECRET", SECRET).ok();
    let request: Value = serde_json::from_str(&stdout).expect("JSON");
    let headers = request["headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|h| (h[0].as_str().expect("name").to_ascii_lowercase(), h[1].as_str().expect("value").to_owned()))
        .collect();
    (request["body"].as_str().expect("body").to_owned(), headers)
}

fn get<'a>(headers: &'a [(String, String)], name: &str) -> &'a str {
    headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str()).unwrap_or_else(|| panic!("no {name}"))
}

/// Twitch signs message id + timestamp + body; a notification carries its subscription type, the handshake and a
/// revocation their message type with the subscription's own type and version.
#[test]
fn twitch_signs_id_timestamp_and_body_and_sends_each_message_type() {
    for (event, message_type, subscription, version) in [
        ("channel.follow", "notification", "channel.follow", "2"),
        ("stream.online", "notification", "stream.online", "1"),
        ("webhook_callback_verification", "webhook_callback_verification", "channel.follow", "2"),
        ("revocation", "revocation", "channel.follow", "2"),
    ] {
        let (body, headers) = signed("twitch", event);
        let id = get(&headers, "twitch-eventsub-message-id");
        let timestamp = get(&headers, "twitch-eventsub-message-timestamp");
        assert!(chrono::DateTime::parse_from_rfc3339(timestamp).is_ok(), "{timestamp}");
        let expected = hmac_sha256_hex(SECRET.as_bytes(), format!("{id}{timestamp}{body}").as_bytes());
        assert_eq!(get(&headers, "twitch-eventsub-message-signature"), format!("sha256={expected}"), "{event}");
        assert_eq!(get(&headers, "twitch-eventsub-message-type"), message_type, "{event}");
        assert_eq!(get(&headers, "twitch-eventsub-subscription-type"), subscription, "{event}");
        assert_eq!(get(&headers, "twitch-eventsub-subscription-version"), version, "{event}");
        assert_eq!(get(&headers, "twitch-eventsub-message-retry"), "0");
        let payload: Value = serde_json::from_str(&body).expect("JSON body");
        assert_eq!(payload["subscription"]["type"], subscription, "the body names the same subscription");
    }
}

/// `listen` names each message by its headers, answers the handshake with the challenge as text/plain, and
/// `send twitch handshake` checks that answer; an app that only acknowledges fails it.
#[test]
fn twitch_handshake_is_answered_with_the_challenge_as_text() {
    let listening = listen(&["--json"]);
    let (stdout, _) = send(&["twitch", "handshake", "--to", &listening.to()]).code(0);
    assert!(stdout.starts_with("✓ handshake: twitch's webhook_callback_verification answered as"), "{stdout}");
    for event in ["channel.subscribe", "revocation"] {
        send(&["twitch", event, "--to", &listening.to()]).ok();
    }
    let lines = listening.wait_lines(3);
    let named = events_and_verdicts(&lines);
    let expected =
        [("webhook_callback_verification", "valid"), ("channel.subscribe", "valid"), ("revocation", "valid")];
    assert_eq!(named, expected.map(|(e, v)| (e.to_owned(), v.to_owned())), "{lines:#?}");

    // The handshake on the wire: 200, text/plain, the challenge and nothing else.
    let (body, headers) = signed("twitch", "webhook_callback_verification");
    let challenge =
        serde_json::from_str::<Value>(&body).expect("JSON")["challenge"].as_str().expect("challenge").to_owned();
    let mut request = "POST /webhooks/twitch HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n".to_owned();
    for (name, value) in headers.iter().filter(|(n, _)| n != "content-length") {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    let answer = exchange(listening.port, request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains("content-type: text/plain"), "{answer}");
    assert!(answer.ends_with(&format!("\r\n\r\n{challenge}")), "{answer}");

    let app = TestServer::start();
    let (stdout, _) = send(&["twitch", "handshake", "--to", &app.to()]).code(4);
    assert!(stdout.contains("not answered as required: Twitch EventSub expects `"), "{stdout}");
}

fn verify(capture: &Value, args: &[&str], expected: i32) -> Value {
    let stdout = hookctl(&[&["verify", "capture.json", "--json"], args].concat())
        .file("capture.json", capture.to_string())
        .env("HOOKCTL_SECRET", SECRET)
        .code(expected)
        .0;
    serde_json::from_str(&stdout).expect("verify --json")
}

/// Twitch's guide rejects a message more than 10 minutes old; a changed body is a mismatch.
#[test]
fn twitch_verify_holds_the_replay_window_and_the_body() {
    let stdout = hookctl(&["sign", "twitch", "--event", "stream.offline", "--json", "--timestamp", "1700000000"])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let mut capture: Value = serde_json::from_str(&stdout).expect("JSON");
    let verdict = verify(&capture, &["--at", "1700000590"], 0);
    assert_eq!((verdict["verdict"].as_str(), verdict["event"].as_str()), (Some("valid"), Some("stream.offline")));
    assert_eq!(verify(&capture, &["--at", "1700000610"], 3)["verdict"], "stale");
    let body = capture["body"].as_str().expect("body").replace("Cooler_User", "Other_User");
    capture["body"] = Value::from(body);
    assert_eq!(verify(&capture, &["--at", "1700000000"], 3)["verdict"], "mismatch");
}

/// A one-request app: reads a request and answers it with `answer(request head)`.
fn one_shot_app(answer: fn(&str) -> String) -> (u16, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("address").port();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("a request");
        stream.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let head = String::from_utf8_lossy(&head).into_owned();
        let _ = stream.write_all(answer(&head).as_bytes());
        head
    });
    (port, handle)
}

/// Dropbox verifies a URI with `GET ?challenge=`: listen echoes it as text/plain with nosniff, `send dropbox
/// handshake` sends one and checks the echo, and the notifications that follow are signed POSTs.
#[test]
fn dropbox_get_challenge_is_echoed_and_checked() {
    let listening = listen(&["--json"]);
    let answer = exchange(
        listening.port,
        b"GET /webhooks/dropbox?challenge=abc%20123 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let lower = answer.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: text/plain") && lower.contains("x-content-type-options: nosniff"),
        "{answer}"
    );
    assert!(answer.ends_with("\r\n\r\nabc 123"), "the challenge, decoded: {answer}");

    let (stdout, _) = send(&["dropbox", "handshake", "--to", &listening.to()]).code(0);
    assert!(stdout.starts_with("✓ handshake: dropbox's verification answered as Dropbox requires"), "{stdout}");
    send(&["dropbox", "list_folder", "--to", &listening.to()]).ok();
    let lines = listening.wait_lines(3);
    let events: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).expect("NDJSON")).collect();
    for handshake in &events[..2] {
        assert_eq!(handshake["event"], "verification", "{handshake}");
        assert_eq!(handshake["request"]["method"], "GET", "{handshake}");
        assert_eq!(handshake["signature"]["verdict"], "unsigned", "{handshake}");
        assert_eq!(handshake["payload"]["status"], "handshake", "{handshake}");
    }
    assert_eq!(events[2]["event"], "list_folder");
    assert_eq!(events[2]["signature"]["verdict"], "valid");

    // The notification's signature is the hex HMAC-SHA256 of the body, keyed by the app secret.
    let (body, headers) = signed("dropbox", "list_folder");
    assert_eq!(get(&headers, "x-dropbox-signature"), hmac_sha256_hex(SECRET.as_bytes(), body.as_bytes()));

    // An app that acknowledges without echoing fails; one that echoes without nosniff passes, told what it lacks.
    let app = TestServer::start();
    let (stdout, _) = send(&["dropbox", "handshake", "--to", &app.to()]).code(4);
    assert!(stdout.contains("not answered as required: Dropbox expects `"), "{stdout}");
    let (port, request) = one_shot_app(|head| {
        let challenge = head.split("challenge=").nth(1).and_then(|rest| rest.split(' ').next()).unwrap_or_default();
        format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{challenge}", challenge.len())
    });
    let (stdout, _) = send(&["dropbox", "handshake", "--to", &port.to_string()]).code(0);
    assert!(stdout.contains("✓ handshake") && stdout.contains("X-Content-Type-Options: nosniff"), "{stdout}");
    let head = request.join().expect("the app ran");
    assert!(head.starts_with("GET /webhooks/dropbox?challenge="), "{head}");
    assert!(!head.to_ascii_lowercase().contains("x-dropbox-signature"), "the GET is not signed: {head}");
}

/// Asana's handshake is a bodiless POST with X-Hook-Secret, answered with the same header; its events are batches
/// named by their first event (an empty batch is a heartbeat), signed with that secret.
#[test]
fn asana_hook_secret_is_echoed_and_batches_are_named_by_their_first_event() {
    let listening = listen(&["--json"]);
    let secret = "b537207f20cbfa02357cf448134da559e8bd39d61597dcd5631b8012eae53e81";
    let request = format!(
        "POST /webhooks/asana HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Hook-Secret: {secret}\r\n\
         Content-Length: 0\r\n\r\n"
    );
    let answer = exchange(listening.port, request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_ascii_lowercase().contains(&format!("x-hook-secret: {secret}")), "{answer}");

    let (stdout, _) = send(&["asana", "handshake", "--to", &listening.to()]).code(0);
    assert!(stdout.starts_with("✓ handshake: asana's handshake answered as Asana requires"), "{stdout}");
    for event in ["task.changed", "story.added", "heartbeat"] {
        send(&["asana", event, "--to", &listening.to()]).ok();
    }
    let lines = listening.wait_lines(5);
    let named = events_and_verdicts(&lines);
    let expected = [
        ("handshake", "unsigned"),
        ("handshake", "unsigned"),
        ("task.changed", "valid"),
        ("story.added", "valid"),
        ("heartbeat", "valid"),
    ];
    assert_eq!(named, expected.map(|(e, v)| (e.to_owned(), v.to_owned())), "{lines:#?}");

    let (body, headers) = signed("asana", "task.added");
    assert_eq!(get(&headers, "x-hook-signature"), hmac_sha256_hex(SECRET.as_bytes(), body.as_bytes()));
    assert_eq!(serde_json::from_str::<Value>(&body).expect("JSON")["events"][0]["resource"]["resource_type"], "task");

    // The secret the handshake hands over is a credential: stored redacted, never printed.
    let exported = hookctl(&["events", "export", "--store", listening.store.to_str().expect("UTF-8")]).ok();
    assert!(!exported.contains(secret) && !exported.contains(SECRET), "{exported}");

    // An app that acknowledges without the header fails the handshake, saying so; the handshake carries the
    // secret `send` signs the deliveries after it with, so an app that keeps it verifies them.
    let app = TestServer::start();
    let (stdout, _) = send(&["asana", "handshake", "--to", &app.to()]).code(4);
    assert!(
        stdout.contains("Asana expects the X-Hook-Secret it sent echoed, the app sent no X-Hook-Secret"),
        "{stdout}"
    );
    assert!(!stdout.contains(SECRET), "{stdout}");
    let received = &app.requests()[0];
    assert_eq!(received.target, "/webhooks/asana");
    assert!(received.body.is_empty(), "the handshake has no body");
    assert_eq!(received.header("x-hook-secret").as_deref(), Some(SECRET));
}

/// A batch that carries X-Hook-Secret beside its body is a delivery, not the handshake: checked, and refused
/// unsigned by a strict receiver.
#[test]
fn an_asana_batch_with_a_hook_secret_is_no_handshake() {
    let listening = listen(&["--json", "--reject-invalid"]);
    let body = hookctl(&["fixtures", "asana", "task.added"]).ok();
    let request = format!(
        "POST /webhooks/asana HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Hook-Secret: evil\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let answer = exchange(listening.port, request.as_bytes());
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    let named = events_and_verdicts(&listening.wait_lines(1));
    assert_eq!(named[0].0, "task.added", "{named:?}");
}

/// Each NDJSON line's event and signature verdict.
fn events_and_verdicts(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| serde_json::from_str::<Value>(l).expect("NDJSON"))
        .map(|e| {
            (e["event"].as_str().unwrap_or("").to_owned(), e["signature"]["verdict"].as_str().unwrap_or("").to_owned())
        })
        .collect()
}
