//! The value model: unboxed scalars in [`Value`], everything else a refcounted [`PyObject`].
//!
//! `None`, bools, machine-word ints and floats never touch the heap, so arithmetic loops
//! allocate nothing. Ints that overflow an `i64` become heap `BigInt`s and shrink back when
//! they fit again. Heap objects are one allocation each: a [`RefCount`] header and a
//! [`Payload`] saying what kind of object it is; mutable payloads sit behind their own lock.

pub mod buffer;
pub mod complex;
pub mod dict;
pub mod format;
pub mod gc;
pub mod lock;
pub mod methods;
pub mod refcount;
pub mod settable;
pub mod types;
pub mod weakref;

use std::sync::Arc;

use num_bigint::BigInt;

pub use lock::{ObjGuard, ObjLock};
pub use refcount::{ObjRef, RefCount};

use crate::compile::bytecode::CodeObject;
use crate::gil::Gil;

/// A Python value. The 8-byte tag (`repr(u64)`) leaves no padding, so copies are two aligned
/// words instead of byte-split moves that stall store forwarding in the eval loop.
#[repr(u64)]
pub enum Value {
    None,
    Bool(bool),
    /// An int that fits a machine word; larger ints are `Payload::BigInt`.
    Int(i64),
    Float(f64),
    Obj(ObjRef),
}

impl Value {
    #[inline(always)]
    pub fn clone_ref(&self, py: Gil<'_>) -> Value {
        match self {
            Value::None => Value::None,
            Value::Bool(b) => Value::Bool(*b),
            Value::Int(i) => Value::Int(*i),
            Value::Float(f) => Value::Float(*f),
            Value::Obj(o) => Value::Obj(o.clone_ref(py)),
        }
    }

    pub fn as_obj(&self) -> Option<&ObjRef> {
        match self {
            Value::Obj(o) => Some(o),
            _ => None,
        }
    }

    pub fn payload(&self) -> Option<&Payload> {
        self.as_obj().map(|o| &o.payload)
    }

    /// The text of a `str`, if this is one (or an instance of a class derived from `str`).
    pub fn as_str(&self) -> Option<&str> {
        match self.payload() {
            Some(Payload::Str(s)) => Some(s.as_str()),
            Some(Payload::Instance(inst)) => inst.base.as_ref()?.as_str(),
            _ => None,
        }
    }

    /// What the methods of a built-in type work on: the value itself, or for an instance of a
    /// class derived from a built-in type (`class Stack(list)`), the built-in value it extends.
    pub fn builtin_self(&self) -> &Value {
        match self.payload() {
            Some(Payload::Instance(inst)) => inst.base.as_ref().unwrap_or(self),
            _ => self,
        }
    }

    /// `is`: identity for heap objects, equality of the unboxed representation otherwise.
    pub fn is(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
            (Value::Obj(a), Value::Obj(b)) => a.is(b),
            _ => false,
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Value::None)
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Obj(o) => write!(f, "{o:?}"),
        }
    }
}

/// String equality that tries the cheap answer first: an interned name compared with a key
/// that is the same interned object has the very same bytes.
#[inline]
pub fn same_text(a: &str, b: &str) -> bool {
    std::ptr::eq(a, b) || a == b
}

/// A heap object: the refcount header, then what the object is.
pub struct PyObject {
    pub(crate) header: RefCount,
    pub payload: Payload,
}

impl PyObject {
    pub fn new(payload: Payload) -> PyObject {
        PyObject {
            header: RefCount::new(),
            payload,
        }
    }
}

/// Immutable text with its length in characters and a cached hash.
pub struct PyStr {
    text: Box<str>,
    char_len: usize,
    hash: std::sync::atomic::AtomicI64,
}

/// Marks a `PyStr` hash not computed yet; real hashes are never -1 (as in CPython).
const HASH_UNSET: i64 = -1;

