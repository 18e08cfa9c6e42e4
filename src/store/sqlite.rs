//! The embedded store: SQLite (bundled) in WAL mode, versioned migrations, batched writes.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, params};

use super::{
    Backend, Filter, Handled, PageQuery, Parts, Selection, StoredEvent, Unreadable, VerdictFilter, headers_json,
};
use crate::error::Error;
use crate::request::{Request, RequestJson};

/// The schema, one migration per version; `PRAGMA user_version` records how many have run.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        received_at INTEGER NOT NULL,     -- unix milliseconds
        provider TEXT,
        event_type TEXT,
        event_id TEXT,
        method TEXT NOT NULL,
        target TEXT NOT NULL,
        headers TEXT NOT NULL,            -- [[name, value | {\"base64\": …}], …]
        body BLOB NOT NULL,
        verdict TEXT NOT NULL,            -- valid, unsigned, mismatch, stale, … (verify's codes)
        verdict_detail TEXT NOT NULL,
        payload_status TEXT NOT NULL,     -- valid, invalid, unknown-event, untyped, not-json
        payload_detail TEXT NOT NULL,
        duplicate INTEGER NOT NULL,
        answer_status INTEGER NOT NULL,
        forward_status INTEGER,
        forward_ms REAL
    );
    CREATE INDEX events_provider_event_id ON events (provider, event_id);
    CREATE INDEX events_received_at ON events (received_at);",
    // Full-text search over headers and bodies (the inspector's search box): an FTS5 index that stores no copy
    // of the text, kept in step with the events table by triggers, so every writer keeps it current. A body is
    // indexed in its first 256 KiB: tokenizing a 10 MiB body takes the writer ~0.4 s, which every delivery
    // acknowledged after it would wait for.
    "CREATE VIRTUAL TABLE events_text USING fts5(headers, body, content = '', contentless_delete = 1);
    INSERT INTO events_text (rowid, headers, body)
        SELECT id, headers, CAST(substr(body, 1, 262144) AS TEXT) FROM events;
    CREATE TRIGGER events_text_insert AFTER INSERT ON events BEGIN
        INSERT INTO events_text (rowid, headers, body)
            VALUES (new.id, new.headers, CAST(substr(new.body, 1, 262144) AS TEXT));
    END;
    CREATE TRIGGER events_text_delete AFTER DELETE ON events BEGIN
        DELETE FROM events_text WHERE rowid = old.id;
    END;
    -- The inspector's verdict filter: a verdict that few events have is found without reading the others.
    CREATE INDEX events_verdict ON events (verdict);",
    // Per-person tokens for a shared inspector: only each token's SHA-256 is kept.
    "CREATE TABLE tokens (name TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL);",
    // What subscribers' apps answered (`listen --from` reports it): who handled what.
    "CREATE TABLE handled (event INTEGER NOT NULL, by TEXT NOT NULL, status INTEGER NOT NULL, ms REAL NOT NULL,
        at INTEGER NOT NULL);
    CREATE INDEX handled_event ON handled (event);",
    // The search index is brought up to date after events are committed, a few hundred at a time, off the
    // path of an acknowledgement (`catch_up_search`): the insert trigger indexed each batch as it was
    // committed, which cost the listener half its throughput (FTS5 indexes a few hundred rows at once for a
    // fraction of what it costs in small batches). Every event up to `search_indexed.upto` is in the index.
    "DROP TRIGGER events_text_insert;
    DROP TRIGGER events_text_delete;
    CREATE TABLE search_indexed (upto INTEGER NOT NULL);
    INSERT INTO search_indexed VALUES ((SELECT coalesce(max(id), 0) FROM events));
    CREATE TRIGGER events_text_delete AFTER DELETE ON events BEGIN
        DELETE FROM events_text WHERE rowid = old.id AND old.id <= (SELECT upto FROM search_indexed);
        -- SQLite gives the id of a deleted newest event again: that next event is indexed too.
        UPDATE search_indexed SET upto = (SELECT coalesce(max(id), 0) FROM events)
            WHERE upto > (SELECT coalesce(max(id), 0) FROM events);
    END;",
    // A large body is written in parts, each its own transaction, so the events committed between them wait for
    // one part, not the whole body; until its last part the row is `partial` and no read shows it.
    // The search index passes partial rows by (every whole event up to `upto` is in it); one that becomes whole
    // below `upto` is indexed then, and one deleted partial was never in it.
    "ALTER TABLE events ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
    -- The few partial rows, found without reading the others (a column after the body is read through it).
    CREATE INDEX events_partial ON events (id) WHERE partial = 1;
    DROP TRIGGER events_text_delete;
    CREATE TRIGGER events_text_delete AFTER DELETE ON events BEGIN
        DELETE FROM events_text
            WHERE rowid = old.id AND old.id <= (SELECT upto FROM search_indexed) AND old.partial = 0;
        UPDATE search_indexed SET upto = (SELECT coalesce(max(id), 0) FROM events)
            WHERE upto > (SELECT coalesce(max(id), 0) FROM events);
    END;",
];

/// The schema version from which rows may be `partial`.
const PARTIAL_FROM: i64 = 6;
/// Bodies larger than this are written in parts of this size.
const PART: usize = 256 * 1024;
/// A partial row older than this (milliseconds) was left by a listener that stopped mid-body: it is deleted
/// when a listener starts (a younger one may be another listener's, still being written).
const ABANDONED_AFTER: i64 = 10 * 60 * 1000;

/// The schema version from which `search_indexed` says how far the search index goes (before it, a trigger
/// indexed every event as it was stored).
const SEARCH_INDEXED_FROM: i64 = 5;
/// A search index transaction takes at most this many events, or about this much text (a body counts with its
/// first 256 KiB, as indexed), so a delivery that arrives meanwhile waits a few milliseconds at most.
const INDEX_ROWS: i64 = 512;
const INDEX_BYTES: i64 = 512 * 1024;
/// Indexes for search the events a condition that follows selects (a body in its first 256 KiB).
const INDEX_EVENTS: &str = "INSERT INTO events_text (rowid, headers, body)
    SELECT id, headers, CAST(substr(body, 1, 262144) AS TEXT) FROM events WHERE";
/// How many events the search index may fall behind while deliveries keep the listener's writer busy.
const INDEX_LAG: i64 = 8192;

/// The size the WAL is kept to: past it the listener's writer empties it (a checkpoint), and each time it starts
/// over SQLite truncates it back to this (`journal_size_limit`): a full disk is not a 64 MiB WAL of 3 MB of data.
const WAL_LIMIT: i64 = 4 * 1024 * 1024;

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

pub struct Sqlite {
    conn: Connection,
    path: PathBuf,
    /// The mode an existing store had when others could read it, before `open` made it owner-only.
    exposed: Option<u32>,
    /// Its schema version.
    version: i64,
    /// How many events this connection stored since it last looked how far the search index is behind, plus
    /// what it saw then (an upper bound: deletions are not counted), so the listener's writer does not look
    /// after every batch.
    unindexed: Option<i64>,
}

/// A second connection to a store, for checkpoints that do not block its writer.
pub struct Checkpointer {
    conn: Connection,
}

impl Checkpointer {
    /// Copies what is committed into the database file without waiting for the writer (the WAL starts over
    /// only when a checkpoint catches up with the writer).
    pub fn passive(&self) -> rusqlite::Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
    }
}

