//! The mutex and condition variables the GIL protocol is written against, behind one small
//! trait, so the very code in `lock.rs` runs on the standard library's primitives in the
//! interpreter and, in the tests, on `shuttle`'s primitives, under a model checker that explores
//! its interleavings (the `Shuttle` implementation in `lock/model.rs`).
//!
//! Guards are passed by value (std's and shuttle's condvar style). The eval breaker is not
//! here: it stays a plain relaxed atomic so the check point fast path is untouched.

use std::ops::DerefMut;
use std::time::Duration;

pub trait Primitives {
    type Mutex<T>;
    type Guard<'a, T: 'a>: DerefMut<Target = T>;
    type Condvar;

    fn lock<T>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T>;

    /// Release the mutex until notified (spurious wake-ups allowed), then re-lock it.
    fn wait<'a, T>(cond: &Self::Condvar, guard: Self::Guard<'a, T>) -> Self::Guard<'a, T>;

    /// Like `wait`, but give up after `timeout`; the flag is true when it timed out.
    fn wait_timeout<'a, T>(
        cond: &Self::Condvar,
        guard: Self::Guard<'a, T>,
        timeout: Duration,
    ) -> (Self::Guard<'a, T>, bool);

    fn notify_one(cond: &Self::Condvar);
    fn notify_all(cond: &Self::Condvar);
}

/// What the interpreter uses: the standard library's futex-based mutex and condition variable.
/// Their whole state is in the objects themselves, so a thread that was waiting at the moment
/// of a `fork()` leaves nothing behind in the child (parking_lot's waiters sit in one global
/// table, whose buckets a thread may hold locked at that very instant). A panic while holding
/// the mutex (poisoning) is ignored: the GIL's state is updated in single assignments.
pub struct StdSync;

impl Primitives for StdSync {
    type Mutex<T> = std::sync::Mutex<T>;
    type Guard<'a, T: 'a> = std::sync::MutexGuard<'a, T>;
    type Condvar = std::sync::Condvar;

    fn lock<T>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T> {
        mutex.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait<'a, T>(cond: &Self::Condvar, guard: Self::Guard<'a, T>) -> Self::Guard<'a, T> {
        cond.wait(guard).unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn wait_timeout<'a, T>(
        cond: &Self::Condvar,
        guard: Self::Guard<'a, T>,
        timeout: Duration,
    ) -> (Self::Guard<'a, T>, bool) {
        let (guard, result) = cond
            .wait_timeout(guard, timeout)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (guard, result.timed_out())
    }

    fn notify_one(cond: &Self::Condvar) {
        cond.notify_one();
    }

    fn notify_all(cond: &Self::Condvar) {
        cond.notify_all();
    }
}
