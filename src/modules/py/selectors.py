"""High-level I/O multiplexing: register file objects with the events they wait for, then
`select()` the ones that are ready. Built on `select` (select, poll, epoll)."""

import select as _select_module
from abc import ABCMeta, abstractmethod
from collections import namedtuple
from collections.abc import Mapping

EVENT_READ = 1 << 0
EVENT_WRITE = 1 << 1

SelectorKey = namedtuple("SelectorKey", ["fileobj", "fd", "events", "data"])
SelectorKey.__doc__ = "The object a selector keeps for one registered file object."


def _fileobj_to_fd(fileobj):
    if isinstance(fileobj, int):
        fd = fileobj
    else:
        try:
            fd = int(fileobj.fileno())
        except (AttributeError, TypeError, ValueError):
            raise ValueError(f"Invalid file object: {fileobj!r}") from None
    if fd < 0:
        raise ValueError(f"Invalid file descriptor: {fd}")
    return fd


class _SelectorMapping(Mapping):
    """A read-only view of a selector's keys, by file object."""

    def __init__(self, selector):
        self._selector = selector

    def __len__(self):
        return len(self._selector._fd_to_key)

    def __getitem__(self, fileobj):
        fd = self._selector._fileobj_lookup(fileobj)
        try:
            return self._selector._fd_to_key[fd]
        except KeyError:
            raise KeyError(f"{fileobj!r} is not registered") from None

    def __iter__(self):
        return iter(self._selector._fd_to_key)


class BaseSelector(metaclass=ABCMeta):
    """The interface every selector offers."""

    @abstractmethod
    def register(self, fileobj, events, data=None):
        raise NotImplementedError

    @abstractmethod
    def unregister(self, fileobj):
        raise NotImplementedError

    def modify(self, fileobj, events, data=None):
        self.unregister(fileobj)
        return self.register(fileobj, events, data)

    @abstractmethod
    def select(self, timeout=None):
        raise NotImplementedError

    def close(self):
        pass

    def get_key(self, fileobj):
        mapping = self.get_map()
        if mapping is None:
            raise RuntimeError("Selector is closed")
        try:
            return mapping[fileobj]
        except KeyError:
            raise KeyError(f"{fileobj!r} is not registered") from None

    @abstractmethod
    def get_map(self):
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class _KeyedSelector(BaseSelector):
    """The bookkeeping all three selectors share: keys by descriptor."""

    def __init__(self):
        self._fd_to_key = {}
        self._map = _SelectorMapping(self)

    def _fileobj_lookup(self, fileobj):
        try:
            return _fileobj_to_fd(fileobj)
        except ValueError:
            # A closed file object is still found by identity.
            for key in self._fd_to_key.values():
                if key.fileobj is fileobj:
                    return key.fd
            raise

    def register(self, fileobj, events, data=None):
        if not events or events & ~(EVENT_READ | EVENT_WRITE):
            raise ValueError(f"Invalid events: {events!r}")
        key = SelectorKey(fileobj, self._fileobj_lookup(fileobj), events, data)
        if key.fd in self._fd_to_key:
            raise KeyError(f"{fileobj!r} (FD {key.fd}) is already registered")
        self._fd_to_key[key.fd] = key
        return key

    def unregister(self, fileobj):
        try:
            return self._fd_to_key.pop(self._fileobj_lookup(fileobj))
        except KeyError:
            raise KeyError(f"{fileobj!r} is not registered") from None

    def modify(self, fileobj, events, data=None):
        try:
            key = self._fd_to_key[self._fileobj_lookup(fileobj)]
        except KeyError:
            raise KeyError(f"{fileobj!r} is not registered") from None
        if events != key.events:
            self.unregister(fileobj)
            return self.register(fileobj, events, data)
        if data != key.data:
            key = key._replace(data=data)
            self._fd_to_key[key.fd] = key
        return key

    def close(self):
        self._fd_to_key.clear()
        self._map = None

    def get_map(self):
        return self._map

    def _ready(self, fd, events):
        """The `(key, events)` entry of a ready descriptor, or None if it left meanwhile."""
        key = self._fd_to_key.get(fd)
        if key is None:
            return None
        return key, events & key.events


