//! `_traceback`: what the `traceback` and `linecache` modules (`py/traceback.py`) need from the
//! VM: its own formatting of an exception, the source lines of the files toy compiled, and the
//! markers it prints under a failing instruction.

use crate::objects::{ObjRef, Payload, SourcePlace, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::traceback::{compiled_source, quoted_lines};
use crate::vm::{PyResult, Vm};

use super::new_module;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_traceback",
        &[
            ("format", format),
            ("format_only", format_only),
            ("quoted", quoted),
            ("source", source),
        ],
        Vec::new(),
    )
}

fn exception_arg(vm: &Vm, value: &Value, function: &str) -> PyResult<ObjRef> {
    match value.as_obj() {
        Some(exc) if crate::vm::is_exception_class(vm.class_of(exc)) => Ok(exc.clone_ref(vm.py)),
        _ => Err(vm.type_error(format!("{function}() expects an exception instance"))),
    }
}

/// `format(exc, chain)`: the report toy prints for `exc` uncaught, with its `__cause__` /
/// `__context__` chain when `chain` is true.
fn format(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "format", kwargs)?;
    check_arity(vm, "format", args, 2, 2)?;
    let exc = exception_arg(vm, &args[0], "format")?;
    let text = if vm.is_true(&args[1])? {
        vm.format_exception(&exc)
    } else {
        vm.format_exception_alone(&exc)
    };
    Ok(vm.new_str(text))
}

/// `format_only(exc)`: the lines after the traceback (`TypeName: message`, or where a
/// `SyntaxError` is).
fn format_only(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "format_only", kwargs)?;
    check_arity(vm, "format_only", args, 1, 1)?;
    let exc = exception_arg(vm, &args[0], "format_only")?;
    let text = vm.format_exception_only(&exc);
    Ok(vm.new_str(text))
}

/// `quoted(code, lasti)`: what a traceback prints under the `File` line of an entry that
/// failed at instruction `lasti` of `code` (the stripped source line and its markers), or
/// `None` without a source.
fn quoted(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "quoted", kwargs)?;
    check_arity(vm, "quoted", args, 2, 2)?;
    let (Some(Payload::Code(handle)), Some(lasti)) = (args[0].payload(), as_small_int(&args[1])) else {
        return Ok(Value::None);
    };
    let code = &handle.code;
    let index = usize::try_from(lasti).unwrap_or(usize::MAX);
    let (Some(&line), Some(&span)) = (code.lines.get(index), code.spans.get(index)) else {
        return Ok(Value::None);
    };
    let place = SourcePlace {
        code: code.clone(),
        line,
        span,
    };
    Ok(quoted_lines(&place).map_or(Value::None, |q| vm.new_str(q)))
}

/// `source(filename)`: the text of a file toy compiled, as compiled, or `None`.
fn source(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "source", kwargs)?;
    check_arity(vm, "source", args, 1, 1)?;
    let text = args[0].as_str().and_then(compiled_source);
    Ok(text.map_or(Value::None, |text| vm.new_str(&*text)))
}
