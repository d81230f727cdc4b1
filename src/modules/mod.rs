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

/// Modules written in Python and compiled into the binary, by name.
const EMBEDDED: &[(&str, &str)] = &[
    ("threading", include_str!("py/threading.py")),
    ("queue", include_str!("py/queue.py")),
    ("collections", include_str!("py/collections.py")),
    ("functools", include_str!("py/functools.py")),
    ("itertools", include_str!("py/itertools.py")),
    ("operator", include_str!("py/operator.py")),
    ("copy", include_str!("py/copy.py")),
    ("heapq", include_str!("py/heapq.py")),
    ("bisect", include_str!("py/bisect.py")),
    ("fractions", include_str!("py/fractions.py")),
    ("decimal", include_str!("py/decimal.py")),
    ("_decimal_functions", include_str!("py/_decimal_functions.py")),
    ("string", include_str!("py/string.py")),
    ("datetime", include_str!("py/datetime.py")),
    ("calendar", include_str!("py/calendar.py")),
    ("statistics", include_str!("py/statistics.py")),
    ("_strptime", include_str!("py/_strptime.py")),
    ("types", include_str!("py/types.py")),
    ("__future__", include_str!("py/__future__.py")),
    ("abc", include_str!("py/abc.py")),
    ("enum", include_str!("py/enum.py")),
    ("typing", include_str!("py/typing.py")),
    ("numbers", include_str!("py/numbers.py")),
    ("dataclasses", include_str!("py/dataclasses.py")),
    ("_collections_abc", include_str!("py/_collections_abc.py")),
    ("collections.abc", include_str!("py/collections_abc.py")),
    ("contextlib", include_str!("py/contextlib.py")),
    ("io", include_str!("py/io.py")),
    ("struct", include_str!("py/struct.py")),
    ("base64", include_str!("py/base64.py")),
    ("gzip", include_str!("py/gzip.py")),
    ("pickle", include_str!("py/pickle.py")),
    ("copyreg", include_str!("py/copyreg.py")),
    ("_compat_pickle", include_str!("py/_compat_pickle.py")),
    ("_operator", include_str!("py/_operator.py")),
    ("_functools", include_str!("py/_functools.py")),
    ("_heapq", include_str!("py/_heapq.py")),
    ("_bisect", include_str!("py/_bisect.py")),
    ("weakref", include_str!("py/weakref.py")),
    ("importlib", include_str!("py/importlib/__init__.py")),
    ("importlib._bootstrap", include_str!("py/importlib/_bootstrap.py")),
    ("importlib.machinery", include_str!("py/importlib/machinery.py")),
    ("importlib.util", include_str!("py/importlib/util.py")),
    ("json", include_str!("py/json/__init__.py")),
    ("json.decoder", include_str!("py/json/decoder.py")),
    ("json.encoder", include_str!("py/json/encoder.py")),
    ("re", include_str!("py/re.py")),
    ("signal", include_str!("py/signal.py")),
    ("subprocess", include_str!("py/subprocess.py")),
    ("concurrent", include_str!("py/concurrent/__init__.py")),
    ("concurrent.futures", include_str!("py/concurrent/futures/__init__.py")),
    (
        "concurrent.futures._base",
        include_str!("py/concurrent/futures/_base.py"),
    ),
    (
        "concurrent.futures.thread",
        include_str!("py/concurrent/futures/thread.py"),
    ),
    ("atexit", include_str!("py/atexit.py")),
    ("traceback", include_str!("py/traceback.py")),
    ("linecache", include_str!("py/linecache.py")),
    ("warnings", include_str!("py/warnings.py")),
    ("unittest", include_str!("py/unittest/__init__.py")),
    ("unittest.case", include_str!("py/unittest/case.py")),
    ("unittest.util", include_str!("py/unittest/util.py")),
    ("unittest.result", include_str!("py/unittest/result.py")),
    ("unittest.suite", include_str!("py/unittest/suite.py")),
    ("unittest.loader", include_str!("py/unittest/loader.py")),
    ("unittest.runner", include_str!("py/unittest/runner.py")),
    ("unittest.main", include_str!("py/unittest/main.py")),
    ("unittest.signals", include_str!("py/unittest/signals.py")),
    ("fnmatch", include_str!("py/fnmatch.py")),
    ("difflib", include_str!("py/difflib.py")),
    ("pprint", include_str!("py/pprint.py")),
    ("textwrap", include_str!("py/textwrap.py")),
    ("inspect", include_str!("py/inspect.py")),
    ("logging", include_str!("py/logging/__init__.py")),
    ("argparse", include_str!("py/argparse.py")),
    ("keyword", include_str!("py/keyword.py")),
    ("hmac", include_str!("py/hmac.py")),
    ("secrets", include_str!("py/secrets.py")),
    ("uuid", include_str!("py/uuid.py")),
    ("timeit", include_str!("py/timeit.py")),
    ("reprlib", include_str!("py/reprlib.py")),
    ("graphlib", include_str!("py/graphlib.py")),
    ("colorsys", include_str!("py/colorsys.py")),
    ("sched", include_str!("py/sched.py")),
    ("contextvars", include_str!("py/contextvars.py")),
    ("html", include_str!("py/html/__init__.py")),
    ("html.entities", include_str!("py/html/entities.py")),
    ("shlex", include_str!("py/shlex.py")),
    ("getopt", include_str!("py/getopt.py")),
    ("multiprocessing", include_str!("py/multiprocessing/__init__.py")),
    ("multiprocessing.util", include_str!("py/multiprocessing/util.py")),
    ("multiprocessing.process", include_str!("py/multiprocessing/process.py")),
    (
        "multiprocessing.popen_fork",
        include_str!("py/multiprocessing/popen_fork.py"),
    ),
    (
        "multiprocessing.popen_spawn",
        include_str!("py/multiprocessing/popen_spawn.py"),
    ),
    ("multiprocessing.spawn", include_str!("py/multiprocessing/spawn.py")),
    (
        "multiprocessing.connection",
        include_str!("py/multiprocessing/connection.py"),
    ),
    (
        "multiprocessing.synchronize",
        include_str!("py/multiprocessing/synchronize.py"),
    ),
    (
        "multiprocessing.sharedctypes",
        include_str!("py/multiprocessing/sharedctypes.py"),
    ),
    ("multiprocessing.queues", include_str!("py/multiprocessing/queues.py")),
    ("multiprocessing.context", include_str!("py/multiprocessing/context.py")),
    ("multiprocessing.pool", include_str!("py/multiprocessing/pool.py")),
    (
        "concurrent.futures.process",
        include_str!("py/concurrent/futures/process.py"),
    ),
    ("_os_helpers", include_str!("py/_os_helpers.py")),
    ("stat", include_str!("py/stat.py")),
    ("glob", include_str!("py/glob.py")),
    ("shutil", include_str!("py/shutil.py")),
    ("tempfile", include_str!("py/tempfile.py")),
    ("pathlib", include_str!("py/pathlib.py")),
    ("platform", include_str!("py/platform.py")),
    ("socket", include_str!("py/socket.py")),
    ("select", include_str!("py/select.py")),
    ("selectors", include_str!("py/selectors.py")),
    ("socketserver", include_str!("py/socketserver.py")),
    ("http", include_str!("py/http/__init__.py")),
    ("http.client", include_str!("py/http/client.py")),
    ("http.server", include_str!("py/http/server.py")),
    ("urllib", include_str!("py/urllib/__init__.py")),
    ("urllib.parse", include_str!("py/urllib/parse.py")),
    ("urllib.error", include_str!("py/urllib/error.py")),
    ("urllib.request", include_str!("py/urllib/request.py")),
    ("csv", include_str!("py/csv.py")),
    ("locale", include_str!("py/locale.py")),
    ("doctest", include_str!("py/doctest.py")),
    ("array", include_str!("py/array.py")),
    ("_async_generators", include_str!("py/_async_generators.py")),
    ("asyncio", include_str!("py/asyncio/__init__.py")),
    ("asyncio.events", include_str!("py/asyncio/events.py")),
    ("asyncio.futures", include_str!("py/asyncio/futures.py")),
    ("asyncio.tasks", include_str!("py/asyncio/tasks.py")),
    ("asyncio.locks", include_str!("py/asyncio/locks.py")),
    ("asyncio.queues", include_str!("py/asyncio/queues.py")),
    ("asyncio.runners", include_str!("py/asyncio/runners.py")),
    ("asyncio.exceptions", include_str!("py/asyncio/exceptions.py")),
];

/// The source of one of the modules compiled into the binary.
pub fn embedded_source(name: &str) -> Option<&'static str> {
    EMBEDDED.iter().find(|(n, _)| *n == name).map(|(_, source)| *source)
}

/// Whether `name` is a package among the modules compiled into the binary: others are named
/// `name.something`.
pub fn is_embedded_package(name: &str) -> bool {
    EMBEDDED
        .iter()
        .any(|(n, _)| n.strip_prefix(name).is_some_and(|rest| rest.starts_with('.')))
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
