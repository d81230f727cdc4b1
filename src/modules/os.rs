//! The `os` module (files, directories, environment) and `os.path` (POSIX path arithmetic).
//!
//! OS errors become the matching `OSError` subclass with CPython's message,
//! `[Errno 2] No such file or directory: 'name'`, carried as a single preformatted argument.

use crate::objects::types::{intern, types};
use crate::objects::{NativeFn, ObjRef, Payload, Value};
use crate::vm::ops::as_small_int;
use crate::vm::{PyErr, PyResult, Vm};

use super::new_module;
use crate::vm::args::{check_arity, kwarg, no_kwargs, only_kwargs};

const FUNCTIONS: &[(&str, NativeFn)] = &[
    ("getpid", getpid),
    ("getcwd", getcwd),
    ("listdir", listdir),
    ("remove", remove),
    ("unlink", unlink),
    ("mkdir", mkdir),
    ("makedirs", makedirs),
    ("rmdir", rmdir),
    ("rename", rename),
    ("getenv", getenv),
    ("cpu_count", cpu_count),
    ("urandom", urandom),
    ("fdopen", fdopen),
    ("strerror", strerror),
];

const PATH_FUNCTIONS: &[(&str, NativeFn)] = &[
    ("join", path_join),
    ("exists", path_exists),
    ("isfile", path_isfile),
    ("isdir", path_isdir),
    ("isabs", path_isabs),
    ("basename", path_basename),
    ("dirname", path_dirname),
    ("split", path_split),
    ("splitext", path_splitext),
    ("normpath", path_normpath),
    ("abspath", path_abspath),
    ("getsize", path_getsize),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let environ = vm.new_dict();
    for (k, v) in std::env::vars_os() {
        let (k, v) = (vm.new_str(k.to_string_lossy()), vm.new_str(v.to_string_lossy()));
        vm.dict_set(&environ, k, v)?;
    }
    let path = create_path(vm)?;
    let values = vec![
        ("name", vm.new_str("posix")),
        ("sep", vm.new_str("/")),
        ("altsep", Value::None),
        ("extsep", vm.new_str(".")),
        ("pathsep", vm.new_str(":")),
        ("linesep", vm.new_str("\n")),
        ("curdir", vm.new_str(".")),
        ("pardir", vm.new_str("..")),
        ("devnull", vm.new_str("/dev/null")),
        ("environ", environ),
        ("path", path),
        ("_at_fork", super::os_process::new_hook_lists(vm)),
    ];
    let flags = super::os_fd::OPEN_FLAGS
        .iter()
        .chain(super::os_process::CONSTANTS)
        .chain(super::os_fs::CONSTANTS);
    let mut values = values;
    let confstr_names = vm.new_dict();
    for &(name, number) in super::os_fs::CONFSTR_NAMES {
        let name = vm.new_str(name);
        vm.dict_set(&confstr_names, name, Value::Int(i64::from(number)))?;
    }
    values.push(("confstr_names", confstr_names));
    values.extend(flags.map(|&(name, value)| (name, Value::Int(i64::from(value)))));
    let functions: Vec<(&str, NativeFn)> = FUNCTIONS
        .iter()
        .chain(super::os_fd::FUNCTIONS)
        .chain(super::os_process::FUNCTIONS)
        .chain(super::os_fs::FUNCTIONS)
        .copied()
        .collect();
    let os = new_module(vm, "os", &functions, values)?;
    super::os_fs::add_python_helpers(vm, &os)?;
    Ok(os)
}

/// `os.path` (named `posixpath`, as in CPython); the `os` module's own when it exists, so
/// `import os.path` (which imports `os` first) yields the same object as `os.path`.
pub fn create_path(vm: &mut Vm) -> PyResult<Value> {
    let modules = vm.modules.clone_ref(vm.py);
    if let Some(os) = vm.dict_get_str(&modules, &intern("os"))?
        && let Some(path) = vm.get_attr_opt(&os, &intern("path"))?
    {
        return Ok(path);
    }
    let values = vec![
        ("sep", vm.new_str("/")),
        ("curdir", vm.new_str(".")),
        ("pardir", vm.new_str("..")),
    ];
    new_module(vm, "posixpath", PATH_FUNCTIONS, values)
}

// ----- errors and arguments -------------------------------------------------------------------

/// The `OSError` subclass and message CPython raises for `err` on `filenames`.
pub(super) fn os_error(vm: &mut Vm, err: &std::io::Error, filenames: &[&str]) -> PyErr {
    let Some(errno) = err.raw_os_error() else {
        return vm.new_error(&types().os_error, err.to_string());
    };
    let mut names = filenames.iter().map(|f| vm.new_str(*f));
    let (first, second) = (names.next(), names.next());
    crate::vm::os_error::new_os_error(vm, errno, first, second)
}

