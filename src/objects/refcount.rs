//! Reference counting: the object header, the owning handle [`ObjRef`] and deallocation.
//!
//! One binary serves both threading modes, so the header is read two ways:
//! - **GIL mode**: `local` is the whole count, changed with a relaxed load followed by a relaxed
//!   store. That compiles to a plain `mov`/`add`/`mov` (no `lock` prefix), exactly as cheap as
//!   CPython's `ob_refcnt++`; it is only correct because no two threads can be attached at
//!   once, which the [`Gil`] token proves.
//! - **Free-threaded mode**: biased reference counting, as CPython 3.13t. Every object has an
//!   owner, the thread that made it, which changes `local` with the same plain load and store;
//!   any other thread changes `shared` with atomic read-modify-writes. Most objects never leave
//!   the thread that made them, so most counting costs no atomic instruction. When the owner's
//!   count reaches zero it gives up ownership ("merges": `shared` alone counts from then on).
//!   When another thread's decrement would take `shared` below zero (it drops a reference the
//!   owner counted), it instead marks the object queued and hands it to the owner, who merges
//!   it and drops that reference on its next allocation or attach; an owner that has finished
//!   ([`retire_thread`]) is merged for at once.
//!
//! Immortal objects (types, builtins, code constants, singletons) carry a `local` count at or
//! above [`IMMORTAL`] and are never counted nor freed, so hot shared objects never bounce a
//! cache line between cores. Free-threaded, [`ObjRef::immortalize`] makes the functions,
//! classes and modules a thread shares with the threads it starts immortal (CPython 3.13t does
//! the same when the first thread starts).
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
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicIsize, AtomicU32, AtomicU64, Ordering, fence};

use std::sync::Mutex;

use super::{PyObject, Value, gc, weakref};
use crate::gil::fork::locked;
use crate::gil::{self, Gil};

/// Local words at or above this mark are immortal: never changed, never freed. A mortal
/// count that grows this far (GIL mode) stays there: a leak, never a premature free.
pub const IMMORTAL: u32 = 1 << 31;

// Free-threaded, the local word is the owner's id and the owner's count side by side, so one
// load tells a thread both whether it owns the object and what the count is.
const OWNER_SHIFT: u32 = 15;
/// The owner's count. When it is full, the owner counts further references in `shared`.
const LOCAL_MASK: u32 = (1 << OWNER_SHIFT) - 1;
const OWNER_MASK: u32 = !LOCAL_MASK & !IMMORTAL;
/// Owner ids are 1..=MAX_OWNER_ID; 0 means nobody owns the object (merged, or GIL mode).
const MAX_OWNER_ID: u32 = OWNER_MASK >> OWNER_SHIFT;
/// A thread's owner bits before it has claimed an id, and after the ids ran out. With the
/// immortal bit set, no mortal object's owner bits can match them.
const UNCLAIMED: u32 = u32::MAX;
const NO_ID_LEFT: u32 = IMMORTAL;

/// `shared` holds the count shifted left by two; the low bits are flags (CPython's encoding).
const SHARED_SHIFT: u32 = 2;
const SHARED_ONE: i32 = 1 << SHARED_SHIFT;
const SHARED_FLAGS: i32 = SHARED_ONE - 1;
/// Some weak reference may point here: the owner's last decrement then settles with a
/// compare-and-swap, which a weak reference taking a reference ([`ObjRef::try_clone_from_ptr`])
/// races against fairly (CPython's `_Py_REF_MAYBE_WEAKREF`).
const MAYBE_WEAKREF: i32 = 1;
/// Handed to the owner to merge: the queue holds the reference whose decrement was deferred.
const QUEUED: i32 = 2;
/// Merged: no owner any more, `shared` is the whole count.
const MERGED: i32 = 3;
/// A `shared` count this high is never counted further nor freed (a leak instead of an
/// overflow; it takes a hundred million references from threads that do not own the object).
const SHARED_SATURATED: i32 = 1 << 29;

/// The header every heap object starts with (8 bytes: two 32-bit words).
pub struct RefCount {
    /// GIL mode: the whole count. Free-threaded: the owner's id and the owner's count. Only
    /// the owner (with the GIL, the attached thread) writes it, so a plain load and store
    /// suffice; it is an atomic only so that other threads may read it.
    local: AtomicU32,
    /// Free-threaded: the other threads' net count (may be negative) and the flags.
    shared: AtomicI32,
}

impl RefCount {
    pub const fn new() -> RefCount {
        RefCount {
            local: AtomicU32::new(1),
            shared: AtomicI32::new(0),
        }
    }

