"""The plan and the budget: a national social strategy and the lines that pay for it.

A ``Plan`` holds goals; a goal holds the results it aims at (an observatory
indicator with a baseline and a target); a ``Programme`` delivers results
through policy instruments (ids of a scenario's instruments) to a target group
(an expression on survey or registry variables). A ``Budget`` holds the plan
and its lines: one row per budget line and phase, in a typed polars frame
(``LINE_SCHEMA``), amounts in ``currency`` times ``scale``.

Lines may form a hierarchy: a line names its ``parent`` line, and an aggregate
line (one that has children) must equal the sum of its children in every phase
(``insaf.budget.check``). Totals add up the *leaves* only (``Budget.leaves``),
so a file that carries both a ministry's total and its detail is not counted
twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

import polars as pl
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from insaf.errors import DataError, said

__all__ = [
    "FIELDS",
    "LINE_SCHEMA",
    "PHASES",
    "Budget",
    "Contingency",
    "Goal",
    "Phase",
    "Plan",
    "Programme",
    "Result",
    "Text",
    "budget_lines",
]


class Phase(StrEnum):
    """The stage of the budget cycle an amount belongs to."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REVISED = "revised"
    EXECUTED = "executed"


PHASES: tuple[str, ...] = tuple(p.value for p in Phase)

LINE_SCHEMA: dict[str, pl.DataType] = {
    "line": pl.String(),
    "parent": pl.String(),
    "year": pl.Int32(),
    "phase": pl.Enum(PHASES),
    "admin": pl.String(),
    "function": pl.String(),
    "economic": pl.String(),
    "programme": pl.String(),
    "governorate": pl.String(),
    "source": pl.String(),
    "gender_marker": pl.Int8(),
    "amount": pl.Float64(),
}
"""The columns of ``Budget.lines`` and their types. ``line`` identifies a budget
line (the same id in every phase); ``parent`` (may be null) is the line it is
part of. ``programme`` and ``governorate`` may be null (a line of no programme,
a national line)."""

FIELDS: tuple[str, ...] = tuple(LINE_SCHEMA)
CLASSIFICATIONS: tuple[str, ...] = (
    "year",
    "admin",
    "function",
    "economic",
    "programme",
    "governorate",
    "source",
    "gender_marker",
)
"""The fields that classify a line (everything but its id, parent, phase and amount)."""

CODE = r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$"
COFOG = re.compile(r"^(0[1-9]|10)(\.[0-9]){0,2}$")
"""A COFOG code: a division (01-10), a group (10.9) or a class (10.9.1)."""
GFS = re.compile(r"^[1-3][0-9]{0,4}$")
"""A GFS 2014 economic code: 2 expense (21 compensation, 22 goods and services,
24 interest, 25 subsidies, 26 grants, 27 social benefits, 28 other), 3
non-financial assets, 1 revenue; up to five digits."""
CODED: dict[str, tuple[re.Pattern[str], str]] = {
    "function": (COFOG, said("not a COFOG code (01 to 10, or a group such as 10.9)")),
    "economic": (GFS, said("not a GFS economic code (digits, such as 27 or 2821)")),
}
"""The fields that hold a code of a classification: its pattern, and what a problem
with a value that does not match says (the file readers and ``check`` both use it)."""


def _not_before(year: int, info: ValidationInfo, earlier: str) -> int:
    """The year of the field being validated, refused when before the ``earlier`` field's
    (already validated: it comes first in the model)."""
    first = info.data.get(earlier)
    if first is not None and year < first:
        raise ValueError(
            said(
                "{field} {year} is before {earlier} {first}",
                field=info.field_name,
                year=year,
                earlier=earlier,
                first=first,
            )
        )
    return year


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in English and Arabic (as the observatory's; not imported from it, which
    would load the observatory and the disclosure solver with every budget)."""

    en: str = Field(min_length=1)
    ar: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """The text in ``language`` (``"ar"`` or ``"en"``); English for any other code."""
        return self.ar if language.startswith("ar") else self.en


class Result(_Strict):
    """An outcome the plan aims at: an observatory indicator moving from a baseline
    (measured in ``baseline_year``) to a target by ``target_year``."""

    code: str = Field(pattern=CODE)
    indicator: str = Field(pattern=CODE)
    """The observatory indicator's code."""
    name: Text | None = None
    baseline: float
    baseline_year: int
    target: float
    target_year: int

    @field_validator("target_year")
    @classmethod
    def _after_baseline(cls, year: int, info: ValidationInfo) -> int:
        return _not_before(year, info, "baseline_year")


