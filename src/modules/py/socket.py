"""Low-level networking: the socket object and the module's helpers.

The system calls are in the native `_socket` module, which works on plain descriptors and
waits detached (releasing the GIL). A socket object keeps its own state (descriptor, family,
type, timeout) as attributes, so threads sharing one socket read and write that state
consistently, free-threaded too.
"""

import _socket
import io
import os
from enum import IntEnum, IntFlag

from _socket import gaierror, herror

__all__ = ["socket", "socketpair", "create_connection", "create_server", "fromfd", "getaddrinfo",
           "gethostname", "gethostbyname", "getfqdn", "inet_aton", "inet_ntoa", "inet_pton",
           "inet_ntop", "htons", "ntohs", "htonl", "ntohl", "getdefaulttimeout",
           "setdefaulttimeout", "error", "timeout", "gaierror", "herror", "AddressFamily",
           "SocketKind"]

error = OSError
timeout = TimeoutError
has_ipv6 = True


def _constants(prefix):
    return {name: value for name, value in vars(_socket).items() if name.startswith(prefix)}


AddressFamily = IntEnum("AddressFamily", _constants("AF_"))
AddressFamily.__module__ = __name__
SocketKind = IntEnum("SocketKind", {name: value for name, value in _constants("SOCK_").items()
                                     if name not in ("SOCK_NONBLOCK", "SOCK_CLOEXEC")})
SocketKind.__module__ = __name__
MsgFlag = IntFlag("MsgFlag", _constants("MSG_"))
MsgFlag.__module__ = __name__
AddressInfo = IntFlag("AddressInfo", _constants("AI_"))
AddressInfo.__module__ = __name__

globals().update(AddressFamily.__members__)
globals().update(SocketKind.__members__)
globals().update(MsgFlag.__members__)
globals().update(AddressInfo.__members__)
for _name, _value in vars(_socket).items():
    if _name.isupper() and _name not in globals():
        globals()[_name] = _value
SOCK_NONBLOCK = _socket.SOCK_NONBLOCK
SOCK_CLOEXEC = _socket.SOCK_CLOEXEC
del _name, _value

INADDR_ANY = 0
INADDR_LOOPBACK = 0x7F000001
INADDR_BROADCAST = 0xFFFFFFFF

_default_timeout = None
# `create_connection`'s "use the default" marker, distinct from an explicit None.
_GLOBAL_DEFAULT_TIMEOUT = object()


def getdefaulttimeout():
    return _default_timeout


def _checked_timeout(value):
    if value is None:
        return None
    if not isinstance(value, (int, float)):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    seconds = float(value)
    if seconds != seconds:
        raise ValueError("Invalid value NaN (not a number)")
    if seconds in (float("inf"), float("-inf")):
        raise OverflowError("timestamp out of range for platform time_t")
    if seconds < 0:
        raise ValueError("Timeout value out of range")
    return seconds


def setdefaulttimeout(value):
    global _default_timeout
    _default_timeout = _checked_timeout(value)


def _as_enum(enum, value):
    try:
        return enum(value)
    except ValueError:
        return value


def _family_of(fd):
    return _socket.getsockopt(fd, SOL_SOCKET, _SO_DOMAIN, 0)


_SO_DOMAIN = 39
_SO_PROTOCOL = 38