    /// Current count (for `sys.getrefcount` and tests); `u32::MAX` for immortal objects.
    pub fn get(&self) -> usize {
        let local = self.local.load(Ordering::Relaxed);
        if local >= IMMORTAL {
            return u32::MAX as usize;
        }
        if !gil::is_free_threaded() {
            return local as usize;
        }
        let shared = self.shared.load(Ordering::Relaxed);
        // A queued object's count still includes the reference its queue entry stands for.
        let queued = i64::from(shared & SHARED_FLAGS == QUEUED);
        (i64::from(local & LOCAL_MASK) + i64::from(shared >> SHARED_SHIFT) - queued).max(0) as usize
    }

    pub(crate) fn is_immortal(&self) -> bool {
        self.local.load(Ordering::Relaxed) >= IMMORTAL
    }

    /// An object whose count reached zero gets one reference again, owned by the calling thread
    /// (its finalizer is about to run). Nobody else can reach it, so plain stores suffice.
    ///
    /// Free-threaded it starts merged (counted in `shared` alone): the calling thread may not
    /// be the one whose heap the object is linked into, so it must not claim to own it.
    fn revive(&self) {
        let (local, shared) = if gil::is_free_threaded() {
            (0, SHARED_ONE | MERGED)
        } else {
            (1, 0)
        };
        self.shared.store(shared, Ordering::Relaxed);
        self.local.store(local, Ordering::Relaxed);
    }

    #[inline(always)]
    fn increment(&self) {
        let n = self.local.load(Ordering::Relaxed);
        if n >= IMMORTAL {
            return;
        }
        if !gil::is_free_threaded() || (owned_here(n) && n & LOCAL_MASK != LOCAL_MASK) {
            self.local.store(n + 1, Ordering::Relaxed);
        } else {
            self.increment_shared();
        }
    }

    #[inline(never)]
    fn increment_shared(&self) {
        // Checked first, so that a saturated count stays far from overflowing.
        if self.shared.load(Ordering::Relaxed) < SHARED_SATURATED {
            self.shared.fetch_add(SHARED_ONE, Ordering::Relaxed);
        }
    }

    /// The owner's count reached zero: free the object if nobody else counts it, or give up
    /// ownership so that the other threads' `shared` count decides (CPython's
    /// `_Py_MergeZeroLocalRefcount`).
    fn merge_zero_local(&self) -> Release {
        // Acquire pairs with the other threads' releasing decrements: their uses of the object
        // happen-before a free here.
        let mut shared = self.shared.load(Ordering::Acquire);
        if shared == 0 {
            // The owner's count reads zero from now on (its id stays: `destroy` looks at it),
            // so a weak reference's `try_increment` on this thread sees the object dying.
            self.local
                .store(self.local.load(Ordering::Relaxed) & !LOCAL_MASK, Ordering::Relaxed);
            return Release::Free;
        }
        if shared >= SHARED_SATURATED {
            self.local.store(IMMORTAL, Ordering::Relaxed);
            return Release::Nothing;
        }
        // No owner and a zero count, before the exchange: once it is done another thread may
        // free the object.
        self.local.store(0, Ordering::Relaxed);
        loop {
            let merged = (shared & !SHARED_FLAGS) | MERGED;
            match self
                .shared
                .compare_exchange_weak(shared, merged, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => {
                    return if merged == MERGED {
                        Release::Free
                    } else {
                        Release::Nothing
                    };
                }
                Err(actual) => shared = actual,
            }
        }
    }