class Goal(_Strict):
    """A goal of the plan and the results that show it is reached."""

    code: str = Field(pattern=CODE)
    name: Text
    results: tuple[Result, ...] = ()


class Programme(_Strict):
    """A programme: who runs it, what for, for whom, and with which instruments."""

    code: str = Field(pattern=CODE)
    name: Text
    ministry: str = Field(min_length=1)
    """The administrative unit (``admin`` code of its budget lines) that runs it."""
    objective: Text
    target_group: str | None = None
    """Who it is for: an SQL expression on survey (or registry) variables, true for a
    member of the target group, e.g. ``"poor = 1"`` or ``"age < 18"``."""
    unit: Literal["household", "person"] = "household"
    """Whom the target group and the recipients count."""
    instruments: tuple[str, ...] = ()
    """Ids of the scenario instruments that deliver it (their benefits are its outputs)."""
    results: tuple[str, ...] = ()
    """Codes of the plan's results the programme contributes to."""
    recipients: str | None = None
    """How the survey records a recipient: an SQL expression (``"cash_assistance > 0"``).
    Without it, a recipient is whoever receives a positive benefit from the
    programme's instruments in the scenario's baseline."""


class Plan(_Strict):
    """A national social strategy: goals, results and the programmes that deliver them."""

    code: str = Field(pattern=CODE)
    name: Text
    start: int
    end: int
    goals: tuple[Goal, ...] = ()
    programmes: tuple[Programme, ...] = ()

    @field_validator("end")
    @classmethod
    def _after_start(cls, end: int, info: ValidationInfo) -> int:
        return _not_before(end, info, "start")

    @model_validator(mode="after")
    def _consistent(self) -> Plan:
        seen: set[str] = set()
        for code in [r.code for g in self.goals for r in g.results]:
            if code in seen:
                raise ValueError(said("result {code} defined twice", code=repr(code)))
            seen.add(code)
        programmes = [p.code for p in self.programmes]
        twice = sorted({c for c in programmes if programmes.count(c) > 1})
        if twice:
            raise ValueError(said("programme {code} defined twice", code=repr(twice[0])))
        for p in self.programmes:
            unknown = [r for r in p.results if r not in seen]
            if unknown:
                raise ValueError(
                    said(
                        "programme {code} names unknown result {result}",
                        code=repr(p.code),
                        result=repr(unknown[0]),
                    )
                )
        return self

    def results(self) -> tuple[Result, ...]:
        return tuple(r for g in self.goals for r in g.results)

    def result(self, code: str) -> Result:
        for r in self.results():
            if r.code == code:
                return r
        raise KeyError(code)

    def programme(self, code: str) -> Programme:
        for p in self.programmes:
            if p.code == code:
                return p
        raise KeyError(code)


class Contingency(_Strict):
    """Which lines are the contingency reserve (PEFA PI-2.3): those whose ``field``
    equals ``code`` (for example ``{field: admin, code: "99"}``)."""

    field: Literal["admin", "function", "economic", "programme", "source"]
    code: str = Field(min_length=1)


