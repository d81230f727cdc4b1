//! `_struct`: packing values into bytes and back by a format string (`struct.pack("<hI", …)`),
//! with CPython 3.11's sizes, alignment, range checks and messages on x86-64. `struct.py`
//! adds the `Struct` class on top.
//!
//! A format is parsed once into a [`Layout`] (one [`Field`] per value, with its offset and
//! the rule its integers are checked by) and kept in a per-thread cache, so a loop packing with
//! the same format parses it once and no two threads share a lock.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use super::new_module;
use crate::objects::buffer::{f64_to_half, half_to_f64};
use crate::objects::methods::bytes::bytes_like;
use crate::objects::types::types;
use crate::objects::{ObjRef, Payload, Value};
use crate::vm::args::{check_arity, no_kwargs};
use crate::vm::ops::{as_bigint, as_small_int, is_int};
use crate::vm::{PyErr, PyResult, Vm};

const FUNCTIONS: &[(&str, crate::objects::NativeFn)] = &[
    ("pack", pack),
    ("unpack", unpack),
    ("calcsize", calcsize),
    ("pack_into", pack_into),
    ("unpack_from", unpack_from),
    ("iter_unpack", iter_unpack),
    ("_clearcache", clear_cache),
];

pub fn create(vm: &mut Vm) -> PyResult<Value> {
    let module = new_module(vm, "_struct", FUNCTIONS, Vec::new())?;
    super::add_exception_class(vm, &module, "struct", "error", &types().exception)?;
    Ok(module)
}

/// `struct.error(message)`.
fn struct_error(vm: &mut Vm, message: impl Into<String>) -> PyErr {
    super::module_error(vm, "_struct", "error", message)
}

// ----- formats ------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Order {
    /// `@`: native order, sizes and alignment.
    Native,
    Little,
    Big,
}

/// How an integer argument is checked, with the message CPython gives when it fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IntRule {
    /// Converted to a C `long` (or, when `unsigned`, an `unsigned long`: negative values
    /// fail) — "argument out of range" — then checked against `lo..=hi`:
    /// "{label} format requires {lo} <= number <= {hi}".
    Checked {
        lo: i128,
        hi: i128,
        unsigned: bool,
        label: &'static str,
    },
    /// Big-endian 8-byte codes and `P`: anything outside `lo..=hi` is "int too large to convert".
    Wide { lo: i128, hi: i128 },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int(IntRule),
    Bool,
    Char,
    Half,
    Float,
    Double,
    /// `s`: a bytes object of exactly the field's size (padded or cut).
    Bytes,
    /// `p`: a length byte, then the bytes.
    Pascal,
}

#[derive(Clone, Copy, Debug)]
struct Field {
    kind: Kind,
    offset: usize,
    size: usize,
}

struct Layout {
    fields: Vec<Field>,
    size: usize,
    order: Order,
}

/// The size of a code's item and whether it is native-only.
fn item_size(code: u8, order: Order) -> Option<usize> {
    let native = order == Order::Native;
    Some(match code {
        b'x' | b'c' | b'b' | b'B' | b'?' | b's' | b'p' => 1,
        b'h' | b'H' | b'e' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' if native => 8,
        b'l' | b'L' => 4,
        b'q' | b'Q' | b'd' => 8,
        b'n' | b'N' | b'P' if native => 8,
        _ => return None,
    })
}

fn checked(bits: u32, unsigned: bool, label: &'static str) -> IntRule {
    let (lo, hi) = if unsigned {
        (0, (1i128 << bits) - 1)
    } else {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    };
    IntRule::Checked {
        lo,
        hi,
        unsigned,
        label,
    }
}

