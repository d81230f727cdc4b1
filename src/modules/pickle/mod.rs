//! `_pickle`: the pickler and unpickler, in Rust, behind the `pickle` module
//! (`py/pickle.py`), which adds the `Pickler` and `Unpickler` classes programs subclass.
//!
//! CPython 3.11 is the reference for every byte: `pickle.dumps(x, p)` writes what CPython
//! writes for the values toy has, and `loads` reads every protocol (0-5). Objects are
//! reduced as CPython reduces them (`object.__reduce_ex__` and friends live in
//! `reduce_ex.rs`), through `copyreg` (`py/copyreg.py`).

pub mod buffer;
pub mod globals;
pub mod iterators;
pub mod opcodes;
pub mod pickler;
pub mod reduce;
pub mod reduce_ex;
pub mod text;
pub mod unpickler;

use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyErr, PyResult, Vm};

use opcodes::{DEFAULT_PROTOCOL, HIGHEST_PROTOCOL};
use pickler::{Hooks, Memo, Pickler};
use unpickler::{FileInput, Input, LoadMemo, LoadOptions, Unpickler};

/// The exception classes, by name and base, created with the module.
const EXCEPTIONS: [(&str, &str); 3] = [
    ("PickleError", "Exception"),
    ("PicklingError", "PickleError"),
    ("UnpicklingError", "PickleError"),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let module = super::new_module(
        vm,
        "_pickle",
        &[
            ("_dumps", dumps),
            ("_loads", loads),
            ("_dump", dump_with),
            ("_load", load_with),
            ("_find_class", default_find_class),
            ("_protocol", checked_protocol),
            ("_reduce_ex", reduce_ex::copyreg_reduce_ex),
        ],
        Vec::new(),
    )?;
    for (name, base) in EXCEPTIONS {
        let base = match base {
            "Exception" => types().exception.clone_ref(vm.py),
            _ => match vm.get_attr(&module, &intern(base))? {
                Value::Obj(o) => o,
                _ => return Err(vm.runtime_error("_pickle exception base")),
            },
        };
        let namespace = vm.new_dict();
        let Value::Obj(ns) = &namespace else {
            return Err(vm.runtime_error("_pickle namespace"));
        };
        let module_name = vm.new_str("_pickle");
        vm.dict_set_str(ns, &intern("__module__"), module_name)?;
        let qualname = vm.new_str(name);
        vm.dict_set_str(ns, &intern("__qualname__"), qualname)?;
        let class = crate::vm::classes::new_class(vm, name, vec![base], ns)?;
        vm.set_attr(&module, &intern(name), class)?;
    }
    Ok(module)
}

/// A module by name, imported if need be (`sys.modules[name]` afterwards).
pub fn import_module(vm: &mut Vm, name: &str) -> PyResult<Value> {
    let modules = vm.modules.clone_ref(vm.py);
    if let Some(module) = vm.dict_get_str(&modules, &intern(name))? {
        return Ok(module);
    }
    let fromlist = vm.new_tuple(vec![Value::Obj(intern("*"))]);
    let builtins = vm.builtins.clone_ref(vm.py);
    vm.import(name, &fromlist, &Value::Int(0), &builtins)?;
    match vm.dict_get_str(&modules, &intern(name))? {
        Some(module) => Ok(module),
        None => Err(vm.new_error(&types().module_not_found_error, format!("No module named '{name}'"))),
    }
}

/// An instance of one of `_pickle`'s exception classes.
fn pickle_exception(vm: &mut Vm, class: &str, msg: String) -> PyErr {
    let class = import_module(vm, "_pickle").and_then(|m| vm.get_attr(&m, &intern(class)));
    match class {
        Ok(Value::Obj(class)) => vm.new_error(&class, msg),
        Ok(_) => vm.runtime_error(msg),
        Err(e) => e,
    }
}

pub fn pickling_error(vm: &mut Vm, msg: impl Into<String>) -> PyErr {
    pickle_exception(vm, "PicklingError", msg.into())
}

pub fn unpickling_error(vm: &mut Vm, msg: impl Into<String>) -> PyErr {
    pickle_exception(vm, "UnpicklingError", msg.into())
}

