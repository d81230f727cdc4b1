//! `_asyncio_loop`: where an asyncio event loop waits.
//!
//! The loop (`asyncio/events.py`) runs its ready callbacks and timers itself; when nothing is
//! ready it calls `wait(waker, timeout)`, which sleeps here with the GIL released, recorded as
//! `BlockKind::EventLoop`, until the timeout passes or `wake(waker)` is called (from
//! `call_soon_threadsafe` on another thread, or a thread-pool job finishing). A waker is a
//! flag and a condition variable, named by a number so that no Python object crosses threads
//! in Rust. Waiting for file descriptors (`add_reader`) would extend `wait` with a poller.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::gil::events::BlockKind;
use crate::gil::fork::locked;
use crate::objects::types::types;
use crate::objects::{ObjRef, Value};
use crate::vm::args::{Resume, check_arity, no_kwargs};
use crate::vm::ops::SendResult;
use crate::vm::{PyErr, PyResult, Vm};

/// A loop's wake-up call: `woken` stays set until the loop's next wait consumes it, so a
/// wake that comes while the loop is busy is not lost.
#[derive(Default)]
struct Waker {
    woken: Mutex<bool>,
    signal: Condvar,
}

impl Waker {
    /// Sleep until woken or `timeout` passes (forever when `None`); consumes the wake-up.
    fn wait(&self, timeout: Option<Duration>) {
        let deadline = timeout.map(|t| Instant::now() + t);
        let mut woken = locked(&self.woken);
        while !*woken {
            match deadline {
                None => {
                    woken = self
                        .signal
                        .wait(woken)
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                }
                Some(deadline) => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    woken = self
                        .signal
                        .wait_timeout(woken, left)
                        .map_or_else(|e| e.into_inner().0, |(guard, _)| guard);
                }
            }
        }
        *woken = false;
    }

    fn wake(&self) {
        *locked(&self.woken) = true;
        self.signal.notify_all();
    }
}

static NEXT_WAKER: AtomicU64 = AtomicU64::new(1);

fn wakers() -> &'static Mutex<HashMap<u64, Arc<Waker>>> {
    static WAKERS: std::sync::OnceLock<Mutex<HashMap<u64, Arc<Waker>>>> = std::sync::OnceLock::new();
    WAKERS.get_or_init(Mutex::default)
}

fn waker_arg(vm: &mut Vm, v: &Value) -> PyResult<Arc<Waker>> {
    let id = match v {
        Value::Int(i) => u64::try_from(*i).ok(),
        _ => None,
    };
    let found = id.and_then(|id| locked(wakers()).get(&id).cloned());
    found.ok_or_else(|| vm.value_error("not a live event-loop waker"))
}

/// `new_waker()`: a fresh waker's number.
fn new_waker(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "new_waker", kwargs)?;
    check_arity(vm, "new_waker", args, 0, 0)?;
    let id = NEXT_WAKER.fetch_add(1, Ordering::Relaxed);
    locked(wakers()).insert(id, Arc::default());
    Ok(Value::Int(i64::try_from(id).unwrap_or(i64::MAX)))
}

/// `close_waker(waker)`: forget it (the loop is closed).
fn close_waker(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "close_waker", kwargs)?;
    check_arity(vm, "close_waker", args, 1, 1)?;
    if let Value::Int(id) = args[0] {
        let waker = u64::try_from(id).ok().and_then(|id| locked(wakers()).remove(&id));
        drop(waker);
    }
    Ok(Value::None)
}

/// `wake(waker)`: end the loop's current or next wait.
fn wake(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "wake", kwargs)?;
    check_arity(vm, "wake", args, 1, 1)?;
    // A loop closed meanwhile has nobody left to wake.
    if let Ok(waker) = waker_arg(vm, &args[0]) {
        waker.wake();
    }
    Ok(Value::None)
}

/// `wait(waker, timeout)`: sleep detached until woken or `timeout` seconds pass (`None`:
/// until woken).
fn wait(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "wait", kwargs)?;
    check_arity(vm, "wait", args, 2, 2)?;
    let waker = waker_arg(vm, &args[0])?;
    let timeout = match &args[1] {
        Value::None => None,
        Value::Float(f) => Some(Duration::try_from_secs_f64(f.max(0.0)).unwrap_or(Duration::MAX)),
        Value::Int(i) => Some(Duration::from_secs(u64::try_from(*i).unwrap_or(0))),
        other => {
            return Err(vm.type_error(format!("timeout must be a number or None, not {}", vm.type_name(other))));
        }
    };
    let py = vm.py;
    let ready = || std::mem::take(&mut *locked(&waker.woken));
    if py.wait_in_turns(BlockKind::EventLoop, timeout, ready).is_none() {
        py.allow_threads(BlockKind::EventLoop, || waker.wait(timeout));
    }
    vm.check_point()?;
    Ok(Value::None)
}

/// What one step of a task's coroutine did, as `step` reports it.
const YIELDED: i64 = 0;
const RETURNED: i64 = 1;
const RAISED: i64 = 2;

/// `step(coro, exc)`: resume a task's coroutine (send `None`, or throw `exc`) and report
/// `(0, awaited)`, `(1, result)` or `(2, exception)`. Natively, so that the exception's
/// traceback starts in the coroutine, as with CPython's C tasks, and without a Python
/// `try` around every step.
fn step(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "step", kwargs)?;
    check_arity(vm, "step", args, 2, 2)?;
    let (coro, exc) = (&args[0], &args[1]);
    let outcome = if vm.gen_kind(coro).is_some() {
        let how = match exc {
            Value::None => Resume::Send(Value::None),
            Value::Obj(exc) => Resume::Throw(PyErr {
                exc: exc.clone_ref(vm.py),
            }),
            other => return Err(vm.type_error(format!("cannot throw {}", vm.type_name(other)))),
        };
        match vm.resume_generator(coro, how) {
            Ok(SendResult::Yielded(v)) => (YIELDED, v),
            Ok(SendResult::Returned(v)) => (RETURNED, v),
            Err(err) => (RAISED, Value::Obj(err.exc)),
        }
    } else {
        let result = match exc {
            Value::None => vm.call_method(coro, "send", &[Value::None]),
            exc => vm.call_method(coro, "throw", &[exc.clone_ref(vm.py)]),
        };
        match result {
            Ok(v) => (YIELDED, v),
            Err(err) if vm.err_matches(&err, &types().stop_iteration) => (RETURNED, vm.stop_iteration_value(&err.exc)),
            Err(err) => (RAISED, Value::Obj(err.exc)),
        }
    };
    Ok(vm.new_tuple(vec![Value::Int(outcome.0), outcome.1]))
}

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    super::new_module(
        vm,
        "_asyncio_loop",
        &[
            ("new_waker", new_waker),
            ("close_waker", close_waker),
            ("wake", wake),
            ("wait", wait),
            ("step", step),
        ],
        Vec::new(),
    )
}
