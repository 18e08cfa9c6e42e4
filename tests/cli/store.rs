//! The store under faults: durable past a power loss, closed on a clean stop, a bounded WAL, damaged rows and
//! pages, a file-size limit, a read-only mount, and the permissions of a store that already exists.

use std::path::Path;

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
