//! The cycle collector: finds groups of objects that only reference each other, which
//! reference counting alone never frees, as CPython's `gc` module does.
//!
//! - **What is tracked.** Containers only ([`is_container`]): objects that can hold references.
//!   Each carries a header ([`header`]) linking it into a generation list of a heap ([`heap`]).
//!   Tuples whose items cannot be part of a cycle are untracked when a collection sees them, and
//!   a `dict` is ignored until a container is stored in it, as in CPython.
//! - **When.** An allocation only counts (containers allocated minus freed) and, past the
//!   threshold, sets a bit in its thread's eval breaker; the collection runs at the thread's next
//!   check point (a call or backward jump), where no object lock is held — never inside
//!   arbitrary Rust code. Generations and thresholds are CPython's (`(700, 10, 10)`, and a full
//!   collection only when a quarter of the long-lived objects are new).
//! - **How.** [`collect`] holds the algorithm that runs while the world is stopped: copy each
//!   candidate's reference count, subtract the references candidates hold to each other
//!   ([`traverse`]), and what is left referenced from outside, with everything it reaches, is
//!   reachable. The unreachable objects are held while their finalizers run with the world
//!   restarted, re-checked (a finalizer may resurrect them), then cleared so that reference
//!   counting frees them. The part that runs Python code lives in `vm::collector`.

mod collect;
pub mod header;
pub mod heap;
mod traverse;

use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use parking_lot::Mutex;

pub use collect::{Analysis, analyse_generation, freeze, generation_sizes, reanalyse, referrers, tracked_objects};
pub use traverse::{Locking, clear, referents};

use crate::gil::{self, lock::breaker_bits};
use crate::objects::{ObjRef, Payload, PyObject, Value};

/// Whether objects with this payload can hold references, and so carry a collector header.
/// Fixed by the variant: a payload never changes variant after allocation.
#[inline(always)]
pub fn is_container(payload: &Payload) -> bool {
    match payload {
        Payload::Tuple(_)
        | Payload::List(_)
        | Payload::Dict(_)
        | Payload::Set(_)
        | Payload::FrozenSet(_)
        | Payload::Slice(_)
        | Payload::Function(_)
        | Payload::BoundMethod(..)
        | Payload::Cell(_)
        | Payload::Module(_)
        | Payload::Type(_)
        | Payload::Instance(_)
        | Payload::Iterator(..)
        | Payload::Generator(_)
        | Payload::Property(_)
        | Payload::StaticMethod(_)
        | Payload::ClassMethod(_)
        | Payload::DictView(..)
        | Payload::Super { .. }
        | Payload::WeakRef(_) => true,
        Payload::Str(_)
        | Payload::BigInt(_)
        | Payload::Complex(_)
        | Payload::Bytes(_)
        | Payload::ByteArray(_)
        | Payload::MemoryView(_)
        | Payload::Range(_)
        | Payload::Code(_)
        | Payload::Native(_)
        | Payload::NotImplemented
        | Payload::Ellipsis
        | Payload::Stream(_)
        | Payload::Lock(_)
        | Payload::File(_)
        | Payload::Hash(_)
        | Payload::Zlib(_)
        | Payload::Random(_)
        | Payload::Member(_) => false,
    }
}

/// Whether a dict holding `value` is worth tracking: CPython's `_PyObject_GC_MAY_BE_TRACKED`.
/// Immortal objects are never collected, so they do not count.
#[inline]
pub fn may_be_tracked(value: &Value) -> bool {
    match value {
        Value::Obj(o) => is_container(&o.payload) && !o.is_immortal(),
        _ => false,
    }
}

/// Whether a dict holds a container, and so can be part of a cycle. CPython starts tracking a
/// dict when a container is stored in it, a test on every store; looking when a collection or
/// `gc.is_tracked` asks costs the stores nothing, and gives the same answer unless the
/// container was removed since.
pub fn holds_containers(table: &crate::objects::DictTable) -> bool {
    table.iter().any(|e| may_be_tracked(&e.key) || may_be_tracked(&e.value))
}

// ----- allocation and free -------------------------------------------------------------------

