//! The listener's open connections: at most a fixed number at once (`--max-connections`, lowered to what the
//! open-file limit allows), and room made for a newcomer by closing the connection idle the longest.
//!
//! Without it, connections that send nothing (or keep-alive connections between deliveries) hold their file
//! descriptors until the read timeout; once the descriptors run out `accept` fails, and a provider's delivery
//! waits in the kernel's queue for the whole timeout. A connection counts as idle when no request of its own
//! is being handled: closing one loses nothing (hyper closes it between requests, or after the answer it is
//! writing), and an idle connection is what a keep-alive client reopens when it needs one. At the limit, the
//! accept loop keeps reading the kernel's queue and closes newcomers that say nothing (see `serve`).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

/// How long a new connection has to start its first request before it may be closed as idle (milliseconds).
const FIRST_REQUEST_GRACE: u64 = 50;

pub struct Connections {
    slots: Arc<Semaphore>,
    limit: usize,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
    next_id: AtomicU64,
    /// Raised when a connection goes idle while every slot is taken: there is one to close now.
    went_idle: Notify,
    started: Instant,
}

/// One open connection, as its requests and the accept loop see it.
pub struct Connection {
    /// Requests of this connection being handled (0 or 1 with HTTP/1).
    busy: AtomicUsize,
    /// Requests of this connection answered so far.
    served: AtomicUsize,
    /// When it opened, in milliseconds since the listener started.
    opened: u64,
    /// When it last finished a request (or opened), in milliseconds since the listener started.
    last_active: AtomicU64,
    /// Set once it has been asked to close.
    shedding: AtomicBool,
    pub shed: Notify,
}

/// A connection's place: its slot and its entry, given back when dropped.
pub struct Registration {
    connections: Arc<Connections>,
    id: u64,
    pub connection: Arc<Connection>,
    _slot: OwnedSemaphorePermit,
}

impl Connections {
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            slots: Arc::new(Semaphore::new(limit)),
            limit,
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            went_idle: Notify::new(),
            started: Instant::now(),
        })
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Resolves once every connection has closed (each holds its slot until then).
    pub async fn all_closed(&self) {
        let all = u32::try_from(self.limit).unwrap_or(u32::MAX);
        let _ = self.slots.acquire_many(all).await;
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A free slot at once, if there is one.
    pub fn try_slot(&self) -> Option<OwnedSemaphorePermit> {
        self.slots.clone().try_acquire_owned().ok()
    }

    /// Waits for a slot to free up, or for a connection to go idle (then `None`: close one and ask again).
    pub async fn slot_or_idle(&self) -> Option<OwnedSemaphorePermit> {
        tokio::select! {
            permit = self.slots.clone().acquire_owned() => permit.ok(),
            () = self.went_idle.notified() => None,
        }
    }

    /// Registers an accepted connection in the slot it was given.
    pub fn register(self: &Arc<Self>, slot: OwnedSemaphorePermit) -> Registration {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let now = self.now();
        let connection = Arc::new(Connection {
            busy: AtomicUsize::new(0),
            served: AtomicUsize::new(0),
            opened: now,
            last_active: AtomicU64::new(now),
            shedding: AtomicBool::new(false),
            shed: Notify::new(),
        });
        self.entries().insert(id, connection.clone());
        Registration { connections: self.clone(), id, connection, _slot: slot }
    }

    /// Asks the connection idle the longest to close; false when none is idle.
    ///
    /// A connection that has answered nothing yet counts as idle only after `FIRST_REQUEST_GRACE`: until its
    /// first request's headers are read it is not busy, and closing it then would drop a delivery that was
    /// already on its way (the newcomer the room was made for, among them).
    pub fn shed_idlest(&self) -> bool {
        let now = self.now();
        let entries = self.entries();
        let idle = |c: &Connection| {
            c.busy.load(Ordering::Acquire) == 0
                && !c.shedding.load(Ordering::Relaxed)
                && (c.served.load(Ordering::Relaxed) > 0 || now.saturating_sub(c.opened) >= FIRST_REQUEST_GRACE)
        };
        // Ties (the same millisecond) go to the older connection.
        let idlest =
            entries.iter().filter(|(_, c)| idle(c)).min_by_key(|(id, c)| (c.last_active.load(Ordering::Relaxed), **id));
        let Some((_, idlest)) = idlest else {
            return false;
        };
        idlest.shedding.store(true, Ordering::Relaxed);
        // A stored permit: the connection's task sees it even if it is not waiting yet.
        idlest.shed.notify_one();
        true
    }

    /// A request of `connection` starts; the guard marks it finished, also when the request is dropped.
    pub fn busy(self: &Arc<Self>, connection: &Arc<Connection>) -> Busy {
        connection.busy.fetch_add(1, Ordering::AcqRel);
        Busy { connections: self.clone(), connection: connection.clone() }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.connections.entries().remove(&self.id);
    }
}

pub struct Busy {
    connections: Arc<Connections>,
    connection: Arc<Connection>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.connection.last_active.store(self.connections.now(), Ordering::Relaxed);
        self.connection.served.fetch_add(1, Ordering::Relaxed);
        if self.connection.busy.fetch_sub(1, Ordering::AcqRel) == 1 && self.connections.slots.available_permits() == 0 {
            self.connections.went_idle.notify_one();
        }
    }
}

/// A hyper service that marks its connection busy while one of its requests is handled.
pub struct Tracked<S> {
    pub inner: S,
    pub connections: Arc<Connections>,
    pub connection: Arc<Connection>,
}

impl<S, R> hyper::service::Service<R> for Tracked<S>
where
    S: hyper::service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn call(&self, request: R) -> Self::Future {
        let busy = self.connections.busy(&self.connection);
        let answer = self.inner.call(request);
        Box::pin(async move {
            let answer = answer.await;
            drop(busy);
            answer
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_idle_the_longest_is_shed_and_busy_ones_never() {
        let connections = Connections::new(3);
        let first = connections.register(connections.try_slot().expect("a slot"));
        std::thread::sleep(std::time::Duration::from_millis(5));
        let second = connections.register(connections.try_slot().expect("a slot"));
        let third = connections.register(connections.try_slot().expect("a slot"));
        assert!(connections.try_slot().is_none(), "three at most");
        assert!(!connections.shed_idlest(), "none has had the time to send its first request");
        std::thread::sleep(std::time::Duration::from_millis(FIRST_REQUEST_GRACE + 10));
        let _busy = connections.busy(&first.connection);
        assert!(connections.shed_idlest());
        assert!(second.connection.shedding.load(Ordering::Relaxed), "the oldest idle one");
        assert!(connections.shed_idlest());
        assert!(third.connection.shedding.load(Ordering::Relaxed));
        assert!(!connections.shed_idlest(), "the busy one stays");
        drop(second);
        assert!(connections.try_slot().is_some(), "a closed connection frees its slot");
    }
}
