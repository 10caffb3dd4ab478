"""The FGTs of final income without an instrument, from the rows it changes, are those
estimated afresh (``insaf.policy.batch.compute``): the same values, the same
standard errors and PSU totals to rounding."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest

from insaf.measures import Estimate
from insaf.measures.estimate import LinearBasis
from insaf.policy.batch import Request, compute
from insaf.policy.fiscal_system import SystemColumns, changed_rows_apply, marginal_fgt
from insaf.policy.linear import LinearEstimator
from insaf.survey import Survey
from insaf.survey.synth import synthesize

OPTIONS = {"unit": "household", "variance": "auto", "replicates": 200, "seed": 1}
LINE = 150.0
WITHOUT = {
    "none": "the instrument changes no row",
    "all": "it changes every row",
    "few": "it changes a few rows",
    "at_line": "it puts rows exactly on both lines",
    "cross": "it takes rows across the fixed line both ways",
}


@pytest.fixture(scope="module")
def survey() -> Survey:
    demo = synthesize(1500, seed=7, year=2024)
    assert demo.households is not None
    y = pl.col("consumption_pc")
    hhid = pl.col("hhid")
    frame = demo.households.frame.with_columns(
        (pl.col("weight") * pl.col("hhsize")).alias("_wp"),
        pl.when(hhid % 13 == 0).then(0.0).otherwise(pl.col("weight")).alias("zeroed"),
        y.alias("none"),
        (y * 0.9 - 5.0).alias("all"),
        pl.when(hhid % 17 == 0).then(y - 30.0).otherwise(y).alias("few"),
        pl.when(hhid % 11 == 0)
        .then(LINE)
        .when(hhid % 11 == 1)
        .then(pl.col("poverty_line"))
        .otherwise(y)
        .alias("at_line"),
        pl.when(y < LINE)
        .then(y + 40.0)
        .when(y < LINE + 40.0)
        .then(y - 45.0)
        .otherwise(y)
        .alias("cross"),
    )
    return replace(
        demo,
        households=demo.households.with_frame(frame),
        persons=None,
        items={},
        design=replace(demo.design, weight="_wp"),
    )


@pytest.mark.parametrize("weight", ["_wp", "zeroed"])
@pytest.mark.parametrize("below", ["<", "<="])
def test_marginal_fgt_equals_estimating_afresh(survey: Survey, weight: str, below: str) -> None:
    survey = replace(survey, design=replace(survey.design, weight=weight))
    estimator = LinearEstimator(survey)
    assert changed_rows_apply(estimator)
    frame = survey.design_table.frame
    columns = ["consumption_pc", *WITHOUT]
    series = {c: frame.get_column(c).cast(pl.Float64).to_numpy() for c in columns}
    lines = {
        "fixed": np.full(frame.height, LINE),
        "column": frame.get_column("poverty_line").cast(pl.Float64).to_numpy(),
    }
    named: dict[str, float | str] = {"fixed": LINE, "column": "poverty_line"}
    requests = [Request(c, ("fgt",), alphas=(0, 1)) for c in columns]
    afresh = compute(survey, requests, lines=named, below=below, options=OPTIONS)
    stats: dict[str, dict[tuple[str, ...], Estimate]] = {}
    for key, value in compute(
        survey, requests[:1], lines=named, below=below, options=OPTIONS
    ).items():
        stats.setdefault(key[0], {})[key[1:]] = value
    system = SystemColumns(without={("consumption_pc", c): c for c in WITHOUT})
    marginal_fgt(system, series, lines, stats, weight=estimator.w, below=below)
    assert stats.keys() == set(columns)
    for key, want in afresh.items():
        got = stats[key[0]][key[1:]]
        assert got.value == want.value, key
        assert got.se == pytest.approx(want.se, rel=1e-12, abs=1e-18), key
        assert (got.measure, got.variable) == (want.measure, want.variable)
        assert (got.n, got.population) == (want.n, want.population)
        assert isinstance(got.basis, LinearBasis) and isinstance(want.basis, LinearBasis)
        scale = np.abs(want.basis.totals).max()
        np.testing.assert_allclose(got.basis.totals, want.basis.totals, rtol=0, atol=1e-12 * scale)
        if key[0] == "none":
            assert got.se == want.se


def test_replicate_designs_are_estimated_afresh(survey: Survey) -> None:
    assert not changed_rows_apply(LinearEstimator(survey, variance="bootstrap"))
