//! Set and frozenset operations, step for step as CPython 3.11 performs them
//! (`Objects/setobject.c`, and the set operators of dict views in `Objects/dictobject.c`): which
//! operand is walked, which one is copied, when a table is resized up front. The layout of the
//! resulting table — hence iteration order, `repr` and `pop()` — depends on all of that.
//!
//! Hashing and Python-level `__eq__` run with no lock held: a table is locked for one native
//! operation at a time, other sets are read through snapshots, and keys that may have a Python
//! `__eq__` are first matched to their stored twin by `Vm::canonical_key`. Operations producing
//! a frozenset build a set and freeze it, as CPython fills its new frozenset in place.
//!
//! An operation between two sets whose keys all compare natively (`&`, `|`, `-`, `^`, their
//! in-place forms, comparisons, `isdisjoint`) reads both tables at one moment, with both locked
//! in address order as CPython 3.13t's two-object critical section does, and changes an
//! in-place target under the same locks: no thread sees it half done.

use crate::compile::bytecode::{BinOp, CmpOp};
use crate::gil::Gil;
use crate::objects::{DictViewKind, ObjLock, Payload, SetTable, Value};

use super::ops::{key_eq, may_need_vm_eq};
use super::{PyResult, Vm};

pub fn is_any_set(v: &Value) -> bool {
    matches!(v.payload(), Some(Payload::Set(_) | Payload::FrozenSet(_)))
}

pub fn is_frozen(v: &Value) -> bool {
    matches!(v.payload(), Some(Payload::FrozenSet(_)))
}

/// A dict view that behaves like a set: keys and items, not values.
pub fn is_set_view(v: &Value) -> bool {
    matches!(
        v.payload(),
        Some(Payload::DictView(_, DictViewKind::Keys | DictViewKind::Items))
    )
}

/// `f` applied to the table of a set or frozenset; `None` for anything else.
fn read_table<R>(py: Gil<'_>, v: &Value, f: impl FnOnce(&SetTable) -> R) -> Option<R> {
    match v.payload() {
        Some(Payload::Set(table)) => Some(f(&table.lock(py))),
        Some(Payload::FrozenSet(table)) => Some(f(table)),
        _ => None,
    }
}

fn mutable_table(v: &Value) -> Option<&ObjLock<SetTable>> {
    match v.payload() {
        Some(Payload::Set(table)) => Some(table),
        _ => None,
    }
}

/// Whether all keys compare natively (see `key_eq`), so the batch can be handled under one
/// lock.
fn all_native(entries: &[(i64, Value)]) -> bool {
    !entries.iter().any(|(_, key)| may_need_vm_eq(key))
}

/// `f` on the tables of two sets or frozensets at one moment: the mutable ones locked together,
/// in address order. `None` unless both are sets or frozensets.
fn with_two_tables<R>(py: Gil<'_>, a: &Value, b: &Value, f: impl FnOnce(&SetTable, &SetTable) -> R) -> Option<R> {
    Some(match (a.payload()?, b.payload()?) {
        (Payload::Set(x), Payload::Set(y)) => {
            let (x, y) = ObjLock::lock_two(py, &**x, &**y);
            f(&x, y.as_deref().unwrap_or(&x))
        }
        (Payload::Set(x), Payload::FrozenSet(y)) => f(&x.lock(py), y),
        (Payload::FrozenSet(x), Payload::Set(y)) => f(x, &y.lock(py)),
        (Payload::FrozenSet(x), Payload::FrozenSet(y)) => f(x, y),
        _ => return None,
    })
}

/// `f` changing the set `target` with what it reads from the other set or frozenset `source`,
/// both locked together. `None` unless they are that, and two different objects.
fn update_from<R>(
    py: Gil<'_>,
    target: &Value,
    source: &Value,
    f: impl FnOnce(&mut SetTable, &SetTable) -> R,
) -> Option<R> {
    let target = mutable_table(target)?;
    match source.payload()? {
        Payload::Set(y) => {
            let (mut x, y) = ObjLock::lock_two(py, target, &**y);
            let y = y?;
            Some(f(&mut x, &y))
        }
        Payload::FrozenSet(y) => Some(f(&mut target.lock(py), y)),
        _ => None,
    }
}

/// All entries of `table`, with their hashes; `None` if a key may compare through Python.
fn native_entries(py: Gil<'_>, table: &SetTable) -> Option<Vec<(i64, Value)>> {
    table
        .iter()
        .map(|e| (!may_need_vm_eq(&e.key)).then(|| (e.hash, e.key.clone_ref(py))))
        .collect()
}

