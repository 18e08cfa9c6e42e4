//! The memory budget for request bodies (`--max-memory`). A body takes its bytes from the budget before they
//! are held and gives them back when its request is answered, so however many senders there are, the bodies
//! in flight never hold more than the budget. A body that does not fit is refused (503 with Retry-After, the
//! provider retries later; the answer after a short pause that holds none of the budget) rather than queued: a
//! waiting sender would keep its connection and what it had sent.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The budget is counted in KiB: a semaphore takes at most `u32::MAX` permits at once, and KiB keep even a
/// body of several GiB within that.
const UNIT: usize = 1024;

/// A body up to this size may also draw on the reserve, so a healthy delivery (a few KiB) still finds room
/// when large bodies hold the rest of the budget.
pub const SMALL: usize = 256 * 1024;

/// How long a refused body's 503 waits before it goes out (see `Budget::pause_refused`).
const REFUSED_PAUSE: Duration = Duration::from_secs(1);
/// How many refused senders may be paused at once; past that they are answered at once, since each paused one
/// holds a connection slot.
const PAUSED: usize = 512;

pub struct Budget {
    /// Every body draws on this part.
    shared: Arc<Semaphore>,
    /// An eighth of the budget that only small bodies may use.
    reserve: Arc<Semaphore>,
    bytes: usize,
    paused: Arc<Semaphore>,
}

/// Bytes taken from the budget, given back when dropped.
#[derive(Default)]
pub struct Held {
    shared: Option<OwnedSemaphorePermit>,
    reserve: Option<OwnedSemaphorePermit>,
    /// What this body has been granted so far, in bytes (a multiple of `UNIT`).
    granted: usize,
}

impl Budget {
    pub fn new(bytes: usize) -> Self {
        let units = bytes.div_ceil(UNIT);
        let reserve = units / 8;
        Self {
            shared: Arc::new(Semaphore::new(units - reserve)),
            reserve: Arc::new(Semaphore::new(reserve)),
            bytes,
            paused: Arc::new(Semaphore::new(PAUSED)),
        }
    }

    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// The largest body the budget can ever hold at once (the shared part).
    pub fn largest(bytes: usize) -> usize {
        let units = bytes.div_ceil(UNIT);
        (units - units / 8) * UNIT
    }

    /// Waits a moment before a body refused for want of room is answered, holding none of the budget. A
    /// provider retries after Retry-After anyway; a sender that ignores it and sends its large body again at
    /// once would otherwise keep the listener reading headers and the kernel copying megabytes in a loop, and
    /// take the CPU a healthy delivery needs. Meanwhile its unread body waits in the kernel's buffers.
    pub async fn pause_refused(&self) {
        if let Ok(_paused) = self.paused.try_acquire() {
            tokio::time::sleep(REFUSED_PAUSE).await;
        }
    }

    /// Grows `held` to cover `total` bytes of one body; false (and `held` unchanged) when the budget has no
    /// room for them now.
    pub fn grow(&self, held: &mut Held, total: usize) -> bool {
        if total <= held.granted {
            return true;
        }
        let Ok(units) = u32::try_from(total.div_ceil(UNIT) - held.granted / UNIT) else {
            return false;
        };
        let permit = match self.shared.clone().try_acquire_many_owned(units) {
            Ok(permit) => Some((permit, false)),
            Err(_) if total <= SMALL => self.reserve.clone().try_acquire_many_owned(units).ok().map(|p| (p, true)),
            Err(_) => None,
        };
        let Some((permit, from_reserve)) = permit else {
            return false;
        };
        let slot = if from_reserve { &mut held.reserve } else { &mut held.shared };
        match slot {
            Some(taken) => taken.merge(permit),
            None => *slot = Some(permit),
        }
        held.granted += units as usize * UNIT;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_share_the_budget_and_give_it_back() {
        let budget = Budget::new(8 * 1024 * 1024);
        let mut first = Held::default();
        assert!(budget.grow(&mut first, 5 * 1024 * 1024));
        let mut second = Held::default();
        assert!(!budget.grow(&mut second, 3 * 1024 * 1024), "7 MiB are shared, 5 taken");
        assert!(budget.grow(&mut second, 2 * 1024 * 1024));
        drop(first);
        assert!(budget.grow(&mut second, 6 * 1024 * 1024), "grown once the first was answered");
    }

    #[test]
    fn small_bodies_find_room_when_large_ones_hold_the_rest() {
        let budget = Budget::new(8 * 1024 * 1024);
        let mut large = Held::default();
        assert!(budget.grow(&mut large, Budget::largest(8 * 1024 * 1024)));
        let mut small = Held::default();
        assert!(budget.grow(&mut small, 4096), "a small delivery uses the reserve");
        let mut another_large = Held::default();
        assert!(!budget.grow(&mut another_large, SMALL + 1), "the reserve is not for large bodies");
    }

    #[test]
    fn growing_in_steps_takes_only_the_difference() {
        let budget = Budget::new(1024 * 1024);
        let mut held = Held::default();
        for step in 1..=7 {
            assert!(budget.grow(&mut held, step * 128 * 1024 - 100));
        }
        assert_eq!(held.granted, 7 * 128 * 1024);
        assert!(!budget.grow(&mut held, 8 * 128 * 1024 + 1));
    }
}
