//! The buffer protocol's objects besides `bytes`: the mutable `bytearray`, and `memoryview`,
//! a window onto another object's bytes. [`with_bytes`] is the one way native code reads any
//! bytes-like object.
//!
//! A bytearray counts the memoryviews that export it: while one is alive (and not released),
//! anything that would move or resize its storage fails with `BufferError`, as in CPython, so a
//! view's offsets always stay inside the data it was made over. The count is raised under the
//! bytearray's lock and checked under it, so a resize and a new view are ordered one way or
//! the other; it is lowered atomically (a view's `Drop` holds no token to lock with).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use super::{ObjGuard, ObjLock, ObjRef, Payload, Value};
use crate::gil::Gil;

pub struct ByteArray {
    data: ObjLock<Vec<u8>>,
    exports: AtomicUsize,
}

impl ByteArray {
    pub fn new(bytes: Vec<u8>) -> ByteArray {
        ByteArray {
            data: ObjLock::new(bytes),
            exports: AtomicUsize::new(0),
        }
    }

    /// The bytes, for reading or for changes that keep the length.
    pub fn lock(&self, py: Gil<'_>) -> ObjGuard<'_, Vec<u8>> {
        self.data.lock(py)
    }

    /// A copy of the bytes, for code that must not hold the lock.
    pub fn snapshot(&self, py: Gil<'_>) -> Vec<u8> {
        self.data.lock(py).clone()
    }

    /// Whether some memoryview holds the storage in place.
    pub fn is_exported(&self) -> bool {
        self.exports.load(Ordering::Acquire) != 0
    }

    pub fn lock_two<'a>(
        py: Gil<'_>,
        a: &'a ByteArray,
        b: &'a ByteArray,
    ) -> (ObjGuard<'a, Vec<u8>>, Option<ObjGuard<'a, Vec<u8>>>) {
        ObjLock::lock_two(py, &a.data, &b.data)
    }
}

/// The format code a memoryview reads items with (`"B"`, `"@i"`…), if it supports it: a
/// `struct` code of native size and alignment.
pub fn parse_item_format(text: &str) -> Option<u8> {
    let code = match text.as_bytes() {
        [b'@', c] | [c] => *c,
        _ => return None,
    };
    native_item_size(code).map(|_| code)
}

/// The size of one item of a native `struct` code (x86-64, as CPython's `struct.calcsize`).
pub fn native_item_size(code: u8) -> Option<usize> {
    Some(match code {
        b'B' | b'b' | b'c' | b'?' => 1,
        b'h' | b'H' | b'e' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' | b'q' | b'Q' | b'n' | b'N' | b'P' | b'd' => 8,
        _ => return None,
    })
}

/// An item of a native format, decoded from its bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Item {
    Int(i128),
    Float(f64),
    Bool(bool),
    /// `c`: one byte, read as a bytes object of length 1.
    Char(u8),
}

/// Decode one native-endian item.
pub fn decode_item(code: u8, bytes: &[u8]) -> Item {
    let mut word = [0u8; 16];
    let n = bytes.len().min(16);
    word[..n].copy_from_slice(&bytes[..n]);
    let unsigned = u128::from_ne_bytes(word);
    let signed = |bits: u32| ((unsigned << (128 - bits)) as i128) >> (128 - bits);
    match code {
        b'c' => Item::Char(word[0]),
        b'?' => Item::Bool(word[0] != 0),
        b'b' => Item::Int(signed(8)),
        b'h' => Item::Int(signed(16)),
        b'i' => Item::Int(signed(32)),
        b'l' | b'q' | b'n' => Item::Int(signed(64)),
        b'f' => Item::Float(f64::from(f32::from_ne_bytes([word[0], word[1], word[2], word[3]]))),
        b'd' => Item::Float(f64::from_ne_bytes(bytes_8(&word))),
        b'e' => Item::Float(half_to_f64(u16::from_ne_bytes([word[0], word[1]]))),
        _ => Item::Int((unsigned & mask(n)) as i128),
    }
}

