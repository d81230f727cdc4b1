//! Helpers the built-in types' methods share: argument binding and checks with CPython's
//! wording, start/end bounds, codecs, white space and allocation limits.

use crate::gil::Gil;
use crate::objects::types::{immortal_str, native, types};
use crate::objects::{NativeFn, ObjRef, Payload, PyObject, Value};
use crate::vm::args::no_kwargs;
use crate::vm::ops::{as_bigint, as_small_int};
use crate::vm::{PyErr, PyResult, Vm};

/// Put `function` into `class`'s namespace wrapped as a `staticmethod` or `classmethod`
/// (`str.maketrans`, `dict.fromkeys`): the receiver is then never (or always the class) in
/// `args[0]`, however the method is reached.
pub(super) fn add_descriptor(
    py: Gil<'_>,
    class: &ObjRef,
    name: &'static str,
    function: NativeFn,
    wrap: fn(Value) -> Payload,
) {
    let Payload::Type(t) = &class.payload else {
        return;
    };
    let key = immortal_str(name);
    let hash = match &key.payload {
        Payload::Str(s) => s.hash(),
        _ => 0,
    };
    let wrapped = ObjRef::new_immortal(PyObject::new(wrap(Value::Obj(native(name, function, false)))));
    t.dict
        .lock(py)
        .insert(hash, Value::Obj(key), Value::Obj(wrapped), |k| k.as_str() == Some(name));
}

/// Results larger than this are refused with `MemoryError` instead of aborting the process
/// when the allocation fails.
const MAX_ALLOC: usize = 1 << 34;

/// `MemoryError` for a result of `size` bytes that cannot reasonably be allocated.
pub(super) fn check_alloc(vm: &Vm, size: usize) -> PyResult<()> {
    if size > MAX_ALLOC {
        return Err(vm.new_error(&types().memory_error, ""));
    }
    Ok(())
}

/// The size of a `replace` result: `matches` occurrences (at most `count` of them replaced when
/// `count >= 0`), where an empty `old` matches once more than there are characters.
pub(super) fn replaced_size(len: usize, matches: usize, old: usize, new: usize, count: i64) -> usize {
    let replaced = if count < 0 {
        matches
    } else {
        matches.min(count as usize)
    };
    len.saturating_add(replaced.saturating_mul(new.saturating_sub(old)))
}

/// CPython's error for a method of `class` called without a receiver or on the wrong type.
pub(super) fn descriptor_error(vm: &Vm, args: &[Value], class: &str, method: &str) -> PyErr {
    match args.first() {
        None => vm.type_error(format!("unbound method {class}.{method}() needs an argument")),
        Some(v) => vm.type_error(format!(
            "descriptor '{method}' for '{class}' objects doesn't apply to a '{}' object",
            vm.type_name(v)
        )),
    }
}

/// `class.name() takes no arguments (N given)` for methods with only a receiver.
pub(super) fn takes_no_args(
    vm: &Vm,
    class: &str,
    name: &str,
    rest: &[Value],
    kwargs: &[(ObjRef, Value)],
) -> PyResult<()> {
    if rest.is_empty() && kwargs.is_empty() {
        return Ok(());
    }
    no_kwargs(vm, name, kwargs)?;
    Err(vm.type_error(format!("{class}.{name}() takes no arguments ({} given)", rest.len())))
}

/// `class.name() takes exactly one argument (N given)`.
pub(super) fn takes_one_arg<'a>(
    vm: &Vm,
    class: &str,
    name: &str,
    rest: &'a [Value],
    kwargs: &[(ObjRef, Value)],
) -> PyResult<&'a Value> {
    match (rest, kwargs) {
        ([x], []) => Ok(x),
        _ => {
            no_kwargs(vm, name, kwargs)?;
            Err(vm.type_error(format!(
                "{class}.{name}() takes exactly one argument ({} given)",
                rest.len()
            )))
        }
    }
}

/// `name() takes at least/at most N arguments (M given)`, the older argument-parsing wording.
pub(super) fn takes_between(vm: &Vm, name: &str, rest: &[Value], min: usize, max: usize) -> PyResult<()> {
    let (bound, n) = match rest.len() {
        n if n < min => ("at least", min),
        n if n > max => ("at most", max),
        _ => return Ok(()),
    };
    let plural = if n == 1 { "" } else { "s" };
    Err(vm.type_error(format!(
        "{name}() takes {bound} {n} argument{plural} ({} given)",
        rest.len()
    )))
}

/// Parameters that may come by position or keyword, bound to `names` in order. At least
/// `required` must be given.
pub(crate) fn bind_args<'a>(
    vm: &Vm,
    func: &str,
    rest: &'a [Value],
    kwargs: &'a [(ObjRef, Value)],
    names: &[&str],
    required: usize,
) -> PyResult<Vec<Option<&'a Value>>> {
    if rest.len() > names.len() {
        return Err(vm.type_error(format!(
            "{func}() takes at most {} argument{} ({} given)",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            rest.len()
        )));
    }
    let mut bound: Vec<Option<&Value>> = names.iter().enumerate().map(|(i, _)| rest.get(i)).collect();
    for (k, v) in kwargs {
        let key = crate::vm::eval::str_of(k);
        match names.iter().position(|n| *n == key) {
            Some(i) if bound[i].is_some() => {
                return Err(vm.type_error(format!(
                    "argument for {func}() given by name ('{key}') and position ({})",
                    i + 1
                )));
            }
            Some(i) => bound[i] = Some(v),
            None => {
                return Err(vm.type_error(format!("'{key}' is an invalid keyword argument for {func}()")));
            }
        }
    }
    if let Some(i) = bound.iter().take(required).position(Option::is_none) {
        return Err(vm.type_error(format!(
            "{func}() missing required argument '{}' (pos {})",
            names[i],
            i + 1
        )));
    }
    Ok(bound)
}

