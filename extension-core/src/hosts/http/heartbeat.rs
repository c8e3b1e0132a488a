//! The `102 Processing` heartbeat (section 6.3.3), on a timer thread of its own: it fires even
//! while a synchronous function holds a runtime thread, and a call's ticket cancels it when
//! the call ends or is dropped (a connection that timed out keeps no socket alive).

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Writes the interim response on one connection.
#[derive(Clone)]
pub struct Heartbeat(pub(super) Arc<dyn Fn() + Send + Sync>);

/// One scheduled heartbeat. Its own lock, not the timer's, is held while it writes, so a
/// slow socket delays only its own call's end, never other calls being scheduled.
struct Slot {
    beat: Heartbeat,
    /// Set when the call ended: the beat must not be written any more.
    cancelled: Mutex<bool>,
}

struct Due {
    entries: BTreeMap<(Instant, u64), Arc<Slot>>,
    next_id: u64,
    /// When the thread wakes on its own: a call scheduled later needs no wake-up, so the
    /// common case (every call due 270 s from now) costs a map insert and no syscall.
    wakes_at: Instant,
}

/// How long the idle thread sleeps before looking again.
const IDLE_NAP: Duration = Duration::from_secs(1);

struct Timer {
    due: Mutex<Due>,
    wake: Condvar,
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<&'static Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            due: Mutex::new(Due {
                entries: BTreeMap::new(),
                next_id: 0,
                wakes_at: Instant::now(),
            }),
            wake: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("extension-heartbeat".into())
            .spawn(move || timer.run())
            .expect("cannot start the heartbeat thread");
        timer
    })
}

impl Timer {
    fn run(&self) {
        let mut due = self.due.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            let now = Instant::now();
            match due.entries.keys().next().copied() {
                Some(key) if key.0 <= now => {
                    let slot = due.entries.remove(&key);
                    drop(due);
                    // Written under the slot's lock: a call that ends now waits in
                    // `Ticket::drop` until the 102 is out, before hyper writes the answer.
                    if let Some(slot) = slot {
                        let cancelled = slot.cancelled.lock().unwrap_or_else(|e| e.into_inner());
                        if !*cancelled {
                            (slot.beat.0)();
                        }
                    }
                    due = self.due.lock().unwrap_or_else(|e| e.into_inner());
                }
                next => {
                    let until = next.map_or(now + IDLE_NAP, |key| key.0.min(now + IDLE_NAP));
                    due.wakes_at = until;
                    due = self
                        .wake
                        .wait_timeout(due, until - now)
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                }
            }
        }
    }
}

/// A scheduled heartbeat; dropping it cancels it.
pub(super) struct Ticket {
    key: (Instant, u64),
    slot: Arc<Slot>,
}

/// Schedules `beat` after `delay`.
pub(super) fn schedule(beat: Heartbeat, delay: Duration) -> Ticket {
    let timer = timer();
    let at = Instant::now() + delay;
    let mut due = timer.due.lock().unwrap_or_else(|e| e.into_inner());
    let id = due.next_id;
    due.next_id += 1;
    let early = at < due.wakes_at;
    let slot = Arc::new(Slot {
        beat,
        cancelled: Mutex::new(false),
    });
    due.entries.insert((at, id), Arc::clone(&slot));
    drop(due);
    if early {
        timer.wake.notify_one();
    }
    Ticket {
        key: (at, id),
        slot,
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        timer()
            .due
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entries
            .remove(&self.key);
        // Waits for a beat being written right now.
        *self
            .slot
            .cancelled
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn fires_once_when_due_and_never_when_cancelled() {
        let fired = Arc::new(AtomicUsize::new(0));
        let beat = {
            let fired = Arc::clone(&fired);
            Heartbeat(Arc::new(move || {
                fired.fetch_add(1, Ordering::SeqCst);
            }))
        };
        let kept = schedule(beat.clone(), Duration::from_millis(20));
        drop(schedule(beat, Duration::from_millis(20)));
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(fired.load(Ordering::SeqCst), 1);
        drop(kept);
    }
}
