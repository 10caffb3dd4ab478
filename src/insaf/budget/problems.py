"""What is wrong with a budget, and where: the file, the row and the field."""

from __future__ import annotations

from dataclasses import dataclass

from insaf.errors import InsafError, Location, Said, Severity, said

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
        return self.in_language("en")

    def in_language(self, lang: str) -> str:
        """``where: what``, in ``lang`` (the message's words where they were ``said``)."""
        place, text = self.place(lang), self.what(lang)
        return f"{place}: {text}" if place else text

    def place(self, lang: str) -> str:
        """Where the problem is (the budget line first, when it is about one), in ``lang``."""
        place = self.where.in_language(lang)
        if self.line is not None and self.row is None:
            line = said("line '{line}'", line=self.line).in_language(lang)
            place = ("، " if lang == "ar" else ", ").join(p for p in (line, place) if p)
        return place

    def what(self, lang: str) -> str:
        """What the problem is, in ``lang``."""
        return self.message.in_language(lang) if isinstance(self.message, Said) else self.message

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
        super().__init__(self.in_language("en"))

    def in_language(self, lang: str) -> str:
        """How many problems, and the first ``SHOWN`` of them (and how many more), in ``lang``."""
        shown = [p.in_language(lang) for p in self.problems[:SHOWN]]
        more = len(self.problems) - SHOWN
        if more > 0:
            shown.append(said("... and {count} more", count=more).in_language(lang))
        count = said("{count} problem(s)", count=len(self.problems)).in_language(lang)
        return count + "\n  " + "\n  ".join(shown)
