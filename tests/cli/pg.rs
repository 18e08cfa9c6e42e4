//! A throwaway PostgreSQL cluster for the suite: initdb and pg_ctl under target/, run by an unprivileged user
//! (`postgres` when the suite runs as root, as CI does), on a free loopback port. A watcher stops it and removes
//! it once the test process is gone. Each test gets a database of its own.
//!
//! `HOOKCTL_TEST_PG=off` skips the PostgreSQL tests, loudly; nothing else does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    /// The server's self-signed certificate (for 127.0.0.1), when openssl made one: it then accepts TLS.
    pub certificate: Option<PathBuf>,
}

/// A fresh, empty database's URL, or `None` (said on stderr) when the PostgreSQL tests are off.
pub fn database(test: &str) -> Option<String> {
    if std::env::var("HOOKCTL_TEST_PG").as_deref() == Ok("off") {
        // Straight to the terminal, past the test harness's capture: a skipped test is not a quiet pass.
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "!!!!! SKIPPED {test}: the PostgreSQL tests are off (HOOKCTL_TEST_PG=off) !!!!!"
        );
        return None;
    }
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let cluster = cluster();
    let name = format!("t{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
    cluster.psql("postgres", &format!("CREATE DATABASE {name}"));
    Some(cluster.url(&name))
}

pub fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

impl Cluster {
    pub fn url(&self, database: &str) -> String {
        format!("postgres://hookctl@127.0.0.1:{}/{database}", self.port)
    }

    /// Runs SQL in a database with psql; its output, unaligned.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let output = Command::new(self.bin.join("psql"))
            .args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-U", "hookctl"])
            .args(["-p", &self.port.to_string(), "-d", database, "-c", sql])
            .output()
            .expect("psql runs");
        assert!(output.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("UTF-8").trim().to_owned()
    }

    fn start() -> Self {
        let bin = binaries();
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        // The folders of earlier runs' clusters, emptied by their watchers (which may not remove the folder itself).
        for entry in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("postgres-")
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let root = tmp.join(format!("postgres-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("cluster folder");
        let as_root = is_root();
        if as_root {
            // initdb refuses root: the cluster belongs to the unprivileged `postgres` user (made if missing).
            if !Command::new("id").args(["-u", "postgres"]).stdout(Stdio::null()).status().is_ok_and(|s| s.success()) {
                let made = Command::new("useradd").args(["--system", "--no-create-home", "postgres"]).status();
                assert!(made.is_ok_and(|s| s.success()), "cannot create the postgres user");
            }
            let chown = Command::new("chown").args(["-R", "postgres"]).arg(&root).status().expect("chown runs");
            assert!(chown.success());
        }
        let data = root.join("data");
        let port = free_port();
        let initdb = format!(
            "'{}' -D '{}' -U hookctl -A trust -E UTF8 --no-sync >'{}/initdb.log' 2>&1",
            bin.join("initdb").display(),
            data.display(),
            root.display()
        );
        // Started, then watched: when the test process is gone, the cluster is stopped and removed. With openssl,
        // it accepts TLS with a self-signed certificate for 127.0.0.1 (its copy in the root, for clients to trust).
        let script = format!(
            "{initdb} || exit 1
             SSL=
             if openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
                    -addext subjectAltName=IP:127.0.0.1 -addext basicConstraints=critical,CA:FALSE \
                    -keyout '{data}/server.key' -out '{data}/server.crt' >/dev/null 2>&1; then
                 chmod 600 '{data}/server.key' && cp '{data}/server.crt' '{root}/server.crt' && SSL='-c ssl=on'
             fi
             '{pg_ctl}' -D '{data}' -l '{root}/server.log' -w -t 60 \
                 -o \"-p {port} -c listen_addresses=127.0.0.1 -k '{root}' -c max_connections=300 $SSL\" start >/dev/null || exit 1
             touch '{root}/ready'
             while [ -d /proc/{parent} ]; do sleep 1; done
             '{pg_ctl}' -D '{data}' -m fast -w stop >/dev/null
             rm -rf '{root}'",
            pg_ctl = bin.join("pg_ctl").display(),
            data = data.display(),
            root = root.display(),
            parent = std::process::id(),
        );
        let mut command = if as_root {
            let mut command = Command::new("setsid");
            command.args(["runuser", "-u", "postgres", "--", "sh", "-c", &script]);
            command
        } else {
            let mut command = Command::new("setsid");
            command.args(["sh", "-c", &script]);
            command
        };
        let mut watcher = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the cluster's watcher starts");
        let started = Instant::now();
        while !root.join("ready").exists() {
            if let Ok(Some(status)) = watcher.try_wait() {
                let log = |name: &str| std::fs::read_to_string(root.join(name)).unwrap_or_default();
                panic!(
                    "PostgreSQL did not start ({status}); set HOOKCTL_TEST_PG=off to skip its tests\n{}\n{}",
                    log("initdb.log"),
                    log("server.log")
                );
            }
            assert!(started.elapsed() < Duration::from_secs(120), "PostgreSQL did not start within 2 minutes");
            std::thread::sleep(Duration::from_millis(50));
        }
        // Reaped by init once this process ends.
        std::mem::forget(watcher);
        let certificate = Some(root.join("server.crt")).filter(|c| c.exists());
        Self { port, bin, certificate }
    }
}

/// The folder of initdb, pg_ctl and psql: on PATH, else Debian's newest /usr/lib/postgresql/N/bin.
fn binaries() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return bin;
    }
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path).find(|dir| dir.join("initdb").exists() && dir.join("pg_ctl").exists())
    });
    on_path.expect(
        "PostgreSQL's initdb is not installed (`apt-get install postgresql`, which .ci/run does); \
         HOOKCTL_TEST_PG=off skips these tests",
    )
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("binds").local_addr().expect("address").port()
}