/// Move a container to the heap, tracked in the calling thread's youngest generation. Out of
/// line: `ObjRef::new` is inlined everywhere, and this is the bulk of it.
///
/// A tuple none of whose items can be part of a cycle is not tracked at all: CPython tracks it
/// until its first collection, which untracks it (it is immutable, so that never changes), and
/// most tuples are such pairs and rows that live a moment. Its header keeps the number of
/// collections so far, so that `gc.is_tracked` answers as CPython would until the next one.
/// Like every container it counts towards the next collection.
#[inline(never)]
pub fn allocate(object: PyObject) -> NonNull<PyObject> {
    let atomic = matches!(&object.payload, Payload::Tuple(items) if items.iter().all(|item| !in_cycle_possibly(item)));
    let ptr = header::allocate(object);
    let heap = heap::mine();
    if atomic {
        // SAFETY: fresh from `header::allocate`.
        unsafe { header::header_of(ptr) }.set_index(COLLECTIONS.load(Ordering::Relaxed) as usize);
        // Read first: threads only share the flag's cache line while nobody writes it.
        if !YOUNG_TUPLES_MADE.load(Ordering::Relaxed) {
            YOUNG_TUPLES_MADE.store(true, Ordering::Relaxed);
        }
        heap.count_new();
    } else {
        heap.track_new(ptr);
    }
    ptr
}

/// Whether a value may be part of a cycle, as a tuple item: a tracked, mortal container
/// (CPython's `_PyObject_GC_MAY_BE_TRACKED`).
#[inline]
fn in_cycle_possibly(value: &Value) -> bool {
    let Value::Obj(o) = value else { return false };
    // SAFETY: an `ObjRef` to a container points into a `GcBox` (see `header`).
    is_container(&o.payload) && !o.is_immortal() && unsafe { header::header_of(o.as_non_null()) }.is_tracked()
}

/// Collections run so far (any generation), plus one, for tuples created untracked (see
/// [`allocate`]): an index of 0 in an untracked header means untracked by a collection (or
/// immortal).
static COLLECTIONS: AtomicU32 = AtomicU32::new(1);

/// Set when a tuple is made untracked (see [`allocate`]), cleared by the next collection.
static YOUNG_TUPLES_MADE: AtomicBool = AtomicBool::new(false);

/// A collection looks at the youngest generation now: its count starts again from zero, and
/// the tuples made untracked before it are untracked for `gc.is_tracked` too. Returns the
/// number those tuples carry, if any was made.
///
/// The count restarts here, with the world stopped, not when the collection ends: free-threaded,
/// other threads run while the collector clears the garbage, and what they allocate meanwhile
/// (no collection can be requested while one runs) must count towards the next one.
fn note_collection() -> Option<usize> {
    YOUNG.store(0, Ordering::Relaxed);
    let epoch = COLLECTIONS.fetch_add(1, Ordering::Relaxed) as usize;
    YOUNG_TUPLES_MADE.swap(false, Ordering::Relaxed).then_some(epoch)
}

/// Move an immortal container to the heap: it has a header, but is never tracked.
pub fn allocate_untracked(object: PyObject) -> NonNull<PyObject> {
    header::allocate(object)
}

/// Free a container whose last reference went. `owned_here`: free-threaded, the calling
/// thread made it (its reference count says so), so it is in this thread's heap.
///
/// # Safety
/// `object` came from [`allocate`] or [`allocate_untracked`], has no references left and is
/// not used afterwards; the calling thread is attached.
pub unsafe fn free(object: NonNull<PyObject>, owned_here: bool) {
    // SAFETY: per the contract.
    unsafe { heap::free(object, owned_here) }
}

/// A container's count reached zero: whether its finalizer must run first (an instance whose
/// class may define `__del__` — a stale cache counts as maybe: the finalize point looks again —
/// or a generator suspended inside `try`, not finalized before). Otherwise it is about to be
/// freed, and a list or tuple drops its items now, last to first, the order CPython drops
/// them in (what the order of their `__del__` calls shows). One look at the payload, since
/// every container free passes here.
///
/// # Safety
/// The object's count is zero: nobody else can reach it.
#[inline]
pub unsafe fn wants_finalizer_else_release(object: NonNull<PyObject>) -> bool {
    // SAFETY: per the contract nobody else can reach the object, so this is the only borrow;
    // the header (read below) lies outside the `PyObject`.
    let obj = unsafe { &mut *object.as_ptr() };
    let maybe = match &mut obj.payload {
        Payload::Instance(inst) => match &inst.class.payload {
            Payload::Type(class) => class.finalizer.get() != Some(false),
            _ => false,
        },
        Payload::Generator(state) => state.get_mut().needs_finalizer(),
        Payload::List(items) => {
            drop_last_first(items.get_mut());
            return false;
        }
        Payload::Tuple(items) => {
            drop_last_first(items);
            return false;
        }
        _ => return false,
    };
    // SAFETY: a container, from `header::allocate`, alive per the contract.
    maybe && !unsafe { header::header_of(object) }.has(header::flag::FINALIZED)
}

