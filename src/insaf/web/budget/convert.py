"""A stored budget to and from ``insaf.budget.Budget``.

``rows_of(budget)`` gives the ``BudgetLine`` field values of every line in the
budget's own order; ``budget_of(stored)`` reads them back into a ``Budget``
equal to the one stored (title, currency, scale, plan, contingency and lines,
row order included).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from insaf.budget import LINE_SCHEMA, Budget, Contingency, Plan, Text
from insaf.web.budget import models as m

__all__ = ["FIELDS", "budget_of", "rows_of", "settings_of"]

FIELDS: tuple[str, ...] = tuple(LINE_SCHEMA)


def settings_of(budget: Budget) -> dict[str, Any]:
    """The ``StoredBudget`` fields that describe ``budget`` (all but its code and lines)."""
    return {
        "title_en": budget.title.en if budget.title else "",
        "title_ar": budget.title.ar if budget.title else "",
        "currency": budget.currency,
        "scale": budget.scale,
        "plan": budget.plan.model_dump(mode="json") if budget.plan else None,
        "contingency": budget.contingency.model_dump(mode="json") if budget.contingency else None,
    }


def rows_of(budget: Budget) -> list[dict[str, Any]]:
    """One dict of ``BudgetLine`` fields per line and phase, ``position`` in file order."""
    return [{"position": i, **row} for i, row in enumerate(budget.lines.iter_rows(named=True))]


def budget_of(stored: m.StoredBudget) -> Budget:
    """The ``insaf.budget.Budget`` that ``stored`` holds."""
    values = stored.lines.order_by("position").values_list(*FIELDS)
    lines = pl.DataFrame(list(values), schema=LINE_SCHEMA, orient="row")
    title = (
        Text(en=stored.title_en, ar=stored.title_ar)
        if stored.title_en and stored.title_ar
        else None
    )
    return Budget(
        lines=lines,
        currency=stored.currency,
        scale=stored.scale,
        title=title,
        plan=Plan.model_validate(stored.plan) if stored.plan else None,
        contingency=Contingency.model_validate(stored.contingency) if stored.contingency else None,
        origin=f"budget {stored.code}",
    )
