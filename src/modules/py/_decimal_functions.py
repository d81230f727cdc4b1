"""The less common half of `decimal` (see decimal.py, which imports this at its end):
square roots, exponentials, logarithms and powers (correctly rounded), format(), and the
operations on digits (shift, rotate, logical operations, next_plus/next_minus).
"""

from decimal import (ROUND_HALF_EVEN, _ONE, _SIGNALS, Context, Decimal, DivisionImpossible,
                     DivisionUndefined, Inexact, Rounded, _add, _compare, _convert_strict, _core,
                     _digits, _divide, _finish, _finish_value, _fit, _make, _nan_operands,
                     getcontext)


# ----- operations on digits -------------------------------------------------------------------

def _remainder_near(a, b, context):
    nan = _nan_operands(a, b, context)
    if nan is not None:
        return nan
    if a._exp == "F" or (not b._is_special and b._int == 0):
        if not a._is_special and a._int == 0:
            return context._invalid(DivisionUndefined)
        return context._invalid()
    if b._exp == "F":
        return _finish_value(a, context)
    exponent = min(a._exp, b._exp)
    if a._int and a.adjusted() - b.adjusted() > context._prec:
        return context._invalid(DivisionImpossible)
    divisor = b._int * 10**(b._exp - exponent)
    quotient, remainder = divmod(a._int * 10**(a._exp - exponent), divisor)
    sign = a._sign
    if 2 * remainder > divisor or (2 * remainder == divisor and quotient % 2):
        remainder = divisor - remainder
        quotient += 1
        sign ^= 1
    if _digits(quotient) > context._prec:
        return context._invalid(DivisionImpossible)
    return _finish(sign, remainder, exponent, context)


def _next(a, context, rounding, direction):
    if a._is_special:
        nan = _nan_operands(a, None, context)
        if nan is not None:
            return nan
        if (a._sign == 0) == (direction > 0):
            return a
        return _make(a._sign, 10**context._prec - 1, context._Emax - context._prec + 1)
    work = context.copy()
    work.rounding = rounding
    work.clear_traps()
    tiny_sign = 0 if direction > 0 else 1
    return _add(a, _make(tiny_sign, 1, context._Emin - context._prec - 1), tiny_sign, work)


def _shift_digits(a, other, context, rotate):
    nan = _nan_operands(a, other, context)
    if nan is not None:
        return nan
    prec = context._prec
    if other._is_special or other._exp != 0 or not -prec <= other._integer_part() <= prec:
        return context._invalid()
    if a._is_special:
        return a
    places = other._integer_part()
    digits = str(a._int).rjust(prec, "0")[-prec:]
    if rotate:
        places %= prec
        digits = digits[places:] + digits[:places]
    elif places >= 0:
        digits = (digits + "0" * places)[-prec:]
    else:
        digits = ("0" * -places + digits)[:prec]
    return _make(a._sign, int(digits), a._exp)


def _logical(a, b, context, combine):
    b = _convert_strict(b)
    prec = context._prec
    operands = []
    for d in (a, b):
        if d._is_special or d._sign or d._exp != 0 or set(str(d._int)) - {"0", "1"}:
            return context._invalid()
        operands.append(str(d._int).rjust(prec, "0")[-prec:])
    digits = "".join(str(combine(int(x), int(y))) for x, y in zip(*operands))
    return _make(0, int(digits), 0)


# ----- square root, exponentials and logarithms -----------------------------------------------

def _half_even(context):
    """A copy of `context` rounding half-even, as sqrt, exp, ln and log10 always round; the
    signals it raises are copied back by `_settle`."""
    work = context.copy()
    work.rounding = ROUND_HALF_EVEN
    work.clear_flags()
    work.clear_traps()
    return work


def _settle(work, context, result):
    context._signal([(s, s) for s in _SIGNALS if work.flags[s]])
    return result


def _sqrt(a, context):
    if a._is_special:
        nan = _nan_operands(a, None, context)
        if nan is not None:
            return nan
        return context._invalid() if a._sign else a
    ideal = a._exp // 2
    if a._int == 0:
        return _finish(a._sign, 0, ideal, context)
    if a._sign:
        return context._invalid()
    prec = context._prec
    # Scale the coefficient to an even exponent and enough digits for prec + 1 digits of root.
    shift = max(2 * prec + 2 - _digits(a._int), 0)
    if (a._exp - shift) % 2:
        shift += 1
    scaled = a._int * 10**shift
    root = _core.isqrt(scaled)
    exponent = (a._exp - shift) // 2
    if root * root == scaled:
        while exponent < ideal and root % 10 == 0:
            root //= 10
            exponent += 1
    elif root % 5 == 0:
        # Not exact: keep the discarded part visible to rounding.
        root += 1
    work = _half_even(context)
    return _settle(work, context, _finish(0, root, exponent, work))


