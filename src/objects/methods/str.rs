//! `str` methods, plus the argument helpers the other built-in types' methods share.
//!
//! Indices are in characters (code points), as in Python; text is stored as UTF-8, so
//! character positions are turned into byte offsets before slicing.

use crate::gil::Gil;
use crate::objects::types::{add_methods, immortal_str, native, types};
use crate::objects::{NativeFn, ObjRef, Payload, PyObject, PyStr, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs};
use crate::vm::ops::{as_bigint, as_small_int};
use crate::vm::{PyErr, PyResult, Vm};

pub(super) fn install(py: Gil<'_>) {
    add_methods(
        py,
        &types().str_,
        &[
            ("split", str_split),
            ("rsplit", str_rsplit),
            ("splitlines", str_splitlines),
            ("join", str_join),
            ("strip", str_strip),
            ("lstrip", str_lstrip),
            ("rstrip", str_rstrip),
            ("replace", str_replace),
            ("find", str_find),
            ("rfind", str_rfind),
            ("index", str_index),
            ("rindex", str_rindex),
            ("count", str_count),
            ("startswith", str_startswith),
            ("endswith", str_endswith),
            ("upper", str_upper),
            ("lower", str_lower),
            ("title", str_title),
            ("capitalize", str_capitalize),
            ("swapcase", str_swapcase),
            ("casefold", str_casefold),
            ("isdigit", str_isdigit),
            ("isalpha", str_isalpha),
            ("isalnum", str_isalnum),
            ("isspace", str_isspace),
            ("isupper", str_isupper),
            ("islower", str_islower),
            ("isdecimal", str_isdecimal),
            ("isnumeric", str_isnumeric),
            ("isidentifier", str_isidentifier),
            ("istitle", str_istitle),
            ("isascii", str_isascii),
            ("isprintable", str_isprintable),
            ("partition", str_partition),
            ("rpartition", str_rpartition),
            ("zfill", str_zfill),
            ("center", str_center),
            ("ljust", str_ljust),
            ("rjust", str_rjust),
            ("expandtabs", str_expandtabs),
            ("encode", str_encode),
            ("format", str_format),
            ("format_map", str_format_map),
            ("translate", str_translate),
            ("removeprefix", str_removeprefix),
            ("removesuffix", str_removesuffix),
        ],
    );
    add_descriptor(py, &types().str_, "maketrans", str_maketrans, Payload::StaticMethod);
}

// ----- helpers shared by the built-in types' methods -------------------------------------------

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
pub(super) fn bind_args<'a>(
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
    fn limit(self) -> u32 {
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
pub(super) fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

// ----- receiver and character positions --------------------------------------------------------

fn this<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a PyStr> {
    match args.first().map(Value::builtin_self).and_then(Value::payload) {
        Some(Payload::Str(s)) => Ok(s),
        _ => Err(descriptor_error(vm, args, "str", method)),
    }
}

/// A `str` argument, or CPython's `must be str, not X`.
fn str_param<'a>(vm: &Vm, v: &'a Value) -> PyResult<&'a str> {
    v.as_str()
        .ok_or_else(|| vm.type_error(format!("must be str, not {}", vm.type_name(v))))
}

/// Byte offset of character `n` (at most the length).
fn byte_at(s: &PyStr, n: usize) -> usize {
    if s.is_ascii() {
        return n.min(s.as_str().len());
    }
    s.as_str().char_indices().nth(n).map_or(s.as_str().len(), |(i, _)| i)
}

/// Number of characters in `s[..byte]`.
fn chars_before(s: &PyStr, byte: usize) -> usize {
    if s.is_ascii() {
        byte
    } else {
        s.as_str()[..byte].chars().count()
    }
}

/// The text between character positions `start..end` (`start <= end <= len`).
fn char_slice(s: &PyStr, start: usize, end: usize) -> (usize, &str) {
    let (a, b) = (byte_at(s, start), byte_at(s, end));
    (a, &s.as_str()[a..b])
}

fn bool_test(
    vm: &Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    test: fn(&str) -> bool,
) -> PyResult<Value> {
    let s = this(vm, args, name)?;
    takes_no_args(vm, "str", name, &args[1..], kwargs)?;
    Ok(Value::Bool(test(s.as_str())))
}

fn text_result(
    vm: &Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    convert: fn(&str) -> String,
) -> PyResult<Value> {
    let s = this(vm, args, name)?;
    takes_no_args(vm, "str", name, &args[1..], kwargs)?;
    Ok(vm.new_str(convert(s.as_str())))
}

// ----- splitting and joining ------------------------------------------------------------------

