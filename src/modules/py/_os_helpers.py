"""The parts of `os` and `os.path` that are easier said in Python than in Rust.

The native `os` module (src/modules/os.rs, os_fs.rs) calls `_install` once, as it is created:
this module must not import `os` itself, so it keeps the module it is handed in `_os`.
"""

_os = None

_S_IFMT = 0o170000
_S_IFDIR = 0o040000
_S_IFLNK = 0o120000


def _install(os, stat_result, terminal_size):
    global _os
    _os = os
    os.environ = _Environ(os.environ)
    os.stat_result = stat_result
    os.terminal_size = terminal_size
    for name in ("getenv", "fspath", "PathLike", "scandir", "DirEntry", "walk"):
        setattr(os, name, globals()[name])
    for name in ("expanduser", "expandvars", "realpath", "relpath", "commonpath",
                 "commonprefix", "islink", "lexists", "getmtime", "getatime", "getctime",
                 "samefile", "splitdrive", "ismount"):
        setattr(os.path, name, globals()[name])


def _check_str(value):
    if not isinstance(value, str):
        raise TypeError("str expected, not " + type(value).__name__)
    return value


# ----- the environment ------------------------------------------------------------------------

class _Environ:
    """`os.environ`: a mapping whose changes reach the processes toy starts (via putenv)."""

    def __init__(self, data):
        self._data = dict(data)

    def __getitem__(self, key):
        return self._data[_check_str(key)]

    def __setitem__(self, key, value):
        _check_str(key)
        _check_str(value)
        _os.putenv(key, value)
        self._data[key] = value

    def __delitem__(self, key):
        _check_str(key)
        _os.unsetenv(key)
        del self._data[key]

    def __iter__(self):
        return iter(list(self._data))

    def __len__(self):
        return len(self._data)

    def __contains__(self, key):
        return isinstance(key, str) and key in self._data

    def __eq__(self, other):
        if isinstance(other, _Environ):
            return self._data == other._data
        return self._data == other

    def __repr__(self):
        return "environ(" + repr(self._data) + ")"

    def get(self, key, default=None):
        return self._data.get(_check_str(key), default)

    def keys(self):
        return self._data.keys()

    def values(self):
        return self._data.values()

    def items(self):
        return self._data.items()

    def copy(self):
        return dict(self._data)

    def setdefault(self, key, value):
        if key not in self:
            self[key] = value
        return self[key]

    _missing = object()

    def pop(self, key, default=_missing):
        if key in self:
            value = self[key]
            del self[key]
            return value
        if default is _Environ._missing:
            raise KeyError(key)
        return default

    def update(self, other=(), **more):
        pairs = other.items() if hasattr(other, "items") else other
        for key, value in pairs:
            self[key] = value
        for key, value in more.items():
            self[key] = value

    def clear(self):
        for key in list(self._data):
            del self[key]


def getenv(key, default=None):
    return _os.environ.get(key, default)


# ----- paths ----------------------------------------------------------------------------------

def fspath(path):
    if isinstance(path, (str, bytes)):
        return path
    kind = type(path)
    try:
        method = kind.__fspath__
    except AttributeError:
        raise TypeError("expected str, bytes or os.PathLike object, not "
                        + kind.__name__) from None
    result = method(path)
    if isinstance(result, (str, bytes)):
        return result
    raise TypeError("expected %s.__fspath__() to return str or bytes, not %s"
                    % (kind.__name__, type(result).__name__))


class _PathLikeMeta(type):
    """Makes any class with `__fspath__` count as an `os.PathLike`, as the ABC does."""

    def __instancecheck__(cls, instance):
        return cls.__subclasscheck__(type(instance))

    def __subclasscheck__(cls, subclass):
        return any("__fspath__" in vars(k) for k in subclass.__mro__)


class PathLike(metaclass=_PathLikeMeta):
    """Abstract base class for objects that have a file-system path (`__fspath__`)."""

    __module__ = "os"

    def __fspath__(self):
        raise NotImplementedError


