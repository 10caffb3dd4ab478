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


def _impact(rural_aid: float = 0.0, **options: Any) -> Any:
    """Refugee households lose their aid of 20; with ``rural_aid``, rural households with
    ``hhid % 5 = 0`` also lose a transfer of that amount (a milder harm, for Holm)."""
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
    extra = [
        {
            "id": "rural_aid",
            "type": "cash_transfer",
            "amount": rural_aid,
            "eligible": "urban = 0 AND hhid % 5 = 0",
        }
    ][: int(rural_aid > 0)]
    scenario = parse_scenario(
        {
            "name": "cut",
            "welfare": "consumption_pc",
            "lines": {"national": 90.0},
            "baseline": [
                {"id": "aid", "type": "cash_transfer", "amount": 20, "eligible": "refugee_hh = 1"},
                *extra,
            ],
            # only refugee households lose (their aid), nobody else is touched
            "reforms": {"cut": [{"remove": "aid"}, *({"remove": "rural_aid"} for _ in extra)]},
            "rights": {
                "groups": [
                    {"name": "refugees", "where": "refugee_hh = 1"},
                    {"name": "rural", "where": "urban = 0"},
                    {"name": "female_headed", "where": "head_sex = 2"},
                ],
                "compare_by": [],
                **options,
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


@pytest.mark.parametrize(("rural_aid", "rural_flagged"), [(16.0, False), (17.0, True)])
def test_holm_decides_the_flags_of_an_assessed_reform_by_hand(
    rural_aid: float, rural_flagged: bool
) -> None:
    """Three groups, one family, alpha 0.05. Refugees lose 20 (p near 0); rural households
    lose a milder, uneven transfer. Holm by hand on the assessment's own p-values: sorted
    p(1) <= 0.05/3 rejects the refugees' test; then the rural p(2) is compared with 0.05/2.
    With a loss of 16 its p-value lies between 0.025 and 0.05: significant on its own,
    but not after Holm's correction, so not flagged; with 17 it is under 0.025: flagged."""
    rows = {r["group"]: r for r in _impact(rural_aid)["cut"].sections["rights"].non_discrimination}
    p = {group: row["p_value"] for group, row in rows.items()}
    assert p["refugees"] <= 0.05 / 3
    if rural_flagged:
        assert p["rural"] <= 0.05 / 2
    else:
        assert 0.05 / 2 < p["rural"] < 0.05  # an uncorrected test would flag it
    assert p["female_headed"] > 0.05
    # the step-down, written out: reject while p(k) <= alpha / (m - k + 1), stop at the first
    ranked = sorted(p, key=p.__getitem__)
    assert ranked == ["refugees", "rural", "female_headed"]
    rejected = {"refugees"} | ({"rural"} if p["rural"] <= 0.05 / 2 else set())
    if "rural" in rejected and p["female_headed"] <= 0.05:
        rejected.add("female_headed")
    for group, row in rows.items():
        assert row["significant"] == (group in rejected), group
        # flagged: rejected by Holm and faring worse than the rest (minimum effect 0)
        assert row["flagged"] == (group in rejected and row["difference"].value < 0), group
    assert rows["rural"]["flagged"] is rural_flagged


def test_the_thresholds_are_the_scenarios() -> None:
    """``alpha`` and ``minimum_effect`` come from the scenario's ``rights`` block."""
    # alpha 0.10: the rural p-value (about 0.03, above) is now under 0.10 / 2
    rows = {
        r["group"]: r
        for r in _impact(16.0, alpha=0.10)["cut"].sections["rights"].non_discrimination
    }
    assert rows["rural"]["holm_threshold"] == pytest.approx(0.10 / 2)
    assert rows["rural"]["flagged"]
    # a minimum effect of 20 points: the refugees' loss of about 15 % is significant, not
    # large enough to be flagged
    section = _impact(minimum_effect=0.20)["cut"].sections["rights"]
    rows = {r["group"]: r for r in section.non_discrimination}
    assert rows["refugees"]["difference"].value == pytest.approx(-0.1546, abs=1e-4)
    assert rows["refugees"]["significant"] and not rows["refugees"]["flagged"]
    assert section.verdicts["non_discrimination"] == "not_flagged"


def test_groups_a_few_at_a_time_give_the_same_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The discrimination and retrogression tests hold ``GROUPS_AT_ONCE`` groups' columns
    at a time (``insaf.rights.sample.in_chunks``): one group a chunk, two, or every group
    in one chunk give the same rows to the last digit."""
    from insaf.rights import sample

    found = []
    for at_once in (1, 2, 100):
        monkeypatch.setattr(sample, "GROUPS_AT_ONCE", at_once)
        section = _impact(rural_aid=5.0)["cut"].sections["rights"]
        found.append((section.non_discrimination, section.non_retrogression))
    assert len(found[0][0]) == 3 and found[0][1]  # three groups; retrogression rows
    for rows in found[1:]:
        assert rows == found[0]
