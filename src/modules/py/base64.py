"""toy's base64: Base16, Base32, Base64 (on the native binascii), Base85 and Ascii85 encodings,
with CPython's arguments, results and errors."""

import binascii

__all__ = [
    "encode",
    "decode",
    "encodebytes",
    "decodebytes",
    "b64encode",
    "b64decode",
    "b32encode",
    "b32decode",
    "b32hexencode",
    "b32hexdecode",
    "b16encode",
    "b16decode",
    "b85encode",
    "b85decode",
    "a85encode",
    "a85decode",
    "standard_b64encode",
    "standard_b64decode",
    "urlsafe_b64encode",
    "urlsafe_b64decode",
]

bytes_types = (bytes, bytearray)


def _bytes_from_decode_data(s):
    if isinstance(s, str):
        try:
            return s.encode("ascii")
        except UnicodeEncodeError:
            raise ValueError("string argument should contain only ASCII characters") from None
    if isinstance(s, bytes_types):
        return bytes(s)
    try:
        return memoryview(s).tobytes()
    except TypeError:
        raise TypeError(
            "argument should be a bytes-like object or ASCII string, not %r" % s.__class__.__name__
        ) from None


def _swap(data, mapping):
    """`data` with each byte in `mapping` (a dict of byte values) replaced."""
    return bytes(mapping.get(c, c) for c in data)


# ----- base64 ---------------------------------------------------------------------------------


def b64encode(s, altchars=None):
    encoded = binascii.b2a_base64(s, newline=False)
    if altchars is not None:
        assert len(altchars) == 2, repr(altchars)
        return _swap(encoded, {43: altchars[0], 47: altchars[1]})
    return encoded


def b64decode(s, altchars=None, validate=False):
    s = _bytes_from_decode_data(s)
    if altchars is not None:
        altchars = _bytes_from_decode_data(altchars)
        assert len(altchars) == 2, repr(altchars)
        s = _swap(s, {altchars[0]: 43, altchars[1]: 47})
    return binascii.a2b_base64(s, strict_mode=validate)


def standard_b64encode(s):
    return b64encode(s)


def standard_b64decode(s):
    return b64decode(s)


def urlsafe_b64encode(s):
    return b64encode(s, b"-_")


def urlsafe_b64decode(s):
    return b64decode(s, b"-_")


# ----- base32 ---------------------------------------------------------------------------------

_B32_ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_B32HEX_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUV"
# Output bytes of the last group of eight characters, by how many of them are padding.
_B32_TAIL = {0: 5, 1: 4, 3: 3, 4: 2, 6: 1}


def _b32encode(alphabet, s):
    data = memoryview(s).tobytes() if not isinstance(s, bytes_types) else bytes(s)
    out = bytearray()
    for start in range(0, len(data), 5):
        chunk = data[start : start + 5]
        word = int.from_bytes(chunk + bytes(5 - len(chunk)), "big")
        chars = [alphabet[(word >> (35 - 5 * k)) & 31] for k in range(8)]
        kept = {1: 2, 2: 4, 3: 5, 4: 7, 5: 8}[len(chunk)]
        out += bytes(chars[:kept]) + b"=" * (8 - kept)
    return bytes(out)


def _b32decode(alphabet, s, casefold=False, map01=None):
    s = _bytes_from_decode_data(s)
    if len(s) % 8:
        raise binascii.Error("Incorrect padding")
    if map01 is not None:
        map01 = _bytes_from_decode_data(map01)
        assert len(map01) == 1, repr(map01)
        s = _swap(s, {ord("0"): ord("O"), ord("1"): map01[0]})
    if casefold:
        s = s.upper()
    stripped = s.rstrip(b"=")
    padding = len(s) - len(stripped)
    values = {c: i for i, c in enumerate(alphabet)}
    out = bytearray()
    for start in range(0, len(stripped), 8):
        chunk = stripped[start : start + 8]
        word = 0
        for c in chunk:
            if c not in values:
                raise binascii.Error("Non-base32 digit found")
            word = word << 5 | values[c]
        word <<= 5 * (8 - len(chunk))
        out += word.to_bytes(5, "big")
    if s and padding not in _B32_TAIL:
        raise binascii.Error("Incorrect padding")
    if s and padding:
        del out[len(out) - 5 + _B32_TAIL[padding] :]
    return bytes(out)


def b32encode(s):
    return _b32encode(_B32_ALPHABET, s)


def b32decode(s, casefold=False, map01=None):
    return _b32decode(_B32_ALPHABET, s, casefold, map01)


def b32hexencode(s):
    return _b32encode(_B32HEX_ALPHABET, s)


def b32hexdecode(s, casefold=False):
    return _b32decode(_B32HEX_ALPHABET, s, casefold)


# ----- base16 ---------------------------------------------------------------------------------


def b16encode(s):
    return binascii.hexlify(s).upper()


def b16decode(s, casefold=False):
    s = _bytes_from_decode_data(s)
    if casefold:
        s = s.upper()
    if any(c not in b"0123456789ABCDEF" for c in s):
        raise binascii.Error("Non-base16 digit found")
    return binascii.unhexlify(s)


# ----- base85 and ascii85 ---------------------------------------------------------------------

