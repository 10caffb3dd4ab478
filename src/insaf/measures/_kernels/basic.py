"""Kernels of totals, means, ratios, proportions and quantiles (``insaf.measures.basic``)."""

from __future__ import annotations

import numpy as np

from insaf.measures._engine import Cols, Kernel, KernelOut, Statistic
from insaf.measures._kernels.arrays import dot
from insaf.measures._kernels.quantile import quantile, quantile_influence
from insaf.measures.types import QuantileRule
from insaf.measures.variance import FloatArray

__all__ = ["indicator_mean", "mean", "quantile_at", "ratio", "total"]


def total(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
    """``sum w y``; influence ``y``."""
    y = cols["y"]
    return float(dot(w, y)), (y if influence else None), 0.0


def mean(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
    """``sum w y / N``; influence ``(y - mean)/N``."""
    y = cols["y"]
    n_pop = float(w.sum())
    m = float(dot(w, y)) / n_pop
    return m, ((y - m) / n_pop if influence else None), 0.0


def ratio(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
    """``sum w y / sum w x``; influence ``(y - R x)/X``."""
    y, x = cols["y"], cols["x"]
    big_x = float(dot(w, x))
    r = float(dot(w, y)) / big_x
    return r, ((y - r * x) / big_x if influence else None), 0.0


def indicator_mean(value: float | None) -> Kernel:
    """The mean of ``y`` (a 0/1 column), or of ``1(y == value)``."""
    if value is None:
        return mean

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        return mean({"y": (cols["y"] == value).astype(np.float64)}, w, t, influence)

    return kernel


def quantile_at(p: float, rule: QuantileRule) -> Statistic:
    """The weighted quantile at ``p``, kernel-linearized (convey ``svyiqalpha``)."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        q = quantile(y, w, p, rule)
        return q, (quantile_influence(y, w, q, p) if influence else None), 0.0

    return Statistic(name=f"quantile[{p:g}]", kernel=kernel)
