//! The JSON decoder behind `json.JSONDecoder.raw_decode`: one pass over the text's UTF-8
//! bytes, building values as it goes and calling the decoder's hooks where CPython does.
//!
//! Positions reported to Python (errors, the end index) are character indices, as CPython's;
//! the scanner works in bytes and converts only when it reports one.

use crate::objects::Value;
use crate::objects::types::types;
use crate::vm::recursion::context;
use crate::vm::{PyErr, PyResult, Vm};

/// The hooks and options of one `JSONDecoder`; `None` means "the built-in behaviour".
pub struct Hooks {
    pub strict: bool,
    pub object_hook: Option<Value>,
    pub object_pairs_hook: Option<Value>,
    pub parse_float: Option<Value>,
    pub parse_int: Option<Value>,
    pub parse_constant: Option<Value>,
    /// `json.JSONDecodeError`, called as `(msg, doc, pos)`.
    pub error_class: Value,
}

pub struct Scanner<'t> {
    text: &'t str,
    bytes: &'t [u8],
    /// The document as a Python value, for `JSONDecodeError.doc`.
    doc: &'t Value,
    hooks: &'t Hooks,
}

fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

impl<'t> Scanner<'t> {
    pub fn new(text: &'t str, doc: &'t Value, hooks: &'t Hooks) -> Scanner<'t> {
        Scanner {
            text,
            bytes: text.as_bytes(),
            doc,
            hooks,
        }
    }

    /// The byte offset of character index `chars` (the text's end when past it).
    pub fn byte_offset(&self, chars: usize) -> usize {
        if self.text.is_ascii() {
            return chars.min(self.bytes.len());
        }
        self.text
            .char_indices()
            .nth(chars)
            .map_or(self.bytes.len(), |(at, _)| at)
    }

    /// The character index of byte offset `at`.
    pub fn char_index(&self, at: usize) -> usize {
        if self.text.is_ascii() {
            return at;
        }
        self.text.get(..at).map_or(0, |prefix| prefix.chars().count())
    }

    fn error(&self, vm: &mut Vm, msg: &str, at: usize) -> PyErr {
        let args = [
            vm.new_str(msg),
            self.doc.clone_ref(vm.py),
            Value::Int(self.char_index(at) as i64),
        ];
        match vm.call(&self.hooks.error_class, &args, &[]) {
            Ok(Value::Obj(exc)) => PyErr { exc },
            Ok(_) => vm.type_error("JSONDecodeError must be an exception class"),
            Err(err) => err,
        }
    }

    fn skip_space(&self, mut at: usize) -> usize {
        while at < self.bytes.len() && is_json_space(self.bytes[at]) {
            at += 1;
        }
        at
    }

    /// The value starting at byte `at`, and the byte offset just after it.
    pub fn value(&self, vm: &mut Vm, at: usize) -> PyResult<(Value, usize)> {
        let Some(&first) = self.bytes.get(at) else {
            return Err(self.error(vm, "Expecting value", at));
        };
        match first {
            b'"' => {
                let (s, end) = self.string(vm, at + 1)?;
                Ok((vm.new_str(s), end))
            }
            b'{' => vm.with_recursion_guard(context::JSON_DECODE_OBJECT, |vm| self.object(vm, at + 1)),
            b'[' => vm.with_recursion_guard(context::JSON_DECODE_ARRAY, |vm| self.array(vm, at + 1)),
            b'n' if self.bytes[at..].starts_with(b"null") => Ok((Value::None, at + 4)),
            b't' if self.bytes[at..].starts_with(b"true") => Ok((Value::Bool(true), at + 4)),
            b'f' if self.bytes[at..].starts_with(b"false") => Ok((Value::Bool(false), at + 5)),
            b'N' if self.bytes[at..].starts_with(b"NaN") => self.constant(vm, "NaN", at),
            b'I' if self.bytes[at..].starts_with(b"Infinity") => self.constant(vm, "Infinity", at),
            b'-' if self.bytes[at..].starts_with(b"-Infinity") => self.constant(vm, "-Infinity", at),
            b'-' | b'0'..=b'9' => self.number(vm, at),
            _ => Err(self.error(vm, "Expecting value", at)),
        }
    }

    fn constant(&self, vm: &mut Vm, name: &str, at: usize) -> PyResult<(Value, usize)> {
        let end = at + name.len();
        let value = match &self.hooks.parse_constant {
            Some(hook) => {
                let arg = vm.new_str(name);
                vm.call(hook, &[arg], &[])?
            }
            None => Value::Float(match name {
                "NaN" => f64::NAN,
                "Infinity" => f64::INFINITY,
                _ => f64::NEG_INFINITY,
            }),
        };
        Ok((value, end))
    }

    fn digits_end(&self, mut at: usize) -> usize {
        while self.bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        at
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`, as an int or a float.
    fn number(&self, vm: &mut Vm, start: usize) -> PyResult<(Value, usize)> {
        let mut at = start;
        if self.bytes[at] == b'-' {
            at += 1;
        }
        match self.bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => at = self.digits_end(at + 1),
            _ => return Err(self.error(vm, "Expecting value", start)),
        }
        let mut is_float = false;
        if self.bytes.get(at) == Some(&b'.') && self.bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
            at = self.digits_end(at + 1);
            is_float = true;
        }
        if matches!(self.bytes.get(at), Some(b'e' | b'E')) {
            let mut exp = at + 1;
            if matches!(self.bytes.get(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            if self.bytes.get(exp).is_some_and(u8::is_ascii_digit) {
                at = self.digits_end(exp);
                is_float = true;
            }
        }
        let literal = &self.text[start..at];
        let hook = if is_float {
            &self.hooks.parse_float
        } else {
            &self.hooks.parse_int
        };
        let value = match hook {
            Some(hook) => {
                let arg = vm.new_str(literal);
                vm.call(hook, &[arg], &[])?
            }
            None if is_float => Value::Float(literal.parse().unwrap_or(f64::NAN)),
            // Short literals fit an i64; long ones go through `int` for its digit limit.
            None if literal.len() <= 18 => Value::Int(literal.parse().unwrap_or_default()),
            None => {
                let int_type = Value::Obj(types().int.clone_ref(vm.py));
                let arg = vm.new_str(literal);
                vm.call(&int_type, &[arg], &[])?
            }
        };
        Ok((value, at))
    }

    /// The string whose opening quote is just before byte `start`: its text and the offset
    /// after the closing quote.
    pub fn string(&self, vm: &mut Vm, start: usize) -> PyResult<(String, usize)> {
        let mut out = String::new();
        let mut at = start;
        loop {
            let run_start = at;
            while let Some(&b) = self.bytes.get(at) {
                if b == b'"' || b == b'\\' || (b < 0x20 && self.hooks.strict) {
                    break;
                }
                at += 1;
            }
            out.push_str(&self.text[run_start..at]);
            match self.bytes.get(at) {
                None => return Err(self.error(vm, "Unterminated string starting at", start - 1)),
                Some(b'\\') if at + 1 == self.bytes.len() => {
                    return Err(self.error(vm, "Unterminated string starting at", start - 1));
                }
                Some(b'"') => return Ok((out, at + 1)),
                Some(b'\\') => at = self.escape(vm, at, &mut out)?,
                Some(_) => return Err(self.error(vm, "Invalid control character at", at)),
            }
        }
    }

    /// The escape whose backslash is at byte `at`, appended to `out`; the offset after it.
    fn escape(&self, vm: &mut Vm, at: usize, out: &mut String) -> PyResult<usize> {
        let simple = match self.bytes.get(at + 1).copied().unwrap_or_default() {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(vm, at, out),
            _ => return Err(self.error(vm, "Invalid \\escape", at)),
        };
        out.push(simple);
        Ok(at + 2)
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let digits = self.bytes.get(at..at + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(text, 16).ok()
    }

    /// `\uXXXX`, joining a surrogate pair into one character.
    fn unicode_escape(&self, vm: &mut Vm, at: usize, out: &mut String) -> PyResult<usize> {
        let Some(unit) = self.hex4(at + 2) else {
            return Err(self.error(vm, "Invalid \\uXXXX escape", at + 1));
        };
        let mut end = at + 6;
        let mut code = unit;
        if (0xD800..0xDC00).contains(&unit) && self.bytes.get(end..end + 2) == Some(b"\\u") {
            let Some(low) = self.hex4(end + 2) else {
                return Err(self.error(vm, "Invalid \\uXXXX escape", end + 1));
            };
            if (0xDC00..0xE000).contains(&low) {
                code = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                end += 6;
            }
        }
        match char::from_u32(code) {
            Some(c) => out.push(c),
            // toy's str holds valid Unicode only; CPython would keep the lone surrogate.
            None => {
                return Err(vm.value_error(format!(
                    "toy does not support lone surrogates in str: \\u{code:04x} at char {}",
                    self.char_index(at)
                )));
            }
        }
        Ok(end)
    }

    fn array(&self, vm: &mut Vm, start: usize) -> PyResult<(Value, usize)> {
        let mut items = Vec::new();
        let mut at = self.skip_space(start);
        if self.bytes.get(at) == Some(&b']') {
            return Ok((vm.new_list(items), at + 1));
        }
        loop {
            let (item, end) = self.value(vm, at)?;
            items.push(item);
            at = self.skip_space(end);
            match self.bytes.get(at) {
                Some(b']') => return Ok((vm.new_list(items), at + 1)),
                Some(b',') => at = self.skip_space(at + 1),
                _ => return Err(self.error(vm, "Expecting ',' delimiter", at)),
            }
        }
    }

    fn object(&self, vm: &mut Vm, start: usize) -> PyResult<(Value, usize)> {
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        let mut at = self.skip_space(start);
        if self.bytes.get(at) != Some(&b'}') {
            loop {
                if self.bytes.get(at) != Some(&b'"') {
                    return Err(self.error(vm, "Expecting property name enclosed in double quotes", at));
                }
                let (key, end) = self.string(vm, at + 1)?;
                at = self.skip_space(end);
                if self.bytes.get(at) != Some(&b':') {
                    return Err(self.error(vm, "Expecting ':' delimiter", at));
                }
                at = self.skip_space(at + 1);
                let (value, end) = self.value(vm, at)?;
                pairs.push((vm.new_str(key), value));
                at = self.skip_space(end);
                match self.bytes.get(at) {
                    Some(b'}') => break,
                    Some(b',') => at = self.skip_space(at + 1),
                    _ => return Err(self.error(vm, "Expecting ',' delimiter", at)),
                }
            }
        }
        let end = at + 1;
        if let Some(hook) = &self.hooks.object_pairs_hook {
            let pairs = pairs.into_iter().map(|(k, v)| vm.new_tuple(vec![k, v])).collect();
            let list = vm.new_list(pairs);
            return Ok((vm.call(hook, &[list], &[])?, end));
        }
        let dict = vm.new_dict();
        for (key, value) in pairs {
            vm.dict_set(&dict, key, value)?;
        }
        match &self.hooks.object_hook {
            Some(hook) => Ok((vm.call(hook, &[dict], &[])?, end)),
            None => Ok((dict, end)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_json_space;

    #[test]
    fn json_space_is_the_four_characters_of_the_grammar() {
        let spaces: Vec<u8> = (0..=255u8).filter(|&b| is_json_space(b)).collect();
        assert_eq!(spaces, b"\t\n\r ");
    }
}
