//! `memoryview` methods, and the item access the VM's subscript operations call.
//!
//! A view reads and writes its source's bytes in place (a bytearray under its lock, one item or
//! one slice at a time). Slicing makes a new view of the same source; only `tobytes`, `tolist`
//! and `hex` copy.

use num_bigint::BigInt;

use crate::gil::Gil;
use crate::objects::buffer::{Item, MemoryView, decode_item, native_item_size, parse_item_format};
use crate::objects::types::{add_methods, types};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::ops::{as_bigint, is_int, normalize_index};
use crate::vm::{PyErr, PyResult, Vm};

use super::bytes::{bytes_hex, bytes_like, released_error};
use super::shared::{bind_args, descriptor_error, takes_no_args};

pub(super) fn install(py: Gil<'_>) {
    add_methods(
        py,
        &types().memoryview,
        &[
            ("tobytes", memoryview_tobytes),
            ("tolist", memoryview_tolist),
            ("hex", memoryview_hex),
            ("release", memoryview_release),
            ("cast", memoryview_cast),
            ("toreadonly", memoryview_toreadonly),
            ("__enter__", memoryview_enter),
            ("__exit__", memoryview_exit),
            ("__reduce_ex__", memoryview_reduce),
            ("__reduce__", memoryview_reduce),
        ],
    );
}

/// The receiver, which must not have been released.
fn this<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a MemoryView> {
    match args.first().and_then(Value::payload) {
        Some(Payload::MemoryView(view)) if view.is_released() => Err(released_error(vm)),
        Some(Payload::MemoryView(view)) => Ok(view),
        _ => Err(descriptor_error(vm, args, "memoryview", method)),
    }
}

/// The view in `v`, if it is one that was not released.
pub fn live_view<'a>(vm: &Vm, v: &'a Value) -> PyResult<Option<&'a MemoryView>> {
    match v.payload() {
        Some(Payload::MemoryView(view)) if view.is_released() => Err(released_error(vm)),
        Some(Payload::MemoryView(view)) => Ok(Some(view)),
        _ => Ok(None),
    }
}

fn memoryview_tobytes(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let view = this(vm, args, "tobytes")?;
    bind_args(vm, "tobytes", &args[1..], kwargs, &["order"], 0)?;
    Ok(vm.new_bytes(view.to_bytes(vm.py)))
}

fn memoryview_tolist(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let view = this(vm, args, "tolist")?;
    takes_no_args(vm, "memoryview", "tolist", &args[1..], kwargs)?;
    let bytes = view.to_bytes(vm.py);
    let items = bytes
        .chunks(view.itemsize())
        .map(|chunk| item_value(vm, decode_item(view.format, chunk)))
        .collect();
    Ok(vm.new_list(items))
}

fn memoryview_hex(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let view = this(vm, args, "hex")?;
    let mut hex_args = vec![vm.new_bytes(view.to_bytes(vm.py))];
    hex_args.extend(args[1..].iter().map(|v| v.clone_ref(vm.py)));
    bytes_hex::<false>(vm, &hex_args, kwargs)
}

fn memoryview_release(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let Some(Payload::MemoryView(view)) = args.first().and_then(Value::payload) else {
        return Err(descriptor_error(vm, args, "memoryview", "release"));
    };
    takes_no_args(vm, "memoryview", "release", &args[1..], kwargs)?;
    view.release();
    Ok(Value::None)
}

fn memoryview_enter(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    this(vm, args, "__enter__")?;
    takes_no_args(vm, "memoryview", "__enter__", &args[1..], kwargs)?;
    Ok(args[0].clone_ref(vm.py))
}

/// `__exit__(type, value, traceback)`: releases the view.
fn memoryview_exit(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    memoryview_release(vm, args.get(..1).unwrap_or_default(), &[])
}

/// Views are not picklable (nor copyable), as in CPython.
fn memoryview_reduce(vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Err(vm.type_error("cannot pickle memoryview objects"))
}

/// A new view of `view`'s source, read-only if `view` is.
fn derived(vm: &Vm, view: &MemoryView, start: usize, len: usize, step: isize, format: u8) -> Value {
    let mut new = MemoryView::new(vm.py, view.source.clone_ref(vm.py), start, len, step, format);
    new.readonly |= view.readonly;
    vm.alloc(Payload::MemoryView(Box::new(new)))
}

fn memoryview_toreadonly(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let view = this(vm, args, "toreadonly")?;
    takes_no_args(vm, "memoryview", "toreadonly", &args[1..], kwargs)?;
    // Only the new view is read-only; the source and other views stay writable.
    let mut new = MemoryView::new(
        vm.py,
        view.source.clone_ref(vm.py),
        view.start,
        view.len,
        view.step,
        view.format,
    );
    new.readonly = true;
    Ok(vm.alloc(Payload::MemoryView(Box::new(new))))
}

