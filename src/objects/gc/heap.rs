//! Heaps: the generation lists containers are linked into, and who may change them.
//!
//! With the GIL there is one heap, changed only by the thread holding the GIL: linking and
//! unlinking are plain pointer writes. Free-threaded, a global list would make every container
//! allocation and free take a shared lock, so each thread has a heap of its own, which only it
//! links into and unlinks from. An object freed by another thread is dropped there and then (its
//! references go at once), and its memory — a "shell" still linked into the owner's list — is
//! handed to the owner through the heap's queue, to be unlinked and freed at the owner's next
//! container allocation, or by the next collection. A thread that finishes leaves its heap
//! (with the objects still in it) to the next thread that starts; meanwhile every free into it
//! goes through its queue. The collector looks at every heap while the world is stopped, when
//! no owner is changing one.
//!
//! Heaps are never freed, so a heap id read from an object header always names a live heap.

use std::cell::Cell;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicPtr, AtomicUsize, Ordering};

use parking_lot::Mutex;

use super::header::{self, GcHeader, MAX_HEAP_ID};
use crate::gil;
use crate::objects::PyObject;

/// Generations 0–2, then the permanent generation of `gc.freeze()`.
pub const LISTS: usize = 4;
pub const PERMANENT: usize = 3;

pub struct Heap {
    pub id: u32,
    /// Heads of the generation lists, oldest object first in each.
    pub lists: [GcHeader; LISTS],
    /// Shells freed by threads that do not own this heap.
    remote: Mutex<Vec<Shell>>,
    remote_pending: AtomicBool,
    /// Free-threaded: allocations minus frees not yet added to the global count. Only the
    /// owner touches it.
    unflushed: AtomicIsize,
}

/// A dropped container whose memory waits for the owner of its heap.
struct Shell(NonNull<PyObject>);

// SAFETY: a shell's contents are dropped; only its header is touched again, by whoever
// unlinks it under the rules of its heap.
unsafe impl Send for Shell {}

/// Every heap ever made, by id: segment `k` holds ids `2^k - 1 .. 2^(k+1) - 1`, so the table
/// grows without ever moving an entry and readers need no lock.
const SEGMENTS: usize = 24;
static TABLE: [AtomicPtr<AtomicPtr<Heap>>; SEGMENTS] = [const { AtomicPtr::new(std::ptr::null_mut()) }; SEGMENTS];
static HEAP_COUNT: AtomicUsize = AtomicUsize::new(0);

struct Registry {
    /// Heaps of finished threads, for the next threads to adopt.
    spare: Vec<&'static Heap>,
}

static REGISTRY: Mutex<Registry> = Mutex::new(Registry { spare: Vec::new() });

thread_local! {
    static MY_HEAP: Cell<Option<&'static Heap>> = const { Cell::new(None) };
}

fn segment_of(id: u32) -> (usize, usize) {
    let n = id as usize + 1;
    let segment = (usize::BITS - 1 - n.leading_zeros()) as usize;
    (segment, n - (1 << segment))
}

/// The heap with this id.
pub fn by_id(id: u32) -> Option<&'static Heap> {
    let (segment, offset) = segment_of(id);
    let entries = TABLE.get(segment)?.load(Ordering::Acquire);
    if entries.is_null() {
        return None;
    }
    // SAFETY: a segment is an array of `2^segment` entries, never freed once published.
    let entry = unsafe { &*entries.add(offset) };
    let heap = entry.load(Ordering::Acquire);
    // SAFETY: heaps are leaked, never freed, and published fully initialised.
    (!heap.is_null()).then(|| unsafe { &*heap })
}

/// Every heap made so far.
pub fn all() -> impl Iterator<Item = &'static Heap> {
    let count = HEAP_COUNT.load(Ordering::Acquire);
    (0..count as u32).filter_map(by_id)
}

fn new_heap() -> Option<&'static Heap> {
    let id = u32::try_from(HEAP_COUNT.load(Ordering::Relaxed)).ok()?;
    if id > MAX_HEAP_ID {
        return None;
    }
    let heap: &'static Heap = Box::leak(Box::new(Heap {
        id,
        lists: [const { GcHeader::head() }; LISTS],
        remote: Mutex::new(Vec::new()),
        remote_pending: AtomicBool::new(false),
        unflushed: AtomicIsize::new(0),
    }));
    for list in &heap.lists {
        list.init_head();
    }
    let (segment, offset) = segment_of(id);
    let mut entries = TABLE[segment].load(Ordering::Acquire);
    if entries.is_null() {
        let fresh: Box<[AtomicPtr<Heap>]> = (0..1usize << segment)
            .map(|_| AtomicPtr::new(std::ptr::null_mut()))
            .collect();
        entries = Box::leak(fresh).as_mut_ptr();
        TABLE[segment].store(entries, Ordering::Release);
    }
    // SAFETY: `entries` has `2^segment` entries and `offset` is below that.
    unsafe { &*entries.add(offset) }.store(std::ptr::from_ref(heap).cast_mut(), Ordering::Release);
    HEAP_COUNT.store(id as usize + 1, Ordering::Release);
    Some(heap)
}

