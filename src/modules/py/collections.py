"""toy's container datatypes, as CPython's collections documents them: deque, namedtuple,
defaultdict, Counter, OrderedDict, ChainMap and the UserDict/UserList/UserString wrappers.

A named tuple is a class of its own that behaves like a tuple (indexing, unpacking, len,
comparison and hashing as the equal tuple) without being one.
"""

import sys
from _collections import _deque_insert, _deque_push, _deque_rotate
from _thread import get_ident

__all__ = ["ChainMap", "Counter", "OrderedDict", "UserDict", "UserList", "UserString",
           "defaultdict", "deque", "namedtuple"]


# Objects whose repr is being built, with the thread building it: a container that holds
# itself shows a placeholder where it recurs, as CPython's do.
_repr_in_progress = set()


def _repr_once(container, build, placeholder):
    key = (id(container), get_ident())
    if key in _repr_in_progress:
        return placeholder
    _repr_in_progress.add(key)
    try:
        return build()
    finally:
        _repr_in_progress.discard(key)


# ----- deque ---------------------------------------------------------------------------------


def _index(i):
    if isinstance(i, int):
        return i
    if hasattr(type(i), "__index__"):
        return i.__index__()
    raise TypeError("sequence index must be integer, not '%s'" % type(i).__name__)


class deque:
    """deque([iterable[, maxlen]]) --> deque object

    A list-like sequence optimized for data accesses near its endpoints.

    The items live in a list; every method that changes the deque is one list operation, or
    one call into `_collections` when it takes two steps (a bounded append drops an item from
    the other end), so each is atomic with and without the GIL.
    """

    __toy_static__ = True  # named collections.deque in messages, as CPython's C type

    def __init__(self, iterable=(), maxlen=None):
        if maxlen is not None:
            if not isinstance(maxlen, int):
                raise TypeError("an integer is required")
            if maxlen < 0:
                raise ValueError("maxlen must be non-negative")
        self._maxlen = maxlen
        self._items = []
        if iterable is not self:
            _deque_push(self._items, iterable, maxlen, False)

    @property
    def maxlen(self):
        return self._maxlen

    def append(self, x):
        if self._maxlen is None:
            self._items.append(x)
        else:
            _deque_push(self._items, (x,), self._maxlen, False)

    def appendleft(self, x):
        if self._maxlen is None:
            self._items.insert(0, x)
        else:
            _deque_push(self._items, (x,), self._maxlen, True)

    def extend(self, iterable):
        _deque_push(self._items, iterable, self._maxlen, False)

    def extendleft(self, iterable):
        _deque_push(self._items, iterable, self._maxlen, True)

    def pop(self):
        try:
            return self._items.pop()
        except IndexError:
            raise IndexError("pop from an empty deque") from None

    def popleft(self):
        try:
            return self._items.pop(0)
        except IndexError:
            raise IndexError("pop from an empty deque") from None

    def clear(self):
        self._items.clear()

    def copy(self):
        return type(self)(self._items, self._maxlen)

    __copy__ = copy

    def count(self, x):
        return self._items.count(x)

    def index(self, x, *args):
        try:
            return self._items.index(x, *args)
        except ValueError:
            raise ValueError("%r is not in deque" % (x,)) from None

    def insert(self, i, x):
        _deque_insert(self._items, _index(i), x, self._maxlen)

    def remove(self, value):
        try:
            self._items.remove(value)
        except ValueError:
            raise ValueError("%r is not in deque" % (value,)) from None

    def reverse(self):
        self._items.reverse()

    def rotate(self, n=1):
        _deque_rotate(self._items, _index(n))

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __reversed__(self):
        return reversed(self._items)

    def __contains__(self, x):
        return x in self._items

    def __getitem__(self, i):
        try:
            return self._items[_index(i)]
        except IndexError:
            raise IndexError("deque index out of range") from None

    def __setitem__(self, i, x):
        try:
            self._items[_index(i)] = x
        except IndexError:
            raise IndexError("deque assignment index out of range") from None

    def __delitem__(self, i):
        try:
            del self._items[_index(i)]
        except IndexError:
            raise IndexError("deque index out of range") from None

    def __reduce__(self):
        # As CPython's deque: (cls, () or ((), maxlen), attributes or None, items).
        state = {k: v for k, v in vars(self).items() if k not in ("_items", "_maxlen")}
        args = () if self._maxlen is None else ((), self._maxlen)
        return type(self), args, state or None, iter(self._items)

    def __repr__(self):
        return _repr_once(self, self._repr, "[...]")

    def _repr(self):
        if self._maxlen is None:
            return "%s(%r)" % (type(self).__name__, self._items)
        return "%s(%r, maxlen=%d)" % (type(self).__name__, self._items, self._maxlen)

    def __eq__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items == other._items

    def __ne__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items != other._items

    def __lt__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items < other._items

    def __le__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items <= other._items

    def __gt__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items > other._items

    def __ge__(self, other):
        if not isinstance(other, deque):
            return NotImplemented
        return self._items >= other._items

    __hash__ = None

    def __add__(self, other):
        if not isinstance(other, deque):
            raise TypeError('can only concatenate deque (not "%s") to deque' % type(other).__name__)
        return type(self)(self._items + other._items, self._maxlen)

    def __iadd__(self, other):
        self.extend(other)
        return self

    def __mul__(self, n):
        if not isinstance(n, int):
            raise TypeError("can't multiply sequence by non-int of type '%s'" % type(n).__name__)
        return type(self)(self._items * n, self._maxlen)

    __rmul__ = __mul__

    def __imul__(self, n):
        if not isinstance(n, int):
            raise TypeError("can't multiply sequence by non-int of type '%s'" % type(n).__name__)
        if n <= 0:
            self._items.clear()
        else:
            self.extend(self._items * (n - 1))
        return self


