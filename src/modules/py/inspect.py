"""Looking at live objects: what kind of object something is (isfunction, isclass…), its
members, docstring, source and signature, and the frames on the stack.

Signatures are read from what toy's functions carry (their code object's argument counts
and names, __defaults__, __kwdefaults__, __annotations__); built-in functions have none
here, and signature() says so with CPython's ValueError.
"""

import sys
import types
import linecache
import re
from collections import namedtuple

__all__ = [
    "signature", "Signature", "Parameter", "BoundArguments", "getmembers", "getdoc",
    "cleandoc", "getsource", "getsourcelines", "getfile", "getsourcefile", "getmodule",
    "currentframe", "stack", "getframeinfo", "isfunction", "isclass", "ismethod",
    "ismodule", "isgenerator", "isgeneratorfunction", "iscoroutinefunction",
    "isbuiltin", "isroutine", "isabstract", "iscode", "isframe", "istraceback",
]

# `object` is a parameter name below, as in CPython's signatures.
_builtin_object = object

# co_flags bits, as CPython numbers them.
CO_OPTIMIZED = 0x1
CO_NEWLOCALS = 0x2
CO_VARARGS = 0x4
CO_VARKEYWORDS = 0x8
CO_NESTED = 0x10
CO_GENERATOR = 0x20
CO_NOFREE = 0x40
CO_COROUTINE = 0x80
CO_ITERABLE_COROUTINE = 0x100
CO_ASYNC_GENERATOR = 0x200


def ismodule(object):
    return isinstance(object, types.ModuleType)


def isclass(object):
    return isinstance(object, type)


def ismethod(object):
    return isinstance(object, types.MethodType)


def isfunction(object):
    return isinstance(object, types.FunctionType)


def isbuiltin(object):
    return isinstance(object, types.BuiltinFunctionType)


def isroutine(object):
    return isbuiltin(object) or isfunction(object) or ismethod(object) or \
        ismethoddescriptor(object)


def ismethoddescriptor(object):
    if isclass(object) or ismethod(object) or isfunction(object):
        return False
    kind = type(object)
    return hasattr(kind, "__get__") and not hasattr(kind, "__set__")


def isdatadescriptor(object):
    if isclass(object) or ismethod(object) or isfunction(object):
        return False
    kind = type(object)
    return hasattr(kind, "__set__") or hasattr(kind, "__delete__")


def _has_code_flag(object, flag):
    while ismethod(object):
        object = object.__func__
    while hasattr(object, "__wrapped__") and not isfunction(object):
        object = object.__wrapped__
    if not isfunction(object):
        return False
    return bool(object.__code__.co_flags & flag)


def isgeneratorfunction(object):
    return _has_code_flag(object, CO_GENERATOR)


def iscoroutinefunction(object):
    return _has_code_flag(object, CO_COROUTINE)


def isasyncgenfunction(object):
    return _has_code_flag(object, CO_ASYNC_GENERATOR)


def isgenerator(object):
    return isinstance(object, types.GeneratorType)


def iscoroutine(object):
    return isinstance(object, types.CoroutineType)


def isasyncgen(object):
    return isinstance(object, types.AsyncGeneratorType)


def isawaitable(object):
    return isinstance(object, types.CoroutineType) or hasattr(type(object), "__await__")


def istraceback(object):
    return type(object).__name__ == "traceback" and hasattr(object, "tb_frame")


def isframe(object):
    return type(object).__name__ == "frame" and hasattr(object, "f_code")


def iscode(object):
    return isinstance(object, types.CodeType)


def isabstract(object):
    return isinstance(object, type) and bool(getattr(object, "__abstractmethods__", False))


def getmembers(object, predicate=None):
    """(name, value) for each attribute of `object`, sorted by name; with `predicate`,
    only those whose value it accepts."""
    results = []
    for name in dir(object):
        try:
            value = getattr(object, name)
        except AttributeError:
            continue
        if predicate is None or predicate(value):
            results.append((name, value))
    results.sort(key=lambda pair: pair[0])
    return results


def getmro(cls):
    return cls.__mro__