impl Sqlite {
    /// Opens (creating it, readable by its owner only) and migrates the store at `path`.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let fail = |message: String| Error::Store { path: path.to_owned(), message };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| fail(format!("cannot create its folder: {e}")))?;
        }
        refuse_symlink(path).map_err(fail)?;
        create_private(path).map_err(|e| {
            fail(match e.kind() {
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied => {
                    format!("it cannot be written ({e}); use --store to pick a writable file")
                }
                _ => format!("cannot create it: {e}"),
            })
        })?;
        // Before SQLite opens it: the -wal and -shm it creates take the store's permissions.
        let exposed = make_private(path).map_err(fail)?;
        let conn = Connection::open(path).map_err(|e| fail(e.to_string()))?;
        let setup = || -> rusqlite::Result<()> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            // FULL: each commit fsyncs the WAL before it returns, so an acknowledged event survives a power loss
            // or a kernel crash, not only a kill -9 (NORMAL's promise). The listener commits in batches, so one
            // fsync covers every event of a batch.
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "journal_size_limit", WAL_LIMIT)?;
            Ok(())
        };
        setup().map_err(|e| fail(describe(&e)))?;
        let version: i64 =
            conn.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(|e| fail(describe(&e)))?;
        if usize::try_from(version).is_ok_and(|v| v > MIGRATIONS.len()) {
            return Err(fail(format!(
                "it was written by a newer hookctl (schema version {version}; this one knows {})",
                MIGRATIONS.len()
            )));
        }
        let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        let mut store = Self { conn, path: path.to_owned(), exposed, version: known, unindexed: None };
        store.migrate().map_err(|e| fail(describe(&e)))?;
        Ok(store)
    }

    /// Opens an existing store for reading only: `events list/show/export`, `verify --event` and `replay` work on
    /// a read-only file, folder or mount, and change nothing in it (a store an earlier hookctl wrote
    /// included: it is read as it is).
    pub fn open_read_only(path: &Path) -> Result<Self, Error> {
        let fail = |e: &rusqlite::Error| Error::Store { path: path.to_owned(), message: describe(e) };
        let open = |target: &Path, uri: bool| -> rusqlite::Result<(Connection, i64)> {
            let mut flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
            flags.set(rusqlite::OpenFlags::SQLITE_OPEN_URI, uri);
            let conn = Connection::open_with_flags(target, flags)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            // The first read is where SQLite opens the WAL's shared memory (`-shm`), and fails without it.
            let version = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
            Ok((conn, version))
        };
        let (conn, version) = match open(path, false) {
            Ok(opened) => opened,
            // A WAL store in a folder this process cannot write has no `-shm` and cannot make one. With no WAL
            // content to read either (a store closed cleanly leaves none), the file alone is the whole store:
            // SQLite reads it as immutable, taking no locks. A non-empty WAL cannot be skipped that way.
            Err(error) if std::fs::metadata(wal_path(path)).map_or(true, |m| m.len() == 0) => {
                open(Path::new(&immutable_uri(path)), true).map_err(|_| fail(&error))?
            }
            Err(error) => return Err(fail(&error)),
        };
        let known = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
        if version > known {
            let message =
                format!("it was written by a newer hookctl (schema version {version}; this one knows {known})");
            return Err(Error::Store { path: path.to_owned(), message });
        }
        // A store an earlier hookctl wrote is read as it is: every migration so far only adds tables (search,
        // tokens, handled) that the reading commands do not read, and a read changes nothing in the file. The
        // inspector and the writing commands upgrade it.
        if version < 1 {
            let message = "it holds no hookctl events table (schema version 0)".to_owned();
            return Err(Error::Store { path: path.to_owned(), message });
        }
        Ok(Self { conn, path: path.to_owned(), exposed: None, version, unindexed: None })
    }

    /// For a store written continuously (the listener): checkpoints move to a second connection, so the
    /// writer never stalls on one (a checkpoint fsyncs, which takes long on a busy disk). The writer calls
    /// `truncate_wal` itself only when the background checkpoints fall behind.
    pub fn background_checkpoints(&self) -> Result<Checkpointer, Error> {
        let open = || -> rusqlite::Result<Connection> {
            let conn = Connection::open(&self.path)?;
            conn.busy_timeout(BUSY_TIMEOUT)?;
            self.conn.pragma_update(None, "wal_autocheckpoint", 0)?;
            Ok(conn)
        };
        open().map(|conn| Checkpointer { conn }).map_err(|e| self.error(&e))
    }

    /// A checkpoint that copies the whole WAL into the database and empties it. It gives up at once (and
    /// is tried again later) when a reader, such as `events export` in another process, holds the WAL: the
    /// writer must not wait on readers.
    pub fn truncate_wal(&self) -> Result<(), Error> {
        let run = || -> rusqlite::Result<()> {
            self.conn.busy_timeout(std::time::Duration::ZERO)?;
            let result = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            self.conn.busy_timeout(BUSY_TIMEOUT)?;
            result
        };
        run().map_err(|e| self.error(&e))
    }

    /// Whether the WAL has outgrown `WAL_LIMIT`: each time it starts over it is cut back to that size, so only
    /// a WAL that has not started over since (no checkpoint caught up with the writer) is larger.
    pub fn wal_oversized(&self) -> bool {
        std::fs::metadata(wal_path(&self.path)).is_ok_and(|m| m.len() > WAL_LIMIT.unsigned_abs())
    }

    /// Empties the WAL into the database file and closes the connection, reporting what fails: a clean stop
    /// leaves one self-contained file (SQLite deletes the emptied `-wal` as its last connection closes).
    pub fn close(mut self) -> Result<(), Error> {
        // What the search index is missing is found by a slower scan: a clean stop leaves none of it.
        while let Ok(true) = self.catch_up_search(false) {}
        let Self { conn, path, .. } = self;
        let fail = |e: &rusqlite::Error| Error::Store { path: path.clone(), message: describe(e) };
        // A reader in another process (an export) may hold the WAL past the busy timeout: then the WAL stays,
        // every commit in it, for the next open to checkpoint.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(|e| fail(&e))?;
        conn.close().map_err(|(_, e)| fail(&e))
    }

    fn migrate(&mut self) -> rusqlite::Result<()> {
        let version: i64 = self.conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        let done = usize::try_from(version).unwrap_or(0);
        for (index, sql) in MIGRATIONS.iter().enumerate().skip(done) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i64::try_from(index + 1).unwrap_or(i64::MAX))?;
            tx.commit()?;
        }
        Ok(())
    }

    /// Starts storing `event` in parts when its body is larger than `PART`: a row no read shows yet, its body
    /// zeroes of the right length. The parts are written by `write_part`.
    pub fn begin_in_parts(&mut self, event: &StoredEvent) -> Result<Option<Parts>, Error> {
        if event.request.body.len() <= PART {
            return Ok(None);
        }
        // Only the last part's commit waits for the disk (synchronous FULL): it syncs the WAL, every part
        // written before it included, before the event is acknowledged. The parts before it are committed with
        // NORMAL (no sync at commit; a checkpoint still syncs), and everything else this connection commits
        // meanwhile (the small events between the parts) is synced as usual.
        let length = i32::try_from(event.request.body.len()).unwrap_or(i32::MAX);
        let run = || -> rusqlite::Result<i64> {
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
            let inserted = insert_row(&self.conn, event, &rusqlite::blob::ZeroBlob(length), false, true);
            self.conn.pragma_update(None, "synchronous", "FULL")?;
            inserted
        };
        let id = run().map_err(|e| self.part_failed(&e, None))?;
        Ok(Some(Parts { id, written: 0 }))
    }

    /// Writes the next part of `event`'s body, each in a transaction of its own; after the last, the row is
    /// shown, and its id and whether its provider event id was seen before are returned.
    pub fn write_part(&mut self, parts: &mut Parts, event: &StoredEvent) -> Result<Option<(i64, bool)>, Error> {
        let body = &event.request.body;
        let end = (parts.written + PART).min(body.len());
        let last = end == body.len();
        let id = parts.id;
        let offset = parts.written;
        let mut run = || -> rusqlite::Result<Option<(i64, bool)>> {
            if !last {
                self.conn.pragma_update(None, "synchronous", "NORMAL")?;
            }
            let tx = self.conn.transaction()?;
            {
                let mut blob = tx.blob_open(rusqlite::MAIN_DB, "events", "body", id, false)?;
                blob.write_at(&body[offset..end], offset)?;
            }
            let answer = if last {
                let duplicate = seen_before(&tx, event)?;
                tx.execute("UPDATE events SET partial = 0, duplicate = ?2 WHERE id = ?1", params![id, duplicate])?;
                // The search index went past it while it was written: it joins the index now.
                tx.execute(&format!("{INDEX_EVENTS} id = ?1 AND id <= (SELECT upto FROM search_indexed)"), [id])?;
                Some((id, duplicate))
            } else {
                None
            };
            tx.commit()?;
            self.conn.pragma_update(None, "synchronous", "FULL")?;
            Ok(answer)
        };
        let written = run().map_err(|e| self.part_failed(&e, Some(id)))?;
        parts.written = end;
        if written.is_some() {
            self.unindexed = self.unindexed.map(|n| n + 1);
        }
        Ok(written)
    }

    /// A part that could not be written: the row is given up (deleted, if it can be) and the connection synced
    /// again on every commit.
    fn part_failed(&mut self, error: &rusqlite::Error, id: Option<i64>) -> Error {
        let _ = self.conn.pragma_update(None, "synchronous", "FULL");
        if let Some(id) = id {
            let _ = self.conn.execute("DELETE FROM events WHERE id = ?1 AND partial = 1", [id]);
        }
        Error::Store { path: self.path.clone(), message: describe(error) }
    }

    /// Deletes the partial rows a listener left when it stopped mid-body (see `ABANDONED_AFTER`).
    pub fn delete_abandoned_parts(&mut self) -> Result<usize, Error> {
        let before = chrono::Utc::now().timestamp_millis() - ABANDONED_AFTER;
        self.conn
            .execute(
                "DELETE FROM events WHERE id IN
                     (SELECT id FROM events INDEXED BY events_partial WHERE partial = 1 AND received_at < ?1)",
                [before],
            )
            .map_err(|e| self.error(&e))
    }

    /// Indexes for search the next of the events the index does not hold yet, in one transaction of up to
    /// `INDEX_ROWS` events or `INDEX_BYTES` of text; with `behind_only`, only when `INDEX_LAG` or more are
    /// waiting. Returns whether any are left.
    pub fn catch_up_search(&mut self, behind_only: bool) -> Result<bool, Error> {
        if self.version < SEARCH_INDEXED_FROM || (behind_only && self.unindexed.is_some_and(|n| n < INDEX_LAG)) {
            return Ok(false);
        }
        // The index is derived from the events: its commits need not wait for the disk (NORMAL; a checkpoint still
        // syncs). Lost in a power cut, the index and `upto` go back together and are done again.
        let _ = self.conn.pragma_update(None, "synchronous", "NORMAL");
        let mut run = || -> rusqlite::Result<(bool, i64)> {
            {
                let tx = self.conn.transaction()?;
                let upto: i64 = tx.query_row("SELECT upto FROM search_indexed", [], |row| row.get(0))?;
                let newest: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM events", [], |row| row.get(0))?;
                if newest <= upto || (behind_only && newest - upto < INDEX_LAG) {
                    return Ok((false, newest - upto));
                }
                // A body still being written (or left half-written by a listener that was killed) is passed by:
                // `write_part` indexes it once whole.
                let mut end = upto;
                {
                    let mut sizes = tx.prepare_cached(
                        "SELECT id, min(length(body), 262144) + length(headers) FROM events
                             WHERE id > ?1 AND id NOT IN (SELECT id FROM events INDEXED BY events_partial
                                 WHERE partial = 1 AND id > ?1)
                             ORDER BY id LIMIT ?2",
                    )?;
                    let mut rows = sizes.query(params![upto, INDEX_ROWS])?;
                    let mut bytes = 0;
                    while let Some(row) = rows.next()? {
                        end = row.get(0)?;
                        bytes += row.get::<_, i64>(1)?;
                        if bytes >= INDEX_BYTES {
                            break;
                        }
                    }
                }
                if end == upto {
                    // Only partial rows are left.
                    end = newest;
                }
                tx.execute(
                    &format!(
                        "{INDEX_EVENTS} id > ?1 AND id <= ?2 AND id NOT IN (SELECT id FROM events INDEXED BY events_partial
                             WHERE partial = 1 AND id > ?1)"
                    ),
                    [upto, end],
                )?;
                tx.execute("UPDATE search_indexed SET upto = ?1", [end])?;
                tx.commit()?;
                Ok((end < newest, newest - end))
            }
        };
        let result = run();
        let restored = self.conn.pragma_update(None, "synchronous", "FULL");
        let (left, unindexed) = result.and_then(|done| restored.map(|()| done)).map_err(|e| self.error(&e))?;
        self.unindexed = Some(unindexed);
        Ok(left)
    }

    /// The condition a row must meet to be read: whole, not a large body still being written.
    fn whole(&self) -> &'static str {
        if self.version >= PARTIAL_FROM { "partial = 0" } else { "1" }
    }

    /// The id up to which every event is in the search index.
    fn indexed_upto(&self) -> Result<i64, Error> {
        if self.version < SEARCH_INDEXED_FROM {
            return Ok(i64::MAX);
        }
        self.conn.query_row("SELECT upto FROM search_indexed", [], |row| row.get(0)).map_err(|e| self.error(&e))
    }

    /// Stores events in one transaction; returns each one's id and whether its provider event id was seen
    /// before (earlier in the store or in this batch).
    pub fn insert(&mut self, events: &[StoredEvent]) -> Result<Vec<(i64, bool)>, Error> {
        let mut run = || -> rusqlite::Result<Vec<(i64, bool)>> {
            let tx = self.conn.transaction()?;
            let mut out = Vec::with_capacity(events.len());
            for event in events {
                let duplicate = seen_before(&tx, event)?;
                out.push((insert_row(&tx, event, &&event.request.body[..], duplicate, false)?, duplicate));
            }
            tx.commit()?;
            Ok(out)
        };
        let stored = run().map_err(|e| Error::Store { path: self.path.clone(), message: describe(&e) })?;
        if let Some(unindexed) = &mut self.unindexed {
            *unindexed += i64::try_from(events.len()).unwrap_or(i64::MAX);
        }
        Ok(stored)
    }

    pub fn get(&self, id: i64) -> Result<Option<StoredEvent>, Error> {
        let unreadable = |message: String| Error::Store {
            path: self.path.clone(),
            message: format!("event #{id} cannot be read ({message}); `hookctl events delete {id}` removes it"),
        };
        self.conn
            .query_row(&format!("{SELECT} WHERE id = ?1 AND {}", self.whole()), [id], row_to_event)
            .optional()
            .map_err(|e| match e {
                rusqlite::Error::InvalidColumnType(..) | rusqlite::Error::FromSqlConversionFailure(..) => {
                    unreadable(e.to_string())
                }
                e => self.error(&e),
            })?
            .transpose()
            .map_err(unreadable)
    }

    /// The store ids of the events a provider gave this event id (a redelivered event is stored once per
    /// delivery), oldest first.
    pub fn ids_with_event_id(&self, event_id: &str) -> Result<Vec<i64>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(&format!("SELECT id FROM events WHERE event_id = ?1 AND {} ORDER BY id", self.whole()))
            .map_err(|e| self.error(&e))?;
        let ids = statement.query_map([event_id], |row| row.get(0)).map_err(|e| self.error(&e))?;
        ids.collect::<rusqlite::Result<Vec<i64>>>().map_err(|e| self.error(&e))
    }

    /// SQLite's quick check of every page: what the listener runs before acknowledging anything into the store.
    pub fn check(&self) -> Result<(), Error> {
        let verdict: String =
            self.conn.query_row("PRAGMA quick_check(1)", [], |row| row.get(0)).map_err(|e| self.error(&e))?;
        if verdict == "ok" {
            return Ok(());
        }
        Err(Error::Store {
            path: self.path.clone(),
            message: format!("it is damaged ({}); {DAMAGED}", crate::output::sanitize(&verdict, false)),
        })
    }

    /// Calls `each` for every event the filter selects, oldest first, reading one row at a time. A row that
    /// cannot be read (a damaged value) is skipped, not the end of the read: the skipped rows are returned for
    /// the command to report (`unreadable`) once it has dealt with the others.
    pub fn for_each(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(StoredEvent) -> Result<(), Error>,
    ) -> Result<Vec<Unreadable>, Error> {
        let mut clauses = vec![self.whole().to_owned()];
        let mut values: Vec<rusqlite::types::Value> = Vec::new();
        if !filter.ids.is_empty() {
            let marks = vec!["?"; filter.ids.len()].join(", ");
            clauses.push(format!("id IN ({marks})"));
            values.extend(filter.ids.iter().map(|id| rusqlite::types::Value::Integer(*id)));
        }
        if let Some(provider) = &filter.provider {
            clauses.push("provider = ?".into());
            values.push(rusqlite::types::Value::Text(provider.clone()));
        }
        if let Some(since) = filter.since {
            clauses.push("received_at >= ?".into());
            values.push(rusqlite::types::Value::Integer(since));
        }
        if let Some(after) = filter.after {
            clauses.push("id > ?".into());
            values.push(rusqlite::types::Value::Integer(after));
        }
        let condition = if clauses.is_empty() { String::new() } else { format!(" WHERE {}", clauses.join(" AND ")) };
        let order = if filter.newest_first() { "DESC" } else { "ASC" };
        let mut statement =
            self.conn.prepare(&format!("{SELECT}{condition} ORDER BY id {order}")).map_err(|e| self.error(&e))?;
        let mut rows = statement.query(rusqlite::params_from_iter(values)).map_err(|e| self.error(&e))?;
        let mut selection = Selection::new(filter, each);
        let mut unreadable = Vec::new();
        let mut last = None;
        loop {
            // A damaged page (not a damaged value) ends the read: SQLite cannot step past it.
            let row = rows.next().map_err(|e| match last {
                Some(id) => {
                    Error::Store { path: self.path.clone(), message: format!("after event #{id}: {}", describe(&e)) }
                }
                None => self.error(&e),
            })?;
            let Some(row) = row else { break };
            let id: i64 = row.get(0).map_err(|e| self.error(&e))?;
            last = Some(id);
            let event = match row_to_event(row) {
                Ok(Ok(event)) => event,
                Ok(Err(reason)) => {
                    unreadable.push(Unreadable { id, reason });
                    continue;
                }
                Err(e) => {
                    unreadable.push(Unreadable { id, reason: e.to_string() });
                    continue;
                }
            };
            if !selection.take(event)? {
                break;
            }
        }
        selection.finish()?;
        Ok(unreadable)
    }

    /// A page of events, newest first (see `PageQuery`); rows that cannot be read are left out.
    pub fn page(&self, query: &PageQuery) -> Result<Vec<StoredEvent>, Error> {
        use rusqlite::types::Value;
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Value> = Vec::new();
        if let Some(provider) = &query.provider {
            clauses.push("provider = ?".into());
            values.push(Value::Text(provider.clone()));
        }
        if let Some(glob) = &query.event_type {
            clauses.push("event_type GLOB ?".into());
            values.push(Value::Text(glob.clone()));
        }
        match &query.verdict {
            Some(VerdictFilter::Passed) => clauses.push("verdict IN ('valid', 'unsigned')".into()),
            Some(VerdictFilter::Failed) => {
                clauses.push("verdict NOT IN ('valid', 'unsigned', 'unchecked', 'no-provider')".into());
            }
            Some(VerdictFilter::Code(code)) => {
                clauses.push("verdict = ?".into());
                values.push(Value::Text(code.clone()));
            }
            None => {}
        }
        if let Some(since) = query.since {
            clauses.push("received_at >= ?".into());
            values.push(Value::Integer(since));
        }
        if let Some(until) = query.until {
            clauses.push("received_at < ?".into());
            values.push(Value::Integer(until));
        }
        if let Some(before) = query.before {
            clauses.push("id < ?".into());
            values.push(Value::Integer(before));
        }
        if let Some(after) = query.after {
            clauses.push("id > ?".into());
            values.push(Value::Integer(after));
        }
        let limit = query.limit.max(1);
        // Quote marks alone are no search.
        let Some(text) = query.text.as_deref().map(str::trim).filter(|t| !super::search_words(t).is_empty()) else {
            return self.select_page(" FROM events", "id", clauses, values, limit);
        };
        // Newest first: the events the search index does not hold yet (a few, stored in the last moments, or
        // left by a listener that was killed), each word found anywhere in their headers or body as
        // PostgreSQL's search finds it; then the index, which leads the walk, newest match first, and stops at
        // the page's end: a word in every body costs one page, not every match.
        let upto = self.indexed_upto()?;
        let mut events = Vec::new();
        if upto < i64::MAX {
            let (mut clauses, mut values) = (clauses.clone(), values.clone());
            clauses.push("id > ?".into());
            values.push(Value::Integer(upto));
            let phrases: Vec<Vec<String>> = super::search_words(text).iter().map(|word| words(word)).collect();
            let found = |event: &StoredEvent| matches_phrases(event, &phrases);
            events = self.select_page_where(" FROM events", "id", clauses, values, limit, Some(&found))?;
        }
        if events.len() < limit {
            let mut clauses: Vec<String> = clauses
                .iter()
                .map(|c| c.replace("id < ?", "events_text.rowid < ?").replace("id > ?", "events_text.rowid > ?"))
                .collect();
            clauses.push("events_text MATCH ?".into());
            values.push(Value::Text(fts_phrases(text)));
            clauses.push("events_text.rowid <= ?".into());
            values.push(Value::Integer(upto));
            let from = " FROM events_text JOIN events ON events.id = events_text.rowid";
            events.extend(self.select_page(from, "events_text.rowid", clauses, values, limit - events.len())?);
        }
        Ok(events)
    }

    /// The newest `limit` events (by `order`) of `from` that meet every clause; rows that cannot be read are
    /// left out.
    fn select_page(
        &self,
        from: &str,
        order: &str,
        clauses: Vec<String>,
        values: Vec<rusqlite::types::Value>,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, Error> {
        self.select_page_where(from, order, clauses, values, limit, None)
    }

    /// `select_page`, keeping only the events `keep` accepts (read until `limit` are kept).
    fn select_page_where(
        &self,
        from: &str,
        order: &str,
        clauses: Vec<String>,
        mut values: Vec<rusqlite::types::Value>,
        limit: usize,
        keep: Option<&dyn Fn(&StoredEvent) -> bool>,
    ) -> Result<Vec<StoredEvent>, Error> {
        let mut clauses = clauses;
        // Unqualified: only `events` has the column.
        clauses.push(self.whole().into());
        let condition = format!(" WHERE {}", clauses.join(" AND "));
        let rows = if keep.is_some() { i64::MAX } else { i64::try_from(limit).unwrap_or(i64::MAX) };
        values.push(rusqlite::types::Value::Integer(rows));
        let columns = SELECT.trim_start_matches("SELECT ").trim_end_matches(" FROM events");
        let qualified: Vec<String> = columns.split(',').map(|c| format!("events.{}", c.trim())).collect();
        let select = format!("SELECT {}{from}", qualified.join(", "));
        let mut statement = self
            .conn
            .prepare_cached(&format!("{select}{condition} ORDER BY {order} DESC LIMIT ?"))
            .map_err(|e| self.error(&e))?;
        let rows = statement.query_map(rusqlite::params_from_iter(values), row_to_event).map_err(|e| self.error(&e))?;
        let mut events = Vec::new();
        for row in rows {
            if events.len() == limit {
                break;
            }
            if let Ok(event) = row.map_err(|e| self.error(&e))?
                && keep.is_none_or(|keep| keep(&event))
            {
                events.push(event);
            }
        }
        Ok(events)
    }

    /// Whether an event is stored already (an import run twice): the same provider event id with the same
    /// body; when the time of the record is known (`at`), at the same time too, so a provider's redeliveries of
    /// one event stay records of their own. An event without an id is matched by target, body and known time.
    pub fn holds(&self, event: &StoredEvent, at: Option<i64>) -> Result<bool, Error> {
        let body = &event.request.body[..];
        let found = match (&event.event_id, at) {
            (Some(id), at) => self
                .conn
                .prepare_cached(&format!(
                    "SELECT 1 FROM events WHERE provider IS ?1 AND event_id = ?2 AND body = ?3
                         AND (?4 IS NULL OR received_at = ?4) AND {} LIMIT 1",
                    self.whole()
                ))
                .and_then(|mut s| s.exists(params![event.provider, id, body, at])),
            (None, Some(at)) => self
                .conn
                .prepare_cached(&format!(
                    "SELECT 1 FROM events WHERE received_at = ?1 AND event_id IS NULL AND target = ?2 AND body = ?3
                         AND {} LIMIT 1",
                    self.whole()
                ))
                .and_then(|mut s| s.exists(params![at, event.request.target, body])),
            (None, None) => Ok(false),
        };
        found.map_err(|e| self.error(&e))
    }

    pub fn delete(&mut self, ids: &[i64]) -> Result<usize, Error> {
        let mut deleted = 0;
        for id in ids {
            deleted += self.conn.execute("DELETE FROM events WHERE id = ?1", [id]).map_err(|e| self.error(&e))?;
        }
        Ok(deleted)
    }

    pub fn delete_all(&mut self) -> Result<usize, Error> {
        self.conn.execute("DELETE FROM events", []).map_err(|e| self.error(&e))
    }

    pub fn prune(&mut self, before: i64) -> Result<usize, Error> {
        self.conn.execute("DELETE FROM events WHERE received_at < ?1", [before]).map_err(|e| self.error(&e))
    }

    pub fn count(&self) -> Result<i64, Error> {
        let sql = format!("SELECT COUNT(*) FROM events WHERE {}", self.whole());
        self.conn.query_row(&sql, [], |row| row.get(0)).map_err(|e| self.error(&e))
    }

    fn error(&self, error: &rusqlite::Error) -> Error {
        Error::Store { path: self.path.clone(), message: describe(error) }
    }
}

