//! `os` on file descriptors: `pipe`, `read`, `write`, `close`, `dup`, `dup2`, `open` and the
//! `O_*` flags, inheritable and blocking modes. As in CPython (PEP 446), descriptors toy
//! creates are not inherited by programs a child `exec`s unless asked. Reads and writes that
//! may block run detached (`PipeRead` / `PipeWrite`), in slices on the main thread so a signal
//! handler runs meanwhile (PEP 475: the call resumes afterwards unless the handler raised).

use crate::gil::BlockKind;
use crate::gil::signals;
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::os::errno_error;

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("pipe", pipe),
    ("read", read),
    ("write", write),
    ("close", close),
    ("closerange", closerange),
    ("dup", dup),
    ("dup2", dup2),
    ("open", open),
    ("isatty", isatty),
    ("get_inheritable", get_inheritable),
    ("set_inheritable", set_inheritable),
    ("get_blocking", get_blocking),
    ("set_blocking", set_blocking),
];

/// The `O_*` flags `os` exports.
pub const OPEN_FLAGS: &[(&str, i32)] = &[
    ("O_RDONLY", libc::O_RDONLY),
    ("O_WRONLY", libc::O_WRONLY),
    ("O_RDWR", libc::O_RDWR),
    ("O_APPEND", libc::O_APPEND),
    ("O_CREAT", libc::O_CREAT),
    ("O_EXCL", libc::O_EXCL),
    ("O_TRUNC", libc::O_TRUNC),
    ("O_NONBLOCK", libc::O_NONBLOCK),
    ("O_NDELAY", libc::O_NDELAY),
    ("O_SYNC", libc::O_SYNC),
    ("O_DSYNC", libc::O_DSYNC),
    ("O_NOCTTY", libc::O_NOCTTY),
    ("O_CLOEXEC", libc::O_CLOEXEC),
    ("O_DIRECTORY", libc::O_DIRECTORY),
    ("O_NOFOLLOW", libc::O_NOFOLLOW),
    ("O_ACCMODE", libc::O_ACCMODE),
];

/// Thin wrappers over the system calls: plain integers in, `errno` out.
pub mod sys {
    use std::time::Duration;

    pub type Errno = i32;

    fn last_errno() -> Errno {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
    }

    fn check(result: libc::c_int) -> Result<libc::c_int, Errno> {
        if result < 0 { Err(last_errno()) } else { Ok(result) }
    }

    pub fn read(fd: i32, buf: &mut [u8]) -> Result<usize, Errno> {
        // SAFETY: the pointer and length describe `buf`, which the kernel may fill.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        usize::try_from(n).map_err(|_| last_errno())
    }

    pub fn write(fd: i32, buf: &[u8]) -> Result<usize, Errno> {
        // SAFETY: the pointer and length describe `buf`, which the kernel only reads.
        let n = unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) };
        usize::try_from(n).map_err(|_| last_errno())
    }

    pub fn close(fd: i32) -> Result<(), Errno> {
        // SAFETY: closing a descriptor touches no memory of this process; a descriptor toy
        // owns as a Rust `File` is closed through the file object instead.
        check(unsafe { libc::close(fd) }).map(|_| ())
    }

    pub fn fcntl(fd: i32, command: libc::c_int, argument: libc::c_int) -> Result<libc::c_int, Errno> {
        // SAFETY: the commands used here (F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC)
        // take an integer argument and touch no memory.
        check(unsafe { libc::fcntl(fd, command, argument) })
    }

    pub fn dup2(fd: i32, target: i32, inheritable: bool) -> Result<i32, Errno> {
        let flags = if inheritable { 0 } else { libc::O_CLOEXEC };
        if fd == target {
            // dup3 refuses equal descriptors; dup2 would only check `fd` is open.
            return fcntl(fd, libc::F_GETFD, 0).map(|_| fd);
        }
        // SAFETY: as `close`: descriptors only.
        check(unsafe { libc::dup3(fd, target, flags) })
    }

    pub fn pipe() -> Result<(i32, i32), Errno> {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
        Ok((fds[0], fds[1]))
    }

    pub fn open(path: &std::ffi::CStr, flags: i32, mode: u32) -> Result<i32, Errno> {
        // SAFETY: `path` is a NUL-terminated string that outlives the call.
        check(unsafe { libc::open(path.as_ptr(), flags | libc::O_CLOEXEC, mode) })
    }

    pub fn isatty(fd: i32) -> bool {
        // SAFETY: descriptors only.
        unsafe { libc::isatty(fd) == 1 }
    }

    /// Whether the descriptor supports seeking (a regular file, not a pipe or terminal).
    pub fn seekable(fd: i32) -> bool {
        // SAFETY: descriptors only; seeking by 0 from the current position moves nothing.
        unsafe { libc::lseek(fd, 0, libc::SEEK_CUR) >= 0 }
    }

    /// Wait until `fd` is ready for `events` (`POLLIN`, `POLLOUT`) or `timeout` passes
    /// (`None`: no limit). True when ready (errors and hang-ups count as ready: the read or
    /// write that follows reports them). EINTR counts as not ready yet.
    pub fn poll(fd: i32, events: libc::c_short, timeout: Option<Duration>) -> Result<bool, Errno> {
        let mut entry = libc::pollfd { fd, events, revents: 0 };
        let millis = timeout.map_or(-1, |t| i32::try_from(t.as_millis().max(1)).unwrap_or(i32::MAX));
        // SAFETY: one valid `pollfd`, as the count says.
        match check(unsafe { libc::poll(&mut entry, 1, millis) }) {
            Ok(n) => Ok(n > 0),
            Err(libc::EINTR) => Ok(false),
            Err(e) => Err(e),
        }
    }

    pub fn is_blocking(fd: i32) -> Result<bool, Errno> {
        fcntl(fd, libc::F_GETFL, 0).map(|flags| flags & libc::O_NONBLOCK == 0)
    }
}

