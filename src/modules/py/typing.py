"""The runtime side of type hints: the names annotated code imports, with their reprs.

Type checkers give these their meaning; at run time they are mostly inert objects that print
like CPython's (`typing.List[int]`, `typing.Optional[str]`), can be subscripted, compared and
introspected (`get_origin`, `get_args`, `get_type_hints`). `Generic`, `Protocol`,
`NamedTuple` and `TypedDict` build real classes.
"""

import collections
import collections.abc
import sys
import types
from abc import ABCMeta, abstractmethod

__all__ = [
    "Annotated", "Any", "Callable", "ClassVar", "Concatenate", "Final", "ForwardRef", "Generic",
    "Literal", "Optional", "ParamSpec", "Protocol", "Tuple", "Type", "TypeVar", "TypeVarTuple",
    "Union", "AbstractSet", "ByteString", "Container", "ContextManager", "Hashable", "ItemsView",
    "Iterable", "Iterator", "KeysView", "Mapping", "MappingView", "MutableMapping",
    "MutableSequence", "MutableSet", "Sequence", "Sized", "ValuesView", "Awaitable",
    "AsyncIterator", "AsyncIterable", "Coroutine", "Collection", "AsyncGenerator",
    "AsyncContextManager", "Reversible", "SupportsAbs", "SupportsBytes", "SupportsComplex",
    "SupportsFloat", "SupportsIndex", "SupportsInt", "SupportsRound", "ChainMap", "Counter",
    "Deque", "Dict", "DefaultDict", "List", "OrderedDict", "Set", "FrozenSet", "NamedTuple",
    "TypedDict", "Generator", "BinaryIO", "IO", "Match", "Pattern", "TextIO", "AnyStr",
    "assert_type", "assert_never", "cast", "clear_overloads", "dataclass_transform", "final",
    "get_args", "get_origin", "get_overloads", "get_type_hints", "is_typeddict", "LiteralString",
    "Never", "NewType", "no_type_check", "no_type_check_decorator", "NoReturn", "NotRequired",
    "overload", "ParamSpecArgs", "ParamSpecKwargs", "Required", "reveal_type",
    "runtime_checkable", "Self", "Text", "TYPE_CHECKING", "TypeAlias", "TypeGuard", "Unpack",
]

TYPE_CHECKING = False


def _type_repr(obj):
    """How an argument shows inside an alias's brackets."""
    if isinstance(obj, type) and not isinstance(obj, types.GenericAlias):
        if obj.__module__ == "builtins":
            return obj.__qualname__
        return f"{obj.__module__}.{obj.__qualname__}"
    if obj is ...:
        return "..."
    if isinstance(obj, types.FunctionType):
        return obj.__name__
    return repr(obj)


def _type_check(arg, message):
    """An argument as a type: None stands for NoneType, strings for forward references."""
    if arg is None:
        return type(None)
    if isinstance(arg, str):
        return ForwardRef(arg)
    return arg


def _as_tuple(params):
    return params if isinstance(params, tuple) else (params,)


def _collect_type_vars(args):
    found = []
    for arg in args:
        if isinstance(arg, (TypeVar, ParamSpec)):
            if arg not in found:
                found.append(arg)
        for inner in getattr(arg, "__parameters__", ()):
            if inner not in found:
                found.append(inner)
    return tuple(found)


class _Final:
    """Typing objects are not meant to be subclassed."""

    __slots__ = ()

    def __init_subclass__(cls, /, *args, _root=False, **kwds):
        if not _root:
            raise TypeError("Cannot subclass special typing classes")


class ForwardRef(_Final, _root=True):
    """A type written as a string, evaluated later."""

    def __init__(self, arg, is_argument=True, module=None, *, is_class=False):
        if not isinstance(arg, str):
            raise TypeError(f"Forward reference must be a string -- got {arg!r}")
        self.__forward_arg__ = arg
        self.__forward_module__ = module

    def _evaluate(self, globalns, localns):
        return eval(self.__forward_arg__, globalns, localns)

    def __eq__(self, other):
        if not isinstance(other, ForwardRef):
            return NotImplemented
        return self.__forward_arg__ == other.__forward_arg__

    def __hash__(self):
        return hash(self.__forward_arg__)

    def __repr__(self):
        return f"ForwardRef({self.__forward_arg__!r})"

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]


class _SpecialForm(_Final, _root=True):
    """`Any`, `Union`, `Optional`, `ClassVar`…: named objects, some subscriptable."""

    def __init__(self, name, getitem=None, doc=None):
        self._name = name
        self._getitem = getitem
        self.__doc__ = doc

    def __getattr__(self, item):
        if item in ("__name__", "__qualname__"):
            return self._name
        raise AttributeError(item)

    def __repr__(self):
        return "typing." + self._name

    def __reduce__(self):
        return self._name

    def __call__(self, *args, **kwds):
        raise TypeError(f"Cannot instantiate {self!r}")

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]

    def __instancecheck__(self, obj):
        raise TypeError(f"{self} cannot be used with isinstance()")

    def __subclasscheck__(self, cls):
        raise TypeError(f"{self} cannot be used with issubclass()")

    def __getitem__(self, parameters):
        if self._getitem is None:
            raise TypeError(f"{self} is not subscriptable")
        return self._getitem(self, parameters)

    def __mro_entries__(self, bases):
        raise TypeError(f"Cannot subclass {self!r}")


