"""A module with a PEP 562 __getattr__: computed and renamed attributes (imported by
module_getattr.toy)."""

value = 1


def __getattr__(name):
    if name == "computed":
        return value * 42
    if name == "old_name":
        return "renamed"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
