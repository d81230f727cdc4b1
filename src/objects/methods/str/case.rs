//! `str` case mapping (`upper`, `title`, `casefold`…) and character classes (`isdigit`,
//! `isnumeric`, `isprintable`, `istitle`…).

use crate::objects::{ObjRef, Value};
use crate::vm::{PyResult, Vm};

use super::{bool_test, text_result};
use crate::objects::methods::shared::py_isspace;

/// Titlecase letters (category Lt): neither upper nor lower case, but cased.
fn is_titlecase(c: char) -> bool {
    matches!(c as u32, 0x1C5 | 0x1C8 | 0x1CB | 0x1F2 | 0x1F88..=0x1F8F | 0x1F98..=0x1F9F | 0x1FA8..=0x1FAF | 0x1FBC | 0x1FCC | 0x1FFC)
}

fn is_cased(c: char) -> bool {
    c.is_lowercase() || c.is_uppercase() || is_titlecase(c)
}

/// Title-case mapping: like upper case except for letters with a distinct title form.
fn push_title(c: char, out: &mut String) {
    let special = match c {
        'ß' => "Ss",
        '\u{1C4}'..='\u{1C6}' => "\u{1C5}",
        '\u{1C7}'..='\u{1C9}' => "\u{1C8}",
        '\u{1CA}'..='\u{1CC}' => "\u{1CB}",
        '\u{1F1}'..='\u{1F3}' => "\u{1F2}",
        '\u{587}' => "\u{535}\u{582}",
        '\u{FB00}' => "Ff",
        '\u{FB01}' => "Fi",
        '\u{FB02}' => "Fl",
        '\u{FB03}' => "Ffi",
        '\u{FB04}' => "Ffl",
        '\u{FB05}' | '\u{FB06}' => "St",
        _ => {
            if is_titlecase(c) {
                out.push(c);
            } else {
                out.extend(c.to_uppercase());
            }
            return;
        }
    };
    out.push_str(special);
}

/// Lower-case the character at `i`, applying the final-sigma rule as `str.lower` does.
fn push_lower(chars: &[char], i: usize, out: &mut String) {
    let c = chars[i];
    if c == 'Σ' {
        let after_cased = i > 0 && is_cased(chars[i - 1]);
        let before_cased = chars.get(i + 1).is_some_and(|&n| is_cased(n));
        out.push(if after_cased && !before_cased { 'ς' } else { 'σ' });
    } else {
        out.extend(c.to_lowercase());
    }
}

fn title(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut previous_cased = false;
    for (i, &c) in chars.iter().enumerate() {
        if previous_cased {
            push_lower(&chars, i, &mut out);
        } else {
            push_title(c, &mut out);
        }
        previous_cased = is_cased(c);
    }
    out
}

fn capitalize(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if i == 0 {
            push_title(c, &mut out);
        } else {
            push_lower(&chars, i, &mut out);
        }
    }
    out
}

fn swapcase(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            push_lower(&chars, i, &mut out);
        } else if c.is_lowercase() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Full case folding: lower case, plus the characters whose folded form differs from it.
fn casefold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let folded = match c {
            'ß' | 'ẞ' => "ss",
            'ς' => "σ",
            'µ' => "μ",
            'ſ' => "s",
            'ŉ' => "ʼn",
            'ϐ' => "β",
            'ϑ' => "θ",
            'ϕ' => "φ",
            'ϖ' => "π",
            'ϰ' => "κ",
            'ϱ' => "ρ",
            'ϵ' => "ε",
            'ẛ' => "ṡ",
            '\u{1FBE}' => "ι",
            '\u{FB00}' => "ff",
            '\u{FB01}' => "fi",
            '\u{FB02}' => "fl",
            '\u{FB03}' => "ffi",
            '\u{FB04}' => "ffl",
            '\u{FB05}' | '\u{FB06}' => "st",
            _ => {
                out.extend(c.to_lowercase());
                continue;
            }
        };
        out.push_str(folded);
    }
    out
}

pub(super) fn str_upper(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "upper", str::to_uppercase)
}

pub(super) fn str_lower(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "lower", str::to_lowercase)
}

pub(super) fn str_title(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "title", title)
}

pub(super) fn str_capitalize(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "capitalize", capitalize)
}

pub(super) fn str_swapcase(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "swapcase", swapcase)
}

pub(super) fn str_casefold(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    text_result(vm, args, kwargs, "casefold", casefold)
}

// ----- character classes ----------------------------------------------------------------------

/// The zero of every run of ten decimal digits (category Nd) in Unicode 14.
const DECIMAL_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0,
    0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620,
    0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0,
    0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60,
    0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// Digits that are not decimal (superscripts, circled digits…): `isdigit` but not `isdecimal`.
const OTHER_DIGITS: &[(u32, u32)] = &[
    (0xb2, 0xb3),
    (0xb9, 0xb9),
    (0x1369, 0x1371),
    (0x19da, 0x19da),
    (0x2070, 0x2070),
    (0x2074, 0x2079),
    (0x2080, 0x2089),
    (0x2460, 0x2468),
    (0x2474, 0x247c),
    (0x2488, 0x2490),
    (0x24ea, 0x24ea),
    (0x24f5, 0x24fd),
    (0x24ff, 0x24ff),
    (0x2776, 0x277e),
    (0x2780, 0x2788),
    (0x278a, 0x2792),
    (0x10a40, 0x10a43),
    (0x10e60, 0x10e68),
    (0x11052, 0x1105a),
    (0x1f100, 0x1f10a),
];

