"""Tasks (coroutines driven by the loop) and the functions that combine them."""

import functools
import itertools
import types
import weakref

import _asyncio_loop
from asyncio import events
from asyncio import futures
from asyncio.exceptions import CancelledError, InvalidStateError

__all__ = ("Task", "create_task", "current_task", "all_tasks", "ensure_future", "sleep",
           "gather", "wait", "wait_for", "as_completed", "shield", "to_thread",
           "run_coroutine_threadsafe", "iscoroutine", "FIRST_COMPLETED", "FIRST_EXCEPTION",
           "ALL_COMPLETED", "timeout", "timeout_at", "Timeout")

# What _asyncio_loop.step() reports a coroutine step did.
_YIELDED, _RETURNED, _RAISED = 0, 1, 2

FIRST_COMPLETED = "FIRST_COMPLETED"
FIRST_EXCEPTION = "FIRST_EXCEPTION"
ALL_COMPLETED = "ALL_COMPLETED"

def iscoroutine(obj):
    """A coroutine, or a generator-based one from types.coroutine."""
    return type(obj) is types.CoroutineType or type(obj) is types._GeneratorWrapper


# Every task not yet collected, and the task each loop is running a step of.
_all_tasks = weakref.WeakSet()
_current_tasks = {}
_task_numbers = itertools.count(1)


def current_task(loop=None):
    if loop is None:
        loop = events.get_running_loop()
    return _current_tasks.get(loop)


def all_tasks(loop=None):
    if loop is None:
        loop = events.get_running_loop()
    return {task for task in list(_all_tasks) if task._loop is loop and not task.done()}


def _coroutine_place(coro):
    """`f() running at FILE:LINE` or `f() done, defined at FILE:LINE`, as task reprs show it."""
    name = getattr(coro, "__qualname__", None) or getattr(coro, "__name__", None) or type(coro).__name__
    code = getattr(coro, "cr_code", None)
    frame = getattr(coro, "cr_frame", None)
    if frame is not None:
        return f"{name}() running at {frame.f_code.co_filename}:{frame.f_lineno}"
    if code is not None:
        return f"{name}() done, defined at {code.co_filename}:{code.co_firstlineno}"
    return f"{name}()"


