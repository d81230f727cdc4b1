//! The built-in iterators reduce as CPython's do: a sequence iterator to `iter(seq)` and its
//! position (restored by `__setstate__`), a dict or set iterator to `iter(list of what is
//! left)`, `enumerate`, `zip`, `map` and `filter` to a call with the iterators they wrap.
//!
//! One difference: toy's range iterator does not keep the range's start, so an iterator that
//! has advanced reduces to `iter(range(next, stop, step))` at position 0 where CPython writes
//! the original range and the position. Both load as the same iterator.

use crate::gil::Gil;
use crate::objects::types::{add_methods, iterator_type, types};
use crate::objects::{IterState, ObjRef, Payload, TableCursor, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::globals::builtin;

/// Iterator kinds (see `types::ITERATOR_TYPE_NAMES`) whose exhausted form differs.
const LIST_ITERATOR: u8 = 1;
const STR_ITERATORS: [u8; 2] = [4, 5];
const LIST_REVERSE_ITERATOR: u8 = 11;
const REVERSED: u8 = 12;
const DICT_AND_SET_ITERATORS: [u8; 7] = [6, 7, 8, 9, 18, 19, 20];

pub fn install(py: Gil<'_>) {
    // Every iterator class derives from `iterator`, which holds the methods they share.
    add_methods(
        py,
        iterator_type(0),
        &[("__reduce__", iterator_reduce), ("__setstate__", iterator_setstate)],
    );
}

/// What an iterator reduces to: `func(*args)`, then `__setstate__(state)` if any.
struct Plan {
    func: &'static str,
    args: Vec<Value>,
    state: Option<Value>,
}

impl Plan {
    fn new(func: &'static str, args: Vec<Value>) -> Plan {
        Plan {
            func,
            args,
            state: None,
        }
    }

    fn at(func: &'static str, args: Vec<Value>, position: usize) -> Plan {
        Plan {
            func,
            args,
            state: Some(Value::Int(position as i64)),
        }
    }
}

/// The items an exhausted iterator of `kind` reduces to: `iter([])`, `iter(())`, `iter('')`.
fn exhausted(vm: &Vm, kind: u8) -> Plan {
    let empty = if kind == LIST_ITERATOR || kind == LIST_REVERSE_ITERATOR || DICT_AND_SET_ITERATORS.contains(&kind) {
        vm.new_list(Vec::new())
    } else if STR_ITERATORS.contains(&kind) {
        vm.new_str("")
    } else {
        vm.new_tuple(Vec::new())
    };
    Plan::new(if kind == REVERSED { "reversed" } else { "iter" }, vec![empty])
}

/// What is left of a dict iteration: keys, values or `(key, value)` pairs.
fn dict_rest(vm: &Vm, cursor: &TableCursor, reversed: bool, pick: fn(&Vm, &Value, &Value) -> Value) -> Value {
    let py = vm.py;
    let Payload::Dict(table) = &cursor.owner.payload else {
        return vm.new_list(Vec::new());
    };
    let pairs: Vec<(Value, Value)> = {
        let table = table.lock(py);
        let entry = |slot: usize| table.slot(slot).flatten();
        let live = |e: &crate::objects::dict::Entry| (e.key.clone_ref(py), e.value.clone_ref(py));
        let index = cursor.index as usize;
        if reversed {
            (0..index.min(table.slot_count()))
                .rev()
                .filter_map(entry)
                .map(live)
                .collect()
        } else {
            let left = cursor.len_at_start.saturating_sub(cursor.yielded) as usize;
            (index..table.slot_count())
                .filter_map(entry)
                .take(left)
                .map(live)
                .collect()
        }
    };
    let items = pairs.iter().map(|(k, v)| pick(vm, k, v)).collect();
    vm.new_list(items)
}

fn key(vm: &Vm, k: &Value, _: &Value) -> Value {
    k.clone_ref(vm.py)
}

fn value(vm: &Vm, _: &Value, v: &Value) -> Value {
    v.clone_ref(vm.py)
}

fn item(vm: &Vm, k: &Value, v: &Value) -> Value {
    vm.new_tuple(vec![k.clone_ref(vm.py), v.clone_ref(vm.py)])
}

/// The reduce plan for an iterator's current state, read under its lock.
fn plan(vm: &mut Vm, kind: u8, state: &IterState) -> PyResult<Plan> {
    let py = vm.py;
    Ok(match state {
        IterState::Seq { seq, index } => {
            let len = vm.len(seq)?;
            if *index >= len {
                exhausted(vm, kind)
            } else {
                Plan::at("iter", vec![seq.clone_ref(py)], *index)
            }
        }
        IterState::Range { next, stop, step } => {
            let range = vm.alloc(Payload::Range(crate::objects::Range {
                start: *next,
                stop: *stop,
                step: *step,
            }));
            Plan::at("iter", vec![range], 0)
        }
        IterState::Str { text, byte_pos } => {
            let Payload::Str(s) = &text.payload else {
                return Ok(exhausted(vm, kind));
            };
            match s.as_str().get(..*byte_pos) {
                Some(done) if *byte_pos < s.as_str().len() => {
                    Plan::at("iter", vec![Value::Obj(text.clone_ref(py))], done.chars().count())
                }
                _ => exhausted(vm, kind),
            }
        }
        IterState::DictKeys(c) => Plan::new("iter", vec![dict_rest(vm, c, false, key)]),
        IterState::DictValues(c) => Plan::new("iter", vec![dict_rest(vm, c, false, value)]),
        IterState::DictItems(c) => Plan::new("iter", vec![dict_rest(vm, c, false, item)]),
        IterState::DictKeysReversed(c) => Plan::new("iter", vec![dict_rest(vm, c, true, key)]),
        IterState::DictValuesReversed(c) => Plan::new("iter", vec![dict_rest(vm, c, true, value)]),
        IterState::DictItemsReversed(c) => Plan::new("iter", vec![dict_rest(vm, c, true, item)]),
        IterState::SetItems { set, index, .. } => {
            let rest: Vec<Value> = match &set.payload {
                Payload::Set(table) => set_rest(vm, &table.lock(py), *index),
                Payload::FrozenSet(table) => set_rest(vm, table, *index),
                _ => Vec::new(),
            };
            Plan::new("iter", vec![vm.new_list(rest)])
        }
        IterState::Reversed { seq, remaining } => {
            if *remaining == 0 {
                exhausted(vm, kind)
            } else {
                Plan::at("reversed", vec![seq.clone_ref(py)], remaining - 1)
            }
        }
        IterState::Enumerate { inner, count, .. } => {
            Plan::new("enumerate", vec![Value::Obj(inner.clone_ref(py)), count.clone_ref(py)])
        }
        IterState::Zip { inners, strict, .. } => Plan {
            func: "zip",
            args: inners.iter().map(|v| v.clone_ref(py)).collect(),
            state: strict.then_some(Value::Bool(true)),
        },
        IterState::Map { function, inners } => {
            let mut args = vec![function.clone_ref(py)];
            args.extend(inners.iter().map(|v| v.clone_ref(py)));
            Plan::new("map", args)
        }
        IterState::Filter { function, inner } => Plan::new("filter", vec![function.clone_ref(py), inner.clone_ref(py)]),
        IterState::Callable { function, sentinel } => {
            Plan::new("iter", vec![function.clone_ref(py), sentinel.clone_ref(py)])
        }
        IterState::Exhausted => exhausted(vm, kind),
    })
}

fn set_rest(vm: &Vm, table: &crate::objects::SetTable, from: usize) -> Vec<Value> {
    let mut rest = Vec::new();
    let mut pos = from;
    while let Some((at, entry)) = table.entry_from(pos) {
        rest.push(entry.key.clone_ref(vm.py));
        pos = at + 1;
    }
    rest
}

fn the_iterator<'a>(
    vm: &Vm,
    name: &str,
    args: &'a [Value],
    kwargs: &[(ObjRef, Value)],
    n: usize,
) -> PyResult<&'a Value> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, args, n, n)?;
    Ok(&args[0])
}

