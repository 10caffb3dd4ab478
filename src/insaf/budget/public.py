"""The public budget tables: what may leave the analyst, through ``insaf.disclosure``.

- Execution (``public_execution``): budget amounts are administrative totals
  with no sample behind them (``n`` unknown, no CV), so the rules publish them
  as they are; they still pass through the same control, so a change of the
  rules applies to them too.
- Programme results (``public_results``): each survey-based cell is one cell
  of the control, counted by the survey respondents behind it (recipients for
  beneficiaries, leakage and cost per beneficiary; poor recipients for poor
  beneficiaries and the cost per poor beneficiary; members of the target group
  for coverage) with its CV. A withheld cell loses its estimate and is named
  in ``ProgrammeResult.suppressed``; a withheld beneficiary count also
  withholds the cost per beneficiary, which would give it back from the
  published spending. ``rules=None`` is the analyst's own view.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import polars as pl

from insaf.budget.results import ProgrammeResult
from insaf.budget.spending import AMOUNTS
from insaf.disclosure import Cell, DisclosureRules, control
from insaf.measures import Estimate

__all__ = ["public_execution", "public_results"]

RESPONDENTS = {
    "beneficiaries": "recipients",
    "leakage": "recipients",
    "cost_per_beneficiary": "recipients",
    "poor_beneficiaries": "poor_recipients",
    "cost_per_poor_beneficiary": "poor_recipients",
    "coverage": "target",
}
DEPENDS = {
    "cost_per_beneficiary": "beneficiaries",
    "cost_per_poor_beneficiary": "poor_beneficiaries",
}


def public_execution(table: pl.DataFrame, rules: DisclosureRules | None) -> pl.DataFrame:
    """``table`` (from ``execution``) with every amount the rules withhold set to null."""
    if rules is None:
        return table
    amounts = [c for c in AMOUNTS if c in table.columns]
    places = [(i, name) for i in range(table.height) for name in amounts]
    decided = control([Cell(table=place) for place in places], rules)
    withheld = {p for p, s in zip(places, decided.statuses, strict=True) if s.suppressed}
    if not withheld:
        return table
    return table.with_columns(
        pl.Series(name, [None if (i, name) in withheld else v for i, v in enumerate(table[name])])
        for name in amounts
    )


def _cv(e: Estimate) -> float | None:
    return e.cv if math.isfinite(e.cv) else None


def public_results(
    results: list[ProgrammeResult], rules: DisclosureRules | None
) -> list[ProgrammeResult]:
    """Each result with the survey cells below the rules withheld."""
    if rules is None:
        return results
    out: list[ProgrammeResult] = []
    for result in results:
        names = [n for n in RESPONDENTS if getattr(result, n) is not None]
        cells = [
            Cell(
                table=(result.programme, result.year, name),
                n=result.respondents.get(RESPONDENTS[name]),
                cv=_cv(getattr(result, name)),
            )
            for name in names
        ]
        decided = control(cells, rules)
        withheld = {n for n, s in zip(names, decided.statuses, strict=True) if s.suppressed}
        withheld |= {n for n, source in DEPENDS.items() if source in withheld and n in names}
        if withheld:
            ordered = tuple(n for n in names if n in withheld)
            cleared: dict[str, Any] = dict.fromkeys(ordered)
            result = replace(result, suppressed=ordered, **cleared)
        out.append(result)
    return out
