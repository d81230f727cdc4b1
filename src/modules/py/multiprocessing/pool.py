"""`Pool`: worker processes fed with pickled tasks.

Tasks go to the workers over one `SimpleQueue` (a pipe) as `(job, index, function, args,
kwargs)`; results come back over another as `(job, index, (ok, value))`. Three daemon threads
in the parent keep it moving, as in CPython: the task handler pickles and sends tasks, the
result handler hands results to the waiting `AsyncResult`s (and runs their callbacks), and the
worker handler replaces workers that exit (`maxtasksperchild`) and notices the pool closing.
A function's exception travels back with its traceback as text, and is raised in the parent
with `RemoteTraceback` as its cause."""

import itertools
import os
import pickle
import queue
import threading
import time

import _mp
from multiprocessing import util
from multiprocessing.context import TimeoutError

__all__ = ["Pool", "ThreadPool"]

RUN = 0
CLOSE = 1
TERMINATE = 2

job_counter = itertools.count()


def mapstar(args):
    return list(map(*args))


def starmapstar(args):
    return list(itertools.starmap(args[0], args[1]))


class RemoteTraceback(Exception):
    def __init__(self, tb):
        self.tb = tb

    def __str__(self):
        return self.tb


class ExceptionWithTraceback:
    """An exception with its traceback as text, which pickles (tracebacks do not)."""

    def __init__(self, exc, tb=None):
        text = _mp.format_exception(exc)
        self.exc = exc
        self.tb = '\n"""\n%s"""' % text

    def __reduce__(self):
        return rebuild_exc, (self.exc, self.tb)


def rebuild_exc(exc, tb):
    exc.__cause__ = RemoteTraceback(tb)
    return exc


class MaybeEncodingError(Exception):
    """Wraps possible unpickleable errors, so they can be safely sent through the socket."""

    def __init__(self, exc, value):
        self.exc = repr(exc)
        self.value = repr(value)
        super().__init__(self.exc, self.value)

    def __str__(self):
        return "Error sending result: '%s'. Reason: '%s'" % (self.value, self.exc)

    def __repr__(self):
        return "<%s: %s>" % (type(self).__name__, self)


def worker(inqueue, outqueue, initializer=None, initargs=(), maxtasks=None, wrap_exception=False):
    if maxtasks is not None and not (isinstance(maxtasks, int) and maxtasks >= 1):
        raise AssertionError("Maxtasks {!r} is not valid".format(maxtasks))
    if initializer is not None:
        initializer(*initargs)
    completed = 0
    while maxtasks is None or completed < maxtasks:
        try:
            task = inqueue.get()
        except (EOFError, OSError):
            break
        if task is None:
            break
        job, i, func, args, kwds = task
        try:
            result = (True, func(*args, **kwds))
        except Exception as exc:
            if wrap_exception and func is not _helper_reraises_exception:
                exc = ExceptionWithTraceback(exc)
            result = (False, exc)
        try:
            outqueue.put((job, i, result))
        except Exception as exc:
            wrapped = MaybeEncodingError(exc, result[1])
            outqueue.put((job, i, (False, wrapped)))
        task = job = result = func = args = kwds = None
        completed += 1


def _helper_reraises_exception(ex):
    raise ex


