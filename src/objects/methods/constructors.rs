//! The constructors run when a built-in class is called (`int(x)`, `list(it)`, `dict(m, **kw)`…),
//! and the conversions they share with methods and modules (`int_from_value`, `to_float`,
//! `dict_fill`).

use num_traits::ToPrimitive;

use super::shared::bind_args;
use crate::objects::buffer::MemoryView;
use crate::objects::complex::Complex;
use crate::objects::format;
use crate::objects::types::types;
use crate::objects::{ObjRef, Payload, Range, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};
use crate::vm::ops::{as_bigint, as_complex, as_small_int, is_int};
use crate::vm::{PyResult, Vm, is_subclass};

/// A built-in class's constructor.
pub type Constructor = fn(&mut Vm, &ObjRef, &[Value], &[(ObjRef, Value)]) -> PyResult<Value>;

/// The constructor run when a built-in class is called, `None` for classes whose instances
/// are made generically (exceptions, user classes).
pub fn constructor_for(class: &ObjRef) -> Option<Constructor> {
    let t = types();
    let table: [(&ObjRef, Constructor); 25] = [
        (&t.method, method_new),
        (&t.module, module_new),
        (
            &crate::objects::types::weakref_types().reference,
            crate::modules::weakref::ref_new,
        ),
        (&t.random, |vm, _, args, kwargs| {
            crate::modules::random::new_random(vm, args, kwargs)
        }),
        (&t.int, int_new),
        (&t.float, float_new),
        (&t.complex, complex_new),
        (&t.str_, str_new),
        (&t.bool_, bool_new),
        (&t.list, list_new),
        (&t.tuple, tuple_new),
        (&t.dict, dict_new),
        (&t.set, set_new),
        (&t.frozenset, frozenset_new),
        (&t.range, range_new),
        (&t.type_, type_new),
        (&t.object, object_new),
        (&t.property, property_new),
        (&t.staticmethod, staticmethod_new),
        (&t.classmethod, classmethod_new),
        (&t.bytes, bytes_new),
        (&t.bytearray, bytearray_new),
        (&t.memoryview, memoryview_new),
        (&t.super_, super_new),
        (&t.slice, slice_new),
    ];
    table.iter().find(|(c, _)| c.is(class)).map(|(_, f)| *f)
}

/// `types.MethodType(function, instance)`: `function` bound to `instance`.
fn method_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "method", kwargs)?;
    check_arity(vm, "method", args, 2, 2)?;
    if !crate::modules::builtins::is_callable(vm, &args[0]) {
        return Err(vm.type_error("first argument must be callable"));
    }
    if args[1].is_none() {
        return Err(vm.type_error("instance must not be None"));
    }
    let py = vm.py;
    Ok(vm.alloc(Payload::BoundMethod(args[1].clone_ref(py), args[0].clone_ref(py))))
}

/// `types.ModuleType(name, doc=None)`: an empty module, its spec and loader unknown.
fn module_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bound = bind_args(vm, "module", args, kwargs, &["name", "doc"], 1)?;
    let (name, doc) = (
        bound[0].map(|v| v.clone_ref(vm.py)),
        bound[1].map(|v| v.clone_ref(vm.py)),
    );
    let Some(text) = name.as_ref().and_then(Value::as_str).map(str::to_string) else {
        let given = name
            .as_ref()
            .map_or_else(|| "NoneType".to_string(), |n| vm.type_name(n).to_string());
        return Err(vm.type_error(format!("module.__init__() argument 'name' must be str, not {given}")));
    };
    let dict = vm.new_dict();
    let Value::Obj(namespace) = &dict else {
        return Err(vm.runtime_error("module namespace"));
    };
    let name_value = vm.new_str(text.as_str());
    let entries = [
        ("__name__", name_value),
        ("__doc__", doc.unwrap_or(Value::None)),
        ("__package__", Value::None),
        ("__loader__", Value::None),
        ("__spec__", Value::None),
    ];
    for (key, value) in entries {
        vm.dict_set_str(namespace, &crate::objects::types::intern(key), value)?;
    }
    Ok(vm.alloc(Payload::Module(crate::objects::Module {
        name: text,
        dict: namespace.clone_ref(vm.py),
    })))
}

