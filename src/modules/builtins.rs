//! The `builtins` namespace: functions such as `print` and `len`, and the built-in classes
//! (whose constructors, `int(x)`, `list(it)`…, are in `objects/methods/constructors.rs`).

use num_bigint::BigInt;
use num_traits::{Signed, Zero};

use crate::compile::bytecode::{BinOp, CmpOp};
use crate::objects::format;
use crate::objects::methods::list::sort_values;
use crate::objects::methods::numbers::complex_modulus;
use crate::objects::types::{clone_immortal, intern, module_function, types};
use crate::objects::{DictViewKind, IterState, ModuleName, NativeFn, ObjRef, Payload, Stream, Value};
use crate::vm::ops::{as_bigint, as_small_int, is_complex, is_int, is_number};
use crate::vm::{PyResult, Vm};

use super::io;
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};
use crate::vm::recursion::context;

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("print", print),
    ("len", len),
    ("repr", repr),
    ("ascii", ascii),
    ("abs", abs),
    ("min", min),
    ("max", max),
    ("sum", sum),
    ("divmod", divmod),
    ("round", round),
    ("pow", pow),
    ("sorted", sorted),
    ("reversed", reversed),
    ("enumerate", enumerate),
    ("zip", zip),
    ("map", map),
    ("filter", filter),
    ("any", any),
    ("all", all),
    ("isinstance", isinstance),
    ("issubclass", issubclass),
    ("hex", hex),
    ("bin", bin),
    ("oct", oct),
    ("ord", ord),
    ("chr", chr),
    ("iter", iter),
    ("next", next),
    ("aiter", aiter),
    ("anext", anext),
    ("hash", hash),
    ("id", id),
    ("input", input),
    ("callable", callable),
    ("getattr", getattr),
    ("setattr", setattr),
    ("hasattr", hasattr),
    ("delattr", delattr),
    ("format", format_builtin),
    ("vars", vars),
    ("dir", dir),
    ("exec", exec),
    ("eval", eval),
    ("compile", compile),
    ("globals", frame_builtin_called_indirectly),
    ("locals", frame_builtin_called_indirectly),
    ("open", super::file::open),
    ("__build_class__", crate::vm::classes::build_class),
    ("__import__", dunder_import),
    ("exit", super::sys::exit),
    ("quit", super::sys::exit),
];

/// The built-ins whose calls count a level against the recursion limit, as CPython 3.11
/// counts its built-ins taking one argument or an argument tuple (`len`, `isinstance`,
/// `getattr`, `iter`, `print`… are called without counting; `print` counts its write). Where
/// a runaway recursion calls one of these, it ends with "maximum recursion depth exceeded
/// while calling a Python object".
const COUNTED: &[&str] = &[
    "repr", "ascii", "abs", "min", "max", "round", "sorted", "reversed", "zip", "any", "all", "hex", "bin", "oct",
    "ord", "chr", "hash", "id", "callable", "vars", "dir",
];

/// The module the built-in functions say they belong to.
static BUILTINS: ModuleName = ModuleName("builtins");

/// Fill the builtins namespace and the built-in classes' method tables.
pub fn populate(vm: &mut Vm) {
    let builtins = vm.builtins.clone_ref(vm.py);
    for &(name, function) in FUNCTIONS {
        let function = module_function(&BUILTINS, name, function, COUNTED.contains(&name));
        let _ = vm.dict_set_str(&builtins, &intern(name), Value::Obj(function));
    }
    for class in types().all() {
        if let Payload::Type(t) = &class.payload {
            let _ = vm.dict_set_str(&builtins, &intern(&t.name), Value::Obj(clone_immortal(class)));
        }
    }
    let constants = [
        ("None", Value::None),
        ("True", Value::Bool(true)),
        ("False", Value::Bool(false)),
        ("NotImplemented", vm.not_implemented()),
        ("Ellipsis", vm.ellipsis()),
    ];
    for (name, value) in constants {
        let _ = vm.dict_set_str(&builtins, &intern(name), value);
    }
    let name = vm.new_str("builtins");
    let _ = vm.dict_set_str(&builtins, &intern("__name__"), name);
    crate::objects::methods::install(vm.py);
}

// ----- functions ------------------------------------------------------------------------------

fn print(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "print", kwargs, &["sep", "end", "file", "flush"])?;
    let text_arg = |vm: &Vm, name: &str, default: &str| -> PyResult<String> {
        match kwarg(kwargs, name) {
            None | Some(Value::None) => Ok(default.to_string()),
            Some(v) => match v.as_str() {
                Some(s) => Ok(s.to_string()),
                None => Err(vm.type_error(format!("{name} must be None or a string, not {}", vm.type_name(v)))),
            },
        }
    };
    let sep = text_arg(vm, "sep", " ")?;
    let end = text_arg(vm, "end", "\n")?;
    let flush = match kwarg(kwargs, "flush") {
        Some(f) => vm.is_true(f)?,
        None => false,
    };
    let stdout;
    let file = match kwarg(kwargs, "file") {
        None | Some(Value::None) => {
            stdout = io::sys_stream(vm, "stdout")?;
            stdout.as_ref()
        }
        given => given,
    };
    let stream = match file.map(|f| (f, f.payload())) {
        None | Some((Value::None, _)) => Stream::Stdout,
        Some((_, Some(Payload::Stream(stream)))) => *stream,
        Some((file, _)) => {
            // Any other file gets each piece by its own `write`, as CPython's `print` does.
            for (i, arg) in args.iter().enumerate() {
                if i > 0 {
                    let sep = vm.new_str(sep.as_str());
                    vm.call_method(file, "write", &[sep])?;
                }
                let text = match arg.as_str() {
                    Some(_) => arg.clone_ref(vm.py),
                    None => {
                        let text = vm.str(arg)?;
                        vm.new_str(text)
                    }
                };
                vm.call_method(file, "write", &[text])?;
            }
            let end = vm.new_str(end);
            vm.call_method(file, "write", &[end])?;
            if flush {
                vm.call_method(file, "flush", &[])?;
            }
            return Ok(Value::None);
        }
    };
    let mut out = String::new();
    for (i, arg) in args.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        match arg.as_str() {
            Some(s) => out.push_str(s),
            None => out.push_str(&vm.str(arg)?),
        }
    }
    out.push_str(&end);
    // Writing to a stream counts a level, as CPython's `print` calling `sys.stdout.write` does
    // (the conversions above count their own).
    vm.with_recursion_guard(context::CALLING_OBJECT, |vm| io::write_stream(vm, stream, &out, flush))?;
    Ok(Value::None)
}

