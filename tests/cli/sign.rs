//! sign: public vectors, secrets and their sources.

use serde_json::Value;

use crate::common::*;

#[test]
fn sign_standard_webhooks_public_vector() {
    let stdout = hookctl(&[
        "sign",
        "standard-webhooks",
        "--secret",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "--id",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "--timestamp",
        "1614265330",
        "body.json",
    ])
    .file("body.json", r#"{"test": 2432232314}"#)
    .ok();
    assert!(
        stdout.lines().any(|l| l == "webhook-signature: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
        "{stdout}"
    );
    assert_eq!(header(&stdout, "webhook-id"), "msg_p5jXN8AQM9LWM0D4loKWxJek");
    assert_eq!(header(&stdout, "webhook-timestamp"), "1614265330");
}

#[test]
fn sign_github_public_vector_from_stdin() {
    let stdout = hookctl(&["sign", "github", "-", "--event", "push"])
        .env("GITHUB_WEBHOOK_SECRET", "It's a Secret to Everybody")
        .stdin("Hello, World!")
        .ok();
    assert_eq!(
        header(&stdout, "X-Hub-Signature-256"),
        "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    );
    assert_eq!(header(&stdout, "X-GitHub-Event"), "push");
}

#[test]
fn sign_payqi_event_prints_signature_and_timestamp_over_the_printed_body() {
    let (stdout, stderr) = hookctl(&["sign", "payqi", "--event", "payment.completed", "--secret", "s"]).code(0);
    let signature = header(&stdout, "X-PayQI-Signature");
    assert!(signature.len() == 64 && signature.chars().all(|c| c.is_ascii_hexdigit()), "{signature}");
    let timestamp: i64 = header(&stdout, "X-PayQI-Timestamp").parse().expect("unix seconds");
    assert!((timestamp - chrono::Utc::now().timestamp()).abs() < 60);
    let body = stdout.split_once("\n\n").expect("a blank line before the body").1.trim_end_matches('\n');
    assert_eq!(signature, hmac_sha256_hex(b"s", body.as_bytes()), "the signature covers the printed body");
    let payload: Value = serde_json::from_str(body).expect("JSON body");
    assert_eq!(payload["type"], "payment.completed");
    assert!(payload["created"].is_i64(), "unix time as a number");
    assert!(stderr.contains("--secret is visible") && stderr.contains("PAYQI_WEBHOOK_SECRET"), "{stderr}");
}

#[test]
fn sign_verifynow_sends_signature_and_api_key() {
    let stdout = hookctl(&["sign", "verifynow", "--event", "verification.completed"])
        .env("VERIFYNOW_WEBHOOK_SECRET", "vsecret")
        .env("VERIFYNOW_API_KEY", "key-123")
        .ok();
    assert_eq!(header(&stdout, "Authorization"), "api-key key-123");
    let body = stdout.split_once("\n\n").expect("body").1.trim_end_matches('\n');
    assert_eq!(header(&stdout, "X-Webhook-Signature"), hmac_sha256_hex(b"vsecret", body.as_bytes()));
}

#[test]
fn sign_json_is_the_request_json() {
    let stdout =
        hookctl(&["sign", "stripe", "--event", "payment_intent.succeeded", "--timestamp", "1700000000", "--json"])
            .env("STRIPE_WEBHOOK_SECRET", "whsec_abc")
            .ok();
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(json["provider"], "stripe");
    assert_eq!(json["method"], "POST");
    assert_eq!(json["target"], "/webhooks/stripe");
    let body = json["body"].as_str().expect("text body");
    assert!(body.contains("\n  \"id\""), "Stripe sends pretty JSON: {body}");
    let signature = json["headers"]
        .as_array()
        .expect("pairs")
        .iter()
        .find(|pair| pair[0] == "Stripe-Signature")
        .and_then(|pair| pair[1].as_str())
        .expect("Stripe-Signature");
    let expected = hmac_sha256_hex(b"whsec_abc", format!("1700000000.{body}").as_bytes());
    assert_eq!(signature, format!("t=1700000000,v1={expected}"));
}

#[test]
fn a_missing_secret_off_a_terminal_names_the_flag_and_env_var() {
    let (stdout, stderr) = hookctl(&["sign", "payvost", "--event", "payment.succeeded"]).code(2);
    assert!(stdout.is_empty());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--secret") && stderr.contains("PAYVOST_WEBHOOK_SECRET"), "{stderr}");
}

#[test]
fn secret_sources_in_order() {
    // The documents' WEBHOOK_SECRET is Payvost's fallback; HOOKCTL_SECRET comes after it.
    let body = "{}";
    let stdout = hookctl(&["sign", "payvost", "body.json"])
        .file("body.json", body)
        .env("WEBHOOK_SECRET", "a")
        .env("HOOKCTL_SECRET", "b")
        .ok();
    assert_eq!(header(&stdout, "Payvost-Signature"), hmac_sha256_hex(b"a", body.as_bytes()));
    let stdout = hookctl(&["sign", "payvost", "body.json", "--secret-file", "secret.txt"])
        .file("body.json", body)
        .file("secret.txt", "from-file\n")
        .env("WEBHOOK_SECRET", "a")
        .ok();
    assert_eq!(header(&stdout, "Payvost-Signature"), hmac_sha256_hex(b"from-file", body.as_bytes()));
}

#[test]
fn a_profile_supplies_secrets() {
    let config = "[profiles.staging]\nurl = \"https://staging.example.com\"\n\
                  credentials = { verifynow = { api-key = \"file:key.txt\" } }\n\
                  [profiles.staging.secrets]\npayvost = \"env:STAGING_PAYVOST\"\nverifynow = \"literal-secret\"\n";
    let stdout = hookctl(&["sign", "payvost", "body.json", "--profile", "staging"])
        .file("hookctl.toml", config)
        .file("body.json", "{}")
        .env("STAGING_PAYVOST", "staging-secret")
        .ok();
    assert_eq!(header(&stdout, "Payvost-Signature"), hmac_sha256_hex(b"staging-secret", b"{}"));
    let stdout = hookctl(&["sign", "verifynow", "body.json", "--profile", "staging"])
        .file("hookctl.toml", config)
        .file("body.json", "{}")
        .file("key.txt", "k9\n")
        .ok();
    assert_eq!(header(&stdout, "Authorization"), "api-key k9");

    let (_, stderr) =
        hookctl(&["sign", "payvost", "body.json", "--profile", "stagin"]).file("hookctl.toml", config).code(2);
    assert!(stderr.contains("unknown profile `stagin`") && stderr.contains("did you mean `staging`"), "{stderr}");
}

#[test]
fn agio_is_unsigned_and_says_so() {
    let (stdout, stderr) = hookctl(&["sign", "agio", "--event", "kyt.wallet_status:clean_wallet"]).code(0);
    assert!(stderr.contains("does not sign"), "{stderr}");
    let body: Value = serde_json::from_str(stdout.split_once("\n\n").expect("body").1).expect("JSON");
    assert_eq!((body["status_id"].as_i64(), body["clean_wallet"].as_bool()), (Some(4), Some(true)));
}

#[test]
fn unreadable_files_and_bad_times_are_one_line_errors() {
    let (_, stderr) = hookctl(&["sign", "payvost", "missing.json", "--secret-file", "s"]).file("s", "x").code(1);
    assert!(stderr.contains("missing.json") && stderr.lines().count() == 1, "{stderr}");
    let (_, stderr) =
        hookctl(&["sign", "payvost", "--event", "payment.created", "--timestamp", "soon", "--secret-file", "s"])
            .file("s", "x")
            .code(2);
    assert!(stderr.contains("--timestamp") && stderr.contains("RFC 3339"), "{stderr}");
    let (_, stderr) = hookctl(&["sign", "payvost", "--secret-file", "s"]).file("s", "x").code(2);
    assert!(stderr.contains("nothing to sign"), "{stderr}");
}

#[test]
fn secrets_never_reach_output_or_errors() {
    let secret = "sk-distinctive-7f3a9c";
    let (stdout, stderr) = hookctl(&["sign", "standard-webhooks", "--event", "user.created", "--json"])
        .env("STANDARD_WEBHOOKS_SECRET", &format!("whsec_{secret}"))
        .code(2);
    // Not base64: the error explains without echoing the secret.
    assert!(stderr.contains("base64"), "{stderr}");
    assert!(!stdout.contains(secret) && !stderr.contains(secret), "{stdout}{stderr}");
    let (stdout, stderr) =
        hookctl(&["sign", "payvost", "--event", "payment.created"]).env("PAYVOST_WEBHOOK_SECRET", secret).code(0);
    assert!(!stdout.contains(secret) && !stderr.contains(secret));
}
