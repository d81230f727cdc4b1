//! The file-system half of `os`: `stat`/`lstat`/`fstat`, `chdir`, `chmod`, `utime`, links,
//! `access`, the process's user and `umask`, `uname`, the terminal's size, and `putenv` /
//! `unsetenv`. What is easier said in Python (`walk`, `scandir`'s entries, `os.environ`,
//! `fspath`, the rest of `os.path`) is in `py/_os_helpers.py`, which `os` copies in.
//!
//! Every call that touches the file system runs detached (`BlockKind::FileSystem`): a slow
//! disk or network mount must not hold up the other threads.

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::sync::Mutex;

use crate::gil::BlockKind;
use crate::objects::types::intern;
use crate::objects::{NativeFn, ObjRef, Value};
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::os::{errno_error, os_error, path_arg};
use super::structseq::StructSeq;

pub const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("stat", stat),
    ("lstat", lstat),
    ("fstat", fstat),
    ("chdir", chdir),
    ("chmod", chmod),
    ("utime", utime),
    ("symlink", symlink),
    ("readlink", readlink),
    ("link", link),
    ("replace", replace),
    ("access", access),
    ("getuid", getuid),
    ("geteuid", geteuid),
    ("getgid", getgid),
    ("getegid", getegid),
    ("getlogin", getlogin),
    ("umask", umask),
    ("uname", uname),
    ("get_terminal_size", get_terminal_size),
    ("putenv", putenv),
    ("unsetenv", unsetenv),
    ("statvfs", statvfs),
    ("confstr", confstr),
    ("_scandir_entries", scandir_entries),
];

pub const CONSTANTS: &[(&str, i32)] = &[
    ("F_OK", libc::F_OK),
    ("R_OK", libc::R_OK),
    ("W_OK", libc::W_OK),
    ("X_OK", libc::X_OK),
];

/// The ten fields of the tuple; the float times, nanoseconds and block counts are attributes.
static STAT_RESULT: StructSeq = StructSeq::new(
    "os",
    "stat_result",
    &[
        "st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime", "st_ctime",
    ],
);

static UNAME_RESULT: StructSeq = StructSeq::new(
    "posix",
    "uname_result",
    &["sysname", "nodename", "release", "version", "machine"],
);

static STATVFS_RESULT: StructSeq = StructSeq::new(
    "os",
    "statvfs_result",
    &[
        "f_bsize",
        "f_frsize",
        "f_blocks",
        "f_bfree",
        "f_bavail",
        "f_files",
        "f_ffree",
        "f_favail",
        "f_flag",
        "f_namemax",
    ],
);

static TERMINAL_SIZE: StructSeq = StructSeq::new("os", "terminal_size", &["columns", "lines"]);

const PATH_LIKE: &str = "string, bytes or os.PathLike";

/// Runs a file-system call detached, turning its error into CPython's `OSError` naming `names`.
fn detached<T: Send>(vm: &mut Vm, names: &[&str], call: impl FnOnce() -> std::io::Result<T> + Send) -> PyResult<T> {
    vm.py
        .allow_threads(BlockKind::FileSystem, call)
        .map_err(|e| os_error(vm, &e, names))
}

/// The positional-or-keyword argument `name` at `index`, if given.
fn arg<'a>(args: &'a [Value], kwargs: &'a [(ObjRef, Value)], index: usize, name: &str) -> Option<&'a Value> {
    args.get(index).or_else(|| kwarg(kwargs, name))
}

/// A required path argument `name` at `index`.
fn required_path(
    vm: &mut Vm,
    func: &str,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    (index, name): (usize, &str),
) -> PyResult<String> {
    let Some(value) = arg(args, kwargs, index, name) else {
        return Err(vm.type_error(format!(
            "{func}() missing required argument '{name}' (pos {})",
            index + 1
        )));
    };
    path_arg(vm, value, func, PATH_LIKE)
}

fn int_arg(vm: &Vm, v: &Value) -> PyResult<i64> {
    as_small_int(v).ok_or_else(|| {
        vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        ))
    })
}

fn flag_arg(vm: &mut Vm, v: Option<&Value>, default: bool) -> PyResult<bool> {
    match v {
        Some(v) => vm.is_true(v),
        None => Ok(default),
    }
}

