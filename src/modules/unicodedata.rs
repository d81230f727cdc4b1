//! `unicodedata`: character names, general categories, bidirectional classes, combining
//! classes, digit values and the normalization forms, with CPython's errors.
//!
//! The data come from the unicode-rs crates (`unicode_names2`, `unicode-general-category`,
//! `unicode-bidi`, `unicode-normalization`), whose Unicode versions are newer than CPython
//! 3.11's 14.0.0: characters assigned since then have names and categories here that CPython
//! 3.11 does not know. Decimal digit values use the Unicode 14 table `str.isdecimal()` uses.
//! Not provided (AttributeError): `decomposition`, `east_asian_width`, `mirrored` and
//! `ucd_3_2_0`, for which no crate has the data. `digit()` and `numeric()` know the values
//! of decimal digits only and raise `NotImplementedError` for other characters that have one.

use unicode_general_category::{GeneralCategory, get_general_category};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::canonical_combining_class;

use super::new_module;
use crate::objects::methods::str::case::{decimal_value, is_digit, is_numeric};
use crate::objects::types::types;
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::{PyErr, PyResult, Vm};

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("name", name),
    ("lookup", lookup),
    ("category", category),
    ("bidirectional", bidirectional),
    ("combining", combining),
    ("decimal", decimal),
    ("digit", digit),
    ("numeric", numeric),
    ("normalize", normalize),
    ("is_normalized", is_normalized),
];

/// The Unicode version of the category and bidirectional data (names and normalization
/// come from crates at least as new).
const UNIDATA_VERSION: &str = "16.0.0";

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let version = vm.new_str(UNIDATA_VERSION);
    new_module(vm, "unicodedata", FUNCTIONS, vec![("unidata_version", version)])
}

/// The one character a function takes; `numbered` says whether CPython's message numbers
/// the argument (functions that also take a default).
fn char_arg(vm: &Vm, function: &str, v: &Value, numbered: bool) -> PyResult<char> {
    let mut chars = v.as_str().map(str::chars);
    match chars.as_mut().map(|c| (c.next(), c.next())) {
        Some((Some(c), None)) => Ok(c),
        _ => {
            let which = if numbered { " 1" } else { "" };
            Err(vm.type_error(format!(
                "{function}() argument{which} must be a unicode character, not {}",
                vm.type_name(v)
            )))
        }
    }
}

/// A function of one character.
fn one_char(vm: &Vm, function: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<char> {
    no_kwargs(vm, function, kwargs)?;
    check_arity(vm, function, args, 1, 1)?;
    char_arg(vm, function, &args[0], false)
}

/// A function of a character and an optional default: the character, and the default's value
/// to return (or `missing` raised as ValueError) when the character has no such property.
fn with_default(
    vm: &mut Vm,
    function: &str,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    found: impl FnOnce(&mut Vm, char) -> PyResult<Option<Value>>,
    missing: &str,
) -> PyResult<Value> {
    no_kwargs(vm, function, kwargs)?;
    check_arity(vm, function, args, 1, 2)?;
    let c = char_arg(vm, function, &args[0], true)?;
    match (found(vm, c)?, args.get(1)) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default.clone_ref(vm.py)),
        (None, None) => Err(vm.value_error(missing)),
    }
}

fn name(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    with_default(
        vm,
        "name",
        args,
        kwargs,
        |vm, c| Ok(unicode_names2::name(c).map(|n| vm.new_str(n.to_string()))),
        "no such name",
    )
}

/// CPython's limit on the length of a name `lookup` accepts.
const LONGEST_NAME: usize = 256;

fn lookup(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "lookup", kwargs)?;
    check_arity(vm, "lookup", args, 1, 1)?;
    let query = match (
        args[0].as_str(),
        crate::objects::methods::bytes::bytes_like(vm, &args[0])?,
    ) {
        (Some(s), _) => s.to_string(),
        (None, Some(b)) => String::from_utf8_lossy(&b).into_owned(),
        (None, None) => {
            return Err(vm.type_error(format!("lookup() argument must be str, not {}", vm.type_name(&args[0]))));
        }
    };
    if query.len() > LONGEST_NAME {
        let message = vm.new_str("name too long");
        return Err(vm.key_error(&message));
    }
    // The crate also matches names loosely (without spaces, say); CPython only ignores case.
    let wanted = query.to_uppercase();
    let found =
        unicode_names2::character(&query).filter(|&c| unicode_names2::name(c).is_some_and(|n| n.to_string() == wanted));
    match found {
        Some(c) => Ok(vm.new_str(c.to_string())),
        None => {
            let message = vm.new_str(format!("undefined character name '{query}'"));
            Err(vm.key_error(&message))
        }
    }
}

