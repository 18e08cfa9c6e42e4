//! Bodies that are not JSON: Slack's form-encoded slash commands and interactivity payloads, signed, sent,
//! verified, received and replayed as Slack sends them.

use serde_json::Value;

use crate::common::*;

/// Slack's public slash-command test vector (Slack's docs; slack_sdk's signature tests).
const VECTOR_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const VECTOR_TIMESTAMP: &str = "1531420618";
const VECTOR_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const VECTOR_SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

const FORM: &str = "application/x-www-form-urlencoded";

/// A form body's fields, decoded independently of hookctl.
fn fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field(body: &[u8], name: &str) -> String {
    fields(body).into_iter().find(|(n, _)| n == name).map(|(_, v)| v).unwrap_or_else(|| panic!("no {name}"))
}

/// Slack's signature, computed here: `v0=` hex HMAC-SHA256 of `v0:{timestamp}:{body}`.
fn slack_signature(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let message = [format!("v0:{timestamp}:").as_bytes(), body].concat();
    format!("v0={}", hmac_sha256_hex(secret.as_bytes(), &message))
}

#[test]
fn slacks_public_slash_command_vector_verifies() {
    // As --body and headers, with no Content-Type: the body is known for a form by what it is.
    let (stdout, _) = hookctl(&[
        "verify",
        "--body",
        "body.txt",
        "-H",
        &format!("X-Slack-Signature: {VECTOR_SIGNATURE}"),
        "-H",
        &format!("X-Slack-Request-Timestamp: {VECTOR_TIMESTAMP}"),
        "--at",
        VECTOR_TIMESTAMP,
        "--secret-file",
        "secret.txt",
    ])
    .file("body.txt", VECTOR_BODY)
    .file("secret.txt", VECTOR_SECRET)
    .code(0);
    assert!(stdout.contains("✓ VALID slack  slash_command 398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"));
    assert!(stdout.contains("✓ payload        matches the slash_command schema"), "{stdout}");

    // As the raw HTTP request Slack sends.
    let raw = format!(
        "POST /slack/commands HTTP/1.1\r\nHost: example.test\r\nContent-Type: {FORM}\r\nX-Slack-Signature: \
         {VECTOR_SIGNATURE}\r\nX-Slack-Request-Timestamp: {VECTOR_TIMESTAMP}\r\nContent-Length: {}\r\n\r\n{VECTOR_BODY}",
        VECTOR_BODY.len()
    );
    let (stdout, _) = hookctl(&["verify", "capture.http", "--json", "--at", VECTOR_TIMESTAMP])
        .file("capture.http", raw)
        .env("SLACK_SIGNING_SECRET", VECTOR_SECRET)
        .code(0);
    let verdict: Value = serde_json::from_str(&stdout).expect("verify --json");
    assert_eq!((&verdict["provider"], &verdict["verdict"]), (&Value::from("slack"), &Value::from("valid")));
    assert_eq!(verdict["payload"]["status"], "valid", "{verdict}");
    assert_eq!(verdict["event"], "slash_command");
    assert_eq!(verdict["notes"], serde_json::json!([]), "a correctly labelled form gets no note");

    // And `sign` gives the same signature, labelled as the form it is.
    let stdout = hookctl(&["sign", "slack", "body.txt", "--timestamp", VECTOR_TIMESTAMP, "--secret-file", "s.txt"])
        .file("body.txt", VECTOR_BODY)
        .file("s.txt", VECTOR_SECRET)
        .ok();
    assert_eq!(header(&stdout, "X-Slack-Signature"), VECTOR_SIGNATURE);
    assert_eq!(header(&stdout, "Content-Type"), FORM);
}

#[test]
fn the_provider_model_shows_each_events_body_format() {
    let stdout = hookctl(&["providers", "slack", "--json"]).ok();
    let model: Value = serde_json::from_str(&stdout).expect("providers --json");
    let formats: Vec<(&str, &str)> = model["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| (e["name"].as_str().unwrap_or(""), e["body_format"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(
        formats,
        [
            ("url_verification", "json"),
            ("app_mention", "json"),
            ("message", "json"),
            ("slash_command", "form"),
            ("block_actions", "form")
        ]
    );
    let text = hookctl(&["providers", "slack"]).ok();
    let line = text.lines().find(|l| l.trim_start().starts_with("slash_command")).expect("listed");
    assert!(line.ends_with("[sent as application/x-www-form-urlencoded]"), "{line}");
}