fn len(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "len", kwargs)?;
    check_arity(vm, "len", args, 1, 1)?;
    Ok(Value::Int(vm.len(&args[0])? as i64))
}

fn repr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "repr", kwargs)?;
    check_arity(vm, "repr", args, 1, 1)?;
    let s = vm.repr(&args[0])?;
    Ok(vm.new_str(s))
}

fn ascii(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "ascii", kwargs)?;
    check_arity(vm, "ascii", args, 1, 1)?;
    let s = vm.ascii(&args[0])?;
    Ok(vm.new_str(s))
}

fn abs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "abs", kwargs)?;
    check_arity(vm, "abs", args, 1, 1)?;
    let x = &args[0];
    match x {
        Value::Int(i) if *i != i64::MIN => Ok(Value::Int(i.abs())),
        Value::Float(f) => Ok(Value::Float(f.abs())),
        _ if let Some(Payload::Complex(z)) = x.payload() => complex_modulus(vm, *z),
        _ if is_int(x) => {
            let b = as_bigint(x).unwrap_or_default();
            Ok(vm.new_int(b.abs()))
        }
        _ => {
            if let Some(m) = vm.lookup_special(x, "__abs__") {
                return vm.call(&m, &[x.clone_ref(vm.py)], &[]);
            }
            if !x.builtin_self().is(x) {
                return abs(vm, &[x.builtin_self().clone_ref(vm.py)], &[]);
            }
            Err(vm.type_error(format!("bad operand type for abs(): '{}'", vm.type_name(x))))
        }
    }
}

/// Shared by `min` and `max`: `want_less` picks min.
fn extreme(vm: &mut Vm, name: &str, args: &[Value], kwargs: &[(ObjRef, Value)], want_less: bool) -> PyResult<Value> {
    only_kwargs(vm, name, kwargs, &["key", "default"])?;
    let key = kwarg(kwargs, "key")
        .filter(|k| !k.is_none())
        .map(|k| k.clone_ref(vm.py));
    let default = kwarg(kwargs, "default").map(|d| d.clone_ref(vm.py));
    let items = match args.len() {
        0 => return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0"))),
        1 => vm.collect(&args[0])?,
        _ => {
            if default.is_some() {
                return Err(vm.type_error(format!(
                    "Cannot specify a default for {name}() with multiple positional arguments"
                )));
            }
            args.iter().map(|a| a.clone_ref(vm.py)).collect()
        }
    };
    let mut best: Option<(Value, Value)> = None;
    for item in items {
        let k = match &key {
            Some(f) => vm.call(f, &[item.clone_ref(vm.py)], &[])?,
            None => item.clone_ref(vm.py),
        };
        let better = match &best {
            None => true,
            Some((_, best_key)) => {
                // As CPython: min asks `item < best`, max asks `item > best` (which decides
                // which reflected method runs and what a TypeError says).
                if want_less {
                    vm.less_than(&k, best_key)?
                } else {
                    let greater = vm.compare(CmpOp::Gt, &k, best_key)?;
                    vm.is_true(&greater)?
                }
            }
        };
        if better {
            best = Some((item, k));
        }
    }
    match (best, default) {
        (Some((item, _)), _) => Ok(item),
        (None, Some(d)) => Ok(d),
        (None, None) => Err(vm.value_error(format!("{name}() arg is an empty sequence"))),
    }
}

fn min(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    extreme(vm, "min", args, kwargs, true)
}

fn max(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    extreme(vm, "max", args, kwargs, false)
}

fn sum(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "sum", kwargs, &["start"])?;
    check_arity(vm, "sum", args, 1, 2)?;
    let mut total = match args.get(1).or_else(|| kwarg(kwargs, "start")) {
        Some(s) => {
            if s.as_str().is_some() {
                return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
            }
            s.clone_ref(vm.py)
        }
        None => Value::Int(0),
    };
    // Numbers kept in a built-in container are added from one copy of them taken under its
    // lock: the sum is of one state of the container even while another thread changes it
    // (iterating a dict would raise "changed size" then). Adding numbers runs no Python code,
    // so nothing else can tell the difference.
    if is_number(&total)
        && let Some(numbers) = vm.snapshot_if(&args[0], is_number)
    {
        for item in &numbers {
            total = vm.binary_op(BinOp::Add, &total, item)?;
        }
        return Ok(total);
    }
    let it = vm.iter(&args[0])?;
    while let Some(item) = vm.next(&it)? {
        total = vm.binary_op(BinOp::Add, &total, &item)?;
    }
    Ok(total)
}

fn divmod(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "divmod", kwargs)?;
    check_arity(vm, "divmod", args, 2, 2)?;
    let (a, b) = (&args[0], &args[1]);
    for (x, name, y) in [(a, "__divmod__", b), (b, "__rdivmod__", a)] {
        if matches!(x.payload(), Some(Payload::Instance(_)))
            && let Some(method) = vm.lookup_special(x, name)
        {
            let r = vm.call(&method, &[x.clone_ref(vm.py), y.clone_ref(vm.py)], &[])?;
            if !matches!(r.payload(), Some(Payload::NotImplemented)) {
                return Ok(r);
            }
        }
    }
    let (x, y) = (a.builtin_self(), b.builtin_self());
    if !is_number(x) || !is_number(y) {
        let (ta, tb) = (vm.type_name(a), vm.type_name(b));
        return Err(vm.type_error(format!("unsupported operand type(s) for divmod(): '{ta}' and '{tb}'")));
    }
    let divisor_is_zero = match y {
        Value::Float(f) => *f == 0.0,
        _ => as_bigint(y).is_some_and(|n| n.is_zero()),
    };
    if divisor_is_zero && (matches!(x, Value::Float(_)) || matches!(y, Value::Float(_))) {
        return Err(vm.zero_division("float divmod()"));
    }
    let q = vm.binary_op(BinOp::FloorDiv, a, b)?;
    let r = vm.binary_op(BinOp::Mod, a, b)?;
    Ok(vm.new_tuple(vec![q, r]))
}