/// `cast(format)`: the same bytes read as other items. One side must be a byte format, and
/// the view contiguous, as in CPython; shapes other than one dimension are not supported.
fn memoryview_cast(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let view = this(vm, args, "cast")?;
    let bound = bind_args(vm, "cast", &args[1..], kwargs, &["format", "shape"], 1)?;
    let Some(format) = bound[0].and_then(Value::as_str) else {
        let given = bound[0].map_or("NoneType".to_string(), |v| vm.type_name(v));
        return Err(vm.type_error(format!("cast() argument 'format' must be str, not {given}")));
    };
    if bound[1].is_some() {
        return Err(vm.new_error(
            &types().not_implemented_error,
            "memoryview: cast to a shape is not supported",
        ));
    }
    if !view.is_contiguous() {
        return Err(vm.type_error("memoryview: casts are restricted to C-contiguous views"));
    }
    let Some(code) = parse_item_format(format).filter(|&c| c != b'e') else {
        return Err(vm.value_error(
            "memoryview: destination format must be a native single character format prefixed with an optional '@'",
        ));
    };
    let is_byte_format = |c: u8| matches!(c, b'B' | b'b' | b'c');
    if !is_byte_format(code) && !is_byte_format(view.format) {
        return Err(vm.type_error("memoryview: cannot cast between two non-byte formats"));
    }
    let size = native_item_size(code).unwrap_or(1);
    if !view.nbytes().is_multiple_of(size) {
        return Err(vm.type_error("memoryview: length is not a multiple of itemsize"));
    }
    Ok(derived(vm, view, view.start, view.nbytes() / size, size as isize, code))
}

// ----- items ---------------------------------------------------------------------------------

fn item_value(vm: &Vm, item: Item) -> Value {
    match item {
        Item::Int(i) => vm.new_int(BigInt::from(i)),
        Item::Float(f) => Value::Float(f),
        Item::Bool(b) => Value::Bool(b),
        Item::Char(c) => vm.new_bytes(vec![c]),
    }
}

fn format_name(code: u8) -> char {
    char::from(code)
}

/// The native bytes of `value` as an item of `code`, with CPython's errors.
fn encode_item(vm: &mut Vm, code: u8, value: &Value) -> PyResult<Vec<u8>> {
    let invalid_type = |vm: &Vm| vm.type_error(format!("memoryview: invalid type for format '{}'", format_name(code)));
    let invalid_value =
        |vm: &Vm| vm.value_error(format!("memoryview: invalid value for format '{}'", format_name(code)));
    let size = native_item_size(code).unwrap_or(1);
    match code {
        b'c' => match bytes_like(vm, value)? {
            Some(b) if b.len() == 1 => Ok(b.to_vec()),
            Some(_) => Err(invalid_value(vm)),
            None => Err(invalid_type(vm)),
        },
        b'?' => Ok(vec![u8::from(vm.is_true(value)?)]),
        b'f' | b'd' => {
            let x = match value {
                Value::Float(f) => *f,
                v if is_int(v) => super::constructors::to_float(vm, v)?,
                _ => return Err(invalid_type(vm)),
            };
            Ok(if code == b'f' {
                (x as f32).to_ne_bytes().to_vec()
            } else {
                x.to_ne_bytes().to_vec()
            })
        }
        _ => {
            if !is_int(value) {
                return Err(invalid_type(vm));
            }
            let n = as_bigint(value).and_then(|b| i128::try_from(b.as_ref()).ok());
            let signed = matches!(code, b'b' | b'h' | b'i' | b'l' | b'q' | b'n');
            let bits = 8 * size as u32;
            let fits = |n: i128| {
                if signed {
                    let half = 1i128 << (bits - 1);
                    (-half..half).contains(&n)
                } else {
                    (0..1i128 << bits).contains(&n)
                }
            };
            match n {
                Some(n) if fits(n) => Ok(n.to_ne_bytes()[..size].to_vec()),
                _ => Err(invalid_value(vm)),
            }
        }
    }
}

fn out_of_bounds(vm: &Vm) -> PyErr {
    vm.index_error("index out of bounds on dimension 1")
}

