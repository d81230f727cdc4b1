//! Dict access by key (with `__eq__`/`__hash__` keys mapped to their stored twin), the module
//! globals' version-checked cached reads (`LoadGlobal` hints), and dict updates.

use crate::objects::types::intern;
use crate::objects::{CodeHandle, DictObject, GlobalHint, ObjRef, Payload, Value};

use crate::vm::{PyResult, Vm};

use super::{class_hashes_seen, is_complex, is_number, key_eq, may_need_vm_eq};

/// Keys that may compare equal through a Python `__eq__` (instances, and numbers once an
/// instance may equal one); all others compare natively (see `key_eq`), so a batch of them can
/// be handled under one lock.
fn may_need_python_eq(key: &Value) -> bool {
    matches!(key.payload(), Some(Payload::Instance(_))) || (class_hashes_seen() && (is_number(key) || is_complex(key)))
}

impl Vm<'_> {
    /// Look a key up; keys compare natively (built-in types) or by identity.
    /// For a key whose `__eq__` is Python code (or that holds one, or nests deeper than
    /// `key_eq` follows): the equal key already in the table, found with the table's lock
    /// released, so the locked operation can then match it by identity. As in CPython, each
    /// stored key with the same hash is asked `stored == key`, in probe order.
    /// A built-in number is matched the same way to stored keys of Python classes (a
    /// `Fraction(1, 2)` key is found by `0.5`), once such keys can exist (`class_hashes_seen`);
    /// built-in keys it compares natively.
    pub(in crate::vm) fn canonical_key(
        &mut self,
        container: &Value,
        hash: i64,
        key: &Value,
    ) -> PyResult<Option<Value>> {
        let is_instance = |v: &Value| matches!(v.payload(), Some(Payload::Instance(_)));
        let number_probe = class_hashes_seen() && (is_number(key) || is_complex(key));
        let py = self.py;
        if number_probe {
            // One probe decides whether there is anything to do: it stops at the first key
            // with this hash that is the number itself or an object of a class (which a
            // probe for a class key alone would not, past equal-hash numbers).
            let mut twin_first = false;
            let mut first_match = |k: &Value| {
                twin_first = is_instance(k);
                twin_first || key_eq(k, key)
            };
            match container.payload() {
                Some(Payload::Dict(t)) => {
                    t.lock(py).get(hash, &mut first_match);
                }
                Some(Payload::Set(t)) => {
                    t.lock(py).contains(hash, key, |k, _| first_match(k));
                }
                Some(Payload::FrozenSet(t)) => {
                    t.contains(hash, key, |k, _| first_match(k));
                }
                _ => {}
            }
            if !twin_first {
                return Ok(None);
            }
        } else {
            let needed = match key.payload() {
                Some(Payload::Instance(_)) => self.lookup_special(key, "__eq__").is_some(),
                _ => may_need_vm_eq(key),
            };
            if !needed {
                return Ok(None);
            }
        }
        let wanted = |k: &&Value| !number_probe || is_instance(k);
        let candidates: Vec<Value> = match container.payload() {
            Some(Payload::Dict(t)) => t
                .lock(py)
                .keys_with_hash(hash)
                .filter(wanted)
                .map(|k| k.clone_ref(py))
                .collect(),
            Some(Payload::Set(t)) => t
                .lock(py)
                .keys_with_hash(hash)
                .into_iter()
                .filter(wanted)
                .map(|k| k.clone_ref(py))
                .collect(),
            Some(Payload::FrozenSet(t)) => t
                .keys_with_hash(hash)
                .into_iter()
                .filter(wanted)
                .map(|k| k.clone_ref(py))
                .collect(),
            _ => Vec::new(),
        };
        for candidate in candidates {
            if candidate.is(key) || self.eq(&candidate, key)? {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    pub fn dict_get(&mut self, dict: &Value, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        let canonical = self.canonical_key(dict, hash, key)?;
        let key = canonical.as_ref().unwrap_or(key);
        let py = self.py;
        Ok(match dict.payload() {
            Some(Payload::Dict(table)) => table
                .lock(py)
                .get(hash, |k| key_eq(k, key))
                .map(|e| e.value.clone_ref(py)),
            _ => None,
        })
    }

    pub fn dict_set(&mut self, dict: &Value, key: Value, value: Value) -> PyResult<()> {
        let hash = self.hash(&key)?;
        let key = self.canonical_key(dict, hash, &key)?.unwrap_or(key);
        if let Some(Payload::Dict(table)) = dict.payload() {
            let old = {
                let probe = key.clone_ref(self.py);
                table.lock(self.py).insert(hash, key, value, |k| key_eq(k, &probe))
            };
            drop(old);
        }
        Ok(())
    }

    /// `dict.setdefault(key, default)`: the lookup and the insertion are one step under the
    /// dict's lock, so threads racing on a missing key all get the one value that was stored.
    pub fn dict_setdefault(&mut self, dict: &Value, key: Value, default: Value) -> PyResult<Value> {
        let hash = self.hash(&key)?;
        let key = self.canonical_key(dict, hash, &key)?.unwrap_or(key);
        let py = self.py;
        let Some(Payload::Dict(table)) = dict.payload() else {
            return Ok(default);
        };
        let mut table = table.lock(py);
        if let Some(entry) = table.get(hash, |k| key_eq(k, &key)) {
            return Ok(entry.value.clone_ref(py));
        }
        let probe = key.clone_ref(py);
        table.insert(hash, key, default.clone_ref(py), |k| key_eq(k, &probe));
        Ok(default)
    }

    pub fn dict_del(&mut self, dict: &Value, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        let canonical = self.canonical_key(dict, hash, key)?;
        let key = canonical.as_ref().unwrap_or(key);
        Ok(match dict.payload() {
            Some(Payload::Dict(table)) => {
                let removed = table.lock(self.py).remove(hash, |k| key_eq(k, key));
                removed.map(|e| e.value)
            }
            _ => None,
        })
    }

    /// Lookup by an interned name (globals, namespaces).
    pub fn dict_get_str(&mut self, dict: &ObjRef, key: &ObjRef) -> PyResult<Option<Value>> {
        let Payload::Str(name) = &key.payload else {
            return Ok(None);
        };
        let hash = name.hash();
        let py = self.py;
        Ok(match &dict.payload {
            Payload::Dict(table) => table
                .lock(py)
                .get(hash, |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                })
                .map(|e| e.value.clone_ref(py)),
            // A class body run in the mapping a metaclass's `__prepare__` returned.
            _ => match self.get_item(&Value::Obj(dict.clone_ref(py)), &Value::Obj(key.clone_ref(py))) {
                Ok(v) => Some(v),
                Err(e) if self.err_matches(&e, &crate::objects::types::types().key_error) => None,
                Err(e) => return Err(e),
            },
        })
    }

    pub fn dict_set_str(&mut self, dict: &ObjRef, key: &ObjRef, value: Value) -> PyResult<()> {
        let Payload::Str(name) = &key.payload else {
            return Ok(());
        };
        let hash = name.hash();
        if let Payload::Dict(table) = &dict.payload {
            let old = table
                .lock(self.py)
                .insert(hash, Value::Obj(key.clone_ref(self.py)), value, |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                });
            drop(old);
            return Ok(());
        }
        let py = self.py;
        self.set_item(&Value::Obj(dict.clone_ref(py)), Value::Obj(key.clone_ref(py)), value)
    }

    pub fn dict_del_str(&mut self, dict: &ObjRef, key: &ObjRef) -> PyResult<Option<Value>> {
        let Payload::Str(name) = &key.payload else {
            return Ok(None);
        };
        let hash = name.hash();
        Ok(match &dict.payload {
            Payload::Dict(table) => {
                let removed = table.lock(self.py).remove(hash, |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                });
                removed.map(|e| e.value)
            }
            _ => {
                let (mapping, key) = (Value::Obj(dict.clone_ref(self.py)), Value::Obj(key.clone_ref(self.py)));
                match self.del_item(&mapping, &key) {
                    Ok(()) => Some(Value::None),
                    Err(e) if self.err_matches(&e, &crate::objects::types::types().key_error) => None,
                    Err(e) => return Err(e),
                }
            }
        })
    }

    /// The hit path of `load_global_hinted` (the hinted globals slot still holds the name),
    /// inlined into the eval loop: the call would cost as much as the lookup. `None` when the
    /// full lookup must run — always without a GIL, where taking the globals' lock here would
    /// make every thread reading globals contend for it; `load_global_hinted` reads its
    /// version-checked cache without a lock first.
    #[inline(always)]
    pub fn load_global_hit(&self, globals: &ObjRef, handle: &CodeHandle, i: usize) -> Option<Value> {
        if crate::gil::is_free_threaded() {
            return None;
        }
        let py = self.py;
        let Payload::Dict(globals_table) = &globals.payload else {
            return None;
        };
        let slot = handle.global_hints.get(i)?.slot()?;
        let key = handle.names.get(i)?;
        let table = globals_table.lock(py);
        let entry = table.entry_at(slot)?;
        matches!(&entry.key, Value::Obj(o) if o.is(key)).then(|| entry.value.clone_ref(py))
    }

    /// `LoadGlobal` with the code object's per-name hint: usually one lock and one slot read,
    /// no hashing and no string comparison.
    #[inline(never)]
    pub fn load_global_hinted(&mut self, globals: &ObjRef, handle: &CodeHandle, i: usize) -> PyResult<Value> {
        let py = self.py;
        let key = &handle.names[i];
        let hint = &handle.global_hints[i];
        let is_key = |k: &Value| matches!(k, Value::Obj(o) if o.is(key));
        let Payload::Dict(globals_table) = &globals.payload else {
            return self.load_global(globals, key);
        };
        let Payload::Dict(builtins_table) = &self.builtins.payload else {
            return self.load_global(globals, key);
        };
        // Lock-free while neither dict has changed since the value was read under their locks:
        // without a GIL, every thread reading the same globals would otherwise serialise on
        // the dict's lock.
        if let Some(([dict, version, builtins_version], value)) = hint.value.get()
            && dict == globals.addr() as u64
            && version == globals_table.version()
            && (builtins_version == GlobalHint::NOT_BUILTIN || builtins_version == builtins_table.version())
        {
            return Ok(value);
        }
        let (globals_version, version) = {
            let table = globals_table.lock(py);
            if let Some(entry) = hint.slot().and_then(|s| table.entry_at(s))
                && is_key(&entry.key)
            {
                let cache_key = [globals.addr() as u64, globals_table.version(), GlobalHint::NOT_BUILTIN];
                hint.value.set(cache_key, &entry.value);
                return Ok(entry.value.clone_ref(py));
            }
            (table.version(), globals_table.version())
        };
        if let Some(slot) = hint.builtin(globals_version) {
            let table = builtins_table.lock(py);
            if let Some(entry) = table.entry_at(slot)
                && is_key(&entry.key)
            {
                hint.value
                    .set([globals.addr() as u64, version, builtins_table.version()], &entry.value);
                return Ok(entry.value.clone_ref(py));
            }
        }
        let Payload::Str(name) = &key.payload else {
            return self.load_global(globals, key);
        };
        let found = globals_table.lock(py).find_slot(name.hash(), |k| {
            k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
        });
        if let Some(slot) = found {
            hint.set_slot(slot);
        } else if let Some(slot) = builtins_table.lock(py).find_slot(name.hash(), |k| {
            k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
        }) {
            hint.set_builtin(globals_version, slot);
        }
        self.load_global(globals, key)
    }

    /// `StoreGlobal` (and module-level `StoreName`) with the same hint: overwrite in place when
    /// the hinted slot still holds this name.
    pub fn store_global_hinted(&mut self, globals: &ObjRef, handle: &CodeHandle, i: usize, value: Value) {
        let py = self.py;
        let key = &handle.names[i];
        let hint = &handle.global_hints[i];
        let Payload::Dict(table) = &globals.payload else { return };
        let Payload::Str(name) = &key.payload else { return };
        let old = {
            let mut table = table.lock(py);
            match hint.slot().filter(|&s| {
                table
                    .entry_at(s)
                    .is_some_and(|e| matches!(&e.key, Value::Obj(o) if o.is(key)))
            }) {
                Some(slot) => table.replace_value_at(slot, value),
                None => {
                    let old = table.insert(name.hash(), Value::Obj(key.clone_ref(py)), value, |k| {
                        k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                    });
                    if let Some(slot) = table.find_slot(name.hash(), |k| matches!(k, Value::Obj(o) if o.is(key))) {
                        hint.set_slot(slot);
                    }
                    old
                }
            }
        };
        drop(old);
    }

    /// Globals, then builtins.
    pub fn load_global(&mut self, globals: &ObjRef, key: &ObjRef) -> PyResult<Value> {
        if let Some(v) = self.dict_get_str(globals, key)? {
            return Ok(v);
        }
        let builtins = self.builtins.clone_ref(self.py);
        match self.dict_get_str(&builtins, key)? {
            Some(v) => Ok(v),
            None => Err(self.name_error(crate::vm::eval::str_of(key))),
        }
    }

    /// Snapshot of a dict's items (the lock is released before the caller runs any Python code).
    pub fn dict_items(&mut self, dict: &Value) -> PyResult<Vec<(Value, Value)>> {
        let py = self.py;
        match dict.payload() {
            Some(Payload::Dict(table)) => Ok(table
                .lock(py)
                .iter()
                .map(|e| (e.key.clone_ref(py), e.value.clone_ref(py)))
                .collect()),
            _ => {
                let keys_method = self.get_attr(dict, &intern("keys"))?;
                let keys = self.call(&keys_method, &[], &[])?;
                let mut out = Vec::new();
                for k in self.collect(&keys)? {
                    let v = self.get_item(dict, &k)?;
                    out.push((k, v));
                }
                Ok(out)
            }
        }
    }

    /// `dict.update(mapping)`, or `{**a}` / `f(**a)` merging (`merge` rejects duplicates).
    pub fn dict_update(&mut self, dict: &Value, mapping: &Value, merge: bool) -> PyResult<()> {
        let is_mapping = matches!(mapping.payload(), Some(Payload::Dict(_)))
            || (matches!(mapping.payload(), Some(Payload::Instance(_)))
                && self.lookup_special(mapping, "keys").is_some());
        if !is_mapping {
            return Err(self.type_error(format!("'{}' object is not a mapping", self.type_name(mapping))));
        }
        if !merge && self.dict_merge_locked(dict, mapping) {
            return Ok(());
        }
        for (k, v) in self.dict_items(mapping)? {
            if merge && self.dict_get(dict, &k)?.is_some() {
                let key = self.str(&k)?;
                return Err(self.type_error(format!("got multiple values for keyword argument '{key}'")));
            }
            self.dict_set(dict, k, v)?;
        }
        Ok(())
    }

    /// `dict.update(other)` for two plain dicts whose keys all compare natively, as one step:
    /// both locked together (lower address first, as CPython 3.13t's two-object critical
    /// section), `other`'s entries are inserted into `dict` with their stored hashes, so no
    /// thread sees `dict` half updated. `false`, having done nothing, when a key may have a
    /// Python `__eq__`, which must run unlocked.
    fn dict_merge_locked(&mut self, dict: &Value, other: &Value) -> bool {
        let py = self.py;
        let (Some(Payload::Dict(target)), Some(Payload::Dict(source))) = (dict.payload(), other.payload()) else {
            return false;
        };
        let (mut target, source) = DictObject::lock_two(py, target, source);
        // Updating a dict with itself changes nothing.
        let Some(source) = source else {
            return true;
        };
        if source.iter().any(|e| may_need_python_eq(&e.key)) {
            return false;
        }
        let replaced: Vec<Value> = source
            .iter()
            .filter_map(|e| {
                target.insert(e.hash, e.key.clone_ref(py), e.value.clone_ref(py), |k| {
                    key_eq(k, &e.key)
                })
            })
            .collect();
        drop((target, source));
        drop(replaced);
        true
    }

    /// `a == b` for two dicts, read at one moment (both locked) when every key and value
    /// compares natively; `None` when some comparison needs Python code, to be made unlocked.
    pub(in crate::vm) fn dict_eq_locked(&self, a: &DictObject, b: &DictObject) -> Option<bool> {
        let (a, b) = DictObject::lock_two(self.py, a, b);
        let Some(b) = b else {
            return Some(true);
        };
        if a.len() != b.len() {
            return Some(false);
        }
        for entry in a.iter() {
            if may_need_python_eq(&entry.key) {
                return None;
            }
            match b.get(entry.hash, |k| key_eq(k, &entry.key)) {
                None => return Some(false),
                Some(other) => {
                    if !Vm::eq_natively(&entry.value, &other.value)? {
                        return Some(false);
                    }
                }
            }
        }
        Some(true)
    }

    /// Keyword arguments from a `**mapping`.
    pub fn kwargs_from_mapping(&mut self, mapping: &Value) -> PyResult<Vec<(ObjRef, Value)>> {
        let mut out = Vec::new();
        for (k, v) in self.dict_items(mapping)? {
            match k {
                Value::Obj(o) if matches!(o.payload, Payload::Str(_)) => out.push((o, v)),
                _ => return Err(self.type_error("keywords must be strings")),
            }
        }
        Ok(out)
    }
}
