"""Weak references, and the containers and finalizers built on them.

toy's own module, written from the documentation: ``ref``, ``getweakrefcount`` and
``getweakrefs`` come from the native ``_weakref``; proxies, ``WeakMethod``, the weak
containers and ``finalize`` are written here on top of them.

Callbacks run at the finalize point after the referent's last reference went, on the thread
that dropped it, so with ``-X gil=0`` a container's callback may run while another thread
uses the container: removals go through ``_remove_dead``, which takes an entry out only if
it still holds that dead reference, in one step. Iterating a container walks a snapshot, so
entries dying meanwhile are skipped, never an error.
"""

import operator as _operator

from _weakref import (
    ref,
    ReferenceType,
    ProxyBase as _ProxyBase,
    getweakrefcount,
    getweakrefs,
    _proxy,
    _unwrap,
    _proxy_repr,
)

__all__ = ["ref", "proxy", "getweakrefcount", "getweakrefs",
           "WeakKeyDictionary", "ReferenceType", "ProxyType",
           "CallableProxyType", "ProxyTypes", "WeakValueDictionary",
           "WeakSet", "WeakMethod", "finalize"]


def _plain(value):
    """The referent of a proxy operand, anything else as it is."""
    if isinstance(value, _ProxyBase):
        return _unwrap(value)
    return value


class _ProxyMethods(_ProxyBase):
    """What proxies forward to their referent: attributes, operators, calls."""

    def __getattr__(self, name):
        return getattr(_unwrap(self), name)

    def __setattr__(self, name, value):
        setattr(_unwrap(self), name, value)

    def __delattr__(self, name):
        delattr(_unwrap(self), name)

    def __repr__(self):
        return _proxy_repr(self)

    def __str__(self):
        return str(_unwrap(self))

    def __bytes__(self):
        return bytes(_unwrap(self))

    def __bool__(self):
        return bool(_unwrap(self))

    def __len__(self):
        return len(_unwrap(self))

    def __iter__(self):
        return iter(_unwrap(self))

    def __next__(self):
        return next(_unwrap(self))

    def __reversed__(self):
        return reversed(_unwrap(self))

    def __contains__(self, item):
        return item in _unwrap(self)

    def __getitem__(self, key):
        return _unwrap(self)[key]

    def __setitem__(self, key, value):
        _unwrap(self)[key] = value

    def __delitem__(self, key):
        del _unwrap(self)[key]

    def __hash__(self):
        raise TypeError(f"unhashable type: 'weakref.{type(self).__name__}'")

    def __neg__(self):
        return -_unwrap(self)

    def __pos__(self):
        return +_unwrap(self)

    def __abs__(self):
        return abs(_unwrap(self))

    def __invert__(self):
        return ~_unwrap(self)

    def __int__(self):
        return int(_unwrap(self))

    def __float__(self):
        return float(_unwrap(self))

    def __index__(self):
        return _operator.index(_unwrap(self))


def _forwarding(operation):
    """The methods a proxy answers an operator with: forward, reflected and in place."""
    def forward(self, other):
        return operation(_unwrap(self), _plain(other))

    def reflected(self, other):
        return operation(_plain(other), _unwrap(self))

    return forward, reflected


for _name, _operation in [
    ("add", _operator.add), ("sub", _operator.sub), ("mul", _operator.mul),
    ("matmul", _operator.matmul), ("truediv", _operator.truediv),
    ("floordiv", _operator.floordiv), ("mod", _operator.mod), ("pow", pow),
    ("lshift", _operator.lshift), ("rshift", _operator.rshift), ("and", _operator.and_),
    ("or", _operator.or_), ("xor", _operator.xor), ("divmod", divmod),
]:
    _forward, _reflected = _forwarding(_operation)
    setattr(_ProxyMethods, f"__{_name}__", _forward)
    setattr(_ProxyMethods, f"__r{_name}__", _reflected)

for _name, _inplace in [
    ("add", _operator.iadd), ("sub", _operator.isub), ("mul", _operator.imul),
    ("matmul", _operator.imatmul), ("truediv", _operator.itruediv),
    ("floordiv", _operator.ifloordiv), ("mod", _operator.imod), ("pow", _operator.ipow),
    ("lshift", _operator.ilshift), ("rshift", _operator.irshift), ("and", _operator.iand),
    ("or", _operator.ior), ("xor", _operator.ixor),
]:
    setattr(_ProxyMethods, f"__i{_name}__", _forwarding(_inplace)[0])

