//! `_decimal`: the native core of `decimal` (`py/decimal.py`). The `Decimal` and `Context`
//! classes live in Python; the work on digits happens here, in [`number`].
//!
//! The core is our own arithmetic on num-bigint rather than the `dec` crate (IBM's decNumber):
//! a `Decimal` keeps every digit it was given (a string's, or the up to 767 of an exact float
//! conversion) whatever the precision, and a context's precision may be set far beyond any
//! fixed-size decNumber buffer; both fit an unbounded integer coefficient naturally, and the
//! binary gains no C library and no `unsafe` FFI.
//!
//! Numbers cross the boundary as `(coefficient, exponent)` ints plus a sign; contexts as their
//! precision, rounding name, Emin, Emax and clamp.

mod number;

use std::borrow::Cow;

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use super::new_module;
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};
use number::{Context, Parsed, Rounding};

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("parse", parse),
    ("fit", fit),
    ("notation", notation),
    ("divide", divide),
    ("round_off", round_off),
    ("digits", digits),
    ("isqrt", isqrt),
    ("current_context", current_context),
    ("set_current_context", set_current_context),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(vm, "_decimal", FUNCTIONS, Vec::new())
}

fn int_arg<'a>(vm: &Vm, function: &str, value: &'a Value) -> PyResult<Cow<'a, BigInt>> {
    as_bigint(value).ok_or_else(|| vm.type_error(format!("_decimal.{function}: expected an int")))
}

fn u64_arg(vm: &Vm, function: &str, value: &Value) -> PyResult<u64> {
    int_arg(vm, function, value)?
        .to_u64()
        .ok_or_else(|| vm.overflow_error(format!("_decimal.{function}: value out of range")))
}

fn rounding_arg(vm: &Vm, value: &Value) -> PyResult<Rounding> {
    value
        .as_str()
        .and_then(Rounding::from_name)
        .ok_or_else(|| vm.type_error("_decimal: unknown rounding mode"))
}

fn is_true(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Int(i) => *i != 0,
        _ => false,
    }
}

/// `parse(text)`: `(negative, coefficient, exponent)` where the exponent is an int, or `'F'`
/// (infinity), `'n'` (NaN) or `'N'` (sNaN) with the NaN's payload as coefficient; `None` when
/// the text is not a number.
fn parse(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "parse", kwargs)?;
    check_arity(vm, "parse", args, 1, 1)?;
    let Some(text) = args[0].as_str() else {
        return Err(vm.type_error("_decimal.parse: expected a str"));
    };
    Ok(match number::parse(text) {
        None => Value::None,
        Some(Parsed::Finite {
            negative,
            coefficient,
            exponent,
        }) => {
            let items = vec![Value::Bool(negative), vm.new_int(coefficient), vm.new_int(exponent)];
            vm.new_tuple(items)
        }
        Some(Parsed::Infinity { negative }) => {
            let items = vec![Value::Bool(negative), Value::Int(0), vm.new_str("F")];
            vm.new_tuple(items)
        }
        Some(Parsed::NaN {
            negative,
            signaling,
            payload,
        }) => {
            let kind = vm.new_str(if signaling { "N" } else { "n" });
            let items = vec![Value::Bool(negative), vm.new_int(payload), kind];
            vm.new_tuple(items)
        }
    })
}

/// `fit(negative, coefficient, exponent, prec, rounding, Emin, Emax, clamp)`:
/// `(coefficient, exponent, flags)` of the value rounded to the context, the exponent `None`
/// when it overflowed to infinity.
fn fit(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "fit", kwargs)?;
    check_arity(vm, "fit", args, 8, 8)?;
    let negative = is_true(&args[0]);
    let coefficient = int_arg(vm, "fit", &args[1])?.into_owned();
    let exponent = int_arg(vm, "fit", &args[2])?.into_owned();
    let context = Context {
        precision: u64_arg(vm, "fit", &args[3])?,
        rounding: rounding_arg(vm, &args[4])?,
        emin: int_arg(vm, "fit", &args[5])?.into_owned(),
        emax: int_arg(vm, "fit", &args[6])?.into_owned(),
        clamp: is_true(&args[7]),
    };
    let fitted = number::fit(negative, coefficient, exponent, &context);
    let exponent = match fitted.exponent {
        Some(e) => vm.new_int(e),
        None => Value::None,
    };
    let items = vec![
        vm.new_int(fitted.coefficient),
        exponent,
        Value::Int(i64::from(fitted.flags)),
    ];
    Ok(vm.new_tuple(items))
}

