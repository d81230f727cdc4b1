"""Exact rational numbers: Fraction(numerator, denominator), always kept in lowest terms with
a positive denominator.

toy's own implementation of CPython's `fractions`, written from its documentation and
behaviour: arithmetic with ints and fractions is exact, with floats it gives a float and with
complex numbers a complex; comparisons with floats are exact; hashes equal those of the equal
int or float. The `numbers` ABCs do not exist yet, so "Rational" means int or Fraction.
"""

import math
import operator
import sys

__all__ = ["Fraction"]

# sys.hash_info.modulus (the prime all numeric hashes are reduced by) and sys.hash_info.inf.
_HASH_MODULUS = 2**61 - 1
_HASH_INF = 314159


def _is_decimal(value):
    """Whether `value` is a decimal.Decimal (only possible once `decimal` is imported, so it
    is not imported here)."""
    decimal = sys.modules.get("decimal")
    return decimal is not None and isinstance(value, decimal.Decimal)


def _invalid_literal(literal):
    return ValueError("Invalid literal for Fraction: %r" % (literal,))


def _scan_digits(text, i):
    """The index after the run of decimal digits starting at text[i] (single underscores
    may separate digits); i itself when there is no digit there."""
    start = i
    end = len(text)
    while i < end:
        c = text[i]
        if c.isdecimal():
            i += 1
        elif c == "_" and i > start and i + 1 < end and text[i + 1].isdecimal():
            i += 1
        else:
            break
    return i


def _parse(literal):
    """(numerator, denominator) of '[sign]int/int' or '[sign]decimal[e[sign]int]', with
    surrounding whitespace."""
    text = literal.strip()
    end = len(text)
    i = 0
    negative = False
    if i < end and text[i] in "+-":
        negative = text[i] == "-"
        i += 1
    whole_end = _scan_digits(text, i)
    whole = text[i:whole_end]
    i = whole_end
    if i < end and text[i] == "/":
        denominator_end = _scan_digits(text, i + 1)
        if not whole or denominator_end == i + 1 or denominator_end != end:
            raise _invalid_literal(literal)
        numerator = int(whole)
        denominator = int(text[i + 1 : denominator_end])
    else:
        fraction = ""
        if i < end and text[i] == ".":
            fraction_end = _scan_digits(text, i + 1)
            fraction = text[i + 1 : fraction_end]
            i = fraction_end
        if not whole and not fraction:
            raise _invalid_literal(literal)
        exponent = 0
        if i < end and text[i] in "eE":
            digits_start = i + 1
            if digits_start < end and text[digits_start] in "+-":
                digits_start += 1
            exponent_end = _scan_digits(text, digits_start)
            if exponent_end == digits_start:
                raise _invalid_literal(literal)
            exponent = int(text[i + 1 : exponent_end])
            i = exponent_end
        if i != end:
            raise _invalid_literal(literal)
        numerator = int(whole + fraction)
        denominator = 10 ** len(fraction.replace("_", ""))
        if exponent >= 0:
            numerator *= 10**exponent
        else:
            denominator *= 10**-exponent
    if negative:
        numerator = -numerator
    return numerator, denominator


def _make(numerator, denominator):
    """A Fraction from a numerator and a positive denominator already in lowest terms,
    without __new__'s checks (what arithmetic produces)."""
    result = object.__new__(Fraction)
    result._numerator = numerator
    result._denominator = denominator
    return result


# Exact arithmetic on (numerator, denominator) pairs in lowest terms. Dividing out common
# factors before multiplying keeps the intermediate numbers small.


