//! The JSON encoder behind `json.JSONEncoder.iterencode`: writes the whole document into one
//! `String`, with CPython's choices for every type (subclasses of the built-in types encode
//! as their base, `default` is called for anything else) and its checks (circular references,
//! non-finite floats, key types).

use std::collections::HashSet;
use std::fmt::Write;

use crate::objects::format::float_repr;
use crate::objects::{Payload, Value};
use crate::vm::recursion::context;
use crate::vm::{PyResult, Vm};

pub struct Options {
    /// The text of one level of indentation; `None` writes everything on one line.
    pub indent: Option<String>,
    pub item_separator: String,
    pub key_separator: String,
    pub sort_keys: bool,
    pub skipkeys: bool,
    pub ensure_ascii: bool,
    pub check_circular: bool,
    pub allow_nan: bool,
    /// Called with any object the encoder does not know; returns something it does.
    pub default: Value,
}

pub struct Encoder<'o> {
    options: &'o Options,
    /// The containers being encoded, by address, when `check_circular` is on.
    open_containers: HashSet<usize>,
    level: usize,
    pub out: String,
}

/// What the encoder does with a value: the built-in kind it encodes as (a subclass of a
/// built-in type as its base), or `Other` for `default`.
enum Kind<'v> {
    Null,
    Bool(bool),
    Int(String),
    Float(f64),
    Str(&'v str),
    Array,
    Object,
    Other,
}

fn kind_of(value: &Value) -> Kind<'_> {
    match value {
        Value::None => Kind::Null,
        Value::Bool(b) => Kind::Bool(*b),
        Value::Int(i) => Kind::Int(i.to_string()),
        Value::Float(f) => Kind::Float(*f),
        Value::Obj(obj) => match &obj.payload {
            Payload::Str(s) => Kind::Str(s.as_str()),
            Payload::BigInt(b) => Kind::Int(b.to_string()),
            Payload::List(_) | Payload::Tuple(_) => Kind::Array,
            Payload::Dict(_) => Kind::Object,
            Payload::Instance(instance) => match &instance.base {
                // A bool subclass cannot exist, so an int-like base is a plain int here.
                Some(Value::Bool(b)) => Kind::Int(u8::from(*b).to_string()),
                Some(base @ (Value::Int(_) | Value::Float(_))) => kind_of(base),
                Some(base @ Value::Obj(_)) => match kind_of(base) {
                    Kind::Other | Kind::Null => Kind::Other,
                    kind => kind,
                },
                _ => Kind::Other,
            },
            _ => Kind::Other,
        },
    }
}

/// The built-in list, tuple or dict a value is or extends.
fn container_of(value: &Value) -> &Value {
    match value.payload() {
        Some(Payload::Instance(instance)) => instance.base.as_ref().unwrap_or(value),
        _ => value,
    }
}

/// Appends `text` as a JSON string literal, quotes included.
pub fn write_string(out: &mut String, text: &str, ensure_ascii: bool) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut run_start = 0;
    for (at, c) in text.char_indices() {
        let plain = match c {
            '"' | '\\' => false,
            ' '..='~' => true,
            _ => !ensure_ascii && c >= ' ',
        };
        if plain {
            continue;
        }
        out.push_str(&text[run_start..at]);
        run_start = at + c.len_utf8();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push_str(&text[run_start..]);
    out.push('"');
}

