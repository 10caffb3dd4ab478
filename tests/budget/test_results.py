"""Programme results on a ten-household survey, every number worked by hand here.

Design: one stratum, each household its own PSU, no fpc; the variance of a
total is ``n/(n-1) sum (z_i - mean z)^2`` with ``z_i = w_i y_i`` (R
``svytotal``), of a ratio of totals ``Y/X`` the same with the linearized
``z_i = w_i (y_i - R x_i) / X`` (R ``svyratio``).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import polars as pl
import pytest

from insaf.budget import Budget, BudgetError, Plan, budget_lines
from insaf.budget.results import programme_results
from insaf.observatory.observations import Observation
from insaf.survey import Design, Survey, Table

from .conftest import PLAN

WEIGHTS = [10, 10, 20, 20, 30, 30, 40, 40, 50, 50]
RECIPIENT = [1, 1, 1, 0, 1, 0, 0, 1, 0, 0]  # cash_assistance > 0
POOR = [1, 1, 1, 1, 0, 1, 0, 0, 0, 0]  # consumption_pc < poverty_line
TARGET = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0]  # pmt_score < 2


def _survey(year: int = 2024) -> Survey:
    frame = pl.DataFrame(
        {
            "hhid": list(range(1, 11)),
            "weight": [float(w) for w in WEIGHTS],
            "stratum": [1] * 10,
            "psu": list(range(1, 11)),
            "cash_assistance": [40.0 * r for r in RECIPIENT],
            "consumption_pc": [80.0 if p else 200.0 for p in POOR],
            "poverty_line": [100.0] * 10,
            "pmt_score": [1.0 if t else 3.0 for t in TARGET],
        }
    )
    return Survey(
        households=Table(name="households", frame=frame, key=("hhid",)),
        design=Design(weight="weight", strata="stratum", psu="psu"),
        year=year,
    )


def _budget() -> Budget:
    plan: dict[str, Any] = dict(PLAN)
    plan["programmes"] = [
        {
            **PLAN["programmes"][0],
            "recipients": "cash_assistance > 0",
            "target_group": "pmt_score < 2",
            "instruments": [],
        }
    ]
    records = [
        {
            "line": f"c{year}",
            "year": year,
            "phase": phase,
            "admin": "SOC",
            "function": "10.9",
            "economic": "27",
            "programme": "CASH",
            "source": "treasury",
            "gender_marker": 1,
            "amount": amount,
        }
        for year, phase, amount in (
            (2023, "approved", 2.0),
            (2023, "executed", 1.9),
            (2024, "approved", 2.4),
            (2024, "executed", 2.2),
        )
    ]
    return Budget(
        lines=budget_lines(records), currency="DMD", scale=1000.0, plan=Plan.model_validate(plan)
    )


OBSERVATIONS = [
    Observation(indicator="poverty_headcount", period=2019, value=0.30, se=0.01),  # before
    Observation(indicator="poverty_headcount", period=2021, value=0.25, se=0.010),
    Observation(indicator="poverty_headcount", period=2024, value=0.21, se=0.012),
    Observation(
        indicator="poverty_headcount",
        period=2024,
        value=0.5,
        se=0.05,
        disaggregation={"urban": "1"},
    ),  # a domain, not the national series
]


def test_beneficiaries_costs_coverage_and_leakage() -> None:
    results = programme_results(
        _budget(), _survey(), poor="consumption_pc < poverty_line", observations=OBSERVATIONS
    )
    assert [(r.programme, r.year) for r in results] == [("CASH", 2023), ("CASH", 2024)]
    r = results[1]
    # executed 2.2 thousand = 2,200 DMD
    assert r.executed == pytest.approx(2200.0) and r.approved == pytest.approx(2400.0)
    # beneficiaries: households 1, 2, 3, 5, 8 -> 10 + 10 + 20 + 30 + 40 = 110
    assert r.beneficiaries is not None and r.beneficiaries.value == pytest.approx(110.0)
    # z = w r = 10, 10, 20, 0, 30, 0, 0, 40, 0, 0; mean 11; squared deviations
    # 1 + 1 + 81 + 121 + 361 + 121 + 121 + 841 + 121 + 121 = 1890; var = 10/9 * 1890 = 2100
    se_b = math.sqrt(2100.0)
    assert r.beneficiaries.se == pytest.approx(se_b)
    # poor beneficiaries: 1, 2, 3 -> 40
    assert r.poor_beneficiaries is not None and r.poor_beneficiaries.value == pytest.approx(40)
    # cost per beneficiary 2200 / 110 = 20; delta method SE = 2200 / 110^2 * SE(B)
    assert r.cost_per_beneficiary is not None
    assert r.cost_per_beneficiary.value == pytest.approx(20.0)
    assert r.cost_per_beneficiary.se == pytest.approx(2200 / 110**2 * se_b)
    # cost per poor beneficiary 2200 / 40 = 55
    assert r.cost_per_poor_beneficiary is not None
    assert r.cost_per_poor_beneficiary.value == pytest.approx(55.0)
    # coverage of the target group (households 1-6, weight 120): recipients among them
    # 1, 2, 3, 5 -> 70; 70 / 120. Linearized z_i = w_i (y_i - R t_i) / 120 with R = 7/12:
    # recipients in target 5/12, non-recipients in target -7/12, others 0, so
    # sum z^2 = (50^2 + 50^2 + 100^2 + 140^2 + 150^2 + 210^2) / 1440^2 = 101200 / 2073600
    # (mean z is 0); var = 10/9 * that
    assert r.coverage is not None and r.coverage.value == pytest.approx(70 / 120)
    assert r.coverage.se == pytest.approx(math.sqrt(10 / 9 * 101200 / 1440**2))
    # leakage: recipients outside the target group: household 8 (40) of 110
    assert r.leakage is not None and r.leakage.value == pytest.approx(40 / 110)
    assert r.respondents == {"recipients": 5, "poor_recipients": 3, "target": 6}


def test_outcome_movement_and_results_chain() -> None:
    r = programme_results(
        _budget(), _survey(), poor="consumption_pc < poverty_line", observations=OBSERVATIONS
    )[1]
    (move,) = r.outcomes
    # the national series from the baseline year 2021: 0.25 (se 0.010) -> 0.21 (se 0.012)
    assert (move.first_year, move.last_year) == (2021, 2024)
    assert move.change == pytest.approx(-0.04)
    assert move.se == pytest.approx(math.sqrt(0.010**2 + 0.012**2))  # 0.015620
    low, high = move.ci() or (0.0, 0.0)
    assert low == pytest.approx(-0.04 - 1.959964 * 0.015620, abs=1e-6)
    assert high < 0  # -0.0094: the interval excludes zero
    # planned: 0.25 -> 0.20; achieved 0.25 -> 0.21: (0.21 - 0.25) / (0.20 - 0.25) = 0.8
    assert move.progress == pytest.approx(0.8)
    stages = [(c.stage, c.evidence) for c in r.chain]
    assert stages == [("inputs", "strong"), ("outputs", "weak"), ("outcomes", "strong")]
    # 5 recipients in the sample: fewer than 30
    assert r.chain[1].reasons[0] == "5 recipients in the sample (fewer than 30)"
    assert "not attributed to the programme" in r.chain[2].reasons[-1]
    assert r.evidence_weak


def test_an_observatory_of_another_area_and_of_several() -> None:
    from dataclasses import replace

    demo = [replace(o, area="DEMO") for o in OBSERVATIONS]
    r = programme_results(
        _budget(), _survey(), poor="consumption_pc < poverty_line", observations=demo
    )[1]
    assert r.outcomes[0].change == pytest.approx(-0.04)  # the one area observed: the country's
    both = [*OBSERVATIONS, *demo]
    with pytest.raises(BudgetError, match=r"several areas \(DEMO, NAT\).*area="):
        programme_results(
            _budget(), _survey(), poor="consumption_pc < poverty_line", observations=both
        )
    r = programme_results(
        _budget(), _survey(), poor="consumption_pc < poverty_line", observations=both, area="NAT"
    )[1]
    assert r.outcomes[0].change == pytest.approx(-0.04)


def test_reasons_in_arabic() -> None:
    from insaf.budget.results import chain_in

    r = programme_results(
        _budget(), _survey(), poor="consumption_pc < poverty_line", observations=OBSERVATIONS
    )[1]
    assert r.chain[1].reasons_in("ar")[0] == "5 من المستفيدين في العينة (أقل من 30)"
    stored = [c.to_dict() for c in r.chain]
    assert chain_in(stored, "ar") == [c.to_dict("ar") for c in r.chain]
    assert chain_in(stored, "en") == stored
    assert chain_in(stored, "ar")[0]["what"] == "الإنفاق المنفَّذ"


def test_a_year_without_survey_says_so() -> None:
    r = programme_results(_budget(), _survey(), poor="consumption_pc < poverty_line")[0]
    assert r.year == 2023 and r.beneficiaries is None and r.cost_per_beneficiary is None
    assert r.chain[1].evidence == "none"
    assert r.chain[1].reasons == ("no survey of 2023 (the survey is of 2024)",)
    assert r.chain[2].reasons[0] == "fewer than two observations since the baseline year"


def test_bad_requests_are_named() -> None:
    budget = _budget()
    with pytest.raises(ValueError, match="say who is poor"):
        programme_results(budget, _survey())
    with pytest.raises(ValueError, match="programme 'NOPE' is not in the plan"):
        programme_results(budget, _survey(), poor="pmt_score < 2", programmes=["NOPE"])
    assert budget.plan is not None
    silent = replace(
        budget,
        plan=budget.plan.model_copy(
            update={
                "programmes": (budget.plan.programmes[0].model_copy(update={"recipients": None}),)
            }
        ),
    )
    with pytest.raises(ValueError, match="give its 'recipients' expression"):
        programme_results(silent, _survey(), poor="pmt_score < 2")
    with pytest.raises(ValueError, match="the budget has no plan"):
        programme_results(replace(budget, plan=None), _survey(), poor="pmt_score < 2")


def test_to_dict_is_json() -> None:
    import json

    r = programme_results(
        _budget(), _survey(), poor="consumption_pc < poverty_line", observations=OBSERVATIONS
    )[1]
    data = json.loads(json.dumps(r.to_dict()))
    assert data["cost_per_beneficiary"]["value"] == pytest.approx(20.0)
    assert data["chain"][1]["evidence"] == "weak"


def test_public_results_withhold_small_cells_and_what_reveals_them() -> None:
    from insaf.budget import public_results
    from insaf.disclosure import DisclosureRules

    results = programme_results(_budget(), _survey(), poor="consumption_pc < poverty_line")
    # 5 recipients, 3 poor recipients, 6 in the target group
    rules = DisclosureRules(min_count=4, cv_caution=10.0, cv_suppress=10.0)
    public = public_results(results, rules)[1]
    # poor recipients (3) are below 4: poor beneficiaries withheld, and the cost per poor
    # beneficiary with them (spending / cost would give the count back)
    assert public.suppressed == ("poor_beneficiaries", "cost_per_poor_beneficiary")
    assert public.poor_beneficiaries is None and public.cost_per_poor_beneficiary is None
    assert public.beneficiaries is not None and public.coverage is not None
    strict = public_results(
        results, DisclosureRules(min_count=6, cv_caution=10.0, cv_suppress=10.0)
    )[1]
    # 5 recipients < 6: beneficiaries, leakage, cost per beneficiary go; target (6) stays
    assert set(strict.suppressed) == {
        "beneficiaries",
        "leakage",
        "cost_per_beneficiary",
        "poor_beneficiaries",
        "cost_per_poor_beneficiary",
    }
    assert strict.coverage is not None
    assert public_results(results, None) == results


def test_public_execution_publishes_administrative_amounts(budget: Budget) -> None:
    from insaf.budget import execution, public_execution
    from insaf.disclosure import DisclosureRules

    table = execution(budget, by=["year", "admin"])
    assert public_execution(table, DisclosureRules(min_count=1000)).equals(table)
