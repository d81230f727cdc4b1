"""Shallow and deep copy operations, after CPython's Lib/copy.py.

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
    """Shallow copy operation on arbitrary Python objects."""
    cls = type(x)
    if cls in _atomic or cls is tuple:
        return x
    if cls is list:
        return list(x)
    if cls is dict:
        return dict(x)
    if cls is set:
        return set(x)
    copier = getattr(cls, "__copy__", None)
    if copier is not None:
        return copier(x)
    return _reconstruct(x, None)


def deepcopy(x, memo=None):
    """Deep copy operation on arbitrary Python objects."""
    if memo is None:
        memo = {}
    d = id(x)
    if d in memo:
        return memo[d]
    cls = type(x)
    if cls in _atomic:
        return x
    if cls is list:
        y = []
        memo[d] = y
        for a in x:
            y.append(deepcopy(a, memo))
    elif cls is tuple:
        items = [deepcopy(a, memo) for a in x]
        # A tuple that contains itself through a list is in the memo by now.
        if d in memo:
            return memo[d]
        if all(a is b for a, b in zip(x, items)):
            y = x
        else:
            y = tuple(items)
    elif cls is dict:
        y = {}
        memo[d] = y
        for key, value in x.items():
            y[deepcopy(key, memo)] = deepcopy(value, memo)
    elif cls is set:
        y = {deepcopy(a, memo) for a in x}
    else:
        copier = getattr(x, "__deepcopy__", None)
        if copier is not None:
            y = copier(memo)
        else:
            y = _reconstruct(x, memo)
    if y is not x:
        memo[d] = y
        _keep_alive(x, memo)
    return y


def _keep_alive(x, memo):
    """Keep the originals alive while the memo (keyed by id) is in use."""
    try:
        memo[id(memo)].append(x)
    except KeyError:
        memo[id(memo)] = [x]


def _reconstruct(x, memo):
    cls = type(x)
    if isinstance(x, BaseException) or not hasattr(x, "__dict__"):
        raise TypeError("cannot pickle '%s' object" % cls.__name__)
    y = _copy._new_instance(cls)
    if memo is not None:
        memo[id(x)] = y
    getstate = getattr(x, "__getstate__", None)
    state = getstate() if getstate is not None else x.__dict__
    if memo is not None:
        state = deepcopy(state, memo)
    setstate = getattr(y, "__setstate__", None)
    if setstate is not None:
        setstate(state)
    elif state:
        for key, value in state.items():
            setattr(y, key, value)
    return y
