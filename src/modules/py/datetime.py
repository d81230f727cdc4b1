"""Dates, times, durations and fixed-offset time zones (toy's own implementation).

Every value is immutable and kept as plain integer fields. Calendar arithmetic goes through
proleptic Gregorian ordinals (day 1 is 0001-01-01), so adding a duration is integer arithmetic
on microseconds and never touches floating point; float inputs are converted exactly (through
their integer ratio) and rounded half-to-even, which is what CPython's results show. CPython writes these classes in C, so each is marked
`__toy_static__` to be named `datetime.X` in messages as CPython's are.
"""

import time as _time
from operator import index as _index

MINYEAR = 1
MAXYEAR = 9999

_MAX_DELTA_DAYS = 999999999
_US_PER_SECOND = 1000000
_US_PER_DAY = 86400 * _US_PER_SECOND

_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_DAYS_BEFORE_MONTH = (0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_MONTH_NAMES = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# ---- calendar arithmetic --------------------------------------------------------------------

def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_before_year(year):
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400


def _day_of_year(year, month, day):
    if month > 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return _DAYS_BEFORE_MONTH[month] + 1 + day
    return _DAYS_BEFORE_MONTH[month] + day


def _ymd_to_ordinal(year, month, day):
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400 + _day_of_year(year, month, day)


_DAYS_IN_400_YEARS = _days_before_year(401)
_DAYS_IN_100_YEARS = _days_before_year(101)
_DAYS_IN_4_YEARS = _days_before_year(5)


def _ordinal_to_ymd(ordinal):
    """Peel off whole 400-, 100-, 4- and 1-year cycles, then walk the months of the last year."""
    n = ordinal - 1
    cycles400, n = divmod(n, _DAYS_IN_400_YEARS)
    cycles100, n = divmod(n, _DAYS_IN_100_YEARS)
    cycles4, n = divmod(n, _DAYS_IN_4_YEARS)
    years, n = divmod(n, 365)
    year = cycles400 * 400 + cycles100 * 100 + cycles4 * 4 + years + 1
    if years == 4 or cycles100 == 4:
        # The last day of a leap cycle: the divisions overshoot by one year.
        return year - 1, 12, 31
    leap = years == 3 and (cycles4 != 24 or cycles100 == 3)
    # Every month starts at most 3 days before its non-leap position, so a guess from the
    # average month length is right or one too far.
    month = (n + 50) >> 5
    before = _DAYS_BEFORE_MONTH[month] + (1 if leap and month > 2 else 0)
    if before > n:
        month -= 1
        before = _DAYS_BEFORE_MONTH[month] + (1 if leap and month > 2 else 0)
    return year, month, n - before + 1


def _iso_week1_monday(year):
    jan4 = _ymd_to_ordinal(year, 1, 4)
    return jan4 - (jan4 + 6) % 7


def _weekday_of_ordinal(ordinal):
    return (ordinal + 6) % 7


# ---- argument checking -----------------------------------------------------------------------

def _as_int(value):
    if isinstance(value, int):
        return int(value)
    return _index(value)


def _check_date_fields(year, month, day):
    if type(year) is not int or type(month) is not int or type(day) is not int:
        year, month, day = _as_int(year), _as_int(month), _as_int(day)
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError("year %d is out of range" % year)
    if not 1 <= month <= 12:
        raise ValueError("month must be in 1..12")
    if day < 1 or (day > _MONTH_DAYS[month] and (day != 29 or month != 2 or not _is_leap(year))):
        raise ValueError("day is out of range for month")
    return year, month, day


def _require_month_day(month, day):
    if month is None:
        raise TypeError("function missing required argument 'month' (pos 2)")
    if day is None:
        raise TypeError("function missing required argument 'day' (pos 3)")


def _check_time_fields(hour, minute, second, microsecond, fold):
    if (type(hour) is not int or type(minute) is not int or type(second) is not int
            or type(microsecond) is not int or type(fold) is not int):
        hour, minute, second = _as_int(hour), _as_int(minute), _as_int(second)
        microsecond, fold = _as_int(microsecond), _as_int(fold)
    if not 0 <= hour <= 23:
        raise ValueError("hour must be in 0..23")
    if not 0 <= minute <= 59:
        raise ValueError("minute must be in 0..59")
    if not 0 <= second <= 59:
        raise ValueError("second must be in 0..59")
    if not 0 <= microsecond <= 999999:
        raise ValueError("microsecond must be in 0..999999")
    if fold not in (0, 1):
        raise ValueError("fold must be either 0 or 1")
    return hour, minute, second, microsecond, fold


def _check_tzinfo(tz):
    if tz is not None and not isinstance(tz, tzinfo):
        raise TypeError("tzinfo argument must be None or of a tzinfo subclass, not type '%s'"
                        % type(tz).__name__)


def _type_label(obj):
    cls = type(obj)
    if cls.__module__ == "datetime":
        return "datetime." + cls.__name__
    return cls.__name__


def _round_half_even(numerator, denominator):
    """numerator / denominator rounded to the nearest int, ties to even (denominator > 0)."""
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient


def _exact_ratio(value):
    if isinstance(value, int):
        return int(value), 1
    return value.as_integer_ratio()


# ---- timedelta -------------------------------------------------------------------------------

class _Ordered:
    """<, <=, > and >= from one `_ordered(other)`: -1, 0, 1, or NotImplemented."""

    __slots__ = ()

    def __lt__(self, other):
        order = self._ordered(other)
        return order if order is NotImplemented else order < 0

    def __le__(self, other):
        order = self._ordered(other)
        return order if order is NotImplemented else order <= 0

    def __gt__(self, other):
        order = self._ordered(other)
        return order if order is NotImplemented else order > 0

    def __ge__(self, other):
        order = self._ordered(other)
        return order if order is NotImplemented else order >= 0


def _delta_from_us(cls, total_us):
    days, rest = divmod(total_us, _US_PER_DAY)
    if not -_MAX_DELTA_DAYS <= days <= _MAX_DELTA_DAYS:
        raise OverflowError("days=%d; must have magnitude <= %d" % (days, _MAX_DELTA_DAYS))
    seconds, microseconds = divmod(rest, _US_PER_SECOND)
    self = object.__new__(cls)
    self._days = days
    self._seconds = seconds
    self._microseconds = microseconds
    self._hashcode = -1
    return self


_DELTA_UNITS = (
    ("days", _US_PER_DAY), ("seconds", _US_PER_SECOND), ("microseconds", 1),
    ("milliseconds", 1000), ("minutes", 60 * _US_PER_SECOND),
    ("hours", 3600 * _US_PER_SECOND), ("weeks", 7 * _US_PER_DAY),
)


class timedelta(_Ordered):
    """Difference between two datetime values."""

    __toy_static__ = True

    __slots__ = ("_days", "_seconds", "_microseconds", "_hashcode")

    def __new__(cls, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0,
                weeks=0):
        if (type(days) is int and type(seconds) is int and type(microseconds) is int
                and type(milliseconds) is int and type(minutes) is int and type(hours) is int
                and type(weeks) is int):
            total = ((((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds) \
                * _US_PER_SECOND + milliseconds * 1000 + microseconds
            return _delta_from_us(cls, total)
        values = (days, seconds, microseconds, milliseconds, minutes, hours, weeks)
        # Sum exactly as a fraction over a common power-of-two denominator, then round once.
        numerator, denominator = 0, 1
        for (name, unit), value in zip(_DELTA_UNITS, values):
            if not isinstance(value, (int, float)):
                raise TypeError("unsupported type for timedelta %s component: %s"
                                % (name, type(value).__name__))
            if isinstance(value, float) and (value != value or value in (_INF, -_INF)):
                raise ValueError("cannot convert float %s to integer" % value)
            num, den = _exact_ratio(value)
            if den == denominator:
                numerator += num * unit
            else:
                common = den * denominator // _gcd(den, denominator)
                numerator = numerator * (common // denominator) + num * unit * (common // den)
                denominator = common
        return _delta_from_us(cls, _round_half_even(numerator, denominator))

    @property
    def days(self):
        return self._days

    @property
    def seconds(self):
        return self._seconds

    @property
    def microseconds(self):
        return self._microseconds

    def _total_us(self):
        return (self._days * 86400 + self._seconds) * _US_PER_SECOND + self._microseconds

    def total_seconds(self):
        return self._total_us() / _US_PER_SECOND

    def __repr__(self):
        parts = []
        if self._days:
            parts.append("days=%d" % self._days)
        if self._seconds:
            parts.append("seconds=%d" % self._seconds)
        if self._microseconds:
            parts.append("microseconds=%d" % self._microseconds)
        return "%s(%s)" % (_type_label(self), ", ".join(parts) or "0")

    def __str__(self):
        minutes, seconds = divmod(self._seconds, 60)
        hours, minutes = divmod(minutes, 60)
        text = "%d:%02d:%02d" % (hours, minutes, seconds)
        if self._microseconds:
            text += ".%06d" % self._microseconds
        if self._days:
            plural = "" if abs(self._days) == 1 else "s"
            text = "%d day%s, %s" % (self._days, plural, text)
        return text

    def __add__(self, other):
        if isinstance(other, timedelta):
            return _delta_from_us(timedelta, self._total_us() + other._total_us())
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return _delta_from_us(timedelta, self._total_us() - other._total_us())
        return NotImplemented

    def __rsub__(self, other):
        if isinstance(other, timedelta):
            return -self + other
        return NotImplemented

    def __neg__(self):
        return _delta_from_us(timedelta, -self._total_us())

    def __pos__(self):
        return _delta_from_us(timedelta, self._total_us())

    def __abs__(self):
        return -self if self._days < 0 else +self

    def __mul__(self, other):
        if isinstance(other, int):
            return _delta_from_us(timedelta, self._total_us() * other)
        if isinstance(other, float):
            num, den = other.as_integer_ratio()
            return _delta_from_us(timedelta, _round_half_even(self._total_us() * num, den))
        return NotImplemented

    __rmul__ = __mul__

    def __floordiv__(self, other):
        if isinstance(other, timedelta):
            return self._total_us() // other._total_us()
        if isinstance(other, int):
            return _delta_from_us(timedelta, self._total_us() // other)
        return NotImplemented

    def __truediv__(self, other):
        if isinstance(other, timedelta):
            return self._total_us() / other._total_us()
        if isinstance(other, int):
            if other == 0:
                raise ZeroDivisionError("division by zero")
            num, den = self._total_us(), other
        elif isinstance(other, float):
            ratio_num, ratio_den = other.as_integer_ratio()
            if ratio_num == 0:
                raise ZeroDivisionError("division by zero")
            num, den = self._total_us() * ratio_den, ratio_num
        else:
            return NotImplemented
        if den < 0:
            num, den = -num, -den
        return _delta_from_us(timedelta, _round_half_even(num, den))

    def __mod__(self, other):
        if isinstance(other, timedelta):
            return _delta_from_us(timedelta, self._total_us() % other._total_us())
        return NotImplemented

    def __divmod__(self, other):
        if isinstance(other, timedelta):
            q, r = divmod(self._total_us(), other._total_us())
            return q, _delta_from_us(timedelta, r)
        return NotImplemented

    def _compare(self, other):
        a, b = self._total_us(), other._total_us()
        return (a > b) - (a < b)

    def __eq__(self, other):
        if isinstance(other, timedelta):
            return self._compare(other) == 0
        return NotImplemented

    def _ordered(self, other):
        if isinstance(other, timedelta):
            return self._compare(other)
        return NotImplemented

    def __hash__(self):
        if self._hashcode == -1:
            self._hashcode = hash((self._days, self._seconds, self._microseconds))
        return self._hashcode

    def __bool__(self):
        return bool(self._days or self._seconds or self._microseconds)

    def __reduce__(self):
        return type(self), (self._days, self._seconds, self._microseconds)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


_INF = float("inf")

timedelta.min = _delta_from_us(timedelta, -_MAX_DELTA_DAYS * _US_PER_DAY)
timedelta.max = _delta_from_us(timedelta, (_MAX_DELTA_DAYS + 1) * _US_PER_DAY - 1)
timedelta.resolution = _delta_from_us(timedelta, 1)


# ---- formatting helpers ----------------------------------------------------------------------

def _format_offset(offset, separator=":"):
    """'+HH:MM', with ':SS' and '.ffffff' only when needed; '' for None."""
    if offset is None:
        return ""
    sign = "+"
    if offset._days < 0:
        sign = "-"
        offset = -offset
    minutes, seconds = divmod(offset._seconds, 60)
    hours, minutes = divmod(minutes, 60)
    text = "%s%02d%s%02d" % (sign, hours, separator, minutes)
    if seconds or offset._microseconds:
        text += "%s%02d" % (separator, seconds)
        if offset._microseconds:
            text += ".%06d" % offset._microseconds
    return text


_TIMESPECS = ("auto", "hours", "minutes", "seconds", "milliseconds", "microseconds")


def _format_clock(hour, minute, second, microsecond, timespec):
    if timespec == "auto":
        timespec = "microseconds" if microsecond else "seconds"
    if timespec == "hours":
        return "%02d" % hour
    if timespec == "minutes":
        return "%02d:%02d" % (hour, minute)
    if timespec == "seconds":
        return "%02d:%02d:%02d" % (hour, minute, second)
    if timespec == "milliseconds":
        return "%02d:%02d:%02d.%03d" % (hour, minute, second, microsecond // 1000)
    if timespec == "microseconds":
        return "%02d:%02d:%02d.%06d" % (hour, minute, second, microsecond)
    raise ValueError("Unknown timespec value")


def _strftime(value, fmt, timetuple):
    """Expand %f, %z and %Z here (time.strftime knows nothing of tzinfo or microseconds) and
    leave every other directive to time.strftime."""
    if not isinstance(fmt, str):
        raise TypeError("strftime() argument 1 must be str, not %s" % type(fmt).__name__)
    pieces = []
    i, n = 0, len(fmt)
    while i < n:
        ch = fmt[i]
        if ch != "%" or i + 1 == n:
            pieces.append(ch)
            i += 1
            continue
        code = fmt[i + 1]
        i += 2
        if code == "f":
            pieces.append("%06d" % getattr(value, "microsecond", 0))
        elif code == "z":
            offset = value.utcoffset() if hasattr(value, "utcoffset") else None
            pieces.append(_format_offset(offset, "").replace("%", "%%"))
        elif code == "Z":
            name = value.tzname() if hasattr(value, "tzname") else None
            pieces.append((name or "").replace("%", "%%"))
        else:
            pieces.append("%" + code)
    return _time.strftime("".join(pieces), timetuple)


def _check_offset(name, offset):
    if offset is None:
        return None
    if not isinstance(offset, timedelta):
        raise TypeError("tzinfo.%s() must return None or timedelta, not '%s'"
                        % (name, type(offset).__name__))
    if not -timedelta(1) < offset < timedelta(1):
        raise ValueError("offset must be a timedelta strictly between -timedelta(hours=24) and "
                         "timedelta(hours=24), not %r." % offset)
    return offset


def _check_tzname(name):
    if name is not None and not isinstance(name, str):
        raise TypeError("tzinfo.tzname() must return None or a string, not '%s'"
                        % type(name).__name__)
    return name


# ---- date ------------------------------------------------------------------------------------

def _make_date(cls, year, month, day):
    if cls is date:
        self = object.__new__(date)
        self._year = year
        self._month = month
        self._day = day
        self._hashcode = -1
        return self
    return cls(year, month, day)


def _date_from_ordinal(cls, ordinal):
    if not 1 <= ordinal <= _MAX_ORDINAL:
        raise OverflowError("date value out of range")
    return _make_date(cls, *_ordinal_to_ymd(ordinal))


class date(_Ordered):
    """date(year, month, day) --> date object"""

    __toy_static__ = True

    __slots__ = ("_year", "_month", "_day", "_hashcode")

    def __new__(cls, year, month=None, day=None):
        _require_month_day(month, day)
        year, month, day = _check_date_fields(year, month, day)
        self = object.__new__(cls)
        self._year = year
        self._month = month
        self._day = day
        self._hashcode = -1
        return self

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())

    @classmethod
    def fromtimestamp(cls, t):
        tm = _time.localtime(t)
        return cls(tm.tm_year, tm.tm_mon, tm.tm_mday)

    @classmethod
    def fromordinal(cls, n):
        n = _as_int(n)
        if n < 1:
            raise ValueError("ordinal must be >= 1")
        return _date_from_ordinal(cls, n)

    @classmethod
    def fromisoformat(cls, date_string):
        if not isinstance(date_string, str):
            raise TypeError("fromisoformat: argument must be str")
        fields = _parse_iso_date(date_string)
        if fields is None or len(date_string) not in (7, 8, 10):
            raise ValueError("Invalid isoformat string: %r" % (date_string,))
        return cls(*fields)

    @classmethod
    def fromisocalendar(cls, year, week, day):
        return cls(*_iso_to_ymd(year, week, day))

    @property
    def year(self):
        return self._year

    @property
    def month(self):
        return self._month

    @property
    def day(self):
        return self._day

    def __repr__(self):
        return "%s(%d, %d, %d)" % (_type_label(self), self._year, self._month, self._day)

    def isoformat(self):
        return "%04d-%02d-%02d" % (self._year, self._month, self._day)

    def __str__(self):
        return self.isoformat()

    def ctime(self):
        weekday = _weekday_of_ordinal(self.toordinal())
        return "%s %s %2d 00:00:00 %04d" % (_DAY_NAMES[weekday], _MONTH_NAMES[self._month],
                                             self._day, self._year)

    def timetuple(self):
        return _time.struct_time((self._year, self._month, self._day, 0, 0, 0, self.weekday(),
                                  _day_of_year(self._year, self._month, self._day), -1))

    def strftime(self, format):
        return _strftime(self, format, self.timetuple())

    def __format__(self, fmt):
        if not isinstance(fmt, str):
            raise TypeError("must be str, not %s" % type(fmt).__name__)
        if fmt:
            return self.strftime(fmt)
        return str(self)

    def toordinal(self):
        return _ymd_to_ordinal(self._year, self._month, self._day)

    def weekday(self):
        return _weekday_of_ordinal(self.toordinal())

    def isoweekday(self):
        return self.weekday() + 1

    def isocalendar(self):
        year = self._year
        today = self.toordinal()
        week1 = _iso_week1_monday(year)
        week, day = divmod(today - week1, 7)
        if week < 0:
            year -= 1
            week, day = divmod(today - _iso_week1_monday(year), 7)
        elif week >= 52 and today >= _iso_week1_monday(year + 1):
            year += 1
            week = 0
        return IsoCalendarDate(year, week + 1, day + 1)

    def replace(self, year=None, month=None, day=None):
        return type(self)(self._year if year is None else year,
                          self._month if month is None else month,
                          self._day if day is None else day)

    def __add__(self, other):
        if isinstance(other, timedelta):
            return _date_from_ordinal(type(self), self.toordinal() + other._days)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return _date_from_ordinal(type(self), self.toordinal() - other._days)
        if isinstance(other, date) and not isinstance(other, datetime):
            return timedelta(self.toordinal() - other.toordinal())
        return NotImplemented

    def _comparable(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return True
        if isinstance(other, datetime):
            raise TypeError("can't compare %s to %s" % (_type_label(other), _type_label(self)))
        return False

    def _key(self):
        return (self._year, self._month, self._day)

    def __eq__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._key() == other._key()
        if isinstance(other, datetime):
            return False
        return NotImplemented

    def _ordered(self, other):
        if self._comparable(other):
            a, b = self._key(), other._key()
            return (a > b) - (a < b)
        return NotImplemented

    def __hash__(self):
        if self._hashcode == -1:
            self._hashcode = hash(self._key())
        return self._hashcode

    def __reduce__(self):
        return type(self), self._key()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


_MAX_ORDINAL = _ymd_to_ordinal(MAXYEAR, 12, 31)

date.min = date(MINYEAR, 1, 1)
date.max = date(MAXYEAR, 12, 31)
date.resolution = timedelta(days=1)


class IsoCalendarDate(tuple):
    """The (year, week, weekday) triple of date.isocalendar(), addressable by name."""

    __toy_static__ = True

    __slots__ = ()

    def __new__(cls, year, week, weekday):
        return tuple.__new__(cls, (year, week, weekday))

    @property
    def year(self):
        return self[0]

    @property
    def week(self):
        return self[1]

    @property
    def weekday(self):
        return self[2]

    def __repr__(self):
        return "%s(year=%d, week=%d, weekday=%d)" % (_type_label(self), self[0], self[1],
                                                    self[2])

    def __reduce__(self):
        return tuple, (tuple(self),)


def _iso_to_ymd(year, week, day):
    year, week, day = _as_int(year), _as_int(week), _as_int(day)
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError("Year is out of range: %d" % year)
    if not 0 < week < 53:
        long_year = week == 53 and (
            _weekday_of_ordinal(_ymd_to_ordinal(year, 1, 1)) == 3
            or (_weekday_of_ordinal(_ymd_to_ordinal(year, 1, 1)) == 2 and _is_leap(year)))
        if not long_year:
            raise ValueError("Invalid week: %d" % week)
    if not 0 < day < 8:
        raise ValueError("Invalid weekday: %d (range is [1, 7])" % day)
    ordinal = _iso_week1_monday(year) + (week - 1) * 7 + (day - 1)
    return _ordinal_to_ymd(ordinal)


# ---- tzinfo and timezone ---------------------------------------------------------------------

class tzinfo:
    """Abstract base class for time zone info objects."""

    __toy_static__ = True

    __slots__ = ()

    def tzname(self, dt):
        raise NotImplementedError("a tzinfo subclass must implement tzname()")

    def utcoffset(self, dt):
        raise NotImplementedError("a tzinfo subclass must implement utcoffset()")

    def dst(self, dt):
        raise NotImplementedError("a tzinfo subclass must implement dst()")

    def fromutc(self, dt):
        if not isinstance(dt, datetime):
            raise TypeError("fromutc() requires a datetime argument")
        if dt.tzinfo is not self:
            raise ValueError("dt.tzinfo is not self")
        offset = dt.utcoffset()
        if offset is None:
            raise ValueError("fromutc() requires a non-None utcoffset() result")
        dst = dt.dst()
        if dst is None:
            raise ValueError("fromutc() requires a non-None dst() result")
        standard = offset - dst
        if standard:
            dt = dt + standard
            dst = dt.dst()
            if dst is None:
                raise ValueError("fromutc(): dt.dst gave inconsistent results; cannot convert")
        return dt + dst

    def __reduce__(self):
        args = getattr(self, "__getinitargs__", None)
        args = args() if args else ()
        state = getattr(self, "__dict__", None) or None
        return type(self), args, state


class timezone(tzinfo):
    """Fixed offset from UTC implementation of tzinfo."""

    __toy_static__ = True

    __slots__ = ("_offset", "_name")

    def __new__(cls, offset, name=None):
        if not isinstance(offset, timedelta):
            raise TypeError("timezone() argument 1 must be datetime.timedelta, not %s"
                            % type(offset).__name__)
        if name is None:
            if not offset and cls is timezone:
                return timezone.utc
        elif not isinstance(name, str):
            raise TypeError("timezone() argument 2 must be str, not %s" % type(name).__name__)
        if not -timedelta(1) < offset < timedelta(1):
            raise ValueError("offset must be a timedelta strictly between -timedelta(hours=24) "
                             "and timedelta(hours=24), not %r." % offset)
        return cls._create(offset, name)

    @classmethod
    def _create(cls, offset, name=None):
        self = tzinfo.__new__(cls)
        self._offset = offset
        self._name = name
        return self

    def __getinitargs__(self):
        if self._name is None:
            return (self._offset,)
        return (self._offset, self._name)

    def __reduce__(self):
        return type(self), self.__getinitargs__()

    def __eq__(self, other):
        if isinstance(other, timezone):
            return self._offset == other._offset
        return NotImplemented

    def __hash__(self):
        return hash(self._offset)

    def __repr__(self):
        if self is timezone.utc:
            return "datetime.timezone.utc"
        label = _type_label(self)
        if self._name is None:
            return "%s(%r)" % (label, self._offset)
        return "%s(%r, %r)" % (label, self._offset, self._name)

    def __str__(self):
        return self.tzname(None)

    def _check_argument(self, method, dt):
        if dt is not None and not isinstance(dt, datetime):
            raise TypeError("%s() argument must be a datetime instance or None, not %s"
                            % (method, type(dt).__name__))

    def utcoffset(self, dt):
        self._check_argument("utcoffset", dt)
        return self._offset

    def tzname(self, dt):
        self._check_argument("tzname", dt)
        if self._name is not None:
            return self._name
        if not self._offset:
            return "UTC"
        return "UTC" + _format_offset(self._offset)

    def dst(self, dt):
        self._check_argument("dst", dt)
        return None

    def fromutc(self, dt):
        if not isinstance(dt, datetime):
            raise TypeError("fromutc() argument must be a datetime instance or None")
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        return dt + self._offset


timezone.utc = timezone._create(timedelta(0))
timezone.min = timezone._create(-timedelta(hours=23, minutes=59))
timezone.max = timezone._create(timedelta(hours=23, minutes=59))
UTC = timezone.utc


# ---- time ------------------------------------------------------------------------------------

class time(_Ordered):
    """time([hour[, minute[, second[, microsecond[, tzinfo]]]]]) --> a time object"""

    __toy_static__ = True

    __slots__ = ("_hour", "_minute", "_second", "_microsecond", "_tzinfo", "_fold", "_hashcode")

    def __new__(cls, hour=0, minute=0, second=0, microsecond=0, tzinfo=None, *, fold=0):
        hour, minute, second, microsecond, fold = _check_time_fields(
            hour, minute, second, microsecond, fold)
        _check_tzinfo(tzinfo)
        self = object.__new__(cls)
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tzinfo
        self._fold = fold
        self._hashcode = -1
        return self

    @classmethod
    def fromisoformat(cls, time_string):
        if not isinstance(time_string, str):
            raise TypeError("fromisoformat: argument must be str")
        text = time_string[1:] if time_string.startswith("T") else time_string
        fields = _parse_iso_time(text)
        if fields is None:
            raise ValueError("Invalid isoformat string: %r" % (time_string,))
        return cls(*fields)

    hour = property(lambda self: self._hour, doc="hour (0-23)")
    minute = property(lambda self: self._minute, doc="minute (0-59)")
    second = property(lambda self: self._second, doc="second (0-59)")
    microsecond = property(lambda self: self._microsecond, doc="microsecond (0-999999)")
    tzinfo = property(lambda self: self._tzinfo, doc="timezone info object")
    fold = property(lambda self: self._fold)

    def utcoffset(self):
        if self._tzinfo is None:
            return None
        return _check_offset("utcoffset", self._tzinfo.utcoffset(None))

    def dst(self):
        if self._tzinfo is None:
            return None
        return _check_offset("dst", self._tzinfo.dst(None))

    def tzname(self):
        if self._tzinfo is None:
            return None
        return _check_tzname(self._tzinfo.tzname(None))

    def isoformat(self, timespec="auto"):
        text = _format_clock(self._hour, self._minute, self._second, self._microsecond,
                             timespec)
        return text + _format_offset(self.utcoffset())

    def __str__(self):
        return self.isoformat()

    def __repr__(self):
        fields = [self._hour, self._minute]
        if self._second or self._microsecond:
            fields.append(self._second)
        if self._microsecond:
            fields.append(self._microsecond)
        text = "%s(%s" % (_type_label(self), ", ".join("%d" % f for f in fields))
        if self._tzinfo is not None:
            text += ", tzinfo=%r" % (self._tzinfo,)
        if self._fold:
            text += ", fold=1"
        return text + ")"

    def strftime(self, format):
        timetuple = (1900, 1, 1, self._hour, self._minute, self._second, 0, 1, -1)
        return _strftime(self, format, timetuple)

    def __format__(self, fmt):
        if not isinstance(fmt, str):
            raise TypeError("must be str, not %s" % type(fmt).__name__)
        if fmt:
            return self.strftime(fmt)
        return str(self)

    def replace(self, hour=None, minute=None, second=None, microsecond=None, tzinfo=True, *,
                fold=None):
        return type(self)(self._hour if hour is None else hour,
                          self._minute if minute is None else minute,
                          self._second if second is None else second,
                          self._microsecond if microsecond is None else microsecond,
                          self._tzinfo if tzinfo is True else tzinfo,
                          fold=self._fold if fold is None else fold)

    def _key(self, other):
        """Comparable keys for self and other, or raise as CPython does for naive vs aware."""
        mine, theirs = self.utcoffset(), other.utcoffset()
        if self._tzinfo is other._tzinfo or mine == theirs:
            return self._clock(), other._clock()
        if (mine is None) != (theirs is None):
            raise TypeError("can't compare offset-naive and offset-aware times")
        return (self._minutes_utc(mine), self._second, self._microsecond), \
            (other._minutes_utc(theirs), other._second, other._microsecond)

    def _clock(self):
        return (self._hour, self._minute, self._second, self._microsecond)

    def _minutes_utc(self, offset):
        return self._hour * 60 + self._minute - offset // timedelta(minutes=1)

    def __eq__(self, other):
        if not isinstance(other, time):
            return NotImplemented
        try:
            mine, theirs = self._key(other)
        except TypeError:
            return False
        return mine == theirs

    def _ordered(self, other):
        if not isinstance(other, time):
            return NotImplemented
        mine, theirs = self._key(other)
        return (mine > theirs) - (mine < theirs)

    def __hash__(self):
        if self._hashcode == -1:
            offset = self.utcoffset()
            if offset is None:
                self._hashcode = hash(self._clock())
            else:
                self._hashcode = hash((self._minutes_utc(offset), self._second,
                                       self._microsecond))
        return self._hashcode

    def __reduce__(self):
        return type(self), (self._hour, self._minute, self._second, self._microsecond,
                            self._tzinfo)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


time.min = time(0, 0, 0)
time.max = time(23, 59, 59, 999999)
time.resolution = timedelta(microseconds=1)


# ---- datetime --------------------------------------------------------------------------------

def _local_offset(seconds_since_epoch):
    tm = _time.localtime(seconds_since_epoch)
    return timedelta(seconds=tm.tm_gmtoff), tm.tm_zone


def _split_timestamp(t):
    """Whole seconds and microseconds of a timestamp, microseconds rounded half to even."""
    if isinstance(t, int):
        return t, 0
    if not isinstance(t, float):
        t = float(t)
    if t != t or t in (_INF, -_INF):
        raise ValueError("Invalid value %s" % t)
    num, den = t.as_integer_ratio()
    total_us = _round_half_even(num * _US_PER_SECOND, den)
    return divmod(total_us, _US_PER_SECOND)


class datetime(date):
    """datetime(year, month, day[, hour[, minute[, second[, microsecond[,tzinfo]]]]])"""

    __toy_static__ = True

    __slots__ = ("_hour", "_minute", "_second", "_microsecond", "_tzinfo", "_fold")

    def __new__(cls, year, month=None, day=None, hour=0, minute=0, second=0, microsecond=0,
                tzinfo=None, *, fold=0):
        _require_month_day(month, day)
        year, month, day = _check_date_fields(year, month, day)
        hour, minute, second, microsecond, fold = _check_time_fields(
            hour, minute, second, microsecond, fold)
        _check_tzinfo(tzinfo)
        self = object.__new__(cls)
        self._year = year
        self._month = month
        self._day = day
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tzinfo
        self._fold = fold
        self._hashcode = -1
        return self

    hour = property(lambda self: self._hour, doc="hour (0-23)")
    minute = property(lambda self: self._minute, doc="minute (0-59)")
    second = property(lambda self: self._second, doc="second (0-59)")
    microsecond = property(lambda self: self._microsecond, doc="microsecond (0-999999)")
    tzinfo = property(lambda self: self._tzinfo, doc="timezone info object")
    fold = property(lambda self: self._fold)

    @classmethod
    def _from_fields(cls, year, month, day, hour, minute, second, microsecond, tz, fold=0):
        if cls is datetime:
            self = object.__new__(datetime)
            self._year = year
            self._month = month
            self._day = day
            self._hour = hour
            self._minute = minute
            self._second = second
            self._microsecond = microsecond
            self._tzinfo = tz
            self._fold = fold
            self._hashcode = -1
            return self
        return cls(year, month, day, hour, minute, second, microsecond, tz, fold=fold)

    @classmethod
    def _from_us(cls, total_us, tz, fold=0):
        """The datetime total_us microseconds after 0001-01-01 00:00 (as ordinal 1)."""
        days, us = divmod(total_us, _US_PER_DAY)
        if not 0 <= days < _MAX_ORDINAL:
            raise OverflowError("date value out of range")
        seconds, microsecond = divmod(us, _US_PER_SECOND)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        year, month, day = _ordinal_to_ymd(days + 1)
        return cls._from_fields(year, month, day, hour, minute, second, microsecond, tz, fold)

    def _total_us(self):
        """Microseconds since 0001-01-01 00:00, ignoring tzinfo."""
        days = _ymd_to_ordinal(self._year, self._month, self._day) - 1
        seconds = days * 86400 + self._hour * 3600 + self._minute * 60 + self._second
        return seconds * _US_PER_SECOND + self._microsecond

    @classmethod
    def fromtimestamp(cls, t, tz=None):
        _check_tzinfo(tz)
        seconds, us = _split_timestamp(t)
        if tz is None:
            tm = _time.localtime(seconds)
            return cls._from_fields(tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min,
                                    min(tm.tm_sec, 59), us, None)
        utc = cls._from_us(_EPOCH_US + seconds * _US_PER_SECOND + us, tz)
        return tz.fromutc(utc)

    @classmethod
    def utcfromtimestamp(cls, t):
        seconds, us = _split_timestamp(t)
        return cls._from_us(_EPOCH_US + seconds * _US_PER_SECOND + us, None)

    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(_time.time(), tz)

    @classmethod
    def utcnow(cls):
        return cls.utcfromtimestamp(_time.time())

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())

    @classmethod
    def fromordinal(cls, n):
        n = _as_int(n)
        if n < 1:
            raise ValueError("ordinal must be >= 1")
        return cls._from_us((n - 1) * _US_PER_DAY, None)

    @classmethod
    def combine(cls, date, time, tzinfo=True):
        if not isinstance(date, _date_class):
            raise TypeError("combine() argument 1 must be datetime.date, not %s"
                            % type(date).__name__)
        if not isinstance(time, _time_class):
            raise TypeError("combine() argument 2 must be datetime.time, not %s"
                            % type(time).__name__)
        if tzinfo is True:
            tzinfo = time.tzinfo
        return cls(date.year, date.month, date.day, time.hour, time.minute, time.second,
                   time.microsecond, tzinfo, fold=time.fold)

    @classmethod
    def fromisoformat(cls, date_string):
        if not isinstance(date_string, str):
            raise TypeError("fromisoformat: argument must be str")
        fields = _parse_iso_datetime(date_string)
        if fields is None:
            raise ValueError("Invalid isoformat string: %r" % (date_string,))
        return cls(*fields)

    @classmethod
    def fromisocalendar(cls, year, week, day):
        return cls(*_iso_to_ymd(year, week, day))

    @classmethod
    def strptime(cls, date_string, format):
        import _strptime
        return _strptime._strptime_datetime(cls, date_string, format)

    def timetuple(self):
        dst = self.dst()
        isdst = -1 if dst is None else int(bool(dst))
        return _time.struct_time((self._year, self._month, self._day, self._hour, self._minute,
                                  self._second, self.weekday(),
                                  _day_of_year(self._year, self._month, self._day), isdst))

    def utctimetuple(self):
        offset = self.utcoffset()
        value = self
        if offset:
            value = datetime._from_us(self._total_us() - offset._total_us(), None)
        return _time.struct_time((value._year, value._month, value._day, value._hour,
                                  value._minute, value._second, value.weekday(),
                                  _day_of_year(value._year, value._month, value._day), 0))

    def timestamp(self):
        if self._tzinfo is None:
            local_seconds = (self._total_us() - _EPOCH_US) // _US_PER_SECOND
            return self._naive_to_utc_seconds(local_seconds) + self._microsecond / 1e6
        return (self - _EPOCH).total_seconds()

    def _naive_to_utc_seconds(self, local_seconds):
        """The POSIX time whose local wall clock reads local_seconds (fold picks between the
        two candidates of a repeated hour, the later one for a skipped hour)."""
        guess = local_seconds - _local_offset(local_seconds)[0]._total_us() // _US_PER_SECOND
        candidates = []
        for probe in (guess - 86400, guess, guess + 86400):
            offset = _local_offset(probe)[0]._total_us() // _US_PER_SECOND
            candidate = local_seconds - offset
            if (_local_offset(candidate)[0]._total_us() // _US_PER_SECOND == offset
                    and candidate not in candidates):
                candidates.append(candidate)
        candidates.sort()
        if not candidates:
            return guess
        return candidates[-1] if self._fold and len(candidates) > 1 else candidates[0]

    def date(self):
        return _make_date(date, self._year, self._month, self._day)

    def time(self):
        return _time_class(self._hour, self._minute, self._second, self._microsecond,
                           fold=self._fold)

    def timetz(self):
        return _time_class(self._hour, self._minute, self._second, self._microsecond,
                           self._tzinfo, fold=self._fold)

    def replace(self, year=None, month=None, day=None, hour=None, minute=None, second=None,
                microsecond=None, tzinfo=True, *, fold=None):
        return type(self)(self._year if year is None else year,
                          self._month if month is None else month,
                          self._day if day is None else day,
                          self._hour if hour is None else hour,
                          self._minute if minute is None else minute,
                          self._second if second is None else second,
                          self._microsecond if microsecond is None else microsecond,
                          self._tzinfo if tzinfo is True else tzinfo,
                          fold=self._fold if fold is None else fold)

    def astimezone(self, tz=None):
        if tz is not None and not isinstance(tz, tzinfo):
            raise TypeError("tzinfo argument must be None or of a tzinfo subclass, not type "
                            "'%s'" % type(tz).__name__)
        offset = self.utcoffset()
        if offset is None:
            utc_seconds = self._naive_to_utc_seconds(
                (self._total_us() - _EPOCH_US) // _US_PER_SECOND)
            offset = timedelta(seconds=(self._total_us() - _EPOCH_US) // _US_PER_SECOND
                               - utc_seconds)
        elif tz is self._tzinfo:
            return self
        utc_us = self._total_us() - offset._total_us()
        if tz is None:
            local_seconds = (utc_us - _EPOCH_US) // _US_PER_SECOND
            local_offset, name = _local_offset(local_seconds)
            tz = timezone(local_offset, name)
        utc = type(self)._from_us(utc_us, tz)
        return tz.fromutc(utc)

    def utcoffset(self):
        if self._tzinfo is None:
            return None
        return _check_offset("utcoffset", self._tzinfo.utcoffset(self))

    def dst(self):
        if self._tzinfo is None:
            return None
        return _check_offset("dst", self._tzinfo.dst(self))

    def tzname(self):
        if self._tzinfo is None:
            return None
        return _check_tzname(self._tzinfo.tzname(self))

    def ctime(self):
        weekday = _weekday_of_ordinal(self.toordinal())
        return "%s %s %2d %02d:%02d:%02d %04d" % (
            _DAY_NAMES[weekday], _MONTH_NAMES[self._month], self._day, self._hour,
            self._minute, self._second, self._year)

    def isoformat(self, sep="T", timespec="auto"):
        if not isinstance(sep, str) or len(sep) != 1:
            raise TypeError("isoformat() argument 1 must be a unicode character, not %s"
                            % type(sep).__name__)
        clock = _format_clock(self._hour, self._minute, self._second, self._microsecond,
                              timespec)
        return "%04d-%02d-%02d%s%s%s" % (self._year, self._month, self._day, sep, clock,
                                         _format_offset(self.utcoffset()))

    def __str__(self):
        return self.isoformat(sep=" ")

    def __repr__(self):
        fields = [self._year, self._month, self._day, self._hour, self._minute]
        if self._second or self._microsecond:
            fields.append(self._second)
        if self._microsecond:
            fields.append(self._microsecond)
        text = "%s(%s" % (_type_label(self), ", ".join("%d" % f for f in fields))
        if self._tzinfo is not None:
            text += ", tzinfo=%r" % (self._tzinfo,)
        if self._fold:
            text += ", fold=1"
        return text + ")"

    def strftime(self, format):
        return _strftime(self, format, self.timetuple())

    def __add__(self, other):
        if isinstance(other, timedelta):
            return type(self)._from_us(self._total_us() + other._total_us(), self._tzinfo)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return type(self)._from_us(self._total_us() - other._total_us(), self._tzinfo)
        if not isinstance(other, datetime):
            return NotImplemented
        difference = self._total_us() - other._total_us()
        if self._tzinfo is not other._tzinfo:
            mine, theirs = self.utcoffset(), other.utcoffset()
            if (mine is None) != (theirs is None):
                raise TypeError("can't subtract offset-naive and offset-aware datetimes")
            if mine is not None:
                difference -= mine._total_us() - theirs._total_us()
        return _delta_from_us(timedelta, difference)

    def _compare(self, other, equality):
        """-1, 0 or 1; for == between naive and aware values, None (they are unequal)."""
        if self._tzinfo is other._tzinfo:
            a, b = self._total_us(), other._total_us()
        else:
            mine, theirs = self.utcoffset(), other.utcoffset()
            if (mine is None) != (theirs is None):
                if equality:
                    return None
                raise TypeError("can't compare offset-naive and offset-aware datetimes")
            a, b = self._total_us(), other._total_us()
            if mine is not None:
                a -= mine._total_us()
                b -= theirs._total_us()
        return (a > b) - (a < b)

    def _comparable(self, other):
        if isinstance(other, datetime):
            return True
        if isinstance(other, date):
            raise TypeError("can't compare %s to %s" % (_type_label(self), _type_label(other)))
        return False

    def __eq__(self, other):
        if isinstance(other, datetime):
            return self._compare(other, True) == 0
        if isinstance(other, date):
            return False
        return NotImplemented

    def _ordered(self, other):
        if self._comparable(other):
            return self._compare(other, False)
        return NotImplemented

    def __hash__(self):
        if self._hashcode == -1:
            offset = self.utcoffset()
            total = self._total_us()
            if offset is not None:
                total -= offset._total_us()
            self._hashcode = hash(total)
        return self._hashcode

    def __reduce__(self):
        return type(self), (self._year, self._month, self._day, self._hour, self._minute,
                            self._second, self._microsecond, self._tzinfo)


_date_class = date
_time_class = time
datetime.min = datetime(MINYEAR, 1, 1)
datetime.max = datetime(MAXYEAR, 12, 31, 23, 59, 59, 999999)
datetime.resolution = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_US = _EPOCH._total_us()


# ---- ISO 8601 parsing (the forms Python 3.11's fromisoformat accepts) ------------------------

def _digits(text, start, count):
    piece = text[start:start + count]
    if len(piece) != count or not piece.isdigit() or not piece.isascii():
        return None
    return int(piece)


def _parse_iso_date(text):
    """(year, month, day) from YYYY-MM-DD, YYYYMMDD, YYYY-Www[-D] or YYYYWww[D]; None if the
    text is none of them. Only the leading date is examined (the caller checks the length)."""
    year = _digits(text, 0, 4)
    if year is None:
        return None
    extended = text[4:5] == "-"
    pos = 5 if extended else 4
    if text[pos:pos + 1] == "W":
        week = _digits(text, pos + 1, 2)
        if week is None:
            return None
        pos += 3
        day = 1
        if len(text) > pos and (text[pos] == "-" or not extended):
            day_pos = pos + 1 if extended else pos
            parsed = _digits(text, day_pos, 1)
            if parsed is not None:
                day = parsed
        try:
            return _iso_to_ymd(year, week, day)
        except ValueError:
            return None
    month = _digits(text, pos, 2)
    if month is None:
        return None
    pos += 2
    if extended:
        if text[pos:pos + 1] != "-":
            return None
        pos += 1
    day = _digits(text, pos, 2)
    if day is None:
        return None
    return year, month, day


def _iso_date_length(text):
    if text[4:5] == "-":
        return 8 if text[5:6] == "W" and (len(text) == 8 or text[8:9] != "-") else 10
    if text[4:5] == "W":
        return 8 if len(text) >= 8 and text[7:8].isdigit() else 7
    return 8


def _parse_iso_time(text):
    """(hour, minute, second, microsecond, tzinfo) from HH[:MM[:SS[.fff[fff]]]][offset]."""
    zone = None
    for index, ch in enumerate(text):
        if ch in "+-Z":
            zone = text[index:]
            text = text[:index]
            break
    clock = _parse_iso_clock(text)
    if clock is None:
        return None
    tz = None
    if zone is not None:
        if zone == "Z":
            tz = timezone.utc
        else:
            offset = _parse_iso_clock(zone[1:])
            if offset is None:
                return None
            hours, minutes, seconds, micro = offset
            delta = timedelta(hours=hours, minutes=minutes, seconds=seconds, microseconds=micro)
            tz = timezone(-delta if zone[0] == "-" else delta)
    return clock + (tz,)


def _parse_iso_clock(text):
    extended = ":" in text
    fields = []
    pos = 0
    while pos < len(text) and len(fields) < 3:
        value = _digits(text, pos, 2)
        if value is None:
            return None
        fields.append(value)
        pos += 2
        if pos < len(text) and text[pos] == ":":
            if not extended or len(fields) == 3:
                return None
            pos += 1
        elif pos < len(text) and text[pos] not in ".," and extended:
            return None
    if not fields or (extended and text.endswith(":")):
        return None
    microsecond = 0
    if pos < len(text):
        if text[pos] not in ".," or len(fields) != 3:
            return None
        fraction = text[pos + 1:]
        if not fraction or not fraction.isdigit() or not fraction.isascii():
            return None
        microsecond = int((fraction + "00000")[:6])
    while len(fields) < 3:
        fields.append(0)
    hour, minute, second = fields
    if hour == 24 and minute == 0 and second == 0 and microsecond == 0:
        return None
    return hour, minute, second, microsecond


def _parse_iso_datetime(text):
    if (len(text) == 19 and text[4] == "-" and text[7] == "-" and text[13] == ":"
            and text[16] == ":" and text.isascii()):
        digits = text[0:4] + text[5:7] + text[8:10] + text[11:13] + text[14:16] + text[17:19]
        if digits.isdigit():
            return (int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]),
                    int(text[14:16]), int(text[17:19]))
    if len(text) < 7:
        return None
    date_length = _iso_date_length(text)
    date_fields = _parse_iso_date(text[:date_length])
    if date_fields is None:
        return None
    rest = text[date_length:]
    if not rest:
        return date_fields
    time_fields = _parse_iso_time(rest[1:])
    if time_fields is None:
        return None
    return date_fields + time_fields
