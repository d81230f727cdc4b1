# `toy -m runnable` runs this as __main__, inside the package.
import sys

from . import greeting

print(__name__, __package__, __spec__.name, sys.argv[1:], greeting.TEXT)
