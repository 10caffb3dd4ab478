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

from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np

from insaf.errors import InsafError
from insaf.measures import Estimate, combine, difference
from insaf.measures._kernels.arrays import dot
from insaf.measures.estimate import LinearBasis
from insaf.measures.variance import linearized_variance
from insaf.policy.batch import Request
from insaf.policy.impact import Row
from insaf.policy.impoverishment import impoverishment
from insaf.policy.incidence import MARKET, IncidenceColumns, gets
from insaf.policy.instruments.base import FloatArray
from insaf.policy.linear import LinearEstimator

__all__ = [
    "SystemColumns",
    "changed_rows_apply",
    "end_concept",
    "lines_per_person",
    "marginal_fgt",
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
    recipes: dict[str, tuple[str, str, float]] = field(default_factory=dict)
    """By column of ``without`` not held in the series: the end income, the
    instrument's column and its sign (1 a benefit, -1 a tax), from which
    ``column`` makes it when it is read (0.4 GB less at a million households and
    54 such columns)."""
    near: dict[str, list[str]] = field(default_factory=dict)
    """By column measured: columns listed before it that it equals on most rows (the
    end income, for the end income without an instrument of few households; the
    same column of an earlier state, for a reform that changes few households),
    whose sort order gives its own (``insaf.policy.batch.compute``)."""

    def column(self, series: Mapping[str, FloatArray], name: str) -> FloatArray:
        """The values of column ``name``: from ``series``, or made from its recipe."""
        found = series.get(name)
        if found is not None:
            return found
        end, instrument, sign = self.recipes[name]
        return series[end] - sign * series[instrument]

    def add_columns(self, series: dict[str, FloatArray], names: Sequence[str]) -> None:
        """Put the columns ``names`` made from their recipes into ``series`` (for the
        statistics estimated afresh, which read them from the analysis table)."""
        for name in names:
            series[name] = self.column(series, name)

    def measured(self) -> list[str]:
        """The columns whose Gini and FGT the marginal contributions need."""
        ends = [end for end, _ in self.without]
        return list(dict.fromkeys([*ends, *self.without.values()]))

    def requests(self, *, changed_rows: bool) -> list[Request]:
        """What the marginal contributions ask of ``insaf.policy.batch.compute``: the
        Gini, FGT0 and FGT1 of each end income and of each end income without an
        instrument; with ``changed_rows``, the latter's FGTs are left to
        ``marginal_fgt``."""
        ends = {end for end, _ in self.without}
        both: tuple[str, ...] = ("fgt", "gini")
        return [
            Request(c, both if c in ends or not changed_rows else ("gini",), alphas=(0, 1))
            for c in self.measured()
        ]


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
    poverty line per household, in welfare per person), but the end incomes without
    an instrument, which are recipes (``SystemColumns.column``). Concepts shared by
    states share their columns."""
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
                out.recipes[name] = (end, item.column, sign)
                out.without[key] = name
                earlier = by_instrument.setdefault(item.column, [])
                out.near[name] = [end, *earlier]
                earlier.append(name)
    return out


def changed_rows_apply(estimator: LinearEstimator) -> bool:
    """Whether ``marginal_fgt`` gives the FGTs of ``estimator``'s sample: linearized
    variances from one-stage PSU totals of uncalibrated weights."""
    design = estimator.survey.design
    arrays = estimator.arrays
    return (
        estimator.fast
        and arrays is not None
        and arrays.second is None
        and design.calibration is None
    )


def marginal_fgt(
    system: SystemColumns,
    series: Mapping[str, FloatArray],
    lines: Mapping[str, FloatArray],
    stats: dict[str, dict[tuple[str, ...], Estimate]],
    *,
    weight: FloatArray,
    below: str,
    threads: int = 1,
) -> None:
    """Add to ``stats`` FGT0 and FGT1 on each line of each end income without an
    instrument, from the end income's (in ``stats``) and the rows the instrument
    changes: elsewhere each household's poverty indicator and gap are the end
    income's. With ``h`` the indicator (or gap) and ``N`` the population, the
    estimate is ``P = sum w h / N`` and its PSU totals of influence values
    ``t_p = sum_p w (h - P) / N``; so, with ``d = h_without - h_end`` (zero but
    on the changed rows) and ``W_p`` each PSU's weight::

        t_without = t_end + (sum_p w d - (P_without - P_end) W_p) / N

    ``P_without`` is summed over every row as the estimator sums it (the same
    number, so a small contribution is the same difference); the totals equal
    those estimated afresh to rounding. (Only when ``changed_rows_apply``;
    ``weight``: the sample's weights, in its row order; ``threads``: columns
    worked on at once, the numbers the same.)"""
    if not system.without:
        return
    first = next(iter(stats[next(iter(system.without))[0]].values()))
    basis = first.basis
    if not isinstance(basis, LinearBasis) or basis.design.second is not None:
        raise InsafError("marginal FGTs from changed rows need linearized one-stage totals")
    design = basis.design
    psu = design.psu
    psu_weight = np.bincount(psu, weights=weight, minlength=design.n_totals)
    top = np.maximum.reduce([*lines.values(), np.full(weight.shape[0], -np.inf)])
    # each end income's h, made once (read only from here on)
    ends = {
        (end, role, alpha): _fgt_h(series[end], line, alpha, below)
        for end in dict.fromkeys(end for end, _ in system.without)
        for role, line in lines.items()
        for alpha in (0, 1)
    }

    def one(end: str, without: str) -> list[tuple[tuple[str, ...], Estimate, float, FloatArray]]:
        """The FGTs of ``without`` that differ from the end income's: (key, the end
        income's estimate, value, PSU totals); the others are the end income's."""
        y_end, y_without = series[end], system.column(series, without)
        rows = np.flatnonzero(y_without != y_end)
        # a household above every line with and without the instrument is poor in neither
        rows = rows[np.minimum(y_end[rows], y_without[rows]) <= top[rows]]
        w, psu_rows = weight[rows], psu[rows]
        out = []
        for role, line_all in lines.items():
            line = line_all[rows]
            for alpha in (0, 1):
                key: tuple[str, ...] = ("fgt", role, str(alpha))
                before = stats[end][key]
                assert isinstance(before.basis, LinearBasis)
                h_end = ends[(end, role, alpha)]
                h_rows = _fgt_h(y_without[rows], line, alpha, below)
                d = h_rows - h_end[rows]
                if not d.any():  # no household's term changes: the end income's FGT
                    continue
                # the value summed over every row as the estimator sums it, so that a
                # small contribution is the same difference of two sums
                h = h_end.copy()
                h[rows] = h_rows
                value = dot(weight, h) / before.population
                totals: FloatArray = np.asarray(
                    np.bincount(psu_rows, weights=w * d, minlength=design.n_totals), np.float64
                )
                totals -= (value - before.value) * psu_weight
                totals /= before.population
                totals += before.basis.totals
                out.append((key, before, value, totals))
        return out

    pairs = list(system.without.items())
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        done = list(pool.map(lambda pair: one(pair[0][0], pair[1]), pairs))
    for ((end, _), column), found in zip(pairs, done, strict=True):
        for role in lines:
            for alpha in (0, 1):  # each FGT as the end income's, then those that differ
                same: tuple[str, ...] = ("fgt", role, str(alpha))
                stats.setdefault(column, {})[same] = replace(stats[end][same], variable=column)
        for key, end_fgt, p, t in found:
            stats[column][key] = replace(
                end_fgt,
                value=p,
                se=float(np.sqrt(max(float(linearized_variance(t, design)), 0.0))),
                variable=column,
                basis=LinearBasis(totals=t, design=design),
            )


def _fgt_h(y: FloatArray, line: FloatArray, alpha: int, below: str) -> FloatArray:
    """Each row's FGT term: poor (``alpha`` 0) or its gap as a share of the line (1),
    computed as the estimator computes it."""
    poor = y < line if below == "<" else y <= line
    if alpha == 0:
        return poor.astype(np.float64)
    return np.where(poor, np.where(poor, (line - y) / line, 0.0) ** alpha, 0.0)


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
