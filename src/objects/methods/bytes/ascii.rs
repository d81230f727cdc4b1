//! The `bytes`/`bytearray` methods that treat the bytes as ASCII text: padding, case,
//! the `is*` predicates, tabs, lines, partitions, affixes and translation tables. Bytes
//! outside ASCII are never letters, digits or space, as in CPython.

use crate::gil::Gil;
use crate::objects::types::{add_methods, types};
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::super::shared::{add_descriptor, bind_args, check_alloc, int_arg, takes_no_args, takes_one_arg};
use super::{bytes_arg, class_name, find_in, is_space, new_result, rfind_in, search, this};

pub(super) fn install(py: Gil<'_>) {
    let t = types();
    add_methods(py, &t.bytes, &text_methods::<false>());
    add_methods(py, &t.bytearray, &text_methods::<true>());
    for class in [&t.bytes, &t.bytearray] {
        add_descriptor(py, class, "maketrans", bytes_maketrans, Payload::StaticMethod);
    }
}

fn text_methods<const ARRAY: bool>() -> [(&'static str, NativeFn); 23] {
    [
        ("center", bytes_center::<ARRAY>),
        ("ljust", bytes_ljust::<ARRAY>),
        ("rjust", bytes_rjust::<ARRAY>),
        ("zfill", bytes_zfill::<ARRAY>),
        ("expandtabs", bytes_expandtabs::<ARRAY>),
        ("splitlines", bytes_splitlines::<ARRAY>),
        ("partition", bytes_partition::<ARRAY>),
        ("rpartition", bytes_rpartition::<ARRAY>),
        ("removeprefix", bytes_removeprefix::<ARRAY>),
        ("removesuffix", bytes_removesuffix::<ARRAY>),
        ("rindex", bytes_rindex::<ARRAY>),
        ("translate", bytes_translate::<ARRAY>),
        ("title", bytes_title::<ARRAY>),
        ("capitalize", bytes_capitalize::<ARRAY>),
        ("swapcase", bytes_swapcase::<ARRAY>),
        ("isalnum", bytes_isalnum::<ARRAY>),
        ("isalpha", bytes_isalpha::<ARRAY>),
        ("isascii", bytes_isascii::<ARRAY>),
        ("isdigit", bytes_isdigit::<ARRAY>),
        ("islower", bytes_islower::<ARRAY>),
        ("isupper", bytes_isupper::<ARRAY>),
        ("isspace", bytes_isspace::<ARRAY>),
        ("istitle", bytes_istitle::<ARRAY>),
    ]
}

// ----- padding --------------------------------------------------------------------------------

/// center/ljust/rjust: `split` turns the missing width into `(left, right)` padding.
fn pad<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    split: fn(usize, usize) -> (usize, usize),
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, &args[1..], 1, 2)?;
    let width = int_arg(vm, &args[1])?;
    let fill = match args.get(2) {
        None => b' ',
        Some(v) => match (super::bytes_like(vm, v)?, v.payload()) {
            (Some(b), Some(Payload::Bytes(_) | Payload::ByteArray(_))) if b.len() == 1 => b[0],
            _ => {
                return Err(vm.type_error(format!(
                    "{name}() argument 2 must be a byte string of length 1, not {}",
                    vm.type_name(v)
                )));
            }
        },
    };
    if width <= bytes.len() as i64 {
        return Ok(new_result::<ARRAY>(vm, bytes.into_owned()));
    }
    check_alloc(vm, width as usize)?;
    let (left, right) = split(width as usize - bytes.len(), width as usize);
    let mut out = Vec::with_capacity(width as usize);
    out.resize(left, fill);
    out.extend_from_slice(&bytes);
    out.resize(left + bytes.len() + right, fill);
    Ok(new_result::<ARRAY>(vm, out))
}

fn bytes_center<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    // CPython puts the odd extra fill byte on the left when the width is odd.
    pad::<ARRAY>(vm, args, kwargs, "center", |margin, width| {
        let left = margin / 2 + (margin & width & 1);
        (left, margin - left)
    })
}

fn bytes_ljust<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    pad::<ARRAY>(vm, args, kwargs, "ljust", |margin, _| (0, margin))
}

fn bytes_rjust<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    pad::<ARRAY>(vm, args, kwargs, "rjust", |margin, _| (margin, 0))
}

fn bytes_zfill<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "zfill")?;
    let width = takes_one_arg(vm, class_name::<ARRAY>(), "zfill", &args[1..], kwargs)?;
    let width = int_arg(vm, width)?;
    if width <= bytes.len() as i64 {
        return Ok(new_result::<ARRAY>(vm, bytes.into_owned()));
    }
    check_alloc(vm, width as usize)?;
    let (sign, digits) = match bytes.first() {
        Some(&c @ (b'+' | b'-')) => (Some(c), &bytes[1..]),
        _ => (None, &bytes[..]),
    };
    let mut out = Vec::with_capacity(width as usize);
    out.extend(sign);
    out.resize(width as usize - digits.len(), b'0');
    out.extend_from_slice(digits);
    Ok(new_result::<ARRAY>(vm, out))
}

