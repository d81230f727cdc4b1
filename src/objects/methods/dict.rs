//! `dict`, `set` and `frozenset` methods.
//!
//! Keys are hashed before a table is locked (hashing may run Python code), and tables are
//! snapshotted before items are compared, so no lock is held while Python code runs.

use crate::gil::Gil;
use crate::modules::builtins::dict_fill;
use crate::modules::{check_arity, no_kwargs};
use crate::objects::types::{add_methods, types};
use crate::objects::{DictTable, DictViewKind, ObjLock, ObjRef, Payload, Value};
use crate::vm::ops::key_eq;
use crate::vm::{PyResult, Vm};

use super::str::{add_descriptor, descriptor_error, takes_no_args, takes_one_arg};

pub(super) fn install(py: Gil<'_>) {
    let t = types();
    add_methods(
        py,
        &t.dict,
        &[
            ("get", dict_get),
            ("setdefault", dict_setdefault),
            ("pop", dict_pop),
            ("popitem", dict_popitem),
            ("update", dict_update),
            ("keys", dict_keys),
            ("values", dict_values),
            ("items", dict_items),
            ("copy", dict_copy),
            ("clear", dict_clear),
        ],
    );
    add_descriptor(py, &t.dict, "fromkeys", dict_fromkeys, Payload::ClassMethod);
    add_methods(
        py,
        &t.set,
        &[
            ("add", set_add),
            ("remove", set_remove),
            ("discard", set_discard),
            ("pop", set_pop),
            ("clear", set_clear),
            ("update", set_update),
            ("intersection_update", set_intersection_update),
            ("difference_update", set_difference_update),
            ("symmetric_difference_update", set_symmetric_difference_update),
        ],
    );
    let shared: &[(&'static str, crate::objects::NativeFn)] = &[
        ("copy", set_copy),
        ("union", set_union),
        ("intersection", set_intersection),
        ("difference", set_difference),
        ("symmetric_difference", set_symmetric_difference),
        ("issubset", set_issubset),
        ("issuperset", set_issuperset),
        ("isdisjoint", set_isdisjoint),
    ];
    add_methods(py, &t.set, shared);
    add_methods(py, &t.frozenset, shared);
}

// ----- dict -----------------------------------------------------------------------------------

fn this_dict<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a ObjLock<DictTable>> {
    match args.first().and_then(Value::payload) {
        Some(Payload::Dict(table)) => Ok(table),
        _ => Err(descriptor_error(vm, args, "dict", method)),
    }
}

fn dict_get(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_dict(vm, args, "get")?;
    no_kwargs(vm, "get", kwargs)?;
    check_arity(vm, "get", &args[1..], 1, 2)?;
    match vm.dict_get(&args[0], &args[1])? {
        Some(v) => Ok(v),
        None => Ok(args.get(2).map_or(Value::None, |d| d.clone_ref(vm.py))),
    }
}

fn dict_setdefault(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_dict(vm, args, "setdefault")?;
    no_kwargs(vm, "setdefault", kwargs)?;
    check_arity(vm, "setdefault", &args[1..], 1, 2)?;
    let default = args.get(2).map_or(Value::None, |d| d.clone_ref(vm.py));
    vm.dict_setdefault(&args[0], args[1].clone_ref(vm.py), default)
}

fn dict_pop(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_dict(vm, args, "pop")?;
    no_kwargs(vm, "pop", kwargs)?;
    check_arity(vm, "pop", &args[1..], 1, 2)?;
    match (vm.dict_del(&args[0], &args[1])?, args.get(2)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone_ref(vm.py)),
        (None, None) => Err(vm.key_error(&args[1])),
    }
}

fn dict_popitem(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_dict(vm, args, "popitem")?;
    takes_no_args(vm, "dict", "popitem", &args[1..], kwargs)?;
    let last = table.lock(vm.py).pop_last();
    match last {
        Some(entry) => Ok(vm.new_tuple(vec![entry.key, entry.value])),
        None => {
            let msg = vm.new_str("popitem(): dictionary is empty");
            Err(vm.key_error(&msg))
        }
    }
}

