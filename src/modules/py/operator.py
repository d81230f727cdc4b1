"""The operators as functions: operator.add(a, b) is a + b, and so on.

toy's own implementation of CPython's `operator` module. Every operator is available under its
plain name and its dunder name (`add` and `__add__`); the in-place ones (`iadd`…) return the
result of the augmented assignment.
"""


# ----- comparisons and truth -------------------------------------------------------------

def lt(a, b):
    "Same as a < b."
    return a < b


def le(a, b):
    "Same as a <= b."
    return a <= b


def eq(a, b):
    "Same as a == b."
    return a == b


def ne(a, b):
    "Same as a != b."
    return a != b


def ge(a, b):
    "Same as a >= b."
    return a >= b


def gt(a, b):
    "Same as a > b."
    return a > b


def not_(a):
    "Same as not a."
    return not a


def truth(a):
    "True if a is true, False otherwise."
    return bool(a)


def is_(a, b):
    "Same as a is b."
    return a is b


def is_not(a, b):
    "Same as a is not b."
    return a is not b


# ----- arithmetic and bitwise ------------------------------------------------------------

_builtin_abs = abs


def abs(a):
    "Same as abs(a)."
    return _builtin_abs(a)


def add(a, b):
    "Same as a + b."
    return a + b


def sub(a, b):
    "Same as a - b."
    return a - b


def mul(a, b):
    "Same as a * b."
    return a * b


def matmul(a, b):
    "Same as a @ b."
    return a @ b


def truediv(a, b):
    "Same as a / b."
    return a / b


def floordiv(a, b):
    "Same as a // b."
    return a // b


def mod(a, b):
    "Same as a % b."
    return a % b


def pow(a, b):
    "Same as a ** b."
    return a ** b


def neg(a):
    "Same as -a."
    return -a


def pos(a):
    "Same as +a."
    return +a


def and_(a, b):
    "Same as a & b."
    return a & b


def or_(a, b):
    "Same as a | b."
    return a | b


def xor(a, b):
    "Same as a ^ b."
    return a ^ b


def invert(a):
    "Same as ~a."
    return ~a


inv = invert


def lshift(a, b):
    "Same as a << b."
    return a << b


def rshift(a, b):
    "Same as a >> b."
    return a >> b


def index(a):
    "Same as a.__index__()."
    if isinstance(a, int):
        return int(a)
    if not hasattr(type(a), "__index__"):
        raise TypeError(
            "'%s' object cannot be interpreted as an integer" % type(a).__name__
        )
    return a.__index__()


# ----- sequences ---------------------------------------------------------------------------

def _is_sequence(obj):
    return hasattr(obj, "__getitem__") and not isinstance(obj, dict)


def concat(a, b):
    "Same as a + b, for a and b sequences."
    if not _is_sequence(a):
        raise TypeError("'%s' object can't be concatenated" % type(a).__name__)
    return a + b


def contains(a, b):
    "Same as b in a (note reversed operands)."
    return b in a


def countOf(a, b):
    "Return the number of items in a which are, or which equal, b."
    return sum(1 for item in a if item is b or item == b)


def indexOf(a, b):
    "Return the first index of b in a."
    for position, item in enumerate(a):
        if item is b or item == b:
            return position
    raise ValueError("sequence.index(x): x not in sequence")


def getitem(a, b):
    "Same as a[b]."
    return a[b]


def setitem(a, b, c):
    "Same as a[b] = c."
    a[b] = c


def delitem(a, b):
    "Same as del a[b]."
    del a[b]


def length_hint(obj, default=0):
    """Return an estimate of the number of items in obj: len(obj) when it has a length,
    else its __length_hint__(), else default."""
    if not isinstance(default, int):
        raise TypeError(
            "'%s' object cannot be interpreted as an integer" % type(default).__name__
        )
    try:
        return len(obj)
    except TypeError:
        pass
    hint = getattr(type(obj), "__length_hint__", None)
    if hint is None:
        return default
    value = hint(obj)
    if value is NotImplemented:
        return default
    if not isinstance(value, int):
        raise TypeError("__length_hint__ must be integer, not %s" % type(value).__name__)
    if value < 0:
        raise ValueError("__length_hint__() should return >= 0")
    return value


def call(obj, /, *args, **kwargs):
    "Same as obj(*args, **kwargs)."
    return obj(*args, **kwargs)


# ----- in-place operators: the value an augmented assignment would bind --------------------

def iadd(a, b):
    "Same as a += b."
    a += b
    return a


def isub(a, b):
    "Same as a -= b."
    a -= b
    return a