/// `it.__reduce__()`.
fn iterator_reduce(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let it = the_iterator(vm, "__reduce__", args, kwargs, 1)?;
    let Some(Payload::Iterator(kind, state)) = it.payload() else {
        return Err(vm.type_error(format!("cannot pickle '{}' object", vm.type_name(it))));
    };
    // A snapshot of the state: computing the plan may need to look at the sequence.
    let snapshot = snapshot(vm, &state.lock(vm.py));
    let plan = plan(vm, *kind, &snapshot)?;
    let func = builtin(vm, plan.func)?;
    let call_args = vm.new_tuple(plan.args);
    Ok(match plan.state {
        Some(state) => vm.new_tuple(vec![func, call_args, state]),
        None => vm.new_tuple(vec![func, call_args]),
    })
}

/// A copy of an iterator's state, so the lock is not held while the plan is made.
fn snapshot(vm: &Vm, state: &IterState) -> IterState {
    let py = vm.py;
    let cursor = |c: &TableCursor| TableCursor {
        owner: c.owner.clone_ref(py),
        index: c.index,
        len_at_start: c.len_at_start,
        yielded: c.yielded,
    };
    let all = |values: &[Value]| values.iter().map(|v| v.clone_ref(py)).collect::<Vec<Value>>();
    match state {
        IterState::Seq { seq, index } => IterState::Seq {
            seq: seq.clone_ref(py),
            index: *index,
        },
        IterState::Range { next, stop, step } => IterState::Range {
            next: *next,
            stop: *stop,
            step: *step,
        },
        IterState::Str { text, byte_pos } => IterState::Str {
            text: text.clone_ref(py),
            byte_pos: *byte_pos,
        },
        IterState::DictKeys(c) => IterState::DictKeys(cursor(c)),
        IterState::DictValues(c) => IterState::DictValues(cursor(c)),
        IterState::DictItems(c) => IterState::DictItems(cursor(c)),
        IterState::DictKeysReversed(c) => IterState::DictKeysReversed(cursor(c)),
        IterState::DictValuesReversed(c) => IterState::DictValuesReversed(cursor(c)),
        IterState::DictItemsReversed(c) => IterState::DictItemsReversed(cursor(c)),
        IterState::SetItems {
            set,
            index,
            len_at_start,
        } => IterState::SetItems {
            set: set.clone_ref(py),
            index: *index,
            len_at_start: *len_at_start,
        },
        IterState::Reversed { seq, remaining } => IterState::Reversed {
            seq: seq.clone_ref(py),
            remaining: *remaining,
        },
        IterState::Enumerate {
            inner,
            count,
            native_height,
        } => IterState::Enumerate {
            inner: inner.clone_ref(py),
            count: count.clone_ref(py),
            native_height: *native_height,
        },
        IterState::Zip {
            inners,
            strict,
            native_height,
        } => IterState::Zip {
            inners: all(inners),
            strict: *strict,
            native_height: *native_height,
        },
        IterState::Map { function, inners } => IterState::Map {
            function: Box::new(function.clone_ref(py)),
            inners: all(inners).into_boxed_slice(),
        },
        IterState::Filter { function, inner } => IterState::Filter {
            function: Box::new(function.clone_ref(py)),
            inner: inner.clone_ref(py),
        },
        IterState::Callable { function, sentinel } => IterState::Callable {
            function: function.clone_ref(py),
            sentinel: Box::new(sentinel.clone_ref(py)),
        },
        IterState::Exhausted => IterState::Exhausted,
    }
}

