from . import cycle_b
NAME = "a"