class _BaseGenericAlias(_Final, _root=True):
    """What subscripting (or naming) a generic gives: calls and tests as its origin."""

    def __init__(self, origin, *, inst=True, name=None):
        self._inst = inst
        self._name = name
        self.__origin__ = origin

    def __call__(self, *args, **kwargs):
        if not self._inst:
            raise TypeError(f"Type {self._name} cannot be instantiated; use {self.__origin__.__name__}() instead")
        result = self.__origin__(*args, **kwargs)
        try:
            result.__orig_class__ = self
        except (AttributeError, TypeError):
            pass
        return result

    def __mro_entries__(self, bases):
        entries = []
        if self.__origin__ not in bases:
            entries.append(self.__origin__)
        position = bases.index(self)
        for later in bases[position + 1 :]:
            if isinstance(later, _BaseGenericAlias) or (isinstance(later, type) and issubclass(later, Generic)):
                break
        else:
            if Generic not in entries and not (isinstance(self.__origin__, type) and issubclass(self.__origin__, Generic)):
                entries.append(Generic)
        return tuple(entries)

    def __getattr__(self, attr):
        if attr in ("__name__", "__qualname__"):
            return self._name or self.__origin__.__name__
        if not (attr.startswith("__") and attr.endswith("__")) and attr != "_name":
            return getattr(self.__origin__, attr)
        raise AttributeError(attr)

    def __instancecheck__(self, obj):
        return self.__subclasscheck__(type(obj))

    def __subclasscheck__(self, cls):
        raise TypeError("Subscripted generics cannot be used with class and instance checks")

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]


class _GenericAlias(_BaseGenericAlias, _root=True):
    """`List[int]`, `Box[str]`: an origin with arguments."""

    def __init__(self, origin, args, *, inst=True, name=None):
        super().__init__(origin, inst=inst, name=name)
        self.__args__ = tuple(... if a is Ellipsis else a for a in _as_tuple(args))
        self.__parameters__ = _collect_type_vars(self.__args__)
        if not name:
            self.__module__ = origin.__module__

    def __eq__(self, other):
        if not isinstance(other, _GenericAlias):
            return NotImplemented
        return self.__origin__ == other.__origin__ and self.__args__ == other.__args__

    def __hash__(self):
        return hash((self.__origin__, self.__args__))

    def __getitem__(self, args):
        args = _as_tuple(args)
        if not self.__parameters__:
            raise TypeError(f"{self} is not a generic class")
        if len(args) != len(self.__parameters__):
            raise TypeError(
                f"Too {'many' if len(args) > len(self.__parameters__) else 'few'} arguments for {self}; "
                f"actual {len(args)}, expected {len(self.__parameters__)}"
            )
        substitution = dict(zip(self.__parameters__, args))
        return self.copy_with(tuple(_substitute(arg, substitution) for arg in self.__args__))

    def copy_with(self, args):
        return self.__class__(self.__origin__, args, name=self._name, inst=self._inst)

    def _origin_repr(self):
        return "typing." + self._name if self._name else _type_repr(self.__origin__)

    def __repr__(self):
        if self.__args__:
            args = ", ".join(_type_repr(a) for a in self.__args__)
        else:
            args = "()"
        return f"{self._origin_repr()}[{args}]"

    def __reduce__(self):
        return operator_getitem, (self._unsubscripted(), self.__args__)

    def _unsubscripted(self):
        return globals()[self._name] if self._name else self.__origin__


def operator_getitem(container, args):
    return container[args]


def _substitute(arg, substitution):
    if isinstance(arg, (TypeVar, ParamSpec)):
        return substitution.get(arg, arg)
    if isinstance(arg, _GenericAlias) and arg.__parameters__:
        return arg[tuple(substitution.get(p, p) for p in arg.__parameters__)]
    return arg


