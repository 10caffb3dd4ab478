"""The at-risk-of-poverty rate of a dataset larger than memory, exact.

``ARPR_d`` is the share of domain ``d`` below ``t = share x median`` (or
``share x mean``) of the whole population. Its influence value, as the
in-memory engine has it (convey ``svyarpr``), is
``z_k = 1_d (1(poor_k) - ARPR_d) / N_d + f_d(t) z_t,k``: the domain's own part,
plus the domain's kernel density at ``t`` times the threshold's influence
value ``z_t,k = -share (1(y_k <= med) - 1/2) / (N f(med))`` (or
``share (y_k - mean) / N``), which every unit of the population carries.

After the two passes of ``ordered.spilled``, a third reads the spill files in
value order to find the median under the quantile rule and the sums of
``w y^2`` that give the kernels' bandwidths (``sd N^(-1/5)``); a fourth adds
up, per PSU and domain, the weights of the poor and of all, the threshold's
indicator, and the Gaussian kernel sums of the densities. Everything then
combines as in memory.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from insaf.errors import InsafError, said
from insaf.measures._kernels.quantile import check_rule
from insaf.measures.estimate import Estimates
from insaf.measures.stream.linear import BATCH_ROWS
from insaf.measures.stream.ordered import Spilled, read_spill, spilled
from insaf.measures.stream.quantiles import SQRT_2PI, RunningQuantile, bandwidths
from insaf.measures.stream.replicated import replicated_arpr
from insaf.measures.types import Below, QuantileRule, RelativeOf
from insaf.measures.variance import FloatArray
from insaf.survey.design import Design

__all__ = ["arpr", "arpr_of", "check_arpr", "rate_estimates", "rates"]


def arpr(
    source: str | Path | Sequence[str | Path],
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    share: float = 0.6,
    of: RelativeOf = "median",
    below: Below = "<",
    rule: QuantileRule = "convey",
    batch_rows: int = BATCH_ROWS,
    spill: str | Path | None = None,
) -> Estimates:
    """The at-risk-of-poverty rate of ``variable`` in each domain of ``by`` (below
    ``share`` times the whole population's median or mean), with its linearized SE,
    equal to ``insaf.measures.arpr`` on the same rows. To compute several rank-based
    measures from one sort, use ``spilled`` and ``arpr_of``."""
    with spilled(
        source, variable, design=design, by=by, batch_rows=batch_rows, spill=spill
    ) as data:
        return arpr_of(data, share=share, of=of, below=below, rule=rule)


def check_arpr(share: float, rule: QuantileRule) -> None:
    """The ARPR's options, checked before any pass over the data."""
    check_rule(rule)
    if not share > 0:
        raise InsafError(
            said(
                "the share of the median must be positive, not {share}",
                share=share,
            )
        )


def arpr_of(
    data: Spilled,
    *,
    share: float = 0.6,
    of: RelativeOf = "median",
    below: Below = "<",
    rule: QuantileRule = "convey",
) -> Estimates:
    """The at-risk-of-poverty rate of a spilled dataset (``spilled``), by domain."""
    check_arpr(share, rule)
    if data.replicated is not None:
        return replicated_arpr(data, share=share, of=of, below=below, rule=rule)
    n_all, y_all = float(data.n_pop.sum()), float(data.big_y.sum())
    middle = RunningQuantile(0.5, rule, n_all)
    wy2 = np.zeros(data.n_dom)
    for path in data.paths:
        y, w, d, _ = read_spill(path)
        order = np.argsort(y, kind="stable")
        middle.feed(y[order], w[order])
        wy2 += np.bincount(d, weights=w * y * y, minlength=data.n_dom)
    h_dom = bandwidths(data.n_pop, data.big_y, wy2)
    centre = middle.result() if of == "median" else y_all / n_all
    h_all = bandwidths(np.array([n_all]), np.array([y_all]), np.array([wy2.sum()]))[0]
    sums = _threshold_sums(data, share * centre, centre, h_dom, h_all, of, below)

    rate, slope = rates(sums, data.n_pop, h_dom, h_all, share, of)
    return rate_estimates(data, rate, slope, sums)


def rates(
    sums: dict[str, FloatArray],
    n_pop: FloatArray,
    h_dom: FloatArray,
    h_all: float,
    share: float,
    of: RelativeOf,
) -> tuple[FloatArray, FloatArray]:
    """Each domain's rate, and its kernel density at the line times the constant of
    the threshold's influence value (``z_t,k = c q_k``), from the threshold's sums
    (``poor``, ``kernel`` and, at a median, ``kernel_all``)."""
    n_all = float(n_pop.sum())
    if of == "median":
        f_centre = float(sums["kernel_all"][0]) / SQRT_2PI / (n_all * h_all)
        c = -share / (n_all * f_centre)
    else:
        c = share / n_all
    rate = sums["poor"].sum(axis=0) / n_pop
    slope = sums["kernel"] / SQRT_2PI / (n_pop * h_dom)
    return rate, slope * c


def _threshold_sums(
    data: Spilled,
    line: float,
    centre: float,
    h_dom: FloatArray,
    h_all: float,
    of: RelativeOf,
    below: Below,
) -> dict[str, FloatArray]:
    """Pass 4: per (PSU or stratum, domain) the weights of the poor and of all and,
    per PSU, the threshold's ``sum w q`` (``q = 1(y <= med) - 1/2``, or ``y - mean``);
    per domain the kernel sums at the line, and at the median for the population.
    Units as PSUs also keep the sums of squares and products the variance needs."""
    n_dom, n_groups = data.n_dom, data.n_groups
    size = n_groups * n_dom
    sums: dict[str, FloatArray] = {}

    def add(name: str, index: np.ndarray, values: FloatArray, length: int) -> None:
        sums[name] = sums.get(name, np.zeros(length)) + np.bincount(
            index, weights=values, minlength=length
        )

    for path in data.paths:
        y, w, d, grp = read_spill(path)
        poor = ((y < line) if below == "<" else (y <= line)).astype(np.float64)
        q = ((y <= centre).astype(np.float64) - 0.5) if of == "median" else y - centre
        cell = grp * n_dom + d
        add("poor", cell, w * poor, size)
        add("weight", cell, w, size)
        add("q", grp, w * q, n_groups)
        u = (line - y) / h_dom[d]
        add("kernel", d, w * np.exp(-(u * u) / 2.0), n_dom)
        if of == "median":
            v = (centre - y) / h_all
            add("kernel_all", np.zeros(y.size, dtype=np.int64), w * np.exp(-(v * v) / 2.0), 1)
        if data.arrays is None:
            w2 = w * w
            add("w2p", cell, w2 * poor, size)
            add("w2", cell, w2, size)
            add("w2pq", cell, w2 * poor * q, size)
            add("w2q", cell, w2 * q, size)
            add("w2qq", grp, w2 * q * q, n_groups)
    for name in ("poor", "weight", "w2p", "w2", "w2pq", "w2q"):
        if name in sums:
            sums[name] = sums[name].reshape(n_groups, n_dom)
    return sums


def rate_estimates(
    data: Spilled,
    rate: FloatArray,
    slope: FloatArray,
    sums: dict[str, FloatArray],
) -> Estimates:
    """The rates with their variances: ``slope`` is ``f_d(t)`` times the constant of
    the threshold's influence value (``z_t,k = c q_k``)."""
    n_pop = data.n_pop
    if data.arrays is not None:
        totals = (sums["poor"] - rate * sums["weight"]) / n_pop + np.outer(sums["q"], slope)
        return data.linearized_estimates("arpr", rate, totals)
    assert data.units is not None
    variances = np.empty(data.n_dom)
    for d in range(data.n_dom):
        r, s, n = rate[d], slope[d], n_pop[d]
        own = ((1 - 2 * r) * sums["w2p"][:, d] + r * r * sums["w2"][:, d]) / (n * n)
        cross = 2 * s / n * (sums["w2pq"][:, d] - r * sums["w2q"][:, d])
        squares = own + cross + s * s * sums["w2qq"]
        first = (sums["poor"][:, d] - r * sums["weight"][:, d]) / n + s * sums["q"]
        variances[d] = data.units.variance(squares, first)
    return data.estimates("arpr", rate, variances)
