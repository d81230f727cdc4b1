//! `_signal`, the native half of `signal` (`py/signal.py` adds the `Signals` and `Handlers`
//! enums): Python handlers per signal, and the OS calls around them. The OS-level handler and
//! the delivery to the main thread are in `gil/signals.rs`; [`run_handlers`] is what the main
//! thread's check point calls when signals are pending.

use std::time::Duration;

use crate::gil::BlockKind;
use crate::gil::signals::{self, Disposition};
use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::builtins::is_callable;
use super::new_module;

/// Signal numbers, names and descriptions on Linux (glibc's `strsignal`); real-time signals
/// (34 to 64) are described by number.
const SIGNALS: &[(i32, &str, &str)] = &[
    (1, "SIGHUP", "Hangup"),
    (2, "SIGINT", "Interrupt"),
    (3, "SIGQUIT", "Quit"),
    (4, "SIGILL", "Illegal instruction"),
    (5, "SIGTRAP", "Trace/breakpoint trap"),
    (6, "SIGABRT", "Aborted"),
    (7, "SIGBUS", "Bus error"),
    (8, "SIGFPE", "Floating point exception"),
    (9, "SIGKILL", "Killed"),
    (10, "SIGUSR1", "User defined signal 1"),
    (11, "SIGSEGV", "Segmentation fault"),
    (12, "SIGUSR2", "User defined signal 2"),
    (13, "SIGPIPE", "Broken pipe"),
    (14, "SIGALRM", "Alarm clock"),
    (15, "SIGTERM", "Terminated"),
    (16, "SIGSTKFLT", "Stack fault"),
    (17, "SIGCHLD", "Child exited"),
    (18, "SIGCONT", "Continued"),
    (19, "SIGSTOP", "Stopped (signal)"),
    (20, "SIGTSTP", "Stopped"),
    (21, "SIGTTIN", "Stopped (tty input)"),
    (22, "SIGTTOU", "Stopped (tty output)"),
    (23, "SIGURG", "Urgent I/O condition"),
    (24, "SIGXCPU", "CPU time limit exceeded"),
    (25, "SIGXFSZ", "File size limit exceeded"),
    (26, "SIGVTALRM", "Virtual timer expired"),
    (27, "SIGPROF", "Profiling timer expired"),
    (28, "SIGWINCH", "Window changed"),
    (29, "SIGIO", "I/O possible"),
    (30, "SIGPWR", "Power failure"),
    (31, "SIGSYS", "Bad system call"),
];
/// Other names for the same numbers (not members of `Signals`).
const ALIASES: &[(&str, i32)] = &[("SIGCLD", 17), ("SIGIOT", 6), ("SIGPOLL", 29)];
const SIGRTMIN: i32 = 34;
const SIGRTMAX: i32 = 64;
const NSIG: i32 = 65;
const SIG_DFL: i64 = 0;
const SIG_IGN: i64 = 1;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let mut values: Vec<(&str, Value)> = SIGNALS
        .iter()
        .map(|&(number, name, _)| (name, Value::Int(i64::from(number))))
        .chain(
            ALIASES
                .iter()
                .map(|&(name, number)| (name, Value::Int(i64::from(number)))),
        )
        .collect();
    values.extend([
        ("SIGRTMIN", Value::Int(i64::from(SIGRTMIN))),
        ("SIGRTMAX", Value::Int(i64::from(SIGRTMAX))),
        ("NSIG", Value::Int(i64::from(NSIG))),
        ("SIG_DFL", Value::Int(SIG_DFL)),
        ("SIG_IGN", Value::Int(SIG_IGN)),
        ("ITIMER_REAL", Value::Int(i64::from(libc::ITIMER_REAL))),
        ("ITIMER_VIRTUAL", Value::Int(i64::from(libc::ITIMER_VIRTUAL))),
        ("ITIMER_PROF", Value::Int(i64::from(libc::ITIMER_PROF))),
    ]);
    let module = new_module(
        vm,
        "_signal",
        &[
            ("signal", signal),
            ("getsignal", getsignal),
            ("default_int_handler", default_int_handler),
            ("alarm", alarm),
            ("pause", pause),
            ("setitimer", setitimer),
            ("getitimer", getitimer),
            ("raise_signal", raise_signal),
            ("strsignal", strsignal),
            ("valid_signals", valid_signals),
            ("set_wakeup_fd", set_wakeup_fd),
        ],
        values,
    )?;
    // The handler table, as CPython fills it at import: what each signal's disposition is now;
    // SIGINT's is the default handler (toy installed it at start-up).
    let table = vm.new_dict();
    let default_int = vm.get_attr(&module, &intern("default_int_handler"))?;
    for number in 1..NSIG {
        let handler = match signals::current_disposition(number) {
            None => continue,
            Some(Disposition::Default) => Value::Int(SIG_DFL),
            Some(Disposition::Ignore) => Value::Int(SIG_IGN),
            Some(Disposition::Catch) if number == libc::SIGINT => default_int.clone_ref(vm.py),
            // Caught by toy itself (never at start-up except SIGINT): no Python handler.
            Some(Disposition::Catch) => Value::None,
        };
        vm.dict_set(&table, Value::Int(i64::from(number)), handler)?;
    }
    vm.set_attr(&module, &intern("_handlers"), table)?;
    Ok(module)
}

