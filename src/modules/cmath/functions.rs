//! The elementary functions of a complex variable, with CPython 3.11's results: its
//! algorithms for finite arguments (Kahan's branch cuts, rescaling near overflow and
//! underflow), the values C99 Annex G gives for infinite and NaN parts, and its errors where
//! Annex G raises "invalid" or "divide-by-zero" (a domain error) or a finite argument
//! overflows (a range error).
//!
//! The principal functions are the hyperbolic ones, `sqrt`, `exp` and `log`; the circular
//! functions follow from the identities `sin z = -i sinh(iz)`, `cos z = cosh(iz)`,
//! `tan z = -i tanh(iz)`, `asin z = -i asinh(iz)` and `atan z = -i atanh(iz)`, as CPython's do.

use std::f64::consts::{E, FRAC_PI_2, LN_2, LN_10};

use crate::modules::math::glibc;
use crate::objects::complex::Complex;

/// Why a function has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MathError {
    /// `ValueError: math domain error`.
    Domain,
    /// `OverflowError: math range error`.
    Range,
}

pub type MathResult = Result<Complex, MathError>;

/// A quarter of the largest double: past it, sums and squares of the parts could overflow,
/// so the functions switch to formulas that scale first.
const LARGE: f64 = f64::MAX / 4.0;
/// 2**53 and its square root's reciprocal, to lift subnormal parts into range for `sqrt`.
const SCALE_UP: f64 = 9007199254740992.0;
const SCALE_DOWN: f64 = 1.0 / 134217728.0;

fn sqrt_large() -> f64 {
    LARGE.sqrt()
}

fn log_large() -> f64 {
    LARGE.ln()
}

fn c(re: f64, im: f64) -> Complex {
    Complex::new(re, im)
}

/// `z * i`, the argument of the hyperbolic twin of a circular function.
fn times_i(z: Complex) -> Complex {
    c(-z.im, z.re)
}

/// `w * -i`, which turns the hyperbolic result back.
fn times_minus_i(w: Complex) -> Complex {
    c(w.im, -w.re)
}

fn is_finite(z: Complex) -> bool {
    z.re.is_finite() && z.im.is_finite()
}

/// A range error when a part overflowed to infinity.
fn no_overflow(z: Complex) -> MathResult {
    if z.re.is_infinite() || z.im.is_infinite() {
        Err(MathError::Range)
    } else {
        Ok(z)
    }
}

/// `log(hypot(x, y)) - ln 2` for parts too large to square: halved first, so that the
/// callers add back `ln 2` (or `2 ln 2` for the inverse functions' `log 2|z|`).
fn log_half_hypot(x: f64, y: f64) -> f64 {
    (x / 2.0).hypot(y / 2.0).ln()
}

pub fn sqrt(z: Complex) -> Complex {
    let (x, y) = (z.re, z.im);
    if y.is_infinite() {
        return c(f64::INFINITY, y);
    }
    if x.is_nan() {
        return c(f64::NAN, f64::NAN);
    }
    if y.is_nan() {
        return match x {
            f64::INFINITY => c(f64::INFINITY, f64::NAN),
            f64::NEG_INFINITY => c(f64::NAN, f64::INFINITY),
            _ => c(f64::NAN, f64::NAN),
        };
    }
    if x.is_infinite() {
        return if x > 0.0 {
            c(x, 0.0_f64.copysign(y))
        } else {
            c(0.0, f64::INFINITY.copysign(y))
        };
    }
    if x == 0.0 && y == 0.0 {
        return c(0.0, y);
    }
    let (ax, ay) = (x.abs(), y.abs());
    // s = sqrt((|x| + |z|) / 2), computed without overflow or loss to subnormals.
    let s = if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        let ax = ax * SCALE_UP;
        (ax + ax.hypot(ay * SCALE_UP)).sqrt() * SCALE_DOWN
    } else {
        let ax = ax / 8.0;
        2.0 * (ax + ax.hypot(ay / 8.0)).sqrt()
    };
    let d = ay / (2.0 * s);
    if x >= 0.0 {
        c(s, d.copysign(y))
    } else {
        c(d, s.copysign(y))
    }
}