fn split_args<'a>(
    vm: &mut Vm,
    name: &str,
    args: &'a [Value],
    kwargs: &'a [(ObjRef, Value)],
) -> PyResult<(Option<&'a str>, i64)> {
    let bound = bind_args(vm, name, &args[1..], kwargs, &["sep", "maxsplit"], 0)?;
    let sep = match bound[0] {
        None | Some(Value::None) => None,
        Some(v) => match v.as_str() {
            Some("") => return Err(vm.value_error("empty separator")),
            Some(s) => Some(s),
            None => {
                return Err(vm.type_error(format!("must be str or None, not {}", vm.type_name(v))));
            }
        },
    };
    let maxsplit = match bound[1] {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    Ok((sep, maxsplit))
}

/// `str.split()` without a separator: runs of white space separate, ends are ignored.
pub(super) fn split_whitespace(s: &str, maxsplit: i64, is_space: fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_start_matches(is_space);
    while !rest.is_empty() {
        if maxsplit >= 0 && out.len() as i64 >= maxsplit {
            out.push(rest);
            break;
        }
        match rest.find(is_space) {
            Some(i) => {
                out.push(&rest[..i]);
                rest = rest[i..].trim_start_matches(is_space);
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

/// `str.rsplit()` without a separator.
pub(super) fn rsplit_whitespace(s: &str, maxsplit: i64, is_space: fn(char) -> bool) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s.trim_end_matches(is_space);
    while !rest.is_empty() {
        if maxsplit >= 0 && out.len() as i64 >= maxsplit {
            out.push(rest);
            break;
        }
        match rest.rfind(is_space) {
            Some(i) => {
                let c_len = rest[i..].chars().next().map_or(1, char::len_utf8);
                out.push(&rest[i + c_len..]);
                rest = rest[..i].trim_end_matches(is_space);
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out.reverse();
    out
}

fn str_list(vm: &Vm, parts: Vec<&str>) -> Value {
    let items = parts.into_iter().map(|p| vm.new_str(p)).collect();
    vm.new_list(items)
}

fn str_split(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "split")?.as_str();
    let (sep, maxsplit) = split_args(vm, "split", args, kwargs)?;
    let parts: Vec<&str> = match sep {
        None => split_whitespace(s, maxsplit, py_isspace),
        Some(sep) if maxsplit >= 0 => s.splitn(maxsplit.saturating_add(1) as usize, sep).collect(),
        Some(sep) => s.split(sep).collect(),
    };
    Ok(str_list(vm, parts))
}

fn str_rsplit(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "rsplit")?.as_str();
    let (sep, maxsplit) = split_args(vm, "rsplit", args, kwargs)?;
    let parts: Vec<&str> = match sep {
        None => rsplit_whitespace(s, maxsplit, py_isspace),
        Some(sep) => {
            let mut parts: Vec<&str> = if maxsplit >= 0 {
                s.rsplitn(maxsplit.saturating_add(1) as usize, sep).collect()
            } else {
                s.rsplit(sep).collect()
            };
            parts.reverse();
            parts
        }
    };
    Ok(str_list(vm, parts))
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn str_splitlines(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "splitlines")?.as_str();
    let bound = bind_args(vm, "splitlines", &args[1..], kwargs, &["keepends"], 0)?;
    let keepends = match bound[0] {
        Some(v) => vm.is_true(v)?,
        None => false,
    };
    let mut parts = Vec::new();
    let mut start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if !is_line_break(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        if c == '\r' && iter.peek().is_some_and(|&(_, n)| n == '\n') {
            iter.next();
            end += 1;
        }
        parts.push(&s[start..if keepends { end } else { i }]);
        start = end;
    }
    if start < s.len() {
        parts.push(&s[start..]);
    }
    Ok(str_list(vm, parts))
}

fn str_join(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let sep = this(vm, args, "join")?.as_str();
    let iterable = takes_one_arg(vm, "str", "join", &args[1..], kwargs)?;
    let items = match vm.collect(iterable) {
        Ok(items) => items,
        Err(e) if vm.err_matches(&e, &types().type_error) && vm.iter(iterable).is_err() => {
            return Err(vm.type_error("can only join an iterable"));
        }
        Err(e) => return Err(e),
    };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let Some(text) = item.as_str() else {
            return Err(vm.type_error(format!(
                "sequence item {i}: expected str instance, {} found",
                vm.type_name(item)
            )));
        };
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(text);
    }
    Ok(vm.new_str(out))
}

// ----- stripping, replacing, searching --------------------------------------------------------

#[derive(Clone, Copy)]
enum Side {
    Both,
    Left,
    Right,
}

fn strip(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)], name: &str, side: Side) -> PyResult<Value> {
    let s = this(vm, args, name)?.as_str();
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, &args[1..], 0, 1)?;
    let chars: Option<&str> = match args.get(1) {
        None | Some(Value::None) => None,
        Some(v) => Some(
            v.as_str()
                .ok_or_else(|| vm.type_error(format!("{name} arg must be None or str")))?,
        ),
    };
    let matches = |c: char| match chars {
        Some(set) => set.contains(c),
        None => py_isspace(c),
    };
    let out = match side {
        Side::Both => s.trim_matches(matches),
        Side::Left => s.trim_start_matches(matches),
        Side::Right => s.trim_end_matches(matches),
    };
    Ok(vm.new_str(out))
}

fn str_strip(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    strip(vm, args, kwargs, "strip", Side::Both)
}

fn str_lstrip(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    strip(vm, args, kwargs, "lstrip", Side::Left)
}

fn str_rstrip(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    strip(vm, args, kwargs, "rstrip", Side::Right)
}

fn str_replace(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "replace")?.as_str();
    no_kwargs(vm, "replace", kwargs)?;
    check_arity(vm, "replace", &args[1..], 2, 3)?;
    let mut texts = [""; 2];
    for (i, text) in texts.iter_mut().enumerate() {
        let v = &args[i + 1];
        *text = v.as_str().ok_or_else(|| {
            vm.type_error(format!(
                "replace() argument {} must be str, not {}",
                i + 1,
                vm.type_name(v)
            ))
        })?;
    }
    let count = match args.get(3) {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    if texts[1].len() > texts[0].len() {
        let matches = s.matches(texts[0]).count();
        check_alloc(
            vm,
            replaced_size(s.len(), matches, texts[0].len(), texts[1].len(), count),
        )?;
    }
    let out = if count < 0 {
        s.replace(texts[0], texts[1])
    } else {
        s.replacen(texts[0], texts[1], count as usize)
    };
    Ok(vm.new_str(out))
}

/// Shared by find/rfind/index/rindex: the character index of `sub` in `s[start:end]`.
fn search(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    from_right: bool,
) -> PyResult<Option<usize>> {
    let s = this(vm, args, name)?;
    no_kwargs(vm, name, kwargs)?;
    let rest = &args[1..];
    takes_between(vm, name, rest, 1, 3)?;
    let sub = str_param(vm, &rest[0])?;
    let (start, end) = bounds_at(vm, rest, 1, s.char_len())?;
    if start > end {
        return Ok(None);
    }
    let (offset, hay) = char_slice(s, start, end);
    let found = if from_right { hay.rfind(sub) } else { hay.find(sub) };
    Ok(found.map(|b| chars_before(s, offset + b)))
}

fn position(found: Option<usize>) -> Value {
    Value::Int(found.map_or(-1, |i| i as i64))
}

fn str_find(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    search(vm, args, kwargs, "find", false).map(position)
}

fn str_rfind(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    search(vm, args, kwargs, "rfind", true).map(position)
}

fn str_index(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    match search(vm, args, kwargs, "index", false)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => Err(vm.value_error("substring not found")),
    }
}

