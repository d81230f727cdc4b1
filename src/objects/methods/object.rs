//! The methods of `object` itself: `object.__new__`, `__init__`, `__setattr__`,
//! `__getattribute__`, `__delattr__`, `__repr__`, `__str__`, `__eq__`, `__ne__`, `__hash__`,
//! `__format__`.
//!
//! The VM applies these defaults natively (its special-method lookups skip `object`, see
//! `Vm::class_attr`); the methods are for Python code that names them: `object.__new__(cls)`,
//! `super().__setattr__(name, value)` in a class overriding `__setattr__`, `super().__eq__(o)`.

use crate::gil::Gil;
use crate::objects::types::{add_methods, intern, native, types};
use crate::objects::{NativeFn, ObjRef, Payload, PyObject, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::classes::{alloc_instance, builtin_base};
use crate::vm::{PyResult, Vm};

pub(super) fn install(py: Gil<'_>) {
    let t = types();
    let methods: [(&'static str, NativeFn); 10] = [
        ("__init__", object_init),
        ("__setattr__", object_setattr),
        ("__getattribute__", object_getattribute),
        ("__delattr__", object_delattr),
        ("__repr__", object_repr),
        ("__str__", object_str),
        ("__eq__", object_eq),
        ("__ne__", object_ne),
        ("__hash__", object_hash),
        ("__format__", object_format),
    ];
    add_methods(py, &t.object, &methods);
    // `__new__` is a static method: it receives the class to instantiate.
    let new = PyObject::new(Payload::StaticMethod(Value::Obj(native("__new__", object_new, false))));
    super::slots::set_class_attr(py, &t.object, "__new__", Value::Obj(ObjRef::new_immortal(new)));
}

/// The name of a class, for messages.
fn class_name(class: &ObjRef) -> &str {
    match &class.payload {
        Payload::Type(t) => t.name.as_str(),
        _ => "?",
    }
}

/// `object.__new__(cls, *args)`: a bare instance, `__init__` not run.
fn object_new(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some((cls, rest)) = args.split_first() else {
        return Err(vm.type_error("object.__new__(): not enough arguments"));
    };
    let Some(class) = cls.as_obj().filter(|c| matches!(c.payload, Payload::Type(_))) else {
        return Err(vm.type_error(format!(
            "object.__new__(X): X is not a type object ({})",
            vm.type_name(cls)
        )));
    };
    let class = class.clone_ref(vm.py);
    if let Some(base) = builtin_base(&class).filter(|b| !b.is(&types().object)) {
        return Err(vm.type_error(format!(
            "object.__new__({}) is not safe, use {}.__new__()",
            class_name(&class),
            class_name(base)
        )));
    }
    if !rest.is_empty() || !_kwargs.is_empty() {
        if vm.class_attr(&class, "__new__").is_some() {
            return Err(vm.type_error("object.__new__() takes exactly one argument (the type to instantiate)"));
        }
        if vm.class_attr(&class, "__init__").is_none() {
            return Err(vm.type_error(format!("{}() takes no arguments", class_name(&class))));
        }
    }
    Ok(alloc_instance(vm, &class, rest))
}

/// `object.__init__(self, *args)`: nothing to do, and no arguments to accept unless the class
/// has a `__new__` of its own that took them.
fn object_init(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some((this, rest)) = args.split_first() else {
        return Err(vm.type_error("descriptor '__init__' of 'object' object needs an argument"));
    };
    if !rest.is_empty() || !kwargs.is_empty() {
        let class = vm.type_of(this).clone_ref(vm.py);
        if vm.class_attr(&class, "__init__").is_some() {
            return Err(vm.type_error("object.__init__() takes exactly one argument (the instance to initialize)"));
        }
        if vm.class_attr(&class, "__new__").is_none() {
            return Err(vm.type_error(format!("{}() takes no arguments", class_name(&class))));
        }
    }
    Ok(Value::None)
}

/// The receiver and the attribute name (which must be a `str`).
fn name_arg(vm: &Vm, args: &[Value], kwargs: &[(ObjRef, Value)], method: &str, n: usize) -> PyResult<ObjRef> {
    no_kwargs(vm, method, kwargs)?;
    if args.len() != n {
        return Err(vm.type_error(format!(
            "expected {} arguments, got {}",
            n - 1,
            args.len().saturating_sub(1)
        )));
    }
    match args[1].as_str() {
        Some(s) => Ok(intern(s)),
        None => Err(vm.type_error(format!(
            "attribute name must be string, not '{}'",
            vm.type_name(&args[1])
        ))),
    }
}

fn object_setattr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let name = name_arg(vm, args, kwargs, "__setattr__", 3)?;
    let value = args[2].clone_ref(vm.py);
    vm.generic_set_attr(&args[0], &name, value)?;
    Ok(Value::None)
}

fn object_getattribute(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let name = name_arg(vm, args, kwargs, "__getattribute__", 2)?;
    match vm.get_attr_opt(&args[0], &name)? {
        Some(v) => Ok(v),
        None => Err(vm.attribute_error(&args[0], crate::vm::eval::str_of(&name))),
    }
}

fn object_delattr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let name = name_arg(vm, args, kwargs, "__delattr__", 2)?;
    vm.generic_del_attr(&args[0], &name)?;
    Ok(Value::None)
}

