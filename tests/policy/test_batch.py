"""The batched adapters give exactly what the public ``insaf.measures`` functions give."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from tests.policy.conftest import household_rows

from insaf import measures
from insaf.policy.batch import concentrations, welfare_statistics
from insaf.policy.linear import LinearEstimator
from insaf.survey import Survey

OPTIONS = {"unit": "household", "variance": "auto", "replicates": 200, "seed": 1}


@pytest.fixture(scope="module")
def survey() -> Survey:
    return household_rows(
        (pl.col("income_tax") + 1.0).alias("tax"),
    )


def _same(a: measures.Estimate, b: measures.Estimate) -> None:
    assert a.value == pytest.approx(b.value, rel=1e-12, abs=1e-15)
    assert a.se == pytest.approx(b.se, rel=1e-9, abs=1e-15)


def test_welfare_statistics_match_public_functions(survey: Survey) -> None:
    lines = {"fixed": 150.0, "column": "poverty_line"}
    got = welfare_statistics(survey, "consumption_pc", lines=lines, options=OPTIONS)
    for name, line in lines.items():
        for alpha in (0, 1, 2):
            want = measures.fgt(survey, "consumption_pc", line=line, alpha=alpha, **OPTIONS)[0]
            _same(got[("fgt", name, str(alpha))], want)
    _same(got[("gini",)], measures.gini(survey, "consumption_pc", **OPTIONS)[0])
    _same(got[("palma",)], measures.palma(survey, "consumption_pc", **OPTIONS)[0])
    _same(got[("qsr",)], measures.qsr(survey, "consumption_pc", **OPTIONS)[0])


def test_concentrations_match_public_function(survey: Survey) -> None:
    got = concentrations(survey, ["tax", "food"], rank_by="consumption_pc", options=OPTIONS)
    for column in ("tax", "food"):
        want = measures.concentration(survey, column, rank_by="consumption_pc", **OPTIONS)[0]
        _same(got[column], want)


def test_linear_estimator_matches_public_functions(survey: Survey) -> None:
    linear = LinearEstimator(survey)
    means = linear.ratios(["consumption_pc"], by="governorate")["consumption_pc"]
    want = measures.mean(survey, "consumption_pc", by="governorate", unit="household")
    assert len(means) == len(want)
    for a, b in zip(means, want, strict=True):
        assert a.domain == b.domain
        _same(a, b)
    ratio = linear.ratios(["food"], "consumption", by="urban", measure="ratio")["food"]
    for a, b in zip(
        ratio,
        measures.ratio(survey, "food", "consumption", by="urban", unit="household"),
        strict=True,
    ):
        _same(a, b)
    total = linear.totals(["food"])["food"]
    _same(total, measures.total(survey, "food", unit="household")[0])
    # the estimates carry PSU totals that pair with the public ones
    diff = measures.difference(total, measures.total(survey, "food", unit="household")[0])
    assert diff.value == pytest.approx(0.0, abs=1e-6)
    assert diff.se == pytest.approx(0.0, abs=1e-6)
    assert np.isfinite(diff.se)


def test_linear_estimator_with_replicates_uses_public_functions(survey: Survey) -> None:
    linear = LinearEstimator(survey, variance="jackknife")
    assert not linear.fast
    got = linear.ratios(["consumption_pc"])["consumption_pc"][0]
    want = measures.mean(survey, "consumption_pc", unit="household", variance="jackknife")[0]
    _same(got, want)


@pytest.mark.parametrize("variance", ["auto", "jackknife"])
def test_one_sample_for_many_variables(survey: Survey, variance: str) -> None:
    from insaf.policy.batch import Request, compute

    options = {**OPTIONS, "variance": variance}
    found = compute(
        survey,
        [
            Request("consumption_pc"),
            Request("food", ("gini",)),
            Request("tax", rank_by="consumption_pc"),
        ],
        lines={"line": "poverty_line"},
        options=options,
    )
    public = {"variance": variance, "unit": "household"}
    want = measures.fgt(survey, "consumption_pc", line="poverty_line", alpha=1, **public)[0]
    _same(found[("consumption_pc", "fgt", "line", "1")], want)
    _same(found[("consumption_pc", "palma")], measures.palma(survey, "consumption_pc", **public)[0])
    _same(found[("food", "gini")], measures.gini(survey, "food", **public)[0])
    conc = measures.concentration(survey, "tax", rank_by="consumption_pc", **public)[0]
    _same(found[("tax", "concentration")], conc)
    # estimates from one sample pair with each other
    diff = measures.difference(found[("food", "gini")], found[("consumption_pc", "gini")])
    assert diff.se > 0


def test_threads_share_the_requests_and_change_no_number(survey: Survey) -> None:
    from insaf.measures.estimate import LinearBasis
    from insaf.policy.batch import Request, compute

    requests = [
        Request("consumption_pc", ("fgt", "gini"), alphas=(0, 1)),
        Request("food", ("gini",)),
        Request("tax", rank_by="consumption_pc"),
    ]
    lines = {"fixed": 150.0, "column": "poverty_line"}
    alone = compute(survey, requests, lines=lines, options=OPTIONS)
    shared = compute(survey, requests, lines=lines, options=OPTIONS, threads=2)
    assert list(shared) == list(alone)  # the same statistics, in the same order
    assert ("consumption_pc", "fgt", "fixed", "2") not in alone  # alphas 0 and 1 only
    for key, estimate in alone.items():
        got = shared[key]
        assert (got.value, got.se) == (estimate.value, estimate.se), key
        assert isinstance(got.basis, LinearBasis) and isinstance(estimate.basis, LinearBasis)
        assert np.array_equal(got.basis.totals, estimate.basis.totals)


def test_indicators_are_summed_as_their_columns(survey: Survey) -> None:
    """Indicators of one column's categories, from one pass, give what 0/1 columns give."""
    assert survey.households is not None
    frame = survey.households.frame
    values = frame.get_column("governorate").unique().sort().to_list()
    names = {f"_g{k}": value for k, value in enumerate(values)}
    columns = [(pl.col("governorate") == v).cast(pl.Float64).alias(n) for n, v in names.items()]
    with_columns = replace(
        survey, households=survey.households.with_frame(frame.with_columns(columns))
    )
    want = LinearEstimator(with_columns).ratios(list(names), by="urban")
    got = LinearEstimator(
        survey, indicators={n: ("governorate", v) for n, v in names.items()}
    ).ratios(list(names), by="urban")
    for name in names:
        for a, b in zip(got[name], want[name], strict=True):
            assert (a.value, a.se, a.n, a.population, a.domain) == (
                b.value,
                b.se,
                b.n,
                b.population,
                b.domain,
            )
            np.testing.assert_array_equal(a.basis.totals, b.basis.totals)  # type: ignore[union-attr]
