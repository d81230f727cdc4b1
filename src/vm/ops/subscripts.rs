//! Membership (`in`), subscripts and slices: `x[i]`, `x[a:b:c]`, item assignment and
//! deletion.

use num_traits::Signed;

use crate::objects::{DictViewKind, Payload, Value};

use crate::vm::{PyResult, Vm};

use super::{as_bigint, as_small_int, is_int, normalize_index};

impl Vm<'_> {
    /// `item in container`.
    pub fn contains(&mut self, container: &Value, item: &Value) -> PyResult<bool> {
        let py = self.py;
        match container.payload() {
            Some(Payload::Str(s)) => match item.as_str() {
                Some(needle) => Ok(s.as_str().contains(needle)),
                None => Err(self.type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    self.type_name(item)
                ))),
            },
            Some(Payload::Dict(_)) => Ok(self.dict_get(container, item)?.is_some()),
            Some(Payload::DictView(dict, DictViewKind::Keys)) => {
                let dict = Value::Obj(dict.clone_ref(py));
                Ok(self.dict_get(&dict, item)?.is_some())
            }
            Some(Payload::DictView(dict, DictViewKind::Items)) => {
                let dict = Value::Obj(dict.clone_ref(py));
                let Some(Payload::Tuple(pair)) = item.payload() else {
                    return Ok(false);
                };
                let [key, value] = &pair[..] else { return Ok(false) };
                match self.dict_get(&dict, key)? {
                    Some(found) => Ok(found.is(value) || self.eq(&found, value)?),
                    None => Ok(false),
                }
            }
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => self.set_contains(container, item),
            Some(Payload::Range(r)) => Ok(match as_small_int(item) {
                Some(i) => {
                    let in_bounds = if r.step > 0 {
                        r.start <= i && i < r.stop
                    } else {
                        r.stop < i && i <= r.start
                    };
                    in_bounds && (i - r.start) % r.step == 0
                }
                None => false,
            }),
            Some(Payload::Bytes(_) | Payload::ByteArray(_)) => self.bytes_contain(container, item),
            Some(Payload::Tuple(items)) => {
                for x in items.iter() {
                    if x.is(item) || self.eq(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Some(Payload::List(items)) => crate::objects::methods::list::list_contains(self, items, item),
            _ if super::super::attrs::has_user_type(container)
                && self.lookup_special(container, "__contains__").is_some() =>
            {
                let method = self.lookup_special(container, "__contains__").unwrap_or(Value::None);
                let r = self.call(&method, &[container.clone_ref(py), item.clone_ref(py)], &[])?;
                self.is_true(&r)
            }
            _ => {
                let it = match self.iter(container) {
                    Ok(it) => it,
                    Err(_) => {
                        return Err(self.type_error(format!(
                            "argument of type '{}' is not iterable",
                            self.type_name(container)
                        )));
                    }
                };
                while let Some(x) = self.next(&it)? {
                    if x.is(item) || self.eq(&x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }

    /// `item in container` for `bytes` and `bytearray`: a byte given as an int, or a
    /// bytes-like run of bytes.
    fn bytes_contain(&mut self, container: &Value, item: &Value) -> PyResult<bool> {
        use crate::objects::buffer::{BytesLike, with_bytes};
        use crate::objects::methods::bytes::bytes_like;
        let needle: Vec<u8> = if is_int(item) {
            match as_small_int(item) {
                Some(i) if (0..256).contains(&i) => vec![i as u8],
                _ => return Err(self.value_error("byte must be in range(0, 256)")),
            }
        } else {
            match bytes_like(self, item)? {
                Some(needle) => needle.into_owned(),
                None => {
                    return Err(self.type_error(format!(
                        "a bytes-like object is required, not '{}'",
                        self.type_name(item)
                    )));
                }
            }
        };
        let found = with_bytes(self.py, container, |hay| {
            needle.is_empty() || hay.windows(needle.len()).any(|w| w == &needle[..])
        });
        Ok(matches!(found, BytesLike::Read(true)))
    }

    /// Convert an index operand to `isize`, with CPython's messages.
    pub fn index_value(&self, v: &Value, what: &str) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            _ if is_int(v) => Err(self.index_error("cannot fit 'int' into an index-sized integer")),
            _ if is_int(v.builtin_self()) => self.index_value(v.builtin_self(), what),
            _ => Err(self.type_error(format!(
                "{what} indices must be integers or slices, not {}",
                self.type_name(v)
            ))),
        }
    }

    pub fn get_item(&mut self, obj: &Value, index: &Value) -> PyResult<Value> {
        let py = self.py;
        if let Some(Payload::Slice(s)) = index.payload()
            && !matches!(obj.payload(), Some(Payload::MemoryView(_)))
        {
            return self.get_slice(obj, s);
        }
        match obj.payload() {
            Some(Payload::List(items)) => {
                let i = self.index_value(index, "list")?;
                let items = items.lock(py);
                match normalize_index(i, items.len()) {
                    Some(i) => Ok(items[i].clone_ref(py)),
                    None => Err(self.index_error("list index out of range")),
                }
            }
            Some(Payload::Tuple(items)) => {
                let i = self.index_value(index, "tuple")?;
                match normalize_index(i, items.len()) {
                    Some(i) => Ok(items[i].clone_ref(py)),
                    None => Err(self.index_error("tuple index out of range")),
                }
            }
            Some(Payload::Str(s)) => {
                let i = self.index_value(index, "string")?;
                match normalize_index(i, s.char_len()) {
                    Some(i) => {
                        let c = if s.is_ascii() {
                            char::from(s.as_str().as_bytes()[i])
                        } else {
                            s.as_str().chars().nth(i).unwrap_or_default()
                        };
                        Ok(self.char_str(c))
                    }
                    None => Err(self.index_error("string index out of range")),
                }
            }
            Some(Payload::Bytes(b)) => {
                let i = self.index_value(index, "byte")?;
                match normalize_index(i, b.len()) {
                    Some(i) => Ok(Value::Int(i64::from(b[i]))),
                    None => Err(self.index_error("index out of range")),
                }
            }
            Some(Payload::ByteArray(array)) => {
                let i = self.index_value(index, "bytearray")?;
                let data = array.lock(py);
                match normalize_index(i, data.len()) {
                    Some(i) => Ok(Value::Int(i64::from(data[i]))),
                    None => {
                        drop(data);
                        Err(self.index_error("bytearray index out of range"))
                    }
                }
            }
            Some(Payload::MemoryView(view)) => {
                let view = crate::objects::methods::memoryview::live_view(self, obj)?.unwrap_or(view);
                crate::objects::methods::memoryview::get_item(self, view, index)
            }
            Some(Payload::Range(r)) => {
                let i = self.index_value(index, "range")?;
                match normalize_index(i, r.len() as usize) {
                    Some(i) => Ok(Value::Int(r.start + r.step * i as i64)),
                    None => Err(self.index_error("range object index out of range")),
                }
            }
            Some(Payload::Dict(_)) => match self.dict_get(obj, index)? {
                Some(v) => Ok(v),
                None => Err(self.key_error(index)),
            },
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__getitem__").is_some() => {
                let method = self.lookup_special(obj, "__getitem__").unwrap_or(Value::None);
                self.call(&method, &[obj.clone_ref(py), index.clone_ref(py)], &[])
            }
            Some(Payload::Type(_)) => self.class_subscript(obj, index),
            _ => Err(self.type_error(format!("'{}' object is not subscriptable", self.type_name(obj)))),
        }
    }

    /// `C[index]`: the metaclass's `__getitem__`, else the class's `__class_getitem__`, else
    /// a `types.GenericAlias` for the built-in classes that are generic.
    fn class_subscript(&mut self, class: &Value, index: &Value) -> PyResult<Value> {
        let py = self.py;
        if super::super::attrs::has_user_type(class)
            && let Some(method) = self.lookup_special(class, "__getitem__")
        {
            return self.call(&method, &[class.clone_ref(py), index.clone_ref(py)], &[]);
        }
        let hook = crate::objects::types::intern("__class_getitem__");
        if let Some(method) = self.get_attr_opt(class, &hook)? {
            return self.call(&method, &[index.clone_ref(py)], &[]);
        }
        let t = crate::objects::types::types();
        let generic = [&t.list, &t.dict, &t.tuple, &t.set, &t.frozenset, &t.type_];
        if class.as_obj().is_some_and(|c| generic.iter().any(|g| g.is(c))) {
            let types_module = crate::modules::pickle::import_module(self, "types")?;
            let alias = self.get_attr(&types_module, &crate::objects::types::intern("GenericAlias"))?;
            return self.call(&alias, &[class.clone_ref(py), index.clone_ref(py)], &[]);
        }
        Err(self.type_error(format!(
            "type '{}' is not subscriptable",
            self.type_name_of_class(class)
        )))
    }

    fn type_name_of_class(&self, class: &Value) -> String {
        match class.payload() {
            Some(Payload::Type(t)) => t.name.clone(),
            _ => self.type_name(class),
        }
    }

    /// `(start, stop, step)` of a slice over a sequence of length `len`, and the count.
    pub fn slice_indices(&mut self, s: &[Value; 3], len: usize) -> PyResult<(i64, i64, i64, usize)> {
        Ok(self.slice_bounds(s)?.indices(len))
    }

    /// A slice's bounds read as integers, before the sequence's length is known.
    pub fn slice_bounds(&self, s: &[Value; 3]) -> PyResult<SliceBounds> {
        let step = match &s[2] {
            Value::None => 1,
            v => self.slice_int(v)?,
        };
        if step == 0 {
            return Err(self.value_error("slice step cannot be zero"));
        }
        let bound = |v: &Value| match v {
            Value::None => Ok(None),
            v => self.slice_int(v).map(Some),
        };
        Ok(SliceBounds {
            start: bound(&s[0])?,
            stop: bound(&s[1])?,
            step,
        })
    }

    fn slice_int(&self, v: &Value) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            _ => match as_bigint(v) {
                Some(b) => Ok(if b.is_negative() { i64::MIN / 2 } else { i64::MAX / 2 }),
                None => Err(self.type_error("slice indices must be integers or None or have an __index__ method")),
            },
        }
    }

    fn get_slice(&mut self, obj: &Value, s: &[Value; 3]) -> PyResult<Value> {
        let py = self.py;
        let pick = |start: i64, step: i64, count: usize| (0..count).map(move |k| (start + step * k as i64) as usize);
        match obj.payload() {
            Some(Payload::List(items)) => {
                let bounds = self.slice_bounds(s)?;
                let picked = {
                    let items = items.lock(py);
                    let (start, _, step, count) = bounds.indices(items.len());
                    pick(start, step, count).map(|i| items[i].clone_ref(py)).collect()
                };
                Ok(self.new_list(picked))
            }
            Some(Payload::Tuple(items)) => {
                let (start, _, step, count) = self.slice_indices(s, items.len())?;
                Ok(self.new_tuple(pick(start, step, count).map(|i| items[i].clone_ref(py)).collect()))
            }
            Some(Payload::Str(text)) => {
                let (start, _, step, count) = self.slice_indices(s, text.char_len())?;
                let out: String = if text.is_ascii() {
                    let bytes = text.as_str().as_bytes();
                    pick(start, step, count).map(|i| bytes[i] as char).collect()
                } else {
                    let chars: Vec<char> = text.as_str().chars().collect();
                    pick(start, step, count).map(|i| chars[i]).collect()
                };
                let mut chars = out.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok(self.char_str(c)),
                    _ => Ok(self.new_str(out)),
                }
            }
            Some(Payload::Bytes(b)) => {
                let (start, _, step, count) = self.slice_indices(s, b.len())?;
                Ok(self.new_bytes(pick(start, step, count).map(|i| b[i]).collect()))
            }
            Some(Payload::ByteArray(array)) => {
                let bounds = self.slice_bounds(s)?;
                let picked = {
                    let data = array.lock(py);
                    let (start, _, step, count) = bounds.indices(data.len());
                    pick(start, step, count).map(|i| data[i]).collect()
                };
                Ok(crate::objects::methods::bytes::new_bytearray(self, picked))
            }
            Some(Payload::Range(r)) => {
                let (start, stop, step, _) = self.slice_indices(s, r.len() as usize)?;
                let (r_start, r_step) = (r.start, r.step);
                Ok(self.alloc(Payload::Range(crate::objects::Range {
                    start: r_start + start * r_step,
                    stop: r_start + stop * r_step,
                    step: r_step * step,
                })))
            }
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__getitem__").is_some() => {
                let method = self.lookup_special(obj, "__getitem__").unwrap_or(Value::None);
                let slice = self.alloc(Payload::Slice(Box::new([
                    s[0].clone_ref(py),
                    s[1].clone_ref(py),
                    s[2].clone_ref(py),
                ])));
                self.call(&method, &[obj.clone_ref(py), slice], &[])
            }
            _ => Err(self.type_error(format!("'{}' object is not subscriptable", self.type_name(obj)))),
        }
    }

    pub fn set_item(&mut self, obj: &Value, index: Value, value: Value) -> PyResult<()> {
        let py = self.py;
        match obj.payload() {
            Some(Payload::List(items)) => {
                if let Some(Payload::Slice(s)) = index.payload() {
                    let new_items = self.collect(&value)?;
                    let bounds = self.slice_bounds(s)?;
                    let mut items = items.lock(py);
                    let (start, stop, step, count) = bounds.indices(items.len());
                    if step == 1 {
                        let stop = stop.max(start) as usize;
                        let start = start as usize;
                        let end = stop.min(items.len());
                        let old: Vec<Value> = items.splice(start..end, new_items).collect();
                        drop(items);
                        drop(old);
                        return Ok(());
                    }
                    if new_items.len() != count {
                        drop(items);
                        return Err(self.value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {count}",
                            new_items.len()
                        )));
                    }
                    for (k, v) in new_items.into_iter().enumerate() {
                        items[(start + step * k as i64) as usize] = v;
                    }
                    return Ok(());
                }
                let i = self.index_value(&index, "list")?;
                let mut items = items.lock(py);
                match normalize_index(i, items.len()) {
                    Some(i) => {
                        let old = std::mem::replace(&mut items[i], value);
                        drop(items);
                        drop(old);
                        Ok(())
                    }
                    None => {
                        drop(items);
                        Err(self.index_error("list assignment index out of range"))
                    }
                }
            }
            Some(Payload::Dict(_)) => self.dict_set(obj, index, value),
            Some(Payload::ByteArray(array)) => {
                crate::objects::methods::bytearray::set_item(self, array, &index, &value)
            }
            Some(Payload::MemoryView(view)) => {
                let view = crate::objects::methods::memoryview::live_view(self, obj)?.unwrap_or(view);
                crate::objects::methods::memoryview::set_item(self, view, &index, &value)
            }
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__setitem__").is_some() => {
                let method = self.lookup_special(obj, "__setitem__").unwrap_or(Value::None);
                self.call(&method, &[obj.clone_ref(py), index, value], &[])?;
                Ok(())
            }
            _ => Err(self.type_error(format!(
                "'{}' object does not support item assignment",
                self.type_name(obj)
            ))),
        }
    }

    pub fn del_item(&mut self, obj: &Value, index: &Value) -> PyResult<()> {
        let py = self.py;
        match obj.payload() {
            Some(Payload::List(items)) => {
                if let Some(Payload::Slice(s)) = index.payload() {
                    let bounds = self.slice_bounds(s)?;
                    let mut items = items.lock(py);
                    let (start, _, step, count) = bounds.indices(items.len());
                    let mut positions: Vec<usize> = (0..count).map(|k| (start + step * k as i64) as usize).collect();
                    positions.sort_unstable();
                    let mut removed = Vec::with_capacity(count);
                    for &p in positions.iter().rev() {
                        removed.push(items.remove(p));
                    }
                    drop(items);
                    return Ok(());
                }
                let i = self.index_value(index, "list")?;
                let mut items = items.lock(py);
                match normalize_index(i, items.len()) {
                    Some(i) => {
                        let old = items.remove(i);
                        drop(items);
                        drop(old);
                        Ok(())
                    }
                    None => {
                        drop(items);
                        Err(self.index_error("list assignment index out of range"))
                    }
                }
            }
            Some(Payload::ByteArray(array)) => crate::objects::methods::bytearray::del_item(self, array, index),
            Some(Payload::MemoryView(_)) => Err(self.type_error("cannot delete memory")),
            Some(Payload::Dict(_)) => match self.dict_del(obj, index)? {
                Some(_) => Ok(()),
                None => Err(self.key_error(index)),
            },
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__delitem__").is_some() => {
                let method = self.lookup_special(obj, "__delitem__").unwrap_or(Value::None);
                self.call(&method, &[obj.clone_ref(py), index.clone_ref(py)], &[])?;
                Ok(())
            }
            _ => Err(self.type_error(format!(
                "'{}' object does not support item deletion",
                self.type_name(obj)
            ))),
        }
    }
}

/// A slice's bounds as integers. Reading them can fail but runs no Python code, so a list
/// operation reads them first and applies [`SliceBounds::indices`] to the length it sees under
/// the list's lock: a list that another thread shrank meanwhile cannot be indexed past its end.
pub struct SliceBounds {
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
}

impl SliceBounds {
    /// `(start, stop, step)` over a sequence of length `len`, and the count.
    pub fn indices(&self, len: usize) -> (i64, i64, i64, usize) {
        let (len, step) = (len as i64, self.step);
        let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
        let bound = |v: i64| if v < 0 { (v + len).max(lower) } else { v.min(upper) };
        let start = self.start.map_or(if step < 0 { upper } else { lower }, bound);
        let stop = self.stop.map_or(if step < 0 { lower } else { upper }, bound);
        let count = if step > 0 {
            if stop > start {
                ((stop - start - 1) / step + 1) as usize
            } else {
                0
            }
        } else if start > stop {
            ((start - stop - 1) / (-step) + 1) as usize
        } else {
            0
        };
        (start, stop, step, count)
    }
}
