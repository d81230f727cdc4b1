#!/usr/bin/env python3
"""Run the benchmark workloads under toy and CPython side by side and print the time ratios.

Usage (from anywhere in the repository):

    cargo build --release
    python3 bench/run.py                 # every workload, 5 timed runs each
    python3 bench/run.py --runs 9 fib    # only workloads whose name contains "fib"

Each bench/workloads/NAME.toy is valid Python 3 and prints a checksum. The runner first runs
each workload once under both interpreters and compares their stdout: a workload toy cannot run
yet (non-zero exit, e.g. classes before they exist) is reported as skipped; a workload whose
output differs is flagged MISMATCH. Both are left out of the geometric mean. Then it times N
runs per interpreter, interleaved (toy, python, python, toy, ...) so that a noisy neighbour on
the machine hurts both sides alike, and reports medians, process start-up included.

The main figure is CPU time (user + system) of the child process, which stays stable when other
jobs share the cores; the wall-clock ratio is shown next to it. Ratio = toy / CPython: below 1.0
toy is faster. Standard library only (Unix: uses resource.getrusage).
"""

import argparse
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = ROOT / "bench" / "workloads"
TARGET_RATIO = 1.5
TIMEOUT = 300


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd, timeout=TIMEOUT):
    """Runs cmd; returns ((cpu seconds, wall seconds), returncode, stdout, stderr)."""
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1", PYTHONIOENCODING="utf-8")
    cpu0 = child_cpu()
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        # The killed child was reaped by subprocess, so its CPU time is counted too.
        elapsed = (child_cpu() - cpu0, time.perf_counter() - start)
        return elapsed, None, b"", f"timed out after {timeout}s".encode()
    return (child_cpu() - cpu0, time.perf_counter() - start), proc.returncode, proc.stdout, proc.stderr


def last_line(data):
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""


def version_of(cmd):
    try:
        out = subprocess.run(cmd + ["--version"], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (out.stdout or out.stderr).decode("utf-8", "replace").strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("filters", nargs="*", help="run only workloads whose name contains one of these")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per interpreter (default 5)")
    parser.add_argument("--toy", default=str(ROOT / "target" / "release" / "toy"),
                        help="toy binary (default target/release/toy)")
    parser.add_argument("--python", default=shutil.which("python3") or sys.executable,
                        help="CPython to compare with (default python3 on PATH)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    toy = Path(args.toy)
    if not toy.is_file() or not os.access(toy, os.X_OK):
        print(f"error: {toy} not found; build it first with:\n\n    cargo build --release\n", file=sys.stderr)
        return 2

    workloads = sorted(WORKLOADS.glob("*.toy"))
    if args.filters:
        workloads = [w for w in workloads if any(f in w.stem for f in args.filters)]
    if not workloads:
        print("error: no workloads selected", file=sys.stderr)
        return 2

    print(f"toy:     {toy.relative_to(ROOT) if toy.is_relative_to(ROOT) else toy} ({version_of([str(toy)])})")
    print(f"CPython: {args.python} ({version_of([args.python])})")
    print(f"{args.runs} timed run(s) per interpreter and workload; medians of CPU seconds (user + sys)\n")

    # 1. One checked run each: skip what toy cannot run, flag wrong answers.
    status = {}
    for w in workloads:
        rel = str(w.relative_to(ROOT))
        _, py_code, py_out, py_err = run([args.python, rel])
        if py_code != 0:
            status[w] = f"skipped: python3 failed ({last_line(py_err)})"
            continue
        _, toy_code, toy_out, toy_err = run([str(toy), rel])
        if toy_code != 0:
            why = "timed out" if toy_code is None else f"exit {toy_code}"
            status[w] = f"skipped: toy {why}: {last_line(toy_err)}"
        elif toy_out != py_out:
            status[w] = (f"MISMATCH: toy printed {last_line(toy_out)!r}, "
                         f"python3 {last_line(py_out)!r}")
        else:
            status[w] = "ok"

    # 2. Timed runs, interleaved, alternating which interpreter goes first.
    timed = [w for w in workloads if not status[w].startswith("skipped")]
    times = {w: {"toy": [], "py": [], "toy_wall": [], "py_wall": []} for w in timed}
    for round_no in range(args.runs):
        for w in timed:
            rel = str(w.relative_to(ROOT))
            order = [("toy", str(toy)), ("py", args.python)]
            if round_no % 2:
                order.reverse()
            for key, exe in order:
                (cpu, wall), code, _, err = run([exe, rel])
                if code != 0:
                    status[w] = f"MISMATCH: {key} failed on a timed run: {last_line(err)}"
                times[w][key].append(cpu)
                times[w][key + "_wall"].append(wall)
        print(f"  round {round_no + 1}/{args.runs} done", file=sys.stderr)

    # 3. The table.
    name_width = max(len(w.stem) for w in workloads)
    header = (f"{'workload':<{name_width}}  {'toy s':>8}  {'python s':>8}  {'ratio':>6}  "
              f"{'wall ratio':>10}  note")
    print(header)
    print("-" * len(header))
    ratios, wall_ratios = [], []
    for w in workloads:
        note = status[w]
        if w not in times:
            print(f"{w.stem:<{name_width}}  {'-':>8}  {'-':>8}  {'-':>6}  {'-':>10}  {note}")
            continue
        med = {key: statistics.median(values) for key, values in times[w].items()}
        ratio = med["toy"] / med["py"] if med["py"] > 0 else float("inf")
        wall_ratio = med["toy_wall"] / med["py_wall"] if med["py_wall"] > 0 else float("inf")
        if note == "ok":
            ratios.append(ratio)
            wall_ratios.append(wall_ratio)
            note = ""
        print(f"{w.stem:<{name_width}}  {med['toy']:8.3f}  {med['py']:8.3f}  {ratio:6.2f}  "
              f"{wall_ratio:10.2f}  {note}")
    print("-" * len(header))

    if ratios:
        geomean = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
        wall_geomean = math.exp(sum(math.log(r) for r in wall_ratios) / len(wall_ratios))
        verdict = "met" if geomean <= TARGET_RATIO else "NOT met"
        print(f"geometric-mean ratio toy/CPython over {len(ratios)} workload(s): {geomean:.2f} CPU, "
              f"{wall_geomean:.2f} wall (target <= {TARGET_RATIO}: {verdict})")
    else:
        print("no workload ran correctly under toy; no geometric mean")
    mismatches = [w.stem for w in workloads if status[w].startswith("MISMATCH")]
    if mismatches:
        print(f"\nwrong output from toy: {', '.join(mismatches)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
