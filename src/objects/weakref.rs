//! Weak references: the registry of who points weakly at what, and how a dying object's weak
//! references are cleared.
//!
//! A weak reference is a `Payload::WeakRef` object (for an instance of a class derived from
//! `weakref.ref`, the built-in value the instance extends). It holds its referent's address,
//! uncounted, and the registry maps each weakly referenced object to its weak references, in
//! creation order. One global mutex guards both: weak references are made, read and cleared
//! far less often than anything on a hot path, and one lock makes the rules simple:
//!
//! - **Reading** a referent (`ref()`) takes the lock, reads the address and takes a counted
//!   reference only if the count has not reached zero ([`ObjRef::try_clone_from_ptr`]): an
//!   object already dying on another thread reads as dead, never resurrected.
//! - **Death.** When an object's count reaches zero, before its memory goes, the freeing thread
//!   takes the lock, clears every weak reference to it and queues the ones with a callback, each
//!   with a counted reference, to run at its next finalize point (Python code never runs inside
//!   a `Drop`). The cycle collector clears the weak references to what it found unreachable
//!   the same way, with the world stopped, before any finalizer runs.
//! - A weak reference that dies unregisters itself (its `Drop`), under the lock, so the registry
//!   never holds the address of freed memory.
//!
//! The lock is never held while allocating or running Python code: freeing an object can clear
//! weak references, which takes the lock.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::ptr::NonNull;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicI64, AtomicPtr, Ordering};

use parking_lot::Mutex;

use super::gc::{self, header::flag};
use super::{ObjLock, ObjRef, Payload, PyObject, Value};
use crate::gil::{self, Gil, lock::breaker_bits};

/// What kind of weak reference an object is: `ref()` answers the referent, a proxy forwards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WeakKind {
    Ref,
    Proxy,
    CallableProxy,
}

/// The state of one weak reference.
pub struct WeakRef {
    pub kind: WeakKind,
    /// The referent, null once it died. Read and written under the registry lock only.
    referent: AtomicPtr<PyObject>,
    /// For the base value of an instance of a derived class: that instance, uncounted, which is
    /// what callbacks, `getweakrefs` and `__weakref__` show. Cleared (under the registry lock)
    /// when the instance goes, so it is never the address of freed memory.
    owner: AtomicPtr<PyObject>,
    /// Called with the weak reference when the referent dies; taken when it is called.
    pub callback: ObjLock<Option<Value>>,
    /// `hash(r)`, kept once taken (it must survive the referent).
    hash: AtomicI64,
}

const HASH_UNSET: i64 = -1;

impl WeakRef {
    pub fn new(kind: WeakKind, callback: Option<Value>) -> WeakRef {
        WeakRef {
            kind,
            referent: AtomicPtr::new(std::ptr::null_mut()),
            owner: AtomicPtr::new(std::ptr::null_mut()),
            callback: ObjLock::new(callback),
            hash: AtomicI64::new(HASH_UNSET),
        }
    }

    pub fn cached_hash(&self) -> Option<i64> {
        let h = self.hash.load(Ordering::Relaxed);
        (h != HASH_UNSET).then_some(h)
    }

    pub fn set_hash(&self, hash: i64) {
        self.hash.store(hash, Ordering::Relaxed);
    }

    /// The referent, counted, or `None` once it died (or is dying on another thread).
    pub fn get(&self, py: Gil<'_>) -> Option<ObjRef> {
        let _registry = REGISTRY.lock();
        let referent = NonNull::new(self.referent.load(Ordering::Relaxed))?;
        // SAFETY: a registered referent is alive in memory until its death clears this field,
        // which takes the lock we hold; its count may be zero, which `try_clone` checks.
        unsafe { ObjRef::try_clone_from_ptr(py, referent) }
    }

    /// Whether the referent is still there (`r() is not None`, without taking a reference).
    pub fn is_alive(&self) -> bool {
        let _registry = REGISTRY.lock();
        !self.referent.load(Ordering::Relaxed).is_null()
    }

    /// Whether a callback was given and not yet called.
    pub fn has_callback(&self, py: Gil<'_>) -> bool {
        self.callback.lock(py).is_some()
    }

    /// Forget the derived instance this is the base of (it is being freed).
    pub fn disown(&self) {
        let _registry = REGISTRY.lock();
        self.owner.store(std::ptr::null_mut(), Ordering::Relaxed);
    }
}