class socket:
    """A network endpoint: `socket(family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None)`."""

    __slots__ = ("_fd", "_family", "_type", "_proto", "_timeout", "_io_refs", "_closed", "__weakref__")

    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None:
            family = AF_INET if family == -1 else family
            type = SOCK_STREAM if type == -1 else type
            proto = 0 if proto == -1 else proto
            fd = _socket.socket(family, type, proto)
        else:
            fd = fileno.__index__() if not isinstance(fileno, int) else fileno
            if fd < 0:
                raise ValueError("negative file descriptor")
            if family == -1:
                family = _family_of(fd)
            if type == -1:
                type = _socket.getsockopt(fd, SOL_SOCKET, SO_TYPE, 0)
            if proto == -1:
                proto = _socket.getsockopt(fd, SOL_SOCKET, _SO_PROTOCOL, 0)
        self._fd = fd
        # SOCK_NONBLOCK and SOCK_CLOEXEC are creation flags, not part of the type.
        self._family = family
        self._type = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)
        self._proto = proto
        self._io_refs = 0
        self._closed = False
        self._timeout = None
        if type & SOCK_NONBLOCK:
            self.settimeout(0.0)
        elif _default_timeout is not None:
            self.settimeout(_default_timeout)

    @property
    def family(self):
        return _as_enum(AddressFamily, self._family)

    @property
    def type(self):
        return _as_enum(SocketKind, self._type)

    @property
    def proto(self):
        return self._proto

    @property
    def timeout(self):
        return self._timeout

    def fileno(self):
        return self._fd

    def __repr__(self):
        closed = getattr(self, "_closed", False)
        text = f"<{type(self).__module__}.{type(self).__qualname__}{' [closed]' if closed else ''} " \
               f"fd={self._fd}, family={self._family}, type={self._type}, proto={self._proto}"
        if not closed and self._fd >= 0:
            try:
                local = self.getsockname()
                if local:
                    text += f", laddr={local}"
            except OSError:
                pass
            try:
                remote = self.getpeername()
                if remote:
                    text += f", raddr={remote}"
            except OSError:
                pass
        return text + ">"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if not self._closed:
            self.close()

    def __getstate__(self):
        raise TypeError(f"cannot pickle {type(self).__name__!r} object")

    def __del__(self):
        # A socket nobody closed is closed when it is collected, as in CPython.
        fd = getattr(self, "_fd", -1)
        if fd >= 0 and not getattr(self, "_closed", True):
            self._fd = -1
            try:
                os.close(fd)
            except OSError:
                pass

    # ----- state -----

    def settimeout(self, value):
        seconds = _checked_timeout(value)
        self._timeout = seconds
        if self._fd >= 0:
            # As in CPython, a socket with a timeout has a non-blocking descriptor.
            os.set_blocking(self._fd, seconds is None)

    def gettimeout(self):
        return self._timeout

    def setblocking(self, flag):
        self.settimeout(None if flag else 0.0)

    def getblocking(self):
        return self._timeout != 0.0

    def get_inheritable(self):
        return os.get_inheritable(self._fd)

    def set_inheritable(self, inheritable):
        os.set_inheritable(self._fd, inheritable)

    # ----- connections -----

    def bind(self, address):
        _socket.bind(self._fd, self._family, address)

    def listen(self, backlog=None):
        if backlog is None:
            backlog = min(SOMAXCONN, 128)
        _socket.listen(self._fd, backlog)

    def accept(self):
        fd, address = _socket.accept(self._fd, self._timeout)
        conn = socket(self._family, self._type, self._proto, fileno=fd)
        if _default_timeout is None and self._timeout is not None:
            conn.setblocking(True)
        return conn, address

    def connect(self, address):
        _socket.connect(self._fd, self._family, address, self._timeout)

    def connect_ex(self, address):
        try:
            self.connect(address)
        except OSError as exc:
            if exc.errno is None:
                raise
            return exc.errno
        return 0

    def getsockname(self):
        return _socket.getsockname(self._fd)

    def getpeername(self):
        return _socket.getpeername(self._fd)

    def shutdown(self, how):
        _socket.shutdown(self._fd, how)

    # ----- data -----

    def recv(self, bufsize, flags=0):
        return _socket.recv(self._fd, bufsize, flags, self._timeout)

    def recv_into(self, buffer, nbytes=0, flags=0):
        if nbytes < 0:
            raise ValueError("negative buffersize in recv_into")
        size = len(buffer)
        if nbytes == 0:
            nbytes = size
        elif nbytes > size:
            raise ValueError("buffer too small for requested bytes")
        data = _socket.recv(self._fd, nbytes, flags, self._timeout)
        buffer[:len(data)] = data
        return len(data)

    def recvfrom(self, bufsize, flags=0):
        return _socket.recvfrom(self._fd, bufsize, flags, self._timeout)

    def recvfrom_into(self, buffer, nbytes=0, flags=0):
        data, address = _socket.recvfrom(self._fd, nbytes or len(buffer), flags, self._timeout)
        buffer[:len(data)] = data
        return len(data), address

    def send(self, data, flags=0):
        return _socket.send(self._fd, data, flags, self._timeout)

    def sendall(self, data, flags=0):
        _socket.sendall(self._fd, data, flags, self._timeout)

    def sendto(self, data, flags_or_address, address=None):
        if address is None:
            flags, address = 0, flags_or_address
        else:
            flags = flags_or_address
        return _socket.sendto(self._fd, data, flags, self._family, address, self._timeout)

    def setsockopt(self, level, optname, value, optlen=None):
        if value is None:
            value = bytes(optlen or 0)
        _socket.setsockopt(self._fd, level, optname, value)

    def getsockopt(self, level, optname, buflen=0):
        return _socket.getsockopt(self._fd, level, optname, buflen)

    # ----- lifetime -----

    def close(self):
        self._closed = True
        if self._io_refs <= 0:
            self._really_close()

    def _really_close(self):
        fd, self._fd = self._fd, -1
        if fd >= 0:
            os.close(fd)

    def _decref_socketios(self):
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed and self._io_refs <= 0:
            self._really_close()

    def detach(self):
        self._closed = True
        fd, self._fd = self._fd, -1
        return fd

    def dup(self):
        fd = os.dup(self._fd)
        sock = type(self)(self._family, self._type, self._proto, fileno=fd)
        sock.settimeout(self._timeout)
        return sock

    def makefile(self, mode="r", buffering=None, *, encoding=None, errors=None, newline=None):
        if not set(mode) <= {"r", "w", "b"}:
            raise ValueError(f"invalid mode {mode!r} (only r, w, b allowed)")
        reading = "r" in mode
        writing = "w" in mode
        if not reading and not writing:
            reading = True
        binary = "b" in mode
        raw = SocketIO(self, ("r" if reading else "") + ("w" if writing else ""))
        self._io_refs += 1
        if buffering is None:
            buffering = -1
        if buffering == 0:
            if not binary:
                raise ValueError("unbuffered streams must be binary")
            return raw
        stream = _BufferedSocketFile(raw)
        if binary:
            return stream
        text = io.TextIOWrapper(stream, encoding, errors, newline)
        text.mode = mode
        return text


