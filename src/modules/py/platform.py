"""What the machine and the interpreter are: `system()`, `machine()`, `platform()`,
`python_version()`…

`python_implementation()` says "toy" (not "CPython"), matching `sys.version`'s
"(toy 0.1.0)"; the Python version reported is the language level toy implements.
"""

import os
import sys
from collections import namedtuple

__all__ = ["architecture", "libc_ver", "machine", "node", "platform", "processor",
           "python_build", "python_compiler", "python_implementation", "python_version",
           "python_version_tuple", "release", "system", "uname", "version"]


class uname_result(namedtuple("uname_result", "system node release version machine")):
    """`os.uname()`'s five fields, plus `processor` as a sixth item."""

    __module__ = "platform"

    @property
    def processor(self):
        return processor()

    def __iter__(self):
        yield from tuple.__iter__(self)
        yield self.processor

    def __getitem__(self, key):
        return tuple(self)[key]

    def __len__(self):
        return len(tuple(iter(self)))


_uname = None


def uname():
    global _uname
    if _uname is None:
        system, node, release, version, machine = os.uname()
        _uname = uname_result(system, node, release, version, machine)
    return _uname


def system():
    return uname().system


def node():
    return uname().node


def release():
    return uname().release


def version():
    return uname().version


def machine():
    return uname().machine


def processor():
    """The processor's name; empty, as toy does not ask the system for it (CPython says
    empty when it cannot tell)."""
    return ""


def architecture(executable=sys.executable, bits="", linkage=""):
    """`(bits, linkage)` of the executable, e.g. ('64bit', 'ELF'), read from its header;
    `bits` and `linkage` are the answers when it cannot be read."""
    try:
        with open(executable, "rb") as f:
            header = f.read(5)
    except (OSError, TypeError):
        header = b""
    if header[:4] == b"\x7fELF":
        return ("64bit" if header[4] == 2 else "32bit"), "ELF"
    if not bits:
        bits = "64bit" if sys.maxsize > 2 ** 32 else "32bit"
    return bits, linkage


def libc_ver(executable=None, lib="", version="", chunksize=16384):
    """`(library, version)` of the C library toy runs with, e.g. ('glibc', '2.36')."""
    try:
        name, _, found = os.confstr("CS_GNU_LIBC_VERSION").partition(" ")
    except (AttributeError, ValueError, OSError):
        return lib, version
    return name, found


def python_implementation():
    return "toy"


def python_version():
    return "%d.%d.%d" % sys.version_info[:3]


def python_version_tuple():
    return tuple(str(part) for part in sys.version_info[:3])


def python_build():
    """`(build name, build date)`: toy's version, and no date."""
    head, _, rest = sys.version.partition("(")
    return rest.rstrip(")"), ""


def python_compiler():
    """The compiler that built the interpreter, as `sys.version` names it (toy's does not)."""
    head, _, rest = sys.version.partition("[")
    return rest.rstrip("]")


def platform(aliased=False, terse=False):
    """One line naming the platform, e.g. 'Linux-6.1.0-x86_64-with-glibc2.36'."""
    u = uname()
    libc, libc_version = libc_ver()
    if u.system == "Linux" and libc:
        text = "-".join((u.system, u.release, u.machine, "with", libc + libc_version))
    elif terse:
        text = "-".join((u.system, u.release))
    else:
        text = "-".join((u.system, u.release, u.machine))
    # Runs of dashes and trailing ones are tidied, as CPython does.
    while "--" in text:
        text = text.replace("--", "-")
    return text.rstrip("-")