impl PyStr {
    pub fn new(text: impl Into<Box<str>>) -> PyStr {
        let text = text.into();
        let char_len = if text.is_ascii() {
            text.len()
        } else {
            text.chars().count()
        };
        PyStr {
            text,
            char_len,
            hash: std::sync::atomic::AtomicI64::new(HASH_UNSET),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length in code points (`len(s)`).
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    pub fn is_ascii(&self) -> bool {
        self.char_len == self.text.len()
    }

    /// The string hash, computed once. Like CPython's, it is not stable across processes'
    /// implementations, so programs never print it; only consistency within a run matters.
    pub fn hash(&self) -> i64 {
        use std::sync::atomic::Ordering;
        let cached = self.hash.load(Ordering::Relaxed);
        if cached != HASH_UNSET {
            return cached;
        }
        let h = crate::objects::hashing::hash_bytes(self.text.as_bytes());
        self.hash.store(h, Ordering::Relaxed);
        h
    }
}

pub mod hashing {
    //! CPython-compatible numeric hashes (so `hash(1) == hash(1.0) == hash(True)`) and a fast
    //! byte hash for strings.

    use super::{DictViewKind, Payload, Value};

    /// CPython's modulus for numeric hashes: the Mersenne prime 2**61 - 1.
    pub const MODULUS: u64 = (1 << 61) - 1;

    pub fn hash_i64(v: i64) -> i64 {
        // `%` keeps the dividend's sign, as CPython reduces |v| and then negates.
        let h = v % MODULUS as i64;
        if h == -1 { -2 } else { h }
    }

    pub fn hash_bigint(v: &num_bigint::BigInt) -> i64 {
        use num_traits::{Signed, ToPrimitive};
        let m = num_bigint::BigInt::from(MODULUS);
        let r = (v.abs() % &m).to_i64().unwrap_or(0);
        let h = if v.is_negative() { -r } else { r };
        if h == -1 { -2 } else { h }
    }

    pub fn hash_f64(v: f64) -> i64 {
        if v.is_nan() {
            return 0;
        }
        if v.is_infinite() {
            return if v > 0.0 { 314159 } else { -314159 };
        }
        // Same algorithm as CPython's `_Py_HashDouble`: reduce mantissa * 2**exp mod 2**61-1.
        let (mut m, mut e) = frexp(v.abs());
        let mut x: u64 = 0;
        while m != 0.0 {
            x = ((x << 28) & MODULUS) | (x >> (61 - 28));
            m *= 268435456.0;
            e -= 28;
            let y = m as u64;
            m -= y as f64;
            x += y;
            if x >= MODULUS {
                x -= MODULUS;
            }
        }
        let e = if e >= 0 { e % 61 } else { 61 - 1 - ((-1 - e) % 61) };
        x = ((x << e) & MODULUS) | (x >> (61 - e));
        let mut h = x as i64;
        if v < 0.0 {
            h = -h;
        }
        if h == -1 { -2 } else { h }
    }

    fn frexp(v: f64) -> (f64, i32) {
        if v == 0.0 {
            return (0.0, 0);
        }
        let bits = v.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        if exp == 0 {
            let (m, e) = frexp(v * f64::powi(2.0, 64));
            return (m, e - 64);
        }
        let mantissa = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
        (mantissa, exp - 1022)
    }

    /// FNV-1a over the bytes, folded into CPython's "never -1" convention.
    pub fn hash_bytes(bytes: &[u8]) -> i64 {
        let mut h: u64 = 0xcbf29ce484222325;
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x100000001b3);
        }
        let h = h as i64;
        if h == -1 { -2 } else { h }
    }

    /// `hash(None)`: CPython 3.11 hashes `None` by address, so any constant will do.
    const NONE_HASH: i64 = 0x5f3759df;

