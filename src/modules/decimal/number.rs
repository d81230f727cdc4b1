//! The arithmetic core of `decimal`, on plain Rust values: reading a numeric string, rounding a
//! coefficient to a context (the General Decimal Arithmetic specification's rules for
//! precision, exponent limits, subnormals and clamping) and writing scientific or engineering
//! notation. Nothing here touches interpreter objects, so it is tested on its own.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::objects::format::{decimal_digit_value, py_isspace};

/// What a numeric string denotes: a finite number or one of the special values.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Finite {
        negative: bool,
        coefficient: BigInt,
        exponent: BigInt,
    },
    Infinity {
        negative: bool,
    },
    /// A quiet or signaling NaN and its diagnostic payload.
    NaN {
        negative: bool,
        signaling: bool,
        payload: BigInt,
    },
}

/// Read a decimal string as `Decimal()` does: surrounding whitespace, an optional sign, digits
/// (any Unicode decimal digits) with an optional point, an optional exponent; or
/// `Inf`/`Infinity`, `NaN`/`sNaN` with an optional digit payload, in any letter case.
/// Underscores anywhere inside are ignored, as CPython 3.11's `Decimal` ignores them.
/// `None` when the text is not such a number.
pub fn parse(text: &str) -> Option<Parsed> {
    let mut ascii = String::with_capacity(text.len());
    for c in text.trim_matches(py_isspace).chars() {
        match c {
            '_' => {}
            c if c.is_ascii() => ascii.push(c),
            c => ascii.push(char::from_digit(decimal_digit_value(c)?, 10)?),
        }
    }
    let (negative, body) = match ascii.as_bytes().first() {
        Some(b'-') => (true, &ascii[1..]),
        Some(b'+') => (false, &ascii[1..]),
        _ => (false, ascii.as_str()),
    };
    let lower = body.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Some(Parsed::Infinity { negative });
    }
    for (prefix, signaling) in [("snan", true), ("nan", false)] {
        if let Some(digits) = lower.strip_prefix(prefix) {
            let payload = if digits.is_empty() {
                BigInt::zero()
            } else {
                digit_run(digits)?
            };
            return Some(Parsed::NaN {
                negative,
                signaling,
                payload,
            });
        }
    }
    let (mantissa, exponent_text) = match body.find(['e', 'E']) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.find('.') {
        Some(at) => (&mantissa[..at], &mantissa[at + 1..]),
        None => (mantissa, ""),
    };
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let whole_digits = if whole.is_empty() {
        String::new()
    } else {
        digits_of(whole)?
    };
    let fraction_digits = if fraction.is_empty() {
        String::new()
    } else {
        digits_of(fraction)?
    };
    let mut exponent = match exponent_text {
        None => BigInt::zero(),
        Some(e) => {
            let (exp_negative, e) = match e.as_bytes().first() {
                Some(b'-') => (true, &e[1..]),
                Some(b'+') => (false, &e[1..]),
                _ => (false, e),
            };
            let value = digit_run(e)?;
            if exp_negative { -value } else { value }
        }
    };
    exponent -= BigInt::from(fraction_digits.len());
    let all = whole_digits + &fraction_digits;
    let coefficient = all.parse::<BigInt>().ok()?;
    Some(Parsed::Finite {
        negative,
        coefficient,
        exponent,
    })
}

/// `text` when it is all ASCII digits.
fn digits_of(text: &str) -> Option<String> {
    text.bytes().all(|b| b.is_ascii_digit()).then(|| text.to_string())
}

fn digit_run(text: &str) -> Option<BigInt> {
    if text.is_empty() {
        return None;
    }
    digits_of(text)?.parse().ok()
}

/// How many decimal digits a non-negative coefficient has (zero has one).
pub fn digit_count(coefficient: &BigInt) -> u64 {
    match coefficient.to_u64() {
        Some(small) => u64::from(small.checked_ilog10().unwrap_or(0)) + 1,
        None => {
            // bits·log10(2) may overshoot by one: check against the power it predicts.
            let estimate = (coefficient.bits() as f64 * std::f64::consts::LOG10_2) as u64;
            if estimate > 0 && *coefficient < pow10(estimate) {
                estimate
            } else {
                estimate + 1
            }
        }
    }
}

pub fn pow10(n: u64) -> BigInt {
    num_traits::pow(BigInt::from(10u32), n as usize)
}

/// The eight rounding modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    Down,
    HalfUp,
    HalfEven,
    Ceiling,
    Floor,
    Up,
    HalfDown,
    ZeroFiveUp,
}