def unwrap(func, *, stop=None):
    """What `func` wraps (following __wrapped__), until `stop(f)` is true."""
    seen = {id(func)}
    while hasattr(func, "__wrapped__") and not (stop is not None and stop(func)):
        func = func.__wrapped__
        if id(func) in seen:
            raise ValueError('wrapper loop when unwrapping {!r}'.format(func))
        seen.add(id(func))
    return func


def cleandoc(doc):
    """`doc` without the indentation its second and later lines share, and without blank
    lines at the start and the end."""
    lines = doc.expandtabs().split('\n')
    margin = None
    for line in lines[1:]:
        stripped = line.lstrip()
        if stripped:
            indent = len(line) - len(stripped)
            margin = indent if margin is None else min(margin, indent)
    lines[0] = lines[0].lstrip()
    if margin is not None:
        lines[1:] = [line[margin:] for line in lines[1:]]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return '\n'.join(lines)


def _inherited_doc(object):
    # A method without a docstring gets the one of the method it overrides.
    if ismethod(object):
        cls, name = type(object.__self__), object.__func__.__name__
        if isclass(object.__self__):
            cls = object.__self__
    elif isfunction(object):
        qualname = object.__qualname__.split('.')
        if len(qualname) < 2:
            return None
        owner = sys.modules.get(object.__module__)
        for part in qualname[:-1]:
            owner = getattr(owner, part, None)
        if not isclass(owner):
            return None
        cls, name = owner, object.__name__
    elif isclass(object):
        for base in object.__mro__[1:]:
            if base is not _builtin_object and base.__doc__ is not None:
                return base.__doc__
        return None
    else:
        return None
    for base in cls.__mro__[1:]:
        doc = getattr(vars(base).get(name), '__doc__', None)
        if doc is not None:
            return doc
    return None


def getdoc(object):
    """The object's docstring (or the one it inherits), cleaned up; None without one."""
    try:
        doc = object.__doc__
    except AttributeError:
        return None
    if doc is None:
        try:
            doc = _inherited_doc(object)
        except (AttributeError, TypeError):
            return None
    if not isinstance(doc, str):
        return None
    return cleandoc(doc)


def getfile(object):
    """The name of the file `object` was defined in."""
    if ismodule(object):
        if getattr(object, '__file__', None):
            return object.__file__
        raise TypeError('{!r} is a built-in module'.format(object))
    if isclass(object):
        module = sys.modules.get(object.__module__)
        if getattr(module, '__file__', None):
            return module.__file__
        if object.__module__ == '__main__':
            raise OSError('source code not available')
        raise TypeError('{!r} is a built-in class'.format(object))
    if ismethod(object):
        object = object.__func__
    if isfunction(object):
        object = object.__code__
    if istraceback(object):
        object = object.tb_frame
    if isframe(object):
        object = object.f_code
    if iscode(object):
        return object.co_filename
    raise TypeError('module, class, method, function, traceback, frame, or '
                    'code object was expected, got {}'.format(type(object).__name__))


def getsourcefile(object):
    filename = getfile(object)
    if filename.startswith('<') and filename.endswith('>'):
        return None
    if linecache.getlines(filename):
        return filename
    return None


def getmodule(object, _filename=None):
    """The module `object` was defined in, or None."""
    if ismodule(object):
        return object
    module = getattr(object, '__module__', None)
    if module is not None:
        return sys.modules.get(module)
    try:
        filename = getfile(object)
    except TypeError:
        return None
    for module in list(sys.modules.values()):
        if getattr(module, '__file__', None) == filename:
            return module
    return None


def _block_end(lines, start):
    # The definition starting at lines[start] (after its decorators) ends before the first
    # later non-blank line indented no deeper than it.
    header = start
    while header < len(lines) and lines[header].lstrip().startswith('@'):
        header += 1
    if header >= len(lines):
        return len(lines)
    depth = len(lines[header]) - len(lines[header].lstrip())
    # A one-line definition (`def f(): return 1`) ends with its line.
    end = header + 1
    last = end
    opened = _brackets(lines[header])
    while end < len(lines):
        line = lines[end]
        stripped = line.strip()
        if stripped and opened <= 0 and len(line) - len(line.lstrip()) <= depth \
                and not stripped.startswith('#'):
            break
        opened += _brackets(line)
        end += 1
        if stripped:
            last = end
    return last


