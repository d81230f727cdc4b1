"""Time small pieces of code: `Timer(stmt, setup).timeit(number)` runs `stmt` `number` times
after `setup` once and returns the seconds taken; `python -m timeit` (here `toy -m timeit`)
picks a loop count itself and prints the best of several repeats."""

import itertools
import sys
import time

__all__ = ["Timer", "timeit", "repeat", "default_timer"]

dummy_src_name = "<timeit-src>"
default_number = 1000000
default_repeat = 5
default_timer = time.perf_counter


def _indented(code, spaces):
    return code.replace("\n", "\n" + " " * spaces)


class Timer:
    """A statement to time, its setup, the clock, and the namespace both run in. Either may
    be source text or a callable without arguments."""

    def __init__(self, stmt="pass", setup="pass", timer=default_timer, globals=None):
        self.timer = timer
        namespace = {}
        outer_globals = _globals() if globals is None else globals
        setup_line, stmt_line, arguments = self._pieces(stmt, setup, namespace)
        # Within the function the loop sits in, `stmt` gets the fast locals `setup` made.
        source = (f"def inner(_it, _timer{arguments}):\n"
                  f"    {setup_line}\n"
                  f"    pass\n"
                  f"    _t0 = _timer()\n"
                  f"    for _i in _it:\n"
                  f"        {stmt_line}\n"
                  f"        pass\n"
                  f"    _t1 = _timer()\n"
                  f"    return _t1 - _t0\n")
        self.src = source
        exec(compile(source, dummy_src_name, "exec"), outer_globals, namespace)
        self.inner = namespace["inner"]

    @staticmethod
    def _pieces(stmt, setup, namespace):
        arguments = ""
        if isinstance(setup, str):
            # Each alone first, so a SyntaxError names the piece that has it.
            compile(setup, dummy_src_name, "exec")
            setup_line = _indented(setup, 4)
        elif callable(setup):
            namespace["_setup"] = setup
            arguments += ", _setup=_setup"
            setup_line = "_setup()"
        else:
            raise ValueError("setup is neither a string nor callable")
        if isinstance(stmt, str):
            compile((setup if isinstance(setup, str) else "pass") + "\n" + stmt, dummy_src_name, "exec")
            stmt_line = _indented(stmt, 8)
        elif callable(stmt):
            namespace["_stmt"] = stmt
            arguments += ", _stmt=_stmt"
            stmt_line = "_stmt()"
        else:
            raise ValueError("stmt is neither a string nor callable")
        return setup_line, stmt_line, arguments

    def print_exc(self, file=None):
        """Print the traceback of the exception being handled."""
        import traceback
        traceback.print_exc(file=file)

    def timeit(self, number=default_number):
        """Seconds taken by `number` runs of the statement (setup excluded)."""
        return self.inner(itertools.repeat(None, number), self.timer)

    def repeat(self, repeat=default_repeat, number=default_number):
        """`timeit(number)` `repeat` times: a list of seconds, whose minimum is the figure
        that means something (the others include interference)."""
        return [self.timeit(number) for _ in range(repeat)]

    def autorange(self, callback=None):
        """The loop count 1, 2, 5, 10, 20, 50... that first takes at least 0.2 s, with that
        time; `callback(number, time_taken)` hears every try."""
        for power in itertools.count():
            for step in (1, 2, 5):
                number = step * 10 ** power
                time_taken = self.timeit(number)
                if callback:
                    callback(number, time_taken)
                if time_taken >= 0.2:
                    return number, time_taken


def _globals():
    # The namespace of whoever made the Timer is not visible: toy gives a fresh one, as
    # CPython does when `globals` is None.
    return {}


def timeit(stmt="pass", setup="pass", timer=default_timer, number=default_number, globals=None):
    """`Timer(stmt, setup, timer, globals).timeit(number)`."""
    return Timer(stmt, setup, timer, globals).timeit(number)


def repeat(stmt="pass", setup="pass", timer=default_timer, repeat=default_repeat,
           number=default_number, globals=None):
    """`Timer(stmt, setup, timer, globals).repeat(repeat, number)`."""
    return Timer(stmt, setup, timer, globals).repeat(repeat, number)


