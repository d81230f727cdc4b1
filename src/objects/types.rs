//! The built-in classes: created once, immortal, shared by every thread.

use crate::gil::Gil;
use std::sync::OnceLock;

use super::{
    DictTable, Layout, ModuleName, NativeFn, NativeFunction, ObjLock, ObjRef, Payload, PyObject, PyStr, TypeObject,
    Value,
};

macro_rules! builtin_types {
    ($( $field:ident : $name:literal ),* $(,)?) => {
        /// Every built-in class, by field.
        pub struct Types {
            $( pub $field: ObjRef, )*
        }

        /// Every built-in class as (name, field accessor), for the `builtins` module.
        pub const BUILTIN_TYPE_NAMES: &[&str] = &[$($name),*];

        impl Types {
            /// Every built-in class, including those `builtins` does not name (`function`…).
            pub fn every(&self) -> impl Iterator<Item = &ObjRef> {
                [$(&self.$field),*].into_iter()
            }
        }
    };
}

builtin_types! {
    object: "object", type_: "type", none_type: "NoneType", bool_: "bool", int: "int", float: "float",
    complex: "complex", str_: "str", bytes: "bytes", bytearray: "bytearray", memoryview: "memoryview", list: "list", tuple: "tuple", dict: "dict", set: "set",
    frozenset: "frozenset", range: "range", slice: "slice", function: "function",
    builtin_function: "builtin_function_or_method", method: "method", code: "code", cell: "cell",
    module: "module", generator: "generator", coroutine: "coroutine", async_generator: "async_generator",
    iterator: "iterator", property: "property",
    staticmethod: "staticmethod", classmethod: "classmethod", super_: "super",
    dict_keys: "dict_keys", dict_values: "dict_values", dict_items: "dict_items", not_implemented_type: "NotImplementedType",
    ellipsis_type: "ellipsis", member_descriptor: "member_descriptor", traceback: "traceback", frame: "frame", text_io: "TextIOWrapper", buffered_io: "BufferedReader", lock: "lock", hash: "HASH", random: "Random",
    base_exception: "BaseException", exception: "Exception", system_exit: "SystemExit",
    keyboard_interrupt: "KeyboardInterrupt", generator_exit: "GeneratorExit",
    arithmetic_error: "ArithmeticError", zero_division_error: "ZeroDivisionError",
    overflow_error: "OverflowError", lookup_error: "LookupError", index_error: "IndexError",
    key_error: "KeyError", value_error: "ValueError", unicode_error: "UnicodeError",
    unicode_decode_error: "UnicodeDecodeError", unicode_encode_error: "UnicodeEncodeError",
    type_error: "TypeError", attribute_error: "AttributeError", name_error: "NameError",
    unbound_local_error: "UnboundLocalError", runtime_error: "RuntimeError",
    recursion_error: "RecursionError", not_implemented_error: "NotImplementedError",
    stop_iteration: "StopIteration", stop_async_iteration: "StopAsyncIteration", assertion_error: "AssertionError", import_error: "ImportError",
    module_not_found_error: "ModuleNotFoundError", os_error: "OSError",
    file_not_found_error: "FileNotFoundError", file_exists_error: "FileExistsError",
    permission_error: "PermissionError", is_a_directory_error: "IsADirectoryError",
    timeout_error: "TimeoutError", eof_error: "EOFError", memory_error: "MemoryError",
    syntax_error: "SyntaxError", indentation_error: "IndentationError",
    connection_error: "ConnectionError",
    broken_pipe_error: "BrokenPipeError",
    connection_aborted_error: "ConnectionAbortedError",
    connection_refused_error: "ConnectionRefusedError",
    connection_reset_error: "ConnectionResetError",
    not_a_directory_error: "NotADirectoryError",
    interrupted_error: "InterruptedError",
    blocking_io_error: "BlockingIOError",
    child_process_error: "ChildProcessError",
    process_lookup_error: "ProcessLookupError",
    reference_error: "ReferenceError",
    warning: "Warning",
    user_warning: "UserWarning",
    deprecation_warning: "DeprecationWarning",
    pending_deprecation_warning: "PendingDeprecationWarning",
    syntax_warning: "SyntaxWarning",
    runtime_warning: "RuntimeWarning",
    future_warning: "FutureWarning",
    import_warning: "ImportWarning",
    unicode_warning: "UnicodeWarning",
    bytes_warning: "BytesWarning",
    resource_warning: "ResourceWarning",
    encoding_warning: "EncodingWarning",
    buffer_error: "BufferError",
}

