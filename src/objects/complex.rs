//! The value of a `complex` and its arithmetic, rounded as CPython 3.11 rounds it: a pair of
//! doubles with Smith's division, exact repeated squaring for small integral powers, and the
//! polar formula for the rest. Pure functions; the VM raises the errors they report.

use super::format::{DtoaFlags, double_to_string};
use super::hashing::hash_f64;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Complex {
    pub re: f64,
    pub im: f64,
}

/// Why a complex power has no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowError {
    /// `0j ** z` with `z` negative or not real, or a result whose angle is infinite (where
    /// the C library's cosine reports a domain error): CPython's ZeroDivisionError.
    Domain,
    /// A part of the result overflowed to infinity (CPython's OverflowError).
    Overflow,
}

/// `sys.hash_info.imag`: the multiplier of the imaginary part's hash.
const HASH_IMAG: u64 = 1_000_003;

/// Exponents up to this size (integral, real) are computed by repeated squaring, which is
/// exact for Gaussian integers; larger ones use the polar form, as CPython does.
const MAX_SQUARING_EXPONENT: f64 = 100.0;

impl Complex {
    pub const ZERO: Complex = Complex { re: 0.0, im: 0.0 };
    pub const ONE: Complex = Complex { re: 1.0, im: 0.0 };

    pub const fn new(re: f64, im: f64) -> Complex {
        Complex { re, im }
    }

    /// A real number as a complex one, with a +0.0 imaginary part.
    pub const fn real(re: f64) -> Complex {
        Complex { re, im: 0.0 }
    }

    /// Smith's algorithm: divide through by the larger part of the divisor so that squaring it
    /// cannot overflow. `None` when the divisor is zero.
    pub fn checked_div(self, o: Complex) -> Option<Complex> {
        let (abs_re, abs_im) = (o.re.abs(), o.im.abs());
        if abs_re >= abs_im {
            if abs_re == 0.0 {
                return None;
            }
            let ratio = o.im / o.re;
            let denom = o.re + o.im * ratio;
            Some(Complex::new(
                (self.re + self.im * ratio) / denom,
                (self.im - self.re * ratio) / denom,
            ))
        } else if abs_im >= abs_re {
            let ratio = o.re / o.im;
            let denom = o.re * ratio + o.im;
            Some(Complex::new(
                (self.re * ratio + self.im) / denom,
                (self.im * ratio - self.re) / denom,
            ))
        } else {
            // Neither comparison holds: the divisor has a NaN part.
            Some(Complex::new(f64::NAN, f64::NAN))
        }
    }

    pub fn conjugate(self) -> Complex {
        Complex::new(self.re, -self.im)
    }

    pub fn is_zero(self) -> bool {
        self.re == 0.0 && self.im == 0.0
    }

    /// `abs(z)`; `None` when the modulus of a finite number overflows.
    pub fn abs(self) -> Option<f64> {
        if !self.re.is_finite() || !self.im.is_finite() {
            // An infinite part wins over a NaN one: the modulus is infinite either way.
            if self.re.is_infinite() || self.im.is_infinite() {
                return Some(f64::INFINITY);
            }
            return Some(f64::NAN);
        }
        let r = self.re.hypot(self.im);
        r.is_finite().then_some(r)
    }

    /// `self ** e`.
    pub fn pow(self, e: Complex) -> Result<Complex, PowError> {
        let r = if e.im == 0.0 && e.re == e.re.floor() && e.re.abs() <= MAX_SQUARING_EXPONENT {
            self.powi(e.re as i32)?
        } else {
            self.pow_polar(e)?
        };
        if r.re.is_infinite() || r.im.is_infinite() {
            return Err(PowError::Overflow);
        }
        Ok(r)
    }

    fn powi(self, n: i32) -> Result<Complex, PowError> {
        if n >= 0 {
            return Ok(self.powu(n.unsigned_abs()));
        }
        Complex::ONE
            .checked_div(self.powu(n.unsigned_abs()))
            .ok_or(PowError::Domain)
    }

    /// Binary exponentiation, starting from 1 (so even `z ** 1` is a product, whose NaNs
    /// from infinite parts CPython's result shows too).
    fn powu(self, n: u32) -> Complex {
        let (mut result, mut square, mut mask) = (Complex::ONE, self, 1u32);
        while mask > 0 && n >= mask {
            if n & mask != 0 {
                result = result * square;
            }
            mask = mask.wrapping_shl(1);
            square = square * square;
        }
        result
    }