/// `notation(coefficient, exponent, engineering, capitals)`: the unsigned string of a finite
/// number.
fn notation(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "notation", kwargs)?;
    check_arity(vm, "notation", args, 4, 4)?;
    let coefficient = int_arg(vm, "notation", &args[0])?;
    let exponent = int_arg(vm, "notation", &args[1])?;
    let text = number::to_notation(&coefficient, &exponent, is_true(&args[2]), is_true(&args[3]));
    Ok(vm.new_str(text))
}

/// `divide(c1, e1, c2, e2, prec)`: the quotient's `(coefficient, exponent)`, exact or with a
/// sticky last digit for rounding to `prec` (see [`number::divide`]).
fn divide(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "divide", kwargs)?;
    check_arity(vm, "divide", args, 5, 5)?;
    let dividend = int_arg(vm, "divide", &args[0])?;
    let dividend_exponent = int_arg(vm, "divide", &args[1])?;
    let divisor = int_arg(vm, "divide", &args[2])?;
    let divisor_exponent = int_arg(vm, "divide", &args[3])?;
    let precision = u64_arg(vm, "divide", &args[4])?;
    if num_traits::Zero::is_zero(divisor.as_ref()) {
        return Err(vm.value_error("_decimal.divide: division by zero"));
    }
    let (q, e) = number::divide(
        &dividend.abs(),
        &dividend_exponent,
        &divisor.abs(),
        &divisor_exponent,
        precision,
    );
    let items = vec![vm.new_int(q), vm.new_int(e)];
    Ok(vm.new_tuple(items))
}

/// `round_off(coefficient, drop, rounding, negative)`: `(coefficient, inexact)` with the last
/// `drop` digits rounded away.
fn round_off(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "round_off", kwargs)?;
    check_arity(vm, "round_off", args, 4, 4)?;
    let coefficient = int_arg(vm, "round_off", &args[0])?;
    let drop = u64_arg(vm, "round_off", &args[1])?;
    let mode = rounding_arg(vm, &args[2])?;
    let (kept, inexact) = number::round_off(&coefficient.abs(), drop, mode, is_true(&args[3]));
    let items = vec![vm.new_int(kept), Value::Bool(inexact)];
    Ok(vm.new_tuple(items))
}

/// `digits(coefficient)`: how many decimal digits it has.
fn digits(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "digits", kwargs)?;
    check_arity(vm, "digits", args, 1, 1)?;
    let coefficient = int_arg(vm, "digits", &args[0])?;
    Ok(vm.new_int(BigInt::from(number::digit_count(&coefficient.abs()))))
}

/// `isqrt(n)`: the floor of the square root of a non-negative int.
fn isqrt(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "isqrt", kwargs)?;
    check_arity(vm, "isqrt", args, 1, 1)?;
    let n = int_arg(vm, "isqrt", &args[0])?;
    Ok(vm.new_int(number::isqrt(&n.abs())))
}

/// `current_context()`: this thread's context, or `None` before it has one.
fn current_context(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "current_context", kwargs)?;
    check_arity(vm, "current_context", args, 0, 0)?;
    Ok(vm.decimal_context.as_ref().map_or(Value::None, |c| c.clone_ref(vm.py)))
}

/// `set_current_context(context)`: make `context` this thread's.
fn set_current_context(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "set_current_context", kwargs)?;
    check_arity(vm, "set_current_context", args, 1, 1)?;
    let context = args[0].clone_ref(vm.py);
    // The old context is released after the slot changes: its finalizer may run Python code.
    let previous = vm.decimal_context.replace(context);
    drop(previous);
    Ok(Value::None)
}
