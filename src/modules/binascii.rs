//! `binascii`: hexadecimal and base64 conversions and the CRC-32 and CRC-CCITT checksums, with
//! CPython's `binascii.Error` messages. `base64.py` is written on top of it.

use std::borrow::Cow;

use super::new_module;
use crate::objects::methods::bytes::bytes_like;
use crate::objects::types::{intern, types};
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};
use crate::vm::ops::as_bigint;
use crate::vm::{PyErr, PyResult, Vm};

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("hexlify", hexlify),
    ("b2a_hex", hexlify),
    ("unhexlify", unhexlify),
    ("a2b_hex", unhexlify),
    ("b2a_base64", b2a_base64),
    ("a2b_base64", a2b_base64),
    ("crc32", crc32_function),
    ("crc_hqx", crc_hqx),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let module = new_module(vm, "binascii", FUNCTIONS, Vec::new())?;
    let t = types();
    for (name, base) in [("Error", &t.value_error), ("Incomplete", &t.exception)] {
        super::add_exception_class(vm, &module, "binascii", name, base)?;
    }
    Ok(module)
}

/// `binascii.Error(message)`.
fn error(vm: &mut Vm, message: impl Into<String>) -> PyErr {
    super::module_error(vm, "binascii", "Error", message)
}

/// A bytes-like argument.
fn data_arg<'a>(vm: &Vm, v: &'a Value) -> PyResult<Cow<'a, [u8]>> {
    match bytes_like(vm, v)? {
        Some(b) => Ok(b),
        None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
    }
}

/// What the `a2b_*` functions decode: a bytes-like object or an ASCII str.
fn ascii_arg<'a>(vm: &Vm, v: &'a Value) -> PyResult<Cow<'a, [u8]>> {
    if let Some(text) = v.as_str() {
        if !text.is_ascii() {
            return Err(vm.value_error("string argument should contain only ASCII characters"));
        }
        return Ok(Cow::Borrowed(text.as_bytes()));
    }
    match bytes_like(vm, v)? {
        Some(b) => Ok(b),
        None => Err(vm.type_error(format!(
            "argument should be bytes, buffer or ASCII string, not '{}'",
            vm.type_name(v)
        ))),
    }
}

// ----- hexadecimal --------------------------------------------------------------------------

/// `hexlify(data, sep=None, bytes_per_sep=1)`: `bytes.hex`'s digits, as bytes.
fn hexlify(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "hexlify", kwargs, &["sep", "bytes_per_sep"])?;
    check_arity(vm, "hexlify", args, 1, 3)?;
    let data = data_arg(vm, &args[0])?.into_owned();
    let data = vm.new_bytes(data);
    let method = vm.get_attr(&data, &intern("hex"))?;
    let text = vm.call(&method, &args[1..], kwargs)?;
    Ok(vm.new_bytes(text.as_str().unwrap_or_default().as_bytes().to_vec()))
}

fn hex_digit(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

fn unhexlify(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "unhexlify", kwargs)?;
    check_arity(vm, "unhexlify", args, 1, 1)?;
    let text = ascii_arg(vm, &args[0])?;
    if !text.len().is_multiple_of(2) {
        return Err(error(vm, "Odd-length string"));
    }
    let mut out = Vec::with_capacity(text.len() / 2);
    for pair in text.chunks(2) {
        match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(high), Some(low)) => out.push(high << 4 | low),
            _ => return Err(error(vm, "Non-hexadecimal digit found")),
        }
    }
    Ok(vm.new_bytes(out))
}

// ----- base64 -------------------------------------------------------------------------------

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with `=` padding.
pub fn encode_base64(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let word = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(BASE64[(word >> (18 - 6 * k) & 63) as usize]);
            } else {
                out.push(b'=');
            }
        }
    }
    out
}

fn base64_value(c: u8) -> Option<u32> {
    BASE64.iter().position(|&b| b == c).map(|i| i as u32)
}

/// Why base64 text does not decode.
#[derive(Debug, PartialEq, Eq)]
enum Base64Error {
    Padding,
    /// A lone data character after the last full group of four (the count of data characters).
    Excess(usize),
    OnlyBase64,
    LeadingPadding,
    AfterPadding,
}