/// `walk`'s entries whose presence in `probe` is `present`, in `walk`'s order; `None` if a key
/// of `walk` may compare through Python.
fn filter_natively(py: Gil<'_>, walk: &SetTable, probe: &SetTable, present: bool) -> Option<Vec<(i64, Value)>> {
    let mut kept = Vec::new();
    for e in walk.iter() {
        if may_need_vm_eq(&e.key) {
            return None;
        }
        if probe.contains(e.hash, &e.key, key_eq) == present {
            kept.push((e.hash, e.key.clone_ref(py)));
        }
    }
    Some(kept)
}

/// Whether every key of `walk` is in `probe` (`all`) or any is (`!all`), stopping at the first
/// that decides, as CPython's loops do; `None` if a key reached may compare through Python.
fn entries_in_natively(walk: &SetTable, probe: &SetTable, all: bool) -> Option<bool> {
    for e in walk.iter() {
        if may_need_vm_eq(&e.key) {
            return None;
        }
        if probe.contains(e.hash, &e.key, key_eq) != all {
            return Some(!all);
        }
    }
    Some(all)
}

impl Vm<'_> {
    // ----- construction -------------------------------------------------------------------

    pub fn empty_set(&self) -> Value {
        self.alloc(Payload::Set(Box::new(ObjLock::new(SetTable::new()))))
    }

    /// `{a, b, c}` (`BUILD_SET`): the items added one by one.
    pub fn new_set(&mut self, items: Vec<Value>) -> PyResult<Value> {
        let set = self.empty_set();
        for item in items {
            self.set_add(&set, item)?;
        }
        Ok(set)
    }

    /// `set(iterable)` (`make_new_set`).
    pub fn make_set(&mut self, iterable: Option<&Value>) -> PyResult<Value> {
        let set = self.empty_set();
        if let Some(iterable) = iterable {
            self.set_update(&set, iterable)?;
        }
        Ok(set)
    }

    /// `frozenset(iterable)`; a frozenset argument is returned as is.
    pub fn make_frozenset(&mut self, iterable: Option<&Value>) -> PyResult<Value> {
        if let Some(v) = iterable
            && is_frozen(v)
        {
            return Ok(v.clone_ref(self.py));
        }
        let set = self.make_set(iterable)?;
        Ok(self.freeze(set))
    }

    /// Turn a fresh set into a frozenset with the same layout.
    pub fn freeze(&self, set: Value) -> Value {
        match mutable_table(&set) {
            Some(table) => {
                let table = std::mem::take(&mut *table.lock(self.py));
                self.alloc(Payload::FrozenSet(Box::new(table)))
            }
            None => set,
        }
    }

    /// A fresh set given the kind of `like`: CPython builds results of set operations with the
    /// type of the receiver.
    fn same_kind(&self, like: &Value, set: Value) -> Value {
        if is_frozen(like) { self.freeze(set) } else { set }
    }

    /// A copy of `so`'s kind (`make_new_set_basetype(type(so), so)`): a merge into a new table,
    /// whose layout may differ from the original's.
    pub fn set_copy(&mut self, so: &Value) -> PyResult<Value> {
        let copy = self.make_set(Some(so))?;
        Ok(self.same_kind(so, copy))
    }

    // ----- reading ------------------------------------------------------------------------

    pub fn set_len(&self, set: &Value) -> usize {
        read_table(self.py, set, SetTable::len).unwrap_or(0)
    }

    /// Items of a set or frozenset, in table order.
    pub fn set_items(&self, set: &Value) -> Vec<Value> {
        let py = self.py;
        read_table(py, set, |t| t.iter().map(|e| e.key.clone_ref(py)).collect()).unwrap_or_default()
    }

    /// (hash, key) pairs in table order: CPython walks other sets' entries with their stored
    /// hashes instead of hashing again.
    fn set_entries(&self, set: &Value) -> Vec<(i64, Value)> {
        let py = self.py;
        read_table(py, set, |t| t.iter().map(|e| (e.hash, e.key.clone_ref(py))).collect()).unwrap_or_default()
    }

    /// Add to `result`, in order, the entries whose presence in `set` is `present`
    /// (intersection and difference): under one lock each when all keys compare natively.
    fn add_entries_if(
        &mut self,
        result: &Value,
        entries: Vec<(i64, Value)>,
        set: &Value,
        present: bool,
    ) -> PyResult<()> {
        if all_native(&entries) {
            let kept = read_table(self.py, set, |t| {
                entries
                    .into_iter()
                    .filter(|(hash, key)| t.contains(*hash, key, key_eq) == present)
                    .collect()
            });
            return self.set_add_entries(result, kept.unwrap_or_default());
        }
        for (hash, key) in entries {
            if self.set_contains_hashed(set, &key, hash)? == present {
                self.set_add_hashed(result, key, hash)?;
            }
        }
        Ok(())
    }

    /// Whether every (`all`) or any (`!all`) of the entries is in `set`, stopping at the first
    /// that decides, as CPython's loops do.
    fn entries_in(&mut self, entries: Vec<(i64, Value)>, set: &Value, all: bool) -> PyResult<bool> {
        for (hash, key) in entries {
            if self.set_contains_hashed(set, &key, hash)? != all {
                return Ok(!all);
            }
        }
        Ok(all)
    }

    // ----- single keys --------------------------------------------------------------------

    pub fn set_add(&mut self, set: &Value, item: Value) -> PyResult<()> {
        let hash = self.hash(&item)?;
        self.set_add_hashed(set, item, hash)
    }

    fn set_add_hashed(&mut self, set: &Value, item: Value, hash: i64) -> PyResult<()> {
        let item = self.canonical_key(set, hash, &item)?.unwrap_or(item);
        if let Some(table) = mutable_table(set) {
            let rejected = table.lock(self.py).insert(hash, item, key_eq);
            drop(rejected);
        }
        Ok(())
    }

    /// Add entries whose hashes are known (from another set or a dict), in order.
    fn set_add_entries(&mut self, set: &Value, entries: Vec<(i64, Value)>) -> PyResult<()> {
        if !all_native(&entries) {
            for (hash, key) in entries {
                self.set_add_hashed(set, key, hash)?;
            }
            return Ok(());
        }
        if let Some(table) = mutable_table(set) {
            let mut table = table.lock(self.py);
            for (hash, key) in entries {
                table.insert(hash, key, key_eq);
            }
        }
        Ok(())
    }

    /// A set used as a key stands for the equal frozenset (`None`: `item` is the key itself).
    fn frozen_key(&mut self, item: &Value) -> PyResult<Option<Value>> {
        if matches!(item.payload(), Some(Payload::Set(_))) {
            return self.make_frozenset(Some(item)).map(Some);
        }
        Ok(None)
    }

    /// `item in set`.
    pub fn set_contains(&mut self, set: &Value, item: &Value) -> PyResult<bool> {
        let frozen = self.frozen_key(item)?;
        self.set_contains_key(set, frozen.as_ref().unwrap_or(item))
    }

    fn set_contains_key(&mut self, set: &Value, item: &Value) -> PyResult<bool> {
        let hash = self.hash(item)?;
        self.set_contains_hashed(set, item, hash)
    }

    fn set_contains_hashed(&mut self, set: &Value, item: &Value, hash: i64) -> PyResult<bool> {
        let canonical = self.canonical_key(set, hash, item)?;
        let item = canonical.as_ref().unwrap_or(item);
        Ok(read_table(self.py, set, |t| t.contains(hash, item, key_eq)).unwrap_or(false))
    }

    /// `set.discard(item)`; whether it was there.
    pub fn set_discard(&mut self, set: &Value, item: &Value) -> PyResult<bool> {
        let frozen = self.frozen_key(item)?;
        self.set_discard_key(set, frozen.as_ref().unwrap_or(item))
    }

    fn set_discard_key(&mut self, set: &Value, item: &Value) -> PyResult<bool> {
        let hash = self.hash(item)?;
        self.set_discard_hashed(set, item, hash)
    }

    fn set_discard_hashed(&mut self, set: &Value, item: &Value, hash: i64) -> PyResult<bool> {
        let canonical = self.canonical_key(set, hash, item)?;
        let item = canonical.as_ref().unwrap_or(item);
        let Some(table) = mutable_table(set) else {
            return Ok(false);
        };
        let removed = table.lock(self.py).remove(hash, item, key_eq);
        Ok(removed.is_some())
    }

    /// `set.pop()`.
    pub fn set_pop(&mut self, set: &Value) -> Option<Value> {
        mutable_table(set).and_then(|table| table.lock(self.py).pop())
    }

    pub fn set_clear(&mut self, set: &Value) {
        if let Some(table) = mutable_table(set) {
            let old = table.lock(self.py).clear();
            drop(old);
        }
    }

    /// Give `set` the contents of the fresh set `replacement` (`set_swap_bodies`), unless `set`
    /// changed since it read `changes`: only another thread can do that (free-threaded, or a
    /// `__eq__` that let the GIL go), and swapping would then lose its changes.
    fn set_replace_contents(&mut self, set: &Value, replacement: &Value, changes: u64) -> bool {
        let py = self.py;
        let (Some(target), Some(source)) = (mutable_table(set), mutable_table(replacement)) else {
            return true;
        };
        let new = std::mem::take(&mut *source.lock(py));
        let mut target = target.lock(py);
        if target.changes() != changes {
            return false;
        }
        let old = target.replace_contents(new);
        drop(target);
        drop(old);
        true
    }

    fn set_changes(&self, set: &Value) -> u64 {
        mutable_table(set).map_or(0, |table| table.lock(self.py).changes())
    }

    /// `so &= others…` the way CPython does it (the intersection replaces the contents); when
    /// another thread changed `so` meanwhile, remove what is missing from one of `others`
    /// instead, item by item, so its changes survive.
    fn set_intersect_in_place(&mut self, so: &Value, others: &[Value]) -> PyResult<()> {
        let changes = self.set_changes(so);
        let result = self.set_intersection_multi(so, others)?;
        if self.set_replace_contents(so, &result, changes) {
            return Ok(());
        }
        let mut others_as_sets = Vec::with_capacity(others.len());
        for other in others {
            others_as_sets.push(if is_any_set(other) {
                other.clone_ref(self.py)
            } else {
                let items = self.collect(other)?;
                self.new_set(items)?
            });
        }
        'keys: for (_, key) in self.set_entries(so) {
            for other in &others_as_sets {
                if !self.set_contains_key(other, &key)? {
                    self.set_discard(so, &key)?;
                    continue 'keys;
                }
            }
        }
        Ok(())
    }

    // ----- union --------------------------------------------------------------------------

    /// Add every item of `other` (`set_update_internal`).
    pub fn set_update(&mut self, set: &Value, other: &Value) -> PyResult<()> {
        let py = self.py;
        match other.payload() {
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => self.set_merge(set, other),
            Some(Payload::Dict(dict)) => {
                // Keys come with their stored hashes, after one resize up front.
                let entries: Vec<(i64, Value)> = dict.lock(py).iter().map(|e| (e.hash, e.key.clone_ref(py))).collect();
                if let Some(table) = mutable_table(set) {
                    table.lock(py).reserve(entries.len());
                }
                self.set_add_entries(set, entries)
            }
            // Copied in one step under the container's lock (a dict view is iterated, not read
            // with its stored hashes as a dict is: no resize up front, as in CPython).
            Some(Payload::List(_) | Payload::Tuple(_) | Payload::DictView(..)) => {
                for item in self.collect(other)? {
                    self.set_add(set, item)?;
                }
                Ok(())
            }
            _ => {
                let it = self.iter(other)?;
                while let Some(item) = self.next(&it)? {
                    self.set_add(set, item)?;
                }
                Ok(())
            }
        }
    }

    /// Add the keys of another set (`set_merge`): one resize up front; into an empty table the
    /// keys are placed without comparisons, reusing the other layout outright when it fits.
    fn set_merge(&mut self, set: &Value, other: &Value) -> PyResult<()> {
        if set.is(other) {
            return Ok(());
        }
        let py = self.py;
        // Both locked, when the other's keys all compare natively: one step.
        let merged = update_from(py, set, other, |table, source| {
            if source.is_empty() {
                return true;
            }
            let entries = if table.is_pristine() {
                None
            } else {
                Some(native_entries(py, source))
            };
            match entries {
                Some(None) => false,
                Some(Some(entries)) => {
                    table.reserve(source.len());
                    let rejected: Vec<Value> = entries
                        .into_iter()
                        .filter_map(|(hash, key)| table.insert(hash, key, key_eq))
                        .collect();
                    drop(rejected);
                    true
                }
                None => {
                    table.reserve(source.len());
                    table.absorb(source.clone_ref(py));
                    true
                }
            }
        });
        if merged == Some(true) {
            return Ok(());
        }
        let source = read_table(py, other, |t| t.clone_ref(py)).unwrap_or_default();
        self.merge_table(set, source)
    }

    /// Add the keys of `source`, a copy of another set's table (the rest of `set_merge`).
    fn merge_table(&mut self, set: &Value, source: SetTable) -> PyResult<()> {
        let Some(table) = mutable_table(set) else {
            return Ok(());
        };
        if source.is_empty() {
            return Ok(());
        }
        let source = {
            let mut table = table.lock(self.py);
            table.reserve(source.len());
            if table.is_pristine() {
                table.absorb(source);
                return Ok(());
            }
            source
        };
        let entries = source.into_entries().map(|e| (e.hash, e.key)).collect();
        self.set_add_entries(set, entries)
    }

    /// `so.union(*others)` and `so | other`.
    pub fn set_union(&mut self, so: &Value, others: &[Value]) -> PyResult<Value> {
        // `a | b`: both copied at one moment.
        if let [other] = others
            && !other.is(so)
        {
            let py = self.py;
            if let Some((mine, theirs)) = with_two_tables(py, so, other, |a, b| (a.clone_ref(py), b.clone_ref(py))) {
                let result = self.empty_set();
                self.merge_table(&result, mine)?;
                self.merge_table(&result, theirs)?;
                return Ok(self.same_kind(so, result));
            }
        }
        let result = self.make_set(Some(so))?;
        for other in others {
            if !other.is(so) {
                self.set_update(&result, other)?;
            }
        }
        Ok(self.same_kind(so, result))
    }

    // ----- intersection -------------------------------------------------------------------

    /// `set_intersection`: a new set (of the caller's choosing kind) built in the order of the
    /// walked side — the smaller set (`other` on a tie), or the iterable.
    fn intersection(&mut self, so: &Value, other: &Value) -> PyResult<Value> {
        if so.is(other) {
            return self.make_set(Some(so));
        }
        let result = self.empty_set();
        if is_any_set(other) {
            let py = self.py;
            let native = with_two_tables(py, so, other, |a, b| {
                let (walk, probe) = if b.len() > a.len() { (a, b) } else { (b, a) };
                filter_natively(py, walk, probe, true)
            });
            if let Some(Some(kept)) = native {
                self.set_add_entries(&result, kept)?;
                return Ok(result);
            }
            let (walk, probe) = if self.set_len(other) > self.set_len(so) {
                (so, other)
            } else {
                (other, so)
            };
            let entries = self.set_entries(walk);
            self.add_entries_if(&result, entries, probe, true)?;
            return Ok(result);
        }
        let it = self.iter(other)?;
        while let Some(key) = self.next(&it)? {
            let hash = self.hash(&key)?;
            if self.set_contains_hashed(so, &key, hash)? {
                self.set_add_hashed(&result, key, hash)?;
                // All of `so` found: nothing further can be added.
                if self.set_len(&result) >= self.set_len(so) {
                    break;
                }
            }
        }
        Ok(result)
    }

    /// `so.intersection(*others)` as a fresh set: one pairwise intersection after another.
    fn set_intersection_multi(&mut self, so: &Value, others: &[Value]) -> PyResult<Value> {
        if others.is_empty() {
            return self.make_set(Some(so));
        }
        let mut result = so.clone_ref(self.py);
        for other in others {
            result = self.intersection(&result, other)?;
        }
        Ok(result)
    }

    /// `so.intersection(*others)`, of `so`'s kind.
    pub fn set_intersection(&mut self, so: &Value, others: &[Value]) -> PyResult<Value> {
        let result = self.set_intersection_multi(so, others)?;
        Ok(self.same_kind(so, result))
    }

    /// `so.intersection_update(*others)`: the intersection replaces the contents of `so`.
    pub fn set_intersection_update(&mut self, so: &Value, others: &[Value]) -> PyResult<()> {
        self.set_intersect_in_place(so, others)
    }

    /// `so.isdisjoint(other)`: walks the smaller set, or the iterable.
    pub fn set_isdisjoint(&mut self, so: &Value, other: &Value) -> PyResult<bool> {
        if so.is(other) {
            return Ok(self.set_len(so) == 0);
        }
        if is_any_set(other) {
            let native = with_two_tables(self.py, so, other, |a, b| {
                let (walk, probe) = if b.len() > a.len() { (a, b) } else { (b, a) };
                entries_in_natively(walk, probe, false)
            });
            if let Some(Some(any_common)) = native {
                return Ok(!any_common);
            }
            let (walk, probe) = if self.set_len(other) > self.set_len(so) {
                (so, other)
            } else {
                (other, so)
            };
            let entries = self.set_entries(walk);
            return Ok(!self.entries_in(entries, probe, false)?);
        }
        let it = self.iter(other)?;
        while let Some(key) = self.next(&it)? {
            if self.set_contains_key(so, &key)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    // ----- difference ---------------------------------------------------------------------

    /// `set_difference_update_internal`: remove the items of `other` from the (mutable) `so`,
    /// then purge the dummies if they got numerous.
    fn difference_update_one(&mut self, so: &Value, other: &Value) -> PyResult<()> {
        if so.is(other) {
            self.set_clear(so);
            return Ok(());
        }
        let py = self.py;
        let removed_natively = update_from(py, so, other, |table, other| {
            // Against a much larger set only the common part matters.
            let removing = if other.len() >> 3 > table.len() {
                filter_natively(py, table, other, true)
            } else {
                native_entries(py, other)
            }?;
            let removed: Vec<Value> = removing
                .iter()
                .filter_map(|(hash, key)| table.remove(*hash, key, key_eq))
                .collect();
            table.purge_dummies();
            Some((removing, removed))
        });
        if let Some(Some(done)) = removed_natively {
            drop(done);
            return Ok(());
        }
        if is_any_set(other) {
            // Against a much larger set only the common part matters.
            let other = if self.set_len(other) >> 3 > self.set_len(so) {
                self.intersection(so, other)?
            } else {
                other.clone_ref(self.py)
            };
            let entries = self.set_entries(&other);
            self.set_discard_entries(so, entries)?;
        } else {
            let it = self.iter(other)?;
            while let Some(key) = self.next(&it)? {
                self.set_discard_key(so, &key)?;
            }
        }
        if let Some(table) = mutable_table(so) {
            table.lock(self.py).purge_dummies();
        }
        Ok(())
    }

    fn set_discard_entries(&mut self, set: &Value, entries: Vec<(i64, Value)>) -> PyResult<()> {
        if !all_native(&entries) {
            for (hash, key) in entries {
                self.set_discard_hashed(set, &key, hash)?;
            }
            return Ok(());
        }
        if let Some(table) = mutable_table(set) {
            let removed: Vec<Value> = {
                let mut table = table.lock(self.py);
                entries
                    .iter()
                    .filter_map(|(hash, key)| table.remove(*hash, key, key_eq))
                    .collect()
            };
            drop(removed);
        }
        Ok(())
    }

    /// `set_difference`: a new set, either built from the items of `so` missing from `other`,
    /// or — when `other` is not a set or dict, or is much smaller — a copy of `so` with
    /// `other`'s items removed.
    fn difference(&mut self, so: &Value, other: &Value) -> PyResult<Value> {
        let py = self.py;
        let native = with_two_tables(py, so, other, |a, b| {
            if a.len() >> 2 > b.len() {
                Some(Err((a.clone_ref(py), native_entries(py, b)?)))
            } else {
                filter_natively(py, a, b, false).map(Ok)
            }
        });
        match native {
            Some(Some(Ok(kept))) => {
                let result = self.empty_set();
                self.set_add_entries(&result, kept)?;
                return Ok(result);
            }
            // `so` is much larger: a copy of it, with `other`'s keys removed.
            Some(Some(Err((copy, removed)))) => {
                let result = self.empty_set();
                self.merge_table(&result, copy)?;
                self.set_discard_entries(&result, removed)?;
                if let Some(table) = mutable_table(&result) {
                    table.lock(py).purge_dummies();
                }
                return Ok(result);
            }
            _ => {}
        }
        let other_len = match other.payload() {
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => Some(self.set_len(other)),
            Some(Payload::Dict(dict)) => Some(dict.lock(self.py).len()),
            _ => None,
        };
        if other_len.is_none_or(|n| self.set_len(so) >> 2 > n) {
            let result = self.make_set(Some(so))?;
            self.difference_update_one(&result, other)?;
            return Ok(result);
        }
        let entries = self.set_entries(so);
        let result = self.empty_set();
        if is_any_set(other) {
            self.add_entries_if(&result, entries, other, false)?;
        } else {
            for (hash, key) in entries {
                if self.dict_get(other, &key)?.is_none() {
                    self.set_add_hashed(&result, key, hash)?;
                }
            }
        }
        Ok(result)
    }

    /// `so.difference(*others)`, of `so`'s kind.
    pub fn set_difference(&mut self, so: &Value, others: &[Value]) -> PyResult<Value> {
        let Some((first, rest)) = others.split_first() else {
            return self.set_copy(so);
        };
        let result = self.difference(so, first)?;
        for other in rest {
            self.difference_update_one(&result, other)?;
        }
        Ok(self.same_kind(so, result))
    }

    /// `so.difference_update(*others)`.
    pub fn set_difference_update(&mut self, so: &Value, others: &[Value]) -> PyResult<()> {
        for other in others {
            self.difference_update_one(so, other)?;
        }
        Ok(())
    }

    // ----- symmetric difference -----------------------------------------------------------

    /// `so.symmetric_difference_update(other)`: each item of `other` (deduplicated through a
    /// set first, unless it is a set or dict) is removed from `so` if present, else added.
    pub fn set_symmetric_difference_update(&mut self, so: &Value, other: &Value) -> PyResult<()> {
        if so.is(other) {
            self.set_clear(so);
            return Ok(());
        }
        let py = self.py;
        let toggled_natively = update_from(py, so, other, |table, other| {
            let toggles = native_entries(py, other)?;
            Some(toggle(table, toggles))
        });
        if let Some(Some(dropped)) = toggled_natively {
            drop(dropped);
            return Ok(());
        }
        let toggles: Vec<(i64, Value)> = match other.payload() {
            Some(Payload::Dict(dict)) => dict.lock(py).iter().map(|e| (e.hash, e.key.clone_ref(py))).collect(),
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => self.set_entries(other),
            _ => {
                let other = self.make_set(Some(other))?;
                self.set_entries(&other)
            }
        };
        if !all_native(&toggles) {
            for (hash, key) in toggles {
                if !self.set_discard_hashed(so, &key, hash)? {
                    self.set_add_hashed(so, key, hash)?;
                }
            }
            return Ok(());
        }
        if let Some(table) = mutable_table(so) {
            let removed = toggle(&mut table.lock(py), toggles);
            drop(removed);
        }
        Ok(())
    }

    /// `so.symmetric_difference(other)`: a set built from `other`, then toggled by `so`.
    pub fn set_symmetric_difference(&mut self, so: &Value, other: &Value) -> PyResult<Value> {
        // Two sets: a copy of `other` and `so`'s keys, taken at one moment.
        let py = self.py;
        if !so.is(other)
            && let Some(Some((theirs, toggles))) = with_two_tables(py, so, other, |a, b| {
                native_entries(py, a).map(|toggles| (b.clone_ref(py), toggles))
            })
        {
            let result = self.empty_set();
            self.merge_table(&result, theirs)?;
            if let Some(table) = mutable_table(&result) {
                let removed = toggle(&mut table.lock(py), toggles);
                drop(removed);
            }
            return Ok(self.same_kind(so, result));
        }
        let result = self.make_set(Some(other))?;
        self.set_symmetric_difference_update(&result, so)?;
        Ok(self.same_kind(so, result))
    }

    // ----- comparisons --------------------------------------------------------------------

    /// `so.issubset(other)`.
    pub fn set_issubset(&mut self, so: &Value, other: &Value) -> PyResult<bool> {
        if !is_any_set(other) {
            let common = self.intersection(so, other)?;
            return Ok(self.set_len(&common) == self.set_len(so));
        }
        let native = with_two_tables(self.py, so, other, |a, b| {
            if a.len() > b.len() {
                Some(false)
            } else {
                entries_in_natively(a, b, true)
            }
        });
        if let Some(Some(subset)) = native {
            return Ok(subset);
        }
        if self.set_len(so) > self.set_len(other) {
            return Ok(false);
        }
        let entries = self.set_entries(so);
        self.entries_in(entries, other, true)
    }

    /// `so.issuperset(other)`.
    pub fn set_issuperset(&mut self, so: &Value, other: &Value) -> PyResult<bool> {
        if is_any_set(other) {
            return self.set_issubset(other, so);
        }
        let it = self.iter(other)?;
        while let Some(key) = self.next(&it)? {
            if !self.set_contains_key(so, &key)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `a op b` for two sets or frozensets (`set_richcompare`).
    pub fn set_compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
        // The sizes and the keys of both, read at one moment.
        let native = with_two_tables(self.py, a, b, |x, y| {
            let (lx, ly) = (x.len(), y.len());
            let (sub, sup, sizes_allow) = match op {
                CmpOp::Eq | CmpOp::NotEq => (x, y, lx == ly),
                CmpOp::LtE => (x, y, lx <= ly),
                CmpOp::Lt => (x, y, lx < ly),
                CmpOp::GtE => (y, x, lx >= ly),
                _ => (y, x, lx > ly),
            };
            let holds = sizes_allow && entries_in_natively(sub, sup, true)?;
            Some(if op == CmpOp::NotEq { !holds } else { holds })
        });
        if let Some(Some(result)) = native {
            return Ok(result);
        }
        let (la, lb) = (self.set_len(a), self.set_len(b));
        match op {
            CmpOp::Eq => Ok(la == lb && self.set_issubset(a, b)?),
            CmpOp::NotEq => Ok(!(la == lb && self.set_issubset(a, b)?)),
            CmpOp::LtE => self.set_issubset(a, b),
            CmpOp::GtE => self.set_issuperset(a, b),
            CmpOp::Lt => Ok(la < lb && self.set_issubset(a, b)?),
            _ => Ok(la > lb && self.set_issuperset(a, b)?),
        }
    }

    // ----- operators ----------------------------------------------------------------------

    /// `a | b`, `a & b`, `a - b`, `a ^ b` for two sets; the result has `a`'s kind.
    pub fn set_binary_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
        match op {
            BinOp::BitOr => self.set_union(a, std::slice::from_ref(b)),
            BinOp::BitAnd => {
                let result = self.intersection(a, b)?;
                Ok(self.same_kind(a, result))
            }
            BinOp::Sub => {
                let result = self.difference(a, b)?;
                Ok(self.same_kind(a, result))
            }
            _ => self.set_symmetric_difference(a, b),
        }
    }

    /// `a |= b`, `a &= b`, `a -= b`, `a ^= b` for a set `a` and any set `b`: `a` changes in
    /// place.
    pub fn set_inplace_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<()> {
        match op {
            BinOp::BitOr => self.set_update(a, b),
            BinOp::BitAnd => self.set_intersect_in_place(a, std::slice::from_ref(b)),
            BinOp::Sub => self.difference_update_one(a, b),
            _ => self.set_symmetric_difference_update(a, b),
        }
    }

    /// `&`, `|`, `-`, `^` with a dict keys or items view on either side (`dictviews_*`): the
    /// left operand becomes a set that the right one updates; `&` walks the smaller side.
    pub fn dict_view_set_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
        match op {
            BinOp::BitAnd => self.dict_view_intersection(a, b),
            BinOp::BitXor
                if matches!(
                    (a.payload(), b.payload()),
                    (
                        Some(Payload::DictView(_, DictViewKind::Items)),
                        Some(Payload::DictView(_, DictViewKind::Items))
                    )
                ) =>
            {
                self.dict_items_xor(a, b)
            }
            _ => {
                let result = self.view_to_set(a)?;
                match op {
                    BinOp::BitOr => self.set_update(&result, b)?,
                    BinOp::Sub => self.difference_update_one(&result, b)?,
                    _ => self.set_symmetric_difference_update(&result, b)?,
                }
                Ok(result)
            }
        }
    }

    /// `dictviews_to_set`: the set of a keys view is built from its dict (with stored hashes).
    fn view_to_set(&mut self, v: &Value) -> PyResult<Value> {
        match v.payload() {
            Some(Payload::DictView(dict, DictViewKind::Keys)) => {
                let dict = Value::Obj(dict.clone_ref(self.py));
                self.make_set(Some(&dict))
            }
            _ => self.make_set(Some(v)),
        }
    }

    /// `_PyDictView_Intersect`.
    fn dict_view_intersection(&mut self, a: &Value, b: &Value) -> PyResult<Value> {
        let (mut view, mut other) = if is_set_view(a) { (a, b) } else { (b, a) };
        let view_len = self.len(view)?;
        if matches!(other.payload(), Some(Payload::Set(_))) && view_len <= self.set_len(other) {
            return self.intersection(other, view);
        }
        if is_set_view(other) && self.len(other)? > view_len {
            std::mem::swap(&mut view, &mut other);
        }
        let result = self.empty_set();
        let it = self.iter(other)?;
        while let Some(key) = self.next(&it)? {
            if self.contains(view, &key)? {
                self.set_add(&result, key)?;
            }
        }
        Ok(result)
    }

    /// `dictitems_xor`: pairs of the second dict whose key is missing from the first or has
    /// another value there, then the first dict's remaining pairs.
    fn dict_items_xor(&mut self, a: &Value, b: &Value) -> PyResult<Value> {
        let py = self.py;
        let (Some(Payload::DictView(first, _)), Some(Payload::DictView(second, _))) = (a.payload(), b.payload()) else {
            return Ok(self.empty_set());
        };
        let (first, second) = (Value::Obj(first.clone_ref(py)), Value::Obj(second.clone_ref(py)));
        let remaining = self.new_dict();
        for (key, value) in self.dict_items(&first)? {
            self.dict_set(&remaining, key, value)?;
        }
        let result = self.empty_set();
        for (key, value) in self.dict_items(&second)? {
            let same = match self.dict_get(&remaining, &key)? {
                Some(mine) => mine.is(&value) || self.eq(&mine, &value)?,
                None => false,
            };
            if same {
                self.dict_del(&remaining, &key)?;
            } else {
                let pair = self.new_tuple(vec![key, value]);
                self.set_add(&result, pair)?;
            }
        }
        if let Value::Obj(dict) = &remaining {
            let items = self.alloc(Payload::DictView(dict.clone_ref(py), DictViewKind::Items));
            self.set_update(&result, &items)?;
        }
        Ok(result)
    }
}

/// Remove each of `toggles` that `table` holds and add the others (`symmetric_difference_update`
/// of natively compared keys); returns the keys removed or turned away, to drop unlocked.
fn toggle(table: &mut SetTable, toggles: Vec<(i64, Value)>) -> Vec<Value> {
    toggles
        .into_iter()
        .filter_map(|(hash, key)| match table.remove(hash, &key, key_eq) {
            Some(old) => Some(old),
            None => table.insert(hash, key, key_eq),
        })
        .collect()
}