pub fn exp(z: Complex) -> MathResult {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        return match x {
            _ if x.is_nan() => Ok(c(f64::NAN, if y == 0.0 { y } else { f64::NAN })),
            f64::INFINITY if y == 0.0 => Ok(c(x, y)),
            f64::INFINITY if y.is_nan() => Ok(c(x, f64::NAN)),
            f64::INFINITY if y.is_finite() => Ok(c(x.copysign(y.cos()), x.copysign(y.sin()))),
            f64::NEG_INFINITY if y.is_finite() => Ok(c(0.0_f64.copysign(y.cos()), 0.0_f64.copysign(y.sin()))),
            f64::NEG_INFINITY => Ok(c(0.0, 0.0)),
            _ if y.is_nan() => Ok(c(f64::NAN, f64::NAN)),
            _ => Err(MathError::Domain),
        };
    }
    let r = if x > log_large() {
        let l = (x - 1.0).exp();
        c(l * y.cos() * E, l * y.sin() * E)
    } else {
        let l = x.exp();
        c(l * y.cos(), l * y.sin())
    };
    no_overflow(r)
}

/// The natural logarithm, also at 0 (where it is `-inf` and `log` raises): `log(0, base)`
/// divides that value.
pub fn log_value(z: Complex) -> Complex {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        if x.is_nan() || y.is_nan() {
            let re = if x.is_infinite() || y.is_infinite() {
                f64::INFINITY
            } else {
                f64::NAN
            };
            return c(re, f64::NAN);
        }
        return c(f64::INFINITY, y.atan2(x));
    }
    let (ax, ay) = (x.abs(), y.abs());
    let re = if ax > LARGE || ay > LARGE {
        log_half_hypot(ax, ay) + LN_2
    } else if ax < f64::MIN_POSITIVE && ay < f64::MIN_POSITIVE {
        if ax > 0.0 || ay > 0.0 {
            // Lift subnormals to normal range; 53 ln 2 comes off again.
            (ax * SCALE_UP).hypot(ay * SCALE_UP).ln() - 53.0 * LN_2
        } else {
            f64::NEG_INFINITY
        }
    } else {
        let h = ax.hypot(ay);
        if (0.71..=1.73).contains(&h) {
            // Near |z| = 1, log(h) loses digits; log1p of h² - 1 (computed exactly) does not.
            let (big, small) = if ax > ay { (ax, ay) } else { (ay, ax) };
            ((big - 1.0) * (big + 1.0) + small * small).ln_1p() / 2.0
        } else {
            h.ln()
        }
    };
    c(re, y.atan2(x))
}

pub fn log(z: Complex) -> MathResult {
    if z.is_zero() {
        return Err(MathError::Domain);
    }
    Ok(log_value(z))
}

pub fn log10(z: Complex) -> MathResult {
    let l = log(z)?;
    Ok(c(l.re / LN_10, l.im / LN_10))
}

/// `log(z) / log(base)`: only the base's logarithm and the division can fail.
pub fn log_base(z: Complex, base: Complex) -> MathResult {
    let numerator = log_value(z);
    let denominator = log(base)?;
    numerator.checked_div(denominator).ok_or(MathError::Domain)
}