impl Rounding {
    pub fn from_name(name: &str) -> Option<Rounding> {
        Some(match name {
            "ROUND_DOWN" => Rounding::Down,
            "ROUND_HALF_UP" => Rounding::HalfUp,
            "ROUND_HALF_EVEN" => Rounding::HalfEven,
            "ROUND_CEILING" => Rounding::Ceiling,
            "ROUND_FLOOR" => Rounding::Floor,
            "ROUND_UP" => Rounding::Up,
            "ROUND_HALF_DOWN" => Rounding::HalfDown,
            "ROUND_05UP" => Rounding::ZeroFiveUp,
            _ => return None,
        })
    }

    /// Whether an overflow in this mode gives infinity (rather than the largest finite value).
    fn overflows_to_infinity(self, negative: bool) -> bool {
        match self {
            Rounding::HalfUp | Rounding::HalfEven | Rounding::HalfDown | Rounding::Up => true,
            Rounding::Down | Rounding::ZeroFiveUp => false,
            Rounding::Ceiling => !negative,
            Rounding::Floor => negative,
        }
    }
}

/// Drop the last `drop` digits of a non-negative coefficient, rounding the rest by `mode`
/// (`negative` is the number's sign, which ceiling and floor depend on). Also says whether
/// any non-zero digit was discarded.
pub fn round_off(coefficient: &BigInt, drop: u64, mode: Rounding, negative: bool) -> (BigInt, bool) {
    if drop == 0 {
        return (coefficient.clone(), false);
    }
    let divisor = pow10(drop);
    let (kept, rest) = coefficient.div_rem(&divisor);
    if rest.is_zero() {
        return (kept, false);
    }
    let half = (&rest * 2u32).cmp(&divisor);
    let round_up = match mode {
        Rounding::Down => false,
        Rounding::Up => true,
        Rounding::Ceiling => !negative,
        Rounding::Floor => negative,
        Rounding::HalfUp => half.is_ge(),
        Rounding::HalfDown => half.is_gt(),
        Rounding::HalfEven => half.is_gt() || (half.is_eq() && kept.is_odd()),
        Rounding::ZeroFiveUp => {
            let last = (&kept % 10u32).to_u32().unwrap_or(0);
            last == 0 || last == 5
        }
    };
    (if round_up { kept + 1u32 } else { kept }, true)
}

/// The signals rounding to a context can raise, as bits.
pub mod flag {
    pub const CLAMPED: u32 = 1;
    pub const INEXACT: u32 = 2;
    pub const ROUNDED: u32 = 4;
    pub const SUBNORMAL: u32 = 8;
    pub const UNDERFLOW: u32 = 16;
    pub const OVERFLOW: u32 = 32;
}

/// The limits a result is fitted to.
pub struct Context {
    pub precision: u64,
    pub rounding: Rounding,
    pub emin: BigInt,
    pub emax: BigInt,
    pub clamp: bool,
}

/// A finite result fitted to a context, or an overflow to infinity.
#[derive(Debug, PartialEq, Eq)]
pub struct Fitted {
    pub coefficient: BigInt,
    /// `None` when the result overflowed to infinity.
    pub exponent: Option<BigInt>,
    pub flags: u32,
}