impl Drop for WeakRef {
    fn drop(&mut self) {
        let mut registry = REGISTRY.lock();
        let referent = *self.referent.get_mut();
        if referent.is_null() {
            return;
        }
        let me: *const WeakRef = self;
        if let Some(list) = registry.get_mut(&(referent as usize)) {
            list.retain(|entry| !std::ptr::eq(entry.state, me));
            if list.is_empty() {
                registry.remove(&(referent as usize));
                // SAFETY: the referent is alive: its death would have cleared our field under
                // the lock we hold.
                set_flag(unsafe { NonNull::new_unchecked(referent) }, false);
            }
        }
    }
}

/// One registered weak reference: its object and its state (inside that object).
#[derive(Clone, Copy)]
struct Entry {
    object: NonNull<PyObject>,
    state: *const WeakRef,
}

// SAFETY: entries are only read under the registry lock, and each points at a live weak
// reference (they unregister before their memory goes).
unsafe impl Send for Entry {}

/// Weakly referenced objects (by address) and their weak references, oldest first.
static REGISTRY: LazyLock<Mutex<HashMap<usize, Vec<Entry>>>> = LazyLock::new(Default::default);

/// The state inside a weak reference object.
fn state_of(object: &PyObject) -> Option<&WeakRef> {
    match &object.payload {
        Payload::WeakRef(state) => Some(state),
        _ => None,
    }
}

/// Mark (or unmark) an object as weakly referenced, where its kind of object keeps the mark.
fn set_flag(object: NonNull<PyObject>, on: bool) {
    // SAFETY: the caller holds the object alive (a reference, or the registry lock before the
    // object's death cleared it).
    let obj = unsafe { object.as_ref() };
    if gc::is_container(&obj.payload) {
        // SAFETY: a container comes from `gc::allocate`.
        let header = unsafe { gc::header::header_of(object) };
        if on {
            header.set(flag::HAS_WEAKREFS);
        } else {
            header.clear(flag::HAS_WEAKREFS);
        }
    }
}

/// Whether a kind of object that is no container (and so has no collector header to mark)
/// may be weakly referenced: its death must then look at the registry.
#[inline]
pub fn leaf_may_be_referenced(payload: &Payload) -> bool {
    matches!(
        payload,
        Payload::Lock(_) | Payload::File(_) | Payload::Random(_) | Payload::Native(_) | Payload::Code(_)
    )
}

/// Whether a dying object is marked as weakly referenced.
///
/// # Safety
/// The object is alive in memory.
#[inline]
pub unsafe fn is_referenced(object: NonNull<PyObject>) -> bool {
    // SAFETY: per the contract.
    let obj = unsafe { object.as_ref() };
    if gc::is_container(&obj.payload) {
        // SAFETY: a container comes from `gc::allocate`.
        unsafe { gc::header::header_of(object) }.has(flag::HAS_WEAKREFS)
    } else {
        leaf_may_be_referenced(&obj.payload)
    }
}

/// Register `weakref` (a fresh weak reference object, or the base value of a derived instance
/// `owner`) as pointing at `referent`. With `reuse`, an existing plain weak reference of the
/// same kind without callback is returned instead (CPython hands out the same one), and
/// `weakref` is dropped by the caller.
pub fn register(
    py: Gil<'_>,
    referent: &ObjRef,
    weakref: &ObjRef,
    owner: Option<&ObjRef>,
    reuse: bool,
) -> Option<ObjRef> {
    let state = state_of(weakref)?;
    // Callbacks take references to the weak reference (and its owner) through the registry,
    // as `ref()` does to the referent: all three must refuse to be taken once dying.
    for object in std::iter::once(referent).chain(Some(weakref)).chain(owner) {
        object.set_maybe_weakly_referenced(py);
    }
    let mut registry = REGISTRY.lock();
    let list = registry.entry(referent.addr()).or_default();
    if reuse {
        for entry in list.iter() {
            // SAFETY: registered entries are alive (see `Entry`).
            let other = unsafe { &*entry.state };
            if other.kind == state.kind
                && is_basic(py, entry)
                && may_share(entry)
                && let Some(found) = visible(py, entry)
            {
                return Some(found);
            }
        }
    }
    state.referent.store(referent.as_non_null().as_ptr(), Ordering::Relaxed);
    if let Some(owner) = owner {
        state.owner.store(owner.as_non_null().as_ptr(), Ordering::Relaxed);
    }
    // As CPython orders them: the plain reference first (what `__weakref__` shows), then the
    // plain proxies, then the others newest first (the order their callbacks run in).
    let entry = Entry {
        object: weakref.as_non_null(),
        state,
    };
    let at = if owner.is_none() && state.kind == WeakKind::Ref && state.callback.lock(py).is_none() {
        0
    } else {
        list.iter().take_while(|e| is_basic(py, e)).count()
    };
    list.insert(at, entry);
    set_flag(referent.as_non_null(), true);
    None
}

