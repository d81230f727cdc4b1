//! `_mp`, the native half of `multiprocessing` (`py/multiprocessing/`): semaphores and typed
//! blocks in memory shared with child processes (`shared_memory.rs`), framed messages over
//! pipes, waiting for any of several descriptors, and a traceback as text for results that
//! carry an exception back to the parent. Every wait runs detached, in slices on the main
//! thread so a signal handler runs meanwhile (and may raise, e.g. `KeyboardInterrupt`).

use std::time::{Duration, Instant};

use num_bigint::BigInt;

use crate::gil::{BlockKind, signals};
use crate::objects::methods::constructors::to_float;
use crate::objects::types::types;
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyErr, PyResult, Vm};

use super::new_module;
use super::os::errno_error;
use super::os_fd::{fd_arg, sys};
use super::shared_memory::{self, Arena, Element, ReleaseError, SEMAPHORE_BYTES};

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    new_module(
        vm,
        "_mp",
        &[
            ("sem_new", sem_new),
            ("sem_acquire", sem_acquire),
            ("sem_release", sem_release),
            ("sem_value", sem_value),
            ("alloc", alloc),
            ("load", load),
            ("store", store),
            ("send", send),
            ("recv", recv),
            ("wait", wait),
            ("format_exception", format_exception),
            ("arena_fd", arena_fd),
            ("attach_arena", attach_arena),
            ("child_started", child_started),
            ("child_finished", child_finished),
            ("observing", observing),
        ],
        Vec::new(),
    )
}

fn arena(vm: &mut Vm) -> PyResult<&'static Arena> {
    shared_memory::arena().map_err(|e| errno_error(vm, e, None))
}

fn int(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    as_small_int(v).ok_or_else(|| vm.type_error(format!("an integer is required, not {}", vm.type_name(v))))
}

fn offset(vm: &mut Vm, v: &Value) -> PyResult<u64> {
    let n = int(vm, v)?;
    u64::try_from(n).map_err(|_| vm.value_error("invalid shared memory handle"))
}

fn bad_handle(vm: &Vm) -> PyErr {
    vm.value_error("invalid shared memory handle")
}

/// `timeout` as the waits take it: `None` waits for ever.
fn timeout_arg(vm: &mut Vm, v: &Value) -> PyResult<Option<Duration>> {
    if matches!(v, Value::None) {
        return Ok(None);
    }
    let seconds = to_float(vm, v)?;
    Ok(Some(Duration::from_secs_f64(seconds.clamp(0.0, 4294967.0))))
}

/// `sem_new(value, maximum)`: a new semaphore's handle.
fn sem_new(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "sem_new", kwargs)?;
    check_arity(vm, "sem_new", args, 2, 2)?;
    let value = int(vm, &args[0])?;
    let maximum = int(vm, &args[1])?;
    let (Ok(value), Ok(maximum)) = (u32::try_from(value), u32::try_from(maximum)) else {
        return Err(vm.value_error("semaphore value out of range"));
    };
    let arena = arena(vm)?;
    let handle = arena.alloc(SEMAPHORE_BYTES).map_err(|e| errno_error(vm, e, None))?;
    let semaphore = arena.semaphore(handle).ok_or_else(|| bad_handle(vm))?;
    semaphore.init(value, maximum);
    Ok(Value::Int(handle as i64))
}

/// `sem_acquire(handle, timeout)`: whether it was acquired; `timeout` None waits for ever,
/// 0 only tries.
fn sem_acquire(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "sem_acquire", kwargs)?;
    check_arity(vm, "sem_acquire", args, 2, 2)?;
    let handle = offset(vm, &args[0])?;
    let timeout = timeout_arg(vm, &args[1])?;
    let arena = arena(vm)?;
    let semaphore = arena.semaphore(handle).ok_or_else(|| bad_handle(vm))?;
    if semaphore.try_acquire() {
        return Ok(Value::Bool(true));
    }
    if timeout == Some(Duration::ZERO) {
        return Ok(Value::Bool(false));
    }
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let outcome = vm.py.allow_threads(BlockKind::ProcessLock, move || {
            let semaphore = arena.semaphore(handle)?;
            signals::interruptible_wait(deadline, |until| semaphore.acquire_until(until))
        });
        match outcome {
            Some(acquired) => return Ok(Value::Bool(acquired)),
            // Interrupted: run the signal handlers, then wait on unless one raised.
            None => vm.check_point()?,
        }
    }
}

