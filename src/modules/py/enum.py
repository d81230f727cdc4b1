"""Enumerations: classes whose attributes are a fixed set of named members.

`EnumType`, the metaclass, turns the plain assignments of a class body into members (instances
of the class itself), keeps them in definition order and makes the class iterable, indexable
by name (`Color['RED']`) and callable by value (`Color(1)`). `Flag` members combine with the
bitwise operators.
"""

import sys as _sys
from types import MappingProxyType

__all__ = [
    "EnumType", "EnumMeta", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "ReprEnum",
    "auto", "unique", "property", "member", "nonmember", "FlagBoundary",
    "STRICT", "CONFORM", "EJECT", "KEEP", "global_enum", "verify",
    "EnumCheck", "CONTINUOUS", "NAMED_FLAGS", "UNIQUE",
]

# `property` is rebound below (as CPython's enum does); the builtin is kept under this name.
_builtin_property = property


class auto:
    """A member value chosen by `_generate_next_value_` when the class is created."""

    def __init__(self, value=None):
        self.value = value if value is not None else _auto_pending

    def __repr__(self):
        return f"auto({self.value!r})"


_auto_pending = object()


class member:
    """Force a value (a function, say) to become a member."""

    def __init__(self, value):
        self.value = value


class nonmember:
    """Keep a value an ordinary class attribute."""

    def __init__(self, value):
        self.value = value


def _is_dunder(name):
    return len(name) > 4 and name[:2] == name[-2:] == "__" and name[2] != "_" and name[-3] != "_"


def _is_sunder(name):
    return len(name) > 2 and name[0] == name[-1] == "_" and name[1] != "_" and name[-2] != "_"


def _is_private(class_name, name):
    prefix = f"_{class_name.lstrip('_')}__"
    return name.startswith(prefix) and not name.endswith("__")


def _is_descriptor(value):
    return (
        hasattr(value, "__get__")
        or hasattr(value, "__set__")
        or hasattr(value, "__delete__")
        or isinstance(value, (staticmethod, classmethod, _builtin_property))
        or callable(value) and not isinstance(value, type)
    )


class _EnumDict(dict):
    """The namespace of an enum's class body: records which names are members, and gives
    `auto()` its value as soon as it is assigned."""

    def __init__(self, class_name, generate_next_value):
        super().__init__()
        self._class_name = class_name
        self._member_names = []
        self._last_values = []
        self._ignore = []
        self._generate_next_value = generate_next_value

    def __setitem__(self, key, value):
        if _is_private(self._class_name, key):
            pass
        elif _is_sunder(key):
            if key == "_ignore_":
                names = value.replace(",", " ").split() if isinstance(value, str) else list(value)
                self._ignore = names
            elif key == "_generate_next_value_":
                self._generate_next_value = value.__func__ if isinstance(value, staticmethod) else value
        elif _is_dunder(key):
            if key == "__order__":
                key = "_order_"
        elif key in self._member_names:
            raise TypeError(f"{key!r} already defined as {self[key]!r}")
        elif key in self._ignore:
            pass
        elif isinstance(value, nonmember):
            value = value.value
        elif isinstance(value, member) or not _is_descriptor(value):
            if isinstance(value, member):
                value = value.value
            if key in self:
                raise TypeError(f"{key!r} already defined as {self[key]!r}")
            if isinstance(value, auto):
                if value.value is _auto_pending:
                    value.value = self._generate_next_value(
                        key, 1, len(self._member_names), self._last_values[:]
                    )
                value = value.value
            elif isinstance(value, tuple) and any(isinstance(v, auto) for v in value):
                value = tuple(
                    self._generate_next_value(key, 1, len(self._member_names), self._last_values[:])
                    if isinstance(v, auto) and v.value is _auto_pending
                    else (v.value if isinstance(v, auto) else v)
                    for v in value
                )
            self._member_names.append(key)
            self._last_values.append(value)
        super().__setitem__(key, value)


def _find_data_type(bases):
    """The built-in or user type that members mix in (`int` for IntEnum), or `object`."""
    for chain in bases:
        for base in chain.__mro__:
            if base is object:
                continue
            if isinstance(base, EnumType):
                if base._member_type_ is not object:
                    return base._member_type_
                continue
            return base
    return object