def _brackets(line):
    return sum(line.count(c) for c in '([{') - sum(line.count(c) for c in ')]}')


def findsource(object):
    """All the lines of the file `object` is in, and the index of its first line."""
    filename = getsourcefile(object)
    if filename is None:
        raise OSError('could not get source code')
    module = getmodule(object, filename)
    lines = linecache.getlines(filename, module.__dict__ if module else None)
    if not lines:
        raise OSError('could not get source code')
    if ismodule(object):
        return lines, 0
    if isclass(object):
        pattern = re.compile(r'^(\s*)class\s*' + re.escape(object.__name__) + r'\b')
        candidates = [i for i, line in enumerate(lines) if pattern.match(line)]
        if not candidates:
            raise OSError('could not find class definition')
        # Outermost first, as a module-level class is the likelier meant.
        candidates.sort(key=lambda i: len(pattern.match(lines[i]).group(1)))
        return lines, candidates[0]
    if ismethod(object):
        object = object.__func__
    if isfunction(object):
        object = object.__code__
    if istraceback(object):
        object = object.tb_frame
    if isframe(object):
        object = object.f_code
    if iscode(object):
        index = object.co_firstlineno - 1
        if not 0 <= index < len(lines):
            raise OSError('lineno is out of bounds')
        return lines, index
    raise OSError('could not find code object')


def getsourcelines(object):
    """The lines of `object`'s source, and the line number it starts at (0 for a module)."""
    object = unwrap(object)
    lines, start = findsource(object)
    if istraceback(object):
        object = object.tb_frame
    if ismodule(object) or (isframe(object) and object.f_code.co_name == "<module>"):
        return lines, 0
    return lines[start:_block_end(lines, start)], start + 1


def getsource(object):
    """The source text of `object`."""
    lines, lnum = getsourcelines(object)
    return ''.join(lines)


def getcomments(object):
    return None


def currentframe():
    """The caller's frame."""
    return sys._getframe(1)


Traceback = namedtuple('Traceback', 'filename lineno function code_context index')
FrameInfo = namedtuple('FrameInfo', 'frame filename lineno function code_context index')


def getframeinfo(frame, context=1):
    """Traceback(filename, lineno, function, code_context, index) for a frame or traceback."""
    if istraceback(frame):
        lineno = frame.tb_lineno
        frame = frame.tb_frame
    else:
        lineno = frame.f_lineno
    if not isframe(frame):
        raise TypeError('{!r} is not a frame or traceback object'.format(frame))
    filename = frame.f_code.co_filename
    if context > 0:
        start = lineno - 1 - context // 2
        lines = linecache.getlines(filename)
        if lines:
            start = max(0, min(start, len(lines) - context))
            code_context = lines[start:start + context]
            index = lineno - 1 - start
        else:
            code_context = index = None
    else:
        code_context = index = None
    return Traceback(filename, lineno, frame.f_code.co_name, code_context, index)


def getouterframes(frame, context=1):
    records = []
    while frame is not None:
        records.append(FrameInfo(frame, *getframeinfo(frame, context)))
        frame = frame.f_back
    return records


def getinnerframes(tb, context=1):
    records = []
    while tb is not None:
        records.append(FrameInfo(tb.tb_frame, *getframeinfo(tb, context)))
        tb = tb.tb_next
    return records


def stack(context=1):
    """FrameInfo records for the caller's frame and each one it was called from."""
    return getouterframes(sys._getframe(1), context)


def trace(context=1):
    return getinnerframes(sys.exc_info()[2], context)


# Signatures.

class _empty:
    """Marker object for Signature.empty and Parameter.empty."""


class _void:
    """A private marker - used in Parameter & Signature."""


class _ParameterKind(int):
    # An int with a name, as CPython's IntEnum members print.
    def __new__(cls, value, name, description):
        member = int.__new__(cls, value)
        member._name_ = name
        member.description = description
        return member

    @property
    def name(self):
        return self._name_

    @property
    def value(self):
        return int(self)

    def __repr__(self):
        return '<_ParameterKind.%s: %d>' % (self._name_, int(self))

    def __str__(self):
        return self._name_


