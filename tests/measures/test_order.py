"""``stable_argsort`` is numpy's stable sort, ties and signed zeros included."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from insaf.measures._kernels.arrays import stable_argsort

finite = st.floats(allow_nan=False, allow_infinity=True, width=64)


@given(st.lists(st.one_of(finite, st.sampled_from([0.0, -0.0, 1.0, 2.5])), max_size=200))
def test_same_as_numpy_stable(values: list[float]) -> None:
    array = np.asarray(values, dtype=np.float64)
    np.testing.assert_array_equal(stable_argsort(array), np.argsort(array, kind="stable"))


def test_many_ties_in_a_large_array() -> None:
    rng = np.random.default_rng(5)
    array = np.round(rng.lognormal(5.0, 1.0, 200_000), -1)  # rounded incomes: many ties
    np.testing.assert_array_equal(stable_argsort(array), np.argsort(array, kind="stable"))
    distinct = rng.normal(size=100_000)
    np.testing.assert_array_equal(stable_argsort(distinct), np.argsort(distinct, kind="stable"))
