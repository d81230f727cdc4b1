#!/usr/bin/env python3
"""The binary-data modules, toy against CPython's C implementations, side by side.

Usage (from anywhere in the repository):

    cargo build --release
    python3 bench/binary.py              # 5 runs of each workload per interpreter
    python3 bench/binary.py --runs 9 struct

Each workload is a small program run as a separate process by each interpreter; a baseline
program (the same setup, no work) is run too and its CPU time subtracted. CPU time is user +
sys from rusage, which stays stable when other jobs share the cores. Runs are interleaved so
that a noisy neighbour hurts both sides alike; the medians and their ratio are printed. A
workload toy cannot run yet (its module missing) is reported and skipped.
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

# name: (setup, work). The work runs after the setup; the baseline runs the setup alone.
WORKLOADS = {
    "struct": (
        "import struct\nrecord = struct.Struct('<ihdq')\nvalues = (1, -2, 3.5, 1 << 40)\n",
        "pack = struct.pack\nunpack = struct.unpack\n"
        "for i in range(300000):\n"
        "    data = pack('<ihdq', i, -2, 3.5, i)\n"
        "    back = unpack('<ihdq', data)\n",
    ),
    "zlib": (
        "import zlib\ntext = ''.join('line %d of some fairly repetitive text\\n' % i for i in range(200000)).encode()\n",
        "for level in (1, 6, 9):\n"
        "    packed = zlib.compress(text, level)\n"
        "    assert zlib.decompress(packed) == text\n",
    ),
}


def child_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of(cmd):
    before = child_cpu()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        print(f"{' '.join(cmd)} failed:\n{done.stderr}", file=sys.stderr)
        return None
    return child_cpu() - before


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--toy", default=str(ROOT / "target" / "release" / "toy"))
    parser.add_argument("--python", default=shutil.which("python3") or sys.executable)
    parser.add_argument("workloads", nargs="*", default=list(WORKLOADS))
    args = parser.parse_args()
    if not Path(args.toy).is_file():
        print(f"error: {args.toy} not found; build it first with: cargo build --release", file=sys.stderr)
        return 2
    interpreters = {"toy": args.toy, "CPython": args.python}
    print(f"{'workload':10} {'toy (s)':>9} {'CPython (s)':>12} {'toy/CPython':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.workloads:
            setup, work = WORKLOADS[name]
            base = Path(tmp) / f"bench_{name}_base.py"
            full = Path(tmp) / f"bench_{name}.py"
            base.write_text(setup)
            full.write_text(setup + work)
            times = {who: [] for who in interpreters}
            for _ in range(args.runs):
                for who, exe in interpreters.items():
                    spent = cpu_of([exe, str(full)])
                    baseline = cpu_of([exe, str(base)])
                    if spent is None or baseline is None:
                        times[who] = None
                        break
                    times[who].append(spent - baseline)
                if None in times.values():
                    break
            if times["toy"] is None or times["CPython"] is None:
                print(f"{name:10} skipped: an interpreter failed to run it")
                continue
            toy, cpython = statistics.median(times["toy"]), statistics.median(times["CPython"])
            print(f"{name:10} {toy:9.3f} {cpython:12.3f} {toy / cpython:12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