fn dict_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_dict(vm, args, "update")?;
    check_arity(vm, "update", &args[1..], 0, 1)?;
    if let Some(source) = args.get(1) {
        dict_fill(vm, &args[0], source)?;
    }
    for (k, v) in kwargs {
        vm.dict_set(&args[0], Value::Obj(k.clone_ref(vm.py)), v.clone_ref(vm.py))?;
    }
    Ok(Value::None)
}

/// keys/values/items: a live view of the dict.
fn dict_view(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    kind: DictViewKind,
) -> PyResult<Value> {
    this_dict(vm, args, name)?;
    takes_no_args(vm, "dict", name, &args[1..], kwargs)?;
    match &args[0] {
        Value::Obj(dict) => Ok(vm.alloc(Payload::DictView(dict.clone_ref(vm.py), kind))),
        _ => Err(vm.type_error(format!("descriptor '{name}' requires a 'dict' object"))),
    }
}

fn dict_keys(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    dict_view(vm, args, kwargs, "keys", DictViewKind::Keys)
}

fn dict_values(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    dict_view(vm, args, kwargs, "values", DictViewKind::Values)
}

fn dict_items(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    dict_view(vm, args, kwargs, "items", DictViewKind::Items)
}

fn dict_copy(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_dict(vm, args, "copy")?;
    takes_no_args(vm, "dict", "copy", &args[1..], kwargs)?;
    let copy = vm.new_dict();
    for (k, v) in vm.dict_items(&args[0])? {
        vm.dict_set(&copy, k, v)?;
    }
    Ok(copy)
}

fn dict_clear(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_dict(vm, args, "clear")?;
    takes_no_args(vm, "dict", "clear", &args[1..], kwargs)?;
    let old = table.lock(vm.py).clear();
    drop(old);
    Ok(Value::None)
}

/// `dict.fromkeys(iterable, value=None)`: a classmethod, `args[0]` is the class (always a
/// plain dict is built).
fn dict_fromkeys(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "fromkeys", kwargs)?;
    let rest = args.get(1..).unwrap_or_default();
    check_arity(vm, "fromkeys", rest, 1, 2)?;
    let value = rest.get(1).map_or(Value::None, |v| v.clone_ref(vm.py));
    let dict = vm.new_dict();
    for key in vm.collect(&rest[0])? {
        vm.dict_set(&dict, key, value.clone_ref(vm.py))?;
    }
    Ok(dict)
}

// ----- set and frozenset ----------------------------------------------------------------------

fn this_set<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a ObjLock<DictTable>> {
    match args.first().and_then(Value::payload) {
        Some(Payload::Set(table)) => Ok(table),
        _ => Err(descriptor_error(vm, args, "set", method)),
    }
}

/// The receiver of a method `set` and `frozenset` share.
fn this_any_set<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a Value> {
    match args.first() {
        Some(v) if matches!(v.payload(), Some(Payload::Set(_) | Payload::FrozenSet(_))) => Ok(v),
        _ => Err(descriptor_error(vm, args, "set", method)),
    }
}

fn is_frozen(v: &Value) -> bool {
    matches!(v.payload(), Some(Payload::FrozenSet(_)))
}

/// A fresh set, frozen when the receiver is a frozenset.
fn same_kind(vm: &mut Vm, receiver: &Value, items: Vec<Value>) -> PyResult<Value> {
    let set = vm.new_set(items)?;
    Ok(if is_frozen(receiver) { vm.freeze(set) } else { set })
}

/// The items of any iterable, deduplicated through a set unless it already is one.
fn as_set(vm: &mut Vm, v: &Value) -> PyResult<Value> {
    if matches!(v.payload(), Some(Payload::Set(_) | Payload::FrozenSet(_))) {
        return Ok(v.clone_ref(vm.py));
    }
    let items = vm.collect(v)?;
    vm.new_set(items)
}

fn set_len(py: Gil<'_>, v: &Value) -> usize {
    match v.payload() {
        Some(Payload::Set(table)) => table.lock(py).len(),
        Some(Payload::FrozenSet(table)) => table.len(),
        _ => 0,
    }
}

/// Remove `item`; whether it was there.
fn discard(vm: &mut Vm, table: &ObjLock<DictTable>, item: &Value) -> PyResult<bool> {
    let hash = vm.hash(item)?;
    let removed = table.lock(vm.py).remove(hash, |k| key_eq(k, item));
    Ok(removed.is_some())
}

