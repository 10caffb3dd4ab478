"""Kernels of the inequality measures (``insaf.measures.inequality``, whose
docstring says how their influence values are derived).
"""

from __future__ import annotations

import math

import numpy as np

from insaf.errors import DataError, InsafError, said
from insaf.measures._engine import Cols, Kernel, KernelOut
from insaf.measures._kernels.arrays import dot
from insaf.measures._kernels.quantile import (
    bandwidth,
    quantile,
    quantile_influence,
    smooth_total_slope,
)
from insaf.measures.types import GiniEstimator, QuantileRule
from insaf.measures.variance import FloatArray

__all__ = [
    "atkinson",
    "check_estimator",
    "concentration",
    "ge",
    "ge_name",
    "gini",
    "income_share",
    "percentile_ratio",
    "share_ratio",
]


def gini(estimator: GiniEstimator) -> Kernel:
    """Gini over rows sorted by ``y``; ``r_k`` the cumulative weight including ``k``.

    osier (convey, vardpoor): ``G = (2 sum w r y - sum w y)/(N Y) - 1``;
    eurostat (laeken): ``sum w^2 y`` in place of ``sum w y``. ``z_k = dG/dw_k``:
    with ``T_k`` the sum of ``w y`` over rows ``j >= k`` and ``C_k`` over ``j <= k``
    (``T_k = Y - C_k + w_k y_k``),

        z_k = (2 (r_k y_k + T_k) - o_k - (G + 1)(Y + N y_k)) / (N Y)
            = (y_k (2 r_k + 2 e w_k - e - (G + 1) N) - 2 C_k + (1 - G) Y) / (N Y)

    with ``o_k = y_k`` and ``e = 1`` for osier, ``o_k = 2 w_k y_k`` and ``e = 0`` for
    eurostat; the second line is what is computed (five passes fewer than the first).
    """

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        wy = w * y
        r = np.cumsum(w)
        n_pop = float(r[-1])
        big_y = float(wy.sum())
        if big_y <= 0:
            raise DataError(
                said(
                    "the Gini needs a positive total of the variable in every domain",
                )
            )
        second = big_y if estimator == "osier" else float(dot(w, wy))
        a = 2.0 * float(dot(r, wy)) - second
        g = a / (n_pop * big_y) - 1.0
        if not influence:
            return g, None, 0.0
        # in place, in the order of the second line (the same numbers to rounding)
        cum = np.cumsum(wy)
        if estimator == "osier":
            r += w
            r -= 0.5 + 0.5 * (g + 1.0) * n_pop
        else:
            r -= 0.5 * (g + 1.0) * n_pop
        r *= y  # y (r [+ w] - shift): half the first term
        r -= cum
        r *= 2.0 / (n_pop * big_y)
        r += (1.0 - g) / n_pop
        return g, r, 0.0

    return kernel


def check_estimator(estimator: str) -> None:
    if estimator not in ("osier", "eurostat"):
        raise InsafError(
            said(
                "unknown Gini estimator {estimator}; choose osier or eurostat",
                estimator=repr(estimator),
            )
        )


def ge(alpha: float) -> Kernel:
    """Generalised entropy ``GE(alpha)``; 0 the mean log deviation, 1 Theil."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        n_pop = float(w.sum())
        big_y = float(dot(w, y))
        mu = big_y / n_pop
        if alpha == 0.0:
            ln_y = np.log(y)
            mean_ln = float(dot(w, ln_y)) / n_pop
            value = math.log(mu) - mean_ln
            z = (y / big_y - 1.0 / n_pop - (ln_y - mean_ln) / n_pop) if influence else None
        elif alpha == 1.0:
            yln = y * np.log(y)
            s = float(dot(w, yln))
            value = s / big_y - math.log(mu)
            z = (yln / big_y - s * y / big_y**2 - (y / big_y - 1.0 / n_pop)) if influence else None
        else:
            ratio_a = (y / mu) ** alpha
            b = float(dot(w, ratio_a)) / n_pop
            value = (b - 1.0) / (alpha * (alpha - 1.0))
            z = None
            if influence:
                z = (ratio_a / n_pop + (alpha - 1.0) * b / n_pop - alpha * b * y / big_y) / (
                    alpha * (alpha - 1.0)
                )
        return value, z, 0.0

    return kernel


def ge_name(alpha: float) -> str:
    return {0.0: "mld", 1.0: "theil"}.get(alpha, f"ge[{alpha:g}]")


def atkinson(epsilon: float) -> Kernel:
    """``1 - (equally distributed equivalent)/mu``."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        n_pop = float(w.sum())
        mu = float(dot(w, y)) / n_pop
        if epsilon == 1.0:
            ln_y = np.log(y)
            m_ln = float(dot(w, ln_y)) / n_pop
            ede = math.exp(m_ln)
            dlog_ede = (ln_y - m_ln) / n_pop
        else:
            power = y ** (1.0 - epsilon)
            m = float(dot(w, power)) / n_pop
            ede = m ** (1.0 / (1.0 - epsilon))
            dlog_ede = (power - m) / ((1.0 - epsilon) * n_pop * m)
        value = 1.0 - ede / mu
        if not influence:
            return value, None, 0.0
        z = -(ede / mu) * (dlog_ede - (y - mu) / (n_pop * mu))
        return value, z, 0.0

    return kernel


