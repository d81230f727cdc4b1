//! The insertion-ordered hash table behind `dict`, class and instance namespaces.
//!
//! Like CPython's compact dict: entries live in a dense vector in insertion order and a
//! separate index maps hashes to entry positions. Deleting leaves a hole; holes are squeezed
//! out when an insertion finds the table's room used up, at the very insertions where CPython
//! rebuilds its table (see [`DictTable::usable`]), because a program that changes a dict while
//! iterating it sees where that happens. Key equality is passed in by the caller, because only
//! the VM knows how to compare arbitrary objects.
//!
//! Most tables are tiny (an instance's attributes, keyword arguments, a small literal), so up to
//! [`SMALL`] slots there is no index at all: a lookup compares the stored hashes in one short
//! scan, and creating the table costs one allocation instead of two.

use std::sync::atomic::{AtomicU64, Ordering};

use hashbrown::HashTable;

use super::{ObjGuard, ObjLock, Value};
use crate::gil::Gil;

/// A `dict` object: its table behind the object lock, and a version number that every change
/// made through a guard bumps and that readers may look at without the lock. A value read
/// under the lock stays current while the version does, which is what lets `LoadGlobal` reuse
/// it without locking the module's globals (see `GlobalHint`).
pub struct DictObject {
    table: ObjLock<DictTable>,
    version: AtomicU64,
}

impl DictObject {
    pub fn new(table: DictTable) -> DictObject {
        DictObject {
            table: ObjLock::new(table),
            version: AtomicU64::new(0),
        }
    }

    /// Exclusive access; any mutable use of the guard counts as a change.
    #[inline]
    pub fn lock(&self, py: Gil<'_>) -> DictGuard<'_> {
        DictGuard {
            guard: self.table.lock(py),
            version: &self.version,
        }
    }

    /// Lock two dicts together, in address order (see [`ObjLock::lock_two`]).
    pub fn lock_two<'a>(py: Gil<'_>, a: &'a DictObject, b: &'a DictObject) -> (DictGuard<'a>, Option<DictGuard<'a>>) {
        let (first, second) = ObjLock::lock_two(py, &a.table, &b.table);
        (
            DictGuard {
                guard: first,
                version: &a.version,
            },
            second.map(|guard| DictGuard {
                guard,
                version: &b.version,
            }),
        )
    }

    /// The number of changes so far. A change that happens-before this call is counted in it.
    #[inline]
    pub fn version(&self) -> u64 {
        self.version.load(Ordering::Relaxed)
    }

    pub fn get_mut(&mut self) -> &mut DictTable {
        *self.version.get_mut() += 1;
        self.table.get_mut()
    }

    /// The table, read without locking while the world is stopped (the collector); `None` if
    /// some thread holds the lock. See [`ObjLock::read_stopped`].
    #[inline(always)]
    pub fn read_stopped<'a>(&'a self, world: &'a crate::gil::stop_world::StoppedWorld<'_>) -> Option<&'a DictTable> {
        self.table.read_stopped(world)
    }
}

/// A locked dict; see [`DictObject::lock`].
pub struct DictGuard<'a> {
    guard: ObjGuard<'a, DictTable>,
    version: &'a AtomicU64,
}

impl std::ops::Deref for DictGuard<'_> {
    type Target = DictTable;

    #[inline]
    fn deref(&self) -> &DictTable {
        &self.guard
    }
}

impl std::ops::DerefMut for DictGuard<'_> {
    /// Bumps the version before the change: a lock-free reader that still sees the old version
    /// reads the value the change replaces, as if it had read just before. Only the lock
    /// holder writes the version, so a load and a store (plain moves) suffice.
    #[inline]
    fn deref_mut(&mut self) -> &mut DictTable {
        self.version
            .store(self.version.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        &mut self.guard
    }
}

/// The index's hash for a key's Python hash. Python hashes of ints are the ints themselves and
/// `id()`s are aligned addresses: their low bits (where the index picks a bucket) and high bits
/// (its tag byte) say little. A folded multiply spreads every bit over both.
#[inline]
fn spread(hash: i64) -> u64 {
    let product = u128::from(hash as u64) * 0x9E37_79B9_7F4A_7C15;
    (product as u64) ^ ((product >> 64) as u64)
}