fn set_add(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_set(vm, args, "add")?;
    let item = takes_one_arg(vm, "set", "add", &args[1..], kwargs)?;
    vm.set_add(&args[0], item.clone_ref(vm.py))?;
    Ok(Value::None)
}

fn set_remove(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_set(vm, args, "remove")?;
    let item = takes_one_arg(vm, "set", "remove", &args[1..], kwargs)?;
    if discard(vm, table, item)? {
        Ok(Value::None)
    } else {
        Err(vm.key_error(item))
    }
}

fn set_discard(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_set(vm, args, "discard")?;
    let item = takes_one_arg(vm, "set", "discard", &args[1..], kwargs)?;
    discard(vm, table, item)?;
    Ok(Value::None)
}

fn set_pop(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_set(vm, args, "pop")?;
    takes_no_args(vm, "set", "pop", &args[1..], kwargs)?;
    let first = table.lock(vm.py).pop_first();
    match first {
        Some(entry) => Ok(entry.key),
        None => {
            let msg = vm.new_str("pop from an empty set");
            Err(vm.key_error(&msg))
        }
    }
}

fn set_clear(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_set(vm, args, "clear")?;
    takes_no_args(vm, "set", "clear", &args[1..], kwargs)?;
    let old = table.lock(vm.py).clear();
    drop(old);
    Ok(Value::None)
}

fn set_copy(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "copy")?;
    takes_no_args(vm, "set", "copy", &args[1..], kwargs)?;
    if is_frozen(receiver) {
        return Ok(receiver.clone_ref(vm.py));
    }
    let items = vm.set_items(receiver);
    vm.new_set(items)
}

fn set_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_set(vm, args, "update")?;
    no_kwargs(vm, "update", kwargs)?;
    for other in &args[1..] {
        let items = match other.payload() {
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => vm.set_items(other),
            _ => vm.collect(other)?,
        };
        for item in items {
            vm.set_add(&args[0], item)?;
        }
    }
    Ok(Value::None)
}

fn set_union(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "union")?;
    no_kwargs(vm, "union", kwargs)?;
    let mut items = vm.set_items(receiver);
    for other in &args[1..] {
        match other.payload() {
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => items.extend(vm.set_items(other)),
            _ => items.extend(vm.collect(other)?),
        }
    }
    same_kind(vm, receiver, items)
}

/// CPython's `set_intersection`: walk the smaller set (or the iterable) and keep what the
/// other side contains, so the surviving objects come from the walked side.
fn intersect(vm: &mut Vm, set: &Value, other: &Value) -> PyResult<Vec<Value>> {
    let mut out = Vec::new();
    if matches!(other.payload(), Some(Payload::Set(_) | Payload::FrozenSet(_))) {
        let (walk, probe) = if set_len(vm.py, other) > set_len(vm.py, set) {
            (set, other)
        } else {
            (other, set)
        };
        for item in vm.set_items(walk) {
            if vm.set_contains(probe, &item)? {
                out.push(item);
            }
        }
    } else {
        for item in vm.collect(other)? {
            if vm.set_contains(set, &item)? {
                out.push(item);
            }
        }
    }
    Ok(out)
}

fn intersection_of_all(vm: &mut Vm, receiver: &Value, others: &[Value]) -> PyResult<Value> {
    let items = vm.set_items(receiver);
    let mut result = vm.new_set(items)?;
    for other in others {
        let items = intersect(vm, &result, other)?;
        result = vm.new_set(items)?;
    }
    Ok(result)
}

fn set_intersection(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "intersection")?;
    no_kwargs(vm, "intersection", kwargs)?;
    let result = intersection_of_all(vm, receiver, &args[1..])?;
    Ok(if is_frozen(receiver) { vm.freeze(result) } else { result })
}

fn set_intersection_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_set(vm, args, "intersection_update")?;
    no_kwargs(vm, "intersection_update", kwargs)?;
    // Remove the items (of those it had at the start) that are not in the intersection, one by
    // one: an item another thread adds meanwhile stays, and one it removes stays removed
    // (replacing the whole table with the intersection lost the first and revived the second).
    let before = vm.set_items(&args[0]);
    let mut keep = vm.new_set(before.iter().map(|v| v.clone_ref(vm.py)).collect())?;
    for other in &args[1..] {
        let items = intersect(vm, &keep, other)?;
        keep = vm.new_set(items)?;
    }
    for item in &before {
        if !vm.set_contains(&keep, item)? {
            discard(vm, table, item)?;
        }
    }
    Ok(Value::None)
}

