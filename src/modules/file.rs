//! `open()` and file objects. Every read and write runs with the interpreter detached
//! (`allow_threads`): the OS handle is moved out of the object's lock for the duration, so no
//! lock is held while blocking and a second thread using the same file gets a clear error
//! instead of a deadlock.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};

use crate::gil::BlockKind;
use crate::objects::types::types;
use crate::objects::{ObjLock, ObjRef, Payload, Value};
use crate::vm::ops::as_small_int;
use crate::vm::{PyErr, PyResult, Vm};

use crate::vm::args::{check_arity, kwarg, only_kwargs};

/// An open file: the OS handle plus a read-ahead buffer (text lines need look-ahead).
pub struct FileState {
    /// `None` once closed, or while a blocking call has it.
    handle: Option<File>,
    pending: Vec<u8>,
    pub name: String,
    pub mode: String,
    pub binary: bool,
    readable: bool,
    writable: bool,
    pub closed: bool,
    /// Opened on a descriptor (`open(fd)`): `name` is the descriptor's number.
    pub named_by_fd: bool,
    /// `closefd=False`: closing the file leaves the descriptor open.
    closefd: bool,
}

impl Drop for FileState {
    fn drop(&mut self) {
        if !self.closefd
            && let Some(handle) = self.handle.take()
        {
            // Not ours to close.
            let _ = std::os::fd::IntoRawFd::into_raw_fd(handle);
        }
    }
}

/// The `OSError` subclass CPython raises for an I/O error on `filename`.
pub fn os_error(vm: &mut Vm, e: &std::io::Error, filename: Option<&str>) -> PyErr {
    let Some(errno) = e.raw_os_error() else {
        return vm.new_error(&types().os_error, e.to_string());
    };
    let filename = filename.map(|f| vm.new_str(f));
    crate::vm::os_error::new_os_error(vm, errno, filename, None)
}

pub fn open(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(
        vm,
        "open",
        kwargs,
        &["file", "mode", "encoding", "errors", "newline", "buffering", "closefd"],
    )?;
    check_arity(vm, "open", args, 1, 4)?;
    let descriptor = args.first().and_then(as_small_int);
    let name = match (descriptor, args.first().and_then(Value::as_str)) {
        (Some(fd), _) => fd.to_string(),
        (None, Some(name)) => name.to_string(),
        (None, None) => {
            // An object with `__fspath__` (a pathlib path, a DirEntry) names a file too.
            let file = args.first().map_or(Value::None, |f| f.clone_ref(vm.py));
            super::os::path_arg(vm, &file, "open", "").map_err(|_| {
                vm.type_error(format!(
                    "expected str, bytes or os.PathLike object, not {}",
                    vm.type_name(&file)
                ))
            })?
        }
    };
    let closefd = match kwarg(kwargs, "closefd") {
        Some(v) => vm.is_true(v)?,
        None => true,
    };
    if !closefd && descriptor.is_none() {
        return Err(vm.value_error("Cannot use closefd=False with file name"));
    }
    let mode = match args.get(1).or_else(|| kwarg(kwargs, "mode")) {
        Some(m) => m.as_str().unwrap_or("r").to_string(),
        None => "r".to_string(),
    };
    let valid = !mode.is_empty()
        && mode.chars().all(|c| "rwaxbt+".contains(c))
        && mode.chars().filter(|c| "rwax".contains(*c)).count() == 1
        && !(mode.contains('b') && mode.contains('t'));
    if !valid {
        return Err(vm.value_error(format!("invalid mode: '{mode}'")));
    }
    let plus = mode.contains('+');
    let mut options = OpenOptions::new();
    let (readable, writable) = match mode.chars().find(|c| "rwax".contains(*c)) {
        Some('r') => {
            options.read(true).write(plus);
            (true, plus)
        }
        Some('w') => {
            options.write(true).create(true).truncate(true).read(plus);
            (plus, true)
        }
        Some('a') => {
            options.append(true).create(true).read(plus);
            (plus, true)
        }
        _ => {
            options.write(true).create_new(true).read(plus);
            (plus, true)
        }
    };
    let file = match descriptor {
        Some(fd) => file_on_descriptor(vm, fd)?,
        None => {
            let path = name.clone();
            let opened = vm.py.allow_threads(BlockKind::FileOther, move || options.open(path));
            opened.map_err(|e| os_error(vm, &e, Some(&name)))?
        }
    };
    let binary = mode.contains('b');
    Ok(vm.alloc(Payload::File(Box::new(ObjLock::new(FileState {
        handle: Some(file),
        pending: Vec::new(),
        name,
        mode,
        binary,
        readable,
        writable,
        closed: false,
        named_by_fd: descriptor.is_some(),
        closefd,
    })))))
}

