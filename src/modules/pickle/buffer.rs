//! Protocol 5's out-of-band buffers (PEP 574): a `pickle.PickleBuffer` is written in band as
//! bytes, or, when `buffer_callback` takes it, as `NEXT_BUFFER` (and `READONLY_BUFFER`) with
//! its data left to the caller, to be handed back through `loads(..., buffers=...)`.
//!
//! toy has no `bytearray` or `memoryview`, so a `PickleBuffer` can only wrap `bytes`, which is
//! read-only: it always comes back as the object the caller supplies, or as `bytes`.

use super::opcodes::*;
use super::pickler::Pickler;
use super::pickling_error;
use crate::objects::types::intern;
use crate::objects::{Payload, Value};
use crate::vm::{PyResult, Vm};

/// Where a `PickleBuffer` keeps the bytes it wraps (`None` once released).
pub const WRAPPED: &str = "_PickleBuffer__obj";

/// Whether `v` is a `pickle.PickleBuffer` (the class `_pickle` made).
pub fn is_pickle_buffer(vm: &mut Vm, v: &Value) -> bool {
    let Some(Payload::Instance(inst)) = v.payload() else {
        return false;
    };
    let Payload::Type(t) = &inst.class.payload else {
        return false;
    };
    if t.name != "PickleBuffer" || t.module != "pickle" {
        return false;
    }
    let modules = vm.modules.clone_ref(vm.py);
    let class = match vm.dict_get_str(&modules, &intern("_pickle")) {
        Ok(Some(pickle)) => vm.get_attr_opt(&pickle, &intern("PickleBuffer")).ok().flatten(),
        _ => None,
    };
    class.is_some_and(|c| c.as_obj().is_some_and(|c| c.is(&inst.class)))
}

/// The bytes a `PickleBuffer` wraps, or CPython's error once it has been released.
pub fn wrapped_bytes(vm: &mut Vm, buffer: &Value) -> PyResult<Value> {
    let obj = vm.get_attr(buffer, &intern(WRAPPED))?;
    if obj.is_none() {
        return Err(vm.value_error("operation forbidden on released PickleBuffer object"));
    }
    Ok(obj)
}

pub fn save_pickle_buffer(p: &mut Pickler, vm: &mut Vm, v: &Value) -> PyResult<()> {
    if p.proto < 5 {
        return Err(pickling_error(vm, "PickleBuffer can only pickled with protocol >= 5"));
    }
    let data = wrapped_bytes(vm, v)?;
    let in_band = match &p.hooks.buffer_callback {
        Some(callback) => {
            let callback = callback.clone_ref(vm.py);
            let answer = vm.call(&callback, &[v.clone_ref(vm.py)], &[])?;
            vm.is_true(&answer)?
        }
        None => true,
    };
    if in_band {
        let Some(Payload::Bytes(bytes)) = data.payload() else {
            return Err(vm.type_error("PickleBuffer wraps no bytes"));
        };
        p.save_bytes_data(vm, bytes, Some(&data))?;
        p.memoize(vm, v);
    } else {
        // Out of band, and never memoized: each occurrence is one more buffer.
        p.op(NEXT_BUFFER);
        p.op(READONLY_BUFFER);
    }
    Ok(())
}
