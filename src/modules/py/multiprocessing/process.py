"""Process objects and the process tree: `BaseProcess` (what `multiprocessing.Process` is
built on), `current_process()`, `parent_process()`, `active_children()`.

How a child is started is the job of a start method's `Popen` (see `context.py`): with `fork`
the child continues from `os.fork()` and runs `_bootstrap` at once; with `spawn` a fresh toy
unpickles the process object and runs the same `_bootstrap`.
"""

import itertools
import os
import signal
import sys
import _mp

__all__ = ["BaseProcess", "current_process", "active_children", "parent_process"]


def current_process():
    return _current_process


def parent_process():
    return _parent_process


def active_children():
    _reap()
    return list(_children)


def _reap():
    """Forget the children that have finished."""
    for child in list(_children):
        if child._popen.poll() is not None:
            _children.discard(child)


class BaseProcess:
    """A process running `target(*args, **kwargs)` (or an overridden `run`)."""

    def _Popen(self):
        raise NotImplementedError

    def __init__(self, group=None, target=None, name=None, args=(), kwargs={}, *, daemon=None):
        assert group is None, "group argument must be None for now"
        count = next(_process_counter)
        self._identity = _current_process._identity + (count,)
        self._config = _current_process._config.copy()
        self._parent_pid = os.getpid()
        self._parent_name = _current_process.name
        self._popen = None
        self._closed = False
        self._target = target
        self._args = tuple(args)
        self._kwargs = dict(kwargs)
        self._name = name or type(self).__name__ + "-" + ":".join(str(i) for i in self._identity)
        if daemon is not None:
            self.daemon = daemon

    def _check_closed(self):
        if self._closed:
            raise ValueError("process object is closed")

    def run(self):
        if self._target:
            self._target(*self._args, **self._kwargs)

    def start(self):
        self._check_closed()
        assert self._popen is None, "cannot start a process twice"
        assert self._parent_pid == os.getpid(), \
            "can only start a process object created by current process"
        assert not _current_process._config.get("daemon"), \
            "daemonic processes are not allowed to have children"
        _reap()
        self._popen = self._Popen(self)
        self._sentinel = self._popen.sentinel
        # The child has its own copy: the parent no longer needs the target and arguments.
        del self._target, self._args, self._kwargs
        _children.add(self)

    def terminate(self):
        self._check_closed()
        self._popen.terminate()

    def kill(self):
        self._check_closed()
        self._popen.kill()

    def join(self, timeout=None):
        self._check_closed()
        assert self._parent_pid == os.getpid(), "can only join a child process"
        assert self._popen is not None, "can only join a started process"
        if self._popen.wait(timeout) is not None:
            _children.discard(self)

    def is_alive(self):
        self._check_closed()
        if self is _current_process:
            return True
        assert self._parent_pid == os.getpid(), "can only test a child process"
        if self._popen is None:
            return False
        if self._popen.poll() is None:
            return True
        _children.discard(self)
        return False

    def close(self):
        if self._popen is not None:
            if self._popen.poll() is None:
                raise ValueError("Cannot close a process while it is still running. "
                                 "You should first call join() or terminate().")
            self._popen.close()
            self._popen = None
            del self._sentinel
            _children.discard(self)
        self._closed = True

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, name):
        assert isinstance(name, str), "name must be a string"
        self._name = name

    @property
    def daemon(self):
        return self._config.get("daemon", False)

    @daemon.setter
    def daemon(self, daemonic):
        assert self._popen is None, "process has already started"
        self._config["daemon"] = daemonic

    @property
    def authkey(self):
        return self._config["authkey"]

    @authkey.setter
    def authkey(self, authkey):
        self._config["authkey"] = bytes(authkey)

    @property
    def exitcode(self):
        self._check_closed()
        if self._popen is None:
            return None
        return self._popen.poll()

    @property
    def ident(self):
        self._check_closed()
        if self is _current_process:
            return os.getpid()
        return self._popen and self._popen.pid

    pid = ident

    @property
    def sentinel(self):
        self._check_closed()
        try:
            return self._sentinel
        except AttributeError:
            raise ValueError("process not started") from None

    def __repr__(self):
        exitcode = None
        if self is _current_process:
            status = "started"
        elif self._closed:
            status = "closed"
        elif self._parent_pid != os.getpid():
            status = "unknown"
        elif self._popen is None:
            status = "initial"
        else:
            exitcode = self._popen.poll()
            status = "started" if exitcode is None else "stopped"
        info = [type(self).__name__, "name=%r" % self._name]
        if self._popen is not None:
            info.append("pid=%s" % self._popen.pid)
        info.append("parent=%s" % self._parent_pid)
        info.append(status)
        if exitcode is not None:
            info.append("exitcode=%s" % _exitcode_text(exitcode))
        if self.daemon:
            info.append("daemon")
        return "<%s>" % " ".join(info)

    def _bootstrap(self, parent_sentinel=None):
        """Run in the new process: make it this process's identity, call run(), and return
        the exit code, printing an uncaught exception as CPython does."""
        global _current_process, _parent_process, _process_counter, _children
        from multiprocessing import util
        import threading
        _mp.child_started()
        try:
            _children = set()
            _process_counter = itertools.count(1)
            _parent_process = _ParentProcess(self._parent_name, self._parent_pid, parent_sentinel)
            _current_process = self
            try:
                self.run()
                exitcode = 0
            finally:
                util.run_exit_hooks()
        except SystemExit as exc:
            if exc.code is None:
                exitcode = 0
            elif isinstance(exc.code, int):
                exitcode = exc.code
            else:
                sys.stderr.write(str(exc.code) + "\n")
                exitcode = 1
        except BaseException as exc:
            exitcode = 1
            sys.stderr.write("Process %s:\n" % self.name)
            sys.stderr.write(_mp.format_exception(exc))
        finally:
            threading._shutdown()
            util.flush_std_streams()
            _mp.child_finished(self.name)
        return exitcode


def _exitcode_text(exitcode):
    if exitcode < 0:
        try:
            return "-" + signal.Signals(-exitcode).name
        except ValueError:
            pass
    return str(exitcode)


class _ParentProcess(BaseProcess):
    """What `parent_process()` returns in a child: the parent's name and pid."""

    def __init__(self, name, pid, sentinel):
        self._identity = ()
        self._name = name
        self._pid = pid
        self._parent_pid = None
        self._popen = None
        self._closed = False
        self._sentinel = sentinel
        self._config = {}

    def is_alive(self):
        return os.getppid() == self._pid

    @property
    def ident(self):
        return self._pid

    pid = ident

    def join(self, timeout=None):
        raise ValueError("can only join a child process")

    def __repr__(self):
        return "<_ParentProcess name=%r parent=%s unknown>" % (self._name, self._pid)


class _MainProcess(BaseProcess):
    def __init__(self):
        self._identity = ()
        self._name = "MainProcess"
        self._parent_pid = None
        self._popen = None
        self._closed = False
        self._config = {"authkey": os.urandom(32), "semprefix": "/mp"}


_parent_process = None
_current_process = _MainProcess()
_process_counter = itertools.count(1)
_children = set()
