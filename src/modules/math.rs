//! The `math` module: libm functions with CPython's error rules, exact integer functions, and
//! CPython's exact algorithms for `fsum` and `hypot`/`dist`.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

use crate::compile::bytecode::BinOp;
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::eval::str_of;
use crate::vm::ops::{as_bigint, is_int};
use crate::vm::{PyResult, Vm};

use super::new_module;

mod gcd;
use crate::objects::methods::constructors::int_from_value;
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("sqrt", sqrt),
    ("cbrt", cbrt),
    ("exp", exp),
    ("exp2", exp2),
    ("expm1", expm1),
    ("log", log),
    ("log2", log2),
    ("log10", log10),
    ("log1p", log1p),
    ("pow", pow),
    ("sin", sin),
    ("cos", cos),
    ("tan", tan),
    ("asin", asin),
    ("acos", acos),
    ("atan", atan),
    ("atan2", atan2),
    ("sinh", sinh),
    ("cosh", cosh),
    ("tanh", tanh),
    ("asinh", asinh),
    ("acosh", acosh),
    ("atanh", atanh),
    ("floor", floor),
    ("ceil", ceil),
    ("trunc", trunc),
    ("fabs", fabs),
    ("fmod", fmod),
    ("modf", modf),
    ("frexp", frexp),
    ("ldexp", ldexp),
    ("copysign", copysign),
    ("degrees", degrees),
    ("radians", radians),
    ("isfinite", isfinite),
    ("isinf", isinf),
    ("isnan", isnan),
    ("isclose", isclose),
    ("factorial", factorial),
    ("gcd", gcd),
    ("lcm", lcm),
    ("isqrt", isqrt),
    ("comb", comb),
    ("perm", perm),
    ("hypot", hypot),
    ("dist", dist),
    ("prod", prod),
    ("fsum", fsum),
    ("erf", erf),
    ("erfc", erfc),
    ("gamma", gamma),
    ("lgamma", lgamma),
    ("remainder", remainder),
    ("nextafter", nextafter),
    ("ulp", ulp),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    use std::f64::consts;
    let values = vec![
        ("pi", Value::Float(consts::PI)),
        ("e", Value::Float(consts::E)),
        ("tau", Value::Float(consts::TAU)),
        ("inf", Value::Float(f64::INFINITY)),
        ("nan", Value::Float(f64::NAN)),
    ];
    new_module(vm, "math", FUNCTIONS, values)
}

// ----- argument conversion and error rules ----------------------------------------------------

/// A float argument: floats, ints (huge ones overflow) and objects with `__float__`/`__index__`.
pub(super) fn real(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => return Ok(*f),
        Value::Int(i) => return Ok(*i as f64),
        Value::Bool(b) => return Ok(f64::from(u8::from(*b))),
        _ => {}
    }
    if let Some(Payload::BigInt(b)) = v.payload() {
        return b
            .to_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| vm.overflow_error("int too large to convert to float"));
    }
    if matches!(v.payload(), Some(Payload::Instance(_)))
        && let Some(f) = vm.instance_float(v)?
    {
        return Ok(f);
    }
    Err(vm.type_error(format!("must be real number, not {}", vm.type_name(v))))
}

/// An integer argument (`__index__` objects included); floats are refused.
fn integer(vm: &mut Vm, v: &Value) -> PyResult<BigInt> {
    if let Some(b) = as_bigint(v) {
        return Ok(b.into_owned());
    }
    if matches!(v.payload(), Some(Payload::Instance(_)))
        && let Some(method) = vm.lookup_special(v, "__index__")
    {
        let r = vm.call(&method, &[v.clone_ref(vm.py)], &[])?;
        if let Some(b) = as_bigint(&r) {
            return Ok(b.into_owned());
        }
    }
    Err(vm.type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        vm.type_name(v)
    )))
}

fn domain_error(vm: &Vm) -> crate::vm::PyErr {
    vm.value_error("math domain error")
}

fn range_error(vm: &Vm) -> crate::vm::PyErr {
    vm.overflow_error("math range error")
}

/// CPython's `math_1`: a NaN from a non-NaN is a domain error; an infinity from a finite
/// argument is an overflow (`can_overflow`) or a singularity (domain error).
fn checked(vm: &Vm, x: f64, r: f64, can_overflow: bool) -> PyResult<f64> {
    if r.is_nan() && !x.is_nan() {
        return Err(domain_error(vm));
    }
    if r.is_infinite() && x.is_finite() {
        return Err(if can_overflow {
            range_error(vm)
        } else {
            domain_error(vm)
        });
    }
    Ok(r)
}

