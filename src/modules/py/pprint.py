"""Pretty-printing of Python data structures.

pprint() and pformat() lay out dicts, lists, tuples, sets, long strings and a few
collections types over several lines when their repr does not fit the width, as CPython's
module does; PrettyPrinter holds the settings; saferepr(), isreadable() and isrecursive()
look at an object's repr without laying it out.
"""

import builtins as _builtins
import sys as _sys

__all__ = ["pprint", "pformat", "isreadable", "isrecursive", "saferepr",
           "PrettyPrinter", "pp"]


def pprint(object, stream=None, indent=1, width=80, depth=None, *,
           compact=False, sort_dicts=True, underscore_numbers=False):
    """Pretty-print `object` to `stream` (sys.stdout by default), with a line break."""
    printer = PrettyPrinter(
        stream=stream, indent=indent, width=width, depth=depth,
        compact=compact, sort_dicts=sort_dicts,
        underscore_numbers=underscore_numbers)
    printer.pprint(object)


def pformat(object, indent=1, width=80, depth=None, *,
            compact=False, sort_dicts=True, underscore_numbers=False):
    """The pretty-printed text of `object`."""
    return PrettyPrinter(indent=indent, width=width, depth=depth,
                         compact=compact, sort_dicts=sort_dicts,
                         underscore_numbers=underscore_numbers).pformat(object)


def pp(object, *args, sort_dicts=False, **kwargs):
    """pprint() keeping dicts in their insertion order."""
    pprint(object, *args, sort_dicts=sort_dicts, **kwargs)


def saferepr(object):
    """A repr of `object` that survives recursive data structures."""
    return PrettyPrinter()._safe_repr(object, {}, None, 0)[0]


def isreadable(object):
    """Whether eval() could rebuild `object` from its repr."""
    return PrettyPrinter()._safe_repr(object, {}, None, 0)[1]


def isrecursive(object):
    """Whether `object` contains itself."""
    return PrettyPrinter()._safe_repr(object, {}, None, 0)[2]


class _TextCollector:
    # The stream pformat() lays out into.
    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def getvalue(self):
        return ''.join(self.parts)


class _SortKey:
    # Orders values that may not be comparable with each other: by value where they are, by
    # type name and identity where they are not.
    __slots__ = ['value']

    def __init__(self, value):
        self.value = value

    def __lt__(self, other):
        try:
            return self.value < other.value
        except TypeError:
            return ((str(type(self.value)), id(self.value)) <
                    (str(type(other.value)), id(other.value)))


def _item_key(item):
    return (_SortKey(item[0]), _SortKey(item[1]))


def _repr_inherited(cls, base):
    # Whether `cls` is `base` or a subclass that keeps its __repr__.
    if not issubclass(cls, base):
        return False
    for klass in cls.__mro__:
        if klass is base:
            return True
        if '__repr__' in vars(klass):
            return False
    return False


def _recursion(object):
    return "<Recursion on %s with id=%s>" % (type(object).__name__, id(object))