fn bytes_8(word: &[u8; 16]) -> [u8; 8] {
    let mut out = [0u8; 8];
    out.copy_from_slice(&word[..8]);
    out
}

fn mask(n: usize) -> u128 {
    if n >= 16 { u128::MAX } else { (1u128 << (8 * n)) - 1 }
}

/// IEEE 754 binary16 to double (exact: every half is a double).
pub fn half_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from((h >> 10) & 0x1f);
    let frac = f64::from(h & 0x3ff);
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        0x1f if frac == 0.0 => f64::INFINITY,
        0x1f => f64::NAN,
        _ => (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

/// Double to IEEE 754 binary16, rounding half to even; `None` when it overflows.
pub fn f64_to_half(x: f64) -> Option<u16> {
    let sign: u16 = if x.is_sign_negative() { 0x8000 } else { 0 };
    if x.is_nan() {
        return Some(sign | 0x7e00);
    }
    let a = x.abs();
    if a.is_infinite() {
        return Some(sign | 0x7c00);
    }
    // Scale so that the units in the last place of a half are whole numbers, then round.
    let (exp, ulp_exp) = if a < 2f64.powi(-14) {
        (0, -24)
    } else {
        let e = a.log2().floor() as i32;
        // log2 can be off by one near powers of two.
        let e = if 2f64.powi(e) > a {
            e - 1
        } else if 2f64.powi(e + 1) <= a {
            e + 1
        } else {
            e
        };
        (e + 15, e - 10)
    };
    let scaled = a / 2f64.powi(ulp_exp);
    let rounded = round_half_even(scaled) as u32;
    if exp == 0 {
        // Subnormal (or rounding up into the smallest normal, which the bits express alike).
        return Some(sign | rounded as u16);
    }
    // `rounded` is in 1024..=2048; 2048 carries into the exponent.
    let (mantissa, exp) = if rounded >= 2048 {
        (rounded / 2 - 1024, exp + 1)
    } else {
        (rounded - 1024, exp)
    };
    if exp >= 0x1f {
        return None;
    }
    Some(sign | ((exp as u16) << 10) | mantissa as u16)
}

fn round_half_even(x: f64) -> f64 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - x.signum()
    } else {
        r
    }
}

/// A memoryview: `len` items of `format`, the first at byte `start` of `source`'s data, each
/// `step` bytes after the one before (negative for a reversed slice).
pub struct MemoryView {
    /// A `bytes` or `bytearray` object.
    pub source: ObjRef,
    pub start: usize,
    pub len: usize,
    pub step: isize,
    /// A code [`native_item_size`] knows.
    pub format: u8,
    pub readonly: bool,
    released: AtomicBool,
}

impl MemoryView {
    /// A view over `source`, counted as an export of a bytearray. The caller has checked that
    /// the range lies within the source's data.
    pub fn new(py: Gil<'_>, source: ObjRef, start: usize, len: usize, step: isize, format: u8) -> MemoryView {
        let readonly = match &source.payload {
            Payload::ByteArray(array) => {
                // Counted under the lock: a resize in progress finishes first.
                let _data = array.lock(py);
                array.exports.fetch_add(1, Ordering::AcqRel);
                false
            }
            _ => true,
        };
        MemoryView {
            source,
            start,
            len,
            step,
            format,
            readonly,
            released: AtomicBool::new(false),
        }
    }

    pub fn is_released(&self) -> bool {
        self.released.load(Ordering::Acquire)
    }

    /// `release()`: the source may be resized again. Idempotent.
    pub fn release(&self) {
        if !self.released.swap(true, Ordering::AcqRel)
            && let Payload::ByteArray(array) = &self.source.payload
        {
            array.exports.fetch_sub(1, Ordering::AcqRel);
        }
    }

    pub fn itemsize(&self) -> usize {
        native_item_size(self.format).unwrap_or(1)
    }

