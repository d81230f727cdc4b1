//! The reduce protocol on the writing side: what `__reduce_ex__` (or a dispatch table, or
//! `reducer_override`) returns is checked with CPython's messages and written as `REDUCE`,
//! `NEWOBJ` or `NEWOBJ_EX`, then the state (`BUILD`) and the items of list and dict
//! subclasses (`APPENDS`, `SETITEMS`).

use super::opcodes::*;
use super::pickler::Pickler;
use super::{import_module, pickling_error};
use crate::objects::types::{intern, types};
use crate::objects::{Payload, Value};
use crate::vm::{PyResult, Vm};

/// The parts of a reduce tuple: `func(*args)` rebuilds the object, then `state`, list items
/// and dict items are added to it, by `state_setter(obj, state)` when one is given.
pub struct Reduce {
    pub func: Value,
    pub args: Value,
    pub state: Value,
    pub list_items: Value,
    pub dict_items: Value,
    pub state_setter: Value,
}

impl Reduce {
    /// Just `func(*args)`.
    pub fn call(func: Value, args: Value) -> Reduce {
        Reduce {
            func,
            args,
            state: Value::None,
            list_items: Value::None,
            dict_items: Value::None,
            state_setter: Value::None,
        }
    }
}

/// `obj.__reduce_ex__(proto)`, or `obj.__reduce__()` for an object without the former.
pub fn call_reduce_ex(vm: &mut Vm, v: &Value, proto: u8) -> PyResult<Value> {
    match vm.get_attr_opt(v, &intern("__reduce_ex__"))? {
        Some(reduce_ex) => call_reducer(vm, &reduce_ex, &[Value::Int(i64::from(proto))]),
        None => {
            let reduce = vm.get_attr(v, &intern("__reduce__"))?;
            call_reducer(vm, &reduce, &[])
        }
    }
}

/// Call a reducer. A built-in one counts a level of recursion, as CPython counts calls of C
/// functions (a Python one counts its frame).
fn call_reducer(vm: &mut Vm, reducer: &Value, args: &[Value]) -> PyResult<Value> {
    let function = match reducer.payload() {
        Some(Payload::BoundMethod(_, function)) => function,
        _ => reducer,
    };
    if matches!(function.payload(), Some(Payload::Native(_))) {
        vm.with_recursion_guard(crate::vm::recursion::context::CALLING_OBJECT, |vm| {
            vm.call(reducer, args, &[])
        })
    } else {
        vm.call(reducer, args, &[])
    }
}

/// Write `obj` from what its reducer returned: a name (a global) or a reduce tuple.
pub fn save_reduce_value(p: &mut Pickler, vm: &mut Vm, obj: &Value, rv: Value) -> PyResult<()> {
    if rv.as_str().is_some() {
        return super::globals::save_global(p, vm, obj, Some(rv));
    }
    let Some(Payload::Tuple(parts)) = rv.payload() else {
        return Err(pickling_error(vm, "__reduce__ must return a string or tuple"));
    };
    if !(2..=6).contains(&parts.len()) {
        return Err(pickling_error(
            vm,
            "tuple returned by __reduce__ must contain 2 through 6 elements",
        ));
    }
    let part = |i: usize| parts.get(i).map_or(Value::None, |v| v.clone_ref(vm.py));
    let reduce = Reduce {
        func: part(0),
        args: part(1),
        state: part(2),
        list_items: part(3),
        dict_items: part(4),
        state_setter: part(5),
    };
    save_reduce(p, vm, reduce, Some(obj))
}

/// Is `v` an iterator (has `__next__`)?
fn is_iterator(vm: &mut Vm, v: &Value) -> bool {
    matches!(v.payload(), Some(Payload::Iterator(..) | Payload::Generator(_)))
        || vm.lookup_special(v, "__next__").is_some()
}

/// The `__name__` of a reducing function, to spot `copyreg.__newobj__` and `__newobj_ex__`.
fn function_name(vm: &mut Vm, func: &Value) -> PyResult<Option<String>> {
    if let Some(Payload::Function(f)) = func.payload() {
        return Ok(Some(f.name.lock(vm.py).clone()));
    }
    Ok(vm
        .get_attr_opt(func, &intern("__name__"))?
        .and_then(|n| n.as_str().map(str::to_owned)))
}

