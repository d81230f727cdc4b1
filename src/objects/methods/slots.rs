//! The special methods of the built-in types (`list.__getitem__`, `int.__new__`, `dict.__init__`…)
//! that classes derived from them inherit.
//!
//! A plain `list` never needs them: the VM handles built-in values natively. An instance of
//! `class Stack(list)` is an `Instance` whose `base` is a plain list; the VM finds these
//! methods on its class like any other special method, and each applies the native operation
//! to the base value. `super().__getitem__(i)` and `dict.__setitem__(self, k, v)` find them
//! too. Operators and comparisons need no method here: the VM falls back to the base values
//! when a derived class does not define them (see `Vm::binary_op`).

use super::constructors::{constructor_for, dict_fill, int_from_value, to_float};
use crate::gil::Gil;
use crate::objects::types::{add_methods, clone_immortal, native, types};
use crate::objects::{Instance, NativeFn, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::classes::builtin_base;
use crate::vm::{PyResult, Vm};

pub(super) fn install(py: Gil<'_>) {
    let t = types();
    let sequence: [(&'static str, NativeFn); 5] = [
        ("__len__", slot_len),
        ("__getitem__", slot_getitem),
        ("__contains__", slot_contains),
        ("__iter__", slot_iter),
        ("__repr__", slot_repr),
    ];
    let mutable_sequence: [(&'static str, NativeFn); 3] = [
        ("__setitem__", slot_setitem),
        ("__delitem__", slot_delitem),
        ("__init__", container_init),
    ];
    for class in [
        &t.str_,
        &t.bytes,
        &t.bytearray,
        &t.memoryview,
        &t.tuple,
        &t.list,
        &t.dict,
    ] {
        add_methods(py, class, &sequence);
    }
    for class in [&t.bytearray, &t.memoryview] {
        add_methods(py, class, &mutable_sequence[..2]);
    }
    for class in [&t.list, &t.dict] {
        add_methods(py, class, &mutable_sequence);
    }
    for class in [&t.set, &t.frozenset] {
        add_methods(py, class, &[("__len__", slot_len), ("__contains__", slot_contains)]);
        add_methods(py, class, &[("__iter__", slot_iter), ("__repr__", slot_repr)]);
    }
    add_methods(py, &t.set, &[("__init__", container_init)]);
    let number: [(&'static str, NativeFn); 4] = [
        ("__repr__", slot_repr),
        ("__int__", slot_int),
        ("__float__", slot_float),
        ("__bool__", slot_bool),
    ];
    add_methods(py, &t.int, &number);
    add_methods(py, &t.int, &[("__index__", slot_int)]);
    add_methods(py, &t.float, &number);
    add_methods(py, &t.complex, &[("__repr__", slot_repr), ("__bool__", slot_bool)]);
    for class in t.subclassable().filter(|class| !is_mutable_container(class)) {
        add_methods(py, class, &[("__hash__", slot_hash)]);
    }
    for class in t.subclassable().chain([&t.random]) {
        // `__new__` is a static method: it receives the class to instantiate.
        let new =
            crate::objects::PyObject::new(Payload::StaticMethod(Value::Obj(native("__new__", builtin_new, false))));
        set_class_attr(py, class, "__new__", Value::Obj(ObjRef::new_immortal(new)));
    }
    // Mutable containers are unhashable, and so are the classes derived from them.
    for class in t.subclassable().filter(|class| is_mutable_container(class)) {
        set_class_attr(py, class, "__hash__", Value::None);
    }
}

/// Whether `class` is one of the subclassable types whose values are mutable containers:
/// unhashable, and made empty by `__new__` for `__init__` to fill.
fn is_mutable_container(class: &ObjRef) -> bool {
    let t = types();
    [&t.list, &t.dict, &t.set].iter().any(|m| m.is(class))
}

pub(crate) fn set_class_attr(py: Gil<'_>, class: &ObjRef, name: &'static str, value: Value) {
    let Payload::Type(t) = &class.payload else { return };
    // The replaced value is dropped after the lock is released.
    let old = t.dict.lock(py).insert_name(name, value);
    drop(old);
}

/// The built-in value a special method works on, and the other arguments.
fn receiver<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<(&'a Value, &'a [Value])> {
    match args.split_first() {
        Some((this, rest)) => Ok((this.builtin_self(), rest)),
        None => Err(vm.type_error(format!("descriptor '{method}' needs an argument"))),
    }
}

/// The receiver and exactly `N` further arguments.
fn args_n<'a, const N: usize>(
    vm: &Vm,
    args: &'a [Value],
    kwargs: &[(ObjRef, Value)],
    method: &str,
) -> PyResult<(&'a Value, &'a [Value; N])> {
    no_kwargs(vm, method, kwargs)?;
    let (this, rest) = receiver(vm, args, method)?;
    match <&[Value; N]>::try_from(rest) {
        Ok(rest) => Ok((this, rest)),
        Err(_) => Err(vm.type_error(format!(
            "expected {N} argument{}, got {}",
            if N == 1 { "" } else { "s" },
            rest.len()
        ))),
    }
}

fn slot_len(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, []) = args_n::<0>(vm, args, kwargs, "__len__")?;
    Ok(Value::Int(vm.len(this)? as i64))
}

/// `d[key]`; for a class derived from `dict`, a missing key goes to its `__missing__`.
fn slot_getitem(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, [key]) = args_n::<1>(vm, args, kwargs, "__getitem__")?;
    if !matches!(this.payload(), Some(Payload::Dict(_))) {
        return vm.get_item(this, key);
    }
    if let Some(value) = vm.dict_get(this, key)? {
        return Ok(value);
    }
    let derived = &args[0];
    if matches!(derived.payload(), Some(Payload::Instance(_)))
        && let Some(missing) = vm.lookup_special(derived, "__missing__")
    {
        return vm.call(&missing, &[derived.clone_ref(vm.py), key.clone_ref(vm.py)], &[]);
    }
    Err(vm.key_error(key))
}

fn slot_setitem(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, [key, value]) = args_n::<2>(vm, args, kwargs, "__setitem__")?;
    vm.set_item(this, key.clone_ref(vm.py), value.clone_ref(vm.py))?;
    Ok(Value::None)
}