/// The rule of an integer code, as CPython 3.11 applies it on x86-64: native and
/// little-endian formats share one table, big-endian formats another.
fn int_rule(code: u8, order: Order, size: usize) -> IntRule {
    let bits = 8 * size as u32;
    let big = order == Order::Big;
    match code {
        b'b' => checked(8, false, "byte"),
        b'B' => checked(8, false, "ubyte").with_range(0, 255),
        b'h' if big => checked(16, false, "'h'"),
        b'h' => checked(16, false, "short"),
        b'H' if big => checked(16, true, "'H'"),
        b'H' => checked(16, false, "ushort").with_range(0, 65535),
        b'i' => checked(32, false, "'i'"),
        b'I' => checked(32, true, "'I'"),
        b'l' | b'q' | b'n' if big && bits == 64 => IntRule::Wide {
            lo: i128::from(i64::MIN),
            hi: i128::from(i64::MAX),
        },
        b'L' | b'Q' | b'N' if big && bits == 64 => IntRule::Wide {
            lo: 0,
            hi: i128::from(u64::MAX),
        },
        b'l' => checked(bits, false, "'l'"),
        b'L' => checked(bits, true, "'L'"),
        b'q' | b'n' => checked(64, false, "'q'"),
        b'Q' | b'N' => checked(64, true, "'Q'"),
        // `P`: any value a pointer can be cast from, negative ones wrapping.
        _ => IntRule::Wide {
            lo: i128::from(i64::MIN),
            hi: i128::from(u64::MAX),
        },
    }
}

impl IntRule {
    fn with_range(self, lo: i128, hi: i128) -> IntRule {
        match self {
            IntRule::Checked { unsigned, label, .. } => IntRule::Checked {
                lo,
                hi,
                unsigned,
                label,
            },
            wide => wide,
        }
    }
}

/// Sizes past this are refused ("total struct size too long") rather than overflowing.
const MAX_SIZE: usize = isize::MAX as usize / 2;

fn parse(format: &str) -> Result<Layout, &'static str> {
    let bytes = format.as_bytes();
    let (order, mut i) = match bytes.first() {
        Some(b'@') => (Order::Native, 1),
        Some(b'=' | b'<') => (Order::Little, 1),
        Some(b'>' | b'!') => (Order::Big, 1),
        _ => (Order::Native, 0),
    };
    let mut fields = Vec::new();
    let mut offset: usize = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let mut count: Option<usize> = None;
        while let Some(d) = bytes.get(i).filter(|b| b.is_ascii_digit()) {
            let n = count.unwrap_or(0);
            count = Some(
                n.checked_mul(10)
                    .and_then(|n| n.checked_add(usize::from(d - b'0')))
                    .filter(|&n| n <= MAX_SIZE)
                    .ok_or("total struct size too long")?,
            );
            i += 1;
        }
        let Some(&code) = bytes.get(i) else {
            return Err("repeat count given without format specifier");
        };
        i += 1;
        let size = item_size(code, order).ok_or("bad char in struct format")?;
        let count = count.unwrap_or(1);
        if order == Order::Native && !matches!(code, b's' | b'p' | b'x') {
            offset = offset.div_ceil(size) * size;
        }
        match code {
            b'x' => {}
            b's' | b'p' => fields.push(Field {
                kind: if code == b's' { Kind::Bytes } else { Kind::Pascal },
                offset,
                size: count,
            }),
            _ => {
                let kind = match code {
                    b'?' => Kind::Bool,
                    b'c' => Kind::Char,
                    b'e' => Kind::Half,
                    b'f' => Kind::Float,
                    b'd' => Kind::Double,
                    _ => Kind::Int(int_rule(code, order, size)),
                };
                for k in 0..count {
                    fields.push(Field {
                        kind,
                        offset: offset + k * size,
                        size,
                    });
                }
            }
        }
        let span = if matches!(code, b's' | b'p' | b'x') {
            count
        } else {
            count.checked_mul(size).ok_or("total struct size too long")?
        };
        offset = offset
            .checked_add(span)
            .filter(|&o| o <= MAX_SIZE)
            .ok_or("total struct size too long")?;
    }
    Ok(Layout {
        fields,
        size: offset,
        order,
    })
}

thread_local! {
    static CACHE: RefCell<HashMap<Box<str>, Rc<Layout>>> = RefCell::new(HashMap::new());
}