// ----- stat -----------------------------------------------------------------------------------

/// An `os.stat_result` from a file's metadata.
fn stat_result(vm: &mut Vm, m: &std::fs::Metadata) -> Value {
    let unsigned = |n: u64| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let items = vec![
        Value::Int(i64::from(m.mode())),
        unsigned(m.ino()),
        unsigned(m.dev()),
        unsigned(m.nlink()),
        Value::Int(i64::from(m.uid())),
        Value::Int(i64::from(m.gid())),
        unsigned(m.size()),
        Value::Int(m.atime()),
        Value::Int(m.mtime()),
        Value::Int(m.ctime()),
    ];
    let instance = STAT_RESULT.make(vm, items);
    let times = [
        ("atime", m.atime(), m.atime_nsec()),
        ("mtime", m.mtime(), m.mtime_nsec()),
        ("ctime", m.ctime(), m.ctime_nsec()),
    ];
    let mut attributes = Vec::new();
    for (which, seconds, nanos) in times {
        attributes.push((
            format!("st_{which}"),
            Value::Float(seconds as f64 + nanos as f64 * 1e-9),
        ));
        let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
        let total = vm.new_int(total.into());
        attributes.push((format!("st_{which}_ns"), total));
    }
    attributes.push(("st_blksize".to_string(), unsigned(m.blksize())));
    attributes.push(("st_blocks".to_string(), unsigned(m.blocks())));
    attributes.push(("st_rdev".to_string(), unsigned(m.rdev())));
    for (name, value) in attributes {
        // Setting an attribute of a fresh instance of this class cannot fail.
        let _ = vm.set_attr(&instance, &intern(&name), value);
    }
    instance
}

fn stat_path(vm: &mut Vm, func: &str, args: &[Value], kwargs: &[(ObjRef, Value)], follow: bool) -> PyResult<Value> {
    only_kwargs(vm, func, kwargs, &["path", "dir_fd", "follow_symlinks"])?;
    check_arity(vm, func, args, 0, 1)?;
    // `stat` also takes a descriptor; `lstat` only paths.
    let Some(path) = arg(args, kwargs, 0, "path") else {
        return Err(vm.type_error(format!("{func}() missing required argument 'path' (pos 1)")));
    };
    if follow && let Some(fd) = as_small_int(path) {
        return stat_fd(vm, fd);
    }
    let accepted = if follow {
        "string, bytes, os.PathLike or integer"
    } else {
        PATH_LIKE
    };
    let path = path_arg(vm, path, func, accepted)?;
    let follow = follow && flag_arg(vm, kwarg(kwargs, "follow_symlinks"), true)?;
    let name = path.clone();
    let metadata = detached(vm, &[&name], move || {
        if follow {
            std::fs::metadata(path)
        } else {
            std::fs::symlink_metadata(path)
        }
    })?;
    Ok(stat_result(vm, &metadata))
}

fn stat(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    stat_path(vm, "stat", args, kwargs, true)
}

fn lstat(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    stat_path(vm, "lstat", args, kwargs, false)
}

/// The metadata of an open descriptor, read through `/proc/self/fd` so no `File` (which would
/// close it when dropped) is made over a descriptor toy does not own.
fn stat_fd(vm: &mut Vm, fd: i64) -> PyResult<Value> {
    let metadata = vm.py.allow_threads(BlockKind::FileSystem, move || {
        std::fs::metadata(format!("/proc/self/fd/{fd}"))
    });
    match metadata {
        Ok(m) => Ok(stat_result(vm, &m)),
        Err(_) => Err(errno_error(vm, libc::EBADF, None)),
    }
}

fn fstat(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "fstat", kwargs, &["fd"])?;
    check_arity(vm, "fstat", args, 0, 1)?;
    let Some(fd) = arg(args, kwargs, 0, "fd") else {
        return Err(vm.type_error("fstat() missing required argument 'fd' (pos 1)"));
    };
    let fd = int_arg(vm, fd)?;
    if fd < 0 {
        return Err(errno_error(vm, libc::EBADF, None));
    }
    stat_fd(vm, fd)
}

