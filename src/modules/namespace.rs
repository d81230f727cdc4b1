//! `types.SimpleNamespace`: an object whose attributes are the keyword arguments it was made
//! with, shown as `namespace(a=1, b=2)`.
//!
//! It is native (as CPython's is) because `sys.implementation` is one, and `sys` exists before
//! any module written in Python can be compiled; `types` picks the class up from there.

use std::sync::OnceLock;

use crate::objects::types::{clone_immortal, intern, native, new_native_class, types};
use crate::objects::{Instance, ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

static CLASS: OnceLock<ObjRef> = OnceLock::new();

/// The `SimpleNamespace` class, made on first use and immortal.
pub fn class() -> &'static ObjRef {
    CLASS.get_or_init(|| {
        let methods: [(&'static str, crate::objects::NativeFn); 4] = [
            ("__init__", init),
            ("__repr__", repr),
            ("__eq__", eq),
            ("__reduce__", reduce),
        ];
        let mut entries: Vec<(&str, Value)> = methods
            .into_iter()
            .map(|(name, function)| (name, Value::Obj(native(name, function, true))))
            .collect();
        // Equal by value and mutable, so unhashable.
        entries.push(("__hash__", Value::None));
        entries.push(("__doc__", Value::Obj(intern("A simple attribute-based namespace."))));
        let shape = crate::objects::InstanceShape {
            dict: true,
            weakref: true,
            members: false,
        };
        new_native_class("types", "SimpleNamespace", &[&types().object], shape, true, entries)
    })
}

/// A namespace holding `fields`, in order.
pub fn make(vm: &mut Vm, fields: Vec<(&str, Value)>) -> PyResult<Value> {
    let this = vm.alloc(Payload::Instance(Box::new(Instance::new(
        clone_immortal(class()),
        None,
        None,
    ))));
    for (name, value) in fields {
        vm.set_attr(&this, &intern(name), value)?;
    }
    Ok(this)
}

fn this_arg<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a Value> {
    args.first().ok_or_else(|| {
        vm.type_error(format!(
            "descriptor '{method}' of 'types.SimpleNamespace' object needs an argument"
        ))
    })
}

/// `SimpleNamespace(**kwargs)`: each keyword becomes an attribute.
fn init(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = this_arg(vm, args, "__init__")?;
    if args.len() > 1 {
        return Err(vm.type_error("no positional arguments expected"));
    }
    for (name, value) in kwargs {
        vm.set_attr(this, name, value.clone_ref(vm.py))?;
    }
    Ok(Value::None)
}

/// `namespace(a=1, b=2)` (a subclass shows its own name), `namespace(...)` for a namespace
/// already being shown further out.
fn repr(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = this_arg(vm, args, "__repr__")?;
    let name = if vm.type_of(this).addr() == class().addr() {
        "namespace".to_string()
    } else {
        vm.type_name(this).to_string()
    };
    if !vm.repr_enter(this) {
        return Ok(vm.new_str(format!("{name}(...)")));
    }
    let shown = fields_repr(vm, this);
    vm.repr_leave(this);
    Ok(vm.new_str(format!("{name}({})", shown?)))
}

fn fields_repr(vm: &mut Vm, this: &Value) -> PyResult<String> {
    let dict = vm.get_attr(this, &intern("__dict__"))?;
    let py = vm.py;
    let items: Vec<(Value, Value)> = match dict.payload() {
        Some(Payload::Dict(table)) => table
            .lock(py)
            .iter()
            .map(|e| (e.key.clone_ref(py), e.value.clone_ref(py)))
            .collect(),
        _ => Vec::new(),
    };
    let mut parts = Vec::with_capacity(items.len());
    for (key, value) in items {
        // Only string keys are shown, as CPython does.
        if let Some(key) = key.as_str() {
            parts.push(format!("{key}={}", vm.repr(&value)?));
        }
    }
    Ok(parts.join(", "))
}

/// Two namespaces are equal when their attributes are.
fn eq(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (Some(this), Some(other)) = (args.first(), args.get(1)) else {
        return Err(vm.type_error("expected 1 argument, got 0"));
    };
    if !is_namespace(vm, this)? || !is_namespace(vm, other)? {
        return Ok(vm.not_implemented());
    }
    let name = intern("__dict__");
    let (a, b) = (vm.get_attr(this, &name)?, vm.get_attr(other, &name)?);
    Ok(Value::Bool(vm.eq(&a, &b)?))
}

fn is_namespace(vm: &mut Vm, v: &Value) -> PyResult<bool> {
    vm.isinstance(v, class())
}

/// Pickled as the class, no arguments, and the attributes as state.
fn reduce(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = this_arg(vm, args, "__reduce__")?;
    let class = Value::Obj(vm.type_of(this).clone_ref(vm.py));
    let dict = vm.get_attr(this, &intern("__dict__"))?;
    let no_args = vm.new_tuple(Vec::new());
    Ok(vm.new_tuple(vec![class, no_args, dict]))
}
