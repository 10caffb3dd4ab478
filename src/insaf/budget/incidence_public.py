"""Benefit incidence through disclosure control, before it leaves the analyst.

Each quantile group and each category of a ``by`` variable is a cell counted by
the households of the sample behind it (the ``n`` of its amount per person),
with the people it stands for as its additive amount; the groups of one
breakdown add up to everyone, so ``insaf.disclosure`` audits the secondary
suppression along that line. A suppressed row keeps its labels, loses its
numbers and says ``"suppressed": true``. Unit costs and concentration
coefficients are national (the whole sample) and are published as they are.
"""

from __future__ import annotations

from dataclasses import replace

from insaf.budget.incidence import BenefitIncidence
from insaf.disclosure import Cell, DisclosureRules, control
from insaf.measures import Estimate
from insaf.policy.impact import Row

__all__ = ["public_incidence"]


def _cell(row: Row, line: str) -> Cell:
    per = row.get("per_person")
    n = per.n if isinstance(per, Estimate) else 0
    population = per.population if isinstance(per, Estimate) else 0.0
    return Cell(
        table=("incidence", str(row["benefit"]), line),
        disaggregation=((line, str(row.get("group", row.get("category")))),),
        n=n,
        amounts=(float(population),),
    )


def _suppress(row: Row) -> Row:
    out = {k: (None if isinstance(v, Estimate) else v) for k, v in row.items()}
    out["suppressed"] = True
    return out


def public_incidence(found: BenefitIncidence, rules: DisclosureRules | None) -> BenefitIncidence:
    """``found`` with its cells by group disclosure-controlled under ``rules``
    (``None``: every cell, the analyst's own view)."""
    if rules is None:
        return found
    rows = [*found.quantiles, *found.by_group]
    lines = ["quantile" if r in found.quantiles else f"by.{r['by']}" for r in rows]
    cells = [_cell(r, line) for r, line in zip(rows, lines, strict=True)]
    totals: dict[object, Cell] = {}
    for cell in cells:  # each line's total: everyone (the whole sample), published
        before = totals.get(cell.table)
        n = (before.n or 0) + (cell.n or 0) if before else cell.n
        amount = (before.amounts[0] if before else 0.0) + cell.amounts[0]
        totals[cell.table] = Cell(table=cell.table, n=n, amounts=(amount,))
    decided = control([*cells, *totals.values()], rules)
    marked = [
        _suppress(r) if s.suppressed else {**r, "suppressed": False}
        for r, s in zip(rows, decided.statuses[: len(rows)], strict=True)
    ]
    k = len(found.quantiles)
    return replace(found, quantiles=marked[:k], by_group=marked[k:], benefit={})
