"""Filename matching with shell patterns: `*`, `?`, `[seq]` and `[!seq]`.

fnmatch(NAME, PATTERN) normalizes case as the operating system does, which on the POSIX
systems toy runs on is not at all: it is fnmatchcase(NAME, PATTERN).
"""

import re
import functools

__all__ = ["filter", "fnmatch", "fnmatchcase", "translate"]


def fnmatch(name, pat):
    """Whether NAME matches PATTERN."""
    return fnmatchcase(name, pat)


@functools.lru_cache(maxsize=32768, typed=True)
def _compile_pattern(pat):
    if isinstance(pat, bytes):
        raise TypeError("toy's fnmatch matches str patterns only")
    return re.compile(translate(pat)).match


def filter(names, pat):
    """Return the subset of the list NAMES that match PAT."""
    match = _compile_pattern(pat)
    return [name for name in names if match(name)]


def fnmatchcase(name, pat):
    """Whether NAME matches PATTERN, case included."""
    match = _compile_pattern(pat)
    return match(name) is not None


def translate(pat):
    """The regular expression, as a string, that matches what shell pattern PAT matches."""
    parts = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        i += 1
        if c == '*':
            # Consecutive stars match what one does.
            if not parts or parts[-1] != '.*':
                parts.append('.*')
        elif c == '?':
            parts.append('.')
        elif c == '[':
            end = _class_end(pat, i)
            if end < 0:
                parts.append('\\[')
                continue
            parts.append(_class(pat[i:end]))
            i = end + 1
        else:
            parts.append(re.escape(c))
    return '(?s:%s)\\Z' % ''.join(parts)


def _class_end(pat, start):
    # Where the `]` closing a class that opened before `start` is, or -1.
    j = start
    if j < len(pat) and pat[j] == '!':
        j += 1
    if j < len(pat) and pat[j] == ']':
        j += 1
    while j < len(pat) and pat[j] != ']':
        j += 1
    return j if j < len(pat) else -1


def _class(body):
    negate = body.startswith('!')
    if negate:
        body = body[1:]
    if not body:
        # `[!]` matches any one character; an empty class nothing.
        return '.' if negate else '(?!)'
    # Backslashes are literal in shell patterns; `&`, `~` and `|` are escaped as re may
    # give doubled ones a meaning inside a class.
    escaped = body.replace('\\', '\\\\')
    escaped = re.sub(r'([&~|])', r'\\\1', escaped)
    if escaped.startswith('^'):
        escaped = '\\' + escaped
    return '[%s%s]' % ('^' if negate else '', escaped)
