"""Fiscal incidence of every state: CEQ income concepts, progressivity, coverage.

Three steps, each computed once for the baseline and every reform:

1. ``incidence_columns``: the columns measured, per person and period, on the
   analysis table's rows: market income (the same in every state), each
   state's disposable and consumable income, each instrument's amount (a tax
   negative) and, for transfers, who receives it (everyone, the poor, the
   rest). A column equal to one already made is not made again: states that
   share a concept or an instrument's flows share its column (and so its
   statistics).
2. ``concentration_requests`` and ``concentrations``: the Gini of each concept
   (reusing the impact's own Gini where a concept equals a welfare already
   measured) and the concentration of each instrument along market income,
   from one batch (``insaf.policy.batch``), which the impact shares with the
   marginal contributions' statistics.
3. ``state_incidence``: the three tables of one state. Kakwani is
   ``G_market - C`` for a benefit and ``C - G_market`` for a tax;
   Reynolds–Smolensky ``b K / (1 + b)`` for a benefit of share ``b`` of market
   income and ``t K / (1 - t)`` for a tax of share ``t`` (the delta method,
   ``insaf.measures.combine``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from insaf.measures import Estimate, combine, difference
from insaf.policy.batch import Request
from insaf.policy.engine import Simulation, State
from insaf.policy.impact import Row
from insaf.policy.instruments import Kind
from insaf.policy.instruments.base import FloatArray
from insaf.policy.linear import LinearEstimator

__all__ = [
    "MARKET",
    "Concentrations",
    "CoverageColumns",
    "IncidenceColumns",
    "InstrumentColumn",
    "StateIncidence",
    "concentration_requests",
    "concentrations",
    "gets",
    "incidence_columns",
    "incidence_frame",
    "state_incidence",
    "sum_benefits",
]

MARKET = "_c_market"
"""The market income column (the same in every state)."""


def gets(kind: Kind) -> bool:
    """A benefit to the household (a transfer, a subsidy, in kind), not a tax."""
    return kind in (Kind.TRANSFER, Kind.SUBSIDY, Kind.IN_KIND)


@dataclass(frozen=True, slots=True)
class InstrumentColumn:
    """The column of an instrument's amount in one state (negative for a tax)."""

    column: str
    instrument: str
    kind: Kind


@dataclass(frozen=True, slots=True)
class CoverageColumns:
    """The columns of who receives a transfer in one state: 1 for a receiving
    household, and that split between the poor and the rest."""

    receives: str
    receives_poor: str
    receives_rich: str
    instrument: str


@dataclass(frozen=True, slots=True)
class _Made:
    """What one set of flows became (states sharing flows share their columns)."""

    column: str
    coverage: CoverageColumns | None


@dataclass
class IncidenceColumns:
    """The columns of the incidence table, and which of them each state uses."""

    series: dict[str, FloatArray] = field(default_factory=dict)
    disposable: dict[str, str] = field(default_factory=dict)
    consumable: dict[str, str] = field(default_factory=dict)
    final: dict[str, str] = field(default_factory=dict)
    """Final income (consumable plus in-kind benefits), when the scenario has any."""
    instruments: dict[str, list[InstrumentColumn]] = field(default_factory=dict)
    coverage: dict[str, list[CoverageColumns]] = field(default_factory=dict)

    def add(self, column: str, values: FloatArray, family: str) -> str:
        """Add ``values`` as ``column``, unless a column whose name starts with ``family``
        already holds the same values: then that column's name."""
        for name, existing in self.series.items():
            if name.startswith(family) and np.array_equal(existing, values):
                return name
        self.series[column] = values
        return column

    @property
    def concepts(self) -> list[str]:
        return [c for c in self.series if c.startswith("_c_")]

    @property
    def instrument_columns(self) -> list[str]:
        """Every instrument column, once, in the order the states use them."""
        return list(
            dict.fromkeys(i.column for columns in self.instruments.values() for i in columns)
        )


