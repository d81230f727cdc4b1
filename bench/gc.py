#!/usr/bin/env python3
"""The cycle collector's figures, toy beside CPython: peak memory, CPU time and pauses.

Usage (from anywhere in the repository):

    cargo build --release
    python3 bench/gc.py              # every program in bench/gc/, 5 runs each
    python3 bench/gc.py --runs 9 cycles

Each bench/gc/NAME.toy runs N times under toy (GIL and `-X gil=0`) and python3, interleaved so
that a busy machine hurts every interpreter alike. Per run the program's CPU time (user +
system) and peak resident memory come from GNU time (/usr/bin/time); a program that prints
`pause_ms X` as its last line reports a pause it measured itself (bench/gc/collect_pause.toy
times `gc.collect()`). The table shows medians and the ratio toy / CPython. Every other line of
output must be the same under each interpreter, or the run stops. Not a timed test: figures
depend on the machine.

Targets: cycles.toy (a million two-node cycles) at most 1.5x CPython's peak memory and no more
CPU time; collect_pause.toy no longer a pause than CPython's; young_pause.toy (young collections
under a million-deep old structure) a pause of the same order as CPython's, whatever the depth.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "bench" / "gc"
TOY = ROOT / "target" / "release" / "toy"
TIME = "/usr/bin/time"


def measure(cmd):
    """Run cmd; return its stdout lines, CPU seconds and peak RSS in MB.

    The figures come from /usr/bin/time, which reaps the program itself: a child's peak RSS
    as the kernel reports it also covers the process it was forked from up to its exec, so
    a child of this script would never show less than this script's own ~15 MB."""
    with tempfile.NamedTemporaryFile(mode="r") as figures, tempfile.TemporaryFile() as err:
        timed = [TIME, "-f", "%U %S %M", "-o", figures.name, *cmd]
        proc = subprocess.run(timed, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"{' '.join(cmd)} failed:\n{err.read().decode()}")
        user, system, peak_kb = figures.read().split()[-3:]
    return proc.stdout.decode().splitlines(), float(user) + float(system), int(peak_kb) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("names", nargs="*", help="only programs whose name contains one of these")
    args = parser.parse_args()
    if not TOY.exists():
        sys.exit(f"{TOY} is missing: run `cargo build --release` first")
    if not os.path.exists(TIME):
        sys.exit(f"{TIME} (GNU time) is needed to measure peak memory")
    interpreters = {
        "toy": [str(TOY)],
        "toy -X gil=0": [str(TOY), "-X", "gil=0"],
        "python3": ["python3"],
    }
    programs = [p for p in sorted(PROGRAMS.glob("*.toy")) if not args.names or any(n in p.stem for n in args.names)]
    print(f"{'program':<14} {'interpreter':<13} {'CPU s':>7} {'ratio':>6} {'peak MB':>8} {'ratio':>6}"
          f" {'pause ms':>9} {'ratio':>6}")
    for program in programs:
        figures = {name: {"cpu": [], "rss": [], "pause": []} for name in interpreters}
        expected = None
        for _ in range(args.runs):
            for name, cmd in interpreters.items():
                lines, cpu, rss = measure([*cmd, str(program)])
                pause = None
                if lines and lines[-1].startswith("pause_ms "):
                    pause = float(lines.pop().split()[1])
                    figures[name]["pause"].append(pause)
                if expected is None:
                    expected = lines
                elif lines != expected:
                    sys.exit(f"{program.name}: {name} printed {lines}, expected {expected}")
                figures[name]["cpu"].append(cpu)
                figures[name]["rss"].append(rss)
        medians = {name: {k: statistics.median(v) if v else None for k, v in f.items()}
                   for name, f in figures.items()}
        cpython = medians["python3"]
        for name, m in medians.items():
            pause = ""
            if m["pause"] is not None:
                pause = f" {m['pause']:>9.3f} {m['pause'] / cpython['pause']:>6.2f}"
            print(f"{program.stem:<14} {name:<13} {m['cpu']:>7.2f} {m['cpu'] / cpython['cpu']:>6.2f}"
                  f" {m['rss']:>8.1f} {m['rss'] / cpython['rss']:>6.2f}{pause}")


if __name__ == "__main__":
    main()