SocketType = socket


class SocketIO(io.RawIOBase):
    """The raw stream `makefile` wraps: reads and writes go straight to the socket."""

    def __init__(self, sock, mode):
        self._sock = sock
        self._mode = mode
        self._reading = "r" in mode
        self._writing = "w" in mode
        self._closed = False

    @property
    def closed(self):
        return self._closed

    @property
    def name(self):
        return -1 if self._closed else self._sock.fileno()

    @property
    def mode(self):
        return self._mode + "b"

    def readable(self):
        return self._reading

    def writable(self):
        return self._writing

    def seekable(self):
        return False

    def fileno(self):
        return self._sock.fileno()

    def readinto(self, b):
        if self._closed:
            raise ValueError("I/O operation on closed file.")
        return self._sock.recv_into(b)

    def read(self, size=-1):
        if self._closed:
            raise ValueError("I/O operation on closed file.")
        if size is None or size < 0:
            return self.readall()
        return self._sock.recv(size)

    def write(self, b):
        if self._closed:
            raise ValueError("I/O operation on closed file.")
        return self._sock.send(b)

    def close(self):
        if not self._closed:
            self._closed = True
            self._sock._decref_socketios()


class _BufferedSocketFile(io.BufferedIOBase):
    """Buffered reads (`read`, `readline`, iteration) and writes over a `SocketIO`."""

    def __init__(self, raw, buffer_size=io.DEFAULT_BUFFER_SIZE):
        self.raw = raw
        self._buffer_size = buffer_size
        self._read_buffer = b""
        self._write_buffer = bytearray()

    def __repr__(self):
        kind = "BufferedReader" if not self.raw.writable() else \
            "BufferedWriter" if not self.raw.readable() else "BufferedRWPair"
        return f"<_io.{kind} name={self.raw.name}>"

    @property
    def closed(self):
        return self.raw.closed

    @property
    def name(self):
        return self.raw.name

    @property
    def mode(self):
        return self.raw.mode

    def readable(self):
        return self.raw.readable()

    def writable(self):
        return self.raw.writable()

    def seekable(self):
        return False

    def fileno(self):
        return self.raw.fileno()

    def _check_open(self):
        if self.raw.closed:
            raise ValueError("I/O operation on closed file.")

    def _fill(self):
        chunk = self.raw.read(self._buffer_size)
        if chunk:
            self._read_buffer += chunk
        return bool(chunk)

    def read(self, size=-1):
        self._check_open()
        if not self.raw.readable():
            raise io.UnsupportedOperation("read")
        if size is None or size < 0:
            while self._fill():
                pass
            data, self._read_buffer = self._read_buffer, b""
            return data
        while len(self._read_buffer) < size and self._fill():
            pass
        data, self._read_buffer = self._read_buffer[:size], self._read_buffer[size:]
        return data

    def read1(self, size=-1):
        self._check_open()
        if not self._read_buffer:
            self._fill()
        if size is None or size < 0:
            size = len(self._read_buffer)
        data, self._read_buffer = self._read_buffer[:size], self._read_buffer[size:]
        return data

    def peek(self, size=0):
        self._check_open()
        if not self._read_buffer:
            self._fill()
        return self._read_buffer

    def readline(self, size=-1):
        self._check_open()
        if size is None:
            size = -1
        while True:
            end = self._read_buffer.find(b"\n")
            if end >= 0:
                end += 1
                break
            if 0 <= size <= len(self._read_buffer) or not self._fill():
                end = len(self._read_buffer)
                break
        if 0 <= size < end:
            end = size
        line, self._read_buffer = self._read_buffer[:end], self._read_buffer[end:]
        return line

    def write(self, b):
        self._check_open()
        if not self.raw.writable():
            raise io.UnsupportedOperation("write")
        data = bytes(b)
        self._write_buffer += data
        if len(self._write_buffer) >= self._buffer_size:
            self.flush()
        return len(data)

    def flush(self):
        if self._write_buffer and not self.raw.closed:
            data = bytes(self._write_buffer)
            self._write_buffer.clear()
            self.raw._sock.sendall(data)

    def close(self):
        if not self.raw.closed:
            try:
                self.flush()
            finally:
                self.raw.close()

    def detach(self):
        self.flush()
        raw, self.raw = self.raw, None
        return raw


