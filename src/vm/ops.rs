//! Operators and protocols on values. Built-in types are handled natively; user classes
//! through their dunder methods. By kind: `arithmetic`, `comparison`, `subscripts`
//! (membership, items, slices), `dicts` (dict and module-global access), `iteration` and
//! `iterators` (`next()` of the built-in iterators).
//! Here: the operand helpers the whole VM uses, hashing, truth and `len`, key equality for
//! tables, and the fast step of a range or list iterator that `ForIter` inlines.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

use num_bigint::BigInt;
use num_traits::{ToPrimitive, Zero};

use crate::gil::Gil;
use crate::objects::complex::Complex;
use crate::objects::hashing;
use crate::objects::{IterState, ObjLock, Payload, Value};

use super::{PyResult, Vm};

/// Whether any object has been hashed by a `__hash__` written in Python. Until one has, no key
/// of a class can equal a built-in number (the default hash is the object's identity), so dict
/// and set lookups by numbers need not look for one (`Vm::canonical_key`).
static CLASS_HASHES_SEEN: AtomicBool = AtomicBool::new(false);

pub fn class_hashes_seen() -> bool {
    CLASS_HASHES_SEEN.load(Ordering::Relaxed)
}

mod arithmetic;
mod comparison;
mod dicts;
mod iteration;
mod iterators;
mod subscripts;

/// What sending a value into an iterator produced.
pub enum SendResult {
    Yielded(Value),
    Returned(Value),
}

/// An int operand (bools and instances of classes derived from `int` are ints), borrowed when
/// already big.
pub fn as_bigint(v: &Value) -> Option<Cow<'_, BigInt>> {
    match v {
        Value::Int(i) => Some(Cow::Owned(BigInt::from(*i))),
        Value::Bool(b) => Some(Cow::Owned(BigInt::from(*b as i64))),
        Value::Obj(o) => match &o.payload {
            Payload::BigInt(b) => Some(Cow::Borrowed(b)),
            Payload::Instance(inst) => inst.base.as_ref().and_then(as_bigint),
            _ => None,
        },
        _ => None,
    }
}

/// A machine-word int operand, if it is one (bools and derived ints count).
pub fn as_small_int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::Bool(b) => Some(*b as i64),
        Value::Obj(o) => match &o.payload {
            Payload::Instance(inst) => inst.base.as_ref().and_then(as_small_int),
            _ => None,
        },
        _ => None,
    }
}

pub fn is_int(v: &Value) -> bool {
    matches!(v, Value::Int(_) | Value::Bool(_)) || matches!(v.payload(), Some(Payload::BigInt(_)))
}

pub fn is_number(v: &Value) -> bool {
    is_int(v) || matches!(v, Value::Float(_))
}

/// The value of a `complex` operand (or of an instance of a class derived from `complex`).
pub fn as_complex(v: &Value) -> Option<Complex> {
    match v.payload()? {
        Payload::Complex(z) => Some(*z),
        Payload::Instance(inst) => inst.base.as_ref().and_then(as_complex),
        _ => None,
    }
}

pub fn is_complex(v: &Value) -> bool {
    matches!(v.payload(), Some(Payload::Complex(_)))
}

pub(super) fn floor_div_i64(a: i64, b: i64) -> Option<i64> {
    let q = a.checked_div(b)?;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q.checked_sub(1)
    } else {
        Some(q)
    }
}

pub(super) fn mod_i64(a: i64, b: i64) -> Option<i64> {
    let r = a.checked_rem(b)?;
    Some(if r != 0 && ((r < 0) != (b < 0)) { r + b } else { r })
}