static TYPES: OnceLock<Types> = OnceLock::new();

/// The built-in classes a user class may derive from (`class Stack(list)`). Its instances
/// extend a value of the class (`Instance::base`); these classes carry the `__new__`, special
/// methods (`objects/methods/slots.rs`) and comparison methods (`operators.rs`) such a class
/// inherits.
pub const SUBCLASSABLE: [&str; 10] = [
    "int",
    "float",
    "complex",
    "str",
    "bytes",
    "tuple",
    "list",
    "dict",
    "set",
    "frozenset",
];

/// The classes of built-in iterators, by the kind number their `Payload::Iterator` carries.
/// Kind 0 is the generic `iterator`; the others derive from it (which holds their methods).
pub const ITERATOR_TYPE_NAMES: [&str; 23] = [
    "iterator",
    "list_iterator",
    "tuple_iterator",
    "range_iterator",
    "str_ascii_iterator",
    "str_iterator",
    "dict_keyiterator",
    "dict_valueiterator",
    "dict_itemiterator",
    "set_iterator",
    "bytes_iterator",
    "list_reverseiterator",
    "reversed",
    "enumerate",
    "zip",
    "map",
    "filter",
    "callable_iterator",
    "dict_reversekeyiterator",
    "dict_reversevalueiterator",
    "dict_reverseitemiterator",
    "bytearray_iterator",
    "memory_iterator",
];

/// The class of built-in iterators of kind `kind` (see `ITERATOR_TYPE_NAMES`).
pub fn iterator_type(kind: u8) -> &'static ObjRef {
    static ITERATOR_TYPES: OnceLock<Vec<ObjRef>> = OnceLock::new();
    let all = ITERATOR_TYPES.get_or_init(|| {
        let base = &types().iterator;
        std::iter::once(clone_immortal(base))
            .chain(
                ITERATOR_TYPE_NAMES[1..]
                    .iter()
                    .map(|name| new_type(name, &[base], Layout::Builtin)),
            )
            .collect()
    });
    all.get(kind as usize).unwrap_or(&types().iterator)
}

/// The classes of `weakref`, which are no builtins: `weakref.ref` (`ReferenceType`), and the
/// hidden base of the proxy classes `weakref.py` defines on top of it.
pub struct WeakrefTypes {
    pub reference: ObjRef,
    pub proxy_base: ObjRef,
}

pub fn weakref_types() -> &'static WeakrefTypes {
    static WEAKREF_TYPES: OnceLock<WeakrefTypes> = OnceLock::new();
    WEAKREF_TYPES.get_or_init(|| {
        let object = &types().object;
        WeakrefTypes {
            reference: new_type_in("weakref", "ReferenceType", &[object], Layout::Builtin),
            proxy_base: new_type_in("weakref", "ProxyBase", &[object], Layout::Builtin),
        }
    })
}

/// The built-in classes. Created on first use.
pub fn types() -> &'static Types {
    TYPES.get_or_init(create_types)
}

fn new_type(name: &str, bases: &[&ObjRef], layout: Layout) -> ObjRef {
    new_type_in("builtins", name, bases, layout)
}

/// A built-in class that belongs to a module (`random.Random`).
pub fn new_type_in(module: &str, name: &str, bases: &[&ObjRef], layout: Layout) -> ObjRef {
    // Of the built-in classes' instances only exceptions (tracebacks and frames) are `Instance`s
    // with a namespace; none can be weakly referenced.
    let shape = super::InstanceShape {
        dict: layout == Layout::Exception || name == "traceback" || name == "frame",
        weakref: false,
        members: false,
    };
    build_type(module, name, bases, layout, shape, false, DictTable::new())
}