fn sem_release(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "sem_release", kwargs)?;
    check_arity(vm, "sem_release", args, 1, 1)?;
    let handle = offset(vm, &args[0])?;
    let semaphore = arena(vm)?.semaphore(handle).ok_or_else(|| bad_handle(vm))?;
    match semaphore.release() {
        Ok(()) => Ok(Value::None),
        Err(ReleaseError::TooMany) => Err(vm.value_error("semaphore or lock released too many times")),
    }
}

fn sem_value(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "sem_value", kwargs)?;
    check_arity(vm, "sem_value", args, 1, 1)?;
    let handle = offset(vm, &args[0])?;
    let semaphore = arena(vm)?.semaphore(handle).ok_or_else(|| bad_handle(vm))?;
    Ok(Value::Int(i64::from(semaphore.value())))
}

/// `alloc(nbytes)`: a new zero-filled block's handle.
fn alloc(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "alloc", kwargs)?;
    check_arity(vm, "alloc", args, 1, 1)?;
    let bytes = offset(vm, &args[0])?;
    let arena = arena(vm)?;
    match arena.alloc(bytes) {
        Ok(handle) => Ok(Value::Int(handle as i64)),
        Err(libc::ENOMEM) => Err(vm.new_error(
            &types().memory_error,
            "toy's shared memory for multiprocessing (256 MiB) is used up",
        )),
        Err(e) => Err(errno_error(vm, e, None)),
    }
}

fn element(vm: &mut Vm, v: &Value) -> PyResult<Element> {
    v.as_str()
        .and_then(Element::from_code)
        .ok_or_else(|| vm.value_error("unsupported shared memory type code"))
}

/// `load(handle, typecode, index)`: element `index` of the block, as Python sees that type.
fn load(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "load", kwargs)?;
    check_arity(vm, "load", args, 3, 3)?;
    let handle = offset(vm, &args[0])?;
    let code = args[1].as_str().unwrap_or("").to_string();
    let kind = element(vm, &args[1])?;
    let index = offset(vm, &args[2])?;
    let bits = arena(vm)?.load(handle, kind, index).ok_or_else(|| bad_handle(vm))?;
    Ok(match (kind, code.as_str()) {
        (Element::U8, "c") => vm.new_bytes(vec![bits as u8]),
        (Element::Bool, _) => Value::Bool(bits != 0),
        (Element::I8, _) => Value::Int(i64::from(bits as u8 as i8)),
        (Element::I16, _) => Value::Int(i64::from(bits as u16 as i16)),
        (Element::I32, _) => Value::Int(i64::from(bits as u32 as i32)),
        (Element::I64, _) => Value::Int(bits as i64),
        (Element::U8 | Element::U16 | Element::U32, _) => Value::Int(bits as i64),
        (Element::U64, _) => match i64::try_from(bits) {
            Ok(small) => Value::Int(small),
            Err(_) => vm.new_int(BigInt::from(bits)),
        },
        (Element::F32, _) => Value::Float(f64::from(f32::from_bits(bits as u32))),
        (Element::F64, _) => Value::Float(f64::from_bits(bits)),
    })
}

/// An int's low 64 bits, as ctypes stores an out-of-range value (it wraps, without a check).
fn low_bits(vm: &mut Vm, v: &Value) -> PyResult<u64> {
    if let Some(small) = as_small_int(v) {
        return Ok(small as u64);
    }
    if let Some(Payload::BigInt(big)) = v.payload() {
        let modulus = BigInt::from(1u8) << 64;
        let wrapped: BigInt = ((big % &modulus) + &modulus) % &modulus;
        return Ok(wrapped.iter_u64_digits().next().unwrap_or(0));
    }
    Err(vm.type_error(format!("int expected instead of {}", vm.type_name(v))))
}

/// `store(handle, typecode, index, value)`.
fn store(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "store", kwargs)?;
    check_arity(vm, "store", args, 4, 4)?;
    let handle = offset(vm, &args[0])?;
    let code = args[1].as_str().unwrap_or("").to_string();
    let kind = element(vm, &args[1])?;
    let index = offset(vm, &args[2])?;
    let value = &args[3];
    let bits = match (kind, code.as_str()) {
        (Element::U8, "c") => match value.payload() {
            Some(Payload::Bytes(b)) if b.len() == 1 => u64::from(b[0]),
            _ => {
                return Err(vm.type_error(format!(
                    "one character bytes, bytearray or integer expected, got {}",
                    vm.type_name(value)
                )));
            }
        },
        (Element::Bool, _) => u64::from(vm.is_true(value)?),
        (Element::F32, _) => u64::from((to_float(vm, value)? as f32).to_bits()),
        (Element::F64, _) => to_float(vm, value)?.to_bits(),
        _ if matches!(value, Value::Float(_)) => {
            return Err(vm.type_error("int expected instead of float"));
        }
        _ => low_bits(vm, value)?,
    };
    arena(vm)?
        .store(handle, kind, index, bits)
        .ok_or_else(|| bad_handle(vm))?;
    Ok(Value::None)
}