class _SpecialGenericAlias(_BaseGenericAlias, _root=True):
    """`typing.List`, `typing.Dict`…: a generic built-in class not subscripted yet."""

    def __init__(self, origin, nparams, *, inst=True, name=None):
        super().__init__(origin, inst=inst, name=name or origin.__name__)
        self._nparams = nparams
        self.__module__ = "typing"

    def __getitem__(self, params):
        params = tuple(_type_check(p, "") for p in _as_tuple(params))
        if self._nparams >= 0 and len(params) != self._nparams:
            raise TypeError(
                f"Too {'many' if len(params) > self._nparams else 'few'} arguments for {self}; "
                f"actual {len(params)}, expected {self._nparams}"
            )
        return _GenericAlias(self.__origin__, params, name=self._name, inst=self._inst)

    def __repr__(self):
        return "typing." + self._name

    def __subclasscheck__(self, cls):
        if isinstance(cls, _SpecialGenericAlias):
            return issubclass(cls.__origin__, self.__origin__)
        if not isinstance(cls, _GenericAlias):
            return issubclass(cls, self.__origin__)
        return super().__subclasscheck__(cls)

    def __reduce__(self):
        return self._name

    def __eq__(self, other):
        if not isinstance(other, _SpecialGenericAlias):
            return NotImplemented
        return self.__origin__ is other.__origin__

    def __hash__(self):
        return hash(self.__origin__)


class _CallableGenericAlias(_GenericAlias, _root=True):
    def __repr__(self):
        if len(self.__args__) == 2 and self.__args__[0] is ...:
            return f"typing.Callable[..., {_type_repr(self.__args__[1])}]"
        params = ", ".join(_type_repr(a) for a in self.__args__[:-1])
        return f"typing.Callable[[{params}], {_type_repr(self.__args__[-1])}]"

    def copy_with(self, args):
        return _CallableGenericAlias(self.__origin__, args, name=self._name, inst=self._inst)


class _CallableType(_SpecialGenericAlias, _root=True):
    def __getitem__(self, params):
        if not isinstance(params, tuple) or len(params) != 2:
            raise TypeError("Callable must be used as Callable[[arg, ...], result].")
        args, result = params
        if args is ...:
            flat = (..., _type_check(result, ""))
        elif isinstance(args, list):
            flat = tuple(_type_check(a, "") for a in args) + (_type_check(result, ""),)
        else:
            raise TypeError(f"Callable[args, result]: args must be a list. Got {args!r}")
        return _CallableGenericAlias(self.__origin__, flat, name=self._name, inst=self._inst)


class _TupleType(_SpecialGenericAlias, _root=True):
    def __getitem__(self, params):
        if params == ():
            return _GenericAlias(tuple, (), name="Tuple", inst=False)
        params = _as_tuple(params)
        if len(params) >= 2 and params[-1] is ...:
            return _GenericAlias(tuple, tuple(_type_check(p, "") for p in params[:-1]) + (...,), name="Tuple", inst=False)
        return _GenericAlias(tuple, tuple(_type_check(p, "") for p in params), name="Tuple", inst=False)


class _UnionGenericAlias(_GenericAlias, _root=True):
    def copy_with(self, args):
        return Union[args]

    def __eq__(self, other):
        if not isinstance(other, (_UnionGenericAlias, types.UnionType)):
            return NotImplemented
        return set(self.__args__) == set(other.__args__)

    def __hash__(self):
        return hash(frozenset(self.__args__))

    def __repr__(self):
        args = self.__args__
        if len(args) == 2 and type(None) in args:
            other = args[0] if args[1] is type(None) else args[1]
            return f"typing.Optional[{_type_repr(other)}]"
        return f"typing.Union[{', '.join(_type_repr(a) for a in args)}]"

    def __instancecheck__(self, obj):
        return self.__subclasscheck__(type(obj))

    def __subclasscheck__(self, cls):
        for arg in self.__args__:
            if isinstance(arg, type) and issubclass(cls, arg):
                return True
        return False


class _LiteralGenericAlias(_GenericAlias, _root=True):
    def __eq__(self, other):
        if not isinstance(other, _LiteralGenericAlias):
            return NotImplemented
        return set(self.__args__) == set(other.__args__)

    def __hash__(self):
        return hash(frozenset(self.__args__))


class _AnnotatedAlias(_GenericAlias, _root=True):
    def __init__(self, origin, metadata):
        super().__init__(origin, origin)
        self.__metadata__ = metadata

    def copy_with(self, args):
        return _AnnotatedAlias(args[0], self.__metadata__)

    def __repr__(self):
        metadata = ", ".join(repr(m) for m in self.__metadata__)
        return f"typing.Annotated[{_type_repr(self.__origin__)}, {metadata}]"

    def __eq__(self, other):
        if not isinstance(other, _AnnotatedAlias):
            return NotImplemented
        return self.__origin__ == other.__origin__ and self.__metadata__ == other.__metadata__

    def __hash__(self):
        return hash((self.__origin__, self.__metadata__))

    def __mro_entries__(self, bases):
        return (self.__origin__,)


def _flatten_union(parameters):
    flat = []
    for p in parameters:
        if isinstance(p, (_UnionGenericAlias, types.UnionType)):
            members = p.__args__
        else:
            members = (p,)
        for m in members:
            if m not in flat:
                flat.append(m)
    return tuple(flat)


def _union_getitem(self, parameters):
    if parameters == ():
        raise TypeError("Cannot take a Union of no types.")
    parameters = _flatten_union(tuple(_type_check(p, "") for p in _as_tuple(parameters)))
    if len(parameters) == 1:
        return parameters[0]
    return _UnionGenericAlias(self, parameters, name="Union")


