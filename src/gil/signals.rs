//! Ctrl-C: SIGINT becomes `KeyboardInterrupt` in the main thread, as in CPython.
//!
//! The OS handler only records the signal (a background thread of signal-hook's receives it
//! and sets a flag plus a bit in the main thread's eval breaker). The main thread raises at its
//! next check point; if it is blocked in a wait (sleep, lock, join, queue), the wait is cut into
//! short slices that notice the flag, so the interrupt arrives even then.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use super::lock::{EvalBreaker, breaker_bits};

/// How often a blocked main thread looks for a pending Ctrl-C.
const POLL: Duration = Duration::from_millis(20);

static PENDING: AtomicBool = AtomicBool::new(false);
static MAIN_BREAKER: OnceLock<Arc<EvalBreaker>> = OnceLock::new();

/// Route SIGINT to the calling thread, which becomes "the main thread". Called once at start.
pub fn install_for_main_thread() {
    let breaker = super::current_breaker();
    if MAIN_BREAKER.set(Arc::clone(&breaker)).is_err() {
        return;
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new([signal_hook::consts::SIGINT]) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("toy-signals".to_string())
        .spawn(move || {
            for _ in signals.forever() {
                // The bit first: whoever sees PENDING can count on the check point raising.
                breaker.set(breaker_bits::SIGNAL);
                PENDING.store(true, Ordering::SeqCst);
            }
        });
    drop(spawned);
}

/// True on the main thread when a Ctrl-C is waiting to be raised; consumes it.
pub fn take_pending_interrupt(breaker: &Arc<EvalBreaker>) -> bool {
    let is_main = MAIN_BREAKER.get().is_some_and(|main| Arc::ptr_eq(main, breaker));
    if !is_main || !PENDING.swap(false, Ordering::SeqCst) {
        return false;
    }
    breaker.clear(breaker_bits::SIGNAL);
    true
}

fn on_main_thread() -> bool {
    MAIN_BREAKER
        .get()
        .is_some_and(|main| Arc::ptr_eq(main, &super::current_breaker()))
}

/// Sleep for `duration`, returning early (true) if Ctrl-C arrives on the main thread.
pub fn interruptible_sleep(duration: Duration) -> bool {
    if !on_main_thread() {
        std::thread::sleep(duration);
        return false;
    }
    let deadline = Instant::now() + duration;
    loop {
        if PENDING.load(Ordering::SeqCst) {
            return true;
        }
        let now = Instant::now();
        if now >= deadline {
            return false;
        }
        std::thread::sleep((deadline - now).min(POLL));
    }
}

/// Wait with `wait_until(deadline)` (true when done) in slices, so the main thread notices a
/// Ctrl-C. Returns `None` when interrupted.
pub fn interruptible_wait(deadline: Option<Instant>, mut wait_until: impl FnMut(Instant) -> bool) -> Option<bool> {
    let main = on_main_thread();
    loop {
        let slice_end = Instant::now() + POLL;
        let until = match deadline {
            Some(d) if !main || d < slice_end => d,
            Some(_) | None if main => slice_end,
            // Not the main thread and no deadline: one long wait (a far-off instant).
            _ => Instant::now() + Duration::from_secs(3600),
        };
        if wait_until(until) {
            return Some(true);
        }
        if main && PENDING.load(Ordering::SeqCst) {
            return None;
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return Some(false);
        }
    }
}
