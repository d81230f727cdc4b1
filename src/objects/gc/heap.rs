//! Heaps: the generations containers are tracked in, and who may change them.
//!
//! A generation is an array of object pointers in allocation order; an object's header says
//! which heap, generation and position it has. Tracking a new object appends to generation 0;
//! freeing one empties its slot, touching no other object (a linked list would write to both
//! neighbours, objects the program may not have used for a long time); the holes are squeezed
//! out, keeping the order, once they outnumber the objects. Collections merge and rebuild the
//! arrays, so the order of allocation is kept throughout: finalizers of garbage run in it.
//!
//! With the GIL there is one heap, changed only by the thread holding the GIL. Free-threaded, a
//! shared heap would make every container allocation and free take a lock, so each thread has a
//! heap of its own, which only it changes. Its objects carry its owner id in their reference
//! count (biased counting), so a thread freeing an object it owns untracks it at once. An
//! object freed by another thread (or whose count was merged, which forgets the owner) is
//! dropped there and then — its references go at once — and its memory, a "shell" still in the
//! owner's array, waits in a queue for the next collection to untrack and free it while the
//! world is stopped. A thread that finishes leaves its heap, with the objects still in it, to
//! the next thread that starts.

use std::cell::{Cell, UnsafeCell};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

use parking_lot::Mutex;

use super::header::{self, GcHeader, MAX_HEAP_ID};
use crate::gil::stop_world::StoppedWorld;
use crate::gil::{self, lock::breaker_bits};
use crate::objects::PyObject;

/// Generations 0–2, then the permanent generation of `gc.freeze()`.
pub const GENERATIONS: usize = 4;
pub const PERMANENT: usize = 3;

/// One generation of one heap: its objects in allocation order, `None` where one was freed.
#[derive(Default)]
struct Generation {
    slots: Vec<Option<NonNull<PyObject>>>,
    live: usize,
}

impl Generation {
    /// The objects, oldest first.
    fn objects(&self) -> impl Iterator<Item = NonNull<PyObject>> + '_ {
        self.slots.iter().flatten().copied()
    }

    /// Append `object`, recording its new place in its header.
    #[inline(always)]
    fn push(&mut self, heap: u32, generation: usize, object: NonNull<PyObject>) {
        header_of(object).place(heap, Some(generation), self.slots.len());
        self.slots.push(Some(object));
        self.live += 1;
    }

    /// Empty the slot of an object tracked here (its header still says it is: the caller
    /// frees it, or records that it is untracked).
    #[inline]
    fn remove(&mut self, object: NonNull<PyObject>) {
        let index = header_of(object).index();
        // The newest object (a temporary made and dropped at once, most often) leaves no hole.
        if index + 1 == self.slots.len() && self.slots[index] == Some(object) {
            self.slots.pop();
            self.live -= 1;
            return;
        }
        if let Some(slot) = self.slots.get_mut(index).filter(|slot| **slot == Some(object)) {
            *slot = None;
            self.live -= 1;
        }
        if self.slots.len() > 2 * self.live + SLACK {
            self.squeeze();
        }
    }

    /// Drop the holes, keeping the order.
    fn squeeze(&mut self) {
        self.slots.retain(Option::is_some);
        for (index, object) in self.slots.iter().flatten().enumerate() {
            header_of(*object).set_index(index);
        }
    }

    /// Give back room far beyond what the array holds (after a burst of allocations, say).
    fn trim(&mut self) {
        if self.slots.capacity() > 4 * self.slots.len() + 1024 {
            self.slots.shrink_to(2 * self.slots.len());
        }
    }

    /// Move every object out to the end of `into`, oldest first (their headers are rewritten
    /// when they are placed again). The array keeps its room, which the objects put back use.
    fn take_into(&mut self, into: &mut Vec<NonNull<PyObject>>) {
        self.live = 0;
        into.extend(self.slots.drain(..).flatten());
    }
}

/// Holes tolerated beyond one per object before an array is squeezed.
const SLACK: usize = 64;

#[inline(always)]
fn header_of(object: NonNull<PyObject>) -> &'static GcHeader {
    // SAFETY: objects in a generation are alive containers from `header::allocate`: every one
    // is removed from its array before it is freed. The `'static` never escapes this module.
    unsafe { header::header_of(object) }
}

pub struct Heap {
    id: u32,
    generations: [UnsafeCell<Generation>; GENERATIONS],
    /// Free-threaded: allocations minus frees not yet added to the global count. Only the
    /// owner touches it.
    unflushed: AtomicIsize,
}

