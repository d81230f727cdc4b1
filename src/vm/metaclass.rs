//! Metaclasses: classes derived from `type`, whose instances are classes. `type`'s own methods
//! (`type.__new__`, `__init__`, `__call__`, `__prepare__`, `mro`, `__instancecheck__`…) live
//! here, with the rules that pick a class's metaclass from its bases.
//!
//! A class made by plain `type` has no metaclass recorded (`TypeObject::metaclass` is `None`),
//! so ordinary classes take none of these paths.

use crate::objects::types::{add_methods, clone_immortal, native, types};
use crate::objects::{NativeFn, ObjRef, Payload, PyObject, Value};

use super::args::check_arity;
use super::{PyResult, Vm, is_subclass};

/// Install `type`'s methods (at start-up, with the other built-in classes').
pub fn install(py: crate::gil::Gil<'_>) {
    let t = types();
    let methods: [(&'static str, NativeFn); 6] = [
        ("__init__", type_init),
        ("__call__", type_call),
        ("mro", type_mro),
        ("__instancecheck__", type_instancecheck),
        ("__subclasscheck__", type_subclasscheck),
        ("__subclasses__", type_subclasses),
    ];
    add_methods(py, &t.type_, &methods);
    let statics: [(&'static str, NativeFn); 2] = [("__new__", type_new), ("__prepare__", type_prepare)];
    for (name, function) in statics {
        let wrapped = PyObject::new(Payload::StaticMethod(Value::Obj(native(name, function, false))));
        crate::objects::methods::slots::set_class_attr(py, &t.type_, name, Value::Obj(ObjRef::new_immortal(wrapped)));
    }
    // `object.__init_subclass__`: a classmethod refusing keywords.
    let init_subclass = PyObject::new(Payload::ClassMethod(Value::Obj(native(
        "__init_subclass__",
        object_init_subclass,
        false,
    ))));
    crate::objects::methods::slots::set_class_attr(
        py,
        &t.object,
        "__init_subclass__",
        Value::Obj(ObjRef::new_immortal(init_subclass)),
    );
    // `object.__subclasshook__`: a classmethod that leaves the decision to the caller.
    let subclasshook = PyObject::new(Payload::ClassMethod(Value::Obj(native(
        "__subclasshook__",
        |vm, _, _| Ok(vm.not_implemented()),
        false,
    ))));
    crate::objects::methods::slots::set_class_attr(
        py,
        &t.object,
        "__subclasshook__",
        Value::Obj(ObjRef::new_immortal(subclasshook)),
    );
}

/// The name of a class, for messages.
fn class_name(class: &Value) -> String {
    match class.payload() {
        Some(Payload::Type(t)) => t.name.clone(),
        _ => "?".to_string(),
    }
}

/// The metaclass a class statement (or `type(name, bases, ns)`) uses: of the explicit one and
/// the bases' types, the one derived from all the others; CPython's error if there is none.
pub fn most_derived(vm: &Vm, explicit: &ObjRef, bases: &[ObjRef]) -> PyResult<ObjRef> {
    let py = vm.py;
    let mut winner = explicit.clone_ref(py);
    for base in bases {
        let candidate = vm.class_of(base);
        if is_subclass(&winner, candidate) {
            continue;
        }
        if is_subclass(candidate, &winner) {
            winner = candidate.clone_ref(py);
            continue;
        }
        return Err(vm.type_error(
            "metaclass conflict: the metaclass of a derived class must be a (non-strict) subclass of the metaclasses of all its bases",
        ));
    }
    Ok(winner)
}

/// `type.__new__(metaclass, name, bases, namespace, **kwargs)`: create a class whose type is
/// `metaclass`; the keywords go to `__init_subclass__`.
fn type_new(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some((metaclass, rest)) = args.split_first() else {
        return Err(vm.type_error("type.__new__(): not enough arguments"));
    };
    let Some(metaclass) = metaclass
        .as_obj()
        .filter(|m| matches!(m.payload, Payload::Type(_)))
        .map(|m| m.clone_ref(vm.py))
    else {
        return Err(vm.type_error(format!(
            "type.__new__(X): X is not a type object ({})",
            vm.type_name(metaclass)
        )));
    };
    if !is_subclass(&metaclass, &types().type_) {
        let name = class_name(&Value::Obj(metaclass.clone_ref(vm.py)));
        return Err(vm.type_error(format!("type.__new__({name}): {name} is not a subtype of type")));
    }
    if rest.len() != 3 {
        return Err(vm.type_error(format!(
            "type.__new__() takes exactly 3 arguments ({} given)",
            rest.len()
        )));
    }
    create(vm, &metaclass, &rest[0], &rest[1], &rest[2], kwargs)
}

/// The checks and work of `type.__new__` once the metaclass is known.
pub fn create(
    vm: &mut Vm,
    metaclass: &ObjRef,
    name: &Value,
    bases: &Value,
    namespace: &Value,
    kwargs: &[(ObjRef, Value)],
) -> PyResult<Value> {
    let py = vm.py;
    let Some(name) = name.as_str().map(str::to_string) else {
        return Err(vm.type_error(format!(
            "type.__new__() argument 1 must be str, not {}",
            vm.type_name(name)
        )));
    };
    let Some(Payload::Tuple(base_values)) = bases.payload() else {
        return Err(vm.type_error(format!(
            "type.__new__() argument 2 must be tuple, not {}",
            vm.type_name(bases)
        )));
    };
    let namespace_dict = namespace.builtin_self();
    let Some(namespace_obj) = namespace_dict
        .as_obj()
        .filter(|n| matches!(n.payload, Payload::Dict(_)))
    else {
        return Err(vm.type_error(format!(
            "type.__new__() argument 3 must be dict, not {}",
            vm.type_name(namespace)
        )));
    };
    let mut base_classes = Vec::new();
    for base in base_values.iter() {
        match base {
            Value::Obj(o) if matches!(o.payload, Payload::Type(_)) => base_classes.push(o.clone_ref(py)),
            _ => return Err(vm.type_error("bases must be types")),
        }
    }
    let winner = most_derived(vm, metaclass, &base_classes)?;
    if base_classes.is_empty() {
        base_classes.push(clone_immortal(&types().object));
    }
    let metaclass = (!winner.is(&types().type_)).then_some(winner);
    super::classes::new_class(vm, &name, base_classes, namespace_obj, metaclass, kwargs)
}

/// `type.__init__(cls, ...)`: the class is complete already; only the argument count is checked.
fn type_init(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    match args.len() {
        2 | 4 => Ok(Value::None),
        0 => Err(vm.type_error("descriptor '__init__' of 'type' object needs an argument")),
        _ => Err(vm.type_error("type.__init__() takes 1 or 3 arguments")),
    }
}

/// `type.__call__(cls, *args, **kwargs)`: what calling a class does without a metaclass
/// `__call__` of its own: `__new__`, then `__init__`.
fn type_call(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some((Value::Obj(class), rest)) = args.split_first() else {
        return Err(vm.type_error("descriptor '__call__' of 'type' object needs an argument"));
    };
    if !matches!(class.payload, Payload::Type(_)) {
        return Err(vm.type_error(format!(
            "descriptor '__call__' requires a 'type' object but received a '{}'",
            vm.type_name(&args[0])
        )));
    }
    vm.construct(class, rest, kwargs)
}

/// `type.__prepare__(name, bases, **kwargs)`: the namespace a class body runs in.
fn type_prepare(vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Ok(vm.new_dict())
}

/// The class a `type` method was called on, checked.
fn receiver_class<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a ObjRef> {
    match args.first() {
        Some(Value::Obj(o)) if matches!(o.payload, Payload::Type(_)) => Ok(o),
        Some(other) => Err(vm.type_error(format!(
            "descriptor '{method}' for 'type' objects doesn't apply to a '{}' object",
            vm.type_name(other)
        ))),
        None => Err(vm.type_error(format!("unbound method type.{method}() needs an argument"))),
    }
}

/// `cls.mro()`: the class and its method resolution order, as a list.
fn type_mro(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let class = receiver_class(vm, args, "mro")?;
    check_arity(vm, "mro", &args[1..], 0, 0)?;
    let py = vm.py;
    let mut items = vec![Value::Obj(class.clone_ref(py))];
    if let Payload::Type(t) = &class.payload {
        items.extend(t.mro.iter().map(|m| Value::Obj(m.clone_ref(py))));
    }
    Ok(vm.new_list(items))
}

/// `cls.__instancecheck__(obj)` as `type` does it: along `type(obj)`'s MRO, then `obj.__class__`.
fn type_instancecheck(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let class = receiver_class(vm, args, "__instancecheck__")?.clone_ref(vm.py);
    check_arity(vm, "__instancecheck__", &args[1..], 1, 1)?;
    vm.default_isinstance(&args[1], &class).map(Value::Bool)
}

/// `cls.__subclasscheck__(sub)` as `type` does it: along `sub`'s MRO.
fn type_subclasscheck(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let class = receiver_class(vm, args, "__subclasscheck__")?;
    check_arity(vm, "__subclasscheck__", &args[1..], 1, 1)?;
    match args[1].as_obj().filter(|o| matches!(o.payload, Payload::Type(_))) {
        Some(sub) => Ok(Value::Bool(is_subclass(sub, class))),
        None => Err(vm.type_error("issubclass() arg 1 must be a class")),
    }
}

/// `cls.__subclasses__()`: the live classes naming `cls` among their direct bases.
fn type_subclasses(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let class = receiver_class(vm, args, "__subclasses__")?.clone_ref(vm.py);
    check_arity(vm, "__subclasses__", &args[1..], 0, 0)?;
    let found = direct_subclasses(vm, &class);
    Ok(vm.new_list(found))
}

/// `object.__init_subclass__(cls)`: accepts no keywords.
fn object_init_subclass(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    if !kwargs.is_empty() || args.len() > 1 {
        let name = match args.first().and_then(Value::payload) {
            Some(Payload::Type(t)) => t.qualname.clone(),
            _ => "object".to_string(),
        };
        return Err(vm.type_error(format!("{name}.__init_subclass__() takes no keyword arguments")));
    }
    Ok(Value::None)
}

/// After a class is created: its first base's `__init_subclass__` with the class keywords.
pub fn run_init_subclass(vm: &mut Vm, class: &Value, kwargs: &[(ObjRef, Value)]) -> PyResult<()> {
    let py = vm.py;
    let Some(Payload::Type(t)) = class.payload() else {
        return Ok(());
    };
    let Some(first) = t.mro.first().map(|b| b.clone_ref(py)) else {
        return Ok(());
    };
    let hook = vm.lookup_along(&first, "__init_subclass__");
    let hook = match hook {
        Some(found) => found,
        None => return Ok(()),
    };
    let bound = match hook.payload() {
        Some(Payload::ClassMethod(f)) => f.clone_ref(py),
        Some(Payload::StaticMethod(f)) => {
            let f = f.clone_ref(py);
            vm.call(&f, &[], kwargs)?;
            return Ok(());
        }
        _ => hook,
    };
    vm.call_with_receiver(&bound, class, &[], kwargs)?;
    Ok(())
}

/// `isinstance(obj, cls)` / `issubclass` dispatch to a metaclass's `__instancecheck__` /
/// `__subclasscheck__`: `Some(answer)` when the class's metaclass defines one.
pub fn metaclass_check(vm: &mut Vm, class: &ObjRef, candidate: &Value, hook: &'static str) -> PyResult<Option<bool>> {
    let Payload::Type(t) = &class.payload else {
        return Ok(None);
    };
    let Some(metaclass) = t.metaclass.as_ref().map(|m| m.clone_ref(vm.py)) else {
        return Ok(None);
    };
    let Some(method) = vm.class_attr(&metaclass, hook) else {
        return Ok(None);
    };
    if matches!(method.payload(), Some(Payload::Native(_))) {
        return Ok(None);
    }
    let py = vm.py;
    let result = vm.with_recursion_guard(super::recursion::context::INSTANCE_CHECK, |vm| {
        vm.call(
            &method,
            &[Value::Obj(class.clone_ref(py)), candidate.clone_ref(py)],
            &[],
        )
    })?;
    vm.is_true(&result).map(Some)
}

/// The live classes whose direct bases include `class`: found among the objects the cycle
/// collector tracks, with the world stopped so no thread changes them meanwhile.
fn direct_subclasses(vm: &mut Vm, class: &ObjRef) -> Vec<Value> {
    let py = vm.py;
    let tracked = vm.with_world_stopped(|world| crate::objects::gc::tracked_objects(py, world, None));
    tracked
        .into_iter()
        .filter(
            |candidate| matches!(candidate.payload(), Some(Payload::Type(t)) if t.bases.iter().any(|b| b.is(class))),
        )
        .collect()
}

impl Vm<'_> {
    /// `isinstance(obj, class)` for one class: its exact type first, then the metaclass's
    /// `__instancecheck__` if it has one, else the default rule.
    pub fn isinstance(&mut self, obj: &Value, class: &ObjRef) -> PyResult<bool> {
        if self.type_of(obj).is(class) {
            return Ok(true);
        }
        if let Some(answer) = metaclass_check(self, class, obj, "__instancecheck__")? {
            return Ok(answer);
        }
        self.default_isinstance(obj, class)
    }

    /// `issubclass(candidate, class)` for one class.
    pub fn issubclass(&mut self, candidate: &Value, class: &ObjRef) -> PyResult<bool> {
        if let Some(answer) = metaclass_check(self, class, candidate, "__subclasscheck__")? {
            return Ok(answer);
        }
        match candidate.as_obj().filter(|c| matches!(c.payload, Payload::Type(_))) {
            Some(sub) => Ok(is_subclass(sub, class)),
            None => Err(self.type_error("issubclass() arg 1 must be a class")),
        }
    }

    /// `type.__instancecheck__`: `type(obj)` derives from `class`, or `obj.__class__` does (a
    /// class attribute or property named `__class__`, a weak proxy's referent's class).
    pub fn default_isinstance(&mut self, obj: &Value, class: &ObjRef) -> PyResult<bool> {
        let py = self.py;
        let actual = self.type_of(obj).clone_ref(py);
        if is_subclass(&actual, class) {
            return Ok(true);
        }
        if let Some(shown) = crate::modules::weakref::proxied_class(self, obj) {
            return Ok(is_subclass(&shown?, class));
        }
        if !matches!(obj.payload(), Some(Payload::Instance(_))) {
            return Ok(false);
        }
        let name = crate::objects::types::intern("__class__");
        let Some(declared) = self.lookup_in_class(&actual, &name)? else {
            return Ok(false);
        };
        let shown = match declared.payload() {
            Some(Payload::Property(accessors)) => {
                let getter = accessors[0].clone_ref(py);
                match self.call(&getter, &[obj.clone_ref(py)], &[]) {
                    Ok(v) => v,
                    Err(e) if self.err_matches(&e, &types().attribute_error) => return Ok(false),
                    Err(e) => return Err(e),
                }
            }
            Some(Payload::Instance(_)) => match self.user_descriptor(&declared) {
                Some((Some(get), _)) => {
                    let owner = Value::Obj(actual.clone_ref(py));
                    self.call_with_receiver(&get, &declared, &[obj.clone_ref(py), owner], &[])?
                }
                _ => declared,
            },
            _ => declared,
        };
        Ok(shown
            .as_obj()
            .is_some_and(|c| matches!(c.payload, Payload::Type(_)) && is_subclass(c, class)))
    }
}
