"""``stable_argsort`` is numpy's stable sort, ties, signed zeros and near-ties included,
by both of its ways: the sort of integer keys, and the radix sort where the keys'
sort would put more than ``RESORTED_SHARE`` of the rows in order again."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from insaf.measures._kernels.arrays import (
    RESORTED_SHARE,
    _key_order,
    key_order,
    radix_order,
    sorted_order,
    stable_argsort,
)

Order = Callable[[np.ndarray], np.ndarray]
WAYS: dict[str, Order] = {
    "chosen": stable_argsort,
    "radix": radix_order,
    "keys": lambda values: key_order(values)[0],
}
ways = pytest.mark.parametrize("argsort", list(WAYS.values()), ids=list(WAYS))

finite = st.floats(allow_nan=False, allow_infinity=True, width=64)


@ways
@given(st.lists(st.one_of(finite, st.sampled_from([0.0, -0.0, 1.0, 2.5])), max_size=200))
def test_same_as_numpy_stable(argsort: Order, values: list[float]) -> None:
    array = np.asarray(values, dtype=np.float64)
    np.testing.assert_array_equal(argsort(array), np.argsort(array, kind="stable"))


@ways
def test_many_ties_in_a_large_array(argsort: Order) -> None:
    rng = np.random.default_rng(5)
    array = np.round(rng.lognormal(5.0, 1.0, 200_000), -1)  # rounded incomes: many ties
    np.testing.assert_array_equal(argsort(array), np.argsort(array, kind="stable"))
    distinct = rng.normal(size=100_000)
    np.testing.assert_array_equal(argsort(distinct), np.argsort(distinct, kind="stable"))


@ways
def test_whole_numbers_skip_the_constant_digits(argsort: Order) -> None:
    """Whole numbers as floats have their low 16-bit digits all zero: the radix sort
    leaves those passes out, and the order is still the stable sort's."""
    rng = np.random.default_rng(11)
    array = rng.integers(-500, 500, 50_000).astype(np.float64)
    np.testing.assert_array_equal(argsort(array), np.argsort(array, kind="stable"))
    same = np.full(1_000, 3.5)
    np.testing.assert_array_equal(argsort(same), np.arange(1_000))


def test_the_chosen_way_by_what_the_keys_leave_unsorted() -> None:
    """Incomes: the keys' sort. Values that all differ only in the bits the keys
    drop: the radix sort. The order is the stable sort's either way."""
    rng = np.random.default_rng(13)
    incomes = np.round(rng.lognormal(8.0, 1.0, 300_000), 2)
    assert _key_order(incomes, at_most=int(RESORTED_SHARE * incomes.size)) is not None
    near = 1.0 + rng.integers(0, 1 << 18, 300_000) * np.spacing(1.0)
    assert _key_order(near, at_most=int(RESORTED_SHARE * near.size)) is None
    for array in (incomes, near):
        expected = np.argsort(array, kind="stable")
        np.testing.assert_array_equal(stable_argsort(array), expected)
        np.testing.assert_array_equal(key_order(array)[0], expected)


@ways
@given(
    st.lists(st.integers(min_value=-3000, max_value=3000), min_size=2, max_size=300),
    st.sampled_from([1.0, 333.3333333333333, -7.25e6, 1e-300]),
)
def test_values_a_few_ulps_apart(argsort: Order, steps: list[int], centre: float) -> None:
    """Values that differ only in their last bits (the bits the keys' sort drops)."""
    array = centre + np.asarray(steps, dtype=np.float64) * np.spacing(centre)
    np.testing.assert_array_equal(argsort(array), np.argsort(array, kind="stable"))


def test_sorted_values_come_with_the_order() -> None:
    rng = np.random.default_rng(7)
    array = np.concatenate([rng.lognormal(9.0, 0.7, 300_000), [0.0, -0.0, -1.5, np.inf]])
    order, ranked = sorted_order(array)
    np.testing.assert_array_equal(order, np.argsort(array, kind="stable"))
    np.testing.assert_array_equal(ranked, array[order])


@ways
def test_signed_zeros_tie_without_negative_values(argsort: Order) -> None:
    array = np.array([0.0, -0.0, 2.0, -0.0, 0.0, 1.0])
    np.testing.assert_array_equal(argsort(array), np.argsort(array, kind="stable"))