    /// A decrement by a thread that does not own the object (CPython's `_Py_DecRefShared`).
    fn decrement_shared(&self) -> Release {
        let mut shared = self.shared.load(Ordering::Relaxed);
        loop {
            if shared >= SHARED_SATURATED {
                return Release::Nothing;
            }
            // Nothing counted here: the reference being dropped is one the owner counted.
            // Rather than go negative, queue the object; the queue keeps that reference.
            let queue = shared == 0 || shared == MAYBE_WEAKREF;
            let new = if queue { QUEUED } else { shared - SHARED_ONE };
            match self
                .shared
                .compare_exchange_weak(shared, new, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) if queue => return Release::Queue,
                Ok(_) if new == MERGED => {
                    // Pairs with the other threads' `Release` decrements (our CAS continues
                    // their release sequence): their writes to the object happen-before our
                    // free. An acquire load rather than `fence(Acquire)`: the same plain load
                    // on x86, and ThreadSanitizer, which does not model fences, sees it (std's
                    // `Arc` does this under TSan).
                    self.shared.load(Ordering::Acquire);
                    return Release::Free;
                }
                Ok(_) => return Release::Nothing,
                Err(actual) => shared = actual,
            }
        }
    }

    /// Move the owner's count into `shared` and give up ownership. Only the owner, or anyone
    /// once the owner has retired (its count no longer changes), may call this, and the caller
    /// holds a counted reference (the queue's), so the object outlives the stores below.
    /// Returns false when the count saturated instead (the object is then immortal).
    fn merge(&self) -> bool {
        let local = (self.local.load(Ordering::Relaxed) & LOCAL_MASK) as i32;
        let mut shared = self.shared.load(Ordering::Relaxed);
        loop {
            if shared >= SHARED_SATURATED - (local << SHARED_SHIFT) {
                self.local.store(IMMORTAL, Ordering::Relaxed);
                return false;
            }
            let merged = (((shared >> SHARED_SHIFT) + local) << SHARED_SHIFT) | MERGED;
            match self
                .shared
                .compare_exchange_weak(shared, merged, Ordering::AcqRel, Ordering::Relaxed)
            {
                Ok(_) => break,
                Err(actual) => shared = actual,
            }
        }
        self.local.store(0, Ordering::Relaxed);
        true
    }

    /// Add a reference unless the count already reached zero (the object is being freed).
    fn try_increment(&self) -> bool {
        let n = self.local.load(Ordering::Relaxed);
        if n >= IMMORTAL {
            return true;
        }
        if !gil::is_free_threaded() {
            if n == 0 {
                return false;
            }
            self.local.store(n + 1, Ordering::Relaxed);
            return true;
        }
        if owned_here(n) && n & LOCAL_MASK != 0 && n & LOCAL_MASK != LOCAL_MASK {
            self.local.store(n + 1, Ordering::Relaxed);
            return true;
        }
        // CPython's `_Py_TryIncRefShared`: a weakly referenced object's `shared` word is never
        // 0, and reads `MERGED` alone only once its count reached zero for good. The owner's
        // last decrement and the other threads' settle with a compare-and-swap on this word,
        // so either this increment comes first and the object lives on, or it sees the end.
        let mut shared = self.shared.load(Ordering::Relaxed);
        loop {
            if shared == 0 || shared == MERGED {
                return false;
            }
            if shared >= SHARED_SATURATED {
                return true;
            }
            match self
                .shared
                .compare_exchange_weak(shared, shared + SHARED_ONE, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(actual) => shared = actual,
            }
        }
    }

    /// Free-threaded: note that weak references may point here (see [`MAYBE_WEAKREF`]).
    fn set_maybe_weakref(&self) {
        if !gil::is_free_threaded() {
            return;
        }
        let mut shared = self.shared.load(Ordering::Relaxed);
        while shared & SHARED_FLAGS == 0 {
            match self.shared.compare_exchange_weak(
                shared,
                shared | MAYBE_WEAKREF,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return,
                Err(actual) => shared = actual,
            }
        }
    }

    /// Whether the caller's reference is the only one (the caller holds one).
    fn is_sole_reference(&self) -> bool {
        let local = self.local.load(Ordering::Relaxed);
        if !gil::is_free_threaded() {
            return local == 1;
        }
        // Acquire pairs with the releasing decrements of the threads that dropped the other
        // references, so their writes to the object are visible here. Nobody can add to
        // `shared` meanwhile: that takes a reference, and ours is the only one.
        let shared = self.shared.load(Ordering::Acquire);
        if owned_here(local) {
            local & LOCAL_MASK == 1 && shared == 0
        } else {
            local == 0 && shared == SHARED_ONE | MERGED
        }
    }
}

/// Whether the calling thread owns the object whose local word is `local` (free-threaded).
#[inline(always)]
/// Free-threaded: whether the calling thread owns the object at `ptr`.
///
/// # Safety
/// `ptr` points to a heap object whose memory stays allocated until this returns.
pub(crate) unsafe fn owned_by_this_thread(ptr: NonNull<PyObject>) -> bool {
    // SAFETY: per the contract.
    let local = unsafe { ptr.as_ref() }.header.local.load(Ordering::Relaxed);
    local < IMMORTAL && owned_here(local)
}

fn owned_here(local: u32) -> bool {
    local & OWNER_MASK == MY_OWNER_BITS.with(Cell::get)
}

/// What a decrement leaves to do.
#[derive(Debug, PartialEq, Eq)]
enum Release {
    Nothing,
    /// The count reached zero.
    Free,
    /// Hand the object to its owner to merge ([`queue_for_owner`]).
    Queue,
}

