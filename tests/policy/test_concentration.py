"""Concentrations along one ranking (``insaf.policy.concentration``) are those of
``insaf.measures.concentration``, one column at a time."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from tests.policy.conftest import household_rows

from insaf import measures
from insaf.policy.concentration import concentrations_along, gini_along, stable_order
from insaf.policy.linear import LinearEstimator
from insaf.survey import Survey


@pytest.fixture(scope="module")
def survey() -> Survey:
    return household_rows(
        -pl.col("income_tax").alias("tax"),
        # market income with many ties (rounded to tens, zeros included)
        (pl.col("wage_income") / 10.0).round(0).alias("market"),
    )


def test_concentrations_along_match_the_measure(survey: Survey) -> None:
    linear = LinearEstimator(survey)
    assert linear.arrays is not None
    frame = survey.design_table.frame
    names = ["tax", "food", "cash_assistance"]
    got = concentrations_along(
        {c: frame.get_column(c).cast(pl.Float64).to_numpy() for c in names},
        frame.get_column("market").to_numpy(),
        linear.w,
        linear.arrays,
        rank_by="market",
        gini="osier",
    )
    assert got is not None
    pairs = [
        (
            (n, "concentration"),
            measures.concentration(survey, n, rank_by="market", unit="household")[0],
        )
        for n in names
    ]
    pairs.append((("market", "gini"), measures.gini(survey, "market", unit="household")[0]))
    for key, want in pairs:
        found = got[key]
        assert (found.measure, found.variable, found.n, found.domain, found.method) == (
            want.measure,
            want.variable,
            want.n,
            want.domain,
            want.method,
        )
        assert found.value == pytest.approx(want.value, rel=1e-13)
        assert found.se == pytest.approx(want.se, rel=1e-12)
        assert found.population == pytest.approx(want.population, rel=1e-13)
        assert found.basis is not None and want.basis is not None
        np.testing.assert_allclose(found.basis.totals, want.basis.totals, rtol=1e-12, atol=1e-15)  # type: ignore[union-attr]
        # they pair with the measure's estimates: the same design
        assert measures.difference(found, want).value == pytest.approx(0.0, abs=1e-13)


def test_a_missing_value_takes_the_general_path(survey: Survey) -> None:
    linear = LinearEstimator(survey)
    assert linear.arrays is not None
    y = np.ones(linear.w.size)
    y[3] = np.nan
    x = np.arange(linear.w.size, dtype=np.float64)
    assert concentrations_along({"y": y}, x, linear.w, linear.arrays, rank_by="x") is None


def test_stable_order_is_argsorts_with_or_without_a_hint() -> None:
    rng = np.random.default_rng(3)
    y = np.round(rng.normal(size=2000), 1)  # many ties
    want = np.argsort(y, kind="stable")
    np.testing.assert_array_equal(stable_order(y)[0], want)
    assert stable_order(y, [want])[0] is want  # taken as it is
    np.testing.assert_array_equal(stable_order(y, [want[::-1], want])[0], want)
    for hints in ([], [want], [want[::-1], want]):  # the values come in that order
        np.testing.assert_array_equal(stable_order(y, hints)[1], y[want])
    # a hint that sorts the values but breaks a tie against row order is refused
    swapped = want.copy()
    tie = int(np.flatnonzero(y[want][1:] == y[want][:-1])[0])
    swapped[[tie, tie + 1]] = swapped[[tie + 1, tie]]
    np.testing.assert_array_equal(stable_order(y, [swapped])[0], want)
    # values nearly in a hint's order: the hint re-sorted
    nearly = y.copy()
    nearly[rng.choice(y.size, 5, replace=False)] += 0.05  # a few values move a little
    found, ranked = stable_order(nearly, [want])
    np.testing.assert_array_equal(found, np.argsort(nearly, kind="stable"))
    np.testing.assert_array_equal(ranked, nearly[found])


def test_gini_along_is_the_measure(survey: Survey) -> None:
    linear = LinearEstimator(survey)
    assert linear.arrays is not None
    y = survey.design_table.frame.get_column("consumption_pc").to_numpy()
    order, ranked = stable_order(y)
    for estimator, given in (("osier", None), ("eurostat", ranked)):
        found = gini_along(
            y,
            linear.w,
            linear.arrays,
            order,
            estimator=estimator,  # type: ignore[arg-type]
            variable="consumption_pc",
            ranked=given,  # the values in order given, or gathered
        )
        want = measures.gini(survey, "consumption_pc", unit="household", estimator=estimator)[0]
        assert (found.measure, found.variable, found.n, found.domain) == (
            want.measure,
            want.variable,
            want.n,
            want.domain,
        )
        assert found.value == pytest.approx(want.value, rel=1e-13)
        assert found.se == pytest.approx(want.se, rel=1e-12)
        assert measures.difference(found, want).value == pytest.approx(0.0, abs=1e-13)
