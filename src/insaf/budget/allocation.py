"""Equity of allocation: does the money go where the need is?

Spending ``S_g`` of a programme or a COFOG class in each governorate ``g``
(the budget's leaf lines of one year and phase, amount times scale) is set
against need measured from the survey: the people in need ``P_g = sum_{h in g}
w_h n_h need_h`` (by default the poor: welfare per person below the poverty
line), with ``N_g`` the people of the governorate:

- ``per_person_in_need = S_g / P_g``, standard error ``S_g se(P_g) / P_g^2``
  (the delta method; ``S_g`` is an administrative total without sampling
  error); ``per_person = S_g / N_g`` likewise;
- ``need_share = P_g / P``, a ratio of totals (linearized);
- the needs-based allocation ``A_g = S * P_g / P`` (the same total ``S``
  shared in proportion to need), se ``S se(P_g / P)``, and ``gap = S_g - A_g``;
- the concentration of spending on need: people ranked by the need rate
  ``P_g / N_g`` of their governorate, each carrying ``S_g / N_g``, the
  concentration coefficient ``2 cov(x, F(rate)) / mean(x)``
  (``insaf.measures.concentration``): above zero when spending rises with need,
  zero when it ignores need. Its standard error is conditional on the ranking
  (the governorates' need rates are taken as known).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from insaf.budget.model import Budget
from insaf.budget.people import OPTIONS, group_shares, people_survey, policy_data
from insaf.errors import DataError, said
from insaf.measures import Estimate, combine, total
from insaf.policy.batch import concentrations
from insaf.policy.impact import Row, flat_row, json_row
from insaf.policy.linear import LinearEstimator
from insaf.survey import Survey

__all__ = ["Allocation", "allocation_equity", "spending_by_governorate"]


def spending_by_governorate(
    budget: Budget,
    *,
    year: int,
    phase: str = "executed",
    programme: str | None = None,
    function: str | None = None,
) -> dict[str, float]:
    """Spending of one year and phase by governorate (lines that name one), of one
    ``programme`` or COFOG ``function`` (the class and those below it)."""
    lines = budget.of_year(phase, year)
    if programme is not None:
        known = sorted(set(lines["programme"].drop_nulls().to_list()))
        if programme not in known:
            raise DataError(
                said(
                    "no line of programme {programme} in {year} (programmes: {known})",
                    programme=repr(programme),
                    year=year,
                    known=", ".join(known) or said("none"),
                )
            )
        lines = lines.filter(pl.col("programme") == programme)
    if function is not None:
        under = (pl.col("function") == function) | pl.col("function").str.starts_with(
            function + "."
        )
        lines = lines.filter(under)
    lines = lines.filter(pl.col("governorate").is_not_null())
    if lines.height == 0:
        raise DataError(
            said(
                "no line in {year} ({phase}) names a governorate for programme {programme}",
                year=year,
                phase=phase,
                programme=repr(programme),
            )
            if programme
            else said(
                "no line in {year} ({phase}) names a governorate for function {function}",
                year=year,
                phase=phase,
                function=repr(function),
            )
        )
    sums = lines.group_by("governorate").agg(pl.col("amount").sum()).sort("governorate")
    return {str(g): float(a) * budget.scale for g, a in sums.iter_rows()}


@dataclass(frozen=True, eq=False)
class Allocation:
    """Spending against need, one row per governorate, and the concentration."""

    need: str
    rows: list[Row]
    concentration: Estimate
    total: float

    def to_dict(self, confidence: float = 0.95) -> dict[str, Any]:
        return {
            "need": self.need,
            "total": self.total,
            "concentration": json_row({"c": self.concentration}, confidence)["c"],
            "governorates": [json_row(r, confidence) for r in self.rows],
        }

    def table(self, confidence: float = 0.95) -> pl.DataFrame:
        return pl.DataFrame([flat_row(r, confidence) for r in self.rows], infer_schema_length=None)


def _scaled(e: Estimate, amount: float, *, inverse: bool) -> Estimate:
    """``amount / e`` (``inverse``) or ``amount * e``, by the delta method."""
    if inverse:
        return combine(lambda p: amount / p, lambda p: (-amount / p**2,), e, measure="per_person")
    return combine(lambda p: amount * p, lambda _p: (amount,), e, measure="allocation")


def allocation_equity(
    survey: Survey,
    spending: dict[str, float],
    *,
    need: str = "consumption_pc < poverty_line",
    governorate: str = "governorate",
) -> Allocation:
    """Spending by governorate (``spending_by_governorate``) against the people in
    ``need`` (a condition on households) measured from ``survey``."""
    data = policy_data(survey)
    if governorate not in data.households.columns:
        raise DataError(said("the survey has no household column {name}", name=repr(governorate)))
    codes = data.households.get_column(governorate).cast(pl.String).to_numpy()
    labels = sorted(
        set(codes.tolist()), key=lambda g: (not g.isdigit(), int(g) if g.isdigit() else 0, g)
    )
    index = {g: j for j, g in enumerate(labels)}
    position = np.array([index[c] for c in codes], dtype=np.int64)
    unknown = sorted(set(spending) - set(labels))
    if unknown:
        raise DataError(
            said(
                "spending in governorate(s) {unknown} that the survey does not have "
                "(its {column}: {known})",
                unknown=", ".join(map(repr, unknown)),
                column=repr(governorate),
                known=", ".join(labels),
            )
        )
    in_need = data.condition(need, "household").astype(np.float64)
    members = data.members
    wp = data.weight * members
    poor_people = np.bincount(position, weights=wp * in_need, minlength=len(labels))
    people_g = np.bincount(position, weights=wp, minlength=len(labels))
    rate = dict(zip(labels, poor_people / people_g, strict=True))
    amount = np.array([spending.get(str(c), 0.0) for c in codes])
    per_head = dict(zip(labels, [spending.get(g, 0.0) for g in labels], strict=True))
    columns = {
        "_need": in_need,
        "_one": np.ones(codes.size),
        "_gov": codes,
        "_rate": np.array([rate[c] for c in codes]),
        "_x": amount / people_g[position],
    }
    people = people_survey(data, columns)
    estimator = LinearEstimator(people)
    counts = _by_label(total(people, "_need", by="_gov", unit="household"))
    residents = _by_label(total(people, "_one", by="_gov", unit="household"))
    shares = group_shares(people, estimator, in_need, codes, labels)
    overall = float(sum(spending.values()))
    rows: list[Row] = []
    for j, g in enumerate(labels):
        s_g = per_head[g]
        need_g = counts[g]
        row: Row = {
            "governorate": g,
            "spending": s_g,
            "people_in_need": need_g,
            "need_share": shares[j],
            "spending_share": s_g / overall if overall else None,
            "per_person": _scaled(residents[g], s_g, inverse=True),
            "per_person_in_need": (
                _scaled(need_g, s_g, inverse=True) if need_g.value > 0 else None
            ),
            "needs_based": _scaled(shares[j], overall, inverse=False),
        }
        row["gap"] = s_g - row["needs_based"].value
        rows.append(row)
    found = concentrations(people, ["_x"], rank_by="_rate", options=OPTIONS)
    return Allocation(need=need, rows=rows, concentration=found["_x"], total=overall)


def _by_label(found: Sequence[Estimate]) -> dict[Any, Estimate]:
    return {e.domain["_gov"] if e.domain else None: e for e in found}