/// The main thread's check point found `pending` signals (bit n-1 for signal n): run their
/// Python handlers, lowest number first. A handler that raises leaves the rest pending.
pub fn run_handlers(vm: &mut Vm, pending: u64) -> PyResult<()> {
    let table = handler_table(vm)?;
    let mut left = pending;
    while left != 0 {
        let number = i64::from(left.trailing_zeros()) + 1;
        left &= left - 1;
        let handler = match &table {
            Some(table) => vm.dict_get(table, &Value::Int(number))?,
            // `signal` never imported: only SIGINT is caught, by the default handler.
            None => None,
        };
        let result = match handler {
            Some(handler) if is_callable(vm, &handler) => vm.call(&handler, &[Value::Int(number), Value::None], &[]),
            None if number == i64::from(libc::SIGINT) => {
                Err(vm.new_error_with_args(&types().keyboard_interrupt, Vec::new()))
            }
            // The disposition changed after the signal was caught.
            _ => Ok(Value::None),
        };
        if let Err(err) = result {
            signals::repost(left, &crate::gil::current_breaker());
            return Err(err);
        }
    }
    Ok(())
}

/// `_signal._handlers`, if `signal` was imported.
fn handler_table(vm: &mut Vm) -> PyResult<Option<Value>> {
    let modules = vm.modules.clone_ref(vm.py);
    let Some(module) = vm.dict_get_str(&modules, &intern("_signal"))? else {
        return Ok(None);
    };
    vm.get_attr_opt(&module, &intern("_handlers"))
}

/// A signal number argument, checked against the valid range.
fn signal_number(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    let Some(n) = as_small_int(v) else {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        )));
    };
    match i32::try_from(n) {
        Ok(n) if (1..NSIG).contains(&n) => Ok(n),
        _ => Err(vm.value_error("signal number out of range")),
    }
}

fn require_main_thread(vm: &Vm, what: &str) -> PyResult<()> {
    if signals::on_main_thread() {
        Ok(())
    } else {
        Err(vm.value_error(format!("{what} only works in main thread of the main interpreter")))
    }
}

fn errno_error(vm: &mut Vm, errno: nix::errno::Errno) -> crate::vm::PyErr {
    super::os::errno_error(vm, errno as i32, None)
}

fn signal(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "signal", kwargs)?;
    check_arity(vm, "signal", args, 2, 2)?;
    let number = signal_number(vm, &args[0])?;
    let handler = &args[1];
    let disposition = match as_small_int(handler) {
        Some(SIG_DFL) => Disposition::Default,
        Some(SIG_IGN) => Disposition::Ignore,
        _ if is_callable(vm, handler) => Disposition::Catch,
        _ => {
            return Err(vm.type_error("signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object"));
        }
    };
    require_main_thread(vm, "signal")?;
    signals::set_disposition(number, disposition).map_err(|e| errno_error(vm, e))?;
    let Some(table) = handler_table(vm)? else {
        return Ok(Value::None);
    };
    let key = Value::Int(i64::from(number));
    let old = vm.dict_get(&table, &key)?.unwrap_or(Value::None);
    vm.dict_set(&table, key, handler.clone_ref(vm.py))?;
    Ok(old)
}

fn getsignal(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getsignal", kwargs)?;
    check_arity(vm, "getsignal", args, 1, 1)?;
    let number = signal_number(vm, &args[0])?;
    let Some(table) = handler_table(vm)? else {
        return Ok(Value::None);
    };
    Ok(vm
        .dict_get(&table, &Value::Int(i64::from(number)))?
        .unwrap_or(Value::None))
}

fn default_int_handler(vm: &mut Vm, _args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Err(vm.new_error_with_args(&types().keyboard_interrupt, Vec::new()))
}

fn seconds_arg(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    crate::objects::methods::constructors::to_float(vm, v)
}

fn alarm(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "alarm", kwargs)?;
    check_arity(vm, "alarm", args, 1, 1)?;
    let Some(seconds) = as_small_int(&args[0]) else {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&args[0])
        )));
    };
    let seconds =
        u32::try_from(seconds).map_err(|_| vm.overflow_error("Python int too large to convert to C unsigned int"))?;
    let previous = if seconds == 0 {
        nix::unistd::alarm::cancel()
    } else {
        nix::unistd::alarm::set(seconds)
    };
    Ok(Value::Int(i64::from(previous.unwrap_or(0))))
}

/// `signal.pause()`: sleep until a signal's handler has run (its exception propagates).
fn pause(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "pause", kwargs)?;
    check_arity(vm, "pause", args, 0, 0)?;
    vm.py.allow_threads(BlockKind::SignalWait, || {
        while !signals::interruptible_sleep(Duration::from_secs(3600)) {}
    });
    vm.check_point()?;
    Ok(Value::None)
}