impl Default for RefCount {
    fn default() -> Self {
        RefCount::new()
    }
}

// ----- owners and their merge queues ---------------------------------------------------------
//
// Free-threaded, each thread that makes objects has an owner id (never reused, so an object of
// a finished thread can never be mistaken for one of a new thread) and a queue where other
// threads put the objects whose `shared` count they would take below zero. A thread keeps its
// id pre-shifted (`MY_OWNER_BITS`), so the ownership test is one mask and one compare. When
// the ids run out, later threads make objects that start merged: slower, still correct.

/// Objects other threads handed to their owner for merging.
struct OwnerQueue {
    objects: Mutex<Vec<Parked>>,
    /// Set when `objects` is not empty; the owner looks at it on each allocation.
    pending: AtomicBool,
}

struct Owners {
    /// Owner bits of the threads that may still change their objects' counts, with their queue.
    live: Vec<(u32, &'static OwnerQueue)>,
    /// Queues of retired threads, for the next threads to claim an id.
    spare: Vec<&'static OwnerQueue>,
    next_id: u32,
}

static OWNERS: Mutex<Owners> = Mutex::new(Owners {
    live: Vec::new(),
    spare: Vec::new(),
    next_id: 1,
});

thread_local! {
    /// This thread's owner id shifted into place: [`UNCLAIMED`] until it makes its first
    /// object (free-threaded), [`NO_ID_LEFT`] once the ids ran out.
    static MY_OWNER_BITS: Cell<u32> = const { Cell::new(UNCLAIMED) };
    static MY_QUEUE: Cell<Option<&'static OwnerQueue>> = const { Cell::new(None) };
    static RETIRE_AT_EXIT: RetireAtExit = const { RetireAtExit };
}

/// Retires a thread that ends without having done so (threads that never ran a `Vm`).
struct RetireAtExit;

impl Drop for RetireAtExit {
    fn drop(&mut self) {
        retire_thread();
    }
}

/// Make the calling thread the owner of a new object's header (free-threaded mode).
#[inline]
fn take_ownership(header: &mut RefCount) {
    let mut bits = MY_OWNER_BITS.with(Cell::get);
    if bits == UNCLAIMED {
        bits = claim_id();
    }
    if bits == NO_ID_LEFT {
        // Ids ran out: the object starts merged, counted in `shared` only.
        *header.local.get_mut() = 0;
        *header.shared.get_mut() = SHARED_ONE | MERGED;
        return;
    }
    *header.local.get_mut() = bits | 1;
    if let Some(queue) = MY_QUEUE.with(Cell::get)
        && queue.pending.load(Ordering::Relaxed)
    {
        merge_queue(queue);
    }
}

/// Give the calling thread an owner id and a queue; returns its owner bits.
#[cold]
fn claim_id() -> u32 {
    let mut owners = locked(&OWNERS);
    let id = owners.next_id;
    let bits = if id <= MAX_OWNER_ID {
        id << OWNER_SHIFT
    } else {
        NO_ID_LEFT
    };
    MY_OWNER_BITS.with(|my| my.set(bits));
    if bits == NO_ID_LEFT {
        return bits;
    }
    owners.next_id += 1;
    let queue = owners.spare.pop().unwrap_or_else(|| {
        Box::leak(Box::new(OwnerQueue {
            objects: Mutex::new(Vec::new()),
            pending: AtomicBool::new(false),
        }))
    });
    owners.live.push((bits, queue));
    drop(owners);
    MY_QUEUE.with(|my| my.set(Some(queue)));
    // Arms the retirement at thread exit (gone already if this runs during thread exit).
    let _ = RETIRE_AT_EXIT.try_with(|_| ());
    bits
}

/// The calling thread will not change its objects' counts any more (its interpreter is
/// shutting down): merge what was queued for it, and let other threads merge its objects
/// themselves from now on. If the thread makes objects afterwards it claims a new id.
pub fn retire_thread() {
    let Ok(Some(queue)) = MY_QUEUE.try_with(Cell::take) else {
        return;
    };
    let bits = MY_OWNER_BITS.with(|my| my.replace(UNCLAIMED));
    locked(&OWNERS).live.retain(|&(live, _)| live != bits);
    // Nobody can queue here any more; what was queued before is merged now.
    merge_queue(queue);
    locked(&OWNERS).spare.push(queue);
}

/// `os.fork`: the registries threads use even while detached, held across `fork()` so none is
/// half-changed in the child.
pub struct ForkHold {
    owners: std::sync::MutexGuard<'static, Owners>,
    _deferred: std::sync::MutexGuard<'static, Vec<Parked>>,
    _detached_frees: std::sync::MutexGuard<'static, Vec<Parked>>,
    _slots: std::sync::MutexGuard<'static, Vec<&'static LiveSlot>>,
    _spare_slots: std::sync::MutexGuard<'static, Vec<&'static LiveSlot>>,
}

pub fn hold_for_fork() -> ForkHold {
    ForkHold {
        owners: locked(&OWNERS),
        _deferred: locked(&DEFERRED),
        _detached_frees: locked(&DETACHED_FREES),
        _slots: locked(&SLOTS),
        _spare_slots: locked(&SPARE_SLOTS),
    }
}

impl ForkHold {
    pub fn release_in_parent(self) {}