/// `scandir`'s raw material: `(name, kind, inode)` for each entry, where kind is `"dir"`,
/// `"file"`, `"symlink"` or `"other"` as the directory itself reports it (no `stat` per entry).
fn scandir_entries(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "scandir", kwargs)?;
    check_arity(vm, "scandir", args, 1, 1)?;
    let path = path_arg(vm, &args[0], "scandir", "string, bytes, os.PathLike, integer or None")?;
    let name = path.clone();
    let entries = detached(vm, &[&name], move || {
        let mut entries = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let kind = match entry.file_type()? {
                t if t.is_symlink() => "symlink",
                t if t.is_dir() => "dir",
                t if t.is_file() => "file",
                _ => "other",
            };
            let inode = std::os::unix::fs::DirEntryExt::ino(&entry);
            entries.push((entry.file_name().to_string_lossy().into_owned(), kind, inode));
        }
        Ok(entries)
    })?;
    let items = entries
        .into_iter()
        .map(|(name, kind, inode)| {
            let parts = vec![
                vm.new_str(name),
                Value::Obj(intern(kind)),
                Value::Int(i64::try_from(inode).unwrap_or(i64::MAX)),
            ];
            vm.new_tuple(parts)
        })
        .collect();
    Ok(vm.new_list(items))
}

fn statvfs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "statvfs", kwargs, &["path"])?;
    check_arity(vm, "statvfs", args, 0, 1)?;
    let path = required_path(vm, "statvfs", args, kwargs, (0, "path"))?;
    let name = path.clone();
    let fields = detached(vm, &[&name], move || sys::statvfs(&path))?;
    let items = fields
        .into_iter()
        .map(|n| Value::Int(i64::try_from(n).unwrap_or(i64::MAX)))
        .collect();
    Ok(STATVFS_RESULT.make(vm, items))
}

// ----- changing files -------------------------------------------------------------------------

fn chdir(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "chdir", kwargs, &["path"])?;
    check_arity(vm, "chdir", args, 0, 1)?;
    let path = required_path(vm, "chdir", args, kwargs, (0, "path"))?;
    let name = path.clone();
    detached(vm, &[&name], move || std::env::set_current_dir(path))?;
    Ok(Value::None)
}

fn chmod(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "chmod", kwargs, &["path", "mode", "dir_fd", "follow_symlinks"])?;
    check_arity(vm, "chmod", args, 0, 2)?;
    let path = required_path(vm, "chmod", args, kwargs, (0, "path"))?;
    let Some(mode) = arg(args, kwargs, 1, "mode") else {
        return Err(vm.type_error("chmod() missing required argument 'mode' (pos 2)"));
    };
    let mode = int_arg(vm, mode)?;
    let mode = u32::try_from(mode).map_err(|_| vm.overflow_error("mode is out of range"))?;
    if !flag_arg(vm, kwarg(kwargs, "follow_symlinks"), true)? {
        let message = "chmod: follow_symlinks unavailable on this platform";
        return Err(vm.new_error(&crate::objects::types::types().not_implemented_error, message));
    }
    let name = path.clone();
    detached(vm, &[&name], move || {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    })?;
    Ok(Value::None)
}

/// A time for `utime`'s `times` tuple: seconds as an int or float.
fn seconds_to_timespec(vm: &Vm, v: &Value) -> PyResult<libc::timespec> {
    let seconds = match v {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        _ => {
            return Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            )));
        }
    };
    let whole = seconds.floor();
    Ok(libc::timespec {
        tv_sec: whole as libc::time_t,
        tv_nsec: ((seconds - whole) * 1e9) as libc::c_long,
    })
}

/// A time for `utime`'s `ns` tuple: whole nanoseconds.
fn nanos_to_timespec(vm: &Vm, v: &Value) -> PyResult<libc::timespec> {
    let nanos = int_arg(vm, v)?;
    Ok(libc::timespec {
        tv_sec: nanos.div_euclid(1_000_000_000) as libc::time_t,
        tv_nsec: nanos.rem_euclid(1_000_000_000) as libc::c_long,
    })
}

