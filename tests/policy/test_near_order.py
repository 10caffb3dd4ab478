"""A sort order merged from a near column's is the column's own stable sort, and the
statistics computed with it are the ones computed without it."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import numpy.typing as npt
import polars as pl
import pytest
from tests.policy.conftest import household_rows

from insaf.measures._kernels.arrays import stable_argsort
from insaf.policy.batch import Request, compute
from insaf.policy.near_order import NEAR, TIES, merged_order
from insaf.survey import Survey

OPTIONS = {"unit": "household", "variance": "auto", "replicates": 200, "seed": 1}


def _check(values: npt.NDArray[np.float64], base: npt.NDArray[np.float64]) -> bool:
    """Whether a merge was made; when it was, it is the stable sort's order."""
    found = merged_order(values, base, stable_argsort(base))
    if found is not None:
        np.testing.assert_array_equal(found, np.argsort(values, kind="stable"))
    return found is not None


def test_no_row_changed() -> None:
    base = np.random.default_rng(1).lognormal(3, 1, 1000)
    assert _check(base.copy(), base)


def test_every_row_changed_sorts_afresh() -> None:
    base = np.random.default_rng(2).lognormal(3, 1, 1000)
    assert merged_order(base + 1.0, base, stable_argsort(base)) is None


@pytest.mark.parametrize("share", [0.001, 0.02, NEAR])
def test_few_rows_changed(share: float) -> None:
    rng = np.random.default_rng(3)
    base = rng.lognormal(3, 1, 5000)
    values = base.copy()
    rows = rng.choice(base.size, int(share * base.size), replace=False)
    values[rows] -= rng.lognormal(1, 1, rows.size)  # some become negative
    assert _check(values, base)


def test_ties_between_changed_and_unchanged_rows() -> None:
    rng = np.random.default_rng(4)
    base = np.round(rng.lognormal(1, 1, 5000))  # many equal values, zeros among them
    values = base.copy()
    rows = rng.choice(base.size, 100, replace=False)
    values[rows] = np.round(values[rows] - 1.0)  # onto values unchanged rows hold
    values[rows[:5]] = -0.0  # a negative zero ties with zero
    assert _check(values, base)


def test_too_many_ties_sorts_afresh() -> None:
    base = np.zeros(20 * TIES)
    base[: 2 * TIES] = 1.0
    values = base.copy()
    values[: 2 * TIES] = 0.0  # every changed row ties with unchanged ones
    assert merged_order(values, base, stable_argsort(base)) is None


@pytest.fixture(scope="module")
def survey() -> Survey:
    income = pl.col("consumption_pc")
    return household_rows(
        # without a benefit of a few households, and with every row changed
        pl.when(pl.col("hhid") % 17 == 0).then(income - 30.0).otherwise(income).alias("few"),
        (income * 0.9).alias("all"),
        # zero weights, and ties with the poverty line
        pl.when(pl.col("hhid") % 13 == 0).then(0.0).otherwise(pl.col("weight")).alias("w0"),
        pl.when(pl.col("hhid") % 11 == 0).then(150.0).otherwise(income).alias("at_line"),
    )


@pytest.mark.parametrize("weight", ["_wp", "w0"])
def test_statistics_equal_those_sorted_afresh(survey: Survey, weight: str) -> None:
    survey = replace(survey, design=replace(survey.design, weight=weight))
    columns = ["consumption_pc", "few", "all", "at_line"]
    requests = [Request(c, ("fgt", "gini", "palma", "qsr"), alphas=(0, 1)) for c in columns]
    lines = {"fixed": 150.0, "column": "poverty_line"}
    alone = compute(survey, requests, lines=lines, options=OPTIONS)
    near = {"few": ["consumption_pc"], "all": ["consumption_pc", "few"], "at_line": ["few"]}
    for threads in (1, 2):
        merged = compute(survey, requests, lines=lines, options=OPTIONS, near=near, threads=threads)
        assert merged.keys() == alone.keys()
        for key, want in alone.items():
            got = merged[key]
            assert (got.value, got.se) == (want.value, want.se), key
            np.testing.assert_array_equal(got.basis.totals, want.basis.totals)  # type: ignore[union-attr]
