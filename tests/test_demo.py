"""The demo pipeline behind ``make run``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from insaf.cli import app
from insaf.demo import run_demo
from insaf.survey import open_survey


def test_demo_writes_a_valid_survey_and_its_headlines(tmp_path: Path) -> None:
    result = run_demo(tmp_path, households=1500, seed=3)
    assert result.inspection.report.ok
    assert result.manifest == tmp_path / "survey.yaml"
    # The headcount is the weighted share of persons below their household's line,
    # computed here directly from the files written.
    persons = open_survey(result.manifest).frame(["consumption_pc", "poverty_line"])
    w = persons.get_column("weight").to_numpy()
    poor = (
        persons.get_column("consumption_pc").to_numpy()
        < persons.get_column("poverty_line").to_numpy()
    )
    headcount = next(
        h.estimate for h in result.headlines if h.label_en == "Poverty headcount ratio"
    )
    assert np.isclose(headcount.value, np.sum(w * poor) / np.sum(w), rtol=1e-12)
    assert headcount.se > 0
    assert headcount.n == persons.height


def test_demo_command(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(
        app, ["demo", "--out", str(out), "--households", "1200", "--lang", "ar"]
    )
    assert result.exit_code == 0, result.output
    assert "نسبة الفقر" in result.stdout
    assert (out / "survey.yaml").is_file()


def test_demo_writes_the_budget(tmp_path: Path) -> None:
    from insaf.budget import check, read_budget

    result = run_demo(tmp_path, households=1200, seed=5)
    assert result.budget == tmp_path / "budget" / "datapackage.json"
    budget = read_budget(result.budget)
    assert [p for p in check(budget) if p.severity == "error"] == []
