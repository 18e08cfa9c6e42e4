//! Shell completion from the binary's own catalog, config and store; man pages for every command; the
//! committed copies of both.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;

/// What the completer answers for `words` (the last one being completed), asked as the zsh and bash scripts
/// ask: `COMPLETE=<shell> hookctl -- <words>` with the index of the current word.
fn complete(shell: &str, words: &[&str], setup: impl FnOnce(Run) -> Run) -> Vec<String> {
    let mut args = vec!["--"];
    args.extend_from_slice(words);
    let run = setup(hookctl(&args))
        .env("COMPLETE", shell)
        .env("_CLAP_COMPLETE_INDEX", &(words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n");
    let stdout = run.ok();
    // zsh adds `:description` after a value (its colons escaped); only values are compared. An empty word
    // is also offered the flags, which are clap's and not under test.
    stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('-'))
        .map(|l| l.split(['\t']).next().expect("a value").to_owned())
        .map(|l| if shell == "zsh" { zsh_value(&l) } else { l })
        .collect()
}

fn zsh_value(line: &str) -> String {
    let mut value = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => value.extend(chars.next()),
            ':' => break,
            c => value.push(c),
        }
    }
    value
}

#[test]
fn bash_completes_send_pay_to_the_three_pay_providers() {
    // The registration script `hookctl completions bash` prints, sourced in a real bash, with the line as
    // bash hands it to a completion function.
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hookctl")).parent().expect("a folder").to_owned();
    let script = hookctl(&["completions", "bash"]).ok();
    let home = tempfile::tempdir().expect("temp home");
    let output = Command::new("bash")
        .args([
            "-c",
            &format!(
                "{script}\nCOMP_WORDS=(hookctl send pay); COMP_CWORD=2; COMP_TYPE=9; COMP_LINE='hookctl send pay'; \
             COMP_POINT=${{#COMP_LINE}}; _clap_complete_hookctl hookctl pay send; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ),
        ])
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
        .current_dir(home.path())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout, "payqi\npaystack\npayvost\n", "stderr: {}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn zsh_and_fish_complete_providers_events_and_variants() {
    for shell in ["zsh", "fish", "bash"] {
        assert_eq!(complete(shell, &["hookctl", "send", "pay"], |r| r), ["payqi", "paystack", "payvost"], "{shell}");
        assert_eq!(
            complete(shell, &["hookctl", "send", "payvost", "payment.su"], |r| r),
            ["payment.succeeded"],
            "{shell}"
        );
        assert_eq!(
            complete(shell, &["hookctl", "fixtures", "verifynow", "verification.failed:fa"], |r| r),
            ["verification.failed:face_mismatch"],
            "{shell}"
        );
    }
    // The provider is found wherever it is on the line, here after a flag and its value.
    assert_eq!(
        complete("fish", &["hookctl", "sign", "complycube", "--event", "check.completed:a"], |r| r),
        ["check.completed:approved", "check.completed:attention"]
    );
    assert_eq!(complete("fish", &["hookctl", "replay", "--fixtures", "verif"], |r| r), ["veriff/", "verifynow/"]);
    assert_eq!(
        complete("fish", &["hookctl", "events", "list", "--provider", "st"], |r| r),
        ["standard-webhooks", "stripe"]
    );
}

#[test]
fn completion_offers_the_users_providers_and_profiles() {
    let toml = "name = \"acme\"\nroutes = [\"/hooks/acme\"]\n\
                [signature]\nalgorithm = \"hmac-sha256\"\nheader = \"X-Acme-Sig\"\n\
                [events.\"thing.happened\"]\ndescription = \"A thing\"\n";
    let setup = |run: Run| {
        run.file("hookctl.toml", "providers = \"mine\"\n[profiles.staging]\nurl = \"http://x\"\n[profiles.stage-2]\n")
            .file("mine/acme/provider.toml", toml)
            .file("mine/acme/events/thing.happened.json", "{\"type\": \"{{event}}\"}")
            .file("mine/acme/schemas/thing.happened.json", "{}")
    };
    assert_eq!(complete("fish", &["hookctl", "send", "ac"], setup), ["acme"]);
    assert_eq!(complete("fish", &["hookctl", "send", "acme", ""], setup), ["thing.happened"]);
    assert_eq!(complete("fish", &["hookctl", "providers", "--profile", "sta"], setup), ["stage-2", "staging"]);
}

#[test]
fn completion_offers_stored_ids_and_creates_no_store() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let store = store.to_str().expect("UTF-8");
    let with_store = |run: Run| run.env("HOOKCTL_STORE", store);
    assert!(complete("fish", &["hookctl", "events", "show", ""], with_store).is_empty());
    assert!(!Path::new(store).exists(), "completing must not create the store");

    let sign = || hookctl(&["sign", "payvost", "--event", "payment.succeeded", "--json", "--secret", "s"]).ok();
    let requests = format!("{}{}", sign(), sign());
    hookctl(&["events", "import", "-", "--store", store]).stdin(requests).code(0);
    assert_eq!(complete("fish", &["hookctl", "events", "show", ""], with_store), ["1", "2"]);
    assert_eq!(complete("fish", &["hookctl", "replay", "2"], with_store), ["2"]);
    let described =
        hookctl(&["--", "hookctl", "events", "delete", ""]).env("COMPLETE", "fish").env("HOOKCTL_STORE", store).ok();
    assert!(described.contains("1\tpayvost payment.succeeded"), "{described}");
}