/// Fit the exact value `coefficient × 10^exponent` (sign `negative`) to `context`: round it to
/// the precision, or further when it is subnormal, and apply the exponent limits.
pub fn fit(negative: bool, coefficient: BigInt, exponent: BigInt, context: &Context) -> Fitted {
    let precision = context.precision;
    let etiny: BigInt = &context.emin - BigInt::from(precision) + 1;
    let etop: BigInt = &context.emax - BigInt::from(precision) + 1;
    let exponent_ceiling = if context.clamp {
        etop.clone()
    } else {
        context.emax.clone()
    };
    let mut flags = 0;
    if coefficient.is_zero() {
        let mut exponent = exponent;
        if exponent < etiny {
            exponent = etiny;
            flags |= flag::CLAMPED;
        } else if exponent > exponent_ceiling {
            exponent = exponent_ceiling;
            flags |= flag::CLAMPED;
        }
        return Fitted {
            coefficient,
            exponent: Some(exponent),
            flags,
        };
    }
    let digits = digit_count(&coefficient);
    let adjusted: BigInt = &exponent + BigInt::from(digits) - 1;
    let subnormal = adjusted < context.emin;
    // The lowest exponent the result may keep: the one that leaves `precision` digits, or
    // Etiny for a subnormal result.
    let lowest = if subnormal {
        etiny.clone()
    } else {
        &exponent + BigInt::from(digits.saturating_sub(precision))
    };
    let (mut coefficient, mut exponent) = (coefficient, exponent);
    if exponent < lowest {
        let drop = (&lowest - &exponent).to_u64().unwrap_or(u64::MAX).min(digits + 1);
        let (rounded, inexact) = round_off(&coefficient, drop, context.rounding, negative);
        coefficient = rounded;
        exponent = lowest;
        flags |= flag::ROUNDED;
        if inexact {
            flags |= flag::INEXACT;
        }
        if digit_count(&coefficient) > precision {
            // Rounding carried into a new digit: 999.5 → 1000.
            coefficient /= 10u32;
            exponent += 1;
        }
    }
    if subnormal {
        flags |= flag::SUBNORMAL;
        if flags & flag::INEXACT != 0 {
            flags |= flag::UNDERFLOW;
        }
        if coefficient.is_zero() {
            flags |= flag::CLAMPED;
        }
    }
    let adjusted: BigInt = &exponent + BigInt::from(digit_count(&coefficient)) - 1;
    if adjusted > context.emax {
        flags |= flag::OVERFLOW | flag::INEXACT | flag::ROUNDED;
        if context.rounding.overflows_to_infinity(negative) {
            return Fitted {
                coefficient: BigInt::zero(),
                exponent: None,
                flags,
            };
        }
        // The largest finite number: `precision` nines at the highest exponent.
        return Fitted {
            coefficient: pow10(precision) - 1u32,
            exponent: Some(etop),
            flags,
        };
    }
    if context.clamp && exponent > etop {
        let shift = (&exponent - &etop).to_u64().unwrap_or(0);
        coefficient *= pow10(shift);
        exponent = etop;
        flags |= flag::CLAMPED;
    }
    Fitted {
        coefficient,
        exponent: Some(exponent),
        flags,
    }
}

/// `coefficient × 10^exponent` in scientific notation (engineering when `engineering`), as
/// `to_sci_string`/`to_eng_string` write it, without the sign.
pub fn to_notation(coefficient: &BigInt, exponent: &BigInt, engineering: bool, capitals: bool) -> String {
    let digits = coefficient.abs().to_string();
    let length = BigInt::from(digits.len());
    let adjusted: BigInt = exponent + &length - 1;
    let e = if capitals { 'E' } else { 'e' };
    if !exponent.is_positive() && adjusted >= BigInt::from(-6) {
        // Plain notation: the point falls inside or just before the digits.
        let point = (&length + exponent).to_i64().unwrap_or(0);
        return if exponent.is_zero() {
            digits
        } else if point > 0 {
            let point = point as usize;
            format!("{}.{}", &digits[..point], &digits[point..])
        } else {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        };
    }
    // Exponential notation: the mantissa, and the exponent shown.
    let (mut text, shown) = if !engineering {
        (split_at_point(&digits, 1), adjusted)
    } else {
        let remainder = adjusted.mod_floor(&BigInt::from(3)).to_usize().unwrap_or(0);
        if coefficient.is_zero() && remainder != 0 {
            // A zero keeps its exponent a multiple of three by showing zeros after the point.
            (format!("0.{}", "0".repeat(3 - remainder)), adjusted + (3 - remainder))
        } else if coefficient.is_zero() {
            (digits, adjusted)
        } else {
            (split_at_point(&digits, remainder + 1), adjusted - remainder)
        }
    };
    if !shown.is_zero() {
        text.push(e);
        if shown.is_positive() {
            text.push('+');
        }
        text.push_str(&shown.to_string());
    }
    text
}

/// `digits` with a point after the first `leading` of them (padded with zeros if it has fewer).
fn split_at_point(digits: &str, leading: usize) -> String {
    if leading >= digits.len() {
        format!("{digits}{}", "0".repeat(leading - digits.len()))
    } else {
        format!("{}.{}", &digits[..leading], &digits[leading..])
    }
}