fn one_arg<'a>(vm: &Vm, name: &str, args: &'a [Value], kwargs: &[(ObjRef, Value)]) -> PyResult<&'a Value> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, &format!("math.{name}"), args, 1, 1)?;
    Ok(&args[0])
}

fn two_args<'a>(
    vm: &Vm,
    name: &str,
    args: &'a [Value],
    kwargs: &[(ObjRef, Value)],
) -> PyResult<(&'a Value, &'a Value)> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, args, 2, 2)?;
    Ok((&args[0], &args[1]))
}

fn math_1(
    vm: &mut Vm,
    name: &str,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    f: fn(f64) -> f64,
    can_overflow: bool,
) -> PyResult<Value> {
    let x = one_arg(vm, name, args, kwargs)?;
    let x = real(vm, x)?;
    checked(vm, x, f(x), can_overflow).map(Value::Float)
}

macro_rules! unary {
    ($($name:ident => $f:expr, $overflow:expr;)*) => {
        $(
            fn $name(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
                math_1(vm, stringify!($name), args, kwargs, $f, $overflow)
            }
        )*
    };
}

unary! {
    sqrt => f64::sqrt, false;
    cbrt => glibc::cbrt, false;
    exp => f64::exp, true;
    exp2 => f64::exp2, true;
    expm1 => f64::exp_m1, true;
    log1p => f64::ln_1p, false;
    sin => f64::sin, false;
    cos => f64::cos, false;
    tan => f64::tan, false;
    asin => f64::asin, false;
    acos => f64::acos, false;
    atan => f64::atan, false;
    sinh => f64::sinh, true;
    cosh => f64::cosh, true;
    tanh => f64::tanh, false;
    asinh => glibc::asinh, false;
    acosh => glibc::acosh, false;
    atanh => glibc::atanh, false;
    fabs => f64::abs, false;
    degrees => |x| x * (180.0 / std::f64::consts::PI), false;
    radians => |x| x * (std::f64::consts::PI / 180.0), false;
    // The libm crate is musl's libm in Rust: the same Sun-derived erf as glibc's.
    erf => libm::erf, false;
    erfc => libm::erfc, false;
}

/// Gamma and its log have poles at 0 and the negative integers (domain errors, as CPython).
fn at_pole(x: f64) -> bool {
    x <= 0.0 && x == x.floor() && x.is_finite()
}

fn gamma(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = real(vm, one_arg(vm, "gamma", args, kwargs)?)?;
    if at_pole(x) || x == f64::NEG_INFINITY {
        return Err(domain_error(vm));
    }
    checked(vm, x, libm::tgamma(x), true).map(Value::Float)
}

fn lgamma(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = real(vm, one_arg(vm, "lgamma", args, kwargs)?)?;
    if at_pole(x) {
        return Err(domain_error(vm));
    }
    checked(vm, x, libm::lgamma(x), true).map(Value::Float)
}

fn remainder(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (x, y) = two_args(vm, "remainder", args, kwargs)?;
    let (x, y) = (real(vm, x)?, real(vm, y)?);
    if x.is_nan() || y.is_nan() {
        return Ok(Value::Float(f64::NAN));
    }
    if x.is_infinite() || y == 0.0 {
        return Err(domain_error(vm));
    }
    Ok(Value::Float(libm::remainder(x, y)))
}

fn nextafter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (x, y) = two_args(vm, "nextafter", args, kwargs)?;
    let (x, y) = (real(vm, x)?, real(vm, y)?);
    Ok(Value::Float(libm::nextafter(x, y)))
}

/// The gap between `|x|` and the next float away from zero (toward zero for the largest).
fn ulp(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = real(vm, one_arg(vm, "ulp", args, kwargs)?)?.abs();
    if !x.is_finite() {
        return Ok(Value::Float(x));
    }
    let up = libm::nextafter(x, f64::INFINITY);
    Ok(Value::Float(if up.is_infinite() {
        x - libm::nextafter(x, 0.0)
    } else {
        up - x
    }))
}

/// glibc's algorithms for the functions where Rust's own implementations round differently
/// (CPython calls the platform libm; glibc is the reference here).
pub(super) mod glibc {
    const LN2: f64 = std::f64::consts::LN_2;

    /// The high 32 bits of a double, as fdlibm inspects them.
    fn high_word(x: f64) -> u32 {
        (x.to_bits() >> 32) as u32
    }

