"""Size-limited reprs (`reprlib.repr`), and `recursive_repr` for __repr__ methods of
containers that may contain themselves."""

import builtins
from itertools import islice
from _thread import get_ident

__all__ = ["Repr", "repr", "recursive_repr"]


def recursive_repr(fillvalue="..."):
    """Decorate a __repr__ so that a call reentering it for the same object (in the same
    thread) returns `fillvalue` instead of recursing."""

    def decorate(user_repr):
        active = set()

        def wrapper(self):
            key = (id(self), get_ident())
            if key in active:
                return fillvalue
            active.add(key)
            try:
                return user_repr(self)
            finally:
                active.discard(key)

        for name in ("__module__", "__doc__", "__name__", "__qualname__"):
            setattr(wrapper, name, getattr(user_repr, name, None))
        wrapper.__annotations__ = getattr(user_repr, "__annotations__", {})
        return wrapper

    return decorate


def _in_order(items):
    """The items sorted when they can be (so reprs of sets and dicts are stable)."""
    try:
        return sorted(items)
    except Exception:
        return list(items)


def _shortened(text, limit, fill):
    """`text` cut to `limit` characters by replacing its middle with `fill`."""
    head = max(0, (limit - 3) // 2)
    tail = max(0, limit - 3 - head)
    return text[:head] + fill + text[len(text) - tail:]


class Repr:
    """Limits for each kind of value (`maxlist` items of a list, `maxstring` characters of
    a string...) and `maxlevel` for nesting; what is cut becomes `fillvalue`. Subclasses add
    `repr_TYPENAME(self, obj, level)` methods for more types."""

    def __init__(self):
        self.fillvalue = "..."
        self.maxlevel = 6
        self.maxtuple = 6
        self.maxlist = 6
        self.maxarray = 5
        self.maxdict = 4
        self.maxset = 6
        self.maxfrozenset = 6
        self.maxdeque = 6
        self.maxstring = 30
        self.maxlong = 40
        self.maxother = 30

    def repr(self, x):
        return self.repr1(x, self.maxlevel)

    def repr1(self, x, level):
        kind = "_".join(type(x).__name__.split())
        method = getattr(self, "repr_" + kind, None)
        if method is None:
            return self.repr_instance(x, level)
        return method(x, level)

    def _items(self, x, level, opening, closing, limit, one_item_trail=""):
        count = len(x)
        if level <= 0 and count:
            return opening + self.fillvalue + closing
        shown = [self.repr1(item, level - 1) for item in islice(x, limit)]
        if count > limit:
            shown.append(self.fillvalue)
        if count == 1 and one_item_trail:
            closing = one_item_trail + closing
        return opening + ", ".join(shown) + closing

    def repr_tuple(self, x, level):
        return self._items(x, level, "(", ")", self.maxtuple, ",")

    def repr_list(self, x, level):
        return self._items(x, level, "[", "]", self.maxlist)

    def repr_array(self, x, level):
        if not x:
            return f"array('{x.typecode}')"
        return self._items(x, level, f"array('{x.typecode}', [", "])", self.maxarray)

    def repr_set(self, x, level):
        if not x:
            return "set()"
        return self._items(_in_order(x), level, "{", "}", self.maxset)

    def repr_frozenset(self, x, level):
        if not x:
            return "frozenset()"
        return self._items(_in_order(x), level, "frozenset({", "})", self.maxfrozenset)

    def repr_deque(self, x, level):
        return self._items(x, level, "deque([", "])", self.maxdeque)

    def repr_dict(self, x, level):
        if not x:
            return "{}"
        if level <= 0:
            return "{" + self.fillvalue + "}"
        pairs = [f"{self.repr1(key, level - 1)}: {self.repr1(x[key], level - 1)}"
                 for key in islice(_in_order(x), self.maxdict)]
        if len(x) > self.maxdict:
            pairs.append(self.fillvalue)
        return "{" + ", ".join(pairs) + "}"

    def repr_str(self, x, level):
        text = builtins.repr(x[:self.maxstring])
        if len(text) <= self.maxstring:
            return text
        head = max(0, (self.maxstring - 3) // 2)
        tail = max(0, self.maxstring - 3 - head)
        # Quote the kept ends together (so the quotes and escapes are right), then cut.
        text = builtins.repr(x[:head] + x[len(x) - tail:])
        return text[:head] + self.fillvalue + text[len(text) - tail:]

    def repr_int(self, x, level):
        text = builtins.repr(x)
        if len(text) > self.maxlong:
            text = _shortened(text, self.maxlong, self.fillvalue)
        return text

    def repr_instance(self, x, level):
        try:
            text = builtins.repr(x)
        except Exception:
            return f"<{x.__class__.__name__} instance at {id(x):#x}>"
        if len(text) > self.maxother:
            text = _shortened(text, self.maxother, self.fillvalue)
        return text


aRepr = Repr()
repr = aRepr.repr
