"""The exchange's one user-facing error: a translated message and a machine-readable code."""

from __future__ import annotations


class ExchangeError(Exception):
    """An exchange action refused; ``message`` is for the user, ``code`` for logs and APIs."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