    pub fn asinh(x: f64) -> f64 {
        let ix = high_word(x) & 0x7fffffff;
        if ix < 0x3e300000 {
            return x;
        }
        let xa = x.abs();
        let w = if ix > 0x41b00000 {
            if ix >= 0x7ff00000 {
                return x + x;
            }
            xa.ln() + LN2
        } else if ix > 0x40000000 {
            (2.0 * xa + 1.0 / ((xa * xa + 1.0).sqrt() + xa)).ln()
        } else {
            let t = xa * xa;
            (xa + t / (1.0 + (1.0 + t).sqrt())).ln_1p()
        };
        w.copysign(x)
    }

    pub fn acosh(x: f64) -> f64 {
        let hx = high_word(x) as i32;
        if hx < 0x3ff00000 {
            return f64::NAN;
        }
        if hx >= 0x41b00000 {
            return if hx >= 0x7ff00000 { x + x } else { x.ln() + LN2 };
        }
        if x == 1.0 {
            return 0.0;
        }
        if hx > 0x40000000 {
            let t = x * x;
            return (2.0 * x - 1.0 / (x + (t - 1.0).sqrt())).ln();
        }
        let t = x - 1.0;
        (t + (2.0 * t + t * t).sqrt()).ln_1p()
    }

    pub fn atanh(x: f64) -> f64 {
        let xa = x.abs();
        let t = if xa < 0.5 {
            if xa < f64::from_bits(0x3e30000000000000) {
                return x;
            }
            let t = xa + xa;
            0.5 * (t + t * xa / (1.0 - xa)).ln_1p()
        } else if xa < 1.0 {
            0.5 * ((xa + xa) / (1.0 - xa)).ln_1p()
        } else if xa == 1.0 {
            return x / 0.0;
        } else {
            return f64::NAN + x;
        };
        t.copysign(x)
    }

    /// A polynomial first guess refined by one Halley step, on the mantissa.
    #[allow(clippy::excessive_precision)] // glibc's constants, verbatim
    pub fn cbrt(x: f64) -> f64 {
        const CBRT2: f64 = 1.2599210498948731648;
        const SQR_CBRT2: f64 = 1.5874010519681994748;
        const FACTOR: [f64; 5] = [1.0 / SQR_CBRT2, 1.0 / CBRT2, 1.0, CBRT2, SQR_CBRT2];
        if x == 0.0 || !x.is_finite() {
            return x + x;
        }
        let (xm, xe) = super::frexp_f64(x.abs());
        let u = 0.354895765043919860
            + ((1.50819193781584896
                + ((-2.11499494167371287
                    + ((2.44693122563534430
                        + ((-1.83469277483613086 + (0.784932344976639262 - 0.145263899385486377 * xm) * xm) * xm))
                        * xm))
                    * xm))
                * xm);
        let t2 = u * u * u;
        let ym = u * (t2 + 2.0 * xm) / (2.0 * t2 + xm) * FACTOR[(2 + xe % 3) as usize];
        super::ldexp_f64(ym, i64::from(xe / 3)).copysign(x)
    }
}

// ----- logarithms -----------------------------------------------------------------------------

/// `(m, e)` with `n == m * 2**e` (correctly rounded), `0.5 <= m < 1`, for a positive int.
fn big_frexp(n: &BigInt) -> (f64, i64) {
    let bits = n.bits();
    if bits <= 64 {
        let (m, e) = frexp_f64(n.to_f64().unwrap_or(0.0));
        return (m, i64::from(e));
    }
    let shift = bits - 64;
    let mut top = (n >> shift).to_u64().unwrap_or(u64::MAX);
    // A sticky bit for the discarded tail keeps the conversion's rounding exact.
    if n.trailing_zeros().is_some_and(|z| z < shift) {
        top |= 1;
    }
    let m = top as f64 / 18446744073709551616.0;
    let e = shift as i64 + 64;
    if m >= 1.0 { (0.5, e + 1) } else { (m, e) }
}

/// CPython's `loghelper`: ints of any size are accepted (a huge int's log is computed from
/// its mantissa and exponent), non-positive arguments are domain errors.
fn loghelper(vm: &mut Vm, x: &Value, f: fn(f64) -> f64) -> PyResult<f64> {
    if is_int(x) {
        let n = as_bigint(x).unwrap_or_default();
        if !n.is_positive() {
            return Err(domain_error(vm));
        }
        return Ok(match n.to_f64().filter(|f| f.is_finite()) {
            Some(v) => f(v),
            None => {
                let (m, e) = big_frexp(&n);
                f(m) + f(2.0) * e as f64
            }
        });
    }
    let x = real(vm, x)?;
    // libm's log(0) is -inf and log(negative) NaN; CPython reports both as domain errors.
    let r = if x.is_finite() && x <= 0.0 { f64::NAN } else { f(x) };
    checked(vm, x, r, false)
}

