//! printf-style `str % args`: the format-string parser and per-conversion formatters, ported
//! from CPython 3.11's `PyUnicode_Format` (`unicode_format_arg_parse` / `_output`).
//!
//! The caller drives argument handling, in CPython's order, for each [`PercentPiece::Spec`]:
//! look up `mapping_key` (if any), fetch `*` width then `*` precision
//! ([`PercentSpec::set_star_width`] / [`PercentSpec::set_star_precision`]), fetch the value,
//! then dispatch on `conversion`: `d i u o x X` → [`percent_int`], `e E f F g G` →
//! [`percent_float`], `s r a` → [`percent_str`] with `str()`/`repr()`/`ascii()` of the value,
//! `c` → [`percent_str`] with the one-character string, anything else →
//! [`PercentSpec::unsupported_error`]. Iterating [`percent_pieces`] lazily keeps CPython's
//! error order (an argument error before a later syntax error).

use super::dtoa::{DtoaFlags, double_to_string};
use super::number::{MAX_FIELD, push_fill};
use num_bigint::BigInt;
use num_traits::Signed;

/// A width or precision as written: a number, or `*` (taken from the arguments).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PercentCount {
    Fixed(usize),
    Star,
}

/// One `%...` conversion specifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PercentSpec {
    /// `%(name)s`
    pub mapping_key: Option<String>,
    /// `-` flag
    pub left_adjust: bool,
    /// `+` flag
    pub plus: bool,
    /// ` ` flag
    pub space: bool,
    /// `#` flag
    pub alternate: bool,
    /// `0` flag
    pub zero_pad: bool,
    pub width: Option<PercentCount>,
    pub precision: Option<PercentCount>,
    /// The conversion character; may be unsupported (see [`PercentSpec::unsupported_error`]).
    pub conversion: char,
    /// Index (in characters) of the conversion character in the format string.
    pub index: usize,
}

/// A piece of a printf-style format string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PercentPiece {
    /// Text to copy, with `%%` already turned into `%`.
    Literal(String),
    Spec(PercentSpec),
}

impl PercentSpec {
    /// Resolves a `*` width with its argument: negative means left-adjusted.
    pub fn set_star_width(&mut self, width: i64) {
        if width < 0 {
            self.left_adjust = true;
        }
        self.width = Some(PercentCount::Fixed(
            usize::try_from(width.unsigned_abs()).unwrap_or(usize::MAX),
        ));
    }

    /// Resolves a `*` precision with its argument: negative means zero.
    pub fn set_star_precision(&mut self, precision: i64) {
        self.precision = Some(PercentCount::Fixed(
            usize::try_from(precision.max(0)).unwrap_or(usize::MAX),
        ));
    }

    /// CPython's ValueError for a conversion character it does not know, e.g.
    /// "unsupported format character 'y' (0x79) at index 3". CPython raises it only after
    /// fetching the argument.
    pub fn unsupported_error(&self) -> String {
        let c = self.conversion;
        let shown = if (' '..='~').contains(&c) || c == '\x1f' {
            c
        } else {
            '?'
        };
        format!(
            "unsupported format character '{shown}' (0x{:x}) at index {}",
            c as u32, self.index
        )
    }

    fn width_value(&self) -> usize {
        match self.width {
            Some(PercentCount::Fixed(n)) => n,
            _ => 0,
        }
    }

    fn precision_value(&self) -> Option<usize> {
        match self.precision {
            Some(PercentCount::Fixed(n)) => Some(n),
            _ => None,
        }
    }
}

/// Parses a whole format string; the first syntax error wins. See [`percent_pieces`] for a
/// lazy version that preserves CPython's error order.
pub fn parse_percent(fmt: &str) -> Result<Vec<PercentPiece>, String> {
    percent_pieces(fmt).collect()
}

/// Lazily parses a format string into pieces; stops after yielding an error.
pub fn percent_pieces(fmt: &str) -> PercentPieces<'_> {
    PercentPieces {
        rest: fmt,
        index: 0,
        failed: false,
    }
}

/// Iterator returned by [`percent_pieces`].
pub struct PercentPieces<'a> {
    rest: &'a str,
    /// Character index of `rest` within the format string.
    index: usize,
    failed: bool,
}

impl PercentPieces<'_> {
    fn peek(&self) -> Option<char> {
        self.rest.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.rest = &self.rest[c.len_utf8()..];
        self.index += 1;
        Some(c)
    }

    /// A run of ASCII digits, failing with `message` past `limit`.
    fn number(&mut self, limit: usize, message: &str) -> Result<usize, String> {
        let mut acc: usize = 0;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            acc = acc
                .checked_mul(10)
                .and_then(|a| a.checked_add(d as usize))
                .filter(|&a| a <= limit)
                .ok_or_else(|| message.to_string())?;
            self.bump();
        }
        Ok(acc)
    }

    /// Parses what follows a `%` (not `%%`).
    fn spec(&mut self) -> Result<PercentSpec, String> {
        let mut spec = PercentSpec {
            mapping_key: None,
            left_adjust: false,
            plus: false,
            space: false,
            alternate: false,
            zero_pad: false,
            width: None,
            precision: None,
            conversion: '\0',
            index: 0,
        };
        if self.peek() == Some('(') {
            self.bump();
            // The key runs to the matching parenthesis; nested pairs are part of it.
            let mut depth = 1;
            let mut key = String::new();
            loop {
                let c = self.bump().ok_or_else(|| "incomplete format key".to_string())?;
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
                key.push(c);
            }
            spec.mapping_key = Some(key);
        }
        while let Some(c) = self.peek() {
            match c {
                '-' => spec.left_adjust = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '#' => spec.alternate = true,
                '0' => spec.zero_pad = true,
                _ => break,
            }
            self.bump();
        }
        if self.peek() == Some('*') {
            self.bump();
            spec.width = Some(PercentCount::Star);
        } else if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let n = self.number(isize::MAX as usize, "width too big")?;
            spec.width = Some(PercentCount::Fixed(n));
        }
        if self.peek() == Some('.') {
            self.bump();
            spec.precision = Some(if self.peek() == Some('*') {
                self.bump();
                PercentCount::Star
            } else {
                PercentCount::Fixed(self.number(i32::MAX as usize, "precision too big")?)
            });
        }
        // C length modifiers are accepted and ignored.
        if matches!(self.peek(), Some('h' | 'l' | 'L')) {
            self.bump();
        }
        spec.index = self.index;
        spec.conversion = self.bump().ok_or_else(|| "incomplete format".to_string())?;
        Ok(spec)
    }
}

