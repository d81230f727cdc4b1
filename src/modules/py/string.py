"""toy's string module: the character-class constants, capwords(), Template (`$name`
substitution) and Formatter (`str.format`'s language, with every step overridable)."""

__all__ = [
    "ascii_letters",
    "ascii_lowercase",
    "ascii_uppercase",
    "capwords",
    "digits",
    "hexdigits",
    "octdigits",
    "printable",
    "punctuation",
    "whitespace",
    "Formatter",
    "Template",
]

whitespace = " \t\n\r\v\f"
ascii_lowercase = "abcdefghijklmnopqrstuvwxyz"
ascii_uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ascii_letters = ascii_lowercase + ascii_uppercase
digits = "0123456789"
hexdigits = digits + "abcdef" + "ABCDEF"
octdigits = "01234567"
punctuation = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
printable = digits + ascii_letters + punctuation + whitespace


def capwords(s, sep=None):
    """Split on `sep`, capitalize each word, join with `sep` (a space by default)."""
    words = [word.capitalize() for word in s.split(sep)]
    return (sep if sep else " ").join(words)


class Template:
    """A string with `$name` / `${name}` placeholders (and `$$` for a dollar sign), filled in
    by `substitute` (every placeholder must be given) or `safe_substitute` (missing ones stay).
    Subclasses may change `delimiter`, `idpattern`, `braceidpattern`, `flags` or the whole
    `pattern`; the pattern is built once per class."""

    delimiter = "$"
    idpattern = r"(?a:[_a-z][_a-z0-9]*)"
    braceidpattern = None
    flags = None  # re.IGNORECASE, set once `re` is imported

    def __init_subclass__(cls):
        super().__init_subclass__()
        cls.pattern = cls._build_pattern()

    @classmethod
    def _build_pattern(cls):
        import re
        if "pattern" in cls.__dict__:
            pattern = cls.pattern
        else:
            delim = re.escape(cls.delimiter)
            named = cls.idpattern
            braced = cls.braceidpattern or cls.idpattern
            pattern = (
                f"{delim}(?:"
                f"(?P<escaped>{delim})|"
                f"(?P<named>{named})|"
                f"{{(?P<braced>{braced})}}|"
                f"(?P<invalid>)"
                ")"
            )
        flags = cls.flags if cls.flags is not None else re.IGNORECASE
        return re.compile(pattern, flags | re.VERBOSE)

    def __init__(self, template):
        self.template = template

    def _placeholder_error(self, match):
        start = match.start()
        before = self.template[:start].splitlines(keepends=True)
        if not before:
            line, column = 1, 1
        else:
            line = len(before)
            column = start - len("".join(before[:-1])) + 1
        raise ValueError(f"Invalid placeholder in string: line {line}, col {column}")

    def substitute(self, mapping=None, /, **kws):
        values = _merge(mapping, kws)

        def fill(match):
            name = match.group("named") or match.group("braced")
            if name is not None:
                return str(values[name])
            if match.group("escaped") is not None:
                return self.delimiter
            if match.group("invalid") is not None:
                self._placeholder_error(match)
            raise ValueError("Unrecognized named group in pattern", self.pattern)

        return self.pattern.sub(fill, self.template)

    def safe_substitute(self, mapping=None, /, **kws):
        values = _merge(mapping, kws)

        def fill(match):
            name = match.group("named") or match.group("braced")
            if name is not None:
                try:
                    return str(values[name])
                except KeyError:
                    return match.group()
            if match.group("escaped") is not None:
                return self.delimiter
            if match.group("invalid") is not None:
                return match.group()
            raise ValueError("Unrecognized named group in pattern", self.pattern)

        return self.pattern.sub(fill, self.template)

    def is_valid(self):
        for match in self.pattern.finditer(self.template):
            if match.group("invalid") is not None:
                return False
            if (match.group("named") is None and match.group("braced") is None
                    and match.group("escaped") is None):
                raise ValueError("Unrecognized named group in pattern", self.pattern)
        return True

    def get_identifiers(self):
        names = []
        for match in self.pattern.finditer(self.template):
            name = match.group("named") or match.group("braced")
            if name is not None and name not in names:
                names.append(name)
            elif (name is None and match.group("invalid") is None
                    and match.group("escaped") is None):
                raise ValueError("Unrecognized named group in pattern", self.pattern)
        return names


def _merge(mapping, kws):
    """The values a substitution reads: keywords over the mapping."""
    if mapping is None:
        return kws
    if not kws:
        return mapping
    return _ChainLookup(kws, mapping)


class _ChainLookup:
    def __init__(self, first, second):
        self.first, self.second = first, second

    def __getitem__(self, key):
        if key in self.first:
            return self.first[key]
        return self.second[key]


Template.pattern = Template._build_pattern()