_POSITIONAL_ONLY = _ParameterKind(0, 'POSITIONAL_ONLY', 'positional-only')
_POSITIONAL_OR_KEYWORD = _ParameterKind(1, 'POSITIONAL_OR_KEYWORD', 'positional or keyword')
_VAR_POSITIONAL = _ParameterKind(2, 'VAR_POSITIONAL', 'variadic positional')
_KEYWORD_ONLY = _ParameterKind(3, 'KEYWORD_ONLY', 'keyword-only')
_VAR_KEYWORD = _ParameterKind(4, 'VAR_KEYWORD', 'variadic keyword')
_KINDS = (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD, _VAR_POSITIONAL, _KEYWORD_ONLY,
          _VAR_KEYWORD)


def formatannotation(annotation, base_module=None):
    if getattr(annotation, '__module__', None) == 'typing':
        return repr(annotation).replace('typing.', '')
    if isinstance(annotation, type):
        if annotation.__module__ in ('builtins', base_module):
            return annotation.__qualname__
        return annotation.__module__ + '.' + annotation.__qualname__
    return repr(annotation)


class Parameter:
    """One parameter of a Signature: name, kind, default and annotation."""

    __slots__ = ('_name', '_kind', '_default', '_annotation')

    POSITIONAL_ONLY = _POSITIONAL_ONLY
    POSITIONAL_OR_KEYWORD = _POSITIONAL_OR_KEYWORD
    VAR_POSITIONAL = _VAR_POSITIONAL
    KEYWORD_ONLY = _KEYWORD_ONLY
    VAR_KEYWORD = _VAR_KEYWORD

    empty = _empty

    def __init__(self, name, kind, *, default=_empty, annotation=_empty):
        if kind not in _KINDS:
            raise ValueError(f'value {kind!r} is not a valid Parameter.kind')
        kind = _KINDS[kind]
        if default is not _empty and kind in (_VAR_POSITIONAL, _VAR_KEYWORD):
            raise ValueError(f'{kind.description} parameters cannot have default values')
        if not isinstance(name, str):
            raise TypeError('name must be a str, not a {}'.format(type(name).__name__))
        if not name.isidentifier():
            raise ValueError('{!r} is not a valid parameter name'.format(name))
        self._name = name
        self._kind = kind
        self._default = default
        self._annotation = annotation

    name = property(lambda self: self._name)
    kind = property(lambda self: self._kind)
    default = property(lambda self: self._default)
    annotation = property(lambda self: self._annotation)

    def replace(self, *, name=_void, kind=_void, annotation=_void, default=_void):
        return type(self)(
            self._name if name is _void else name,
            self._kind if kind is _void else kind,
            default=self._default if default is _void else default,
            annotation=self._annotation if annotation is _void else annotation)

    def __str__(self):
        text = self._name
        if self._annotation is not _empty:
            text = '{}: {}'.format(text, formatannotation(self._annotation))
        if self._default is not _empty:
            if self._annotation is not _empty:
                text = '{} = {}'.format(text, repr(self._default))
            else:
                text = '{}={}'.format(text, repr(self._default))
        if self._kind == _VAR_POSITIONAL:
            text = '*' + text
        elif self._kind == _VAR_KEYWORD:
            text = '**' + text
        return text

    def __repr__(self):
        return '<{} "{}">'.format(self.__class__.__name__, self)

    def __hash__(self):
        return hash((self._name, self._kind, self._annotation, self._default))

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, Parameter):
            return NotImplemented
        return (self._name == other._name and self._kind == other._kind and
                self._default == other._default and
                self._annotation == other._annotation)