def _isq(
    y: FloatArray, w: FloatArray, p: float, rule: QuantileRule, h: float, influence: bool
) -> tuple[float, FloatArray | None]:
    """Income share total below ``q_p``: ``sum w y 1(y <= q_p)`` and its influence
    ``y 1(y <= q) + S'(q) z(q)`` (convey ``svyisq``). ``p`` of 0 or 1 are exact."""
    if p <= 0.0:
        return 0.0, (np.zeros_like(y) if influence else None)
    if p >= 1.0:
        return float(dot(w, y)), (y if influence else None)
    q = quantile(y, w, p, rule)
    below = y <= q
    value = float(dot(w, np.where(below, y, 0.0)))
    if not influence:
        return value, None
    z = np.where(below, y, 0.0) + smooth_total_slope(y, w, q, h) * quantile_influence(y, w, q, p, h)
    return value, z


def _isq_at(
    y: FloatArray, w: FloatArray, low: float, high: float, rule: QuantileRule, influence: bool
) -> tuple[tuple[float, FloatArray | None], tuple[float, FloatArray | None]]:
    """``_isq`` at ``low`` and at ``high``, with one kernel bandwidth."""
    h = bandwidth(y, w) if influence else math.nan
    return _isq(y, w, low, rule, h, influence), _isq(y, w, high, rule, h, influence)


def share_ratio(low: float, high: float, rule: QuantileRule) -> Kernel:
    """``(Y - ISQ_high) / ISQ_low``: QSR with (0.2, 0.8), Palma with (0.4, 0.9)."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        (s_low, z_low), (s_high, z_high) = _isq_at(y, w, low, high, rule, influence)
        top = float(dot(w, y)) - s_high
        if s_low <= 0:
            raise DataError(
                said(
                    "the income share of the bottom {low:.0%} is not positive: the ratio "
                    "is undefined",
                    low=low,
                )
            )
        value = top / s_low
        if z_low is None or z_high is None:
            return value, None, 0.0
        z_top = y - z_high
        return value, (s_low * z_top - top * z_low) / (s_low * s_low), 0.0

    return kernel


def percentile_ratio(upper: float, lower: float, rule: QuantileRule) -> Kernel:
    """``q_upper / q_lower``."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        q_hi = quantile(y, w, upper, rule)
        q_lo = quantile(y, w, lower, rule)
        value = q_hi / q_lo
        if not influence:
            return value, None, 0.0
        h = bandwidth(y, w)
        z = (
            quantile_influence(y, w, q_hi, upper, h)
            - value * quantile_influence(y, w, q_lo, lower, h)
        ) / q_lo
        return value, z, 0.0

    return kernel


def income_share(low: float, high: float, rule: QuantileRule) -> Kernel:
    """``(ISQ(high) - ISQ(low)) / Y``: a Lorenz ordinate (``low = 0``) or a group's share."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        (s_lo, z_lo), (s_hi, z_hi) = _isq_at(y, w, low, high, rule, influence)
        big_y = float(dot(w, y))
        value = (s_hi - s_lo) / big_y
        if not influence:
            return value, None, 0.0
        assert z_hi is not None and z_lo is not None
        return value, (z_hi - z_lo - value * y) / big_y, 0.0

    return kernel


def concentration(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
    """``C = 2 cov(y, F(x)) / mean(y)`` with mid-point ranks of ``x``; ties in ``x``
    share one rank, so the value does not depend on the order of tied units."""
    y, x = cols["y"], cols["x"]
    n_pop = float(w.sum())
    wy = w * y
    big_y = float(wy.sum())
    if big_y == 0:
        raise DataError(
            said(
                "the concentration coefficient needs a non-zero total of the variable",
            )
        )
    new = np.empty(x.shape[0], dtype=bool)
    new[:1] = True
    new[1:] = x[1:] != x[:-1]
    group = np.cumsum(new) - 1
    w_g = np.bincount(group, weights=w)
    wy_g = np.bincount(group, weights=wy)
    before = np.cumsum(w_g) - w_g
    rank = (before + w_g / 2.0)[group]  # N F_mid(x_k)
    a = float(dot(wy, rank))
    c = 2.0 * a / (n_pop * big_y) - 1.0
    if not influence:
        return c, None, 0.0
    above = (big_y - np.cumsum(wy_g))[group]  # sum of w y over later groups
    da = y * rank + above + wy_g[group] / 2.0
    z = (2.0 * da - (c + 1.0) * (big_y + n_pop * y)) / (n_pop * big_y)
    return c, z, 0.0