#[test]
fn sign_sets_content_type_from_the_body_and_the_provider() {
    let sign = |provider: &str, body: &str, extra: &[&str]| {
        let stdout = hookctl(&[&["sign", provider, "body", "--json"], extra].concat())
            .file("body", body)
            .env("HOOKCTL_SECRET", SECRET)
            .ok();
        let request: Value = serde_json::from_str(&stdout).expect("sign --json");
        let content_type = request["headers"]
            .as_array()
            .and_then(|h| h.iter().find(|pair| pair[0] == "Content-Type"))
            .map(|pair| pair[1].as_str().unwrap_or_default().to_owned());
        (content_type, request["event"].clone())
    };
    let form = Some(FORM.to_owned());
    let json = Some("application/json".to_owned());
    // A form body of a provider that sends forms, its event type read from its fields.
    assert_eq!(sign("slack", VECTOR_BODY, &[]), (form.clone(), Value::from("slash_command")));
    // JSON stays JSON, even for a provider that also sends forms.
    let challenge = r#"{"token":"t","challenge":"c","type":"url_verification"}"#;
    assert_eq!(sign("slack", challenge, &[]), (json.clone(), Value::from("url_verification")));
    // A provider that sends only JSON keeps its own header: the form is not one it sends.
    assert_eq!(sign("payvost", "a=1&b=2", &[]).0, json);
    // --content-type says what the body is, whatever it looks like.
    assert_eq!(sign("slack", VECTOR_BODY, &["--content-type", "text/plain"]).0, Some("text/plain".into()));
    assert_eq!(sign("payvost", "a=1", &["--content-type", FORM]).0, form);

    // Fixtures go in their event's format.
    for (event, content_type) in [("slash_command", FORM), ("block_actions", FORM), ("app_mention", "application/json")]
    {
        let stdout = hookctl(&["sign", "slack", "--event", event]).env("HOOKCTL_SECRET", SECRET).ok();
        assert_eq!(header(&stdout, "Content-Type"), content_type, "{event}");
    }
    let (_, stderr) = hookctl(&["sign", "slack", "--event", "message", "--content-type", "bad\u{7}value"]).code(2);
    assert!(stderr.contains("a header value is one line of text"), "{stderr}");
}

