"""Context variables: values that belong to the current context, which each thread has one
of (a new thread starts with an empty one) and which `Context.run` switches for a call, so
that concurrent tasks each see their own values."""

import _context_state

__all__ = ["Context", "ContextVar", "Token", "copy_context"]

_MISSING = object()


def _final(cls):
    def refuse(subclass, **kwargs):
        raise TypeError(f"type '_contextvars.{cls.__name__}' is not an acceptable base type")
    cls.__init_subclass__ = classmethod(refuse)
    return cls


def _current_context():
    context = _context_state.current()
    if context is None:
        context = Context()
        _context_state.switch(context)
    return context


@_final
class Context:
    """A mapping from context variables to their values. The values never change in place:
    setting a variable gives the running context a new mapping, so copies stay as they were."""

    __module__ = "_contextvars"
    __toy_static__ = True

    def __init__(self):
        self._values = {}
        self._entered = False

    def run(self, callable, /, *args, **kwargs):
        """Call `callable(*args, **kwargs)` with this as the current context."""
        if self._entered:
            raise RuntimeError(f"cannot enter context: {self!r} is already entered")
        self._entered = True
        outer = _context_state.switch(self)
        try:
            return callable(*args, **kwargs)
        finally:
            _context_state.switch(outer)
            self._entered = False

    def copy(self):
        twin = Context()
        twin._values = self._values
        return twin

    def __getitem__(self, var):
        if not isinstance(var, ContextVar):
            raise TypeError(f"a ContextVar key was expected, got {var!r}")
        return self._values[var]

    def get(self, var, default=None):
        if not isinstance(var, ContextVar):
            raise TypeError(f"a ContextVar key was expected, got {var!r}")
        return self._values.get(var, default)

    def __contains__(self, var):
        if not isinstance(var, ContextVar):
            raise TypeError(f"a ContextVar key was expected, got {var!r}")
        return var in self._values

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def keys(self):
        return self._values.keys()

    def values(self):
        return self._values.values()

    def items(self):
        return self._values.items()

    def __eq__(self, other):
        if not isinstance(other, Context):
            return NotImplemented
        return self._values == other._values

    __hash__ = None


@_final
class Token:
    """What `ContextVar.set` returns: `reset(token)` puts the variable back as it was."""

    __module__ = "_contextvars"
    __toy_static__ = True
    MISSING = _MISSING

    def __init__(self, context, var, old_value):
        self._context = context
        self._var = var
        self._old_value = old_value
        self._used = False

    @property
    def var(self):
        return self._var

    @property
    def old_value(self):
        return self._old_value

    def __repr__(self):
        used = " used" if self._used else ""
        return f"<Token{used} var={self._var!r} at {id(self):#x}>"


class _Missing:
    def __repr__(self):
        return "<Token.MISSING>"


Token.MISSING = _MISSING = _Missing()


@_final
class ContextVar:
    """A variable whose value depends on the current context, with an optional default."""

    __module__ = "_contextvars"
    __toy_static__ = True

    def __init__(self, name, *, default=_MISSING):
        if not isinstance(name, str):
            raise TypeError("context variable name must be a str")
        self._name = name
        self._default = default

    @property
    def name(self):
        return self._name

    def get(self, default=_MISSING):
        values = _current_context()._values
        if self in values:
            return values[self]
        if default is not _MISSING:
            return default
        if self._default is not _MISSING:
            return self._default
        raise LookupError(self)

    def set(self, value):
        context = _current_context()
        old = context._values.get(self, _MISSING)
        values = dict(context._values)
        values[self] = value
        context._values = values
        return Token(context, self, old)

    def reset(self, token):
        if not isinstance(token, Token):
            raise TypeError(f"expected an instance of Token, got {token!r}")
        if token._used:
            raise RuntimeError(f"{token!r} has already been used once")
        if token._var is not self:
            raise ValueError(f"{token!r} was created by a different ContextVar")
        context = _current_context()
        if token._context is not context:
            raise ValueError(f"{token!r} was created in a different Context")
        values = dict(context._values)
        if token._old_value is _MISSING:
            values.pop(self, None)
        else:
            values[self] = token._old_value
        context._values = values
        token._used = True

    def __repr__(self):
        default = "" if self._default is _MISSING else f" default={self._default!r}"
        return f"<ContextVar name={self._name!r}{default} at {id(self):#x}>"

    def __class_getitem__(cls, item):
        import types
        return types.GenericAlias(cls, item)


def copy_context():
    """A copy of the current context."""
    return _current_context().copy()
