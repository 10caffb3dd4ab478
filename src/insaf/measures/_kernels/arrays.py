"""Array primitives of the kernels, chosen for speed on a shared machine.

``dot``: the weighted sum of two vectors without BLAS. ``np.dot`` hands a
vector product to OpenBLAS, which splits it over threads; on a loaded machine
(a shared server, web workers) waiting for those threads costs far more than
the product (measured here: 20 ms instead of 0.03 ms for 100,000 values).
``np.einsum`` sums in one thread, with SIMD.

``stable_argsort``: sorting an analysis variable, the same order as a stable
sort, several times faster. ``np.argsort(values, kind="stable")`` on floats
is a merge sort, and even numpy's default argsort is about four times slower
than its SIMD sort of plain 64-bit numbers. So each value is turned into an
integer of the same order (its IEEE bits, negatives flipped), the low bits
are replaced by the row's position, and those integers are sorted (the SIMD
sort): equal values come out in position order, as a stable sort leaves
them. The few values that differed only in the dropped low bits (a relative
difference under about 1e-9) are put in order again, run by run, so the
result is exactly the stable sort's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["dot", "sorted_order", "stable_argsort"]


def dot(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """``sum(a * b)`` of two vectors (booleans count as 0/1), in one thread."""
    return float(
        np.einsum("i,i->", np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    )


def stable_argsort(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """The indices that sort ``values`` (no NaN), ties in position order:
    ``np.argsort(values, kind="stable")``."""
    return sorted_order(values)[0]


def sorted_order(
    values: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """``stable_argsort(values)`` and the values in that order."""
    n = values.shape[0]
    if n < 2:
        order = np.arange(n, dtype=np.int64)
        return order, values[order]
    bits = max((n - 1).bit_length(), 1)
    key = np.bitwise_and(values.view(np.int64), np.int64(-1 << bits))
    if np.minimum.reduce(key) < 0:  # a negative value or -0.0: as integers, in the floats' order
        key = np.add(values, 0.0).view(np.int64)  # -0.0 + 0.0 is 0.0: signed zeros tie
        flip = key >> 63
        flip &= np.int64(0x7FFF_FFFF_FFFF_FFFF)
        key ^= flip
        key &= np.int64(-1 << bits)
    key |= np.arange(n, dtype=np.int64)
    key.sort()
    order = key & np.int64((1 << bits) - 1)
    ranked = np.take(values, order)
    unsorted = ranked[1:] < ranked[:-1]
    if unsorted.any():
        _reorder(key, bits, order, ranked, np.flatnonzero(unsorted))
    return order, ranked


def _reorder(
    key: npt.NDArray[np.int64],
    bits: int,
    order: npt.NDArray[np.int64],
    ranked: npt.NDArray[np.float64],
    unsorted: npt.NDArray[np.int64],
) -> None:
    """Sort again, by value then position, the runs of ``key`` sharing their high bits
    in which some value is out of order (``unsorted``: positions ``i`` with
    ``ranked[i + 1] < ranked[i]``); ``order`` and ``ranked`` are updated."""
    high = key[unsorted] >> bits  # non-decreasing: each run once, without np.unique
    high = high[np.concatenate(([True], high[1:] != high[:-1]))] << bits
    starts = np.searchsorted(key, high, side="left")
    stops = np.searchsorted(key, high + (np.int64(1) << bits), side="left")
    lengths = stops - starts
    run = np.repeat(np.arange(starts.size), lengths)
    rows = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    within = np.lexsort((order[rows], ranked[rows], run))
    order[rows] = order[rows][within]
    ranked[rows] = ranked[rows][within]