    /// In a forked child: the other threads are gone, so their objects are merged by whoever
    /// changes their counts from now on, as for threads that finished.
    pub fn release_in_child(mut self) {
        let mine = MY_OWNER_BITS.with(Cell::get);
        let mut gone = Vec::new();
        self.owners.live.retain(|&(bits, queue)| {
            let keep = bits == mine;
            if !keep {
                gone.push(queue);
            }
            keep
        });
        drop(self);
        for queue in gone {
            merge_queue(queue);
            locked(&OWNERS).spare.push(queue);
        }
    }
}

/// Merge the objects queued for the calling thread (free-threaded mode), so that counts and
/// `live_objects` are exact.
pub fn merge_pending() {
    if let Some(queue) = MY_QUEUE.with(Cell::get) {
        merge_queue(queue);
    }
}

fn merge_queue(queue: &OwnerQueue) {
    queue.pending.store(false, Ordering::Relaxed);
    let objects = std::mem::take(&mut *locked(&queue.objects));
    for Parked(ptr) in objects {
        release_queued(ptr);
    }
}

/// Hand an object whose `shared` count was zero to its owner, or merge it here if the owner
/// has retired.
#[cold]
fn queue_for_owner(ptr: NonNull<PyObject>) {
    gil::set_attach_hook(release_deferred);
    // SAFETY: the queued reference (not subtracted from the count) keeps the object alive.
    let owner = unsafe { ptr.as_ref() }.header.local.load(Ordering::Relaxed) & OWNER_MASK;
    let owners = locked(&OWNERS);
    if let Some(&(_, queue)) = owners.live.iter().find(|&&(bits, _)| bits == owner) {
        locked(&queue.objects).push(Parked(ptr));
        queue.pending.store(true, Ordering::Release);
        return;
    }
    // Retired: the registry lock orders its last writes to the count before this point.
    drop(owners);
    release_queued(ptr);
}

/// Merge a queued object's counts, then drop the reference its queue entry stood for.
fn release_queued(ptr: NonNull<PyObject>) {
    // SAFETY: the queue entry is a counted reference, so the object is alive.
    let header = &unsafe { ptr.as_ref() }.header;
    if header.is_immortal() {
        // Immortalised meanwhile: counts no longer matter.
        return;
    }
    // Merged, so the decrement cannot queue again.
    if header.merge() && header.decrement_shared() == Release::Free {
        free(ptr);
    }
}

/// An owning, counted reference to a heap object.
pub struct ObjRef {
    ptr: NonNull<PyObject>,
}

// SAFETY: the pointee is only mutated through its own locks (see `objects::lock`), and the counts
// are atomic words: in free-threaded mode the owner thread alone does plain load/store pairs on
// its own word and every other thread does atomic RMWs on the shared word (biased counting); in
// GIL mode updates happen only on attached threads (clone needs a `Gil` token, drop defers when
// detached), and the GIL admits one attached thread at a time, so plain load/store pairs never race.
unsafe impl Send for ObjRef {}
// SAFETY: as for `Send`; shared access only reads immutable fields or goes through locks.
unsafe impl Sync for ObjRef {}

impl ObjRef {
    /// Move `object` to the heap with a count of one, owned by the calling thread.
    /// Containers go behind a collector header, tracked in the thread's youngest generation.
    pub fn new(_py: Gil<'_>, mut object: PyObject) -> ObjRef {
        count_live(1);
        if gil::is_free_threaded() {
            take_ownership(&mut object.header);
        }
        let ptr = if gc::is_container(&object.payload) {
            gc::allocate(object)
        } else {
            NonNull::from(Box::leak(Box::new(object)))
        };
        ObjRef { ptr }
    }

