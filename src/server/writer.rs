//! The listener's store writer: one thread, group commit.
//!
//! Handlers send an event and wait for its commit; the thread takes everything that queued up meanwhile and
//! commits it in one transaction, so throughput holds under load while every acknowledged event is on disk.

use std::sync::mpsc;

use tokio::sync::oneshot;

use crate::store::{Store, StoredEvent};

/// The most events committed in one transaction.
const MAX_BATCH: usize = 512;

type Reply = oneshot::Sender<Result<(i64, bool), String>>;

#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<(StoredEvent, Reply)>,
}

impl Writer {
    /// Moves `store` to a writer thread.
    pub fn start(mut store: Store) -> Self {
        let (queue, receiver) = mpsc::channel::<(StoredEvent, Reply)>();
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || {
                while let Ok(first) = receiver.recv() {
                    let mut batch = vec![first];
                    while batch.len() < MAX_BATCH {
                        match receiver.try_recv() {
                            Ok(next) => batch.push(next),
                            Err(_) => break,
                        }
                    }
                    let (events, replies): (Vec<StoredEvent>, Vec<Reply>) = batch.into_iter().unzip();
                    match store.insert(&events) {
                        Ok(results) => {
                            for (reply, result) in replies.into_iter().zip(results) {
                                let _ = reply.send(Ok(result));
                            }
                        }
                        Err(error) => {
                            let message = error.to_string();
                            for reply in replies {
                                let _ = reply.send(Err(message.clone()));
                            }
                        }
                    }
                }
            })
            .expect("the OS starts a thread");
        Self { queue }
    }

    /// Stores an event; returns its id and whether it duplicates an earlier one, once committed.
    pub async fn write(&self, event: StoredEvent) -> Result<(i64, bool), String> {
        let (reply, answer) = oneshot::channel();
        self.queue.send((event, reply)).map_err(|_| "the store writer stopped".to_owned())?;
        answer.await.map_err(|_| "the store writer stopped".to_owned())?
    }
}
