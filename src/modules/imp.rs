//! `_imp`: the interpreter's side of `importlib` (finding a module without loading it).

use crate::objects::{ObjRef, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::new_module;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_imp",
        &[
            ("_find_spec", find_spec),
            ("is_builtin", is_builtin),
            ("is_frozen", is_frozen),
            ("extension_suffixes", extension_suffixes),
        ],
        Vec::new(),
    )
}

/// `_find_spec(fullname)`: the spec of a module not yet imported (its parent package is), or
/// `None` where the import system would find nothing.
fn find_spec(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_find_spec", kwargs)?;
    check_arity(vm, "_find_spec", args, 1, 1)?;
    let Some(name) = args[0].as_str() else {
        return Err(vm.type_error("module name must be str"));
    };
    vm.find_spec(name)
}

/// `is_builtin(name)`: 1 for a module built into the interpreter, else 0.
fn is_builtin(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "is_builtin", kwargs)?;
    check_arity(vm, "is_builtin", args, 1, 1)?;
    Ok(Value::Int(args[0].as_str().is_some_and(super::is_native_module) as i64))
}

/// `is_frozen(name)`: whether `name` is one of toy's modules written in Python and compiled
/// into the binary.
fn is_frozen(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "is_frozen", kwargs)?;
    check_arity(vm, "is_frozen", args, 1, 1)?;
    Ok(Value::Bool(args[0].as_str().and_then(super::embedded_source).is_some()))
}

/// toy loads no compiled extension modules.
fn extension_suffixes(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "extension_suffixes", kwargs)?;
    check_arity(vm, "extension_suffixes", args, 0, 0)?;
    Ok(vm.new_list(Vec::new()))
}
