"""`Value` and `Array` in memory shared with child processes (`_mp.alloc` / `load` / `store`:
a block of the shared arena, read and written element by element). toy has no `ctypes`, so
types are given by their `array` type codes ('i', 'd', 'c', ...); reprs name the ctypes type
CPython would use."""

from multiprocessing import synchronize
import _mp

__all__ = ["RawValue", "RawArray", "Value", "Array", "copy", "synchronized"]

# type code -> (ctypes name as CPython's reprs show it on 64-bit Linux, size in bytes, default)
_TYPES = {
    "c": ("c_char", 1, b"\x00"),
    "b": ("c_byte", 1, 0),
    "B": ("c_ubyte", 1, 0),
    "h": ("c_short", 2, 0),
    "H": ("c_ushort", 2, 0),
    "i": ("c_int", 4, 0),
    "I": ("c_uint", 4, 0),
    "l": ("c_long", 8, 0),
    "L": ("c_ulong", 8, 0),
    "q": ("c_long", 8, 0),
    "Q": ("c_ulong", 8, 0),
    "f": ("c_float", 4, 0.0),
    "d": ("c_double", 8, 0.0),
}


def _type_info(typecode):
    if not isinstance(typecode, str):
        raise TypeError("toy's multiprocessing takes type codes ('i', 'd', ...) for shared "
                        "values, not %s (toy has no ctypes)" % type(typecode).__name__)
    try:
        return _TYPES[typecode]
    except KeyError:
        raise TypeError("this type has no size") from None


class _RawValue:
    """One element of a shared block: what CPython's ctypes scalar (`c_int(3)`) does."""

    def __init__(self, typecode, handle):
        self._typecode = typecode
        self._handle = handle

    @property
    def value(self):
        return _mp.load(self._handle, self._typecode, 0)

    @value.setter
    def value(self, value):
        _mp.store(self._handle, self._typecode, 0, value)

    def __repr__(self):
        return "%s(%r)" % (_type_info(self._typecode)[0], self.value)

    def __reduce__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return _RawValue, (self._typecode, self._handle)


class _RawArray:
    """A shared block of `length` elements: what CPython's ctypes array does."""

    def __init__(self, typecode, handle, length):
        self._typecode = typecode
        self._handle = handle
        self._length = length

    def __len__(self):
        return self._length

    def _index(self, i):
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError("invalid index")
        return i

    def __getitem__(self, i):
        if isinstance(i, slice):
            code, handle = self._typecode, self._handle
            items = [_mp.load(handle, code, k) for k in range(self._length)[i]]
            return b"".join(items) if code == "c" else items
        return _mp.load(self._handle, self._typecode, self._index(i))

    def __setitem__(self, i, value):
        if isinstance(i, slice):
            indices = range(self._length)[i]
            if self._typecode == "c" and isinstance(value, bytes):
                value = [value[k:k + 1] for k in range(len(value))]
            value = list(value)
            if len(value) != len(indices):
                raise ValueError("Can only assign sequence of same size")
            for k, item in zip(indices, value):
                _mp.store(self._handle, self._typecode, k, item)
            return
        _mp.store(self._handle, self._typecode, self._index(i), value)

    def __iter__(self):
        for k in range(self._length):
            yield _mp.load(self._handle, self._typecode, k)

    @property
    def value(self):
        self._require_chars("value")
        raw = self.raw
        end = raw.find(b"\x00")
        return raw if end < 0 else raw[:end]

    @value.setter
    def value(self, data):
        self._require_chars("value")
        if len(data) > self._length:
            raise ValueError("byte string too long")
        self[:len(data)] = data
        if len(data) < self._length:
            self[len(data)] = b"\x00"

    @property
    def raw(self):
        self._require_chars("raw")
        return self[:]

    @raw.setter
    def raw(self, data):
        self._require_chars("raw")
        if len(data) > self._length:
            raise ValueError("byte string too long")
        self[:len(data)] = data

    def _require_chars(self, name):
        if self._typecode != "c":
            raise AttributeError("'%s_Array_%d' object has no attribute '%s'"
                                 % (_type_info(self._typecode)[0], self._length, name))

    def __repr__(self):
        return "<multiprocessing.sharedctypes.%s_Array_%d object at %#x>" % (
            _type_info(self._typecode)[0], self._length, id(self))

    def __reduce__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return _RawArray, (self._typecode, self._handle, self._length)


