//! Secrets stay out of config errors, exported files and core dumps; a config file that shows its secret to
//! others is pointed out; forwarding changes exactly what it says it changes.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};

use crate::common::*;

#[test]
fn config_errors_never_echo_a_secret() {
    let configs = [
        "[profiles.staging]\nsecrets = \"pvsec_X1\"\n",
        "[profiles.staging.credentials]\nverifynow = \"pvsec_X1\"\n",
        "[profiles.staging.secrets]\npayvost = { value = \"pvsec_X1\" }\n",
    ];
    for config in configs {
        let (_, stderr) = hookctl(&["providers"]).file("hookctl.toml", config).code(1);
        assert!(!stderr.contains("pvsec_X1"), "{stderr}");
        assert!(stderr.contains("hookctl.toml: line 2, `profiles.staging."), "names the key: {stderr}");
        assert!(stderr.contains("expected"), "names the expected type: {stderr}");
    }
}

#[cfg(unix)]
#[test]
fn a_config_holding_a_secret_that_others_can_read_is_pointed_out() {
    use std::os::unix::fs::PermissionsExt as _;
    let config = "[profiles.staging.secrets]\npayvost = \"pvsec_literal\"\n";
    let run = hookctl(&["providers"]).file("hookctl.toml", config);
    let path = run.path("hookctl.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (_, stderr) = run.code(0);
    assert!(
        stderr.contains("holds a secret and others can read it (mode 644)") && stderr.contains("chmod 600"),
        "{stderr}"
    );

    // Owner-only, or only env:/file: sources: nothing to say.
    let mut run = hookctl(&["providers"]).file("hookctl.toml", config);
    std::fs::set_permissions(run.path("hookctl.toml"), std::fs::Permissions::from_mode(0o600)).expect("chmod");
    assert_eq!(run.code(0).1, "");
    run = hookctl(&["providers"]).file("hookctl.toml", "[profiles.staging.secrets]\npayvost = \"env:X\"\n");
    assert_eq!(run.code(0).1, "");
}

#[cfg(unix)]
#[test]
fn exports_and_reports_are_created_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let listening = listen(&["--keep-credentials"]);
    hookctl(&["send", "verifynow", "verification.completed", "--to", &listening.to()])
        .env("HOOKCTL_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-1")
        .ok();
    listening.wait_lines(1);
    let store = listening.store.to_str().expect("UTF-8").to_owned();
    let dir = tempfile::tempdir().expect("dir");
    for format in ["jsonl", "har"] {
        let path = dir.path().join(format!("out.{format}"));
        // An existing world-readable file is made private too.
        std::fs::write(&path, "old").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let out = path.to_str().expect("UTF-8");
        let (_, stderr) = hookctl(&["events", "export", "--format", format, "-o", out, "--store", &store]).code(0);
        assert!(stderr.contains("1 exported events carry credentials"), "{stderr}");
        let mode = std::fs::metadata(&path).expect("exported").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{format}");
        assert!(std::fs::read_to_string(&path).expect("read").contains("api-key key-1"), "kept credentials");
    }
    let server = TestServer::start();
    let report = dir.path().join("report.json");
    hookctl(&["replay", "--to", &server.to(), "--store", &store, "--report", report.to_str().expect("UTF-8")])
        .env("HOOKCTL_SECRET", SECRET)
        .env("VERIFYNOW_API_KEY", "key-1")
        .ok();
    assert_eq!(std::fs::metadata(&report).expect("report").permissions().mode() & 0o777, 0o600);
}

#[cfg(target_os = "linux")]
#[test]
fn a_process_holding_secrets_writes_no_core_dump() {
    let listening = listen(&[]);
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", listening.pid())).expect("limits");
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).expect("a core limit");
    assert_eq!(core.split_whitespace().skip(4).take(2).collect::<Vec<_>>(), ["0", "0"], "{core}");
}

/// A raw HTTP/1.1 server on port 0 that keeps the first request's exact head and answers 200.
fn raw_server() -> (u16, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept");
        let mut reader = BufReader::new(stream.try_clone().expect("clone"));
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("read");
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().expect("a length");
            }
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).expect("body");
        let _ = sender.send(head);
        let mut stream = stream;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    });
    (port, receiver)
}

#[test]
fn forwarding_changes_exactly_what_it_documents() {
    let (port, heads) = raw_server();
    let listening = listen(&["--forward-to", &format!("127.0.0.1:{port}")]);
    let body = "{\"id\":\"evt_1\",\"type\":\"payment.created\"}";
    let request = format!(
        "POST /webhooks/payvost HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Mixed-Case: One\r\nConnection: keep-alive, X-Hop\r\n\
         X-Hop: dropped\r\nKeep-Alive: timeout=5\r\nPayvost-Signature: abc\r\nX-Mixed-Case: Two\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", listening.port)).expect("connect");
    stream.write_all(request.as_bytes()).expect("send");
    let head = heads.recv_timeout(std::time::Duration::from_secs(10)).expect("forwarded");
    let lines: Vec<&str> = head.lines().skip(1).collect();
    let mut end_to_end: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !["host:", "content-length:", "accept:"].iter().any(|p| l.starts_with(p)))
        .collect();
    end_to_end.sort_unstable();
    let mut expected =
        vec!["content-type: application/json", "payvost-signature: abc", "x-mixed-case: One", "x-mixed-case: Two"];
    expected.sort_unstable();
    assert_eq!(end_to_end, expected, "{head}");
    let position = |needle: &str| lines.iter().position(|l| *l == needle).expect("present");
    assert!(position("x-mixed-case: One") < position("x-mixed-case: Two"), "order kept: {head}");
    assert!(lines.contains(&"accept: */*"), "{head}");
    assert!(lines.contains(&format!("host: 127.0.0.1:{port}").as_str()), "{head}");
    assert!(lines.contains(&format!("content-length: {}", body.len()).as_str()), "{head}");
}

