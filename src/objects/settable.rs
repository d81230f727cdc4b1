//! The hash table behind `set` and `frozenset`, laid out like CPython 3.11's
//! (`Objects/setobject.c`).
//!
//! Iterating a set walks its slots in table order, and programs print sets, so for keys whose
//! hashes are deterministic (numbers, tuples of numbers) toy must put every key in the very slot
//! CPython would: same table sizes, same probe sequence, same resize points, same handling of
//! deleted ("dummy") slots. The operations built from these primitives (merge, intersection…)
//! live in `vm::sets`, which knows how to hash and compare arbitrary objects. Key equality is
//! passed in by the caller, as for [`super::DictTable`].

use super::Value;
use crate::gil::Gil;

/// `PySet_MINSIZE`: the size of a new or cleared table.
const MIN_SIZE: usize = 8;
/// How many neighbouring slots a probe inspects before jumping elsewhere.
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

pub struct SetEntry {
    pub hash: i64,
    pub key: Value,
}

enum Slot {
    /// Never used since the last resize: ends every probe sequence.
    Empty,
    /// Held a key that was removed: probes continue past it, and an add may reuse it.
    Dummy,
    Active(SetEntry),
}

const _: () = assert!(std::mem::size_of::<Slot>() == 24);

pub struct SetTable {
    /// A power of two (at least `MIN_SIZE`) slots; the mask is `len - 1`.
    slots: Box<[Slot]>,
    /// Active plus dummy slots: what the resize rule looks at.
    fill: usize,
    /// Active slots.
    used: usize,
    /// Where `pop` resumes its scan.
    finger: usize,
    /// Bumped by every insertion and removal: lets an operation computed outside the lock
    /// (free-threaded) tell whether another thread changed the set meanwhile.
    changes: u64,
}

impl Default for SetTable {
    fn default() -> SetTable {
        SetTable::new()
    }
}

/// The slot where a probe for `hash` starts, and the probe's state.
struct Probe {
    base: usize,
    perturb: usize,
    mask: usize,
}

impl Probe {
    fn new(hash: i64, mask: usize) -> Probe {
        // CPython does this arithmetic on `size_t`.
        let perturb = hash as u64 as usize;
        Probe {
            base: perturb & mask,
            perturb,
            mask,
        }
    }

    /// The slots inspected from the current base: the base and, when they all fit below the
    /// end of the table, the next `LINEAR_PROBES` (cheap, cache-friendly neighbours).
    fn run(&self) -> std::ops::RangeInclusive<usize> {
        let extra = if self.base + LINEAR_PROBES <= self.mask {
            LINEAR_PROBES
        } else {
            0
        };
        self.base..=self.base + extra
    }

    /// Jump to the next base, mixing in more of the hash's high bits each time. Once `perturb`
    /// reaches zero this is `i = 5i + 1 mod 2**k`, which visits every slot, so a probe always
    /// reaches an empty slot.
    fn advance(&mut self) {
        self.perturb >>= PERTURB_SHIFT;
        self.base = self.base.wrapping_mul(5).wrapping_add(1).wrapping_add(self.perturb) & self.mask;
    }
}

fn empty_slots(size: usize) -> Box<[Slot]> {
    std::iter::repeat_with(|| Slot::Empty).take(size).collect()
}

/// Put a key known to be absent into a table without dummies (`set_insert_clean`).
fn insert_clean(slots: &mut [Slot], entry: SetEntry) {
    let mut probe = Probe::new(entry.hash, slots.len() - 1);
    loop {
        for i in probe.run() {
            if matches!(slots[i], Slot::Empty) {
                slots[i] = Slot::Active(entry);
                return;
            }
        }
        probe.advance();
    }
}

/// How `set_add_entry` grows a table that became too full: a lot for small sets, less for huge
/// ones.
fn growth_target(used: usize) -> usize {
    if used > 50000 { used * 2 } else { used * 4 }
}

impl SetTable {
    pub fn new() -> SetTable {
        SetTable {
            slots: empty_slots(MIN_SIZE),
            fill: 0,
            used: 0,
            finger: 0,
            changes: 0,
        }
    }

