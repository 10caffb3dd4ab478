"""Inequality: Gini (Osier/convey or Eurostat/laeken), generalised entropy, Atkinson,
quintile share ratio, Palma, percentile ratios, Lorenz ordinates, quantile
shares and the concentration coefficient.

Influence values are the derivatives of each estimator with respect to the
weight of unit ``k`` (Deville 1999), written out in ``docs/methods/``; for
quantile-based measures the quantile's derivative uses convey's kernel
density (``S'(x)`` for income shares below a quantile).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from insaf.errors import DataError, InsafError
from insaf.measures._engine import Cols, Kernel, Statistic, run
from insaf.measures._kernels import (
    QuantileRule,
    bandwidth,
    quantile_influence,
    smooth_total_slope,
)
from insaf.measures._kernels import quantile as weighted_quantile
from insaf.measures._sample import NonPositive, VarianceMethod, prepare
from insaf.measures.basic import By, _check_rule
from insaf.measures.estimate import Estimates
from insaf.measures.variance import FloatArray
from insaf.survey.survey import Level, Survey

__all__ = [
    "GiniEstimator",
    "atkinson",
    "concentration",
    "ge",
    "gini",
    "lorenz",
    "mld",
    "palma",
    "percentile_ratio",
    "qsr",
    "quantile_shares",
    "theil",
]

GiniEstimator = Literal["osier", "eurostat"]
KernelOut = tuple[float, FloatArray | None, float]


def _gini_kernel(estimator: GiniEstimator) -> Kernel:
    """Gini over rows sorted by ``y``; ``r_k`` the cumulative weight including ``k``.

    osier (convey, vardpoor): ``G = (2 sum w r y - sum w y)/(N Y) - 1``;
    eurostat (laeken): ``sum w^2 y`` in place of ``sum w y``. ``z_k = dG/dw_k``.
    """

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        wy = w * y
        r = np.cumsum(w)
        n_pop = float(r[-1])
        big_y = float(wy.sum())
        if big_y <= 0:
            raise DataError("the Gini needs a positive total of the variable in every domain")
        second = big_y if estimator == "osier" else float(np.dot(w, wy))
        a = 2.0 * float(np.dot(r, wy)) - second
        g = a / (n_pop * big_y) - 1.0
        if not influence:
            return g, None, 0.0
        tail = big_y - np.cumsum(wy) + wy  # sum_{j >= k} w_j y_j
        own = y if estimator == "osier" else 2.0 * wy
        da = 2.0 * (r * y + tail) - own
        z = (da - (g + 1.0) * (big_y + n_pop * y)) / (n_pop * big_y)
        return g, z, 0.0

    return kernel


def _check_estimator(estimator: str) -> None:
    if estimator not in ("osier", "eurostat"):
        raise InsafError(f"unknown Gini estimator {estimator!r}; choose osier or eurostat")


def gini(
    survey: Survey,
    variable: str,
    *,
    estimator: GiniEstimator = "osier",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Gini coefficient (a fraction). ``estimator="osier"`` is convey's ``svygini``;
    ``"eurostat"`` is laeken's ``gini`` (it differs by a term of order 1/N)."""
    _check_estimator(estimator)
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )
    return run(sample, [Statistic(name="gini", kernel=_gini_kernel(estimator), variable=variable)])


# -- generalised entropy and Atkinson ---------------------------------------------------


