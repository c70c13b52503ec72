"""User errors: problems in a manuscript that its author can fix.

A :class:`UserError` is shown as one paragraph naming the file (and line), what
is wrong and what to do, and ends the build with a non-zero exit and no
traceback. Anything else escaping the pipeline is a bug in pubpipe.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem with the input, reported without a traceback."""

    def __init__(self, message: str, path: str | Path | None = None,
                 line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" {self.hint}"
        return text


def warn(message: str, path: str | Path | None = None, line: int | None = None) -> None:
    """Print a warning about the input on stderr, in the same form as errors."""
    import sys

    where = ""
    if path is not None:
        where = f"{path}:{line}: " if line else f"{path}: "
    print(f"pubpipe: warning: {where}{message}", file=sys.stderr)