// SAFETY: the generations are only reached through `generation`, whose callers have the heap to
// themselves: its owner (with the GIL, the GIL holder), or the collector while every other
// thread is stopped.
unsafe impl Sync for Heap {}

/// Every heap ever made, by id (they are never freed), and those of finished threads.
static HEAPS: Mutex<Vec<&'static Heap>> = Mutex::new(Vec::new());
static SPARE: Mutex<Vec<&'static Heap>> = Mutex::new(Vec::new());

/// A dropped container whose memory waits for the collector.
struct Shell(NonNull<PyObject>);

// SAFETY: a shell's contents are dropped; only its header is touched again, by the collector
// while the world is stopped.
unsafe impl Send for Shell {}

static SHELLS: Mutex<Vec<Shell>> = Mutex::new(Vec::new());
/// Set when [`SHELLS`] is long enough that the next check point should reclaim them even if
/// no collection is due.
static MANY_SHELLS: AtomicBool = AtomicBool::new(false);
const MANY: usize = 10_000;

thread_local! {
    static MY_HEAP: Cell<Option<&'static Heap>> = const { Cell::new(None) };
}

/// Every heap, for the collector.
pub fn all(_world: &StoppedWorld<'_>) -> Vec<&'static Heap> {
    HEAPS.lock().clone()
}

fn new_heap() -> &'static Heap {
    let mut heaps = HEAPS.lock();
    // Ids run out only with thirty million threads alive at once (finished threads' heaps are
    // reused); sharing a heap between threads would corrupt it, so that would be the end.
    let id = u32::try_from(heaps.len())
        .ok()
        .filter(|&id| id <= MAX_HEAP_ID)
        .unwrap_or_else(|| std::process::abort());
    let heap: &'static Heap = Box::leak(Box::new(Heap {
        id,
        generations: Default::default(),
        unflushed: AtomicIsize::new(0),
    }));
    heaps.push(heap);
    heap
}

/// The heap new containers of the calling thread go into.
#[inline]
pub fn mine() -> &'static Heap {
    match MY_HEAP.try_with(Cell::get) {
        Ok(Some(heap)) => heap,
        _ => claim(),
    }
}

#[cold]
fn claim() -> &'static Heap {
    // With the GIL every thread shares the first heap.
    let heap = if gil::is_free_threaded() {
        SPARE.lock().pop()
    } else {
        HEAPS.lock().first().copied()
    };
    let heap = heap.unwrap_or_else(new_heap);
    let _ = MY_HEAP.try_with(|mine| mine.set(Some(heap)));
    heap
}

/// The calling thread will allocate no more containers (its interpreter is shutting down):
/// free-threaded, its heap goes to the next thread that starts.
pub fn retire() {
    let Some(heap) = MY_HEAP.try_with(Cell::take).ok().flatten() else {
        return;
    };
    if gil::is_free_threaded() {
        heap.flush_count();
        SPARE.lock().push(heap);
    }
}

impl Heap {
    /// A generation of a heap the calling thread owns.
    ///
    /// # Safety
    /// The caller owns the heap (it is its thread's; with the GIL, it holds the GIL) and holds
    /// no other borrow of that generation.
    #[allow(clippy::mut_from_ref)] // The exclusivity is the caller's contract, as for a lock.
    #[inline(always)]
    unsafe fn generation(&self, generation: usize) -> &mut Generation {
        // SAFETY: per the contract nobody else reaches the generation during the borrow.
        unsafe { &mut *self.generations[generation].get() }
    }

    /// Run `f` on a generation of any heap, while the world is stopped.
    #[inline(always)]
    fn with_stopped<R>(&self, _world: &StoppedWorld<'_>, generation: usize, f: impl FnOnce(&mut Generation) -> R) -> R {
        // SAFETY: with the world stopped no owner changes its heap, and `f`, which cannot reach
        // this module's other functions with the generation borrowed, is the only borrow.
        f(unsafe { self.generation(generation) })
    }

    /// The objects of a generation, oldest first (the world is stopped).
    pub fn objects(&self, world: &StoppedWorld<'_>, generation: usize) -> Vec<NonNull<PyObject>> {
        self.with_stopped(world, generation, |g| g.objects().collect())
    }

    /// How many objects a generation holds (the world is stopped).
    pub fn len(&self, world: &StoppedWorld<'_>, generation: usize) -> usize {
        self.with_stopped(world, generation, |g| g.live)
    }

    /// Track a new container in generation 0 and count it.
    #[inline]
    pub fn track_new(&self, object: NonNull<PyObject>) {
        // SAFETY: the calling thread owns its heap (`mine`), and this is the only borrow.
        unsafe { self.generation(0) }.push(self.id, 0, object);
        self.count(1);
    }

