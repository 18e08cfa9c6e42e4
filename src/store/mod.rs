//! The event store, behind one trait: SQLite (embedded, the default) or PostgreSQL (a team's shared inbox).
//!
//! Raw bytes go in untouched (the body exactly as received; headers in the request JSON form, with credential
//! headers redacted unless asked otherwise). A listener's write is committed before its answer leaves, in
//! batches (group commit); both stores give events the same kind of id (`#1`, `#2`, …) and flag a provider's
//! redelivery of an event id as a duplicate once.

mod postgres;
mod postgres_tls;
mod sqlite;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::request::Request;

/// What a store does; `Store` holds one of the two.
pub trait Backend: Send {
    /// Stores events in one transaction; returns each one's id and whether its provider event id was seen
    /// before (earlier in the store or in this batch).
    fn insert(&mut self, events: &[StoredEvent]) -> Result<Vec<(i64, bool)>, Error>;
    fn get(&self, id: i64) -> Result<Option<StoredEvent>, Error>;
    /// The store ids of the events a provider gave this event id (a redelivered event is stored once per
    /// delivery), oldest first.
    fn ids_with_event_id(&self, event_id: &str) -> Result<Vec<i64>, Error>;
    /// Whether the store can take events (what the listener asks before acknowledging anything into it).
    fn check(&self) -> Result<(), Error>;
    /// Calls `each` for every event the filter selects, oldest first; rows that cannot be read are returned.
    fn for_each(
        &self,
        filter: &Filter,
        each: &mut dyn FnMut(StoredEvent) -> Result<(), Error>,
    ) -> Result<Vec<Unreadable>, Error>;
    /// A page of events, newest first (see `PageQuery`); rows that cannot be read are left out.
    fn page(&self, query: &PageQuery) -> Result<Vec<StoredEvent>, Error>;
    /// Whether an event is stored already (an import run twice); see `Store::holds`.
    fn holds(&self, event: &StoredEvent, at: Option<i64>) -> Result<bool, Error>;
    fn delete(&mut self, ids: &[i64]) -> Result<usize, Error>;
    fn delete_all(&mut self) -> Result<usize, Error>;
    fn count(&self) -> Result<i64, Error>;
    /// Deletes the events received before `before` (unix milliseconds): `--retain`.
    fn prune(&mut self, before: i64) -> Result<usize, Error>;
    /// Keeps a person's token (its SHA-256, hex); `false` when the name has one already.
    fn token_create(&mut self, name: &str, hash: &str, at: i64) -> Result<bool, Error>;
    /// The tokens' names and creation times (unix milliseconds), by name.
    fn tokens(&self) -> Result<Vec<(String, i64)>, Error>;
    /// `false` when the name has no token.
    fn token_revoke(&mut self, name: &str) -> Result<bool, Error>;
    /// Whose token has this SHA-256, if anyone's.
    fn token_owner(&self, hash: &str) -> Result<Option<String>, Error>;
    /// Records what a subscriber's app answered for an event (`listen --from`): who, the status, how long.
    fn handled_add(&mut self, report: &Handled) -> Result<(), Error>;
    /// The reports for an event, oldest first.
    fn handled(&self, event: i64) -> Result<Vec<Handled>, Error>;
    /// The mode a store file had when others could read it, before opening made it owner-only.
    fn was_exposed(&self) -> Option<u32> {
        None
    }
    /// Upkeep for a store written continuously, run on a thread of its own every quarter second (SQLite's
    /// checkpoints).
    fn background(&self) -> Option<Box<dyn FnMut() + Send>> {
        None
    }
    /// Upkeep between two of the listener's batches, on the writer's thread.
    fn between_batches(&mut self) {}
    /// Starts storing a large event in parts (see SQLite's `begin_in_parts`), so the events committed between its
    /// parts do not wait for the whole body; `None`: this store takes it whole, with `insert`.
    fn begin_in_parts(&mut self, _event: &StoredEvent) -> Result<Option<Parts>, Error> {
        Ok(None)
    }
    /// Writes the next part; after the last, the event's id and duplicate flag, as `insert` gives them.
    fn write_part(&mut self, _parts: &mut Parts, event: &StoredEvent) -> Result<Option<(i64, bool)>, Error> {
        self.insert(std::slice::from_ref(event)).map(|ids| ids.first().copied())
    }
    /// Removes what a listener stopped mid-body left behind (a listener starting).
    fn delete_abandoned_parts(&mut self) {}
    /// Brings a search index kept apart from the events a step closer to date; with `behind_only`, only when it
    /// is far behind (see SQLite's `catch_up_search`). Whether some is left to do.
    fn catch_up_search(&mut self, _behind_only: bool) -> bool {
        false
    }
    /// Ends the session cleanly, reporting what fails.
    fn close(self: Box<Self>) -> Result<(), Error>;
}

