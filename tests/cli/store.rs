//! The store under faults: durable past a power loss, closed on a clean stop, a bounded WAL, damaged rows and
//! pages, a file-size limit, a read-only mount, and the permissions of a store that already exists.

use std::path::Path;
use std::time::Duration;

use crate::common::*;

fn send(args: &[&str]) -> Run {
    hookctl(&[&["send"], args].concat()).env("HOOKCTL_SECRET", SECRET).env("VERIFYNOW_API_KEY", "key-1")
}

/// How many fsync and fdatasync calls an strace log holds.
fn syncs(log: &Path) -> usize {
    let text = std::fs::read_to_string(log).expect("strace log");
    text.lines().filter(|l| l.contains("fsync(") || l.contains("fdatasync(")).count()
}

#[test]
fn each_acknowledged_delivery_is_fsynced_before_its_answer() {
    let _heavy = heavy();
    let dir = tempfile::tempdir().expect("temp dir");
    let log = dir.path().join("strace.log");
    // strace replaces the shell and starts the listener under it; -o keeps the listener's own stderr as it is.
    let setup = format!("exec strace -f -qq -e trace=fsync,fdatasync -o '{}' \"$0\" \"$@\"", log.display());
    let listening = listen_after(&setup, &[]);
    let before = syncs(&log);
    // One at a time, so each delivery is a batch of its own: with synchronous=FULL each is fsynced before its
    // 2xx; with NORMAL only the checkpoints (a few a second) would fsync.
    send(&["payvost", "payment.succeeded", "--to", &listening.to(), "--repeat", "60", "--concurrency", "1"]).ok();
    listening.wait_lines(60);
    let synced = syncs(&log) - before;
    assert!(synced >= 60, "{synced} fsyncs for 60 acknowledged batches");
}

/// `send --repeat N --concurrency 16` in the background; `acknowledged` waits for it and returns the event ids
/// answered 2xx.
struct Load(std::thread::JoinHandle<String>);

impl Load {
    fn start(port: u16, deliveries: usize) -> Self {
        let to = port.to_string();
        let repeat = deliveries.to_string();
        Self(std::thread::spawn(move || {
            let args =
                ["payvost", "payment.succeeded", "--json", "--concurrency", "16", "--to", &to, "--repeat", &repeat];
            let output = send(&args).output();
            String::from_utf8(output.stdout).expect("UTF-8")
        }))
    }

    fn acknowledged(self) -> std::collections::BTreeSet<String> {
        let stdout = self.0.join().expect("send ends");
        stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .filter(|value| value["kind"] == "delivery" && value["ok"] == true)
            .map(|value| value["event_id"].as_str().expect("an event id").to_owned())
            .collect()
    }
}

fn wal(store: &Path) -> std::path::PathBuf {
    let mut path = store.as_os_str().to_owned();
    path.push("-wal");
    path.into()
}

#[test]
fn the_wal_stays_small_under_sustained_load() {
    let _heavy = heavy();
    let listening = listen(&[]);
    let load = Load::start(listening.port, 4000);
    let wal = wal(&listening.store);
    let mut largest = 0;
    while !load.0.is_finished() {
        largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        std::thread::sleep(Duration::from_millis(2));
    }
    let acknowledged = load.acknowledged();
    assert_eq!(acknowledged.len(), 4000);
    eprintln!("largest WAL: {largest} bytes over 4000 deliveries");
    assert!(largest <= 6 * 1024 * 1024, "the WAL grew to {largest} bytes");
}

/// The provider event ids stored in the database file alone (a copy without its `-wal`), checked whole.
fn ids_in_main_file(store: &Path) -> std::collections::BTreeSet<String> {
    let copy = tempfile::tempdir().expect("temp dir");
    let alone = copy.path().join("events.db");
    std::fs::copy(store, &alone).expect("copies");
    let connection = rusqlite::Connection::open(&alone).expect("opens");
    let integrity: String = connection.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("checks");
    assert_eq!(integrity, "ok");
    let mut query = connection.prepare("SELECT event_id FROM events").expect("query");
    query.query_map([], |r| r.get(0)).expect("rows").map(|id| id.expect("text")).collect()
}

#[test]
fn sigterm_mid_load_closes_the_store_into_its_main_file() {
    let _heavy = heavy();
    let mut listening = listen(&[]);
    let load = Load::start(listening.port, 3000);
    listening.wait_lines(1000);
    let status = listening.terminate();
    assert!(status.success(), "{status:?}");
    let acknowledged = load.acknowledged();
    let wal = std::fs::metadata(wal(&listening.store)).map_or(0, |m| m.len());
    assert_eq!(wal, 0, "a clean stop leaves no WAL behind");
    let stored = ids_in_main_file(&listening.store);
    assert!(acknowledged.len() >= 1000 && acknowledged.is_subset(&stored), "every acknowledged event is in the file");
}
