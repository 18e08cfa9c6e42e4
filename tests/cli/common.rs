//! Running the real binary in an empty HOME with no secrets in its environment, and a real server for it to
//! deliver to.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hmac::{KeyInit, Mac};
use serde_json::Value;

/// Tests whose load or timing would disturb each other take this lock: the run stays parallel for the rest,
/// and a timing assertion does not share the two cores with a 10 000-request run.
pub fn heavy() -> std::sync::MutexGuard<'static, ()> {
    static HEAVY: Mutex<()> = Mutex::new(());
    HEAVY.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A secret every scheme accepts (Standard Webhooks needs base64 after `whsec_`).
pub const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// Test private keys for the providers that sign with a key pair, in each one's key variable: a key source
/// may hold either half, and a private key's public half verifies, so one environment signs and verifies every
/// provider. `Run::env("HOOKCTL_SECRET", …)` and every listener set them beside the secret.
pub const KEY_PAIRS: [(&str, &str); 3] = [
    (
        "DISCORD_PUBLIC_KEY",
        "MFECAQEwBQYDK2VwBCIEIP2HM1rpS/TG0lB9wx6+76UA+ClMLA3y7Fq2R4nWvubigSEAORkzksmFBDwJSPPfxN0xW+NPo6cVn8aAwnNpVIU1qoA=",
    ),
    (
        "SENDGRID_WEBHOOK_VERIFICATION_KEY",
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgIDjV7h43fGm7w/JMa3yvDnSNqMApCMp2HUBpbsscv8KhRANCAARUbJaxAtY3JSZtmxx22Xy6v3gAZyGzuLkkLW4vPJOZjpgSgsWfw7wu7iHAzKNB1ohSSdeR8HC/qiKooMugXKDB",
    ),
    ("STANDARD_WEBHOOKS_PUBLIC_KEY", "whsk_PDg53QRczMjHGkkVwZPSJ8kLOdm8SONSNrV9KPghmFU="),
];

/// The built-in providers, in the order `hookctl providers` lists them.
pub const PROVIDERS: [&str; 50] = [
    "agio",
    "asana",
    "bitbucket",
    "calcom",
    "calendly",
    "clerk",
    "coinbase-commerce",
    "complycube",
    "discord",
    "docusign",
    "dropbox",
    "flutterwave",
    "frameio",
    "github",
    "gitlab",
    "hubspot",
    "intercom",
    "lemonsqueezy",
    "linear",
    "lob",
    "mailgun",
    "mux",
    "onfido",
    "paddle",
    "pagerduty",
    "payqi",
    "paystack",
    "payvost",
    "persona",
    "razorpay",
    "replicate",
    "resend",
    "sendgrid",
    "sentry",
    "shopify",
    "slack",
    "square",
    "standard-webhooks",
    "standard-webhooks-v1a",
    "stripe",
    "sumsub",
    "twilio",
    "twitch",
    "typeform",
    "vercel",
    "veriff",
    "verifynow",
    "workos",
    "zendesk",
    "zoom",
];

pub struct Run {
    command: Command,
    stdin: Option<Vec<u8>>,
    _home: tempfile::TempDir,
    dir: PathBuf,
}

pub fn hookctl(args: &[&str]) -> Run {
    let home = tempfile::tempdir().expect("temp home");
    let dir = home.path().join("work");
    std::fs::create_dir(&dir).expect("work dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_hookctl"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    Run { command, stdin: None, _home: home, dir }
}

impl Run {
    /// Replaces the arguments.
    pub fn command_args(&mut self, args: &[&str]) {
        let program = self.command.get_program().to_owned();
        let mut command = Command::new(program);
        command.args(args).current_dir(&self.dir).env_clear();
        for (key, value) in self.command.get_envs() {
            if let Some(value) = value {
                command.env(key, value);
            }
        }
        self.command = command;
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        if key == "HOOKCTL_SECRET" {
            self.command.envs(KEY_PAIRS);
        }
        self
    }

    /// Removes a variable (one `env("HOOKCTL_SECRET", …)` set beside the secret).
    pub fn without_env(mut self, key: &str) -> Self {
        self.command.env_remove(key);
        self
    }

    pub fn stdin(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.stdin = Some(bytes.into());
        self
    }

    /// A file in the working folder.
    /// Runs in `dir` (which outlives the run) instead of a fresh folder of its own.
    pub fn in_dir(mut self, dir: &std::path::Path) -> Self {
        self.command.current_dir(dir);
        self.dir = dir.to_owned();
        self
    }

    /// Where a file of the working folder lives.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    pub fn file(self, name: &str, content: impl AsRef<[u8]>) -> Self {
        let path = self.dir.join(name);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(path, content).expect("write");
        self
    }

    /// Starts the command with piped stdout and stderr, for tests that read as it runs.
    pub fn spawn_piped(&mut self) -> std::process::Child {
        self.command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::null());
        self.command.spawn().expect("hookctl runs")
    }

    pub fn output(mut self) -> Output {
        self.command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = self.command.spawn().expect("hookctl runs");
        let mut stdin = child.stdin.take().expect("piped");
        stdin.write_all(&self.stdin.take().unwrap_or_default()).expect("write stdin");
        drop(stdin);
        child.wait_with_output().expect("hookctl finishes")
    }

    /// Runs and checks the exit code; returns (stdout, stderr).
    pub fn code(self, expected: i32) -> (String, String) {
        let output = self.output();
        let stdout = String::from_utf8(output.stdout).expect("UTF-8 stdout");
        let stderr = String::from_utf8(output.stderr).expect("UTF-8 stderr");
        assert_eq!(output.status.code(), Some(expected), "stdout:\n{stdout}\nstderr:\n{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        (stdout, stderr)
    }

    pub fn ok(self) -> String {
        self.code(0).0
    }
}

