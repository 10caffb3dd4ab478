"""Shared numeric pieces over one domain's rows, sorted ascending by ``y``.

Quantile rules (``p`` in (0, 1); ``F`` the weighted empirical distribution
function, ``F_k = cumsum(w)_k / sum(w)``):

- ``"convey"``: ``min{y : F(y) >= p}``. convey's ``computeQuantiles`` and R
  ``survey::svyquantile(qrule="math")`` (the default).
- ``"eurostat"``: the same, except that when ``F`` hits ``p`` exactly at ``y_j``
  the result is the average of ``y_j`` and the next value: Eurostat's rule and R
  ``svyquantile(qrule="school")``.
- ``"laeken"``: ``min{y : F(y) > p}``, which is what ``laeken::weightedQuantile``
  0.5.2 computes (its averaging branch is unreachable because it selects the
  first ``F > p``). It differs from ``"eurostat"`` only when ``F`` hits ``p``
  exactly.

Kernel density (convey ``h_fun``/``densfun``): ``h = sigma N^(-1/5)``,
``f(x) = sum w phi((x - y)/h) / (N h)``, ``S'(x) = sum w y phi((x - y)/h) / h``.
"""

from __future__ import annotations

import math

import numpy as np

from insaf.errors import DataError, InsafError, said
from insaf.measures._kernels.arrays import dot
from insaf.measures.types import QUANTILE_RULES, QuantileRule
from insaf.measures.variance import FloatArray

__all__ = [
    "CONSTANT",
    "bandwidth",
    "check_rule",
    "density",
    "from_cumulative",
    "quantile",
    "quantile_influence",
    "smooth_total_slope",
]

_SQRT_2PI = math.sqrt(2.0 * math.pi)
HIT = 1e-12
CONSTANT = said(
    "the variable is constant in this domain: the kernel density has no bandwidth, so "
    "the linearized standard error of a quantile-based measure is undefined "
    "(use replicate weights, or check the variable)"
)


def check_rule(rule: str) -> None:
    """An ``InsafError`` naming the rules when ``rule`` is not one of ``QUANTILE_RULES``
    (every engine, in memory, streamed or on Spark, checks with this one)."""
    if rule not in QUANTILE_RULES:
        raise InsafError(
            said(
                "unknown quantile rule {rule}; choose one of {quantile_rules}",
                rule=repr(rule),
                quantile_rules=", ".join(QUANTILE_RULES),
            )
        )


def quantile(y: FloatArray, w: FloatArray, p: float, rule: QuantileRule) -> float:
    """Weighted quantile of sorted ``y`` under ``rule`` (zero weights never selected).

    ``F`` is compared with ``p`` with an absolute tolerance of ``HIT = 1e-12``, so
    an exact hit is not lost to rounding in the cumulative sum (with 6 equal
    weights of 0.01, ``F_3`` computes as 0.49999999999999994): R compares
    exactly and can therefore differ from INSAF on such data, never otherwise.
    """
    cw = np.cumsum(w)
    return from_cumulative(y, cw, float(cw[-1]), p, rule)


def from_cumulative(
    y: FloatArray, cw: FloatArray, total: float, p: float, rule: QuantileRule
) -> float:
    """``quantile`` from sorted ``y``, the cumulative weights ``cw`` at its rows and the
    total weight: the rows may be a run of a longer sorted column (``cw`` then counts
    the weight before the run), provided the rule decides within the run."""
    if total <= 0:
        return math.nan
    n = cw.shape[0]
    if rule == "laeken":
        i = _first(cw, total, p + HIT, strict=True)
        return float(y[min(i, n - 1)])
    i = _first(cw, total, p - HIT, strict=False)
    if i >= n:
        return float(y[n - 1])
    if rule == "eurostat" and abs(float(cw[i]) / total - p) <= HIT:
        j = _first(cw, total, p + HIT, strict=True)
        if j < n:
            return float((y[i] + y[j]) / 2.0)
    # the first F >= p always has a positive weight (F does not rise on zero weights)
    return float(y[i])


def _first(cw: FloatArray, total: float, level: float, *, strict: bool) -> int:
    """The first ``i`` with ``F_i = cw[i] / total`` at or above ``level`` (above it when
    ``strict``): ``np.searchsorted(cw / total, level, side)`` without dividing the
    whole array. ``F`` is non-decreasing (weights are >= 0), so a bisection that
    divides only the entries it reads finds the same ``i``."""
    lo, hi = 0, cw.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        f = float(cw[mid]) / total
        if f > level or (not strict and f == level):
            hi = mid
        else:
            lo = mid + 1
    return lo


def bandwidth(y: FloatArray, w: FloatArray) -> float:
    """convey's ``h_fun``: ``sd * N^(-1/5)`` with the weighted population sd."""
    n_pop = float(w.sum())
    sd = math.sqrt(max((float(dot(w, y * y)) - float(dot(w, y)) ** 2 / n_pop) / n_pop, 0.0))
    if not sd > 0:
        raise DataError(CONSTANT)
    return sd / math.exp(0.2 * math.log(n_pop))


def density(y: FloatArray, w: FloatArray, x: float, h: float | None = None) -> float:
    """Gaussian kernel density of the weighted ``y`` at ``x`` (convey ``densfun(FUN="F")``)."""
    h = bandwidth(y, w) if h is None else h
    return float(dot(w, _phi(x, y, h)) / _SQRT_2PI / (float(w.sum()) * h))


def _phi(x: float, y: FloatArray, h: float) -> FloatArray:
    """``exp(-u^2 / 2)`` for ``u = (x - y) / h``, in one array (the kernel without
    its constant)."""
    u = np.subtract(x, y)
    u /= h
    np.multiply(u, u, out=u)
    u *= -0.5  # -(u u) / 2, exactly: halving and negating are exact
    return np.exp(u, out=u)


def smooth_total_slope(y: FloatArray, w: FloatArray, x: float, h: float | None = None) -> float:
    """``S'(x) = sum w y phi((x - y)/h) / h`` (convey ``densfun(FUN="big_s")``)."""
    h = bandwidth(y, w) if h is None else h
    return float(dot(w * y, _phi(x, y, h)) / _SQRT_2PI / h)


def quantile_influence(
    y: FloatArray, w: FloatArray, q: float, p: float, h: float | None = None
) -> FloatArray:
    """``z_k(q_p) = -(1(y_k <= q) - p) / (N f(q))`` (convey ``svyiqalpha``)."""
    n_pop = float(w.sum())
    f = density(y, w, q, h)
    z = (y <= q).astype(np.float64)  # in place: -(1(y <= q) - p) / (N f)
    np.subtract(p, z, out=z)  # p - a is -(a - p) exactly
    z /= n_pop * f
    return z
