"""Decimal fixed- and floating-point arithmetic, as CPython's `decimal` documents it.

toy's own implementation, written from the documentation and the General Decimal Arithmetic
specification: the `Decimal` and `Context` classes and the signals live here; the work on
digits (reading strings, rounding to a context, notation, division, square roots) is the
native `_decimal` (src/modules/decimal/). A Decimal is a sign, an int coefficient and an
exponent (`'F'`, `'n'` or `'N'` for infinity, NaN and sNaN), immutable once made.
"""

import math as _math
import numbers as _numbers
from collections import namedtuple as _namedtuple

import _decimal as _core

__all__ = [
    "Decimal", "Context", "DecimalTuple", "DefaultContext", "BasicContext", "ExtendedContext",
    "DecimalException", "Clamped", "InvalidOperation", "DivisionByZero", "Inexact", "Rounded",
    "Subnormal", "Overflow", "Underflow", "FloatOperation", "DivisionImpossible",
    "InvalidContext", "ConversionSyntax", "DivisionUndefined", "ROUND_DOWN", "ROUND_HALF_UP",
    "ROUND_HALF_EVEN", "ROUND_CEILING", "ROUND_FLOOR", "ROUND_UP", "ROUND_HALF_DOWN",
    "ROUND_05UP", "setcontext", "getcontext", "localcontext", "MAX_PREC", "MAX_EMAX",
    "MIN_EMIN", "MIN_ETINY", "HAVE_THREADS", "HAVE_CONTEXTVAR",
]

__version__ = "1.70"
__libmpdec_version__ = "2.5.1"

ROUND_DOWN = "ROUND_DOWN"
ROUND_HALF_UP = "ROUND_HALF_UP"
ROUND_HALF_EVEN = "ROUND_HALF_EVEN"
ROUND_CEILING = "ROUND_CEILING"
ROUND_FLOOR = "ROUND_FLOOR"
ROUND_UP = "ROUND_UP"
ROUND_HALF_DOWN = "ROUND_HALF_DOWN"
ROUND_05UP = "ROUND_05UP"
_ROUNDINGS = (ROUND_DOWN, ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_CEILING, ROUND_FLOOR,
              ROUND_UP, ROUND_HALF_DOWN, ROUND_05UP)

MAX_PREC = 999999999999999999
MAX_EMAX = 999999999999999999
MIN_EMIN = -999999999999999999
MIN_ETINY = MIN_EMIN - (MAX_PREC - 1)
HAVE_THREADS = True
HAVE_CONTEXTVAR = True

# sys.hash_info.modulus and sys.hash_info.inf: a number's hash is its value modulo the prime.
_HASH_MODULUS = 2**61 - 1
_HASH_INF = 314159
_HASH_TEN_INVERSE = pow(10, _HASH_MODULUS - 2, _HASH_MODULUS)


# ----- signals --------------------------------------------------------------------------------

class DecimalException(ArithmeticError):
    pass


class Clamped(DecimalException):
    pass


class InvalidOperation(DecimalException):
    pass


class ConversionSyntax(InvalidOperation):
    pass


class DivisionByZero(DecimalException, ZeroDivisionError):
    pass


class DivisionImpossible(InvalidOperation):
    pass


class DivisionUndefined(InvalidOperation, ZeroDivisionError):
    pass


class Inexact(DecimalException):
    pass


class InvalidContext(InvalidOperation):
    pass


class Rounded(DecimalException):
    pass


class Subnormal(DecimalException):
    pass


class Overflow(Inexact, Rounded):
    pass


class Underflow(Inexact, Rounded, Subnormal):
    pass


class FloatOperation(DecimalException, TypeError):
    pass


# The signals in the order flags and traps list them (and a trap's message names them).
_SIGNALS = (InvalidOperation, FloatOperation, DivisionByZero, Overflow, Underflow, Subnormal,
            Inexact, Rounded, Clamped)

# The order a context's repr lists its flags and traps in.
_REPR_ORDER = (Clamped, InvalidOperation, DivisionByZero, Inexact, FloatOperation, Overflow,
               Rounded, Subnormal, Underflow)

# The bits `_decimal.fit` reports, most significant signal first.
_FIT_SIGNALS = ((32, Overflow), (16, Underflow), (8, Subnormal), (2, Inexact), (4, Rounded),
                (1, Clamped))

DecimalTuple = _namedtuple("DecimalTuple", "sign digits exponent")


# ----- contexts -------------------------------------------------------------------------------

_SIGNAL_NAMES_MESSAGE = (
    "valid values for signals are:\n"
    "  [InvalidOperation, FloatOperation, DivisionByZero,\n"
    "   Overflow, Underflow, Subnormal, Inexact, Rounded,\n"
    "   Clamped]"
)
_ROUNDING_MESSAGE = (
    "valid values for rounding are:\n"
    "  [ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_DOWN,\n"
    "   ROUND_HALF_UP, ROUND_HALF_DOWN, ROUND_HALF_EVEN,\n"
    "   ROUND_05UP]"
)


class _SignalDict(dict):
    """A context's flags or traps: signal -> bool, for exactly the nine signals."""

    def __init__(self, enabled=()):
        for signal in _SIGNALS:
            dict.__setitem__(self, signal, signal in enabled)

    def __setitem__(self, signal, value):
        if signal not in _SIGNALS:
            raise KeyError(_SIGNAL_NAMES_MESSAGE)
        dict.__setitem__(self, signal, bool(value))

    def __getitem__(self, signal):
        if signal not in _SIGNALS:
            raise KeyError(_SIGNAL_NAMES_MESSAGE)
        return dict.__getitem__(self, signal)

    def __delitem__(self, signal):
        raise ValueError("signal keys cannot be deleted")

    def __repr__(self):
        return "{" + ", ".join("%r:%r" % (s, dict.__getitem__(self, s)) for s in _SIGNALS) + "}"

    def copy(self):
        return _SignalDict([s for s in _SIGNALS if dict.__getitem__(self, s)])

    def _set(self, values, what):
        if isinstance(values, dict):
            if len(values) != len(_SIGNALS) or any(k not in _SIGNALS for k in values):
                raise KeyError("invalid signal dict")
            for signal in _SIGNALS:
                dict.__setitem__(self, signal, bool(values[signal]))
            return
        chosen = list(values)
        for signal in chosen:
            if signal not in _SIGNALS:
                raise KeyError(_SIGNAL_NAMES_MESSAGE)
        for signal in _SIGNALS:
            dict.__setitem__(self, signal, signal in chosen)


