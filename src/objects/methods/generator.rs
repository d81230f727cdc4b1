//! Generator methods: `send`, `throw`, `close`, `__next__`, `__iter__`; coroutines share the
//! first three. Async generators' `__anext__`, `asend`, `athrow` and `aclose` return the
//! awaitables of `py/_async_generators.py`.

use crate::gil::Gil;
use crate::objects::types::intern;
use crate::objects::types::{add_methods, types};
use crate::objects::{GenKind, GeneratorState, ObjLock, ObjRef, Payload, Value};
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
            ("__await__", coroutine_await),
        ],
    );
    add_methods(
        py,
        &types().async_generator,
        &[
            ("__aiter__", async_generator_aiter),
            ("__anext__", async_generator_anext),
            ("asend", async_generator_asend),
            ("athrow", async_generator_athrow),
            ("aclose", async_generator_aclose),
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
    let exc = thrown_exception(vm, "throw", args, kwargs)?;
    resume(vm, &args[0], Resume::Throw(PyErr { exc }))
}

/// The exception `throw(type[, value[, traceback]])` (or `athrow`) raises, normalized.
fn thrown_exception(vm: &mut Vm, method: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<ObjRef> {
    no_kwargs(vm, method, kwargs)?;
    check_arity(vm, method, &args[1..], 1, 3)?;
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
    Ok(exc)
}

fn async_generator(vm: &Vm, args: &[Value], method: &str) -> PyResult<()> {
    match args.first() {
        Some(v) if vm.gen_kind(v) == Some(GenKind::AsyncGenerator) => Ok(()),
        _ => Err(descriptor_error(vm, args, "async_generator", method)),
    }
}

/// An awaitable of `_async_generators` over the generator in `args[0]`.
fn awaitable(vm: &mut Vm, class: &str, args: &[Value], operand: Value) -> PyResult<Value> {
    let module = crate::modules::pickle::import_module(vm, "_async_generators")?;
    let class = vm.get_attr(&module, &intern(class))?;
    vm.call(&class, &[args[0].clone_ref(vm.py), operand], &[])
}

fn coroutine_await(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    match args.first() {
        Some(v) if vm.gen_kind(v) == Some(GenKind::Coroutine) => {}
        _ => return Err(descriptor_error(vm, args, "coroutine", "__await__")),
    }
    takes_no_args(vm, "coroutine", "__await__", &args[1..], kwargs)?;
    let module = crate::modules::pickle::import_module(vm, "_async_generators")?;
    let wrapper = vm.get_attr(&module, &intern("coroutine_wrapper"))?;
    vm.call(&wrapper, &[args[0].clone_ref(vm.py)], &[])
}

fn async_generator_aiter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    async_generator(vm, args, "__aiter__")?;
    takes_no_args(vm, "async_generator", "__aiter__", &args[1..], kwargs)?;
    Ok(args[0].clone_ref(vm.py))
}

fn async_generator_anext(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    async_generator(vm, args, "__anext__")?;
    takes_no_args(vm, "async_generator", "__anext__", &args[1..], kwargs)?;
    awaitable(vm, "async_generator_asend", args, Value::None)
}

fn async_generator_asend(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    async_generator(vm, args, "asend")?;
    let sent = takes_one_arg(vm, "async_generator", "asend", &args[1..], kwargs)?.clone_ref(vm.py);
    awaitable(vm, "async_generator_asend", args, sent)
}

fn async_generator_athrow(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    async_generator(vm, args, "athrow")?;
    let exc = thrown_exception(vm, "athrow", args, kwargs)?;
    awaitable(vm, "async_generator_athrow", args, Value::Obj(exc))
}

fn async_generator_aclose(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    async_generator(vm, args, "aclose")?;
    takes_no_args(vm, "async_generator", "aclose", &args[1..], kwargs)?;
    awaitable(vm, "async_generator_athrow", args, Value::None)
}
