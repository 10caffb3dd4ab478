"""``insaf budget``: import, check, pefa, results, in English and Arabic, table and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insaf.budget import Budget, budget_lines, read_budget, write_boost_csv, write_fdp
from insaf.budget.demo import write_demo_budget
from insaf.cli import app
from insaf.survey import write_survey
from insaf.survey.synth import synthesize

from .conftest import small_lines
from .test_pefa import ROWS

ROOT = Path(__file__).parents[2]
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8", "COLUMNS": "160"}
runner = CliRunner()


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=ENGLISH)
    return result.exit_code, result.stdout


def test_import_writes_what_it_read(budget: Budget, tmp_path: Path) -> None:
    write_boost_csv(budget, tmp_path / "flat")
    code, out = _run("budget", "import", str(tmp_path / "flat"), "--out", str(tmp_path / "fdp"))
    assert code == 0, out
    assert "budget-lines.csv" in out and "datapackage.json" in out
    assert read_budget(tmp_path / "fdp") == budget
    code, out = _run("budget", "import", str(tmp_path / "fdp"), "--out", str(tmp_path / "back"),
                     "--to", "boost", "--format", "json")  # fmt: skip
    assert code == 0
    data = json.loads(out)
    assert data["lines"] == 4 and data["years"] == [2022] and data["problems"] == []
    assert read_budget(tmp_path / "back") == budget


def test_check_names_the_row_and_exits_1(budget: Budget, tmp_path: Path) -> None:
    lines = small_lines()
    lines[4]["amount"] = 100.25
    from dataclasses import replace

    write_fdp(replace(budget, lines=budget_lines(lines)), tmp_path)
    code, out = _run("budget", "check", str(tmp_path), "--format", "json")
    assert code == 1
    (problem,) = json.loads(out)
    assert problem["row"] == 1 and problem["field"] == "revised" and problem["line"] == "SOC"
    code, out = _run("budget", "import", str(tmp_path), "--out", str(tmp_path / "x"))
    assert code == 1 and "Not written" in out and not (tmp_path / "x").exists()
    code, out = _run("--lang", "ar", "budget", "check", str(tmp_path))
    assert code == 1 and "خطأ" in out
    # the problem itself in Arabic too (insaf.errors.said): no English word in the table
    table = " ".join(out.replace("│", " ").split())
    assert {"الصف", "العمود", "ومجموع", "الفرعية"} <= set(table.split()), table
    assert "row 1" not in table and "column 'revised'" not in table and " sum " not in table


def test_a_bad_file_is_an_error_naming_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["budget", "check", str(tmp_path / "none")], env=ENGLISH)
    assert result.exit_code == 2
    assert "no such file or folder" in result.stderr
    folder = _pefa_budget(tmp_path / "pefa")
    result = runner.invoke(app, ["budget", "pefa", str(folder), "--year", "2030"], env=ENGLISH)
    assert result.exit_code == 2
    assert "year 2030 has no approved or no executed amounts" in result.stderr


def _pefa_budget(tmp_path: Path) -> Path:
    records = []
    for ident, admin, function, economic, years in ROWS:
        for year, (approved, executed) in zip((2021, 2022, 2023), years, strict=True):
            for phase, amount in (("approved", approved), ("executed", executed)):
                records.append({"line": f"{ident}-{year}", "year": year, "phase": phase,
                                "admin": admin, "function": function, "economic": economic,
                                "source": "t", "gender_marker": 0,
                                "amount": float(amount)})  # fmt: skip
    from insaf.budget import Contingency

    budget = Budget(lines=budget_lines(records), currency="DMD",
                    contingency=Contingency(field="admin", code="99"))  # fmt: skip
    write_fdp(budget, tmp_path)
    return tmp_path


def test_pefa_table_json_csv_and_arabic(tmp_path: Path) -> None:
    folder = _pefa_budget(tmp_path)
    code, out = _run("budget", "pefa", str(folder))
    assert code == 0 and "PI-1: A" in out and "PI-2 (weakest link): B" in out
    code, out = _run("budget", "pefa", str(folder), "--format", "json")
    data = json.loads(out)
    assert data["pi1"] == "A" and data["pi2"] == "B"
    assert data["dimensions"][1]["values"]["2021"] == pytest.approx(36 / 980)
    code, out = _run("budget", "pefa", str(folder), "--format", "csv")
    assert out.splitlines()[0].startswith("classification,year,category,budget,actual")
    code, out = _run("--lang", "ar", "budget", "pefa", str(folder))
    assert code == 0 and "موثوقية الموازنة" in out and "الانحراف" in out


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    survey = synthesize(1500, 7, 2024)
    write_survey(survey, folder)
    write_demo_budget(folder / "budget", survey)
    return folder


def test_results_on_the_demo(demo: Path) -> None:
    scenario = str(ROOT / "examples" / "bread_to_child_grant.yaml")
    args = ["budget", "results", str(demo / "budget"), "--survey", str(demo),
            "--scenario", scenario]  # fmt: skip
    code, out = _run(*args, "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert {r["programme"] for r in data} == {"CASH", "BREAD", "ENERGY", "EDU", "HEALTH"}
    cash = next(r for r in data if r["programme"] == "CASH")
    assert cash["year"] == 2024 and cash["cost_per_beneficiary"]["se"] > 0
    code, out = _run(*args)
    assert code == 0 and "Programme results" in out and "evidence" in out
    code, out = _run("--lang", "ar", *args)
    assert code == 0 and "نتائج البرامج" in out and "الأدلة" in out
    assert "fewer than two observations" not in out


def test_results_read_the_observatorys_observations(demo: Path, tmp_path: Path) -> None:
    csv = tmp_path / "observations.csv"
    csv.write_text(
        "indicator,period,area,value,se\nPOV_NAT,2021,NAT,16.8,1.0\nPOV_NAT,2024,NAT,13.0,1.2\n",
        encoding="utf-8",
    )
    code, out = _run("budget", "results", str(demo / "budget"), "--survey", str(demo),
                     "--programme", "EDU", "--programme", "CASH", "--observations", str(csv),
                     "--poor", "consumption_pc < poverty_line", "--format", "json")  # fmt: skip
    assert code == 0, out
    cash = next(r for r in json.loads(out) if r["programme"] == "CASH")
    poverty = next(o for o in cash["outcomes"] if o["indicator"] == "POV_NAT")
    assert poverty["change"] == pytest.approx(-3.8)
    assert poverty["se"] == pytest.approx((1.0**2 + 1.2**2) ** 0.5)
    # the plan: 16.8 % in 2021 to 13.0 % by 2025; 13.0 reached: all of the planned change
    assert poverty["progress"] == pytest.approx(1.0)
