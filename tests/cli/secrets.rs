//! A distinctive secret and API key go through every command; neither may appear in any output, the store
//! or an export. (`sign` prints the credential header it is asked for: that is its job, so only the signing
//! secret is checked there.)

use crate::common::*;

const LEAK_SECRET: &str = "sk-leakcheck-9f2c41";
const LEAK_KEY: &str = "ak-leakcheck-7d1e88";

fn with_keys(run: Run) -> Run {
    run.env("HOOKCTL_SECRET", LEAK_SECRET).env("VERIFYNOW_API_KEY", LEAK_KEY)
}

fn assert_clean(what: &str, text: &str, check_key: bool) {
    assert!(!text.contains(LEAK_SECRET), "{what} leaks the secret:\n{text}");
    if check_key {
        assert!(!text.contains(LEAK_KEY), "{what} leaks the api key:\n{text}");
    }
}

fn outputs(run: Run) -> String {
    let output = run.output();
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn no_command_prints_stores_or_exports_a_secret() {
    let listening =
        listen_with_env(&["--verbose"], &[("HOOKCTL_SECRET", LEAK_SECRET), ("VERIFYNOW_API_KEY", LEAK_KEY)]);
    let store = listening.store.to_str().expect("UTF-8").to_owned();
    let to = listening.to();

    let sign = outputs(with_keys(hookctl(&["sign", "verifynow", "--event", "verification.completed", "--json"])));
    assert_clean("sign", &sign, false);
    let capture = sign.lines().next().expect("sign --json").to_owned();

    let runs: Vec<(&str, Run)> = vec![
        ("providers", hookctl(&["providers", "verifynow", "--json"])),
        ("fixtures", hookctl(&["fixtures", "verifynow", "verification.failed:underage"])),
        ("send", hookctl(&["send", "verifynow", "verification.completed", "--to", &to])),
        ("send --json", hookctl(&["send", "verifynow", "verification.expired", "--to", &to, "--json"])),
        ("send --dry-run", hookctl(&["send", "verifynow", "verification.rejected", "--to", &to, "--dry-run"])),
        (
            "send --dry-run --json",
            hookctl(&["send", "verifynow", "verification.rejected", "--to", &to, "--dry-run", "--json"]),
        ),
        (
            "send --retry",
            hookctl(&["send", "payvost", "payment.created", "--to", &to, "--retry", "--time-scale", "1000"]),
        ),
        ("verify", hookctl(&["verify", "c.json"]).file("c.json", &capture)),
        ("verify --json", hookctl(&["verify", "c.json", "--json"]).file("c.json", &capture)),
        ("verify --event", hookctl(&["verify", "--event", "1", "--store", &store])),
        ("events list", hookctl(&["events", "list", "--json", "--store", &store])),
        ("events show", hookctl(&["events", "show", "1", "--store", &store])),
        ("events show --raw", hookctl(&["events", "show", "1", "--raw", "--store", &store])),
        ("events export jsonl", hookctl(&["events", "export", "--store", &store])),
        ("events export har", hookctl(&["events", "export", "--format", "har", "--store", &store])),
        ("replay", hookctl(&["replay", "--to", &to, "--store", &store])),
        ("replay --json", hookctl(&["replay", "--to", &to, "--store", &store, "--json"])),
    ];
    for (what, run) in runs {
        assert_clean(what, &outputs(with_keys(run)), true);
    }

    // Errors: a wrong secret, a secret that is not base64 where one must be, a profile pointing nowhere.
    let wrong = outputs(hookctl(&["verify", "c.json"]).file("c.json", &capture).env("HOOKCTL_SECRET", "other"));
    assert_clean("verify with a wrong secret", &wrong, true);
    let not_base64 =
        outputs(hookctl(&["sign", "standard-webhooks", "--event", "user.created"]).env("HOOKCTL_SECRET", LEAK_SECRET));
    assert!(not_base64.contains("base64"), "{not_base64}");
    assert_clean("a secret that is not base64", &not_base64, true);
    let flag = outputs(hookctl(&["sign", "payvost", "--event", "payment.created", "--secret", LEAK_SECRET]));
    assert!(flag.contains("visible to other users"), "{flag}");
    assert_clean("--secret", &flag, true);

    listening.wait_lines(10);
    let printed = listening.lines.lock().expect("not poisoned").join("\n");
    assert_clean("listen --verbose", &printed, true);
    // The store, its write-ahead log included, holds neither: the credential header is stored redacted.
    for suffix in ["", "-wal"] {
        let path = format!("{store}{suffix}");
        let bytes = std::fs::read(&path).unwrap_or_default();
        assert_clean(&path, &String::from_utf8_lossy(&bytes), true);
    }
}
