"""re: regular expressions with CPython's syntax and semantics.

The patterns are parsed, compiled and matched natively by `_sre`; this module holds the
classes CPython documents (`Pattern`, `Match`, `RegexFlag`, `error`) and the work done on
matches once found (templates of `sub`, `split`, `findall`).
"""

import _sre

__all__ = [
    'match', 'fullmatch', 'search', 'sub', 'subn', 'split', 'findall', 'finditer',
    'compile', 'purge', 'template', 'escape', 'error', 'Pattern', 'Match',
    'A', 'I', 'L', 'M', 'S', 'X', 'U', 'ASCII', 'IGNORECASE', 'LOCALE', 'MULTILINE',
    'DOTALL', 'VERBOSE', 'UNICODE', 'NOFLAG', 'RegexFlag',
]

_MAXREPEAT = 4294967295


class RegexFlag(int):
    """The flags of `compile`, combinable with `|`; the repr names them
    (`re.IGNORECASE|re.MULTILINE`)."""

    def __repr__(self):
        value = int(self)
        if value < 0:
            # ~flag: the flags not set, as CPython's flag enum prints them.
            value = ~value & _ALL_FLAGS
            names = [n for n, v in _FLAG_NAMES if v & value]
            return '|'.join('re.' + n for n in names) if names else 're.NOFLAG'
        names = [n for n, v in _FLAG_NAMES if v & value]
        rest = value & ~_ALL_FLAGS
        if not names and not rest:
            return 're.NOFLAG'
        parts = ['re.' + n for n in names]
        if rest:
            parts.append(hex(rest))
        return '|'.join(parts)

    __str__ = __repr__

    @property
    def name(self):
        value = int(self)
        names = [n for n, v in _FLAG_NAMES if v & value]
        if not names:
            return 'NOFLAG' if value == 0 else None
        return '|'.join(names)

    @property
    def value(self):
        return int(self)

    def __or__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return RegexFlag(int(self) | int(other))

    __ror__ = __or__

    def __and__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return RegexFlag(int(self) & int(other))

    __rand__ = __and__

    def __xor__(self, other):
        if not isinstance(other, int):
            return NotImplemented
        return RegexFlag(int(self) ^ int(other))

    __rxor__ = __xor__

    def __invert__(self):
        return RegexFlag(~int(self) & _ALL_FLAGS)

    def __contains__(self, other):
        return int(other) & int(self) == int(other)


# In the order CPython's RegexFlag defines them (the order its repr lists them in).
_FLAG_NAMES = [
    ('ASCII', 256), ('IGNORECASE', 2), ('LOCALE', 4), ('UNICODE', 32), ('MULTILINE', 8),
    ('DOTALL', 16), ('VERBOSE', 64), ('TEMPLATE', 1), ('DEBUG', 128),
]
_ALL_FLAGS = 0
for _name, _value in _FLAG_NAMES:
    _ALL_FLAGS |= _value

NOFLAG = RegexFlag(0)
A = ASCII = RegexFlag(256)
I = IGNORECASE = RegexFlag(2)
L = LOCALE = RegexFlag(4)
U = UNICODE = RegexFlag(32)
M = MULTILINE = RegexFlag(8)
S = DOTALL = RegexFlag(16)
X = VERBOSE = RegexFlag(64)
T = TEMPLATE = RegexFlag(1)
DEBUG = RegexFlag(128)

# The order a Pattern's repr lists its flags in.
_PATTERN_REPR_FLAGS = [
    ('TEMPLATE', 1), ('IGNORECASE', 2), ('LOCALE', 4), ('MULTILINE', 8), ('DOTALL', 16),
    ('UNICODE', 32), ('VERBOSE', 64), ('DEBUG', 128), ('ASCII', 256),
]


class error(Exception):
    """A malformed pattern or template: `msg` at index `pos` of `pattern`."""

    def __init__(self, msg, pattern=None, pos=None):
        self.msg = msg
        self.pattern = pattern
        self.pos = pos
        if pattern is not None and pos is not None:
            msg = '%s at position %d' % (msg, pos)
            newline = '\n' if isinstance(pattern, str) else b'\n'
            self.lineno = pattern.count(newline, 0, pos) + 1
            self.colno = pos - pattern.rfind(newline, 0, pos)
            if newline in pattern:
                msg = '%s (line %d, column %d)' % (msg, self.lineno, self.colno)
        else:
            self.lineno = self.colno = None
        Exception.__init__(self, msg)


