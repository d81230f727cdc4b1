//! `_context_state`: the slot in each thread's interpreter holding its current
//! `contextvars.Context` (the classes themselves are `py/contextvars.py`). A thread's slot
//! starts empty, so a new thread starts with an empty context, and goes with the thread.

use crate::objects::{ObjRef, Value};
use crate::vm::args::check_arity;
use crate::vm::{PyResult, Vm};

use super::new_module;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_context_state",
        &[("current", current), ("switch", switch)],
        Vec::new(),
    )
}

/// This thread's current context, or `None` before one is made.
fn current(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "current", args, 0, 0)?;
    Ok(vm.context.as_ref().map_or(Value::None, |c| c.clone_ref(vm.py)))
}

/// Make `context` this thread's current one; the one it replaces.
fn switch(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "switch", args, 1, 1)?;
    let new = (!args[0].is_none()).then(|| args[0].clone_ref(vm.py));
    let old = std::mem::replace(&mut vm.context, new);
    Ok(old.unwrap_or(Value::None))
}