impl Vm<'_> {
    // ----- hashing and truth --------------------------------------------------------------

    pub fn hash(&mut self, v: &Value) -> PyResult<i64> {
        if let Some(h) = hashing::hash_value(v) {
            return Ok(h);
        }
        match v.payload() {
            // Items that are no tuples, so this does not recurse on nested tuples.
            Some(Payload::Tuple(items)) => hashing::hash_tuple_tree(items, |item| self.hash(item)),
            Some(Payload::WeakRef(_)) => crate::modules::weakref::hash(self, v),
            Some(Payload::MemoryView(view)) => {
                crate::objects::methods::memoryview::live_view(self, v)?;
                Err(self.value_error(if view.readonly {
                    "memoryview: hashing is restricted to formats 'B', 'b' or 'c'"
                } else {
                    "cannot hash writable memoryview object"
                }))
            }
            Some(Payload::Instance(_)) => {
                let Some(method) = self.lookup_special(v, "__hash__") else {
                    return Ok(v.as_obj().map_or(0, |o| (o.addr() >> 4) as i64));
                };
                if method.is_none() {
                    return Err(self.type_error(format!("unhashable type: '{}'", self.type_name(v))));
                }
                if matches!(method.payload(), Some(Payload::Function(_))) {
                    CLASS_HASHES_SEEN.store(true, Ordering::Relaxed);
                }
                let r = self.call(&method, &[v.clone_ref(self.py)], &[])?;
                // As CPython: a result that fits a hash is kept (so returning `hash(y)` hashes
                // like `y`), a larger one is hashed as an int; -1 is reserved.
                match (as_small_int(&r), as_bigint(&r)) {
                    (Some(-1), _) => Ok(-2),
                    (Some(h), _) => Ok(h),
                    (None, Some(b)) => Ok(hashing::hash_bigint(&b)),
                    (None, None) => Err(self.type_error("__hash__ method should return an integer")),
                }
            }
            _ => Err(self.type_error(format!("unhashable type: '{}'", self.type_name(v)))),
        }
    }

    pub fn is_true(&mut self, v: &Value) -> PyResult<bool> {
        Ok(match v {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Obj(o) => match &o.payload {
                Payload::Str(s) => !s.as_str().is_empty(),
                Payload::BigInt(b) => !b.is_zero(),
                Payload::Complex(z) => !z.is_zero(),
                Payload::Bytes(b) => !b.is_empty(),
                Payload::ByteArray(array) => !array.lock(self.py).is_empty(),
                Payload::MemoryView(view) => crate::objects::methods::memoryview::len(self, view)? != 0,
                Payload::Tuple(t) => !t.is_empty(),
                Payload::List(l) => !l.lock(self.py).is_empty(),
                Payload::Dict(d) => !d.lock(self.py).is_empty(),
                Payload::Set(_) | Payload::FrozenSet(_) => self.set_len(v) != 0,
                Payload::Range(r) => !r.is_empty(),
                Payload::DictView(dict, _) => matches!(&dict.payload, Payload::Dict(t) if !t.lock(self.py).is_empty()),
                Payload::Instance(_) | Payload::Type(_) if super::attrs::has_user_type(v) => {
                    if let Some(method) = self.lookup_special(v, "__bool__") {
                        let r = self.call(&method, &[v.clone_ref(self.py)], &[])?;
                        return match r {
                            Value::Bool(b) => Ok(b),
                            _ => Err(self
                                .type_error(format!("__bool__ should return bool, returned {}", self.type_name(&r)))),
                        };
                    }
                    if let Some(method) = self.lookup_special(v, "__len__") {
                        let r = self.call(&method, &[v.clone_ref(self.py)], &[])?;
                        return Ok(self.len_result(&r)? != 0);
                    }
                    true
                }
                _ => true,
            },
        })
    }

    /// `len(v)`.
    pub fn len(&mut self, v: &Value) -> PyResult<usize> {
        Ok(match v.payload() {
            Some(Payload::Str(s)) => s.char_len(),
            Some(Payload::Bytes(b)) => b.len(),
            Some(Payload::ByteArray(array)) => array.lock(self.py).len(),
            Some(Payload::MemoryView(view)) => crate::objects::methods::memoryview::len(self, view)?,
            Some(Payload::Tuple(t)) => t.len(),
            Some(Payload::List(l)) => l.lock(self.py).len(),
            Some(Payload::Dict(d)) => d.lock(self.py).len(),
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => self.set_len(v),
            Some(Payload::Range(r)) => r.len() as usize,
            Some(Payload::DictView(dict, _)) => match &dict.payload {
                Payload::Dict(table) => table.lock(self.py).len(),
                _ => 0,
            },
            _ if super::attrs::has_user_type(v)
                && let Some(method) = self.lookup_special(v, "__len__") =>
            {
                let r = self.call(&method, &[v.clone_ref(self.py)], &[])?;
                self.len_result(&r)?
            }
            _ => return Err(self.type_error(format!("object of type '{}' has no len()", self.type_name(v)))),
        })
    }

    /// What a `__len__` returned, checked as CPython checks it: an int (or an object with
    /// `__index__`), not negative, that fits a machine word.
    fn len_result(&mut self, r: &Value) -> PyResult<usize> {
        let length = match as_bigint(r) {
            Some(n) => n.into_owned(),
            None => {
                let Some(method) = self.lookup_special(r, "__index__") else {
                    return Err(self.type_error(format!(
                        "'{}' object cannot be interpreted as an integer",
                        self.type_name(r)
                    )));
                };
                let index = self.call(&method, &[r.clone_ref(self.py)], &[])?;
                self.index_result(&index)?
            }
        };
        if length.sign() == num_bigint::Sign::Minus {
            return Err(self.value_error("__len__() should return >= 0"));
        }
        match length.to_isize() {
            Some(n) => Ok(n as usize),
            None => Err(self.overflow_error("cannot fit 'int' into an index-sized integer")),
        }
    }
}

