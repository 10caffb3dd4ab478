"""``stable_argsort`` is numpy's stable sort, ties, signed zeros and near-ties included."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from insaf.measures._kernels.arrays import sorted_order, stable_argsort

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


@given(
    st.lists(st.integers(min_value=-3000, max_value=3000), min_size=2, max_size=300),
    st.sampled_from([1.0, 333.3333333333333, -7.25e6, 1e-300]),
)
def test_values_a_few_ulps_apart(steps: list[int], centre: float) -> None:
    """Values that differ only in their last bits (the bits the sort key drops)."""
    array = centre + np.asarray(steps, dtype=np.float64) * np.spacing(centre)
    np.testing.assert_array_equal(stable_argsort(array), np.argsort(array, kind="stable"))


def test_sorted_values_come_with_the_order() -> None:
    rng = np.random.default_rng(7)
    array = np.concatenate([rng.lognormal(9.0, 0.7, 300_000), [0.0, -0.0, -1.5, np.inf]])
    order, ranked = sorted_order(array)
    np.testing.assert_array_equal(order, np.argsort(array, kind="stable"))
    np.testing.assert_array_equal(ranked, array[order])


def test_signed_zeros_tie_without_negative_values() -> None:
    array = np.array([0.0, -0.0, 2.0, -0.0, 0.0, 1.0])
    np.testing.assert_array_equal(stable_argsort(array), np.argsort(array, kind="stable"))