/// A class made in Rust whose instances are ordinary `Instance`s (with the given `shape`)
/// and whose namespace is `entries` (`types.SimpleNamespace`, `random.SystemRandom`, the
/// struct sequences). `static_builtin` names it `module.name` in messages, as a C type is.
pub fn new_native_class(
    module: &str,
    name: &str,
    bases: &[&ObjRef],
    shape: super::InstanceShape,
    static_builtin: bool,
    entries: Vec<(&str, Value)>,
) -> ObjRef {
    let mut dict = DictTable::new();
    for (key, value) in entries {
        drop(dict.insert_name(key, value));
    }
    drop(dict.insert_name("__module__", Value::Obj(intern(module))));
    build_type(module, name, bases, Layout::Object, shape, static_builtin, dict)
}

fn build_type(
    module: &str,
    name: &str,
    bases: &[&ObjRef],
    layout: Layout,
    shape: super::InstanceShape,
    static_builtin: bool,
    dict: DictTable,
) -> ObjRef {
    let mut mro = Vec::new();
    for base in bases {
        if let Payload::Type(t) = &base.payload {
            mro.push(clone_immortal(base));
            for m in &t.mro {
                if !mro.iter().any(|x: &ObjRef| x.is(m)) {
                    mro.push(clone_immortal(m));
                }
            }
        }
    }
    ObjRef::new_immortal(PyObject::new(Payload::Type(Box::new(TypeObject {
        name: name.to_string(),
        qualname: name.to_string(),
        module: module.to_string(),
        bases: bases.iter().map(|b| clone_immortal(b)).collect(),
        mro,
        dict: ObjLock::new(dict),
        layout,
        finalizer: super::gc::FinalizerCache::new(false),
        shape,
        metaclass: None,
        static_builtin,
    }))))
}

/// Copy a handle to an immortal object; no count changes, so no token is needed.
pub fn clone_immortal(obj: &ObjRef) -> ObjRef {
    obj.immortal_copy()
}

