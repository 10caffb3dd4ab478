"""PEFA 2016, pillar I (budget reliability): PI-1 and PI-2 from the budget's lines.

Sources: PEFA Secretariat, *Framework for assessing public financial
management* (2016) and *Handbook volume II* (2016): PI-1 (pefa.org/node/4762),
PI-2 (pefa.org/node/4627, /node/4764, /node/4765, /node/4871). For each of
the last three completed years (years with approved and executed amounts):

- **PI-1** aggregate outturn ``= total executed / total approved`` (every leaf
  line, interest and contingency included). A: between 95% and 105% in at
  least two of the three years; B: 90%-110%; C: 85%-115%; D otherwise.
- **PI-2.1** (by function: COFOG divisions, interest on debt — GFS 24 — and
  the contingency reserve left out) and **PI-2.2** (by economic type: GFS two
  digits, interest included, contingency left out). For each category ``i``
  with approved budget ``B_i`` and outturn ``A_i``::

      adjusted_i  = B_i * (sum_j A_j / sum_j B_j)
      deviation_i = A_i - adjusted_i
      variance    = sum_i |deviation_i| / sum_i adjusted_i

  (framework 2.1:3: the budget of each category is adjusted by the
  proportional difference between total budget and total outturn). A: variance
  under 5% in at least two of the three years; B: under 10%; C: under 15%; D
  otherwise.
- **PI-2.3** contingency share ``= executed on the contingency lines / total
  approved``, averaged over the three years. A: under 3%; B: 3% to 6%
  inclusive; C: over 6% and under 10%; D otherwise.
- PI-2's score aggregates its dimensions by the weakest link (M1): the lowest
  dimension score, with a ``+`` when another dimension scores higher.

A score needs three completed years; with fewer, the score is ``None`` and the
note says why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from insaf.budget.model import Budget
from insaf.budget.problems import BudgetError
from insaf.errors import said
from insaf.i18n import translated

__all__ = ["SCORES", "CompositionYear", "Dimension", "Pefa", "PefaRow", "pefa"]

SCORES = ("A", "B", "C", "D")
INTEREST = "24"
"""GFS 2014 code of interest expense."""
YEARS = 3


@dataclass(frozen=True, slots=True)
class PefaRow:
    """One row of the calculation sheet: a category in one year."""

    year: int
    category: str
    budget: float
    actual: float
    adjusted: float
    deviation: float
    absolute_deviation: float
    percent: float | None
    """``absolute_deviation / adjusted`` (None where the adjusted budget is 0)."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "category": self.category,
            "budget": self.budget,
            "actual": self.actual,
            "adjusted": self.adjusted,
            "deviation": self.deviation,
            "absolute_deviation": self.absolute_deviation,
            "percent": self.percent,
        }


@dataclass(frozen=True, slots=True)
class CompositionYear:
    """One year of a composition table, as the PEFA calculation sheet lays it out:
    the categories, their total (allocated expenditure), then interest,
    contingency and total expenditure, and the year's three results."""

    year: int
    rows: tuple[PefaRow, ...]
    allocated_budget: float
    allocated_actual: float
    interest_budget: float | None
    interest_actual: float | None
    """None in the economic table, where interest is one of the categories."""
    contingency_budget: float
    contingency_actual: float
    total_budget: float
    total_actual: float

    @property
    def aggregate_outturn(self) -> float:
        """PI-1: total actual / total budget."""
        return self.total_actual / self.total_budget

    @property
    def composition_variance(self) -> float:
        """PI-2.1 or 2.2: sum of absolute deviations / sum of adjusted budgets."""
        adjusted = sum(r.adjusted for r in self.rows)
        return sum(r.absolute_deviation for r in self.rows) / adjusted

    @property
    def contingency_share(self) -> float:
        """PI-2.3: actual expenditure on contingency / total budget."""
        return self.contingency_actual / self.total_budget

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "rows": [r.to_dict() for r in self.rows],
            "allocated_budget": self.allocated_budget,
            "allocated_actual": self.allocated_actual,
            "interest_budget": self.interest_budget,
            "interest_actual": self.interest_actual,
            "contingency_budget": self.contingency_budget,
            "contingency_actual": self.contingency_actual,
            "total_budget": self.total_budget,
            "total_actual": self.total_actual,
            "aggregate_outturn": self.aggregate_outturn,
            "composition_variance": self.composition_variance,
            "contingency_share": self.contingency_share,
        }


FEW_YEARS = "PEFA scores three completed years; {count} given"
NO_CONTINGENCY = "the budget names no contingency reserve (Budget.contingency)"
NOTES = (FEW_YEARS, NO_CONTINGENCY)
"""Why a dimension has no score: templates of the library's catalogue (``budget.pefa``)."""


