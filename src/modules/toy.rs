//! `_toy`: introspection that only toy has. Tests import it inside `try: import _toy` /
//! `except ImportError:` so the same file still runs under CPython.

use crate::objects::{ObjRef, Value};
use crate::vm::{PyResult, Vm};

use super::{check_arity, new_module};

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(vm, "_toy", &[("live_objects", live_objects)], Vec::new())
}

/// `_toy.live_objects()`: heap objects alive now, immortal ones (types, built-in functions,
/// interned names, code constants) excluded. Exact when no other thread is running.
fn live_objects(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "live_objects", args, 0, 0)?;
    Ok(Value::Int(crate::objects::refcount::live_objects() as i64))
}
