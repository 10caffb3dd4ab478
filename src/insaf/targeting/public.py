"""The public evaluation: an ``Evaluation`` with disclosure control applied to its groups.

``insaf target evaluate`` writes its tables from ``public_evaluation(ev,
rules)``. Each group variable is one line of ``insaf.disclosure``: the whole
population is its total, each category a cell whose count is the unweighted
number of households behind it and whose additive amount is its weighted
population, so secondary suppression is audited by linear programming. A
withheld category keeps its label, loses every number and is listed in
``Evaluation.suppressed``. The summary, targeting, poverty and decile tables
are national (a decile holds a tenth of the sample) and are published as
they are. ``rules=None`` is the analyst's own view (``--no-disclosure``).

``insaf target compare`` writes every design's evaluation, so it writes them
from ``public_comparison(c, rules)``: each design's evaluation made public in
the same way.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from insaf.disclosure import Cell, DisclosureRules, control
from insaf.measures import Estimate
from insaf.targeting.compare import Comparison
from insaf.targeting.metrics import Evaluation

__all__ = ["public_comparison", "public_evaluation"]


def _cell(table: str, dims: tuple[tuple[str, str], ...], e: Estimate | None) -> Cell:
    if e is None:
        return Cell(table=table, disaggregation=dims)
    population = e.population
    amounts = (float(population),) if population is not None and math.isfinite(population) else ()
    return Cell(table=table, disaggregation=dims, n=e.n, amounts=amounts)


def public_evaluation(ev: Evaluation, rules: DisclosureRules | None) -> Evaluation:
    """``ev`` with every group category below the rules (and those that would reveal it)
    withheld; ``rules=None`` returns ``ev`` unchanged."""
    if rules is None:
        return ev
    total = ev.summary.get("coverage") or next(iter(ev.summary.values()), None)
    hidden: set[tuple[str, str]] = set()
    groups: dict[str, list[tuple[Any, dict[str, Estimate]]]] = {}
    for name, rows in ev.groups.items():
        cells = [_cell(name, (), total)]
        for category, row in rows:
            cells.append(_cell(name, ((name, str(category)),), row.get("coverage")))
        decided = control(cells, rules)
        kept: list[tuple[Any, dict[str, Estimate]]] = []
        for (category, row), status in zip(rows, decided.statuses[1:], strict=True):
            if status.suppressed:
                hidden.add((name, str(category)))
                kept.append((category, {}))
            else:
                kept.append((category, dict(row)))
        groups[name] = kept
    details = {**ev.details, "disclosure": {"applied": True, "min_count": rules.min_count}}
    return replace(ev, groups=groups, suppressed=frozenset(hidden), details=details)


def public_comparison(c: Comparison, rules: DisclosureRules | None) -> Comparison:
    """``c`` with each design's evaluation made public (``public_evaluation``);
    ``rules=None`` returns ``c`` unchanged."""
    if rules is None:
        return c
    results = [replace(r, evaluation=public_evaluation(r.evaluation, rules)) for r in c.results]
    return replace(c, results=results)
