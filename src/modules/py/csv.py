"""CSV file reading and writing, as CPython's csv module: reader, writer, DictReader,
DictWriter, a basic Sniffer and the named dialects.

The reader is a state machine over the characters of each line; lines with no quote,
escape or stray line-break character take a fast path through str.split, which is what
keeps ordinary files quick in pure Python.
"""

import re as _re
from io import StringIO

__all__ = ["QUOTE_MINIMAL", "QUOTE_ALL", "QUOTE_NONNUMERIC", "QUOTE_NONE",
           "Error", "Dialect", "__doc__", "excel", "excel_tab",
           "field_size_limit", "reader", "writer",
           "register_dialect", "get_dialect", "list_dialects", "Sniffer",
           "unregister_dialect", "__version__", "DictReader", "DictWriter",
           "unix_dialect"]

__version__ = "1.0"

QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE = range(4)


class Error(Exception):
    pass


# CPython's class lives in its C module, and tracebacks name it so.
Error.__module__ = "_csv"

_field_limit = 128 * 1024


def field_size_limit(*args, **kwargs):
    """Return the maximum field size the parser allows; with an argument, set it."""
    global _field_limit
    if kwargs:
        raise TypeError("field_size_limit() takes no keyword arguments")
    if len(args) > 1:
        raise TypeError("field_size_limit expected at most 1 argument, got %d" % len(args))
    old = _field_limit
    if args:
        if not isinstance(args[0], int):
            raise TypeError("limit must be an integer")
        _field_limit = args[0]
    return old


# ----- dialects ---------------------------------------------------------------------------

_ATTRIBUTES = ("delimiter", "doublequote", "escapechar", "lineterminator",
               "quotechar", "quoting", "skipinitialspace", "strict")


def _char(name, value, default, may_be_none):
    if value is None:
        if may_be_none:
            return None
        raise TypeError('"%s" must be a 1-character string' % name)
    if not isinstance(value, str):
        if may_be_none:
            raise TypeError('"%s" must be string or None, not %s' % (name, type(value).__name__))
        raise TypeError('"%s" must be string, not %s' % (name, type(value).__name__))
    if len(value) != 1:
        raise TypeError('"%s" must be a 1-character string' % name)
    return value


class _Dialect:
    """The checked, read-only settings a reader or writer works with (CPython's
    _csv.Dialect)."""

    __slots__ = _ATTRIBUTES

    def __init__(self, dialect=None, **params):
        for key in params:
            if key not in _ATTRIBUTES:
                raise TypeError("'%s' is an invalid keyword argument for this function" % key)
        if isinstance(dialect, str):
            dialect = get_dialect(dialect)

        def pick(name, default):
            if name in params:
                return params[name]
            if dialect is not None and hasattr(dialect, name):
                return getattr(dialect, name)
            return default

        quoting = pick("quoting", QUOTE_MINIMAL)
        if type(quoting) is not int:
            raise TypeError('"quoting" must be an integer')
        if quoting not in (QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE):
            raise TypeError('bad "quoting" value')
        set_ = object.__setattr__
        set_(self, "delimiter", _char("delimiter", pick("delimiter", ","), ",", False))
        set_(self, "quotechar", _char("quotechar", pick("quotechar", '"'), '"', True))
        set_(self, "escapechar", _char("escapechar", pick("escapechar", None), None, True))
        lineterminator = pick("lineterminator", "\r\n")
        if lineterminator is None:
            raise TypeError("lineterminator must be set")
        if not isinstance(lineterminator, str):
            raise TypeError('"lineterminator" must be a string')
        set_(self, "lineterminator", lineterminator)
        set_(self, "doublequote", bool(pick("doublequote", True)))
        set_(self, "skipinitialspace", bool(pick("skipinitialspace", False)))
        set_(self, "strict", bool(pick("strict", False)))
        if self.quotechar is None and "quoting" not in params:
            # Without a quote character nothing can be quoted.
            quoting = QUOTE_NONE
        if quoting != QUOTE_NONE and self.quotechar is None:
            raise TypeError("quotechar must be set if quoting enabled")
        set_(self, "quoting", quoting)

    def __setattr__(self, name, value):
        raise AttributeError("attribute '%s' of '_csv.Dialect' objects is not writable" % name)

    def __repr__(self):
        return "<_csv.Dialect object at 0x%x>" % id(self)


# Named as CPython's C types are.
_Dialect.__name__ = _Dialect.__qualname__ = "Dialect"
_Dialect.__module__ = "_csv"


