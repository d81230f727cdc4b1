"""toy's signal module: the native `_signal`, with its numbers as members of `Signals` and
its SIG_DFL / SIG_IGN as members of `Handlers`.

CPython's are `enum.IntEnum`s. toy has no `enum` (nor metaclasses) yet, so these are a
stand-in: int subclasses whose members print as CPython's do (`<Signals.SIGINT: 2>`, `str()`
and `format()` the plain number), look up by value (`Signals(2)`) and by name
(`Signals['SIGINT']`), and have `name` and `value`. Iterating over the class itself needs a
metaclass and raises TypeError.
"""

import _signal
from _signal import *


class _IntEnumStandIn(int):
    def __new__(cls, value):
        try:
            return cls._by_value[value]
        except (KeyError, TypeError):
            raise ValueError("%r is not a valid %s" % (value, cls.__name__)) from None

    def __class_getitem__(cls, name):
        return cls._by_name[name]

    def __repr__(self):
        return "<%s.%s: %d>" % (type(self).__name__, self._name_, self)

    __str__ = int.__repr__

    def __format__(self, spec):
        return format(int(self), spec)

    def __reduce_ex__(self, protocol):
        return type(self), (int(self),)

    @property
    def name(self):
        return self._name_

    @property
    def value(self):
        return int(self)


def _members(cls, pairs):
    cls._by_value = {}
    cls._by_name = {}
    for name, value in pairs:
        member = int.__new__(cls, value)
        member._name_ = name
        cls._by_value[value] = member
        cls._by_name[name] = member
        setattr(cls, name, member)
        globals()[name] = member


class Signals(_IntEnumStandIn):
    pass


class Handlers(_IntEnumStandIn):
    pass


_members(
    Signals,
    sorted(
        ((name, value) for name, value in vars(_signal).items()
         if name.startswith("SIG") and not name.startswith("SIG_")
         and name not in ("SIGCLD", "SIGIOT", "SIGPOLL")),
        key=lambda pair: pair[1],
    ),
)
_members(Handlers, [("SIG_DFL", _signal.SIG_DFL), ("SIG_IGN", _signal.SIG_IGN)])
# Other names for the same numbers are the canonical members, as in CPython.
SIGCLD = Signals.SIGCHLD
SIGIOT = Signals.SIGABRT
SIGPOLL = Signals.SIGIO


def _int_to_enum(value, enum_class):
    try:
        return enum_class(value)
    except ValueError:
        return value


def _enum_to_int(value):
    return int(value) if isinstance(value, int) else value


def signal(signalnum, handler):
    return _int_to_enum(_signal.signal(_enum_to_int(signalnum), _enum_to_int(handler)), Handlers)


def getsignal(signalnum):
    return _int_to_enum(_signal.getsignal(signalnum), Handlers)


def valid_signals():
    return {_int_to_enum(number, Signals) for number in _signal.valid_signals()}


default_int_handler = _signal.default_int_handler