fn bytes_expandtabs<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "expandtabs")?;
    let bound = bind_args(vm, "expandtabs", &args[1..], kwargs, &["tabsize"], 0)?;
    let tabsize = match bound[0] {
        Some(v) => int_arg(vm, v)?,
        None => 8,
    };
    // CPython takes the tab size as a C int.
    if i32::try_from(tabsize).is_err() {
        return Err(vm.overflow_error("Python int too large to convert to C int"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut column: i64 = 0;
    for &b in bytes.iter() {
        match b {
            b'\t' if tabsize > 0 => {
                let n = tabsize - column % tabsize;
                check_alloc(vm, out.len().saturating_add(n as usize))?;
                out.resize(out.len() + n as usize, b' ');
                column += n;
            }
            b'\t' => {}
            b'\n' | b'\r' => {
                out.push(b);
                column = 0;
            }
            _ => {
                out.push(b);
                column += 1;
            }
        }
    }
    Ok(new_result::<ARRAY>(vm, out))
}

// ----- lines, partitions, affixes -------------------------------------------------------------

fn bytes_splitlines<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "splitlines")?;
    let bound = bind_args(vm, "splitlines", &args[1..], kwargs, &["keepends"], 0)?;
    let keepends = match bound[0] {
        Some(v) => vm.is_true(v)?,
        None => false,
    };
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let ending = match (bytes[i], bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => 2,
            (b'\r' | b'\n', _) => 1,
            _ => 0,
        };
        if ending == 0 {
            i += 1;
            continue;
        }
        let end = if keepends { i + ending } else { i };
        lines.push(new_result::<ARRAY>(vm, bytes[start..end].to_vec()));
        i += ending;
        start = i;
    }
    if start < bytes.len() {
        lines.push(new_result::<ARRAY>(vm, bytes[start..].to_vec()));
    }
    Ok(vm.new_list(lines))
}

fn partition<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    from_right: bool,
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    let sep = takes_one_arg(vm, class_name::<ARRAY>(), name, &args[1..], kwargs)?;
    let sep = bytes_arg(vm, sep)?.into_owned();
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let found = if from_right {
        rfind_in(&bytes, &sep)
    } else {
        find_in(&bytes, &sep)
    };
    let parts: [&[u8]; 3] = match found {
        Some(i) => [&bytes[..i], &sep, &bytes[i + sep.len()..]],
        None if from_right => [b"", b"", &bytes],
        None => [&bytes, b"", b""],
    };
    let mut items: Vec<Value> = parts.iter().map(|p| new_result::<ARRAY>(vm, p.to_vec())).collect();
    // CPython's bytes hand back the separator object itself when it was found.
    if !ARRAY && found.is_some() {
        items[1] = args[1].clone_ref(vm.py);
    }
    Ok(vm.new_tuple(items))
}

fn bytes_partition<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    partition::<ARRAY>(vm, args, kwargs, "partition", false)
}

fn bytes_rpartition<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    partition::<ARRAY>(vm, args, kwargs, "rpartition", true)
}

fn remove_affix<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    suffix: bool,
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    let affix = takes_one_arg(vm, class_name::<ARRAY>(), name, &args[1..], kwargs)?;
    let affix = bytes_arg(vm, affix)?;
    let kept = if suffix {
        bytes.strip_suffix(&affix[..])
    } else {
        bytes.strip_prefix(&affix[..])
    };
    let kept = kept.unwrap_or(&bytes).to_vec();
    Ok(new_result::<ARRAY>(vm, kept))
}

fn bytes_removeprefix<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    remove_affix::<ARRAY>(vm, args, kwargs, "removeprefix", false)
}

fn bytes_removesuffix<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    remove_affix::<ARRAY>(vm, args, kwargs, "removesuffix", true)
}

fn bytes_rindex<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    match search::<ARRAY>(vm, args, kwargs, "rindex", true)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => Err(vm.value_error("subsection not found")),
    }
}

// ----- translation ----------------------------------------------------------------------------

/// `bytes.maketrans(from, to)`: a static method, the 256-byte table mapping each byte of
/// `from` to the byte at the same place in `to`.
fn bytes_maketrans(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "maketrans", kwargs)?;
    check_arity(vm, "maketrans", args, 2, 2)?;
    let from = bytes_arg(vm, &args[0])?;
    let to = bytes_arg(vm, &args[1])?;
    if from.len() != to.len() {
        return Err(vm.value_error("maketrans arguments must have same length"));
    }
    let mut table: Vec<u8> = (0..=255).collect();
    for (&f, &t) in from.iter().zip(to.iter()) {
        table[usize::from(f)] = t;
    }
    Ok(vm.new_bytes(table))
}

