//! User classes and exceptions: `class` statements, instance creation, raising and matching.

use crate::objects::types::{SUBCLASSABLE, clone_immortal, intern, types};
use crate::objects::{DictTable, Instance, Layout, ObjLock, ObjRef, Payload, PyObject, TypeObject, Value};

use super::eval::str_of;
use super::frame::{Frame, FrameCode, Slots};
use super::{PyErr, PyResult, Vm, is_exception_class, is_subclass};

/// `C(*args, **kwargs)` for a user class (or a built-in exception class).
pub fn instantiate(vm: &mut Vm, class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let py = vm.py;
    let Payload::Type(t) = &class.payload else {
        return Err(vm.type_error("not a class"));
    };
    let class_value = Value::Obj(class.clone_ref(py));
    // A user `__new__` (a staticmethod by convention) decides what gets created.
    if let Some(new) = vm.class_attr(class, "__new__") {
        let new = match new.payload() {
            Some(Payload::StaticMethod(f)) => f.clone_ref(py),
            _ => new,
        };
        let obj = vm.call_with_receiver(&new, &class_value, args, kwargs)?;
        if is_subclass(vm.type_of(&obj), class) {
            run_init(vm, &obj, args, kwargs)?;
        }
        return Ok(obj);
    }
    let is_exception = t.layout == Layout::Exception;
    let object_init = vm.class_attr(&types().object, "__init__");
    let has_init = match (vm.class_attr(class, "__init__"), object_init) {
        (Some(init), Some(default)) => !init.is(&default),
        (init, _) => init.is_some(),
    };
    if !is_exception && !has_init && (!args.is_empty() || !kwargs.is_empty()) {
        return Err(vm.type_error(format!("{}() takes no arguments", t.name)));
    }
    let obj = alloc_instance(vm, class, args);
    if has_init {
        run_init(vm, &obj, args, kwargs)?;
    } else if is_exception && !kwargs.is_empty() {
        if !is_subclass(class, &types().import_error) {
            return Err(vm.type_error(format!("{}() takes no keyword arguments", t.name)));
        }
        set_import_error_fields(vm, &obj, kwargs)?;
    }
    Ok(obj)
}

/// A fresh instance of `class` (a user class not derived from a built-in value type), its
/// `__init__` not run; exceptions keep `args`.
pub fn alloc_instance(vm: &mut Vm, class: &ObjRef, args: &[Value]) -> Value {
    let py = vm.py;
    let is_exception = matches!(&class.payload, Payload::Type(t) if t.layout == Layout::Exception);
    if is_exception && is_subclass(class, &types().os_error) {
        return super::os_error::alloc(vm, class, args);
    }
    let exception = is_exception.then(|| {
        let args = ObjRef::new(
            py,
            PyObject::new(Payload::Tuple(args.iter().map(|a| a.clone_ref(py)).collect())),
        );
        ObjLock::new(crate::objects::ExceptionState {
            args: Some(args),
            ..Default::default()
        })
    });
    vm.alloc(Payload::Instance(Box::new(Instance::new(
        class.clone_ref(py),
        exception,
        None,
    ))))
}