fn timer_which(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    match as_small_int(v).and_then(|w| i32::try_from(w).ok()) {
        Some(which @ (libc::ITIMER_REAL | libc::ITIMER_VIRTUAL | libc::ITIMER_PROF)) => Ok(which),
        Some(_) => Err(errno_error(vm, nix::errno::Errno::EINVAL)),
        None => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

fn timeval(seconds: f64) -> libc::timeval {
    let whole = seconds.trunc();
    let mut micros = ((seconds - whole) * 1e6).round() as libc::suseconds_t;
    // A non-zero timer shorter than a microsecond must still fire.
    if whole == 0.0 && micros == 0 && seconds > 0.0 {
        micros = 1;
    }
    libc::timeval {
        tv_sec: whole as libc::time_t,
        tv_usec: micros,
    }
}

fn timer_tuple(vm: &mut Vm, timer: &libc::itimerval) -> Value {
    let secs = |t: &libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    vm.new_tuple(vec![
        Value::Float(secs(&timer.it_value)),
        Value::Float(secs(&timer.it_interval)),
    ])
}

fn setitimer(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "setitimer", kwargs, &[])?;
    check_arity(vm, "setitimer", args, 2, 3)?;
    let which = timer_which(vm, &args[0])?;
    let value = seconds_arg(vm, &args[1])?;
    let interval = match args.get(2).or_else(|| kwarg(kwargs, "interval")) {
        Some(v) => seconds_arg(vm, v)?,
        None => 0.0,
    };
    let new = libc::itimerval {
        it_interval: timeval(interval.max(0.0)),
        it_value: timeval(value.max(0.0)),
    };
    let mut old = libc::itimerval {
        it_interval: timeval(0.0),
        it_value: timeval(0.0),
    };
    // SAFETY: both pointers are to live, initialised `itimerval`s on this stack frame.
    if unsafe { libc::setitimer(which, &new, &mut old) } != 0 {
        return Err(errno_error(vm, nix::errno::Errno::last()));
    }
    Ok(timer_tuple(vm, &old))
}

fn getitimer(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getitimer", kwargs)?;
    check_arity(vm, "getitimer", args, 1, 1)?;
    let which = timer_which(vm, &args[0])?;
    let mut current = libc::itimerval {
        it_interval: timeval(0.0),
        it_value: timeval(0.0),
    };
    // SAFETY: the pointer is to a live, initialised `itimerval` on this stack frame.
    if unsafe { libc::getitimer(which, &mut current) } != 0 {
        return Err(errno_error(vm, nix::errno::Errno::last()));
    }
    Ok(timer_tuple(vm, &current))
}

/// `signal.raise_signal(n)`: as CPython, a caught signal's handler has run when it returns.
fn raise_signal(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "raise_signal", kwargs)?;
    check_arity(vm, "raise_signal", args, 1, 1)?;
    let number = signal_number(vm, &args[0])?;
    let signal = nix::sys::signal::Signal::try_from(number).map_err(|e| errno_error(vm, e))?;
    nix::sys::signal::raise(signal).map_err(|e| errno_error(vm, e))?;
    vm.check_point()?;
    Ok(Value::None)
}

fn strsignal(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "strsignal", kwargs)?;
    check_arity(vm, "strsignal", args, 1, 1)?;
    let number = signal_number(vm, &args[0])?;
    let text = match SIGNALS.iter().find(|&&(n, _, _)| n == number) {
        Some(&(_, _, description)) => description.to_string(),
        None if (32..NSIG).contains(&number) => format!("Real-time signal {}", number - SIGRTMIN),
        None => return Ok(Value::None),
    };
    Ok(vm.new_str(text))
}

/// The signal numbers a handler may be asked for: all but the two glibc keeps for itself.
pub fn valid_numbers() -> impl Iterator<Item = i32> {
    (1..NSIG).filter(|n| !(32..SIGRTMIN).contains(n))
}

fn valid_signals(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "valid_signals", kwargs)?;
    check_arity(vm, "valid_signals", args, 0, 0)?;
    let numbers: Vec<Value> = valid_numbers().map(|n| Value::Int(i64::from(n))).collect();
    let list = vm.new_list(numbers);
    let set = Value::Obj(crate::objects::types::clone_immortal(&types().set));
    vm.call(&set, &[list], &[])
}

fn set_wakeup_fd(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "set_wakeup_fd", kwargs, &["warn_on_full_buffer"])?;
    check_arity(vm, "set_wakeup_fd", args, 1, 1)?;
    let Some(fd) = as_small_int(&args[0]).and_then(|fd| i32::try_from(fd).ok()) else {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&args[0])
        )));
    };
    require_main_thread(vm, "set_wakeup_fd")?;
    if fd != -1 {
        let blocking = super::os_fd::sys::is_blocking(fd).map_err(|e| super::os::errno_error(vm, e, None))?;
        if blocking {
            return Err(vm.value_error(format!("the fd {fd} must be in non-blocking mode")));
        }
    }
    Ok(Value::Int(i64::from(signals::set_wakeup_fd(fd))))
}
