"""Random numbers for secrets (tokens, passwords, keys), drawn from the operating system's
entropy rather than a seeded generator."""

import base64 as _base64
import os as _os
from hmac import compare_digest
from random import SystemRandom

__all__ = ["choice", "randbelow", "randbits", "SystemRandom",
           "token_bytes", "token_hex", "token_urlsafe", "compare_digest"]

# Bytes of randomness in a token when no size is given.
DEFAULT_ENTROPY = 32

_sysrand = SystemRandom()
randbits = _sysrand.getrandbits
choice = _sysrand.choice


def randbelow(exclusive_upper_bound):
    """A random int in [0, exclusive_upper_bound)."""
    if exclusive_upper_bound <= 0:
        raise ValueError("Upper bound must be positive.")
    return _sysrand.randrange(exclusive_upper_bound)


def token_bytes(nbytes=None):
    """`nbytes` random bytes."""
    return _os.urandom(DEFAULT_ENTROPY if nbytes is None else nbytes)


def token_hex(nbytes=None):
    """`nbytes` random bytes as hex digits (two per byte)."""
    return token_bytes(nbytes).hex()


def token_urlsafe(nbytes=None):
    """`nbytes` random bytes in URL-safe base64, without padding."""
    return _base64.urlsafe_b64encode(token_bytes(nbytes)).rstrip(b"=").decode("ascii")
