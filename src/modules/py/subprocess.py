"""toy's subprocess module (POSIX), on the native `_subprocess`: `run`, `Popen` and the helpers
around them, with CPython's classes, reprs and messages.

`communicate` exchanges data with the child over all its pipes at once (`poll`), so a child
writing a lot to both stdout and stderr never stalls; every wait runs with the GIL released.
`close_fds` is accepted: descriptors toy opens are close-on-exec anyway (PEP 446), so a child
inherits only its three streams and `pass_fds`.
"""

import os
import signal
import time
import _subprocess

__all__ = ["Popen", "PIPE", "STDOUT", "call", "check_call", "getstatusoutput", "getoutput",
           "check_output", "run", "CalledProcessError", "DEVNULL", "SubprocessError",
           "TimeoutExpired", "CompletedProcess"]

PIPE = -1
STDOUT = -2
DEVNULL = -3


class SubprocessError(Exception):
    pass


class CalledProcessError(SubprocessError):
    """Raised when run() is called with check=True and the process returns a non-zero exit
    status (or check_call / check_output see one)."""

    def __init__(self, returncode, cmd, output=None, stderr=None):
        self.returncode = returncode
        self.cmd = cmd
        self.output = output
        self.stderr = stderr

    def __str__(self):
        if self.returncode and self.returncode < 0:
            try:
                return "Command '%s' died with %r." % (self.cmd, signal.Signals(-self.returncode))
            except ValueError:
                return "Command '%s' died with unknown signal %d." % (self.cmd, -self.returncode)
        return "Command '%s' returned non-zero exit status %d." % (self.cmd, self.returncode)

    @property
    def stdout(self):
        return self.output

    @stdout.setter
    def stdout(self, value):
        self.output = value


class TimeoutExpired(SubprocessError):
    """Raised when the timeout expires while waiting for a child process."""

    def __init__(self, cmd, timeout, output=None, stderr=None):
        self.cmd = cmd
        self.timeout = timeout
        self.output = output
        self.stderr = stderr

    def __str__(self):
        return "Command '%s' timed out after %s seconds" % (self.cmd, self.timeout)

    @property
    def stdout(self):
        return self.output

    @stdout.setter
    def stdout(self, value):
        self.output = value


class CompletedProcess:
    """What run() returns: args, returncode, and the captured stdout and stderr (or None)."""

    def __init__(self, args, returncode, stdout=None, stderr=None):
        self.args = args
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr

    def __repr__(self):
        args = ["args={!r}".format(self.args), "returncode={!r}".format(self.returncode)]
        if self.stdout is not None:
            args.append("stdout={!r}".format(self.stdout))
        if self.stderr is not None:
            args.append("stderr={!r}".format(self.stderr))
        return "{}({})".format(type(self).__name__, ", ".join(args))

    def check_returncode(self):
        if self.returncode:
            raise CalledProcessError(self.returncode, self.args, self.stdout, self.stderr)


def _text_of(data, encoding, errors):
    """Bytes from a pipe as text: decoded, with universal newlines."""
    return data.decode(encoding, errors).replace("\r\n", "\n").replace("\r", "\n")