/// Decode base64 as `binascii.a2b_base64` does: outside `strict` mode characters outside the
/// alphabet are skipped, and decoding stops at the padding that completes a group.
fn decode_base64(text: &[u8], strict: bool) -> Result<Vec<u8>, Base64Error> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let (mut word, mut quad, mut pads, mut data_chars) = (0u32, 0usize, 0usize, 0usize);
    let mut padded = false;
    for (i, &c) in text.iter().enumerate() {
        if c == b'=' {
            if strict && i == 0 {
                return Err(Base64Error::LeadingPadding);
            }
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    padded = true;
                    if strict && i + 1 < text.len() {
                        return Err(Base64Error::AfterPadding);
                    }
                    break;
                }
            }
            continue;
        }
        let Some(value) = base64_value(c) else {
            if strict {
                return Err(Base64Error::OnlyBase64);
            }
            continue;
        };
        if strict && pads > 0 {
            return Err(Base64Error::AfterPadding);
        }
        data_chars += 1;
        word = word << 6 | value;
        quad += 1;
        if quad == 4 {
            out.extend_from_slice(&word.to_be_bytes()[1..]);
            (word, quad, pads) = (0, 0, 0);
        }
    }
    match quad {
        0 => {}
        1 => return Err(Base64Error::Excess(data_chars)),
        _ if !padded => return Err(Base64Error::Padding),
        2 => out.push((word >> 4) as u8),
        _ => out.extend_from_slice(&((word >> 2) as u16).to_be_bytes()),
    }
    Ok(out)
}

fn b2a_base64(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "b2a_base64", kwargs, &["newline"])?;
    check_arity(vm, "b2a_base64", args, 1, 1)?;
    let newline = match kwarg(kwargs, "newline") {
        Some(v) => vm.is_true(v)?,
        None => true,
    };
    let mut out = encode_base64(&data_arg(vm, &args[0])?);
    if newline {
        out.push(b'\n');
    }
    Ok(vm.new_bytes(out))
}

fn a2b_base64(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "a2b_base64", kwargs, &["strict_mode"])?;
    check_arity(vm, "a2b_base64", args, 1, 1)?;
    let strict = match kwarg(kwargs, "strict_mode") {
        Some(v) => vm.is_true(v)?,
        None => false,
    };
    let text = ascii_arg(vm, &args[0])?;
    match decode_base64(&text, strict) {
        Ok(bytes) => Ok(vm.new_bytes(bytes)),
        Err(reason) => {
            let message = match reason {
                Base64Error::Padding => "Incorrect padding".to_string(),
                Base64Error::Excess(n) => format!(
                    "Invalid base64-encoded string: number of data characters ({n}) cannot be 1 more than a multiple of 4"
                ),
                Base64Error::OnlyBase64 => "Only base64 data is allowed".to_string(),
                Base64Error::LeadingPadding => "Leading padding not allowed".to_string(),
                Base64Error::AfterPadding => "Excess data after padding".to_string(),
            };
            Err(error(vm, message))
        }
    }
}

// ----- checksums ----------------------------------------------------------------------------

const fn crc32_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

static CRC32_TABLE: [u32; 256] = crc32_table();

/// CRC-32 (the one zlib and PNG use), continuing from `value`.
pub fn crc32(data: &[u8], value: u32) -> u32 {
    let mut c = !value;
    for &b in data {
        c = CRC32_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

/// A checksum's starting value: any int, reduced modulo 2**bits as CPython does.
pub fn start_value(vm: &mut Vm, v: Option<&Value>, bits: u32) -> PyResult<u32> {
    let Some(v) = v else { return Ok(0) };
    match as_bigint(v.builtin_self()) {
        Some(n) => {
            let modulus = num_bigint::BigInt::from(1u64 << bits);
            let reduced = ((n.as_ref() % &modulus) + &modulus) % &modulus;
            Ok(num_traits::ToPrimitive::to_u32(&reduced).unwrap_or(0))
        }
        None => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

fn crc32_function(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "crc32", kwargs)?;
    check_arity(vm, "crc32", args, 1, 2)?;
    let start = start_value(vm, args.get(1), 32)?;
    let data = data_arg(vm, &args[0])?;
    Ok(Value::Int(i64::from(crc32(&data, start))))
}

/// CRC-CCITT (polynomial 0x1021, as binhex uses it), continuing from `value`.
fn crc_hqx(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "crc_hqx", kwargs)?;
    check_arity(vm, "crc_hqx", args, 2, 2)?;
    let mut crc = start_value(vm, args.get(1), 16)? as u16;
    let data = data_arg(vm, &args[0])?;
    for &b in data.iter() {
        crc ^= u16::from(b) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    Ok(Value::Int(i64::from(crc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_zlib() {
        assert_eq!(crc32(b"hello", 0), 907060870);
        assert_eq!(crc32(b"world", crc32(b"hello ", 0)), crc32(b"hello world", 0));
    }

    #[test]
    fn base64_round_trips_and_reports_padding() {
        assert_eq!(encode_base64(b"hello"), b"aGVsbG8=");
        assert_eq!(decode_base64(b"aGVsbG8=\n", false), Ok(b"hello".to_vec()));
        assert_eq!(decode_base64(b"aGVsbA=a=", false), Ok(b"hell\x06".to_vec()));
        assert_eq!(decode_base64(b"aGVsbG8", false), Err(Base64Error::Padding));
        assert_eq!(decode_base64(b"aGVsb", false), Err(Base64Error::Excess(5)));
        assert_eq!(decode_base64(b"a!GVsbG8=", true), Err(Base64Error::OnlyBase64));
    }
}
