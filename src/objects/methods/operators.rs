//! The operator methods of the built-in types: `int.__add__`, `str.__mod__`, `list.__eq__`,
//! `set.__or__`… for Python code that names them (`super().__add__(x)` in a class derived from
//! `int`, `dict.__eq__(a, b)`, `map(int.__mul__, xs, ys)`). Each applies the VM's native
//! operation to the built-in values and answers `NotImplemented` for operands it does not
//! handle, as CPython's slot wrappers do.

use crate::compile::bytecode::{BinOp, CmpOp, UnaryOp};
use crate::gil::Gil;
use crate::modules::builtins::pow_mod;
use crate::objects::types::{add_methods, types};
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::args::no_kwargs;
use crate::vm::ops::{is_complex, is_number};
use crate::vm::{PyResult, Vm};

macro_rules! binary_slots {
    ($($forward:ident, $reflected:ident, $op:expr;)*) => {
        $(
            fn $forward(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                binary(vm, args, kwargs, $op, false)
            }
            fn $reflected(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                binary(vm, args, kwargs, $op, true)
            }
        )*
    };
}

binary_slots! {
    add, radd, BinOp::Add;
    sub, rsub, BinOp::Sub;
    mul, rmul, BinOp::Mul;
    truediv, rtruediv, BinOp::Div;
    floordiv, rfloordiv, BinOp::FloorDiv;
    modulo, rmodulo, BinOp::Mod;
    lshift, rlshift, BinOp::LShift;
    rshift, rrshift, BinOp::RShift;
    bitand, rbitand, BinOp::BitAnd;
    bitor, rbitor, BinOp::BitOr;
    bitxor, rbitxor, BinOp::BitXor;
}

fn power(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    ternary_power(vm, args, kwargs, false)
}

fn rpower(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    ternary_power(vm, args, kwargs, true)
}

/// `x.__pow__(y, mod)` and `x.__rpow__(y, mod)`: with a modulus, what `pow(x, y, mod)` (or
/// `pow(y, x, mod)`) does with the built-in values.
fn ternary_power(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)], reflected: bool) -> PyResult<Value> {
    let [this, other, modulus] = args else {
        return binary(vm, args, kwargs, BinOp::Pow, reflected);
    };
    no_kwargs(vm, "operator", kwargs)?;
    let (x, y) = (this.builtin_self(), other.builtin_self());
    let (base, exp) = if reflected { (y, x) } else { (x, y) };
    if modulus.is_none() {
        return binary(vm, &args[..2], kwargs, BinOp::Pow, reflected);
    }
    pow_mod(vm, base, exp, modulus)
}

macro_rules! compare_slots {
    ($($name:ident, $op:expr;)*) => {
        $(
            fn $name(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                compare(vm, args, kwargs, $op)
            }
        )*
    };
}

compare_slots! {
    eq, CmpOp::Eq;
    ne, CmpOp::NotEq;
    lt, CmpOp::Lt;
    le, CmpOp::LtE;
    gt, CmpOp::Gt;
    ge, CmpOp::GtE;
}

macro_rules! unary_slots {
    ($($name:ident, $op:expr;)*) => {
        $(
            fn $name(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                let (this, []) = operands::<0>(vm, args, kwargs)?;
                vm.unary_op($op, this.builtin_self())
            }
        )*
    };
}

unary_slots! {
    neg, UnaryOp::Neg;
    pos, UnaryOp::Pos;
    invert, UnaryOp::Invert;
}

