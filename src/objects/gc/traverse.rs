//! What each kind of container references, and how to break its references.
//!
//! [`traverse`] must report exactly the references an object *counts*: reporting one it does not
//! count would make the collector think an object has fewer outside references than it has, and
//! free it while still in use; missing one only makes the collector keep a cycle (a leak).
//! [`clear`] (CPython's `tp_clear`) empties the mutable parts that can close a cycle — lists,
//! dicts, sets, cells, namespaces, iterator states, generator frames — so that reference
//! counting frees what the collector found unreachable. A cycle always runs through such a
//! part: an object that cannot change after it is made can only reference older objects.

use crate::gil::Gil;
use crate::gil::stop_world::StoppedWorld;
use crate::objects::{
    DictObject, DictTable, ExceptionState, GeneratorState, InstanceDict, IterState, ObjLock, ObjRef, Payload, PyObject,
    Value,
};
use crate::vm::frame::{Block, SuspendedFrame};

/// How traversal reads the parts of an object behind its lock.
pub trait Reader {
    /// `f` on what `lock` protects; `None` when someone holds the lock.
    fn read<T, R>(&self, lock: &ObjLock<T>, f: impl FnOnce(&T) -> R) -> Option<R>;
    fn read_dict<R>(&self, dict: &DictObject, f: impl FnOnce(&DictTable) -> R) -> Option<R>;
}

/// The collector reads without locking: the world is stopped, so nobody can take a lock
/// meanwhile, and a lock already held means "do not look".
impl Reader for StoppedWorld<'_> {
    #[inline(always)]
    fn read<T, R>(&self, lock: &ObjLock<T>, f: impl FnOnce(&T) -> R) -> Option<R> {
        lock.read_stopped(self).map(f)
    }

    #[inline(always)]
    fn read_dict<R>(&self, dict: &DictObject, f: impl FnOnce(&DictTable) -> R) -> Option<R> {
        dict.read_stopped(self).map(f)
    }
}

/// `gc.get_referents` and friends, while other threads run: take each lock.
pub struct Locking<'py>(pub Gil<'py>);

impl Reader for Locking<'_> {
    fn read<T, R>(&self, lock: &ObjLock<T>, f: impl FnOnce(&T) -> R) -> Option<R> {
        Some(f(&lock.lock(self.0)))
    }

    fn read_dict<R>(&self, dict: &DictObject, f: impl FnOnce(&DictTable) -> R) -> Option<R> {
        Some(f(&dict.lock(self.0)))
    }
}

/// Something a container holds: an object it points at, or a value (which may be unboxed).
#[derive(Clone, Copy)]
pub enum Referent<'a> {
    Object(&'a ObjRef),
    Value(&'a Value),
}

impl<'a> Referent<'a> {
    /// The heap object, if it is one (only those can take part in cycles).
    #[inline(always)]
    pub fn object(self) -> Option<&'a ObjRef> {
        match self {
            Referent::Object(o) | Referent::Value(Value::Obj(o)) => Some(o),
            Referent::Value(_) => None,
        }
    }
}

