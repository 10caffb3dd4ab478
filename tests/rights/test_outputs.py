"""The rights section in impact.json, the tables, the brief (Arabic without English) and
the CLI; bad options are reported with their key and line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from insaf.cli import simulate as _simulate  # noqa: F401  (registers the command)
from insaf.cli.app import app
from insaf.errors import SpecError
from insaf.policy import load_scenario, simulate
from insaf.reports import render_brief
from insaf.rights import Participation, assess_rights
from insaf.survey import Survey, write_survey

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.fixture(scope="module")
def impact(demo: Survey) -> Any:
    return assess_rights(simulate(load_scenario(EXAMPLES / "bread_to_child_grant.yaml"), demo))


def _rights_sections(html: str) -> list[str]:
    found = re.findall(r'<section class="rights".*?</section>', html, flags=re.S)
    assert found
    return found


def test_the_arabic_rights_section_has_no_english(impact: Any) -> None:
    html = render_brief(impact, lang="ar")
    for section in _rights_sections(html):
        text = re.sub(r"<[^>]*>", " ", section)  # the words a reader sees, not the markup
        latin = re.findall(r"[A-Za-z]+", text)
        assert latin == [], latin[:20]
        assert "عدم التمييز" in text and "عدم التراجع" in text


def test_the_english_rights_section_shows_every_test(impact: Any) -> None:
    html = render_brief(impact, lang="en")
    section = _rights_sections(html)[0]
    for words in (
        "Minimum core",
        "Non-discrimination",
        "Non-retrogression",
        "Maximum available resources",
        "Participation and transparency",
        "Not assessed / not known",
        "Kakwani index",
        "Necessity",
    ):
        assert words in section, words


def test_impact_json_and_tables_carry_the_rights(impact: Any) -> None:
    document = json.loads(json.dumps(impact.to_dict(), allow_nan=False))
    rights = document["reforms"]["child_grant"]["rights"]
    assert set(rights["verdicts"]) == {
        "minimum_core",
        "non_discrimination",
        "non_retrogression",
        "resources",
        "participation",
    }
    assert rights["verdicts"]["participation"]["verdict"] == "not_assessed"
    assert rights["participation"] == {"consulted": None, "published": None, "referral": None}
    row = rights["minimum_core"][0]
    assert set(row["value"]) == {"value", "se", "ci_low", "ci_high"}
    groups = {r["group"] for r in rights["non_discrimination"]}
    assert {"women", "female_headed", "disability", "non_nationals", "rural"} <= groups
    assert any(g.startswith("governorate=") for g in groups)
    indicators = {r["indicator"] for r in rights["non_retrogression"]}
    assert indicators == {"poverty_national", "poverty_extreme", "burden_food", "burden_energy"}
    assert rights["resources"]["fiscal_space"]["fiscal_space"]["se"] > 0
    tables = impact.tables()
    for name in ("verdicts", "minimum_core", "non_discrimination", "non_retrogression"):
        frame = tables[f"rights_{name}"]
        assert set(frame.get_column("reform").unique()) == {"child_grant", "targeted_top_up"}
    assert "difference_se" in tables["rights_non_discrimination"].columns


def test_participation_known_to_the_council(demo: Survey) -> None:
    base = simulate(load_scenario(EXAMPLES / "bread_to_child_grant.yaml"), demo)
    seen = assess_rights(base, participation=Participation(consulted=True, published=True))
    assert seen["child_grant"].sections["rights"].verdicts["participation"] == "not_flagged"
    hidden = assess_rights(base, participation=Participation(consulted=True, published=False))
    assert hidden["child_grant"].sections["rights"].verdicts["participation"] == "flagged"


BAD = """\
name: bad
survey: survey
welfare: consumption_pc
lines: {national: poverty_line}
reforms:
  r: [{id: t, type: cash_transfer, amount: 5}]
