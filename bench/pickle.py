#!/usr/bin/env python3
"""pickle.dumps and pickle.loads alone, toy against CPython's C _pickle, side by side.

Usage (from anywhere in the repository):

    cargo build --release
    python3 bench/pickle.py              # 9 runs of each variant per interpreter
    python3 bench/pickle.py --runs 15

The data is bench/workloads/pickling.toy's: a list of 20,000 small dicts (ints, strings,
floats, a bool, a list, a tuple), pickled with the default protocol (4). Each interpreter runs
three variants of one program as separate processes: building the data only, building it and
dumping it ROUNDS times, and building it, dumping it once and loading it ROUNDS times. The CPU
time (user + sys, from rusage, which stays stable when other jobs share the cores) of the
baseline is subtracted, and what remains is divided by ROUNDS: the cost of one dumps and of
one loads. Medians over the runs, interleaved so that a noisy neighbour hurts both sides alike.
CPython's loads includes the cycle collector's passes it triggers, as in any real program.
"""

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 20

PROGRAM = """
import pickle

def make_rows(n):
    rows = []
    for i in range(n):
        rows.append({"id": i, "name": "item%d" % i, "price": i * 0.25,
                     "tags": ["a", "b%d" % (i % 7)], "pos": (i, -i), "ok": i % 3 == 0})
    return rows

rows = make_rows(20000)
VARIANT = "@VARIANT@"
if VARIANT == "dumps":
    for _ in range(@ROUNDS@):
        data = pickle.dumps(rows)
elif VARIANT == "loads":
    data = pickle.dumps(rows)
    for _ in range(@ROUNDS@):
        back = pickle.loads(data)
"""


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(cmd):
    before = child_cpu()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONHASHSEED="0"))
    return child_cpu() - before


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--toy", default=str(ROOT / "target" / "release" / "toy"))
    parser.add_argument("--python", default=shutil.which("python3") or sys.executable)
    args = parser.parse_args()
    if not Path(args.toy).is_file():
        print(f"error: {args.toy} not found; build it first with: cargo build --release", file=sys.stderr)
        return 2
    interpreters = {"toy": args.toy, "CPython": args.python}
    with tempfile.TemporaryDirectory() as tmp:
        scripts = {}
        for variant in ("base", "dumps", "loads"):
            path = Path(tmp) / f"{variant}.py"
            path.write_text(PROGRAM.replace("@VARIANT@", variant).replace("@ROUNDS@", str(ROUNDS)))
            scripts[variant] = str(path)
        samples = {(name, v): [] for name in interpreters for v in scripts}
        for run in range(args.runs):
            order = list(interpreters.items())
            if run % 2:
                order.reverse()
            for name, exe in order:
                for variant, script in scripts.items():
                    samples[name, variant].append(cpu_of([exe, script]))
            print(f"  run {run + 1}/{args.runs} done", file=sys.stderr)
    print(f"one dumps / one loads of 20,000 small dicts, protocol 4; CPU ms, median of {args.runs} runs\n")
    print(f"{'':8}  {'dumps':>8}  {'loads':>8}")
    per_op = {}
    for name in interpreters:
        base = statistics.median(samples[name, "base"])
        per_op[name] = [
            (statistics.median(samples[name, v]) - base) / ROUNDS * 1000 for v in ("dumps", "loads")
        ]
        print(f"{name:8}  {per_op[name][0]:8.2f}  {per_op[name][1]:8.2f}")
    ratios = [t / c for t, c in zip(per_op["toy"], per_op["CPython"])]
    print(f"{'ratio':8}  {ratios[0]:8.2f}  {ratios[1]:8.2f}   (toy / CPython; below 1.0 toy is faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