fn round(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "round", kwargs, &["ndigits"])?;
    check_arity(vm, "round", args, 1, 2)?;
    let ndigits = args
        .get(1)
        .or_else(|| kwarg(kwargs, "ndigits"))
        .filter(|n| !n.is_none());
    let x = &args[0];
    match x {
        Value::Float(f) => match ndigits {
            None => {
                let b = format::round_to_int(*f).map_err(|m| vm.format_error(m))?;
                Ok(vm.new_int(b))
            }
            Some(n) => {
                let n = as_small_int(n).unwrap_or(0);
                format::round_half_even_f64(*f, n)
                    .map(Value::Float)
                    .map_err(|m| vm.format_error(m))
            }
        },
        _ if is_int(x) => match ndigits.and_then(as_small_int) {
            Some(n) if n < 0 => {
                let b = as_bigint(x).unwrap_or_default().into_owned();
                let m = num_traits::pow(BigInt::from(10), (-n).min(4000) as usize);
                let (q, r) = num_integer::Integer::div_mod_floor(&b, &m);
                let twice = &r * 2;
                let q = if twice > m || (twice == m && num_integer::Integer::is_odd(&q)) {
                    q + 1
                } else {
                    q
                };
                Ok(vm.new_int(q * m))
            }
            _ => Ok(match x {
                Value::Bool(b) => Value::Int(*b as i64),
                _ => x.clone_ref(vm.py),
            }),
        },
        _ => {
            if let Some(m) = vm.lookup_special(x, "__round__") {
                let mut call_args = vec![x.clone_ref(vm.py)];
                call_args.extend(ndigits.map(|n| n.clone_ref(vm.py)));
                return vm.call(&m, &call_args, &[]);
            }
            if !x.builtin_self().is(x) {
                let mut base_args = vec![x.builtin_self().clone_ref(vm.py)];
                base_args.extend(ndigits.map(|n| n.clone_ref(vm.py)));
                return round(vm, &base_args, &[]);
            }
            Err(vm.type_error(format!("type {} doesn't define __round__ method", vm.type_name(x))))
        }
    }
}

fn pow(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "pow", kwargs, &["base", "exp", "mod"])?;
    check_arity(vm, "pow", args, 0, 3)?;
    // base, exp and mod may each come by position or by name.
    let mut params: [Option<&Value>; 3] = [args.first(), args.get(1), args.get(2)];
    for (position, name) in ["base", "exp", "mod"].into_iter().enumerate() {
        if let Some(value) = kwarg(kwargs, name) {
            if params[position].is_some() {
                return Err(vm.type_error(format!(
                    "argument for pow() given by name ('{name}') and position ({})",
                    position + 1
                )));
            }
            params[position] = Some(value);
        }
    }
    let (Some(base), Some(exp)) = (params[0], params[1]) else {
        let missing = if params[0].is_none() { "base" } else { "exp" };
        let position = if params[0].is_none() { 1 } else { 2 };
        return Err(vm.type_error(format!("pow() missing required argument '{missing}' (pos {position})")));
    };
    match params[2].filter(|m| !m.is_none()) {
        None => vm.binary_op(BinOp::Pow, base, exp),
        Some(m) => pow_mod(vm, base, exp, m),
    }
}

/// `pow(base, exp, mod)`: modular exponentiation of ints, or the base's `__pow__` with three
/// arguments; other numbers are refused as CPython refuses them.
pub fn pow_mod(vm: &mut Vm, base: &Value, exp: &Value, m: &Value) -> PyResult<Value> {
    let operands = [base, exp, m];
    if operands.iter().any(|v| is_complex(v.builtin_self())) {
        return Err(vm.value_error("complex modulo"));
    }
    // Only the base's `__pow__` is asked; there is no reflected three-argument power.
    if matches!(base.payload(), Some(Payload::Instance(_)))
        && let Some(method) = vm.lookup_special(base, "__pow__")
    {
        let args = operands.map(|v| v.clone_ref(vm.py));
        let r = vm.call(&method, &args, &[])?;
        if !matches!(r.payload(), Some(Payload::NotImplemented)) {
            return Ok(r);
        }
    }
    if let (Some(b), Some(e), Some(m)) = (as_small_int(base), as_small_int(exp), as_small_int(m))
        && m != 0
    {
        return match small_pow_mod(b, e, m) {
            Some(r) => Ok(Value::Int(r)),
            None => Err(vm.value_error("base is not invertible for the given modulus")),
        };
    }
    let (Some(b), Some(e), Some(m)) = (as_bigint(base), as_bigint(exp), as_bigint(m)) else {
        if operands.iter().all(|v| is_number(v)) {
            return Err(vm.type_error("pow() 3rd argument not allowed unless all arguments are integers"));
        }
        let [a, b, c] = operands.map(|v| vm.type_name(v));
        return Err(vm.type_error(format!(
            "unsupported operand type(s) for ** or pow(): '{a}', '{b}', '{c}'"
        )));
    };
    if m.is_zero() {
        return Err(vm.value_error("pow() 3rd argument cannot be 0"));
    }
    let base = if e.is_negative() {
        match mod_inverse(&b, &m) {
            Some(inv) => inv,
            None => return Err(vm.value_error("base is not invertible for the given modulus")),
        }
    } else {
        b.into_owned()
    };
    let r = base.modpow(&e.abs(), &m.abs());
    let r = if m.is_negative() && !r.is_zero() {
        r + m.as_ref()
    } else {
        r
    };
    Ok(vm.new_int(r))
}

