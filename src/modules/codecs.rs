//! `_codecs`: `encode`, which pickles of `bytes` written with protocols 0-2 call to rebuild
//! them (`_codecs.encode('\x00\xff', 'latin1')`), as CPython writes them.

use crate::objects::{ObjRef, Value};
use crate::vm::args::{check_arity, only_kwargs};
use crate::vm::{PyResult, Vm};

use super::new_module;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(vm, "_codecs", &[("encode", encode)], Vec::new())
}

/// `encode(obj, encoding='utf-8', errors='strict')`: `obj.encode(encoding, errors)`.
fn encode(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "encode", kwargs, &["encoding", "errors"])?;
    check_arity(vm, "encode", args, 1, 3)?;
    let named = |name: &str| crate::vm::args::kwarg(kwargs, name).map(|v| v.clone_ref(vm.py));
    let encoding = args.get(1).map(|v| v.clone_ref(vm.py)).or_else(|| named("encoding"));
    let errors = args.get(2).map(|v| v.clone_ref(vm.py)).or_else(|| named("errors"));
    let mut call_args = vec![encoding.unwrap_or_else(|| vm.new_str("utf-8"))];
    if let Some(errors) = errors {
        call_args.push(errors);
    }
    vm.call_method(&args[0], "encode", &call_args)
}
