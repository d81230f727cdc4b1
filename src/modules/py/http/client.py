"""The client side of HTTP/1.1: `HTTPConnection` sends requests, `HTTPResponse` reads the
status, headers and body (by Content-Length, chunked, or until the server closes)."""

import io
import socket
from http import HTTPStatus

__all__ = ["HTTPResponse", "HTTPConnection", "HTTPMessage", "HTTPException", "NotConnected",
           "UnknownProtocol", "UnknownTransferEncoding", "UnimplementedFileMode",
           "IncompleteRead", "InvalidURL", "ImproperConnectionState", "CannotSendRequest",
           "CannotSendHeader", "ResponseNotReady", "BadStatusLine", "LineTooLong",
           "RemoteDisconnected", "error", "responses", "parse_headers"]

HTTP_PORT = 80
HTTPS_PORT = 443

globals().update(HTTPStatus.__members__)
responses = {status.value: status.phrase for status in HTTPStatus}

_MAXLINE = 65536
_MAXHEADERS = 100


class HTTPException(Exception):
    pass


error = HTTPException


class NotConnected(HTTPException):
    pass


class InvalidURL(HTTPException):
    pass


class UnknownProtocol(HTTPException):
    def __init__(self, version):
        self.args = (version,)
        self.version = version


class UnknownTransferEncoding(HTTPException):
    pass


class UnimplementedFileMode(HTTPException):
    pass


class IncompleteRead(HTTPException):
    def __init__(self, partial, expected=None):
        self.args = (partial,)
        self.partial = partial
        self.expected = expected

    def __repr__(self):
        more = f", {self.expected} more expected" if self.expected is not None else ""
        return f"{type(self).__name__}({len(self.partial)} bytes read{more})"

    __str__ = object.__str__


class ImproperConnectionState(HTTPException):
    pass


class CannotSendRequest(ImproperConnectionState):
    pass


class CannotSendHeader(ImproperConnectionState):
    pass


class ResponseNotReady(ImproperConnectionState):
    pass


class BadStatusLine(HTTPException):
    def __init__(self, line):
        if not line:
            line = repr(line)
        self.args = (line,)
        self.line = line


class LineTooLong(HTTPException):
    def __init__(self, line_type):
        HTTPException.__init__(self, f"got more than {_MAXLINE} bytes when reading {line_type}")


class RemoteDisconnected(ConnectionResetError, BadStatusLine):
    def __init__(self, *args, **kwargs):
        BadStatusLine.__init__(self, "")
        ConnectionResetError.__init__(self, *args, **kwargs)


class HTTPMessage:
    """A message's header fields, in order, looked up without regard to case."""

    def __init__(self):
        self._fields = []

    def __len__(self):
        return len(self._fields)

    def __contains__(self, name):
        return any(key.lower() == name.lower() for key, _ in self._fields)

    def __iter__(self):
        return iter(self.keys())

    def __getitem__(self, name):
        return self.get(name)

    def __setitem__(self, name, value):
        self._fields.append((name, value))

    def __delitem__(self, name):
        self._fields = [(k, v) for k, v in self._fields if k.lower() != name.lower()]

    def get(self, name, failobj=None):
        for key, value in self._fields:
            if key.lower() == name.lower():
                return value
        return failobj

    def get_all(self, name, failobj=None):
        values = [value for key, value in self._fields if key.lower() == name.lower()]
        return values or failobj

    def keys(self):
        return [key for key, _ in self._fields]

    def values(self):
        return [value for _, value in self._fields]

    def items(self):
        return list(self._fields)

    def get_content_type(self):
        value = self.get("content-type")
        if value is None:
            return "text/plain"
        kind = value.split(";")[0].strip().lower()
        return kind if kind.count("/") == 1 else "text/plain"

    def get_content_charset(self, failobj=None):
        value = self.get("content-type", "")
        for param in value.split(";")[1:]:
            key, _, found = param.partition("=")
            if key.strip().lower() == "charset":
                return found.strip().strip('"').lower()
        return failobj

    def as_string(self):
        return "".join(f"{key}: {value}\n" for key, value in self._fields) + "\n"

    __str__ = as_string

    def getallmatchingheaders(self, name):
        return [f"{key}: {value}" for key, value in self._fields if key.lower() == name.lower()]


