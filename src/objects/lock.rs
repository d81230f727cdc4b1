//! The lock every mutable built-in object carries (list, dict, set, namespaces, cells…).
//!
//! One type, two behaviours chosen by the process's threading mode:
//! - **Free-threaded**: a one-byte mutex. Taking it is one compare-and-swap; releasing it when
//!   nobody waits is a plain store (no locked instruction on x86), so an uncontended
//!   lock/unlock costs one atomic read-modify-write instead of two. Waiters spin and yield
//!   briefly, then park on `parking_lot_core`'s queues after marking the lock contended, and the unlock that
//!   sees the mark wakes one. An unlock that read "not contended" just before a waiter marked it
//!   does not wake that waiter, so waiters park with a short timeout and look again: a rare
//!   race costs at most [`PARK_TIMEOUT`] of latency, never a lost wake-up.
//! - **GIL**: no atomic instruction at all. The caller must present a [`Gil`] token, and with the
//!   GIL on only one thread can hold one, so nobody else can be inside. The same byte is a
//!   plain borrow flag (as in `RefCell`), which turns an accidental re-entrant lock — which
//!   would deadlock in free-threaded mode — into a loud failure instead of two live `&mut` to
//!   the same data.
//!
//! In free-threaded mode a lock found taken is recorded in the GIL event log (when it is on) as
//! a blocked span of kind "object lock": that is what contention looks like without a GIL.
//!
//! The rule that keeps both modes deadlock-free: never call Python code or block while holding
//! the guard; copy out, drop the guard, then call. An operation that needs two objects at once
//! (`a == b` on dicts, `a.extend(b)`) takes both with [`ObjLock::lock_two`], which locks in
//! address order: two threads locking the same pair from opposite ends then cannot deadlock.

use std::cell::UnsafeCell;
use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crate::gil::{self, Gil};

/// Free-threaded states of the lock byte (with the GIL: 0 free, 1 borrowed).
const UNLOCKED: u8 = 0;
const LOCKED: u8 = 1;
/// Locked, and some thread may be parked waiting: the unlock must wake one.
const CONTENDED: u8 = 2;

/// How long a parked waiter sleeps before it looks at the lock again by itself.
const PARK_TIMEOUT: Duration = Duration::from_millis(1);
/// Failed attempts before parking, as `parking_lot`'s mutex does: the first few spin (critical
/// sections are short, since no Python code runs and nothing blocks under an object lock), the
/// rest yield the CPU, which lets a lock holder that was preempted run on a busy machine.
const SPINS: u32 = 3;
const YIELDS: u32 = 10;

pub struct ObjLock<T> {
    state: AtomicU8,
    data: UnsafeCell<T>,
}

// SAFETY: the data is only reached through a guard, which excludes every other thread: by the
// mutex in free-threaded mode, by the GIL (proved by the `Gil` token `lock` demands) otherwise.
unsafe impl<T: Send> Sync for ObjLock<T> {}
// SAFETY: moving the lock moves the data with it; no guard can be alive across the move.
unsafe impl<T: Send> Send for ObjLock<T> {}

impl<T> ObjLock<T> {
    pub const fn new(value: T) -> ObjLock<T> {
        ObjLock {
            state: AtomicU8::new(UNLOCKED),
            data: UnsafeCell::new(value),
        }
    }

    /// Exclusive access for the duration of the guard.
    #[inline]
    pub fn lock(&self, _py: Gil<'_>) -> ObjGuard<'_, T> {
        if gil::is_free_threaded() {
            if self
                .state
                .compare_exchange(UNLOCKED, LOCKED, Ordering::Acquire, Ordering::Relaxed)
                .is_err()
            {
                lock_contended(&self.state);
            }
        } else {
            // Only the GIL holder touches the flag, so relaxed loads and stores (plain moves)
            // suffice.
            assert!(
                self.state.load(Ordering::Relaxed) == UNLOCKED,
                "object lock re-entered: Python code ran while a container was locked"
            );
            self.state.store(LOCKED, Ordering::Relaxed);
        }
        ObjGuard {
            lock: self,
            _not_send: PhantomData,
        }
    }

    /// Lock `a` and `b` together, lower address first (CPython's two-object critical section).
    /// When both are the same lock it is taken once and the second guard is `None`: read
    /// through the first.
    pub fn lock_two<'a>(
        py: Gil<'_>,
        a: &'a ObjLock<T>,
        b: &'a ObjLock<T>,
    ) -> (ObjGuard<'a, T>, Option<ObjGuard<'a, T>>) {
        if std::ptr::eq(a, b) {
            return (a.lock(py), None);
        }
        if (a as *const ObjLock<T>) < (b as *const ObjLock<T>) {
            let first = a.lock(py);
            (first, Some(b.lock(py)))
        } else {
            let second = b.lock(py);
            (a.lock(py), Some(second))
        }
    }

    /// Access through `&mut self` needs no locking: nobody else can see the object.
    pub fn get_mut(&mut self) -> &mut T {
        self.data.get_mut()
    }

    pub fn into_inner(self) -> T {
        self.data.into_inner()
    }

