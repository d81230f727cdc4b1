//! The virtual machine: per-thread interpreter state and the operations the eval loop and the
//! built-ins share (calls, attributes, errors).

pub mod args;
pub mod attr_cache;
pub mod attrs;
#[cfg(feature = "fuzzing")]
pub mod budget;
pub mod classes;
pub mod collector;
pub mod convert;
pub mod coroutines;
pub mod eval;
pub mod finalize;
pub mod frame;
pub mod frames;
pub mod import;
pub mod import_lock;
pub mod introspect;
pub mod matching;
pub mod metaclass;
pub mod ops;
pub mod os_error;
pub mod recursion;
pub mod sets;
pub mod slots;
pub mod traceback;

use std::path::PathBuf;
use std::sync::Arc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use std::collections::HashMap;

use crate::compile::bytecode::{CodeObject, Constant};
use crate::compile::codegen::{ConstKey, const_key};
use crate::gil::Gil;
use crate::objects::complex::Complex;
use crate::objects::types::{clone_immortal, types};
use crate::objects::{
    CodeHandle, DictObject, DictTable, DictViewKind, ExceptionState, GenKind, Instance, Layout, ObjLock, ObjRef,
    Payload, PyObject, PyStr, SetTable, Value,
};

pub type PyResult<T> = Result<T, PyErr>;

/// A set table of constants, added one by one.
fn constant_table(items: impl Iterator<Item = Value>) -> SetTable {
    let mut table = SetTable::new();
    for item in items {
        // Constants (numbers, strings, bytes, tuples of those) hash without Python code.
        let hash = crate::objects::hashing::hash_value(&item).unwrap_or_default();
        table.insert(hash, item, ops::key_eq);
    }
    table
}

/// A raised exception: an exception instance travelling up the Rust stack.
#[derive(Debug)]
pub struct PyErr {
    pub exc: ObjRef,
}

/// The shared interpreter state handed to a new thread. Moving it needs no token; the new
/// thread attaches before it touches any of it.
pub struct ThreadSeed {
    builtins: ObjRef,
    modules: ObjRef,
    script_dir: PathBuf,
    argv: Vec<String>,
    recursion_limit: usize,
}

/// Default `sys.getrecursionlimit()`, as in CPython.
pub const DEFAULT_RECURSION_LIMIT: usize = 1000;

/// Keep this much native stack free; deeper native recursion raises `RecursionError`.
const STACK_SAFETY_MARGIN: usize = 256 * 1024;

/// Interpreter state for one thread.
pub struct Vm<'py> {
    pub py: Gil<'py>,
    /// The `builtins` module's namespace.
    pub builtins: ObjRef,
    /// `sys.modules`: name → module.
    pub modules: ObjRef,
    /// Folder of the main script: where `import helper` finds `helper.toy`.
    pub script_dir: PathBuf,
    pub argv: Vec<String>,
    pub recursion_limit: usize,
    depth: usize,
    /// The exception being handled (`sys.exc_info()`), for bare `raise` and implicit chaining.
    pub handled: Option<ObjRef>,
    /// How many finalizer runs are nested on this thread (see `finalize.rs`).
    finalizer_nesting: u32,
    /// The Python frames running on this thread, innermost last (see `frames`).
    pub frames: Vec<frames::ActiveFrame>,
    /// Address of a local near the bottom of this thread's stack, and the stack's size.
    stack_base: usize,
    stack_size: usize,
    /// Addresses of the containers whose `repr` is in progress, to print `[...]` for cycles: a
    /// set, as a deep repr has as many of them as the stack has room for.
    repr_in_progress: std::collections::HashSet<usize>,
    /// This thread's eval breaker, tested at every check point.
    breaker: std::sync::Arc<crate::gil::lock::EvalBreaker>,
    /// Slots for calls from Rust into Python, and argument vectors, reused by the next calls.
    spare_slots: Vec<frame::Slots>,
    spare_args: Vec<Vec<Value>>,
    /// Class attribute lookups already made (see `attr_cache`).
    attr_cache: attr_cache::AttrCache,
    /// This thread's current `contextvars.Context` (`modules::context_state`).
    pub context: Option<Value>,
    /// This thread's current `decimal` context (`decimal.getcontext()`), once it has one.
    pub decimal_context: Option<Value>,
}

