//! `bytes` and `bytearray` methods (one implementation for both).

use std::borrow::Cow;

use crate::gil::Gil;
use crate::objects::buffer::{ByteArray, BytesLike, with_bytes};
use crate::objects::types::{add_methods, types};
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::shared::{
    Codec, add_descriptor, bind_args, bounds_at, check_alloc, descriptor_error, int_arg, replaced_size, takes_between,
    takes_no_args, takes_one_arg, text_arg,
};
use super::str::{escape_code_point, rsplit_whitespace, split_whitespace};

mod ascii;

pub(super) fn install(py: Gil<'_>) {
    let t = types();
    add_methods(py, &t.bytes, &shared_methods::<false>());
    add_methods(py, &t.bytearray, &shared_methods::<true>());
    add_descriptor(py, &t.bytes, "fromhex", bytes_fromhex::<false>, Payload::ClassMethod);
    add_descriptor(py, &t.bytearray, "fromhex", bytes_fromhex::<true>, Payload::ClassMethod);
    ascii::install(py);
}

/// The methods `bytes` and `bytearray` share, for `bytearray` when `ARRAY`: one
/// implementation, whose results are of the receiver's type.
fn shared_methods<const ARRAY: bool>() -> [(&'static str, NativeFn); 17] {
    [
        ("decode", bytes_decode::<ARRAY>),
        ("hex", bytes_hex::<ARRAY>),
        ("count", bytes_count::<ARRAY>),
        ("find", bytes_find::<ARRAY>),
        ("rfind", bytes_rfind::<ARRAY>),
        ("index", bytes_index::<ARRAY>),
        ("startswith", bytes_startswith::<ARRAY>),
        ("endswith", bytes_endswith::<ARRAY>),
        ("split", bytes_split::<ARRAY>),
        ("rsplit", bytes_rsplit::<ARRAY>),
        ("join", bytes_join::<ARRAY>),
        ("strip", bytes_strip::<ARRAY>),
        ("lstrip", bytes_lstrip::<ARRAY>),
        ("rstrip", bytes_rstrip::<ARRAY>),
        ("upper", bytes_upper::<ARRAY>),
        ("lower", bytes_lower::<ARRAY>),
        ("replace", bytes_replace::<ARRAY>),
    ]
}

const fn class_name<const ARRAY: bool>() -> &'static str {
    if ARRAY { "bytearray" } else { "bytes" }
}

/// A result of the receiver's type.
fn new_result<const ARRAY: bool>(vm: &Vm, bytes: Vec<u8>) -> Value {
    if ARRAY {
        new_bytearray(vm, bytes)
    } else {
        vm.new_bytes(bytes)
    }
}

pub fn new_bytearray(vm: &Vm, bytes: Vec<u8>) -> Value {
    vm.alloc(Payload::ByteArray(Box::new(ByteArray::new(bytes))))
}

/// The receiver's bytes: borrowed from a `bytes`, copied out of a `bytearray`, whose lock
/// must not be held while a method runs (`join` iterates, another thread may resize it).
fn this<'a, const ARRAY: bool>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<Cow<'a, [u8]>> {
    match args.first().map(Value::builtin_self).and_then(Value::payload) {
        Some(Payload::Bytes(b)) if !ARRAY => Ok(Cow::Borrowed(b)),
        Some(Payload::ByteArray(array)) if ARRAY => Ok(Cow::Owned(array.snapshot(vm.py))),
        _ => Err(descriptor_error(vm, args, class_name::<ARRAY>(), method)),
    }
}

/// The bytes of a bytes-like object (copied unless it is a `bytes`), `None` for other values.
pub fn bytes_like<'a>(vm: &Vm, v: &'a Value) -> PyResult<Option<Cow<'a, [u8]>>> {
    if let Some(Payload::Bytes(b)) = v.builtin_self().payload() {
        return Ok(Some(Cow::Borrowed(b)));
    }
    match with_bytes(vm.py, v, <[u8]>::to_vec) {
        BytesLike::Read(bytes) => Ok(Some(Cow::Owned(bytes))),
        BytesLike::Released => Err(released_error(vm)),
        BytesLike::NotBytesLike => Ok(None),
    }
}

pub fn released_error(vm: &Vm) -> crate::vm::PyErr {
    vm.value_error("operation forbidden on released memoryview object")
}

