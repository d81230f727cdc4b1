"""toy's contextlib (a subset): contextmanager, ContextDecorator, AbstractContextManager,
closing, nullcontext, suppress, redirect_stdout, redirect_stderr, ExitStack. No async variants.
"""

from collections import deque
from functools import wraps

__all__ = [
    "contextmanager",
    "closing",
    "nullcontext",
    "AbstractContextManager",
    "ContextDecorator",
    "ExitStack",
    "suppress",
    "redirect_stdout",
    "redirect_stderr",
]


class AbstractContextManager:
    """Base class for context managers: entering gives self, leaving changes nothing."""

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        return None


class ContextDecorator:
    """Mixin that lets a context manager also decorate functions: each call of the decorated
    function runs inside the manager."""

    def _recreate_cm(self):
        # Managers that can only be entered once return a fresh copy here.
        return self

    def __call__(self, func):
        @wraps(func)
        def run_inside(*args, **kwds):
            with self._recreate_cm():
                return func(*args, **kwds)

        return run_inside


def _raise_and_close(gen, message):
    # The RuntimeError stays the error reported even if closing the generator fails too (it
    # then becomes that failure's context).
    try:
        raise RuntimeError(message)
    finally:
        gen.close()


class _GeneratorContextManager(AbstractContextManager, ContextDecorator):
    """What a @contextmanager function returns: runs the generator up to its yield on
    entry and the rest on exit. (The class name is CPython's, as reprs show it.)"""

    def __init__(self, func, args, kwds):
        self._factory = (func, args, kwds)
        self._gen = func(*args, **kwds)

    def _recreate_cm(self):
        func, args, kwds = self._factory
        return type(self)(func, args, kwds)

    def __enter__(self):
        try:
            return next(self._gen)
        except StopIteration:
            raise RuntimeError("generator didn't yield") from None

    def __exit__(self, typ, value, traceback):
        gen = self._gen
        if typ is None:
            try:
                next(gen)
            except StopIteration:
                return False
            _raise_and_close(gen, "generator didn't stop")
        if value is None:
            # Need an instance, to recognise the exception if the generator lets it through.
            value = typ()
        try:
            gen.throw(typ, value, traceback)
        except StopIteration as exc:
            # The generator returned: it handled the exception. Only a StopIteration thrown in
            # and coming straight back out is not "handled".
            return exc is not value
        except BaseException as exc:
            # PEP 479 turns a StopIteration thrown into a generator into a RuntimeError
            # caused by it; that too is the original exception coming back.
            same = exc is value or (
                isinstance(value, StopIteration)
                and isinstance(exc, RuntimeError)
                and exc.__cause__ is value
            )
            if not same:
                raise
            value.__traceback__ = traceback
            return False
        _raise_and_close(gen, "generator didn't stop after throw()")


def contextmanager(func):
    """Decorator turning a generator function that yields once into a context manager
    factory: the code before the yield runs on entry, the code after it on exit."""

    @wraps(func)
    def make_manager(*args, **kwds):
        return _GeneratorContextManager(func, args, kwds)

    return make_manager


class closing(AbstractContextManager):
    """closing(thing): gives thing on entry and calls thing.close() on exit."""

    def __init__(self, thing):
        self.thing = thing

    def __enter__(self):
        return self.thing

    def __exit__(self, *exc_info):
        self.thing.close()


class nullcontext(AbstractContextManager):
    """A context manager that does nothing; entering it gives enter_result."""

    def __init__(self, enter_result=None):
        self.enter_result = enter_result

    def __enter__(self):
        return self.enter_result

    def __exit__(self, *exc_info):
        return None


class suppress(AbstractContextManager):
    """suppress(*exceptions): swallow those exception types raised in the block."""

    def __init__(self, *exceptions):
        self._types = exceptions

    def __enter__(self):
        return None

    def __exit__(self, exc_type, exc_value, traceback):
        return exc_type is not None and issubclass(exc_type, self._types)


