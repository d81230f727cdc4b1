"""Helper for import_race.toy: a module whose body takes a while, counting its executions."""

import builtins
import time

builtins.slow_import_runs = getattr(builtins, "slow_import_runs", 0) + 1
time.sleep(0.2)
LAST = "defined at the end"