/// How deep `key_eq` follows tuples and frozensets nested in keys.
const KEY_NESTING: usize = 8;

/// Key equality for dict and set tables. Built-in keys compare natively; other objects by
/// identity: keys that [`may_need_vm_eq`] are first mapped to their stored twin by
/// `Vm::canonical_key`, so the few levels followed here cover every other key.
pub fn key_eq(a: &Value, b: &Value) -> bool {
    key_eq_within(a, b, KEY_NESTING)
}

fn key_eq_within(a: &Value, b: &Value, depth: usize) -> bool {
    if let Some(r) = native_eq_shallow(a, b) {
        return r;
    }
    match (a.payload(), b.payload()) {
        (Some(Payload::Tuple(x)), Some(Payload::Tuple(y))) if depth > 0 => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| key_eq_within(p, q, depth - 1))
        }
        (Some(Payload::FrozenSet(x)), Some(Payload::FrozenSet(y))) if depth > 0 => {
            x.len() == y.len()
                && x.iter()
                    .all(|e| y.contains(e.hash, &e.key, |p, q| key_eq_within(p, q, depth - 1)))
        }
        // A key of a class derived from a built-in type without its own `__eq__` (those are
        // matched by `Vm::canonical_key`) equals what its built-in value equals.
        (Some(Payload::Instance(_)), _) | (_, Some(Payload::Instance(_))) => {
            let (x, y) = (a.builtin_self(), b.builtin_self());
            if x.is(a) && y.is(b) {
                a.is(b)
            } else {
                key_eq_within(x, y, depth)
            }
        }
        _ => a.is(b),
    }
}

/// Whether `key` may equal another key only by way of `Vm::eq`: it is or holds an instance
/// (which may define `__eq__`), or nests tuples and frozensets deeper than `key_eq` follows
/// (whose comparison recurses, guarded, in `Vm::eq`), or it is or holds a number once an
/// object of a class may equal one ([`class_hashes_seen`]: `0.5` equals `Fraction(1, 2)`).
pub fn may_need_vm_eq(key: &Value) -> bool {
    fn within(key: &Value, depth: usize, numbers: bool) -> bool {
        match key.payload() {
            // A weak reference equals another to an equal referent.
            Some(Payload::Instance(_) | Payload::WeakRef(_)) => true,
            Some(Payload::Tuple(items)) => depth == 0 || items.iter().any(|item| within(item, depth - 1, numbers)),
            Some(Payload::FrozenSet(table)) => depth == 0 || table.iter().any(|e| within(&e.key, depth - 1, numbers)),
            _ => numbers && (is_number(key) || is_complex(key)),
        }
    }
    within(key, KEY_NESTING, class_hashes_seen())
}

/// Copies of two lists' items taken in one step (both locks held, in address order), so a
/// comparison sees a state both lists really had at the same time.
fn snapshot_two(py: Gil<'_>, x: &ObjLock<Vec<Value>>, y: &ObjLock<Vec<Value>>) -> (Vec<Value>, Vec<Value>) {
    let (x, y) = ObjLock::lock_two(py, x, y);
    let copy = |items: &[Value]| items.iter().map(|v| v.clone_ref(py)).collect::<Vec<Value>>();
    let first = copy(&x);
    let second = copy(y.as_deref().unwrap_or(&*x));
    (first, second)
}

