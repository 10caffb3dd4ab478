"""The quantile-based measures of a spilled dataset with replicate weights.

With replicate weights a measure's standard error comes from the measure computed
again with each replicate weight (R ``svrVar``), so each replicate has its own
quantiles: for the ARPR the whole population's median (or mean) and so its own
line, for a quantile its own value, for S80/S20 and Palma their own two
quantiles per domain. The spill files (``ordered.spilled``) carry every row's
replicate weights after its four columns; read in value order:

1. one pass feeds, per weight (the design's, then each replicate's) and per
   domain, a ``RunningQuantile`` at each probability (for the ARPR, one for the
   whole population);
2. a second pass adds up, per weight and domain, what the measure needs below
   each weight's quantile or line: the weight of the poor, or ``sum w y`` below
   each quantile.

The values are then the in-memory engine's with each weight, and the variance
that of the replicate estimates (``replicate_variance``). Memory is one spill
file's columns and a few numbers per weight and domain.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from insaf.errors import DataError, said
from insaf.measures.estimate import Estimates
from insaf.measures.stream.ordered import Replicated, Spilled, read_weighted
from insaf.measures.stream.running import RunningQuantile
from insaf.measures.types import Below, QuantileRule, RelativeOf
from insaf.measures.variance import FloatArray, IntArray

__all__ = ["replicated_arpr", "replicated_quantile", "replicated_share_ratio"]


def _weights(data: Spilled) -> tuple[Replicated, FloatArray, FloatArray]:
    """The replicate weights, and every weight's population and total by domain
    (the design's first: weights x domains)."""
    replicated = data.replicated
    assert replicated is not None
    return (
        replicated,
        np.vstack([data.n_pop, replicated.n_pop]),
        np.vstack([data.big_y, replicated.big_y]),
    )


def _files(data: Spilled) -> Iterator[tuple[FloatArray, IntArray, FloatArray]]:
    """Each spill file's values, domains and weights (weights x rows), in value order
    (ties in row order)."""
    assert data.replicated is not None
    for path in data.paths:
        y, d, weights = read_weighted(path, data.replicated.count)
        order = np.argsort(y, kind="stable")
        yield y[order], d[order], weights[:, order]


def _quantiles(
    data: Spilled,
    probs: Sequence[float],
    rule: QuantileRule,
    n_pop: FloatArray,
    *,
    whole: bool = False,
) -> list[FloatArray]:
    """Per probability, each weight's quantile in each domain (weights x domains), or
    in the whole population (``whole``: ``n_pop`` is then weights x 1)."""
    n_weights, n_dom = n_pop.shape
    running = [
        [
            [RunningQuantile(p, rule, float(n_pop[k, d])) for d in range(n_dom)]
            for k in range(n_weights)
        ]
        for p in probs
    ]
    for y, d, weights in _files(data):
        if whole:
            d = np.zeros_like(d)
        for c in range(n_dom):
            inside = d == c
            y_in = y[inside]
            for k in range(n_weights):
                w_in = weights[k][inside]
                for at_p in running:
                    at_p[k][c].feed(y_in, w_in)
    return [np.array([[q.result() for q in by_domain] for by_domain in at_p]) for at_p in running]


def replicated_quantile(data: Spilled, p: float, rule: QuantileRule, name: str) -> Estimates:
    """Each domain's quantile ``p`` with each weight, and its replicate variance."""
    _, n_pop, _ = _weights(data)
    (found,) = _quantiles(data, (p,), rule, n_pop)
    return data.replicate_estimates(name, found)


def replicated_arpr(
    data: Spilled, *, share: float, of: RelativeOf, below: Below, rule: QuantileRule
) -> Estimates:
    """Each domain's share below ``share`` times the whole population's median (or
    mean), each weight with its own line, and the replicate variance."""
    _, n_pop, big_y = _weights(data)
    n_weights, n_dom = n_pop.shape
    if of == "median":
        everyone = n_pop.sum(axis=1, keepdims=True)
        (centre,) = _quantiles(data, (0.5,), rule, everyone, whole=True)
        lines = share * centre[:, 0]
    else:
        lines = share * big_y.sum(axis=1) / n_pop.sum(axis=1)
    poor = np.zeros((n_weights, n_dom))
    for y, d, weights in _files(data):
        for k in range(n_weights):
            under = (y < lines[k]) if below == "<" else (y <= lines[k])
            poor[k] += np.bincount(d, weights=weights[k] * under, minlength=n_dom)
    with np.errstate(divide="ignore", invalid="ignore"):
        return data.replicate_estimates("arpr", poor / n_pop)


def replicated_share_ratio(
    data: Spilled, *, low: float, high: float, rule: QuantileRule, name: str
) -> Estimates:
    """``(Y - S(q_high)) / S(q_low)`` in each domain with each weight (its own two
    quantiles), ``S(q) = sum w y 1(y <= q)``, and the replicate variance."""
    _, n_pop, big_y = _weights(data)
    n_weights, n_dom = n_pop.shape
    q_low, q_high = _quantiles(data, (low, high), rule, n_pop)
    s_low, s_high = np.zeros((n_weights, n_dom)), np.zeros((n_weights, n_dom))
    for y, d, weights in _files(data):
        for k in range(n_weights):
            wy = weights[k] * y
            s_low[k] += np.bincount(d, weights=wy * (y <= q_low[k][d]), minlength=n_dom)
            s_high[k] += np.bincount(d, weights=wy * (y <= q_high[k][d]), minlength=n_dom)
    if np.any(s_low[0] <= 0):
        raise DataError(
            said(
                "the income share of the bottom {low:.0%} is not positive: the ratio is undefined",
                low=low,
            )
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        return data.replicate_estimates(name, (big_y - s_high) / s_low)
