"""Process-wide bookkeeping for toy's multiprocessing: what must happen when a process ends
(queues flushing their buffered items, children joined or terminated), and flushing the
standard streams before a fork so buffered output is not printed twice."""

import os
import sys
import threading

# Callables run when this process ends, newest first: queues register their feeder's flush.
# Each process keeps its own (the list is reset in a child, see _process_started).
_exit_hooks = []
_exit_hooks_pid = os.getpid()


def register_exit_hook(hook):
    global _exit_hooks, _exit_hooks_pid
    if _exit_hooks_pid != os.getpid():
        _exit_hooks = []
        _exit_hooks_pid = os.getpid()
    _exit_hooks.append(hook)


def unregister_exit_hook(hook):
    if _exit_hooks_pid == os.getpid() and hook in _exit_hooks:
        _exit_hooks.remove(hook)


def run_exit_hooks():
    global _exit_hooks
    if _exit_hooks_pid != os.getpid():
        _exit_hooks = []
        return
    while _exit_hooks:
        hook = _exit_hooks.pop()
        hook()


def flush_std_streams():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, ValueError):
            pass


def _exit_function():
    """At interpreter exit: flush queues, terminate daemonic children, join the others."""
    from multiprocessing import process
    run_exit_hooks()
    for child in process.active_children():
        if child.daemon:
            child._popen.terminate()
    for child in process.active_children():
        child.join()


threading._register_atexit(_exit_function)
