"""Data classes: `@dataclass` writes `__init__`, `__repr__`, `__eq__` (and on request the
ordering methods, `__hash__`, frozen attribute guards and `__slots__`) from a class's
annotated fields.

The generated methods are compiled from source text, as real methods of the class, so their
names, signatures and error messages are those of hand-written ones.
"""

import copy
import sys
import types

__all__ = [
    "dataclass", "field", "Field", "FrozenInstanceError", "InitVar", "KW_ONLY", "MISSING",
    "fields", "asdict", "astuple", "make_dataclass", "replace", "is_dataclass",
]


class FrozenInstanceError(AttributeError):
    """Assigning to (or deleting) a field of a frozen dataclass."""


class _MISSING_TYPE:
    pass


MISSING = _MISSING_TYPE()


class _KW_ONLY_TYPE:
    pass


KW_ONLY = _KW_ONLY_TYPE()


class _FieldKind:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


_FIELD = _FieldKind("_FIELD")
_FIELD_CLASSVAR = _FieldKind("_FIELD_CLASSVAR")
_FIELD_INITVAR = _FieldKind("_FIELD_INITVAR")

_FIELDS = "__dataclass_fields__"
_PARAMS = "__dataclass_params__"
_POST_INIT = "__post_init__"


class InitVar:
    """A pseudo-field passed to `__init__` and `__post_init__`, not stored."""

    __slots__ = ("type",)

    def __init__(self, type):
        self.type = type

    def __repr__(self):
        name = self.type.__name__ if isinstance(self.type, type) else repr(self.type)
        return f"dataclasses.InitVar[{name}]"

    def __class_getitem__(cls, type):
        return InitVar(type)


class Field:
    """What `field()` returns and `fields()` lists: a field's name, type and options."""

    __slots__ = (
        "name", "type", "default", "default_factory", "repr", "hash", "init", "compare",
        "metadata", "kw_only", "_field_type",
    )

    def __init__(self, default, default_factory, init, repr, hash, compare, metadata, kw_only):
        self.name = None
        self.type = None
        self.default = default
        self.default_factory = default_factory
        self.init = init
        self.repr = repr
        self.hash = hash
        self.compare = compare
        self.metadata = types.MappingProxyType({} if metadata is None else metadata)
        self.kw_only = kw_only
        self._field_type = None

    def __repr__(self):
        return (
            f"Field(name={self.name!r},type={self.type!r},default={self.default!r},"
            f"default_factory={self.default_factory!r},init={self.init!r},repr={self.repr!r},"
            f"hash={self.hash!r},compare={self.compare!r},metadata={self.metadata!r},"
            f"kw_only={self.kw_only!r},_field_type={self._field_type})"
        )

    def __set_name__(self, owner, name):
        handler = getattr(type(self.default), "__set_name__", None)
        if handler:
            handler(self.default, owner, name)


class _DataclassParams:
    __slots__ = ("init", "repr", "eq", "order", "unsafe_hash", "frozen")

    def __init__(self, init, repr, eq, order, unsafe_hash, frozen):
        self.init = init
        self.repr = repr
        self.eq = eq
        self.order = order
        self.unsafe_hash = unsafe_hash
        self.frozen = frozen

    def __repr__(self):
        return (
            f"_DataclassParams(init={self.init!r},repr={self.repr!r},eq={self.eq!r},"
            f"order={self.order!r},unsafe_hash={self.unsafe_hash!r},frozen={self.frozen!r})"
        )


def field(*, default=MISSING, default_factory=MISSING, init=True, repr=True, hash=None,
          compare=True, metadata=None, kw_only=MISSING):
    """Options for one field: a default or a default factory, and whether it takes part in
    `__init__`, `__repr__`, comparisons and hashing."""
    if default is not MISSING and default_factory is not MISSING:
        raise ValueError("cannot specify both default and default_factory")
    return Field(default, default_factory, init, repr, hash, compare, metadata, kw_only)


def _is_classvar(annotation):
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text == "typing.ClassVar" or text.startswith(("typing.ClassVar[", "ClassVar"))


def _is_initvar(annotation):
    if isinstance(annotation, InitVar) or annotation is InitVar:
        return True
    return isinstance(annotation, str) and annotation.startswith(("InitVar", "dataclasses.InitVar"))