def _scaled(a, places):
    """The finite `a` as an int scaled by 10**places (truncated toward zero)."""
    shift = a._exp + places
    magnitude = a._int * 10**shift if shift >= 0 else a._int // 10**-shift
    return -magnitude if a._sign else magnitude


def _ln_fixed(coefficient, exponent, places):
    """ln(coefficient·10**exponent)·10**places, within a few units."""
    digits = _digits(coefficient)
    guard = places + 10
    one = 10**guard
    # coefficient·10**exponent = m·10**n with 1 <= m < 10.
    n = exponent + digits - 1
    m = coefficient * one // 10**(digits - 1)
    total = _ln_reduced(m, guard)
    if n:
        total += n * _ln10_fixed(guard + len(str(abs(n))))// 10**len(str(abs(n)))
    return total // 10**10


def _ln_reduced(m, guard):
    """ln(m / 10**guard) · 10**guard for 1 <= m/10**guard <= 10."""
    one = 10**guard
    halvings = 0
    # Square roots bring m near one, where the series converges fast.
    while m > one + one // 10:
        m = _core.isqrt(m * one)
        halvings += 1
    z = (m - one) * one // (m + one)
    z_squared = z * z // one
    total = 0
    term = z
    k = 1
    while term:
        total += term // k
        term = term * z_squared // one
        k += 2
    return 2 * total << halvings


_LN10_CACHE = [0, 0]


def _ln10_fixed(places):
    if _LN10_CACHE[0] >= places:
        return _LN10_CACHE[1] // 10**(_LN10_CACHE[0] - places)
    guard = places + 10
    value = _ln_reduced(10 * 10**guard, guard) // 10**10
    _LN10_CACHE[0] = places
    _LN10_CACHE[1] = value
    return value


