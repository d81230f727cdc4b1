"""Calendars as Python documents them: month and year layouts in text and HTML, iteration over
the weeks of a month, and a few date utilities (toy's own implementation, English names).

Everything is derived from one primitive, `Calendar._weeks(year, month)`: the month's dates
padded to whole weeks that start on `firstweekday`."""

import datetime

__all__ = ["IllegalMonthError", "IllegalWeekdayError", "setfirstweekday", "firstweekday",
           "isleap", "leapdays", "weekday", "monthrange", "monthcalendar", "prmonth", "month",
           "prcal", "calendar", "timegm", "month_name", "month_abbr", "day_name", "day_abbr",
           "Calendar", "TextCalendar", "HTMLCalendar", "LocaleTextCalendar",
           "LocaleHTMLCalendar", "weekheader", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY",
           "FRIDAY", "SATURDAY", "SUNDAY"]

error = ValueError

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)
JANUARY, FEBRUARY = 1, 2

EPOCH = 1970
_EPOCH_ORDINAL = datetime.date(EPOCH, 1, 1).toordinal()

mdays = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

_DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July",
                "August", "September", "October", "November", "December")


class IllegalMonthError(ValueError):
    def __init__(self, month):
        self.month = month

    def __str__(self):
        return "bad month number %r; must be 1-12" % self.month


class IllegalWeekdayError(ValueError):
    def __init__(self, weekday):
        self.weekday = weekday

    def __str__(self):
        return "bad weekday number %r; must be 0 (Monday) to 6 (Sunday)" % self.weekday


class _NameSequence:
    """A read-only sequence of names (CPython's are computed from the locale; toy's are the
    C locale's)."""

    def __init__(self, names):
        self._names = names

    def __getitem__(self, index):
        if isinstance(index, slice):
            return list(self._names[index])
        return self._names[index]

    def __len__(self):
        return len(self._names)


day_name = _NameSequence(_DAY_NAMES)
day_abbr = _NameSequence(tuple(name[:3] for name in _DAY_NAMES))
month_name = _NameSequence(_MONTH_NAMES)
month_abbr = _NameSequence(tuple(name[:3] for name in _MONTH_NAMES))