/// `pow(b, e, m)` for machine-word operands (`m != 0`), in 128-bit arithmetic; `None` when
/// `e < 0` and `b` has no inverse modulo `m`. The result takes the sign of `m`, as Python's.
fn small_pow_mod(b: i64, e: i64, m: i64) -> Option<i64> {
    let modulus = i128::from(m).abs();
    let mut base = i128::from(b).rem_euclid(modulus);
    if e < 0 {
        // Extended Euclid: r = s*base (mod modulus) at every step.
        let (mut r0, mut r1, mut s0, mut s1) = (modulus, base, 0i128, 1i128);
        while r1 != 0 {
            let q = r0 / r1;
            (r0, r1) = (r1, r0 - q * r1);
            (s0, s1) = (s1, s0 - q * s1);
        }
        if r0 != 1 {
            return None;
        }
        base = s0.rem_euclid(modulus);
    }
    let (mut result, mut exponent) = (1 % modulus, e.unsigned_abs());
    while exponent > 0 {
        if exponent & 1 == 1 {
            result = result * base % modulus;
        }
        base = base * base % modulus;
        exponent >>= 1;
    }
    let signed = if m < 0 && result != 0 { result - modulus } else { result };
    i64::try_from(signed).ok()
}

fn mod_inverse(a: &BigInt, m: &BigInt) -> Option<BigInt> {
    let m = m.abs();
    let e = num_integer::Integer::extended_gcd(&num_integer::Integer::mod_floor(a, &m), &m);
    (e.gcd == BigInt::from(1)).then(|| num_integer::Integer::mod_floor(&e.x, &m))
}

fn sorted(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "sorted", kwargs, &["key", "reverse"])?;
    if args.len() != 1 {
        return Err(vm.type_error(format!("sorted expected 1 argument, got {}", args.len())));
    }
    let mut items = vm.collect(&args[0])?;
    let reverse = match kwarg(kwargs, "reverse") {
        Some(r) => vm.is_true(r)?,
        None => false,
    };
    sort_values(vm, &mut items, kwarg(kwargs, "key"), reverse)?;
    Ok(vm.new_list(items))
}

fn reversed(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "reversed", kwargs)?;
    check_arity(vm, "reversed", args, 1, 1)?;
    let seq = &args[0];
    if let Some(Payload::Range(r)) = seq.payload() {
        let n = r.len();
        let last = r.start + (n - 1) * r.step;
        return Ok(vm.new_iterator(IterState::Range {
            next: last,
            stop: r.start - r.step,
            step: -r.step,
        }));
    }
    if let Some(m) = vm
        .lookup_special(seq, "__reversed__")
        .filter(|_| crate::vm::attrs::has_user_type(seq))
    {
        return vm.call(&m, &[seq.clone_ref(vm.py)], &[]);
    }
    let remaining = match seq.payload() {
        Some(
            Payload::List(_)
            | Payload::Tuple(_)
            | Payload::Str(_)
            | Payload::Bytes(_)
            | Payload::ByteArray(_)
            | Payload::MemoryView(_),
        ) => vm.len(seq)?,
        Some(Payload::Dict(_)) => {
            if let Value::Obj(dict) = seq {
                return Ok(vm.reversed_dict(dict, DictViewKind::Keys));
            }
            0
        }
        Some(Payload::DictView(dict, kind)) => return Ok(vm.reversed_dict(dict, *kind)),
        Some(Payload::Instance(_))
            if vm.lookup_special(seq, "__len__").is_some() && vm.lookup_special(seq, "__getitem__").is_some() =>
        {
            vm.len(seq)?
        }
        _ => return Err(vm.type_error(format!("'{}' object is not reversible", vm.type_name(seq)))),
    };
    Ok(vm.new_iterator(IterState::Reversed {
        seq: seq.clone_ref(vm.py),
        remaining,
    }))
}

fn enumerate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "enumerate", kwargs, &["start"])?;
    check_arity(vm, "enumerate", args, 1, 2)?;
    let Value::Obj(inner) = vm.iter(&args[0])? else {
        return Err(vm.type_error(format!("'{}' object is not iterable", vm.type_name(&args[0]))));
    };
    let start = args.get(1).or_else(|| kwarg(kwargs, "start"));
    let count = match start.map(as_bigint) {
        None => Value::Int(0),
        Some(Some(n)) => vm.new_int(n.into_owned()),
        Some(None) => {
            let start = start.unwrap_or(&Value::None);
            return Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(start)
            )));
        }
    };
    let native_height = vm.native_height_over(&[Value::Obj(inner.clone_ref(vm.py))]);
    Ok(vm.new_iterator(IterState::Enumerate {
        inner,
        count,
        native_height,
    }))
}

fn zip(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let strict = match kwargs {
        [] => false,
        [(name, value)] if crate::vm::eval::str_of(name) == "strict" => vm.is_true(value)?,
        [(name, _)] => {
            let name = crate::vm::eval::str_of(name);
            return Err(vm.type_error(format!("'{name}' is an invalid keyword argument for zip()")));
        }
        _ => {
            return Err(vm.type_error(format!(
                "zip() takes at most 1 keyword argument ({} given)",
                kwargs.len()
            )));
        }
    };
    let mut inners = Vec::with_capacity(args.len());
    for a in args {
        inners.push(vm.iter(a)?);
    }
    let native_height = vm.native_height_over(&inners);
    Ok(vm.new_iterator(IterState::Zip {
        inners,
        strict,
        native_height,
    }))
}

fn map(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "map", kwargs)?;
    if args.len() < 2 {
        return Err(vm.type_error("map() must have at least two arguments."));
    }
    let mut inners = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        inners.push(vm.iter(a)?);
    }
    Ok(vm.new_iterator(IterState::Map {
        function: Box::new(args[0].clone_ref(vm.py)),
        inners: inners.into_boxed_slice(),
    }))
}

fn filter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "filter", kwargs)?;
    check_arity(vm, "filter", args, 2, 2)?;
    let inner = vm.iter(&args[1])?;
    Ok(vm.new_iterator(IterState::Filter {
        function: Box::new(args[0].clone_ref(vm.py)),
        inner,
    }))
}

fn any(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "any", kwargs)?;
    check_arity(vm, "any", args, 1, 1)?;
    let it = vm.iter(&args[0])?;
    while let Some(x) = vm.next(&it)? {
        if vm.is_true(&x)? {
            return Ok(Value::Bool(true));
        }
    }
    Ok(Value::Bool(false))
}

fn all(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "all", kwargs)?;
    check_arity(vm, "all", args, 1, 1)?;
    let it = vm.iter(&args[0])?;
    while let Some(x) = vm.next(&it)? {
        if !vm.is_true(&x)? {
            return Ok(Value::Bool(false));
        }
    }
    Ok(Value::Bool(true))
}

