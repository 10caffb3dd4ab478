"""The demo country's plan and budgets: sound, and consistent with its survey."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from insaf.budget import check, pefa, programme_results, read_budget
from insaf.budget.demo import demo_budget, demo_policies, write_demo_budget
from insaf.policy import load_scenario
from insaf.policy.engine import simulate_states
from insaf.survey import Survey, Unit
from insaf.survey.synth import synthesize

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "bread_to_child_grant.yaml"


@pytest.fixture(scope="module")
def survey() -> Survey:
    return synthesize(1500, 7, 2024)


def test_the_packaged_policies_are_the_examples(survey: Survey) -> None:
    packaged = demo_policies()
    example = load_scenario(EXAMPLE)
    assert packaged.baseline == example.baseline
    assert packaged.period == example.period and packaged.welfare == example.welfare


def test_the_demo_budget_is_sound_and_round_trips(survey: Survey, tmp_path: Path) -> None:
    budget = demo_budget(survey)
    assert [p for p in check(budget) if p.severity == "error"] == []
    assert budget.years == (2019, 2020, 2021, 2022, 2023, 2024)
    phases = set(budget.lines["phase"].cast(pl.String).unique())
    assert phases == {"approved", "revised", "executed"}
    assert budget.plan is not None and (budget.plan.start, budget.plan.end) == (2021, 2025)
    codes = {p.code for p in budget.plan.programmes}
    assert {"CASH", "BREAD", "ENERGY", "EDU", "HEALTH"} <= codes
    assert read_budget(write_demo_budget(tmp_path, survey)) == budget
    scored = pefa(budget)
    assert scored.years == (2022, 2023, 2024) and scored.pi1 is not None and scored.pi2


def test_cash_spending_is_its_simulated_cost(survey: Survey) -> None:
    """Executed cash assistance in the survey's year is within a few percent of its
    cost simulated by the policy engine on the examples' baseline, and of what the
    survey's households report receiving."""
    budget = demo_budget(survey)
    executed = (
        budget.phase("executed")
        .filter((pl.col("programme") == "CASH") & (pl.col("year") == 2024))["amount"]
        .sum()
        * budget.scale
    )
    simulation = simulate_states(load_scenario(EXAMPLE), survey)
    fiscal = simulation.baseline.flows["cash_assistance"].fiscal
    simulated = float(np.dot(simulation.data.weight, fiscal)) * 12
    assert 1.0 <= executed / simulated <= 1.05  # 3% of administration on top
    hh = survey.households.frame if survey.households is not None else pl.DataFrame()
    recorded = float((hh["weight"] * hh["cash_assistance"]).sum()) * 12
    assert executed / recorded == pytest.approx(1.03, rel=0.02)


def test_demo_programme_results(survey: Survey) -> None:
    budget = demo_budget(survey)
    results = programme_results(budget, survey, scenario=demo_policies())
    cash = next(r for r in results if r.programme == "CASH" and r.year == 2024)
    assert cash.beneficiaries is not None and cash.beneficiaries.se > 0
    assert cash.cost_per_beneficiary is not None and cash.cost_per_beneficiary.value > 0
    assert cash.simulated_cost is not None and cash.executed is not None
    assert cash.executed / cash.simulated_cost.value == pytest.approx(1.03, rel=0.01)
    edu = next(r for r in results if r.programme == "EDU" and r.year == 2024)
    assert edu.unit == "person" and edu.coverage is not None and 0.5 < edu.coverage.value <= 1
    early = next(r for r in results if r.programme == "CASH" and r.year == 2019)
    assert early.beneficiaries is None and early.chain[1].evidence == "none"


def test_the_plan_speaks_the_observatorys_units_and_values() -> None:
    # the demo observatory's indicators on its survey of 2021 (6,000 households, seed 7, as
    # make run computes them): each result's baseline lies in the 95% interval of the value
    # published for its baseline year, on the same scale (percent; Gini on 0-100), and its
    # target for 2025 lies on the way to the observatory's target for 2030
    from insaf.budget.demo import demo_plan
    from insaf.observatory import DEMO_CATALOGUE, load_catalogue
    from insaf.observatory.compute import compute_catalogue

    catalogue = load_catalogue(DEMO_CATALOGUE)
    published = {
        o.indicator: o
        for o in compute_catalogue(catalogue, synthesize(6000, 7, 2021))
        if not o.disaggregation
    }
    targets = {i.code: i.target for i in catalogue.indicators}
    results = demo_plan().results()
    assert {r.indicator for r in results} == {"POV_NAT", "SCHOOL_ATT", "SP_COVERAGE", "GINI"}
    for r in results:
        found = published[r.indicator]
        assert r.baseline_year == found.period == 2021
        assert found.ci_low is not None and found.ci_high is not None
        assert found.ci_low <= r.baseline <= found.ci_high, r.indicator
        goal = targets[r.indicator]
        assert goal is not None
        assert min(r.baseline, goal.value) <= r.target <= max(r.baseline, goal.value), r.code
        assert r.target != r.baseline


def test_programme_results_from_a_given_baseline(survey: Survey) -> None:
    budget, scenario = demo_budget(survey), demo_policies()
    baseline = simulate_states(scenario, survey).baseline
    given = programme_results(budget, survey, scenario=scenario, baseline=baseline)
    assert [r.to_dict() for r in given] == [
        r.to_dict() for r in programme_results(budget, survey, scenario=scenario)
    ]
    with pytest.raises(ValueError, match="without its scenario"):
        programme_results(budget, survey, poor="consumption_pc < 100", baseline=baseline)
    other = synthesize(200, 7, 2024)
    with pytest.raises(ValueError, match="computed on another survey"):
        programme_results(demo_budget(other), other, scenario=scenario, baseline=baseline)


def test_person_totals_over_households_are_the_person_totals(survey: Survey) -> None:
    """Person programmes are counted over household rows (members summed): the same
    totals, standard errors, counts and populations as over person rows."""
    from insaf.budget.people import household_arrays
    from insaf.budget.results import _flags, _totals_linear, _totals_prepared

    budget, scenario = demo_budget(survey), demo_policies()
    assert budget.plan is not None
    baseline = simulate_states(scenario, survey).baseline
    added, _ = _flags(survey, budget.plan.programmes, "consumption_pc < 100", baseline, 12.0)
    assert added[Unit.PERSON] and added[Unit.HOUSEHOLD]
    arrays = household_arrays(survey)
    assert arrays is not None
    linear, prepared = _totals_linear(survey, added, arrays), _totals_prepared(survey, added)
    assert linear.keys() == prepared.keys()
    for name, e in prepared.items():
        assert linear[name].value == pytest.approx(e.value, rel=1e-12), name
        assert linear[name].se == pytest.approx(e.se, rel=1e-12), name
        assert (linear[name].n, linear[name].population) == (e.n, pytest.approx(e.population))