const SELECT: &str = "SELECT id, received_at, provider, event_type, event_id, method, target, headers, body, verdict,
    verdict_detail, payload_status, payload_detail, duplicate, answer_status, forward_status, forward_ms FROM events";

fn row_to_event(row: &rusqlite::Row<'_>) -> rusqlite::Result<Result<StoredEvent, String>> {
    let headers: String = row.get(7)?;
    let json = RequestJson {
        method: row.get(5)?,
        target: row.get(6)?,
        headers: match serde_json::from_str(&headers) {
            Ok(headers) => headers,
            Err(e) => return Ok(Err(format!("event {}: its headers are damaged: {e}", row.get::<_, i64>(0)?))),
        },
        body: None,
        body_base64: None,
    };
    let mut request = match Request::try_from(json) {
        Ok(request) => request,
        Err(e) => return Ok(Err(e)),
    };
    request.body = row.get::<_, Vec<u8>>(8)?.into();
    Ok(Ok(StoredEvent {
        id: row.get(0)?,
        received_at: row.get(1)?,
        provider: row.get(2)?,
        event_type: row.get(3)?,
        event_id: row.get(4)?,
        request,
        verdict: row.get(9)?,
        verdict_detail: row.get(10)?,
        payload_status: row.get(11)?,
        payload_detail: row.get(12)?,
        duplicate: row.get(13)?,
        answer_status: row.get(14)?,
        forward_status: row.get(15)?,
        forward_ms: row.get(16)?,
    }))
}

