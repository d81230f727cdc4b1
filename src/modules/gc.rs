//! `gc`: the cycle collector's controls and introspection, as CPython's module offers them.
//!
//! The collector itself is `objects::gc` (finding unreachable objects) and `vm::collector` (a
//! whole collection with its finalizers, callbacks and debug output).

use crate::objects::gc::{self, debug};
use crate::objects::types::intern;
use crate::objects::{ObjRef, Value};
use crate::vm::collector::gc_lists;
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::new_module;
use crate::vm::args::{kwarg, no_kwargs, only_kwargs};

const DOC: &str = "This module provides access to the garbage collector for reference cycles.\n\n\
enable() -- Enable automatic garbage collection.\n\
disable() -- Disable automatic garbage collection.\n\
isenabled() -- Returns true if automatic collection is enabled.\n\
collect() -- Do a full collection right now.\n\
get_count() -- Return the current collection counts.\n\
get_stats() -- Return list of dictionaries containing per-generation stats.\n\
set_debug() -- Set debugging flags.\n\
get_debug() -- Get debugging flags.\n\
set_threshold() -- Set the collection thresholds.\n\
get_threshold() -- Return the current collection thresholds.\n\
get_objects() -- Return a list of all objects tracked by the collector.\n\
is_tracked() -- Returns true if a given object is tracked.\n\
is_finalized() -- Returns true if a given object has been already finalized.\n\
get_referrers() -- Return the list of objects that refer to an object.\n\
get_referents() -- Return the list of objects that an object refers to.\n\
freeze() -- Freeze all tracked objects and ignore them for future collections.\n\
unfreeze() -- Unfreeze all objects in the permanent generation.\n\
get_freeze_count() -- Return the number of objects in the permanent generation.\n";

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let py = vm.py;
    let lists = gc_lists();
    let doc = vm.new_str(DOC);
    new_module(
        vm,
        "gc",
        &[
            ("enable", enable),
            ("disable", disable),
            ("isenabled", isenabled),
            ("collect", collect),
            ("get_count", get_count),
            ("get_threshold", get_threshold),
            ("set_threshold", set_threshold),
            ("get_debug", get_debug),
            ("set_debug", set_debug),
            ("get_stats", get_stats),
            ("get_objects", get_objects),
            ("is_tracked", is_tracked),
            ("is_finalized", is_finalized),
            ("get_referrers", get_referrers),
            ("get_referents", get_referents),
            ("freeze", freeze),
            ("unfreeze", unfreeze),
            ("get_freeze_count", get_freeze_count),
        ],
        vec![
            ("__doc__", doc),
            ("garbage", Value::Obj(lists.garbage.clone_ref(py))),
            ("callbacks", Value::Obj(lists.callbacks.clone_ref(py))),
            ("DEBUG_STATS", Value::Int(i64::from(debug::STATS))),
            ("DEBUG_COLLECTABLE", Value::Int(i64::from(debug::COLLECTABLE))),
            ("DEBUG_UNCOLLECTABLE", Value::Int(i64::from(debug::UNCOLLECTABLE))),
            ("DEBUG_SAVEALL", Value::Int(i64::from(debug::SAVEALL))),
            ("DEBUG_LEAK", Value::Int(i64::from(debug::LEAK))),
        ],
    )
}

/// CPython's argument-count wording for the module's one-argument and no-argument functions.
fn exact_args(vm: &Vm, name: &str, args: &[Value], kwargs: &[(ObjRef, Value)], n: usize) -> PyResult<()> {
    no_kwargs(vm, &format!("gc.{name}"), kwargs)?;
    if args.len() == n {
        return Ok(());
    }
    let wanted = if n == 0 { "no arguments" } else { "exactly one argument" };
    Err(vm.type_error(format!("gc.{name}() takes {wanted} ({} given)", args.len())))
}

/// An int argument, as CPython's `__index__` conversion reports a wrong type.
fn int_arg(vm: &Vm, v: &Value) -> PyResult<i64> {
    as_small_int(v).ok_or_else(|| {
        vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))
    })
}

fn enable(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "enable", args, kwargs, 0)?;
    gc::set_enabled(true);
    Ok(Value::None)
}

fn disable(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "disable", args, kwargs, 0)?;
    gc::set_enabled(false);
    Ok(Value::None)
}

fn isenabled(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "isenabled", args, kwargs, 0)?;
    Ok(Value::Bool(gc::is_enabled()))
}