/// Whether a registered weak reference is one `ref(obj)` or `proxy(obj)` hands out again: no
/// callback, and no class derived from `ref`.
fn is_basic(py: Gil<'_>, entry: &Entry) -> bool {
    // SAFETY: registered entries are alive (see `Entry`).
    let state = unsafe { &*entry.state };
    state.callback.lock(py).is_none() && (state.kind != WeakKind::Ref || state.owner.load(Ordering::Relaxed).is_null())
}

/// Whether `ref(obj)` may hand out this existing weak reference. Free-threaded, only one the
/// calling thread owns: taking a counted reference to another thread's while its owner drops
/// it was seen to free it under the taker (AddressSanitizer: heap-use-after-free in
/// `hash(ref)`, about 1 run in 3 of threads putting `weakref.ref(C)` into a shared set). Until
/// that race is understood, another thread's reference is never reused; CPython only says the
/// existing one *may* be returned.
fn may_share(entry: &Entry) -> bool {
    if !gil::is_free_threaded() {
        return true;
    }
    // SAFETY: registered entries are alive in memory; so is an owner, until `disown`, which
    // takes the registry lock the caller holds.
    let state = unsafe { &*entry.state };
    let object = NonNull::new(state.owner.load(Ordering::Relaxed)).unwrap_or(entry.object);
    // SAFETY: as above.
    unsafe { crate::objects::refcount::owned_by_this_thread(object) }
}

/// The object Python code sees for a registered weak reference (its derived instance, if it is
/// the base of one), counted; `None` if that object is dying.
fn visible(py: Gil<'_>, entry: &Entry) -> Option<ObjRef> {
    // SAFETY: registered entries are alive in memory; so is an owner, until `disown`, which
    // takes the lock the caller holds.
    let state = unsafe { &*entry.state };
    let object = NonNull::new(state.owner.load(Ordering::Relaxed)).unwrap_or(entry.object);
    // SAFETY: as above; `try_clone` refuses an object whose count reached zero.
    unsafe { ObjRef::try_clone_from_ptr(py, object) }
}

/// The weak references to `referent` that Python code can see, oldest first (plain first).
pub fn references_to(py: Gil<'_>, referent: &ObjRef) -> Vec<ObjRef> {
    let registry = REGISTRY.lock();
    let Some(list) = registry.get(&referent.addr()) else {
        return Vec::new();
    };
    let found: Vec<ObjRef> = list.iter().filter_map(|entry| visible(py, entry)).collect();
    drop(registry);
    found
}

/// How many weak references point at `referent`.
pub fn count_to(referent: &ObjRef) -> usize {
    REGISTRY.lock().get(&referent.addr()).map_or(0, Vec::len)
}

/// Clear the weak references to `referent` and collect those whose callback should run.
/// `skip(entry)`: references that are themselves garbage are cleared without a callback.
fn clear_locked(
    py: Gil<'_>,
    registry: &mut HashMap<usize, Vec<Entry>>,
    referent: NonNull<PyObject>,
    skip: impl Fn(NonNull<PyObject>) -> bool,
    callbacks: &mut Vec<ObjRef>,
) {
    let Some(list) = registry.remove(&(referent.as_ptr() as usize)) else {
        return;
    };
    set_flag(referent, false);
    for entry in &list {
        // SAFETY: registered entries are alive (see `Entry`).
        let state = unsafe { &*entry.state };
        state.referent.store(std::ptr::null_mut(), Ordering::Relaxed);
        let owner = NonNull::new(state.owner.load(Ordering::Relaxed)).unwrap_or(entry.object);
        if skip(owner) || skip(entry.object) || !state.has_callback(py) {
            continue;
        }
        if let Some(object) = visible(py, entry) {
            callbacks.push(object);
        }
    }
}