fn int_arg(vm: &mut Vm, v: &Value) -> PyResult<i64> {
    as_small_int(v).ok_or_else(|| {
        vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))
    })
}

pub fn fd_arg(vm: &mut Vm, v: &Value) -> PyResult<i32> {
    let n = int_arg(vm, v)?;
    i32::try_from(n).map_err(|_| vm.overflow_error("fd is greater than maximum"))
}

fn fail(vm: &mut Vm, errno: sys::Errno) -> crate::vm::PyErr {
    errno_error(vm, errno, None)
}

/// Wait (detached) until `fd` is ready for `events`; on the main thread, a signal handler runs
/// meanwhile and the wait goes on unless it raised (PEP 475).
fn wait_ready(vm: &mut Vm, fd: i32, events: libc::c_short, kind: BlockKind) -> PyResult<()> {
    if !sys::is_blocking(fd).map_err(|e| fail(vm, e))? {
        return Ok(());
    }
    loop {
        let ready = vm.py.allow_threads(kind, move || {
            let mut failed = None;
            let done = signals::interruptible_poll(None, |slice| match sys::poll(fd, events, slice) {
                Ok(ready) => ready,
                Err(e) => {
                    failed = Some(e);
                    true
                }
            });
            (done, failed)
        });
        match ready {
            (_, Some(errno)) => return Err(fail(vm, errno)),
            (Some(_), None) => return Ok(()),
            (None, None) => vm.check_point()?,
        }
    }
}

/// Read up to `n` bytes from `fd`, waiting detached for data.
pub fn read_fd(vm: &mut Vm, fd: i32, n: usize) -> PyResult<Vec<u8>> {
    loop {
        wait_ready(vm, fd, libc::POLLIN, BlockKind::PipeRead)?;
        let result = vm.py.allow_threads(BlockKind::PipeRead, move || {
            let mut buf = vec![0; n];
            sys::read(fd, &mut buf).map(|got| {
                buf.truncate(got);
                buf
            })
        });
        match result {
            Ok(bytes) => return Ok(bytes),
            Err(libc::EINTR) => vm.check_point()?,
            Err(errno) => return Err(fail(vm, errno)),
        }
    }
}

fn pipe(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "pipe", kwargs)?;
    check_arity(vm, "pipe", args, 0, 0)?;
    let (r, w) = sys::pipe().map_err(|e| fail(vm, e))?;
    Ok(vm.new_tuple(vec![Value::Int(i64::from(r)), Value::Int(i64::from(w))]))
}

fn read(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "read", kwargs)?;
    check_arity(vm, "read", args, 2, 2)?;
    let fd = fd_arg(vm, &args[0])?;
    let n = int_arg(vm, &args[1])?;
    let Ok(n) = usize::try_from(n) else {
        return Err(fail(vm, libc::EINVAL));
    };
    let bytes = read_fd(vm, fd, n.min(1 << 30))?;
    Ok(vm.new_bytes(bytes))
}

fn write(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "write", kwargs)?;
    check_arity(vm, "write", args, 2, 2)?;
    let fd = fd_arg(vm, &args[0])?;
    let data = match crate::objects::methods::bytes::bytes_like(vm, &args[1])? {
        Some(b) => b.into_owned(),
        None => {
            return Err(vm.type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(&args[1])
            )));
        }
    };
    loop {
        wait_ready(vm, fd, libc::POLLOUT, BlockKind::PipeWrite)?;
        let chunk = data.clone();
        match vm
            .py
            .allow_threads(BlockKind::PipeWrite, move || sys::write(fd, &chunk))
        {
            Ok(n) => return Ok(Value::Int(n as i64)),
            Err(libc::EINTR) => vm.check_point()?,
            Err(errno) => return Err(fail(vm, errno)),
        }
    }
}

fn close(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "close", kwargs, &["fd"])?;
    check_arity(vm, "close", args, 0, 1)?;
    let Some(fd) = args.first().or_else(|| kwarg(kwargs, "fd")) else {
        return Err(vm.type_error("close() missing required argument 'fd' (pos 1)"));
    };
    let fd = fd_arg(vm, fd)?;
    sys::close(fd).map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}

