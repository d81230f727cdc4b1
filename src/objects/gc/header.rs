//! The collector's header, and where it sits.
//!
//! Only objects that can hold references ("containers": lists, dicts, instances, functions…)
//! carry a header; strings, numbers and code objects pay nothing. Whether a payload is a
//! container is fixed by its `Payload` variant, which never changes after allocation, so the
//! layout of an allocation is known from the object alone: a container is allocated as a
//! [`GcBox`] — the header, then the `PyObject` — and an `ObjRef` points at the `PyObject` as
//! for any object; the header is found at a fixed negative offset. All the pointer arithmetic
//! lives in this module.
//!
//! A header is one word: where the object is in its generation's array (a heap keeps each
//! generation as an array of pointers in allocation order, see `heap`), and which heap and
//! generation that is, with the object's flags. So a container's header and `PyObject` make
//! 64 bytes, one cache line and one size class, as an object without a header was before.
//! During an analysis a candidate's index field holds its place among the candidates instead.

use std::alloc::Layout;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::gil::stop_world::StoppedWorld;
use crate::objects::PyObject;

/// Bits of a header's flags.
pub mod flag {
    /// `__del__` (or a generator's close) ran, or was queued to run: never again (PEP 442).
    pub const FINALIZED: u32 = 1 << 0;
    /// Reserved for the weak reference registry: some weak reference points here.
    pub const HAS_WEAKREFS: u32 = 1 << 1;
    /// A candidate of the analysis running now; its index is its place among the candidates.
    pub const COLLECTING: u32 = 1 << 2;
}

const FLAG_BITS: u32 = 0b1111;
/// The flags an object keeps when it is placed somewhere: all but [`flag::COLLECTING`], which
/// only lasts while an analysis runs.
const KEPT_FLAGS: u32 = FLAG_BITS & !flag::COLLECTING;
const GENERATION_SHIFT: u32 = 4;
const GENERATION_BITS: u32 = 0b111;
/// The generation of an object in no array: not tracked.
const UNTRACKED: u32 = GENERATION_BITS;
const HEAP_SHIFT: u32 = 7;
/// Heap ids fit in the bits above the generation.
pub const MAX_HEAP_ID: u32 = u32::MAX >> HEAP_SHIFT;

/// The collector's part of a container object.
#[repr(C)]
pub struct GcHeader {
    /// Position in its generation's array (during an analysis: its candidate number).
    index: AtomicU32,
    /// Flags (bits 0–3), generation (4–6, all set when untracked), heap id (7–31).
    meta: AtomicU32,
}

// Both words are atomics accessed with relaxed operations: the arrays and positions are only
// changed by the thread that owns the heap (with the GIL: the GIL holder) or by the collector
// while every other thread is stopped, and those hand-overs (the GIL, stopping the world)
// order the accesses. Atomics cost nothing here on x86 and make a racing reader
// (`gc.is_tracked` of another thread's object) see a stale answer instead of undefined
// behaviour. Flags may be set by any thread holding a reference, so they are changed with
// read-modify-writes; the rest of `meta` only by whoever has the object to itself. While the
// world is stopped only the collector touches headers: it uses plain stores, as a locked
// read-modify-write on each of a million objects would lengthen the pause.
//
// The small accessors are `#[inline(always)]`: the collector calls them a few times per object
// and per reference, and unoptimised (test) builds would otherwise make a call of each.

#[repr(C)]
struct GcBox {
    header: GcHeader,
    object: PyObject,
}

const OBJECT_OFFSET: usize = std::mem::offset_of!(GcBox, object);

impl GcHeader {
    const fn untracked() -> GcHeader {
        GcHeader {
            index: AtomicU32::new(0),
            meta: AtomicU32::new(UNTRACKED << GENERATION_SHIFT),
        }
    }

    /// The generation the object is tracked in, if it is.
    #[inline(always)]
    pub fn generation(&self) -> Option<usize> {
        let generation = (self.meta.load(Ordering::Relaxed) >> GENERATION_SHIFT) & GENERATION_BITS;
        (generation != UNTRACKED).then_some(generation as usize)
    }

    #[inline(always)]
    pub fn is_tracked(&self) -> bool {
        self.generation().is_some()
    }

    #[inline(always)]
    pub fn heap(&self) -> u32 {
        self.meta.load(Ordering::Relaxed) >> HEAP_SHIFT
    }

    #[inline(always)]
    pub fn index(&self) -> usize {
        self.index.load(Ordering::Relaxed) as usize
    }