/// `isinstance` / `issubclass` against a class or a tuple of classes (nested tuples too, each
/// a level of recursion, as in CPython).
/// `isinstance(candidate, spec)` (or `issubclass` when `func` says so) for one class or a
/// tuple of them, honouring the `__instancecheck__` / `__subclasscheck__` of metaclasses.
fn class_matches(vm: &mut Vm, candidate: &Value, spec: &Value, func: &'static str) -> PyResult<bool> {
    let instance = func == "isinstance";
    match spec.payload() {
        Some(Payload::Type(_)) => {
            let Some(class) = spec.as_obj() else { return Ok(false) };
            if instance {
                vm.isinstance(candidate, class)
            } else {
                vm.issubclass(candidate, class)
            }
        }
        Some(Payload::Tuple(items)) => {
            let recursion = if instance {
                context::INSTANCE_CHECK
            } else {
                context::SUBCLASS_CHECK
            };
            vm.with_recursion_guard(recursion, |vm| {
                for item in items.iter() {
                    if class_matches(vm, candidate, item, func)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            })
        }
        // An object standing for classes (`typing`'s aliases) answers for itself.
        Some(Payload::Instance(_)) => {
            let hook = if instance {
                "__instancecheck__"
            } else {
                "__subclasscheck__"
            };
            match vm.lookup_special(spec, hook) {
                Some(method) => {
                    let py = vm.py;
                    let result = vm.with_recursion_guard(context::INSTANCE_CHECK, |vm| {
                        vm.call(&method, &[spec.clone_ref(py), candidate.clone_ref(py)], &[])
                    })?;
                    vm.is_true(&result)
                }
                None => Err(vm.type_error(format!("{func}() arg 2 must be a type, a tuple of types, or a union"))),
            }
        }
        _ => Err(vm.type_error(format!("{func}() arg 2 must be a type, a tuple of types, or a union"))),
    }
}

fn isinstance(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "isinstance", kwargs)?;
    check_arity(vm, "isinstance", args, 2, 2)?;
    class_matches(vm, &args[0], &args[1], "isinstance").map(Value::Bool)
}

fn issubclass(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "issubclass", kwargs)?;
    check_arity(vm, "issubclass", args, 2, 2)?;
    class_matches(vm, &args[0], &args[1], "issubclass").map(Value::Bool)
}

fn int_in_base(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    base: u32,
    prefix: &str,
) -> PyResult<Value> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, args, 1, 1)?;
    match as_bigint(&args[0]) {
        Some(b) => {
            let s = format::int_to_base(&b, base, prefix);
            Ok(vm.new_str(s))
        }
        None => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&args[0])
        ))),
    }
}

fn hex(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    int_in_base(vm, "hex", args, kwargs, 16, "0x")
}

fn bin(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    int_in_base(vm, "bin", args, kwargs, 2, "0b")
}

fn oct(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    int_in_base(vm, "oct", args, kwargs, 8, "0o")
}

fn ord(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "ord", kwargs)?;
    check_arity(vm, "ord", args, 1, 1)?;
    match args[0].payload() {
        Some(Payload::Str(s)) => {
            let mut chars = s.as_str().chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(Value::Int(c as i64)),
                _ => Err(vm.type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.char_len()
                ))),
            }
        }
        Some(Payload::Bytes(b)) if b.len() == 1 => Ok(Value::Int(i64::from(b[0]))),
        Some(Payload::ByteArray(array)) => {
            let data = array.lock(vm.py);
            match data[..] {
                [b] => Ok(Value::Int(i64::from(b))),
                _ => {
                    let len = data.len();
                    drop(data);
                    Err(vm.type_error(format!("ord() expected a character, but string of length {len} found")))
                }
            }
        }
        _ => Err(vm.type_error(format!(
            "ord() expected string of length 1, but {} found",
            vm.type_name(&args[0])
        ))),
    }
}

fn chr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "chr", kwargs)?;
    check_arity(vm, "chr", args, 1, 1)?;
    let Some(i) = as_small_int(&args[0]) else {
        if is_int(&args[0]) {
            return Err(vm.overflow_error("Python int too large to convert to C int"));
        }
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&args[0])
        )));
    };
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(vm.char_str(c)),
        None if (0xD800..0xE000).contains(&i) => Err(vm.value_error("surrogate characters are not supported")),
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}

fn iter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "iter", kwargs)?;
    check_arity(vm, "iter", args, 1, 2)?;
    if let Some(sentinel) = args.get(1) {
        if !is_callable(vm, &args[0]) {
            return Err(vm.type_error("iter(v, w): v must be callable"));
        }
        return Ok(vm.new_iterator(IterState::Callable {
            function: args[0].clone_ref(vm.py),
            sentinel: Box::new(sentinel.clone_ref(vm.py)),
        }));
    }
    vm.iter(&args[0])
}

/// `aiter(obj)`: `obj.__aiter__()`, which must be an async iterator.
fn aiter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "aiter", kwargs)?;
    check_arity(vm, "aiter", args, 1, 1)?;
    let Some(method) = vm.lookup_special(&args[0], "__aiter__") else {
        return Err(vm.type_error(format!("'{}' object is not an async iterable", vm.type_name(&args[0]))));
    };
    let it = vm.call(&method, &[args[0].clone_ref(vm.py)], &[])?;
    if vm.lookup_special(&it, "__anext__").is_none() {
        return Err(vm.type_error(format!(
            "aiter() returned not an async iterator of type '{}'",
            vm.type_name(&it)
        )));
    }
    Ok(it)
}

/// `anext(it[, default])`: the awaitable of `it.__anext__()`; with a default, one that gives
/// the default instead of raising StopAsyncIteration.
fn anext(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "anext", kwargs)?;
    check_arity(vm, "anext", args, 1, 2)?;
    let Some(method) = vm.lookup_special(&args[0], "__anext__") else {
        return Err(vm.type_error(format!("'{}' object is not an async iterator", vm.type_name(&args[0]))));
    };
    let awaitable = vm.call(&method, &[args[0].clone_ref(vm.py)], &[])?;
    let Some(default) = args.get(1) else {
        return Ok(awaitable);
    };
    let module = crate::modules::pickle::import_module(vm, "_async_generators")?;
    let with_default = vm.get_attr(&module, &intern("anext_awaitable"))?;
    vm.call(&with_default, &[awaitable, default.clone_ref(vm.py)], &[])
}

