//! Built-in functions and modules.

pub mod asyncgen;
pub mod asyncio_loop;
pub mod binascii;
pub mod builtins;
pub mod calendar_time;
pub mod cmath;
pub mod codecs;
pub mod collections;
pub mod context_state;
pub mod decimal;
pub mod errno;
pub mod file;
pub mod gc;
pub mod hashlib;
pub mod html_entities;
pub mod imp;
pub mod io;
pub mod json;
pub mod math;
pub mod mp;
pub mod namespace;
pub mod os;
pub mod os_fd;
pub mod os_fs;
pub mod os_process;
pub mod pickle;
pub mod random;
pub mod re;
pub mod shared_memory;
pub mod signal;
pub mod socket;
pub mod struct_format;
pub mod structseq;
pub mod subprocess;
pub mod sys;
pub mod thread;
pub mod time;
pub mod toy;
pub mod traceback;
pub mod unicodedata;
pub mod weakref;
pub mod zlib;

use crate::objects::types::{intern, module_function};
use crate::objects::{NativeFn, Payload, Value};
use crate::vm::{PyResult, Vm};

/// Create a built-in module with the given functions and values.
pub fn new_module(
    vm: &mut Vm,
    name: &'static str,
    functions: &[(&'static str, NativeFn)],
    values: Vec<(&str, Value)>,
) -> PyResult<Value> {
    let dict = vm.new_dict();
    let Value::Obj(dict_obj) = &dict else {
        return Err(vm.runtime_error("module dict"));
    };
    // Interned, as CPython's module names are: the same object as an equal string constant.
    vm.dict_set_str(dict_obj, &intern("__name__"), Value::Obj(intern(name)))?;
    // Its functions name it as their module; the name lives as long as they do (for good).
    let module: &'static crate::objects::ModuleName = Box::leak(Box::new(crate::objects::ModuleName(name)));
    for &(fname, function) in functions {
        let function = module_function(module, fname, function, false);
        vm.dict_set_str(dict_obj, &intern(fname), Value::Obj(function))?;
    }
    for (vname, value) in values {
        vm.dict_set_str(dict_obj, &intern(vname), value)?;
    }
    Ok(vm.alloc(Payload::Module(crate::objects::Module {
        name: name.to_string(),
        dict: dict_obj.clone_ref(vm.py),
    })))
}

/// Modules written in Python and compiled into the binary.
pub fn embedded_source(name: &str) -> Option<&'static str> {
    match name {
        "threading" => Some(include_str!("py/threading.py")),
        "queue" => Some(include_str!("py/queue.py")),
        "collections" => Some(include_str!("py/collections.py")),
        "functools" => Some(include_str!("py/functools.py")),
        "itertools" => Some(include_str!("py/itertools.py")),
        "operator" => Some(include_str!("py/operator.py")),
        "copy" => Some(include_str!("py/copy.py")),
        "heapq" => Some(include_str!("py/heapq.py")),
        "bisect" => Some(include_str!("py/bisect.py")),
        "fractions" => Some(include_str!("py/fractions.py")),
        "decimal" => Some(include_str!("py/decimal.py")),
        "_decimal_functions" => Some(include_str!("py/_decimal_functions.py")),
        "string" => Some(include_str!("py/string.py")),
        "datetime" => Some(include_str!("py/datetime.py")),
        "calendar" => Some(include_str!("py/calendar.py")),
        "statistics" => Some(include_str!("py/statistics.py")),
        "_strptime" => Some(include_str!("py/_strptime.py")),
        "types" => Some(include_str!("py/types.py")),
        "__future__" => Some(include_str!("py/__future__.py")),
        "abc" => Some(include_str!("py/abc.py")),
        "enum" => Some(include_str!("py/enum.py")),
        "typing" => Some(include_str!("py/typing.py")),
        "numbers" => Some(include_str!("py/numbers.py")),
        "dataclasses" => Some(include_str!("py/dataclasses.py")),
        "_collections_abc" => Some(include_str!("py/_collections_abc.py")),
        "collections.abc" => Some(include_str!("py/collections_abc.py")),
        "contextlib" => Some(include_str!("py/contextlib.py")),
        "io" => Some(include_str!("py/io.py")),
        "struct" => Some(include_str!("py/struct.py")),
        "base64" => Some(include_str!("py/base64.py")),
        "gzip" => Some(include_str!("py/gzip.py")),
        "pickle" => Some(include_str!("py/pickle.py")),
        "copyreg" => Some(include_str!("py/copyreg.py")),
        "_compat_pickle" => Some(include_str!("py/_compat_pickle.py")),
        "_operator" => Some(include_str!("py/_operator.py")),
        "_functools" => Some(include_str!("py/_functools.py")),
        "_heapq" => Some(include_str!("py/_heapq.py")),
        "_bisect" => Some(include_str!("py/_bisect.py")),
        "weakref" => Some(include_str!("py/weakref.py")),
        "importlib" => Some(include_str!("py/importlib/__init__.py")),
        "importlib._bootstrap" => Some(include_str!("py/importlib/_bootstrap.py")),
        "importlib.machinery" => Some(include_str!("py/importlib/machinery.py")),
        "importlib.util" => Some(include_str!("py/importlib/util.py")),
        "json" => Some(include_str!("py/json/__init__.py")),
        "json.decoder" => Some(include_str!("py/json/decoder.py")),
        "json.encoder" => Some(include_str!("py/json/encoder.py")),
        "re" => Some(include_str!("py/re.py")),
        "signal" => Some(include_str!("py/signal.py")),
        "subprocess" => Some(include_str!("py/subprocess.py")),
        "concurrent" => Some(include_str!("py/concurrent/__init__.py")),
        "concurrent.futures" => Some(include_str!("py/concurrent/futures/__init__.py")),
        "concurrent.futures._base" => Some(include_str!("py/concurrent/futures/_base.py")),
        "concurrent.futures.thread" => Some(include_str!("py/concurrent/futures/thread.py")),
        "atexit" => Some(include_str!("py/atexit.py")),
        "traceback" => Some(include_str!("py/traceback.py")),
        "linecache" => Some(include_str!("py/linecache.py")),
        "warnings" => Some(include_str!("py/warnings.py")),
        "unittest" => Some(include_str!("py/unittest/__init__.py")),
        "unittest.case" => Some(include_str!("py/unittest/case.py")),
        "unittest.util" => Some(include_str!("py/unittest/util.py")),
        "unittest.result" => Some(include_str!("py/unittest/result.py")),
        "unittest.suite" => Some(include_str!("py/unittest/suite.py")),
        "unittest.loader" => Some(include_str!("py/unittest/loader.py")),
        "unittest.runner" => Some(include_str!("py/unittest/runner.py")),
        "unittest.main" => Some(include_str!("py/unittest/main.py")),
        "unittest.signals" => Some(include_str!("py/unittest/signals.py")),
        "fnmatch" => Some(include_str!("py/fnmatch.py")),
        "difflib" => Some(include_str!("py/difflib.py")),
        "pprint" => Some(include_str!("py/pprint.py")),
        "textwrap" => Some(include_str!("py/textwrap.py")),
        "inspect" => Some(include_str!("py/inspect.py")),
        "logging" => Some(include_str!("py/logging/__init__.py")),
        "argparse" => Some(include_str!("py/argparse.py")),
        "keyword" => Some(include_str!("py/keyword.py")),
        "hmac" => Some(include_str!("py/hmac.py")),
        "secrets" => Some(include_str!("py/secrets.py")),
        "uuid" => Some(include_str!("py/uuid.py")),
        "timeit" => Some(include_str!("py/timeit.py")),
        "reprlib" => Some(include_str!("py/reprlib.py")),
        "graphlib" => Some(include_str!("py/graphlib.py")),
        "colorsys" => Some(include_str!("py/colorsys.py")),
        "sched" => Some(include_str!("py/sched.py")),
        "contextvars" => Some(include_str!("py/contextvars.py")),
        "html" => Some(include_str!("py/html/__init__.py")),
        "html.entities" => Some(include_str!("py/html/entities.py")),
        "shlex" => Some(include_str!("py/shlex.py")),
        "getopt" => Some(include_str!("py/getopt.py")),
        "multiprocessing" => Some(include_str!("py/multiprocessing/__init__.py")),
        "multiprocessing.util" => Some(include_str!("py/multiprocessing/util.py")),
        "multiprocessing.process" => Some(include_str!("py/multiprocessing/process.py")),
        "multiprocessing.popen_fork" => Some(include_str!("py/multiprocessing/popen_fork.py")),
        "multiprocessing.popen_spawn" => Some(include_str!("py/multiprocessing/popen_spawn.py")),
        "multiprocessing.spawn" => Some(include_str!("py/multiprocessing/spawn.py")),
        "multiprocessing.connection" => Some(include_str!("py/multiprocessing/connection.py")),
        "multiprocessing.synchronize" => Some(include_str!("py/multiprocessing/synchronize.py")),
        "multiprocessing.sharedctypes" => Some(include_str!("py/multiprocessing/sharedctypes.py")),
        "multiprocessing.queues" => Some(include_str!("py/multiprocessing/queues.py")),
        "multiprocessing.context" => Some(include_str!("py/multiprocessing/context.py")),
        "multiprocessing.pool" => Some(include_str!("py/multiprocessing/pool.py")),
        "concurrent.futures.process" => Some(include_str!("py/concurrent/futures/process.py")),
        "_os_helpers" => Some(include_str!("py/_os_helpers.py")),
        "stat" => Some(include_str!("py/stat.py")),
        "glob" => Some(include_str!("py/glob.py")),
        "shutil" => Some(include_str!("py/shutil.py")),
        "tempfile" => Some(include_str!("py/tempfile.py")),
        "pathlib" => Some(include_str!("py/pathlib.py")),
        "platform" => Some(include_str!("py/platform.py")),
        "socket" => Some(include_str!("py/socket.py")),
        "select" => Some(include_str!("py/select.py")),
        "selectors" => Some(include_str!("py/selectors.py")),
        "socketserver" => Some(include_str!("py/socketserver.py")),
        "http" => Some(include_str!("py/http/__init__.py")),
        "http.client" => Some(include_str!("py/http/client.py")),
        "http.server" => Some(include_str!("py/http/server.py")),
        "urllib" => Some(include_str!("py/urllib/__init__.py")),
        "urllib.parse" => Some(include_str!("py/urllib/parse.py")),
        "urllib.error" => Some(include_str!("py/urllib/error.py")),
        "urllib.request" => Some(include_str!("py/urllib/request.py")),
        "csv" => Some(include_str!("py/csv.py")),
        "locale" => Some(include_str!("py/locale.py")),
        "doctest" => Some(include_str!("py/doctest.py")),
        "array" => Some(include_str!("py/array.py")),
        "_async_generators" => Some(include_str!("py/_async_generators.py")),
        "asyncio" => Some(include_str!("py/asyncio/__init__.py")),
        "asyncio.events" => Some(include_str!("py/asyncio/events.py")),
        "asyncio.futures" => Some(include_str!("py/asyncio/futures.py")),
        "asyncio.tasks" => Some(include_str!("py/asyncio/tasks.py")),
        "asyncio.locks" => Some(include_str!("py/asyncio/locks.py")),
        "asyncio.queues" => Some(include_str!("py/asyncio/queues.py")),
        "asyncio.runners" => Some(include_str!("py/asyncio/runners.py")),
        "asyncio.exceptions" => Some(include_str!("py/asyncio/exceptions.py")),
        _ => None,
    }
}

/// Creates a native module.
type ModuleCreator = fn(&mut Vm) -> PyResult<Value>;

/// The modules written in Rust, by name.
const NATIVE_MODULES: &[(&str, ModuleCreator)] = &[
    ("sys", sys::create),
    ("_thread", thread::create),
    ("math", math::create),
    ("cmath", cmath::create),
    ("time", time::create),
    ("os", os::create),
    ("os.path", os::create_path),
    ("random", random::create),
    ("errno", errno::create),
    ("_context_state", context_state::create),
    ("_html5", html_entities::create),
    ("hashlib", hashlib::create),
    ("_toy", toy::create),
    ("_collections", collections::create),
    ("_json", json::create),
    ("_sre", re::create),
    ("_decimal", decimal::create),
    ("gc", gc::create),
    ("_pickle", pickle::create),
    ("_codecs", codecs::create),
    ("_io", io::create),
    ("_struct", struct_format::create),
    ("binascii", binascii::create),
    ("zlib", zlib::create),
    ("unicodedata", unicodedata::create),
    ("builtins", |vm| Ok(builtins_module(vm))),
    ("_weakref", weakref::create),
    ("_imp", imp::create),
    ("_signal", signal::create),
    ("_subprocess", subprocess::create),
    ("_traceback", traceback::create),
    ("_mp", mp::create),
    ("_socket", socket::create),
    ("_select", socket::select::create),
    ("_asyncio_loop", asyncio_loop::create),
    ("_asyncgen", asyncgen::create),
];

/// Add to `module` (its classes say `__module__ == module_name`) an exception class `name` deriving from `base`, as
/// the classes C modules define (`zlib.error`, `binascii.Error`).
pub fn add_exception_class(
    vm: &mut Vm,
    module: &Value,
    module_name: &str,
    name: &str,
    base: &crate::objects::ObjRef,
) -> PyResult<()> {
    let namespace = vm.new_dict();
    let Value::Obj(ns) = &namespace else {
        return Err(vm.runtime_error(format!("{module_name} namespace")));
    };
    vm.dict_set_str(ns, &intern("__module__"), Value::Obj(intern(module_name)))?;
    let qualname = vm.new_str(name);
    vm.dict_set_str(ns, &intern("__qualname__"), qualname)?;
    let class = crate::vm::classes::new_class(vm, name, vec![base.clone_ref(vm.py)], ns, None, &[])?;
    vm.set_attr(module, &intern(name), class)
}

/// An instance of the exception class `class_name` of the native module `module_name`
/// (made by [`add_exception_class`]), carrying `message`.
pub fn module_error(vm: &mut Vm, module_name: &str, class_name: &str, message: impl Into<String>) -> crate::vm::PyErr {
    let message = message.into();
    let class = pickle::import_module(vm, module_name).and_then(|m| vm.get_attr(&m, &intern(class_name)));
    match class {
        Ok(Value::Obj(class)) => vm.new_error(&class, message),
        Ok(_) => vm.runtime_error(message),
        Err(e) => e,
    }
}

/// Whether `name` is one of the modules written in Rust.
pub fn is_native_module(name: &str) -> bool {
    NATIVE_MODULES.iter().any(|(n, _)| *n == name)
}

/// A built-in module by name, created on first import.
pub fn create_builtin_module(vm: &mut Vm, name: &str) -> Option<PyResult<Value>> {
    let (_, create) = NATIVE_MODULES.iter().find(|(n, _)| *n == name)?;
    Some(create(vm))
}

/// `import builtins`: a module over the namespace every module's code sees.
fn builtins_module(vm: &Vm) -> Value {
    vm.alloc(Payload::Module(crate::objects::Module {
        name: "builtins".to_string(),
        dict: vm.builtins.clone_ref(vm.py),
    }))
}
