"""toy's copy module: shallow and deep copies.

copy(x) and deepcopy(x) handle the built-in containers, classes that define __copy__ or
__deepcopy__ (and __getstate__/__setstate__), and instances of plain classes, whose copies are
made without calling __init__ (by _copy._new_instance, as CPython does with cls.__new__) and
given a copy of the original's attributes. deepcopy keeps a memo so shared and recursive
structures are copied once.
"""

import _copy

__all__ = ["Error", "copy", "deepcopy"]


class Error(Exception):
    pass


error = Error


def _function():
    pass


# Immutable values and objects that stand for themselves: copies are the object itself.
_atomic = (
    type(None),
    int,
    float,
    complex,
    bool,
    str,
    bytes,
    range,
    type,
    frozenset,
    type(Ellipsis),
    type(NotImplemented),
    type(_function),
    type(len),
    property,
)


def copy(x):
    """Return a shallow copy of x (x itself when it is immutable)."""
    kind = type(x)
    if kind in _atomic or kind is tuple:
        return x
    if kind in (list, dict, set):
        return kind(x)
    own = getattr(kind, "__copy__", None)
    return own(x) if own is not None else _reconstruct(x, None)


def _deep_list(x, memo):
    twin = []
    memo[id(x)] = twin  # before the items, which may lead back to x
    for item in x:
        twin.append(deepcopy(item, memo))
    return twin


def _deep_dict(x, memo):
    twin = {}
    memo[id(x)] = twin
    for key in x:
        twin[deepcopy(key, memo)] = deepcopy(x[key], memo)
    return twin


def _deep_tuple(x, memo):
    items = tuple([deepcopy(item, memo) for item in x])
    # If an item led back to x (through a list, say), x was copied on that path already.
    if id(x) in memo:
        return memo[id(x)]
    # A tuple whose items all copy to themselves is its own deep copy.
    if all(old is new for old, new in zip(x, items)):
        return x
    return items


def _deep_set(x, memo):
    return {deepcopy(item, memo) for item in x}


def _deep_frozenset(x, memo):
    # Atomic for copy(), but deepcopy() builds a new one, as CPython does (via reduce).
    return frozenset(deepcopy(item, memo) for item in x)


_deep_copiers = {
    list: _deep_list,
    dict: _deep_dict,
    tuple: _deep_tuple,
    set: _deep_set,
    frozenset: _deep_frozenset,
}


def deepcopy(x, memo=None):
    """Return a deep copy of x. memo maps id(original) to its copy, so that shared and
    recursive parts are copied once (the same dict is passed to __deepcopy__ methods)."""
    if memo is None:
        memo = {}
    key = id(x)
    if key in memo:
        return memo[key]
    kind = type(x)
    copier = _deep_copiers.get(kind)
    if copier is not None:
        twin = copier(x, memo)
    elif kind in _atomic:
        return x
    else:
        own = getattr(x, "__deepcopy__", None)
        twin = own(memo) if own is not None else _reconstruct(x, memo)
    if twin is not x:
        memo[key] = twin
        _hold(x, memo)
    return twin


def _hold(x, memo):
    # The memo is keyed by id(): the originals must outlive it, or an id could be reused.
    # They are kept in a list stored under the memo's own id, where CPython keeps them too
    # (code written for CPython's __deepcopy__ may look there).
    memo.setdefault(id(memo), []).append(x)


def _slot_names(kind):
    # The attributes declared in __slots__ along the MRO, as stored (private names mangled).
    names = []
    for klass in kind.__mro__:
        declared = klass.__dict__.get("__slots__", ())
        for name in (declared,) if isinstance(declared, str) else declared:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = "_" + klass.__name__.lstrip("_") + name
            names.append(name)
    return names


def _reconstruct(x, memo):
    # A new instance made without __init__, given (a deep copy of) x's state: its __dict__
    # and the slots that are set.
    kind = type(x)
    slots = _slot_names(kind)
    has_dict = hasattr(x, "__dict__")
    if isinstance(x, BaseException) or not (has_dict or slots):
        raise TypeError("cannot pickle '%s' object" % kind.__name__)
    twin = _copy._new_instance(kind)
    if memo is not None:
        memo[id(x)] = twin  # the state may refer back to x
    state_of = getattr(x, "__getstate__", None)
    if state_of is not None:
        state = state_of()
    elif slots:
        state = dict(x.__dict__) if has_dict else {}
        for name in slots:
            try:
                state[name] = getattr(x, name)
            except AttributeError:
                pass
    else:
        state = x.__dict__
    if memo is not None:
        state = deepcopy(state, memo)
    restore = getattr(twin, "__setstate__", None)
    if restore is not None:
        restore(state)
    elif state:
        for name in state:
            setattr(twin, name, state[name])
    return twin
