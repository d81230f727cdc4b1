"""Binary search in sorted lists: where an item goes, and inserting it there.

toy's own implementation of CPython's `bisect`. `key` applies to the list's items, not to x
(as in CPython 3.10+).
"""


def _bounds(a, lo, hi):
    if lo < 0:
        raise ValueError("lo must be non-negative")
    return lo, len(a) if hi is None else hi


def bisect_left(a, x, lo=0, hi=None, *, key=None):
    """The first index where x could be inserted keeping a sorted (before equal items)."""
    lo, hi = _bounds(a, lo, hi)
    while lo < hi:
        mid = (lo + hi) // 2
        item = a[mid] if key is None else key(a[mid])
        if item < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def bisect_right(a, x, lo=0, hi=None, *, key=None):
    """The last index where x could be inserted keeping a sorted (after equal items)."""
    lo, hi = _bounds(a, lo, hi)
    while lo < hi:
        mid = (lo + hi) // 2
        item = a[mid] if key is None else key(a[mid])
        if x < item:
            hi = mid
        else:
            lo = mid + 1
    return lo


def insort_left(a, x, lo=0, hi=None, *, key=None):
    """Insert x into sorted a, before any equal items."""
    at = bisect_left(a, x if key is None else key(x), lo, hi, key=key)
    a.insert(at, x)


def insort_right(a, x, lo=0, hi=None, *, key=None):
    """Insert x into sorted a, after any equal items."""
    at = bisect_right(a, x if key is None else key(x), lo, hi, key=key)
    a.insert(at, x)


bisect = bisect_right
insort = insort_right


# CPython's versions live in its C module _bisect, and pickle finds them there by name; so do
# toy's (py/_bisect.py hands them out under that name).
for _f in (bisect_left, bisect_right, insort_left, insort_right):
    _f.__module__ = "_bisect"
del _f
