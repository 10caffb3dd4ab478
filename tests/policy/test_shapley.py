"""Shapley decomposition of a reform's impact by instrument (Shorrocks 2013)."""

from __future__ import annotations

from typing import Any

import pytest

from insaf.errors import InsafError
from insaf.measures import difference
from insaf.policy.engine import simulate_states
from insaf.policy.scenario import parse_scenario
from insaf.policy.shapley import instrument_shapley
from insaf.survey import Survey

from .helpers import make_survey

# Four one-person households, weight 1, welfare 10, 20, 30, 45; line 40 ("<").
# Instrument a pays 15 to everyone, b pays 10 to those below 25.
#   set        welfare            FGT0   FGT1 = mean gap / 40
#   none       10, 20, 30, 45     3/4    (30 + 20 + 10)/160 = 0.375
#   a          25, 35, 45, 60     2/4    (15 + 5)/160 = 0.125
#   b          20, 30, 30, 45     3/4    (20 + 10 + 10)/160 = 0.25
#   a and b    35, 45, 45, 60     1/4    5/160 = 0.03125
# phi_a = ((v(a) - v()) + (v(ab) - v(b)))/2, phi_b likewise:
#   FGT0: phi_a = (-1/4 - 1/2)/2 = -3/8, phi_b = (0 - 1/4)/2 = -1/8 (sum -1/2)
#   FGT1: phi_a = (-0.25 - 0.21875)/2 = -0.234375, phi_b = (-0.125 - 0.09375)/2 = -0.109375
HOUSEHOLDS = [
    {"hhid": i + 1, "weight": 1.0, "consumption_pc": y} for i, y in enumerate([10, 20, 30, 45])
]
PERSONS = [{"pid": i + 1, "hhid": i + 1} for i in range(4)]
REFORM: list[dict[str, Any]] = [
    {"id": "a", "type": "cash_transfer", "amount": 15},
    {"id": "b", "type": "cash_transfer", "amount": 10, "eligible": "consumption_pc < 25"},
]


def scenario(reform: list[dict[str, Any]]) -> Any:
    return parse_scenario(
        {
            "name": "shapley",
            "welfare": "consumption_pc",
            "lines": {"line": 40},
            "baseline": [],
            "reforms": {"package": reform},
        }
    )


def test_two_transfers_by_hand() -> None:
    sim = simulate_states(scenario(REFORM), make_survey(HOUSEHOLDS, PERSONS))
    found = instrument_shapley(sim, "package")
    assert found.instruments == ("a", "b")
    value = {key: e.value for key, e in found.shares.items()}
    assert value[("fgt0", "a")] == pytest.approx(-3 / 8, rel=1e-12)
    assert value[("fgt0", "b")] == pytest.approx(-1 / 8, rel=1e-12)
    assert value[("fgt1", "a")] == pytest.approx(-0.234375, rel=1e-12)
    assert value[("fgt1", "b")] == pytest.approx(-0.109375, rel=1e-12)
    for indicator in found.indicators:  # no residual, whatever the interactions
        total = sum(value[(indicator, i)] for i in found.instruments)
        assert total == pytest.approx(found.change[indicator].value, abs=1e-14)
    table = found.table()
    assert table.height == 6 and table["share_of_change"][0] == pytest.approx(0.75)


def test_order_does_not_matter_and_one_instrument_is_the_change(demo: Survey) -> None:
    reform = [
        {"id": "ubi", "type": "cash_transfer", "unit": "person", "amount": 6},
        {"id": "poor", "type": "cash_transfer", "amount": 30, "eligible": "pmt_score < 4.9"},
        {"id": "old", "type": "cash_transfer", "unit": "person", "amount": 20,
         "eligible": "age >= 65"},
    ]  # fmt: skip
    sim = simulate_states(scenario(reform), demo)
    ahead = instrument_shapley(sim, "package")
    back = instrument_shapley(simulate_states(scenario(reform[::-1]), demo), "package")
    for key, e in ahead.shares.items():
        assert back.shares[key].value == pytest.approx(e.value, rel=1e-9, abs=1e-15)
        assert back.shares[key].se == pytest.approx(e.se, rel=1e-9)
    gini = sum(ahead.shares[("gini", i)].value for i in ahead.instruments)
    assert gini == pytest.approx(ahead.change["gini"].value, rel=1e-10)
    # one instrument: its Shapley value is the whole change, with the change's SE
    single = instrument_shapley(simulate_states(scenario(reform[:1]), demo), "package")
    change = difference(single.reform_value["gini"], single.baseline["gini"])
    assert single.shares[("gini", "ubi")].value == pytest.approx(change.value, rel=1e-12)
    assert single.shares[("gini", "ubi")].se == pytest.approx(change.se, rel=1e-9)
    assert change.se > 0


def test_bad_input() -> None:
    sim = simulate_states(scenario(REFORM), make_survey(HOUSEHOLDS, PERSONS))
    with pytest.raises(InsafError, match=r"no reform 'x'.*package"):
        instrument_shapley(sim, "x")
    with pytest.raises(InsafError, match="no poverty line 'z'"):
        instrument_shapley(sim, "package", line="z")
    with pytest.raises(InsafError, match=r"2 instruments.*max_instruments=1"):
        instrument_shapley(sim, "package", max_instruments=1)
    nothing = simulate_states(
        scenario([{"id": "a", "type": "cash_transfer", "amount": 0}]),
        make_survey(HOUSEHOLDS, PERSONS),
    )
    with pytest.raises(InsafError, match="changes no one"):
        instrument_shapley(nothing, "package")
