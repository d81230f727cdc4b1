//! How objects say how to rebuild them: `object.__reduce_ex__`, `__reduce__`,
//! `__getstate__`, `copyreg._reduce_ex`, and the `__reduce__` of the built-in types CPython
//! pickles (exceptions, `range`, `slice`, methods, built-in functions, sets…). `pickle` and
//! `copy` both use them.
//!
//! The default for instances, from protocol 2: `(copyreg.__newobj__, (cls, *args), state,
//! listitems, dictitems)`, with `args` from `__getnewargs_ex__` / `__getnewargs__` and
//! `state` from `__getstate__` (the instance `__dict__`, and the `__slots__` values beside
//! it). Before protocol 2: `copyreg._reduce_ex`, which rebuilds through
//! `copyreg._reconstructor`.
//!
//! toy keeps the values of `__slots__` in the instance dict; the state splits them out as
//! CPython's would be, so the pickle is the same.

use crate::gil::Gil;
use crate::objects::types::{add_methods, intern, types};
use crate::objects::{DictViewKind, NativeFn, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::globals::{builtin, is_builtin_class};
use super::import_module;

/// Add the methods to the built-in classes (once, at start-up).
pub fn install(py: Gil<'_>) {
    let t = types();
    let object_methods: [(&'static str, NativeFn); 3] = [
        ("__reduce_ex__", object_reduce_ex),
        ("__reduce__", object_reduce),
        ("__getstate__", object_getstate),
    ];
    add_methods(py, &t.object, &object_methods);
    add_methods(
        py,
        &t.base_exception,
        &[("__reduce__", exception_reduce), ("__setstate__", exception_setstate)],
    );
    for class in [&t.range, &t.slice, &t.method, &t.builtin_function, &t.set, &t.frozenset] {
        add_methods(py, class, &[("__reduce__", builtin_reduce)]);
    }
    for class in [&t.not_implemented_type, &t.ellipsis_type] {
        add_methods(py, class, &[("__reduce__", singleton_reduce)]);
    }
    for class in [&t.int, &t.float, &t.str_, &t.bytes, &t.tuple] {
        add_methods(py, class, &[("__getnewargs__", getnewargs)]);
    }
    super::iterators::install(py);
}

fn this<'a>(vm: &Vm, name: &str, args: &'a [Value], kwargs: &[(ObjRef, Value)], max: usize) -> PyResult<&'a Value> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, args, 1, max)?;
    Ok(&args[0])
}