def _make_field(cls, name, annotation, kw_only):
    default = cls.__dict__.get(name, MISSING)
    if isinstance(default, Field):
        f = default
    else:
        f = field(default=default)
    f.name = name
    f.type = annotation
    f._field_type = _FIELD
    if _is_classvar(annotation):
        f._field_type = _FIELD_CLASSVAR
    elif _is_initvar(annotation):
        f._field_type = _FIELD_INITVAR
    if f._field_type in (_FIELD_CLASSVAR, _FIELD_INITVAR) and f.default_factory is not MISSING:
        raise TypeError(f"field {name} cannot have a default factory")
    if f._field_type in (_FIELD, _FIELD_INITVAR):
        if f.kw_only is MISSING:
            f.kw_only = kw_only
    else:
        f.kw_only = False
    if f._field_type is _FIELD and f.default is not MISSING and f.default.__class__.__hash__ is None:
        raise ValueError(
            f"mutable default {type(f.default)} for field {name} is not allowed: use default_factory"
        )
    return f


class _Namespace:
    """The names generated source refers to, with the module's globals behind them."""

    def __init__(self, cls):
        module = sys.modules.get(cls.__module__)
        self.globals = dict(module.__dict__) if module is not None else {}
        self.counter = 0

    def add(self, value):
        self.counter += 1
        name = f"__dataclass_value_{self.counter}__"
        self.globals[name] = value
        return name


def _compile(cls, name, params, body, namespace):
    source = f"def {name}({', '.join(params)}):\n" + "\n".join(f"    {line}" for line in body or ["pass"])
    scope = namespace.globals
    exec(source, scope)
    function = scope.pop(name)
    function.__qualname__ = f"{cls.__qualname__}.{name}"
    function.__module__ = cls.__module__
    return function


def _set_new_attribute(cls, name, value):
    if name in cls.__dict__:
        return True
    setattr(cls, name, value)
    return False


def _field_assign(frozen, name, value, self_name):
    if frozen:
        return f"__dataclass_builtins_object__.__setattr__({self_name}, {name!r}, {value})"
    return f"{self_name}.{name} = {value}"


def _init_fn(cls, all_fields, std_fields, kw_only_fields, frozen, has_post_init, namespace):
    seen_default = False
    for f in std_fields:
        if f.init:
            if f.default is not MISSING or f.default_factory is not MISSING:
                seen_default = True
            elif seen_default:
                raise TypeError(f"non-default argument {f.name!r} follows default argument")
    namespace.globals["__dataclass_builtins_object__"] = object
    namespace.globals["__dataclass_HAS_DEFAULT_FACTORY__"] = _HAS_DEFAULT_FACTORY
    namespace.globals["__dataclass_MISSING__"] = MISSING

    def param(f):
        if f.default is not MISSING:
            return f"{f.name}={namespace.add(f.default)}"
        if f.default_factory is not MISSING:
            return f"{f.name}=__dataclass_HAS_DEFAULT_FACTORY__"
        return f.name

    params = ["__dataclass_self__"] + [param(f) for f in std_fields if f.init]
    if kw_only_fields:
        params += ["*"] + [param(f) for f in kw_only_fields if f.init]
    body = []
    for f in all_fields:
        if f._field_type is not _FIELD:
            continue
        if f.default_factory is not MISSING:
            factory = namespace.add(f.default_factory)
            if f.init:
                value = f"{factory}() if {f.name} is __dataclass_HAS_DEFAULT_FACTORY__ else {f.name}"
            else:
                value = f"{factory}()"
        elif f.init:
            value = f.name
        elif f.default is not MISSING:
            value = namespace.add(f.default)
        else:
            continue
        body.append(_field_assign(frozen, f.name, value, "__dataclass_self__"))
    if has_post_init:
        initvars = ", ".join(f.name for f in all_fields if f._field_type is _FIELD_INITVAR)
        body.append(f"__dataclass_self__.{_POST_INIT}({initvars})")
    init = _compile(cls, "__init__", params, body, namespace)
    return init


class _HasDefaultFactory:
    def __repr__(self):
        return "<factory>"


_HAS_DEFAULT_FACTORY = _HasDefaultFactory()


def _repr_fn(fields):
    shown = [f.name for f in fields if f.repr]
    running = set()

    def __repr__(self):
        key = (id(self), threading_ident())
        if key in running:
            return "..."
        running.add(key)
        try:
            parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        finally:
            running.discard(key)
        return f"{self.__class__.__qualname__}({parts})"

    return __repr__


def threading_ident():
    import _thread

    return _thread.get_ident()


def _tuple_of(names):
    def values(self):
        return tuple(getattr(self, name) for name in names)

    return values


def _compare_fn(op, names):
    values = _tuple_of(names)
    operations = {
        "__eq__": lambda a, b: a == b,
        "__lt__": lambda a, b: a < b,
        "__le__": lambda a, b: a <= b,
        "__gt__": lambda a, b: a > b,
        "__ge__": lambda a, b: a >= b,
    }
    compare = operations[op]

    def method(self, other):
        if other.__class__ is self.__class__:
            return compare(values(self), values(other))
        return NotImplemented

    method.__name__ = op
    return method


