"""_functools: the names CPython's C module _functools has, for pickles that refer to them there.

toy implements them in functools (pure Python), which marks them as _functools's.
"""

from functools import cmp_to_key, partial, reduce
