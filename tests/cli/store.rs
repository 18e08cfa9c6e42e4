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
    event_ids(&alone)
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

/// A store at `dir/events.db` holding `count` imported payvost events (ids evt_1…), closed.
fn imported_store(dir: &Path, count: usize) -> std::path::PathBuf {
    let store = dir.join("events.db");
    let padding = "x".repeat(600);
    let captures: String = (1..=count)
        .map(|n| {
            let body = format!(r#"{{"id":"evt_{n}","type":"payment.created","note":"{padding}"}}"#);
            let capture =
                serde_json::json!({"method": "POST", "target": "/webhooks/payvost", "headers": [], "body": body});
            format!("{capture}\n")
        })
        .collect();
    hookctl(&["events", "import", "-", "--store", store.to_str().expect("UTF-8")]).stdin(captures).ok();
    store
}

#[test]
fn a_damaged_row_is_skipped_and_named_and_every_later_event_still_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = imported_store(dir.path(), 4);
    let connection = rusqlite::Connection::open(&store).expect("opens");
    // Headers that are not text, and headers that are not JSON: neither can be read back as a request.
    connection.execute("UPDATE events SET headers = x'ff00' WHERE id = 2", []).expect("damages");
    connection.execute("UPDATE events SET headers = '[[' WHERE id = 3", []).expect("damages");
    drop(connection);
    let path = store.to_str().expect("UTF-8");

    let (stdout, stderr) = hookctl(&["events", "list", "--json", "--store", path]).code(1);
    let ids: Vec<i64> = stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(ids, [1, 4], "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("skipped 2 unreadable events (#2, #3") && stderr.contains("events delete 2 3"), "{stderr}");

    let (stdout, stderr) = hookctl(&["events", "export", "--store", path]).code(1);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(stderr.contains("exported 2 events") && stderr.contains("#2, #3"), "{stderr}");
    let (_, stderr) = hookctl(&["events", "show", "2", "--store", path]).code(1);
    assert!(stderr.contains("event #2 cannot be read") && stderr.contains("events delete 2"), "{stderr}");

    // Deleting the damaged rows, as the message says, leaves a store that reads whole.
    hookctl(&["events", "delete", "2", "3", "--store", path]).ok();
    assert_eq!(hookctl(&["events", "list", "--store", path]).ok().lines().count(), 2);
}

#[test]
fn listen_refuses_a_store_with_damaged_pages_and_says_how_to_recover() {
    use std::io::{Seek as _, Write as _};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = imported_store(dir.path(), 300);
    // Garbage over a page in the middle of the file: a leaf of the events table or of an index.
    let mut file = std::fs::OpenOptions::new().write(true).open(&store).expect("opens");
    let middle = file.metadata().expect("metadata").len() / 2 / 4096 * 4096;
    file.seek(std::io::SeekFrom::Start(middle)).expect("seeks");
    file.write_all(&[0x5a; 4096]).expect("damages");
    drop(file);

    let (code, stderr) = listen_refused(&store);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("damaged") && stderr.contains("hookctl events export") && stderr.contains("new store"),
        "{stderr}"
    );
}

/// `listen` on `store`, which must refuse it: its exit code and stderr (a listener that starts is a failure).
fn listen_refused(store: &Path) -> (Option<i32>, String) {
    let mut listener = std::process::Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(["listen", "--port", "0", "--store"])
        .arg(store)
        .env_clear()
        .env("HOME", store.parent().expect("a folder"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("listen starts");
    let started = std::time::Instant::now();
    while listener.try_wait().expect("waits").is_none() {
        if started.elapsed() > Duration::from_secs(10) {
            let _ = listener.kill();
            panic!("listen started on {}", store.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = listener.wait_with_output().expect("exits");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn is_root() -> bool {
    std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.trim_ascii() == b"0")
}

/// Runs hookctl with `dir` read-only: as root (whom permission bits do not stop) under a read-only bind mount
/// in a mount namespace of its own, so nothing stays mounted; otherwise with the folder 0555 and its files 0444.
fn on_read_only(dir: &Path, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::PermissionsExt as _;
    let folder = dir.to_str().expect("UTF-8");
    if is_root() {
        let script = r#"mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$0" "$@""#;
        return std::process::Command::new("unshare")
            .args(["--mount", "--propagation", "private", "sh", "-c", script, env!("CARGO_BIN_EXE_hookctl"), folder])
            .args(args)
            .env_clear()
            .env("HOME", folder)
            .env("HOOKCTL_SECRET", SECRET)
            .output()
            .expect("unshare runs");
    }
    let set = |mode: u32| {
        for entry in std::fs::read_dir(dir).expect("lists") {
            let path = entry.expect("entry").path();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & 0o666)).expect("chmod");
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    set(0o555);
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hookctl"))
        .args(args)
        .env_clear()
        .env("HOME", folder)
        .env("HOOKCTL_SECRET", SECRET)
        .output()
        .expect("hookctl runs");
    set(0o700);
    output
}

/// Every reading command, on a read-only copy of `store`: each works and reads `count` events.
fn read_commands_work_read_only(store: &Path, count: usize) {
    let dir = store.parent().expect("a folder");
    let path = store.to_str().expect("UTF-8");
    let app = TestServer::start();
    let to = app.to();
    let runs: [(&[&str], usize); 5] = [
        (&["events", "list", "--store", path], count),
        (&["events", "export", "--store", path], count),
        (&["events", "show", "1", "--store", path], 0),
        (&["verify", "--event", "1", "--store", path], 0),
        (&["replay", "--last", "2", "--to", &to, "--yes", "--store", path], 0),
    ];
    for (args, lines) in runs {
        let output = on_read_only(dir, args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        // verify reaches a verdict: an imported event carries no signature (3), a received one is valid (0).
        let verdicts: &[i32] = if args[0] == "verify" { &[0, 3] } else { &[0] };
        assert!(output.status.code().is_some_and(|c| verdicts.contains(&c)), "{args:?}: {stderr}");
        assert!(!stderr.contains("store"), "{args:?}: {stderr}");
        if lines > 0 {
            assert_eq!(stdout.lines().count(), lines, "{args:?}: {stdout}");
        }
    }
    assert_eq!(app.requests().len(), 2, "the replay delivered");
}

#[cfg(unix)]
#[test]
fn reading_commands_work_on_a_read_only_store() {
    // A store closed cleanly: no -wal, no -shm, and none can be made.
    let dir = tempfile::tempdir().expect("temp dir");
    let store = imported_store(dir.path(), 3);
    read_commands_work_read_only(&store, 3);

    // A listener killed mid-run leaves its -wal (holding the events) and -shm: they are read too.
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let mut listening = listen_on(&store, &[]);
    send(&["payvost", "payment.succeeded", "--to", &listening.to(), "--repeat", "4"]).ok();
    listening.wait_lines(4);
    listening.kill();
    assert!(std::fs::metadata(wal(&store)).is_ok_and(|m| m.len() > 0), "the WAL holds the events");
    read_commands_work_read_only(&store, 4);
}

#[cfg(unix)]
#[test]
fn an_existing_store_others_can_read_is_made_owner_only_and_a_link_to_it_refused() {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = |path: &Path| std::fs::metadata(path).expect("exists").permissions().mode() & 0o777;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = imported_store(dir.path(), 1);
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o666)).expect("chmod");

    // A link is not followed silently: the listener names the target and stops.
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&store, &link).expect("links");
    let (code, stderr) = listen_refused(&link);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("symbolic link to") && stderr.contains(&*store.to_string_lossy()), "{stderr}");
    assert_eq!(mode(&store), 0o666, "the target is left as it was");

    // The store itself is made owner-only, with a note, before its -wal and -shm are made.
    let capture = r#"{"method":"POST","target":"/webhooks/payvost","headers":[],"body":"{\"id\":\"evt_x\"}"}"#;
    let (_, stderr) =
        hookctl(&["events", "import", "-", "--store", store.to_str().expect("UTF-8")]).stdin(capture).code(0);
    assert!(stderr.contains("could be read by others (mode 0666)") && stderr.contains("owner-only"), "{stderr}");
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let listening = listen_on(&store, &[]);
    send(&["payvost", "payment.succeeded", "--to", &listening.to()]).ok();
    listening.wait_lines(1);
    let mut shm = store.as_os_str().to_owned();
    shm.push("-shm");
    for file in [store.clone(), wal(&store), shm.into()] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
}

/// A store an earlier hookctl wrote (schema version 1: the events table alone) is read as it is by the reading
/// commands, read-only and unchanged; the first writing command upgrades it, search index included.
#[test]
fn a_store_of_an_earlier_schema_is_read_as_it_is_and_upgraded_by_a_writer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = imported_store(dir.path(), 3);
    let version = |store: &Path| -> i64 {
        let connection = rusqlite::Connection::open(store).expect("opens");
        connection.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("a version")
    };
    {
        let connection = rusqlite::Connection::open(&store).expect("opens");
        connection
            .execute_batch(
                "DROP TABLE handled; DROP TABLE tokens; DROP TABLE search_indexed; DROP TABLE events_text;
                 DROP INDEX events_verdict; DROP TRIGGER events_text_delete; DROP INDEX events_partial;
                 ALTER TABLE events DROP COLUMN partial;
                 PRAGMA user_version = 1;",
            )
            .expect("back to schema 1");
    }
    let at = store.to_str().expect("UTF-8");
    let before = std::fs::read(&store).expect("the file");
    let listed = hookctl(&["events", "list", "--json", "--store", at]).ok();
    assert_eq!(listed.lines().count(), 3, "{listed}");
    hookctl(&["events", "show", "2", "--store", at]).ok();
    hookctl(&["events", "export", "--store", at]).ok();
    assert_eq!(version(&store), 1, "reading changed nothing");
    assert!(std::fs::read(&store).expect("the file") == before, "reading changed nothing");

    // A writing command upgrades it; the full-text index covers the events stored before it existed.
    let capture = serde_json::json!({"method": "POST", "target": "/webhooks/payvost", "headers": [],
        "body": r#"{"id":"evt_4","type":"payment.created"}"#});
    hookctl(&["events", "import", "-", "--store", at]).stdin(format!("{capture}\n")).ok();
    assert!(version(&store) > 1);
    assert_eq!(indexed_matches(&store, "evt_2 OR evt_4"), 2, "the events from before and the one imported");
}

/// The search index is kept apart from the acknowledgements: a listener indexes what it stored once no delivery
/// has come for a moment, and stops with the index whole.
#[test]
fn a_listener_indexes_what_it_stored_for_search_when_idle() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let listening = listen_on(&store, &["--no-ui"]);
    for _ in 0..3 {
        send(&["payvost", "payment.succeeded", "--to", &listening.to()]).ok();
    }
    listening.wait_lines(3);
    let indexed = || -> i64 {
        let connection = rusqlite::Connection::open(&store).expect("opens");
        connection.query_row("SELECT upto FROM search_indexed", [], |r| r.get(0)).expect("how far")
    };
    let started = std::time::Instant::now();
    while indexed() < 3 {
        assert!(started.elapsed() < Duration::from_secs(5), "indexed up to #{} of 3", indexed());
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(listening);
    assert_eq!(indexed_matches(&store, "payvost"), 3);
}

#[test]
fn last_n_selects_the_newest_n_and_last_0_selects_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = imported_store(dir.path(), 3);
    let at = store.to_str().expect("UTF-8");
    let ids = |last: &str| -> Vec<i64> {
        let listed = hookctl(&["events", "list", "--json", "--last", last, "--store", at]).ok();
        listed
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("JSON")["id"].as_i64().expect("id"))
            .collect()
    };
    assert_eq!(ids("2"), vec![2, 3]);
    assert_eq!(ids("0"), Vec::<i64>::new());
}

/// A body over 256 KiB is written in parts between other deliveries' commits, and stored exactly.
#[test]
fn a_large_body_is_stored_exactly() {
    use std::io::{Read as _, Write as _};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = dir.path().join("events.db");
    let listening = listen_on(&store, &["--no-ui"]);
    let padding: String = (0..3 * 1024 * 1024 + 17).map(|n| char::from(b'a' + (n % 26) as u8)).collect();
    let body = format!(r#"{{"id":"evt_big","type":"payment.succeeded","pad":"{padding}"}}"#);
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", listening.port)).expect("connects");
    let head = format!(
        "POST /webhooks/payvost HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("writes");
    // A small delivery while the large one is stored.
    send(&["payvost", "payment.created", "--to", &listening.to()]).ok();
    stream.write_all(body.as_bytes()).expect("writes");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 2"), "{}", answer.lines().next().unwrap_or_default());
    listening.wait_lines(2);
    let connection = rusqlite::Connection::open(&store).expect("opens");
    let (stored, partial): (Vec<u8>, i64) = connection
        .query_row("SELECT body, partial FROM events WHERE event_id = 'evt_big'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("stored");
    assert_eq!(partial, 0);
    assert!(stored == body.as_bytes(), "the body exactly ({} bytes of {})", stored.len(), body.len());
}
