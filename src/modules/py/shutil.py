"""High-level file operations: copying files and trees, removing trees, moving, `which`."""

import os
import sys
import stat
import fnmatch
from collections import namedtuple

__all__ = ["copyfileobj", "copyfile", "copymode", "copystat", "copy", "copy2", "copytree",
           "move", "rmtree", "Error", "SpecialFileError", "ExecError", "ignore_patterns",
           "which", "disk_usage", "get_terminal_size", "SameFileError", "chown"]

_CHUNK = 64 * 1024


class Error(OSError):
    pass


class SameFileError(Error):
    """Raised when the source and destination are the same file."""


class SpecialFileError(OSError):
    """Raised when copying a named pipe or another special file."""


class ExecError(OSError):
    pass


def copyfileobj(fsrc, fdst, length=0):
    """Copy from one open file to another until the source is exhausted."""
    length = length if length > 0 else _CHUNK
    while True:
        chunk = fsrc.read(length)
        if not chunk:
            return
        fdst.write(chunk)


def _same_file(src, dst):
    try:
        return os.path.samefile(src, dst)
    except OSError:
        return False


def copyfile(src, dst, *, follow_symlinks=True):
    """Copy the contents (no metadata) of `src` to `dst`; return `dst`."""
    if _same_file(src, dst):
        raise SameFileError("{!r} and {!r} are the same file".format(src, dst))
    for name in (src, dst):
        try:
            mode = os.stat(name).st_mode
        except OSError:
            continue
        if stat.S_ISFIFO(mode):
            raise SpecialFileError("`%s` is a named pipe" % os.fspath(name))
    if not follow_symlinks and os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return dst
    with open(src, "rb") as source, open(dst, "wb") as target:
        copyfileobj(source, target)
    return dst


def _stat(path, follow_symlinks):
    return os.stat(path) if follow_symlinks else os.lstat(path)


def copymode(src, dst, *, follow_symlinks=True):
    """Copy the permission bits of `src` to `dst`."""
    if not follow_symlinks and os.path.islink(src) and os.path.islink(dst):
        return  # Linux cannot change a link's own mode.
    os.chmod(dst, stat.S_IMODE(_stat(src, follow_symlinks).st_mode))


def copystat(src, dst, *, follow_symlinks=True):
    """Copy the permission bits and access and modification times of `src` to `dst`."""
    links = not follow_symlinks and os.path.islink(src) and os.path.islink(dst)
    st = _stat(src, follow_symlinks)
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns), follow_symlinks=not links)
    if not links:
        os.chmod(dst, stat.S_IMODE(st.st_mode))


def _into(src, dst):
    if os.path.isdir(dst):
        return os.path.join(dst, os.path.basename(os.fspath(src)))
    return dst


def copy(src, dst, *, follow_symlinks=True):
    """Copy data and permission bits; `dst` may be a directory. Return the file made."""
    dst = _into(src, dst)
    copyfile(src, dst, follow_symlinks=follow_symlinks)
    copymode(src, dst, follow_symlinks=follow_symlinks)
    return dst


def copy2(src, dst, *, follow_symlinks=True):
    """Like `copy`, also copying the times."""
    dst = _into(src, dst)
    copyfile(src, dst, follow_symlinks=follow_symlinks)
    copystat(src, dst, follow_symlinks=follow_symlinks)
    return dst


def ignore_patterns(*patterns):
    """An `ignore` function for copytree that skips names matching any of `patterns`."""
    def ignore(path, names):
        ignored = set()
        for pattern in patterns:
            ignored.update(fnmatch.filter(names, pattern))
        return ignored
    return ignore


def copytree(src, dst, symlinks=False, ignore=None, copy_function=copy2,
             ignore_dangling_symlinks=False, dirs_exist_ok=False):
    """Copy the tree at `src` to a new directory `dst`; return `dst`.

    Failures are gathered and raised together at the end as an `Error` whose argument is
    a list of `(src, dst, reason)` triples.
    """
    with os.scandir(src) as listing:
        entries = list(listing)
    ignored = ignore(os.fspath(src), [e.name for e in entries]) if ignore is not None else ()
    os.makedirs(dst, exist_ok=dirs_exist_ok)
    errors = []
    for entry in entries:
        if entry.name in ignored:
            continue
        source = os.path.join(src, entry.name)
        target = os.path.join(dst, entry.name)
        try:
            if entry.is_symlink():
                link = os.readlink(source)
                if symlinks:
                    os.symlink(link, target)
                    copystat(source, target, follow_symlinks=False)
                elif not os.path.exists(source):
                    if ignore_dangling_symlinks:
                        continue
                    copy_function(source, target)
                elif os.path.isdir(source):
                    copytree(source, target, symlinks, ignore, copy_function,
                             ignore_dangling_symlinks, dirs_exist_ok)
                else:
                    copy_function(source, target)
            elif entry.is_dir():
                copytree(source, target, symlinks, ignore, copy_function,
                         ignore_dangling_symlinks, dirs_exist_ok)
            else:
                copy_function(source, target)
        except Error as err:
            errors.extend(err.args[0])
        except OSError as why:
            errors.append((source, target, str(why)))
    try:
        copystat(src, dst)
    except OSError as why:
        errors.append((src, dst, str(why)))
    if errors:
        raise Error(errors)
    return dst


