//! `dict` methods.
//!
//! Keys are hashed before a table is locked (hashing may run Python code), and tables are
//! snapshotted before items are compared, so no lock is held while Python code runs.

use crate::gil::Gil;
use crate::objects::methods::constructors::dict_fill;
use crate::objects::types::{add_methods, types};
use crate::objects::{DictObject, DictViewKind, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::shared::{add_descriptor, descriptor_error, takes_no_args};

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
}

// ----- dict -----------------------------------------------------------------------------------

fn this_dict<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a DictObject> {
    match args.first().map(Value::builtin_self).and_then(Value::payload) {
        Some(Payload::Dict(table)) => Ok(table),
        _ => Err(descriptor_error(vm, args, "dict", method)),
    }
}

/// The receiver as a value: the dict itself, or the dict a derived instance extends.
fn dict_self<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a Value> {
    this_dict(vm, args, method)?;
    Ok(args[0].builtin_self())
}

fn dict_get(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = dict_self(vm, args, "get")?;
    no_kwargs(vm, "get", kwargs)?;
    check_arity(vm, "get", &args[1..], 1, 2)?;
    match vm.dict_get(this, &args[1])? {
        Some(v) => Ok(v),
        None => Ok(args.get(2).map_or(Value::None, |d| d.clone_ref(vm.py))),
    }
}

fn dict_setdefault(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = dict_self(vm, args, "setdefault")?;
    no_kwargs(vm, "setdefault", kwargs)?;
    check_arity(vm, "setdefault", &args[1..], 1, 2)?;
    let default = args.get(2).map_or(Value::None, |d| d.clone_ref(vm.py));
    vm.dict_setdefault(this, args[1].clone_ref(vm.py), default)
}

fn dict_pop(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = dict_self(vm, args, "pop")?;
    no_kwargs(vm, "pop", kwargs)?;
    check_arity(vm, "pop", &args[1..], 1, 2)?;
    match (vm.dict_del(this, &args[1])?, args.get(2)) {
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
    let this = dict_self(vm, args, "update")?;
    check_arity(vm, "update", &args[1..], 0, 1)?;
    if let Some(source) = args.get(1) {
        dict_fill(vm, this, source)?;
    }
    for (k, v) in kwargs {
        vm.dict_set(this, Value::Obj(k.clone_ref(vm.py)), v.clone_ref(vm.py))?;
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
    let this = dict_self(vm, args, name)?;
    takes_no_args(vm, "dict", name, &args[1..], kwargs)?;
    match this {
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
    let this = dict_self(vm, args, "copy")?;
    takes_no_args(vm, "dict", "copy", &args[1..], kwargs)?;
    let copy = vm.new_dict();
    vm.dict_update(&copy, this, false)?;
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
