//! `_json`: the native halves of `json` (`py/json.py`). The Python module holds the classes
//! and the argument handling CPython documents; these functions do the scanning and
//! writing, which is where the time goes.

mod decode;
mod encode;

use crate::objects::{ObjRef, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::new_module;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_json",
        &[
            ("scan", scan),
            ("encode", encode_document),
            ("encode_string", encode_string),
        ],
        Vec::new(),
    )
}

fn str_arg<'a>(vm: &Vm, func: &str, value: &'a Value) -> PyResult<&'a str> {
    value
        .as_str()
        .ok_or_else(|| vm.type_error(format!("{func}() argument must be str, not {}", vm.type_name(value))))
}

fn index_arg(vm: &Vm, func: &str, value: &Value) -> PyResult<usize> {
    match value {
        Value::Int(i) if *i >= 0 => Ok(*i as usize),
        _ => Err(vm.value_error(format!("{func}() index must be a non-negative int"))),
    }
}

fn hook(value: &Value, vm: &Vm) -> Option<Value> {
    (!value.is_none()).then(|| value.clone_ref(vm.py))
}

/// `scan(s, idx, strict, object_hook, object_pairs_hook, parse_float, parse_int,
/// parse_constant, error_class)`: the value starting at character `idx` of `s` and the index
/// just after it.
fn scan(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "scan", kwargs)?;
    check_arity(vm, "scan", args, 9, 9)?;
    let text = str_arg(vm, "scan", &args[0])?;
    let start = index_arg(vm, "scan", &args[1])?;
    let hooks = decode::Hooks {
        strict: vm.is_true(&args[2])?,
        object_hook: hook(&args[3], vm),
        object_pairs_hook: hook(&args[4], vm),
        parse_float: hook(&args[5], vm),
        parse_int: hook(&args[6], vm),
        parse_constant: hook(&args[7], vm),
        error_class: args[8].clone_ref(vm.py),
    };
    let scanner = decode::Scanner::new(text, &args[0], &hooks);
    let (value, end) = scanner.value(vm, scanner.byte_offset(start))?;
    let end = Value::Int(scanner.char_index(end) as i64);
    Ok(vm.new_tuple(vec![value, end]))
}

/// `encode(obj, indent, item_separator, key_separator, sort_keys, skipkeys, ensure_ascii,
/// check_circular, allow_nan, default)`: the JSON text of `obj`. `indent` is `None` or the
/// string of one level.
fn encode_document(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "encode", kwargs)?;
    check_arity(vm, "encode", args, 10, 10)?;
    let indent = match &args[1] {
        Value::None => None,
        value => Some(str_arg(vm, "encode", value)?.to_string()),
    };
    let options = encode::Options {
        indent,
        item_separator: str_arg(vm, "encode", &args[2])?.to_string(),
        key_separator: str_arg(vm, "encode", &args[3])?.to_string(),
        sort_keys: vm.is_true(&args[4])?,
        skipkeys: vm.is_true(&args[5])?,
        ensure_ascii: vm.is_true(&args[6])?,
        check_circular: vm.is_true(&args[7])?,
        allow_nan: vm.is_true(&args[8])?,
        default: args[9].clone_ref(vm.py),
    };
    let mut encoder = encode::Encoder::new(&options);
    encoder.encode(vm, &args[0])?;
    Ok(vm.new_str(encoder.out))
}

/// `encode_string(s, ensure_ascii)`: `s` as a JSON string literal.
fn encode_string(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "encode_string", kwargs)?;
    check_arity(vm, "encode_string", args, 2, 2)?;
    let text = str_arg(vm, "encode_string", &args[0])?;
    let mut out = String::new();
    encode::write_string(&mut out, text, vm.is_true(&args[1])?);
    Ok(vm.new_str(out))
}