/// Drop the objects among `items`, last to first.
#[inline]
pub fn drop_last_first(items: &mut [Value]) {
    if items.len() < 2 {
        return;
    }
    for item in items.iter_mut().rev() {
        if let Value::Obj(_) = item {
            drop(std::mem::replace(item, Value::None));
        }
    }
}

fn header(object: &ObjRef) -> Option<&header::GcHeader> {
    // SAFETY: an `ObjRef` to a container points into a `GcBox` made by `header::allocate`, alive
    // while the reference is.
    is_container(&object.payload).then(|| unsafe { header::header_of(object.as_non_null()) })
}

/// `gc.is_tracked`.
pub fn is_tracked(py: gil::Gil<'_>, object: &Value) -> bool {
    let Some(o) = object.as_obj() else { return false };
    let Some(header) = header(o) else { return false };
    if o.is_immortal() {
        return false;
    }
    if !header.is_tracked() {
        // A tuple made untracked (see `allocate`) that CPython would track until the next
        // collection.
        return matches!(o.payload, Payload::Tuple(_))
            && header.index() == COLLECTIONS.load(Ordering::Relaxed) as usize;
    }
    match &o.payload {
        Payload::Dict(d) => holds_containers(&d.lock(py)),
        // `object()` can hold nothing: CPython does not track it.
        Payload::Instance(inst) => !inst.class.is(&crate::objects::types::types().object),
        _ => true,
    }
}

/// `gc.is_finalized`: whether the object's finalizer has run (or been queued).
pub fn is_finalized(object: &Value) -> bool {
    object
        .as_obj()
        .and_then(header)
        .is_some_and(|h| h.has(header::flag::FINALIZED))
}

/// Mark an object about to be finalized; false if it was already (finalizers run once).
pub fn mark_finalized(object: &ObjRef) -> bool {
    match header(object) {
        Some(h) if !h.has(header::flag::FINALIZED) => {
            h.set(header::flag::FINALIZED);
            true
        }
        _ => false,
    }
}

// ----- counts, thresholds and the decision to collect ----------------------------------------

/// `gc.get_threshold()`.
static THRESHOLDS: [AtomicIsize; 3] = [AtomicIsize::new(700), AtomicIsize::new(10), AtomicIsize::new(10)];
/// Generation 0: containers allocated minus freed since its last collection. Generations 1 and
/// 2: collections of the generation below since their own last collection.
static YOUNG: AtomicIsize = AtomicIsize::new(0);
static OLDER: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
/// Objects in generation 2 after the last full collection, and moved there since.
static LONG_LIVED_TOTAL: AtomicUsize = AtomicUsize::new(0);
static LONG_LIVED_PENDING: AtomicUsize = AtomicUsize::new(0);
static ENABLED: AtomicBool = AtomicBool::new(true);
/// `gc.set_debug` flags.
static DEBUG: AtomicU32 = AtomicU32::new(0);
/// A collection is running (finalizers included): no other may start.
static RUNNING: AtomicBool = AtomicBool::new(false);

/// `gc.set_debug` flags, as CPython numbers them.
pub mod debug {
    pub const STATS: u32 = 1;
    pub const COLLECTABLE: u32 = 2;
    pub const UNCOLLECTABLE: u32 = 4;
    pub const SAVEALL: u32 = 32;
    pub const LEAK: u32 = COLLECTABLE | UNCOLLECTABLE | SAVEALL;
}

