"""toy's Future, wait(), as_completed() and Executor.

Design: every Future owns one Condition that guards all of its fields. Code that waits on
several futures at once (wait, as_completed) creates a _Tracker, which has a Condition of its
own and a list of futures that have arrived, and hooks it onto each future. A future that
completes while hooked reports to the tracker. Locks are always taken future first, tracker
second, so no ordering between futures is ever needed.
"""

import collections
import sys
import threading
import time

# return_when values for wait().
FIRST_COMPLETED = "FIRST_COMPLETED"
FIRST_EXCEPTION = "FIRST_EXCEPTION"
ALL_COMPLETED = "ALL_COMPLETED"

# Future states. The names show up in InvalidStateError messages, so they match CPython's.
# A cancelled future only counts as complete for wait()/as_completed() once its executor has
# seen the cancellation (CANCELLED_AND_NOTIFIED).
PENDING = "PENDING"
RUNNING = "RUNNING"
CANCELLED = "CANCELLED"
CANCELLED_AND_NOTIFIED = "CANCELLED_AND_NOTIFIED"
FINISHED = "FINISHED"

_CANCEL_STATES = (CANCELLED, CANCELLED_AND_NOTIFIED)
_SETTLED_STATES = (CANCELLED_AND_NOTIFIED, FINISHED)


class Error(Exception):
    """Base class for the errors of this package."""


class CancelledError(Error):
    """The future was cancelled."""


# Python 3.11 uses the built-in one.
TimeoutError = TimeoutError


class InvalidStateError(Error):
    """The future is not in a state that allows this."""


class BrokenExecutor(RuntimeError):
    """An executor can no longer run calls."""


def _report(message, exc):
    # Mirrors what CPython's logging last-resort handler prints: the message, then a traceback.
    print(message, file=sys.stderr)
    sys.excepthook(type(exc), exc, exc.__traceback__)


class _Tracker:
    """Collects the futures that complete while it is hooked onto them."""

    def __init__(self):
        self.cond = threading.Condition(threading.Lock())
        self.arrived = []
        self.failures = 0

    def future_settled(self, fut):
        # Called with fut's condition held; fut's state is final.
        with self.cond:
            self.arrived.append(fut)
            if fut._state == FINISHED and fut._exception is not None:
                self.failures += 1
            self.cond.notify_all()


def _hook(futures, tracker):
    """Attach tracker to every future; those already complete are reported at once."""
    for fut in futures:
        with fut._condition:
            if fut._state in _SETTLED_STATES:
                tracker.future_settled(fut)
            else:
                fut._trackers.append(tracker)


def _unhook(futures, tracker):
    for fut in futures:
        with fut._condition:
            if tracker in fut._trackers:
                fut._trackers.remove(tracker)


def _deadline(timeout):
    return None if timeout is None else time.monotonic() + timeout


def as_completed(fs, timeout=None):
    """Yield the given futures (duplicates dropped) as they complete."""
    deadline = _deadline(timeout)
    watched = set(fs)
    tracker = _Tracker()
    _hook(watched, tracker)
    remaining = len(watched)
    try:
        while True:
            with tracker.cond:
                batch = tracker.arrived
                tracker.arrived = []
            for fut in batch:
                remaining -= 1
                yield fut
            if remaining == 0:
                return
            with tracker.cond:
                if not tracker.arrived:
                    left = None
                    if deadline is not None:
                        left = deadline - time.monotonic()
                        if left < 0:
                            raise TimeoutError(
                                "%d (of %d) futures unfinished" % (remaining, len(watched))
                            )
                    tracker.cond.wait(left)
    finally:
        _unhook(watched, tracker)


DoneAndNotDoneFutures = collections.namedtuple(
    "DoneAndNotDoneFutures", "done not_done", module="concurrent.futures._base"
)


def _satisfied(return_when, tracker, total):
    if return_when == FIRST_COMPLETED and tracker.arrived:
        return True
    if return_when == FIRST_EXCEPTION and tracker.failures:
        return True
    return len(tracker.arrived) == total


def wait(fs, timeout=None, return_when=ALL_COMPLETED):
    """Wait until return_when holds for fs (or timeout passes); return (done, not_done)."""
    watched = set(fs)
    tracker = _Tracker()
    _hook(watched, tracker)
    try:
        with tracker.cond:
            if not _satisfied(return_when, tracker, len(watched)):
                if return_when not in (FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED):
                    raise ValueError("Invalid return condition: %r" % return_when)
                tracker.cond.wait_for(
                    lambda: _satisfied(return_when, tracker, len(watched)), timeout
                )
            done = set(tracker.arrived)
    finally:
        _unhook(watched, tracker)
    return DoneAndNotDoneFutures(done, watched - done)