/// Equality that needs no Python code: numbers, strings, bytes, identity. `None` when the
/// operands need a deeper comparison.
fn native_eq_shallow(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Some(x == y),
        (Value::Float(x), Value::Float(y)) => return Some(x == y),
        _ => {}
    }
    // Before the identity shortcut: a complex NaN is not equal to itself either.
    if let Some(r) = complex_eq(a, b) {
        return Some(r);
    }
    if a.is(b) && !matches!(a, Value::Float(_)) {
        return Some(true);
    }
    if is_number(a) && is_number(b) {
        if is_int(a) && is_int(b) {
            return Some(as_bigint(a) == as_bigint(b));
        }
        // Exact int/float comparison: a float equals an int only if it is integral and equal.
        let (int_side, float_side) = match (a, b) {
            (Value::Float(f), other) | (other, Value::Float(f)) => (other, *f),
            _ => return Some(false),
        };
        if !float_side.is_finite() || float_side.fract() != 0.0 {
            return Some(false);
        }
        let exact: Option<BigInt> = num_traits::FromPrimitive::from_f64(float_side);
        return Some(exact.is_some_and(|f| Some(Cow::Owned(f)) == as_bigint(int_side)));
    }
    match (a.payload(), b.payload()) {
        (Some(Payload::Str(x)), Some(Payload::Str(y))) => Some(x.as_str() == y.as_str()),
        (Some(Payload::Bytes(x)), Some(Payload::Bytes(y))) => Some(x == y),
        (Some(Payload::Tuple(_)), Some(Payload::Tuple(_)))
        | (Some(Payload::List(_)), Some(Payload::List(_)))
        | (Some(Payload::Dict(_)), Some(Payload::Dict(_)))
        | (Some(Payload::Set(_) | Payload::FrozenSet(_)), Some(Payload::Set(_) | Payload::FrozenSet(_)))
        | (Some(Payload::Slice(_)), Some(Payload::Slice(_)))
        | (Some(Payload::WeakRef(_)), Some(Payload::WeakRef(_)))
        | (Some(Payload::DictView(..)), _)
        | (_, Some(Payload::DictView(..)))
        | (Some(Payload::ByteArray(_) | Payload::MemoryView(_)), _)
        | (_, Some(Payload::ByteArray(_) | Payload::MemoryView(_)))
        | (Some(Payload::Instance(_)), _)
        | (_, Some(Payload::Instance(_))) => None,
        // Bound methods are equal when they bind the same function to the same object.
        (Some(Payload::BoundMethod(r1, f1)), Some(Payload::BoundMethod(r2, f2))) => Some(r1.is(r2) && f1.is(f2)),
        (Some(Payload::Range(x)), Some(Payload::Range(y))) => Some(
            (x.is_empty() && y.is_empty())
                || (x.len() == y.len() && x.start == y.start && (x.len() == 1 || x.step == y.step)),
        ),
        _ => Some(a.is(b)),
    }
}

/// `==` between a complex number and another number; `None` unless one side is complex and
/// the other a built-in number. Equal to a real number when the imaginary part is zero and the
/// real part equals it exactly.
fn complex_eq(a: &Value, b: &Value) -> Option<bool> {
    let (z, other) = match (a.payload(), b.payload()) {
        (Some(Payload::Complex(z)), _) => (*z, b),
        (_, Some(Payload::Complex(z))) => (*z, a),
        _ => return None,
    };
    if let Some(Payload::Complex(w)) = other.payload() {
        return Some(z == *w);
    }
    if !is_number(other) {
        return None;
    }
    Some(z.im == 0.0 && native_eq_shallow(&Value::Float(z.re), other) == Some(true))
}

/// Python index → position, handling negatives; `None` when out of range.
pub fn normalize_index(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
}

/// One step of a range iterator: the next value, or `None` past the end.
#[inline(always)]
fn range_step(next: &mut i64, stop: i64, step: i64) -> Option<i64> {
    ((step > 0 && *next < stop) || (step < 0 && *next > stop)).then(|| {
        let v = *next;
        *next = next.saturating_add(step);
        v
    })
}

/// Advance a range iterator, or a list iterator with items left, without calling out:
/// `Some(None)` when a range is exhausted, `None` when the general `next` must decide. The
/// caller holds the iterator's lock or is its only holder.
#[inline(always)]
pub fn advance_simple(py: Gil<'_>, state: &mut IterState) -> Option<Option<Value>> {
    match state {
        IterState::Range { next, stop, step } => Some(range_step(next, *stop, *step).map(Value::Int)),
        IterState::Seq { seq, index } => {
            let Some(Payload::List(items)) = seq.payload() else {
                return None;
            };
            let item = items.lock(py).get(*index).map(|v| v.clone_ref(py))?;
            *index += 1;
            Some(Some(item))
        }
        _ => None,
    }
}