#[test]
fn send_delivers_slack_form_fixtures_url_encoded_with_fresh_values_and_valid_signatures() {
    let server = TestServer::start();
    for event in ["slash_command", "block_actions"] {
        hookctl(&["send", "slack", event, "--to", &server.to(), "--repeat", "2"]).env("HOOKCTL_SECRET", SECRET).ok();
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    for request in &requests {
        assert_eq!(request.target, "/webhooks/slack");
        assert_eq!(request.header("content-type").as_deref(), Some(FORM));
        let timestamp = request.header("x-slack-request-timestamp").expect("timestamp");
        let expected = slack_signature(SECRET, &timestamp, &request.body);
        assert_eq!(request.header("x-slack-signature"), Some(expected));
    }
    // The slash command's fields, decoded by an independent form parser: text with `&`, `+`, `%`, `@` and
    // parentheses survives the encoding, the command keeps its slash, ids and URLs are fresh.
    let (first, second) = (&requests[0].body, &requests[1].body);
    assert_eq!(field(first, "command"), "/deploy");
    assert_eq!(field(first, "text"), "api-gateway to staging & tell @ada (50% rollout)");
    assert!(field(first, "response_url").starts_with("https://hooks.slack.com/commands/T07HK3ZQ1NE/"));
    assert_ne!(field(first, "trigger_id"), field(second, "trigger_id"), "fresh per delivery");
    assert!(!String::from_utf8_lossy(first).contains("{{"), "a placeholder was left");
    // block_actions: one field, payload, holding the interaction as JSON.
    for request in &requests[2..] {
        let pairs = fields(&request.body);
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        let payload: Value = serde_json::from_str(&field(&request.body, "payload")).expect("payload= is JSON");
        assert_eq!(payload["type"], "block_actions");
        assert_eq!(payload["actions"][0]["action_id"], "approve");
    }
    assert_ne!(requests[2].body, requests[3].body, "fresh per delivery");

    // --body sends the user's form as a form, byte for byte, and --content-type overrides.
    hookctl(&["send", "slack", "--body", "cmd.txt", "--to", &server.to()])
        .file("cmd.txt", VECTOR_BODY)
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    hookctl(&[
        "send",
        "slack",
        "app_mention",
        "--to",
        &server.to(),
        "--content-type",
        "application/json; charset=utf-8",
    ])
    .env("HOOKCTL_SECRET", SECRET)
    .ok();
    // A --body in the other format than the event's is sent, with a warning.
    let (_, stderr) = hookctl(&["send", "slack", "slash_command", "--body", "cmd.json", "--to", &server.to()])
        .file("cmd.json", r#"{"command":"/deploy"}"#)
        .env("HOOKCTL_SECRET", SECRET)
        .code(0);
    assert!(stderr.contains("slack sends slash_command form-encoded; this --body is JSON"), "{stderr}");
    let requests = server.requests();
    assert_eq!(requests[4].body, VECTOR_BODY.as_bytes());
    assert_eq!(requests[4].header("content-type").as_deref(), Some(FORM));
    assert_eq!(requests[5].header("content-type").as_deref(), Some("application/json; charset=utf-8"));
    assert_eq!(requests[6].header("content-type").as_deref(), Some("application/json"));
}

#[test]
fn form_bodies_are_validated_as_objects_of_their_fields_with_payload_as_json() {
    let signed = |event: &str, sets: &[&str]| -> Value {
        let mut args = vec!["sign", "slack", "--event", event, "--json"];
        for set in sets {
            args.extend(["--set", set]);
        }
        serde_json::from_str(&hookctl(&args).env("HOOKCTL_SECRET", SECRET).ok()).expect("sign --json")
    };
    let verify = |capture: &Value, expected: i32| -> Value {
        let (stdout, _) = hookctl(&["verify", "capture.json", "--json"])
            .file("capture.json", capture.to_string())
            .env("HOOKCTL_SECRET", SECRET)
            .code(expected);
        serde_json::from_str(&stdout).expect("verify --json")
    };
    for event in ["slash_command", "block_actions"] {
        let verdict = verify(&signed(event, &[]), 0);
        assert_eq!((&verdict["event"], &verdict["payload"]["status"]), (&Value::from(event), &Value::from("valid")));
        assert!(verdict["event_id"].as_str().is_some_and(|id| id.split('.').count() == 3), "trigger_id: {verdict}");
    }
    // A field of the form, and a field inside the JSON of payload=, are checked where they are.
    let verdict = verify(&signed("slash_command", &["command=deploy"]), 5);
    assert_eq!(verdict["payload"]["violations"][0]["path"], "/command", "{verdict}");
    let verdict = verify(&signed("block_actions", &["payload.trigger_id=nope"]), 5);
    assert_eq!(verdict["payload"]["violations"][0]["path"], "/payload/trigger_id", "{verdict}");

    // payload= that is not JSON is said so, not "not JSON" for the whole body.
    let body = "payload=%7B%22type%22%3A";
    let timestamp = chrono_now();
    let capture = serde_json::json!({"method": "POST", "target": "/webhooks/slack", "body": body, "headers": [
        ["Content-Type", FORM], ["X-Slack-Request-Timestamp", timestamp],
        ["X-Slack-Signature", slack_signature(SECRET, &timestamp, body.as_bytes())]]});
    let verdict = verify(&capture, 5);
    assert_eq!(verdict["payload"]["status"], "bad-form", "{verdict}");
    assert!(verdict["payload"]["reason"].as_str().is_some_and(|r| r.starts_with("the `payload` field is not JSON")));

    // A form labelled JSON (what `sign slack FILE` used to print) verifies, with a note on the label.
    let mut mislabelled = signed("slash_command", &[]);
    mislabelled["headers"][0] = serde_json::json!(["Content-Type", "application/json"]);
    let verdict = verify(&mislabelled, 0);
    let notes = verdict["notes"].to_string();
    assert!(notes.contains("form-encoded but Content-Type says application/json"), "{notes}");

    // A slash command sent as JSON is not what Slack sends.
    let json_command = serde_json::json!({"command": "/deploy", "text": ""}).to_string();
    let capture = serde_json::json!({"method": "POST", "target": "/webhooks/slack", "body": json_command, "headers": [
        ["Content-Type", "application/json"], ["X-Slack-Request-Timestamp", timestamp],
        ["X-Slack-Signature", slack_signature(SECRET, &timestamp, json_command.as_bytes())]]});
    let verdict = verify(&capture, 5);
    assert_eq!(
        verdict["payload"]["violations"][0]["message"],
        "slack sends slash_command form-encoded; this body is JSON"
    );
}

#[test]
fn listen_receives_stores_and_replay_re_sends_form_bodies() {
    let listening = listen(&[]);
    for event in ["slash_command", "block_actions"] {
        hookctl(&["send", "slack", event, "--to", &listening.to()]).env("HOOKCTL_SECRET", SECRET).ok();
    }
    let lines = listening.wait_lines(2);
    for (line, event) in lines.iter().zip(["slash_command", "block_actions"]) {
        let words: Vec<&str> = line.split_whitespace().collect();
        assert!(words.windows(2).any(|w| w == ["slack", event]), "{line}");
        assert!(line.contains("✓ signed") && line.contains("✓ schema") && line.contains("→ 200"), "{line}");
    }
    let stored = listening.events();
    let kinds: Vec<(&str, &str)> = stored
        .iter()
        .map(|e| (e["event"].as_str().unwrap_or(""), e["payload"]["status"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(kinds, [("slash_command", "valid"), ("block_actions", "valid")]);

    // Re-signed by replay, a stored form goes out as a form again.
    let server = TestServer::start();
    hookctl(&["replay", "--store", listening.store.to_str().expect("UTF-8"), "--to", &server.to(), "--yes"])
        .env("HOOKCTL_SECRET", SECRET)
        .ok();
    let replayed = server.requests();
    assert_eq!(replayed.len(), 2);
    for request in &replayed {
        assert_eq!(request.header("content-type").as_deref(), Some(FORM));
        let timestamp = request.header("x-slack-request-timestamp").expect("timestamp");
        assert_eq!(request.header("x-slack-signature"), Some(slack_signature(SECRET, &timestamp, &request.body)));
    }
}

fn chrono_now() -> String {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_secs().to_string()
}
