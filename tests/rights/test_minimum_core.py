"""Fiscal impoverishment and the poor who lose, by hand on ten households."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insaf.policy import simulate
from insaf.policy.scenario import parse_scenario
from insaf.rights import assess_rights, impoverishment

from .helpers import make_survey

# Ten one-person households: welfare before (y0), who gets transfer a (grp 1: 20 a
# month, removed by the reform) or the new transfer b (grp 2: 15 a month), weight.
#   hh  y0   grp  w   y1    national line z = 100          extreme line z = 60
#    1  50    1   1   30    FI 50-30 = 20                  FI 50-30 = 20
#    2  90    1   2   70    FI 90-70 = 20                  -
#    3 110    1   1   90    FI min(110,100)-90 = 10        -
#    4 130    1   1  110    -                              -
#    5  40    2   1   55    FGP 55-40 = 15                 FGP 55-40 = 15
#    6  95    2   2  110    FGP min(110,100)-95 = 5        -
#    7 120    2   1  135    -                              -
#    8  60    0   1   60    -                              -
#    9 100    1   1   80    FI min(100,100)-80 = 20        -
#   10  80    0   2   80    -                              -
HOUSEHOLDS = [
    (1, 50.0, 1, 1.0),
    (2, 90.0, 1, 2.0),
    (3, 110.0, 1, 1.0),
    (4, 130.0, 1, 1.0),
    (5, 40.0, 2, 1.0),
    (6, 95.0, 2, 2.0),
    (7, 120.0, 2, 1.0),
    (8, 60.0, 0, 1.0),
    (9, 100.0, 1, 1.0),
    (10, 80.0, 0, 2.0),
]
# National line (z = 100), people weighted, per month:
#   impoverished: hh 1, 2, 3, 9 -> 1 + 2 + 1 + 1 = 5 people of 13; amount 20 + 2*20 + 10 + 20 = 90
#   poor gaining: hh 5, 6 -> 1 + 2 = 3 people; gains 15 + 2*5 = 25
#   poverty gap before: 50 + 2*10 + 60 + 2*5 + 40 + 2*20 = 220; after 70 + 2*30 + 10 + 45 + 40
#   + 20 + 2*20 = 285; change 65 = 90 - 25
#   poor (y0 < 100) who lose: hh 1, 2 -> 3 people; losses 20 + 2*20 = 60 (hh 9 sits on the line)
# Extreme line (z = 60): impoverished hh 1 (1 person, 20); poor gaining hh 5 (1 person, 15);
#   gap 10 + 20 = 30 before, 30 + 5 = 35 after, change 5 = 20 - 15; poor who lose hh 1 (20).
# Amounts in the impact are a year: times 12.
EXPECTED = {
    "national": {
        "impoverished": 5.0,
        "impoverished_share": 5.0 / 13.0,
        "impoverishment": 90.0 * 12,
        "poor_gaining": 3.0,
        "gains_of_the_poor": 25.0 * 12,
        "poverty_gap_change": 65.0 * 12,
        "poor_losing": 3.0,
        "poor_losing_share": 3.0 / 13.0,
        "losses_of_the_poor": 60.0 * 12,
    },
    "extreme": {
        "impoverished": 1.0,
        "impoverished_share": 1.0 / 13.0,
        "impoverishment": 20.0 * 12,
        "poor_gaining": 1.0,
        "gains_of_the_poor": 15.0 * 12,
        "poverty_gap_change": 5.0 * 12,
        "poor_losing": 1.0,
        "poor_losing_share": 1.0 / 13.0,
        "losses_of_the_poor": 20.0 * 12,
    },
}


def _impact():  # type: ignore[no-untyped-def]
    households = [
        {"hhid": h, "consumption_pc": y0, "grp": g, "weight": w, "psu": (h + 1) // 2}
        for h, y0, g, w in HOUSEHOLDS
    ]
    persons = [{"pid": h, "hhid": h} for h, *_ in HOUSEHOLDS]
    survey = make_survey(households, persons)
    scenario = parse_scenario(
        {
            "name": "swap",
            "welfare": "consumption_pc",
            "lines": {"national": 100.0, "extreme": 60.0},
            "baseline": [{"id": "a", "type": "cash_transfer", "amount": 20, "eligible": "grp = 1"}],
            "reforms": {
                "swap": [
                    {"remove": "a"},
                    {"id": "b", "type": "cash_transfer", "amount": 15, "eligible": "grp = 2"},
                ]
            },
            "rights": {"groups": [], "compare_by": []},
        }
    )
    return assess_rights(simulate(scenario, survey))


def test_fiscal_impoverishment_by_hand_on_ten_households() -> None:
    section = _impact()["swap"].sections["rights"]
    found = {(r["line"], r["indicator"]): r["value"] for r in section.minimum_core}
    for line, expected in EXPECTED.items():
        for indicator, value in expected.items():
            assert found[line, indicator].value == pytest.approx(value, rel=1e-12), (
                line,
                indicator,
            )


def test_the_change_in_the_poverty_gap_is_impoverishment_less_gains() -> None:
    section = _impact()["swap"].sections["rights"]
    for line in ("national", "extreme"):
        found = {r["indicator"]: r["value"] for r in section.minimum_core if r["line"] == line}
        gap = found["poverty_gap_change"]
        assert gap.value == pytest.approx(
            found["impoverishment"].value - found["gains_of_the_poor"].value, rel=1e-12
        )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0.0, 500.0), st.floats(-200.0, 200.0), st.floats(0.1, 5.0)),
        min_size=1,
        max_size=30,
    ),
    st.floats(1.0, 400.0),
)
def test_identity_holds_for_any_incomes(rows: list[tuple[float, float, float]], z: float) -> None:
    y0 = np.array([r[0] for r in rows])
    y1 = np.maximum(y0 + np.array([r[1] for r in rows]), 0.0)
    w = np.array([r[2] for r in rows])
    f = impoverishment(y0, y1, np.full(y0.size, z))
    gap = np.dot(w, f.gap_after) - np.dot(w, f.gap_before)
    assert gap == pytest.approx(
        np.dot(w, f.impoverishment) - np.dot(w, f.gains), abs=1e-7 * (1 + np.abs(gap))
    )
    # impoverishment only where welfare fell below the line, gains only where the poor gained
    assert np.all(f.impoverishment[(y1 >= y0) | (y1 >= z)] == 0)
    assert np.all(f.gains[(y1 <= y0) | (y0 >= z)] == 0)