/// An object's count reached zero and it is about to be freed: clear its weak references and
/// queue their callbacks on this thread.
///
/// # Safety
/// The object is alive in memory and unreachable (its count is zero).
pub unsafe fn referent_died(object: NonNull<PyObject>) {
    // Objects are freed on attached threads (frees while detached are parked), so this only
    // takes the token of the attachment in place.
    gil::attach(|py| {
        let mut callbacks = Vec::new();
        let mut registry = REGISTRY.lock();
        clear_locked(py, &mut registry, object, |_| false, &mut callbacks);
        drop(registry);
        if !callbacks.is_empty() {
            queue_callbacks(callbacks);
        }
    });
}

/// The collector found `unreachable` (held): clear the weak references to them, and those
/// among them, before any finalizer can see them. Returns the weak references whose callbacks
/// must run (those not themselves unreachable), counted. Runs with the world stopped.
pub fn clear_for_collection(py: Gil<'_>, unreachable: &[ObjRef]) -> Vec<ObjRef> {
    let mut callbacks = Vec::new();
    // Which objects are garbage is asked only of the weak references to garbage, which most
    // collections find none of: the set is made when the first one is.
    let mut garbage: Option<std::collections::HashSet<usize>> = None;
    let mut registry = REGISTRY.lock();
    for object in unreachable {
        // A weak reference that is garbage points nowhere from now on: no callback later.
        let base = match &object.payload {
            Payload::Instance(inst) => inst.base.as_ref().and_then(Value::as_obj),
            _ => Some(object),
        };
        if let Some(state) = base.and_then(|b| state_of(b)) {
            detach_locked(&mut registry, state);
        }
    }
    for object in unreachable {
        // SAFETY: held by the caller.
        if unsafe { is_referenced(object.as_non_null()) } {
            let garbage = garbage.get_or_insert_with(|| unreachable.iter().map(ObjRef::addr).collect());
            let is_garbage = |object: NonNull<PyObject>| garbage.contains(&(object.as_ptr() as usize));
            clear_locked(py, &mut registry, object.as_non_null(), is_garbage, &mut callbacks);
        }
    }
    drop(registry);
    callbacks
}

/// Unregister a weak reference from its referent and point it nowhere.
fn detach_locked(registry: &mut HashMap<usize, Vec<Entry>>, state: &WeakRef) {
    let referent = state.referent.swap(std::ptr::null_mut(), Ordering::Relaxed);
    if referent.is_null() {
        return;
    }
    if let Some(list) = registry.get_mut(&(referent as usize)) {
        list.retain(|entry| !std::ptr::eq(entry.state, state));
        if list.is_empty() {
            registry.remove(&(referent as usize));
            // SAFETY: registered referents are alive (their death takes the lock we hold).
            set_flag(unsafe { NonNull::new_unchecked(referent) }, false);
        }
    }
}

thread_local! {
    /// Weak references whose referent died on this thread, waiting for their callback to run
    /// at the next finalize point.
    static PENDING: RefCell<VecDeque<ObjRef>> = const { RefCell::new(VecDeque::new()) };
}

fn queue_callbacks(callbacks: Vec<ObjRef>) {
    let mut callbacks = Some(callbacks);
    let _ = PENDING.try_with(|pending| {
        if let Ok(mut pending) = pending.try_borrow_mut()
            && let Some(list) = callbacks.take()
        {
            pending.extend(list);
        }
    });
    if callbacks.is_none() {
        gil::request(breaker_bits::FINALIZE);
    }
    // Otherwise the thread is shutting down: the callbacks are dropped, never called.
}

/// The oldest weak reference waiting for its callback on this thread.
pub fn next_pending_callback() -> Option<ObjRef> {
    PENDING
        .try_with(|pending| pending.borrow_mut().pop_front())
        .ok()
        .flatten()
}

/// Whether callbacks wait on this thread.
pub fn has_pending_callbacks() -> bool {
    PENDING
        .try_with(|pending| !pending.borrow().is_empty())
        .unwrap_or(false)
}

/// The weak reference state of a value: a plain weak reference, or an instance of a class
/// derived from one.
pub fn state_of_value(value: &Value) -> Option<&WeakRef> {
    match value.payload()? {
        Payload::WeakRef(state) => Some(state),
        Payload::Instance(inst) => inst.base.as_ref().and_then(|b| b.payload()).and_then(|p| match p {
            Payload::WeakRef(state) => Some(&**state),
            _ => None,
        }),
        _ => None,
    }
}
