"""toy's functools (a subset): reduce, partial, wraps and update_wrapper, lru_cache and cache,
cmp_to_key, total_ordering, cached_property.
"""

from collections import namedtuple
import _thread

__all__ = [
    "update_wrapper",
    "wraps",
    "WRAPPER_ASSIGNMENTS",
    "WRAPPER_UPDATES",
    "total_ordering",
    "cache",
    "cmp_to_key",
    "lru_cache",
    "reduce",
    "partial",
    "cached_property",
]

# ----- update_wrapper and wraps --------------------------------------------------------------

WRAPPER_ASSIGNMENTS = ("__module__", "__name__", "__qualname__", "__doc__", "__annotations__")
WRAPPER_UPDATES = ("__dict__",)

_ABSENT = object()


def update_wrapper(wrapper, wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
    """Give wrapper the identity of wrapped (name, docstring, ...) and set __wrapped__."""
    for name in assigned:
        value = getattr(wrapped, name, _ABSENT)
        if value is not _ABSENT:
            setattr(wrapper, name, value)
    for name in updated:
        # A toy function's __dict__ cannot be updated in place: copy it entry by entry.
        extra = getattr(wrapped, name, None) or {}
        for key in extra:
            setattr(wrapper, key, extra[key])
    wrapper.__wrapped__ = wrapped
    return wrapper


def wraps(wrapped, assigned=WRAPPER_ASSIGNMENTS, updated=WRAPPER_UPDATES):
    """Decorator form of update_wrapper(wrapper, wrapped, ...)."""
    return partial(update_wrapper, wrapped=wrapped, assigned=assigned, updated=updated)


# ----- total_ordering ------------------------------------------------------------------------

# For each root operation, how to get the other three from it. An entry (name, flip, tie)
# means: r = root(self, other); v = (not r) if flip else r; then v is completed with
# "or self == other" (tie "eq"), "and self != other" (tie "ne"), or used as is (tie None).
_DERIVATIONS = {
    "__lt__": (("__gt__", True, "ne"), ("__le__", False, "eq"), ("__ge__", True, None)),
    "__le__": (("__ge__", True, "eq"), ("__lt__", False, "ne"), ("__gt__", True, None)),
    "__gt__": (("__lt__", True, "ne"), ("__ge__", False, "eq"), ("__le__", True, None)),
    "__ge__": (("__le__", True, "eq"), ("__gt__", False, "ne"), ("__lt__", True, None)),
}
# Which defined operation becomes the root when several are.
_ROOT_PREFERENCE = ("__lt__", "__le__", "__gt__", "__ge__")


def _derive(root, name, flip, tie):
    def method(self, other):
        r = getattr(type(self), root)(self, other)
        if r is NotImplemented:
            return r
        if flip:
            r = not r
        if tie == "eq":
            return r or self == other
        if tie == "ne":
            return r and self != other
        return r

    method.__name__ = name
    return method


def total_ordering(cls):
    """Class decorator: supply the ordering methods cls lacks from one it defines."""
    defined = [
        name
        for name in _ROOT_PREFERENCE
        if getattr(cls, name, None) is not getattr(object, name, None)
    ]
    if not defined:
        raise ValueError("must define at least one ordering operation: < > <= >=")
    root = defined[0]
    for name, flip, tie in _DERIVATIONS[root]:
        if name not in defined:
            setattr(cls, name, _derive(root, name, flip, tie))
    return cls


# ----- cmp_to_key ----------------------------------------------------------------------------

_CMP_TESTS = (
    ("__lt__", lambda c: c < 0),
    ("__gt__", lambda c: c > 0),
    ("__eq__", lambda c: c == 0),
    ("__le__", lambda c: c <= 0),
    ("__ge__", lambda c: c >= 0),
)


def _cmp_method(mycmp, test):
    def method(self, other):
        return test(mycmp(self.obj, other.obj))

    return method


def cmp_to_key(mycmp):
    """Turn an old-style cmp(a, b) function into a key= function."""

    class K:
        __slots__ = ("obj",)
        __hash__ = None

        def __init__(self, obj):
            self.obj = obj

    for name, test in _CMP_TESTS:
        setattr(K, name, _cmp_method(mycmp, test))
    return K


# ----- reduce --------------------------------------------------------------------------------

_NO_START = object()


def reduce(function, sequence, initial=_NO_START):
    """reduce(function, iterable[, initial]) -> value

    Fold the iterable from the left with a two-argument function, starting from initial when
    given, else from the first item."""
    items = iter(sequence)
    total = initial
    if total is _NO_START:
        for total in items:
            break
        else:
            raise TypeError("reduce() of empty iterable with no initial value")
    for item in items:
        total = function(total, item)
    return total


# ----- partial -------------------------------------------------------------------------------


class partial:
    """partial(func, *args, **keywords): func with some arguments filled in."""

    def __init__(self, func, /, *args, **keywords):
        if not callable(func):
            raise TypeError("the first argument must be callable")
        if isinstance(func, partial):
            # Flatten: partial(partial(f, a), b) is partial(f, a, b).
            self.func = func.func
            self.args = func.args + args
            self.keywords = dict(func.keywords)
            self.keywords.update(keywords)
        else:
            self.func = func
            self.args = args
            self.keywords = keywords

    def __call__(self, /, *args, **keywords):
        merged = dict(self.keywords)
        merged.update(keywords)
        return self.func(*(self.args + args), **merged)

    def __reduce__(self):
        # The state is CPython's: (func, args, keywords, other attributes or None).
        extra = {k: v for k, v in vars(self).items() if k not in ("func", "args", "keywords")}
        return type(self), (self.func,), (self.func, self.args, self.keywords, extra or None)

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) != 4:
            raise TypeError("invalid partial state")
        func, args, keywords, namespace = state
        if (
            not callable(func)
            or not isinstance(args, tuple)
            or (keywords is not None and not isinstance(keywords, dict))
            or (namespace is not None and not isinstance(namespace, dict))
        ):
            raise TypeError("invalid partial state")
        for name in [k for k in vars(self) if k not in ("func", "args", "keywords")]:
            delattr(self, name)
        if namespace:
            vars(self).update(namespace)
        self.func = func
        self.args = tuple(args)
        self.keywords = {} if keywords is None else dict(keywords)

    def __repr__(self):
        parts = [repr(self.func)]
        parts += [repr(a) for a in self.args]
        parts += ["%s=%r" % item for item in self.keywords.items()]
        name = "functools.partial" if type(self) is partial else type(self).__qualname__
        return "%s(%s)" % (name, ", ".join(parts))


