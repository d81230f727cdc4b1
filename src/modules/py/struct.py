"""toy's struct: the native `_struct` functions, and `Struct`, a format parsed once (the
native side keeps parsed formats in a per-thread cache, so its methods cost one lookup)."""

from _struct import _clearcache, calcsize, error, iter_unpack, pack, pack_into, unpack, unpack_from

__all__ = [
    "calcsize",
    "pack",
    "pack_into",
    "unpack",
    "unpack_from",
    "iter_unpack",
    "Struct",
    "error",
]


class Struct:
    """A compiled format: `Struct("<hI").pack(1, 2)`."""

    def __init__(self, format):
        if isinstance(format, bytes):
            format = format.decode("latin-1")
        elif not isinstance(format, str):
            raise TypeError(f"Struct() argument 1 must be a str or bytes object, not {type(format).__name__}")
        self.size = calcsize(format)
        self.format = format

    def pack(self, *values):
        return pack(self.format, *values)

    def pack_into(self, buffer, offset, *values):
        return pack_into(self.format, buffer, offset, *values)

    def unpack(self, buffer):
        return unpack(self.format, buffer)

    def unpack_from(self, buffer, offset=0):
        return unpack_from(self.format, buffer, offset)

    def iter_unpack(self, buffer):
        return iter_unpack(self.format, buffer)


Struct.__module__ = "_struct"