class BoundArguments:
    """The result of Signature.bind(): `arguments` maps parameter names to values."""

    def __init__(self, signature, arguments):
        self.arguments = arguments
        self._signature = signature

    signature = property(lambda self: self._signature)

    @property
    def args(self):
        args = []
        for name, param in self._signature.parameters.items():
            if param.kind in (_VAR_KEYWORD, _KEYWORD_ONLY) or name not in self.arguments:
                break
            if param.kind == _VAR_POSITIONAL:
                args.extend(self.arguments[name])
            else:
                args.append(self.arguments[name])
        return tuple(args)

    @property
    def kwargs(self):
        kwargs = {}
        started = False
        for name, param in self._signature.parameters.items():
            if not started:
                if param.kind in (_VAR_KEYWORD, _KEYWORD_ONLY) or name not in self.arguments:
                    started = True
                elif param.kind == _VAR_POSITIONAL:
                    continue
            if not started or name not in self.arguments:
                continue
            if param.kind == _VAR_KEYWORD:
                kwargs.update(self.arguments[name])
            elif param.kind != _VAR_POSITIONAL:
                kwargs[name] = self.arguments[name]
        return kwargs

    def apply_defaults(self):
        """Fill in the defaults of the parameters not bound (() and {} for *args, **kw)."""
        arguments = self.arguments
        filled = {}
        for name, param in self._signature.parameters.items():
            if name in arguments:
                filled[name] = arguments[name]
            elif param.default is not _empty:
                filled[name] = param.default
            elif param.kind == _VAR_POSITIONAL:
                filled[name] = ()
            elif param.kind == _VAR_KEYWORD:
                filled[name] = {}
        self.arguments = filled

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, BoundArguments):
            return NotImplemented
        return self.signature == other.signature and self.arguments == other.arguments

    def __repr__(self):
        args = ['{}={!r}'.format(name, value) for name, value in self.arguments.items()]
        return '<{} ({})>'.format(self.__class__.__name__, ', '.join(args))