class _GroupIndex(dict):
    """`Pattern.groupindex`: a read-only view, printed as CPython's mappingproxy."""

    def __repr__(self):
        return 'mappingproxy(%s)' % dict.__repr__(self)

    def __str__(self):
        return dict.__repr__(self)

    def __setitem__(self, key, value):
        raise TypeError("'mappingproxy' object does not support item assignment")

    def __delitem__(self, key):
        raise TypeError("'mappingproxy' object does not support item assignment")


_MAXSIZE = 9223372036854775807


class Match:
    """The result of a successful match; `m[0]` is the whole match, `m[1]` the first group."""

    def __init__(self, pattern, string, pos, endpos, data):
        self.re = pattern
        self.string = string
        self.pos = pos
        self.endpos = endpos
        self.lastindex = data[0]
        self._slots = data

    def _index(self, group):
        if isinstance(group, int):
            if 0 <= group <= self.re.groups:
                return int(group)
        elif isinstance(group, (str, bytes)):
            index = self.re.groupindex.get(group)
            if index is not None:
                return index
        raise IndexError('no such group')

    def _group(self, index, default=None):
        start = self._slots[2 * index + 1]
        if start < 0:
            return default
        return self.string[start:self._slots[2 * index + 2]]

    def group(self, *groups):
        if not groups:
            return self._group(0)
        if len(groups) == 1:
            return self._group(self._index(groups[0]))
        return tuple(self._group(self._index(g)) for g in groups)

    def __getitem__(self, group):
        return self._group(self._index(group))

    def groups(self, default=None):
        return tuple(self._group(i, default) for i in range(1, self.re.groups + 1))

    def groupdict(self, default=None):
        return {name: self._group(index, default) for name, index in self.re.groupindex.items()}

    def start(self, group=0):
        return self._slots[2 * self._index(group) + 1]

    def end(self, group=0):
        return self._slots[2 * self._index(group) + 2]

    def span(self, group=0):
        index = self._index(group)
        return (self._slots[2 * index + 1], self._slots[2 * index + 2])

    @property
    def regs(self):
        return tuple(self.span(i) for i in range(self.re.groups + 1))

    @property
    def lastgroup(self):
        if self.lastindex is None:
            return None
        for name, index in self.re.groupindex.items():
            if index == self.lastindex:
                return name
        return None

    def expand(self, template):
        return _expand(self.re, self, template)

    def __repr__(self):
        return '<re.Match object; span=(%d, %d), match=%s>' % (
            self._slots[1], self._slots[2], repr(self._group(0))[:50])

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _check_string(pattern, string):
    if isinstance(pattern.pattern, str):
        if not isinstance(string, str):
            if isinstance(string, bytes):
                raise TypeError('cannot use a string pattern on a bytes-like object')
            raise TypeError("expected string or bytes-like object, got '%s'"
                            % type(string).__name__)
    elif not isinstance(string, bytes):
        if isinstance(string, str):
            raise TypeError('cannot use a bytes pattern on a string-like object')
        raise TypeError("expected string or bytes-like object, got '%s'" % type(string).__name__)


