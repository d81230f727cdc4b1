"""Parsing of time strings by a strftime-style format, for time.strptime and
datetime.strptime (toy's own implementation, C locale names).

Each directive becomes a named regular-expression group; the whole string must match, and the
captured pieces are then combined into calendar fields with the defaults Python documents
(1900-01-01 00:00:00)."""

import re
import time

_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december")


def _alternatives(words):
    # Longest first, so "may" never wins over a longer name sharing its start.
    return "|".join(sorted(words, key=len, reverse=True))


_DIRECTIVES = {
    "d": r"(?P<d>3[01]|[12]\d|0[1-9]|[1-9]| [1-9])",
    "f": r"(?P<f>[0-9]{1,6})",
    "H": r"(?P<H>2[0-3]|[0-1]\d|\d)",
    "I": r"(?P<I>1[0-2]|0[1-9]|[1-9])",
    "G": r"(?P<G>\d\d\d\d)",
    "j": r"(?P<j>36[0-6]|3[0-5]\d|[12]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9])",
    "m": r"(?P<m>1[0-2]|0[1-9]|[1-9])",
    "M": r"(?P<M>[0-5]\d|\d)",
    "S": r"(?P<S>6[0-1]|[0-5]\d|\d)",
    "U": r"(?P<U>5[0-3]|[0-4]\d|\d)",
    "W": r"(?P<W>5[0-3]|[0-4]\d|\d)",
    "w": r"(?P<w>[0-6])",
    "u": r"(?P<u>[1-7])",
    "V": r"(?P<V>5[0-3]|0[1-9]|[1-4]\d|\d)",
    "y": r"(?P<y>\d\d)",
    "Y": r"(?P<Y>\d\d\d\d)",
    "z": r"(?P<z>[+-]\d\d:?[0-5]\d(:?[0-5]\d(\.\d{1,6})?)?|(?-i:Z))",
    "A": "(?P<A>" + _alternatives(_DAY_NAMES) + ")",
    "a": "(?P<a>" + _alternatives(name[:3] for name in _DAY_NAMES) + ")",
    "B": "(?P<B>" + _alternatives(_MONTH_NAMES) + ")",
    "b": "(?P<b>" + _alternatives(name[:3] for name in _MONTH_NAMES) + ")",
    "p": "(?P<p>am|pm)",
    "%": "%",
}

# The C locale's composite formats, expanded before translation.
_COMPOSITES = {"c": "%a %b %d %H:%M:%S %Y", "x": "%m/%d/%y", "X": "%H:%M:%S"}
_ALIASES = {"h": "b"}


def _zone_names():
    names = {"utc", "gmt"}
    names.update(name.lower() for name in time.tzname if name)
    return names


def _expand(fmt):
    out = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt) and fmt[i + 1] in _COMPOSITES:
            out.append(_COMPOSITES[fmt[i + 1]])
            i += 2
        elif fmt[i] == "%" and i + 1 < len(fmt):
            out.append(fmt[i:i + 2])
            i += 2
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


_cache = {}


def _compile(fmt):
    pattern = _cache.get(fmt)
    if pattern is not None:
        return pattern
    expanded = _expand(fmt)
    pieces = []
    seen = set()
    i = 0
    while i < len(expanded):
        ch = expanded[i]
        if ch != "%":
            pieces.append(r"\s+" if ch.isspace() else re.escape(ch))
            i += 1
            while ch.isspace() and i < len(expanded) and expanded[i].isspace():
                i += 1
            continue
        if i + 1 == len(expanded):
            raise ValueError("stray %% in format '%s'" % fmt)
        code = _ALIASES.get(expanded[i + 1], expanded[i + 1])
        i += 2
        if code == "Z":
            regex = "(?P<Z>" + _alternatives(_zone_names()) + ")"
        elif code in _DIRECTIVES:
            regex = _DIRECTIVES[code]
        else:
            raise ValueError("'%s' is a bad directive in format '%s'" % (code, fmt))
        if code in seen and code != "%":
            # A directive used twice must match the same text both times.
            regex = "(?P=%s)" % code
        seen.add(code)
        pieces.append(regex)
    pattern = re.compile("".join(pieces), re.IGNORECASE)
    if len(_cache) > 100:
        _cache.clear()
    _cache[fmt] = pattern
    return pattern