def _optional_getitem(self, parameters):
    return Union[_type_check(parameters, ""), None]


def _one_argument(self, parameters):
    parameters = _as_tuple(parameters)
    if len(parameters) != 1:
        raise TypeError(f"{self} accepts only single type.")
    return _GenericAlias(self, (_type_check(parameters[0], ""),), name=self._name)


def _literal_getitem(self, parameters):
    values = []
    for p in _as_tuple(parameters):
        for v in (p.__args__ if isinstance(p, _LiteralGenericAlias) else (p,)):
            if v not in values:
                values.append(v)
    return _LiteralGenericAlias(self, tuple(values), name="Literal")


def _concatenate_getitem(self, parameters):
    return _GenericAlias(self, _as_tuple(parameters), name="Concatenate")


def _no_subscript(self, parameters):
    raise TypeError(f"{self} is not subscriptable")


Any = _SpecialForm("Any")
NoReturn = _SpecialForm("NoReturn")
Never = _SpecialForm("Never")
Self = _SpecialForm("Self")
LiteralString = _SpecialForm("LiteralString")
TypeAlias = _SpecialForm("TypeAlias")
ClassVar = _SpecialForm("ClassVar", _one_argument)
Final = _SpecialForm("Final", _one_argument)
Required = _SpecialForm("Required", _one_argument)
NotRequired = _SpecialForm("NotRequired", _one_argument)
TypeGuard = _SpecialForm("TypeGuard", _one_argument)
Unpack = _SpecialForm("Unpack", _one_argument)
Union = _SpecialForm("Union", _union_getitem)
Optional = _SpecialForm("Optional", _optional_getitem)
Literal = _SpecialForm("Literal", _literal_getitem)
Concatenate = _SpecialForm("Concatenate", _concatenate_getitem)


class _AnnotatedForm(_SpecialForm, _root=True):
    def __getitem__(self, params):
        if not isinstance(params, tuple) or len(params) < 2:
            raise TypeError("Annotated[...] should be used with at least two arguments (a type and an annotation).")
        origin = _type_check(params[0], "")
        metadata = tuple(params[1:])
        if isinstance(origin, _AnnotatedAlias):
            return _AnnotatedAlias(origin.__origin__, origin.__metadata__ + metadata)
        return _AnnotatedAlias(origin, metadata)


Annotated = _AnnotatedForm("Annotated")


class TypeVar(_Final, _root=True):
    """A type variable: `T = TypeVar('T')`, shown as `~T` (`+T` covariant, `-T` contravariant)."""

    def __init__(self, name, *constraints, bound=None, covariant=False, contravariant=False):
        if covariant and contravariant:
            raise ValueError("Bivariant types are not supported.")
        if len(constraints) == 1:
            raise TypeError("A single constraint is not allowed")
        self.__name__ = name
        self.__constraints__ = tuple(_type_check(c, "") for c in constraints)
        self.__bound__ = _type_check(bound, "") if bound is not None else None
        self.__covariant__ = bool(covariant)
        self.__contravariant__ = bool(contravariant)

    def __repr__(self):
        prefix = "+" if self.__covariant__ else "-" if self.__contravariant__ else "~"
        return prefix + self.__name__

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]

    def __reduce__(self):
        return self.__name__


class ParamSpecArgs(_Final, _root=True):
    def __init__(self, origin):
        self.__origin__ = origin

    def __repr__(self):
        return f"{self.__origin__.__name__}.args"


class ParamSpecKwargs(_Final, _root=True):
    def __init__(self, origin):
        self.__origin__ = origin

    def __repr__(self):
        return f"{self.__origin__.__name__}.kwargs"


class ParamSpec(_Final, _root=True):
    """A parameter specification variable: `P = ParamSpec('P')`, shown as `~P`."""

    def __init__(self, name, *, bound=None, covariant=False, contravariant=False):
        self.__name__ = name
        self.__bound__ = bound
        self.__covariant__ = bool(covariant)
        self.__contravariant__ = bool(contravariant)

    @property
    def args(self):
        return ParamSpecArgs(self)

    @property
    def kwargs(self):
        return ParamSpecKwargs(self)

    def __repr__(self):
        prefix = "+" if self.__covariant__ else "-" if self.__contravariant__ else "~"
        return prefix + self.__name__


class TypeVarTuple(_Final, _root=True):
    def __init__(self, name):
        self.__name__ = name

    def __repr__(self):
        return self.__name__


AnyStr = TypeVar("AnyStr", bytes, str)
Text = str


