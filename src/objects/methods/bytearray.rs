//! What `bytearray` adds to the methods it shares with `bytes` (`bytes.rs`): mutation, and the
//! item and slice assignment the VM's subscript operations call.
//!
//! Each change happens in one step under the bytearray's lock, so it is atomic with or
//! without the GIL. Values are converted (which may run `__index__`, or iterate) before the
//! lock is taken. A change of length while a memoryview exports the storage raises
//! `BufferError`, checked under the same lock.

use crate::gil::Gil;
use crate::objects::buffer::ByteArray;
use crate::objects::types::{add_methods, types};
use crate::objects::{ObjGuard, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::{as_bigint, as_small_int, normalize_index};
use crate::vm::{PyErr, PyResult, Vm};

use super::bytes::{bytes_like, new_bytearray};
use super::shared::{descriptor_error, int_arg, takes_no_args, takes_one_arg};

pub(super) fn install(py: Gil<'_>) {
    add_methods(
        py,
        &types().bytearray,
        &[
            ("append", bytearray_append),
            ("extend", bytearray_extend),
            ("insert", bytearray_insert),
            ("pop", bytearray_pop),
            ("remove", bytearray_remove),
            ("clear", bytearray_clear),
            ("reverse", bytearray_reverse),
            ("copy", bytearray_copy),
            ("__reduce_ex__", bytearray_reduce_ex),
            ("__reduce__", bytearray_reduce),
        ],
    );
}

fn this<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a ByteArray> {
    match args.first().map(Value::builtin_self).and_then(Value::payload) {
        Some(Payload::ByteArray(array)) => Ok(array),
        _ => Err(descriptor_error(vm, args, "bytearray", method)),
    }
}

/// `BufferError` for a resize while a memoryview holds the storage.
fn exported_error(vm: &Vm) -> PyErr {
    vm.new_error(
        &types().buffer_error,
        "Existing exports of data: object cannot be re-sized",
    )
}

/// The locked bytes, passed on for a change to `new_len` bytes, or `BufferError` when that
/// changes the length while a view exports them.
fn resizable<'a>(
    vm: &Vm,
    array: &ByteArray,
    data: ObjGuard<'a, Vec<u8>>,
    new_len: usize,
) -> PyResult<ObjGuard<'a, Vec<u8>>> {
    if new_len != data.len() && array.is_exported() {
        drop(data);
        return Err(exported_error(vm));
    }
    Ok(data)
}

/// One byte given as an int (`__index__` objects included).
pub fn byte_value(vm: &mut Vm, v: &Value) -> PyResult<u8> {
    let n = match as_small_int(v) {
        Some(n) => n,
        None if as_bigint(v).is_some() => -1,
        None => int_arg(vm, v)?,
    };
    u8::try_from(n).map_err(|_| vm.value_error("byte must be in range(0, 256)"))
}

/// The bytes of a bytes-like object, or of an iterable of ints in `range(0, 256)`.
/// `not_iterable` is the error for a value that is neither.
pub fn collect_bytes(vm: &mut Vm, v: &Value, not_iterable: impl FnOnce(&Vm) -> PyErr) -> PyResult<Vec<u8>> {
    if let Some(bytes) = bytes_like(vm, v)? {
        return Ok(bytes.into_owned());
    }
    let Ok(it) = vm.iter(v) else {
        return Err(not_iterable(vm));
    };
    let mut out = Vec::new();
    while let Some(item) = vm.next(&it)? {
        out.push(byte_value(vm, &item)?);
    }
    Ok(out)
}

fn bytearray_append(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "append")?;
    let item = takes_one_arg(vm, "bytearray", "append", &args[1..], kwargs)?;
    let byte = byte_value(vm, item)?;
    let data = array.lock(vm.py);
    let new_len = data.len() + 1;
    resizable(vm, array, data, new_len)?.push(byte);
    Ok(Value::None)
}

fn bytearray_extend(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "extend")?;
    let source = takes_one_arg(vm, "bytearray", "extend", &args[1..], kwargs)?;
    let more = collect_bytes(vm, source, |vm| {
        vm.type_error(format!("can't extend bytearray with {}", vm.type_name(source)))
    })?;
    let data = array.lock(vm.py);
    let new_len = data.len() + more.len();
    resizable(vm, array, data, new_len)?.extend_from_slice(&more);
    Ok(Value::None)
}

