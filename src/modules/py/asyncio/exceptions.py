"""asyncio's exception classes."""

__all__ = ("CancelledError", "InvalidStateError", "TimeoutError")

TimeoutError = TimeoutError


class CancelledError(BaseException):
    """The Future or Task was cancelled."""


class InvalidStateError(Exception):
    """The operation is not allowed in this state."""