/// `slice(stop)`, `slice(start, stop[, step])`.
fn slice_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "slice", kwargs)?;
    let py = vm.py;
    let parts = match args {
        [stop] => [Value::None, stop.clone_ref(py), Value::None],
        [start, stop] => [start.clone_ref(py), stop.clone_ref(py), Value::None],
        [start, stop, step] => [start.clone_ref(py), stop.clone_ref(py), step.clone_ref(py)],
        [] => return Err(vm.type_error("slice expected at least 1 argument, got 0")),
        _ => {
            return Err(vm.type_error(format!("slice expected at most 3 arguments, got {}", args.len())));
        }
    };
    Ok(vm.alloc(Payload::Slice(Box::new(parts))))
}

fn int_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "int", kwargs, &["base"])?;
    let base = kwarg(kwargs, "base").or(args.get(1));
    check_arity(vm, "int", args, 0, 2)?;
    let Some(x) = args.first() else {
        return Ok(Value::Int(0));
    };
    if let Some(base) = base {
        let Some(text) = x.as_str() else {
            return Err(vm.type_error("int() can't convert non-string with explicit base"));
        };
        let base = as_small_int(base).unwrap_or(-1);
        if base != 0 && !(2..=36).contains(&base) {
            return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
        }
        return match format::parse_int_literal(text, base as u32) {
            Some(v) => Ok(vm.new_int(v)),
            None => {
                let r = format::str_repr(text);
                Err(vm.value_error(format!("invalid literal for int() with base {base}: {r}")))
            }
        };
    }
    int_from_value(vm, x)
}

/// `int(x)` for one argument.
pub fn int_from_value(vm: &mut Vm, x: &Value) -> PyResult<Value> {
    match x {
        Value::Int(i) => Ok(Value::Int(*i)),
        Value::Bool(b) => Ok(Value::Int(*b as i64)),
        Value::Float(f) => {
            if f.is_nan() {
                return Err(vm.value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(vm.overflow_error("cannot convert float infinity to integer"));
            }
            let b = format::float_to_bigint(*f).map_err(|m| vm.format_error(m))?;
            Ok(vm.new_int(b))
        }
        _ => match x.payload() {
            Some(Payload::BigInt(_)) => Ok(x.clone_ref(vm.py)),
            Some(Payload::Str(s)) => match format::parse_int_literal(s.as_str(), 10) {
                Some(v) => {
                    if s.as_str().len() > crate::vm::convert::INT_MAX_STR_DIGITS + 2
                        && v.bits() as f64 * std::f64::consts::LOG10_2 > 4300.0
                    {
                        return Err(vm.value_error("Exceeds the limit (4300 digits) for integer string conversion: value has more digits; use sys.set_int_max_str_digits() to increase the limit"));
                    }
                    Ok(vm.new_int(v))
                }
                None => {
                    let r = format::str_repr(s.as_str());
                    Err(vm.value_error(format!("invalid literal for int() with base 10: {r}")))
                }
            },
            // `__int__` or `__index__`, which must return an int; the result is a plain int.
            Some(Payload::Instance(_)) => {
                for name in ["__int__", "__index__"] {
                    if let Some(m) = vm.lookup_special(x, name) {
                        let r = vm.call(&m, &[x.clone_ref(vm.py)], &[])?;
                        return match as_bigint(&r) {
                            Some(n) => Ok(vm.new_int(n.into_owned())),
                            None => Err(vm.type_error(format!("{name} returned non-int (type {})", vm.type_name(&r)))),
                        };
                    }
                }
                Err(int_type_error(vm, x))
            }
            _ => Err(int_type_error(vm, x)),
        },
    }
}

fn int_type_error(vm: &Vm, x: &Value) -> crate::vm::PyErr {
    vm.type_error(format!(
        "int() argument must be a string, a bytes-like object or a real number, not '{}'",
        vm.type_name(x)
    ))
}

fn float_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "float", kwargs)?;
    check_arity(vm, "float", args, 0, 1)?;
    let Some(x) = args.first() else {
        return Ok(Value::Float(0.0));
    };
    to_float(vm, x).map(Value::Float)
}