pub fn cosh(z: Complex) -> MathResult {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        if x.is_nan() {
            return Ok(c(f64::NAN, if y == 0.0 { 0.0 } else { f64::NAN }));
        }
        if y.is_nan() {
            return Ok(match x {
                _ if x.is_infinite() => c(f64::INFINITY, f64::NAN),
                0.0 => c(f64::NAN, 0.0),
                _ => c(f64::NAN, f64::NAN),
            });
        }
        if y.is_infinite() {
            return Err(MathError::Domain);
        }
        // x infinite: cosh x = +inf and sinh x = x scale cos y and sin y.
        let im = if y == 0.0 {
            y * x.signum()
        } else {
            f64::INFINITY.copysign(y.sin()) * x.signum()
        };
        return Ok(c(f64::INFINITY.copysign(y.cos()), im));
    }
    let r = if x.abs() > log_large() {
        let x_minus_one = x - 1.0_f64.copysign(x);
        c(y.cos() * x_minus_one.cosh() * E, y.sin() * x_minus_one.sinh() * E)
    } else {
        c(y.cos() * x.cosh(), y.sin() * x.sinh())
    };
    no_overflow(r)
}

pub fn sinh(z: Complex) -> MathResult {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        if x.is_nan() {
            return Ok(c(f64::NAN, if y == 0.0 { y } else { f64::NAN }));
        }
        if y.is_nan() {
            return Ok(match x {
                _ if x.is_infinite() => c(f64::INFINITY, f64::NAN),
                0.0 => c(0.0, f64::NAN),
                _ => c(f64::NAN, f64::NAN),
            });
        }
        if y.is_infinite() {
            return Err(MathError::Domain);
        }
        let im = if y == 0.0 { y } else { f64::INFINITY.copysign(y.sin()) };
        return Ok(c(f64::INFINITY.copysign(y.cos()) * x.signum(), im));
    }
    let r = if x.abs() > log_large() {
        let x_minus_one = x - 1.0_f64.copysign(x);
        c(y.cos() * x_minus_one.sinh() * E, y.sin() * x_minus_one.cosh() * E)
    } else {
        c(y.cos() * x.sinh(), y.sin() * x.cosh())
    };
    no_overflow(r)
}

pub fn tanh(z: Complex) -> MathResult {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        if x.is_nan() {
            return Ok(c(f64::NAN, if y == 0.0 { y } else { f64::NAN }));
        }
        if x.is_infinite() {
            // The sign of sin 2y, taken as that of sin y cos y (2y may overflow).
            let im = if y.is_finite() {
                0.0_f64.copysign(y.sin() * y.cos())
            } else {
                0.0
            };
            return Ok(c(1.0_f64.copysign(x), im));
        }
        if y.is_infinite() {
            return Err(MathError::Domain);
        }
        return Ok(c(f64::NAN, f64::NAN));
    }
    if x.abs() > sqrt_large() {
        // tanh is ±1 to double precision; the imaginary part is what is left of 2 sin 2y e^-2|x|.
        let im = 4.0 * y.sin() * y.cos() * (-2.0 * x.abs()).exp();
        return Ok(c(1.0_f64.copysign(x), im));
    }
    let (tx, ty) = (x.tanh(), y.tan());
    let cx = 1.0 / x.cosh();
    let txty = tx * ty;
    let denom = 1.0 + txty * txty;
    Ok(c(tx * (1.0 + ty * ty) / denom, ((ty / denom) * cx) * cx))
}

pub fn cos(z: Complex) -> MathResult {
    cosh(times_i(z))
}

pub fn sin(z: Complex) -> MathResult {
    sinh(times_i(z)).map(times_minus_i)
}

pub fn tan(z: Complex) -> MathResult {
    tanh(times_i(z)).map(times_minus_i)
}

/// `log` of an infinite-or-NaN argument, which `acosh` shares.
fn log_like_special(x: f64, y: f64) -> Complex {
    if x.is_nan() || y.is_nan() {
        let re = if x.is_infinite() || y.is_infinite() {
            f64::INFINITY
        } else {
            f64::NAN
        };
        return c(re, f64::NAN);
    }
    c(f64::INFINITY, y.atan2(x))
}