/// Formats kept at most; a program cycling through more starts the cache afresh.
const CACHE_LIMIT: usize = 256;

/// The layout of a format given as a str or bytes.
fn layout(vm: &mut Vm, format: &Value) -> PyResult<Rc<Layout>> {
    // Looked up without copying the text: a loop packing with one format allocates nothing
    // here.
    let text: std::borrow::Cow<'_, str> = match (format.as_str(), format.payload()) {
        (Some(s), _) => std::borrow::Cow::Borrowed(s),
        (None, Some(Payload::Bytes(b))) => b.iter().map(|&b| char::from(b)).collect::<String>().into(),
        _ => {
            return Err(vm.type_error(format!(
                "Struct() argument 1 must be a str or bytes object, not {}",
                vm.type_name(format)
            )));
        }
    };
    if let Some(found) = CACHE.with(|cache| cache.borrow().get(text.as_ref()).cloned()) {
        return Ok(found);
    }
    let parsed = Rc::new(parse(&text).map_err(|msg| struct_error(vm, msg))?);
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= CACHE_LIMIT {
            cache.clear();
        }
        cache.insert(text.into(), Rc::clone(&parsed));
    });
    Ok(parsed)
}

// ----- packing ------------------------------------------------------------------------------

/// An integer argument (an int, or an object with `__index__`).
fn int_value(vm: &mut Vm, v: &Value) -> PyResult<Option<BigInt>> {
    let base = v.builtin_self();
    if let Some(small) = as_small_int(base) {
        return Ok(Some(BigInt::from(small)));
    }
    if is_int(base) {
        return Ok(as_bigint(base).map(|b| b.into_owned()));
    }
    if matches!(v.payload(), Some(Payload::Instance(_)))
        && let Some(method) = vm.lookup_special(v, "__index__")
    {
        let r = vm.call(&method, &[v.clone_ref(vm.py)], &[])?;
        return Ok(as_bigint(&r).map(|b| b.into_owned()));
    }
    Ok(None)
}

fn pack_int(vm: &mut Vm, rule: IntRule, v: &Value) -> PyResult<i128> {
    // Machine-word ints (nearly all) skip the big-integer conversion.
    let n = match as_small_int(v) {
        Some(small) => Some(i128::from(small)),
        None => match int_value(vm, v)? {
            Some(big) => big.to_i128(),
            None => return Err(struct_error(vm, "required argument is not an integer")),
        },
    };
    match rule {
        IntRule::Checked {
            lo,
            hi,
            unsigned,
            label,
        } => {
            let convertible = match n {
                Some(n) if unsigned => (0..=i128::from(u64::MAX)).contains(&n),
                Some(n) => (i128::from(i64::MIN)..=i128::from(i64::MAX)).contains(&n),
                None => false,
            };
            match n {
                Some(n) if convertible && (lo..=hi).contains(&n) => Ok(n),
                Some(_) if convertible => Err(struct_error(
                    vm,
                    format!("{label} format requires {lo} <= number <= {hi}"),
                )),
                _ => Err(struct_error(vm, "argument out of range")),
            }
        }
        IntRule::Wide { lo, hi } => match n {
            Some(n) if (lo..=hi).contains(&n) => Ok(n),
            _ => Err(struct_error(vm, "int too large to convert")),
        },
    }
}

fn float_value(vm: &mut Vm, v: &Value) -> PyResult<f64> {
    match v {
        Value::Float(f) => Ok(*f),
        _ if is_int(v.builtin_self()) || matches!(v.payload(), Some(Payload::Instance(_))) => {
            match crate::objects::methods::constructors::real_number(vm, v)? {
                Some(f) => Ok(f),
                None => Err(struct_error(vm, "required argument is not a float")),
            }
        }
        _ => Err(struct_error(vm, "required argument is not a float")),
    }
}

fn put(out: &mut [u8], order: Order, bytes_le: &[u8]) {
    if order == Order::Big {
        for (slot, b) in out.iter_mut().zip(bytes_le.iter().rev()) {
            *slot = *b;
        }
    } else {
        out[..bytes_le.len()].copy_from_slice(bytes_le);
    }
}

