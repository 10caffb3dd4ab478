"""``insaf dominance``: parsing, one library call, output shapes, Arabic; numbers from R
goldens (tests/golden/golden_dominance.R)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.latin import latin_words
from typer.testing import CliRunner

import insaf.cli.dominance  # noqa: F401  (registers the command until insaf.cli imports it)
from insaf.cli.app import app

from .conftest import GOLDEN

EUSILC = str(GOLDEN / "data" / "eusilc.csv")
DESIGN = ["--weight", "rb050", "--strata", "db040", "--psu", "db030"]
ENGLISH = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "C.UTF-8"}


def invoke(*args: str) -> Any:
    return CliRunner().invoke(app, ["dominance", EUSILC, *DESIGN, *args], env=ENGLISH)


def golden() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads((GOLDEN / "dominance.json").read_text())
    return data


@pytest.mark.golden
def test_json_between_groups_against_r() -> None:
    result = invoke(
        "--var", "eqIncome", "--between", "rb090", "female", "male", "--lines",
        "6000,9000,12000", "--order", "2", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert (out["curve"], out["order"], out["sampling"]) == ("poverty_deficit", 2, "groups")
    assert (out["first"], out["second"]) == ("rb090=female", "rb090=male")
    g = golden()
    for point in out["points"]:
        key = f"eusilc_o2_z{int(point['line'])}"
        assert point["first"] == pytest.approx(g[f"{key}_female"]["value"], rel=1e-8)
        assert point["difference"] == pytest.approx(g[f"{key}_female_male"]["value"], rel=1e-8)
        assert point["se"] == pytest.approx(g[f"{key}_female_male"]["se"], rel=1e-6)
    assert out["verdict"] == "dominated"  # women's deficit is higher at every line


def test_table_csv_and_range() -> None:
    table = invoke("--var", "eqIncome", "--versus", "eqIncome", "--from", "5000", "--to",
                   "15000", "--points", "3")  # fmt: skip
    assert table.exit_code == 0, table.output
    assert "Poverty incidence curves" in table.stdout and "10,000" in table.stdout
    assert "No dominance" in table.stdout  # a variable against itself: identical curves
    csv = invoke("--var", "eqIncome", "--versus", "eqIncome", "--lines", "5000,9000",
                 "--format", "csv")  # fmt: skip
    assert csv.stdout.splitlines()[0].startswith("line,first,first_se,second")
    assert len(csv.stdout.splitlines()) == 3


def test_arabic_verdict_and_headers() -> None:
    result = invoke("--var", "eqIncome", "--between", "rb090", "female", "male", "--lines",
                    "9000,12000", "--order", "2", "--lang", "ar")  # fmt: skip
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "منحنيات عجز الفقر" in text and "يهيمن" in text
    # English left: only the survey's own column names and codes
    words = {word for word, _ in latin_words(f"<p>{text}</p>")}
    assert words <= {"rb090=female", "rb090=male", "rb090", "female", "male"}, words


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lines", "1,2", "--from", "1"], "either --lines or --from"),
        (["--lines", "1,x"], "numbers separated by commas"),
        ([], "--from and --to, or --lines"),
        (["--lines", "2,1"], "increasing order"),
        (["--lines", "1", "--order", "3"], "order must be 1"),
        (["--lines", "1", "--below", "<<"], "--below must be"),
        (["--from", "1", "--to", "5"], "exactly one of versus"),
    ],
)
def test_bad_input(args: list[str], message: str) -> None:
    extra = [] if message == "exactly one of versus" else ["--versus", "eqIncome"]
    result = invoke("--var", "eqIncome", *extra, *args)
    assert result.exit_code != 0
    assert message in result.output
