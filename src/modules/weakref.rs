//! `_weakref`: weak references for Python code — `ref` (`weakref.ReferenceType`), the base of
//! the proxy classes `weakref.py` defines, `getweakrefcount` and `getweakrefs` — and the
//! operations the VM applies to weak reference objects (calling, hashing, comparing, repr).
//! The registry and the clearing at death are `objects::weakref`.

use crate::gil::Gil;
use crate::objects::types::{add_methods, native, types, weakref_types};
use crate::objects::weakref::{self, WeakKind, WeakRef, state_of_value};
use crate::objects::{Instance, ObjRef, Payload, PyObject, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::classes::builtin_base;
use crate::vm::{PyResult, Vm};

use super::new_module;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let w = weakref_types();
    let reference = || Value::Obj(w.reference.immortal_copy());
    new_module(
        vm,
        "_weakref",
        &[
            ("getweakrefcount", getweakrefcount),
            ("getweakrefs", getweakrefs),
            ("_proxy", make_proxy),
            ("_unwrap", unwrap),
            ("_proxy_repr", proxy_repr),
        ],
        vec![
            ("ref", reference()),
            ("ReferenceType", reference()),
            ("ProxyBase", Value::Obj(w.proxy_base.immortal_copy())),
        ],
    )
}

/// The methods of `ReferenceType` (which classes derived from it inherit).
pub fn install(py: Gil<'_>) {
    let w = weakref_types();
    add_methods(
        py,
        &w.reference,
        &[
            ("__init__", init),
            ("__call__", call_method),
            ("__hash__", hash_method),
            ("__eq__", eq_method),
            ("__ne__", ne_method),
            ("__repr__", repr_method),
        ],
    );
    add_methods(py, &w.proxy_base, &[("__init__", init)]);
    for class in [&w.reference, &w.proxy_base] {
        // `__new__` is a static method: it receives the class to instantiate.
        let new = PyObject::new(Payload::StaticMethod(Value::Obj(native(
            "__new__",
            crate::objects::methods::slots::builtin_new,
            false,
        ))));
        crate::objects::methods::slots::set_class_attr(py, class, "__new__", Value::Obj(ObjRef::new_immortal(new)));
    }
}

/// The class name CPython's messages show for a value (`weakref.ReferenceType` is the name
/// of a type defined in C, with its module).
fn shown_type_name(vm: &Vm, value: &Value) -> String {
    match &vm.type_of(value).payload {
        Payload::Type(t) if t.module == "weakref" && matches!(value.payload(), Some(Payload::WeakRef(_))) => {
            format!("weakref.{}", t.name)
        }
        Payload::Type(t) => t.name.clone(),
        _ => "?".to_string(),
    }
}

/// Whether objects of this kind can be weakly referenced, as in CPython.
fn supports_weak_references(vm: &Vm, object: &ObjRef) -> bool {
    match &object.payload {
        Payload::Instance(inst) => {
            let class = &inst.class;
            let built_in = matches!(&class.payload, Payload::Type(t) if t.module == "builtins");
            let t = types();
            let w = weakref_types();
            // Variable-size bases leave no room for the reference list in CPython; proxies
            // cannot be referenced (a class derived from `ref` can: it gets the room).
            let refusing_base = builtin_base(class)
                .is_some_and(|base| [&t.int, &t.tuple, &t.bytes, &w.proxy_base].iter().any(|b| b.is(base)));
            !built_in && !refusing_base && crate::vm::slots::instances_have_weakref(vm, class)
        }
        Payload::Type(_)
        | Payload::Function(_)
        | Payload::BoundMethod(..)
        | Payload::Set(_)
        | Payload::FrozenSet(_)
        | Payload::Generator(_)
        | Payload::Module(_) => true,
        other => weakref::leaf_may_be_referenced(other),
    }
}

/// The object a weak reference may be made to, or CPython's `TypeError`.
fn referent_arg(vm: &Vm, value: &Value) -> PyResult<ObjRef> {
    match value.as_obj() {
        Some(o) if supports_weak_references(vm, o) => Ok(o.clone_ref(vm.py)),
        _ => Err(vm.type_error(format!(
            "cannot create weak reference to '{}' object",
            shown_type_name(vm, value)
        ))),
    }
}

/// `(ob, callback=None)`, as `ref.__new__` takes them.
fn ref_args(vm: &Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<(ObjRef, Option<Value>)> {
    no_kwargs(vm, "ref", kwargs)?;
    check_arity(vm, "__new__", args, 1, 2)?;
    let referent = referent_arg(vm, &args[0])?;
    let callback = args.get(1).filter(|c| !c.is_none()).map(|c| c.clone_ref(vm.py));
    Ok((referent, callback))
}

/// `weakref.ref(ob, callback=None)`: without a callback, the existing plain reference if any.
pub fn ref_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let py = vm.py;
    let (referent, callback) = ref_args(vm, args, kwargs)?;
    let reuse = callback.is_none();
    let weak = ObjRef::new(
        py,
        PyObject::new(Payload::WeakRef(Box::new(WeakRef::new(WeakKind::Ref, callback)))),
    );
    Ok(Value::Obj(match weakref::register(py, &referent, &weak, None, reuse) {
        Some(existing) => existing,
        None => weak,
    }))
}

