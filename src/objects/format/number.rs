//! `format(value, spec)` for int, float, complex and str: ports of CPython's
//! `format_long_internal`, `format_float_internal`, `format_string_internal` and their number layout
//! (`calc_number_widths` / `fill_number` / `_PyUnicode_InsertThousandsGrouping`).

use super::dtoa::{DtoaFlags, bigint_to_f64, double_to_string, float_repr};
use super::spec::{Align, FormatSpec, Grouping, Sign, ValueKind, parse_spec, unknown_code};
use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

/// Widest field we pad to. CPython raises MemoryError when it cannot allocate a field; we do
/// so past this size (an empty Err message, see `error_kind`) instead of aborting.
pub(super) const MAX_FIELD: usize = 1 << 30;

/// `format(v, spec)` for an `int`. An empty spec gives `str(v)`.
pub fn format_int(v: &BigInt, spec: &str) -> Result<String, String> {
    format_int_as(v, spec, "int")
}

/// [`format_int`] for an int subclass (e.g. `bool`): `type_name` appears in error messages.
/// Callers whose `str()` differs from the decimal digits (`True`) must handle an empty spec.
pub fn format_int_as(v: &BigInt, spec: &str, type_name: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(v.to_string());
    }
    let f = parse_spec(spec, ValueKind::Int, type_name)?;
    match f.ty {
        Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%') => format_float_spec(bigint_to_f64(v)?, &f),
        Some('b' | 'c' | 'd' | 'o' | 'x' | 'X' | 'n') => format_long(v, &f),
        other => Err(unknown_code(other.unwrap_or('\0'), type_name)),
    }
}

/// `format(x, spec)` for a `float`. An empty spec gives `repr(x)`.
pub fn format_float(x: f64, spec: &str) -> Result<String, String> {
    format_float_as(x, spec, "float")
}

/// [`format_float`] with the type name used in error messages.
pub fn format_float_as(x: f64, spec: &str, type_name: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(float_repr(x));
    }
    let f = parse_spec(spec, ValueKind::Float, type_name)?;
    match f.ty {
        None | Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'n' | '%') => format_float_spec(x, &f),
        Some(c) => Err(unknown_code(c, type_name)),
    }
}

/// `format(s, spec)` for a `str`.
pub fn format_str(s: &str, spec: &str) -> Result<String, String> {
    format_str_as(s, spec, "str")
}

/// [`format_str`] with the type name used in error messages.
pub fn format_str_as(s: &str, spec: &str, type_name: &str) -> Result<String, String> {
    if spec.is_empty() {
        return Ok(s.to_string());
    }
    let f = parse_spec(spec, ValueKind::Str, type_name)?;
    if f.ty != Some('s') {
        return Err(unknown_code(f.ty.unwrap_or('\0'), type_name));
    }
    let refuse = |what: &str| Err(format!("{what} not allowed in string format specifier"));
    match f.sign {
        Some(Sign::Space) => return refuse("Space"),
        Some(_) => return refuse("Sign"),
        None => {}
    }
    if f.no_neg_zero {
        return refuse("Negative zero coercion (z)");
    }
    if f.alternate {
        return refuse("Alternate form (#)");
    }
    if f.align == Align::AfterSign {
        return refuse("'=' alignment");
    }
    let mut len = s.chars().count();
    let mut body = s;
    if let Some(p) = f.precision
        && p < len
    {
        body = &s[..s.char_indices().nth(p).map_or(s.len(), |(i, _)| i)];
        len = p;
    }
    let width = f.width.unwrap_or(0);
    if width > len && width > MAX_FIELD {
        return Err(String::new());
    }
    let padding = width.saturating_sub(len);
    let left = match f.align {
        Align::Right => padding,
        Align::Center => padding / 2,
        _ => 0,
    };
    let mut out = String::with_capacity(body.len() + padding * f.fill.len_utf8());
    push_fill(&mut out, f.fill, left);
    out.push_str(body);
    push_fill(&mut out, f.fill, padding - left);
    Ok(out)
}

