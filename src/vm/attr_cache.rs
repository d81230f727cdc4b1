//! A per-thread cache of class attribute lookups, in the spirit of CPython's type attribute
//! cache.
//!
//! Every `obj.method()`, `self.x` on an instance, `a + b` on user objects and `C(...)` walks the
//! class's MRO, locking and probing one dict per class. Class dicts almost never change once a
//! program is running, so the answer (including "not found", which is just as common: most
//! classes define no `__getattr__` or `__setattr__`) is remembered per (class, name).
//!
//! Invalidation is a single global epoch, bumped by every write to any class's dict: simpler
//! than CPython's per-type version tags (no subclass lists to walk) and just as correct; it
//! only costs a refill when a program keeps assigning class attributes in a loop.
//!
//! Entries hold strong references to their class and name, so neither can be freed and its
//! address reused by another object while an entry still matches on that address. The cache
//! belongs to one thread's `Vm`, so it needs no lock in either GIL mode.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::gil::Gil;
use crate::objects::{ObjRef, Value};

static CLASS_EPOCH: AtomicU64 = AtomicU64::new(0);

/// The current generation of class dicts; cached answers from an older one are stale.
#[inline]
pub fn epoch() -> u64 {
    CLASS_EPOCH.load(Ordering::Relaxed)
}

/// Call after writing to a class's dict. A thread that reads the old epoch concurrently sees
/// the class as it was an instant before the write, which is a valid interleaving.
pub fn classes_changed() {
    CLASS_EPOCH.fetch_add(1, Ordering::Relaxed);
}

/// How a name is identified: an interned (or at least live) `str` object, or a `&'static str`
/// the VM looks up itself (`"__init__"`), told apart by its address and length.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NameKey {
    Object(usize),
    Static(usize, usize),
}

impl NameKey {
    pub fn of_static(name: &'static str) -> NameKey {
        NameKey::Static(name.as_ptr() as usize, name.len())
    }

    fn bits(self) -> usize {
        match self {
            NameKey::Object(addr) => addr,
            NameKey::Static(addr, len) => addr ^ len.rotate_left(32),
        }
    }
}

struct Entry {
    class: ObjRef,
    /// Keeps an object name alive while the entry matches on its address.
    _name: Option<ObjRef>,
    key: NameKey,
    epoch: u64,
    found: Option<Value>,
}

const SLOTS: usize = 512;

#[derive(Default)]
pub struct AttrCache {
    /// Two-way set-associative (a direct-mapped cache let two lookups of one hot loop evict
    /// each other on every iteration, depending on where the binary's static names landed);
    /// allocated on first use, so threads that never touch a class pay nothing.
    entries: Vec<Option<Entry>>,
}

/// The first of the two slots of the set `(class, key)` belongs to.
fn set_of(class: &ObjRef, key: NameKey) -> usize {
    let mixed = (class.addr() ^ key.bits().rotate_left(21)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (usize::BITS - SLOTS.trailing_zeros())) & !1
}

impl AttrCache {
    /// The cached MRO lookup of `key` on `class`, if still valid: `Some(None)` means "known to
    /// be absent".
    #[inline]
    pub fn get(&self, class: &ObjRef, key: NameKey, epoch: u64) -> Option<&Option<Value>> {
        let set = set_of(class, key);
        let valid = |slot: usize| {
            let entry = self.entries.get(slot)?.as_ref()?;
            (entry.epoch == epoch && entry.key == key && entry.class.is(class)).then_some(entry)
        };
        let entry = valid(set).or_else(|| valid(set + 1))?;
        Some(&entry.found)
    }

    pub fn insert(
        &mut self,
        py: Gil<'_>,
        class: &ObjRef,
        key: NameKey,
        name: Option<&ObjRef>,
        epoch: u64,
        found: Option<&Value>,
    ) {
        if self.entries.is_empty() {
            self.entries.resize_with(SLOTS, || None);
        }
        let entry = Entry {
            class: class.clone_ref(py),
            _name: name.map(|n| n.clone_ref(py)),
            key,
            epoch,
            found: found.map(|v| v.clone_ref(py)),
        };
        // The newest entry goes first in its set, the one it displaces second; the evicted
        // entry is dropped here, with the GIL held.
        let set = set_of(class, key);
        let displaced = self.entries[set].replace(entry);
        let old = std::mem::replace(&mut self.entries[set + 1], displaced);
        drop(old);
    }
}