/// Items of `receiver` in none of `others`.
fn difference_items(vm: &mut Vm, receiver: &Value, others: &[Value]) -> PyResult<Vec<Value>> {
    let mut others_as_sets = Vec::with_capacity(others.len());
    for other in others {
        others_as_sets.push(as_set(vm, other)?);
    }
    let mut out = Vec::new();
    'items: for item in vm.set_items(receiver) {
        for other in &others_as_sets {
            if vm.set_contains(other, &item)? {
                continue 'items;
            }
        }
        out.push(item);
    }
    Ok(out)
}

fn set_difference(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "difference")?;
    no_kwargs(vm, "difference", kwargs)?;
    let items = difference_items(vm, receiver, &args[1..])?;
    same_kind(vm, receiver, items)
}

fn set_difference_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let table = this_set(vm, args, "difference_update")?;
    no_kwargs(vm, "difference_update", kwargs)?;
    for other in &args[1..] {
        let items = match other.payload() {
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => vm.set_items(other),
            _ => vm.collect(other)?,
        };
        for item in &items {
            discard(vm, table, item)?;
        }
    }
    Ok(Value::None)
}

/// CPython's algorithm: start from the other side's items, then toggle each of ours.
fn symmetric_difference_into(vm: &mut Vm, target: &Value, toggles: Vec<Value>) -> PyResult<()> {
    let Some(Payload::Set(table)) = target.payload() else {
        return Ok(());
    };
    for item in toggles {
        if !discard(vm, table, &item)? {
            vm.set_add(target, item)?;
        }
    }
    Ok(())
}

fn set_symmetric_difference(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "symmetric_difference")?;
    let other = takes_one_arg(vm, "set", "symmetric_difference", &args[1..], kwargs)?;
    let other_items = match other.payload() {
        Some(Payload::Set(_) | Payload::FrozenSet(_)) => vm.set_items(other),
        _ => vm.collect(other)?,
    };
    let result = vm.new_set(other_items)?;
    let mine = vm.set_items(receiver);
    symmetric_difference_into(vm, &result, mine)?;
    Ok(if is_frozen(receiver) { vm.freeze(result) } else { result })
}

fn set_symmetric_difference_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this_set(vm, args, "symmetric_difference_update")?;
    let other = takes_one_arg(vm, "set", "symmetric_difference_update", &args[1..], kwargs)?;
    // Deduplicate first: toggling a repeated item twice would cancel it out.
    let other = as_set(vm, other)?;
    let toggles = vm.set_items(&other);
    symmetric_difference_into(vm, &args[0], toggles)?;
    Ok(Value::None)
}

/// Whether every item of `items` is in `set`.
fn all_in(vm: &mut Vm, items: Vec<Value>, set: &Value) -> PyResult<bool> {
    for item in items {
        if !vm.set_contains(set, &item)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn set_issubset(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "issubset")?;
    let other = takes_one_arg(vm, "set", "issubset", &args[1..], kwargs)?;
    let other = as_set(vm, other)?;
    let mine = vm.set_items(receiver);
    all_in(vm, mine, &other).map(Value::Bool)
}

fn set_issuperset(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "issuperset")?;
    let other = takes_one_arg(vm, "set", "issuperset", &args[1..], kwargs)?;
    let theirs = match other.payload() {
        Some(Payload::Set(_) | Payload::FrozenSet(_)) => vm.set_items(other),
        _ => vm.collect(other)?,
    };
    all_in(vm, theirs, receiver).map(Value::Bool)
}

fn set_isdisjoint(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let receiver = this_any_set(vm, args, "isdisjoint")?;
    let other = takes_one_arg(vm, "set", "isdisjoint", &args[1..], kwargs)?;
    let theirs = match other.payload() {
        Some(Payload::Set(_) | Payload::FrozenSet(_)) => vm.set_items(other),
        _ => vm.collect(other)?,
    };
    for item in theirs {
        if vm.set_contains(receiver, &item)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}