/// The two items of `utime`'s `times` or `ns` tuple, converted by `convert`.
fn time_pair(
    vm: &mut Vm,
    v: &Value,
    message: &str,
    convert: fn(&Vm, &Value) -> PyResult<libc::timespec>,
) -> PyResult<[libc::timespec; 2]> {
    let items = match v.payload() {
        Some(crate::objects::Payload::Tuple(items)) if items.len() == 2 => {
            [items[0].clone_ref(vm.py), items[1].clone_ref(vm.py)]
        }
        _ => return Err(vm.type_error(message.to_string())),
    };
    Ok([convert(vm, &items[0])?, convert(vm, &items[1])?])
}

fn utime(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(
        vm,
        "utime",
        kwargs,
        &["path", "times", "ns", "dir_fd", "follow_symlinks"],
    )?;
    check_arity(vm, "utime", args, 0, 2)?;
    let path = required_path(vm, "utime", args, kwargs, (0, "path"))?;
    let times = arg(args, kwargs, 1, "times").filter(|t| !matches!(t, Value::None));
    let ns = kwarg(kwargs, "ns");
    let follow = flag_arg(vm, kwarg(kwargs, "follow_symlinks"), true)?;
    let stamps = match (times, ns) {
        (Some(_), Some(_)) => {
            return Err(vm.value_error("utime: you may specify either 'times' or 'ns' but not both"));
        }
        (Some(t), None) => Some(time_pair(
            vm,
            t,
            "utime: 'times' must be either a tuple of two ints or None",
            seconds_to_timespec,
        )?),
        (None, Some(n)) => Some(time_pair(
            vm,
            n,
            "utime: 'ns' must be a tuple of two ints",
            nanos_to_timespec,
        )?),
        (None, None) => None,
    };
    // CPython names no file in utime's errors.
    detached(vm, &[], move || sys::utimensat(&path, stamps, follow))?;
    Ok(Value::None)
}

/// The two paths of a call that makes or moves a link (`src`, `dst`).
fn two_paths(
    vm: &mut Vm,
    func: &str,
    args: &[Value],
    kwargs: &[(ObjRef, Value)],
    extra: &[&str],
) -> PyResult<(String, String)> {
    let mut allowed = vec!["src", "dst"];
    allowed.extend_from_slice(extra);
    only_kwargs(vm, func, kwargs, &allowed)?;
    check_arity(vm, func, args, 0, 2 + usize::from(func == "symlink"))?;
    let src = required_path(vm, func, args, kwargs, (0, "src"))?;
    let dst = required_path(vm, func, args, kwargs, (1, "dst"))?;
    Ok((src, dst))
}

fn symlink(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (src, dst) = two_paths(vm, "symlink", args, kwargs, &["target_is_directory", "dir_fd"])?;
    let (s, d) = (src.clone(), dst.clone());
    detached(vm, &[&src, &dst], move || std::os::unix::fs::symlink(s, d))?;
    Ok(Value::None)
}

fn link(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let extra = ["src_dir_fd", "dst_dir_fd", "follow_symlinks"];
    let (src, dst) = two_paths(vm, "link", args, kwargs, &extra)?;
    let (s, d) = (src.clone(), dst.clone());
    detached(vm, &[&src, &dst], move || std::fs::hard_link(s, d))?;
    Ok(Value::None)
}

fn replace(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let (src, dst) = two_paths(vm, "replace", args, kwargs, &["src_dir_fd", "dst_dir_fd"])?;
    let (s, d) = (src.clone(), dst.clone());
    detached(vm, &[&src, &dst], move || std::fs::rename(s, d))?;
    Ok(Value::None)
}

fn readlink(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "readlink", kwargs, &["path", "dir_fd"])?;
    check_arity(vm, "readlink", args, 0, 1)?;
    let path = required_path(vm, "readlink", args, kwargs, (0, "path"))?;
    let name = path.clone();
    let target = detached(vm, &[&name], move || std::fs::read_link(path))?;
    Ok(vm.new_str(target.to_string_lossy()))
}

fn access(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let allowed = ["path", "mode", "dir_fd", "effective_ids", "follow_symlinks"];
    only_kwargs(vm, "access", kwargs, &allowed)?;
    check_arity(vm, "access", args, 0, 2)?;
    let path = required_path(vm, "access", args, kwargs, (0, "path"))?;
    let Some(mode) = arg(args, kwargs, 1, "mode") else {
        return Err(vm.type_error("access() missing required argument 'mode' (pos 2)"));
    };
    let mode = i32::try_from(int_arg(vm, mode)?).map_err(|_| vm.overflow_error("mode is out of range"))?;
    let allowed = vm
        .py
        .allow_threads(BlockKind::FileSystem, move || sys::access(&path, mode));
    Ok(Value::Bool(allowed))
}