/// `<module.Class object at 0x…>`.
fn object_repr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__repr__", kwargs)?;
    check_arity(vm, "__repr__", args, 1, 1)?;
    let this = &args[0];
    let class = vm.type_of(this);
    let name = match &class.payload {
        Payload::Type(t) if t.module == "builtins" => t.qualname.clone(),
        Payload::Type(t) => format!("{}.{}", t.module, t.qualname),
        _ => "?".to_string(),
    };
    let addr = this.as_obj().map_or(0, |o| o.addr());
    Ok(vm.new_str(format!("<{name} object at {addr:#x}>")))
}

fn object_str(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__str__", kwargs)?;
    check_arity(vm, "__str__", args, 1, 1)?;
    let s = vm.repr(&args[0])?;
    Ok(vm.new_str(s))
}

/// `True` for the same object, else `NotImplemented` (the other operand decides).
fn object_eq(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__eq__", kwargs)?;
    check_arity(vm, "__eq__", args, 2, 2)?;
    Ok(if args[0].is(&args[1]) {
        Value::Bool(true)
    } else {
        vm.not_implemented()
    })
}

/// The inverse of the class's `__eq__`, unless that is `NotImplemented`.
fn object_ne(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__ne__", kwargs)?;
    check_arity(vm, "__ne__", args, 2, 2)?;
    let class = vm.type_of(&args[0]).clone_ref(vm.py);
    let eq = match vm.lookup_in_class(&class, &intern("__eq__"))? {
        Some(eq) => vm.call(&eq, args, &[])?,
        None => return Ok(vm.not_implemented()),
    };
    if matches!(eq.payload(), Some(Payload::NotImplemented)) {
        return Ok(eq);
    }
    Ok(Value::Bool(!vm.is_true(&eq)?))
}

/// The identity hash every object without `__eq__` has.
fn object_hash(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__hash__", kwargs)?;
    check_arity(vm, "__hash__", args, 1, 1)?;
    match &args[0] {
        Value::Obj(o) => Ok(Value::Int((o.addr() >> 4) as i64)),
        other => Ok(Value::Int(vm.hash(other)?)),
    }
}

/// `format(obj, "")` is `str(obj)`; any other spec is an error.
fn object_format(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__format__", kwargs)?;
    check_arity(vm, "__format__", args, 2, 2)?;
    let Some(spec) = args[1].as_str() else {
        return Err(vm.type_error(format!(
            "__format__() argument must be str, not {}",
            vm.type_name(&args[1])
        )));
    };
    // Built-in values (and instances extending one) format by their type's rules, as
    // `format()` formats them.
    let this = &args[0];
    let extends_builtin = match this.payload() {
        Some(Payload::Instance(inst)) => inst.base.is_some(),
        _ => true,
    };
    if extends_builtin && !spec.is_empty() {
        let text = vm.format(this.builtin_self(), spec)?;
        return Ok(vm.new_str(text));
    }
    if !spec.is_empty() {
        return Err(vm.type_error(format!(
            "unsupported format string passed to {}.__format__",
            vm.type_name(&args[0])
        )));
    }
    let s = vm.str(&args[0])?;
    Ok(vm.new_str(s))
}
