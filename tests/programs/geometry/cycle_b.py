from .cycle_a import NAME
