//! Providers that sign with a key pair (Discord, SendGrid, Standard Webhooks v1a): `keys generate` makes a test
//! pair, signing finds its private key, the printed public key verifies what was sent, and verdicts say what a
//! public key can tell.

use ed25519_dalek::Verifier as _;
use serde_json::Value;

use crate::common::*;

/// Runs sharing one HOME, so a key `keys generate` writes is where the next run looks.
fn in_home(home: &tempfile::TempDir, args: &[&str]) -> Run {
    hookctl(args).env("HOME", home.path().to_str().expect("UTF-8 path"))
}

fn discord_public_key(hex_key: &str) -> ed25519_dalek::VerifyingKey {
    let bytes: [u8; 32] = hex::decode(hex_key).expect("hex").try_into().expect("32 bytes");
    ed25519_dalek::VerifyingKey::from_bytes(&bytes).expect("an Ed25519 key")
}

#[test]
fn keys_generate_writes_an_owner_only_private_key_and_prints_the_public_key_as_the_app_configures_it() {
    let home = tempfile::tempdir().expect("home");
    let (stdout, stderr) = in_home(&home, &["keys", "generate", "discord"]).code(0);
    let public = stdout.trim();
    assert!(public.len() == 64 && public.bytes().all(|b| b.is_ascii_hexdigit()), "Discord's hex form: {stdout}");
    let path = home.path().join(".local/share/hookctl/keys/discord.key");
    let private = std::fs::read_to_string(&path).expect("the private key is written");
    assert!(private.starts_with("-----BEGIN PRIVATE KEY-----"), "PKCS#8 PEM");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("file").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "owner-only");
    }
    let body = private.lines().nth(1).expect("a base64 line");
    assert!(!stdout.contains(body) && !stderr.contains(body), "the private key is never printed: {stderr}");
    assert!(stderr.contains("discord.key (mode 0600)") && stderr.contains("DISCORD_PUBLIC_KEY"), "{stderr}");

    // An existing key is kept unless --force.
    let (_, stderr) = in_home(&home, &["keys", "generate", "discord"]).code(2);
    assert!(stderr.contains("exists") && stderr.contains("--force"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).expect("file"), private, "untouched");
    let replaced = in_home(&home, &["keys", "generate", "discord", "--force"]).ok();
    assert_ne!(replaced.trim(), public, "a new pair");

    // The other providers' public forms, and --json.
    let stdout = in_home(&home, &["keys", "generate", "sendgrid", "--json"]).ok();
    let generated: Value = serde_json::from_str(&stdout).expect("JSON");
    let shown = generated["public_key"].as_str().expect("public key");
    assert!(shown.starts_with("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"), "base64 SPKI of a P-256 key: {shown}");
    assert_eq!(generated["algorithm"], "ECDSA P-256/SHA-256");
    let stdout = in_home(&home, &["keys", "generate", "standard-webhooks-v1a"]).ok();
    assert!(stdout.starts_with("whpk_"), "{stdout}");
    let written = home.path().join(".local/share/hookctl/keys/standard-webhooks-v1a.key");
    assert!(std::fs::read_to_string(written).expect("written").starts_with("whsk_"));

    // A provider with a shared secret, or none, has no key pair.
    let (_, stderr) = in_home(&home, &["keys", "generate", "github"]).code(2);
    assert!(stderr.contains("github signs with HMAC-SHA256, a secret both sides share"), "{stderr}");
    assert!(stderr.contains("GITHUB_WEBHOOK_SECRET"), "{stderr}");
    let (_, stderr) = in_home(&home, &["keys", "generate", "agio"]).code(2);
    assert!(stderr.contains("agio does not sign its deliveries"), "{stderr}");
    let (_, stderr) = in_home(&home, &["keys", "generate", "discrod"]).code(2);
    assert!(stderr.contains("discord"), "did you mean: {stderr}");
}

