"""toy's io: in-memory streams (StringIO, BytesIO), TextIOWrapper over a binary stream, and the
abstract classes (IOBase, RawIOBase, BufferedIOBase, TextIOBase) that toy's own file objects
are registered with, so `isinstance(sys.stdout, io.TextIOBase)` holds as in CPython.

`open` is the built-in `open`. StringIO keeps its text as a str (pending writes at the end are
joined when next read), BytesIO its bytes in a bytearray: `getbuffer()` is a memoryview of it,
and while one exists the BytesIO cannot be resized, as in CPython.
"""

import abc
import builtins

import _io

__all__ = [
    "BlockingIOError",
    "open",
    "IOBase",
    "RawIOBase",
    "BufferedIOBase",
    "TextIOBase",
    "StringIO",
    "BytesIO",
    "TextIOWrapper",
    "UnsupportedOperation",
    "SEEK_SET",
    "SEEK_CUR",
    "SEEK_END",
    "DEFAULT_BUFFER_SIZE",
]

SEEK_SET = 0
SEEK_CUR = 1
SEEK_END = 2
DEFAULT_BUFFER_SIZE = 8192

open = builtins.open
BlockingIOError = builtins.BlockingIOError


class UnsupportedOperation(OSError, ValueError):
    pass


UnsupportedOperation.__module__ = "io"


class IOBase(metaclass=abc.ABCMeta):
    """What every stream has: closing, iteration over lines, the context manager."""

    __closed = False

    def _unsupported(self, name):
        raise UnsupportedOperation(name)

    def seek(self, pos, whence=0):
        self._unsupported("seek")

    def tell(self):
        return self.seek(0, 1)

    def truncate(self, pos=None):
        self._unsupported("truncate")

    def flush(self):
        self._checkClosed()

    def close(self):
        if not self.__closed:
            try:
                self.flush()
            finally:
                self.__closed = True

    @property
    def closed(self):
        return self.__closed

    def _checkClosed(self, msg=None):
        if self.closed:
            raise ValueError("I/O operation on closed file." if msg is None else msg)

    def seekable(self):
        return False

    def readable(self):
        return False

    def writable(self):
        return False

    def fileno(self):
        self._unsupported("fileno")

    def isatty(self):
        self._checkClosed()
        return False

    def __enter__(self):
        self._checkClosed()
        return self

    def __exit__(self, *args):
        self.close()

    def __iter__(self):
        self._checkClosed()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def readline(self, size=-1):
        # One byte at a time: subclasses that can look ahead do better.
        out = bytearray()
        while size is None or size < 0 or len(out) < size:
            b = self.read(1)
            if not b:
                break
            out += b
            if out.endswith(b"\n"):
                break
        return bytes(out)

    def readlines(self, hint=None):
        if hint is None or hint <= 0:
            return list(self)
        lines = []
        total = 0
        for line in self:
            lines.append(line)
            total += len(line)
            if total >= hint:
                break
        return lines

    def writelines(self, lines):
        self._checkClosed()
        for line in lines:
            self.write(line)


class RawIOBase(IOBase):
    """Unbuffered binary I/O: subclasses provide readinto() and write()."""

    def read(self, size=-1):
        if size is None:
            size = -1
        if size < 0:
            return self.readall()
        buffer = bytearray(size)
        n = self.readinto(buffer)
        if n is None:
            return None
        del buffer[n:]
        return bytes(buffer)

    def readall(self):
        chunks = bytearray()
        while True:
            data = self.read(DEFAULT_BUFFER_SIZE)
            if not data:
                break
            chunks += data
        return bytes(chunks)

    def readinto(self, b):
        raise NotImplementedError

    def write(self, b):
        raise NotImplementedError


class BufferedIOBase(IOBase):
    """Buffered binary I/O."""

    def read(self, size=-1):
        self._unsupported("read")

    def read1(self, size=-1):
        return self.read(size)

    def write(self, b):
        self._unsupported("write")

    def readinto(self, b):
        data = self.read(len(b))
        n = len(data)
        b[:n] = data
        return n

    def readinto1(self, b):
        return self.readinto(b)

    def detach(self):
        self._unsupported("detach")


class TextIOBase(IOBase):
    """Text I/O."""

    def read(self, size=-1):
        self._unsupported("read")

    def write(self, s):
        self._unsupported("write")

    def readline(self, size=-1):
        self._unsupported("readline")

    def detach(self):
        self._unsupported("detach")

    @property
    def encoding(self):
        return None

    @property
    def newlines(self):
        return None

    @property
    def errors(self):
        return None


