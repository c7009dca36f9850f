"""Exceptions raised by analyse.

Every error a researcher can cause names what is wrong and where (file, row,
column, value) and what to do about it; the command line prints the message
alone, without a traceback.
"""

from __future__ import annotations

__all__ = ["AnalyseError", "CodebookError", "SurveyError", "MissingColumnError"]


class AnalyseError(ValueError):
    """Base class: a problem with the user's input, not a bug in analyse."""


class CodebookError(AnalyseError):
    """A codebook file is unreadable or inconsistent."""


class SurveyError(AnalyseError):
    """An input file cannot be used as a whole (empty, unreadable, no items)."""

    def __init__(self, message: str, *, file=None, row=None, column=None, value=None):
        parts = []
        if file is not None:
            parts.append(f"{file}")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        if value is not None:
            parts.append(f"value {value!r}")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message)
        self.file, self.row, self.column, self.value = file, row, column, value


class MissingColumnError(AnalyseError):
    """An analysis groups by a metadata column that has no value at all (the form did not ask it)."""

    def __init__(self, column: str):
        super().__init__(f"these data have no {column}: no row has a value (the form did not ask it). Give it when "
                         f"loading (metadata={{'{column}': ...}}, --metadata {column}=..., or map the column that "
                         f"holds it: --column 'HEADER={column}'), or leave {column!r} out of this analysis")
        self.column = column