def isleap(year):
    """Return True for leap years, False for non-leap years."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def leapdays(y1, y2):
    """Return number of leap years in range [y1, y2). Assume y1 <= y2."""
    def leaps_before(year):
        y = year - 1
        return y // 4 - y // 100 + y // 400
    return leaps_before(y2) - leaps_before(y1)


def weekday(year, month, day):
    """Return weekday (0-6 ~ Mon-Sun) for year, month (1-12), day (1-31)."""
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        # The Gregorian calendar repeats every 400 years.
        year = 2000 + year % 400
    return datetime.date(year, month, day).weekday()


def _check_month(month):
    if not 1 <= month <= 12:
        raise IllegalMonthError(month)


def _days_in(year, month):
    return 29 if month == 2 and isleap(year) else mdays[month]


def monthrange(year, month):
    """Return weekday (0-6 ~ Mon-Sun) and number of days (28-31) for year, month."""
    _check_month(month)
    return weekday(year, month, 1), _days_in(year, month)


class Calendar:
    """Base calendar class. This class doesn't do any formatting. It simply provides data to
    subclasses."""

    def __init__(self, firstweekday=0):
        self.firstweekday = firstweekday

    def getfirstweekday(self):
        return self._firstweekday % 7

    def setfirstweekday(self, firstweekday):
        self._firstweekday = firstweekday

    firstweekday = property(getfirstweekday, setfirstweekday)

    def iterweekdays(self):
        for offset in range(7):
            yield (self.firstweekday + offset) % 7

    def _weeks(self, year, month):
        """(year, month, day, weekday) for every day shown in the month's weeks, the days of
        neighbouring months included; the first and last may fall outside date's range, and
        are then given as (year, month, 0, weekday)."""
        _check_month(month)
        first_weekday, length = weekday(year, month, 1), _days_in(year, month)
        lead = (first_weekday - self.firstweekday) % 7
        trail = (self.firstweekday - (first_weekday + length)) % 7
        start_ordinal = None
        if datetime.MINYEAR <= year <= datetime.MAXYEAR:
            start_ordinal = datetime.date(year, month, 1).toordinal() - lead
        cells = []
        for index in range(lead + length + trail):
            day_weekday = (self.firstweekday + index) % 7
            day = index - lead + 1
            if 1 <= day <= length:
                cells.append((year, month, day, day_weekday))
                continue
            ordinal = start_ordinal + index if start_ordinal is not None else 0
            if 1 <= ordinal <= datetime.date.max.toordinal():
                d = datetime.date.fromordinal(ordinal)
                cells.append((d.year, d.month, d.day, day_weekday))
            else:
                cells.append((year, month, 0, day_weekday))
        return cells

    def itermonthdates(self, year, month):
        for y, m, d, _ in self._weeks(year, month):
            if d == 0:
                raise OverflowError("date value out of range")
            yield datetime.date(y, m, d)

    def itermonthdays(self, year, month):
        for y, m, d, _ in self._weeks(year, month):
            yield d if (y, m) == (year, month) else 0

    def itermonthdays2(self, year, month):
        for y, m, d, wd in self._weeks(year, month):
            yield (d if (y, m) == (year, month) else 0), wd

    def itermonthdays3(self, year, month):
        for y, m, d, _ in self._weeks(year, month):
            yield y, m, d

    def itermonthdays4(self, year, month):
        for cell in self._weeks(year, month):
            yield cell

    @staticmethod
    def _rows(items):
        items = list(items)
        return [items[i:i + 7] for i in range(0, len(items), 7)]

    def monthdatescalendar(self, year, month):
        return self._rows(self.itermonthdates(year, month))

    def monthdays2calendar(self, year, month):
        return self._rows(self.itermonthdays2(year, month))

    def monthdayscalendar(self, year, month):
        return self._rows(self.itermonthdays(year, month))

    @staticmethod
    def _by_rows(months, width):
        return [months[i:i + width] for i in range(0, len(months), width)]

    def yeardatescalendar(self, year, width=3):
        return self._by_rows([self.monthdatescalendar(year, m) for m in range(1, 13)], width)

    def yeardays2calendar(self, year, width=3):
        return self._by_rows([self.monthdays2calendar(year, m) for m in range(1, 13)], width)

    def yeardayscalendar(self, year, width=3):
        return self._by_rows([self.monthdayscalendar(year, m) for m in range(1, 13)], width)


def _side_by_side(columns, width, gap):
    return (" " * gap).join(column.center(width) for column in columns)


class TextCalendar(Calendar):
    """Subclass of Calendar that outputs a calendar as a simple plain text similar to the UNIX
    program cal."""

    def prweek(self, theweek, width):
        print(self.formatweek(theweek, width), end="")

    def formatday(self, day, weekday, width):
        return ("" if day == 0 else "%2i" % day).center(width)

    def formatweek(self, theweek, width):
        return " ".join(self.formatday(d, wd, width) for d, wd in theweek)

    def formatweekday(self, day, width):
        names = day_name if width >= 9 else day_abbr
        return names[day][:width].center(width)

    def formatweekheader(self, width):
        return " ".join(self.formatweekday(day, width) for day in self.iterweekdays())

    def formatmonthname(self, theyear, themonth, width, withyear=True):
        title = month_name[themonth]
        if withyear:
            title = "%s %r" % (title, theyear)
        return title.center(width)

    def prmonth(self, theyear, themonth, w=0, l=0):
        print(self.formatmonth(theyear, themonth, w, l), end="")

    def formatmonth(self, theyear, themonth, w=0, l=0):
        w, l = max(2, w), max(1, l)
        breaks = "\n" * l
        lines = [self.formatmonthname(theyear, themonth, 7 * (w + 1) - 1).rstrip(),
                 self.formatweekheader(w).rstrip()]
        lines += [self.formatweek(week, w).rstrip()
                  for week in self.monthdays2calendar(theyear, themonth)]
        return "".join(line + breaks for line in lines)

    def formatyear(self, theyear, w=2, l=1, c=6, m=3):
        w, l, c = max(2, w), max(1, l), max(2, c)
        column = (w + 1) * 7 - 1
        breaks = "\n" * l
        out = [repr(theyear).center(column * m + c * (m - 1)).rstrip(), breaks]
        header = self.formatweekheader(w)
        for row_index, row in enumerate(self.yeardays2calendar(theyear, m)):
            months = range(m * row_index + 1, min(m * (row_index + 1), 12) + 1)
            out.append(breaks)
            names = [self.formatmonthname(theyear, k, column, False) for k in months]
            out += [_side_by_side(names, column, c).rstrip(), breaks]
            out += [_side_by_side([header] * len(months), column, c).rstrip(), breaks]
            for week in range(max(len(weeks) for weeks in row)):
                cells = [self.formatweek(weeks[week], w) if week < len(weeks) else ""
                         for weeks in row]
                out += [_side_by_side(cells, column, c).rstrip(), breaks]
        return "".join(out)

    def pryear(self, theyear, w=0, l=0, c=6, m=3):
        print(self.formatyear(theyear, w, l, c, m), end="")


class HTMLCalendar(Calendar):
    """This calendar returns complete HTML pages."""

    cssclasses = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    cssclasses_weekday_head = cssclasses
    cssclass_noday = "noday"
    cssclass_month_head = "month"
    cssclass_month = "month"
    cssclass_year_head = "year"
    cssclass_year = "year"

    def formatday(self, day, weekday):
        if day == 0:
            return '<td class="%s">&nbsp;</td>' % self.cssclass_noday
        return '<td class="%s">%d</td>' % (self.cssclasses[weekday], day)

    def formatweek(self, theweek):
        return "<tr>%s</tr>" % "".join(self.formatday(d, wd) for d, wd in theweek)

    def formatweekday(self, day):
        return '<th class="%s">%s</th>' % (self.cssclasses_weekday_head[day], day_abbr[day])

    def formatweekheader(self):
        return "<tr>%s</tr>" % "".join(self.formatweekday(i) for i in self.iterweekdays())

    def formatmonthname(self, theyear, themonth, withyear=True):
        title = month_name[themonth]
        if withyear:
            title = "%s %s" % (title, theyear)
        return '<tr><th colspan="7" class="%s">%s</th></tr>' % (self.cssclass_month_head, title)

    def formatmonth(self, theyear, themonth, withyear=True):
        rows = ['<table border="0" cellpadding="0" cellspacing="0" class="%s">'
                % self.cssclass_month,
                self.formatmonthname(theyear, themonth, withyear=withyear),
                self.formatweekheader()]
        rows += [self.formatweek(week) for week in self.monthdays2calendar(theyear, themonth)]
        rows.append("</table>")
        return "".join(row + "\n" for row in rows)

    def formatyear(self, theyear, width=3):
        width = max(width, 1)
        out = ['<table border="0" cellpadding="0" cellspacing="0" class="%s">\n'
               % self.cssclass_year,
               '<tr><th colspan="%d" class="%s">%s</th></tr>'
               % (width, self.cssclass_year_head, theyear)]
        for first in range(1, 13, width):
            cells = ["<td>%s</td>" % self.formatmonth(theyear, m, withyear=False)
                     for m in range(first, min(first + width, 13))]
            out.append("<tr>%s</tr>" % "".join(cells))
        out.append("</table>")
        return "".join(out)

    def formatyearpage(self, theyear, width=3, css="calendar.css", encoding=None):
        if encoding is None:
            encoding = "utf-8"
        lines = ['<?xml version="1.0" encoding="%s"?>' % encoding,
                 '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
                 '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">',
                 "<html>", "<head>",
                 '<meta http-equiv="Content-Type" content="text/html; charset=%s" />'
                 % encoding]
        if css is not None:
            lines.append('<link rel="stylesheet" type="text/css" href="%s" />' % css)
        lines += ["<title>Calendar for %d</title>" % theyear, "</head>", "<body>",
                  self.formatyear(theyear, width), "</body>", "</html>"]
        return "".join(line + "\n" for line in lines).encode(encoding, "xmlcharrefreplace")


class LocaleTextCalendar(TextCalendar):
    """A TextCalendar whose names come from a locale; toy knows only the C locale's names."""

    def __init__(self, firstweekday=0, locale=None):
        TextCalendar.__init__(self, firstweekday)
        self.locale = locale