class Formatter:
    """`str.format` taken apart: `parse` splits a format string, `get_field` / `get_value`
    look a field up, `convert_field` applies `!r`/`!s`/`!a`, `format_field` calls `format()`,
    and `check_unused_args` may object to leftovers. Subclasses override any of them."""

    def format(self, format_string, /, *args, **kwargs):
        return self.vformat(format_string, args, kwargs)

    def vformat(self, format_string, args, kwargs):
        used = set()
        # Two levels: a replacement field may hold another in its spec ("{:{width}}").
        text, _ = self._render(format_string, args, kwargs, used, 2, _AutoNumbering())
        self.check_unused_args(used, args, kwargs)
        return text

    def _render(self, format_string, args, kwargs, used, depth_left, numbering):
        if depth_left < 0:
            raise ValueError("Max string recursion exceeded")
        pieces = []
        for literal, field_name, spec, conversion in self.parse(format_string):
            pieces.append(literal)
            if field_name is None:
                continue
            field_name = numbering.resolve(field_name)
            value, key = self.get_field(field_name, args, kwargs)
            used.add(key)
            value = self.convert_field(value, conversion)
            spec, _ = self._render(spec, args, kwargs, used, depth_left - 1, numbering)
            pieces.append(self.format_field(value, spec))
        return "".join(pieces), numbering

    def parse(self, format_string):
        """Yield `(literal_text, field_name, format_spec, conversion)` tuples; the last three
        are None for text after the last field or before a doubled brace."""
        return _parse_format(format_string)

    def get_field(self, field_name, args, kwargs):
        first, rest = _split_field_name(field_name)
        value = self.get_value(first, args, kwargs)
        for is_attribute, key in rest:
            value = getattr(value, key) if is_attribute else value[key]
        return value, first

    def get_value(self, key, args, kwargs):
        if isinstance(key, int):
            return args[key]
        return kwargs[key]

    def check_unused_args(self, used_args, args, kwargs):
        pass

    def format_field(self, value, format_spec):
        return format(value, format_spec)

    def convert_field(self, value, conversion):
        if conversion is None:
            return value
        if conversion == "s":
            return str(value)
        if conversion == "r":
            return repr(value)
        if conversion == "a":
            return ascii(value)
        raise ValueError(f"Unknown conversion specifier {conversion}")


class _AutoNumbering:
    """Hands out the numbers of `{}` fields, and refuses to mix them with numbered ones."""

    def __init__(self):
        self.next = 0
        self.manual = False

    def resolve(self, field_name):
        if field_name == "":
            if self.manual:
                raise ValueError("cannot switch from manual field specification to "
                                 "automatic field numbering")
            field_name = str(self.next)
            self.next += 1
        elif field_name.isdigit():
            if self.next:
                raise ValueError("cannot switch from manual field specification to "
                                 "automatic field numbering")
            self.manual = True
        return field_name


def _parse_format(text):
    literal = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char not in "{}":
            literal.append(char)
            i += 1
            continue
        doubled = i + 1 < end and text[i + 1] == char
        if doubled:
            # "{{" and "}}" end a literal piece of their own.
            literal.append(char)
            yield "".join(literal), None, None, None
            literal = []
            i += 2
            continue
        if char == "}":
            raise ValueError("Single '}' encountered in format string")
        if i + 1 == end:
            raise ValueError("Single '{' encountered in format string")
        field_name, spec, conversion, i = _parse_field(text, i + 1)
        yield "".join(literal), field_name, spec, conversion
        literal = []
    if literal:
        yield "".join(literal), None, None, None


def _parse_field(text, i):
    """Read a replacement field starting just after its "{": its name (where brackets
    protect ":", "!" and "}"), an optional "!x" conversion and an optional ":spec" whose
    braces nest. Returns the parts and the index after the closing "}"."""
    end = len(text)
    start = i
    while i < end and text[i] not in ":!}":
        if text[i] == "[":
            while i < end and text[i] != "]":
                i += 1
        i += 1
    if i >= end:
        raise ValueError("expected '}' before end of string")
    field_name = text[start:i]
    conversion = None
    if text[i] == "!":
        if i + 1 >= end:
            raise ValueError("end of string while looking for conversion specifier")
        conversion = text[i + 1]
        i += 2
        if i < end and text[i] not in ":}":
            raise ValueError("expected ':' after conversion specifier")
    if i < end and text[i] == "}":
        return field_name, "", conversion, i + 1
    # A spec follows the ":" (or the string ended right after a conversion).
    i += 1
    start, depth = i, 1
    while i < end:
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return field_name, text[start:i], conversion, i + 1
        i += 1
    raise ValueError("unmatched '{' in format spec")


def _split_field_name(field_name):
    """"a.b[0]" -> ("a", [(True, "b"), (False, 0)]); digit strings become ints."""
    i, end = 0, len(field_name)
    while i < end and field_name[i] not in ".[":
        i += 1
    first = field_name[:i]
    rest = []
    while i < end:
        if field_name[i] == ".":
            start = i = i + 1
            while i < end and field_name[i] not in ".[":
                i += 1
            if i == start:
                raise ValueError("Empty attribute in format string")
            rest.append((True, field_name[start:i]))
        elif field_name[i] == "[":
            start = i = i + 1
            while i < end and field_name[i] != "]":
                i += 1
            if i >= end:
                raise ValueError("Missing ']' in format string")
            if i == start:
                raise ValueError("Empty attribute in format string")
            rest.append((False, _index_or_name(field_name[start:i])))
            i += 1
            if i < end and field_name[i] not in ".[":
                raise ValueError("Only '.' or '[' may follow ']' in format field specifier")
        else:
            raise ValueError("Only '.' or '[' may follow ']' in format field specifier")
    return _index_or_name(first), rest


def _index_or_name(text):
    return int(text) if text.isdigit() else text