class Generic:
    """The base of generic classes: `class Box(Generic[T])`, then `Box[int]`."""

    __slots__ = ()
    _is_protocol = False

    def __class_getitem__(cls, params):
        params = tuple(_type_check(p, "") for p in _as_tuple(params))
        if cls in (Generic, Protocol):
            if not params:
                raise TypeError(f"Parameter list to {cls.__qualname__}[...] cannot be empty")
            if not all(isinstance(p, (TypeVar, ParamSpec)) for p in params):
                raise TypeError(
                    f"Parameters to {cls.__name__}[...] must all be type variables or parameter specification variables."
                )
            if len(set(params)) != len(params):
                raise TypeError(f"Parameters to {cls.__name__}[...] must all be unique")
            return _GenericAlias(cls, params)
        expected = getattr(cls, "__parameters__", ())
        if len(params) != len(expected):
            if not expected:
                raise TypeError(f"{cls!r} is not a generic class")
            raise TypeError(
                f"Too {'many' if len(params) > len(expected) else 'few'} arguments for {cls!r}; "
                f"actual {len(params)}, expected {len(expected)}"
            )
        return _GenericAlias(cls, params)

    def __init_subclass__(cls, *args, **kwargs):
        super().__init_subclass__(*args, **kwargs)
        original = cls.__dict__.get("__orig_bases__", ())
        declared = None
        for base in original:
            if isinstance(base, _GenericAlias) and base.__origin__ in (Generic, Protocol):
                declared = base.__parameters__
        found = _collect_type_vars(original)
        cls.__parameters__ = tuple(declared if declared is not None else found)


def _caller_module(depth=2):
    try:
        return sys._getframe(depth).f_globals.get("__name__", "__main__")
    except (AttributeError, ValueError):
        return "__main__"


_SPECIAL_NAMES = frozenset({
    "__abstractmethods__", "__annotations__", "__dict__", "__doc__", "__init__", "__module__",
    "__new__", "__slots__", "__subclasshook__", "__weakref__", "__class_getitem__",
    "__parameters__", "__orig_bases__", "__qualname__", "__init_subclass__", "__protocol_attrs__",
    "_is_protocol", "_is_runtime_protocol", "__non_callable_proto_members__", "__type_params__",
})


def _protocol_attrs(cls):
    attrs = set()
    for base in cls.__mro__[:-1]:
        if base.__name__ in ("Protocol", "Generic"):
            continue
        annotations = base.__dict__.get("__annotations__", {})
        for name in list(base.__dict__) + list(annotations):
            if not name.startswith("_abc_") and name not in _SPECIAL_NAMES:
                attrs.add(name)
    return attrs


class _ProtocolMeta(ABCMeta):
    def __instancecheck__(cls, instance):
        if not getattr(cls, "_is_protocol", False) or cls.__dict__.get("_is_protocol") is False:
            return super().__instancecheck__(instance)
        if not getattr(cls, "_is_runtime_protocol", False):
            raise TypeError("Instance and class checks can only be used with @runtime_checkable protocols")
        if super().__instancecheck__(instance):
            return True
        for attr in _protocol_attrs(cls):
            if not hasattr(instance, attr):
                return False
            if callable(getattr(cls, attr, None)) and getattr(instance, attr) is None:
                return False
        return True

    def __subclasscheck__(cls, other):
        if getattr(cls, "_is_protocol", False) and cls.__dict__.get("_is_protocol", True):
            if not getattr(cls, "_is_runtime_protocol", False):
                raise TypeError("Instance and class checks can only be used with @runtime_checkable protocols")
            if not isinstance(other, type):
                raise TypeError("issubclass() arg 1 must be a class")
            for attr in _protocol_attrs(cls):
                if not any(attr in base.__dict__ for base in other.__mro__):
                    return super().__subclasscheck__(other)
            return True
        return super().__subclasscheck__(other)


def _no_init(self, *args, **kwargs):
    if type(self)._is_protocol:
        raise TypeError("Protocols cannot be instantiated")


class Protocol(Generic, metaclass=_ProtocolMeta):
    """The base of structural types: a class matches a runtime-checkable protocol when it has
    the protocol's attributes, whatever its bases."""

    __slots__ = ()
    _is_protocol = True
    _is_runtime_protocol = False
    __init__ = _no_init

    def __init_subclass__(cls, *args, **kwargs):
        super().__init_subclass__(*args, **kwargs)
        if not cls.__dict__.get("_is_protocol", False):
            cls._is_protocol = any(b is Protocol for b in cls.__bases__)


def runtime_checkable(cls):
    """Class decorator: let `isinstance` and `issubclass` test a protocol at run time."""
    if not (isinstance(cls, type) and issubclass(cls, Generic) and getattr(cls, "_is_protocol", False)):
        raise TypeError(f"@runtime_checkable can be only applied to protocol classes, got {cls!r}")
    cls._is_runtime_protocol = True
    return cls


def _alias(origin, nparams, *, inst=True, name=None):
    return _SpecialGenericAlias(origin, nparams, inst=inst, name=name)


