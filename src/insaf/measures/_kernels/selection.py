"""A weighted quantile and kernel sums of rows in table order, without sorting them all.

``quantile`` selects: a systematic sample of the rows (every ``k``-th) brackets
the quantile between two of its values, and only the rows between them are
sorted. With the weight below the bracket, their cumulative weights are those
of the full sort, so the rule (``insaf.measures._kernels.quantile``) picks the
same row; when the bracket misses (the sample was unlucky, or the deciding rows
lie outside it) every row is sorted.

``kernel_sums`` gives ``sum w phi((x - y)/h)`` per domain reading only the rows
within ``REACH`` bandwidths of ``x`` (a row further away adds less than
``exp(-49)`` times its weight); when the weight left out could change a sum at
``1e-17`` relative, that domain is summed over all its rows.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from insaf.measures._kernels.arrays import dot, sorted_order
from insaf.measures._kernels.quantile import HIT, from_cumulative
from insaf.measures._kernels.quantile import quantile as sorted_quantile
from insaf.measures.types import QuantileRule
from insaf.measures.variance import FloatArray

__all__ = ["REACH", "SAMPLE", "SMALL", "Codes", "kernel_sums", "quantile"]

Codes = np.ndarray[Any, np.dtype[np.integer[Any]]]
"""Each unit's domain code (any integer type)."""

SMALL = 1 << 16
"""Fewer rows than this are sorted: selection would save little."""
SAMPLE = 1 << 15
"""About how many rows the systematic sample reads."""
MARGIN = 4.0
"""The bracket's half-width in standard errors of the sample's distribution function."""
REACH = 10.0
"""Kernel sums read the rows within this many bandwidths of the point."""
_LEFT_OUT = math.exp(-0.5 * 9.9**2)  # the kernel beyond REACH bandwidths, less rounding
_RELATIVE = 1e-17


def quantile(y: FloatArray, w: FloatArray, p: float, rule: QuantileRule) -> float:
    """The weighted quantile of ``y`` (any order; weights ``w`` >= 0) under ``rule``:
    ``quantile(y[o], w[o], p, rule)`` for ``o`` the stable sort of ``y``."""
    if y.shape[0] >= SMALL:
        found = _bracketed(y, w, p, rule)
        if found is not None:
            return found
    order, ranked = sorted_order(y)
    return sorted_quantile(ranked, np.take(w, order), p, rule)


def _bracketed(y: FloatArray, w: FloatArray, p: float, rule: QuantileRule) -> float | None:
    """The quantile from the rows between two values of a systematic sample, or
    ``None`` when the rule might decide outside them."""
    step = max(y.shape[0] // SAMPLE, 1)
    order, ys = sorted_order(np.ascontiguousarray(y[::step]))
    cs = np.cumsum(np.take(w[::step], order))
    if not cs[-1] > 0:
        return None
    margin = MARGIN * math.sqrt(p * (1.0 - p) / ys.shape[0])
    last = ys.shape[0] - 1
    lo = ys[min(int(np.searchsorted(cs, (p - margin) * cs[-1])), last)]
    hi = ys[min(int(np.searchsorted(cs, (p + margin) * cs[-1])), last)]
    inside = np.greater_equal(y, lo)
    inside &= np.less_equal(y, hi)
    rows = np.flatnonzero(inside)
    total = float(w.sum())
    before = float(np.einsum("i,i->", w, np.less(y, lo)))  # casts in small blocks
    if not total > 0 or not before / total < p - HIT:
        return None
    order, ranked = sorted_order(np.take(y, rows))
    cw = np.cumsum(np.take(np.take(w, rows), order))
    cw += before
    if not float(cw[-1]) / total > p + HIT:
        return None
    return from_cumulative(ranked, cw, total, p, rule)


def kernel_sums(
    y: FloatArray,
    w: FloatArray,
    codes: Codes | None,
    n_pop: FloatArray,
    x: float,
    h: FloatArray,
) -> FloatArray:
    """``sum w exp(-((x - y)/h_d)^2 / 2)`` over each domain ``d`` (``codes``, ``None``
    for one domain; ``n_pop`` its weight, ``h`` its bandwidth), as
    ``dot(w_d, _phi(x, y_d, h_d))`` over the domain's rows."""
    n_dom = n_pop.shape[0]
    reach = REACH * float(h.max())
    near = np.greater_equal(y, x - reach)
    near &= np.less_equal(y, x + reach)
    rows = np.flatnonzero(near)
    w_near = np.take(w, rows)
    u = np.take(y, rows)  # as quantile._phi, with each row's domain's bandwidth
    np.subtract(x, u, out=u)
    if codes is None:
        u /= h[0]
    else:
        c_near = np.take(codes, rows)
        u /= np.take(h, c_near)
    np.multiply(u, u, out=u)
    u *= -0.5
    np.exp(u, out=u)
    u *= w_near
    if codes is None:
        sums = np.array([float(u.sum())])
        held = np.array([float(w_near.sum())])
    else:
        sums = np.bincount(c_near, weights=u, minlength=n_dom)
        held = np.bincount(c_near, weights=w_near, minlength=n_dom)
    for d in np.flatnonzero((n_pop - held) * _LEFT_OUT > _RELATIVE * sums).tolist():
        mine = slice(None) if codes is None else codes == d
        y_d, w_d = y[mine], w[mine]
        u_d = np.subtract(x, y_d)
        u_d /= h[d]
        np.multiply(u_d, u_d, out=u_d)
        u_d *= -0.5
        sums[d] = dot(w_d, np.exp(u_d, out=u_d))
    out: FloatArray = sums.astype(np.float64)
    return out
