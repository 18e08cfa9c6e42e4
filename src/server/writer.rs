//! The listener's store writer: one thread, group commit.
//!
//! Handlers send an event and wait for its commit; the thread takes everything that queued up meanwhile and
//! commits it in one transaction, so throughput holds under load while every acknowledged event is on disk.

use std::sync::mpsc;
use std::time::Duration;

use tokio::sync::oneshot;

use crate::error::Error;
use crate::store::{Store, StoredEvent};

/// The most events committed in one transaction.
const MAX_BATCH: usize = 512;
/// How often committed pages are copied from the WAL into the database, off the writer's thread.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The event handed back with its id and duplicate flag, or why it was not stored.
type Stored = (StoredEvent, Result<(i64, bool), String>);
type Reply = oneshot::Sender<Stored>;

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
    /// Moves `store` to a writer thread (and its checkpoints to another).
    pub fn start(mut store: Store) -> (Self, WriterThread) {
        let (queue, receiver) = mpsc::channel::<(StoredEvent, Reply)>();
        let thread = std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                // Without a second connection, SQLite checkpoints on this thread as usual.
                let checkpoints = store.background_checkpoints().ok().map(Checkpoints::start);
                while let Ok(first) = receiver.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match receiver.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    // A large body takes a while to write and sync: the small events that queued beside it are
                    // committed first, in their own transaction, so a healthy delivery never waits behind one.
                    let (large, small): (Vec<_>, Vec<_>) =
                        batch.into_iter().partition(|(event, _)| event.request.body.len() > super::OFF_WORKERS);
                    commit(&mut store, small);
                    for event in large {
                        commit(&mut store, vec![event]);
                    }
                    // A writer that never pauses keeps the background checkpoints from ever catching up, and the
                    // WAL from ever starting over: past its limit the writer empties it itself, between batches.
                    if store.wal_oversized() {
                        let _ = store.truncate_wal();
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

/// The checkpoint thread: every `CHECKPOINT_EVERY` it copies what is committed into the database. Stopped, and
/// waited for, when its writer stops (its connection must be closed before the writer's, the last one).
struct Checkpoints {
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Checkpoints {
    fn start(checkpointer: crate::store::Checkpointer) -> Self {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("store-checkpoints".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(CHECKPOINT_EVERY) {
                    let _ = checkpointer.passive();
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