/// `float(x)`.
pub fn to_float(vm: &mut Vm, x: &Value) -> PyResult<f64> {
    match x {
        Value::Float(f) => Ok(*f),
        Value::Int(i) => Ok(*i as f64),
        Value::Bool(b) => Ok(*b as i64 as f64),
        _ => match x.payload() {
            Some(Payload::BigInt(b)) => match b.to_f64().filter(|f| f.is_finite()) {
                Some(f) => Ok(f),
                None => Err(vm.overflow_error("int too large to convert to float")),
            },
            Some(Payload::Str(s)) => format::parse_float_literal(s.as_str()).ok_or_else(|| {
                let r = format::str_repr(s.as_str());
                vm.value_error(format!("could not convert string to float: {r}"))
            }),
            Some(Payload::Instance(_)) if let Some(f) = vm.instance_float(x)? => Ok(f),
            _ => Err(vm.type_error(format!(
                "float() argument must be a string or a real number, not '{}'",
                vm.type_name(x)
            ))),
        },
    }
}

/// `complex(real=0, imag=0)`: a string alone, or `real + imag*1j` from numbers (either may
/// itself be complex, or define `__complex__`, `__float__` or `__index__`).
fn complex_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bound = bind_args(vm, "complex", args, kwargs, &["real", "imag"], 0)?;
    let (real, imag) = (bound[0], bound[1]);
    if let Some(text) = real.and_then(Value::as_str) {
        if imag.is_some() {
            return Err(vm.type_error("complex() can't take second arg if first is a string"));
        }
        return match format::parse_complex_literal(text) {
            Ok((re, im)) => Ok(vm.alloc(Payload::Complex(Complex::new(re, im)))),
            Err(format::ComplexLiteralError::Malformed) => Err(vm.value_error("complex() arg is a malformed string")),
            Err(format::ComplexLiteralError::Underscore) => Err(vm.value_error(format!(
                "could not convert string to complex: {}",
                format::str_repr(text)
            ))),
        };
    }
    if imag.is_some_and(|v| v.as_str().is_some()) {
        return Err(vm.type_error("complex() second arg can't be a string"));
    }
    let real_part = match real {
        None => None,
        Some(x) if matches!(x.payload(), Some(Payload::Complex(_))) && imag.is_none() => return Ok(x.clone_ref(vm.py)),
        Some(x) => match complex_special(vm, x)? {
            Some(z) => Some((z, true)),
            None => match real_number(vm, x)? {
                Some(re) => Some((Complex::real(re), false)),
                None => {
                    return Err(vm.type_error(format!(
                        "complex() first argument must be a string or a number, not '{}'",
                        vm.type_name(x)
                    )));
                }
            },
        },
    };
    let imag_part = match imag {
        None => None,
        Some(y) => match as_complex(y) {
            Some(z) => Some((z, true)),
            None => match real_number(vm, y)? {
                Some(im) => Some((Complex::real(im), false)),
                None => {
                    return Err(vm.type_error(format!(
                        "complex() second argument must be a number, not '{}'",
                        vm.type_name(y)
                    )));
                }
            },
        },
    };
    // real + imag*1j, computed part by part so that signed zeros come out as in CPython.
    let (mut re, real_im, real_is_complex) = real_part.map_or((0.0, 0.0, false), |(z, c)| (z.re, z.im, c));
    let im = match imag_part {
        None => real_im,
        Some((z, imag_is_complex)) => {
            if imag_is_complex {
                re -= z.im;
            }
            if real_is_complex { z.re + real_im } else { z.re }
        }
    };
    Ok(vm.alloc(Payload::Complex(Complex::new(re, im))))
}

/// `x.__complex__()` if `x` is a complex number or defines it (its result must be complex).
pub fn complex_special(vm: &mut Vm, x: &Value) -> PyResult<Option<Complex>> {
    if matches!(x.payload(), Some(Payload::Instance(_)))
        && let Some(method) = vm.lookup_special(x, "__complex__")
    {
        let r = vm.call(&method, &[x.clone_ref(vm.py)], &[])?;
        return match as_complex(&r) {
            Some(z) => Ok(Some(z)),
            None => Err(vm.type_error(format!("__complex__ returned non-complex (type {})", vm.type_name(&r)))),
        };
    }
    Ok(as_complex(x))
}

/// A real number's value as a float: ints, floats and objects with `__float__` or `__index__`.
/// `None` when `x` is none of these.
pub fn real_number(vm: &mut Vm, x: &Value) -> PyResult<Option<f64>> {
    let base = x.builtin_self();
    if is_int(base) || matches!(base, Value::Float(_)) {
        return to_float(vm, base).map(Some);
    }
    if !matches!(x.payload(), Some(Payload::Instance(_))) {
        return Ok(None);
    }
    vm.instance_float(x)
}