/// `Class.__new__(Class, ob, callback=None)` for a class derived from `ref` or from the proxy
/// base: an instance extending a weak reference, which callbacks receive.
pub fn new_derived(
    vm: &mut Vm,
    class: &ObjRef,
    root: &ObjRef,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
) -> PyResult<Value> {
    let (referent, callback) = ref_args(vm, args, kwargs)?;
    let kind = if !root.is(&weakref_types().proxy_base) {
        WeakKind::Ref
    } else if crate::modules::builtins::is_callable(vm, &Value::Obj(referent.clone_ref(vm.py))) {
        WeakKind::CallableProxy
    } else {
        WeakKind::Proxy
    };
    derived(vm, class, &referent, kind, callback)
}

fn derived(vm: &mut Vm, class: &ObjRef, referent: &ObjRef, kind: WeakKind, callback: Option<Value>) -> PyResult<Value> {
    let py = vm.py;
    let reuse = kind != WeakKind::Ref && callback.is_none();
    let base = ObjRef::new(
        py,
        PyObject::new(Payload::WeakRef(Box::new(WeakRef::new(kind, callback)))),
    );
    let instance = vm.alloc(Payload::Instance(Box::new(Instance::new(
        class.clone_ref(py),
        None,
        Some(Value::Obj(base.clone_ref(py))),
    ))));
    let Value::Obj(owner) = &instance else {
        return Ok(instance);
    };
    Ok(match weakref::register(py, referent, &base, Some(owner), reuse) {
        Some(existing) => Value::Obj(existing),
        None => instance,
    })
}

/// `_weakref._proxy(cls, ob, callback)`: a proxy of class `cls` (derived from the proxy base),
/// the existing one when there is no callback.
fn make_proxy(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_proxy", kwargs)?;
    check_arity(vm, "_proxy", args, 3, 3)?;
    let Some(class) = args[0].as_obj().filter(|c| matches!(c.payload, Payload::Type(_))) else {
        return Err(vm.type_error("_proxy() needs a class"));
    };
    let referent = referent_arg(vm, &args[1])?;
    let kind = if crate::modules::builtins::is_callable(vm, &args[1]) {
        WeakKind::CallableProxy
    } else {
        WeakKind::Proxy
    };
    let callback = Some(&args[2]).filter(|c| !c.is_none()).map(|c| c.clone_ref(vm.py));
    let class = class.clone_ref(vm.py);
    derived(vm, &class, &referent, kind, callback)
}

fn state<'a>(vm: &Vm, value: &'a Value) -> PyResult<&'a WeakRef> {
    state_of_value(value).ok_or_else(|| {
        vm.type_error(format!(
            "descriptor requires a 'weakref.ReferenceType' object but received '{}'",
            vm.type_name(value)
        ))
    })
}

fn receiver<'a>(vm: &Vm, args: &'a [Value]) -> PyResult<&'a Value> {
    args.first()
        .ok_or_else(|| vm.type_error("descriptor needs an argument"))
}

/// The referent of a weak reference, or `None` once it died.
pub fn referent(vm: &Vm, weak: &WeakRef) -> Value {
    weak.get(vm.py).map_or(Value::None, Value::Obj)
}

/// `ref.__init__`: the work is done by `__new__`; subclasses call it with the same arguments.
fn init(_vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Ok(Value::None)
}

/// `r()`.
pub fn call(vm: &mut Vm, weak: &WeakRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "weakref", kwargs)?;
    if !args.is_empty() {
        return Err(vm.type_error(format!("weakref expected 0 arguments, got {}", args.len())));
    }
    Ok(referent(vm, weak))
}

fn call_method(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = receiver(vm, args)?;
    let weak = state(vm, this)?;
    call(vm, weak, &args[1..], kwargs)
}

/// `hash(r)`: the referent's, kept once taken so that it outlives the referent.
pub fn hash(vm: &mut Vm, value: &Value) -> PyResult<i64> {
    let weak = state(vm, value)?;
    if let Some(h) = weak.cached_hash() {
        return Ok(h);
    }
    let Some(target) = weak.get(vm.py) else {
        return Err(vm.type_error("weak object has gone away"));
    };
    let h = vm.hash(&Value::Obj(target))?;
    weak.set_hash(h);
    Ok(h)
}

fn hash_method(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = receiver(vm, args)?;
    hash(vm, this).map(Value::Int)
}

/// `a == b` for two weak references: their referents' equality while both live, identity once
/// either died; `None` (NotImplemented) when `b` is no weak reference.
pub fn eq(vm: &mut Vm, a: &Value, b: &Value) -> PyResult<Option<bool>> {
    let (Some(x), Some(y)) = (state_of_value(a), state_of_value(b)) else {
        return Ok(None);
    };
    if x.kind != WeakKind::Ref || y.kind != WeakKind::Ref {
        return Ok(None);
    }
    match (x.get(vm.py), y.get(vm.py)) {
        (Some(p), Some(q)) => vm.eq(&Value::Obj(p), &Value::Obj(q)).map(Some),
        _ => Ok(Some(a.is(b))),
    }
}

