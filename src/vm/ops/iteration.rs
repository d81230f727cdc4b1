//! Iteration: `iter()`, collecting and unpacking (`next()` is in `iterators.rs`).

use crate::objects::{DictViewKind, IterState, ObjLock, ObjRef, Payload, TableCursor, Value};

use crate::vm::{PyErr, PyResult, Vm};

impl Vm<'_> {
    pub fn new_iterator(&self, state: IterState) -> Value {
        let kind = iterator_kind(&state);
        self.alloc(Payload::Iterator(kind, ObjLock::new(state)))
    }

    /// `iter(v)`.
    pub fn iter(&mut self, v: &Value) -> PyResult<Value> {
        let py = self.py;
        let seq = |v: &Value| IterState::Seq {
            seq: v.clone_ref(py),
            index: 0,
        };
        let state = match v.payload() {
            Some(Payload::List(_) | Payload::Tuple(_) | Payload::Bytes(_) | Payload::ByteArray(_)) => seq(v),
            Some(Payload::MemoryView(_)) => {
                crate::objects::methods::memoryview::live_view(self, v)?;
                seq(v)
            }
            Some(Payload::Str(_)) => match v {
                Value::Obj(o) => IterState::Str {
                    text: o.clone_ref(py),
                    byte_pos: 0,
                },
                _ => IterState::Exhausted,
            },
            Some(Payload::Range(r)) => IterState::Range {
                next: r.start,
                stop: r.stop,
                step: r.step,
            },
            Some(Payload::Dict(_)) => match v {
                Value::Obj(o) => table_iter(py, o, DictViewKind::Keys, false),
                _ => IterState::Exhausted,
            },
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => match v {
                Value::Obj(o) => IterState::SetItems {
                    set: o.clone_ref(py),
                    index: 0,
                    len_at_start: self.set_len(v),
                },
                _ => IterState::Exhausted,
            },
            Some(Payload::DictView(dict, kind)) => table_iter(py, dict, *kind, false),
            Some(Payload::Iterator(..)) => return Ok(v.clone_ref(py)),
            Some(Payload::Generator(g)) => {
                if g.lock(py).kind == crate::objects::GenKind::Generator {
                    return Ok(v.clone_ref(py));
                }
                return Err(self.type_error(format!("'{}' object is not iterable", self.type_name(v))));
            }
            Some(Payload::Instance(_)) => {
                if let Some(method) = self.lookup_special(v, "__iter__") {
                    let it = self.call(&method, &[v.clone_ref(py)], &[])?;
                    if self.lookup_special(&it, "__next__").is_none()
                        && !matches!(it.payload(), Some(Payload::Iterator(..) | Payload::Generator(_)))
                    {
                        return Err(self.type_error(format!(
                            "iter() returned non-iterator of type '{}'",
                            self.type_name(&it)
                        )));
                    }
                    return Ok(it);
                }
                if self.lookup_special(v, "__getitem__").is_some() {
                    seq(v)
                } else {
                    return Err(self.not_iterable(v));
                }
            }
            // Built-in types that implement the protocol natively (files).
            _ => match self.lookup_special(v, "__iter__") {
                Some(method) => return self.call(&method, &[v.clone_ref(py)], &[]),
                None => return Err(self.not_iterable(v)),
            },
        };
        Ok(self.new_iterator(state))
    }

    fn not_iterable(&self, v: &Value) -> PyErr {
        self.type_error(format!("'{}' object is not iterable", self.type_name(v)))
    }

    /// All items of an iterable.
    pub fn collect(&mut self, iterable: &Value) -> PyResult<Vec<Value>> {
        let py = self.py;
        // Built-in containers are copied in one step under their lock, as CPython's constructors
        // do: `list(s)` while another thread changes `s` sees one state of it, not an error.
        match iterable.payload() {
            Some(Payload::List(items)) => return Ok(items.lock(py).iter().map(|v| v.clone_ref(py)).collect()),
            Some(Payload::Tuple(items)) => return Ok(items.iter().map(|v| v.clone_ref(py)).collect()),
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => return Ok(self.set_items(iterable)),
            Some(Payload::Dict(table)) => return Ok(table.lock(py).iter().map(|e| e.key.clone_ref(py)).collect()),
            Some(Payload::DictView(dict, kind)) => return Ok(self.dict_view_items(dict, *kind)),
            _ => {}
        }
        let it = self.iter(iterable)?;
        let mut out = Vec::new();
        while let Some(v) = self.next(&it)? {
            out.push(v);
        }
        Ok(out)
    }

    /// `reversed(d)`, `reversed(d.items())`…: an iterator from the dict's last slot down.
    pub fn reversed_dict(&self, dict: &ObjRef, kind: DictViewKind) -> Value {
        self.new_iterator(table_iter(self.py, dict, kind, true))
    }

    /// The items of a built-in container (list, tuple, set, dict, a view of a dict's keys or
    /// values), copied in one step under its lock, if every one passes `keep`; `None` if one
    /// does not, or for any other iterable.
    pub fn snapshot_if(&self, iterable: &Value, keep: impl Fn(&Value) -> bool) -> Option<Vec<Value>> {
        let py = self.py;
        let copy = |items: &mut dyn Iterator<Item = &Value>| -> Option<Vec<Value>> {
            items.map(|v| keep(v).then(|| v.clone_ref(py))).collect()
        };
        match iterable.payload()? {
            Payload::List(items) => copy(&mut items.lock(py).iter()),
            Payload::Tuple(items) => copy(&mut items.iter()),
            Payload::Set(table) => copy(&mut table.lock(py).iter().map(|e| &e.key)),
            Payload::FrozenSet(table) => copy(&mut table.iter().map(|e| &e.key)),
            Payload::Dict(table) => copy(&mut table.lock(py).iter().map(|e| &e.key)),
            Payload::DictView(dict, kind) => {
                let Payload::Dict(table) = &dict.payload else {
                    return None;
                };
                let table = table.lock(py);
                match kind {
                    DictViewKind::Keys => copy(&mut table.iter().map(|e| &e.key)),
                    DictViewKind::Values => copy(&mut table.iter().map(|e| &e.value)),
                    DictViewKind::Items => None,
                }
            }
            _ => None,
        }
    }

    /// A dict view's items, copied in one step under the dict's lock.
    fn dict_view_items(&self, dict: &ObjRef, kind: DictViewKind) -> Vec<Value> {
        let py = self.py;
        let Payload::Dict(table) = &dict.payload else {
            return Vec::new();
        };
        match kind {
            DictViewKind::Keys => table.lock(py).iter().map(|e| e.key.clone_ref(py)).collect(),
            DictViewKind::Values => table.lock(py).iter().map(|e| e.value.clone_ref(py)).collect(),
            DictViewKind::Items => {
                let pairs: Vec<[Value; 2]> = table
                    .lock(py)
                    .iter()
                    .map(|e| [e.key.clone_ref(py), e.value.clone_ref(py)])
                    .collect();
                pairs.into_iter().map(|pair| self.new_tuple(pair.into())).collect()
            }
        }
    }

    /// Unpack for assignment: exactly `before` items, or with a starred target `before` items, a
    /// list, and `after` items.
    pub fn unpack(&mut self, seq: &Value, before: usize, after: Option<usize>) -> PyResult<Vec<Value>> {
        if !matches!(seq.payload(), Some(Payload::List(_) | Payload::Tuple(_))) && self.iter(seq).is_err() {
            return Err(self.type_error(format!("cannot unpack non-iterable {} object", self.type_name(seq))));
        }
        let mut items = self.collect(seq)?;
        match after {
            None => {
                if items.len() < before {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected {before}, got {})",
                        items.len()
                    )));
                }
                if items.len() > before {
                    return Err(self.value_error(format!("too many values to unpack (expected {before})")));
                }
                Ok(items)
            }
            Some(after) => {
                if items.len() < before + after {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        before + after,
                        items.len()
                    )));
                }
                let tail = items.split_off(items.len() - after);
                let middle = items.split_off(before);
                items.push(self.new_list(middle));
                items.extend(tail);
                Ok(items)
            }
        }
    }
}