def _ge_kernel(alpha: float) -> Kernel:
    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        n_pop = float(w.sum())
        big_y = float(np.dot(w, y))
        mu = big_y / n_pop
        if alpha == 0.0:
            ln_y = np.log(y)
            mean_ln = float(np.dot(w, ln_y)) / n_pop
            value = math.log(mu) - mean_ln
            z = (y / big_y - 1.0 / n_pop - (ln_y - mean_ln) / n_pop) if influence else None
        elif alpha == 1.0:
            yln = y * np.log(y)
            s = float(np.dot(w, yln))
            value = s / big_y - math.log(mu)
            z = (yln / big_y - s * y / big_y**2 - (y / big_y - 1.0 / n_pop)) if influence else None
        else:
            ratio_a = (y / mu) ** alpha
            b = float(np.dot(w, ratio_a)) / n_pop
            value = (b - 1.0) / (alpha * (alpha - 1.0))
            z = None
            if influence:
                z = (ratio_a / n_pop + (alpha - 1.0) * b / n_pop - alpha * b * y / big_y) / (
                    alpha * (alpha - 1.0)
                )
        return value, z, 0.0

    return kernel


def _ge_name(alpha: float) -> str:
    return {0.0: "mld", 1.0: "theil"}.get(alpha, f"ge[{alpha:g}]")


