//! `int`, `float` and `complex` methods.

use crate::gil::Gil;
use std::borrow::Cow;

use num_bigint::{BigInt, Sign};
use num_traits::{Signed, Zero};

use crate::objects::complex::Complex;
use crate::objects::types::{add_methods, types};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::ops::{as_bigint, as_complex};
use crate::vm::{PyResult, Vm};

use super::shared::{add_descriptor, bind_args, check_alloc, descriptor_error, int_arg, takes_no_args, text_arg};

pub(super) fn install(py: Gil<'_>) {
    let t = types();
    add_methods(
        py,
        &t.int,
        &[
            ("bit_length", int_bit_length),
            ("bit_count", int_bit_count),
            ("to_bytes", int_to_bytes),
            ("conjugate", int_conjugate),
            ("as_integer_ratio", int_as_integer_ratio),
        ],
    );
    add_descriptor(py, &t.int, "from_bytes", int_from_bytes, Payload::ClassMethod);
    add_methods(
        py,
        &t.float,
        &[
            ("is_integer", float_is_integer),
            ("as_integer_ratio", float_as_integer_ratio),
            ("conjugate", float_conjugate),
        ],
    );
    add_methods(
        py,
        &t.complex,
        &[
            ("conjugate", complex_conjugate),
            ("__complex__", complex_complex),
            ("__getnewargs__", complex_getnewargs),
            ("__abs__", complex_abs),
        ],
    );
}

fn this_int<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<Cow<'a, BigInt>> {
    args.first()
        .map(Value::builtin_self)
        .and_then(as_bigint)
        .ok_or_else(|| descriptor_error(vm, args, "int", method))
}

fn int_bit_length(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let n = this_int(vm, args, "bit_length")?;
    takes_no_args(vm, "int", "bit_length", &args[1..], kwargs)?;
    Ok(Value::Int(n.bits() as i64))
}

fn int_bit_count(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let n = this_int(vm, args, "bit_count")?;
    takes_no_args(vm, "int", "bit_count", &args[1..], kwargs)?;
    let ones: u32 = n.magnitude().to_u64_digits().iter().map(|d| d.count_ones()).sum();
    Ok(Value::Int(i64::from(ones)))
}

fn int_conjugate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let n = this_int(vm, args, "conjugate")?.into_owned();
    takes_no_args(vm, "int", "conjugate", &args[1..], kwargs)?;
    Ok(vm.new_int(n))
}

fn int_as_integer_ratio(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let n = this_int(vm, args, "as_integer_ratio")?.into_owned();
    takes_no_args(vm, "int", "as_integer_ratio", &args[1..], kwargs)?;
    let n = vm.new_int(n);
    Ok(vm.new_tuple(vec![n, Value::Int(1)]))
}

/// `byteorder` and the keyword-only `signed` of to_bytes/from_bytes.
fn byte_order(vm: &mut Vm, func: &str, order: Option<&Value>, signed: Option<&Value>) -> PyResult<(bool, bool)> {
    let little = match text_arg(vm, func, order, "byteorder", "big")? {
        "little" => true,
        "big" => false,
        _ => return Err(vm.value_error("byteorder must be either 'little' or 'big'")),
    };
    let signed = match signed {
        Some(v) => vm.is_true(v)?,
        None => false,
    };
    Ok((little, signed))
}

/// Reject more than `max` positional arguments (the rest are keyword-only).
fn check_positional(vm: &Vm, func: &str, rest: &[Value], max: usize) -> PyResult<()> {
    if rest.len() > max {
        return Err(vm.type_error(format!(
            "{func}() takes at most {max} positional arguments ({} given)",
            rest.len()
        )));
    }
    Ok(())
}

/// Two's-complement (or unsigned) little-endian bytes of `n`, exactly `length` long.
fn int_bytes(n: &BigInt, length: usize, signed: bool) -> Option<Vec<u8>> {
    if n.is_zero() {
        return Some(vec![0; length]);
    }
    let mut bytes = if signed {
        n.to_signed_bytes_le()
    } else {
        n.to_bytes_le().1
    };
    if bytes.len() > length {
        return None;
    }
    let fill = if n.is_negative() { 0xff } else { 0 };
    bytes.resize(length, fill);
    Some(bytes)
}

fn int_to_bytes(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let n = this_int(vm, args, "to_bytes")?;
    let rest = &args[1..];
    check_positional(vm, "to_bytes", rest, 2)?;
    let bound = bind_args(vm, "to_bytes", rest, kwargs, &["length", "byteorder", "signed"], 0)?;
    let length = match bound[0] {
        Some(v) => int_arg(vm, v)?,
        None => 1,
    };
    if length < 0 {
        return Err(vm.value_error("length argument must be non-negative"));
    }
    check_alloc(vm, length as usize)?;
    let (little, signed) = byte_order(vm, "to_bytes", bound[1], bound[2])?;
    if !signed && n.is_negative() {
        return Err(vm.overflow_error("can't convert negative int to unsigned"));
    }
    let Some(mut bytes) = int_bytes(&n, length as usize, signed) else {
        return Err(vm.overflow_error("int too big to convert"));
    };
    if !little {
        bytes.reverse();
    }
    Ok(vm.new_bytes(bytes))
}