_abc = collections.abc
Hashable = _alias(_abc.Hashable, 0)
Awaitable = _alias(_abc.Awaitable, 1)
Coroutine = _alias(_abc.Coroutine, 3)
AsyncIterable = _alias(_abc.AsyncIterable, 1)
AsyncIterator = _alias(_abc.AsyncIterator, 1)
Iterable = _alias(_abc.Iterable, 1)
Iterator = _alias(_abc.Iterator, 1)
Reversible = _alias(_abc.Reversible, 1)
Sized = _alias(_abc.Sized, 0)
Container = _alias(_abc.Container, 1)
Collection = _alias(_abc.Collection, 1)
Callable = _CallableType(_abc.Callable, 2)
AbstractSet = _alias(_abc.Set, 1, name="AbstractSet")
MutableSet = _alias(_abc.MutableSet, 1)
Mapping = _alias(_abc.Mapping, 2)
MutableMapping = _alias(_abc.MutableMapping, 2)
Sequence = _alias(_abc.Sequence, 1)
MutableSequence = _alias(_abc.MutableSequence, 1)
ByteString = _alias(_abc.ByteString, 0)
Tuple = _TupleType(tuple, -1, inst=False, name="Tuple")
List = _alias(list, 1, inst=False, name="List")
Deque = _alias(collections.deque, 1, name="Deque")
Set = _alias(set, 1, inst=False, name="Set")
FrozenSet = _alias(frozenset, 1, inst=False, name="FrozenSet")
MappingView = _alias(_abc.MappingView, 1)
KeysView = _alias(_abc.KeysView, 1)
ItemsView = _alias(_abc.ItemsView, 2)
ValuesView = _alias(_abc.ValuesView, 1)
Dict = _alias(dict, 2, inst=False, name="Dict")
DefaultDict = _alias(collections.defaultdict, 2, name="DefaultDict")
OrderedDict = _alias(collections.OrderedDict, 2)
Counter = _alias(collections.Counter, 1)
Generator = _alias(_abc.Generator, 3)
AsyncGenerator = _alias(_abc.AsyncGenerator, 2)
Type = _alias(type, 1, inst=False, name="Type")
if hasattr(collections, "ChainMap"):
    ChainMap = _alias(collections.ChainMap, 2)


class _ContextManagerABC(metaclass=ABCMeta):
    def __enter__(self):
        return self

    @abstractmethod
    def __exit__(self, exc_type, exc_value, traceback):
        return None

    @classmethod
    def __subclasshook__(cls, C):
        if cls is _ContextManagerABC:
            if any("__enter__" in B.__dict__ for B in C.__mro__) and any("__exit__" in B.__dict__ for B in C.__mro__):
                return True
        return NotImplemented


ContextManager = _alias(_ContextManagerABC, 1, name="ContextManager")
AsyncContextManager = _alias(_ContextManagerABC, 1, name="AsyncContextManager")


@runtime_checkable
class SupportsInt(Protocol):
    __slots__ = ()

    @abstractmethod
    def __int__(self) -> int:
        pass


@runtime_checkable
class SupportsFloat(Protocol):
    __slots__ = ()

    @abstractmethod
    def __float__(self) -> float:
        pass


@runtime_checkable
class SupportsComplex(Protocol):
    __slots__ = ()

    @abstractmethod
    def __complex__(self) -> complex:
        pass


@runtime_checkable
class SupportsBytes(Protocol):
    __slots__ = ()

    @abstractmethod
    def __bytes__(self) -> bytes:
        pass


@runtime_checkable
class SupportsIndex(Protocol):
    __slots__ = ()

    @abstractmethod
    def __index__(self) -> int:
        pass


@runtime_checkable
class SupportsAbs(Protocol):
    __slots__ = ()

    @abstractmethod
    def __abs__(self):
        pass


@runtime_checkable
class SupportsRound(Protocol):
    __slots__ = ()

    @abstractmethod
    def __round__(self, ndigits: int = 0):
        pass


class IO(Generic[AnyStr]):
    """The generic type of file objects (for annotations)."""

    __slots__ = ()


class BinaryIO(IO[bytes]):
    __slots__ = ()


class TextIO(IO[str]):
    __slots__ = ()


class Pattern:
    """Stands for `re.Pattern` in annotations."""

    def __class_getitem__(cls, item):
        return _GenericAlias(cls, item, name="Pattern")


class Match:
    """Stands for `re.Match` in annotations."""

    def __class_getitem__(cls, item):
        return _GenericAlias(cls, item, name="Match")


# ----- NamedTuple and TypedDict ------------------------------------------------------------

_NAMEDTUPLE_PROHIBITED = frozenset({
    "__new__", "__init__", "__slots__", "__getnewargs__", "_fields", "_field_defaults",
    "_make", "_replace", "_asdict", "_source",
})
_NAMEDTUPLE_SPECIAL = frozenset({"__module__", "__name__", "__annotations__", "__qualname__"})