/// Pack `values` by `layout` into `out` (of exactly `layout.size` bytes).
fn pack_fields(vm: &mut Vm, layout: &Layout, values: &[Value], out: &mut [u8]) -> PyResult<()> {
    for (field, v) in layout.fields.iter().zip(values) {
        let slot = &mut out[field.offset..field.offset + field.size];
        match field.kind {
            Kind::Int(rule) => {
                let n = pack_int(vm, rule, v)?;
                put(slot, layout.order, &n.to_le_bytes()[..field.size]);
            }
            Kind::Bool => slot[0] = u8::from(vm.is_true(v)?),
            Kind::Char => match v.payload() {
                Some(Payload::Bytes(b)) if b.len() == 1 => slot[0] = b[0],
                _ => return Err(struct_error(vm, "char format requires a bytes object of length 1")),
            },
            Kind::Half => {
                let x = float_value(vm, v)?;
                let Some(bits) = f64_to_half(x) else {
                    return Err(vm.overflow_error("float too large to pack with e format"));
                };
                put(slot, layout.order, &bits.to_le_bytes());
            }
            Kind::Float => {
                let x = float_value(vm, v)?;
                let single = x as f32;
                // Native packing is a C cast (too large becomes infinity); the standard
                // formats refuse it.
                if single.is_infinite() && x.is_finite() && layout.order != Order::Native {
                    return Err(vm.overflow_error("float too large to pack with f format"));
                }
                put(slot, layout.order, &single.to_le_bytes());
            }
            Kind::Double => {
                let x = float_value(vm, v)?;
                put(slot, layout.order, &x.to_le_bytes());
            }
            Kind::Bytes | Kind::Pascal => {
                let data = match v.payload() {
                    Some(Payload::Bytes(_) | Payload::ByteArray(_)) => bytes_like(vm, v)?.unwrap_or_default(),
                    _ => {
                        let code = if field.kind == Kind::Bytes { 's' } else { 'p' };
                        return Err(struct_error(
                            vm,
                            format!("argument for '{code}' must be a bytes object"),
                        ));
                    }
                };
                if field.kind == Kind::Bytes {
                    let n = data.len().min(field.size);
                    slot[..n].copy_from_slice(&data[..n]);
                } else if let Some((length, rest)) = slot.split_first_mut() {
                    let n = data.len().min(rest.len()).min(255);
                    *length = n as u8;
                    rest[..n].copy_from_slice(&data[..n]);
                }
            }
        }
    }
    Ok(())
}

fn check_count(vm: &mut Vm, function: &str, layout: &Layout, given: usize) -> PyResult<()> {
    if given != layout.fields.len() {
        return Err(struct_error(
            vm,
            format!(
                "{function} expected {} items for packing (got {given})",
                layout.fields.len()
            ),
        ));
    }
    Ok(())
}

fn pack(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "pack", kwargs)?;
    let Some((format, values)) = args.split_first() else {
        return Err(vm.type_error("missing format argument"));
    };
    let layout = layout(vm, format)?;
    check_count(vm, "pack", &layout, values.len())?;
    let mut out = vec![0u8; layout.size];
    pack_fields(vm, &layout, values, &mut out)?;
    Ok(vm.new_bytes(out))
}

/// Where a field run of `size` bytes goes in a buffer of `len` bytes at `offset` (negative
/// counts from the end), with CPython's messages for `what` ("pack_into"/"unpack_from").
fn place(vm: &mut Vm, what: &str, size: usize, offset: i64, len: usize) -> PyResult<usize> {
    let start = if offset < 0 {
        let from_end = offset.unsigned_abs() as usize;
        if from_end > len {
            return Err(struct_error(
                vm,
                format!("offset {offset} out of range for {len}-byte buffer"),
            ));
        }
        len - from_end
    } else {
        offset as usize
    };
    if start.saturating_add(size) > len {
        let message = match (what, offset < 0) {
            ("pack_into", true) => format!("no space to pack {size} bytes at offset {offset}"),
            ("pack_into", false) => format!(
                "pack_into requires a buffer of at least {} bytes for packing {size} bytes at offset {offset} (actual buffer size is {len})",
                start.saturating_add(size)
            ),
            (_, true) => format!("not enough data to unpack {size} bytes at offset {offset}"),
            _ => format!(
                "unpack_from requires a buffer of at least {} bytes for unpacking {size} bytes at offset {offset} (actual buffer size is {len})",
                start.saturating_add(size)
            ),
        };
        return Err(struct_error(vm, message));
    }
    Ok(start)
}