fn str_rindex(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    match search(vm, args, kwargs, "rindex", true)? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => Err(vm.value_error("substring not found")),
    }
}

fn str_count(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "count")?;
    no_kwargs(vm, "count", kwargs)?;
    let rest = &args[1..];
    takes_between(vm, "count", rest, 1, 3)?;
    let sub = str_param(vm, &rest[0])?;
    let (start, end) = bounds_at(vm, rest, 1, s.char_len())?;
    if start > end {
        return Ok(Value::Int(0));
    }
    let (_, hay) = char_slice(s, start, end);
    let n = if sub.is_empty() {
        end - start + 1
    } else {
        hay.matches(sub).count()
    };
    Ok(Value::Int(n as i64))
}

/// startswith/endswith: a prefix or a tuple of them, within `[start:end]`.
fn affix_match(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)], name: &str, at_end: bool) -> PyResult<Value> {
    let s = this(vm, args, name)?;
    no_kwargs(vm, name, kwargs)?;
    let rest = &args[1..];
    takes_between(vm, name, rest, 1, 3)?;
    let (start, end) = bounds_at(vm, rest, 1, s.char_len())?;
    let candidates: Vec<&str> = match rest[0].payload() {
        Some(Payload::Str(p)) => vec![p.as_str()],
        Some(Payload::Tuple(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items.iter() {
                match item.as_str() {
                    Some(p) => out.push(p),
                    None => {
                        return Err(vm.type_error(format!(
                            "tuple for {name} must only contain str, not {}",
                            vm.type_name(item)
                        )));
                    }
                }
            }
            out
        }
        _ => {
            return Err(vm.type_error(format!(
                "{name} first arg must be str or a tuple of str, not {}",
                vm.type_name(&rest[0])
            )));
        }
    };
    if start > end {
        return Ok(Value::Bool(false));
    }
    let (_, hay) = char_slice(s, start, end);
    let hit = candidates
        .iter()
        .any(|p| if at_end { hay.ends_with(p) } else { hay.starts_with(p) });
    Ok(Value::Bool(hit))
}

fn str_startswith(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    affix_match(vm, args, kwargs, "startswith", false)
}

fn str_endswith(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    affix_match(vm, args, kwargs, "endswith", true)
}

fn str_partition(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    partition(vm, args, kwargs, "partition", false)
}

fn str_rpartition(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    partition(vm, args, kwargs, "rpartition", true)
}

fn partition(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)], name: &str, from_right: bool) -> PyResult<Value> {
    let s = this(vm, args, name)?.as_str();
    let sep = takes_one_arg(vm, "str", name, &args[1..], kwargs)?;
    let sep = str_param(vm, sep)?;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let found = if from_right { s.rfind(sep) } else { s.find(sep) };
    let parts = match found {
        Some(i) => [&s[..i], sep, &s[i + sep.len()..]],
        None if from_right => ["", "", s],
        None => [s, "", ""],
    };
    let items = parts.iter().map(|p| vm.new_str(*p)).collect();
    Ok(vm.new_tuple(items))
}

fn str_removeprefix(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    remove_affix(vm, args, kwargs, "removeprefix", false)
}

fn str_removesuffix(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    remove_affix(vm, args, kwargs, "removesuffix", true)
}

fn remove_affix(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)], name: &str, suffix: bool) -> PyResult<Value> {
    let s = this(vm, args, name)?.as_str();
    let affix = takes_one_arg(vm, "str", name, &args[1..], kwargs)?;
    let Some(affix) = affix.as_str() else {
        return Err(vm.type_error(format!("{name}() argument must be str, not {}", vm.type_name(affix))));
    };
    let out = if suffix {
        s.strip_suffix(affix)
    } else {
        s.strip_prefix(affix)
    };
    Ok(vm.new_str(out.unwrap_or(s)))
}

// ----- case -----------------------------------------------------------------------------------

