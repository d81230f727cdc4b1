"""toy's pickle: Python objects to bytes and back, in CPython's format (protocols 0-5).

The pickler and unpickler are native (_pickle); this module adds the Pickler and Unpickler
classes, which programs subclass to hook in: persistent_id / persistent_load for objects
stored elsewhere, dispatch_table and reducer_override to choose how objects are reduced, and
find_class to restrict what a pickle may load.
"""

import _pickle
from _pickle import PickleError, PicklingError, UnpicklingError

__all__ = [
    "PickleError",
    "PicklingError",
    "UnpicklingError",
    "Pickler",
    "Unpickler",
    "dump",
    "dumps",
    "load",
    "loads",
    "PickleBuffer",
    "HIGHEST_PROTOCOL",
    "DEFAULT_PROTOCOL",
]

HIGHEST_PROTOCOL = 5
DEFAULT_PROTOCOL = 4

format_version = "4.0"
compatible_formats = ["1.0", "1.1", "1.2", "1.3", "2.0", "3.0", "4.0", "5.0"]


class PickleBuffer:
    """Wrapper for potentially out-of-band buffers (protocol 5).

    toy has no memoryview or bytearray: a PickleBuffer wraps bytes, which are read-only."""

    def __init__(self, buffer):
        if not isinstance(buffer, bytes):
            raise TypeError("a bytes-like object is required, not '%s'" % type(buffer).__name__)
        self._obj = buffer

    def raw(self):
        if self._obj is None:
            raise ValueError("operation forbidden on released PickleBuffer object")
        raise NotImplementedError("PickleBuffer.raw() needs memoryview, which toy does not have")

    def release(self):
        self._obj = None


class Pickler:
    """Pickler(file, protocol=None, *, fix_imports=True, buffer_callback=None)

    Writes pickles to file (anything with a write method taking bytes). Subclasses may define
    persistent_id(obj), reducer_override(obj) and dispatch_table. The memo lasts from one
    dump() to the next until clear_memo()."""

    def __init__(self, file, protocol=None, *, fix_imports=True, buffer_callback=None):
        self._proto = _pickle._protocol(protocol, buffer_callback)
        self._fix_imports = fix_imports
        self._buffer_callback = buffer_callback
        try:
            self._write = file.write
        except AttributeError:
            raise TypeError("file must have a 'write' attribute") from None
        self._memo = []
        self.fast = 0
        self.bin = self._proto >= 1

    def dump(self, obj):
        """Write a pickled representation of obj to the open file."""
        _pickle._dump(self, obj)

    def clear_memo(self):
        """Forget the objects already pickled: later dumps write them again in full."""
        self._memo = []


class Unpickler:
    """Unpickler(file, *, fix_imports=True, encoding="ASCII", errors="strict", buffers=None)

    Reads pickles from file (anything with read and readline methods giving bytes).
    Subclasses may define persistent_load(pid) and override find_class(module, name), which
    every global the pickle names goes through."""

    def __init__(self, file, *, fix_imports=True, encoding="ASCII", errors="strict", buffers=None):
        try:
            self._read = file.read
            self._readline = file.readline
        except AttributeError:
            raise TypeError("file must have 'read' and 'readline' attributes") from None
        self._fix_imports = fix_imports
        self._encoding = encoding
        self._errors = errors
        self._buffers = None if buffers is None else iter(buffers)
        self._memo = {}
        self._proto = 0

    def load(self):
        """Read a pickled object from the file and return it."""
        find_class = self.find_class
        if getattr(find_class, "__func__", None) is Unpickler.find_class:
            find_class = None
        return _pickle._load(self, find_class, getattr(self, "persistent_load", None))

    def find_class(self, module, name):
        """Return the object module.name, importing module."""
        return _pickle._find_class(self, module, name)


def dump(obj, file, protocol=None, *, fix_imports=True, buffer_callback=None):
    """Write a pickled representation of obj to the open file object file."""
    Pickler(file, protocol, fix_imports=fix_imports, buffer_callback=buffer_callback).dump(obj)


def dumps(obj, protocol=None, *, fix_imports=True, buffer_callback=None):
    """Return the pickled representation of obj as a bytes object."""
    return _pickle._dumps(obj, protocol, fix_imports, buffer_callback)


def load(file, *, fix_imports=True, encoding="ASCII", errors="strict", buffers=None):
    """Read and return an object from the pickle data stored in file."""
    return Unpickler(file, fix_imports=fix_imports, encoding=encoding, errors=errors, buffers=buffers).load()


def loads(data, /, *, fix_imports=True, encoding="ASCII", errors="strict", buffers=None):
    """Read and return an object from the given pickle data."""
    return _pickle._loads(data, fix_imports, encoding, errors, buffers)