/// `protocol` as the pickler takes it: `None` is the default, a negative one the highest.
fn protocol_arg(vm: &mut Vm, protocol: &Value) -> PyResult<u8> {
    let value = match protocol.builtin_self() {
        Value::None => return Ok(DEFAULT_PROTOCOL),
        Value::Bool(b) => i64::from(*b),
        Value::Int(i) => *i,
        big @ Value::Obj(o) if matches!(o.payload, Payload::BigInt(_)) => {
            if crate::vm::ops::as_bigint(big).is_some_and(|b| b.sign() == num_bigint::Sign::Minus) {
                -1
            } else {
                i64::MAX
            }
        }
        _ => {
            return Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(protocol)
            )));
        }
    };
    if value < 0 {
        Ok(HIGHEST_PROTOCOL)
    } else if value > i64::from(HIGHEST_PROTOCOL) {
        Err(vm.value_error(format!("pickle protocol must be <= {HIGHEST_PROTOCOL}")))
    } else {
        Ok(value as u8)
    }
}

/// The protocol, checked against a `buffer_callback` that only protocol 5 can use.
fn protocol_for(vm: &mut Vm, protocol: &Value, buffer_callback: &Value) -> PyResult<u8> {
    let proto = protocol_arg(vm, protocol)?;
    if !buffer_callback.is_none() && proto < 5 {
        return Err(vm.value_error("buffer_callback needs protocol >= 5"));
    }
    Ok(proto)
}

/// `_protocol(protocol, buffer_callback)`: what `Pickler.__init__` stores.
fn checked_protocol(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_protocol", kwargs)?;
    check_arity(vm, "_protocol", args, 2, 2)?;
    Ok(Value::Int(i64::from(protocol_for(vm, &args[0], &args[1])?)))
}

fn optional(v: &Value, vm: &Vm) -> Option<Value> {
    (!v.is_none()).then(|| v.clone_ref(vm.py))
}

/// `_dumps(obj, protocol, fix_imports, buffer_callback)`: `pickle.dumps`.
fn dumps(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_dumps", kwargs)?;
    check_arity(vm, "_dumps", args, 4, 4)?;
    let proto = protocol_for(vm, &args[1], &args[3])?;
    let fix_imports = vm.is_true(&args[2])?;
    let hooks = Hooks {
        buffer_callback: optional(&args[3], vm),
        ..Hooks::default()
    };
    let mut pickler = Pickler::new(proto, fix_imports, hooks, Memo::default(), false, None);
    pickler.dump(vm, &args[0])?;
    let (bytes, _) = pickler.into_bytes();
    Ok(vm.new_bytes(bytes))
}

/// An attribute a `Pickler` or `Unpickler` object keeps for the native side.
fn field(vm: &mut Vm, owner: &Value, name: &str) -> PyResult<Value> {
    vm.get_attr(owner, &intern(name))
}

/// A hook a subclass may define (`persistent_id`, `reducer_override`, `dispatch_table`).
fn hook(vm: &mut Vm, owner: &Value, name: &str) -> PyResult<Option<Value>> {
    Ok(vm.get_attr_opt(owner, &intern(name))?.filter(|v| !v.is_none()))
}

/// `_dump(pickler, obj)`: `Pickler.dump`, with the pickler's hooks and a memo kept from one
/// dump to the next.
fn dump_with(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_dump", kwargs)?;
    check_arity(vm, "_dump", args, 2, 2)?;
    let owner = &args[0];
    let write = field(vm, owner, "_write")?;
    let proto = field(vm, owner, "_proto")?;
    let proto = protocol_arg(vm, &proto)?;
    let fix_imports = field(vm, owner, "_fix_imports")?;
    let fix_imports = vm.is_true(&fix_imports)?;
    let fast = match vm.get_attr_opt(owner, &intern("fast"))? {
        Some(fast) => vm.is_true(&fast)?,
        None => false,
    };
    let buffer_callback = field(vm, owner, "_buffer_callback")?;
    let hooks = Hooks {
        persistent_id: hook(vm, owner, "persistent_id")?,
        reducer_override: hook(vm, owner, "reducer_override")?,
        dispatch_table: hook(vm, owner, "dispatch_table")?,
        buffer_callback: optional(&buffer_callback, vm),
    };
    let memo = field(vm, owner, "_memo")?;
    let memo = Memo::from_objects(vm.collect(&memo)?);
    let mut pickler = Pickler::new(proto, fix_imports, hooks, memo, fast, Some(write));
    let result = pickler.dump(vm, &args[1]);
    let (_, memo) = pickler.into_bytes();
    let memo = vm.new_list(memo.into_objects());
    vm.set_attr(owner, &intern("_memo"), memo)?;
    result.map(|()| Value::None)
}

