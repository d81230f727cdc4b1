"""_heapq: the names CPython's C module _heapq has, for pickles that refer to them there.

toy implements them in heapq (pure Python), which marks them as _heapq's.
"""

from heapq import heapify, heappop, heappush, heappushpop, heapreplace