def _make_namedtuple(name, fields, module, defaults=()):
    fields = [(n, _type_check(t, "")) for n, t in fields]
    cls = collections.namedtuple(name, [n for n, _ in fields], defaults=defaults, module=module)
    cls.__annotations__ = dict(fields)
    return cls


class NamedTupleMeta(type):
    def __new__(cls, typename, bases, ns):
        if ns.get("_root", False):
            return super().__new__(cls, typename, bases, ns)
        annotations = ns.get("__annotations__", {})
        defaults = []
        for field in annotations:
            if field in ns:
                defaults.append(ns[field])
            elif defaults:
                raise TypeError(
                    f"Non-default namedtuple field {field} cannot follow default field"
                    f"{'s' if len(defaults) > 1 else ''} {', '.join(f for f in annotations if f in ns)}"
                )
        tuple_class = _make_namedtuple(typename, annotations.items(), ns.get("__module__", "__main__"), defaults)
        for key, value in ns.items():
            if key in _NAMEDTUPLE_PROHIBITED:
                raise AttributeError("Cannot overwrite NamedTuple attribute " + key)
            if key not in _NAMEDTUPLE_SPECIAL and key not in tuple_class._fields:
                setattr(tuple_class, key, value)
        if "__qualname__" in ns:
            tuple_class.__qualname__ = ns["__qualname__"]
        return tuple_class


class _NamedTuple(metaclass=NamedTupleMeta):
    _root = True


def NamedTuple(typename, fields=None, /, **kwargs):
    """A `collections.namedtuple` whose fields have types: `NamedTuple('P', [('x', int)])`,
    or as a base class with annotated fields (and defaults)."""
    if fields is None:
        fields = kwargs.items()
    elif kwargs:
        raise TypeError("Either list of fields or keywords can be provided to NamedTuple, not both")
    return _make_namedtuple(typename, fields, _caller_module())


NamedTuple.__mro_entries__ = lambda bases: (_NamedTuple,)


class _TypedDictMeta(type):
    def __new__(cls, name, bases, ns, total=True):
        for base in bases:
            if type(base) is not _TypedDictMeta and base is not Generic:
                raise TypeError("cannot inherit from both a TypedDict type and a non-TypedDict base class")
        annotations = {}
        own = {n: _type_check(t, "") for n, t in ns.get("__annotations__", {}).items()}
        required, optional = set(), set()
        for base in bases:
            annotations.update(base.__dict__.get("__annotations__", {}))
            required.update(base.__dict__.get("__required_keys__", ()))
            optional.update(base.__dict__.get("__optional_keys__", ()))
        annotations.update(own)
        for key, value in own.items():
            origin = getattr(value, "__origin__", None)
            if origin is Required:
                required.add(key)
            elif origin is NotRequired:
                optional.add(key)
            elif total:
                required.add(key)
            else:
                optional.add(key)
        namespace = dict(ns)
        namespace["__annotations__"] = annotations
        typed_dict = type.__new__(_TypedDictMeta, name, (dict,), namespace)
        typed_dict.__required_keys__ = frozenset(required)
        typed_dict.__optional_keys__ = frozenset(optional)
        typed_dict.__total__ = total
        return typed_dict

    def __call__(cls, *args, **kwargs):
        return dict(*args, **kwargs)

    def __subclasscheck__(cls, other):
        raise TypeError("TypedDict does not support instance and class checks")

    __instancecheck__ = __subclasscheck__


def TypedDict(typename, fields=None, /, *, total=True, **kwargs):
    """A dict type with declared keys: `TypedDict('Movie', {'name': str})`, or as a base
    class with annotated keys. At run time its instances are plain dicts."""
    if fields is None:
        fields = kwargs
    elif kwargs:
        raise TypeError("TypedDict takes either a dict or keyword arguments, but not both")
    ns = {"__annotations__": dict(fields), "__module__": _caller_module()}
    return _TypedDictMeta(typename, (), ns, total=total)


_TypedDict = type.__new__(_TypedDictMeta, "TypedDict", (), {})
TypedDict.__mro_entries__ = lambda bases: (_TypedDict,)


def is_typeddict(tp):
    return isinstance(tp, _TypedDictMeta)


# ----- functions ---------------------------------------------------------------------------


def cast(typ, val):
    """Tell a type checker `val` has type `typ`; returns `val` unchanged."""
    return val


def assert_type(val, typ, /):
    return val


def assert_never(arg, /):
    value = repr(arg)
    if len(value) > 100:
        value = value[:100] + "..."
    raise AssertionError(f"Expected code to be unreachable, but got: {value}")


def reveal_type(obj, /):
    print(f"Runtime type is {type(obj).__name__!r}", file=sys.stderr)
    return obj


_overload_registry = {}


def _overload_dummy(*args, **kwds):
    raise NotImplementedError(
        "You should not call an overloaded function. "
        "A series of @typing.overload-decorated functions "
        "outside a stub module should always be followed "
        "by an implementation that is not @typing.overload-decorated."
    )


