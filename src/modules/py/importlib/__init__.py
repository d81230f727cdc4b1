"""`importlib`: import a module by name at run time, and reload one."""

import sys
from importlib import _bootstrap


def _resolve_name(name, package, level):
    bits = package.rsplit('.', level - 1)
    if len(bits) < level:
        raise ImportError('attempted relative import beyond top-level package')
    base = bits[0]
    return f'{base}.{name}' if name else base


def import_module(name, package=None):
    """Import `name` (absolute, or relative to `package` when it starts with dots) and return
    the module itself, not its top-level package."""
    level = 0
    if name.startswith('.'):
        if not package:
            raise TypeError("the 'package' argument is required to perform a relative "
                            f"import for {name!r}")
        level = len(name) - len(name.lstrip('.'))
        name = _resolve_name(name[level:], package, level)
    if not name:
        raise ValueError('Empty module name')
    __import__(name)
    return sys.modules[name]


def reload(module):
    """Run a module's source again in its existing namespace."""
    name = getattr(module, '__name__', None)
    if name is None or type(module) is not type(sys):
        raise TypeError('reload() argument must be a module')
    if sys.modules.get(name) is not module:
        raise ImportError(f'module {name} not in sys.modules', name=name)
    spec = getattr(module, '__spec__', None)
    if spec is not None and spec.loader is not None:
        spec.loader.exec_module(module)
    return sys.modules[name]


def invalidate_caches():
    """toy keeps no finder caches: every import looks at the file system afresh."""
