//! `next()` on built-in iterators.
//!
//! A step that runs no Python code — over a list, tuple, range, string, dict or set, and
//! `enumerate` or `zip` over such iterators — is taken whole under the iterator's lock
//! ([`Vm::step_native`]): threads sharing one `enumerate` each get a count with its own item,
//! and threads sharing one `zip` each get one whole row, as CPython 3.13t guarantees. A step
//! that may run Python code (a generator inside a `zip`, the function of a `map`) copies what
//! it needs out of the lock and releases it first; such a step is not atomic.

use num_bigint::BigInt;

use crate::objects::types::types;
use crate::objects::{DictViewKind, IterState, ObjLock, Payload, TableCursor, Value};
use crate::vm::{PyErr, PyResult, Vm};

use super::{SendResult, advance_simple, range_step};

/// How deeply `enumerate` and `zip` objects may nest and still advance in one native step; a
/// deeper chain advances level by level, like one that runs Python code.
const NATIVE_NESTING: u8 = 16;

/// What a native step produced: an item, the end (`None`), or one of CPython's errors, raised
/// once the locks are released.
type Step = Result<Option<Value>, StepError>;

pub enum StepError {
    DictChangedSize,
    DictKeysChanged,
    SetChangedSize,
    /// `zip(strict=True)`: argument `n` (counted from 1) ran out before the ones before it.
    ZipShorter(usize),
    /// `zip(strict=True)`: argument `n` still had items when the first ran out.
    ZipLonger(usize),
}