def _hash_fn(names):
    values = _tuple_of(names)

    def __hash__(self):
        return hash(values(self))

    return __hash__


def _frozen_methods(cls, field_names):
    def __setattr__(self, name, value):
        if type(self) is cls or name in field_names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in field_names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return __setattr__, __delattr__


def _process_class(cls, init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only, slots):
    all_fields = {}
    setattr(cls, _PARAMS, _DataclassParams(init, repr, eq, order, unsafe_hash, frozen))
    has_dataclass_bases = False
    any_frozen_base = False
    for base in cls.__mro__[-1:0:-1]:
        base_fields = base.__dict__.get(_FIELDS)
        if base_fields is not None:
            has_dataclass_bases = True
            for f in base_fields.values():
                all_fields[f.name] = f
            if base.__dict__[_PARAMS].frozen:
                any_frozen_base = True
    annotations = cls.__dict__.get("__annotations__", {})
    own_fields = []
    kw_only_now = kw_only
    for name, annotation in annotations.items():
        if annotation is KW_ONLY or (isinstance(annotation, str) and annotation.endswith("KW_ONLY")):
            kw_only_now = True
            continue
        own_fields.append(_make_field(cls, name, annotation, kw_only_now))
    for f in own_fields:
        all_fields[f.name] = f
        if isinstance(cls.__dict__.get(f.name), Field):
            if f.default is MISSING:
                delattr(cls, f.name)
            else:
                setattr(cls, f.name, f.default)
    for name, value in cls.__dict__.items():
        if isinstance(value, Field) and name not in annotations:
            raise TypeError(f"{name!r} is a field but has no type annotation")
    if has_dataclass_bases:
        if any_frozen_base and not frozen:
            raise TypeError("cannot inherit non-frozen dataclass from a frozen one")
        if not any_frozen_base and frozen:
            raise TypeError("cannot inherit frozen dataclass from a non-frozen one")
    setattr(cls, _FIELDS, all_fields)
    field_list = list(all_fields.values())
    real_fields = [f for f in field_list if f._field_type is _FIELD]
    namespace = _Namespace(cls)
    if init:
        std = [f for f in field_list if f._field_type in (_FIELD, _FIELD_INITVAR) and not f.kw_only]
        kw = [f for f in field_list if f._field_type in (_FIELD, _FIELD_INITVAR) and f.kw_only]
        has_post_init = hasattr(cls, _POST_INIT)
        _set_new_attribute(cls, "__init__", _init_fn(cls, field_list, std, kw, frozen, has_post_init, namespace))
    if repr:
        method = _repr_fn(real_fields)
        method.__qualname__ = f"{cls.__qualname__}.__repr__"
        _set_new_attribute(cls, "__repr__", method)
    compared = [f.name for f in real_fields if f.compare]
    if eq:
        method = _compare_fn("__eq__", compared)
        method.__qualname__ = f"{cls.__qualname__}.__eq__"
        _set_new_attribute(cls, "__eq__", method)
    if order:
        if not eq:
            raise ValueError("eq must be true if order is true")
        for op in ("__lt__", "__le__", "__gt__", "__ge__"):
            method = _compare_fn(op, compared)
            method.__qualname__ = f"{cls.__qualname__}.{op}"
            if _set_new_attribute(cls, op, method):
                raise TypeError(
                    f"Cannot overwrite attribute {op} in class {cls.__name__}. Consider using functools.total_ordering"
                )
    if frozen:
        setter, deleter = _frozen_methods(cls, {f.name for f in real_fields})
        for name, method in (("__setattr__", setter), ("__delattr__", deleter)):
            if _set_new_attribute(cls, name, method):
                raise TypeError(f"Cannot overwrite attribute {name} in class {cls.__name__}")
    hashed = [f.name for f in real_fields if (f.compare if f.hash is None else f.hash)]
    explicit_hash = "__hash__" in cls.__dict__ and cls.__dict__["__hash__"] is not None
    if unsafe_hash:
        if explicit_hash:
            raise TypeError(f"Cannot overwrite attribute __hash__ in class {cls.__name__}")
        cls.__hash__ = _hash_fn(hashed)
    elif eq and frozen:
        if not explicit_hash:
            cls.__hash__ = _hash_fn(hashed)
    elif eq:
        if not explicit_hash:
            cls.__hash__ = None
    if match_args:
        _set_new_attribute(cls, "__match_args__", tuple(f.name for f in field_list if f.init and not f.kw_only and f._field_type is _FIELD))
    if slots:
        cls = _add_slots(cls, frozen)
    return cls


