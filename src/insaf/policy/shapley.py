"""Each instrument's share of a reform's impact on poverty and inequality (Shapley).

A reform changes household ``h``'s money by ``sum_i effect_i,h`` over its
instruments ``i`` (``insaf.policy.engine``). For a set ``S`` of instruments,
``v(S)`` is the indicator (FGT on a line, the Gini) of welfare with only the
effects of ``S``: ``w_h + sum_{i in S} effect_i,h / scale_h``. ``v(empty)`` is
the baseline and ``v(all)`` the reform. Instrument ``i``'s Shapley value
(Shorrocks 2013) is its marginal effect averaged over every order in which the
instruments can be introduced:

    phi_i = sum_{S without i} |S|! (K - |S| - 1)! / K! [v(S + i) - v(S)]

The values add up to the reform's change, ``v(all) - v(empty)``, whatever the
interactions (a transfer that lifts a household out of poverty only together
with another), with no residual and no dependence on the order of the list.
Every ``v(S)`` is estimated on the same sample (person rows, as the impact),
so ``phi_i``, a linear combination of them, has its standard error from their
joint influence values or replicates (``insaf.measures.combine``).

All ``2^K`` sets are computed, exactly: ``K`` is limited to ``max_instruments``
(12 by default: 4,096 sets). A price instrument's effect is the welfare effect
the engine gives it against the baseline; effects of several price changes on
one item are taken as they are attributed there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from insaf.errors import InsafError, said
from insaf.measures import Estimate, combine
from insaf.policy.analysis import build_analysis, person_rows
from insaf.policy.batch import Request, compute
from insaf.policy.engine import Simulation

__all__ = ["InstrumentShares", "instrument_shapley"]

CHUNK = 32
"""Sets of instruments estimated together (memory: one welfare column per set)."""


@dataclass(frozen=True, kw_only=True)
class InstrumentShares:
    """Each instrument's Shapley contribution to the change in each indicator."""

    reform: str
    instruments: tuple[str, ...]
    indicators: tuple[str, ...]
    baseline: dict[str, Estimate]
    reform_value: dict[str, Estimate]
    change: dict[str, Estimate]
    shares: dict[tuple[str, str], Estimate]
    """``(indicator, instrument) -> phi``."""

    def table(self, confidence: float = 0.95) -> pl.DataFrame:
        """One row per indicator and instrument: the contribution, its SE and interval,
        and its share of the indicator's change."""
        rows: list[dict[str, Any]] = []
        for indicator in self.indicators:
            total = self.change[indicator].value
            for instrument in self.instruments:
                e = self.shares[(indicator, instrument)]
                low, high = e.ci(confidence)
                rows.append(
                    {
                        "indicator": indicator,
                        "instrument": instrument,
                        "value": e.value,
                        "se": e.se,
                        "ci_low": low,
                        "ci_high": high,
                        "share_of_change": e.value / total if total != 0 else math.nan,
                    }
                )
        return pl.DataFrame(rows)


def _weights(k: int) -> list[float]:
    """``|S|! (K - |S| - 1)! / K!`` for each size ``|S|`` of a set without ``i``."""
    return [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k) for s in range(k)]


