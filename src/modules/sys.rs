//! The `sys` module.

use crate::objects::types::types;
use crate::objects::{ObjRef, Payload, Stream, Value};
use crate::vm::ops::as_small_int;
use crate::vm::{PyResult, Vm};

use super::new_module;
use super::structseq::StructSeq;

static VERSION_INFO: StructSeq = StructSeq::new(
    "sys",
    "version_info",
    &["major", "minor", "micro", "releaselevel", "serial"],
);
static FLOAT_INFO: StructSeq = StructSeq::new(
    "sys",
    "float_info",
    &[
        "max",
        "max_exp",
        "max_10_exp",
        "min",
        "min_exp",
        "min_10_exp",
        "dig",
        "mant_dig",
        "epsilon",
        "radix",
        "rounds",
    ],
);
static INT_INFO: StructSeq = StructSeq::new(
    "sys",
    "int_info",
    &[
        "bits_per_digit",
        "sizeof_digit",
        "default_max_str_digits",
        "str_digits_check_threshold",
    ],
);
static FLAGS: StructSeq = StructSeq::new(
    "sys",
    "flags",
    &[
        "debug",
        "inspect",
        "interactive",
        "optimize",
        "dont_write_bytecode",
        "no_user_site",
        "no_site",
        "ignore_environment",
        "verbose",
        "bytes_warning",
        "quiet",
        "hash_randomization",
        "isolated",
        "dev_mode",
        "utf8_mode",
        "warn_default_encoding",
        "safe_path",
        "int_max_str_digits",
    ],
);
use crate::vm::args::{check_arity, no_kwargs};

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let argv: Vec<Value> = vm.argv.clone().into_iter().map(|a| vm.new_str(a)).collect();
    let argv = vm.new_list(argv);
    let modules = Value::Obj(vm.modules.clone_ref(vm.py));
    let version = vm.new_str(format!("3.11.0 (toy {})", env!("CARGO_PKG_VERSION")));
    let platform = vm.new_str(std::env::consts::OS);
    let implementation = implementation(vm)?;
    let release = vm.new_str("final");
    let version_info = VERSION_INFO.make(
        vm,
        vec![Value::Int(3), Value::Int(11), Value::Int(0), release, Value::Int(0)],
    );
    let float_info = FLOAT_INFO.make(
        vm,
        vec![
            Value::Float(f64::MAX),
            Value::Int(f64::MAX_EXP.into()),
            Value::Int(f64::MAX_10_EXP.into()),
            Value::Float(f64::MIN_POSITIVE),
            Value::Int(f64::MIN_EXP.into()),
            Value::Int(f64::MIN_10_EXP.into()),
            Value::Int(f64::DIGITS.into()),
            Value::Int(f64::MANTISSA_DIGITS.into()),
            Value::Float(f64::EPSILON),
            Value::Int(f64::RADIX.into()),
            Value::Int(1),
        ],
    );
    let int_info = INT_INFO.make(vm, [30, 4, 4300, 640].map(Value::Int).into_iter().collect());
    // toy never writes compiled files and does not randomise string hashes.
    let flags = FLAGS.make(
        vm,
        [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
            .map(Value::Int)
            .into_iter()
            .chain([
                Value::Bool(false),
                Value::Int(0),
                Value::Int(0),
                Value::Bool(false),
                Value::Int(-1),
            ])
            .collect(),
    );
    let builtin_names: Vec<Value> = crate::vm::import::CPYTHON_BUILTIN_MODULES
        .iter()
        .filter(|name| super::is_native_module(name))
        .map(|name| vm.new_str(*name))
        .collect();
    let builtin_names = vm.new_tuple(builtin_names);
    let empty_options = vm.new_dict();
    let float_repr_style = vm.new_str("short");
    let warnoptions = vm.new_list(Vec::new());
    let executable = vm.new_str(
        std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    );
    let path: Vec<Value> = search_path(&vm.script_dir).into_iter().map(|p| vm.new_str(p)).collect();
    let path = vm.new_list(path);
    let byteorder = vm.new_str(if cfg!(target_endian = "little") {
        "little"
    } else {
        "big"
    });
    let values = vec![
        ("argv", argv),
        ("modules", modules),
        ("maxsize", Value::Int(i64::MAX)),
        ("version", version),
        ("version_info", version_info),
        ("hexversion", Value::Int(0x030B_00F0)),
        ("api_version", Value::Int(1013)),
        ("float_info", float_info),
        ("int_info", int_info),
        ("flags", flags),
        ("maxunicode", Value::Int(0x10FFFF)),
        ("float_repr_style", float_repr_style),
        ("builtin_module_names", builtin_names),
        ("dont_write_bytecode", Value::Bool(true)),
        ("warnoptions", warnoptions),
        ("_xoptions", empty_options),
        ("platform", platform),
        ("implementation", implementation),
        ("executable", executable),
        ("path", path),
        ("byteorder", byteorder),
        ("stdin", vm.alloc(Payload::Stream(Stream::Stdin))),
        ("stdout", vm.alloc(Payload::Stream(Stream::Stdout))),
        ("stderr", vm.alloc(Payload::Stream(Stream::Stderr))),
    ];
    new_module(
        vm,
        "sys",
        &[
            ("exit", exit),
            ("getdefaultencoding", utf8_encoding),
            ("getfilesystemencoding", utf8_encoding),
            ("getrecursionlimit", getrecursionlimit),
            ("setrecursionlimit", setrecursionlimit),
            ("getrefcount", getrefcount),
            ("_is_gil_enabled", is_gil_enabled),
            ("setswitchinterval", setswitchinterval),
            ("getswitchinterval", getswitchinterval),
            ("intern", intern),
            ("exc_info", exc_info),
            ("_getframe", getframe),
            ("excepthook", excepthook),
            ("__excepthook__", excepthook),
        ],
        values,
    )
}

