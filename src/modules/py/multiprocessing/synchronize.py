"""Locks and friends that work across processes.

Each is built on semaphores in memory shared with the children (`_mp.sem_*`, a futex word in a
shared mapping; see src/modules/shared_memory.rs): a child made by fork inherits the mapping,
so the parent's `Lock` and the child's copy are the same lock. Who owns a lock (for `RLock`
and the reprs) is known only to the process that holds it, as in CPython, and is kept here as
(pid, thread ident)."""

import os
import threading
import _mp
from multiprocessing import process

__all__ = ["Lock", "RLock", "Semaphore", "BoundedSemaphore", "Condition", "Event", "Barrier"]

SEM_VALUE_MAX = 2147483647


def _me():
    return (os.getpid(), threading.get_ident())


class SemLock:
    def __init__(self, value, maxvalue, *, ctx=None):
        self._handle = _mp.sem_new(value, maxvalue)
        self._owner = None
        self._count = 0

    def _acquire(self, block=True, timeout=None):
        if not block:
            timeout = 0
        elif timeout is not None and timeout < 0:
            timeout = 0
        return _mp.sem_acquire(self._handle, timeout)

    def acquire(self, block=True, timeout=None):
        if self._acquire(block, timeout):
            self._owner = _me()
            self._count = 1
            return True
        return False

    def release(self):
        _mp.sem_release(self._handle)
        if self._owner == _me():
            self._owner = None
            self._count = 0

    def _get_value(self):
        return _mp.sem_value(self._handle)

    def _is_mine(self):
        return self._count > 0 and self._owner == _me()

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *args):
        return self.release()

    def __getstate__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return (self._handle,)

    def __setstate__(self, state):
        (self._handle,) = state
        self._owner = None
        self._count = 0


class Semaphore(SemLock):
    def __init__(self, value=1, *, ctx=None):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        SemLock.__init__(self, value, SEM_VALUE_MAX)

    def get_value(self):
        return self._get_value()

    def __repr__(self):
        return "<%s(value=%s)>" % (type(self).__name__, self._get_value())


class BoundedSemaphore(Semaphore):
    def __init__(self, value=1, *, ctx=None):
        if value < 0:
            raise ValueError("semaphore initial value must be >= 0")
        SemLock.__init__(self, value, value)
        self._maxvalue = value

    def __repr__(self):
        return "<%s(value=%s, maxvalue=%s)>" % (type(self).__name__, self._get_value(),
                                                self._maxvalue)

    def __getstate__(self):
        return SemLock.__getstate__(self) + (self._maxvalue,)

    def __setstate__(self, state):
        SemLock.__setstate__(self, state[:1])
        self._maxvalue = state[1]


def _owner_name():
    name = process.current_process().name
    if threading.current_thread().name != "MainThread":
        name += "|" + threading.current_thread().name
    return name


class Lock(SemLock):
    def __init__(self, *, ctx=None):
        SemLock.__init__(self, 1, 1)

    def __repr__(self):
        if self._is_mine():
            name = _owner_name()
        elif self._get_value() == 1:
            name = "None"
        else:
            name = "SomeOtherProcess"
        return "<%s(owner=%s)>" % (type(self).__name__, name)


class RLock(SemLock):
    def __init__(self, *, ctx=None):
        SemLock.__init__(self, 1, 1)

    def acquire(self, block=True, timeout=None):
        if self._owner == _me() and self._count > 0:
            self._count += 1
            return True
        return SemLock.acquire(self, block, timeout)

    def release(self):
        if self._owner != _me() or self._count == 0:
            raise AssertionError("attempt to release recursive lock not owned by thread")
        self._count -= 1
        if self._count == 0:
            self._owner = None
            _mp.sem_release(self._handle)

    def __repr__(self):
        if self._is_mine():
            name = _owner_name()
            count = self._count
        elif self._get_value() == 1:
            name, count = "None", 0
        else:
            name, count = "SomeOtherProcess", "unknown"
        return "<%s(%s, %s)>" % (type(self).__name__, name, count)


