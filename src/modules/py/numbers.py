"""The numeric tower of abstract base classes: Number ⊃ Complex ⊃ Real ⊃ Rational ⊃ Integral.

`int`, `float`, `complex` and `fractions.Fraction` are registered, so `isinstance(x, Real)`
accepts any of the real ones. Each class lists the operations a concrete number must define
(its `__abstractmethods__`) and supplies the ones that follow from them.
"""

from abc import ABCMeta, abstractmethod

__all__ = ["Number", "Complex", "Real", "Rational", "Integral"]


def _abstract_methods(names):
    """Abstract placeholders for the operations a concrete class must define."""
    methods = {}
    for name in names.split():

        def method(self, *args):
            raise NotImplementedError

        method.__name__ = method.__qualname__ = name
        methods[name] = abstractmethod(method)
    return methods


def _abstract_properties(names):
    properties = {}
    for name in names.split():

        def getter(self):
            raise NotImplementedError

        getter.__name__ = name
        properties[name] = property(abstractmethod(getter))
    return properties


class Number(metaclass=ABCMeta):
    """Every number; no operations are required."""

    __slots__ = ()
    __hash__ = None


def _complex_mixins():
    def __bool__(self):
        return self != 0

    def __sub__(self, other):
        return self + -other

    def __rsub__(self, other):
        return -self + other

    return {"__bool__": __bool__, "__sub__": __sub__, "__rsub__": __rsub__}


Complex = ABCMeta(
    "Complex",
    (Number,),
    {
        "__module__": __name__,
        "__doc__": "Numbers with real and imaginary parts: what `complex` supports.",
        "__slots__": (),
        **_abstract_methods(
            "__complex__ __add__ __radd__ __neg__ __pos__ __mul__ __rmul__ __truediv__ "
            "__rtruediv__ __pow__ __rpow__ __abs__ conjugate __eq__"
        ),
        **_abstract_properties("real imag"),
        **_complex_mixins(),
    },
)


def _real_mixins():
    def __complex__(self):
        return complex(float(self))

    def real(self):
        return +self

    def imag(self):
        return 0

    def conjugate(self):
        return +self

    def __divmod__(self, other):
        return (self // other, self % other)

    def __rdivmod__(self, other):
        return (other // self, other % self)

    return {
        "__complex__": __complex__,
        "real": property(real),
        "imag": property(imag),
        "conjugate": conjugate,
        "__divmod__": __divmod__,
        "__rdivmod__": __rdivmod__,
    }


Real = ABCMeta(
    "Real",
    (Complex,),
    {
        "__module__": __name__,
        "__doc__": "Real numbers: what `float` supports, ordered.",
        "__slots__": (),
        **_abstract_methods(
            "__float__ __trunc__ __floor__ __ceil__ __round__ __floordiv__ __rfloordiv__ "
            "__mod__ __rmod__ __lt__ __le__"
        ),
        **_real_mixins(),
    },
)


def _rational_mixins():
    def __float__(self):
        return int(self.numerator) / int(self.denominator)

    return {"__float__": __float__}


Rational = ABCMeta(
    "Rational",
    (Real,),
    {
        "__module__": __name__,
        "__doc__": "Ratios of integers, with `numerator` and `denominator`.",
        "__slots__": (),
        **_abstract_properties("numerator denominator"),
        **_rational_mixins(),
    },
)


def _integral_mixins():
    def __index__(self):
        return int(self)

    def __float__(self):
        return float(int(self))

    def numerator(self):
        return +self

    def denominator(self):
        return 1

    return {
        "__index__": __index__,
        "__float__": __float__,
        "numerator": property(numerator),
        "denominator": property(denominator),
    }


Integral = ABCMeta(
    "Integral",
    (Rational,),
    {
        "__module__": __name__,
        "__doc__": "Integers: what `int` supports, bitwise operations included.",
        "__slots__": (),
        **_abstract_methods(
            "__int__ __pow__ __lshift__ __rlshift__ __rshift__ __rrshift__ __and__ __rand__ "
            "__xor__ __rxor__ __or__ __ror__ __invert__"
        ),
        **_integral_mixins(),
    },
)

Complex.register(complex)
Real.register(float)
Integral.register(int)


def _register_fraction():
    from fractions import Fraction

    Rational.register(Fraction)


_register_fraction()
del _register_fraction
