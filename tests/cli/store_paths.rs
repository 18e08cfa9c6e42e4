//! Store paths: only the commands that put events in a store create one; a read of a path that does not exist
//! is one clear line, and leaves no file or folder behind.

use crate::common::*;

#[test]
fn read_commands_on_a_missing_store_say_so_and_create_nothing() {
    let work = tempfile::tempdir().expect("temp");
    let typo = work.path().join("typo").join("x.db");
    let typo = typo.to_str().expect("UTF-8");
    let reads: [&[&str]; 7] = [
        &["events", "list"],
        &["events", "show", "1"],
        &["events", "export"],
        &["events", "delete", "1"],
        &["events", "delete", "--all"],
        &["verify", "--event", "1"],
        &["replay", "--last", "1", "--to", "9"],
    ];
    for args in reads {
        let (stdout, stderr) = hookctl(&[args, &["--store", typo]].concat()).env("HOOKCTL_SECRET", SECRET).code(2);
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(
            stderr.contains(&format!("no store at {typo}")) && stderr.contains("only `hookctl listen` and"),
            "{args:?}: {stderr}"
        );
        // The same through the environment.
        let (_, stderr) = hookctl(args).env("HOOKCTL_STORE", typo).env("HOOKCTL_SECRET", SECRET).code(2);
        assert!(stderr.contains("no store at"), "{args:?}: {stderr}");
    }
    assert!(!work.path().join("typo").exists(), "no folder was created");

    // The default store is not created by a read either.
    let (_, stderr) = hookctl(&["events", "list"]).code(2);
    assert!(stderr.contains("nothing has been stored yet"), "{stderr}");

    // Import creates it (and its folder); then reads work.
    let capture = r#"{"method":"POST","target":"/webhooks/payvost","headers":[],"body":"{\"id\":\"evt_1\",\"type\":\"payment.created\"}"}"#;
    hookctl(&["events", "import", "-", "--store", typo]).stdin(capture).ok();
    let listed = hookctl(&["events", "list", "--json", "--store", typo]).ok();
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

#[test]
fn an_empty_hookctl_store_is_unset() {
    let capture = r#"{"method":"POST","target":"/webhooks/payvost","headers":[],"body":"{\"id\":\"evt_1\",\"type\":\"payment.created\"}"}"#;
    // The default store (in the empty HOME) is used, as if HOOKCTL_STORE were not set at all.
    let (_, stderr) = hookctl(&["events", "import", "-"]).env("HOOKCTL_STORE", "").stdin(capture).code(0);
    assert!(stderr.contains("imported 1"), "{stderr}");
    let (_, stderr) = hookctl(&["events", "list"]).env("HOOKCTL_STORE", "").code(2);
    assert!(
        stderr.contains("hookctl/events.db") && stderr.contains("nothing has been stored yet"),
        "the default path, not a usage error: {stderr}"
    );
}
