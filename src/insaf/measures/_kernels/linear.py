"""Kernels for means, ratios and group shares of named columns.

The multidimensional poverty index, the decompositions and the equity measures
are built from a few smooth statistics of prepared columns:

- ``mean_of(y)``: ``sum w y / N``, influence ``(y - m)/N``;
- ``ratio_of(y, x)``: ``sum w y / sum w x``, influence ``(y - R x)/X``;
- ``part_of(y, g, code)``: ``sum_{g = code} w y / sum w y`` (a group's share
  of a total), the ratio of ``y 1(g = code)`` to ``y``;
- ``share_of(g, code)``: ``N_g / N``, the mean of ``1(g = code)``.

Group statistics are computed over the whole sample (one domain) and then
labelled with their group by ``label_groups``.

A ratio whose denominator is zero is undefined: the value is NaN and the
influence zero (the standard error is then reported as 0 next to a missing
value, never a silent number).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from insaf.measures._engine import Cols, Kernel, KernelOut, ReplicateTotals
from insaf.measures._kernels.arrays import dot
from insaf.measures._sample import Sample
from insaf.measures.estimate import Estimate
from insaf.measures.variance import FloatArray

__all__ = ["label_groups", "mean_of", "part_of", "ratio_of", "share_of"]


Parts = Callable[[Cols], tuple[FloatArray, FloatArray | None]]


@dataclass(frozen=True)
class _Linear:
    """A ratio of weighted totals ``sum w num / sum w den`` (``den`` ``None``: the
    population): ``kernel`` gives the value and influence, ``parts`` the two
    columns, from which every replicate's value follows at once."""

    kernel: Kernel
    parts: Parts

    def __call__(self, cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        return self.kernel(cols, w, t, influence)

    def replicated(self, cols: Cols, totals: ReplicateTotals) -> FloatArray:
        num, den = self.parts(cols)
        den = np.ones_like(num) if den is None else den
        codes = np.zeros(num.shape[0], dtype=np.int64)
        both = totals(codes, 1, (num, den))[:, 0, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            out: FloatArray = np.where(both[:, 1] == 0, math.nan, both[:, 0] / both[:, 1])
        return out


def mean_of(y: str) -> Kernel:
    """Weighted mean of column ``y``."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        v = cols[y]
        n_pop = float(w.sum())
        m = float(dot(w, v)) / n_pop
        return m, ((v - m) / n_pop if influence else None), 0.0

    return _Linear(kernel, lambda cols: (cols[y], None))


def _ratio(num: FloatArray, den: FloatArray, w: FloatArray, influence: bool) -> KernelOut:
    big_x = float(dot(w, den))
    if big_x == 0:
        return math.nan, (np.zeros_like(num) if influence else None), 0.0
    r = float(dot(w, num)) / big_x
    return r, ((num - r * den) / big_x if influence else None), 0.0


def ratio_of(y: str, x: str) -> Kernel:
    """Ratio of totals ``sum w y / sum w x``."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        return _ratio(cols[y], cols[x], w, influence)

    return _Linear(kernel, lambda cols: (cols[y], cols[x]))


def _part(y: str, group: str, code: float) -> Parts:
    def parts(cols: Cols) -> tuple[FloatArray, FloatArray | None]:
        v = cols[y]
        return np.where(cols[group] == code, v, 0.0), v

    return parts


def part_of(y: str, group: str, code: float) -> Kernel:
    """Share of the total of ``y`` held by units whose ``group`` column equals ``code``."""
    parts = _part(y, group, code)

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        num, den = parts(cols)
        assert den is not None
        return _ratio(num, den, w, influence)

    return _Linear(kernel, parts)


def share_of(group: str, code: float) -> Kernel:
    """Population share ``N_g / N`` of the units whose ``group`` column equals ``code``."""

    def kernel(cols: Cols, w: FloatArray, t: float, influence: bool) -> KernelOut:
        inside = (cols[group] == code).astype(np.float64)
        n_pop = float(w.sum())
        s = float(dot(w, inside)) / n_pop
        return s, ((inside - s) / n_pop if influence else None), 0.0

    return _Linear(kernel, lambda cols: ((cols[group] == code).astype(np.float64), None))


def label_groups(
    estimates: Sequence[Estimate], sample: Sample, groups: pl.DataFrame, group: str
) -> list[Estimate]:
    """Whole-sample estimates, ``len(estimates) / G`` per group in group order,
    labelled with their group's domain, unweighted count and population."""
    per_group = len(estimates) // groups.height
    out = []
    for i, est in enumerate(estimates):
        g = i // per_group
        inside = sample.cols[group] == g
        out.append(
            replace(
                est,
                domain=groups.row(g, named=True),
                n=int(inside.sum()),
                population=float(sample.w[inside].sum()),
            )
        )
    return out
