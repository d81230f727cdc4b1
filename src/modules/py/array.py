"""Typed arrays of numbers or characters, as CPython's array module: the array class with
typecodes b B u h H i I l L q Q f d, its methods, slicing, operators, comparisons, repr and
pickling.

toy's array is written in Python for now: its items live in a list, checked and converted
to the C type's range when they come in, and packed with struct only for tobytes/tofile.
Each change is one list operation, so it is atomic with or without the GIL. What it cannot
do: export a buffer, so memoryview(arr) raises TypeError (bytes(arr) works, through
__bytes__), and buffer_info() reports an id, not a memory address.
"""

import struct as _struct

__all__ = ["ArrayType", "array", "typecodes"]

typecodes = "bBuhHiIlLqQfd"

# Per integer typecode: (size, smallest, largest, error below, error above); CPython's
# messages differ by the C conversion each typecode goes through.
_LONG_RANGE = "Python int too large to convert to C long"
_INT_CODES = {
    "b": (1, -2**7, 2**7 - 1, "signed char is less than minimum", "signed char is greater than maximum"),
    "B": (1, 0, 2**8 - 1, "unsigned byte integer is less than minimum",
          "unsigned byte integer is greater than maximum"),
    "h": (2, -2**15, 2**15 - 1, "signed short integer is less than minimum",
          "signed short integer is greater than maximum"),
    "H": (2, 0, 2**16 - 1, "unsigned short is less than minimum", "unsigned short is greater than maximum"),
    "i": (4, -2**31, 2**31 - 1, "signed integer is less than minimum", "signed integer is greater than maximum"),
    "I": (4, 0, 2**32 - 1, "can't convert negative value to unsigned int", "unsigned int is greater than maximum"),
    "l": (8, -2**63, 2**63 - 1, _LONG_RANGE, _LONG_RANGE),
    "L": (8, 0, 2**64 - 1, "can't convert negative value to unsigned int",
          "Python int too large to convert to C unsigned long"),
    "q": (8, -2**63, 2**63 - 1, "int too big to convert", "int too big to convert"),
    "Q": (8, 0, 2**64 - 1, "can't convert negative int to unsigned", "int too big to convert"),
}
_ITEMSIZE = {"u": 4, "f": 4, "d": 8}
_ITEMSIZE.update({code: spec[0] for code, spec in _INT_CODES.items()})
# What struct packs each typecode as (a 'u' item is a 4-byte wchar_t: its code point).
_STRUCT_CODE = {"u": "I"}


def _index(value):
    if isinstance(value, int):
        return int(value)
    if hasattr(type(value), "__index__"):
        return type(value).__index__(value)
    raise TypeError("'%s' object cannot be interpreted as an integer" % type(value).__name__)


def _convert(typecode, value):
    """An item of the typecode's C type, or CPython's error for the value."""
    spec = _INT_CODES.get(typecode)
    if spec is not None:
        n = _index(value)
        _, low, high, below, above = spec
        if typecode in "bBhHi" and not -2**63 <= n < 2**63:
            raise OverflowError(_LONG_RANGE)
        if n < low:
            raise OverflowError(below)
        if n > high:
            raise OverflowError(above)
        return n
    if typecode == "u":
        if not isinstance(value, str) or len(value) != 1:
            raise TypeError("array item must be unicode character")
        return value
    if not isinstance(value, (int, float)) and not hasattr(type(value), "__float__"):
        raise TypeError("must be real number, not %s" % type(value).__name__)
    x = float(value)
    if typecode == "f":
        try:
            x = _struct.unpack("f", _struct.pack("f", x))[0]
        except OverflowError:
            x = float("inf") if x > 0 else float("-inf")
    return x


def _clamp(position, length):
    """A start or stop index as slicing takes it: negative counts from the end."""
    if position < 0:
        position += length
    return min(max(position, 0), length)


