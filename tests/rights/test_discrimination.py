"""Non-discrimination: a reform that hurts only one group is caught; Holm's rule by hand."""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import pytest

from insaf.policy import simulate
from insaf.policy.scenario import parse_scenario
from insaf.rights import assess_rights, holm

from .helpers import make_survey

N = 120


def _impact() -> Any:
    households = [
        {
            "hhid": i + 1,
            "consumption_pc": 100.0 + 10.0 * (i % 7),
            "refugee_hh": int(i % 4 == 0),
            "urban": int(i % 3 == 0),
            "head_sex": 2 if i % 5 == 0 else 1,
            "weight": 1.0 + (i % 2),
            "psu": i + 1,
        }
        for i in range(N)
    ]
    persons = [{"pid": i + 1, "hhid": i + 1} for i in range(N)]
    survey = make_survey(households, persons)
    scenario = parse_scenario(
        {
            "name": "cut",
            "welfare": "consumption_pc",
            "lines": {"national": 90.0},
            "baseline": [
                {"id": "aid", "type": "cash_transfer", "amount": 20, "eligible": "refugee_hh = 1"}
            ],
            # only refugee households lose (their aid), nobody else is touched
            "reforms": {"cut": [{"remove": "aid"}]},
            "rights": {
                "groups": [
                    {"name": "refugees", "where": "refugee_hh = 1"},
                    {"name": "rural", "where": "urban = 0"},
                    {"name": "female_headed", "where": "head_sex = 2"},
                ],
                "compare_by": [],
            },
        }
    )
    return assess_rights(simulate(scenario, survey))


def test_a_reform_that_hurts_one_group_is_caught() -> None:
    section = _impact()["cut"].sections["rights"]
    rows = {r["group"]: r for r in section.non_discrimination}
    assert rows["refugees"]["flagged"]
    assert rows["refugees"]["rest_change"].value == 0.0  # nobody else lost anything
    assert not rows["rural"]["flagged"]
    assert not rows["female_headed"]["flagged"]
    assert section.verdicts["non_discrimination"] == "flagged"
    # the p-value is the two-sided normal one of the difference over its standard error
    gap = rows["refugees"]["difference"]
    z = abs(gap.value / gap.se)
    assert rows["refugees"]["p_value"] == pytest.approx(2 * (1 - NormalDist().cdf(z)))


def test_holm_thresholds_of_the_groups() -> None:
    rows = _impact()["cut"].sections["rights"].non_discrimination
    m = len(rows)
    ranked = sorted(rows, key=lambda r: r["p_value"])
    for k, row in enumerate(ranked, start=1):
        assert row["holm_rank"] == k
        assert row["holm_threshold"] == pytest.approx(0.05 / (m - k + 1))


def test_holm_by_hand() -> None:
    # alpha 0.05, m = 4; sorted 0.001 <= 0.05/4 = 0.0125, 0.012 <= 0.05/3 = 0.0167,
    # 0.02 <= 0.05/2 = 0.025, 0.04 <= 0.05/1: all four rejected (Bonferroni's 0.0125
    # would reject only the first two)
    steps = holm([0.012, 0.02, 0.04, 0.001], 0.05)
    assert [s.rejected for s in steps] == [True, True, True, True]
    assert [s.rank for s in steps] == [2, 3, 4, 1]
    assert [s.threshold for s in steps] == pytest.approx([0.05 / 3, 0.05 / 2, 0.05, 0.05 / 4])
    # sorted 0.005 <= 0.0125 yes, 0.01 <= 0.0167 yes, 0.03 <= 0.025 no: stop, so 0.04 is
    # kept too although 0.04 <= 0.05
    steps = holm([0.01, 0.04, 0.03, 0.005], 0.05)
    assert [s.rejected for s in steps] == [True, False, False, True]
    # a missing p-value is never rejected
    assert [s.rejected for s in holm([float("nan"), 0.001], 0.05)] == [False, True]
    assert holm([], 0.05) == []