/// An iterator over a dict's table, from its first slot (or, `reversed`, its last).
fn table_iter(py: crate::gil::Gil<'_>, owner: &ObjRef, kind: DictViewKind, reversed: bool) -> IterState {
    let (len_at_start, slots) = match &owner.payload {
        Payload::Dict(table) => {
            let table = table.lock(py);
            (table.len(), table.slot_count())
        }
        _ => (0, 0),
    };
    let cursor = TableCursor {
        owner: owner.clone_ref(py),
        index: if reversed { TableCursor::position(slots) } else { 0 },
        len_at_start: TableCursor::position(len_at_start),
        yielded: 0,
    };
    match (kind, reversed) {
        (DictViewKind::Keys, false) => IterState::DictKeys(cursor),
        (DictViewKind::Values, false) => IterState::DictValues(cursor),
        (DictViewKind::Items, false) => IterState::DictItems(cursor),
        (DictViewKind::Keys, true) => IterState::DictKeysReversed(cursor),
        (DictViewKind::Values, true) => IterState::DictValuesReversed(cursor),
        (DictViewKind::Items, true) => IterState::DictItemsReversed(cursor),
    }
}

/// The class of a new built-in iterator (an index into `types::ITERATOR_TYPE_NAMES`), as
/// CPython names them: `list_iterator`, `dict_keyiterator`, `enumerate`…
fn iterator_kind(state: &IterState) -> u8 {
    match state {
        IterState::Seq { seq, .. } => match seq.builtin_self().payload() {
            Some(Payload::List(_)) => 1,
            Some(Payload::Tuple(_)) => 2,
            Some(Payload::Bytes(_)) => 10,
            Some(Payload::ByteArray(_)) => 21,
            Some(Payload::MemoryView(_)) => 22,
            _ => 0,
        },
        IterState::Range { .. } => 3,
        IterState::Str { text, .. } => match &text.payload {
            Payload::Str(s) if !s.as_str().is_ascii() => 5,
            _ => 4,
        },
        IterState::DictKeysReversed(_) => 18,
        IterState::DictValuesReversed(_) => 19,
        IterState::DictItemsReversed(_) => 20,
        IterState::DictKeys(_) => 6,
        IterState::DictValues(_) => 7,
        IterState::DictItems(_) => 8,
        IterState::SetItems { .. } => 9,
        IterState::Reversed { seq, .. } => match seq.builtin_self().payload() {
            Some(Payload::List(_)) => 11,
            Some(Payload::Range(_)) => 3,
            _ => 12,
        },
        IterState::Enumerate { .. } => 13,
        IterState::Zip { .. } => 14,
        IterState::Map { .. } => 15,
        IterState::Filter { .. } => 16,
        IterState::Callable { .. } => 17,
        IterState::Exhausted => 0,
    }
}
