"""toy's itertools, with CPython's public behaviour (orders, reprs, error messages).

count, cycle and repeat are classes with CPython's reprs; count's next() takes a lock, so a
count shared by threads (a common way to hand out ids) never repeats a number, GIL or not.
The other tools are generators: their arguments are checked when they are called, as in
CPython, and they show up as generator objects.
"""

import _thread
import sys

__all__ = [
    "accumulate",
    "chain",
    "combinations",
    "combinations_with_replacement",
    "compress",
    "count",
    "cycle",
    "dropwhile",
    "filterfalse",
    "groupby",
    "islice",
    "pairwise",
    "permutations",
    "product",
    "repeat",
    "starmap",
    "takewhile",
    "tee",
    "zip_longest",
]


def _check_number(value):
    if not isinstance(value, (int, float)):
        raise TypeError("a number is required")


class count:
    """Numbers from start, step apart, without end."""

    def __init__(self, start=0, step=1):
        _check_number(start)
        _check_number(step)
        self._next = start
        self._step = step
        self._lock = _thread.allocate_lock()

    def __iter__(self):
        return self

    def __next__(self):
        with self._lock:
            value = self._next
            self._next = value + self._step
        return value

    def __reduce__(self):
        # As CPython's: the next number alone while counting ints by 1, else with the step.
        if type(self._step) is int and self._step == 1 and isinstance(self._next, int):
            return type(self), (int(self._next),)
        return type(self), (self._next, self._step)

    def __repr__(self):
        if type(self._step) is int and self._step == 1:
            return "count(%r)" % (self._next,)
        return "count(%r, %r)" % (self._next, self._step)


class cycle:
    """The input's items, then the same items again, forever."""

    def __reduce__(self):
        # CPython pickles its cycle objects, with a state toy's do not keep.
        raise TypeError("cannot pickle 'itertools.cycle' object")

    def __init__(self, iterable):
        self._it = iter(iterable)
        self._saved = []
        self._index = 0
        self._firstpass = True

    def __iter__(self):
        return self

    def __next__(self):
        if self._firstpass:
            for item in self._it:
                self._saved.append(item)
                return item
            self._firstpass = False
        if not self._saved:
            raise StopIteration
        item = self._saved[self._index]
        self._index = (self._index + 1) % len(self._saved)
        return item


class repeat:
    """The same object again and again: times times, or without end."""

    def __init__(self, object, times=None):
        if times is not None:
            times = _index(times, "integer")
            if times < 0:
                times = 0
        self._object = object
        self._times = times

    def __iter__(self):
        return self

    def __next__(self):
        if self._times is None:
            return self._object
        if self._times <= 0:
            raise StopIteration
        self._times -= 1
        return self._object

    def __reduce__(self):
        if self._times is None:
            return type(self), (self._object,)
        return type(self), (self._object, self._times)

    def __length_hint__(self):
        if self._times is None:
            raise TypeError("len() of unsized object")
        return self._times

    def __repr__(self):
        if self._times is None:
            return "repeat(%r)" % (self._object,)
        return "repeat(%r, %d)" % (self._object, self._times)


def _index(value, what):
    if isinstance(value, int):
        return value
    if hasattr(type(value), "__index__"):
        return value.__index__()
    raise TypeError("'%s' object cannot be interpreted as an integer" % type(value).__name__)


def accumulate(iterable, func=None, *, initial=None):
    """Running totals (or running results of func), starting from initial if given."""
    it = iter(iterable)

    def generate():
        total = initial
        if initial is None:
            try:
                total = next(it)
            except StopIteration:
                return
        yield total
        for element in it:
            total = total + element if func is None else func(total, element)
            yield total

    return generate()


def chain(*iterables):
    """The items of each input in turn."""

    def generate():
        for it in iterables:
            yield from it

    return generate()


def _from_iterable(iterable):
    """The items of each iterable produced by the input, in turn."""
    iterables = iter(iterable)

    def generate():
        for it in iterables:
            yield from it

    return generate()


chain.from_iterable = _from_iterable


