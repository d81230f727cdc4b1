//! The lock every mutable built-in object carries (list, dict, set, namespaces, cells…).
//!
//! One type, two behaviours chosen by the process's threading mode:
//! - **Free-threaded**: a real `parking_lot` mutex (one byte, uncontended lock = one CAS), so
//!   each single operation on a container is atomic under true parallelism.
//! - **GIL**: no atomic instruction at all. The caller must present a [`Gil`] token, and with the
//!   GIL on only one thread can hold one, so nobody else can be inside. A plain borrow flag (as
//!   in `RefCell`) turns an accidental re-entrant lock — which would deadlock in free-threaded
//!   mode — into a loud failure instead of two live `&mut` to the same data.
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
use std::sync::atomic::{AtomicBool, Ordering};

use parking_lot::lock_api::RawMutex as _;

use crate::gil::{self, Gil};

type RawGuard = <parking_lot::RawMutex as parking_lot::lock_api::RawMutex>::Guard;

pub struct ObjLock<T> {
    raw: parking_lot::RawMutex,
    /// GIL mode only: set while a guard is alive. Only the GIL holder touches it, so relaxed
    /// loads and stores (plain moves) suffice.
    borrowed: AtomicBool,
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
            raw: parking_lot::RawMutex::INIT,
            borrowed: AtomicBool::new(false),
            data: UnsafeCell::new(value),
        }
    }

    /// Exclusive access for the duration of the guard.
    #[inline]
    pub fn lock(&self, _py: Gil<'_>) -> ObjGuard<'_, T> {
        let held = if gil::is_free_threaded() {
            Some(self.raw.try_lock().unwrap_or_else(|| lock_contended(&self.raw)))
        } else {
            assert!(
                !self.borrowed.load(Ordering::Relaxed),
                "object lock re-entered: Python code ran while a container was locked"
            );
            self.borrowed.store(true, Ordering::Relaxed);
            None
        };
        ObjGuard {
            lock: self,
            held,
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
}

/// Free-threaded, another thread holds the lock: wait for it, and let the event log (when on)
/// record the wait as contention. Out of line, so the uncontended path stays one CAS.
#[cold]
#[inline(never)]
fn lock_contended(raw: &parking_lot::RawMutex) -> RawGuard {
    let _wait = gil::events::BlockSpan::begin(gil::BlockKind::ObjectLock);
    raw.lock()
}

impl<T: Default> Default for ObjLock<T> {
    fn default() -> Self {
        ObjLock::new(T::default())
    }
}

pub struct ObjGuard<'a, T> {
    lock: &'a ObjLock<T>,
    /// Free-threaded mode: the mutex's proof of ownership, handed back on unlock.
    held: Option<RawGuard>,
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
        if let Some(held) = self.held.take() {
            // SAFETY: `held` came from locking this mutex in `lock`; it is given back once.
            unsafe { self.lock.raw.unlock(held) };
        } else {
            self.lock.borrowed.store(false, Ordering::Relaxed);
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