def sum_benefits(state: State, *, direct: bool) -> FloatArray:
    """What the household gains from the state's direct (or indirect) instruments."""
    total = np.zeros_like(state.change)
    for key, flows in state.flows.items():
        kind = state.kinds[key]
        if kind is Kind.PRICE:
            continue
        if kind.direct == direct:
            total += flows.benefit
    return total


def incidence_columns(sim: Simulation, poor: FloatArray) -> IncidenceColumns:
    """Step 1: every column, per person and period, of every state (see the module)."""
    scale = sim.scale
    states = {"baseline": sim.baseline, **sim.reforms}
    direct_baseline = sum_benefits(sim.baseline, direct=True)
    market = sim.welfare * scale - direct_baseline
    out = IncidenceColumns(series={MARKET: market / scale})
    made: dict[int, _Made] = {}  # by the identity of the flows: same flows, same columns
    in_kind = {k: v / sim.annual for k, v in sim.in_kind.items()}  # per period
    for key, values in in_kind.items():
        out.series[f"_k_{key}"] = values / scale
    for position, (name, state) in enumerate(states.items()):
        s = f"s{position}"
        direct = direct_baseline if state is sim.baseline else sum_benefits(state, direct=True)
        disposable = market + direct
        consumable = disposable + sum_benefits(state, direct=False)
        out.disposable[name] = out.add(f"_c_{s}_d", disposable / scale, "_c_")
        out.consumable[name] = out.add(f"_c_{s}_c", consumable / scale, "_c_")
        out.instruments[name] = []
        out.coverage[name] = []
        if in_kind:
            final = consumable + np.sum(list(in_kind.values()), axis=0)
            out.final[name] = out.add(f"_c_{s}_f", final / scale, "_c_")
            out.instruments[name].extend(
                InstrumentColumn(f"_k_{key}", key, Kind.IN_KIND) for key in in_kind
            )
        for key, flows in state.flows.items():
            kind = state.kinds[key]
            if kind is Kind.PRICE or not np.any(flows.benefit):
                continue
            if id(flows) not in made:
                amount = (flows.benefit if gets(kind) else -flows.benefit) / scale
                column = out.add(f"_i_{s}_{key}", amount, f"_i_s0_{key}")
                coverage = None
                if kind is Kind.TRANSFER:
                    receives = (flows.benefit > 0).astype(np.float64)
                    tag = f"{s}_{key}"
                    coverage = CoverageColumns(
                        receives=f"_rec_{tag}",
                        receives_poor=f"_recpoor_{tag}",
                        receives_rich=f"_recrich_{tag}",
                        instrument=key,
                    )
                    out.series[coverage.receives] = receives
                    out.series[coverage.receives_poor] = receives * poor
                    out.series[coverage.receives_rich] = receives * (1.0 - poor)
                made[id(flows)] = _Made(column=column, coverage=coverage)
            done = made[id(flows)]
            out.instruments[name].append(InstrumentColumn(done.column, key, kind))
            if done.coverage is not None:
                out.coverage[name].append(
                    CoverageColumns(
                        receives=done.coverage.receives,
                        receives_poor=done.coverage.receives_poor,
                        receives_rich=done.coverage.receives_rich,
                        instrument=key,
                    )
                )
    return out


@dataclass(frozen=True)
class Concentrations:
    """Step 2: the Gini of each concept and the concentration of each instrument."""

    ginis: Mapping[str, Estimate]
    concentration: Mapping[str, Estimate]

    @property
    def market(self) -> Estimate:
        return self.ginis[MARKET]


def concentration_requests(
    columns: IncidenceColumns, known: Mapping[str, FloatArray]
) -> tuple[list[Request], dict[str, str | None]]:
    """Step 2's statistics: the Gini of each concept and the concentration of each
    instrument along market income, as requests of one batch (``insaf.policy.batch``),
    and, by concept, the welfare column of ``known`` (those the impact already
    measured, by name) that it equals, whose Gini is reused (``None``: none)."""
    reuse = {
        c: next((k for k, v in known.items() if np.array_equal(v, columns.series[c])), None)
        for c in columns.concepts
    }
    requests = [Request(c, ("gini",)) for c in columns.concepts if reuse[c] is None]
    requests += [Request(c, rank_by=MARKET) for c in columns.instrument_columns]
    return requests, reuse