def _add_slots(cls, frozen):
    names = tuple(f.name for f in fields(cls))
    namespace = dict(cls.__dict__)
    if "__slots__" in namespace:
        raise TypeError(f"{cls.__name__} already specifies __slots__")
    namespace["__slots__"] = names
    for name in names:
        namespace.pop(name, None)
    namespace.pop("__dict__", None)
    namespace.pop("__weakref__", None)
    qualname = getattr(cls, "__qualname__", None)
    new_cls = type(cls)(cls.__name__, cls.__bases__, namespace)
    if qualname is not None:
        new_cls.__qualname__ = qualname
    return new_cls


def dataclass(cls=None, /, *, init=True, repr=True, eq=True, order=False, unsafe_hash=False,
              frozen=False, match_args=True, kw_only=False, slots=False, weakref_slot=False):
    """Class decorator adding the special methods generated from the annotated fields."""

    def wrap(cls):
        return _process_class(cls, init, repr, eq, order, unsafe_hash, frozen, match_args, kw_only, slots)

    if cls is None:
        return wrap
    return wrap(cls)


def fields(class_or_instance):
    """The fields (not ClassVar or InitVar pseudo-fields) of a dataclass or instance, in order."""
    try:
        all_fields = getattr(class_or_instance, _FIELDS)
    except AttributeError:
        raise TypeError("must be called with a dataclass type or instance") from None
    return tuple(f for f in all_fields.values() if f._field_type is _FIELD)


def _is_dataclass_instance(obj):
    return hasattr(type(obj), _FIELDS)


def is_dataclass(obj):
    cls = obj if isinstance(obj, type) else type(obj)
    return hasattr(cls, _FIELDS)


def asdict(obj, *, dict_factory=dict):
    """The fields as a dict, recursing into dataclasses, lists, tuples and dicts."""
    if not _is_dataclass_instance(obj):
        raise TypeError("asdict() should be called on dataclass instances")
    return _asdict_inner(obj, dict_factory)


def _asdict_inner(obj, dict_factory):
    if _is_dataclass_instance(obj):
        return dict_factory([(f.name, _asdict_inner(getattr(obj, f.name), dict_factory)) for f in fields(obj)])
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*[_asdict_inner(v, dict_factory) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_asdict_inner(v, dict_factory) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_asdict_inner(k, dict_factory), _asdict_inner(v, dict_factory)) for k, v in obj.items())
    return copy.deepcopy(obj)


def astuple(obj, *, tuple_factory=tuple):
    """The fields as a tuple, recursing like `asdict`."""
    if not _is_dataclass_instance(obj):
        raise TypeError("astuple() should be called on dataclass instances")
    return _astuple_inner(obj, tuple_factory)


def _astuple_inner(obj, tuple_factory):
    if _is_dataclass_instance(obj):
        return tuple_factory([_astuple_inner(getattr(obj, f.name), tuple_factory) for f in fields(obj)])
    if isinstance(obj, tuple) and hasattr(obj, "_fields"):
        return type(obj)(*[_astuple_inner(v, tuple_factory) for v in obj])
    if isinstance(obj, (list, tuple)):
        return type(obj)(_astuple_inner(v, tuple_factory) for v in obj)
    if isinstance(obj, dict):
        return type(obj)((_astuple_inner(k, tuple_factory), _astuple_inner(v, tuple_factory)) for k, v in obj.items())
    return copy.deepcopy(obj)


def replace(obj, /, **changes):
    """A new instance with some fields changed (through `__init__`, so `__post_init__` runs)."""
    if not _is_dataclass_instance(obj):
        raise TypeError("replace() should be called on dataclass instances")
    for f in getattr(obj, _FIELDS).values():
        if f._field_type is _FIELD_CLASSVAR:
            continue
        if not f.init:
            if f.name in changes:
                raise ValueError(f"field {f.name} is declared with init=False, it cannot be specified with replace()")
            continue
        if f.name not in changes:
            if f._field_type is _FIELD_INITVAR and f.default is MISSING:
                raise ValueError(f"InitVar {f.name!r} must be specified with replace()")
            changes[f.name] = getattr(obj, f.name)
    return obj.__class__(**changes)


def make_dataclass(cls_name, fields, *, bases=(), namespace=None, **options):
    """A dataclass built from `fields`: names, `(name, type)` or `(name, type, field)`."""
    namespace = dict(namespace or {})
    annotations = {}
    for item in fields:
        if isinstance(item, str):
            name, annotation = item, "typing.Any"
        elif len(item) == 2:
            name, annotation = item
        else:
            name, annotation, spec = item
            namespace[name] = spec
        annotations[name] = annotation
    namespace["__annotations__"] = annotations
    cls = types.new_class(cls_name, bases, {}, lambda ns: ns.update(namespace))
    return dataclass(cls, **options)
