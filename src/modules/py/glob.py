"""Pathname pattern expansion: `glob('*/data_??.csv')`, with `**` for whole subtrees."""

import os
import fnmatch

__all__ = ["glob", "iglob", "escape"]


def glob(pathname, *, root_dir=None, dir_fd=None, recursive=False, include_hidden=False):
    """The paths matching `pathname`, in the order the directories list them."""
    return list(iglob(pathname, root_dir=root_dir, dir_fd=dir_fd, recursive=recursive,
                      include_hidden=include_hidden))


def iglob(pathname, *, root_dir=None, dir_fd=None, recursive=False, include_hidden=False):
    """Like `glob`, one path at a time."""
    if dir_fd is not None:
        raise NotImplementedError("toy's glob does not support dir_fd yet")
    pathname = os.fspath(pathname)
    root = None if root_dir is None else os.fspath(root_dir)
    search = _Search(root, recursive, include_hidden)
    # The empty path (a `**` matching no directory at all) names nothing on its own.
    return (path for path in search.paths(pathname, False) if path)


_MAGIC = set("*?[")


def has_magic(s):
    return any(c in _MAGIC for c in s)


def escape(pathname):
    """`pathname` with its wildcard characters made literal (`[*]`, `[?]`, `[[]`)."""
    return "".join("[" + c + "]" if c in _MAGIC else c for c in pathname)


class _Search:
    def __init__(self, root, recursive, include_hidden):
        self.root = root
        self.recursive = recursive
        self.include_hidden = include_hidden

    def _real(self, path):
        """Where `path` (relative to root_dir) is on disk."""
        if self.root is None:
            return path
        return os.path.join(self.root, path)

    def _is_recursive(self, pattern):
        return self.recursive and pattern == "**"

    def paths(self, pathname, dironly):
        dirname, basename = os.path.split(pathname)
        if not has_magic(pathname):
            if basename:
                if os.path.lexists(self._real(pathname)) and (
                        not dironly or os.path.isdir(self._real(pathname))):
                    yield pathname
            elif os.path.isdir(self._real(dirname)):
                yield pathname
            return
        if not dirname:
            yield from self._in_directory("", basename, dironly)
            return
        if dirname != pathname and has_magic(dirname):
            directories = self.paths(dirname, True)
        else:
            directories = [dirname]
        for directory in directories:
            for name in self._in_directory(directory, basename, dironly):
                yield os.path.join(directory, name)

    def _in_directory(self, directory, pattern, dironly):
        """The names in `directory` matching one path component (relative to it)."""
        if self._is_recursive(pattern):
            yield ""
            yield from self._subtree(directory, dironly)
        elif has_magic(pattern):
            hidden_ok = self.include_hidden or pattern.startswith(".")
            names = [name for name, _ in self._list(directory, dironly)
                     if hidden_ok or not name.startswith(".")]
            yield from fnmatch.filter(names, pattern)
        elif pattern:
            if os.path.lexists(self._real(os.path.join(directory, pattern))):
                yield pattern
        elif os.path.isdir(self._real(directory)):
            yield pattern

    def _list(self, directory, dironly):
        """`(name, is_dir)` for the entries of a directory; nothing if it cannot be read."""
        try:
            with os.scandir(self._real(directory) or ".") as entries:
                found = []
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if is_dir or not dironly:
                        found.append((entry.name, is_dir))
                return found
        except OSError:
            return []

    def _subtree(self, directory, dironly):
        """Every path below `directory` (relative to it), depth first; `**` skips hidden names
        unless asked, and does not follow links to directories."""
        for name, is_dir in self._list(directory, dironly):
            if name.startswith(".") and not self.include_hidden:
                continue
            yield name
            path = os.path.join(directory, name)
            if is_dir and not os.path.islink(self._real(path)):
                for below in self._subtree(path, dironly):
                    yield os.path.join(name, below)
