//! Every JSON payload example in the provider documents validates against the event hookctl identifies for it:
//! constraints hookctl infers are warnings, never violations.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::*;

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/provider-docs-examples")
}

/// The documented answers (VerifyNow's success and error bodies): JSON in the documents, but no payload.
const ANSWERS: [&str; 2] = ["001-verifynow-4.json", "001-verifynow-5.json"];

#[test]
fn every_documented_payload_validates_against_its_event() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("examples")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 11, "{files:?}");
    let mut warned = Vec::new();
    for file in &files {
        let name = file.file_name().expect("name").to_string_lossy().into_owned();
        let provider = name.split('-').nth(1).expect("NNN-PROVIDER-K.json");
        let body = std::fs::read(file).expect("read");
        // No signature header: the verdict is "missing-signature"; the payload is what this test reads.
        let output = hookctl(&["verify", "--body", "body.json", "--provider", provider, "--json"])
            .file("body.json", &body)
            .output();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let verdict: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{name}: {e}: {stdout}"));
        let payload = &verdict["payload"];
        if ANSWERS.contains(&name.as_str()) {
            assert_eq!(payload["status"], "untyped", "{name} is an answer, not a payload: {payload}");
            continue;
        }
        assert_eq!(payload["status"], "valid", "{name}: {payload}");
        if payload.get("warnings").is_some() {
            warned.push(name);
        }
    }
    // PayQI's example has placeholder values ("rTest123...", "ABC123..."): warned about, still valid.
    assert_eq!(warned, ["004-payqi-1.json"]);
}

#[test]
fn an_inferred_constraint_is_a_warning_that_never_changes_the_exit_code() {
    let body = std::fs::read(examples_dir().join("004-payqi-1.json")).expect("read");
    let capture =
        hookctl(&["sign", "payqi", "body.json", "--json"]).file("body.json", &body).env("HOOKCTL_SECRET", SECRET).ok();
    let (stdout, _) = hookctl(&["verify", "c.json"]).file("c.json", &capture).env("HOOKCTL_SECRET", SECRET).code(0);
    assert!(stdout.contains("✓ VALID"), "{stdout}");
    assert!(stdout.contains("warning: /data/pay_address does not look like an XRP address"), "{stdout}");
}

/// The JSON objects in a document's code blocks, in order.
fn json_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("```") {
        let after = &rest[open + 3..];
        let Some(line_end) = after.find('\n') else { break };
        let body = &after[line_end + 1..];
        let Some(close) = body.find("```") else { break };
        let block = &body[..close];
        if serde_json::from_str::<Value>(block).is_ok_and(|v| v.is_object()) {
            blocks.push(block.to_owned());
        }
        rest = &body[close + 3..];
    }
    blocks
}

#[test]
fn the_examples_are_still_the_documents_own() {
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/provider-docs");
    let Ok(entries) = std::fs::read_dir(&docs) else {
        // A clone without the documents beside it checks the committed copies only (the test above).
        eprintln!("{} is not here: the copies were checked as committed", docs.display());
        return;
    };
    let mut documents: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('0')))
        .collect();
    documents.sort();
    let mut expected = Vec::new();
    for document in documents {
        let number = &document.file_name().expect("name").to_string_lossy()[..3];
        let text = std::fs::read_to_string(&document).expect("read");
        for (k, block) in json_blocks(&text).into_iter().enumerate() {
            expected.push((number.to_owned(), k + 1, block));
        }
    }
    assert_eq!(expected.len(), 11);
    for (number, k, block) in expected {
        let copy = std::fs::read_dir(examples_dir())
            .expect("examples")
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                let name = p.file_name().expect("name").to_string_lossy().into_owned();
                name.starts_with(&format!("{number}-")) && name.ends_with(&format!("-{k}.json"))
            })
            .unwrap_or_else(|| panic!("no copy of document {number}'s JSON example {k}"));
        assert_eq!(std::fs::read_to_string(&copy).expect("read"), block, "{}", copy.display());
    }
}