// ----- the process ----------------------------------------------------------------------------

fn no_arguments(vm: &Vm, func: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<()> {
    no_kwargs(vm, func, kwargs)?;
    check_arity(vm, func, args, 0, 0)
}

fn getuid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_arguments(vm, "getuid", args, kwargs)?;
    Ok(Value::Int(i64::from(sys::ids().uid)))
}

fn geteuid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_arguments(vm, "geteuid", args, kwargs)?;
    Ok(Value::Int(i64::from(sys::ids().euid)))
}

fn getgid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_arguments(vm, "getgid", args, kwargs)?;
    Ok(Value::Int(i64::from(sys::ids().gid)))
}

fn getegid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_arguments(vm, "getegid", args, kwargs)?;
    Ok(Value::Int(i64::from(sys::ids().egid)))
}

fn getlogin(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_arguments(vm, "getlogin", args, kwargs)?;
    match sys::getlogin() {
        Ok(name) => Ok(vm.new_str(name)),
        Err(errno) => Err(errno_error(vm, errno, None)),
    }
}

fn umask(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "umask", kwargs, &["mask"])?;
    check_arity(vm, "umask", args, 0, 1)?;
    let Some(mask) = arg(args, kwargs, 0, "mask") else {
        return Err(vm.type_error("umask() missing required argument 'mask' (pos 1)"));
    };
    let mask = int_arg(vm, mask)?;
    let mask = u32::try_from(mask).map_err(|_| vm.overflow_error("mask is out of range"))?;
    Ok(Value::Int(i64::from(sys::umask(mask))))
}

fn uname(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_arguments(vm, "uname", args, kwargs)?;
    let fields = sys::uname().map_err(|errno| errno_error(vm, errno, None))?;
    let items = fields.into_iter().map(|f| vm.new_str(f)).collect();
    Ok(UNAME_RESULT.make(vm, items))
}

fn get_terminal_size(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "get_terminal_size", kwargs)?;
    check_arity(vm, "get_terminal_size", args, 0, 1)?;
    let fd = match args.first() {
        Some(v) => i32::try_from(int_arg(vm, v)?).map_err(|_| vm.overflow_error("fd is out of range"))?,
        None => 1,
    };
    let (columns, lines) = sys::terminal_size(fd).map_err(|errno| errno_error(vm, errno, None))?;
    Ok(TERMINAL_SIZE.make(vm, vec![Value::Int(i64::from(columns)), Value::Int(i64::from(lines))]))
}

fn terminal_size_class(vm: &mut Vm) -> Value {
    Value::Obj(crate::objects::types::clone_immortal(TERMINAL_SIZE.class(vm)))
}

fn stat_result_class(vm: &mut Vm) -> Value {
    Value::Obj(crate::objects::types::clone_immortal(STAT_RESULT.class(vm)))
}

/// The names `confstr` knows, with the C library's numbers (published as `os.confstr_names`).
pub const CONFSTR_NAMES: &[(&str, i32)] = &[
    ("CS_PATH", libc::_CS_PATH),
    ("CS_GNU_LIBC_VERSION", libc::_CS_GNU_LIBC_VERSION),
    ("CS_GNU_LIBPTHREAD_VERSION", libc::_CS_GNU_LIBPTHREAD_VERSION),
];

fn confstr(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "confstr", kwargs)?;
    check_arity(vm, "confstr", args, 1, 1)?;
    let number = match (&args[0], args[0].as_str()) {
        (_, Some(name)) => CONFSTR_NAMES.iter().find(|(n, _)| *n == name).map(|&(_, v)| v),
        (v, None) => Some(i32::try_from(int_arg(vm, v)?).map_err(|_| vm.overflow_error("name out of range"))?),
    };
    let Some(number) = number else {
        return Err(vm.value_error("unrecognized configuration name"));
    };
    match sys::confstr(number) {
        Ok(Some(text)) => Ok(vm.new_str(text)),
        Ok(None) => Ok(Value::None),
        Err(errno) => Err(errno_error(vm, errno, None)),
    }
}

