"""The project's one error type: a message that names the file and the place."""

from __future__ import annotations


class SourceError(Exception):
    """Bad input. Rendered as one line: ``path:line:col: message``."""

    def __init__(self, path, message: str, line: int | None = None, col: int | None = None):
        self.path = str(path)
        self.message = message
        self.line = line
        self.col = col
        super().__init__(str(self))

    def __reduce__(self):   # whole across processes (build --jobs): the default would pass str(self) as the path
        return (type(self), (self.path, self.message, self.line, self.col))

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset (columns count characters)."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def error_at(path, text: str, offset: int, message: str) -> SourceError:
    line, col = line_col(text, offset)
    return SourceError(path, message, line, col)
