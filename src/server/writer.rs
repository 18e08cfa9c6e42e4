//! The listener's store writer: one thread, group commit.
//!
//! Handlers send an event and wait for its commit; the thread takes everything that queued up meanwhile and
//! commits it in one transaction, so throughput holds under load while every acknowledged event is on disk.

use std::collections::VecDeque;
use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::error::Error;
use crate::store::{Store, StoredEvent};

/// The most events committed in one transaction.
const MAX_BATCH: usize = 512;
/// How often `--retain` deletes what has grown old.
const PRUNE_EVERY: Duration = Duration::from_secs(60);
/// How long no delivery comes before the writer brings the search index up to date.
const INDEX_WHEN_IDLE: Duration = Duration::from_millis(5);
/// How often committed pages are copied from the WAL into the database, off the writer's thread.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The event handed back with its id and duplicate flag, or why it was not stored.
type Stored = (StoredEvent, Result<(i64, bool), String>);
type Reply = oneshot::Sender<Stored>;
/// An event waiting for its commit, and where its answer goes.
type Queued = (StoredEvent, Reply);

#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<(StoredEvent, Reply)>,
}

/// The writer's thread, to wait for once every `Writer` is gone: it hands the store back to be closed.
pub struct WriterThread(std::thread::JoinHandle<Store>);

impl WriterThread {
    /// Waits for the last batch to commit, then empties the WAL into the database and closes the store, so a
    /// clean stop leaves one self-contained file (call it after dropping every `Writer`).
    pub fn close(self) -> Result<(), Error> {
        match self.0.join() {
            Ok(store) => store.close(),
            // The thread panicked: SQLite rolls back what was not committed; nothing acknowledged is lost.
            Err(_) => Ok(()),
        }
    }
}

impl Writer {
    /// Moves `store` to a writer thread (and its upkeep, SQLite's checkpoints, to another). With `retain`, events
    /// older than that are deleted when it starts and every minute after.
    pub fn start(mut store: Store, retain: Option<Duration>) -> (Self, WriterThread) {
        let (queue, receiver) = mpsc::channel::<(StoredEvent, Reply)>();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                // Without a second connection, SQLite checkpoints on this thread as usual.
                let checkpoints = store.background().map(Checkpoints::start);
                let mut pruned = None;
                // An event taken while bringing the search index up to date: the next batch's first. What an
                // earlier listener stored and did not index is indexed before anything comes.
                let mut next = None;
                while store.catch_up_search(false) {
                    next = receiver.try_recv().ok();
                    if next.is_some() {
                        break;
                    }
                }
                loop {
                    if pruned.is_none_or(|at: std::time::Instant| at.elapsed() >= PRUNE_EVERY) {
                        if let Some(retain) = retain {
                            prune(&mut store, retain);
                        }
                        store.delete_abandoned_parts();
                        pruned = Some(std::time::Instant::now());
                    }
                    let first = match next.take().map_or_else(|| receiver.recv_timeout(PRUNE_EVERY), Ok) {
                        Ok(first) => first,
                        Err(mpsc::RecvTimeoutError::Timeout) => continue,
                        Err(mpsc::RecvTimeoutError::Disconnected) => break,
                    };
                    let mut batch = vec![first];
                    batch.extend(queued(&receiver, MAX_BATCH - 1));
                    // A large body takes a while to write and sync: the small events that queued beside it are
                    // committed first, in their own transaction, and so are those that arrive while each large
                    // one is committed, so a healthy delivery waits behind one large body at most.
                    let (mut large, small) = by_size(batch);
                    commit(&mut store, small);
                    while let Some(event) = large.pop_front() {
                        commit_large(&mut store, event, &receiver, &mut large);
                        let (more_large, small) = by_size(queued(&receiver, MAX_BATCH));
                        commit(&mut store, small);
                        large.extend(more_large);
                    }
                    store.between_batches();
                    // The search index catches up once no delivery has come for a moment (a part at a time, so
                    // one that comes then waits for a part at most), and between batches when it has fallen far
                    // behind: a few events indexed after each batch would cost nearly what a trigger did.
                    next = receiver.recv_timeout(INDEX_WHEN_IDLE).ok();
                    while store.catch_up_search(next.is_some()) && next.is_none() {
                        next = receiver.try_recv().ok();
                    }
                }
                if let Some(checkpoints) = checkpoints {
                    checkpoints.finish();
                }
                store
            })
            .expect("the OS starts a thread");
        (Self { queue }, WriterThread(thread))
    }

    /// Stores an event; once committed, hands it back with its id and whether it duplicates an earlier one.
    /// `Err` only when the writer thread is gone (and the event with it).
    pub async fn write(&self, event: StoredEvent) -> Result<Stored, &'static str> {
        const STOPPED: &str = "the store writer stopped";
        let (reply, answer) = oneshot::channel();
        if let Err(mpsc::SendError((event, _))) = self.queue.send((event, reply)) {
            return Ok((event, Err(STOPPED.to_owned())));
        }
        answer.await.map_err(|_| STOPPED)
    }
}

