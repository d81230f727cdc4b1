"""Binary min-heaps kept in plain lists: heap[k] <= heap[2*k+1] and heap[k] <= heap[2*k+2].

toy's own implementation of CPython's `heapq`. Items are compared with `<` only, and the
sifting follows CPython's choices (a popped slot is refilled by walking the smaller children
up to a leaf, then sifting the moved item back up), so a heap holds its items in the same
positions as under CPython — programs that print a heap print the same list.
"""


def _check(heap):
    if not isinstance(heap, list):
        raise TypeError("heap argument must be a list")


def _bubble_up(heap, floor, pos):
    """Move heap[pos] up towards index `floor` while it is smaller than its parent."""
    item = heap[pos]
    while pos > floor:
        parent = (pos - 1) >> 1
        if not item < heap[parent]:
            break
        heap[pos] = heap[parent]
        pos = parent
    heap[pos] = item


def _refill(heap, pos):
    """heap[pos] holds an item that may be too large: move the smaller child up, level by
    level, to a leaf, put the item there and bubble it back up."""
    end = len(heap)
    top = pos
    item = heap[pos]
    child = 2 * pos + 1
    while child < end:
        right = child + 1
        if right < end and not heap[child] < heap[right]:
            child = right
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    heap[pos] = item
    _bubble_up(heap, top, pos)


def heappush(heap, item):
    """Push item onto heap, keeping the heap invariant."""
    _check(heap)
    heap.append(item)
    _bubble_up(heap, 0, len(heap) - 1)


def heappop(heap):
    """Pop the smallest item off the heap."""
    _check(heap)
    if not heap:
        raise IndexError("index out of range")
    last = heap.pop()
    if not heap:
        return last
    smallest = heap[0]
    heap[0] = last
    _refill(heap, 0)
    return smallest


def heapreplace(heap, item):
    """Pop the smallest item, then push item (the heap never grows)."""
    _check(heap)
    if not heap:
        raise IndexError("index out of range")
    smallest = heap[0]
    heap[0] = item
    _refill(heap, 0)
    return smallest


def heappushpop(heap, item):
    """Push item, then pop the smallest item, faster than the two calls."""
    _check(heap)
    if heap and heap[0] < item:
        item, heap[0] = heap[0], item
        _refill(heap, 0)
    return item


def heapify(x):
    """Make list x a heap, in place, in linear time."""
    _check(x)
    for pos in reversed(range(len(x) // 2)):
        _refill(x, pos)


def nsmallest(n, iterable, key=None):
    """The n smallest items, smallest first: sorted(iterable, key=key)[:n]."""
    if n <= 0:
        return []
    return sorted(iterable, key=key)[:n]


def nlargest(n, iterable, key=None):
    """The n largest items, largest first: sorted(iterable, key=key, reverse=True)[:n]."""
    if n <= 0:
        return []
    return sorted(iterable, key=key, reverse=True)[:n]


class _Larger:
    """Reverses the order of a key, for merging inputs sorted largest first."""

    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __lt__(self, other):
        return other.key < self.key


def merge(*iterables, key=None, reverse=False):
    """Merge sorted inputs into one sorted stream, lazily. Equal items come out in the order
    of their inputs (the merge is stable)."""
    heap = []
    for order, iterable in enumerate(iterables):
        iterator = iter(iterable)
        for value in iterator:
            heap.append([_rank(value, key, reverse), order, value, iterator])
            break
    heapify(heap)
    while heap:
        entry = heap[0]
        yield entry[2]
        for value in entry[3]:
            entry[0] = _rank(value, key, reverse)
            entry[2] = value
            heapreplace(heap, entry)
            break
        else:
            heappop(heap)


def _rank(value, key, reverse):
    ranked = value if key is None else key(value)
    return _Larger(ranked) if reverse else ranked


# CPython's versions live in its C module _heapq, and pickle finds them there by name; so do
# toy's (py/_heapq.py hands them out under that name).
for _f in (heappush, heappop, heapreplace, heappushpop, heapify):
    _f.__module__ = "_heapq"
del _f
