"""The CLI, the files it writes and the brief in both languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insaf.cli import simulate as _simulate  # noqa: F401  (registers the command)
from insaf.cli.app import app
from insaf.policy import simulate
from insaf.policy.scenario import parse_scenario
from insaf.reports import render_brief, write_impact
from insaf.survey import Survey, write_survey

SCENARIO = """\
name: {{en: "Bread <script>alert(1)</script>", ar: "استبدال دعم الخبز"}}
survey: {survey}
welfare: consumption_pc
lines: {{national: poverty_line, extreme: 80}}
baseline:
  - {{id: bread_subsidy, type: price_subsidy, item: bread, subsidy_per_unit: 1.2}}
  - {{id: cash, type: cash_transfer, amount: 40, eligible: "cash_assistance > 0"}}
reforms:
  grant:
    - {{remove: bread_subsidy}}
    - {{id: child_grant, type: cash_transfer, unit: person, amount: 5, eligible: "age < 18",
       budget_neutral: true}}
"""


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory, demo: Survey) -> Path:
    folder = tmp_path_factory.mktemp("sim")
    write_survey(demo, folder / "survey")
    path = folder / "scenario.yaml"
    path.write_text(SCENARIO.format(survey="survey"), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_cli_writes_json_tables_and_brief(scenario_file: Path, tmp_path: Path, lang: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["simulate", str(scenario_file), "--out", str(out), "--lang", lang]
    )
    assert result.exit_code == 0, result.output
    document = json.loads((out / "impact.json").read_text(encoding="utf-8"))
    assert set(document) == {"scenario", "reforms"}
    grant = document["reforms"]["grant"]
    for key in ("fiscal", "poverty", "inequality", "deciles", "groups", "winners_losers"):
        assert key in grant
    assert set(grant["poverty"][0]["change"]) == {"value", "se", "ci_low", "ci_high"}
    assert len(grant["deciles"]) == 10
    assert grant["solved"]["parameter"] == "child_grant.amount"
    assert document["scenario"]["survey"]["fingerprint"]
    assert (out / "impact.xlsx").stat().st_size > 0
    assert (out / "fiscal.csv").exists()
    html = (out / "report.html").read_text(encoding="utf-8")
    assert f'lang="{lang}"' in html
    assert ('dir="rtl"' in html) == (lang == "ar")
    assert "<svg" in html and "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    if lang == "ar":
        assert "استبدال دعم الخبز" in html and "أهم النتائج" in html
    else:
        assert "&lt;script&gt;" in html


def test_cli_reports_a_bad_scenario_with_its_line(tmp_path: Path, scenario_file: Path) -> None:
    bad = tmp_path / "bad.yaml"
    text = scenario_file.read_text(encoding="utf-8").replace("age < 18", "agee < 18")
    bad.write_text(text.replace("survey: survey", f"survey: {scenario_file.parent / 'survey'}"))
    result = CliRunner().invoke(app, ["simulate", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "line 11" in output and "agee" in output


def test_the_statement_reproduces_from_what_it_stores(demo: Survey) -> None:
    """Issue 7: the stored scenario and survey give identical numbers again."""
    sc = parse_scenario(
        {
            "name": "reproduce",
            "welfare": "consumption_pc",
            "lines": {"national": "poverty_line"},
            "baseline": [{"id": "vat", "type": "vat", "rate": 0.16}],
            "reforms": {"up": [{"change": "vat", "rate": 0.18}]},
        }
    )
    first = simulate(sc, demo)
    again = simulate(parse_scenario(first.meta["definition"]), demo)
    assert json.dumps(first.to_dict(), default=str) == json.dumps(again.to_dict(), default=str)


def test_brief_in_both_languages(demo: Survey, tmp_path: Path) -> None:
    sc = parse_scenario(
        {
            "name": {"en": "VAT up", "ar": "زيادة الضريبة"},
            "welfare": "consumption_pc",
            "lines": {"national": "poverty_line"},
            "baseline": [{"id": "vat", "type": "vat", "rate": 0.16}],
            "reforms": {"up": [{"change": "vat", "rate": 0.18}]},
        }
    )
    impact = simulate(sc, demo)
    english, arabic = render_brief(impact, lang="en"), render_brief(impact, lang="ar")
    assert "Key findings" in english and "VAT up" in english
    assert "أهم النتائج" in arabic and "زيادة الضريبة" in arabic and 'dir="rtl"' in arabic
    written = write_impact(impact, tmp_path, lang="ar")
    assert written["html"].read_text(encoding="utf-8") == arabic


def test_the_brief_names_the_intervals_by_the_scenarios_confidence(demo: Survey) -> None:
    """A scenario at 90 % confidence: the brief's intervals are 90 % ones, and say so."""
    definition = {
        "name": "VAT up",
        "welfare": "consumption_pc",
        "lines": {"national": "poverty_line"},
        "baseline": [{"id": "vat", "type": "vat", "rate": 0.16}],
        "reforms": {"up": [{"change": "vat", "rate": 0.18}]},
    }
    at_90 = simulate(parse_scenario({**definition, "options": {"confidence": 0.9}}), demo)
    english, arabic = render_brief(at_90, lang="en"), render_brief(at_90, lang="ar")
    assert "90% confidence interval" in english and "90% CI" in english
    assert "95%" not in english
    assert "فترة الثقة 90%" in arabic and "95%" not in arabic
    at_95 = render_brief(simulate(parse_scenario(definition), demo), lang="en")
    assert "95% confidence interval" in at_95 and "90%" not in at_95
