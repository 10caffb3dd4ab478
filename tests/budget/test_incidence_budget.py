"""Unit costs from a budget, equity of allocation, gender budgeting and budget
scenarios, worked by hand on the ten households and their budget
(``households.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from insaf.budget.allocation import allocation_equity, spending_by_governorate
from insaf.budget.gender import spending_by_marker, transfers_by_sex
from insaf.budget.incidence import benefit_incidence, budget_spending, unit_costs
from insaf.budget.scenario import budget_scenario, envelopes, move
from insaf.errors import DataError
from insaf.policy import parse_scenario, simulate, simulate_states

from .households import ten_budget, ten_households
from .test_incidence import PRIMARY, VISITS
from .test_incidence_final import SCENARIO, WAGE


def test_spending_by_the_services_classes() -> None:
    # 09.1: 200 + 100 on primary; 07.2: 120 on outpatient care; the rest is not theirs
    found = budget_spending(ten_budget(), [PRIMARY, VISITS], year=2024)
    assert found == {"09.1": 300.0, "07.2": 120.0}
    incidence = benefit_incidence(ten_households(), [PRIMARY, VISITS], spending=found)
    costs = {r["service"]: r["unit_cost"].value for r in incidence.unit_costs}
    assert costs == pytest.approx({"primary": 100.0, "outpatient": 10.0})


def test_a_division_the_budget_does_not_split_like_the_services_is_pooled() -> None:
    # a line of 20 on secondary education (09.2), which no service names: the
    # division's 320 pays for primary pupils, 320 / 3 each
    budget = ten_budget(extra=(("EDU.3", "09.2", "EDU", "1", 1, 20.0),))
    found = budget_spending(budget, [PRIMARY, VISITS], year=2024)
    assert found == {"09": 320.0, "07.2": 120.0}
    costs = unit_costs(ten_households(), [PRIMARY, VISITS], found)
    assert costs["primary"].value == pytest.approx(320.0 / 3)


@pytest.mark.parametrize(
    "call",
    [
        lambda b: budget_spending(b, [PRIMARY], year=2023),
        lambda b: spending_by_governorate(b, year=2023),
        lambda b: spending_by_marker(b, year=2023),
        lambda b: envelopes(b, year=2023),
    ],
)
def test_budget_year_must_exist(call: Any) -> None:
    with pytest.raises(DataError, match=r"no year 2023 \(years: 2024\)"):
        call(ten_budget())


def test_allocation_against_need_by_hand() -> None:
    spending = spending_by_governorate(ten_budget(), year=2024, programme="EDU")
    assert spending == {"1": 200.0, "2": 100.0}
    found = allocation_equity(ten_households(), spending, need="consumption_pc < 65")
    rows = {r["governorate"]: r for r in found.rows}
    # in need: A..E in governorate 1 (8 people), F in 2 (1 of its 7 people)
    assert rows["1"]["people_in_need"].value == pytest.approx(8.0)
    assert rows["2"]["people_in_need"].value == pytest.approx(1.0)
    assert rows["1"]["per_person_in_need"].value == pytest.approx(200 / 8)
    assert rows["2"]["per_person_in_need"].value == pytest.approx(100 / 1)
    assert rows["1"]["per_person"].value == pytest.approx(200 / 8)
    assert rows["2"]["per_person"].value == pytest.approx(100 / 7)
    # needs-based: 300 shared 8 : 1
    assert rows["1"]["needs_based"].value == pytest.approx(300 * 8 / 9)
    assert rows["2"]["gap"] == pytest.approx(100 - 300 / 9)
    # concentration on need: governorate 2 (need rate 1/7) first, its 7 people at
    # mid-rank 3.5 carrying 100; governorate 1 (rate 1) at mid-rank 7 + 4 = 11, 200:
    # C = 2 (100 * 3.5 + 200 * 11) / (15 * 300) - 1
    assert found.concentration.value == pytest.approx(2 * (350 + 2200) / 4500 - 1)


def test_allocation_bad_input() -> None:
    with pytest.raises(DataError, match=r"no line of programme 'HEALTH'"):
        spending_by_governorate(ten_budget(), year=2024, programme="HEALTH")
    with pytest.raises(DataError, match=r"governorate\(s\) '9' that the survey does not have"):
        allocation_equity(ten_households(), {"9": 1.0}, need="consumption_pc < 65")


def test_spending_by_gender_marker() -> None:
    rows = {r["gender_marker"]: r for r in spending_by_marker(ten_budget(), year=2024)}
    # marker 0: 5 + 55; 1: 300 + 20; 2: 120; of 500
    assert rows[0]["amount"] == 60.0 and rows[1]["amount"] == 320.0 and rows[2]["amount"] == 120.0
    assert rows[2]["share"] == pytest.approx(120 / 500)


def _simulation() -> Any:
    return simulate_states(parse_scenario(SCENARIO), ten_households(wage_hh=WAGE))


def test_transfers_by_sex_by_hand() -> None:
    found = transfers_by_sex(_simulation(), female_head="female_head = 1")
    rows = {r["group"]: r for r in found.rows if r["instrument"] == "cash"}
    # 10 a year to A (a woman and a man: 5 each) and to B (a man): 20 in all.
    # Women: A 1, C 1, D 1, E 1, G 2, J 1 = 7; men 8.
    assert rows["women"]["share"].value == pytest.approx(5 / 20)
    assert rows["men"]["share"].value == pytest.approx(15 / 20)
    assert rows["women"]["per_person"].value == pytest.approx(5 / 7)
    assert rows["men"]["per_person"].value == pytest.approx(15 / 8)
    assert rows["women"]["coverage"].value == pytest.approx(1 / 7)
    assert rows["men"]["coverage"].value == pytest.approx(2 / 8)
    # female heads: A, D, G (5 people); A's 10 of 20; male-headed: 10 people, B's 10
    assert rows["female_headed"]["share"].value == pytest.approx(0.5)
    assert rows["female_headed"]["per_person"].value == pytest.approx(10 / 5)
    assert rows["male_headed"]["per_person"].value == pytest.approx(10 / 10)
    assert rows["female_headed"]["coverage"].value == pytest.approx(2 / 5)
    assert rows["female_headed"]["population_share"].value == pytest.approx(5 / 15)
    gaps = {g["comparison"]: g for g in found.gaps}
    assert gaps["women - men"]["per_person"].value == pytest.approx(5 / 7 - 15 / 8)
    assert gaps["women - men"]["per_person"].se > 0


def test_transfers_by_sex_bad_input() -> None:
    with pytest.raises(DataError, match=r"no state 'nothing'"):
        transfers_by_sex(_simulation(), state="nothing", female_head="female_head = 1")
    with pytest.raises(DataError, match=r"person column 'gender'"):
        transfers_by_sex(_simulation(), sex="gender", female_head="female_head = 1")


def test_moving_money_scales_the_linked_instrument() -> None:
    budget = ten_budget()
    assert envelopes(budget, year=2024)["CASH"] == 20.0
    new = move(budget, year=2024, source="EDU", target="CASH", amount=10.0)
    assert new == {"EDU": 290.0, "CASH": 30.0}
    scenario = budget_scenario(parse_scenario(SCENARIO), budget, {"CASH": 30.0}, year=2024)
    change = scenario.reforms["budget"].changes[0]
    # 30 / 20: the amount (10) and the amount per member (0) times 1.5
    assert change.model_dump(exclude_none=True) == {
        "change": "cash",
        "amount": 15.0,
        "per_member": 0.0,
    }
    impact = simulate(scenario, ten_households(wage_hh=WAGE))["budget"]
    cash = next(r for r in impact.table("fiscal") if r["instrument"] == "cash")
    # 15 instead of 10 to A and B, a year
    assert cash["change"].value == pytest.approx(10.0)


def test_solving_the_envelope_exactly() -> None:
    scenario = budget_scenario(
        parse_scenario(SCENARIO), ten_budget(), {"CASH": 40.0}, year=2024, solve=True
    )
    impact = simulate(scenario, ten_households(wage_hh=WAGE))["budget"]
    # the cost rises by 40 - 20 = 20: 10 more to each of A and B
    assert impact.solved is not None
    assert impact.solved.value == pytest.approx(20.0)


def test_budget_scenario_bad_input() -> None:
    scenario = parse_scenario(SCENARIO)
    budget = ten_budget()
    with pytest.raises(DataError, match=r"no programme 'HEALTH' in the plan"):
        budget_scenario(scenario, budget, {"HEALTH": 1.0}, year=2024)
    with pytest.raises(DataError, match=r"'tax' \(income_tax\) has no amount per beneficiary"):
        budget_scenario(scenario, budget, {"TAX": 10.0}, year=2024)
    with pytest.raises(DataError, match=r"names no instrument"):
        budget_scenario(scenario, budget, {"EDU": 10.0}, year=2024)
    with pytest.raises(DataError, match=r"cannot move 50 from 'CASH'"):
        move(budget, year=2024, source="CASH", target="EDU", amount=50.0)


def test_transfers_by_sex_through_disclosure_control() -> None:
    from insaf.budget.gender import public_gender, public_markers
    from insaf.disclosure import DisclosureRules

    found = transfers_by_sex(_simulation(), female_head="female_head = 1")
    rows = {r["group"]: r for r in found.rows if r["instrument"] == "cash"}
    # the sample behind each group: A (a woman, a man; female head) and B (a man; male head)
    # receive; households with a woman: A, C, D, E, G, J
    assert rows["women"]["recipients"] == 1 and rows["men"]["recipients"] == 2
    assert rows["women"]["households"] == 6
    assert rows["female_headed"]["recipients"] == rows["male_headed"]["recipients"] == 1
    loose = DisclosureRules(min_count=1, cv_caution=1e9, cv_suppress=1e9)
    shown = public_gender(found, loose)
    assert not any(r["suppressed"] for r in [*shown.rows, *shown.gaps])
    # two recipients at least: women (one) are withheld, and men with them (their share is
    # one minus the women's); both kinds of household (one each); every gap
    strict = public_gender(found, DisclosureRules(min_count=2, cv_caution=1e9, cv_suppress=1e9))
    hidden = {r["group"] for r in strict.rows if r["suppressed"]}
    assert hidden == {"women", "men", "female_headed", "male_headed"}
    assert all(r["share"] is None for r in strict.rows)
    assert all(g["suppressed"] and g["per_person"] is None for g in strict.gaps)
    assert public_gender(found, None) is found
    markers = public_markers(spending_by_marker(ten_budget(), year=2024), DisclosureRules())
    assert [r["suppressed"] for r in markers] == [False, False, False]