/// Call `visit` on everything `object` holds a counted reference to (and on the unboxed values
/// it holds, which `gc.get_referents` shows too). False when part of it could not be read
/// (locked): the caller must then assume it references anything.
pub fn traverse(object: &PyObject, reader: &impl Reader, visit: &mut impl FnMut(Referent<'_>)) -> bool {
    let visit = &mut *visit;
    let mut value = |v: &Value| visit(Referent::Value(v));
    match &object.payload {
        // Items last to first, as CPython visits them (what `gc.get_referents` shows).
        Payload::Tuple(items) => items.iter().rev().for_each(value),
        Payload::List(items) => return reader.read(items, |items| items.iter().rev().for_each(value)).is_some(),
        Payload::Dict(dict) => {
            return reader
                .read_dict(dict, |table| table_entries(table, &mut value))
                .is_some();
        }
        Payload::Set(set) => return reader.read(set, |t| t.iter().for_each(|e| value(&e.key))).is_some(),
        Payload::FrozenSet(table) => table.iter().for_each(|e| value(&e.key)),
        Payload::Slice(parts) => parts.iter().for_each(value),
        Payload::BoundMethod(function, receiver) => {
            value(function);
            value(receiver);
        }
        Payload::Cell(cell) => return reader.read(cell, |c| c.iter().for_each(value)).is_some(),
        Payload::Property(accessors) => accessors.iter().for_each(value),
        Payload::StaticMethod(f) | Payload::ClassMethod(f) => value(f),
        Payload::Module(module) => visit(Referent::Object(&module.dict)),
        Payload::DictView(dict, _) => visit(Referent::Object(dict)),
        Payload::Super { class, receiver } => {
            visit(Referent::Object(class));
            visit(Referent::Value(receiver));
        }
        Payload::Function(f) => {
            visit(Referent::Object(&f.code));
            visit(Referent::Object(&f.globals));
            for v in f.defaults.iter().chain(f.kwdefaults.iter().map(|(_, v)| v)) {
                visit(Referent::Value(v));
            }
            for cell in f.closure.iter() {
                visit(Referent::Object(cell));
            }
            return reader
                .read(&f.dict, |t| table_entries(t, &mut |v| visit(Referent::Value(v))))
                .is_some();
        }
        Payload::Type(t) => {
            for class in t.bases.iter().chain(&t.mro).chain(&t.metaclass) {
                visit(Referent::Object(class));
            }
            return reader
                .read(&t.dict, |table| {
                    table_entries(table, &mut |v| visit(Referent::Value(v)))
                })
                .is_some();
        }
        Payload::Instance(inst) => {
            let dict = reader.read(&inst.dict, |dict| match dict {
                InstanceDict::Inline(table) => table_entries(table, &mut |v| visit(Referent::Value(v))),
                InstanceDict::Shared(d) => visit(Referent::Object(d)),
            });
            let slots = match &inst.slots {
                Some(table) => reader.read(table, |t| table_entries(t, &mut |v| visit(Referent::Value(v)))),
                None => Some(()),
            };
            let exception = match &inst.exception {
                Some(state) => reader.read(state, |s| exception_state(s, visit)),
                None => Some(()),
            };
            if let Some(base) = &inst.base {
                visit(Referent::Value(base));
            }
            visit(Referent::Object(&inst.class));
            return dict.is_some() && slots.is_some() && exception.is_some();
        }
        Payload::WeakRef(w) => return reader.read(&w.callback, |c| c.iter().for_each(value)).is_some(),
        Payload::Iterator(_, state) => return reader.read(state, |s| iter_state(s, visit)).is_some(),
        Payload::Generator(state) => return reader.read(state, |g| generator(g, visit)).is_some(),
        Payload::Str(_)
        | Payload::BigInt(_)
        | Payload::Complex(_)
        | Payload::Bytes(_)
        | Payload::ByteArray(_)
        | Payload::MemoryView(_)
        | Payload::Range(_)
        | Payload::Code(_)
        | Payload::Native(_)
        | Payload::NotImplemented
        | Payload::Ellipsis
        | Payload::Stream(_)
        | Payload::Lock(_)
        | Payload::File(_)
        | Payload::Hash(_)
        | Payload::Zlib(_)
        | Payload::Random(_)
        | Payload::Member(_) => {}
    }
    true
}

/// A namespace's values, and its keys unless they are strings (which never hold references,
/// and which `gc.get_referents` of a dict with string keys does not show).
fn table_entries(table: &DictTable, value: &mut impl FnMut(&Value)) {
    for entry in table.iter() {
        if !matches!(entry.key.payload(), Some(Payload::Str(_))) {
            value(&entry.key);
        }
        value(&entry.value);
    }
}

fn exception_state(state: &ExceptionState, visit: &mut impl FnMut(Referent<'_>)) {
    if let Some(args) = &state.args {
        visit(Referent::Object(args));
    }
    for v in state.context.iter().chain(&state.cause) {
        visit(Referent::Value(v));
    }
    for entry in &state.traceback {
        visit(Referent::Object(&entry.globals));
    }
}

fn iter_state(state: &IterState, visit: &mut impl FnMut(Referent<'_>)) {
    let mut value = |v: &Value| visit(Referent::Value(v));
    match state {
        IterState::Seq { seq, .. } | IterState::Reversed { seq, .. } => value(seq),
        IterState::Str { text, .. } => visit(Referent::Object(text)),
        IterState::DictKeys(cursor)
        | IterState::DictValues(cursor)
        | IterState::DictItems(cursor)
        | IterState::DictKeysReversed(cursor)
        | IterState::DictValuesReversed(cursor)
        | IterState::DictItemsReversed(cursor) => visit(Referent::Object(&cursor.owner)),
        IterState::SetItems { set, .. } => visit(Referent::Object(set)),
        IterState::Enumerate { inner, count, .. } => {
            visit(Referent::Object(inner));
            visit(Referent::Value(count));
        }
        IterState::Zip { inners, .. } => inners.iter().for_each(value),
        IterState::Map { function, inners } => {
            value(function);
            inners.iter().for_each(value);
        }
        IterState::Filter { function, inner } => {
            value(function);
            value(inner);
        }
        IterState::Callable { function, sentinel } => {
            value(function);
            value(sentinel);
        }
        IterState::Range { .. } | IterState::Exhausted => {}
    }
}

/// A suspended generator's frame: what its slots, cells and handlers hold, and what it runs.
/// A running generator's frame is out of the object (on the running thread's stack), so it
/// reports nothing: whatever the frame holds is then held from outside, as it should be.
fn generator(state: &GeneratorState, visit: &mut impl FnMut(Referent<'_>)) {
    let Some(suspended) = &state.frame else { return };
    let SuspendedFrame {
        code,
        globals,
        frame,
        slots,
    } = &**suspended;
    for v in slots.stack.iter().chain(slots.fast.iter().flatten()) {
        visit(Referent::Value(v));
    }
    let previous = frame.blocks.iter().filter_map(|block| match block {
        Block::Handler { previous, .. } => previous.as_ref(),
        Block::Try { .. } => None,
    });
    for object in frame.cells.iter().chain(&frame.locals).chain(previous) {
        visit(Referent::Object(object));
    }
    visit(Referent::Object(code));
    visit(Referent::Object(globals));
}

/// Break the references `object` holds through its mutable parts (CPython's `tp_clear`). What
/// is taken out is dropped after every lock is released: dropping may free other objects.
pub fn clear(py: Gil<'_>, object: &PyObject) {
    match &object.payload {
        Payload::List(items) => {
            let mut taken = std::mem::take(&mut *items.lock(py));
            super::drop_last_first(&mut taken);
        }
        Payload::Dict(dict) => {
            let taken = dict.lock(py).clear();
            drop(taken);
        }
        Payload::Set(set) => {
            let taken = set.lock(py).clear();
            drop(taken);
        }
        Payload::Cell(cell) => {
            let taken = cell.lock(py).take();
            drop(taken);
        }
        Payload::Function(f) => {
            let taken = std::mem::take(&mut *f.dict.lock(py));
            drop(taken);
        }
        Payload::Type(t) => {
            let taken = std::mem::take(&mut *t.dict.lock(py));
            drop(taken);
        }
        Payload::Instance(inst) => {
            let dict = std::mem::replace(&mut *inst.dict.lock(py), InstanceDict::Inline(DictTable::new()));
            drop(dict);
            if let Some(table) = &inst.slots {
                let taken = std::mem::take(&mut *table.lock(py));
                drop(taken);
            }
            if let Some(state) = &inst.exception {
                let mut state = state.lock(py);
                let taken = (
                    state.args.take(),
                    state.cause.take(),
                    state.context.take(),
                    std::mem::take(&mut state.traceback),
                );
                drop(state);
                drop(taken);
            }
        }
        Payload::Iterator(_, state) => {
            let taken = std::mem::replace(&mut *state.lock(py), IterState::Exhausted);
            drop(taken);
        }
        Payload::WeakRef(w) => {
            let taken = w.callback.lock(py).take();
            drop(taken);
        }
        Payload::Generator(state) => {
            // Dropped without closing: its finalizer had its chance already.
            let taken = state.lock(py).frame.take();
            drop(taken);
        }
        _ => {}
    }
}

/// `gc.get_referents`: what `object` references, in CPython's order where it matters.
pub fn referents(py: Gil<'_>, object: &ObjRef) -> Vec<Value> {
    let mut found = Vec::new();
    traverse(object, &Locking(py), &mut |r| {
        found.push(match r {
            Referent::Object(o) => Value::Obj(o.clone_ref(py)),
            Referent::Value(v) => v.clone_ref(py),
        })
    });
    found
}
