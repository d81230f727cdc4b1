"""toy's multiprocessing: processes, queues, pipes, locks, shared values and pools, as
CPython 3.11's on Linux (default start method `fork`). See context.py for start methods and
src/modules/shared_memory.rs for what the locks and shared values are made of."""

import sys
from multiprocessing import context

__all__ = [name for name in dir(context._default_context) if not name.startswith("_")]
for _name in __all__:
    globals()[_name] = getattr(context._default_context, _name)
del _name

SUBDEBUG = 5
SUBWARNING = 25

# Pickles made by spawned children name their main module `__mp_main__`.
if "__main__" in sys.modules:
    sys.modules.setdefault("__mp_main__", sys.modules["__main__"])
