"""Locale settings, as CPython's locale module, for the locales toy can honour: C, POSIX and
C.UTF-8 (in any of its spellings). Their number and money conventions are all the C ones,
which is what toy's own formatting uses; any other locale name raises locale.Error
("unsupported locale setting"), as CPython does for a locale the machine lacks, rather than
format numbers the wrong way. normalize(), nl_langinfo() and the other locale aliases are
not provided.
"""

import os as _os

__all__ = ["getlocale", "getdefaultlocale", "getpreferredencoding", "Error",
           "setlocale", "resetlocale", "localeconv", "strcoll", "strxfrm",
           "str", "atof", "atoi", "format_string", "currency",
           "getencoding", "localize", "delocalize",
           "LC_CTYPE", "LC_COLLATE", "LC_TIME", "LC_MONETARY", "LC_NUMERIC", "LC_ALL",
           "LC_MESSAGES", "CHAR_MAX"]

_builtin_str = str


class Error(Exception):
    pass


LC_CTYPE = 0
LC_NUMERIC = 1
LC_TIME = 2
LC_COLLATE = 3
LC_MONETARY = 4
LC_MESSAGES = 5
LC_ALL = 6
CHAR_MAX = 127

# The C library's categories, in the order its composite names list them; the last six have
# no constant in Python but are set by LC_ALL all the same.
_CATEGORIES = [("LC_CTYPE", LC_CTYPE), ("LC_NUMERIC", LC_NUMERIC), ("LC_TIME", LC_TIME),
               ("LC_COLLATE", LC_COLLATE), ("LC_MONETARY", LC_MONETARY),
               ("LC_MESSAGES", LC_MESSAGES), ("LC_PAPER", 7), ("LC_NAME", 8),
               ("LC_ADDRESS", 9), ("LC_TELEPHONE", 10), ("LC_MEASUREMENT", 11),
               ("LC_IDENTIFICATION", 12)]
_NAME_OF = {number: name for name, number in _CATEGORIES}


def _supported(name):
    """The name setlocale() reports for a locale name, None for one toy cannot honour."""
    if name in ("C", "POSIX"):
        return "C"
    base, dot, encoding = name.partition(".")
    if base == "C" and dot and encoding.lower().replace("-", "") == "utf8":
        return name
    return None


def _from_environment(category_name):
    """The locale name the environment chooses for a category, as the C library reads it."""
    for variable in ("LC_ALL", category_name, "LANG"):
        value = _os.environ.get(variable)
        if value:
            return value
    return "C"


def _startup_ctype():
    # CPython sets LC_CTYPE from the environment at start-up, turning the plain C locale
    # into C.UTF-8 unless LC_ALL forces it (PEP 538); then it runs in UTF-8 mode (PEP 540).
    name = _from_environment("LC_CTYPE")
    forced = bool(_os.environ.get("LC_ALL"))
    if _supported(name) == "C":
        return ("C" if forced else "C.UTF-8"), True
    if _supported(name) is None:
        return "C", False
    return name, False


_ctype, _utf8_mode = _startup_ctype()
_current = {number: "C" for _, number in _CATEGORIES}
_current[LC_CTYPE] = _ctype


def _locale_name(locale):
    if isinstance(locale, _builtin_str):
        return locale
    try:
        language, encoding = locale
    except (TypeError, ValueError):
        raise TypeError("Locale must be None, a string, or an iterable of two strings -- "
                        "language code, encoding.") from None
    if language is None:
        return "C"
    return language + "." + encoding if encoding else language


def setlocale(category, locale=None):
    """Set the locale of `category` (LC_ALL for all of them) and return its name; with no
    locale, return the current one. "" takes the locale from the environment."""
    if type(category) is not int:
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(category).__name__)
    if category != LC_ALL and category not in _NAME_OF:
        raise Error("unsupported locale setting")
    categories = [number for _, number in _CATEGORIES] if category == LC_ALL else [category]
    if locale is not None:
        requested = _locale_name(locale)
        chosen = {}
        for number in categories:
            name = _from_environment(_NAME_OF[number]) if requested == "" else requested
            chosen[number] = _supported(name)
            if chosen[number] is None:
                raise Error("unsupported locale setting")
        _current.update(chosen)
    if category != LC_ALL:
        return _current[category]
    names = [_current[number] for _, number in _CATEGORIES]
    if len(set(names)) == 1:
        return names[0]
    return ";".join("%s=%s" % (name, _current[number]) for name, number in _CATEGORIES)


def resetlocale(category=LC_ALL):
    setlocale(category, "")


def _parse(name):
    # CPython 3.11's alias table maps C.UTF-8 to en_US.UTF-8.
    if _supported(name) == "C" or not name:
        return (None, None)
    return ("en_US", "UTF-8")


def getlocale(category=LC_CTYPE):
    """(language code, encoding) of a category's locale; (None, None) for C."""
    name = setlocale(category)
    if category == LC_ALL and ";" in name:
        raise TypeError("category LC_ALL is not supported")
    return _parse(name)


def getdefaultlocale(envvars=("LC_ALL", "LC_CTYPE", "LANG", "LANGUAGE")):
    import warnings
    warnings.warn("'locale.getdefaultlocale' is deprecated and slated for removal in Python 3.15. "
                  "Use setlocale(), getencoding() and getlocale() instead.",
                  DeprecationWarning, stacklevel=2)
    for variable in envvars:
        value = _os.environ.get(variable)
        if value:
            if variable == "LANGUAGE":
                value = value.split(":")[0]
            return _parse(value)
    return (None, None)


def getencoding():
    """The encoding of the current LC_CTYPE locale, as the C library names it."""
    return "ANSI_X3.4-1968" if _current[LC_CTYPE] == "C" else "UTF-8"


def getpreferredencoding(do_setlocale=True):
    return "utf-8" if _utf8_mode else getencoding()


def localeconv():
    """The C locale's number and money conventions (those of every locale toy supports)."""
    return {"int_curr_symbol": "", "currency_symbol": "", "mon_decimal_point": "",
            "mon_thousands_sep": "", "mon_grouping": [], "positive_sign": "",
            "negative_sign": "", "int_frac_digits": CHAR_MAX, "frac_digits": CHAR_MAX,
            "p_cs_precedes": CHAR_MAX, "p_sep_by_space": CHAR_MAX,
            "n_cs_precedes": CHAR_MAX, "n_sep_by_space": CHAR_MAX,
            "p_sign_posn": CHAR_MAX, "n_sign_posn": CHAR_MAX, "decimal_point": ".",
            "thousands_sep": "", "grouping": []}


def strcoll(a, b):
    """Compare two strings by the collation of the C locale: code point order."""
    if not isinstance(a, _builtin_str) or not isinstance(b, _builtin_str):
        raise TypeError("strcoll() argument must be str, not %s"
                        % type(b if isinstance(a, _builtin_str) else a).__name__)
    return (a > b) - (a < b)


def strxfrm(string):
    if not isinstance(string, _builtin_str):
        raise TypeError("strxfrm() argument must be str, not %s" % type(string).__name__)
    return string


def format_string(f, val, grouping=False, monetary=False):
    """`f % val` with the locale's decimal point and grouping: the C locale has no grouping
    and a '.' decimal point, so that is `f % val` itself."""
    return f % val


def currency(val, symbol=True, grouping=False, international=False):
    raise ValueError("Currency formatting is not possible using the 'C' locale.")


def str(val):
    return format_string("%.12g", val)


def delocalize(string):
    return string


def localize(string, grouping=False, monetary=False):
    return string


def atof(string, func=float):
    return func(delocalize(string))


def atoi(string):
    return int(delocalize(string))
