"""Splitting, joining and quoting URLs (RFC 3986), and query strings."""

from collections import namedtuple

__all__ = ["urlparse", "urlunparse", "urljoin", "urldefrag", "urlsplit", "urlunsplit", "urlencode",
           "parse_qs", "parse_qsl", "quote", "quote_plus", "quote_from_bytes", "unquote",
           "unquote_plus", "unquote_to_bytes", "ParseResult", "SplitResult", "DefragResult"]

# Schemes whose URLs have a network location and relative references (as CPython lists them).
uses_relative = ["", "ftp", "http", "gopher", "nntp", "imap", "wais", "file", "https", "shttp", "mms",
                 "prospero", "rtsp", "rtspu", "sftp", "svn", "svn+ssh", "ws", "wss"]
uses_netloc = ["", "ftp", "http", "gopher", "nntp", "telnet", "imap", "wais", "file", "mms", "https",
               "shttp", "snews", "prospero", "rtsp", "rtspu", "rsync", "svn", "svn+ssh", "sftp", "nfs",
               "git", "git+ssh", "ws", "wss"]
uses_params = ["", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtspu", "sip",
               "sips", "mms", "sftp", "tel"]

_SCHEME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-."


class _NetlocMixin:
    """`username`, `password`, `hostname` and `port`, read from `netloc`."""

    __slots__ = ()

    @property
    def _userinfo(self):
        userinfo, have_info, _ = self.netloc.rpartition("@")
        if not have_info:
            return None, None
        username, have_password, password = userinfo.partition(":")
        return username, password if have_password else None

    @property
    def _hostinfo(self):
        _, _, hostinfo = self.netloc.rpartition("@")
        _, have_open_br, bracketed = hostinfo.partition("[")
        if have_open_br:
            hostname, _, port = bracketed.partition("]")
            _, _, port = port.partition(":")
        else:
            hostname, _, port = hostinfo.partition(":")
        return hostname, port or None

    @property
    def username(self):
        return self._userinfo[0]

    @property
    def password(self):
        return self._userinfo[1]

    @property
    def hostname(self):
        hostname = self._hostinfo[0]
        if not hostname:
            return None
        separator = "%"
        hostname, percent, zone = hostname.partition(separator)
        return hostname.lower() + percent + zone

    @property
    def port(self):
        port = self._hostinfo[1]
        if port is None:
            return None
        if not port.isdigit() or not port.isascii():
            raise ValueError(f"Port could not be cast to integer value as {port!r}")
        number = int(port)
        if not 0 <= number <= 65535:
            raise ValueError("Port out of range 0-65535")
        return number


class SplitResult(namedtuple("SplitResult", "scheme netloc path query fragment"), _NetlocMixin):
    __slots__ = ()

    def geturl(self):
        return urlunsplit(self)


class ParseResult(namedtuple("ParseResult", "scheme netloc path params query fragment"), _NetlocMixin):
    __slots__ = ()

    def geturl(self):
        return urlunparse(self)


class DefragResult(namedtuple("DefragResult", "url fragment")):
    __slots__ = ()

    def geturl(self):
        return self.url + "#" + self.fragment if self.fragment else self.url


def _split_netloc(url, start=0):
    end = len(url)
    for delimiter in "/?#":
        found = url.find(delimiter, start)
        if found >= 0:
            end = min(end, found)
    return url[start:end], url[end:]


def urlsplit(url, scheme="", allow_fragments=True):
    """Split a URL into (scheme, netloc, path, query, fragment)."""
    url = url.lstrip(" \t\n\r\x0b\x0c\x00").replace("\t", "").replace("\r", "").replace("\n", "")
    scheme = scheme.strip(" \t\n\r\x0b\x0c\x00")
    netloc = query = fragment = ""
    colon = url.find(":")
    if colon > 0 and url[0].isascii() and url[0].isalpha() and all(c in _SCHEME_CHARS for c in url[:colon]):
        scheme, url = url[:colon].lower(), url[colon + 1:]
    if url[:2] == "//":
        netloc, url = _split_netloc(url, 2)
        if ("[" in netloc and "]" not in netloc) or ("]" in netloc and "[" not in netloc):
            raise ValueError("Invalid IPv6 URL")
    if allow_fragments and "#" in url:
        url, fragment = url.split("#", 1)
    if "?" in url:
        url, query = url.split("?", 1)
    return SplitResult(scheme, netloc, url, query, fragment)


