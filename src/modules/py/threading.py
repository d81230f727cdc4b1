"""toy's threading module (a subset of CPython's API), built on `_thread`.

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
        # Held while the thread runs; released once the thread has let go of everything it
        # held (like CPython's thread-state lock), and join() waits for that.
        self._running = _thread._allocate_lock_for("join")

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
        # Two levels, as in CPython: tracebacks name `_bootstrap_inner`, and the target
        # starts at the same recursion depth.
        self._bootstrap_inner()

    def _bootstrap_inner(self):
        self._ident = get_ident()
        # This thread holds its own "running" lock (join() waits for it) and has a name in
        # deadlock reports.
        _thread._claim(self._running)
        _thread._release_on_exit(self._running)
        _thread._set_name(self._name)
        try:
            self.run()
        except BaseException as e:
            excepthook(ExceptHookArgs(type(e), e, self))
        finally:
            with _active_lock:
                if self in _active:
                    _active.remove(self)
            self._finished = True

    def run(self):
        """Call the target given to the constructor; subclasses may override this."""
        target = self._target
        try:
            if target is not None:
                target(*self._args, **self._kwargs)
        finally:
            # The Thread object may live on: do not keep the call's objects alive with it.
            del self._target, self._args, self._kwargs

    def join(self, timeout=None):
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
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
        if self._finished:
            words = ["stopped"]
        elif self._started:
            words = ["started"]
        else:
            words = ["initial"]
        if self._daemonic:
            words.append("daemon")
        if self._ident is not None:
            words.append(str(self._ident))
        return "<%s(%s, %s)>" % (type(self).__name__, self._name, " ".join(words))


class _MainThread(Thread):
    def __init__(self):
        Thread.__init__(self, name="MainThread", daemon=False)
        self._started = True
        self._ident = get_ident()
        _thread._set_name("MainThread")


class RLock:
    """A lock its owner may acquire again; released when every acquire is matched."""

    def __reduce__(self):
        # CPython's is a C type; a lock cannot travel to another process.
        raise TypeError("cannot pickle '_thread.RLock' object")

    def __init__(self):
        self._block = _thread.allocate_lock()
        self._owner = None
        self._count = 0

    def acquire(self, blocking=True, timeout=-1):
        me = get_ident()
        if self._owner != me:
            if not self._block.acquire(blocking, timeout):
                return False
            self._owner = me
        self._count += 1
        return True

    __enter__ = acquire

    def release(self):
        if self._owner != get_ident():
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1
        if not self._count:
            self._owner = None
            self._block.release()

    def __exit__(self, t, v, tb):
        self.release()

    # The three methods below are what Condition asks of a lock (CPython's names, which a
    # user-written lock may also provide): ownership test, full release, full re-acquire.

    def _is_owned(self):
        return self._owner == get_ident()

    def _release_save(self):
        # Let go of every level at once; the returned depth restores them.
        depth = self._count
        self._owner = None
        self._count = 0
        self._block.release()
        return depth

    def _acquire_restore(self, depth):
        self._block.acquire()
        self._owner = get_ident()
        self._count = depth


def _plain_is_owned(lock):
    # A plain lock cannot tell who holds it: held at all counts as owned.
    if lock.acquire(False):
        lock.release()
        return False
    return True


class Condition:
    """A condition variable over a lock (a new RLock unless one is given).

    Every waiter parks on a private lock that it holds itself; notify() releases the gates of
    the longest-waiting threads, first come first served."""

    def __init__(self, lock=None):
        self._lock = lock if lock is not None else RLock()
        self.acquire = self._lock.acquire
        self.release = self._lock.release
        self._gates = []

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def _is_owned(self):
        probe = getattr(self._lock, "_is_owned", None)
        return probe() if probe is not None else _plain_is_owned(self._lock)

    def _release_save(self):
        save = getattr(self._lock, "_release_save", None)
        if save is not None:
            return save()
        self._lock.release()
        return None

    def _acquire_restore(self, saved):
        restore = getattr(self._lock, "_acquire_restore", None)
        if restore is not None:
            restore(saved)
        else:
            self._lock.acquire()

    def wait(self, timeout=None):
        """Release the lock until notified or timeout seconds pass; True if notified."""
        if not self._is_owned():
            raise RuntimeError("cannot wait on un-acquired lock")
        gate = _thread._allocate_lock_for("condition")
        gate.acquire()
        self._gates.append(gate)
        saved = self._release_save()
        notified = False
        try:
            notified = _pass_gate(gate, timeout)
        finally:
            self._acquire_restore(saved)
            # Timed out (or interrupted): the gate must not take a later notification.
            if not notified and gate in self._gates:
                self._gates.remove(gate)
        return notified

    def wait_for(self, predicate, timeout=None):
        """Wait until predicate() is true or timeout passes; return its last value."""
        deadline = None if timeout is None else _time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if deadline is None:
                self.wait()
                continue
            left = deadline - _time()
            if left <= 0:
                return value
            self.wait(left)

    def notify(self, n=1):
        """Wake up to n waiting threads."""
        if not self._is_owned():
            raise RuntimeError("cannot notify on un-acquired lock")
        woken, self._gates = self._gates[:n], self._gates[n:]
        for gate in woken:
            gate.release()

    def notify_all(self):
        """Wake every waiting thread."""
        self.notify(len(self._gates))


def _pass_gate(gate, timeout):
    # Block on a held gate lock: forever, up to timeout seconds, or (timeout <= 0) not at all.
    if timeout is None:
        return gate.acquire()
    if timeout > 0:
        return gate.acquire(True, timeout)
    return gate.acquire(False)


def _time():
    import time

    return time.monotonic()


class Semaphore:
    """A counter: acquire() takes one (waiting while it is zero), release() gives back."""

    # BoundedSemaphore sets a ceiling.
    _ceiling = None

    def __init__(self, value=1):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        self._cond = Condition(Lock())
        self._value = value

    def _available(self):
        return self._value > 0

    def acquire(self, blocking=True, timeout=None):
        if not blocking and timeout is not None:
            raise ValueError("can't specify timeout for non-blocking acquire")
        with self._cond:
            if blocking:
                got = self._cond.wait_for(self._available, timeout)
            else:
                got = self._available()
            if got:
                self._value -= 1
            return got

    __enter__ = acquire

    def release(self, n=1):
        if n < 1:
            raise ValueError("n must be one or more")
        with self._cond:
            if self._ceiling is not None and self._value + n > self._ceiling:
                raise ValueError("Semaphore released too many times")
            self._value += n
            self._cond.notify(n)

    def __exit__(self, t, v, tb):
        self.release()


class BoundedSemaphore(Semaphore):
    """A Semaphore that refuses to be released above its initial value."""

    def __init__(self, value=1):
        Semaphore.__init__(self, value)
        self._ceiling = value


class Event:
    """A flag threads can wait for."""

    def __init__(self):
        self._cond = Condition(Lock())
        self._flag = False

    def is_set(self):
        return self._flag

    def set(self):
        with self._cond:
            self._flag = True
            self._cond.notify_all()

    def clear(self):
        with self._cond:
            self._flag = False

    def wait(self, timeout=None):
        """Wait until the flag is set; False only if timeout passed first."""
        with self._cond:
            # As in CPython: being woken by set() counts, even if clear() came right after.
            return self._flag or self._cond.wait(timeout)


class BrokenBarrierError(RuntimeError):
    pass


class _Round:
    """One use of a Barrier: how many have arrived, and how it ended (None while filling,
    then "passed" or "broken")."""

    __slots__ = ("arrived", "outcome")

    def __init__(self):
        self.arrived = 0
        self.outcome = None


class Barrier:
    """`parties` threads wait until all have arrived, then all go on; reusable.

    Each use is a _Round; the barrier always points at the current one. A completed round is
    replaced by a fresh one at once, so threads arriving for the next use never wait for the
    previous ones to leave. A broken round stays current until reset()."""

    def __init__(self, parties, action=None, timeout=None):
        if parties < 1:
            raise ValueError("parties must be >= 1")
        self._cond = Condition(Lock())
        self._parties = parties
        self._action = action
        self._timeout = timeout
        self._round = _Round()

    def _end_round(self, outcome):
        self._round.outcome = outcome
        if outcome == "passed":
            self._round = _Round()
        self._cond.notify_all()

    def wait(self, timeout=None):
        """Wait for the other parties; returns this thread's arrival index (0 .. parties-1)."""
        if timeout is None:
            timeout = self._timeout
        with self._cond:
            current = self._round
            if current.outcome == "broken":
                raise BrokenBarrierError
            index = current.arrived
            current.arrived += 1
            if current.arrived == self._parties:
                # The last to arrive runs the action; if it fails, nobody passes.
                try:
                    if self._action:
                        self._action()
                except BaseException:
                    self._end_round("broken")
                    raise
                self._end_round("passed")
                return index
            if not self._cond.wait_for(lambda: current.outcome is not None, timeout):
                self._end_round("broken")
            if current.outcome != "passed":
                raise BrokenBarrierError
            return index

    def reset(self):
        """Start afresh; threads waiting now get BrokenBarrierError."""
        with self._cond:
            if self._round.outcome is None:
                self._round.outcome = "broken"
            self._round = _Round()
            self._cond.notify_all()

    def abort(self):
        """Break the barrier: current and future waits fail until reset()."""
        with self._cond:
            self._end_round("broken")

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        current = self._round
        return current.arrived if current.outcome is None else 0

    @property
    def broken(self):
        return self._round.outcome == "broken"