def RawValue(typecode_or_type, *args):
    _, size, default = _type_info(typecode_or_type)
    obj = _RawValue(typecode_or_type, _mp.alloc(size))
    if len(args) > 1:
        raise TypeError("too many initializers")
    obj.value = args[0] if args else default
    return obj


def RawArray(typecode_or_type, size_or_initializer):
    _, size, _ = _type_info(typecode_or_type)
    if isinstance(size_or_initializer, int):
        length, initial = size_or_initializer, None
    else:
        initial = size_or_initializer
        if typecode_or_type == "c" and isinstance(initial, bytes):
            initial = [initial[k:k + 1] for k in range(len(initial))]
        initial = list(initial)
        length = len(initial)
    if length < 0:
        raise ValueError("Array length must be >= 0")
    obj = _RawArray(typecode_or_type, _mp.alloc(size * length), length)
    if initial:
        obj[:] = initial
    return obj


def _lock_for(lock, ctx):
    if lock is True or lock is None:
        return synchronize.RLock()
    if lock is False:
        return None
    if not hasattr(lock, "acquire"):
        raise AttributeError("%r has no method 'acquire'" % lock)
    return lock


def Value(typecode_or_type, *args, lock=True, ctx=None):
    obj = RawValue(typecode_or_type, *args)
    if lock is False:
        return obj
    return Synchronized(obj, _lock_for(lock, ctx))


def Array(typecode_or_type, size_or_initializer, *, lock=True, ctx=None):
    obj = RawArray(typecode_or_type, size_or_initializer)
    if lock is False:
        return obj
    return synchronized(obj, _lock_for(lock, ctx))


def copy(obj):
    if isinstance(obj, _RawArray):
        return RawArray(obj._typecode, obj[:])
    return RawValue(obj._typecode, obj.value)


def synchronized(obj, lock=None, ctx=None):
    lock = lock or synchronize.RLock()
    if isinstance(obj, _RawArray):
        if obj._typecode == "c":
            return SynchronizedString(obj, lock)
        return SynchronizedArray(obj, lock)
    return Synchronized(obj, lock)


class SynchronizedBase:
    def __init__(self, obj, lock=None, ctx=None):
        self._obj = obj
        self._lock = lock or synchronize.RLock()
        self.acquire = self._lock.acquire
        self.release = self._lock.release

    def __enter__(self):
        return self._lock.__enter__()

    def __exit__(self, *args):
        return self._lock.__exit__(*args)

    def __reduce__(self):
        from multiprocessing import context
        context.assert_spawning(self)
        return synchronized, (self._obj, self._lock)

    def get_obj(self):
        return self._obj

    def get_lock(self):
        return self._lock

    def __repr__(self):
        return "<%s wrapper for %s>" % (type(self).__name__, self._obj)


class Synchronized(SynchronizedBase):
    @property
    def value(self):
        with self._lock:
            return self._obj.value

    @value.setter
    def value(self, value):
        with self._lock:
            self._obj.value = value


class SynchronizedArray(SynchronizedBase):
    def __len__(self):
        return len(self._obj)

    def __getitem__(self, i):
        with self._lock:
            return self._obj[i]

    def __setitem__(self, i, value):
        with self._lock:
            self._obj[i] = value

    def __getslice__(self, start, stop):
        with self._lock:
            return self._obj[start:stop]

    def __setslice__(self, start, stop, values):
        with self._lock:
            self._obj[start:stop] = values


class SynchronizedString(SynchronizedArray):
    @property
    def value(self):
        with self._lock:
            return self._obj.value

    @value.setter
    def value(self, value):
        with self._lock:
            self._obj.value = value

    @property
    def raw(self):
        with self._lock:
            return self._obj.raw

    @raw.setter
    def raw(self, value):
        with self._lock:
            self._obj.raw = value