fn next(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "next", kwargs)?;
    check_arity(vm, "next", args, 1, 2)?;
    let it = &args[0];
    let is_iterator = matches!(it.payload(), Some(Payload::Iterator(..)))
        || vm.gen_kind(it) == Some(crate::objects::GenKind::Generator)
        || vm.lookup_special(it, "__next__").is_some();
    if !is_iterator {
        return Err(vm.type_error(format!("'{}' object is not an iterator", vm.type_name(it))));
    }
    // Generators and user iterators keep their StopIteration value; built-ins have none.
    let result = match it.payload() {
        Some(Payload::Generator(_)) if vm.gen_kind(it) == Some(crate::objects::GenKind::Generator) => {
            match vm.resume_generator(it, crate::vm::args::Resume::Send(Value::None))? {
                crate::vm::ops::SendResult::Yielded(v) => Ok(v),
                crate::vm::ops::SendResult::Returned(v) => Err(v),
            }
        }
        Some(Payload::Iterator(..)) => match vm.next(it)? {
            Some(v) => Ok(v),
            None => Err(Value::None),
        },
        _ => match vm.call_method(it, "__next__", &[]) {
            Ok(v) => Ok(v),
            Err(e) if vm.err_matches(&e, &types().stop_iteration) => Err(vm.stop_iteration_value(&e.exc)),
            Err(e) => return Err(e),
        },
    };
    match result {
        Ok(v) => Ok(v),
        Err(value) => match args.get(1) {
            Some(default) => Ok(default.clone_ref(vm.py)),
            None => {
                let args = if value.is_none() { Vec::new() } else { vec![value] };
                Err(vm.new_error_with_args(&types().stop_iteration, args))
            }
        },
    }
}

fn hash(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "hash", kwargs)?;
    check_arity(vm, "hash", args, 1, 1)?;
    Ok(Value::Int(vm.hash(&args[0])?))
}

fn id(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "id", kwargs)?;
    check_arity(vm, "id", args, 1, 1)?;
    Ok(Value::Int(match &args[0] {
        Value::Obj(o) => o.addr() as i64,
        // Unboxed values have no address; derive a stable number from the value itself.
        Value::None => 0x1000,
        Value::Bool(b) => 0x2000 + *b as i64,
        Value::Int(i) => 0x4000_0000_0000 ^ *i,
        Value::Float(f) => 0x5000_0000_0000 ^ f.to_bits() as i64,
    }))
}

fn input(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "input", kwargs)?;
    check_arity(vm, "input", args, 0, 1)?;
    if let Some(prompt) = args.first() {
        let p = vm.str(prompt)?;
        io::write_stream(vm, Stream::Stdout, &p, true)?;
    } else {
        io::flush_stdout();
    }
    match io::read_line(vm)? {
        Some(line) => {
            let line = line.strip_suffix('\n').unwrap_or(&line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            Ok(vm.new_str(line))
        }
        None => Err(vm.new_error(&types().eof_error, "EOF when reading a line")),
    }
}

fn callable(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "callable", kwargs)?;
    check_arity(vm, "callable", args, 1, 1)?;
    Ok(Value::Bool(is_callable(vm, &args[0])))
}

/// `callable(x)`.
pub fn is_callable(vm: &mut Vm, x: &Value) -> bool {
    match x.payload() {
        Some(Payload::WeakRef(w)) => w.kind == crate::objects::weakref::WeakKind::Ref,
        Some(Payload::Function(_) | Payload::Native(_) | Payload::BoundMethod(..) | Payload::Type(_)) => true,
        Some(Payload::Instance(_)) => vm.lookup_special(x, "__call__").is_some(),
        _ => false,
    }
}

fn attr_name(vm: &Vm, func: &str, v: &Value) -> PyResult<ObjRef> {
    match v.as_str() {
        Some(s) => Ok(intern(s)),
        None => Err(vm.type_error(format!(
            "{func}(): attribute name must be string, not '{}'",
            vm.type_name(v)
        ))),
    }
}

fn getattr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getattr", kwargs)?;
    check_arity(vm, "getattr", args, 2, 3)?;
    let name = attr_name(vm, "getattr", &args[1])?;
    match vm.get_attr(&args[0], &name) {
        Ok(v) => Ok(v),
        Err(e) if args.len() == 3 && vm.err_matches(&e, &types().attribute_error) => Ok(args[2].clone_ref(vm.py)),
        Err(e) => Err(e),
    }
}

fn setattr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "setattr", kwargs)?;
    check_arity(vm, "setattr", args, 3, 3)?;
    let name = attr_name(vm, "setattr", &args[1])?;
    vm.set_attr(&args[0], &name, args[2].clone_ref(vm.py))?;
    Ok(Value::None)
}

fn hasattr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "hasattr", kwargs)?;
    check_arity(vm, "hasattr", args, 2, 2)?;
    let name = attr_name(vm, "hasattr", &args[1])?;
    match vm.get_attr(&args[0], &name) {
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if vm.err_matches(&e, &types().attribute_error) => Ok(Value::Bool(false)),
        Err(e) => Err(e),
    }
}

fn delattr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "delattr", kwargs)?;
    check_arity(vm, "delattr", args, 2, 2)?;
    let name = attr_name(vm, "delattr", &args[1])?;
    vm.del_attr(&args[0], &name)?;
    Ok(Value::None)
}

fn format_builtin(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "format", kwargs)?;
    check_arity(vm, "format", args, 1, 2)?;
    let spec = match args.get(1) {
        Some(s) => match s.as_str() {
            Some(s) => s.to_string(),
            None => return Err(vm.type_error(format!("format() argument 2 must be str, not {}", vm.type_name(s)))),
        },
        None => String::new(),
    };
    let s = vm.format(&args[0], &spec)?;
    Ok(vm.new_str(s))
}

fn vars(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "vars", kwargs)?;
    check_arity(vm, "vars", args, 1, 1)?;
    match vm.get_attr_opt(&args[0], &intern("__dict__"))? {
        Some(d) => Ok(d),
        None => Err(vm.type_error("vars() argument must have __dict__ attribute")),
    }
}