/// Titlecase letters (category Lt): neither upper nor lower case, but cased.
fn is_titlecase(c: char) -> bool {
    matches!(c as u32, 0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_titlecase(c)
}

/// Title-case mapping: like upper case except for letters with a distinct title form.
fn push_title(c: char, out: &mut String) {
    let special = match c {
        'ß' => "Ss",
        '\u{1C4}'..='\u{1C6}' => "\u{1C5}",
        '\u{1C7}'..='\u{1C9}' => "\u{1C8}",
        '\u{1CA}'..='\u{1CC}' => "\u{1CB}",
        '\u{1F1}'..='\u{1F3}' => "\u{1F2}",
        '\u{587}' => "\u{535}\u{582}",
        '\u{FB00}' => "Ff",
        '\u{FB01}' => "Fi",
        '\u{FB02}' => "Fl",
        '\u{FB03}' => "Ffi",
        '\u{FB04}' => "Ffl",
        '\u{FB05}' | '\u{FB06}' => "St",
        _ => {
            if is_titlecase(c) {
                out.push(c);
            } else {
                out.extend(c.to_uppercase());
            }
            return;
        }
    };
    out.push_str(special);
}

/// Lower-case the character at `i`, applying the final-sigma rule as `str.lower` does.
fn push_lower(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c == 'Σ' {
        let after_cased = i > 0 && is_cased(chars[i - 1]);
        let before_cased = chars.get(i + 1).is_some_and(|&n| is_cased(n));
        out.push(if after_cased && !before_cased { 'ς' } else { 'σ' });
    } else {
        out.extend(c.to_lowercase());
    }
}

fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if previous_cased {
            push_lower(&chars, i, &mut out);
        } else {
            push_title(c, &mut out);
        }
        previous_cased = is_cased(c);
    }
    out
}

fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            push_title(c, &mut out);
        } else {
            push_lower(&chars, i, &mut out);
        }
    }
    out
}

fn swapcase(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            push_lower(&chars, i, &mut out);
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Full case folding: lower case, plus the characters whose folded form differs from it.
fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let folded = match c {
            'ß' | 'ẞ' => "ss",
            'ς' => "σ",
            'µ' => "μ",
            'ſ' => "s",
            'ŉ' => "ʼn",
            'ϐ' => "β",
            'ϑ' => "θ",
            'ϕ' => "φ",
            'ϖ' => "π",
            'ϰ' => "κ",
            'ϱ' => "ρ",
            'ϵ' => "ε",
            'ẛ' => "ṡ",
            '\u{1FBE}' => "ι",
            '\u{FB00}' => "ff",
            '\u{FB01}' => "fi",
            '\u{FB02}' => "fl",
            '\u{FB03}' => "ffi",
            '\u{FB04}' => "ffl",
            '\u{FB05}' | '\u{FB06}' => "st",
            _ => {
                out.extend(c.to_lowercase());
                continue;
            }
        };
        out.push_str(folded);
    }
    out
}

fn str_upper(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "upper", str::to_uppercase)
}

fn str_lower(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "lower", str::to_lowercase)
}

fn str_title(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "title", title)
}

fn str_capitalize(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "capitalize", capitalize)
}

fn str_swapcase(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "swapcase", swapcase)
}

fn str_casefold(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "casefold", casefold)
}

// ----- character classes ----------------------------------------------------------------------

/// The zero of every run of ten decimal digits (category Nd) in Unicode 14.
const DECIMAL_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0,
    0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620,
    0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
    0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60,
    0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// Digits that are not decimal (superscripts, circled digits…): `isdigit` but not `isdecimal`.
const OTHER_DIGITS: &[(u32, u32)] = &[
    (0xb2, 0xb3),
    (0xb9, 0xb9),
    (0x1369, 0x1371),
    (0x19da, 0x19da),
    (0x2070, 0x2070),
    (0x2074, 0x2079),
    (0x2080, 0x2089),
    (0x2460, 0x2468),
    (0x2474, 0x247c),
    (0x2488, 0x2490),
    (0x24ea, 0x24ea),
    (0x24f5, 0x24fd),
    (0x24ff, 0x24ff),
    (0x2776, 0x277e),
    (0x2780, 0x2788),
    (0x278a, 0x2792),
    (0x10a40, 0x10a43),
    (0x10e60, 0x10e68),
    (0x11052, 0x1105a),
    (0x1f100, 0x1f10a),
];

/// CJK ideographs with a numeric value (`'一'.isnumeric()`), outside the N* categories.
const CJK_NUMERIC: &[u32] = &[
    0x3405, 0x3483, 0x382a, 0x3b4d, 0x4e00, 0x4e03, 0x4e07, 0x4e09, 0x4e5d, 0x4e8c, 0x4e94, 0x4e96, 0x4ebf, 0x4ec0,
    0x4edf, 0x4ee8, 0x4f0d, 0x4f70, 0x5104, 0x5146, 0x5169, 0x516b, 0x516d, 0x5341, 0x5343, 0x5344, 0x5345, 0x534c,
    0x53c1, 0x53c2, 0x53c3, 0x53c4, 0x56db, 0x58f1, 0x58f9, 0x5e7a, 0x5efe, 0x5eff, 0x5f0c, 0x5f0d, 0x5f0e, 0x5f10,
    0x62fe, 0x634c, 0x67d2, 0x6f06, 0x7396, 0x767e, 0x8086, 0x842c, 0x8cae, 0x8cb3, 0x8d30, 0x9621, 0x9646, 0x964c,
    0x9678, 0x96f6, 0xf96b, 0xf973, 0xf978, 0xf9b2, 0xf9d1, 0xf9d3, 0xf9fd, 0x20001, 0x20064, 0x200e2, 0x20121,
    0x2092a, 0x20983, 0x2098c, 0x2099c, 0x20aea, 0x20afd, 0x20b19, 0x22390, 0x22998, 0x23b1b, 0x2626d, 0x2f890,
];

fn is_decimal(c: char) -> bool {
    let c = c as u32;
    let i = DECIMAL_ZEROS.partition_point(|&z| z <= c);
    i > 0 && c - DECIMAL_ZEROS[i - 1] < 10
}

fn is_digit(c: char) -> bool {
    is_decimal(c) || OTHER_DIGITS.iter().any(|&(lo, hi)| (lo..=hi).contains(&(c as u32)))
}