fn category(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let c = one_char(vm, "category", args, kwargs)?;
    Ok(vm.new_str(get_general_category(c).abbreviation()))
}

fn bidirectional(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let c = one_char(vm, "bidirectional", args, kwargs)?;
    // CPython gives unassigned code points no class at all.
    if get_general_category(c) == GeneralCategory::Unassigned {
        return Ok(vm.new_str(""));
    }
    let class = format!("{:?}", unicode_bidi::bidi_class(c));
    Ok(vm.new_str(class))
}

fn combining(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let c = one_char(vm, "combining", args, kwargs)?;
    Ok(Value::Int(i64::from(canonical_combining_class(c))))
}

/// `NotImplementedError` for a character with a digit or numeric value toy has no data for.
fn value_unknown(vm: &Vm, function: &str, c: char) -> PyErr {
    vm.new_error(
        &types().not_implemented_error,
        format!(
            "unicodedata.{function}(): toy knows the values of decimal digits only, not of U+{:04X}",
            c as u32
        ),
    )
}

fn decimal(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    with_default(
        vm,
        "decimal",
        args,
        kwargs,
        |_, c| Ok(decimal_value(c).map(|d| Value::Int(i64::from(d)))),
        "not a decimal",
    )
}

fn digit(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    with_default(
        vm,
        "digit",
        args,
        kwargs,
        |vm, c| match decimal_value(c) {
            Some(d) => Ok(Some(Value::Int(i64::from(d)))),
            None if is_digit(c) => Err(value_unknown(vm, "digit", c)),
            None => Ok(None),
        },
        "not a digit",
    )
}

fn numeric(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    with_default(
        vm,
        "numeric",
        args,
        kwargs,
        |vm, c| match decimal_value(c) {
            Some(d) => Ok(Some(Value::Float(f64::from(d)))),
            None if is_numeric(c) => Err(value_unknown(vm, "numeric", c)),
            None => Ok(None),
        },
        "not a numeric character",
    )
}

#[derive(Clone, Copy)]
enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

/// The form and the text of normalize/is_normalized.
fn form_and_text<'a>(
    vm: &Vm,
    function: &str,
    args: &'a [Value],
    kwargs: &[(ObjRef, Value)],
) -> PyResult<(Form, &'a str)> {
    no_kwargs(vm, function, kwargs)?;
    check_arity(vm, function, args, 2, 2)?;
    let Some(form) = args[0].as_str() else {
        return Err(vm.type_error(format!(
            "{function}() argument 1 must be str, not {}",
            vm.type_name(&args[0])
        )));
    };
    let Some(text) = args[1].as_str() else {
        return Err(vm.type_error(format!(
            "{function}() argument 2 must be str, not {}",
            vm.type_name(&args[1])
        )));
    };
    let form = match form {
        "NFC" => Form::Nfc,
        "NFD" => Form::Nfd,
        "NFKC" => Form::Nfkc,
        "NFKD" => Form::Nfkd,
        _ => return Err(vm.value_error("invalid normalization form")),
    };
    Ok((form, text))
}

fn normalized(form: Form, text: &str) -> String {
    match form {
        Form::Nfc => text.nfc().collect(),
        Form::Nfd => text.nfd().collect(),
        Form::Nfkc => text.nfkc().collect(),
        Form::Nfkd => text.nfkd().collect(),
    }
}

fn normalize(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (form, text) = form_and_text(vm, "normalize", args, kwargs)?;
    let out = normalized(form, text);
    if out == text {
        // CPython hands back the argument itself when nothing changes.
        return Ok(args[1].clone_ref(vm.py));
    }
    Ok(vm.new_str(out))
}

fn is_normalized(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (form, text) = form_and_text(vm, "is_normalized", args, kwargs)?;
    Ok(Value::Bool(normalized(form, text) == text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_agree_with_cpython_on_stable_characters() {
        assert_eq!(get_general_category('a').abbreviation(), "Ll");
        assert_eq!(get_general_category('\u{e0080}').abbreviation(), "Cn");
        assert_eq!(format!("{:?}", unicode_bidi::bidi_class('\u{5d0}')), "R");
        assert_eq!(canonical_combining_class('\u{301}'), 230);
        assert_eq!(
            unicode_names2::name('\u{4e00}').map(|n| n.to_string()).as_deref(),
            Some("CJK UNIFIED IDEOGRAPH-4E00")
        );
        assert_eq!(normalized(Form::Nfd, "\u{e9}"), "e\u{301}");
    }
}
