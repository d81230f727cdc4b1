//! Built-in functions and modules.

pub mod builtins;
pub mod calendar_time;
pub mod cmath;
pub mod collections;
pub mod copy;
pub mod file;
pub mod gc;
pub mod hashlib;
pub mod io;
pub mod math;
pub mod os;
pub mod random;
pub mod sys;
pub mod thread;
pub mod time;
pub mod toy;
pub mod weakref;

use crate::objects::types::{intern, native};
use crate::objects::{NativeFn, Payload, Value};
use crate::vm::{PyResult, Vm};

/// Create a built-in module with the given functions and values.
pub fn new_module(
    vm: &mut Vm,
    name: &str,
    functions: &[(&'static str, NativeFn)],
    values: Vec<(&str, Value)>,
) -> PyResult<Value> {
    let dict = vm.new_dict();
    let Value::Obj(dict_obj) = &dict else {
        return Err(vm.runtime_error("module dict"));
    };
    let module_name = vm.new_str(name);
    vm.dict_set_str(dict_obj, &intern("__name__"), module_name)?;
    for &(fname, function) in functions {
        vm.dict_set_str(dict_obj, &intern(fname), Value::Obj(native(fname, function, false)))?;
    }
    for (vname, value) in values {
        vm.dict_set_str(dict_obj, &intern(vname), value)?;
    }
    Ok(vm.alloc(Payload::Module(crate::objects::Module {
        name: name.to_string(),
        dict: dict_obj.clone_ref(vm.py),
    })))
}

/// Modules written in Python and compiled into the binary.
pub fn embedded_source(name: &str) -> Option<&'static str> {
    match name {
        "threading" => Some(include_str!("py/threading.py")),
        "queue" => Some(include_str!("py/queue.py")),
        "collections" => Some(include_str!("py/collections.py")),
        "functools" => Some(include_str!("py/functools.py")),
        "itertools" => Some(include_str!("py/itertools.py")),
        "operator" => Some(include_str!("py/operator.py")),
        "copy" => Some(include_str!("py/copy.py")),
        "heapq" => Some(include_str!("py/heapq.py")),
        "bisect" => Some(include_str!("py/bisect.py")),
        "fractions" => Some(include_str!("py/fractions.py")),
        "string" => Some(include_str!("py/string.py")),
        "contextlib" => Some(include_str!("py/contextlib.py")),
        "weakref" => Some(include_str!("py/weakref.py")),
        "concurrent" => Some(include_str!("py/concurrent/__init__.py")),
        "concurrent.futures" => Some(include_str!("py/concurrent/futures/__init__.py")),
        "concurrent.futures._base" => Some(include_str!("py/concurrent/futures/_base.py")),
        "concurrent.futures.thread" => Some(include_str!("py/concurrent/futures/thread.py")),
        _ => None,
    }
}

/// A built-in module by name, created on first import.
pub fn create_builtin_module(vm: &mut Vm, name: &str) -> Option<PyResult<Value>> {
    Some(match name {
        "sys" => sys::create(vm),
        "_thread" => thread::create(vm),
        "math" => math::create(vm),
        "cmath" => cmath::create(vm),
        "time" => time::create(vm),
        "os" => os::create(vm),
        "os.path" => os::create_path(vm),
        "random" => random::create(vm),
        "hashlib" => hashlib::create(vm),
        "_toy" => toy::create(vm),
        "_collections" => collections::create(vm),
        "_copy" => copy::create(vm),
        "gc" => gc::create(vm),
        "_weakref" => weakref::create(vm),
        _ => return None,
    })
}