#[test]
fn agio_has_a_variant_per_documented_review_status_and_one_with_every_field() {
    let listed = hookctl(&["fixtures", "agio"]).ok();
    for status in ["init", "pending", "prechecked", "queued", "onHold"] {
        let variant = format!("applicantReviewed:{status}");
        assert!(listed.contains(&variant), "{listed}");
        let payload: Value = serde_json::from_str(&hookctl(&["fixtures", "agio", &variant]).ok()).expect("JSON");
        assert_eq!(payload["reviewStatus"], status);
        assert_eq!(payload["reviewApproved"], false, "{status}: not in a final approval state");
        assert!(payload.get("reviewResult").is_none(), "{status}: a reviewResult comes once completed");
        let capture = hookctl(&["sign", "agio", "--event", &variant, "--json"]).ok();
        let (stdout, _) = hookctl(&["verify", "c.json"]).file("c.json", &capture).code(0);
        assert!(stdout.contains("matches the applicantReviewed schema"), "{variant}: {stdout}");
    }
    let every: Value =
        serde_json::from_str(&hookctl(&["fixtures", "agio", "applicantReviewed:every_field"]).ok()).expect("JSON");
    for field in [
        "WebhookPayloadId",
        "applicantActionId",
        "applicantId",
        "applicantMemberOf",
        "applicantType",
        "clientId",
        "inspectionId",
        "correlationId",
        "externalApplicantActionId",
        "externalUserId",
        "levelName",
        "reviewApproved",
        "sourceKey",
        "sandboxMode",
        "type",
        "reviewResult",
        "reviewStatus",
        "createdAt",
        "videoIdentReviewStatus",
    ] {
        assert!(every.get(field).is_some(), "every_field lacks {field}");
    }
}

#[test]
fn providers_marks_what_hookctl_assumed_and_lists_every_source() {
    let shown = hookctl(&["providers", "complycube"]).ok();
    let line = |label: &str| shown.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("{label}: {shown}"));
    assert!(line("Retries").ends_with("[assumed]") && line("Timeout").ends_with("[assumed]"), "{shown}");
    assert!(line("Signature").ends_with("[assumed]"), "the hex encoding is assumed: {shown}");
    assert!(!line("Routes").contains("[assumed]") && !line("Header").contains("[assumed]"), "{shown}");
    assert!(
        shown.contains("signature.aliases       sdk       ComplyCube's own SDKs read ComplyCube-Signature"),
        "{shown}"
    );

    let model: Value = serde_json::from_str(&hookctl(&["providers", "complycube", "--json"]).ok()).expect("JSON");
    let sources = model["sources"].as_array().expect("sources");
    let retry = sources.iter().find(|s| s["fact"] == "delivery.retry").expect("delivery.retry");
    assert_eq!(retry["kind"], "assumed");
    for name in ["verifynow", "payvost", "payqi", "agio"] {
        let model: Value = serde_json::from_str(&hookctl(&["providers", name, "--json"]).ok()).expect("JSON");
        assert!(model["sources"].as_array().is_some_and(|s| !s.is_empty()), "{name} records its sources");
    }

    // A fact the model does not have, or a source of no kind, is an error in the provider file.
    let toml = "name = \"acme\"\n[signature]\nalgorithm = \"none\"\n[envelope]\ntype = \"/type\"\n[sources]\n";
    let (_, stderr) = hookctl(&["providers", "acme", "--providers", "mine"])
        .file("mine/acme/provider.toml", format!("{toml}retries = \"assumed: x\"\n"))
        .code(1);
    assert!(stderr.contains("`retries` is not a fact of the model"), "{stderr}");
    let (_, stderr) = hookctl(&["providers", "acme", "--providers", "mine"])
        .file("mine/acme/provider.toml", format!("{toml}routes = \"because\"\n"))
        .code(1);
    assert!(stderr.contains("must start with `document:`, `sdk:` or `assumed:`"), "{stderr}");
}