fn create_types() -> Types {
    let object = new_type("object", &[], Layout::Object);
    let b = |name: &str| new_type(name, &[&object], Layout::Builtin);
    let int = b("int");
    let base_exception = new_type("BaseException", &[&object], Layout::Exception);
    let e = |name: &str, base: &ObjRef| new_type(name, &[base], Layout::Exception);
    let exception = e("Exception", &base_exception);
    let arithmetic_error = e("ArithmeticError", &exception);
    let lookup_error = e("LookupError", &exception);
    let value_error = e("ValueError", &exception);
    let unicode_error = e("UnicodeError", &value_error);
    let name_error = e("NameError", &exception);
    let runtime_error = e("RuntimeError", &exception);
    let import_error = e("ImportError", &exception);
    let os_error = e("OSError", &exception);
    let syntax_error = e("SyntaxError", &exception);
    let connection_error = e("ConnectionError", &os_error);
    let warning = e("Warning", &exception);
    Types {
        type_: b("type"),
        none_type: b("NoneType"),
        bool_: new_type("bool", &[&int], Layout::Builtin),
        float: b("float"),
        complex: b("complex"),
        str_: b("str"),
        bytes: b("bytes"),
        bytearray: b("bytearray"),
        memoryview: b("memoryview"),
        list: b("list"),
        tuple: b("tuple"),
        dict: b("dict"),
        set: b("set"),
        frozenset: b("frozenset"),
        range: b("range"),
        slice: b("slice"),
        function: b("function"),
        builtin_function: b("builtin_function_or_method"),
        method: b("method"),
        code: b("code"),
        cell: b("cell"),
        module: b("module"),
        generator: b("generator"),
        coroutine: b("coroutine"),
        async_generator: b("async_generator"),
        iterator: b("iterator"),
        property: b("property"),
        staticmethod: b("staticmethod"),
        classmethod: b("classmethod"),
        super_: b("super"),
        dict_keys: b("dict_keys"),
        dict_values: b("dict_values"),
        dict_items: b("dict_items"),
        not_implemented_type: b("NotImplementedType"),
        ellipsis_type: b("ellipsis"),
        member_descriptor: b("member_descriptor"),
        // Plain instances: their `tb_lineno`, `tb_next`… are entries of the instance dict.
        traceback: new_type("traceback", &[&object], Layout::Object),
        // Snapshots of a running frame, their attributes in the instance dict (`vm::frames`).
        frame: new_type("frame", &[&object], Layout::Object),
        text_io: b("TextIOWrapper"),
        buffered_io: b("BufferedReader"),
        lock: b("lock"),
        hash: b("HASH"),
        random: new_type_in("random", "Random", &[&object], Layout::Builtin),
        system_exit: e("SystemExit", &base_exception),
        keyboard_interrupt: e("KeyboardInterrupt", &base_exception),
        generator_exit: e("GeneratorExit", &base_exception),
        zero_division_error: e("ZeroDivisionError", &arithmetic_error),
        overflow_error: e("OverflowError", &arithmetic_error),
        index_error: e("IndexError", &lookup_error),
        key_error: e("KeyError", &lookup_error),
        unicode_decode_error: e("UnicodeDecodeError", &unicode_error),
        unicode_encode_error: e("UnicodeEncodeError", &unicode_error),
        type_error: e("TypeError", &exception),
        attribute_error: e("AttributeError", &exception),
        unbound_local_error: e("UnboundLocalError", &name_error),
        recursion_error: e("RecursionError", &runtime_error),
        not_implemented_error: e("NotImplementedError", &runtime_error),
        stop_iteration: e("StopIteration", &exception),
        stop_async_iteration: e("StopAsyncIteration", &exception),
        assertion_error: e("AssertionError", &exception),
        module_not_found_error: e("ModuleNotFoundError", &import_error),
        file_not_found_error: e("FileNotFoundError", &os_error),
        file_exists_error: e("FileExistsError", &os_error),
        permission_error: e("PermissionError", &os_error),
        is_a_directory_error: e("IsADirectoryError", &os_error),
        timeout_error: e("TimeoutError", &os_error),
        eof_error: e("EOFError", &exception),
        memory_error: e("MemoryError", &exception),
        indentation_error: e("IndentationError", &syntax_error),
        broken_pipe_error: e("BrokenPipeError", &connection_error),
        connection_aborted_error: e("ConnectionAbortedError", &connection_error),
        connection_refused_error: e("ConnectionRefusedError", &connection_error),
        connection_reset_error: e("ConnectionResetError", &connection_error),
        not_a_directory_error: e("NotADirectoryError", &os_error),
        interrupted_error: e("InterruptedError", &os_error),
        blocking_io_error: e("BlockingIOError", &os_error),
        child_process_error: e("ChildProcessError", &os_error),
        process_lookup_error: e("ProcessLookupError", &os_error),
        reference_error: e("ReferenceError", &exception),
        user_warning: e("UserWarning", &warning),
        deprecation_warning: e("DeprecationWarning", &warning),
        pending_deprecation_warning: e("PendingDeprecationWarning", &warning),
        syntax_warning: e("SyntaxWarning", &warning),
        runtime_warning: e("RuntimeWarning", &warning),
        future_warning: e("FutureWarning", &warning),
        import_warning: e("ImportWarning", &warning),
        unicode_warning: e("UnicodeWarning", &warning),
        bytes_warning: e("BytesWarning", &warning),
        resource_warning: e("ResourceWarning", &warning),
        encoding_warning: e("EncodingWarning", &warning),
        buffer_error: e("BufferError", &exception),
        object,
        int,
        base_exception,
        exception,
        arithmetic_error,
        lookup_error,
        value_error,
        unicode_error,
        name_error,
        runtime_error,
        import_error,
        os_error,
        syntax_error,
        connection_error,
        warning,
    }
}