/// Count `delta` container allocations (positive) or frees (negative); past the threshold, ask
/// the calling thread to collect at its next check point.
///
/// Frees never take the count below zero, as in CPython: otherwise the garbage a collection
/// frees (which was counted by the collection that found it) would be counted off again, and
/// the next collection would wait for that many more allocations. Free-threaded that matters
/// most: the shells of another thread's garbage are counted off by the thousand at once.
#[inline]
fn note_young(delta: isize) {
    let young = if gil::is_free_threaded() {
        if delta >= 0 {
            YOUNG.fetch_add(delta, Ordering::Relaxed) + delta
        } else {
            // Frees arrive in batches (see `heap::FLUSH_EVERY`): a loop here is rare.
            let clamped = |young: isize| Some((young + delta).max(0));
            let before = YOUNG.fetch_update(Ordering::Relaxed, Ordering::Relaxed, clamped);
            before.map_or(0, |young| (young + delta).max(0))
        }
    } else {
        // Only the GIL holder writes it: a plain load and store.
        let young = (YOUNG.load(Ordering::Relaxed) + delta).max(0);
        YOUNG.store(young, Ordering::Relaxed);
        young
    };
    if delta > 0 && young > THRESHOLDS[0].load(Ordering::Relaxed) {
        request_collection();
    }
}

#[cold]
fn request_collection() {
    if ENABLED.load(Ordering::Relaxed) && THRESHOLDS[0].load(Ordering::Relaxed) != 0 && !RUNNING.load(Ordering::Relaxed)
    {
        gil::request(breaker_bits::COLLECT);
    }
}

/// `gc.get_count()`.
pub fn counts() -> [usize; 3] {
    [
        YOUNG.load(Ordering::Relaxed).max(0) as usize,
        OLDER[0].load(Ordering::Relaxed),
        OLDER[1].load(Ordering::Relaxed),
    ]
}

/// `gc.get_threshold()`.
pub fn thresholds() -> [i64; 3] {
    std::array::from_fn(|i| THRESHOLDS[i].load(Ordering::Relaxed) as i64)
}

/// `gc.set_threshold`: the generations given; the others keep theirs. A first threshold of 0
/// turns automatic collection off.
pub fn set_thresholds(values: &[i64]) {
    for (threshold, &value) in THRESHOLDS.iter().zip(values) {
        threshold.store(value as isize, Ordering::Relaxed);
    }
}

pub fn is_enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

