"""Kernels of the poverty measures (``insaf.measures.poverty``).

A poverty kernel reads the line from the role ``line`` (a line per unit) or,
failing that, from the threshold ``t`` (a fixed line, or a relative line
estimated on the whole population by ``threshold``).
"""

from __future__ import annotations

import math

import numpy as np

from insaf.errors import InsafError, said
from insaf.measures._engine import Cols, Kernel, KernelOut, Statistic, ThresholdKernel
from insaf.measures._kernels.arrays import dot
from insaf.measures._kernels.inequality import gini
from insaf.measures._kernels.quantile import bandwidth, density, quantile, quantile_influence
from insaf.measures.types import Below, Line, QuantileRule, Relative
from insaf.measures.variance import FloatArray

__all__ = [
    "at_line",
    "check_line",
    "fgt",
    "gap_total",
    "poor",
    "relative_threshold",
    "rmpg",
    "sen",
    "threshold",
    "watts",
]


def threshold(line: Relative, rule: QuantileRule) -> ThresholdKernel:
    """The whole-population threshold and its influence values (convey ``svyarpt``)."""

    def kernel(cols: Cols, w: FloatArray, influence: bool) -> tuple[float, FloatArray | None]:
        y = cols["y"]
        if line.of == "median":
            med = quantile(y, w, 0.5, rule)
            z = line.share * quantile_influence(y, w, med, 0.5) if influence else None
            return line.share * med, z
        n_pop = float(w.sum())
        mu = float(dot(w, y)) / n_pop
        return line.share * mu, (line.share * (y - mu) / n_pop if influence else None)

    return kernel


def relative_threshold(line: Relative, rule: QuantileRule) -> Kernel:
    """Each domain's own ``share * median`` (or mean) as a statistic (``arpt``)."""
    whole = threshold(line, rule)

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        value, z = whole(cols, w, influence)
        return value, z, 0.0

    return kernel


def at_line(inner: Kernel, line: float) -> Kernel:
    """``inner`` with the fixed poverty line ``line`` in place of a threshold."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        return inner(cols, w, line, influence)

    return kernel


def poor(y: FloatArray, line: FloatArray | float, below: Below) -> FloatArray:
    return (y < line) if below == "<" else (y <= line)  # type: ignore[return-value]


def _line_of(cols: Cols, t: float) -> FloatArray | float:
    return cols.get("line", t)


def check_line(line: Line) -> None:
    if isinstance(line, float | int) and not isinstance(line, bool) and not line > 0:
        raise InsafError(
            said(
                "a poverty line must be positive, not {line}",
                line=line,
            )
        )


def check_alpha(alpha: float) -> None:
    """FGT's ``alpha``: 0 (headcount), 1 (gap), 2 (severity) or any other non-negative."""
    if alpha < 0:
        raise InsafError(said("FGT alpha must be >= 0, not {alpha}", alpha=alpha))


def check_below(below: str) -> None:
    """``below``: who is poor, ``"<"`` or ``"<="`` the line."""
    if below not in ("<", "<="):
        raise InsafError(
            said(
                "below must be '<' or '<=', not {below}",
                below=repr(below),
            )
        )


def fgt(alpha: float, below: Below, relative: bool) -> Statistic:
    """``P_alpha``; with a relative line, its derivative with respect to the line."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        line = _line_of(cols, t)
        is_poor = poor(y, line, below)
        n_pop = float(w.sum())
        if alpha == 0:
            h = is_poor.astype(np.float64)
        else:
            gap = np.where(is_poor, (line - y) / line, 0.0)
            h = np.where(is_poor, gap**alpha, 0.0)
        value = float(dot(w, h)) / n_pop
        if not influence:
            return value, None, 0.0
        z = np.subtract(h, value, out=h)  # (h - value) / n_pop, in place
        z /= n_pop
        slope = 0.0
        if relative:
            if alpha == 0:
                slope = density(y, w, t)
            else:
                base = np.where(is_poor, (t - y) / t, 1.0) ** (alpha - 1)
                slope = alpha * float(dot(w * is_poor, base * y)) / (t * t * n_pop)
        return value, z, slope

    return Statistic(name=f"fgt{alpha:g}", kernel=kernel)


def watts(below: Below, relative: bool) -> Statistic:
    """``(1/N) sum w ln(t/y) 1(poor)`` (``y > 0`` is checked before)."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        line = _line_of(cols, t)
        is_poor = poor(y, line, below)
        h = np.where(is_poor, np.log(line / y), 0.0)
        n_pop = float(w.sum())
        value = float(dot(w, h)) / n_pop
        if not influence:
            return value, None, 0.0
        slope = float(dot(w, is_poor)) / (n_pop * t) if relative else 0.0
        return value, (h - value) / n_pop, slope

    return Statistic(name="watts", kernel=kernel)