impl<'o> Encoder<'o> {
    pub fn new(options: &'o Options) -> Encoder<'o> {
        Encoder {
            options,
            open_containers: HashSet::new(),
            level: 0,
            out: String::new(),
        }
    }

    fn float_text(&self, vm: &Vm, f: f64) -> PyResult<String> {
        if f.is_finite() {
            return Ok(float_repr(f));
        }
        if !self.options.allow_nan {
            return Err(vm.value_error("Out of range float values are not JSON compliant"));
        }
        Ok(if f.is_nan() {
            "NaN"
        } else if f > 0.0 {
            "Infinity"
        } else {
            "-Infinity"
        }
        .to_string())
    }

    pub fn encode(&mut self, vm: &mut Vm, value: &Value) -> PyResult<()> {
        match kind_of(value) {
            Kind::Null => self.out.push_str("null"),
            Kind::Bool(b) => self.out.push_str(if b { "true" } else { "false" }),
            Kind::Int(text) => self.out.push_str(&text),
            Kind::Float(f) => {
                let text = self.float_text(vm, f)?;
                self.out.push_str(&text);
            }
            Kind::Str(s) => write_string(&mut self.out, s, self.options.ensure_ascii),
            Kind::Array => self.nested(vm, value, Self::array)?,
            Kind::Object => self.nested(vm, value, Self::object)?,
            Kind::Other => {
                self.nested(vm, value, |encoder, vm, value| {
                    let replacement = vm.call(&encoder.options.default, std::slice::from_ref(value), &[])?;
                    encoder.encode(vm, &replacement)
                })?;
            }
        }
        Ok(())
    }

    /// Encodes a container (or what `default` makes of an object) one recursion level deeper,
    /// refusing to enter one already being encoded.
    fn nested(
        &mut self,
        vm: &mut Vm,
        value: &Value,
        encode_inside: impl FnOnce(&mut Self, &mut Vm, &Value) -> PyResult<()>,
    ) -> PyResult<()> {
        let marker = value.as_obj().map(|o| o.addr()).filter(|_| self.options.check_circular);
        if let Some(marker) = marker
            && !self.open_containers.insert(marker)
        {
            return Err(vm.value_error("Circular reference detected"));
        }
        // CPython's indenting encoder is Python code, so its limit reads as a call's.
        let wording = if self.options.indent.is_some() {
            context::CALLING_OBJECT
        } else {
            context::JSON_ENCODE
        };
        let result = vm.with_recursion_guard(wording, |vm| encode_inside(self, vm, value));
        if let Some(marker) = marker {
            self.open_containers.remove(&marker);
        }
        result
    }

    /// Before an item: the separator after the previous one and, when indenting, the new
    /// line.
    fn item_start(&mut self, first: bool) {
        if !first {
            self.out.push_str(&self.options.item_separator);
        }
        self.newline();
    }

    fn newline(&mut self) {
        if let Some(indent) = &self.options.indent {
            self.out.push('\n');
            for _ in 0..self.level {
                self.out.push_str(indent);
            }
        }
    }

    fn array(&mut self, vm: &mut Vm, value: &Value) -> PyResult<()> {
        // Copied out: encoding an item may run Python code, which must not find the list locked.
        let items: Vec<Value> = match container_of(value).payload() {
            Some(Payload::List(items)) => items.lock(vm.py).iter().map(|v| v.clone_ref(vm.py)).collect(),
            Some(Payload::Tuple(items)) => items.iter().map(|v| v.clone_ref(vm.py)).collect(),
            _ => Vec::new(),
        };
        if items.is_empty() {
            self.out.push_str("[]");
            return Ok(());
        }
        self.out.push('[');
        self.level += 1;
        for (n, item) in items.iter().enumerate() {
            self.item_start(n == 0);
            self.encode(vm, item)?;
        }
        self.level -= 1;
        self.newline();
        self.out.push(']');
        Ok(())
    }

    /// The text of a key, or `None` when `skipkeys` drops it.
    fn key_text(&self, vm: &Vm, key: &Value) -> PyResult<Option<String>> {
        Ok(Some(match kind_of(key) {
            Kind::Str(s) => s.to_string(),
            Kind::Null => "null".to_string(),
            Kind::Bool(b) => (if b { "true" } else { "false" }).to_string(),
            Kind::Int(text) => text,
            Kind::Float(f) => self.float_text(vm, f)?,
            _ if self.options.skipkeys => return Ok(None),
            _ => {
                return Err(vm.type_error(format!(
                    "keys must be str, int, float, bool or None, not {}",
                    vm.type_name(key)
                )));
            }
        }))
    }

    fn object(&mut self, vm: &mut Vm, value: &Value) -> PyResult<()> {
        let Some(Payload::Dict(table)) = container_of(value).payload() else {
            return Ok(());
        };
        let mut entries: Vec<(Value, Value)> = table
            .lock(vm.py)
            .iter()
            .map(|e| (e.key.clone_ref(vm.py), e.value.clone_ref(vm.py)))
            .collect();
        if entries.is_empty() {
            self.out.push_str("{}");
            return Ok(());
        }
        if self.options.sort_keys {
            entries = sorted_items(vm, entries)?;
        }
        self.out.push('{');
        self.level += 1;
        let mut first = true;
        for (key, item) in &entries {
            let Some(key) = self.key_text(vm, key)? else {
                continue;
            };
            self.item_start(first);
            first = false;
            write_string(&mut self.out, &key, self.options.ensure_ascii);
            self.out.push_str(&self.options.key_separator);
            self.encode(vm, item)?;
        }
        if first && self.options.indent.is_some() {
            // Every key was skipped: CPython's indenting encoder has already begun the line.
            self.newline();
        }
        self.level -= 1;
        if first && self.options.indent.is_none() {
            self.out.push('}');
            return Ok(());
        }
        self.newline();
        self.out.push('}');
        Ok(())
    }
}

/// The items sorted as `sorted(d.items())` sorts them, comparison errors included.
fn sorted_items(vm: &mut Vm, entries: Vec<(Value, Value)>) -> PyResult<Vec<(Value, Value)>> {
    let tuples = entries.into_iter().map(|(k, v)| vm.new_tuple(vec![k, v])).collect();
    let list = vm.new_list(tuples);
    vm.call_method(&list, "sort", &[])?;
    let Some(Payload::List(items)) = list.payload() else {
        return Ok(Vec::new());
    };
    let items = items.lock(vm.py);
    Ok(items
        .iter()
        .filter_map(|pair| match pair.payload() {
            Some(Payload::Tuple(kv)) if kv.len() == 2 => Some((kv[0].clone_ref(vm.py), kv[1].clone_ref(vm.py))),
            _ => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::write_string;

    fn quoted(text: &str, ensure_ascii: bool) -> String {
        let mut out = String::new();
        write_string(&mut out, text, ensure_ascii);
        out
    }

    #[test]
    fn strings_escape_as_cpython_does() {
        assert_eq!(quoted("a\"b\\c\n\u{1}", true), r#""a\"b\\c\n\u0001""#);
        assert_eq!(quoted("h\u{e9}\u{1f600}", true), r#""h\u00e9\ud83d\ude00""#);
        assert_eq!(quoted("h\u{e9}\u{1f600}\u{7f}", false), "\"h\u{e9}\u{1f600}\u{7f}\"");
    }
}
