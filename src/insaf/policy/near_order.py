"""The sort order of a column from that of a column it equals on most rows.

The marginal contributions of an impact (``insaf.policy.fiscal_system``)
measure the Gini of final income without each instrument, ``y - a_k``: one
stable sort per instrument and state. An instrument paid to few households
changes few rows, and a reform changes few rows of every such column; the
rows that did not change keep their order. ``merged_order`` takes the
unchanged rows in the order of the column already sorted, sorts the changed
ones, and merges the two: the result is, index for index, the stable sort of
the new column (ties in row order), so every statistic computed from it is the
same number. It is faster than a sort only when few rows changed (``NEAR``). Measured at a
million incomes, in CPU time, against ``stable_argsort`` (16 ms for the
incomes, 22 ms once some have changed): merging 1 % of changed rows takes
16 ms, 3 % 17 ms, 5 % 20 ms, and 10 % 27 ms, longer than sorting. (Against
the radix sort it replaced, 38 ms, merging paid up to about a third of the
rows changed.)
"""

from __future__ import annotations

import numpy as np

from insaf.measures._kernels.arrays import stable_argsort
from insaf.measures.variance import FloatArray, IntArray

__all__ = ["NEAR", "TIES", "merged_order"]

NEAR = 0.04
"""Merge when at most this share of rows changed; sort afresh otherwise."""

TIES = 1000
"""Changed rows tied with an unchanged row that are placed one by one; with more
ties than this, the column is sorted afresh."""


def merged_order(values: FloatArray, base: FloatArray, base_order: IntArray) -> IntArray | None:
    """``stable_argsort(values)`` from ``base_order = stable_argsort(base)`` (no NaN in
    either), or ``None`` when more than ``NEAR`` of the rows differ or more than
    ``TIES`` changed rows tie with unchanged ones (then sorting is as fast)."""
    n = values.shape[0]
    changed = values != base  # -0.0 equals 0.0, and the sort ties them too
    rows = np.flatnonzero(changed)
    m = rows.size
    if m > NEAR * n:
        return None
    if m == 0:
        return base_order
    kept = base_order[~changed[base_order]]  # unchanged rows, still in order
    kept_values = values[kept]
    moved = stable_argsort(values[rows])  # ties in row order, as rows ascend
    rows = rows[moved]
    new_values = values[rows]
    at = np.searchsorted(kept_values, new_values, side="left")
    inside = at < kept_values.size
    tied = np.flatnonzero(inside)
    tied = tied[kept_values[at[tied]] == new_values[tied]]  # an unchanged row of equal value
    if tied.size > TIES:
        return None
    end = np.searchsorted(kept_values, new_values[tied], side="right")
    for j, stop in zip(tied, end, strict=True):  # equal values in row order (kept[at:stop] ascends)
        at[j] += np.searchsorted(kept[at[j] : stop], rows[j])
    at += np.arange(m)  # each changed row after the changed rows before it
    out = np.empty(n, dtype=np.int64)
    placed = np.zeros(n, dtype=bool)
    placed[at] = True
    out[at] = rows
    out[~placed] = kept
    return out