@dataclass(frozen=True, slots=True)
class Dimension:
    """A scored dimension: its code (``1.1``, ``2.1``, ``2.2``, ``2.3``), the value of
    each year (or the average for 2.3), its score and why it has none (a template of
    ``NOTES`` and its values)."""

    code: str
    values: dict[int, float]
    score: str | None
    why: tuple[str, Mapping[str, Any]] | None = None
    average: float | None = None
    """The three years' average (2.3 scores it)."""

    @property
    def note(self) -> str | None:
        """Why the dimension has no score, in English."""
        return self.note_in("en")

    def note_in(self, lang: str) -> str | None:
        """Why the dimension has no score, in ``lang`` (``en`` or ``ar``)."""
        if self.why is None:
            return None
        template, values = self.why
        return translated("budget.pefa", template, lang).format(**values)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "values": {str(y): v for y, v in self.values.items()},
            "average": self.average,
            "score": self.score,
            "note": self.note_in(lang),
        }


@dataclass(frozen=True, slots=True)
class Pefa:
    """PI-1 and PI-2 of a budget, with the calculation sheets behind them."""

    years: tuple[int, ...]
    by_function: tuple[CompositionYear, ...]
    by_economic: tuple[CompositionYear, ...]
    dimensions: tuple[Dimension, ...]

    def dimension(self, code: str) -> Dimension:
        for d in self.dimensions:
            if d.code == code:
                return d
        raise KeyError(code)

    @property
    def pi1(self) -> str | None:
        return self.dimension("1.1").score

    @property
    def pi2(self) -> str | None:
        """M1 (weakest link) over 2.1, 2.2 and 2.3."""
        scores = [self.dimension(c).score for c in ("2.1", "2.2", "2.3")]
        if any(s is None for s in scores):
            return None
        known = [s for s in scores if s is not None]
        weakest = max(known, key=SCORES.index)
        plus = any(SCORES.index(s) < SCORES.index(weakest) for s in known)
        return weakest + ("+" if plus else "")

    def sheet(self, classification: str = "function") -> pl.DataFrame:
        """The calculation sheet of 2.1 (``function``) or 2.2 (``economic``): one row per
        year and category, then the year's allocated, interest, contingency and total rows."""
        years = self.by_function if classification == "function" else self.by_economic
        rows: list[dict[str, Any]] = []
        for year in years:
            rows += [r.to_dict() for r in year.rows]
            for category, budget, actual in (
                ("allocated expenditure", year.allocated_budget, year.allocated_actual),
                ("interest", year.interest_budget, year.interest_actual),
                ("contingency", year.contingency_budget, year.contingency_actual),
                ("total expenditure", year.total_budget, year.total_actual),
            ):
                rows.append(
                    {
                        "year": year.year,
                        "category": category,
                        "budget": budget,
                        "actual": actual,
                        "adjusted": None,
                        "deviation": None,
                        "absolute_deviation": None,
                        "percent": None,
                    }
                )
        schema = {
            "year": pl.Int32,
            "category": pl.String,
            **dict.fromkeys(
                ("budget", "actual", "adjusted", "deviation", "absolute_deviation", "percent"),
                pl.Float64,
            ),
        }
        return pl.DataFrame(rows, schema=schema)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "years": list(self.years),
            "pi1": self.pi1,
            "pi2": self.pi2,
            "dimensions": [d.to_dict(lang) for d in self.dimensions],
            "by_function": [y.to_dict() for y in self.by_function],
            "by_economic": [y.to_dict() for y in self.by_economic],
        }


def _completed(budget: Budget) -> list[int]:
    phases = budget.leaves().group_by("year").agg(pl.col("phase").cast(pl.String).unique())
    return sorted(
        int(year)
        for year, found in phases.iter_rows()
        if "approved" in found and "executed" in found
    )