class Dialect:
    """Describe a CSV dialect: subclass it and set the attributes."""

    _name = ""
    _valid = False
    delimiter = None
    quotechar = None
    escapechar = None
    doublequote = None
    skipinitialspace = None
    lineterminator = None
    quoting = None

    def __init__(self):
        if self.__class__ != Dialect:
            self._valid = True
        self._validate()

    def _validate(self):
        try:
            _Dialect(self)
        except TypeError as e:
            raise Error(str(e))


class excel(Dialect):
    """The usual properties of an Excel-generated CSV file."""
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = QUOTE_MINIMAL


class excel_tab(excel):
    """The usual properties of an Excel-generated TAB-delimited file."""
    delimiter = "\t"


class unix_dialect(Dialect):
    """The usual properties of a CSV file made on UNIX."""
    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\n"
    quoting = QUOTE_ALL


_dialects = {}


def register_dialect(name, dialect=None, **params):
    if not isinstance(name, str):
        raise TypeError("dialect name must be a string")
    _dialects[name] = _Dialect(dialect, **params)


def unregister_dialect(name):
    if name not in _dialects:
        raise Error("unknown dialect")
    del _dialects[name]


def get_dialect(name):
    try:
        return _dialects[name]
    except (KeyError, TypeError):
        raise Error("unknown dialect") from None


def list_dialects():
    return list(_dialects)


register_dialect("excel", excel)
register_dialect("excel-tab", excel_tab)
register_dialect("unix", unix_dialect)


# ----- reading ----------------------------------------------------------------------------

def _any_of(chars):
    """A search for any of `chars` in a string: one call into the regex engine instead of a
    loop over the string in Python."""
    return _re.compile("[%s]" % "".join(_re.escape(c) for c in set(chars))).search


# The parser's states, named as CPython's documentation of the format describes them.
_START_RECORD, _START_FIELD, _ESCAPED_CHAR, _IN_FIELD, _IN_QUOTED_FIELD = range(5)
_ESCAPE_IN_QUOTED_FIELD, _QUOTE_IN_QUOTED_FIELD, _EAT_CRNL, _AFTER_ESCAPED_CRNL = range(5, 9)