def _set_context(new, old, outer):
    # Called when a callback raised `new` while `old` was the pending exception. Python set
    # new's implicit context to `outer`, the exception the with block was leaving with (the
    # one being handled); splice `old` in instead, so the chain reads new -> old -> ... as
    # it would for nested with blocks. When the chain does not lead to `outer` (or already
    # holds `old`), Python's own context stands, as in CPython.
    node = new
    while node.__context__ is not None and node.__context__ is not old:
        if node.__context__ is outer:
            node.__context__ = old
            return
        node = node.__context__


class ExitStack(AbstractContextManager):
    """A stack of exit callbacks, unwound last-in first-out when the with block ends (or on
    close()). Each callback sees the exception the previous one left and may suppress it."""

    def __init__(self):
        # Each entry is a function (exc_type, exc, tb) -> suppress?
        self._unwind = deque()

    def pop_all(self):
        """Move the callbacks to a new stack, which is returned; this one ends up empty."""
        other = type(self)()
        other._unwind, self._unwind = self._unwind, deque()
        return other

    def _add_manager_exit(self, cm, exit_fn):
        self._unwind.append(lambda t, v, tb: exit_fn(cm, t, v, tb))

    def push(self, exit):
        """Add an __exit__-like callable, or an object's __exit__ method; returns exit."""
        exit_fn = getattr(type(exit), "__exit__", None)
        if exit_fn is not None:
            self._add_manager_exit(exit, exit_fn)
        else:
            self._unwind.append(exit)
        return exit

    def enter_context(self, cm):
        """Enter cm, schedule its __exit__, and return what __enter__ returned."""
        kind = type(cm)
        enter_fn = getattr(kind, "__enter__", None)
        exit_fn = getattr(kind, "__exit__", None)
        if enter_fn is None or exit_fn is None:
            raise TypeError(
                "'%s.%s' object does not support the context manager protocol"
                % (kind.__module__, kind.__qualname__)
            )
        entered = enter_fn(cm)
        self._add_manager_exit(cm, exit_fn)
        return entered

    def callback(self, callback, /, *args, **kwds):
        """Schedule callback(*args, **kwds); it cannot suppress exceptions. Returns callback."""

        def call(exc_type, exc, tb):
            callback(*args, **kwds)

        call.__wrapped__ = callback
        self._unwind.append(call)
        return callback

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        details = (exc_type, exc_value, traceback)
        suppressed = raised = False
        while self._unwind:
            exit_fn = self._unwind.pop()
            try:
                if exit_fn(*details):
                    details = (None, None, None)
                    suppressed, raised = True, False
            except BaseException as err:
                _set_context(err, details[1], exc_value)
                details = (type(err), err, err.__traceback__)
                raised = True
        if raised:
            err = details[1]
            # Raising here would make the with block's own exception err's context; keep the
            # chain built above instead.
            chain = err.__context__
            try:
                raise err
            finally:
                err.__context__ = chain
        return exc_type is not None and suppressed

    def close(self):
        """Run the callbacks now."""
        self.__exit__(None, None, None)


class _RedirectStream(AbstractContextManager):
    """Swap a `sys` stream for `new_target` while the block runs (nested uses stack)."""

    _stream = None

    def __init__(self, new_target):
        self._new_target = new_target
        self._old_targets = []

    def __enter__(self):
        import sys

        self._old_targets.append(getattr(sys, self._stream))
        setattr(sys, self._stream, self._new_target)
        return self._new_target

    def __exit__(self, exctype, excinst, exctb):
        import sys

        setattr(sys, self._stream, self._old_targets.pop())


class redirect_stdout(_RedirectStream):
    """Send what `print` and `sys.stdout.write` write to another file."""

    _stream = "stdout"


class redirect_stderr(_RedirectStream):
    """Send what is written to `sys.stderr` to another file."""

    _stream = "stderr"
