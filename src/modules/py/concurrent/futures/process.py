"""toy's ProcessPoolExecutor: calls run in worker processes (`multiprocessing`).

Calls go to the workers over a call queue as pickled `(work_id, fn, args, kwargs)`; results
come back over a result queue. One manager thread per executor (started by the first submit)
moves pending calls to the call queue — never more than max_workers + 1 ahead, so a future
not yet sent can still be cancelled, and a call that cannot be pickled fails its own future —
delivers results to their futures, and watches the workers' sentinels: a worker that dies
without being told to (killed by a signal, os._exit) breaks the pool, failing every pending
future with BrokenProcessPool. A worker that reached max_tasks_per_child says so with its
last result, exits, and is replaced."""

import collections
import itertools
import os
import pickle
import threading

import _mp
import multiprocessing as mp
from concurrent.futures import _base

__all__ = ["ProcessPoolExecutor", "BrokenProcessPool"]

EXTRA_QUEUED_CALLS = 1

_live_executors = []
_live_executors_lock = threading.Lock()


def _python_exit():
    with _live_executors_lock:
        executors = list(_live_executors)
    for executor in executors:
        executor.shutdown(wait=True)


threading._register_atexit(_python_exit)


def _forget_parent_executors():
    """In a forked child the parent's executors are not the child's to shut down at its exit,
    and another parent thread may have held the lock at the fork (the child would wait for it
    forever)."""
    global _live_executors_lock
    _live_executors_lock = threading.Lock()
    _live_executors.clear()


os.register_at_fork(after_in_child=_forget_parent_executors)


class _RemoteTraceback(Exception):
    def __init__(self, tb):
        self.tb = tb

    def __str__(self):
        return self.tb


class _ExceptionWithTraceback:
    def __init__(self, exc, tb):
        self.exc = exc
        self.tb = '\n"""\n%s"""' % _mp.format_exception(exc)

    def __reduce__(self):
        return _rebuild_exc, (self.exc, self.tb)


def _rebuild_exc(exc, tb):
    exc.__cause__ = _RemoteTraceback(tb)
    return exc


class BrokenProcessPool(_base.BrokenExecutor):
    """Raised when a process in a ProcessPoolExecutor terminated abruptly while a future was
    in the running state."""


def _process_chunk(fn, chunk):
    return [fn(*args) for args in chunk]


def _get_chunks(*iterables, chunksize):
    it = zip(*iterables)
    while True:
        chunk = tuple(itertools.islice(it, chunksize))
        if not chunk:
            return
        yield chunk


def _sendback_result(result_queue, work_id, result=None, exception=None, exit_pid=None):
    try:
        result_queue.put((work_id, exception, result, exit_pid))
    except BaseException as exc:
        result_queue.put((work_id, _ExceptionWithTraceback(exc, exc.__traceback__), None, exit_pid))


def _process_worker(call_queue, result_queue, initializer, initargs, max_tasks=None):
    if initializer is not None:
        try:
            initializer(*initargs)
        except BaseException as exc:
            _base._report("Exception in initializer:", exc)
            # The parent sees this worker die and marks the pool broken.
            return
    done = 0
    while True:
        call_item = call_queue.get()
        if call_item is None:
            # Told to stop: say so, so the parent does not take the exit for a crash.
            result_queue.put(os.getpid())
            return
        work_id, fn, args, kwargs = call_item
        exit_pid = None
        done += 1
        if max_tasks is not None and done >= max_tasks:
            exit_pid = os.getpid()
        try:
            result = fn(*args, **kwargs)
        except BaseException as exc:
            _sendback_result(result_queue, work_id,
                             exception=_ExceptionWithTraceback(exc, exc.__traceback__),
                             exit_pid=exit_pid)
        else:
            _sendback_result(result_queue, work_id, result=result, exit_pid=exit_pid)
        result = call_item = fn = args = kwargs = None
        if exit_pid is not None:
            return


class _WorkItem:
    __slots__ = ("future", "fn", "args", "kwargs")

    def __init__(self, future, fn, args, kwargs):
        self.future = future
        self.fn = fn
        self.args = args
        self.kwargs = kwargs