/// A bytes-like argument, or `a bytes-like object is required, not 'X'`.
pub fn bytes_arg<'a>(vm: &Vm, v: &'a Value) -> PyResult<Cow<'a, [u8]>> {
    match bytes_like(vm, v)? {
        Some(b) => Ok(b),
        None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
    }
}

/// The needle of find/count/index: bytes, or one byte given as an int.
fn needle(vm: &Vm, v: &Value) -> PyResult<Vec<u8>> {
    if let Some(b) = bytes_like(vm, v)? {
        return Ok(b.into_owned());
    }
    match as_small_int(v) {
        Some(i) if (0..256).contains(&i) => Ok(vec![i as u8]),
        Some(_) => Err(vm.value_error("byte must be in range(0, 256)")),
        None => Err(vm.type_error(format!(
            "argument should be integer or bytes-like object, not '{}'",
            vm.type_name(v)
        ))),
    }
}

fn find_in(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind_in(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(hay.len());
    }
    hay.windows(needle.len()).rposition(|w| w == needle)
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c')
}

// ----- decoding -------------------------------------------------------------------------------

/// Why a UTF-8 sequence at `pos` is invalid, and how many bytes CPython reports.
fn utf8_error(bytes: &[u8], pos: usize, error_len: Option<usize>) -> (usize, &'static str) {
    match error_len {
        None => (bytes.len() - pos, "unexpected end of data"),
        Some(1) if matches!(bytes[pos], 0x80..=0xc1 | 0xf5..=0xff) => (1, "invalid start byte"),
        Some(n) => (n, "invalid continuation byte"),
    }
}

fn decode_error(vm: &Vm, codec: Codec, bytes: &[u8], start: usize, len: usize, reason: &str) -> crate::vm::PyErr {
    let what = if len == 1 {
        format!("byte 0x{:02x} in position {start}", bytes[start])
    } else {
        format!("bytes in position {start}-{}", start + len - 1)
    };
    vm.new_error(
        &types().unicode_decode_error,
        format!("'{}' codec can't decode {what}: {reason}", codec.name()),
    )
}

/// Decode with an error handler: `Err` carries the first bad range when `errors` is strict.
fn decode(vm: &Vm, bytes: &[u8], codec: Codec, errors: &str) -> PyResult<String> {
    let mut out = String::with_capacity(bytes.len());
    let mut pos = 0;
    while pos < bytes.len() {
        let (len, reason) = match codec {
            Codec::Latin1 => {
                out.extend(bytes[pos..].iter().map(|&b| b as char));
                break;
            }
            Codec::Ascii => match bytes[pos..].iter().position(|&b| b >= 0x80) {
                None => {
                    out.extend(bytes[pos..].iter().map(|&b| b as char));
                    break;
                }
                Some(n) => {
                    out.extend(bytes[pos..pos + n].iter().map(|&b| b as char));
                    pos += n;
                    (1, "ordinal not in range(128)")
                }
            },
            Codec::Utf8 => match std::str::from_utf8(&bytes[pos..]) {
                Ok(s) => {
                    out.push_str(s);
                    break;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    out.push_str(std::str::from_utf8(&bytes[pos..pos + valid]).unwrap_or_default());
                    pos += valid;
                    utf8_error(bytes, pos, e.error_len())
                }
            },
        };
        match errors {
            "strict" => return Err(decode_error(vm, codec, bytes, pos, len, reason)),
            "ignore" => {}
            "replace" => out.push('\u{FFFD}'),
            "backslashreplace" => {
                for &b in &bytes[pos..pos + len] {
                    out.push_str(&escape_code_point(u32::from(b)));
                }
            }
            _ => {
                return Err(vm.new_error(&types().lookup_error, format!("unknown error handler name '{errors}'")));
            }
        }
        pos += len;
    }
    Ok(out)
}

fn bytes_decode<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "decode")?;
    let bytes: &[u8] = &bytes;
    let bound = bind_args(vm, "decode", &args[1..], kwargs, &["encoding", "errors"], 0)?;
    let encoding = text_arg(vm, "decode", bound[0], "encoding", "utf-8")?;
    let errors = text_arg(vm, "decode", bound[1], "errors", "strict")?;
    let codec = Codec::lookup(vm, encoding)?;
    let text = decode(vm, bytes, codec, errors)?;
    Ok(vm.new_str(text))
}