fn is_numeric(c: char) -> bool {
    c.is_numeric() || CJK_NUMERIC.binary_search(&(c as u32)).is_ok()
}

/// Letters (categories L*): Rust's `is_alphabetic` also counts letter numbers (Nl).
fn is_alpha(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}

fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let u = c as u32;
    let format_or_private = matches!(
        u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
            | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xF0000..
    );
    !c.is_control() && !py_isspace(c) && !format_or_private
}

fn all_chars(s: &str, test: fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(test)
}

fn str_isdigit(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isdigit", |s| all_chars(s, is_digit))
}

fn str_isdecimal(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isdecimal", |s| all_chars(s, is_decimal))
}

fn str_isnumeric(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isnumeric", |s| all_chars(s, is_numeric))
}

fn str_isalpha(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isalpha", |s| all_chars(s, is_alpha))
}

fn str_isalnum(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isalnum", |s| {
        all_chars(s, |c| is_alpha(c) || is_numeric(c))
    })
}

fn str_isspace(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isspace", |s| all_chars(s, py_isspace))
}

fn str_isascii(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isascii", str::is_ascii)
}

fn str_isprintable(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isprintable", |s| s.chars().all(is_printable))
}

fn str_isupper(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isupper", |s| {
        s.chars().any(char::is_uppercase) && !s.chars().any(|c| c.is_lowercase() || is_titlecase(c))
    })
}

fn str_islower(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "islower", |s| {
        s.chars().any(char::is_lowercase) && !s.chars().any(|c| c.is_uppercase() || is_titlecase(c))
    })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c) || c == '\u{b7}')
}

fn str_isidentifier(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isidentifier", is_identifier)
}

fn is_title(s: &str) -> bool {
    let (mut cased, mut previous_cased) = (false, false);
    for c in s.chars() {
        if c.is_uppercase() || is_titlecase(c) {
            if previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else if c.is_lowercase() {
            if !previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else {
            previous_cased = false;
        }
    }
    cased
}

fn str_istitle(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "istitle", is_title)
}

// ----- padding --------------------------------------------------------------------------------

fn str_zfill(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "zfill")?;
    let width = takes_one_arg(vm, "str", "zfill", &args[1..], kwargs)?;
    let width = int_arg(vm, width)?;
    let len = s.char_len() as i64;
    if width <= len {
        return Ok(args[0].builtin_self().clone_ref(vm.py));
    }
    let text = s.as_str();
    let (sign, digits) = match text.chars().next() {
        Some(c @ ('+' | '-')) => (Some(c), &text[1..]),
        _ => (None, text),
    };
    check_alloc(vm, width as usize)?;
    let mut out = String::with_capacity(width as usize);
    out.extend(sign);
    out.extend(std::iter::repeat_n('0', (width - len) as usize));
    out.push_str(digits);
    Ok(vm.new_str(out))
}

/// Shared by center/ljust/rjust: `(left, right)` padding from the missing width.
fn pad(
    vm: &mut Vm,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    name: &str,
    split: fn(usize, usize) -> (usize, usize),
) -> PyResult<Value> {
    let s = this(vm, args, name)?;
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, name, &args[1..], 1, 2)?;
    let width = int_arg(vm, &args[1])?;
    let fill = match args.get(2) {
        None => ' ',
        Some(v) => match v.as_str() {
            Some(f) => {
                let mut chars = f.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => c,
                    _ => {
                        return Err(vm.type_error("The fill character must be exactly one character long"));
                    }
                }
            }
            None => {
                return Err(vm.type_error(format!(
                    "The fill character must be a unicode character, not {}",
                    vm.type_name(v)
                )));
            }
        },
    };
    let len = s.char_len();
    if width <= len as i64 {
        return Ok(args[0].builtin_self().clone_ref(vm.py));
    }
    check_alloc(vm, width as usize)?;
    let (left, right) = split(width as usize - len, width as usize);
    let mut out = String::with_capacity(s.as_str().len() + left + right);
    out.extend(std::iter::repeat_n(fill, left));
    out.push_str(s.as_str());
    out.extend(std::iter::repeat_n(fill, right));
    Ok(vm.new_str(out))
}

fn str_center(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    // CPython puts the odd extra fill character on the left when the width is odd.
    pad(vm, args, kwargs, "center", |margin, width| {
        let left = margin / 2 + (margin & width & 1);
        (left, margin - left)
    })
}

fn str_ljust(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    pad(vm, args, kwargs, "ljust", |margin, _| (0, margin))
}

fn str_rjust(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    pad(vm, args, kwargs, "rjust", |margin, _| (margin, 0))
}

fn str_expandtabs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "expandtabs")?.as_str();
    let bound = bind_args(vm, "expandtabs", &args[1..], kwargs, &["tabsize"], 0)?;
    let tabsize = match bound[0] {
        Some(v) => int_arg(vm, v)?,
        None => 8,
    };
    // CPython takes the tab size as a C int.
    if i32::try_from(tabsize).is_err() {
        return Err(vm.overflow_error("Python int too large to convert to C int"));
    }
    let mut out = String::with_capacity(s.len());
    let mut column: i64 = 0;
    for c in s.chars() {
        match c {
            '\t' => {
                if tabsize > 0 {
                    let n = tabsize - column % tabsize;
                    check_alloc(vm, out.len().saturating_add(n as usize))?;
                    out.extend(std::iter::repeat_n(' ', n as usize));
                    column += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                column = 0;
            }
            _ => {
                out.push(c);
                column += 1;
            }
        }
    }
    Ok(vm.new_str(out))
}