/// The built-in Payvost provider's files, for a folder that overrides it.
fn payvost_files(algorithm: &str) -> Vec<(String, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/payvost");
    let mut files = Vec::new();
    for sub in ["", "events", "schemas"] {
        for entry in std::fs::read_dir(root.join(sub)).expect("fixtures").flatten() {
            if entry.path().is_file() {
                let text = std::fs::read_to_string(entry.path()).expect("text");
                let name = format!("payvost/{sub}/{}", entry.file_name().to_string_lossy()).replace("//", "/");
                files.push((name, text));
            }
        }
    }
    for (name, text) in &mut files {
        if name == "payvost/provider.toml" {
            *text = text.replace("algorithm = \"hmac-sha256\"", &format!("algorithm = \"{algorithm}\""));
        }
    }
    files
}

#[test]
fn a_working_folder_config_that_replaces_a_built_in_scheme_is_said_every_time() {
    let forged =
        hookctl(&["sign", "payvost", "--event", "payment.created", "--json"]).env("HOOKCTL_SECRET", "not-theirs").ok();
    // One HOME (where hookctl remembers the configs it announced) and one working folder for both runs.
    let home = tempfile::tempdir().expect("home");
    let home_path = home.path().to_str().expect("UTF-8").to_owned();
    let work = tempfile::tempdir().expect("work");
    let with_files = |run: Run| {
        payvost_files("none")
            .into_iter()
            .fold(run.in_dir(work.path()), |run, (name, text)| run.file(&name, text))
            .file("hookctl.toml", "providers = [\"./payvost\"]\n")
            .file("c.json", &forged)
            .env("HOME", &home_path)
    };
    let mut run = with_files(hookctl(&["verify", "c.json", "--json"]));
    let (stdout, stderr) = run.code(0);
    let notice = "payvost's signing scheme comes from ./payvost/provider.toml (unsigned), not the built-in one";
    assert!(stderr.contains(notice), "{stderr}");
    assert!(stderr.contains("hookctl.toml in this folder adds providers from ./payvost (said once"), "{stderr}");
    let verdict: serde_json::Value = serde_json::from_str(&stdout).expect("JSON");
    assert_eq!(verdict["provider_file"], "./payvost/provider.toml");
    assert_eq!(verdict["scheme_override"]["builtin"], "HMAC-SHA256, hex, in Payvost-Signature");

    // Again in the same HOME: the config is not announced twice, the replaced scheme is.
    run = with_files(hookctl(&["verify", "c.json"]));
    let (stdout, stderr) = run.code(0);
    assert!(stderr.contains(notice) && !stderr.contains("said once"), "{stderr}");
    assert!(stdout.contains("provider       ./payvost/provider.toml"), "{stdout}");

    // The same scheme as the built-in one (a folder that only adds events) says nothing.
    let (_, stderr) = payvost_files("hmac-sha256")
        .into_iter()
        .fold(hookctl(&["verify", "c.json", "--provider", "payvost", "--providers", "payvost"]), |run, (name, text)| {
            run.file(&name, text)
        })
        .file("c.json", &forged)
        .env("HOOKCTL_SECRET", "not-theirs")
        .code(0);
    assert!(!stderr.contains("notice"), "{stderr}");
}

#[test]
fn a_provider_file_cannot_read_outside_its_folder() {
    let toml = "name = \"acme\"\n[signature]\nalgorithm = \"hmac-sha256\"\nheader = \"X-Sig\"\n\n\
                [envelope]\ntype = \"/type\"\n\n[events.\"thing\"]\nfile = \"../../outside\"\n";
    let (_, stderr) = hookctl(&["providers", "acme", "--providers", "mine"])
        .file("mine/acme/provider.toml", toml)
        .file("outside.json", "{}")
        .code(1);
    assert!(stderr.contains("leaves the provider folder"), "{stderr}");
    for (name, why) in [("../x", "leaves the provider folder"), ("/etc/passwd", "leaves the provider folder")] {
        let toml = toml.replace("../../outside", name);
        let (_, stderr) =
            hookctl(&["providers", "acme", "--providers", "mine"]).file("mine/acme/provider.toml", &toml).code(1);
        assert!(stderr.contains(why), "{name}: {stderr}");
    }
    let toml = "name = \"acme\"\n[signature]\nalgorithm = \"hmac-sha256\"\nheader = \"X-Sig\"\n\n\
                [envelope]\ntype = \"/type\"\n\n[events.\"../../../outside\"]\n";
    let (_, stderr) =
        hookctl(&["providers", "acme", "--providers", "mine"]).file("mine/acme/provider.toml", toml).code(1);
    assert!(stderr.contains("leaves the provider folder"), "an event name is a file stem too: {stderr}");
    let toml = "name = \"acme\"\n[signature]\nalgorithm = \"hmac-sha256\"\nheader = \"X-Sig\"\n\n\
                [envelope]\ntype = \"/type\"\n\n[events.\"thing\"]\nvariants = [\"../../x\"]\n";
    let (_, stderr) =
        hookctl(&["providers", "acme", "--providers", "mine"]).file("mine/acme/provider.toml", toml).code(1);
    assert!(stderr.contains("must be a plain name"), "{stderr}");
}