/// Where the events live: a SQLite file or a PostgreSQL database (`postgres://…`).
#[derive(Clone, Debug)]
pub enum Location {
    File(PathBuf),
    Postgres(postgres::Url),
}

impl Location {
    /// `--store`, `HOOKCTL_STORE` or a profile's `store`: a `postgres://` or `postgresql://` URL, else a path.
    pub fn new(text: impl Into<PathBuf>) -> Self {
        let path = text.into();
        match path.to_str().filter(|t| postgres::is_url(t)) {
            Some(url) => Self::Postgres(postgres::Url::new(url)),
            None => Self::File(path),
        }
    }

    /// The store as shown in messages (for PostgreSQL, its URL without the password), as the `path` of
    /// `Error::Store`.
    pub fn shown(&self) -> PathBuf {
        match self {
            Self::File(path) => path.clone(),
            Self::Postgres(url) => PathBuf::from(url.shown()),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => f.write_str(url.shown()),
        }
    }
}

impl From<&Path> for Location {
    fn from(path: &Path) -> Self {
        Self::new(path)
    }
}

/// What a subscriber's app answered for an event, as the subscriber reported it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Handled {
    pub event: i64,
    /// The person whose token the report came with, else the name the subscriber gave.
    pub by: String,
    pub status: u16,
    pub ms: f64,
    /// Unix milliseconds.
    pub at: i64,
}

/// An open store.
pub struct Store {
    backend: Box<dyn Backend>,
    location: Location,
}

impl Store {
    /// Opens (creating it when it is a file that does not exist) and migrates the store.
    pub fn open(location: &Location) -> Result<Self, Error> {
        let backend: Box<dyn Backend> = match location {
            Location::File(path) => Box::new(sqlite::Sqlite::open(path)?),
            Location::Postgres(url) => Box::new(postgres::Postgres::open(url, true)?),
        };
        Ok(Self { backend, location: location.clone() })
    }

    /// Opens an existing store for reading only: it changes nothing in it (and works on a read-only file).
    pub fn open_read_only(location: &Location) -> Result<Self, Error> {
        let backend: Box<dyn Backend> = match location {
            Location::File(path) => Box::new(sqlite::Sqlite::open_read_only(path)?),
            Location::Postgres(url) => Box::new(postgres::Postgres::open(url, false)?),
        };
        Ok(Self { backend, location: location.clone() })
    }

    pub fn location(&self) -> &Location {
        &self.location
    }

    /// The mode the store had when others could read it, before this open made it owner-only: for the
    /// command to say so.
    pub fn was_exposed(&self) -> Option<u32> {
        self.backend.was_exposed()
    }

    pub fn insert(&mut self, events: &[StoredEvent]) -> Result<Vec<(i64, bool)>, Error> {
        self.backend.insert(events)
    }

    pub fn get(&self, id: i64) -> Result<Option<StoredEvent>, Error> {
        self.backend.get(id)
    }

    pub fn ids_with_event_id(&self, event_id: &str) -> Result<Vec<i64>, Error> {
        self.backend.ids_with_event_id(event_id)
    }

    pub fn check(&self) -> Result<(), Error> {
        self.backend.check()
    }

    /// Calls `each` for every event the filter selects, oldest first, reading a few rows at a time. A row that
    /// cannot be read (a damaged value) is skipped, not the end of the read: the skipped rows are returned for
    /// the command to report (`unreadable`) once it has dealt with the others.
    pub fn for_each(
        &self,
        filter: &Filter,
        mut each: impl FnMut(StoredEvent) -> Result<(), Error>,
    ) -> Result<Vec<Unreadable>, Error> {
        self.backend.for_each(filter, &mut each)
    }

