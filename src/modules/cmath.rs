//! The `cmath` module: the functions of `functions.rs` with CPython's argument conversion
//! (complex numbers, objects with `__complex__`, then anything `math` accepts) and errors.

mod functions;

use functions::{MathError, MathResult};

use crate::objects::complex::Complex;
use crate::objects::methods::constructors::complex_special;
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_complex;
use crate::vm::{PyErr, PyResult, Vm};

use super::math::{isclose_arguments, real};
use super::new_module;

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("sqrt", sqrt),
    ("exp", exp),
    ("log", log),
    ("log10", log10),
    ("acos", acos),
    ("asin", asin),
    ("atan", atan),
    ("cos", cos),
    ("sin", sin),
    ("tan", tan),
    ("acosh", acosh),
    ("asinh", asinh),
    ("atanh", atanh),
    ("cosh", cosh),
    ("sinh", sinh),
    ("tanh", tanh),
    ("phase", phase),
    ("polar", polar),
    ("rect", rect),
    ("isfinite", isfinite),
    ("isinf", isinf),
    ("isnan", isnan),
    ("isclose", isclose),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    use std::f64::consts;
    let imaginary = |vm: &mut Vm, im: f64| vm.alloc(Payload::Complex(Complex::new(0.0, im)));
    let values = vec![
        ("pi", Value::Float(consts::PI)),
        ("e", Value::Float(consts::E)),
        ("tau", Value::Float(consts::TAU)),
        ("inf", Value::Float(f64::INFINITY)),
        ("infj", imaginary(vm, f64::INFINITY)),
        ("nan", Value::Float(f64::NAN)),
        ("nanj", imaginary(vm, f64::NAN)),
    ];
    new_module(vm, "cmath", FUNCTIONS, values)
}

/// A complex argument: a complex number (a derived class's value, not its `__complex__`),
/// an object's `__complex__`, or a real number as `math` takes it.
fn complex_arg(vm: &mut Vm, v: &Value) -> PyResult<Complex> {
    if let Some(z) = as_complex(v) {
        return Ok(z);
    }
    if let Some(z) = complex_special(vm, v)? {
        return Ok(z);
    }
    real(vm, v).map(Complex::real)
}

fn math_error(vm: &Vm, e: MathError) -> PyErr {
    match e {
        MathError::Domain => vm.value_error("math domain error"),
        MathError::Range => vm.overflow_error("math range error"),
    }
}

fn one_complex(vm: &mut Vm, name: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Complex> {
    let qualified = format!("cmath.{name}");
    no_kwargs(vm, &qualified, kwargs)?;
    check_arity(vm, &qualified, args, 1, 1)?;
    complex_arg(vm, &args[0])
}

fn complex_result(vm: &mut Vm, r: MathResult) -> PyResult<Value> {
    match r {
        Ok(z) => Ok(vm.alloc(Payload::Complex(z))),
        Err(e) => Err(math_error(vm, e)),
    }
}

macro_rules! unary {
    ($($name:ident => $f:expr;)*) => {
        $(
            fn $name(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                let z = one_complex(vm, stringify!($name), args, kwargs)?;
                let f: fn(Complex) -> MathResult = $f;
                complex_result(vm, f(z))
            }
        )*
    };
}

unary! {
    sqrt => |z| Ok(functions::sqrt(z));
    exp => functions::exp;
    log10 => functions::log10;
    acos => |z| Ok(functions::acos(z));
    asin => |z| Ok(functions::asin(z));
    atan => functions::atan;
    cos => functions::cos;
    sin => functions::sin;
    tan => functions::tan;
    acosh => |z| Ok(functions::acosh(z));
    asinh => |z| Ok(functions::asinh(z));
    atanh => functions::atanh;
    cosh => functions::cosh;
    sinh => functions::sinh;
    tanh => functions::tanh;
}

/// `log(x[, base])`.
fn log(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "cmath.log", kwargs)?;
    check_arity(vm, "log", args, 1, 2)?;
    let z = complex_arg(vm, &args[0])?;
    let r = match args.get(1) {
        None => functions::log(z),
        Some(base) => {
            let base = complex_arg(vm, base)?;
            functions::log_base(z, base)
        }
    };
    complex_result(vm, r)
}

fn phase(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let z = one_complex(vm, "phase", args, kwargs)?;
    let angle = z.im.atan2(z.re);
    // The C library reports an angle that underflows to zero as a range error, and CPython's
    // phase passes it on (polar does not).
    if angle == 0.0 && z.im != 0.0 && z.re.is_finite() {
        return Err(math_error(vm, MathError::Range));
    }
    Ok(Value::Float(angle))
}

fn polar(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let z = one_complex(vm, "polar", args, kwargs)?;
    let modulus = z.abs().ok_or_else(|| math_error(vm, MathError::Range))?;
    Ok(vm.new_tuple(vec![Value::Float(modulus), Value::Float(z.im.atan2(z.re))]))
}

fn rect(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "cmath.rect", kwargs)?;
    check_arity(vm, "rect", args, 2, 2)?;
    let r = real(vm, &args[0])?;
    let phi = real(vm, &args[1])?;
    complex_result(vm, functions::rect(r, phi))
}

macro_rules! predicate {
    ($($name:ident => $test:expr;)*) => {
        $(
            fn $name(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                let z = one_complex(vm, stringify!($name), args, kwargs)?;
                let test: fn(Complex) -> bool = $test;
                Ok(Value::Bool(test(z)))
            }
        )*
    };
}

predicate! {
    isfinite => |z| z.re.is_finite() && z.im.is_finite();
    isinf => |z| z.re.is_infinite() || z.im.is_infinite();
    isnan => |z| z.re.is_nan() || z.im.is_nan();
}

/// `isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)`: `|a - b|` within either tolerance.
fn isclose(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (a, b, rel_tol, abs_tol) = isclose_arguments(vm, args, kwargs, complex_arg)?;
    if a == b {
        return Ok(Value::Bool(true));
    }
    // Infinities are close only to themselves (the test above).
    let infinite = |z: Complex| z.re.is_infinite() || z.im.is_infinite();
    if infinite(a) || infinite(b) {
        return Ok(Value::Bool(false));
    }
    // An overflowing modulus is infinite, as CPython takes it.
    let modulus = |z: Complex| z.abs().unwrap_or(f64::INFINITY);
    let diff = modulus(b - a);
    Ok(Value::Bool(
        diff <= rel_tol * modulus(b) || diff <= rel_tol * modulus(a) || diff <= abs_tol,
    ))
}