fn format_long(v: &BigInt, f: &FormatSpec) -> Result<String, String> {
    if f.precision.is_some() {
        return Err("Precision not allowed in integer format specifier".to_string());
    }
    if f.no_neg_zero {
        return Err("Negative zero coercion (z) not allowed in integer format specifier".to_string());
    }
    let ty = f.ty.unwrap_or('d');
    if ty == 'c' {
        if f.sign.is_some() {
            return Err("Sign not allowed with integer format specifier 'c'".to_string());
        }
        if f.alternate {
            return Err("Alternate form (#) not allowed with integer format specifier 'c'".to_string());
        }
        let code = v
            .to_i64()
            .ok_or_else(|| "Python int too large to convert to C long".to_string())?;
        let code = u32::try_from(code)
            .ok()
            .filter(|&n| n < 0x110000)
            .ok_or_else(|| "%c arg not in range(0x110000)".to_string())?;
        // Rust strings cannot hold lone surrogates, which CPython would produce here.
        let c = char::from_u32(code).ok_or_else(|| "surrogate code points are not supported".to_string())?;
        let remainder = c.to_string();
        let parts = NumberParts {
            negative: false,
            prefix: "",
            digits: "",
            has_decimal: false,
            remainder: &remainder,
        };
        return layout_number(&parts, f, None);
    }
    let (base, prefix) = match ty {
        'b' => (2, "0b"),
        'o' => (8, "0o"),
        'x' => (16, "0x"),
        'X' => (16, "0X"),
        _ => (10, ""),
    };
    let mut digits = v.magnitude().to_str_radix(base);
    if ty == 'X' {
        digits.make_ascii_uppercase();
    }
    let parts = NumberParts {
        negative: v.is_negative(),
        prefix: if f.alternate { prefix } else { "" },
        digits: &digits,
        has_decimal: false,
        remainder: "",
    };
    // `_` groups hex/octal/binary digits by four (PEP 515).
    let group = match f.grouping {
        Grouping::None => None,
        Grouping::Comma => Some((',', 3)),
        Grouping::Underscore => Some(('_', if base == 10 { 3 } else { 4 })),
    };
    layout_number(&parts, f, group)
}

/// Float formatting with a parsed spec; also used for ints with a float presentation type.
fn format_float_spec(mut x: f64, f: &FormatSpec) -> Result<String, String> {
    if let Some(p) = f.precision {
        if p > i32::MAX as usize {
            return Err("precision too big".to_string());
        }
        if p > MAX_FIELD {
            return Err(String::new());
        }
    }
    let mut flags = DtoaFlags {
        alt: f.alternate,
        no_neg_0: f.no_neg_zero,
        ..DtoaFlags::default()
    };
    let mut default_precision = 6;
    let mut percent = false;
    let mut code = match f.ty {
        // No type: repr() without a precision, else like 'g' but always with a '.0'.
        None => {
            flags.add_dot_0 = true;
            default_precision = 0;
            'r'
        }
        Some('n') => 'g',
        Some('%') => {
            x *= 100.0;
            percent = true;
            'f'
        }
        Some(c) => c,
    };
    let precision = match f.precision {
        Some(p) => {
            if code == 'r' {
                code = 'g';
            }
            p
        }
        None => default_precision,
    };
    let mut text = double_to_string(x, code, precision, flags);
    if percent {
        text.push('%');
    }
    layout_float_text(&text, f)
}

/// The separator and group size a float's integer digits get: `,` or `_` every three.
fn float_grouping(f: &FormatSpec) -> Option<(char, usize)> {
    match f.grouping {
        Grouping::None => None,
        Grouping::Comma => Some((',', 3)),
        Grouping::Underscore => Some(('_', 3)),
    }
}

/// Lays out the text `double_to_string` made for a float (`-1234.5e+07`, `inf`…) per `f`.
fn layout_float_text(text: &str, f: &FormatSpec) -> Result<String, String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (digits, rest) = body.split_at(body.bytes().take_while(u8::is_ascii_digit).count());
    let (has_decimal, remainder) = match rest.strip_prefix('.') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let parts = NumberParts {
        negative,
        prefix: "",
        digits,
        has_decimal,
        remainder,
    };
    layout_number(&parts, f, float_grouping(f))
}

/// A number split the way CPython lays it out:
/// `[padding][sign][prefix][padding][grouped digits][.][remainder][padding]`.
struct NumberParts<'a> {
    negative: bool,
    prefix: &'a str,
    /// Integer digits, which get grouped and zero-filled (empty for `c`, `inf`, `nan`).
    digits: &'a str,
    has_decimal: bool,
    /// Fraction digits, exponent, `%`, `inf`, or the character of `c`.
    remainder: &'a str,
}

fn layout_number(p: &NumberParts, f: &FormatSpec, group: Option<(char, usize)>) -> Result<String, String> {
    let sign = match f.sign {
        Some(Sign::Plus) => Some(if p.negative { '-' } else { '+' }),
        Some(Sign::Space) => Some(if p.negative { '-' } else { ' ' }),
        _ => p.negative.then_some('-'),
    };
    let width = f.width.unwrap_or(0);
    if width > MAX_FIELD {
        return Err(String::new());
    }
    let width = width as i64;
    let non_digit = i64::from(sign.is_some())
        + p.prefix.len() as i64
        + i64::from(p.has_decimal)
        + p.remainder.chars().count() as i64;
    // Zero padding after the sign is done by the grouping code, so it gets separators too.
    let min_width = if f.fill == '0' && f.align == Align::AfterSign {
        width - non_digit
    } else {
        0
    };
    let grouped = if p.digits.is_empty() {
        String::new()
    } else {
        group_digits(p.digits.as_bytes(), min_width, group)
    };
    let padding = (width - non_digit - grouped.len() as i64).max(0) as usize;
    let (left, inner, right) = match f.align {
        Align::Left => (0, 0, padding),
        Align::Center => (padding / 2, 0, padding - padding / 2),
        Align::AfterSign => (0, padding, 0),
        Align::Right => (padding, 0, 0),
    };
    let mut out = String::with_capacity(grouped.len() + p.remainder.len() + 4 + padding * f.fill.len_utf8());
    push_fill(&mut out, f.fill, left);
    out.extend(sign);
    out.push_str(p.prefix);
    push_fill(&mut out, f.fill, inner);
    out.push_str(&grouped);
    if p.has_decimal {
        out.push('.');
    }
    out.push_str(p.remainder);
    push_fill(&mut out, f.fill, right);
    Ok(out)
}