_UNITS = {"nsec": 1e-9, "usec": 1e-6, "msec": 1e-3, "sec": 1.0}

_USAGE = """Tool for measuring execution time of small code snippets.

usage: toy -m timeit [-n N] [-r N] [-s S] [-p] [-u U] [-v] [-h] [--] [statement ...]

  -n N, --number=N  how many times to execute 'statement' (default: chosen so that
                    the total time is at least 0.2 seconds)
  -r N, --repeat=N  how many times to repeat the timer (default 5)
  -s S, --setup=S   statement to be executed once initially (default 'pass');
                    may be given several times
  -p, --process     measure process time instead of wall-clock time
  -u U, --unit=U    the unit of the result: nsec, usec, msec or sec
  -v, --verbose     print the raw timing results; repeat for more digits
  -h, --help        print this message and exit
"""


def main(args=None, *, _wrap_timer=None):
    """The command line: `toy -m timeit [options] [statement ...]`; the exit status."""
    import getopt
    if args is None:
        args = sys.argv[1:]
    try:
        options, statements = getopt.getopt(args, "n:u:s:r:pvh",
                                            ["number=", "setup=", "repeat=", "process",
                                             "verbose", "unit=", "help"])
    except getopt.error as err:
        print(err)
        print("use -h/--help for command line help")
        return 2
    timer = default_timer
    stmt = "\n".join(statements) or "pass"
    number = 0
    setups = []
    repeat_count = default_repeat
    verbose = 0
    unit = None
    precision = 3
    for option, value in options:
        if option in ("-n", "--number"):
            number = int(value)
        elif option in ("-s", "--setup"):
            setups.append(value)
        elif option in ("-u", "--unit"):
            if value not in _UNITS:
                print("Unrecognized unit. Please select nsec, usec, msec, or sec.", file=sys.stderr)
                return 2
            unit = value
        elif option in ("-r", "--repeat"):
            repeat_count = max(int(value), 1)
        elif option in ("-p", "--process"):
            timer = time.process_time
        elif option in ("-v", "--verbose"):
            if verbose:
                precision += 1
            verbose += 1
        elif option in ("-h", "--help"):
            print(_USAGE, end=" ")
            return 0
    setup = "\n".join(setups) or "pass"
    # The statement may import modules from the working directory, as a script could.
    sys.path.insert(0, sys.path[0] if sys.path and sys.path[0] else ".")
    if _wrap_timer is not None:
        timer = _wrap_timer(timer)
    t = Timer(stmt, setup, timer)
    if number == 0:
        def report(count, seconds):
            print(f"{count} loop{'s' if count != 1 else ''} -> {seconds:.{precision}g} secs")
        try:
            number, _ = t.autorange(report if verbose else None)
        except Exception:
            t.print_exc()
            return 1
        if verbose:
            print()
    try:
        raw = t.repeat(repeat_count, number)
    except Exception:
        t.print_exc()
        return 1

    def shown(seconds):
        if unit is not None:
            scale = _UNITS[unit]
            return f"{seconds / scale:.{precision}g} {unit}"
        for name, scale in sorted(_UNITS.items(), key=lambda item: item[1]):
            if seconds < scale * 1000 or name == "sec":
                return f"{seconds / scale:.{precision}g} {name}"

    per_loop = [seconds / number for seconds in raw]
    best, worst = min(per_loop), max(per_loop)
    if verbose:
        print("raw times: " + ", ".join(shown(seconds) for seconds in raw))
        print()
    print(f"{number} loop{'s' if number != 1 else ''}, best of {repeat_count}: {shown(best)} per loop")
    if worst >= best * 4:
        import warnings
        warnings.warn_explicit("The test results are likely unreliable. The worst time "
                               f"({shown(worst)}) was more than four times slower than the "
                               f"best time ({shown(best)}).", UserWarning, "", 0)
    return None


if __name__ == "__main__":
    sys.exit(main())