class Condition:
    """A condition variable across processes.

    A waiter announces itself on `_sleepers`, releases the lock, and sleeps on `_wakeups`;
    when it wakes (notified or timed out) it reports on `_left`. notify(n) hands out up to n
    wake-ups to announced sleepers and waits until each has reported, so a notify never wakes
    a waiter that arrives after it. A waiter that timed out reported without being notified:
    the next notify first settles those reports, and afterwards takes back any wake-up a
    timed-out waiter left unused."""

    def __init__(self, lock=None, *, ctx=None):
        self._lock = lock or RLock()
        self._sleepers = Semaphore(0)
        self._left = Semaphore(0)
        self._wakeups = Semaphore(0)
        self.acquire = self._lock.acquire
        self.release = self._lock.release

    def __getstate__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return (self._lock, self._sleepers, self._left, self._wakeups)

    def __setstate__(self, state):
        self._lock, self._sleepers, self._left, self._wakeups = state
        self.acquire = self._lock.acquire
        self.release = self._lock.release

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def __repr__(self):
        try:
            waiters = self._sleepers._get_value() - self._left._get_value()
        except Exception:
            waiters = "unknown"
        return "<%s(%s, %s)>" % (type(self).__name__, self._lock, waiters)


    def wait(self, timeout=None):
        if not self._lock._is_mine():
            raise AssertionError("must acquire() condition before using wait()")
        self._sleepers.release()
        # Release the lock completely, however many times an RLock was taken.
        depth = self._lock._count
        for _ in range(depth):
            self._lock.release()
        try:
            return self._wakeups.acquire(True, timeout)
        finally:
            self._left.release()
            for _ in range(depth):
                self._lock.acquire()

    def notify(self, n=1):
        if not self._lock._is_mine():
            raise AssertionError("lock is not owned")
        # Settle waiters that timed out: each announced itself and reported leaving.
        while self._left.acquire(False):
            self._sleepers.acquire(False)
        woken = 0
        while woken < n and self._sleepers.acquire(False):
            self._wakeups.release()
            woken += 1
        for _ in range(woken):
            self._left.acquire()
        # A waiter that timed out just as it was picked left its wake-up behind.
        while self._wakeups.acquire(False):
            pass

    def notify_all(self):
        self.notify(SEM_VALUE_MAX)

    def wait_for(self, predicate, timeout=None):
        result = predicate()
        if result:
            return result
        if timeout is not None:
            import time
            deadline = time.monotonic() + timeout
        else:
            wait_time = None
        while not result:
            if timeout is not None:
                wait_time = deadline - time.monotonic()
                if wait_time <= 0:
                    break
            self.wait(wait_time)
            result = predicate()
        return result


class Event:
    def __init__(self, *, ctx=None):
        self._cond = Condition(Lock())
        self._flag = Semaphore(0)

    def is_set(self):
        with self._cond:
            if self._flag.acquire(False):
                self._flag.release()
                return True
            return False

    def set(self):
        with self._cond:
            self._flag.acquire(False)
            self._flag.release()
            self._cond.notify_all()

    def clear(self):
        with self._cond:
            self._flag.acquire(False)

    def wait(self, timeout=None):
        with self._cond:
            if self._flag.acquire(False):
                self._flag.release()
            else:
                self._cond.wait(timeout)
            if self._flag.acquire(False):
                self._flag.release()
                return True
            return False

    def __repr__(self):
        set_status = "set" if self.is_set() else "unset"
        return "<%s at %#x %s>" % (type(self).__name__, id(self), set_status)


class Barrier:
    """`parties` processes (or threads) wait until all have arrived; reusable. The state lives
    in shared memory: the round number, how many have arrived in it, whether it is broken, and
    which round reset() broke (plus one; 0 for none)."""

    _ROUND, _ARRIVED, _BROKEN, _RESET = range(4)

    def __init__(self, parties, action=None, timeout=None, *, ctx=None):
        if parties < 1:
            raise ValueError("parties must be >= 1")
        from multiprocessing.sharedctypes import RawArray
        self._cond = Condition()
        self._state = RawArray("i", 4)
        self._parties = parties
        self._action = action
        self._timeout = timeout

    def wait(self, timeout=None):
        if timeout is None:
            timeout = self._timeout
        state = self._state
        with self._cond:
            if state[self._BROKEN]:
                raise threading.BrokenBarrierError
            index = state[self._ARRIVED]
            my_round = state[self._ROUND]
            state[self._ARRIVED] = index + 1
            if index + 1 == self._parties:
                try:
                    if self._action:
                        self._action()
                except BaseException:
                    self._break()
                    raise
                state[self._ARRIVED] = 0
                state[self._ROUND] = my_round + 1
                self._cond.notify_all()
                return index
            passed = self._cond.wait_for(
                lambda: state[self._ROUND] != my_round or state[self._BROKEN], timeout)
            if state[self._ROUND] != my_round:
                if state[self._RESET] == my_round + 1:
                    raise threading.BrokenBarrierError
                return index
            if not passed:
                self._break()
            raise threading.BrokenBarrierError

    def _break(self):
        self._state[self._BROKEN] = 1
        self._cond.notify_all()

    def abort(self):
        with self._cond:
            self._break()

    def reset(self):
        state = self._state
        with self._cond:
            if state[self._ARRIVED]:
                state[self._RESET] = state[self._ROUND] + 1
            state[self._ROUND] = state[self._ROUND] + 1
            state[self._ARRIVED] = 0
            state[self._BROKEN] = 0
            self._cond.notify_all()

    @property
    def parties(self):
        return self._parties

    @property
    def n_waiting(self):
        return 0 if self._state[self._BROKEN] else self._state[self._ARRIVED]

    @property
    def broken(self):
        return bool(self._state[self._BROKEN])
