//! `_sre`: the native half of `re` (`py/re.py`): parsing Python's pattern syntax
//! (`parse.rs`), compiling it (`program.rs`) and running it (`matcher.rs`).
//!
//! The engine is a backtracking matcher of our own rather than a crate's automaton: Python's
//! semantics (alternation order, backreferences, look-behind, atomic groups and possessive
//! repeats, conditionals, which groups an iteration leaves set) are those of a backtracking
//! engine, which `regex`/`regex-automata` do not offer and `fancy-regex` offers in Perl's
//! flavour, not Python's.
//!
//! Compiled programs live in a table keyed by (pattern, flags): the Python `Pattern` passes
//! its pattern and flags with every call and gets the shared program, so no new object type
//! is needed. The table is emptied by `re.purge()` and when it grows past
//! [`MAX_CACHED`] programs; a `Pattern` whose program went simply compiles it again.
//!
//! The GIL (or, free-threaded, the thread's attachment) is held while matching, as CPython
//! does, but the matcher passes a check point every few thousand steps: other threads get
//! their turn and Ctrl-C interrupts a runaway match. The text is an immutable str or bytes
//! the call holds a reference to, so nothing can change under the matcher meanwhile.

mod matcher;
mod parse;
mod program;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::objects::types::types;
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::new_module;
use matcher::{Matcher, Outcome, Unit};
use parse::{FLAG_ASCII, ParseError};
use program::Program;

/// Programs kept before the table is emptied.
const MAX_CACHED: usize = 512;

struct Compiled {
    program: Program,
    groups: usize,
    flags: u32,
    names: Vec<(String, usize)>,
    ascii: bool,
}

#[derive(Hash, PartialEq, Eq)]
struct Key {
    is_bytes: bool,
    pattern: Vec<u32>,
    flags: u32,
}

fn cache() -> &'static Mutex<HashMap<Key, Arc<Compiled>>> {
    static CACHE: std::sync::OnceLock<Mutex<HashMap<Key, Arc<Compiled>>>> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_sre",
        &[
            ("compile", compile),
            ("match", match_once),
            ("scan", scan),
            ("purge", purge),
        ],
        Vec::new(),
    )
}

/// The code points of a str or bytes value, and whether it is bytes.
fn code_points(vm: &Vm, value: &Value) -> PyResult<(Vec<u32>, bool)> {
    match value.payload() {
        Some(Payload::Str(s)) => Ok((s.as_str().chars().map(u32::from).collect(), false)),
        Some(Payload::Bytes(b)) => Ok((b.iter().map(|&b| u32::from(b)).collect(), true)),
        _ => Err(vm.type_error(format!(
            "first argument must be string or compiled pattern, not {}",
            vm.type_name(value)
        ))),
    }
}

fn int_arg(vm: &Vm, value: &Value, what: &str) -> PyResult<i64> {
    match value {
        Value::Int(i) => Ok(*i),
        Value::Bool(b) => Ok(i64::from(*b)),
        _ => Err(vm.type_error(format!("{what} must be an int, not {}", vm.type_name(value)))),
    }
}

/// The compiled program of `pattern` with `flags`, compiling it if needed. `error_class` is
/// `re.error`, raised for a malformed pattern.
fn program_for(vm: &mut Vm, pattern: &Value, flags: u32, error_class: Option<&Value>) -> PyResult<Arc<Compiled>> {
    let (codes, is_bytes) = code_points(vm, pattern)?;
    let key = Key {
        is_bytes,
        pattern: codes,
        flags,
    };
    if let Some(found) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(found);
    }
    let parsed = match parse::parse(&key.pattern, flags, is_bytes) {
        Ok(parsed) => parsed,
        Err(ParseError::Overflow) => {
            return Err(vm.new_error(&types().overflow_error, "the repetition number is too large"));
        }
        Err(ParseError::TooDeep) => {
            return Err(vm.new_error(&types().recursion_error, "maximum recursion depth exceeded"));
        }
        Err(ParseError::Syntax { msg, pos }) => {
            let Some(error_class) = error_class else {
                return Err(vm.value_error(msg));
            };
            let pos = pos.map_or(Value::None, |p| Value::Int(p as i64));
            let args = [vm.new_str(msg), pattern.clone_ref(vm.py), pos];
            return Err(match vm.call(error_class, &args, &[])? {
                Value::Obj(exc) => crate::vm::PyErr { exc },
                _ => vm.type_error("re.error must be an exception class"),
            });
        }
    };
    let ascii = is_bytes || parsed.flags & FLAG_ASCII != 0;
    let Ok(program) = program::compile(&parsed.node, ascii) else {
        return Err(vm.new_error(
            &types().overflow_error,
            "toy: the pattern is too large once its repeats are expanded",
        ));
    };
    let compiled = Arc::new(Compiled {
        program,
        groups: parsed.groups,
        flags: parsed.flags,
        names: parsed.names,
        ascii,
    });
    if let Ok(mut table) = cache().lock() {
        if table.len() >= MAX_CACHED {
            table.clear();
        }
        table.insert(key, compiled.clone());
    }
    Ok(compiled)
}

