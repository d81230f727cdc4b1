//! What programs call: `dump`, `dumps`, `load`, `loads`, and the `Pickler`, `Unpickler` and
//! `PickleBuffer` classes, whose methods are native so that, as in CPython, no frame of the
//! pickle module shows in a traceback. A `Pickler` or `Unpickler` keeps its settings in its
//! instance dict (under names private to the class), so subclasses add hooks freely.

use crate::objects::types::intern;
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::args::check_arity;
use crate::vm::{PyResult, Vm};

use super::opcodes::{DEFAULT_PROTOCOL, HIGHEST_PROTOCOL};
use super::pickler::{Hooks, Memo, Pickler};
use super::unpickler::{FileInput, Input, LoadMemo, LoadOptions, Unpickler};

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("dump", dump),
    ("dumps", dumps),
    ("load", load),
    ("loads", loads),
    ("_reduce_ex", super::reduce_ex::copyreg_reduce_ex),
];

type Methods = &'static [(&'static str, NativeFn)];

/// The classes: name, module, methods.
pub const CLASSES: [(&str, &str, Methods); 3] = [
    (
        "Pickler",
        "_pickle",
        &[
            ("__init__", pickler_init),
            ("dump", pickler_dump),
            ("clear_memo", pickler_clear_memo),
        ],
    ),
    (
        "Unpickler",
        "_pickle",
        &[
            ("__init__", unpickler_init),
            ("load", unpickler_load),
            ("find_class", unpickler_find_class),
        ],
    ),
    (
        "PickleBuffer",
        "pickle",
        &[
            ("__init__", buffer_init),
            ("raw", buffer_raw),
            ("release", buffer_release),
        ],
    ),
];

// ----- arguments ------------------------------------------------------------------------------

/// A native's parameters: positional-or-keyword ones (the first `positional_only` of them
/// positional only), then keyword-only ones; `required` of the positional ones are required.
struct Signature {
    name: &'static str,
    positional: &'static [&'static str],
    positional_only: usize,
    required: usize,
    keyword_only: &'static [&'static str],
}

impl Signature {
    /// The arguments by parameter, with CPython's (argument clinic's) messages.
    fn bind<'a>(&self, vm: &Vm, args: &'a [Value], kwargs: &'a [(ObjRef, Value)]) -> PyResult<Vec<Option<&'a Value>>> {
        let name = self.name;
        let max = self.positional.len();
        // Too many positional arguments, or too few positional-only ones.
        if args.len() > max || args.len() < self.positional_only {
            let s = if max == 1 { "" } else { "s" };
            let given = args.len();
            let msg = if self.keyword_only.is_empty() {
                format!("{name}() takes at most {max} argument{s} ({given} given)")
            } else if self.required == max {
                format!("{name}() takes exactly {max} positional argument{s} ({given} given)")
            } else {
                format!("{name}() takes at most {max} positional argument{s} ({given} given)")
            };
            return Err(vm.type_error(msg));
        }
        let mut bound: Vec<Option<&Value>> = args.iter().map(Some).collect();
        bound.resize(max + self.keyword_only.len(), None);
        for (key, value) in kwargs {
            let key = crate::vm::eval::str_of(key);
            let slot = self.positional[self.positional_only..]
                .iter()
                .position(|p| *p == key)
                .map(|i| i + self.positional_only)
                .or_else(|| self.keyword_only.iter().position(|p| *p == key).map(|i| i + max));
            match slot {
                Some(i) if bound[i].is_some() => {
                    return Err(vm.type_error(format!(
                        "argument for {name}() given by name ('{key}') and position ({})",
                        i + 1
                    )));
                }
                Some(i) => bound[i] = Some(value),
                None => return Err(vm.type_error(format!("'{key}' is an invalid keyword argument for {name}()"))),
            }
        }
        if let Some(i) = (0..self.required).find(|&i| bound[i].is_none()) {
            return Err(vm.type_error(format!(
                "{name}() missing required argument '{}' (pos {})",
                self.positional[i],
                i + 1
            )));
        }
        Ok(bound)
    }
}

fn optional(v: &Value, vm: &Vm) -> Option<Value> {
    (!v.is_none()).then(|| v.clone_ref(vm.py))
}

fn or_none(v: Option<&Value>, vm: &Vm) -> Value {
    v.map_or(Value::None, |v| v.clone_ref(vm.py))
}

