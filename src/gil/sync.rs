//! The mutex and condition variables the GIL protocol is written against, behind one small trait,
//! so the very code in `lock.rs` runs on `parking_lot` in the interpreter and, in the tests, on
//! `shuttle`'s primitives, under a model checker that explores its interleavings (the `Shuttle`
//! implementation in `lock/model.rs`).
//!
//! Guards are passed by value (std's and shuttle's condvar style); the `parking_lot` versions
//! adapt to that at no cost. The eval breaker is not here: it stays a plain relaxed atomic so the
//! check point fast path is untouched.

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

/// What the interpreter uses.
pub struct ParkingLot;

impl Primitives for ParkingLot {
    type Mutex<T> = parking_lot::Mutex<T>;
    type Guard<'a, T: 'a> = parking_lot::MutexGuard<'a, T>;
    type Condvar = parking_lot::Condvar;

    fn lock<T>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T> {
        mutex.lock()
    }

    fn wait<'a, T>(cond: &Self::Condvar, mut guard: Self::Guard<'a, T>) -> Self::Guard<'a, T> {
        cond.wait(&mut guard);
        guard
    }

    fn wait_timeout<'a, T>(
        cond: &Self::Condvar,
        mut guard: Self::Guard<'a, T>,
        timeout: Duration,
    ) -> (Self::Guard<'a, T>, bool) {
        let timed_out = cond.wait_for(&mut guard, timeout).timed_out();
        (guard, timed_out)
    }

    fn notify_one(cond: &Self::Condvar) {
        cond.notify_one();
    }

    fn notify_all(cond: &Self::Condvar) {
        cond.notify_all();
    }
}
