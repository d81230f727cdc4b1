//! `_pickle`: the pickler and unpickler, in Rust, behind the `pickle` module
//! (`py/pickle.py`, which re-exports them with the protocol constants).
//!
//! CPython 3.11 is the reference for every byte: `pickle.dumps(x, p)` writes what CPython
//! writes for the values toy has, and `loads` reads every protocol (0-5). Objects are
//! reduced as CPython reduces them (`object.__reduce_ex__` and friends live in
//! `reduce_ex.rs`), through `copyreg` (`py/copyreg.py`).

mod api;
pub mod buffer;
pub mod globals;
pub mod iterators;
pub mod opcodes;
pub mod pickler;
pub mod reduce;
pub mod reduce_ex;
pub mod text;
pub mod unpickler;

use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Value};
use crate::vm::{PyErr, PyResult, Vm};

/// The exception classes, by name and base, created with the module.
const EXCEPTIONS: [(&str, &str); 3] = [
    ("PickleError", "Exception"),
    ("PicklingError", "PickleError"),
    ("UnpicklingError", "PickleError"),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let module = super::new_module(vm, "_pickle", api::FUNCTIONS, Vec::new())?;
    for (name, base) in EXCEPTIONS {
        let base = match base {
            "Exception" => types().exception.clone_ref(vm.py),
            _ => match vm.get_attr(&module, &intern(base))? {
                Value::Obj(o) => o,
                _ => return Err(vm.runtime_error("_pickle exception base")),
            },
        };
        let class = new_class(vm, "_pickle", name, base, &[])?;
        vm.set_attr(&module, &intern(name), class)?;
    }
    for (name, module_name, methods) in api::CLASSES {
        let class = new_class(vm, module_name, name, types().object.clone_ref(vm.py), methods)?;
        vm.set_attr(&module, &intern(name), class)?;
    }
    // `Pickler.fast`: 0 until a program sets it (on an instance).
    let pickler = vm.get_attr(&module, &intern("Pickler"))?;
    vm.set_attr(&pickler, &intern("fast"), Value::Int(0))?;
    Ok(module)
}

/// A class of module `module` deriving from `base`, with native methods.
fn new_class(
    vm: &mut Vm,
    module: &str,
    name: &'static str,
    base: ObjRef,
    methods: &[(&'static str, crate::objects::NativeFn)],
) -> PyResult<Value> {
    let namespace = vm.new_dict();
    let Value::Obj(ns) = &namespace else {
        return Err(vm.runtime_error("_pickle namespace"));
    };
    vm.dict_set_str(ns, &intern("__module__"), Value::Obj(intern(module)))?;
    let qualname = vm.new_str(name);
    vm.dict_set_str(ns, &intern("__qualname__"), qualname)?;
    for &(method, function) in methods {
        let function = crate::objects::types::native(method, function, true);
        vm.dict_set_str(ns, &intern(method), Value::Obj(function))?;
    }
    crate::vm::classes::new_class(vm, name, vec![base], ns, None, &[])
}

/// A module by name, imported if need be (`sys.modules[name]` afterwards).
pub fn import_module(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let modules = vm.modules.clone_ref(vm.py);
    // A module another thread is still importing is waited for (through `import`).
    if let Some(module) = vm.dict_get_str(&modules, &intern(name))?
        && !crate::vm::import_lock::busy_elsewhere(name)
    {
        return Ok(module);
    }
    let fromlist = vm.new_tuple(vec![Value::Obj(intern("*"))]);
    let builtins = vm.builtins.clone_ref(vm.py);
    vm.import(name, &fromlist, &Value::Int(0), &builtins)?;
    match vm.dict_get_str(&modules, &intern(name))? {
        Some(module) => Ok(module),
        None => Err(vm.new_error(&types().module_not_found_error, format!("No module named '{name}'"))),
    }
}

/// An instance of one of `_pickle`'s exception classes.
fn pickle_exception(vm: &mut Vm, class: &str, msg: String) -> PyErr {
    let class = import_module(vm, "_pickle").and_then(|m| vm.get_attr(&m, &intern(class)));
    match class {
        Ok(Value::Obj(class)) => vm.new_error(&class, msg),
        Ok(_) => vm.runtime_error(msg),
        Err(e) => e,
    }
}

pub fn pickling_error(vm: &mut Vm, msg: impl Into<String>) -> PyErr {
    pickle_exception(vm, "PicklingError", msg.into())
}

pub fn unpickling_error(vm: &mut Vm, msg: impl Into<String>) -> PyErr {
    pickle_exception(vm, "UnpicklingError", msg.into())
}
