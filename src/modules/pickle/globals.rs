//! Classes and functions travel by name: `module` and qualified name (`STACK_GLOBAL` from
//! protocol 4, `GLOBAL` before), looked up again when the pickle is loaded. Also what the
//! pickler looks up outside itself: `copyreg`'s dispatch table and extension registry, and
//! `_compat_pickle`'s names for protocols 0-2, which Python 2 reads.
//!
//! The strings written for the names are the very objects CPython writes, where it matters:
//! the memo is keyed by identity, so a module name written twice as the same object is
//! written once and fetched from the memo the second time, and toy's output then matches
//! CPython's byte for byte. A user class or function gives its module's `__name__` object and
//! its (interned) qualified name; built-in classes give the interned `'builtins'`; built-in
//! functions their module's `__name__` and a fresh name.

use super::opcodes::*;
use super::pickler::Pickler;
use super::{import_module, pickling_error};
use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::{PyResult, Vm};

/// Objects looked up outside the pickler, once per dump, when first needed.
#[derive(Default)]
pub struct LookupCache {
    dispatch_table: Option<Value>,
    extension_registry: Option<Value>,
    reverse_name_mapping: Option<Value>,
    reverse_import_mapping: Option<Value>,
}

fn copyreg_attr(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let copyreg = import_module(vm, "copyreg")?;
    vm.get_attr(&copyreg, &intern(name))
}

