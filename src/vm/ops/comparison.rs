//! Comparison: `==` and ordering of built-in values (numbers exactly, sequences item by
//! item), rich comparison dunders for the rest.

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::compile::bytecode::CmpOp;
use crate::objects::{DictViewKind, Payload, Value};

use crate::vm::recursion::context;
use crate::vm::{PyErr, PyResult, Vm, is_subclass};

use super::{as_bigint, is_int, is_number, native_eq_shallow, snapshot_two};

impl Vm<'_> {
    /// `a OP b` as an expression: with an instance on a side, whatever its comparison method
    /// returned (CPython does not make it a bool); otherwise a bool.
    pub fn compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            return Ok(Value::Bool(cmp_result(op, x.cmp(y))));
        }
        if is_instance(a) || is_instance(b) {
            return self.with_recursion_guard(context::COMPARISON, |vm| vm.compare_instances(op, a, b));
        }
        match op {
            CmpOp::Eq => Ok(Value::Bool(self.eq(a, b)?)),
            CmpOp::NotEq => Ok(Value::Bool(!self.eq(a, b)?)),
            _ => Ok(Value::Bool(self.order(op, a, b)?)),
        }
    }

    /// `a == b`.
    pub fn eq(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        if let Some(r) = native_eq_shallow(a, b) {
            return Ok(r);
        }
        self.with_recursion_guard(context::COMPARISON, |vm| vm.eq_entered(a, b))
    }

    /// `a != b`, as a bool.
    pub fn ne(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        let result = self.compare(CmpOp::NotEq, a, b)?;
        self.is_true(&result)
    }

    /// A comparison with an instance on a side, as CPython's rich comparison: the left
    /// operand's method, then the right one's reflected method (`a < b` asks `b.__gt__(a)`),
    /// until one answers something other than `NotImplemented`. A right operand whose class
    /// derives from the left one's is asked first. Without a `__ne__`, `!=` negates `__eq__`.
    fn compare_instances(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        let py = self.py;
        let (name, reflected_name) = dunder_names(op);
        let right_first = is_instance(b) && {
            let (left_class, right_class) = (self.type_of(a), self.type_of(b));
            !right_class.is(left_class) && is_subclass(right_class, left_class)
        };
        let attempts = if right_first {
            [(b, a, reflected_name), (a, b, name)]
        } else {
            [(a, b, name), (b, a, reflected_name)]
        };
        for (x, y, method_name) in attempts {
            if !is_instance(x) {
                continue;
            }
            let (method, negate) = match self.lookup_special(x, method_name) {
                Some(method) => (method, false),
                // `object.__ne__`: the instance's own `__eq__`, negated.
                None if method_name == "__ne__" => match self.lookup_special(x, "__eq__") {
                    Some(method) => (method, true),
                    None => continue,
                },
                None => continue,
            };
            let r = self.call(&method, &[x.clone_ref(py), y.clone_ref(py)], &[])?;
            if !matches!(r.payload(), Some(Payload::NotImplemented)) {
                return if negate {
                    Ok(Value::Bool(!self.is_true(&r)?))
                } else {
                    Ok(r)
                };
            }
        }
        // Neither answered: instances of classes derived from built-in types compare as their
        // built-in values; others are equal only to themselves and have no order.
        let (x, y) = (a.builtin_self(), b.builtin_self());
        let as_builtins = !x.is(a) || !y.is(b);
        Ok(Value::Bool(match op {
            CmpOp::Eq if as_builtins => self.eq(x, y)?,
            CmpOp::NotEq if as_builtins => !self.eq(x, y)?,
            CmpOp::Eq => a.is(b),
            CmpOp::NotEq => !a.is(b),
            _ if as_builtins && orders_as_builtins(x, y) => self.order(op, x, y)?,
            _ => return Err(self.order_unsupported(op, a, b)),
        }))
    }

    fn order_unsupported(&self, op: CmpOp, a: &Value, b: &Value) -> PyErr {
        let symbol = match op {
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            _ => ">=",
        };
        self.type_error(format!(
            "'{symbol}' not supported between instances of '{}' and '{}'",
            self.type_name(a),
            self.type_name(b)
        ))
    }

    /// `a == b` for containers and instances: one level of a comparison that may recurse.
    fn eq_entered(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        let py = self.py;
        match (a.payload(), b.payload()) {
            (Some(Payload::Tuple(x)), Some(Payload::Tuple(y))) => self.seq_eq(x, y),
            (Some(Payload::List(x)), Some(Payload::List(y))) => {
                let (x, y) = snapshot_two(py, x, y);
                self.seq_eq(&x, &y)
            }
            (Some(Payload::Dict(x)), Some(Payload::Dict(y))) => {
                if let Some(equal) = self.dict_eq_locked(x, y) {
                    return Ok(equal);
                }
                let other = b.clone_ref(py);
                let pairs: Vec<(Value, Value)> = {
                    // Both sizes in one step, both locks in address order: `a == b` racing
                    // `b == a` used to take them in opposite orders and deadlock.
                    let (x, y) = crate::objects::DictObject::lock_two(py, x, y);
                    if y.as_ref().is_some_and(|y| y.len() != x.len()) {
                        return Ok(false);
                    }
                    x.iter().map(|e| (e.key.clone_ref(py), e.value.clone_ref(py))).collect()
                };
                for (k, v) in pairs {
                    match self.dict_get(&other, &k)? {
                        Some(v2) if self.eq(&v, &v2)? => {}
                        _ => return Ok(false),
                    }
                }
                Ok(true)
            }
            (Some(Payload::Set(_) | Payload::FrozenSet(_)), Some(Payload::Set(_) | Payload::FrozenSet(_))) => {
                self.set_compare(CmpOp::Eq, a, b)
            }
            _ if is_view_against_set_like(a, b) => self.view_compare(CmpOp::Eq, a, b),
            (Some(Payload::WeakRef(_)), Some(Payload::WeakRef(_))) => {
                Ok(crate::modules::weakref::eq(self, a, b)?.unwrap_or_else(|| a.is(b)))
            }
            (Some(Payload::MemoryView(view)), _) => crate::objects::methods::memoryview::equals(self, view, b),
            (_, Some(Payload::MemoryView(view))) => crate::objects::methods::memoryview::equals(self, view, a),
            (Some(Payload::ByteArray(_)), Some(Payload::Bytes(_) | Payload::ByteArray(_)))
            | (Some(Payload::Bytes(_)), Some(Payload::ByteArray(_))) => {
                Ok(self.bytes_ordering(a, b).is_some_and(|o| o.is_eq()))
            }
            // Slices compare as the tuples of their start, stop and step.
            (Some(Payload::Slice(x)), Some(Payload::Slice(y))) => self.seq_eq(&x[..], &y[..]),
            (Some(Payload::Instance(_)), _) | (_, Some(Payload::Instance(_))) => {
                let r = self.compare_instances(CmpOp::Eq, a, b)?;
                self.is_true(&r)
            }
            _ => Ok(a.is(b)),
        }
    }

    /// How the bytes of `bytes` or `bytearray` values compare, both read in one step (two
    /// bytearrays locked together, in address order).
    fn bytes_ordering(&self, a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
        let py = self.py;
        match (a.payload()?, b.payload()?) {
            (Payload::Bytes(x), Payload::Bytes(y)) => Some(x.cmp(y)),
            (Payload::ByteArray(x), Payload::Bytes(y)) => Some(x.lock(py)[..].cmp(y)),
            (Payload::Bytes(x), Payload::ByteArray(y)) => Some(x[..].cmp(&y.lock(py)[..])),
            (Payload::ByteArray(x), Payload::ByteArray(y)) => {
                let (x, y) = crate::objects::buffer::ByteArray::lock_two(py, x, y);
                Some(match &y {
                    Some(y) => x.cmp(y),
                    None => std::cmp::Ordering::Equal,
                })
            }
            _ => None,
        }
    }

    fn seq_eq(&mut self, x: &[Value], y: &[Value]) -> PyResult<bool> {
        if x.len() != y.len() {
            return Ok(false);
        }
        for (a, b) in x.iter().zip(y) {
            if !a.is(b) && !self.eq(a, b)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// `<`, `<=`, `>`, `>=`.
    fn order(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
        if is_number(a) && is_number(b) {
            if is_int(a) && is_int(b) {
                let (x, y) = (as_bigint(a).unwrap_or_default(), as_bigint(b).unwrap_or_default());
                return Ok(cmp_result(op, x.cmp(&y)));
            }
            let ordering = match (a, b) {
                (Value::Float(x), y) if is_int(y) => float_int_cmp(*x, &as_bigint(y).unwrap_or_default()),
                (x, Value::Float(y)) if is_int(x) => {
                    float_int_cmp(*y, &as_bigint(x).unwrap_or_default()).map(std::cmp::Ordering::reverse)
                }
                _ => num_to_f64_lossy(a).partial_cmp(&num_to_f64_lossy(b)),
            };
            return Ok(ordering.is_some_and(|o| cmp_result(op, o)));
        }
        match (a.payload(), b.payload()) {
            (Some(Payload::Str(x)), Some(Payload::Str(y))) => Ok(cmp_result(op, x.as_str().cmp(y.as_str()))),
            (Some(Payload::Bytes(x)), Some(Payload::Bytes(y))) => Ok(cmp_result(op, x.cmp(y))),
            (Some(Payload::Bytes(_) | Payload::ByteArray(_)), Some(Payload::Bytes(_) | Payload::ByteArray(_))) => {
                Ok(self.bytes_ordering(a, b).is_some_and(|o| cmp_result(op, o)))
            }
            _ => self.with_recursion_guard(context::COMPARISON, |vm| vm.order_entered(op, a, b)),
        }
    }

    /// `<`, `<=`, `>`, `>=` for containers and instances: one level of a comparison that may
    /// recurse.
    fn order_entered(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
        let py = self.py;
        match (a.payload(), b.payload()) {
            (Some(Payload::Tuple(x)), Some(Payload::Tuple(y))) => {
                let (x, y): (Vec<Value>, Vec<Value>) = (
                    x.iter().map(|v| v.clone_ref(py)).collect(),
                    y.iter().map(|v| v.clone_ref(py)).collect(),
                );
                return self.seq_order(op, &x, &y);
            }
            (Some(Payload::List(x)), Some(Payload::List(y))) => {
                let (x, y) = snapshot_two(py, x, y);
                return self.seq_order(op, &x, &y);
            }
            (Some(Payload::Set(_) | Payload::FrozenSet(_)), Some(Payload::Set(_) | Payload::FrozenSet(_))) => {
                return self.set_compare(op, a, b);
            }
            _ if is_view_against_set_like(a, b) => return self.view_compare(op, a, b),
            (Some(Payload::Slice(x)), Some(Payload::Slice(y))) => return self.seq_order(op, &x[..], &y[..]),
            _ => {}
        }
        if is_instance(a) || is_instance(b) {
            let r = self.compare_instances(op, a, b)?;
            return self.is_true(&r);
        }
        Err(self.order_unsupported(op, a, b))
    }

    /// A keys or items view against a set-like value (a set, a frozenset, a keys or items
    /// view), as CPython's views compare: by size, then membership of each item, looked up
    /// with `in` (an items view's values compare with `==`). The view is the one asked: on
    /// the right, the reflected operator.
    fn view_compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<bool> {
        let (view, other, op) = if is_keys_or_items_view(a) {
            (a, b, op)
        } else {
            (b, a, reflected(op))
        };
        let (view_len, other_len) = (self.len(view)?, self.len(other)?);
        let (sizes_fit, inner, outer) = match op {
            CmpOp::Eq | CmpOp::NotEq => (view_len == other_len, view, other),
            CmpOp::Lt => (view_len < other_len, view, other),
            CmpOp::LtE => (view_len <= other_len, view, other),
            CmpOp::Gt => (view_len > other_len, other, view),
            _ => (view_len >= other_len, other, view),
        };
        if !sizes_fit {
            return Ok(false);
        }
        for item in self.collect(inner)? {
            if !self.contains(outer, &item)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn seq_order(&mut self, op: CmpOp, x: &[Value], y: &[Value]) -> PyResult<bool> {
        for (a, b) in x.iter().zip(y) {
            if !a.is(b) && !self.eq(a, b)? {
                return self.order(op, a, b);
            }
        }
        Ok(cmp_result(op, x.len().cmp(&y.len())))
    }

    /// `a < b` for sorting.
    /// Whether `<` on `v` (against anything) is decided in Rust without running Python code or
    /// taking a lock: numbers, strings, bytes and (not too deeply) nested tuples of them.
    pub fn orders_natively(v: &Value) -> bool {
        fn native(v: &Value, depth: usize) -> bool {
            match v {
                Value::Int(_) | Value::Float(_) | Value::Bool(_) => true,
                Value::None => false,
                Value::Obj(o) => match &o.payload {
                    Payload::Str(_) | Payload::BigInt(_) | Payload::Bytes(_) => true,
                    Payload::Tuple(items) => depth < 8 && items.iter().all(|item| native(item, depth + 1)),
                    _ => false,
                },
            }
        }
        native(v, 0)
    }

    /// `a is b or a == b` when that is decided in Rust without running Python code or taking a
    /// lock (numbers, strings, bytes, tuples of them…); `None` when `==` needs Python code.
    pub fn eq_natively(a: &Value, b: &Value) -> Option<bool> {
        fn eq(a: &Value, b: &Value, depth: usize) -> Option<bool> {
            // Identity first, as CPython's containers compare (a float is "identical" to one
            // with the same bits, the way `list.remove` has always matched them here).
            if a.is(b) {
                return Some(true);
            }
            match (a.payload(), b.payload()) {
                (Some(Payload::Tuple(x)), Some(Payload::Tuple(y))) if depth < 8 => {
                    if x.len() != y.len() {
                        return Some(false);
                    }
                    for (p, q) in x.iter().zip(y.iter()) {
                        if !eq(p, q, depth + 1)? {
                            return Some(false);
                        }
                    }
                    Some(true)
                }
                _ => native_eq_shallow(a, b),
            }
        }
        eq(a, b, 0)
    }

    pub fn less_than(&mut self, a: &Value, b: &Value) -> PyResult<bool> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            return Ok(x < y);
        }
        self.order(CmpOp::Lt, a, b)
    }
}

fn is_instance(v: &Value) -> bool {
    matches!(v.payload(), Some(Payload::Instance(_)))
}

/// The method `a OP b` asks of `a`, and the reflected one it asks of `b`.
fn dunder_names(op: CmpOp) -> (&'static str, &'static str) {
    match op {
        CmpOp::Eq => ("__eq__", "__eq__"),
        CmpOp::NotEq => ("__ne__", "__ne__"),
        CmpOp::Lt => ("__lt__", "__gt__"),
        CmpOp::LtE => ("__le__", "__ge__"),
        CmpOp::Gt => ("__gt__", "__lt__"),
        _ => ("__ge__", "__le__"),
    }
}

fn is_keys_or_items_view(v: &Value) -> bool {
    matches!(
        v.payload(),
        Some(Payload::DictView(_, DictViewKind::Keys | DictViewKind::Items))
    )
}

/// Whether one side is a keys or items view and the other set-like, which compare as sets.
fn is_view_against_set_like(a: &Value, b: &Value) -> bool {
    let set_like =
        |v: &Value| is_keys_or_items_view(v) || matches!(v.payload(), Some(Payload::Set(_) | Payload::FrozenSet(_)));
    (is_keys_or_items_view(a) || is_keys_or_items_view(b)) && set_like(a) && set_like(b)
}

/// The operator that asks the right operand the same question: `a < b` is `b > a`.
fn reflected(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::LtE => CmpOp::GtE,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::GtE => CmpOp::LtE,
        other => other,
    }
}

