"""A package: its __init__ runs first and can pull in its own submodules relatively."""
from .shapes import Square
from . import units
print("geometry init:", __name__, __package__)
VERSION = "1.0"
__all__ = ["Square", "VERSION", "area_of"]


def area_of(shape):
    return shape.area()
