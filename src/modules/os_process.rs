//! `os` on processes: `fork` (with `register_at_fork`'s hooks), `wait` / `waitpid` and the
//! `W*` status macros, `_exit`, `kill`, process groups and sessions, `system`.
//!
//! Waiting for a child runs detached (`BlockKind::ChildWait`). On the main thread the wait
//! is cut into slices so a signal handler can run meanwhile (PEP 475: the wait then resumes
//! unless the handler raised); for one child that is a `poll` on its pidfd, which wakes the
//! moment it exits.

use std::time::{Duration, Instant};

use crate::gil::fork::{ForkError, Forked};
use crate::gil::{BlockKind, signals};
use crate::objects::types::{intern, types};
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::builtins::is_callable;
use super::os::errno_error;
use super::os_fd::sys::{self, Errno};

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("fork", fork),
    ("register_at_fork", register_at_fork),
    ("wait", wait),
    ("waitpid", waitpid),
    ("waitstatus_to_exitcode", waitstatus_to_exitcode),
    ("WIFEXITED", wifexited),
    ("WEXITSTATUS", wexitstatus),
    ("WIFSIGNALED", wifsignaled),
    ("WTERMSIG", wtermsig),
    ("WIFSTOPPED", wifstopped),
    ("WSTOPSIG", wstopsig),
    ("WIFCONTINUED", wifcontinued),
    ("WCOREDUMP", wcoredump),
    ("_exit", exit_now),
    ("kill", kill),
    ("killpg", killpg),
    ("getppid", getppid),
    ("getpgid", getpgid),
    ("getpgrp", getpgrp),
    ("setsid", setsid),
    ("setpgid", setpgid),
    ("system", system),
    ("sched_getaffinity", sched_getaffinity),
];

pub const CONSTANTS: &[(&str, i32)] = &[
    ("WNOHANG", libc::WNOHANG),
    ("WUNTRACED", libc::WUNTRACED),
    ("WCONTINUED", libc::WCONTINUED),
    ("EX_OK", 0),
];

fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    match as_small_int(v) {
        Some(n) => i32::try_from(n).map_err(|_| vm.overflow_error("signed integer is greater than maximum")),
        None => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))),
    }
}

fn fail(vm: &mut Vm, errno: Errno) -> crate::vm::PyErr {
    errno_error(vm, errno, None)
}

// ----- fork ---------------------------------------------------------------------------------

/// The hook lists `register_at_fork` fills: `os._at_fork` holds `[before, parent, child]`.
const BEFORE: usize = 0;
const AFTER_IN_PARENT: usize = 1;
const AFTER_IN_CHILD: usize = 2;

pub fn new_hook_lists(vm: &mut Vm) -> Value {
    let lists = (0..3).map(|_| vm.new_list(Vec::new())).collect();
    vm.new_list(lists)
}

fn hook_list(vm: &mut Vm, which: usize) -> PyResult<Option<Value>> {
    let modules = vm.modules.clone_ref(vm.py);
    let Some(os) = vm.dict_get_str(&modules, &intern("os"))? else {
        return Ok(None);
    };
    let Some(lists) = vm.get_attr_opt(&os, &intern("_at_fork"))? else {
        return Ok(None);
    };
    let list = vm.get_item(&lists, &Value::Int(which as i64))?;
    Ok(Some(list))
}

fn register_at_fork(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    if !args.is_empty() {
        return Err(vm.type_error("register_at_fork() takes no positional arguments"));
    }
    only_kwargs(
        vm,
        "register_at_fork",
        kwargs,
        &["before", "after_in_child", "after_in_parent"],
    )?;
    let mut chosen = Vec::new();
    for (name, which) in [
        ("before", BEFORE),
        ("after_in_child", AFTER_IN_CHILD),
        ("after_in_parent", AFTER_IN_PARENT),
    ] {
        if let Some(hook) = kwarg(kwargs, name).filter(|h| !h.is_none()) {
            if !is_callable(vm, hook) {
                return Err(vm.type_error(format!("'{name}' must be callable, not {}", vm.type_name(hook))));
            }
            chosen.push((which, hook.clone_ref(vm.py)));
        }
    }
    if chosen.is_empty() {
        return Err(vm.type_error("At least one argument is required."));
    }
    for (which, hook) in chosen {
        if let Some(list) = hook_list(vm, which)? {
            vm.call_method(&list, "append", &[hook])?;
        }
    }
    Ok(Value::None)
}