pub fn set_enabled(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

pub fn debug_flags() -> u32 {
    DEBUG.load(Ordering::Relaxed)
}

pub fn set_debug_flags(flags: u32) {
    DEBUG.store(flags, Ordering::Relaxed);
}

/// The generation an automatic collection should look at now, if any (CPython's rule: the
/// oldest whose count passed its threshold; the oldest only if enough objects are new there).
pub fn generation_due() -> Option<usize> {
    if !is_enabled() || RUNNING.load(Ordering::Relaxed) {
        return None;
    }
    let [t0, t1, t2] = thresholds();
    let [c0, c1, c2] = counts().map(|c| c as i64);
    if t0 == 0 {
        return None;
    }
    if c2 > t2 && LONG_LIVED_PENDING.load(Ordering::Relaxed) >= LONG_LIVED_TOTAL.load(Ordering::Relaxed) / 4 {
        return Some(2);
    }
    if c1 > t1 {
        return Some(1);
    }
    (c0 > t0).then_some(0)
}

/// Claim the right to collect: false if a collection is already running.
pub fn begin() -> bool {
    !RUNNING.swap(true, Ordering::Acquire)
}

/// Let the next collection start, and ask for it now if it is due already: free-threaded,
/// the other threads went on allocating while this one ran, when none could be asked for.
pub fn end() {
    RUNNING.store(false, Ordering::Release);
    if YOUNG.load(Ordering::Relaxed) > THRESHOLDS[0].load(Ordering::Relaxed) {
        request_collection();
    }
}

/// The counts of the older generations after a collection of `generation`, as CPython keeps
/// them (the youngest one's restarted when the collection began: see `note_collection`).
fn counted_collection(generation: usize, moved_to_oldest: usize, oldest_size: usize) {
    // `OLDER[i]` is generation i + 1's count.
    for older in OLDER.iter().take(generation) {
        older.store(0, Ordering::Relaxed);
    }
    if let Some(next) = OLDER.get(generation) {
        next.fetch_add(1, Ordering::Relaxed);
    }
    if generation == 2 {
        LONG_LIVED_PENDING.store(0, Ordering::Relaxed);
        LONG_LIVED_TOTAL.store(oldest_size, Ordering::Relaxed);
    } else if generation == 1 {
        LONG_LIVED_PENDING.fetch_add(moved_to_oldest, Ordering::Relaxed);
    }
}

// ----- statistics and the record of collections ----------------------------------------------

/// `gc.get_stats()`, per generation.
#[derive(Clone, Copy, Default, Debug)]
pub struct GenerationStats {
    pub collections: usize,
    pub collected: usize,
    pub uncollectable: usize,
}

static STATS: Mutex<[GenerationStats; 3]> = Mutex::new(
    [GenerationStats {
        collections: 0,
        collected: 0,
        uncollectable: 0,
    }; 3],
);

pub fn stats() -> [GenerationStats; 3] {
    *STATS.lock()
}

/// Record a finished collection of `generation` that freed `collected` objects in the
/// statistics (`gc.get_stats()`) and the counts that decide the next one. (What the run's
/// timeline shows of it is in the GIL event log: `vm::collector` reports there.)
pub fn record(generation: usize, collected: usize, moved_to_oldest: usize, oldest_size: usize) {
    counted_collection(generation, moved_to_oldest, oldest_size);
    let mut stats = STATS.lock();
    let entry = &mut stats[generation];
    entry.collections += 1;
    entry.collected += collected;
}

// ----- finalizers (PEP 442) ------------------------------------------------------------------

/// Bumped whenever `__del__` is set on or deleted from an existing class: every class's cached
/// answer to "do your instances have a finalizer?" is then stale.
static FINALIZER_EPOCH: AtomicU64 = AtomicU64::new(1);

/// Call after setting or deleting `__del__` on a class.
pub fn finalizers_changed() {
    FINALIZER_EPOCH.fetch_add(1, Ordering::Relaxed);
}

/// A class's cached answer to "does `__del__` exist along your MRO?", valid for one epoch of
/// [`finalizers_changed`]. Every free of an instance asks it, so the answer is one load.
pub struct FinalizerCache(AtomicU64);

impl FinalizerCache {
    pub fn new(has_del: bool) -> FinalizerCache {
        let cache = FinalizerCache(AtomicU64::new(0));
        cache.set(has_del);
        cache
    }

    /// `None` when stale: the class must be looked at again.
    #[inline]
    pub fn get(&self) -> Option<bool> {
        let cached = self.0.load(Ordering::Relaxed);
        (cached >> 1 == FINALIZER_EPOCH.load(Ordering::Relaxed)).then_some(cached & 1 != 0)
    }

    pub fn set(&self, has_del: bool) {
        let epoch = FINALIZER_EPOCH.load(Ordering::Relaxed);
        self.0.store((epoch << 1) | u64::from(has_del), Ordering::Relaxed);
    }
}

thread_local! {
    /// Objects whose last reference went, kept alive until their finalizer runs on this thread.
    static PENDING: std::cell::RefCell<std::collections::VecDeque<ObjRef>> = const {
        std::cell::RefCell::new(std::collections::VecDeque::new())
    };
}

/// Keep `object` (its count was zero and is one again) until the next finalize point of this
/// thread runs its finalizer; marked finalized now, so it is never queued twice. Hands the
/// object back if this thread can no longer run anything (it is shutting down).
pub fn queue_finalizer(object: ObjRef) -> Result<(), ObjRef> {
    if let Some(h) = header(&object) {
        h.set(header::flag::FINALIZED);
    }
    let mut object = Some(object);
    let _ = PENDING.try_with(|pending| {
        if let Ok(mut pending) = pending.try_borrow_mut()
            && let Some(o) = object.take()
        {
            pending.push_back(o);
        }
    });
    match object {
        Some(o) => Err(o),
        None => {
            gil::request(breaker_bits::FINALIZE);
            Ok(())
        }
    }
}

/// Whether objects wait for their finalizer on this thread.
pub fn has_pending_finalizers() -> bool {
    PENDING
        .try_with(|pending| !pending.borrow().is_empty())
        .unwrap_or(false)
}

/// The oldest object waiting for its finalizer on this thread.
pub fn next_pending_finalizer() -> Option<ObjRef> {
    PENDING
        .try_with(|pending| pending.borrow_mut().pop_front())
        .ok()
        .flatten()
}