fn bytearray_insert(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "insert")?;
    no_kwargs(vm, "insert", kwargs)?;
    if args.len() != 3 {
        return Err(vm.type_error(format!("insert expected 2 arguments, got {}", args.len() - 1)));
    }
    let index = int_arg(vm, &args[1])?;
    let byte = byte_value(vm, &args[2])?;
    let data = array.lock(vm.py);
    let new_len = data.len() + 1;
    let mut data = resizable(vm, array, data, new_len)?;
    let len = data.len() as i64;
    let at = if index < 0 {
        (index + len).max(0)
    } else {
        index.min(len)
    };
    data.insert(at as usize, byte);
    Ok(Value::None)
}

fn bytearray_pop(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "pop")?;
    no_kwargs(vm, "pop", kwargs)?;
    check_arity(vm, "pop", &args[1..], 0, 1)?;
    let index = match args.get(1) {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    let data = array.lock(vm.py);
    if data.is_empty() {
        drop(data);
        return Err(vm.index_error("pop from empty bytearray"));
    }
    match normalize_index(index, data.len()) {
        Some(i) => {
            let new_len = data.len() - 1;
            Ok(Value::Int(i64::from(resizable(vm, array, data, new_len)?.remove(i))))
        }
        None => {
            drop(data);
            Err(vm.index_error("pop index out of range"))
        }
    }
}

fn bytearray_remove(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "remove")?;
    let item = takes_one_arg(vm, "bytearray", "remove", &args[1..], kwargs)?;
    let byte = byte_value(vm, item)?;
    let data = array.lock(vm.py);
    match data.iter().position(|&b| b == byte) {
        Some(i) => {
            let new_len = data.len() - 1;
            resizable(vm, array, data, new_len)?.remove(i);
            Ok(Value::None)
        }
        None => {
            drop(data);
            Err(vm.value_error("value not found in bytearray"))
        }
    }
}

fn bytearray_clear(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "clear")?;
    takes_no_args(vm, "bytearray", "clear", &args[1..], kwargs)?;
    let data = array.lock(vm.py);
    resizable(vm, array, data, 0)?.clear();
    Ok(Value::None)
}

fn bytearray_reverse(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "reverse")?;
    takes_no_args(vm, "bytearray", "reverse", &args[1..], kwargs)?;
    array.lock(vm.py).reverse();
    Ok(Value::None)
}

fn bytearray_copy(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let array = this(vm, args, "copy")?;
    takes_no_args(vm, "bytearray", "copy", &args[1..], kwargs)?;
    let bytes = array.snapshot(vm.py);
    Ok(new_bytearray(vm, bytes))
}

/// `(bytearray, args, state)` as CPython reduces it: the bytes themselves from protocol 3 on,
/// before that a Latin-1 string and its encoding (protocols 0-2 have no bytes type).
fn reduce(vm: &mut Vm, args: &[Value], protocol: i64) -> PyResult<Value> {
    let array = this(vm, args, "__reduce_ex__")?;
    let bytes = array.snapshot(vm.py);
    let class = Value::Obj(vm.type_of(&args[0]).clone_ref(vm.py));
    let constructor_args = if protocol < 3 {
        let text: String = bytes.iter().map(|&b| char::from(b)).collect();
        let (text, encoding) = (vm.new_str(text), vm.new_str("latin-1"));
        vm.new_tuple(vec![text, encoding])
    } else {
        let bytes = vm.new_bytes(bytes);
        vm.new_tuple(vec![bytes])
    };
    let state = match args[0].payload() {
        Some(Payload::Instance(inst)) => Value::Obj(inst.dict_object(vm.py)),
        _ => Value::None,
    };
    Ok(vm.new_tuple(vec![class, constructor_args, state]))
}

fn bytearray_reduce_ex(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let protocol = takes_one_arg(
        vm,
        "bytearray",
        "__reduce_ex__",
        args.get(1..).unwrap_or_default(),
        kwargs,
    )?;
    let protocol = int_arg(vm, protocol)?;
    reduce(vm, args, protocol)
}

