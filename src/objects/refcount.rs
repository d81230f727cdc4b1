//! Reference counting: the object header, the owning handle [`ObjRef`] and deallocation.
//!
//! One binary serves both threading modes, so the count is an `AtomicUsize` used two ways:
//! - **GIL mode**: a relaxed load followed by a relaxed store. That compiles to a plain
//!   `mov`/`add`/`mov` (no `lock` prefix), which is exactly as cheap as CPython's `ob_refcnt++`;
//!   it is only correct because no two threads can be attached at once, which the [`Gil`]
//!   token proves.
//! - **Free-threaded mode**: `fetch_add` / `fetch_sub`, the classic `Arc` protocol.
//!
//! Immortal objects (types, builtins, code constants, singletons) carry a count at or above
//! [`IMMORTAL`] and are never counted nor freed, so hot shared objects never bounce a cache
//! line between cores.
//!
//! Every mortal allocation and every free is counted on a per-thread slot, for
//! `_toy.live_objects()` (see [`live_objects`]).
//!
//! Dropping an [`ObjRef`] needs no token (Rust's `Drop` takes none): an attached thread
//! decrements at once, a detached thread in GIL mode queues the object and the next thread to
//! attach releases it. Freeing is iterative past a depth limit (CPython's "trashcan"), so a
//! million nested lists do not overflow the Rust stack.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering, fence};

use parking_lot::Mutex;

use super::PyObject;
use crate::gil::{self, Gil};

/// Counts at or above this mark are immortal: never changed, never freed.
pub const IMMORTAL: usize = 1 << (usize::BITS - 2);

/// The header every heap object starts with.
pub struct RefCount(AtomicUsize);

impl RefCount {
    pub const fn new() -> RefCount {
        RefCount(AtomicUsize::new(1))
    }

    /// Current count (for `sys.getrefcount` and tests).
    pub fn get(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    fn is_immortal(&self) -> bool {
        self.0.load(Ordering::Relaxed) >= IMMORTAL
    }

    #[inline(always)]
    fn increment(&self) {
        if gil::is_free_threaded() {
            if !self.is_immortal() {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        } else {
            let n = self.0.load(Ordering::Relaxed);
            if n < IMMORTAL {
                self.0.store(n + 1, Ordering::Relaxed);
            }
        }
    }

    /// Returns true when the count reached zero and the object must be freed.
    #[inline(always)]
    fn decrement(&self) -> bool {
        if gil::is_free_threaded() {
            if self.is_immortal() {
                return false;
            }
            if self.0.fetch_sub(1, Ordering::Release) != 1 {
                return false;
            }
            // Pairs with the `Release` above in other threads: their writes to the object
            // happen-before our free.
            fence(Ordering::Acquire);
            true
        } else {
            let n = self.0.load(Ordering::Relaxed);
            if n >= IMMORTAL {
                return false;
            }
            self.0.store(n - 1, Ordering::Relaxed);
            n == 1
        }
    }
}

impl Default for RefCount {
    fn default() -> Self {
        RefCount::new()
    }
}

/// An owning, counted reference to a heap object.
pub struct ObjRef {
    ptr: NonNull<PyObject>,
}

// SAFETY: the pointee is only mutated through its own locks (see `objects::lock`), and the count
// is an atomic word: in free-threaded mode every update is a real atomic RMW; in GIL mode updates
// happen only on attached threads (clone needs a `Gil` token, drop defers when detached), and the
// GIL admits one attached thread at a time, so plain load/store pairs never race.
unsafe impl Send for ObjRef {}
// SAFETY: as for `Send`; shared access only reads immutable fields or goes through locks.
unsafe impl Sync for ObjRef {}

impl ObjRef {
    /// Move `object` to the heap with a count of one.
    pub fn new(_py: Gil<'_>, object: PyObject) -> ObjRef {
        count_live(1);
        ObjRef {
            ptr: NonNull::from(Box::leak(Box::new(object))),
        }
    }

    /// Move `object` to the heap and make it immortal: it lives until the process exits.
    pub fn new_immortal(object: PyObject) -> ObjRef {
        let obj = ObjRef {
            ptr: NonNull::from(Box::leak(Box::new(object))),
        };
        obj.header().0.store(IMMORTAL, Ordering::Relaxed);
        obj
    }

    /// A second owning reference to the same object.
    #[inline(always)]
    pub fn clone_ref(&self, _py: Gil<'_>) -> ObjRef {
        self.header().increment();
        ObjRef { ptr: self.ptr }
    }

    /// Exclusive access while this is the object's only reference, like `Arc::get_mut`: a list
    /// a comprehension is building is reachable from nowhere else, so it needs no lock.
    #[inline]
    pub fn get_mut(&mut self) -> Option<&mut PyObject> {
        // Acquire pairs with the Release decrement of whichever thread dropped the last other
        // reference, so its writes to the object are visible here.
        if self.header().0.load(Ordering::Acquire) != 1 {
            return None;
        }
        // SAFETY: the count is 1 and that one reference is `self`, borrowed mutably: no other
        // `ObjRef` exists (immortal objects never count 1; a reference parked while detached
        // still counts), so no thread can reach the object, and none can make a new reference
        // without `&self`, which the `&mut self` borrow excludes until the returned borrow ends.
        Some(unsafe { self.ptr.as_mut() })
    }

    /// Object identity (`id()` and `is`).
    #[inline(always)]
    pub fn addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }

    #[inline(always)]
    pub fn is(&self, other: &ObjRef) -> bool {
        self.ptr == other.ptr
    }

    pub fn refcount(&self) -> usize {
        self.header().get()
    }

    fn header(&self) -> &RefCount {
        &self.header
    }
}

impl std::ops::Deref for ObjRef {
    type Target = PyObject;