/// A `File` that owns descriptor `fd` (CPython's `FileIO(fd)`): checked to be open first.
fn file_on_descriptor(vm: &mut Vm, fd: i64) -> PyResult<File> {
    let Ok(fd) = i32::try_from(fd) else {
        return Err(vm.overflow_error("fd is greater than maximum"));
    };
    if fd < 0 {
        return Err(vm.value_error("negative file descriptor"));
    }
    if let Err(errno) = super::os_fd::sys::fcntl(fd, libc::F_GETFD, 0) {
        return Err(super::os::errno_error(vm, errno, None));
    }
    // SAFETY: the descriptor is open (checked above) and from now on belongs to this file
    // object, which alone closes it (or, with closefd=False, never does), as CPython's
    // FileIO does with a descriptor it is given.
    Ok(unsafe { std::os::fd::FromRawFd::from_raw_fd(fd) })
}

fn state_of<'a>(vm: &Vm, v: &'a Value) -> PyResult<&'a ObjLock<FileState>> {
    match v.payload() {
        Some(Payload::File(f)) => Ok(f),
        _ => Err(vm.type_error("expected a file object")),
    }
}

/// Take the handle (and buffered bytes) out of the file for a blocking call.
fn take_handle(vm: &Vm, state: &ObjLock<FileState>, need_read: bool) -> PyResult<(File, Vec<u8>, bool)> {
    let mut s = state.lock(vm.py);
    if s.closed {
        return Err(vm.value_error("I/O operation on closed file."));
    }
    if need_read && !s.readable {
        return Err(vm.new_error(&types().os_error, "not readable"));
    }
    if !need_read && !s.writable {
        return Err(vm.new_error(&types().os_error, "not writable"));
    }
    let binary = s.binary;
    match s.handle.take() {
        Some(h) => Ok((h, std::mem::take(&mut s.pending), binary)),
        None => Err(vm.runtime_error("file is in use by another thread")),
    }
}

fn put_handle(py: crate::gil::Gil<'_>, state: &ObjLock<FileState>, handle: File, pending: Vec<u8>) {
    let mut s = state.lock(py);
    s.handle = Some(handle);
    s.pending = pending;
}

/// Bytes read as text: UTF-8, with `\r\n` and `\r` turned into `\n` (universal newlines).
fn decode(vm: &Vm, bytes: Vec<u8>) -> PyResult<String> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(if s.contains('\r') {
            s.replace("\r\n", "\n").replace('\r', "\n")
        } else {
            s
        }),
        Err(e) => {
            let pos = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[pos];
            Err(vm.new_error(
                &types().unicode_decode_error,
                format!("'utf-8' codec can't decode byte 0x{byte:02x} in position {pos}: invalid start byte"),
            ))
        }
    }
}

fn make_result(vm: &mut Vm, bytes: Vec<u8>, binary: bool) -> PyResult<Value> {
    if binary {
        Ok(vm.new_bytes(bytes))
    } else {
        decode(vm, bytes).map(|s| vm.new_str(s))
    }
}

