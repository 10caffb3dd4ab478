"""What the fiscal system of each state does as a whole (CEQ Handbook, Lustig 2018).

Two tables per state, beside the income concepts of ``insaf.policy.incidence``:

- ``impoverishment``: fiscal impoverishment and fiscal gains of the poor of
  the whole system (Higgins and Lustig 2016; ``insaf.policy.impoverishment``),
  from market income ``y0`` to consumable income ``y1`` and, when the scenario
  values public services in kind, to final income, on each poverty line:
  people impoverished (a total over people) and their share of everyone, the
  amount by which they were made poorer (a year), and the same for the poor
  who gain. People are counted on the analysis table (households weighted by
  ``w_h n_h``), so the totals are linear and their standard errors come from
  influence values.
- ``marginal``: the marginal contribution of each instrument (and each
  in-kind benefit) to inequality and poverty, the CEQ definition: the
  indicator of the end income without the instrument minus the indicator with
  it, ``M_i = I(y_end - a_i) - I(y_end)`` with ``a_i`` its amount per person
  (a tax negative), the end income final income when there is one and else
  consumable income. A positive contribution to the Gini or to a poverty
  measure means the instrument equalises or reduces poverty. Both indicators
  come from the same sample, so the difference's standard error uses their
  joint influence values (``insaf.measures.difference``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from insaf.measures import Estimate, combine, difference
from insaf.policy.impact import Row
from insaf.policy.impoverishment import impoverishment
from insaf.policy.incidence import MARKET, IncidenceColumns, gets
from insaf.policy.instruments.base import FloatArray
from insaf.policy.linear import LinearEstimator

__all__ = [
    "SystemColumns",
    "end_concept",
    "lines_per_person",
    "system_columns",
    "system_tables",
]


@dataclass
class SystemColumns:
    """The columns the two tables are estimated from, added to the incidence columns."""

    impoverishment: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    """By (concept column, line): the column of each per-person indicator."""
    without: dict[tuple[str, str], str] = field(default_factory=dict)
    """By (end concept column, instrument column): the end income without it."""
    near: dict[str, list[str]] = field(default_factory=dict)
    """By column measured: columns listed before it that it equals on most rows (the
    end income, for the end income without an instrument of few households; the
    same column of an earlier state, for a reform that changes few households),
    whose sort order gives its own (``insaf.policy.batch.compute``)."""

    def measured(self) -> list[str]:
        """The columns whose Gini and FGT the marginal contributions need."""
        ends = [end for end, _ in self.without]
        return list(dict.fromkeys([*ends, *self.without.values()]))


def end_concept(columns: IncidenceColumns, state: str) -> tuple[str, str]:
    """The end income of ``state`` for marginal contributions: ``(name, column)``."""
    if state in columns.final:
        return "final", columns.final[state]
    return "consumable", columns.consumable[state]


def system_columns(
    columns: IncidenceColumns,
    lines: Mapping[str, FloatArray],
    *,
    below: str,
    marginal: bool = True,
) -> SystemColumns:
    """Add to ``columns.series`` every column the two tables need (``lines``: each
    poverty line per household, in welfare per person). Concepts shared by states
    share their columns."""
    out = SystemColumns()
    market = columns.series[MARKET]
    concepts = [*columns.consumable.values(), *columns.final.values()]
    for concept in dict.fromkeys(concepts):
        y1 = columns.series[concept]
        for role, z in lines.items():
            found = impoverishment(market, y1, z, below=below)
            names = {}
            for indicator, values in (
                ("impoverished", found.impoverished),
                ("impoverishment", found.impoverishment),
                ("poor_gaining", found.gaining),
                ("gains_of_the_poor", found.gains),
            ):
                name = f"_fi_{concept}_{role}_{indicator}"
                columns.series[name] = values
                names[indicator] = name
            out.impoverishment[(concept, role)] = names
    states = list(columns.consumable) if marginal else []
    ends: list[str] = []
    by_instrument: dict[str, list[str]] = {}
    for state in states:
        _, end = end_concept(columns, state)
        if end not in ends:
            out.near[end] = list(ends)
            ends.append(end)
        for item in columns.instruments[state]:
            key = (end, item.column)
            if key not in out.without:
                name = f"_wo_{end}_{item.column}"
                # an instrument's column holds a benefit, or a tax as it is paid
                sign = 1.0 if gets(item.kind) else -1.0
                columns.series[name] = columns.series[end] - sign * columns.series[item.column]
                out.without[key] = name
                earlier = by_instrument.setdefault(item.column, [])
                out.near[name] = [end, *earlier]
                earlier.append(name)
    return out


def system_tables(
    state: str,
    columns: IncidenceColumns,
    system: SystemColumns,
    estimator: LinearEstimator,
    stats: Mapping[str, Mapping[tuple[str, ...], Estimate]],
    *,
    annual: float,
    people: str,
) -> tuple[list[Row], list[Row]]:
    """The impoverishment and marginal tables of ``state``. ``stats``: by column,
    its statistics keyed as ``insaf.policy.batch.compute``'s (without the column);
    ``people``: a column of ones (each person counts once)."""
    concepts = [("consumable", columns.consumable[state])]
    if state in columns.final:
        concepts.append(("final", columns.final[state]))
    lines = list(dict.fromkeys(role for _, role in system.impoverishment))
    wanted = [
        system.impoverishment[(column, role)][i]
        for _, column in concepts
        for role in lines
        for i in ("impoverished", "impoverishment", "poor_gaining", "gains_of_the_poor")
    ]
    totals = estimator.totals(wanted)
    shares = estimator.ratios(wanted, people, measure="ratio")
    rows: list[Row] = []
    for concept, column in concepts:
        for role in lines:
            names = system.impoverishment[(column, role)]
            rows.append(
                {
                    "concept": concept,
                    "line": role,
                    "impoverished": totals[names["impoverished"]],
                    "impoverished_share": shares[names["impoverished"]][0],
                    "impoverishment": _times(totals[names["impoverishment"]], annual),
                    "poor_gaining": totals[names["poor_gaining"]],
                    "gains_of_the_poor": _times(totals[names["gains_of_the_poor"]], annual),
                }
            )
    concept, end = end_concept(columns, state)
    marginal: list[Row] = []
    for item in columns.instruments[state]:
        if (end, item.column) not in system.without:
            continue  # marginal contributions not asked for
        without = system.without[(end, item.column)]
        pairs: list[tuple[str, str | None, tuple[str, ...]]] = [("gini", None, ("gini",))]
        for line in lines:
            pairs.append(("fgt0", line, ("fgt", line, "0")))
            pairs.append(("fgt1", line, ("fgt", line, "1")))
        for indicator, on, key in pairs:
            before, after = stats[without][key], stats[end][key]
            marginal.append(
                {
                    "instrument": item.instrument,
                    "kind": item.kind.value,
                    "concept": concept,
                    "indicator": indicator,
                    "line": on,
                    "without": before,
                    "with": after,
                    "marginal": difference(before, after),
                }
            )
    return rows, marginal


def _times(e: Estimate, factor: float) -> Estimate:
    """``e`` times a known constant (a year's periods)."""
    return combine(lambda x: x * factor, lambda _x: (factor,), e, measure=e.measure)


def lines_per_person(
    frame_lines: Mapping[str, float | str], column: Mapping[str, FloatArray], n: int
) -> dict[str, FloatArray]:
    """Each poverty line as an array (a number repeated, or its column)."""
    return {
        role: column[line] if isinstance(line, str) else np.full(n, float(line))
        for role, line in frame_lines.items()
    }