def rmtree(path, ignore_errors=False, onerror=None):
    """Delete a directory tree. Errors go to `onerror(function, path, exc_info)`, are
    ignored, or are raised."""
    if ignore_errors:
        def onerror(*args):
            pass
    elif onerror is None:
        def onerror(*args):
            raise
    try:
        is_link = stat.S_ISLNK(os.lstat(path).st_mode)
    except OSError:
        onerror(os.lstat, path, sys.exc_info())
        return
    if is_link:
        try:
            raise OSError("Cannot call rmtree on a symbolic link")
        except OSError:
            onerror(os.path.islink, path, sys.exc_info())
        return
    _remove_tree(path, onerror)


def _remove_tree(path, onerror):
    try:
        with os.scandir(path) as listing:
            entries = list(listing)
    except OSError:
        onerror(os.scandir, path, sys.exc_info())
        entries = []
    for entry in entries:
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            _remove_tree(entry.path, onerror)
        else:
            try:
                os.unlink(entry.path)
            except OSError:
                onerror(os.unlink, entry.path, sys.exc_info())
    try:
        os.rmdir(path)
    except OSError:
        onerror(os.rmdir, path, sys.exc_info())


def _inside(src, dst):
    src = os.path.abspath(src)
    dst = os.path.abspath(dst)
    if not src.endswith(os.sep):
        src += os.sep
    if not dst.endswith(os.sep):
        dst += os.sep
    return dst.startswith(src)


def move(src, dst, copy_function=copy2):
    """Move a file or tree to `dst` (into it, if it is a directory); return where it went."""
    real_dst = dst
    if os.path.isdir(dst):
        if _same_file(src, dst):
            os.rename(src, dst)
            return dst
        real_dst = os.path.join(dst, os.path.basename(os.fspath(src).rstrip(os.sep)))
        if os.path.exists(real_dst):
            raise Error("Destination path '%s' already exists" % real_dst)
    try:
        os.rename(src, real_dst)
    except OSError:
        if os.path.islink(src):
            os.symlink(os.readlink(src), real_dst)
            os.unlink(src)
        elif os.path.isdir(src):
            if _inside(src, dst):
                raise Error("Cannot move a directory '%s' into itself '%s'." % (src, dst))
            copytree(src, real_dst, copy_function=copy_function, symlinks=True)
            rmtree(src)
        else:
            copy_function(src, real_dst)
            os.unlink(src)
    return real_dst


def chown(path, user=None, group=None):
    raise NotImplementedError("toy's shutil does not support chown yet")


_usage = namedtuple("usage", "total used free")


def disk_usage(path):
    """Total, used and free space, in bytes, of the file system holding `path`."""
    st = os.statvfs(path)
    return _usage(st.f_blocks * st.f_frsize, (st.f_blocks - st.f_bfree) * st.f_frsize,
                  st.f_bavail * st.f_frsize)


def get_terminal_size(fallback=(80, 24)):
    """The terminal's size: $COLUMNS and $LINES first, then the terminal, then `fallback`."""
    sizes = []
    for name in ("COLUMNS", "LINES"):
        try:
            sizes.append(int(os.environ[name]))
        except (KeyError, ValueError):
            sizes.append(0)
    columns, lines = sizes
    if columns <= 0 or lines <= 0:
        try:
            stdout = getattr(sys, "__stdout__", None) or sys.stdout
            size = os.get_terminal_size(stdout.fileno())
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size(fallback)
        if columns <= 0:
            columns = size.columns or fallback[0]
        if lines <= 0:
            lines = size.lines or fallback[1]
    return os.terminal_size((columns, lines))


def _executable(path, mode):
    return os.path.exists(path) and os.access(path, mode) and not os.path.isdir(path)


def which(cmd, mode=os.F_OK | os.X_OK, path=None):
    """The path of the program `cmd` would run, searching `path` (default $PATH), or None."""
    cmd = os.fspath(cmd)
    if os.path.dirname(cmd):
        return cmd if _executable(cmd, mode) else None
    if path is None:
        path = os.environ.get("PATH", None)
        if path is None:
            path = "/bin:/usr/bin"
    if not path:
        return None
    seen = set()
    for directory in os.fspath(path).split(os.pathsep):
        if directory in seen:
            continue
        seen.add(directory)
        name = os.path.join(directory, cmd)
        if _executable(name, mode):
            return name
    return None