class LocaleHTMLCalendar(HTMLCalendar):
    """An HTMLCalendar whose names come from a locale; toy knows only the C locale's names."""

    def __init__(self, firstweekday=0, locale=None):
        HTMLCalendar.__init__(self, firstweekday)
        self.locale = locale


c = TextCalendar()


def firstweekday():
    return c.getfirstweekday()


def setfirstweekday(firstweekday):
    if not MONDAY <= firstweekday <= SUNDAY:
        raise IllegalWeekdayError(firstweekday)
    c.firstweekday = firstweekday


def monthcalendar(year, month):
    return c.monthdayscalendar(year, month)


def prweek(theweek, width):
    c.prweek(theweek, width)


def week(theweek, width):
    return c.formatweek(theweek, width)


def weekheader(width):
    return c.formatweekheader(width)


def prmonth(theyear, themonth, w=0, l=0):
    c.prmonth(theyear, themonth, w, l)


def month(theyear, themonth, w=0, l=0):
    return c.formatmonth(theyear, themonth, w, l)


def prcal(theyear, w=0, l=0, c=6, m=3):
    print(calendar(theyear, w, l, c, m), end="")


def calendar(theyear, w=2, l=1, c=6, m=3):
    return _default.formatyear(theyear, w, l, c, m)


_default = c


def format(cols, colwidth=20, spacing=6):
    """Prints multi-column formatting for year calendars"""
    print(formatstring(cols, colwidth, spacing))


def formatstring(cols, colwidth=20, spacing=6):
    """Returns a string formatted from n strings, centered within n columns."""
    return _side_by_side(cols, colwidth, spacing)


def timegm(tuple):
    """Unrelated but handy function to calculate Unix timestamp from GMT."""
    year, month, day, hour, minute, second = tuple[:6]
    days = datetime.date(year, month, 1).toordinal() - _EPOCH_ORDINAL + day - 1
    return ((days * 24 + hour) * 60 + minute) * 60 + second
