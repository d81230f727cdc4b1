"""allow programmer to define multiple exit functions to be executed
upon normal program termination.

Two public functions, register and unregister, are defined.
"""

# (function, args, kwargs) in the order registered; run last first at exit.
_callbacks = []


def register(func, *args, **kwargs):
    if not callable(func):
        raise TypeError("the first argument must be callable")
    _callbacks.append((func, args, kwargs))
    return func


def unregister(func):
    _callbacks[:] = [entry for entry in _callbacks if entry[0] != func]


def _ncallbacks():
    return len(_callbacks)


def _clear():
    _callbacks.clear()


def _pop_callback():
    # At exit the interpreter (src/lib.rs) takes the callbacks one by one from here and calls
    # them itself: `(func, args, kwargs items)`, last registered first, then None.
    if not _callbacks:
        return None
    func, args, kwargs = _callbacks.pop()
    return func, args, tuple(kwargs.items())


def _run_exitfuncs():
    import _traceback
    import sys

    while _callbacks:
        func, args, kwargs = _callbacks.pop()
        try:
            func(*args, **kwargs)
        except BaseException as exc:
            sys.stderr.write(f"Exception ignored in atexit callback: {func!r}\n")
            sys.stderr.write(_traceback.format(exc, True))