pub fn acos(z: Complex) -> Complex {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        if x.is_nan() {
            return c(f64::NAN, if y.is_infinite() { -y } else { f64::NAN });
        }
        if y.is_nan() {
            return match x {
                _ if x.is_infinite() => c(f64::NAN, f64::INFINITY),
                0.0 => c(FRAC_PI_2, f64::NAN),
                _ => c(f64::NAN, f64::NAN),
            };
        }
        return c(y.abs().atan2(x), f64::INFINITY.copysign(-y));
    }
    if x.abs() > LARGE || y.abs() > LARGE {
        let magnitude = log_half_hypot(x, y) + 2.0 * LN_2;
        let im = if x < 0.0 {
            -magnitude.copysign(y)
        } else {
            magnitude.copysign(-y)
        };
        return c(y.abs().atan2(x), im);
    }
    let s1 = sqrt(c(1.0 - x, -y));
    let s2 = sqrt(c(1.0 + x, y));
    c(2.0 * s1.re.atan2(s2.re), glibc::asinh(s2.re * s1.im - s2.im * s1.re))
}

pub fn acosh(z: Complex) -> Complex {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        return log_like_special(x, y);
    }
    if x.abs() > LARGE || y.abs() > LARGE {
        return c(log_half_hypot(x, y) + 2.0 * LN_2, y.atan2(x));
    }
    let s1 = sqrt(c(x - 1.0, y));
    let s2 = sqrt(c(x + 1.0, y));
    c(glibc::asinh(s1.re * s2.re + s1.im * s2.im), 2.0 * s1.im.atan2(s2.re))
}

pub fn asinh(z: Complex) -> Complex {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        if x.is_nan() {
            return match y {
                _ if y.is_infinite() => c(f64::INFINITY, f64::NAN),
                0.0 => c(f64::NAN, y),
                _ => c(f64::NAN, f64::NAN),
            };
        }
        if y.is_nan() {
            return c(if x.is_infinite() { x } else { f64::NAN }, f64::NAN);
        }
        return c(f64::INFINITY.copysign(x), y.atan2(x.abs()));
    }
    if x.abs() > LARGE || y.abs() > LARGE {
        let magnitude = log_half_hypot(x, y) + 2.0 * LN_2;
        let re = if y >= 0.0 {
            magnitude.copysign(x)
        } else {
            -magnitude.copysign(-x)
        };
        return c(re, y.atan2(x.abs()));
    }
    let s1 = sqrt(c(1.0 + y, -x));
    let s2 = sqrt(c(1.0 - y, x));
    c(
        glibc::asinh(s1.re * s2.im - s2.re * s1.im),
        y.atan2(s1.re * s2.re - s1.im * s2.im),
    )
}

pub fn asin(z: Complex) -> Complex {
    times_minus_i(asinh(times_i(z)))
}

pub fn atanh(z: Complex) -> MathResult {
    let (x, y) = (z.re, z.im);
    if !is_finite(z) {
        if x.is_nan() {
            return Ok(if y.is_infinite() {
                c(0.0, FRAC_PI_2.copysign(y))
            } else {
                c(f64::NAN, f64::NAN)
            });
        }
        if y.is_nan() {
            let re = if x.is_infinite() || x == 0.0 {
                0.0_f64.copysign(x)
            } else {
                f64::NAN
            };
            return Ok(c(re, f64::NAN));
        }
        return Ok(c(0.0_f64.copysign(x), FRAC_PI_2.copysign(y)));
    }
    // atanh is odd: work in the right half-plane.
    if x < 0.0 {
        return atanh(-z).map(|w| -w);
    }
    let ay = y.abs();
    if x > sqrt_large() || ay > sqrt_large() {
        // Far from the origin atanh z ≈ 1/z: its real part is x / |z|², scaled to stay finite.
        let h = (x / 2.0).hypot(y / 2.0);
        return Ok(c(x / 4.0 / h / h, -FRAC_PI_2.copysign(-y)));
    }
    if x == 1.0 && ay < f64::MIN_POSITIVE.sqrt() {
        if ay == 0.0 {
            return Err(MathError::Domain);
        }
        let re = -(ay.sqrt() / ay.hypot(2.0).sqrt()).ln();
        return Ok(c(re, (2.0_f64.atan2(-ay) / 2.0).copysign(y)));
    }
    let one_minus_x = 1.0 - x;
    let re = (4.0 * x / (one_minus_x * one_minus_x + ay * ay)).ln_1p() / 4.0;
    let im = -(-2.0 * y).atan2(one_minus_x * (1.0 + x) - ay * ay) / 2.0;
    Ok(c(re, im))
}

