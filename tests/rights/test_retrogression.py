"""Non-retrogression: a subsidy removed without compensation is retrogressive; a full
compensation of the poorest 40 % lifts the flag for the groups it protects."""

from __future__ import annotations

from typing import Any

import pytest

from insaf.policy import simulate
from insaf.policy.scenario import parse_scenario
from insaf.rights import assess_rights

from .helpers import make_survey

N = 100
# welfare 50, 52.5, ..., 297.5 a month, one person each; every household buys 10 kg of
# bread a month at 0.50 (the subsidy of 3.00 a kg takes the price down from 3.50).
WELFARE = [50.0 + 2.5 * i for i in range(N)]
BOTTOM_40 = [1 if i < 40 else 0 for i in range(N)]  # the first 40 (lowest welfare)


def _impact(**options: Any) -> Any:
    households = [
        {
            "hhid": i + 1,
            "consumption_pc": y,
            "bottom40": BOTTOM_40[i],
            "weight": 1.0,
            "psu": i + 1,
        }
        for i, y in enumerate(WELFARE)
    ]
    persons = [{"pid": i + 1, "hhid": i + 1} for i in range(N)]
    bread = [{"hhid": i + 1, "item": "bread", "quantity": 10.0, "value": 5.0} for i in range(N)]
    survey = make_survey(households, persons, bread)
    scenario = parse_scenario(
        {
            "name": "bread",
            "welfare": "consumption_pc",
            "lines": {"national": 100.0},
            "baseline": [
                {"id": "bread", "type": "price_subsidy", "item": "bread", "subsidy_per_unit": 3.0}
            ],
            "reforms": {
                # every household pays 30 more a month for its bread
                "removed": [{"remove": "bread"}],
                # ... and the poorest 40 % get exactly those 30 back
                "compensated": [
                    {"remove": "bread"},
                    {
                        "id": "comp",
                        "type": "cash_transfer",
                        "amount": 30,
                        "eligible": "bottom40 = 1",
                    },
                ],
            },
            "rights": {
                "groups": [],
                "compare_by": [],
                "burdens": {"food": {"label": {"en": "Food", "ar": "الغذاء"}, "items": ["bread"]}},
                **options,
            },
        }
    )
    return assess_rights(simulate(scenario, survey))


def _flags(impact: Any, reform: str) -> dict[tuple[str, str], bool]:
    rows = impact[reform].sections["rights"].non_retrogression
    return {(r["indicator"], r["group"]): r["flagged"] for r in rows}


def test_a_subsidy_removed_without_compensation_is_retrogressive() -> None:
    impact = _impact()
    flags = _flags(impact, "removed")
    # the 12 with welfare from 100 to 127.5 fall below the line: 12 of 100 people
    assert flags["poverty_national", "everyone"]
    rows = impact["removed"].sections["rights"].non_retrogression
    poverty = next(
        r for r in rows if r["indicator"] == "poverty_national" and r["group"] == "everyone"
    )
    assert poverty["change"].value == pytest.approx(12 / 100)
    for group in ("everyone", *(f"quintile_{q}" for q in range(1, 6))):
        assert flags["burden_food", group], group
    assert impact["removed"].sections["rights"].verdicts["non_retrogression"] == "flagged"


def test_full_compensation_of_the_poorest_40_percent_lifts_their_flags() -> None:
    impact = _impact()
    flags = _flags(impact, "compensated")
    rows = impact["compensated"].sections["rights"].non_retrogression
    for q in (1, 2):  # exactly the compensated households: nothing changes for them
        for indicator in ("poverty_national", "burden_food"):
            row = next(
                r for r in rows if r["indicator"] == indicator and r["group"] == f"quintile_{q}"
            )
            assert row["change"].value == pytest.approx(0.0, abs=1e-12)
            assert not row["flagged"]
    # everyone who could fall below the line was compensated
    assert not flags["poverty_national", "everyone"]
    # the richer 60 % still pay more for their bread out of the same money
    for q in (3, 4, 5):
        assert flags["burden_food", f"quintile_{q}"]


def test_justifications_are_recorded_as_given_or_not() -> None:
    impact = _impact()
    section = impact["removed"].sections["rights"]
    assert section.justifications == {
        "necessity": None,
        "proportionality": None,
        "temporariness": None,
        "non_discrimination": None,
        "minimum_core": None,
    }
    assert not section.justified()


def test_justifications_given_are_recorded_and_shown_in_both_briefs() -> None:
    import re

    from tests.latin import latin_words

    from insaf.reports import render_brief

    necessity = {"en": "The subsidy costs 2% of GDP.", "ar": "يكلّف الدعم 2% من الناتج."}
    impact = _impact(justifications={"necessity": necessity, "temporariness": {"en": "Two years."}})
    section = impact["removed"].sections["rights"]
    assert section.justifications["necessity"] == necessity
    assert section.justifications["temporariness"] == {"en": "Two years.", "ar": ""}
    assert section.justifications["proportionality"] is None
    assert not section.justified()  # three of the five are still missing
    english = render_brief(impact, lang="en")
    assert "Necessity: Given — The subsidy costs 2% of GDP." in english
    assert "Temporariness: Given — Two years." in english
    assert "Proportionality: Not given" in english
    arabic = render_brief(impact, lang="ar")
    assert "يكلّف الدعم 2% من الناتج." in arabic
    rights = re.findall(r'<section class="rights".*?</section>', arabic, flags=re.S)
    assert rights and all(latin_words(part) == [] for part in rights)  # no English text leaks