/// Write the rest of `data` (from `*written` on) to `fd`, detached; `Err(None)` when a signal
/// interrupted the wait (`*written` says how far it got).
fn write_all_detached(fd: i32, data: &[u8], written: &mut usize) -> Result<(), Option<sys::Errno>> {
    while *written < data.len() {
        let mut failed = None;
        let ready = signals::interruptible_poll(None, |slice| match sys::poll(fd, libc::POLLOUT, slice) {
            Ok(ready) => ready,
            Err(e) => {
                failed = Some(e);
                true
            }
        });
        if let Some(errno) = failed {
            return Err(Some(errno));
        }
        if ready.is_none() {
            return Err(None);
        }
        match sys::write(fd, &data[*written..]) {
            Ok(n) => *written += n,
            Err(libc::EINTR | libc::EAGAIN) => {}
            Err(errno) => return Err(Some(errno)),
        }
    }
    Ok(())
}

/// `send(fd, data)`: one message, its length first as a 4-byte big-endian int (CPython's
/// `Connection` framing).
fn send(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "send", kwargs)?;
    check_arity(vm, "send", args, 2, 2)?;
    let fd = fd_arg(vm, &args[0])?;
    let Some(Payload::Bytes(data)) = args[1].payload() else {
        return Err(vm.type_error(format!(
            "a bytes-like object is required, not '{}'",
            vm.type_name(&args[1])
        )));
    };
    let Ok(length) = i32::try_from(data.len()) else {
        return Err(vm.value_error("toy's multiprocessing cannot send a message of 2 GiB or more"));
    };
    let mut message = Vec::with_capacity(data.len() + 4);
    message.extend_from_slice(&length.to_be_bytes());
    message.extend_from_slice(data);
    let mut sent = 0;
    loop {
        let (outcome, progress, back) = vm.py.allow_threads(BlockKind::PipeWrite, move || {
            let mut progress = sent;
            let outcome = write_all_detached(fd, &message, &mut progress);
            (outcome, progress, message)
        });
        message = back;
        sent = progress;
        match outcome {
            Ok(()) => return Ok(Value::None),
            // Interrupted: run the signal handlers, then go on unless one raised.
            Err(None) => vm.check_point()?,
            Err(Some(errno)) => return Err(errno_error(vm, errno, None)),
        }
    }
}

/// Read exactly `buf.len()` bytes, detached. `Ok(n)` with n short only at end of file;
/// `Err(None)` when a signal interrupted the wait (`*filled` says how far it got).
fn read_exact_detached(fd: i32, buf: &mut [u8], filled: &mut usize) -> Result<(), Option<sys::Errno>> {
    while *filled < buf.len() {
        let mut failed = None;
        let ready = signals::interruptible_poll(None, |slice| match sys::poll(fd, libc::POLLIN, slice) {
            Ok(ready) => ready,
            Err(e) => {
                failed = Some(e);
                true
            }
        });
        if let Some(errno) = failed {
            return Err(Some(errno));
        }
        if ready.is_none() {
            return Err(None);
        }
        match sys::read(fd, &mut buf[*filled..]) {
            Ok(0) => return Ok(()),
            Ok(n) => *filled += n,
            Err(libc::EINTR | libc::EAGAIN) => {}
            Err(errno) => return Err(Some(errno)),
        }
    }
    Ok(())
}

/// Fill `buf` from `fd`; false when the file ended first.
fn read_exact(vm: &mut Vm, fd: i32, buf: Vec<u8>) -> PyResult<(Vec<u8>, usize)> {
    let mut buf = buf;
    let mut filled = 0;
    loop {
        let (result, back, got) = vm.py.allow_threads(BlockKind::PipeRead, move || {
            let mut got = filled;
            let result = read_exact_detached(fd, &mut buf, &mut got);
            (result, buf, got)
        });
        buf = back;
        filled = got;
        match result {
            Ok(()) => return Ok((buf, filled)),
            Err(None) => vm.check_point()?,
            Err(Some(errno)) => return Err(errno_error(vm, errno, None)),
        }
    }
}