#[test]
fn man_prints_one_page_per_command() {
    let root = hookctl(&["man"]).ok();
    assert!(root.starts_with(".ie") && root.contains(".TH hookctl 1"), "{root}");
    let send = hookctl(&["man", "send"]).ok();
    assert!(send.contains(".TH hookctl-send 1"), "{send}");
    assert!(send.contains("\\-\\-retry"), "the page documents the flags: {send}");
    let list = hookctl(&["man", "events", "list"]).ok();
    assert!(list.contains(".TH hookctl-events-list 1"), "{list}");
    let (_, stderr) = hookctl(&["man", "sned"]).code(2);
    assert!(stderr.contains("no man page for `sned`; did you mean `send`?"), "{stderr}");

    // Every page the root and `events` pages refer to (`hookctl-send(1)`) is written by --out.
    let out = tempfile::tempdir().expect("temp dir");
    hookctl(&["man", "--out", out.path().to_str().expect("UTF-8")]).code(0);
    for page in [&root, &hookctl(&["man", "events"]).ok()] {
        for reference in page.split("hookctl\\-").skip(1) {
            let Some((name, _)) = reference.split_once("(1)") else { continue };
            let file = format!("hookctl-{}.1", name.replace("\\-", "-"));
            assert!(out.path().join(&file).is_file(), "{file} is referred to but not written");
        }
    }
}

fn repo(folder: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(folder)
}

/// The committed completion scripts and man pages match the CLI. `HOOKCTL_UPDATE_COMPLETIONS=1 cargo test
/// --test cli completions` rewrites them.
#[test]
fn completions_and_man_pages_are_current() {
    let update = std::env::var_os("HOOKCTL_UPDATE_COMPLETIONS").is_some();
    let out = tempfile::tempdir().expect("temp dir");
    hookctl(&["man", "--out", out.path().to_str().expect("UTF-8")]).code(0);
    let mut generated: Vec<(PathBuf, String)> = Vec::new();
    for (shell, file) in [
        ("bash", "hookctl.bash"),
        ("zsh", "_hookctl"),
        ("fish", "hookctl.fish"),
        ("powershell", "_hookctl.ps1"),
        ("elvish", "hookctl.elv"),
    ] {
        generated.push((repo("completions").join(file), hookctl(&["completions", shell]).ok()));
    }
    let mut pages: Vec<PathBuf> =
        std::fs::read_dir(out.path()).expect("pages").map(|e| e.expect("entry").path()).collect();
    pages.sort();
    for page in pages {
        let name = page.file_name().expect("a name").to_owned();
        generated.push((repo("man").join(name), std::fs::read_to_string(&page).expect("a page")));
    }
    if update {
        std::fs::create_dir_all(repo("man")).expect("man folder");
        for entry in std::fs::read_dir(repo("man")).expect("man folder") {
            std::fs::remove_file(entry.expect("entry").path()).expect("remove a stale page");
        }
    }
    for (path, text) in &generated {
        if update {
            std::fs::write(path, text).expect("write");
            continue;
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            committed == *text,
            "{} is out of date; run `HOOKCTL_UPDATE_COMPLETIONS=1 cargo test --test cli completions` and commit",
            path.display()
        );
    }
    let committed_pages = std::fs::read_dir(repo("man")).map(|d| d.count()).unwrap_or_default();
    let generated_pages = generated.iter().filter(|(p, _)| p.starts_with(repo("man"))).count();
    assert_eq!(committed_pages, generated_pages, "man/ holds a page of no command");
}
