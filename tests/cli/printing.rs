//! What the commands print: exact fixture bytes, aligned columns, rounded numbers, plain wording, and a
//! confirmation before the store is emptied.

use serde_json::Value;

use crate::common::*;
use crate::terminal::on_terminal;

#[test]
fn fixtures_print_the_bytes_the_provider_sends() {
    let stdout = hookctl(&["fixtures", "payvost", "payment.succeeded"]).ok();
    let value: Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(stdout, serde_json::to_string(&value).expect("compact"), "compact, with no final newline");
    // Piped into sign, it signs what the provider would have signed.
    let signed =
        hookctl(&["sign", "payvost", "-", "--secret-file", "s.txt"]).file("s.txt", "k").stdin(stdout.clone()).ok();
    assert_eq!(header(&signed, "Payvost-Signature"), hmac_sha256_hex(b"k", stdout.as_bytes()));

    let form = hookctl(&["fixtures", "slack", "slash_command"]).ok();
    assert!(form.starts_with("token=") && form.contains("&command="), "Slack sends a form: {form}");

    let pretty = hookctl(&["fixtures", "payvost", "payment.succeeded", "--pretty"]).ok();
    assert!(pretty.starts_with("{\n  \"id\"") && pretty.ends_with("}\n"), "{pretty}");
}

/// Imports requests signed with SECRET into a new store; returns the store's folder and path.
fn store_with(requests: &[(&str, &str)]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db").to_str().expect("UTF-8").to_owned();
    let mut lines = String::new();
    for (provider, event) in requests {
        lines.push_str(&hookctl(&["sign", provider, "--event", event, "--json"]).env("HOOKCTL_SECRET", SECRET).ok());
    }
    hookctl(&["events", "import", "-", "--store", &store]).stdin(lines).env("HOOKCTL_SECRET", SECRET).ok();
    (dir, store)
}

/// The character column where `needle` starts on each line.
fn columns(lines: &[String], needle: char) -> Vec<Option<usize>> {
    lines.iter().map(|l| l.chars().position(|c| c == needle)).collect()
}

#[test]
fn events_list_and_show_read_plainly() {
    let (_dir, store) = store_with(&[("payvost", "payment.succeeded"), ("standard-webhooks", "user.created")]);
    let listed: Vec<String> = hookctl(&["events", "list", "--store", &store]).ok().lines().map(str::to_owned).collect();
    assert_eq!(listed.len(), 2, "{listed:#?}");
    let answers = columns(&listed, '→');
    assert!(answers[0].is_some() && answers[0] == answers[1], "answers in one column: {listed:#?}");
    let verdicts: Vec<Option<usize>> =
        listed.iter().map(|l| l.find(" valid").map(|b| l[..b].chars().count())).collect();
    assert!(verdicts[0].is_some() && verdicts[0] == verdicts[1], "verdicts in one column: {listed:#?}");

    let shown = hookctl(&["events", "show", "1", "--store", &store]).ok();
    let signature = shown.lines().find(|l| l.starts_with("Signature")).expect("a Signature row");
    assert_eq!(signature.split_whitespace().collect::<Vec<_>>(), ["Signature", "valid"], "{shown}");
}

#[test]
fn listen_lines_are_in_columns_and_json_times_are_rounded() {
    let listening = listen(&[]);
    for (provider, event) in [("payvost", "payment.succeeded"), ("standard-webhooks", "user.created")] {
        hookctl(&["send", provider, event, "--to", &listening.to()]).env("HOOKCTL_SECRET", SECRET).ok();
    }
    let lines = listening.wait_lines(2);
    for needle in ['→', '✓'] {
        let at = columns(&lines, needle);
        assert!(at[0].is_some() && at[0] == at[1], "`{needle}` in one column: {lines:#?}");
    }

    let listening = listen(&["--json"]);
    hookctl(&["send", "payvost", "payment.succeeded", "--to", &listening.to()]).env("HOOKCTL_SECRET", SECRET).ok();
    let line = &listening.wait_lines(1)[0];
    let handled = line.split("\"handled_ms\":").nth(1).expect("handled_ms").split([',', '}']).next().expect("a number");
    let decimals = handled.split('.').nth(1).map_or(0, str::len);
    assert!(decimals <= 3, "handled_ms to the microsecond: {handled}");
}

#[test]
fn the_progress_bar_rate_is_a_whole_number() {
    let server = TestServer::start();
    // 16 fixtures at 8 a second: the bar is drawn for two seconds.
    let screen = on_terminal(
        &format!("replay --fixtures payvost --to {} --rate 8 --concurrency 1", server.port),
        &[("HOOKCTL_SECRET", SECRET)],
        &[],
    );
    // The bar's redraws (the summary line after it is not the bar).
    let bar: Vec<&str> = screen.split(['\r', '\n']).filter(|l| l.contains(" eta ")).collect();
    let rates: Vec<&str> = bar
        .iter()
        .flat_map(|l| l.split("/s"))
        .filter_map(|before| before.rsplit(|c: char| !c.is_ascii_digit() && c != '.').next())
        .collect();
    let rates: Vec<&&str> = rates.iter().filter(|r| !r.is_empty()).collect();
    assert!(!rates.is_empty(), "the bar shows a rate: {screen}");
    assert!(rates.iter().all(|r| !r.contains('.')), "rounded: {rates:?}");
}

#[test]
fn delete_says_event_and_asks_before_deleting_everything() {
    let (_dir, store) =
        store_with(&[("payvost", "payment.succeeded"), ("payvost", "payment.failed"), ("payvost", "payment.created")]);
    let (_, stderr) = hookctl(&["events", "delete", "1", "--store", &store]).code(0);
    assert_eq!(stderr, "hookctl: deleted 1 event\n");

    // Off a terminal --all needs --yes, as gh's destructive commands do.
    let (_, stderr) = hookctl(&["events", "delete", "--all", "--store", &store]).code(2);
    assert!(stderr.contains("would delete all 2 events") && stderr.contains("pass --yes"), "{stderr}");
    // On a terminal it asks; "n" keeps them, "y" deletes them.
    let screen = on_terminal(&format!("events delete --all --store {store}"), &[], &["n"]);
    assert!(screen.contains("Delete all 2 events in") && screen.contains("nothing deleted"), "{screen}");
    assert_eq!(hookctl(&["events", "list", "--store", &store]).ok().lines().count(), 2);
    let screen = on_terminal(&format!("events delete --all --store {store}"), &[], &["y"]);
    assert!(screen.contains("deleted 2 events"), "{screen}");
    let (_, stderr) = hookctl(&["events", "delete", "--all", "--yes", "--store", &store]).code(0);
    assert_eq!(stderr, "hookctl: deleted 0 events\n");
}