class Pool:
    _wrap_exception = True

    @staticmethod
    def Process(ctx, *args, **kwds):
        return ctx.Process(*args, **kwds)

    def __init__(self, processes=None, initializer=None, initargs=(), maxtasksperchild=None,
                 context=None):
        self._pool = []
        self._state = RUN
        if context is None:
            from multiprocessing import context as _context
            context = _context._default_context.get_context()
        self._ctx = context
        self._setup_queues()
        self._taskqueue = queue.SimpleQueue()
        self._cache = {}
        self._maxtasksperchild = maxtasksperchild
        self._initializer = initializer
        self._initargs = initargs
        if processes is None:
            processes = os.cpu_count() or 1
        if processes < 1:
            raise ValueError("Number of processes must be at least 1")
        if maxtasksperchild is not None:
            if not isinstance(maxtasksperchild, int) or maxtasksperchild <= 0:
                raise ValueError("maxtasksperchild must be a positive int or None")
        if initializer is not None and not callable(initializer):
            raise TypeError("initializer must be a callable")
        self._processes = processes
        # Written to wake the worker handler at once (close, terminate, a worker's exit).
        self._wake_r, self._wake_w = os.pipe()
        try:
            self._repopulate_pool()
        except Exception:
            for p in self._pool:
                if p.exitcode is None:
                    p.terminate()
            for p in self._pool:
                p.join()
            raise
        self._worker_handler = threading.Thread(target=self._handle_workers, daemon=True,
                                                name="Pool-worker-handler")
        self._worker_handler.start()
        self._task_handler = threading.Thread(target=self._handle_tasks, daemon=True,
                                              name="Pool-task-handler")
        self._task_handler.start()
        self._result_handler = threading.Thread(target=self._handle_results, daemon=True,
                                                name="Pool-result-handler")
        self._result_handler.start()
        util.register_exit_hook(self._terminate_at_exit)

    def _setup_queues(self):
        from multiprocessing.queues import SimpleQueue
        self._inqueue = SimpleQueue()
        self._outqueue = SimpleQueue()

    def __repr__(self):
        states = {RUN: "RUN", CLOSE: "CLOSE", TERMINATE: "TERMINATE"}
        return "<%s.%s state=%s pool_size=%d>" % (type(self).__module__, type(self).__qualname__,
                                                  states[self._state], len(self._pool))

    def _wake(self):
        try:
            os.write(self._wake_w, b"!")
        except OSError:
            pass

    # ----- workers ------------------------------------------------------------------------

    def _repopulate_pool(self):
        for _ in range(self._processes - len(self._pool)):
            w = self.Process(self._ctx, target=worker,
                             args=(self._inqueue, self._outqueue, self._initializer,
                                   self._initargs, self._maxtasksperchild, self._wrap_exception))
            w.name = w.name.replace("Process", "PoolWorker")
            w.daemon = True
            w.start()
            self._pool.append(w)

    def _reap_exited_workers(self):
        reaped = False
        for w in list(self._pool):
            if w.exitcode is not None:
                w.join()
                self._pool.remove(w)
                reaped = True
        return reaped

    def _handle_workers(self):
        while self._state == RUN or (self._cache and self._state != TERMINATE):
            if self._reap_exited_workers() or len(self._pool) < self._processes:
                if self._state != TERMINATE:
                    self._repopulate_pool()
            sentinels = [w.sentinel for w in self._pool]
            ready = _mp.wait(sentinels + [self._wake_r], 0.1)
            if self._wake_r in ready:
                os.read(self._wake_r, 4096)
        # No more tasks will be sent: tell the task handler to finish.
        self._taskqueue.put(None)

    # ----- tasks --------------------------------------------------------------------------

    def _handle_tasks(self):
        for taskseq, set_length in iter(self._taskqueue.get, None):
            task = None
            try:
                for task in taskseq:
                    if self._state == TERMINATE:
                        break
                    try:
                        self._inqueue.put(task)
                    except Exception as exc:
                        job, idx = task[:2]
                        try:
                            self._cache[job]._set(idx, (False, exc))
                        except KeyError:
                            pass
                else:
                    if set_length:
                        set_length(task[1] + 1 if task else 0)
                    continue
                break
            except Exception as exc:
                # The iterable itself failed: the job gets the error.
                job, idx = task[:2] if task else (0, 0)
                try:
                    self._cache[job]._set(idx + 1, (False, exc))
                except KeyError:
                    pass
        # Tell the result handler and the workers to stop (terminate() tells the result
        # handler itself, before it kills the workers).
        if self._state != TERMINATE:
            _put_sentinel(self._outqueue)
            for _ in self._pool:
                self._inqueue.put(None)

    def _handle_results(self):
        while True:
            try:
                task = self._outqueue.get()
            except (OSError, EOFError):
                return
            if self._state == TERMINATE:
                break
            if task is None:
                break
            job, i, obj = task
            try:
                self._cache[job]._set(i, obj)
            except KeyError:
                pass
        # Results still owed after close(): keep reading until the cache is empty.
        while self._cache and self._state != TERMINATE:
            try:
                task = self._outqueue.get()
            except (OSError, EOFError):
                return
            if task is None:
                continue
            job, i, obj = task
            try:
                self._cache[job]._set(i, obj)
            except KeyError:
                pass

    def _check_running(self):
        if self._state != RUN:
            raise ValueError("Pool not running")

    # ----- the public API -----------------------------------------------------------------

    def apply(self, func, args=(), kwds={}):
        return self.apply_async(func, args, kwds).get()

    def map(self, func, iterable, chunksize=None):
        return self._map_async(func, iterable, mapstar, chunksize).get()

    def starmap(self, func, iterable, chunksize=None):
        return self._map_async(func, iterable, starmapstar, chunksize).get()

    def starmap_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self._map_async(func, iterable, starmapstar, chunksize, callback, error_callback)

    def imap(self, func, iterable, chunksize=1):
        self._check_running()
        if chunksize == 1:
            result = IMapIterator(self)
            self._taskqueue.put((self._guarded_tasks(result._job, func, iterable), result._set_length))
            return result
        if chunksize < 1:
            raise ValueError("Chunksize must be 1+, not {0:n}".format(chunksize))
        task_batches = Pool._get_tasks(func, iterable, chunksize)
        result = IMapIterator(self)
        self._taskqueue.put((self._guarded_tasks(result._job, mapstar, task_batches),
                             result._set_length))
        return (item for chunk in result for item in chunk)

    def imap_unordered(self, func, iterable, chunksize=1):
        self._check_running()
        if chunksize == 1:
            result = IMapUnorderedIterator(self)
            self._taskqueue.put((self._guarded_tasks(result._job, func, iterable), result._set_length))
            return result
        if chunksize < 1:
            raise ValueError("Chunksize must be 1+, not {0!r}".format(chunksize))
        task_batches = Pool._get_tasks(func, iterable, chunksize)
        result = IMapUnorderedIterator(self)
        self._taskqueue.put((self._guarded_tasks(result._job, mapstar, task_batches),
                             result._set_length))
        return (item for chunk in result for item in chunk)

    @staticmethod
    def _guarded_tasks(job, func, iterable):
        for i, x in enumerate(iterable):
            yield (job, i, func, (x,), {})

    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        self._check_running()
        result = ApplyResult(self, callback, error_callback)
        self._taskqueue.put(([(result._job, 0, func, args, kwds)], None))
        return result

    def map_async(self, func, iterable, chunksize=None, callback=None, error_callback=None):
        return self._map_async(func, iterable, mapstar, chunksize, callback, error_callback)

    def _map_async(self, func, iterable, mapper, chunksize=None, callback=None,
                   error_callback=None):
        self._check_running()
        if not hasattr(iterable, "__len__"):
            iterable = list(iterable)
        if chunksize is None:
            chunksize, extra = divmod(len(iterable), len(self._pool) * 4)
            if extra:
                chunksize += 1
        if len(iterable) == 0:
            chunksize = 0
        task_batches = Pool._get_tasks(func, iterable, chunksize)
        result = MapResult(self, chunksize, len(iterable), callback, error_callback)
        self._taskqueue.put((self._guarded_tasks(result._job, mapper, task_batches), None))
        return result

    @staticmethod
    def _get_tasks(func, it, size):
        it = iter(it)
        while True:
            x = tuple(itertools.islice(it, size))
            if not x:
                return
            yield (func, x)

    def __reduce__(self):
        raise NotImplementedError(
            "pool objects cannot be passed between processes or pickled")

    def close(self):
        if self._state == RUN:
            self._state = CLOSE
            self._wake()

    def terminate(self):
        if self._state == TERMINATE:
            return
        self._state = TERMINATE
        self._wake()
        # The result handler's sentinel goes first: a worker killed while it writes a result
        # would leave the result queue's write lock held for good.
        _put_sentinel(self._outqueue)
        # Unblock a task handler stuck on a full pipe.
        while self._inqueue._reader.poll():
            self._inqueue._reader.recv_bytes()
        # The worker handler may be starting a replacement worker right now (a worker that
        # reached maxtasksperchild): once it has stopped, the list of workers is final.
        if threading.current_thread() is not self._worker_handler:
            self._worker_handler.join()
        self._stop_workers()
        self._join_all()

    def _stop_workers(self):
        if _mp.observing():
            # toy's --trace / -X gilstats: a worker writes its part as it exits, which a
            # signal would prevent, so idle workers are first asked to leave.
            for _ in self._pool:
                self._inqueue.put(None)
            deadline = time.monotonic() + 1.0
            for w in self._pool:
                w.join(max(deadline - time.monotonic(), 0))
        for w in self._pool:
            if w.exitcode is None:
                w.terminate()

    def _terminate_at_exit(self):
        if self._state != TERMINATE and self._pool:
            self.terminate()

    def join(self):
        if self._state == RUN:
            raise ValueError("Pool is still running")
        elif self._state not in (CLOSE, TERMINATE):
            raise ValueError("In unknown state")
        self._join_all()

    def _join_all(self):
        if threading.current_thread() is not self._worker_handler:
            self._worker_handler.join()
        if threading.current_thread() is not self._task_handler:
            self._task_handler.join()
        if threading.current_thread() is not self._result_handler:
            self._result_handler.join()
        for p in self._pool:
            p.join()
        util.unregister_exit_hook(self._terminate_at_exit)

    def __enter__(self):
        self._check_running()
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.terminate()