def imul(a, b):
    "Same as a *= b."
    a *= b
    return a


def imatmul(a, b):
    "Same as a @= b."
    a @= b
    return a


def itruediv(a, b):
    "Same as a /= b."
    a /= b
    return a


def ifloordiv(a, b):
    "Same as a //= b."
    a //= b
    return a


def imod(a, b):
    "Same as a %= b."
    a %= b
    return a


def ipow(a, b):
    "Same as a **= b."
    a **= b
    return a


def iand(a, b):
    "Same as a &= b."
    a &= b
    return a


def ior(a, b):
    "Same as a |= b."
    a |= b
    return a


def ixor(a, b):
    "Same as a ^= b."
    a ^= b
    return a


def ilshift(a, b):
    "Same as a <<= b."
    a <<= b
    return a


def irshift(a, b):
    "Same as a >>= b."
    a >>= b
    return a


def iconcat(a, b):
    "Same as a += b, for a and b sequences."
    if not _is_sequence(a):
        raise TypeError("'%s' object can't be concatenated" % type(a).__name__)
    a += b
    return a


# ----- callables that fetch ------------------------------------------------------------------

def _repr_args(args, kwargs=()):
    parts = [repr(a) for a in args]
    parts += ["%s=%r" % item for item in kwargs]
    return ", ".join(parts)


class attrgetter:
    """attrgetter('name') fetches obj.name; several names give a tuple; dotted names
    ('boss.name') follow attributes in turn."""

    __slots__ = ("_paths", "_names")

    def __init__(self, attr, *attrs):
        names = (attr,) + attrs
        for name in names:
            if not isinstance(name, str):
                raise TypeError("attribute name must be a string")
        self._names = names
        self._paths = [name.split(".") for name in names]

    def _fetch(self, obj, path):
        for part in path:
            obj = getattr(obj, part)
        return obj

    def __call__(self, obj):
        if len(self._paths) == 1:
            return self._fetch(obj, self._paths[0])
        return tuple(self._fetch(obj, path) for path in self._paths)

    def __reduce__(self):
        return type(self), self._names

    def __repr__(self):
        return "operator.attrgetter(%s)" % _repr_args(self._names)


class itemgetter:
    """itemgetter(k) fetches obj[k]; several keys give a tuple."""

    __slots__ = ("_keys",)

    def __init__(self, item, *items):
        self._keys = (item,) + items

    def __call__(self, obj):
        if len(self._keys) == 1:
            return obj[self._keys[0]]
        return tuple(obj[key] for key in self._keys)

    def __reduce__(self):
        return type(self), self._keys

    def __repr__(self):
        return "operator.itemgetter(%s)" % _repr_args(self._keys)


class methodcaller:
    """methodcaller('name', *args, **kwargs) calls obj.name(*args, **kwargs)."""

    __slots__ = ("_name", "_args", "_kwargs")

    def __init__(self, name, /, *args, **kwargs):
        if not isinstance(name, str):
            raise TypeError("method name must be a string")
        self._name = name
        self._args = args
        self._kwargs = kwargs

    def __call__(self, obj):
        return getattr(obj, self._name)(*self._args, **self._kwargs)

    def __reduce__(self):
        if not self._kwargs:
            return type(self), (self._name,) + self._args
        # Keyword arguments ride on a partial, as in CPython.
        from functools import partial

        return partial(type(self), self._name, **self._kwargs), self._args

    def __repr__(self):
        return "operator.methodcaller(%s)" % _repr_args(
            (self._name,) + self._args, self._kwargs.items()
        )


# ----- the dunder names ------------------------------------------------------------------------

for _name in [
    "lt", "le", "eq", "ne", "ge", "gt", "not", "abs", "add", "sub", "mul", "matmul",
    "truediv", "floordiv", "mod", "pow", "neg", "pos", "and", "or", "xor", "invert",
    "inv", "lshift", "rshift", "index", "concat", "contains", "getitem", "setitem",
    "delitem", "call", "iadd", "isub", "imul", "imatmul", "itruediv", "ifloordiv", "imod",
    "ipow", "iand", "ior", "ixor", "ilshift", "irshift", "iconcat",
]:
    globals()["__%s__" % _name] = globals()[_name + "_" if _name in ("not", "and", "or") else _name]
del _name


# CPython's operator functions live in its C module _operator, and pickle finds them there by
# name; so do toy's (py/_operator.py hands them out under that name).
for _f in list(globals().values()):
    if type(_f) is type(lt) and _f.__module__ == __name__ and not _f.__name__.startswith("_"):
        _f.__module__ = "_operator"
del _f