/// `_PyUnicode_InsertThousandsGrouping`: groups ASCII `digits` from the right, left-padding
/// with zeros (and separators between them) until at least `min_width` characters.
fn group_digits(digits: &[u8], min_width: i64, group: Option<(char, usize)>) -> String {
    let mut min_width = min_width.max(0);
    let mut remaining = digits.len() as i64;
    // Chunks from right to left, each zeros followed by digits.
    let mut chunks: Vec<(i64, &[u8])> = Vec::new();
    let mut take = |remaining: &mut i64, len: i64| {
        let n_zeros = (len - *remaining).max(0);
        let n_chars = (*remaining).min(len).max(0);
        let end = *remaining as usize;
        chunks.push((n_zeros, &digits[end - n_chars as usize..end]));
        *remaining -= n_chars;
    };
    let mut done = false;
    if let Some((_, size)) = group {
        let size = size as i64;
        loop {
            let len = size.min(remaining.max(min_width).max(1));
            take(&mut remaining, len);
            min_width -= len;
            if remaining <= 0 && min_width <= 0 {
                done = true;
                break;
            }
            min_width -= 1; // the separator
        }
    }
    if !done {
        let len = remaining.max(min_width).max(1);
        take(&mut remaining, len);
    }
    let mut out = String::new();
    for (i, (zeros, chars)) in chunks.iter().rev().enumerate() {
        if i > 0
            && let Some((sep, _)) = group
        {
            out.push(sep);
        }
        push_fill(&mut out, '0', *zeros as usize);
        out.push_str(std::str::from_utf8(chars).unwrap_or_default());
    }
    out
}

pub(super) fn push_fill(out: &mut String, fill: char, n: usize) {
    out.extend(std::iter::repeat_n(fill, n));
}

/// `format(z, spec)` for a `complex` with parts `re` and `im`. An empty spec gives `str(z)`
/// (which the caller builds). Each part is laid out like a float without a width; fill and
/// alignment apply to the whole. Without a type letter the result looks like `repr`: in
/// parentheses, and without the real part when it is +0.0.
pub fn format_complex(re: f64, im: f64, spec: &str) -> Result<String, String> {
    let f = parse_spec(spec, ValueKind::Float, "complex")?;
    if f.fill == '0' {
        return Err("Zero padding is not allowed in complex format specifier".to_string());
    }
    if f.align == Align::AfterSign {
        return Err("'=' alignment flag is not allowed in complex format specifier".to_string());
    }
    let (code, repr_like) = match f.ty {
        None if f.precision.is_some() => ('g', true),
        None => ('r', true),
        Some('n') => ('g', false),
        Some(c @ ('e' | 'E' | 'f' | 'F' | 'g' | 'G')) => (c, false),
        Some(c) => return Err(unknown_code(c, "complex")),
    };
    if let Some(p) = f.precision {
        if p > i32::MAX as usize {
            return Err("precision too big".to_string());
        }
        if p > MAX_FIELD {
            return Err(String::new());
        }
    }
    let precision = f.precision.unwrap_or(6);
    let skip_re = repr_like && re == 0.0 && re.is_sign_positive();
    let flags = DtoaFlags {
        alt: f.alternate,
        no_neg_0: f.no_neg_zero,
        ..DtoaFlags::default()
    };
    // Each part alone, with no width: its sign, grouped digits and the rest.
    let part = |x: f64, sign: Option<Sign>| {
        let text = double_to_string(x, code, precision, flags);
        let part_spec = FormatSpec {
            fill: ' ',
            align: Align::Right,
            sign,
            width: None,
            ..f.clone()
        };
        layout_float_text(&text, &part_spec)
    };
    let mut body = String::new();
    if !skip_re {
        body.push_str(&part(re, f.sign)?);
    }
    // The imaginary part always shows its sign after a real part.
    body.push_str(&part(im, if skip_re { f.sign } else { Some(Sign::Plus) })?);
    body.push('j');
    if repr_like && !skip_re {
        body = format!("({body})");
    }
    let width = f.width.unwrap_or(0);
    if width > MAX_FIELD {
        return Err(String::new());
    }
    let padding = width.saturating_sub(body.chars().count());
    let left = match f.align {
        Align::Left => 0,
        Align::Center => padding / 2,
        _ => padding,
    };
    let mut out = String::with_capacity(body.len() + padding * f.fill.len_utf8());
    push_fill(&mut out, f.fill, left);
    out.push_str(&body);
    push_fill(&mut out, f.fill, padding - left);
    Ok(out)
}