pub(super) fn install(py: Gil<'_>) {
    let t = types();
    let comparisons: [(&'static str, NativeFn); 6] = [
        ("__eq__", eq),
        ("__ne__", ne),
        ("__lt__", lt),
        ("__le__", le),
        ("__gt__", gt),
        ("__ge__", ge),
    ];
    for class in t.subclassable() {
        add_methods(py, class, &comparisons);
    }
    let arithmetic: [(&'static str, NativeFn); 14] = [
        ("__add__", add),
        ("__radd__", radd),
        ("__sub__", sub),
        ("__rsub__", rsub),
        ("__mul__", mul),
        ("__rmul__", rmul),
        ("__truediv__", truediv),
        ("__rtruediv__", rtruediv),
        ("__floordiv__", floordiv),
        ("__rfloordiv__", rfloordiv),
        ("__mod__", modulo),
        ("__rmod__", rmodulo),
        ("__pow__", power),
        ("__rpow__", rpower),
    ];
    let signs: [(&'static str, NativeFn); 2] = [("__neg__", neg), ("__pos__", pos)];
    let bits: [(&'static str, NativeFn); 11] = [
        ("__lshift__", lshift),
        ("__rlshift__", rlshift),
        ("__rshift__", rshift),
        ("__rrshift__", rrshift),
        ("__invert__", invert),
        ("__and__", bitand),
        ("__rand__", rbitand),
        ("__or__", bitor),
        ("__ror__", rbitor),
        ("__xor__", bitxor),
        ("__rxor__", rbitxor),
    ];
    for class in [&t.int, &t.float] {
        add_methods(py, class, &arithmetic);
        add_methods(py, class, &signs);
    }
    add_methods(py, &t.int, &bits);
    // complex has no `//` or `%` (nor bitwise operators), and orders nothing.
    let complex_arithmetic: Vec<(&'static str, NativeFn)> = arithmetic
        .into_iter()
        .filter(|(name, _)| !name.contains("floordiv") && !name.contains("mod"))
        .collect();
    add_methods(py, &t.complex, &complex_arithmetic);
    add_methods(py, &t.complex, &signs);
    let concat: [(&'static str, NativeFn); 3] = [("__add__", add), ("__mul__", mul), ("__rmul__", rmul)];
    for class in [&t.str_, &t.bytes, &t.bytearray, &t.tuple, &t.list] {
        add_methods(py, class, &concat);
    }
    for class in [&t.str_, &t.bytes, &t.bytearray] {
        add_methods(py, class, &[("__mod__", modulo), ("__rmod__", rmodulo)]);
    }
    add_methods(py, &t.dict, &[("__or__", bitor), ("__ror__", rbitor)]);
    let set_ops: [(&'static str, NativeFn); 8] = [
        ("__and__", bitand),
        ("__rand__", rbitand),
        ("__or__", bitor),
        ("__ror__", rbitor),
        ("__xor__", bitxor),
        ("__rxor__", rbitxor),
        ("__sub__", sub),
        ("__rsub__", rsub),
    ];
    for class in [&t.set, &t.frozenset] {
        add_methods(py, class, &set_ops);
    }
}

/// The receiver and exactly `N` further operands.
fn operands<'a, const N: usize>(
    vm: &Vm,
    args: &'a [Value],
    kwargs: &[(ObjRef, Value)],
) -> PyResult<(&'a Value, &'a [Value; N])> {
    no_kwargs(vm, "operator", kwargs)?;
    let Some((this, rest)) = args.split_first() else {
        return Err(vm.type_error("descriptor needs an argument"));
    };
    match <&[Value; N]>::try_from(rest) {
        Ok(rest) => Ok((this, rest)),
        Err(_) => Err(vm.type_error(format!(
            "expected {N} argument{}, got {}",
            if N == 1 { "" } else { "s" },
            rest.len()
        ))),
    }
}

fn binary(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)], op: BinOp, reflected: bool) -> PyResult<Value> {
    let (this, [other]) = operands::<1>(vm, args, kwargs)?;
    let (mut x, mut y) = (this.builtin_self(), other.builtin_self());
    if reflected {
        std::mem::swap(&mut x, &mut y);
    }
    Ok(match vm.builtin_binary_op(op, x, y)? {
        Some(v) => v,
        None => vm.not_implemented(),
    })
}

/// Whether the built-in comparison of `x` and `y` applies (else `NotImplemented`).
fn comparable(op: CmpOp, x: &Value, y: &Value) -> bool {
    if is_number(x) && is_number(y) {
        return true;
    }
    // Complex numbers only test for equality, with other numbers too.
    if (is_complex(x) && (is_number(y) || is_complex(y))) || (is_number(x) && is_complex(y)) {
        return matches!(op, CmpOp::Eq | CmpOp::NotEq);
    }
    let set_like = |v: &Value| matches!(v.payload(), Some(Payload::Set(_) | Payload::FrozenSet(_)));
    match (x.payload(), y.payload()) {
        (Some(Payload::Str(_)), Some(Payload::Str(_)))
        | (Some(Payload::Bytes(_)), Some(Payload::Bytes(_)))
        | (Some(Payload::Tuple(_)), Some(Payload::Tuple(_)))
        | (Some(Payload::List(_)), Some(Payload::List(_))) => true,
        (Some(Payload::Dict(_)), Some(Payload::Dict(_))) => matches!(op, CmpOp::Eq | CmpOp::NotEq),
        _ => set_like(x) && set_like(y),
    }
}

fn compare(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)], op: CmpOp) -> PyResult<Value> {
    let (this, [other]) = operands::<1>(vm, args, kwargs)?;
    let (x, y) = (this.builtin_self(), other.builtin_self());
    if !comparable(op, x, y) {
        return Ok(vm.not_implemented());
    }
    vm.compare(op, x, y)
}
