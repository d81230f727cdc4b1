//! `list` and `tuple` methods.
//!
//! Searches (`remove`, `index`, `count`, `in`) compare under the list's lock for as long as
//! `==` runs no Python code (numbers, strings, tuples of them…), so over such items they are
//! one atomic step, as in CPython 3.13t. From the first item whose `==` is Python code on,
//! items are copied out of the lock one at a time and compared with the lock released, as
//! CPython 3.13t does too: such a search sees the list as it changes, like a loop over it.

use crate::gil::Gil;
use crate::objects::types::{add_methods, types};
use crate::objects::{ObjLock, ObjRef, Payload, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs};
use crate::vm::{PyResult, Vm};

use super::shared::{descriptor_error, int_arg, slice_arg, takes_no_args, takes_one_arg};

pub(super) fn install(py: Gil<'_>) {
    add_methods(
        py,
        &types().list,
        &[
            ("append", list_append),
            ("extend", list_extend),
            ("insert", list_insert),
            ("pop", list_pop),
            ("remove", list_remove),
            ("index", list_index),
            ("count", list_count),
            ("sort", list_sort),
            ("reverse", list_reverse),
            ("copy", list_copy),
            ("clear", list_clear),
        ],
    );
    add_methods(py, &types().tuple, &[("index", tuple_index), ("count", tuple_count)]);
}

fn this<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a ObjLock<Vec<Value>>> {
    match args.first().map(Value::builtin_self).and_then(Value::payload) {
        Some(Payload::List(items)) => Ok(items),
        _ => Err(descriptor_error(vm, args, "list", method)),
    }
}

/// The item at `i`, copied out of the lock; `None` past the end.
fn item_at(vm: &Vm, items: &ObjLock<Vec<Value>>, i: usize) -> Option<Value> {
    items.lock(vm.py).get(i).map(|v| v.clone_ref(vm.py))
}

/// `x is item or item == x`, the comparison CPython's list and tuple searches use.
fn matches(vm: &mut Vm, item: &Value, x: &Value) -> PyResult<bool> {
    Ok(item.is(x) || vm.eq(item, x)?)
}

/// Where a search under the list's lock ([`search_natively`]) ended.
enum Search {
    /// `on_match` asked to stop at this match.
    Stopped(usize),
    /// The range is done.
    Done,
    /// The item here compares through Python code: go on from it with the lock released.
    NeedsPython(usize),
}

/// Compare `x` with `items[from..to]` in order, natively, calling `on_match(i)` for each
/// match until it returns `true`.
fn search_natively(
    items: &[Value],
    from: usize,
    to: usize,
    x: &Value,
    mut on_match: impl FnMut(usize) -> bool,
) -> Search {
    for (i, item) in items.iter().enumerate().take(to).skip(from) {
        match Vm::eq_natively(item, x) {
            Some(true) if on_match(i) => return Search::Stopped(i),
            Some(_) => {}
            None => return Search::NeedsPython(i),
        }
    }
    Search::Done
}

/// `x in items`.
pub fn list_contains(vm: &mut Vm, items: &ObjLock<Vec<Value>>, x: &Value) -> PyResult<bool> {
    let resume = match search_natively(&items.lock(vm.py), 0, usize::MAX, x, |_| true) {
        Search::Stopped(_) => return Ok(true),
        Search::Done => return Ok(false),
        Search::NeedsPython(i) => i,
    };
    let mut i = resume;
    while let Some(item) = item_at(vm, items, i) {
        if matches(vm, &item, x)? {
            return Ok(true);
        }
        i += 1;
    }
    Ok(false)
}

fn list_append(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "append")?;
    let x = takes_one_arg(vm, "list", "append", &args[1..], kwargs)?;
    items.lock(vm.py).push(x.clone_ref(vm.py));
    Ok(Value::None)
}

fn list_extend(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "extend")?;
    let iterable = takes_one_arg(vm, "list", "extend", &args[1..], kwargs)?;
    vm.extend_list(items, iterable)?;
    Ok(Value::None)
}

fn list_insert(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "insert")?;
    no_kwargs(vm, "insert", kwargs)?;
    check_arity(vm, "insert", &args[1..], 2, 2)?;
    let index = int_arg(vm, &args[1])?;
    let value = args[2].clone_ref(vm.py);
    let mut items = items.lock(vm.py);
    let len = items.len() as i64;
    let at = if index < 0 {
        (index + len).max(0)
    } else {
        index.min(len)
    };
    items.insert(at as usize, value);
    Ok(Value::None)
}

fn list_pop(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "pop")?;
    no_kwargs(vm, "pop", kwargs)?;
    check_arity(vm, "pop", &args[1..], 0, 1)?;
    let index = match args.get(1) {
        Some(v) => int_arg(vm, v)?,
        None => -1,
    };
    let mut guard = items.lock(vm.py);
    if guard.is_empty() {
        drop(guard);
        return Err(vm.index_error("pop from empty list"));
    }
    match crate::vm::ops::normalize_index(index, guard.len()) {
        Some(i) => Ok(guard.remove(i)),
        None => {
            drop(guard);
            Err(vm.index_error("pop index out of range"))
        }
    }
}

