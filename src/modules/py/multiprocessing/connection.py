"""`Pipe()` and `Connection`: picklable objects sent between processes over OS pipes, each
message framed by its length (`_mp.send` / `_mp.recv`). A duplex connection is a pair of pipes,
one per direction (toy has no sockets). `wait()` waits for any of several connections, process
sentinels or descriptors."""

import os
import pickle
import _mp

__all__ = ["Pipe", "Connection", "wait"]


class Connection:
    def __init__(self, read_fd, write_fd, readable=True, writable=True):
        if not readable and not writable:
            raise ValueError("at least one of `readable` and `writable` must be True")
        self._read_fd = read_fd if readable else None
        self._write_fd = write_fd if writable else None
        self._readable = readable
        self._writable = writable

    def _check_closed(self):
        if self._read_fd is None and self._write_fd is None:
            raise OSError("handle is closed")

    def _check_readable(self):
        if not self._readable:
            raise OSError("connection is write-only")

    def _check_writable(self):
        if not self._writable:
            raise OSError("connection is read-only")

    @property
    def closed(self):
        return self._read_fd is None and self._write_fd is None

    @property
    def readable(self):
        return self._readable

    @property
    def writable(self):
        return self._writable

    def fileno(self):
        self._check_closed()
        return self._read_fd if self._read_fd is not None else self._write_fd

    def close(self):
        for fd in {self._read_fd, self._write_fd}:
            if fd is not None:
                os.close(fd)
        self._read_fd = self._write_fd = None

    def send_bytes(self, buf, offset=0, size=None):
        self._check_closed()
        self._check_writable()
        data = bytes(buf)
        n = len(data)
        if offset < 0:
            raise ValueError("offset is negative")
        if n < offset:
            raise ValueError("buffer length < offset")
        if size is None:
            size = n - offset
        elif size < 0:
            raise ValueError("size is negative")
        elif offset + size > n:
            raise ValueError("buffer length < offset + size")
        _mp.send(self._write_fd, data[offset:offset + size])

    def send(self, obj):
        self._check_closed()
        self._check_writable()
        _mp.send(self._write_fd, pickle.dumps(obj))

    def recv_bytes(self, maxlength=None):
        self._check_closed()
        self._check_readable()
        if maxlength is not None and maxlength < 0:
            raise ValueError("negative maxlength")
        data = _mp.recv(self._read_fd)
        if maxlength is not None and len(data) > maxlength:
            raise OSError("bad message length")
        return data

    def recv(self):
        self._check_closed()
        self._check_readable()
        return pickle.loads(_mp.recv(self._read_fd))

    def poll(self, timeout=0.0):
        self._check_closed()
        self._check_readable()
        return bool(_mp.wait([self._read_fd], timeout))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, exc_tb):
        self.close()

    def __reduce__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return _rebuild_connection, (context.pass_fd(self._read_fd), context.pass_fd(self._write_fd),
                                     self._readable, self._writable)


def _rebuild_connection(read_fd, write_fd, readable, writable):
    return Connection(read_fd, write_fd, readable, writable)


def Pipe(duplex=True):
    """A pair of connected Connections; with duplex=False the first only reads and the
    second only writes."""
    r1, w1 = os.pipe()
    if not duplex:
        return Connection(r1, None, writable=False), Connection(None, w1, readable=False)
    r2, w2 = os.pipe()
    return Connection(r1, w2), Connection(r2, w1)


def _fd_of(obj):
    if isinstance(obj, int):
        return obj
    return obj.fileno()


def wait(object_list, timeout=None):
    """The objects of `object_list` (connections, sentinels, objects with fileno()) that are
    ready to read, waiting up to `timeout` seconds for at least one."""
    by_fd = {}
    for obj in object_list:
        by_fd.setdefault(_fd_of(obj), []).append(obj)
    if timeout is not None:
        timeout = max(timeout, 0.0)
    ready = _mp.wait(list(by_fd), timeout)
    result = []
    for fd in ready:
        result.extend(by_fd[fd])
    return result