class Popen:
    def __init__(self, args, bufsize=-1, executable=None, stdin=None, stdout=None, stderr=None,
                 preexec_fn=None, close_fds=True, shell=False, cwd=None, env=None,
                 universal_newlines=None, startupinfo=None, creationflags=0,
                 restore_signals=True, start_new_session=False, pass_fds=(), *,
                 user=None, group=None, extra_groups=None, encoding=None, errors=None,
                 text=None, umask=-1, pipesize=-1, process_group=None):
        self.args = args
        self.returncode = None
        self.stdin = self.stdout = self.stderr = None
        self.pid = None
        if preexec_fn is not None:
            raise NotImplementedError("subprocess.Popen(preexec_fn=...) is not supported by toy")
        for name, value in (("user", user), ("group", group), ("extra_groups", extra_groups),
                            ("process_group", process_group)):
            if value is not None:
                raise NotImplementedError("subprocess.Popen(%s=...) is not supported by toy" % name)
        if umask != -1:
            raise NotImplementedError("subprocess.Popen(umask=...) is not supported by toy")
        if text is not None and universal_newlines is not None and bool(universal_newlines) != bool(text):
            raise SubprocessError("Cannot disambiguate when both text and universal_newlines are "
                                  "supplied but different. Pass one or the other.")
        self.text_mode = bool(encoding or errors or text or universal_newlines)
        self.encoding = encoding or "utf-8"
        self.errors = errors or "strict"
        self._input_written = 0
        self._output = []
        self._errput = []

        if isinstance(args, (str, bytes)):
            argv = [args]
        else:
            argv = list(args)
        if shell:
            argv = ["/bin/sh", "-c"] + argv
            if executable is None:
                executable = "/bin/sh"
        argv = [a.__fspath__() if hasattr(a, "__fspath__") else a for a in argv]
        env_pairs = None if env is None else [(str(k), str(v)) for k, v in env.items()]
        if cwd is not None and hasattr(cwd, "__fspath__"):
            cwd = cwd.__fspath__()

        # The parent's ends of the pipes, and the descriptors the child gets.
        to_close = []
        parent_ends = [None, None, None]
        child_fds = [-1, -1, -1]
        devnull = None
        try:
            for index, spec in enumerate((stdin, stdout, stderr)):
                if spec is None:
                    continue
                if spec == PIPE:
                    r, w = os.pipe()
                    parent_ends[index], child_fds[index] = (w, r) if index == 0 else (r, w)
                    to_close.append(child_fds[index])
                elif spec == DEVNULL:
                    if devnull is None:
                        devnull = os.open(os.devnull, os.O_RDWR)
                        to_close.append(devnull)
                    child_fds[index] = devnull
                elif spec == STDOUT:
                    if index != 2:
                        raise ValueError("STDOUT can only be used for stderr")
                    child_fds[2] = child_fds[1] if child_fds[1] != -1 else 1
                elif isinstance(spec, int):
                    child_fds[index] = spec
                else:
                    child_fds[index] = spec.fileno()
            self.pid = _subprocess.spawn(argv, executable, cwd, env_pairs, child_fds[0],
                                         child_fds[1], child_fds[2], list(pass_fds),
                                         start_new_session)
        except BaseException:
            for fd in parent_ends:
                if fd is not None:
                    os.close(fd)
            raise
        finally:
            for fd in to_close:
                os.close(fd)

        if parent_ends[0] is not None:
            self.stdin = open(parent_ends[0], "w" if self.text_mode else "wb", encoding=encoding)
        if parent_ends[1] is not None:
            self.stdout = open(parent_ends[1], "r" if self.text_mode else "rb", encoding=encoding)
        if parent_ends[2] is not None:
            self.stderr = open(parent_ends[2], "r" if self.text_mode else "rb", encoding=encoding)

    def __repr__(self):
        obj_repr = "<%s: returncode: %s args: %r>" % (type(self).__name__, self.returncode, self.args)
        if len(obj_repr) > 80:
            obj_repr = obj_repr[:76] + "...>"
        return obj_repr

    def __enter__(self):
        return self

    def __exit__(self, exc_type, value, traceback):
        for stream in (self.stdout, self.stderr):
            if stream:
                stream.close()
        try:
            if self.stdin and not self.stdin.closed:
                self.stdin.close()
        finally:
            self.wait()

    def _set_status(self, status):
        self.returncode = os.waitstatus_to_exitcode(status)

    def poll(self):
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self._set_status(status)
        return self.returncode

    def wait(self, timeout=None):
        if self.returncode is not None:
            return self.returncode
        status = _subprocess.wait(self.pid, timeout)
        if status is None:
            raise TimeoutExpired(self.args, timeout)
        self._set_status(status)
        return self.returncode

    def communicate(self, input=None, timeout=None):
        if input is not None and self.text_mode and isinstance(input, str):
            input = input.encode(self.encoding, self.errors)
        if input is not None and self.stdin is None:
            raise ValueError("Cannot send input after starting communication")
        endtime = None if timeout is None else time.monotonic() + timeout
        stdin = self.stdin if self.stdin is not None and not self.stdin.closed else None
        stdout = self.stdout if self.stdout is not None and not self.stdout.closed else None
        stderr = self.stderr if self.stderr is not None and not self.stderr.closed else None
        out, err, self._input_written, finished = _subprocess.exchange(
            stdin, input if input is not None else b"", self._input_written, stdout, stderr, timeout)
        self._output.append(out)
        self._errput.append(err)
        if not finished:
            raise TimeoutExpired(self.args, timeout, output=b"".join(self._output) or None,
                                 stderr=b"".join(self._errput) or None)
        for stream in (self.stdout, self.stderr):
            if stream is not None:
                stream.close()
        stdout_data = b"".join(self._output) if self.stdout is not None else None
        stderr_data = b"".join(self._errput) if self.stderr is not None else None
        if self.text_mode:
            if stdout_data is not None:
                stdout_data = _text_of(stdout_data, self.encoding, self.errors)
            if stderr_data is not None:
                stderr_data = _text_of(stderr_data, self.encoding, self.errors)
        self.wait(None if endtime is None else endtime - time.monotonic())
        return stdout_data, stderr_data

    def send_signal(self, sig):
        # Never signal a pid that may have been reused by now.
        self.poll()
        if self.returncode is not None:
            return
        try:
            os.kill(self.pid, sig)
        except ProcessLookupError:
            pass

    def terminate(self):
        self.send_signal(signal.SIGTERM)

    def kill(self):
        self.send_signal(signal.SIGKILL)


