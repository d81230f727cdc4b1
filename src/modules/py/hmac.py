"""Keyed hashing for message authentication (RFC 2104): HMAC over any hashlib digest."""

import hashlib as _hashlib

__all__ = ["new", "compare_digest", "digest", "HMAC"]

# The byte maps RFC 2104 xors the padded key with: 0x5C for the outer hash, 0x36 for the inner.
trans_5C = bytes(b ^ 0x5C for b in range(256))
trans_36 = bytes(b ^ 0x36 for b in range(256))

# HMAC objects have no fixed size: it is the digest's.
digest_size = None


def _digest_constructor(digestmod):
    """A callable making a fresh hash object, from a name, a constructor or a module."""
    if digestmod is None or digestmod == "":
        raise TypeError("Missing required parameter 'digestmod'.")
    if callable(digestmod):
        return digestmod
    if isinstance(digestmod, str):
        return lambda data=b"": _hashlib.new(digestmod, data)
    return digestmod.new


class HMAC:
    """An HMAC in progress: `update` it with the message, then read `digest()`."""

    blocksize = 64

    __slots__ = ("_inner", "_outer", "digest_size", "block_size")

    def __init__(self, key, msg=None, digestmod=""):
        if not isinstance(key, (bytes, bytearray)):
            raise TypeError(f"key: expected bytes or bytearray, but got {type(key).__name__!r}")
        make = _digest_constructor(digestmod)
        self._outer = make()
        self._inner = make()
        self.digest_size = self._inner.digest_size
        self.block_size = getattr(self._inner, "block_size", self.blocksize)
        if len(key) > self.block_size:
            key = make(key).digest()
        key = bytes(key) + bytes(self.block_size - len(key))
        self._outer.update(bytes(trans_5C[b] for b in key))
        self._inner.update(bytes(trans_36[b] for b in key))
        if msg is not None:
            self.update(msg)

    @property
    def name(self):
        return "hmac-" + self._inner.name

    def update(self, msg):
        self._inner.update(msg)

    def copy(self):
        twin = HMAC.__new__(HMAC)
        twin._inner = self._inner.copy()
        twin._outer = self._outer.copy()
        twin.digest_size = self.digest_size
        twin.block_size = self.block_size
        return twin

    def digest(self):
        outer = self._outer.copy()
        outer.update(self._inner.digest())
        return outer.digest()

    def hexdigest(self):
        return self.digest().hex()


def new(key, msg=None, digestmod=""):
    """A new HMAC object for `key`, fed `msg` if given, hashing with `digestmod`."""
    return HMAC(key, msg, digestmod)


def digest(key, msg, digest):
    """The HMAC of `msg` under `key` in one call."""
    return HMAC(key, msg, digest).digest()


def compare_digest(a, b, /):
    """`a == b` for two str (ASCII only) or two bytes-like values, taking the same time
    wherever they differ, so that comparing a secret does not reveal how much matched."""
    if isinstance(a, str) and isinstance(b, str):
        if not (a.isascii() and b.isascii()):
            raise TypeError("comparing strings with non-ASCII characters is not supported")
        a, b = a.encode(), b.encode()
    elif isinstance(a, str) or isinstance(b, str):
        raise TypeError(f"a bytes-like object is required, not 'str'")
    else:
        try:
            a, b = bytes(memoryview(a)), bytes(memoryview(b))
        except TypeError:
            raise TypeError("unsupported operand types(s) or combination of types: "
                            f"{type(a).__name__!r} and {type(b).__name__!r}") from None
    # Every byte is looked at, whatever the first difference.
    difference = len(a) ^ len(b)
    for x, y in zip(a, b if len(a) == len(b) else a):
        difference |= x ^ y
    return difference == 0
