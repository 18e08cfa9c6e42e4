//! Secret rotation: verify and listen accept any of several secrets and say which matched; a scheme whose header
//! carries several signatures signs with each, so a rotation can be rehearsed against the user's endpoint.

use serde_json::Value;

use crate::common::*;

const OLD: &str = "whsec_b2xkLXNlY3JldC1vbGQtc2VjcmV0LW9sZA==";
const NEW: &str = "whsec_bmV3LXNlY3JldC1uZXctc2VjcmV0LW5ldw==";

#[test]
fn verify_with_two_secrets_says_which_matched() {
    let capture = hookctl(&["sign", "payvost", "--event", "payment.created", "--json"]).env("HOOKCTL_SECRET", NEW).ok();
    let (stdout, stderr) = hookctl(&["verify", "c.json", "--secret-file", "secrets.txt"])
        .file("c.json", &capture)
        .file("secrets.txt", format!("{OLD}\n{NEW}\n"))
        .code(0);
    assert!(
        stdout.contains("✓ VALID") && stdout.contains("matches (Payvost-Signature), the 2nd of 2 secrets"),
        "{stdout}"
    );
    assert!(
        stderr.contains("payvost secret 1: --secret-file secrets.txt") && stderr.contains("payvost secret 2:"),
        "{stderr}"
    );

    let (stdout, _) =
        hookctl(&["verify", "c.json", "--json", "--secret", OLD, "--secret", NEW]).file("c.json", &capture).code(0);
    let verdict: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(verdict["secret_matched"], serde_json::json!({"index": 2, "of": 2}));

    // Neither: a mismatch that says how many were tried.
    let (stdout, _) =
        hookctl(&["verify", "c.json", "--secret", OLD, "--secret", "third"]).file("c.json", &capture).code(3);
    assert!(stdout.contains("does not match any of the 2 secrets"), "{stdout}");
}

/// The signatures in a Stripe-Signature header.
fn v1_count(request: &Captured) -> usize {
    request.header("Stripe-Signature").expect("signed").split(',').filter(|p| p.starts_with("v1=")).count()
}

#[test]
fn a_rotation_rehearsed_old_then_both_then_new_against_a_receiver_holding_both() {
    let listening = listen(&["--json", "--secret", &format!("stripe={OLD}"), "--secret", &format!("stripe={NEW}")]);
    let server = TestServer::start();
    for (step, secrets) in [("old", vec![OLD]), ("both", vec![OLD, NEW]), ("new", vec![NEW])] {
        let file = secrets.join("\n");
        for to in [listening.to(), server.to()] {
            hookctl(&["send", "stripe", "payment_intent.succeeded", "--to", &to, "--secret-file", "s.txt"])
                .file("s.txt", &file)
                .code(0);
        }
        let sent = server.requests();
        assert_eq!(v1_count(sent.last().expect("sent")), secrets.len(), "{step}");
    }
    let lines = listening.wait_lines(3);
    let events: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).expect("NDJSON")).collect();
    for (event, matched) in
        events.iter().zip(["with the 1st of 2 secrets", "with the 1st of 2 secrets", "with the 2nd of 2 secrets"])
    {
        assert_eq!(event["signature"]["verdict"], "valid", "{event}");
        assert!(event["signature"]["detail"].as_str().is_some_and(|d| d.contains(matched)), "{event}");
    }
}

#[test]
fn a_profile_lists_a_rotations_secrets() {
    let config = "[profiles.rotating.secrets]\nstripe = [\"env:OLD_STRIPE\", \"env:NEW_STRIPE\"]\n";
    let (stdout, stderr) = hookctl(&["sign", "stripe", "body.json", "--profile", "rotating"])
        .file("hookctl.toml", config)
        .file("body.json", "{}")
        .env("OLD_STRIPE", OLD)
        .env("NEW_STRIPE", NEW)
        .code(0);
    assert_eq!(header(&stdout, "Stripe-Signature").matches("v1=").count(), 2, "{stdout}");
    assert!(stderr.contains("stripe secret 2: profile rotating (env OLD_STRIPE, env NEW_STRIPE)"), "{stderr}");

    // A scheme with one signature per header signs with the first and says so.
    let (stdout, stderr) =
        hookctl(&["sign", "payvost", "body.json", "--secret", "a", "--secret", "b"]).file("body.json", "{}").code(0);
    assert_eq!(header(&stdout, "Payvost-Signature"), hmac_sha256_hex(b"a", b"{}"));
    assert!(stderr.contains("carries one signature: signed with the 1st of 2 secrets only"), "{stderr}");
}

/// Persona signs with both secrets during a rotation, as two space-separated `t=…,v1=…` groups: either secret
/// alone verifies it, and the verdict names which.
#[test]
fn persona_sends_one_group_per_secret_during_a_rotation() {
    let args = [
        "sign",
        "persona",
        "--event",
        "inquiry.approved",
        "--json",
        "--secret",
        "wbhsec_old",
        "--secret",
        "wbhsec_new",
    ];
    let stdout = hookctl(&args).ok();
    let capture: Value = serde_json::from_str(&stdout).expect("sign --json");
    let header = capture["headers"]
        .as_array()
        .expect("pairs")
        .iter()
        .find(|p| p[0] == "Persona-Signature")
        .and_then(|p| p[1].as_str())
        .expect("signed")
        .to_owned();
    let groups: Vec<&str> = header.split(' ').collect();
    assert_eq!(groups.len(), 2, "{header}");
    assert!(groups.iter().all(|g| g.starts_with("t=") && g.contains(",v1=")), "{header}");
    for secret in ["wbhsec_new", "wbhsec_old"] {
        let (stdout, _) = hookctl(&["verify", "c.json", "--json"])
            .file("c.json", capture.to_string())
            .env("PERSONA_WEBHOOK_SECRET", secret)
            .code(0);
        assert!(stdout.contains("\"verdict\":\"valid\""), "{secret}: {stdout}");
    }
}
