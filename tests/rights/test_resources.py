"""Maximum available resources: the Kakwani index of a tax the reform adds, by hand, and
the rule (a regressive tax, or money saved while the reform harms)."""

from __future__ import annotations

from typing import Any

import pytest

from insaf.policy import simulate
from insaf.policy.scenario import parse_scenario
from insaf.rights import assess_rights

from .helpers import make_survey

N = 100
# one person a household, welfare y_i = 50 + 2.5 i a month (i = 0..99), weight 1;
# each buys 10 kg of bread; the 20 richest (y >= 250) also buy fuel for a car.
WELFARE = [50.0 + 2.5 * i for i in range(N)]
MEAN = 50.0 + 2.5 * (N - 1) / 2  # 173.75
# The Gini of an arithmetic series a + d i over n people: sum_i sum_j |y_i - y_j| is
# d n (n^2 - 1) / 3, so G = d (n^2 - 1) / (6 n mean) = 2.5 * 9,999 / (600 * 173.75).
GINI = 2.5 * (N**2 - 1) / (6 * N * MEAN)


def _impact() -> Any:
    households = [
        {"hhid": i + 1, "consumption_pc": y, "weight": 1.0, "psu": i + 1}
        for i, y in enumerate(WELFARE)
    ]
    persons = [{"pid": i + 1, "hhid": i + 1} for i in range(N)]
    items = [{"hhid": i + 1, "item": "bread", "quantity": 10.0, "value": 5.0} for i in range(N)]
    items += [
        {"hhid": i + 1, "item": "gasoline", "quantity": float(i - 79), "value": 2.0 * (i - 79)}
        for i in range(80, N)
    ]
    survey = make_survey(households, persons, items)
    scenario = parse_scenario(
        {
            "name": "taxes",
            "welfare": "consumption_pc",
            "lines": {"national": 100.0},
            "baseline": [],
            "reforms": {
                # 0.50 a kg of bread: 5 a month from everyone, rich or poor
                "bread_tax": [{"id": "ex", "type": "excise", "items": ["bread"], "per_unit": 0.5}],
                # 0.50 a litre of gasoline: only the richest fifth pays
                "fuel_tax": [
                    {"id": "fx", "type": "excise", "items": ["gasoline"], "per_unit": 0.5}
                ],
            },
            "rights": {"groups": [], "compare_by": []},
        }
    )
    return assess_rights(simulate(scenario, survey))


def test_a_flat_tax_is_regressive_by_hand_and_flagged() -> None:
    section = _impact()["bread_tax"].sections["rights"]
    (tax,) = section.taxes
    # everyone pays the same 5: the tax's concentration is 0, its Kakwani index minus the
    # Gini of market income (here welfare: one person a household, no transfers)
    assert tax["kakwani"].value == pytest.approx(-GINI, rel=1e-9)
    assert tax["status"] == "added" and tax["regressive"] and tax["flagged"]
    # the fiscal space: 100 households x 5 a month x 12 months, saved by the treasury
    assert section.fiscal_space["fiscal_space"].value == pytest.approx(6000.0)
    # and the people from 100 to 102.5 a month fall below the line: harm while saving
    assert section.verdicts["minimum_core"] == "flagged"
    assert section.reasons["resources"] == ["regressive:ex", "saves while harming"]
    assert section.verdicts["resources"] == "flagged"


def test_a_tax_only_the_rich_pay_is_not_flagged() -> None:
    section = _impact()["fuel_tax"].sections["rights"]
    (tax,) = section.taxes
    assert tax["kakwani"].value > 0 and not tax["regressive"] and not tax["flagged"]
    # 0.5 x (1 + 2 + ... + 20) litres a month, 12 months
    assert section.fiscal_space["fiscal_space"].value == pytest.approx(0.5 * 210 * 12)
    assert section.verdicts["minimum_core"] == "not_flagged"
    assert section.reasons["resources"] == []
    assert section.verdicts["resources"] == "not_flagged"