/// The heap new containers of the calling thread go into.
#[inline]
pub fn mine() -> &'static Heap {
    match MY_HEAP.try_with(Cell::get) {
        Ok(Some(heap)) => heap,
        _ => claim(),
    }
}

/// The calling thread's heap if it has one (free-threaded), or the shared one (GIL).
fn mine_if_any() -> Option<&'static Heap> {
    MY_HEAP.try_with(Cell::get).ok().flatten()
}

#[cold]
fn claim() -> &'static Heap {
    let mut registry = REGISTRY.lock();
    // With the GIL every thread shares heap 0.
    let heap = if !gil::is_free_threaded() {
        by_id(0).or_else(new_heap)
    } else {
        registry.spare.pop().or_else(new_heap)
    };
    drop(registry);
    // Ids run out only with sixteen million threads alive at once (finished threads' heaps are
    // reused); sharing a heap would corrupt its lists, so that would be the end.
    let heap = heap.unwrap_or_else(|| std::process::abort());
    let _ = MY_HEAP.try_with(|mine| mine.set(Some(heap)));
    heap
}

/// Free-threaded: the calling thread will allocate no more containers (its interpreter is
/// shutting down); its heap goes to the next thread that starts.
pub fn retire() {
    let Some(heap) = MY_HEAP.try_with(Cell::take).ok().flatten() else {
        return;
    };
    if !gil::is_free_threaded() {
        return;
    }
    heap.reclaim_shells();
    heap.flush_count();
    REGISTRY.lock().spare.push(heap);
}

impl Heap {
    /// Link a new container into generation 0 and count it.
    #[inline]
    pub fn link_new(&self, object: NonNull<PyObject>) {
        if self.remote_pending.load(Ordering::Relaxed) {
            self.reclaim_shells();
        }
        // SAFETY: `object` was just made by `header::allocate`.
        let header = unsafe { header::header_of(object) };
        self.lists[0].push_back(header);
        self.count(1);
    }

    /// Count allocations (`+1`) and frees (`-1`) of containers towards the next collection.
    #[inline]
    fn count(&self, delta: isize) {
        if !gil::is_free_threaded() {
            super::note_young(delta);
            return;
        }
        let unflushed = self.unflushed.load(Ordering::Relaxed) + delta;
        if unflushed.abs() >= FLUSH_EVERY {
            self.unflushed.store(0, Ordering::Relaxed);
            super::note_young(unflushed);
        } else {
            self.unflushed.store(unflushed, Ordering::Relaxed);
        }
    }

    fn flush_count(&self) {
        let unflushed = self.unflushed.swap(0, Ordering::Relaxed);
        if unflushed != 0 {
            super::note_young(unflushed);
        }
    }

    /// Unlink and free the shells other threads left (the owner, or the collector while the
    /// world is stopped).
    pub fn reclaim_shells(&self) {
        self.remote_pending.store(false, Ordering::Relaxed);
        let shells = std::mem::take(&mut *self.remote.lock());
        for Shell(object) in shells {
            // SAFETY: queued by `free` after its contents were dropped; freed only here.
            unsafe {
                header::header_of(object).unlink();
                header::free_shell(object);
            }
            self.count(-1);
        }
    }
}

/// Free-threaded: per-thread counts are added to the global one this many at a time.
const FLUSH_EVERY: isize = 64;

/// Free a container whose last reference went: unlink it and free its memory, or (free-threaded,
/// another thread's object) drop its contents and hand the shell to the heap's owner.
///
/// # Safety
/// `object` comes from `header::allocate`, has no references left, and the calling thread is
/// attached.
pub unsafe fn free(object: NonNull<PyObject>) {
    // SAFETY: per the contract.
    let header = unsafe { header::header_of(object) };
    let mine = if gil::is_free_threaded() {
        mine_if_any()
    } else {
        Some(mine())
    };
    if !header.is_linked() || mine.is_some_and(|heap| heap.id == header.heap()) {
        header.unlink();
        // SAFETY: unlinked, and per the contract nobody else can reach it.
        unsafe { header::deallocate(object) };
        match mine {
            Some(heap) => heap.count(-1),
            None => super::note_young(-1),
        }
        return;
    }
    // SAFETY: per the contract; the header stays linked for the owner to unlink.
    unsafe { header::drop_contents(object) };
    if let Some(heap) = by_id(header.heap()) {
        heap.remote.lock().push(Shell(object));
        heap.remote_pending.store(true, Ordering::Release);
    }
}