pub fn header<'a>(stdout: &'a str, name: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(": "))
        .unwrap_or_else(|| panic!("no `{name}` header in:\n{stdout}"))
}

pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("any key length");
    mac.update(message);
    hex::encode(mac.finalize().into_bytes())
}

/// A request as the test server received it.
#[derive(Debug, Clone)]
pub struct Captured {
    /// When the request arrived.
    pub at: Instant,
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn request(&self) -> hookctl::request::Request {
        hookctl::request::Request {
            method: self.method.clone(),
            target: self.target.clone(),
            headers: self.headers.iter().cloned().collect(),
            body: self.body.clone().into(),
        }
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

#[derive(Default)]
struct ServerState {
    captured: Vec<Captured>,
    /// Statuses to answer, in order; 200 once they run out.
    script: std::collections::VecDeque<u16>,
    /// How long each answer takes.
    delay: Duration,
}

/// A real axum server on port 0 that records every request and answers from a script.
pub struct TestServer {
    pub port: u16,
    state: std::sync::Arc<std::sync::Mutex<ServerState>>,
}

impl TestServer {
    pub fn start() -> Self {
        Self::answering(&[])
    }

    pub fn answering(statuses: &[u16]) -> Self {
        Self::answering_after(statuses, Duration::ZERO)
    }

    /// Answers from the script, each answer `delay` after its request arrived (a slow receiver).
    pub fn answering_after(statuses: &[u16], delay: Duration) -> Self {
        use axum::body::Bytes;
        use axum::extract::State;
        use axum::http::{HeaderMap, Method, StatusCode, Uri};

        let state = std::sync::Arc::new(std::sync::Mutex::new(ServerState {
            captured: Vec::new(),
            script: statuses.iter().copied().collect(),
            delay,
        }));
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind port 0");
        listener.set_nonblocking(true).expect("non-blocking");
        let port = listener.local_addr().expect("address").port();

        async fn capture(
            State(state): State<std::sync::Arc<std::sync::Mutex<ServerState>>>,
            method: Method,
            uri: Uri,
            headers: HeaderMap,
            body: Bytes,
        ) -> (StatusCode, &'static str) {
            let (status, delay) = {
                let mut state = state.lock().expect("not poisoned");
                state.captured.push(Captured {
                    at: Instant::now(),
                    method: method.to_string(),
                    target: uri.path_and_query().map(ToString::to_string).unwrap_or_default(),
                    headers: headers.iter().map(|(n, v)| (n.to_string(), v.as_bytes().to_vec())).collect(),
                    body: body.to_vec(),
                });
                (state.script.pop_front().unwrap_or(200), state.delay)
            };
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            (StatusCode::from_u16(status).expect("valid status"), "{\"received\":true}")
        }

        let router = axum::Router::new().fallback(capture).with_state(state.clone());
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
                let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                    let _ = tcp.set_nodelay(true);
                });
                axum::serve(listener, router).await.expect("serve");
            });
        });
        Self { port, state }
    }

    pub fn requests(&self) -> Vec<Captured> {
        self.state.lock().expect("not poisoned").captured.clone()
    }

    pub fn to(&self) -> String {
        self.port.to_string()
    }
}

/// A running `hookctl listen --port 0` with its own store; killed when dropped.
pub struct Listening {
    child: Child,
    /// Started under a setup in a process group of its own: signals go to the whole group.
    group: bool,
    pub port: u16,
    pub lines: Arc<Mutex<Vec<String>>>,
    pub store: std::path::PathBuf,
    _dir: Option<tempfile::TempDir>,
}

pub fn listen(args: &[&str]) -> Listening {
    listen_with_env(args, &[])
}

/// A listener with extra environment (its own secrets).
pub fn listen_with_env(args: &[&str], env: &[(&str, &str)]) -> Listening {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let mut listening = listen_on_with(&store, args, env);
    listening._dir = Some(dir);
    listening
}