/// Tables with at most this many slots (live or holes) are searched without an index.
const SMALL: usize = 8;

/// The smallest table CPython allocates (index slots).
const MIN_SIZE: usize = 8;

/// How many entries a CPython table of `size` index slots has room for: two thirds.
const fn usable_room(size: usize) -> usize {
    size * 2 / 3
}

pub struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

pub struct DictTable {
    entries: Vec<Option<Entry>>,
    index: HashTable<usize>,
    len: usize,
    /// Bumped on every insertion or removal of a key, so iterators can detect resizing.
    version: u64,
    /// How many more keys fit before CPython would rebuild this table. CPython gives a table of
    /// 2^k index slots room for two thirds as many entries; a deleted entry keeps its room
    /// (and so does one `popitem` takes back), and the insertion that finds no room left
    /// rebuilds the table from the live entries, sized for three times their number. Toy's
    /// vector grows on its own, but the holes are squeezed out at those same insertions.
    usable: usize,
}

impl Default for DictTable {
    fn default() -> DictTable {
        DictTable::new()
    }
}

impl DictTable {
    /// An empty table, with the room of CPython's smallest one (its first insertion allocates
    /// that).
    pub fn new() -> DictTable {
        DictTable {
            entries: Vec::new(),
            index: HashTable::new(),
            len: 0,
            version: 0,
            usable: usable_room(MIN_SIZE),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether `index` is in use (see [`SMALL`]).
    fn indexed(&self) -> bool {
        self.entries.len() > SMALL
    }

    /// Re-derive the index from the entries, or drop it when the table became small.
    fn rebuild_index(&mut self) {
        self.index.clear();
        if !self.indexed() {
            return;
        }
        let entries = &self.entries;
        for (position, entry) in entries.iter().enumerate() {
            if let Some(entry) = entry {
                self.index.insert_unique(spread(entry.hash), position, |&i| {
                    entries[i].as_ref().map_or(0, |e| spread(e.hash))
                });
            }
        }
    }

    fn find(&self, hash: i64, eq: &mut dyn FnMut(&Value) -> bool) -> Option<usize> {
        let entries = &self.entries;
        if !self.indexed() {
            return entries
                .iter()
                .position(|e| e.as_ref().is_some_and(|e| e.hash == hash && eq(&e.key)));
        }
        self.index
            .find(spread(hash), |&i| {
                entries[i].as_ref().is_some_and(|e| e.hash == hash && eq(&e.key))
            })
            .copied()
    }

    /// The entry whose key satisfies `eq`, among those with this hash.
    pub fn get(&self, hash: i64, mut eq: impl FnMut(&Value) -> bool) -> Option<&Entry> {
        self.find(hash, &mut eq).and_then(|i| self.entries[i].as_ref())
    }

    /// Position of the key satisfying `eq` (for lookup caches).
    pub fn find_slot(&self, hash: i64, mut eq: impl FnMut(&Value) -> bool) -> Option<usize> {
        self.find(hash, &mut eq)
    }

    /// The live entry at `slot`, if any.
    pub fn entry_at(&self, slot: usize) -> Option<&Entry> {
        self.entries.get(slot).and_then(Option::as_ref)
    }

    /// Replace the value of the live entry at `slot`, returning the old one.
    pub fn replace_value_at(&mut self, slot: usize, value: Value) -> Option<Value> {
        let entry = self.entries.get_mut(slot)?.as_mut()?;
        Some(std::mem::replace(&mut entry.value, value))
    }

    /// Keys stored under `hash` (for equality that must run Python code outside the lock).
    pub fn keys_with_hash(&self, hash: i64) -> Box<dyn Iterator<Item = &Value> + '_> {
        let same_hash = move |e: &&Entry| e.hash == hash;
        if !self.indexed() {
            return Box::new(self.entries.iter().flatten().filter(same_hash).map(|e| &e.key));
        }
        Box::new(
            self.index
                .iter_hash(spread(hash))
                .filter_map(|&i| self.entries[i].as_ref())
                .filter(same_hash)
                .map(|e| &e.key),
        )
    }

    /// `name = value` in a namespace table (a class's or an instance's), keyed by the interned
    /// string; returns the previous value.
    pub fn insert_name(&mut self, name: &str, value: Value) -> Option<Value> {
        let key = super::types::intern(name);
        let hash = match &key.payload {
            super::Payload::Str(s) => s.hash(),
            _ => 0,
        };
        self.insert(hash, Value::Obj(key), value, |k| k.as_str() == Some(name))
    }

    /// Remove `name` (an identifier key); returns its value.
    pub fn remove_name(&mut self, name: &str) -> Option<Value> {
        let hash = match &super::types::intern(name).payload {
            super::Payload::Str(s) => s.hash(),
            _ => 0,
        };
        self.remove(hash, |k| k.as_str() == Some(name)).map(|entry| entry.value)
    }

    /// Insert or overwrite; returns the previous value. An existing key object is kept.
    pub fn insert(&mut self, hash: i64, key: Value, value: Value, mut eq: impl FnMut(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.find(hash, &mut eq) {
            let entry = self.entries[i].as_mut()?;
            return Some(std::mem::replace(&mut entry.value, value));
        }
        if self.usable == 0 {
            self.grow();
        }
        self.usable -= 1;
        let position = self.entries.len();
        self.entries.push(Some(Entry { hash, key, value }));
        if position == SMALL {
            self.rebuild_index();
        } else if self.indexed() {
            let entries = &self.entries;
            self.index.insert_unique(spread(hash), position, |&i| {
                entries[i].as_ref().map_or(0, |e| spread(e.hash))
            });
        }
        self.len += 1;
        self.version += 1;
        None
    }

    /// Remove the key satisfying `eq`; returns the removed entry.
    pub fn remove(&mut self, hash: i64, mut eq: impl FnMut(&Value) -> bool) -> Option<Entry> {
        let position = self.find(hash, &mut eq)?;
        self.unindex(position, hash);
        let entry = self.entries[position].take();
        self.len -= 1;
        self.version += 1;
        entry
    }

    /// Remove and return the most recently inserted entry (`dict.popitem`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        while let Some(slot) = self.entries.pop() {
            if let Some(entry) = slot {
                let position = self.entries.len();
                if position == SMALL {
                    self.index.clear();
                } else {
                    self.unindex(position, entry.hash);
                }
                self.len -= 1;
                self.version += 1;
                return Some(entry);
            }
        }
        None
    }

