//! `_collections`: the steps of `collections.deque` that must be one atomic operation.
//!
//! `deque` itself is Python (`py/collections.py`) storing its items in a list. Most of its
//! methods are one list operation, atomic by the list's lock. Appending to a bounded deque
//! (push, then drop from the other end) and rotating are two steps in Python: another thread
//! could see the deque over its `maxlen`, or two rotations could interleave. These natives do
//! each under the list's lock, so they are atomic with the GIL and without it.

use crate::objects::{ObjLock, ObjRef, Payload, Value};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::new_module;
use crate::vm::args::{check_arity, no_kwargs};

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_collections",
        &[
            ("_deque_push", deque_push),
            ("_deque_insert", deque_insert),
            ("_deque_rotate", deque_rotate),
        ],
        Vec::new(),
    )
}

fn list_arg<'a>(vm: &Vm, name: &str, v: &'a Value) -> PyResult<&'a ObjLock<Vec<Value>>> {
    match v.payload() {
        Some(Payload::List(items)) => Ok(items),
        _ => Err(vm.type_error(format!("{name}() argument 1 must be list, not {}", vm.type_name(v)))),
    }
}

fn int_arg(vm: &Vm, name: &str, v: &Value) -> PyResult<i64> {
    as_small_int(v).ok_or_else(|| vm.type_error(format!("{name}() expected an int, not {}", vm.type_name(v))))
}

/// `None` (unbounded) or a non-negative int.
fn maxlen_arg(vm: &Vm, name: &str, v: &Value) -> PyResult<Option<usize>> {
    if v.is_none() {
        return Ok(None);
    }
    let n = int_arg(vm, name, v)?;
    usize::try_from(n)
        .map(Some)
        .map_err(|_| vm.value_error("maxlen must be non-negative"))
}

/// `_deque_push(items, values, maxlen, left)`: add every value at the right end (or, with
/// `left`, each at the left end in turn, so they end up reversed), then drop items from the
/// other end until at most `maxlen` remain.
fn deque_push(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_deque_push", kwargs)?;
    check_arity(vm, "_deque_push", args, 4, 4)?;
    let items = list_arg(vm, "_deque_push", &args[0])?;
    let maxlen = maxlen_arg(vm, "_deque_push", &args[2])?;
    let left = vm.is_true(&args[3])?;
    // Iterating may run Python code: done before the lock is taken.
    let values = vm.collect(&args[1])?;
    let dropped: Vec<Value> = {
        let mut items = items.lock(vm.py);
        if left {
            let mut front: Vec<Value> = values.into_iter().rev().collect();
            front.append(&mut items);
            *items = front;
            let keep = maxlen.unwrap_or(items.len()).min(items.len());
            items.drain(keep..).collect()
        } else {
            items.extend(values);
            let excess = items.len() - maxlen.unwrap_or(items.len()).min(items.len());
            items.drain(..excess).collect()
        }
    };
    // Released after the lock: freeing an object must not happen while a container is locked.
    drop(dropped);
    Ok(Value::None)
}

/// `_deque_insert(items, index, value, maxlen)`: `list.insert`, refused when the deque is full.
fn deque_insert(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_deque_insert", kwargs)?;
    check_arity(vm, "_deque_insert", args, 4, 4)?;
    let items = list_arg(vm, "_deque_insert", &args[0])?;
    let index = int_arg(vm, "_deque_insert", &args[1])?;
    let maxlen = maxlen_arg(vm, "_deque_insert", &args[3])?;
    let value = args[2].clone_ref(vm.py);
    let mut items = items.lock(vm.py);
    if maxlen.is_some_and(|m| items.len() >= m) {
        drop(items);
        return Err(vm.index_error("deque already at its maximum size"));
    }
    let len = items.len() as i64;
    let at = if index < 0 {
        (index + len).max(0)
    } else {
        index.min(len)
    };
    items.insert(at as usize, value);
    Ok(Value::None)
}

/// `_deque_rotate(items, n)`: move the last `n` items to the front (the first `-n` to the back
/// when `n` is negative).
fn deque_rotate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_deque_rotate", kwargs)?;
    check_arity(vm, "_deque_rotate", args, 2, 2)?;
    let items = list_arg(vm, "_deque_rotate", &args[0])?;
    let n = int_arg(vm, "_deque_rotate", &args[1])?;
    let mut items = items.lock(vm.py);
    if !items.is_empty() {
        let len = items.len() as i64;
        items.rotate_right(n.rem_euclid(len) as usize);
    }
    Ok(Value::None)
}
