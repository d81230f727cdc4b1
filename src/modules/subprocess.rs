//! `_subprocess`, the native half of `subprocess` (`py/subprocess.py`): starting a program with
//! its standard streams on given descriptors, exchanging data with it over pipes, and waiting
//! for it with a timeout. Everything that waits runs detached.
//!
//! Starting uses `std::process::Command`: it forks (or uses `posix_spawn`) and execs doing only
//! what is safe in a child of a threaded process, reports an `exec` failure with its errno, and
//! restores the signal dispositions and mask a program expects (SIGPIPE back to its default, as
//! CPython's `restore_signals`). Descriptors toy opens are close-on-exec (PEP 446), so the
//! program inherits only its three streams and the `pass_fds` asked for.

use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::gil::{BlockKind, signals};
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::new_module;
use super::os::errno_error;
use super::os_fd::sys;

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_subprocess",
        &[("spawn", spawn), ("exchange", exchange), ("wait", wait)],
        Vec::new(),
    )
}

fn strings(vm: &mut Vm, v: &Value, what: &str) -> PyResult<Vec<String>> {
    let mut out = Vec::new();
    for item in vm.collect(v)? {
        match item.as_str() {
            Some(s) => out.push(s.to_string()),
            None => {
                return Err(vm.type_error(format!(
                    "{what} must be str, bytes or os.PathLike object, not {}",
                    vm.type_name(&item)
                )));
            }
        }
    }
    Ok(out)
}

fn optional_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn int(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    as_small_int(v).ok_or_else(|| vm.type_error(format!("an integer is required, not {}", vm.type_name(v))))
}

/// A child's stream: its own copy of descriptor `fd`, or the parent's stream for -1.
fn stdio(vm: &mut Vm, fd: i64) -> PyResult<Stdio> {
    if fd < 0 {
        return Ok(Stdio::inherit());
    }
    let fd = i32::try_from(fd).map_err(|_| vm.overflow_error("fd is greater than maximum"))?;
    let copy = sys::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0).map_err(|e| errno_error(vm, e, None))?;
    // SAFETY: `copy` is a descriptor just made for this `Stdio` alone, which closes it.
    Ok(Stdio::from(unsafe { OwnedFd::from_raw_fd(copy) }))
}

/// `spawn(args, executable, cwd, env, stdin, stdout, stderr, pass_fds, start_new_session)`:
/// the child's pid. `env` is a list of `(name, value)` pairs or None; the streams are
/// descriptors or -1 (inherit).
fn spawn(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "spawn", kwargs)?;
    check_arity(vm, "spawn", args, 9, 9)?;
    let argv = strings(vm, &args[0], "expected")?;
    let Some(first) = argv.first() else {
        return Err(vm.value_error("args must not be empty"));
    };
    let program = optional_str(&args[1]).unwrap_or_else(|| first.clone());
    let mut command = Command::new(&program);
    command.arg0(first).args(&argv[1..]);
    if let Some(cwd) = optional_str(&args[2]) {
        // The directory's own error names the directory, as CPython's does.
        if let Err(e) = std::fs::read_dir(&cwd) {
            let errno = e.raw_os_error().unwrap_or(libc::ENOENT);
            let name = vm.new_str(cwd);
            return Err(errno_error(vm, errno, Some(name)));
        }
        command.current_dir(cwd);
    }
    if args[3].is_none() {
        super::os_fs::apply_environment_changes(&mut command);
    } else {
        command.env_clear();
        for pair in vm.collect(&args[3])? {
            let pair = strings(vm, &pair, "environment entry")?;
            if let [name, value] = &pair[..] {
                command.env(name, value);
            }
        }
    }
    let streams = [int(vm, &args[4])?, int(vm, &args[5])?, int(vm, &args[6])?];
    command.stdin(stdio(vm, streams[0])?);
    command.stdout(stdio(vm, streams[1])?);
    command.stderr(stdio(vm, streams[2])?);
    let mut pass_fds = Vec::new();
    for fd in vm.collect(&args[7])? {
        let fd = int(vm, &fd)?;
        pass_fds.push(i32::try_from(fd).map_err(|_| vm.overflow_error("fd is greater than maximum"))?);
    }
    let new_session = vm.is_true(&args[8])?;
    if new_session || !pass_fds.is_empty() {
        // SAFETY: runs in the child between fork and exec, where only async-signal-safe calls
        // are allowed: fcntl(2) and setsid(2) are, and nothing here allocates.
        unsafe {
            command.pre_exec(move || {
                for &fd in &pass_fds {
                    let flags = libc::fcntl(fd, libc::F_GETFD);
                    if flags >= 0 {
                        libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC);
                    }
                }
                if new_session {
                    libc::setsid();
                }
                Ok(())
            })
        };
    }
    let spawned = vm
        .py
        .allow_threads(BlockKind::ChildWait, move || command.spawn().map(|child| child.id()));
    match spawned {
        Ok(pid) => Ok(Value::Int(i64::from(pid))),
        Err(e) => {
            let errno = e.raw_os_error().unwrap_or(libc::ENOENT);
            let name = vm.new_str(program);
            Err(errno_error(vm, errno, Some(name)))
        }
    }
}