/// Run one list of at-fork hooks (`before` ones last registered first, as CPython); an
/// exception is reported as unraisable and the others still run.
fn run_hooks(vm: &mut Vm, which: usize) -> PyResult<()> {
    let Some(list) = hook_list(vm, which)? else {
        return Ok(());
    };
    let mut hooks = vm.collect(&list)?;
    if which == BEFORE {
        hooks.reverse();
    }
    for hook in hooks {
        if let Err(err) = vm.call(&hook, &[], &[]) {
            vm.report_unraisable(&hook, &err.exc);
        }
    }
    Ok(())
}

/// The upper floors' runtime locks, held across `fork()` (see `gil/fork.rs`).
struct UpperLocks {
    threads: super::thread::ForkHold,
    refcounts: crate::objects::refcount::ForkHold,
    stdout: std::sync::MutexGuard<'static, std::io::BufWriter<std::io::Stdout>>,
}

fn hold_upper() -> UpperLocks {
    UpperLocks {
        threads: super::thread::hold_for_fork(),
        refcounts: crate::objects::refcount::hold_for_fork(),
        stdout: super::io::hold_stdout_for_fork(),
    }
}

fn fork(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "fork", kwargs)?;
    check_arity(vm, "fork", args, 0, 0)?;
    run_hooks(vm, BEFORE)?;
    let forked = crate::gil::fork::fork(
        vm.py,
        hold_upper,
        |upper| {
            drop(upper.stdout);
            upper.threads.release_in_child();
            upper.refcounts.release_in_child();
            crate::vm::import_lock::after_fork_child();
        },
        |upper| {
            drop(upper.stdout);
            upper.threads.release_in_parent();
            upper.refcounts.release_in_parent();
        },
    );
    match forked {
        Ok(Forked::Child) => {
            run_hooks(vm, AFTER_IN_CHILD)?;
            Ok(Value::Int(0))
        }
        Ok(Forked::Parent { child }) => {
            run_hooks(vm, AFTER_IN_PARENT)?;
            Ok(Value::Int(i64::from(child)))
        }
        Err(ForkError::Deterministic) => Err(vm.runtime_error(
            "os.fork() is not supported under a deterministic schedule (-X switch-every, -X sched-seed)",
        )),
        Err(ForkError::Os(errno)) => {
            run_hooks(vm, AFTER_IN_PARENT)?;
            Err(fail(vm, errno as i32))
        }
    }
}

// ----- waiting ------------------------------------------------------------------------------

fn waitpid_now(pid: i32, options: i32) -> Result<(i32, i32), Errno> {
    let mut status = 0;
    // SAFETY: `status` is a live int the kernel writes the child's status into.
    let got = unsafe { libc::waitpid(pid, &mut status, options) };
    if got < 0 {
        Err(std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::ECHILD))
    } else {
        Ok((got, status))
    }
}

/// A descriptor that becomes readable when child `pid` exits, if the kernel has pidfds.
fn pidfd_open(pid: i32) -> Option<i32> {
    // SAFETY: pidfd_open takes two integers and returns a new descriptor or -1.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    i32::try_from(fd).ok().filter(|&fd| fd >= 0)
}