impl Types {
    /// The classes of [`SUBCLASSABLE`].
    pub fn subclassable(&self) -> impl Iterator<Item = &ObjRef> {
        SUBCLASSABLE.iter().filter_map(|name| self.by_name(name))
    }

    /// Every built-in class with its name, for populating `builtins`.
    pub fn all(&self) -> impl Iterator<Item = &ObjRef> {
        BUILTIN_TYPE_NAMES.iter().filter_map(|name| self.by_name(name))
    }

    pub fn by_name(&self, name: &str) -> Option<&ObjRef> {
        let t = self;
        Some(match name {
            "object" => &t.object,
            "type" => &t.type_,
            "bool" => &t.bool_,
            "int" => &t.int,
            "float" => &t.float,
            "complex" => &t.complex,
            "str" => &t.str_,
            "bytes" => &t.bytes,
            "bytearray" => &t.bytearray,
            "memoryview" => &t.memoryview,
            "list" => &t.list,
            "tuple" => &t.tuple,
            "dict" => &t.dict,
            "set" => &t.set,
            "frozenset" => &t.frozenset,
            "range" => &t.range,
            "slice" => &t.slice,
            "property" => &t.property,
            "staticmethod" => &t.staticmethod,
            "classmethod" => &t.classmethod,
            "super" => &t.super_,
            "BaseException" => &t.base_exception,
            "Exception" => &t.exception,
            "SystemExit" => &t.system_exit,
            "KeyboardInterrupt" => &t.keyboard_interrupt,
            "GeneratorExit" => &t.generator_exit,
            "ArithmeticError" => &t.arithmetic_error,
            "ZeroDivisionError" => &t.zero_division_error,
            "OverflowError" => &t.overflow_error,
            "LookupError" => &t.lookup_error,
            "IndexError" => &t.index_error,
            "KeyError" => &t.key_error,
            "ValueError" => &t.value_error,
            "UnicodeError" => &t.unicode_error,
            "UnicodeDecodeError" => &t.unicode_decode_error,
            "UnicodeEncodeError" => &t.unicode_encode_error,
            "TypeError" => &t.type_error,
            "AttributeError" => &t.attribute_error,
            "NameError" => &t.name_error,
            "UnboundLocalError" => &t.unbound_local_error,
            "RuntimeError" => &t.runtime_error,
            "RecursionError" => &t.recursion_error,
            "NotImplementedError" => &t.not_implemented_error,
            "StopIteration" => &t.stop_iteration,
            "StopAsyncIteration" => &t.stop_async_iteration,
            "AssertionError" => &t.assertion_error,
            "ImportError" => &t.import_error,
            "ModuleNotFoundError" => &t.module_not_found_error,
            "OSError" => &t.os_error,
            "FileNotFoundError" => &t.file_not_found_error,
            "FileExistsError" => &t.file_exists_error,
            "PermissionError" => &t.permission_error,
            "IsADirectoryError" => &t.is_a_directory_error,
            "TimeoutError" => &t.timeout_error,
            "EOFError" => &t.eof_error,
            "MemoryError" => &t.memory_error,
            "SyntaxError" => &t.syntax_error,
            "IndentationError" => &t.indentation_error,
            "ConnectionError" => &t.connection_error,
            "BrokenPipeError" => &t.broken_pipe_error,
            "ConnectionAbortedError" => &t.connection_aborted_error,
            "ConnectionRefusedError" => &t.connection_refused_error,
            "ConnectionResetError" => &t.connection_reset_error,
            "NotADirectoryError" => &t.not_a_directory_error,
            "InterruptedError" => &t.interrupted_error,
            "BlockingIOError" => &t.blocking_io_error,
            "ChildProcessError" => &t.child_process_error,
            "ProcessLookupError" => &t.process_lookup_error,
            "ReferenceError" => &t.reference_error,
            "Warning" => &t.warning,
            "UserWarning" => &t.user_warning,
            "DeprecationWarning" => &t.deprecation_warning,
            "PendingDeprecationWarning" => &t.pending_deprecation_warning,
            "SyntaxWarning" => &t.syntax_warning,
            "RuntimeWarning" => &t.runtime_warning,
            "FutureWarning" => &t.future_warning,
            "ImportWarning" => &t.import_warning,
            "UnicodeWarning" => &t.unicode_warning,
            "BytesWarning" => &t.bytes_warning,
            "ResourceWarning" => &t.resource_warning,
            "EncodingWarning" => &t.encoding_warning,
            "BufferError" => &t.buffer_error,
            _ => return None,
        })
    }
}

