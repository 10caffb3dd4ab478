"""``insaf inspect`` and ``insaf validate`` from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from insaf.cli import app

CORPUS = Path(__file__).parents[1] / "survey" / "corpus"
runner = CliRunner()


def test_inspect_valid_survey_as_json() -> None:
    result = runner.invoke(app, ["inspect", str(CORPUS / "valid"), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["households"], data["persons"]) == (6, 9)
    # weighted households: 100.5 + 100.5 + 80 + 120 + 60 + 60
    assert data["population_households"] == 521.0
    # weighted persons: 2*100.5 + 100.5 + 2*80 + 120 + 2*60 + 60
    assert data["population_persons"] == 761.5
    assert data["design"]["strata"] == 2 and data["design"]["psus"] == 4
    assert data["problems"] == []


def test_inspect_prints_labels_and_design() -> None:
    result = runner.invoke(app, ["inspect", str(CORPUS / "valid")])
    assert result.exit_code == 0, result.output
    assert "العمر" in result.stdout
    assert "2 strata, 4 PSUs" in result.stdout


def test_validate_exits_non_zero_and_lists_every_problem() -> None:
    result = runner.invoke(app, ["validate", str(CORPUS / "many_problems")])
    assert result.exit_code == 1
    assert "4 error(s), 1 warning(s)" in result.stdout
    assert "persons.csv, lines 5, 6, 11, column 'hhid'" in result.stdout


def test_unreadable_input_exits_2_with_the_place() -> None:
    result = runner.invoke(app, ["inspect", str(CORPUS / "ragged_line")])
    assert result.exit_code == 2
    assert "persons.csv" in result.stderr and "line 4: 3 fields" in result.stderr


def test_single_file_with_design_options() -> None:
    path = CORPUS / "valid" / "households.csv"
    args = [
        "inspect",
        str(path),
        "--weight",
        "weight",
        "--strata",
        "stratum",
        "--psu",
        "psu",
        "--unit",
        "household",
        "--format",
        "json",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["population_households"] == 521.0
    assert data["design"]["psus_per_stratum"] == [2, 2, 2.0]


def test_single_file_without_weight_is_refused() -> None:
    result = runner.invoke(app, ["inspect", str(CORPUS / "valid" / "persons.csv")])
    assert result.exit_code == 2
    assert "--weight" in result.stderr


def test_inspect_and_validate_as_csv() -> None:
    """The one --format of every command: table, json or csv."""
    inspected = runner.invoke(app, ["inspect", str(CORPUS / "valid"), "--format", "csv"])
    assert inspected.exit_code == 0, inspected.output
    rows = list(csv.DictReader(io.StringIO(inspected.stdout)))
    assert set(rows[0]) == {
        "table",
        "variable",
        "type",
        "label_en",
        "label_ar",
        "value_labels",
        "missing",
    }
    as_json = json.loads(
        runner.invoke(app, ["inspect", str(CORPUS / "valid"), "--format", "json"]).stdout
    )
    assert len(rows) == sum(len(t["variables"]) for t in as_json["tables"])
    assert "العمر" in {r["label_ar"] for r in rows}
    validated = runner.invoke(app, ["validate", str(CORPUS / "many_problems"), "--format", "csv"])
    assert validated.exit_code == 1
    problems = list(csv.DictReader(io.StringIO(validated.stdout)))
    assert sorted(p["severity"] for p in problems) == ["error"] * 4 + ["warning"]
    assert {"line 5", "line 6", "line 11"} <= {
        place for p in problems for place in p["places"].split(";")
    }
