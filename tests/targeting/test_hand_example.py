"""A ten-person example in the style of the World Bank's illustrations, worked by hand.

Ten one-person households, weight 1 each, each its own PSU in one stratum;
monthly welfare ``y`` and a poverty line of 100::

    person     1    2    3    4    5    6    7    8    9   10
    y         40   60   80   90  110  120  150  180  220  300
    poor      x    x    x    x                                 (y < 100: 4 poor)
    poorest   x    x                                           (poorest 20 %: share < 0.2)
    selected  x         x         x    x                       (B, benefit t = 20)

Mid-point people shares ``(k - 0.5)/10`` = 0.05, 0.15, ..., 0.95, so person k
is in decile k, the poorest 20 % are persons 1-2, the bottom 40 % persons 1-4.
Every expected number below is derived in the comment next to it.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest

from insaf.survey import Design, Survey, Table
from insaf.targeting import (
    Evaluation,
    Rule,
    RuleEngine,
    TargetingData,
    evaluate_benefit,
    evaluate_rule,
)

Y = [40.0, 60.0, 80.0, 90.0, 110.0, 120.0, 150.0, 180.0, 220.0, 300.0]
SELECTED = [1, 0, 1, 0, 1, 1, 0, 0, 0, 0]


def ten_people() -> Survey:
    frame = pl.DataFrame(
        {
            "hhid": list(range(1, 11)),
            "weight": [1.0] * 10,
            "hhsize": [1] * 10,
            "welfare": Y,
            "selected": SELECTED,
            "urban": [0, 0, 0, 1, 1, 1, 1, 0, 1, 1],
        }
    )
    return Survey(
        households=Table(name="households", frame=frame, key=("hhid",)),
        design=Design(weight="weight", psu="hhid"),
    )


@pytest.fixture(scope="module")
def data() -> TargetingData:
    return TargetingData.build(ten_people(), welfare="welfare", line=100.0, groups=["urban"])


@pytest.fixture(scope="module")
def result(data: TargetingData) -> Evaluation:
    benefit = 20.0 * np.asarray(SELECTED, dtype=float)
    return evaluate_benefit(data, benefit, poorest=0.2)


def test_definitions_of_poor(result: Evaluation) -> None:
    line, poorest = result.definitions["line"], result.definitions["poorest"]
    # line: P = {1,2,3,4}; B = {1,3,5,6}; P and B = {1,3}
    assert line["poor_share"].value == pytest.approx(0.4)
    assert line["coverage_poor"].value == pytest.approx(2 / 4)  # 1 - exclusion error
    assert line["exclusion_error"].value == pytest.approx(0.5)
    assert line["inclusion_error"].value == pytest.approx(2 / 4)  # {5,6} of B
    assert line["inclusion_error_nonpoor"].value == pytest.approx(2 / 6)  # {5,6} of 6 non-poor
    assert line["targeting_differential"].value == pytest.approx(0.5 - 2 / 6)
    assert line["benefit_share_poor"].value == pytest.approx(40 / 80)
    # poorest 20 %: P = {1,2}; P and B = {1}
    assert poorest["poor_share"].value == pytest.approx(0.2)
    assert poorest["coverage_poor"].value == pytest.approx(1 / 2)
    assert poorest["inclusion_error"].value == pytest.approx(3 / 4)  # {3,5,6} of B
    assert poorest["inclusion_error_nonpoor"].value == pytest.approx(3 / 8)
    assert poorest["targeting_differential"].value == pytest.approx(1 / 2 - 3 / 8)
    assert poorest["benefit_share_poor"].value == pytest.approx(20 / 80)


def test_summary(result: Evaluation) -> None:
    s = result.summary
    assert s["coverage"].value == pytest.approx(0.4)
    assert s["beneficiaries"].value == pytest.approx(4)
    assert s["cost"].value == pytest.approx(80 * 12)  # monthly benefits, a year
    assert s["mean_benefit"].value == pytest.approx(20)
    # CGH: bottom 20 % = {1,2} get 20 of 80 -> 0.25/0.2; bottom 40 % = {1..4} get 40 -> 0.5/0.4
    assert s["cgh20"].value == pytest.approx(1.25)
    assert s["cgh40"].value == pytest.approx(1.25)
    # concentration: 2 sum t r / (N T) - 1, r = k - 0.5: 2*20*(0.5+2.5+4.5+5.5)/(10*80) - 1
    assert s["concentration"].value == pytest.approx(2 * 20 * 13 / 800 - 1)  # -0.35
    # adequacy: 80 / (40 + 80 + 110 + 120); among poor beneficiaries {1,3}: 40 / 120
    assert s["adequacy"].value == pytest.approx(80 / 350)
    assert s["adequacy_poor"].value == pytest.approx(40 / 120)
    # gaps before 60,40,20,10; after: person 1 40 (60 -> 40), person 3 0 (80 + 20 = 100)
    assert s["benefit_cost_ratio"].value == pytest.approx((20 + 20) / 80)


def test_poverty_impact(result: Evaluation) -> None:
    p = result.poverty
    # before: P0 = 4/10; P1 = (.6+.4+.2+.1)/10; P2 = (.36+.16+.04+.01)/10
    assert p["fgt0"]["before"].value == pytest.approx(0.4)
    assert p["fgt1"]["before"].value == pytest.approx(0.13)
    assert p["fgt2"]["before"].value == pytest.approx(0.057)
    # after: y = 60, 60, 100, 90, ...: poor 1, 2, 4 (100 is not below 100)
    assert p["fgt0"]["after"].value == pytest.approx(0.3)
    assert p["fgt1"]["after"].value == pytest.approx((0.4 + 0.4 + 0.1) / 10)
    assert p["fgt2"]["after"].value == pytest.approx((0.16 + 0.16 + 0.01) / 10)
    assert p["fgt0"]["change"].value == pytest.approx(-0.1)
    assert p["fgt1"]["change"].value == pytest.approx(-0.04)
    assert p["fgt2"]["change"].value == pytest.approx(-0.024)


def test_standard_errors_by_hand(result: Evaluation) -> None:
    # coverage: n = 10 PSUs, z_i = (B_i - 0.4)/10,
    # V = 10/9 * sum z_i^2 = 10/9 * (4 * .36 + 6 * .16)/100 = 0.0266667
    assert result.summary["coverage"].se == pytest.approx(math.sqrt(10 / 9 * 0.024))
    # paired change in P0: d = h1 - h0 = -1 for person 3 only, mean -0.1,
    # V = 10/9 * ((-1 + .1)^2 + 9 * .1^2)/100 = 0.01
    assert result.poverty["fgt0"]["change"].se == pytest.approx(0.1)
    # coverage of the poor (line): ratio sum P B / sum P, X = 4, R = 0.5,
    # z_i = P_i (B_i - 0.5)/4 = +-1/8 for the 4 poor, 0 otherwise; mean 0
    # V = 10/9 * 4 * (1/8)^2 = 0.069444
    assert result.definitions["line"]["coverage_poor"].se == pytest.approx(
        math.sqrt(10 / 9 * 4 / 64)
    )


def test_deciles_and_groups(result: Evaluation) -> None:
    coverage = [row["coverage"].value for row in result.deciles]
    shares = [row["benefit_share"].value for row in result.deciles]
    assert coverage == pytest.approx(SELECTED)  # person k is decile k
    assert shares == pytest.approx([s * 0.25 for s in SELECTED])
    rural, urban = result.groups["urban"]
    # rural = {1,2,3,8}: covered {1,3}; poor {1,2,3} of which covered {1,3}
    assert rural[0] == 0 and urban[0] == 1
    assert rural[1]["coverage"].value == pytest.approx(2 / 4)
    assert rural[1]["coverage_poor_line"].value == pytest.approx(2 / 3)
    assert rural[1]["benefit_share"].value == pytest.approx(40 / 80)
    assert rural[1]["population_share"].value == pytest.approx(0.4)
    # urban = {4,5,6,7,9,10}: covered {5,6}, both non-poor: inclusion error 1
    assert urban[1]["inclusion_error_line"].value == pytest.approx(1.0)
    assert urban[1]["fgt0_before"].value == pytest.approx(1 / 6)


def test_the_same_through_the_policy_engine(data: TargetingData) -> None:
    engine = RuleEngine(data)
    rule = Rule(id="r", eligible="selected = 1", unit="household")
    result = evaluate_rule(engine, rule, amount=20.0, poorest=0.2)
    assert result.summary["cost"].value == pytest.approx(960.0)
    assert result.definitions["line"]["exclusion_error"].value == pytest.approx(0.5)
    # a budget of 960 a year is 20 a month for each of the 4 selected
    solved = evaluate_rule(engine, rule, budget=960.0)
    assert solved.details["amount"] == pytest.approx(20.0)