pub(super) fn bytes_hex<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "hex")?;
    let bytes: &[u8] = &bytes;
    let bound = bind_args(vm, "hex", &args[1..], kwargs, &["sep", "bytes_per_sep"], 0)?;
    let digits: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let sep = match bound[0] {
        None => return Ok(vm.new_str(digits.concat())),
        Some(v) => match (v.as_str(), v.payload()) {
            (Some(s), _) => s.to_string(),
            (None, _) if bytes_like(vm, v)?.is_some() => bytes_like(vm, v)?
                .unwrap_or_default()
                .iter()
                .map(|&b| b as char)
                .collect(),
            _ => {
                return Err(vm.type_error(format!("object of type '{}' has no len()", vm.type_name(v))));
            }
        },
    };
    if sep.chars().count() != 1 {
        return Err(vm.value_error("sep must be length 1."));
    }
    if !sep.is_ascii() {
        return Err(vm.value_error("sep must be ASCII."));
    }
    let per = match bound[1] {
        Some(v) => int_arg(vm, v)?,
        None => 1,
    };
    if per == 0 {
        return Ok(vm.new_str(digits.concat()));
    }
    let group = per.unsigned_abs() as usize;
    // Positive group sizes count from the right, negative ones from the left.
    let first = if per > 0 && !digits.len().is_multiple_of(group) {
        digits.len() % group
    } else {
        group
    };
    let mut out = String::with_capacity(digits.len() * 3);
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (i == first || (i > first && (i - first) % group == 0)) {
            out.push_str(&sep);
        }
        out.push_str(d);
    }
    Ok(vm.new_str(out))
}

// ----- searching ------------------------------------------------------------------------------

fn search<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    from_right: bool,
) -> PyResult<Option<usize>> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    let bytes: &[u8] = &bytes;
    no_kwargs(vm, name, kwargs)?;
    takes_between(vm, name, &args[1..], 1, 3)?;
    let sub = needle(vm, &args[1])?;
    let (start, end) = bounds_at(vm, &args[1..], 1, bytes.len())?;
    if start > end {
        return Ok(None);
    }
    let hay = &bytes[start..end];
    let found = if from_right {
        rfind_in(hay, &sub)
    } else {
        find_in(hay, &sub)
    };
    Ok(found.map(|i| start + i))
}

fn bytes_find<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let found = search::<ARRAY>(vm, args, kwargs, "find", false)?;
    Ok(Value::Int(found.map_or(-1, |i| i as i64)))
}

fn bytes_rfind<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let found = search::<ARRAY>(vm, args, kwargs, "rfind", true)?;
    Ok(Value::Int(found.map_or(-1, |i| i as i64)))
}

fn bytes_index<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    match search::<ARRAY>(vm, args, kwargs, "index", false)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => Err(vm.value_error("subsection not found")),
    }
}

fn bytes_count<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "count")?;
    let bytes: &[u8] = &bytes;
    no_kwargs(vm, "count", kwargs)?;
    takes_between(vm, "count", &args[1..], 1, 3)?;
    let sub = needle(vm, &args[1])?;
    let (start, end) = bounds_at(vm, &args[1..], 1, bytes.len())?;
    if start > end {
        return Ok(Value::Int(0));
    }
    let hay = &bytes[start..end];
    if sub.is_empty() {
        return Ok(Value::Int(hay.len() as i64 + 1));
    }
    let (mut n, mut i) = (0, 0);
    while let Some(at) = find_in(&hay[i..], &sub) {
        n += 1;
        i += at + sub.len();
    }
    Ok(Value::Int(n))
}

fn affix_match<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    at_end: bool,
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    let bytes: &[u8] = &bytes;
    no_kwargs(vm, name, kwargs)?;
    takes_between(vm, name, &args[1..], 1, 3)?;
    let candidates: Vec<Cow<'_, [u8]>> = match (bytes_like(vm, &args[1])?, args[1].payload()) {
        (Some(b), _) => vec![b],
        (None, Some(Payload::Tuple(items))) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                out.push(bytes_arg(vm, item)?);
            }
            out
        }
        _ => {
            return Err(vm.type_error(format!(
                "{name} first arg must be bytes or a tuple of bytes, not {}",
                vm.type_name(&args[1])
            )));
        }
    };
    let (start, end) = bounds_at(vm, &args[1..], 1, bytes.len())?;
    if start > end {
        return Ok(Value::Bool(false));
    }
    let hay = &bytes[start..end];
    Ok(Value::Bool(
        candidates
            .iter()
            .any(|c| if at_end { hay.ends_with(c) } else { hay.starts_with(c) }),
    ))
}