def urlparse(url, scheme="", allow_fragments=True):
    """Split a URL into (scheme, netloc, path, params, query, fragment)."""
    scheme, netloc, url, query, fragment = urlsplit(url, scheme, allow_fragments)
    params = ""
    if scheme in uses_params and ";" in url:
        slash = url.rfind("/")
        semicolon = url.find(";", slash if slash >= 0 else 0)
        if semicolon >= 0:
            url, params = url[:semicolon], url[semicolon + 1:]
    return ParseResult(scheme, netloc, url, params, query, fragment)


def urlunsplit(components):
    scheme, netloc, url, query, fragment = components
    if netloc or (scheme and scheme in uses_netloc and url[:2] != "//"):
        if url and url[:1] != "/":
            url = "/" + url
        url = "//" + (netloc or "") + url
    if scheme:
        url = scheme + ":" + url
    if query:
        url = url + "?" + query
    if fragment:
        url = url + "#" + fragment
    return url


def urlunparse(components):
    scheme, netloc, url, params, query, fragment = components
    if params:
        url = f"{url};{params}"
    return urlunsplit((scheme, netloc, url, query, fragment))


def _remove_dot_segments(path):
    output = []
    segments = path.split("/")
    for i, segment in enumerate(segments):
        if segment == "..":
            if len(output) > 1:
                output.pop()
            if i == len(segments) - 1:
                output.append("")
        elif segment == ".":
            if i == len(segments) - 1:
                output.append("")
        else:
            output.append(segment)
    return "/".join(output)


def urljoin(base, url, allow_fragments=True):
    """Resolve `url` against `base` (RFC 3986 section 5.2)."""
    if not base:
        return url
    if not url:
        return base
    bscheme, bnetloc, bpath, bparams, bquery, bfragment = urlparse(base, "", allow_fragments)
    scheme, netloc, path, params, query, fragment = urlparse(url, bscheme, allow_fragments)
    if not scheme:
        scheme = bscheme
    if scheme != bscheme or scheme not in uses_relative:
        return url
    if scheme in uses_netloc:
        if netloc:
            return urlunparse((scheme, netloc, path, params, query, fragment))
        netloc = bnetloc
    if not path and not params:
        path, params = bpath, bparams
        if not query:
            query = bquery
        return urlunparse((scheme, netloc, path, params, query, fragment))
    if path[:1] == "/":
        merged = path
    else:
        base_dir = bpath[:bpath.rfind("/") + 1] if "/" in bpath else ""
        merged = (base_dir or ("/" if bnetloc else "")) + path
    resolved = _remove_dot_segments(merged)
    if merged.startswith("/") and not resolved.startswith("/"):
        resolved = "/" + resolved
    return urlunparse((scheme, netloc, resolved or "/", params, query, fragment))


def urldefrag(url):
    if "#" in url:
        scheme, netloc, path, params, query, fragment = urlparse(url)
        return DefragResult(urlunparse((scheme, netloc, path, params, query, "")), fragment)
    return DefragResult(url, "")


_ALWAYS_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


def quote_from_bytes(bs, safe="/"):
    if not isinstance(bs, (bytes, bytearray)):
        raise TypeError("quote_from_bytes() expected bytes")
    if isinstance(safe, str):
        safe = safe.encode("ascii", "ignore")
    allowed = _ALWAYS_SAFE | frozenset(safe)
    return "".join(chr(b) if b in allowed else f"%{b:02X}" for b in bs)


def quote(string, safe="/", encoding=None, errors=None):
    """Percent-encode everything in `string` but letters, digits, `_.-~` and `safe`."""
    if isinstance(string, str):
        if not string:
            return string
        string = string.encode(encoding or "utf-8", errors or "strict")
    elif encoding is not None or errors is not None:
        raise TypeError("quote() doesn't support 'encoding' for bytes")
    return quote_from_bytes(string, safe)


