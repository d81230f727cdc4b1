"""Starting a child as a fresh toy process (`spawn`, and toy's `forkserver`): see spawn.py
for the child's side. Waiting, polling and signalling are as for a forked child."""

import os
import pickle

import _mp
import _subprocess
from multiprocessing import context, popen_fork, spawn, util


class Popen(popen_fork.Popen):
    method = "spawn"

    def __init__(self, process_obj):
        spawn.check_not_bootstrapping()
        util.flush_std_streams()
        self.returncode = None
        self.finalizer = None
        prep = spawn.get_preparation_data(process_obj._name)
        # Pickling collects the descriptors the child must inherit (pipes, queues).
        context._spawning.fds = []
        try:
            prep_data = pickle.dumps(prep)
            process_data = pickle.dumps(process_obj)
            fds = context._spawning.fds
        finally:
            context._spawning.fds = None
        arena_fd = _mp.arena_fd()
        data_r, data_w = os.pipe()
        sentinel_r, sentinel_w = os.pipe()
        command = spawn.get_command_line(data_r, sentinel_w, arena_fd)
        pass_fds = sorted(set([data_r, sentinel_w, arena_fd] + fds))
        try:
            self.pid = _subprocess.spawn(command, None, None, None, -1, -1, -1, pass_fds, False)
        except BaseException:
            for fd in (data_w, sentinel_r):
                os.close(fd)
            raise
        finally:
            os.close(data_r)
            os.close(sentinel_w)
        self.sentinel = sentinel_r
        try:
            _mp.send(data_w, prep_data)
            _mp.send(data_w, process_data)
        finally:
            os.close(data_w)