// ----- encoding -------------------------------------------------------------------------------

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, as codec error messages show a character.
pub(super) fn escape_code_point(c: u32) -> String {
    if c < 0x100 {
        format!("\\x{c:02x}")
    } else if c < 0x10000 {
        format!("\\u{c:04x}")
    } else {
        format!("\\U{c:08x}")
    }
}

fn str_encode(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "encode")?.as_str();
    let bound = bind_args(vm, "encode", &args[1..], kwargs, &["encoding", "errors"], 0)?;
    let encoding = text_arg(vm, "encode", bound[0], "encoding", "utf-8")?;
    let errors = text_arg(vm, "encode", bound[1], "errors", "strict")?;
    let codec = Codec::lookup(vm, encoding)?;
    if codec == Codec::Utf8 {
        return Ok(vm.new_bytes(s.as_bytes().to_vec()));
    }
    let chars: Vec<char> = s.chars().collect();
    let limit = codec.limit();
    let mut out = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i] as u32;
        if c < limit {
            out.push(c as u8);
            i += 1;
            continue;
        }
        // The run of unencodable characters is reported (or replaced) as one.
        let end = (i..chars.len())
            .find(|&j| (chars[j] as u32) < limit)
            .unwrap_or(chars.len());
        match errors {
            "strict" => {
                let what = if end - i == 1 {
                    format!("character '{}' in position {i}", escape_code_point(c))
                } else {
                    format!("characters in position {i}-{}", end - 1)
                };
                return Err(vm.new_error(
                    &types().unicode_encode_error,
                    format!(
                        "'{}' codec can't encode {what}: ordinal not in range({limit})",
                        codec.name()
                    ),
                ));
            }
            "ignore" => {}
            "replace" => out.extend(std::iter::repeat_n(b'?', end - i)),
            "backslashreplace" => {
                for &ch in &chars[i..end] {
                    out.extend(escape_code_point(ch as u32).bytes());
                }
            }
            "xmlcharrefreplace" => {
                for &ch in &chars[i..end] {
                    out.extend(format!("&#{};", ch as u32).bytes());
                }
            }
            _ => {
                return Err(vm.new_error(&types().lookup_error, format!("unknown error handler name '{errors}'")));
            }
        }
        i = end;
    }
    Ok(vm.new_bytes(out))
}

// ----- str.format -----------------------------------------------------------------------------

fn str_format(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "format")?.as_str();
    let mut formatter = Formatter {
        positional: Some(&args[1..]),
        named: Named::Kwargs(kwargs),
        auto: AutoNumber::Init,
    };
    let out = formatter.build(vm, s, 2)?;
    Ok(vm.new_str(out))
}

fn str_format_map(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "format_map")?.as_str();
    let mapping = takes_one_arg(vm, "str", "format_map", &args[1..], kwargs)?;
    let mut formatter = Formatter {
        positional: None,
        named: Named::Mapping(mapping),
        auto: AutoNumber::Init,
    };
    let out = formatter.build(vm, s, 2)?;
    Ok(vm.new_str(out))
}

/// Where `{name}` fields come from: `format`'s keyword arguments or `format_map`'s mapping.
enum Named<'a> {
    Kwargs(&'a [(ObjRef, Value)]),
    Mapping(&'a Value),
}

/// Automatic (`{}`) and manual (`{0}`) numbering cannot be mixed in one format string.
#[derive(Clone, Copy)]
enum AutoNumber {
    Init,
    Auto(usize),
    Manual,
}

/// One `{field!conversion:spec}`, as positions in the format string.
struct Field<'t> {
    name: &'t str,
    conversion: Option<char>,
    spec: &'t str,
    spec_has_fields: bool,
    /// Byte position just past the closing brace.
    end: usize,
}

/// CPython's `parse_field`: `start` is just past the opening brace.
fn parse_field(text: &str, start: usize) -> Result<Field<'_>, &'static str> {
    let b = text.as_bytes();
    let mut i = start;
    let mut delimiter = None;
    while i < b.len() {
        let c = b[i];
        i += 1;
        match c {
            b'{' => return Err("unexpected '{' in field name"),
            b'[' => {
                while i < b.len() && b[i] != b']' {
                    i += 1;
                }
            }
            b'}' | b':' | b'!' => {
                delimiter = Some(c);
                break;
            }
            _ => {}
        }
    }
    let Some(c) = delimiter else {
        return Err("expected '}' before end of string");
    };
    // `i - 1` is the (ASCII) delimiter, so this slice ends on a character boundary.
    let name = &text[start..i - 1];
    if c == b'}' {
        return Ok(Field {
            name,
            conversion: None,
            spec: "",
            spec_has_fields: false,
            end: i,
        });
    }
    let mut conversion = None;
    if c == b'!' {
        let Some(conv) = text[i..].chars().next() else {
            return Err("end of string while looking for conversion specifier");
        };
        conversion = Some(conv);
        i += conv.len_utf8();
        if i < b.len() {
            let after = b[i];
            i += 1;
            if after == b'}' {
                return Ok(Field {
                    name,
                    conversion,
                    spec: "",
                    spec_has_fields: false,
                    end: i,
                });
            }
            if after != b':' {
                return Err("expected ':' after conversion specifier");
            }
        }
    }
    let spec_start = i;
    let mut depth = 1;
    let mut spec_has_fields = false;
    while i < b.len() {
        let c = b[i];
        i += 1;
        match c {
            b'{' => {
                spec_has_fields = true;
                depth += 1;
            }
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(Field {
                        name,
                        conversion,
                        spec: &text[spec_start..i - 1],
                        spec_has_fields,
                        end: i,
                    });
                }
            }
            _ => {}
        }
    }
    Err("unmatched '{' in format spec")
}