#[test]
fn send_signs_with_the_generated_key_and_its_printed_public_key_verifies_it() {
    let home = tempfile::tempdir().expect("home");
    let public = in_home(&home, &["keys", "generate", "discord"]).ok();
    let key = discord_public_key(public.trim());
    let server = TestServer::start();
    let (_, stderr) = in_home(&home, &["send", "discord", "application_command", "--to", &server.to()]).code(0);
    assert!(stderr.contains("test key") && stderr.contains("discord.key"), "says which key signed: {stderr}");
    let request = &server.requests()[0];
    let timestamp = request.header("X-Signature-Timestamp").expect("timestamp");
    let signature: [u8; 64] =
        hex::decode(request.header("X-Signature-Ed25519").expect("signature")).expect("hex").try_into().expect("64");
    let message = [timestamp.as_bytes(), &request.body].concat();
    let signature = ed25519_dalek::Signature::from_bytes(&signature);
    assert!(key.verify(&message, &signature).is_ok(), "the printed public key verifies what was sent");
    let tampered = [timestamp.as_bytes(), &request.body, b" "].concat();
    assert!(key.verify(&tampered, &signature).is_err());

    // The public key in the app's variable cannot sign; the test key does, and hookctl says so.
    let (_, stderr) = in_home(&home, &["send", "discord", "ping", "--to", &server.to()])
        .env("DISCORD_PUBLIC_KEY", public.trim())
        .code(0);
    assert!(stderr.contains("env DISCORD_PUBLIC_KEY holds discord's public key, which cannot sign"), "{stderr}");
    let (_, stderr) = hookctl(&["sign", "discord", "--event", "ping"]).env("DISCORD_PUBLIC_KEY", public.trim()).code(2);
    assert!(
        stderr.contains("which verifies but cannot sign") && stderr.contains("hookctl keys generate discord"),
        "{stderr}"
    );
    let (_, stderr) = hookctl(&["sign", "discord", "--event", "ping"]).code(2);
    assert!(stderr.contains("no private key to sign for discord") && stderr.contains("keys generate"), "{stderr}");
}

#[test]
fn verify_names_what_a_public_key_can_tell() {
    let home = tempfile::tempdir().expect("home");
    let public = in_home(&home, &["keys", "generate", "discord"]).ok();
    let other = in_home(&home, &["keys", "generate", "discord", "--out", "other.key"]).ok();
    let capture = in_home(&home, &["sign", "discord", "--event", "modal_submit", "--json"]).ok();
    let verify = |key: &str, capture: &str, code: i32| {
        let stdout = hookctl(&["verify", "capture.json", "--json"])
            .file("capture.json", capture)
            .env("DISCORD_PUBLIC_KEY", key)
            .code(code)
            .0;
        serde_json::from_str::<Value>(&stdout).expect("JSON")
    };
    let verdict = verify(public.trim(), &capture, 0);
    assert_eq!(verdict["provider"], "discord", "detected by its header: {verdict}");
    assert_eq!(verdict["verdict"], "valid", "{verdict}");

    let verdict = verify(other.trim(), &capture, 3);
    assert_eq!(verdict["verdict"], "mismatch", "{verdict}");
    assert!(verdict["diagnosis"].as_array().is_none_or(Vec::is_empty), "no cause is guessed: {verdict}");

    let mut changed: Value = serde_json::from_str(&capture).expect("JSON");
    changed["body"] = Value::from(format!("{}\n", changed["body"].as_str().expect("body")));
    let verdict = verify(public.trim(), &changed.to_string(), 3);
    let codes: Vec<&str> =
        verdict["diagnosis"].as_array().expect("named").iter().filter_map(|f| f["code"].as_str()).collect();
    assert_eq!(codes, ["trailing-newline-added"], "{verdict}");

    // A key that is no key is the user's mistake, said as such: never a verdict about the request.
    let (stdout, stderr) = hookctl(&["verify", "capture.json"])
        .file("capture.json", &capture)
        .env("DISCORD_PUBLIC_KEY", "not-a-key")
        .code(2);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("env DISCORD_PUBLIC_KEY: the key given is not a usable Ed25519 key"), "{stderr}");
    assert!(!stderr.contains("not-a-key"), "the value is not repeated: {stderr}");
    // HOOKCTL_SECRET, which serves every provider, is not taken for a key when it is none.
    let (stdout, _) = hookctl(&["verify", "capture.json"])
        .file("capture.json", &capture)
        .env("HOOKCTL_SECRET", "x")
        .without_env("DISCORD_PUBLIC_KEY")
        .code(0);
    assert!(stdout.contains("not checked: no public key given"), "{stdout}");
}