fn bytes_translate<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, "translate")?;
    let bound = bind_args(vm, "translate", &args[1..], kwargs, &["table", "delete"], 1)?;
    let table_arg = bound[0].unwrap_or(&Value::None);
    let table = match table_arg {
        Value::None => None,
        v => {
            let t = bytes_arg(vm, v)?.into_owned();
            if t.len() != 256 {
                return Err(vm.value_error("translation table must be 256 characters long"));
            }
            Some(t)
        }
    };
    let delete = match bound[1] {
        Some(v) => bytes_arg(vm, v)?.into_owned(),
        None => Vec::new(),
    };
    let out = bytes
        .iter()
        .filter(|b| !delete.contains(b))
        .map(|&b| table.as_ref().map_or(b, |t| t[usize::from(b)]))
        .collect();
    Ok(new_result::<ARRAY>(vm, out))
}

// ----- case -----------------------------------------------------------------------------------

/// A method that maps the receiver's bytes to new ones and takes no arguments.
fn transform<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    change: fn(&[u8]) -> Vec<u8>,
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    takes_no_args(vm, class_name::<ARRAY>(), name, &args[1..], kwargs)?;
    Ok(new_result::<ARRAY>(vm, change(&bytes)))
}

/// Every letter that follows a letter lowercase, every other letter uppercase.
fn title(bytes: &[u8]) -> Vec<u8> {
    let mut after_letter = false;
    bytes
        .iter()
        .map(|&b| {
            let out = if after_letter {
                b.to_ascii_lowercase()
            } else {
                b.to_ascii_uppercase()
            };
            after_letter = b.is_ascii_alphabetic();
            out
        })
        .collect()
}

fn capitalize(bytes: &[u8]) -> Vec<u8> {
    let mut out = bytes.to_ascii_lowercase();
    if let Some(first) = out.first_mut() {
        first.make_ascii_uppercase();
    }
    out
}

fn swapcase(bytes: &[u8]) -> Vec<u8> {
    let swap = |b: &u8| match b {
        b'a'..=b'z' => b.to_ascii_uppercase(),
        b'A'..=b'Z' => b.to_ascii_lowercase(),
        _ => *b,
    };
    bytes.iter().map(swap).collect()
}

fn bytes_title<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    transform::<ARRAY>(vm, args, kwargs, "title", title)
}

fn bytes_capitalize<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    transform::<ARRAY>(vm, args, kwargs, "capitalize", capitalize)
}

fn bytes_swapcase<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    transform::<ARRAY>(vm, args, kwargs, "swapcase", swapcase)
}

// ----- predicates -----------------------------------------------------------------------------

fn predicate<const ARRAY: bool>(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    test: fn(&[u8]) -> bool,
) -> PyResult<Value> {
    let bytes = this::<ARRAY>(vm, args, name)?;
    takes_no_args(vm, class_name::<ARRAY>(), name, &args[1..], kwargs)?;
    Ok(Value::Bool(test(&bytes)))
}

/// Not empty and every byte passes.
fn all_bytes(bytes: &[u8], test: fn(&u8) -> bool) -> bool {
    !bytes.is_empty() && bytes.iter().all(test)
}

/// islower/isupper: some cased byte, and none of the other case.
fn cased(bytes: &[u8], wanted: fn(&u8) -> bool, other: fn(&u8) -> bool) -> bool {
    bytes.iter().any(wanted) && !bytes.iter().any(other)
}

/// Uppercase letters only after uncased bytes, lowercase ones only after cased, and at least
/// one letter.
fn istitle(bytes: &[u8]) -> bool {
    let mut after_cased = false;
    let mut any_cased = false;
    for b in bytes {
        if b.is_ascii_uppercase() {
            if after_cased {
                return false;
            }
            after_cased = true;
            any_cased = true;
        } else if b.is_ascii_lowercase() {
            if !after_cased {
                return false;
            }
            any_cased = true;
        } else {
            after_cased = false;
        }
    }
    any_cased
}

fn bytes_isalnum<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "isalnum", |b| all_bytes(b, u8::is_ascii_alphanumeric))
}

fn bytes_isalpha<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "isalpha", |b| all_bytes(b, u8::is_ascii_alphabetic))
}

fn bytes_isascii<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "isascii", <[u8]>::is_ascii)
}

fn bytes_isdigit<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "isdigit", |b| all_bytes(b, u8::is_ascii_digit))
}

fn bytes_isspace<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "isspace", |b| all_bytes(b, |c| is_space(*c)))
}

fn bytes_islower<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "islower", |b| {
        cased(b, u8::is_ascii_lowercase, u8::is_ascii_uppercase)
    })
}

fn bytes_isupper<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "isupper", |b| {
        cased(b, u8::is_ascii_uppercase, u8::is_ascii_lowercase)
    })
}

fn bytes_istitle<const ARRAY: bool>(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    predicate::<ARRAY>(vm, args, kwargs, "istitle", istitle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_follows_cpython() {
        assert_eq!(title(b"hello wORLD 2nd"), b"Hello World 2Nd");
        assert_eq!(capitalize(b"hELLO"), b"Hello");
        assert_eq!(swapcase(b"aB1"), b"Ab1");
        assert!(istitle(b"Ab Cd"));
        assert!(!istitle(b"AB"));
        assert!(!istitle(b"1 2"));
    }
}
