"""_bisect: the names CPython's C module _bisect has, for pickles that refer to them there.

toy implements them in bisect (pure Python), which marks them as _bisect's.
"""

from bisect import bisect, bisect_left, bisect_right, insort, insort_left, insort_right
