"""Array primitives of the kernels, chosen for speed on a shared machine.

``dot``: the weighted sum of two vectors without BLAS. ``np.dot`` hands a
vector product to OpenBLAS, which splits it over threads; on a loaded machine
(a shared server, web workers) waiting for those threads costs far more than
the product (measured here: 20 ms instead of 0.03 ms for 100,000 values).
``np.einsum`` sums in one thread, with SIMD.

``stable_argsort``: sorting an analysis variable, the same order as a stable
sort at the speed of numpy's default (SIMD) sort.
``np.argsort(values, kind="stable")`` on floats is a merge sort, several times
slower than the default sort, which does not keep tied values in their
original order. ``stable_argsort`` sorts with the default, then puts each run
of tied values back in position order (one sort of integer keys, only when
there are ties), so its result is exactly the stable sort's.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["dot", "stable_argsort"]


def dot(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """``sum(a * b)`` of two vectors (booleans count as 0/1), in one thread."""
    return float(
        np.einsum("i,i->", np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64))
    )


def stable_argsort(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int64]:
    """The indices that sort ``values`` (no NaN), ties in position order:
    ``np.argsort(values, kind="stable")``."""
    n = values.shape[0]
    order = np.argsort(values).astype(np.int64, copy=False)
    if n < 2:
        return order
    ranked = values[order]
    tied = ranked[1:] == ranked[:-1]
    if not tied.any():
        return order
    run = np.empty(n, dtype=np.int64)  # the run of equal values each sorted row is in
    run[0] = 0
    np.cumsum(~tied, out=run[1:])
    key = run * np.int64(n) + order  # runs in order; within a run, by position
    key.sort()
    out: npt.NDArray[np.int64] = key % np.int64(n)
    return out
