//! Attribute access: instance dicts, class MROs, descriptors (functions bind to instances,
//! `property`, `staticmethod`, `classmethod`) and the special attributes of built-in objects.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::objects::types::{self, clone_immortal, types};
use crate::objects::{DictTable, ObjLock, ObjRef, Payload, Value};

use super::attr_cache::{self, NameKey};
use super::eval::str_of;
use super::{PyResult, Vm};

/// Where `super(class, receiver)` starts its search: the receiver itself when it is a subclass
/// of `class` (`super()` in a classmethod), else the receiver's type (a metaclass's methods
/// receive a class that is an *instance* of `class`).
pub fn super_start<'a>(vm: &Vm, class: &ObjRef, receiver: &'a Value) -> &'a ObjRef {
    match receiver {
        Value::Obj(o) if matches!(o.payload, Payload::Type(_)) && super::is_subclass(o, class) => o,
        _ => vm.type_of(receiver),
    }
}

/// Set once any class defines `__getattribute__`: until then (nearly always) attribute reads
/// need not look for one, and the instance fast paths stay valid.
static GETATTRIBUTE_DEFINED: AtomicBool = AtomicBool::new(false);

/// Note that a class defining `__getattribute__` exists.
pub fn getattribute_defined() {
    GETATTRIBUTE_DEFINED.store(true, Ordering::Relaxed);
}

/// Whether `value`'s type is written in Python: an instance of a user class, or a class
/// whose metaclass is (so its special methods are looked up, not built in).
#[inline]
pub fn has_user_type(value: &Value) -> bool {
    match value.payload() {
        Some(Payload::Instance(_)) => true,
        Some(Payload::Type(t)) => t.metaclass.is_some(),
        _ => false,
    }
}

#[inline]
fn any_getattribute() -> bool {
    GETATTRIBUTE_DEFINED.load(Ordering::Relaxed)
}