# ----- namedtuple ----------------------------------------------------------------------------

_KEYWORDS = frozenset(
    "False None True and as assert async await break class continue def del elif else except "
    "finally for from global if import in is lambda nonlocal not or pass raise return try while "
    "with yield".split()
)


class _tuplegetter:
    """The field accessors of a namedtuple: read-only, as CPython's C descriptor."""

    def __init__(self, index, doc):
        self.index = index
        self.__doc__ = doc

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return tuple.__getitem__(instance, self.index)

    def __set__(self, instance, value):
        raise AttributeError("can't set attribute")

    def __delete__(self, instance):
        raise AttributeError("can't delete attribute")


def _renamed_fields(names):
    # rename=True: every unusable field name becomes "_<position>".
    used = set()
    result = []
    for position, name in enumerate(names):
        usable = (
            name.isidentifier()
            and name not in _KEYWORDS
            and not name.startswith("_")
            and name not in used
        )
        used.add(name)
        result.append(name if usable else "_%d" % position)
    return result


def _check_names(typename, names, renamed):
    # Errors worded as CPython's, checked in the same order: each name's form first, then
    # underscores and duplicates among the fields.
    for name in [typename] + names:
        if type(name) is not str:
            raise TypeError("Type names and field names must be strings")
        if not name.isidentifier():
            raise ValueError("Type names and field names must be valid identifiers: %r" % (name,))
        if name in _KEYWORDS:
            raise ValueError("Type names and field names cannot be a keyword: %r" % (name,))
    for position, name in enumerate(names):
        if name.startswith("_") and not renamed:
            raise ValueError("Field names cannot start with an underscore: %r" % (name,))
        if name in names[:position]:
            raise ValueError("Encountered duplicate field name: %r" % (name,))