/// Up to `limit` events already waiting, without waiting for more.
fn queued(receiver: &mpsc::Receiver<Queued>, limit: usize) -> Vec<Queued> {
    std::iter::from_fn(|| receiver.try_recv().ok()).take(limit).collect()
}

/// The large events (in order) and the small ones, as `Writer::start` commits them.
fn by_size(batch: Vec<Queued>) -> (VecDeque<Queued>, Vec<Queued>) {
    let (large, small): (Vec<_>, Vec<_>) =
        batch.into_iter().partition(|(event, _)| event.request.body.len() > super::OFF_WORKERS);
    (large.into(), small)
}

/// Deletes the events older than `retain`; a failure is said, and tried again at the next round.
fn prune(store: &mut Store, retain: Duration) {
    let before = chrono::Utc::now().timestamp_millis() - i64::try_from(retain.as_millis()).unwrap_or(i64::MAX);
    if let Err(error) = store.prune(before) {
        eprintln!("hookctl: --retain: {error}");
    }
}

/// Commits `batch` in one transaction and answers each waiting handler.
fn commit(store: &mut Store, batch: Vec<(StoredEvent, Reply)>) {
    if batch.is_empty() {
        return;
    }
    let (events, replies): (Vec<StoredEvent>, Vec<Reply>) = batch.into_iter().unzip();
    let results: Vec<Result<(i64, bool), String>> = match store.insert(&events) {
        Ok(ids) => ids.into_iter().map(Ok).collect(),
        Err(error) => vec![Err(error.to_string()); events.len()],
    };
    for ((event, reply), result) in events.into_iter().zip(replies).zip(results) {
        let _ = reply.send((event, result));
    }
}

/// Commits a large event, in parts where the store can (a transaction of 256 KiB each): the small events that
/// arrive meanwhile are committed between its parts, so a healthy delivery waits for one part, not for the
/// whole of a 10 MiB body. Large ones that arrive meanwhile join `large`, for their turn.
fn commit_large(
    store: &mut Store,
    (event, reply): Queued,
    receiver: &mpsc::Receiver<Queued>,
    large: &mut VecDeque<Queued>,
) {
    let mut parts = match store.begin_in_parts(&event) {
        Ok(Some(parts)) => parts,
        Ok(None) => return commit(store, vec![(event, reply)]),
        Err(error) => {
            let _ = reply.send((event, Err(error.to_string())));
            return;
        }
    };
    let result = loop {
        let (more_large, small) = by_size(queued(receiver, MAX_BATCH));
        commit(store, small);
        large.extend(more_large);
        match store.write_part(&mut parts, &event) {
            Ok(Some(stored)) => break Ok(stored),
            Ok(None) => {}
            Err(error) => break Err(error.to_string()),
        }
    };
    let _ = reply.send((event, result));
}

/// The checkpoint thread: every `CHECKPOINT_EVERY` it copies what is committed into the database. Stopped, and
/// waited for, when its writer stops (its connection must be closed before the writer's, the last one).
struct Checkpoints {
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Checkpoints {
    fn start(mut upkeep: Box<dyn FnMut() + Send>) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("store-checkpoints".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                    upkeep();
                }
            })
            .expect("the OS starts a thread");
        Self { stop, thread }
    }

    fn finish(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}
