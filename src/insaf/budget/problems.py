"""What is wrong with a budget, and where: the file, the row and the field."""

from __future__ import annotations

from dataclasses import dataclass

from insaf.errors import InsafError, Location, Severity

__all__ = ["BudgetError", "BudgetImportError", "BudgetProblem", "Severity"]

SHOWN = 20
"""Problems listed in an error's message (all of them are in ``problems``)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetProblem:
    """One problem: where (file, 1-based data row, field, key) and what."""

    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    key: str | None = None
    line: str | None = None
    """The budget line's id, when the problem is about one line."""
    severity: Severity = Severity.ERROR

    @property
    def where(self) -> Location:
        return Location(file=self.file, row=self.row, column=self.field, key=self.key)

    def __str__(self) -> str:
        place = str(self.where)
        if self.line is not None and self.row is None:
            place = ", ".join(p for p in (f"line '{self.line}'", place) if p)
        return f"{place}: {self.message}" if place else self.message

    def to_dict(self) -> dict[str, str | int | None]:
        return {
            "severity": self.severity.value,
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "key": self.key,
            "line": self.line,
            "message": self.message,
        }


class BudgetError(InsafError, ValueError):
    """A request the budget cannot answer (a year it does not have, a programme not in
    its plan, a grouping by an unknown field); a ``ValueError`` too."""


class BudgetImportError(InsafError):
    """A budget file cannot be read; ``problems`` lists every problem found."""

    def __init__(self, problems: list[BudgetProblem]) -> None:
        self.problems = problems
        shown = [str(p) for p in problems[:SHOWN]]
        more = len(problems) - SHOWN
        if more > 0:
            shown.append(f"... and {more} more")
        super().__init__(f"{len(problems)} problem(s)\n  " + "\n  ".join(shown))