def _ordinal(year, month, day):
    import datetime
    return datetime.date(year, month, day).toordinal()


def _week_to_julian(year, week, weekday, week_starts_monday):
    """Day of the year for %U/%W week numbers (weekday: Monday 0)."""
    first_weekday = (_ordinal(year, 1, 1) + 6) % 7
    if week_starts_monday:
        first_week_start = (7 - first_weekday) % 7
        days_into_week = weekday
    else:
        first_week_start = (6 - first_weekday) % 7
        days_into_week = (weekday + 1) % 7
    if week == 0:
        return 1 + days_into_week - (7 - first_week_start) % 7 if first_week_start else \
            1 + days_into_week - 7
    return 1 + first_week_start + (week - 1) * 7 + days_into_week


def _parse(data_string, fmt):
    for value, what in ((data_string, "strptime() argument 1"), (fmt, "strptime() argument 2")):
        if not isinstance(value, str):
            raise TypeError("%s must be str, not %s" % (what, type(value).__name__))
    found = _compile(fmt).match(data_string)
    if found is None:
        raise ValueError("time data %r does not match format %r" % (data_string, fmt))
    if found.end() != len(data_string):
        raise ValueError("unconverted data remains: %s" % data_string[found.end():])
    groups = found.groupdict()

    year = None
    month = day = 1
    hour = minute = second = fraction = 0
    julian = weekday = None
    week_of_year = None
    week_starts_monday = False
    iso_year = iso_week = None
    gmtoff = None
    gmtoff_fraction = 0
    tzname = None
    isdst = -1

    if groups.get("y") is not None:
        short = int(groups["y"])
        year = short + (2000 if short <= 68 else 1900)
    if groups.get("Y") is not None:
        year = int(groups["Y"])
    if groups.get("G") is not None:
        iso_year = int(groups["G"])
    if groups.get("m") is not None:
        month = int(groups["m"])
    for key in ("B", "b"):
        if groups.get(key) is not None:
            text = groups[key].lower()
            month = 1 + [name if key == "B" else name[:3] for name in _MONTH_NAMES].index(text)
    if groups.get("d") is not None:
        day = int(groups["d"])
    if groups.get("H") is not None:
        hour = int(groups["H"])
    if groups.get("I") is not None:
        hour = int(groups["I"])
        meridian = (groups.get("p") or "").lower()
        if meridian == "pm" and hour != 12:
            hour += 12
        elif meridian == "am" and hour == 12:
            hour = 0
    if groups.get("M") is not None:
        minute = int(groups["M"])
    if groups.get("S") is not None:
        second = int(groups["S"])
    if groups.get("f") is not None:
        fraction = int((groups["f"] + "00000")[:6])
    for key in ("A", "a"):
        if groups.get(key) is not None:
            text = groups[key].lower()
            weekday = [name if key == "A" else name[:3] for name in _DAY_NAMES].index(text)
    if groups.get("w") is not None:
        weekday = (int(groups["w"]) + 6) % 7
    if groups.get("u") is not None:
        weekday = int(groups["u"]) - 1
    if groups.get("j") is not None:
        julian = int(groups["j"])
    if groups.get("U") is not None:
        week_of_year = int(groups["U"])
    if groups.get("W") is not None:
        week_of_year = int(groups["W"])
        week_starts_monday = True
    if groups.get("V") is not None:
        iso_week = int(groups["V"])
    if groups.get("z") is not None:
        gmtoff, gmtoff_fraction = _parse_offset(groups["z"])
    if groups.get("Z") is not None:
        tzname = groups["Z"]
        lowered = tzname.lower()
        if lowered in ("utc", "gmt"):
            isdst = 0
        elif time.daylight and time.tzname[0] == time.tzname[1] and lowered == \
                time.tzname[0].lower():
            isdst = -1
        else:
            for flag, name in enumerate(time.tzname):
                if name and lowered == name.lower():
                    isdst = flag
                    break

    if iso_year is not None:
        if julian is not None:
            raise ValueError("Day of the year directive '%j' is not compatible with ISO year "
                             "directive '%G'. Use '%Y' instead.")
        if iso_week is None or weekday is None:
            raise ValueError("ISO year directive '%G' must be used with the ISO week directive "
                             "'%V' and a weekday directive ('%A', '%a', '%w', or '%u').")
    elif iso_week is not None:
        if year is None or weekday is None:
            raise ValueError("ISO week directive '%V' must be used with the ISO year directive "
                             "'%G' and a weekday directive ('%A', '%a', '%w', or '%u').")
        raise ValueError("ISO week directive '%V' is incompatible with the year directive "
                         "'%Y'. Use the ISO year '%G' instead.")

    leap_year_fix = False
    if year is None:
        if month == 2 and day == 29:
            year = 1904  # a leap year, so Feb 29 parses; the result says 1900
            leap_year_fix = True
        else:
            year = 1900

    if julian is None and weekday is not None:
        if week_of_year is not None:
            julian = _week_to_julian(year, week_of_year, weekday, week_starts_monday)
        elif iso_year is not None:
            import datetime
            found_date = datetime.date.fromisocalendar(iso_year, iso_week, weekday + 1)
            year, month, day = found_date.year, found_date.month, found_date.day
            julian = found_date.timetuple().tm_yday
        if julian is not None and julian <= 0:
            year -= 1
            julian += 366 if _is_leap(year) else 365

    if julian is None:
        julian = _ordinal(year, month, day) - _ordinal(year, 1, 1) + 1
    else:
        import datetime
        found_date = datetime.date.fromordinal(julian - 1 + _ordinal(year, 1, 1))
        year, month, day = found_date.year, found_date.month, found_date.day
    if weekday is None:
        weekday = (_ordinal(year, month, day) + 6) % 7
    if leap_year_fix:
        year = 1900

    fields = (year, month, day, hour, minute, second, weekday, julian, isdst, tzname, gmtoff)
    return fields, fraction, gmtoff_fraction


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _parse_offset(text):
    """Seconds east of UTC and the microseconds part, from Z, +HHMM, +HH:MM[:SS[.ffffff]]."""
    if text.upper() == "Z":
        return 0, 0
    sign = -1 if text[0] == "-" else 1
    body = text[1:]
    if ":" in body:
        parts = body.split(":")
        if len(parts) > 3 or any(len(part) < 2 for part in parts):
            raise ValueError("Inconsistent use of : in %s" % text)
    else:
        parts = [body[0:2], body[2:4]]
        if len(body) > 4:
            parts.append(body[4:])
    hours, minutes = int(parts[0]), int(parts[1])
    seconds, micro = 0, 0
    if len(parts) == 3:
        whole, _, frac = parts[2].partition(".")
        seconds = int(whole)
        if frac:
            micro = int((frac + "00000")[:6])
    return sign * (hours * 3600 + minutes * 60 + seconds), sign * micro


def _strptime_time(data_string, fmt="%a %b %d %H:%M:%S %Y"):
    fields = _parse(data_string, fmt)[0]
    return time.struct_time(fields[:9])


def _strptime_datetime(cls, data_string, fmt="%a %b %d %H:%M:%S %Y"):
    import datetime
    fields, fraction, gmtoff_fraction = _parse(data_string, fmt)
    tzname, gmtoff = fields[9], fields[10]
    args = fields[:6] + (fraction,)
    if gmtoff is not None:
        delta = datetime.timedelta(seconds=gmtoff, microseconds=gmtoff_fraction)
        tz = datetime.timezone(delta, tzname) if tzname else datetime.timezone(delta)
        args += (tz,)
    return cls(*args)