fn text_option(vm: &mut Vm, func: &str, what: &str, v: &Value) -> PyResult<String> {
    match v.as_str() {
        Some(s) => Ok(s.to_owned()),
        None => Err(vm.type_error(format!(
            "{func}() argument '{what}' must be str, not {}",
            vm.type_name(v)
        ))),
    }
}

/// The iterator `buffers` is read through (`None`: no buffers were given).
fn buffers_option(vm: &mut Vm, buffers: &Value) -> PyResult<Option<Value>> {
    if buffers.is_none() {
        return Ok(None);
    }
    vm.iter(buffers).map(Some)
}

/// `_loads(data, fix_imports, encoding, errors, buffers)`: `pickle.loads`.
fn loads(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_loads", kwargs)?;
    check_arity(vm, "_loads", args, 5, 5)?;
    let Some(Payload::Bytes(data)) = args[0].builtin_self().payload() else {
        return Err(vm.type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm.type_name(&args[0])
        )));
    };
    let options = LoadOptions {
        fix_imports: vm.is_true(&args[1])?,
        encoding: text_option(vm, "loads", "encoding", &args[2])?,
        errors: text_option(vm, "loads", "errors", &args[3])?,
        buffers: buffers_option(vm, &args[4])?,
        find_class: None,
        persistent_load: None,
        owner: None,
    };
    Unpickler::new(Input::Bytes { data, pos: 0 }, options, LoadMemo::default()).load(vm)
}

/// `_load(unpickler, find_class, persistent_load)`: `Unpickler.load`, reading from its file;
/// the hooks are `None` when the unpickler does not override them.
fn load_with(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_load", kwargs)?;
    check_arity(vm, "_load", args, 3, 3)?;
    let owner = &args[0];
    let read = field(vm, owner, "_read")?;
    let readline = field(vm, owner, "_readline")?;
    let fix_imports = field(vm, owner, "_fix_imports")?;
    let encoding = field(vm, owner, "_encoding")?;
    let errors = field(vm, owner, "_errors")?;
    let buffers = field(vm, owner, "_buffers")?;
    let options = LoadOptions {
        fix_imports: vm.is_true(&fix_imports)?,
        encoding: text_option(vm, "Unpickler", "encoding", &encoding)?,
        errors: text_option(vm, "Unpickler", "errors", &errors)?,
        buffers: optional(&buffers, vm),
        find_class: optional(&args[1], vm),
        persistent_load: optional(&args[2], vm),
        owner: Some(owner.clone_ref(vm.py)),
    };
    let memo_dict = field(vm, owner, "_memo")?;
    let mut memo = LoadMemo::default();
    for (index, value) in vm.dict_items(&memo_dict)? {
        if let Some(index) = crate::vm::ops::as_small_int(&index).and_then(|i| u64::try_from(i).ok()) {
            memo.put(index, value);
        }
    }
    let mut unpickler = Unpickler::new(Input::File(FileInput::new(read, readline)), options, memo);
    let result = unpickler.load(vm);
    let memo_dict = vm.new_dict();
    let entries: Vec<(u64, Value)> = unpickler.memo.entries().map(|(i, v)| (i, v.clone_ref(vm.py))).collect();
    for (index, value) in entries {
        vm.dict_set(&memo_dict, Value::Int(index as i64), value)?;
    }
    vm.set_attr(owner, &intern("_memo"), memo_dict)?;
    result
}

/// `_find_class(unpickler, module, name)`: `Unpickler.find_class`'s default, for the
/// protocol of the stream being loaded.
fn default_find_class(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_find_class", kwargs)?;
    check_arity(vm, "_find_class", args, 3, 3)?;
    let proto = field(vm, &args[0], "_proto")?;
    let proto = crate::vm::ops::as_small_int(&proto).unwrap_or(0).clamp(0, 5) as u8;
    let fix_imports = field(vm, &args[0], "_fix_imports")?;
    let fix_imports = vm.is_true(&fix_imports)?;
    unpickler::find_class(vm, &args[1], &args[2], proto, fix_imports)
}