/// An immortal native function object.
pub fn native(name: &'static str, function: NativeFn, is_method: bool) -> ObjRef {
    new_native(NativeFunction {
        name,
        function,
        is_method,
        counted: false,
        module: None,
    })
}

/// An immortal function of module `module` (`len` of `builtins`, `sqrt` of `math`); `counted`
/// when its calls count against the recursion limit, as CPython counts them.
pub fn module_function(module: &'static ModuleName, name: &'static str, function: NativeFn, counted: bool) -> ObjRef {
    new_native(NativeFunction {
        name,
        function,
        is_method: false,
        counted,
        module: Some(module),
    })
}

fn new_native(function: NativeFunction) -> ObjRef {
    ObjRef::new_immortal(PyObject::new(Payload::Native(function)))
}

/// An immortal `str`, for names stored in immortal tables.
pub fn immortal_str(text: &str) -> ObjRef {
    ObjRef::new_immortal(PyObject::new(Payload::Str(PyStr::new(text))))
}

/// The methods of built-in types that CPython 3.11 calls without counting a level against the
/// recursion limit (its `METH_FASTCALL` methods); the others count one, so a runaway
/// recursion through `visited.add(node)` ends "while calling a Python object" as in CPython.
/// Special methods are called by the interpreter itself and count nothing.
const UNCOUNTED_METHODS: &[(&str, &[&str])] = &[
    ("list", &["append", "count", "index", "insert", "pop", "remove", "sort"]),
    ("tuple", &["count", "index"]),
    ("dict", &["get", "pop", "setdefault"]),
    (
        "str",
        &[
            "center",
            "encode",
            "expandtabs",
            "ljust",
            "lstrip",
            "replace",
            "rjust",
            "rsplit",
            "rstrip",
            "split",
            "splitlines",
            "strip",
        ],
    ),
    (
        "bytes",
        &[
            "decode", "hex", "lstrip", "replace", "rsplit", "rstrip", "split", "strip",
        ],
    ),
    ("int", &["to_bytes"]),
];

fn method_is_counted(class: &TypeObject, name: &str) -> bool {
    !name.starts_with("__")
        && !UNCOUNTED_METHODS
            .iter()
            .any(|(class_name, names)| *class_name == class.name && names.contains(&name))
}

/// Add native methods to a built-in type's namespace (done once at start-up).
pub fn add_methods(py: Gil<'_>, class: &ObjRef, methods: &[(&'static str, NativeFn)]) {
    let Payload::Type(t) = &class.payload else { return };
    let mut dict = t.dict.lock(py);
    for &(name, function) in methods {
        let key = immortal_str(name);
        let hash = match &key.payload {
            Payload::Str(s) => s.hash(),
            _ => 0,
        };
        let method = new_native(NativeFunction {
            name,
            function,
            is_method: true,
            counted: method_is_counted(t, name),
            module: None,
        });
        dict.insert(hash, Value::Obj(key), Value::Obj(method), |k| k.as_str() == Some(name));
    }
}

/// The one immortal `str` object for `name`: attribute and global names are looked up with
/// these, so each name is allocated once per process.
pub fn intern(name: &str) -> ObjRef {
    static TABLE: OnceLock<parking_lot::Mutex<std::collections::HashMap<String, ObjRef>>> = OnceLock::new();
    let mut table = TABLE.get_or_init(Default::default).lock();
    if let Some(s) = table.get(name) {
        return s.immortal_copy();
    }
    let s = immortal_str(name);
    table.insert(name.to_string(), s.immortal_copy());
    s
}