def ge(
    survey: Survey,
    variable: str,
    *,
    alpha: float = 2.0,
    nonpositive: NonPositive = "error",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Generalised entropy ``GE(a) = ((1/N) sum w (y/mu)^a - 1)/(a(a-1))``;
    ``a=0`` mean log deviation, ``a=1`` Theil. Needs positive values: zero or
    negative ones raise a ``DataError`` (column and count) unless
    ``nonpositive="exclude"``."""
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort=None,
        positive=("y",),
        nonpositive=nonpositive,
    )
    alpha = float(alpha)
    return run(
        sample, [Statistic(name=_ge_name(alpha), kernel=_ge_kernel(alpha), variable=variable)]
    )


def mld(
    survey: Survey,
    variable: str,
    *,
    nonpositive: NonPositive = "error",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Mean log deviation, ``GE(0) = ln mu - (1/N) sum w ln y``."""
    return ge(
        survey,
        variable,
        alpha=0.0,
        nonpositive=nonpositive,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def theil(
    survey: Survey,
    variable: str,
    *,
    nonpositive: NonPositive = "error",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Theil index, ``GE(1) = (1/Y) sum w y ln y - ln mu``."""
    return ge(
        survey,
        variable,
        alpha=1.0,
        nonpositive=nonpositive,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def _atkinson_kernel(epsilon: float) -> Kernel:
    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        n_pop = float(w.sum())
        mu = float(np.dot(w, y)) / n_pop
        if epsilon == 1.0:
            ln_y = np.log(y)
            m_ln = float(np.dot(w, ln_y)) / n_pop
            ede = math.exp(m_ln)
            dlog_ede = (ln_y - m_ln) / n_pop
        else:
            power = y ** (1.0 - epsilon)
            m = float(np.dot(w, power)) / n_pop
            ede = m ** (1.0 / (1.0 - epsilon))
            dlog_ede = (power - m) / ((1.0 - epsilon) * n_pop * m)
        value = 1.0 - ede / mu
        if not influence:
            return value, None, 0.0
        z = -(ede / mu) * (dlog_ede - (y - mu) / (n_pop * mu))
        return value, z, 0.0

    return kernel


def atkinson(
    survey: Survey,
    variable: str,
    *,
    epsilon: float = 1.0,
    nonpositive: NonPositive = "error",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Atkinson index ``1 - (equally distributed equivalent)/mu`` with inequality
    aversion ``epsilon > 0``. Needs positive values (see ``ge``)."""
    if not epsilon > 0:
        raise InsafError(f"Atkinson epsilon must be > 0, not {epsilon}")
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort=None,
        positive=("y",),
        nonpositive=nonpositive,
    )
    eps = float(epsilon)
    return run(
        sample,
        [Statistic(name=f"atkinson[{eps:g}]", kernel=_atkinson_kernel(eps), variable=variable)],
    )


# -- quantile-based measures ------------------------------------------------------------


def _isq(
    y: FloatArray, w: FloatArray, p: float, rule: QuantileRule, h: float, influence: bool
) -> tuple[float, FloatArray | None]:
    """Income share total below ``q_p``: ``sum w y 1(y <= q_p)`` and its influence
    ``y 1(y <= q) + S'(q) z(q)`` (convey ``svyisq``). ``p`` of 0 or 1 are exact."""
    if p <= 0.0:
        return 0.0, (np.zeros_like(y) if influence else None)
    if p >= 1.0:
        return float(np.dot(w, y)), (y if influence else None)
    q = weighted_quantile(y, w, p, rule)
    below = y <= q
    value = float(np.dot(w, np.where(below, y, 0.0)))
    if not influence:
        return value, None
    z = np.where(below, y, 0.0) + smooth_total_slope(y, w, q, h) * quantile_influence(y, w, q, p, h)
    return value, z


def _share_ratio_kernel(low: float, high: float, rule: QuantileRule) -> Kernel:
    """``(Y - ISQ_high) / ISQ_low``: QSR with (0.2, 0.8), Palma with (0.4, 0.9)."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        h = bandwidth(y, w) if influence else math.nan
        s_low, z_low = _isq(y, w, low, rule, h, influence)
        s_high, z_high = _isq(y, w, high, rule, h, influence)
        top = float(np.dot(w, y)) - s_high
        if s_low <= 0:
            raise DataError(
                f"the income share of the bottom {low:.0%} is not positive: the ratio is undefined"
            )
        value = top / s_low
        if z_low is None or z_high is None:
            return value, None, 0.0
        z_top = y - z_high
        return value, (s_low * z_top - top * z_low) / (s_low * s_low), 0.0

    return kernel


def _run_sorted(
    survey: Survey,
    variable: str,
    stats: Sequence[Statistic],
    *,
    by: By,
    level: Level | str | None,
    variance: VarianceMethod,
    replicates: int,
    seed: int,
) -> Estimates:
    sample = prepare(
        survey,
        {"y": variable},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )
    return run(sample, [Statistic(name=s.name, kernel=s.kernel, variable=variable) for s in stats])


def qsr(
    survey: Survey,
    variable: str,
    *,
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Quintile share ratio S80/S20: total above ``q_0.8`` over total at or below
    ``q_0.2`` (laeken ``qsr``; convey ``svyqsr`` linearization)."""
    _check_rule(rule)
    return _run_sorted(
        survey,
        variable,
        [Statistic(name="qsr", kernel=_share_ratio_kernel(0.2, 0.8, rule))],
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def palma(
    survey: Survey,
    variable: str,
    *,
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Palma ratio: share of the top 10% over the share of the bottom 40%."""
    _check_rule(rule)
    return _run_sorted(
        survey,
        variable,
        [Statistic(name="palma", kernel=_share_ratio_kernel(0.4, 0.9, rule))],
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def percentile_ratio(
    survey: Survey,
    variable: str,
    *,
    upper: float = 0.9,
    lower: float = 0.1,
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """``q_upper / q_lower`` (P90/P10 by default; P90/P50 and P50/P10 by choice)."""
    _check_rule(rule)
    for p in (upper, lower):
        if not 0.0 < p < 1.0:
            raise InsafError(f"percentiles must be in (0, 1), not {p}")

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        q_hi = weighted_quantile(y, w, upper, rule)
        q_lo = weighted_quantile(y, w, lower, rule)
        value = q_hi / q_lo
        if not influence:
            return value, None, 0.0
        h = bandwidth(y, w)
        z = (
            quantile_influence(y, w, q_hi, upper, h)
            - value * quantile_influence(y, w, q_lo, lower, h)
        ) / q_lo
        return value, z, 0.0

    name = f"p{round(upper * 100):d}/p{round(lower * 100):d}"
    return _run_sorted(
        survey,
        variable,
        [Statistic(name=name, kernel=kernel)],
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def _share_kernel(low: float, high: float, rule: QuantileRule, lorenz: bool) -> Kernel:
    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        h = bandwidth(y, w) if influence else math.nan
        s_hi, z_hi = _isq(y, w, high, rule, h, influence)
        s_lo, z_lo = _isq(y, w, low, rule, h, influence)
        big_y = float(np.dot(w, y))
        value = (s_hi - s_lo) / big_y
        if not influence:
            return value, None, 0.0
        assert z_hi is not None and z_lo is not None
        return value, (z_hi - z_lo - value * y) / big_y, 0.0

    return kernel


def lorenz(
    survey: Survey,
    variable: str,
    *,
    p: Sequence[float] = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Lorenz ordinates ``L(p) = sum w y 1(y <= q_p) / Y``, one estimate per ``p``."""
    _check_rule(rule)
    stats = [
        Statistic(name=f"lorenz[{x:g}]", kernel=_share_kernel(0.0, float(x), rule, True)) for x in p
    ]
    return _run_sorted(
        survey,
        variable,
        stats,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


def quantile_shares(
    survey: Survey,
    variable: str,
    *,
    groups: int = 5,
    rule: QuantileRule = "convey",
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Share of the total held by each of ``groups`` quantile groups (5 quintiles,
    10 deciles): ``(ISQ(j/g) - ISQ((j-1)/g)) / Y``."""
    _check_rule(rule)
    if groups < 2:
        raise InsafError("quantile shares need at least two groups")
    stats = [
        Statistic(
            name=f"share[{j}/{groups}]",
            kernel=_share_kernel((j - 1) / groups, j / groups, rule, False),
        )
        for j in range(1, groups + 1)
    ]
    return _run_sorted(
        survey,
        variable,
        stats,
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
    )


# -- concentration ------------------------------------------------------------------------


def _concentration_kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
    """``C = 2 cov(y, F(x)) / mean(y)`` with mid-point ranks of ``x``; ties in ``x``
    share one rank, so the value does not depend on the order of tied units."""
    y, x = cols["y"], cols["x"]
    n_pop = float(w.sum())
    wy = w * y
    big_y = float(wy.sum())
    if big_y == 0:
        raise DataError("the concentration coefficient needs a non-zero total of the variable")
    new = np.empty(x.shape[0], dtype=bool)
    new[:1] = True
    new[1:] = x[1:] != x[:-1]
    group = np.cumsum(new) - 1
    w_g = np.bincount(group, weights=w)
    wy_g = np.bincount(group, weights=wy)
    before = np.cumsum(w_g) - w_g
    rank = (before + w_g / 2.0)[group]  # N F_mid(x_k)
    a = float(np.dot(wy, rank))
    c = 2.0 * a / (n_pop * big_y) - 1.0
    if not influence:
        return c, None, 0.0
    above = (big_y - np.cumsum(wy_g))[group]  # sum of w y over later groups
    da = y * rank + above + wy_g[group] / 2.0
    z = (2.0 * da - (c + 1.0) * (big_y + n_pop * y)) / (n_pop * big_y)
    return c, z, 0.0


def concentration(
    survey: Survey,
    variable: str,
    *,
    rank_by: str,
    by: By = None,
    level: Level | str | None = None,
    variance: VarianceMethod = "auto",
    replicates: int = 200,
    seed: int = 1,
) -> Estimates:
    """Concentration coefficient of ``variable`` over units ranked by ``rank_by``:
    ``2 cov(y, F(x)) / mean(y)`` with mid-point ranks (equal to the Eurostat Gini
    when ``variable`` is ``rank_by`` and there are no ties)."""
    sample = prepare(
        survey,
        {"y": variable, "x": rank_by},
        by=by,
        level=level,
        variance=variance,
        replicates=replicates,
        seed=seed,
        sort="x",
    )
    return run(
        sample,
        [
            Statistic(
                name="concentration", kernel=_concentration_kernel, variable=f"{variable}|{rank_by}"
            )
        ],
    )
