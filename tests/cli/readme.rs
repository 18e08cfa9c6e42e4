//! Every command in README.md's `sh` and `console` blocks runs, in order, in an empty HOME, as a reader would
//! paste it: what it sends goes to a test server on port 0, a `listen` starts on port 0 and is stopped once it
//! is ready, the config example is pasted as `hookctl.toml`, and a block's `# output` lines (or a console
//! block's output) must appear in what the command prints. `text` blocks are synopses and are not run.

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Commands of the README that are not run, and why. Every other command must run; a new one that cannot
/// belongs here, where the reason is reviewed.
const SKIPPED: &[(&str, &str)] = &[
    ("cargo install --path .", "installs into ~/.cargo/bin; the tests run the binary cargo just built"),
    ("cargo test", "the test suite that runs this test"),
    ("cargo install cargo-fuzz", "downloads and builds cargo-fuzz: needs the network"),
    ("bash fuzz/run.sh", "fuzzing needs the nightly toolchain and runs for many minutes"),
    ("SECONDS_PER_TARGET=60 bash fuzz/run.sh inspect", "fuzzing needs the nightly toolchain"),
];

/// The team inbox's database in the README: the suite's PostgreSQL stands in for it.
const README_INBOX: &str = "postgres://inbox@db.internal/hooks";

/// Besides hookctl, the README's blocks may make files and folders for the commands after them.
const SETUP: &[&str] = &["printf ", "mkdir -p ", "openssl req "];

#[derive(Clone)]
struct Step {
    command: String,
    /// Lines the command must print, in this order (a console block's output, an sh block's `# …` lines).
    expected: Vec<String>,
    /// A console block shows its command's exit code only by its output; an sh block's command must succeed.
    any_exit: bool,
}

/// The `sh` and `console` blocks' commands in order, and the config example.
fn steps(readme: &str) -> (Vec<Step>, Option<String>) {
    let mut steps: Vec<Step> = Vec::new();
    let mut config = None;
    let mut block: Option<(String, Vec<String>)> = None;
    for line in readme.lines() {
        let trimmed = line.trim();
        if let Some(lang) = trimmed.strip_prefix("```") {
            match block.take() {
                None => block = Some((lang.to_owned(), Vec::new())),
                Some((lang, lines)) => match lang.as_str() {
                    "sh" => steps.extend(sh_steps(&lines)),
                    "console" => steps.extend(console_steps(&lines)),
                    "toml" => config = Some(lines.join("\n") + "\n"),
                    _ => {}
                },
            }
            continue;
        }
        if let Some((_, lines)) = &mut block {
            lines.push(trimmed.to_owned());
        }
    }
    (steps, config)
}

fn sh_steps(lines: &[String]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut pending = String::new();
    for line in lines {
        if let Some(output) = line.strip_prefix("# ") {
            steps.last_mut().expect("output follows a command").expected.push(output.to_owned());
            continue;
        }
        let (code, _comment) = split_comment(line);
        match code.strip_suffix('\\') {
            Some(start) => pending.push_str(start),
            None => {
                pending.push_str(code);
                steps.push(Step { command: pending.trim().to_owned(), expected: Vec::new(), any_exit: false });
                pending.clear();
            }
        }
    }
    steps
}

fn console_steps(lines: &[String]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for line in lines {
        match line.strip_prefix("$ ") {
            Some(command) => steps.push(Step { command: command.to_owned(), expected: Vec::new(), any_exit: true }),
            None => steps.last_mut().expect("output follows a command").expected.push(line.clone()),
        }
    }
    steps
}

/// A line's code and its `# comment`: a `#` after a space and outside quotes.
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote = None;
    let mut previous = ' ';
    for (at, c) in line.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if previous == ' ' => return (line[..at].trim_end(), &line[at..]),
            _ => {}
        }
        previous = c;
    }
    (line.trim_end(), "")
}

/// The command as it runs here: `cargo run -q --` is the built binary, every address is the test server.
fn localised(command: &str, port: u16) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut to_next = false;
    for word in command.replace("cargo run -q --", "hookctl").split(' ') {
        words.push(if to_next { format!("http://127.0.0.1:{port}") } else { word.to_owned() });
        to_next = matches!(word, "--to" | "--forward-to");
    }
    words.join(" ")
}