fn flag(vm: &mut Vm, v: Option<&Value>, default: bool) -> PyResult<bool> {
    match v {
        Some(v) => vm.is_true(v),
        None => Ok(default),
    }
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
fn protocol_for(vm: &mut Vm, protocol: Option<&Value>, buffer_callback: &Value) -> PyResult<u8> {
    let proto = protocol_arg(vm, protocol.unwrap_or(&Value::None))?;
    if !buffer_callback.is_none() && proto < 5 {
        return Err(vm.value_error("buffer_callback needs protocol >= 5"));
    }
    Ok(proto)
}

fn text_option(vm: &Vm, func: &str, what: &str, v: Option<&Value>, default: &str) -> PyResult<String> {
    match v {
        None => Ok(default.to_owned()),
        Some(v) => match v.as_str() {
            Some(s) => Ok(s.to_owned()),
            None => Err(vm.type_error(format!(
                "{func}() argument '{what}' must be str, not {}",
                vm.type_name(v)
            ))),
        },
    }
}

/// The iterator `buffers` is read through (`None`: no buffers were given).
fn buffers_option(vm: &mut Vm, buffers: Option<&Value>) -> PyResult<Option<Value>> {
    match buffers {
        None => Ok(None),
        Some(b) if b.is_none() => Ok(None),
        Some(b) => vm.iter(b).map(Some),
    }
}

/// An attribute a `Pickler` or `Unpickler` keeps for itself.
fn field(vm: &mut Vm, owner: &Value, name: &str) -> PyResult<Value> {
    vm.get_attr(owner, &intern(name))
}

fn set_field(vm: &mut Vm, owner: &Value, name: &str, value: Value) -> PyResult<()> {
    vm.set_attr(owner, &intern(name), value)
}

/// A hook a subclass may define (`persistent_id`, `dispatch_table`…); `None` counts as absent.
fn hook(vm: &mut Vm, owner: &Value, name: &str) -> PyResult<Option<Value>> {
    Ok(vm.get_attr_opt(owner, &intern(name))?.filter(|v| !v.is_none()))
}

// ----- dumps / loads --------------------------------------------------------------------------

const DUMPS: Signature = Signature {
    name: "dumps",
    positional: &["obj", "protocol"],
    positional_only: 0,
    required: 1,
    keyword_only: &["fix_imports", "buffer_callback"],
};

/// `dumps(obj, protocol=None, *, fix_imports=True, buffer_callback=None)`.
fn dumps(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let a = DUMPS.bind(vm, args, kwargs)?;
    let buffer_callback = or_none(a[3], vm);
    let proto = protocol_for(vm, a[1], &buffer_callback)?;
    let fix_imports = flag(vm, a[2], true)?;
    let hooks = Hooks {
        buffer_callback: (!buffer_callback.is_none()).then_some(buffer_callback),
        ..Hooks::default()
    };
    let mut pickler = Pickler::new(proto, fix_imports, hooks, Memo::default(), false, None);
    pickler.dump(vm, a[0].unwrap_or(&Value::None))?;
    let (bytes, _) = pickler.into_bytes();
    Ok(vm.new_bytes(bytes))
}

const DUMP: Signature = Signature {
    name: "dump",
    positional: &["obj", "file", "protocol"],
    positional_only: 0,
    required: 2,
    keyword_only: &["fix_imports", "buffer_callback"],
};

/// `dump(obj, file, protocol=None, *, fix_imports=True, buffer_callback=None)`.
fn dump(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let a = DUMP.bind(vm, args, kwargs)?;
    let buffer_callback = or_none(a[4], vm);
    let proto = protocol_for(vm, a[2], &buffer_callback)?;
    let fix_imports = flag(vm, a[3], true)?;
    let write = file_write(vm, a[1].unwrap_or(&Value::None))?;
    let hooks = Hooks {
        buffer_callback: (!buffer_callback.is_none()).then_some(buffer_callback),
        ..Hooks::default()
    };
    let mut pickler = Pickler::new(proto, fix_imports, hooks, Memo::default(), false, Some(write));
    pickler.dump(vm, a[0].unwrap_or(&Value::None))?;
    Ok(Value::None)
}

fn file_write(vm: &mut Vm, file: &Value) -> PyResult<Value> {
    match vm.get_attr_opt(file, &intern("write"))? {
        Some(write) => Ok(write),
        None => Err(vm.type_error("file must have a 'write' attribute")),
    }
}

const LOADS: Signature = Signature {
    name: "loads",
    positional: &["data"],
    positional_only: 1,
    required: 1,
    keyword_only: &["fix_imports", "encoding", "errors", "buffers"],
};

/// `loads(data, /, *, fix_imports=True, encoding='ASCII', errors='strict', buffers=())`.
fn loads(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let a = LOADS.bind(vm, args, kwargs)?;
    let data = a[0].unwrap_or(&Value::None);
    let Some(Payload::Bytes(bytes)) = data.builtin_self().payload() else {
        return Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(data))));
    };
    let options = LoadOptions {
        fix_imports: flag(vm, a[1], true)?,
        encoding: text_option(vm, "loads", "encoding", a[2], "ASCII")?,
        errors: text_option(vm, "loads", "errors", a[3], "strict")?,
        buffers: buffers_option(vm, a[4])?,
        find_class: None,
        persistent_load: None,
        owner: None,
    };
    Unpickler::new(Input::Bytes { data: bytes, pos: 0 }, options, LoadMemo::default()).load(vm)
}