/// `sys.implementation`: toy names itself (not "cpython"), so code that switches on CPython's
/// implementation details takes its portable path; it caches no bytecode files, so no cache tag.
fn implementation(vm: &mut Vm) -> PyResult<Value> {
    let [major, minor, micro] = [
        env!("CARGO_PKG_VERSION_MAJOR"),
        env!("CARGO_PKG_VERSION_MINOR"),
        env!("CARGO_PKG_VERSION_PATCH"),
    ]
    .map(|part| part.parse::<i64>().unwrap_or(0));
    let release = vm.new_str("final");
    let version = VERSION_INFO.make(
        vm,
        vec![
            Value::Int(major),
            Value::Int(minor),
            Value::Int(micro),
            release,
            Value::Int(0),
        ],
    );
    let hexversion = (major << 24) | (minor << 16) | (micro << 8) | 0xF0;
    let name = vm.new_str("toy");
    let multiarch = vm.new_str(format!("{}-{}-gnu", std::env::consts::ARCH, std::env::consts::OS));
    super::namespace::make(
        vm,
        vec![
            ("name", name),
            ("cache_tag", Value::None),
            ("version", version),
            ("hexversion", Value::Int(hexversion)),
            ("_multiarch", multiarch),
        ],
    )
}

/// `(type, value, traceback)` of the exception being handled, or three `None`s.
fn exc_info(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "exc_info", kwargs)?;
    check_arity(vm, "exc_info", args, 0, 0)?;
    let py = vm.py;
    let Some(exc) = vm.handled.as_ref().map(|e| e.clone_ref(py)) else {
        return Ok(vm.new_tuple(vec![Value::None, Value::None, Value::None]));
    };
    let exc = Value::Obj(exc);
    let class = Value::Obj(vm.type_of(&exc).clone_ref(py));
    let tb = vm.exception_attr(&exc, "__traceback__").unwrap_or(Value::None);
    Ok(vm.new_tuple(vec![class, exc, tb]))
}

/// `sys._getframe([depth])`: the caller's frame, or the one `depth` calls further out.
fn getframe(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_getframe", kwargs)?;
    check_arity(vm, "_getframe", args, 0, 1)?;
    let depth = match args.first() {
        Some(depth) => crate::vm::ops::as_small_int(depth).ok_or_else(|| {
            vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(depth)
            ))
        })?,
        None => 0,
    };
    // A negative depth counts as 0, as CPython's does.
    usize::try_from(depth.max(0))
        .ok()
        .and_then(|depth| vm.frame_object(depth))
        .ok_or_else(|| vm.value_error("call stack is not deep enough"))
}

/// `getdefaultencoding()` / `getfilesystemencoding()`: toy's text is UTF-8 throughout.
fn utf8_encoding(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "getdefaultencoding", kwargs)?;
    check_arity(vm, "getdefaultencoding", args, 0, 0)?;
    Ok(vm.new_str("utf-8"))
}

