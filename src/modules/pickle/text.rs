//! The text encodings of protocol 0: `raw-unicode-escape` for strings (`UNICODE`), the
//! quoted, backslash-escaped byte strings of Python 2 (`STRING`), and decimal numbers.

use num_bigint::BigInt;

/// CPython's `raw-unicode-escape` as the pickler uses it: code points below 256 are one byte
/// each, except the backslash and the characters that would end the line (or a Windows text
/// file); everything above is `\uXXXX` or `\UXXXXXXXX`.
pub fn raw_unicode_escape(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() + 2);
    for c in s.chars() {
        let code = u32::from(c);
        match c {
            '\\' | '\0' | '\n' | '\r' | '\x1a' => out.extend_from_slice(format!("\\u{code:04x}").as_bytes()),
            _ if code < 0x100 => out.push(code as u8),
            _ if code < 0x10000 => out.extend_from_slice(format!("\\u{code:04x}").as_bytes()),
            _ => out.extend_from_slice(format!("\\U{code:08x}").as_bytes()),
        }
    }
    out
}

/// Why a text argument could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub enum TextError {
    /// CPython's `UnicodeDecodeError` reason, and the byte range it covers.
    Decode {
        start: usize,
        end: usize,
        reason: &'static str,
    },
    /// A code point toy's strings cannot hold (a lone surrogate).
    Surrogate,
}

/// Decode `raw-unicode-escape`: bytes are Latin-1 code points, except `\uXXXX` and
/// `\UXXXXXXXX`.
pub fn raw_unicode_unescape(bytes: &[u8]) -> Result<String, TextError> {
    let mut out = String::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let digits = match (b, bytes.get(i + 1)) {
            (b'\\', Some(b'u')) => 4,
            (b'\\', Some(b'U')) => 8,
            _ => {
                out.push(char::from(b));
                i += 1;
                continue;
            }
        };
        // An odd run of backslashes escapes the `u`; an even one is literal backslashes.
        let run = bytes[..i].iter().rev().take_while(|&&c| c == b'\\').count();
        if run % 2 == 1 {
            out.push('\\');
            i += 1;
            continue;
        }
        let hex = bytes.get(i + 2..i + 2 + digits);
        let code = hex
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        let Some(code) = code else {
            let valid = bytes[i + 2..]
                .iter()
                .take(digits)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            let reason = if digits == 4 {
                "truncated \\uXXXX escape"
            } else {
                "truncated \\UXXXXXXXX escape"
            };
            return Err(TextError::Decode {
                start: i,
                end: i + 2 + valid,
                reason,
            });
        };
        match char::from_u32(code) {
            Some(c) => out.push(c),
            None if (0xd800..0xe000).contains(&code) => return Err(TextError::Surrogate),
            None => {
                return Err(TextError::Decode {
                    start: i,
                    end: i + 2 + digits,
                    reason: "\\Uxxxxxxxx out of range",
                });
            }
        }
        i += 2 + digits;
    }
    Ok(out)
}

/// The bytes of a Python 2 `str` literal (`'abc'`, `"it's"`), backslash escapes decoded as
/// `bytes` literals decode them. `None` when it is not quoted.
pub fn unquote_python2_string(line: &[u8]) -> Option<Result<Vec<u8>, String>> {
    let (&first, rest) = line.split_first()?;
    let (&last, body) = rest.split_last()?;
    if !(first == b'\'' || first == b'"') || last != first {
        return None;
    }
    Some(unescape_bytes(body))
}

/// `bytes` escape decoding: `\n`, `\xhh`, octal `\ooo`… ; an unknown escape is kept as is.
fn unescape_bytes(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i] != b'\\' {
            out.push(body[i]);
            i += 1;
            continue;
        }
        let Some(&e) = body.get(i + 1) else {
            return Err("Trailing \\ in string".to_string());
        };
        i += 2;
        match e {
            b'\n' => {}
            b'\\' | b'\'' | b'"' => out.push(e),
            b'a' => out.push(7),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'v' => out.push(11),
            b'0'..=b'7' => {
                let mut value = u32::from(e - b'0');
                for _ in 0..2 {
                    match body.get(i) {
                        Some(&d @ b'0'..=b'7') => {
                            value = value * 8 + u32::from(d - b'0');
                            i += 1;
                        }
                        _ => break,
                    }
                }
                out.push((value & 0xff) as u8);
            }
            b'x' => {
                let hex = body.get(i..i + 2).filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                let Some(hex) = hex else {
                    return Err(format!("invalid \\x escape at position {}", i - 2));
                };
                out.push(u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("0"), 16).unwrap_or(0));
                i += 2;
            }
            _ => out.extend_from_slice(&[b'\\', e]),
        }
    }
    Ok(out)
}

/// An `INT` argument as C's `strtol` with base 0 reads it (`0x1f`, `017`), the whole line;
/// ints too large for a C long are read as Python ints. `None` if it is no number.
pub fn parse_int_line(text: &str) -> Option<BigInt> {
    let trimmed = text.trim_start();
    let (negative, unsigned) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    let (radix, digits) = if let Some(hex) = unsigned.strip_prefix("0x").or_else(|| unsigned.strip_prefix("0X")) {
        (16, hex)
    } else if unsigned.len() > 1 && unsigned.starts_with('0') {
        (8, &unsigned[1..])
    } else {
        (10, unsigned)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = BigInt::parse_bytes(digits.as_bytes(), radix)?;
    Some(if negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_break_the_line() {
        assert_eq!(
            raw_unicode_escape("a\nb\\c\r\0"),
            b"a\\u000ab\\u005cc\\u000d\\u0000".to_vec()
        );
        assert_eq!(raw_unicode_escape("h\u{e9}"), b"h\xe9".to_vec());
        assert_eq!(raw_unicode_escape("\u{100}\u{1f600}"), b"\\u0100\\U0001f600".to_vec());
    }

    #[test]
    fn unescape_round_trips_and_reports_truncation() {
        let s = "a\n\\\u{e9}\u{100}\u{1f600}\x1a";
        assert_eq!(raw_unicode_unescape(&raw_unicode_escape(s)).as_deref(), Ok(s));
        assert_eq!(raw_unicode_unescape(b"\\\\u0041").as_deref(), Ok("\\\\u0041"));
        assert_eq!(
            raw_unicode_unescape(b"\\u12"),
            Err(TextError::Decode {
                start: 0,
                end: 4,
                reason: "truncated \\uXXXX escape"
            })
        );
        assert_eq!(raw_unicode_unescape(b"\\ud800"), Err(TextError::Surrogate));
    }

    #[test]
    fn python2_strings() {
        assert_eq!(
            unquote_python2_string(b"'\\xe9\\n\\'x'"),
            Some(Ok(b"\xe9\n'x".to_vec()))
        );
        assert_eq!(unquote_python2_string(b"abc"), None);
        assert_eq!(unquote_python2_string(b"'abc\""), None);
    }

    #[test]
    fn int_lines_read_like_strtol() {
        assert_eq!(parse_int_line("42"), Some(BigInt::from(42)));
        assert_eq!(parse_int_line("-0x10"), Some(BigInt::from(-16)));
        assert_eq!(parse_int_line("010"), Some(BigInt::from(8)));
        assert_eq!(parse_int_line("1x"), None);
        assert_eq!(parse_int_line(""), None);
    }
}
