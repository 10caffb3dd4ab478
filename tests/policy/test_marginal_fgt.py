"""The FGTs of final income without an instrument, from the rows it changes, are those
estimated afresh (``insaf.policy.batch.compute``): the same values, the same
standard errors and PSU totals to rounding."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import polars as pl
import pytest
from tests.policy.conftest import household_rows

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
    y = pl.col("consumption_pc")
    hhid = pl.col("hhid")
    return household_rows(
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


def test_impact_marginal_table_equals_the_general_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Final income's marginal contributions in an impact with services in kind: the
    same with the changed rows and merged sorts as with every statistic estimated
    afresh (``near`` and ``marginal_fgt`` switched off)."""
    import sys

    from insaf.budget import DEMO_SERVICES, benefit_incidence, budget_spending
    from insaf.budget.demo import demo_budget, demo_policies
    from insaf.policy.engine import simulate_states
    from insaf.policy.in_kind import in_kind_total
    from insaf.policy.scenario import parse_scenario

    demo = synthesize(3000, seed=3)
    scenario = demo_policies()
    spending = budget_spending(demo_budget(demo), DEMO_SERVICES, year=demo.year or 2024)
    costs = benefit_incidence(demo, DEMO_SERVICES, spending=spending).unit_costs
    raw = dict(scenario.definition())
    raw["in_kind"] = [
        {**s.model_dump(mode="json", exclude_none=True), "unit_cost": c["unit_cost"].value}
        for s, c in zip(DEMO_SERVICES, costs, strict=True)
    ]
    with_kind = parse_scenario(raw, file=scenario.file)
    simulation = simulate_states(scenario, demo)
    simulation = replace(
        simulation, scenario=with_kind, in_kind=in_kind_total(with_kind.in_kind, simulation.data)
    )
    assess_module = sys.modules["insaf.policy.assessment"]
    calls: list[int] = []
    real_fgt = assess_module.marginal_fgt
    monkeypatch.setattr(
        assess_module, "marginal_fgt", lambda *a, **k: (calls.append(1), real_fgt(*a, **k))[1]
    )
    fast = assess_module.assess(simulation)
    assert calls  # the changed rows were read
    monkeypatch.setattr(assess_module, "changed_rows_apply", lambda _estimator: False)
    real = assess_module.compute
    monkeypatch.setattr(assess_module, "compute", lambda *a, near=None, **k: real(*a, **k))
    general = assess_module.assess(simulation)
    for name, reform in general.reforms.items():
        rows = reform.tables["marginal"]
        assert rows and len(rows) == len(fast.reforms[name].tables["marginal"])
        for want, got in zip(rows, fast.reforms[name].tables["marginal"], strict=True):
            for column in ("without", "with", "marginal"):
                a, b = got[column], want[column]
                assert a.value == pytest.approx(b.value, rel=1e-12, abs=1e-15), (name, want)
                assert a.se == pytest.approx(b.se, rel=1e-11, abs=1e-15), (name, want)