class _reader:
    def __init__(self, iterable, dialect, params):
        self._lines = iter(iterable)
        self.dialect = _Dialect(dialect, **params)
        self.line_num = 0
        d = self.dialect
        # Characters that send a line to the slow path.
        self._special = _any_of(c for c in (d.quotechar, d.escapechar, "\r", "\n") if c)
        self._fast = not d.skipinitialspace and d.quoting != QUOTE_NONNUMERIC
        # Lines whose quoted fields are whole and well formed are split by one regular
        # expression when quotes are doubled and nothing is escaped.
        self._quoted_field = None
        if self._fast and d.quotechar and d.escapechar is None and d.doublequote and d.quoting != QUOTE_NONE:
            q, delim = _re.escape(d.quotechar), _re.escape(d.delimiter)
            self._quoted_field = _re.compile(
                "%s((?:[^%s]|%s%s)*)%s|([^%s%s\r\n]*)" % (q, q, q, q, q, delim, q)
                + "(%s|$)" % delim).match

    def __iter__(self):
        return self

    def __repr__(self):
        return "<_csv.reader object at 0x%x>" % id(self)

    def _split_quoted(self, body):
        """The fields of a line with whole quoted fields, None when it needs the parser."""
        quote = self.dialect.quotechar
        fields = []
        pos = 0
        while True:
            m = self._quoted_field(body, pos)
            if m is None:
                return None
            quoted, plain, delimiter = m.groups()
            field = plain if quoted is None else quoted.replace(quote + quote, quote)
            if len(field) > _field_limit:
                raise Error("field larger than field limit (%d)" % _field_limit)
            fields.append(field)
            pos = m.end()
            if not delimiter:
                return fields if pos == len(body) else None

    def __next__(self):
        d = self.dialect
        self._fields = []
        self._field = []
        self._quoted = False
        state = _START_RECORD
        while True:
            try:
                line = next(self._lines)
            except StopIteration:
                if state in (_START_RECORD, _EAT_CRNL) and not self._fields and not self._field:
                    raise
                if d.strict and state in (_IN_QUOTED_FIELD, _ESCAPE_IN_QUOTED_FIELD, _ESCAPED_CHAR):
                    raise Error("unexpected end of data")
                if state not in (_START_RECORD, _EAT_CRNL):
                    self._save_field()
                return self._fields
            if not isinstance(line, str):
                raise Error("iterator should return strings, not %.200s "
                            "(the file should be opened in text mode)" % type(line).__name__)
            self.line_num += 1
            if state == _START_RECORD and self._fast:
                body = line
                if body.endswith("\n"):
                    body = body[:-1]
                if body.endswith("\r"):
                    body = body[:-1]
                if not self._special(body):
                    if not body:
                        return []
                    fields = body.split(d.delimiter)
                    if any(len(f) > _field_limit for f in fields):
                        raise Error("field larger than field limit (%d)" % _field_limit)
                    return fields
                if self._quoted_field is not None:
                    fields = self._split_quoted(body)
                    if fields is not None:
                        return fields
            for c in line:
                state = self._feed(state, c)
            if state not in (_IN_QUOTED_FIELD, _ESCAPE_IN_QUOTED_FIELD, _ESCAPED_CHAR,
                             _AFTER_ESCAPED_CRNL):
                if state != _START_RECORD:
                    state = self._feed(state, None)
                return self._fields
            if state == _AFTER_ESCAPED_CRNL:
                state = _IN_FIELD
            elif state == _ESCAPE_IN_QUOTED_FIELD:
                state = _IN_QUOTED_FIELD
            elif state == _ESCAPED_CHAR:
                state = _IN_FIELD

    def _save_field(self):
        field = "".join(self._field)
        self._field = []
        if self.dialect.quoting == QUOTE_NONNUMERIC and not self._quoted and field:
            field = float(field)
        self._quoted = False
        self._fields.append(field)

    def _add(self, c):
        self._field.append(c)
        if len(self._field) > _field_limit:
            raise Error("field larger than field limit (%d)" % _field_limit)

    def _feed(self, state, c):
        """One step of the parser: `c` is a character, or None at the end of a line."""
        d = self.dialect
        if state == _START_RECORD:
            if c is None:
                return _START_RECORD
            if c == "\n" or c == "\r":
                return _EAT_CRNL
            state = _START_FIELD
        if state == _START_FIELD:
            if c is None or c == "\n" or c == "\r":
                self._save_field()
                return _START_RECORD if c is None else _EAT_CRNL
            if c == d.quotechar and d.quoting != QUOTE_NONE:
                self._quoted = True
                return _IN_QUOTED_FIELD
            if c == d.escapechar:
                return _ESCAPED_CHAR
            if c == " " and d.skipinitialspace:
                return _START_FIELD
            if c == d.delimiter:
                self._save_field()
                return _START_FIELD
            self._add(c)
            return _IN_FIELD
        if state == _ESCAPED_CHAR:
            if c == "\n" or c == "\r":
                self._add(c)
                return _AFTER_ESCAPED_CRNL
            if c is None:
                c = "\n"
            self._add(c)
            return _IN_FIELD
        if state == _AFTER_ESCAPED_CRNL:
            if c is None:
                return _AFTER_ESCAPED_CRNL
            state = _IN_FIELD
        if state == _IN_FIELD:
            if c is None or c == "\n" or c == "\r":
                self._save_field()
                return _START_RECORD if c is None else _EAT_CRNL
            if c == d.escapechar:
                return _ESCAPED_CHAR
            if c == d.delimiter:
                self._save_field()
                return _START_FIELD
            self._add(c)
            return _IN_FIELD
        if state == _IN_QUOTED_FIELD:
            if c is None:
                return _IN_QUOTED_FIELD
            if c == d.escapechar:
                return _ESCAPE_IN_QUOTED_FIELD
            if c == d.quotechar and d.quoting != QUOTE_NONE:
                return _QUOTE_IN_QUOTED_FIELD if d.doublequote else _IN_FIELD
            self._add(c)
            return _IN_QUOTED_FIELD
        if state == _ESCAPE_IN_QUOTED_FIELD:
            if c is None:
                c = "\n"
            self._add(c)
            return _IN_QUOTED_FIELD
        if state == _QUOTE_IN_QUOTED_FIELD:
            if d.quoting != QUOTE_NONE and c == d.quotechar:
                self._add(c)
                return _IN_QUOTED_FIELD
            if c == d.delimiter:
                self._save_field()
                return _START_FIELD
            if c is None or c == "\n" or c == "\r":
                self._save_field()
                return _START_RECORD if c is None else _EAT_CRNL
            if not d.strict:
                self._add(c)
                return _IN_FIELD
            raise Error("'%c' expected after '%c'" % (d.delimiter, d.quotechar))
        # _EAT_CRNL
        if c == "\n" or c == "\r":
            return _EAT_CRNL
        if c is None:
            return _START_RECORD
        raise Error("new-line character seen in unquoted field - "
                    "do you need to open the file in universal-newline mode?")


