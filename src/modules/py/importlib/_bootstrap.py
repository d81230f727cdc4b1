"""How toy's import system describes a module to Python code: its spec, and the loader that
runs its source. The search itself is done by the interpreter (src/vm/import.rs)."""

import sys


def _cache_path(source):
    """Where CPython would keep the compiled form of `source` (toy compiles in memory and
    writes nothing there)."""
    if not source.endswith('.py'):
        return None
    folder, _, file = source.rpartition('/')
    stem = file[:-3]
    tag = 'cpython-%d%d' % sys.version_info[:2]
    return f'{folder}/__pycache__/{stem}.{tag}.pyc'


class ModuleSpec:
    """What the import system knows about a module: name, loader, where it came from."""

    def __init__(self, name, loader, *, origin=None, loader_state=None, is_package=None):
        self.name = name
        self.loader = loader
        self.origin = origin
        self.loader_state = loader_state
        self.submodule_search_locations = [] if is_package else None
        self._set_fileattr = False
        self._cached = None

    def __repr__(self):
        parts = [f'name={self.name!r}', f'loader={self.loader!r}']
        if self.origin is not None:
            parts.append(f'origin={self.origin!r}')
        if self.submodule_search_locations is not None:
            parts.append(f'submodule_search_locations={self.submodule_search_locations}')
        return f"{type(self).__name__}({', '.join(parts)})"

    def __eq__(self, other):
        if not isinstance(other, ModuleSpec):
            return NotImplemented
        return (self.name == other.name and self.loader == other.loader
                and self.origin == other.origin
                and self.submodule_search_locations == other.submodule_search_locations
                and self.cached == other.cached and self.has_location == other.has_location)

    __hash__ = None

    @property
    def cached(self):
        if self._cached is None and self.origin is not None and self._set_fileattr:
            self._cached = _cache_path(self.origin)
        return self._cached

    @cached.setter
    def cached(self, value):
        self._cached = value

    @property
    def parent(self):
        if self.submodule_search_locations is None:
            return self.name.rpartition('.')[0]
        return self.name

    @property
    def has_location(self):
        return self._set_fileattr

    @has_location.setter
    def has_location(self, value):
        self._set_fileattr = bool(value)


class SourceFileLoader:
    """Loads a module from a source file: compiles it and runs it in the module's namespace."""

    __module__ = '_frozen_importlib_external'

    def __init__(self, fullname, path):
        self.name = fullname
        self.path = path

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__

    def __hash__(self):
        return hash(self.name) ^ hash(self.path)

    def get_filename(self, name=None):
        return self.path

    def get_data(self, path):
        with open(path, 'rb') as f:
            return f.read()

    def get_source(self, name=None):
        return self.get_data(self.path).decode()

    def is_package(self, name=None):
        return self.path.rpartition('/')[2].rpartition('.')[0] == '__init__'

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = compile(self.get_data(self.path), self.path, 'exec')
        exec(code, module.__dict__)


class NamespaceLoader:
    """The loader of a namespace package: there is no code to run."""

    __module__ = '_frozen_importlib_external'

    def __init__(self, name, path):
        self.name = name
        self.path = path

    def is_package(self, name=None):
        return True

    def get_source(self, name=None):
        return ''

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        pass


def _spec_for_path(name, origin, locations):
    """The spec of a module the interpreter found on a search path: a source file (`origin`),
    a package (with its folders in `locations`, the list that also becomes `__path__`), or a
    namespace package (no origin)."""
    if origin is None:
        spec = ModuleSpec(name, NamespaceLoader(name, locations), is_package=True)
    else:
        spec = ModuleSpec(name, SourceFileLoader(name, origin), origin=origin,
                          is_package=locations is not None)
        spec.has_location = True
    if locations is not None:
        spec.submodule_search_locations = locations
    return spec


class BuiltinImporter:
    """The loader of modules built into the interpreter (written in Rust)."""

    __module__ = '_frozen_importlib'

    @classmethod
    def create_module(cls, spec):
        return __import__(spec.name, fromlist=['*'])

    @classmethod
    def exec_module(cls, module):
        pass


class FrozenImporter(BuiltinImporter):
    """The loader of toy's standard-library modules written in Python and compiled into the
    binary."""

    __module__ = '_frozen_importlib'


def _spec_for_toy_module(name, native):
    """The spec of one of toy's own modules, compiled into the binary."""
    if native:
        return ModuleSpec(name, BuiltinImporter, origin='built-in')
    return ModuleSpec(name, FrozenImporter, origin='frozen')
