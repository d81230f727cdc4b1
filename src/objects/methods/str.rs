//! `str` methods (case mapping and character classes in `case.rs`, `str.format` in
//! `formatter.rs`).
//!
//! Indices are in characters (code points), as in Python; text is stored as UTF-8, so
//! character positions are turned into byte offsets before slicing.

pub(crate) mod case;
// The character classes `re` shares with the str methods.
pub(crate) use case::{is_alpha, is_decimal, is_numeric};
mod formatter;

use crate::gil::Gil;
use crate::objects::types::{add_methods, types};
use crate::objects::{ObjRef, Payload, PyStr, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::shared::{
    Codec, add_descriptor, bind_args, bounds_at, check_alloc, descriptor_error, int_arg, py_isspace, replaced_size,
    takes_between, takes_no_args, takes_one_arg, text_arg,
};
use case::{
    str_capitalize, str_casefold, str_isalnum, str_isalpha, str_isascii, str_isdecimal, str_isdigit, str_isidentifier,
    str_islower, str_isnumeric, str_isprintable, str_isspace, str_istitle, str_isupper, str_lower, str_swapcase,
    str_title, str_upper,
};
use formatter::{str_format, str_format_map};

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
    // One plain string joins to itself, as in CPython (identity can tell).
    if let [only] = items.as_slice()
        && matches!(only.payload(), Some(Payload::Str(_)))
    {
        return Ok(only.clone_ref(vm.py));
    }
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

pub(super) fn str_encode(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
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
}