    pub fn nbytes(&self) -> usize {
        self.len * self.itemsize()
    }

    /// Whether the items lie side by side in order.
    pub fn is_contiguous(&self) -> bool {
        self.len <= 1 || self.step == self.itemsize() as isize
    }

    /// Byte offset of item `i` (in range).
    pub fn offset(&self, i: usize) -> usize {
        (self.start as isize + self.step * i as isize) as usize
    }

    /// Run `f` on the source's whole data.
    pub fn with_source<R>(&self, py: Gil<'_>, f: impl FnOnce(&[u8]) -> R) -> R {
        match &self.source.payload {
            Payload::Bytes(b) => f(b),
            Payload::ByteArray(array) => f(&array.lock(py)),
            _ => f(&[]),
        }
    }

    /// The viewed bytes, in order (a copy).
    pub fn to_bytes(&self, py: Gil<'_>) -> Vec<u8> {
        let size = self.itemsize();
        self.with_source(py, |data| {
            if self.is_contiguous() {
                return data
                    .get(self.start..self.start + self.nbytes())
                    .unwrap_or_default()
                    .to_vec();
            }
            let mut out = Vec::with_capacity(self.nbytes());
            for i in 0..self.len {
                let at = self.offset(i);
                out.extend_from_slice(data.get(at..at + size).unwrap_or_default());
            }
            out
        })
    }
}

impl Drop for MemoryView {
    fn drop(&mut self) {
        self.release();
    }
}

/// What [`with_bytes`] found.
pub enum BytesLike<R> {
    Read(R),
    /// A memoryview that was released.
    Released,
    NotBytesLike,
}

/// Run `f` on the bytes of a bytes-like object (`bytes`, `bytearray`, `memoryview`, or an
/// instance of a class derived from `bytes` or `bytearray`). A bytearray stays locked while
/// `f` runs: `f` must not run Python code.
pub fn with_bytes<R>(py: Gil<'_>, v: &Value, f: impl FnOnce(&[u8]) -> R) -> BytesLike<R> {
    match v.builtin_self().payload() {
        Some(Payload::Bytes(b)) => BytesLike::Read(f(b)),
        Some(Payload::ByteArray(array)) => BytesLike::Read(f(&array.lock(py))),
        Some(Payload::MemoryView(view)) if view.is_released() => BytesLike::Released,
        Some(Payload::MemoryView(view)) if view.is_contiguous() => {
            let (start, end) = (view.start, view.start + view.nbytes());
            BytesLike::Read(view.with_source(py, |data| f(data.get(start..end).unwrap_or_default())))
        }
        Some(Payload::MemoryView(view)) => BytesLike::Read(f(&view.to_bytes(py))),
        _ => BytesLike::NotBytesLike,
    }
}

/// Whether `v` supports the buffer protocol.
pub fn is_bytes_like(v: &Value) -> bool {
    matches!(
        v.builtin_self().payload(),
        Some(Payload::Bytes(_) | Payload::ByteArray(_) | Payload::MemoryView(_))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_floats_round_trip() {
        for bits in [0u16, 1, 0x3c00, 0x7bff, 0x8001, 0xc000, 0x0400, 0x03ff] {
            assert_eq!(f64_to_half(half_to_f64(bits)), Some(bits), "{bits:#x}");
        }
        assert_eq!(f64_to_half(65520.0), None);
        assert_eq!(f64_to_half(65519.0), Some(0x7bff));
        assert_eq!(f64_to_half(1.0 + 2f64.powi(-11)), Some(0x3c00));
    }

    #[test]
    fn items_decode_native_endian() {
        assert_eq!(decode_item(b'h', &(-2i16).to_ne_bytes()), Item::Int(-2));
        assert_eq!(
            decode_item(b'I', &u32::MAX.to_ne_bytes()),
            Item::Int(i128::from(u32::MAX))
        );
        assert_eq!(decode_item(b'd', &1.5f64.to_ne_bytes()), Item::Float(1.5));
    }
}