TextIOBase.register(_io.TextFile)
BufferedIOBase.register(_io.BinaryFile)

_NEWLINES = (None, "", "\n", "\r", "\r\n")


def _check_newline(newline):
    if newline is not None and not isinstance(newline, str):
        raise TypeError(f"newline must be str or None, not {type(newline).__name__}")
    if newline not in _NEWLINES:
        raise ValueError(f"illegal newline value: {newline!r}")


def _translate_universal(text):
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _line_end(text, start, newline):
    """The index just past the line starting at `start` (its end, or len(text))."""
    if newline == "":
        # Any of \r, \n, \r\n ends a line, untranslated.
        n = text.find("\n", start)
        r = text.find("\r", start)
        if r < 0 or (0 <= n < r):
            return len(text) if n < 0 else n + 1
        if r + 1 < len(text) and text[r + 1] == "\n":
            return r + 2
        return r + 1
    sep = "\n" if newline is None else newline
    at = text.find(sep, start)
    return len(text) if at < 0 else at + len(sep)


def _bytes_of(b):
    try:
        return memoryview(b).tobytes()
    except TypeError:
        raise TypeError(f"a bytes-like object is required, not '{type(b).__name__}'") from None


def _int_arg(value, name="argument"):
    if value is None:
        return -1
    if not hasattr(type(value), "__index__"):
        raise TypeError(f"'{type(value).__name__}' object cannot be interpreted as an integer")
    return value.__index__()


class StringIO(TextIOBase):
    """A text stream kept in memory."""

    def __init__(self, initial_value="", newline="\n"):
        _check_newline(newline)
        if initial_value is not None and not isinstance(initial_value, str):
            raise TypeError(f"initial_value must be str or None, not {type(initial_value).__name__}")
        self._newline = newline
        self._text = ""
        # Writes at the end wait here, joined on the next read: no quadratic copying.
        self._pending = []
        self._size = 0
        self._pos = 0
        self._closed = False
        if initial_value:
            self.write(initial_value)
            self._pos = 0

    def _check(self):
        if self._closed:
            raise ValueError("I/O operation on closed file")

    @property
    def closed(self):
        return self._closed

    def close(self):
        self._closed = True

    def _value(self):
        if self._pending:
            self._text += "".join(self._pending)
            self._pending = []
        return self._text

    def _set_text(self, text):
        self._text = text
        self._size = len(text)

    def _translate_written(self, s):
        if self._newline is None:
            return _translate_universal(s)
        if self._newline in ("\r", "\r\n"):
            return s.replace("\n", self._newline)
        return s

    def getvalue(self):
        self._check()
        return self._value()

    def write(self, s):
        self._check()
        if not isinstance(s, str):
            raise TypeError(f"string argument expected, got '{type(s).__name__}'")
        n = len(s)
        s = self._translate_written(s)
        if self._pos == self._size:
            self._pending.append(s)
            self._size += len(s)
        else:
            text = self._value()
            if self._pos > len(text):
                text += "\0" * (self._pos - len(text))
            self._set_text(text[: self._pos] + s + text[self._pos + len(s) :])
        self._pos += len(s)
        return n

    def read(self, size=-1):
        self._check()
        size = _int_arg(size)
        text = self._value()
        end = len(text) if size < 0 else min(len(text), self._pos + size)
        out = text[self._pos : end] if self._pos < end else ""
        self._pos = max(self._pos, end)
        return out

    def readline(self, size=-1):
        self._check()
        size = _int_arg(size)
        text = self._value()
        if self._pos >= len(text):
            return ""
        newline = "\n" if self._newline is None else self._newline
        end = _line_end(text, self._pos, newline)
        if size >= 0:
            end = min(end, self._pos + size)
        out = text[self._pos : end]
        self._pos = end
        return out

    def tell(self):
        self._check()
        return self._pos

    def seek(self, pos, whence=0):
        self._check()
        pos = _int_arg(pos)
        if whence not in (0, 1, 2):
            raise ValueError(f"Invalid whence ({whence}, should be 0, 1 or 2)")
        if whence == 0 and pos < 0:
            raise ValueError(f"Negative seek position {pos}")
        if whence != 0 and pos != 0:
            raise OSError("Can't do nonzero cur-relative seeks")
        if whence == 1:
            pos = self._pos
        elif whence == 2:
            pos = self._size
        self._pos = pos
        return pos

    def truncate(self, size=None):
        self._check()
        size = self._pos if size is None else _int_arg(size)
        if size < 0:
            raise ValueError(f"Negative size value {size}")
        text = self._value()
        if size < len(text):
            self._set_text(text[:size])
        return size

    def readable(self):
        self._check()
        return True

    def writable(self):
        self._check()
        return True

    def seekable(self):
        self._check()
        return True

    def isatty(self):
        self._check()
        return False

    def flush(self):
        self._check()

    def __iter__(self):
        self._check()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self):
        self._check()
        return self

    @property
    def line_buffering(self):
        self._check()
        return False

    @property
    def newlines(self):
        self._check()
        return None

    def __repr__(self):
        return f"<_io.StringIO object at {hex(id(self))}>"