    /// Move `object` to the heap and make it immortal: it lives until the process exits.
    pub fn new_immortal(object: PyObject) -> ObjRef {
        let ptr = if gc::is_container(&object.payload) {
            gc::allocate_untracked(object)
        } else {
            NonNull::from(Box::leak(Box::new(object)))
        };
        let obj = ObjRef { ptr };
        obj.header().local.store(IMMORTAL, Ordering::Relaxed);
        obj
    }

    /// Free-threaded: make an object this thread owns immortal (the functions, classes and
    /// modules it shares with a thread it starts), so that the threads using it never write
    /// its count. Its references are kept for good, as CPython 3.13t does. Objects another
    /// thread owns are left alone: only the owner writes `local`. Returns whether it changed.
    pub fn immortalize(&self, _py: Gil<'_>) -> bool {
        let header = self.header();
        let local = header.local.load(Ordering::Relaxed);
        if !gil::is_free_threaded() || local >= IMMORTAL || !owned_here(local) {
            return false;
        }
        // From here on neither the owner's decrements (skipped) nor a merge (skipped for
        // immortal objects) can free it; other threads' decrements only move `shared`.
        header.local.store(IMMORTAL, Ordering::Relaxed);
        count_live(-1);
        true
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
        if !self.header().is_sole_reference() {
            return None;
        }
        // SAFETY: the count is 1 and that one reference is `self`, borrowed mutably: no other
        // `ObjRef` exists (immortal objects never count 1; a reference parked while detached
        // still counts), so no thread can reach the object, and none can make a new reference
        // without `&self`, which the `&mut self` borrow excludes until the returned borrow ends.
        Some(unsafe { self.ptr.as_mut() })
    }

    /// A new counted reference to an object known to be alive (the collector's holds on what
    /// it found unreachable).
    ///
    /// # Safety
    /// `ptr` points to a live heap object, which stays alive until the count is taken.
    pub(crate) unsafe fn clone_from_ptr(_py: Gil<'_>, ptr: NonNull<PyObject>) -> ObjRef {
        // SAFETY: per the contract.
        unsafe { ptr.as_ref() }.header.increment();
        ObjRef { ptr }
    }

    /// A new counted reference to an object that may be dying (a weak reference's referent),
    /// or `None` once its count has reached zero: never a resurrection.
    ///
    /// # Safety
    /// `ptr` points to a heap object whose memory stays allocated until this returns, and
    /// that was weakly referenced ([`ObjRef::set_maybe_weakly_referenced`]) before its count
    /// could reach zero.
    pub(crate) unsafe fn try_clone_from_ptr(_py: Gil<'_>, ptr: NonNull<PyObject>) -> Option<ObjRef> {
        // SAFETY: per the contract.
        unsafe { ptr.as_ref() }.header.try_increment().then_some(ObjRef { ptr })
    }

    /// Note that weak references will point here, before the first is registered.
    pub(crate) fn set_maybe_weakly_referenced(&self, _py: Gil<'_>) {
        self.header().set_maybe_weakref();
    }

    pub(crate) fn as_non_null(&self) -> NonNull<PyObject> {
        self.ptr
    }