const LOAD: Signature = Signature {
    name: "load",
    positional: &["file"],
    positional_only: 0,
    required: 1,
    keyword_only: &["fix_imports", "encoding", "errors", "buffers"],
};

/// `load(file, *, fix_imports=True, encoding='ASCII', errors='strict', buffers=())`.
fn load(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let a = LOAD.bind(vm, args, kwargs)?;
    let (read, readline, peek) = file_read(vm, a[0].unwrap_or(&Value::None))?;
    let options = LoadOptions {
        fix_imports: flag(vm, a[1], true)?,
        encoding: text_option(vm, "load", "encoding", a[2], "ASCII")?,
        errors: text_option(vm, "load", "errors", a[3], "strict")?,
        buffers: buffers_option(vm, a[4])?,
        find_class: None,
        persistent_load: None,
        owner: None,
    };
    let input = Input::File(FileInput::new(read, readline, optional(&peek, vm)));
    Unpickler::new(input, options, LoadMemo::default()).load(vm)
}

/// A file's `read`, `readline` and, if it has one, `peek`.
fn file_read(vm: &mut Vm, file: &Value) -> PyResult<(Value, Value, Value)> {
    let read = vm.get_attr_opt(file, &intern("read"))?;
    let readline = vm.get_attr_opt(file, &intern("readline"))?;
    let peek = vm.get_attr_opt(file, &intern("peek"))?.unwrap_or(Value::None);
    match (read, readline) {
        (Some(read), Some(readline)) => Ok((read, readline, peek)),
        _ => Err(vm.type_error("file must have 'read' and 'readline' attributes")),
    }
}

// ----- Pickler --------------------------------------------------------------------------------

const PICKLER: Signature = Signature {
    name: "Pickler",
    positional: &["file", "protocol", "fix_imports", "buffer_callback"],
    positional_only: 0,
    required: 1,
    keyword_only: &[],
};

/// `Pickler(file, protocol=None, fix_imports=True, buffer_callback=None)`.
fn pickler_init(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some((owner, rest)) = args.split_first() else {
        return Err(vm.type_error("Pickler.__init__ needs an instance"));
    };
    let a = PICKLER.bind(vm, rest, kwargs)?;
    let buffer_callback = or_none(a[3], vm);
    let proto = protocol_for(vm, a[1], &buffer_callback)?;
    let fix_imports = flag(vm, a[2], true)?;
    let write = file_write(vm, a[0].unwrap_or(&Value::None))?;
    set_field(vm, owner, "_Pickler__write", write)?;
    set_field(vm, owner, "_Pickler__proto", Value::Int(i64::from(proto)))?;
    set_field(vm, owner, "_Pickler__fix_imports", Value::Bool(fix_imports))?;
    set_field(vm, owner, "_Pickler__buffer_callback", buffer_callback)?;
    let memo = vm.new_list(Vec::new());
    set_field(vm, owner, "_Pickler__memo", memo)?;
    Ok(Value::None)
}