def _enum_method(bases, name):
    """The first definition of `name` by an enum class among the bases' MROs."""
    for chain in bases:
        for base in chain.__mro__:
            if isinstance(base, EnumType) and name in base.__dict__:
                return base.__dict__[name]
    return None


def _first_enum(bases):
    for base in reversed(bases):
        if isinstance(base, EnumType):
            return base
    return None


class EnumType(type):
    """The metaclass of enumerations."""

    @classmethod
    def __prepare__(metacls, cls, bases, **kwds):
        first = _first_enum(bases)
        if first is not None and first._member_names_:
            raise TypeError(f"<enum {cls!r}> cannot extend {first!r}")
        generate = first._generate_next_value_ if first is not None else None
        if isinstance(generate, staticmethod):
            generate = generate.__func__
        return _EnumDict(cls, generate)

    def __new__(metacls, cls, bases, classdict, *, boundary=None, _simple=False, **kwds):
        member_names = list(getattr(classdict, "_member_names", ()))
        namespace = {key: value for key, value in classdict.items() if key not in member_names}
        for name in getattr(classdict, "_ignore", ()):
            namespace.pop(name, None)
        namespace.pop("_ignore_", None)
        member_type = _find_data_type(bases)
        first = _first_enum(bases)
        # What makes members: a `__new__` written in an enum's body (`Enum`'s own looks
        # members up instead), else the one inherited from the enum base.
        if first is None:
            custom_new = None
        else:
            custom_new = namespace.get("__new__", first._new_member_)
        namespace["_new_member_"] = custom_new
        namespace["_member_names_"] = []
        namespace["_member_map_"] = {}
        namespace["_value2member_map_"] = {}
        namespace["_unhashable_values_"] = []
        namespace["_member_type_"] = member_type
        namespace["_boundary_"] = boundary or getattr(first, "_boundary_", None)
        namespace["_flag_mask_"] = 0
        namespace["_all_bits_"] = 0
        if first is not None:
            # Calling an enum looks a member up, whatever `__new__` made the members.
            namespace["__new__"] = Enum.__dict__["__new__"]
            # A data type's own repr, str and format would shadow the enum's.
            if member_type is not object:
                for name in ("__repr__", "__str__", "__format__", "__reduce_ex__"):
                    if name not in namespace:
                        method = _enum_method(bases, name)
                        if method is not None:
                            namespace[name] = method
        order = namespace.pop("_order_", None)
        enum_class = super().__new__(metacls, cls, bases, namespace, **kwds)
        if first is None:
            return enum_class
        for name in member_names:
            enum_class._add_member(name, classdict[name], member_type)
        if Flag is not None and issubclass(enum_class, Flag):
            mask = 0
            for m in enum_class._member_map_.values():
                mask |= m._value_
            type.__setattr__(enum_class, "_flag_mask_", mask)
            type.__setattr__(enum_class, "_all_bits_", 2 ** mask.bit_length() - 1 if mask else 0)
        if order is not None:
            if isinstance(order, str):
                order = order.replace(",", " ").split()
            if order != enum_class._member_names_:
                raise TypeError(
                    f"member order does not match _order_:\n  {enum_class._member_names_!r}\n  {order!r}"
                )
        return enum_class

    def _add_member(cls, name, value, member_type):
        args = value if isinstance(value, tuple) else (value,)
        if member_type is tuple:
            args = (args,)
        make = cls._new_member_
        if make is not None:
            if isinstance(make, staticmethod):
                make = make.__func__
            item = make(cls, *args)
        elif member_type is object:
            item = object.__new__(cls)
        else:
            item = member_type.__new__(cls, *args)
        if not hasattr(item, "_value_"):
            if member_type is object:
                item._value_ = value
            else:
                try:
                    item._value_ = member_type(*args)
                except Exception:
                    item._value_ = value
        value = item._value_
        item._name_ = name
        item.__objclass__ = cls
        item.__init__(*args)
        # An alias: the value (or, for flags, the exact value) is another member's.
        canonical = None
        try:
            canonical = cls._value2member_map_.get(value)
        except TypeError:
            for other in cls._member_map_.values():
                if other._value_ == value:
                    canonical = other
                    break
        if canonical is not None:
            cls._member_map_[name] = canonical
            type.__setattr__(cls, name, canonical)
            return
        # Flags iterate over their single-bit members only.
        if not (Flag is not None and issubclass(cls, Flag) and isinstance(value, int) and not _power_of_two(value)):
            cls._member_names_.append(name)
        cls._member_map_[name] = item
        type.__setattr__(cls, name, item)
        try:
            cls._value2member_map_[value] = item
        except TypeError:
            cls._unhashable_values_.append(value)

    def __call__(cls, value, names=None, *, module=None, qualname=None, type=None, start=1, boundary=None):
        if names is None:
            return cls.__new__(cls, value)
        return cls._create_(value, names, module=module, qualname=qualname, type=type, start=start, boundary=boundary)

    def _create_(cls, class_name, names, *, module=None, qualname=None, type=None, start=1, boundary=None):
        """The functional API: `Enum('Color', 'RED GREEN')`, `Enum('C', [('A', 1)])`…"""
        bases = (cls,) if type is None else (type, cls)
        namespace = cls.__prepare__(class_name, bases)
        if isinstance(names, str):
            names = names.replace(",", " ").split()
        if isinstance(names, (tuple, list)) and names and isinstance(names[0], str):
            original, names = names, []
            last_values = []
            for count, name in enumerate(original):
                value = cls._generate_next_value_(name, start, count, last_values[:])
                last_values.append(value)
                names.append((name, value))
        if hasattr(names, "items"):
            names = list(names.items())
        for item in names:
            if isinstance(item, str):
                name, value = item, names[item]
            else:
                name, value = item
            namespace[name] = value
        if module is None:
            try:
                module = _sys._getframe(2).f_globals["__name__"]
            except (AttributeError, ValueError, KeyError):
                module = "__main__"
        namespace["__module__"] = module
        if qualname is not None:
            namespace["__qualname__"] = qualname
        return type_of(cls)(class_name, bases, namespace, boundary=boundary)

    def __getitem__(cls, name):
        return cls._member_map_[name]

    def __iter__(cls):
        return (cls._member_map_[name] for name in cls._member_names_)

    def __reversed__(cls):
        return (cls._member_map_[name] for name in reversed(cls._member_names_))

    def __len__(cls):
        return len(cls._member_names_)

    def __bool__(cls):
        return True

    def __contains__(cls, value):
        if isinstance(value, cls):
            return True
        if not isinstance(value, Enum):
            raise TypeError(
                f"unsupported operand type(s) for 'in': '{type_of(value).__qualname__}' and '{type_of(cls).__qualname__}'"
            )
        return False

    @_builtin_property
    def __members__(cls):
        return MappingProxyType(cls._member_map_)

    def __repr__(cls):
        if Flag is not None and issubclass(cls, Flag):
            return f"<flag {cls.__name__!r}>"
        return f"<enum {cls.__name__!r}>"

    def __setattr__(cls, name, value):
        if name in cls.__dict__.get("_member_map_", ()):
            raise AttributeError(f"cannot reassign member {name!r}")
        super().__setattr__(name, value)

    def __delattr__(cls, name):
        if name in cls.__dict__.get("_member_map_", ()):
            raise AttributeError(f"{cls.__name__!r} cannot delete member {name!r}.")
        super().__delattr__(name)