    pub fn page(&self, query: &PageQuery) -> Result<Vec<StoredEvent>, Error> {
        self.backend.page(query)
    }

    /// Whether an event is stored already (an import run twice): the same provider event id with the same
    /// body; when the time of the record is known (`at`), at the same time too, so a provider's redeliveries of
    /// one event stay records of their own. An event without an id is matched by target, body and known time.
    pub fn holds(&self, event: &StoredEvent, at: Option<i64>) -> Result<bool, Error> {
        self.backend.holds(event, at)
    }

    pub fn delete(&mut self, ids: &[i64]) -> Result<usize, Error> {
        self.backend.delete(ids)
    }

    pub fn delete_all(&mut self) -> Result<usize, Error> {
        self.backend.delete_all()
    }

    pub fn count(&self) -> Result<i64, Error> {
        self.backend.count()
    }

    pub fn prune(&mut self, before: i64) -> Result<usize, Error> {
        self.backend.prune(before)
    }

    pub fn token_create(&mut self, name: &str, hash: &str, at: i64) -> Result<bool, Error> {
        self.backend.token_create(name, hash, at)
    }

    pub fn tokens(&self) -> Result<Vec<(String, i64)>, Error> {
        self.backend.tokens()
    }

    pub fn token_revoke(&mut self, name: &str) -> Result<bool, Error> {
        self.backend.token_revoke(name)
    }

    pub fn token_owner(&self, hash: &str) -> Result<Option<String>, Error> {
        self.backend.token_owner(hash)
    }

    pub fn handled_add(&mut self, report: &Handled) -> Result<(), Error> {
        self.backend.handled_add(report)
    }

    pub fn handled(&self, event: i64) -> Result<Vec<Handled>, Error> {
        self.backend.handled(event)
    }

    pub fn background(&self) -> Option<Box<dyn FnMut() + Send>> {
        self.backend.background()
    }

    pub fn between_batches(&mut self) {
        self.backend.between_batches();
    }

    pub fn begin_in_parts(&mut self, event: &StoredEvent) -> Result<Option<Parts>, Error> {
        self.backend.begin_in_parts(event)
    }

    pub fn write_part(&mut self, parts: &mut Parts, event: &StoredEvent) -> Result<Option<(i64, bool)>, Error> {
        self.backend.write_part(parts, event)
    }

    pub fn delete_abandoned_parts(&mut self) {
        self.backend.delete_abandoned_parts();
    }

    /// See `Backend::catch_up_search`.
    pub fn catch_up_search(&mut self, behind_only: bool) -> bool {
        self.backend.catch_up_search(behind_only)
    }

    pub fn close(self) -> Result<(), Error> {
        self.backend.close()
    }

    /// The rows a read skipped, as one error for the end of a command (`Ok` when there were none).
    pub fn unreadable(&self, rows: &[Unreadable]) -> Result<(), Error> {
        let Some(first) = rows.first() else { return Ok(()) };
        let ids: Vec<String> = rows.iter().map(|row| format!("#{}", row.id)).collect();
        let plain: Vec<String> = rows.iter().map(|row| row.id.to_string()).collect();
        let (events, them) = if rows.len() == 1 { ("event", "it") } else { ("events", "them") };
        Err(Error::Store {
            path: self.location.shown(),
            message: format!(
                "skipped {} unreadable {events} ({}; #{}: {}); the others were read; `hookctl events delete {}` removes {them}",
                rows.len(),
                ids.join(", "),
                first.id,
                crate::output::sanitize(&first.reason, false),
                plain.join(" ")
            ),
        })
    }
}

fn headers_json(request: &Request) -> String {
    serde_json::to_string(&request.headers).unwrap_or_else(|_| "[]".into())
}

/// A request read back from its columns: `Err` (the reason) when its headers are damaged.
fn request_from_columns(
    id: i64,
    method: String,
    target: String,
    headers: &str,
    body: Vec<u8>,
) -> Result<Request, String> {
    let json = crate::request::RequestJson {
        method,
        target,
        headers: serde_json::from_str(headers).map_err(|e| format!("event {id}: its headers are damaged: {e}"))?,
        body: None,
        body_base64: None,
    };
    let mut request = Request::try_from(json)?;
    request.body = body.into();
    Ok(request)
}

