"""asyncio for toy: coroutines run as tasks on an event loop, one loop per thread.

The loop waits in the native `_asyncio_loop` module with the GIL released (shown as
"event loop wait" by -X gilstats, --trace and --timeline); everything else is written in
Python here. Streams, sockets and subprocesses are not provided yet.
"""

from asyncio.exceptions import CancelledError, InvalidStateError, TimeoutError
from asyncio.events import (AbstractEventLoop, Handle, TimerHandle, get_event_loop, get_running_loop,
                     new_event_loop, set_event_loop, _get_running_loop)
from asyncio.futures import Future, isfuture, wrap_future
from asyncio.tasks import (Task, create_task, current_task, all_tasks, ensure_future, sleep, gather,
                    wait, wait_for, as_completed, shield, to_thread, run_coroutine_threadsafe,
                    iscoroutine, FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED,
                    timeout, timeout_at, Timeout)
from asyncio.locks import Lock, Event, Condition, Semaphore, BoundedSemaphore, Barrier, BrokenBarrierError
from asyncio.queues import Queue, PriorityQueue, LifoQueue, QueueEmpty, QueueFull
from asyncio.runners import run, Runner

iscoroutinefunction = __import__("inspect").iscoroutinefunction