/// `compile(pattern, flags, error_class)`: `(flags, groups, [(name, index), ...])`.
fn compile(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "compile", kwargs)?;
    check_arity(vm, "compile", args, 3, 3)?;
    let flags = int_arg(vm, &args[1], "flags")? as u32;
    let compiled = program_for(vm, &args[0], flags, Some(&args[2]))?;
    let names = compiled
        .names
        .iter()
        .map(|(name, index)| {
            let name = vm.new_str(name.as_str());
            vm.new_tuple(vec![name, Value::Int(*index as i64)])
        })
        .collect();
    let names = vm.new_list(names);
    Ok(vm.new_tuple(vec![
        Value::Int(i64::from(compiled.flags)),
        Value::Int(compiled.groups as i64),
        names,
    ]))
}

/// `purge()`: forget every compiled program.
fn purge(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "purge", kwargs)?;
    check_arity(vm, "purge", args, 0, 0)?;
    if let Ok(mut table) = cache().lock() {
        table.clear();
    }
    Ok(Value::None)
}

/// What a match call asks for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Match,
    Search,
    FullMatch,
}

/// One match: its slots and `lastindex`, as a tuple `(lastindex, start0, end0, start1, …)`
/// with -1 for groups that did not take part.
fn match_tuple<T: Unit>(vm: &Vm, matcher: &Matcher<'_, T>) -> Value {
    let mut items = Vec::with_capacity(matcher.slots.len() + 1);
    items.push(matcher.last_index.map_or(Value::None, |i| Value::Int(i as i64)));
    for slot in &matcher.slots {
        items.push(Value::Int(slot.map_or(-1, |s| s as i64)));
    }
    vm.new_tuple(items)
}