class PrettyPrinter:
    def __init__(self, indent=1, width=80, depth=None, stream=None, *,
                 compact=False, sort_dicts=True, underscore_numbers=False):
        """indent: spaces added per nesting level; width: the line width aimed at;
        depth: how many levels are shown before `...`; stream: where pprint() writes;
        compact: fill lines with as many sequence items as fit; sort_dicts: sort dicts by
        key; underscore_numbers: group the digits of ints with underscores."""
        indent = int(indent)
        width = int(width)
        if indent < 0:
            raise ValueError('indent must be >= 0')
        if depth is not None and depth <= 0:
            raise ValueError('depth must be > 0')
        if not width:
            raise ValueError('width must be != 0')
        self._depth = depth
        self._indent_per_level = indent
        self._width = width
        self._stream = stream if stream is not None else _sys.stdout
        self._compact = bool(compact)
        self._sort_dicts = sort_dicts
        self._underscore_numbers = underscore_numbers

    def pprint(self, object):
        if self._stream is not None:
            self._format(object, self._stream, 0, 0, {}, 0)
            self._stream.write("\n")

    def pformat(self, object):
        out = _TextCollector()
        self._format(object, out, 0, 0, {}, 0)
        return out.getvalue()

    def isrecursive(self, object):
        return self.format(object, {}, 0, 0)[2]

    def isreadable(self, object):
        s, readable, recursive = self.format(object, {}, 0, 0)
        return readable and not recursive

    def format(self, object, context, maxlevels, level):
        """(repr, readable, recursive) of `object`; `context` holds the ids of the
        containers being formatted. Subclasses may override it."""
        return self._safe_repr(object, context, maxlevels, level)

    # Laying out: `indent` is the column the object starts at, `allowance` the room to keep
    # free after it on its last line (for the closing brackets and commas that follow).

    def _format(self, object, stream, indent, allowance, context, level):
        key = id(object)
        if key in context:
            stream.write(_recursion(object))
            self._recursive = True
            self._readable = False
            return
        rep = self._repr(object, context, level)
        if len(rep) > self._width - indent - allowance:
            layout = self._layout_for(type(object))
            if layout is not None:
                context[key] = 1
                layout(self, object, stream, indent, allowance, context, level + 1)
                del context[key]
                return
        stream.write(rep)

    def _layout_for(self, cls):
        for base, layout in _LAYOUTS:
            if _repr_inherited(cls, base):
                return layout
        return None

    def _pprint_dict(self, object, stream, indent, allowance, context, level):
        stream.write('{')
        if self._indent_per_level > 1:
            stream.write((self._indent_per_level - 1) * ' ')
        if len(object):
            items = object.items()
            if self._sort_dicts:
                items = sorted(items, key=_item_key)
            self._format_dict_items(list(items), stream, indent, allowance + 1,
                                    context, level)
        stream.write('}')

    def _pprint_ordered_dict(self, object, stream, indent, allowance, context, level):
        if not len(object):
            stream.write(repr(object))
            return
        name = object.__class__.__name__
        stream.write(name + '(')
        self._format(list(object.items()), stream, indent + len(name) + 1,
                     allowance + 1, context, level)
        stream.write(')')

    def _pprint_default_dict(self, object, stream, indent, allowance, context, level):
        if not len(object):
            stream.write(repr(object))
            return
        factory = self._repr(object.default_factory, context, level)
        name = object.__class__.__name__
        indent += len(name) + 1
        stream.write('%s(%s,\n%s' % (name, factory, ' ' * indent))
        self._pprint_dict(object, stream, indent, allowance + 1, context, level)
        stream.write(')')

    def _pprint_counter(self, object, stream, indent, allowance, context, level):
        if not len(object):
            stream.write(repr(object))
            return
        name = object.__class__.__name__
        stream.write(name + '({')
        if self._indent_per_level > 1:
            stream.write((self._indent_per_level - 1) * ' ')
        self._format_dict_items(object.most_common(), stream, indent + len(name) + 1,
                                allowance + 2, context, level)
        stream.write('})')

    def _pprint_list(self, object, stream, indent, allowance, context, level):
        stream.write('[')
        self._format_items(object, stream, indent, allowance + 1, context, level)
        stream.write(']')

    def _pprint_tuple(self, object, stream, indent, allowance, context, level):
        stream.write('(')
        closing = ',)' if len(object) == 1 else ')'
        self._format_items(object, stream, indent, allowance + len(closing),
                           context, level)
        stream.write(closing)

    def _pprint_set(self, object, stream, indent, allowance, context, level):
        if not len(object):
            stream.write(repr(object))
            return
        cls = object.__class__
        if cls is set:
            stream.write('{')
            closing = '}'
        else:
            stream.write(cls.__name__ + '({')
            closing = '})'
            indent += len(cls.__name__) + 1
        items = sorted(object, key=_SortKey)
        self._format_items(items, stream, indent, allowance + len(closing),
                           context, level)
        stream.write(closing)

    def _pprint_deque(self, object, stream, indent, allowance, context, level):
        if not len(object):
            stream.write(repr(object))
            return
        name = object.__class__.__name__
        stream.write(name + '([')
        indent += len(name) + 1
        if object.maxlen is None:
            self._format_items(object, stream, indent, allowance + 2, context, level)
            stream.write('])')
        else:
            self._format_items(object, stream, indent, 2, context, level)
            maxlen = self._repr(object.maxlen, context, level)
            stream.write('],\n%smaxlen=%s)' % (' ' * indent, maxlen))

    def _pprint_str(self, object, stream, indent, allowance, context, level):
        if not len(object):
            stream.write(repr(object))
            return
        # A string at the top level is wrapped in parentheses: one column more each side.
        if level == 1:
            indent += 1
            allowance += 1
        chunks = _string_chunks(object, self._width - indent, allowance)
        if len(chunks) == 1:
            stream.write(repr(object))
            return
        if level == 1:
            stream.write('(')
        stream.write(('\n' + ' ' * indent).join(chunks))
        if level == 1:
            stream.write(')')

    def _format_dict_items(self, items, stream, indent, allowance, context, level):
        indent += self._indent_per_level
        separator = ',\n' + ' ' * indent
        last_index = len(items) - 1
        for i, (key, value) in enumerate(items):
            last = i == last_index
            key_repr = self._repr(key, context, level)
            stream.write(key_repr)
            stream.write(': ')
            self._format(value, stream, indent + len(key_repr) + 2,
                         allowance if last else 1, context, level)
            if not last:
                stream.write(separator)

    def _format_items(self, items, stream, indent, allowance, context, level):
        indent += self._indent_per_level
        if self._indent_per_level > 1:
            stream.write((self._indent_per_level - 1) * ' ')
        newline = ',\n' + ' ' * indent
        items = list(items)
        # Room left on the current line (compact mode) and on a fresh one.
        room = full = self._width - indent + 1
        separator = ''
        for i, item in enumerate(items):
            last = i == len(items) - 1
            if last:
                full -= allowance
                room -= allowance
            if self._compact:
                rep = self._repr(item, context, level)
                needed = len(rep) + 2
                if room < needed:
                    room = full
                    if separator:
                        separator = newline
                if room >= needed:
                    room -= needed
                    stream.write(separator)
                    separator = ', '
                    stream.write(rep)
                    continue
            stream.write(separator)
            separator = newline
            self._format(item, stream, indent, allowance if last else 1,
                         context, level)

    def _repr(self, object, context, level):
        rep, readable, recursive = self.format(object, context.copy(),
                                               self._depth, level)
        if not readable:
            self._readable = False
        if recursive:
            self._recursive = True
        return rep

    def _safe_repr(self, object, context, maxlevels, level):
        cls = type(object)
        if cls in _SCALARS:
            return repr(object), True, False
        if _repr_inherited(cls, int):
            if self._underscore_numbers:
                return f"{object:_d}", True, False
            return repr(object), True, False
        if _repr_inherited(cls, dict):
            if not object:
                return "{}", True, False
            items = object.items()
            if self._sort_dicts:
                items = sorted(items, key=_item_key)
            return self._safe_join(object, "{%s}", list(items), context, maxlevels, level)
        if _repr_inherited(cls, list):
            if not object:
                return "[]", True, False
            return self._safe_join(object, "[%s]", object, context, maxlevels, level)
        if _repr_inherited(cls, tuple):
            if not object:
                return "()", True, False
            pattern = "(%s,)" if len(object) == 1 else "(%s)"
            return self._safe_join(object, pattern, object, context, maxlevels, level)
        rep = repr(object)
        return rep, bool(rep and not rep.startswith('<')), False

    def _safe_join(self, object, pattern, items, context, maxlevels, level):
        # The repr of a dict (`items` its pairs), list or tuple, each item's through format().
        key = id(object)
        if maxlevels and level >= maxlevels:
            return pattern % "...", False, key in context
        if key in context:
            return _recursion(object), False, True
        context[key] = 1
        readable = True
        recursive = False
        parts = []
        level += 1
        is_dict = isinstance(object, dict)
        for item in items:
            if is_dict:
                krepr, kreadable, krecur = self.format(item[0], context, maxlevels, level)
                vrepr, vreadable, vrecur = self.format(item[1], context, maxlevels, level)
                parts.append("%s: %s" % (krepr, vrepr))
                readable = readable and kreadable and vreadable
                recursive = recursive or krecur or vrecur
            else:
                irepr, ireadable, irecur = self.format(item, context, maxlevels, level)
                parts.append(irepr)
                readable = readable and ireadable
                recursive = recursive or irecur
        del context[key]
        return pattern % ", ".join(parts), readable, recursive