/// The reducer the dispatch table has for `type(v)`: the pickler's own table, or else
/// `copyreg.dispatch_table` (which `copyreg.pickle` fills).
pub fn dispatch_table_entry(p: &mut Pickler, vm: &mut Vm, v: &Value) -> PyResult<Option<Value>> {
    let table = match &p.hooks.dispatch_table {
        Some(table) => table.clone_ref(vm.py),
        None => {
            if p.cache.dispatch_table.is_none() {
                p.cache.dispatch_table = Some(copyreg_attr(vm, "dispatch_table")?);
            }
            p.cache
                .dispatch_table
                .as_ref()
                .map_or(Value::None, |t| t.clone_ref(vm.py))
        }
    };
    let class = Value::Obj(vm.type_of(v).clone_ref(vm.py));
    if let Some(Payload::Dict(d)) = table.payload() {
        if d.lock(vm.py).is_empty() {
            return Ok(None);
        }
        return vm.dict_get(&table, &class);
    }
    match vm.get_item(&table, &class) {
        Ok(reducer) => Ok(Some(reducer)),
        Err(e) if vm.err_matches(&e, &types().key_error) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A class: `NoneType`, `NotImplementedType` and `ellipsis` are no attributes of any module,
/// so they are rebuilt as `type(None)` and the like; every other class goes by name.
pub fn save_type(p: &mut Pickler, vm: &mut Vm, v: &Value) -> PyResult<()> {
    let t = types();
    let Some(class) = v.as_obj() else {
        return save_global(p, vm, v, None);
    };
    let instance = if class.is(&t.none_type) {
        Value::None
    } else if class.is(&t.not_implemented_type) {
        vm.not_implemented()
    } else if class.is(&t.ellipsis_type) {
        vm.ellipsis()
    } else {
        return save_global(p, vm, v, None);
    };
    let type_class = Value::Obj(t.type_.clone_ref(vm.py));
    let args = vm.new_tuple(vec![instance]);
    super::reduce::save_reduce(p, vm, super::reduce::Reduce::call(type_class, args), Some(v))
}

/// Write `obj` as a reference to where it lives: its module and its qualified name (or
/// `name`, when its `__reduce__` gave one).
pub fn save_global(p: &mut Pickler, vm: &mut Vm, obj: &Value, name: Option<Value>) -> PyResult<()> {
    let name = match name {
        Some(name) => name,
        None => qualified_name(vm, obj)?,
    };
    let Some(name_text) = name.as_str().map(str::to_owned) else {
        return Err(vm.type_error(format!("attribute name must be string, not '{}'", vm.type_name(&name))));
    };
    let module_name = which_module(vm, obj, &name_text)?;
    let module_text = module_name.as_str().unwrap_or_default().to_owned();
    if name_text.split('.').any(|part| part == "<locals>") {
        return Err(vm.new_error(
            &types().attribute_error,
            format!("Can't pickle local object {}", quote(&name_text)),
        ));
    }
    let Ok(module) = import_module(vm, &module_text) else {
        let repr = vm.repr(obj)?;
        return Err(pickling_error(
            vm,
            format!("Can't pickle {repr}: import of module {} failed", quote(&module_text)),
        ));
    };
    let Some((found, parent)) = deep_attribute(vm, &module, &name_text)? else {
        let repr = vm.repr(obj)?;
        return Err(pickling_error(
            vm,
            format!("Can't pickle {repr}: attribute lookup {name_text} on {module_text} failed"),
        ));
    };
    if !found.is(obj) {
        let repr = vm.repr(obj)?;
        return Err(pickling_error(
            vm,
            format!("Can't pickle {repr}: it's not the same object as {module_text}.{name_text}"),
        ));
    }
    if p.proto >= 2
        && let Some(code) = extension_code(p, vm, &module_name, &name)?
    {
        write_extension(p, code);
        return Ok(());
    }
    let last_name = name_text.rsplit('.').next().unwrap_or_default().to_owned();
    if p.proto >= 4 {
        p.save(vm, &module_name)?;
        p.save(vm, &name)?;
        p.op(STACK_GLOBAL);
    } else if !parent.is(&module) {
        // Before protocol 4, GLOBAL names one attribute of a module: a nested class is
        // reached with `getattr(Outer, 'Inner')`.
        let getattr = builtin(vm, "getattr")?;
        let last = vm.new_str(last_name);
        let args = vm.new_tuple(vec![parent, last]);
        super::reduce::save_reduce(p, vm, super::reduce::Reduce::call(getattr, args), None)?;
    } else if p.proto >= 3 {
        write_global_opcode(p, &module_text, &name_text);
    } else {
        let (module_text, name_text) = python2_names(p, vm, &module_name, &name, module_text, name_text)?;
        for text in [&module_text, &name_text] {
            if !text.is_ascii() {
                return Err(pickling_error(
                    vm,
                    format!(
                        "can't pickle global identifier {} using pickle protocol {}",
                        quote(text),
                        p.proto
                    ),
                ));
            }
        }
        write_global_opcode(p, &module_text, &name_text);
    }
    p.memoize(vm, obj);
    Ok(())
}

fn write_global_opcode(p: &mut Pickler, module: &str, name: &str) {
    p.op(GLOBAL);
    p.raw(module.as_bytes());
    p.op(b'\n');
    p.raw(name.as_bytes());
    p.op(b'\n');
}

/// Python 2's names for what moved in Python 3 (`builtins.range` was `__builtin__.xrange`),
/// from `_compat_pickle`, when `fix_imports` asks for them.
fn python2_names(
    p: &mut Pickler,
    vm: &mut Vm,
    module_name: &Value,
    name: &Value,
    module_text: String,
    name_text: String,
) -> PyResult<(String, String)> {
    if !p.fix_imports {
        return Ok((module_text, name_text));
    }
    if p.cache.reverse_name_mapping.is_none() {
        let compat = import_module(vm, "_compat_pickle")?;
        p.cache.reverse_name_mapping = Some(vm.get_attr(&compat, &intern("REVERSE_NAME_MAPPING"))?);
        p.cache.reverse_import_mapping = Some(vm.get_attr(&compat, &intern("REVERSE_IMPORT_MAPPING"))?);
    }
    let (Some(names), Some(modules)) = (&p.cache.reverse_name_mapping, &p.cache.reverse_import_mapping) else {
        return Ok((module_text, name_text));
    };
    let (names, modules) = (names.clone_ref(vm.py), modules.clone_ref(vm.py));
    let key = vm.new_tuple(vec![module_name.clone_ref(vm.py), name.clone_ref(vm.py)]);
    if let Some(mapped) = vm.dict_get(&names, &key)? {
        if let Some(Payload::Tuple(pair)) = mapped.payload()
            && let [Some(m), Some(n)] = [
                pair.first().and_then(Value::as_str),
                pair.get(1).and_then(Value::as_str),
            ]
        {
            return Ok((m.to_owned(), n.to_owned()));
        }
        return Err(vm.runtime_error(format!(
            "_compat_pickle.REVERSE_NAME_MAPPING values should be 2-tuples, not {}",
            vm.type_name(&mapped)
        )));
    }
    if let Some(mapped) = vm.dict_get(&modules, module_name)? {
        return match mapped.as_str() {
            Some(m) => Ok((m.to_owned(), name_text)),
            None => Err(vm.runtime_error(format!(
                "_compat_pickle.REVERSE_IMPORT_MAPPING values should be strings, not {}",
                vm.type_name(&mapped)
            ))),
        };
    }
    Ok((module_text, name_text))
}

/// The code `copyreg.add_extension` registered for (module, name), if any.
fn extension_code(p: &mut Pickler, vm: &mut Vm, module_name: &Value, name: &Value) -> PyResult<Option<i64>> {
    if p.cache.extension_registry.is_none() {
        p.cache.extension_registry = Some(copyreg_attr(vm, "_extension_registry")?);
    }
    let Some(registry) = p.cache.extension_registry.as_ref().map(|r| r.clone_ref(vm.py)) else {
        return Ok(None);
    };
    if matches!(registry.payload(), Some(Payload::Dict(d)) if d.lock(vm.py).is_empty()) {
        return Ok(None);
    }
    let key = vm.new_tuple(vec![module_name.clone_ref(vm.py), name.clone_ref(vm.py)]);
    let Some(code) = vm.dict_get(&registry, &key)? else {
        return Ok(None);
    };
    match crate::vm::ops::as_small_int(&code) {
        Some(code) if (1..=0x7fff_ffff).contains(&code) => Ok(Some(code)),
        _ => Err(pickling_error(vm, "extension code is out of range")),
    }
}

fn write_extension(p: &mut Pickler, code: i64) {
    if let Ok(small) = u8::try_from(code) {
        p.raw(&[EXT1, small]);
    } else if let Ok(medium) = u16::try_from(code) {
        p.op(EXT2);
        p.raw(&medium.to_le_bytes());
    } else {
        p.op(EXT4);
        p.raw(&(code as u32).to_le_bytes());
    }
}

/// `repr()` of a str, for messages.
pub fn quote(text: &str) -> String {
    crate::objects::format::str_repr(text)
}

/// A `str` naming a definition, interned when it looks like an identifier: CPython's compiler
/// interns such names, so they are the same objects as equal string constants.
pub fn name_object(vm: &Vm, text: &str) -> Value {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Value::Obj(intern(text))
    } else {
        vm.new_str(text)
    }
}

/// An entry of a class's own namespace (not inherited), such as its `__module__`.
fn own_class_entry(vm: &Vm, class: &ObjRef, key: &str) -> Option<Value> {
    let Payload::Type(t) = &class.payload else {
        return None;
    };
    let key_obj = intern(key);
    let Payload::Str(k) = &key_obj.payload else {
        return None;
    };
    t.dict
        .lock(vm.py)
        .get(k.hash(), |stored| stored.as_str() == Some(key))
        .map(|e| e.value.clone_ref(vm.py))
}

/// Whether a class is one of toy's built-in ones (not made by a `class` statement).
pub fn is_builtin_class(class: &ObjRef) -> bool {
    types().every().any(|t| t.is(class))
        || (0..crate::objects::types::ITERATOR_TYPE_NAMES.len() as u8)
            .any(|kind| crate::objects::types::iterator_type(kind).is(class))
}

/// `obj.__qualname__`, or `obj.__name__` for objects without one.
fn qualified_name(vm: &mut Vm, obj: &Value) -> PyResult<Value> {
    match obj.payload() {
        Some(Payload::Type(t)) => {
            let class = obj.as_obj().map(|o| o.clone_ref(vm.py));
            if let Some(class) = class
                && !is_builtin_class(&class)
                && let Some(q) = own_class_entry(vm, &class, "__qualname__").filter(|q| q.as_str().is_some())
            {
                return Ok(q);
            }
            // A class made without a `__qualname__` entry (`type(name, …)`, namedtuple) has
            // its name as given, usually an interned constant.
            let qualname = t.qualname.clone();
            return Ok(name_object(vm, &qualname));
        }
        Some(Payload::Function(f)) => {
            let qualname = f.qualname.lock(vm.py).clone();
            return Ok(name_object(vm, &qualname));
        }
        Some(Payload::Native(n)) => return Ok(vm.new_str(n.name)),
        _ => {}
    }
    match vm.get_attr_opt(obj, &intern("__qualname__"))? {
        Some(q) => Ok(q),
        None => vm.get_attr(obj, &intern("__name__")),
    }
}

/// Built-in functions of toy that are classes in CPython.
const CPYTHON_CLASSES: [&str; 5] = ["enumerate", "filter", "map", "reversed", "zip"];

/// The module `obj` belongs to: its `__module__`, or else the first module in `sys.modules`
/// that has it under `name`, or else `__main__`.
pub fn which_module(vm: &mut Vm, obj: &Value, name: &str) -> PyResult<Value> {
    let declared = match obj.payload() {
        Some(Payload::Type(t)) => {
            let class = obj.as_obj().map(|o| o.clone_ref(vm.py));
            match class {
                Some(class) if !is_builtin_class(&class) => own_class_entry(vm, &class, "__module__")
                    .filter(|m| m.as_str().is_some())
                    .unwrap_or_else(|| vm.new_str(t.module.as_str())),
                _ => Value::Obj(intern(&t.module)),
            }
        }
        Some(Payload::Function(f)) => {
            let key = intern("__module__");
            let Payload::Str(k) = &key.payload else {
                return Ok(Value::None);
            };
            f.dict
                .lock(vm.py)
                .get(k.hash(), |stored| stored.as_str() == Some("__module__"))
                .map_or(Value::None, |e| e.value.clone_ref(vm.py))
        }
        // What CPython has as classes carries the interned module name, as classes do.
        Some(Payload::Native(n))
            if n.module.is_some_and(|m| m.0 == "builtins") && CPYTHON_CLASSES.contains(&n.name) =>
        {
            Value::Obj(intern("builtins"))
        }
        Some(Payload::Native(n)) => match n.module {
            Some(module) => module_name_object(vm, module.0)?,
            None => Value::None,
        },
        _ => vm.get_attr_opt(obj, &intern("__module__"))?.unwrap_or(Value::None),
    };
    if !declared.is_none() {
        return Ok(declared);
    }
    search_modules(vm, obj, name)
}

/// A module's own `__name__` object (what CPython's built-in functions carry as their
/// `__module__`), or a new string when the module is not loaded.
fn module_name_object(vm: &mut Vm, module: &str) -> PyResult<Value> {
    let modules = Value::Obj(vm.modules.clone_ref(vm.py));
    let loaded = if module == "builtins" {
        Some(Value::Obj(vm.builtins.clone_ref(vm.py)))
    } else {
        let key = vm.new_str(module);
        vm.dict_get(&modules, &key)?.and_then(|m| match m.payload() {
            Some(Payload::Module(m)) => Some(Value::Obj(m.dict.clone_ref(vm.py))),
            _ => None,
        })
    };
    if let Some(namespace) = loaded.as_ref().and_then(Value::as_obj)
        && let Some(name) = vm.dict_get_str(namespace, &intern("__name__"))?
        && name.as_str() == Some(module)
    {
        return Ok(name);
    }
    Ok(vm.new_str(module))
}

/// CPython's fallback for objects without `__module__`: the built-ins first, then every
/// loaded module but `__main__`.
fn search_modules(vm: &mut Vm, obj: &Value, name: &str) -> PyResult<Value> {
    if let Ok(builtins) = import_module(vm, "builtins")
        && let Some((found, _)) = deep_attribute(vm, &builtins, name)?
        && found.is(obj)
    {
        // The name `sys.modules` has it under: the interned string.
        return Ok(Value::Obj(intern("builtins")));
    }
    let modules = Value::Obj(vm.modules.clone_ref(vm.py));
    for (module_name, module) in vm.dict_items(&modules)? {
        let skip = matches!(module_name.as_str(), Some("__main__" | "__mp_main__" | "builtins")) || module.is_none();
        if skip {
            continue;
        }
        if let Some((found, _)) = deep_attribute(vm, &module, name)?
            && found.is(obj)
        {
            return Ok(module_name);
        }
    }
    Ok(vm.new_str("__main__"))
}

/// `module.a.b.c` for the dotted `name`, with the object holding the last part; `None` when an
/// attribute is missing.
pub fn deep_attribute(vm: &mut Vm, module: &Value, name: &str) -> PyResult<Option<(Value, Value)>> {
    let mut parent = module.clone_ref(vm.py);
    let mut current = module.clone_ref(vm.py);
    for part in name.split('.') {
        match vm.get_attr(&current, &intern(part)) {
            Ok(next) => {
                parent = current;
                current = next;
            }
            Err(e) if vm.err_matches(&e, &types().attribute_error) => return Ok(None),
            Err(e) => return Err(e),
        }
    }
    Ok(Some((current, parent)))
}

/// A built-in function by name (`getattr`, `iter`…).
pub fn builtin(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let builtins = vm.builtins.clone_ref(vm.py);
    match vm.dict_get_str(&builtins, &intern(name))? {
        Some(f) => Ok(f),
        None => Err(vm.name_error(name)),
    }
}