def _put_sentinel(outqueue):
    """Put None on the result queue, unless a worker killed mid-write holds its lock."""
    lock = getattr(outqueue, "_wlock", None)
    if lock is None:
        outqueue.put(None)
    elif lock.acquire(timeout=1.0):
        try:
            outqueue._writer.send_bytes(pickle.dumps(None))
        finally:
            lock.release()


class ApplyResult:
    def __init__(self, pool, callback, error_callback):
        self._pool = pool
        self._event = threading.Event()
        self._job = next(job_counter)
        self._cache = pool._cache
        self._callback = callback
        self._error_callback = error_callback
        self._cache[self._job] = self

    def ready(self):
        return self._event.is_set()

    def successful(self):
        if not self.ready():
            raise ValueError("{0!r} not ready".format(self))
        return self._success

    def wait(self, timeout=None):
        self._event.wait(timeout)

    def get(self, timeout=None):
        self.wait(timeout)
        if not self.ready():
            raise TimeoutError
        if self._success:
            return self._value
        raise self._value

    def _set(self, i, obj):
        self._success, self._value = obj
        if self._callback and self._success:
            self._callback(self._value)
        if self._error_callback and not self._success:
            self._error_callback(self._value)
        self._event.set()
        del self._cache[self._job]
        self._pool = None