_reader.__name__ = _reader.__qualname__ = "reader"
_reader.__module__ = "_csv"


def reader(csvfile, dialect="excel", **fmtparams):
    """Return a reader that yields each row of `csvfile` (any iterable of lines) as a list."""
    return _reader(csvfile, dialect, fmtparams)


# ----- writing ----------------------------------------------------------------------------

class _writer:
    def __init__(self, fileobj, dialect, params):
        try:
            self._write = fileobj.write
        except AttributeError:
            raise TypeError('argument 1 must have a "write" method') from None
        self.dialect = _Dialect(dialect, **params)
        d = self.dialect
        # Characters that end a field or a record; unquoted, they must be escaped.
        self._breaking = d.delimiter + "\r\n" + d.lineterminator
        # What makes QUOTE_MINIMAL quote a field, and what may need escaping in any field.
        doubled = d.quotechar if d.quotechar and d.doublequote else ""
        self._quote_for = _any_of(self._breaking + doubled)
        self._special = _any_of(self._breaking + (d.quotechar or "") + (d.escapechar or ""))

    def __repr__(self):
        return "<_csv.writer object at 0x%x>" % id(self)

    def _escape(self, field, quoted):
        """The field with its quote characters doubled (inside quotes) and the characters that
        need it escaped."""
        d = self.dialect
        out = []
        for c in field:
            if c == d.quotechar and d.doublequote and quoted:
                out.append(c)
            elif c == d.quotechar or c == d.escapechar or (not quoted and c in self._breaking):
                if d.escapechar is None:
                    raise Error("need to escape, but no escapechar set")
                out.append(d.escapechar)
            out.append(c)
        return "".join(out)

    def _field(self, value, only_field):
        d = self.dialect
        if type(value) is str and d.quoting == QUOTE_MINIMAL and value and self._special(value) is None:
            return value
        if value is None:
            text = ""
        elif type(value) is float:
            text = repr(value)
        else:
            text = str(value)
        if d.quoting == QUOTE_ALL:
            quoted = True
        elif d.quoting == QUOTE_NONNUMERIC:
            quoted = value is None or not isinstance(value, (int, float))
        elif d.quoting == QUOTE_NONE:
            quoted = False
        else:
            quoted = (only_field and text == "") or self._quote_for(text) is not None
        if quoted:
            return d.quotechar + self._escape(text, True) + d.quotechar
        if self._special(text) is None:
            return text
        return self._escape(text, False)

    def writerow(self, row):
        try:
            values = list(row)
        except TypeError:
            raise Error("iterable expected, not %s" % type(row).__name__) from None
        d = self.dialect
        fields = [self._field(v, len(values) == 1) for v in values]
        if fields == [""]:
            raise Error("single empty field record must be quoted")
        return self._write(d.delimiter.join(fields) + d.lineterminator)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


_writer.__name__ = _writer.__qualname__ = "writer"
_writer.__module__ = "_csv"


def writer(csvfile, dialect="excel", **fmtparams):
    """Return a writer whose writerow() writes delimited lines to `csvfile`."""
    return _writer(csvfile, dialect, fmtparams)


# ----- dictionaries -----------------------------------------------------------------------

class DictReader:
    def __init__(self, f, fieldnames=None, restkey=None, restval=None, dialect="excel", *args, **kwds):
        self._fieldnames = fieldnames
        self.restkey = restkey
        self.restval = restval
        self.reader = reader(f, dialect, *args, **kwds)
        self.dialect = dialect
        self.line_num = 0

    def __iter__(self):
        return self

    @property
    def fieldnames(self):
        if self._fieldnames is None:
            try:
                self._fieldnames = next(self.reader)
            except StopIteration:
                pass
        self.line_num = self.reader.line_num
        return self._fieldnames

    @fieldnames.setter
    def fieldnames(self, value):
        self._fieldnames = value

    def __next__(self):
        if self.line_num == 0:
            self.fieldnames
        row = next(self.reader)
        self.line_num = self.reader.line_num
        while row == []:
            row = next(self.reader)
        names = self.fieldnames
        d = dict(zip(names, row))
        if len(names) < len(row):
            d[self.restkey] = row[len(names):]
        elif len(names) > len(row):
            for key in names[len(row):]:
                d[key] = self.restval
        return d