    /// The hash of a value that needs no Python code: numbers, strings, bytes, frozensets,
    /// tuples of those, and objects hashed by identity. `None` for instances (which may define
    /// `__hash__`), unhashable containers, and tuples holding either.
    pub fn hash_value(v: &Value) -> Option<i64> {
        Some(match v {
            Value::None => NONE_HASH,
            Value::Bool(b) => i64::from(*b),
            Value::Int(i) => hash_i64(*i),
            // Integral floats hash like the equal int.
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => hash_i64(*f as i64),
            Value::Float(f) => hash_f64(*f),
            Value::Obj(o) => match &o.payload {
                Payload::Str(s) => s.hash(),
                Payload::BigInt(b) => hash_bigint(b),
                Payload::Complex(z) => z.hash(),
                Payload::Bytes(b) => hash_bytes(b),
                // Only read-only views of bytes hash (like the bytes they show).
                Payload::MemoryView(view)
                    if view.readonly && !view.is_released() && matches!(view.format, b'B' | b'b' | b'c') =>
                {
                    let Payload::Bytes(data) = &view.source.payload else {
                        return None;
                    };
                    if view.is_contiguous() {
                        hash_bytes(data.get(view.start..view.start + view.nbytes())?)
                    } else {
                        let picked: Vec<u8> = (0..view.len)
                            .filter_map(|i| data.get(view.offset(i)).copied())
                            .collect();
                        hash_bytes(&picked)
                    }
                }
                Payload::MemoryView(_) => return None,
                // The items are no tuples, so `hash_value` does not recurse.
                Payload::Tuple(items) => hash_tuple_tree(items, |item| hash_value(item).ok_or(())).ok()?,
                Payload::FrozenSet(table) => table.hash(),
                // Equal when they bind the same function to the same object (by identity).
                Payload::BoundMethod(Value::Obj(receiver), Value::Obj(function)) => {
                    ((receiver.addr() >> 4) ^ (function.addr() >> 4)) as i64
                }
                Payload::List(_)
                | Payload::ByteArray(_)
                | Payload::Dict(_)
                | Payload::Set(_)
                | Payload::Instance(_)
                | Payload::Slice(_)
                | Payload::WeakRef(_)
                | Payload::DictView(_, DictViewKind::Keys | DictViewKind::Items) => return None,
                _ => (o.addr() >> 4) as i64,
            },
        })
    }

