"""Renamed flags (docs/glossary.md): the old spelling works, is hidden, and warns."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from insaf.cli import app

CORPUS = Path(__file__).parents[1] / "survey" / "corpus"
SINGLE = [
    str(CORPUS / "valid" / "households.csv"),
    "--weight",
    "weight",
    "--strata",
    "stratum",
    "--psu",
    "psu",
]
runner = CliRunner()


def _mean(*flags: str) -> dict[str, object]:
    args = ["estimate", *SINGLE, "--measure", "total", "--var", "weight", "--format", "json"]
    result = runner.invoke(app, [*args, *flags])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    return {"row": rows[0], "stderr": result.stderr}


def test_old_unit_flag_reads_as_unit_and_warns() -> None:
    new = _mean("--unit", "household")
    old = _mean("--level", "household")
    assert old["row"] == new["row"]
    assert new["stderr"] == ""
    assert "warning: --level is deprecated; use --unit" in str(old["stderr"])


def test_old_confidence_flag_with_equals_sign() -> None:
    new = _mean("--unit", "household", "--confidence", "0.9")
    old = _mean("--unit", "household", "--ci-level=0.9")
    assert old["row"] == new["row"]
    row = new["row"]
    assert isinstance(row, dict)
    # 90 %: z = 1.6448536269514722, narrower than the 95 % interval
    assert row["ci_high"] - row["ci_low"] < 2 * 1.96 * row["se"]
    assert "--ci-level is deprecated; use --confidence" in str(old["stderr"])


def test_confidence_outside_zero_one_is_an_error_not_a_traceback() -> None:
    args = ["estimate", *SINGLE, "--measure", "total", "--var", "weight", "--confidence", "7"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "--confidence must be between 0 and 1" in result.stderr
    assert "Traceback" not in result.output


def test_old_flags_are_not_in_help() -> None:
    for command, old, new in (
        (["estimate"], "--ci-level", "--confidence"),
        (["estimate"], "--level", "--unit"),
        (["inspect"], "--level", "--unit"),
        (["target", "fit"], "--weights", "--unit"),
    ):
        result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert new in result.stdout and old not in result.stdout, command


def test_positional_survey_is_called_survey() -> None:
    result = runner.invoke(app, ["estimate", "--help"], env={"COLUMNS": "200"})
    assert "SURVEY" in result.stdout and "DATA" not in result.stdout


def test_the_old_ci_level_flag_out_of_range_is_one_line_not_a_traceback() -> None:
    """``insaf estimate --ci-level 7`` (as reported): a warning and a one-line error."""
    args = ["estimate", *SINGLE, "--measure", "total", "--var", "weight", "--ci-level", "7"]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == ["error: --confidence must be between 0 and 1 (e.g. 0.95), not 7.0"]
