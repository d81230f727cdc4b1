"""Escaping text for HTML (`escape`) and decoding HTML's character references (`unescape`)."""

import re as _re

__all__ = ["escape", "unescape"]


def escape(s, quote=True):
    """`&`, `<` and `>` (and with `quote`, both quote marks) as character references, so
    the text can be put in HTML (and in attribute values) as it is."""
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        s = s.replace('"', "&quot;").replace("'", "&#x27;")
    return s


# Numeric references to the C1 controls mean the Windows-1252 characters there, as HTML5
# decodes them; the five codes Windows-1252 leaves unassigned stand for themselves.
_WINDOWS_1252 = dict(zip(
    [0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8E,
     0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9E, 0x9F],
    "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d"
    "\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"))
_WINDOWS_1252.update((code, chr(code)) for code in (0x81, 0x8D, 0x8F, 0x90, 0x9D))


def _dropped(code):
    """Code points HTML5 forbids in text, which a reference to yields nothing: C0 controls
    other than whitespace, DEL and the C1 controls, and the noncharacters."""
    return (0x01 <= code <= 0x08 or code == 0x0B or 0x0E <= code <= 0x1F
            or 0x7F <= code <= 0x9F or 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE)


def _numeric(digits, base):
    code = int(digits, base)
    if code in _WINDOWS_1252:
        return _WINDOWS_1252[code]
    if code == 0x0D:
        return "\r"
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return "\ufffd"
    if _dropped(code):
        return ""
    return chr(code)


_html5 = None


def _named(name):
    global _html5
    if _html5 is None:
        from _html5 import html5 as _html5
    if name in _html5:
        return _html5[name]
    # A legacy name may run into the text after it without a semicolon ("&notit;").
    for end in range(len(name) - 1, 1, -1):
        if name[:end] in _html5:
            return _html5[name[:end]] + name[end:]
    return "&" + name


def _replace(match):
    text = match.group(1)
    if text[0] != "#":
        return _named(text)
    if text[1] in "xX":
        return _numeric(text[2:].rstrip(";"), 16)
    return _numeric(text[1:].rstrip(";"), 10)


_REFERENCE = _re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")


def unescape(s):
    """`s` with every named and numeric character reference replaced by what it stands for,
    as HTML5 decodes them (including references without their semicolon)."""
    if "&" not in s:
        return s
    return _REFERENCE.sub(_replace, s)
