//! Generator methods: `send`, `throw`, `close`, `__next__`, `__iter__`.

use crate::gil::Gil;
use crate::objects::types::{add_methods, types};
use crate::objects::{GeneratorState, ObjLock, ObjRef, Payload, Value};
use crate::vm::args::Resume;
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::SendResult;
use crate::vm::{PyErr, PyResult, Vm, is_exception_class, is_subclass};

use super::shared::{descriptor_error, takes_no_args, takes_one_arg};

pub(super) fn install(py: Gil<'_>) {
    add_methods(
        py,
        &types().coroutine,
        &[
            ("send", generator_send),
            ("throw", generator_throw),
            ("close", generator_close),
        ],
    );
    add_methods(
        py,
        &types().generator,
        &[
            ("send", generator_send),
            ("throw", generator_throw),
            ("close", generator_close),
            ("__next__", generator_next),
            ("__iter__", generator_iter),
        ],
    );
}

fn this<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a ObjLock<GeneratorState>> {
    match args.first().and_then(Value::payload) {
        Some(Payload::Generator(state)) => Ok(state),
        _ => Err(descriptor_error(vm, args, "generator", method)),
    }
}

/// Resume the generator: the value it yields next, or `StopIteration(return value)` when it
/// finishes.
fn resume(vm: &mut Vm, generator: &Value, how: Resume) -> PyResult<Value> {
    match vm.resume_generator(generator, how)? {
        SendResult::Yielded(v) => Ok(v),
        SendResult::Returned(v) => {
            let args = if v.is_none() { Vec::new() } else { vec![v] };
            Err(vm.new_error_with_args(&types().stop_iteration, args))
        }
    }
}

fn generator_send(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this(vm, args, "send")?;
    let sent = takes_one_arg(vm, "generator", "send", &args[1..], kwargs)?;
    resume(vm, &args[0], Resume::Send(sent.clone_ref(vm.py)))
}

fn generator_next(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this(vm, args, "__next__")?;
    takes_no_args(vm, "generator", "__next__", &args[1..], kwargs)?;
    resume(vm, &args[0], Resume::Send(Value::None))
}

fn generator_iter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this(vm, args, "__iter__")?;
    takes_no_args(vm, "generator", "__iter__", &args[1..], kwargs)?;
    Ok(args[0].clone_ref(vm.py))
}

fn generator_close(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this(vm, args, "close")?;
    takes_no_args(vm, "generator", "close", &args[1..], kwargs)?;
    vm.close_generator(&args[0])?;
    Ok(Value::None)
}

/// `throw(type[, value[, traceback]])`: the exception is normalized as CPython does (a class is
/// instantiated, with `value` as its argument unless `value` already is an instance).
fn generator_throw(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this(vm, args, "throw")?;
    no_kwargs(vm, "throw", kwargs)?;
    check_arity(vm, "throw", &args[1..], 1, 3)?;
    let (kind, value) = (&args[1], args.get(2).filter(|v| !v.is_none()));
    let exc = match kind {
        Value::Obj(class) if is_exception_class(class) => match value {
            None => vm.call(kind, &[], &[])?,
            Some(Value::Obj(v)) if is_subclass(vm.class_of(v), class) => Value::Obj(v.clone_ref(vm.py)),
            Some(v) => match v.payload() {
                Some(Payload::Tuple(items)) => {
                    let items: Vec<Value> = items.iter().map(|x| x.clone_ref(vm.py)).collect();
                    vm.call(kind, &items, &[])?
                }
                _ => vm.call(kind, &[v.clone_ref(vm.py)], &[])?,
            },
        },
        Value::Obj(o) if matches!(&o.payload, Payload::Instance(i) if i.exception.is_some()) => {
            if value.is_some() {
                return Err(vm.type_error("instance exception may not have a separate value"));
            }
            kind.clone_ref(vm.py)
        }
        _ => {
            return Err(vm.type_error(format!(
                "exceptions must be classes or instances deriving from BaseException, not {}",
                vm.type_name(kind)
            )));
        }
    };
    let Value::Obj(exc) = exc else {
        return Err(vm.type_error("exceptions must derive from BaseException"));
    };
    resume(vm, &args[0], Resume::Throw(PyErr { exc }))
}