def instrument_shapley(
    sim: Simulation,
    reform: str,
    *,
    line: str | None = None,
    max_instruments: int = 12,
) -> InstrumentShares:
    """The Shapley contribution of each instrument of ``reform`` (those with a welfare
    effect against the baseline) to its change in FGT0, FGT1 on ``line`` (a name of
    the scenario's lines; by default its first) and the Gini."""
    if reform not in sim.reforms:
        known = ", ".join(sim.reforms) or said("none")
        raise InsafError(
            said(
                "no reform {reform} in the scenario; reforms: {known}",
                reform=repr(reform),
                known=known,
            )
        )
    lines = sim.scenario.lines
    name = line if line is not None else next(iter(lines))
    if name not in lines:
        raise InsafError(
            said(
                "no poverty line {name} in the scenario; lines: {lines}",
                name=repr(name),
                lines=", ".join(lines),
            )
        )
    state = sim.reforms[reform]
    effects = state.effect
    listed = [i.id for i in (*state.policy.instruments, *sim.baseline.policy.instruments)]
    # the scenario's order; an instrument that changes no one's money contributes 0
    ids = tuple(i for i in dict.fromkeys(listed) if i in effects and np.any(effects[i] != 0))
    k = len(ids)
    if k == 0:
        raise InsafError(
            said(
                "reform {reform} changes no one's welfare: nothing to decompose",
                reform=repr(reform),
            )
        )
    if k > max_instruments:
        raise InsafError(
            said(
                "reform {reform} has {k} instruments with an effect; the exact Shapley "
                "decomposition computes 2^{k} sets, more than max_instruments={most} allows "
                "(raise it, or group instruments in the scenario)",
                reform=repr(reform),
                k=k,
                most=max_instruments,
            )
        )
    analysis = build_analysis(sim)
    opts = sim.scenario.options
    options = {
        "unit": "person",
        "variance": opts.variance,
        "replicates": opts.replicates,
        "seed": opts.seed,
    }
    matrix = np.stack([effects[i] / sim.scale for i in ids])  # (K, households)
    line_value = analysis.lines[name]
    values: list[dict[str, Estimate]] = []
    keys = {"fgt0": ("fgt", name, "0"), "fgt1": ("fgt", name, "1"), "gini": ("gini",)}
    for first in range(0, 2**k, CHUNK):
        sets = range(first, min(first + CHUNK, 2**k))
        added = {
            f"_s{s}": sim.welfare + _members(s, k) @ matrix if s else sim.welfare for s in sets
        }
        frame = analysis.frame.hstack(pl.DataFrame(added))
        extra = [line_value] if isinstance(line_value, str) else []
        survey = person_rows(replace(analysis, frame=frame), [*added, *extra])
        found = compute(
            survey,
            [Request(c, ("fgt", "gini")) for c in added],
            lines={name: line_value},
            below=opts.below,
            gini=opts.gini,
            options=options,
        )
        for c in added:
            values.append({ind: found[(c, *key)] for ind, key in keys.items()})
    return _shares(reform, ids, tuple(keys), values)


def _members(s: int, k: int) -> np.ndarray[Any, np.dtype[np.float64]]:
    return np.array([(s >> i) & 1 for i in range(k)], dtype=np.float64)


def _shares(
    reform: str,
    ids: tuple[str, ...],
    indicators: tuple[str, ...],
    values: Sequence[dict[str, Estimate]],
) -> InstrumentShares:
    """``phi`` of each instrument from ``v(S)`` of every set ``S`` (bit ``i`` of ``S``
    says whether instrument ``i`` is in it)."""
    k = len(ids)
    weight = _weights(k)
    full = 2**k - 1
    shares: dict[tuple[str, str], Estimate] = {}
    change: dict[str, Estimate] = {}
    for indicator in indicators:
        v = [values[s][indicator] for s in range(2**k)]
        for i, instrument in enumerate(ids):
            coefficients = np.zeros(2**k)
            for s in range(2**k):
                if not (s >> i) & 1:
                    c = weight[bin(s).count("1")]
                    coefficients[s | (1 << i)] += c
                    coefficients[s] -= c
            used = np.flatnonzero(coefficients)
            shares[(indicator, instrument)] = _linear(
                [v[j] for j in used], coefficients[used], f"shapley[{indicator}: {instrument}]"
            )
        change[indicator] = _linear([v[full], v[0]], np.array([1.0, -1.0]), f"change[{indicator}]")
    return InstrumentShares(
        reform=reform,
        instruments=ids,
        indicators=indicators,
        baseline={ind: values[0][ind] for ind in indicators},
        reform_value={ind: values[full][ind] for ind in indicators},
        change=change,
        shares=shares,
    )


def _linear(estimates: list[Estimate], coefficients: np.ndarray[Any, Any], name: str) -> Estimate:
    c = [float(x) for x in coefficients]

    def value(*v: Any) -> Any:
        return sum(ci * vi for ci, vi in zip(c, v, strict=True))

    return combine(value, lambda *_: c, *estimates, measure=name)
