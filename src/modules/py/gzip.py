"""toy's gzip: compress and decompress, and GzipFile / gzip.open for reading and writing .gz
files in binary and text modes, on the native zlib (its gzip format, wbits=31)."""

import builtins
import io
import time
import zlib

__all__ = ["BadGzipFile", "GzipFile", "open", "compress", "decompress"]

READ, WRITE = 1, 2
_COMPRESS_LEVEL_BEST = 9
_CHUNK = 64 * 1024


class BadGzipFile(OSError):
    """A gzip stream that is malformed."""


def open(filename, mode="rb", compresslevel=_COMPRESS_LEVEL_BEST, encoding=None, errors=None, newline=None):
    if "t" in mode:
        if "b" in mode:
            raise ValueError("Invalid mode: %r" % (mode,))
    else:
        if encoding is not None:
            raise ValueError("Argument 'encoding' not supported in binary mode")
        if errors is not None:
            raise ValueError("Argument 'errors' not supported in binary mode")
        if newline is not None:
            raise ValueError("Argument 'newline' not supported in binary mode")
    gz_mode = mode.replace("t", "")
    if isinstance(filename, (str, bytes)) or hasattr(filename, "__fspath__"):
        binary_file = GzipFile(filename, gz_mode, compresslevel)
    elif hasattr(filename, "read") or hasattr(filename, "write"):
        binary_file = GzipFile(None, gz_mode, compresslevel, filename)
    else:
        raise TypeError("filename must be a str or bytes object, or a file")
    if "t" in mode:
        return io.TextIOWrapper(binary_file, encoding, errors, newline)
    return binary_file


def _check_magic(data):
    if len(data) >= 2 and data[:2] != b"\x1f\x8b":
        raise BadGzipFile("Not a gzipped file (%r)" % data[:2])


def _header(mtime, level):
    extra_flags = 2 if level == _COMPRESS_LEVEL_BEST else 4 if level == 1 else 0
    return b"\x1f\x8b\x08\x00" + int(mtime).to_bytes(4, "little") + bytes([extra_flags, 255])


class GzipFile(io.BufferedIOBase):
    """A .gz file: what is written is compressed, what is read decompressed (several members
    one after the other read as one stream)."""

    def __init__(self, filename=None, mode=None, compresslevel=_COMPRESS_LEVEL_BEST, fileobj=None, mtime=None):
        if mode and ("t" in mode or "U" in mode):
            raise ValueError("Invalid mode: {!r}".format(mode))
        if mode and "b" not in mode:
            mode += "b"
        if fileobj is None:
            fileobj = self._owned = builtins.open(filename, mode or "rb")
        else:
            self._owned = None
        if filename is None:
            filename = getattr(fileobj, "name", "")
            if not isinstance(filename, (str, bytes)):
                filename = ""
        if mode is None:
            mode = getattr(fileobj, "mode", "rb")
        if mode.startswith("r"):
            self.mode = READ
            self._decompressor = zlib.decompressobj(wbits=31)
            self._buffer = b""
            self._eof = False
            # Whether the member being read has begun (its end must then come too).
            self._started = False
        elif mode.startswith(("w", "a", "x")):
            self.mode = WRITE
            # The header is written by hand: the member records the modification time.
            self._compressor = zlib.compressobj(compresslevel, zlib.DEFLATED, -zlib.MAX_WBITS)
            self._crc = 0
            self._size = 0
            fileobj.write(_header(time.time() if mtime is None else mtime, compresslevel))
        else:
            raise ValueError("Invalid mode: {!r}".format(mode))
        self.name = filename
        self.fileobj = fileobj

    @property
    def closed(self):
        return self.fileobj is None

    def _check_not_closed(self):
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def readable(self):
        return self.mode == READ

    def writable(self):
        return self.mode == WRITE

    def seekable(self):
        return False

    def write(self, data):
        self._check_not_closed()
        if self.mode != WRITE:
            raise OSError(9, "write() on read-only GzipFile object")
        data = memoryview(data).tobytes()
        if data:
            self.fileobj.write(self._compressor.compress(data))
            self._crc = zlib.crc32(data, self._crc)
            self._size += len(data)
        return len(data)

    def _fill(self):
        """Decompress another chunk; False at the end of the file."""
        while not self._eof:
            raw = self.fileobj.read(_CHUNK)
            if not raw:
                if not self._decompressor.eof and (self._decompressor.unconsumed_tail or self._started):
                    raise EOFError("Compressed file ended before the end-of-stream marker was reached")
                self._eof = True
                return False
            if not self._started:
                _check_magic(raw)
            self._started = True
            while raw:
                try:
                    out = self._decompressor.decompress(raw)
                except zlib.error as e:
                    raise BadGzipFile(str(e)) from None
                self._buffer += out
                if not self._decompressor.eof:
                    break
                raw = self._decompressor.unused_data.lstrip(b"\0")
                self._decompressor = zlib.decompressobj(wbits=31)
                self._started = bool(raw)
                _check_magic(raw)
            if self._buffer:
                return True
        return False

    def read(self, size=-1):
        self._check_not_closed()
        if self.mode != READ:
            raise OSError(9, "read() on write-only GzipFile object")
        if size is None or size < 0:
            while self._fill():
                pass
            out, self._buffer = self._buffer, b""
            return out
        while len(self._buffer) < size and self._fill():
            pass
        out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    def read1(self, size=-1):
        return self.read(size)

    def peek(self, n):
        while len(self._buffer) < n and self._fill():
            pass
        return self._buffer[: max(n, 1)]

    def readline(self, size=-1):
        self._check_not_closed()
        while b"\n" not in self._buffer and self._fill():
            pass
        end = self._buffer.find(b"\n")
        end = len(self._buffer) if end < 0 else end + 1
        if size is not None and size >= 0:
            end = min(end, size)
        out, self._buffer = self._buffer[:end], self._buffer[end:]
        return out

    def flush(self, zlib_mode=zlib.Z_SYNC_FLUSH):
        self._check_not_closed()
        if self.mode == WRITE:
            self.fileobj.write(self._compressor.flush(zlib_mode))
            self.fileobj.flush()

    def close(self):
        fileobj = self.fileobj
        if fileobj is None:
            return
        self.fileobj = None
        try:
            if self.mode == WRITE:
                fileobj.write(self._compressor.flush())
                fileobj.write(self._crc.to_bytes(4, "little"))
                fileobj.write((self._size & 0xFFFFFFFF).to_bytes(4, "little"))
        finally:
            if self._owned is not None:
                self._owned.close()
                self._owned = None

    def fileno(self):
        return self.fileobj.fileno()

    def __repr__(self):
        return "<gzip " + repr(self.fileobj)[1:-1] + " " + hex(id(self)) + ">"


def compress(data, compresslevel=_COMPRESS_LEVEL_BEST, *, mtime=None):
    compressor = zlib.compressobj(compresslevel, zlib.DEFLATED, -zlib.MAX_WBITS)
    body = compressor.compress(data) + compressor.flush()
    size = len(memoryview(data).tobytes())
    trailer = zlib.crc32(data).to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little")
    return _header(time.time() if mtime is None else mtime, compresslevel) + body + trailer


def decompress(data):
    out = []
    data = memoryview(data).tobytes()
    while data:
        _check_magic(data)
        decompressor = zlib.decompressobj(wbits=31)
        try:
            out.append(decompressor.decompress(data))
        except zlib.error as e:
            raise BadGzipFile(str(e)) from None
        if not decompressor.eof:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        data = decompressor.unused_data.lstrip(b"\0")
    return b"".join(out)
