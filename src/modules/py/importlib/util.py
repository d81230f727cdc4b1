"""Helpers for working with the import system: specs and modules made from them."""

import _imp
import sys
from importlib._bootstrap import ModuleSpec, SourceFileLoader, _spec_for_path
from importlib import _resolve_name


def resolve_name(name, package):
    """The absolute name of a possibly relative module name."""
    if not name.startswith('.'):
        return name
    if not package:
        raise ImportError(f'no package specified for {name!r} (required for relative module names)')
    level = len(name) - len(name.lstrip('.'))
    return _resolve_name(name[level:], package, level)


def find_spec(name, package=None):
    """The spec of a module: from `sys.modules` when it is loaded, else found on the path
    (the module's parent package is imported to search it)."""
    fullname = resolve_name(name, package) if name.startswith('.') else name
    if fullname in sys.modules:
        module = sys.modules[fullname]
        if module is None:
            return None
        if not hasattr(module, '__spec__') and _imp.is_builtin(fullname) + _imp.is_frozen(fullname):
            # toy's own modules get their spec when it is asked for.
            module.__spec__ = _imp._find_spec(fullname)
        spec = getattr(module, '__spec__', None)
        if spec is None:
            raise ValueError(f'{fullname}.__spec__ is None')
        return spec
    parent = fullname.rpartition('.')[0]
    if parent:
        search = getattr(__import__(parent, fromlist=['__path__']), '__path__', None)
        if search is None:
            raise ModuleNotFoundError(f'__path__ attribute not found on {parent!r} while trying to find {fullname!r}', name=fullname)
    return _imp._find_spec(fullname)


def spec_from_file_location(name, location=None, *, loader=None, submodule_search_locations=None):
    """A spec for the source file at `location`, to load it with `module_from_spec`."""
    location = str(location) if location is not None else None
    if loader is None:
        loader = SourceFileLoader(name, location)
    spec = ModuleSpec(name, loader, origin=location)
    spec.has_location = True
    if submodule_search_locations is not None:
        spec.submodule_search_locations = list(submodule_search_locations)
    return spec


def spec_from_loader(name, loader, *, origin=None, is_package=None):
    if is_package is None and hasattr(loader, 'is_package'):
        is_package = loader.is_package(name)
    return ModuleSpec(name, loader, origin=origin, is_package=is_package)


def module_from_spec(spec):
    """A new, empty module with the attributes `spec` gives it (its code is not run)."""
    module = None
    if spec.loader is not None and hasattr(spec.loader, 'create_module'):
        module = spec.loader.create_module(spec)
    if module is None:
        module = type(sys)(spec.name)
    module.__spec__ = spec
    module.__loader__ = spec.loader
    module.__package__ = spec.parent
    if spec.submodule_search_locations is not None:
        module.__path__ = spec.submodule_search_locations
    if spec.has_location:
        module.__file__ = spec.origin
        if spec.cached is not None:
            module.__cached__ = spec.cached
    return module
