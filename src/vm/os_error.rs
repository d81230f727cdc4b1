//! `OSError` as CPython builds it: `OSError(errno, strerror[, filename[, winerror[, filename2]]])`
//! keeps only `(errno, strerror)` as `args`, sets `errno`, `strerror`, `filename` and
//! `filename2`, picks the subclass the errno names (`OSError(2, 'x')` is a
//! `FileNotFoundError`), and prints as `[Errno 2] x: 'name'`.

use crate::objects::types::{intern, types};
use crate::objects::{ObjRef, Value};

use super::{PyErr, PyResult, Vm, is_subclass};

/// The `OSError` subclass CPython raises for `errno`.
pub fn class_for_errno(errno: i32) -> &'static ObjRef {
    let t = types();
    match errno {
        libc::EPERM | libc::EACCES => &t.permission_error,
        libc::ENOENT => &t.file_not_found_error,
        libc::EEXIST => &t.file_exists_error,
        libc::EISDIR => &t.is_a_directory_error,
        libc::ENOTDIR => &t.not_a_directory_error,
        libc::EINTR => &t.interrupted_error,
        libc::EAGAIN | libc::EALREADY | libc::EINPROGRESS => &t.blocking_io_error,
        libc::ECHILD => &t.child_process_error,
        libc::ESRCH => &t.process_lookup_error,
        libc::EPIPE | libc::ESHUTDOWN => &t.broken_pipe_error,
        libc::ECONNABORTED => &t.connection_aborted_error,
        libc::ECONNREFUSED => &t.connection_refused_error,
        libc::ECONNRESET => &t.connection_reset_error,
        libc::ETIMEDOUT => &t.timeout_error,
        _ => &t.os_error,
    }
}

/// The C library's text for `errno` (`No such file or directory`).
pub fn strerror(errno: i32) -> String {
    let text = std::io::Error::from_raw_os_error(errno).to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// The error an OS call failing with `errno` raises, naming `filename` (and `filename2`).
pub fn new_os_error(vm: &mut Vm, errno: i32, filename: Option<Value>, filename2: Option<Value>) -> PyErr {
    let mut args = vec![Value::Int(i64::from(errno)), vm.new_str(strerror(errno))];
    if filename.is_some() || filename2.is_some() {
        args.push(filename.unwrap_or(Value::None));
    }
    if let Some(second) = filename2 {
        args.extend([Value::None, second]);
    }
    let class = class_for_errno(errno);
    PyErr {
        exc: match alloc(vm, class, &args) {
            Value::Obj(exc) => exc,
            _ => vm.new_exception_instance(class, Vec::new()),
        },
    }
}

/// A new instance of `class` (an `OSError` subclass) from its constructor's arguments.
pub fn alloc(vm: &mut Vm, class: &ObjRef, args: &[Value]) -> Value {
    let py = vm.py;
    let class = match args.first() {
        Some(Value::Int(errno)) if has_fields(args) && class.is(&types().os_error) => {
            class_for_errno(i32::try_from(*errno).unwrap_or(0))
        }
        _ => class,
    };
    let kept = kept_args(args).iter().map(|a| a.clone_ref(py)).collect();
    let exc = Value::Obj(vm.new_exception_instance(class, kept));
    set_fields(vm, &exc, args);
    exc
}

/// Whether the arguments are `(errno, strerror[, filename[, winerror[, filename2]]])`.
fn has_fields(args: &[Value]) -> bool {
    (2..=5).contains(&args.len())
}

/// What `args` keeps of the constructor's arguments: the filenames are left out.
pub fn kept_args(args: &[Value]) -> &[Value] {
    if has_fields(args) { &args[..2] } else { args }
}

/// Set `errno`, `strerror`, `filename` and `filename2` of `exc` from its constructor's
/// arguments.
pub fn set_fields(vm: &mut Vm, exc: &Value, args: &[Value]) {
    let py = vm.py;
    let fields = has_fields(args);
    let field = |i: usize| {
        fields
            .then(|| args.get(i))
            .flatten()
            .map_or(Value::None, |v| v.clone_ref(py))
    };
    for (name, value) in [
        ("errno", field(0)),
        ("strerror", field(1)),
        ("filename", field(2)),
        ("filename2", field(4)),
    ] {
        // A fresh exception's dict takes any attribute.
        let _ = vm.set_attr(exc, &intern(name), value);
    }
}

/// `str()` of an `OSError` with an errno and a strerror; `None` for one built otherwise.
pub fn os_error_str(vm: &mut Vm, exc: &Value) -> PyResult<Option<String>> {
    if !is_subclass(vm.type_of(exc), &types().os_error) {
        return Ok(None);
    }
    let get = |vm: &mut Vm, name: &str| vm.get_attr_opt(exc, &intern(name)).map(|v| v.filter(|v| !v.is_none()));
    let (Some(errno), Some(strerror)) = (get(vm, "errno")?, get(vm, "strerror")?) else {
        return Ok(None);
    };
    let mut text = format!("[Errno {}] {}", vm.str(&errno)?, vm.str(&strerror)?);
    if let Some(filename) = get(vm, "filename")? {
        text.push_str(&format!(": {}", vm.repr(&filename)?));
        if let Some(filename2) = get(vm, "filename2")? {
            text.push_str(&format!(" -> {}", vm.repr(&filename2)?));
        }
    }
    Ok(Some(text))
}
