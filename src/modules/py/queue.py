"""toy's queue module: Queue, LifoQueue, PriorityQueue and SimpleQueue, built on `threading`.

One lock guards a queue; three Conditions on that lock wake getters, putters and join()ers.
Blocking calls wait on a Condition, so the GIL is released while they wait.
"""

import heapq
import threading
from time import monotonic as _clock


class Empty(Exception):
    "Raised by get(block=False) / get_nowait() when the queue has nothing to give."


class Full(Exception):
    "Raised by put(block=False) / put_nowait() when a bounded queue has no room."


def _await(cond, ready, block, timeout, failure):
    """With cond held, wait until ready() holds; raise failure if it does not hold at once
    (block false) or within timeout seconds. A negative timeout is an error even when no
    wait is needed, as in CPython."""
    if not block:
        if not ready():
            raise failure
        return
    if timeout is None:
        while not ready():
            cond.wait()
        return
    if timeout < 0:
        raise ValueError("'timeout' must be a non-negative number")
    give_up = _clock() + timeout
    while not ready():
        left = give_up - _clock()
        if left <= 0:
            raise failure
        cond.wait(left)


class Queue:
    """First in, first out. maxsize <= 0 means no bound.

    Subclasses change the order by overriding the storage hooks _init, _qsize, _put, _get
    (called with the lock held), as with CPython's queue."""

    def __init__(self, maxsize=0):
        self.maxsize = maxsize
        self._init(maxsize)
        self.mutex = threading.Lock()
        self.not_empty = threading.Condition(self.mutex)
        self.not_full = threading.Condition(self.mutex)
        self.all_tasks_done = threading.Condition(self.mutex)
        self.unfinished_tasks = 0

    def _has_room(self):
        return self._qsize() < self.maxsize

    def _has_items(self):
        return self._qsize() > 0

    def put(self, item, block=True, timeout=None):
        """Add item, waiting for room if the queue is bounded and full."""
        with self.mutex:
            if self.maxsize > 0:
                # Only a bounded queue ever waits (or checks the timeout).
                _await(self.not_full, self._has_room, block, timeout, Full)
            self._put(item)
            self.unfinished_tasks += 1
            self.not_empty.notify()

    def get(self, block=True, timeout=None):
        """Remove and return the next item, waiting for one if the queue is empty."""
        with self.mutex:
            _await(self.not_empty, self._has_items, block, timeout, Empty)
            item = self._get()
            self.not_full.notify()
            return item

    def put_nowait(self, item):
        return self.put(item, False)

    def get_nowait(self):
        return self.get(False)

    def task_done(self):
        """Mark one item taken with get() as processed (for join())."""
        with self.mutex:
            if self.unfinished_tasks <= 0:
                raise ValueError("task_done() called too many times")
            self.unfinished_tasks -= 1
            if self.unfinished_tasks == 0:
                self.all_tasks_done.notify_all()

    def join(self):
        """Wait until every item put so far has been marked done."""
        with self.mutex:
            self.all_tasks_done.wait_for(lambda: self.unfinished_tasks == 0)

    def qsize(self):
        with self.mutex:
            return self._qsize()

    def empty(self):
        with self.mutex:
            return self._qsize() == 0

    def full(self):
        with self.mutex:
            return self.maxsize > 0 and self._qsize() >= self.maxsize

    # Storage hooks: a list read from a moving head index.

    def _init(self, maxsize):
        self.queue = []
        self._head = 0

    def _qsize(self):
        return len(self.queue) - self._head

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        item = self.queue[self._head]
        self._head += 1
        # Drop the consumed prefix now and then, so get() stays O(1) amortised.
        if self._head > 32 and self._head * 2 > len(self.queue):
            del self.queue[: self._head]
            self._head = 0
        return item


class LifoQueue(Queue):
    """Last in, first out."""

    def _init(self, maxsize):
        self.queue = []

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        self.queue.append(item)

    def _get(self):
        return self.queue.pop()


class PriorityQueue(Queue):
    """Smallest item first, kept as a heapq heap."""

    def _init(self, maxsize):
        self.queue = []

    def _qsize(self):
        return len(self.queue)

    def _put(self, item):
        heapq.heappush(self.queue, item)

    def _get(self):
        return heapq.heappop(self.queue)


class SimpleQueue:
    """Unbounded FIFO queue without task tracking."""

    def __reduce__(self):
        raise TypeError("cannot pickle '_queue.SimpleQueue' object")

    def __init__(self):
        self._queue = Queue()

    def put(self, item, block=True, timeout=None):
        self._queue.put(item)

    def put_nowait(self, item):
        self._queue.put(item)

    def get(self, block=True, timeout=None):
        return self._queue.get(block, timeout)

    def get_nowait(self):
        return self._queue.get(False)

    def empty(self):
        return self._queue.empty()

    def qsize(self):
        return self._queue.qsize()