fn str_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "str", kwargs, &["encoding", "errors"])?;
    check_arity(vm, "str", args, 0, 3)?;
    let Some(x) = args.first() else {
        return Ok(vm.new_str(""));
    };
    if let Some(b) = super::bytes::bytes_like(vm, x)?
        && (args.len() > 1 || !kwargs.is_empty())
    {
        return match std::str::from_utf8(&b) {
            Ok(s) => Ok(vm.new_str(s)),
            Err(e) => Err(vm.new_error(
                &types().unicode_decode_error,
                format!(
                    "'utf-8' codec can't decode byte 0x{:02x} in position {}: invalid start byte",
                    b[e.valid_up_to()],
                    e.valid_up_to()
                ),
            )),
        };
    }
    if let Some(Payload::Str(_)) = x.payload() {
        return Ok(x.clone_ref(vm.py));
    }
    let s = vm.str(x)?;
    Ok(vm.new_str(s))
}

fn bool_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "bool", kwargs)?;
    check_arity(vm, "bool", args, 0, 1)?;
    match args.first() {
        Some(x) => Ok(Value::Bool(vm.is_true(x)?)),
        None => Ok(Value::Bool(false)),
    }
}

fn list_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "list", kwargs)?;
    check_arity(vm, "list", args, 0, 1)?;
    let items = match args.first() {
        Some(x) => vm.collect(x)?,
        None => Vec::new(),
    };
    Ok(vm.new_list(items))
}

fn tuple_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "tuple", kwargs)?;
    check_arity(vm, "tuple", args, 0, 1)?;
    match args.first() {
        Some(x) if matches!(x.payload(), Some(Payload::Tuple(_))) => Ok(x.clone_ref(vm.py)),
        Some(x) => {
            let items = vm.collect(x)?;
            Ok(vm.new_tuple(items))
        }
        None => Ok(vm.new_tuple(Vec::new())),
    }
}

fn dict_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "dict", args, 0, 1)?;
    let dict = vm.new_dict();
    if let Some(source) = args.first() {
        dict_fill(vm, &dict, source)?;
    }
    for (k, v) in kwargs {
        vm.dict_set(&dict, Value::Obj(k.clone_ref(vm.py)), v.clone_ref(vm.py))?;
    }
    Ok(dict)
}

/// `dict(source)` / `d.update(source)`: a mapping or an iterable of pairs.
pub fn dict_fill(vm: &mut Vm, dict: &Value, source: &Value) -> PyResult<()> {
    let is_mapping = matches!(source.payload(), Some(Payload::Dict(_)))
        || (matches!(source.payload(), Some(Payload::Instance(_))) && vm.lookup_special(source, "keys").is_some());
    if is_mapping {
        return vm.dict_update(dict, source, false);
    }
    let it = vm.iter(source)?;
    let mut index = 0;
    while let Some(item) = vm.next(&it)? {
        let pair = match vm.collect(&item) {
            Ok(pair) => pair,
            Err(_) => {
                return Err(vm.type_error(format!(
                    "cannot convert dictionary update sequence element #{index} to a sequence"
                )));
            }
        };
        if pair.len() != 2 {
            return Err(vm.value_error(format!(
                "dictionary update sequence element #{index} has length {}; 2 is required",
                pair.len()
            )));
        }
        let mut pair = pair.into_iter();
        if let (Some(k), Some(v)) = (pair.next(), pair.next()) {
            vm.dict_set(dict, k, v)?;
        }
        index += 1;
    }
    Ok(())
}

fn set_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "set", kwargs)?;
    check_arity(vm, "set", args, 0, 1)?;
    vm.make_set(args.first())
}

fn frozenset_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "frozenset", kwargs)?;
    check_arity(vm, "frozenset", args, 0, 1)?;
    vm.make_frozenset(args.first())
}