/// Inserts `event`'s row with `body` (its bytes, or zeroes for a body written in parts after); its id.
fn insert_row(
    conn: &Connection,
    event: &StoredEvent,
    body: &dyn rusqlite::ToSql,
    duplicate: bool,
    partial: bool,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO events (received_at, provider, event_type, event_id, method, target, headers, body, verdict,
            verdict_detail, payload_status, payload_detail, duplicate, answer_status, forward_status, forward_ms,
            partial)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        event.received_at,
        event.provider,
        event.event_type,
        event.event_id,
        event.request.method,
        event.request.target,
        headers_json(&event.request),
        body,
        event.verdict,
        event.verdict_detail,
        event.payload_status,
        event.payload_detail,
        duplicate,
        event.answer_status,
        event.forward_status,
        event.forward_ms,
        partial,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Whether `event` is a duplicate: said so, or its provider event id is a whole stored event's already.
fn seen_before(conn: &Connection, event: &StoredEvent) -> rusqlite::Result<bool> {
    match (&event.provider, &event.event_id) {
        _ if event.duplicate => Ok(true),
        (Some(provider), Some(id)) => conn
            .prepare_cached("SELECT 1 FROM events WHERE provider = ?1 AND event_id = ?2 AND partial = 0 LIMIT 1")?
            .exists(params![provider, id]),
        _ => Ok(false),
    }
}

/// Text as the search index splits it into words (FTS5's unicode61 tokenizer, diacritics aside): runs of
/// letters and digits, lowercased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Whether an event not indexed yet matches as the index would match it: each phrase (a search word, as words)
/// found, its words in a row, in the headers or in the body's first 256 KiB.
fn matches_phrases(event: &StoredEvent, phrases: &[Vec<String>]) -> bool {
    let body = &event.request.body[..event.request.body.len().min(262_144)];
    let columns = [words(&headers_json(&event.request)), words(&String::from_utf8_lossy(body))];
    phrases.iter().all(|phrase| {
        !phrase.is_empty() && columns.iter().any(|column| column.windows(phrase.len()).any(|w| w == &phrase[..]))
    })
}

/// The user's search as FTS5 phrases, all of which must match: each whitespace-separated word (or a "quoted
/// value") becomes one quoted phrase, so no character a user types is read as FTS5 syntax.
fn fts_phrases(text: &str) -> String {
    let phrases: Vec<String> =
        super::search_words(text).iter().map(|word| format!("\"{}\"", word.replace('"', "\"\""))).collect();
    phrases.join(" AND ")
}

/// How to get out of a damaged store.
const DAMAGED: &str =
    "`hookctl events export` saves the events that can still be read; then move the file away and start a new store";

/// SQLite's message, with what to do for the failures a user can fix.
fn describe(error: &rusqlite::Error) -> String {
    let text = error.to_string();
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => format!("{text}: the disk is full; free some space"),
        Some(rusqlite::ErrorCode::SystemIoFailure) if is_write_failure(error) => format!(
            "{text}: the store could not be written (a full disk, a file size limit, a failing device); \
             free some space or use --store elsewhere"
        ),
        Some(rusqlite::ErrorCode::ReadOnly) => {
            format!("{text}: the store is read-only; use --store to pick a writable file")
        }
        Some(rusqlite::ErrorCode::NotADatabase) => format!("{text}: this file is not a hookctl store"),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => format!("{text}: the store is damaged; {DAMAGED}"),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            format!("{text}: another process holds the store")
        }
        _ => text,
    }
}

