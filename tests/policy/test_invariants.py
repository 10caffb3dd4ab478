"""Invariants of the engine and the impact, on the synthetic demo country."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insaf.policy import simulate
from insaf.policy.engine import simulate_states
from insaf.policy.scenario import Scenario, parse_scenario
from insaf.survey import Survey

from .helpers import make_survey

BASELINE: list[dict[str, Any]] = [
    {"id": "bread_subsidy", "type": "price_subsidy", "item": "bread", "subsidy_per_unit": 1.2},
    {"id": "cash", "type": "cash_transfer", "amount": 40, "eligible": "pmt_score < 4.95"},
    {"id": "vat", "type": "vat", "rate": 0.16, "exempt": ["bread", "flour", "electricity"]},
    {
        "id": "tax",
        "type": "income_tax",
        "base": "COALESCE(wage, 0)",
        "brackets": [{"above": 0, "rate": 0}, {"above": 400, "rate": 0.1}],
    },
    {
        "id": "electricity",
        "type": "block_tariff",
        "item": "electricity",
        "cost_price": 0.17,
        "fixed_charge": 1.5,
        "blocks": [{"up_to": 200, "price": 0.06}, {"price": 0.10}],
    },
]


def scenario(reforms: dict[str, Any], baseline: list[dict[str, Any]] | None = None) -> Scenario:
    data = {
        "name": "invariants",
        "welfare": "consumption_pc",
        "lines": {"national": "poverty_line"},
        "baseline": BASELINE if baseline is None else baseline,
        "reforms": reforms,
    }
    return parse_scenario(data)


def test_universal_transfer_costs_amount_times_population(demo: Survey) -> None:
    sc = scenario({"ubi": [{"id": "ubi", "type": "cash_transfer", "unit": "person", "amount": 7}]})
    sim = simulate_states(sc, demo)
    persons = float(np.dot(sim.data.weight, sim.data.members))
    cost = float(np.dot(sim.data.weight, sim.reforms["ubi"].flows["ubi"].fiscal)) * 12
    assert cost == pytest.approx(7 * persons * 12, rel=1e-12)
    assert sim.net_cost(sim.reforms["ubi"]) - sim.net_cost(sim.baseline) == pytest.approx(
        7 * persons * 12, rel=1e-9
    )


def test_removing_every_instrument_costs_nothing(demo: Survey) -> None:
    sc = scenario({"nothing": [{"remove": i["id"]} for i in BASELINE]})
    impact = simulate(sc, demo)
    net = impact["nothing"].table("fiscal")[-1]
    assert net["instrument"] == "net"
    assert net["reform"].value == pytest.approx(0.0, abs=1e-6)
    assert net["change"].value == pytest.approx(-net["baseline"].value, rel=1e-12)


def test_budget_neutral_reform_nets_to_zero(demo: Survey) -> None:
    sc = scenario(
        {
            "grant": [
                {"remove": "bread_subsidy"},
                {
                    "id": "child_grant",
                    "type": "cash_transfer",
                    "unit": "person",
                    "amount": 1,
                    "eligible": "age < 18",
                    "budget_neutral": True,
                },
            ]
        }
    )
    impact = simulate(sc, demo)
    net = impact["grant"].table("fiscal")[-1]
    assert abs(net["change"].value) <= 1e-6 * abs(net["baseline"].value)
    solved = impact["grant"].solved
    assert solved is not None and solved.value > 0


def test_a_reform_equal_to_the_baseline_changes_nothing(demo: Survey) -> None:
    impact = simulate(scenario({"same": [{"change": "vat", "rate": 0.16}]}), demo)
    same = impact["same"]
    for row in same.table("poverty") + same.table("inequality") + same.table("fiscal"):
        assert row["change"].value == pytest.approx(0.0, abs=1e-9)
        assert row["change"].se == pytest.approx(0.0, abs=1e-9)
    overall = same.table("winners_losers")[0]
    assert overall["unaffected"].value == pytest.approx(1.0)


def test_paired_standard_error_is_smaller_than_independent(demo: Survey) -> None:
    impact = simulate(scenario({"more": [{"change": "cash", "amount": 60}]}), demo)
    for row in impact["more"].table("poverty") + impact["more"].table("inequality"):
        independent = np.hypot(row["baseline"].se, row["reform"].se)
        assert row["change"].se < independent


def test_scaling_weights_leaves_rates_and_scales_costs(demo: Survey) -> None:
    assert demo.households is not None
    heavier = replace(
        demo,
        households=demo.households.with_frame(
            demo.households.frame.with_columns(pl.col("weight") * 3.0)
        ),
    )
    sc = scenario({"more": [{"change": "cash", "amount": 60}, {"remove": "bread_subsidy"}]})
    a, b = simulate(sc, demo)["more"], simulate(sc, heavier)["more"]
    for x, y in zip(a.table("poverty"), b.table("poverty"), strict=True):
        assert y["reform"].value == pytest.approx(x["reform"].value, rel=1e-10)
    for x, y in zip(a.table("deciles"), b.table("deciles"), strict=True):
        assert y["losers"].value == pytest.approx(x["losers"].value, rel=1e-10)
    net_a, net_b = a.table("fiscal")[-1]["change"], b.table("fiscal")[-1]["change"]
    assert net_b.value == pytest.approx(3 * net_a.value, rel=1e-10)


@settings(max_examples=25, deadline=None)
@given(
    welfare=st.lists(st.floats(1.0, 300.0), min_size=4, max_size=12, unique=True),
    amount=st.floats(0.0, 80.0),
)
def test_adding_a_transfer_never_raises_the_headcount(welfare: list[float], amount: float) -> None:
    households = [
        {"hhid": i + 1, "weight": 1.0 + i % 3, "consumption_pc": w, "psu": i // 2 + 1}
        for i, w in enumerate(welfare)
    ]
    persons = [{"pid": i + 1, "hhid": i + 1} for i in range(len(welfare))]
    survey = make_survey(households, persons)
    sc = parse_scenario(
        {
            "name": "transfer",
            "welfare": "consumption_pc",
            "lines": {"line": 100.0},
            "reforms": {"t": [{"id": "t", "type": "cash_transfer", "amount": amount}]},
        }
    )
    impact = simulate(sc, survey)
    for row in impact["t"].table("poverty"):
        assert row["reform"].value <= row["baseline"].value + 1e-12