for _name, _compare in [
    ("eq", _operator.eq), ("ne", _operator.ne), ("lt", _operator.lt),
    ("le", _operator.le), ("gt", _operator.gt), ("ge", _operator.ge),
]:
    setattr(_ProxyMethods, f"__{_name}__", _forwarding(_compare)[0])

del _name, _operation, _inplace, _compare, _forward, _reflected


class ProxyType(_ProxyMethods):
    pass


class CallableProxyType(_ProxyMethods):
    def __call__(self, *args, **kwargs):
        return _unwrap(self)(*args, **kwargs)


ProxyTypes = (ProxyType, CallableProxyType)


def proxy(object, callback=None, /):
    """A proxy to object that does not keep it alive; callback(proxy) when it dies."""
    return _proxy(CallableProxyType if callable(object) else ProxyType, object, callback)


def _remove_dead(container, key, dead):
    """Take key out of the dict container if it still maps to the reference dead."""
    try:
        if container[key] is dead:
            del container[key]
    except KeyError:
        pass


class KeyedRef(ref):
    """A weak reference that remembers a key: what WeakValueDictionary stores."""

    def __new__(cls, ob, callback, key):
        self = ref.__new__(cls, ob, callback)
        self.key = key
        return self

    def __init__(self, ob, callback, key):
        super().__init__(ob, callback)


class WeakMethod(ref):
    """A weak reference to a bound method, alive while both its object and function are."""

    def __new__(cls, meth, callback=None):
        try:
            target = meth.__self__
            function = meth.__func__
        except AttributeError:
            raise TypeError(f"argument should be a bound method, not {type(meth)}") from None

        def died(_):
            method = me()
            if method is not None and method._alive:
                method._alive = False
                if callback is not None:
                    callback(method)

        self = ref.__new__(cls, target, died)
        self._function = ref(function, died)
        self._method_type = type(meth)
        self._alive = True
        me = ref(self)
        return self

    def __init__(self, meth, callback=None):
        pass

    def __call__(self):
        target = super().__call__()
        function = self._function()
        if target is None or function is None:
            return None
        return self._method_type(function, target)

    def __eq__(self, other):
        if not isinstance(other, WeakMethod):
            return NotImplemented
        if not self._alive or not other._alive:
            return self is other
        return ref.__eq__(self, other) and self._function == other._function

    def __ne__(self, other):
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = ref.__hash__


class WeakValueDictionary:
    """A mapping whose values are held weakly: an entry goes when its value dies."""

    def __init__(self, other=(), /, **kwargs):
        self._data = {}
        me = ref(self)

        def remove(dead):
            mapping = me()
            if mapping is not None:
                _remove_dead(mapping._data, dead.key, dead)

        self._remove = remove
        self.update(other, **kwargs)

    def __getitem__(self, key):
        value = self._data[key]()
        if value is None:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value):
        self._data[key] = KeyedRef(value, self._remove, key)

    def __delitem__(self, key):
        del self._data[key]

    def __contains__(self, key):
        try:
            found = self._data[key]()
        except KeyError:
            return False
        return found is not None

    def __len__(self):
        return sum(1 for r in list(self._data.values()) if r() is not None)

    def __repr__(self):
        return f"<{type(self).__name__} at {id(self):#x}>"

    def _live_items(self):
        for key, r in list(self._data.items()):
            value = r()
            if value is not None:
                yield key, value

    def __iter__(self):
        for key, _ in self._live_items():
            yield key

    def keys(self):
        return self.__iter__()

    def values(self):
        for _, value in self._live_items():
            yield value

    def items(self):
        return self._live_items()

    def itervaluerefs(self):
        yield from [r for r in list(self._data.values()) if r() is not None]

    def valuerefs(self):
        return list(self.itervaluerefs())

    def get(self, key, default=None):
        try:
            value = self._data[key]()
        except KeyError:
            return default
        return default if value is None else value

    def setdefault(self, key, default=None):
        value = self.get(key)
        if value is None:
            self[key] = default
            return default
        return value

    def pop(self, key, *default):
        if len(default) > 1:
            raise TypeError(f"pop expected at most 2 arguments, got {1 + len(default)}")
        try:
            value = self._data.pop(key)()
        except KeyError:
            value = None
        if value is None:
            if default:
                return default[0]
            raise KeyError(key)
        return value

    def popitem(self):
        while True:
            key, r = self._data.popitem()
            value = r()
            if value is not None:
                return key, value

    def clear(self):
        self._data.clear()

    def update(self, other=(), /, **kwargs):
        if hasattr(other, "items"):
            other = other.items()
        for key, value in other:
            self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def copy(self):
        new = type(self)()
        for key, value in self._live_items():
            new[key] = value
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        from copy import deepcopy
        new = type(self)()
        for key, value in self._live_items():
            new[deepcopy(key, memo)] = value
        return new

    def __or__(self, other):
        if not hasattr(other, "items"):
            return NotImplemented
        new = self.copy()
        new.update(other)
        return new

    def __ror__(self, other):
        if not hasattr(other, "items"):
            return NotImplemented
        new = type(self)()
        new.update(other)
        new.update(self.items())
        return new

    def __ior__(self, other):
        self.update(other)
        return self