# ----- module functions -----

def socketpair(family=None, type=SOCK_STREAM, proto=0):
    if family is None:
        family = AF_UNIX
    a, b = _socket.socketpair(family, type, proto)
    return socket(family, type, proto, a), socket(family, type, proto, b)


def fromfd(fd, family, type, proto=0):
    return socket(family, type, proto, os.dup(fd))


def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
    answers = []
    for af, kind, protocol, canonname, address in _socket.getaddrinfo(host, port, family, type, proto, flags):
        answers.append((_as_enum(AddressFamily, af), _as_enum(SocketKind, kind), protocol, canonname, address))
    return answers


def gethostname():
    return _socket.gethostname()


def gethostbyname(hostname):
    for _, _, _, _, address in _socket.getaddrinfo(hostname, None, AF_INET, 0, 0, 0):
        return address[0]
    raise gaierror(EAI_NONAME, "Name or service not known")


def getfqdn(name=""):
    """The host's name; toy does no reverse lookup, so an address stays an address, except the
    loopback ones, which are `localhost` as the resolver names them."""
    name = name.strip()
    if not name or name in ("0.0.0.0", "::"):
        name = gethostname()
    if name in ("127.0.0.1", "::1"):
        return "localhost"
    return name


def inet_pton(family, ip_string):
    return _socket.inet_pton(family, ip_string)


