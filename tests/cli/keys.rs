//! Where secrets and credentials come from: a profile chosen for the run beats the environment, every command
//! that signs or verifies names each key's source with a fingerprint, and a credential removed when stored is
//! "not checkable", never a mismatch.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::*;

const STAGING: &str = "[profiles.staging]\n[profiles.staging.secrets]\npayvost = \"env:STAGING_PAYVOST_SECRET\"\n";

fn fingerprint(secret: &str) -> String {
    hex::encode(&Sha256::digest(secret.as_bytes())[..4])
}

#[test]
fn a_chosen_profile_beats_the_providers_env_var() {
    let server = TestServer::start();
    let (_, stderr) = hookctl(&["send", "payvost", "payment.succeeded", "--profile", "staging", "--to", &server.to()])
        .file("hookctl.toml", STAGING)
        .env("PAYVOST_WEBHOOK_SECRET", "a")
        .env("STAGING_PAYVOST_SECRET", "b")
        .code(0);
    let request = &server.requests()[0];
    let signature = request.header("Payvost-Signature").expect("signed");
    assert_eq!(signature, hmac_sha256_hex(b"b", &request.body), "signed with the profile's secret");
    let expected = format!("payvost secret: profile staging (env STAGING_PAYVOST_SECRET), sha256 {}", fingerprint("b"));
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!stderr.contains(&format!("sha256 {}", fingerprint("a"))), "{stderr}");

    // HOOKCTL_PROFILE chooses it too.
    let stdout = hookctl(&["sign", "payvost", "body.json"])
        .file("hookctl.toml", STAGING)
        .file("body.json", "{}")
        .env("HOOKCTL_PROFILE", "staging")
        .env("PAYVOST_WEBHOOK_SECRET", "a")
        .env("STAGING_PAYVOST_SECRET", "b")
        .ok();
    assert_eq!(header(&stdout, "Payvost-Signature"), hmac_sha256_hex(b"b", b"{}"));

    // A profile without this provider's secret leaves the env in charge, and says so.
    let (stdout, stderr) = hookctl(&["sign", "payqi", "body.json", "--profile", "staging"])
        .file("hookctl.toml", STAGING)
        .file("body.json", "{}")
        .env("PAYQI_WEBHOOK_SECRET", "q")
        .code(0);
    assert!(
        stderr.contains(&format!("payqi secret: env PAYQI_WEBHOOK_SECRET, sha256 {}", fingerprint("q"))),
        "{stderr}"
    );
    assert!(!stdout.is_empty());
}

#[test]
fn every_command_that_signs_or_verifies_names_its_sources() {
    let config = "[profiles.staging.credentials.verifynow]\napi-key = \"file:key.txt\"\n";
    let fp = fingerprint(SECRET);
    // sign --json carries the same as a field.
    let (stdout, stderr) =
        hookctl(&["sign", "verifynow", "--event", "verification.completed", "--json", "--profile", "staging"])
            .file("hookctl.toml", config)
            .file("key.txt", "k9\n")
            .env("HOOKCTL_SECRET", SECRET)
            .code(0);
    assert!(stderr.contains(&format!("verifynow secret: env HOOKCTL_SECRET, sha256 {fp}")), "{stderr}");
    assert!(
        stderr.contains(&format!("verifynow api-key: profile staging (file key.txt), sha256 {}", fingerprint("k9"))),
        "{stderr}"
    );
    let signed: Value = serde_json::from_str(&stdout).expect("sign --json");
    assert_eq!(signed["keys"][0]["source"], "env HOOKCTL_SECRET");
    assert_eq!(signed["keys"][0]["sha256"], fp.as_str());
    assert_eq!(signed["keys"][1]["key"], "api-key");

    // verify --json, with a secret from --secret-file.
    let (stdout, stderr) = hookctl(&["verify", "c.json", "--json", "--secret-file", "s.txt"])
        .file("c.json", &stdout)
        .file("s.txt", format!("{SECRET}\n"))
        .code(0);
    assert!(stderr.contains(&format!("verifynow secret: --secret-file s.txt, sha256 {fp}")), "{stderr}");
    let verdict: Value = serde_json::from_str(&stdout).expect("verify --json");
    assert_eq!(verdict["keys"][0]["source"], "--secret-file s.txt");

    // send --json: the summary object.
    let server = TestServer::start();
    let (stdout, stderr) = hookctl(&["send", "payqi", "payment.completed", "--to", &server.to(), "--json"])
        .env("PAYQI_WEBHOOK_SECRET", SECRET)
        .code(0);
    assert!(stderr.contains(&format!("payqi secret: env PAYQI_WEBHOOK_SECRET, sha256 {fp}")), "{stderr}");
    let summary: Value = serde_json::from_str(stdout.lines().last().expect("summary")).expect("JSON");
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["keys"][0]["provider"], "payqi");
    assert_eq!(summary["keys"][0]["sha256"], fp.as_str());
    // Never the value itself.
    assert!(!stderr.contains(SECRET) && !stdout.contains(SECRET));
}

