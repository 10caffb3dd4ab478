"""The weighted quantile finds ``F`` crossing ``p`` by bisection, dividing only the
cumulative weights it reads: the same index as numpy's search of ``cumsum(w)/sum(w)``."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from insaf.measures._kernels.quantile import HIT, quantile

weights = st.lists(
    st.one_of(st.sampled_from([0.0, 0.01, 1.0, 2.0]), st.floats(0.0, 1e6)), min_size=1, max_size=60
)


def by_numpy(y: np.ndarray, w: np.ndarray, p: float, rule: str) -> float:
    """The rule written with the whole array ``F = cumsum(w) / sum(w)``."""
    cw = np.cumsum(w)
    if cw[-1] <= 0:
        return float("nan")
    f = cw / cw[-1]
    n = f.shape[0]
    if rule == "laeken":
        return float(y[min(int(np.searchsorted(f, p + HIT, side="right")), n - 1)])
    i = int(np.searchsorted(f, p - HIT, side="left"))
    if i >= n:
        return float(y[n - 1])
    if rule == "eurostat" and abs(f[i] - p) <= HIT:
        j = int(np.searchsorted(f, p + HIT, side="right"))
        if j < n:
            return float((y[i] + y[j]) / 2.0)
    return float(y[i])


@given(weights, st.sampled_from([0.1, 0.2, 0.5, 0.8, 0.9, 1 / 3]))
def test_same_index_as_numpy(w: list[float], p: float) -> None:
    array = np.asarray(w, dtype=np.float64)
    y = np.arange(array.size, dtype=np.float64)  # sorted, distinct: the index shows
    for rule in ("convey", "eurostat", "laeken"):
        np.testing.assert_equal(quantile(y, array, p, rule), by_numpy(y, array, p, rule))  # type: ignore[arg-type]
