"""Named errors. Library code raises these for bad input, never ``assert``.

Every error that comes from a file says where: the file, the row (or line) and
the column, or, for a YAML specification, the key path and the line. A problem
found in data (a survey's, a budget's) is an error or a warning: ``Severity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "DataError",
    "DesignError",
    "InsafError",
    "Location",
    "Severity",
    "SpecError",
    "ValidationFailed",
]


class Severity(StrEnum):
    """How bad a problem found in data is: an error stops the work, a warning is said."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem is: any of file, row (1-based data row), line, column, key."""

    file: str | None = None
    row: int | None = None
    line: int | None = None
    column: str | None = None
    key: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}")
        elif self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        if self.key is not None:
            parts.append(f"key '{self.key}'")
        return ", ".join(p for p in parts if p)


class InsafError(Exception):
    """Base class of every error INSAF raises on purpose."""


class DataError(InsafError):
    """A data file or table cannot be used as it is."""

    def __init__(self, message: str, where: Location | None = None) -> None:
        self.message = message
        self.where = where or Location()
        prefix = str(self.where)
        super().__init__(f"{prefix}: {message}" if prefix else message)

    def __reduce__(self) -> tuple[type[DataError], tuple[str, Location]]:
        # pickled as made (a Spark task sends its error to the driver)
        return type(self), (self.message, self.where)


class SpecError(InsafError):
    """A YAML specification (manifest, scenario, indicator, MPI) is invalid.

    ``problems`` holds one ``(location, message)`` pair per problem found, so a
    user sees every mistake at once.
    """

    def __init__(self, file: str | None, problems: list[tuple[Location, str]]) -> None:
        self.file = file
        self.problems = problems
        lines = [f"{where}: {message}" if str(where) else message for where, message in problems]
        head = f"{file}: " if file else ""
        super().__init__(head + f"{len(problems)} problem(s)\n  " + "\n  ".join(lines))

    def __reduce__(self) -> tuple[type[SpecError], tuple[str | None, list[tuple[Location, str]]]]:
        return type(self), (self.file, self.problems)


class DesignError(InsafError):
    """The sampling design cannot support the requested computation."""


class ValidationFailed(InsafError):  # noqa: N818 - reads better at the call site
    """A survey failed validation; ``report`` lists every problem found."""

    def __init__(self, report: object, message: str) -> None:
        self.report = report
        super().__init__(message)
