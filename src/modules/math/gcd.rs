//! Greatest common divisors of ints of any size. num-bigint's binary algorithm takes a
//! subtraction of the whole numbers per bit; Lehmer's algorithm (Knuth, TAOCP vol. 2, 4.5.2,
//! Algorithm L) instead runs Euclid's steps on the leading 63 bits in machine words and applies
//! them to the whole numbers once per ~60 bits, which is what makes `Fraction` arithmetic on
//! big numerators fast.

use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{ToPrimitive, Zero};

/// How many leading bits the single-word steps look at (so that sums stay within i128).
const LEADING_BITS: u64 = 63;

/// `gcd(a, b)`, never negative.
pub fn gcd(a: &BigInt, b: &BigInt) -> BigInt {
    if let (Some(x), Some(y)) = (a.to_i64(), b.to_i64()) {
        return BigInt::from(x.unsigned_abs().gcd(&y.unsigned_abs()));
    }
    BigInt::from_biguint(Sign::Plus, lehmer(a.magnitude().clone(), b.magnitude().clone()))
}

fn lehmer(mut u: BigUint, mut v: BigUint) -> BigUint {
    if u < v {
        std::mem::swap(&mut u, &mut v);
    }
    while v.bits() > 64 {
        let shift = u.bits() - LEADING_BITS;
        let leading = |n: &BigUint| (n >> shift).to_i128().unwrap_or(0);
        let (mut x, mut y) = (leading(&u), leading(&v));
        // The cosequences: u_k = a*u + b*v and v_k = c*u + d*v for the steps taken so far.
        let (mut a, mut b, mut c, mut d) = (1i128, 0i128, 0i128, 1i128);
        // A step is the true one only if the quotient is the same at both ends of the
        // interval the truncated numbers stand for.
        while y + c != 0 && y + d != 0 {
            let q = (x + a) / (y + c);
            if q != (x + b) / (y + d) {
                break;
            }
            (a, c) = (c, a - q * c);
            (b, d) = (d, b - q * d);
            (x, y) = (y, x - q * y);
        }
        if b == 0 {
            // No step was certain: one full-precision step.
            let r = &u % &v;
            u = std::mem::replace(&mut v, r);
        } else {
            let (su, sv) = (BigInt::from(u), BigInt::from(v));
            let next_u = &su * a + &sv * b;
            let next_v = su * c + sv * d;
            u = next_u.into_parts().1;
            v = next_v.into_parts().1;
        }
    }
    if v.is_zero() {
        return u;
    }
    // v fits a word: one division brings u down too.
    let small_v = v.to_u64().unwrap_or(0);
    let small_r = (&u % &v).to_u64().unwrap_or(0);
    BigUint::from(small_v.gcd(&small_r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_traits::{One, Pow};

    #[test]
    fn agrees_with_the_binary_algorithm() {
        let seeds: [(u32, u32, u64); 5] = [(3, 7, 1), (2, 3, 5), (10, 11, 999), (6, 35, 12345), (7, 7, 0)];
        for (p, q, extra) in seeds {
            for e in [10u32, 70, 200, 1000, 3000] {
                let a = BigInt::from(p).pow(e) * BigInt::from(q).pow(e / 2 + 1) + extra;
                let b = BigInt::from(q).pow(e) * BigInt::from(p).pow(e / 3) - extra;
                assert_eq!(gcd(&a, &b), a.gcd(&b), "gcd of {p}^{e}·… and {q}^{e}·…");
                assert_eq!(gcd(&-a.clone(), &b), a.gcd(&b));
            }
        }
    }

    #[test]
    fn small_and_zero_operands() {
        let big = BigInt::from(2u32).pow(200u32) * 3;
        assert_eq!(gcd(&big, &BigInt::zero()), big);
        assert_eq!(gcd(&BigInt::zero(), &BigInt::zero()), BigInt::zero());
        assert_eq!(gcd(&big, &BigInt::from(12)), BigInt::from(12));
        assert_eq!(
            gcd(&BigInt::from(i64::MIN), &BigInt::from(i64::MIN)),
            -BigInt::from(i64::MIN)
        );
        assert_eq!(gcd(&(&big + 1), &big), BigInt::one());
    }
}