rights:
  extreme_line: extreme
  groups:
    - {name: odd, where: "no_such_column = 1"}
  burdens:
    food: {items: [bread, caviar]}
"""


def test_bad_rights_options_name_their_key_and_line(demo: Survey, tmp_path: Path) -> None:
    write_survey(demo, tmp_path / "survey")
    path = tmp_path / "bad.yaml"
    path.write_text(BAD, encoding="utf-8")
    impact = simulate(load_scenario(path))
    with pytest.raises(SpecError) as caught:
        assess_rights(impact)
    text = str(caught.value)
    assert "caviar" in text and "line 12" in text
    path.write_text(BAD.replace("caviar", "rice"), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        assess_rights(simulate(load_scenario(path)))
    assert "extreme" in str(caught.value) and "line 8" in str(caught.value)
    path.write_text(BAD.replace("caviar", "rice").replace("  extreme_line: extreme\n", ""))
    with pytest.raises(SpecError) as caught:
        assess_rights(simulate(load_scenario(path)))
    assert "no_such_column" in str(caught.value) and "line 9" in str(caught.value)


def test_both_missing_lines_are_named_at_their_keys(demo: Survey, tmp_path: Path) -> None:
    write_survey(demo, tmp_path / "survey")
    path = tmp_path / "bad.yaml"
    text = BAD.replace("caviar", "rice").replace("rights:\n", "rights:\n  national_line: nowhere\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        assess_rights(simulate(load_scenario(path)))
    said = str(caught.value)
    assert said.index("'nowhere'") < said.index("'extreme'")
    assert "line 8" in said and "line 9" in said


def test_the_cli_says_participation_is_not_known(demo: Survey, tmp_path: Path) -> None:
    write_survey(demo, tmp_path / "survey")
    text = (EXAMPLES / "bread_to_child_grant.yaml").read_text(encoding="utf-8")
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(text.replace("survey: ../data/demo", "survey: survey"), encoding="utf-8")
    result = CliRunner().invoke(app, ["simulate", str(scenario), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "participation: not assessed / not known" in output
    assert (tmp_path / "out" / "rights_non_discrimination.csv").exists()
    document = json.loads((tmp_path / "out" / "impact.json").read_text(encoding="utf-8"))
    assert "rights" in document["reforms"]["targeted_top_up"]


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_whole_arabic_brief_with_rights_has_no_english(path: Path, demo: Survey) -> None:
    from tests.latin import latin_words

    html = render_brief(assess_rights(simulate(load_scenario(path), demo)), lang="ar")
    assert 'class="rights"' in html
    assert latin_words(html) == []


def test_groups_withheld_by_disclosure_control_lose_their_numbers(impact: Any) -> None:
    section = impact["child_grant"].sections["rights"]
    groups = {g["group"]: g for g in section.groups()}
    assert {"everyone", "women", "quintile_1"} <= set(groups)
    assert all(g["n"] > 0 and g["population"] > 0 for g in groups.values())
    hidden = section.without_groups({"women"})
    rows = [r for r in hidden.non_discrimination if r["group"] == "women"]
    assert rows and all(r["suppressed"] for r in rows)
    assert all(r["difference"] is None and r["n"] is None and r["p_value"] is None for r in rows)
    kept = [r for r in hidden.non_retrogression if r["group"] != "women"]
    assert all(not r["suppressed"] and r["change"] is not None for r in kept)
    assert all(r["before"] is None for r in hidden.non_retrogression if r["group"] == "women")
    # the brief and impact.json show a withheld group as such
    from dataclasses import replace

    reform = replace(impact["child_grant"], sections={"rights": hidden})
    document = json.dumps(hidden.to_dict(), allow_nan=False)
    assert '"suppressed": true' in document
    from insaf.reports.rights import rights_context

    context = rights_context(reform, "ar", 0.95)
    assert context is not None
    women = next(g for g in context["groups"] if g["label"] == "النساء والفتيات")
    assert women["difference"] == "محجوب"