/// `int.from_bytes(bytes, byteorder='big', *, signed=False)`; `args[0]` is the class.
fn int_from_bytes(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let rest = args.get(1..).unwrap_or_default();
    check_positional(vm, "from_bytes", rest, 2)?;
    let bound = bind_args(vm, "from_bytes", rest, kwargs, &["bytes", "byteorder", "signed"], 1)?;
    let source = bound[0].unwrap_or(&Value::None);
    let bytes: Vec<u8> = match source.payload() {
        Some(Payload::Bytes(b)) => b.to_vec(),
        Some(
            Payload::List(_) | Payload::Tuple(_) | Payload::Iterator(..) | Payload::Generator(_) | Payload::Range(_),
        ) => {
            let mut out = Vec::new();
            for item in vm.collect(source)? {
                match crate::vm::ops::as_small_int(&item) {
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
            out
        }
        _ => {
            return Err(vm.type_error(format!("cannot convert '{}' object to bytes", vm.type_name(source))));
        }
    };
    let (little, signed) = byte_order(vm, "from_bytes", bound[1], bound[2])?;
    let n = match (little, signed) {
        (true, true) => BigInt::from_signed_bytes_le(&bytes),
        (false, true) => BigInt::from_signed_bytes_be(&bytes),
        (true, false) => BigInt::from_bytes_le(Sign::Plus, &bytes),
        (false, false) => BigInt::from_bytes_be(Sign::Plus, &bytes),
    };
    Ok(vm.new_int(n))
}

fn this_float(vm: &Vm, args: &[Value], method: &str) -> PyResult<f64> {
    match args.first().map(Value::builtin_self) {
        Some(Value::Float(f)) => Ok(*f),
        _ => Err(descriptor_error(vm, args, "float", method)),
    }
}

fn float_is_integer(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = this_float(vm, args, "is_integer")?;
    takes_no_args(vm, "float", "is_integer", &args[1..], kwargs)?;
    Ok(Value::Bool(x.is_finite() && x.fract() == 0.0))
}

fn float_conjugate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = this_float(vm, args, "conjugate")?;
    takes_no_args(vm, "float", "conjugate", &args[1..], kwargs)?;
    Ok(Value::Float(x))
}

/// The exact fraction `numerator / 2**shift` equal to a finite float, in lowest terms.
fn float_ratio(x: f64) -> (BigInt, BigInt) {
    if x == 0.0 {
        return (BigInt::zero(), BigInt::from(1));
    }
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64;
    let fraction = bits & ((1 << 52) - 1);
    let (mut mantissa, mut exp) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent - 1075)
    };
    // Lowest terms: the denominator is a power of two, so only twos cancel.
    while exp < 0 && mantissa & 1 == 0 {
        mantissa >>= 1;
        exp += 1;
    }
    let mut numerator = BigInt::from(mantissa);
    if x < 0.0 {
        numerator = -numerator;
    }
    if exp >= 0 {
        (numerator << exp as usize, BigInt::from(1))
    } else {
        (numerator, BigInt::from(1) << (-exp) as usize)
    }
}

fn float_as_integer_ratio(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let x = this_float(vm, args, "as_integer_ratio")?;
    takes_no_args(vm, "float", "as_integer_ratio", &args[1..], kwargs)?;
    if x.is_nan() {
        return Err(vm.value_error("cannot convert NaN to integer ratio"));
    }
    if x.is_infinite() {
        return Err(vm.overflow_error("cannot convert Infinity to integer ratio"));
    }
    let (n, d) = float_ratio(x);
    let (n, d) = (vm.new_int(n), vm.new_int(d));
    Ok(vm.new_tuple(vec![n, d]))
}

fn this_complex(vm: &Vm, args: &[Value], method: &str) -> PyResult<Complex> {
    args.first()
        .and_then(as_complex)
        .ok_or_else(|| descriptor_error(vm, args, "complex", method))
}

fn complex_conjugate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let z = this_complex(vm, args, "conjugate")?;
    takes_no_args(vm, "complex", "conjugate", &args[1..], kwargs)?;
    Ok(vm.alloc(Payload::Complex(z.conjugate())))
}

/// `z.__complex__()`: a plain complex, also for an instance of a derived class.
fn complex_complex(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let z = this_complex(vm, args, "__complex__")?;
    takes_no_args(vm, "complex", "__complex__", &args[1..], kwargs)?;
    Ok(vm.alloc(Payload::Complex(z)))
}

fn complex_getnewargs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let z = this_complex(vm, args, "__getnewargs__")?;
    takes_no_args(vm, "complex", "__getnewargs__", &args[1..], kwargs)?;
    Ok(vm.new_tuple(vec![Value::Float(z.re), Value::Float(z.im)]))
}

fn complex_abs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let z = this_complex(vm, args, "__abs__")?;
    takes_no_args(vm, "complex", "__abs__", &args[1..], kwargs)?;
    complex_modulus(vm, z)
}

/// `abs(z)`: the modulus, or CPython's OverflowError when a finite number's overflows.
pub fn complex_modulus(vm: &Vm, z: Complex) -> PyResult<Value> {
    match z.abs() {
        Some(r) => Ok(Value::Float(r)),
        None => Err(vm.overflow_error("absolute value too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_are_exact_and_reduced() {
        let r = |x: f64| {
            let (n, d) = float_ratio(x);
            (n.to_string(), d.to_string())
        };
        assert_eq!(r(0.5), ("1".into(), "2".into()));
        assert_eq!(r(-3.0), ("-3".into(), "1".into()));
        assert_eq!(r(0.1), ("3602879701896397".into(), "36028797018963968".into()));
        assert_eq!(r(5e-324), ("1".into(), (BigInt::from(1) << 1074usize).to_string()));
    }

    #[test]
    fn int_bytes_two_complement() {
        assert_eq!(int_bytes(&BigInt::from(-1), 2, true), Some(vec![0xff, 0xff]));
        assert_eq!(int_bytes(&BigInt::from(255), 1, false), Some(vec![0xff]));
        assert_eq!(int_bytes(&BigInt::from(255), 1, true), None);
        assert_eq!(int_bytes(&BigInt::from(-128), 1, true), Some(vec![0x80]));
        assert_eq!(int_bytes(&BigInt::zero(), 0, false), Some(vec![]));
    }
}
