#!/usr/bin/env python3
"""Regenerate the expected output of tests/programs/*.toy from CPython.

Every program in tests/programs/ is valid Python 3, so CPython is the oracle:

    python3 tests/update_expected.py            # all programs
    python3 tests/update_expected.py fstrings   # only names containing "fstrings"

For NAME.toy this writes NAME.out (stdout), NAME.err (stderr, only when non-empty) and
NAME.exit (the exit status, only when it is not 0), and removes stale .err / .exit files.
Paths under the repository in stderr (tracebacks name the script by its absolute path) are
written relative to it.
Review the diff (`git diff tests/programs`) before committing: the point of the .out files is
that a human has looked at them once.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"


def main() -> int:
    filters = sys.argv[1:]
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
    count = 0
    for toy in sorted(PROGRAMS.glob("*.toy")):
        if filters and not any(f in toy.stem for f in filters):
            continue
        rel = toy.relative_to(ROOT)
        proc = subprocess.run(
            [sys.executable, str(rel)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=120,
        )
        toy.with_suffix(".out").write_bytes(proc.stdout)
        # Tracebacks name the script by its absolute path: keep it relative to the repository,
        # which is how the test harness compares it.
        stderr = proc.stderr.replace((str(ROOT) + os.sep).encode(), b"")
        for suffix, keep, data in (
            (".err", bool(stderr), stderr),
            (".exit", proc.returncode != 0, f"{proc.returncode}\n".encode()),
        ):
            path = toy.with_suffix(suffix)
            if keep:
                path.write_bytes(data)
            elif path.exists():
                path.unlink()
        note = "" if proc.returncode == 0 else f" (exit {proc.returncode})"
        print(f"{rel}: {len(proc.stdout)} bytes of stdout{note}")
        count += 1
    print(f"{count} program(s) updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