/// A run of ASCII digits as an index (`{0}`, `[3]`); `None` when it is a name.
fn parse_index(vm: &Vm, text: &str) -> PyResult<Option<usize>> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    match text.parse::<usize>() {
        Ok(n) if n <= isize::MAX as usize => Ok(Some(n)),
        _ => Err(vm.value_error("Too many decimal digits in format string")),
    }
}

struct Formatter<'a> {
    /// `None` for `format_map`, which has no positional arguments.
    positional: Option<&'a [Value]>,
    named: Named<'a>,
    auto: AutoNumber,
}

impl Formatter<'_> {
    /// Expand a format string; `depth` limits nesting of fields inside format specs.
    fn build(&mut self, vm: &mut Vm, text: &str, depth: i32) -> PyResult<String> {
        if depth <= 0 {
            return Err(vm.value_error("Max string recursion exceeded"));
        }
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let (mut i, mut literal_start) = (0, 0);
        while i < b.len() {
            let c = b[i];
            if c != b'{' && c != b'}' {
                i += 1;
                continue;
            }
            out.push_str(&text[literal_start..i]);
            let doubled = b.get(i + 1) == Some(&c);
            if doubled {
                out.push(c as char);
                i += 2;
            } else if c == b'}' {
                return Err(vm.value_error("Single '}' encountered in format string"));
            } else if i + 1 >= b.len() {
                return Err(vm.value_error("Single '{' encountered in format string"));
            } else {
                let field = parse_field(text, i + 1).map_err(|m| vm.value_error(m))?;
                self.output_field(vm, &field, depth, &mut out)?;
                i = field.end;
            }
            literal_start = i;
        }
        out.push_str(&text[literal_start..]);
        Ok(out)
    }

    fn output_field(&mut self, vm: &mut Vm, field: &Field, depth: i32, out: &mut String) -> PyResult<()> {
        let obj = self.field_object(vm, field.name)?;
        let obj = match field.conversion {
            None => obj,
            Some('r') => {
                let s = vm.repr(&obj)?;
                vm.new_str(s)
            }
            Some('s') => {
                let s = vm.str(&obj)?;
                vm.new_str(s)
            }
            Some('a') => {
                let s = vm.ascii(&obj)?;
                vm.new_str(s)
            }
            Some(c) => {
                let shown = if (33..128).contains(&(c as u32)) {
                    c.to_string()
                } else {
                    format!("\\x{:x}", c as u32)
                };
                return Err(vm.value_error(format!("Unknown conversion specifier {shown}")));
            }
        };
        let spec = if field.spec_has_fields {
            self.build(vm, field.spec, depth - 1)?
        } else {
            field.spec.to_string()
        };
        out.push_str(&vm.format(&obj, &spec)?);
        Ok(())
    }

    /// Resolve `first.attr[key]…` to the object to format.
    fn field_object(&mut self, vm: &mut Vm, name: &str) -> PyResult<Value> {
        let split = name.find(['.', '[']).unwrap_or(name.len());
        let (first, mut rest) = name.split_at(split);
        let mut index = parse_index(vm, first)?;
        if first.is_empty() || index.is_some() {
            match (self.auto, first.is_empty()) {
                (AutoNumber::Manual, true) => {
                    return Err(
                        vm.value_error("cannot switch from manual field specification to automatic field numbering")
                    );
                }
                (AutoNumber::Auto(_), false) => {
                    return Err(
                        vm.value_error("cannot switch from automatic field numbering to manual field specification")
                    );
                }
                (AutoNumber::Init, false) => self.auto = AutoNumber::Manual,
                _ => {}
            }
            if first.is_empty() {
                let n = match self.auto {
                    AutoNumber::Auto(n) => n,
                    _ => 0,
                };
                self.auto = AutoNumber::Auto(n + 1);
                index = Some(n);
            }
        }
        let mut obj = match index {
            Some(i) => {
                let Some(positional) = self.positional else {
                    return Err(vm.value_error("Format string contains positional fields"));
                };
                match positional.get(i) {
                    Some(v) => v.clone_ref(vm.py),
                    None => {
                        return Err(
                            vm.index_error(format!("Replacement index {i} out of range for positional args tuple"))
                        );
                    }
                }
            }
            None => match &self.named {
                Named::Kwargs(kwargs) => match kwarg(kwargs, first) {
                    Some(v) => v.clone_ref(vm.py),
                    None => {
                        let key = vm.new_str(first);
                        return Err(vm.key_error(&key));
                    }
                },
                Named::Mapping(mapping) => {
                    let key = vm.new_str(first);
                    vm.get_item(mapping, &key)?
                }
            },
        };
        while !rest.is_empty() {
            let (is_attr, part, next) = if let Some(after) = rest.strip_prefix('.') {
                let end = after.find(['.', '[']).unwrap_or(after.len());
                (true, &after[..end], &after[end..])
            } else if let Some(after) = rest.strip_prefix('[') {
                let Some(end) = after.find(']') else {
                    return Err(vm.value_error("Missing ']' in format string"));
                };
                (false, &after[..end], &after[end + 1..])
            } else {
                return Err(vm.value_error("Only '.' or '[' may follow ']' in format field specifier"));
            };
            let item_index = if is_attr { None } else { parse_index(vm, part)? };
            if part.is_empty() {
                return Err(vm.value_error("Empty attribute in format string"));
            }
            obj = if is_attr {
                let attr = vm.new_str(part);
                let Value::Obj(attr) = attr else {
                    return Err(vm.runtime_error("attribute name"));
                };
                vm.get_attr(&obj, &attr)?
            } else {
                let key = match item_index {
                    Some(i) => Value::Int(i as i64),
                    None => vm.new_str(part),
                };
                vm.get_item(&obj, &key)?
            };
            rest = next;
        }
        Ok(obj)
    }
}