/// An integer argument (`__index__` objects included) that must fit a machine word.
pub(super) fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    if let Some(i) = as_small_int(v) {
        return Ok(i);
    }
    if as_bigint(v).is_some() {
        return Err(vm.overflow_error("Python int too large to convert to C ssize_t"));
    }
    if matches!(v.payload(), Some(Payload::Instance(_)))
        && let Some(method) = vm.lookup_special(v, "__index__")
    {
        let r = vm.call(&method, &[v.clone_ref(vm.py)], &[])?;
        if let Some(i) = as_small_int(&r) {
            return Ok(i);
        }
    }
    Err(vm.type_error(format!(
        "'{}' object cannot be interpreted as an integer",
        vm.type_name(v)
    )))
}

/// An optional `start`/`end` argument: `None` or an int (huge ones saturate, as slices do).
pub(super) fn slice_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<i64>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(v) => {
            if let Some(i) = as_small_int(v) {
                return Ok(Some(i));
            }
            if let Some(b) = as_bigint(v) {
                return Ok(Some(if b.sign() == num_bigint::Sign::Minus {
                    i64::MIN / 2
                } else {
                    i64::MAX / 2
                }));
            }
            if matches!(v.payload(), Some(Payload::Instance(_))) && vm.lookup_special(v, "__index__").is_some() {
                return int_arg(vm, v).map(Some);
            }
            Err(vm.type_error("slice indices must be integers or None or have an __index__ method"))
        }
    }
}

/// CPython's `ADJUST_INDICES`: `end` is clamped to `[0, len]`, negative `start` counts from
/// the end; `start` may still exceed `end` (then nothing matches).
pub(super) fn adjust_bounds(start: Option<i64>, end: Option<i64>, len: usize) -> (usize, usize) {
    let len = len as i64;
    let mut end = end.unwrap_or(len);
    if end > len {
        end = len;
    } else if end < 0 {
        end = (end + len).max(0);
    }
    let mut start = start.unwrap_or(0);
    if start < 0 {
        start = (start + len).max(0);
    }
    (start as usize, end as usize)
}

/// The `start`/`end` arguments at `rest[first]` and `rest[first + 1]`, adjusted to `len`.
pub(super) fn bounds_at(vm: &mut Vm, rest: &[Value], first: usize, len: usize) -> PyResult<(usize, usize)> {
    let start = slice_arg(vm, rest.get(first))?;
    let end = slice_arg(vm, rest.get(first + 1))?;
    Ok(adjust_bounds(start, end, len))
}

/// The encodings toy can convert between text and bytes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Codec {
    Utf8,
    Ascii,
    Latin1,
}

impl Codec {
    /// Look an encoding name up the way CPython normalizes it (`UTF8`, `utf_8`, `latin1`…).
    pub(super) fn lookup(vm: &Vm, name: &str) -> PyResult<Codec> {
        let norm: String = name
            .trim()
            .chars()
            .map(|c| {
                if c == '-' || c == ' ' {
                    '_'
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        Ok(match norm.as_str() {
            "utf_8" | "utf8" | "u8" | "utf" | "cp65001" => Codec::Utf8,
            "ascii" | "us_ascii" | "646" => Codec::Ascii,
            "latin_1" | "latin1" | "latin" | "iso_8859_1" | "iso8859_1" | "8859" | "cp819" | "l1" => Codec::Latin1,
            _ => {
                return Err(vm.new_error(&types().lookup_error, format!("unknown encoding: {name}")));
            }
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Codec::Utf8 => "utf-8",
            Codec::Ascii => "ascii",
            Codec::Latin1 => "latin-1",
        }
    }

    /// The highest code point the codec can encode, plus one.
    pub(super) fn limit(self) -> u32 {
        match self {
            Codec::Utf8 => 0x110000,
            Codec::Ascii => 0x80,
            Codec::Latin1 => 0x100,
        }
    }
}

/// An optional str argument (`encoding`, `errors`) with its default.
pub(super) fn text_arg<'a>(
    vm: &Vm,
    func: &str,
    v: Option<&'a Value>,
    what: &str,
    default: &'a str,
) -> PyResult<&'a str> {
    match v {
        None => Ok(default),
        Some(v) => v.as_str().ok_or_else(|| {
            vm.type_error(format!(
                "{func}() argument '{what}' must be str, not {}",
                vm.type_name(v)
            ))
        }),
    }
}

/// Python's `str.isspace` for one character: Unicode white space plus the ASCII
/// information separators U+001C..U+001F.
pub(crate) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_follow_cpython() {
        assert_eq!(adjust_bounds(None, None, 5), (0, 5));
        assert_eq!(adjust_bounds(Some(-2), Some(100), 5), (3, 5));
        assert_eq!(adjust_bounds(Some(7), Some(-9), 5), (7, 0));
    }
}
