//! The insertion-ordered hash table behind `dict`, class and instance namespaces.
//!
//! Like CPython's compact dict: entries live in a dense vector in insertion order and a
//! separate index maps hashes to entry positions. Deleting leaves a hole that is squeezed out
//! when holes outnumber live entries. Key equality is passed in by the caller, because only the
//! VM knows how to compare arbitrary objects.

use hashbrown::HashTable;

use super::Value;

pub struct Entry {
    pub hash: i64,
    pub key: Value,
    pub value: Value,
}

#[derive(Default)]
pub struct DictTable {
    entries: Vec<Option<Entry>>,
    index: HashTable<usize>,
    len: usize,
    /// Bumped on every insertion or removal of a key, so iterators can detect resizing.
    version: u64,
}

impl DictTable {
    pub fn new() -> DictTable {
        DictTable::default()
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

    fn find(&self, hash: i64, eq: &mut dyn FnMut(&Value) -> bool) -> Option<usize> {
        let entries = &self.entries;
        self.index
            .find(hash as u64, |&i| {
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
    pub fn keys_with_hash(&self, hash: i64) -> impl Iterator<Item = &Value> {
        self.index
            .iter_hash(hash as u64)
            .filter_map(|&i| self.entries[i].as_ref())
            .filter(move |e| e.hash == hash)
            .map(|e| &e.key)
    }

    /// Insert or overwrite; returns the previous value. An existing key object is kept.
    pub fn insert(&mut self, hash: i64, key: Value, value: Value, mut eq: impl FnMut(&Value) -> bool) -> Option<Value> {
        if let Some(i) = self.find(hash, &mut eq) {
            let entry = self.entries[i].as_mut()?;
            return Some(std::mem::replace(&mut entry.value, value));
        }
        let position = self.entries.len();
        self.entries.push(Some(Entry { hash, key, value }));
        let entries = &self.entries;
        self.index.insert_unique(hash as u64, position, |&i| {
            entries[i].as_ref().map_or(0, |e| e.hash as u64)
        });
        self.len += 1;
        self.version += 1;
        None
    }

    /// Remove the key satisfying `eq`; returns the removed entry.
    pub fn remove(&mut self, hash: i64, mut eq: impl FnMut(&Value) -> bool) -> Option<Entry> {
        let entries = &self.entries;
        let found = self
            .index
            .find_entry(hash as u64, |&i| {
                entries[i].as_ref().is_some_and(|e| e.hash == hash && eq(&e.key))
            })
            .ok()?;
        let (position, _) = found.remove();
        let entry = self.entries[position].take();
        self.len -= 1;
        self.version += 1;
        self.compact_if_sparse();
        entry
    }

    /// Remove and return the most recently inserted entry (`dict.popitem`).
    pub fn pop_last(&mut self) -> Option<Entry> {
        while let Some(slot) = self.entries.pop() {
            if let Some(entry) = slot {
                let position = self.entries.len();
                if let Ok(found) = self.index.find_entry(entry.hash as u64, |&i| i == position) {
                    found.remove();
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

    fn compact_if_sparse(&mut self) {
        if self.entries.len() > 8 && self.len * 2 < self.entries.len() {
            let live: Vec<Entry> = std::mem::take(&mut self.entries).into_iter().flatten().collect();
            self.index.clear();
            for entry in live {
                let position = self.entries.len();
                let hash = entry.hash as u64;
                self.entries.push(Some(entry));
                let entries = &self.entries;
                self.index
                    .insert_unique(hash, position, |&i| entries[i].as_ref().map_or(0, |e| e.hash as u64));
            }
        }
    }
}