def _add(an, ad, bn, bd):
    g = math.gcd(ad, bd)
    if g == 1:
        return _make(an * bd + ad * bn, ad * bd)
    s = ad // g
    t = an * (bd // g) + bn * s
    g2 = math.gcd(t, g)
    if g2 == 1:
        return _make(t, s * bd)
    return _make(t // g2, s * (bd // g2))


def _sub(an, ad, bn, bd):
    return _add(an, ad, -bn, bd)


def _mul(an, ad, bn, bd):
    g1 = math.gcd(an, bd)
    if g1 > 1:
        an //= g1
        bd //= g1
    g2 = math.gcd(bn, ad)
    if g2 > 1:
        bn //= g2
        ad //= g2
    return _make(an * bn, ad * bd)


def _div(an, ad, bn, bd):
    g1 = math.gcd(an, bn)
    if g1 > 1:
        an //= g1
        bn //= g1
    g2 = math.gcd(bd, ad)
    if g2 > 1:
        bd //= g2
        ad //= g2
    numerator, denominator = an * bd, ad * bn
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    if denominator == 0:
        raise ZeroDivisionError("Fraction(%s, 0)" % numerator)
    return _make(numerator, denominator)


def _floordiv(an, ad, bn, bd):
    return (an * bd) // (ad * bn)


def _mod(an, ad, bn, bd):
    return Fraction((an * bd) % (bn * ad), ad * bd)


def _divmod(an, ad, bn, bd):
    quotient, remainder = divmod(an * bd, ad * bn)
    return quotient, Fraction(remainder, ad * bd)


def _operators(exact, inexact, name):
    """The forward and reflected special methods of a binary operator: `exact` for ints
    and fractions, `inexact` on floats or complex numbers otherwise."""

    def forward(a, b):
        if isinstance(b, Fraction):
            return exact(a._numerator, a._denominator, b._numerator, b._denominator)
        if isinstance(b, int):
            return exact(a._numerator, a._denominator, b, 1)
        if isinstance(b, float):
            return inexact(float(a), b)
        if isinstance(b, complex):
            return inexact(complex(a), b)
        return NotImplemented

    def reverse(b, a):
        if isinstance(a, Fraction):
            return exact(a._numerator, a._denominator, b._numerator, b._denominator)
        if isinstance(a, int):
            return exact(a, 1, b._numerator, b._denominator)
        if isinstance(a, float):
            return inexact(a, float(b))
        if isinstance(a, complex):
            return inexact(a, complex(b))
        return NotImplemented

    forward.__name__ = "__%s__" % name
    reverse.__name__ = "__r%s__" % name
    forward.__qualname__ = "Fraction." + forward.__name__
    reverse.__qualname__ = "Fraction." + reverse.__name__
    return forward, reverse


class Fraction:
    """A rational number: Fraction(3, 4), Fraction(7), Fraction('-1.5e3'), Fraction(0.25)."""

    __slots__ = ("_numerator", "_denominator")

    def __new__(cls, numerator=0, denominator=None, *, _normalize=True):
        self = super().__new__(cls)
        if denominator is None:
            if type(numerator) is int:
                self._numerator = numerator
                self._denominator = 1
                return self
            if isinstance(numerator, (int, Fraction)):
                self._numerator = numerator.numerator
                self._denominator = numerator.denominator
                return self
            if isinstance(numerator, float) or _is_decimal(numerator):
                self._numerator, self._denominator = numerator.as_integer_ratio()
                return self
            if isinstance(numerator, str):
                numerator, denominator = _parse(numerator)
            else:
                raise TypeError("argument should be a string or a Rational instance")
        elif type(numerator) is not int or type(denominator) is not int:
            if not isinstance(numerator, (int, Fraction)) or not isinstance(denominator, (int, Fraction)):
                raise TypeError("both arguments should be Rational instances")
            numerator, denominator = (
                numerator.numerator * denominator.denominator,
                denominator.numerator * numerator.denominator,
            )
        if denominator == 0:
            raise ZeroDivisionError("Fraction(%s, 0)" % numerator)
        if _normalize:
            g = math.gcd(numerator, denominator)
            if denominator < 0:
                g = -g
            numerator //= g
            denominator //= g
        self._numerator = numerator
        self._denominator = denominator
        return self

    @classmethod
    def from_float(cls, f):
        """The exact value of a float (or an int)."""
        if isinstance(f, int):
            return cls(f)
        if not isinstance(f, float):
            raise TypeError("%s.from_float() only takes floats, not %r (%s)" % (cls.__name__, f, type(f).__name__))
        return cls(*f.as_integer_ratio())

    @classmethod
    def from_decimal(cls, dec):
        """The exact value of a Decimal (or an int)."""
        if isinstance(dec, int):
            return cls(dec)
        if _is_decimal(dec):
            return cls(*dec.as_integer_ratio())
        raise TypeError("%s.from_decimal() only takes Decimals, not %r (%s)" % (cls.__name__, dec, type(dec).__name__))

    @property
    def numerator(a):
        return a._numerator

    @property
    def denominator(a):
        return a._denominator

    @property
    def real(a):
        return +a

    @property
    def imag(a):
        return 0

    def conjugate(self):
        return +self

    def as_integer_ratio(self):
        return (self._numerator, self._denominator)

    def limit_denominator(self, max_denominator=1000000):
        """The closest Fraction to self whose denominator is at most max_denominator."""
        if max_denominator < 1:
            raise ValueError("max_denominator should be at least 1")
        if self._denominator <= max_denominator:
            return Fraction(self)
        # Walk the continued fraction's convergents p1/q1 until the next one's denominator
        # is too large; the answer is that convergent or the best semiconvergent before it.
        p0, q0, p1, q1 = 0, 1, 1, 0
        n, d = self._numerator, self._denominator
        while True:
            a = n // d
            q2 = q0 + a * q1
            if q2 > max_denominator:
                break
            p0, q0, p1, q1 = p1, q1, p0 + a * p1, q2
            n, d = d, n - a * d
        k = (max_denominator - q0) // q1
        semiconvergent = Fraction(p0 + k * p1, q0 + k * q1)
        convergent = Fraction(p1, q1)
        if abs(convergent - self) <= abs(semiconvergent - self):
            return convergent
        return semiconvergent

    def __repr__(self):
        return "%s(%s, %s)" % (self.__class__.__name__, self._numerator, self._denominator)

    def __str__(self):
        if self._denominator == 1:
            return str(self._numerator)
        return "%s/%s" % (self._numerator, self._denominator)

    __add__, __radd__ = _operators(_add, operator.add, "add")
    __sub__, __rsub__ = _operators(_sub, operator.sub, "sub")
    __mul__, __rmul__ = _operators(_mul, operator.mul, "mul")
    __truediv__, __rtruediv__ = _operators(_div, operator.truediv, "truediv")
    __floordiv__, __rfloordiv__ = _operators(_floordiv, operator.floordiv, "floordiv")
    __mod__, __rmod__ = _operators(_mod, operator.mod, "mod")
    __divmod__, __rdivmod__ = _operators(_divmod, divmod, "divmod")

    def __pow__(a, b):
        """An integral power stays exact; any other power is a float's (or complex's)."""
        if isinstance(b, (int, Fraction)):
            if b.denominator != 1:
                return float(a) ** float(b)
            power = b.numerator
            if power >= 0:
                return _make(a._numerator**power, a._denominator**power)
            if a._numerator == 0:
                raise ZeroDivisionError("Fraction(%s, 0)" % a._denominator**-power)
            if a._numerator > 0:
                return _make(a._denominator**-power, a._numerator**-power)
            return _make((-a._denominator) ** -power, (-a._numerator) ** -power)
        return float(a) ** b

    def __rpow__(b, a):
        if b._denominator == 1 and b._numerator >= 0:
            return a**b._numerator
        if isinstance(a, (int, Fraction)):
            return Fraction(a.numerator, a.denominator) ** b
        if b._denominator == 1:
            return a**b._numerator
        return a ** float(b)

    def __pos__(a):
        return _make(a._numerator, a._denominator)

    def __neg__(a):
        return _make(-a._numerator, a._denominator)

    def __abs__(a):
        return _make(abs(a._numerator), a._denominator)

    def __bool__(a):
        return a._numerator != 0

    def __int__(a):
        return a.__trunc__()

    def __float__(a):
        return a._numerator / a._denominator

    def __complex__(a):
        return complex(float(a))

    def __trunc__(a):
        if a._numerator < 0:
            return -(-a._numerator // a._denominator)
        return a._numerator // a._denominator

    def __floor__(a):
        return a._numerator // a._denominator

    def __ceil__(a):
        return -(-a._numerator // a._denominator)

    def __round__(self, ndigits=None):
        """round(x) is the nearest int, halves to even; round(x, n) a Fraction."""
        if ndigits is None:
            floor, remainder = divmod(self._numerator, self._denominator)
            twice = remainder * 2
            if twice < self._denominator or (twice == self._denominator and floor % 2 == 0):
                return floor
            return floor + 1
        shift = 10 ** abs(ndigits)
        if ndigits > 0:
            return Fraction(round(self * shift), shift)
        return Fraction(round(self / shift) * shift)

    def __hash__(self):
        # The hash of n/d is n * d**-1 modulo the hash prime, which makes it equal to the
        # hash of an equal int or float; a denominator the prime divides has no inverse.
        try:
            inverse = pow(self._denominator, -1, _HASH_MODULUS)
        except ValueError:
            result = _HASH_INF
        else:
            result = abs(self._numerator) % _HASH_MODULUS * inverse % _HASH_MODULUS
        if self._numerator < 0:
            result = -result
        return -2 if result == -1 else result

    def __eq__(a, b):
        if type(b) is int:
            return a._numerator == b and a._denominator == 1
        if isinstance(b, (int, Fraction)):
            return a._numerator == b.numerator and a._denominator == b.denominator
        if isinstance(b, complex) and b.imag == 0:
            b = b.real
        if isinstance(b, float):
            if math.isnan(b) or math.isinf(b):
                return b == 0.0
            return a == a.from_float(b)
        return NotImplemented

    def _cross_products(a, b):
        """Two numbers ordered as a and b are: a's numerator times b's denominator and the
        other way round, exactly also for a float b; NaN and the infinities are compared with
        0.0, which orders them as they should be. None when b is not a real number."""
        if isinstance(b, Fraction):
            return a._numerator * b._denominator, a._denominator * b._numerator
        if isinstance(b, int):
            return a._numerator, a._denominator * b
        if isinstance(b, float):
            if math.isnan(b) or math.isinf(b):
                return 0.0, b
            numerator, denominator = b.as_integer_ratio()
            return a._numerator * denominator, a._denominator * numerator
        return None

    def __lt__(a, b):
        products = a._cross_products(b)
        return NotImplemented if products is None else products[0] < products[1]

    def __gt__(a, b):
        products = a._cross_products(b)
        return NotImplemented if products is None else products[0] > products[1]

    def __le__(a, b):
        products = a._cross_products(b)
        return NotImplemented if products is None else products[0] <= products[1]

    def __ge__(a, b):
        products = a._cross_products(b)
        return NotImplemented if products is None else products[0] >= products[1]

    def __reduce__(self):
        return (self.__class__, (self._numerator, self._denominator))

    def __copy__(self):
        if type(self) is Fraction:
            return self
        return self.__class__(self._numerator, self._denominator)

    def __deepcopy__(self, memo):
        return self.__copy__()