class Signature:
    """The parameters a callable takes and its return annotation."""

    __slots__ = ('_return_annotation', '_parameters')

    _parameter_cls = Parameter
    _bound_arguments_cls = BoundArguments

    empty = _empty

    def __init__(self, parameters=None, *, return_annotation=_empty,
                 __validate_parameters__=True):
        params = {}
        if parameters is not None:
            top_kind = _POSITIONAL_ONLY
            seen_default = False
            for param in parameters:
                kind = param.kind
                name = param.name
                if __validate_parameters__:
                    if kind < top_kind:
                        raise ValueError(
                            'wrong parameter order: {} parameter before {} '
                            'parameter'.format(top_kind.description, kind.description))
                    top_kind = max(top_kind, kind)
                    if kind in (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD):
                        if param.default is _empty:
                            if seen_default:
                                raise ValueError('non-default argument follows default '
                                                 'argument')
                        else:
                            seen_default = True
                if name in params:
                    raise ValueError('duplicate parameter name: {!r}'.format(name))
                params[name] = param
        self._parameters = types.MappingProxyType(params)
        self._return_annotation = return_annotation

    @classmethod
    def from_callable(cls, obj, *, follow_wrapped=True, globals=None, locals=None,
                      eval_str=False):
        return _signature_of(obj, cls, follow_wrapped)

    parameters = property(lambda self: self._parameters)
    return_annotation = property(lambda self: self._return_annotation)

    def replace(self, *, parameters=_void, return_annotation=_void):
        if parameters is _void:
            parameters = self.parameters.values()
        if return_annotation is _void:
            return_annotation = self._return_annotation
        return type(self)(parameters, return_annotation=return_annotation)

    def __hash__(self):
        return hash((tuple(self.parameters.values()), self._return_annotation))

    def __eq__(self, other):
        if self is other:
            return True
        if not isinstance(other, Signature):
            return NotImplemented
        return (self._return_annotation == other._return_annotation and
                list(self.parameters.items()) == list(other.parameters.items()))

    def _bind(self, args, kwargs, *, partial=False):
        arguments = {}
        parameters = iter(self.parameters.values())
        kwargs = dict(kwargs)
        args = list(args)
        param = None
        # Positional arguments, in order.
        while args:
            try:
                param = next(parameters)
            except StopIteration:
                raise TypeError('too many positional arguments') from None
            if param.kind in (_VAR_KEYWORD, _KEYWORD_ONLY):
                raise TypeError('too many positional arguments') from None
            if param.kind == _VAR_POSITIONAL:
                arguments[param.name] = tuple(args)
                args = []
                param = None
                break
            if param.name in kwargs and param.kind != _POSITIONAL_ONLY:
                raise TypeError(
                    'multiple values for argument {arg!r}'.format(arg=param.name)) from None
            arguments[param.name] = args.pop(0)
            param = None
        # The rest: by keyword, defaults, or missing.
        rest = ([param] if param is not None else []) + list(parameters)
        kwargs_param = None
        for param in rest:
            if param.kind == _VAR_KEYWORD:
                kwargs_param = param
                continue
            if param.kind == _VAR_POSITIONAL:
                continue
            name = param.name
            if param.kind == _POSITIONAL_ONLY:
                if name in kwargs and kwargs_param is None and not any(
                        p.kind == _VAR_KEYWORD for p in rest):
                    raise TypeError('{arg!r} parameter is positional only, '
                                    'but was passed as a keyword'.format(arg=name))
                if not partial and param.default is _empty:
                    raise TypeError('missing a required argument: {arg!r}'.format(arg=name))
                continue
            if name in kwargs:
                arguments[name] = kwargs.pop(name)
            elif not partial and param.default is _empty:
                raise TypeError('missing a required argument: {arg!r}'.format(arg=name))
        if kwargs:
            if kwargs_param is not None:
                arguments[kwargs_param.name] = kwargs
            else:
                raise TypeError('got an unexpected keyword argument {arg!r}'.format(
                    arg=next(iter(kwargs))))
        ordered = {name: arguments[name] for name in self.parameters if name in arguments}
        return self._bound_arguments_cls(self, ordered)

    def bind(self, /, *args, **kwargs):
        """BoundArguments for a call with these arguments; TypeError if it would fail."""
        return self._bind(args, kwargs)

    def bind_partial(self, /, *args, **kwargs):
        """bind() that lets required arguments be missing."""
        return self._bind(args, kwargs, partial=True)

    def __repr__(self):
        return '<{} {}>'.format(self.__class__.__name__, self)

    def __str__(self):
        result = []
        render_pos_only_separator = False
        render_kw_only_separator = True
        for param in self.parameters.values():
            formatted = str(param)
            kind = param.kind
            if kind == _POSITIONAL_ONLY:
                render_pos_only_separator = True
            elif render_pos_only_separator:
                result.append('/')
                render_pos_only_separator = False
            if kind == _VAR_POSITIONAL:
                render_kw_only_separator = False
            elif kind == _KEYWORD_ONLY and render_kw_only_separator:
                result.append('*')
                render_kw_only_separator = False
            result.append(formatted)
        if render_pos_only_separator:
            result.append('/')
        rendered = '({})'.format(', '.join(result))
        if self.return_annotation is not _empty:
            rendered += ' -> {}'.format(formatannotation(self.return_annotation))
        return rendered


def _function_signature(cls, func, skip_first=False):
    code = func.__code__
    names = code.co_varnames
    positional = code.co_argcount
    posonly = code.co_posonlyargcount
    keyword_only = code.co_kwonlyargcount
    annotations = getattr(func, '__annotations__', None) or {}
    defaults = func.__defaults__ or ()
    kwdefaults = func.__kwdefaults__ or {}
    first_default = positional - len(defaults)
    parameters = []
    for i, name in enumerate(names[:positional]):
        kind = _POSITIONAL_ONLY if i < posonly else _POSITIONAL_OR_KEYWORD
        default = defaults[i - first_default] if i >= first_default else _empty
        parameters.append(Parameter(name, kind, default=default,
                                    annotation=annotations.get(name, _empty)))
    index = positional + keyword_only
    if code.co_flags & CO_VARARGS:
        name = names[index]
        parameters.append(Parameter(name, _VAR_POSITIONAL,
                                    annotation=annotations.get(name, _empty)))
        index += 1
    for name in names[positional:positional + keyword_only]:
        parameters.append(Parameter(name, _KEYWORD_ONLY, default=kwdefaults.get(name, _empty),
                                    annotation=annotations.get(name, _empty)))
    if code.co_flags & CO_VARKEYWORDS:
        name = names[index]
        parameters.append(Parameter(name, _VAR_KEYWORD,
                                    annotation=annotations.get(name, _empty)))
    if skip_first:
        if not parameters or parameters[0].kind in (_KEYWORD_ONLY, _VAR_KEYWORD):
            raise ValueError('invalid method signature')
        if parameters[0].kind != _VAR_POSITIONAL:
            parameters = parameters[1:]
    return cls(parameters, return_annotation=annotations.get('return', _empty),
               __validate_parameters__=False)


