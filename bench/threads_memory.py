#!/usr/bin/env python3
"""Peak resident memory of toy and CPython for the programs in bench/memory/, side by side.

Usage (from anywhere in the repository):

    cargo build --release
    python3 bench/threads_memory.py              # every program, 5 runs each
    python3 bench/threads_memory.py --runs 9

Each program runs N times under `/usr/bin/time -v` with toy (GIL and `-X gil=0`) and with
python3, interleaved; the table shows the median "Maximum resident set size" in MB and the
ratio toy / CPython. The target for bench/memory/threads_sleep.toy (100 sleeping threads) is at
most 2x CPython's peak. Not a timed test: figures depend on the machine.
"""

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "bench" / "memory"
TOY = ROOT / "target" / "release" / "toy"


def peak_rss_mb(cmd):
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=ROOT, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    if proc.returncode != 0 or not match:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr}")
    return int(match.group(1)) / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not TOY.exists():
        sys.exit(f"{TOY} is missing: run `cargo build --release` first")
    interpreters = {
        "toy": [str(TOY)],
        "toy -X gil=0": [str(TOY), "-X", "gil=0"],
        "python3": ["python3"],
    }
    print(f"{'program':<22} {'interpreter':<14} {'peak RSS MB (median)':>21} {'toy/CPython':>12}")
    for program in sorted(PROGRAMS.glob("*.toy")):
        peaks = {name: [] for name in interpreters}
        for _ in range(args.runs):
            for name, cmd in interpreters.items():
                peaks[name].append(peak_rss_mb([*cmd, str(program)]))
        cpython = statistics.median(peaks["python3"])
        for name, values in peaks.items():
            median = statistics.median(values)
            print(f"{program.stem:<22} {name:<14} {median:>21.1f} {median / cpython:>12.2f}")


if __name__ == "__main__":
    main()
