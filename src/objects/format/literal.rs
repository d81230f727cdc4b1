//! Number ↔ text helpers for `int(str, base)`, `float(str)`, `hex()`/`oct()`/`bin()`.

use super::unicode_tables::DECIMAL_ZEROS;
use num_bigint::BigInt;
use num_traits::{Num, Signed};

/// The value of a Unicode decimal digit (category Nd), like CPython's `Py_UNICODE_TODECIMAL`.
pub fn decimal_digit_value(c: char) -> Option<u32> {
    let n = c as u32;
    if c.is_ascii() {
        return c.to_digit(10);
    }
    // Nd digits come in runs of ten starting at a zero, so the nearest zero below decides.
    let i = DECIMAL_ZEROS.partition_point(|&z| z <= n);
    let zero = *DECIMAL_ZEROS.get(i.checked_sub(1)?)?;
    (n - zero < 10).then_some(n - zero)
}

/// `str.isspace()` for one character: Unicode White_Space plus the ASCII separators
/// U+001C..U+001F, which CPython also counts.
pub fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// `hex()`/`oct()`/`bin()`: the sign goes before the prefix (`-0x1f`).
/// `base` is clamped to 2..=36.
pub fn int_to_base(v: &BigInt, base: u32, prefix: &str) -> String {
    let digits = v.magnitude().to_str_radix(base.clamp(2, 36));
    let sign = if v.is_negative() { "-" } else { "" };
    format!("{sign}{prefix}{digits}")
}

/// Rewrites text the way CPython's `_PyUnicode_TransformDecimalAndSpaceToASCII` does before
/// numeric parsing: non-ASCII spaces become ' ', non-ASCII digits their ASCII digit, and any
/// other non-ASCII character '?', which no number grammar accepts.
fn to_ascii_number_text(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| {
            if c.is_ascii() {
                c as u8
            } else if py_isspace(c) {
                b' '
            } else {
                decimal_digit_value(c).map_or(b'?', |d| b'0' + d as u8)
            }
        })
        .collect()
}

/// C's `isspace` in the "C" locale, which CPython's numeric parsers use after the rewrite above.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn trim_c_space(mut b: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = b
        && is_c_space(*first)
    {
        b = rest;
    }
    while let [rest @ .., last] = b
        && is_c_space(*last)
    {
        b = rest;
    }
    b
}

/// `int(s, base)`: `None` where CPython raises "invalid literal for int()". `base` must be 0
/// or 2..=36 (CPython checks that before parsing, with its own message). CPython's limit of
/// 4300 decimal digits is not enforced here.
pub fn parse_int_literal(s: &str, base: u32) -> Option<BigInt> {
    if base == 1 || base > 36 {
        return None;
    }
    let text = to_ascii_number_text(s);
    let (negative, digits) = match trim_c_space(&text) {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        b => (false, b),
    };
    parse_unsigned_int(digits, base, negative)
}

fn parse_unsigned_int(mut b: &[u8], mut base: u32, negative: bool) -> Option<BigInt> {
    let prefix_base = |b: &[u8]| match b {
        [b'0', b'x' | b'X', ..] => Some(16),
        [b'0', b'o' | b'O', ..] => Some(8),
        [b'0', b'b' | b'B', ..] => Some(2),
        _ => None,
    };
    // Base 0 rejects C-style octal: a leading zero is only allowed if the value is zero.
    let mut must_be_zero = false;
    if base == 0 {
        base = prefix_base(b).unwrap_or_else(|| {
            must_be_zero = b.first() == Some(&b'0');
            10
        });
    }
    if prefix_base(b) == Some(base) {
        b = &b[2..];
        // One underscore may follow the prefix, as in `0x_ff`.
        if b.first() == Some(&b'_') {
            b = &b[1..];
        }
    }
    let mut digits = String::with_capacity(b.len());
    let mut prev_underscore = true; // no leading underscore
    for &c in b {
        if c == b'_' {
            if prev_underscore {
                return None;
            }
            prev_underscore = true;
        } else if char::from(c).is_digit(base) {
            digits.push(char::from(c));
            prev_underscore = false;
        } else {
            return None;
        }
    }
    if prev_underscore || digits.is_empty() {
        return None;
    }
    let v = BigInt::from_str_radix(&digits, base).ok()?;
    if must_be_zero && v != BigInt::default() {
        return None;
    }
    Some(if negative { -v } else { v })
}

