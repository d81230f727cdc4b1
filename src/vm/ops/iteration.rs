//! Iteration: `iter()`, `next()` for built-in iterators and generators, collecting and
//! unpacking.

use crate::compile::bytecode::BinOp;
use crate::objects::types::types;
use crate::objects::{DictViewKind, IterState, ObjLock, ObjRef, Payload, SetTable, TableCursor, Value};

use crate::vm::{PyErr, PyResult, Vm};

use super::{SendResult, advance_simple, range_step};

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
            Some(Payload::List(_) | Payload::Tuple(_) | Payload::Bytes(_)) => seq(v),
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
            Some(Payload::Dict(table)) => match v {
                Value::Obj(o) => table_iter(o.clone_ref(py), DictViewKind::Keys, table.lock(py).len()),
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
            Some(Payload::DictView(dict, kind)) => {
                let len_at_start = match &dict.payload {
                    Payload::Dict(table) => table.lock(py).len(),
                    _ => 0,
                };
                table_iter(dict.clone_ref(py), *kind, len_at_start)
            }
            Some(Payload::Iterator(..) | Payload::Generator(_)) => return Ok(v.clone_ref(py)),
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

    /// `next(it)`: `None` when exhausted.
    pub fn next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it.payload() {
            Some(Payload::Iterator(_, state)) => self.next_builtin(state),
            Some(Payload::Generator(_)) => {
                match self.resume_generator(it, crate::vm::args::Resume::Send(Value::None))? {
                    SendResult::Yielded(v) => Ok(Some(v)),
                    SendResult::Returned(_) => Ok(None),
                }
            }
            _ => {
                let Some(method) = self.lookup_special(it, "__next__") else {
                    return Err(self.type_error(format!("'{}' object is not an iterator", self.type_name(it))));
                };
                match self.call(&method, &[it.clone_ref(self.py)], &[]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if self.err_matches(&e, &types().stop_iteration) => Ok(None),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// `next` on a range iterator, or on a list iterator with items left, inlined into
    /// `ForIter`: `Some(None)` when the range is exhausted, `None` when `next` must decide.
    #[inline(always)]
    pub fn next_fast(&self, it: &Value) -> Option<Option<Value>> {
        let Some(Payload::Iterator(_, state)) = it.payload() else {
            return None;
        };
        advance_simple(self.py, &mut state.lock(self.py))
    }

    fn next_builtin(&mut self, state: &ObjLock<IterState>) -> PyResult<Option<Value>> {
        let py = self.py;
        // Simple states advance under the lock; states that call back into Python copy what they
        // need and release it first.
        let mut guard = state.lock(py);
        let kind = match &*guard {
            IterState::DictValues(_) => DictViewKind::Values,
            IterState::DictItems(_) => DictViewKind::Items,
            _ => DictViewKind::Keys,
        };
        match &mut *guard {
            IterState::Seq { seq, index } => {
                let i = *index;
                let item = match seq.payload() {
                    Some(Payload::List(items)) => items.lock(py).get(i).map(|v| v.clone_ref(py)),
                    Some(Payload::Tuple(items)) => items.get(i).map(|v| v.clone_ref(py)),
                    Some(Payload::Bytes(b)) => b.get(i).map(|b| Value::Int(i64::from(*b))),
                    Some(Payload::Instance(_)) => {
                        let seq = seq.clone_ref(py);
                        *index += 1;
                        drop(guard);
                        return match self.get_item(&seq, &Value::Int(i as i64)) {
                            Ok(v) => Ok(Some(v)),
                            Err(e)
                                if self.err_matches(&e, &types().index_error)
                                    || self.err_matches(&e, &types().stop_iteration) =>
                            {
                                *state.lock(py) = IterState::Exhausted;
                                Ok(None)
                            }
                            Err(e) => Err(e),
                        };
                    }
                    _ => None,
                };
                match item {
                    Some(v) => {
                        *index += 1;
                        Ok(Some(v))
                    }
                    None => {
                        *guard = IterState::Exhausted;
                        Ok(None)
                    }
                }
            }
            IterState::Range { next, stop, step } => Ok(range_step(next, *stop, *step).map(Value::Int)),
            IterState::Str { text, byte_pos } => {
                let s = match &text.payload {
                    Payload::Str(s) => s.as_str(),
                    _ => "",
                };
                match s[*byte_pos..].chars().next() {
                    Some(c) => {
                        *byte_pos += c.len_utf8();
                        drop(guard);
                        Ok(Some(self.new_str(c.to_string())))
                    }
                    None => Ok(None),
                }
            }
            IterState::DictKeys(cursor) | IterState::DictValues(cursor) | IterState::DictItems(cursor) => {
                let TableCursor {
                    owner,
                    index,
                    len_at_start,
                    yielded,
                } = cursor;
                let Payload::Dict(table) = &owner.payload else {
                    return Ok(None);
                };
                let table_guard = table.lock(py);
                if table_guard.len() != *len_at_start {
                    drop(table_guard);
                    drop(guard);
                    return Err(self.runtime_error("dictionary changed size during iteration"));
                }
                loop {
                    match table_guard.slot(*index) {
                        None => return Ok(None),
                        Some(None) => *index += 1,
                        // Items removed and others added, same size: CPython's error.
                        Some(Some(_)) if *yielded == *len_at_start => {
                            drop(table_guard);
                            drop(guard);
                            return Err(self.runtime_error("dictionary keys changed during iteration"));
                        }
                        Some(Some(entry)) => {
                            *index += 1;
                            *yielded += 1;
                            let (k, v) = (entry.key.clone_ref(py), entry.value.clone_ref(py));
                            drop(table_guard);
                            drop(guard);
                            return Ok(Some(match kind {
                                DictViewKind::Keys => k,
                                DictViewKind::Values => v,
                                DictViewKind::Items => self.new_tuple(vec![k, v]),
                            }));
                        }
                    }
                }
            }
            IterState::SetItems {
                set,
                index,
                len_at_start,
            } => {
                // Like CPython's set iterator, only a change of size is detected.
                let step = |table: &SetTable| {
                    (table.len() == *len_at_start)
                        .then(|| table.entry_from(*index).map(|(i, e)| (i, e.key.clone_ref(py))))
                };
                let found = match &set.payload {
                    Payload::Set(table) => step(&table.lock(py)),
                    Payload::FrozenSet(table) => step(table),
                    _ => Some(None),
                };
                match found {
                    Some(Some((i, key))) => {
                        *index = i + 1;
                        Ok(Some(key))
                    }
                    Some(None) => {
                        *guard = IterState::Exhausted;
                        Ok(None)
                    }
                    None => {
                        // No size matches any more: the error repeats on every later call.
                        *len_at_start = usize::MAX;
                        drop(guard);
                        Err(self.runtime_error("Set changed size during iteration"))
                    }
                }
            }
            IterState::Reversed { seq, remaining } => {
                if *remaining == 0 {
                    return Ok(None);
                }
                *remaining -= 1;
                let (seq, i) = (seq.clone_ref(py), *remaining);
                // As in CPython, a sequence that shrank below the next index (another thread, or
                // the loop body, removed items) ends the iteration instead of raising.
                if let Some(Payload::List(items)) = seq.payload() {
                    let item = items.lock(py).get(i).map(|v| v.clone_ref(py));
                    if item.is_none() {
                        *guard = IterState::Exhausted;
                    }
                    return Ok(item);
                }
                drop(guard);
                match self.get_item(&seq, &Value::Int(i as i64)) {
                    Ok(v) => Ok(Some(v)),
                    Err(e)
                        if self.err_matches(&e, &types().index_error)
                            || self.err_matches(&e, &types().stop_iteration) =>
                    {
                        *state.lock(py) = IterState::Exhausted;
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
            IterState::Enumerate { inner, count } => {
                let (inner, n) = (inner.clone_ref(py), count.clone_ref(py));
                drop(guard);
                let Some(item) = self.next(&inner)? else {
                    return Ok(None);
                };
                let next_count = self.binary_op(BinOp::Add, &n, &Value::Int(1))?;
                if let IterState::Enumerate { count, .. } = &mut *state.lock(py) {
                    *count = next_count;
                }
                Ok(Some(self.new_tuple(vec![n, item])))
            }
            IterState::Zip { inners } => {
                let inners: Vec<Value> = inners.iter().map(|v| v.clone_ref(py)).collect();
                drop(guard);
                let mut items = Vec::with_capacity(inners.len());
                for inner in &inners {
                    match self.next(inner)? {
                        Some(v) => items.push(v),
                        None => {
                            *state.lock(py) = IterState::Exhausted;
                            return Ok(None);
                        }
                    }
                }
                if items.is_empty() {
                    return Ok(None);
                }
                Ok(Some(self.new_tuple(items)))
            }
            IterState::Map { function, inners } => {
                let function = function.clone_ref(py);
                let inners: Vec<Value> = inners.iter().map(|v| v.clone_ref(py)).collect();
                drop(guard);
                let mut args = Vec::with_capacity(inners.len());
                for inner in &inners {
                    match self.next(inner)? {
                        Some(v) => args.push(v),
                        None => return Ok(None),
                    }
                }
                self.call(&function, &args, &[]).map(Some)
            }
            IterState::Filter { function, inner } => {
                let (function, inner) = (function.clone_ref(py), inner.clone_ref(py));
                drop(guard);
                while let Some(item) = self.next(&inner)? {
                    let keep = if function.is_none() {
                        self.is_true(&item)?
                    } else {
                        let r = self.call(&function, &[item.clone_ref(py)], &[])?;
                        self.is_true(&r)?
                    };
                    if keep {
                        return Ok(Some(item));
                    }
                }
                Ok(None)
            }
            IterState::Callable { function, sentinel } => {
                let (function, sentinel) = (function.clone_ref(py), sentinel.clone_ref(py));
                drop(guard);
                let value = self.call(&function, &[], &[])?;
                if value.is(&sentinel) || self.eq(&value, &sentinel)? {
                    let old = std::mem::replace(&mut *state.lock(py), IterState::Exhausted);
                    drop(old);
                    return Ok(None);
                }
                Ok(Some(value))
            }
            IterState::Exhausted => Ok(None),
        }
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
            _ => {}
        }
        let it = self.iter(iterable)?;
        let mut out = Vec::new();
        while let Some(v) = self.next(&it)? {
            out.push(v);
        }
        Ok(out)
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

/// An iterator over a dict's or set's table, starting at the first slot.
fn table_iter(owner: ObjRef, kind: DictViewKind, len_at_start: usize) -> IterState {
    let cursor = TableCursor {
        owner,
        index: 0,
        len_at_start,
        yielded: 0,
    };
    match kind {
        DictViewKind::Keys => IterState::DictKeys(cursor),
        DictViewKind::Values => IterState::DictValues(cursor),
        DictViewKind::Items => IterState::DictItems(cursor),
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
            _ => 0,
        },
        IterState::Range { .. } => 3,
        IterState::Str { text, .. } => match &text.payload {
            Payload::Str(s) if !s.as_str().is_ascii() => 5,
            _ => 4,
        },
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