    fn pow_polar(self, e: Complex) -> Result<Complex, PowError> {
        if e.is_zero() {
            return Ok(Complex::ONE);
        }
        if self.is_zero() {
            if e.im != 0.0 || e.re < 0.0 {
                return Err(PowError::Domain);
            }
            return Ok(Complex::ZERO);
        }
        let modulus = self.re.hypot(self.im);
        let angle = self.im.atan2(self.re);
        let mut length = modulus.powf(e.re);
        let mut phase = angle * e.re;
        if e.im != 0.0 {
            length /= (angle * e.im).exp();
            phase += e.im * modulus.ln();
        }
        if phase.is_infinite() {
            return Err(PowError::Domain);
        }
        Ok(Complex::new(length * phase.cos(), length * phase.sin()))
    }

    /// CPython's numeric hash: equal to the hash of the real part when the imaginary part is 0.
    pub fn hash(self) -> i64 {
        let h = (hash_f64(self.re) as u64).wrapping_add(HASH_IMAG.wrapping_mul(hash_f64(self.im) as u64));
        let h = h as i64;
        if h == -1 { -2 } else { h }
    }
}

impl std::ops::Add for Complex {
    type Output = Complex;
    fn add(self, o: Complex) -> Complex {
        Complex::new(self.re + o.re, self.im + o.im)
    }
}

impl std::ops::Sub for Complex {
    type Output = Complex;
    fn sub(self, o: Complex) -> Complex {
        Complex::new(self.re - o.re, self.im - o.im)
    }
}

impl std::ops::Mul for Complex {
    type Output = Complex;
    /// The textbook product: no special treatment of infinities (CPython has none either).
    fn mul(self, o: Complex) -> Complex {
        Complex::new(self.re * o.re - self.im * o.im, self.re * o.im + self.im * o.re)
    }
}

impl std::ops::Neg for Complex {
    type Output = Complex;
    fn neg(self) -> Complex {
        Complex::new(-self.re, -self.im)
    }
}

/// `repr(z)` and `str(z)`: `1j` alone when the real part is +0.0, else `(re±imj)`, each part
/// with the shortest digits that round-trip and no `.0`.
pub fn complex_repr(z: Complex) -> String {
    let imag = |sign| {
        let flags = DtoaFlags {
            sign,
            ..DtoaFlags::default()
        };
        double_to_string(z.im, 'r', 0, flags)
    };
    if z.re == 0.0 && z.re.is_sign_positive() {
        return format!("{}j", imag(false));
    }
    let real = double_to_string(z.re, 'r', 0, DtoaFlags::default());
    format!("({real}{}j)", imag(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> Complex {
        Complex::new(re, im)
    }

    #[test]
    fn reprs_follow_cpython() {
        assert_eq!(complex_repr(c(0.0, 1.0)), "1j");
        assert_eq!(complex_repr(c(-0.0, -0.0)), "(-0-0j)");
        assert_eq!(complex_repr(c(0.0, -0.0)), "-0j");
        assert_eq!(complex_repr(c(1.5, 2.25)), "(1.5+2.25j)");
        assert_eq!(complex_repr(c(0.0, 1e16)), "1e+16j");
        assert_eq!(complex_repr(c(f64::NAN, f64::INFINITY)), "(nan+infj)");
        assert_eq!(complex_repr(c(1.0, -f64::NAN)), "(1+nanj)");
    }

    #[test]
    fn division_by_the_larger_part() {
        assert_eq!(c(1.0, 0.0).checked_div(c(0.0, 0.0)), None);
        assert_eq!(c(1.0, 2.0).checked_div(c(3.0, 4.0)), Some(c(0.44, 0.08)));
        let nan = c(1.0, 1.0).checked_div(c(f64::NAN, 0.0)).unwrap_or(Complex::ZERO);
        assert!(nan.re.is_nan() && nan.im.is_nan());
    }

    #[test]
    fn powers() {
        assert_eq!(c(1.0, 1.0).pow(c(100.0, 0.0)), Ok(c(-1125899906842624.0, 0.0)));
        assert_eq!(c(1.0, 1.0).pow(c(-3.0, 0.0)), Ok(c(-0.25, -0.25)));
        assert_eq!(Complex::ZERO.pow(c(-1.0, 0.0)), Err(PowError::Domain));
        assert_eq!(Complex::ZERO.pow(c(0.0, 1.0)), Err(PowError::Domain));
        assert_eq!(Complex::ZERO.pow(Complex::ZERO), Ok(Complex::ONE));
        assert_eq!(c(1e200, 1.0).pow(c(2.0, 0.0)), Err(PowError::Overflow));
    }

    #[test]
    fn hashes_match_the_real_part() {
        assert_eq!(c(1.0, 0.0).hash(), 1);
        assert_eq!(c(1.0, 2.0).hash(), 2000007);
        assert_eq!(c(-1.0, 0.0).hash(), -2);
        assert_eq!(c(1.5, -2.0).hash(), 1152921504604846971);
    }
}