/// The error an OS call failing with `errno` raises, naming `filename` if given.
pub fn errno_error(vm: &mut Vm, errno: i32, filename: Option<Value>) -> PyErr {
    crate::vm::os_error::new_os_error(vm, errno, filename, None)
}

/// A path argument: a str, or an object with `__fspath__` returning one.
pub(super) fn path_arg(vm: &mut Vm, v: &Value, func: &str, accepted: &str) -> PyResult<String> {
    if let Some(s) = v.as_str() {
        return Ok(s.to_string());
    }
    if matches!(v.payload(), Some(Payload::Instance(_)))
        && let Some(method) = vm.lookup_special(v, "__fspath__")
    {
        let r = vm.call(&method, &[v.clone_ref(vm.py)], &[])?;
        if let Some(s) = r.as_str() {
            return Ok(s.to_string());
        }
    }
    Err(vm.type_error(format!("{func}: path should be {accepted}, not {}", vm.type_name(v))))
}

const PATH_LIKE: &str = "string, bytes or os.PathLike";

fn one_path(vm: &mut Vm, func: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<String> {
    only_kwargs(vm, func, kwargs, &["path", "dir_fd"])?;
    check_arity(vm, func, args, 0, 1)?;
    let Some(path) = args.first().or_else(|| kwarg(kwargs, "path")) else {
        return Err(vm.type_error(format!("{func}() missing required argument 'path' (pos 1)")));
    };
    path_arg(vm, path, func, PATH_LIKE)
}

// ----- os -------------------------------------------------------------------------------------

fn getpid(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getpid", kwargs)?;
    check_arity(vm, "posix.getpid", args, 0, 0)?;
    Ok(Value::Int(i64::from(std::process::id())))
}

fn getcwd(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getcwd", kwargs)?;
    check_arity(vm, "posix.getcwd", args, 0, 0)?;
    match std::env::current_dir() {
        Ok(dir) => Ok(vm.new_str(dir.to_string_lossy())),
        Err(e) => Err(os_error(vm, &e, &[])),
    }
}

fn listdir(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "listdir", kwargs, &["path"])?;
    check_arity(vm, "listdir", args, 0, 1)?;
    let path = match args.first().or_else(|| kwarg(kwargs, "path")) {
        None | Some(Value::None) => ".".to_string(),
        Some(p) => path_arg(vm, p, "listdir", "string, bytes, os.PathLike, integer or None")?,
    };
    let entries = std::fs::read_dir(&path).map_err(|e| os_error(vm, &e, &[&path]))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| os_error(vm, &e, &[&path]))?;
        names.push(vm.new_str(entry.file_name().to_string_lossy()));
    }
    Ok(vm.new_list(names))
}

fn remove(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_path(vm, "remove", args, kwargs)?;
    std::fs::remove_file(&path).map_err(|e| os_error(vm, &e, &[&path]))?;
    Ok(Value::None)
}

fn unlink(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_path(vm, "unlink", args, kwargs)?;
    std::fs::remove_file(&path).map_err(|e| os_error(vm, &e, &[&path]))?;
    Ok(Value::None)
}

fn rmdir(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_path(vm, "rmdir", args, kwargs)?;
    std::fs::remove_dir(&path).map_err(|e| os_error(vm, &e, &[&path]))?;
    Ok(Value::None)
}

/// The `mode` argument of mkdir/makedirs (default `0o777`, reduced by the umask).
fn mode_arg(vm: &Vm, v: Option<&Value>) -> PyResult<u32> {
    match v {
        None => Ok(0o777),
        Some(v) => match as_small_int(v).and_then(|m| u32::try_from(m).ok()) {
            Some(m) => Ok(m),
            None => Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            ))),
        },
    }
}

fn create_dir(path: &str, mode: u32, recursive: bool) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(recursive);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
    #[cfg(not(unix))]
    let _ = mode;
    builder.create(path)
}

fn mkdir(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "mkdir", kwargs, &["path", "mode", "dir_fd"])?;
    check_arity(vm, "mkdir", args, 1, 2)?;
    let path = path_arg(vm, &args[0], "mkdir", PATH_LIKE)?;
    let mode = mode_arg(vm, args.get(1).or_else(|| kwarg(kwargs, "mode")))?;
    create_dir(&path, mode, false).map_err(|e| os_error(vm, &e, &[&path]))?;
    Ok(Value::None)
}