class SelectSelector(_KeyedSelector):
    """A selector over `select.select()`."""

    def select(self, timeout=None):
        if timeout is not None:
            timeout = max(timeout, 0)
        readers = [fd for fd, key in self._fd_to_key.items() if key.events & EVENT_READ]
        writers = [fd for fd, key in self._fd_to_key.items() if key.events & EVENT_WRITE]
        readable, writable, _ = _select_module.select(readers, writers, [], timeout)
        readable, writable = set(readable), set(writable)
        ready = []
        for fd in readable | writable:
            events = (EVENT_READ if fd in readable else 0) | (EVENT_WRITE if fd in writable else 0)
            entry = self._ready(fd, events)
            if entry:
                ready.append(entry)
        return ready


class _PollLikeSelector(_KeyedSelector):
    """A selector over an object with poll's register/modify/unregister/poll."""

    _READ_BITS = _select_module.POLLIN
    _WRITE_BITS = _select_module.POLLOUT

    def _mask(self, events):
        return (self._READ_BITS if events & EVENT_READ else 0) | (self._WRITE_BITS if events & EVENT_WRITE else 0)

    def register(self, fileobj, events, data=None):
        key = super().register(fileobj, events, data)
        try:
            self._poller.register(key.fd, self._mask(events))
        except BaseException:
            super().unregister(fileobj)
            raise
        return key

    def unregister(self, fileobj):
        key = super().unregister(fileobj)
        try:
            self._poller.unregister(key.fd)
        except OSError:
            # The descriptor may already be closed; the key is gone either way.
            pass
        return key

    def modify(self, fileobj, events, data=None):
        try:
            key = self._fd_to_key[self._fileobj_lookup(fileobj)]
        except KeyError:
            raise KeyError(f"{fileobj!r} is not registered") from None
        if not events or events & ~(EVENT_READ | EVENT_WRITE):
            raise ValueError(f"Invalid events: {events!r}")
        if events != key.events:
            self._poller.modify(key.fd, self._mask(events))
        key = key._replace(events=events, data=data)
        self._fd_to_key[key.fd] = key
        return key

    def _poll(self, timeout):
        raise NotImplementedError

    def select(self, timeout=None):
        ready = []
        for fd, revents in self._poll(timeout):
            events = 0
            # Errors and hang-ups wake both readers and writers: their next call reports them.
            if revents & ~self._WRITE_BITS:
                events |= EVENT_READ
            if revents & ~self._READ_BITS:
                events |= EVENT_WRITE
            entry = self._ready(fd, events)
            if entry and entry[1]:
                ready.append(entry)
        return ready


class PollSelector(_PollLikeSelector):
    """A selector over `select.poll()`."""

    def __init__(self):
        super().__init__()
        self._poller = _select_module.poll()

    def _poll(self, timeout):
        if timeout is None:
            milliseconds = None
        elif timeout <= 0:
            milliseconds = 0
        else:
            milliseconds = -(-timeout * 1000 // 1)  # rounded up: never a busy loop
        return self._poller.poll(milliseconds)


class EpollSelector(_PollLikeSelector):
    """A selector over `select.epoll()`."""

    _READ_BITS = _select_module.EPOLLIN
    _WRITE_BITS = _select_module.EPOLLOUT

    def __init__(self):
        super().__init__()
        self._poller = _select_module.epoll()

    def fileno(self):
        return self._poller.fileno()

    def _poll(self, timeout):
        if timeout is not None and timeout <= 0:
            timeout = 0
        return self._poller.poll(timeout, max(len(self._fd_to_key), 1))

    def close(self):
        self._poller.close()
        super().close()


DefaultSelector = EpollSelector