def _check_int(value):
    if not isinstance(value, int):
        raise TypeError("an integer is required")
    return int(value)


class Context(object):
    """The environment of arithmetic: precision, rounding, exponent limits, flags and traps."""

    __toy_static__ = True  # named `decimal.Context` in messages, as CPython's C type
    __slots__ = ("_prec", "_rounding", "_Emin", "_Emax", "_capitals", "_clamp", "flags",
                 "traps", "_unchanged")

    def __init__(self, prec=None, rounding=None, Emin=None, Emax=None, capitals=None,
                 clamp=None, flags=None, traps=None):
        template = _default_template()
        self.prec = template._prec if prec is None else prec
        self.rounding = template._rounding if rounding is None else rounding
        self.Emin = template._Emin if Emin is None else Emin
        self.Emax = template._Emax if Emax is None else Emax
        self.capitals = template._capitals if capitals is None else capitals
        self.clamp = template._clamp if clamp is None else clamp
        object.__setattr__(self, "flags", _SignalDict())
        object.__setattr__(self, "traps", template.traps.copy())
        if flags is not None:
            self.flags._set(flags, "flags")
        if traps is not None:
            self.traps._set(traps, "traps")

    # Validated settings: arithmetic reads the underscored slots directly.

    @property
    def prec(self):
        return self._prec

    @prec.setter
    def prec(self, value):
        value = _check_int(value)
        if not 1 <= value <= MAX_PREC:
            raise ValueError("valid range for prec is [1, MAX_PREC]")
        object.__setattr__(self, "_prec", value)
        self._bounds_changed()

    @property
    def rounding(self):
        return self._rounding

    @rounding.setter
    def rounding(self, value):
        if not isinstance(value, str) or value not in _ROUNDINGS:
            raise TypeError(_ROUNDING_MESSAGE)
        object.__setattr__(self, "_rounding", value)

    @property
    def Emin(self):
        return self._Emin

    @Emin.setter
    def Emin(self, value):
        value = _check_int(value)
        if not MIN_EMIN <= value <= 0:
            raise ValueError("valid range for Emin is [MIN_EMIN, 0]")
        object.__setattr__(self, "_Emin", value)
        self._bounds_changed()

    @property
    def Emax(self):
        return self._Emax

    @Emax.setter
    def Emax(self, value):
        value = _check_int(value)
        if not 0 <= value <= MAX_EMAX:
            raise ValueError("valid range for Emax is [0, MAX_EMAX]")
        object.__setattr__(self, "_Emax", value)
        self._bounds_changed()

    @property
    def capitals(self):
        return self._capitals

    @capitals.setter
    def capitals(self, value):
        value = _check_int(value)
        if value not in (0, 1):
            raise ValueError("valid values for capitals are 0 or 1")
        object.__setattr__(self, "_capitals", value)

    @property
    def clamp(self):
        return self._clamp

    @clamp.setter
    def clamp(self, value):
        value = _check_int(value)
        if value not in (0, 1):
            raise ValueError("valid values for clamp are 0 or 1")
        object.__setattr__(self, "_clamp", value)

    def _bounds_changed(self):
        # The values `_finish` may return as they are: at most `prec` digits, an exponent
        # from Emin to Etop (so neither subnormal, nor overflowing, nor clamped).
        if all(hasattr(self, name) for name in ("_prec", "_Emin", "_Emax")):
            object.__setattr__(self, "_unchanged",
                               (10**self._prec, self._Emin, self._Emax - self._prec + 1))

    def __setattr__(self, name, value):
        if name in ("flags", "traps"):
            if isinstance(value, dict) or not isinstance(value, (list, tuple, set)):
                getattr(self, name)._set(value, name)
            else:
                getattr(self, name)._set(value, name)
            return
        if name not in ("prec", "rounding", "Emin", "Emax", "capitals", "clamp"):
            raise AttributeError("'decimal.Context' object has no attribute '%s'" % name)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        raise AttributeError("context attributes cannot be deleted")

    def Etiny(self):
        return self._Emin - self._prec + 1

    def Etop(self):
        return self._Emax - self._prec + 1

    def radix(self):
        return Decimal(10)

    def clear_flags(self):
        for signal in _SIGNALS:
            dict.__setitem__(self.flags, signal, False)

    def clear_traps(self):
        for signal in _SIGNALS:
            dict.__setitem__(self.traps, signal, False)

    def copy(self):
        new = Context(self._prec, self._rounding, self._Emin, self._Emax, self._capitals,
                      self._clamp)
        object.__setattr__(new, "flags", self.flags.copy())
        object.__setattr__(new, "traps", self.traps.copy())
        return new

    __copy__ = copy

    def __reduce__(self):
        flags = [s for s in _SIGNALS if self.flags[s]]
        traps = [s for s in _SIGNALS if self.traps[s]]
        return (Context, (self._prec, self._rounding, self._Emin, self._Emax, self._capitals,
                          self._clamp, flags, traps))

    def __repr__(self):
        flags = ", ".join(s.__name__ for s in _REPR_ORDER if self.flags[s])
        traps = ", ".join(s.__name__ for s in _REPR_ORDER if self.traps[s])
        return ("Context(prec=%d, rounding=%s, Emin=%d, Emax=%d, capitals=%d, clamp=%d, "
                "flags=[%s], traps=[%s])" % (self._prec, self._rounding, self._Emin,
                                             self._Emax, self._capitals, self._clamp, flags,
                                             traps))

    # Signals.

    def _signal(self, conditions):
        """Raise the signals `conditions` names: each is (signal, the class to name in the
        message). Flags are set; the trapped ones raise, as the first trapped signal."""
        trapped = []
        flags = self.flags
        for signal, shown in conditions:
            dict.__setitem__(flags, signal, True)
            if dict.__getitem__(self.traps, signal):
                trapped.append((signal, shown))
        if trapped:
            raise trapped[0][0]([shown for _, shown in trapped])

    def _invalid(self, shown=InvalidOperation):
        """InvalidOperation: raise when trapped, else the quiet NaN result."""
        self._signal(((InvalidOperation, shown),))
        return _NAN

    def _fit_flags(self, bits):
        self._signal([(signal, signal) for bit, signal in _FIT_SIGNALS if bits & bit])

    def create_decimal(self, num="0"):
        if isinstance(num, str):
            result = _from_string(num, self)
        elif isinstance(num, float):
            self._signal(((FloatOperation, FloatOperation),))
            result = _from_float(num)
        else:
            result = Decimal(num)
        if result._is_special:
            if result._exp in "nN" and _core.digits(result._int) > self._prec - self._clamp:
                return self._invalid(ConversionSyntax)
            return result
        return _finish(result._sign, result._int, result._exp, self)

    def create_decimal_from_float(self, f):
        return self.create_decimal(Decimal.from_float(f))