pub fn save_reduce(p: &mut Pickler, vm: &mut Vm, r: Reduce, obj: Option<&Value>) -> PyResult<()> {
    let Some(Payload::Tuple(args)) = r.args.payload() else {
        return Err(pickling_error(
            vm,
            "second item of the tuple returned by __reduce__ must be a tuple",
        ));
    };
    if !crate::modules::builtins::is_callable(vm, &r.func) {
        return Err(pickling_error(
            vm,
            "first item of the tuple returned by __reduce__ must be callable",
        ));
    }
    for (value, ordinal) in [(&r.list_items, "fourth"), (&r.dict_items, "fifth")] {
        if !value.is_none() && !is_iterator(vm, value) {
            return Err(pickling_error(
                vm,
                format!(
                    "{ordinal} element of the tuple returned by __reduce__ must be an iterator, not {}",
                    vm.type_name(value)
                ),
            ));
        }
    }
    if !r.state_setter.is_none() && !crate::modules::builtins::is_callable(vm, &r.state_setter) {
        return Err(pickling_error(
            vm,
            format!(
                "sixth element of the tuple returned by __reduce__ must be a function, not {}",
                vm.type_name(&r.state_setter)
            ),
        ));
    }
    let name = if p.proto >= 2 {
        function_name(vm, &r.func)?
    } else {
        None
    };
    match name.as_deref() {
        Some("__newobj_ex__") => save_newobj_ex(p, vm, args, obj)?,
        Some("__newobj__") => save_newobj(p, vm, args, obj)?,
        _ => {
            p.save(vm, &r.func)?;
            p.save(vm, &r.args)?;
            p.op(REDUCE);
        }
    }
    if let Some(obj) = obj {
        // The arguments led back to the object, which was written on that path: refer to
        // that copy instead of this one.
        if let Some(index) = p.memo_index(obj) {
            p.op(POP);
            p.write_get(index);
        } else {
            p.memoize(vm, obj);
        }
    }
    if !r.list_items.is_none() {
        batch_appends(p, vm, &r.list_items)?;
    }
    if !r.dict_items.is_none() {
        batch_setitems(p, vm, &r.dict_items)?;
    }
    if !r.state.is_none() {
        if r.state_setter.is_none() {
            p.save(vm, &r.state)?;
            p.op(BUILD);
        } else {
            // state_setter(obj, state), its result dropped: an ordinary REDUCE.
            p.save(vm, &r.state_setter)?;
            p.save(vm, obj.unwrap_or(&Value::None))?;
            p.save(vm, &r.state)?;
            p.op(TUPLE2);
            p.op(REDUCE);
            p.op(POP);
        }
    }
    Ok(())
}

/// `cls.__new__(cls, *args)`: `NEWOBJ`.
fn save_newobj(p: &mut Pickler, vm: &mut Vm, args: &[Value], obj: Option<&Value>) -> PyResult<()> {
    let Some((class, rest)) = args.split_first() else {
        return Err(pickling_error(vm, "__newobj__ arglist is empty"));
    };
    if !matches!(class.payload(), Some(Payload::Type(_))) {
        return Err(pickling_error(vm, "args[0] from __newobj__ args is not a type"));
    }
    if let Some(obj) = obj
        && !vm.type_of(obj).is(class.as_obj().unwrap_or(&types().object))
    {
        return Err(pickling_error(vm, "args[0] from __newobj__ args has the wrong class"));
    }
    p.save(vm, class)?;
    let rest = vm.new_tuple(rest.iter().map(|v| v.clone_ref(vm.py)).collect());
    p.save(vm, &rest)?;
    p.op(NEWOBJ);
    Ok(())
}

/// `cls.__new__(cls, *args, **kwargs)`: `NEWOBJ_EX` from protocol 4; before, a reduce of
/// `functools.partial(cls.__new__, cls, *args, **kwargs)`, as CPython writes it.
fn save_newobj_ex(p: &mut Pickler, vm: &mut Vm, args: &[Value], obj: Option<&Value>) -> PyResult<()> {
    if args.len() != 3 {
        return Err(pickling_error(
            vm,
            format!(
                "length of the NEWOBJ_EX argument tuple must be exactly 3, not {}",
                args.len()
            ),
        ));
    }
    let (class, new_args, kwargs) = (&args[0], &args[1], &args[2]);
    if !matches!(class.payload(), Some(Payload::Type(_))) {
        return Err(pickling_error(
            vm,
            format!(
                "first item from NEWOBJ_EX argument tuple must be a class, not {}",
                vm.type_name(class)
            ),
        ));
    }
    let Some(Payload::Tuple(positional)) = new_args.payload() else {
        return Err(pickling_error(
            vm,
            format!(
                "second item from NEWOBJ_EX argument tuple must be a tuple, not {}",
                vm.type_name(new_args)
            ),
        ));
    };
    if !matches!(kwargs.payload(), Some(Payload::Dict(_))) {
        return Err(pickling_error(
            vm,
            format!(
                "third item from NEWOBJ_EX argument tuple must be a dict, not {}",
                vm.type_name(kwargs)
            ),
        ));
    }
    if let Some(obj) = obj
        && !vm.type_of(obj).is(class.as_obj().unwrap_or(&types().object))
    {
        return Err(pickling_error(
            vm,
            "args[0] from __newobj_ex__ args has the wrong class",
        ));
    }
    if p.proto >= 4 {
        p.save(vm, class)?;
        p.save(vm, new_args)?;
        p.save(vm, kwargs)?;
        p.op(NEWOBJ_EX);
        return Ok(());
    }
    let new = vm.get_attr(class, &intern("__new__"))?;
    let mut partial_args = vec![new, class.clone_ref(vm.py)];
    partial_args.extend(positional.iter().map(|v| v.clone_ref(vm.py)));
    let keywords: Vec<(crate::objects::ObjRef, Value)> = vm
        .dict_items(kwargs)?
        .into_iter()
        .filter_map(|(k, v)| Some((intern(k.as_str()?), v)))
        .collect();
    let functools = import_module(vm, "functools")?;
    let partial_class = vm.get_attr(&functools, &intern("partial"))?;
    let partial = vm.call(&partial_class, &partial_args, &keywords)?;
    let empty = vm.new_tuple(Vec::new());
    save_reduce(p, vm, Reduce::call(partial, empty), None)
}