    pub(crate) fn is_immortal(&self) -> bool {
        self.header().is_immortal()
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
        // References other threads handed back to this one count once merged.
        if gil::is_free_threaded() {
            merge_pending();
        }
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
    /// Small enough to inline everywhere a `Value` is dropped: the common cases (immortal, a
    /// count above one, GIL mode) are a few instructions; the rest is out of line.
    #[inline]
    fn drop(&mut self) {
        release(self.ptr);
    }
}

impl ObjRef {
    /// Drop this reference, telling whether that may have freed an object (which may then
    /// wait for its finalizer): the eval loop looks for queued finalizers only then.
    #[inline]
    pub fn release(self) -> bool {
        release(std::mem::ManuallyDrop::new(self).ptr)
    }
}

/// Give up one reference to `ptr`; whether anything may have been freed (the slow paths).
#[inline]
fn release(ptr: NonNull<PyObject>) -> bool {
    // SAFETY: the caller gives up a counted reference, which kept the object alive until now.
    let header = &unsafe { ptr.as_ref() }.header;
    let n = header.local.load(Ordering::Relaxed);
    if n >= IMMORTAL {
        return false;
    }
    if gil::is_free_threaded() {
        // The owner's count stays at least 1 while it owns the object: at zero it merges.
        if owned_here(n) && n & LOCAL_MASK > 1 {
            header.local.store(n - 1, Ordering::Relaxed);
            return false;
        }
        drop_free_threaded(ptr);
        return true;
    }
    if !gil::is_attached() {
        defer_release(ptr);
        return false;
    }
    header.local.store(n - 1, Ordering::Relaxed);
    if n == 1 {
        free(ptr);
        return true;
    }
    false
}

/// Free-threaded: the owner's last local reference, or another thread's reference.
#[inline(never)]
fn drop_free_threaded(ptr: NonNull<PyObject>) {
    // SAFETY: called from `ObjRef::drop` before its count is given up.
    let header = &unsafe { ptr.as_ref() }.header;
    let release = if owned_here(header.local.load(Ordering::Relaxed)) {
        header.merge_zero_local()
    } else {
        header.decrement_shared()
    };
    match release {
        Release::Nothing => {}
        Release::Free => free(ptr),
        Release::Queue => queue_for_owner(ptr),
    }
}

/// A raw pointer parked until a thread attaches; never dereferenced while parked.
struct Parked(NonNull<PyObject>);

// SAFETY: a parked pointer is only a number until `release_deferred` runs on an attached thread.
unsafe impl Send for Parked {}

static DEFERRED: Mutex<Vec<Parked>> = Mutex::new(Vec::new());

fn defer_release(ptr: NonNull<PyObject>) {
    gil::set_attach_hook(release_deferred);
    locked(&DEFERRED).push(Parked(ptr));
}

/// Release references dropped while detached (GIL mode) or queued for merging
/// (free-threaded). Run whenever a thread attaches: the first reference parked or queued
/// registers it with `gil::set_attach_hook`.
pub fn release_deferred() {
    if gil::is_free_threaded() {
        merge_pending();
    }
    let parked = std::mem::take(&mut *locked(&DEFERRED));
    for Parked(ptr) in parked {
        drop(ObjRef { ptr });
    }
    if gil::is_free_threaded() {
        let unreferenced = std::mem::take(&mut *locked(&DETACHED_FREES));
        for Parked(ptr) in unreferenced {
            free(ptr);
        }
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
    destroy(ptr);
    FREE_DEPTH.with(|d| d.set(depth));
    if depth == 0 {
        // The outermost free drains what deeper frees queued; each of those may queue more.
        while let Some(Parked(next)) = FREE_LATER.with(|later| later.borrow_mut().pop()) {
            FREE_DEPTH.with(|d| d.set(1));
            destroy(next);
            FREE_DEPTH.with(|d| d.set(0));
        }
    }
}

/// The object's count reached zero (it was the last reference; immortal objects never get
/// here): free it, or keep it for its finalizer.
fn destroy(ptr: NonNull<PyObject>) {
    // SAFETY: nobody else can reach the object; its memory is still allocated.
    let payload = &unsafe { ptr.as_ref() }.payload;
    let container = gc::is_container(payload);
    if !container && !weakref::leaf_may_be_referenced(payload) {
        count_live(-1);
        // SAFETY: not a container, so it came from `Box::leak` in `ObjRef::new`.
        drop(unsafe { Box::from_raw(ptr.as_ptr()) });
        return;
    }
    if gil::is_free_threaded() && !gil::is_attached() {
        // Lists and weak references may only change on attached threads (the world could be
        // stopped right now).
        locked(&DETACHED_FREES).push(Parked(ptr));
        return;
    }
    if !container {
        // SAFETY: as above.
        unsafe { weakref::referent_died(ptr) };
        count_live(-1);
        // SAFETY: as above.
        drop(unsafe { Box::from_raw(ptr.as_ptr()) });
        return;
    }
    // SAFETY: as above, nobody else can reach it.
    if unsafe { gc::wants_finalizer_else_release(ptr) } {
        // SAFETY: as above.
        unsafe { ptr.as_ref() }.header.revive();
        match gc::queue_finalizer(ObjRef { ptr }) {
            Ok(()) => return,
            // The thread is shutting down: free it without its finalizer. The handle's drop
            // would come back here; take the count down by hand instead.
            Err(handle) => std::mem::forget(handle),
        }
    }
    // SAFETY: as above.
    if unsafe { weakref::is_referenced(ptr) } {
        // SAFETY: as above.
        unsafe { weakref::referent_died(ptr) };
    }
    count_live(-1);
    // The owner's last decrement frees without clearing its id; a merged count forgot it.
    // SAFETY: as above.
    let owned = !gil::is_free_threaded() || owned_here(unsafe { ptr.as_ref() }.header.local.load(Ordering::Relaxed));
    // SAFETY: a container (from `gc::allocate`), unreachable, and this thread is attached.
    unsafe { gc::free(ptr, owned) };
}

/// Free-threaded: containers whose count reached zero on a detached thread, freed on the next
/// attach.
static DETACHED_FREES: Mutex<Vec<Parked>> = Mutex::new(Vec::new());

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
            locked(&SPARE_SLOTS).push(slot);
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
    let spare = locked(&SPARE_SLOTS).pop();
    let slot = spare.unwrap_or_else(|| {
        let slot: &'static LiveSlot = Box::leak(Box::new(LiveSlot(AtomicIsize::new(0))));
        locked(&SLOTS).push(slot);
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
    merge_pending();
    locked(&SLOTS).iter().map(|slot| slot.0.load(Ordering::Relaxed)).sum()
}

impl ObjRef {
    /// Copy a handle to an immortal object. Immortal counts never change, so this needs no
    /// token; for a mortal object it would be a counting error, hence the check.
    pub fn immortal_copy(&self) -> ObjRef {
        assert!(self.header().is_immortal(), "immortal_copy of a mortal object");
        ObjRef { ptr: self.ptr }
    }
}

// ----- a value cache any thread reads without a lock ----------------------------------------

/// One value that threads read without locking or counting, with the key it is valid for (the
/// caller's business: `LoadGlobal` keys it by dict versions). Only values whose copies need no
/// count are stored: unboxed ones and immortal objects, which are never freed, so a stale copy
/// is still a live object. A seqlock over atomic words: a reader takes the words between two
/// loads of the sequence number and keeps them only if it did not change and was even.
pub struct ValueCache<const K: usize> {
    seq: AtomicU32,
    key: [AtomicU64; K],
    /// 0–4: the `Value` variant; [`EMPTY`] when nothing is stored.
    tag: AtomicU64,
    bits: AtomicU64,
}

const EMPTY: u64 = u64::MAX;

impl<const K: usize> ValueCache<K> {
    pub fn new() -> Self {
        ValueCache {
            seq: AtomicU32::new(0),
            key: std::array::from_fn(|_| AtomicU64::new(0)),
            tag: AtomicU64::new(EMPTY),
            bits: AtomicU64::new(0),
        }
    }

    /// The stored key and value, if any.
    #[inline]
    pub fn get(&self) -> Option<([u64; K], Value)> {
        let before = self.seq.load(Ordering::Acquire);
        let tag = self.tag.load(Ordering::Relaxed);
        if tag == EMPTY {
            // The usual answer for a name whose value is counted: two loads and done.
            return None;
        }
        let key = std::array::from_fn(|i| self.key[i].load(Ordering::Relaxed));
        let bits = self.bits.load(Ordering::Relaxed);
        // Orders the loads above before the check below (the seqlock reader's fence).
        fence(Ordering::Acquire);
        if before & 1 != 0 || self.seq.load(Ordering::Relaxed) != before {
            return None;
        }
        let value = match tag {
            0 => Value::None,
            1 => Value::Bool(bits != 0),
            2 => Value::Int(bits as i64),
            3 => Value::Float(f64::from_bits(bits)),
            4 => Value::Obj(ObjRef {
                ptr: NonNull::new(bits as *mut PyObject)?,
            }),
            _ => return None,
        };
        // An `Obj` above is an uncounted copy of an immortal object, which is exactly how
        // immortal objects are copied (`immortal_copy`): `set` stores no other object.
        Some((key, value))
    }

    /// Store `value` under `key`, if its copies need no count; otherwise, or while another
    /// thread is storing, leave the cache as it is.
    pub fn set(&self, key: [u64; K], value: &Value) {
        let (tag, bits) = match value {
            Value::None => (0, 0),
            Value::Bool(b) => (1, u64::from(*b)),
            Value::Int(i) => (2, *i as u64),
            Value::Float(f) => (3, f.to_bits()),
            Value::Obj(o) if o.header().is_immortal() => (4, o.addr() as u64),
            Value::Obj(_) => return,
        };
        let seq = self.seq.load(Ordering::Relaxed);
        if seq & 1 != 0
            || self
                .seq
                .compare_exchange(seq, seq.wrapping_add(1), Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        // Orders the odd sequence number before the stores below (the seqlock writer's fence).
        fence(Ordering::Release);
        for (word, k) in self.key.iter().zip(key) {
            word.store(k, Ordering::Relaxed);
        }
        self.tag.store(tag, Ordering::Relaxed);
        self.bits.store(bits, Ordering::Relaxed);
        self.seq.store(seq.wrapping_add(2), Ordering::Release);
    }
}

impl<const K: usize> Default for ValueCache<K> {
    fn default() -> Self {
        Self::new()
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