fn eq_method(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "__eq__", args, 2, 2)?;
    Ok(eq(vm, &args[0], &args[1])?.map_or(vm.not_implemented(), Value::Bool))
}

fn ne_method(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "__ne__", args, 2, 2)?;
    Ok(eq(vm, &args[0], &args[1])?.map_or(vm.not_implemented(), |e| Value::Bool(!e)))
}

/// `repr(r)`: `<weakref at 0x…; to 'A' at 0x…>`, with the referent's `__name__` if it has one,
/// or `<weakref at 0x…; dead>`.
pub fn repr(vm: &mut Vm, value: &Value) -> PyResult<String> {
    let weak = state(vm, value)?;
    let at = value.as_obj().map_or(0, ObjRef::addr);
    let Some(target) = weak.get(vm.py) else {
        return Ok(format!("<weakref at {at:#x}; dead>"));
    };
    let target = Value::Obj(target);
    let type_name = shown_type_name(vm, &target);
    let target_at = target.as_obj().map_or(0, ObjRef::addr);
    let name = vm.get_attr_opt(&target, &crate::objects::types::intern("__name__"))?;
    Ok(match name.as_ref().and_then(Value::as_str) {
        Some(name) => format!("<weakref at {at:#x}; to '{type_name}' at {target_at:#x} ({name})>"),
        None => format!("<weakref at {at:#x}; to '{type_name}' at {target_at:#x}>"),
    })
}

fn repr_method(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = receiver(vm, args)?;
    let text = repr(vm, this)?;
    Ok(vm.new_str(text))
}

/// `_weakref._unwrap(proxy)`: the referent, or `ReferenceError` once it died.
fn unwrap(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = receiver(vm, args)?;
    let weak = state(vm, this)?;
    weak.get(vm.py)
        .map(Value::Obj)
        .ok_or_else(|| vm.new_error(&types().reference_error, "weakly-referenced object no longer exists"))
}

/// `repr(proxy)`: `<weakproxy at 0x… to A at 0x…>` (`NoneType` once the referent died, as
/// CPython shows it).
fn proxy_repr(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let this = receiver(vm, args)?;
    let weak = state(vm, this)?;
    let target = referent(vm, weak);
    let at = this.as_obj().map_or(0, ObjRef::addr);
    let target_at = match &target {
        Value::Obj(o) => o.addr(),
        // CPython shows `None`'s address; any fixed one will do.
        _ => std::ptr::addr_of!(NONE_STANDIN) as usize,
    };
    let text = format!(
        "<weakproxy at {at:#x} to {} at {target_at:#x}>",
        shown_type_name(vm, &target)
    );
    Ok(vm.new_str(text))
}

static NONE_STANDIN: u8 = 0;

/// For a proxy: its referent's class, which it shows as its `__class__` (and `isinstance`
/// looks at), or `ReferenceError` once the referent died. `None` for anything else.
pub fn proxied_class(vm: &Vm, value: &Value) -> Option<PyResult<ObjRef>> {
    let weak = state_of_value(value).filter(|w| w.kind != WeakKind::Ref)?;
    Some(match weak.get(vm.py) {
        Some(target) => Ok(vm.class_of(&target).clone_ref(vm.py)),
        None => Err(vm.new_error(&types().reference_error, "weakly-referenced object no longer exists")),
    })
}

/// `weakref.getweakrefcount(object)`.
fn getweakrefcount(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getweakrefcount", kwargs)?;
    check_arity(vm, "getweakrefcount", args, 1, 1)?;
    Ok(Value::Int(args[0].as_obj().map_or(0, weakref::count_to) as i64))
}

/// `weakref.getweakrefs(object)`.
fn getweakrefs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getweakrefs", kwargs)?;
    check_arity(vm, "getweakrefs", args, 1, 1)?;
    let found = match args[0].as_obj() {
        Some(o) => weakref::references_to(vm.py, o),
        None => Vec::new(),
    };
    Ok(vm.new_list(found.into_iter().map(Value::Obj).collect()))
}

/// `obj.__weakref__`: its first weak reference, or `None`.
pub fn first_reference(vm: &Vm, object: &ObjRef) -> Value {
    weakref::references_to(vm.py, object)
        .into_iter()
        .next()
        .map_or(Value::None, Value::Obj)
}

impl Vm<'_> {
    /// Call the callback of a weak reference whose referent died, with the reference; an
    /// error is printed as CPython's unraisable hook does, and the program goes on.
    pub fn run_weakref_callback(&mut self, weak: ObjRef) {
        let py = self.py;
        let value = Value::Obj(weak);
        let Some(state) = state_of_value(&value) else {
            return;
        };
        let Some(callback) = state.callback.lock(py).take() else {
            return;
        };
        let handled = self.handled.take();
        if let Err(err) = self.call(&callback, std::slice::from_ref(&value), &[]) {
            self.report_unraisable(&callback, &err.exc);
        }
        self.handled = handled;
    }
}