# ----- scandir and walk -----------------------------------------------------------------------

class DirEntry:
    """One entry of a directory, as `scandir` found it; `stat` is read once, when asked."""

    __module__ = "posix"

    def __init__(self, directory, name, kind, inode):
        self.name = name
        self.path = _os.path.join(directory, name)
        self._kind = kind
        self._inode = inode
        self._stat = None
        self._lstat = None

    def __repr__(self):
        return "<DirEntry " + repr(self.name) + ">"

    def __fspath__(self):
        return self.path

    def inode(self):
        return self._inode

    def is_symlink(self):
        return self._kind == "symlink"

    def stat(self, *, follow_symlinks=True):
        if follow_symlinks and self._kind == "symlink":
            if self._stat is None:
                self._stat = _os.stat(self.path)
            return self._stat
        if self._lstat is None:
            self._lstat = _os.lstat(self.path)
        return self._lstat

    def _is(self, kind, file_type, follow_symlinks):
        if self._kind != "symlink" or not follow_symlinks:
            return self._kind == kind
        try:
            return self.stat().st_mode & _S_IFMT == file_type
        except FileNotFoundError:
            return False

    def is_dir(self, *, follow_symlinks=True):
        return self._is("dir", _S_IFDIR, follow_symlinks)

    def is_file(self, *, follow_symlinks=True):
        return self._is("file", 0o100000, follow_symlinks)


class ScandirIterator:
    __module__ = "posix"

    def __init__(self, directory, entries):
        self._directory = directory
        self._entries = iter(entries)

    def __iter__(self):
        return self

    def __next__(self):
        name, kind, inode = next(self._entries)
        return DirEntry(self._directory, name, kind, inode)

    def close(self):
        self._entries = iter(())

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def scandir(path="."):
    directory = "." if path is None else fspath(path)
    return ScandirIterator(directory, _os._scandir_entries(directory))


