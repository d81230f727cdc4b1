"""The `spawn` start method's child side, and what the parent sends it.

The parent starts `sys.executable -c "...spawn_main(data_fd, sentinel_fd, arena_fd)"` with
those descriptors inherited; over `data_fd` come two pickles: the preparation data (name,
sys.path, sys.argv, the main script's path) and then the process object. The child imports
the main script as `__mp_main__` (also registered as `__main__`, so the pickled target, named
`__main__.f`, is found there) before unpickling the process object — that is why the script
needs its `if __name__ == "__main__":` guard."""

import os
import sys
import types
import pickle

import _mp
from multiprocessing import process, util

__all__ = ["get_executable", "set_executable", "freeze_support", "get_command_line",
           "get_preparation_data", "prepare", "spawn_main"]

_executable = sys.executable


def set_executable(exe):
    global _executable
    _executable = exe


def get_executable():
    return _executable


def freeze_support():
    pass


_BOOTSTRAP_MESSAGE = """
        An attempt has been made to start a new process before the
        current process has finished its bootstrapping phase.

        This probably means that you are not using fork to start your
        child processes and you have forgotten to use the proper idiom
        in the main module:

            if __name__ == '__main__':
                freeze_support()
                ...

        The "freeze_support()" line can be omitted if the program
        is not going to be frozen to produce an executable.

        To fix this issue, refer to the "Safe importing of main module"
        section in https://docs.python.org/3/library/multiprocessing.html
        """


def check_not_bootstrapping():
    if getattr(process.current_process(), "_inheriting", False):
        raise RuntimeError(_BOOTSTRAP_MESSAGE)


def get_command_line(data_fd, sentinel_fd, arena_fd):
    options = []
    if hasattr(sys, "_is_gil_enabled") and not sys._is_gil_enabled():
        options = ["-X", "gil=0"]
    code = ("from multiprocessing.spawn import spawn_main; spawn_main(%d, %d, %d)"
            % (data_fd, sentinel_fd, arena_fd))
    return [_executable] + options + ["-c", code]


def get_preparation_data(name):
    from multiprocessing import context
    data = {
        "name": name,
        "sys_path": list(sys.path),
        "sys_argv": list(sys.argv),
        "start_method": context._default_context.get_start_method(allow_none=True),
    }
    main = sys.modules.get("__main__")
    main_path = getattr(main, "__file__", None)
    if main_path is not None and getattr(main, "__name__", None) in ("__main__", "__mp_main__"):
        data["init_main_from_path"] = os.path.abspath(main_path)
    return data


def prepare(data):
    if "name" in data:
        process.current_process().name = data["name"]
    if "sys_path" in data:
        sys.path = data["sys_path"]
    if "sys_argv" in data:
        sys.argv = data["sys_argv"]
    if data.get("start_method") is not None:
        from multiprocessing import context
        context._default_context.set_start_method(data["start_method"], force=True)
    if "init_main_from_path" in data:
        _import_main(data["init_main_from_path"])


def _import_main(path):
    main = types.ModuleType("__mp_main__")
    main.__file__ = path
    sys.modules["__main__"] = sys.modules["__mp_main__"] = main
    with open(path) as source:
        code = compile(source.read(), path, "exec")
    exec(code, main.__dict__)


def spawn_main(data_fd, sentinel_fd, arena_fd):
    """Run in the spawned toy: become the child process the parent pickled, run it, exit."""
    _mp.attach_arena(arena_fd)
    prep = pickle.loads(_mp.recv(data_fd))
    current = process.current_process()
    current._inheriting = True
    try:
        prepare(prep)
        process_obj = pickle.loads(_mp.recv(data_fd))
    finally:
        del current._inheriting
    os.close(data_fd)
    exitcode = process_obj._bootstrap()
    util.flush_std_streams()
    os._exit(exitcode)