/// Whether `<` between these built-in values is decided natively by `Vm::order` (as opposed
/// to being unsupported, whose error must name the derived classes).
fn orders_as_builtins(x: &Value, y: &Value) -> bool {
    if is_number(x) && is_number(y) {
        return true;
    }
    matches!(
        (x.payload(), y.payload()),
        (Some(Payload::Str(_)), Some(Payload::Str(_)))
            | (
                Some(Payload::Bytes(_) | Payload::ByteArray(_)),
                Some(Payload::Bytes(_) | Payload::ByteArray(_))
            )
            | (Some(Payload::Tuple(_)), Some(Payload::Tuple(_)))
            | (Some(Payload::List(_)), Some(Payload::List(_)))
            | (
                Some(Payload::Set(_) | Payload::FrozenSet(_)),
                Some(Payload::Set(_) | Payload::FrozenSet(_))
            )
    )
}

fn num_to_f64_lossy(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Bool(b) => *b as i64 as f64,
        _ => as_bigint(v).and_then(|b| b.to_f64()).unwrap_or(f64::NAN),
    }
}

fn cmp_result(op: CmpOp, o: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::*;
    match op {
        CmpOp::Eq => o == Equal,
        CmpOp::NotEq => o != Equal,
        CmpOp::Lt => o == Less,
        CmpOp::LtE => o != Greater,
        CmpOp::Gt => o == Greater,
        CmpOp::GtE => o != Less,
        _ => false,
    }
}

/// A float against an int, exactly (CPython never rounds the int to a float first). `None` for
/// NaN, which is unordered.
fn float_int_cmp(x: f64, i: &BigInt) -> Option<std::cmp::Ordering> {
    use num_traits::FromPrimitive;
    if x.is_nan() {
        return None;
    }
    if x.is_infinite() {
        return Some(if x > 0.0 {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Less
        });
    }
    let whole = x.floor();
    let ordering = BigInt::from_f64(whole)?.cmp(i);
    Some(match ordering {
        std::cmp::Ordering::Equal if x > whole => std::cmp::Ordering::Greater,
        other => other,
    })
}
