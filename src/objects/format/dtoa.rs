//! Float → text the way CPython's `PyOS_double_to_string` does it, plus `round()`.
//!
//! CPython gets digits from David Gay's `_Py_dg_dtoa` and lays them out in
//! `format_float_short`. Rust's `{:e}` (shortest round-trip), `{:.N e}` and `{:.N}`
//! (correctly rounded, ties to even) produce the same digits; we only re-layout them.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{FromPrimitive, ToPrimitive};
use std::cmp::Ordering;

/// Options of [`double_to_string`], mirroring CPython's `Py_DTSF_*` flags.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DtoaFlags {
    /// Always write a sign (`Py_DTSF_SIGN`).
    pub sign: bool,
    /// Make integral fixed-point output end in `.0` (`Py_DTSF_ADD_DOT_0`).
    pub add_dot_0: bool,
    /// Alternate form: keep a trailing `.` and, for `g`, trailing zeros (`Py_DTSF_ALT`).
    pub alt: bool,
    /// Drop the sign of a result that reads as zero (`Py_DTSF_NO_NEG_0`).
    pub no_neg_0: bool,
}

/// A decimal digit string without leading/trailing zeros (zero is `"0"`), and the
/// position of the decimal point: the value is `0.DIGITS × 10^decpt`.
struct Digits {
    digits: Vec<u8>,
    decpt: i64,
}

impl Digits {
    /// Builds from a mantissa's digit characters (a `.` is skipped) whose first character sits
    /// at power-of-ten position `decpt` (as in `0.d × 10^decpt`).
    fn from_text(text: &str, mut decpt: i64) -> Digits {
        let mut digits: Vec<u8> = text.bytes().filter(u8::is_ascii_digit).collect();
        let lead = digits.iter().take_while(|&&d| d == b'0').count();
        digits.drain(..lead);
        decpt -= lead as i64;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        if digits.is_empty() {
            return Digits {
                digits: vec![b'0'],
                decpt: 1,
            };
        }
        Digits { digits, decpt }
    }

    /// Parses Rust's `{:e}` output, e.g. `1.25e-7`.
    fn from_exp_text(text: &str) -> Digits {
        let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
        Digits::from_text(mantissa, exp.parse::<i64>().unwrap_or(0) + 1)
    }

    /// Shortest digits that round-trip, the closest to `x` among those (dtoa mode 0).
    fn shortest(x: f64) -> Digits {
        let short = format!("{:e}", x.abs());
        // Rust breaks an exact tie between two shortest candidates upward, dtoa to even; the
        // correctly rounded string of the same length is dtoa's answer whenever it round-trips.
        let (mantissa, _) = short.split_once('e').unwrap_or((&short, ""));
        let n = mantissa.bytes().filter(u8::is_ascii_digit).count();
        let nearest = format!("{:.*e}", n.saturating_sub(1), x.abs());
        if nearest != short && nearest.parse::<f64>() == Ok(x.abs()) {
            return Digits::from_exp_text(&nearest);
        }
        Digits::from_exp_text(&short)
    }

    /// `n >= 1` significant digits, correctly rounded (dtoa mode 2).
    fn significant(x: f64, n: usize) -> Digits {
        Digits::from_exp_text(&format!("{:.*e}", n - 1, x.abs()))
    }

    /// `n` digits after the point, correctly rounded (dtoa mode 3).
    fn fixed(x: f64, n: usize) -> Digits {
        let text = format!("{:.*}", n, x.abs());
        let int_len = text.find('.').unwrap_or(text.len());
        Digits::from_text(&text, int_len as i64)
    }
}

/// CPython's `repr(float)` (also `str(float)`): shortest round-trip digits, exponent form
/// when the decimal exponent is below -4 or at least 16.
pub fn float_repr(x: f64) -> String {
    let flags = DtoaFlags {
        add_dot_0: true,
        ..DtoaFlags::default()
    };
    double_to_string(x, 'r', 0, flags)
}