/// An I/O error while writing (not reading or locking): what a full disk or a file size limit gives.
fn is_write_failure(error: &rusqlite::Error) -> bool {
    use rusqlite::ffi::{SQLITE_IOERR_FSYNC, SQLITE_IOERR_TRUNCATE, SQLITE_IOERR_WRITE};
    matches!(error, rusqlite::Error::SqliteFailure(e, _)
        if matches!(e.extended_code, SQLITE_IOERR_WRITE | SQLITE_IOERR_FSYNC | SQLITE_IOERR_TRUNCATE))
}

/// A `file:` URI (`SQLITE_OPEN_URI`) for reading the store as a file that nothing changes: no locks, no WAL.
/// Every byte outside the unreserved set is percent-encoded.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    for byte in path.as_os_str().as_encoded_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => uri.push(char::from(*byte)),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// The store's write-ahead log, next to it.
fn wal_path(store: &Path) -> PathBuf {
    let mut path = store.as_os_str().to_owned();
    path.push("-wal");
    path.into()
}

/// A store reached through a symbolic link is refused: SQLite would put its -wal and -shm next to the target with
/// the target's permissions, wherever that is, and a link can point a store into a shared place unnoticed.
fn refuse_symlink(path: &Path) -> Result<(), String> {
    let Ok(metadata) = std::fs::symlink_metadata(path) else { return Ok(()) };
    if !metadata.file_type().is_symlink() {
        return Ok(());
    }
    let target = std::fs::canonicalize(path)
        .map_or_else(|_| "a file that does not exist".to_owned(), |t| t.display().to_string());
    Err(format!(
        "it is a symbolic link to {target}; hookctl does not follow links to its store: pass --store with the file itself"
    ))
}