type_of = type
EnumMeta = EnumType
Flag = None


class Enum(metaclass=EnumType):
    """The base class of enumerations: `class Color(Enum): RED = 1`."""

    def __new__(cls, value):
        if type_of(value) is cls:
            return value
        try:
            return cls._value2member_map_[value]
        except KeyError:
            pass
        except TypeError:
            for item in cls._member_map_.values():
                if item._value_ == value:
                    return item
        result = cls._missing_(value)
        if isinstance(result, cls):
            return result
        if result is None:
            if Flag is not None and issubclass(cls, Flag) and isinstance(value, int):
                width = max(value.bit_length(), cls._all_bits_.bit_length())
                raise ValueError(
                    f"{cls!r} invalid value {value!r}\n    given {_bits(value, width)}\n"
                    f"  allowed {_bits(cls._flag_mask_, width)}"
                )
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}")
        raise TypeError(
            f"error in {cls.__name__}._missing_: returned {result!r} instead of None or a valid member"
        )

    def __init__(self, *args, **kwds):
        pass

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        if not last_values:
            return start
        try:
            return max(last_values) + 1
        except TypeError:
            try:
                return last_values[-1] + 1
            except TypeError:
                raise TypeError(f"unable to sort non-numeric values; unable to increment {last_values[-1]!r}") from None

    @classmethod
    def _missing_(cls, value):
        return None

    def __repr__(self):
        return f"<{type_of(self).__name__}.{self._name_}: {self._value_!r}>"

    def __str__(self):
        return f"{type_of(self).__name__}.{self._name_}"

    def __format__(self, format_spec):
        return format(str(self), format_spec)

    def __hash__(self):
        return hash(self._name_)

    def __reduce_ex__(self, proto):
        return type_of(self), (self._value_,)

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __dir__(self):
        return ["__class__", "__doc__", "__eq__", "__hash__", "__module__", "name", "value"]

    @_builtin_property
    def name(self):
        """The member's name."""
        return self._name_

    @_builtin_property
    def value(self):
        """The member's value."""
        return self._value_