#[test]
fn listen_answers_discords_ping_and_checks_interactions_with_the_public_key() {
    let home = tempfile::tempdir().expect("home");
    let public = in_home(&home, &["keys", "generate", "discord"]).ok();
    let listening = listen_with_env(&["--json"], &[("DISCORD_PUBLIC_KEY", public.trim())]);
    let stdout = in_home(&home, &["send", "discord", "ping", "--to", &listening.to(), "--json"]).ok();
    let delivery: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(delivery["status"], 200, "{stdout}");
    assert_eq!(delivery["response_body"], r#"{"type":1}"#, "the PONG: {stdout}");
    let stdout = in_home(&home, &["send", "discord", "application_command", "--to", &listening.to(), "--json"]).ok();
    let delivery: Value = serde_json::from_str(stdout.lines().next().expect("a line")).expect("JSON");
    assert_eq!(delivery["response_body"], r#"{"type":5}"#, "the documented deferred answer: {stdout}");

    // Signed with another key: the listener's verdict is a mismatch.
    let stranger = tempfile::tempdir().expect("home");
    in_home(&stranger, &["keys", "generate", "discord"]).ok();
    in_home(&stranger, &["send", "discord", "message_component", "--to", &listening.to()]).ok();
    let lines = listening.wait_lines(3);
    let verdicts: Vec<String> = lines
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).expect("NDJSON")["signature"]["verdict"].to_string())
        .collect();
    assert_eq!(verdicts, [r#""valid""#, r#""valid""#, r#""mismatch""#], "{lines:#?}");
}

#[test]
fn sendgrid_and_standard_webhooks_v1a_sign_and_verify_with_their_pairs() {
    for (provider, env, event, header) in [
        ("sendgrid", "SENDGRID_WEBHOOK_VERIFICATION_KEY", "delivered", "X-Twilio-Email-Event-Webhook-Signature"),
        ("standard-webhooks-v1a", "STANDARD_WEBHOOKS_PUBLIC_KEY", "invoice.paid", "webhook-signature"),
    ] {
        let home = tempfile::tempdir().expect("home");
        let public = in_home(&home, &["keys", "generate", provider]).ok();
        let capture = in_home(&home, &["sign", provider, "--event", event, "--json"]).ok();
        let signed: Value = serde_json::from_str(&capture).expect("JSON");
        let signature = signed["headers"]
            .as_array()
            .expect("pairs")
            .iter()
            .find(|pair| pair[0] == header)
            .and_then(|pair| pair[1].as_str())
            .expect("signed")
            .to_owned();
        if provider == "standard-webhooks-v1a" {
            assert!(signature.starts_with("v1a,"), "{signature}");
        }
        let stdout = hookctl(&["verify", "capture.json", "--json"])
            .file("capture.json", &capture)
            .env(env, public.trim())
            .code(0)
            .0;
        let verdict: Value = serde_json::from_str(&stdout).expect("JSON");
        assert_eq!(
            (verdict["provider"].as_str(), verdict["verdict"].as_str()),
            (Some(provider), Some("valid")),
            "{verdict}"
        );
    }
}