/// `__import__(name, globals=None, locals=None, fromlist=(), level=0)`: what the `import`
/// statement runs.
fn dunder_import(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    const PARAMS: [&str; 5] = ["name", "globals", "locals", "fromlist", "level"];
    only_kwargs(vm, "__import__", kwargs, &PARAMS)?;
    check_arity(vm, "__import__", args, 0, 5)?;
    let py = vm.py;
    let arg = |i: usize| {
        args.get(i)
            .or_else(|| kwarg(kwargs, PARAMS[i]))
            .map(|v| v.clone_ref(py))
    };
    let Some(name) = arg(0) else {
        return Err(vm.type_error("__import__() missing required argument 'name' (pos 1)"));
    };
    let Some(text) = name.as_str().map(str::to_string) else {
        return Err(vm.type_error("module name must be a string"));
    };
    let globals = match arg(1) {
        Some(Value::Obj(d)) if matches!(d.payload, Payload::Dict(_)) => d,
        _ => match vm.new_dict() {
            Value::Obj(d) => d,
            _ => return Err(vm.runtime_error("dict")),
        },
    };
    let fromlist = arg(3).unwrap_or(Value::None);
    let level = arg(4).unwrap_or(Value::Int(0));
    if !is_int(&level) {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&level)
        )));
    }
    vm.import(&text, &fromlist, &level, &globals)
}

/// The namespaces `exec` / `eval` run in: `globals` (a dict) and `locals` (the same dict
/// unless another is given). A direct call with only the source gets the calling frame's
/// (the eval loop passes them); one reached otherwise (`map(eval, …)`) runs in `__main__`.
fn exec_namespaces(vm: &mut Vm, func: &str, args: &[Value]) -> PyResult<(ObjRef, ObjRef)> {
    let py = vm.py;
    let globals = match args.get(1) {
        Some(Value::Obj(d)) if matches!(d.payload, Payload::Dict(_)) => {
            let builtins_key = intern("__builtins__");
            if vm.dict_get_str(d, &builtins_key)?.is_none() {
                let builtins = Value::Obj(vm.builtins.clone_ref(py));
                vm.dict_set_str(d, &builtins_key, builtins)?;
            }
            d.clone_ref(py)
        }
        Some(Value::None) | None => {
            let modules = vm.modules.clone_ref(py);
            match vm.dict_get_str(&modules, &intern("__main__"))? {
                Some(Value::Obj(m)) => match &m.payload {
                    Payload::Module(module) => module.dict.clone_ref(py),
                    _ => return Err(vm.runtime_error("no __main__ module")),
                },
                _ => return Err(vm.runtime_error("no __main__ module")),
            }
        }
        Some(_) if func == "eval" => {
            return Err(vm.type_error("globals must be a real dict; try eval(expr, {}, mapping)"));
        }
        Some(other) => {
            return Err(vm.type_error(format!("{func}() globals must be a dict, not {}", vm.type_name(other))));
        }
    };
    let locals = match args.get(2) {
        None | Some(Value::None) => globals.clone_ref(py),
        Some(Value::Obj(d)) if matches!(d.payload, Payload::Dict(_)) => d.clone_ref(py),
        Some(other) => {
            return Err(vm.type_error(format!(
                "{func}(): a locals mapping that is not a dict ('{}') is not supported by toy",
                vm.type_name(other)
            )));
        }
    };
    Ok((globals, locals))
}

/// The source text `exec` / `eval` run.
fn exec_source(vm: &Vm, func: &str, source: &Value) -> PyResult<String> {
    match source.payload() {
        Some(Payload::Str(s)) => Ok(s.as_str().to_string()),
        Some(Payload::Bytes(b)) => match std::str::from_utf8(b) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err(vm.value_error("source code string cannot contain invalid UTF-8")),
        },
        _ if func == "compile" => Err(vm.type_error("compile() arg 1 must be a string, bytes or AST object")),
        _ => Err(vm.type_error(format!("{func}() arg 1 must be a string, bytes or code object"))),
    }
}

/// Compile `source` given to `exec` (statements) or `eval` (one expression).
fn compile_string(
    vm: &mut Vm,
    source: &str,
    filename: &str,
    expression: bool,
) -> PyResult<std::sync::Arc<crate::compile::bytecode::CodeObject>> {
    if source.contains('\0') {
        return Err(vm.new_error(&types().syntax_error, "source code string cannot contain null bytes"));
    }
    let compiled = if expression {
        crate::compile_expression(source.as_bytes(), filename)
    } else {
        crate::compile_source(source.as_bytes(), filename)
    };
    compiled.map_err(|report| vm.syntax_error(&report.details))
}

/// `exec(source[, globals[, locals]])`: statements from a string or a code object.
fn exec(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "exec", kwargs)?;
    check_arity(vm, "exec", args, 1, 3)?;
    let (globals, locals) = exec_namespaces(vm, "exec", args)?;
    if let Some(code) = args[0].as_obj().filter(|c| matches!(c.payload, Payload::Code(_))) {
        vm.run_loaded_code(code, globals, locals)?;
        return Ok(Value::None);
    }
    let source = exec_source(vm, "exec", &args[0])?;
    let code = compile_string(vm, &source, "<string>", false)?;
    vm.run_code_in(code, globals, locals)?;
    Ok(Value::None)
}

/// `eval(expression[, globals[, locals]])`: an expression from a string or a code object.
fn eval(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "eval", kwargs)?;
    check_arity(vm, "eval", args, 1, 3)?;
    let (globals, locals) = exec_namespaces(vm, "eval", args)?;
    if let Some(code) = args[0].as_obj().filter(|c| matches!(c.payload, Payload::Code(_))) {
        return vm.run_loaded_code(code, globals, locals);
    }
    let source = exec_source(vm, "eval", &args[0])?;
    // As CPython, leading spaces and tabs are not an indentation error.
    let code = compile_string(vm, source.trim_start_matches([' ', '\t']), "<string>", true)?;
    vm.run_code_in(code, globals, locals)
}