fn range_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "range", kwargs)?;
    if args.is_empty() {
        return Err(vm.type_error("range expected at least 1 argument, got 0"));
    }
    check_arity(vm, "range", args, 1, 3)?;
    let mut ints = [0i64; 3];
    for (i, a) in args.iter().enumerate() {
        ints[i] = match a.builtin_self() {
            Value::Int(v) => *v,
            Value::Bool(b) => *b as i64,
            _ if is_int(a.builtin_self()) => {
                return Err(vm.overflow_error("Python int too large to convert to C ssize_t"));
            }
            _ => {
                return Err(vm.type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm.type_name(a)
                )));
            }
        };
    }
    let (start, stop, step) = match args.len() {
        1 => (0, ints[0], 1),
        2 => (ints[0], ints[1], 1),
        _ => (ints[0], ints[1], ints[2]),
    };
    if step == 0 {
        return Err(vm.value_error("range() arg 3 must not be zero"));
    }
    Ok(vm.alloc(Payload::Range(Range { start, stop, step })))
}

fn type_new(vm: &mut Vm, class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    match args.len() {
        1 if kwargs.is_empty() => Ok(Value::Obj(vm.type_of(&args[0]).clone_ref(vm.py))),
        // `type(name, bases, namespace)`: a class whose metaclass the bases decide; one with a
        // `__new__` of its own makes it.
        3 => {
            let bases: Vec<ObjRef> = match args[1].payload() {
                Some(Payload::Tuple(t)) => t
                    .iter()
                    .filter_map(|b| b.as_obj().map(|o| o.clone_ref(vm.py)))
                    .collect(),
                _ => Vec::new(),
            };
            let winner = crate::vm::metaclass::most_derived(vm, class, &bases)?;
            if !winner.is(class) {
                let winner = Value::Obj(winner);
                return vm.call(&winner, args, kwargs);
            }
            crate::vm::metaclass::create(vm, class, &args[0], &args[1], &args[2], kwargs)
        }
        _ => Err(vm.type_error("type() takes 1 or 3 arguments")),
    }
}

fn object_new(vm: &mut Vm, class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    if !args.is_empty() || !kwargs.is_empty() {
        return Err(vm.type_error("object() takes no arguments"));
    }
    crate::vm::classes::instantiate(vm, class, args, kwargs)
}

fn property_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "property", kwargs, &["fget", "fset", "fdel", "doc"])?;
    check_arity(vm, "property", args, 0, 4)?;
    let pick = |i: usize, name: &str| {
        args.get(i)
            .or_else(|| kwarg(kwargs, name))
            .map_or(Value::None, |v| v.clone_ref(vm.py))
    };
    let accessors = [pick(0, "fget"), pick(1, "fset"), pick(2, "fdel")];
    Ok(vm.alloc(Payload::Property(Box::new(accessors))))
}

fn staticmethod_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "staticmethod", kwargs)?;
    check_arity(vm, "staticmethod", args, 1, 1)?;
    Ok(vm.alloc(Payload::StaticMethod(args[0].clone_ref(vm.py))))
}

fn classmethod_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "classmethod", kwargs)?;
    check_arity(vm, "classmethod", args, 1, 1)?;
    Ok(vm.alloc(Payload::ClassMethod(args[0].clone_ref(vm.py))))
}

/// What `bytes(x, …)` and `bytearray(x, …)` start from when `x` is a str (encoded with the
/// given encoding) or an int (that many zero bytes); `None` for other sources. `Err` when
/// an encoding comes without a str or a str without one.
fn text_or_count_source(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Option<Vec<u8>>> {
    let Some(x) = args.first() else {
        return Ok(Some(Vec::new()));
    };
    let has_encoding = args.len() > 1 || kwarg(kwargs, "encoding").is_some();
    if x.as_str().is_some() {
        if !has_encoding {
            return Err(vm.type_error("string argument without an encoding"));
        }
        let encoded = super::str::str_encode(vm, args, kwargs)?;
        return Ok(Some(match encoded.payload() {
            Some(Payload::Bytes(b)) => b.to_vec(),
            _ => Vec::new(),
        }));
    }
    if has_encoding {
        let what = if args.len() > 2 || kwarg(kwargs, "errors").is_some() && args.len() < 2 {
            "errors"
        } else {
            "encoding"
        };
        return Err(vm.type_error(format!("{what} without a string argument")));
    }
    if is_int(x.builtin_self()) {
        let Some(n) = as_small_int(x.builtin_self()) else {
            return Err(vm.overflow_error("cannot fit 'int' into an index-sized integer"));
        };
        if n < 0 {
            return Err(vm.value_error("negative count"));
        }
        super::shared::check_alloc(vm, n as usize)?;
        return Ok(Some(vec![0; n as usize]));
    }
    Ok(None)
}

fn bytes_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "bytes", kwargs, &["encoding", "errors"])?;
    check_arity(vm, "bytes", args, 0, 3)?;
    if let Some(bytes) = text_or_count_source(vm, args, kwargs)? {
        return Ok(vm.new_bytes(bytes));
    }
    let x = &args[0];
    if let Some(Payload::Bytes(_)) = x.payload() {
        return Ok(x.clone_ref(vm.py));
    }
    if let Some(bytes) = vm.dunder_bytes(x)? {
        return Ok(vm.new_bytes(bytes));
    }
    if let Some(bytes) = super::bytes::bytes_like(vm, x)? {
        let bytes = bytes.into_owned();
        return Ok(vm.new_bytes(bytes));
    }
    let Ok(it) = vm.iter(x) else {
        return Err(vm.type_error(format!("cannot convert '{}' object to bytes", vm.type_name(x))));
    };
    let mut out = Vec::new();
    while let Some(item) = vm.next(&it)? {
        match as_small_int(&item) {
            Some(b) if (0..256).contains(&b) => out.push(b as u8),
            Some(_) => return Err(vm.value_error("bytes must be in range(0, 256)")),
            None => {
                return Err(vm.type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm.type_name(&item)
                )));
            }
        }
    }
    Ok(vm.new_bytes(out))
}

