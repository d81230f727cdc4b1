"""The import system's building blocks (`ModuleSpec`, the source loader)."""

from importlib._bootstrap import ModuleSpec, SourceFileLoader, NamespaceLoader

SOURCE_SUFFIXES = ['.py']
BYTECODE_SUFFIXES = ['.pyc']
EXTENSION_SUFFIXES = []


def all_suffixes():
    return SOURCE_SUFFIXES + BYTECODE_SUFFIXES + EXTENSION_SUFFIXES
