"""Shell-style wildcards: `*`, `?`, `[seq]` and `[!seq]`.

Patterns are matched by a small matcher of their own (no regular expressions); `translate`
still gives the regular expression CPython would use, for callers that want one.
"""

import os

__all__ = ["filter", "fnmatch", "fnmatchcase", "translate"]

# A pattern compiles to a list of tokens: a one-character string (itself), _ANY (`?`),
# _STAR (`*`, repeats collapsed) or a _CharSet.
_ANY = object()
_STAR = object()

_cache = {}
_CACHE_LIMIT = 256


class _CharSet:
    def __init__(self, ranges, negated):
        self.ranges = ranges
        self.negated = negated

    def __contains__(self, char):
        inside = any(low <= char <= high for low, high in self.ranges)
        return inside != self.negated


def _parse_set(pattern, start):
    """The set whose `[` is at `start - 1`: `(ranges, negated, end)`, or None if unclosed.

    A `]` first in the set (after any `!`) is a member, and `a-z` is a range; a `-` after a
    range or at either end is a member.
    """
    i = start
    negated = i < len(pattern) and pattern[i] == "!"
    if negated:
        i += 1
    close = pattern.find("]", i + 1 if i < len(pattern) else i)
    if close < 0:
        return None
    body = pattern[i:close]
    ranges = []
    k = 0
    while k < len(body):
        if k + 2 < len(body) and body[k + 1] == "-":
            ranges.append((body[k], body[k + 2]))
            k += 3
        else:
            ranges.append((body[k], body[k]))
            k += 1
    return ranges, negated, close + 1


def _tokens(pattern):
    """The tokens of a pattern, each paired with its source text."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        i += 1
        if c == "*":
            if not out or out[-1][0] is not _STAR:
                out.append((_STAR, c))
        elif c == "?":
            out.append((_ANY, c))
        elif c == "[":
            parsed = _parse_set(pattern, i)
            if parsed is None:
                out.append((c, c))
            else:
                ranges, negated, i = parsed
                out.append((_CharSet(ranges, negated), None))
        else:
            out.append((c, c))
    return out


def _compile(pattern):
    tokens = _cache.get(pattern)
    if tokens is None:
        tokens = [token for token, _ in _tokens(pattern)]
        if len(_cache) >= _CACHE_LIMIT:
            _cache.clear()
        _cache[pattern] = tokens
    return tokens


def _matches_one(token, char):
    if token is _ANY:
        return True
    if isinstance(token, str):
        return token == char
    return char in token


def _match(tokens, name):
    # Greedy, remembering the last `*`: on a mismatch, that star takes one more character
    # and matching resumes after it. Linear in practice; no backtracking explosion.
    t = n = 0
    star = -1
    star_at = 0
    while n < len(name):
        if t < len(tokens) and tokens[t] is _STAR:
            star, star_at = t, n
            t += 1
        elif t < len(tokens) and _matches_one(tokens[t], name[n]):
            t += 1
            n += 1
        elif star >= 0:
            star_at += 1
            n = star_at
            t = star + 1
        else:
            return False
    while t < len(tokens) and tokens[t] is _STAR:
        t += 1
    return t == len(tokens)


def _check(name, pat):
    if isinstance(name, bytes) or isinstance(pat, bytes):
        raise TypeError("toy's fnmatch does not support bytes patterns yet")
    return name, pat


def fnmatchcase(name, pat):
    """Whether `name` matches `pat`, case-sensitively."""
    name, pat = _check(name, pat)
    return _match(_compile(pat), name)


def fnmatch(name, pat):
    """Whether `name` matches `pat` (after os.path.normcase, which changes nothing on POSIX)."""
    name, pat = _check(os.fspath(name), os.fspath(pat))
    return _match(_compile(pat), name)


def filter(names, pat):
    """The names of `names` that match `pat`."""
    tokens = _compile(os.fspath(pat))
    return [name for name in names if _match(tokens, os.fspath(name))]


# ----- translate ------------------------------------------------------------------------------

_SPECIAL = set("()[]{}?*+-|^$\\.&~# \t\n\r\v\f")


def _escape(text):
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def _set_source(token):
    ranges = [(low, high) for low, high in token.ranges if low <= high]
    if not ranges:
        return "." if token.negated else "(?!)"
    items = []
    for low, high in ranges:
        if low == high:
            items.append("\\" + low if low in "\\-" else low)
        else:
            items.append(low.replace("\\", "\\\\") + "-" + high.replace("\\", "\\\\"))
    body = "".join(items)
    body = "".join("\\" + c if c in "&~|" else c for c in body)
    if token.negated:
        return "[^" + body + "]"
    if body[0] in "^[":
        body = "\\" + body
    return "[" + body + "]"


def translate(pat):
    """The regular expression (as a string) matching what `pat` matches."""
    pieces = []
    for token, text in _tokens(pat):
        if token is _STAR:
            pieces.append(_STAR)
        elif token is _ANY:
            pieces.append(".")
        elif isinstance(token, _CharSet):
            pieces.append(_set_source(token))
        else:
            pieces.append(_escape(text))
    # Text between two stars becomes an atomic group, as in CPython: `a*b*c` matches
    # without trying every split between the stars.
    out = []
    i = 0
    while i < len(pieces) and pieces[i] is not _STAR:
        out.append(pieces[i])
        i += 1
    while i < len(pieces):
        i += 1
        segment = []
        while i < len(pieces) and pieces[i] is not _STAR:
            segment.append(pieces[i])
            i += 1
        if i < len(pieces):
            out.append("(?>.*?" + "".join(segment) + ")")
        else:
            out.append(".*" + "".join(segment))
    return "(?s:" + "".join(out) + ")\\Z"