AsyncResult = ApplyResult


class MapResult(ApplyResult):
    def __init__(self, pool, chunksize, length, callback, error_callback):
        ApplyResult.__init__(self, pool, callback, error_callback=error_callback)
        self._success = True
        self._value = [None] * length
        self._chunksize = chunksize
        if chunksize <= 0:
            self._number_left = 0
            self._event.set()
            del self._cache[self._job]
        else:
            self._number_left = length // chunksize + bool(length % chunksize)

    def _set(self, i, success_result):
        self._number_left -= 1
        success, result = success_result
        if success and self._success:
            self._value[i * self._chunksize:(i + 1) * self._chunksize] = result
            if self._number_left == 0:
                if self._callback:
                    self._callback(self._value)
                del self._cache[self._job]
                self._event.set()
                self._pool = None
        else:
            if not success and self._success:
                # The first error decides the outcome.
                self._success = False
                self._value = result
            if self._number_left == 0:
                if self._error_callback:
                    self._error_callback(self._value)
                del self._cache[self._job]
                self._event.set()
                self._pool = None


class IMapIterator:
    def __init__(self, pool):
        self._pool = pool
        self._cond = threading.Condition(threading.Lock())
        self._job = next(job_counter)
        self._cache = pool._cache
        self._items = {}
        self._index = 0
        self._length = None
        self._unsorted = {}
        self._ready = []
        self._cache[self._job] = self

    def __iter__(self):
        return self

    def next(self, timeout=None):
        with self._cond:
            if not self._ready:
                if self._index == self._length:
                    self._pool = None
                    raise StopIteration from None
                self._cond.wait(timeout)
                if not self._ready:
                    if self._index == self._length:
                        self._pool = None
                        raise StopIteration from None
                    raise TimeoutError from None
            success, value = self._ready.pop(0)
        if success:
            return value
        raise value

    __next__ = next

    def _set(self, i, obj):
        with self._cond:
            if self._index == i:
                self._ready.append(obj)
                self._index += 1
                while self._index in self._unsorted:
                    self._ready.append(self._unsorted.pop(self._index))
                    self._index += 1
                self._cond.notify()
            else:
                self._unsorted[i] = obj
            if self._index == self._length:
                del self._cache[self._job]
                self._pool = None

    def _set_length(self, length):
        with self._cond:
            self._length = length
            if self._index == self._length:
                self._cond.notify()
                del self._cache[self._job]
                self._pool = None