fn log(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "log", kwargs)?;
    if args.is_empty() || args.len() > 2 {
        return Err(vm.type_error("math.log requires 1 to 2 arguments"));
    }
    let num = loghelper(vm, &args[0], f64::ln)?;
    let Some(base) = args.get(1) else {
        return Ok(Value::Float(num));
    };
    let den = loghelper(vm, base, f64::ln)?;
    if den == 0.0 {
        return Err(vm.zero_division("float division by zero"));
    }
    Ok(Value::Float(num / den))
}

fn log2(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "log2", args, kwargs)?;
    loghelper(vm, x, f64::log2).map(Value::Float)
}

fn log10(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "log10", args, kwargs)?;
    loghelper(vm, x, f64::log10).map(Value::Float)
}

// ----- two-argument float functions -----------------------------------------------------------

/// CPython's `math.pow`: IEEE special cases handled directly, libm for finite operands.
fn pow_f64(x: f64, y: f64) -> Result<f64, bool> {
    if !x.is_finite() || !y.is_finite() {
        return Ok(if x.is_nan() {
            if y == 0.0 { 1.0 } else { x }
        } else if y.is_nan() {
            if x == 1.0 { 1.0 } else { y }
        } else if x.is_infinite() {
            let odd_y = y.is_finite() && (y.abs() % 2.0) == 1.0;
            if y > 0.0 {
                if odd_y { x } else { x.abs() }
            } else if y == 0.0 {
                1.0
            } else if odd_y {
                0.0f64.copysign(x)
            } else {
                0.0
            }
        } else if x.abs() == 1.0 {
            1.0
        } else if (y > 0.0 && x.abs() > 1.0) || (y < 0.0 && x.abs() < 1.0) {
            f64::INFINITY
        } else {
            0.0
        });
    }
    let r = x.powf(y);
    // Err(true): domain error (negative ** fraction, 0 ** negative); Err(false): overflow.
    if r.is_nan() {
        return Err(true);
    }
    if r.is_infinite() {
        return Err(x == 0.0);
    }
    Ok(r)
}

fn pow(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (x, y) = two_args(vm, "pow", args, kwargs)?;
    let (x, y) = (real(vm, x)?, real(vm, y)?);
    match pow_f64(x, y) {
        Ok(r) => Ok(Value::Float(r)),
        Err(true) => Err(domain_error(vm)),
        Err(false) => Err(range_error(vm)),
    }
}

fn atan2(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (y, x) = two_args(vm, "atan2", args, kwargs)?;
    let (y, x) = (real(vm, y)?, real(vm, x)?);
    Ok(Value::Float(y.atan2(x)))
}

fn copysign(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (x, y) = two_args(vm, "copysign", args, kwargs)?;
    let (x, y) = (real(vm, x)?, real(vm, y)?);
    Ok(Value::Float(x.copysign(y)))
}

fn fmod(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (x, y) = two_args(vm, "fmod", args, kwargs)?;
    let (x, y) = (real(vm, x)?, real(vm, y)?);
    if y.is_infinite() && x.is_finite() {
        return Ok(Value::Float(x));
    }
    let r = x % y;
    if r.is_nan() && !x.is_nan() && !y.is_nan() {
        return Err(domain_error(vm));
    }
    Ok(Value::Float(r))
}

// ----- rounding and decomposition -------------------------------------------------------------

/// floor/ceil: ints unchanged, floats rounded to an exact int, else `__floor__`/`__ceil__`.
fn round_to_int(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    dunder: &'static str,
    f: fn(f64) -> f64,
) -> PyResult<Value> {
    let x = one_arg(vm, name, args, kwargs)?;
    if is_int(x) {
        return int_from_value(vm, x);
    }
    if matches!(x.payload(), Some(Payload::Instance(_)))
        && let Some(method) = vm.lookup_special(x, dunder)
    {
        return vm.call(&method, &[x.clone_ref(vm.py)], &[]);
    }
    let f = f(real(vm, x)?);
    int_from_value(vm, &Value::Float(f))
}

fn floor(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    round_to_int(vm, args, kwargs, "floor", "__floor__", f64::floor)
}

fn ceil(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    round_to_int(vm, args, kwargs, "ceil", "__ceil__", f64::ceil)
}