fn list_remove(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "remove")?;
    let x = takes_one_arg(vm, "list", "remove", &args[1..], kwargs)?;
    // While no comparison needs Python code, finding and removing are one step under the lock:
    // no other thread can shift another item into the found position in between.
    let mut i = {
        let mut guard = items.lock(vm.py);
        match search_natively(&guard, 0, usize::MAX, x, |_| true) {
            Search::Stopped(at) => {
                let removed = guard.remove(at);
                drop(guard);
                drop(removed);
                return Ok(Value::None);
            }
            Search::Done => guard.len(),
            Search::NeedsPython(at) => at,
        }
    };
    // From the first item whose `==` is Python code on, compare with the lock released, then
    // remove the very object that matched, wherever it is now.
    while let Some(item) = item_at(vm, items, i) {
        if matches(vm, &item, x)? {
            let removed = {
                let mut guard = items.lock(vm.py);
                guard.iter().position(|v| v.is(&item)).map(|at| guard.remove(at))
            };
            if removed.is_some() {
                return Ok(Value::None);
            }
            // Another thread removed it meanwhile: look again from here.
            continue;
        }
        i += 1;
    }
    Err(vm.value_error("list.remove(x): x not in list"))
}

/// A `start`/`end` of `index`: like a slice bound, but `None` is refused.
fn index_bound(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<i64>> {
    if matches!(v, Some(Value::None)) {
        return Err(vm.type_error("slice indices must be integers or have an __index__ method"));
    }
    slice_arg(vm, v)
}

/// The `start` and `end` arguments of `index(x, start, end)`, not yet clamped to a length.
fn index_args(vm: &mut Vm, rest: &[Value]) -> PyResult<(i64, i64)> {
    check_arity(vm, "index", rest, 1, 3)?;
    let start = index_bound(vm, rest.get(1))?.unwrap_or(0);
    let end = index_bound(vm, rest.get(2))?.unwrap_or(i64::MAX);
    Ok((start, end))
}

/// `start` or `end` of `index` as a position in a sequence of `len` items.
fn clamp_index(i: i64, len: usize) -> usize {
    let i = if i < 0 { (i + len as i64).max(0) } else { i };
    usize::try_from(i).unwrap_or(usize::MAX)
}

/// The first position in `[from:to)` where `get(i)` matches `x`, comparing one item at a time.
fn find_from(
    vm: &mut Vm,
    x: &Value,
    from: usize,
    to: usize,
    get: &dyn Fn(&Vm, usize) -> Option<Value>,
) -> PyResult<Option<usize>> {
    for i in from..to {
        let Some(item) = get(vm, i) else { break };
        if matches(vm, &item, x)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

fn list_index(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "index")?;
    no_kwargs(vm, "index", kwargs)?;
    let (start, end) = index_args(vm, &args[1..])?;
    let x = &args[1];
    let (resume, end) = {
        let guard = items.lock(vm.py);
        let (start, end) = (clamp_index(start, guard.len()), clamp_index(end, guard.len()));
        match search_natively(&guard, start, end, x, |_| true) {
            Search::Stopped(i) => return Ok(Value::Int(i as i64)),
            Search::Done => (end, end),
            Search::NeedsPython(i) => (i, end),
        }
    };
    match find_from(vm, x, resume, end, &|vm, i| item_at(vm, items, i))? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => {
            let r = vm.repr(x)?;
            Err(vm.value_error(format!("{r} is not in list")))
        }
    }
}

fn list_count(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "count")?;
    let x = takes_one_arg(vm, "list", "count", &args[1..], kwargs)?;
    let mut n = 0;
    let resume = match search_natively(&items.lock(vm.py), 0, usize::MAX, x, |_| {
        n += 1;
        false
    }) {
        Search::NeedsPython(i) => i,
        Search::Stopped(_) | Search::Done => return Ok(Value::Int(n)),
    };
    let mut i = resume;
    while let Some(item) = item_at(vm, items, i) {
        if matches(vm, &item, x)? {
            n += 1;
        }
        i += 1;
    }
    Ok(Value::Int(n))
}

fn list_sort(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "sort")?;
    if args.len() > 1 {
        return Err(vm.type_error("sort() takes no positional arguments"));
    }
    for (k, _) in kwargs {
        let k = crate::vm::eval::str_of(k);
        if k != "key" && k != "reverse" {
            return Err(vm.type_error(format!("'{k}' is an invalid keyword argument for sort()")));
        }
    }
    let reverse = match kwarg(kwargs, "reverse") {
        Some(r) => vm.is_true(r)?,
        None => false,
    };
    let key = kwarg(kwargs, "key").filter(|k| !k.is_none());
    if key.is_none() {
        // Items compared in Rust run no Python code, so the sort holds the lock throughout and
        // is one atomic operation, as in CPython: appends from other threads wait for it.
        let mut guard = items.lock(vm.py);
        if guard.iter().all(Vm::orders_natively) {
            return sort_values(vm, &mut guard, None, reverse).map(|()| Value::None);
        }
    }
    // Otherwise, as in CPython, the list looks empty while it is being sorted; anything done to
    // it meanwhile (by the key function, or another thread while it runs) is discarded and
    // reported. The empty stand-in owns no buffer until something is stored in it, so a list
    // that grew, even back to empty (`append` then `pop`), is caught, while operations that
    // store nothing (`clear`, `extend([])`) pass, as they do in CPython.
    let mut sorted = std::mem::take(&mut *items.lock(vm.py));
    let result = sort_values(vm, &mut sorted, key, reverse);
    let meddled = std::mem::replace(&mut *items.lock(vm.py), sorted);
    let modified = meddled.capacity() != 0;
    drop(meddled);
    result?;
    if modified {
        return Err(vm.value_error("list modified during sort"));
    }
    Ok(Value::None)
}

