//! `set` and `frozenset` methods: argument checking around the operations of `vm::sets`.

use crate::gil::Gil;
use crate::objects::types::{add_methods, types};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::args::no_kwargs;
use crate::vm::sets::is_frozen;
use crate::vm::{PyResult, Vm};

use super::shared::{descriptor_error, takes_no_args, takes_one_arg};

pub(super) fn install(py: Gil<'_>) {
    let t = types();
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

/// The receiver of a method only `set` has.
fn this_set<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a Value> {
    match args.first().map(Value::builtin_self) {
        Some(v) if matches!(v.payload(), Some(Payload::Set(_))) => Ok(v),
        _ => Err(descriptor_error(vm, args, "set", method)),
    }
}

/// The receiver of a method `set` and `frozenset` share.
fn this_any_set<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a Value> {
    match args.first().map(Value::builtin_self) {
        Some(v) if matches!(v.payload(), Some(Payload::Set(_) | Payload::FrozenSet(_))) => Ok(v),
        _ => Err(descriptor_error(vm, args, "set", method)),
    }
}

fn set_add(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "add")?;
    let item = takes_one_arg(vm, "set", "add", &args[1..], kwargs)?;
    vm.set_add(set, item.clone_ref(vm.py))?;
    Ok(Value::None)
}

fn set_remove(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "remove")?;
    let item = takes_one_arg(vm, "set", "remove", &args[1..], kwargs)?;
    if vm.set_discard(set, item)? {
        Ok(Value::None)
    } else {
        Err(vm.key_error(item))
    }
}

fn set_discard(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "discard")?;
    let item = takes_one_arg(vm, "set", "discard", &args[1..], kwargs)?;
    vm.set_discard(set, item)?;
    Ok(Value::None)
}

fn set_pop(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "pop")?;
    takes_no_args(vm, "set", "pop", &args[1..], kwargs)?;
    match vm.set_pop(set) {
        Some(item) => Ok(item),
        None => {
            let msg = vm.new_str("pop from an empty set");
            Err(vm.key_error(&msg))
        }
    }
}

fn set_clear(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "clear")?;
    takes_no_args(vm, "set", "clear", &args[1..], kwargs)?;
    vm.set_clear(set);
    Ok(Value::None)
}

fn set_copy(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "copy")?;
    takes_no_args(vm, "set", "copy", &args[1..], kwargs)?;
    if is_frozen(so) {
        return Ok(so.clone_ref(vm.py));
    }
    vm.set_copy(so)
}

fn set_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "update")?;
    no_kwargs(vm, "update", kwargs)?;
    for other in &args[1..] {
        vm.set_update(set, other)?;
    }
    Ok(Value::None)
}

fn set_union(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "union")?;
    no_kwargs(vm, "union", kwargs)?;
    vm.set_union(so, &args[1..])
}

fn set_intersection(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "intersection")?;
    no_kwargs(vm, "intersection", kwargs)?;
    vm.set_intersection(so, &args[1..])
}

fn set_intersection_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "intersection_update")?;
    no_kwargs(vm, "intersection_update", kwargs)?;
    vm.set_intersection_update(set, &args[1..])?;
    Ok(Value::None)
}

fn set_difference(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "difference")?;
    no_kwargs(vm, "difference", kwargs)?;
    vm.set_difference(so, &args[1..])
}

fn set_difference_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "difference_update")?;
    no_kwargs(vm, "difference_update", kwargs)?;
    vm.set_difference_update(set, &args[1..])?;
    Ok(Value::None)
}

fn set_symmetric_difference(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "symmetric_difference")?;
    let other = takes_one_arg(vm, "set", "symmetric_difference", &args[1..], kwargs)?;
    vm.set_symmetric_difference(so, other)
}

fn set_symmetric_difference_update(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let set = this_set(vm, args, "symmetric_difference_update")?;
    let other = takes_one_arg(vm, "set", "symmetric_difference_update", &args[1..], kwargs)?;
    vm.set_symmetric_difference_update(set, other)?;
    Ok(Value::None)
}

fn set_issubset(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "issubset")?;
    let other = takes_one_arg(vm, "set", "issubset", &args[1..], kwargs)?;
    vm.set_issubset(so, other).map(Value::Bool)
}

fn set_issuperset(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "issuperset")?;
    let other = takes_one_arg(vm, "set", "issuperset", &args[1..], kwargs)?;
    vm.set_issuperset(so, other).map(Value::Bool)
}

fn set_isdisjoint(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let so = this_any_set(vm, args, "isdisjoint")?;
    let other = takes_one_arg(vm, "set", "isdisjoint", &args[1..], kwargs)?;
    vm.set_isdisjoint(so, other).map(Value::Bool)
}
