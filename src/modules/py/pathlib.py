"""Object-oriented paths: `PurePosixPath` for path arithmetic, `PosixPath` for the file
system too. `PurePath()` and `Path()` make the POSIX kinds (toy runs on POSIX only)."""

import os
import fnmatch
import glob as _glob

__all__ = ["PurePath", "PurePosixPath", "Path", "PosixPath"]


def _split(text):
    """`(root, names)` of one path string: two leading slashes stay two, more become one."""
    if text.startswith("//") and not text.startswith("///"):
        root = "//"
    elif text.startswith("/"):
        root = "/"
    else:
        root = ""
    return root, [name for name in text.split("/") if name and name != "."]


class _Parents:
    """`path.parents`: the logical ancestors, nearest first, as an immutable sequence."""

    def __init__(self, path):
        self._path = path
        self._count = len(path._names)

    def __len__(self):
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self[i] for i in list(range(self._count))[index])
        if index >= self._count or index < -self._count:
            raise IndexError(index)
        if index < 0:
            index += self._count
        names = self._path._names[:self._count - index - 1]
        return self._path._make(self._path._root, names)

    def __iter__(self):
        return (self[i] for i in range(self._count))

    def __repr__(self):
        return "<{}.parents>".format(type(self._path).__name__)


class PurePath:
    """A path, with no access to the file system."""

    def __new__(cls, *args):
        if cls is PurePath:
            cls = PurePosixPath
        self = object.__new__(cls)
        self._root, self._names = cls._parse(args)
        return self

    @staticmethod
    def _parse(args):
        root, names = "", []
        for arg in args:
            if isinstance(arg, PurePath):
                arg_root, arg_names = arg._root, arg._names
            else:
                text = os.fspath(arg)
                if not isinstance(text, str):
                    raise TypeError("argument should be a str object or an os.PathLike "
                                    "object returning str, not %r" % type(arg))
                arg_root, arg_names = _split(text)
            if arg_root:
                root, names = arg_root, list(arg_names)
            else:
                names = names + list(arg_names)
        return root, names

    def _make(self, root, names):
        path = object.__new__(type(self))
        path._root, path._names = root, list(names)
        return path

    # ----- text ---------------------------------------------------------------------------

    def __str__(self):
        return (self._root + "/".join(self._names)) or "."

    def __fspath__(self):
        return str(self)

    def as_posix(self):
        return str(self)

    def __repr__(self):
        return "{}({!r})".format(type(self).__name__, self.as_posix())

    def as_uri(self):
        if not self.is_absolute():
            raise ValueError("relative path can't be expressed as a file URI")
        return "file://" + str(self)

    # ----- comparison ---------------------------------------------------------------------

    def _key(self):
        return [self._root] + self._names

    def __eq__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(str(self))

    def __lt__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other):
        if not isinstance(other, PurePath):
            return NotImplemented
        return self._key() >= other._key()

    # ----- pieces -------------------------------------------------------------------------

    @property
    def drive(self):
        return ""

    @property
    def root(self):
        return self._root

    @property
    def anchor(self):
        return self._root

    @property
    def parts(self):
        return ((self._root,) if self._root else ()) + tuple(self._names)

    @property
    def name(self):
        return self._names[-1] if self._names else ""

    @property
    def suffix(self):
        name = self.name
        dot = name.rfind(".")
        return name[dot:] if 0 < dot < len(name) - 1 else ""

    @property
    def suffixes(self):
        name = self.name
        if name.endswith("."):
            return []
        return ["." + piece for piece in name.lstrip(".").split(".")[1:]]

    @property
    def stem(self):
        name = self.name
        dot = name.rfind(".")
        return name[:dot] if 0 < dot < len(name) - 1 else name

    @property
    def parent(self):
        if not self._names:
            return self
        return self._make(self._root, self._names[:-1])

    @property
    def parents(self):
        return _Parents(self)

    # ----- new paths ----------------------------------------------------------------------

    def with_name(self, name):
        if not self.name:
            raise ValueError("%r has an empty name" % (self,))
        if not name or "/" in name or name == ".":
            raise ValueError("Invalid name %r" % (name,))
        return self._make(self._root, self._names[:-1] + [name])

    def with_stem(self, stem):
        return self.with_name(stem + self.suffix)

    def with_suffix(self, suffix):
        if "/" in suffix or suffix and not suffix.startswith(".") or suffix == ".":
            raise ValueError("Invalid suffix %r" % (suffix,))
        if not self.name:
            raise ValueError("%r has an empty name" % (self,))
        return self.with_name(self.stem + suffix)

    def joinpath(self, *args):
        root, names = self._parse((self,) + args)
        return self._make(root, names)

    def __truediv__(self, other):
        try:
            return self.joinpath(other)
        except TypeError:
            return NotImplemented

    def __rtruediv__(self, other):
        try:
            root, names = self._parse((other, self))
        except TypeError:
            return NotImplemented
        return self._make(root, names)

    def relative_to(self, *other):
        if not other:
            raise TypeError("need at least one argument")
        base = type(self)(*other)
        count = len(base._names)
        if base._root != self._root or self._names[:count] != base._names:
            raise ValueError("{!r} is not in the subpath of {!r} OR one path is relative "
                             "and the other is absolute.".format(str(self), str(base)))
        return self._make("", self._names[count:])

    def is_relative_to(self, *other):
        try:
            self.relative_to(*other)
        except ValueError:
            return False
        return True

    def is_absolute(self):
        return bool(self._root)

    def is_reserved(self):
        return False

    def match(self, path_pattern):
        """Whether the path ends with `path_pattern` (the whole path, if it is absolute)."""
        root, names = _split(path_pattern)
        if not root and not names:
            raise ValueError("empty pattern")
        if root:
            if root != self._root or len(names) != len(self._names):
                return False
        elif len(names) > len(self._names):
            return False
        mine = self._names[len(self._names) - len(names):]
        return all(fnmatch.fnmatchcase(name, pattern) for name, pattern in zip(mine, names))