fn makedirs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "makedirs", kwargs, &["name", "mode", "exist_ok"])?;
    check_arity(vm, "makedirs", args, 1, 3)?;
    let path = path_arg(vm, &args[0], "makedirs", PATH_LIKE)?;
    let mode = mode_arg(vm, args.get(1).or_else(|| kwarg(kwargs, "mode")))?;
    let exist_ok = match args.get(2).or_else(|| kwarg(kwargs, "exist_ok")) {
        Some(v) => vm.is_true(v)?,
        None => false,
    };
    // Like CPython: an existing leaf is an error unless `exist_ok` and it is a directory.
    if std::path::Path::new(&path).exists() {
        if exist_ok && std::path::Path::new(&path).is_dir() {
            return Ok(Value::None);
        }
        let err = std::io::Error::from_raw_os_error(17);
        return Err(os_error(vm, &err, &[&path]));
    }
    create_dir(&path, mode, true).map_err(|e| os_error(vm, &e, &[&path]))?;
    Ok(Value::None)
}

fn rename(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "rename", kwargs, &["src", "dst", "src_dir_fd", "dst_dir_fd"])?;
    check_arity(vm, "rename", args, 2, 2)?;
    let src = path_arg(vm, &args[0], "rename", PATH_LIKE)?;
    let dst = path_arg(vm, &args[1], "rename", PATH_LIKE)?;
    std::fs::rename(&src, &dst).map_err(|e| os_error(vm, &e, &[&src, &dst]))?;
    Ok(Value::None)
}

fn getenv(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    only_kwargs(vm, "getenv", kwargs, &["key", "default"])?;
    check_arity(vm, "getenv", args, 0, 2)?;
    let Some(key) = args.first().or_else(|| kwarg(kwargs, "key")) else {
        return Err(vm.type_error("getenv() missing 1 required positional argument: 'key'"));
    };
    let Some(key) = key.as_str() else {
        return Err(vm.type_error(format!("str expected, not {}", vm.type_name(key))));
    };
    match std::env::var_os(key) {
        Some(v) => Ok(vm.new_str(v.to_string_lossy())),
        None => Ok(args
            .get(1)
            .or_else(|| kwarg(kwargs, "default"))
            .map_or(Value::None, |d| d.clone_ref(vm.py))),
    }
}

fn cpu_count(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "cpu_count", kwargs)?;
    check_arity(vm, "cpu_count", args, 0, 0)?;
    Ok(std::thread::available_parallelism().map_or(Value::None, |n| Value::Int(n.get() as i64)))
}

fn urandom(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "urandom", kwargs)?;
    check_arity(vm, "urandom", args, 1, 1)?;
    let Some(n) = as_small_int(&args[0]) else {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&args[0])
        )));
    };
    let n = usize::try_from(n).map_err(|_| vm.value_error("negative argument not allowed"))?;
    if n > 1 << 34 {
        return Err(vm.new_error(&types().memory_error, ""));
    }
    random_bytes(n)
        .map(|b| vm.new_bytes(b))
        .map_err(|e| os_error(vm, &e, &[]))
}

/// `os.fdopen(fd, ...)`: `open()` on a descriptor.
fn fdopen(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    if let Some(fd) = args.first()
        && as_small_int(fd).is_none()
    {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(fd)
        )));
    }
    super::file::open(vm, args, kwargs)
}

fn strerror(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "strerror", kwargs)?;
    check_arity(vm, "strerror", args, 1, 1)?;
    let Some(code) = as_small_int(&args[0]).and_then(|c| i32::try_from(c).ok()) else {
        return Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&args[0])
        )));
    };
    Ok(vm.new_str(crate::vm::os_error::strerror(code)))
}

/// `n` bytes from the system's random source.
pub fn random_bytes(n: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = vec![0; n];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes)
}

// ----- os.path --------------------------------------------------------------------------------

/// A path argument of the pure path functions (their message differs from the OS calls').
fn text_path(vm: &mut Vm, v: &Value) -> PyResult<String> {
    path_arg(vm, v, "", "").map_err(|_| {
        vm.type_error(format!(
            "expected str, bytes or os.PathLike object, not {}",
            vm.type_name(v)
        ))
    })
}

fn one_text_path(vm: &mut Vm, func: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<String> {
    no_kwargs(vm, func, kwargs)?;
    check_arity(vm, func, args, 1, 1)?;
    text_path(vm, &args[0])
}

fn path_join(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "join", kwargs)?;
    if args.is_empty() {
        return Err(vm.type_error("join() missing 1 required positional argument: 'a'"));
    }
    let mut out = String::new();
    for (i, part) in args.iter().enumerate() {
        let Ok(part) = path_arg(vm, part, "", "") else {
            return Err(vm.type_error(format!(
                "join() argument must be str, bytes, or os.PathLike object, not '{}'",
                vm.type_name(part)
            )));
        };
        if i == 0 || part.starts_with('/') {
            out = part;
        } else if out.is_empty() || out.ends_with('/') {
            out.push_str(&part);
        } else {
            out.push('/');
            out.push_str(&part);
        }
    }
    Ok(vm.new_str(out))
}

