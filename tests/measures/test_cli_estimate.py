"""``insaf estimate``: parsing, one library call, output shapes; numbers from R goldens."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

import insaf.cli.estimate  # noqa: F401  (registers the command until insaf.cli imports it)
from insaf.cli.app import app

from .conftest import GOLDEN

EUSILC = str(GOLDEN / "data" / "eusilc.csv")
DESIGN = ["--weight", "rb050", "--strata", "db040", "--psu", "db030"]


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["estimate", EUSILC, *DESIGN, *args])


def test_json_shape_and_values(eusilc_golden: dict[str, Any]) -> None:
    result = invoke("--measure", "gini", "--var", "eqIncome", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {
        "measure",
        "domain",
        "estimate",
        "se",
        "ci_low",
        "ci_high",
        "cv",
        "n",
        "population",
    }
    assert row["measure"] == "gini" and row["domain"] is None and row["n"] == 14827
    assert row["estimate"] == pytest.approx(eusilc_golden["gini_osier"]["value"], rel=1e-8)
    assert row["se"] == pytest.approx(eusilc_golden["gini_osier"]["se"], rel=1e-6)
    assert row["ci_low"] == pytest.approx(row["estimate"] - 1.959963984540054 * row["se"])


def test_domains_relative_line(eusilc_golden: dict[str, Any]) -> None:
    result = invoke(
        "--measure",
        "arpr",
        "--var",
        "eqIncome",
        "--by",
        "db040",
        "--relative",
        "0.6",
        "--of",
        "median",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 9
    for row in rows:
        g = eusilc_golden[f"arpr_lt_db040_{row['domain']['db040']}"]
        assert row["estimate"] == pytest.approx(g["value"], rel=1e-8)
        assert row["se"] == pytest.approx(g["se"], rel=1e-6)


def test_fgt_with_line_and_csv(eusilc_golden: dict[str, Any]) -> None:
    result = invoke(
        "--measure",
        "fgt1",
        "--var",
        "eqIncome",
        "--line",
        "10000",
        "--by",
        "rb090",
        "--format",
        "csv",
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("measure,rb090,estimate,se")
    assert len(lines) == 3


def test_table_output() -> None:
    result = invoke("--measure", "mean", "--var", "eqIncome")
    assert result.exit_code == 0, result.output
    assert "19890.8" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--measure", "mld", "--var", "eqIncome"], "3 zero or negative"),
        (["--measure", "mpi", "--var", "eqIncome"], "mpi takes no variable"),
        (["--measure", "hoi", "--var", "eqIncome"], "hoi needs circumstances"),
        (["--measure", "gini"], "gini needs a variable"),
        (["--measure", "fgt0", "--var", "eqIncome"], "needs a poverty line"),
        (["--measure", "gini", "--var", "eqIncome", "--alpha", "2"], "gini does not take alpha"),
        (["--measure", "mean", "--var", "py010n"], "2720 missing value"),
        (["--measure", "nope", "--var", "eqIncome"], "unknown measure"),
    ],
)
def test_clear_errors(args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