class PurePosixPath(PurePath):
    pass


class Path(PurePath):
    """A path on the file system."""

    def __new__(cls, *args, **kwargs):
        if cls is Path:
            cls = PosixPath
        return PurePath.__new__(cls, *args)

    @classmethod
    def cwd(cls):
        return cls(os.getcwd())

    @classmethod
    def home(cls):
        return cls(os.path.expanduser("~"))

    # ----- asking -------------------------------------------------------------------------

    def stat(self, *, follow_symlinks=True):
        return os.stat(self, follow_symlinks=follow_symlinks)

    def lstat(self):
        return os.lstat(self)

    def _mode(self, follow_symlinks=True):
        """The file's mode, or None if there is no such file (or no way to reach it)."""
        try:
            return self.stat(follow_symlinks=follow_symlinks).st_mode
        except (OSError, ValueError):
            return None

    def exists(self):
        return self._mode() is not None

    def is_dir(self):
        mode = self._mode()
        return mode is not None and mode & 0o170000 == 0o040000

    def is_file(self):
        mode = self._mode()
        return mode is not None and mode & 0o170000 == 0o100000

    def is_symlink(self):
        mode = self._mode(follow_symlinks=False)
        return mode is not None and mode & 0o170000 == 0o120000

    def is_mount(self):
        return os.path.ismount(self)

    def samefile(self, other_path):
        return os.path.samefile(self, other_path)

    def iterdir(self):
        for name in os.listdir(self):
            yield self._make(self._root, self._names + [name])

    def glob(self, pattern):
        """The paths below this one matching `pattern` (`**` means any depth of directories;
        unlike the glob module, hidden names match too)."""
        root, names = _split(pattern)
        if root:
            raise NotImplementedError("Non-relative patterns are unsupported")
        if not names:
            raise ValueError("Unacceptable pattern: {!r}".format(pattern))
        if names[-1] == "**":
            names.append("")  # A final `**` matches directories only.
        # The glob module's search, keeping the empty match of `**` (this path itself).
        search = _glob._Search(str(self), recursive=True, include_hidden=True)
        found = search.paths("/".join(names), False)
        for relative in found:
            yield self.joinpath(relative)

    def rglob(self, pattern):
        return self.glob("**/" + pattern)

    def absolute(self):
        if self._root:
            return self
        return self._make(*_split(os.getcwd())).joinpath(self)

    def resolve(self, strict=False):
        return type(self)(os.path.realpath(self, strict=strict))

    def expanduser(self):
        if self._names and self._names[0].startswith("~") and not self._root:
            return type(self)(os.path.expanduser(str(self)))
        return self

    def readlink(self):
        return type(self)(os.readlink(self))

    # ----- changing -----------------------------------------------------------------------

    def open(self, mode="r", buffering=-1, encoding=None, errors=None, newline=None):
        options = {"encoding": encoding, "errors": errors, "newline": newline}
        # Only what was given: toy's open() does not take every option yet.
        given = {key: value for key, value in options.items() if value is not None}
        if buffering != -1:
            given["buffering"] = buffering
        return open(str(self), mode, **given)

    def read_text(self, encoding=None, errors=None):
        with self.open("r", encoding=encoding, errors=errors) as f:
            return f.read()

    def read_bytes(self):
        with self.open("rb") as f:
            return f.read()

    def write_text(self, data, encoding=None, errors=None, newline=None):
        if not isinstance(data, str):
            raise TypeError("data must be str, not %s" % type(data).__name__)
        with self.open("w", encoding=encoding, errors=errors, newline=newline) as f:
            return f.write(data)

    def write_bytes(self, data):
        view = bytes(data)
        with self.open("wb") as f:
            return f.write(view)

    def touch(self, mode=0o666, exist_ok=True):
        if exist_ok:
            try:
                os.utime(self)
                return
            except OSError:
                pass
        flags = os.O_CREAT | os.O_WRONLY | (0 if exist_ok else os.O_EXCL)
        os.close(os.open(str(self), flags, mode))

    def mkdir(self, mode=0o777, parents=False, exist_ok=False):
        try:
            os.mkdir(self, mode)
        except FileNotFoundError:
            if not parents or self.parent == self:
                raise
            self.parent.mkdir(parents=True, exist_ok=True)
            self.mkdir(mode, parents=False, exist_ok=exist_ok)
        except OSError:
            if not exist_ok or not self.is_dir():
                raise

    def rmdir(self):
        os.rmdir(self)

    def unlink(self, missing_ok=False):
        try:
            os.unlink(self)
        except FileNotFoundError:
            if not missing_ok:
                raise

    def chmod(self, mode):
        os.chmod(self, mode)

    def rename(self, target):
        os.rename(self, target)
        return type(self)(target)

    def replace(self, target):
        os.replace(self, target)
        return type(self)(target)

    def symlink_to(self, target, target_is_directory=False):
        os.symlink(target, self)

    def hardlink_to(self, target):
        os.link(target, self)


class PosixPath(Path, PurePosixPath):
    pass