fn trunc(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "trunc", args, kwargs)?;
    match x {
        Value::Float(f) => int_from_value(vm, &Value::Float(f.trunc())),
        _ if is_int(x) => int_from_value(vm, x),
        _ => match vm.lookup_special(x, "__trunc__") {
            Some(method) if matches!(x.payload(), Some(Payload::Instance(_))) => {
                vm.call(&method, &[x.clone_ref(vm.py)], &[])
            }
            _ => Err(vm.type_error(format!("type {} doesn't define __trunc__ method", vm.type_name(x)))),
        },
    }
}

fn modf(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "modf", args, kwargs)?;
    let x = real(vm, x)?;
    let (frac, whole) = if x.is_infinite() {
        (0.0f64.copysign(x), x)
    } else if x.is_nan() {
        (x, x)
    } else {
        ((x - x.trunc()).copysign(x), x.trunc())
    };
    Ok(vm.new_tuple(vec![Value::Float(frac), Value::Float(whole)]))
}

/// C's `frexp`: `x == m * 2**e` with `0.5 <= |m| < 1`; zero, infinities and NaN give `(x, 0)`.
fn frexp_f64(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp_f64(x * 18446744073709551616.0);
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exponent - 1022)
}

/// C's `ldexp` (musl's `scalbn`): `x * 2**n` with a single rounding.
fn ldexp_f64(x: f64, n: i64) -> f64 {
    let two = |e: i64| f64::from_bits(((0x3ff + e) as u64) << 52);
    let (mut y, mut n) = (x, n.clamp(-2200, 2200));
    if n > 1023 {
        y *= two(1023);
        n -= 1023;
        if n > 1023 {
            y *= two(1023);
            n = (n - 1023).min(1023);
        }
    } else if n < -1022 {
        // Scale by 2**-1022 * 2**53 so subnormal results are rounded only once.
        y *= two(-1022) * two(53);
        n += 1022 - 53;
        if n < -1022 {
            y *= two(-1022) * two(53);
            n = (n + 1022 - 53).max(-1022);
        }
    }
    y * two(n)
}

fn frexp(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "frexp", args, kwargs)?;
    let (m, e) = frexp_f64(real(vm, x)?);
    Ok(vm.new_tuple(vec![Value::Float(m), Value::Int(i64::from(e))]))
}

fn ldexp(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (x, i) = two_args(vm, "ldexp", args, kwargs)?;
    let x = real(vm, x)?;
    let Some(i) = as_bigint(i) else {
        return Err(vm.type_error("Expected an int as second argument to ldexp."));
    };
    if x == 0.0 || !x.is_finite() {
        return Ok(Value::Float(x));
    }
    let n = i.to_i64().unwrap_or(if i.is_negative() { i64::MIN } else { i64::MAX });
    let r = ldexp_f64(x, n);
    if r.is_infinite() {
        return Err(range_error(vm));
    }
    Ok(Value::Float(r))
}

// ----- predicates -----------------------------------------------------------------------------

fn isfinite(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "isfinite", args, kwargs)?;
    Ok(Value::Bool(real(vm, x)?.is_finite()))
}

fn isinf(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "isinf", args, kwargs)?;
    Ok(Value::Bool(real(vm, x)?.is_infinite()))
}

fn isnan(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = one_arg(vm, "isnan", args, kwargs)?;
    Ok(Value::Bool(real(vm, x)?.is_nan()))
}

/// The arguments of `math.isclose` and `cmath.isclose`, `a` and `b` converted by `convert`,
/// checked in CPython's order: `(a, b, rel_tol, abs_tol)`.
pub(super) fn isclose_arguments<T>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    convert: fn(&mut Vm, &Value) -> PyResult<T>,
) -> PyResult<(T, T, f64, f64)> {
    const NAMES: [&str; 4] = ["a", "b", "rel_tol", "abs_tol"];
    if args.len() > 2 {
        return Err(vm.type_error(format!(
            "isclose() takes exactly 2 positional arguments ({} given)",
            args.len()
        )));
    }
    let a = args.first().or_else(|| kwarg(kwargs, "a"));
    let b = args.get(1).or_else(|| kwarg(kwargs, "b"));
    let (Some(a), Some(b)) = (a, b) else {
        let missing = if a.is_none() { "'a' (pos 1)" } else { "'b' (pos 2)" };
        return Err(vm.type_error(format!("isclose() missing required argument {missing}")));
    };
    // CPython reports a parameter given twice before an unknown keyword.
    let keys: Vec<&str> = kwargs.iter().map(|(k, _)| str_of(k)).collect();
    if let Some(i) = keys
        .iter()
        .filter_map(|k| NAMES.iter().position(|n| n == k))
        .find(|&i| i < args.len())
    {
        return Err(vm.type_error(format!(
            "argument for isclose() given by name ('{}') and position ({})",
            NAMES[i],
            i + 1
        )));
    }
    if let Some(unknown) = keys.iter().find(|k| !NAMES.contains(k)) {
        return Err(vm.type_error(format!("'{unknown}' is an invalid keyword argument for isclose()")));
    }
    let (a, b) = (convert(vm, a)?, convert(vm, b)?);
    let rel_tol = match kwarg(kwargs, "rel_tol") {
        Some(v) => real(vm, v)?,
        None => 1e-9,
    };
    let abs_tol = match kwarg(kwargs, "abs_tol") {
        Some(v) => real(vm, v)?,
        None => 0.0,
    };
    if rel_tol < 0.0 || abs_tol < 0.0 {
        return Err(vm.value_error("tolerances must be non-negative"));
    }
    Ok((a, b, rel_tol, abs_tol))
}