def walk(top, topdown=True, onerror=None, followlinks=False):
    # Depth first, without recursion: a bottom-up directory's result waits on the stack (as a
    # tuple) until its subdirectories have been walked.
    pending = [fspath(top)]
    while pending:
        top = pending.pop()
        if isinstance(top, tuple):
            yield top
            continue
        try:
            with scandir(top) as entries:
                entries = list(entries)
        except OSError as error:
            if onerror is not None:
                onerror(error)
            continue
        dirs, files, below = [], [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
            if is_dir and not topdown and (followlinks or not entry.is_symlink()):
                below.append(entry.path)
        if topdown:
            yield top, dirs, files
            for name in reversed(dirs):
                subdirectory = _os.path.join(top, name)
                if followlinks or not islink(subdirectory):
                    pending.append(subdirectory)
        else:
            pending.append((top, dirs, files))
            pending.extend(reversed(below))


# ----- os.path --------------------------------------------------------------------------------

def _home_of(user):
    """A user's home directory from the password file (`None` if there is no such user)."""
    try:
        with open("/etc/passwd") as passwd:
            for line in passwd:
                fields = line.rstrip("\n").split(":")
                if len(fields) >= 6 and (fields[0] == user or
                                         user is None and fields[2] == str(_os.getuid())):
                    return fields[5]
    except OSError:
        pass
    return None


def expanduser(path):
    path = fspath(path)
    if not path.startswith("~"):
        return path
    end = path.find("/", 1)
    if end < 0:
        end = len(path)
    if end == 1:
        home = _os.environ.get("HOME")
        if home is None:
            home = _home_of(None)
    else:
        home = _home_of(path[1:end])
    if home is None:
        return path
    home = home.rstrip("/")
    return (home + path[end:]) or "/"


def _is_name_char(c):
    return c == "_" or ("a" <= c <= "z") or ("A" <= c <= "Z") or ("0" <= c <= "9")


def expandvars(path):
    path = fspath(path)
    if "$" not in path:
        return path
    out = []
    i = 0
    while i < len(path):
        c = path[i]
        if c != "$":
            out.append(c)
            i += 1
            continue
        if path.startswith("{", i + 1):
            close = path.find("}", i + 2)
            name = path[i + 2:close] if close > i + 2 else ""
            end = close + 1
        else:
            end = i + 1
            while end < len(path) and _is_name_char(path[end]):
                end += 1
            name = path[i + 1:end]
        if name and name in _os.environ:
            out.append(_os.environ[name])
            i = end
        else:
            out.append(c)
            i += 1
    return "".join(out)


def islink(path):
    try:
        return _os.lstat(path).st_mode & _S_IFMT == _S_IFLNK
    except (OSError, ValueError):
        return False


def lexists(path):
    try:
        _os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def getmtime(path):
    return _os.stat(path).st_mtime


def getatime(path):
    return _os.stat(path).st_atime


def getctime(path):
    return _os.stat(path).st_ctime


def samefile(first, second):
    a, b = _os.stat(first), _os.stat(second)
    return a.st_ino == b.st_ino and a.st_dev == b.st_dev


def splitdrive(path):
    path = fspath(path)
    return path[:0], path


def ismount(path):
    try:
        own = _os.lstat(path)
    except (OSError, ValueError):
        return False
    if own.st_mode & _S_IFMT == _S_IFLNK:
        return False
    try:
        parent = _os.lstat(_os.path.join(fspath(path), ".."))
    except (OSError, ValueError):
        return False
    return own.st_dev != parent.st_dev or own.st_ino == parent.st_ino


def realpath(path, *, strict=False):
    path = fspath(path)
    resolved = _resolve("", path, strict, {})
    return _os.path.abspath(resolved)


def _resolve(base, rest, strict, seen):
    """Follows `rest` from the resolved `base` one name at a time; `seen` maps each link met
    so far to its resolution (`None` while resolving it, which is how a loop shows itself)."""
    if rest.startswith("/"):
        base = "/"
    for name in rest.split("/"):
        if name in ("", "."):
            continue
        if name == "..":
            if base in ("", ".."):
                base = ".."
            elif base.endswith("/.."):
                base += "/.."
            elif base != "/":
                base = _os.path.dirname(base) or ""
            continue
        candidate = _os.path.join(base, name) if base else name
        try:
            is_link = _os.lstat(candidate).st_mode & _S_IFMT == _S_IFLNK
        except OSError:
            if strict:
                raise
            is_link = False
        if not is_link:
            base = candidate
            continue
        if candidate in seen:
            if seen[candidate] is not None:
                base = seen[candidate]
                continue
            if strict:
                _os.stat(candidate)
            base = candidate
            continue
        seen[candidate] = None
        base = _resolve(base, _os.readlink(candidate), strict, seen)
        seen[candidate] = base
    return base or "."


def relpath(path, start=None):
    path = fspath(path)
    if not path:
        raise ValueError("no path specified")
    start = "." if start is None else fspath(start)
    start_parts = [p for p in _os.path.abspath(start).split("/") if p]
    path_parts = [p for p in _os.path.abspath(path).split("/") if p]
    common = len(commonprefix([start_parts, path_parts]))
    parts = [".."] * (len(start_parts) - common) + path_parts[common:]
    return "/".join(parts) if parts else "."


def commonprefix(m):
    if not m:
        return ""
    if not isinstance(m[0], (list, tuple)):
        m = tuple(map(fspath, m))
    low, high = min(m), max(m)
    for i, c in enumerate(low):
        if c != high[i]:
            return low[:i]
    return low


def commonpath(paths):
    paths = tuple(map(fspath, paths))
    if not paths:
        raise ValueError("commonpath() arg is an empty sequence")
    absolute = {p.startswith("/") for p in paths}
    if len(absolute) > 1:
        raise ValueError("Can't mix absolute and relative paths")
    split = [[part for part in p.split("/") if part and part != "."] for p in paths]
    common = commonprefix(split)
    return ("/" if paths[0].startswith("/") else "") + "/".join(common)