pub fn atan(z: Complex) -> MathResult {
    atanh(times_i(z)).map(times_minus_i)
}

/// `rect(r, phi)`: the number with modulus `r` and angle `phi`.
pub fn rect(r: f64, phi: f64) -> MathResult {
    if !r.is_finite() || !phi.is_finite() {
        if r.is_nan() {
            return Ok(c(f64::NAN, if phi == 0.0 { 0.0 } else { f64::NAN }));
        }
        if r.is_infinite() {
            return match phi {
                _ if phi.is_nan() => Ok(c(f64::INFINITY, f64::NAN)),
                _ if phi.is_infinite() => Err(MathError::Domain),
                // The imaginary part is r·phi, a zero whose sign is the product of theirs.
                0.0 => Ok(c(
                    r,
                    if r.is_sign_negative() == phi.is_sign_negative() {
                        0.0
                    } else {
                        -0.0
                    },
                )),
                _ => Ok(c(r * phi.cos(), r * phi.sin())),
            };
        }
        // r finite, phi infinite or NaN.
        return match r {
            0.0 => Ok(c(0.0, 0.0)),
            _ if phi.is_infinite() => Err(MathError::Domain),
            _ => Ok(c(f64::NAN, f64::NAN)),
        };
    }
    if phi == 0.0 {
        return Ok(c(r, r * phi));
    }
    Ok(c(r * phi.cos(), r * phi.sin()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: Complex, b: Complex) -> bool {
        let same_part = |x: f64, y: f64| (x.is_nan() && y.is_nan()) || x.to_bits() == y.to_bits();
        same_part(a.re, b.re) && same_part(a.im, b.im)
    }

    #[test]
    fn square_roots_keep_signed_zeros() {
        assert!(same(sqrt(c(-0.0, -0.0)), c(0.0, -0.0)));
        assert!(same(sqrt(c(-4.0, 0.0)), c(0.0, 2.0)));
        assert!(same(sqrt(c(-4.0, -0.0)), c(0.0, -2.0)));
        assert!(same(sqrt(c(f64::NEG_INFINITY, f64::NAN)), c(f64::NAN, f64::INFINITY)));
    }

    #[test]
    fn errors_where_annex_g_raises() {
        assert_eq!(log(c(0.0, 0.0)), Err(MathError::Domain));
        assert_eq!(atanh(c(1.0, 0.0)), Err(MathError::Domain));
        assert_eq!(atan(c(0.0, 1.0)), Err(MathError::Domain));
        assert_eq!(exp(c(1.0, f64::INFINITY)), Err(MathError::Domain));
        assert_eq!(exp(c(710.0, 0.0)), Err(MathError::Range));
        assert_eq!(cos(c(f64::INFINITY, 0.0)), Err(MathError::Domain));
        assert_eq!(rect(1.0, f64::INFINITY), Err(MathError::Domain));
    }

    #[test]
    fn logarithm_of_zero_divides() {
        let r = log_base(c(0.0, 0.0), c(2.0, 0.0)).unwrap_or(Complex::ZERO);
        assert!(r.re == f64::NEG_INFINITY && r.im.is_nan());
        assert_eq!(log_base(c(2.0, 0.0), c(1.0, 0.0)), Err(MathError::Domain));
    }
}
