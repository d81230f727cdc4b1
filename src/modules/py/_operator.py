"""_operator: the names CPython's C module _operator has, for pickles that refer to them there.

toy implements them in operator (pure Python), which marks them as _operator's.
"""

from operator import *