/// `read([size])`.
pub fn read(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "read", args, 1, 2)?;
    let limit = args
        .get(1)
        .and_then(as_small_int)
        .filter(|n| *n >= 0)
        .map(|n| n as usize);
    let state = state_of(vm, &args[0])?;
    let (mut handle, mut pending, binary) = take_handle(vm, state, true)?;
    let outcome = vm.py.allow_threads(BlockKind::Read, move || {
        let result = match limit {
            None => handle.read_to_end(&mut pending).map(|_| std::mem::take(&mut pending)),
            Some(n) => {
                // Text sizes count characters; read enough bytes for n UTF-8 characters.
                let mut chunk = vec![0u8; n.saturating_mul(if binary { 1 } else { 4 }).min(1 << 30)];
                let mut filled = pending.len().min(chunk.len());
                chunk[..filled].copy_from_slice(&pending[..filled]);
                pending.drain(..filled);
                let mut err = None;
                while filled < chunk.len() {
                    match handle.read(&mut chunk[filled..]) {
                        Ok(0) => break,
                        Ok(k) => filled += k,
                        Err(e) => {
                            err = Some(e);
                            break;
                        }
                    }
                }
                chunk.truncate(filled);
                match err {
                    Some(e) => Err(e),
                    None => Ok(chunk),
                }
            }
        };
        (handle, pending, result)
    });
    let (handle, mut pending, result) = outcome;
    let name = state.lock(vm.py).name.clone();
    let mut bytes = match result {
        Ok(b) => b,
        Err(e) => {
            put_handle(vm.py, state, handle, pending);
            return Err(os_error(vm, &e, Some(&name)));
        }
    };
    if let (Some(n), false) = (limit, binary) {
        // Keep whole characters: cut after the n-th character and push the rest back.
        let text_end = char_boundary_after(&bytes, n);
        let rest = bytes.split_off(text_end);
        let mut new_pending = rest;
        new_pending.extend_from_slice(&pending);
        pending = new_pending;
    }
    put_handle(vm.py, state, handle, pending);
    make_result(vm, bytes, binary)
}

/// `peek([size])` of a binary file: the bytes read ahead, without consuming them; when there
/// are none, one read of the file (of at least 8 KiB) fills them first. As CPython's
/// `BufferedReader.peek`, it may return fewer or more bytes than asked for; `b''` at the end.
pub fn peek(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "peek", args, 1, 2)?;
    let wanted = args.get(1).and_then(as_small_int).unwrap_or(0).clamp(0, 1 << 30) as usize;
    let state = state_of(vm, &args[0])?;
    let (mut handle, mut pending, binary) = take_handle(vm, state, true)?;
    let result = if pending.is_empty() {
        let (returned, pending_after, result) = vm.py.allow_threads(BlockKind::Read, move || {
            let mut chunk = vec![0u8; wanted.max(8192)];
            let result = handle.read(&mut chunk).map(|k| {
                chunk.truncate(k);
                pending = chunk;
            });
            (handle, pending, result)
        });
        handle = returned;
        pending = pending_after;
        result
    } else {
        Ok(())
    };
    let ahead = pending.clone();
    put_handle(vm.py, state, handle, pending);
    if let Err(e) = result {
        let name = state.lock(vm.py).name.clone();
        return Err(os_error(vm, &e, Some(&name)));
    }
    make_result(vm, ahead, binary)
}

/// Byte offset just after the `n`-th UTF-8 character (or the end).
fn char_boundary_after(bytes: &[u8], n: usize) -> usize {
    let mut count = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b & 0xC0 != 0x80 {
            if count == n {
                return i;
            }
            count += 1;
        }
    }
    bytes.len()
}

/// One line including its `\n`; empty at end of file.
fn read_line_bytes(vm: &mut Vm, file: &Value) -> PyResult<(Vec<u8>, bool)> {
    let state = state_of(vm, file)?;
    let (mut handle, mut pending, binary) = take_handle(vm, state, true)?;
    let (handle, pending, result) = vm.py.allow_threads(BlockKind::Read, move || {
        let mut buf = [0u8; 8192];
        let result = loop {
            if let Some(i) = pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = pending.drain(..=i).collect();
                break Ok(line);
            }
            match handle.read(&mut buf) {
                Ok(0) => break Ok(std::mem::take(&mut pending)),
                Ok(k) => pending.extend_from_slice(&buf[..k]),
                Err(e) => break Err(e),
            }
        };
        (handle, pending, result)
    });
    put_handle(vm.py, state, handle, pending);
    match result {
        Ok(line) => Ok((line, binary)),
        Err(e) => {
            let name = state.lock(vm.py).name.clone();
            Err(os_error(vm, &e, Some(&name)))
        }
    }
}

