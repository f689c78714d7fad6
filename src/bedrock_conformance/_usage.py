"""The one exception for bad input from the user: the CLI prints it as one line and exits 2."""

from __future__ import annotations


class UsageError(Exception):
    """Bad input from the user: printed as one line (after the command's usage line, if any), exit 2."""

    def __init__(self, message: str, usage: str = "") -> None:
        super().__init__(message)
        self.usage = usage
