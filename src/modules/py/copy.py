"""toy's copy module: shallow and deep copies.

copy(x) and deepcopy(x) copy the built-in containers directly and return immutable values
themselves. Any other object is copied the way pickle would save it: through __copy__ /
__deepcopy__ when its class defines them, else through a reducer from copyreg's dispatch
table or its __reduce_ex__(4) (so __getstate__/__setstate__, __getnewargs__ and __slots__
are honoured), and rebuilt from that reduction. deepcopy keeps a memo so shared and
recursive structures are copied once.
"""

from copyreg import dispatch_table

__all__ = ["Error", "copy", "deepcopy"]


class Error(Exception):
    pass


error = Error


def _function():
    pass


# Values that stand for themselves: their copies (shallow and deep) are the values.
_atomic = {
    type(None),
    type(Ellipsis),
    type(NotImplemented),
    int,
    float,
    complex,
    bool,
    str,
    bytes,
    type,
    range,
    property,
    type(_function),
    type(len),
}

# Copied as themselves by copy() only; deepcopy() rebuilds them from their items.
_shallow_atomic = _atomic | {tuple, frozenset, slice}


def _reduction(x, cls, shallow):
    reductor = dispatch_table.get(cls)
    if reductor is not None:
        return reductor(x)
    reductor = getattr(x, "__reduce_ex__", None)
    if reductor is not None:
        return reductor(4)
    reductor = getattr(x, "__reduce__", None)
    if reductor:
        return reductor()
    raise Error("un(%s)copyable object of type %s" % ("shallow" if shallow else "deep", cls))


def copy(x):
    """Return a shallow copy of x (x itself when it is immutable)."""
    cls = type(x)
    if cls in _shallow_atomic or issubclass(cls, type):
        return x
    if cls in (list, dict, set):
        return x.copy()
    copier = getattr(cls, "__copy__", None)
    if copier is not None:
        return copier(x)
    rv = _reduction(x, cls, True)
    if isinstance(rv, str):
        return x
    return _reconstruct(x, None, *rv)


def _deepcopy_list(x, memo):
    y = []
    memo[id(x)] = y  # before the items, which may lead back to x
    for item in x:
        y.append(deepcopy(item, memo))
    return y


def _deepcopy_dict(x, memo):
    y = {}
    memo[id(x)] = y
    for key, value in x.items():
        y[deepcopy(key, memo)] = deepcopy(value, memo)
    return y


def _deepcopy_tuple(x, memo):
    y = [deepcopy(item, memo) for item in x]
    # An item led back to x (through a list, say): x was copied on that path already.
    try:
        return memo[id(x)]
    except KeyError:
        pass
    # A tuple whose items all copy to themselves is its own deep copy.
    for old, new in zip(x, y):
        if old is not new:
            return tuple(y)
    return x


_deepcopy_dispatch = {list: _deepcopy_list, dict: _deepcopy_dict, tuple: _deepcopy_tuple}


def deepcopy(x, memo=None, _nil=[]):
    """Return a deep copy of x. memo maps id(original) to its copy, so shared and recursive
    parts are copied once (it is passed on to __deepcopy__ methods)."""
    if memo is None:
        memo = {}
    key = id(x)
    y = memo.get(key, _nil)
    if y is not _nil:
        return y
    cls = type(x)
    copier = _deepcopy_dispatch.get(cls)
    if copier is not None:
        y = copier(x, memo)
    elif cls in _atomic or issubclass(cls, type):
        y = x
    else:
        copier = getattr(x, "__deepcopy__", None)
        if copier is not None:
            y = copier(memo)
        else:
            rv = _reduction(x, cls, False)
            y = x if isinstance(rv, str) else _reconstruct(x, memo, *rv)
    if y is not x:
        memo[key] = y
        _keep_alive(x, memo)
    return y


def _keep_alive(x, memo):
    # The memo is keyed by id(): the originals must outlive it, or an id could be reused.
    # They are kept in a list stored under the memo's own id, where CPython keeps them too
    # (code written for CPython's __deepcopy__ may look there).
    try:
        memo[id(memo)].append(x)
    except KeyError:
        memo[id(memo)] = [x]


def _reconstruct(x, memo, func, args, state=None, listiter=None, dictiter=None, *, deepcopy=deepcopy):
    # Rebuild x from its reduction, as unpickling would, copying the parts when deep.
    deep = memo is not None
    if deep and args:
        args = deepcopy(args, memo)
    y = func(*args)
    if deep:
        memo[id(x)] = y
    if state is not None:
        if deep:
            state = deepcopy(state, memo)
        if hasattr(y, "__setstate__"):
            y.__setstate__(state)
        else:
            if isinstance(state, tuple) and len(state) == 2:
                state, slotstate = state
            else:
                slotstate = None
            if state is not None:
                y.__dict__.update(state)
            if slotstate is not None:
                for key, value in slotstate.items():
                    setattr(y, key, value)
    if listiter is not None:
        for item in listiter:
            if deep:
                item = deepcopy(item, memo)
            y.append(item)
    if dictiter is not None:
        for key, value in dictiter:
            if deep:
                key = deepcopy(key, memo)
                value = deepcopy(value, memo)
            y[key] = value
    return y