/// Runs `body` over the text of `string` (bytes, or the chars of a str) cut at `endpos`.
fn with_text<R>(
    vm: &mut Vm,
    pattern_is_bytes: bool,
    string: &Value,
    body: &mut dyn FnMut(&mut Vm, TextRef<'_>) -> PyResult<R>,
) -> PyResult<R> {
    match string.payload() {
        Some(Payload::Str(s)) if !pattern_is_bytes => {
            let text = s.as_str();
            if text.is_ascii() {
                body(vm, TextRef::Bytes(text.as_bytes()))
            } else {
                let chars: Vec<char> = text.chars().collect();
                body(vm, TextRef::Chars(&chars))
            }
        }
        Some(Payload::Bytes(b)) if pattern_is_bytes => body(vm, TextRef::Bytes(b)),
        Some(Payload::Str(_)) => Err(vm.type_error("cannot use a bytes pattern on a string-like object")),
        Some(Payload::Bytes(_)) => Err(vm.type_error("cannot use a string pattern on a bytes-like object")),
        _ => Err(vm.type_error(format!(
            "expected string or bytes-like object, got '{}'",
            vm.type_name(string)
        ))),
    }
}

enum TextRef<'a> {
    Bytes(&'a [u8]),
    Chars(&'a [char]),
}

/// `(pos, endpos)` clamped to the text as CPython clamps them.
fn bounds(vm: &Vm, pos: &Value, endpos: &Value, len: usize) -> PyResult<(usize, usize)> {
    let clamp = |v: i64| v.clamp(0, len as i64) as usize;
    let pos = clamp(int_arg(vm, pos, "pos")?);
    let endpos = if endpos.is_none() {
        len
    } else {
        clamp(int_arg(vm, endpos, "endpos")?)
    };
    Ok((pos, endpos))
}

fn run_one<T: Unit>(
    vm: &mut Vm,
    compiled: &Compiled,
    text: &[T],
    pos: usize,
    endpos: usize,
    mode: Mode,
) -> PyResult<Value> {
    if endpos < pos {
        return Ok(Value::None);
    }
    let text = &text[..endpos];
    let mut matcher = Matcher::new(&compiled.program, text, compiled.groups, compiled.ascii);
    let mut check = || vm.check_point();
    let outcome = match mode {
        Mode::Search => matcher.search(pos, false, &mut check),
        Mode::Match => matcher.match_at(pos, false, &mut check),
        Mode::FullMatch => matcher.match_to_end(pos, &mut check),
    };
    match outcome {
        Outcome::Matched(_) => Ok(match_tuple(vm, &matcher)),
        Outcome::Stopped(err) => Err(err),
        Outcome::Failed => Ok(Value::None),
    }
}

/// `match(pattern, flags, string, pos, endpos, mode)` with mode 0 (match), 1 (search) or 2
/// (fullmatch): a match tuple or `None`.
fn match_once(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "match", kwargs)?;
    check_arity(vm, "match", args, 6, 6)?;
    let flags = int_arg(vm, &args[1], "flags")? as u32;
    let compiled = program_for(vm, &args[0], flags, None)?;
    let mode = match int_arg(vm, &args[5], "mode")? {
        0 => Mode::Match,
        1 => Mode::Search,
        _ => Mode::FullMatch,
    };
    let is_bytes = matches!(args[0].payload(), Some(Payload::Bytes(_)));
    with_text(vm, is_bytes, &args[2], &mut |vm, text| match text {
        TextRef::Bytes(t) => {
            let (pos, endpos) = bounds(vm, &args[3], &args[4], t.len())?;
            run_one(vm, &compiled, t, pos, endpos, mode)
        }
        TextRef::Chars(t) => {
            let (pos, endpos) = bounds(vm, &args[3], &args[4], t.len())?;
            run_one(vm, &compiled, t, pos, endpos, mode)
        }
    })
}

fn scan_all<T: Unit>(
    vm: &mut Vm,
    compiled: &Compiled,
    text: &[T],
    pos: usize,
    endpos: usize,
    limit: usize,
) -> PyResult<Value> {
    let mut found = Vec::new();
    if endpos >= pos {
        let text = &text[..endpos];
        let mut matcher = Matcher::new(&compiled.program, text, compiled.groups, compiled.ascii);
        let mut at = pos;
        let mut after_empty = false;
        while at <= text.len() && (limit == 0 || found.len() < limit) {
            let mut check = || vm.check_point();
            match matcher.search(at, after_empty, &mut check) {
                Outcome::Matched(end) => {
                    let start = matcher.slots[0].unwrap_or(at);
                    found.push(match_tuple(vm, &matcher));
                    after_empty = end == start;
                    at = end;
                }
                Outcome::Failed => break,
                Outcome::Stopped(err) => return Err(err),
            }
        }
    }
    Ok(vm.new_list(found))
}

/// `scan(pattern, flags, string, pos, endpos, limit)`: the match tuples of every
/// non-overlapping match, left to right, with CPython 3.7's rule for empty matches (allowed
/// next to a previous match, but never twice at one place); at most `limit` unless 0.
fn scan(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "scan", kwargs)?;
    check_arity(vm, "scan", args, 6, 6)?;
    let flags = int_arg(vm, &args[1], "flags")? as u32;
    let compiled = program_for(vm, &args[0], flags, None)?;
    let limit = int_arg(vm, &args[5], "limit")?.max(0) as usize;
    let is_bytes = matches!(args[0].payload(), Some(Payload::Bytes(_)));
    with_text(vm, is_bytes, &args[2], &mut |vm, text| match text {
        TextRef::Bytes(t) => {
            let (pos, endpos) = bounds(vm, &args[3], &args[4], t.len())?;
            scan_all(vm, &compiled, t, pos, endpos, limit)
        }
        TextRef::Chars(t) => {
            let (pos, endpos) = bounds(vm, &args[3], &args[4], t.len())?;
            scan_all(vm, &compiled, t, pos, endpos, limit)
        }
    })
}
