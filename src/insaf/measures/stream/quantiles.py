"""Quantiles of a dataset larger than memory, exact, with their linearized SEs.

The quantile ``q_d`` of domain ``d`` at ``p`` (under the in-memory engine's
rules: convey, eurostat, laeken) is found by feeding the spill files of
``ordered.spilled`` in value order to a ``RunningQuantile`` per domain. Its
influence value (convey ``svyiqalpha``, as in memory) is
``z_k = -(1(y_k <= q_d) - p) / (N_d f_d(q_d))`` for the units of ``d``, where
``f_d`` is the domain's Gaussian kernel density with bandwidth
``sd_d N_d^(-1/5)``. A second pass over the spill files adds up, per PSU (or
stratum) and domain, the weights at or below ``q_d`` and, per domain, the
kernel sums at ``q_d``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from insaf.errors import DataError, InsafError, said
from insaf.measures._kernels.quantile import check_rule
from insaf.measures.estimate import Estimates
from insaf.measures.stream.linear import BATCH_ROWS
from insaf.measures.stream.ordered import Spilled, read_spill, spilled
from insaf.measures.stream.replicated import replicated_quantile
from insaf.measures.stream.running import RunningQuantile
from insaf.measures.types import QuantileRule
from insaf.measures.variance import FloatArray
from insaf.survey.design import Design

__all__ = [
    "SQRT_2PI",
    "RunningQuantile",
    "bandwidths",
    "check_quantile",
    "check_rule",
    "domain_quantiles",
    "quantile",
    "quantile_estimates",
    "quantile_of",
]

SQRT_2PI = math.sqrt(2.0 * math.pi)


def bandwidths(n_pop: FloatArray, big_y: FloatArray, wy2: FloatArray) -> FloatArray:
    """convey's ``h = sd N^(-1/5)``, per domain (or for the whole population)."""
    sd = np.sqrt(np.maximum((wy2 - big_y**2 / n_pop) / n_pop, 0.0))
    if not np.all(sd > 0):
        raise DataError(
            said(
                "the variable is constant in a domain: the kernel density has no "
                "bandwidth, so the linearized standard error of a quantile-based "
                "measure is undefined (use replicate weights, or check the variable)",
            )
        )
    return np.asarray(sd / np.exp(0.2 * np.log(n_pop)), dtype=np.float64)


def domain_quantiles(
    data: Spilled, probs: Sequence[float], rule: QuantileRule
) -> tuple[list[FloatArray], FloatArray]:
    """Each domain's quantile at each of ``probs`` (one array per probability) and
    its kernel bandwidth, from one pass over the spill files in value order."""
    n_dom = data.n_dom
    found = [[RunningQuantile(p, rule, float(data.n_pop[d])) for d in range(n_dom)] for p in probs]
    wy2 = np.zeros(n_dom)
    for path in data.paths:
        y, w, d, _ = read_spill(path)
        order = np.argsort(y, kind="stable")
        y, w, d = y[order], w[order], d[order]
        for k in range(n_dom):
            inside = d == k
            for at_p in found:
                at_p[k].feed(y[inside], w[inside])
        wy2 += np.bincount(d, weights=w * y * y, minlength=n_dom)
    quantiles = [np.array([f.result() for f in at_p]) for at_p in found]
    return quantiles, bandwidths(data.n_pop, data.big_y, wy2)


def check_quantile(p: float, rule: QuantileRule) -> None:
    """A quantile's options, checked before any pass over the data."""
    check_rule(rule)
    if not 0.0 < p < 1.0:
        raise InsafError(
            said(
                "quantile probabilities must be in (0, 1), not {p}",
                p=p,
            )
        )


def quantile(
    source: str | Path | Sequence[str | Path],
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    p: float = 0.5,
    rule: QuantileRule = "convey",
    batch_rows: int = BATCH_ROWS,
    spill: str | Path | None = None,
) -> Estimates:
    """The quantile ``p`` of ``variable`` in each domain of ``by`` with its
    kernel-linearized SE, equal to ``insaf.measures.quantile`` (and, at ``p=0.5``,
    ``median``) on the same rows. Several measures from one sort: ``spilled`` and
    ``quantile_of``."""
    with spilled(
        source, variable, design=design, by=by, batch_rows=batch_rows, spill=spill
    ) as data:
        return quantile_of(data, p=p, rule=rule)


def quantile_of(
    data: Spilled, *, p: float = 0.5, rule: QuantileRule = "convey", name: str | None = None
) -> Estimates:
    """The quantile ``p`` of a spilled dataset, by domain; ``name`` in the results
    (``quantile[p]`` by default, as in memory)."""
    check_quantile(p, rule)
    if data.replicated is not None:
        return replicated_quantile(data, p, rule, name or f"quantile[{p:g}]")
    n_dom, n_groups = data.n_dom, data.n_groups
    (q,), h = domain_quantiles(data, (p,), rule)
    size = n_groups * n_dom
    flat = {k: np.zeros(size) for k in ("at_or_below", "weight", "w2", "w2i")}
    kernel = np.zeros(n_dom)
    for path in data.paths:
        y, w, d, grp = read_spill(path)
        below = (y <= q[d]).astype(np.float64)
        cell = grp * n_dom + d
        flat["at_or_below"] += np.bincount(cell, weights=w * below, minlength=size)
        flat["weight"] += np.bincount(cell, weights=w, minlength=size)
        u = (q[d] - y) / h[d]
        kernel += np.bincount(d, weights=w * np.exp(-(u * u) / 2.0), minlength=n_dom)
        if data.arrays is None:
            w2 = w * w
            flat["w2"] += np.bincount(cell, weights=w2, minlength=size)
            flat["w2i"] += np.bincount(cell, weights=w2 * below, minlength=size)
    sums = {k: v.reshape(n_groups, n_dom) for k, v in flat.items()} | {"kernel": kernel}
    return quantile_estimates(data, q, h, p, sums, name)


def quantile_estimates(
    data: Spilled,
    q: FloatArray,
    h: FloatArray,
    p: float,
    sums: dict[str, FloatArray],
    name: str | None = None,
) -> Estimates:
    """Each domain's quantile ``q`` with its kernel-linearized variance (named ``name``,
    ``quantile[p]`` by default, as in memory), from the sums
    of the pass at ``q``: per (PSU or stratum, domain) ``at_or_below``
    (``sum w 1(y <= q_d)``) and ``weight`` (``sum w``), and for units as PSUs ``w2``
    and ``w2i`` (the same with ``w^2``); per domain ``kernel``
    (``sum w exp(-((q_d - y) / h_d)^2 / 2)``)."""
    n_dom = data.n_dom
    name = name or f"quantile[{p:g}]"
    density = sums["kernel"] / SQRT_2PI / (data.n_pop * h)
    scale = data.n_pop * density  # z_k = (p - 1(y_k <= q)) / scale
    first = (p * sums["weight"] - sums["at_or_below"]) / scale
    if data.arrays is not None:
        return data.linearized_estimates(name, q, first)
    assert data.units is not None
    w2, w2i = sums["w2"], sums["w2i"]
    # sum w^2 (p - 1)^2 = p^2 sum w^2 - 2p sum w^2 1 + sum w^2 1  (1 = 1(y <= q))
    sq = (p * p * w2 - 2 * p * w2i + w2i) / scale**2
    variances = np.array([data.units.variance(sq[:, k], first[:, k]) for k in range(n_dom)])
    return data.estimates(name, q, variances)
