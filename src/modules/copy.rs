//! `_copy`: what `copy` (`py/copy.py`) needs from the VM that Python cannot express in toy.
//!
//! CPython's `copy` makes the new instance with `cls.__new__(cls)` (through `__reduce_ex__`),
//! bypassing `__init__`; toy has no `object.__new__` yet, so `_copy._new_instance(cls)` does it.

use crate::objects::{Instance, Layout, ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

use super::new_module;
use crate::vm::args::{check_arity, no_kwargs};

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(vm, "_copy", &[("_new_instance", new_instance)], Vec::new())
}

/// `_new_instance(cls)`: an instance of the plain class `cls` with an empty `__dict__`, made
/// without calling `__init__`.
fn new_instance(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_new_instance", kwargs)?;
    check_arity(vm, "_new_instance", args, 1, 1)?;
    match args[0].as_obj() {
        Some(class) if matches!(&class.payload, Payload::Type(t) if t.layout == Layout::Object) => {
            Ok(vm.alloc(Payload::Instance(Box::new(Instance {
                class: class.clone_ref(vm.py),
                dict: crate::objects::InstanceDict::new(),
                exception: None,
                base: None,
            }))))
        }
        _ => Err(vm.type_error(format!(
            "_new_instance() argument must be a class derived from object, not {}",
            vm.type_name(&args[0])
        ))),
    }
}