/// `waitpid` that blocks detached, until `deadline` if there is one: `Ok(Waited::Interrupted)`
/// when a signal is pending for the main thread (the caller runs its handler, then waits
/// again).
fn wait_detached(pid: i32, options: i32, deadline: Option<Instant>) -> Result<Waited, Errno> {
    if options & libc::WNOHANG != 0 {
        return waitpid_now(pid, options).map(Waited::Changed);
    }
    let main = signals::on_main_thread();
    if !main && deadline.is_none() {
        loop {
            match waitpid_now(pid, options) {
                Err(libc::EINTR) => {}
                other => return other.map(Waited::Changed),
            }
        }
    }
    // In slices (so a pending signal's handler gets to run) or against the clock: a pidfd
    // wakes the moment the child exits; without one, polls back off up to a slice.
    let pidfd = (pid > 0 && options & (libc::WUNTRACED | libc::WCONTINUED) == 0)
        .then(|| pidfd_open(pid))
        .flatten();
    let mut answer = None;
    let mut backoff = Duration::from_micros(200);
    let done = signals::interruptible_poll(deadline, |slice| {
        match waitpid_now(pid, options | libc::WNOHANG) {
            Ok((0, _)) => {}
            other => {
                answer = Some(other);
                return true;
            }
        }
        match pidfd {
            Some(fd) => {
                let _ = sys::poll(fd, libc::POLLIN, slice);
            }
            None => {
                std::thread::sleep(slice.map_or(backoff, |s| s.min(backoff)));
                backoff = (backoff * 2).min(Duration::from_millis(20));
            }
        }
        false
    });
    if let Some(fd) = pidfd {
        let _ = sys::close(fd);
    }
    match (done, answer) {
        (Some(true), Some(answer)) => answer.map(Waited::Changed),
        (Some(_), _) => Ok(Waited::TimedOut),
        (None, _) => Ok(Waited::Interrupted),
    }
}

enum Waited {
    Changed((i32, i32)),
    TimedOut,
    Interrupted,
}

/// Wait for a child (`pid` as `waitpid` takes it) with the GIL released, until `deadline`:
/// `(pid, status)`, or `None` when the deadline passed first.
pub fn wait_for_child_until(vm: &mut Vm, pid: i32, deadline: Option<Instant>) -> PyResult<Option<(i32, i32)>> {
    wait_with_options(vm, pid, 0, deadline)
}

fn wait_with_options(vm: &mut Vm, pid: i32, options: i32, deadline: Option<Instant>) -> PyResult<Option<(i32, i32)>> {
    loop {
        match vm
            .py
            .allow_threads(BlockKind::ChildWait, move || wait_detached(pid, options, deadline))
        {
            Ok(Waited::Changed(answer)) => return Ok(Some(answer)),
            Ok(Waited::TimedOut) => return Ok(None),
            Ok(Waited::Interrupted) | Err(libc::EINTR) => vm.check_point()?,
            Err(errno) => return Err(fail(vm, errno)),
        }
    }
}

/// Wait for a child (`pid` as `waitpid` takes it) with the GIL released: `(pid, status)`.
pub fn wait_for_child(vm: &mut Vm, pid: i32, options: i32) -> PyResult<(i32, i32)> {
    Ok(wait_with_options(vm, pid, options, None)?.unwrap_or((0, 0)))
}

fn pair(vm: &mut Vm, (pid, status): (i32, i32)) -> Value {
    vm.new_tuple(vec![Value::Int(i64::from(pid)), Value::Int(i64::from(status))])
}

fn wait(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "wait", kwargs)?;
    check_arity(vm, "wait", args, 0, 0)?;
    let answer = wait_for_child(vm, -1, 0)?;
    Ok(pair(vm, answer))
}

fn waitpid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "waitpid", kwargs)?;
    check_arity(vm, "waitpid", args, 2, 2)?;
    let pid = int_arg(vm, &args[0])?;
    let options = int_arg(vm, &args[1])?;
    let answer = wait_for_child(vm, pid, options)?;
    Ok(pair(vm, answer))
}

/// `returncode` from a wait status: the exit status, or minus the signal that killed it.
pub fn exit_code(status: i32) -> Result<i32, String> {
    if libc::WIFEXITED(status) {
        Ok(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Ok(-libc::WTERMSIG(status))
    } else if libc::WIFSTOPPED(status) {
        Err(format!(
            "process stopped by delivery of signal {}",
            libc::WSTOPSIG(status)
        ))
    } else {
        Err(format!("invalid wait status: {status}"))
    }
}

fn waitstatus_to_exitcode(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "waitstatus_to_exitcode", kwargs, &["status"])?;
    check_arity(vm, "waitstatus_to_exitcode", args, 0, 1)?;
    let Some(status) = args.first().or_else(|| kwarg(kwargs, "status")) else {
        return Err(vm.type_error("waitstatus_to_exitcode() missing required argument 'status' (pos 1)"));
    };
    let status = int_arg(vm, status)?;
    match exit_code(status) {
        Ok(code) => Ok(Value::Int(i64::from(code))),
        Err(message) => Err(vm.value_error(message)),
    }
}

