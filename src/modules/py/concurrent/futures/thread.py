"""toy's ThreadPoolExecutor.

A pool owns one SimpleQueue of jobs. Threads are started on demand: submit() starts a new one
only when no thread is known to be idle and the pool is below max_workers. A thread stops when
it takes a _STOP marker off the queue; shutdown() queues one marker per thread, after any jobs
still waiting. toy has no weak references, so a pool that is never shut down keeps its threads
until interpreter exit, when _stop_all_pools() (run by threading._shutdown) stops them.
"""

import os
import queue
import threading
from concurrent.futures import _base

_STOP = object()

# Every live pool thread -> the queue it reads; guarded by _registry_lock, which is also held
# while starting a thread, so none starts once the interpreter is exiting.
_registry = {}
_registry_lock = threading.Lock()
_exiting = False


def _stop_all_pools():
    global _exiting
    with _registry_lock:
        _exiting = True
        threads = list(_registry.items())
    for _, jobs in threads:
        jobs.put(_STOP)
    for thread, _ in threads:
        thread.join()


threading._register_atexit(_stop_all_pools)


class BrokenThreadPool(_base.BrokenExecutor):
    """Raised when a worker thread in a ThreadPoolExecutor failed initializing."""


class _Job:
    __slots__ = ("future", "call", "args", "kwargs")

    def __init__(self, future, call, args, kwargs):
        self.future = future
        self.call = call
        self.args = args
        self.kwargs = kwargs

    def execute(self):
        fut = self.future
        if fut.set_running_or_notify_cancel():
            try:
                value = self.call(*self.args, **self.kwargs)
            except BaseException as exc:
                fut.set_exception(exc)
            else:
                fut.set_result(value)


def _serve(pool, jobs):
    """Body of a pool thread."""
    try:
        if pool._initializer is not None and not pool._run_initializer():
            return
        while True:
            job = jobs.get()
            if job is _STOP:
                break
            job.execute()
            job = None
            pool._became_idle()
    except BaseException as exc:
        _base._report("Exception in worker", exc)
    finally:
        with _registry_lock:
            _registry.pop(threading.current_thread(), None)


_pool_numbers = iter(range(1 << 62))
_pool_numbers_lock = threading.Lock()


class ThreadPoolExecutor(_base.Executor):
    def __init__(self, max_workers=None, thread_name_prefix="", initializer=None, initargs=()):
        if max_workers is None:
            # CPython's default: room for I/O-bound work, but not hundreds of threads.
            max_workers = min(32, (os.cpu_count() or 1) + 4)
        if max_workers <= 0:
            raise ValueError("max_workers must be greater than 0")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        if not thread_name_prefix:
            with _pool_numbers_lock:
                thread_name_prefix = "ThreadPoolExecutor-%d" % next(_pool_numbers)
        self._max_workers = max_workers
        self._thread_name_prefix = thread_name_prefix
        self._initializer = initializer
        self._initargs = initargs
        self._jobs = queue.SimpleQueue()
        self._threads = []
        # _lock guards the fields below.
        self._lock = threading.Lock()
        self._idle = 0
        self._broken = False
        self._shutdown = False

    def submit(self, fn, /, *args, **kwargs):
        with self._lock:
            if self._broken:
                raise BrokenThreadPool(self._broken)
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            fut = _base.Future()
            with _registry_lock:
                if _exiting:
                    raise RuntimeError("cannot schedule new futures after interpreter shutdown")
                self._jobs.put(_Job(fut, fn, args, kwargs))
                if self._idle:
                    self._idle -= 1
                elif len(self._threads) < self._max_workers:
                    self._start_thread()
            return fut

    def _start_thread(self):
        # Called with both locks held.
        name = "%s_%d" % (self._thread_name_prefix, len(self._threads))
        thread = threading.Thread(name=name, target=_serve, args=(self, self._jobs))
        thread.start()
        self._threads.append(thread)
        _registry[thread] = self._jobs

    def _became_idle(self):
        with self._lock:
            self._idle += 1

    def _take_waiting_jobs(self):
        """Remove the queued jobs; any stop markers met on the way are queued again."""
        taken = []
        markers = 0
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is _STOP:
                markers += 1
            else:
                taken.append(job)
        for _ in range(markers):
            self._jobs.put(_STOP)
        return taken

    def _run_initializer(self):
        try:
            self._initializer(*self._initargs)
            return True
        except BaseException as exc:
            _base._report("Exception in initializer:", exc)
        with self._lock:
            self._broken = "A thread initializer failed, the thread pool is not usable anymore"
            stranded = self._take_waiting_jobs()
        # Outside the lock: completing a future runs its callbacks, which may call submit().
        for job in stranded:
            job.future.set_exception(BrokenThreadPool(self._broken))
        return False

    def shutdown(self, wait=True, *, cancel_futures=False):
        with self._lock:
            first_time = not self._shutdown
            self._shutdown = True
            dropped = self._take_waiting_jobs() if cancel_futures else []
            threads = list(self._threads)
            if first_time:
                for _ in threads:
                    self._jobs.put(_STOP)
        for job in dropped:
            job.future.cancel()
        if wait:
            for thread in threads:
                thread.join()