def overload(func):
    """Mark a signature of an overloaded function; the undecorated definition that follows
    is the one called."""
    key = (getattr(func, "__module__", None), getattr(func, "__qualname__", None))
    _overload_registry.setdefault(key, []).append(func)
    return _overload_dummy


def get_overloads(func):
    key = (getattr(func, "__module__", None), getattr(func, "__qualname__", None))
    return list(_overload_registry.get(key, []))


def clear_overloads():
    _overload_registry.clear()


def final(f):
    """Mark a method or class final (for type checkers)."""
    try:
        f.__final__ = True
    except (AttributeError, TypeError):
        pass
    return f


def no_type_check(arg):
    """Mark a function or class as not to be type checked."""
    try:
        arg.__no_type_check__ = True
    except (AttributeError, TypeError):
        pass
    return arg


def no_type_check_decorator(decorator):
    return decorator


def dataclass_transform(*, eq_default=True, order_default=False, kw_only_default=False,
                        field_specifiers=(), **kwargs):
    def decorator(cls_or_fn):
        cls_or_fn.__dataclass_transform__ = {
            "eq_default": eq_default,
            "order_default": order_default,
            "kw_only_default": kw_only_default,
            "field_specifiers": field_specifiers,
            "kwargs": kwargs,
        }
        return cls_or_fn

    return decorator


class NewType:
    """A distinct name for a type (for type checkers); calling it returns its argument."""

    def __init__(self, name, tp):
        self.__qualname__ = name
        self.__name__ = name.rpartition(".")[2]
        self.__supertype__ = tp
        self.__module__ = _caller_module()

    def __repr__(self):
        return f"{self.__module__}.{self.__qualname__}"

    def __call__(self, x):
        return x

    def __or__(self, other):
        return Union[self, other]

    def __ror__(self, other):
        return Union[other, self]

    def __mro_entries__(self, bases):
        raise TypeError(
            f"Cannot subclass an instance of NewType. Perhaps you were looking for: "
            f"`{self.__name__} = NewType({self.__name__!r}, {self.__name__})`"
        )


def _evaluate(value, globalns, localns):
    if value is None:
        return type(None)
    if isinstance(value, str):
        value = ForwardRef(value)
    if isinstance(value, ForwardRef):
        return _evaluate(value._evaluate(globalns, localns), globalns, localns)
    if isinstance(value, _GenericAlias) and any(isinstance(a, (str, ForwardRef)) for a in value.__args__):
        args = tuple(_evaluate(a, globalns, localns) for a in value.__args__)
        return value.copy_with(args)
    return value


def _strip_annotations(value):
    if isinstance(value, _AnnotatedAlias):
        return _strip_annotations(value.__origin__)
    return value


def get_type_hints(obj, globalns=None, localns=None, include_extras=False):
    """The annotations of a class (with its bases'), function or module, strings evaluated."""
    hints = {}
    if isinstance(obj, type):
        for base in reversed(obj.__mro__):
            annotations = base.__dict__.get("__annotations__", {})
            base_globals = globalns
            if base_globals is None:
                module = sys.modules.get(base.__module__)
                base_globals = module.__dict__ if module is not None else {}
            base_locals = dict(vars(base)) if localns is None else localns
            for name, value in annotations.items():
                hints[name] = _evaluate(value, base_globals, base_locals)
    else:
        if isinstance(obj, types.ModuleType):
            namespace = obj.__dict__
            annotations = namespace.get("__annotations__", {})
        else:
            namespace = getattr(obj, "__globals__", {})
            annotations = getattr(obj, "__annotations__", {})
        if globalns is None:
            globalns = namespace
        for name, value in annotations.items():
            hints[name] = _evaluate(value, globalns, localns)
    if include_extras:
        return hints
    return {name: _strip_annotations(value) for name, value in hints.items()}


def get_origin(tp):
    """The unsubscripted form of a generic: `list` for `List[int]`, `Union` for a union."""
    if isinstance(tp, _AnnotatedAlias):
        return Annotated
    if isinstance(tp, (_BaseGenericAlias, types.GenericAlias)):
        return tp.__origin__
    if tp is Generic:
        return Generic
    if isinstance(tp, types.UnionType):
        return types.UnionType
    return None


def get_args(tp):
    """The arguments of a subscripted generic: `(str, int)` for `Dict[str, int]`."""
    if isinstance(tp, _AnnotatedAlias):
        return (tp.__origin__,) + tp.__metadata__
    if isinstance(tp, _CallableGenericAlias):
        args = tp.__args__
        if args[0] is ...:
            return (..., args[-1])
        return (list(args[:-1]), args[-1])
    if isinstance(tp, (_GenericAlias, types.GenericAlias, types.UnionType)):
        return tp.__args__
    return ()


# Names whose runtime class this interpreter lacks (`ChainMap`) are left out.
__all__ = [name for name in __all__ if name in globals()]