def inet_ntop(family, packed_ip):
    return _socket.inet_ntop(family, packed_ip)


def inet_aton(ip_string):
    if not isinstance(ip_string, str):
        raise TypeError(f"inet_aton() argument 1 must be str, not {type(ip_string).__name__}")
    parts = ip_string.split(".")
    try:
        numbers = [int(part, 0) for part in parts]
    except ValueError:
        numbers = None
    # As inet_aton(3): a.b.c.d, a.b.c (c is 16 bits), a.b (b is 24 bits) or a (32 bits).
    if not numbers or len(numbers) > 4 or any(n < 0 for n in numbers):
        raise OSError("illegal IP address string passed to inet_aton")
    *leading, last = numbers
    if any(n > 255 for n in leading) or last >= 1 << (8 * (4 - len(leading))):
        raise OSError("illegal IP address string passed to inet_aton")
    value = last
    for i, n in enumerate(leading):
        value |= n << (8 * (3 - i))
    return value.to_bytes(4, "big")


def inet_ntoa(packed_ip):
    packed = bytes(packed_ip)
    if len(packed) != 4:
        raise OSError("packed IP wrong length for inet_ntoa")
    return ".".join(str(b) for b in packed)


def _swap(value, width, name):
    if not isinstance(value, int):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    if value < 0:
        raise OverflowError(f"{name}: can't convert negative Python int to C {'16-bit unsigned integer' if width == 2 else 'unsigned long'}")
    if value >= 1 << (8 * width):
        raise OverflowError(f"{name}: Python int too large to convert to C {'16-bit unsigned integer' if width == 2 else 'unsigned long'}")
    return int.from_bytes(value.to_bytes(width, "big"), "little")


def htons(x):
    return _swap(x, 2, "htons")


def ntohs(x):
    return _swap(x, 2, "ntohs")


def htonl(x):
    return _swap(x, 4, "htonl")


def ntohl(x):
    return _swap(x, 4, "ntohl")


def create_connection(address, timeout=_GLOBAL_DEFAULT_TIMEOUT, source_address=None, *, all_errors=False):
    host, port = address
    errors = []
    for family, kind, proto, _, target in getaddrinfo(host, port, 0, SOCK_STREAM):
        sock = None
        try:
            sock = socket(family, kind, proto)
            if timeout is not _GLOBAL_DEFAULT_TIMEOUT:
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(target)
            errors.clear()
            return sock
        except OSError as exc:
            errors.append(exc)
            if sock is not None:
                sock.close()
    if not errors:
        raise error("getaddrinfo returns an empty list")
    if all_errors:
        raise ExceptionGroup("create_connection failed", errors)
    raise errors[0]


def has_dualstack_ipv6():
    return True


def create_server(address, *, family=AF_INET, backlog=None, reuse_port=False, dualstack_ipv6=False):
    if reuse_port and not hasattr(_socket, "SO_REUSEPORT"):
        raise ValueError("SO_REUSEPORT not supported on this platform")
    if dualstack_ipv6 and family != AF_INET6:
        raise ValueError("dualstack_ipv6 requires AF_INET6 family")
    sock = socket(family, SOCK_STREAM)
    try:
        sock.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(SOL_SOCKET, SO_REUSEPORT, 1)
        if family == AF_INET6:
            sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0 if dualstack_ipv6 else 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise OSError(exc.errno, f"{exc.strerror} (while attempting to bind on address {address!r})") from None
        if backlog is None:
            sock.listen()
        else:
            sock.listen(backlog)
        return sock
    except BaseException:
        sock.close()
        raise