def compress(data, selectors):
    """The items of data whose matching selector is true."""
    return (d for d, s in zip(data, selectors) if s)


def dropwhile(predicate, iterable):
    """Skip items while predicate holds, then give all the rest."""
    it = iter(iterable)

    def generate():
        for x in it:
            if not predicate(x):
                yield x
                break
        yield from it

    return generate()


def takewhile(predicate, iterable):
    """Give items while predicate holds; stop at the first that fails."""
    it = iter(iterable)

    def generate():
        for x in it:
            if not predicate(x):
                return
            yield x

    return generate()


def filterfalse(predicate, iterable):
    """The items for which predicate is false (the false items if it is None)."""
    it = iter(iterable)
    if predicate is None:
        predicate = bool
    return (x for x in it if not predicate(x))


def starmap(function, iterable):
    """function(*args) for each args tuple of the input."""
    it = iter(iterable)
    return (function(*args) for args in it)


def pairwise(iterable):
    """Overlapping pairs of neighbouring items."""
    it = iter(iterable)

    def generate():
        for a in it:
            for b in it:
                yield a, b
                a = b
            return

    return generate()


def islice(iterable, *args):
    """islice(iterable, stop) or islice(iterable, start, stop[, step])"""
    if not 1 <= len(args) <= 3:
        if not args:
            raise TypeError("islice expected at least 2 arguments, got 1")
        raise TypeError("islice expected at most 4 arguments, got %d" % (len(args) + 1))
    if len(args) == 1:
        start, stop, step = None, args[0], None
    else:
        start, stop, step = (list(args) + [None])[:3]
    if stop is not None:
        stop = _slice_arg(stop, "Stop argument for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
    if start is None:
        start = 0
    else:
        start = _slice_arg(start, "Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
    if step is None:
        step = 1
    else:
        step = _slice_arg(step, "Step for islice() must be a positive integer or None.")
        if step == 0:
            raise ValueError("Step for islice() must be a positive integer or None.")
    if stop is None:
        stop = sys.maxsize
    it = iter(iterable)

    def generate():
        positions = iter(range(start, stop, step))
        try:
            nexti = next(positions)
        except StopIteration:
            # Consume the iterable up to `start`, as CPython does.
            for _ in zip(range(start), it):
                pass
            return
        i = -1
        try:
            for i, element in enumerate(it):
                if i == nexti:
                    yield element
                    nexti = next(positions)
        except StopIteration:
            # Consume up to `stop`.
            for _ in zip(range(i + 1, stop), it):
                pass

    return generate()


def _slice_arg(value, message):
    if isinstance(value, int) or hasattr(type(value), "__index__"):
        value = _index(value, "integer")
        if 0 <= value <= sys.maxsize:
            return value
    raise ValueError(message)


def zip_longest(*iterables, fillvalue=None):
    """Like zip(), but runs until the longest input ends, padding the others with fillvalue."""
    sources = [iter(it) for it in iterables]

    def generate():
        live = len(sources)
        while live:
            row = []
            for pos, source in enumerate(sources):
                if source is not None:
                    try:
                        row.append(next(source))
                        continue
                    except StopIteration:
                        sources[pos] = None
                        live -= 1
                        if not live:
                            return
                row.append(fillvalue)
            yield tuple(row)

    return generate()


def product(*iterables, repeat=1):
    """Cartesian product of the inputs, as tuples, the rightmost element varying fastest."""
    repeat = _index(repeat, "integer")
    if repeat < 0:
        raise ValueError("repeat argument cannot be negative")
    # Every input is read in full now, as CPython does.
    pools = [tuple(pool) for pool in iterables] * repeat

    def generate():
        if not all(pools):
            return
        # An odometer: one digit per pool, the last turning fastest.
        digits = [0] * len(pools)
        while True:
            yield tuple(pool[d] for pool, d in zip(pools, digits))
            place = len(pools) - 1
            while place >= 0:
                digits[place] += 1
                if digits[place] < len(pools[place]):
                    break
                digits[place] = 0
                place -= 1
            if place < 0:
                return

    return generate()


def _arrangements(n, r, taken, picked):
    # Index sequences of length r without repeats, in lexicographic order.
    if len(picked) == r:
        yield picked
        return
    for i in range(n):
        if not taken[i]:
            taken[i] = True
            picked.append(i)
            yield from _arrangements(n, r, taken, picked)
            picked.pop()
            taken[i] = False


def _selections(n, r, lowest, repeats):
    # Non-decreasing (repeats) or increasing index lists of length r, in lexicographic order.
    if r == 0:
        yield []
        return
    highest = n if repeats else n - r + 1
    for first in range(lowest, highest):
        for rest in _selections(n, r - 1, first if repeats else first + 1, repeats):
            yield [first] + rest


def _r_argument(r):
    r = _index(r, "integer")
    if r < 0:
        raise ValueError("r must be non-negative")
    return r


def permutations(iterable, r=None):
    """Every ordering of r items (all of them by default) of the input, as tuples."""
    pool = tuple(iterable)
    n = len(pool)
    r = n if r is None else _r_argument(r)

    def generate():
        if r > n:
            return
        for picked in _arrangements(n, r, [False] * n, []):
            yield tuple(pool[i] for i in picked)

    return generate()


def combinations(iterable, r):
    """Every choice of r items of the input, in input order, as tuples."""
    pool = tuple(iterable)
    r = _r_argument(r)
    return (tuple(pool[i] for i in chosen) for chosen in _selections(len(pool), r, 0, False))


def combinations_with_replacement(iterable, r):
    """Like combinations(), but an item may be chosen more than once."""
    pool = tuple(iterable)
    r = _r_argument(r)
    return (tuple(pool[i] for i in chosen) for chosen in _selections(len(pool), r, 0, True))


_NO_ITEM = object()


class groupby:
    """Yield (key, group) for each run of consecutive items with equal keys; a group is an
    iterator over its run, valid until groupby itself is advanced."""

    def __reduce__(self):
        # CPython pickles its groupby objects, with a state toy's do not keep.
        raise TypeError("cannot pickle 'itertools.groupby' object")

    def __init__(self, iterable, key=None):
        self._source = iter(iterable)
        self._keyfunc = key
        # The next unconsumed item as (key, value), or _NO_ITEM when none has been read.
        self._lookahead = _NO_ITEM
        self._run_key = _NO_ITEM  # the key of the current run
        self._run_number = 0  # identifies the run that group iterators may still read

    def __iter__(self):
        return self

    def _peek(self):
        # The next (key, value), read from the source if need be; StopIteration at the end.
        if self._lookahead is _NO_ITEM:
            value = next(self._source)
            key = value if self._keyfunc is None else self._keyfunc(value)
            self._lookahead = (key, value)
        return self._lookahead

    def __next__(self):
        self._run_number += 1
        while True:
            key, _ = self._peek()
            if self._run_key is _NO_ITEM or not key == self._run_key:
                break
            # Still the previous run: skip what its group iterator left unread.
            self._lookahead = _NO_ITEM
        self._run_key = key
        return key, self._members(self._run_number)

    def _members(self, run_number):
        while run_number == self._run_number:
            try:
                key, value = self._peek()
            except StopIteration:
                return
            if not key == self._run_key:
                return
            self._lookahead = _NO_ITEM
            yield value


def tee(iterable, n=2):
    """n independent iterators over the same items."""
    n = _index(n, "integer")
    if n < 0:
        raise ValueError("n must be >= 0")
    it = iter(iterable)
    # One shared list of linked cells: [value, next_cell]; each iterator walks it.
    end = [None, None]
    lock = _thread.allocate_lock()

    def generate(cell):
        while True:
            with lock:
                if cell[1] is None:
                    try:
                        value = next(it)
                    except StopIteration:
                        return
                    cell[0] = value
                    cell[1] = [None, None]
                value, cell = cell[0], cell[1]
            yield value

    return tuple(generate(end) for _ in range(n))
