"""Waiting for I/O readiness: `select`, `poll` and `epoll`, over the native `_select`, which
waits with the GIL released."""

import _select
from errno import EBADF as _EBADF, ENOENT as _ENOENT
from _select import (POLLIN, POLLPRI, POLLOUT, POLLERR, POLLHUP, POLLNVAL, POLLRDNORM, POLLWRNORM,
                     POLLRDHUP, EPOLLIN, EPOLLOUT, EPOLLPRI, EPOLLERR, EPOLLHUP, EPOLLET,
                     EPOLLONESHOT, EPOLLRDHUP)

error = OSError
EPOLL_CLOEXEC = 0o2000000


def _fileno(obj):
    if isinstance(obj, int):
        fd = obj
    else:
        try:
            method = obj.fileno
        except AttributeError:
            raise TypeError("argument must be an int, or have a fileno() method.") from None
        fd = method()
        if not isinstance(fd, int):
            raise TypeError("fileno() returned a non-integer")
    if fd < 0:
        raise ValueError(f"file descriptor cannot be a negative integer ({fd})")
    return fd


def _seconds(timeout):
    """A timeout in seconds (None: wait for ever), checked as `select.select` checks it."""
    if timeout is None:
        return None
    if not isinstance(timeout, (int, float)):
        raise TypeError("timeout must be an integer or None")
    timeout = float(timeout)
    if timeout != timeout:
        raise ValueError("Invalid value NaN (not a number)")
    if timeout in (float("inf"), float("-inf")):
        raise OverflowError("timestamp out of range for platform time_t")
    if timeout < 0:
        raise ValueError("timeout must be non-negative")
    return timeout


def select(rlist, wlist, xlist, timeout=None):
    """Wait until some of the objects are ready for reading, writing or an exceptional
    condition; return the three lists of those that are."""
    seconds = _seconds(timeout)
    watched = [(list(objects), mask) for objects, mask in ((rlist, POLLIN), (wlist, POLLOUT), (xlist, POLLPRI))]
    events = {}
    for objects, mask in watched:
        for obj in objects:
            fd = _fileno(obj)
            events[fd] = events.get(fd, 0) | mask
    ready = dict(_select.poll(list(events.items()), seconds))
    for fd, revents in ready.items():
        if revents & POLLNVAL:
            raise OSError(_EBADF, "Bad file descriptor")
    # Errors and hang-ups count as readable (and writable): the next call reports them.
    wanted = ((POLLIN | POLLHUP | POLLERR), (POLLOUT | POLLERR), POLLPRI)
    return tuple([obj for obj in objects if ready.get(_fileno(obj), 0) & bits]
                 for (objects, _), bits in zip(watched, wanted))


class poll:
    """`select.poll()`: a set of registered descriptors waited on together."""

    def __init__(self):
        self._events = {}

    def register(self, fd, eventmask=POLLIN | POLLPRI | POLLOUT):
        self._events[_fileno(fd)] = eventmask

    def modify(self, fd, eventmask):
        fd = _fileno(fd)
        if fd not in self._events:
            raise FileNotFoundError(_ENOENT, "No such file or directory")
        self._events[fd] = eventmask

    def unregister(self, fd):
        del self._events[_fileno(fd)]

    def poll(self, timeout=None):
        """Ready `(fd, events)` pairs; `timeout` is in milliseconds (None or negative: no limit)."""
        if timeout is not None:
            if not isinstance(timeout, (int, float)):
                raise TypeError("timeout must be an integer or None")
            timeout = None if timeout < 0 else timeout / 1000
        return _select.poll(list(self._events.items()), timeout)


class epoll:
    """`select.epoll()`: the kernel's scalable readiness set, as a descriptor of its own."""

    def __init__(self, sizehint=-1, flags=0):
        self._fd = _select.epoll_create()

    @classmethod
    def fromfd(cls, fd):
        self = cls.__new__(cls)
        self._fd = fd
        return self

    @property
    def closed(self):
        return self._fd < 0

    def _check_open(self):
        if self._fd < 0:
            raise ValueError("I/O operation on closed epoll object")

    def fileno(self):
        self._check_open()
        return self._fd

    def close(self):
        fd, self._fd = self._fd, -1
        if fd >= 0:
            import os
            os.close(fd)

    def __enter__(self):
        self._check_open()
        return self

    def __exit__(self, *exc_info):
        self.close()

    def register(self, fd, eventmask=EPOLLIN | EPOLLPRI | EPOLLOUT):
        self._check_open()
        _select.epoll_ctl(self._fd, _select.EPOLL_CTL_ADD, _fileno(fd), eventmask)

    def modify(self, fd, eventmask):
        self._check_open()
        _select.epoll_ctl(self._fd, _select.EPOLL_CTL_MOD, _fileno(fd), eventmask)

    def unregister(self, fd):
        self._check_open()
        _select.epoll_ctl(self._fd, _select.EPOLL_CTL_DEL, _fileno(fd), 0)

    def poll(self, timeout=None, maxevents=-1):
        """Ready `(fd, events)` pairs; `timeout` is in seconds (None or negative: no limit)."""
        self._check_open()
        if timeout is not None:
            if not isinstance(timeout, (int, float)):
                raise TypeError("timeout must be an integer or None")
            if timeout < 0:
                timeout = None
        if maxevents == 0 or maxevents < -1:
            raise ValueError(f"maxevents must be greater than 0, got {maxevents}")
        return _select.epoll_wait(self._fd, timeout, 1024 if maxevents == -1 else maxevents)