def _signature_of(obj, cls, follow_wrapped=True):
    if not callable(obj):
        raise TypeError('{!r} is not a callable object'.format(obj))
    if isinstance(obj, types.MethodType):
        return _function_signature_of(obj.__func__, cls, follow_wrapped, skip_first=True)
    if follow_wrapped:
        obj = unwrap(obj, stop=lambda f: hasattr(f, "__signature__"))
    explicit = getattr(obj, '__signature__', None)
    if explicit is not None:
        if not isinstance(explicit, Signature):
            raise TypeError('unexpected object {!r} in __signature__ '
                            'attribute'.format(explicit))
        return explicit
    if isfunction(obj):
        return _function_signature(cls, obj)
    partial = _partial_parts(obj)
    if partial is not None:
        func, args, keywords = partial
        return _partial_signature(_signature_of(func, cls, follow_wrapped), args, keywords)
    if isinstance(obj, type):
        for name, skip in (('__init__', True), ('__new__', True)):
            for klass in obj.__mro__:
                method = vars(klass).get(name)
                if method is None or klass is _builtin_object:
                    continue
                if isinstance(method, staticmethod):
                    method = method.__func__
                if isfunction(method):
                    return _function_signature(cls, method, skip_first=skip)
                break
        if obj.__init__ is _builtin_object.__init__ and obj.__new__ is _builtin_object.__new__:
            return cls([])
        raise ValueError('no signature found for builtin type {!r}'.format(obj))
    if isbuiltin(obj) or not hasattr(type(obj), '__call__'):
        raise ValueError('no signature found for builtin {!r}'.format(obj))
    call = type(obj).__call__
    if isfunction(call):
        return _function_signature(cls, call, skip_first=True)
    raise ValueError('callable {!r} is not supported by signature'.format(obj))


def _function_signature_of(func, cls, follow_wrapped, skip_first):
    sig = _signature_of(func, cls, follow_wrapped)
    if not skip_first:
        return sig
    params = list(sig.parameters.values())
    if params and params[0].kind in (_VAR_POSITIONAL,):
        return sig
    if not params or params[0].kind in (_KEYWORD_ONLY, _VAR_KEYWORD):
        raise ValueError('invalid method signature')
    return sig.replace(parameters=params[1:])


def _partial_parts(obj):
    try:
        import functools
    except ImportError:
        return None
    if isinstance(obj, getattr(functools, 'partial', ())):
        return obj.func, obj.args, obj.keywords
    return None


def _partial_signature(sig, args, keywords):
    params = list(sig.parameters.values())
    bound = sig.bind_partial(*args, **keywords)
    result = []
    for param in params:
        name = param.name
        if name in bound.arguments and name not in keywords:
            if param.kind in (_POSITIONAL_ONLY, _POSITIONAL_OR_KEYWORD):
                continue
            if param.kind == _VAR_POSITIONAL:
                result.append(param)
                continue
        if name in keywords:
            kind = param.kind
            if kind == _POSITIONAL_OR_KEYWORD:
                kind = _KEYWORD_ONLY
            result.append(param.replace(kind=kind, default=keywords[name]))
            continue
        if any(p.kind == _KEYWORD_ONLY for p in result) and \
                param.kind == _POSITIONAL_OR_KEYWORD:
            param = param.replace(kind=_KEYWORD_ONLY)
        result.append(param)
    return sig.replace(parameters=result)


def signature(obj, *, follow_wrapped=True, globals=None, locals=None, eval_str=False):
    """The Signature of callable `obj`."""
    return Signature.from_callable(obj, follow_wrapped=follow_wrapped)