def _string_chunks(text, width, allowance):
    # The reprs a long string is cut into: one per line of it, and lines too long for
    # `width` cut after runs of whitespace; the last chunk keeps `allowance` free.
    import re
    chunks = []
    lines = text.splitlines(True)
    for i, line in enumerate(lines):
        last_line = i == len(lines) - 1
        limit = width - allowance if last_line else width
        rep = repr(line)
        if len(rep) <= limit:
            chunks.append(rep)
            continue
        words = re.findall(r'\S*\s*', line)[:-1]
        current = ''
        for j, word in enumerate(words):
            candidate = current + word
            word_limit = width - allowance if (last_line and j == len(words) - 1) else width
            if len(repr(candidate)) > word_limit:
                if current:
                    chunks.append(repr(current))
                current = word
            else:
                current = candidate
        if current:
            chunks.append(repr(current))
    return chunks


_SCALARS = {str, bytes, float, complex, bool, type(None)}
if hasattr(_builtins, 'bytearray'):
    _SCALARS.add(_builtins.bytearray)


def _collection_layouts():
    # Layouts of the collections module's types, where this toy has them.
    layouts = []
    try:
        import collections
    except ImportError:
        return layouts
    for name, layout in (("OrderedDict", PrettyPrinter._pprint_ordered_dict),
                         ("defaultdict", PrettyPrinter._pprint_default_dict),
                         ("Counter", PrettyPrinter._pprint_counter),
                         ("deque", PrettyPrinter._pprint_deque)):
        cls = getattr(collections, name, None)
        if isinstance(cls, type):
            layouts.append((cls, layout))
    return layouts


# Which layout a type gets when its repr is too long: the first whose type it is, or derives
# from without its own __repr__ (subclasses come before their bases).
_LAYOUTS = _collection_layouts() + [
    (dict, PrettyPrinter._pprint_dict),
    (list, PrettyPrinter._pprint_list),
    (tuple, PrettyPrinter._pprint_tuple),
    (set, PrettyPrinter._pprint_set),
    (frozenset, PrettyPrinter._pprint_set),
    (str, PrettyPrinter._pprint_str),
]