    pub fn changes(&self) -> u64 {
        self.changes
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// The slot holding the key equal to `key` (per `eq(stored, key)`), or the empty slot that
    /// ends its probe sequence (`set_lookkey`).
    fn lookup(&self, hash: i64, key: &Value, eq: &mut impl FnMut(&Value, &Value) -> bool) -> (usize, bool) {
        let mut probe = Probe::new(hash, self.mask());
        loop {
            for i in probe.run() {
                match &self.slots[i] {
                    Slot::Empty => return (i, false),
                    Slot::Active(e) if e.hash == hash && eq(&e.key, key) => return (i, true),
                    _ => {}
                }
            }
            probe.advance();
        }
    }

    pub fn contains(&self, hash: i64, key: &Value, mut eq: impl FnMut(&Value, &Value) -> bool) -> bool {
        self.lookup(hash, key, &mut eq).1
    }

    /// Add `key` unless an equal key is present, in which case the stored key stays and `key` is
    /// handed back (`set_add_entry`). A new key goes into the last dummy slot its probe passed,
    /// or else the empty slot that ended it.
    pub fn insert(&mut self, hash: i64, key: Value, mut eq: impl FnMut(&Value, &Value) -> bool) -> Option<Value> {
        let mut probe = Probe::new(hash, self.mask());
        let mut dummy = None;
        let empty = 'search: loop {
            for i in probe.run() {
                match &self.slots[i] {
                    Slot::Empty => break 'search i,
                    Slot::Dummy => dummy = Some(i),
                    Slot::Active(e) => {
                        if e.hash == hash && eq(&e.key, &key) {
                            return Some(key);
                        }
                    }
                }
            }
            probe.advance();
        };
        self.used += 1;
        self.changes += 1;
        if let Some(i) = dummy {
            self.slots[i] = Slot::Active(SetEntry { hash, key });
            return None;
        }
        self.slots[empty] = Slot::Active(SetEntry { hash, key });
        self.fill += 1;
        if self.fill * 5 >= self.mask() * 3 {
            self.resize(growth_target(self.used));
        }
        None
    }

    /// Remove the key equal to `key`, leaving a dummy (`set_discard_entry`).
    pub fn remove(&mut self, hash: i64, key: &Value, mut eq: impl FnMut(&Value, &Value) -> bool) -> Option<Value> {
        let (i, found) = self.lookup(hash, key, &mut eq);
        if !found {
            return None;
        }
        self.take_slot(i)
    }

    fn take_slot(&mut self, i: usize) -> Option<Value> {
        match std::mem::replace(&mut self.slots[i], Slot::Dummy) {
            Slot::Active(e) => {
                self.used -= 1;
                self.changes += 1;
                Some(e.key)
            }
            other => {
                self.slots[i] = other;
                None
            }
        }
    }