fn protocol_of(vm: &Vm, v: &Value) -> PyResult<i64> {
    match v.builtin_self() {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        _ => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

/// `object.__reduce_ex__(protocol)`: a class's own `__reduce__` if it has one, else the
/// default reduction for the protocol.
fn object_reduce_ex(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__reduce_ex__", kwargs)?;
    if args.len() != 2 {
        return Err(vm.type_error(format!(
            "object.__reduce_ex__() takes exactly one argument ({} given)",
            args.len().saturating_sub(1)
        )));
    }
    let obj = &args[0];
    let proto = protocol_of(vm, &args[1])?;
    if let Some(reduce) = overridden(vm, obj, "__reduce__") {
        return vm.call_with_receiver(&reduce, obj, &[], &[]);
    }
    common_reduce(vm, obj, proto)
}

/// `object.__reduce__()`: the protocol 0 reduction.
fn object_reduce(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let obj = this(vm, "__reduce__", args, kwargs, 1)?;
    common_reduce(vm, obj, 0)
}

/// The special method `name` of `obj`'s class, unless it is `object`'s own.
fn overridden(vm: &mut Vm, obj: &Value, name: &'static str) -> Option<Value> {
    let found = vm.lookup_special(obj, name)?;
    let object = types().object.clone_ref(vm.py);
    let default = vm.class_attr(&object, name);
    match default {
        Some(default) if default.is(&found) => None,
        _ => Some(found),
    }
}

fn common_reduce(vm: &mut Vm, obj: &Value, proto: i64) -> PyResult<Value> {
    if proto >= 2 {
        reduce_newobj(vm, obj)
    } else {
        reduce_before_2(vm, obj, proto)
    }
}

/// `object.__getstate__()`: the instance `__dict__` (`None` when empty), paired with the
/// slot values when the class has `__slots__`.
fn object_getstate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let obj = this(vm, "__getstate__", args, kwargs, 1)?;
    default_state(vm, obj)
}

/// The `tp_name` CPython gives a built-in object it has no way to pickle, if `v` is one.
fn unpicklable_type_name(vm: &Vm, v: &Value) -> Option<String> {
    let payload = v.payload()?;
    Some(
        match payload {
            Payload::Code(_) => "code",
            Payload::Cell(_) => "cell",
            Payload::Module(_) => "module",
            Payload::Generator(_) => "generator",
            Payload::Function(_) => "function",
            Payload::Property(_) => "property",
            Payload::StaticMethod(_) => "staticmethod",
            Payload::ClassMethod(_) => "classmethod",
            Payload::Super { .. } => "super",
            Payload::DictView(_, DictViewKind::Keys) => "dict_keys",
            Payload::DictView(_, DictViewKind::Values) => "dict_values",
            Payload::DictView(_, DictViewKind::Items) => "dict_items",
            Payload::Stream(_) => "_io.TextIOWrapper",
            Payload::File(f) if f.lock(vm.py).binary => "_io.BufferedReader",
            Payload::File(_) => "_io.TextIOWrapper",
            Payload::Lock(_) => "_thread.lock",
            Payload::Hash(_) => "_hashlib.HASH",
            Payload::Random(_) => "Random",
            _ => return None,
        }
        .to_string(),
    )
}

fn cannot_pickle(vm: &Vm, name: &str) -> crate::vm::PyErr {
    vm.type_error(format!("cannot pickle '{name}' object"))
}

fn copyreg_function(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let copyreg = import_module(vm, "copyreg")?;
    vm.get_attr(&copyreg, &intern(name))
}

/// Protocol 2+: `(copyreg.__newobj__, (cls, *args), state, listitems, dictitems)`, or
/// `copyreg.__newobj_ex__` with keyword arguments.
fn reduce_newobj(vm: &mut Vm, obj: &Value) -> PyResult<Value> {
    if let Some(name) = unpicklable_type_name(vm, obj) {
        return Err(cannot_pickle(vm, &name));
    }
    let class = Value::Obj(vm.type_of(obj).clone_ref(vm.py));
    let (args, kwargs) = new_arguments(vm, obj)?;
    let keywords_given = match &kwargs {
        Some(k) => vm.is_true(k)?,
        None => false,
    };
    let (newobj, newargs) = match (args, kwargs) {
        (Some(args), Some(kwargs)) if keywords_given => {
            let newobj = copyreg_function(vm, "__newobj_ex__")?;
            (newobj, vm.new_tuple(vec![class, args, kwargs]))
        }
        (args, _) => {
            let newobj = copyreg_function(vm, "__newobj__")?;
            let mut items = vec![class];
            if let Some(Payload::Tuple(args)) = args.as_ref().and_then(Value::payload) {
                items.extend(args.iter().map(|a| a.clone_ref(vm.py)));
            }
            (newobj, vm.new_tuple(items))
        }
    };
    let base = obj.builtin_self();
    let is_list = matches!(base.payload(), Some(Payload::List(_)));
    let is_dict = matches!(base.payload(), Some(Payload::Dict(_)));
    let state = state_of(vm, obj)?;
    let list_items = if is_list { vm.iter(obj)? } else { Value::None };
    let dict_items = if is_dict {
        let items = vm.call_method(obj, "items", &[])?;
        vm.iter(&items)?
    } else {
        Value::None
    };
    Ok(vm.new_tuple(vec![newobj, newargs, state, list_items, dict_items]))
}

/// What `__getnewargs_ex__` or `__getnewargs__` return, checked as CPython checks them.
fn new_arguments(vm: &mut Vm, obj: &Value) -> PyResult<(Option<Value>, Option<Value>)> {
    if let Some(method) = vm.lookup_special(obj, "__getnewargs_ex__") {
        let result = vm.call_with_receiver(&method, obj, &[], &[])?;
        let Some(Payload::Tuple(pair)) = result.payload() else {
            return Err(vm.type_error(format!(
                "__getnewargs_ex__ should return a tuple, not '{}'",
                vm.type_name(&result)
            )));
        };
        if pair.len() != 2 {
            return Err(vm.value_error(format!(
                "__getnewargs_ex__ should return a tuple of length 2, not {}",
                pair.len()
            )));
        }
        if !matches!(pair[0].payload(), Some(Payload::Tuple(_))) {
            return Err(vm.type_error(format!(
                "first item of the tuple returned by __getnewargs_ex__ must be a tuple, not '{}'",
                vm.type_name(&pair[0])
            )));
        }
        if !matches!(pair[1].payload(), Some(Payload::Dict(_))) {
            return Err(vm.type_error(format!(
                "second item of the tuple returned by __getnewargs_ex__ must be a dict, not '{}'",
                vm.type_name(&pair[1])
            )));
        }
        return Ok((Some(pair[0].clone_ref(vm.py)), Some(pair[1].clone_ref(vm.py))));
    }
    if let Some(method) = vm.lookup_special(obj, "__getnewargs__") {
        let result = vm.call_with_receiver(&method, obj, &[], &[])?;
        if !matches!(result.payload(), Some(Payload::Tuple(_))) {
            return Err(vm.type_error(format!(
                "__getnewargs__ should return a tuple, not '{}'",
                vm.type_name(&result)
            )));
        }
        return Ok((Some(result), None));
    }
    Ok((None, None))
}

/// `obj.__getstate__()`, or the default state when the class does not define it.
fn state_of(vm: &mut Vm, obj: &Value) -> PyResult<Value> {
    match overridden(vm, obj, "__getstate__") {
        Some(getstate) => vm.call_with_receiver(&getstate, obj, &[], &[]),
        None => default_state(vm, obj),
    }
}

/// The names of the `__slots__` of `class` and its bases, as `copyreg._slotnames` lists them
/// (and caches them in the class's `__slotnames__`, which is read here first).
fn slot_names(vm: &mut Vm, class: &ObjRef) -> PyResult<Vec<String>> {
    let Payload::Type(t) = &class.payload else {
        return Ok(Vec::new());
    };
    let cached = {
        let key = intern("__slotnames__");
        let Payload::Str(k) = &key.payload else {
            return Ok(Vec::new());
        };
        t.dict
            .lock(vm.py)
            .get(k.hash(), |stored| stored.as_str() == Some("__slotnames__"))
            .map(|e| e.value.clone_ref(vm.py))
    };
    let names = match cached {
        Some(names) => names,
        None => {
            let slotnames = copyreg_function(vm, "_slotnames")?;
            vm.call(&slotnames, &[Value::Obj(class.clone_ref(vm.py))], &[])?
        }
    };
    if names.is_none() {
        return Ok(Vec::new());
    }
    let names = vm.collect(&names)?;
    Ok(names.iter().filter_map(|n| n.as_str().map(str::to_owned)).collect())
}

/// An instance's attributes as a new dict, leaving out `skip` (its slot names).
fn attributes_except(vm: &mut Vm, obj: &Value, skip: &[String]) -> PyResult<Option<Value>> {
    let Some(Payload::Instance(inst)) = obj.payload() else {
        return Ok(None);
    };
    let py = vm.py;
    let pairs: Vec<(Value, Value)> = inst.with_dict(py, |table| {
        table
            .iter()
            .filter(|e| !e.key.as_str().is_some_and(|k| skip.iter().any(|s| s == k)))
            .map(|e| (e.key.clone_ref(py), e.value.clone_ref(py)))
            .collect()
    });
    if pairs.is_empty() {
        return Ok(None);
    }
    // With no slots to leave out, the state is the `__dict__` itself when the program has
    // made one (so a pickle that also holds that dict refers to one object).
    if skip.is_empty()
        && let crate::objects::InstanceDict::Shared(dict) = &*inst.dict.lock(py)
    {
        return Ok(Some(Value::Obj(dict.clone_ref(py))));
    }
    let dict = vm.new_dict();
    for (k, v) in pairs {
        vm.dict_set(&dict, k, v)?;
    }
    Ok(Some(dict))
}

/// `object.__getstate__`'s answer.
fn default_state(vm: &mut Vm, obj: &Value) -> PyResult<Value> {
    let class = vm.type_of(obj).clone_ref(vm.py);
    let slots = slot_names(vm, &class)?;
    let attributes = attributes_except(vm, obj, &slots)?.unwrap_or(Value::None);
    if slots.is_empty() {
        return Ok(attributes);
    }
    let slot_values = vm.new_dict();
    let mut any = false;
    for name in &slots {
        if let Some(value) = vm.get_attr_opt(obj, &intern(name))? {
            let key = vm.new_str(name.as_str());
            vm.dict_set(&slot_values, key, value)?;
            any = true;
        }
    }
    if !any {
        return Ok(attributes);
    }
    Ok(vm.new_tuple(vec![attributes, slot_values]))
}

/// `copyreg._reduce_ex(obj, proto)`, protocols 0 and 1: `copyreg._reconstructor(cls, base,
/// state)`, where `base` is the built-in class the object's class derives from.
fn reduce_before_2(vm: &mut Vm, obj: &Value, proto: i64) -> PyResult<Value> {
    if proto >= 2 {
        return Err(vm.new_error(&types().assertion_error, ""));
    }
    let class = vm.type_of(obj).clone_ref(vm.py);
    let Payload::Type(t) = &class.payload else {
        return Err(vm.type_error("not a class"));
    };
    let base = std::iter::once(&class)
        .chain(&t.mro)
        .find(|c| is_builtin_class(c))
        .map_or_else(|| types().object.clone_ref(vm.py), |c| c.clone_ref(vm.py));
    let state = if base.is(&types().object) {
        Value::None
    } else {
        if base.is(&class) {
            return Err(vm.type_error(format!("cannot pickle '{}' object", t.name)));
        }
        vm.call(&Value::Obj(base.clone_ref(vm.py)), &[obj.clone_ref(vm.py)], &[])?
    };
    let args = vm.new_tuple(vec![Value::Obj(class.clone_ref(vm.py)), Value::Obj(base), state]);
    let getstate = overridden(vm, obj, "__getstate__");
    if getstate.is_none() {
        let slots = vm.get_attr_opt(obj, &intern("__slots__"))?;
        if let Some(slots) = slots
            && vm.is_true(&slots)?
        {
            return Err(vm.type_error("a class that defines __slots__ without defining __getstate__ cannot be pickled"));
        }
    }
    let state = match getstate {
        Some(getstate) => vm.call_with_receiver(&getstate, obj, &[], &[])?,
        None => default_state(vm, obj)?,
    };
    let reconstructor = copyreg_function(vm, "_reconstructor")?;
    Ok(if vm.is_true(&state)? {
        vm.new_tuple(vec![reconstructor, args, state])
    } else {
        vm.new_tuple(vec![reconstructor, args])
    })
}

/// `_pickle._reduce_ex(obj, proto)`: `copyreg._reduce_ex`.
pub fn copyreg_reduce_ex(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_reduce_ex", kwargs)?;
    check_arity(vm, "_reduce_ex", args, 2, 2)?;
    let proto = protocol_of(vm, &args[1])?;
    reduce_before_2(vm, &args[0], proto)
}

/// `BaseException.__reduce__`: `(type(self), self.args)`, plus the `__dict__` when it has
/// entries.
fn exception_reduce(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let exc = this(vm, "__reduce__", args, kwargs, 1)?;
    let class = Value::Obj(vm.type_of(exc).clone_ref(vm.py));
    let exc_args = vm.exception_attr(exc, "args").unwrap_or(Value::None);
    let attributes = attributes_except(vm, exc, &[])?;
    Ok(match attributes {
        Some(dict) => vm.new_tuple(vec![class, exc_args, dict]),
        None => vm.new_tuple(vec![class, exc_args]),
    })
}

/// `BaseException.__setstate__(state)`: the state's items become attributes.
fn exception_setstate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "__setstate__", kwargs)?;
    check_arity(vm, "__setstate__", args, 2, 2)?;
    let state = &args[1];
    if state.is_none() {
        return Ok(Value::None);
    }
    if !matches!(state.payload(), Some(Payload::Dict(_))) {
        return Err(vm.type_error("state is not a dictionary"));
    }
    for (key, value) in vm.dict_items(state)? {
        let Some(name) = key.as_str() else {
            return Err(vm.type_error(format!("attribute name must be string, not '{}'", vm.type_name(&key))));
        };
        vm.set_attr(&args[0], &intern(name), value)?;
    }
    Ok(Value::None)
}