class DictWriter:
    def __init__(self, f, fieldnames, restval="", extrasaction="raise", dialect="excel", *args, **kwds):
        self.fieldnames = fieldnames
        self.restval = restval
        if extrasaction.lower() not in ("raise", "ignore"):
            raise ValueError("extrasaction (%s) must be 'raise' or 'ignore'" % extrasaction)
        self.extrasaction = extrasaction
        self.writer = writer(f, dialect, *args, **kwds)

    def writeheader(self):
        header = dict(zip(self.fieldnames, self.fieldnames))
        return self.writerow(header)

    def _dict_to_list(self, rowdict):
        if self.extrasaction == "raise":
            wrong = rowdict.keys() - self.fieldnames
            if wrong:
                raise ValueError("dict contains fields not in fieldnames: "
                                 + ", ".join([repr(x) for x in wrong]))
        return (rowdict.get(key, self.restval) for key in self.fieldnames)

    def writerow(self, rowdict):
        return self.writer.writerow(self._dict_to_list(rowdict))

    def writerows(self, rowdicts):
        return self.writer.writerows(map(self._dict_to_list, rowdicts))


# ----- guessing a dialect -----------------------------------------------------------------

def _is_number(text):
    try:
        complex(text)
    except ValueError:
        return False
    return True


class Sniffer:
    """Guess the dialect of a CSV sample. A basic guesser: a quoted field gives the quote
    character and the delimiter in front of it; otherwise the delimiter is a character that
    occurs equally often on every line, the usual ones preferred."""

    def __init__(self):
        self.preferred = [",", "\t", ";", " ", ":"]

    def sniff(self, sample, delimiters=None):
        quotechar, delimiter, skipinitialspace = self._from_quotes(sample, delimiters)
        if not delimiter:
            delimiter, skipinitialspace = self._from_counts(sample, delimiters)
        if not delimiter:
            raise Error("Could not determine delimiter")
        doubled = quotechar * 2
        doublequote = bool(quotechar) and any(
            doubled in field for field in sample.split(delimiter))

        class dialect(Dialect):
            _name = "sniffed"
            lineterminator = "\r\n"
            quoting = QUOTE_MINIMAL

        dialect.doublequote = doublequote
        dialect.delimiter = delimiter
        dialect.quotechar = quotechar or '"'
        dialect.skipinitialspace = skipinitialspace
        return dialect

    def _from_quotes(self, data, delimiters):
        """Count the quote characters that open a field (at a line start, or after a
        delimiter and maybe one space); the delimiter is the character most often before one."""
        quotes = {}
        before = {}
        spaced = 0
        for line in data.split("\n"):
            for i, c in enumerate(line):
                if c not in "\"'":
                    continue
                j = i - 1
                space = j >= 0 and line[j] == " "
                if space:
                    j -= 1
                if j < 0:
                    if not space:
                        quotes[c] = quotes.get(c, 0) + 1
                    continue
                d = line[j]
                if d.isalnum() or d == "_" or d in "\"'":
                    continue
                if delimiters is not None and d not in delimiters:
                    continue
                quotes[c] = quotes.get(c, 0) + 1
                before[d] = before.get(d, 0) + 1
                if space:
                    spaced += 1
        if not quotes:
            return ("", "", False)
        quotechar = max(quotes, key=quotes.get)
        if not before:
            return (quotechar, "", False)
        delim = max(before, key=before.get)
        return (quotechar, delim, before[delim] == spaced)

    def _from_counts(self, data, delimiters):
        lines = [line for line in data.split("\n") if line]
        if not lines:
            return ("", False)
        consistent = []
        for c in set(lines[0]):
            if c.isalnum() or c in "\"'" or (delimiters is not None and c not in delimiters):
                continue
            if len({line.count(c) for line in lines}) == 1:
                consistent.append(c)
        if not consistent:
            return ("", False)
        ranked = [c for c in self.preferred if c in consistent] or sorted(consistent)
        delim = ranked[0]
        return (delim, data.count(delim) == data.count(delim + " "))

    def has_header(self, sample):
        """Whether the first row looks like column titles. Each column whose later values
        (up to 20 rows) are all numbers, or all of one length, votes: for a header when the
        first row's value is not a number (or not of that length), against otherwise."""
        rows = reader(StringIO(sample), self.sniff(sample))
        header = next(rows)
        later = []
        for row in rows:
            if len(later) == 20:
                break
            if len(row) == len(header):
                later.append(row)
        votes = 0
        for col, title in enumerate(header):
            values = [row[col] for row in later]
            if not values:
                continue
            if all(_is_number(v) for v in values):
                votes += -1 if _is_number(title) else 1
            elif len({len(v) for v in values}) == 1:
                votes += -1 if len(title) == len(values[0]) else 1
        return votes > 0