def _exp_fixed(x, places):
    """exp(x / 10**places) as (m, n): m·10**(n - places), within a few units of m."""
    guard = places + 10
    one = 10**guard
    # exp(x) = 10**n · exp(r) with 0 <= r < ln 10; ln 10 to as many more places as n has
    # digits keeps r exact to the guard places.
    extra = len(str(abs(x) // 10**places)) + 2
    x *= 10**(10 + extra)
    ln10 = _ln10_fixed(guard + extra)
    n = x // ln10
    r = (x - n * ln10) // 10**extra
    # exp(r) for 0 <= r < ln 10: halve r until small, sum the series, square back.
    halvings = 8
    r >>= halvings
    total = one
    term = one
    k = 1
    while term:
        term = term * r // (one * k)
        total += term
        k += 1
    for _ in range(halvings):
        total = total * total // one
    return total // 10**10, n


def _correctly_rounded(sign, approximate, context, error=100):
    """Fit `approximate(places)` — (m, n) for the value m·10**(n - places) with m within
    `error` units — to `context`, adding places until both ends of the error round alike.
    The value is known to be inexact."""
    places = context._prec + 10
    while True:
        m, n = approximate(places)
        low = _fit(sign, m - error, n - places, context._prec, ROUND_HALF_EVEN, context._Emin,
                   context._Emax, context._clamp)
        high = _fit(sign, m + error, n - places, context._prec, ROUND_HALF_EVEN,
                    context._Emin, context._Emax, context._clamp)
        if low[:2] == high[:2] and m > error:
            coefficient, exponent, bits = low
            context._fit_flags(bits | 6)
            if exponent is None:
                return _make(sign, 0, "F", True)
            return _make(sign, coefficient, exponent)
        places += context._prec + 10


def _exp(a, context):
    if a._is_special:
        nan = _nan_operands(a, None, context)
        if nan is not None:
            return nan
        return _make(0, 0, 0) if a._sign else a
    if a._int == 0:
        return _make(0, 1, 0)
    prec = context._prec
    limit = _digits(max(context._Emax, prec - context._Emin)) + 1
    work = _half_even(context)
    if a.adjusted() >= limit:
        # Far beyond the exponent range: overflow, or underflow to zero.
        if a._sign:
            return _settle(work, context, _finish(0, 1, context._Emin - prec - 1, work))
        return _settle(work, context, _finish(0, 1, context._Emax + 1, work))
    if a.adjusted() < -(prec + 2):
        # exp(a) = 1 + a + ..., and a lies below the last digit that can be kept.
        nudge = -1 if a._sign else 1
        return _settle(work, context, _finish(0, 10**(prec + 2) + nudge, -(prec + 2), work))
    return _correctly_rounded(0, lambda places: _exp_fixed(_scaled(a, places), places), context)


def _ln(a, context):
    if a._is_special:
        nan = _nan_operands(a, None, context)
        if nan is not None:
            return nan
        return context._invalid() if a._sign else a
    if a._int == 0:
        return _make(1, 0, "F", True)
    if a._sign:
        return context._invalid()
    if _compare(a, _ONE) == 0:
        return _make(0, 0, 0)

    def approximate(places):
        value = _ln_fixed(a._int, a._exp, places)
        return abs(value), 0

    return _correctly_rounded(1 if _compare(a, _ONE) < 0 else 0, approximate, context)


def _log10(a, context):
    if a._is_special:
        nan = _nan_operands(a, None, context)
        if nan is not None:
            return nan
        return context._invalid() if a._sign else a
    if a._int == 0:
        return _make(1, 0, "F", True)
    if a._sign:
        return context._invalid()
    digits = _digits(a._int)
    if a._int == 10**(digits - 1):
        # An exact power of ten: its logarithm is an integer.
        return _finish_value(Decimal(a._exp + digits - 1), context)

    def approximate(places):
        value = _ln_fixed(a._int, a._exp, places + 2) * 10**places // _ln10_fixed(places + 2)
        return abs(value), 0

    sign = 1 if a.adjusted() < 0 else 0
    return _correctly_rounded(sign, approximate, context)


def _is_integral(d):
    return not d._is_special and (d._exp >= 0 or d._int % 10**-d._exp == 0)


def _power(a, b, context):
    nan = _nan_operands(a, b, context)
    if nan is not None:
        return nan
    b_integral = _is_integral(b)
    sign = a._sign if b_integral and b._integer_part() % 2 else 0
    b_zero = not b._is_special and b._int == 0
    if a._is_special:
        if b_zero:
            return _make(0, 1, 0)
        if a._sign and not b_integral:
            return context._invalid()
        return _make(sign, 0, "F", True) if b._sign == 0 else _make(sign, 0, 0)
    if a._int == 0:
        if b_zero:
            return context._invalid()
        return _make(sign, 0, "F", True) if b._sign else _make(sign, 0, 0)
    if b._is_special:
        if a._sign:
            return context._invalid()
        order = _compare(a, _ONE)
        if order == 0:
            context._signal(((Inexact, Inexact), (Rounded, Rounded)))
            return _make(0, 10**(context._prec - 1), 1 - context._prec)
        grows = (order > 0) == (b._sign == 0)
        return _make(0, 0, "F", True) if grows else _make(0, 0, 0)
    if b_zero:
        return _make(0, 1, 0)
    if b_integral:
        n = b._integer_part()
        if abs(n) * _digits(a._int) <= 20000:
            if n > 0:
                return _finish(sign, a._int**n, a._exp * n, context)
            return _divide(_make(sign, 1, 0), _make(0, a._int**-n, a._exp * -n), context)
    elif a._sign:
        return context._invalid()
    # |a|**b = exp(b·ln|a|): first see whether that lies far outside the exponent range.
    limit = _digits(max(context._Emax, context._prec - context._Emin)) + 1
    product = _ln_fixed(a._int, a._exp, 3) * b._int
    if product and _digits(abs(product)) + b._exp - 3 > limit:
        if (product > 0) == (b._sign == 0):
            return _finish(sign, 1, context._Emax + 1, context)
        return _finish(sign, 1, context._Emin - context._prec - 1, context)
    # ln|a| is needed to as many more places as b has integer digits.
    extra = max(b.adjusted(), 0) + 2

    def approximate(places):
        exponent = _ln_fixed(a._int, a._exp, places + extra) * b._int
        exponent = exponent * 10**b._exp if b._exp >= 0 else exponent // 10**-b._exp
        if b._sign:
            exponent = -exponent
        return _exp_fixed(exponent // 10**extra, places)

    # Correctly rounded to three more digits, then rounded as the context says: an exact
    # power (4 ** 0.5) or one halfway between two results could not be told apart from
    # its neighbours by approximations alone.
    wide = context.copy()
    wide.prec = context._prec + 3
    wide.clear_traps()
    result = _correctly_rounded(sign, approximate, wide)
    if result._is_special:
        return _finish(sign, 1, context._Emax + 1, context)
    result = _finish(sign, result._int, result._exp, context)
    context._signal(((Inexact, Inexact), (Rounded, Rounded)))
    return result


def _power_modulo(a, b, modulo, context):
    if a._is_special or b._is_special or modulo._is_special:
        nan = _nan_operands(a, b, context) or _nan_operands(modulo, None, context)
        return nan if nan is not None else context._invalid()
    if not (_is_integral(a) and _is_integral(b) and _is_integral(modulo)) or b._sign or \
            modulo._int == 0 or _digits(modulo._int) + max(modulo._exp, 0) > context._prec:
        return context._invalid()
    if a._int == 0 and b._int == 0:
        return context._invalid()
    base = a._integer_part()
    result = pow(base, b._integer_part(), abs(modulo._integer_part()))
    if base < 0 and result:
        result = result - abs(modulo._integer_part())
    return _make(1 if result < 0 else 0, abs(result), 0)


# ----- format() -------------------------------------------------------------------------------

def _parse_spec(spec):
    """[[fill]align][sign][z][0][width][,][.precision][type] as a dict; ValueError otherwise."""
    if not isinstance(spec, str):
        raise TypeError("format spec must be a string")
    fields = {"fill": " ", "align": None, "sign": "-", "z": False, "zero": False,
              "width": 0, "comma": False, "precision": None, "type": None}
    i = 0
    n = len(spec)
    if n >= 2 and spec[1] in "<>=^":
        fields["fill"], fields["align"] = spec[0], spec[1]
        i = 2
    elif n >= 1 and spec[0] in "<>=^":
        fields["align"] = spec[0]
        i = 1
    if i < n and spec[i] in "+- ":
        fields["sign"] = spec[i]
        i += 1
    if i < n and spec[i] == "z":
        fields["z"] = True
        i += 1
    if i < n and spec[i] == "0":
        fields["zero"] = True
        i += 1
    start = i
    while i < n and spec[i].isdigit():
        i += 1
    if i > start:
        fields["width"] = int(spec[start:i])
    if i < n and spec[i] == ",":
        fields["comma"] = True
        i += 1
    if i < n and spec[i] == ".":
        start = i + 1
        i = start
        while i < n and spec[i].isdigit():
            i += 1
        if i == start:
            raise ValueError("invalid format string")
        fields["precision"] = int(spec[start:i])
    if i < n and spec[i] in "eEfFgGn%":
        fields["type"] = spec[i]
        i += 1
    if i != n:
        raise ValueError("invalid format string")
    return fields


def _rounded_digits(digits, exponent, keep, rounding, sign):
    """The digit string rounded to `keep` (at least one) digits, or padded with zeros."""
    if len(digits) > keep:
        coefficient, _ = _core.round_off(int(digits), len(digits) - keep, rounding, sign)
        exponent += len(digits) - keep
        digits = str(coefficient)
        if len(digits) > keep:
            digits = digits[:-1]
            exponent += 1
    elif len(digits) < keep:
        exponent -= keep - len(digits)
        digits += "0" * (keep - len(digits))
    return digits, exponent


def _plain(digits, exponent):
    if exponent >= 0:
        return "0" if digits == "0" else digits + "0" * exponent
    point = len(digits) + exponent
    if point > 0:
        return digits[:point] + "." + digits[point:]
    return "0." + "0" * -point + digits


def _exponential(digits, exponent, letter):
    adjusted = exponent + len(digits) - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return "%s%s%s%d" % (mantissa, letter, "-" if adjusted < 0 else "+", abs(adjusted))


def _group(integer, minimum_width):
    """`integer` with commas between thousands, zero-padded to at least `minimum_width`."""
    digits = integer
    while len(digits) + (len(digits) - 1) // 3 < minimum_width:
        digits = "0" + digits
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ",".join(groups)


def _format(d, spec, override=None):
    fields = _parse_spec(spec)
    context = getcontext()
    kind = fields["type"]
    precision = fields["precision"]
    negative = d._sign == 1
    if d._is_special:
        body = str(d.copy_abs()) + ("%" if kind == "%" else "")
        fields["zero"] = False
    else:
        digits = str(d._int)
        exponent = d._exp
        if kind == "%":
            exponent += 2
        rounding = context._rounding
        if precision is not None:
            if kind in ("e", "E") and d._int == 0:
                # A zero shows the digits asked for, its exponent raised to match.
                digits = "0" * (precision + 1)
            elif kind in ("e", "E"):
                digits, exponent = _rounded_digits(digits, exponent, precision + 1, rounding,
                                                   d._sign)
            elif kind in ("f", "F", "%"):
                if exponent < -precision:
                    coefficient, _ = _core.round_off(d._int, -precision - exponent, rounding,
                                                     d._sign)
                    digits = str(coefficient)
                else:
                    digits = str(int(digits + "0" * (exponent + precision)))
                exponent = -precision
            elif len(digits) > max(precision, 1):
                digits, exponent = _rounded_digits(digits, exponent, max(precision, 1),
                                                   rounding, d._sign)
        if fields["z"] and int(digits) == 0:
            negative = False
        if kind in ("e", "E"):
            body = _exponential(digits, exponent, kind)
        elif kind in ("f", "F", "%"):
            body = _plain(digits, exponent) + ("%" if kind == "%" else "")
        else:
            letter = "E" if kind == "G" or (kind is None and context._capitals) else "e"
            if exponent <= 0 and exponent + len(digits) - 1 >= -6:
                body = _plain(digits, exponent)
            else:
                body = _exponential(digits, exponent, letter)
    sign = "-" if negative else ("" if fields["sign"] == "-" else fields["sign"])
    fill, align, width = fields["fill"], fields["align"], fields["width"]
    if fields["zero"] and align is None:
        fill, align = "0", "="
    if fields["comma"] and not d._is_special:
        cut = len(body)
        for i, c in enumerate(body):
            if not c.isdigit():
                cut = i
                break
        minimum = width - len(sign) - (len(body) - cut) if fill == "0" and align == "=" else 0
        body = _group(body[:cut], minimum) + body[cut:]
    padding = width - len(sign) - len(body)
    if padding <= 0:
        return sign + body
    if align is None:
        align = ">"
    if align == "<":
        return sign + body + fill * padding
    if align == "^":
        return fill * (padding // 2) + sign + body + fill * (padding - padding // 2)
    if align == "=":
        return sign + fill * padding + body
    return fill * padding + sign + body


# Context methods: the Decimal operation on converted operands, in this context.

def _context_method(name, operation, operands, takes_context=True):
    def method(self, *args):
        if len(args) != operands:
            raise TypeError("function takes exactly %d argument%s (%d given)"
                            % (operands, "" if operands == 1 else "s", len(args)))
        converted = [_convert_strict(a) for a in args]
        if takes_context:
            return operation(*converted, context=self)
        return operation(*converted)
    method.__name__ = method.__qualname__ = name
    return method


for _name, _operation, _operands in (
        ("abs", Decimal.__abs__, 1), ("minus", Decimal.__neg__, 1),
        ("plus", Decimal.__pos__, 1), ("add", Decimal.__add__, 2),
        ("subtract", Decimal.__sub__, 2), ("multiply", Decimal.__mul__, 2),
        ("divide", Decimal.__truediv__, 2), ("divide_int", Decimal.__floordiv__, 2),
        ("remainder", Decimal.__mod__, 2), ("divmod", Decimal.__divmod__, 2),
        ("to_sci_string", Decimal.__str__, 1), ("fma", Decimal.fma, 3)):
    setattr(Context, _name, _context_method(_name, _operation, _operands))

for _name, _operands in (
        ("exp", 1), ("ln", 1), ("log10", 1), ("logb", 1), ("logical_invert", 1),
        ("next_minus", 1), ("next_plus", 1), ("normalize", 1), ("number_class", 1),
        ("sqrt", 1), ("to_eng_string", 1), ("to_integral", 1), ("to_integral_exact", 1),
        ("to_integral_value", 1), ("is_normal", 1), ("is_subnormal", 1), ("compare", 2),
        ("compare_signal", 2), ("logical_and", 2), ("logical_or", 2), ("logical_xor", 2),
        ("max", 2), ("max_mag", 2), ("min", 2), ("min_mag", 2), ("next_toward", 2),
        ("quantize", 2), ("remainder_near", 2), ("rotate", 2), ("scaleb", 2), ("shift", 2),
        ("same_quantum", 2)):
    setattr(Context, _name, _context_method(_name, getattr(Decimal, _name), _operands))

for _name, _operands in (
        ("canonical", 1), ("copy_abs", 1), ("copy_negate", 1), ("is_canonical", 1),
        ("is_finite", 1), ("is_infinite", 1), ("is_nan", 1), ("is_qnan", 1),
        ("is_signed", 1), ("is_snan", 1), ("is_zero", 1), ("compare_total", 2),
        ("compare_total_mag", 2), ("copy_sign", 2)):
    setattr(Context, _name, _context_method(_name, getattr(Decimal, _name), _operands, False))

del _name, _operation, _operands


def _context_power(self, a, b, modulo=None):
    a, b = _convert_strict(a), _convert_strict(b)
    if modulo is not None:
        return _power_modulo(a, b, _convert_strict(modulo), self)
    return _power(a, b, self)


def _context_copy_decimal(self, a):
    return _convert_strict(a)


Context.power = _context_power
Context.copy_decimal = _context_copy_decimal