def _default_template():
    template = globals().get("DefaultContext")
    return _FACTORY_CONTEXT if template is None else template


class _Factory:
    """The settings a Context starts from before DefaultContext exists."""
    _prec = 28
    _rounding = ROUND_HALF_EVEN
    _Emin = -999999
    _Emax = 999999
    _capitals = 1
    _clamp = 0
    traps = _SignalDict((InvalidOperation, DivisionByZero, Overflow))


_FACTORY_CONTEXT = _Factory()

DefaultContext = Context()
BasicContext = Context(prec=9, rounding=ROUND_HALF_UP,
                       traps=[Clamped, InvalidOperation, DivisionByZero, Overflow, Underflow])
ExtendedContext = Context(prec=9, rounding=ROUND_HALF_EVEN, traps=[])


def getcontext():
    """This thread's current context (a copy of DefaultContext at first)."""
    context = _core.current_context()
    if context is None:
        context = DefaultContext.copy()
        _core.set_current_context(context)
    return context


def setcontext(context):
    """Make `context` this thread's current context."""
    if not isinstance(context, Context):
        raise TypeError("argument must be a context")
    if context is DefaultContext or context is BasicContext or context is ExtendedContext:
        context = context.copy()
        context.clear_flags()
    _core.set_current_context(context)


class _ContextManager:
    def __init__(self, context):
        self._new = context

    def __enter__(self):
        self._saved = getcontext()
        setcontext(self._new)
        return self._new

    def __exit__(self, *exc):
        setcontext(self._saved)
        return False


def localcontext(ctx=None, **kwargs):
    """A context manager that makes a copy of `ctx` (or of the current context), with the
    given attributes changed, current for its block."""
    if ctx is None:
        ctx = getcontext()
    elif not isinstance(ctx, Context):
        raise TypeError("optional argument must be a context")
    new = ctx.copy()
    for name, value in kwargs.items():
        if name not in ("prec", "rounding", "Emin", "Emax", "capitals", "clamp", "flags",
                        "traps"):
            raise TypeError("'%s' is an invalid keyword argument for this function" % name)
        setattr(new, name, value)
    return _ContextManager(new)


# ----- making Decimals ------------------------------------------------------------------------

_fit = _core.fit
# This thread's context once it has one (getcontext() makes it the first time).
_current = _core.current_context
_new_object = object.__new__


def _make(sign, coefficient, exponent, special=False):
    d = _new_object(Decimal)
    d._sign = sign
    d._int = coefficient
    d._exp = exponent
    d._is_special = special
    return d


def _finish(sign, coefficient, exponent, context):
    """The exact value sign·coefficient·10**exponent rounded to `context`, signals raised."""
    limit, lowest, highest = context._unchanged
    if coefficient < limit and lowest <= exponent <= highest:
        d = _new_object(Decimal)
        d._sign = sign
        d._int = coefficient
        d._exp = exponent
        d._is_special = False
        return d
    coefficient, exponent, bits = _fit(sign, coefficient, exponent, context._prec,
                                       context._rounding, context._Emin, context._Emax,
                                       context._clamp)
    if bits:
        context._fit_flags(bits)
    if exponent is None:
        return _make(sign, 0, "F", True)
    return _make(sign, coefficient, exponent)


def _from_string(text, context):
    parsed = _core.parse(text)
    if parsed is None:
        return context._invalid(ConversionSyntax)
    negative, coefficient, exponent = parsed
    return _make(1 if negative else 0, coefficient, exponent, isinstance(exponent, str))


def _from_float(f):
    if f != f or f in (float("inf"), float("-inf")):
        sign = 1 if _math.copysign(1.0, f) < 0 else 0
        return _make(sign, 0, "n" if f != f else "F", True)
    sign = 1 if _math.copysign(1.0, f) < 0 else 0
    numerator, denominator = abs(f).as_integer_ratio()
    # The denominator is a power of two, 2**k: numerator/2**k == numerator·5**k / 10**k.
    k = denominator.bit_length() - 1
    return _make(sign, numerator * 5**k, -k)


def _from_tuple(value):
    if len(value) != 3:
        raise ValueError("argument must be a sequence of length 3")
    sign, digits, exponent = value
    if not (isinstance(sign, int) and sign in (0, 1)):
        raise ValueError("sign must be an integer with the value 0 or 1")
    if isinstance(exponent, str):
        if exponent not in ("F", "n", "N"):
            raise ValueError("string argument in the third position must be 'F', 'n' or 'N'")
    elif not isinstance(exponent, int):
        raise ValueError("exponent must be an integer")
    if not isinstance(digits, (tuple, list)):
        raise ValueError("coefficient must be a tuple of digits")
    coefficient = 0
    for digit in digits:
        if not (isinstance(digit, int) and 0 <= digit <= 9):
            raise ValueError("coefficient must be a tuple of digits")
        coefficient = coefficient * 10 + digit
    if exponent == "F":
        return _make(sign, 0, "F", True)
    return _make(sign, coefficient, exponent, isinstance(exponent, str))


