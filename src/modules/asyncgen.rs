//! `_asyncgen`: one step of an async generator, for the awaitables of
//! `py/_async_generators.py` (what `__anext__`, `asend`, `athrow` and `aclose` return).
//!
//! An async generator is a generator frame whose `yield` produces a value for `async for`
//! while its `await`s suspend the whole chain up to the event loop; both suspend the frame,
//! so after each resumption the step tells them apart by where the frame stopped: inside a
//! `YieldFrom` (an `await` passing a value through) or after a `YieldValue`.

use crate::objects::types::types;
use crate::objects::{GenKind, ObjRef, Payload, Value};
use crate::vm::args::{Resume, check_arity, no_kwargs};
use crate::vm::ops::SendResult;
use crate::vm::{PyErr, PyResult, Vm};

/// What `step` reports (the numbers `_async_generators.py` names).
const PRODUCED: i64 = 0;
const PASSED_THROUGH: i64 = 1;
const FINISHED: i64 = 2;

/// `step(agen, value, exc)`: resume `agen`, sending `value` or throwing `exc` (when not
/// `None`); `(0, v)` for `yield v`, `(1, v)` for a value an `await` passes through,
/// `(2, None)` when the generator returned. Exceptions propagate.
fn step(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "step", kwargs)?;
    check_arity(vm, "step", args, 3, 3)?;
    let (agen, value, exc) = (&args[0], &args[1], &args[2]);
    let Some(Payload::Generator(state)) = agen.payload() else {
        return Err(vm.type_error("step() needs an async generator"));
    };
    if state.lock(vm.py).kind != GenKind::AsyncGenerator {
        return Err(vm.type_error("step() needs an async generator"));
    }
    let thrown = match exc {
        Value::None => None,
        Value::Obj(exc) => Some(exc.clone_ref(vm.py)),
        other => return Err(vm.type_error(format!("cannot throw {}", vm.type_name(other)))),
    };
    let how = match &thrown {
        Some(exc) => Resume::Throw(PyErr {
            exc: exc.clone_ref(vm.py),
        }),
        None => Resume::Send(value.clone_ref(vm.py)),
    };
    let (kind, result) = match vm.resume_generator(agen, how) {
        Ok(SendResult::Yielded(v)) => {
            let passed_through = crate::vm::coroutines::awaiting_on(vm.py, state).is_some();
            (if passed_through { PASSED_THROUGH } else { PRODUCED }, v)
        }
        Ok(SendResult::Returned(_)) => (FINISHED, Value::None),
        Err(err) => {
            let raised_inside = thrown.as_ref().is_none_or(|t| !t.is(&err.exc));
            if raised_inside && vm.err_matches(&err, &types().stop_async_iteration) {
                let replaced = vm.runtime_error("async generator raised StopAsyncIteration");
                vm.set_cause(&replaced.exc, Some(Value::Obj(err.exc)), true);
                return Err(replaced);
            }
            return Err(err);
        }
    };
    Ok(vm.new_tuple(vec![Value::Int(kind), result]))
}

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    super::new_module(vm, "_asyncgen", &[("step", step)], Vec::new())
}
