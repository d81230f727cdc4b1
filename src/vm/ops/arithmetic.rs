//! Arithmetic: binary and in-place operators (native fast paths for ints, floats, big ints,
//! sequence concatenation and repetition, then the dunder protocol), and unary operators.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Pow, Signed, ToPrimitive, Zero};

use crate::compile::bytecode::{BinOp, UnaryOp};
use crate::objects::buffer::is_bytes_like;
use crate::objects::complex::{Complex, PowError};
use crate::objects::types::types;
use crate::objects::{ObjLock, Payload, Value};

use crate::vm::sets::{is_any_set, is_set_view};
use crate::vm::{PyErr, PyResult, Vm};

use super::{as_bigint, as_complex, floor_div_i64, is_complex, is_int, is_number, mod_i64, snapshot_two};

impl Vm<'_> {
    pub fn binary_op(&mut self, op: BinOp, a: &Value, b: &Value) -> PyResult<Value> {
        if let (Value::Int(x), Value::Int(y)) = (a, b)
            && let Some(v) = self.small_int_op(op, *x, *y)?
        {
            return Ok(v);
        }
        if let (Value::Float(x), Value::Float(y)) = (a, b) {
            return self.float_op(op, *x, *y);
        }
        if let (Some(Payload::Complex(x)), Some(Payload::Complex(y))) = (a.payload(), b.payload())
            && let Some(v) = self.complex_op(op, *x, *y)?
        {
            return Ok(v);
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
        // `int | None`: a `types.UnionType` (what annotations written for 3.10+ evaluate).
        if op == BinOp::BitOr
            && (matches!(a.payload(), Some(Payload::Type(_))) || matches!(b.payload(), Some(Payload::Type(_))))
        {
            let types_module = crate::modules::pickle::import_module(self, "types")?;
            let union = self.get_attr(&types_module, &crate::objects::types::intern("_type_or"))?;
            let py = self.py;
            let result = self.call(&union, &[a.clone_ref(py), b.clone_ref(py)], &[])?;
            if !matches!(result.payload(), Some(Payload::NotImplemented)) {
                return Ok(result);
            }
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
        // The other built-in containers are copied in one step, as CPython's do.
        if matches!(
            iterable.payload(),
            Some(
                Payload::Tuple(_) | Payload::Set(_) | Payload::FrozenSet(_) | Payload::Dict(_) | Payload::DictView(..)
            )
        ) {
            let extra = self.collect(iterable)?;
            target.lock(py).extend(extra);
            return Ok(());
        }
        // Any other iterable may run Python code: each item is appended as it comes (with no
        // lock held while the next is made), so a generator reading the list sees it grow.
        let it = self.iter(iterable)?;
        while let Some(item) = self.next(&it)? {
            target.lock(py).push(item);
        }
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
        if let Some(Payload::ByteArray(array)) = target.payload() {
            use crate::objects::methods::bytearray::{extend_in_place, repeat_in_place};
            if op == BinOp::Add && extend_in_place(self, array, b)? {
                return Ok(a);
            }
            if op == BinOp::Mul
                && is_int(b)
                && let Some(n) = as_bigint(b).and_then(|n| n.to_i64())
            {
                repeat_in_place(self, array, n)?;
                return Ok(a);
            }
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
                // A negative number to a fractional power has a complex value.
                if x < 0.0 && y.is_finite() && y != y.floor() {
                    let z = self.complex_pow(Complex::real(x), Complex::real(y))?;
                    return Ok(self.alloc(Payload::Complex(z)));
                }
                if x == 0.0 && y < 0.0 {
                    return Err(self.zero_division("0.0 cannot be raised to a negative power"));
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

    /// `+ - * / **` of two complex numbers; `None` for the operators complex lacks (`//`, `%`,
    /// bitwise), whose TypeError the caller raises.
    fn complex_op(&mut self, op: BinOp, x: Complex, y: Complex) -> PyResult<Option<Value>> {
        let z = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div => x
                .checked_div(y)
                .ok_or_else(|| self.zero_division("complex division by zero"))?,
            BinOp::Pow => self.complex_pow(x, y)?,
            _ => return Ok(None),
        };
        Ok(Some(self.alloc(Payload::Complex(z))))
    }

    pub fn complex_pow(&self, x: Complex, y: Complex) -> PyResult<Complex> {
        x.pow(y).map_err(|e| match e {
            PowError::Domain => self.zero_division("0.0 to a negative or complex power"),
            PowError::Overflow => self.overflow_error("complex exponentiation"),
        })
    }

    /// An int, float or complex operand as a complex number (big ints may overflow).
    fn complex_operand(&self, v: &Value) -> PyResult<Option<Complex>> {
        if let Some(z) = as_complex(v) {
            return Ok(Some(z));
        }
        Ok(as_float(self, v)?.map(Complex::real))
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
                // 0, 1 and -1 stay small whatever the exponent.
                if x.magnitude() <= &num_bigint::BigUint::from(1u8) {
                    let r = if y.is_zero() || (x.is_negative() && !y.bit(0)) {
                        BigInt::from(1)
                    } else {
                        x.clone()
                    };
                    return Ok(Some(self.new_int(r)));
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
        if (is_complex(a) && (is_complex(b) || is_number(b))) || (is_number(a) && is_complex(b)) {
            let (Some(x), Some(y)) = (self.complex_operand(a)?, self.complex_operand(b)?) else {
                return Ok(None);
            };
            return self.complex_op(op, x, y);
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
            // The left operand's type, the right one any bytes-like object.
            (BinOp::Add, Some(Payload::Bytes(_) | Payload::ByteArray(_)), _) if is_bytes_like(b) => {
                use crate::objects::methods::bytes::{bytes_like, new_bytearray};
                let mut joined = bytes_like(self, a)?.unwrap_or_default().into_owned();
                joined.extend_from_slice(&bytes_like(self, b)?.unwrap_or_default());
                Ok(Some(match a.payload() {
                    Some(Payload::ByteArray(_)) => new_bytearray(self, joined),
                    _ => self.new_bytes(joined),
                }))
            }
            (BinOp::Mul, _, _) if is_sequence(a) && is_int(b) => self.repeat(a, b).map(Some),
            (BinOp::Mul, _, _) if is_int(a) && is_sequence(b) => self.repeat(b, a).map(Some),
            (BinOp::Mod, Some(Payload::Str(s)), _) => {
                let text = self.percent_format(s.as_str(), b)?;
                Ok(Some(self.new_str(text)))
            }
            (BinOp::Mod, Some(Payload::Bytes(_) | Payload::ByteArray(_)), _) => {
                use crate::objects::methods::bytes::{bytes_like, new_bytearray};
                let fmt = bytes_like(self, a)?.unwrap_or_default().into_owned();
                let formatted = self.percent_format_bytes(&fmt, b)?;
                Ok(Some(match a.payload() {
                    Some(Payload::ByteArray(_)) => new_bytearray(self, formatted),
                    _ => self.new_bytes(formatted),
                }))
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
            Some(Payload::ByteArray(array)) => array.lock(py).len(),
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
            Some(Payload::ByteArray(array)) => {
                let repeated = array.lock(py).repeat(n);
                crate::objects::methods::bytes::new_bytearray(self, repeated)
            }
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
        let a_user = super::super::attrs::has_user_type(a);
        let b_user = super::super::attrs::has_user_type(b);
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
        if let (UnaryOp::Neg | UnaryOp::Pos, Some(Payload::Complex(z))) = (op, v.payload()) {
            let z = if op == UnaryOp::Neg { -*z } else { *z };
            return Ok(self.alloc(Payload::Complex(z)));
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
        if !base.is(v) && (is_number(base) || is_complex(base)) {
            return self.unary_op(op, base);
        }
        let symbol = match op {
            UnaryOp::Neg => "unary -",
            UnaryOp::Pos => "unary +",
            _ => "unary ~",
        };
        Err(self.type_error(format!("bad operand type for {symbol}: '{}'", self.type_name(v))))
    }
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
    // The quotient of the C remainder's complement, one less when float_mod would move the
    // remainder to the divisor's side (with an infinite divisor that remainder is infinite,
    // so it cannot be used itself).
    let m = a % b;
    let mut div = (a - m) / b;
    if m != 0.0 && (b < 0.0) != (m < 0.0) {
        div -= 1.0;
    }
    if div == 0.0 {
        return 0.0f64.copysign(a / b);
    }
    let floor = div.floor();
    if div - floor > 0.5 { floor + 1.0 } else { floor }
}

/// `x / y` for ints, correctly rounded (converting both to floats first would round twice):
/// the quotient is taken in integers to 53 significant bits, or fewer where the result is
/// subnormal, then rounded half to even using the remainder.
fn big_true_div(vm: &Vm, x: &BigInt, y: &BigInt) -> PyResult<f64> {
    const MANTISSA_BITS: i64 = 53;
    const MIN_NORMAL_EXPONENT: i64 = -1022;
    const MAX_EXPONENT: i64 = 1023;
    let negative = x.is_negative() != y.is_negative();
    let (a, b) = (x.abs(), y.abs());
    if a.is_zero() {
        return Ok(if negative { -0.0 } else { 0.0 });
    }
    let shifted = |n: &BigInt, by: i64| {
        if by >= 0 {
            n << by as usize
        } else {
            n >> by.unsigned_abs() as usize
        }
    };
    // a / b lies in (2**(k-1), 2**(k+1)); the exponent of its leading bit is k or k - 1.
    let k = a.bits() as i64 - b.bits() as i64;
    let exponent = if shifted(&a, -k.min(0)) >= shifted(&b, k.max(0)) {
        k
    } else {
        k - 1
    };
    if exponent > MAX_EXPONENT {
        return Err(vm.overflow_error("integer division result too large for a float"));
    }
    // The weight of the result's last bit, and the quotient in those units.
    let unit = exponent.max(MIN_NORMAL_EXPONENT) - (MANTISSA_BITS - 1);
    let (numerator, divisor) = if unit >= 0 {
        (a, b << unit as usize)
    } else {
        (a << unit.unsigned_abs() as usize, b)
    };
    let (mut q, r) = numerator.div_rem(&divisor);
    let twice_r = r << 1usize;
    if twice_r > divisor || (twice_r == divisor && q.is_odd()) {
        q += 1u32;
    }
    // q <= 2**53 is exact as a float, and so is its product with the power of two `unit`.
    let q = q.to_f64().unwrap_or(f64::INFINITY);
    let scale = if unit >= MIN_NORMAL_EXPONENT {
        f64::from_bits(((unit + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (unit + 1074))
    };
    let r = q * scale;
    if r.is_infinite() {
        return Err(vm.overflow_error("integer division result too large for a float"));
    }
    Ok(if negative { -r } else { r })
}

fn is_sequence(v: &Value) -> bool {
    matches!(
        v.payload(),
        Some(Payload::Str(_) | Payload::List(_) | Payload::Tuple(_) | Payload::Bytes(_) | Payload::ByteArray(_))
    )
}