class Pattern:
    """A compiled regular expression."""

    def __init__(self, pattern, flags):
        self.pattern = pattern
        self._flags_arg = flags
        self.flags, self.groups, names = _sre.compile(pattern, flags, error)
        self.groupindex = _GroupIndex(names)

    def _run(self, string, pos, endpos, mode):
        _check_string(self, string)
        data = _sre.match(self.pattern, self._flags_arg, string, pos, endpos, mode)
        if data is None:
            return None
        return Match(self, string, _clamp(pos, len(string)), _clamp(endpos, len(string)), data)

    def match(self, string, pos=0, endpos=_MAXSIZE):
        return self._run(string, pos, endpos, 0)

    def search(self, string, pos=0, endpos=_MAXSIZE):
        return self._run(string, pos, endpos, 1)

    def fullmatch(self, string, pos=0, endpos=_MAXSIZE):
        return self._run(string, pos, endpos, 2)

    def _scan(self, string, pos=0, endpos=_MAXSIZE, limit=0):
        _check_string(self, string)
        return _sre.scan(self.pattern, self._flags_arg, string, pos, endpos, limit)

    def finditer(self, string, pos=0, endpos=_MAXSIZE):
        start, end = _clamp(pos, len(string)), _clamp(endpos, len(string))
        for data in self._scan(string, pos, endpos):
            yield Match(self, string, start, end, data)

    def findall(self, string, pos=0, endpos=_MAXSIZE):
        found = self._scan(string, pos, endpos)
        groups = self.groups
        empty = string[:0]
        if groups == 0:
            return [string[d[1]:d[2]] for d in found]
        if groups == 1:
            return [string[d[3]:d[4]] if d[3] >= 0 else empty for d in found]
        result = []
        for d in found:
            result.append(tuple(string[d[2 * i + 1]:d[2 * i + 2]] if d[2 * i + 1] >= 0 else empty
                                for i in range(1, groups + 1)))
        return result

    def split(self, string, maxsplit=0):
        if maxsplit < 0:
            return [string]
        pieces = []
        last = 0
        groups = self.groups
        for d in self._scan(string, 0, _MAXSIZE, maxsplit):
            pieces.append(string[last:d[1]])
            for i in range(1, groups + 1):
                pieces.append(string[d[2 * i + 1]:d[2 * i + 2]] if d[2 * i + 1] >= 0 else None)
            last = d[2]
        pieces.append(string[last:])
        return pieces

    def subn(self, repl, string, count=0):
        if count < 0:
            return string, 0
        found = self._scan(string, 0, _MAXSIZE, count)
        if not callable(repl):
            literal, parts = _parse_template(self, repl)
        pieces = []
        last = 0
        for d in found:
            pieces.append(string[last:d[1]])
            if callable(repl):
                piece = repl(Match(self, string, 0, len(string), d))
                if piece is not None:
                    pieces.append(piece)
            elif literal is not None:
                pieces.append(literal)
            else:
                pieces.append(_fill_template(parts, string, d, repl[:0]))
            last = d[2]
        pieces.append(string[last:])
        return string[:0].join(pieces), len(found)

    def sub(self, repl, string, count=0):
        return self.subn(repl, string, count)[0]

    def scanner(self, string, pos=0, endpos=_MAXSIZE):
        raise NotImplementedError('toy does not support Pattern.scanner()')

    def __repr__(self):
        flags = self.flags
        if isinstance(self.pattern, str) and flags & (LOCALE | UNICODE | ASCII) == UNICODE:
            flags &= ~UNICODE
        text = repr(self.pattern)[:200]
        if not flags:
            return 're.compile(%s)' % text
        names = ['re.' + n for n, v in _PATTERN_REPR_FLAGS if v & flags]
        rest = flags & ~_ALL_FLAGS
        if rest:
            names.append(hex(rest))
        return 're.compile(%s, %s)' % (text, '|'.join(names))

    def __eq__(self, other):
        if not isinstance(other, Pattern):
            return NotImplemented
        return self.pattern == other.pattern and self.flags == other.flags

    def __hash__(self):
        return hash((self.pattern, self.flags))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _clamp(value, length):
    return min(max(value, 0), length)


_TEMPLATE_ESCAPES = {'a': '\a', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t',
                     'v': '\v', '\\': '\\'}
_OCTAL = '01234567'
_DIGITS = '0123456789'
_template_cache = {}


def _parse_template(pattern, template):
    """A replacement template as (literal, None) when it has no group references, else
    (None, parts) where parts alternates text and group numbers."""
    key = (pattern.pattern, pattern.flags, type(template), template)
    cached = _template_cache.get(key)
    if cached is not None:
        return cached
    is_bytes = isinstance(template, bytes)
    if is_bytes:
        if not isinstance(pattern.pattern, bytes):
            raise TypeError('expected str instance, bytes found')
        text = template.decode('latin-1')
    else:
        if not isinstance(template, str):
            raise TypeError('expected str instance, %s found' % type(template).__name__)
        if isinstance(pattern.pattern, bytes):
            raise TypeError('expected a bytes-like object, str found')
        text = template
    parts = []
    chunk = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        i += 1
        if c != '\\':
            chunk.append(c)
            continue
        if i >= n:
            raise error('bad escape (end of pattern)', template, i - 1)
        c = text[i]
        i += 1
        if c == 'g':
            if i >= n or text[i] != '<':
                raise error('missing <', template, i)
            close = text.find('>', i + 1)
            if close < 0:
                raise error('missing >, unterminated name', template, i + 1)
            name = text[i + 1:close]
            if not name:
                raise error('missing group name', template, i + 1)
            if name.isdigit() and name.isascii():
                index = int(name)
                if index > pattern.groups:
                    raise error('invalid group reference %d' % index, template, i + 1)
            elif name.isidentifier() and (not is_bytes or name.isascii()):
                if name not in pattern.groupindex:
                    raise IndexError("unknown group name '%s'" % name)
                index = pattern.groupindex[name]
            else:
                raise error("bad character in group name '%s'" % name, template, i + 1)
            parts.append(''.join(chunk))
            chunk = []
            parts.append(index)
            i = close + 1
        elif c == '0':
            value = 0
            for _ in range(2):
                if i < n and text[i] in _OCTAL:
                    value = value * 8 + int(text[i])
                    i += 1
            chunk.append(chr(value))
        elif c in _DIGITS:
            start = i - 1
            if i < n and text[i] in _DIGITS:
                if (c in _OCTAL and text[i] in _OCTAL and i + 1 < n and text[i + 1] in _OCTAL):
                    value = int(text[start:i + 2], 8)
                    if value > 0o377:
                        raise error('octal escape value \\%s outside of range 0-0o377'
                                    % text[start:i + 2], template, start - 1)
                    chunk.append(chr(value))
                    i += 2
                    continue
                i += 1
            index = int(text[start:i])
            if index > pattern.groups:
                raise error('invalid group reference %d' % index, template, start)
            parts.append(''.join(chunk))
            chunk = []
            parts.append(index)
        elif c in _TEMPLATE_ESCAPES:
            chunk.append(_TEMPLATE_ESCAPES[c])
        elif c.isascii() and c.isalpha():
            raise error('bad escape \\' + c, template, i - 2)
        else:
            chunk.append('\\' + c)
    parts.append(''.join(chunk))
    if is_bytes:
        parts = [p.encode('latin-1') if isinstance(p, str) else p for p in parts]
    if len(parts) == 1:
        result = (parts[0], None)
    else:
        result = (None, parts)
    if len(_template_cache) >= 512:
        _template_cache.clear()
    _template_cache[key] = result
    return result


