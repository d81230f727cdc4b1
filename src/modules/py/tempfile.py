"""Temporary files and directories with unguessable names, made so no other process can
claim the same name first (O_EXCL)."""

import os
import shutil as _shutil
from random import Random as _Random

__all__ = ["NamedTemporaryFile", "TemporaryFile", "TemporaryDirectory", "mkstemp", "mkdtemp",
           "mktemp", "gettempdir", "gettempprefix", "tempdir", "template", "TMP_MAX"]

TMP_MAX = 10000
template = "tmp"
tempdir = None

_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_random = None
_random_pid = None


def _random_name():
    global _random, _random_pid
    # A forked child must not repeat its parent's names: reseed after a fork.
    if _random is None or _random_pid != os.getpid():
        _random = _Random()
        _random_pid = os.getpid()
    return "".join(_random.choice(_NAME_CHARACTERS) for _ in range(8))


def gettempprefix():
    return template


def _candidate_directories():
    for name in ("TMPDIR", "TEMP", "TMP"):
        value = os.getenv(name)
        if value:
            yield value
    yield from ("/tmp", "/var/tmp", "/usr/tmp")
    yield os.getcwd()


def _writable(directory):
    """Whether a file can be made in `directory` (tried for real, as permissions lie)."""
    for _ in range(100):
        path = os.path.join(directory, _random_name())
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        except OSError:
            return False
        os.close(fd)
        os.unlink(path)
        return True
    return False


def gettempdir():
    """The directory temporary files go in (decided once, then remembered in `tempdir`)."""
    global tempdir
    if tempdir is None:
        tried = []
        for directory in _candidate_directories():
            directory = os.path.abspath(directory)
            if _writable(directory):
                tempdir = directory
                break
            tried.append(directory)
        else:
            raise FileNotFoundError(2, "No usable temporary directory found in %s" % tried)
    return tempdir


def _arguments(suffix, prefix, dir):
    return ("" if suffix is None else suffix,
            template if prefix is None else prefix,
            gettempdir() if dir is None else dir)


def _make(suffix, prefix, dir, create):
    """Tries fresh names until `create(path)` succeeds; returns what it returned."""
    suffix, prefix, dir = _arguments(suffix, prefix, dir)
    for _ in range(TMP_MAX):
        path = os.path.join(dir, prefix + _random_name() + suffix)
        try:
            return create(path), path
        except FileExistsError:
            continue
    raise FileExistsError(17, "No usable temporary file name found")


def _create_file(path):
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)


def mkstemp(suffix=None, prefix=None, dir=None, text=False):
    """Make a file only this user can read; return `(descriptor, absolute path)`."""
    fd, path = _make(suffix, prefix, dir, _create_file)
    return fd, os.path.abspath(path)


def mkdtemp(suffix=None, prefix=None, dir=None):
    """Make a directory only this user can use; return its path (relative if `dir` is,
    as in CPython 3.11)."""
    _, path = _make(suffix, prefix, dir, lambda p: os.mkdir(p, 0o700))
    return path


def mktemp(suffix="", prefix=template, dir=None):
    """A name no file has yet (unsafe: another process may take it before you do)."""
    if dir is None:
        dir = gettempdir()
    for _ in range(TMP_MAX):
        path = os.path.join(dir, prefix + _random_name() + suffix)
        if not os.path.lexists(path):
            return path
    raise FileExistsError(17, "No usable temporary filename found")


class _TemporaryFileWrapper:
    """A file with a name, removed when closed if `delete`; other attributes are the file's."""

    def __init__(self, file, name, delete=True):
        self.file = file
        self.name = name
        self.delete = delete
        self._closed = False

    def __getattr__(self, name):
        return getattr(self.__dict__["file"], name)

    def __enter__(self):
        self.file.__enter__()
        return self

    def __exit__(self, *exc_info):
        self.close()
        return False

    def __iter__(self):
        return iter(self.file)

    def close(self):
        if self._closed:
            return
        self._closed = True
        try:
            self.file.close()
        finally:
            if self.delete:
                try:
                    os.unlink(self.name)
                except FileNotFoundError:
                    pass

    def __del__(self):
        self.close()


def _open(fd, mode, buffering, encoding, newline, errors):
    try:
        return open(fd, mode, buffering=buffering, newline=newline, encoding=encoding,
                    errors=errors)
    except BaseException:
        os.close(fd)
        raise


def NamedTemporaryFile(mode="w+b", buffering=-1, encoding=None, newline=None, suffix=None,
                       prefix=None, dir=None, delete=True, *, errors=None):
    """An open temporary file with a visible name, removed on close if `delete`."""
    fd, path = mkstemp(suffix, prefix, dir)
    try:
        file = _open(fd, mode, buffering, encoding, newline, errors)
    except BaseException:
        os.unlink(path)
        raise
    return _TemporaryFileWrapper(file, path, delete)


def TemporaryFile(mode="w+b", buffering=-1, encoding=None, newline=None, suffix=None,
                  prefix=None, dir=None, *, errors=None):
    """An open temporary file with no name: it is removed from its directory at once."""
    fd, path = mkstemp(suffix, prefix, dir)
    os.unlink(path)
    return _open(fd, mode, buffering, encoding, newline, errors)


class TemporaryDirectory:
    """A temporary directory, removed with its contents by `cleanup()` or at the end of a
    `with` block (whose `as` target is its name)."""

    def __init__(self, suffix=None, prefix=None, dir=None, ignore_cleanup_errors=False):
        self.name = mkdtemp(suffix, prefix, dir)
        self._ignore_cleanup_errors = ignore_cleanup_errors
        self._removed = False

    def __repr__(self):
        return "<{} {!r}>".format(self.__class__.__name__, self.name)

    def __enter__(self):
        return self.name

    def __exit__(self, *exc_info):
        self.cleanup()

    def cleanup(self):
        if self._removed:
            return
        self._removed = True
        if os.path.lexists(self.name):
            _shutil.rmtree(self.name, ignore_errors=self._ignore_cleanup_errors)
