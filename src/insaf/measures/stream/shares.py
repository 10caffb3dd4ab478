"""Share ratios of a dataset larger than memory, exact: the quintile share ratio
S80/S20 (``qsr``) and the Palma ratio (``palma``), with linearized SEs.

In each domain, ``R = (Y - S(q_high)) / S(q_low)`` with ``S(q) = sum w y 1(y <= q)``
(QSR: 0.2 and 0.8; Palma: 0.4 and 0.9), as the in-memory engine has it (laeken
``qsr``; convey ``svyqsr`` and ``svyisq``). The influence value of ``S(q_p)``
is ``y 1(y <= q) + c (p - 1(y <= q))`` with ``c = S'(q) / (N f(q))``, ``f`` the
kernel density and ``S'`` the kernel-smoothed slope of ``S``, both with the
domain's bandwidth. Every unit's influence value is thus a combination of six
features, ``y 1(y <= q_low)``, ``1(y <= q_low)``, ``y``, ``y 1(y <= q_high)``,
``1(y <= q_high)`` and ``1``, with coefficients known per domain once the
quantiles and kernel sums are: after the passes that find the quantiles
(``quantiles.domain_quantiles``), one more adds up, per PSU (or stratum) and
domain, the weighted features (and, for units as PSUs, their weighted
cross-products), and the kernel sums per domain.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from insaf.errors import DataError, said
from insaf.measures._kernels.quantile import check_rule
from insaf.measures.estimate import Estimates
from insaf.measures.stream.linear import BATCH_ROWS
from insaf.measures.stream.ordered import Spilled, read_spill, spilled
from insaf.measures.stream.quantiles import SQRT_2PI, domain_quantiles
from insaf.measures.stream.replicated import replicated_share_ratio
from insaf.measures.types import QuantileRule
from insaf.measures.variance import FloatArray
from insaf.survey.design import Design

__all__ = [
    "PALMA",
    "QSR",
    "features",
    "palma",
    "palma_of",
    "qsr",
    "qsr_of",
    "share_ratio_estimates",
    "share_ratio_of",
]

QSR = (0.2, 0.8)
"""S80/S20: the bottom share's and the top share's quantiles."""
PALMA = (0.4, 0.9)
"""The Palma ratio: the bottom 40 % against the top 10 %."""

_FEATURES = 6
_V = TypeVar("_V", bound=Any)


def qsr(
    source: str | Path | Sequence[str | Path],
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    rule: QuantileRule = "convey",
    batch_rows: int = BATCH_ROWS,
    spill: str | Path | None = None,
) -> Estimates:
    """S80/S20 of ``variable`` in each domain of ``by``, with its linearized SE,
    equal to ``insaf.measures.qsr`` on the same rows."""
    with spilled(
        source, variable, design=design, by=by, batch_rows=batch_rows, spill=spill
    ) as data:
        return qsr_of(data, rule=rule)


def palma(
    source: str | Path | Sequence[str | Path],
    variable: str,
    *,
    design: Design,
    by: str | Sequence[str] | None = None,
    rule: QuantileRule = "convey",
    batch_rows: int = BATCH_ROWS,
    spill: str | Path | None = None,
) -> Estimates:
    """The Palma ratio of ``variable`` in each domain of ``by``, with its linearized
    SE, equal to ``insaf.measures.palma`` on the same rows."""
    with spilled(
        source, variable, design=design, by=by, batch_rows=batch_rows, spill=spill
    ) as data:
        return palma_of(data, rule=rule)


def qsr_of(data: Spilled, *, rule: QuantileRule = "convey") -> Estimates:
    low, high = QSR
    return share_ratio_of(data, low=low, high=high, rule=rule, name="qsr")


def palma_of(data: Spilled, *, rule: QuantileRule = "convey") -> Estimates:
    low, high = PALMA
    return share_ratio_of(data, low=low, high=high, rule=rule, name="palma")


def features(y: _V, below_low: _V, below_high: _V, one: _V) -> list[_V]:
    """The six features whose weighted totals give every unit's influence value, in
    the order of the coefficients (``share_ratio_estimates``): ``y 1(y <= q_low)``,
    ``1(y <= q_low)``, ``y``, ``y 1(y <= q_high)``, ``1(y <= q_high)`` and ``1``. Of
    NumPy arrays here, of Spark columns in ``insaf.measures.spark``."""
    return [y * below_low, below_low, y, y * below_high, below_high, one]


def share_ratio_of(
    data: Spilled, *, low: float, high: float, rule: QuantileRule, name: str
) -> Estimates:
    """``(Y - S(q_high)) / S(q_low)`` of a spilled dataset, by domain."""
    check_rule(rule)
    if data.replicated is not None:
        return replicated_share_ratio(data, low=low, high=high, rule=rule, name=name)
    (q_low, q_high), h = domain_quantiles(data, (low, high), rule)
    sums = _feature_sums(data, q_low, q_high, h)
    return share_ratio_estimates(data, sums, h, low=low, high=high, name=name)


def share_ratio_estimates(
    data: Spilled,
    sums: dict[str, FloatArray],
    h: FloatArray,
    *,
    low: float,
    high: float,
    name: str,
) -> Estimates:
    """The ratios with their variances from the sums of the pass at both quantiles:
    ``features`` (PSUs or strata x domains x the six ``features``, weighted), the
    kernel sums per domain ``w_kernel_low``, ``wy_kernel_low``, ``w_kernel_high`` and
    ``wy_kernel_high`` and, for units as PSUs, ``gram`` (the features' ``w^2``-weighted
    cross-products, PSUs or strata x domains x 6 x 6)."""
    n_dom = data.n_dom
    totals = sums["features"].sum(axis=0)  # (n_dom, 6)
    s_low, big_y, s_high = totals[:, 0], totals[:, 2], totals[:, 3]
    if np.any(s_low <= 0):
        raise DataError(
            said(
                "the income share of the bottom {low:.0%} is not positive: the ratio is undefined",
                low=low,
            )
        )
    top = big_y - s_high
    value = top / s_low
    c_low = _slope(sums, "low", data.n_pop, h)
    c_high = _slope(sums, "high", data.n_pop, h)
    # influence of S(q_low) and of the top's total Y - S(q_high), on the six features
    z_low = np.stack([np.ones(n_dom), -c_low, *np.zeros((3, n_dom)), c_low * low], axis=1)
    z_top = np.stack(
        [*np.zeros((2, n_dom)), np.ones(n_dom), -np.ones(n_dom), c_high, -c_high * high], axis=1
    )
    coef = (s_low[:, None] * z_top - top[:, None] * z_low) / (s_low * s_low)[:, None]
    first = np.einsum("gdf,df->gd", sums["features"], coef)  # (n_groups, n_dom)
    if data.arrays is not None:
        return data.linearized_estimates(name, value, first)
    assert data.units is not None
    squares = np.einsum("gdfe,df,de->gd", sums["gram"], coef, coef)
    variances = np.array([data.units.variance(squares[:, d], first[:, d]) for d in range(n_dom)])
    return data.estimates(name, value, variances)


def _slope(sums: dict[str, FloatArray], at: str, n_pop: FloatArray, h: FloatArray) -> FloatArray:
    """``S'(q) / (N f(q))``: the kernel-smoothed slope of ``S`` over the density,
    from the kernel sums ``sum w y phi`` and ``sum w phi`` at ``q`` (both over
    ``sqrt(2 pi) h``; ``f`` also over ``N``)."""
    slope = sums[f"wy_kernel_{at}"] / (SQRT_2PI * h)
    density = sums[f"w_kernel_{at}"] / (SQRT_2PI * n_pop * h)
    return np.asarray(slope / (n_pop * density), dtype=np.float64)


def _feature_sums(
    data: Spilled, q_low: FloatArray, q_high: FloatArray, h: FloatArray
) -> dict[str, FloatArray]:
    """Per (PSU or stratum, domain) the weighted features; per domain the kernel
    sums at both quantiles; for units as PSUs, the w^2-weighted cross-products."""
    n_dom, n_groups = data.n_dom, data.n_groups
    size = n_groups * n_dom
    weighted = np.zeros((size, _FEATURES))
    gram = np.zeros((size, _FEATURES, _FEATURES)) if data.arrays is None else None
    kernels = {k: np.zeros(n_dom) for k in ("w_low", "wy_low", "w_high", "wy_high")}
    for path in data.paths:
        y, w, d, grp = read_spill(path)
        below_low = (y <= q_low[d]).astype(np.float64)
        below_high = (y <= q_high[d]).astype(np.float64)
        f = np.stack(features(y, below_low, below_high, np.ones_like(y)), axis=1)
        cell = grp * n_dom + d
        for j in range(_FEATURES):
            weighted[:, j] += np.bincount(cell, weights=w * f[:, j], minlength=size)
        if gram is not None:
            w2 = w * w
            for i in range(_FEATURES):
                for j in range(i, _FEATURES):
                    cross = np.bincount(cell, weights=w2 * f[:, i] * f[:, j], minlength=size)
                    gram[:, i, j] += cross
                    if i != j:
                        gram[:, j, i] += cross
        for at, q in (("low", q_low), ("high", q_high)):
            u = (q[d] - y) / h[d]
            phi = w * np.exp(-(u * u) / 2.0)
            kernels[f"w_{at}"] += np.bincount(d, weights=phi, minlength=n_dom)
            kernels[f"wy_{at}"] += np.bincount(d, weights=phi * y, minlength=n_dom)
    out = {
        "features": weighted.reshape(n_groups, n_dom, _FEATURES),
        "w_kernel_low": kernels["w_low"],
        "wy_kernel_low": kernels["wy_low"],
        "w_kernel_high": kernels["w_high"],
        "wy_kernel_high": kernels["wy_high"],
    }
    if gram is not None:
        out["gram"] = gram.reshape(n_groups, n_dom, _FEATURES, _FEATURES)
    return out