def sen(below: Below, relative: bool = False) -> Statistic:
    """``S = P0 G_p + P1 (1 - G_p)`` (see ``insaf.measures.poverty.sen``)."""
    gini_poor = gini("osier")

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        line = _line_of(cols, t)
        is_poor = poor(y, line, below)
        n_pop = float(w.sum())
        gap = np.where(is_poor, (line - y) / line, 0.0)
        p0 = float(dot(w, is_poor)) / n_pop
        p1 = float(dot(w, gap)) / n_pop
        idx = np.flatnonzero(is_poor)
        gp, z_gp = 0.0, None
        n_p = float(w[idx].sum())
        y_p = float(dot(w[idx], y[idx]))
        if idx.size and y_p > 0:
            gp, z_gp, _ = gini_poor({"y": y[idx]}, w[idx], math.nan, influence)
        value = p0 * gp + p1 * (1.0 - gp)
        if not influence:
            return value, None, 0.0
        z = gp * (is_poor - p0) / n_pop + (1.0 - gp) * (gap - p1) / n_pop
        if z_gp is not None:
            z[idx] += (p0 - p1) * z_gp
        slope = 0.0
        if relative:
            f_t = density(y, w, t)
            dp1 = float(dot(w * is_poor, y)) / (t * t * n_pop)
            dgp = 0.0
            if z_gp is not None:  # a unit at the top of the poor, y = t, times dN_p/dt
                top = (2.0 * n_p * t - t - (gp + 1.0) * (y_p + n_p * t)) / (n_p * y_p)
                dgp = top * n_pop * f_t
            slope = gp * f_t + (1.0 - gp) * dp1 + (p0 - p1) * dgp
        return value, z, slope

    return Statistic(name="sen", kernel=kernel)


def gap_total(below: Below, relative: bool) -> Statistic:
    """``sum w (t - y) 1(poor)``, a total in money."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        line = _line_of(cols, t)
        is_poor = poor(y, line, below)
        h = np.where(is_poor, line - y, 0.0)
        value = float(dot(w, h))
        slope = float(dot(w, is_poor)) if relative and influence else 0.0
        return value, (h if influence else None), slope

    return Statistic(name="poverty_gap_total", kernel=kernel)


def rmpg(below: Below, rule: QuantileRule) -> Statistic:
    """``(t - median of the poor)/t`` (convey ``svyrmpg``/``svypoormed``)."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        y = cols["y"]
        is_poor = poor(y, t, below)
        idx = np.flatnonzero(is_poor)
        if idx.size == 0 or float(w[idx].sum()) == 0:
            return math.nan, (np.zeros_like(y) if influence else None), 0.0
        medp = quantile(y[idx], w[idx], 0.5, rule)
        value = 1.0 - medp / t
        if not influence:
            return value, None, 0.0
        n_pop = float(w.sum())
        h = bandwidth(y, w)
        f_medp = density(y, w, medp, h)
        f_t = density(y, w, t, h)
        if_medp = ((y <= medp).astype(np.float64) - 0.5 * is_poor) / n_pop
        z = if_medp / (f_medp * t)
        slope = medp / (t * t) - 0.5 * f_t / (f_medp * t)
        return value, z, slope

    return Statistic(name="rmpg", kernel=kernel)