class ReprEnum(Enum):
    """An enum whose members print (`str`, `format`) as their values do."""

    def __str__(self):
        return str(self._value_)

    def __format__(self, format_spec):
        return format(self._value_, format_spec)


class IntEnum(int, ReprEnum):
    """An enum whose members are also ints."""


class StrEnum(str, ReprEnum):
    """An enum whose members are also strings."""

    def __new__(cls, *values):
        if len(values) > 3:
            raise TypeError(f"too many arguments for str(): {values!r}")
        if len(values) == 1 and not isinstance(values[0], str):
            raise TypeError(f"{values[0]!r} is not a string")
        value = str(*values)
        member = str.__new__(cls, value)
        member._value_ = value
        return member

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        return name.lower()


class FlagBoundary(StrEnum):
    """What a Flag does with a value that has bits no member has."""

    STRICT = auto()
    CONFORM = auto()
    EJECT = auto()
    KEEP = auto()


STRICT, CONFORM, EJECT, KEEP = FlagBoundary


def _bits(value, width):
    return f"0b0 {value:0{width}b}"


def _power_of_two(value):
    return value > 0 and value & (value - 1) == 0


class Flag(Enum, boundary=STRICT):
    """Members that combine with `|`, `&`, `^` and `~` into values naming several of them."""

    @staticmethod
    def _generate_next_value_(name, start, count, last_values):
        if not count:
            return start if start is not None else 1
        high = max(last_values)
        try:
            return 2 ** high.bit_length()
        except AttributeError:
            raise TypeError(f"invalid flag value {high!r}") from None

    @classmethod
    def _missing_(cls, value):
        if not isinstance(value, int):
            raise ValueError(f"{value!r} is not a valid {cls.__qualname__}")
        boundary = cls._boundary_
        mask = cls._flag_mask_
        if value < 0:
            value = max(cls._all_bits_, mask) + 1 + value
            if value < 0:
                return None
        extra = value & ~mask
        if extra:
            if boundary is STRICT:
                return None
            if boundary is CONFORM:
                value &= mask
                extra = 0
            elif boundary is EJECT:
                return value
        pseudo = cls._value2member_map_.get(value)
        if pseudo is not None:
            return pseudo
        if cls._member_type_ is object:
            pseudo = object.__new__(cls)
        else:
            pseudo = cls._member_type_.__new__(cls, value)
        pseudo._value_ = value
        names = [
            cls._member_map_[name]._name_
            for name in cls._member_names_
            if _power_of_two(cls._member_map_[name]._value_) and cls._member_map_[name]._value_ & value
        ]
        if not names and value & mask:
            names = [
                cls._member_map_[name]._name_
                for name in cls._member_names_
                if cls._member_map_[name]._value_ & value == cls._member_map_[name]._value_
            ]
        if extra:
            names.append(str(extra))
        pseudo._name_ = "|".join(names) if names else None
        return cls._value2member_map_.setdefault(value, pseudo)

    def _members_in(self):
        cls = type_of(self)
        for name in cls._member_names_:
            item = cls._member_map_[name]
            if _power_of_two(item._value_) and item._value_ & self._value_ == item._value_:
                yield item

    def __contains__(self, other):
        if not isinstance(other, type_of(self)):
            raise TypeError(
                f"unsupported operand type(s) for 'in': '{type_of(other).__qualname__}' and '{type_of(self).__qualname__}'"
            )
        return other._value_ & self._value_ == other._value_

    def __iter__(self):
        return self._members_in()

    def __len__(self):
        return sum(1 for _ in self._members_in())

    def __bool__(self):
        return bool(self._value_)

    def __repr__(self):
        cls_name = type_of(self).__name__
        if self._name_ is None:
            return f"<{cls_name}: {self._value_!r}>"
        return f"<{cls_name}.{self._name_}: {self._value_!r}>"

    def __str__(self):
        cls_name = type_of(self).__name__
        if self._name_ is None:
            return f"{cls_name}({self._value_!r})"
        return f"{cls_name}.{self._name_}"

    def _other_value(self, other):
        if isinstance(other, type_of(self)):
            return other._value_
        if self._member_type_ is not object and isinstance(other, self._member_type_):
            return other
        return NotImplemented

    def __or__(self, other):
        value = self._other_value(other)
        if value is NotImplemented:
            return NotImplemented
        return type_of(self)(self._value_ | value)

    def __and__(self, other):
        value = self._other_value(other)
        if value is NotImplemented:
            return NotImplemented
        return type_of(self)(self._value_ & value)

    def __xor__(self, other):
        value = self._other_value(other)
        if value is NotImplemented:
            return NotImplemented
        return type_of(self)(self._value_ ^ value)

    __ror__ = __or__
    __rand__ = __and__
    __rxor__ = __xor__

    def __invert__(self):
        cls = type_of(self)
        if cls._boundary_ is KEEP and cls._member_type_ is not object:
            return cls(~self._value_ & cls._all_bits_ if self._value_ >= 0 else ~self._value_)
        return cls(cls._flag_mask_ & ~self._value_)