    /// The contents, read without locking while the world is stopped; `None` if some thread
    /// holds the lock. Nobody can take it meanwhile: every other thread is parked at a check
    /// point or detached (a detached thread has no token to lock with), and this thread is at a
    /// check point too, where it holds no lock.
    #[inline(always)]
    pub fn read_stopped<'a>(&'a self, _world: &'a crate::gil::stop_world::StoppedWorld<'_>) -> Option<&'a T> {
        if self.state.load(Ordering::Acquire) != UNLOCKED {
            return None;
        }
        // SAFETY: unlocked, and no thread can lock it while `_world` lives (see above), so no
        // `&mut` to the data can exist during the borrow.
        Some(unsafe { &*self.data.get() })
    }

    /// Free-threaded unlock.
    #[inline]
    fn unlock(&self) {
        if self.state.load(Ordering::Relaxed) == LOCKED {
            // Nobody was waiting a moment ago. One who marks the lock contended right now
            // parks with a timeout and finds it free when it looks again.
            self.state.store(UNLOCKED, Ordering::Release);
        } else {
            self.state.swap(UNLOCKED, Ordering::Release);
            wake_one(&self.state);
        }
    }
}

fn park_key(state: &AtomicU8) -> usize {
    state as *const AtomicU8 as usize
}

/// Free-threaded, another thread holds the lock: wait for it, and let the event log (when on)
/// record the wait as contention. Out of line, so the uncontended path stays one CAS.
#[cold]
#[inline(never)]
fn lock_contended(state: &AtomicU8) {
    let _wait = gil::events::BlockSpan::begin(gil::BlockKind::ObjectLock);
    let mut spins = 0;
    loop {
        let seen = state.load(Ordering::Relaxed);
        if seen == UNLOCKED {
            // Taken as contended: other waiters may be parked, and our unlock must wake one.
            if state
                .compare_exchange(UNLOCKED, CONTENDED, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
            continue;
        }
        if spins < SPINS {
            spins += 1;
            for _ in 0..1 << spins {
                std::hint::spin_loop();
            }
            continue;
        }
        if spins < SPINS + YIELDS {
            spins += 1;
            std::thread::yield_now();
            continue;
        }
        if seen == LOCKED
            && state
                .compare_exchange(LOCKED, CONTENDED, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            continue;
        }
        let deadline = Instant::now() + PARK_TIMEOUT;
        // SAFETY: `park`'s contract: the validate and timed-out callbacks neither panic nor
        // call into parking_lot (a load; nothing), and `before_sleep` does nothing.
        unsafe {
            parking_lot_core::park(
                park_key(state),
                || state.load(Ordering::Relaxed) == CONTENDED,
                || {},
                |_, _| {},
                parking_lot_core::DEFAULT_PARK_TOKEN,
                Some(deadline),
            );
        }
    }
}

/// Wake one parked waiter, if any.
#[cold]
#[inline(never)]
fn wake_one(state: &AtomicU8) {
    // SAFETY: `unpark_one`'s contract: the callback neither panics nor calls into parking_lot.
    unsafe {
        parking_lot_core::unpark_one(park_key(state), |_| parking_lot_core::DEFAULT_UNPARK_TOKEN);
    }
}

impl<T: Default> Default for ObjLock<T> {
    fn default() -> Self {
        ObjLock::new(T::default())
    }
}

pub struct ObjGuard<'a, T> {
    lock: &'a ObjLock<T>,
    /// A guard stays on the thread that took it.
    _not_send: PhantomData<*const ()>,
}

impl<T> Deref for ObjGuard<'_, T> {
    type Target = T;

    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard is the only way in while it lives (see `ObjLock`'s `Sync`).
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for ObjGuard<'_, T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`; `&mut self` makes this the only reference derived from it.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for ObjGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if gil::is_free_threaded() {
            self.lock.unlock();
        } else {
            self.lock.state.store(UNLOCKED, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_gives_exclusive_access_and_releases() {
        gil::attach(|py| {
            let lock = ObjLock::new(vec![1]);
            lock.lock(py).push(2);
            assert_eq!(*lock.lock(py), vec![1, 2]);
        });
    }

    #[test]
    fn lock_two_takes_the_same_lock_once() {
        gil::attach(|py| {
            let a = ObjLock::new(1);
            let (guard, second) = ObjLock::lock_two(py, &a, &a);
            assert!(second.is_none());
            assert_eq!(*guard, 1);
        });
    }

    #[test]
    fn lock_two_holds_both_whichever_comes_first() {
        gil::attach(|py| {
            let pair = [ObjLock::new(1), ObjLock::new(2)];
            for (x, y) in [(&pair[0], &pair[1]), (&pair[1], &pair[0])] {
                let (mut first, second) = ObjLock::lock_two(py, x, y);
                *first += second.as_deref().copied().unwrap_or(0);
            }
            assert_eq!((*pair[0].lock(py), *pair[1].lock(py)), (3, 5));
        });
    }

    #[test]
    #[should_panic(expected = "object lock re-entered")]
    fn reentrant_locking_is_caught_in_gil_mode() {
        gil::attach(|py| {
            let lock = ObjLock::new(0);
            let _outer = lock.lock(py);
            let _inner = lock.lock(py);
        });
    }
}