fn isclose(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (a, b, rel_tol, abs_tol) = isclose_arguments(vm, args, kwargs, real)?;
    if a == b {
        return Ok(Value::Bool(true));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(false));
    }
    let diff = (b - a).abs();
    Ok(Value::Bool(
        diff <= (rel_tol * b).abs() || diff <= (rel_tol * a).abs() || diff <= abs_tol,
    ))
}

// ----- integer functions ----------------------------------------------------------------------

/// The product of `lo..=hi`, split in halves so the big multiplications stay balanced.
fn range_product(lo: &BigInt, hi: &BigInt) -> BigInt {
    if lo > hi {
        return BigInt::one();
    }
    let span = hi - lo;
    if span < BigInt::from(8) {
        let mut acc = lo.clone();
        let mut k = lo + 1;
        while &k <= hi {
            acc *= &k;
            k += 1;
        }
        return acc;
    }
    let mid: BigInt = (lo + hi) >> 1usize;
    range_product(lo, &mid) * range_product(&(mid + 1), hi)
}

fn factorial(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let n = one_arg(vm, "factorial", args, kwargs)?;
    let n = integer(vm, n)?;
    factorial_of(vm, &n)
}

fn factorial_of(vm: &mut Vm, n: &BigInt) -> PyResult<Value> {
    if n.is_negative() {
        return Err(vm.value_error("factorial() not defined for negative values"));
    }
    if n.bits() > 63 {
        return Err(vm.overflow_error("factorial() argument should not exceed 9223372036854775807"));
    }
    Ok(vm.new_int(range_product(&BigInt::one(), n)))
}

fn gcd(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "gcd", kwargs)?;
    if let [Value::Int(a), Value::Int(b)] = args {
        let g = a.unsigned_abs().gcd(&b.unsigned_abs());
        return Ok(i64::try_from(g).map_or_else(|_| vm.new_int(BigInt::from(g)), Value::Int));
    }
    let mut acc = BigInt::zero();
    for a in args {
        let a = integer(vm, a)?;
        acc = gcd::gcd(&acc, &a);
    }
    Ok(vm.new_int(acc))
}

fn lcm(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "lcm", kwargs)?;
    let mut acc = BigInt::one();
    for a in args {
        let a = integer(vm, a)?;
        acc = if acc.is_zero() || a.is_zero() {
            BigInt::zero()
        } else {
            &acc / gcd::gcd(&acc, &a) * a
        };
    }
    Ok(vm.new_int(acc.abs()))
}

fn isqrt(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let n = one_arg(vm, "isqrt", args, kwargs)?;
    let n = integer(vm, n)?;
    if n.is_negative() {
        return Err(vm.value_error("isqrt() argument must be nonnegative"));
    }
    Ok(vm.new_int(n.sqrt()))
}

/// The `n` and `k` of comb/perm, both checked non-negative.
fn n_and_k(vm: &mut Vm, n: &Value, k: &Value) -> PyResult<(BigInt, BigInt)> {
    let (n, k) = (integer(vm, n)?, integer(vm, k)?);
    if n.is_negative() {
        return Err(vm.value_error("n must be a non-negative integer"));
    }
    if k.is_negative() {
        return Err(vm.value_error("k must be a non-negative integer"));
    }
    Ok((n, k))
}

fn comb(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (n, k) = two_args(vm, "comb", args, kwargs)?;
    let (n, k) = n_and_k(vm, n, k)?;
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = k.clone().min(&n - &k);
    let Some(steps) = k.to_u64().filter(|s| *s <= i64::MAX as u64) else {
        return Err(vm.overflow_error("min(n - k, k) must not exceed 9223372036854775807"));
    };
    let mut acc = BigInt::one();
    let mut factor = &n - &k;
    for i in 1..=steps {
        factor += 1;
        acc = acc * &factor / i;
    }
    Ok(vm.new_int(acc))
}

