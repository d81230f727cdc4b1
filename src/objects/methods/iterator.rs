//! Methods of the built-in iterators (over lists, ranges, dicts…, and `map`, `zip`…):
//! `__next__` and `__iter__`, so `it.__next__` can be taken as a bound method (heapq.merge
//! does) as in CPython.

use crate::gil::Gil;
use crate::objects::types::{add_methods, types};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

use super::shared::{descriptor_error, takes_no_args};

pub(super) fn install(py: Gil<'_>) {
    add_methods(
        py,
        &types().iterator,
        &[("__next__", iterator_next), ("__iter__", iterator_iter)],
    );
}

fn check_this(vm: &Vm, args: &[Value], method: &str) -> PyResult<()> {
    match args.first().and_then(Value::payload) {
        Some(Payload::Iterator(..)) => Ok(()),
        _ => Err(descriptor_error(vm, args, "iterator", method)),
    }
}

fn iterator_next(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_this(vm, args, "__next__")?;
    takes_no_args(vm, "iterator", "__next__", &args[1..], kwargs)?;
    match vm.next(&args[0])? {
        Some(v) => Ok(v),
        None => Err(vm.new_error_with_args(&types().stop_iteration, Vec::new())),
    }
}

fn iterator_iter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_this(vm, args, "__iter__")?;
    takes_no_args(vm, "iterator", "__iter__", &args[1..], kwargs)?;
    Ok(args[0].clone_ref(vm.py))
}