class WeakKeyDictionary:
    """A mapping whose keys are held weakly: an entry goes when its key dies."""

    def __init__(self, dict=None):
        self._data = {}
        me = ref(self)

        def remove(dead):
            mapping = me()
            if mapping is not None:
                mapping._data.pop(dead, None)

        self._remove = remove
        if dict is not None:
            self.update(dict)

    def __getitem__(self, key):
        return self._data[ref(key)]

    def __setitem__(self, key, value):
        self._data[ref(key, self._remove)] = value

    def __delitem__(self, key):
        del self._data[ref(key)]

    def __contains__(self, key):
        try:
            r = ref(key)
        except TypeError:
            return False
        return r in self._data

    def __len__(self):
        return sum(1 for r in list(self._data) if r() is not None)

    def __repr__(self):
        return f"<{type(self).__name__} at {id(self):#x}>"

    def _live_items(self):
        for r, value in list(self._data.items()):
            key = r()
            if key is not None:
                yield key, value

    def __iter__(self):
        for key, _ in self._live_items():
            yield key

    def keys(self):
        return self.__iter__()

    def values(self):
        for _, value in self._live_items():
            yield value

    def items(self):
        return self._live_items()

    def keyrefs(self):
        return [r for r in list(self._data) if r() is not None]

    def get(self, key, default=None):
        return self._data.get(ref(key), default)

    def setdefault(self, key, default=None):
        return self._data.setdefault(ref(key, self._remove), default)

    def pop(self, key, *default):
        return self._data.pop(ref(key), *default)

    def popitem(self):
        while True:
            r, value = self._data.popitem()
            key = r()
            if key is not None:
                return key, value

    def clear(self):
        self._data.clear()

    def update(self, dict=None, /, **kwargs):
        if dict is not None:
            if hasattr(dict, "items"):
                dict = dict.items()
            for key, value in dict:
                self[key] = value
        for key, value in kwargs.items():
            self[key] = value

    def copy(self):
        new = type(self)()
        for key, value in self._live_items():
            new[key] = value
        return new

    __copy__ = copy

    def __deepcopy__(self, memo):
        from copy import deepcopy
        new = type(self)()
        for key, value in self._live_items():
            new[key] = deepcopy(value, memo)
        return new

    def __or__(self, other):
        if not hasattr(other, "items"):
            return NotImplemented
        new = self.copy()
        new.update(other)
        return new

    def __ror__(self, other):
        if not hasattr(other, "items"):
            return NotImplemented
        new = type(self)()
        new.update(other)
        new.update(self.items())
        return new

    def __ior__(self, other):
        self.update(other)
        return self