/// `Pickler.dump(obj)`, with the pickler's hooks and a memo kept from one dump to the next.
fn pickler_dump(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::no_kwargs(vm, "Pickler.dump", kwargs)?;
    check_arity(vm, "Pickler.dump", &args[args.len().min(1)..], 1, 1)?;
    let owner = &args[0];
    let Some(write) = vm.get_attr_opt(owner, &intern("_Pickler__write"))? else {
        let class = vm.type_name(owner);
        return Err(super::pickling_error(
            vm,
            format!("Pickler.__init__() was not called by {class}.__init__()"),
        ));
    };
    let proto = field(vm, owner, "_Pickler__proto")?;
    let proto = protocol_arg(vm, &proto)?;
    let fix_imports = field(vm, owner, "_Pickler__fix_imports")?;
    let fix_imports = vm.is_true(&fix_imports)?;
    let fast = match vm.get_attr_opt(owner, &intern("fast"))? {
        Some(fast) => vm.is_true(&fast)?,
        None => false,
    };
    let buffer_callback = field(vm, owner, "_Pickler__buffer_callback")?;
    let hooks = Hooks {
        persistent_id: hook(vm, owner, "persistent_id")?,
        reducer_override: hook(vm, owner, "reducer_override")?,
        dispatch_table: hook(vm, owner, "dispatch_table")?,
        buffer_callback: (!buffer_callback.is_none()).then_some(buffer_callback),
    };
    let memo = field(vm, owner, "_Pickler__memo")?;
    let memo = Memo::from_objects(vm.collect(&memo)?);
    let mut pickler = Pickler::new(proto, fix_imports, hooks, memo, fast, Some(write));
    let result = pickler.dump(vm, &args[1]);
    let (_, memo) = pickler.into_bytes();
    let memo = vm.new_list(memo.into_objects());
    set_field(vm, owner, "_Pickler__memo", memo)?;
    result.map(|()| Value::None)
}

/// `Pickler.clear_memo()`: later dumps write every object in full again.
fn pickler_clear_memo(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::no_kwargs(vm, "clear_memo", kwargs)?;
    check_arity(vm, "clear_memo", args, 1, 1)?;
    let memo = vm.new_list(Vec::new());
    set_field(vm, &args[0], "_Pickler__memo", memo)?;
    Ok(Value::None)
}

// ----- Unpickler ------------------------------------------------------------------------------

const UNPICKLER: Signature = Signature {
    name: "Unpickler",
    positional: &["file"],
    positional_only: 0,
    required: 1,
    keyword_only: &["fix_imports", "encoding", "errors", "buffers"],
};

/// `Unpickler(file, *, fix_imports=True, encoding='ASCII', errors='strict', buffers=())`.
fn unpickler_init(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some((owner, rest)) = args.split_first() else {
        return Err(vm.type_error("Unpickler.__init__ needs an instance"));
    };
    let a = UNPICKLER.bind(vm, rest, kwargs)?;
    let (read, readline, peek) = file_read(vm, a[0].unwrap_or(&Value::None))?;
    let fix_imports = flag(vm, a[1], true)?;
    let encoding = text_option(vm, "Unpickler", "encoding", a[2], "ASCII")?;
    let errors = text_option(vm, "Unpickler", "errors", a[3], "strict")?;
    let buffers = buffers_option(vm, a[4])?.unwrap_or(Value::None);
    set_field(vm, owner, "_Unpickler__read", read)?;
    set_field(vm, owner, "_Unpickler__readline", readline)?;
    set_field(vm, owner, "_Unpickler__peek", peek)?;
    set_field(vm, owner, "_Unpickler__fix_imports", Value::Bool(fix_imports))?;
    let encoding = vm.new_str(encoding);
    set_field(vm, owner, "_Unpickler__encoding", encoding)?;
    let errors = vm.new_str(errors);
    set_field(vm, owner, "_Unpickler__errors", errors)?;
    set_field(vm, owner, "_Unpickler__buffers", buffers)?;
    let memo = vm.new_dict();
    set_field(vm, owner, "_Unpickler__memo", memo)?;
    set_field(vm, owner, "_Unpickler__proto", Value::Int(0))?;
    Ok(Value::None)
}

/// Whether `f` is `Unpickler.find_class` itself (bound to some unpickler).
fn is_default_find_class(vm: &mut Vm, f: &Value) -> PyResult<bool> {
    let function = match f.payload() {
        Some(Payload::BoundMethod(_, function)) => function,
        _ => f,
    };
    let module = super::import_module(vm, "_pickle")?;
    let class = vm.get_attr(&module, &intern("Unpickler"))?;
    let default = vm.get_attr(&class, &intern("find_class"))?;
    Ok(default.is(function))
}

