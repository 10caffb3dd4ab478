"""Array primitives of the kernels, chosen for speed on a shared machine.

``dot``: the weighted sum of two vectors without BLAS. ``np.dot`` hands a
vector product to OpenBLAS, which splits it over threads; on a loaded machine
(a shared server, web workers) waiting for those threads costs far more than
the product (measured here: 20 ms instead of 0.03 ms for 100,000 values).
``np.einsum`` sums in one thread, with SIMD.

``stable_argsort``: sorting an analysis variable, the same order as a stable
sort, several times faster. ``np.argsort(values, kind="stable")`` on floats
is a merge sort. Each value is first turned into an integer of the same order
(its IEEE bits, negatives flipped). Then:

- the low bits of each integer (as many as it takes to count the rows) are
  replaced by the row's position, and those integers are sorted by numpy's
  plain sort, which runs on the processor's vector units (x86-simd-sort):
  equal values come out in position order, as a stable sort leaves them. The
  few values that differed only in the dropped low bits (a relative difference
  under about 1e-9) are put in order again, run by run, so the result is
  exactly the stable sort's.
- where more than a quarter of the rows would be put in order again (many
  values differing only in their last bits, as sums computed in different
  orders can), a radix sort instead, least significant 16 bits first: numpy's
  stable argsort of 16-bit integers is a counting sort, so four passes (fewer
  where a digit is the same for every value, as in whole numbers) give the
  stable order exactly.

Measured on this 2-core machine (numpy 2.4, AVX-512), in ms, the keys' sort
against the radix sort: 19 against 74 at 1,000,000 incomes, 39 against 181
at 2,000,000; 17 against 71 for each final income of an impact at 1,000,000
households; where every value differs only in its last bits, 174 against 39
(so those go to the radix sort: 7 ms for the keys, then the radix sort). An
earlier numpy without the vector sort took 57 ms for the keys' sort at a
million incomes, against the radix sort's 46.
"""

from __future__ import annotations

import sys

import numpy as np
import numpy.typing as npt

__all__ = ["RESORTED_SHARE", "dot", "sorted_order", "stable_argsort"]

RESORTED_SHARE = 0.25
"""``sorted_order`` sorts by radix when the keys' sort would put more than this
share of the rows in order again."""

_DIGITS_LOW_FIRST = (0, 1, 2, 3) if sys.byteorder == "little" else (3, 2, 1, 0)


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
    found = _key_order(values, at_most=int(RESORTED_SHARE * values.shape[0]))
    if found is not None:
        return found
    order = radix_order(values)
    return order, np.take(values, order)


def radix_order(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """``np.argsort(values, kind="stable")`` (no NaN) by a radix sort of the values'
    bits, 16 at a time, least significant first."""
    if values.shape[0] < 2:
        return np.arange(values.shape[0], dtype=np.int64)
    key = np.add(values, 0.0).view(np.int64)  # a copy; -0.0 + 0.0 is 0.0: signed zeros tie
    flip = key >> 63
    flip &= np.int64(0x7FFF_FFFF_FFFF_FFFF)
    key ^= flip  # negatives reversed: as signed integers, in the floats' order
    key ^= np.int64(-1 << 63)  # and as unsigned ones, whose 16-bit digits sort alike
    digits = key.view(np.uint16).reshape(-1, 4)
    order: npt.NDArray[np.int64] | None = None
    for j in _DIGITS_LOW_FIRST:
        digit = digits[:, j]
        if np.minimum.reduce(digit) == np.maximum.reduce(digit):
            continue  # the same for every value: this pass would leave the order as it is
        if order is None:
            order = np.argsort(digit, kind="stable")
        else:
            order = order[np.argsort(digit[order], kind="stable")]
    return np.arange(values.shape[0], dtype=np.int64) if order is None else order


def key_order(
    values: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """``sorted_order`` by one sort of integers holding each value's high bits and its
    position, however many rows it must put in order again."""
    found = _key_order(values, at_most=None)
    assert found is not None
    return found


def _key_order(
    values: npt.NDArray[np.float64], *, at_most: int | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]] | None:
    """``key_order``, or ``None`` when more than ``at_most`` rows share their high
    bits with a value out of order (they would be sorted again)."""
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
        runs = _runs(key, bits, np.flatnonzero(unsorted))
        if at_most is not None and int((runs[1] - runs[0]).sum()) > at_most:
            return None
        _reorder(runs, order, ranked)
    return order, ranked


def _runs(
    key: npt.NDArray[np.int64], bits: int, unsorted: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Where each run of sorted ``key`` sharing its high bits starts and stops, for
    the runs in which some value is out of order (``unsorted``: positions ``i`` with
    ``ranked[i + 1] < ranked[i]``)."""
    high = key[unsorted] >> bits  # non-decreasing: each run once, without np.unique
    high = high[np.concatenate(([True], high[1:] != high[:-1]))] << bits
    starts = np.searchsorted(key, high, side="left")
    stops = np.searchsorted(key, high + (np.int64(1) << bits), side="left")
    return starts, stops


def _reorder(
    runs: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    order: npt.NDArray[np.int64],
    ranked: npt.NDArray[np.float64],
) -> None:
    """Sort again, by value then position, the ``runs`` (``_runs``); ``order`` and
    ``ranked`` are updated."""
    starts, stops = runs
    lengths = stops - starts
    run = np.repeat(np.arange(starts.size), lengths)
    rows = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
    within = np.lexsort((order[rows], ranked[rows], run))
    order[rows] = order[rows][within]
    ranked[rows] = ranked[rows][within]