/// `gc.collect(generation=2)`: the number of unreachable objects found.
fn collect(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(vm.type_error(format!("collect() takes at most 1 argument ({} given)", args.len())));
    }
    if let Some((key, _)) = kwargs.iter().find(|(k, _)| crate::vm::eval::str_of(k) != "generation") {
        return Err(vm.type_error(format!(
            "'{}' is an invalid keyword argument for collect()",
            crate::vm::eval::str_of(key)
        )));
    }
    let generation = match args.first().or_else(|| kwarg(kwargs, "generation")) {
        Some(v) => int_arg(vm, v)?,
        None => 2,
    };
    let generation = usize::try_from(generation)
        .ok()
        .filter(|&g| g <= 2)
        .ok_or_else(|| vm.value_error("invalid generation"))?;
    // A collection already running (a finalizer calling gc.collect()) finds nothing more.
    let found = vm.collect_garbage(generation).unwrap_or(0);
    vm.run_pending_finalizers();
    Ok(Value::Int(found as i64))
}

fn get_count(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "get_count", args, kwargs, 0)?;
    let counts = gc::counts().iter().map(|&c| Value::Int(c as i64)).collect();
    Ok(vm.new_tuple(counts))
}

fn get_threshold(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "get_threshold", args, kwargs, 0)?;
    let thresholds = gc::thresholds().iter().map(|&t| Value::Int(t)).collect();
    Ok(vm.new_tuple(thresholds))
}

/// `gc.set_threshold(threshold0[, threshold1[, threshold2]])`. Values are C ints in CPython;
/// a negative first threshold, like 0, disables automatic collection.
fn set_threshold(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "set_threshold", kwargs)?;
    if args.is_empty() || args.len() > 3 {
        let bound = if args.is_empty() {
            "at least 1 argument"
        } else {
            "at most 3 arguments"
        };
        return Err(vm.type_error(format!("set_threshold() takes {bound} ({} given)", args.len())));
    }
    let values = args.iter().map(|a| int_arg(vm, a)).collect::<PyResult<Vec<i64>>>()?;
    gc::set_thresholds(&values);
    Ok(Value::None)
}

fn get_debug(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "get_debug", args, kwargs, 0)?;
    Ok(Value::Int(i64::from(gc::debug_flags())))
}

fn set_debug(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "set_debug", args, kwargs, 1)?;
    let flags = int_arg(vm, &args[0])?;
    gc::set_debug_flags(flags as u32);
    Ok(Value::None)
}

/// One dict per generation: `collections`, `collected`, `uncollectable`.
fn get_stats(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "get_stats", args, kwargs, 0)?;
    let mut generations = Vec::new();
    for stats in gc::stats() {
        let dict = vm.new_dict();
        if let Value::Obj(d) = &dict {
            for (key, value) in [
                ("collections", stats.collections),
                ("collected", stats.collected),
                ("uncollectable", stats.uncollectable),
            ] {
                vm.dict_set_str(d, &intern(key), Value::Int(value as i64))?;
            }
        }
        generations.push(dict);
    }
    Ok(vm.new_list(generations))
}

/// `gc.get_objects(generation=None)`: the objects the collector tracks (in one generation).
fn get_objects(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "get_objects", kwargs, &["generation"])?;
    if args.len() > 1 {
        return Err(vm.type_error(format!("get_objects() takes at most 1 argument ({} given)", args.len())));
    }
    let generation = match args.first().or_else(|| kwarg(kwargs, "generation")) {
        None | Some(Value::None) => None,
        Some(v) => match int_arg(vm, v)? {
            g if g >= 3 => {
                return Err(
                    vm.value_error("generation parameter must be less than the number of available generations (3)")
                );
            }
            g if g < 0 => None,
            g => Some(g as usize),
        },
    };
    let py = vm.py;
    let objects = vm.with_world_stopped(|world| gc::tracked_objects(py, world, generation));
    Ok(vm.new_list(objects))
}

fn is_tracked(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "is_tracked", args, kwargs, 1)?;
    Ok(Value::Bool(gc::is_tracked(vm.py, &args[0])))
}

fn is_finalized(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "is_finalized", args, kwargs, 1)?;
    Ok(Value::Bool(gc::is_finalized(&args[0])))
}

fn get_referrers(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "get_referrers", kwargs)?;
    let py = vm.py;
    let found = vm.with_world_stopped(|world| gc::referrers(py, world, args));
    Ok(vm.new_list(found))
}

/// The objects each argument references directly (only containers reference anything).
fn get_referents(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "get_referents", kwargs)?;
    let mut found = Vec::new();
    for object in args.iter().filter_map(Value::as_obj) {
        if gc::is_container(&object.payload) {
            found.extend(gc::referents(vm.py, object));
        }
    }
    Ok(vm.new_list(found))
}

fn freeze(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "freeze", args, kwargs, 0)?;
    vm.with_world_stopped(|world| gc::freeze(world, true));
    Ok(Value::None)
}

fn unfreeze(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "unfreeze", args, kwargs, 0)?;
    vm.with_world_stopped(|world| gc::freeze(world, false));
    Ok(Value::None)
}

fn get_freeze_count(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    exact_args(vm, "get_freeze_count", args, kwargs, 0)?;
    let sizes = vm.with_world_stopped(gc::generation_sizes);
    Ok(Value::Int(sizes[3] as i64))
}
