"""`Queue`, `JoinableQueue` and `SimpleQueue` between processes, over an OS pipe.

`SimpleQueue` pickles in `put` and writes at once, under a process-shared lock so messages
from several processes never interleave. `Queue` (as CPython's) never blocks in `put` unless
it is full: items go to a buffer that a feeder thread pickles and writes to the pipe; a
process flushes its feeder before it ends (unless `cancel_join_thread()` was called). The
buffer and the feeder belong to one process: a forked child starts with its own, empty."""

import collections
import os
import pickle
import threading
import time
from queue import Empty, Full

from multiprocessing import connection, synchronize, util

__all__ = ["Queue", "SimpleQueue", "JoinableQueue"]

_CLOSE = object()


class Queue:
    def __init__(self, maxsize=0, *, ctx=None):
        if maxsize <= 0:
            maxsize = synchronize.SEM_VALUE_MAX
        self._maxsize = maxsize
        self._reader, self._writer = connection.Pipe(duplex=False)
        self._rlock = synchronize.Lock()
        self._wlock = synchronize.Lock()
        self._sem = synchronize.BoundedSemaphore(maxsize)
        self._ignore_epipe = False
        self._reset()

    def _reset(self):
        """This process's side: no buffered items, no feeder yet."""
        self._pid = os.getpid()
        self._closed = False
        self._close_requested = False
        self._joincancelled = False
        self._buffer = collections.deque()
        self._notempty = threading.Condition(threading.Lock())
        self._thread = None

    def _own(self):
        if self._pid != os.getpid():
            self._reset()

    def __getstate__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return (self._ignore_epipe, self._maxsize, self._reader, self._writer,
                self._rlock, self._wlock, self._sem)

    def __setstate__(self, state):
        (self._ignore_epipe, self._maxsize, self._reader, self._writer,
         self._rlock, self._wlock, self._sem) = state
        self._reset()

    def put(self, obj, block=True, timeout=None):
        self._own()
        if self._closed:
            raise ValueError(f"Queue {self!r} is closed")
        if not self._sem.acquire(block, timeout):
            raise Full
        with self._notempty:
            if self._thread is None:
                self._start_thread()
            self._buffer.append(obj)
            self._notempty.notify()

    def get(self, block=True, timeout=None):
        self._own()
        if self._closed:
            raise ValueError(f"Queue {self!r} is closed")
        if block and timeout is None:
            with self._rlock:
                data = self._reader.recv_bytes()
            self._sem.release()
        else:
            if block:
                deadline = time.monotonic() + timeout
            if not self._rlock.acquire(block, timeout):
                raise Empty
            try:
                if block:
                    if not self._reader.poll(max(deadline - time.monotonic(), 0.0)):
                        raise Empty
                elif not self._reader.poll():
                    raise Empty
                data = self._reader.recv_bytes()
                self._sem.release()
            finally:
                self._rlock.release()
        return pickle.loads(data)

    def qsize(self):
        return self._maxsize - self._sem._get_value()

    def empty(self):
        return not self._reader.poll()

    def full(self):
        return self._sem._get_value() == 0

    def get_nowait(self):
        return self.get(False)

    def put_nowait(self, obj):
        return self.put(obj, False)

    def close(self):
        self._own()
        self._closed = True
        self._reader.close()
        with self._notempty:
            self._close_requested = True
            self._notempty.notify()

    def join_thread(self):
        self._own()
        assert self._closed, "Queue {0!r} not closed".format(self)
        if self._thread is not None:
            self._thread.join()

    def cancel_join_thread(self):
        self._own()
        self._joincancelled = True

    def _start_thread(self):
        self._thread = threading.Thread(target=self._feed, name="QueueFeederThread", daemon=True)
        self._thread.start()
        util.register_exit_hook(self._flush_at_exit)

    def _flush_at_exit(self):
        """When the process ends: let the feeder write what is buffered, then stop it."""
        if self._pid != os.getpid() or self._thread is None or self._joincancelled:
            return
        with self._notempty:
            self._close_requested = True
            self._notempty.notify()
        self._thread.join()

    def _feed(self):
        while True:
            with self._notempty:
                while not self._buffer and not self._close_requested:
                    self._notempty.wait()
                if not self._buffer:
                    break
                obj = self._buffer.popleft()
            try:
                data = pickle.dumps(obj)
                obj = None
                with self._wlock:
                    self._writer.send_bytes(data)
            except Exception as exc:
                # As CPython: the item is dropped, the error printed, the feeder goes on.
                import sys
                import _mp
                sys.stderr.write(_mp.format_exception(exc))
                self._sem.release()
        self._writer.close()

    def __repr__(self):
        return "<%s.%s object at %#x>" % (type(self).__module__, type(self).__qualname__, id(self))


class JoinableQueue(Queue):
    def __init__(self, maxsize=0, *, ctx=None):
        Queue.__init__(self, maxsize)
        self._unfinished_tasks = synchronize.Semaphore(0)
        self._cond = synchronize.Condition()

    def __getstate__(self):
        return Queue.__getstate__(self) + (self._cond, self._unfinished_tasks)

    def __setstate__(self, state):
        Queue.__setstate__(self, state[:-2])
        self._cond, self._unfinished_tasks = state[-2:]

    def put(self, obj, block=True, timeout=None):
        self._own()
        if self._closed:
            raise ValueError(f"Queue {self!r} is closed")
        if not self._sem.acquire(block, timeout):
            raise Full
        with self._notempty, self._cond:
            if self._thread is None:
                self._start_thread()
            self._buffer.append(obj)
            self._unfinished_tasks.release()
            self._notempty.notify()

    def task_done(self):
        with self._cond:
            if not self._unfinished_tasks.acquire(False):
                raise ValueError("task_done() called too many times")
            if self._unfinished_tasks._get_value() == 0:
                self._cond.notify_all()

    def join(self):
        with self._cond:
            if self._unfinished_tasks._get_value() != 0:
                self._cond.wait()


class SimpleQueue:
    def __init__(self, *, ctx=None):
        self._reader, self._writer = connection.Pipe(duplex=False)
        self._rlock = synchronize.Lock()
        self._wlock = synchronize.Lock()

    def close(self):
        self._reader.close()
        self._writer.close()

    def empty(self):
        return not self._reader.poll()

    def __getstate__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return (self._reader, self._writer, self._rlock, self._wlock)

    def __setstate__(self, state):
        (self._reader, self._writer, self._rlock, self._wlock) = state

    def get(self):
        with self._rlock:
            data = self._reader.recv_bytes()
        return pickle.loads(data)

    def put(self, obj):
        data = pickle.dumps(obj)
        with self._wlock:
            self._writer.send_bytes(data)

    def __class_getitem__(cls, item):
        return cls