def run(*popenargs, input=None, capture_output=False, timeout=None, check=False, **kwargs):
    if input is not None:
        if kwargs.get("stdin") is not None:
            raise ValueError("stdin and input arguments may not both be used.")
        kwargs["stdin"] = PIPE
    if capture_output:
        if kwargs.get("stdout") is not None or kwargs.get("stderr") is not None:
            raise ValueError("stdout and stderr arguments may not be used with capture_output.")
        kwargs["stdout"] = PIPE
        kwargs["stderr"] = PIPE
    with Popen(*popenargs, **kwargs) as process:
        try:
            stdout, stderr = process.communicate(input, timeout=timeout)
        except TimeoutExpired:
            process.kill()
            process.wait()
            raise
        except BaseException:
            process.kill()
            raise
        retcode = process.poll()
        if check and retcode:
            raise CalledProcessError(retcode, process.args, output=stdout, stderr=stderr)
    return CompletedProcess(process.args, retcode, stdout, stderr)


def call(*popenargs, timeout=None, **kwargs):
    with Popen(*popenargs, **kwargs) as p:
        try:
            return p.wait(timeout=timeout)
        except BaseException:
            p.kill()
            raise


def check_call(*popenargs, **kwargs):
    retcode = call(*popenargs, **kwargs)
    if retcode:
        cmd = kwargs.get("args")
        if cmd is None:
            cmd = popenargs[0]
        raise CalledProcessError(retcode, cmd)
    return 0


def check_output(*popenargs, timeout=None, **kwargs):
    for kw in ("stdout", "check"):
        if kw in kwargs:
            raise ValueError("%s argument not allowed, it will be overridden." % kw)
    if "input" in kwargs and kwargs["input"] is None:
        text = kwargs.get("universal_newlines") or kwargs.get("text") or kwargs.get("encoding") \
            or kwargs.get("errors")
        kwargs["input"] = "" if text else b""
    return run(*popenargs, stdout=PIPE, timeout=timeout, check=True, **kwargs).stdout


def getstatusoutput(cmd, *, encoding=None, errors=None):
    try:
        data = check_output(cmd, shell=True, text=True, stderr=STDOUT, encoding=encoding,
                            errors=errors)
        exitcode = 0
    except CalledProcessError as ex:
        data = ex.output
        exitcode = ex.returncode
    if data[-1:] == "\n":
        data = data[:-1]
    return exitcode, data


def getoutput(cmd, *, encoding=None, errors=None):
    return getstatusoutput(cmd, encoding=encoding, errors=errors)[1]