class WeakSet:
    """A set whose members are held weakly: a member goes when it dies."""

    def __init__(self, data=None):
        self.data = set()
        me = ref(self)

        def remove(dead):
            members = me()
            if members is not None:
                members.data.discard(dead)

        self._remove = remove
        if data is not None:
            self.update(data)

    def __iter__(self):
        for r in list(self.data):
            item = r()
            if item is not None:
                yield item

    def __len__(self):
        return sum(1 for r in list(self.data) if r() is not None)

    def __contains__(self, item):
        try:
            r = ref(item)
        except TypeError:
            return False
        return r in self.data

    def __repr__(self):
        # As CPython shows it: the set of references.
        return repr(self.data)

    def add(self, item):
        self.data.add(ref(item, self._remove))

    def clear(self):
        self.data.clear()

    def copy(self):
        return type(self)(self)

    __copy__ = copy

    def pop(self):
        while True:
            try:
                r = self.data.pop()
            except KeyError:
                raise KeyError("pop from empty WeakSet") from None
            item = r()
            if item is not None:
                return item

    def remove(self, item):
        self.data.remove(ref(item))

    def discard(self, item):
        self.data.discard(ref(item))

    def update(self, other):
        for item in other:
            self.add(item)

    def __ior__(self, other):
        self.update(other)
        return self

    def difference(self, other):
        new = self.copy()
        new.difference_update(other)
        return new

    __sub__ = difference

    def difference_update(self, other):
        self.__isub__(other)

    def __isub__(self, other):
        if self is other:
            self.data.clear()
        else:
            self.data.difference_update(ref(item) for item in other)
        return self

    def intersection(self, other):
        return type(self)(item for item in other if item in self)

    __and__ = intersection

    def intersection_update(self, other):
        self.__iand__(other)

    def __iand__(self, other):
        self.data.intersection_update(ref(item) for item in other)
        return self

    def issubset(self, other):
        return self.data.issubset(ref(item) for item in other)

    __le__ = issubset

    def __lt__(self, other):
        return self.data < set(map(ref, other))

    def issuperset(self, other):
        return self.data.issuperset(ref(item) for item in other)

    __ge__ = issuperset

    def __gt__(self, other):
        return self.data > set(map(ref, other))

    def __eq__(self, other):
        if not isinstance(other, type(self)):
            return NotImplemented
        return self.data == set(map(ref, other))

    __hash__ = None

    def symmetric_difference(self, other):
        new = self.copy()
        new.symmetric_difference_update(other)
        return new

    __xor__ = symmetric_difference

    def symmetric_difference_update(self, other):
        self.__ixor__(other)

    def __ixor__(self, other):
        if self is other:
            self.data.clear()
        else:
            self.data.symmetric_difference_update(ref(item, self._remove) for item in other)
        return self

    def union(self, other):
        return type(self)(list(self) + list(other))

    __or__ = union

    def isdisjoint(self, other):
        return len(self.intersection(other)) == 0


class _Pending:
    """What a live finalize object will call, and whether it runs at exit."""

    def __init__(self, target, func, args, kwargs, order):
        self.target = target
        self.func = func
        self.args = args
        self.kwargs = kwargs
        self.atexit = True
        self.order = order


class finalize:
    """Call func(*args, **kwargs) once obj dies, or when called first; at most once."""

    # Live finalizers: each is kept alive here until it runs or is detached.
    _live = {}
    _made = 0
    _exiting = False

    def __init__(self, obj, func, /, *args, **kwargs):
        order = finalize._made
        finalize._made = order + 1
        pending = _Pending(ref(obj, self), func, args, kwargs, order)
        finalize._live[self] = pending

    def __call__(self, _=None):
        """Run the call if it has not run and was not detached; its result, else None."""
        pending = finalize._live.pop(self, None)
        if pending is not None and not finalize._exiting:
            return pending.func(*pending.args, **pending.kwargs)

    def detach(self):
        """Cancel the call; (obj, func, args, kwargs) if it was still due, else None."""
        pending = finalize._live.get(self)
        obj = pending.target() if pending is not None else None
        if obj is not None and finalize._live.pop(self, None) is not None:
            return (obj, pending.func, pending.args, pending.kwargs)

    def peek(self):
        """(obj, func, args, kwargs) while the call is due, else None."""
        pending = finalize._live.get(self)
        obj = pending.target() if pending is not None else None
        if obj is not None:
            return (obj, pending.func, pending.args, pending.kwargs)

    @property
    def alive(self):
        return self in finalize._live

    @property
    def atexit(self):
        pending = finalize._live.get(self)
        return pending is not None and pending.atexit

    @atexit.setter
    def atexit(self, value):
        pending = finalize._live.get(self)
        if pending is not None:
            pending.atexit = bool(value)

    def __repr__(self):
        pending = finalize._live.get(self)
        obj = pending.target() if pending is not None else None
        if obj is None:
            return f"<{type(self).__name__} object at {id(self):#x}; dead>"
        return (f"<{type(self).__name__} object at {id(self):#x}; "
                f"for {type(obj).__name__!r} at {id(obj):#x}>")


def _run_exit_finalizers():
    """At interpreter exit (run by toy): the finalizers still due with atexit set, newest
    first; afterwards no finalizer runs any more."""
    due = [(pending.order, f) for f, pending in list(finalize._live.items()) if pending.atexit]
    due.sort(reverse=True)
    for _, f in due:
        f()
    finalize._exiting = True