/// The words (or "quoted values") of a search, all of which must be found.
fn search_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (word, after) = match rest.strip_prefix('"') {
            Some(quoted) => quoted.split_once('"').unwrap_or((quoted, "")),
            None => rest.split_once(char::is_whitespace).unwrap_or((rest, "")),
        };
        if !word.trim().is_empty() {
            words.push(word.to_owned());
        }
        rest = after.trim_start();
    }
    words
}

/// Text to find anywhere in a column, as a LIKE pattern escaped with a backslash.
fn like_containing(text: &str) -> String {
    let mut like = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            like.push('\\');
        }
        like.push(c);
    }
    like.push('%');
    like
}

/// A large event being stored in parts: its row, and how much of its body is written.
#[derive(Debug)]
pub struct Parts {
    id: i64,
    written: usize,
}

/// An event as stored.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub received_at: i64,
    pub provider: Option<String>,
    pub event_type: Option<String>,
    pub event_id: Option<String>,
    pub request: Request,
    pub verdict: String,
    pub verdict_detail: String,
    pub payload_status: String,
    pub payload_detail: String,
    pub duplicate: bool,
    pub answer_status: u16,
    pub forward_status: Option<u16>,
    pub forward_ms: Option<f64>,
}

impl StoredEvent {
    /// The record of a request as received (or imported) and inspected; `id` and `duplicate` are the store's
    /// to fill, the forward fields the listener's.
    pub fn new(
        request: Request,
        provider: Option<&crate::provider::Provider>,
        inspection: Option<&crate::inspect::Inspection>,
        answer_status: u16,
    ) -> Self {
        Self {
            id: 0,
            received_at: chrono::Utc::now().timestamp_millis(),
            provider: provider.map(|p| p.name.clone()),
            event_type: inspection.and_then(|i| i.payload.event().map(str::to_owned)),
            event_id: inspection.and_then(|i| i.event_id.clone()),
            request,
            verdict: inspection.map_or("no-provider", |i| crate::inspect::verdict_code(&i.verdict.outcome)).to_owned(),
            verdict_detail: inspection.map_or_else(String::new, crate::inspect::Inspection::signature_detail),
            payload_status: inspection.map_or("untyped", |i| i.payload.code()).to_owned(),
            payload_detail: inspection.map_or_else(String::new, |i| i.payload.detail()),
            duplicate: false,
            answer_status,
            forward_status: None,
            forward_ms: None,
        }
    }

    /// The event's record for JSON output (the request itself is not included).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.record()).unwrap_or_default()
    }

    /// `to_json`, borrowed: for writers that add fields of their own (the listener's NDJSON line).
    pub fn record(&self) -> EventRecord<'_> {
        EventRecord {
            id: Some(self.id),
            received_at: self.received_at,
            provider: self.provider.as_deref(),
            event: self.event_type.as_deref(),
            event_id: self.event_id.as_deref(),
            method: &self.request.method,
            target: &self.request.target,
            signature: SignatureRecord { verdict: &self.verdict, detail: &self.verdict_detail },
            payload: PayloadRecord { status: &self.payload_status, detail: &self.payload_detail },
            duplicate: self.duplicate,
            answer_status: self.answer_status,
            forward_status: self.forward_status,
            forward_ms: self.forward_ms,
        }
    }
}

/// An event's JSON record: `events list --json`, `events show --json`, and each line of `listen --json`.
#[derive(Debug, serde::Serialize)]
pub struct EventRecord<'a> {
    /// `None` for an event the listener could not store.
    pub id: Option<i64>,
    pub received_at: i64,
    pub provider: Option<&'a str>,
    pub event: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub method: &'a str,
    pub target: &'a str,
    pub signature: SignatureRecord<'a>,
    pub payload: PayloadRecord<'a>,
    pub duplicate: bool,
    pub answer_status: u16,
    pub forward_status: Option<u16>,
    pub forward_ms: Option<f64>,
}

#[derive(Debug, serde::Serialize)]
pub struct SignatureRecord<'a> {
    pub verdict: &'a str,
    pub detail: &'a str,
}

