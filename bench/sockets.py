#!/usr/bin/env python3
"""Blocking socket calls overlap: 100 threads each `recv` from a local server that answers
every request after 0.2 s. With every blocking call releasing the GIL the whole batch takes
about 0.2 s (the target is at most 0.3 s); a call that kept the GIL would take 100 x 0.2 s.

Usage (from anywhere in the repository):

    cargo build --release
    python3 bench/sockets.py              # 7 runs per interpreter
    python3 bench/sockets.py --runs 11

The program measures itself (perf_counter, from starting the client threads until all have
their answer); the runner prints the medians for toy (with and without the GIL) and CPython.
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
import socket
import threading
import time

CLIENTS = 100
DELAY = 0.2


def answer_later(conn):
    with conn:
        request = conn.recv(64)
        time.sleep(DELAY)
        conn.sendall(request.upper())


def serve(listener):
    for _ in range(CLIENTS):
        conn, _ = listener.accept()
        threading.Thread(target=answer_later, args=(conn,)).start()


listener = socket.create_server(("127.0.0.1", 0), backlog=CLIENTS)
address = listener.getsockname()
server = threading.Thread(target=serve, args=(listener,))
server.start()
answers = []


def client(n):
    with socket.create_connection(address) as sock:
        sock.sendall(f"request {n}".encode())
        answers.append(sock.recv(64))


threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start
server.join()
listener.close()
assert len(answers) == CLIENTS and all(a.startswith(b"REQUEST") for a in answers)
print(elapsed)
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
        script = Path(tmp) / "sockets_bench.py"
        script.write_text(PROGRAM)
        for _ in range(args.runs):
            for name, command in interpreters:
                out = subprocess.run(command + [str(script)], capture_output=True, text=True,
                                     check=True).stdout
                results[name].append(float(out))
    print("100 threads, each a blocking recv answered after 0.2 s (target: all done in <= 0.3 s)")
    print(f"{'interpreter':<14}{'median':>10}{'min':>10}{'max':>10}")
    for name, runs in results.items():
        print(f"{name:<14}{statistics.median(runs):>9.3f}s{min(runs):>9.3f}s{max(runs):>9.3f}s")


if __name__ == "__main__":
    main()
