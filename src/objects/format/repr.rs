//! `repr()` of str and bytes, and `ascii()`.

use super::unicode_tables::NON_PRINTABLE;
use std::fmt::Write;

/// `str.isprintable()` for one character (CPython 3.11's Unicode 14 database): false for
/// control, format, private-use, unassigned, separator characters other than the space.
pub fn is_printable(c: char) -> bool {
    let n = c as u32;
    let i = NON_PRINTABLE.partition_point(|&(start, _)| start <= n);
    !i.checked_sub(1)
        .is_some_and(|i| NON_PRINTABLE[i].0 <= n && n <= NON_PRINTABLE[i].1)
}

/// The quote CPython picks: `'` unless the text has `'` and no `"`.
fn pick_quote(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double { '"' } else { '\'' }
}

/// `\xNN`, `\uNNNN` or `\UNNNNNNNN`, whichever is the shortest that fits.
fn push_hex_escape(out: &mut String, c: char) {
    let n = c as u32;
    // Writing to a String cannot fail.
    let _ = if n <= 0xff {
        write!(out, "\\x{n:02x}")
    } else if n <= 0xffff {
        write!(out, "\\u{n:04x}")
    } else {
        write!(out, "\\U{n:08x}")
    };
}

/// `repr(s)` for a str.
pub fn str_repr(s: &str) -> String {
    let quote = pick_quote(s.contains('\''), s.contains('"'));
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if !c.is_ascii() && is_printable(c) => out.push(c),
            c => push_hex_escape(&mut out, c),
        }
    }
    out.push(quote);
    out
}

/// `repr(b)` for bytes: `b'...'` with `\t \n \r`, `\\`, the quote, and `\xNN` escapes.
/// (`bytearray` wraps this as `bytearray(b'...')`.)
pub fn bytes_repr(b: &[u8]) -> String {
    let quote = pick_quote(b.contains(&b'\''), b.contains(&b'"'));
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(quote);
    for &byte in b {
        match byte {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if char::from(byte) == quote => {
                out.push('\\');
                out.push(quote);
            }
            b' '..=b'~' => out.push(char::from(byte)),
            _ => push_hex_escape(&mut out, char::from(byte)),
        }
    }
    out.push(quote);
    out
}

/// The second step of `ascii(obj)`: escapes every non-ASCII character of `repr(obj)`.
pub fn ascii_escape(repr: &str) -> String {
    let mut out = String::with_capacity(repr.len());
    for c in repr.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            push_hex_escape(&mut out, c);
        }
    }
    out
}

/// `ascii(s)` for a str.
pub fn ascii_repr(s: &str) -> String {
    ascii_escape(&str_repr(s))
}
