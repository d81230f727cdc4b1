"""UUIDs as RFC 4122 defines them: the immutable UUID type, and uuid1 (time and node),
uuid3/uuid5 (a name hashed in a namespace with MD5/SHA-1) and uuid4 (random)."""

import os as _os
from enum import Enum as _Enum

__all__ = ["UUID", "SafeUUID", "getnode", "uuid1", "uuid3", "uuid4", "uuid5",
           "NAMESPACE_DNS", "NAMESPACE_URL", "NAMESPACE_OID", "NAMESPACE_X500",
           "RESERVED_NCS", "RFC_4122", "RESERVED_MICROSOFT", "RESERVED_FUTURE"]

RESERVED_NCS = "reserved for NCS compatibility"
RFC_4122 = "specified in RFC 4122"
RESERVED_MICROSOFT = "reserved for Microsoft compatibility"
RESERVED_FUTURE = "reserved for future definition"


class SafeUUID(_Enum):
    """Whether the platform generated a uuid1 in a way safe across processes."""
    safe = 0
    unsafe = -1
    unknown = None


# The six fields of a UUID, most significant first, with their widths in bits.
_FIELD_BITS = (32, 16, 16, 8, 8, 48)
_WIDTH_WORDS = {32: "a 32-bit", 16: "a 16-bit", 8: "an 8-bit", 48: "a 48-bit"}


class UUID:
    """A 128-bit universally unique identifier; made from exactly one of a hex string, 16
    big-endian bytes, 16 bytes with the first three fields little-endian, six fields, or an
    int, optionally stamped with an RFC 4122 version."""

    __slots__ = ("int", "is_safe", "__weakref__")

    def __init__(self, hex=None, bytes=None, bytes_le=None, fields=None, int=None,
                 version=None, *, is_safe=SafeUUID.unknown):
        given = [hex, bytes, bytes_le, fields, int].count(None)
        if given != 4:
            raise TypeError("one of the hex, bytes, bytes_le, fields, or int arguments must be given")
        if hex is not None:
            digits = hex.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", "")
            if len(digits) != 32:
                raise ValueError("badly formed hexadecimal UUID string")
            try:
                int = _int(digits, 16)
            except ValueError:
                raise ValueError("badly formed hexadecimal UUID string") from None
        elif bytes_le is not None:
            if len(bytes_le) != 16:
                raise ValueError("bytes_le is not a 16-char string")
            bytes = bytes_le[3::-1] + bytes_le[5:3:-1] + bytes_le[7:5:-1] + bytes_le[8:]
        if bytes is not None:
            if len(bytes) != 16:
                raise ValueError("bytes is not a 16-char string")
            int = _int.from_bytes(bytes, "big")
        elif fields is not None:
            if len(fields) != 6:
                raise ValueError("fields is not a 6-tuple")
            int = 0
            for number, (value, bits) in enumerate(zip(fields, _FIELD_BITS), 1):
                if not 0 <= value < 1 << bits:
                    raise ValueError(f"field {number} out of range (need {_WIDTH_WORDS[bits]} value)")
                int = (int << bits) | value
        if not 0 <= int < 1 << 128:
            raise ValueError("int is out of range (need a 128-bit value)")
        if version is not None:
            if not 1 <= version <= 5:
                raise ValueError("illegal version number")
            # The RFC 4122 variant bits (10) and the version nibble.
            int &= ~(0xC000 << 48)
            int |= 0x8000 << 48
            int &= ~(0xF000 << 64)
            int |= version << 76
        object.__setattr__(self, "int", int)
        object.__setattr__(self, "is_safe", is_safe)

    def __getstate__(self):
        state = {"int": self.int}
        if self.is_safe is not SafeUUID.unknown:
            state["is_safe"] = self.is_safe.value
        return state

    def __setstate__(self, state):
        object.__setattr__(self, "int", state["int"])
        object.__setattr__(self, "is_safe", SafeUUID(state["is_safe"]) if "is_safe" in state
                           else SafeUUID.unknown)

    def __setattr__(self, name, value):
        raise TypeError("UUID objects are immutable")

    def __eq__(self, other):
        if isinstance(other, UUID):
            return self.int == other.int
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, UUID):
            return self.int < other.int
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, UUID):
            return self.int > other.int
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, UUID):
            return self.int <= other.int
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, UUID):
            return self.int >= other.int
        return NotImplemented

    def __hash__(self):
        return hash(self.int)

    def __int__(self):
        return self.int

    def __repr__(self):
        return f"{type(self).__name__}({str(self)!r})"

    def __str__(self):
        h = self.hex
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    @property
    def bytes(self):
        return self.int.to_bytes(16, "big")

    @property
    def bytes_le(self):
        b = self.bytes
        return b[3::-1] + b[5:3:-1] + b[7:5:-1] + b[8:]

    @property
    def fields(self):
        return (self.time_low, self.time_mid, self.time_hi_version,
                self.clock_seq_hi_variant, self.clock_seq_low, self.node)

    @property
    def time_low(self):
        return self.int >> 96

    @property
    def time_mid(self):
        return (self.int >> 80) & 0xFFFF

    @property
    def time_hi_version(self):
        return (self.int >> 64) & 0xFFFF

    @property
    def clock_seq_hi_variant(self):
        return (self.int >> 56) & 0xFF

    @property
    def clock_seq_low(self):
        return (self.int >> 48) & 0xFF

    @property
    def time(self):
        return ((self.time_hi_version & 0x0FFF) << 48) | (self.time_mid << 32) | self.time_low

    @property
    def clock_seq(self):
        return ((self.clock_seq_hi_variant & 0x3F) << 8) | self.clock_seq_low

    @property
    def node(self):
        return self.int & 0xFFFFFFFFFFFF

    @property
    def hex(self):
        return format(self.int, "032x")

    @property
    def urn(self):
        return "urn:uuid:" + str(self)

    @property
    def variant(self):
        if not self.int & (0x8000 << 48):
            return RESERVED_NCS
        if not self.int & (0x4000 << 48):
            return RFC_4122
        if not self.int & (0x2000 << 48):
            return RESERVED_MICROSOFT
        return RESERVED_FUTURE

    @property
    def version(self):
        if self.variant == RFC_4122:
            return (self.int >> 76) & 0xF
        return None


