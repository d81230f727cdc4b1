"""Cache lines from Python source files.

This is intended to read lines from modules imported -- hence if a filename
is not found, it will look down the module search path for a file by
that name.
"""

import _traceback

__all__ = ["getline", "clearcache", "checkcache", "lazycache"]

# filename -> the file's lines, each with its line break, read from disk once.
cache = {}


def getline(filename, lineno, module_globals=None):
    lines = getlines(filename, module_globals)
    if 1 <= lineno <= len(lines):
        return lines[lineno - 1]
    return ""


def getlines(filename, module_globals=None):
    if filename in cache:
        return cache[filename]
    # A file toy compiled (the script, its modules, toy's own library) is quoted as compiled.
    source = _traceback.source(filename)
    if source is not None:
        lines = [line + "\n" for line in source.split("\n")]
        if source.endswith("\n"):
            lines.pop()
        cache[filename] = lines
        return lines
    return updatecache(filename, module_globals)


def updatecache(filename, module_globals=None):
    cache.pop(filename, None)
    if not filename or (filename.startswith("<") and filename.endswith(">")):
        return []
    try:
        with open(filename, encoding="utf-8") as file:
            lines = file.readlines()
    except (OSError, UnicodeDecodeError):
        return []
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    cache[filename] = lines
    return lines


def clearcache():
    cache.clear()


def checkcache(filename=None):
    # Files are read once and kept; a program that rewrites one calls clearcache().
    pass


def lazycache(filename, module_globals):
    return False