class Task(futures.Future):
    """Runs a coroutine on the loop, one step per ready callback, waiting on the futures it
    awaits."""

    _log_destroy_pending = True

    def __init__(self, coro, *, loop=None, name=None, context=None):
        super().__init__(loop=loop)
        if not iscoroutine(coro):
            self._log_destroy_pending = False
            raise TypeError(f"a coroutine was expected, got {coro!r}")
        self._coro = coro
        self._name = f"Task-{next(_task_numbers)}" if name is None else str(name)
        self._fut_waiter = None
        self._must_cancel = False
        self._num_cancels_requested = 0
        self._loop.call_soon(self._step)
        _all_tasks.add(self)

    def __del__(self):
        if self._state == futures._PENDING and self._log_destroy_pending:
            self._loop.call_exception_handler({
                "task": self,
                "message": "Task was destroyed but it is pending!",
            })
        super().__del__()

    def _repr_info(self):
        info = super()._repr_info()
        if self._must_cancel:
            info[0] = "cancelling"
        info.insert(1, f"name={self._name!r}")
        info.insert(2, f"coro=<{_coroutine_place(self._coro)}>")
        if self._fut_waiter is not None:
            info.insert(3, f"wait_for={self._fut_waiter!r}")
        return info

    def get_coro(self):
        return self._coro

    def get_name(self):
        return self._name

    def set_name(self, value):
        self._name = str(value)

    def get_stack(self, *, limit=None):
        return []

    def set_result(self, result):
        raise RuntimeError("Task does not support set_result operation")

    def set_exception(self, exception):
        raise RuntimeError("Task does not support set_exception operation")

    def cancel(self, msg=None):
        """Ask the task to stop: CancelledError is raised at the await it is suspended in."""
        self._log_traceback = False
        if self.done():
            return False
        self._num_cancels_requested += 1
        if self._fut_waiter is not None and self._fut_waiter.cancel(msg=msg):
            return True
        self._must_cancel = True
        self._cancel_message = msg
        return True

    def cancelling(self):
        return self._num_cancels_requested

    def uncancel(self):
        if self._num_cancels_requested > 0:
            self._num_cancels_requested -= 1
        return self._num_cancels_requested

    def _step(self, exc=None):
        if self.done():
            raise InvalidStateError(f"_step(): already done: {self!r}, {exc!r}")
        if self._must_cancel:
            if not isinstance(exc, CancelledError):
                exc = self._make_cancelled_error()
            self._must_cancel = False
        self._fut_waiter = None
        loop = self._loop
        _current_tasks[loop] = self
        try:
            outcome, value = _asyncio_loop.step(self._coro, exc)
            if outcome == _YIELDED:
                self._wait_on(value)
            elif outcome == _RETURNED:
                if self._must_cancel:
                    self._must_cancel = False
                    futures.Future.cancel(self, msg=self._cancel_message)
                else:
                    futures.Future.set_result(self, value)
            elif isinstance(value, CancelledError):
                self._cancelled_exc = value
                futures.Future.cancel(self)
            else:
                futures.Future.set_exception(self, value)
                if isinstance(value, (KeyboardInterrupt, SystemExit)):
                    raise value
        finally:
            _current_tasks.pop(loop, None)

    def _wait_on(self, awaited):
        """The coroutine yielded `awaited`: a future to wait for, or None for one turn."""
        if awaited is None:
            self._loop.call_soon(self._step)
            return
        blocking = getattr(awaited, "_asyncio_future_blocking", None)
        if blocking is None:
            error = RuntimeError(f"Task got bad yield: {awaited!r}")
        elif awaited._loop is not self._loop:
            error = RuntimeError(f"Task {self!r} got Future {awaited!r} attached to a different loop")
        elif not blocking:
            error = RuntimeError(f"yield was used instead of yield from in task {self!r} with {awaited!r}")
        elif awaited is self:
            error = RuntimeError(f"Task cannot await on itself: {self!r}")
        else:
            awaited._asyncio_future_blocking = False
            awaited.add_done_callback(self.task_wakeup)
            self._fut_waiter = awaited
            if self._must_cancel and awaited.cancel(msg=self._cancel_message):
                self._must_cancel = False
            return
        self._loop.call_soon(self._step, error)

    def task_wakeup(self, future):
        try:
            future.result()
        except BaseException as exc:
            self._step(exc)
        else:
            self._step()


def create_task(coro, *, name=None, context=None):
    return events.get_running_loop().create_task(coro, name=name)


def ensure_future(coro_or_future, *, loop=None):
    if futures.isfuture(coro_or_future):
        if loop is not None and loop is not coro_or_future.get_loop():
            raise ValueError("The future belongs to a different loop than the one specified as the loop argument")
        return coro_or_future
    if not iscoroutine(coro_or_future):
        if hasattr(type(coro_or_future), "__await__"):
            coro_or_future = _wrap_awaitable(coro_or_future)
        else:
            raise TypeError("An asyncio.Future, a coroutine or an awaitable is required")
    if loop is None:
        loop = events.get_event_loop()
    return loop.create_task(coro_or_future)


async def _wrap_awaitable(awaitable):
    return await awaitable


class _YieldOnce:
    """Awaiting it gives the loop one turn: the task is scheduled again at the back."""

    __slots__ = ()

    def __await__(self):
        yield


_yield_once = _YieldOnce()


async def sleep(delay, result=None):
    """Suspend the task for `delay` seconds (one loop turn when 0)."""
    if delay <= 0:
        await _yield_once
        return result
    loop = events.get_running_loop()
    future = loop.create_future()
    timer = loop.call_later(delay, _resolve, future, result)
    try:
        return await future
    finally:
        timer.cancel()


def _resolve(future, result):
    if not future.done():
        future.set_result(result)