def _array_args(args, kwargs):
    if kwargs:
        raise TypeError("array.array() takes no keyword arguments")
    if not 1 <= len(args) <= 2:
        raise TypeError("array() takes at most 2 arguments (%d given)" % len(args)
                        if args else "array() takes at least 1 argument (0 given)")
    typecode = args[0]
    if not isinstance(typecode, str) or len(typecode) != 1:
        raise TypeError("array() argument 1 must be a unicode character, not %s" % type(typecode).__name__)
    if typecode not in typecodes:
        raise ValueError("bad typecode (must be b, B, u, h, H, i, I, l, L, q, Q, f or d)")
    return typecode, (args[1] if len(args) == 2 else None)


class array:
    """array(typecode [, initializer]) -> array"""

    __slots__ = ("_typecode", "_items", "__weakref__")

    def __new__(cls, *args, **kwargs):
        typecode, initializer = _array_args(args, kwargs)
        self = object.__new__(cls)
        self._typecode = typecode
        self._items = []
        if initializer is None:
            return self
        if isinstance(initializer, str):
            if typecode != "u":
                raise TypeError("cannot use a str to initialize an array with typecode '%s'" % typecode)
            self._items = list(initializer)
        elif isinstance(initializer, array):
            if initializer._typecode == "u" and typecode != "u":
                raise TypeError("cannot use a unicode array to initialize an array with typecode '%s'"
                                % typecode)
            self._items = [_convert(typecode, x) for x in initializer._items]
        elif isinstance(initializer, (bytes, bytearray)):
            self.frombytes(initializer)
        else:
            self._items = [_convert(typecode, x) for x in initializer]
        return self

    # ----- attributes ---------------------------------------------------------------------

    @property
    def typecode(self):
        return self._typecode

    @property
    def itemsize(self):
        return _ITEMSIZE[self._typecode]

    def buffer_info(self):
        return (id(self), len(self._items))

    # ----- the sequence -------------------------------------------------------------------

    def __len__(self):
        return len(self._items)

    def __iter__(self):
        return iter(list(self._items))

    def __contains__(self, value):
        return any(x == value for x in list(self._items))

    def _same(self, items):
        new = object.__new__(type(self))
        new._typecode = self._typecode
        new._items = items
        return new

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._same(self._items[index])
        try:
            return self._items[_index(index)]
        except IndexError:
            raise IndexError("array index out of range") from None
        except TypeError:
            raise TypeError("array indices must be integers") from None

    def __setitem__(self, index, value):
        if isinstance(index, slice):
            if not isinstance(value, array):
                raise TypeError("can only assign array (not \"%s\") to array slice" % type(value).__name__)
            if value._typecode != self._typecode:
                raise TypeError("bad argument type for built-in operation")
            try:
                self._items[index] = list(value._items)
            except ValueError:
                count = len(self._items[index])
                raise ValueError("attempt to assign array of size %d to extended slice of size %d"
                                 % (len(value._items), count)) from None
            return
        item = _convert(self._typecode, value)
        try:
            self._items[_index(index)] = item
        except IndexError:
            raise IndexError("array assignment index out of range") from None

    def __delitem__(self, index):
        try:
            del self._items[index if isinstance(index, slice) else _index(index)]
        except IndexError:
            raise IndexError("array assignment index out of range") from None

    # ----- changing it --------------------------------------------------------------------

    def append(self, value):
        self._items.append(_convert(self._typecode, value))

    def extend(self, iterable):
        if isinstance(iterable, array):
            if iterable._typecode != self._typecode:
                raise TypeError("can only extend with array of same kind")
            self._items.extend(list(iterable._items))
            return
        self._items.extend([_convert(self._typecode, x) for x in iterable])

    def insert(self, index, value):
        self._items.insert(_index(index), _convert(self._typecode, value))

    def pop(self, index=-1):
        try:
            return self._items.pop(_index(index))
        except IndexError:
            if not self._items:
                raise IndexError("pop from empty array") from None
            raise IndexError("pop index out of range") from None

    def remove(self, value):
        try:
            self._items.remove(value)
        except ValueError:
            raise ValueError("array.remove(x): x not in array") from None

    def index(self, value, start=0, stop=None):
        items = list(self._items)
        start, stop = _clamp(_index(start), len(items)), _clamp(len(items) if stop is None else _index(stop), len(items))
        for i in range(start, stop):
            if items[i] == value:
                return i
        raise ValueError("array.index(x): x not in array")

    def count(self, value):
        return sum(1 for x in list(self._items) if x == value)

    def reverse(self):
        self._items.reverse()

    def byteswap(self):
        if self.itemsize == 1:
            return
        data = self.tobytes()
        size = self.itemsize
        swapped = b"".join(data[i:i + size][::-1] for i in range(0, len(data), size))
        self._items[:] = self._decode(swapped)

    # ----- conversions --------------------------------------------------------------------

    def _format(self, count):
        return "=%d%s" % (count, _STRUCT_CODE.get(self._typecode, self._typecode))

    def tobytes(self):
        items = list(self._items)
        if self._typecode == "u":
            items = [ord(c) for c in items]
        return _struct.pack(self._format(len(items)), *items)

    def _decode(self, data):
        size = self.itemsize
        if len(data) % size:
            raise ValueError("bytes length not a multiple of item size")
        items = list(_struct.unpack(self._format(len(data) // size), data))
        if self._typecode == "u":
            items = [chr(c) for c in items]
        return items

    def frombytes(self, data):
        self._items.extend(self._decode(bytes(memoryview(data))))

    def tolist(self):
        return list(self._items)

    def fromlist(self, items):
        if not isinstance(items, list):
            raise TypeError("arg must be list")
        self._items.extend([_convert(self._typecode, x) for x in items])

    def tounicode(self):
        if self._typecode != "u":
            raise ValueError("tounicode() may only be called on unicode type arrays")
        return "".join(self._items)

    def fromunicode(self, text):
        if self._typecode != "u":
            raise ValueError("fromunicode() may only be called on unicode type arrays")
        if not isinstance(text, str):
            raise TypeError("fromunicode() argument must be str, not %s" % type(text).__name__)
        self._items.extend(text)

    def tofile(self, f):
        f.write(self.tobytes())

    def fromfile(self, f, n):
        n = _index(n)
        if n < 0:
            raise ValueError("negative count")
        wanted = n * self.itemsize
        data = f.read(wanted)
        if not isinstance(data, bytes):
            raise TypeError("read() didn't return bytes")
        whole = len(data) - len(data) % self.itemsize
        self.frombytes(data[:whole])
        if len(data) != wanted:
            raise EOFError("read() didn't return enough bytes")

    def __bytes__(self):
        return self.tobytes()

    # ----- operators ----------------------------------------------------------------------

    def __add__(self, other):
        if not isinstance(other, array):
            raise TypeError("can only append array (not \"%s\") to array" % type(other).__name__)
        if other._typecode != self._typecode:
            raise TypeError("bad argument type for built-in operation")
        return self._same(self._items + other._items)

    def __iadd__(self, other):
        if not isinstance(other, array):
            raise TypeError("can only extend array with array (not \"%s\")" % type(other).__name__)
        self.extend(other)
        return self

    def __mul__(self, count):
        return self._same(self._items * _index(count))

    __rmul__ = __mul__

    def __imul__(self, count):
        self._items *= _index(count)
        return self

    def _compare(self, other, test):
        if not isinstance(other, array):
            return NotImplemented
        mine, theirs = list(self._items), list(other._items)
        for x, y in zip(mine, theirs):
            if not x == y:
                return test(x, y)
        return test(len(mine), len(theirs))

    def __eq__(self, other):
        return self._compare(other, lambda a, b: a == b)

    def __ne__(self, other):
        return self._compare(other, lambda a, b: a != b)

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)

    __hash__ = None

    # ----- repr, copies, pickling ---------------------------------------------------------

    def __repr__(self):
        items = list(self._items)
        if not items:
            return "%s('%s')" % (type(self).__name__, self._typecode)
        shown = repr("".join(items)) if self._typecode == "u" else repr(items)
        return "%s('%s', %s)" % (type(self).__name__, self._typecode, shown)

    def __copy__(self):
        return self._same(list(self._items))

    def __deepcopy__(self, memo):
        return self.__copy__()

    def __reduce_ex__(self, protocol):
        items = list(self._items)
        if self._typecode == "u":
            items = "".join(items)
        return (type(self), (self._typecode, items), getattr(self, "__dict__", None))


array.__module__ = "array"
ArrayType = array