_B85_ALPHABET = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~"


def _85encode(data, alphabet, pad, zero=None, spaces=None):
    """Groups of four bytes as five base-85 digits; a shorter last group keeps one digit more
    than its bytes unless `pad`. `zero` and `spaces` abbreviate whole groups (Ascii85)."""
    data = bytes(data) if isinstance(data, bytes_types) else memoryview(data).tobytes()
    out = bytearray()
    for start in range(0, len(data), 4):
        chunk = data[start : start + 4]
        short = 4 - len(chunk)
        if not short and zero is not None and chunk == b"\0\0\0\0":
            out += zero
            continue
        if not short and spaces is not None and chunk == b"    ":
            out += spaces
            continue
        word = int.from_bytes(chunk + bytes(short), "big")
        digits = bytearray(5)
        for k in range(4, -1, -1):
            word, digits[k] = divmod(word, 85)
        out += bytes(alphabet[d] for d in digits)
        if short and not pad:
            del out[len(out) - short :]
    return bytes(out)


def b85encode(b, pad=False):
    return _85encode(b, _B85_ALPHABET, pad)


def b85decode(b):
    b = _bytes_from_decode_data(b)
    values = {c: i for i, c in enumerate(_B85_ALPHABET)}
    padding = -len(b) % 5
    b = b + b"~" * padding
    out = bytearray()
    for start in range(0, len(b), 5):
        word = 0
        for offset, c in enumerate(b[start : start + 5]):
            if c not in values:
                raise ValueError("bad base85 character at position %d" % (start + offset))
            word = word * 85 + values[c]
        if word > 0xFFFFFFFF:
            raise ValueError("base85 overflow in hunk starting at byte %d" % start)
        out += word.to_bytes(4, "big")
    if padding:
        del out[len(out) - padding :]
    return bytes(out)


_A85_ALPHABET = bytes(range(33, 118))


def a85encode(b, *, foldspaces=False, wrapcol=0, pad=False, adobe=False):
    encoded = _85encode(b, _A85_ALPHABET, pad, b"z", b"y" if foldspaces else None)
    if adobe:
        encoded = b"<~" + encoded
    if wrapcol:
        wrapcol = max(2 if adobe else 1, wrapcol)
        lines = [encoded[i : i + wrapcol] for i in range(0, len(encoded), wrapcol)]
        if adobe and len(lines[-1]) + 2 > wrapcol:
            lines.append(b"")
        encoded = b"\n".join(lines)
    if adobe:
        encoded += b"~>"
    return encoded


def a85decode(b, *, foldspaces=False, adobe=False, ignorechars=b" \t\n\r\x0b"):
    b = _bytes_from_decode_data(b)
    if adobe:
        if not b.endswith(b"~>"):
            raise ValueError("Ascii85 encoded byte sequences must end with {!r}".format(b"~>"))
        b = b[2:-2] if b.startswith(b"<~") else b[:-2]
    out = bytearray()
    group = []
    for c in b:
        if 33 <= c <= 117:
            group.append(c - 33)
            if len(group) == 5:
                word = 0
                for d in group:
                    word = word * 85 + d
                if word > 0xFFFFFFFF:
                    raise ValueError("Ascii85 overflow")
                out += word.to_bytes(4, "big")
                group = []
        elif c == ord("z"):
            if group:
                raise ValueError("z inside Ascii85 5-tuple")
            out += b"\0\0\0\0"
        elif foldspaces and c == ord("y"):
            if group:
                raise ValueError("y inside Ascii85 5-tuple")
            out += b"    "
        elif c in ignorechars:
            continue
        else:
            raise ValueError("Non-Ascii85 digit found: %c" % c)
    if group:
        padding = 5 - len(group)
        word = 0
        for d in group + [84] * padding:
            word = word * 85 + d
        if word > 0xFFFFFFFF:
            raise ValueError("Ascii85 overflow")
        out += word.to_bytes(4, "big")[: 4 - padding]
    return bytes(out)


# ----- the legacy interface -------------------------------------------------------------------

MAXLINESIZE = 76
MAXBINSIZE = (MAXLINESIZE // 4) * 3


def _input_type_check(s):
    try:
        m = memoryview(s)
    except TypeError as err:
        raise TypeError("expected bytes-like object, not %s" % s.__class__.__name__) from err
    if m.format not in ("c", "b", "B"):
        raise TypeError("expected single byte elements, not %r from %s" % (m.format, s.__class__.__name__))


def encodebytes(s):
    _input_type_check(s)
    data = memoryview(s).tobytes()
    pieces = [binascii.b2a_base64(data[i : i + MAXBINSIZE]) for i in range(0, len(data), MAXBINSIZE)]
    return b"".join(pieces)


def decodebytes(s):
    _input_type_check(s)
    return binascii.a2b_base64(s)


def encode(input, output):
    while True:
        s = input.read(MAXBINSIZE)
        if not s:
            break
        while len(s) < MAXBINSIZE:
            more = input.read(MAXBINSIZE - len(s))
            if not more:
                break
            s += more
        output.write(binascii.b2a_base64(s))


def decode(input, output):
    while True:
        line = input.readline()
        if not line:
            break
        output.write(binascii.a2b_base64(line))