def namedtuple(typename, field_names, *, rename=False, defaults=None, module=None):
    """Returns a new class with named fields, e.g. Point = namedtuple('Point', ['x', 'y'])."""
    if isinstance(field_names, str):
        field_names = field_names.replace(",", " ").split()
    names = [str(name) for name in field_names]
    typename = sys.intern(str(typename))
    if rename:
        names = _renamed_fields(names)
    _check_names(typename, names, rename)
    field_names = names
    field_names = tuple(field_names)
    num_fields = len(field_names)
    field_defaults = {}
    if defaults is not None:
        defaults = tuple(defaults)
        if len(defaults) > num_fields:
            raise TypeError("Got more default values than field names")
        field_defaults = dict(zip(field_names[num_fields - len(defaults):], defaults))

    def _bind(args, kwargs):
        # The arguments of CPython's generated __new__(_cls, x, y, ...), with its messages.
        if len(args) > num_fields:
            raise TypeError(
                "%s.__new__() takes %d positional arguments but %d were given"
                % (typename, num_fields + 1, len(args) + 1)
            )
        values = list(args)
        for key in kwargs:
            if key not in field_names:
                raise TypeError("%s.__new__() got an unexpected keyword argument '%s'" % (typename, key))
            if field_names.index(key) < len(args):
                raise TypeError("%s.__new__() got multiple values for argument '%s'" % (typename, key))
        missing = []
        for name in field_names[len(args):]:
            if name in kwargs:
                values.append(kwargs[name])
            elif name in field_defaults:
                values.append(field_defaults[name])
            else:
                missing.append(name)
                values.append(None)
        if missing:
            quoted = ["'%s'" % name for name in missing]
            if len(quoted) == 1:
                listed = quoted[0]
            elif len(quoted) == 2:
                listed = quoted[0] + " and " + quoted[1]
            else:
                listed = ", ".join(quoted[:-1]) + ", and " + quoted[-1]
            raise TypeError(
                "%s.__new__() missing %d required positional argument%s: %s"
                % (typename, len(missing), "" if len(missing) == 1 else "s", listed)
            )
        return tuple(values)

    def __new__(_cls, *args, **kwargs):
        return tuple.__new__(_cls, _bind(args, kwargs))

    def _make(cls, iterable):
        result = tuple.__new__(cls, iterable)
        if len(result) != num_fields:
            raise TypeError("Expected %d arguments, got %d" % (num_fields, len(result)))
        return result

    def _replace(self, **kwds):
        result = self._make(map(kwds.pop, field_names, self))
        if kwds:
            raise ValueError("Got unexpected field names: %r" % list(kwds))
        return result

    def __repr__(self):
        fields = ", ".join("%s=%r" % pair for pair in zip(field_names, self))
        return "%s(%s)" % (type(self).__name__, fields)

    def _asdict(self):
        return dict(zip(self._fields, self))

    def __getnewargs__(self):
        return tuple(self)

    namespace = {
        "__doc__": "%s(%s)" % (typename, ", ".join(field_names)),
        "__slots__": (),
        "_fields": field_names,
        "_field_defaults": field_defaults,
        "__match_args__": field_names,
        "__new__": staticmethod(__new__),
        "_make": classmethod(_make),
        "_replace": _replace,
        "__repr__": __repr__,
        "_asdict": _asdict,
        "__getnewargs__": __getnewargs__,
    }
    for index, name in enumerate(field_names):
        namespace[name] = _tuplegetter(index, "Alias for field number %d" % index)

    # CPython takes the caller's module name from its frame; toy has no frame objects, and the
    # caller is usually the main script.
    namespace["__module__"] = "__main__" if module is None else module
    return type(typename, (tuple,), namespace)


# ----- defaultdict, OrderedDict, Counter -----------------------------------------------------


class defaultdict(dict):
    """defaultdict(default_factory=None, /, [...]) --> dict with default factory"""

    __toy_static__ = True  # named collections.defaultdict in messages, as CPython's C type

    def __init__(self, default_factory=None, /, *args, **kwargs):
        if default_factory is not None and not callable(default_factory):
            raise TypeError("first argument must be callable or None")
        dict.__init__(self, *args, **kwargs)
        self.default_factory = default_factory

    def __reduce__(self):
        args = () if self.default_factory is None else (self.default_factory,)
        return type(self), args, None, None, iter(self.items())

    def __missing__(self, key):
        if self.default_factory is None:
            raise KeyError(key)
        self[key] = value = self.default_factory()
        return value

    def copy(self):
        return type(self)(self.default_factory, self)

    __copy__ = copy

    def __repr__(self):
        return "%s(%r, %s)" % (type(self).__name__, self.default_factory, dict.__repr__(self))


class OrderedDict(dict):
    """Dictionary that remembers insertion order, with move_to_end and popitem(last=)."""

    __toy_static__ = True  # named collections.OrderedDict in messages, as CPython's C type

    def popitem(self, last=True):
        if not self:
            raise KeyError("dictionary is empty")
        key = next(reversed(list(self))) if last else next(iter(self))
        return key, self.pop(key)

    def move_to_end(self, key, last=True):
        value = self.pop(key)
        if last:
            self[key] = value
        else:
            rest = list(self.items())
            self.clear()
            self[key] = value
            self.update(rest)

    def copy(self):
        return type(self)(self)

    __copy__ = copy

    def __reduce__(self):
        return type(self), (), self.__getstate__(), None, iter(self.items())

    def __eq__(self, other):
        # Order matters only between two OrderedDicts. (toy's dict has no __eq__ attribute
        # to call: compare plain copies.)
        if isinstance(other, OrderedDict):
            return dict(self) == dict(other) and list(self) == list(other)
        return dict(self) == other

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        if not self:
            return "%s()" % (type(self).__name__,)
        return _repr_once(self, lambda: "%s(%r)" % (type(self).__name__, list(self.items())), "...")