/// `float(s)`: `None` where CPython raises "could not convert string to float".
/// Accepts surrounding whitespace, a sign, `inf`/`infinity`/`nan` in any case, and
/// underscores between digits; rejects hex.
pub fn parse_float_literal(s: &str) -> Option<f64> {
    let text = to_ascii_number_text(s);
    // Underscores are removed first (only between digits), then whitespace is stripped.
    let mut clean = Vec::with_capacity(text.len());
    let mut prev = 0u8;
    for &c in &text {
        if c == b'_' {
            if !prev.is_ascii_digit() {
                return None;
            }
        } else {
            if prev == b'_' && !c.is_ascii_digit() {
                return None;
            }
            clean.push(c);
        }
        prev = c;
    }
    if prev == b'_' {
        return None;
    }
    let b = trim_c_space(&clean);
    let (negative, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let special = if body.eq_ignore_ascii_case(b"inf") || body.eq_ignore_ascii_case(b"infinity") {
        Some(f64::INFINITY)
    } else if body.eq_ignore_ascii_case(b"nan") {
        Some(f64::NAN)
    } else {
        None
    };
    let magnitude = match special {
        Some(v) => v,
        None if is_decimal_float(body) => std::str::from_utf8(body).ok()?.parse::<f64>().ok()?,
        None => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `digits [. digits] [(e|E) [sign] digits]` with at least one mantissa digit.
fn is_decimal_float(b: &[u8]) -> bool {
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let int_len = digits(b);
    let mut rest = &b[int_len..];
    let mut frac_len = 0;
    if let [b'.', tail @ ..] = rest {
        frac_len = digits(tail);
        rest = &tail[frac_len..];
    }
    if int_len + frac_len == 0 {
        return false;
    }
    match rest {
        [] => true,
        [b'e' | b'E', exp @ ..] => {
            let exp = match exp {
                [b'+' | b'-', e @ ..] => e,
                e => e,
            };
            !exp.is_empty() && digits(exp) == exp.len()
        }
        _ => false,
    }
}

/// Why `complex(s)` rejected a string; each has its own CPython message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ComplexLiteralError {
    /// "complex() arg is a malformed string"
    Malformed,
    /// An underscore not between two digits: "could not convert string to complex: ..."
    Underscore,
}

/// `complex(s)`: `real`, `imagj`, `real±imagj` (`j` alone is `1j`), optionally in
/// parentheses, with whitespace allowed around the whole and inside the parentheses but not
/// around the central sign. Returns `(real, imag)`.
pub fn parse_complex_literal(s: &str) -> Result<(f64, f64), ComplexLiteralError> {
    use ComplexLiteralError::Malformed;
    let text = strip_digit_underscores(to_ascii_number_text(s)).ok_or(ComplexLiteralError::Underscore)?;
    let mut b = trim_c_space(&text);
    if let [b'(', rest @ ..] = b {
        let [inner @ .., b')'] = rest else {
            return Err(Malformed);
        };
        b = trim_c_space(inner);
    }
    let is_j = |c: Option<&u8>| matches!(c, Some(b'j' | b'J'));
    // A sign with no number after it stands for 1 before a `j`.
    let sign_only = |b: &[u8]| match b {
        [b'+', ..] => Some(1.0),
        [b'-', ..] => Some(-1.0),
        _ => None,
    };
    let Some((first, used)) = scan_float(b) else {
        let (unit, rest) = match sign_only(b) {
            Some(unit) => (unit, &b[1..]),
            None => (1.0, b),
        };
        return if rest.len() == 1 && is_j(rest.first()) {
            Ok((0.0, unit))
        } else {
            Err(Malformed)
        };
    };
    let rest = &b[used..];
    match rest {
        [] => Ok((first, 0.0)),
        [b'j' | b'J'] => Ok((0.0, first)),
        [b'+' | b'-', ..] => {
            let (second, tail) = match scan_float(rest) {
                Some((v, n)) => (v, &rest[n..]),
                None => (sign_only(rest).unwrap_or(1.0), &rest[1..]),
            };
            if tail.len() == 1 && is_j(tail.first()) {
                Ok((first, second))
            } else {
                Err(Malformed)
            }
        }
        _ => Err(Malformed),
    }
}

/// Removes the underscores of a numeric string, each of which must sit between two digits.
fn strip_digit_underscores(text: Vec<u8>) -> Option<Vec<u8>> {
    if !text.contains(&b'_') {
        return Some(text);
    }
    let mut clean = Vec::with_capacity(text.len());
    for (i, &c) in text.iter().enumerate() {
        if c != b'_' {
            clean.push(c);
            continue;
        }
        let before = i.checked_sub(1).and_then(|j| text.get(j));
        let after = text.get(i + 1);
        if !before.is_some_and(u8::is_ascii_digit) || !after.is_some_and(u8::is_ascii_digit) {
            return None;
        }
    }
    Some(clean)
}

/// The longest prefix of `b` that is a float (`strtod` without hex): a sign, then
/// `inf`/`infinity`/`nan` in any case or decimal digits with an optional point and exponent.
/// Returns the value and the bytes read; `None` if no prefix is a number.
fn scan_float(b: &[u8]) -> Option<(f64, usize)> {
    let (negative, start) = match b.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let body = &b[start..];
    let starts_with = |word: &[u8]| body.len() >= word.len() && body[..word.len()].eq_ignore_ascii_case(word);
    let (magnitude, len) = if starts_with(b"infinity") {
        (f64::INFINITY, 8)
    } else if starts_with(b"inf") {
        (f64::INFINITY, 3)
    } else if starts_with(b"nan") {
        (f64::NAN, 3)
    } else {
        let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
        let int_len = digits(body);
        let mut len = int_len;
        let mut frac_len = 0;
        if body.get(len) == Some(&b'.') {
            frac_len = digits(&body[len + 1..]);
            len += 1 + frac_len;
        }
        if int_len + frac_len == 0 {
            return None;
        }
        if let Some(b'e' | b'E') = body.get(len) {
            let sign_len = usize::from(matches!(body.get(len + 1), Some(b'+' | b'-')));
            let exp_len = digits(&body[(len + 1 + sign_len).min(body.len())..]);
            if exp_len > 0 {
                len += 1 + sign_len + exp_len;
            }
        }
        let value = std::str::from_utf8(&body[..len]).ok()?.parse::<f64>().ok()?;
        (value, len)
    };
    Some((if negative { -magnitude } else { magnitude }, start + len))
}
