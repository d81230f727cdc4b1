"""toy's string module: the character-class constants, capwords(), and Template
(`$name` substitution). Formatter is not provided yet."""

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