def quote_plus(string, safe="", encoding=None, errors=None):
    space = " " if isinstance(string, str) else b" "
    if space not in string:
        return quote(string, safe, encoding, errors)
    if isinstance(safe, str):
        safe = safe + " "
    else:
        safe = safe + b" "
    return quote(string, safe, encoding, errors).replace(" ", "+")


_HEX = "0123456789abcdefABCDEF"


def unquote_to_bytes(string):
    if isinstance(string, str):
        string = string.encode("utf-8")
    parts = bytes(string).split(b"%")
    out = bytearray(parts[0])
    for part in parts[1:]:
        if len(part) >= 2 and chr(part[0]) in _HEX and chr(part[1]) in _HEX:
            out.append(int(part[:2], 16))
            out += part[2:]
        else:
            out += b"%" + part
    return bytes(out)


def unquote(string, encoding="utf-8", errors="replace"):
    """Replace `%xx` escapes by the characters they encode."""
    if isinstance(string, bytes):
        return unquote_to_bytes(string).decode(encoding, errors)
    if "%" not in string:
        return string
    pieces = string.split("%")
    out = [pieces[0]]
    pending = bytearray()
    for piece in pieces[1:]:
        if len(piece) >= 2 and piece[0] in _HEX and piece[1] in _HEX:
            pending.append(int(piece[:2], 16))
            if len(piece) > 2:
                out.append(pending.decode(encoding, errors))
                pending = bytearray()
                out.append(piece[2:])
        else:
            if pending:
                out.append(pending.decode(encoding, errors))
                pending = bytearray()
            out.append("%" + piece)
    if pending:
        out.append(pending.decode(encoding, errors))
    return "".join(out)


def unquote_plus(string, encoding="utf-8", errors="replace"):
    return unquote(string.replace("+", " "), encoding, errors)


def parse_qsl(qs, keep_blank_values=False, strict_parsing=False, encoding="utf-8", errors="replace",
              max_num_fields=None, separator="&"):
    """Parse a query string into a list of (name, value) pairs."""
    if not separator or not isinstance(separator, (str, bytes)):
        raise ValueError("Separator must be of type string or bytes.")
    if isinstance(qs, bytes):
        qs = qs.decode("ascii")
    if max_num_fields is not None and qs.count(separator) + 1 > max_num_fields:
        raise ValueError("Max number of fields exceeded")
    pairs = []
    for field in qs.split(separator):
        if not field and not strict_parsing:
            continue
        name, has_eq, value = field.partition("=")
        if not has_eq and strict_parsing:
            raise ValueError(f"bad query field: {field!r}")
        if value or keep_blank_values:
            pairs.append((unquote_plus(name, encoding, errors), unquote_plus(value, encoding, errors)))
    return pairs


def parse_qs(qs, keep_blank_values=False, strict_parsing=False, encoding="utf-8", errors="replace",
             max_num_fields=None, separator="&"):
    """Parse a query string into a dict of lists of values."""
    result = {}
    for name, value in parse_qsl(qs, keep_blank_values, strict_parsing, encoding, errors,
                                 max_num_fields, separator):
        result.setdefault(name, []).append(value)
    return result


def urlencode(query, doseq=False, safe="", encoding=None, errors=None, quote_via=quote_plus):
    """Encode a mapping or a sequence of pairs as `name=value&...`."""
    if hasattr(query, "items"):
        query = query.items()
    else:
        try:
            if len(query) and not isinstance(query[0], tuple):
                raise TypeError
        except TypeError:
            raise TypeError("not a valid non-string sequence or mapping object") from None

    def encode(value):
        if isinstance(value, bytes):
            return quote_via(value, safe)
        return quote_via(str(value), safe, encoding, errors)

    fields = []
    for name, value in query:
        if doseq and not isinstance(value, (str, bytes)):
            try:
                values = iter(value)
            except TypeError:
                fields.append(encode(name) + "=" + encode(value))
            else:
                fields.extend(encode(name) + "=" + encode(item) for item in values)
        else:
            fields.append(encode(name) + "=" + encode(value))
    return "&".join(fields)