// ----- the environment of child processes -----------------------------------------------------

/// Variables `putenv` set (`Some`) or `unsetenv` removed (`None`) since the start. Toy does not
/// change its own C environment (other threads may be reading it, in the C library); the
/// processes it starts get these changes on top of the environment it was started with.
static ENVIRONMENT_CHANGES: Mutex<BTreeMap<String, Option<String>>> = Mutex::new(BTreeMap::new());

/// Applies `putenv` / `unsetenv` to a child about to be started.
pub fn apply_environment_changes(command: &mut std::process::Command) {
    for (name, value) in crate::gil::fork::locked(&ENVIRONMENT_CHANGES).iter() {
        match value {
            Some(value) => command.env(name, value),
            None => command.env_remove(name),
        };
    }
}

/// An environment variable's name or value (`putenv`'s checks).
fn env_text(vm: &Vm, v: &Value, is_name: bool) -> PyResult<String> {
    let Some(text) = v.as_str() else {
        return Err(vm.type_error(format!("str expected, not {}", vm.type_name(v))));
    };
    if text.contains('\0') {
        return Err(vm.value_error("embedded null byte"));
    }
    if is_name && (text.is_empty() || text.contains('=')) {
        return Err(vm.value_error("illegal environment variable name"));
    }
    Ok(text.to_string())
}

fn putenv(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "putenv", kwargs)?;
    check_arity(vm, "putenv", args, 2, 2)?;
    let name = env_text(vm, &args[0], true)?;
    let value = env_text(vm, &args[1], false)?;
    crate::gil::fork::locked(&ENVIRONMENT_CHANGES).insert(name, Some(value));
    Ok(Value::None)
}

fn unsetenv(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "unsetenv", kwargs)?;
    check_arity(vm, "unsetenv", args, 1, 1)?;
    let name = env_text(vm, &args[0], true)?;
    crate::gil::fork::locked(&ENVIRONMENT_CHANGES).insert(name, None);
    Ok(Value::None)
}

/// The C library calls std has no safe wrapper for.
mod sys {
    use std::ffi::{CStr, CString};

    pub type Errno = i32;

    fn last_errno() -> Errno {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
    }

    pub struct Ids {
        pub uid: u32,
        pub euid: u32,
        pub gid: u32,
        pub egid: u32,
    }

    pub fn ids() -> Ids {
        // SAFETY: these calls take no arguments, touch no memory and cannot fail.
        unsafe {
            Ids {
                uid: libc::getuid(),
                euid: libc::geteuid(),
                gid: libc::getgid(),
                egid: libc::getegid(),
            }
        }
    }

    pub fn umask(mask: u32) -> u32 {
        // SAFETY: `umask` only swaps the process's mask; it touches no memory and cannot fail.
        unsafe { libc::umask(mask as libc::mode_t) as u32 }
    }

    pub fn access(path: &str, mode: i32) -> bool {
        let Ok(path) = CString::new(path) else {
            return false;
        };
        // SAFETY: `path` is a NUL-terminated string alive for the call, which only reads it.
        unsafe { libc::access(path.as_ptr(), mode) == 0 }
    }

    /// `utimensat` relative to the current directory; `None` sets both times to now.
    pub fn utimensat(path: &str, times: Option<[libc::timespec; 2]>, follow: bool) -> std::io::Result<()> {
        let path = CString::new(path).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
        let flags = if follow { 0 } else { libc::AT_SYMLINK_NOFOLLOW };
        let times_ptr = times.as_ref().map_or(std::ptr::null(), |t| t.as_ptr());
        // SAFETY: `path` is NUL-terminated and `times_ptr` is null or points to two timespecs,
        // both alive for the call, which only reads them.
        let result = unsafe { libc::utimensat(libc::AT_FDCWD, path.as_ptr(), times_ptr, flags) };
        if result == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }

    // SAFETY: the signature is POSIX's `int getlogin_r(char *buf, size_t bufsize)`, so the
    // declaration matches the C library's; each call is still wrapped in its own `unsafe`.
    unsafe extern "C" {
        // In every POSIX C library, but not declared by the `libc` crate for Linux.
        fn getlogin_r(name: *mut libc::c_char, size: libc::size_t) -> libc::c_int;
    }