fn offset_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<i64> {
    match v {
        None => Ok(0),
        Some(v) => match int_value(vm, v)?.and_then(|n| n.to_i64()) {
            Some(n) => Ok(n),
            None => Err(vm.type_error(format!(
                "'{}' object cannot be interpreted as an integer",
                vm.type_name(v)
            ))),
        },
    }
}

fn pack_into(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "pack_into", kwargs)?;
    if args.len() < 3 {
        return Err(vm.type_error(format!("pack_into expected at least 3 arguments, got {}", args.len())));
    }
    let layout = layout(vm, &args[0])?;
    let values = &args[3..];
    check_count(vm, "pack_into", &layout, values.len())?;
    let offset = offset_arg(vm, Some(&args[2]))?;
    let mut packed = vec![0u8; layout.size];
    pack_fields(vm, &layout, values, &mut packed)?;
    let (array, base) = match args[1].builtin_self().payload() {
        Some(Payload::ByteArray(array)) => (&**array, 0),
        Some(Payload::MemoryView(view)) if !view.readonly && view.is_contiguous() && !view.is_released() => {
            match &view.source.payload {
                Payload::ByteArray(array) => (&**array, view.start),
                _ => return Err(not_writable(vm, &args[1])),
            }
        }
        _ => return Err(not_writable(vm, &args[1])),
    };
    let len = match args[1].builtin_self().payload() {
        Some(Payload::MemoryView(view)) => view.nbytes(),
        _ => array.lock(vm.py).len(),
    };
    let start = base + place(vm, "pack_into", layout.size, offset, len)?;
    let mut data = array.lock(vm.py);
    if let Some(target) = data.get_mut(start..start + packed.len()) {
        target.copy_from_slice(&packed);
    }
    Ok(Value::None)
}

fn not_writable(vm: &Vm, v: &Value) -> PyErr {
    vm.type_error(format!(
        "argument must be read-write bytes-like object, not {}",
        vm.type_name(v)
    ))
}

// ----- unpacking ----------------------------------------------------------------------------

fn get(data: &[u8], order: Order) -> [u8; 16] {
    let mut word = [0u8; 16];
    if order == Order::Big {
        for (slot, b) in word.iter_mut().zip(data.iter().rev()) {
            *slot = *b;
        }
    } else {
        word[..data.len()].copy_from_slice(data);
    }
    word
}

fn unpack_fields(vm: &mut Vm, layout: &Layout, data: &[u8]) -> Value {
    let mut items = Vec::with_capacity(layout.fields.len());
    for field in &layout.fields {
        let bytes = &data[field.offset..field.offset + field.size];
        let word = get(bytes, layout.order);
        let item = match field.kind {
            Kind::Int(rule) => {
                let unsigned = u128::from_le_bytes(word);
                let signed = match rule {
                    IntRule::Checked { lo, .. } | IntRule::Wide { lo, .. } => lo < 0,
                };
                let bits = 128 - 8 * field.size as u32;
                let n = if signed {
                    ((unsigned << bits) as i128) >> bits
                } else {
                    unsigned as i128
                };
                match i64::try_from(n) {
                    Ok(small) => Value::Int(small),
                    Err(_) => vm.new_int(BigInt::from(n)),
                }
            }
            Kind::Bool => Value::Bool(bytes[0] != 0),
            Kind::Char => vm.new_bytes(vec![bytes[0]]),
            Kind::Half => Value::Float(half_to_f64(u16::from_le_bytes([word[0], word[1]]))),
            Kind::Float => Value::Float(f64::from(f32::from_le_bytes([word[0], word[1], word[2], word[3]]))),
            Kind::Double => {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(&word[..8]);
                Value::Float(f64::from_le_bytes(eight))
            }
            Kind::Bytes => vm.new_bytes(bytes.to_vec()),
            Kind::Pascal => {
                let n = usize::from(bytes.first().copied().unwrap_or(0)).min(bytes.len().saturating_sub(1));
                vm.new_bytes(bytes.get(1..1 + n).unwrap_or_default().to_vec())
            }
        };
        items.push(item);
    }
    vm.new_tuple(items)
}