    /// Record where the object is tracked now (`None`: nowhere); it takes part in no analysis
    /// any more. The caller has the object's place to itself (its owner, or the collector with
    /// the world stopped).
    #[inline(always)]
    pub fn place(&self, heap: u32, generation: Option<usize>, index: usize) {
        let generation = generation.map_or(UNTRACKED, |g| g as u32);
        let flags = self.meta.load(Ordering::Relaxed) & KEPT_FLAGS;
        self.meta.store(
            (heap << HEAP_SHIFT) | (generation << GENERATION_SHIFT) | flags,
            Ordering::Relaxed,
        );
        self.set_index(index);
    }

    #[inline(always)]
    pub fn set_index(&self, index: usize) {
        // Arrays are kept below four billion entries (see `heap`).
        self.index.store(index as u32, Ordering::Relaxed);
    }

    #[inline(always)]
    pub fn has(&self, flag: u32) -> bool {
        self.meta.load(Ordering::Relaxed) & flag != 0
    }

    pub fn set(&self, flag: u32) {
        self.meta.fetch_or(flag & FLAG_BITS, Ordering::Relaxed);
    }

    pub fn clear(&self, flag: u32) {
        self.meta.fetch_and(!(flag & FLAG_BITS), Ordering::Relaxed);
    }

    /// Make the object the `n`-th candidate of the analysis about to run: its index holds the
    /// number until [`GcHeader::place`] or [`GcHeader::leave_analysis`] puts a place back.
    #[inline(always)]
    pub fn enter_analysis(&self, _world: &StoppedWorld<'_>, n: usize) {
        self.set_index(n);
        let meta = self.meta.load(Ordering::Relaxed);
        self.meta.store(meta | flag::COLLECTING, Ordering::Relaxed);
    }

    /// The object is no candidate any more, and back at `index` in its generation.
    #[inline(always)]
    pub fn leave_analysis(&self, _world: &StoppedWorld<'_>, index: usize) {
        self.set_index(index);
        let meta = self.meta.load(Ordering::Relaxed);
        self.meta.store(meta & !flag::COLLECTING, Ordering::Relaxed);
    }

    /// The candidate number of an object taking part in the analysis running now.
    #[inline(always)]
    pub fn candidate(&self) -> Option<usize> {
        if self.has(flag::COLLECTING) {
            Some(self.index())
        } else {
            None
        }
    }
}

/// Move a container object to the heap behind an unlinked header.
pub fn allocate(object: PyObject) -> NonNull<PyObject> {
    let boxed = Box::into_raw(Box::new(GcBox {
        header: GcHeader::untracked(),
        object,
    }));
    // SAFETY: `boxed` is a valid, unique pointer fresh from `Box::into_raw`; the field pointer
    // keeps its provenance over the whole box, which `header_of` and `deallocate` rely on.
    unsafe { NonNull::new_unchecked(&raw mut (*boxed).object) }
}

/// The header of a container object.
///
/// # Safety
/// `object` must come from [`allocate`] and not have been deallocated.
#[inline(always)]
pub unsafe fn header_of<'a>(object: NonNull<PyObject>) -> &'a GcHeader {
    // SAFETY: per the contract the object is the `object` field of a live `GcBox`, so its header
    // starts `OBJECT_OFFSET` bytes before it, in the same allocation.
    unsafe { &*object.as_ptr().byte_sub(OBJECT_OFFSET).cast::<GcHeader>() }
}

/// Drop a container object and free its memory. It must be untracked already.
///
/// # Safety
/// `object` must come from [`allocate`], have no references left, and not be used afterwards.
pub unsafe fn deallocate(object: NonNull<PyObject>) {
    // SAFETY: per the contract, the box is live and ours; this is the `Box` it was made from.
    unsafe { drop(Box::from_raw(object.as_ptr().byte_sub(OBJECT_OFFSET).cast::<GcBox>())) }
}

/// Drop a container object's contents but keep its memory (a shell), so that it can be
/// untracked later, by whoever may change its heap's arrays, and freed ([`free_shell`]).
///
/// # Safety
/// As for [`deallocate`]; afterwards only [`header_of`] and [`free_shell`] may be used on it.
pub unsafe fn drop_contents(object: NonNull<PyObject>) {
    // SAFETY: per the contract nobody else can reach the object; the header is left intact.
    unsafe { ptr::drop_in_place(object.as_ptr()) }
}

/// Free the memory of a shell left by [`drop_contents`]. It must be untracked already.
///
/// # Safety
/// `object` must be a shell from [`drop_contents`], freed only once.
pub unsafe fn free_shell(object: NonNull<PyObject>) {
    // SAFETY: the box was allocated by `Box::new` with `GcBox`'s layout; its object part was
    // dropped already and the header needs no drop, so only the memory is released.
    unsafe {
        std::alloc::dealloc(
            object.as_ptr().byte_sub(OBJECT_OFFSET).cast::<u8>(),
            Layout::new::<GcBox>(),
        )
    }
}

const _: () = assert!(std::mem::size_of::<GcBox>() == 64);