def _read_header_lines(fp):
    lines = []
    while True:
        line = fp.readline(_MAXLINE + 1)
        if len(line) > _MAXLINE:
            raise LineTooLong("header line")
        lines.append(line)
        if len(lines) > _MAXHEADERS:
            raise HTTPException(f"got more than {_MAXHEADERS} headers")
        if line in (b"\r\n", b"\n", b""):
            return lines


def parse_headers(fp, _class=HTTPMessage):
    """Read header lines from the binary file `fp` up to the blank line."""
    message = _class()
    name = None
    for raw in _read_header_lines(fp):
        line = raw.decode("iso-8859-1").rstrip("\r\n")
        if not line:
            break
        if line[0] in " \t" and name is not None:
            # A folded line continues the previous field.
            key, value = message._fields[-1]
            message._fields[-1] = (key, value + " " + line.strip())
            continue
        name, _, value = line.partition(":")
        message[name] = value.strip()
    return message


class HTTPResponse(io.BufferedIOBase):
    """A response read from the connection's socket."""

    def __init__(self, sock, debuglevel=0, method=None, url=None):
        self.fp = sock.makefile("rb")
        self.debuglevel = debuglevel
        self._method = method
        self.headers = self.msg = None
        self.version = "UNKNOWN"
        self.status = "UNKNOWN"
        self.reason = "UNKNOWN"
        self.chunked = "UNKNOWN"
        self.chunk_left = "UNKNOWN"
        self.length = "UNKNOWN"
        self.will_close = "UNKNOWN"
        self.url = url

    def _read_status(self):
        line = self.fp.readline(_MAXLINE + 1)
        if len(line) > _MAXLINE:
            raise LineTooLong("status line")
        if not line:
            raise RemoteDisconnected("Remote end closed connection without response")
        text = line.decode("iso-8859-1")
        parts = text.split(None, 2)
        if len(parts) < 2:
            raise BadStatusLine(text)
        version, status = parts[0], parts[1]
        reason = parts[2] if len(parts) > 2 else ""
        if not version.startswith("HTTP/"):
            self._close_conn()
            raise BadStatusLine(text)
        try:
            code = int(status)
        except ValueError:
            raise BadStatusLine(text) from None
        if not 100 <= code <= 999:
            raise BadStatusLine(text)
        return version, code, reason

    def begin(self):
        if self.headers is not None:
            return
        while True:
            version, status, reason = self._read_status()
            if status != 100:
                break
            _read_header_lines(self.fp)  # an interim "100 Continue" and its headers
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise UnknownProtocol(version)
        self.headers = self.msg = parse_headers(self.fp)
        encoding = self.headers.get("transfer-encoding")
        self.chunked = bool(encoding and encoding.lower() == "chunked")
        self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length is not None and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in (204, 304) or 100 <= status < 200 or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True

    def _check_close(self):
        connection = self.headers.get("connection")
        if self.version == 11:
            return bool(connection and "close" in connection.lower())
        if self.headers.get("keep-alive"):
            return False
        if connection and "keep-alive" in connection.lower():
            return False
        return True

    def _close_conn(self):
        fp, self.fp = self.fp, None
        if fp is not None:
            fp.close()

    def close(self):
        try:
            super().close()
        finally:
            if self.fp:
                self._close_conn()

    @property
    def closed(self):
        return self.fp is None

    def flush(self):
        if self.fp:
            self.fp.flush()

    def readable(self):
        return True

    def isclosed(self):
        return self.fp is None

    def read(self, amt=None):
        if self.fp is None:
            return b""
        if self._method == "HEAD":
            self._close_conn()
            return b""
        if amt is not None and amt >= 0:
            if self.chunked:
                return self._read_chunked(amt)
            if self.length is not None and amt > self.length:
                amt = self.length
            data = self.fp.read(amt)
            if not data and amt:
                self._close_conn()
            elif self.length is not None:
                self.length -= len(data)
                if not self.length:
                    self._close_conn()
            return data
        if self.chunked:
            return self._read_chunked(None)
        if self.length is None:
            data = self.fp.read()
        else:
            data = self.fp.read(self.length)
            if len(data) < self.length:
                self._close_conn()
                raise IncompleteRead(data, self.length - len(data))
            self.length = 0
        self._close_conn()
        return data

    def _chunk_size(self):
        line = self.fp.readline(_MAXLINE + 1)
        if len(line) > _MAXLINE:
            raise LineTooLong("chunk size")
        size = line.split(b";", 1)[0]
        try:
            return int(size.decode("ascii").strip(), 16)
        except ValueError:
            self._close_conn()
            raise IncompleteRead(b"") from None

    def _read_chunked(self, amt):
        parts = []
        while amt is None or amt > 0:
            if not self.chunk_left:
                if self.chunk_left == 0:
                    self.fp.readline()  # the CRLF after the previous chunk's data
                self.chunk_left = self._chunk_size()
                if self.chunk_left == 0:
                    _read_header_lines(self.fp)  # trailers, up to the blank line
                    self._close_conn()
                    break
            take = self.chunk_left if amt is None else min(amt, self.chunk_left)
            data = self.fp.read(take)
            if len(data) < take:
                raise IncompleteRead(b"".join(parts) + data)
            parts.append(data)
            self.chunk_left -= take
            if amt is not None:
                amt -= take
        return b"".join(parts)

    def readinto(self, b):
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)

    def readline(self, limit=-1):
        if self.fp is None or self._method == "HEAD":
            return b""
        if self.chunked:
            # Chunks carry no line structure: read one byte at a time up to the newline.
            line = bytearray()
            while limit < 0 or len(line) < limit:
                byte = self._read_chunked(1)
                if not byte:
                    break
                line += byte
                if byte == b"\n":
                    break
            return bytes(line)
        if self.length is not None and (limit < 0 or limit > self.length):
            limit = self.length
        line = self.fp.readline(limit)
        if self.length is not None:
            self.length -= len(line)
            if not self.length:
                self._close_conn()
        elif not line:
            self._close_conn()
        return line

    def fileno(self):
        return self.fp.fileno()

    def getheader(self, name, default=None):
        if self.headers is None:
            raise ResponseNotReady()
        values = self.headers.get_all(name) or default
        if isinstance(values, str) or not hasattr(values, "__iter__"):
            return values
        return ", ".join(values)

    def getheaders(self):
        if self.headers is None:
            raise ResponseNotReady()
        return list(self.headers.items())

    def __iter__(self):
        return self

    def __next__(self):
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def info(self):
        return self.headers

    def geturl(self):
        return self.url

    def getcode(self):
        return self.status


