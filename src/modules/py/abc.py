"""Abstract base classes: `ABCMeta`, `ABC` and `abstractmethod`.

A class made by `ABCMeta` records the names of its abstract methods in `__abstractmethods__`
and cannot be instantiated while any remain. Classes may be declared virtual subclasses with
`register`, and `__subclasshook__` may decide `issubclass` by itself. Answers are cached per
class; registering anything anywhere invalidates the cached negative answers. Registries,
subclass lists and caches hold their classes strongly (CPython's hold them weakly): sets of
weak references shared between threads are not safe free-threaded yet.
"""

import threading

_registrations = 0
_registration_lock = threading.Lock()


def get_cache_token():
    """A value that changes whenever a class is registered with any ABC."""
    return _registrations


def abstractmethod(funcobj):
    """Mark a method abstract: classes made by ABCMeta that do not override it cannot be
    instantiated."""
    funcobj.__isabstractmethod__ = True
    return funcobj


def abstractclassmethod(callable):
    """An abstract classmethod (deprecated: stack `classmethod` on `abstractmethod`)."""
    callable.__isabstractmethod__ = True
    return classmethod(callable)


def abstractstaticmethod(callable):
    """An abstract staticmethod (deprecated: stack `staticmethod` on `abstractmethod`)."""
    callable.__isabstractmethod__ = True
    return staticmethod(callable)


def abstractproperty(fget=None, fset=None, fdel=None, doc=None):
    """An abstract property (deprecated: stack `property` on `abstractmethod`)."""
    for accessor in (fget, fset, fdel):
        if accessor is not None:
            accessor.__isabstractmethod__ = True
    return property(fget, fset, fdel, doc)


def _is_abstract(value):
    return bool(getattr(value, "__isabstractmethod__", False))


def _abstract_names(cls, namespace, bases):
    names = {name for name, value in namespace.items() if _is_abstract(value)}
    for base in bases:
        for name in getattr(base, "__abstractmethods__", ()):
            if _is_abstract(getattr(cls, name, None)):
                names.add(name)
    return frozenset(names)


class ABCMeta(type):
    """The metaclass of abstract base classes."""

    def __new__(mcls, name, bases, namespace, /, **kwargs):
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        cls.__abstractmethods__ = _abstract_names(cls, namespace, bases)
        cls._abc_registry = set()
        cls._abc_subclasses = set()
        cls._abc_cache = set()
        cls._abc_negative_cache = set()
        cls._abc_negative_cache_version = _registrations
        for base in bases:
            if isinstance(base, ABCMeta):
                base._abc_subclasses.add(cls)
        return cls

    def __call__(cls, *args, **kwargs):
        abstract = cls.__abstractmethods__
        if abstract:
            names = sorted(abstract)
            plural = "s" if len(names) > 1 else ""
            raise TypeError(
                f"Can't instantiate abstract class {cls.__name__} with abstract method{plural} {', '.join(names)}"
            )
        return super().__call__(*args, **kwargs)

    def register(cls, subclass):
        """Declare `subclass` a virtual subclass of this ABC; returns it, so this works as a
        class decorator."""
        global _registrations
        if not isinstance(subclass, type):
            raise TypeError("Can only register classes")
        if issubclass(subclass, cls):
            return subclass
        if issubclass(cls, subclass):
            raise RuntimeError("Refusing to create an inheritance cycle")
        with _registration_lock:
            cls._abc_registry.add(subclass)
            _registrations += 1
        return subclass

    def __instancecheck__(cls, instance):
        shown = getattr(instance, "__class__", None)
        actual = type(instance)
        if shown in cls._abc_cache or actual in cls._abc_cache:
            return True
        if shown is actual or shown is None:
            return cls.__subclasscheck__(actual)
        return cls.__subclasscheck__(shown) or cls.__subclasscheck__(actual)

    def __subclasscheck__(cls, subclass):
        if not isinstance(subclass, type):
            raise TypeError("issubclass() arg 1 must be a class")
        if subclass in cls._abc_cache:
            return True
        if cls._abc_negative_cache_version != _registrations:
            cls._abc_negative_cache.clear()
            cls._abc_negative_cache_version = _registrations
        elif subclass in cls._abc_negative_cache:
            return False
        answer = cls.__subclasshook__(subclass)
        if answer is not NotImplemented:
            (cls._abc_cache if answer else cls._abc_negative_cache).add(subclass)
            return bool(answer)
        # Snapshots: another thread may register or derive meanwhile.
        if cls in subclass.__mro__ or any(issubclass(subclass, r) for r in tuple(cls._abc_registry)):
            cls._abc_cache.add(subclass)
            return True
        if any(issubclass(subclass, s) for s in tuple(cls._abc_subclasses)):
            cls._abc_cache.add(subclass)
            return True
        cls._abc_negative_cache.add(subclass)
        return False

    def _dump_registry(cls, file=None):
        print(f"Class: {cls.__module__}.{cls.__qualname__}", file=file)
        print(f"Inv. counter: {get_cache_token()}", file=file)
        print(f"_abc_registry: {set(cls._abc_registry)!r}", file=file)

    def _abc_registry_clear(cls):
        cls._abc_registry = set()

    def _abc_caches_clear(cls):
        cls._abc_cache = set()
        cls._abc_negative_cache = set()


class ABC(metaclass=ABCMeta):
    """A base class whose metaclass is ABCMeta: `class Shape(ABC)`."""

    __slots__ = ()


def update_abstractmethods(cls):
    """Recompute `cls.__abstractmethods__` after methods were added or replaced."""
    if not hasattr(cls, "__abstractmethods__"):
        return cls
    names = set()
    for base in cls.__bases__:
        for name in getattr(base, "__abstractmethods__", ()):
            if _is_abstract(getattr(cls, name, None)):
                names.add(name)
    for name, value in cls.__dict__.items():
        if _is_abstract(value):
            names.add(name)
    cls.__abstractmethods__ = frozenset(names)
    return cls