class BytesIO(BufferedIOBase):
    """A binary stream kept in memory."""

    def __init__(self, initial_bytes=b""):
        self._buffer = bytearray(_bytes_of(initial_bytes) if initial_bytes is not None else b"")
        self._pos = 0
        self._closed = False

    def _check(self):
        if self._closed:
            raise ValueError("I/O operation on closed file.")

    @property
    def closed(self):
        return self._closed

    def close(self):
        if not self._closed:
            self._check_exports()
            self._closed = True

    def getvalue(self):
        self._check()
        return bytes(self._buffer)

    def getbuffer(self):
        self._check()
        return memoryview(self._buffer)

    def _check_exports(self):
        # While getbuffer()'s view exists CPython's BytesIO refuses every write and close, even
        # one that keeps the size: a one-byte resize raises the same BufferError then.
        self._buffer.append(0)
        del self._buffer[-1]

    def write(self, b):
        self._check()
        data = _bytes_of(b)
        if not data:
            return 0
        self._check_exports()
        end = self._pos + len(data)
        if self._pos > len(self._buffer):
            self._buffer.extend(bytes(self._pos - len(self._buffer)))
        self._buffer[self._pos : end] = data
        self._pos = end
        return len(data)

    def read(self, size=-1):
        self._check()
        size = _int_arg(size)
        end = len(self._buffer) if size < 0 else min(len(self._buffer), self._pos + size)
        if self._pos >= end:
            return b""
        out = bytes(self._buffer[self._pos : end])
        self._pos = end
        return out

    def read1(self, size=-1):
        return self.read(size)

    def readline(self, size=-1):
        self._check()
        size = _int_arg(size)
        data = self._buffer
        if self._pos >= len(data):
            return b""
        at = data.find(b"\n", self._pos)
        end = len(data) if at < 0 else at + 1
        if size >= 0:
            end = min(end, self._pos + size)
        out = bytes(data[self._pos : end])
        self._pos = end
        return out

    def readinto(self, b):
        self._check()
        view = memoryview(b).cast("B")
        data = self.read(len(view))
        view[: len(data)] = data
        return len(data)

    def tell(self):
        self._check()
        return self._pos

    def seek(self, pos, whence=0):
        self._check()
        pos = _int_arg(pos)
        if whence == 0:
            if pos < 0:
                raise ValueError(f"negative seek value {pos}")
        elif whence == 1:
            pos = max(0, self._pos + pos)
        elif whence == 2:
            pos = max(0, len(self._buffer) + pos)
        else:
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        self._pos = pos
        return pos

    def truncate(self, size=None):
        self._check()
        size = self._pos if size is None else _int_arg(size)
        if size < 0:
            raise ValueError(f"negative size value {size}")
        if size < len(self._buffer):
            del self._buffer[size:]
        return size

    def readable(self):
        self._check()
        return True

    def writable(self):
        self._check()
        return True

    def seekable(self):
        self._check()
        return True

    def flush(self):
        self._check()

    def __iter__(self):
        self._check()
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __enter__(self):
        self._check()
        return self

    def __repr__(self):
        return f"<_io.BytesIO object at {hex(id(self))}>"


