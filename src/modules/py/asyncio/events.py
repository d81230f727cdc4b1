"""The event loop: ready callbacks, timers, and waiting (in `_asyncio_loop`) when neither is due."""

import heapq
import sys
import threading
import time

import _asyncio_loop

__all__ = ("AbstractEventLoop", "Handle", "TimerHandle", "get_event_loop", "get_running_loop",
           "new_event_loop", "set_event_loop")


class Handle:
    """A callback scheduled on a loop, which `cancel()` stops from running."""

    __slots__ = ("_callback", "_args", "_cancelled", "_loop")

    def __init__(self, callback, args, loop):
        self._callback = callback
        self._args = args
        self._cancelled = False
        self._loop = loop

    def _repr_info(self):
        info = [type(self).__name__]
        if self._cancelled:
            info.append("cancelled")
        if self._callback is not None:
            name = getattr(self._callback, "__qualname__", None) or repr(self._callback)
            info.append(f"{name}()")
        return info

    def __repr__(self):
        return f"<{' '.join(self._repr_info())}>"

    def cancel(self):
        if not self._cancelled:
            self._cancelled = True
            self._callback = None
            self._args = None

    def cancelled(self):
        return self._cancelled

    def _run(self):
        try:
            self._callback(*self._args)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            self._loop.call_exception_handler({
                "message": f"Exception in callback {self._describe()}",
                "exception": exc,
                "handle": self,
            })

    def _describe(self):
        callback = self._callback
        name = getattr(callback, "__qualname__", None) or repr(callback)
        return f"{name}({', '.join(repr(a) for a in self._args)})"


class TimerHandle(Handle):
    """A callback scheduled for a time of the loop's clock."""

    __slots__ = ("_when",)

    def __init__(self, when, callback, args, loop):
        super().__init__(callback, args, loop)
        self._when = when

    def _repr_info(self):
        info = super()._repr_info()
        info.insert(1 + self._cancelled, f"when={self._when}")
        return info

    def __lt__(self, other):
        return self._when < other._when

    def __le__(self, other):
        return self._when <= other._when

    def __gt__(self, other):
        return self._when > other._when

    def __ge__(self, other):
        return self._when >= other._when

    def __eq__(self, other):
        if not isinstance(other, TimerHandle):
            return NotImplemented
        return (self._when == other._when and self._callback == other._callback
                and self._args == other._args and self._cancelled == other._cancelled)

    __hash__ = Handle.__hash__

    def when(self):
        return self._when


class AbstractEventLoop:
    """The interface of event loops (toy has one implementation)."""


# The loop running in each thread, and the loop set for it with set_event_loop().
_state = threading.local()


def _get_running_loop():
    return getattr(_state, "running", None)


def _set_running_loop(loop):
    _state.running = loop


def get_running_loop():
    loop = getattr(_state, "running", None)
    if loop is None:
        raise RuntimeError("no running event loop")
    return loop


def get_event_loop():
    """The running loop, else the loop set for this thread (the main thread gets one made)."""
    loop = getattr(_state, "running", None)
    if loop is not None:
        return loop
    loop = getattr(_state, "current", None)
    if loop is None:
        if threading.current_thread() is not threading.main_thread():
            raise RuntimeError(f"There is no current event loop in thread "
                               f"{threading.current_thread().name!r}.")
        loop = _state.current = new_event_loop()
    return loop


def set_event_loop(loop):
    if loop is not None and not isinstance(loop, AbstractEventLoop):
        raise TypeError(f"loop must be an instance of AbstractEventLoop or None, "
                        f"not '{type(loop).__name__}'")
    _state.current = loop


def new_event_loop():
    return _UnixSelectorEventLoop()