    #[inline(always)]
    fn deref(&self) -> &PyObject {
        // SAFETY: an `ObjRef` owns one count, so the object is alive until this handle drops;
        // the allocation came from `Box::leak` and is never moved.
        unsafe { self.ptr.as_ref() }
    }
}

impl fmt::Debug for ObjRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjRef({:#x})", self.addr())
    }
}

impl Drop for ObjRef {
    #[inline]
    fn drop(&mut self) {
        if !gil::is_free_threaded() && !gil::is_attached() {
            defer_release(self.ptr);
            return;
        }
        if self.header().decrement() {
            free(self.ptr);
        }
    }
}

/// A raw pointer parked until a thread attaches; never dereferenced while parked.
struct Parked(NonNull<PyObject>);

// SAFETY: a parked pointer is only a number until `release_deferred` runs on an attached thread.
unsafe impl Send for Parked {}

static DEFERRED: Mutex<Vec<Parked>> = Mutex::new(Vec::new());

fn defer_release(ptr: NonNull<PyObject>) {
    DEFERRED.lock().push(Parked(ptr));
}

/// Release references dropped while detached. Called whenever a thread attaches.
pub fn release_deferred() {
    let parked = std::mem::take(&mut *DEFERRED.lock());
    for Parked(ptr) in parked {
        drop(ObjRef { ptr });
    }
}

/// Past this many nested frees, queue further frees instead of recursing.
const MAX_FREE_DEPTH: usize = 64;

thread_local! {
    static FREE_DEPTH: Cell<usize> = const { Cell::new(0) };
    static FREE_LATER: RefCell<Vec<Parked>> = const { RefCell::new(Vec::new()) };
}

#[cold]
fn free(ptr: NonNull<PyObject>) {
    let depth = FREE_DEPTH.with(Cell::get);
    if depth >= MAX_FREE_DEPTH {
        FREE_LATER.with(|later| later.borrow_mut().push(Parked(ptr)));
        return;
    }
    FREE_DEPTH.with(|d| d.set(depth + 1));
    count_live(-1);
    // SAFETY: the count just reached zero, so this was the last reference; the pointer came
    // from `Box::leak` in `ObjRef::new` (immortal objects never get here).
    drop(unsafe { Box::from_raw(ptr.as_ptr()) });
    FREE_DEPTH.with(|d| d.set(depth));
    if depth == 0 {
        // The outermost free drains what deeper frees queued; each of those may queue more.
        while let Some(Parked(next)) = FREE_LATER.with(|later| later.borrow_mut().pop()) {
            FREE_DEPTH.with(|d| d.set(1));
            count_live(-1);
            // SAFETY: queued by `free` above after its count reached zero; freed exactly once.
            drop(unsafe { Box::from_raw(next.as_ptr()) });
            FREE_DEPTH.with(|d| d.set(0));
        }
    }
}

// ----- live objects --------------------------------------------------------------------------
//
// Each thread counts its allocations minus its frees in a slot that only it writes, with a plain
// load and store: no atomic read-modify-write and no cache line shared with another core, so
// counting costs an allocation a few instructions and never serialises threads (one shared
// atomic counter would bounce between cores on every allocation). The number of live objects
// is the sum of all slots. A slot outlives its thread, so a finished thread's count is never
// lost, and is handed on to the next thread that starts.

/// One thread's count, alone on its cache lines (128 bytes: adjacent-line prefetch pairs them).
#[repr(align(128))]
struct LiveSlot(AtomicIsize);

/// Every slot ever handed out, summed by `live_objects`.
static SLOTS: Mutex<Vec<&'static LiveSlot>> = Mutex::new(Vec::new());
/// Slots whose threads have ended, waiting for a new thread.
static SPARE_SLOTS: Mutex<Vec<&'static LiveSlot>> = Mutex::new(Vec::new());

thread_local! {
    static LIVE_SLOT: Cell<Option<&'static LiveSlot>> = const { Cell::new(None) };
    static SLOT_RETURN: SlotReturn = const { SlotReturn };
}

/// Hands the thread's slot back when the thread ends.
struct SlotReturn;

impl Drop for SlotReturn {
    fn drop(&mut self) {
        if let Some(slot) = LIVE_SLOT.with(Cell::take) {
            SPARE_SLOTS.lock().push(slot);
        }
    }
}

#[inline(always)]
fn count_live(delta: isize) {
    let slot = LIVE_SLOT.with(Cell::get).unwrap_or_else(claim_slot);
    // Only this thread writes the slot (the mutexes order a hand-over), so load + store is exact.
    slot.0.store(slot.0.load(Ordering::Relaxed) + delta, Ordering::Relaxed);
}

#[cold]
fn claim_slot() -> &'static LiveSlot {
    let spare = SPARE_SLOTS.lock().pop();
    let slot = spare.unwrap_or_else(|| {
        let slot: &'static LiveSlot = Box::leak(Box::new(LiveSlot(AtomicIsize::new(0))));
        SLOTS.lock().push(slot);
        slot
    });
    LIVE_SLOT.with(|s| s.set(Some(slot)));
    // Arms the hand-back at thread exit. Past that point (a free inside another thread-local's
    // destructor) it is gone: the slot then stays with this thread, still counted.
    let _ = SLOT_RETURN.try_with(|_| ());
    slot
}