/// `Unpickler.load()`: the next pickle from the file, through the unpickler's hooks.
fn unpickler_load(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::no_kwargs(vm, "load", kwargs)?;
    check_arity(vm, "load", args, 1, 1)?;
    let owner = &args[0];
    let Some(read) = vm.get_attr_opt(owner, &intern("_Unpickler__read"))? else {
        let class = vm.type_name(owner);
        return Err(super::unpickling_error(
            vm,
            format!("Unpickler.__init__() was not called by {class}.__init__()"),
        ));
    };
    let readline = field(vm, owner, "_Unpickler__readline")?;
    let peek = field(vm, owner, "_Unpickler__peek")?;
    let fix_imports = field(vm, owner, "_Unpickler__fix_imports")?;
    let encoding = field(vm, owner, "_Unpickler__encoding")?;
    let errors = field(vm, owner, "_Unpickler__errors")?;
    let buffers = field(vm, owner, "_Unpickler__buffers")?;
    let find_class = match hook(vm, owner, "find_class")? {
        Some(f) if !is_default_find_class(vm, &f)? => Some(f),
        _ => None,
    };
    let options = LoadOptions {
        fix_imports: vm.is_true(&fix_imports)?,
        encoding: text_option(vm, "Unpickler", "encoding", Some(&encoding), "ASCII")?,
        errors: text_option(vm, "Unpickler", "errors", Some(&errors), "strict")?,
        buffers: (!buffers.is_none()).then_some(buffers),
        find_class,
        persistent_load: hook(vm, owner, "persistent_load")?,
        owner: Some(owner.clone_ref(vm.py)),
    };
    let memo_dict = field(vm, owner, "_Unpickler__memo")?;
    let mut memo = LoadMemo::default();
    for (index, value) in vm.dict_items(&memo_dict)? {
        if let Some(index) = crate::vm::ops::as_small_int(&index).and_then(|i| u64::try_from(i).ok()) {
            memo.put(index, value);
        }
    }
    let input = Input::File(FileInput::new(read, readline, optional(&peek, vm)));
    let mut unpickler = Unpickler::new(input, options, memo);
    let result = unpickler.load(vm);
    let memo_dict = vm.new_dict();
    let entries: Vec<(u64, Value)> = unpickler.memo.entries().map(|(i, v)| (i, v.clone_ref(vm.py))).collect();
    for (index, value) in entries {
        vm.dict_set(&memo_dict, Value::Int(index as i64), value)?;
    }
    set_field(vm, owner, "_Unpickler__memo", memo_dict)?;
    result
}

/// `Unpickler.find_class(module, name)`: the default, for the protocol of the stream being
/// loaded.
fn unpickler_find_class(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::no_kwargs(vm, "find_class", kwargs)?;
    check_arity(vm, "find_class", &args[args.len().min(1)..], 2, 2)?;
    let proto = field(vm, &args[0], "_Unpickler__proto")?;
    let proto = crate::vm::ops::as_small_int(&proto).unwrap_or(0).clamp(0, 5) as u8;
    let fix_imports = field(vm, &args[0], "_Unpickler__fix_imports")?;
    let fix_imports = vm.is_true(&fix_imports)?;
    super::unpickler::find_class(vm, &args[1], &args[2], proto, fix_imports)
}

// ----- PickleBuffer ---------------------------------------------------------------------------

/// `PickleBuffer(buffer)`: toy's only buffers are `bytes`.
fn buffer_init(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::no_kwargs(vm, "PickleBuffer", kwargs)?;
    if args.len() != 2 {
        return Err(vm.type_error(format!(
            "PickleBuffer() takes exactly 1 positional argument ({} given)",
            args.len().saturating_sub(1)
        )));
    }
    if !matches!(args[1].builtin_self().payload(), Some(Payload::Bytes(_))) {
        return Err(vm.type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm.type_name(&args[1])
        )));
    }
    set_field(vm, &args[0], super::buffer::WRAPPED, args[1].clone_ref(vm.py))?;
    Ok(Value::None)
}

/// `PickleBuffer.raw()`: a memoryview, which toy does not have.
fn buffer_raw(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::no_kwargs(vm, "raw", kwargs)?;
    check_arity(vm, "raw", args, 1, 1)?;
    super::buffer::wrapped_bytes(vm, &args[0])?;
    Err(vm.new_error(
        &crate::objects::types::types().not_implemented_error,
        "PickleBuffer.raw() returns a memoryview, which toy does not support",
    ))
}

/// `PickleBuffer.release()`.
fn buffer_release(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::no_kwargs(vm, "release", kwargs)?;
    check_arity(vm, "release", args, 1, 1)?;
    set_field(vm, &args[0], super::buffer::WRAPPED, Value::None)?;
    Ok(Value::None)
}