    /// The hash of a tuple, nested tuples included, walked with a stack of its own rather than
    /// by native recursion: a tuple can be nested deeper than any thread's stack allows.
    /// `leaf` hashes each item that is not a tuple.
    pub fn hash_tuple_tree<E>(items: &[Value], mut leaf: impl FnMut(&Value) -> Result<i64, E>) -> Result<i64, E> {
        let mut enclosing: Vec<(std::slice::Iter<'_, Value>, TupleHasher)> = Vec::new();
        let mut current = (items.iter(), TupleHasher::new(items.len()));
        loop {
            let hash = match current.0.next() {
                Some(item) => match item.payload() {
                    Some(Payload::Tuple(inner)) => {
                        let nested = (inner.iter(), TupleHasher::new(inner.len()));
                        enclosing.push(std::mem::replace(&mut current, nested));
                        continue;
                    }
                    _ => leaf(item)?,
                },
                None => {
                    let done = current.1.finish();
                    match enclosing.pop() {
                        Some(outer) => {
                            current = outer;
                            done
                        }
                        None => return Ok(done),
                    }
                }
            };
            current.1.add(hash);
        }
    }

    /// CPython's tuple hash (xxHash-based), fed with the items' hashes one by one.
    struct TupleHasher {
        acc: u64,
        len: u64,
    }

    impl TupleHasher {
        const P1: u64 = 11400714785074694791;
        const P2: u64 = 14029467366897019727;
        const P5: u64 = 2870177450012600261;

        fn new(len: usize) -> TupleHasher {
            TupleHasher {
                acc: Self::P5,
                len: len as u64,
            }
        }

        fn add(&mut self, item_hash: i64) {
            self.acc = self.acc.wrapping_add((item_hash as u64).wrapping_mul(Self::P2));
            self.acc = self.acc.rotate_left(31);
            self.acc = self.acc.wrapping_mul(Self::P1);
        }

        fn finish(&self) -> i64 {
            let acc = self.acc.wrapping_add(self.len ^ (Self::P5 ^ 3527539));
            if acc == u64::MAX { 1546275796 } else { acc as i64 }
        }
    }
}

/// What a heap object is. Mutable kinds carry an [`ObjLock`].
pub enum Payload {
    Str(PyStr),
    BigInt(BigInt),
    Complex(complex::Complex),
    Bytes(Box<[u8]>),
    ByteArray(Box<buffer::ByteArray>),
    MemoryView(Box<buffer::MemoryView>),
    Tuple(Box<[Value]>),
    List(ObjLock<Vec<Value>>),
    Dict(Box<DictObject>),
    Set(Box<ObjLock<SetTable>>),
    FrozenSet(Box<SetTable>),
    Range(Range),
    /// `start:stop:step`, each `None` when omitted.
    Slice(Box<[Value; 3]>),
    Code(Box<CodeHandle>),
    Function(Box<Function>),
    Native(NativeFunction),
    BoundMethod(Value, Value),
    Cell(ObjLock<Option<Value>>),
    Module(Module),
    Type(Box<TypeObject>),
    Instance(Box<Instance>),
    /// A built-in iterator: its class (an index into `types::iterator_type`) and state.
    Iterator(u8, ObjLock<IterState>),
    Generator(Box<ObjLock<GeneratorState>>),
    /// Getter, setter, deleter (boxed: rare, and every object is as large as the largest
    /// payload).
    Property(Box<[Value; 3]>),
    StaticMethod(Value),
    ClassMethod(Value),
    /// A live view of a dict's keys, values or items.
    DictView(ObjRef, DictViewKind),
    /// `super()`: look attributes up after `class` in the MRO of `receiver`'s type.
    Super {
        class: ObjRef,
        receiver: Value,
    },
    NotImplemented,
    Ellipsis,
    /// `sys.stdin`, `sys.stdout`, `sys.stderr`.
    Stream(Stream),
    /// A `_thread` lock (`threading.Lock`).
    Lock(Box<crate::modules::thread::ThreadLock>),
    /// A file from `open()`.
    File(Box<ObjLock<crate::modules::file::FileState>>),
    /// A `hashlib` hash object.
    Hash(Box<crate::modules::hashlib::HashState>),
    /// A `zlib` compression or decompression stream.
    Zlib(Box<crate::modules::zlib::Stream>),
    /// A `random.Random` instance: a generator of its own.
    Random(Box<crate::modules::random::Generator>),
    /// A weak reference (`weakref.ref`, or the base value of a proxy).
    WeakRef(Box<weakref::WeakRef>),
    /// A slot's descriptor on its class.
    Member(Box<Member>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DictViewKind {
    Keys,
    Values,
    Items,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdin,
    Stdout,
    Stderr,
}

/// A code object ready to run: the compiled code plus its constants and names turned into
/// runtime objects once (immortal, so loading them costs no refcount traffic).
pub struct CodeHandle {
    pub code: Arc<CodeObject>,
    pub constants: Box<[Value]>,
    pub names: Box<[ObjRef]>,
    /// Per name: where `LoadGlobal` last found it (see [`GlobalHint`]).
    pub global_hints: Box<[GlobalHint]>,
}

/// A cached answer to "where is global `name`?", checked before it is trusted, so a stale
/// hint only costs a normal lookup. `slot` is a position in the globals dict, verified by
/// comparing the key stored there with the interned name; `builtin` is a position in the
/// builtins dict, valid while the globals dict has had no key added or removed since
/// (`globals_version`), i.e. while the name still cannot be a global. `value` is the value
/// itself, when it is unboxed or immortal (functions, classes and modules become immortal
/// when a thread starts, free-threaded): any thread reads it without locking the globals, for
/// as long as the globals dict (and, for a builtin, the builtins dict) has not changed since.
#[derive(Default)]
pub struct GlobalHint {
    slot: std::sync::atomic::AtomicU32,
    builtin: std::sync::atomic::AtomicU64,
    /// Keyed by the globals dict's address and version, and the builtins dict's version for a
    /// builtin ([`GlobalHint::NOT_BUILTIN`] for a global).
    pub value: refcount::ValueCache<3>,
}

impl GlobalHint {
    const NONE: u32 = u32::MAX;
    /// `value`'s third key word when the name was found among the globals.
    pub const NOT_BUILTIN: u64 = u64::MAX;

    pub fn new() -> GlobalHint {
        GlobalHint {
            slot: Self::NONE.into(),
            builtin: u64::MAX.into(),
            value: Default::default(),
        }
    }

    pub fn slot(&self) -> Option<usize> {
        let s = self.slot.load(std::sync::atomic::Ordering::Relaxed);
        (s != Self::NONE).then_some(s as usize)
    }

    pub fn set_slot(&self, slot: usize) {
        let slot = u32::try_from(slot).unwrap_or(Self::NONE);
        self.slot.store(slot, std::sync::atomic::Ordering::Relaxed);
    }

    /// The builtins slot, if recorded while the globals dict had `globals_version`.
    pub fn builtin(&self, globals_version: u64) -> Option<usize> {
        let packed = self.builtin.load(std::sync::atomic::Ordering::Relaxed);
        (packed >> 32 == globals_version & 0xffff_ffff && packed as u32 != Self::NONE).then_some(packed as u32 as usize)
    }

    pub fn set_builtin(&self, globals_version: u64, slot: usize) {
        let slot = u32::try_from(slot).unwrap_or(Self::NONE);
        let packed = ((globals_version & 0xffff_ffff) << 32) | u64::from(slot);
        self.builtin.store(packed, std::sync::atomic::Ordering::Relaxed);
    }
}

/// `range(start, stop, step)` over machine-word ints.
pub struct Range {
    pub start: i64,
    pub stop: i64,
    pub step: i64,
}

impl Range {
    pub fn len(&self) -> i64 {
        let (lo, hi, step) = (self.start as i128, self.stop as i128, self.step as i128);
        let n = if step > 0 && lo < hi {
            (hi - lo - 1) / step + 1
        } else if step < 0 && lo > hi {
            (lo - hi - 1) / (-step) + 1
        } else {
            0
        };
        n as i64
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A function defined in Python: code plus the environment captured at `def` time.
pub struct Function {
    /// The `Payload::Code` object (its runtime constants live there).
    pub code: ObjRef,
    pub globals: ObjRef,
    pub name: ObjLock<String>,
    pub qualname: ObjLock<String>,
    pub defaults: Box<[Value]>,
    /// Keyword-only defaults: (name, value).
    pub kwdefaults: Box<[(String, Value)]>,
    /// Cells for the code's free variables.
    pub closure: Box<[ObjRef]>,
    /// The function's `__dict__` (and `__doc__`, `__module__`…).
    pub dict: ObjLock<DictTable>,
}

/// A function implemented in Rust. `args` are the positional arguments (for methods the
/// receiver is `args[0]`), `kwargs` the keyword arguments as (str object, value) pairs.
pub type NativeFn = fn(&mut crate::vm::Vm<'_>, &[Value], &[(ObjRef, Value)]) -> crate::vm::PyResult<Value>;

pub struct NativeFunction {
    pub name: &'static str,
    pub function: NativeFn,
    /// Set for methods of built-in types: `list.append` binds its receiver when looked up.
    pub is_method: bool,
    /// Whether a call counts a level against the recursion limit (`print`, `abs`…, as CPython
    /// counts them); other natives only check the native stack.
    pub counted: bool,
    /// The module a function of a module belongs to (`__module__`; pickle finds it there).
    /// Behind a thin reference, so that every object stays 56 bytes.
    pub module: Option<&'static ModuleName>,
}

/// The name of a module of native functions (see [`NativeFunction::module`]).
pub struct ModuleName(pub &'static str);

pub struct Module {
    pub name: String,
    pub dict: ObjRef,
}

/// A class: built-in or defined with `class`.
pub struct TypeObject {
    pub name: String,
    pub qualname: String,
    pub module: String,
    pub bases: Vec<ObjRef>,
    /// Method resolution order, starting with the type itself is implied (not stored).
    pub mro: Vec<ObjRef>,
    pub dict: ObjLock<DictTable>,
    /// What instances of this type are made of (inherited from the built-in base).
    pub layout: Layout,
    /// Whether instances have a `__del__` to run before they are freed.
    pub finalizer: gc::FinalizerCache,
    /// Whether instances have a `__dict__` and a `__weakref__` (`__slots__` may leave them out).
    pub shape: InstanceShape,
    /// `type(cls)` when it is a class derived from `type` (`class C(metaclass=Meta)`); `None`
    /// for the plain `type`, so ordinary classes pay nothing for metaclass dispatch.
    pub metaclass: Option<ObjRef>,
    /// A class of toy's Python stdlib standing in for one CPython writes in C (`datetime.date`):
    /// messages name it `module.name`, as CPython's `tp_name` does. Marked by `__toy_static__ = True` in the class body (removed from the namespace).
    pub static_builtin: bool,
}

impl TypeObject {
    /// The name CPython's messages use: `tp_name`, which for C types includes the module.
    pub fn message_name(&self) -> String {
        if self.static_builtin {
            format!("{}.{}", self.module, self.name)
        } else {
            self.name.clone()
        }
    }
}

/// What instances of a class carry besides their declared slots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstanceShape {
    /// A `__dict__`: attributes not declared in `__slots__` can be set.
    pub dict: bool,
    /// A `__weakref__`: weak references can be made to them.
    pub weakref: bool,
    /// Some class in the MRO declares `__slots__` members.
    pub members: bool,
}

impl InstanceShape {
    /// Instances keep their slot values apart from their `__dict__` (which must not show
    /// them): only when they have both.
    pub fn split_slots(&self) -> bool {
        self.dict && self.members
    }
}

/// A slot declared in `__slots__` (`<member 'x' of 'S' objects>`): the attribute it stands
/// for lives in the instance's slot table (`Instance::with_slots`).
pub struct Member {
    pub name: ObjRef,
    pub class_name: String,
}

/// The storage instances of a type use, inherited from its built-in base class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `object` and classes derived only from it: an `Instance` with a `__dict__`.
    Object,
    /// A built-in type whose instances have their own payload (`int`, `str`, `list`…).
    Builtin,
    /// `BaseException` and its subclasses: an `Instance` whose `exception` is set.
    Exception,
}

pub struct Instance {
    pub class: ObjRef,
    /// The attributes; reach them through `Instance::with_dict`.
    pub dict: ObjLock<InstanceDict>,
    /// The values of `__slots__` members when the instance also has a `__dict__` (which must
    /// not show them); without a `__dict__` they are all `dict` holds.
    pub slots: Option<Box<ObjLock<DictTable>>>,
    /// Present for exception instances.
    pub exception: Option<ObjLock<ExceptionState>>,
    /// For a class derived from a built-in type: the plain built-in value (never an instance)
    /// the instance extends, fixed at creation; a mutable one changes under its own lock.
    pub base: Option<Value>,
}

impl Drop for Instance {
    /// An instance of a class derived from `weakref.ref` goes: its weak reference, which may
    /// outlive it, must stop naming it as the object callbacks receive.
    fn drop(&mut self) {
        if let Some(Value::Obj(base)) = &self.base
            && let Payload::WeakRef(weak) = &base.payload
        {
            weak.disown();
        }
    }
}

/// Where an instance keeps its attributes: inline until the program reads `obj.__dict__`, then
/// in that `dict` object, so writes through either are seen by both.
pub enum InstanceDict {
    Inline(DictTable),
    Shared(ObjRef),
}

impl InstanceDict {
    pub fn new() -> ObjLock<InstanceDict> {
        ObjLock::new(InstanceDict::Inline(DictTable::new()))
    }
}

impl Instance {
    /// A new instance of `class`, with an empty attribute table.
    pub fn new(class: ObjRef, exception: Option<ObjLock<ExceptionState>>, base: Option<Value>) -> Instance {
        let split = matches!(&class.payload, Payload::Type(t) if t.shape.split_slots());
        Instance {
            class,
            dict: InstanceDict::new(),
            slots: split.then(|| Box::new(ObjLock::new(DictTable::new()))),
            exception,
            base,
        }
    }

    /// Run `f` on the table that holds the values of `__slots__` members.
    #[inline]
    pub fn with_slots<R>(&self, py: Gil<'_>, f: impl FnOnce(&mut DictTable) -> R) -> R {
        match &self.slots {
            Some(table) => f(&mut table.lock(py)),
            None => self.with_dict(py, f),
        }
    }

    /// Run `f` on the attribute table, wherever it lives. Only one lock is held at a time:
    /// a shared dict is locked after the instance's lock is released.
    #[inline]
    pub fn with_dict<R>(&self, py: Gil<'_>, f: impl FnOnce(&mut DictTable) -> R) -> R {
        let mut guard = self.dict.lock(py);
        match &mut *guard {
            InstanceDict::Inline(table) => f(table),
            InstanceDict::Shared(dict) => {
                let dict = dict.clone_ref(py);
                drop(guard);
                let result = match &dict.payload {
                    Payload::Dict(table) => f(&mut table.lock(py)),
                    _ => f(&mut DictTable::new()),
                };
                drop(dict);
                result
            }
        }
    }

    /// The instance's `__dict__` as a `dict` object, created (and the attributes moved into
    /// it) on first use.
    pub fn dict_object(&self, py: Gil<'_>) -> ObjRef {
        let mut guard = self.dict.lock(py);
        match &mut *guard {
            InstanceDict::Shared(dict) => dict.clone_ref(py),
            InstanceDict::Inline(table) => {
                let table = std::mem::take(table);
                let dict = ObjRef::new(py, PyObject::new(Payload::Dict(Box::new(DictObject::new(table)))));
                *guard = InstanceDict::Shared(dict.clone_ref(py));
                dict
            }
        }
    }
}

/// Where a traceback entry is: the code, its line, and the span of the failing instruction.
#[derive(Clone)]
pub struct SourcePlace {
    pub code: Arc<CodeObject>,
    pub line: u32,
    pub span: crate::syntax::ast::Span,
}

/// One frame of a traceback: where it failed, and what its `tb_frame` shows.
pub struct TracebackEntry {
    pub at: SourcePlace,
    /// The index of the failing instruction (`tb_lasti`).
    pub lasti: u32,
    /// The `Payload::Code` object (immortal).
    pub code_object: ObjRef,
    pub globals: ObjRef,
}

/// The fields every exception carries besides its `__dict__`.
#[derive(Default)]
pub struct ExceptionState {
    pub args: Option<ObjRef>,
    /// The frames it unwound through, innermost last.
    pub traceback: Vec<TracebackEntry>,
    pub cause: Option<Value>,
    pub context: Option<Value>,
    pub suppress_context: bool,
}

/// The state of a built-in iterator.
pub enum IterState {
    Seq {
        seq: Value,
        index: usize,
    },
    Range {
        next: i64,
        stop: i64,
        step: i64,
    },
    Str {
        text: ObjRef,
        byte_pos: usize,
    },
    /// A dict's keys, values or items.
    DictKeys(TableCursor),
    DictValues(TableCursor),
    DictItems(TableCursor),
    /// `reversed()` of a dict or of one of its views: the same, from the last slot down.
    DictKeysReversed(TableCursor),
    DictValuesReversed(TableCursor),
    DictItemsReversed(TableCursor),
    /// Over a set or frozenset: the next slot to look at, and the size the set must keep.
    SetItems {
        set: ObjRef,
        index: usize,
        len_at_start: usize,
    },
    Reversed {
        seq: Value,
        remaining: usize,
    },
    // A state's fields fit 24 bytes (flags go beside the tag), so that a whole iterator
    // object, and so every object, fits 56: where that takes it, one value is boxed.
    /// `native_height` (for these two): `Some` when every step runs without Python code, so
    /// one step is taken whole under the iterator's lock (see `Vm::native_height`).
    Enumerate {
        /// The iterator enumerated.
        inner: ObjRef,
        /// The next count: a plain int.
        count: Value,
        native_height: Option<u8>,
    },
    Zip {
        inners: Vec<Value>,
        /// `zip(..., strict=True)`: unequal lengths raise `ValueError`.
        strict: bool,
        native_height: Option<u8>,
    },
    Map {
        function: Box<Value>,
        inners: Box<[Value]>,
    },
    Filter {
        function: Box<Value>,
        inner: Value,
    },
    /// `iter(callable, sentinel)`: call until the sentinel comes back.
    Callable {
        function: Value,
        sentinel: Box<Value>,
    },
    Exhausted,
}

/// Where an iterator over a dict's table stands: the next slot to look at, the size
/// the table had when the iteration started, and how many items were handed out, so a table
/// whose items were replaced (same size) is never walked past the number it had.
/// A reversed cursor walks down instead: `index` is then the number of slots below it still
/// to look at, and `yielded` is not kept. 32-bit positions keep the iterator small: a table of
/// four billion slots would need a hundred and sixty gigabytes (a larger size saturates, and
/// reads as a change of size).
pub struct TableCursor {
    pub owner: ObjRef,
    pub index: u32,
    pub len_at_start: u32,
    pub yielded: u32,
}

impl TableCursor {
    /// A table size or position as the cursor keeps it.
    pub fn position(n: usize) -> u32 {
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// What a resumable frame was made by: a generator function, an `async def` (coroutine) or
/// an `async def` that yields (async generator). They share the machinery, not the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenKind {
    Generator,
    Coroutine,
    AsyncGenerator,
}

/// A generator's frame, `None` once it has finished; `running` guards re-entry.
pub struct GeneratorState {
    pub frame: Option<Box<crate::vm::frame::SuspendedFrame>>,
    pub running: bool,
    pub name: String,
    pub qualname: String,
    pub kind: GenKind,
    /// The `Payload::Code` object it runs (immortal), kept after the frame is gone.
    pub code: ObjRef,
}

impl GenKind {
    /// The name of its class, as messages and reprs spell it.
    pub fn type_name(self) -> &'static str {
        match self {
            GenKind::Generator => "generator",
            GenKind::Coroutine => "coroutine",
            GenKind::AsyncGenerator => "async_generator",
        }
    }
}

impl GeneratorState {
    /// Made but never resumed: a coroutine in this state was never awaited.
    pub fn never_started(&self) -> bool {
        self.frame.as_ref().is_some_and(|f| f.frame.pc == 0)
    }

    /// Whether dropping it runs anything: closing it, or warning that a coroutine was never
    /// awaited.
    pub fn needs_finalizer(&self) -> bool {
        self.needs_close() || (self.kind == GenKind::Coroutine && self.never_started())
    }

    /// Whether closing the generator runs code: it is suspended inside a `try` (which covers
    /// `with` and `except GeneratorExit`); otherwise `GeneratorExit` would just pass through.
    pub fn needs_close(&self) -> bool {
        self.frame.as_ref().is_some_and(|f| {
            f.frame
                .blocks
                .iter()
                .any(|b| matches!(b, crate::vm::frame::Block::Try { .. }))
        })
    }
}

pub use dict::{DictGuard, DictObject, DictTable};
pub use settable::SetTable;

const _: () = assert!(std::mem::size_of::<Value>() == 16);
const _: () = assert!(std::mem::size_of::<Option<Value>>() == 16);

// Every heap object is as large as the largest payload: keep the common ones small and box
// the rare large ones (types, functions, instances, dicts…). 56 bytes, so that a container
// with its collector header (`gc::header`) is 64: one cache line, one allocator size class.
const _: () = assert!(std::mem::size_of::<PyObject>() == 56);