impl Vm<'_> {
    /// Look `name` up along a class's MRO (through the attribute cache).
    pub fn lookup_in_class(&mut self, class: &ObjRef, name: &ObjRef) -> PyResult<Option<Value>> {
        let Payload::Str(key) = &name.payload else {
            return Ok(None);
        };
        let py = self.py;
        let cache_key = NameKey::Object(name.addr());
        let epoch = attr_cache::epoch();
        if let Some(found) = self.attr_cache.get(class, cache_key, epoch) {
            return Ok(found.as_ref().map(|v| v.clone_ref(py)));
        }
        let found = self.lookup_in_class_str(class, key.as_str(), key.hash(), false);
        self.attr_cache
            .insert(py, class, cache_key, Some(name), epoch, found.as_ref());
        Ok(found)
    }

    /// A class attribute by name, for the fixed dunder names the VM looks up itself; those
    /// `object` defines are only found on `object` itself, not through its subclasses.
    pub fn class_attr(&mut self, class: &ObjRef, name: &'static str) -> Option<Value> {
        let py = self.py;
        let cache_key = NameKey::of_static(name);
        let epoch = attr_cache::epoch();
        if let Some(found) = self.attr_cache.get(class, cache_key, epoch) {
            return found.as_ref().map(|v| v.clone_ref(py));
        }
        let found = self.lookup_in_class_str(class, name, crate::objects::hashing::hash_bytes(name.as_bytes()), true);
        self.attr_cache
            .insert(py, class, cache_key, None, epoch, found.as_ref());
        found
    }

    /// MRO lookup by text and its precomputed `str` hash. With `skip_object`, the methods of
    /// `object` itself (`object.__repr__`, `__eq__`, `__setattr__`…) are not found through a
    /// subclass: the VM looks special methods up this way and applies those defaults natively.
    fn lookup_in_class_str(&self, class: &ObjRef, key: &str, hash: i64, skip_object: bool) -> Option<Value> {
        let Payload::Type(t) = &class.payload else {
            return None;
        };
        let py = self.py;
        let find = |t: &crate::objects::TypeObject| {
            t.dict
                .lock(py)
                .get(hash, |k| k.as_str().is_some_and(|s| crate::objects::same_text(s, key)))
                .map(|e| e.value.clone_ref(py))
        };
        if let Some(found) = find(t) {
            return Some(found);
        }
        let object = &types().object;
        t.mro.iter().find_map(|base| match &base.payload {
            Payload::Type(_) if skip_object && base.is(object) => None,
            Payload::Type(bt) => find(bt),
            _ => None,
        })
    }

    /// A special method looked up on the type (not the instance), as CPython does. `None` when
    /// the class does not define it (the `object` defaults are handled by the callers).
    pub fn lookup_special(&mut self, v: &Value, name: &'static str) -> Option<Value> {
        self.class_attr(self.type_of(v), name)
    }

    /// `__enter__` or `__exit__` bound to `v`, or CPython 3.11's `TypeError` for `with`.
    pub fn special_method(&mut self, v: &Value, name: &'static str) -> PyResult<Value> {
        match self.lookup_special(v, name) {
            Some(f) => Ok(self.bind(f, v)),
            None => {
                let missed = if name == "__exit__" {
                    " (missed __exit__ method)"
                } else {
                    ""
                };
                Err(self.type_error(format!(
                    "'{}' object does not support the context manager protocol{missed}",
                    self.type_name(v)
                )))
            }
        }
    }

    /// Bind a class attribute found for `receiver` (functions become bound methods).
    pub(super) fn bind(&mut self, attr: Value, receiver: &Value) -> Value {
        let py = self.py;
        match attr.payload() {
            Some(Payload::Function(_)) => self.alloc(Payload::BoundMethod(receiver.clone_ref(py), attr)),
            Some(Payload::Native(n)) if n.is_method => self.alloc(Payload::BoundMethod(receiver.clone_ref(py), attr)),
            Some(Payload::StaticMethod(f)) => f.clone_ref(py),
            Some(Payload::ClassMethod(f)) => {
                let class = Value::Obj(self.type_of(receiver).clone_ref(py));
                self.alloc(Payload::BoundMethod(class, f.clone_ref(py)))
            }
            _ => attr,
        }
    }

    /// For `LoadMethod`: the unbound function when `obj.name(...)` can skip creating a bound
    /// method, else `None`.
    pub fn get_method(&mut self, obj: &Value, name: &ObjRef) -> PyResult<Option<Value>> {
        match obj.payload() {
            Some(Payload::Instance(inst)) => {
                let Payload::Str(key) = &name.payload else {
                    return Ok(None);
                };
                if any_getattribute() {
                    return Ok(None);
                }
                if inst.with_dict(self.py, |table| {
                    table
                        .get(key.hash(), |k| {
                            k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
                        })
                        .is_some()
                }) {
                    return Ok(None);
                }
                match self.lookup_in_class(&inst.class, name)? {
                    Some(f) if matches!(f.payload(), Some(Payload::Function(_))) => Ok(Some(f)),
                    _ => Ok(None),
                }
            }
            Some(Payload::Module(_) | Payload::Type(_) | Payload::Super { .. }) => Ok(None),
            _ => match self.lookup_in_class(self.type_of(obj), name)? {
                Some(f) if matches!(f.payload(), Some(Payload::Native(n)) if n.is_method) => Ok(Some(f)),
                _ => Ok(None),
            },
        }
    }

    /// `getattr(obj, name)`.
    pub fn get_attr(&mut self, obj: &Value, name: &ObjRef) -> PyResult<Value> {
        if any_getattribute()
            && matches!(obj.payload(), Some(Payload::Instance(_)))
            && let Some(getattribute) = self.lookup_special(obj, "__getattribute__")
        {
            let py = self.py;
            let args = [obj.clone_ref(py), Value::Obj(name.clone_ref(py))];
            return match self.call(&getattribute, &args, &[]) {
                Err(e) if self.err_matches(&e, &types().attribute_error) => {
                    match self.lookup_special(obj, "__getattr__") {
                        Some(getattr) => self.call(&getattr, &args, &[]),
                        None => Err(e),
                    }
                }
                other => other,
            };
        }
        match self.get_attr_opt(obj, name)? {
            Some(v) => Ok(v),
            None => {
                if matches!(obj.payload(), Some(Payload::Instance(_)))
                    && let Some(getattr) = self.lookup_special(obj, "__getattr__")
                {
                    return self.call(
                        &getattr,
                        &[obj.clone_ref(self.py), Value::Obj(name.clone_ref(self.py))],
                        &[],
                    );
                }
                Err(self.attribute_error(obj, str_of(name)))
            }
        }
    }

    /// `obj.name` on a plain instance whose class is known (from the attribute cache) not to
    /// define `name`: then only the instance `__dict__` can answer, and no descriptor, property
    /// or `__class__` rule applies. `None` when the general path must decide.
    #[inline]
    pub fn instance_attr_fast(&mut self, obj: &Value, name: &ObjRef) -> Option<Value> {
        let Some(Payload::Instance(inst)) = obj.payload() else {
            return None;
        };
        if inst.exception.is_some() || any_getattribute() {
            return None;
        }
        let in_class = self
            .attr_cache
            .get(&inst.class, NameKey::Object(name.addr()), attr_cache::epoch())?;
        let Payload::Str(key) = &name.payload else {
            return None;
        };
        // A slot's member descriptor only says the value is in the slot table, if set.
        let is_member = match &in_class {
            None => false,
            Some(attr) if matches!(attr.payload(), Some(Payload::Member(_))) => true,
            Some(_) => return None,
        };
        if key.as_str() == "__class__" {
            return None;
        }
        let py = self.py;
        let find = |table: &mut crate::objects::DictTable| {
            table
                .get(key.hash(), |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
                })
                .map(|e| e.value.clone_ref(py))
        };
        if is_member {
            inst.with_slots(py, find)
        } else {
            inst.with_dict(py, find)
        }
    }

    /// `getattr` without raising for a missing attribute.
    pub fn get_attr_opt(&mut self, obj: &Value, name: &ObjRef) -> PyResult<Option<Value>> {
        let py = self.py;
        let key = str_of(name);
        if key == "__class__" {
            if let Some(class) = crate::modules::weakref::proxied_class(self, obj) {
                return class.map(|c| Some(Value::Obj(c)));
            }
            return Ok(Some(Value::Obj(self.type_of(obj).clone_ref(py))));
        }
        match obj.payload() {
            Some(Payload::Instance(inst)) => {
                // A property on the class wins over the instance `__dict__`; anything else
                // there is only a fallback. The class lookup is cached, so doing it first costs
                // one probe.
                let class_attr = self.lookup_in_class(&inst.class, name)?;
                if let Some(attr) = &class_attr
                    && let Some(Payload::Property(accessors)) = attr.payload()
                {
                    let getter = accessors[0].clone_ref(py);
                    if getter.is_none() {
                        return Err(self.new_error(
                            &types().attribute_error,
                            format!("property '{key}' of '{}' object has no getter", self.type_name(obj)),
                        ));
                    }
                    return self.call(&getter, &[obj.clone_ref(py)], &[]).map(Some);
                }
                // A descriptor written in Python: a data descriptor's `__get__` wins over the
                // instance `__dict__`, a non-data one's only answers when the dict does not.
                let mut descriptor_get = None;
                if let Some(attr) = &class_attr
                    && matches!(attr.payload(), Some(Payload::Instance(_)))
                    && let Some((Some(get), data)) = self.user_descriptor(attr)
                {
                    if data {
                        return self.call_descriptor_get(&get, attr, obj).map(Some);
                    }
                    descriptor_get = Some(get);
                }
                let Payload::Str(skey) = &name.payload else {
                    return Ok(None);
                };
                let find = |table: &mut crate::objects::DictTable| {
                    table
                        .get(skey.hash(), |k| {
                            k.as_str().is_some_and(|s| crate::objects::same_text(s, key))
                        })
                        .map(|e| e.value.clone_ref(py))
                };
                // A slot is a data descriptor: set or not, the `__dict__` never answers for it.
                if class_attr
                    .as_ref()
                    .is_some_and(|attr| matches!(attr.payload(), Some(Payload::Member(_))))
                {
                    return Ok(inst.with_slots(py, find));
                }
                if let Some(v) = inst.with_dict(py, find) {
                    return Ok(Some(v));
                }
                if key == "__dict__" && super::slots::instances_have_dict(&inst.class) {
                    return Ok(Some(Value::Obj(inst.dict_object(py))));
                }
                if key == "__weakref__" && super::slots::instances_have_weakref(self, &inst.class) {
                    let Some(this) = obj.as_obj() else { return Ok(None) };
                    return Ok(Some(crate::modules::weakref::first_reference(self, this)));
                }
                if inst.exception.is_some()
                    && let Some(v) = self.exception_attr(obj, key)
                {
                    return Ok(Some(v));
                }
                if let (Some(get), Some(attr)) = (descriptor_get, &class_attr) {
                    return self.call_descriptor_get(&get, attr, obj).map(Some);
                }
                match (class_attr, &inst.base) {
                    (Some(attr), _) => Ok(Some(self.bind(attr, obj))),
                    // Data attributes of a built-in base value (`real`, `start`…).
                    (None, Some(base)) => self.get_attr_opt(base, name),
                    (None, None) => Ok(None),
                }
            }
            Some(Payload::Type(t)) => {
                // A class's own annotations, never its bases' (an empty dict if it has none).
                if key == "__annotations__" {
                    return self.class_annotations(t, name).map(Some);
                }
                // A metaclass's properties and data descriptors win over the class's namespace.
                if let Some(metaclass) = &t.metaclass
                    && let Some(found) = self.metaclass_data_get(metaclass, obj, name)?
                {
                    return Ok(Some(found));
                }
                if let Some(attr) = self.lookup_in_class(
                    &obj.as_obj()
                        .map(|o| o.clone_ref(py))
                        .unwrap_or_else(|| clone_immortal(&types().object)),
                    name,
                )? {
                    return Ok(Some(match attr.payload() {
                        Some(Payload::StaticMethod(f)) => f.clone_ref(py),
                        Some(Payload::ClassMethod(f)) => {
                            self.alloc(Payload::BoundMethod(obj.clone_ref(py), f.clone_ref(py)))
                        }
                        Some(Payload::Instance(_)) => match self.user_descriptor(&attr) {
                            Some((Some(get), _)) => self.call_descriptor_get(&get, &attr, obj)?,
                            _ => attr,
                        },
                        _ => attr,
                    }));
                }
                Ok(match key {
                    "__name__" => Some(self.new_str(t.name.as_str())),
                    "__qualname__" => Some(self.new_str(t.qualname.as_str())),
                    "__module__" => Some(self.new_str(t.module.as_str())),
                    "__bases__" => {
                        let bases = t.bases.iter().map(|b| Value::Obj(b.clone_ref(py))).collect();
                        Some(self.new_tuple(bases))
                    }
                    "__mro__" => {
                        let mut mro = vec![obj.clone_ref(py)];
                        mro.extend(t.mro.iter().map(|b| Value::Obj(b.clone_ref(py))));
                        Some(self.new_tuple(mro))
                    }
                    "__doc__" => Some(Value::None),
                    // A snapshot, not a live mappingproxy.
                    "__dict__" => Some(self.table_copy(&t.dict)),
                    // The methods of its metaclass (of `type` for most classes).
                    _ => {
                        let metaclass = self.type_of(obj).clone_ref(py);
                        match self.lookup_in_class(&metaclass, name)? {
                            Some(attr) => Some(self.bind_to_class(attr, obj)?),
                            None => None,
                        }
                    }
                })
            }
            Some(Payload::Module(m)) => {
                let dict = m.dict.clone_ref(py);
                if let Some(v) = self.dict_get_str(&dict, name)? {
                    return Ok(Some(v));
                }
                let found = match key {
                    "__dict__" => Some(Value::Obj(dict.clone_ref(py))),
                    // The methods every object has (`__reduce_ex__`…).
                    _ => self.builtin_method(obj, name)?,
                };
                if found.is_some() || key == "__getattr__" {
                    return Ok(found);
                }
                self.module_getattr(&dict, name)
            }
            Some(Payload::Function(f)) => {
                let found = {
                    let Payload::Str(skey) = &name.payload else {
                        return Ok(None);
                    };
                    f.dict
                        .lock(py)
                        .get(skey.hash(), |k| {
                            k.as_str().is_some_and(|s| crate::objects::same_text(s, key))
                        })
                        .map(|e| e.value.clone_ref(py))
                };
                if found.is_some() {
                    return Ok(found);
                }
                Ok(match key {
                    "__name__" => Some(self.new_str(f.name.lock(py).as_str())),
                    "__qualname__" => Some(self.new_str(f.qualname.lock(py).as_str())),
                    "__code__" => Some(Value::Obj(f.code.clone_ref(py))),
                    "__globals__" => Some(Value::Obj(f.globals.clone_ref(py))),
                    // As CPython: a `def`'s first constant is its docstring (or None).
                    "__doc__" => Some(match &f.code.payload {
                        Payload::Code(h) if h.code.kind == crate::compile::bytecode::CodeKind::Function => h
                            .constants
                            .first()
                            .filter(|c| c.as_str().is_some())
                            .map_or(Value::None, |c| c.clone_ref(py)),
                        _ => Value::None,
                    }),
                    "__annotations__" => {
                        let dict = self.new_dict();
                        store_name(&f.dict, py, name, dict.clone_ref(py));
                        Some(dict)
                    }
                    "__dict__" => {
                        // `__module__` is kept there too, but is no `__dict__` entry in CPython.
                        let dict = self.table_copy(&f.dict);
                        if let Some(d) = dict.as_obj() {
                            self.dict_del_str(d, &types::intern("__module__"))?;
                        }
                        Some(dict)
                    }
                    "__kwdefaults__" => Some(if f.kwdefaults.is_empty() {
                        Value::None
                    } else {
                        let dict = self.new_dict();
                        for (k, v) in f.kwdefaults.iter() {
                            let k = self.new_str(k.as_str());
                            self.dict_set(&dict, k, v.clone_ref(py))?;
                        }
                        dict
                    }),
                    "__defaults__" => Some(if f.defaults.is_empty() {
                        Value::None
                    } else {
                        let d = f.defaults.iter().map(|v| v.clone_ref(py)).collect();
                        self.new_tuple(d)
                    }),
                    _ => self.builtin_method(obj, name)?,
                })
            }
            Some(Payload::Code(h)) => Ok(match super::introspect::code_attr(self, &h.code, key) {
                Some(v) => Some(v),
                None => self.builtin_method(obj, name)?,
            }),
            Some(Payload::Native(n)) => Ok(match key {
                "__name__" | "__qualname__" => Some(self.new_str(n.name)),
                "__doc__" => Some(Value::None),
                "__module__" => Some(n.module.map_or(Value::None, |m| self.new_str(m.0))),
                _ => self.builtin_method(obj, name)?,
            }),
            Some(Payload::BoundMethod(receiver, function)) => Ok(match key {
                "__self__" => Some(receiver.clone_ref(py)),
                "__func__" => Some(function.clone_ref(py)),
                _ => {
                    // The method type's own attributes (`__reduce__`…), then the function's.
                    if let Some(own) = self.builtin_method(obj, name)? {
                        return Ok(Some(own));
                    }
                    let function = function.clone_ref(py);
                    return self.get_attr_opt(&function, name);
                }
            }),
            Some(Payload::Super { class, receiver }) => {
                let (class, receiver) = (class.clone_ref(py), receiver.clone_ref(py));
                self.super_attr(&class, &receiver, name)
            }
            Some(Payload::File(f)) => Ok(match key {
                "name" => {
                    let state = f.lock(py);
                    match state.name.parse::<i64>() {
                        Ok(fd) if state.named_by_fd => Some(Value::Int(fd)),
                        _ => Some(self.new_str(state.name.as_str())),
                    }
                }
                "mode" => Some(self.new_str(f.lock(py).mode.as_str())),
                "closed" => Some(Value::Bool(f.lock(py).closed)),
                _ => self.builtin_method(obj, name)?,
            }),
            // The standard streams as CPython sets them up (UTF-8, the error handlers it
            // picks for them, not line-buffered when not a terminal).
            Some(Payload::Stream(stream)) => {
                use crate::objects::Stream;
                let (file_name, errors, mode) = match stream {
                    Stream::Stdin => ("<stdin>", "surrogateescape", "r"),
                    Stream::Stdout => ("<stdout>", "surrogateescape", "w"),
                    Stream::Stderr => ("<stderr>", "backslashreplace", "w"),
                };
                Ok(match key {
                    "name" => Some(self.new_str(file_name)),
                    "encoding" => Some(self.new_str("utf-8")),
                    "errors" => Some(self.new_str(errors)),
                    "mode" => Some(self.new_str(mode)),
                    "closed" => Some(Value::Bool(false)),
                    "line_buffering" => Some(Value::Bool(
                        *stream != Stream::Stdin
                            && crate::modules::os_fd::sys::isatty(if *stream == Stream::Stdout { 1 } else { 2 }),
                    )),
                    "newlines" => Some(Value::None),
                    _ => self.builtin_method(obj, name)?,
                })
            }
            Some(Payload::MemoryView(view)) => match crate::objects::methods::memoryview::attribute(self, view, key)? {
                Some(value) => Ok(Some(value)),
                None => self.builtin_method(obj, name),
            },
            Some(Payload::Zlib(stream)) => match crate::modules::zlib::attribute(self, stream, key) {
                Some(value) => Ok(Some(value)),
                None => self.builtin_method(obj, name),
            },
            Some(Payload::Hash(state)) => Ok(match key {
                "name" => Some(self.new_str(state.name)),
                "digest_size" => Some(Value::Int(state.digest_size() as i64)),
                "block_size" => Some(Value::Int(state.block_size as i64)),
                _ => self.builtin_method(obj, name)?,
            }),
            Some(Payload::Range(r)) => Ok(match key {
                "start" => Some(Value::Int(r.start)),
                "stop" => Some(Value::Int(r.stop)),
                "step" => Some(Value::Int(r.step)),
                _ => self.builtin_method(obj, name)?,
            }),
            Some(Payload::Slice(s)) => Ok(match key {
                "start" => Some(s[0].clone_ref(py)),
                "stop" => Some(s[1].clone_ref(py)),
                "step" => Some(s[2].clone_ref(py)),
                _ => self.builtin_method(obj, name)?,
            }),
            Some(Payload::Property(accessors)) => Ok(match key {
                "fget" => Some(accessors[0].clone_ref(py)),
                "fset" => Some(accessors[1].clone_ref(py)),
                "fdel" => Some(accessors[2].clone_ref(py)),
                "__isabstractmethod__" => {
                    let accessors: Vec<Value> = accessors.iter().map(|a| a.clone_ref(py)).collect();
                    Some(Value::Bool(self.any_abstract(&accessors)?))
                }
                _ => self.builtin_method(obj, name)?,
            }),
            Some(Payload::StaticMethod(function) | Payload::ClassMethod(function)) => Ok(match key {
                "__func__" | "__wrapped__" => Some(function.clone_ref(py)),
                "__isabstractmethod__" => {
                    let function = function.clone_ref(py);
                    Some(Value::Bool(self.any_abstract(&[function])?))
                }
                _ => self.builtin_method(obj, name)?,
            }),
            Some(Payload::WeakRef(weak)) => Ok(match key {
                "__callback__" => Some(weak.callback.lock(py).as_ref().map_or(Value::None, |c| c.clone_ref(py))),
                _ => self.builtin_method(obj, name)?,
            }),
            Some(Payload::Generator(g)) => Ok(match key {
                "__name__" => Some(self.new_str(g.lock(py).name.as_str())),
                "__qualname__" => Some(self.new_str(g.lock(py).qualname.as_str())),
                "gi_running" | "cr_running" | "ag_running" if self.generator_attr_applies(g, key) => {
                    Some(Value::Bool(g.lock(py).running))
                }
                "cr_code" | "gi_code" | "ag_code" if self.generator_attr_applies(g, key) => {
                    Some(Value::Obj(g.lock(py).code.clone_ref(py)))
                }
                "cr_frame" | "gi_frame" | "ag_frame" if self.generator_attr_applies(g, key) => {
                    Some(self.suspended_frame_object(g).unwrap_or(Value::None))
                }
                "cr_await" | "gi_yieldfrom" if self.generator_attr_applies(g, key) => {
                    Some(crate::vm::coroutines::awaiting_on(py, g).unwrap_or(Value::None))
                }
                _ => self.builtin_method(obj, name)?,
            }),
            _ => {
                if matches!(obj, Value::Int(_) | Value::Bool(_)) || matches!(obj.payload(), Some(Payload::BigInt(_))) {
                    match key {
                        "real" | "numerator" => return Ok(Some(self.int_value(obj))),
                        "imag" => return Ok(Some(Value::Int(0))),
                        "denominator" => return Ok(Some(Value::Int(1))),
                        _ => {}
                    }
                }
                if let Value::Float(f) = obj {
                    match key {
                        "real" => return Ok(Some(Value::Float(*f))),
                        "imag" => return Ok(Some(Value::Float(0.0))),
                        _ => {}
                    }
                }
                if let Some(Payload::Complex(z)) = obj.payload() {
                    match key {
                        "real" => return Ok(Some(Value::Float(z.re))),
                        "imag" => return Ok(Some(Value::Float(z.im))),
                        _ => {}
                    }
                }
                self.builtin_method(obj, name)
            }
        }
    }

    /// For a class attribute that is an instance of a user class: its type's `__get__` (if
    /// any) and whether it is a data descriptor (defines `__set__` or `__delete__`). `None` when
    /// it is no descriptor at all.
    pub fn user_descriptor(&mut self, attr: &Value) -> Option<(Option<Value>, bool)> {
        let Some(Payload::Instance(inst)) = attr.payload() else {
            return None;
        };
        let class = inst.class.clone_ref(self.py);
        let get = self.class_attr(&class, "__get__");
        let data = self.class_attr(&class, "__set__").is_some() || self.class_attr(&class, "__delete__").is_some();
        (get.is_some() || data).then_some((get, data))
    }

    /// `type(descr).__get__(descr, instance, owner)`; `instance` is a class for `C.attr`
    /// (then `None` is passed and the class is the owner).
    fn call_descriptor_get(&mut self, get: &Value, descr: &Value, instance: &Value) -> PyResult<Value> {
        let py = self.py;
        let (instance, owner) = match instance.payload() {
            Some(Payload::Type(_)) => (Value::None, instance.clone_ref(py)),
            _ => (instance.clone_ref(py), Value::Obj(self.type_of(instance).clone_ref(py))),
        };
        self.call_with_receiver(get, descr, &[instance, owner], &[])
    }

    /// An attribute found after `class` in the MRO of the receiver's type, bound to the receiver.
    fn super_attr(&mut self, class: &ObjRef, receiver: &Value, name: &ObjRef) -> PyResult<Option<Value>> {
        let py = self.py;
        let start = super_start(self, class, receiver).clone_ref(py);
        let receiver_is_class = receiver.as_obj().is_some_and(|r| r.is(&start));
        let Payload::Type(t) = &start.payload else {
            return Ok(None);
        };
        let mut mro = vec![start.clone_ref(py)];
        mro.extend(t.mro.iter().map(|m| m.clone_ref(py)));
        let after = mro.iter().position(|m| m.is(class)).map_or(mro.len(), |i| i + 1);
        let Payload::Str(key) = &name.payload else {
            return Ok(None);
        };
        for base in &mro[after..] {
            let Payload::Type(bt) = &base.payload else { continue };
            let found = bt
                .dict
                .lock(py)
                .get(key.hash(), |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
                })
                .map(|e| e.value.clone_ref(py));
            if let Some(attr) = found {
                return Ok(Some(match attr.payload() {
                    Some(Payload::Function(_)) if receiver_is_class => attr,
                    Some(Payload::Function(_)) | Some(Payload::Native(_)) => {
                        self.alloc(Payload::BoundMethod(receiver.clone_ref(py), attr))
                    }
                    Some(Payload::ClassMethod(f)) => {
                        let owner = if receiver_is_class {
                            receiver.clone_ref(py)
                        } else {
                            Value::Obj(start.clone_ref(py))
                        };
                        self.alloc(Payload::BoundMethod(owner, f.clone_ref(py)))
                    }
                    Some(Payload::StaticMethod(f)) => f.clone_ref(py),
                    Some(Payload::Instance(_)) => match self.user_descriptor(&attr) {
                        Some((Some(get), _)) => self.call_descriptor_get(&get, &attr, receiver)?,
                        _ => attr,
                    },
                    Some(Payload::Property(accessors)) if !receiver_is_class => {
                        let getter = accessors[0].clone_ref(py);
                        self.call(&getter, &[receiver.clone_ref(py)], &[])?
                    }
                    _ => attr,
                }));
            }
        }
        Ok(None)
    }

    /// `class.name = value` (or `del class.name` without a value) through a property or data
    /// descriptor of its metaclass; `false` when there is none.
    fn metaclass_data_set(
        &mut self,
        metaclass: &ObjRef,
        class: &Value,
        name: &ObjRef,
        value: Option<&Value>,
    ) -> PyResult<bool> {
        let py = self.py;
        let Some(attr) = self.lookup_in_class(metaclass, name)? else {
            return Ok(false);
        };
        let (accessor, what) = match (attr.payload(), value) {
            (Some(Payload::Property(accessors)), Some(_)) => (Some(accessors[1].clone_ref(py)), "setter"),
            (Some(Payload::Property(accessors)), None) => (Some(accessors[2].clone_ref(py)), "deleter"),
            (Some(Payload::Instance(descr)), _) => {
                let descr_class = descr.class.clone_ref(py);
                let hook = if value.is_some() { "__set__" } else { "__delete__" };
                let Some(method) = self.class_attr(&descr_class, hook) else {
                    return Ok(false);
                };
                let mut args = vec![class.clone_ref(py)];
                args.extend(value.map(|v| v.clone_ref(py)));
                self.call_with_receiver(&method, &attr, &args, &[])?;
                return Ok(true);
            }
            _ => return Ok(false),
        };
        match accessor {
            Some(f) if !f.is_none() => {
                let mut args = vec![class.clone_ref(py)];
                args.extend(value.map(|v| v.clone_ref(py)));
                self.call(&f, &args, &[])?;
                Ok(true)
            }
            _ => Err(self.new_error(
                &types().attribute_error,
                format!(
                    "property '{}' of '{}' object has no {what}",
                    str_of(name),
                    self.type_name(class)
                ),
            )),
        }
    }

    /// An attribute of `class`'s metaclass that is a property or data descriptor, read for
    /// `class` (`None` when there is none).
    fn metaclass_data_get(&mut self, metaclass: &ObjRef, class: &Value, name: &ObjRef) -> PyResult<Option<Value>> {
        let py = self.py;
        let Some(attr) = self.lookup_in_class(metaclass, name)? else {
            return Ok(None);
        };
        match attr.payload() {
            Some(Payload::Property(accessors)) => {
                let getter = accessors[0].clone_ref(py);
                if getter.is_none() {
                    return Err(self.new_error(
                        &types().attribute_error,
                        format!(
                            "property '{}' of '{}' object has no getter",
                            str_of(name),
                            self.type_name(class)
                        ),
                    ));
                }
                self.call(&getter, &[class.clone_ref(py)], &[]).map(Some)
            }
            Some(Payload::Instance(_)) => match self.user_descriptor(&attr) {
                Some((Some(get), true)) => {
                    let owner = Value::Obj(metaclass.clone_ref(py));
                    self.call_with_receiver(&get, &attr, &[class.clone_ref(py), owner], &[])
                        .map(Some)
                }
                _ => Ok(None),
            },
            _ => Ok(None),
        }
    }

    /// A metaclass attribute found for `class`: functions bind to the class, descriptors get
    /// it as their instance.
    fn bind_to_class(&mut self, attr: Value, class: &Value) -> PyResult<Value> {
        let py = self.py;
        Ok(match attr.payload() {
            Some(Payload::Function(_)) | Some(Payload::Native(_)) => {
                self.alloc(Payload::BoundMethod(class.clone_ref(py), attr))
            }
            Some(Payload::Property(accessors)) => {
                let getter = accessors[0].clone_ref(py);
                self.call(&getter, &[class.clone_ref(py)], &[])?
            }
            Some(Payload::Instance(_)) => match self.user_descriptor(&attr) {
                Some((Some(get), _)) => {
                    let owner = Value::Obj(self.type_of(class).clone_ref(py));
                    self.call_with_receiver(&get, &attr, &[class.clone_ref(py), owner], &[])?
                }
                _ => attr,
            },
            _ => self.bind(attr, class),
        })
    }

    /// `cls.__annotations__`: from the class's own namespace, created empty when missing.
    fn class_annotations(&mut self, t: &crate::objects::TypeObject, name: &ObjRef) -> PyResult<Value> {
        let py = self.py;
        let Payload::Str(key) = &name.payload else {
            return Ok(Value::None);
        };
        let own = t
            .dict
            .lock(py)
            .get(key.hash(), |k| k.as_str() == Some("__annotations__"))
            .map(|e| e.value.clone_ref(py));
        if let Some(found) = own {
            return Ok(found);
        }
        let empty = self.new_dict();
        if t.module != "builtins" {
            store_name(&t.dict, py, name, empty.clone_ref(py));
            attr_cache::classes_changed();
        }
        Ok(empty)
    }

    /// Whether any of these functions is marked `__isabstractmethod__` (what `abc` asks of a
    /// property or a static or class method wrapping them).
    fn any_abstract(&mut self, functions: &[Value]) -> PyResult<bool> {
        let marker = types::intern("__isabstractmethod__");
        for function in functions.iter().filter(|f| !f.is_none()) {
            if let Some(flag) = self.get_attr_opt(function, &marker)?
                && self.is_true(&flag)?
            {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// A name looked up along `class`'s MRO, `class` itself and `object` included.
    pub fn lookup_along(&self, class: &ObjRef, name: &str) -> Option<Value> {
        self.lookup_in_class_str(class, name, crate::objects::hashing::hash_bytes(name.as_bytes()), false)
    }

    /// `int(x)` for an int-like value (bools become plain ints).
    fn int_value(&self, v: &Value) -> Value {
        match v {
            Value::Bool(b) => Value::Int(*b as i64),
            other => other.clone_ref(self.py),
        }
    }

    /// A method of a built-in type, bound to `obj`.
    fn builtin_method(&mut self, obj: &Value, name: &ObjRef) -> PyResult<Option<Value>> {
        let class = self.type_of(obj).clone_ref(self.py);
        Ok(self.lookup_in_class(&class, name)?.map(|attr| self.bind(attr, obj)))
    }

    /// A new `dict` with the items of a namespace table (instance, class or function dict).
    fn table_copy(&mut self, table: &ObjLock<DictTable>) -> Value {
        let py = self.py;
        let dict = self.new_dict();
        let items: Vec<(Value, Value)> = table
            .lock(py)
            .iter()
            .map(|e| (e.key.clone_ref(py), e.value.clone_ref(py)))
            .collect();
        for (k, v) in items {
            let _ = self.dict_set(&dict, k, v);
        }
        dict
    }

    /// `obj.name = value`: a class's `__setattr__` decides, if it defines one.
    pub fn set_attr(&mut self, obj: &Value, name: &ObjRef, value: Value) -> PyResult<()> {
        if has_user_type(obj)
            && let Some(setattr) = self.lookup_special(obj, "__setattr__")
        {
            let py = self.py;
            self.call(
                &setattr,
                &[obj.clone_ref(py), Value::Obj(name.clone_ref(py)), value],
                &[],
            )?;
            return Ok(());
        }
        self.generic_set_attr(obj, name, value)
    }

    /// `object.__setattr__(obj, name, value)`: data descriptors (properties, descriptors
    /// written in Python) on the class first, then the instance `__dict__`.
    pub fn generic_set_attr(&mut self, obj: &Value, name: &ObjRef, value: Value) -> PyResult<()> {
        let py = self.py;
        let Payload::Str(key) = &name.payload else {
            return Ok(());
        };
        match obj.payload() {
            Some(Payload::Instance(inst))
                if inst.exception.is_some()
                    && matches!(key.as_str(), "__cause__" | "__context__" | "__suppress_context__") =>
            {
                self.set_exception_link(inst, key.as_str(), value)
            }
            Some(Payload::Instance(inst)) => {
                let class = inst.class.clone_ref(py);
                let class_attr = self.lookup_in_class(&class, name)?;
                if let Some(attr) = &class_attr {
                    match attr.payload() {
                        Some(Payload::Property(accessors)) => {
                            let setter = accessors[1].clone_ref(py);
                            if setter.is_none() {
                                return Err(self.new_error(
                                    &types().attribute_error,
                                    format!(
                                        "property '{}' of '{}' object has no setter",
                                        key.as_str(),
                                        self.type_name(obj)
                                    ),
                                ));
                            }
                            self.call(&setter, &[obj.clone_ref(py), value], &[])?;
                            return Ok(());
                        }
                        Some(Payload::Instance(descr)) => {
                            let descr_class = descr.class.clone_ref(py);
                            if let Some(set) = self.class_attr(&descr_class, "__set__") {
                                self.call_with_receiver(&set, attr, &[obj.clone_ref(py), value], &[])?;
                                return Ok(());
                            }
                            if self.class_attr(&descr_class, "__delete__").is_some() {
                                return Err(self.new_error(&types().attribute_error, "__set__"));
                            }
                        }
                        _ => {}
                    }
                }
                if class_attr
                    .as_ref()
                    .is_some_and(|attr| matches!(attr.payload(), Some(Payload::Member(_))))
                {
                    let old = inst.with_slots(py, |table| {
                        table.insert(key.hash(), Value::Obj(name.clone_ref(py)), value, |k| {
                            k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
                        })
                    });
                    drop(old);
                    return Ok(());
                }
                if !super::slots::instances_have_dict(&class) {
                    self.check_slot_store(obj, key.as_str(), class_attr.as_ref())?;
                }
                if key.as_str() == "__dict__" {
                    let Some(dict) = value.as_obj().filter(|d| matches!(d.payload, Payload::Dict(_))) else {
                        return Err(self.type_error(format!(
                            "__dict__ must be set to a dictionary, not a '{}'",
                            self.type_name(&value)
                        )));
                    };
                    let new = crate::objects::InstanceDict::Shared(dict.clone_ref(py));
                    let old = std::mem::replace(&mut *inst.dict.lock(py), new);
                    drop(old);
                    return Ok(());
                }
                // The replaced value is dropped after the lock is released.
                let old = inst.with_dict(py, |table| {
                    table.insert(key.hash(), Value::Obj(name.clone_ref(py)), value, |k| {
                        k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
                    })
                });
                drop(old);
                Ok(())
            }
            Some(Payload::Type(t)) if t.module != "builtins" => {
                if let Some(metaclass) = &t.metaclass
                    && self.metaclass_data_set(metaclass, obj, name, Some(&value))?
                {
                    return Ok(());
                }
                if key.as_str() == "__getattribute__" {
                    getattribute_defined();
                }
                store_name(&t.dict, py, name, value);
                attr_cache::classes_changed();
                if key.as_str() == "__del__" {
                    crate::objects::gc::finalizers_changed();
                }
                Ok(())
            }
            Some(Payload::Module(m)) => {
                let dict = m.dict.clone_ref(py);
                self.dict_set_str(&dict, name, value)
            }
            Some(Payload::Function(f)) => {
                match key.as_str() {
                    "__name__" => *f.name.lock(py) = value.as_str().unwrap_or("").to_string(),
                    "__qualname__" => *f.qualname.lock(py) = value.as_str().unwrap_or("").to_string(),
                    _ => store_name(&f.dict, py, name, value),
                }
                Ok(())
            }
            Some(Payload::Type(t)) => Err(self.type_error(format!(
                "cannot set '{}' attribute of immutable type '{}'",
                key.as_str(),
                t.message_name()
            ))),
            _ => {
                let has_attr = self.get_attr_opt(obj, name)?.is_some();
                let msg = if has_attr {
                    format!(
                        "'{}' object attribute '{}' is read-only",
                        self.type_name(obj),
                        key.as_str()
                    )
                } else {
                    format!("'{}' object has no attribute '{}'", self.type_name(obj), key.as_str())
                };
                Err(self.new_error(&types().attribute_error, msg))
            }
        }
    }

    /// Instances without a `__dict__` take only their declared slots.
    #[cold]
    #[inline(never)]
    fn check_slot_store(&self, obj: &Value, key: &str, class_attr: Option<&Value>) -> PyResult<()> {
        let msg = match class_attr {
            Some(_) => format!("'{}' object attribute '{key}' is read-only", self.type_name(obj)),
            None => format!("'{}' object has no attribute '{key}'", self.type_name(obj)),
        };
        Err(self.new_error(&types().attribute_error, msg))
    }

    /// `del obj.name`: a class's `__delattr__` decides, if it defines one.
    pub fn del_attr(&mut self, obj: &Value, name: &ObjRef) -> PyResult<()> {
        if has_user_type(obj)
            && let Some(delattr) = self.lookup_special(obj, "__delattr__")
        {
            let py = self.py;
            self.call(&delattr, &[obj.clone_ref(py), Value::Obj(name.clone_ref(py))], &[])?;
            return Ok(());
        }
        self.generic_del_attr(obj, name)
    }

    /// `object.__delattr__(obj, name)`.
    pub fn generic_del_attr(&mut self, obj: &Value, name: &ObjRef) -> PyResult<()> {
        let Payload::Str(key) = &name.payload else {
            return Ok(());
        };
        let removed = match obj.payload() {
            Some(Payload::Instance(inst)) => {
                let class = inst.class.clone_ref(self.py);
                if let Some(attr) = self.lookup_in_class(&class, name)?
                    && let Some(Payload::Property(accessors)) = attr.payload()
                    && !accessors[2].is_none()
                {
                    let deleter = accessors[2].clone_ref(self.py);
                    self.call(&deleter, &[obj.clone_ref(self.py)], &[])?;
                    return Ok(());
                }
                if let Some(attr) = self.lookup_in_class(&class, name)?
                    && let Some(Payload::Instance(descr)) = attr.payload()
                {
                    let descr_class = descr.class.clone_ref(self.py);
                    if let Some(delete) = self.class_attr(&descr_class, "__delete__") {
                        self.call_with_receiver(&delete, &attr, &[obj.clone_ref(self.py)], &[])?;
                        return Ok(());
                    }
                    if self.class_attr(&descr_class, "__set__").is_some() {
                        return Err(self.new_error(&types().attribute_error, "__delete__"));
                    }
                }
                let is_member = self
                    .lookup_in_class(&class, name)?
                    .is_some_and(|attr| matches!(attr.payload(), Some(Payload::Member(_))));
                let remove = |table: &mut crate::objects::DictTable| {
                    table.remove(key.hash(), |k| {
                        k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
                    })
                };
                if is_member {
                    inst.with_slots(self.py, remove)
                } else {
                    inst.with_dict(self.py, remove)
                }
            }
            Some(Payload::Type(t)) if t.module != "builtins" => {
                if let Some(metaclass) = &t.metaclass
                    && self.metaclass_data_set(metaclass, obj, name, None)?
                {
                    return Ok(());
                }
                let removed = t.dict.lock(self.py).remove(key.hash(), |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
                });
                attr_cache::classes_changed();
                if key.as_str() == "__del__" {
                    crate::objects::gc::finalizers_changed();
                }
                removed
            }
            Some(Payload::Module(m)) => {
                let dict = m.dict.clone_ref(self.py);
                return match self.dict_del_str(&dict, name)? {
                    Some(_) => Ok(()),
                    None => Err(self.attribute_error(obj, key.as_str())),
                };
            }
            _ => None,
        };
        match removed {
            Some(_) => Ok(()),
            None => {
                // An unset slot: CPython names just the attribute.
                let class = self.type_of(obj).clone_ref(self.py);
                if let Some(attr) = self.lookup_in_class(&class, name)?
                    && matches!(attr.payload(), Some(Payload::Member(_)))
                {
                    return Err(self.new_error(&types().attribute_error, key.as_str()));
                }
                Err(self.attribute_error(obj, key.as_str()))
            }
        }
    }
}

/// `name = value` in a namespace table (instance, class or function `__dict__`). The replaced
/// value is dropped after the lock is released: its destructor may free other objects.
fn store_name(table: &ObjLock<DictTable>, py: crate::gil::Gil<'_>, name: &ObjRef, value: Value) {
    let Payload::Str(key) = &name.payload else { return };
    let old = table
        .lock(py)
        .insert(key.hash(), Value::Obj(name.clone_ref(py)), value, |k| {
            k.as_str().is_some_and(|s| crate::objects::same_text(s, key.as_str()))
        });
    drop(old);
}

impl Vm<'_> {
    /// PEP 562: a module's own `__getattr__` supplies the attributes its namespace lacks. Its
    /// AttributeError means "no such attribute" (the caller words the message, which is the
    /// one such hooks raise by convention); other errors propagate.
    fn module_getattr(&mut self, dict: &ObjRef, name: &ObjRef) -> PyResult<Option<Value>> {
        let Some(hook) = self.dict_get_str(dict, &types::intern("__getattr__"))? else {
            return Ok(None);
        };
        match self.call(&hook, &[Value::Obj(name.clone_ref(self.py))], &[]) {
            Ok(value) => Ok(Some(value)),
            Err(err) if self.err_matches(&err, &types().attribute_error) => Ok(None),
            Err(err) => Err(err),
        }
    }
}