/// Makes an existing store that its group or others can read owner-only again, with its -wal and -shm: stored
/// requests are private. Returns the mode it had when it was changed.
#[cfg(unix)]
fn make_private(path: &Path) -> Result<Option<u32>, String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path).map_err(|e| e.to_string())?.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(None);
    }
    let mut files = vec![path.to_owned(), wal_path(path)];
    let mut shm = path.as_os_str().to_owned();
    shm.push("-shm");
    files.push(shm.into());
    for file in files.iter().filter(|f| f.exists()) {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600)).map_err(|e| {
            format!(
                "others can read it (mode {mode:04o}) and it cannot be made owner-only ({e}); `chmod 600` it and its -wal and -shm"
            )
        })?;
    }
    Ok(Some(mode))
}

#[cfg(not(unix))]
fn make_private(_: &Path) -> Result<Option<u32>, String> {
    Ok(None)
}

/// Creates the file with owner-only permissions if it does not exist yet: stored requests are private.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

impl Backend for Sqlite {
    fn insert(&mut self, events: &[StoredEvent]) -> Result<Vec<(i64, bool)>, Error> {
        Sqlite::insert(self, events)
    }
    fn get(&self, id: i64) -> Result<Option<StoredEvent>, Error> {
        Sqlite::get(self, id)
    }
    fn ids_with_event_id(&self, event_id: &str) -> Result<Vec<i64>, Error> {
        Sqlite::ids_with_event_id(self, event_id)
    }
    fn check(&self) -> Result<(), Error> {
        Sqlite::check(self)
    }
    fn for_each(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(StoredEvent) -> Result<(), Error>,
    ) -> Result<Vec<Unreadable>, Error> {
        Sqlite::for_each(self, filter, each)
    }
    fn page(&self, query: &PageQuery) -> Result<Vec<StoredEvent>, Error> {
        Sqlite::page(self, query)
    }
    fn holds(&self, event: &StoredEvent, at: Option<i64>) -> Result<bool, Error> {
        Sqlite::holds(self, event, at)
    }
    fn delete(&mut self, ids: &[i64]) -> Result<usize, Error> {
        Sqlite::delete(self, ids)
    }
    fn delete_all(&mut self) -> Result<usize, Error> {
        Sqlite::delete_all(self)
    }
    fn count(&self) -> Result<i64, Error> {
        Sqlite::count(self)
    }
    fn prune(&mut self, before: i64) -> Result<usize, Error> {
        Sqlite::prune(self, before)
    }
    fn token_create(&mut self, name: &str, hash: &str, at: i64) -> Result<bool, Error> {
        self.conn
            .execute(
                "INSERT INTO tokens (name, hash, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (name) DO NOTHING",
                params![name, hash, at],
            )
            .map(|changed| changed == 1)
            .map_err(|e| self.error(&e))
    }
    fn tokens(&self) -> Result<Vec<(String, i64)>, Error> {
        let read = || -> rusqlite::Result<Vec<(String, i64)>> {
            let mut statement = self.conn.prepare("SELECT name, created_at FROM tokens ORDER BY name")?;
            statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect()
        };
        read().map_err(|e| self.error(&e))
    }
    fn token_revoke(&mut self, name: &str) -> Result<bool, Error> {
        self.conn
            .execute("DELETE FROM tokens WHERE name = ?1", [name])
            .map(|changed| changed == 1)
            .map_err(|e| self.error(&e))
    }
    fn handled_add(&mut self, report: &Handled) -> Result<(), Error> {
        self.conn
            .execute(
                "INSERT INTO handled (event, by, status, ms, at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![report.event, report.by, report.status, report.ms, report.at],
            )
            .map(drop)
            .map_err(|e| self.error(&e))
    }
    fn handled(&self, event: i64) -> Result<Vec<Handled>, Error> {
        let read = || -> rusqlite::Result<Vec<Handled>> {
            let mut statement =
                self.conn.prepare("SELECT by, status, ms, at FROM handled WHERE event = ?1 ORDER BY rowid")?;
            statement
                .query_map([event], |row| {
                    Ok(Handled { event, by: row.get(0)?, status: row.get(1)?, ms: row.get(2)?, at: row.get(3)? })
                })?
                .collect()
        };
        read().map_err(|e| self.error(&e))
    }
    fn token_owner(&self, hash: &str) -> Result<Option<String>, Error> {
        self.conn
            .query_row("SELECT name FROM tokens WHERE hash = ?1", [hash], |row| row.get(0))
            .optional()
            .map_err(|e| self.error(&e))
    }
    fn was_exposed(&self) -> Option<u32> {
        self.exposed
    }
    /// Checkpoints on a second connection, so the writer never stalls on one (a checkpoint fsyncs, which takes
    /// long on a busy disk).
    fn background(&self) -> Option<Box<dyn FnMut() + Send>> {
        let checkpointer = self.background_checkpoints().ok()?;
        Some(Box::new(move || {
            let _ = checkpointer.passive();
        }))
    }
    /// A writer that never pauses keeps the background checkpoints from ever catching up, and the WAL from ever
    /// starting over: past its limit the writer empties it itself, between batches.
    fn between_batches(&mut self) {
        if self.wal_oversized() {
            let _ = self.truncate_wal();
        }
    }
    fn begin_in_parts(&mut self, event: &StoredEvent) -> Result<Option<Parts>, Error> {
        Sqlite::begin_in_parts(self, event)
    }
    fn write_part(&mut self, parts: &mut Parts, event: &StoredEvent) -> Result<Option<(i64, bool)>, Error> {
        Sqlite::write_part(self, parts, event)
    }
    fn delete_abandoned_parts(&mut self) {
        let _ = Sqlite::delete_abandoned_parts(self);
    }
    /// A failure here (a full disk) loses nothing: the events are stored, and found by search without the
    /// index until it catches up.
    fn catch_up_search(&mut self, behind_only: bool) -> bool {
        Sqlite::catch_up_search(self, behind_only).unwrap_or(false)
    }
    fn close(self: Box<Self>) -> Result<(), Error> {
        Sqlite::close(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(body: &str) -> StoredEvent {
        StoredEvent::new(Request::post("/webhooks/payvost", body.as_bytes().to_vec()), None, None, 200)
    }

    fn search(store: &Sqlite, text: &str, before: Option<i64>, limit: usize) -> Vec<i64> {
        let query = PageQuery {
            provider: None,
            event_type: None,
            verdict: None,
            since: None,
            until: None,
            text: Some(text.to_owned()),
            before,
            after: None,
            limit,
        };
        store.page(&query).expect("a page").iter().map(|e| e.id).collect()
    }

    fn indexed(store: &Sqlite) -> i64 {
        store.indexed_upto().expect("how far the index goes")
    }

    #[test]
    fn search_finds_events_before_and_after_the_index_takes_them_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Sqlite::open(&dir.path().join("events.db")).expect("opens");
        let bodies: Vec<String> =
            (0..9).map(|n| format!("{{\"memo\":\"{} kumquat\"}}", if n % 2 == 0 { "ripe" } else { "green" })).collect();
        store.insert(&bodies.iter().map(|b| event(b)).collect::<Vec<_>>()).expect("stored");
        assert_eq!(indexed(&store), 0, "nothing indexed when stored");
        let unindexed = search(&store, "ripe kumquat", None, 50);
        assert_eq!(unindexed, vec![9, 7, 5, 3, 1]);
        assert_eq!(search(&store, "\"ripe kumquat\"", None, 50), unindexed);
        // Whole words, as the index finds them: a part of one is not found either way.
        assert!(search(&store, "kumq", None, 50).is_empty());
        assert_eq!(search(&store, "RIPE", None, 50), unindexed);

        // Half indexed: the page runs from the newest, not yet indexed, into the index, in order.
        store
            .conn
            .execute(
                "INSERT INTO events_text (rowid, headers, body) SELECT id, headers, CAST(body AS TEXT) FROM events
                     WHERE id <= 4",
                [],
            )
            .expect("indexed");
        store.conn.execute("UPDATE search_indexed SET upto = 4", []).expect("set");
        assert_eq!(search(&store, "ripe kumquat", None, 50), unindexed);
        assert_eq!(search(&store, "ripe kumquat", None, 2), vec![9, 7]);
        assert_eq!(search(&store, "ripe kumquat", Some(7), 2), vec![5, 3]);
        assert_eq!(search(&store, "ripe kumquat", Some(3), 2), vec![1]);

        while store.catch_up_search(false).expect("indexes") {}
        assert_eq!(indexed(&store), 9);
        assert_eq!(search(&store, "ripe kumquat", None, 50), unindexed);
        assert!(search(&store, "kumq", None, 50).is_empty());
        assert_eq!(search(&store, "RIPE", None, 50), unindexed);
        // What FTS5 would read as syntax is searched for, or (quote marks alone) no search at all.
        for odd in ["\"", "\"\"", "\" \"", "\"\"\"", "-", "\"-\"", "NEAR(", "*"] {
            let found = search(&store, odd, None, 50);
            assert!(found.is_empty() || found.len() == 9, "{odd}: {found:?}");
        }
        assert_eq!(search(&store, "green", None, 50), vec![8, 6, 4, 2]);
    }

    #[test]
    fn the_listener_indexes_only_when_far_behind_and_an_id_given_again_is_indexed_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Sqlite::open(&dir.path().join("events.db")).expect("opens");
        store.insert(&[event("{\"memo\":\"alpha\"}"), event("{\"memo\":\"beta\"}")]).expect("stored");
        assert!(!store.catch_up_search(true).expect("looks"), "two events are not far behind");
        assert_eq!(indexed(&store), 0);
        assert!(!store.catch_up_search(false).expect("indexes"));
        assert_eq!(indexed(&store), 2);

        // The newest event deleted, its id is given to the next one: that one is indexed, the deleted one not
        // found.
        store.delete(&[2]).expect("deleted");
        assert_eq!(indexed(&store), 1);
        assert_eq!(store.insert(&[event("{\"memo\":\"gamma\"}")]).expect("stored")[0].0, 2);
        store.catch_up_search(false).expect("indexes");
        let fts = |word: &str| -> i64 {
            store
                .conn
                .query_row("SELECT count(*) FROM events_text WHERE events_text MATCH ?1", [word], |r| r.get(0))
                .expect("the index")
        };
        assert_eq!((fts("beta"), fts("gamma")), (0, 1));
        assert_eq!(search(&store, "gamma", None, 10), vec![2]);

        // Far behind: one part at a time.
        let many: Vec<StoredEvent> = (0..INDEX_LAG + 10).map(|n| event(&format!("{{\"n\":{n}}}"))).collect();
        store.insert(&many).expect("stored");
        assert!(store.catch_up_search(true).expect("indexes"), "more left");
        assert_eq!(indexed(&store), 2 + INDEX_ROWS);
    }