class TextIOWrapper(TextIOBase):
    """Text over a binary stream: encodes what is written, decodes what is read, and
    translates newlines (universal newlines on input when `newline` is None)."""

    _CHUNK = 8192

    def __init__(self, buffer, encoding=None, errors=None, newline=None, line_buffering=False, write_through=False):
        _check_newline(newline)
        if encoding is None:
            encoding = "utf-8"
        if not isinstance(encoding, str):
            raise TypeError(f"TextIOWrapper() argument 'encoding' must be str or None, not {type(encoding).__name__}")
        "".encode(encoding)  # an unknown encoding fails here, as in CPython
        self._buffer = buffer
        self._encoding = encoding
        self._errors = "strict" if errors is None else errors
        self._newline = newline
        self._line_buffering = line_buffering
        self._decoded = ""
        self._undecoded = b""
        self._eof = False

    @property
    def buffer(self):
        return self._buffer

    @property
    def encoding(self):
        return self._encoding

    @property
    def errors(self):
        return self._errors

    @property
    def line_buffering(self):
        return self._line_buffering

    @property
    def closed(self):
        return self._buffer.closed

    @property
    def name(self):
        return self._buffer.name

    def close(self):
        if not self.closed:
            try:
                self.flush()
            finally:
                self._buffer.close()

    def flush(self):
        self._buffer.flush()

    def fileno(self):
        return self._buffer.fileno()

    def readable(self):
        return self._buffer.readable()

    def writable(self):
        return self._buffer.writable()

    def seekable(self):
        return self._buffer.seekable()

    def isatty(self):
        return self._buffer.isatty()

    def detach(self):
        self.flush()
        buffer = self._buffer
        self._buffer = None
        return buffer

    def write(self, s):
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        text = s
        if self._newline not in (None, "", "\n"):
            text = text.replace("\n", self._newline)
        self._buffer.write(text.encode(self._encoding, self._errors))
        if self._line_buffering and ("\n" in s or "\r" in s):
            self.flush()
        self._decoded = ""
        self._undecoded = b""
        return len(s)

    def _decode(self, data, final):
        """Decode what can be: up to three bytes of an incomplete sequence wait for more."""
        for keep in range(0 if final else min(3, len(data)) + 1):
            try:
                return data[: len(data) - keep].decode(self._encoding, self._errors), data[len(data) - keep :]
            except UnicodeDecodeError:
                if keep == min(3, len(data)) or final:
                    raise
        return data.decode(self._encoding, self._errors), b""

    def _fill(self):
        """Decode another chunk into the text buffer; False at the end of the stream."""
        if self._eof:
            return False
        # read1 where the buffer has it: a socket or pipe has a line ready long before a
        # whole chunk arrives.
        read = getattr(self._buffer, "read1", self._buffer.read)
        data = read(self._CHUNK)
        if not data:
            self._eof = True
            if self._undecoded:
                text, self._undecoded = self._decode(self._undecoded, True)
                self._decoded += text
                return True
            return False
        text, self._undecoded = self._decode(self._undecoded + data, False)
        if self._newline is None and text.endswith("\r"):
            # A \r\n split between chunks: look at the next byte before translating.
            more = self._buffer.read(1)
            if more:
                extra, self._undecoded = self._decode(self._undecoded + more, False)
                text += extra
        if self._newline is None:
            text = _translate_universal(text)
        self._decoded += text
        return True

    def read(self, size=-1):
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        size = _int_arg(size)
        if size < 0:
            while self._fill():
                pass
            out, self._decoded = self._decoded, ""
            return out
        while len(self._decoded) < size and self._fill():
            pass
        out, self._decoded = self._decoded[:size], self._decoded[size:]
        return out

    def readline(self, size=-1):
        if self.closed:
            raise ValueError("I/O operation on closed file.")
        size = _int_arg(size)
        newline = "\n" if self._newline is None else self._newline
        while True:
            end = _line_end(self._decoded, 0, newline)
            complete = end < len(self._decoded) or (end == len(self._decoded) and self._decoded.endswith(newline or "\n"))
            if newline == "" and self._decoded.endswith("\r") and end == len(self._decoded) and not self._eof:
                complete = False
            if complete or (0 <= size <= len(self._decoded)):
                break
            if not self._fill():
                break
        end = _line_end(self._decoded, 0, newline)
        if size >= 0:
            end = min(end, size)
        out, self._decoded = self._decoded[:end], self._decoded[end:]
        return out

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def tell(self):
        pending = self._decoded.encode(self._encoding, self._errors) + self._undecoded
        return self._buffer.tell() - len(pending)

    def seek(self, pos, whence=0):
        if whence == 1 and pos != 0:
            raise UnsupportedOperation("can't do nonzero cur-relative seeks")
        if whence == 2 and pos != 0:
            raise UnsupportedOperation("can't do nonzero end-relative seeks")
        if whence == 1:
            pos = self.tell()
            whence = 0
        self.flush()
        self._decoded = ""
        self._undecoded = b""
        self._eof = False
        return self._buffer.seek(pos, whence)

    def truncate(self, pos=None):
        self.flush()
        return self._buffer.truncate(pos)

    def __repr__(self):
        return f"<_io.TextIOWrapper encoding='{self._encoding}'>"


TextIOWrapper.register(_io.TextFile)
