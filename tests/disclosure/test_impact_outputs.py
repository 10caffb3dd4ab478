"""Every output of a deliberately fine-grained scenario holds no cell below the threshold.

The scenario breaks the impact down by household (``groups: [hhid, governorate,
head_education]``): unprotected, every household's welfare change would be a row with
``n = 1`` (issue 10, finding 1). Checked here: the public ``Impact``, and every file
``insaf simulate`` writes (impact.json, each CSV, impact.xlsx, report.html); and that
``--no-disclosure`` shows everything and says so.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook
from scipy.optimize import linprog
from typer.testing import CliRunner

from insaf.cli import simulate as _simulate  # noqa: F401  (registers the command)
from insaf.cli.app import app
from insaf.disclosure import DisclosureRules
from insaf.policy import Impact, public_impact, simulate
from insaf.policy.scenario import parse_scenario
from insaf.survey import Survey, write_survey
from insaf.survey.synth import synthesize

MIN = DisclosureRules().min_count

SCENARIO = """\
name: {{en: Fine grained, ar: تفصيل دقيق}}
survey: {survey}
welfare: consumption_pc
lines: {{national: poverty_line}}
groups: [hhid, governorate, head_education]
baseline:
  - {{id: cash, type: cash_transfer, amount: 40, eligible: "cash_assistance > 0"}}
reforms:
  grant:
    - {{remove: cash}}
    - {{id: child_grant, type: cash_transfer, unit: person, amount: 5, eligible: "age < 18"}}
"""


@pytest.fixture(scope="module")
def survey() -> Survey:
    return synthesize(150, seed=5, year=2024)


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory: pytest.TempPathFactory, survey: Survey) -> Path:
    folder = tmp_path_factory.mktemp("fine")
    write_survey(survey, folder / "survey")
    path = folder / "scenario.yaml"
    path.write_text(SCENARIO.format(survey="survey"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def impact(scenario_file: Path, survey: Survey) -> Impact:
    from insaf.specs import load_yaml

    data, lines = load_yaml(scenario_file.read_text(encoding="utf-8"), file="scenario.yaml")
    return simulate(parse_scenario(data, lines, file="scenario.yaml"), survey)


def _small(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [r for r in rows if r.get(key) is not None and r[key] < MIN]


def test_the_raw_impact_is_microdata(impact: Impact) -> None:
    groups = impact["grant"].table("groups")
    assert len(_small(groups, "n")) >= 150  # one row per household: what must not leave


def test_public_impact_has_no_small_cell(impact: Impact) -> None:
    public = public_impact(impact, DisclosureRules())
    reform = public["grant"]
    for name in ("deciles", "groups", "winners_losers"):
        rows = reform.table(name)
        assert _small(rows, "n") == [], name
        for row in rows:
            if row["suppressed"]:
                assert row["n"] is None and row["population"] is None
                assert row["mean_change"] is None and row["winners"] is None
    who = reform.table("who_loses")
    assert len(_small(impact["grant"].table("who_loses"), "n_losers")) >= 100
    assert _small(who, "n_losers") == [] and _small(who, "n_everyone") == []
    hidden = [r for r in reform.table("groups") if r["suppressed"]]
    assert len(hidden) >= 150
    assert public.meta["disclosure"]["applied"] is True
    assert public.meta["disclosure"]["cells"]["primary"] >= 150
    assert public.simulation is None


def test_suppressed_group_populations_cannot_be_worked_out(impact: Impact) -> None:
    """Independent LP: for each group variable, the published populations and the total fix
    a line; each suppressed population ranges over an interval wide enough."""
    public = public_impact(impact, DisclosureRules())["grant"]
    raw = impact["grant"]
    total = raw.table("winners_losers")[0]["population"]
    share = DisclosureRules().protection
    for variable in ("governorate", "head_education"):
        rows = [r for r in raw.table("groups") if r["variable"] == variable]
        shown = [r for r in public.table("groups") if r["variable"] == variable]
        hidden = [p["suppressed"] for p in shown]
        if not any(hidden):
            continue
        values = np.array([r["population"] for r in rows])
        k = len(values)
        bounds = [(0.0, None) if h else (v, v) for v, h in zip(values, hidden, strict=True)]
        for i in np.nonzero(hidden)[0]:
            ends = []
            for sense in (1.0, -1.0):
                c = np.zeros(k)
                c[i] = sense
                res = linprog(c, A_eq=np.ones((1, k)), b_eq=[total], bounds=bounds)
                ends.append(sense * res.fun)
            margin = share * max(values[i], 1.0)
            assert ends[0] <= max(values[i] - margin, 0) + 1e-6
            assert ends[1] >= values[i] + margin - 1e-6


_COUNTS = ("n", "n_losers", "n_everyone")


def _rows_of_csv(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [
            {k: (float(v) if v else None) if k in _COUNTS else v for k, v in r.items()}
            for r in csv.DictReader(handle)
        ]


def test_every_file_simulate_writes_is_controlled(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["simulate", str(scenario_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Disclosure control: minimum count 30" in result.output
    document = json.loads((out / "impact.json").read_text(encoding="utf-8"))
    assert document["scenario"]["disclosure"]["applied"] is True
    assert document["scenario"]["survey"]["path"] == "survey.yaml"  # its name, not its folder
    grant = document["reforms"]["grant"]
    for name in ("deciles", "groups"):
        assert _small(grant[name], "n") == []
    assert _small(grant["who_loses"], "n_losers") == []
    written = sorted(p.stem for p in out.glob("*.csv"))
    assert {"deciles", "groups", "who_loses", "rights_non_discrimination"} <= set(written)
    for name in written:  # every table, the rights assessment's among them
        rows = _rows_of_csv(out / f"{name}.csv")
        for key in _COUNTS:
            assert _small(rows, key) == [], (name, key)
    book = load_workbook(out / "impact.xlsx", read_only=True)
    for sheet in book.worksheets:
        values = list(sheet.iter_rows(values_only=True))
        header = list(values[0])
        for key in ("n", "n_losers", "n_everyone"):
            if key in header:
                column = header.index(key)
                small = [r for r in values[1:] if r[column] is not None and r[column] < MIN]
                assert small == [], (sheet.title, key)
    html = (out / "report.html").read_text(encoding="utf-8")
    suppressed = sum(r["suppressed"] for n in ("deciles", "groups", "who_loses") for r in grant[n])
    assert html.count("suppressed (too few observations)") == suppressed
    assert "Not disclosure-controlled" not in html


def test_no_disclosure_shows_everything_and_says_so(scenario_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["simulate", str(scenario_file), "--out", str(out), "--no-disclosure"]
    )
    assert result.exit_code == 0, result.output
    assert "Not disclosure-controlled" in result.output
    document = json.loads((out / "impact.json").read_text(encoding="utf-8"))
    assert document["scenario"]["disclosure"]["applied"] is False
    assert len(_small(document["reforms"]["grant"]["groups"], "n")) >= 150
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Not disclosure-controlled" in html
