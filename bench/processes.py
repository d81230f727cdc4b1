#!/usr/bin/env python3
"""multiprocessing against CPython, side by side: wall-clock figures a program measures itself.

Usage (from anywhere in the repository):

    cargo build --release
    python3 bench/processes.py              # 7 runs per interpreter
    python3 bench/processes.py --runs 11

Each run of the program below prints three figures (perf_counter, in the program):
- `seq`: 4 equal CPU-bound tasks (count down from N) one after the other;
- `pool`: the same 4 tasks through `Pool(2).map(..., chunksize=1)`, pool start-up included;
- `apply`: starting a `Pool(1)` (one fork) and the round trip of one `apply` of a trivial call,
  then tearing it down, averaged over 10 pools.
Medians over the runs (interleaved, so a noisy neighbour hurts both sides alike), and the
speed-up seq / pool, which on 2 idle cores approaches 2.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROGRAM = """
import multiprocessing as mp
import time

N = 3_000_000


def count_down(n):
    while n > 0:
        n -= 1
    return n


def nothing(x):
    return x


if __name__ == "__main__":
    start = time.perf_counter()
    for _ in range(4):
        count_down(N)
    seq = time.perf_counter() - start
    start = time.perf_counter()
    with mp.Pool(2) as pool:
        pool.map(count_down, [N] * 4, chunksize=1)
    parallel = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(10):
        with mp.Pool(1) as pool:
            pool.apply(nothing, (1,))
    apply = (time.perf_counter() - start) / 10
    print(seq, parallel, apply)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    toy = ROOT / "target" / "release" / "toy"
    if not toy.exists():
        sys.exit("build toy first: cargo build --release")
    python = shutil.which("python3")
    interpreters = [("toy", [str(toy)]), ("toy -X gil=0", [str(toy), "-X", "gil=0"])]
    if python:
        interpreters.append(("CPython", [python]))
    results = {name: [] for name, _ in interpreters}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "processes_bench.py"
        script.write_text(PROGRAM)
        for _ in range(args.runs):
            for name, command in interpreters:
                out = subprocess.run(command + [str(script)], capture_output=True, text=True,
                                     check=True).stdout
                results[name].append([float(x) for x in out.split()])
    print(f"{'interpreter':<14}{'sequential':>12}{'Pool(2).map':>13}{'speed-up':>10}"
          f"{'Pool(1)+apply':>15}")
    for name, runs in results.items():
        seq = statistics.median(r[0] for r in runs)
        pool = statistics.median(r[1] for r in runs)
        ratio = statistics.median(r[0] / r[1] for r in runs)
        apply = statistics.median(r[2] for r in runs)
        print(f"{name:<14}{seq:>11.3f}s{pool:>12.3f}s{ratio:>9.2f}x{apply * 1000:>13.2f}ms")


if __name__ == "__main__":
    main()