#[derive(Debug, serde::Serialize)]
pub struct PayloadRecord<'a> {
    pub status: &'a str,
    pub detail: &'a str,
}

/// Which events a command works on.
#[derive(Debug, Default)]
pub struct Filter {
    pub ids: Vec<i64>,
    pub last: Option<usize>,
    pub provider: Option<String>,
    pub event_type: Option<globset::GlobMatcher>,
    pub since: Option<i64>,
    /// `Some(true)`: only events whose signature verdict is valid or unsigned; `Some(false)`: only the others.
    pub valid: Option<bool>,
    /// Only events stored after this id (a subscriber's catch-up).
    pub after: Option<i64>,
    /// At most this many events, the oldest that match (without `last`).
    pub first: Option<usize>,
}

impl Filter {
    fn matches(&self, event: &StoredEvent) -> bool {
        let valid = matches!(event.verdict.as_str(), "valid" | "unsigned");
        self.event_type.as_ref().is_none_or(|glob| event.event_type.as_deref().is_some_and(|t| glob.is_match(t)))
            && self.valid.is_none_or(|wanted| wanted == valid)
    }

    /// Whether a store reads newest first: for `--last N` (the newest N that match, still given oldest first).
    fn newest_first(&self) -> bool {
        self.last.is_some()
    }
}

/// What both stores' `for_each` do with the events they read, in the order they read them (newest first for
/// `--last`): the type and validity tests (globs, applied here, so `--last` and `first` count after them), the
/// newest N kept and given oldest first at the end, or each given at once up to `first`.
struct Selection<'a> {
    filter: &'a Filter,
    each: &'a mut dyn FnMut(StoredEvent) -> Result<(), Error>,
    newest: Vec<StoredEvent>,
    given: usize,
}

impl<'a> Selection<'a> {
    fn new(filter: &'a Filter, each: &'a mut dyn FnMut(StoredEvent) -> Result<(), Error>) -> Self {
        Self { filter, each, newest: Vec::new(), given: 0 }
    }

    /// Takes one event read; `Ok(false)` once no more are wanted.
    fn take(&mut self, event: StoredEvent) -> Result<bool, Error> {
        if !self.filter.matches(&event) {
            return Ok(true);
        }
        match self.filter.last {
            // `--last 0` selects nothing, as `tail -n 0` prints nothing.
            Some(0) => Ok(false),
            Some(last) => {
                self.newest.push(event);
                Ok(self.newest.len() != last)
            }
            None => {
                (self.each)(event)?;
                self.given += 1;
                Ok(self.filter.first.is_none_or(|first| self.given < first))
            }
        }
    }

    /// Gives the newest kept for `--last`, oldest first.
    fn finish(self) -> Result<(), Error> {
        self.newest.into_iter().rev().try_for_each(self.each)
    }
}

/// One page of events, newest first, for a browser: every condition is answered by an index (the id, the
/// time, the provider, the full-text index), so a page costs the same with a hundred thousand events stored.
#[derive(Debug, Default, Clone)]
pub struct PageQuery {
    pub provider: Option<String>,
    /// A glob over the event type (`payment.*`), `*` and `?` as in `--type`.
    pub event_type: Option<String>,
    pub verdict: Option<VerdictFilter>,
    /// Unix milliseconds, inclusive.
    pub since: Option<i64>,
    /// Unix milliseconds, exclusive.
    pub until: Option<i64>,
    /// Words or a quoted value to find in the headers or the body.
    pub text: Option<String>,
    /// Only events older than this id: the page after one that ended there.
    pub before: Option<i64>,
    /// Only events newer than this id: what arrived since a page was read.
    pub after: Option<i64>,
    pub limit: usize,
}

/// The signature verdicts a page can be narrowed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerdictFilter {
    /// Valid or unsigned (nothing failed).
    Passed,
    /// Anything a check failed on (not unchecked).
    Failed,
    /// One verdict code (`mismatch`, `stale`, …).
    Code(String),
}

/// A stored row that cannot be read back (a value damaged on disk or by hand), skipped by `for_each`.
#[derive(Debug)]
pub struct Unreadable {
    pub id: i64,
    pub reason: String,
}

/// Where events live: `--store`/`HOOKCTL_STORE`, else the user data dir.
pub fn default_path() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("hookctl").join("events.db")
}
