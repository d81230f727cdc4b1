"""A general-purpose event scheduler: events run at given times (with priorities to order
simultaneous ones), on a clock and a delay function of the caller's choosing."""

import heapq
import threading
import time
from collections import namedtuple
from itertools import count

__all__ = ["scheduler"]

Event = namedtuple("Event", "time, priority, sequence, action, argument, kwargs")
Event.time.__doc__ = "Numeric type compatible with the return value of the timefunc function passed to the constructor."
Event.priority.__doc__ = "Events scheduled for the same time will be executed in the order of their priority."
Event.sequence.__doc__ = "A continually increasing sequence number that separates events if time and priority are equal."
Event.action.__doc__ = "Executing the event means executing action(*argument, **kwargs)"
Event.argument.__doc__ = "argument is a sequence holding the positional arguments for the action."
Event.kwargs.__doc__ = "kwargs is a dictionary holding the keyword arguments for the action."

_no_kwargs = object()


class scheduler:
    def __init__(self, timefunc=time.monotonic, delayfunc=time.sleep):
        """A scheduler reading the time with `timefunc()` and waiting with `delayfunc(t)`
        (which another thread's new events cannot interrupt)."""
        self._queue = []
        self._lock = threading.RLock()
        self.timefunc = timefunc
        self.delayfunc = delayfunc
        self._sequence = count()

    def enterabs(self, time, priority, action, argument=(), kwargs=_no_kwargs):
        """Schedule `action(*argument, **kwargs)` at `time`; the event, for `cancel`."""
        if kwargs is _no_kwargs:
            kwargs = {}
        with self._lock:
            event = Event(time, priority, next(self._sequence), action, argument, kwargs)
            heapq.heappush(self._queue, event)
        return event

    def enter(self, delay, priority, action, argument=(), kwargs=_no_kwargs):
        """Schedule an action `delay` time units from now."""
        return self.enterabs(self.timefunc() + delay, priority, action, argument, kwargs)

    def cancel(self, event):
        """Remove a scheduled event (ValueError if it is not queued)."""
        with self._lock:
            self._queue.remove(event)
            heapq.heapify(self._queue)

    def empty(self):
        with self._lock:
            return not self._queue

    def run(self, blocking=True):
        """Run the events as their times come, until none is left. With `blocking` false,
        run the ones due now and return how long until the next (None if there is none)."""
        while True:
            with self._lock:
                if not self._queue:
                    return None
                first = self._queue[0]
                now = self.timefunc()
                due = first.time <= now
                if due:
                    heapq.heappop(self._queue)
            if not due:
                if not blocking:
                    return first.time - now
                self.delayfunc(first.time - now)
            else:
                first.action(*first.argument, **first.kwargs)
                # Let other threads run between events.
                self.delayfunc(0)

    @property
    def queue(self):
        """The pending events in the order they will run."""
        with self._lock:
            events = self._queue[:]
        return list(map(heapq.heappop, [events] * len(events)))