fn perm(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "perm", kwargs)?;
    check_arity(vm, "perm", args, 1, 2)?;
    let k = match args.get(1) {
        None | Some(Value::None) => {
            let n = integer(vm, &args[0])?;
            return factorial_of(vm, &n);
        }
        Some(k) => k,
    };
    let (n, k) = n_and_k(vm, &args[0], k)?;
    if k > n {
        return Ok(Value::Int(0));
    }
    if k.bits() > 63 {
        return Err(vm.overflow_error("k must not exceed 9223372036854775807"));
    }
    Ok(vm.new_int(range_product(&(&n - &k + 1), &n)))
}

// ----- sums and norms -------------------------------------------------------------------------

/// CPython's `math.fsum`: Shewchuk's exact partial sums, then a correctly rounded total.
/// `Err` carries the error kind: overflow in the middle, or `-inf + inf`.
fn fsum_f64(values: impl IntoIterator<Item = f64>) -> Result<f64, &'static str> {
    let mut partials: Vec<f64> = Vec::new();
    let (mut special_sum, mut inf_sum) = (0.0f64, 0.0f64);
    for x_in in values {
        let mut x = x_in;
        let mut i = 0;
        for j in 0..partials.len() {
            let mut y = partials[j];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        if x != 0.0 {
            if !x.is_finite() {
                // Non-finite from finite summands is an intermediate overflow.
                if x_in.is_finite() {
                    return Err("intermediate overflow in fsum");
                }
                if x_in.is_infinite() {
                    inf_sum += x_in;
                }
                special_sum += x_in;
                partials.clear();
            } else {
                partials.push(x);
            }
        }
    }
    if special_sum != 0.0 {
        if inf_sum.is_nan() {
            return Err("-inf + inf in fsum");
        }
        return Ok(special_sum);
    }
    let mut n = partials.len();
    let mut hi = 0.0;
    if n > 0 {
        n -= 1;
        hi = partials[n];
        let mut lo = 0.0;
        while n > 0 {
            let x = hi;
            n -= 1;
            let y = partials[n];
            hi = x + y;
            lo = y - (hi - x);
            if lo != 0.0 {
                break;
            }
        }
        // Round half-even across the partials that were not added.
        if n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)) {
            let y = lo * 2.0;
            let x = hi + y;
            if y == x - hi {
                hi = x;
            }
        }
    }
    Ok(hi)
}

fn fsum(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let iterable = one_arg(vm, "fsum", args, kwargs)?;
    let it = vm.iter(iterable)?;
    let mut values = Vec::new();
    while let Some(item) = vm.next(&it)? {
        values.push(real(vm, &item)?);
    }
    match fsum_f64(values) {
        Ok(total) => Ok(Value::Float(total)),
        Err(msg) if msg.starts_with("intermediate") => Err(vm.overflow_error(msg)),
        Err(msg) => Err(vm.value_error(msg)),
    }
}

/// Dekker's exact split of a double into two halves of 26 bits.
fn split(x: f64) -> (f64, f64) {
    let t = x * 134217729.0;
    let hi = t - (t - x);
    (hi, x - hi)
}

/// Exact product as `(hi, lo)` with `hi + lo == x * y` (Dekker).
fn exact_mul(x: f64, y: f64) -> (f64, f64) {
    let ((xh, xl), (yh, yl)) = (split(x), split(y));
    let p = xh * yh;
    let q = xh * yl + xl * yh;
    let z = p + q;
    (z, p - z + q + xl * yl)
}

/// Exact sum as `(hi, lo)`, for `|a| >= |b|`.
fn fast_sum(a: f64, b: f64) -> (f64, f64) {
    let x = a + b;
    (x, (a - x) + b)
}

/// CPython's `vector_norm`: the Euclidean norm of absolute values, with `max` their maximum,
/// accurate to within 1 ulp (scaled to avoid overflow, squares summed exactly).
fn vector_norm(values: &mut [f64], max: f64, found_nan: bool) -> f64 {
    if max.is_infinite() {
        return max;
    }
    if found_nan {
        return f64::NAN;
    }
    if max == 0.0 || values.len() <= 1 {
        return max;
    }
    let (_, max_e) = frexp_f64(max);
    if max_e < -1023 {
        for v in values.iter_mut() {
            *v /= f64::MIN_POSITIVE;
        }
        return f64::MIN_POSITIVE * vector_norm(values, max / f64::MIN_POSITIVE, found_nan);
    }
    let scale = ldexp_f64(1.0, -i64::from(max_e));
    let (mut csum, mut frac1, mut frac2) = (1.0f64, 0.0f64, 0.0f64);
    for &v in values.iter() {
        let x = v * scale;
        let (hi, lo) = exact_mul(x, x);
        let (sum_hi, sum_lo) = fast_sum(csum, hi);
        csum = sum_hi;
        frac1 += lo;
        frac2 += sum_lo;
    }
    let mut h = (csum - 1.0 + (frac1 + frac2)).sqrt();
    let (hi, lo) = exact_mul(-h, h);
    let (sum_hi, sum_lo) = fast_sum(csum, hi);
    csum = sum_hi;
    frac1 += lo;
    frac2 += sum_lo;
    let x = csum - 1.0 + (frac1 + frac2);
    h += x / (2.0 * h);
    h / scale
}