pub fn readline(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "readline", args, 1, 2)?;
    let (line, binary) = read_line_bytes(vm, &args[0])?;
    make_result(vm, line, binary)
}

pub fn readlines(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "readlines", args, 1, 2)?;
    let mut lines = Vec::new();
    loop {
        let (line, binary) = read_line_bytes(vm, &args[0])?;
        if line.is_empty() {
            break;
        }
        lines.push(make_result(vm, line, binary)?);
    }
    Ok(vm.new_list(lines))
}

pub fn write(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "write", args, 2, 2)?;
    let state = state_of(vm, &args[0])?;
    let binary = state.lock(vm.py).binary;
    let (bytes, count) = match (binary, args[1].payload()) {
        (false, Some(Payload::Str(s))) => (s.as_str().as_bytes().to_vec(), s.char_len()),
        (true, _) if crate::objects::buffer::is_bytes_like(&args[1]) => {
            let b = crate::objects::methods::bytes::bytes_arg(vm, &args[1])?.into_owned();
            let len = b.len();
            (b, len)
        }
        (false, _) => {
            return Err(vm.type_error(format!("write() argument must be str, not {}", vm.type_name(&args[1]))));
        }
        (true, _) => {
            return Err(vm.type_error(format!(
                "a bytes-like object is required, not '{}'",
                vm.type_name(&args[1])
            )));
        }
    };
    let (mut handle, pending, _) = take_handle(vm, state, false)?;
    let (handle, result) = vm.py.allow_threads(BlockKind::Write, move || {
        let result = handle.write_all(&bytes);
        (handle, result)
    });
    put_handle(vm.py, state, handle, pending);
    match result {
        Ok(()) => Ok(Value::Int(count as i64)),
        Err(e) => {
            let name = state.lock(vm.py).name.clone();
            Err(os_error(vm, &e, Some(&name)))
        }
    }
}

pub fn writelines(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "writelines", args, 2, 2)?;
    for line in vm.collect(&args[1])? {
        write(vm, &[args[0].clone_ref(vm.py), line], &[])?;
    }
    Ok(Value::None)
}

pub fn close(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "close", args, 1, 1)?;
    let state = state_of(vm, &args[0])?;
    let handle = {
        let mut s = state.lock(vm.py);
        s.closed = true;
        s.pending.clear();
        s.handle.take()
    };
    let closefd = state.lock(vm.py).closefd;
    match handle {
        Some(handle) if !closefd => drop(std::os::fd::IntoRawFd::into_raw_fd(handle)),
        Some(handle) => vm.py.allow_threads(BlockKind::FileOther, move || drop(handle)),
        None => {}
    }
    Ok(Value::None)
}

/// `f.fileno()`: the descriptor under a file or a standard stream.
pub fn fileno(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "fileno", args, 1, 1)?;
    if let Some(Payload::Stream(stream)) = args[0].payload() {
        return Ok(Value::Int(match stream {
            crate::objects::Stream::Stdin => 0,
            crate::objects::Stream::Stdout => 1,
            crate::objects::Stream::Stderr => 2,
        }));
    }
    match raw_fd(vm, &args[0])? {
        Some(fd) => Ok(Value::Int(i64::from(fd))),
        None => Err(vm.value_error("I/O operation on closed file")),
    }
}

/// The descriptor and (readable, writable) of a standard stream or an open file.
fn fd_and_access(vm: &Vm, name: &str, file: &Value) -> PyResult<(i32, bool, bool)> {
    if let Some(Payload::Stream(stream)) = file.payload() {
        return Ok(match stream {
            crate::objects::Stream::Stdin => (0, true, false),
            crate::objects::Stream::Stdout => (1, false, true),
            crate::objects::Stream::Stderr => (2, false, true),
        });
    }
    let state = state_of(vm, file)?.lock(vm.py);
    if state.closed {
        return Err(vm.value_error("I/O operation on closed file"));
    }
    let fd = state.handle.as_ref().map(std::os::fd::AsRawFd::as_raw_fd);
    let fd = fd.ok_or_else(|| vm.value_error(format!("{name}: the file is in use by another thread")))?;
    Ok((fd, state.readable, state.writable))
}

