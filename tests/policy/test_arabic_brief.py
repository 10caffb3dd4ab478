"""The Arabic briefs of the three examples carry no English, and poverty lines have names."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.latin import latin_words

from insaf.errors import SpecError
from insaf.policy import simulate
from insaf.policy.scenario import load_scenario, parse_scenario
from insaf.reports import render_brief
from insaf.survey import Survey

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_arabic_brief_has_no_english(path: Path, demo: Survey) -> None:
    html = render_brief(simulate(load_scenario(path), demo), lang="ar")
    assert latin_words(html) == []
    assert "خط الفقر الوطني" in html and "خط الفقر المدقع" in html
    assert "مليار" in html or "مليون" in html


def test_the_scan_sees_english() -> None:
    """The scan itself: yesterday's leftovers are found; codes and allowed words are not."""
    found = latin_words(
        "<p>التغير in percentage points</p><svg><text>national</text></svg>"
        '<td title="extreme: 2%">1.2 bn DMD</td><p>SDMX-CSV · POV_NAT · <code>weight</code></p>'
        "<p>INSAF 0.1</p>"
        '<a lang="en" href="/en/">English</a><script>var x = "abc";</script>'
    )
    assert [word for word, _ in found] == ["in", "percentage", "points", "national", "extreme",
                                           "bn", "INSAF"]  # fmt: skip


SCENARIO = {
    "name": {"en": "Grant", "ar": "منحة"},
    "welfare": "consumption_pc",
    "lines": {
        "national": "poverty_line",
        "food": {"line": 60.0, "label": {"en": "Food line (2024)", "ar": "خط الغذاء (2024)"}},
    },
    "reforms": {"grant": [{"id": "grant", "type": "cash_transfer", "unit": "person", "amount": 5}]},
}


def test_a_poverty_line_can_be_named_in_both_languages(demo: Survey) -> None:
    scenario = parse_scenario(SCENARIO)
    assert scenario.lines == {"national": "poverty_line", "food": 60.0}
    impact = simulate(scenario, demo)
    assert impact.meta["line_labels"] == {
        "national": {"en": "National poverty line", "ar": "خط الفقر الوطني"},
        "food": {"en": "Food line (2024)", "ar": "خط الغذاء (2024)"},
    }
    assert "خط الغذاء (2024)" in render_brief(impact, lang="ar")
    assert "Food line (2024)" in render_brief(impact, lang="en")


def test_a_labelled_line_with_an_unknown_key_is_refused() -> None:
    bad = {**SCENARIO, "lines": {"food": {"line": 60.0, "lable": "x"}}}
    with pytest.raises(SpecError, match="lable"):
        parse_scenario(bad)