class Timer(Thread):
    """Call `function(*args, **kwargs)` after `interval` seconds unless cancel()ed first."""

    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = [] if args is None else args
        self.kwargs = {} if kwargs is None else kwargs
        # Set by cancel(), and once the call is over.
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        if not self.finished.wait(self.interval):
            self.function(*self.args, **self.kwargs)
        self.finished.set()


# Per-thread attribute dicts of `local` objects, keyed by (id(object), thread ident).
_local_storage = {}


class local:
    """Attributes seen only by the thread that set them."""

    def __reduce__(self):
        raise TypeError("cannot pickle '_thread._local' object")

    def __getattr__(self, name):
        values = _local_storage.get((id(self), get_ident()))
        if values is not None and name in values:
            return values[name]
        raise AttributeError("'%s' object has no attribute '%s'" % (type(self).__name__, name))

    def __setattr__(self, name, value):
        _local_storage.setdefault((id(self), get_ident()), {})[name] = value


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


# Calls run by _shutdown() before it waits for the threads (concurrent.futures stops its idle
# workers there, or they would wait for work forever); the last registered runs first.
_exit_hooks = []
_exiting = False


def _register_atexit(func, *arg, **kwargs):
    if _exiting:
        raise RuntimeError("can't register atexit after shutdown")
    _exit_hooks.append((func, arg, kwargs))


def _shutdown():
    """Wait for every non-daemon thread: run by toy when the main module finishes."""
    global _exiting
    _exiting = True
    while _exit_hooks:
        func, arg, kwargs = _exit_hooks.pop()
        func(*arg, **kwargs)
    while True:
        with _active_lock:
            waiting = [t for t in _active if not t.daemon]
        if not waiting:
            return
        for thread in waiting:
            thread.join()


def _after_fork():
    """In a child made by os.fork(): the forking thread is the only one left, and becomes the
    main thread; the others are stopped (joining them returns at once)."""
    global _main_thread, _active, _active_lock
    # Another thread may have held the lock at the fork: the child gets a fresh one.
    _active_lock = _thread.allocate_lock()
    ident = get_ident()
    current = None
    for thread in [_main_thread] + _active:
        if thread._ident == ident:
            current = thread
        else:
            thread._finished = True
            thread._running = _thread._allocate_lock_for("join")
    if current is None:
        current = _MainThread()
    _main_thread = current
    _active = []


_main_thread = _MainThread()

try:
    import os as _os
except ImportError:
    _os = None
if _os is not None:
    _os.register_at_fork(after_in_child=_after_fork)
