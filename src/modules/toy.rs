//! `_toy`: toy-only introspection. A script that does not import it stays plain Python; tests
//! import it inside `try: import _toy` / `except ImportError:` so they still run under CPython.
//!
//! `_toy.live_objects()` counts the live heap objects (for leak checks).
//! `_toy.gil_stats()` returns the `-X gilstats` figures as a dict: `"threads"`, a list with one
//! dict per thread, `"totals"`, and `"collector"`, the cycle collector's figures (collections
//! per generation, time, pauses, objects collected, time other threads spent parked while it
//! stopped the world). Times are in seconds. Importing `_toy` turns the event log
//! on if the command line did not, so the figures then cover the time since the import.

use std::collections::BTreeMap;

use crate::gil::events::{self, EventKind};
use crate::gil::stats::{self, CollectorStats, Stats, Summary, ThreadStats};
use crate::objects::types::intern;
use crate::objects::{ObjRef, Value};
use crate::vm::{PyResult, Vm};

use super::new_module;
use crate::vm::args::check_arity;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    if !events::enabled() {
        events::enable();
        // The importing thread is running (and, with the GIL, holding it): say so, or its
        // current turn would be missing from the figures.
        events::record(if crate::gil::is_free_threaded() {
            EventKind::Attached
        } else {
            EventKind::Acquired
        });
    }
    new_module(
        vm,
        "_toy",
        &[("gil_stats", gil_stats), ("live_objects", live_objects)],
        Vec::new(),
    )
}

fn seconds(ns: u64) -> Value {
    Value::Float(ns as f64 / 1e9)
}

/// A dict from string keys (all from a fixed set, so interned) to values.
fn dict(vm: &mut Vm, entries: Vec<(&str, Value)>) -> PyResult<Value> {
    let dict = vm.new_dict();
    if let Value::Obj(obj) = &dict {
        for (key, value) in entries {
            vm.dict_set_str(obj, &intern(key), value)?;
        }
    }
    Ok(dict)
}

fn count(n: u64) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn thread_dict(vm: &mut Vm, t: &ThreadStats) -> PyResult<Value> {
    let Summary {
        count: acquisitions,
        total: hold_total,
        mean: hold_mean,
        max: hold_max,
        ..
    } = t.hold;
    let blocked: BTreeMap<&str, (u64, u64)> = t.blocked.iter().map(|(k, v)| (k.label(), *v)).collect();
    let blocked_time = blocked.iter().map(|(k, (_, ns))| (*k, seconds(*ns))).collect();
    let blocked_calls = blocked.iter().map(|(k, (n, _))| (*k, count(*n))).collect();
    let blocked_time = dict(vm, blocked_time)?;
    let blocked_calls = dict(vm, blocked_calls)?;
    let name = vm.new_str(t.name.as_str());
    dict(
        vm,
        vec![
            ("ident", count(t.ident)),
            ("name", name),
            ("acquisitions", count(acquisitions)),
            ("hold_total", seconds(hold_total)),
            ("hold_mean", seconds(hold_mean)),
            ("hold_max", seconds(hold_max)),
            ("waits", count(t.wait.count)),
            ("wait_total", seconds(t.wait.total)),
            ("wait_mean", seconds(t.wait.mean)),
            ("wait_p99", seconds(t.wait.p99)),
            ("wait_max", seconds(t.wait.max)),
            ("forced_drops", count(t.forced_drops)),
            ("voluntary_releases", count(t.voluntary_releases)),
            ("drop_requests", count(t.drop_requests)),
            ("blocked", blocked_time),
            ("blocked_calls", blocked_calls),
        ],
    )
}

fn stats_dict(vm: &mut Vm, stats: &Stats) -> PyResult<Value> {
    let threads = stats
        .threads
        .iter()
        .map(|t| thread_dict(vm, t))
        .collect::<PyResult<Vec<_>>>()?;
    let threads = vm.new_list(threads);
    let t = &stats.totals;
    let mode = vm.new_str(if stats.free_threaded { "free-threaded" } else { "gil" });
    let interval = crate::gil::switch_interval().as_secs_f64();
    let totals = dict(
        vm,
        vec![
            ("mode", mode),
            ("wall", seconds(t.wall)),
            ("switches", count(t.switches)),
            ("switch_interval", Value::Float(interval)),
            ("acquisitions", count(t.acquisitions)),
            ("forced_drops", count(t.forced_drops)),
            ("voluntary_releases", count(t.voluntary_releases)),
            ("queued", seconds(t.queued)),
            ("queued_share", Value::Float(t.queued_share())),
        ],
    )?;
    let collector = collector_dict(vm, &stats.collector)?;
    dict(
        vm,
        vec![("threads", threads), ("totals", totals), ("collector", collector)],
    )
}

/// The cycle collector's figures, as the `-X gilstats` line shows them.
fn collector_dict(vm: &mut Vm, c: &CollectorStats) -> PyResult<Value> {
    let per_generation = c.per_generation.iter().map(|&n| count(n)).collect();
    let per_generation = vm.new_list(per_generation);
    dict(
        vm,
        vec![
            ("collections", count(c.collections())),
            ("per_generation", per_generation),
            ("time", seconds(c.time)),
            ("pause_total", seconds(c.pause.total)),
            ("pause_max", seconds(c.pause.max)),
            ("stop_wait", seconds(c.stop_wait)),
            ("finalizers", seconds(c.finalizers)),
            ("examined", count(c.examined)),
            ("collected", count(c.collected)),
            ("uncollectable", count(c.uncollectable)),
            ("parked", seconds(c.parked)),
        ],
    )
}

/// `_toy.gil_stats()`: the figures so far.
fn gil_stats(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "gil_stats", args, 0, 0)?;
    let stats = stats::compute(&crate::observe::current_timeline());
    stats_dict(vm, &stats)
}

/// `_toy.live_objects()`: heap objects alive now, immortal ones (types, built-in functions,
/// interned names, code constants) excluded. Exact when no other thread is running. The
/// calling thread's attribute cache is emptied first: a class kept alive only by a cached
/// lookup is not a leak.
fn live_objects(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "live_objects", args, 0, 0)?;
    vm.clear_caches();
    Ok(Value::Int(crate::objects::refcount::live_objects() as i64))
}