fn bytes_startswith<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    affix_match::<ARRAY>(vm, args, kwargs, "startswith", false)
}

fn bytes_endswith<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    affix_match::<ARRAY>(vm, args, kwargs, "endswith", true)
}

// ----- splitting, joining, transforming -------------------------------------------------------

fn split<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    from_right: bool,
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    let bytes: &[u8] = &bytes;
    let bound = bind_args(vm, name, &args[1..], kwargs, &["sep", "maxsplit"], 0)?;
    let maxsplit = match bound[1] {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    let parts: Vec<Vec<u8>> = match bound[0] {
        None | Some(Value::None) => {
            // Bytes are split as Latin-1 text so the str splitter can be reused.
            let text: String = bytes.iter().map(|&b| b as char).collect();
            let space = |c: char| c.is_ascii() && is_space(c as u8);
            let pieces = if from_right {
                rsplit_whitespace(&text, maxsplit, space)
            } else {
                split_whitespace(&text, maxsplit, space)
            };
            pieces
                .into_iter()
                .map(|p| p.chars().map(|c| c as u8).collect())
                .collect()
        }
        Some(v) => {
            let sep = bytes_arg(vm, v)?;
            let sep: &[u8] = &sep;
            if sep.is_empty() {
                return Err(vm.value_error("empty separator"));
            }
            split_on(bytes, sep, maxsplit, from_right)
        }
    };
    let items = parts.into_iter().map(|p| new_result::<ARRAY>(vm, p)).collect();
    Ok(vm.new_list(items))
}

/// Split on a non-empty separator, at most `maxsplit` times (all when negative).
fn split_on(bytes: &[u8], sep: &[u8], maxsplit: i64, from_right: bool) -> Vec<Vec<u8>> {
    let mut parts = Vec::new();
    let mut rest = bytes;
    while maxsplit < 0 || (parts.len() as i64) < maxsplit {
        let found = if from_right {
            rfind_in(rest, sep)
        } else {
            find_in(rest, sep)
        };
        let Some(at) = found else { break };
        if from_right {
            parts.push(rest[at + sep.len()..].to_vec());
            rest = &rest[..at];
        } else {
            parts.push(rest[..at].to_vec());
            rest = &rest[at + sep.len()..];
        }
    }
    parts.push(rest.to_vec());
    if from_right {
        parts.reverse();
    }
    parts
}

fn bytes_split<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    split::<ARRAY>(vm, args, kwargs, "split", false)
}

fn bytes_rsplit<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    split::<ARRAY>(vm, args, kwargs, "rsplit", true)
}

fn bytes_join<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let sep = this::<ARRAY>(vm, args, "join")?;
    let sep: &[u8] = &sep;
    let iterable = takes_one_arg(vm, class_name::<ARRAY>(), "join", &args[1..], kwargs)?;
    let items = vm.collect(iterable)?;
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(b) = bytes_like(vm, item)? else {
            return Err(vm.type_error(format!(
                "sequence item {i}: expected a bytes-like object, {} found",
                vm.type_name(item)
            )));
        };
        if i > 0 {
            out.extend_from_slice(sep);
        }
        out.extend_from_slice(&b);
    }
    Ok(new_result::<ARRAY>(vm, out))
}

fn strip<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    left: bool,
    right: bool,
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    let bytes: &[u8] = &bytes;
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, &args[1..], 0, 1)?;
    let chars = match args.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(bytes_arg(vm, v)?),
    };
    let strip_it = |b: &u8| match &chars {
        Some(set) => set.contains(b),
        None => is_space(*b),
    };
    let start = if left {
        bytes.iter().position(|b| !strip_it(b)).unwrap_or(bytes.len())
    } else {
        0
    };
    let end = if right {
        bytes.iter().rposition(|b| !strip_it(b)).map_or(start, |i| i + 1)
    } else {
        bytes.len()
    };
    Ok(new_result::<ARRAY>(vm, bytes[start..end.max(start)].to_vec()))
}

fn bytes_strip<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    strip::<ARRAY>(vm, args, kwargs, "strip", true, true)
}

fn bytes_lstrip<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    strip::<ARRAY>(vm, args, kwargs, "lstrip", true, false)
}