/// Hex digits after `sha256 ` depend on the secret the reader has; they are not compared.
fn masked(line: &str) -> String {
    match line.split_once("sha256 ") {
        Some((before, after)) => {
            format!("{before}sha256 {}", after.trim_start_matches(|c: char| c.is_ascii_hexdigit()))
        }
        None => line.to_owned(),
    }
}

fn bash(work: &Path, home: &Path, store: &Path, command: &str) -> Command {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_hookctl")).parent().expect("a folder").to_owned();
    let mut bash = Command::new("bash");
    bash.args(["-c", command])
        .current_dir(work)
        .env_clear()
        .env("HOME", home)
        .env("PATH", format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default()))
        // The reader's secrets, as README's Secrets section sets them up.
        .env("HOOKCTL_SECRET", SECRET)
        .env("STAGING_PAYVOST_SECRET", SECRET)
        .env("HOOKCTL_STORE", store)
        .stdin(Stdio::null());
    bash
}

/// A line that says where a listener, an inspector or a subscriber serves (HTTP or HTTPS, any interface).
fn serving(line: &str) -> bool {
    line.contains("://127.0.0.1:") || line.contains("://0.0.0.0:")
}

/// A listener runs until stopped: it passes once it says where it listens.
fn starts_listening(mut command: Command, shown: &str) {
    let mut child = command.stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("bash runs");
    let stderr = BufReader::new(child.stderr.take().expect("piped"));
    let started = Instant::now();
    let mut said = String::new();
    for line in stderr.lines().map_while(Result::ok) {
        said.push_str(&line);
        said.push('\n');
        if serving(&line) || started.elapsed() > Duration::from_secs(10) {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(said.lines().any(serving), "`{shown}` did not start listening:\n{said}");
}

#[test]
fn every_command_in_the_readme_runs_and_prints_what_it_shows() {
    let _heavy = heavy();
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let (steps, config) = steps(&readme);
    assert!(steps.len() > 30, "the README's commands were found: {}", steps.len());

    let server = TestServer::start();
    let home = tempfile::tempdir().expect("temp home");
    let work = tempfile::tempdir().expect("temp work");
    let (work, home_path) = (work.path(), home.path());
    // The README is read in a checkout: its examples/ are there.
    std::fs::create_dir(work.join("examples")).expect("examples");
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).expect("examples/") {
        let path = entry.expect("entry").path();
        std::fs::copy(&path, work.join("examples").join(path.file_name().expect("a name"))).expect("copy");
    }
    // The config example, pasted as is; only the staging URL is this test's server.
    let config = config.expect("a toml block");
    std::fs::write(
        work.join("hookctl.toml"),
        config.replace("https://staging.example.com", &format!("http://127.0.0.1:{}", server.port)),
    )
    .expect("hookctl.toml");
    std::fs::create_dir(home_path.join(".secrets")).expect(".secrets");
    std::fs::write(home_path.join(".secrets").join("payqi"), SECRET).expect("payqi secret");

    // Stored events for the commands that read the store (`events show 42`, `replay 12 13 14`).
    let store = home_path.join("events.db");
    {
        let listening = listen_on(&store, &[]);
        hookctl(&["send", "payvost", "payment.succeeded", "--to", &listening.to(), "--repeat", "50"])
            .env("HOOKCTL_SECRET", SECRET)
            .ok();
        // The event `replay evt_T1EBa2c4` selects by its provider event id.
        hookctl(&["send", "payvost", "payment.succeeded", "--to", &listening.to(), "--set", "id=evt_T1EBa2c4"])
            .env("HOOKCTL_SECRET", SECRET)
            .ok();
        listening.wait_lines(51);
    }

    // The team inbox's database is one on the suite's PostgreSQL, holding the same events.
    let inbox = crate::pg::database("the README's team inbox commands");
    if let Some(url) = &inbox {
        let export = hookctl(&["events", "export", "--store", store.to_str().expect("UTF-8")]).ok();
        hookctl(&["events", "import", "-", "--store", url]).stdin(export).ok();
    }

    let mut skipped = Vec::new();
    for step in &steps {
        if let Some((_, why)) = SKIPPED.iter().find(|(command, _)| *command == step.command) {
            skipped.push(format!("{}: {why}", step.command));
            continue;
        }
        let localised_step;
        let step = match (&inbox, step.command.contains(README_INBOX)) {
            (_, false) => step,
            (Some(url), true) => {
                localised_step = Step { command: step.command.replace(README_INBOX, url), ..step.clone() };
                &localised_step
            }
            (None, true) => continue,
        };
        let runs_hookctl = step.command.split(' ').any(|w| w == "hookctl") || step.command.contains("cargo run -q --");
        assert!(
            runs_hookctl || SETUP.iter().any(|s| step.command.starts_with(s)),
            "`{}` is neither a hookctl command nor listed in SKIPPED with a reason",
            step.command
        );
        let command = localised(&step.command, server.port);
        eprintln!("README: {command}");
        if step.command.starts_with("hookctl ui") {
            // Any free port here, whichever address the README serves the inspector at.
            let command = match command.split_once(" --ui ") {
                Some((before, after)) => {
                    let rest = after.split_once(' ').map_or("", |(_, rest)| rest);
                    format!("exec {before} --ui 0 {rest}")
                }
                None => command.replacen("hookctl ui", "exec hookctl ui --ui 0", 1),
            };
            starts_listening(bash(work, home_path, &store, &command), &step.command);
            continue;
        }
        if step.command.starts_with("hookctl listen") {
            let command = command
                .replacen("hookctl listen", "exec hookctl listen --port 0", 1)
                .replace(" --port 0 --port 0", " --port 0");
            starts_listening(bash(work, home_path, &store, &command), &step.command);
            continue;
        }
        let output = bash(work, home_path, &store, &command).output().expect("bash runs");
        let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(step.any_exit || output.status.success(), "`{}` failed ({}):\n{printed}", step.command, output.status);
        let mut lines = printed.lines().map(masked);
        for expected in &step.expected {
            let expected = masked(expected);
            assert!(
                lines.any(|line| line.trim().starts_with(expected.trim())),
                "`{}` does not print `{expected}` (in order):\n{printed}",
                step.command
            );
        }
    }
    assert_eq!(skipped.len(), SKIPPED.len(), "every SKIPPED command is still in the README: {skipped:#?}");
    assert!(!server.requests().is_empty(), "the sending commands reached the test server");
}

#[test]
fn the_disputed_example_is_the_file_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let capture = std::fs::read_to_string(root.join("examples/disputed.http")).expect("examples/disputed.http");
    let secret = std::fs::read_to_string(root.join("examples/disputed.secret")).expect("examples/disputed.secret");
    let shown = readme.split("```http\n").nth(1).and_then(|b| b.split("```").next()).expect("an http block");
    for line in shown.lines().filter(|l| !l.contains('…')) {
        assert!(capture.contains(line), "README shows `{line}`, examples/disputed.http does not hold it");
    }
    let (head, body) = capture.split_once("\r\n\r\n").expect("headers and a body");
    let signature = head.lines().find_map(|l| l.strip_prefix("Payvost-Signature: ")).expect("a signature");
    // The signature is of the body without the newline the proxy added: the README's diagnosis is the truth.
    let original = body.strip_suffix('\n').expect("the body ends in the added newline");
    assert_eq!(signature, hmac_sha256_hex(secret.as_bytes(), original.as_bytes()));
}

#[test]
fn a_config_names_its_file_and_key_when_a_provider_folder_is_missing() {
    let (_, stderr) = hookctl(&["providers"]).file("hookctl.toml", "providers = [\"./webhook-providers\"]\n").code(1);
    assert_eq!(
        stderr.lines().next().unwrap_or_default(),
        "hookctl: error: hookctl.toml: providers: ./webhook-providers does not exist; create it with your provider \
         folders (fixtures/README.md) or remove it from the list"
    );
    let (_, stderr) =
        hookctl(&["providers", "--config", "conf/h.toml"]).file("conf/h.toml", "providers = \"mine\"\n").code(1);
    assert!(stderr.contains("conf/h.toml: providers: mine does not exist"), "{stderr}");
}
