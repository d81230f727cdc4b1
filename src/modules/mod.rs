//! Built-in functions and modules.

pub mod builtins;
pub mod calendar_time;
pub mod cmath;
pub mod codecs;
pub mod collections;
pub mod file;
pub mod gc;
pub mod hashlib;
pub mod io;
pub mod math;
pub mod os;
pub mod pickle;
pub mod random;
pub mod sys;
pub mod thread;
pub mod time;
pub mod toy;
pub mod weakref;

use crate::objects::types::{intern, module_function};
use crate::objects::{NativeFn, Payload, Value};
use crate::vm::{PyResult, Vm};

/// Create a built-in module with the given functions and values.
pub fn new_module(
    vm: &mut Vm,
    name: &'static str,
    functions: &[(&'static str, NativeFn)],
    values: Vec<(&str, Value)>,
) -> PyResult<Value> {
    let dict = vm.new_dict();
    let Value::Obj(dict_obj) = &dict else {
        return Err(vm.runtime_error("module dict"));
    };
    // Interned, as CPython's module names are: the same object as an equal string constant.
    vm.dict_set_str(dict_obj, &intern("__name__"), Value::Obj(intern(name)))?;
    // Its functions name it as their module; the name lives as long as they do (for good).
    let module: &'static crate::objects::ModuleName = Box::leak(Box::new(crate::objects::ModuleName(name)));
    for &(fname, function) in functions {
        let function = module_function(module, fname, function, false);
        vm.dict_set_str(dict_obj, &intern(fname), Value::Obj(function))?;
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
        "types" => Some(include_str!("py/types.py")),
        "__future__" => Some(include_str!("py/__future__.py")),
        "abc" => Some(include_str!("py/abc.py")),
        "enum" => Some(include_str!("py/enum.py")),
        "typing" => Some(include_str!("py/typing.py")),
        "numbers" => Some(include_str!("py/numbers.py")),
        "dataclasses" => Some(include_str!("py/dataclasses.py")),
        "_collections_abc" => Some(include_str!("py/_collections_abc.py")),
        "collections.abc" => Some(include_str!("py/collections_abc.py")),
        "contextlib" => Some(include_str!("py/contextlib.py")),
        "pickle" => Some(include_str!("py/pickle.py")),
        "copyreg" => Some(include_str!("py/copyreg.py")),
        "_compat_pickle" => Some(include_str!("py/_compat_pickle.py")),
        "_operator" => Some(include_str!("py/_operator.py")),
        "_functools" => Some(include_str!("py/_functools.py")),
        "_heapq" => Some(include_str!("py/_heapq.py")),
        "_bisect" => Some(include_str!("py/_bisect.py")),
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
        "gc" => gc::create(vm),
        "_pickle" => pickle::create(vm),
        "_codecs" => codecs::create(vm),
        "builtins" => Ok(builtins_module(vm)),
        "_weakref" => weakref::create(vm),
        _ => return None,
    })
}

/// `import builtins`: a module over the namespace every module's code sees.
fn builtins_module(vm: &Vm) -> Value {
    vm.alloc(Payload::Module(crate::objects::Module {
        name: "builtins".to_string(),
        dict: vm.builtins.clone_ref(vm.py),
    }))
}