class _GatheringFuture(futures.Future):
    """gather()'s result: cancelling it cancels every child."""

    def __init__(self, children, *, loop):
        super().__init__(loop=loop)
        self._children = children
        self._cancel_requested = False

    def cancel(self, msg=None):
        if self.done():
            return False
        cancelled_any = False
        for child in self._children:
            if child.cancel(msg=msg):
                cancelled_any = True
        if cancelled_any:
            self._cancel_requested = True
        return cancelled_any


def gather(*aws, return_exceptions=False):
    """Run the awaitables concurrently; their results in order (or the first exception)."""
    if not aws:
        outer = events.get_event_loop().create_future()
        outer.set_result([])
        return outer
    loop = None
    by_arg = {}
    children = []
    for arg in aws:
        child = by_arg.get(arg)
        if child is None:
            child = ensure_future(arg, loop=loop)
            if loop is None:
                loop = child.get_loop()
            if child is not arg:
                child._log_destroy_pending = False
            by_arg[arg] = child
        children.append(child)
    outer = _GatheringFuture(children, loop=loop)
    distinct = len(by_arg)
    finished = 0

    def child_done(child):
        nonlocal finished
        finished += 1
        if outer.done():
            if not child.cancelled():
                child.exception()
            return
        if not return_exceptions:
            if child.cancelled():
                outer.set_exception(child._make_cancelled_error())
                return
            exc = child.exception()
            if exc is not None:
                outer.set_exception(exc)
                return
        if finished < distinct:
            return
        results = []
        for each in children:
            if each.cancelled():
                message = each._cancel_message
                results.append(CancelledError("" if message is None else message))
            else:
                exc = each.exception()
                results.append(each.result() if exc is None else exc)
        if outer._cancel_requested:
            outer.set_exception(child._make_cancelled_error())
        else:
            outer.set_result(results)

    for child in by_arg.values():
        child.add_done_callback(child_done)
    return outer


async def wait(fs, *, timeout=None, return_when=ALL_COMPLETED):
    """Wait for the futures/tasks in `fs`; returns (done, pending) sets."""
    if futures.isfuture(fs) or iscoroutine(fs):
        raise TypeError(f"expect a list of futures, not {type(fs).__name__}")
    if not fs:
        raise ValueError("Set of Tasks/Futures is empty.")
    if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
        raise ValueError(f"Invalid return_when value: {return_when}")
    fs = set(fs)
    if any(iscoroutine(f) for f in fs):
        raise TypeError("Passing coroutines is forbidden, use tasks explicitly.")
    loop = events.get_running_loop()
    waiter = loop.create_future()
    timer = None if timeout is None else loop.call_later(timeout, _resolve, waiter, None)
    left = len(fs)

    def one_done(f):
        nonlocal left
        left -= 1
        if (left <= 0 or return_when == FIRST_COMPLETED
                or return_when == FIRST_EXCEPTION and not f.cancelled() and f.exception() is not None):
            _resolve(waiter, None)

    pending = [f for f in fs if not f.done()]
    already = len(fs) - len(pending)
    left = len(pending)
    finished_early = (not pending or return_when == FIRST_COMPLETED and already
                      or return_when == FIRST_EXCEPTION and any(
                          f.done() and not f.cancelled() and f.exception() is not None for f in fs))
    if not finished_early:
        for f in pending:
            f.add_done_callback(one_done)
        try:
            await waiter
        finally:
            if timer is not None:
                timer.cancel()
            for f in pending:
                f.remove_done_callback(one_done)
    elif timer is not None:
        timer.cancel()
    done = {f for f in fs if f.done()}
    return done, fs - done


async def wait_for(fut, timeout):
    """Await `fut`, cancelling it and raising TimeoutError if it takes longer than `timeout`."""
    if timeout is None:
        return await fut
    fut = ensure_future(fut, loop=events.get_running_loop())
    if timeout <= 0 and fut.done():
        return fut.result()
    async with _timeout(timeout):
        return await fut