    /// The ten numbers of `os.statvfs_result`, in its order.
    // The fields are 32-bit on some targets; on 64-bit Linux the conversions change nothing.
    #[allow(clippy::useless_conversion)]
    pub fn statvfs(path: &str) -> std::io::Result<[u64; 10]> {
        let path = CString::new(path).map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
        // SAFETY: `statvfs` is plain integers, for which all zeroes is valid.
        let mut info: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: `path` is NUL-terminated and alive for the call; `info` is where it writes.
        if unsafe { libc::statvfs(path.as_ptr(), &mut info) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok([
            u64::from(info.f_bsize),
            u64::from(info.f_frsize),
            u64::from(info.f_blocks),
            u64::from(info.f_bfree),
            u64::from(info.f_bavail),
            u64::from(info.f_files),
            u64::from(info.f_ffree),
            u64::from(info.f_favail),
            u64::from(info.f_flag),
            u64::from(info.f_namemax),
        ])
    }

    /// A configuration string; `None` when the name is known but has no value.
    pub fn confstr(name: i32) -> Result<Option<String>, Errno> {
        let mut buffer = vec![0 as libc::c_char; 256];
        loop {
            // Errors are told apart from "no value" by errno alone.
            // SAFETY: `__errno_location` returns this thread's errno, valid to write.
            unsafe { *libc::__errno_location() = 0 };
            // SAFETY: the pointer and length describe `buffer`, which the call fills (cut short
            // and NUL-terminated if too small); it returns the length the whole value needs.
            let needed = unsafe { libc::confstr(name, buffer.as_mut_ptr(), buffer.len()) };
            if needed == 0 {
                let errno = last_errno_or_zero();
                return if errno == 0 { Ok(None) } else { Err(errno) };
            }
            if needed <= buffer.len() {
                let bytes: Vec<u8> = buffer.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
                return Ok(Some(String::from_utf8_lossy(&bytes).into_owned()));
            }
            buffer.resize(needed, 0);
        }
    }

    fn last_errno_or_zero() -> Errno {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
    }

    pub fn getlogin() -> Result<String, Errno> {
        let mut buffer = [0 as libc::c_char; 256];
        // SAFETY: the pointer and length describe `buffer`, which the call fills with a
        // NUL-terminated name on success.
        let result = unsafe { getlogin_r(buffer.as_mut_ptr(), buffer.len()) };
        if result != 0 {
            return Err(result);
        }
        // SAFETY: on success the buffer holds a NUL-terminated string within its length.
        Ok(unsafe { CStr::from_ptr(buffer.as_ptr()) }
            .to_string_lossy()
            .into_owned())
    }

    pub fn uname() -> Result<[String; 5], Errno> {
        // SAFETY: `utsname` is plain arrays of C chars, for which all zeroes is valid.
        let mut names: libc::utsname = unsafe { std::mem::zeroed() };
        // SAFETY: the pointer is to a `utsname` the call fills with NUL-terminated strings.
        if unsafe { libc::uname(&mut names) } != 0 {
            return Err(last_errno());
        }
        let text = |field: &[libc::c_char]| {
            let bytes: Vec<u8> = field.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        };
        Ok([
            text(&names.sysname),
            text(&names.nodename),
            text(&names.release),
            text(&names.version),
            text(&names.machine),
        ])
    }

    pub fn terminal_size(fd: i32) -> Result<(u16, u16), Errno> {
        let mut size = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes one `winsize` through the pointer, which is to `size`.
        if unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut size) } != 0 {
            return Err(last_errno());
        }
        Ok((size.ws_col, size.ws_row))
    }
}

/// Hands the new `os` module to `py/_os_helpers.py`, which adds what is written in Python.
pub fn add_python_helpers(vm: &mut Vm, os: &Value) -> PyResult<()> {
    let helpers = vm.import_dotted("_os_helpers")?;
    let install = vm.get_attr(&helpers, &intern("_install"))?;
    let arguments = [os.clone_ref(vm.py), stat_result_class(vm), terminal_size_class(vm)];
    vm.call(&install, &arguments, &[])?;
    Ok(())
}