fn status_arg(vm: &mut Vm, name: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<i32> {
    only_kwargs(vm, name, kwargs, &["status"])?;
    check_arity(vm, name, args, 0, 1)?;
    let Some(status) = args.first().or_else(|| kwarg(kwargs, "status")) else {
        return Err(vm.type_error(format!("{name}() missing required argument 'status' (pos 1)")));
    };
    int_arg(vm, status)
}

macro_rules! status_macro {
    ($fn_name:ident, $name:literal, $libc:ident, $wrap:expr) => {
        fn $fn_name(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
            let status = status_arg(vm, $name, args, kwargs)?;
            Ok($wrap(libc::$libc(status)))
        }
    };
}

status_macro!(wifexited, "WIFEXITED", WIFEXITED, Value::Bool);
status_macro!(wifsignaled, "WIFSIGNALED", WIFSIGNALED, Value::Bool);
status_macro!(wifstopped, "WIFSTOPPED", WIFSTOPPED, Value::Bool);
status_macro!(wifcontinued, "WIFCONTINUED", WIFCONTINUED, Value::Bool);
status_macro!(wcoredump, "WCOREDUMP", WCOREDUMP, Value::Bool);
status_macro!(wexitstatus, "WEXITSTATUS", WEXITSTATUS, |n| Value::Int(i64::from(n)));
status_macro!(wtermsig, "WTERMSIG", WTERMSIG, |n| Value::Int(i64::from(n)));
status_macro!(wstopsig, "WSTOPSIG", WSTOPSIG, |n| Value::Int(i64::from(n)));

// ----- the rest -----------------------------------------------------------------------------

/// `os._exit(n)`: at once, with no cleanup and no flush of buffered output.
fn exit_now(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "_exit", kwargs, &["status"])?;
    check_arity(vm, "_exit", args, 0, 1)?;
    let Some(status) = args.first().or_else(|| kwarg(kwargs, "status")) else {
        return Err(vm.type_error("_exit() missing required argument 'status' (pos 1)"));
    };
    let status = int_arg(vm, status)?;
    // SAFETY: _exit(2) ends the process at once; nothing of this process runs afterwards.
    unsafe { libc::_exit(status) }
}

fn send_signal(vm: &mut Vm, target: i32, signal: i32) -> PyResult<()> {
    // SAFETY: kill(2) takes two integers and touches no memory.
    if unsafe { libc::kill(target, signal) } != 0 {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EINVAL);
        return Err(fail(vm, errno));
    }
    Ok(())
}

/// After signalling this very process: CPython's single thread takes the signal at once and
/// runs the handler before the next bytecode. Here another thread may take it a moment later,
/// so wait briefly for it to be recorded, then let the check point run the handler.
fn deliver_own_signal(vm: &mut Vm, signal: i32) -> PyResult<()> {
    // The kernel may hand the signal to another of the process's threads, whose handler then
    // records it a moment later (on a loaded machine, many milliseconds later). Only the main
    // thread runs Python handlers, so only it waits; another thread's wait could see the
    // main thread take the signal first.
    if signals::on_main_thread() {
        let deadline = Instant::now() + Duration::from_secs(2);
        while signal != 0 && !signals::is_tripped(signal) && signals::is_caught(signal) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_micros(50));
        }
    }
    vm.check_point()
}

fn kill(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "kill", kwargs)?;
    check_arity(vm, "kill", args, 2, 2)?;
    let pid = int_arg(vm, &args[0])?;
    let signal = int_arg(vm, &args[1])?;
    send_signal(vm, pid, signal)?;
    if u32::try_from(pid).is_ok_and(|pid| pid == std::process::id()) {
        deliver_own_signal(vm, signal)?;
    }
    Ok(Value::None)
}

fn killpg(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "killpg", kwargs)?;
    check_arity(vm, "killpg", args, 2, 2)?;
    let group = int_arg(vm, &args[0])?;
    let signal = int_arg(vm, &args[1])?;
    if group <= 0 {
        return Err(fail(vm, libc::EINVAL));
    }
    send_signal(vm, -group, signal)?;
    if nix::unistd::getpgrp().as_raw() == group {
        deliver_own_signal(vm, signal)?;
    }
    Ok(Value::None)
}