def _merge_counts(mine, theirs, combine):
    # Keys of mine, then the new keys of theirs (the order CPython's result has), each kept
    # only if combine(count in mine, count in theirs) is positive.
    result = Counter()
    for key in list(mine) + [key for key in theirs if key not in mine]:
        count = combine(mine[key], theirs[key])
        if count > 0:
            result[key] = count
    return result


class Counter(dict):
    """Dict subclass for counting hashable items."""

    def __init__(self, iterable=None, /, **kwds):
        dict.__init__(self)
        self.update(iterable, **kwds)

    def __reduce__(self):
        return type(self), (dict(self),)

    def __missing__(self, key):
        return 0

    def total(self):
        return sum(self.values())

    def most_common(self, n=None):
        items = sorted(self.items(), key=lambda item: item[1], reverse=True)
        return items if n is None else items[:n]

    def elements(self):
        for elem, count in self.items():
            for _ in range(count):
                yield elem

    def update(self, iterable=None, /, **kwds):
        if iterable is not None:
            if isinstance(iterable, dict):
                for elem, count in iterable.items():
                    self[elem] = count + self.get(elem, 0)
            else:
                for elem in iterable:
                    self[elem] = self.get(elem, 0) + 1
        if kwds:
            self.update(kwds)

    def subtract(self, iterable=None, /, **kwds):
        if iterable is not None:
            if isinstance(iterable, dict):
                for elem, count in iterable.items():
                    self[elem] = self.get(elem, 0) - count
            else:
                for elem in iterable:
                    self[elem] = self.get(elem, 0) - 1
        if kwds:
            self.subtract(kwds)

    def copy(self):
        return type(self)(self)

    __copy__ = copy

    def __delitem__(self, elem):
        if elem in self:
            dict.__delitem__(self, elem)

    def __repr__(self):
        if not self:
            return "%s()" % type(self).__name__
        return "%s({%s})" % (type(self).__name__, ", ".join("%r: %r" % item for item in self.most_common()))

    def __add__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return _merge_counts(self, other, lambda mine, theirs: mine + theirs)

    def __sub__(self, other):
        if not isinstance(other, Counter):
            return NotImplemented
        return _merge_counts(self, other, lambda mine, theirs: mine - theirs)


# ----- ChainMap and the User* wrappers --------------------------------------------------------

from _collections_abc import MutableMapping as _MutableMapping  # noqa: E402
from _collections_abc import MutableSequence as _MutableSequence  # noqa: E402
from _collections_abc import Sequence as _Sequence  # noqa: E402


class ChainMap(_MutableMapping):
    """A ChainMap groups multiple dicts (or other mappings) together to create a single,
    updateable view. Lookups search the maps in order; writes go to the first."""

    def __init__(self, *maps):
        self.maps = list(maps) or [{}]

    def __missing__(self, key):
        raise KeyError(key)

    def __getitem__(self, key):
        for mapping in self.maps:
            if key in mapping:
                return mapping[key]
        return self.__missing__(key)

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __len__(self):
        return len(set().union(*self.maps))

    def __iter__(self):
        # Keys in first-seen order when walking the maps from the last to the first.
        seen = {}
        for mapping in reversed(self.maps):
            seen.update(dict.fromkeys(mapping))
        return iter(seen)

    def __contains__(self, key):
        return any(key in mapping for mapping in self.maps)

    def __bool__(self):
        return any(self.maps)

    def __repr__(self):
        return _repr_once(self, lambda: "%s(%s)" % (
            type(self).__name__, ", ".join(map(repr, self.maps))), "...")

    @classmethod
    def fromkeys(cls, iterable, *args):
        return cls(dict.fromkeys(iterable, *args))

    def copy(self):
        return type(self)(self.maps[0].copy(), *self.maps[1:])

    __copy__ = copy

    def new_child(self, m=None, **kwargs):
        if m is None:
            m = kwargs
        elif kwargs:
            m.update(kwargs)
        return type(self)(m, *self.maps)

    @property
    def parents(self):
        return type(self)(*self.maps[1:])

    def __setitem__(self, key, value):
        self.maps[0][key] = value

    def __delitem__(self, key):
        try:
            del self.maps[0][key]
        except KeyError:
            raise KeyError("Key not found in the first mapping: {!r}".format(key))

    def popitem(self):
        try:
            return self.maps[0].popitem()
        except KeyError:
            raise KeyError("No keys found in the first mapping.")

    def pop(self, key, *args):
        try:
            return self.maps[0].pop(key, *args)
        except KeyError:
            raise KeyError("Key not found in the first mapping: {!r}".format(key))

    def clear(self):
        self.maps[0].clear()

    def __ior__(self, other):
        self.maps[0].update(other)
        return self

    def __or__(self, other):
        if not isinstance(other, _MutableMapping.__mro__[1]):
            return NotImplemented
        merged = self.copy()
        merged.maps[0].update(other)
        return merged

    def __ror__(self, other):
        if not isinstance(other, _MutableMapping.__mro__[1]):
            return NotImplemented
        merged = dict(other)
        for mapping in reversed(self.maps):
            merged.update(mapping)
        return type(self)(merged)