fn closerange(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "closerange", kwargs)?;
    check_arity(vm, "closerange", args, 2, 2)?;
    let low = fd_arg(vm, &args[0])?;
    let high = fd_arg(vm, &args[1])?;
    for fd in low.max(0)..high {
        // Errors are ignored, as CPython does.
        let _ = sys::close(fd);
    }
    Ok(Value::None)
}

fn dup(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "dup", kwargs)?;
    check_arity(vm, "dup", args, 1, 1)?;
    let fd = fd_arg(vm, &args[0])?;
    let new = sys::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0).map_err(|e| fail(vm, e))?;
    Ok(Value::Int(i64::from(new)))
}

fn dup2(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "dup2", kwargs, &["fd", "fd2", "inheritable"])?;
    check_arity(vm, "dup2", args, 2, 3)?;
    let fd = fd_arg(vm, &args[0])?;
    let target = fd_arg(vm, &args[1])?;
    let inheritable = match args.get(2).or_else(|| kwarg(kwargs, "inheritable")) {
        Some(v) => vm.is_true(v)?,
        None => true,
    };
    let new = sys::dup2(fd, target, inheritable).map_err(|e| fail(vm, e))?;
    Ok(Value::Int(i64::from(new)))
}

fn open(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "open", kwargs, &["path", "flags", "mode", "dir_fd"])?;
    check_arity(vm, "open", args, 0, 3)?;
    let (Some(path), Some(flags)) = (
        args.first().or_else(|| kwarg(kwargs, "path")),
        args.get(1).or_else(|| kwarg(kwargs, "flags")),
    ) else {
        return Err(vm.type_error("open() missing required argument 'flags' (pos 2)"));
    };
    let Some(name) = path.as_str().map(str::to_string) else {
        return Err(vm.type_error(format!(
            "open: path should be string, bytes or os.PathLike, not {}",
            vm.type_name(path)
        )));
    };
    let flags =
        i32::try_from(int_arg(vm, flags)?).map_err(|_| vm.overflow_error("signed integer is greater than maximum"))?;
    let mode = match args.get(2).or_else(|| kwarg(kwargs, "mode")) {
        Some(m) => u32::try_from(int_arg(vm, m)?).map_err(|_| vm.overflow_error("mode out of range"))?,
        None => 0o777,
    };
    let Ok(c_path) = std::ffi::CString::new(name.clone()) else {
        return Err(vm.value_error("embedded null byte"));
    };
    let opened = vm
        .py
        .allow_threads(BlockKind::FileOther, move || sys::open(&c_path, flags, mode));
    match opened {
        Ok(fd) => Ok(Value::Int(i64::from(fd))),
        Err(errno) => {
            let filename = vm.new_str(name);
            Err(errno_error(vm, errno, Some(filename)))
        }
    }
}

fn isatty(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "isatty", kwargs)?;
    check_arity(vm, "isatty", args, 1, 1)?;
    let fd = fd_arg(vm, &args[0])?;
    Ok(Value::Bool(sys::isatty(fd)))
}

fn get_inheritable(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "get_inheritable", kwargs)?;
    check_arity(vm, "get_inheritable", args, 1, 1)?;
    let fd = fd_arg(vm, &args[0])?;
    let flags = sys::fcntl(fd, libc::F_GETFD, 0).map_err(|e| fail(vm, e))?;
    Ok(Value::Bool(flags & libc::FD_CLOEXEC == 0))
}

/// Set or clear one bit of a descriptor's flags (`get` / `set` are F_GETFD/F_SETFD or
/// F_GETFL/F_SETFL).
fn switch_flag(fd: i32, (get, set): (libc::c_int, libc::c_int), bit: libc::c_int, on: bool) -> Result<(), sys::Errno> {
    let flags = sys::fcntl(fd, get, 0)?;
    let wanted = if on { flags | bit } else { flags & !bit };
    if wanted != flags {
        sys::fcntl(fd, set, wanted)?;
    }
    Ok(())
}

pub fn set_inheritable_fd(fd: i32, inheritable: bool) -> Result<(), sys::Errno> {
    switch_flag(fd, (libc::F_GETFD, libc::F_SETFD), libc::FD_CLOEXEC, !inheritable)
}

fn set_inheritable(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "set_inheritable", kwargs)?;
    check_arity(vm, "set_inheritable", args, 2, 2)?;
    let fd = fd_arg(vm, &args[0])?;
    let inheritable = vm.is_true(&args[1])?;
    set_inheritable_fd(fd, inheritable).map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}

fn get_blocking(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "get_blocking", kwargs)?;
    check_arity(vm, "get_blocking", args, 1, 1)?;
    let fd = fd_arg(vm, &args[0])?;
    Ok(Value::Bool(sys::is_blocking(fd).map_err(|e| fail(vm, e))?))
}

fn set_blocking(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "set_blocking", kwargs)?;
    check_arity(vm, "set_blocking", args, 2, 2)?;
    let fd = fd_arg(vm, &args[0])?;
    let blocking = vm.is_true(&args[1])?;
    switch_flag(fd, (libc::F_GETFL, libc::F_SETFL), libc::O_NONBLOCK, !blocking).map_err(|e| fail(vm, e))?;
    Ok(Value::None)
}