/// `coefficient × 10^exponent` divided by `divisor × 10^divisor_exponent`, as a coefficient
/// and exponent with at least `precision + 1` significant digits when inexact (the last of
/// them made non-zero so that rounding sees the discarded remainder), or the exact quotient
/// with the exponent nearest to `ideal` when it ends.
pub fn divide(
    dividend: &BigInt,
    dividend_exponent: &BigInt,
    divisor: &BigInt,
    divisor_exponent: &BigInt,
    precision: u64,
) -> (BigInt, BigInt) {
    let ideal = dividend_exponent - divisor_exponent;
    if dividend.is_zero() {
        return (BigInt::zero(), ideal);
    }
    let shift = precision as i64 + digit_count(divisor) as i64 - digit_count(dividend) as i64 + 1;
    let (quotient, remainder) = if shift >= 0 {
        (dividend * pow10(shift as u64)).div_rem(divisor)
    } else {
        dividend.div_rem(&(divisor * pow10(shift.unsigned_abs())))
    };
    let mut exponent = &ideal - shift;
    let mut quotient = quotient;
    if !remainder.is_zero() {
        let last = (&quotient % 10u32).to_u32().unwrap_or(1);
        if last == 0 || last == 5 {
            quotient += 1u32;
        }
        return (quotient, exponent);
    }
    while exponent < ideal && (&quotient % 10u32).is_zero() {
        quotient /= 10u32;
        exponent += 1;
    }
    (quotient, exponent)
}

/// The integer square root (floor) of a non-negative number.
pub fn isqrt(n: &BigInt) -> BigInt {
    if n.is_zero() {
        return BigInt::zero();
    }
    n.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(n: i64) -> BigInt {
        BigInt::from(n)
    }

    fn context(precision: u64) -> Context {
        Context {
            precision,
            rounding: Rounding::HalfEven,
            emin: big(-999999),
            emax: big(999999),
            clamp: false,
        }
    }

    #[test]
    fn parses_numbers_and_specials() {
        assert_eq!(
            parse(" -1_000.5_0e-3\n"),
            Some(Parsed::Finite {
                negative: true,
                coefficient: big(100050),
                exponent: big(-5)
            })
        );
        assert_eq!(parse("-Inf"), Some(Parsed::Infinity { negative: true }));
        assert_eq!(
            parse("sNaN12"),
            Some(Parsed::NaN {
                negative: false,
                signaling: true,
                payload: big(12)
            })
        );
        assert_eq!(parse("\u{661}_\u{662}"), parse("12"));
        for bad in ["", ".", "_", "1e", "abc", "1.2.3", "e5", "in f", "1 0"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn counts_digits() {
        for (n, expected) in [(0u64, 1), (9, 1), (10, 2), (999_999_999_999, 12)] {
            assert_eq!(digit_count(&BigInt::from(n)), expected);
        }
        assert_eq!(digit_count(&pow10(40)), 41);
        assert_eq!(digit_count(&(pow10(40) - 1u32)), 40);
    }

    #[test]
    fn rounds_in_every_mode() {
        let cases = [
            (Rounding::HalfEven, 25, 2),
            (Rounding::HalfUp, 25, 3),
            (Rounding::HalfDown, 25, 2),
            (Rounding::Up, 21, 3),
            (Rounding::Down, 29, 2),
            (Rounding::ZeroFiveUp, 201, 21),
        ];
        for (mode, n, expected) in cases {
            assert_eq!(round_off(&big(n), 1, mode, false).0, big(expected), "{mode:?} {n}");
        }
    }

    #[test]
    fn fits_to_precision_and_overflows() {
        let fitted = fit(false, big(123456), big(0), &context(3));
        assert_eq!((fitted.coefficient, fitted.exponent), (big(123), Some(big(3))));
        assert_eq!(fitted.flags, flag::INEXACT | flag::ROUNDED);
        let carried = fit(false, big(9999), big(0), &context(3));
        assert_eq!((carried.coefficient, carried.exponent), (big(100), Some(big(2))));
        let overflow = fit(false, big(1), big(1_000_000), &context(3));
        assert_eq!(overflow.exponent, None);
    }

    #[test]
    fn writes_notations() {
        let cases = [
            (123, 0, false, "123"),
            (123, -5, false, "0.00123"),
            (123, 3, false, "1.23E+5"),
            (123, 3, true, "123E+3"),
            (0, 2, true, "0.0E+3"),
            (0, 1, true, "0.00E+3"),
            (0, -8, true, "0.00E-6"),
            (12, 4, true, "120E+3"),
            (1, -7, false, "1E-7"),
        ];
        for (c, e, engineering, expected) in cases {
            assert_eq!(to_notation(&big(c), &big(e), engineering, true), expected);
        }
    }

    #[test]
    fn divides_to_precision() {
        assert_eq!(divide(&big(1), &big(0), &big(4), &big(0), 28), (big(25), big(-2)));
        let (q, e) = divide(&big(1), &big(0), &big(3), &big(0), 5);
        assert_eq!((q, e), (big(333333), big(-6)));
        // 206/41 = 5.024…: the quotient digits 50 would look exact; the sticky unit says not.
        assert_eq!(divide(&big(206), &big(0), &big(41), &big(0), 1), (big(51), big(-1)));
    }
}