_int = int
_node = None


def getnode():
    """This machine's 48-bit hardware address, or (without one) a random number with the
    multicast bit set, as RFC 4122 suggests; the same for the whole run."""
    global _node
    if _node is None:
        _node = _hardware_address() or (_int.from_bytes(_os.urandom(6), "big") | (1 << 40))
    return _node


def _hardware_address():
    try:
        interfaces = sorted(_os.listdir("/sys/class/net"))
    except OSError:
        return None
    for interface in interfaces:
        try:
            with open(f"/sys/class/net/{interface}/address") as f:
                text = f.read().strip()
        except OSError:
            continue
        address = _int(text.replace(":", "") or "0", 16)
        # Skip loopback's zeros and locally administered or multicast addresses.
        if address and not address & (3 << 40):
            return address
    return None


_last_timestamp = None


def uuid1(node=None, clock_seq=None):
    """A UUID from the time (in 100 ns steps since 1582-10-15), a clock sequence and the node."""
    global _last_timestamp
    import time
    # The Gregorian reform's date, as an offset from the Unix epoch in 100 ns units.
    timestamp = time.time_ns() // 100 + 0x01B21DD213814000
    if _last_timestamp is not None and timestamp <= _last_timestamp:
        timestamp = _last_timestamp + 1
    _last_timestamp = timestamp
    if clock_seq is None:
        clock_seq = _int.from_bytes(_os.urandom(2), "big") & 0x3FFF
    if node is None:
        node = getnode()
    fields = (timestamp & 0xFFFFFFFF, (timestamp >> 32) & 0xFFFF, (timestamp >> 48) & 0x0FFF,
              (clock_seq >> 8) & 0x3F, clock_seq & 0xFF, node)
    return UUID(fields=fields, version=1)


def _from_digest(digest_name, namespace, name):
    import hashlib
    data = namespace.bytes + bytes(name, "utf-8")
    return hashlib.new(digest_name, data, usedforsecurity=False).digest()[:16]


def uuid3(namespace, name):
    """A UUID from the MD5 hash of a namespace UUID and a name."""
    return UUID(bytes=_from_digest("md5", namespace, name), version=3)


def uuid4():
    """A random UUID."""
    return UUID(bytes=_os.urandom(16), version=4)


def uuid5(namespace, name):
    """A UUID from the SHA-1 hash of a namespace UUID and a name."""
    return UUID(bytes=_from_digest("sha1", namespace, name), version=5)


NAMESPACE_DNS = UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
NAMESPACE_URL = UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
NAMESPACE_OID = UUID("6ba7b812-9dad-11d1-80b4-00c04fd430c8")
NAMESPACE_X500 = UUID("6ba7b814-9dad-11d1-80b4-00c04fd430c8")