/// `recv(fd)`: the next message's bytes; `EOFError` when the other end closed between
/// messages.
fn recv(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "recv", kwargs)?;
    check_arity(vm, "recv", args, 1, 1)?;
    let fd = fd_arg(vm, &args[0])?;
    let (header, got) = read_exact(vm, fd, vec![0; 4])?;
    if got == 0 {
        return Err(vm.new_error(&types().eof_error, ""));
    }
    let truncated = || "got end of file during message";
    let Ok(header) = <[u8; 4]>::try_from(&header[..]) else {
        return Err(vm.new_error(&types().os_error, truncated()));
    };
    if got < 4 {
        return Err(vm.new_error(&types().os_error, truncated()));
    }
    let Ok(length) = usize::try_from(i32::from_be_bytes(header)) else {
        return Err(vm.new_error(&types().os_error, "bad message length"));
    };
    let (data, got) = read_exact(vm, fd, vec![0; length])?;
    if got < length {
        return Err(vm.new_error(&types().os_error, truncated()));
    }
    Ok(vm.new_bytes(data))
}

/// `wait(fds, timeout)`: the descriptors ready to read (or at end of file), waiting up to
/// `timeout` seconds (None: for ever) for one.
fn wait(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "wait", kwargs)?;
    check_arity(vm, "wait", args, 2, 2)?;
    let mut fds = Vec::new();
    for item in vm.collect(&args[0])? {
        fds.push(fd_arg(vm, &item)?);
    }
    let timeout = timeout_arg(vm, &args[1])?;
    let deadline = timeout.map(|t| Instant::now() + t);
    loop {
        let polled = fds.clone();
        let outcome = vm.py.allow_threads(BlockKind::PipeRead, move || {
            let mut entries: Vec<libc::pollfd> = polled
                .iter()
                .map(|&fd| libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                })
                .collect();
            let mut failed = None;
            let done = signals::interruptible_poll(deadline, |slice| {
                let millis = slice.map_or(-1, |t| i32::try_from(t.as_millis().max(1)).unwrap_or(i32::MAX));
                // SAFETY: `entries` is a valid array of as many `pollfd`s as the count says.
                let n = unsafe { libc::poll(entries.as_mut_ptr(), entries.len() as libc::nfds_t, millis) };
                if n < 0 {
                    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO);
                    if errno != libc::EINTR {
                        failed = Some(errno);
                        return true;
                    }
                }
                n > 0
            });
            let ready: Vec<i32> = entries.iter().filter(|e| e.revents != 0).map(|e| e.fd).collect();
            (done, failed, ready)
        });
        match outcome {
            (_, Some(errno), _) => return Err(errno_error(vm, errno, None)),
            (Some(_), None, ready) => {
                let items = ready.into_iter().map(|fd| Value::Int(i64::from(fd))).collect();
                return Ok(vm.new_list(items));
            }
            (None, None, _) => vm.check_point()?,
        }
    }
}

/// `format_exception(exc)`: the traceback text Python would print for it, chain included.
fn format_exception(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "format_exception", kwargs)?;
    check_arity(vm, "format_exception", args, 1, 1)?;
    let Value::Obj(exc) = &args[0] else {
        return Err(vm.type_error("an exception is required"));
    };
    let text = vm.format_exception(exc);
    Ok(vm.new_str(text))
}

/// `arena_fd()`: the descriptor holding the shared memory, for a spawned child to inherit.
fn arena_fd(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "arena_fd", kwargs)?;
    check_arity(vm, "arena_fd", args, 0, 0)?;
    Ok(Value::Int(i64::from(arena(vm)?.fd())))
}

/// `attach_arena(fd)`: in a spawned child, use the parent's shared memory.
fn attach_arena(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "attach_arena", kwargs)?;
    check_arity(vm, "attach_arena", args, 1, 1)?;
    let fd = fd_arg(vm, &args[0])?;
    shared_memory::attach(fd).map_err(|e| errno_error(vm, e, None))?;
    Ok(Value::None)
}

/// `child_started()`: in a new child process, before it runs its target; what the GIL
/// outputs show of it begins here.
fn child_started(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "child_started", kwargs)?;
    check_arity(vm, "child_started", args, 0, 0)?;
    crate::observe::children::child_started();
    Ok(Value::None)
}

/// `child_finished(name)`: a child process is about to exit: its `-X gilstats` table and its
/// part of `--trace`, under `name`.
fn child_finished(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "child_finished", kwargs)?;
    check_arity(vm, "child_finished", args, 1, 1)?;
    let name = args[0].as_str().unwrap_or("child").to_string();
    if let Err(message) = crate::observe::children::finish_child(&name) {
        eprintln!("toy: {message}");
    }
    Ok(Value::None)
}

/// `observing()`: whether this process records the GIL's events for an output.
fn observing(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "observing", kwargs)?;
    check_arity(vm, "observing", args, 0, 0)?;
    Ok(Value::Bool(crate::observe::children::observing()))
}
