//! The collector's header, where it sits, and the intrusive lists it links objects into.
//!
//! Only objects that can hold references ("containers": lists, dicts, instances, functions…)
//! carry a header; strings, numbers and code objects pay nothing. Whether a payload is a
//! container is fixed by its `Payload` variant, which never changes after allocation, so the
//! layout of an allocation is known from the object alone: a container is allocated as a
//! [`GcBox`] — the header, then the `PyObject` — and an `ObjRef` points at the `PyObject` as
//! for any object; the header is found at a fixed negative offset. All the pointer arithmetic
//! and every raw list operation live in this module.
//!
//! A header is 24 bytes: the two list links, and one word holding the flags, the id of the heap
//! whose lists the object is linked into, and the collector's scratch count (`gc_refs`).

use std::alloc::Layout;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use crate::objects::PyObject;

/// Bits of the low byte of a header's state word.
pub mod flag {
    /// `__del__` (or a generator's close) ran, or was queued to run: never again (PEP 442).
    pub const FINALIZED: u64 = 1 << 0;
    /// Among the objects a collection is looking at right now.
    pub const COLLECTING: u64 = 1 << 1;
    /// Found reachable by the collection that is looking at it.
    pub const REACHABLE: u64 = 1 << 2;
    /// Reserved for the weak reference registry: some weak reference points here.
    pub const HAS_WEAKREFS: u64 = 1 << 3;
}

const FLAG_BITS: u64 = 0xff;
const HEAP_SHIFT: u32 = 8;
const HEAP_MASK: u64 = 0x00ff_ffff;
const REFS_SHIFT: u32 = 32;
/// Heap ids fit in 24 bits.
pub const MAX_HEAP_ID: u32 = HEAP_MASK as u32;

/// The collector's part of a container object, or the head of a list of them.
#[repr(C)]
pub struct GcHeader {
    next: AtomicPtr<GcHeader>,
    prev: AtomicPtr<GcHeader>,
    /// Flags (bits 0–7), heap id (8–31), `gc_refs` (32–63, signed).
    state: AtomicU64,
}

// Every field is an atomic accessed with relaxed loads and stores: the lists are only changed by
// the thread that owns their heap (with the GIL: the GIL holder), or by the collector while every
// other thread is stopped, and those hand-overs (the GIL, stopping the world) order the accesses.
// Atomics cost nothing here on x86 and keep a racing reader (`gc.is_tracked` of another thread's
// object) a stale answer instead of undefined behaviour.

#[repr(C)]
struct GcBox {
    header: GcHeader,
    object: PyObject,
}

const OBJECT_OFFSET: usize = std::mem::offset_of!(GcBox, object);

impl GcHeader {
    /// A header not linked into any list yet.
    const fn unlinked(heap: u32) -> GcHeader {
        GcHeader {
            next: AtomicPtr::new(ptr::null_mut()),
            prev: AtomicPtr::new(ptr::null_mut()),
            state: AtomicU64::new((heap as u64) << HEAP_SHIFT),
        }
    }

    /// A list head; [`GcHeader::init_head`] makes it an empty list once it has its address.
    pub const fn head() -> GcHeader {
        GcHeader::unlinked(0)
    }

    /// Make a list head at its final address an empty circular list.
    pub fn init_head(&self) {
        let me = self.as_ptr();
        self.next.store(me, Ordering::Relaxed);
        self.prev.store(me, Ordering::Relaxed);
    }

    fn as_ptr(&self) -> *mut GcHeader {
        ptr::from_ref(self).cast_mut()
    }

    /// Whether the object is in some list (tracked by the collector).
    pub fn is_linked(&self) -> bool {
        !self.next.load(Ordering::Relaxed).is_null()
    }

    pub fn heap(&self) -> u32 {
        ((self.state.load(Ordering::Relaxed) >> HEAP_SHIFT) & HEAP_MASK) as u32
    }

    pub fn has(&self, flag: u64) -> bool {
        self.state.load(Ordering::Relaxed) & flag != 0
    }

    /// Set `flag`. Callers have the object to themselves (see the note on atomics above).
    pub fn set(&self, flag: u64) {
        let state = self.state.load(Ordering::Relaxed);
        self.state.store(state | (flag & FLAG_BITS), Ordering::Relaxed);
    }

    pub fn clear(&self, flag: u64) {
        let state = self.state.load(Ordering::Relaxed);
        self.state.store(state & !(flag & FLAG_BITS), Ordering::Relaxed);
    }

    /// The collector's scratch count.
    pub fn refs(&self) -> i32 {
        (self.state.load(Ordering::Relaxed) >> REFS_SHIFT) as i32
    }

    pub fn set_refs(&self, refs: i32) {
        let state = self.state.load(Ordering::Relaxed) & ((1 << REFS_SHIFT) - 1);
        self.state
            .store(state | (u64::from(refs as u32) << REFS_SHIFT), Ordering::Relaxed);
    }

    pub fn is_empty_list(&self) -> bool {
        self.next.load(Ordering::Relaxed) == self.as_ptr()
    }