@dataclass(frozen=True, eq=False, kw_only=True)
class Budget:
    """A plan and its budget lines, amounts in ``currency`` x ``scale``.

    ``lines`` has the columns and types of ``LINE_SCHEMA``; one row per line
    and phase. Two budgets are equal when their title, currency, scale, plan,
    contingency rule and lines (row order included) are.
    """

    lines: pl.DataFrame
    currency: str
    scale: float = 1.0
    title: Text | None = None
    plan: Plan | None = None
    contingency: Contingency | None = None
    origin: str | None = field(default=None, compare=False)
    """The file the budget was read from (problems name it)."""
    rows: dict[str, int] = field(default_factory=dict, compare=False)
    """The file row (1-based data row) of each line id, when read from a file."""

    def __post_init__(self) -> None:
        if dict(self.lines.schema) != LINE_SCHEMA:
            raise TypeError(
                "Budget.lines must have the columns and types of LINE_SCHEMA, got "
                f"{dict(self.lines.schema)}"
            )
        object.__setattr__(self, "lines", canonical(self.lines))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Budget):
            return NotImplemented
        return (
            self.title == other.title
            and self.currency == other.currency
            and self.scale == other.scale
            and self.plan == other.plan
            and self.contingency == other.contingency
            and self.lines.equals(other.lines)
        )

    __hash__ = None  # type: ignore[assignment]

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(int(y) for y in self.lines["year"].unique()))

    def leaves(self) -> pl.DataFrame:
        """The lines that no other line names as its parent: what totals add up."""
        parents = self.lines["parent"].drop_nulls().unique()
        return self.lines.filter(~pl.col("line").is_in(parents.implode()))

    def phase(self, phase: Phase | str) -> pl.DataFrame:
        """The leaf lines of one phase."""
        return self.leaves().filter(pl.col("phase") == Phase(phase).value)

    def of_year(self, phase: Phase | str, year: int) -> pl.DataFrame:
        """The leaf lines of ``phase`` in ``year``; a year the budget lacks is refused."""
        if year not in self.years:
            raise DataError(
                said(
                    "the budget has no year {year} (years: {years})",
                    year=year,
                    years=", ".join(map(str, self.years)),
                )
            )
        return self.phase(phase).filter(pl.col("year") == year)

    def total(self, phase: Phase | str, year: int) -> float:
        """The sum of the leaf lines of ``phase`` in ``year`` (in the budget's units); a year
        the budget lacks is refused (not summed to 0)."""
        return float(self.of_year(phase, year)["amount"].sum())

    def is_contingency(self) -> pl.Expr:
        """True for the lines of the contingency reserve (false when none is named)."""
        if self.contingency is None:
            return pl.lit(False)
        return pl.col(self.contingency.field) == self.contingency.code

    def row_of(self, line: str) -> int | None:
        return self.rows.get(line)


def canonical(lines: pl.DataFrame) -> pl.DataFrame:
    """``lines`` in the order files hold them: by each line's first row, then by phase."""
    if lines.is_empty():
        return lines
    first = pl.col("__index").min().over("line")
    return (
        lines.with_row_index("__index")
        .sort(first, pl.col("phase").to_physical(), maintain_order=True)
        .drop("__index")
    )


def budget_lines(records: Iterable[Mapping[str, object]]) -> pl.DataFrame:
    """A frame of ``LINE_SCHEMA`` from dicts; ``parent``, ``programme`` and
    ``governorate`` may be left out (null). Raises ``ValueError`` naming the
    record and key that are missing or of the wrong type."""
    rows: list[dict[str, object]] = []
    for index, record in enumerate(records):
        row = {name: record.get(name) for name in LINE_SCHEMA}
        for name in LINE_SCHEMA:
            if name not in record and name not in ("parent", "programme", "governorate"):
                raise ValueError(said("record {index}: no {name}", index=index, name=repr(name)))
        unknown = set(record) - set(LINE_SCHEMA)
        if unknown:
            raise ValueError(
                said("record {index}: unknown key {key}", index=index, key=repr(sorted(unknown)[0]))
            )
        rows.append(row)
    try:
        return pl.DataFrame(rows, schema=LINE_SCHEMA, orient="row", strict=True)
    except (TypeError, pl.exceptions.PolarsError) as exc:
        raise ValueError(said("budget lines: {reason}", reason=str(exc))) from None
