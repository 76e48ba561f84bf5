"""The one error operators see from backup and restore."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore refused or failed; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