/// `it.__setstate__(state)`: the position of a sequence iterator (clamped to the sequence, as
/// CPython clamps it), or `zip`'s strictness.
fn iterator_setstate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let it = the_iterator(vm, "__setstate__", args, kwargs, 2)?;
    let Some(Payload::Iterator(_, state)) = it.payload() else {
        return Err(vm.type_error("__setstate__ of a non-iterator"));
    };
    if let IterState::Zip { strict, .. } = &mut *state.lock(vm.py) {
        let strict_value = args[1].clone_ref(vm.py);
        let truth = crate::vm::ops::as_small_int(&strict_value).map(|i| i != 0);
        *strict = truth.unwrap_or(!strict_value.is_none());
        return Ok(Value::None);
    }
    let Some(position) = crate::vm::ops::as_small_int(&args[1]) else {
        return Err(vm.type_error("an integer is required"));
    };
    // The sequence's length, read before the iterator is locked (`len` may run Python code).
    let seq = match &*state.lock(vm.py) {
        IterState::Seq { seq, .. } | IterState::Reversed { seq, .. } => Some(seq.clone_ref(vm.py)),
        _ => None,
    };
    let len = match &seq {
        Some(seq) => vm.len(seq)?,
        None => 0,
    };
    match &mut *state.lock(vm.py) {
        IterState::Seq { index, .. } => *index = position.clamp(0, len as i64) as usize,
        IterState::Reversed { remaining, .. } => *remaining = (position.clamp(-1, len as i64 - 1) + 1) as usize,
        IterState::Str { text, byte_pos } => {
            let s = match &text.payload {
                Payload::Str(s) => s.as_str(),
                _ => "",
            };
            let chars = usize::try_from(position.max(0)).unwrap_or(0);
            *byte_pos = s.char_indices().nth(chars).map_or(s.len(), |(at, _)| at);
        }
        IterState::Range { next, stop, step } => {
            let left = crate::objects::Range {
                start: *next,
                stop: *stop,
                step: *step,
            }
            .len();
            *next += position.clamp(0, left) * *step;
        }
        _ => {
            let name = vm.type_name(it);
            return Err(vm.new_error(
                &types().attribute_error,
                format!("'{name}' object has no attribute '__setstate__'"),
            ));
        }
    }
    Ok(Value::None)
}
