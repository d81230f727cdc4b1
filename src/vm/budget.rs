//! Fuzzing only (`--features fuzzing`, used by the harness in `fuzz/`): a budget of check
//! points per thread, so that a runaway input (an endless loop, a recursion caught and retried)
//! ends with an exception instead of a time-out of the fuzzer. Ordinary builds do not compile
//! this module, and their check points are untouched.
//!
//! Once a thread has spent its budget it stays spent: every later check point raises again, so
//! an `except BaseException:` inside a loop cannot swallow the stop; the loop's next backward
//! jump raises outside the handler.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};

/// Check points each new thread may pass; unlimited until the harness sets it.
static PER_THREAD: AtomicU64 = AtomicU64::new(u64::MAX);

thread_local! {
    static LEFT: Cell<u64> = Cell::new(PER_THREAD.load(Ordering::Relaxed));
}

/// The budget of every thread that starts from now on.
pub fn set_check_point_budget(check_points: u64) {
    PER_THREAD.store(check_points, Ordering::Relaxed);
}

/// Count one check point: true once this thread's budget is spent.
pub(crate) fn exhausted() -> bool {
    LEFT.with(|left| match left.get() {
        0 => true,
        n => {
            left.set(n - 1);
            false
        }
    })
}