class IntFlag(int, ReprEnum, Flag, boundary=KEEP):
    """Flags that are also ints."""

    def __str__(self):
        return str(self._value_)

    def __format__(self, format_spec):
        return format(self._value_, format_spec)

    # The flag operators, not int's: results stay members.
    __or__ = Flag.__or__
    __and__ = Flag.__and__
    __xor__ = Flag.__xor__
    __ror__ = Flag.__ror__
    __rand__ = Flag.__rand__
    __rxor__ = Flag.__rxor__
    __invert__ = Flag.__invert__


def unique(enumeration):
    """Class decorator: refuse aliases (members sharing a value)."""
    duplicates = [
        (name, member._name_) for name, member in enumeration.__members__.items() if name != member._name_
    ]
    if duplicates:
        details = ", ".join(f"{alias} -> {name}" for alias, name in duplicates)
        raise ValueError(f"duplicate values found in {enumeration!r}: {details}")
    return enumeration


class EnumCheck(StrEnum):
    """What `verify` checks."""

    CONTINUOUS = "no skipped integer values"
    NAMED_FLAGS = "multi-flag aliases may not contain unnamed flags"
    UNIQUE = "one name per value"


CONTINUOUS, NAMED_FLAGS, UNIQUE = EnumCheck


class verify:
    """Class decorator checking an enumeration against `EnumCheck`s (only UNIQUE here)."""

    def __init__(self, *checks):
        self.checks = checks

    def __call__(self, enumeration):
        if UNIQUE in self.checks:
            unique(enumeration)
        return enumeration


def global_enum(cls):
    """Class decorator: export the members into the module's namespace."""
    _sys.modules[cls.__module__].__dict__.update(cls.__members__)
    return cls


property = _builtin_property