def _convert(other, context=None):
    """`other` as a Decimal for arithmetic with one (ints convert exactly), else None."""
    if isinstance(other, Decimal):
        return other
    if isinstance(other, int):
        return _make(1 if other < 0 else 0, abs(int(other)), 0)
    return None


def _convert_strict(value):
    """An operand of a Context method: a Decimal or an int."""
    converted = _convert(value)
    if converted is None:
        raise TypeError("conversion from %s to Decimal is not supported" % type(value).__name__)
    return converted


class Decimal(object):
    """Floating-point decimal number: sign, coefficient digits and exponent, exact as given."""

    __toy_static__ = True  # named `decimal.Decimal` in messages, as CPython's C type
    __slots__ = ("_sign", "_int", "_exp", "_is_special")

    def __new__(cls, value="0", context=None):
        if context is not None and not isinstance(context, Context):
            raise TypeError("optional argument must be a context")
        if isinstance(value, str):
            if context is None:
                context = getcontext()
            d = _from_string(value, context)
        elif isinstance(value, int):
            d = _make(1 if value < 0 else 0, abs(int(value)), 0)
        elif isinstance(value, Decimal):
            if cls is Decimal:
                return value
            d = value
        elif isinstance(value, float):
            if context is None:
                context = getcontext()
            context._signal(((FloatOperation, FloatOperation),))
            d = _from_float(value)
        elif isinstance(value, (tuple, list)):
            d = _from_tuple(value)
        else:
            raise TypeError("conversion from %s to Decimal is not supported"
                            % type(value).__name__)
        if cls is Decimal:
            return d
        made = _new_object(cls)
        made._sign = d._sign
        made._int = d._int
        made._exp = d._exp
        made._is_special = d._is_special
        return made

    @classmethod
    def from_float(cls, f):
        if isinstance(f, int):
            d = _make(1 if f < 0 else 0, abs(int(f)), 0)
        elif isinstance(f, float):
            d = _from_float(f)
        else:
            raise TypeError("argument must be int or float")
        return d if cls is Decimal else cls(d)

    # ----- properties of the value -----

    def is_nan(self):
        return self._is_special and self._exp != "F"

    def is_qnan(self):
        return self._exp == "n"

    def is_snan(self):
        return self._exp == "N"

    def is_infinite(self):
        return self._exp == "F"

    def is_finite(self):
        return not self._is_special

    def is_signed(self):
        return self._sign == 1

    def is_zero(self):
        return not self._is_special and self._int == 0

    def is_canonical(self):
        return True

    def is_normal(self, context=None):
        if self._is_special or self._int == 0:
            return False
        context = context or _current() or getcontext()
        return self.adjusted() >= context._Emin

    def is_subnormal(self, context=None):
        if self._is_special or self._int == 0:
            return False
        context = context or _current() or getcontext()
        return self.adjusted() < context._Emin

    def adjusted(self):
        if self._is_special:
            return 0
        return self._exp + _core.digits(self._int) - 1

    def canonical(self):
        return self

    def radix(self):
        return Decimal(10)

    @property
    def real(self):
        return self

    @property
    def imag(self):
        return Decimal(0)

    def conjugate(self):
        return self

    def number_class(self, context=None):
        context = context or _current() or getcontext()
        sign = "-" if self._sign else "+"
        if self._exp == "N":
            return "sNaN"
        if self._exp == "n":
            return "NaN"
        if self._exp == "F":
            return sign + "Infinity"
        if self._int == 0:
            return sign + "Zero"
        if self.adjusted() < context._Emin:
            return sign + "Subnormal"
        return sign + "Normal"

    def as_tuple(self):
        if self._exp == "F":
            digits = (0,)
        elif self._is_special and self._int == 0:
            digits = ()
        else:
            digits = tuple(int(c) for c in str(self._int))
        return DecimalTuple(self._sign, digits, self._exp)

    def as_integer_ratio(self):
        if self._is_special:
            if self._exp == "F":
                raise OverflowError("cannot convert Infinity to integer ratio")
            raise ValueError("cannot convert NaN to integer ratio")
        numerator = self._int
        if self._exp >= 0:
            numerator *= 10**self._exp
            denominator = 1
        else:
            denominator = 10**-self._exp
            common = _math.gcd(numerator, denominator)
            numerator //= common
            denominator //= common
        return (-numerator if self._sign else numerator), denominator

    def same_quantum(self, other, context=None):
        other = _convert_strict(other)
        if self._is_special or other._is_special:
            return (self.is_nan() and other.is_nan()) or (self._exp == "F" and other._exp == "F")
        return self._exp == other._exp

    # ----- strings -----

    def __str__(self, eng=False, context=None):
        sign = "-" if self._sign else ""
        if self._is_special:
            if self._exp == "F":
                return sign + "Infinity"
            payload = str(self._int) if self._int else ""
            return sign + ("sNaN" if self._exp == "N" else "NaN") + payload
        if context is None:
            context = getcontext()
        return sign + _core.notation(self._int, self._exp, eng, context._capitals)

    def to_eng_string(self, context=None):
        return self.__str__(True, context)

    def __repr__(self):
        return "Decimal('%s')" % self.__str__()

    def __format__(self, spec, override=None):
        return _format(self, spec, override)

    # ----- conversions -----

    def __bool__(self):
        return self._is_special or self._int != 0

    def _integer_part(self):
        if self._is_special:
            if self._exp == "F":
                raise OverflowError("cannot convert Infinity to integer")
            raise ValueError("cannot convert NaN to integer")
        if self._exp >= 0:
            magnitude = self._int * 10**self._exp
        else:
            magnitude = self._int // 10**-self._exp
        return -magnitude if self._sign else magnitude

    def __int__(self):
        return self._integer_part()

    __trunc__ = __int__

    def __float__(self):
        if self._exp == "N":
            raise ValueError("cannot convert signaling NaN to float")
        if self._exp == "n":
            return float("-nan") if self._sign else float("nan")
        return float(str(self))

    def __complex__(self):
        return complex(float(self))

    def __floor__(self):
        return int(self.to_integral_value(ROUND_FLOOR))

    def __ceil__(self):
        return int(self.to_integral_value(ROUND_CEILING))

    def __round__(self, n=None):
        if n is None:
            return int(self.to_integral_value(ROUND_HALF_EVEN)) if not self._is_special \
                else self._integer_part()
        if not isinstance(n, int):
            raise TypeError("optional arg must be an integer")
        return self.quantize(_make(0, 1, -n))

    def __hash__(self):
        if self._is_special:
            if self._exp == "N":
                raise TypeError("Cannot hash a signaling NaN value")
            if self._exp == "n":
                return object.__hash__(self)
            return -_HASH_INF if self._sign else _HASH_INF
        if self._exp >= 0:
            scale = pow(10, self._exp, _HASH_MODULUS)
        else:
            scale = pow(_HASH_TEN_INVERSE, -self._exp, _HASH_MODULUS)
        result = self._int % _HASH_MODULUS * scale % _HASH_MODULUS
        if self._sign:
            result = -result
        return -2 if result == -1 else result

    def __reduce__(self):
        return (type(self), (str(self),))

    def __copy__(self):
        return self if type(self) is Decimal else type(self)(self)

    def __deepcopy__(self, memo):
        return self.__copy__()

    # ----- comparisons -----

    def _comparable(self, other, ordering):
        """`other` as a Decimal to compare with, None for NotImplemented. Floats raise
        FloatOperation (trapped only for <, <=, >, >=); a Fraction is compared exactly by
        scaling this number by its denominator."""
        if isinstance(other, Decimal):
            return self, other
        if isinstance(other, int):
            return self, _make(1 if other < 0 else 0, abs(int(other)), 0)
        if isinstance(other, complex) and not ordering:
            if other.imag != 0:
                return None
            other = other.real
        if isinstance(other, float):
            context = getcontext()
            if ordering:
                context._signal(((FloatOperation, FloatOperation),))
            else:
                dict.__setitem__(context.flags, FloatOperation, True)
            return self, _from_float(other)
        if isinstance(other, _numbers.Rational):
            numerator, denominator = other.numerator, other.denominator
            scaled = self if self._is_special else _make(self._sign, self._int * denominator,
                                                         self._exp)
            return scaled, _make(1 if numerator < 0 else 0, abs(numerator), 0)
        return None

    def __eq__(self, other):
        pair = self._comparable(other, False)
        if pair is None:
            return NotImplemented
        a, b = pair
        if a._is_special or b._is_special:
            if a._exp == "N" or b._exp == "N":
                getcontext()._signal(((InvalidOperation, InvalidOperation),))
                return False
            if a._exp == "n" or b._exp == "n":
                return False
        return _compare(a, b) == 0

    def _order(self, other):
        """-1, 0 or 1, None for NotImplemented, or False when a NaN makes it unordered."""
        pair = self._comparable(other, True)
        if pair is None:
            return None
        a, b = pair
        if (a._is_special and a._exp != "F") or (b._is_special and b._exp != "F"):
            getcontext()._signal(((InvalidOperation, InvalidOperation),))
            return False
        return _compare(a, b)

    def __lt__(self, other):
        order = self._order(other)
        return NotImplemented if order is None else (order is not False and order < 0)

    def __le__(self, other):
        order = self._order(other)
        return NotImplemented if order is None else (order is not False and order <= 0)

    def __gt__(self, other):
        order = self._order(other)
        return NotImplemented if order is None else (order is not False and order > 0)

    def __ge__(self, other):
        order = self._order(other)
        return NotImplemented if order is None else (order is not False and order >= 0)

    def compare(self, other, context=None):
        context = context or _current() or getcontext()
        other = _convert_strict(other)
        nan = _nan_operands(self, other, context)
        if nan is not None:
            return nan
        order = _compare(self, other)
        return _make(1 if order < 0 else 0, abs(order), 0)

    def compare_signal(self, other, context=None):
        context = context or _current() or getcontext()
        other = _convert_strict(other)
        if self.is_nan() or other.is_nan():
            return context._invalid()
        return self.compare(other, context)

    def compare_total(self, other, context=None):
        order = _total_compare(self, _convert_strict(other))
        return _make(1 if order < 0 else 0, abs(order), 0)

    def compare_total_mag(self, other, context=None):
        return self.copy_abs().compare_total(_convert_strict(other).copy_abs())

    def _extreme(self, other, context, choose_larger, by_magnitude):
        context = context or _current() or getcontext()
        other = _convert_strict(other)
        # A quiet NaN loses to a number; a signaling one is an invalid operation.
        if self._exp == "N" or other._exp == "N":
            return _nan_operands(self, other, context)
        if self._exp == "n" and other._exp != "n":
            return _finish_value(other, context)
        if other._exp == "n" and self._exp != "n":
            return _finish_value(self, context)
        if self._exp == "n":
            return self
        a = self.copy_abs() if by_magnitude else self
        b = other.copy_abs() if by_magnitude else other
        order = _compare(a, b)
        if order == 0:
            order = _compare(self, other) if by_magnitude else 0
        if order == 0:
            # Equal values: the total ordering breaks the tie (sign, then exponent).
            order = _total_compare(self, other)
        larger = self if order > 0 else other
        smaller = other if order > 0 else self
        return _finish_value(larger if choose_larger else smaller, context)

    def max(self, other, context=None):
        return self._extreme(other, context, True, False)

    def min(self, other, context=None):
        return self._extreme(other, context, False, False)

    def max_mag(self, other, context=None):
        return self._extreme(other, context, True, True)

    def min_mag(self, other, context=None):
        return self._extreme(other, context, False, True)

    # ----- arithmetic -----

    def __add__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _add(self, other, other._sign, context or _current() or getcontext())

    def __radd__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _add(other, self, self._sign, context or _current() or getcontext())

    def __sub__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _add(self, other, other._sign ^ 1, context or _current() or getcontext())

    def __rsub__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _add(other, self, self._sign ^ 1, context or _current() or getcontext())

    def __mul__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _multiply(self, other, context or _current() or getcontext())

    def __rmul__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _multiply(other, self, context or _current() or getcontext())

    def __truediv__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divide(self, other, context or _current() or getcontext())

    def __rtruediv__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divide(other, self, context or _current() or getcontext())

    def __floordiv__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divmod(self, other, context or _current() or getcontext(), 0)[0]

    def __rfloordiv__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divmod(other, self, context or _current() or getcontext(), 0)[0]

    def __mod__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divmod(self, other, context or _current() or getcontext(), 1)[1]

    def __rmod__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divmod(other, self, context or _current() or getcontext(), 1)[1]

    def __divmod__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divmod(self, other, context or _current() or getcontext())

    def __rdivmod__(self, other, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _divmod(other, self, context or _current() or getcontext())

    def __pow__(self, other, modulo=None, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        if modulo is not None:
            return _power_modulo(self, other, _convert_strict(modulo), context or _current() or getcontext())
        return _power(self, other, context or _current() or getcontext())

    def __rpow__(self, other, modulo=None, context=None):
        if type(other) is not Decimal:
            other = _convert(other)
            if other is None:
                return NotImplemented
        return _power(other, self, context or _current() or getcontext())

    def __neg__(self, context=None):
        context = context or _current() or getcontext()
        if self._is_special:
            return _nan_operands(self, None, context) or _make(self._sign ^ 1, 0, "F", True)
        sign = self._sign ^ 1
        if self._int == 0 and context._rounding != ROUND_FLOOR:
            sign = 0
        return _finish(sign, self._int, self._exp, context)

    def __pos__(self, context=None):
        context = context or _current() or getcontext()
        if self._is_special:
            return _nan_operands(self, None, context) or self
        sign = self._sign
        if self._int == 0 and context._rounding != ROUND_FLOOR:
            sign = 0
        return _finish(sign, self._int, self._exp, context)

    def __abs__(self, round=True, context=None):
        context = context or _current() or getcontext()
        if self._sign:
            return self.__neg__(context)
        return self.__pos__(context)

    def copy_abs(self):
        return _make(0, self._int, self._exp, self._is_special)

    def copy_negate(self):
        return _make(self._sign ^ 1, self._int, self._exp, self._is_special)

    def copy_sign(self, other, context=None):
        other = _convert_strict(other)
        return _make(other._sign, self._int, self._exp, self._is_special)

    def fma(self, other, third, context=None):
        context = context or _current() or getcontext()
        other = _convert_strict(other)
        third = _convert_strict(third)
        if self._is_special or other._is_special:
            if self._exp == "N" or other._exp == "N" or third._exp == "N":
                return _nan_operands(self, other, context) or _nan_operands(third, None, context)
            product = _multiply(self, other, context)
        else:
            product = _make(self._sign ^ other._sign, self._int * other._int,
                            self._exp + other._exp)
        return _add(product, third, third._sign, context)

    def remainder_near(self, other, context=None):
        context = context or _current() or getcontext()
        other = _convert_strict(other)
        return _remainder_near(self, other, context)

    # ----- rounding and exponents -----

    def quantize(self, exp, rounding=None, context=None):
        context = context or _current() or getcontext()
        if type(exp) is not Decimal:
            exp = _convert_strict(exp)
        if rounding is None:
            rounding = context._rounding
        elif rounding not in _ROUNDINGS:
            raise TypeError(_ROUNDING_MESSAGE)
        return _quantize(self, exp, rounding, context)

    def to_integral_value(self, rounding=None, context=None):
        context = context or _current() or getcontext()
        if rounding is None:
            rounding = context._rounding
        elif rounding not in _ROUNDINGS:
            raise TypeError(_ROUNDING_MESSAGE)
        if self._is_special:
            return _nan_operands(self, None, context) or self
        if self._exp >= 0:
            return self
        coefficient, _ = _core.round_off(self._int, -self._exp, rounding, self._sign)
        return _make(self._sign, coefficient, 0)

    to_integral = to_integral_value

    def to_integral_exact(self, rounding=None, context=None):
        context = context or _current() or getcontext()
        if rounding is None:
            rounding = context._rounding
        elif rounding not in _ROUNDINGS:
            raise TypeError(_ROUNDING_MESSAGE)
        if self._is_special:
            return _nan_operands(self, None, context) or self
        if self._exp >= 0:
            return self
        coefficient, inexact = _core.round_off(self._int, -self._exp, rounding, self._sign)
        if inexact:
            context._signal(((Inexact, Inexact), (Rounded, Rounded)))
        elif self._int:
            context._signal(((Rounded, Rounded),))
        return _make(self._sign, coefficient, 0)

    def normalize(self, context=None):
        context = context or _current() or getcontext()
        if self._is_special:
            return _nan_operands(self, None, context) or self
        result = _finish(self._sign, self._int, self._exp, context)
        if result._is_special or result._int == 0:
            return _make(result._sign, 0, 0) if not result._is_special else result
        coefficient, exponent = result._int, result._exp
        top = context._Emax - context._prec + 1 if context._clamp else context._Emax
        while coefficient % 10 == 0 and exponent < top:
            coefficient //= 10
            exponent += 1
        return _make(result._sign, coefficient, exponent)

    def scaleb(self, other, context=None):
        context = context or _current() or getcontext()
        other = _convert_strict(other)
        nan = _nan_operands(self, other, context)
        if nan is not None:
            return nan
        if other._is_special or other._exp != 0:
            return context._invalid()
        limit = 2 * (context._Emax + context._prec)
        shift = other._integer_part()
        if not -limit <= shift <= limit:
            return context._invalid()
        if self._is_special:
            return self
        return _finish(self._sign, self._int, self._exp + shift, context)

    def logb(self, context=None):
        context = context or _current() or getcontext()
        if self._is_special:
            return _nan_operands(self, None, context) or _make(0, 0, "F", True)
        if self._int == 0:
            context._signal(((DivisionByZero, DivisionByZero),))
            return _make(1, 0, "F", True)
        return _finish_value(Decimal(self.adjusted()), context)

    def shift(self, other, context=None):
        return _shift_digits(self, _convert_strict(other), context or _current() or getcontext(), False)

    def rotate(self, other, context=None):
        return _shift_digits(self, _convert_strict(other), context or _current() or getcontext(), True)

    def next_plus(self, context=None):
        return _next(self, context or _current() or getcontext(), ROUND_CEILING, 1)

    def next_minus(self, context=None):
        return _next(self, context or _current() or getcontext(), ROUND_FLOOR, -1)

    def next_toward(self, other, context=None):
        context = context or _current() or getcontext()
        other = _convert_strict(other)
        nan = _nan_operands(self, other, context)
        if nan is not None:
            return nan
        order = _compare(self, other)
        if order == 0:
            return self.copy_sign(other)
        result = self.next_plus(context) if order < 0 else self.next_minus(context)
        if result._exp == "F":
            context._signal(((Overflow, Overflow), (Inexact, Inexact), (Rounded, Rounded)))
        elif result._int and result.adjusted() < context._Emin:
            context._signal(((Underflow, Underflow), (Subnormal, Subnormal),
                             (Inexact, Inexact), (Rounded, Rounded)))
        return result

    # ----- functions -----

    def sqrt(self, context=None):
        return _sqrt(self, context or _current() or getcontext())

    def exp(self, context=None):
        return _exp(self, context or _current() or getcontext())

    def ln(self, context=None):
        return _ln(self, context or _current() or getcontext())

    def log10(self, context=None):
        return _log10(self, context or _current() or getcontext())

    def logical_and(self, other, context=None):
        return _logical(self, other, context or _current() or getcontext(), lambda a, b: a & b)

    def logical_or(self, other, context=None):
        return _logical(self, other, context or _current() or getcontext(), lambda a, b: a | b)

    def logical_xor(self, other, context=None):
        return _logical(self, other, context or _current() or getcontext(), lambda a, b: a ^ b)

    def logical_invert(self, context=None):
        context = context or _current() or getcontext()
        return _logical(self, _make(0, int("1" * context._prec), 0), context,
                        lambda a, b: a ^ b)


_numbers.Number.register(Decimal)
_NAN = _make(0, 0, "n", True)
_ONE = _make(0, 1, 0)


# ----- operations -----------------------------------------------------------------------------

_digits = _core.digits


def _nan_operands(a, b, context):
    """The result when an operand is a NaN (a signaling one is an invalid operation and
    gives its quiet twin), else None."""
    if a._exp == "N" or (b is not None and b._exp == "N"):
        source = a if a._exp == "N" else b
        context._signal(((InvalidOperation, InvalidOperation),))
        return _make(source._sign, source._int, "n", True)
    if a._exp == "n":
        return a
    if b is not None and b._exp == "n":
        return b
    return None


def _finish_value(d, context):
    if d._is_special:
        return d
    return _finish(d._sign, d._int, d._exp, context)


def _compare(a, b):
    """-1, 0 or 1 as a < b, a == b, a > b, for numbers and infinities (not NaNs)."""
    if a._is_special or b._is_special:
        rank_a = (-1 if a._sign else 1) if a._is_special else 0
        rank_b = (-1 if b._sign else 1) if b._is_special else 0
        if rank_a == rank_b == 0:
            pass
        else:
            if rank_a == 0:
                return -rank_b
            if rank_b == 0:
                return rank_a
            return (rank_a > rank_b) - (rank_a < rank_b)
    if a._int == 0:
        if b._int == 0:
            return 0
        return 1 if b._sign else -1
    if b._int == 0:
        return -1 if a._sign else 1
    if a._sign != b._sign:
        return -1 if a._sign else 1
    if a._exp == b._exp:
        order = (a._int > b._int) - (a._int < b._int)
        return -order if a._sign else order
    adjusted_a = a._exp + _digits(a._int)
    adjusted_b = b._exp + _digits(b._int)
    if adjusted_a != adjusted_b:
        order = 1 if adjusted_a > adjusted_b else -1
    else:
        ca, cb = a._int, b._int
        if a._exp > b._exp:
            ca *= 10**(a._exp - b._exp)
        elif b._exp > a._exp:
            cb *= 10**(b._exp - a._exp)
        order = (ca > cb) - (ca < cb)
    return -order if a._sign else order


def _total_compare(a, b):
    """The specification's total ordering: -NaN < -sNaN < -Infinity < numbers < Infinity <
    sNaN < NaN, and equal numbers by exponent."""
    if a._sign != b._sign:
        return -1 if a._sign else 1
    rank = {"F": 1, "N": 2, "n": 3}
    rank_a = rank[a._exp] if a._is_special else 0
    rank_b = rank[b._exp] if b._is_special else 0
    if rank_a != rank_b:
        order = (rank_a > rank_b) - (rank_a < rank_b)
    elif rank_a >= 2:
        order = (a._int > b._int) - (a._int < b._int)
    elif rank_a == 1:
        order = 0
    else:
        order = _compare(a.copy_abs(), b.copy_abs())
        if order == 0:
            order = (a._exp > b._exp) - (a._exp < b._exp)
    return -order if a._sign else order


def _add(a, b, b_sign, context):
    """a + b where b counts with sign `b_sign` (so that a - b is one addition)."""
    if a._is_special or b._is_special:
        nan = _nan_operands(a, b, context)
        if nan is not None:
            return nan
        if a._exp == "F":
            if b._exp == "F" and b_sign != a._sign:
                return context._invalid()
            return a
        return _make(b_sign, 0, "F", True)
    # Name the operands by exponent: `high` has the larger one.
    if a._exp >= b._exp:
        high_sign, high, high_exp, low_sign, low, low_exp = a._sign, a._int, a._exp, b_sign, b._int, b._exp
    else:
        high_sign, high, high_exp, low_sign, low, low_exp = b_sign, b._int, b._exp, a._sign, a._int, a._exp
    gap = high_exp - low_exp
    if gap and high:
        prec = context._prec
        high_digits = _digits(high)
        if low == 0:
            # Padding `high` with more zeros than the precision keeps only rounds them off.
            if high_digits + gap > prec + 1:
                gap = max(prec + 1 - high_digits, 0)
                low_exp = high_exp - gap
        else:
            # A `low` wholly below every digit the rounded sum can keep (and the digit that
            # decides its rounding) only matters by its sign: a single unit stands for it.
            floor = min(high_exp, high_exp + high_digits - 1 - prec) - 1
            if low_exp + _digits(low) - 1 < floor:
                low, low_exp = 1, floor - 1
                gap = high_exp - low_exp
        high *= 10**gap
    total = (low if not low_sign else -low) + (high if not high_sign else -high)
    if total == 0:
        if context._rounding == ROUND_FLOOR:
            sign = high_sign | low_sign
        else:
            sign = high_sign & low_sign
        return _finish(sign, 0, low_exp, context)
    if total < 0:
        return _finish(1, -total, low_exp, context)
    return _finish(0, total, low_exp, context)


def _multiply(a, b, context):
    sign = a._sign ^ b._sign
    if a._is_special or b._is_special:
        nan = _nan_operands(a, b, context)
        if nan is not None:
            return nan
        if (not a._is_special and a._int == 0) or (not b._is_special and b._int == 0):
            return context._invalid()
        return _make(sign, 0, "F", True)
    return _finish(sign, a._int * b._int, a._exp + b._exp, context)


def _divide(a, b, context):
    sign = a._sign ^ b._sign
    if a._is_special or b._is_special:
        nan = _nan_operands(a, b, context)
        if nan is not None:
            return nan
        if a._exp == "F":
            if b._exp == "F":
                return context._invalid()
            return _make(sign, 0, "F", True)
        return _finish(sign, 0, context._Emin - context._prec, context)
    if b._int == 0:
        if a._int == 0:
            return context._invalid(DivisionUndefined)
        context._signal(((DivisionByZero, DivisionByZero),))
        return _make(sign, 0, "F", True)
    coefficient, exponent = _core.divide(a._int, a._exp, b._int, b._exp, context._prec)
    return _finish(sign, coefficient, exponent, context)


def _divmod(a, b, context, want=2):
    """(a // b, a % b) with the quotient truncated toward zero; `want` 0 or 1 asks for one
    of them only (their signals differ: x // 0 divides by zero, x % 0 is invalid)."""
    sign = a._sign ^ b._sign
    if a._is_special or b._is_special:
        nan = _nan_operands(a, b, context)
        if nan is not None:
            return nan, nan
        if a._exp == "F":
            if b._exp == "F":
                nan = context._invalid()
                return nan, nan
            quotient = _make(sign, 0, "F", True)
            if want == 0:
                return quotient, None
            return quotient, context._invalid()
        return _make(sign, 0, 0), (_finish_value(a, context) if want != 0 else None)
    if b._int == 0:
        if a._int == 0:
            nan = context._invalid(DivisionUndefined)
            return nan, nan
        if want == 0:
            context._signal(((DivisionByZero, DivisionByZero),))
            return _make(sign, 0, "F", True), None
        if want == 1:
            return None, context._invalid()
        context._signal(((InvalidOperation, InvalidOperation), (DivisionByZero, DivisionByZero)))
        return _make(sign, 0, "F", True), _NAN
    exponent = min(a._exp, b._exp)
    if a._int == 0 or a.adjusted() < b.adjusted():
        quotient, remainder = 0, a._int * 10**(a._exp - exponent)
    elif a.adjusted() - b.adjusted() > context._prec:
        nan = context._invalid(DivisionImpossible)
        return nan, nan
    else:
        quotient, remainder = divmod(a._int * 10**(a._exp - exponent),
                                     b._int * 10**(b._exp - exponent))
        if _digits(quotient) > context._prec:
            nan = context._invalid(DivisionImpossible)
            return nan, nan
    # Only the halves asked for are rounded: their signals are not the same.
    return (_finish(sign, quotient, 0, context) if want != 1 else None,
            _finish(a._sign, remainder, exponent, context) if want != 0 else None)


def _quantize(a, target, rounding, context):
    if a._is_special or target._is_special:
        nan = _nan_operands(a, target, context)
        if nan is not None:
            return nan
        if a._exp == "F" and target._exp == "F":
            return a
        return context._invalid()
    exponent = target._exp
    if exponent > context._Emax or exponent < context._Emin - context._prec + 1:
        return context._invalid()
    if a._int == 0:
        return _make(a._sign, 0, exponent)
    if a._exp >= exponent:
        if _digits(a._int) + a._exp - exponent > context._prec:
            return context._invalid()
        return _make(a._sign, a._int * 10**(a._exp - exponent), exponent)
    coefficient, inexact = _core.round_off(a._int, exponent - a._exp, rounding, a._sign)
    if coefficient >= context._unchanged[0]:
        return context._invalid()
    result = _make(a._sign, coefficient, exponent)
    conditions = []
    if coefficient and result.adjusted() < context._Emin:
        if inexact:
            conditions.append((Underflow, Underflow))
        conditions.append((Subnormal, Subnormal))
    if inexact:
        conditions.append((Inexact, Inexact))
    conditions.append((Rounded, Rounded))
    context._signal(conditions)
    return result


# The less common operations live apart (the module would be too long for one file).
from _decimal_functions import (_exp, _format, _ln, _log10, _logical, _next, _power,
                                _power_modulo, _remainder_near, _shift_digits, _sqrt)
