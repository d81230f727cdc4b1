"""Opening URLs: `urlopen` for `http://` URLs (following redirects), and `Request`."""

import http.client
import socket
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit, urlunsplit, unquote

__all__ = ["Request", "urlopen", "HTTPError", "URLError"]

_USER_AGENT = "Python-urllib/3.11"
_MAX_REDIRECTS = 10


class Request:
    """A request: URL, body (`data`), headers and method."""

    def __init__(self, url, data=None, headers={}, origin_req_host=None, unverifiable=False, method=None):
        self.full_url = url
        self.headers = {}
        self.unredirected_hdrs = {}
        self.data = data
        self.method = method
        for key, value in headers.items():
            self.add_header(key, value)
        self.origin_req_host = origin_req_host or self.host
        self.unverifiable = unverifiable

    @property
    def full_url(self):
        if self.fragment:
            return f"{self._full_url}#{self.fragment}"
        return self._full_url

    @full_url.setter
    def full_url(self, url):
        self._full_url, _, self.fragment = url.partition("#")
        parts = urlsplit(self._full_url)
        if not parts.scheme:
            raise ValueError(f"unknown url type: {self._full_url!r}")
        self.type = parts.scheme
        self.host = unquote(parts.netloc.rpartition("@")[2])
        self.selector = urlunsplit(("", "", parts.path or "", parts.query, "")) or "/"
        if not self.selector.startswith("/"):
            self.selector = "/" + self.selector

    def get_method(self):
        if self.method is not None:
            return self.method
        return "POST" if self.data is not None else "GET"

    def get_full_url(self):
        return self.full_url

    def add_header(self, key, val):
        self.headers[key.capitalize()] = val

    def add_unredirected_header(self, key, val):
        self.unredirected_hdrs[key.capitalize()] = val

    def has_header(self, header_name):
        return header_name in self.headers or header_name in self.unredirected_hdrs

    def get_header(self, header_name, default=None):
        return self.headers.get(header_name, self.unredirected_hdrs.get(header_name, default))

    def remove_header(self, header_name):
        self.headers.pop(header_name, None)
        self.unredirected_hdrs.pop(header_name, None)

    def header_items(self):
        return list({**self.unredirected_hdrs, **self.headers}.items())


def _send(request, timeout):
    """One HTTP exchange; the response, its body still to read."""
    if request.type != "http":
        raise URLError(f"unknown url type: {request.type}")
    if not request.host:
        raise URLError("no host given")
    connection = http.client.HTTPConnection(request.host, timeout=timeout)
    # Request keeps names as str.capitalize() spells them ("Content-type"); so do these.
    headers = dict(request.header_items())
    headers.setdefault("User-agent", _USER_AGENT)
    headers["Connection"] = "close"
    body = request.data
    if body is not None:
        if isinstance(body, str):
            raise TypeError("POST data should be bytes, an iterable of bytes, or a file object. It cannot be of type str.")
        headers.setdefault("Content-type", "application/x-www-form-urlencoded")
        if "Content-length" not in headers and "Transfer-encoding" not in headers:
            try:
                headers["Content-length"] = str(memoryview(body).nbytes)
            except TypeError:
                headers["Transfer-encoding"] = "chunked"
    try:
        connection.request(request.get_method(), request.selector, body,
                           {name.title(): value for name, value in headers.items()},
                           encode_chunked="Transfer-encoding" in headers)
        response = connection.getresponse()
    except OSError as error:
        connection.close()
        raise URLError(error) from None
    response.url = request.full_url
    response.msg = response.reason
    return response


def urlopen(url, data=None, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, *, context=None):
    """Open `url` (a string or a `Request`); an error status raises `HTTPError`."""
    request = url if isinstance(url, Request) else Request(url, data)
    if data is not None:
        request.data = data
    for _ in range(_MAX_REDIRECTS + 1):
        response = _send(request, timeout)
        status = response.status
        if status in (301, 302, 303, 307, 308) and response.headers.get("Location"):
            target = urljoin(request.full_url, response.headers["Location"])
            response.read()
            response.close()
            keep_body = status in (307, 308)
            request = Request(target, request.data if keep_body else None,
                              headers=request.headers,
                              method=request.get_method() if keep_body else None)
            if not keep_body:
                for name in ("Content-length", "Content-type"):
                    request.remove_header(name)
            continue
        if not 200 <= status < 300:
            raise HTTPError(request.full_url, status, response.reason, response.headers, response)
        return response
    raise HTTPError(request.full_url, status, "The HTTP server returned a redirect error that would lead to an infinite loop.\n"
                    "The last 30x error message was:\n" + response.reason, response.headers, response)