class _UnixSelectorEventLoop(AbstractEventLoop):
    """An event loop: runs ready callbacks in order, then those of timers that are due."""

    def __init__(self):
        self._ready = []
        self._timers = []
        self._stopping = False
        self._closed = False
        self._thread_id = None
        self._debug = False
        self._exception_handler = None
        self._default_executor = None
        # Callbacks other threads hand in (call_soon_threadsafe), under a lock.
        self._handed_in = []
        self._hand_in_lock = threading.Lock()
        self._waker = _asyncio_loop.new_waker()
        self._task_factory = None

    def __repr__(self):
        return (f"<{type(self).__name__} running={self.is_running()} "
                f"closed={self._closed} debug={self._debug}>")

    # ----- clock and scheduling

    def time(self):
        return time.monotonic()

    def call_soon(self, callback, *args, context=None):
        self._check_closed()
        handle = Handle(callback, args, self)
        self._ready.append(handle)
        return handle

    def call_later(self, delay, callback, *args, context=None):
        if delay is None:
            raise TypeError("delay must not be None")
        return self.call_at(self.time() + delay, callback, *args)

    def call_at(self, when, callback, *args, context=None):
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        timer = TimerHandle(when, callback, args, self)
        heapq.heappush(self._timers, timer)
        return timer

    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        handle = Handle(callback, args, self)
        with self._hand_in_lock:
            self._handed_in.append(handle)
        _asyncio_loop.wake(self._waker)
        return handle

    # ----- futures and tasks

    def create_future(self):
        from asyncio.futures import Future
        return Future(loop=self)

    def create_task(self, coro, *, name=None, context=None):
        self._check_closed()
        if self._task_factory is not None:
            task = self._task_factory(self, coro)
            if name is not None:
                task.set_name(name)
            return task
        from asyncio.tasks import Task
        return Task(coro, loop=self, name=name)

    def set_task_factory(self, factory):
        if factory is not None and not callable(factory):
            raise TypeError("task factory must be a callable or None")
        self._task_factory = factory

    def get_task_factory(self):
        return self._task_factory

    def run_in_executor(self, executor, func, *args):
        self._check_closed()
        if executor is None:
            executor = self._default_executor
            if executor is None:
                from concurrent.futures import ThreadPoolExecutor
                executor = self._default_executor = ThreadPoolExecutor(thread_name_prefix="asyncio")
        from asyncio.futures import wrap_future
        return wrap_future(executor.submit(func, *args), loop=self)

    def set_default_executor(self, executor):
        self._default_executor = executor

    async def shutdown_default_executor(self):
        executor = self._default_executor
        if executor is None:
            return
        self._default_executor = None
        done = self.create_future()

        def shut_down():
            try:
                executor.shutdown(wait=True)
            finally:
                self.call_soon_threadsafe(_finish, done)

        threading.Thread(target=shut_down).start()
        await done

    async def shutdown_asyncgens(self):
        pass

    # ----- running

    def is_running(self):
        return self._thread_id is not None

    def is_closed(self):
        return self._closed

    def get_debug(self):
        return self._debug

    def set_debug(self, enabled):
        self._debug = bool(enabled)

    def _check_closed(self):
        if self._closed:
            raise RuntimeError("Event loop is closed")

    def _check_running(self):
        if self.is_running():
            raise RuntimeError("This event loop is already running")
        if _get_running_loop() is not None:
            raise RuntimeError("Cannot run the event loop while another loop is running")

    def stop(self):
        self._stopping = True

    def run_forever(self):
        self._check_closed()
        self._check_running()
        self._thread_id = threading.get_ident()
        previous = _get_running_loop()
        _set_running_loop(self)
        try:
            while True:
                self._run_once()
                if self._stopping:
                    break
        finally:
            self._stopping = False
            self._thread_id = None
            _set_running_loop(previous)

    def run_until_complete(self, future):
        self._check_closed()
        self._check_running()
        from asyncio.futures import isfuture
        from asyncio.tasks import ensure_future
        made_here = not isfuture(future)
        future = ensure_future(future, loop=self)
        if made_here:
            future._log_destroy_pending = False
        future.add_done_callback(_stop_loop)
        try:
            self.run_forever()
        except BaseException:
            if made_here and future.done() and not future.cancelled():
                future.exception()
            raise
        finally:
            future.remove_done_callback(_stop_loop)
        if not future.done():
            raise RuntimeError("Event loop stopped before Future completed.")
        return future.result()

    def _run_once(self):
        """One iteration: wait until something is due, then run exactly what is ready now."""
        timers = self._timers
        if self._ready or self._stopping or self._handed_in:
            timeout = 0
        elif timers:
            timeout = max(0.0, timers[0]._when - time.monotonic())
        else:
            timeout = None
        if timeout != 0:
            _asyncio_loop.wait(self._waker, timeout)
        if self._handed_in:
            with self._hand_in_lock:
                self._ready.extend(self._handed_in)
                self._handed_in.clear()
        if timers:
            now = time.monotonic()
            while timers and timers[0]._when <= now:
                timer = heapq.heappop(timers)
                if not timer._cancelled:
                    self._ready.append(timer)
        ready = self._ready
        self._ready = []
        for handle in ready:
            if not handle._cancelled:
                handle._run()

    def close(self):
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self._closed:
            return
        self._closed = True
        self._ready.clear()
        self._timers.clear()
        _asyncio_loop.close_waker(self._waker)
        executor = self._default_executor
        if executor is not None:
            self._default_executor = None
            executor.shutdown(wait=False)

    # ----- errors

    def set_exception_handler(self, handler):
        if handler is not None and not callable(handler):
            raise TypeError(f"A callable object or None is expected, got {handler!r}")
        self._exception_handler = handler

    def get_exception_handler(self):
        return self._exception_handler

    def default_exception_handler(self, context):
        message = context.get("message") or "Unhandled exception in event loop"
        exception = context.get("exception")
        lines = [message]
        for key in sorted(context):
            if key in ("message", "exception"):
                continue
            lines.append(f"{key}: {context[key]!r}")
        text = "\n".join(lines)
        import logging
        if exception is not None:
            logging.getLogger("asyncio").error(
                text, exc_info=(type(exception), exception, exception.__traceback__))
        else:
            logging.getLogger("asyncio").error(text)

    def call_exception_handler(self, context):
        handler = self._exception_handler
        try:
            if handler is None:
                self.default_exception_handler(context)
            else:
                handler(self, context)
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException as exc:
            print(f"Exception in exception handler: {exc!r}", file=sys.stderr)

    def __del__(self):
        if not self._closed:
            _asyncio_loop.close_waker(self._waker)


def _stop_loop(future):
    future.get_loop().stop()


def _finish(future):
    if not future.done():
        future.set_result(None)