impl Vm<'_> {
    /// `next(it)`: `None` when exhausted.
    pub fn next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it.payload() {
            Some(Payload::Iterator(_, state)) => self.next_builtin(state),
            Some(Payload::Generator(g)) if g.lock(self.py).kind == crate::objects::GenKind::Generator => {
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
        let mut guard = state.lock(self.py);
        if let Some(step) = self.step_native(&mut guard) {
            drop(guard);
            return step.map_err(|e| self.step_error(e));
        }
        // Each level of `zip(map(..., enumerate(...)))` nests one call here: a chain made a
        // million deep raises RecursionError instead of overflowing the native stack.
        self.check_native_stack()?;
        self.next_calling_python(state, guard)
    }

    /// The step of an iterator that may run Python code: what it needs is copied out and the
    /// lock released first.
    fn next_calling_python(
        &mut self,
        state: &ObjLock<IterState>,
        mut guard: crate::objects::ObjGuard<'_, IterState>,
    ) -> PyResult<Option<Value>> {
        let py = self.py;
        match &mut *guard {
            IterState::Seq { seq, index } => {
                let (seq, i) = (seq.clone_ref(py), *index);
                *index += 1;
                drop(guard);
                self.item_or_end(state, &seq, i)
            }
            IterState::Reversed { seq, remaining } => {
                if *remaining == 0 {
                    return Ok(None);
                }
                *remaining -= 1;
                let (seq, i) = (seq.clone_ref(py), *remaining);
                drop(guard);
                self.item_or_end(state, &seq, i)
            }
            IterState::Enumerate { inner, .. } => {
                let inner = Value::Obj(inner.clone_ref(py));
                drop(guard);
                let Some(item) = self.next(&inner)? else {
                    return Ok(None);
                };
                // The count is read and advanced in one step, so no two items share one.
                let n = match &mut *state.lock(py) {
                    IterState::Enumerate { count, .. } => {
                        let next = self.successor(count);
                        std::mem::replace(count, next)
                    }
                    _ => Value::Int(0),
                };
                Ok(Some(self.new_tuple(vec![n, item])))
            }
            IterState::Zip { inners, strict, .. } => {
                let inners: Vec<Value> = inners.iter().map(|v| v.clone_ref(py)).collect();
                let strict = *strict;
                drop(guard);
                match zip_row(inners.len(), strict, |i| self.next(&inners[i]))? {
                    Ok(Some(row)) => Ok(Some(self.new_tuple(row))),
                    Ok(None) => Ok(None),
                    Err(mismatch) => Err(self.step_error(mismatch)),
                }
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
                // The callable raising StopIteration ends the iteration too, as in CPython.
                let value = match self.call(&function, &[], &[]) {
                    Ok(value) => Some(value),
                    Err(e) if self.err_matches(&e, &types().stop_iteration) => None,
                    Err(e) => return Err(e),
                };
                // The sentinel is asked first: `sentinel == value`, as CPython compares.
                let item = match value {
                    Some(value) if !(value.is(&sentinel) || self.eq(&sentinel, &value)?) => Some(value),
                    _ => None,
                };
                if item.is_none() {
                    let old = std::mem::replace(&mut *state.lock(py), IterState::Exhausted);
                    drop(old);
                }
                Ok(item)
            }
            // Every other state steps natively.
            _ => Ok(None),
        }
    }

    /// `seq[i]` through `__getitem__` for a sequence iterator; an `IndexError` (or
    /// `StopIteration`) ends the iteration for good.
    fn item_or_end(&mut self, state: &ObjLock<IterState>, seq: &Value, i: usize) -> PyResult<Option<Value>> {
        match self.get_item(seq, &Value::Int(i as i64)) {
            Ok(v) => Ok(Some(v)),
            Err(e) if self.err_matches(&e, &types().index_error) || self.err_matches(&e, &types().stop_iteration) => {
                let old = std::mem::replace(&mut *state.lock(self.py), IterState::Exhausted);
                drop(old);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// One step of `state`, when it runs no Python code, taken whole: the caller holds the
    /// iterator's lock (or is its only holder). `None`, with nothing changed, when the step may
    /// need Python code. Built-in iterators inside an `enumerate` or `zip` are locked in turn
    /// while the outer one stays locked: an iterator only ever locks those created before it,
    /// so two threads can never wait for each other's.
    pub(in crate::vm) fn step_native(&self, state: &mut IterState) -> Option<Step> {
        let py = self.py;
        let step = match state {
            IterState::Seq { seq, index } => {
                let item = match seq.payload() {
                    Some(Payload::List(items)) => items.lock(py).get(*index).map(|v| v.clone_ref(py)),
                    Some(Payload::Tuple(items)) => items.get(*index).map(|v| v.clone_ref(py)),
                    Some(Payload::Bytes(b)) => b.get(*index).map(|b| Value::Int(i64::from(*b))),
                    Some(Payload::ByteArray(array)) => array.lock(py).get(*index).map(|b| Value::Int(i64::from(*b))),
                    _ => return None,
                };
                *index += 1;
                Ok(item)
            }
            IterState::Range { next, stop, step } => Ok(range_step(next, *stop, *step).map(Value::Int)),
            IterState::Str { text, byte_pos } => {
                let s = match &text.payload {
                    Payload::Str(s) => s.as_str(),
                    _ => "",
                };
                let c = s.get(*byte_pos..).and_then(|rest| rest.chars().next());
                if let Some(c) = c {
                    *byte_pos += c.len_utf8();
                }
                Ok(c.map(|c| self.char_str(c)))
            }
            IterState::DictKeys(cursor) => self.dict_step::<false>(cursor, DictViewKind::Keys),
            IterState::DictValues(cursor) => self.dict_step::<false>(cursor, DictViewKind::Values),
            IterState::DictItems(cursor) => self.dict_step::<false>(cursor, DictViewKind::Items),
            IterState::DictKeysReversed(cursor) => self.dict_step::<true>(cursor, DictViewKind::Keys),
            IterState::DictValuesReversed(cursor) => self.dict_step::<true>(cursor, DictViewKind::Values),
            IterState::DictItemsReversed(cursor) => self.dict_step::<true>(cursor, DictViewKind::Items),
            IterState::SetItems {
                set,
                index,
                len_at_start,
            } => {
                // Like CPython's set iterator, only a change of size is detected.
                let step = |table: &crate::objects::SetTable| {
                    if table.len() != *len_at_start {
                        return Err(StepError::SetChangedSize);
                    }
                    Ok(table.entry_from(*index).map(|(i, e)| (i, e.key.clone_ref(py))))
                };
                let found = match &set.payload {
                    Payload::Set(table) => step(&table.lock(py)),
                    Payload::FrozenSet(table) => step(table),
                    _ => Ok(None),
                };
                match found {
                    Ok(Some((i, key))) => {
                        *index = i + 1;
                        Ok(Some(key))
                    }
                    Ok(None) => Ok(None),
                    Err(e) => {
                        // No size matches any more: the error repeats on every later call.
                        *len_at_start = usize::MAX;
                        Err(e)
                    }
                }
            }
            IterState::Reversed { seq, remaining } => {
                let i = remaining.checked_sub(1);
                // As in CPython, a list that shrank below the next index (another thread, or
                // the loop body, removed items) ends the iteration instead of raising.
                let item = match seq.payload() {
                    Some(Payload::List(items)) => i.and_then(|i| items.lock(py).get(i).map(|v| v.clone_ref(py))),
                    Some(Payload::Tuple(items)) => i.and_then(|i| items.get(i).map(|v| v.clone_ref(py))),
                    Some(Payload::Bytes(b)) => i.and_then(|i| b.get(i).map(|b| Value::Int(i64::from(*b)))),
                    Some(Payload::ByteArray(array)) => {
                        i.and_then(|i| array.lock(py).get(i).map(|b| Value::Int(i64::from(*b))))
                    }
                    _ => return None,
                };
                *remaining = i.unwrap_or(0);
                Ok(item)
            }
            IterState::Enumerate {
                inner,
                count,
                native_height,
            } => {
                native_height.as_ref()?;
                let Payload::Iterator(_, inner) = &inner.payload else {
                    return None;
                };
                match self.step_native(&mut inner.lock(py))? {
                    Ok(Some(item)) => {
                        let next = self.successor(count);
                        let n = std::mem::replace(count, next);
                        Ok(Some(self.new_tuple(vec![n, item])))
                    }
                    other => other,
                }
            }
            IterState::Zip {
                inners,
                strict,
                native_height,
            } => {
                native_height.as_ref()?;
                let advance = |i: usize| match inners[i].payload() {
                    // A native zip holds native iterators only (`native_height`).
                    Some(Payload::Iterator(_, inner)) => self.step_native(&mut inner.lock(py)).unwrap_or(Ok(None)),
                    _ => Ok(None),
                };
                match zip_row(inners.len(), *strict, advance) {
                    Ok(Ok(row)) => Ok(row.map(|row| self.new_tuple(row))),
                    Ok(Err(mismatch)) | Err(mismatch) => Err(mismatch),
                }
            }
            IterState::Map { .. } | IterState::Filter { .. } | IterState::Callable { .. } => return None,
            IterState::Exhausted => Ok(None),
        };
        // An iterator over a container that ran out stays exhausted and lets go of the
        // container, as in CPython; `enumerate` and `zip` ask their iterators again on every
        // call, and a set or dict iterator whose table changed size keeps raising.
        let finished = matches!(step, Ok(None) | Err(StepError::DictKeysChanged));
        if finished
            && !matches!(
                state,
                IterState::Enumerate { .. } | IterState::Zip { .. } | IterState::Range { .. }
            )
        {
            *state = IterState::Exhausted;
        }
        Some(step)
    }

    /// One step over a dict's table, from the first slot up or (`REVERSED`) the last down.
    fn dict_step<const REVERSED: bool>(&self, cursor: &mut TableCursor, kind: DictViewKind) -> Step {
        let py = self.py;
        let Payload::Dict(dict) = &cursor.owner.payload else {
            return Ok(None);
        };
        let table = dict.lock(py);
        if TableCursor::position(table.len()) != cursor.len_at_start {
            // As in CPython, the iterator stays broken even if the size comes back.
            cursor.len_at_start = u32::MAX;
            return Err(StepError::DictChangedSize);
        }
        let entry = if REVERSED {
            // A table rebuilt meanwhile may have fewer slots than the cursor had left.
            let mut i = (cursor.index as usize).min(table.slot_count());
            let found = loop {
                if i == 0 {
                    break None;
                }
                i -= 1;
                if let Some(Some(entry)) = table.slot(i) {
                    break Some(entry);
                }
            };
            cursor.index = TableCursor::position(i);
            found
        } else {
            loop {
                match table.slot(cursor.index as usize) {
                    None => break None,
                    Some(slot) => {
                        cursor.index = cursor.index.saturating_add(1);
                        if slot.is_some() {
                            break slot;
                        }
                    }
                }
            }
        };
        let Some(entry) = entry else {
            return Ok(None);
        };
        if !REVERSED {
            // More items than the dict had: some were removed and others added (same size).
            if cursor.yielded == cursor.len_at_start {
                return Err(StepError::DictKeysChanged);
            }
            cursor.yielded = cursor.yielded.saturating_add(1);
        }
        Ok(Some(match kind {
            DictViewKind::Keys => entry.key.clone_ref(py),
            DictViewKind::Values => entry.value.clone_ref(py),
            DictViewKind::Items => {
                let pair = vec![entry.key.clone_ref(py), entry.value.clone_ref(py)];
                drop(table);
                self.new_tuple(pair)
            }
        }))
    }

    /// `n + 1` for an `enumerate` count (always a plain int).
    fn successor(&self, n: &Value) -> Value {
        match n {
            Value::Int(i) => match i.checked_add(1) {
                Some(next) => Value::Int(next),
                None => self.new_int(BigInt::from(*i) + 1),
            },
            _ => match super::as_bigint(n) {
                Some(b) => self.new_int(b.into_owned() + 1),
                None => Value::Int(0),
            },
        }
    }

    /// How deeply `it` nests built-in iterators that all step natively (0 for a list
    /// iterator, one more for each `enumerate` or `zip` around it); `None` if some step may
    /// run Python code or the nesting passes [`NATIVE_NESTING`]. Fixed when the iterator is
    /// made, so `enumerate` and `zip` record it for their own.
    pub fn native_height(&self, it: &Value) -> Option<u8> {
        let Some(Payload::Iterator(_, state)) = it.payload() else {
            return None;
        };
        match &*state.lock(self.py) {
            IterState::Seq { seq, .. } | IterState::Reversed { seq, .. } => matches!(
                seq.payload(),
                Some(Payload::List(_) | Payload::Tuple(_) | Payload::Bytes(_) | Payload::ByteArray(_))
            )
            .then_some(0),
            IterState::Range { .. }
            | IterState::Str { .. }
            | IterState::DictKeys(_)
            | IterState::DictValues(_)
            | IterState::DictItems(_)
            | IterState::DictKeysReversed(_)
            | IterState::DictValuesReversed(_)
            | IterState::DictItemsReversed(_)
            | IterState::SetItems { .. }
            | IterState::Exhausted => Some(0),
            IterState::Enumerate { native_height, .. } | IterState::Zip { native_height, .. } => *native_height,
            IterState::Map { .. } | IterState::Filter { .. } | IterState::Callable { .. } => None,
        }
    }

    /// The height of an `enumerate` or `zip` over `inners` (see [`Vm::native_height`]).
    pub fn native_height_over(&self, inners: &[Value]) -> Option<u8> {
        let mut height = 0;
        for inner in inners {
            height = height.max(self.native_height(inner)?);
        }
        (height < NATIVE_NESTING).then_some(height + 1)
    }

    fn step_error(&self, e: StepError) -> PyErr {
        let arguments = |n: usize| {
            if n == 2 {
                "argument 1".to_string()
            } else {
                format!("arguments 1-{}", n - 1)
            }
        };
        match e {
            StepError::DictChangedSize => self.runtime_error("dictionary changed size during iteration"),
            StepError::DictKeysChanged => self.runtime_error("dictionary keys changed during iteration"),
            StepError::SetChangedSize => self.runtime_error("Set changed size during iteration"),
            StepError::ZipShorter(n) => {
                self.value_error(format!("zip() argument {n} is shorter than {}", arguments(n)))
            }
            StepError::ZipLonger(n) => self.value_error(format!("zip() argument {n} is longer than {}", arguments(n))),
        }
    }
}

/// One row of a `zip` of `count` iterators, `advance(i)` stepping the i-th: the row, the end
/// (`None`), or, when `strict`, the mismatch CPython reports. As in CPython, a strict zip
/// whose first iterator ran out asks each of the others for one more item.
fn zip_row<E>(
    count: usize,
    strict: bool,
    mut advance: impl FnMut(usize) -> Result<Option<Value>, E>,
) -> Result<Result<Option<Vec<Value>>, StepError>, E> {
    if count == 0 {
        return Ok(Ok(None));
    }
    let mut row = Vec::with_capacity(count);
    for i in 0..count {
        match advance(i)? {
            Some(v) => row.push(v),
            None if !strict => return Ok(Ok(None)),
            None if i > 0 => return Ok(Err(StepError::ZipShorter(i + 1))),
            None => {
                for j in 1..count {
                    if advance(j)?.is_some() {
                        return Ok(Err(StepError::ZipLonger(j + 1)));
                    }
                }
                return Ok(Ok(None));
            }
        }
    }
    Ok(Ok(Some(row)))
}