class UserDict(_MutableMapping):
    """A dict wrapper whose contents live in the `data` attribute, for subclassing."""

    def __init__(self, dict=None, /, **kwargs):
        self.data = {}
        if dict is not None:
            self.update(dict)
        if kwargs:
            self.update(kwargs)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, key):
        if key in self.data:
            return self.data[key]
        if hasattr(type(self), "__missing__"):
            return type(self).__missing__(self, key)
        raise KeyError(key)

    def __setitem__(self, key, item):
        self.data[key] = item

    def __delitem__(self, key):
        del self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __contains__(self, key):
        return key in self.data

    def get(self, key, default=None):
        if key in self:
            return self[key]
        return default

    def __repr__(self):
        return repr(self.data)

    def __or__(self, other):
        if isinstance(other, UserDict):
            return type(self)(self.data | other.data)
        if isinstance(other, dict):
            return type(self)(self.data | other)
        return NotImplemented

    def __ror__(self, other):
        if isinstance(other, UserDict):
            return type(self)(other.data | self.data)
        if isinstance(other, dict):
            return type(self)(other | self.data)
        return NotImplemented

    def __ior__(self, other):
        self.data |= other.data if isinstance(other, UserDict) else other
        return self

    def __copy__(self):
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        clone.__dict__["data"] = self.__dict__["data"].copy()
        return clone

    def copy(self):
        if type(self) is UserDict:
            return UserDict(self.data.copy())
        import copy
        data = self.data
        try:
            self.data = {}
            clone = copy.copy(self)
        finally:
            self.data = data
        clone.update(self)
        return clone

    @classmethod
    def fromkeys(cls, iterable, value=None):
        made = cls()
        for key in iterable:
            made[key] = value
        return made


class UserList(_MutableSequence):
    """A list wrapper whose contents live in the `data` attribute, for subclassing."""

    def __init__(self, initlist=None):
        self.data = []
        if initlist is not None:
            if type(initlist) == type(self.data):
                self.data[:] = initlist
            elif isinstance(initlist, UserList):
                self.data[:] = initlist.data[:]
            else:
                self.data = list(initlist)

    def __repr__(self):
        return repr(self.data)

    def _unwrap(self, other):
        return other.data if isinstance(other, UserList) else other

    def __lt__(self, other):
        return self.data < self._unwrap(other)

    def __le__(self, other):
        return self.data <= self._unwrap(other)

    def __eq__(self, other):
        return self.data == self._unwrap(other)

    def __gt__(self, other):
        return self.data > self._unwrap(other)

    def __ge__(self, other):
        return self.data >= self._unwrap(other)

    def __contains__(self, item):
        return item in self.data

    def __len__(self):
        return len(self.data)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return self.__class__(self.data[i])
        return self.data[i]

    def __setitem__(self, i, item):
        self.data[i] = item

    def __delitem__(self, i):
        del self.data[i]

    def __add__(self, other):
        if isinstance(other, UserList):
            return self.__class__(self.data + other.data)
        if isinstance(other, type(self.data)):
            return self.__class__(self.data + other)
        return self.__class__(self.data + list(other))

    def __radd__(self, other):
        if isinstance(other, UserList):
            return self.__class__(other.data + self.data)
        if isinstance(other, type(self.data)):
            return self.__class__(other + self.data)
        return self.__class__(list(other) + self.data)

    def __iadd__(self, other):
        if isinstance(other, UserList):
            self.data += other.data
        elif isinstance(other, type(self.data)):
            self.data += other
        else:
            self.data += list(other)
        return self

    def __mul__(self, n):
        return self.__class__(self.data * n)

    __rmul__ = __mul__

    def __imul__(self, n):
        self.data *= n
        return self

    def __copy__(self):
        clone = self.__class__.__new__(self.__class__)
        clone.__dict__.update(self.__dict__)
        clone.__dict__["data"] = self.__dict__["data"][:]
        return clone

    def append(self, item):
        self.data.append(item)

    def insert(self, i, item):
        self.data.insert(i, item)

    def pop(self, i=-1):
        return self.data.pop(i)

    def remove(self, item):
        self.data.remove(item)

    def clear(self):
        self.data.clear()

    def copy(self):
        return self.__class__(self)

    def count(self, item):
        return self.data.count(item)

    def index(self, item, *args):
        return self.data.index(item, *args)

    def reverse(self):
        self.data.reverse()

    def sort(self, /, *args, **kwds):
        self.data.sort(*args, **kwds)

    def extend(self, other):
        if isinstance(other, UserList):
            self.data.extend(other.data)
        else:
            self.data.extend(other)


