"""Progressive realisation: each outcome's trend beside the resources spent on its right.

A State realises economic and social rights progressively, "to the maximum of its
available resources" (ICESCR art. 2(1)); CESR's OPERA framework reads the
outcomes (O) against the resources (R). A right's catalogue entry names the
budget spending that serves it (``HumanRight.spending``: COFOG functions and
programmes), the catalogue gives the population ``N_t`` and a price index
``P_t`` by year, and a budget gives the executed lines. For year ``t``::

    S_t             = scale x sum of the executed leaf lines of year t that serve the right
    per_person_t    = S_t / N_t                   (nominal, in the budget's currency)
    per_person_real = per_person_t x P_b / P_t    (in the prices of the index's base year b)

A line serves the right when its function is one of the right's functions or
lies under one (``10`` holds ``10.9``), or when it pays for one of its
programmes; a line that does both counts once. Leaf lines only, so an
aggregate line and its detail are not counted twice (``Budget.leaves``). A
year the budget executed but in which no line serves the right has ``S_t = 0``.
A year without a population (or a price) has no amount per person (or no real
amount): nothing is carried over from another year.

Budget amounts are administrative totals: no sample, no standard error. They
still pass through ``insaf.disclosure`` (``public_right_spending``) like every
public table, so a change of the rules applies to them too. The outcome's
values are the observatory's published cells, already controlled when they were
published. Nothing here attributes the outcome's movement to the money: the
two are shown side by side.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from insaf.budget.model import Budget
from insaf.budget.problems import BudgetError
from insaf.disclosure import Cell, DisclosureRules, control
from insaf.errors import said
from insaf.observatory.gaps import SeriesPoint
from insaf.observatory.indicators import ContextSeries, Spending

__all__ = [
    "REALISATION_COLUMNS",
    "SPENDING_AMOUNTS",
    "SPENDING_COLUMNS",
    "public_right_spending",
    "realisation",
    "right_spending",
    "serves",
]

SPENDING_AMOUNTS = ("executed", "per_person", "per_person_real")
"""The amounts of ``right_spending`` (in currency units, not the budget's scale)."""
SPENDING_COLUMNS = (
    "year",
    "executed",
    "population",
    "per_person",
    "price_index",
    "per_person_real",
)
REALISATION_COLUMNS = ("year", "value", "ci_low", "ci_high", "per_person", "per_person_real")


def serves(spending: Spending) -> pl.Expr:
    """True for the budget lines that serve a right: its functions (or under them), its
    programmes."""
    function = pl.col("function")
    chosen = pl.lit(False)
    for code in spending.functions:
        chosen = chosen | (function == code) | function.str.starts_with(f"{code}.")
    if spending.programmes:
        chosen = chosen | pl.col("programme").is_in(spending.programmes).fill_null(False)
    return chosen


def _known_programmes(budget: Budget, spending: Spending, right: str) -> None:
    in_lines = set(budget.lines["programme"].drop_nulls().to_list())
    in_plan = {p.code for p in budget.plan.programmes} if budget.plan else set()
    unknown = [p for p in spending.programmes if p not in in_lines | in_plan]
    if unknown:
        raise BudgetError(
            said(
                "right {right}: spending names programme(s) {programmes}, which "
                "{budget} has neither in its plan nor on any line",
                right=right,
                programmes=", ".join(unknown),
                budget=budget.origin or said("the budget"),
            )
        )


def right_spending(
    budget: Budget,
    spending: Spending,
    *,
    population: ContextSeries | None = None,
    prices: ContextSeries | None = None,
    right: str = "",
) -> pl.DataFrame:
    """Executed spending that serves a right, each year the budget has executed lines.

    Columns ``SPENDING_COLUMNS``: ``executed`` (currency units), ``population``,
    ``per_person`` (nominal), ``price_index`` and ``per_person_real`` (in the prices
    of ``prices.base_year``); a figure without its population or price is null. A
    programme that the budget has neither in its plan nor on a line is a
    ``BudgetError`` naming the right (``right``) and the programme.
    """
    _known_programmes(budget, spending, right)
    executed = budget.phase("executed")
    years = executed.select(pl.col("year").unique().sort())
    spent = (
        executed.filter(serves(spending))
        .group_by("year")
        .agg((pl.col("amount").sum() * budget.scale).alias("executed"))
    )
    table = years.join(spent, on="year", how="left").with_columns(pl.col("executed").fill_null(0.0))
    table = table.with_columns(
        _by_year(table["year"], population).alias("population"),
        _by_year(table["year"], prices).alias("price_index"),
    )
    base = prices.values[prices.base_year] if prices and prices.base_year else None
    per_person = pl.col("executed") / pl.col("population")
    real = per_person * base / pl.col("price_index") if base is not None else pl.lit(None)
    table = table.with_columns(
        per_person.alias("per_person"), real.cast(pl.Float64).alias("per_person_real")
    )
    return table.select(SPENDING_COLUMNS)


def _by_year(years: pl.Series, series: ContextSeries | None) -> pl.Series:
    values = series.values if series is not None else {}
    return pl.Series([values.get(int(y)) for y in years], dtype=pl.Float64)


def public_right_spending(table: pl.DataFrame, rules: DisclosureRules | None) -> pl.DataFrame:
    """``table`` (from ``right_spending``) with every amount the rules withhold set to null.

    Each amount is a cell with no sample count and no CV (an administrative total),
    so the rules publish it; it goes through the one disclosure service all the same.
    """
    if rules is None:
        return table
    places = [(i, name) for i in range(table.height) for name in SPENDING_AMOUNTS]
    decided = control([Cell(table=("right_spending", *place)) for place in places], rules)
    withheld = {p for p, s in zip(places, decided.statuses, strict=True) if s.suppressed}
    if not withheld:
        return table
    return table.with_columns(
        pl.Series(
            name,
            [None if (i, name) in withheld else v for i, v in enumerate(table[name])],
            dtype=pl.Float64,
        )
        for name in SPENDING_AMOUNTS
    )


def realisation(outcome: Sequence[SeriesPoint], spending: pl.DataFrame) -> pl.DataFrame:
    """An outcome's published values beside the spending per person, one row per year
    that has either (``REALISATION_COLUMNS``, sorted by year)."""
    values = pl.DataFrame(
        {
            "year": [p.period for p in outcome],
            "value": [p.value for p in outcome],
            "ci_low": [p.ci_low for p in outcome],
            "ci_high": [p.ci_high for p in outcome],
        },
        schema={"year": pl.Int64, "value": pl.Float64, "ci_low": pl.Float64, "ci_high": pl.Float64},
    )
    money = spending.select(pl.col("year").cast(pl.Int64), "per_person", "per_person_real")
    return (
        values.join(money, on="year", how="full", coalesce=True)
        .sort("year")
        .select(REALISATION_COLUMNS)
    )