    /// `set.pop()`: the first key at or after the finger, wrapping around; the finger then
    /// moves past it, so repeated pops do not rescan the emptied front of the table.
    pub fn pop(&mut self) -> Option<Value> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut i = self.finger & mask;
        while !matches!(self.slots[i], Slot::Active(_)) {
            i = (i + 1) & mask;
        }
        self.finger = i + 1;
        self.take_slot(i)
    }

    /// Empty the table back to the minimum size (`set_clear_internal`; the finger is kept).
    /// Returns the old contents, for the caller to drop after releasing its lock.
    pub fn clear(&mut self) -> SetTable {
        self.replace_contents(SetTable::new())
    }

    /// Take `other`'s contents, keeping this table's finger (`set_swap_bodies`). Returns the old
    /// contents.
    pub fn replace_contents(&mut self, other: SetTable) -> SetTable {
        let (finger, changes) = (self.finger, self.changes);
        let old = std::mem::replace(self, other);
        self.finger = finger;
        self.changes = changes + 1;
        old
    }

    /// Rebuild into the smallest table with more than `minused` slots, dropping dummies and
    /// reinserting keys in old slot order (`set_table_resize`).
    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        if size == MIN_SIZE && self.slots.len() == MIN_SIZE && self.fill == self.used {
            return;
        }
        let old = std::mem::replace(&mut self.slots, empty_slots(size));
        self.fill = self.used;
        for slot in old {
            if let Slot::Active(e) = slot {
                insert_clean(&mut self.slots, e);
            }
        }
    }

    /// Before adding `incoming` keys at once (merging a set or dict), resize once if they might
    /// not fit, rather than growing step by step (`set_merge`, `set_update_internal`).
    pub fn reserve(&mut self, incoming: usize) {
        if (self.fill + incoming) * 5 >= self.mask() * 3 {
            self.resize((self.used + incoming) * 2);
        }
    }

    /// After removing many keys (`difference_update`): purge dummies once they exceed a quarter
    /// of the table.
    pub fn purge_dummies(&mut self) {
        if self.fill - self.used > self.mask() / 4 {
            self.resize(growth_target(self.used));
        }
    }

    /// Whether the table has never held a key since it was created or cleared.
    pub fn is_pristine(&self) -> bool {
        self.fill == 0
    }

    /// Fill a pristine table with the keys of `source`, which are known to be distinct
    /// (`set_merge` into an empty set). When the sizes match and `source` has no dummies its
    /// layout is copied as is; otherwise its keys are placed in its slot order.
    pub fn absorb(&mut self, source: SetTable) {
        debug_assert!(self.is_pristine());
        if self.slots.len() == source.slots.len() && source.fill == source.used {
            self.slots = source.slots;
        } else {
            for slot in source.slots {
                if let Slot::Active(e) = slot {
                    insert_clean(&mut self.slots, e);
                }
            }
        }
        self.fill = source.used;
        self.used = source.used;
        self.changes += 1;
    }

    /// A copy with the same layout, dummies included, sharing the keys.
    pub fn clone_ref(&self, py: Gil<'_>) -> SetTable {
        let slots = self
            .slots
            .iter()
            .map(|slot| match slot {
                Slot::Empty => Slot::Empty,
                Slot::Dummy => Slot::Dummy,
                Slot::Active(e) => Slot::Active(SetEntry {
                    hash: e.hash,
                    key: e.key.clone_ref(py),
                }),
            })
            .collect();
        SetTable {
            slots,
            fill: self.fill,
            used: self.used,
            finger: self.finger,
            changes: 0,
        }
    }

    /// Live entries in slot order: the order in which Python iterates the set.
    pub fn iter(&self) -> impl Iterator<Item = &SetEntry> {
        self.slots.iter().filter_map(|slot| match slot {
            Slot::Active(e) => Some(e),
            _ => None,
        })
    }

    /// Live entries in slot order, consuming the table.
    pub fn into_entries(self) -> impl Iterator<Item = SetEntry> {
        self.slots.into_iter().filter_map(|slot| match slot {
            Slot::Active(e) => Some(e),
            _ => None,
        })
    }

    /// The first live entry at or after slot `pos`, with its slot (for iterators, which keep a
    /// position rather than a borrow).
    pub fn entry_from(&self, pos: usize) -> Option<(usize, &SetEntry)> {
        self.slots
            .iter()
            .enumerate()
            .skip(pos)
            .find_map(|(i, slot)| match slot {
                Slot::Active(e) => Some((i, e)),
                _ => None,
            })
    }

    /// Keys stored under `hash`, in probe order (for equality that must run Python code outside
    /// the lock: candidates are then compared in the order CPython compares them).
    pub fn keys_with_hash(&self, hash: i64) -> Vec<&Value> {
        let mut keys = Vec::new();
        let mut probe = Probe::new(hash, self.mask());
        loop {
            for i in probe.run() {
                match &self.slots[i] {
                    Slot::Empty => return keys,
                    Slot::Active(e) if e.hash == hash => keys.push(&e.key),
                    _ => {}
                }
            }
            probe.advance();
        }
    }

    /// `hash(frozenset)`: an order-independent mix of the keys' hashes (`frozenset_hash`).
    pub fn hash(&self) -> i64 {
        // Spread the bits of nearby hashes so that sets of similar small ints differ.
        let shuffle = |h: u64| ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167);
        let mut h = self.iter().fold(0u64, |acc, e| acc ^ shuffle(e.hash as u64));
        h ^= (self.used as u64 + 1).wrapping_mul(1927868237);
        // Disperse patterns arising in nested frozensets.
        h ^= (h >> 11) ^ (h >> 25);
        h = h.wrapping_mul(69069).wrapping_add(907133923);
        // -1 is reserved as an error code.
        if h == u64::MAX { 590923713 } else { h as i64 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int_table(keys: &[i64]) -> SetTable {
        let mut t = SetTable::new();
        for &k in keys {
            t.insert(k, Value::Int(k), |a, b| a.is(b));
        }
        t
    }

    fn order(t: &SetTable) -> Vec<i64> {
        t.iter().map(|e| e.hash).collect()
    }

    #[test]
    fn small_ints_land_in_their_own_slots() {
        assert_eq!(order(&int_table(&[3, 1, 2])), [1, 2, 3]);
    }

    #[test]
    fn collisions_near_the_end_jump_instead_of_probing_linearly() {
        // 15 collides with 7 in slot 7; with no room for linear probes it jumps to 7*5+1 & 7.
        assert_eq!(order(&int_table(&[7, 15])), [15, 7]);
    }

    #[test]
    fn adds_reuse_the_last_dummy_on_the_probe_path() {
        let mut t = int_table(&[1, 9, 17, 2]);
        t.remove(1, &Value::Int(1), |a, b| a.is(b));
        t.remove(9, &Value::Int(9), |a, b| a.is(b));
        t.insert(25, Value::Int(25), |a, b| a.is(b));
        assert_eq!(order(&t), [2, 25, 17]);
        assert_eq!((t.len(), t.fill), (3, 4));
    }

    #[test]
    fn table_grows_fourfold_when_three_fifths_full() {
        let t = int_table(&[0, 1, 2, 3]);
        assert_eq!(t.slots.len(), 8);
        let t = int_table(&[0, 1, 2, 3, 4]);
        assert_eq!(t.slots.len(), 32);
    }

    #[test]
    fn pop_resumes_after_the_finger() {
        let mut t = int_table(&[5, 1, 3]);
        let popped: Vec<_> = std::iter::from_fn(|| t.pop()).map(|v| v.is(&Value::Int(1))).collect();
        assert_eq!(popped, [true, false, false]);
        assert!(t.is_empty());
    }

    #[test]
    fn frozenset_hash_matches_cpython() {
        assert_eq!(SetTable::new().hash(), 133146708735736);
        assert_eq!(int_table(&[1, 2]).hash(), -1826646154956904602);
    }
}
