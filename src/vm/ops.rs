//! Operators and protocols on values: arithmetic, comparison, hashing, truth, items,
//! iteration. Built-in types are handled natively; user classes through their dunder methods.

use std::borrow::Cow;

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Pow, Signed, ToPrimitive, Zero};

use crate::compile::bytecode::{BinOp, CmpOp, UnaryOp};
use crate::gil::Gil;
use crate::objects::hashing;
use crate::objects::types::{intern, types};
use crate::objects::{
    CodeHandle, DictViewKind, GlobalHint, IterState, ObjLock, ObjRef, Payload, SetTable, TableCursor, Value,
};

use super::sets::{is_any_set, is_set_view};
use super::{PyErr, PyResult, Vm};

/// What sending a value into an iterator produced.
pub enum SendResult {
    Yielded(Value),
    Returned(Value),
}

/// How CPython names an operator in "unsupported operand type(s)" messages.
fn binop_symbol(op: BinOp) -> &'static str {
    if op == BinOp::Pow { "** or pow()" } else { op.symbol() }
}

fn binop_dunders(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
    }
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

/// A float operand: floats, and ints converted (big ones may overflow).
fn as_float(vm: &Vm, v: &Value) -> PyResult<Option<f64>> {
    Ok(match v {
        Value::Float(f) => Some(*f),
        Value::Int(i) => Some(*i as f64),
        Value::Bool(b) => Some(*b as i64 as f64),
        Value::Obj(o) => match &o.payload {
            Payload::BigInt(b) => match b.to_f64().filter(|f| f.is_finite()) {
                Some(f) => Some(f),
                None => return Err(vm.overflow_error("int too large to convert to float")),
            },
            _ => None,
        },
        Value::None => None,
    })
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

/// Python's float modulo: the result has the sign of the divisor.
pub fn float_mod(a: f64, b: f64) -> f64 {
    let mut r = a % b;
    if r != 0.0 {
        if (b < 0.0) != (r < 0.0) {
            r += b;
        }
    } else {
        r = 0.0f64.copysign(b);
    }
    r
}

pub fn float_floordiv(a: f64, b: f64) -> f64 {
    let r = float_mod(a, b);
    let div = (a - r) / b;
    if div == 0.0 {
        return 0.0f64.copysign(a / b);
    }
    let floor = div.floor();
    if div - floor > 0.5 { floor + 1.0 } else { floor }
}

impl Vm<'_> {
    // ----- arithmetic ---------------------------------------------------------------------

    pub fn binary_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let (Value::Int(x), Value::Int(y)) = (a, b)
            && let Some(v) = self.small_int_op(op, *x, *y)?
        {
            return Ok(v);
        }
        if let (Value::Float(x), Value::Float(y)) = (a, b) {
            return self.float_op(op, *x, *y);
        }
        if let Some(v) = self.builtin_binary_op(op, a, b)? {
            return Ok(v);
        }
        let (name, rname, _) = binop_dunders(op);
        if let Some(v) = self.try_dunder_binary(a, b, name, rname)? {
            return Ok(v);
        }
        // Instances of classes derived from built-in types operate as their built-in values.
        let (x, y) = (a.builtin_self(), b.builtin_self());
        if (!x.is(a) || !y.is(b))
            && let Some(v) = self.builtin_binary_op(op, x, y)?
        {
            return Ok(v);
        }
        Err(self.binop_type_error(op, a, b))
    }

    /// `list.extend(iterable)` and `list += iterable`. From another list it is one atomic step
    /// holding both locks (in address order, so `a.extend(b)` racing `b.extend(a)` cannot
    /// deadlock); `l.extend(l)` sees the list as it was.
    pub fn extend_list(&mut self, target: &ObjLock<Vec<Value>>, iterable: &Value) -> PyResult<()> {
        let py = self.py;
        if let Some(Payload::List(source)) = iterable.payload() {
            let (mut target, source) = ObjLock::lock_two(py, target, source);
            let extra: Vec<Value> = source
                .as_deref()
                .unwrap_or(&*target)
                .iter()
                .map(|v| v.clone_ref(py))
                .collect();
            target.extend(extra);
            return Ok(());
        }
        // Any other iterable may run Python code: collected with no lock held.
        let extra = self.collect(iterable)?;
        target.lock(py).extend(extra);
        Ok(())
    }

    /// `a op= b`: lists extend, sets and dicts update in place (also as the base of a derived
    /// instance, which is the result then); user classes may define `__iop__`.
    pub fn inplace_op(&mut self, op: BinOp, a: Value, b: &Value) -> PyResult<Value> {
        if matches!(a.payload(), Some(Payload::Instance(_))) {
            let (_, _, iname) = binop_dunders(op);
            if let Some(method) = self.lookup_special(&a, iname) {
                let result = self.call(&method, &[a.clone_ref(self.py), b.clone_ref(self.py)], &[])?;
                if !matches!(result.payload(), Some(Payload::NotImplemented)) {
                    return Ok(result);
                }
            }
        }
        let target = a.builtin_self();
        if op == BinOp::Add
            && let Some(Payload::List(items)) = target.payload()
        {
            self.extend_list(items, b)?;
            return Ok(a);
        }
        if op == BinOp::Mul
            && let Some(Payload::List(items)) = target.payload()
            && let Some(n) = as_bigint(b).filter(|_| is_int(b)).and_then(|n| n.to_i64())
        {
            self.repeat_list_in_place(items, n)?;
            return Ok(a);
        }
        if matches!(op, BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor)
            && matches!(target.payload(), Some(Payload::Set(_)))
            && is_any_set(b.builtin_self())
        {
            self.set_inplace_op(op, target, b.builtin_self())?;
            return Ok(a);
        }
        if op == BinOp::BitOr
            && matches!(target.payload(), Some(Payload::Dict(_)))
            && matches!(b.builtin_self().payload(), Some(Payload::Dict(_)))
        {
            self.dict_update(target, b, false)?;
            return Ok(a);
        }
        self.binary_op(op, &a, b)
            .map_err(|err| self.inplace_type_error(err, op, &a, b))
    }

    /// CPython names the augmented operator (`+=`) when neither operand supports it.
    fn inplace_type_error(&mut self, err: PyErr, op: BinOp, a: &Value, b: &Value) -> PyErr {
        let (ta, tb) = (self.type_name(a), self.type_name(b));
        let plain = format!(
            "unsupported operand type(s) for {}: '{ta}' and '{tb}'",
            binop_symbol(op)
        );
        let message = Value::Obj(err.exc.clone_ref(self.py));
        if self.err_matches(&err, &types().type_error) && self.str(&message).is_ok_and(|m| m == plain) {
            return self.type_error(format!(
                "unsupported operand type(s) for {}=: '{ta}' and '{tb}'",
                binop_symbol(op)
            ));
        }
        err
    }

    fn binop_type_error(&self, op: BinOp, a: &Value, b: &Value) -> PyErr {
        let (ta, tb) = (self.type_name(a), self.type_name(b));
        // The built-in sequence's own message, also for a class derived from it.
        let seq = self.type_name(a.builtin_self());
        if op == BinOp::Add && ["str", "list", "tuple", "bytes"].contains(&seq.as_str()) && seq != tb {
            return self.type_error(format!("can only concatenate {seq} (not \"{tb}\") to {seq}"));
        }
        if op == BinOp::Mul && (is_sequence(a) || is_sequence(b)) {
            let other = if is_sequence(a) { &tb } else { &ta };
            return self.type_error(format!("can't multiply sequence by non-int of type '{other}'"));
        }
        self.type_error(format!(
            "unsupported operand type(s) for {}: '{ta}' and '{tb}'",
            binop_symbol(op)
        ))
    }

    fn small_int_op(&mut self, op: BinOp, x: i64, y: i64) -> PyResult<Option<Value>> {
        Ok(match op {
            BinOp::Add => x.checked_add(y).map(Value::Int),
            BinOp::Sub => x.checked_sub(y).map(Value::Int),
            BinOp::Mul => x.checked_mul(y).map(Value::Int),
            BinOp::FloorDiv => {
                if y == 0 {
                    return Err(self.zero_division("integer division or modulo by zero"));
                }
                floor_div_i64(x, y).map(Value::Int)
            }
            BinOp::Mod => {
                if y == 0 {
                    return Err(self.zero_division("integer modulo by zero"));
                }
                mod_i64(x, y).map(Value::Int)
            }
            BinOp::Div => {
                if y == 0 {
                    return Err(self.zero_division("division by zero"));
                }
                if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
                    Some(Value::Float(x as f64 / y as f64))
                } else {
                    None
                }
            }
            BinOp::BitAnd => Some(Value::Int(x & y)),
            BinOp::BitOr => Some(Value::Int(x | y)),
            BinOp::BitXor => Some(Value::Int(x ^ y)),
            BinOp::LShift if (0..63).contains(&y) => {
                let r = x.checked_shl(y as u32).filter(|r| r >> y == x);
                r.map(Value::Int)
            }
            BinOp::RShift if y >= 0 => Some(Value::Int(x >> y.min(63))),
            BinOp::Pow if (0..64).contains(&y) => x.checked_pow(y as u32).map(Value::Int),
            _ => None,
        })
    }

    fn float_op(&self, op: BinOp, x: f64, y: f64) -> PyResult<Value> {
        Ok(Value::Float(match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div => {
                if y == 0.0 {
                    return Err(self.zero_division("float division by zero"));
                }
                x / y
            }
            BinOp::FloorDiv => {
                if y == 0.0 {
                    return Err(self.zero_division("float floor division by zero"));
                }
                float_floordiv(x, y)
            }
            BinOp::Mod => {
                if y == 0.0 {
                    return Err(self.zero_division("float modulo"));
                }
                float_mod(x, y)
            }
            BinOp::Pow => {
                if x == 0.0 && y < 0.0 {
                    return Err(self.zero_division("0.0 cannot be raised to a negative power"));
                }
                if x < 0.0 && y.fract() != 0.0 {
                    return Err(self.value_error("complex numbers are not supported"));
                }
                let r = x.powf(y);
                if r.is_infinite() && x.is_finite() && y.is_finite() {
                    return Err(self.overflow_error("(34, 'Numerical result out of range')"));
                }
                r
            }
            _ => {
                return Err(self.type_error(format!(
                    "unsupported operand type(s) for {}: 'float' and 'float'",
                    binop_symbol(op)
                )));
            }
        }))
    }

    fn big_int_op(&mut self, op: BinOp, x: &BigInt, y: &BigInt) -> PyResult<Option<Value>> {
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::FloorDiv => {
                if y.is_zero() {
                    return Err(self.zero_division("integer division or modulo by zero"));
                }
                x.div_floor(y)
            }
            BinOp::Mod => {
                if y.is_zero() {
                    return Err(self.zero_division("integer modulo by zero"));
                }
                x.mod_floor(y)
            }
            BinOp::Div => {
                if y.is_zero() {
                    return Err(self.zero_division("division by zero"));
                }
                return Ok(Some(Value::Float(big_true_div(self, x, y)?)));
            }
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            BinOp::LShift => {
                if y.is_negative() {
                    return Err(self.value_error("negative shift count"));
                }
                let Some(shift) = y.to_usize().filter(|s| *s < (1 << 32)) else {
                    return Err(self.overflow_error("too many digits in integer"));
                };
                x << shift
            }
            BinOp::RShift => {
                if y.is_negative() {
                    return Err(self.value_error("negative shift count"));
                }
                match y.to_usize() {
                    Some(shift) => x >> shift,
                    None => BigInt::from(if x.is_negative() { -1 } else { 0 }),
                }
            }
            BinOp::Pow => {
                if y.is_negative() {
                    let (Some(fx), Some(fy)) = (x.to_f64(), y.to_f64()) else {
                        return Err(self.overflow_error("int too large to convert to float"));
                    };
                    return self.float_op(BinOp::Pow, fx, fy).map(Some);
                }
                let Some(exp) = y.to_u32() else {
                    return Err(self.overflow_error("exponent too large"));
                };
                if x.bits().saturating_mul(u64::from(exp)) > 64 * 1024 * 1024 {
                    return Err(self.new_error(&types().memory_error, ""));
                }
                Pow::pow(x, exp)
            }
            BinOp::MatMul => return Ok(None),
        };
        Ok(Some(self.new_int(r)))
    }

    pub fn builtin_binary_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Option<Value>> {
        if matches!(op, BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor) && (is_set_view(a) || is_set_view(b))
        {
            return self.dict_view_set_op(op, a, b).map(Some);
        }
        if is_int(a) && is_int(b) {
            let (x, y) = (as_bigint(a).unwrap_or_default(), as_bigint(b).unwrap_or_default());
            return self.big_int_op(op, &x, &y);
        }
        if is_number(a) && is_number(b) {
            let (Some(x), Some(y)) = (as_float(self, a)?, as_float(self, b)?) else {
                return Ok(None);
            };
            return self.float_op(op, x, y).map(Some);
        }
        let py = self.py;
        match (op, a.payload(), b.payload()) {
            (BinOp::Add, Some(Payload::Str(x)), Some(Payload::Str(y))) => {
                let mut s = String::with_capacity(x.as_str().len() + y.as_str().len());
                s.push_str(x.as_str());
                s.push_str(y.as_str());
                Ok(Some(self.new_str(s)))
            }
            (BinOp::Add, Some(Payload::List(x)), Some(Payload::List(y))) => {
                let (mut items, tail) = snapshot_two(py, x, y);
                items.extend(tail);
                Ok(Some(self.new_list(items)))
            }
            (BinOp::Add, Some(Payload::Tuple(x)), Some(Payload::Tuple(y))) => {
                let items = x.iter().chain(y.iter()).map(|v| v.clone_ref(py)).collect();
                Ok(Some(self.new_tuple(items)))
            }
            (BinOp::Add, Some(Payload::Bytes(x)), Some(Payload::Bytes(y))) => {
                Ok(Some(self.new_bytes([&x[..], &y[..]].concat())))
            }
            (BinOp::Mul, _, _) if is_sequence(a) && is_int(b) => self.repeat(a, b).map(Some),
            (BinOp::Mul, _, _) if is_int(a) && is_sequence(b) => self.repeat(b, a).map(Some),
            (BinOp::Mod, Some(Payload::Str(s)), _) => {
                let text = self.percent_format(s.as_str(), b)?;
                Ok(Some(self.new_str(text)))
            }
            (
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor,
                Some(Payload::Set(_) | Payload::FrozenSet(_)),
                Some(Payload::Set(_) | Payload::FrozenSet(_)),
            ) => self.set_binary_op(op, a, b).map(Some),
            (BinOp::BitOr, Some(Payload::Dict(_)), Some(Payload::Dict(_))) => {
                let result = self.new_dict();
                self.dict_update(&result, a, false)?;
                self.dict_update(&result, b, false)?;
                Ok(Some(result))
            }
            _ => Ok(None),
        }
    }

    /// `list *= n`: the list itself grows (or empties), in one step under its lock.
    fn repeat_list_in_place(&mut self, items: &ObjLock<Vec<Value>>, n: i64) -> PyResult<()> {
        let py = self.py;
        let n = usize::try_from(n).unwrap_or(0);
        let mut list = items.lock(py);
        if list.len().checked_mul(n).is_none_or(|total| total > (1 << 34)) {
            drop(list);
            return Err(self.new_error(&types().memory_error, ""));
        }
        if n == 0 {
            let old = std::mem::take(&mut *list);
            drop(list);
            drop(old);
            return Ok(());
        }
        let once: Vec<Value> = list.iter().map(|v| v.clone_ref(py)).collect();
        list.reserve(once.len() * (n - 1));
        for _ in 1..n {
            list.extend(once.iter().map(|v| v.clone_ref(py)));
        }
        Ok(())
    }

    fn repeat(&mut self, seq: &Value, count: &Value) -> PyResult<Value> {
        let n = match as_bigint(count).and_then(|c| c.to_i64()) {
            Some(n) => n.max(0) as usize,
            None => return Err(self.overflow_error("cannot fit 'int' into an index-sized integer")),
        };
        let py = self.py;
        // Results past 16 GiB are refused with MemoryError rather than aborting the process.
        let length = match seq.payload() {
            Some(Payload::Str(s)) => s.as_str().len(),
            Some(Payload::Bytes(b)) => b.len(),
            Some(Payload::List(items)) => items.lock(py).len(),
            Some(Payload::Tuple(items)) => items.len(),
            _ => return Err(self.type_error("can't multiply sequence")),
        };
        if length.checked_mul(n).is_none_or(|total| total > (1 << 34)) {
            return Err(self.new_error(&types().memory_error, ""));
        }
        let repeat_items = |items: &[Value]| {
            let mut out = Vec::with_capacity(items.len() * n);
            for _ in 0..n {
                out.extend(items.iter().map(|v| v.clone_ref(py)));
            }
            out
        };
        Ok(match seq.payload() {
            Some(Payload::Str(s)) => self.new_str(s.as_str().repeat(n)),
            Some(Payload::Bytes(b)) => self.new_bytes(b.repeat(n)),
            Some(Payload::List(items)) => {
                let items: Vec<Value> = items.lock(py).iter().map(|v| v.clone_ref(py)).collect();
                self.new_list(repeat_items(&items))
            }
            Some(Payload::Tuple(items)) => self.new_tuple(repeat_items(items)),
            _ => return Err(self.type_error("can't multiply sequence")),
        })
    }

    fn try_dunder_binary(
        &mut self,
        a: &Value,
        b: &Value,
        name: &'static str,
        rname: &'static str,
    ) -> PyResult<Option<Value>> {
        let py = self.py;
        let a_user = matches!(a.payload(), Some(Payload::Instance(_)));
        let b_user = matches!(b.payload(), Some(Payload::Instance(_)));
        if a_user && let Some(method) = self.lookup_special(a, name) {
            let r = self.call(&method, &[a.clone_ref(py), b.clone_ref(py)], &[])?;
            if !matches!(r.payload(), Some(Payload::NotImplemented)) {
                return Ok(Some(r));
            }
        }
        if b_user && let Some(method) = self.lookup_special(b, rname) {
            let r = self.call(&method, &[b.clone_ref(py), a.clone_ref(py)], &[])?;
            if !matches!(r.payload(), Some(Payload::NotImplemented)) {
                return Ok(Some(r));
            }
        }
        Ok(None)
    }

    pub fn unary_op(&mut self, op: UnaryOp, v: &Value) -> PyResult<Value> {
        match (op, v) {
            (UnaryOp::Not, _) => return Ok(Value::Bool(!self.is_true(v)?)),
            (UnaryOp::Neg, Value::Int(i)) if *i != i64::MIN => return Ok(Value::Int(-i)),
            (UnaryOp::Neg, Value::Float(f)) => return Ok(Value::Float(-f)),
            (UnaryOp::Pos, Value::Float(f)) => return Ok(Value::Float(*f)),
            (UnaryOp::Invert, Value::Int(i)) => return Ok(Value::Int(!i)),
            _ => {}
        }
        if is_int(v) {
            let x = as_bigint(v).unwrap_or_default().into_owned();
            return Ok(self.new_int(match op {
                UnaryOp::Neg => -x,
                UnaryOp::Pos => x,
                _ => -x - 1,
            }));
        }
        let name = match op {
            UnaryOp::Neg => "__neg__",
            UnaryOp::Pos => "__pos__",
            _ => "__invert__",
        };
        if matches!(v.payload(), Some(Payload::Instance(_)))
            && let Some(method) = self.lookup_special(v, name)
        {
            return self.call(&method, &[v.clone_ref(self.py)], &[]);
        }
        let base = v.builtin_self();
        if !base.is(v) && is_number(base) {
            return self.unary_op(op, base);
        }
        let symbol = match op {
            UnaryOp::Neg => "unary -",
            UnaryOp::Pos => "unary +",
            _ => "unary ~",
        };
        Err(self.type_error(format!("bad operand type for {symbol}: '{}'", self.type_name(v))))
    }

    // ----- comparison ---------------------------------------------------------------------

    pub fn compare(&mut self, op: CmpOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let (Value::Int(x), Value::Int(y)) = (a, b) {
            return Ok(Value::Bool(cmp_result(op, x.cmp(y))));
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
        let py = self.py;
        match (a.payload(), b.payload()) {
            (Some(Payload::Tuple(x)), Some(Payload::Tuple(y))) => self.seq_eq(x, y),
            (Some(Payload::List(x)), Some(Payload::List(y))) => {
                let (x, y) = snapshot_two(py, x, y);
                self.seq_eq(&x, &y)
            }
            (Some(Payload::Dict(x)), Some(Payload::Dict(y))) => {
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
            (Some(Payload::Instance(_)), _) | (_, Some(Payload::Instance(_))) => {
                for (x, y, name) in [(a, b, "__eq__"), (b, a, "__eq__")] {
                    if matches!(x.payload(), Some(Payload::Instance(_)))
                        && let Some(method) = self.lookup_special(x, name)
                    {
                        let r = self.call(&method, &[x.clone_ref(py), y.clone_ref(py)], &[])?;
                        if !matches!(r.payload(), Some(Payload::NotImplemented)) {
                            return self.is_true(&r);
                        }
                    }
                }
                let (x, y) = (a.builtin_self(), b.builtin_self());
                if !x.is(a) || !y.is(b) {
                    return self.eq(x, y);
                }
                Ok(a.is(b))
            }
            _ => Ok(a.is(b)),
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
        let py = self.py;
        match (a.payload(), b.payload()) {
            (Some(Payload::Str(x)), Some(Payload::Str(y))) => return Ok(cmp_result(op, x.as_str().cmp(y.as_str()))),
            (Some(Payload::Bytes(x)), Some(Payload::Bytes(y))) => return Ok(cmp_result(op, x.cmp(y))),
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
            _ => {}
        }
        let (name, rname) = match op {
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::LtE => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            _ => ("__ge__", "__le__"),
        };
        for (x, y, method_name) in [(a, b, name), (b, a, rname)] {
            if matches!(x.payload(), Some(Payload::Instance(_)))
                && let Some(method) = self.lookup_special(x, method_name)
            {
                let r = self.call(&method, &[x.clone_ref(py), y.clone_ref(py)], &[])?;
                if !matches!(r.payload(), Some(Payload::NotImplemented)) {
                    return self.is_true(&r);
                }
            }
        }
        let (x, y) = (a.builtin_self(), b.builtin_self());
        if (!x.is(a) || !y.is(b)) && orders_as_builtins(x, y) {
            return self.order(op, x, y);
        }
        let symbol = match op {
            CmpOp::Lt => "<",
            CmpOp::LtE => "<=",
            CmpOp::Gt => ">",
            _ => ">=",
        };
        Err(self.type_error(format!(
            "'{symbol}' not supported between instances of '{}' and '{}'",
            self.type_name(a),
            self.type_name(b)
        )))
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

    // ----- hashing and truth --------------------------------------------------------------

    pub fn hash(&mut self, v: &Value) -> PyResult<i64> {
        if let Some(h) = hashing::hash_value(v) {
            return Ok(h);
        }
        match v.payload() {
            Some(Payload::Tuple(items)) => {
                let mut hashes = Vec::with_capacity(items.len());
                for item in items.iter() {
                    hashes.push(self.hash(item)?);
                }
                Ok(hashing::hash_tuple(hashes.into_iter()))
            }
            Some(Payload::Instance(_)) => {
                let Some(method) = self.lookup_special(v, "__hash__") else {
                    return Ok(v.as_obj().map_or(0, |o| (o.addr() >> 4) as i64));
                };
                if method.is_none() {
                    return Err(self.type_error(format!("unhashable type: '{}'", self.type_name(v))));
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
                Payload::Bytes(b) => !b.is_empty(),
                Payload::Tuple(t) => !t.is_empty(),
                Payload::List(l) => !l.lock(self.py).is_empty(),
                Payload::Dict(d) => !d.lock(self.py).is_empty(),
                Payload::Set(_) | Payload::FrozenSet(_) => self.set_len(v) != 0,
                Payload::Range(r) => !r.is_empty(),
                Payload::DictView(dict, _) => matches!(&dict.payload, Payload::Dict(t) if !t.lock(self.py).is_empty()),
                Payload::Instance(_) => {
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
                        return Ok(as_small_int(&r).unwrap_or(1) != 0);
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
            Some(Payload::Tuple(t)) => t.len(),
            Some(Payload::List(l)) => l.lock(self.py).len(),
            Some(Payload::Dict(d)) => d.lock(self.py).len(),
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => self.set_len(v),
            Some(Payload::Range(r)) => r.len() as usize,
            Some(Payload::DictView(dict, _)) => match &dict.payload {
                Payload::Dict(table) => table.lock(self.py).len(),
                _ => 0,
            },
            Some(Payload::Instance(_)) if self.lookup_special(v, "__len__").is_some() => {
                let method = self.lookup_special(v, "__len__").unwrap_or(Value::None);
                let r = self.call(&method, &[v.clone_ref(self.py)], &[])?;
                match as_small_int(&r) {
                    Some(n) if n >= 0 => n as usize,
                    Some(_) => return Err(self.value_error("__len__() should return >= 0")),
                    None => {
                        return Err(self.type_error(format!(
                            "'{}' object cannot be interpreted as an integer",
                            self.type_name(&r)
                        )));
                    }
                }
            }
            _ => return Err(self.type_error(format!("object of type '{}' has no len()", self.type_name(v)))),
        })
    }

    // ----- containers ---------------------------------------------------------------------

    /// `item in container`.
    pub fn contains(&mut self, container: &Value, item: &Value) -> PyResult<bool> {
        let py = self.py;
        match container.payload() {
            Some(Payload::Str(s)) => match item.as_str() {
                Some(needle) => Ok(s.as_str().contains(needle)),
                None => Err(self.type_error(format!(
                    "'in <string>' requires string as left operand, not {}",
                    self.type_name(item)
                ))),
            },
            Some(Payload::Dict(_)) => Ok(self.dict_get(container, item)?.is_some()),
            Some(Payload::DictView(dict, DictViewKind::Keys)) => {
                let dict = Value::Obj(dict.clone_ref(py));
                Ok(self.dict_get(&dict, item)?.is_some())
            }
            Some(Payload::DictView(dict, DictViewKind::Items)) => {
                let dict = Value::Obj(dict.clone_ref(py));
                let Some(Payload::Tuple(pair)) = item.payload() else {
                    return Ok(false);
                };
                let [key, value] = &pair[..] else { return Ok(false) };
                match self.dict_get(&dict, key)? {
                    Some(found) => Ok(found.is(value) || self.eq(&found, value)?),
                    None => Ok(false),
                }
            }
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => self.set_contains(container, item),
            Some(Payload::Range(r)) => Ok(match as_small_int(item) {
                Some(i) => {
                    let in_bounds = if r.step > 0 {
                        r.start <= i && i < r.stop
                    } else {
                        r.stop < i && i <= r.start
                    };
                    in_bounds && (i - r.start) % r.step == 0
                }
                None => false,
            }),
            Some(Payload::Bytes(b)) => match (item, item.payload()) {
                (Value::Int(i), _) => Ok(b.contains(&(*i as u8)) && (0..256).contains(i)),
                (_, Some(Payload::Bytes(needle))) => {
                    Ok(needle.is_empty() || b.windows(needle.len()).any(|w| w == &needle[..]))
                }
                _ => Err(self.type_error("a bytes-like object is required")),
            },
            Some(Payload::Tuple(items)) => {
                for x in items.iter() {
                    if x.is(item) || self.eq(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Some(Payload::List(items)) => {
                let items: Vec<Value> = items.lock(py).iter().map(|v| v.clone_ref(py)).collect();
                for x in &items {
                    if x.is(item) || self.eq(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Some(Payload::Instance(_)) if self.lookup_special(container, "__contains__").is_some() => {
                let method = self.lookup_special(container, "__contains__").unwrap_or(Value::None);
                let r = self.call(&method, &[container.clone_ref(py), item.clone_ref(py)], &[])?;
                self.is_true(&r)
            }
            _ => {
                let it = match self.iter(container) {
                    Ok(it) => it,
                    Err(_) => {
                        return Err(self.type_error(format!(
                            "argument of type '{}' is not iterable",
                            self.type_name(container)
                        )));
                    }
                };
                while let Some(x) = self.next(&it)? {
                    if x.is(item) || self.eq(&x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
        }
    }

    /// Convert an index operand to `isize`, with CPython's messages.
    pub fn index_value(&self, v: &Value, what: &str) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            _ if is_int(v) => Err(self.index_error("cannot fit 'int' into an index-sized integer")),
            _ if is_int(v.builtin_self()) => self.index_value(v.builtin_self(), what),
            _ => Err(self.type_error(format!(
                "{what} indices must be integers or slices, not {}",
                self.type_name(v)
            ))),
        }
    }

    pub fn get_item(&mut self, obj: &Value, index: &Value) -> PyResult<Value> {
        let py = self.py;
        if let Some(Payload::Slice(s)) = index.payload() {
            return self.get_slice(obj, s);
        }
        match obj.payload() {
            Some(Payload::List(items)) => {
                let i = self.index_value(index, "list")?;
                let items = items.lock(py);
                match normalize_index(i, items.len()) {
                    Some(i) => Ok(items[i].clone_ref(py)),
                    None => Err(self.index_error("list index out of range")),
                }
            }
            Some(Payload::Tuple(items)) => {
                let i = self.index_value(index, "tuple")?;
                match normalize_index(i, items.len()) {
                    Some(i) => Ok(items[i].clone_ref(py)),
                    None => Err(self.index_error("tuple index out of range")),
                }
            }
            Some(Payload::Str(s)) => {
                let i = self.index_value(index, "string")?;
                match normalize_index(i, s.char_len()) {
                    Some(i) => {
                        let c = if s.is_ascii() {
                            s.as_str()[i..i + 1].to_string()
                        } else {
                            s.as_str().chars().nth(i).map(String::from).unwrap_or_default()
                        };
                        Ok(self.new_str(c))
                    }
                    None => Err(self.index_error("string index out of range")),
                }
            }
            Some(Payload::Bytes(b)) => {
                let i = self.index_value(index, "byte")?;
                match normalize_index(i, b.len()) {
                    Some(i) => Ok(Value::Int(i64::from(b[i]))),
                    None => Err(self.index_error("index out of range")),
                }
            }
            Some(Payload::Range(r)) => {
                let i = self.index_value(index, "range")?;
                match normalize_index(i, r.len() as usize) {
                    Some(i) => Ok(Value::Int(r.start + r.step * i as i64)),
                    None => Err(self.index_error("range object index out of range")),
                }
            }
            Some(Payload::Dict(_)) => match self.dict_get(obj, index)? {
                Some(v) => Ok(v),
                None => Err(self.key_error(index)),
            },
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__getitem__").is_some() => {
                let method = self.lookup_special(obj, "__getitem__").unwrap_or(Value::None);
                self.call(&method, &[obj.clone_ref(py), index.clone_ref(py)], &[])
            }
            Some(Payload::Type(_)) => {
                Err(self.type_error(format!("type '{}' is not subscriptable", self.type_name_of_class(obj))))
            }
            _ => Err(self.type_error(format!("'{}' object is not subscriptable", self.type_name(obj)))),
        }
    }

    fn type_name_of_class(&self, class: &Value) -> String {
        match class.payload() {
            Some(Payload::Type(t)) => t.name.clone(),
            _ => self.type_name(class),
        }
    }

    /// `(start, stop, step)` of a slice over a sequence of length `len`, and the count.
    pub fn slice_indices(&mut self, s: &[Value; 3], len: usize) -> PyResult<(i64, i64, i64, usize)> {
        Ok(self.slice_bounds(s)?.indices(len))
    }

    /// A slice's bounds read as integers, before the sequence's length is known.
    pub fn slice_bounds(&self, s: &[Value; 3]) -> PyResult<SliceBounds> {
        let step = match &s[2] {
            Value::None => 1,
            v => self.slice_int(v)?,
        };
        if step == 0 {
            return Err(self.value_error("slice step cannot be zero"));
        }
        let bound = |v: &Value| match v {
            Value::None => Ok(None),
            v => self.slice_int(v).map(Some),
        };
        Ok(SliceBounds {
            start: bound(&s[0])?,
            stop: bound(&s[1])?,
            step,
        })
    }

    fn slice_int(&self, v: &Value) -> PyResult<i64> {
        match v {
            Value::Int(i) => Ok(*i),
            Value::Bool(b) => Ok(*b as i64),
            _ => match as_bigint(v) {
                Some(b) => Ok(if b.is_negative() { i64::MIN / 2 } else { i64::MAX / 2 }),
                None => Err(self.type_error("slice indices must be integers or None or have an __index__ method")),
            },
        }
    }

    fn get_slice(&mut self, obj: &Value, s: &[Value; 3]) -> PyResult<Value> {
        let py = self.py;
        let pick = |start: i64, step: i64, count: usize| (0..count).map(move |k| (start + step * k as i64) as usize);
        match obj.payload() {
            Some(Payload::List(items)) => {
                let bounds = self.slice_bounds(s)?;
                let picked = {
                    let items = items.lock(py);
                    let (start, _, step, count) = bounds.indices(items.len());
                    pick(start, step, count).map(|i| items[i].clone_ref(py)).collect()
                };
                Ok(self.new_list(picked))
            }
            Some(Payload::Tuple(items)) => {
                let (start, _, step, count) = self.slice_indices(s, items.len())?;
                Ok(self.new_tuple(pick(start, step, count).map(|i| items[i].clone_ref(py)).collect()))
            }
            Some(Payload::Str(text)) => {
                let (start, _, step, count) = self.slice_indices(s, text.char_len())?;
                let out: String = if text.is_ascii() {
                    let bytes = text.as_str().as_bytes();
                    pick(start, step, count).map(|i| bytes[i] as char).collect()
                } else {
                    let chars: Vec<char> = text.as_str().chars().collect();
                    pick(start, step, count).map(|i| chars[i]).collect()
                };
                Ok(self.new_str(out))
            }
            Some(Payload::Bytes(b)) => {
                let (start, _, step, count) = self.slice_indices(s, b.len())?;
                Ok(self.new_bytes(pick(start, step, count).map(|i| b[i]).collect()))
            }
            Some(Payload::Range(r)) => {
                let (start, stop, step, _) = self.slice_indices(s, r.len() as usize)?;
                let (r_start, r_step) = (r.start, r.step);
                Ok(self.alloc(Payload::Range(crate::objects::Range {
                    start: r_start + start * r_step,
                    stop: r_start + stop * r_step,
                    step: r_step * step,
                })))
            }
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__getitem__").is_some() => {
                let method = self.lookup_special(obj, "__getitem__").unwrap_or(Value::None);
                let slice = self.alloc(Payload::Slice(Box::new([
                    s[0].clone_ref(py),
                    s[1].clone_ref(py),
                    s[2].clone_ref(py),
                ])));
                self.call(&method, &[obj.clone_ref(py), slice], &[])
            }
            _ => Err(self.type_error(format!("'{}' object is not subscriptable", self.type_name(obj)))),
        }
    }

    pub fn set_item(&mut self, obj: &Value, index: Value, value: Value) -> PyResult<()> {
        let py = self.py;
        match obj.payload() {
            Some(Payload::List(items)) => {
                if let Some(Payload::Slice(s)) = index.payload() {
                    let new_items = self.collect(&value)?;
                    let bounds = self.slice_bounds(s)?;
                    let mut items = items.lock(py);
                    let (start, stop, step, count) = bounds.indices(items.len());
                    if step == 1 {
                        let stop = stop.max(start) as usize;
                        let start = start as usize;
                        let end = stop.min(items.len());
                        let old: Vec<Value> = items.splice(start..end, new_items).collect();
                        drop(items);
                        drop(old);
                        return Ok(());
                    }
                    if new_items.len() != count {
                        drop(items);
                        return Err(self.value_error(format!(
                            "attempt to assign sequence of size {} to extended slice of size {count}",
                            new_items.len()
                        )));
                    }
                    for (k, v) in new_items.into_iter().enumerate() {
                        items[(start + step * k as i64) as usize] = v;
                    }
                    return Ok(());
                }
                let i = self.index_value(&index, "list")?;
                let mut items = items.lock(py);
                match normalize_index(i, items.len()) {
                    Some(i) => {
                        let old = std::mem::replace(&mut items[i], value);
                        drop(items);
                        drop(old);
                        Ok(())
                    }
                    None => {
                        drop(items);
                        Err(self.index_error("list assignment index out of range"))
                    }
                }
            }
            Some(Payload::Dict(_)) => self.dict_set(obj, index, value),
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__setitem__").is_some() => {
                let method = self.lookup_special(obj, "__setitem__").unwrap_or(Value::None);
                self.call(&method, &[obj.clone_ref(py), index, value], &[])?;
                Ok(())
            }
            _ => Err(self.type_error(format!(
                "'{}' object does not support item assignment",
                self.type_name(obj)
            ))),
        }
    }

    pub fn del_item(&mut self, obj: &Value, index: &Value) -> PyResult<()> {
        let py = self.py;
        match obj.payload() {
            Some(Payload::List(items)) => {
                if let Some(Payload::Slice(s)) = index.payload() {
                    let bounds = self.slice_bounds(s)?;
                    let mut items = items.lock(py);
                    let (start, _, step, count) = bounds.indices(items.len());
                    let mut positions: Vec<usize> = (0..count).map(|k| (start + step * k as i64) as usize).collect();
                    positions.sort_unstable();
                    let mut removed = Vec::with_capacity(count);
                    for &p in positions.iter().rev() {
                        removed.push(items.remove(p));
                    }
                    drop(items);
                    return Ok(());
                }
                let i = self.index_value(index, "list")?;
                let mut items = items.lock(py);
                match normalize_index(i, items.len()) {
                    Some(i) => {
                        let old = items.remove(i);
                        drop(items);
                        drop(old);
                        Ok(())
                    }
                    None => {
                        drop(items);
                        Err(self.index_error("list assignment index out of range"))
                    }
                }
            }
            Some(Payload::Dict(_)) => match self.dict_del(obj, index)? {
                Some(_) => Ok(()),
                None => Err(self.key_error(index)),
            },
            Some(Payload::Instance(_)) if self.lookup_special(obj, "__delitem__").is_some() => {
                let method = self.lookup_special(obj, "__delitem__").unwrap_or(Value::None);
                self.call(&method, &[obj.clone_ref(py), index.clone_ref(py)], &[])?;
                Ok(())
            }
            _ => Err(self.type_error(format!(
                "'{}' object does not support item deletion",
                self.type_name(obj)
            ))),
        }
    }

    // ----- dicts and sets -----------------------------------------------------------------

    /// Look a key up; keys compare natively (built-in types) or by identity.
    /// For a key whose `__eq__` is Python code: the equal key already in the table, found with
    /// the table's lock released, so the locked operation can then match it by identity. As in
    /// CPython, each stored key with the same hash is asked `stored == key`, in probe order.
    pub(super) fn canonical_key(&mut self, container: &Value, hash: i64, key: &Value) -> PyResult<Option<Value>> {
        if !matches!(key.payload(), Some(Payload::Instance(_))) || self.lookup_special(key, "__eq__").is_none() {
            return Ok(None);
        }
        let py = self.py;
        let candidates: Vec<Value> = match container.payload() {
            Some(Payload::Dict(t)) => t.lock(py).keys_with_hash(hash).map(|k| k.clone_ref(py)).collect(),
            Some(Payload::Set(t)) => t
                .lock(py)
                .keys_with_hash(hash)
                .into_iter()
                .map(|k| k.clone_ref(py))
                .collect(),
            Some(Payload::FrozenSet(t)) => t.keys_with_hash(hash).into_iter().map(|k| k.clone_ref(py)).collect(),
            _ => Vec::new(),
        };
        for candidate in candidates {
            if candidate.is(key) || self.eq(&candidate, key)? {
                return Ok(Some(candidate));
            }
        }
        Ok(None)
    }

    pub fn dict_get(&mut self, dict: &Value, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        let canonical = self.canonical_key(dict, hash, key)?;
        let key = canonical.as_ref().unwrap_or(key);
        let py = self.py;
        Ok(match dict.payload() {
            Some(Payload::Dict(table)) => table
                .lock(py)
                .get(hash, |k| key_eq(k, key))
                .map(|e| e.value.clone_ref(py)),
            _ => None,
        })
    }

    pub fn dict_set(&mut self, dict: &Value, key: Value, value: Value) -> PyResult<()> {
        let hash = self.hash(&key)?;
        let key = self.canonical_key(dict, hash, &key)?.unwrap_or(key);
        if let Some(Payload::Dict(table)) = dict.payload() {
            let old = {
                let probe = key.clone_ref(self.py);
                table.lock(self.py).insert(hash, key, value, |k| key_eq(k, &probe))
            };
            drop(old);
        }
        Ok(())
    }

    /// `dict.setdefault(key, default)`: the lookup and the insertion are one step under the
    /// dict's lock, so threads racing on a missing key all get the one value that was stored.
    pub fn dict_setdefault(&mut self, dict: &Value, key: Value, default: Value) -> PyResult<Value> {
        let hash = self.hash(&key)?;
        let key = self.canonical_key(dict, hash, &key)?.unwrap_or(key);
        let py = self.py;
        let Some(Payload::Dict(table)) = dict.payload() else {
            return Ok(default);
        };
        let mut table = table.lock(py);
        if let Some(entry) = table.get(hash, |k| key_eq(k, &key)) {
            return Ok(entry.value.clone_ref(py));
        }
        let probe = key.clone_ref(py);
        table.insert(hash, key, default.clone_ref(py), |k| key_eq(k, &probe));
        Ok(default)
    }

    pub fn dict_del(&mut self, dict: &Value, key: &Value) -> PyResult<Option<Value>> {
        let hash = self.hash(key)?;
        let canonical = self.canonical_key(dict, hash, key)?;
        let key = canonical.as_ref().unwrap_or(key);
        Ok(match dict.payload() {
            Some(Payload::Dict(table)) => {
                let removed = table.lock(self.py).remove(hash, |k| key_eq(k, key));
                removed.map(|e| e.value)
            }
            _ => None,
        })
    }

    /// Lookup by an interned name (globals, namespaces).
    pub fn dict_get_str(&mut self, dict: &ObjRef, key: &ObjRef) -> PyResult<Option<Value>> {
        let Payload::Str(name) = &key.payload else {
            return Ok(None);
        };
        let hash = name.hash();
        let py = self.py;
        Ok(match &dict.payload {
            Payload::Dict(table) => table
                .lock(py)
                .get(hash, |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                })
                .map(|e| e.value.clone_ref(py)),
            _ => None,
        })
    }

    pub fn dict_set_str(&mut self, dict: &ObjRef, key: &ObjRef, value: Value) -> PyResult<()> {
        let Payload::Str(name) = &key.payload else {
            return Ok(());
        };
        let hash = name.hash();
        if let Payload::Dict(table) = &dict.payload {
            let old = table
                .lock(self.py)
                .insert(hash, Value::Obj(key.clone_ref(self.py)), value, |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                });
            drop(old);
        }
        Ok(())
    }

    pub fn dict_del_str(&mut self, dict: &ObjRef, key: &ObjRef) -> PyResult<Option<Value>> {
        let Payload::Str(name) = &key.payload else {
            return Ok(None);
        };
        let hash = name.hash();
        Ok(match &dict.payload {
            Payload::Dict(table) => {
                let removed = table.lock(self.py).remove(hash, |k| {
                    k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                });
                removed.map(|e| e.value)
            }
            _ => None,
        })
    }

    /// The hit path of `load_global_hinted` (the hinted globals slot still holds the name),
    /// inlined into the eval loop: the call would cost as much as the lookup. `None` when the
    /// full lookup must run — always without a GIL, where taking the globals' lock here would
    /// make every thread reading globals contend for it; `load_global_hinted` reads its
    /// version-checked cache without a lock first.
    #[inline(always)]
    pub fn load_global_hit(&self, globals: &ObjRef, handle: &CodeHandle, i: usize) -> Option<Value> {
        if crate::gil::is_free_threaded() {
            return None;
        }
        let py = self.py;
        let Payload::Dict(globals_table) = &globals.payload else {
            return None;
        };
        let slot = handle.global_hints.get(i)?.slot()?;
        let key = handle.names.get(i)?;
        let table = globals_table.lock(py);
        let entry = table.entry_at(slot)?;
        matches!(&entry.key, Value::Obj(o) if o.is(key)).then(|| entry.value.clone_ref(py))
    }

    /// `LoadGlobal` with the code object's per-name hint: usually one lock and one slot read,
    /// no hashing and no string comparison.
    #[inline(never)]
    pub fn load_global_hinted(&mut self, globals: &ObjRef, handle: &CodeHandle, i: usize) -> PyResult<Value> {
        let py = self.py;
        let key = &handle.names[i];
        let hint = &handle.global_hints[i];
        let is_key = |k: &Value| matches!(k, Value::Obj(o) if o.is(key));
        let Payload::Dict(globals_table) = &globals.payload else {
            return self.load_global(globals, key);
        };
        let Payload::Dict(builtins_table) = &self.builtins.payload else {
            return self.load_global(globals, key);
        };
        // Lock-free while neither dict has changed since the value was read under their locks:
        // without a GIL, every thread reading the same globals would otherwise serialise on
        // the dict's lock.
        if let Some(([dict, version, builtins_version], value)) = hint.value.get()
            && dict == globals.addr() as u64
            && version == globals_table.version()
            && (builtins_version == GlobalHint::NOT_BUILTIN || builtins_version == builtins_table.version())
        {
            return Ok(value);
        }
        let (globals_version, version) = {
            let table = globals_table.lock(py);
            if let Some(entry) = hint.slot().and_then(|s| table.entry_at(s))
                && is_key(&entry.key)
            {
                let cache_key = [globals.addr() as u64, globals_table.version(), GlobalHint::NOT_BUILTIN];
                hint.value.set(cache_key, &entry.value);
                return Ok(entry.value.clone_ref(py));
            }
            (table.version(), globals_table.version())
        };
        if let Some(slot) = hint.builtin(globals_version) {
            let table = builtins_table.lock(py);
            if let Some(entry) = table.entry_at(slot)
                && is_key(&entry.key)
            {
                hint.value
                    .set([globals.addr() as u64, version, builtins_table.version()], &entry.value);
                return Ok(entry.value.clone_ref(py));
            }
        }
        let Payload::Str(name) = &key.payload else {
            return self.load_global(globals, key);
        };
        let found = globals_table.lock(py).find_slot(name.hash(), |k| {
            k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
        });
        if let Some(slot) = found {
            hint.set_slot(slot);
        } else if let Some(slot) = builtins_table.lock(py).find_slot(name.hash(), |k| {
            k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
        }) {
            hint.set_builtin(globals_version, slot);
        }
        self.load_global(globals, key)
    }

    /// `StoreGlobal` (and module-level `StoreName`) with the same hint: overwrite in place when
    /// the hinted slot still holds this name.
    pub fn store_global_hinted(&mut self, globals: &ObjRef, handle: &CodeHandle, i: usize, value: Value) {
        let py = self.py;
        let key = &handle.names[i];
        let hint = &handle.global_hints[i];
        let Payload::Dict(table) = &globals.payload else { return };
        let Payload::Str(name) = &key.payload else { return };
        let old = {
            let mut table = table.lock(py);
            match hint.slot().filter(|&s| {
                table
                    .entry_at(s)
                    .is_some_and(|e| matches!(&e.key, Value::Obj(o) if o.is(key)))
            }) {
                Some(slot) => table.replace_value_at(slot, value),
                None => {
                    let old = table.insert(name.hash(), Value::Obj(key.clone_ref(py)), value, |k| {
                        k.as_str().is_some_and(|s| crate::objects::same_text(s, name.as_str()))
                    });
                    if let Some(slot) = table.find_slot(name.hash(), |k| matches!(k, Value::Obj(o) if o.is(key))) {
                        hint.set_slot(slot);
                    }
                    old
                }
            }
        };
        drop(old);
    }

    /// Globals, then builtins.
    pub fn load_global(&mut self, globals: &ObjRef, key: &ObjRef) -> PyResult<Value> {
        if let Some(v) = self.dict_get_str(globals, key)? {
            return Ok(v);
        }
        let builtins = self.builtins.clone_ref(self.py);
        match self.dict_get_str(&builtins, key)? {
            Some(v) => Ok(v),
            None => Err(self.name_error(super::eval::str_of(key))),
        }
    }

    /// Snapshot of a dict's items (the lock is released before the caller runs any Python code).
    pub fn dict_items(&mut self, dict: &Value) -> PyResult<Vec<(Value, Value)>> {
        let py = self.py;
        match dict.payload() {
            Some(Payload::Dict(table)) => Ok(table
                .lock(py)
                .iter()
                .map(|e| (e.key.clone_ref(py), e.value.clone_ref(py)))
                .collect()),
            _ => {
                let keys_method = self.get_attr(dict, &intern("keys"))?;
                let keys = self.call(&keys_method, &[], &[])?;
                let mut out = Vec::new();
                for k in self.collect(&keys)? {
                    let v = self.get_item(dict, &k)?;
                    out.push((k, v));
                }
                Ok(out)
            }
        }
    }

    /// `dict.update(mapping)`, or `{**a}` / `f(**a)` merging (`merge` rejects duplicates).
    pub fn dict_update(&mut self, dict: &Value, mapping: &Value, merge: bool) -> PyResult<()> {
        let is_mapping = matches!(mapping.payload(), Some(Payload::Dict(_)))
            || (matches!(mapping.payload(), Some(Payload::Instance(_)))
                && self.lookup_special(mapping, "keys").is_some());
        if !is_mapping {
            return Err(self.type_error(format!("'{}' object is not a mapping", self.type_name(mapping))));
        }
        for (k, v) in self.dict_items(mapping)? {
            if merge && self.dict_get(dict, &k)?.is_some() {
                let key = self.str(&k)?;
                return Err(self.type_error(format!("got multiple values for keyword argument '{key}'")));
            }
            self.dict_set(dict, k, v)?;
        }
        Ok(())
    }

    /// Keyword arguments from a `**mapping`.
    pub fn kwargs_from_mapping(&mut self, mapping: &Value) -> PyResult<Vec<(ObjRef, Value)>> {
        let mut out = Vec::new();
        for (k, v) in self.dict_items(mapping)? {
            match k {
                Value::Obj(o) if matches!(o.payload, Payload::Str(_)) => out.push((o, v)),
                _ => return Err(self.type_error("keywords must be strings")),
            }
        }
        Ok(out)
    }

    // ----- iteration ----------------------------------------------------------------------

    pub fn new_iterator(&self, state: IterState) -> Value {
        let kind = iterator_kind(&state);
        self.alloc(Payload::Iterator(kind, ObjLock::new(state)))
    }

    /// `iter(v)`.
    pub fn iter(&mut self, v: &Value) -> PyResult<Value> {
        let py = self.py;
        let seq = |v: &Value| IterState::Seq {
            seq: v.clone_ref(py),
            index: 0,
        };
        let state = match v.payload() {
            Some(Payload::List(_) | Payload::Tuple(_) | Payload::Bytes(_)) => seq(v),
            Some(Payload::Str(_)) => match v {
                Value::Obj(o) => IterState::Str {
                    text: o.clone_ref(py),
                    byte_pos: 0,
                },
                _ => IterState::Exhausted,
            },
            Some(Payload::Range(r)) => IterState::Range {
                next: r.start,
                stop: r.stop,
                step: r.step,
            },
            Some(Payload::Dict(table)) => match v {
                Value::Obj(o) => table_iter(o.clone_ref(py), DictViewKind::Keys, table.lock(py).len()),
                _ => IterState::Exhausted,
            },
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => match v {
                Value::Obj(o) => IterState::SetItems {
                    set: o.clone_ref(py),
                    index: 0,
                    len_at_start: self.set_len(v),
                },
                _ => IterState::Exhausted,
            },
            Some(Payload::DictView(dict, kind)) => {
                let len_at_start = match &dict.payload {
                    Payload::Dict(table) => table.lock(py).len(),
                    _ => 0,
                };
                table_iter(dict.clone_ref(py), *kind, len_at_start)
            }
            Some(Payload::Iterator(..) | Payload::Generator(_)) => return Ok(v.clone_ref(py)),
            Some(Payload::Instance(_)) => {
                if let Some(method) = self.lookup_special(v, "__iter__") {
                    let it = self.call(&method, &[v.clone_ref(py)], &[])?;
                    if self.lookup_special(&it, "__next__").is_none()
                        && !matches!(it.payload(), Some(Payload::Iterator(..) | Payload::Generator(_)))
                    {
                        return Err(self.type_error(format!(
                            "iter() returned non-iterator of type '{}'",
                            self.type_name(&it)
                        )));
                    }
                    return Ok(it);
                }
                if self.lookup_special(v, "__getitem__").is_some() {
                    seq(v)
                } else {
                    return Err(self.not_iterable(v));
                }
            }
            // Built-in types that implement the protocol natively (files).
            _ => match self.lookup_special(v, "__iter__") {
                Some(method) => return self.call(&method, &[v.clone_ref(py)], &[]),
                None => return Err(self.not_iterable(v)),
            },
        };
        Ok(self.new_iterator(state))
    }

    fn not_iterable(&self, v: &Value) -> PyErr {
        self.type_error(format!("'{}' object is not iterable", self.type_name(v)))
    }

    /// `next(it)`: `None` when exhausted.
    pub fn next(&mut self, it: &Value) -> PyResult<Option<Value>> {
        match it.payload() {
            Some(Payload::Iterator(_, state)) => self.next_builtin(state),
            Some(Payload::Generator(_)) => {
                match self.resume_generator(it, crate::vm::args::Resume::Send(Value::None))? {
                    SendResult::Yielded(v) => Ok(Some(v)),
                    SendResult::Returned(_) => Ok(None),
                }
            }
            _ => {
                let Some(method) = self.lookup_special(it, "__next__") else {
                    return Err(self.type_error(format!("'{}' object is not an iterator", self.type_name(it))));
                };
                match self.call(&method, &[it.clone_ref(self.py)], &[]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if self.err_matches(&e, &types().stop_iteration) => Ok(None),
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// `next` on a range iterator, or on a list iterator with items left, inlined into
    /// `ForIter`: `Some(None)` when the range is exhausted, `None` when `next` must decide.
    #[inline(always)]
    pub fn next_fast(&self, it: &Value) -> Option<Option<Value>> {
        let Some(Payload::Iterator(_, state)) = it.payload() else {
            return None;
        };
        advance_simple(self.py, &mut state.lock(self.py))
    }

    fn next_builtin(&mut self, state: &ObjLock<IterState>) -> PyResult<Option<Value>> {
        let py = self.py;
        // Simple states advance under the lock; states that call back into Python copy what they
        // need and release it first.
        let mut guard = state.lock(py);
        let kind = match &*guard {
            IterState::DictValues(_) => DictViewKind::Values,
            IterState::DictItems(_) => DictViewKind::Items,
            _ => DictViewKind::Keys,
        };
        match &mut *guard {
            IterState::Seq { seq, index } => {
                let i = *index;
                let item = match seq.payload() {
                    Some(Payload::List(items)) => items.lock(py).get(i).map(|v| v.clone_ref(py)),
                    Some(Payload::Tuple(items)) => items.get(i).map(|v| v.clone_ref(py)),
                    Some(Payload::Bytes(b)) => b.get(i).map(|b| Value::Int(i64::from(*b))),
                    Some(Payload::Instance(_)) => {
                        let seq = seq.clone_ref(py);
                        *index += 1;
                        drop(guard);
                        return match self.get_item(&seq, &Value::Int(i as i64)) {
                            Ok(v) => Ok(Some(v)),
                            Err(e)
                                if self.err_matches(&e, &types().index_error)
                                    || self.err_matches(&e, &types().stop_iteration) =>
                            {
                                *state.lock(py) = IterState::Exhausted;
                                Ok(None)
                            }
                            Err(e) => Err(e),
                        };
                    }
                    _ => None,
                };
                match item {
                    Some(v) => {
                        *index += 1;
                        Ok(Some(v))
                    }
                    None => {
                        *guard = IterState::Exhausted;
                        Ok(None)
                    }
                }
            }
            IterState::Range { next, stop, step } => Ok(range_step(next, *stop, *step).map(Value::Int)),
            IterState::Str { text, byte_pos } => {
                let s = match &text.payload {
                    Payload::Str(s) => s.as_str(),
                    _ => "",
                };
                match s[*byte_pos..].chars().next() {
                    Some(c) => {
                        *byte_pos += c.len_utf8();
                        drop(guard);
                        Ok(Some(self.new_str(c.to_string())))
                    }
                    None => Ok(None),
                }
            }
            IterState::DictKeys(cursor) | IterState::DictValues(cursor) | IterState::DictItems(cursor) => {
                let TableCursor {
                    owner,
                    index,
                    len_at_start,
                    yielded,
                } = cursor;
                let Payload::Dict(table) = &owner.payload else {
                    return Ok(None);
                };
                let table_guard = table.lock(py);
                if table_guard.len() != *len_at_start {
                    drop(table_guard);
                    drop(guard);
                    return Err(self.runtime_error("dictionary changed size during iteration"));
                }
                loop {
                    match table_guard.slot(*index) {
                        None => return Ok(None),
                        Some(None) => *index += 1,
                        // Items removed and others added, same size: CPython's error.
                        Some(Some(_)) if *yielded == *len_at_start => {
                            drop(table_guard);
                            drop(guard);
                            return Err(self.runtime_error("dictionary keys changed during iteration"));
                        }
                        Some(Some(entry)) => {
                            *index += 1;
                            *yielded += 1;
                            let (k, v) = (entry.key.clone_ref(py), entry.value.clone_ref(py));
                            drop(table_guard);
                            drop(guard);
                            return Ok(Some(match kind {
                                DictViewKind::Keys => k,
                                DictViewKind::Values => v,
                                DictViewKind::Items => self.new_tuple(vec![k, v]),
                            }));
                        }
                    }
                }
            }
            IterState::SetItems {
                set,
                index,
                len_at_start,
            } => {
                // Like CPython's set iterator, only a change of size is detected.
                let step = |table: &SetTable| {
                    (table.len() == *len_at_start)
                        .then(|| table.entry_from(*index).map(|(i, e)| (i, e.key.clone_ref(py))))
                };
                let found = match &set.payload {
                    Payload::Set(table) => step(&table.lock(py)),
                    Payload::FrozenSet(table) => step(table),
                    _ => Some(None),
                };
                match found {
                    Some(Some((i, key))) => {
                        *index = i + 1;
                        Ok(Some(key))
                    }
                    Some(None) => {
                        *guard = IterState::Exhausted;
                        Ok(None)
                    }
                    None => {
                        // No size matches any more: the error repeats on every later call.
                        *len_at_start = usize::MAX;
                        drop(guard);
                        Err(self.runtime_error("Set changed size during iteration"))
                    }
                }
            }
            IterState::Reversed { seq, remaining } => {
                if *remaining == 0 {
                    return Ok(None);
                }
                *remaining -= 1;
                let (seq, i) = (seq.clone_ref(py), *remaining);
                // As in CPython, a sequence that shrank below the next index (another thread, or
                // the loop body, removed items) ends the iteration instead of raising.
                if let Some(Payload::List(items)) = seq.payload() {
                    let item = items.lock(py).get(i).map(|v| v.clone_ref(py));
                    if item.is_none() {
                        *guard = IterState::Exhausted;
                    }
                    return Ok(item);
                }
                drop(guard);
                match self.get_item(&seq, &Value::Int(i as i64)) {
                    Ok(v) => Ok(Some(v)),
                    Err(e)
                        if self.err_matches(&e, &types().index_error)
                            || self.err_matches(&e, &types().stop_iteration) =>
                    {
                        *state.lock(py) = IterState::Exhausted;
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
            IterState::Enumerate { inner, count } => {
                let (inner, n) = (inner.clone_ref(py), count.clone_ref(py));
                drop(guard);
                let Some(item) = self.next(&inner)? else {
                    return Ok(None);
                };
                let next_count = self.binary_op(BinOp::Add, &n, &Value::Int(1))?;
                if let IterState::Enumerate { count, .. } = &mut *state.lock(py) {
                    *count = next_count;
                }
                Ok(Some(self.new_tuple(vec![n, item])))
            }
            IterState::Zip { inners } => {
                let inners: Vec<Value> = inners.iter().map(|v| v.clone_ref(py)).collect();
                drop(guard);
                let mut items = Vec::with_capacity(inners.len());
                for inner in &inners {
                    match self.next(inner)? {
                        Some(v) => items.push(v),
                        None => {
                            *state.lock(py) = IterState::Exhausted;
                            return Ok(None);
                        }
                    }
                }
                if items.is_empty() {
                    return Ok(None);
                }
                Ok(Some(self.new_tuple(items)))
            }
            IterState::Map { function, inners } => {
                let function = function.clone_ref(py);
                let inners: Vec<Value> = inners.iter().map(|v| v.clone_ref(py)).collect();
                drop(guard);
                let mut args = Vec::with_capacity(inners.len());
                for inner in &inners {
                    match self.next(inner)? {
                        Some(v) => args.push(v),
                        None => return Ok(None),
                    }
                }
                self.call(&function, &args, &[]).map(Some)
            }
            IterState::Filter { function, inner } => {
                let (function, inner) = (function.clone_ref(py), inner.clone_ref(py));
                drop(guard);
                while let Some(item) = self.next(&inner)? {
                    let keep = if function.is_none() {
                        self.is_true(&item)?
                    } else {
                        let r = self.call(&function, &[item.clone_ref(py)], &[])?;
                        self.is_true(&r)?
                    };
                    if keep {
                        return Ok(Some(item));
                    }
                }
                Ok(None)
            }
            IterState::Callable { function, sentinel } => {
                let (function, sentinel) = (function.clone_ref(py), sentinel.clone_ref(py));
                drop(guard);
                let value = self.call(&function, &[], &[])?;
                if value.is(&sentinel) || self.eq(&value, &sentinel)? {
                    let old = std::mem::replace(&mut *state.lock(py), IterState::Exhausted);
                    drop(old);
                    return Ok(None);
                }
                Ok(Some(value))
            }
            IterState::Exhausted => Ok(None),
        }
    }

    /// All items of an iterable.
    pub fn collect(&mut self, iterable: &Value) -> PyResult<Vec<Value>> {
        let py = self.py;
        // Built-in containers are copied in one step under their lock, as CPython's constructors
        // do: `list(s)` while another thread changes `s` sees one state of it, not an error.
        match iterable.payload() {
            Some(Payload::List(items)) => return Ok(items.lock(py).iter().map(|v| v.clone_ref(py)).collect()),
            Some(Payload::Tuple(items)) => return Ok(items.iter().map(|v| v.clone_ref(py)).collect()),
            Some(Payload::Set(_) | Payload::FrozenSet(_)) => return Ok(self.set_items(iterable)),
            Some(Payload::Dict(table)) => return Ok(table.lock(py).iter().map(|e| e.key.clone_ref(py)).collect()),
            _ => {}
        }
        let it = self.iter(iterable)?;
        let mut out = Vec::new();
        while let Some(v) = self.next(&it)? {
            out.push(v);
        }
        Ok(out)
    }

    /// Unpack for assignment: exactly `before` items, or with a starred target `before` items, a
    /// list, and `after` items.
    pub fn unpack(&mut self, seq: &Value, before: usize, after: Option<usize>) -> PyResult<Vec<Value>> {
        if !matches!(seq.payload(), Some(Payload::List(_) | Payload::Tuple(_))) && self.iter(seq).is_err() {
            return Err(self.type_error(format!("cannot unpack non-iterable {} object", self.type_name(seq))));
        }
        let mut items = self.collect(seq)?;
        match after {
            None => {
                if items.len() < before {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected {before}, got {})",
                        items.len()
                    )));
                }
                if items.len() > before {
                    return Err(self.value_error(format!("too many values to unpack (expected {before})")));
                }
                Ok(items)
            }
            Some(after) => {
                if items.len() < before + after {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        before + after,
                        items.len()
                    )));
                }
                let tail = items.split_off(items.len() - after);
                let middle = items.split_off(before);
                items.push(self.new_list(middle));
                items.extend(tail);
                Ok(items)
            }
        }
    }
}

/// Key equality for dict and set tables. Built-in keys compare natively; other objects by
/// identity (keys with a Python-level `__eq__` are first mapped to their stored twin by
/// `Vm::canonical_key`).
pub fn key_eq(a: &Value, b: &Value) -> bool {
    if let Some(r) = native_eq_shallow(a, b) {
        return r;
    }
    match (a.payload(), b.payload()) {
        (Some(Payload::Tuple(x)), Some(Payload::Tuple(y))) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| key_eq(p, q))
        }
        (Some(Payload::FrozenSet(x)), Some(Payload::FrozenSet(y))) => {
            x.len() == y.len() && x.iter().all(|e| y.contains(e.hash, &e.key, key_eq))
        }
        // A key of a class derived from a built-in type without its own `__eq__` (those are
        // matched by `Vm::canonical_key`) equals what its built-in value equals.
        (Some(Payload::Instance(_)), _) | (_, Some(Payload::Instance(_))) => {
            let (x, y) = (a.builtin_self(), b.builtin_self());
            if x.is(a) && y.is(b) { a.is(b) } else { key_eq(x, y) }
        }
        _ => a.is(b),
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
            | (Some(Payload::Bytes(_)), Some(Payload::Bytes(_)))
            | (Some(Payload::Tuple(_)), Some(Payload::Tuple(_)))
            | (Some(Payload::List(_)), Some(Payload::List(_)))
            | (
                Some(Payload::Set(_) | Payload::FrozenSet(_)),
                Some(Payload::Set(_) | Payload::FrozenSet(_))
            )
    )
}

/// Equality that needs no Python code: numbers, strings, bytes, identity. `None` when the
/// operands need a deeper comparison.
/// An iterator over a dict's or set's table, starting at the first slot.
fn table_iter(owner: ObjRef, kind: DictViewKind, len_at_start: usize) -> IterState {
    let cursor = TableCursor {
        owner,
        index: 0,
        len_at_start,
        yielded: 0,
    };
    match kind {
        DictViewKind::Keys => IterState::DictKeys(cursor),
        DictViewKind::Values => IterState::DictValues(cursor),
        DictViewKind::Items => IterState::DictItems(cursor),
    }
}

/// A slice's bounds as integers. Reading them can fail but runs no Python code, so a list
/// operation reads them first and applies [`SliceBounds::indices`] to the length it sees under
/// the list's lock: a list that another thread shrank meanwhile cannot be indexed past its end.
pub struct SliceBounds {
    start: Option<i64>,
    stop: Option<i64>,
    step: i64,
}

impl SliceBounds {
    /// `(start, stop, step)` over a sequence of length `len`, and the count.
    pub fn indices(&self, len: usize) -> (i64, i64, i64, usize) {
        let (len, step) = (len as i64, self.step);
        let (lower, upper) = if step < 0 { (-1, len - 1) } else { (0, len) };
        let bound = |v: i64| if v < 0 { (v + len).max(lower) } else { v.min(upper) };
        let start = self.start.map_or(if step < 0 { upper } else { lower }, bound);
        let stop = self.stop.map_or(if step < 0 { lower } else { upper }, bound);
        let count = if step > 0 {
            if stop > start {
                ((stop - start - 1) / step + 1) as usize
            } else {
                0
            }
        } else if start > stop {
            ((start - stop - 1) / (-step) + 1) as usize
        } else {
            0
        };
        (start, stop, step, count)
    }
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

fn native_eq_shallow(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Some(x == y),
        (Value::Float(x), Value::Float(y)) => return Some(x == y),
        _ => {}
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
        | (Some(Payload::Instance(_)), _)
        | (_, Some(Payload::Instance(_))) => None,
        (Some(Payload::Range(x)), Some(Payload::Range(y))) => Some(
            (x.is_empty() && y.is_empty())
                || (x.len() == y.len() && x.start == y.start && (x.len() == 1 || x.step == y.step)),
        ),
        _ => Some(a.is(b)),
    }
}

fn num_to_f64_lossy(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        Value::Int(i) => *i as f64,
        Value::Bool(b) => *b as i64 as f64,
        _ => as_bigint(v).and_then(|b| b.to_f64()).unwrap_or(f64::NAN),
    }
}

/// int / int for big operands, correctly rounded when both fit a double exactly.
fn big_true_div(vm: &Vm, x: &BigInt, y: &BigInt) -> PyResult<f64> {
    match (x.to_f64(), y.to_f64()) {
        (Some(a), Some(b)) if a.is_finite() && b.is_finite() => {
            let r = a / b;
            if r.is_infinite() {
                return Err(vm.overflow_error("integer division result too large for a float"));
            }
            Ok(r)
        }
        _ => {
            // Scale down both operands to keep the quotient's leading bits.
            let shift = x.bits().max(y.bits()).saturating_sub(1000);
            let (a, b) = (
                (x >> shift).to_f64().unwrap_or(f64::INFINITY),
                (y >> shift).to_f64().unwrap_or(f64::INFINITY),
            );
            let r = a / b;
            if r.is_infinite() {
                return Err(vm.overflow_error("integer division result too large for a float"));
            }
            Ok(r)
        }
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

fn is_sequence(v: &Value) -> bool {
    matches!(
        v.payload(),
        Some(Payload::Str(_) | Payload::List(_) | Payload::Tuple(_) | Payload::Bytes(_))
    )
}

/// Python index → position, handling negatives; `None` when out of range.
pub fn normalize_index(i: i64, len: usize) -> Option<usize> {
    let i = if i < 0 { i + len as i64 } else { i };
    (0..len as i64).contains(&i).then_some(i as usize)
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

/// The class of a new built-in iterator (an index into `types::ITERATOR_TYPE_NAMES`), as
/// CPython names them: `list_iterator`, `dict_keyiterator`, `enumerate`…
fn iterator_kind(state: &IterState) -> u8 {
    match state {
        IterState::Seq { seq, .. } => match seq.builtin_self().payload() {
            Some(Payload::List(_)) => 1,
            Some(Payload::Tuple(_)) => 2,
            Some(Payload::Bytes(_)) => 10,
            _ => 0,
        },
        IterState::Range { .. } => 3,
        IterState::Str { text, .. } => match &text.payload {
            Payload::Str(s) if !s.as_str().is_ascii() => 5,
            _ => 4,
        },
        IterState::DictKeys(_) => 6,
        IterState::DictValues(_) => 7,
        IterState::DictItems(_) => 8,
        IterState::SetItems { .. } => 9,
        IterState::Reversed { seq, .. } => match seq.builtin_self().payload() {
            Some(Payload::List(_)) => 11,
            Some(Payload::Range(_)) => 3,
            _ => 12,
        },
        IterState::Enumerate { .. } => 13,
        IterState::Zip { .. } => 14,
        IterState::Map { .. } => 15,
        IterState::Filter { .. } => 16,
        IterState::Callable { .. } => 17,
        IterState::Exhausted => 0,
    }
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