// ----- translate ------------------------------------------------------------------------------

fn str_maketrans(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "maketrans", kwargs)?;
    check_arity(vm, "maketrans", args, 1, 3)?;
    let table = vm.new_dict();
    if args.len() == 1 {
        let Some(Payload::Dict(_)) = args[0].payload() else {
            return Err(vm.type_error("if you give only one argument to maketrans it must be a dict"));
        };
        for (k, v) in vm.dict_items(&args[0])? {
            let key = match (k.as_str(), &k) {
                (Some(s), _) => {
                    let mut chars = s.chars();
                    match (chars.next(), chars.next()) {
                        (Some(c), None) => Value::Int(c as i64),
                        _ => {
                            return Err(vm.value_error("string keys in translate table must be of length 1"));
                        }
                    }
                }
                (None, Value::Int(_) | Value::Bool(_)) => Value::Int(as_small_int(&k).unwrap_or(0)),
                _ => {
                    return Err(vm.type_error("keys in translate table must be strings or integers"));
                }
            };
            vm.dict_set(&table, key, v)?;
        }
        return Ok(table);
    }
    let (Some(from), Some(to)) = (args[0].as_str(), args[1].as_str()) else {
        let bad = if args[0].as_str().is_none() { &args[0] } else { &args[1] };
        let n = if args[0].as_str().is_none() { 1 } else { 2 };
        return Err(vm.type_error(format!(
            "maketrans() argument {n} must be str, not {}",
            vm.type_name(bad)
        )));
    };
    if from.chars().count() != to.chars().count() {
        return Err(vm.value_error("the first two maketrans arguments must have equal length"));
    }
    for (a, b) in from.chars().zip(to.chars()) {
        vm.dict_set(&table, Value::Int(a as i64), Value::Int(b as i64))?;
    }
    if let Some(z) = args.get(2) {
        let Some(delete) = z.as_str() else {
            return Err(vm.type_error(format!("maketrans() argument 3 must be str, not {}", vm.type_name(z))));
        };
        for c in delete.chars() {
            vm.dict_set(&table, Value::Int(c as i64), Value::None)?;
        }
    }
    Ok(table)
}

fn str_translate(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "translate")?.as_str();
    let table = takes_one_arg(vm, "str", "translate", &args[1..], kwargs)?;
    let is_dict = matches!(table.payload(), Some(Payload::Dict(_)));
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let key = Value::Int(c as i64);
        let mapped = if is_dict {
            vm.dict_get(table, &key)?
        } else {
            match vm.get_item(table, &key) {
                Ok(v) => Some(v),
                Err(e) if vm.err_matches(&e, &types().lookup_error) => None,
                Err(e) => return Err(e),
            }
        };
        match mapped {
            None => out.push(c),
            Some(Value::None) => {}
            Some(v) => {
                if let Some(text) = v.as_str() {
                    check_alloc(vm, out.len() + text.len())?;
                    out.push_str(text);
                } else if let Some(i) = as_small_int(&v) {
                    match u32::try_from(i).ok().filter(|&i| i < 0x110000).map(char::from_u32) {
                        Some(Some(ch)) => out.push(ch),
                        Some(None) => {
                            return Err(vm.value_error("surrogate characters are not supported"));
                        }
                        None => {
                            return Err(vm.value_error("character mapping must be in range(0x110000)"));
                        }
                    }
                } else {
                    return Err(vm.type_error("character mapping must return integer, None or str"));
                }
            }
        }
    }
    Ok(vm.new_str(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_splitting_honours_maxsplit() {
        assert_eq!(split_whitespace("  a b  c  ", -1, py_isspace), ["a", "b", "c"]);
        assert_eq!(split_whitespace("  a b  c  ", 1, py_isspace), ["a", "b  c  "]);
        assert_eq!(rsplit_whitespace("  a b  c  ", 1, py_isspace), ["  a b", "c"]);
        assert!(split_whitespace(" \x1c ", -1, py_isspace).is_empty());
    }

    #[test]
    fn bounds_follow_cpython() {
        assert_eq!(adjust_bounds(None, None, 5), (0, 5));
        assert_eq!(adjust_bounds(Some(-2), Some(100), 5), (3, 5));
        assert_eq!(adjust_bounds(Some(7), Some(-9), 5), (7, 0));
    }

    #[test]
    fn case_mappings() {
        assert_eq!(title("hello wORLD ß"), "Hello World Ss");
        assert_eq!(capitalize("hELLO ΣΑΣ"), "Hello σας");
        assert_eq!(swapcase("aBc"), "AbC");
        assert_eq!(casefold("Straße"), "strasse");
        assert!(is_title("Hello World") && !is_title("Hello world") && !is_title(""));
    }

    #[test]
    fn digit_classes() {
        assert!(is_decimal('7') && is_decimal('٣') && !is_decimal('²'));
        assert!(is_digit('²') && !is_digit('½') && is_numeric('½') && is_numeric('一'));
    }

    #[test]
    fn field_parsing() {
        let f = parse_field("0!r:>{w}}", 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (f.name, f.conversion, f.spec, f.spec_has_fields, f.end),
            ("0", Some('r'), ">{w}", true, 9)
        );
        assert_eq!(
            parse_field("0!", 0).err(),
            Some("end of string while looking for conversion specifier")
        );
        assert_eq!(parse_field("0!}", 0).err(), Some("unmatched '{' in format spec"));
        assert_eq!(parse_field("a[}", 0).err(), Some("expected '}' before end of string"));
    }
}