def as_completed(fs, *, timeout=None):
    """Coroutines to await, in the order the awaitables finish."""
    if futures.isfuture(fs) or iscoroutine(fs):
        raise TypeError(f"expect an iterable of futures, not {type(fs).__name__}")
    from asyncio.queues import Queue
    finished = Queue()
    loop = events.get_event_loop()
    todo = {ensure_future(f, loop=loop) for f in set(fs)}
    timer = None

    def on_timeout():
        for f in todo:
            f.remove_done_callback(on_done)
            finished.put_nowait(None)
        todo.clear()

    def on_done(f):
        if not todo:
            return
        todo.discard(f)
        finished.put_nowait(f)
        if not todo and timer is not None:
            timer.cancel()

    async def next_done():
        f = await finished.get()
        if f is None:
            raise TimeoutError
        return f.result()

    for f in todo:
        f.add_done_callback(on_done)
    if todo and timeout is not None:
        timer = loop.call_later(timeout, on_timeout)
    for _ in range(len(todo)):
        yield next_done()


def shield(arg):
    """A future that follows `arg` but whose cancellation does not cancel `arg`."""
    inner = ensure_future(arg)
    if inner.done():
        return inner
    outer = inner.get_loop().create_future()

    def inner_done(inner):
        if outer.cancelled():
            if not inner.cancelled():
                inner.exception()
            return
        if inner.cancelled():
            outer.cancel()
        elif inner.exception() is not None:
            outer.set_exception(inner.exception())
        else:
            outer.set_result(inner.result())

    def outer_done(outer):
        if not inner.done():
            inner.remove_done_callback(inner_done)

    inner.add_done_callback(inner_done)
    outer.add_done_callback(outer_done)
    return outer


async def to_thread(func, /, *args, **kwargs):
    """Run func(*args, **kwargs) in the loop's default thread pool and await its result."""
    loop = events.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(func, *args, **kwargs))


def run_coroutine_threadsafe(coro, loop):
    """Submit a coroutine to a loop running in another thread: a concurrent.futures.Future."""
    if not iscoroutine(coro):
        raise TypeError("A coroutine object is required")
    import concurrent.futures
    result = concurrent.futures.Future()

    def start():
        task = ensure_future(coro, loop=loop)

        def copy(task):
            if task.cancelled():
                result.cancel()
            elif task.exception() is not None:
                result.set_exception(task.exception())
            else:
                result.set_result(task.result())

        task.add_done_callback(copy)

    loop.call_soon_threadsafe(start)
    return result


# ----- timeouts (asyncio.timeout / timeout_at)

_CREATED, _ENTERED, _EXPIRING, _EXPIRED, _EXITED = "created", "active", "expiring", "expired", "finished"


class Timeout:
    """An async context manager that cancels the task in it at a deadline of the loop's clock
    and turns that cancellation into TimeoutError."""

    def __init__(self, when):
        self._state = _CREATED
        self._when = when
        self._timer = None
        self._task = None

    def when(self):
        return self._when

    def reschedule(self, when):
        if self._state is not _ENTERED:
            raise RuntimeError(f"Cannot change state of {self._state} Timeout")
        self._when = when
        if self._timer is not None:
            self._timer.cancel()
        if when is None:
            self._timer = None
            return
        loop = events.get_running_loop()
        if when <= loop.time():
            self._timer = loop.call_soon(self._on_timeout)
        else:
            self._timer = loop.call_at(when, self._on_timeout)

    def expired(self):
        return self._state in (_EXPIRING, _EXPIRED)

    def __repr__(self):
        when = f" when={self._when}" if self._state is _ENTERED else ""
        return f"<Timeout [{self._state}]{when}>"

    async def __aenter__(self):
        self._state = _ENTERED
        self._task = current_task()
        if self._task is None:
            raise RuntimeError("Timeout should be used inside a task")
        self.reschedule(self._when)
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self._state is _EXPIRING:
            self._state = _EXPIRED
            if self._task.uncancel() == 0 and exc_type is CancelledError:
                raise TimeoutError
        elif self._state is _ENTERED:
            self._state = _EXITED
        return None

    def _on_timeout(self):
        self._task.cancel()
        self._state = _EXPIRING
        self._timer = None


def _timeout(delay):
    """Timeout after `delay` seconds (None: never, until rescheduled)."""
    loop = events.get_running_loop()
    return Timeout(loop.time() + delay if delay is not None else None)


def timeout_at(when):
    return Timeout(when)


timeout = _timeout
