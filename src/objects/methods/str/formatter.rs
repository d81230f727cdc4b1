//! `str.format` and `str.format_map`: replacement fields parsed as CPython's `parse_field`
//! does, then formatted with each value's `__format__`.

use crate::objects::{ObjRef, Value};
use crate::vm::args::kwarg;
use crate::vm::{PyResult, Vm};

use super::this;
use crate::objects::methods::shared::takes_one_arg;

pub(super) fn str_format(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let s = this(vm, args, "format")?.as_str();
    let mut formatter = Formatter {
        positional: Some(&args[1..]),
        named: Named::Kwargs(kwargs),
        auto: AutoNumber::Init,
    };
    let out = formatter.build(vm, s, 2)?;
    Ok(vm.new_str(out))
}

pub(super) fn str_format_map(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