/// What one round of `exchange` did.
struct Exchanged {
    out: Vec<u8>,
    err: Vec<u8>,
    written: usize,
    /// Which of stdin, stdout and stderr are finished with.
    done: [bool; 3],
    /// A signal is pending for the main thread: its handler must run before going on.
    interrupted: bool,
}

/// Write `input` to `fds[0]` while reading `fds[1]` and `fds[2]`, with `poll(2)`, until the
/// input is all written (the caller then closes stdin, so the child sees its end), both outputs
/// are at their end, or `deadline` passes. No pipe can fill up and stall the child, whatever
/// it writes.
fn exchange_detached(
    fds: [i32; 3],
    input: &[u8],
    done: [bool; 3],
    deadline: Option<Instant>,
) -> Result<Exchanged, i32> {
    let mut result = Exchanged {
        out: Vec::new(),
        err: Vec::new(),
        written: 0,
        done,
        interrupted: false,
    };
    let main = signals::on_main_thread();
    let mut buf = vec![0u8; 64 * 1024];
    while result.done.iter().any(|d| !d) {
        let now = Instant::now();
        if deadline.is_some_and(|d| now >= d) {
            break;
        }
        let waiting: Vec<usize> = (0..3).filter(|&i| !result.done[i]).collect();
        let mut polled: Vec<libc::pollfd> = waiting
            .iter()
            .map(|&i| libc::pollfd {
                fd: fds[i],
                events: if i == 0 { libc::POLLOUT } else { libc::POLLIN },
                revents: 0,
            })
            .collect();
        let mut wait = deadline.map(|d| d - now);
        if main {
            // In slices, so a signal's handler is not held up.
            wait = Some(wait.map_or(SLICE, |w| w.min(SLICE)));
        }
        let millis = wait.map_or(-1, |w| i32::try_from(w.as_millis().max(1)).unwrap_or(i32::MAX));
        // SAFETY: `polled` holds `polled.len()` valid entries for the kernel to fill in.
        let n = unsafe { libc::poll(polled.as_mut_ptr(), polled.len() as libc::nfds_t, millis) };
        if n < 0 {
            let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
            if errno != libc::EINTR {
                return Err(errno);
            }
        }
        for (&i, entry) in waiting.iter().zip(&polled) {
            if entry.revents == 0 {
                continue;
            }
            if i == 0 {
                let end = input.len().min(result.written + 64 * 1024);
                match sys::write(fds[0], &input[result.written..end]) {
                    Ok(n) => result.written += n,
                    // The child closed its end: the rest of the input is dropped, as CPython does.
                    Err(libc::EPIPE) => result.written = input.len(),
                    Err(libc::EINTR | libc::EAGAIN) => {}
                    Err(e) => return Err(e),
                }
                if result.written >= input.len() {
                    result.done[0] = true;
                    return Ok(result);
                }
            } else {
                match sys::read(fds[i], &mut buf) {
                    Ok(0) => result.done[i] = true,
                    Ok(n) if i == 1 => result.out.extend_from_slice(&buf[..n]),
                    Ok(n) => result.err.extend_from_slice(&buf[..n]),
                    Err(libc::EINTR | libc::EAGAIN) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        if main && signals::is_pending() {
            result.interrupted = true;
            break;
        }
    }
    Ok(result)
}

const SLICE: Duration = Duration::from_millis(20);

/// The descriptor of a file object argument, -1 for None.
fn fd_of(vm: &mut Vm, file: &Value) -> PyResult<i32> {
    if file.is_none() {
        return Ok(-1);
    }
    match super::file::raw_fd(vm, file)? {
        Some(fd) => Ok(fd),
        None => Err(vm.value_error("I/O operation on closed file.")),
    }
}

/// `exchange(stdin, input, written, stdout, stderr, timeout)`: `communicate`'s work, on the
/// pipes' file objects (None for those not piped, or already at their end), from
/// `input[written:]`, for at most `timeout` seconds (None: no limit). Closes stdin once the input
/// is sent. Returns `(out, err, written, finished)`; not finished means the time ran out.
fn exchange(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "exchange", kwargs)?;
    check_arity(vm, "exchange", args, 6, 6)?;
    let input = match args[1].payload() {
        Some(Payload::Bytes(b)) => b.to_vec(),
        _ => Vec::new(),
    };
    let mut written = usize::try_from(int(vm, &args[2])?).unwrap_or(0).min(input.len());
    let stdin = &args[0];
    let fds = [fd_of(vm, stdin)?, fd_of(vm, &args[3])?, fd_of(vm, &args[4])?];
    let deadline = deadline_arg(vm, &args[5])?;
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut done = fds.map(|fd| fd < 0);
    loop {
        if !done[0] && written >= input.len() {
            // Nothing (more) to send: the child sees the end of its input.
            super::file::close(vm, std::slice::from_ref(stdin), &[])?;
            done[0] = true;
        }
        let rest = input[written..].to_vec();
        let round = vm.py.allow_threads(BlockKind::PipeRead, move || {
            exchange_detached(fds, &rest, done, deadline)
        });
        let round = round.map_err(|errno| errno_error(vm, errno, None))?;
        out.extend(round.out);
        err.extend(round.err);
        written += round.written;
        let all_done = round.done.iter().all(|d| *d);
        let stdin_finished = round.done[0] && !done[0];
        done = round.done;
        if stdin_finished {
            done[0] = false;
            continue;
        }
        if round.interrupted {
            vm.check_point()?;
            continue;
        }
        if all_done || deadline.is_some_and(|d| Instant::now() >= d) {
            break;
        }
    }
    let finished = done.iter().all(|d| *d);
    let out = vm.new_bytes(out);
    let err = vm.new_bytes(err);
    Ok(vm.new_tuple(vec![out, err, Value::Int(written as i64), Value::Bool(finished)]))
}

fn deadline_arg(vm: &mut Vm, timeout: &Value) -> PyResult<Option<Instant>> {
    if timeout.is_none() {
        return Ok(None);
    }
    let secs = crate::objects::methods::constructors::to_float(vm, timeout)?;
    Ok(Some(Instant::now() + Duration::from_secs_f64(secs.clamp(0.0, 1e9))))
}

/// `wait(pid, timeout)`: the child's wait status, or None if `timeout` seconds passed first.
fn wait(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "wait", kwargs)?;
    check_arity(vm, "wait", args, 2, 2)?;
    let pid = i32::try_from(int(vm, &args[0])?).map_err(|_| vm.overflow_error("pid out of range"))?;
    let deadline = deadline_arg(vm, &args[1])?;
    match super::os_process::wait_for_child_until(vm, pid, deadline)? {
        Some((_, status)) => Ok(Value::Int(i64::from(status))),
        None => Ok(Value::None),
    }
}
