"""Thread objects on top of `_thread`, as in CPython's Lib/threading.py (a subset).

This file is Python compiled into the toy binary: subclassing `Thread` and overriding `run()`
work exactly as in CPython because `Thread` is an ordinary class.
"""

import _thread

get_ident = _thread.get_ident
get_native_id = _thread.get_native_id
Lock = _thread.allocate_lock
TIMEOUT_MAX = _thread.TIMEOUT_MAX

_counter = 0
# Threads started and not yet finished, for active_count(), enumerate() and shutdown.
_active = []
_active_lock = _thread.allocate_lock()


def _new_name(target):
    global _counter
    _counter += 1
    if target is not None:
        return "Thread-%d (%s)" % (_counter, getattr(target, "__name__", "?"))
    return "Thread-%d" % _counter


def excepthook(args):
    """Print an exception raised by a thread's run() (threading.excepthook)."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else get_ident()
    _thread._excepthook(name, args.exc_value)


class ExceptHookArgs:
    def __init__(self, exc_type, exc_value, thread):
        self.exc_type = exc_type
        self.exc_value = exc_value
        self.exc_traceback = None
        self.thread = thread


class Thread:
    def __init__(self, group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None):
        if group is not None:
            raise AssertionError("group argument must be None for now")
        self._target = target
        self._args = tuple(args)
        self._kwargs = {} if kwargs is None else kwargs
        self._name = str(name) if name is not None else _new_name(target)
        self._daemonic = current_thread().daemon if daemon is None else bool(daemon)
        self._ident = None
        self._started = False
        self._finished = False
        # Held while the thread runs; join() waits for it.
        self._running = _thread.allocate_lock()

    def start(self):
        if self._started:
            raise RuntimeError("threads can only be started once")
        self._started = True
        self._running.acquire()
        with _active_lock:
            _active.append(self)
        try:
            _thread.start_new_thread(self._bootstrap, ())
        except BaseException:
            with _active_lock:
                _active.remove(self)
            self._finished = True
            self._running.release()
            raise

    def _bootstrap(self):
        self._ident = get_ident()
        try:
            self.run()
        except BaseException as e:
            excepthook(ExceptHookArgs(type(e), e, self))
        finally:
            with _active_lock:
                if self in _active:
                    _active.remove(self)
            self._finished = True
            self._running.release()

    def run(self):
        try:
            if self._target is not None:
                self._target(*self._args, **self._kwargs)
        finally:
            del self._target, self._args, self._kwargs

    def join(self, timeout=None):
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
        if self._finished:
            return
        if timeout is None:
            self._running.acquire()
            self._running.release()
        elif self._running.acquire(True, max(timeout, 0)):
            self._running.release()

    def is_alive(self):
        return self._started and not self._finished

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        self._name = str(value)

    @property
    def ident(self):
        return self._ident

    @property
    def native_id(self):
        return self._ident

    @property
    def daemon(self):
        return self._daemonic

    @daemon.setter
    def daemon(self, value):
        if self._started:
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemonic = bool(value)

    def __repr__(self):
        status = "initial"
        if self._started:
            status = "started"
        if self._finished:
            status = "stopped"
        if self._daemonic:
            status += " daemon"
        if self._ident is not None:
            status += " %s" % self._ident
        return "<%s(%s, %s)>" % (type(self).__name__, self._name, status)


class _MainThread(Thread):
    def __init__(self):
        Thread.__init__(self, name="MainThread", daemon=False)
        self._started = True
        self._ident = get_ident()


_main_thread = None


def main_thread():
    return _main_thread


def current_thread():
    ident = get_ident()
    if _main_thread is not None and ident == _main_thread._ident:
        return _main_thread
    with _active_lock:
        for thread in _active:
            if thread._ident == ident:
                return thread
    return _main_thread


def active_count():
    with _active_lock:
        return len(_active) + 1


def enumerate():
    with _active_lock:
        return [_main_thread] + list(_active)


def _shutdown():
    """Wait for every non-daemon thread: run by toy when the main module finishes."""
    while True:
        with _active_lock:
            waiting = [t for t in _active if not t.daemon]
        if not waiting:
            return
        for thread in waiting:
            thread.join()


_main_thread = _MainThread()