    pub fn clear(&mut self) -> Vec<Entry> {
        self.index.clear();
        self.len = 0;
        self.version += 1;
        self.usable = usable_room(MIN_SIZE);
        std::mem::take(&mut self.entries).into_iter().flatten().collect()
    }

    /// Live entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().flatten()
    }

    /// The `n`-th slot (live or hole) and the number of slots: iterators walk slots so they can
    /// resume after the table was read by someone else.
    pub fn slot(&self, n: usize) -> Option<Option<&Entry>> {
        self.entries.get(n).map(Option::as_ref)
    }

    /// The number of slots, live or holes.
    pub fn slot_count(&self) -> usize {
        self.entries.len()
    }

    /// Forget `position` in the index (a no-op for small tables).
    fn unindex(&mut self, position: usize, hash: i64) {
        if let Ok(found) = self.index.find_entry(spread(hash), |&i| i == position) {
            found.remove();
        }
    }

    /// CPython's rebuild of a full table, the holes gone: its new size is the power of two
    /// above three times the live entries (at least 16), or the smallest size if none is left.
    #[cold]
    fn grow(&mut self) {
        let size = if self.len == 0 {
            MIN_SIZE
        } else {
            ((self.len * 3).max(MIN_SIZE) + 1).next_power_of_two()
        };
        self.usable = usable_room(size) - self.len;
        if self.entries.len() != self.len {
            self.entries.retain(Option::is_some);
            self.rebuild_index();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_is(n: i64) -> impl FnMut(&Value) -> bool {
        move |k| matches!(k, Value::Int(i) if *i == n)
    }

    /// Keys hash to themselves modulo 5, so there are plenty of collisions.
    fn hash_of(n: i64) -> i64 {
        n % 5
    }

    #[test]
    fn lookups_agree_with_a_model_across_the_small_and_indexed_sizes() {
        let mut table = DictTable::new();
        let mut model: Vec<i64> = Vec::new();
        // A fixed pseudo-random walk of inserts, removals and pops that grows the table past
        // `SMALL`, shrinks it back through compaction and grows it again.
        let mut state = 12345u64;
        for step in 0..4000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let n = ((state >> 33) % 24) as i64;
            match (state >> 20) % 7 {
                0..=3 if step % 1000 < 600 => {
                    table.insert(hash_of(n), Value::Int(n), Value::Int(n * 10), key_is(n));
                    if !model.contains(&n) {
                        model.push(n);
                    }
                }
                4 => {
                    if let Some(e) = table.pop_last() {
                        assert_eq!(
                            model.pop(),
                            Some(match e.key {
                                Value::Int(i) => i,
                                _ => unreachable!(),
                            })
                        );
                    }
                }
                _ => {
                    let removed = table.remove(hash_of(n), key_is(n)).is_some();
                    let position = model.iter().position(|&m| m == n);
                    assert_eq!(removed, position.is_some(), "remove {n} at step {step}");
                    if let Some(p) = position {
                        model.remove(p);
                    }
                }
            }
            assert_eq!(table.len(), model.len());
            for k in 0..24 {
                let found = table
                    .get(hash_of(k), key_is(k))
                    .map(|e| matches!(e.value, Value::Int(v) if v == k * 10));
                assert_eq!(found, model.contains(&k).then_some(true), "lookup {k} at step {step}");
            }
            let order: Vec<i64> = table
                .iter()
                .map(|e| match e.key {
                    Value::Int(i) => i,
                    _ => unreachable!(),
                })
                .collect();
            assert_eq!(order, model, "insertion order at step {step}");
        }
    }

    fn insert_n(table: &mut DictTable, n: i64) {
        table.insert(hash_of(n), Value::Int(n), Value::Int(n), key_is(n));
    }

    /// The points CPython 3.11 rebuilds at, as `sys.getsizeof` shows them: a dict grown from
    /// empty rebuilds when its 6th, 11th, 22nd, 43rd… key arrives, and a rebuild of a table
    /// holding n live keys sizes it to the power of two above max(3n, 8).
    #[test]
    fn holes_are_squeezed_out_where_cpython_rebuilds() {
        let mut table = DictTable::new();
        let mut rebuilt_at = Vec::new();
        for n in 0..100 {
            let before = table.usable;
            insert_n(&mut table, n);
            if table.usable > before {
                rebuilt_at.push(n + 1);
            }
        }
        assert_eq!(rebuilt_at, [6, 11, 22, 43, 86]);

        // Five keys fill the smallest table; deleting one leaves a hole that keeps its room.
        let mut table = DictTable::new();
        (0..5).for_each(|n| insert_n(&mut table, n));
        table.remove(hash_of(0), key_is(0));
        assert_eq!((table.slot_count(), table.usable), (5, 0));
        // The next insertion rebuilds: four live keys make a table of 16, room for 10.
        insert_n(&mut table, 5);
        assert_eq!((table.slot_count(), table.len(), table.usable), (5, 5, 10 - 5));

        // `popitem` takes the last entry's slot back but not its room.
        let mut table = DictTable::new();
        (0..5).for_each(|n| insert_n(&mut table, n));
        table.pop_last();
        assert_eq!((table.slot_count(), table.usable), (4, 0));
        insert_n(&mut table, 9);
        assert_eq!(table.usable, 10 - 5);

        // Emptied by deletions, the table starts again at the smallest size.
        let mut table = DictTable::new();
        (0..5).for_each(|n| insert_n(&mut table, n));
        (0..5).for_each(|n| {
            table.remove(hash_of(n), key_is(n));
        });
        insert_n(&mut table, 7);
        assert_eq!((table.slot_count(), table.usable), (1, 5 - 1));
    }
}
