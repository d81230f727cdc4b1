//! What Python code can read about code objects: `f.__code__.co_name`, `co_varnames`…

use crate::compile::bytecode::{CodeKind, CodeObject, code_flags};
use crate::objects::Value;

use super::Vm;

/// CPython's `co_flags` bits that scripts test.
mod cpython_flags {
    pub const OPTIMIZED: u32 = 0x1;
    pub const NEWLOCALS: u32 = 0x2;
    pub const VARARGS: u32 = 0x4;
    pub const VARKEYWORDS: u32 = 0x8;
    pub const NESTED: u32 = 0x10;
    pub const GENERATOR: u32 = 0x20;
    pub const COROUTINE: u32 = 0x80;
    pub const ASYNC_GENERATOR: u32 = 0x200;
}

/// A `co_*` attribute of a code object, `None` for other names.
pub fn code_attr(vm: &mut Vm, code: &CodeObject, name: &str) -> Option<Value> {
    let strings = |vm: &Vm, names: &[String]| vm.new_tuple(names.iter().map(|n| vm.new_str(n.as_str())).collect());
    Some(match name {
        "co_name" => vm.new_str(code.name.as_str()),
        "co_qualname" => vm.new_str(code.qualname.as_str()),
        "co_filename" => vm.new_str(&*code.filename),
        "co_firstlineno" => Value::Int(i64::from(code.first_line)),
        "co_argcount" => Value::Int(i64::from(code.argcount)),
        "co_posonlyargcount" => Value::Int(i64::from(code.posonlyargcount)),
        "co_kwonlyargcount" => Value::Int(i64::from(code.kwonlyargcount)),
        "co_nlocals" => Value::Int(code.varnames.len() as i64),
        "co_varnames" => strings(vm, &code.varnames),
        "co_names" => strings(vm, &code.names),
        "co_cellvars" => strings(vm, &code.cellvars),
        "co_freevars" => strings(vm, &code.freevars),
        "co_flags" => Value::Int(i64::from(cpython_flags_of(code))),
        _ => return None,
    })
}

/// `co_flags` as CPython sets them for the same function.
fn cpython_flags_of(code: &CodeObject) -> u32 {
    let mut flags = 0;
    if matches!(
        code.kind,
        CodeKind::Function | CodeKind::Lambda | CodeKind::Comprehension
    ) {
        flags |= cpython_flags::OPTIMIZED | cpython_flags::NEWLOCALS;
    }
    if code.flags & code_flags::VARARGS != 0 {
        flags |= cpython_flags::VARARGS;
    }
    if code.flags & code_flags::VARKEYWORDS != 0 {
        flags |= cpython_flags::VARKEYWORDS;
    }
    if code.qualname.contains("<locals>") {
        flags |= cpython_flags::NESTED;
    }
    // toy marks every frame that suspends GENERATOR; CPython only generators proper.
    if code.is_coroutine() {
        flags |= cpython_flags::COROUTINE;
    } else if code.is_async_generator() {
        flags |= cpython_flags::ASYNC_GENERATOR;
    } else if code.is_generator() {
        flags |= cpython_flags::GENERATOR;
    }
    flags
}