fn bytearray_reduce(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    takes_no_args(vm, "bytearray", "__reduce__", args.get(1..).unwrap_or_default(), kwargs)?;
    reduce(vm, args, 0)
}

// ----- subscripts -----------------------------------------------------------------------------

/// `array[index] = value` and `array[a:b:c] = value`.
pub fn set_item(vm: &mut Vm, array: &ByteArray, index: &Value, value: &Value) -> PyResult<()> {
    if let Some(Payload::Slice(s)) = index.payload() {
        let cannot = |vm: &Vm| vm.type_error("can assign only bytes, buffers, or iterables of ints in range(0, 256)");
        if value.as_str().is_some() || crate::vm::ops::is_int(value) {
            return Err(cannot(vm));
        }
        let new = collect_bytes(vm, value, cannot)?;
        let bounds = vm.slice_bounds(s)?;
        let mut data = array.lock(vm.py);
        let (start, stop, step, count) = bounds.indices(data.len());
        if step == 1 {
            let (start, stop) = (start as usize, (stop.max(start) as usize).min(data.len()));
            let new_len = data.len() - (stop - start) + new.len();
            resizable(vm, array, data, new_len)?.splice(start..stop, new);
            return Ok(());
        }
        if new.len() != count {
            drop(data);
            return Err(vm.value_error(format!(
                "attempt to assign bytes of size {} to extended slice of size {count}",
                new.len()
            )));
        }
        for (k, b) in new.into_iter().enumerate() {
            data[(start + step * k as i64) as usize] = b;
        }
        return Ok(());
    }
    let i = vm.index_value(index, "bytearray")?;
    let byte = byte_value(vm, value)?;
    let mut data = array.lock(vm.py);
    match normalize_index(i, data.len()) {
        Some(i) => {
            data[i] = byte;
            Ok(())
        }
        None => {
            drop(data);
            Err(vm.index_error("bytearray index out of range"))
        }
    }
}

/// `del array[index]` and `del array[a:b:c]`.
pub fn del_item(vm: &mut Vm, array: &ByteArray, index: &Value) -> PyResult<()> {
    if let Some(Payload::Slice(s)) = index.payload() {
        let bounds = vm.slice_bounds(s)?;
        let data = array.lock(vm.py);
        let (start, _, step, count) = bounds.indices(data.len());
        let new_len = data.len() - count;
        let mut data = resizable(vm, array, data, new_len)?;
        let mut doomed = vec![false; data.len()];
        for k in 0..count {
            doomed[(start + step * k as i64) as usize] = true;
        }
        let mut position = 0;
        data.retain(|_| {
            position += 1;
            !doomed[position - 1]
        });
        return Ok(());
    }
    let i = vm.index_value(index, "bytearray")?;
    let data = array.lock(vm.py);
    match normalize_index(i, data.len()) {
        Some(i) => {
            let new_len = data.len() - 1;
            resizable(vm, array, data, new_len)?.remove(i);
            Ok(())
        }
        None => {
            drop(data);
            Err(vm.index_error("bytearray index out of range"))
        }
    }
}

/// `array += other`: the bytes of any bytes-like object, appended in one step.
pub fn extend_in_place(vm: &mut Vm, array: &ByteArray, other: &Value) -> PyResult<bool> {
    let Some(more) = bytes_like(vm, other)? else {
        return Ok(false);
    };
    let more = more.into_owned();
    let data = array.lock(vm.py);
    let new_len = data.len() + more.len();
    resizable(vm, array, data, new_len)?.extend_from_slice(&more);
    Ok(true)
}

/// `array *= n`.
pub fn repeat_in_place(vm: &mut Vm, array: &ByteArray, n: i64) -> PyResult<()> {
    let n = usize::try_from(n).unwrap_or(0);
    let data = array.lock(vm.py);
    let Some(new_len) = data.len().checked_mul(n).filter(|&total| total <= 1 << 34) else {
        drop(data);
        return Err(vm.new_error(&types().memory_error, ""));
    };
    let mut data = resizable(vm, array, data, new_len)?;
    let repeated = data.repeat(n);
    *data = repeated;
    Ok(())
}