class ProcessPoolExecutor(_base.Executor):
    def __init__(self, max_workers=None, mp_context=None, initializer=None, initargs=(), *,
                 max_tasks_per_child=None):
        if max_workers is None:
            max_workers = os.cpu_count() or 1
        elif max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if mp_context is None:
            mp_context = mp.get_context("spawn") if max_tasks_per_child is not None \
                else mp.get_context()
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        if max_tasks_per_child is not None:
            if not isinstance(max_tasks_per_child, int):
                raise TypeError("max_tasks_per_child must be an integer")
            elif max_tasks_per_child <= 0:
                raise ValueError("max_tasks_per_child must be >= 1")
            if mp_context.get_start_method(allow_none=False) == "fork":
                raise ValueError("max_tasks_per_child is incompatible with the 'fork' "
                                 "multiprocessing start method; supply a different mp_context.")
        self._max_workers = max_workers
        self._mp_context = mp_context
        self._initializer = initializer
        self._initargs = initargs
        self._max_tasks_per_child = max_tasks_per_child
        # _lock guards the fields below, which submit() and shutdown() share with the manager.
        self._lock = threading.Lock()
        self._pending = collections.deque()
        self._in_flight = {}
        self._work_ids = itertools.count()
        self._broken = False
        self._shutdown = False
        self._cancel_pending = False
        self._manager = None
        self._processes = {}
        self._expected_exits = set()
        self._call_queue = mp_context.SimpleQueue()
        self._result_queue = mp_context.SimpleQueue()
        self._wake_r, self._wake_w = os.pipe()

    def _wake(self):
        try:
            os.write(self._wake_w, b"!")
        except OSError:
            pass

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            if self._broken:
                raise BrokenProcessPool(self._broken)
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            future = _base.Future()
            self._pending.append(_WorkItem(future, fn, args, kwargs))
            if self._manager is None:
                self._start_manager()
        self._wake()
        return future

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        if chunksize < 1:
            raise ValueError("chunksize must be >= 1.")
        results = super().map(_process_chunk, itertools.repeat(fn),
                              _get_chunks(*iterables, chunksize=chunksize), timeout=timeout)
        return (item for chunk in results for item in chunk)

    def shutdown(self, wait=True, *, cancel_futures=False):
        with self._lock:
            self._shutdown = True
            if cancel_futures:
                self._cancel_pending = True
            manager = self._manager
        self._wake()
        if wait and manager is not None and manager is not threading.current_thread():
            manager.join()

    # ----- the manager thread -------------------------------------------------------------

    def _start_manager(self):
        # Called with self._lock held.
        for _ in range(self._max_workers):
            self._start_worker()
        self._manager = threading.Thread(target=self._manage, daemon=True,
                                         name="ExecutorManagerThread")
        self._manager.start()
        with _live_executors_lock:
            _live_executors.append(self)

    def _start_worker(self):
        p = self._mp_context.Process(
            target=_process_worker,
            args=(self._call_queue, self._result_queue, self._initializer, self._initargs,
                  self._max_tasks_per_child))
        p.start()
        self._processes[p.pid] = p

    def _fill_call_queue(self):
        """Send pending calls until max_workers + 1 are in flight."""
        while True:
            with self._lock:
                if self._cancel_pending:
                    cancelled = list(self._pending)
                    self._pending.clear()
                    self._cancel_pending = False
                else:
                    cancelled = []
                if not cancelled and (not self._pending or
                                      len(self._in_flight) >= self._max_workers + EXTRA_QUEUED_CALLS):
                    return
                item = self._pending.popleft() if self._pending else None
            for it in cancelled:
                it.future.cancel()
            if item is None:
                continue
            if not item.future.set_running_or_notify_cancel():
                continue
            work_id = next(self._work_ids)
            try:
                data = (work_id, item.fn, item.args, item.kwargs)
                self._call_queue.put(data)
            except BaseException as exc:
                item.future.set_exception(exc)
                continue
            with self._lock:
                self._in_flight[work_id] = item

    def _deliver(self, message):
        if isinstance(message, int):
            # A worker told to stop has stopped.
            self._expected_exits.add(message)
            return
        work_id, exception, result, exit_pid = message
        if exit_pid is not None:
            self._expected_exits.add(exit_pid)
        with self._lock:
            item = self._in_flight.pop(work_id, None)
        if item is not None:
            if exception is not None:
                item.future.set_exception(exception)
            else:
                item.future.set_result(result)

    def _manage(self):
        reader_fd = self._result_queue._reader.fileno()
        stopping = False
        try:
            while True:
                if not stopping:
                    self._fill_call_queue()
                with self._lock:
                    idle = not self._pending and not self._in_flight
                    if self._shutdown and idle and not stopping:
                        stopping = True
                        for _ in self._processes:
                            self._call_queue.put(None)
                if stopping and not self._processes:
                    return
                sentinels = {p.sentinel: p for p in self._processes.values()}
                ready = _mp.wait([reader_fd, self._wake_r] + list(sentinels), None)
                if self._wake_r in ready:
                    os.read(self._wake_r, 4096)
                while self._result_queue._reader.poll():
                    self._deliver(self._result_queue.get())
                for fd in ready:
                    p = sentinels.get(fd)
                    if p is None:
                        continue
                    p.join()
                    del self._processes[p.pid]
                    if p.pid in self._expected_exits:
                        self._expected_exits.discard(p.pid)
                        if not stopping and not self._shutdown:
                            with self._lock:
                                self._start_worker()
                    else:
                        self._break()
                        return
        finally:
            with _live_executors_lock:
                if self in _live_executors:
                    _live_executors.remove(self)

    def _break(self):
        """A worker died: fail every pending future and stop the others."""
        with self._lock:
            self._broken = ("A child process terminated abruptly, the process pool is not "
                            "usable anymore")
            self._shutdown = True
            items = list(self._in_flight.values()) + list(self._pending)
            self._in_flight.clear()
            self._pending.clear()
        for item in items:
            item.future.set_exception(BrokenProcessPool(
                "A process in the process pool was terminated abruptly while the future was "
                "running or pending."))
        for p in self._processes.values():
            p.terminate()
        for p in self._processes.values():
            p.join()
        self._processes.clear()