impl Drop for Vm<'_> {
    fn drop(&mut self) {
        // Dropped while the thread still counts its own frees, like the objects it ran with.
        self.decimal_context = None;
        // The thread's interpreter is done: objects others dropped references to are merged
        // now, before `join()` can return, so counts and `live_objects` are exact after it.
        crate::objects::refcount::retire_thread();
        crate::objects::gc::heap::retire();
    }
}

impl<'py> Vm<'py> {
    /// A VM for the calling thread. `stack_size` is the size of the thread's native stack.
    pub fn new(py: Gil<'py>, script_dir: PathBuf, argv: Vec<String>, stack_size: usize) -> Vm<'py> {
        let empty_dict = || {
            ObjRef::new(
                py,
                PyObject::new(Payload::Dict(Box::new(DictObject::new(DictTable::new())))),
            )
        };
        let seed = ThreadSeed {
            builtins: empty_dict(),
            modules: empty_dict(),
            script_dir,
            argv,
            recursion_limit: DEFAULT_RECURSION_LIMIT,
        };
        let mut vm = Vm::for_thread(py, seed, stack_size);
        crate::modules::builtins::populate(&mut vm);
        vm
    }

    /// What a new interpreter thread shares with the one that started it.
    pub fn thread_seed(&self) -> ThreadSeed {
        if crate::gil::is_free_threaded() {
            self.immortalize_definitions();
        }
        ThreadSeed {
            builtins: self.builtins.clone_ref(self.py),
            modules: self.modules.clone_ref(self.py),
            script_dir: self.script_dir.clone(),
            argv: self.argv.clone(),
            recursion_limit: self.recursion_limit,
        }
    }

    /// Free-threaded, before a thread starts: make the loaded modules, their namespaces and
    /// the functions and classes (with their methods) bound there immortal, as CPython 3.13t
    /// does for functions, code objects, modules and classes when the first thread starts.
    /// Every thread loads and calls these all the time; counted, each count would be a cache
    /// line the cores fight over, and `LoadGlobal` can read immortal values without a lock.
    /// They are kept for good (a module-level definition usually lives that long anyway).
    fn immortalize_definitions(&self) {
        let py = self.py;
        let Payload::Dict(modules) = &self.modules.payload else {
            return;
        };
        let modules: Vec<Value> = modules.lock(py).iter().map(|e| e.value.clone_ref(py)).collect();
        for module in modules.iter().filter_map(Value::as_obj) {
            let Payload::Module(m) = &module.payload else {
                continue;
            };
            module.immortalize(py);
            m.dict.immortalize(py);
            let Payload::Dict(namespace) = &m.dict.payload else {
                continue;
            };
            let values: Vec<Value> = namespace.lock(py).iter().map(|e| e.value.clone_ref(py)).collect();
            for value in values.iter().filter_map(Value::as_obj) {
                match &value.payload {
                    Payload::Function(_) => {
                        value.immortalize(py);
                    }
                    // Once per class: an immortal class was done at an earlier thread start.
                    Payload::Type(class) if value.immortalize(py) => {
                        let members: Vec<Value> = class.dict.lock(py).iter().map(|e| e.value.clone_ref(py)).collect();
                        for member in members.iter().filter_map(Value::as_obj) {
                            immortalize_method(py, member);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// A VM for the calling thread over shared interpreter state: a thread started by
    /// `_thread.start_new_thread` gets its parent's builtins and modules.
    pub fn for_thread(py: Gil<'py>, seed: ThreadSeed, stack_size: usize) -> Vm<'py> {
        let marker = 0u8;
        let breaker = crate::gil::current_breaker();
        Vm {
            py,
            builtins: seed.builtins,
            modules: seed.modules,
            script_dir: seed.script_dir,
            argv: seed.argv,
            recursion_limit: seed.recursion_limit,
            depth: 0,
            handled: None,
            finalizer_nesting: 0,
            frames: Vec::new(),
            stack_base: std::ptr::addr_of!(marker) as usize,
            stack_size,
            repr_in_progress: std::collections::HashSet::new(),
            breaker,
            spare_slots: Vec::new(),
            spare_args: Vec::new(),
            attr_cache: Default::default(),
            context: None,
            decimal_context: None,
        }
    }

    /// Forget this thread's cached lookups, and the references they keep (for leak checks).
    pub fn clear_caches(&mut self) {
        self.attr_cache = Default::default();
    }

    // ----- constructors -------------------------------------------------------------------

    pub fn alloc(&self, payload: Payload) -> Value {
        Value::Obj(ObjRef::new(self.py, PyObject::new(payload)))
    }

    /// A `str`. The empty string is one object, as in CPython.
    pub fn new_str(&self, text: impl Into<Box<str>>) -> Value {
        let text = text.into();
        if text.is_empty() {
            return Value::Obj(clone_immortal(&singletons().empty_str));
        }
        self.alloc(Payload::Str(PyStr::new(text)))
    }

    /// A one-character `str`, for string indexing, iteration, slicing and `chr`: below 256,
    /// one object per character, as CPython hands out (identity can tell: `is`, pickle's memo).
    pub fn char_str(&self, c: char) -> Value {
        match singletons().latin1.get(c as usize) {
            Some(cached) => Value::Obj(clone_immortal(cached)),
            None => self.alloc(Payload::Str(PyStr::new(c.to_string()))),
        }
    }

    pub fn new_list(&self, items: Vec<Value>) -> Value {
        self.alloc(Payload::List(ObjLock::new(items)))
    }

    pub fn new_tuple(&self, items: Vec<Value>) -> Value {
        self.alloc(Payload::Tuple(items.into_boxed_slice()))
    }

    pub fn new_dict(&self) -> Value {
        self.alloc(Payload::Dict(Box::new(DictObject::new(DictTable::new()))))
    }

    /// An int, unboxed when it fits a machine word.
    pub fn new_int(&self, value: BigInt) -> Value {
        match value.to_i64() {
            Some(i) => Value::Int(i),
            None => self.alloc(Payload::BigInt(value)),
        }
    }

    /// A `bytes`. Empty and one-byte ones are shared objects, as in CPython.
    pub fn new_bytes(&self, bytes: Vec<u8>) -> Value {
        match small_bytes(&bytes) {
            Some(shared) => Value::Obj(clone_immortal(shared)),
            None => self.alloc(Payload::Bytes(bytes.into_boxed_slice())),
        }
    }

    /// Turn a compiled code object into a runnable one (constants and names become objects).
    pub fn load_code(&self, code: Arc<CodeObject>) -> ObjRef {
        self.load_code_merging(code, &mut HashMap::new())
    }

    /// `load_code`, with the constants already made for the same compilation: equal constants
    /// of a module and the functions and classes in it are one object, as CPython's compiler
    /// merges them (identity can tell: `is`, pickle's memo).
    fn load_code_merging(&self, code: Arc<CodeObject>, merged: &mut HashMap<ConstKey, Value>) -> ObjRef {
        let constants = code.constants.iter().map(|c| self.constant(c, merged)).collect();
        let names = code.names.iter().map(|n| crate::objects::types::intern(n)).collect();
        let global_hints = code.names.iter().map(|_| crate::objects::GlobalHint::new()).collect();
        ObjRef::new_immortal(PyObject::new(Payload::Code(Box::new(CodeHandle {
            code,
            constants,
            names,
            global_hints,
        }))))
    }

    /// Constants are immortal: loading one in a hot loop never touches a refcount.
    fn constant(&self, constant: &Constant, merged: &mut HashMap<ConstKey, Value>) -> Value {
        let key = match constant {
            Constant::Str(_) | Constant::Bytes(_) | Constant::Tuple(_) | Constant::FrozenSet(_) => const_key(constant),
            Constant::Int(i) if i.to_i64().is_none() => const_key(constant),
            _ => None,
        };
        if let Some(found) = key.as_ref().and_then(|k| merged.get(k)) {
            return found.clone_ref(self.py);
        }
        let value = self.new_constant(constant, merged);
        if let Some(key) = key {
            merged.insert(key, value.clone_ref(self.py));
        }
        value
    }

    fn new_constant(&self, constant: &Constant, merged: &mut HashMap<ConstKey, Value>) -> Value {
        let immortal = |payload| Value::Obj(ObjRef::new_immortal(PyObject::new(payload)));
        match constant {
            Constant::None => Value::None,
            Constant::Bool(b) => Value::Bool(*b),
            Constant::Ellipsis => self.ellipsis(),
            Constant::Int(i) => match i.to_i64() {
                Some(v) => Value::Int(v),
                None => immortal(Payload::BigInt(i.clone())),
            },
            Constant::Float(f) => Value::Float(*f),
            Constant::Complex(re, im) => immortal(Payload::Complex(Complex::new(*re, *im))),
            // Names are interned, as CPython's compiler interns constants made of name
            // characters only.
            Constant::Str(s) if s.is_empty() => self.new_str(""),
            Constant::Str(s) if s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') => {
                Value::Obj(crate::objects::types::intern(s))
            }
            Constant::Str(s) => immortal(Payload::Str(PyStr::new(s.as_str()))),
            Constant::Bytes(b) => match small_bytes(b) {
                Some(shared) => Value::Obj(clone_immortal(shared)),
                None => immortal(Payload::Bytes(b.clone().into_boxed_slice())),
            },
            Constant::Tuple(items) => {
                immortal(Payload::Tuple(items.iter().map(|c| self.constant(c, merged)).collect()))
            }
            Constant::FrozenSet(items) => {
                // CPython's compiler builds the frozenset from the display's items, then builds
                // it again from its own iteration order when merging constants
                // (`merge_consts_recursive`); the layout is the second one's.
                let built = constant_table(items.iter().map(|c| self.constant(c, merged)));
                immortal(Payload::FrozenSet(Box::new(constant_table(
                    built.into_entries().map(|e| e.key),
                ))))
            }
            Constant::Code(code) => Value::Obj(self.load_code_merging(code.clone(), merged)),
        }
    }

    pub fn not_implemented(&self) -> Value {
        Value::Obj(clone_immortal(&singletons().not_implemented))
    }

    pub fn ellipsis(&self) -> Value {
        Value::Obj(clone_immortal(&singletons().ellipsis))
    }

    // ----- errors -------------------------------------------------------------------------

    /// A new exception of built-in class `class` with one string argument.
    pub fn new_error(&self, class: &ObjRef, msg: impl Into<String>) -> PyErr {
        let arg = self.new_str(msg.into());
        self.new_error_with_args(class, vec![arg])
    }

    pub fn new_error_with_args(&self, class: &ObjRef, args: Vec<Value>) -> PyErr {
        PyErr {
            exc: self.new_exception_instance(class, args),
        }
    }

    pub fn new_exception_instance(&self, class: &ObjRef, args: Vec<Value>) -> ObjRef {
        let args = ObjRef::new(self.py, PyObject::new(Payload::Tuple(args.into_boxed_slice())));
        let state = ExceptionState {
            args: Some(args),
            ..ExceptionState::default()
        };
        ObjRef::new(
            self.py,
            PyObject::new(Payload::Instance(Box::new(Instance::new(
                class.clone_ref(self.py),
                Some(ObjLock::new(state)),
                None,
            )))),
        )
    }

    pub fn type_error(&self, msg: impl Into<String>) -> PyErr {
        self.new_error(&types().type_error, msg)
    }

    pub fn value_error(&self, msg: impl Into<String>) -> PyErr {
        self.new_error(&types().value_error, msg)
    }

    pub fn index_error(&self, msg: impl Into<String>) -> PyErr {
        self.new_error(&types().index_error, msg)
    }

    pub fn runtime_error(&self, msg: impl Into<String>) -> PyErr {
        self.new_error(&types().runtime_error, msg)
    }

    pub fn overflow_error(&self, msg: impl Into<String>) -> PyErr {
        self.new_error(&types().overflow_error, msg)
    }

    pub fn zero_division(&self, msg: impl Into<String>) -> PyErr {
        self.new_error(&types().zero_division_error, msg)
    }

    pub fn key_error(&self, key: &Value) -> PyErr {
        let key = key.clone_ref(self.py);
        self.new_error_with_args(&types().key_error, vec![key])
    }

    pub fn name_error(&self, name: &str) -> PyErr {
        self.new_error(&types().name_error, format!("name '{name}' is not defined"))
    }

    pub fn attribute_error(&self, obj: &Value, name: &str) -> PyErr {
        let msg = match obj.payload() {
            Some(Payload::Module(m)) => format!("module '{}' has no attribute '{name}'", m.name),
            Some(Payload::Type(t)) => format!("type object '{}' has no attribute '{name}'", t.name),
            _ => format!("'{}' object has no attribute '{name}'", self.type_name(obj)),
        };
        self.new_error(&types().attribute_error, msg)
    }

    /// Whether `err` is an instance of `class` (or a subclass).
    pub fn err_matches(&self, err: &PyErr, class: &ObjRef) -> bool {
        is_subclass(self.class_of(&err.exc), class)
    }

    // ----- types --------------------------------------------------------------------------

    /// The class of a heap object.
    pub fn class_of<'a>(&self, obj: &'a ObjRef) -> &'a ObjRef {
        let t = types();
        match &obj.payload {
            Payload::Instance(i) => &i.class,
            payload => payload_class(self.py, payload, t),
        }
    }

    /// `type(value)`.
    pub fn type_of<'a>(&self, value: &'a Value) -> &'a ObjRef {
        let t = types();
        match value {
            Value::None => &t.none_type,
            Value::Bool(_) => &t.bool_,
            Value::Int(_) => &t.int,
            Value::Float(_) => &t.float,
            Value::Obj(o) => self.class_of(o),
        }
    }

    /// `type(value).__name__`.
    pub fn type_name(&self, value: &Value) -> String {
        match &self.type_of(value).payload {
            Payload::Type(t) => t.message_name(),
            _ => "?".to_string(),
        }
    }

    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// The class of objects whose payload fixes it.
fn payload_class<'a>(py: Gil<'_>, payload: &'a Payload, t: &'a crate::objects::types::Types) -> &'a ObjRef {
    match payload {
        Payload::Str(_) => &t.str_,
        Payload::BigInt(_) => &t.int,
        Payload::Complex(_) => &t.complex,
        Payload::Bytes(_) => &t.bytes,
        Payload::ByteArray(_) => &t.bytearray,
        Payload::MemoryView(_) => &t.memoryview,
        Payload::Tuple(_) => &t.tuple,
        Payload::List(_) => &t.list,
        Payload::Dict(_) => &t.dict,
        Payload::Set(_) => &t.set,
        Payload::FrozenSet(_) => &t.frozenset,
        Payload::Range(_) => &t.range,
        Payload::Slice(_) => &t.slice,
        Payload::Code(_) => &t.code,
        Payload::Function(_) => &t.function,
        Payload::Native(_) => &t.builtin_function,
        Payload::BoundMethod(..) => &t.method,
        Payload::Cell(_) => &t.cell,
        Payload::Module(_) => &t.module,
        Payload::Type(class) => class.metaclass.as_ref().unwrap_or(&t.type_),
        Payload::Instance(_) => &t.object,
        Payload::Iterator(kind, _) => crate::objects::types::iterator_type(*kind),
        Payload::Generator(g) => match g.lock(py).kind {
            GenKind::Generator => &t.generator,
            GenKind::Coroutine => &t.coroutine,
            GenKind::AsyncGenerator => &t.async_generator,
        },
        Payload::Property(_) => &t.property,
        Payload::StaticMethod(_) => &t.staticmethod,
        Payload::ClassMethod(_) => &t.classmethod,
        Payload::Super { .. } => &t.super_,
        Payload::DictView(_, kind) => match kind {
            DictViewKind::Keys => &t.dict_keys,
            DictViewKind::Values => &t.dict_values,
            DictViewKind::Items => &t.dict_items,
        },
        Payload::NotImplemented => &t.not_implemented_type,
        Payload::Ellipsis => &t.ellipsis_type,
        Payload::Stream(_) => &t.text_io,
        Payload::Lock(_) => &t.lock,
        Payload::Hash(_) => &t.hash,
        Payload::Zlib(stream) => stream.class(),
        Payload::Random(_) => &t.random,
        Payload::Member(_) => &t.member_descriptor,
        Payload::WeakRef(w) => match w.kind {
            crate::objects::weakref::WeakKind::Ref => &crate::objects::types::weakref_types().reference,
            _ => &crate::objects::types::weakref_types().proxy_base,
        },
        Payload::File(f) => {
            if f.lock(py).binary {
                &t.buffered_io
            } else {
                &t.text_io
            }
        }
    }
}

/// `issubclass(class, base)` along the MRO.
pub fn is_subclass(class: &ObjRef, base: &ObjRef) -> bool {
    if class.is(base) {
        return true;
    }
    match &class.payload {
        Payload::Type(t) => t.mro.iter().any(|m| m.is(base)),
        _ => false,
    }
}

/// Instances of this class carry exception state.
pub fn is_exception_class(class: &ObjRef) -> bool {
    matches!(&class.payload, Payload::Type(t) if t.layout == Layout::Exception)
}

struct Singletons {
    not_implemented: ObjRef,
    ellipsis: ObjRef,
    /// `''`, and the one-character strings of the code points below 256.
    empty_str: ObjRef,
    latin1: Vec<ObjRef>,
    /// `b''` and the one-byte `bytes`.
    empty_bytes: ObjRef,
    single_bytes: Vec<ObjRef>,
}

fn singletons() -> &'static Singletons {
    static SINGLETONS: std::sync::OnceLock<Singletons> = std::sync::OnceLock::new();
    SINGLETONS.get_or_init(|| {
        let immortal = |payload| ObjRef::new_immortal(PyObject::new(payload));
        Singletons {
            not_implemented: immortal(Payload::NotImplemented),
            ellipsis: immortal(Payload::Ellipsis),
            empty_str: crate::objects::types::intern(""),
            latin1: (0..=255u8)
                .map(|b| immortal(Payload::Str(PyStr::new(char::from(b).to_string()))))
                .collect(),
            empty_bytes: immortal(Payload::Bytes(Box::new([]))),
            single_bytes: (0..=255u8).map(|b| immortal(Payload::Bytes(Box::new([b])))).collect(),
        }
    })
}

/// The shared object for empty and one-byte `bytes`.
fn small_bytes(bytes: &[u8]) -> Option<&'static ObjRef> {
    match bytes {
        [] => Some(&singletons().empty_bytes),
        [b] => singletons().single_bytes.get(usize::from(*b)),
        _ => None,
    }
}

/// A function in a class body, and what `staticmethod`, `classmethod` and `property` wrap.
fn immortalize_method(py: Gil<'_>, member: &ObjRef) {
    let wrapped: &[Value] = match &member.payload {
        Payload::Function(_) => &[],
        Payload::StaticMethod(f) | Payload::ClassMethod(f) => std::slice::from_ref(f),
        Payload::Property(accessors) => &accessors[..],
        _ => return,
    };
    member.immortalize(py);
    for function in wrapped.iter().filter_map(Value::as_obj) {
        if matches!(function.payload, Payload::Function(_)) {
            function.immortalize(py);
        }
    }
}