/// The items of a list subclass (or any `listitems` iterator): `APPEND` for a lone item,
/// `MARK … APPENDS` for each batch of up to 1000.
fn batch_appends(p: &mut Pickler, vm: &mut Vm, items: &Value) -> PyResult<()> {
    if p.proto == 0 {
        while let Some(item) = vm.next(items)? {
            p.save(vm, &item)?;
            p.op(APPEND);
        }
        return Ok(());
    }
    loop {
        let Some(first) = vm.next(items)? else {
            return Ok(());
        };
        let Some(second) = vm.next(items)? else {
            p.save(vm, &first)?;
            p.op(APPEND);
            return Ok(());
        };
        p.op(MARK);
        p.save(vm, &first)?;
        let mut in_batch = 1;
        let mut item = Some(second);
        while let Some(current) = item {
            p.save(vm, &current)?;
            in_batch += 1;
            item = if in_batch == BATCH_SIZE { None } else { vm.next(items)? };
        }
        p.op(APPENDS);
        if in_batch < BATCH_SIZE {
            return Ok(());
        }
    }
}

/// A `(key, value)` pair from a `dictitems` iterator.
fn item_pair(vm: &mut Vm, item: Value) -> PyResult<(Value, Value)> {
    match item.payload() {
        Some(Payload::Tuple(pair)) if pair.len() == 2 => Ok((pair[0].clone_ref(vm.py), pair[1].clone_ref(vm.py))),
        _ => Err(vm.type_error("dict items iterator must return 2-tuples")),
    }
}

/// The items of a dict subclass (or any `dictitems` iterator of pairs): `SETITEM` for a lone
/// pair, `MARK … SETITEMS` for each batch of up to 1000.
fn batch_setitems(p: &mut Pickler, vm: &mut Vm, items: &Value) -> PyResult<()> {
    let save_pair = |p: &mut Pickler, vm: &mut Vm, item: Value| -> PyResult<()> {
        let (key, value) = item_pair(vm, item)?;
        p.save(vm, &key)?;
        p.save(vm, &value)
    };
    if p.proto == 0 {
        while let Some(item) = vm.next(items)? {
            save_pair(p, vm, item)?;
            p.op(SETITEM);
        }
        return Ok(());
    }
    loop {
        let Some(first) = vm.next(items)? else {
            return Ok(());
        };
        let Some(second) = vm.next(items)? else {
            save_pair(p, vm, first)?;
            p.op(SETITEM);
            return Ok(());
        };
        p.op(MARK);
        save_pair(p, vm, first)?;
        let mut in_batch = 1;
        let mut item = Some(second);
        while let Some(current) = item {
            save_pair(p, vm, current)?;
            in_batch += 1;
            item = if in_batch == BATCH_SIZE { None } else { vm.next(items)? };
        }
        p.op(SETITEMS);
        if in_batch < BATCH_SIZE {
            return Ok(());
        }
    }
}

/// Bytes before protocol 3, which had no bytes type: `_codecs.encode(text, 'latin1')`, or
/// `bytes()` for empty ones.
pub fn save_bytes_as_reduce(p: &mut Pickler, vm: &mut Vm, v: &Value, b: &[u8]) -> PyResult<()> {
    let reduce = if b.is_empty() {
        Reduce::call(Value::Obj(types().bytes.clone_ref(vm.py)), vm.new_tuple(Vec::new()))
    } else {
        let codecs = import_module(vm, "_codecs")?;
        let encode = vm.get_attr(&codecs, &intern("encode"))?;
        let text = vm.new_str(b.iter().map(|&byte| char::from(byte)).collect::<String>());
        let args = vm.new_tuple(vec![text, Value::Obj(intern("latin1"))]);
        Reduce::call(encode, args)
    };
    save_reduce(p, vm, reduce, Some(v))
}

/// Sets and frozensets before protocol 4: `set([items])`, `frozenset([items])`.
pub fn save_set_as_reduce(p: &mut Pickler, vm: &mut Vm, v: &Value) -> PyResult<()> {
    let class = match v.payload() {
        Some(Payload::Set(_)) => &types().set,
        Some(Payload::FrozenSet(_)) => &types().frozenset,
        _ => return Ok(()),
    };
    let items = vm.set_items(v);
    let list = vm.new_list(items);
    let args = vm.new_tuple(vec![list]);
    save_reduce(p, vm, Reduce::call(Value::Obj(class.clone_ref(vm.py)), args), Some(v))
}