/// A listener whose store holds one VerifyNow delivery, its `Authorization` redacted.
fn a_stored_verifynow_delivery() -> Listening {
    let listening = listen_with_env(&[], &[("HOOKCTL_SECRET", SECRET), ("VERIFYNOW_API_KEY", "key-1")]);
    hookctl(&["send", "verifynow", "verification.completed", "--to", &listening.to()])
        .env("HOOKCTL_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-1")
        .ok();
    listening.wait_lines(1);
    listening
}

#[test]
fn a_credential_redacted_when_stored_is_not_checkable() {
    let listening = a_stored_verifynow_delivery();
    let store = listening.store.to_str().expect("UTF-8");
    let (stdout, _) = hookctl(&["verify", "--event", "1", "--store", store, "--json"])
        .env("HOOKCTL_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-1")
        .code(0);
    let verdict: Value = serde_json::from_str(&stdout).expect("verify --json");
    assert_eq!(verdict["verdict"], "valid", "{verdict}");
    let check = verdict["checks"].as_array().expect("checks").iter().find(|c| c["name"] == "credential api-key");
    let check = check.expect("a credential check");
    assert_eq!(check["status"], "skip", "{check}");
    assert!(check["detail"].as_str().is_some_and(|d| d.contains("redacted when stored")), "{check}");

    // The raw form of the stored event, read back, says the same.
    let raw = hookctl(&["events", "show", "1", "--raw", "--store", store]).ok();
    let (stdout, _) =
        hookctl(&["verify", "-"]).stdin(raw).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1").code(0);
    assert!(stdout.contains("not checkable (redacted when stored)"), "{stdout}");
}

#[test]
fn verify_without_a_secret_gives_the_partial_verdict() {
    let capture =
        hookctl(&["sign", "payqi", "--event", "payment.completed", "--json"]).env("HOOKCTL_SECRET", SECRET).ok();

    let (stdout, stderr) = hookctl(&["verify", "c.json"]).file("c.json", &capture).code(0);
    assert!(stdout.contains("NOT CHECKED"), "{stdout}");
    assert!(stdout.contains("timestamp") && stdout.contains("s old, within 300s"), "{stdout}");
    assert!(stdout.contains("matches the payment.completed schema"), "{stdout}");
    assert!(stdout.contains("PAYQI_WEBHOOK_SECRET"), "the hint names the env var: {stdout}");
    assert!(stderr.contains("payqi secret: none found"), "{stderr}");
    assert!(!stdout.contains("most likely not the one"), "{stdout}");

    let (stdout, _) = hookctl(&["verify", "c.json", "--json"]).file("c.json", &capture).code(0);
    let verdict: Value = serde_json::from_str(&stdout).expect("verify --json");
    assert_eq!(verdict["verdict"], "unchecked");
    assert_eq!(verdict["payload"]["status"], "valid");

    // What was checked still fails: a stale timestamp exits 3 with no secret given.
    let (stdout, _) = hookctl(&["verify", "c.json", "--at", "2099-01-01T00:00:00Z"]).file("c.json", &capture).code(3);
    assert!(stdout.contains("old (tolerance 300s)"), "{stdout}");
}

#[test]
fn a_verbatim_replay_sends_the_runs_credential_for_a_redacted_one() {
    let listening = a_stored_verifynow_delivery();
    let store = listening.store.to_str().expect("UTF-8");

    let server = TestServer::start();
    let (_, stderr) = hookctl(&["replay", "1", "--verbatim", "--to", &server.to(), "--store", store])
        .env("VERIFYNOW_API_KEY", "key-2")
        .code(0);
    assert!(stderr.contains("verifynow api-key: env VERIFYNOW_API_KEY"), "{stderr}");
    assert_eq!(server.requests()[0].header("Authorization").as_deref(), Some("api-key key-2"));

    // Without one it says what goes out.
    let (_, stderr) = hookctl(&["replay", "1", "--verbatim", "--to", &server.to(), "--store", store]).code(0);
    assert!(stderr.contains("stored redacted"), "{stderr}");
    assert_eq!(server.requests()[1].header("Authorization").as_deref(), Some("(redacted)"));
}

#[test]
fn events_import_names_the_keys_it_verified_with_once() {
    let one = hookctl(&["sign", "payvost", "--event", "payment.created", "--json"]).env("HOOKCTL_SECRET", SECRET).ok();
    let two = hookctl(&["sign", "payvost", "--event", "payment.failed", "--json"]).env("HOOKCTL_SECRET", SECRET).ok();
    let dir = tempfile::tempdir().expect("dir");
    let store = dir.path().join("events.db");
    let (_, stderr) = hookctl(&["events", "import", "day.jsonl", "--store", store.to_str().expect("UTF-8")])
        .file("day.jsonl", format!("{one}{two}"))
        .env("HOOKCTL_SECRET", SECRET)
        .code(0);
    let line = format!("payvost secret: env HOOKCTL_SECRET, sha256 {}", fingerprint(SECRET));
    assert_eq!(stderr.matches(&line).count(), 1, "{stderr}");
}