fn list_reverse(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "reverse")?;
    takes_no_args(vm, "list", "reverse", &args[1..], kwargs)?;
    items.lock(vm.py).reverse();
    Ok(Value::None)
}

fn list_copy(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "copy")?;
    takes_no_args(vm, "list", "copy", &args[1..], kwargs)?;
    let copy = items.lock(vm.py).iter().map(|v| v.clone_ref(vm.py)).collect();
    Ok(vm.new_list(copy))
}

fn list_clear(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this(vm, args, "clear")?;
    takes_no_args(vm, "list", "clear", &args[1..], kwargs)?;
    let old = std::mem::take(&mut *items.lock(vm.py));
    drop(old);
    Ok(Value::None)
}

fn this_tuple<'a>(vm: &Vm, args: &'a [Value], method: &str) -> PyResult<&'a [Value]> {
    match args.first().map(Value::builtin_self).and_then(Value::payload) {
        Some(Payload::Tuple(items)) => Ok(items),
        _ => Err(descriptor_error(vm, args, "tuple", method)),
    }
}

fn tuple_index(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this_tuple(vm, args, "index")?;
    no_kwargs(vm, "index", kwargs)?;
    let (start, end) = index_args(vm, &args[1..])?;
    let (start, end) = (clamp_index(start, items.len()), clamp_index(end, items.len()));
    match find_from(vm, &args[1], start, end, &|vm, i| {
        items.get(i).map(|v| v.clone_ref(vm.py))
    })? {
        Some(i) => Ok(Value::Int(i as i64)),
        None => Err(vm.value_error("tuple.index(x): x not in tuple")),
    }
}

fn tuple_count(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let items = this_tuple(vm, args, "count")?;
    let x = takes_one_arg(vm, "tuple", "count", &args[1..], kwargs)?;
    let mut n = 0;
    for item in items {
        if matches(vm, item, x)? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

/// Sort `items` in place: stable merge sort comparing with `<` (errors stop the sort).
pub fn sort_values(vm: &mut Vm, items: &mut Vec<Value>, key: Option<&Value>, reverse: bool) -> PyResult<()> {
    let keys = match key {
        Some(f) if !f.is_none() => {
            let mut keys = Vec::with_capacity(items.len());
            for item in items.iter() {
                keys.push(vm.call(f, &[item.clone_ref(vm.py)], &[])?);
            }
            keys
        }
        _ => items.iter().map(|v| v.clone_ref(vm.py)).collect(),
    };
    // A stable sort with the comparison flipped for `reverse`: equal elements keep their
    // original order either way, as in CPython.
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut error = None;
    merge_sort(&mut order, &mut |a, b| {
        if error.is_some() {
            return false;
        }
        let result = if reverse {
            vm.less_than(&keys[b], &keys[a])
        } else {
            vm.less_than(&keys[a], &keys[b])
        };
        result.unwrap_or_else(|e| {
            error = Some(e);
            false
        })
    });
    if let Some(e) = error {
        return Err(e);
    }
    let mut taken: Vec<Option<Value>> = std::mem::take(items).into_iter().map(Some).collect();
    items.extend(order.into_iter().filter_map(|i| taken[i].take()));
    Ok(())
}

/// A stable merge sort over indices with a fallible "less than" (Rust's `sort_by` may panic or
/// misbehave with an inconsistent comparator; Python's `<` can be anything).
fn merge_sort(v: &mut [usize], less: &mut dyn FnMut(usize, usize) -> bool) {
    if v.len() <= 1 {
        return;
    }
    if v.len() <= 16 {
        for i in 1..v.len() {
            let mut j = i;
            while j > 0 && less(v[j], v[j - 1]) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], less);
    merge_sort(&mut v[mid..], less);
    let left = v[..mid].to_vec();
    let right = v[mid..].to_vec();
    let (mut i, mut j, mut k) = (0, 0, 0);
    while i < left.len() && j < right.len() {
        if less(right[j], left[i]) {
            v[k] = right[j];
            j += 1;
        } else {
            v[k] = left[i];
            i += 1;
        }
        k += 1;
    }
    for &x in &left[i..] {
        v[k] = x;
        k += 1;
    }
    for &x in &right[j..] {
        v[k] = x;
        k += 1;
    }
}