# ----- lru_cache and cache -------------------------------------------------------------------

_CacheInfo = namedtuple("CacheInfo", ["hits", "misses", "maxsize", "currsize"], module="functools")


def _cache_key(args, kwds, typed):
    # A key is a (positional args, keyword items, types) triple, so keys from different call
    # shapes cannot collide, and equal arguments make equal keys unless typed adds the types.
    # Keyword order counts, as in CPython. Also as in CPython, a call with one positional
    # argument of exactly int or str is keyed by that value alone; that is observable in
    # cache_info(): f(1.0) then f(1) is two misses, while f(1.0) then f(True) is one hit.
    if not kwds and not typed and len(args) == 1 and type(args[0]) in (int, str):
        return args[0]
    named = tuple(kwds.items()) if kwds else ()
    if not typed:
        return (args, named, None)
    kinds = tuple(type(a) for a in args) + tuple(type(v) for _, v in named)
    return (args, named, kinds)


def lru_cache(maxsize=128, typed=False):
    """Cache a function's results, dropping the least recently used beyond maxsize entries
    (maxsize=None: no limit). Safe to share between threads, with or without the GIL."""
    if callable(maxsize) and isinstance(typed, bool):
        # Bare @lru_cache: maxsize is the function.
        return _install_cache(maxsize, 128, typed)
    if isinstance(maxsize, int):
        maxsize = max(maxsize, 0)
    elif maxsize is not None:
        raise TypeError("Expected first argument to be an integer, a callable, or None")
    return lambda user_function: _install_cache(user_function, maxsize, typed)


def _install_cache(user_function, maxsize, typed):
    # The dict keeps entries in use order, least recent first: a hit moves its entry to the
    # end. The lock guards the dict and the counters; the user function runs without it.
    entries = {}
    counts = {"hits": 0, "misses": 0}
    guard = _thread.allocate_lock()
    missing = object()

    def cached(*args, **kwds):
        key = _cache_key(args, kwds, typed)
        with guard:
            value = entries.pop(key, missing)
            if value is missing:
                counts["misses"] += 1
            else:
                entries[key] = value
                counts["hits"] += 1
                return value
        value = user_function(*args, **kwds)
        if maxsize != 0:
            with guard:
                # If another thread stored this key meanwhile, this store replaces it.
                entries.pop(key, None)
                entries[key] = value
                while maxsize is not None and len(entries) > maxsize:
                    del entries[next(iter(entries))]
        return value

    def cache_info():
        """Hits, misses, maxsize and current size, as a named tuple."""
        with guard:
            return _CacheInfo(counts["hits"], counts["misses"], maxsize, len(entries))

    def cache_clear():
        """Empty the cache and reset its counters."""
        with guard:
            entries.clear()
            counts["hits"] = counts["misses"] = 0

    cached.cache_info = cache_info
    cached.cache_clear = cache_clear
    cached.cache_parameters = lambda: {"maxsize": maxsize, "typed": typed}
    return update_wrapper(cached, user_function)


def cache(user_function, /):
    """Unbounded cache of a function's results (lru_cache(maxsize=None))."""
    return lru_cache(maxsize=None)(user_function)


# ----- cached_property ------------------------------------------------------------------------

_NOT_FOUND = object()


class cached_property:
    """A non-data descriptor: the first lookup calls the function and stores the result as an
    instance attribute of the same name, which then shadows the descriptor."""

    def __init__(self, func):
        self.func = func
        self.attrname = None
        self.__doc__ = func.__doc__
        from threading import RLock

        self.lock = RLock()

    def __set_name__(self, owner, name):
        if self.attrname is None:
            self.attrname = name
        elif name != self.attrname:
            raise TypeError(
                "Cannot assign the same cached_property to two different names "
                f"({self.attrname!r} and {name!r})."
            )

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        if self.attrname is None:
            raise TypeError("Cannot use cached_property instance without calling __set_name__ on it.")
        try:
            cache = instance.__dict__
        except AttributeError:  # a class with __slots__ and no __dict__
            msg = (
                f"No '__dict__' attribute on {type(instance).__name__!r} "
                f"instance to cache {self.attrname!r} property."
            )
            raise TypeError(msg) from None
        val = cache.get(self.attrname, _NOT_FOUND)
        if val is _NOT_FOUND:
            with self.lock:
                # Another thread may have filled the slot while this one waited.
                val = cache.get(self.attrname, _NOT_FOUND)
                if val is _NOT_FOUND:
                    val = self.func(instance)
                    cache[self.attrname] = val
        return val


# CPython's versions live in its C module _functools, and pickle finds them there by name; so
# do toy's (py/_functools.py hands them out under that name).
for _f in (cmp_to_key, reduce):
    _f.__module__ = "_functools"
del _f
