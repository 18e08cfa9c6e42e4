//! Printing that never slows the receiver: lines go to a bounded queue drained by a thread that writes to
//! stdout as fast as the terminal takes them. When the terminal falls behind by more than the queue holds,
//! lines are counted and skipped (the events themselves are stored) and the count is printed once it catches up.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

const QUEUE: usize = 16_384;
/// At most this much is gathered for one write.
const BATCH_BYTES: usize = 256 * 1024;

#[derive(Clone)]
pub struct Printer {
    queue: mpsc::SyncSender<String>,
    skipped: Arc<AtomicU64>,
}

impl Printer {
    pub fn start() -> (Self, std::thread::JoinHandle<()>) {
        let (queue, receiver) = mpsc::sync_channel::<String>(QUEUE);
        let skipped = Arc::new(AtomicU64::new(0));
        let counter = skipped.clone();
        let handle = std::thread::Builder::new()
            .name("printer".into())
            .spawn(move || {
                let stdout = std::io::stdout();
                let mut batch = String::new();
                while let Ok(line) = receiver.recv() {
                    // Whatever queued meanwhile goes out in the same write: one syscall for many events.
                    batch.clear();
                    let missed = counter.swap(0, Ordering::Relaxed);
                    if missed > 0 {
                        batch.push_str(&format!(
                            "… {missed} events not printed: the terminal fell behind (they are stored)\n"
                        ));
                    }
                    batch.push_str(&line);
                    while batch.len() < BATCH_BYTES {
                        match receiver.try_recv() {
                            Ok(line) => batch.push_str(&line),
                            Err(_) => break,
                        }
                    }
                    let mut out = stdout.lock();
                    // An error means nobody reads stdout any more; keep draining so senders never block.
                    let _ = out.write_all(batch.as_bytes()).and_then(|()| out.flush());
                }
            })
            .expect("the OS starts a thread");
        (Self { queue, skipped }, handle)
    }

    /// Queues a line (with its newline) without waiting.
    pub fn print(&self, line: String) {
        if self.queue.try_send(line).is_err() {
            self.skipped.fetch_add(1, Ordering::Relaxed);
        }
    }
}