class Future:
    """The eventual outcome of a call."""

    def __init__(self):
        self._condition = threading.Condition()
        self._state = PENDING
        self._result = None
        self._exception = None
        self._trackers = []
        self._done_callbacks = []

    def __repr__(self):
        with self._condition:
            shown = "cancelled" if self._state in _CANCEL_STATES else self._state.lower()
            head = "<%s at %#x state=%s" % (type(self).__name__, id(self), shown)
            if self._state != FINISHED:
                return head + ">"
            if self._exception is not None:
                return "%s raised %s>" % (head, type(self._exception).__name__)
            return "%s returned %s>" % (head, type(self._result).__name__)

    # -- queries --------------------------------------------------------------------------

    def cancelled(self):
        with self._condition:
            return self._state in _CANCEL_STATES

    def running(self):
        with self._condition:
            return self._state == RUNNING

    def done(self):
        with self._condition:
            return self._state in _CANCEL_STATES or self._state == FINISHED

    def _await_outcome(self, timeout):
        # Called with the condition held; returns once the future is finished, raises if it
        # was cancelled or the timeout passed first.
        self._condition.wait_for(
            lambda: self._state == FINISHED or self._state in _CANCEL_STATES, timeout
        )
        if self._state in _CANCEL_STATES:
            raise CancelledError()
        if self._state != FINISHED:
            raise TimeoutError()

    def result(self, timeout=None):
        """Return the call's value (or raise its exception), waiting up to timeout seconds."""
        with self._condition:
            self._await_outcome(timeout)
            if self._exception is not None:
                raise self._exception
            return self._result

    def exception(self, timeout=None):
        """Return the call's exception (None if it returned), waiting up to timeout seconds."""
        with self._condition:
            self._await_outcome(timeout)
            return self._exception

    # -- callbacks ------------------------------------------------------------------------

    def _call_back(self, fn):
        try:
            fn(self)
        except Exception as exc:
            _report("exception calling callback for %r" % (self,), exc)

    def add_done_callback(self, fn):
        """Arrange for fn(future) to run when the future is done (now, if it already is)."""
        with self._condition:
            if not (self._state == FINISHED or self._state in _CANCEL_STATES):
                self._done_callbacks.append(fn)
                return
        self._call_back(fn)

    def _after_completion(self):
        for fn in self._done_callbacks:
            self._call_back(fn)

    # -- state changes --------------------------------------------------------------------

    def cancel(self):
        """Cancel the call unless it is running or done; return whether it is cancelled."""
        with self._condition:
            if self._state in _CANCEL_STATES:
                return True
            if self._state != PENDING:
                return False
            self._state = CANCELLED
            self._condition.notify_all()
        self._after_completion()
        return True

    def set_running_or_notify_cancel(self):
        """For executors: mark the future running (True), or accept its cancellation (False)."""
        with self._condition:
            if self._state == PENDING:
                self._state = RUNNING
                return True
            if self._state == CANCELLED:
                self._state = CANCELLED_AND_NOTIFIED
                self._tell_trackers()
                return False
            print("Future %s in unexpected state: %s" % (id(self), self._state), file=sys.stderr)
            raise RuntimeError("Future in unexpected state")

    def _tell_trackers(self):
        for tracker in self._trackers:
            tracker.future_settled(self)
        self._trackers = []

    def _finish(self, value, exc):
        with self._condition:
            if self._state not in (PENDING, RUNNING):
                raise InvalidStateError("{}: {!r}".format(self._state, self))
            self._result = value
            self._exception = exc
            self._state = FINISHED
            self._tell_trackers()
            self._condition.notify_all()
        self._after_completion()

    def set_result(self, result):
        """For executors: complete the future with a value."""
        self._finish(result, None)

    def set_exception(self, exception):
        """For executors: complete the future with an exception."""
        self._finish(None, exception)


def _results_in_order(pending, deadline):
    # Generator behind Executor.map: one future at a time, in submission order; whatever has
    # not been consumed when it stops (error, timeout, close) is cancelled.
    try:
        while pending:
            fut = pending.popleft()
            try:
                if deadline is None:
                    value = fut.result()
                else:
                    value = fut.result(deadline - time.monotonic())
            except BaseException:
                fut.cancel()
                raise
            yield value
    finally:
        for fut in pending:
            fut.cancel()


class Executor:
    """Base class for executors."""

    def submit(self, fn, /, *args, **kwargs):
        raise NotImplementedError()

    def map(self, fn, *iterables, timeout=None, chunksize=1):
        """Like map(fn, *iterables) with the calls run concurrently; results come in order."""
        deadline = _deadline(timeout)
        # Everything is submitted now, before the caller asks for the first result.
        pending = collections.deque(self.submit(fn, *args) for args in zip(*iterables))
        return _results_in_order(pending, deadline)

    def shutdown(self, wait=True, *, cancel_futures=False):
        pass

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.shutdown(wait=True)
        return False
