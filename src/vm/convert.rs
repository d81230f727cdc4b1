//! Turning values into text: `repr`, `str`, `ascii`, `format` and `%`-formatting.

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::objects::format;
use crate::objects::types::{intern, types};
use crate::objects::{Payload, Value};

use super::ops::as_bigint;
use super::recursion::context;
use super::{PyResult, Vm};

/// CPython refuses to print ints with more digits than this (`sys.set_int_max_str_digits`).
pub const INT_MAX_STR_DIGITS: usize = 4300;

impl Vm<'_> {
    /// `repr(v)`.
    pub fn repr(&mut self, v: &Value) -> PyResult<String> {
        self.with_recursion_guard(context::REPR, |vm| vm.repr_entered(v))
    }

    fn repr_entered(&mut self, v: &Value) -> PyResult<String> {
        let py = self.py;
        Ok(match v {
            Value::None => "None".to_string(),
            Value::Bool(true) => "True".to_string(),
            Value::Bool(false) => "False".to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format::float_repr(*f),
            Value::Obj(o) => {
                match &o.payload {
                    Payload::Str(s) => format::str_repr(s.as_str()),
                    Payload::BigInt(b) => self.int_to_decimal(b)?,
                    Payload::Complex(z) => crate::objects::complex::complex_repr(*z),
                    Payload::Bytes(b) => format::bytes_repr(b),
                    Payload::ByteArray(array) => format!("bytearray({})", format::bytes_repr(&array.lock(py))),
                    Payload::MemoryView(view) if view.is_released() => format!("<released memory at {:#x}>", o.addr()),
                    Payload::MemoryView(_) => format!("<memory at {:#x}>", o.addr()),
                    Payload::Tuple(items) => {
                        let get = |_: &Vm, i: usize| items.get(i).map(|v| v.clone_ref(py));
                        return self.repr_sequence(v, &get, "(", ")", items.len() == 1);
                    }
                    Payload::List(items) => {
                        // Read one item at a time, as CPython does: an item's `__repr__` (or
                        // another thread) may change the list meanwhile.
                        let get = |_: &Vm, i: usize| items.lock(py).get(i).map(|v| v.clone_ref(py));
                        return self.repr_sequence(v, &get, "[", "]", false);
                    }
                    Payload::Dict(_) => {
                        if !self.repr_enter(v) {
                            return Ok("{...}".to_string());
                        }
                        let result = self.repr_dict(v);
                        self.repr_leave(v);
                        return result;
                    }
                    Payload::Set(_) | Payload::FrozenSet(_) => {
                        let items = self.set_items(v);
                        let frozen = matches!(o.payload, Payload::FrozenSet(_));
                        if items.is_empty() {
                            return Ok(if frozen { "frozenset()" } else { "set()" }.to_string());
                        }
                        let get = |_: &Vm, i: usize| items.get(i).map(|v| v.clone_ref(py));
                        let inner = self.repr_sequence(v, &get, "{", "}", false)?;
                        if frozen { format!("frozenset({inner})") } else { inner }
                    }
                    Payload::Range(r) => {
                        if r.step == 1 {
                            format!("range({}, {})", r.start, r.stop)
                        } else {
                            format!("range({}, {}, {})", r.start, r.stop, r.step)
                        }
                    }
                    Payload::Slice(s) => {
                        let parts = [self.repr(&s[0])?, self.repr(&s[1])?, self.repr(&s[2])?];
                        format!("slice({}, {}, {})", parts[0], parts[1], parts[2])
                    }
                    Payload::Code(h) => format!(
                        "<code object {} at {:#x}, file \"{}\", line {}>",
                        h.code.name,
                        o.addr(),
                        h.code.filename,
                        h.code.first_line
                    ),
                    Payload::Function(f) => format!("<function {} at {:#x}>", *f.qualname.lock(py), o.addr()),
                    Payload::Native(n) => format!("<built-in function {}>", n.name),
                    Payload::BoundMethod(receiver, function) => {
                        let name = match function.payload() {
                            Some(Payload::Function(f)) => f.qualname.lock(py).clone(),
                            Some(Payload::Native(n)) => n.name.to_string(),
                            _ => "?".to_string(),
                        };
                        if matches!(function.payload(), Some(Payload::Native(_))) {
                            format!(
                                "<built-in method {name} of {} object at {:#x}>",
                                self.type_name(receiver),
                                receiver.as_obj().map_or(0, |o| o.addr())
                            )
                        } else {
                            let receiver_repr = self.repr(receiver)?;
                            format!("<bound method {name} of {receiver_repr}>")
                        }
                    }
                    Payload::Cell(_) => format!("<cell at {:#x}>", o.addr()),
                    Payload::Module(m) => {
                        // `from` the file it was loaded from, as CPython says; `(built-in)` for
                        // the native modules, which have none.
                        let file = self.dict_get_str(&m.dict, &crate::objects::types::intern("__file__"))?;
                        match file.as_ref().and_then(Value::as_str) {
                            Some(file) => format!("<module '{}' from '{file}'>", m.name),
                            None if crate::modules::is_native_module(&m.name) => {
                                format!("<module '{}' (built-in)>", m.name)
                            }
                            None => format!("<module '{}'>", m.name),
                        }
                    }
                    Payload::Type(t) => {
                        if t.metaclass.is_some()
                            && let Some(method) = self.lookup_special(v, "__repr__")
                        {
                            let r = self.call(&method, &[v.clone_ref(py)], &[])?;
                            return match r.as_str() {
                                Some(s) => Ok(s.to_string()),
                                None => Err(self
                                    .type_error(format!("__repr__ returned non-string (type {})", self.type_name(&r)))),
                            };
                        }
                        if t.module == "builtins" {
                            format!("<class '{}'>", t.qualname)
                        } else {
                            format!("<class '{}.{}'>", t.module, t.qualname)
                        }
                    }
                    Payload::Instance(inst) => {
                        if let Some(method) = self.lookup_special(v, "__repr__") {
                            let r = self.call(&method, &[v.clone_ref(py)], &[])?;
                            return match r.as_str() {
                                Some(s) => Ok(s.to_string()),
                                None => Err(self
                                    .type_error(format!("__repr__ returned non-string (type {})", self.type_name(&r)))),
                            };
                        }
                        if inst.exception.is_some() {
                            let args = self.exception_args(o);
                            let name = self.type_name(v);
                            return Ok(match args.len() {
                                1 => format!("{name}({})", self.repr(&args[0])?),
                                _ => {
                                    let get = |_: &Vm, i: usize| args.get(i).map(|v| v.clone_ref(py));
                                    let inner = self.repr_sequence(v, &get, "(", ")", false)?;
                                    format!("{name}{inner}")
                                }
                            });
                        }
                        let (module, qualname) = match &inst.class.payload {
                            Payload::Type(t) => (t.module.clone(), t.qualname.clone()),
                            _ => (String::new(), String::new()),
                        };
                        format!("<{module}.{qualname} object at {:#x}>", o.addr())
                    }
                    Payload::Iterator(..) => format!("<{} object at {:#x}>", self.type_name(v), o.addr()),
                    Payload::Generator(g) => {
                        let g = g.lock(py);
                        format!("<{} object {} at {:#x}>", g.kind.type_name(), g.qualname, o.addr())
                    }
                    Payload::Property(_) => format!("<property object at {:#x}>", o.addr()),
                    Payload::StaticMethod(_) => format!("<staticmethod object at {:#x}>", o.addr()),
                    Payload::ClassMethod(_) => format!("<classmethod object at {:#x}>", o.addr()),
                    Payload::DictView(dict, kind) => {
                        let dict = Value::Obj(dict.clone_ref(py));
                        let view = Value::Obj(o.clone_ref(py));
                        let items = self.collect(&view)?;
                        let get = |_: &Vm, i: usize| items.get(i).map(|v| v.clone_ref(py));
                        let inner = self.repr_sequence(&dict, &get, "[", "]", false)?;
                        let name = match kind {
                            crate::objects::DictViewKind::Keys => "dict_keys",
                            crate::objects::DictViewKind::Values => "dict_values",
                            crate::objects::DictViewKind::Items => "dict_items",
                        };
                        format!("{name}({inner})")
                    }
                    Payload::Super { class, receiver } => {
                        let class_name = match &class.payload {
                            Payload::Type(t) => t.name.clone(),
                            _ => String::new(),
                        };
                        format!("<super: <class '{class_name}'>, <{} object>>", self.type_name(receiver))
                    }
                    Payload::NotImplemented => "NotImplemented".to_string(),
                    Payload::Ellipsis => "Ellipsis".to_string(),
                    Payload::File(f) => {
                        let f = f.lock(py);
                        let class = if f.binary { "BufferedReader" } else { "TextIOWrapper" };
                        let encoding = if f.binary {
                            String::new()
                        } else {
                            " encoding='UTF-8'".to_string()
                        };
                        format!(
                            "<_io.{class} name={} mode='{}'{encoding}>",
                            format::str_repr(&f.name),
                            f.mode
                        )
                    }
                    Payload::Random(_) => format!("<random.Random object at {:#x}>", o.addr()),
                    Payload::WeakRef(_) => crate::modules::weakref::repr(self, v)?,
                    Payload::Member(m) => format!(
                        "<member '{}' of '{}' objects>",
                        super::eval::str_of(&m.name),
                        m.class_name
                    ),
                    Payload::Hash(state) => format!("<{} _hashlib.HASH object @ {:#x}>", state.name, o.addr()),
                    Payload::Zlib(stream) => {
                        let class = match &stream.class().payload {
                            Payload::Type(t) => t.name.as_str(),
                            _ => "",
                        };
                        format!("<zlib.{class} object at {:#x}>", o.addr())
                    }
                    Payload::Lock(lock) => {
                        let state = if lock.is_locked() { "locked" } else { "unlocked" };
                        format!("<{state} _thread.lock object at {:#x}>", o.addr())
                    }
                    Payload::Stream(stream) => {
                        let (name, mode) = match stream {
                            crate::objects::Stream::Stdin => ("<stdin>", "r"),
                            crate::objects::Stream::Stdout => ("<stdout>", "w"),
                            crate::objects::Stream::Stderr => ("<stderr>", "w"),
                        };
                        format!("<_io.TextIOWrapper name='{name}' mode='{mode}' encoding='utf-8'>")
                    }
                }
            }
        })
    }

    fn repr_sequence(
        &mut self,
        container: &Value,
        get: &dyn Fn(&Vm, usize) -> Option<Value>,
        open: &str,
        close: &str,
        trailing_comma: bool,
    ) -> PyResult<String> {
        if !self.repr_enter(container) {
            return Ok(format!("{open}...{close}"));
        }
        let mut out = String::from(open);
        let mut result = Ok(());
        let mut i = 0;
        while let Some(item) = get(self, i) {
            if i > 0 {
                out.push_str(", ");
            }
            match self.repr(&item) {
                Ok(s) => out.push_str(&s),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
            i += 1;
        }
        self.repr_leave(container);
        result?;
        if trailing_comma {
            out.push(',');
        }
        out.push_str(close);
        Ok(out)
    }

    fn repr_dict(&mut self, dict: &Value) -> PyResult<String> {
        let py = self.py;
        let Some(Payload::Dict(table)) = dict.payload() else {
            return Ok("{}".to_string());
        };
        // Entry by entry, as CPython walks the table: a `__repr__` (or another thread) that
        // adds entries meanwhile sees them printed, and nothing is held while it runs.
        let mut out = String::from("{");
        let (mut slot, mut first) = (0, true);
        loop {
            let entry = match table.lock(py).slot(slot) {
                None => break,
                Some(None) => None,
                Some(Some(e)) => Some((e.key.clone_ref(py), e.value.clone_ref(py))),
            };
            slot += 1;
            let Some((k, v)) = entry else { continue };
            if !first {
                out.push_str(", ");
            }
            first = false;
            out.push_str(&self.repr(&k)?);
            out.push_str(": ");
            out.push_str(&self.repr(&v)?);
        }
        out.push('}');
        Ok(out)
    }

    /// Guard against infinite recursion on self-containing containers (`[...]`).
    pub(crate) fn repr_enter(&mut self, container: &Value) -> bool {
        self.repr_in_progress.insert(container.as_obj().map_or(0, |o| o.addr()))
    }

    pub(crate) fn repr_leave(&mut self, container: &Value) {
        self.repr_in_progress
            .remove(&container.as_obj().map_or(0, |o| o.addr()));
    }

    /// `float(x)` of an instance: its `__float__`, which must return a float, or else its
    /// `__index__`; `None` when it has neither.
    pub fn instance_float(&mut self, x: &Value) -> PyResult<Option<f64>> {
        if let Some(method) = self.lookup_special(x, "__float__") {
            let r = self.call(&method, &[x.clone_ref(self.py)], &[])?;
            // A float subclass's instance is a float (CPython warns that this is deprecated).
            return match r.builtin_self() {
                Value::Float(f) => Ok(Some(*f)),
                _ => Err(self.type_error(format!(
                    "{}.__float__ returned non-float (type {})",
                    self.type_name(x),
                    self.type_name(&r)
                ))),
            };
        }
        if let Some(method) = self.lookup_special(x, "__index__") {
            let r = self.call(&method, &[x.clone_ref(self.py)], &[])?;
            let n = self.index_result(&r)?;
            return match n.to_f64().filter(|f| f.is_finite()) {
                Some(f) => Ok(Some(f)),
                None => Err(self.overflow_error("int too large to convert to float")),
            };
        }
        Ok(None)
    }

    /// What an `__index__` returned: an int (a bool or an instance of an int subclass too,
    /// which CPython takes with a deprecation warning).
    pub fn index_result(&self, r: &Value) -> PyResult<BigInt> {
        match as_bigint(r) {
            Some(n) => Ok(n.into_owned()),
            None => Err(self.type_error(format!("__index__ returned non-int (type {})", self.type_name(r)))),
        }
    }

    /// Decimal digits of a big int, with CPython's 4300-digit safety limit.
    pub fn int_to_decimal(&self, b: &BigInt) -> PyResult<String> {
        // bits * log10(2) bounds the digit count without converting.
        if b.bits() as f64 * std::f64::consts::LOG10_2 > INT_MAX_STR_DIGITS as f64 + 1.0 {
            let s = b.to_string();
            let digits = s.trim_start_matches('-').len();
            if digits > INT_MAX_STR_DIGITS {
                return Err(self.value_error(format!(
                    "Exceeds the limit ({INT_MAX_STR_DIGITS} digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit"
                )));
            }
            return Ok(s);
        }
        Ok(b.to_string())
    }

    /// `str(v)`.
    /// `str()` of a `SyntaxError`: its message with where it is, `msg (file.py, line 3)`
    /// (only the file's base name); `None` when it has no message.
    fn syntax_error_str(&mut self, v: &Value) -> PyResult<Option<String>> {
        let Some(msg) = self.get_attr_opt(v, &intern("msg"))?.filter(|m| !m.is_none()) else {
            return Ok(None);
        };
        let msg = self.str(&msg)?;
        let filename = self.get_attr_opt(v, &intern("filename"))?;
        let file = filename
            .as_ref()
            .and_then(Value::as_str)
            .map(|f| f.rsplit('/').next().unwrap_or(f).to_string());
        let line = self.get_attr_opt(v, &intern("lineno"))?.filter(crate::vm::ops::is_int);
        let line = match &line {
            Some(l) => Some(self.str(l)?),
            None => None,
        };
        Ok(Some(match (file, line) {
            (Some(file), Some(line)) => format!("{msg} ({file}, line {line})"),
            (Some(file), None) => format!("{msg} ({file})"),
            (None, Some(line)) => format!("{msg} (line {line})"),
            (None, None) => msg,
        }))
    }

    pub fn str(&mut self, v: &Value) -> PyResult<String> {
        match v.payload() {
            Some(Payload::Str(s)) => Ok(s.as_str().to_string()),
            _ => self.with_recursion_guard(context::STR, |vm| vm.str_entered(v)),
        }
    }

    fn str_entered(&mut self, v: &Value) -> PyResult<String> {
        let py = self.py;
        match v.payload() {
            Some(Payload::Instance(inst)) => {
                if let Some(method) = self.lookup_special(v, "__str__") {
                    let r = self.call(&method, &[v.clone_ref(py)], &[])?;
                    return match r.as_str() {
                        Some(s) => Ok(s.to_string()),
                        None => {
                            Err(self.type_error(format!("__str__ returned non-string (type {})", self.type_name(&r))))
                        }
                    };
                }
                if inst.exception.is_some()
                    && crate::vm::is_subclass(&inst.class, &types().syntax_error)
                    && let Some(text) = self.syntax_error_str(v)?
                {
                    return Ok(text);
                }
                if inst.exception.is_some() && self.lookup_special(v, "__repr__").is_none() {
                    if let Some(text) = super::os_error::os_error_str(self, v)? {
                        return Ok(text);
                    }
                    let exc = v.as_obj().map(|o| o.clone_ref(py));
                    let args = exc.map(|o| self.exception_args(&o)).unwrap_or_default();
                    let is_key_error = crate::vm::is_subclass(&inst.class, &types().key_error);
                    return match args.len() {
                        0 => Ok(String::new()),
                        1 if is_key_error => self.repr(&args[0]),
                        1 => self.str(&args[0]),
                        _ => {
                            let t = self.new_tuple(args);
                            self.repr(&t)
                        }
                    };
                }
                // `str.__str__` gives a derived string's text; other types use `__repr__`.
                if let Some(Payload::Str(s)) = inst.base.as_ref().and_then(Value::payload) {
                    return Ok(s.as_str().to_string());
                }
                self.repr_entered(v)
            }
            Some(Payload::Type(t)) if t.metaclass.is_some() && self.lookup_special(v, "__str__").is_some() => {
                let method = self.lookup_special(v, "__str__").unwrap_or(Value::None);
                let r = self.call(&method, &[v.clone_ref(py)], &[])?;
                match r.as_str() {
                    Some(s) => Ok(s.to_string()),
                    None => Err(self.type_error(format!("__str__ returned non-string (type {})", self.type_name(&r)))),
                }
            }
            // The type's own `repr`, at this level: CPython's `object.__str__` calls the repr
            // slot directly, so only the items nested inside count another level.
            _ => self.repr_entered(v),
        }
    }

    /// `ascii(v)`: `repr` with non-ASCII characters escaped.
    pub fn ascii(&mut self, v: &Value) -> PyResult<String> {
        let r = self.repr(v)?;
        Ok(format::ascii_escape(&r))
    }

    /// `format(v, spec)`.
    pub fn format(&mut self, v: &Value, spec: &str) -> PyResult<String> {
        let result = match v {
            Value::Bool(_) if spec.is_empty() => return self.str(v),
            Value::Int(_) | Value::Bool(_) => {
                let b = as_bigint(v).unwrap_or_default();
                format::format_int_as(&b, spec, if matches!(v, Value::Bool(_)) { "bool" } else { "int" })
            }
            Value::Float(f) => format::format_float(*f, spec),
            Value::None if spec.is_empty() => return Ok("None".to_string()),
            _ => match v.payload() {
                Some(Payload::BigInt(b)) => {
                    if spec.is_empty() {
                        return self.int_to_decimal(b);
                    }
                    format::format_int(b, spec)
                }
                Some(Payload::Str(s)) => format::format_str(s.as_str(), spec),
                Some(Payload::Complex(z)) if !spec.is_empty() => format::format_complex(z.re, z.im, spec),
                Some(Payload::Instance(_)) if self.lookup_special(v, "__format__").is_some() => {
                    let method = self.lookup_special(v, "__format__").unwrap_or(Value::None);
                    let spec_value = self.new_str(spec);
                    let r = self.call(&method, &[v.clone_ref(self.py), spec_value], &[])?;
                    return match r.as_str() {
                        Some(s) => Ok(s.to_string()),
                        None => {
                            Err(self.type_error(format!("__format__ must return a str, not {}", self.type_name(&r))))
                        }
                    };
                }
                // A derived instance formats as its built-in value, but `format(x, "")` is
                // `str(x)`, which may be the class's own `__repr__`.
                Some(Payload::Instance(inst)) if !spec.is_empty() && inst.base.is_some() => {
                    return self.format(v.builtin_self(), spec);
                }
                _ => {
                    if spec.is_empty() {
                        return self.str(v);
                    }
                    return Err(self.type_error(format!(
                        "unsupported format string passed to {}.__format__",
                        self.type_name(v)
                    )));
                }
            },
        };
        result.map_err(|msg| self.format_error(msg))
    }

    /// Raise a formatting error as the exception class CPython uses for it.
    pub fn format_error(&self, msg: String) -> super::PyErr {
        match format::error_kind(&msg) {
            format::ErrorKind::ValueError => self.value_error(msg),
            format::ErrorKind::OverflowError => self.overflow_error(msg),
            format::ErrorKind::MemoryError => self.new_error(&types().memory_error, msg),
        }
    }

    /// `fmt % args`, in CPython's order: mapping key, `*` width and precision, the value.
    pub fn percent_format(&mut self, fmt: &str, args: &Value) -> PyResult<String> {
        self.percent_format_as(fmt, args, PercentTarget::Str)
    }

    /// `bytes % args`: the format is read as Latin-1, so every byte is one character and
    /// indexes in errors are byte offsets; the pieces are all Latin-1 again.
    pub fn percent_format_bytes(&mut self, fmt: &[u8], args: &Value) -> PyResult<Vec<u8>> {
        let fmt: String = fmt.iter().map(|&b| char::from(b)).collect();
        let text = self.percent_format_as(&fmt, args, PercentTarget::Bytes)?;
        Ok(text.chars().map(|c| c as u8).collect())
    }

    fn percent_format_as(&mut self, fmt: &str, args: &Value, target: PercentTarget) -> PyResult<String> {
        use format::{PercentCount, PercentPiece};
        let py = self.py;
        // As CPython: a tuple (or derived tuple) holds the values, a str is never a mapping.
        let is_mapping = matches!(args.payload(), Some(Payload::Dict(_)))
            || (matches!(args.payload(), Some(Payload::Instance(_)))
                && !matches!(args.builtin_self().payload(), Some(Payload::Tuple(_) | Payload::Str(_)))
                && self.lookup_special(args, "__getitem__").is_some());
        let values: Vec<Value> = match args.builtin_self().payload() {
            Some(Payload::Tuple(items)) => items.iter().map(|v| v.clone_ref(py)).collect(),
            _ => vec![args.clone_ref(py)],
        };
        let mut next = 0usize;
        let mut used_mapping = false;
        let mut out = String::new();
        let take = |vm: &mut Vm, next: &mut usize| -> PyResult<Value> {
            let v = values.get(*next).map(|v| v.clone_ref(vm.py));
            *next += 1;
            v.ok_or_else(|| vm.type_error("not enough arguments for format string"))
        };
        for piece in format::percent_pieces(fmt) {
            let mut spec = match piece.map_err(|m| self.format_error(m))? {
                PercentPiece::Literal(text) => {
                    out.push_str(&text);
                    continue;
                }
                PercentPiece::Spec(spec) => spec,
            };
            let value = if let Some(key) = &spec.mapping_key {
                if !is_mapping {
                    return Err(self.type_error("format requires a mapping"));
                }
                used_mapping = true;
                let k = match target {
                    PercentTarget::Str => self.new_str(key.as_str()),
                    PercentTarget::Bytes => self.new_bytes(key.chars().map(|c| c as u8).collect()),
                };
                self.get_item(args, &k)?
            } else {
                if spec.width == Some(PercentCount::Star) {
                    let w = take(self, &mut next)?;
                    let w = self.star_count(&w)?;
                    spec.set_star_width(w);
                }
                if spec.precision == Some(PercentCount::Star) {
                    let p = take(self, &mut next)?;
                    let p = self.star_count(&p)?;
                    spec.set_star_precision(p);
                }
                take(self, &mut next)?
            };
            let piece = match target {
                PercentTarget::Str => self.percent_one(&spec, &value)?,
                PercentTarget::Bytes => self.percent_one_bytes(&spec, &value)?,
            };
            out.push_str(&piece);
        }
        if next < values.len() && !is_mapping && !used_mapping {
            return Err(self.type_error(format!(
                "not all arguments converted during {} formatting",
                target.noun()
            )));
        }
        Ok(out)
    }

    /// A `*` width or precision argument.
    fn star_count(&self, v: &Value) -> PyResult<i64> {
        match super::ops::as_small_int(v) {
            Some(n) => Ok(n),
            None if super::ops::is_int(v) => Err(self.overflow_error("Python int too large to convert to C ssize_t")),
            None => Err(self.type_error("* wants int")),
        }
    }

    /// One conversion of `bytes % args`, as Latin-1 text: `%s`/`%b` take bytes-like objects
    /// (or `__bytes__`), `%r`/`%a` are `ascii()`, `%c` one byte; numbers as for `str`.
    fn percent_one_bytes(&mut self, spec: &format::PercentSpec, value: &Value) -> PyResult<String> {
        use crate::objects::methods::bytes::bytes_like;
        let latin1 = |b: &[u8]| -> String { b.iter().map(|&b| char::from(b)).collect() };
        let result = match spec.conversion {
            's' | 'b' => {
                let bytes = match bytes_like(self, value)? {
                    Some(b) => b.into_owned(),
                    None => self.dunder_bytes(value)?.ok_or_else(|| {
                        self.type_error(format!(
                            "%b requires a bytes-like object, or an object that implements __bytes__, not '{}'",
                            self.type_name(value)
                        ))
                    })?,
                };
                format::percent_str(&latin1(&bytes), spec)
            }
            'r' | 'a' => {
                let s = self.ascii(value)?;
                format::percent_str(&s, spec)
            }
            'c' => {
                let byte = match (bytes_like(self, value)?, super::ops::as_small_int(value)) {
                    (Some(b), _) if b.len() == 1 => b[0],
                    (Some(_), _) => {
                        return Err(self.type_error("%c requires an integer in range(256) or a single byte"));
                    }
                    (None, Some(i)) => u8::try_from(i).map_err(|_| self.overflow_error("%c arg not in range(256)"))?,
                    (None, None) if super::ops::is_int(value) => {
                        return Err(self.overflow_error("%c arg not in range(256)"));
                    }
                    (None, None) => {
                        return Err(self.type_error("%c requires an integer in range(256) or a single byte"));
                    }
                };
                format::percent_str(&latin1(&[byte]), spec)
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G'
                if !matches!(value.builtin_self(), Value::Float(_)) && as_bigint(value).is_none() =>
            {
                return Err(self.type_error(format!("float argument required, not {}", self.type_name(value))));
            }
            _ => return self.percent_one(spec, value),
        };
        result.map_err(|m| self.format_error(m))
    }

    /// `bytes(value)` through the value's `__bytes__`, `None` when its class has none.
    pub fn dunder_bytes(&mut self, value: &Value) -> PyResult<Option<Vec<u8>>> {
        let Some(method) = self.lookup_special(value, "__bytes__") else {
            return Ok(None);
        };
        let result = self.call(&method, &[value.clone_ref(self.py)], &[])?;
        match result.payload() {
            Some(Payload::Bytes(b)) => Ok(Some(b.to_vec())),
            _ => Err(self.type_error(format!(
                "__bytes__ returned non-bytes (type {})",
                self.type_name(&result)
            ))),
        }
    }

    fn percent_one(&mut self, spec: &format::PercentSpec, value: &Value) -> PyResult<String> {
        let result = match spec.conversion {
            's' => {
                let s = self.str(value)?;
                format::percent_str(&s, spec)
            }
            'r' => {
                let s = self.repr(value)?;
                format::percent_str(&s, spec)
            }
            'a' => {
                let s = self.ascii(value)?;
                format::percent_str(&s, spec)
            }
            'c' => {
                let s = match (value.as_str(), super::ops::as_small_int(value)) {
                    (Some(s), _) if s.chars().count() == 1 => s.to_string(),
                    (_, Some(i)) => match u32::try_from(i).ok().and_then(char::from_u32) {
                        Some(c) => c.to_string(),
                        None => return Err(self.overflow_error("%c arg not in range(0x110000)")),
                    },
                    _ => return Err(self.type_error("%c requires int or char")),
                };
                format::percent_str(&s, spec)
            }
            'd' | 'i' | 'u' | 'o' | 'x' | 'X' => {
                let b = match value.builtin_self() {
                    Value::Float(f) if matches!(spec.conversion, 'd' | 'i' | 'u') => {
                        format::float_to_bigint(*f).map_err(|m| self.format_error(m))?
                    }
                    number => match as_bigint(number) {
                        Some(b) => b.into_owned(),
                        None => {
                            let what = if matches!(spec.conversion, 'd' | 'i' | 'u') {
                                "a real number"
                            } else {
                                "an integer"
                            };
                            return Err(self.type_error(format!(
                                "%{} format: {what} is required, not {}",
                                spec.conversion,
                                self.type_name(value)
                            )));
                        }
                    },
                };
                format::percent_int(&b, spec)
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = match value.builtin_self() {
                    Value::Float(f) => *f,
                    number => match as_bigint(number) {
                        Some(b) => format::bigint_to_f64(&b).map_err(|m| self.format_error(m))?,
                        None => {
                            return Err(self.type_error(format!("must be real number, not {}", self.type_name(value))));
                        }
                    },
                };
                format::percent_float(f, spec)
            }
            _ => Err(spec.unsupported_error()),
        };
        result.map_err(|m| self.format_error(m))
    }
}

/// What a printf-style format produces: the format and its errors differ slightly.
#[derive(Clone, Copy)]
enum PercentTarget {
    Str,
    Bytes,
}

impl PercentTarget {
    fn noun(self) -> &'static str {
        match self {
            PercentTarget::Str => "string",
            PercentTarget::Bytes => "bytes",
        }
    }
}