/// CPython's `PyOS_double_to_string`. `code` is one of `e E f F g G r` (anything else acts as
/// `r`); `precision` is ignored for `r`. Infinities and NaN give `inf`/`nan` (`INF`/`NAN` for
/// upper-case codes).
pub fn double_to_string(x: f64, code: char, precision: usize, flags: DtoaFlags) -> String {
    let upper = code.is_ascii_uppercase();
    let code = code.to_ascii_lowercase();
    let mut out = String::new();
    let push_sign = |out: &mut String, negative: bool| {
        if negative {
            out.push('-');
        } else if flags.sign {
            out.push('+');
        }
    };
    if !x.is_finite() {
        // The sign of a NaN is never shown.
        push_sign(&mut out, x.is_infinite() && x < 0.0);
        out.push_str(match (x.is_nan(), upper) {
            (true, false) => "nan",
            (true, true) => "NAN",
            (false, false) => "inf",
            (false, true) => "INF",
        });
        return out;
    }
    let p = precision as i64;
    let d = match code {
        'e' => Digits::significant(x, precision.saturating_add(1)),
        'f' => Digits::fixed(x, precision),
        'g' => Digits::significant(x, precision.max(1)),
        _ => Digits::shortest(x),
    };
    let is_zero = d.digits == b"0";
    push_sign(&mut out, x.is_sign_negative() && !(flags.no_neg_0 && is_zero));

    // Below, as in CPython, the output is the slice vdigits[vstart..vend] of the digits padded
    // with zeros on both sides, with the point inserted before index `decpt`.
    let digits_len = d.digits.len() as i64;
    let mut decpt = d.decpt;
    let mut vend = digits_len;
    let use_exp = match code {
        'e' => {
            vend = p + 1;
            true
        }
        'f' => {
            vend = decpt + p;
            false
        }
        'g' => {
            let p = p.max(1);
            if flags.alt {
                vend = p;
            }
            decpt <= -4 || decpt > if flags.add_dot_0 { p - 1 } else { p }
        }
        _ => decpt <= -4 || decpt > 16,
    };
    let exp = decpt - 1;
    if use_exp {
        decpt = 1;
    }
    let vstart = if decpt <= 0 { decpt - 1 } else { 0 };
    vend = if !use_exp && flags.add_dot_0 {
        vend.max(decpt + 1)
    } else {
        vend.max(decpt)
    };
    let zeros = |out: &mut String, n: i64| out.extend(std::iter::repeat_n('0', n.max(0) as usize));
    let digit_str = |range: std::ops::Range<usize>| String::from_utf8_lossy(&d.digits[range]);
    if decpt <= 0 {
        zeros(&mut out, decpt - vstart);
        out.push('.');
        zeros(&mut out, -decpt);
    } else {
        zeros(&mut out, -vstart);
    }
    if 0 < decpt && decpt <= digits_len {
        out.push_str(&digit_str(0..decpt as usize));
        out.push('.');
        out.push_str(&digit_str(decpt as usize..d.digits.len()));
    } else {
        out.push_str(&digit_str(0..d.digits.len()));
    }
    if digits_len < decpt {
        zeros(&mut out, decpt - digits_len);
        out.push('.');
        zeros(&mut out, vend - decpt);
    } else {
        zeros(&mut out, vend - digits_len);
    }
    if out.ends_with('.') && !flags.alt {
        out.pop();
    }
    if use_exp {
        out.push(if upper { 'E' } else { 'e' });
        let sign = if exp < 0 { '-' } else { '+' };
        out.push_str(&format!("{sign}{:02}", exp.abs()));
    }
    out
}

/// `round(x, ndigits)` for a float, correctly rounded (half to even on the exact binary
/// value) like CPython's `double_round`. Err carries CPython's OverflowError message.
pub fn round_half_even_f64(x: f64, ndigits: i64) -> Result<f64, String> {
    // Past these bounds every finite float rounds to itself, or to a signed zero.
    const NDIGITS_MAX: i64 = 323;
    const NDIGITS_MIN: i64 = -308;
    if !x.is_finite() || ndigits > NDIGITS_MAX {
        return Ok(x);
    }
    if ndigits < NDIGITS_MIN {
        return Ok(0.0 * x);
    }
    let text = if ndigits >= 0 {
        format!("{:.*}", ndigits as usize, x.abs())
    } else {
        // Round |x| to a multiple of 10^k: split it into an exact integer part and a fraction.
        let k = ndigits.unsigned_abs() as usize;
        let int_part = BigInt::from_f64(x.abs().trunc()).unwrap_or_default();
        let has_fraction = x.fract() != 0.0;
        let unit = BigInt::from(10u32).pow(k as u32);
        let (mut q, r) = int_part.div_rem(&unit);
        let half = &unit / 2u32;
        let up = match r.cmp(&half) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => has_fraction || q.is_odd(),
        };
        if up {
            q += 1u32;
        }
        format!("{q}e{k}")
    };
    let magnitude: f64 = text.parse().unwrap_or(f64::INFINITY);
    if magnitude.is_infinite() {
        return Err("rounded value too large to represent".to_string());
    }
    Ok(if x.is_sign_negative() { -magnitude } else { magnitude })
}

/// `round(x)` with no ndigits: the nearest integer, ties to even. Errors are CPython's
/// (OverflowError for infinities, ValueError for NaN).
pub fn round_to_int(x: f64) -> Result<BigInt, String> {
    float_to_bigint(x.round_ties_even())
}

/// `int(x)` for a float: truncation toward zero; CPython's messages for inf and nan.
pub fn float_to_bigint(x: f64) -> Result<BigInt, String> {
    if x.is_nan() {
        return Err("cannot convert float NaN to integer".to_string());
    }
    if x.is_infinite() {
        return Err("cannot convert float infinity to integer".to_string());
    }
    Ok(BigInt::from_f64(x.trunc()).unwrap_or_default())
}

/// `int.__float__`: correctly rounded; Err with CPython's OverflowError message when too big.
pub fn bigint_to_f64(v: &BigInt) -> Result<f64, String> {
    match v.to_f64() {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err("int too large to convert to float".to_string()),
    }
}

/// `float.is_integer()`.
pub fn float_is_integer(x: f64) -> bool {
    x.is_finite() && x.fract() == 0.0
}