    /// Append `node`, which must be unlinked, to the list headed by `self`.
    pub fn push_back(&self, node: &GcHeader) {
        let last = self.prev.load(Ordering::Relaxed);
        node.prev.store(last, Ordering::Relaxed);
        node.next.store(self.as_ptr(), Ordering::Relaxed);
        // SAFETY: a list's links always point at live headers (list heads, or objects that
        // unlink themselves before they are freed), and the caller has the list to itself.
        unsafe { (*last).next.store(node.as_ptr(), Ordering::Relaxed) };
        self.prev.store(node.as_ptr(), Ordering::Relaxed);
    }

    /// Take the object out of whatever list it is in; a no-op if it is in none.
    pub fn unlink(&self) {
        let next = self.next.load(Ordering::Relaxed);
        if next.is_null() {
            return;
        }
        let prev = self.prev.load(Ordering::Relaxed);
        // SAFETY: as in `push_back`: the neighbours are live headers of the same list, which the
        // caller has to itself.
        unsafe {
            (*prev).next.store(next, Ordering::Relaxed);
            (*next).prev.store(prev, Ordering::Relaxed);
        }
        self.next.store(ptr::null_mut(), Ordering::Relaxed);
        self.prev.store(ptr::null_mut(), Ordering::Relaxed);
    }

    /// Move every object of the list headed by `self` to the end of the list headed by `to`,
    /// keeping their order; `self` is left empty.
    pub fn append_to(&self, to: &GcHeader) {
        if self.is_empty_list() || ptr::eq(self, to) {
            return;
        }
        let first = self.next.load(Ordering::Relaxed);
        let last = self.prev.load(Ordering::Relaxed);
        let to_last = to.prev.load(Ordering::Relaxed);
        // SAFETY: both lists are well formed and the caller has them to itself; `first` and
        // `last` are objects of `self`'s list (it is not empty), `to_last` is `to` or its last.
        unsafe {
            (*to_last).next.store(first, Ordering::Relaxed);
            (*first).prev.store(to_last, Ordering::Relaxed);
            (*last).next.store(to.as_ptr(), Ordering::Relaxed);
        }
        to.prev.store(last, Ordering::Relaxed);
        self.init_head();
    }

    /// The objects of the list headed by `self`, first to last. The caller has the list to
    /// itself and must not unlink the object it was just handed before asking for the next
    /// (collect them first).
    pub fn objects(&self) -> ListIter<'_> {
        ListIter {
            head: self,
            at: self.next.load(Ordering::Relaxed),
        }
    }

    /// The object this header belongs to; `self` must not be a list head.
    fn object(&self) -> NonNull<PyObject> {
        // SAFETY: a header that is not a list head is the first field of a `GcBox`, whose
        // `object` field lies `OBJECT_OFFSET` bytes further in the same allocation.
        unsafe { NonNull::new_unchecked(self.as_ptr().byte_add(OBJECT_OFFSET).cast::<PyObject>()) }
    }
}

pub struct ListIter<'a> {
    head: &'a GcHeader,
    at: *mut GcHeader,
}

impl Iterator for ListIter<'_> {
    type Item = NonNull<PyObject>;

    fn next(&mut self) -> Option<NonNull<PyObject>> {
        if ptr::eq(self.at, self.head) || self.at.is_null() {
            return None;
        }
        // SAFETY: `at` is an object header of the list (not its head), alive while linked.
        let header = unsafe { &*self.at };
        self.at = header.next.load(Ordering::Relaxed);
        Some(header.object())
    }
}

/// Move a container object to the heap behind a header marked with `heap`, unlinked.
pub fn allocate(object: PyObject, heap: u32) -> NonNull<PyObject> {
    let boxed = Box::into_raw(Box::new(GcBox {
        header: GcHeader::unlinked(heap),
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
pub unsafe fn header_of<'a>(object: NonNull<PyObject>) -> &'a GcHeader {
    // SAFETY: per the contract the object is the `object` field of a live `GcBox`, so its header
    // starts `OBJECT_OFFSET` bytes before it, in the same allocation.
    unsafe { &*object.as_ptr().byte_sub(OBJECT_OFFSET).cast::<GcHeader>() }
}

/// Drop a container object and free its memory. It must already be unlinked.
///
/// # Safety
/// `object` must come from [`allocate`], have no references left, and not be used afterwards.
pub unsafe fn deallocate(object: NonNull<PyObject>) {
    // SAFETY: per the contract, the box is live and ours; this is the `Box` it was made from.
    unsafe { drop(Box::from_raw(object.as_ptr().byte_sub(OBJECT_OFFSET).cast::<GcBox>())) }
}

/// Drop a container object's contents but keep its memory (a shell), so that the thread that
/// owns the list it is linked into can unlink it later ([`free_shell`]).
///
/// # Safety
/// As for [`deallocate`]; afterwards only [`header_of`] and [`free_shell`] may be used on it.
pub unsafe fn drop_contents(object: NonNull<PyObject>) {
    // SAFETY: per the contract nobody else can reach the object; the header is left intact.
    unsafe { ptr::drop_in_place(object.as_ptr()) }
}

/// Free the memory of a shell left by [`drop_contents`]. It must already be unlinked.
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

const _: () = assert!(std::mem::size_of::<GcHeader>() == 24);