class IMapUnorderedIterator(IMapIterator):
    def _set(self, i, obj):
        with self._cond:
            self._ready.append(obj)
            self._index += 1
            self._cond.notify()
            if self._index == self._length:
                del self._cache[self._job]
                self._pool = None


class ThreadPool(Pool):
    """A Pool of threads with the same interface (`multiprocessing.pool.ThreadPool`)."""

    _wrap_exception = False

    @staticmethod
    def Process(ctx, *args, **kwds):
        return _DummyProcess(*args, **kwds)

    def __init__(self, processes=None, initializer=None, initargs=()):
        Pool.__init__(self, processes, initializer, initargs)

    def _stop_workers(self):
        # Threads cannot be killed: each is told to stop after the task it is running.
        for _ in self._pool:
            self._inqueue.put(None)

    def _setup_queues(self):
        self._inqueue = _ThreadQueue()
        self._outqueue = _ThreadQueue()


class _ThreadQueue:
    """A plain thread queue with the SimpleQueue interface the pool uses."""

    def __init__(self):
        self._queue = queue.SimpleQueue()
        self._reader = self

    def put(self, obj):
        self._queue.put(obj)

    def get(self):
        return self._queue.get()

    def poll(self):
        return not self._queue.empty()

    def recv_bytes(self):
        return self._queue.get()


class _DummyProcess(threading.Thread):
    """A thread that looks enough like a Process for the pool's worker handler."""

    _counter = itertools.count(1)

    def __init__(self, target=None, args=()):
        threading.Thread.__init__(self, target=target, args=args,
                                  name="Thread-Process-%d" % next(_DummyProcess._counter))
        self._exitcode_r, self._exitcode_w = os.pipe()

    def run(self):
        try:
            threading.Thread.run(self)
        finally:
            os.close(self._exitcode_w)

    @property
    def sentinel(self):
        return self._exitcode_r

    @property
    def exitcode(self):
        return None if self.is_alive() or self.ident is None else 0

    def terminate(self):
        pass