def _fill_template(parts, string, d, empty):
    pieces = []
    for k, part in enumerate(parts):
        if k % 2 == 0:
            pieces.append(part)
        else:
            start = d[2 * part + 1]
            if start >= 0:
                pieces.append(string[start:d[2 * part + 2]])
    return empty.join(pieces)


def _expand(pattern, match, template):
    literal, parts = _parse_template(pattern, template)
    if literal is not None:
        return literal
    return _fill_template(parts, match.string, match._slots, template[:0])


_cache = {}
_MAXCACHE = 512


def _compile(pattern, flags):
    if isinstance(flags, RegexFlag):
        flags = int(flags)
    if isinstance(pattern, Pattern):
        if flags:
            raise ValueError('cannot process flags argument with a compiled pattern')
        return pattern
    key = (type(pattern), pattern, flags)
    found = _cache.get(key)
    if found is not None:
        return found
    if isinstance(pattern, str):
        if flags & LOCALE:
            raise ValueError('cannot use LOCALE flag with a str pattern')
        if flags & ASCII and flags & UNICODE:
            raise ValueError('ASCII and UNICODE flags are incompatible')
    elif isinstance(pattern, bytes):
        if flags & UNICODE:
            raise ValueError('cannot use UNICODE flag with a bytes pattern')
        if flags & ASCII and flags & LOCALE:
            raise ValueError('ASCII and LOCALE flags are incompatible')
    else:
        raise TypeError('first argument must be string or compiled pattern')
    if flags & DEBUG:
        raise NotImplementedError('toy does not support re.DEBUG')
    compiled = Pattern(pattern, flags)
    if len(_cache) >= _MAXCACHE:
        _cache.clear()
    _cache[key] = compiled
    return compiled


def compile(pattern, flags=0):
    return _compile(pattern, flags)


def match(pattern, string, flags=0):
    return _compile(pattern, flags).match(string)


def fullmatch(pattern, string, flags=0):
    return _compile(pattern, flags).fullmatch(string)


def search(pattern, string, flags=0):
    return _compile(pattern, flags).search(string)


def sub(pattern, repl, string, count=0, flags=0):
    return _compile(pattern, flags).sub(repl, string, count)


def subn(pattern, repl, string, count=0, flags=0):
    return _compile(pattern, flags).subn(repl, string, count)


def split(pattern, string, maxsplit=0, flags=0):
    return _compile(pattern, flags).split(string, maxsplit)


def findall(pattern, string, flags=0):
    return _compile(pattern, flags).findall(string)


def finditer(pattern, string, flags=0):
    return _compile(pattern, flags).finditer(string)


def purge():
    _cache.clear()
    _template_cache.clear()
    _sre.purge()


def template(pattern, flags=0):
    return _compile(pattern, flags | TEMPLATE)


_SPECIAL = frozenset('()[]{}?*+-|^$\\.&~# \t\n\r\v\f')


def escape(pattern):
    if isinstance(pattern, str):
        return ''.join('\\' + c if c in _SPECIAL else c for c in pattern)
    text = pattern.decode('latin-1')
    return ''.join('\\' + c if c in _SPECIAL else c for c in text).encode('latin-1')
