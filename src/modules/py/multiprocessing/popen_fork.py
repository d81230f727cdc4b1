"""Starting a child with `os.fork()`: the child runs the process object's `_bootstrap` and
leaves with `os._exit`, so nothing of the parent's exit runs twice."""

import os
import signal
import _mp
from multiprocessing import util


class Popen:
    method = "fork"

    def __init__(self, process_obj):
        util.flush_std_streams()
        self.returncode = None
        self.finalizer = None
        # The sentinel: the child holds the write end until it exits, so the read end becomes
        # readable (end of file) then, which connection.wait() notices.
        sentinel_r, sentinel_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                os.close(sentinel_r)
                code = process_obj._bootstrap()
            finally:
                os._exit(code)
        os.close(sentinel_w)
        self.pid = pid
        self.sentinel = sentinel_r

    def poll(self, flag=os.WNOHANG):
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flag)
            except OSError:
                # Another thread reaped it meanwhile (or it is not our child).
                return None
            if pid == self.pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is None:
            if timeout is not None and not _mp.wait([self.sentinel], max(timeout, 0.0)):
                return None
            return self.poll(0)
        return self.returncode

    def _send_signal(self, sig):
        if self.returncode is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass

    def terminate(self):
        self._send_signal(signal.SIGTERM)

    def kill(self):
        self._send_signal(signal.SIGKILL)

    def close(self):
        if self.sentinel is not None:
            os.close(self.sentinel)
            self.sentinel = None