/// Absolute values with their maximum and whether any is NaN, for `vector_norm`.
fn norm_of(mut values: Vec<f64>) -> f64 {
    let mut max = 0.0f64;
    let mut found_nan = false;
    for v in values.iter_mut() {
        *v = v.abs();
        found_nan |= v.is_nan();
        if *v > max {
            max = *v;
        }
    }
    vector_norm(&mut values, max, found_nan)
}

fn hypot(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "hypot", kwargs)?;
    let mut values = Vec::with_capacity(args.len());
    for a in args {
        values.push(real(vm, a)?);
    }
    Ok(Value::Float(norm_of(values)))
}

fn dist(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (p, q) = two_args(vm, "dist", args, kwargs)?;
    let (p, q) = (vm.collect(p)?, vm.collect(q)?);
    if p.len() != q.len() {
        return Err(vm.value_error("both points must have the same number of dimensions"));
    }
    let mut diffs = Vec::with_capacity(p.len());
    for (a, b) in p.iter().zip(&q) {
        diffs.push(real(vm, a)? - real(vm, b)?);
    }
    Ok(Value::Float(norm_of(diffs)))
}

fn prod(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "prod", kwargs, &["start"])?;
    check_arity(vm, "prod", args, 1, 1)?;
    let mut acc = kwarg(kwargs, "start").map_or(Value::Int(1), |s| s.clone_ref(vm.py));
    let it = vm.iter(&args[0])?;
    while let Some(item) = vm.next(&it)? {
        acc = vm.binary_op(BinOp::Mul, &acc, &item)?;
    }
    Ok(acc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fsum_is_exact() {
        assert_eq!(fsum_f64([0.1; 10]), Ok(1.0));
        assert_eq!(fsum_f64([1e-16, 1.0, 1e16]), Ok(1.0000000000000002e16));
        assert_eq!(fsum_f64([1e308, 1e308]), Err("intermediate overflow in fsum"));
        assert_eq!(fsum_f64([f64::INFINITY, f64::NEG_INFINITY]), Err("-inf + inf in fsum"));
        assert_eq!(fsum_f64([1e100, 1.0, -1e100, 1e-100]), Ok(1.0));
    }

    #[test]
    fn norms_match_cpython() {
        assert_eq!(norm_of(vec![3.0, 4.0]), 5.0);
        assert_eq!(norm_of(vec![1.0, 2.0, 3.0]), 3.7416573867739413);
        assert_eq!(norm_of(vec![1e308, 1e308]), 1.4142135623730951e308);
        assert_eq!(norm_of(vec![f64::INFINITY, f64::NAN]), f64::INFINITY);
    }

    #[test]
    fn frexp_and_ldexp() {
        assert_eq!(frexp_f64(8.0), (0.5, 4));
        assert_eq!(frexp_f64(5e-324), (0.5, -1073));
        assert_eq!(ldexp_f64(3.0, -1075), 1e-323);
        assert_eq!(ldexp_f64(1.0, -1075), 0.0);
        assert_eq!(ldexp_f64(1.0, 1024), f64::INFINITY);
        let (m, e) = big_frexp(&(BigInt::one() << 2000usize));
        assert_eq!((m, e), (0.5, 2001));
    }

    #[test]
    fn exact_integer_functions() {
        assert_eq!(
            range_product(&BigInt::one(), &BigInt::from(20)),
            BigInt::from(2432902008176640000i64)
        );
        assert_eq!(BigInt::from(10).pow(40u32).sqrt(), BigInt::from(10).pow(20u32));
        assert_eq!(pow_f64(0.0, f64::NEG_INFINITY), Ok(f64::INFINITY));
        assert_eq!(pow_f64(-8.0, 1.0 / 3.0), Err(true));
        assert_eq!(pow_f64(10.0, 400.0), Err(false));
    }
}