/// CJK ideographs with a numeric value (`'一'.isnumeric()`), outside the N* categories.
const CJK_NUMERIC: &[u32] = &[
    0x3405, 0x3483, 0x382a, 0x3b4d, 0x4e00, 0x4e03, 0x4e07, 0x4e09, 0x4e5d, 0x4e8c, 0x4e94, 0x4e96, 0x4ebf, 0x4ec0,
    0x4edf, 0x4ee8, 0x4f0d, 0x4f70, 0x5104, 0x5146, 0x5169, 0x516b, 0x516d, 0x5341, 0x5343, 0x5344, 0x5345, 0x534c,
    0x53c1, 0x53c2, 0x53c3, 0x53c4, 0x56db, 0x58f1, 0x58f9, 0x5e7a, 0x5efe, 0x5eff, 0x5f0c, 0x5f0d, 0x5f0e, 0x5f10,
    0x62fe, 0x634c, 0x67d2, 0x6f06, 0x7396, 0x767e, 0x8086, 0x842c, 0x8cae, 0x8cb3, 0x8d30, 0x9621, 0x9646, 0x964c,
    0x9678, 0x96f6, 0xf96b, 0xf973, 0xf978, 0xf9b2, 0xf9d1, 0xf9d3, 0xf9fd, 0x20001, 0x20064, 0x200e2, 0x20121,
    0x2092a, 0x20983, 0x2098c, 0x2099c, 0x20aea, 0x20afd, 0x20b19, 0x22390, 0x22998, 0x23b1b, 0x2626d, 0x2f890,
];

pub(crate) fn is_decimal(c: char) -> bool {
    decimal_value(c).is_some()
}

/// The value of a decimal digit (category Nd), from its place in its run of ten.
pub(crate) fn decimal_value(c: char) -> Option<u32> {
    let c = c as u32;
    let i = DECIMAL_ZEROS.partition_point(|&z| z <= c);
    let offset = c - DECIMAL_ZEROS[i.checked_sub(1)?];
    (offset < 10).then_some(offset)
}

pub(crate) fn is_digit(c: char) -> bool {
    is_decimal(c) || OTHER_DIGITS.iter().any(|&(lo, hi)| (lo..=hi).contains(&(c as u32)))
}

pub(crate) fn is_numeric(c: char) -> bool {
    c.is_numeric() || CJK_NUMERIC.binary_search(&(c as u32)).is_ok()
}

/// Letters (categories L*): Rust's `is_alphabetic` also counts letter numbers (Nl).
pub(crate) fn is_alpha(c: char) -> bool {
    c.is_alphabetic() && !c.is_numeric()
}

fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    let u = c as u32;
    let format_or_private = matches!(
        u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
            | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF | 0xF0000..
    );
    !c.is_control() && !py_isspace(c) && !format_or_private
}

fn all_chars(s: &str, test: fn(char) -> bool) -> bool {
    !s.is_empty() && s.chars().all(test)
}

pub(super) fn str_isdigit(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isdigit", |s| all_chars(s, is_digit))
}

pub(super) fn str_isdecimal(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isdecimal", |s| all_chars(s, is_decimal))
}

pub(super) fn str_isnumeric(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isnumeric", |s| all_chars(s, is_numeric))
}

pub(super) fn str_isalpha(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isalpha", |s| all_chars(s, is_alpha))
}

pub(super) fn str_isalnum(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isalnum", |s| {
        all_chars(s, |c| is_alpha(c) || is_numeric(c))
    })
}

pub(super) fn str_isspace(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isspace", |s| all_chars(s, py_isspace))
}

pub(super) fn str_isascii(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isascii", str::is_ascii)
}

pub(super) fn str_isprintable(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isprintable", |s| s.chars().all(is_printable))
}

pub(super) fn str_isupper(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isupper", |s| {
        s.chars().any(char::is_uppercase) && !s.chars().any(|c| c.is_lowercase() || is_titlecase(c))
    })
}

pub(super) fn str_islower(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "islower", |s| {
        s.chars().any(char::is_lowercase) && !s.chars().any(|c| c.is_uppercase() || is_titlecase(c))
    })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c == '_' || c.is_alphabetic() => {}
        _ => return false,
    }
    chars.all(|c| c == '_' || c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c) || c == '\u{b7}')
}

pub(super) fn str_isidentifier(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "isidentifier", is_identifier)
}

fn is_title(s: &str) -> bool {
    let (mut cased, mut previous_cased) = (false, false);
    for c in s.chars() {
        if c.is_uppercase() || is_titlecase(c) {
            if previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else if c.is_lowercase() {
            if !previous_cased {
                return false;
            }
            previous_cased = true;
            cased = true;
        } else {
            previous_cased = false;
        }
    }
    cased
}

pub(super) fn str_istitle(vm: &mut Vm, args: &[Value], kwargs: &[(ObjRef, Value)]) -> PyResult<Value> {
    bool_test(vm, args, kwargs, "istitle", is_title)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_mappings() {
        assert_eq!(title("hello wORLD ß"), "Hello World Ss");
        assert_eq!(capitalize("hELLO ΣΑΣ"), "Hello σας");
        assert_eq!(swapcase("aBc"), "AbC");
        assert_eq!(casefold("Straße"), "strasse");
        assert!(is_title("Hello World") && !is_title("Hello world") && !is_title(""));
    }

    #[test]
    fn digit_classes() {
        assert!(is_decimal('7') && is_decimal('٣') && !is_decimal('²'));
        assert!(is_digit('²') && !is_digit('½') && is_numeric('½') && is_numeric('一'));
    }
}