_IDLE, _REQUEST_STARTED, _REQUEST_SENT = "Idle", "Request-started", "Request-sent"


class HTTPConnection:
    """One connection to an HTTP server, opened on the first request and kept while the
    server keeps it."""

    _http_vsn = 11
    _http_vsn_str = "HTTP/1.1"
    response_class = HTTPResponse
    default_port = HTTP_PORT
    auto_open = 1
    debuglevel = 0

    def __init__(self, host, port=None, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None, blocksize=8192):
        self.timeout = timeout
        self.source_address = source_address
        self.blocksize = blocksize
        self.sock = None
        self._buffer = []
        self._current_response = None
        self._state = _IDLE
        self._method = None
        self.host, self.port = self._get_hostport(host, port)

    def _get_hostport(self, host, port):
        if port is None:
            colon = host.rfind(":")
            bracket = host.rfind("]")
            if colon > bracket:
                digits = host[colon + 1:]
                if digits:
                    try:
                        port = int(digits)
                    except ValueError:
                        raise InvalidURL(f"nonnumeric port: '{digits}'") from None
                else:
                    port = self.default_port
                host = host[:colon]
            else:
                port = self.default_port
        if host and host[0] == "[" and host[-1] == "]":
            host = host[1:-1]
        return host, port

    def set_debuglevel(self, level):
        self.debuglevel = level

    def connect(self):
        self.sock = socket.create_connection((self.host, self.port), self.timeout, self.source_address)
        try:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass

    def close(self):
        self._state = _IDLE
        try:
            sock, self.sock = self.sock, None
            if sock:
                sock.close()
        finally:
            response, self._current_response = self._current_response, None
            if response:
                response.close()

    def send(self, data):
        if self.sock is None:
            if self.auto_open:
                self.connect()
            else:
                raise NotConnected()
        if hasattr(data, "read"):
            while True:
                block = data.read(self.blocksize)
                if not block:
                    break
                if isinstance(block, str):
                    block = block.encode("iso-8859-1")
                self.sock.sendall(block)
            return
        if isinstance(data, (bytes, bytearray, memoryview)):
            self.sock.sendall(data)
            return
        try:
            for block in data:
                self.sock.sendall(block)
        except TypeError:
            raise TypeError(f"data should be a bytes-like object or an iterable, got {type(data)!r}") from None

    def putrequest(self, method, url, skip_host=False, skip_accept_encoding=False):
        if self._current_response and self._current_response.isclosed():
            self._current_response = None
        if self._state == _IDLE:
            self._state = _REQUEST_STARTED
        else:
            raise CannotSendRequest(self._state)
        self._method = method
        url = url or "/"
        for ch in method + url:
            if ord(ch) <= 32 or ord(ch) == 127:
                raise InvalidURL(f"URL can't contain control characters. {url!r} (found at least {ch!r})")
        self._buffer = [f"{method} {url} {self._http_vsn_str}".encode("ascii")]
        if not skip_host:
            host = self.host
            if ":" in host:
                host = f"[{host}]"
            if self.port != self.default_port:
                host = f"{host}:{self.port}"
            self.putheader("Host", host.encode("idna") if not host.isascii() else host)
        if not skip_accept_encoding:
            self.putheader("Accept-Encoding", "identity")

    def putheader(self, header, *values):
        if self._state != _REQUEST_STARTED:
            raise CannotSendHeader()
        if isinstance(header, str):
            header = header.encode("ascii")
        encoded = []
        for value in values:
            if isinstance(value, str):
                value = value.encode("latin-1")
            elif isinstance(value, int):
                value = str(value).encode("ascii")
            encoded.append(value)
        self._buffer.append(header + b": " + b"\r\n\t".join(encoded))

    def endheaders(self, message_body=None, *, encode_chunked=False):
        if self._state == _REQUEST_STARTED:
            self._state = _REQUEST_SENT
        else:
            raise CannotSendHeader()
        self._buffer.extend((b"", b""))
        head = b"\r\n".join(self._buffer)
        self._buffer = []
        self.send(head)
        if message_body is None:
            return
        if isinstance(message_body, str):
            message_body = message_body.encode("iso-8859-1")
        if not encode_chunked:
            self.send(message_body)
            return
        chunks = [message_body] if isinstance(message_body, (bytes, bytearray)) else message_body
        for chunk in chunks:
            if isinstance(chunk, str):
                chunk = chunk.encode("iso-8859-1")
            if chunk:
                self.send(f"{len(chunk):X}\r\n".encode("ascii") + bytes(chunk) + b"\r\n")
        self.send(b"0\r\n\r\n")

    def request(self, method, url, body=None, headers={}, *, encode_chunked=False):
        names = {name.lower() for name in headers}
        self.putrequest(method, url, skip_host="host" in names, skip_accept_encoding="accept-encoding" in names)
        if "content-length" not in names and "transfer-encoding" not in names:
            if isinstance(body, str):
                body = body.encode("iso-8859-1")
            if body is None:
                if method.upper() in ("PATCH", "POST", "PUT"):
                    self.putheader("Content-Length", "0")
            elif isinstance(body, (bytes, bytearray, memoryview)):
                self.putheader("Content-Length", str(len(body)))
            else:
                encode_chunked = True
                self.putheader("Transfer-Encoding", "chunked")
        else:
            encode_chunked = encode_chunked and "transfer-encoding" in names
        for name, value in headers.items():
            self.putheader(name, value)
        if isinstance(body, str):
            body = body.encode("iso-8859-1")
        self.endheaders(body, encode_chunked=encode_chunked)

    def getresponse(self):
        if self._current_response and self._current_response.isclosed():
            self._current_response = None
        if self._state != _REQUEST_SENT or self._current_response:
            raise ResponseNotReady(self._state)
        response = self.response_class(self.sock, self.debuglevel, method=self._method)
        try:
            try:
                response.begin()
            except ConnectionError:
                self.close()
                raise
            self._state = _IDLE
            if response.will_close:
                # The response owns the socket now (through its file); the connection lets go.
                self.sock.close()
                self.sock = None
            else:
                self._current_response = response
            return response
        except BaseException:
            response.close()
            raise