/// `view[index]`: an item, or for a slice a new view of the same source.
pub fn get_item(vm: &mut Vm, view: &MemoryView, index: &Value) -> PyResult<Value> {
    if let Some(Payload::Slice(s)) = index.payload() {
        let (start, _, step, count) = vm.slice_indices(s, view.len)?;
        let first = if count == 0 {
            view.start
        } else {
            view.offset(start as usize)
        };
        return Ok(derived(vm, view, first, count, view.step * step as isize, view.format));
    }
    if !is_int(index) {
        return Err(vm.type_error("memoryview: invalid slice key"));
    }
    let i = vm.index_value(index, "memoryview")?;
    let Some(i) = normalize_index(i, view.len) else {
        return Err(out_of_bounds(vm));
    };
    let at = view.offset(i);
    let size = view.itemsize();
    let item = view.with_source(vm.py, |data| {
        data.get(at..at + size).map(|b| decode_item(view.format, b))
    });
    match item {
        Some(item) => Ok(item_value(vm, item)),
        None => Err(out_of_bounds(vm)),
    }
}

/// `view[index] = value`: writes through to the source.
pub fn set_item(vm: &mut Vm, view: &MemoryView, index: &Value, value: &Value) -> PyResult<()> {
    if view.readonly {
        return Err(vm.type_error("cannot modify read-only memory"));
    }
    let Payload::ByteArray(array) = &view.source.payload else {
        return Err(vm.type_error("cannot modify read-only memory"));
    };
    let size = view.itemsize();
    // (offset, bytes) pairs to write, all converted before the source is locked.
    let writes: Vec<(usize, Vec<u8>)> = if let Some(Payload::Slice(s)) = index.payload() {
        let (start, _, step, count) = vm.slice_indices(s, view.len)?;
        let Some(bytes) = bytes_like(vm, value)? else {
            return Err(vm.type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(value)
            )));
        };
        if bytes.len() != count * size {
            return Err(vm.value_error("memoryview assignment: lvalue and rvalue have different structures"));
        }
        bytes
            .chunks(size)
            .enumerate()
            .map(|(k, chunk)| (view.offset((start + step * k as i64) as usize), chunk.to_vec()))
            .collect()
    } else {
        if !is_int(index) {
            return Err(vm.type_error("memoryview: invalid slice key"));
        }
        let i = vm.index_value(index, "memoryview")?;
        let Some(i) = normalize_index(i, view.len) else {
            return Err(out_of_bounds(vm));
        };
        vec![(view.offset(i), encode_item(vm, view.format, value)?)]
    };
    let mut data = array.lock(vm.py);
    for (at, bytes) in writes {
        if let Some(target) = data.get_mut(at..at + bytes.len()) {
            target.copy_from_slice(&bytes);
        }
    }
    Ok(())
}

/// `view == other`: equal items (compared as the values they read as) in the same order.
pub fn equals(vm: &mut Vm, view: &MemoryView, other: &Value) -> PyResult<bool> {
    let mine = view.to_bytes(vm.py);
    let (theirs, format) = match other.payload() {
        Some(Payload::MemoryView(o)) if o.is_released() => return Ok(false),
        Some(Payload::MemoryView(o)) => (o.to_bytes(vm.py), o.format),
        _ => match bytes_like(vm, other)? {
            Some(b) => (b.into_owned(), b'B'),
            None => return Ok(false),
        },
    };
    if format == view.format {
        return Ok(mine == theirs);
    }
    let decode_all = |bytes: &[u8], code: u8| -> Vec<Item> {
        let size = native_item_size(code).unwrap_or(1);
        bytes.chunks(size).map(|c| decode_item(code, c)).collect()
    };
    Ok(decode_all(&mine, view.format) == decode_all(&theirs, format))
}

/// `len(view)`, checked for release.
pub fn len(vm: &Vm, view: &MemoryView) -> PyResult<usize> {
    if view.is_released() {
        return Err(released_error(vm));
    }
    Ok(view.len)
}

/// The attributes of a view: `None` for names that are none of them.
pub fn attribute(vm: &Vm, view: &MemoryView, name: &str) -> PyResult<Option<Value>> {
    let py = vm.py;
    let known = matches!(
        name,
        "nbytes"
            | "readonly"
            | "itemsize"
            | "format"
            | "ndim"
            | "shape"
            | "strides"
            | "suboffsets"
            | "obj"
            | "contiguous"
            | "c_contiguous"
            | "f_contiguous"
    );
    if !known {
        return Ok(None);
    }
    if view.is_released() {
        return Err(released_error(vm));
    }
    let int = |n: usize| Value::Int(n as i64);
    Ok(Some(match name {
        "nbytes" => int(view.nbytes()),
        "readonly" => Value::Bool(view.readonly),
        "itemsize" => int(view.itemsize()),
        "format" => vm.new_str(format_name(view.format).to_string()),
        "ndim" => Value::Int(1),
        "shape" => vm.new_tuple(vec![int(view.len)]),
        "strides" => vm.new_tuple(vec![Value::Int(view.step as i64)]),
        "suboffsets" => vm.new_tuple(Vec::new()),
        "obj" => Value::Obj(view.source.clone_ref(py)),
        _ => Value::Bool(view.is_contiguous()),
    }))
}
