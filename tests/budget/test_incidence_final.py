"""Final income, fiscal impoverishment and marginal contributions in the policy
engine, worked by hand on the ten-household example (``households.py``).

Amounts are a year (``period: year``), welfare is consumption per person. The
baseline pays 10 to each household below 25 a person (A and B) and taxes half
of ``wage_hh`` (20 in C only: a tax of 10). Market income per person is the
observed welfare less the transfer plus the tax:

====  ====  ======  ==========  =======  ======================  =====
hh    size  market  consumable  in kind  (primary 12, visit 1)   final
====  ====  ======  ==========  =======  ======================  =====
A     2     5       10          15       12 + 3                  17.5
B     1     10      20          4        4                       24
C     2     35      30          14       12 + 2                  37
D     1     40      40          0                                40
E     2     50      50          13       12 + 1                  56.5
F     1     60      60          1                                61
G     2     70      70          0                                70
H     1     80      80          1                                81
I     2     90      90          0                                90
J     1     100     100         0                                100
====  ====  ======  ==========  =======  ======================  =====
"""

from __future__ import annotations

from typing import Any

import pytest

from insaf.errors import InsafError
from insaf.policy import parse_scenario, simulate

from .households import SIZES, ten_households

LINE = 35.0
SCENARIO: dict[str, Any] = {
    "name": "ten households",
    "period": "year",
    "welfare": "consumption_pc",
    "lines": {"line": LINE},
    "baseline": [
        {
            "id": "cash",
            "type": "cash_transfer",
            "unit": "household",
            "amount": 10,
            "eligible": "consumption_pc < 25",
        },
        {
            "id": "tax",
            "type": "income_tax",
            "unit": "household",
            "base": "wage_hh",
            "brackets": [{"above": 0, "rate": 0.5}],
        },
    ],
    "in_kind": [
        {
            "id": "primary",
            "sector": "education",
            "where": "public_school = 1 AND school_level = 1",
            "unit_cost": 12,
        },
        {
            "id": "outpatient",
            "sector": "health",
            "where": "public_visits > 0",
            "use": "public_visits",
            "unit_cost": 1,
        },
    ],
    "reforms": {"more_cash": [{"change": "cash", "amount": 20}]},
}
WAGE = [0.0, 0.0, 20.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]


def _impact() -> Any:
    return simulate(parse_scenario(SCENARIO), ten_households(wage_hh=WAGE))["more_cash"]


def _baseline(rows: list[dict[str, Any]], **match: Any) -> list[dict[str, Any]]:
    return [
        r for r in rows if r["state"] == "baseline" and all(r[k] == v for k, v in match.items())
    ]


def _osier_gini(values: list[float], weights: list[float]) -> float:
    """The Osier Gini written out (docs/methods/inequality.md):
    ``(2 sum w r y - sum w y) / (N Y) - 1`` with ``r`` the cumulative weight."""
    pairs = sorted(zip(values, weights, strict=True))
    n = sum(weights)
    total = sum(v * w for v, w in pairs)
    cumulative, acc = 0.0, 0.0
    for v, w in pairs:
        cumulative += w
        acc += w * cumulative * v
    return (2 * acc - total) / (n * total) - 1


def test_final_income_concept() -> None:
    reform = _impact()
    concepts = {r["concept"]: r for r in _baseline(reform.table("concepts"))}
    # market totals 10 + 10 + 70 + 40 + 100 + 60 + 140 + 80 + 180 + 100 = 790 over 15 people
    assert concepts["market"]["mean"].value == pytest.approx(790 / 15)
    # final: consumption 800 plus in kind 15 + 4 + 14 + 13 + 1 + 1 = 48
    assert concepts["final"]["mean"].value == pytest.approx(848 / 15)
    final = [17.5, 24, 37, 40, 56.5, 61, 70, 81, 90, 100]
    assert concepts["final"]["gini"].value == pytest.approx(_osier_gini(final, SIZES))


def test_fiscal_impoverishment_by_hand() -> None:
    reform = _impact()
    rows = {r["concept"]: r for r in _baseline(reform.table("impoverishment"), line="line")}
    consumable = rows["consumable"]
    # C: market 35, consumable 30 < 35: both members impoverished by min(35, 35) - 30 = 5
    assert consumable["impoverished"].value == pytest.approx(2.0)
    assert consumable["impoverished_share"].value == pytest.approx(2 / 15)
    assert consumable["impoverishment"].value == pytest.approx(10.0)
    # poor who gain: A (5 -> 10, 2 people, 5 each) and B (10 -> 20, 10)
    assert consumable["poor_gaining"].value == pytest.approx(3.0)
    assert consumable["gains_of_the_poor"].value == pytest.approx(20.0)
    # final income: C has 37 >= 35, so nobody is made poor; A gains 17.5 - 5 = 12.5
    # each, B 24 - 10 = 14
    final = rows["final"]
    assert final["impoverished"].value == pytest.approx(0.0)
    assert final["gains_of_the_poor"].value == pytest.approx(2 * 12.5 + 14)
    assert consumable["impoverished"].se > 0


def test_marginal_contributions_by_hand() -> None:
    reform = _impact()
    rows = _baseline(reform.table("marginal"))
    found = {(r["instrument"], r["indicator"]): r for r in rows}
    # headcount of final income below 35: A, B (3 people of 15)
    # without primary education (6 a person in A, C and E) C falls to 31: 5 of 15
    assert found[("primary", "fgt0")]["with"].value == pytest.approx(3 / 15)
    assert found[("primary", "fgt0")]["marginal"].value == pytest.approx(5 / 15 - 3 / 15)
    # without the transfer A and B are still poor
    assert found[("cash", "fgt0")]["marginal"].value == pytest.approx(0.0)
    # the tax: without it C has 37 + 5 = 42
    final = [17.5, 24, 37, 40, 56.5, 61, 70, 81, 90, 100]
    untaxed = [17.5, 24, 42, 40, 56.5, 61, 70, 81, 90, 100]
    expected = _osier_gini(untaxed, SIZES) - _osier_gini(final, SIZES)
    assert found[("tax", "gini")]["marginal"].value == pytest.approx(expected)
    assert found[("tax", "gini")]["kind"] == "direct_tax"
    assert found[("tax", "gini")]["marginal"].se > 0


def test_final_income_in_impact_json() -> None:
    reform = _impact()
    document = reform.to_dict()
    assert {"impoverishment", "marginal"} <= set(document["incidence"])
    concepts = [r["concept"] for r in document["incidence"]["concepts"]]
    assert "final" in concepts


def test_in_kind_needs_a_unit_cost_and_known_variables() -> None:
    raw = {**SCENARIO, "in_kind": [{**SCENARIO["in_kind"][0], "unit_cost": None}]}
    with pytest.raises(InsafError, match=r"in_kind.*'primary' needs a 'unit_cost'"):
        parse_scenario(raw)
    twice = {**SCENARIO, "in_kind": [SCENARIO["in_kind"][0], SCENARIO["in_kind"][0]]}
    with pytest.raises(InsafError, match=r"'primary' is listed twice"):
        parse_scenario(twice)
    unknown = {**SCENARIO, "in_kind": [{**SCENARIO["in_kind"][0], "where": "grade = 1"}]}
    with pytest.raises(InsafError, match=r"grade"):
        simulate(parse_scenario(unknown), ten_households(wage_hh=WAGE))