/// Heap objects alive now, immortal ones excluded (`_toy.live_objects()`). Exact when the
/// other threads are finished or idle; approximate while they allocate.
pub fn live_objects() -> isize {
    SLOTS.lock().iter().map(|slot| slot.0.load(Ordering::Relaxed)).sum()
}

impl ObjRef {
    /// Copy a handle to an immortal object. Immortal counts never change, so this needs no
    /// token; for a mortal object it would be a counting error, hence the check.
    pub fn immortal_copy(&self) -> ObjRef {
        assert!(self.header().is_immortal(), "immortal_copy of a mortal object");
        ObjRef { ptr: self.ptr }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objects::{ObjLock, Payload, PyStr, Value};

    fn new_list(py: Gil<'_>, items: Vec<Value>) -> ObjRef {
        ObjRef::new(py, PyObject::new(Payload::List(ObjLock::new(items))))
    }

    #[test]
    fn clone_and_drop_balance() {
        gil::attach(|py| {
            let obj = ObjRef::new(py, PyObject::new(Payload::Str(PyStr::new("x"))));
            assert_eq!(obj.refcount(), 1);
            let second = obj.clone_ref(py);
            assert_eq!(obj.refcount(), 2);
            drop(second);
            assert_eq!(obj.refcount(), 1);
        });
    }

    #[test]
    fn get_mut_only_for_the_sole_reference() {
        gil::attach(|py| {
            let mut list = new_list(py, vec![Value::Int(1)]);
            assert!(list.get_mut().is_some(), "one reference: exclusive");
            let other = list.clone_ref(py);
            assert!(list.get_mut().is_none(), "a second reference exists");
            drop(other);
            match list.get_mut().map(|o| &mut o.payload) {
                Some(Payload::List(items)) => items.get_mut().push(Value::Int(2)),
                _ => panic!("the clone was dropped: exclusive again"),
            }
            assert!(matches!(&list.payload, Payload::List(items) if items.lock(py).len() == 2));
            let mut forever = ObjRef::new_immortal(PyObject::new(Payload::Str(PyStr::new("x"))));
            assert!(forever.get_mut().is_none(), "immortal objects are shared by definition");
        });
    }

    #[test]
    fn immortal_objects_are_never_counted() {
        gil::attach(|py| {
            let obj = ObjRef::new_immortal(PyObject::new(Payload::Str(PyStr::new("forever"))));
            let before = obj.refcount();
            let copies: Vec<ObjRef> = (0..10).map(|_| obj.clone_ref(py)).collect();
            assert_eq!(obj.refcount(), before);
            drop(copies);
            assert_eq!(obj.refcount(), before);
        });
    }

    #[test]
    fn container_holds_its_items() {
        gil::attach(|py| {
            let item = ObjRef::new(py, PyObject::new(Payload::Str(PyStr::new("item"))));
            let list = new_list(py, vec![Value::Obj(item.clone_ref(py))]);
            assert_eq!(item.refcount(), 2);
            drop(list);
            assert_eq!(item.refcount(), 1);
        });
    }

    #[test]
    fn drops_while_detached_are_deferred_until_attach() {
        gil::attach(|py| {
            let obj = ObjRef::new(py, PyObject::new(Payload::Str(PyStr::new("x"))));
            let second = obj.clone_ref(py);
            py.allow_threads(crate::gil::BlockKind::Sleep, move || drop(second));
            // Re-attaching released the parked reference.
            assert_eq!(obj.refcount(), 1);
        });
    }

    /// This thread's count (other tests allocate concurrently, so the total is not looked at).
    fn my_count() -> isize {
        let slot = LIVE_SLOT.with(Cell::get).unwrap_or_else(claim_slot);
        slot.0.load(Ordering::Relaxed)
    }

    #[test]
    fn live_objects_counts_allocations_and_frees_on_any_thread() {
        gil::attach(|py| {
            let before = my_count();
            let list = new_list(py, vec![Value::Obj(new_list(py, Vec::new()))]);
            assert_eq!(my_count(), before + 2);
            drop(list);
            assert_eq!(my_count(), before);
            // Allocated here, freed on another thread: counted up here, down there.
            let list = new_list(py, vec![Value::Obj(new_list(py, Vec::new()))]);
            let freeing = std::thread::spawn(move || {
                gil::attach(|_| {
                    let theirs = my_count();
                    drop(list);
                    my_count() - theirs
                })
            });
            let freed_there = py.allow_threads(crate::gil::events::BlockKind::Join, || {
                freeing.join().expect("freeing thread")
            });
            assert_eq!((my_count() - before, freed_there), (2, -2));
        });
    }

    #[test]
    fn freeing_a_deeply_nested_structure_does_not_overflow_the_stack() {
        gil::attach(|py| {
            let mut inner = new_list(py, Vec::new());
            for _ in 0..1_000_000 {
                inner = new_list(py, vec![Value::Obj(inner)]);
            }
            drop(inner);
        });
    }
}
