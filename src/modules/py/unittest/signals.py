"""Ctrl-C handling for test runs (-c): toy runs the tests without it."""

__unittest = True


def installHandler():
    pass


def registerResult(result):
    pass


def removeResult(result):
    return False


def removeHandler(method=None):
    if method is not None:
        return method
    return None