def _string_methods():
    """UserString's methods: each str method applied to `data`, str results rewrapped."""
    def forward(name):
        method = getattr(str, name)

        def call(self, *args, **kwargs):
            args = [a.data if isinstance(a, UserString) else a for a in args]
            result = method(self.data, *args, **kwargs)
            if type(result) is str:
                return self.__class__(result)
            return result
        call.__name__ = name
        return call
    returning_other = ("count", "encode", "endswith", "find", "index", "isalnum", "isalpha",
                       "isascii", "isdecimal", "isdigit", "isidentifier", "islower",
                       "isnumeric", "isprintable", "isspace", "istitle", "isupper", "rfind",
                       "rindex", "startswith", "split", "rsplit", "splitlines", "partition",
                       "rpartition", "format", "format_map")
    rewrapped = ("capitalize", "casefold", "center", "expandtabs", "join", "ljust", "lower",
                 "lstrip", "removeprefix", "removesuffix", "replace", "rjust", "rstrip",
                 "strip", "swapcase", "title", "translate", "upper", "zfill")
    return {name: forward(name) for name in returning_other + rewrapped}


class UserString(_Sequence):
    """A str wrapper whose text lives in the `data` attribute, for subclassing."""

    def __init__(self, seq):
        if isinstance(seq, str):
            self.data = seq
        elif isinstance(seq, UserString):
            self.data = seq.data[:]
        else:
            self.data = str(seq)

    def __str__(self):
        return str(self.data)

    def __repr__(self):
        return repr(self.data)

    def __int__(self):
        return int(self.data)

    def __float__(self):
        return float(self.data)

    def __complex__(self):
        return complex(self.data)

    def __hash__(self):
        return hash(self.data)

    def __getnewargs__(self):
        return (self.data[:],)

    def _unwrap(self, other):
        return other.data if isinstance(other, UserString) else other

    def __eq__(self, string):
        return self.data == self._unwrap(string)

    def __lt__(self, string):
        return self.data < self._unwrap(string)

    def __le__(self, string):
        return self.data <= self._unwrap(string)

    def __gt__(self, string):
        return self.data > self._unwrap(string)

    def __ge__(self, string):
        return self.data >= self._unwrap(string)

    def __contains__(self, char):
        return self._unwrap(char) in self.data

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        return self.__class__(self.data[index])

    def __add__(self, other):
        if isinstance(other, UserString):
            return self.__class__(self.data + other.data)
        if isinstance(other, str):
            return self.__class__(self.data + other)
        return self.__class__(self.data + str(other))

    def __radd__(self, other):
        if isinstance(other, str):
            return self.__class__(other + self.data)
        return self.__class__(str(other) + self.data)

    def __mul__(self, n):
        return self.__class__(self.data * n)

    __rmul__ = __mul__

    def __mod__(self, args):
        return self.__class__(self.data % args)

    def __rmod__(self, template):
        return self.__class__(str(template) % self)

    locals().update(_string_methods())