/// The metadata of a path for exists/isfile/isdir (`None` when it cannot be read).
fn stat(vm: &mut Vm, func: &str, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Option<std::fs::Metadata>> {
    no_kwargs(vm, func, kwargs)?;
    check_arity(vm, func, args, 1, 1)?;
    let path = path_arg(vm, &args[0], "stat", "string, bytes, os.PathLike or integer")?;
    Ok(std::fs::metadata(path).ok())
}

fn path_exists(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Ok(Value::Bool(stat(vm, "exists", args, kwargs)?.is_some()))
}

fn path_isfile(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Ok(Value::Bool(
        stat(vm, "isfile", args, kwargs)?.is_some_and(|m| m.is_file()),
    ))
}

fn path_isdir(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    Ok(Value::Bool(
        stat(vm, "isdir", args, kwargs)?.is_some_and(|m| m.is_dir()),
    ))
}

fn path_isabs(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_text_path(vm, "isabs", args, kwargs)?;
    Ok(Value::Bool(path.starts_with('/')))
}

/// `posixpath.split`: the head keeps its leading slashes but loses trailing ones.
fn split_path(path: &str) -> (&str, &str) {
    let cut = path.rfind('/').map_or(0, |i| i + 1);
    let (head, tail) = path.split_at(cut);
    let trimmed = head.trim_end_matches('/');
    (if trimmed.is_empty() { head } else { trimmed }, tail)
}

fn path_basename(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_text_path(vm, "basename", args, kwargs)?;
    Ok(vm.new_str(split_path(&path).1))
}

fn path_dirname(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_text_path(vm, "dirname", args, kwargs)?;
    Ok(vm.new_str(split_path(&path).0))
}

fn path_split(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_text_path(vm, "split", args, kwargs)?;
    let (head, tail) = split_path(&path);
    let parts = vec![vm.new_str(head), vm.new_str(tail)];
    Ok(vm.new_tuple(parts))
}

/// `posixpath.splitext`: leading dots of the file name do not start an extension.
fn splitext(path: &str) -> (&str, &str) {
    let sep = path.rfind('/').map_or(0, |i| i + 1);
    if let Some(dot) = path.rfind('.').filter(|&d| d >= sep)
        && path[sep..dot].bytes().any(|b| b != b'.')
    {
        return path.split_at(dot);
    }
    (path, "")
}

fn path_splitext(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_text_path(vm, "splitext", args, kwargs)?;
    let (root, ext) = splitext(&path);
    let parts = vec![vm.new_str(root), vm.new_str(ext)];
    Ok(vm.new_tuple(parts))
}

/// `posixpath.normpath`: collapse `.`, `..` and repeated slashes (two leading slashes stay).
fn normpath(path: &str) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let initial = if path.starts_with("//") && !path.starts_with("///") {
        2
    } else {
        usize::from(path.starts_with('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part != ".." || (initial == 0 && parts.is_empty()) || parts.last() == Some(&"..") {
            parts.push(part);
        } else {
            parts.pop();
        }
    }
    let out = format!("{}{}", "/".repeat(initial), parts.join("/"));
    if out.is_empty() { ".".to_string() } else { out }
}

fn path_normpath(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_text_path(vm, "normpath", args, kwargs)?;
    Ok(vm.new_str(normpath(&path)))
}

fn path_abspath(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    let path = one_text_path(vm, "abspath", args, kwargs)?;
    let absolute = if path.starts_with('/') {
        path
    } else {
        let cwd = std::env::current_dir().map_err(|e| os_error(vm, &e, &[]))?;
        format!("{}/{path}", cwd.to_string_lossy())
    };
    Ok(vm.new_str(normpath(&absolute)))
}

fn path_getsize(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getsize", kwargs)?;
    check_arity(vm, "getsize", args, 1, 1)?;
    let path = path_arg(vm, &args[0], "stat", "string, bytes, os.PathLike or integer")?;
    match std::fs::metadata(&path) {
        Ok(m) => Ok(Value::Int(i64::try_from(m.len()).unwrap_or(i64::MAX))),
        Err(e) => Err(os_error(vm, &e, &[&path])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posix_path_arithmetic() {
        assert_eq!(split_path("//a//b//"), ("//a//b", ""));
        assert_eq!(split_path("/"), ("/", ""));
        assert_eq!(split_path("a/b.txt"), ("a", "b.txt"));
        assert_eq!(splitext(".bashrc"), (".bashrc", ""));
        assert_eq!(splitext("a/b.c.d"), ("a/b.c", ".d"));
        assert_eq!(splitext("a.b/c"), ("a.b/c", ""));
        assert_eq!(normpath("//a/./b/../../.."), "//");
        assert_eq!(normpath("///a"), "/a");
        assert_eq!(normpath("../x/../../y"), "../../y");
        assert_eq!(normpath(""), ".");
    }
}