    #[test]
    fn a_large_body_is_written_in_parts_and_shown_only_when_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Sqlite::open(&dir.path().join("events.db")).expect("opens");
        let small = |id: &str| {
            let mut event = event(&format!("{{\"id\":\"{id}\"}}"));
            event.provider = Some("payvost".into());
            event.event_id = Some(id.into());
            event
        };
        assert!(store.begin_in_parts(&small("evt_small")).expect("begins").is_none(), "a small body is whole");

        let body: Vec<u8> = (0..PART * 2 + 123).map(|n| b"kumquat "[n % 8]).collect();
        let kumquats = |store: &Sqlite| -> i64 {
            store
                .conn
                .query_row("SELECT count(*) FROM events_text WHERE events_text MATCH 'kumquat'", [], |r| r.get(0))
                .expect("the index")
        };
        let mut large = StoredEvent::new(Request::post("/webhooks/payvost", body.clone()), None, None, 200);
        large.provider = Some("payvost".into());
        large.event_id = Some("evt_1".into());
        let mut parts = store.begin_in_parts(&large).expect("begins").expect("in parts");
        let id = parts.id;
        let mut written = 0;
        let synchronous = |store: &Sqlite| -> i64 {
            store.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).expect("a setting")
        };
        loop {
            // Between parts: other events are committed, synced as every commit is (FULL), and no read shows the
            // partial row.
            assert_eq!(synchronous(&store), 2, "FULL");
            assert!(!store.insert(&[small(&format!("evt_between_{written}"))]).expect("stored")[0].1);
            assert!(store.get(id).expect("reads").is_none());
            assert_eq!(store.count().expect("counts"), written + 1);
            assert!(store.ids_with_event_id("evt_1").expect("reads").is_empty());
            while store.catch_up_search(false).expect("indexes") {}
            assert!(indexed(&store) > id, "the index passes the partial row by");
            assert_eq!(kumquats(&store), 0, "and leaves it out");
            assert!(search(&store, "kumquat", None, 10).is_empty());
            written += 1;
            if let Some((stored, duplicate)) = store.write_part(&mut parts, &large).expect("a part") {
                assert_eq!((stored, duplicate), (id, false));
                break;
            }
        }
        assert_eq!(written, 3, "three parts");
        let shown = store.get(id).expect("reads").expect("shown");
        assert!(shown.request.body[..] == body[..], "the body exactly");
        assert_eq!(store.ids_with_event_id("evt_1").expect("reads"), vec![id]);
        assert_eq!(kumquats(&store), 1, "indexed when its last part was written");
        assert_eq!(search(&store, "kumquat", None, 10), vec![id]);

        // The same provider event id again, in parts: a duplicate.
        let mut again = store.begin_in_parts(&large).expect("begins").expect("in parts");
        let answer = loop {
            if let Some(answer) = store.write_part(&mut again, &large).expect("a part") {
                break answer;
            }
        };
        assert!(answer.1, "a duplicate");

        // A listener that stopped mid-body left a partial row: the index passes it by, and it is deleted once old
        // enough.
        let left = store.begin_in_parts(&large).expect("begins").expect("in parts");
        store.insert(&[small("evt_after")]).expect("stored");
        while store.catch_up_search(false).expect("indexes") {}
        assert_eq!(search(&store, "evt_after", None, 10), vec![left.id + 1]);
        assert_eq!(indexed(&store), left.id + 1);
        store.conn.execute("UPDATE events SET received_at = 0 WHERE id = ?1", [left.id]).expect("aged");
        assert_eq!(store.delete_abandoned_parts().expect("deletes"), 1);
        let fresh = store.begin_in_parts(&large).expect("begins").expect("in parts");
        assert_eq!(store.delete_abandoned_parts().expect("deletes"), 0, "another listener's, being written");
        assert!(store.get(fresh.id).expect("reads").is_none());
    }

    #[test]
    fn a_clean_close_leaves_the_index_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("events.db");
        let mut store = Sqlite::open(&path).expect("opens");
        let many: Vec<StoredEvent> = (0..1500).map(|n| event(&format!("{{\"n\":\"n{n}\"}}"))).collect();
        store.insert(&many).expect("stored");
        store.close().expect("closed");
        let store = Sqlite::open_read_only(&path).expect("opens");
        assert_eq!(indexed(&store), 1500);
        assert_eq!(search(&store, "n1499", None, 5), vec![1500]);
    }
}