fn getppid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getppid", kwargs)?;
    check_arity(vm, "getppid", args, 0, 0)?;
    Ok(Value::Int(i64::from(nix::unistd::getppid().as_raw())))
}

fn getpgrp(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getpgrp", kwargs)?;
    check_arity(vm, "getpgrp", args, 0, 0)?;
    Ok(Value::Int(i64::from(nix::unistd::getpgrp().as_raw())))
}

fn getpgid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getpgid", kwargs)?;
    check_arity(vm, "getpgid", args, 1, 1)?;
    let pid = int_arg(vm, &args[0])?;
    let pid = (pid != 0).then(|| nix::unistd::Pid::from_raw(pid));
    match nix::unistd::getpgid(pid) {
        Ok(group) => Ok(Value::Int(i64::from(group.as_raw()))),
        Err(errno) => Err(fail(vm, errno as i32)),
    }
}

fn setsid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "setsid", kwargs)?;
    check_arity(vm, "setsid", args, 0, 0)?;
    nix::unistd::setsid().map_err(|errno| fail(vm, errno as i32))?;
    Ok(Value::None)
}

fn setpgid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "setpgid", kwargs)?;
    check_arity(vm, "setpgid", args, 2, 2)?;
    let pid = nix::unistd::Pid::from_raw(int_arg(vm, &args[0])?);
    let group = nix::unistd::Pid::from_raw(int_arg(vm, &args[1])?);
    nix::unistd::setpgid(pid, group).map_err(|errno| fail(vm, errno as i32))?;
    Ok(Value::None)
}

/// `os.system(command)`: `/bin/sh -c command`, waited for detached; the raw wait status.
fn system(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "system", kwargs, &["command"])?;
    check_arity(vm, "system", args, 0, 1)?;
    let Some(command) = args.first().or_else(|| kwarg(kwargs, "command")) else {
        return Err(vm.type_error("system() missing required argument 'command' (pos 1)"));
    };
    let Some(command) = command.as_str().map(str::to_string) else {
        return Err(vm.type_error(format!(
            "expected str, bytes or os.PathLike object, not {}",
            vm.type_name(command)
        )));
    };
    let mut child = std::process::Command::new("/bin/sh");
    super::os_fs::apply_environment_changes(child.arg("-c").arg(command));
    let child = child.spawn();
    match child {
        Ok(child) => {
            let pid = i32::try_from(child.id()).unwrap_or(-1);
            let (_, status) = wait_for_child(vm, pid, 0)?;
            Ok(Value::Int(i64::from(status)))
        }
        // As C's system(): the shell could not run, status 127.
        Err(_) => Ok(Value::Int(127 << 8)),
    }
}

fn sched_getaffinity(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "sched_getaffinity", kwargs)?;
    check_arity(vm, "sched_getaffinity", args, 1, 1)?;
    let pid = nix::unistd::Pid::from_raw(int_arg(vm, &args[0])?);
    let set = nix::sched::sched_getaffinity(pid).map_err(|errno| fail(vm, errno as i32))?;
    let cpus: Vec<Value> = (0..nix::sched::CpuSet::count())
        .filter(|&cpu| set.is_set(cpu).unwrap_or(false))
        .map(|cpu| Value::Int(cpu as i64))
        .collect();
    let list = vm.new_list(cpus);
    let set_type = Value::Obj(crate::objects::types::clone_immortal(&types().set));
    vm.call(&set_type, &[list], &[])
}

#[cfg(test)]
mod tests {
    use super::exit_code;

    #[test]
    fn wait_statuses_become_return_codes() {
        assert_eq!(exit_code(0), Ok(0));
        assert_eq!(exit_code(3 << 8), Ok(3));
        assert_eq!(exit_code(9), Ok(-9));
        // Killed by SIGABRT, with a core dump.
        assert_eq!(exit_code(6 | 0x80), Ok(-6));
        assert_eq!(
            exit_code(0x137f),
            Err("process stopped by delivery of signal 19".to_string())
        );
    }
}