fn buffer_arg<'a>(vm: &Vm, v: &'a Value) -> PyResult<std::borrow::Cow<'a, [u8]>> {
    match bytes_like(vm, v)? {
        Some(b) => Ok(b),
        None => Err(vm.type_error(format!("a bytes-like object is required, not '{}'", vm.type_name(v)))),
    }
}

fn unpack(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "unpack", kwargs)?;
    check_arity(vm, "unpack", args, 2, 2)?;
    let layout = layout(vm, &args[0])?;
    let data = buffer_arg(vm, &args[1])?;
    if data.len() != layout.size {
        return Err(struct_error(
            vm,
            format!("unpack requires a buffer of {} bytes", layout.size),
        ));
    }
    Ok(unpack_fields(vm, &layout, &data))
}

fn unpack_from(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    crate::vm::args::only_kwargs(vm, "unpack_from", kwargs, &["offset"])?;
    check_arity(vm, "unpack_from", args, 2, 3)?;
    let layout = layout(vm, &args[0])?;
    let offset = offset_arg(vm, args.get(2).or_else(|| crate::vm::args::kwarg(kwargs, "offset")))?;
    let data = buffer_arg(vm, &args[1])?.into_owned();
    let start = place(vm, "unpack_from", layout.size, offset, data.len())?;
    Ok(unpack_fields(vm, &layout, &data[start..start + layout.size]))
}

/// `iter_unpack(format, buffer)`: the records of `buffer` one after the other.
fn iter_unpack(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "iter_unpack", kwargs)?;
    check_arity(vm, "iter_unpack", args, 2, 2)?;
    let layout = layout(vm, &args[0])?;
    if layout.size == 0 {
        return Err(struct_error(vm, "cannot iteratively unpack with a struct of length 0"));
    }
    let data = buffer_arg(vm, &args[1])?.into_owned();
    if !data.len().is_multiple_of(layout.size) {
        return Err(struct_error(
            vm,
            format!(
                "iterative unpacking requires a buffer of a multiple of {} bytes",
                layout.size
            ),
        ));
    }
    let records: Vec<Value> = data
        .chunks(layout.size)
        .map(|record| unpack_fields(vm, &layout, record))
        .collect();
    let list = vm.new_list(records);
    vm.iter(&list)
}

fn calcsize(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "calcsize", kwargs)?;
    check_arity(vm, "calcsize", args, 1, 1)?;
    let layout = layout(vm, &args[0])?;
    Ok(Value::Int(layout.size as i64))
}

fn clear_cache(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    no_kwargs(vm, "_clearcache", kwargs)?;
    check_arity(vm, "_clearcache", args, 0, 0)?;
    CACHE.with(|cache| cache.borrow_mut().clear());
    Ok(Value::None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_alignment_matches_cpython() {
        let size = |f: &str| parse(f).map(|l| l.size);
        assert_eq!(size("@bhilqd"), Ok(32));
        assert_eq!(size("=bhilqd"), Ok(27));
        assert_eq!(size("bi"), Ok(8));
        assert_eq!(size("ib"), Ok(5));
        assert_eq!(size("3s2xi?e"), Ok(16));
        assert_eq!(size("<n"), Err("bad char in struct format"));
        assert_eq!(size("4"), Err("repeat count given without format specifier"));
    }
}