pub fn listen_on(store: &std::path::Path, args: &[&str]) -> Listening {
    listen_on_with(store, args, &[])
}

fn listen_on_with(store: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Listening {
    listen_under(None, store, args, env)
}

/// A listener started by bash after `setup` (limits, traps), on its own store.
pub fn listen_after(setup: &str, args: &[&str]) -> Listening {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let mut listening = listen_under(Some(setup), &store, args, &[]);
    listening._dir = Some(dir);
    listening
}

fn listen_under(setup: Option<&str>, store: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Listening {
    let mut command = match setup {
        Some(setup) => {
            let mut command = Command::new("bash");
            command.args(["-c", &format!("{setup}; exec \"$0\" \"$@\""), env!("CARGO_BIN_EXE_hookctl")]);
            // A group of its own: what the setup runs the listener under (strace) is stopped with it, and the
            // listener does not outlive a tracer that is killed.
            std::os::unix::process::CommandExt::process_group(&mut command, 0);
            command
        }
        None => Command::new(env!("CARGO_BIN_EXE_hookctl")),
    };
    let mut child = command
        .args(["listen", "--port", "0", "--store"])
        .arg(store)
        .args(args)
        .env_clear()
        .env("HOME", store.parent().expect("dir"))
        .env("HOOKCTL_SECRET", SECRET)
        .envs(KEY_PAIRS)
        .env("VERIFYNOW_API_KEY", "key-1")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("listen starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("piped"));
    let mut port = None;
    let mut line = String::new();
    while port.is_none() {
        line.clear();
        assert!(stderr.read_line(&mut line).expect("stderr") > 0, "listen exited before it was ready");
        port = line.split("://127.0.0.1:").nth(1).and_then(|rest| rest.split_whitespace().next()?.parse().ok());
    }
    std::thread::spawn(move || for _ in stderr.lines() {});
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            sink.lock().expect("not poisoned").push(line);
        }
    });
    let group = setup.is_some();
    Listening { child, group, port: port.expect("a port"), lines, store: store.to_owned(), _dir: None }
}

impl Listening {
    pub fn to(&self) -> String {
        self.port.to_string()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The printed lines, once there are at least `count`.
    pub fn wait_lines(&self, count: usize) -> Vec<String> {
        let started = Instant::now();
        loop {
            let lines = self.lines.lock().expect("not poisoned").clone();
            if lines.len() >= count {
                return lines;
            }
            assert!(started.elapsed() < Duration::from_secs(20), "only {} lines: {lines:#?}", lines.len());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn events(&self) -> Vec<Value> {
        let stdout = hookctl(&["events", "list", "--json", "--store", self.store.to_str().expect("UTF-8")]).ok();
        stdout.lines().map(|l| serde_json::from_str(l).expect("JSON")).collect()
    }

    /// Asks the listener to stop (SIGTERM) and waits for its exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        Command::new("kill").args(["-TERM", "--", &self.target()]).status().expect("kill runs");
        self.child.wait().expect("exits")
    }

    pub fn kill(&mut self) {
        if self.group {
            let _ = Command::new("kill").args(["-KILL", "--", &self.target()]).status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What `kill` signals: the listener, or its whole group.
    fn target(&self) -> String {
        if self.group { format!("-{}", self.child.id()) } else { self.child.id().to_string() }
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The provider event ids a store holds, read straight from its SQLite file after an integrity check.
pub fn event_ids(store: &std::path::Path) -> std::collections::BTreeSet<String> {
    let connection = rusqlite::Connection::open(store).expect("opens");
    let integrity: String = connection.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("checks");
    assert_eq!(integrity, "ok");
    let mut query = connection.prepare("SELECT event_id FROM events WHERE event_id IS NOT NULL").expect("query");
    query.query_map([], |r| r.get(0)).expect("rows").map(|id| id.expect("text")).collect()
}

/// A listener on a PostgreSQL store (its URL), with a home folder of its own.
pub fn listen_postgres(url: &str, args: &[&str]) -> Listening {
    listen_postgres_with(url, args, &[])
}

/// `listen_postgres` with more environment variables.
pub fn listen_postgres_with(url: &str, args: &[&str], env: &[(&str, &str)]) -> Listening {
    let dir = tempfile::tempdir().expect("temp dir");
    let home = dir.path().to_str().expect("UTF-8").to_owned();
    let mut all = vec![("HOME", home.as_str())];
    all.extend_from_slice(env);
    let mut listening = listen_under(None, std::path::Path::new(url), args, &all);
    listening._dir = Some(dir);
    listening
}

/// How many events of a SQLite store its search index finds for an FTS5 query.
pub fn indexed_matches(store: &std::path::Path, query: &str) -> i64 {
    let connection = rusqlite::Connection::open(store).expect("opens");
    connection
        .query_row("SELECT count(*) FROM events_text WHERE events_text MATCH ?1", [query], |r| r.get(0))
        .expect("the search index")
}