    /// Count a new container that is not tracked (see `gc::allocate`).
    #[inline]
    pub fn count_new(&self) {
        self.count(1);
    }

    /// Put an object back, in `generation` (the collector, rebuilding the generations).
    #[inline(always)]
    pub fn place(&self, world: &StoppedWorld<'_>, generation: usize, object: NonNull<PyObject>) {
        self.with_stopped(world, generation, |g| g.push(self.id, generation, object));
    }

    /// After the collector placed the objects back: give back the room the arrays of the
    /// generations up to `generation` no longer need.
    pub fn trim(&self, world: &StoppedWorld<'_>, generation: usize) {
        for g in 0..=generation {
            self.with_stopped(world, g, Generation::trim);
        }
    }

    /// Move every object of `generation` out to the end of `into` (the collector, which places
    /// each one again).
    pub fn take_into(&self, world: &StoppedWorld<'_>, generation: usize, into: &mut Vec<NonNull<PyObject>>) {
        self.with_stopped(world, generation, |g| g.take_into(into));
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
}

/// Free-threaded: per-thread counts are added to the global one this many at a time.
const FLUSH_EVERY: isize = 64;

/// Stop tracking an object (while the world is stopped): an immortal one, a tuple that can no
/// longer be part of a cycle.
pub fn untrack(world: &StoppedWorld<'_>, object: NonNull<PyObject>) {
    let header = header_of(object);
    let Some(generation) = header.generation() else {
        return;
    };
    if let Some(heap) = HEAPS.lock().get(header.heap() as usize).copied() {
        heap.with_stopped(world, generation, |g| g.remove(object));
    }
    header.place(0, None, 0);
}

/// Free a container whose last reference went: untrack it and free its memory, or (an object
/// of another thread's heap) drop its contents and leave the shell to the collector.
///
/// # Safety
/// `object` comes from `header::allocate`, has no references left, and the calling thread is
/// attached. `owned_here` says whether it is tracked in the calling thread's heap (always so
/// with the GIL, where there is one heap).
pub unsafe fn free(object: NonNull<PyObject>, owned_here: bool) {
    let header = header_of(object);
    if !gil::is_free_threaded() {
        // One heap, changed only by the GIL holder: this thread.
        if let Some(generation) = header.generation() {
            // SAFETY: the GIL holder owns the heap; this is the only borrow.
            unsafe { mine().generation(generation) }.remove(object);
        }
        // SAFETY: untracked now, and per the contract nobody else can reach it.
        unsafe { header::deallocate(object) };
        super::note_young(-1);
        return;
    }
    // A thread that made no container (or has retired) has no heap, and owns no tracked
    // object.
    let heap = MY_HEAP.try_with(Cell::get).ok().flatten();
    match (header.generation(), heap) {
        // The id check only guards against a mistaken owner: a shell is always safe.
        (Some(generation), Some(heap)) if owned_here && header.heap() == heap.id => {
            // SAFETY: the calling thread owns its heap; this is the only borrow.
            unsafe { heap.generation(generation) }.remove(object);
            // SAFETY: untracked now, and per the contract nobody else can reach it.
            unsafe { header::deallocate(object) };
            heap.count(-1);
        }
        (None, _) => {
            // SAFETY: per the contract.
            unsafe { header::deallocate(object) };
            match heap {
                Some(heap) => heap.count(-1),
                None => super::note_young(-1),
            }
        }
        (Some(_), _) => {
            // SAFETY: per the contract; the header stays tracked for the collector.
            unsafe { header::drop_contents(object) };
            let mut shells = SHELLS.lock();
            shells.push(Shell(object));
            if shells.len() >= MANY && !MANY_SHELLS.swap(true, Ordering::Relaxed) {
                gil::request(breaker_bits::COLLECT);
            }
        }
    }
}

/// Whether enough shells wait that they should be reclaimed without waiting for a collection.
pub fn many_shells() -> bool {
    MANY_SHELLS.load(Ordering::Relaxed)
}

/// Untrack and free the shells other threads left. Only while the world is stopped.
pub fn reclaim_shells(world: &StoppedWorld<'_>) {
    MANY_SHELLS.store(false, Ordering::Relaxed);
    let shells = std::mem::take(&mut *SHELLS.lock());
    let freed = shells.len();
    for Shell(object) in shells {
        untrack(world, object);
        // SAFETY: queued by `free` after its contents were dropped; freed only here.
        unsafe { header::free_shell(object) };
    }
    if freed > 0 {
        super::note_young(-(freed as isize));
    }
}