def _composition(budget: Budget, year: int, key: pl.Expr, with_interest: bool) -> CompositionYear:
    leaves = budget.leaves().filter(
        (pl.col("year") == year) & pl.col("phase").is_in(["approved", "executed"])
    )
    contingency = budget.is_contingency()
    interest = pl.col("economic").str.starts_with(INTEREST) & ~contingency

    def sums(frame: pl.DataFrame) -> tuple[float, float]:
        budget_ = frame.filter(pl.col("phase") == "approved")["amount"].sum()
        actual = frame.filter(pl.col("phase") == "executed")["amount"].sum()
        return float(budget_), float(actual)

    total_budget, total_actual = sums(leaves)
    contingency_budget, contingency_actual = sums(leaves.filter(contingency))
    interest_budget, interest_actual = sums(leaves.filter(interest))
    kept = leaves.filter(~contingency if with_interest else ~contingency & ~interest)
    table = (
        kept.with_columns(key.alias("category"))
        .group_by("category")
        .agg(
            pl.col("amount").filter(pl.col("phase") == "approved").sum().alias("budget"),
            pl.col("amount").filter(pl.col("phase") == "executed").sum().alias("actual"),
        )
        .sort("category")
    )
    allocated_budget = float(table["budget"].sum())
    allocated_actual = float(table["actual"].sum())
    ratio = allocated_actual / allocated_budget if allocated_budget else 0.0
    rows = []
    for category, b, a in table.select("category", "budget", "actual").iter_rows():
        adjusted = b * ratio
        deviation = a - adjusted
        rows.append(
            PefaRow(
                year=year,
                category=str(category),
                budget=float(b),
                actual=float(a),
                adjusted=adjusted,
                deviation=deviation,
                absolute_deviation=abs(deviation),
                percent=abs(deviation) / adjusted if adjusted else None,
            )
        )
    return CompositionYear(
        year=year,
        rows=tuple(rows),
        allocated_budget=allocated_budget,
        allocated_actual=allocated_actual,
        interest_budget=None if with_interest else interest_budget,
        interest_actual=None if with_interest else interest_actual,
        contingency_budget=contingency_budget,
        contingency_actual=contingency_actual,
        total_budget=total_budget,
        total_actual=total_actual,
    )


def _two_of_three(values: Sequence[float], bands: Sequence[tuple[str, float, float]]) -> str:
    """The best score whose band holds at least two of the years' values."""
    for score, low, high in bands:
        if sum(low <= v <= high for v in values) >= 2:
            return score
    return "D"


def _under(values: Sequence[float], limits: Sequence[tuple[str, float]]) -> str:
    for score, limit in limits:
        if sum(v < limit for v in values) >= 2:
            return score
    return "D"


def _contingency_score(mean: float) -> str:
    if mean < 0.03:
        return "A"
    if mean <= 0.06:
        return "B"
    if mean < 0.10:
        return "C"
    return "D"


def pefa(budget: Budget, years: Sequence[int] | None = None) -> Pefa:
    """PI-1 and PI-2 of ``budget`` for ``years`` (by default the last three completed).

    A function category is the COFOG division (``10`` for ``10.9``), an economic
    category the GFS two-digit code. Raises ``ValueError`` for a year without
    approved or executed amounts.
    """
    completed = _completed(budget)
    chosen = sorted(years) if years is not None else completed[-YEARS:]
    missing = [y for y in chosen if y not in completed]
    if missing:
        raise BudgetError(
            said(
                "year {year} has no approved or no executed amounts (completed years: {years})",
                year=missing[0],
                years=", ".join(map(str, completed)) or said("none"),
            )
        )
    by_function = tuple(
        _composition(budget, y, pl.col("function").str.slice(0, 2), with_interest=False)
        for y in chosen
    )
    by_economic = tuple(
        _composition(budget, y, pl.col("economic").str.slice(0, 2), with_interest=True)
        for y in chosen
    )
    enough = len(chosen) >= YEARS
    note = None if enough else (FEW_YEARS, {"count": len(chosen)})
    outturn = {y.year: y.aggregate_outturn for y in by_function}
    function = {y.year: y.composition_variance for y in by_function}
    economic = {y.year: y.composition_variance for y in by_economic}
    shares = {y.year: y.contingency_share for y in by_function}
    mean_share = sum(shares.values()) / len(shares) if shares else 0.0
    bands = (("A", 0.95, 1.05), ("B", 0.90, 1.10), ("C", 0.85, 1.15))
    limits = (("A", 0.05), ("B", 0.10), ("C", 0.15))
    contingency_note: tuple[str, Mapping[str, Any]] | None = note
    contingency_score: str | None = _contingency_score(mean_share)
    if budget.contingency is None:
        contingency_score = None
        contingency_note = (NO_CONTINGENCY, {})
    dimensions: tuple[Dimension, ...] = (
        Dimension("1.1", outturn, _two_of_three(list(outturn.values()), bands), note),
        Dimension("2.1", function, _under(list(function.values()), limits), note),
        Dimension("2.2", economic, _under(list(economic.values()), limits), note),
        Dimension("2.3", shares, contingency_score, contingency_note, mean_share),
    )
    if not enough:
        dimensions = tuple(replace(d, score=None) for d in dimensions)
    return Pefa(
        years=tuple(chosen),
        by_function=by_function,
        by_economic=by_economic,
        dimensions=dimensions,
    )