/// `compile(source, filename, mode, flags=0, dont_inherit=False, optimize=-1)`: a code object
/// for `exec` (mode `'exec'`) or `eval` (mode `'eval'`).
fn compile(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    const PARAMS: [&str; 6] = ["source", "filename", "mode", "flags", "dont_inherit", "optimize"];
    only_kwargs(vm, "compile", kwargs, &PARAMS)?;
    check_arity(vm, "compile", args, 0, 6)?;
    let py = vm.py;
    let arg = |i: usize| {
        args.get(i)
            .or_else(|| kwarg(kwargs, PARAMS[i]))
            .map(|v| v.clone_ref(py))
    };
    let (Some(source), Some(filename), Some(mode)) = (arg(0), arg(1), arg(2)) else {
        let missing = (0..3).find(|&i| arg(i).is_none()).map_or("source", |i| PARAMS[i]);
        return Err(vm.type_error(format!("compile() missing required argument '{missing}'")));
    };
    let filename = match filename.as_str() {
        Some(f) => f.to_string(),
        None => match filename.payload() {
            Some(Payload::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
            _ => {
                return Err(vm.type_error(format!(
                    "compile() argument 'filename' must be str, bytes or os.PathLike, not {}",
                    vm.type_name(&filename)
                )));
            }
        },
    };
    let flags = arg(3).map_or(Some(0), |f| as_small_int(&f)).unwrap_or(0);
    const ONLY_AST: i64 = 0x400;
    if flags & ONLY_AST != 0 {
        return Err(vm.value_error("compile() to an AST (ast.PyCF_ONLY_AST) is not supported by toy"));
    }
    let expression = match mode.as_str() {
        Some("exec") => false,
        Some("eval") => true,
        Some("single") => return Err(vm.value_error("compile() mode 'single' is not supported by toy")),
        _ => return Err(vm.value_error("compile() mode must be 'exec', 'eval' or 'single'")),
    };
    let text = exec_source(vm, "compile", &source)?;
    let text = if expression {
        text.trim_start_matches([' ', '\t'])
    } else {
        text.as_str()
    };
    let code = compile_string(vm, text, &filename, expression)?;
    Ok(Value::Obj(vm.load_code(code)))
}

/// What `object` contributes to every `dir()` of a class or instance (CPython 3.11's list).
const OBJECT_DIR: [&str; 24] = [
    "__class__",
    "__delattr__",
    "__dir__",
    "__doc__",
    "__eq__",
    "__format__",
    "__ge__",
    "__getattribute__",
    "__getstate__",
    "__gt__",
    "__hash__",
    "__init__",
    "__init_subclass__",
    "__le__",
    "__lt__",
    "__ne__",
    "__new__",
    "__reduce__",
    "__reduce_ex__",
    "__repr__",
    "__setattr__",
    "__sizeof__",
    "__str__",
    "__subclasshook__",
];

/// `dir(obj)`: the sorted attribute names of a module, a class (with its bases') or an
/// instance (its `__dict__` and its class's).
fn dir(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "dir", kwargs)?;
    check_arity(vm, "dir", args, 1, 1)?;
    let py = vm.py;
    let obj = &args[0];
    let mut names: Vec<String> = Vec::new();
    let keys_of = |table: &crate::objects::DictTable, names: &mut Vec<String>| {
        names.extend(table.iter().filter_map(|e| e.key.as_str().map(str::to_string)));
    };
    let class_names = |class: &ObjRef, names: &mut Vec<String>| {
        if let Payload::Type(t) = &class.payload {
            for c in std::iter::once(class).chain(&t.mro) {
                if let Payload::Type(ct) = &c.payload {
                    keys_of(&ct.dict.lock(py), names);
                    if ct.module != "builtins" {
                        names.extend(["__dict__", "__module__", "__weakref__", "__doc__"].map(str::to_string));
                    }
                }
            }
        }
        names.extend(OBJECT_DIR.iter().map(|n| n.to_string()));
    };
    match obj.payload() {
        Some(Payload::Module(m)) => {
            if let Payload::Dict(d) = &m.dict.payload {
                keys_of(&d.lock(py), &mut names);
            }
        }
        Some(Payload::Type(_)) => {
            if let Value::Obj(class) = obj {
                class_names(class, &mut names);
            }
        }
        Some(Payload::Instance(inst)) => {
            inst.with_dict(py, |table| keys_of(table, &mut names));
            class_names(&inst.class, &mut names);
        }
        Some(Payload::Function(f)) => {
            keys_of(&f.dict.lock(py), &mut names);
            class_names(vm.type_of(obj), &mut names);
        }
        _ => class_names(vm.type_of(obj), &mut names),
    }
    names.sort();
    names.dedup();
    let items = names.into_iter().map(|n| vm.new_str(n)).collect();
    Ok(vm.new_list(items))
}

/// Built-ins that read the calling frame; the eval loop answers direct calls to them (or, for
/// `exec`/`eval`, hands them the frame's namespaces).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameBuiltin {
    Globals,
    Locals,
    /// `dir()` with no argument: the names in the calling frame.
    Dir,
    /// `vars()` with no argument: `locals()`.
    Vars,
    /// `exec(source)` / `eval(source)` with no namespaces: the calling frame's.
    Exec,
}

impl FrameBuiltin {
    /// Whether a call with `argc` positional arguments needs the calling frame.
    pub fn reads_frame(self, argc: u32) -> bool {
        match self {
            FrameBuiltin::Exec => argc == 1,
            _ => argc == 0,
        }
    }
}

/// Which frame built-in `v` is, if any.
pub fn frame_builtin(v: &Value) -> Option<FrameBuiltin> {
    match v.payload() {
        // Only the builtins module defines non-method natives with these names.
        Some(Payload::Native(n)) if !n.is_method => match n.name {
            "globals" => Some(FrameBuiltin::Globals),
            "locals" => Some(FrameBuiltin::Locals),
            "dir" => Some(FrameBuiltin::Dir),
            "vars" => Some(FrameBuiltin::Vars),
            "exec" | "eval" => Some(FrameBuiltin::Exec),
            _ => None,
        },
        _ => None,
    }
}

/// `globals()` / `locals()` reached other than by a direct call (e.g. through `map`): there is
/// no calling Python frame to read.
fn frame_builtin_called_indirectly(vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Err(vm.runtime_error("globals() and locals() must be called directly"))
}
