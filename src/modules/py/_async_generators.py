"""The awaitables an async generator's __anext__, asend, athrow and aclose return.

Awaiting one runs the generator (through the native `_asyncgen.step`) until its next
`yield`, whose value becomes the await's result; what the generator awaits meanwhile is
passed through to whoever drives the outer coroutine (the event loop).
"""

import _asyncgen

# What _asyncgen.step reports.
_PRODUCED, _PASSED_THROUGH, _FINISHED = 0, 1, 2

_INIT, _ITER, _CLOSED = 0, 1, 2


class async_generator_asend:
    """`agen.asend(value)` and `agen.__anext__()`: the next value of the generator."""

    __slots__ = ("_agen", "_value", "_state")

    def __init__(self, agen, value):
        self._agen = agen
        self._value = value
        self._state = _INIT

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)

    def send(self, value):
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited __anext__()/asend()")
        if self._state == _INIT:
            if self._agen.ag_running:
                self._state = _CLOSED
                raise RuntimeError("anext(): asynchronous generator is already running")
            if value is None:
                value = self._value
            self._state = _ITER
        return self._outcome(_asyncgen.step(self._agen, value, None))

    def throw(self, typ, val=None, tb=None):
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited __anext__()/asend()")
        exc = typ if val is None else typ(val) if isinstance(typ, type) else typ
        return self._outcome(_asyncgen.step(self._agen, None, exc))

    def close(self):
        self._state = _CLOSED

    def _outcome(self, step):
        try:
            kind, value = step
        except BaseException:
            self._state = _CLOSED
            raise
        if kind == _PASSED_THROUGH:
            return value
        self._state = _CLOSED
        if kind == _PRODUCED:
            raise StopIteration(value)
        raise StopAsyncIteration


class async_generator_athrow:
    """`agen.athrow(...)` and `agen.aclose()` (which throws GeneratorExit)."""

    __slots__ = ("_agen", "_exc", "_state")

    def __init__(self, agen, exc):
        self._agen = agen
        self._exc = exc  # None for aclose()
        self._state = _INIT

    def __await__(self):
        return self

    def __iter__(self):
        return self

    def __next__(self):
        return self.send(None)

    def send(self, value):
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited aclose()/athrow()")
        if self._state == _INIT:
            if self._agen.ag_running:
                self._state = _CLOSED
                raise RuntimeError("athrow(): asynchronous generator is already running")
            self._state = _ITER
            exc = GeneratorExit() if self._exc is None else self._exc
            return self._resumed(exc, None)
        return self._resumed(None, value)

    def throw(self, typ, val=None, tb=None):
        if self._state == _CLOSED:
            raise RuntimeError("cannot reuse already awaited aclose()/athrow()")
        exc = typ if val is None else typ(val) if isinstance(typ, type) else typ
        return self._resumed(exc, None)

    def close(self):
        self._state = _CLOSED

    def _resumed(self, exc, value):
        closing = self._exc is None
        try:
            kind, result = _asyncgen.step(self._agen, value, exc)
        except (GeneratorExit, StopAsyncIteration):
            self._state = _CLOSED
            if closing:
                raise StopIteration
            raise StopAsyncIteration
        except BaseException:
            self._state = _CLOSED
            raise
        if kind == _PASSED_THROUGH:
            return result
        self._state = _CLOSED
        if kind == _PRODUCED:
            if closing:
                raise RuntimeError("async generator ignored GeneratorExit")
            raise StopIteration(result)
        if closing:
            raise StopIteration
        raise StopAsyncIteration


class anext_awaitable:
    """anext(iterator, default): the next value, or `default` once the iterator is done."""

    __slots__ = ("_awaitable", "_default")

    def __init__(self, awaitable, default):
        self._awaitable = awaitable
        self._default = default

    def __await__(self):
        try:
            return (yield from type(self._awaitable).__await__(self._awaitable))
        except StopAsyncIteration:
            return self._default


class coroutine_wrapper:
    """What `coroutine.__await__()` returns: an iterator that drives the coroutine."""

    __slots__ = ("_coro",)

    def __init__(self, coro):
        self._coro = coro

    def __iter__(self):
        return self

    def __next__(self):
        return self._coro.send(None)

    def send(self, value):
        return self._coro.send(value)

    def throw(self, *args):
        return self._coro.throw(*args)

    def close(self):
        return self._coro.close()
