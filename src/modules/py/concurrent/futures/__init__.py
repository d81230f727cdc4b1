"""Run calls asynchronously in a pool of threads, as CPython's Lib/concurrent/futures."""

from concurrent.futures._base import (
    FIRST_COMPLETED,
    FIRST_EXCEPTION,
    ALL_COMPLETED,
    CancelledError,
    TimeoutError,
    InvalidStateError,
    BrokenExecutor,
    Future,
    Executor,
    wait,
    as_completed,
)
from concurrent.futures.thread import ThreadPoolExecutor

__all__ = (
    "FIRST_COMPLETED",
    "FIRST_EXCEPTION",
    "ALL_COMPLETED",
    "CancelledError",
    "TimeoutError",
    "BrokenExecutor",
    "Future",
    "Executor",
    "wait",
    "as_completed",
    "ThreadPoolExecutor",
    "ProcessPoolExecutor",
)


def __getattr__(name):
    # As CPython: the process pool (and multiprocessing under it) is imported on first use.
    if name == "ProcessPoolExecutor":
        from concurrent.futures.process import ProcessPoolExecutor
        globals()[name] = ProcessPoolExecutor
        return ProcessPoolExecutor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
