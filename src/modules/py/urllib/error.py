"""The exceptions `urllib.request` raises."""

import io

__all__ = ["URLError", "HTTPError", "ContentTooShortError"]


class URLError(OSError):
    """A URL could not be opened; `reason` says why (a message or the underlying error)."""

    def __init__(self, reason, filename=None):
        self.args = (reason,)
        self.reason = reason
        if filename is not None:
            self.filename = filename

    def __str__(self):
        return f"<urlopen error {self.reason}>"


class HTTPError(URLError):
    """An HTTP error status; also a response, whose body can be read."""

    def __init__(self, url, code, msg, hdrs, fp):
        self.code = code
        self.msg = msg
        self.hdrs = hdrs
        self.fp = fp if fp is not None else io.BytesIO()
        self.filename = self.url = url

    def __str__(self):
        return f"HTTP Error {self.code}: {self.msg}"

    def __repr__(self):
        return f"<HTTPError {self.code}: {self.msg!r}>"

    @property
    def reason(self):
        return self.msg

    @property
    def status(self):
        return self.code

    @property
    def headers(self):
        return self.hdrs

    def getcode(self):
        return self.code

    def geturl(self):
        return self.url

    def info(self):
        return self.hdrs

    def read(self, *args):
        return self.fp.read(*args)

    def close(self):
        self.fp.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


class ContentTooShortError(URLError):
    def __init__(self, message, content):
        URLError.__init__(self, message)
        self.content = content