/// `sys.exit([code])`, and the `exit()` / `quit()` the site module gives interactive users.
pub fn exit(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "exit", kwargs)?;
    check_arity(vm, "exit", args, 0, 1)?;
    let args = args.iter().map(|a| a.clone_ref(vm.py)).collect();
    Err(vm.new_error_with_args(&types().system_exit, args))
}

/// `sys.excepthook(type, value, traceback)`: print the exception and its traceback to stderr,
/// as for an uncaught exception (the traceback is the one `value` carries).
fn excepthook(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "excepthook", kwargs)?;
    check_arity(vm, "excepthook", args, 3, 3)?;
    let report = match &args[1] {
        Value::Obj(exc) if matches!(exc.payload, Payload::Instance(ref i) if i.exception.is_some()) => {
            vm.format_exception(exc)
        }
        other => format!(
            "TypeError: print_exception(): Exception expected for value, {} found\n",
            vm.type_name(other)
        ),
    };
    super::io::write_stream(vm, Stream::Stderr, &report, true)?;
    Ok(Value::None)
}

fn getrecursionlimit(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "getrecursionlimit", args, 0, 0)?;
    Ok(Value::Int(vm.recursion_limit as i64))
}

fn setrecursionlimit(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "setrecursionlimit", args, 1, 1)?;
    match as_small_int(&args[0]) {
        Some(n) if n >= 1 => {
            // CPython counts this call (a one-argument built-in) as a level: the depth it
            // checks against is the caller's plus one, and must stay below the new limit.
            let depth = vm.depth() + 1;
            if n as usize <= depth {
                return Err(vm.new_error(
                    &types().recursion_error,
                    format!(
                        "cannot set the recursion limit to {n} at the recursion depth {depth}: the limit is too low"
                    ),
                ));
            }
            vm.recursion_limit = n as usize;
            Ok(Value::None)
        }
        Some(_) => Err(vm.value_error("recursion limit must be greater or equal than 1")),
        None if crate::vm::ops::is_int(&args[0]) => Err(vm.overflow_error("Python int too large to convert to C int")),
        None => Err(vm.type_error(format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(&args[0])
        ))),
    }
}

fn getrefcount(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "getrefcount", args, 1, 1)?;
    Ok(Value::Int(match &args[0] {
        Value::Obj(o) => o.refcount() as i64,
        // Unboxed values behave like CPython's immortal objects.
        _ => u32::MAX as i64,
    }))
}

fn is_gil_enabled(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "_is_gil_enabled", args, 0, 0)?;
    Ok(Value::Bool(!crate::gil::is_free_threaded()))
}

fn intern(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "intern", args, 1, 1)?;
    match args[0].as_str() {
        Some(s) => Ok(Value::Obj(crate::objects::types::intern(s))),
        None => Err(vm.type_error("intern() argument must be str")),
    }
}

fn setswitchinterval(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "setswitchinterval", args, 1, 1)?;
    let seconds = match &args[0] {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Bool(b) => *b as i64 as f64,
        other => return Err(vm.type_error(format!("must be real number, not {}", vm.type_name(other)))),
    };
    if seconds.is_nan() || seconds <= 0.0 {
        return Err(vm.value_error("switch interval must be strictly positive"));
    }
    // CPython keeps whole microseconds, truncating, and reads them back as `1e-6 * us`.
    let micros = (seconds * 1e6).min(u64::MAX as f64) as u64;
    crate::gil::set_switch_interval(std::time::Duration::from_micros(micros));
    Ok(Value::None)
}

fn getswitchinterval(vm: &mut Vm, args: &[Value], _kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    check_arity(vm, "getswitchinterval", args, 0, 0)?;
    Ok(Value::Float(1e-6 * crate::gil::switch_interval().as_micros() as f64))
}

/// `sys.path` at start-up: the main script's folder (absolute, as CPython's), then the folders
/// listed in `TOYPATH` (toy's `PYTHONPATH`). toy's standard library is compiled in, so there is
/// no folder for it.
fn search_path(script_dir: &std::path::Path) -> Vec<String> {
    let first = std::fs::canonicalize(script_dir).unwrap_or_else(|_| script_dir.to_path_buf());
    let mut path = vec![first.display().to_string()];
    if let Some(extra) = std::env::var_os("TOYPATH") {
        path.extend(
            std::env::split_paths(&extra)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| p.display().to_string()),
        );
    }
    path
}
