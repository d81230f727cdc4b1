"""Iterator building blocks, after CPython's Modules/itertoolsmodule.c and the "roughly
equivalent" Python in its documentation.

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
    """count(start=0, step=1) --> start, start+step, start+2*step, ..."""

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

    def __repr__(self):
        if type(self._step) is int and self._step == 1:
            return "count(%r)" % (self._next,)
        return "count(%r, %r)" % (self._next, self._step)


class cycle:
    """cycle(iterable) --> the items of the iterable, then the same again, forever."""

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
    """repeat(object [,times]) -> object, times times or forever."""

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
    """accumulate([1,2,3,4,5]) --> 1 3 6 10 15"""
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
    """chain('ABC', 'DEF') --> A B C D E F"""

    def generate():
        for it in iterables:
            yield from it

    return generate()


def _from_iterable(iterable):
    """chain.from_iterable(['ABC', 'DEF']) --> A B C D E F"""
    iterables = iter(iterable)

    def generate():
        for it in iterables:
            yield from it

    return generate()


chain.from_iterable = _from_iterable


def compress(data, selectors):
    """compress('ABCDEF', [1,0,1,0,1,1]) --> A C E F"""
    return (d for d, s in zip(data, selectors) if s)


def dropwhile(predicate, iterable):
    """dropwhile(lambda x: x<5, [1,4,6,4,1]) --> 6 4 1"""
    it = iter(iterable)

    def generate():
        for x in it:
            if not predicate(x):
                yield x
                break
        yield from it

    return generate()


def takewhile(predicate, iterable):
    """takewhile(lambda x: x<5, [1,4,6,4,1]) --> 1 4"""
    it = iter(iterable)

    def generate():
        for x in it:
            if not predicate(x):
                return
            yield x

    return generate()


def filterfalse(predicate, iterable):
    """filterfalse(lambda x: x%2, range(10)) --> 0 2 4 6 8"""
    it = iter(iterable)
    if predicate is None:
        predicate = bool
    return (x for x in it if not predicate(x))


def starmap(function, iterable):
    """starmap(pow, [(2,5), (3,2), (10,3)]) --> 32 9 1000"""
    it = iter(iterable)
    return (function(*args) for args in it)


def pairwise(iterable):
    """pairwise('ABCD') --> AB BC CD"""
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
    """zip_longest('ABCD', 'xy', fillvalue='-') --> Ax By C- D-"""
    iterators = [iter(it) for it in iterables]

    def generate():
        num_active = len(iterators)
        if not num_active:
            return
        while True:
            values = []
            for i, it in enumerate(iterators):
                try:
                    value = next(it)
                except StopIteration:
                    num_active -= 1
                    if not num_active:
                        return
                    iterators[i] = repeat(fillvalue)
                    value = fillvalue
                values.append(value)
            yield tuple(values)

    return generate()


def product(*iterables, repeat=1):
    """product('ab', range(3)) --> ('a',0) ('a',1) ('a',2) ('b',0) ('b',1) ('b',2)"""
    repeat = _index(repeat, "integer")
    if repeat < 0:
        raise ValueError("repeat argument cannot be negative")
    pools = [tuple(pool) for pool in iterables] * repeat

    def generate():
        result = [[]]
        for pool in pools:
            result = [x + [y] for x in result for y in pool]
        for prod in result:
            yield tuple(prod)

    return generate()


def permutations(iterable, r=None):
    """permutations(range(3), 2) --> (0,1), (0,2), (1,0), (1,2), (2,0), (2,1)"""
    pool = tuple(iterable)
    n = len(pool)
    if r is None:
        r = n
    else:
        r = _index(r, "integer")
        if r < 0:
            raise ValueError("r must be non-negative")

    def generate():
        if r > n:
            return
        indices = list(range(n))
        cycles = list(range(n, n - r, -1))
        yield tuple(pool[i] for i in indices[:r])
        while n:
            for i in reversed(range(r)):
                cycles[i] -= 1
                if cycles[i] == 0:
                    indices[i:] = indices[i + 1:] + indices[i:i + 1]
                    cycles[i] = n - i
                else:
                    j = cycles[i]
                    indices[i], indices[-j] = indices[-j], indices[i]
                    yield tuple(pool[i] for i in indices[:r])
                    break
            else:
                return

    return generate()


def combinations(iterable, r):
    """combinations('ABCD', 2) --> AB AC AD BC BD CD"""
    pool = tuple(iterable)
    n = len(pool)
    r = _index(r, "integer")
    if r < 0:
        raise ValueError("r must be non-negative")

    def generate():
        if r > n:
            return
        indices = list(range(r))
        yield tuple(pool[i] for i in indices)
        while True:
            for i in reversed(range(r)):
                if indices[i] != i + n - r:
                    break
            else:
                return
            indices[i] += 1
            for j in range(i + 1, r):
                indices[j] = indices[j - 1] + 1
            yield tuple(pool[i] for i in indices)

    return generate()


def combinations_with_replacement(iterable, r):
    """combinations_with_replacement('ABC', 2) --> AA AB AC BB BC CC"""
    pool = tuple(iterable)
    n = len(pool)
    r = _index(r, "integer")
    if r < 0:
        raise ValueError("r must be non-negative")

    def generate():
        if not n and r:
            return
        indices = [0] * r
        yield tuple(pool[i] for i in indices)
        while True:
            for i in reversed(range(r)):
                if indices[i] != n - 1:
                    break
            else:
                return
            indices[i:] = [indices[i] + 1] * (r - i)
            yield tuple(pool[i] for i in indices)

    return generate()


class groupby:
    """groupby(iterable, key=None) -> (key, group iterator) for each run of equal keys."""

    def __init__(self, iterable, key=None):
        self._keyfunc = (lambda x: x) if key is None else key
        self._it = iter(iterable)
        self._tgtkey = self._currkey = self._currvalue = object()
        # Bumped for each new group, so an old group iterator stops when the next starts.
        self._generation = 0

    def __iter__(self):
        return self

    def __next__(self):
        self._generation += 1
        while self._currkey == self._tgtkey:
            self._currvalue = next(self._it)
            self._currkey = self._keyfunc(self._currvalue)
        self._tgtkey = self._currkey
        return (self._currkey, self._grouper(self._tgtkey, self._generation))

    def _grouper(self, tgtkey, generation):
        while self._generation == generation and self._currkey == tgtkey:
            yield self._currvalue
            try:
                self._currvalue = next(self._it)
            except StopIteration:
                return
            self._currkey = self._keyfunc(self._currvalue)


def tee(iterable, n=2):
    """tee(iterable, n=2) --> n independent iterators over the same items."""
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