fn run_init(vm: &mut Vm, obj: &Value, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<()> {
    if let Some(init) = vm.lookup_special(obj, "__init__") {
        let r = vm.call_with_receiver(&init, obj, args, kwargs)?;
        if !r.is_none() {
            return Err(vm.type_error(format!("__init__() should return None, not '{}'", vm.type_name(&r))));
        }
    }
    Ok(())
}

/// `ImportError(msg, name=..., path=...)`: the only keywords a built-in exception takes.
fn set_import_error_fields(vm: &mut Vm, exc: &Value, kwargs: &[(ObjRef, Value)]) -> PyResult<()> {
    for (key, value) in kwargs {
        match str_of(key) {
            "name" | "path" => vm.set_attr(exc, key, value.clone_ref(vm.py))?,
            _ => {
                return Err(vm.type_error(format!(
                    "'{}' is an invalid keyword argument for {}()",
                    str_of(key),
                    vm.type_name(exc)
                )));
            }
        }
    }
    Ok(())
}

/// `BaseException.__init__(self, *args)`: store the args (for `super().__init__(msg)`).
pub fn base_exception_init(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let py = vm.py;
    let Some((this, rest)) = args.split_first() else {
        return Err(vm.type_error("descriptor '__init__' of 'BaseException' object needs an argument"));
    };
    if let Some(Payload::Instance(inst)) = this.payload()
        && let Some(state) = &inst.exception
    {
        if is_subclass(&inst.class, &types().import_error) {
            set_import_error_fields(vm, this, kwargs)?;
        }
        let rest = if is_subclass(&inst.class, &types().os_error) {
            super::os_error::set_fields(vm, this, rest);
            super::os_error::kept_args(rest)
        } else {
            rest
        };
        let tuple = ObjRef::new(
            py,
            PyObject::new(Payload::Tuple(rest.iter().map(|a| a.clone_ref(py)).collect())),
        );
        let old = state.lock(py).args.replace(tuple);
        drop(old);
    }
    Ok(Value::None)
}

/// `prop.getter(f)` / `setter` / `deleter`: a copy of the property with one accessor replaced.
fn property_with(vm: &mut Vm, args: &[Value], which: usize, name: &str) -> PyResult<Value> {
    let py = vm.py;
    let (Some(Payload::Property(accessors)), Some(function)) = (args.first().and_then(Value::payload), args.get(1))
    else {
        return Err(vm.type_error(format!("property.{name}() takes exactly one argument")));
    };
    let mut new = [
        accessors[0].clone_ref(py),
        accessors[1].clone_ref(py),
        accessors[2].clone_ref(py),
    ];
    new[which] = function.clone_ref(py);
    Ok(vm.alloc(Payload::Property(Box::new(new))))
}

pub fn property_getter(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    property_with(vm, args, 0, "getter")
}

pub fn property_setter(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    property_with(vm, args, 1, "setter")
}

pub fn property_deleter(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    property_with(vm, args, 2, "deleter")
}

/// `__build_class__(body, name, *bases, **keywords)`: pick the metaclass, run the body in the
/// namespace it prepares, then create the class and fill the `__class__` cell used by
/// zero-argument `super()`.
pub fn build_class(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let py = vm.py;
    let (Some(body), Some(name_value)) = (args.first(), args.get(1)) else {
        return Err(vm.type_error("__build_class__: not enough arguments"));
    };
    let name = name_value.as_str().unwrap_or("?").to_string();
    let explicit = kwargs
        .iter()
        .find(|(k, _)| str_of(k) == "metaclass")
        .map(|(_, m)| m.clone_ref(py));
    let class_kwargs: Vec<(ObjRef, Value)> = kwargs
        .iter()
        .filter(|(k, _)| str_of(k) != "metaclass")
        .map(|(k, v)| (k.clone_ref(py), v.clone_ref(py)))
        .collect();
    let (bases, original_bases) = resolve_bases(vm, &args[2..])?;
    let base_classes: Vec<ObjRef> = bases
        .iter()
        .filter_map(|b| {
            b.as_obj()
                .filter(|o| matches!(o.payload, Payload::Type(_)))
                .map(|o| o.clone_ref(py))
        })
        .collect();
    // The metaclass: the explicit one (any callable), else the most derived of the bases' types.
    let metaclass = match explicit {
        Some(Value::Obj(m)) if matches!(m.payload, Payload::Type(_)) => {
            Some(super::metaclass::most_derived(vm, &m, &base_classes)?)
        }
        Some(other) => return build_with_callable(vm, body, name_value, &other, bases, &class_kwargs),
        None => Some(super::metaclass::most_derived(vm, &types().type_, &base_classes)?),
    }
    .filter(|m| !m.is(&types().type_));
    let Some(Payload::Function(function)) = body.payload() else {
        return Err(vm.type_error("__build_class__: func must be a function"));
    };
    let bases_tuple = vm.new_tuple(bases);
    let namespace = match &metaclass {
        None => vm.new_dict(),
        Some(meta) => {
            let prepare = vm.get_attr(&Value::Obj(meta.clone_ref(py)), &intern("__prepare__"))?;
            vm.call(
                &prepare,
                &[name_value.clone_ref(py), bases_tuple.clone_ref(py)],
                &class_kwargs,
            )?
        }
    };
    let Value::Obj(namespace_obj) = &namespace else {
        return Err(vm.type_error(format!(
            "{}.__prepare__() must return a mapping, not {}",
            match metaclass.as_ref().map(|m| &m.payload) {
                Some(Payload::Type(t)) => t.name.as_str(),
                _ => "type",
            },
            vm.type_name(&namespace)
        )));
    };
    let class_cell = run_class_body(vm, function, namespace_obj)?;
    if let Some(original) = original_bases {
        vm.dict_set_str(namespace_obj, &intern("__orig_bases__"), original)?;
    }
    let class = match &metaclass {
        None => new_class(
            vm,
            &name,
            base_classes_or_object(base_classes),
            namespace_obj,
            None,
            &class_kwargs,
        )?,
        Some(meta) => {
            let meta = Value::Obj(meta.clone_ref(py));
            vm.call(
                &meta,
                &[name_value.clone_ref(py), bases_tuple, namespace],
                &class_kwargs,
            )?
        }
    };
    if let Some(Payload::Cell(cell)) = class_cell.payload() {
        let old = cell.lock(py).replace(class.clone_ref(py));
        drop(old);
    }
    Ok(class)
}

/// `class C(metaclass=f)` with a metaclass that is no class: `f(name, bases, namespace)`.
fn build_with_callable(
    vm: &mut Vm,
    body: &Value,
    name: &Value,
    metaclass: &Value,
    bases: Vec<Value>,
    kwargs: &[(ObjRef, Value)],
) -> PyResult<Value> {
    let py = vm.py;
    let Some(Payload::Function(function)) = body.payload() else {
        return Err(vm.type_error("__build_class__: func must be a function"));
    };
    let namespace = vm.new_dict();
    let Value::Obj(namespace_obj) = &namespace else {
        return Err(vm.type_error("namespace"));
    };
    run_class_body(vm, function, namespace_obj)?;
    let bases = vm.new_tuple(bases);
    vm.call(metaclass, &[name.clone_ref(py), bases, namespace.clone_ref(py)], kwargs)
}

/// The bases as written, with `__mro_entries__` applied to those that are no classes; the
/// original tuple too when that changed anything (stored as `__orig_bases__`).
fn resolve_bases(vm: &mut Vm, written: &[Value]) -> PyResult<(Vec<Value>, Option<Value>)> {
    let py = vm.py;
    let mut resolved = Vec::new();
    let mut changed = false;
    let original = vm.new_tuple(written.iter().map(|b| b.clone_ref(py)).collect());
    for base in written {
        if matches!(base.payload(), Some(Payload::Type(_))) {
            resolved.push(base.clone_ref(py));
            continue;
        }
        let Some(entries) = vm.get_attr_opt(base, &intern("__mro_entries__"))? else {
            return Err(vm.type_error("bases must be types"));
        };
        let replaced = vm.call(&entries, &[original.clone_ref(py)], &[])?;
        let Some(Payload::Tuple(items)) = replaced.payload() else {
            return Err(vm.type_error("__mro_entries__ must return a tuple"));
        };
        resolved.extend(items.iter().map(|b| b.clone_ref(py)));
        changed = true;
    }
    for base in &resolved {
        if !matches!(base.payload(), Some(Payload::Type(_))) {
            return Err(vm.type_error("bases must be types"));
        }
    }
    Ok((resolved, changed.then_some(original)))
}

fn base_classes_or_object(mut bases: Vec<ObjRef>) -> Vec<ObjRef> {
    if bases.is_empty() {
        bases.push(clone_immortal(&types().object));
    }
    bases
}

/// Run a class body in `namespace`; returns the `__class__` cell (or `None`) it hands back.
fn run_class_body(vm: &mut Vm, function: &crate::objects::Function, namespace: &ObjRef) -> PyResult<Value> {
    let py = vm.py;
    let Some(code) = FrameCode::new(&function.code, &function.globals) else {
        return Err(vm.type_error("__build_class__: func must be a function"));
    };
    let mut frame = Frame::new(Some(namespace.clone_ref(py)), 0, 0);
    let mut slots = Slots::default();
    for _ in &code.handle.code.cellvars {
        frame
            .cells
            .push(ObjRef::new(py, PyObject::new(Payload::Cell(ObjLock::new(None)))));
    }
    slots.fast.resize_with(code.handle.code.varnames.len(), || None);
    frame.cells.extend(function.closure.iter().map(|c| c.clone_ref(py)));
    Ok(match vm.run_frame(code, &mut frame, &mut slots)? {
        super::eval::FrameExit::Return(v) | super::eval::FrameExit::Yield(v) => v,
    })
}

/// Create a class object: MRO by C3 linearisation, layout inherited from the bases.
pub fn new_class(
    vm: &mut Vm,
    name: &str,
    bases: Vec<ObjRef>,
    namespace: &ObjRef,
    metaclass: Option<ObjRef>,
    kwargs: &[(ObjRef, Value)],
) -> PyResult<Value> {
    let py = vm.py;
    let mro = c3_mro(vm, &bases)?;
    let mut roots = bases.iter().filter_map(builtin_base);
    let root = roots.next();
    let layout = if mro.iter().any(is_exception_class) {
        Layout::Exception
    } else {
        Layout::Object
    };
    if roots.any(|r| root.is_some_and(|root| !r.is(root))) || (root.is_some() && layout == Layout::Exception) {
        return Err(vm.type_error("multiple bases have instance lay-out conflict"));
    }
    let weakref_types = crate::objects::types::weakref_types();
    if let Some(Payload::Type(t)) = root.map(|r| &r.payload)
        && !root.is_some_and(|r| r.is(&weakref_types.reference) || r.is(&weakref_types.proxy_base))
    {
        check_subclassable(vm, &t.name)?;
    }
    let mut dict = DictTable::new();
    let mut module = "__main__".to_string();
    let mut qualname = name.to_string();
    if let Payload::Dict(ns) = &namespace.payload {
        for e in ns.lock(py).iter() {
            match e.key.as_str() {
                Some("__module__") => module = e.value.as_str().unwrap_or("__main__").to_string(),
                // The class keeps it as its `__qualname__`, not in its namespace (as CPython).
                Some("__qualname__") => {
                    qualname = e.value.as_str().unwrap_or(name).to_string();
                    continue;
                }
                _ => {}
            }
            // These two are implicitly classmethods when written as plain functions.
            let value = match (e.key.as_str(), e.value.payload()) {
                (Some("__init_subclass__" | "__class_getitem__"), Some(Payload::Function(_))) => {
                    vm.alloc(Payload::ClassMethod(e.value.clone_ref(py)))
                }
                _ => e.value.clone_ref(py),
            };
            let probe = e.key.clone_ref(py);
            dict.insert(e.hash, e.key.clone_ref(py), value, |k| super::ops::key_eq(k, &probe));
        }
    }
    let shape = super::slots::apply(vm, name, &bases, &mut dict)?;
    // Every class has its own `__doc__` (None without a docstring): a docstring is not
    // inherited.
    let defines = |d: &DictTable, n: &str| d.iter().any(|e| e.key.as_str() == Some(n));
    let static_builtin = dict
        .remove_name("__toy_static__")
        .is_some_and(|v| matches!(v, Value::Bool(true)));
    if !defines(&dict, "__doc__") {
        dict.insert_name("__doc__", Value::None);
    }
    // Defining `__eq__` without `__hash__` makes instances unhashable, as in CPython.
    if defines(&dict, "__eq__") && !defines(&dict, "__hash__") {
        dict.insert_name("__hash__", Value::None);
    }
    if defines(&dict, "__getattribute__") {
        super::attrs::getattribute_defined();
    }
    // Descriptors written in Python learn their owner and name (`__set_name__`).
    let descriptors: Vec<(Value, Value)> = dict
        .iter()
        .filter(|e| matches!(e.value.payload(), Some(Payload::Instance(_))))
        .map(|e| (e.key.clone_ref(py), e.value.clone_ref(py)))
        .collect();
    let has_del = dict.iter().any(|e| e.key.as_str() == Some("__del__"))
        || mro.iter().any(|base| super::finalize::class_defines_del(py, base));
    let class = vm.alloc(Payload::Type(Box::new(TypeObject {
        name: name.to_string(),
        qualname,
        module,
        bases,
        mro,
        dict: ObjLock::new(dict),
        layout,
        finalizer: crate::objects::gc::FinalizerCache::new(has_del),
        shape,
        metaclass,
        static_builtin,
    })));
    for (key, value) in descriptors {
        if let Some(set_name) = vm.lookup_special(&value, "__set_name__") {
            let attr = key.as_str().unwrap_or("?").to_string();
            if let Err(err) = vm.call_with_receiver(&set_name, &value, &[class.clone_ref(py), key], &[]) {
                // Python 3.11 wraps the error (3.12 stopped doing so).
                let wrapped = vm.new_error(
                    &types().runtime_error,
                    format!(
                        "Error calling __set_name__ on '{}' instance '{attr}' in '{name}'",
                        vm.type_name(&value)
                    ),
                );
                vm.set_cause(&wrapped.exc, Some(Value::Obj(err.exc)), true);
                return Err(wrapped);
            }
        }
    }
    super::metaclass::run_init_subclass(vm, &class, kwargs)?;
    Ok(class)
}

/// The built-in class whose values instances of `class` extend: `list` for `class Stack(list)`
/// (and for `list` itself); `None` for classes built on `object` or on exceptions.
pub fn builtin_base(class: &ObjRef) -> Option<&ObjRef> {
    let Payload::Type(t) = &class.payload else {
        return None;
    };
    std::iter::once(class)
        .chain(&t.mro)
        .find(|c| matches!(&c.payload, Payload::Type(t) if t.layout == Layout::Builtin))
}

/// Whether a class may derive from the built-in class `name`, with CPython's error if not.
fn check_subclassable(vm: &Vm, name: &str) -> PyResult<()> {
    // The ones CPython accepts as bases too, but whose derived instances toy cannot build yet.
    const NOT_YET: [&str; 7] = [
        "property",
        "staticmethod",
        "classmethod",
        "super",
        "module",
        "TextIOWrapper",
        "BufferedReader",
    ];
    // Metaclasses: their instances are classes, made by `type.__new__`; a `random.Random`
    // subclass extends a generator of its own.
    if SUBCLASSABLE.contains(&name) || name == "type" || name == "Random" {
        Ok(())
    } else if NOT_YET.contains(&name) {
        Err(vm.type_error(format!("subclassing built-in type '{name}' is not supported yet")))
    } else {
        Err(vm.type_error(format!("type '{name}' is not an acceptable base type")))
    }
}

/// The MRO of a new class, minus the class itself.
fn c3_mro(vm: &mut Vm, bases: &[ObjRef]) -> PyResult<Vec<ObjRef>> {
    let py = vm.py;
    let mut sequences: Vec<Vec<ObjRef>> = bases
        .iter()
        .map(|b| {
            let mut seq = vec![b.clone_ref(py)];
            if let Payload::Type(t) = &b.payload {
                seq.extend(t.mro.iter().map(|m| m.clone_ref(py)));
            }
            seq
        })
        .collect();
    sequences.push(bases.iter().map(|b| b.clone_ref(py)).collect());
    let mut result: Vec<ObjRef> = Vec::new();
    loop {
        sequences.retain(|s| !s.is_empty());
        if sequences.is_empty() {
            return Ok(result);
        }
        let candidate = sequences
            .iter()
            .map(|s| &s[0])
            .find(|c| !sequences.iter().any(|s| s[1..].iter().any(|x| x.is(c))))
            .map(|c| c.clone_ref(py));
        let Some(candidate) = candidate else {
            return Err(vm.type_error("Cannot create a consistent method resolution order (MRO)"));
        };
        for s in &mut sequences {
            if s[0].is(&candidate) {
                s.remove(0);
            }
        }
        result.push(candidate);
    }
}

impl Vm<'_> {
    /// Turn the operand of `raise` into an exception to propagate.
    pub fn make_raisable(&mut self, exc: Value, cause: Option<Value>) -> PyResult<PyErr> {
        let py = self.py;
        let instance = match &exc {
            Value::Obj(o) if matches!(&o.payload, Payload::Type(_)) && is_exception_class(o) => {
                let created = self.call(&exc, &[], &[])?;
                match created {
                    Value::Obj(o) => o,
                    _ => return Err(self.type_error("exceptions must derive from BaseException")),
                }
            }
            Value::Obj(o) if matches!(&o.payload, Payload::Instance(i) if i.exception.is_some()) => o.clone_ref(py),
            _ => return Err(self.type_error("exceptions must derive from BaseException")),
        };
        if let Some(cause) = cause {
            let cause = match &cause {
                Value::None => Value::None,
                Value::Obj(o) if matches!(&o.payload, Payload::Type(_)) && is_exception_class(o) => {
                    self.call(&cause, &[], &[])?
                }
                Value::Obj(o) if matches!(&o.payload, Payload::Instance(i) if i.exception.is_some()) => cause,
                _ => return Err(self.type_error("exception causes must derive from BaseException")),
            };
            self.set_cause(&instance, Some(cause), true);
        }
        Ok(PyErr { exc: instance })
    }

    /// Set `__cause__` (and `__suppress_context__`).
    pub fn set_cause(&self, exc: &ObjRef, cause: Option<Value>, suppress: bool) {
        if let Payload::Instance(inst) = &exc.payload
            && let Some(state) = &inst.exception
        {
            let mut state = state.lock(self.py);
            state.cause = cause.filter(|c| !c.is_none());
            state.suppress_context = suppress;
        }
    }

    /// `exc.__cause__ = …`, `exc.__context__ = …`, `exc.__suppress_context__ = …`: the links
    /// tracebacks print, with CPython's checks (setting a cause also suppresses the context).
    pub fn set_exception_link(&mut self, inst: &crate::objects::Instance, name: &str, value: Value) -> PyResult<()> {
        let py = self.py;
        let is_exception = |v: &Value| matches!(v.payload(), Some(Payload::Instance(i)) if i.exception.is_some());
        let Some(state) = &inst.exception else {
            return Ok(());
        };
        match name {
            "__suppress_context__" => {
                let suppress = self.is_true(&value)?;
                state.lock(py).suppress_context = suppress;
            }
            _ if !value.is_none() && !is_exception(&value) => {
                let what = if name == "__cause__" { "cause" } else { "context" };
                return Err(self.type_error(format!("exception {what} must be None or derive from BaseException")));
            }
            "__cause__" => {
                let old = {
                    let mut state = state.lock(py);
                    state.suppress_context = true;
                    std::mem::replace(&mut state.cause, Some(value).filter(|c| !c.is_none()))
                };
                drop(old);
            }
            _ => {
                let old = std::mem::replace(&mut state.lock(py).context, Some(value).filter(|c| !c.is_none()));
                drop(old);
            }
        }
        Ok(())
    }

    /// `except CLASS:` / `except (A, B):` matching. As in CPython, every class of the tuple is
    /// checked first, and a nested tuple is an error like any other non-class.
    pub fn exception_matches(&mut self, exc: &Value, class: &Value) -> PyResult<bool> {
        let classes = match class.payload() {
            Some(Payload::Tuple(classes)) => &classes[..],
            _ => std::slice::from_ref(class),
        };
        if !classes.iter().all(|c| c.as_obj().is_some_and(is_exception_class)) {
            return Err(self.type_error("catching classes that do not inherit from BaseException is not allowed"));
        }
        let exc_class = self.type_of(exc);
        Ok(classes
            .iter()
            .filter_map(Value::as_obj)
            .any(|c| is_subclass(exc_class, c)))
    }

    /// The `value` of a `StopIteration` (its first argument, or `None`).
    pub fn stop_iteration_value(&self, exc: &ObjRef) -> Value {
        let py = self.py;
        if let Payload::Instance(inst) = &exc.payload
            && let Some(state) = &inst.exception
            && let Some(args) = &state.lock(py).args
            && let Payload::Tuple(items) = &args.payload
            && let Some(first) = items.first()
        {
            return first.clone_ref(py);
        }
        Value::None
    }

    /// The built-in attributes every exception has.
    pub fn exception_attr(&mut self, exc: &Value, name: &str) -> Option<Value> {
        let py = self.py;
        let Some(Payload::Instance(inst)) = exc.payload() else {
            return None;
        };
        let state = inst.exception.as_ref()?.lock(py);
        let some_or_none = |v: &Option<Value>| v.as_ref().map_or(Value::None, |v| v.clone_ref(py));
        Some(match name {
            "args" => state.args.as_ref().map_or(Value::None, |a| Value::Obj(a.clone_ref(py))),
            "__cause__" => some_or_none(&state.cause),
            "__context__" => some_or_none(&state.context),
            "__suppress_context__" => Value::Bool(state.suppress_context),
            "__traceback__" => {
                let frames: Vec<TracebackFrame> = state
                    .traceback
                    .iter()
                    .map(|e| (e.at.line, e.lasti, e.code_object.clone_ref(py), e.globals.clone_ref(py)))
                    .collect();
                drop(state);
                return Some(self.traceback_chain(frames));
            }
            "value" if is_subclass(&inst.class, &types().stop_iteration) => {
                drop(state);
                return exc.as_obj().map(|o| self.stop_iteration_value(o));
            }
            // Set from the constructor's arguments when there were 2 to 5 (`os_error.rs`).
            "errno" | "strerror" | "filename" | "filename2" if is_subclass(&inst.class, &types().os_error) => {
                Value::None
            }
            "name" | "path" if is_subclass(&inst.class, &types().import_error) => Value::None,
            // The message when the error was made with exactly one argument.
            "msg" if is_subclass(&inst.class, &types().import_error) => match state.args.as_ref().map(|a| &a.payload) {
                Some(Payload::Tuple(items)) if items.len() == 1 => items[0].clone_ref(py),
                _ => Value::None,
            },
            // No argument: `None`; one: that argument; several: all of them, as a tuple.
            "code" if is_subclass(&inst.class, &types().system_exit) => match state.args.as_ref().map(|a| &a.payload) {
                Some(Payload::Tuple(items)) if items.len() > 1 => {
                    state.args.as_ref().map_or(Value::None, |a| Value::Obj(a.clone_ref(py)))
                }
                Some(Payload::Tuple(items)) => items.first().map_or(Value::None, |v| v.clone_ref(py)),
                _ => Value::None,
            },
            "msg" | "filename" | "lineno" | "offset" | "text" | "end_lineno" | "end_offset" | "print_file_and_line"
                if is_subclass(&inst.class, &types().syntax_error) =>
            {
                let args: Vec<Value> = match state.args.as_ref().map(|a| &a.payload) {
                    Some(Payload::Tuple(items)) => items.iter().map(|v| v.clone_ref(py)).collect(),
                    _ => Vec::new(),
                };
                drop(state);
                return Some(syntax_error_field(&args, name, py));
            }
            _ => return None,
        })
    }

    /// `exc.__traceback__`: a chain of `traceback` objects (`tb_lineno`, `tb_next`, `tb_lasti`
    /// indexing toy's bytecode, `tb_frame`), outermost frame first; `None` for an exception
    /// never raised. `frames` are the entries' lines, instructions, code objects and globals,
    /// innermost first. Each `tb_frame` is a frame object whose `f_back` is the next frame
    /// out (the outermost one's is `None`: the frames above the handler are not recorded).
    pub fn traceback_chain(&mut self, frames: Vec<TracebackFrame>) -> Value {
        let mut frame_objects = Vec::with_capacity(frames.len());
        let mut back = Value::None;
        for (line, lasti, code, globals) in frames.into_iter().rev() {
            let frame = self.new_frame_object(code, globals, None, line, back);
            back = frame.clone_ref(self.py);
            frame_objects.push((line, lasti, frame));
        }
        let mut next = Value::None;
        for (line, lasti, frame) in frame_objects.into_iter().rev() {
            let mut dict = DictTable::new();
            for (name, value) in [
                ("tb_next", next),
                ("tb_lineno", Value::Int(i64::from(line))),
                ("tb_lasti", Value::Int(i64::from(lasti))),
                ("tb_frame", frame),
            ] {
                dict.insert_name(name, value);
            }
            next = self.alloc(Payload::Instance(Box::new(Instance {
                class: clone_immortal(&types().traceback),
                dict: ObjLock::new(crate::objects::InstanceDict::Inline(dict)),
                slots: None,
                exception: None,
                base: None,
            })));
        }
        next
    }

    /// The exception's positional arguments.
    pub fn exception_args(&self, exc: &ObjRef) -> Vec<Value> {
        let py = self.py;
        if let Payload::Instance(inst) = &exc.payload
            && let Some(state) = &inst.exception
            && let Some(args) = &state.lock(py).args
            && let Payload::Tuple(items) = &args.payload
        {
            return items.iter().map(|v| v.clone_ref(py)).collect();
        }
        Vec::new()
    }
}

/// A traceback entry's line, failing instruction, code object and globals.
pub type TracebackFrame = (u32, u32, ObjRef, ObjRef);

/// A `SyntaxError` attribute from its arguments: `(msg, (filename, lineno, offset, text,
/// end_lineno, end_offset))`; `None` where they do not say.
fn syntax_error_field(args: &[Value], name: &str, py: crate::gil::Gil<'_>) -> Value {
    const LOCATION: [&str; 6] = ["filename", "lineno", "offset", "text", "end_lineno", "end_offset"];
    if name == "msg" {
        return args.first().map_or(Value::None, |m| m.clone_ref(py));
    }
    let (Some(position), [_, location]) = (LOCATION.iter().position(|f| *f == name), args) else {
        return Value::None;
    };
    match location.payload() {
        Some(Payload::Tuple(items)) => items.get(position).map_or(Value::None, |v| v.clone_ref(py)),
        _ => Value::None,
    }
}