fn slot_delitem(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, [key]) = args_n::<1>(vm, args, kwargs, "__delitem__")?;
    vm.del_item(this, key)?;
    Ok(Value::None)
}

fn slot_contains(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, [item]) = args_n::<1>(vm, args, kwargs, "__contains__")?;
    Ok(Value::Bool(vm.contains(this, item)?))
}

fn slot_iter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, []) = args_n::<0>(vm, args, kwargs, "__iter__")?;
    vm.iter(this)
}

fn slot_repr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, []) = args_n::<0>(vm, args, kwargs, "__repr__")?;
    let text = vm.repr(this)?;
    Ok(vm.new_str(text))
}

fn slot_hash(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, []) = args_n::<0>(vm, args, kwargs, "__hash__")?;
    Ok(Value::Int(vm.hash(this)?))
}

fn slot_int(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, []) = args_n::<0>(vm, args, kwargs, "__int__")?;
    int_from_value(vm, this)
}

fn slot_float(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, []) = args_n::<0>(vm, args, kwargs, "__float__")?;
    to_float(vm, this).map(Value::Float)
}

fn slot_bool(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (this, []) = args_n::<0>(vm, args, kwargs, "__bool__")?;
    Ok(Value::Bool(vm.is_true(this)?))
}

/// `list.__init__(self, iterable=())`, `set.__init__` (both start over) and
/// `dict.__init__(self, mapping_or_pairs=(), **kwargs)` (adds to what is there).
fn container_init(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let py = vm.py;
    let (this, rest) = receiver(vm, args, "__init__")?;
    match this.payload() {
        Some(Payload::List(items)) => {
            no_kwargs(vm, "list", kwargs)?;
            check_arity(vm, "list", rest, 0, 1)?;
            let new_items = match rest.first() {
                Some(iterable) => vm.collect(iterable)?,
                None => Vec::new(),
            };
            let old = std::mem::replace(&mut *items.lock(py), new_items);
            drop(old);
        }
        Some(Payload::Set(_)) => {
            no_kwargs(vm, "set", kwargs)?;
            check_arity(vm, "set", rest, 0, 1)?;
            vm.set_clear(this);
            if let Some(iterable) = rest.first() {
                vm.set_update(this, iterable)?;
            }
        }
        Some(Payload::Dict(_)) => {
            check_arity(vm, "dict", rest, 0, 1)?;
            if let Some(source) = rest.first() {
                dict_fill(vm, this, source)?;
            }
            for (k, v) in kwargs {
                vm.dict_set(this, Value::Obj(k.clone_ref(py)), v.clone_ref(py))?;
            }
        }
        _ => return Err(vm.type_error("descriptor '__init__' requires a 'list', 'set' or 'dict' object")),
    }
    Ok(Value::None)
}

/// `T.__new__(cls, *args)` for a built-in type `T`: the plain value for `T` itself, else an
/// instance of `cls` extending a `T` value. Immutable values are made from the arguments here;
/// mutable ones start empty and are filled by `__init__`.
pub(crate) fn builtin_new(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let py = vm.py;
    let Some((class, rest)) = args.split_first() else {
        return Err(vm.type_error("__new__(): not enough arguments"));
    };
    let Some(class) = class.as_obj().filter(|c| matches!(c.payload, Payload::Type(_))) else {
        return Err(vm.type_error(format!("__new__(X): X is not a type object ({})", vm.type_name(class))));
    };
    let Some(root) = builtin_base(class).map(clone_immortal) else {
        return Err(vm.type_error("__new__(X): X is not a subtype of a built-in type"));
    };
    let weakref_types = crate::objects::types::weakref_types();
    if (root.is(&weakref_types.reference) && !class.is(&root)) || root.is(&weakref_types.proxy_base) {
        return crate::modules::weakref::new_derived(vm, class, &root, rest, kwargs);
    }
    let Some(constructor) = constructor_for(&root) else {
        return Err(vm.type_error("__new__(): unsupported built-in type"));
    };
    if class.is(&root) {
        return constructor(vm, &root, rest, kwargs);
    }
    let value = if root.is(&types().random) {
        // Seeded by `__init__`, which a subclass may give other parameters.
        vm.alloc(Payload::Random(Box::new(crate::modules::random::unseeded())))
    } else if is_mutable_container(&root) {
        constructor(vm, &root, &[], &[])?
    } else {
        constructor(vm, &root, rest, kwargs)?
    };
    // A constructor may hand back its (derived) argument unchanged, e.g. `str(name)`.
    let base = value.builtin_self().clone_ref(py);
    Ok(vm.alloc(Payload::Instance(Box::new(Instance::new(
        class.clone_ref(py),
        None,
        Some(base),
    )))))
}