fn bytes_rstrip<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    strip::<ARRAY>(vm, args, kwargs, "rstrip", false, true)
}

fn bytes_upper<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "upper")?;
    let bytes: &[u8] = &bytes;
    takes_no_args(vm, class_name::<ARRAY>(), "upper", &args[1..], kwargs)?;
    Ok(new_result::<ARRAY>(vm, bytes.to_ascii_uppercase()))
}

fn bytes_lower<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "lower")?;
    let bytes: &[u8] = &bytes;
    takes_no_args(vm, class_name::<ARRAY>(), "lower", &args[1..], kwargs)?;
    Ok(new_result::<ARRAY>(vm, bytes.to_ascii_lowercase()))
}

fn bytes_replace<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "replace")?;
    let bytes: &[u8] = &bytes;
    no_kwargs(vm, "replace", kwargs)?;
    check_arity(vm, "replace", &args[1..], 2, 3)?;
    let old = bytes_arg(vm, &args[1])?;
    let old: &[u8] = &old;
    let new = bytes_arg(vm, &args[2])?;
    let new: &[u8] = &new;
    let count = match args.get(3) {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    if new.len() > old.len() {
        let matches = if old.is_empty() {
            bytes.len() + 1
        } else {
            bytes.windows(old.len()).filter(|w| w == &old).count()
        };
        check_alloc(vm, replaced_size(bytes.len(), matches, old.len(), new.len(), count))?;
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut done = 0;
    let mut i = 0;
    let can_replace = |done: i64| count < 0 || done < count;
    if old.is_empty() {
        // An empty pattern matches before every byte and at the end.
        while i <= bytes.len() {
            if can_replace(done) {
                out.extend_from_slice(new);
                done += 1;
            }
            if let Some(&b) = bytes.get(i) {
                out.push(b);
            }
            i += 1;
        }
        return Ok(new_result::<ARRAY>(vm, out));
    }
    while i < bytes.len() {
        if can_replace(done) && bytes[i..].starts_with(old) {
            out.extend_from_slice(new);
            i += old.len();
            done += 1;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Ok(new_result::<ARRAY>(vm, out))
}

/// `bytes.fromhex(string)`: a classmethod, `args[0]` is the class.
fn bytes_fromhex<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let rest = args.get(1..).unwrap_or_default();
    let arg = takes_one_arg(vm, class_name::<ARRAY>(), "fromhex", rest, kwargs)?;
    let Some(text) = arg.as_str() else {
        return Err(vm.type_error(format!("fromhex() argument must be str, not {}", vm.type_name(arg))));
    };
    let chars: Vec<char> = text.chars().collect();
    let digit = |i: usize| chars.get(i).and_then(|c| c.to_digit(16));
    let mut out = Vec::with_capacity(chars.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii() && is_space(chars[i] as u8) {
            i += 1;
            continue;
        }
        let (Some(high), Some(low)) = (digit(i), digit(i + 1)) else {
            let at = if digit(i).is_none() { i } else { i + 1 };
            return Err(vm.value_error(format!(
                "non-hexadecimal number found in fromhex() arg at position {at}"
            )));
        };
        out.push((high * 16 + low) as u8);
        i += 2;
    }
    Ok(new_result::<ARRAY>(vm, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_errors_match_cpython() {
        let classify = |bytes: &[u8]| {
            let e = std::str::from_utf8(bytes)
                .err()
                .map(|e| (e.valid_up_to(), e.error_len()));
            e.map(|(pos, len)| (pos, utf8_error(bytes, pos, len)))
        };
        assert_eq!(classify(b"\xff"), Some((0, (1, "invalid start byte"))));
        assert_eq!(classify(b"a\xe2\x82"), Some((1, (2, "unexpected end of data"))));
        assert_eq!(classify(b"\xe2\x28"), Some((0, (1, "invalid continuation byte"))));
        assert_eq!(classify(b"\xed\xa0\x80"), Some((0, (1, "invalid continuation byte"))));
    }

    #[test]
    fn separator_splitting() {
        assert_eq!(split_on(b"a,b,c", b",", 1, false), [b"a".to_vec(), b"b,c".to_vec()]);
        assert_eq!(split_on(b"a,b,c", b",", 1, true), [b"a,b".to_vec(), b"c".to_vec()]);
        assert_eq!(split_on(b"aaa", b"aa", -1, false), [b"".to_vec(), b"a".to_vec()]);
    }
}