def concentrations(
    columns: IncidenceColumns,
    reuse: Mapping[str, str | None],
    found: Mapping[tuple[str, ...], Estimate],
    known_gini: Callable[[str], Estimate],
) -> Concentrations:
    """Step 2 from the batch of ``concentration_requests`` (``found``): ``known_gini(name)``
    gives the Gini of a welfare column a concept reuses."""
    return Concentrations(
        ginis={
            c: known_gini(same) if same is not None else found[(c, "gini")]
            for c, same in reuse.items()
        },
        concentration={c: found[(c, "concentration")] for c in columns.instrument_columns},
    )


def _reynolds_smolensky(share: Estimate, kakwani: Estimate, *, gets: bool) -> Estimate:
    if gets:  # RS = b K / (1 + b)
        return combine(
            lambda b, k: b * k / (1.0 + b),
            lambda b, k: (k / (1.0 + b) ** 2, b / (1.0 + b)),
            share,
            kakwani,
            measure="reynolds_smolensky",
        )
    # RS = t K / (1 - t)
    return combine(
        lambda t, k: t * k / (1.0 - t),
        lambda t, k: (k / (1.0 - t) ** 2, t / (1.0 - t)),
        share,
        kakwani,
        measure="reynolds_smolensky",
    )


@dataclass(frozen=True)
class StateIncidence:
    """The incidence tables of one state (the last two: ``insaf.policy.fiscal_system``)."""

    concepts: list[Row]
    progressivity: list[Row]
    coverage: list[Row]
    impoverishment: list[Row] = field(default_factory=list)
    marginal: list[Row] = field(default_factory=list)


def state_incidence(
    name: str,
    columns: IncidenceColumns,
    measured: Concentrations,
    means: Mapping[str, list[Estimate]],
    estimator: LinearEstimator,
) -> StateIncidence:
    """Step 3: the concepts, progressivity and coverage tables of state ``name``."""
    concepts: list[Row] = [{"concept": "market", "mean": means[MARKET][0], "gini": measured.market}]
    for concept, column in (
        ("disposable", columns.disposable[name]),
        ("consumable", columns.consumable[name]),
        *((("final", columns.final[name]),) if name in columns.final else ()),
    ):
        concepts.append(
            {"concept": concept, "mean": means[column][0], "gini": measured.ginis[column]}
        )
    instruments = columns.instruments[name]
    wanted = [i.column for i in instruments]
    shares = estimator.ratios(wanted, MARKET, measure="ratio") if wanted else {}
    progressivity: list[Row] = []
    for item in instruments:
        share = shares[item.column][0]
        conc = measured.concentration[item.column]
        benefit = gets(item.kind)
        g_market = measured.market
        kakwani = difference(g_market, conc) if benefit else difference(conc, g_market)
        progressivity.append(
            {
                "instrument": item.instrument,
                "kind": item.kind.value,
                "share_of_market_income": share,
                "concentration": conc,
                "kakwani": kakwani,
                "reynolds_smolensky": _reynolds_smolensky(share, kakwani, gets=benefit),
            }
        )
    coverage: list[Row] = []
    for c in columns.coverage[name]:
        reach = estimator.ratios([c.receives])[c.receives][0]
        poor_reached = estimator.ratios([c.receives_poor], "_poor")
        leak = estimator.ratios([c.receives_rich], c.receives)
        coverage.append(
            {
                "instrument": c.instrument,
                "coverage_all": reach,
                "coverage_poor": poor_reached[c.receives_poor][0],
                "leakage": leak[c.receives_rich][0],
            }
        )
    return StateIncidence(concepts=concepts, progressivity=progressivity, coverage=coverage)


def incidence_frame(columns: IncidenceColumns, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (the design's columns and ``_poor``) with every incidence column."""
    return frame.hstack(pl.DataFrame(columns.series))
