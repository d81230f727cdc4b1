//! The format-spec mini-language: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
//!
//! A port of CPython 3.11's `parse_internal_render_format_spec`, including its error messages.

use super::literal::decimal_digit_value;

/// Where padding goes: `<`, `>`, `^`, or `=` (between the sign/prefix and the digits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Center,
    AfterSign,
}

/// An explicit sign option: `+`, `-` or ` `.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sign {
    Plus,
    Minus,
    Space,
}

/// The thousands separator requested with `,` or `_`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grouping {
    None,
    Comma,
    Underscore,
}

/// What is being formatted; it picks the default type and alignment, like CPython's
/// `default_type` / `default_align` arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    Int,
    Float,
    Str,
}

/// A parsed format spec. `ty` is `None` only for floats without a type letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatSpec {
    pub fill: char,
    pub align: Align,
    pub sign: Option<Sign>,
    pub no_neg_zero: bool,
    pub alternate: bool,
    pub width: Option<usize>,
    pub grouping: Grouping,
    pub precision: Option<usize>,
    pub ty: Option<char>,
}

/// Parses `spec` for a value of `kind`; `type_name` only appears in error messages
/// (`'int'`, `'bool'`, a subclass name...).
pub fn parse_spec(spec: &str, kind: ValueKind, type_name: &str) -> Result<FormatSpec, String> {
    let chars: Vec<char> = spec.chars().collect();
    let end = chars.len();
    let mut pos = 0;
    let default_align = if kind == ValueKind::Str {
        Align::Left
    } else {
        Align::Right
    };
    let mut f = FormatSpec {
        fill: ' ',
        align: default_align,
        sign: None,
        no_neg_zero: false,
        alternate: false,
        width: None,
        grouping: Grouping::None,
        precision: None,
        ty: match kind {
            ValueKind::Int => Some('d'),
            ValueKind::Float => None,
            ValueKind::Str => Some('s'),
        },
    };
    let mut fill_specified = false;
    let mut align_specified = false;
    if end >= 2
        && let Some(a) = align_of(chars[1])
    {
        f.fill = chars[0];
        f.align = a;
        fill_specified = true;
        align_specified = true;
        pos = 2;
    } else if let Some(a) = chars.first().copied().and_then(align_of) {
        f.align = a;
        align_specified = true;
        pos = 1;
    }
    let at = |pos: usize| chars.get(pos).copied();
    if let Some(s) = at(pos).and_then(sign_of) {
        f.sign = Some(s);
        pos += 1;
    }
    if at(pos) == Some('z') {
        f.no_neg_zero = true;
        pos += 1;
    }
    if at(pos) == Some('#') {
        f.alternate = true;
        pos += 1;
    }
    // The legacy `0` flag: zero fill, and sign-aware padding for right-aligned kinds.
    if !fill_specified && at(pos) == Some('0') {
        f.fill = '0';
        if !align_specified && default_align == Align::Right {
            f.align = Align::AfterSign;
        }
        pos += 1;
    }
    f.width = get_integer(&chars, &mut pos)?;
    if at(pos) == Some(',') {
        f.grouping = Grouping::Comma;
        pos += 1;
    }
    if at(pos) == Some('_') {
        if f.grouping != Grouping::None {
            return Err("Cannot specify both ',' and '_'.".to_string());
        }
        f.grouping = Grouping::Underscore;
        pos += 1;
    }
    if at(pos) == Some(',') && f.grouping == Grouping::Underscore {
        return Err("Cannot specify both ',' and '_'.".to_string());
    }
    if at(pos) == Some('.') {
        pos += 1;
        f.precision = get_integer(&chars, &mut pos)?;
        if f.precision.is_none() {
            return Err("Format specifier missing precision".to_string());
        }
    }
    if end - pos > 1 {
        return Err(format!(
            "Invalid format specifier '{spec}' for object of type '{type_name}'"
        ));
    }
    if end - pos == 1 {
        // A NUL type letter is CPython's "no type" marker itself.
        f.ty = Some(chars[pos]).filter(|&c| c != '\0');
    }
    if f.grouping != Grouping::None {
        let allowed = match f.ty {
            None | Some('d' | 'e' | 'f' | 'g' | 'E' | 'G' | '%' | 'F') => true,
            Some('b' | 'o' | 'x' | 'X') => f.grouping == Grouping::Underscore,
            Some(_) => false,
        };
        if !allowed {
            let sep = if f.grouping == Grouping::Comma { ',' } else { '_' };
            return Err(format!(
                "Cannot specify '{sep}' with {}.",
                quoted_code(f.ty.unwrap_or('\0'))
            ));
        }
    }
    Ok(f)
}

/// CPython's `'%c'` for printable ASCII type letters, `'\xNN'` otherwise.
pub(super) fn quoted_code(c: char) -> String {
    let n = c as u32;
    if n > 32 && n < 128 {
        format!("'{c}'")
    } else {
        format!("'\\x{n:x}'")
    }
}

/// The error for a type letter the value's type does not support.
pub(super) fn unknown_code(c: char, type_name: &str) -> String {
    format!(
        "Unknown format code {} for object of type '{type_name}'",
        quoted_code(c)
    )
}

fn align_of(c: char) -> Option<Align> {
    match c {
        '<' => Some(Align::Left),
        '>' => Some(Align::Right),
        '^' => Some(Align::Center),
        '=' => Some(Align::AfterSign),
        _ => None,
    }
}

fn sign_of(c: char) -> Option<Sign> {
    match c {
        '+' => Some(Sign::Plus),
        '-' => Some(Sign::Minus),
        ' ' => Some(Sign::Space),
        _ => None,
    }
}

/// Reads a run of (Unicode) decimal digits; `None` when there are none.
fn get_integer(chars: &[char], pos: &mut usize) -> Result<Option<usize>, String> {
    let mut acc: usize = 0;
    let start = *pos;
    while let Some(d) = chars.get(*pos).copied().and_then(decimal_digit_value) {
        acc = acc
            .checked_mul(10)
            .and_then(|a| a.checked_add(d as usize))
            .filter(|&a| a <= isize::MAX as usize)
            .ok_or_else(|| "Too many decimal digits in format string".to_string())?;
        *pos += 1;
    }
    Ok((*pos > start).then_some(acc))
}