fn bytearray_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "bytearray", kwargs, &["source", "encoding", "errors"])?;
    check_arity(vm, "bytearray", args, 0, 3)?;
    let bytes = match text_or_count_source(vm, args, kwargs)? {
        Some(bytes) => bytes,
        None => super::bytearray::collect_bytes(vm, &args[0], |vm| {
            vm.type_error(format!(
                "cannot convert '{}' object to bytearray",
                vm.type_name(&args[0])
            ))
        })?,
    };
    Ok(super::bytes::new_bytearray(vm, bytes))
}

/// `memoryview(object)`: a view of all of a bytes-like object (of a memoryview: the same
/// window onto the same object).
fn memoryview_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bound = bind_args(vm, "memoryview", args, kwargs, &["object"], 1)?;
    let Some(x) = bound[0] else {
        return Err(vm.type_error("memoryview() missing required argument 'object' (pos 1)"));
    };
    let py = vm.py;
    let not_bytes_like = |vm: &Vm| {
        vm.type_error(format!(
            "memoryview: a bytes-like object is required, not '{}'",
            vm.type_name(x)
        ))
    };
    let Value::Obj(base) = x.builtin_self() else {
        return Err(not_bytes_like(vm));
    };
    let view = match &base.payload {
        Payload::MemoryView(view) if view.is_released() => return Err(super::bytes::released_error(vm)),
        Payload::MemoryView(view) => MemoryView::new(
            py,
            view.source.clone_ref(py),
            view.start,
            view.len,
            view.step,
            view.format,
        ),
        Payload::Bytes(b) => MemoryView::new(py, base.clone_ref(py), 0, b.len(), 1, b'B'),
        Payload::ByteArray(array) => {
            let len = array.lock(py).len();
            MemoryView::new(py, base.clone_ref(py), 0, len, 1, b'B')
        }
        _ => return Err(not_bytes_like(vm)),
    };
    Ok(vm.alloc(Payload::MemoryView(Box::new(view))))
}

/// `super(class, receiver)`. The zero-argument form is completed by the eval loop, which knows
/// the calling frame's `__class__` cell and first argument.
fn super_new(vm: &mut Vm, _class: &ObjRef, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "super", kwargs)?;
    match args {
        [] => Err(vm.runtime_error("super(): no arguments")),
        [Value::Obj(class), receiver] if matches!(class.payload, Payload::Type(_)) => {
            let receiver_class = crate::vm::attrs::super_start(vm, class, receiver);
            if !is_subclass(receiver_class, class) {
                return Err(vm.type_error("super(type, obj): obj must be an instance or subtype of type"));
            }
            Ok(vm.alloc(Payload::Super {
                class: class.clone_ref(vm.py),
                receiver: receiver.clone_ref(vm.py),
            }))
        }
        [_, _] => Err(vm.type_error(format!(
            "super() argument 1 must be a type, not {}",
            vm.type_name(&args[0])
        ))),
        _ => Err(vm.type_error("super() takes at most 2 arguments")),
    }
}
