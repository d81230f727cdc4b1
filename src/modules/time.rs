//! The `time` module: clocks and `sleep`.
//!
//! `monotonic` and `perf_counter` count from the first use of a clock in this process (only
//! differences between readings are meaningful, as in CPython). `process_time` reads the
//! process's CPU time from `/proc` (clock-tick resolution).

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::ops::as_bigint;
use crate::vm::{PyResult, Vm};

use super::new_module;
use crate::vm::args::{check_arity, no_kwargs};

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("time", time),
    ("time_ns", time_ns),
    ("monotonic", monotonic),
    ("monotonic_ns", monotonic_ns),
    ("perf_counter", monotonic),
    ("perf_counter_ns", monotonic_ns),
    ("process_time", process_time),
    ("process_time_ns", process_time_ns),
    ("sleep", sleep),
    ("strptime", strptime),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let functions = [FUNCTIONS, super::calendar_time::FUNCTIONS].concat();
    let attributes = super::calendar_time::attributes(vm);
    new_module(vm, "time", &functions, attributes)
}

/// `time.strptime` lives in toy's Python `_strptime` module, shared with `datetime.strptime`.
fn strptime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "strptime", kwargs)?;
    check_arity(vm, "strptime", args, 1, 2)?;
    let module = vm.import_dotted("_strptime")?;
    let parse = vm.get_attr(&module, &crate::objects::types::intern("_strptime_time"))?;
    vm.call(&parse, args, &[])
}

fn no_args(vm: &Vm, name: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<()> {
    no_kwargs(vm, name, kwargs)?;
    check_arity(vm, &format!("time.{name}"), args, 0, 0)
}

/// Nanoseconds as an int (`i64` covers dates until 2262 and centuries of uptime).
fn nanos(d: Duration) -> Value {
    Value::Int(i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Wall-clock time. Under a deterministic schedule it advances with the virtual clock from
/// the real time of the first reading, so a run's output does not depend on its speed.
fn since_epoch() -> Duration {
    let now = || SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    match crate::gil::virtual_clock() {
        Some(elapsed) => {
            static START: OnceLock<Duration> = OnceLock::new();
            *START.get_or_init(now) + elapsed
        }
        None => now(),
    }
}

fn since_start() -> Duration {
    static START: OnceLock<Instant> = OnceLock::new();
    crate::gil::virtual_clock().unwrap_or_else(|| START.get_or_init(Instant::now).elapsed())
}

/// CPU time of the whole process: user + system time from `/proc/self/stat`.
fn cpu_time() -> Duration {
    const TICKS_PER_SECOND: u64 = 100;
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return since_start();
    };
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let tick = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    let ticks = tick(11) + tick(12);
    Duration::from_nanos(ticks.saturating_mul(1_000_000_000 / TICKS_PER_SECOND))
}

fn time(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_args(vm, "time", args, kwargs)?;
    Ok(Value::Float(since_epoch().as_secs_f64()))
}

fn time_ns(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_args(vm, "time_ns", args, kwargs)?;
    Ok(nanos(since_epoch()))
}

fn monotonic(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_args(vm, "monotonic", args, kwargs)?;
    Ok(Value::Float(since_start().as_secs_f64()))
}

fn monotonic_ns(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_args(vm, "monotonic_ns", args, kwargs)?;
    Ok(nanos(since_start()))
}

fn process_time(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_args(vm, "process_time", args, kwargs)?;
    Ok(Value::Float(cpu_time().as_secs_f64()))
}

fn process_time_ns(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_args(vm, "process_time_ns", args, kwargs)?;
    Ok(nanos(cpu_time()))
}

fn sleep(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "sleep", kwargs)?;
    check_arity(vm, "time.sleep", args, 1, 1)?;
    let secs = match &args[0] {
        Value::Float(f) => *f,
        v => match as_bigint(v) {
            Some(b) => num_traits::ToPrimitive::to_f64(b.as_ref()).unwrap_or(f64::INFINITY),
            None if matches!(v.payload(), Some(Payload::Instance(_)))
                && vm.lookup_special(v, "__float__").is_some() =>
            {
                crate::objects::methods::constructors::to_float(vm, v)?
            }
            None => {
                return Err(vm.type_error(format!(
                    "'{}' object cannot be interpreted as an integer",
                    vm.type_name(v)
                )));
            }
        },
    };
    if secs.is_nan() {
        return Err(vm.value_error("Invalid value NaN (not a number)"));
    }
    if secs < 0.0 {
        return Err(vm.value_error("sleep length must be non-negative"));
    }
    let Ok(duration) = Duration::try_from_secs_f64(secs) else {
        return Err(vm.overflow_error("timestamp out of range for platform time_t"));
    };
    // Other threads run while this one sleeps. A signal cuts the main thread's sleep short:
    // its handler runs, and the sleep goes on unless it raised (PEP 475).
    let deadline = std::time::Instant::now() + duration;
    let mut left = duration;
    while vm.py.sleep(left) {
        vm.check_point()?;
        left = deadline.saturating_duration_since(std::time::Instant::now());
    }
    Ok(Value::None)
}