pub fn isatty(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "isatty", args, 1, 1)?;
    let (fd, ..) = fd_and_access(vm, "isatty", &args[0])?;
    Ok(Value::Bool(super::os_fd::sys::isatty(fd)))
}

pub fn seekable(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "seekable", args, 1, 1)?;
    let (fd, ..) = fd_and_access(vm, "seekable", &args[0])?;
    Ok(Value::Bool(super::os_fd::sys::seekable(fd)))
}

pub fn readable(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "readable", args, 1, 1)?;
    let (_, readable, _) = fd_and_access(vm, "readable", &args[0])?;
    Ok(Value::Bool(readable))
}

pub fn writable(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "writable", args, 1, 1)?;
    let (_, _, writable) = fd_and_access(vm, "writable", &args[0])?;
    Ok(Value::Bool(writable))
}

/// The descriptor of an open file object (`None` once closed or while another thread uses it).
pub fn raw_fd(vm: &Vm, file: &Value) -> PyResult<Option<i32>> {
    let state = state_of(vm, file)?.lock(vm.py);
    Ok(state.handle.as_ref().map(std::os::fd::AsRawFd::as_raw_fd))
}

pub fn flush(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "flush", args, 1, 1)?;
    if state_of(vm, &args[0])?.lock(vm.py).closed {
        return Err(vm.value_error("I/O operation on closed file."));
    }
    Ok(Value::None)
}

pub fn seek(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "seek", args, 2, 3)?;
    let offset = as_small_int(&args[1]).unwrap_or(0);
    let whence = args.get(2).and_then(as_small_int).unwrap_or(0);
    let target = match whence {
        0 => SeekFrom::Start(offset.max(0) as u64),
        1 => SeekFrom::Current(offset),
        _ => SeekFrom::End(offset),
    };
    let state = state_of(vm, &args[0])?;
    // Read before `take_handle` locks the state again: a guard held across it would re-enter.
    let readable = state.lock(vm.py).readable;
    let (mut handle, pending, _) = take_handle(vm, state, readable)?;
    // Buffered look-ahead bytes were read from the OS but not consumed: step back over them.
    let unread = pending.len() as i64;
    let (handle, result) = vm.py.allow_threads(BlockKind::FileOther, move || {
        let result = match target {
            SeekFrom::Current(d) => handle.seek(SeekFrom::Current(d - unread)),
            other => handle.seek(other),
        };
        (handle, result)
    });
    put_handle(vm.py, state, handle, Vec::new());
    match result {
        Ok(pos) => Ok(Value::Int(pos as i64)),
        Err(e) => Err(os_error(vm, &e, None)),
    }
}

pub fn tell(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "tell", args, 1, 1)?;
    let state = state_of(vm, &args[0])?;
    // Read before `take_handle` locks the state again: a guard held across it would re-enter.
    let readable = state.lock(vm.py).readable;
    let (mut handle, pending, _) = take_handle(vm, state, readable)?;
    let result = handle.stream_position();
    let unread = pending.len() as u64;
    put_handle(vm.py, state, handle, pending);
    match result {
        Ok(pos) => Ok(Value::Int(pos.saturating_sub(unread) as i64)),
        Err(e) => Err(os_error(vm, &e, None)),
    }
}

pub fn enter(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "__enter__", args, 1, 1)?;
    if state_of(vm, &args[0])?.lock(vm.py).closed {
        return Err(vm.value_error("I/O operation on closed file."));
    }
    Ok(args[0].clone_ref(vm.py))
}

pub fn exit(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    close(vm, &args[..1.min(args.len())], &[])?;
    Ok(Value::Bool(false))
}

pub fn iter(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "__iter__", args, 1, 1)?;
    if state_of(vm, &args[0])?.lock(vm.py).closed {
        return Err(vm.value_error("I/O operation on closed file."));
    }
    Ok(args[0].clone_ref(vm.py))
}

pub fn next(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "__next__", args, 1, 1)?;
    let (line, binary) = read_line_bytes(vm, &args[0])?;
    if line.is_empty() {
        return Err(vm.new_error_with_args(&types().stop_iteration, Vec::new()));
    }
    make_result(vm, line, binary)
}
