"""``insaf budget incidence``: JSON, the Arabic table, disclosure and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insaf.budget import write_fdp
from insaf.cli import app
from insaf.survey import write_survey

from .households import ten_budget, ten_households

runner = CliRunner()
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ten")
    write_survey(ten_households(), root / "survey")
    write_fdp(ten_budget(), root / "budget")
    return root


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["budget", "incidence", *args], env=ENGLISH)
    return result.exit_code, result.output


def test_json_from_the_budget(folder: Path) -> None:
    code, out = _run(
        str(folder / "survey"), "--budget", str(folder / "budget"), "--year", "2024",
        "--service", "primary", "--service", "outpatient", "--format", "json", "--no-disclosure",
    )  # fmt: skip
    assert code == 0, out
    found = json.loads(out)
    costs = {r["service"]: r["unit_cost"]["value"] for r in found["unit_costs"]}
    # the hand example: 300 over 3 public primary pupils, 120 over 12 visits
    assert costs == pytest.approx({"primary": 100.0, "outpatient": 10.0})
    first = next(r for r in found["quantiles"] if r["benefit"] == "all" and r["group"] == 1)
    assert first["share"]["value"] == pytest.approx(170 / 420)


def test_cells_below_the_minimum_count_are_suppressed(folder: Path) -> None:
    code, out = _run(str(folder / "survey"), "--cost", "primary=100", "--format", "json")
    assert code == 0, out
    # two households a quintile: every cell is below the minimum count
    assert all(r["suppressed"] for r in json.loads(out)["quantiles"])


def test_arabic_table(folder: Path) -> None:
    result = runner.invoke(
        app,
        ["budget", "incidence", str(folder / "survey"), "--cost", "primary=100", "--lang", "ar",
         "--no-disclosure"],
        env=ENGLISH,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "تكاليف الوحدة سنوياً" in result.output and "حصة المنفعة" in result.output


def test_bad_input(folder: Path) -> None:
    code, out = _run(str(folder / "survey"), "--cost", "primary")
    assert code == 2 and "--cost 'primary'" in out
    code, out = _run(str(folder / "survey"), "--cost", "nursery=10")
    assert code == 2 and "--cost 'nursery': the services are primary" in out
    code, out = _run(str(folder / "survey"), "--year", "2024")
    assert code == 2 and "--budget" in out
    code, out = _run(str(folder / "survey"), "--service", "nursery", "--cost", "primary=1")
    assert code == 2 and "--service 'nursery'" in out