impl Iterator for PercentPieces<'_> {
    type Item = Result<PercentPiece, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        let mut literal = String::new();
        while let Some(c) = self.peek() {
            if c != '%' {
                literal.push(c);
                self.bump();
            } else if self.rest.starts_with("%%") {
                literal.push('%');
                self.bump();
                self.bump();
            } else if literal.is_empty() {
                self.bump();
                let spec = self.spec();
                self.failed = spec.is_err();
                return Some(spec.map(PercentPiece::Spec));
            } else {
                break;
            }
        }
        Some(Ok(PercentPiece::Literal(literal)))
    }
}

/// `%d %i %u %o %x %X` of an integer (the caller converts floats etc. with `int()` or
/// `__index__` as CPython does). Other conversions are treated as `d`.
pub fn percent_int(v: &BigInt, spec: &PercentSpec) -> Result<String, String> {
    let (base, prefix) = match spec.conversion {
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = v.magnitude().to_str_radix(base);
    if spec.conversion == 'X' {
        digits.make_ascii_uppercase();
    }
    let mut body = String::new();
    if v.is_negative() {
        body.push('-');
    }
    if spec.alternate {
        body.push_str(prefix);
    }
    // The precision is a minimum digit count.
    if let Some(p) = spec.precision_value() {
        if p > MAX_FIELD {
            return Err(String::new());
        }
        push_fill(&mut body, '0', p.saturating_sub(digits.len()));
    }
    body.push_str(&digits);
    output(&body, spec, true)
}

/// `%e %E %f %F %g %G` of a float (the caller converts ints with `float()`). Other
/// conversions are treated as `g`.
pub fn percent_float(x: f64, spec: &PercentSpec) -> Result<String, String> {
    let precision = spec.precision_value().unwrap_or(6);
    if precision > MAX_FIELD {
        return Err(String::new());
    }
    let code = match spec.conversion {
        c @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G') => c,
        _ => 'g',
    };
    let flags = DtoaFlags {
        alt: spec.alternate,
        ..DtoaFlags::default()
    };
    output(&double_to_string(x, code, precision, flags), spec, true)
}

/// `%s %r %a %c`: pads (and for `s r a`, truncates to the precision) text the caller
/// produced with `str()`, `repr()`, `ascii()`, or the single character for `%c`.
pub fn percent_str(s: &str, spec: &PercentSpec) -> Result<String, String> {
    output(s, spec, false)
}

/// `unicode_format_arg_output`: sign, `0x`/`0o` prefix, fill and justification.
fn output(s: &str, spec: &PercentSpec, numeric: bool) -> Result<String, String> {
    let mut body = s;
    let mut len = s.chars().count();
    if matches!(spec.conversion, 's' | 'r' | 'a')
        && let Some(p) = spec.precision_value()
        && p < len
    {
        body = &s[..s.char_indices().nth(p).map_or(s.len(), |(i, _)| i)];
        len = p;
    }
    let mut width = spec.width_value();
    if width > len && width > MAX_FIELD {
        return Err(String::new());
    }
    let fill = if numeric && spec.zero_pad { '0' } else { ' ' };
    let mut sign = None;
    if numeric {
        if let Some(rest) = body.strip_prefix(['-', '+']) {
            sign = body.chars().next();
            body = rest;
            len -= 1;
        } else if spec.plus {
            sign = Some('+');
        } else if spec.space {
            sign = Some(' ');
        }
    }
    width = width.max(len);
    let mut out = String::with_capacity(width + 2);
    // With zero fill, the sign and prefix go before the padding; with spaces, after it.
    if let Some(c) = sign {
        if fill != ' ' {
            out.push(c);
        }
        if width > len {
            width -= 1;
        }
    }
    let has_prefix = spec.alternate
        && numeric
        && matches!(spec.conversion, 'x' | 'X' | 'o')
        && matches!(body.get(..2), Some("0x" | "0X" | "0o"));
    let prefix_len = if has_prefix { 2 } else { 0 };
    let (prefix, digits) = body.split_at(prefix_len);
    if prefix_len > 0 {
        width = width.saturating_sub(2);
        len -= 2;
    }
    if fill != ' ' {
        out.push_str(prefix);
    }
    if !spec.left_adjust && width > len {
        push_fill(&mut out, fill, width - len);
        width = len;
    }
    if fill == ' ' {
        out.extend(sign);
        out.push_str(prefix);
    }
    out.push_str(digits);
    push_fill(&mut out, ' ', width - len);
    Ok(out)
}