/// `NotImplemented.__reduce__()` and `Ellipsis.__reduce__()`: their names in `builtins`.
fn singleton_reduce(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let obj = this(vm, "__reduce__", args, kwargs, 1)?;
    let name = if matches!(obj.payload(), Some(Payload::Ellipsis)) {
        "Ellipsis"
    } else {
        "NotImplemented"
    };
    Ok(vm.new_str(name))
}

/// `__getnewargs__` of `int`, `float`, `str`, `bytes` and `tuple`: the plain value, so an
/// instance of a derived class is rebuilt as `cls.__new__(cls, value)`.
fn getnewargs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let obj = this(vm, "__getnewargs__", args, kwargs, 1)?;
    let value = obj.builtin_self().clone_ref(vm.py);
    let value = match value.payload() {
        Some(Payload::Tuple(items)) => vm.new_tuple(items.iter().map(|v| v.clone_ref(vm.py)).collect()),
        _ => value,
    };
    Ok(vm.new_tuple(vec![value]))
}

/// The `__reduce__` of `range`, `slice`, sets, methods and built-in functions.
fn builtin_reduce(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let obj = this(vm, "__reduce__", args, kwargs, 1)?;
    let py = vm.py;
    let class_of = |vm: &Vm, v: &Value| Value::Obj(vm.type_of(v).clone_ref(py));
    match obj.builtin_self().payload() {
        Some(Payload::Range(r)) => {
            let parts = vm.new_tuple(vec![Value::Int(r.start), Value::Int(r.stop), Value::Int(r.step)]);
            Ok(vm.new_tuple(vec![class_of(vm, obj), parts]))
        }
        Some(Payload::Slice(s)) => {
            let parts = vm.new_tuple(s.iter().map(|v| v.clone_ref(py)).collect());
            Ok(vm.new_tuple(vec![class_of(vm, obj), parts]))
        }
        Some(Payload::Set(_) | Payload::FrozenSet(_)) => {
            let items = vm.set_items(obj.builtin_self());
            let list = vm.new_list(items);
            let args = vm.new_tuple(vec![list]);
            let state = attributes_except(vm, obj, &[])?.unwrap_or(Value::None);
            Ok(vm.new_tuple(vec![class_of(vm, obj), args, state]))
        }
        Some(Payload::BoundMethod(receiver, function)) => {
            let (receiver, function) = (receiver.clone_ref(py), function.clone_ref(py));
            let name = vm.get_attr(&function, &intern("__name__"))?;
            let getattr = builtin(vm, "getattr")?;
            let args = vm.new_tuple(vec![receiver, name]);
            Ok(vm.new_tuple(vec![getattr, args]))
        }
        Some(Payload::Native(n)) if n.is_method => {
            // An unbound method of a built-in class: fetched from that class again.
            let name = n.name;
            let owner = owner_class(vm, obj);
            let Some(owner) = owner else {
                return Ok(vm.new_str(name));
            };
            let getattr = builtin(vm, "getattr")?;
            let name = vm.new_str(name);
            let args = vm.new_tuple(vec![owner, name]);
            Ok(vm.new_tuple(vec![getattr, args]))
        }
        Some(Payload::Native(n)) => Ok(vm.new_str(n.name)),
        _ => Err(cannot_pickle(vm, &vm.type_name(obj))),
    }
}

/// The built-in class whose namespace holds the native method `method`.
fn owner_class(vm: &Vm, method: &Value) -> Option<Value> {
    let target = method.as_obj()?;
    let holds = |class: &ObjRef| match &class.payload {
        Payload::Type(t) => t.dict.lock(vm.py).iter().any(|e| match &e.value {
            Value::Obj(o) => {
                o.is(target)
                    || matches!(&o.payload, Payload::StaticMethod(f) | Payload::ClassMethod(f)
                        if f.as_obj().is_some_and(|f| f.is(target)))
            }
            _ => false,
        }),
        _ => false,
    };
    types().all().find(|c| holds(c)).map(|c| Value::Obj(c.clone_ref(vm.py)))
}
